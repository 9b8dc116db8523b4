/* parse.c - value parsers of the exchange format (see parse.h). */
#include "parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Copies s into out (capacity cap) turning full-width ASCII forms (U+FF01..
 * U+FF5E, e.g. １２３－／：．) into ASCII; other bytes are copied as they are.
 * Returns the output length, or -1 if it does not fit. */
static long fold_fullwidth(const char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;
	const unsigned char *u = (const unsigned char *)s;

	while (i < n) {
		if (i + 2 < n && u[i] == 0xEF && (u[i + 1] == 0xBC || u[i + 1] == 0xBD)) {
			unsigned cp = ((u[i] & 0x0F) << 12) | ((u[i + 1] & 0x3F) << 6) |
				      (u[i + 2] & 0x3F);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				if (o + 1 > cap)
					return -1;
				out[o++] = (char)(cp - 0xFF01 + 0x21);
				i += 3;
				continue;
			}
		}
		if (o + 1 > cap)
			return -1;
		out[o++] = s[i++];
	}
	return (long)o;
}

void parse_trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n;

	for (;;) {
		if (len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
			p++, len--;
		} else if (len >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3, len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
			    p[len - 1] == '\n')) {
			len--;
		} else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 &&
			   p[len - 1] == 0x80) {
			len -= 3;
		} else {
			break;
		}
	}
	*s = (const char *)p;
	*n = len;
}

/* Reads 1..maxd decimal digits at *i; returns the value or -1. */
static long digits(const char *s, size_t n, size_t *i, int maxd)
{
	long v = 0;
	int k = 0;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9' && k < maxd) {
		v = v * 10 + (s[*i] - '0');
		(*i)++, k++;
	}
	if (k == 0 || (*i < n && s[*i] >= '0' && s[*i] <= '9'))
		return -1;
	return v;
}

static int is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, long m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Matches the UTF-8 text lit at s+*i, advancing on success. */
static int lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t k = strlen(l);

	if (*i + k <= n && memcmp(s + *i, l, k) == 0) {
		*i += k;
		return 1;
	}
	return 0;
}

/* Excel serial day number (1900 date system) to a civil date. */
static void from_serial(long serial, long *y, long *m, long *d)
{
	/* Days since 1970-01-01: Excel 25569 is 1970-01-01 (after its 1900 leap bug). */
	long z = serial - 25569 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* Writes v as exactly w decimal digits (v is range-checked by the caller). */
static void put_digits(char *p, long v, int w)
{
	while (w-- > 0) {
		p[w] = (char)('0' + v % 10);
		v /= 10;
	}
}

int parse_date(const char *s0, size_t n0, int want_time, char out[20])
{
	char s[64];
	long len, y, m, d, hh = 0, mm = 0, ss = 0;
	size_t i = 0, n;
	int cn = 0;

	parse_trim(&s0, &n0);
	if (n0 == 0 || n0 >= sizeof s)
		return -1;
	len = fold_fullwidth(s0, n0, s, sizeof s);
	if (len < 0)
		return -1;
	n = (size_t)len;
	/* 8 digits: 20240429; 5 digits: an Excel serial day. */
	if ((n == 8 || n == 5) && strspn(s, "0123456789") >= n) {
		long v = digits(s, n, &i, 8);
		if (n == 8) {
			y = v / 10000, m = v / 100 % 100, d = v % 100;
		} else {
			if (v < 20000 || v > 80000)
				return -1;
			from_serial(v, &y, &m, &d);
		}
		goto check;
	}
	y = digits(s, n, &i, 4);
	if (y < 0 || i != 4)
		return -1;
	if (lit(s, n, &i, "年"))
		cn = 1;
	else if (i < n && (s[i] == '-' || s[i] == '/' || s[i] == '.'))
		i++;
	else
		return -1;
	m = digits(s, n, &i, 2);
	if (m < 0)
		return -1;
	if (cn) {
		if (!lit(s, n, &i, "月"))
			return -1;
	} else {
		if (i >= n || s[i] != s[4])
			return -1; /* the same separator twice */
		i++;
	}
	d = digits(s, n, &i, 2);
	if (d < 0)
		return -1;
	if (cn && !lit(s, n, &i, "日") && !lit(s, n, &i, "号"))
		return -1;
	if (i < n) {
		/* Time part. */
		size_t sep = i;
		while (i < n && (s[i] == ' ' || s[i] == 'T'))
			i++;
		if (i == sep && !cn)
			return -1;
		hh = digits(s, n, &i, 2);
		if (hh < 0 || i >= n || s[i] != ':')
			return -1;
		i++;
		mm = digits(s, n, &i, 2);
		if (mm < 0)
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			ss = digits(s, n, &i, 2);
			if (ss < 0)
				return -1;
			if (i < n && s[i] == '.') { /* fractional seconds: dropped */
				i++;
				while (i < n && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		}
		if (i != n || hh > 23 || mm > 59 || ss > 59)
			return -1;
	}
check:
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	/* Formatted by hand: this runs for every date of millions of rows. */
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	if (want_time) {
		out[10] = ' ';
		put_digits(out + 11, hh, 2);
		out[13] = ':';
		put_digits(out + 14, mm, 2);
		out[16] = ':';
		put_digits(out + 17, ss, 2);
		out[19] = '\0';
	} else {
		out[10] = '\0';
	}
	return 0;
}

/* Normalises a number's text into buf: full-width folded, thousands
 * separators checked and removed. Returns the length or -1. */
static long clean_number(const char *s0, size_t n0, char *buf, size_t cap, int allow_pct)
{
	char t[128];
	long len;
	size_t i, o = 0, start, intdigits = 0;
	int seen_comma = 0, group = 0;

	parse_trim(&s0, &n0);
	if (n0 == 0 || n0 >= sizeof t)
		return -1;
	len = fold_fullwidth(s0, n0, t, sizeof t);
	if (len <= 0)
		return -1;
	if (allow_pct && t[len - 1] == '%')
		len--;
	i = 0;
	if (i < (size_t)len && (t[i] == '-' || t[i] == '+'))
		buf[o++] = t[i++];
	start = i;
	for (; i < (size_t)len && t[i] != '.'; i++) {
		if (t[i] == ',') {
			/* The first group has 1-3 digits, the others exactly 3. */
			if ((!seen_comma && (intdigits == 0 || intdigits > 3)) ||
			    (seen_comma && group != 3))
				return -1;
			seen_comma = 1;
			group = 0;
			continue;
		}
		if (t[i] < '0' || t[i] > '9')
			return -1;
		if (o + 2 >= cap)
			return -1;
		buf[o++] = t[i];
		intdigits++;
		group++;
	}
	if (seen_comma && group != 3)
		return -1;
	if (i == start && (i >= (size_t)len || t[i] != '.'))
		return -1;
	if (i < (size_t)len) { /* fraction */
		size_t fd = 0;
		buf[o++] = t[i++];
		for (; i < (size_t)len; i++, fd++) {
			if (t[i] < '0' || t[i] > '9' || o + 2 >= cap)
				return -1;
			buf[o++] = t[i];
		}
		if (fd == 0 && intdigits == 0)
			return -1;
	}
	if (intdigits == 0 && o < 2)
		return -1;
	buf[o] = '\0';
	return (long)o;
}

int parse_int(const char *s, size_t n, int64_t *out)
{
	char buf[96];
	long len = clean_number(s, n, buf, sizeof buf, 0);
	const char *p;
	int neg = 0;
	uint64_t v = 0;

	if (len < 0)
		return -1;
	p = buf;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p == '.' || !*p)
		return -1;
	for (; *p && *p != '.'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; *p; p++)
			if (*p != '0')
				return -1;
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int parse_real(const char *s, size_t n, double *out)
{
	char buf[96];
	long len = clean_number(s, n, buf, sizeof buf, 1);
	double v = 0, scale = 1;
	const char *p;
	int neg = 0;

	if (len < 0)
		return -1;
	p = buf;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p && *p != '.'; p++)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p; p++) {
			scale /= 10;
			v += (*p - '0') * scale;
		}
	if (!isfinite(v))
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int parse_bool(const char *s, size_t n, int *out)
{
	/* Also the words platforms write in such columns (已解决, 满意, √). */
	static const char *yes[] = {"是",     "y",    "yes",  "1",  "true", "对", "t",
				    "已解决", "解决", "满意", "有", "√",    "✓",  NULL};
	static const char *no[] = {"否",     "n",      "no", "0", "false", "错", "f",
				   "未解决", "不满意", "无", "×", "✗",	   NULL};
	char t[32];
	size_t i;

	parse_trim(&s, &n);
	if (n == 0 || n >= sizeof t)
		return -1;
	for (i = 0; i < n; i++)
		t[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	t[n] = '\0';
	for (i = 0; yes[i]; i++)
		if (strcmp(t, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (strcmp(t, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return -1;
}

/* The folded text of s0[0..n0) into s (cap bytes; its length into *n) and the
 * four-digit year it starts with (1900..2199; *i after it), or -1. */
static long lead_year(const char *s0, size_t n0, char *s, size_t cap, size_t *n, size_t *i)
{
	long len = fold_fullwidth(s0, n0, s, cap), y;

	if (len < 0)
		return -1;
	*n = (size_t)len;
	*i = 0;
	y = digits(s, *n, i, 4);
	return y < 1900 || y > 2199 || *i != 4 ? -1 : y;
}

int parse_quarter(const char *s0, size_t n0, char out[7])
{
	static const char *cnq[] = {"一", "二", "三", "四"};
	char s[64];
	long y, q = -1;
	size_t i = 0, n;
	int k;

	parse_trim(&s0, &n0);
	if (n0 == 0 || n0 >= sizeof s)
		return -1;
	y = lead_year(s0, n0, s, sizeof s, &n, &i);
	if (y < 0)
		return -1;
	if (lit(s, n, &i, "年")) {
		lit(s, n, &i, "第");
		for (k = 0; k < 4 && q < 0; k++)
			if (lit(s, n, &i, cnq[k]))
				q = k + 1;
		if (q < 0)
			q = digits(s, n, &i, 1);
		if (!lit(s, n, &i, "季度"))
			return -1;
	} else {
		if (i < n && (s[i] == '-' || s[i] == ' '))
			i++;
		if (i >= n || (s[i] != 'Q' && s[i] != 'q'))
			return -1;
		i++;
		q = digits(s, n, &i, 1);
	}
	if (i != n || q < 1 || q > 4)
		return -1;
	{
		char tmp[32];
		snprintf(tmp, sizeof tmp, "%04ldQ%ld", y, q);
		memcpy(out, tmp, 7);
	}
	return 0;
}

int parse_credit_code(const char *s, size_t n, char *expected)
{
	static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0, i, c;
	const char *p;

	parse_trim(&s, &n);
	if (n != 18)
		return -1;
	for (i = 0; i < 18; i++) {
		if (!s[i] || !(p = strchr(set, s[i])))
			return -1;
		if (i < 17)
			sum += (int)(p - set) * w[i];
	}
	c = 31 - sum % 31;
	if (c == 31)
		c = 0;
	if (s[17] != set[c]) {
		if (expected)
			*expected = set[c];
		return -2;
	}
	return 0;
}

int parse_utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i];
		if (c < 0x80) {
			/* Skip ASCII eight bytes at a time. */
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, u + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i < n && u[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= n || (u[i + 1] & 0xC0) != 0x80)
				return 0;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			if (i + 2 >= n || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80)
				return 0;
			if ((c == 0xE0 && u[i + 1] < 0xA0) || (c == 0xED && u[i + 1] >= 0xA0))
				return 0;
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			if (i + 3 >= n || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80 ||
			    (u[i + 3] & 0xC0) != 0x80)
				return 0;
			if ((c == 0xF0 && u[i + 1] < 0x90) || (c == 0xF4 && u[i + 1] >= 0x90))
				return 0;
			i += 4;
		} else {
			return 0;
		}
	}
	return 1;
}

long parse_days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/* Two digits (or four) at s; -1 if any is not a digit. */
static long iso_num(const char *s, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int parse_iso(const char *s, int64_t *secs, long *days)
{
	long y, mo, d, h = 0, mi = 0, se = 0, z;
	size_t n = s ? strlen(s) : 0;

	if (n < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = iso_num(s, 4);
	mo = iso_num(s + 5, 2);
	d = iso_num(s + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (n >= 16) {
		if (s[10] != ' ' && s[10] != 'T')
			return -1;
		h = iso_num(s + 11, 2);
		mi = iso_num(s + 14, 2);
		if (s[13] != ':' || h < 0 || h > 23 || mi < 0 || mi > 59)
			return -1;
		if (n >= 19) {
			se = iso_num(s + 17, 2);
			if (s[16] != ':' || se < 0 || se > 60)
				return -1;
		}
	}
	z = parse_days_from_civil(y, (unsigned)mo, (unsigned)d);
	if (secs)
		*secs = (int64_t)z * 86400 + h * 3600 + mi * 60 + se;
	if (days)
		*days = z;
	return 0;
}

/* Fills label, start and end of a period whose kind, year and num are set. */
static void period_fill(struct parse_period *p)
{
	unsigned y = (unsigned)p->year % 10000u, m0 = 1, m1 = 12, last;

	if (p->kind == PERIOD_QUARTER) {
		m0 = (unsigned)p->num * 3 - 2;
		m1 = (unsigned)p->num * 3;
		snprintf(p->label, sizeof p->label, "%04uQ%u", y, (unsigned)p->num % 10u);
	} else if (p->kind == PERIOD_MONTH) {
		m0 = m1 = (unsigned)p->num;
		snprintf(p->label, sizeof p->label, "%04u-%02u", y, m0 % 100u);
	} else {
		snprintf(p->label, sizeof p->label, "%04u", y);
	}
	last = (unsigned)days_in_month(p->year, (long)m1);
	snprintf(p->start, sizeof p->start, "%04u-%02u-01", y, m0 % 100u);
	snprintf(p->end, sizeof p->end, "%04u-%02u-%02u", y, m1 % 100u, last % 100u);
}

int parse_period(const char *s0, size_t n0, struct parse_period *out)
{
	struct parse_period p;
	char s[64], q[7];
	long y, m = 0;
	size_t i = 0, n;

	parse_trim(&s0, &n0);
	if (n0 == 0 || n0 >= sizeof s)
		return -1;
	memset(&p, 0, sizeof p);
	if (parse_quarter(s0, n0, q) == 0) {
		p.kind = PERIOD_QUARTER;
		p.year =
			(q[0] - '0') * 1000 + (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0');
		p.num = q[5] - '0';
		period_fill(&p);
		*out = p;
		return 0;
	}
	y = lead_year(s0, n0, s, sizeof s, &n, &i);
	if (y < 0)
		return -1;
	p.year = (int)y;
	if (lit(s, n, &i, "年")) {
		if (i == n || (lit(s, n, &i, "度") && i == n)) {
			p.kind = PERIOD_YEAR;
		} else {
			m = digits(s, n, &i, 2);
			if (!lit(s, n, &i, "月"))
				return -1;
			p.kind = PERIOD_MONTH;
		}
	} else if (i == n) {
		p.kind = PERIOD_YEAR;
	} else {
		if (s[i] != '-' && s[i] != '/' && s[i] != '.')
			return -1;
		i++;
		m = digits(s, n, &i, 2);
		p.kind = PERIOD_MONTH;
	}
	if (i != n)
		return -1;
	if (p.kind == PERIOD_MONTH) {
		if (m < 1 || m > 12)
			return -1;
		p.num = (int)m;
	}
	period_fill(&p);
	*out = p;
	return 0;
}

void parse_period_back(const struct parse_period *p, int back, struct parse_period *out)
{
	struct parse_period r = *p;
	int per = p->kind == PERIOD_QUARTER ? 4 : p->kind == PERIOD_MONTH ? 12 : 1;
	int idx = p->year * per + (per > 1 ? p->num - 1 : 0) - back;

	r.year = idx / per;
	r.num = per > 1 ? idx % per + 1 : 0;
	period_fill(&r);
	*out = r;
}

const char *parse_period_kind_name(enum parse_period_kind k)
{
	return k == PERIOD_QUARTER ? "quarter" : k == PERIOD_MONTH ? "month" : "year";
}

void parse_period_words(const struct parse_period *p, char *out, size_t cap)
{
	static const char *cnq[] = {"一", "二", "三", "四"};

	if (p->kind == PERIOD_QUARTER && p->num >= 1 && p->num <= 4)
		snprintf(out, cap, "%d年第%s季度", p->year, cnq[p->num - 1]);
	else if (p->kind == PERIOD_MONTH)
		snprintf(out, cap, "%d年%d月", p->year, p->num);
	else
		snprintf(out, cap, "%d年度", p->year);
}
