/* pattern.c - an upper bound on the work of Lua 5.4's pattern matcher, from
 * the pattern and the subject (see pattern.h for why).
 * The matcher tries a match from each start position; within one attempt it
 * only branches at a quantified single-character item: x* and x- try at most
 * r + 1 lengths, x+ at most r, x? two, where r is the longest run of
 * characters of class x in the subject. Everything else (literals, classes,
 * captures, anchors) is one step per item, %b and back-references at most the
 * subject's length. So one attempt from item k costs at most
 *     T(k) = cost(k) + branching(k) x T(k + 1),
 * which is small for real patterns (runs of spaces or digits are short) and
 * astronomic for the pathological ones (a run of 3000 "a", 25 times a*). */
#include "pattern.h"

#include <ctype.h>

/* Whether byte c is in the %-class cl (%a, %d, ... and their capitals, the
 * complements; any other character stands for itself), as Lua defines them
 * with the C library's <ctype.h>. */
static int pattern_class(int c, int cl)
{
	int res;

	switch (tolower(cl)) {
	case 'a': res = isalpha(c); break;
	case 'c': res = iscntrl(c); break;
	case 'd': res = isdigit(c); break;
	case 'g': res = isgraph(c); break;
	case 'l': res = islower(c); break;
	case 'p': res = ispunct(c); break;
	case 's': res = isspace(c); break;
	case 'u': res = isupper(c); break;
	case 'w': res = isalnum(c); break;
	case 'x': res = isxdigit(c); break;
	default: return cl == c;
	}
	if (isupper(cl))
		res = !res;
	return res != 0;
}

/* Whether c is in the set [p .. close], p at '[' and close at its ']'. */
static int pattern_set(int c, const char *p, const char *close)
{
	int neg = 0;

	p++;
	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (; p < close; p++) {
		if (*p == '%' && p + 1 < close) {
			p++;
			if (pattern_class(c, (unsigned char)*p))
				return !neg;
		} else if (p + 2 < close && p[1] == '-') {
			if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
				return !neg;
			p += 2;
		} else if ((unsigned char)*p == c) {
			return !neg;
		}
	}
	return neg;
}

/* Whether byte c matches the single-character item [p, ep). */
static int pattern_single(int c, const char *p, const char *ep)
{
	switch (*p) {
	case '.': return 1;
	case '%': return pattern_class(c, (unsigned char)p[1]);
	case '[': return pattern_set(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* The end of the single-character item at p (a character, %x or a [set]),
 * or NULL when the pattern is malformed there. */
static const char *pattern_item_end(const char *p, const char *end)
{
	if (*p == '%')
		return p + 1 < end ? p + 2 : NULL;
	if (*p != '[')
		return p + 1;
	p++;
	if (p < end && *p == '^')
		p++;
	do { /* a ']' right after '[' or '[^' is a member, %] is escaped */
		if (p >= end)
			return NULL;
		if (*p == '%')
			p++;
		p++;
	} while (p < end && *p != ']');
	return p < end ? p + 1 : NULL;
}

/* The longest run of subject bytes matching the item [p, ep), and (if count
 * is not NULL) how many bytes match it. */
static size_t pattern_run(const char *s, size_t n, const char *p, const char *ep, size_t *count)
{
	size_t i, run = 0, best = 0, cnt = 0;

	for (i = 0; i < n; i++) {
		if (pattern_single((unsigned char)s[i], p, ep)) {
			cnt++;
			if (++run > best)
				best = run;
		} else {
			run = 0;
		}
	}
	if (count)
		*count = cnt;
	return best;
}

void pattern_cost(enum pattern_op op, const char *s, size_t n, const char *p, size_t m,
		  double limit, struct pattern_bound *b)
{
	const char *end = p + m, *ep, *first = NULL, *first_end = NULL;
	/* One attempt: T(k) = cost(k) + branching(k) x T(k + 1), T(end) = 1,
	 * unrolled: sum of cost(k) x (product of the branchings before k). */
	double acc = 0, prefix = 1, starts = (double)n + 1;
	size_t cnt;
	int anchored = 0, seen = 0, over = 0;

	b->scan = 0;
	if (op == PATTERN_PLAIN) { /* memchr for the first byte, memcmp for the rest */
		b->per_start = (double)m + 1;
		b->total = starts * b->per_start;
		return;
	}
	if (op != PATTERN_GMATCH && m > 0 && *p == '^') {
		anchored = 1;
		p++;
	}
	while (p < end) {
		double cost, br = 1, t;
		size_t run;
		char q;

		if (*p == '(' || *p == ')') { /* captures: one step */
			p++;
			acc += prefix;
			continue;
		}
		if (*p == '$' && p + 1 == end)
			break;
		if (*p == '%' && p + 1 < end && p[1] == 'b') { /* %bxy: one scan */
			if (p + 3 >= end)
				break;
			p += 4;
			acc += ((double)n + 1) * prefix;
			seen = 1;
			continue;
		}
		if (*p == '%' && p + 1 < end && p[1] == 'f') { /* %f[set]: two tests */
			p += 2;
			if (p >= end || *p != '[' || !(ep = pattern_item_end(p, end)))
				break;
			acc += 2 * (double)(ep - p) * prefix;
			p = ep;
			seen = 1;
			continue;
		}
		if (*p == '%' && p + 1 < end && isdigit((unsigned char)p[1])) { /* %1: compare */
			p += 2;
			acc += ((double)n + 1) * prefix;
			seen = 1;
			continue;
		}
		ep = pattern_item_end(p, end);
		if (!ep)
			break;
		/* Testing one character against a [set] reads the set. */
		t = *p == '[' ? (double)(ep - p) : 1;
		cost = t;
		q = ep < end ? *ep : '\0';
		if (q == '*' || q == '+' || q == '-' || q == '?') {
			if (b->scan + (double)n * t > limit) {
				over = 1;
				break;
			}
			b->scan += (double)n * t;
			run = pattern_run(s, n, p, ep, NULL);
			if (q == '?')
				br = run > 0 ? 2 : 1;
			else if (q == '+')
				br = run > 0 ? (double)run : 1;
			else
				br = (double)run + 1;
			cost += t * (double)run; /* the greedy count */
			ep++;
		} else if (!seen) {
			first = p;
			first_end = ep;
		}
		seen = 1;
		acc += cost * prefix;
		prefix *= br;
		p = ep;
		if (b->scan > limit || acc + prefix > limit) {
			over = 1;
			break;
		}
	}
	b->per_start = acc + prefix;
	if (anchored)
		starts = 1;
	b->total = b->scan + starts * b->per_start;
	if (over)
		b->total = limit * 2 + 1;
	/* Over the limit with an unquantified first item: only the start
	 * positions where it matches go further than one step. */
	if (b->total > limit && !over && first && !anchored &&
	    b->scan + (double)n * (double)(first_end - first) <= limit) {
		b->scan += (double)n * (double)(first_end - first);
		pattern_run(s, n, first, first_end, &cnt);
		b->total =
			b->scan + starts * (double)(first_end - first) + (double)cnt * b->per_start;
	}
}
