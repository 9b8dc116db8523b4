/* field.c - one field against its column: the type checks that ingest
 * applies to every value before references and cross-column rules. */
#include "field.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "parse.h"

static int fail(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* Whether a code looks like a long number Excel displayed in scientific
 * notation ("3.71321E+14"): its digits are gone. */
static int excel_scientific(const char *s, size_t n)
{
	size_t i = 0, mant = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, mant++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			mant++;
	if (mant == 0 || i + 2 >= n || (s[i] != 'E' && s[i] != 'e') || s[i + 1] != '+')
		return 0;
	for (i += 2; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The canonical values of an enumeration for a message, "a、b、c" (for
 * units.level the Chinese names). */
static int enum_fail(const struct schema_table *t, const struct schema_col *col, char *why,
		     size_t cap)
{
	struct buf allowed;
	const char *g = col->enumvals;
	int units_level = strcmp(col->name, "level") == 0 && strcmp(t->name, "units") == 0;

	buf_init(&allowed, 0);
	while (g && *g) {
		const char *ge = strchr(g, '|');
		const char *eq = strchr(g, '=');
		const char *end = ge ? ge : g + strlen(g);
		const char *show = g;
		size_t len = (size_t)((eq && eq < end ? eq : end) - g);
		if (units_level && eq && eq < end) {
			const char *e2;
			show = eq + 1;
			e2 = memchr(show, '=', (size_t)(end - show));
			len = (size_t)((e2 ? e2 : end) - show);
		}
		if (allowed.len)
			buf_puts(&allowed, "、");
		buf_append(&allowed, show, len);
		g = ge ? ge + 1 : NULL;
	}
	fail(why, cap, "不在允许的取值中（%s）", allowed.data ? allowed.data : "");
	buf_release(&allowed);
	return -1;
}

/* Ratings as platforms write them in words (回访满意度 非常满意 … 非常不满意),
 * for the 1-5 columns; brackets ([满意]) are ignored. */
static int rating_word(const struct schema_col *col, const char *s, size_t n, int64_t *out)
{
	static const struct {
		const char *w;
		int v;
	} words[] = {{"非常满意", 5},	{"很满意", 5},	{"满意", 4},   {"比较满意", 4},
		     {"基本满意", 3},	{"一般", 3},	{"不满意", 2}, {"不太满意", 2},
		     {"非常不满意", 1}, {"很不满意", 1}};
	size_t i;

	if (col->type != COL_INT || col->min != 1 || col->max != 5)
		return -1;
	if (n >= 2 && (s[0] == '[' || s[0] == '(') && (s[n - 1] == ']' || s[n - 1] == ')')) {
		s++;
		n -= 2;
	} else if (n >= 6 && memcmp(s, "【", 3) == 0 && memcmp(s + n - 3, "】", 3) == 0) {
		s += 3;
		n -= 6;
	}
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i].w) == n && memcmp(words[i].w, s, n) == 0) {
			*out = words[i].v;
			return 0;
		}
	return -1;
}

int field_check(const struct schema_table *t, const struct schema_col *col, const char *s, size_t n,
		struct field_val *v, char *why, size_t cap)
{
	int b;
	char expect;

	v->s = s;
	v->n = n;
	v->present = n > 0;
	v->type = FIELD_NULL;
	if (!n) {
		if (col->flags & COL_REQUIRED)
			return fail(why, cap, "为必填项，不能为空");
		return 0;
	}
	switch (col->type) {
	case COL_CODE:
		if (excel_scientific(s, n))
			return fail(why, cap,
				    "被 Excel 改写成了科学计数法，原编码已丢失"
				    "（导出前请把该列设为文本格式）");
		/* fall through */
	case COL_TEXT: v->type = FIELD_TEXT; break;
	case COL_INT:
		if (parse_int(s, n, &v->i) < 0 && rating_word(col, s, n, &v->i) < 0)
			return fail(why, cap, "不是有效的整数");
		v->type = FIELD_INT;
		if ((col->flags & COL_RANGE) &&
		    ((double)v->i < col->min || (double)v->i > col->max)) {
			if (col->min == 0 && v->i < 0)
				return fail(why, cap, "不能为负数");
			return fail(why, cap, "超出范围（%g–%g）", col->min, col->max);
		}
		break;
	case COL_REAL:
		if (parse_real(s, n, &v->r) < 0)
			return fail(why, cap, "不是有效的数字");
		v->type = FIELD_REAL;
		if ((col->flags & COL_RANGE) && (v->r < col->min || v->r > col->max)) {
			if (col->min == 0 && v->r < 0)
				return fail(why, cap, "不能为负数");
			return fail(why, cap, "超出范围（%g–%g）", col->min, col->max);
		}
		break;
	case COL_BOOL:
		if (parse_bool(s, n, &b) < 0)
			return fail(why, cap, "不是有效的是/否值（是/否、Y/N、1/0、true/false）");
		v->type = FIELD_INT;
		v->i = b;
		break;
	case COL_DATE:
	case COL_DATETIME:
		if (parse_date(s, n, col->type == COL_DATETIME, v->tmp) < 0)
			return fail(why, cap, "不是有效日期");
		v->type = FIELD_TEXT;
		v->s = v->tmp;
		v->n = col->type == COL_DATETIME ? 19 : 10;
		break;
	case COL_QUARTER:
		if (parse_quarter(s, n, v->tmp) < 0)
			return fail(why, cap, "不是有效季度（如 2024Q1 或 2024年第1季度）");
		v->type = FIELD_TEXT;
		v->s = v->tmp;
		v->n = 6;
		break;
	case COL_ENUM: {
		size_t outlen;
		const char *e = schema_enum(col, s, n, &outlen);
		if (!e)
			return enum_fail(t, col, why, cap);
		v->type = FIELD_TEXT;
		v->s = e;
		v->n = outlen;
		break;
	}
	case COL_CREDIT:
		b = parse_credit_code(s, n, &expect);
		if (b == -1)
			return fail(why, cap,
				    "不是有效的统一社会信用代码（应为18位，不含I、O、Z、S、V）");
		if (b == -2)
			return fail(why, cap, "统一社会信用代码校验位错误（应为 %c）", expect);
		v->type = FIELD_TEXT;
		break;
	}
	return 0;
}
