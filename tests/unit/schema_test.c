/* schema_test.c - every canonical header and every Chinese alias of SPEC §1
 * finds its column, also with the decorations of real exports (a leading *,
 * a note in brackets, surrounding spaces); enumerations map their synonyms. */
#include "schema.h"
#include "test.h"

static int match(const struct schema_table *t, const char *h)
{
	return schema_match(t, h, strlen(h));
}

int main(void)
{
	size_t i, j, aliases = 0;
	char buf[256];
	size_t n;
	const struct schema_table *units = schema_find("units");
	const struct schema_table *people = schema_find("people");

	CHECK(schema_ntables == 15);
	for (i = 0; i < schema_ntables; i++) {
		const struct schema_table *t = &schema_tables[i];
		for (j = 0; j < t->ncols; j++) {
			const struct schema_col *c = &t->cols[j];
			const char *p = c->aliases;
			int ok = match(t, c->name) == (int)j;
			if (!ok)
				printf("not ok - %s.%s canonical\n", t->name, c->name);
			CHECK(ok);
			while (p && *p) {
				const char *e = strchr(p, '|');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				int got;
				snprintf(buf, sizeof buf, "%.*s", (int)len, p);
				got = match(t, buf);
				/* An alias shared by two columns goes to the first. */
				if (got != (int)j && !(got >= 0 && got < (int)j)) {
					printf("not ok - %s.%s alias %s -> %d\n", t->name, c->name,
					       buf, got);
					CHECK(0);
				}
				aliases++;
				p = e ? e + 1 : NULL;
			}
		}
	}
	CHECK(aliases > 60);
	/* Decorations. */
	CHECK(match(units, "*单元编码") == 0);
	CHECK(match(units, " 名称（必填） ") == 1);
	CHECK(match(units, "户数(户)") == 4);
	CHECK(match(units, "CODE") == 0);
	CHECK(match(units, "Parent") == 3);
	CHECK(match(units, "备注") == -1);
	CHECK(match(units, "") == -1);
	CHECK(match(people, "手机号") == 5);
	/* Enumerations. */
	CHECK_STR(schema_enum(&units->cols[2], "区县", strlen("区县"), &n) ? "hit" : "miss", "hit");
	{
		/* n is set by the call: evaluate it before reading n. */
		const char *e = schema_enum(&units->cols[2], "网格", strlen("网格"), &n);
		CHECK(e && n == 4 && strncmp(e, "grid", n) == 0);
		e = schema_enum(&units->cols[2], "Street", 6, &n);
		CHECK(e && n == 6 && strncmp(e, "street", n) == 0);
		e = schema_enum(&people->cols[2], "红色楼长", strlen("红色楼长"), &n);
		CHECK(e && n == strlen("楼长") && strncmp(e, "楼长", n) == 0);
	}
	CHECK(schema_enum(&people->cols[2], "厨师", strlen("厨师"), &n) == NULL);
	CHECK(schema_enum(&units->cols[2], "gri", 3, &n) == NULL);
	return test_done();
}
