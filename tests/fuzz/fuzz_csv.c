/* fuzz_csv.c - libFuzzer target: any bytes through the CSV reader (encoding
 * detection, conversion, line tracking, libcsv) must never crash, and every
 * record's raw text must lie within the input's line span. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvread *r = NULL;
	struct csv_record rec;
	struct diag d;
	FILE *f;
	long last = 0;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	diag_init(&d);
	if (csvread_open_stream(&r, f, "fuzz.csv", &d) < 0)
		return 0;
	while (csvread_next(r, &rec, &d) == 1) {
		if (rec.line <= last)
			abort(); /* records start on increasing lines */
		last = rec.line;
		for (size_t i = 0; i < rec.nfields; i++)
			if (rec.fields[i][rec.lens[i]] != '\0')
				abort();
	}
	csvread_close(r);
	return 0;
}
