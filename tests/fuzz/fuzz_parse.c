/* fuzz_parse.c - libFuzzer target: the value parsers (dates, numbers,
 * booleans, quarters, credit codes, masking) on any bytes; a parsed date must
 * parse again to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char out[20], again[20], q[7], m[512], exp;
	int64_t i;
	double r;
	int b;

	if (parse_date(s, size, 1, out) == 0) {
		if (parse_date(out, strlen(out), 1, again) != 0 || strcmp(out, again) != 0)
			abort();
	}
	parse_date(s, size, 0, out);
	parse_int(s, size, &i);
	parse_real(s, size, &r);
	parse_bool(s, size, &b);
	parse_quarter(s, size, q);
	parse_credit_code(s, size, &exp);
	parse_utf8_valid(s, size);
	if (parse_mask_personal(s, size, m, sizeof m) >= sizeof m)
		abort();
	/* callers give n+1 bytes: the masked text is never longer than the input */
	if (size < sizeof m && parse_mask_personal(s, size, m, sizeof m) > size)
		abort();
	return 0;
}
