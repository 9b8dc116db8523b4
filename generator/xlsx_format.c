/* xlsx_format.c - .xlsx number formats: the date kind of a format code or a
 * built-in format id, and the rendering of a cell's number or date serial as
 * text (ISO dates, times, shortest round-trip numbers). */
#include "xlsx_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- number formats -------------------------------------------------- */

/* The date kind of a format code: y, m, d, h, s outside quotes, brackets
 * and escapes. A lone m is minutes when h or s is there and no y or d. */
unsigned char xlsx_code_kind(const char *s)
{
	int y = 0, m = 0, d = 0, h = 0, sec = 0;

	for (; *s; s++) {
		if (strncasecmp(s, "general", 7) == 0) {
			s += 6; /* a word, not d/m/y letters */
			continue;
		}
		switch (*s) {
		case '"':
			s++;
			while (*s && *s != '"')
				s++;
			if (!*s)
				s--;
			break;
		case '[':
			while (*s && *s != ']')
				s++;
			if (!*s)
				s--;
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1])
				s++;
			break;
		case 'y':
		case 'Y': y = 1; break;
		case 'm':
		case 'M': m = 1; break;
		case 'd':
		case 'D': d = 1; break;
		case 'h':
		case 'H': h = 1; break;
		case 's':
		case 'S': sec = 1; break;
		default: break;
		}
	}
	if (y || d || (m && !h && !sec))
		return (unsigned char)(DK_DATE | (h || sec ? DK_TIME : 0) | (sec ? DK_SECS : 0));
	if (h || sec || m)
		return (unsigned char)(DK_TIME | (sec ? DK_SECS : 0));
	return 0;
}

/* Built-in formats: 14-22 and 45-47 everywhere, 27-36 and 50-58 the
 * Chinese-locale date formats (yyyy"年"m"月"d"日", h"时"mm"分"...). */
static unsigned char builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return DK_DATE;
	if (id == 18 || id == 20 || id == 32 || id == 34 || id == 55)
		return DK_TIME;
	if (id == 19 || id == 21 || id == 33 || id == 35 || id == 45 || id == 46 || id == 47 ||
	    id == 56)
		return DK_TIME | DK_SECS;
	if (id == 22)
		return DK_DATE | DK_TIME;
	return 0;
}

unsigned char xlsx_fmt_kind(const struct xlsx *x, unsigned id)
{
	size_t i;

	for (i = 0; i < x->nfmt; i++)
		if (x->fmt_id[i] == id)
			return x->fmt_kind[i];
	return builtin_kind(id);
}

int xlsx_parse_uint(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Appends v in exactly w digits (v >= 0, w <= 4): dates are written for
 * every cell of a column, and printf is the slow part of that. */
static void put_digits(struct buf *b, long v, int w)
{
	char t[4];
	int i;

	for (i = w - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	buf_append(b, t, (size_t)w);
}

static void put_time(struct buf *b, long secs, unsigned k)
{
	put_digits(b, secs / 3600, 2);
	buf_putc(b, ':');
	put_digits(b, secs / 60 % 60, 2);
	if ((k & DK_SECS) || secs % 60) {
		buf_putc(b, ':');
		put_digits(b, secs % 60, 2);
	}
}

/* Appends serial v as a date and/or time of kind k. Returns 1 if written, 0
 * if v is no date (negative, past 9999-12-31): then it is a number. */
int xlsx_put_date(struct buf *b, double v, unsigned k, int date1904)
{
	double days_f = floor(v);
	long days = (long)days_f, secs, unix_days;
	long y;
	unsigned m, d;

	if (!isfinite(v) || v < 0 || v >= 2958466.0)
		return 0;
	secs = lround((v - days_f) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	/* A time format shows the time of day only; a date-time format on a
	 * serial below 1 is a time too (Excel would show "1900-01-00"). */
	if (!(k & DK_DATE) || (days == 0 && (k & DK_TIME) && !date1904)) {
		put_time(b, secs, k);
		return 1;
	}
	if (!date1904 && days == 0)
		return 0; /* Excel's "1900-01-00" */
	if (!date1904 && days == 60) {
		buf_puts(b, "1900-02-29"); /* Lotus's leap day, kept for compatibility */
	} else {
		if (date1904)
			unix_days = days + parse_days_from_civil(1904, 1, 1);
		else
			unix_days = days + parse_days_from_civil(1899, 12, days < 60 ? 31 : 30);
		civil_from_days(unix_days, &y, &m, &d);
		if (y > 9999)
			return 0; /* nothing written yet: shown as a number */
		put_digits(b, y, 4);
		buf_putc(b, '-');
		put_digits(b, (long)m, 2);
		buf_putc(b, '-');
		put_digits(b, (long)d, 2);
	}
	if ((k & DK_TIME) || secs) {
		buf_putc(b, ' ');
		put_time(b, secs, k);
	}
	return 1;
}

int xlsx_put_number(struct buf *b, double v)
{
	char g[40];
	double r;

	if (!isfinite(v))
		return buf_puts(b, "#NUM!");
	/* Excel keeps 15 significant digits. */
	snprintf(g, sizeof g, "%.15g", v);
	r = strtod(g, NULL);
	if (r == floor(r) && fabs(r) < 1e15) {
		if (r == 0)
			return buf_puts(b, "0");
		return buf_printf(b, "%.0f", r);
	}
	if (r == floor(r) && fabs(r) < 1e21) {
		/* Past 15 digits the binary value has noise in its last digits
		 * (110101199001011008): show the 15 Excel keeps, then zeros. */
		char e[40], *p, *x;
		int exp, i, nd = 0;
		snprintf(e, sizeof e, "%.14e", r);
		x = strchr(e, 'e');
		if (!x)
			return buf_puts(b, g);
		exp = (int)strtol(x + 1, NULL, 10);
		for (p = e; p < x; p++) {
			if (*p == '-')
				buf_putc(b, '-');
			else if (*p >= '0' && *p <= '9' && nd <= exp) {
				buf_putc(b, *p);
				nd++;
			}
		}
		for (i = nd; i <= exp; i++)
			buf_putc(b, '0');
		return b->failed ? -1 : 0;
	}
	return buf_puts(b, g);
}
