/* pdf_text.c - characters and line breaking for the PDF renderer: UTF-8,
 * character classes for 避头尾 and justification, and pdf_break_lines
 * (libunibreak UAX #14 plus the Chinese rules). */
#include "pdf_int.h"

#include <linebreak.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- characters ------------------------------------------------------------ */

/* Decodes one UTF-8 character of s[0..n), n > 0. An invalid or truncated
 * sequence yields U+FFFD for its first byte. Returns the bytes used. */
size_t pdf_u8dec(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c = s[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
	} else {
		goto bad;
	}
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

size_t pdf_u8enc(unsigned long c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static int in_list(unsigned long c, const unsigned short *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == c)
			return 1;
	return 0;
}

/* Never at the start of a line (避头). */
static int is_close(unsigned long c)
{
	static const unsigned short l[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0xFF09, 0xFF3D,
		0xFF5D, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B,
		0x201D, 0x2019, 0x2026, 0x2025, 0x00B7, 0x30FB, 0xFF05, 0x2030, 0x2103, 0x00B0,
		0x3003, 0x3005, 0xFE50, 0xFE51, 0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57, ',',
		'.',	';',	':',	'?',	'!',	')',	']',	'}',	'%'};

	return in_list(c, l, sizeof l / sizeof l[0]);
}

/* Never at the end of a line (避尾). */
static int is_open(unsigned long c)
{
	static const unsigned short l[] = {0xFF08, 0x300C, 0x300E, 0x300A, 0x3008, 0x3010,
					   0x3014, 0x3016, 0x3018, 0x301A, 0x201C, 0x2018,
					   0xFF3B, 0xFF5B, '(',	   '[',	   '{'};

	return in_list(c, l, sizeof l / sizeof l[0]);
}

/* Left out at the end of a line. U+3000 (ideographic space) is kept: it is
 * used on purpose for indents. */
static int is_trim(unsigned long c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C ||
	       c == 0x85 || c == 0x2028 || c == 0x2029;
}

int pdf_is_wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD) || c == 0x2014 ||
	       c == 0x2026 || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
	       c == 0xFFFD;
}

static double default_adv(unsigned long c, void *ctx)
{
	(void)ctx;
	if (c == '\n' || c == '\r')
		return 0;
	return pdf_is_wide(c) ? 1.0 : 0.5;
}

/* ---- line breaking ------------------------------------------------------- */

static void lb_init(void)
{
	static int done;

	if (!done) {
		init_linebreak();
		done = 1;
	}
}

/* Where the line that overflows at character i (i > ls) ends: a closing
 * punctuation that overflows by little is squeezed in (the line is then
 * compressed), else the last allowed break, else an emergency break that
 * still avoids punctuation at the edges when it can. x is the width of
 * [ls, i). */
static size_t line_end(const utf32_t *cp, const double *w, const char *brk, size_t n, size_t ls,
		       size_t i, double x, double avail, size_t lastb)
{
	size_t k, j;
	double t = x;

	for (k = i; k < n && k < i + 3; k++) {
		if (!is_close(cp[k]))
			break;
		t += w[k];
		if (brk[k] != LINEBREAK_NOBREAK) {
			double over = t - avail;
			if (over <= 1.0 + 1e-9 && over <= 0.1 * (double)(k - ls) + 1e-9)
				return k;
			break;
		}
	}
	if (lastb != SIZE_MAX)
		return lastb;
	for (j = i - 1;; j--) {
		if (!is_open(cp[j]) && !is_close(cp[j + 1]))
			return j;
		if (j == ls)
			break;
	}
	/* the line holds one character and closers follow: keep up to three of
	 * them with it (the line overflows) rather than start a line with one */
	for (k = i; k + 1 < n && k < i + 2 && brk[k] == LINEBREAK_NOBREAK && is_close(cp[k + 1]);)
		k++;
	return is_close(cp[i]) ? k : i - 1;
}

int pdf_break_lines(const char *s, double width, double indent, pdf_advance_fn adv, void *ctx,
		    struct pdf_line **lines, size_t *nlines, struct diag *dg)
{
	size_t len, n = 0, i, nl = 0, cap = 0, ls;
	utf32_t *cp = NULL;
	size_t *off = NULL;
	double *w = NULL;
	char *brk = NULL;
	struct pdf_line *out = NULL;
	int rc = -1;

	*lines = NULL;
	*nlines = 0;
	if (!s || !*s)
		return 0;
	if (!adv)
		adv = default_adv;
	len = strlen(s);
	cp = calloc(len, sizeof *cp); /* calloc: quiets a false gcc -O2 warning */
	off = malloc((len + 1) * sizeof *off);
	w = malloc(len * sizeof *w);
	brk = malloc(len);
	if (!cp || !off || !w || !brk)
		goto oom;
	for (i = 0; i < len; n++) {
		unsigned long c;
		off[n] = i;
		i += pdf_u8dec((const unsigned char *)s + i, len - i, &c);
		cp[n] = (utf32_t)c;
	}
	off[n] = len;
	lb_init();
	set_linebreaks_utf32(cp, n, "zh", brk);
	for (i = 0; i < n; i++) {
		double a = (cp[i] == '\n' || cp[i] == '\r') ? 0 : adv(cp[i], ctx);
		w[i] = (a > 0 && a < 1e6) ? a : 0;
		if (i + 1 < n && brk[i] == LINEBREAK_ALLOWBREAK &&
		    (is_open(cp[i]) || is_close(cp[i + 1])))
			brk[i] = LINEBREAK_NOBREAK;
	}
	brk[n - 1] = LINEBREAK_MUSTBREAK;

	for (ls = 0; ls < n;) {
		double avail = nl == 0 ? width - indent : width, x = 0;
		size_t lastb = SIZE_MAX, e = n - 1, te;
		struct pdf_line *L;

		if (!(avail > 0))
			avail = 0;
		for (i = ls; i < n; i++) {
			if (i > ls && !is_trim(cp[i]) && x + w[i] > avail + 1e-6) {
				e = line_end(cp, w, brk, n, ls, i, x, avail, lastb);
				break;
			}
			x += w[i];
			if (brk[i] == LINEBREAK_MUSTBREAK) {
				e = i;
				break;
			}
			if (brk[i] == LINEBREAK_ALLOWBREAK)
				lastb = i;
		}
		if (nl == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct pdf_line *p = realloc(out, nc * sizeof *p);
			if (!p)
				goto oom;
			out = p;
			cap = nc;
		}
		L = &out[nl++];
		L->start = off[ls];
		L->width = 0;
		for (te = e + 1; te > ls && is_trim(cp[te - 1]); te--)
			;
		L->end = off[te];
		for (i = ls; i < te; i++)
			L->width += w[i];
		L->last = brk[e] == LINEBREAK_MUSTBREAK;
		ls = e + 1;
	}
	*lines = out;
	*nlines = nl;
	out = NULL;
	rc = 0;
	goto done;
oom:
	diag_set(dg, "out of memory breaking a paragraph of %zu bytes into lines", len);
done:
	free(cp);
	free(off);
	free(w);
	free(brk);
	free(out);
	return rc;
}
