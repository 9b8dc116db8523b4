/* parse_mask.c - parse_mask_personal (declared in parse.h): personal numbers
 * in published text. The rules, and what is deliberately left alone, are
 * listed at its declaration. */
#include "parse.h"

#include <string.h>

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

/* A check character X at s[i], not followed by a digit nor, unless after 17
 * digits (a whole ID number), by a letter: its byte length (the character as
 * typed in *x), 0 if none. */
static size_t mask_x(const char *s, size_t n, size_t i, int after17, char *x)
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
	if (!after17 && i + k < n &&
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
		if ((k = mask_x(s, n, i, g->len == 17, &g->x)) > 0) {
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

/* Whether d[0..8) is a date YYYYMMDD of 1900-2100 (the one date reader). */
static int mask_date(const char *d)
{
	char out[20];

	return mask_num(d, 4) <= 2100 && parse_date(d, 8, 0, out) == 0;
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

	if (!mask_province(d) || !mask_date(d + 6))
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
	char ymd[8] = {'1', '9'};

	memcpy(ymd + 2, d + 6, 6);
	/* Years 1900-1939 are left out: a 15-digit grid code (12-digit area code and a
	 * three-digit grid number) has its township number 001-399 in that place. */
	return mask_province(d) && yy >= 40 && mask_date(ymd);
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

static int mask_local_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int mask_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* An e-mail address starting at s[i] (a local part of 1-64 characters, @, two
 * or more dot-separated labels, the last of two letters or more): its first
 * character, stars for the rest of the local part, the domain as written
 * (zhangsan@163.com -> z*******@163.com, 12345678@qq.com -> 1*******@qq.com).
 * Returns the bytes consumed, 0 if there is no address here. */
static size_t mask_email(const char *s, size_t n, size_t i, struct mask_out *m)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t j = i, e, last = 0, k;
	int labels = 0;

	while (j < n && mask_local_char(u[j]))
		j++;
	if (j == i || j - i > 64 || j >= n || u[j] != '@')
		return 0;
	for (e = j + 1;;) {
		for (k = e; k < n && mask_label_char(u[k]); k++)
			;
		if (k == e)
			break;
		labels++;
		last = e;
		e = k;
		if (e + 1 < n && u[e] == '.' && mask_label_char(u[e + 1]))
			e++;
		else
			break;
	}
	if (labels < 2 || e - last < 2)
		return 0;
	for (k = last; k < e; k++)
		if (!((u[k] >= 'a' && u[k] <= 'z') || (u[k] >= 'A' && u[k] <= 'Z')))
			return 0;
	mask_put(m, s + i, 1);
	for (k = i + 1; k < j; k++)
		mask_put(m, "*", 1);
	mask_put(m, s + j, e - j);
	return e - i;
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
		if (mask_local_char((unsigned char)s[i]) &&
		    (i == 0 || !mask_local_char((unsigned char)s[i - 1])) &&
		    (at = mask_email(s, n, i, &m)) > 0) {
			i += at;
			continue;
		}
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
