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
			unsigned cp = ((u[i] & 0x0F) << 12) | ((u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3F);
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
		} else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 && p[len - 1] == 0x80) {
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
			if ((!seen_comma && (intdigits == 0 || intdigits > 3)) || (seen_comma && group != 3))
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
	static const char *yes[] = {"是", "y", "yes", "1", "true", "对", "t", "已解决", "解决",
				    "满意", "有", "√", "✓", NULL};
	static const char *no[] = {"否", "n", "no", "0", "false", "错", "f", "未解决", "不满意",
				   "无", "×", "✗", NULL};
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

int parse_quarter(const char *s0, size_t n0, char out[7])
{
	static const char *cnq[] = {"一", "二", "三", "四"};
	char s[64];
	long len, y, q = -1;
	size_t i = 0, n;
	int k;

	parse_trim(&s0, &n0);
	if (n0 == 0 || n0 >= sizeof s)
		return -1;
	len = fold_fullwidth(s0, n0, s, sizeof s);
	if (len < 0)
		return -1;
	n = (size_t)len;
	y = digits(s, n, &i, 4);
	if (y < 1900 || y > 2199 || i != 4)
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

/* ---- masking personal numbers ------------------------------------------------
 * The text is read as chains of digit groups: digits (ASCII or full-width) joined
 * by short runs of separators (space, U+3000, hyphens and dashes, closing
 * parentheses). A chain starts at a digit with no digit before it. At each group
 * the patterns below are tried in order; a match covers whole groups, so a number
 * is never cut in the middle and a longer run (a code) never yields a phone. */

#define MASK_GROUPS    8  /* groups per chain: enough for 6222 0212 3456 7890 123 */
#define MASK_GROUP_MAX 24 /* digits kept per group: longer runs match nothing */

struct mask_group {
	size_t beg, end; /* bytes, the trailing X included */
	int len;	 /* digits, plus one for a trailing X */
	char d[MASK_GROUP_MAX + 2];
	char x; /* the X as typed ('X' or 'x', full-width folded), or 0 */
};

struct mask_chain {
	struct mask_group g[MASK_GROUPS];
	int ng;
};

/* A digit (ASCII or full-width) at s[i]: its byte length, 0 if none. */
static size_t mask_digit(const char *s, size_t n, size_t i, char *d)
{
	const unsigned char *u = (const unsigned char *)s;

	if (i < n && u[i] >= '0' && u[i] <= '9') {
		*d = (char)u[i];
		return 1;
	}
	if (i + 2 < n && u[i] == 0xEF && u[i + 1] == 0xBC && u[i + 2] >= 0x90 && u[i + 2] <= 0x99) {
		*d = (char)('0' + (u[i + 2] - 0x90));
		return 3;
	}
	return 0;
}

/* Whether s[0..i) ends with a digit. */
static int mask_digit_before(const char *s, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;

	if (i >= 1 && u[i - 1] >= '0' && u[i - 1] <= '9')
		return 1;
	return i >= 3 && u[i - 3] == 0xEF && u[i - 2] == 0xBC && u[i - 1] >= 0x90 &&
	       u[i - 1] <= 0x99;
}

/* A separator inside a written number at s[i]: its byte length, 0 if none. */
static size_t mask_sep(const char *s, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;

	if (i < n && (u[i] == ' ' || u[i] == '-' || u[i] == ')'))
		return 1;
	if (i + 2 >= n)
		return 0;
	if (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) /* U+3000 */
		return 3;
	if (u[i] == 0xEF && u[i + 1] == 0xBC && (u[i + 2] == 0x8D || u[i + 2] == 0x89)) /* －） */
		return 3;
	if (u[i] == 0xE2 && u[i + 1] == 0x80 && u[i + 2] >= 0x90 && u[i + 2] <= 0x95) /* ‐–— */
		return 3;
	if (u[i] == 0xE2 && u[i + 1] == 0x88 && u[i + 2] == 0x92) /* − */
		return 3;
	return 0;
}

/* A check character X at s[i] not followed by a letter or digit: its byte
 * length (the character as typed in *x), 0 if none. */
static size_t mask_x(const char *s, size_t n, size_t i, char *x)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0;
	char c = 0, d;

	if (i < n && (u[i] == 'X' || u[i] == 'x'))
		k = 1, c = (char)u[i];
	else if (i + 2 < n && u[i] == 0xEF && u[i + 1] == 0xBC && u[i + 2] == 0xB8)
		k = 3, c = 'X';
	else if (i + 2 < n && u[i] == 0xEF && u[i + 1] == 0xBD && u[i + 2] == 0x98)
		k = 3, c = 'x';
	if (k == 0)
		return 0;
	if (i + k < n &&
	    ((u[i + k] >= 'A' && u[i + k] <= 'Z') || (u[i + k] >= 'a' && u[i + k] <= 'z')))
		return 0;
	if (mask_digit(s, n, i + k, &d))
		return 0;
	*x = c;
	return k;
}

/* Reads the chain that starts at the digit s[i]. */
static void mask_read_chain(const char *s, size_t n, size_t i, struct mask_chain *c)
{
	size_t k, q, sl;
	char d;
	int seps;

	c->ng = 0;
	while (c->ng < MASK_GROUPS) {
		struct mask_group *g = &c->g[c->ng++];
		g->beg = i;
		g->len = 0;
		g->x = 0;
		while ((k = mask_digit(s, n, i, &d)) > 0) {
			if (g->len < MASK_GROUP_MAX + 1)
				g->d[g->len] = d;
			g->len++;
			i += k;
		}
		if ((k = mask_x(s, n, i, &g->x)) > 0) {
			if (g->len < MASK_GROUP_MAX + 1)
				g->d[g->len] = 'X';
			g->len++;
			i += k;
		}
		g->end = i;
		if (g->x)
			break; /* a check character ends a number */
		for (q = i, seps = 0; seps < 3 && (sl = mask_sep(s, n, q)) > 0; seps++)
			q += sl;
		if (seps == 0 || !mask_digit(s, n, q, &d))
			break;
		i = q;
	}
}

/* The digits of groups [g, g+k) of c, when their lengths are lens[0..k) (a
 * length 0 matches any); no X unless allow_x (and then only in the last).
 * Returns the digit count, or 0 if the shape does not fit. */
static int mask_shape(const struct mask_chain *c, int g, int k, const int *lens, int allow_x,
		      char *d)
{
	int j, t = 0;

	if (g + k > c->ng)
		return 0;
	for (j = 0; j < k; j++) {
		const struct mask_group *e = &c->g[g + j];
		if (e->len > MASK_GROUP_MAX || (lens[j] && e->len != lens[j]))
			return 0;
		if (e->x && (!allow_x || j != k - 1))
			return 0;
		memcpy(d + t, e->d, (size_t)e->len);
		t += e->len;
	}
	d[t] = '\0';
	return t;
}

/* Province-level codes of GB/T 2260 (83: Taiwan residents' permits). */
static int mask_province(const char *d)
{
	int p = (d[0] - '0') * 10 + (d[1] - '0');

	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
	       (p >= 81 && p <= 83);
}

static int mask_num(const char *d, int k)
{
	int v = 0;

	while (k-- > 0)
		v = v * 10 + (*d++ - '0');
	return v;
}

static int mask_date(int y, int m, int d)
{
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* An all-digit unified social credit code: a registration office and type of
 * GB 32100 that are all digits, a province-level area code in places 3-4 and a
 * valid check digit. */
static int mask_credit_code(const char *d)
{
	static const char *const kinds[] = {"11", "12", "13", "19", "21", "29", "31", "32",
					    "33", "34", "35", "39", "41", "49", "51", "52",
					    "53", "59", "61", "62", "69", "71", "72", "79",
					    "81", "89", "91", "92", "93"};
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (memcmp(d, kinds[i], 2) == 0)
			break;
	return i < sizeof kinds / sizeof kinds[0] && mask_province(d + 2) &&
	       parse_credit_code(d, 18, NULL) == 0;
}

/* d holds 18 characters (17 digits and a digit or X): a resident ID number? */
static int mask_id18(const char *d)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char chk[] = "10X98765432";
	int sum = 0, i;

	if (!mask_province(d) ||
	    !mask_date(mask_num(d + 6, 4), mask_num(d + 10, 2), mask_num(d + 12, 2)))
		return 0;
	for (i = 0; i < 17; i++)
		sum += (d[i] - '0') * w[i];
	if (chk[sum % 11] == d[17])
		return 1;
	/* a mistyped check character: still an ID number unless it is a credit code */
	return !mask_credit_code(d);
}

/* d holds 15 digits: a first-generation ID number (area, YYMMDD, sequence)? */
static int mask_id15(const char *d)
{
	int yy = mask_num(d + 6, 2);

	/* Years 1900-1939 are left out: a 15-digit grid code (12-digit area code and a
	 * three-digit grid number) has its township number 001-399 in that place. */
	return mask_province(d) && yy >= 40 &&
	       mask_date(1900 + yy, mask_num(d + 8, 2), mask_num(d + 10, 2));
}

static int mask_mobile(const char *d)
{
	return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

static int mask_luhn(const char *d, int n)
{
	int sum = 0, i, v;

	for (i = 0; i < n; i++) {
		v = d[n - 1 - i] - '0';
		if (i % 2 == 1 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return sum % 10 == 0;
}

/* A bank card number: 16-19 digits of a card scheme (3 JCB, 4 Visa, 5
 * Mastercard, 6 UnionPay, 9 the old domestic cards) with a valid Luhn digit;
 * 62 (UnionPay) also without, as some domestic cards never had one. */
static int mask_card(const char *d, int n)
{
	if (n < 16 || n > 19 || !strchr("34569", d[0]))
		return 0;
	return (d[0] == '6' && d[1] == '2') || mask_luhn(d, n);
}

/* Whether d[0..len) is a long-distance area code: 010 and 020-029 have three
 * digits, 03xx-09xx four. */
static int mask_area_code(const char *d, int len)
{
	if (len == 3)
		return d[0] == '0' && ((d[1] == '1' && d[2] == '0') || d[1] == '2');
	return len == 4 && d[0] == '0' && d[1] >= '3';
}

/* Length of the area code that starts a landline written as one run of n
 * digits (a local number of 7 or 8 digits, not starting with 0), or 0. */
static int mask_area(const char *d, int n)
{
	int a = d[1] == '1' || d[1] == '2' ? 3 : 4;

	return mask_area_code(d, a) && n - a >= 7 && n - a <= 8 && d[a] != '0' ? a : 0;
}

/* A mobile number in groups [g, g+k) of c: returns k (digits in d), or 0. */
static int mask_phone(const struct mask_chain *c, int g, char *d)
{
	static const int n11[] = {11}, n344[] = {3, 4, 4}, n38[] = {3, 8}, n74[] = {7, 4},
			 n443[] = {4, 4, 3};
	static const struct {
		const int *lens;
		int k;
	} shapes[] = {{n11, 1}, {n344, 3}, {n38, 2}, {n74, 2}, {n443, 3}};
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		if (mask_shape(c, g, shapes[i].k, shapes[i].lens, 0, d) == 11 && mask_mobile(d))
			return shapes[i].k;
	return 0;
}

struct mask_out {
	char *p;
	size_t o, cap;
};

static void mask_put(struct mask_out *m, const char *s, size_t k)
{
	while (k-- > 0 && m->o + 1 < m->cap)
		m->p[m->o++] = *s++;
}

/* head digits, stars, the last four (the X as typed). */
static void mask_emit(struct mask_out *m, const char *d, int n, int head, char x)
{
	int i;

	for (i = 0; i < n; i++) {
		char c = i < head || i >= n - 4 ? d[i] : '*';
		if (c == 'X' && i == n - 1 && x)
			c = x;
		mask_put(m, &c, 1);
	}
}

/* Tries the patterns at group g; returns the groups consumed (0: none). */
static int mask_match(const char *s, const struct mask_chain *c, int g, struct mask_out *m)
{
	static const int n18[] = {18}, n684[] = {6, 8, 4}, n44442[] = {4, 4, 4, 4, 2};
	static const int n15[] = {15}, n663[] = {6, 6, 3};
	static const int n13[] = {13}, n15p[] = {15};
	static const struct {
		const int *lens;
		int k;
	} ids[] = {{n18, 1}, {n684, 3}, {n44442, 5}}, olds[] = {{n15, 1}, {n663, 3}};
	static const int locals[][2] = {{8, 0}, {7, 0}, {4, 4}, {3, 4}};
	static const int any[MASK_GROUPS] = {0};
	char d[MASK_GROUPS * MASK_GROUP_MAX + 1];
	const struct mask_group *e = &c->g[g];
	size_t i;
	int n, k, a;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (mask_shape(c, g, ids[i].k, ids[i].lens, 1, d) == 18) {
			if (mask_id18(d)) {
				mask_emit(m, d, 18, 4, c->g[g + ids[i].k - 1].x);
				return ids[i].k;
			}
			if (mask_credit_code(d))
				return 0;
		}
	for (i = 0; i < sizeof olds / sizeof olds[0]; i++)
		if (mask_shape(c, g, olds[i].k, olds[i].lens, 0, d) == 15 && mask_id15(d)) {
			mask_emit(m, d, 15, 4, 0);
			return olds[i].k;
		}
	if ((k = mask_phone(c, g, d)) > 0) {
		mask_emit(m, d, 11, 3, 0);
		return k;
	}
	/* +86 written without a separator: 8613812345678, 008613812345678 */
	if ((mask_shape(c, g, 1, n13, 0, d) == 13 && memcmp(d, "86", 2) == 0 &&
	     mask_mobile(d + 2)) ||
	    (mask_shape(c, g, 1, n15p, 0, d) == 15 && memcmp(d, "0086", 4) == 0 &&
	     mask_mobile(d + 4))) {
		n = (int)strlen(d) - 11;
		mask_put(m, d, (size_t)n);
		mask_emit(m, d + n, 11, 3, 0);
		return 1;
	}
	/* landlines: an area code group and the local number, or one run */
	if ((e->len == 3 || e->len == 4) && mask_shape(c, g, 1, any, 0, d) &&
	    mask_area_code(d, e->len) && !mask_phone(c, g + 1, d)) {
		for (i = 0; i < sizeof locals / sizeof locals[0]; i++) {
			k = locals[i][1] ? 2 : 1;
			n = mask_shape(c, g + 1, k, locals[i], 0, d);
			if (n > 0 && d[0] != '0') {
				mask_put(m, s + e->beg, c->g[g + 1].beg - e->beg);
				mask_emit(m, d, n, 0, 0);
				return 1 + k;
			}
		}
	}
	n = mask_shape(c, g, 1, any, 0, d);
	if (n >= 10 && n <= 12 && (a = mask_area(d, n)) > 0) {
		mask_put(m, d, (size_t)a);
		mask_emit(m, d + a, n - a, 0, 0);
		return 1;
	}
	/* bank cards: a whole chain, in one run or in groups of four */
	if (g == 0) {
		for (k = 0; k < c->ng - 1 && c->g[k].len == 4; k++)
			;
		if (k == c->ng - 1 && (k == 0 || c->g[k].len <= 4)) {
			n = mask_shape(c, 0, c->ng, any, 0, d);
			if (mask_card(d, n)) {
				mask_emit(m, d, n, 4, 0);
				return c->ng;
			}
		}
	}
	return 0;
}

size_t parse_mask_personal(const char *s, size_t n, char *out, size_t cap)
{
	struct mask_out m = {out, 0, cap};
	struct mask_chain c;
	size_t i = 0, at;
	int g, k;
	char d;

	if (cap == 0)
		return 0;
	while (i < n && m.o + 1 < cap) {
		if (!mask_digit(s, n, i, &d) || mask_digit_before(s, i)) {
			mask_put(&m, s + i++, 1);
			continue;
		}
		mask_read_chain(s, n, i, &c);
		for (g = 0, at = i; g < c.ng;) {
			mask_put(&m, s + at, c.g[g].beg - at); /* the separators before */
			k = mask_match(s, &c, g, &m);
			if (k == 0) {
				mask_put(&m, s + c.g[g].beg, c.g[g].end - c.g[g].beg);
				k = 1;
			}
			g += k;
			at = c.g[g - 1].end;
		}
		i = at;
	}
	out[m.o] = '\0';
	return m.o;
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
