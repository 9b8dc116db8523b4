/* pattern.h - an upper bound on the work of Lua 5.4's pattern matcher.
 * Lua matches patterns by backtracking in C, where the rules' instruction
 * hook never runs: ("a*"):rep(25) .. "b" against 3000 letters "a" would take
 * longer than the age of the universe. rules.c asks for this bound before it
 * lets string.find/match/gmatch/gsub run, and refuses a call whose bound is
 * over what is left of the rule's pattern budget. Plain C, no Lua. */
#ifndef KP_PATTERN_H
#define KP_PATTERN_H

#include <stddef.h>

enum pattern_op {
	PATTERN_FIND,	/* string.find / string.match: '^' anchors */
	PATTERN_PLAIN,	/* string.find with plain = true: substring search */
	PATTERN_GMATCH, /* string.gmatch: '^' is an ordinary character */
	PATTERN_GSUB	/* string.gsub: '^' anchors */
};

struct pattern_bound {
	double total;	  /* steps of the whole call, over all its matches */
	double per_start; /* steps of one attempt from one start position */
	double scan;	  /* steps of computing the bound (reads of the subject) */
};

/* Bounds the matching steps (single-character tests and comparisons) of one
 * call of op with pattern p (m bytes) over subject s (n bytes, from the
 * call's start position). Computing the bound reads the subject once per
 * quantified item; it stops early, with total over limit, as soon as the
 * bound or its own work exceeds limit. A malformed pattern gets the bound of
 * its part before the error (Lua stops there). */
void pattern_cost(enum pattern_op op, const char *s, size_t n, const char *p, size_t m,
		  double limit, struct pattern_bound *b);

#endif
