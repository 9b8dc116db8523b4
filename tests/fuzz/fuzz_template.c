/* fuzz_template.c - libFuzzer target: any text as a template is compiled and,
 * when it compiles, rendered against a small data tree; nothing may crash,
 * and data holding markup must never come out unescaped through {{x}}. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template *t = NULL;
	struct tv_pool *p;
	struct tv *root, *list;
	struct buf out;
	struct diag d;

	diag_init(&d);
	if (template_parse_string("templates/fuzz.html", (const char *)data, size, &t, &d) < 0)
		return 0;
	p = tv_pool_new();
	if (!p) {
		template_free(t);
		return 0;
	}
	root = tv_map(p);
	tv_set_str(root, "name", "<script>alert(1)</script>");
	tv_set_int(root, "n", 42);
	tv_set_bool(root, "yes", 1);
	list = tv_set(root, "rows", tv_list(p));
	tv_set_str(tv_push(list, tv_map(p)), "name", "a&b");
	tv_set_str(tv_push(list, tv_map(p)), "name", "\"q\"");
	buf_init(&out, 1 << 24);
	template_render(t, root, &out, &d);
	/* Escaped output never holds the raw tag unless the template asked for
	 * raw output with triple braces or wrote it itself. */
	if (out.data && strstr(out.data, "<script>alert(1)</script>") &&
	    !memmem(data, size, "{{{", 3) && !memmem(data, size, "{{&", 3) &&
	    !memmem(data, size, "<script>", 8))
		abort();
	buf_release(&out);
	tv_pool_free(p);
	template_free(t);
	return 0;
}
