/* rules.h - the scoring engine: runs the rules/NN_name.lua files in a sandboxed Lua 5.4 state.
 * Rules read the data through a read-only connection (SELECT only), record
 * every point they award on score cards and emit result rows; the engine
 * validates them and writes them all in one transaction, or nothing.
 * The rules API is documented in rules/README.md. Only rules*.c include Lua. */
#ifndef KP_RULES_H
#define KP_RULES_H

#include "buf.h"
#include "diag.h"
#include "parse.h"
#include "store.h"

/* Default limits per rule file: Lua VM instructions, SQLite VM steps, and
 * memory (the Lua state plus the results collected so far). */
#define RULES_INSTR_BUDGET 400000000LL
#define RULES_SQL_BUDGET   4000000000LL
#define RULES_MEM_CAP	   ((size_t)256 << 20)
/* Nested calls: deeper is a runaway recursion (Lua itself would allow
 * ~200,000 levels, and walking such a stack takes minutes). */
#define RULES_DEPTH_MAX 200
/* Steps of Lua's pattern matcher (string.find/match/gmatch/gsub), counted by
 * the bound of pattern.h before each call: a few seconds at most. */
#define RULES_PATTERN_BUDGET 1000000000.0

/* Changes the limits for later runs (0 keeps a default); for tests. */
void rules_set_limits(long long instr, long long sql_steps, size_t mem);

/* Runs every .lua file of rules_dir (sorted by file name) for the period
 * (NULL: the latest year in the data; parse.h). Opens its own read-only connection to
 * db_path for the rules' queries, collects results in memory and writes them
 * with rw (store_reset_results + inserts) in ONE transaction, only if every
 * rule succeeded: a failing rule writes nothing and fills d with the rule's
 * file:line. warn(msg, arg) receives warnings (Chinese, one line each, no
 * newline); warn may be NULL. final: the 终稿, which applies appeals.csv
 * (kp.final); it fails when the appeals table is empty or absent.
 * Returns 0 or -1. */
int rules_run(struct store *rw, const char *db_path, const char *rules_dir,
	      const struct parse_period *period, int final,
	      void (*warn)(const char *msg, void *arg), void *warn_arg, struct diag *d);

/* The run's version, stored as run.version (and kp.version): a plain run is
 * the draft for publication; with final (--final) the appeals are applied. */
#define RULES_VERSION_DRAFT "公示稿"
#define RULES_VERSION_FINAL "终稿"

/* Appends the explanation of one entity (grid/community code, company credit
 * code, person id, employer name) to out: every assessment it appears in, item
 * by item, then the total and the result. Returns 1 if the entity was found,
 * 0 if not (nothing appended), -1 on error (d filled, e.g. no results yet). */
int rules_explain(struct store *s, const char *code, struct buf *out, struct diag *d);

/* Rounds x to nd decimals (0..6) half-to-even (GB/T 8170) and returns the
 * result scaled by 10^nd; a value within 1e-9 (relative) of a half counts as
 * a tie, so 2.675 rounds to 2.68 as written. Exposed for unit tests. */
long long rules_round_scaled(double x, int nd);

#endif
