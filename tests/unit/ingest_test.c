/* ingest_test.c - the field checks of ingest (field.c) alone: every column
 * type, its ranges, the reasons a user reads in rejects.csv, and the values
 * stored (normalised dates, canonical enumeration values). */
#include <string.h>

#include "field.h"
#include "schema.h"
#include "test.h"

static char why[512];

/* Checks value v of column col of table t; returns field_check's result. */
static int check(const char *table, const char *col, const char *v, struct field_val *out)
{
	const struct schema_table *t = schema_find(table);
	size_t i;

	why[0] = '\0';
	for (i = 0; t && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, col) == 0)
			return field_check(t, &t->cols[i], v, strlen(v), out, why, sizeof why);
	printf("not ok - no column %s.%s\n", table, col);
	return -2;
}

static int is(const struct field_val *v, const char *s)
{
	return v->n == strlen(s) && memcmp(v->s, s, v->n) == 0;
}

int main(void)
{
	struct field_val v;

	/* Required and optional empties. */
	CHECK(check("events", "id", "", &v) == -1);
	CHECK_STR(why, "为必填项，不能为空");
	CHECK(check("events", "closed_at", "", &v) == 0 && !v.present && v.type == FIELD_NULL);

	/* Codes and text. */
	CHECK(check("events", "id", "E1", &v) == 0 && v.type == FIELD_TEXT && is(&v, "E1"));
	CHECK(check("units", "code", "3.71321E+14", &v) == -1);
	CHECK_STR(why, "被 Excel 改写成了科学计数法，原编码已丢失（导出前请把该列设为文本格式）");
	CHECK(is(&v, "3.71321E+14")); /* the value as given, for the message */
	CHECK(check("events", "category", "3.7E+14", &v) == 0); /* text is not a code */

	/* Integers: separators, full-width digits, ranges. */
	CHECK(check("units", "households", "1,234", &v) == 0 && v.type == FIELD_INT && v.i == 1234);
	CHECK(check("units", "households", "１２", &v) == 0 && v.i == 12);
	CHECK(check("units", "households", "-5", &v) == -1);
	CHECK_STR(why, "不能为负数");
	CHECK(check("units", "households", "十二", &v) == -1);
	CHECK_STR(why, "不是有效的整数");
	CHECK(check("events", "satisfaction", "6", &v) == -1);
	CHECK_STR(why, "超出范围（1–5）");
	CHECK(check("events", "satisfaction", "5", &v) == 0 && v.i == 5);

	/* Reals. */
	CHECK(check("evaluations", "score", "95.5", &v) == 0 && v.type == FIELD_REAL &&
	      v.r == 95.5);
	CHECK(check("evaluations", "score", "101", &v) == -1);
	CHECK_STR(why, "超出范围（0–100）");
	CHECK(check("evaluations", "score", "abc", &v) == -1);
	CHECK_STR(why, "不是有效的数字");

	/* Booleans. */
	CHECK(check("people", "party_member", "是", &v) == 0 && v.type == FIELD_INT && v.i == 1);
	CHECK(check("people", "party_member", "N", &v) == 0 && v.i == 0);
	CHECK(check("complaints", "resolved", "待定", &v) == -1);
	CHECK_STR(why, "不是有效的是/否值（是/否、Y/N、1/0、true/false）");

	/* Dates and times, normalised. */
	CHECK(check("services", "date", "2024/3/5", &v) == 0 && is(&v, "2024-03-05"));
	CHECK(check("events", "reported_at", "2024-03-05 8:07", &v) == 0 &&
	      is(&v, "2024-03-05 08:07:00"));
	CHECK(check("services", "date", "2025-02-30", &v) == -1);
	CHECK_STR(why, "不是有效日期");
	CHECK(is(&v, "2025-02-30"));

	/* Quarters. */
	CHECK(check("property_checks", "quarter", "2024年第1季度", &v) == 0 && is(&v, "2024Q1"));
	CHECK(check("property_checks", "quarter", "2024Q5", &v) == -1);
	CHECK_STR(why, "不是有效季度（如 2024Q1 或 2024年第1季度）");

	/* Enumerations: synonyms map to the canonical value; the message lists
	 * the canonical values (Chinese names for a unit's level). */
	CHECK(check("people", "role", "专职网格员", &v) == 0 && is(&v, "网格员"));
	CHECK(check("units", "level", "街道", &v) == 0 && is(&v, "street"));
	CHECK(check("units", "level", "Grid", &v) == 0 && is(&v, "grid"));
	CHECK(check("units", "level", "省", &v) == -1);
	CHECK_STR(why, "不在允许的取值中（区县、街道、社区、网格）");
	CHECK(check("incidents", "severity", "特大", &v) == -1);
	CHECK_STR(why, "不在允许的取值中（一般、较大、重大）");

	/* Credit codes (GB 32100-2015). */
	CHECK(check("companies", "code", "91350100M000100Y43", &v) == 0 && v.type == FIELD_TEXT);
	CHECK(check("companies", "code", "91350100M000100Y44", &v) == -1);
	CHECK_STR(why, "统一社会信用代码校验位错误（应为 3）");
	CHECK(check("companies", "code", "1234", &v) == -1);
	CHECK_STR(why, "不是有效的统一社会信用代码（应为18位，不含I、O、Z、S、V）");
	return test_done();
}
