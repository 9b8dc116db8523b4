/* store.h - the one SQLite database every stage reads and writes.
 * Owns the connection, the schema (input tables, ingest bookkeeping, results),
 * transactions and prepared statements. Only store.c includes <sqlite3.h>:
 * the other stages use the thin statement API below. */
#ifndef KP_STORE_H
#define KP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct store;
struct store_stmt;

enum store_mode {
	STORE_CREATE,  /* a fresh database: an existing kaoping database is replaced */
	STORE_UPDATE,  /* an existing kaoping database, read-write */
	STORE_READONLY /* read-only connection; only SELECT is authorised */
};

/* Column types as reported by store_col_type. */
enum { STORE_NULL = 0, STORE_INT = 1, STORE_REAL = 2, STORE_TEXT = 3 };

/* Step results. */
enum { STORE_ROW = 1, STORE_DONE = 0, STORE_ERROR = -1, STORE_CONSTRAINT = -2 };

int store_open(struct store **out, const char *path, enum store_mode mode, struct diag *d);
void store_close(struct store *s); /* accepts NULL */
const char *store_path(const struct store *s);

/* Runs one or more statements without results. */
int store_exec(struct store *s, const char *sql, struct diag *d);
/* store_exec on a read-only connection with its authorizer lifted: only for the
 * engine's own TEMP tables (the period facts of rules.c), never for rule text. */
int store_exec_temp(struct store *s, const char *sql, struct diag *d);
int store_begin(struct store *s, struct diag *d);
int store_commit(struct store *s, struct diag *d);
void store_rollback(struct store *s);
/* Creates the result tables afresh (drops old results). */
int store_reset_results(struct store *s, struct diag *d);
/* Bulk-load settings: no journal, no fsync, large cache (ingest only). */
int store_bulk_mode(struct store *s, struct diag *d);

/* Indexes for scoring, built after a bulk load. */
int store_create_indexes(struct store *s, struct diag *d);

/* Prepared statements. The statement is owned by the caller: store_finalize.
 * Text passed to bind_text is copied by SQLite (SQLITE_TRANSIENT) unless
 * bind_text_static is used, whose text must live until the next step/reset.
 * A bind returns -1 when it fails, and the statement remembers the first
 * failure: the next store_step returns STORE_ERROR naming the parameter
 * (store_reset forgets it), so a row is never written with a value missing. */
int store_prepare(struct store *s, const char *sql, struct store_stmt **out, struct diag *d);
void store_finalize(struct store_stmt *st); /* accepts NULL */
int store_bind_text(struct store_stmt *st, int idx, const char *v, int len);
int store_bind_text_static(struct store_stmt *st, int idx, const char *v, int len);
int store_bind_int(struct store_stmt *st, int idx, int64_t v);
int store_bind_double(struct store_stmt *st, int idx, double v);
int store_bind_null(struct store_stmt *st, int idx);
int store_bind_count(struct store_stmt *st);
/* Returns STORE_ROW, STORE_DONE, STORE_CONSTRAINT or STORE_ERROR (d filled). */
int store_step(struct store_stmt *st, struct diag *d);
void store_reset(struct store_stmt *st);
int store_ncols(struct store_stmt *st);
const char *store_col_name(struct store_stmt *st, int i);
int store_col_type(struct store_stmt *st, int i);
/* Valid until the next step/reset/finalize; NULL for SQL NULL. */
const char *store_col_text(struct store_stmt *st, int i);
int store_col_bytes(struct store_stmt *st, int i);
int64_t store_col_int(struct store_stmt *st, int i);
double store_col_double(struct store_stmt *st, int i);
/* Whether the statement only reads (sqlite3_stmt_readonly). */
int store_stmt_readonly(struct store_stmt *st);

/* Convenience: the first column of the first row as integer/text (dflt if none). */
int64_t store_scalar_int(struct store *s, const char *sql, int64_t dflt);
/* Returns a malloc'd string or NULL; the caller frees. */
char *store_scalar_text(struct store *s, const char *sql);

/* Runs a query and writes the result as CSV (header row, UTF-8, formulas
 * neutralised) to path. */
int store_export_csv(struct store *s, const char *sql, const char *path, struct diag *d);

/* Instruction-progress callback used to stop runaway queries from rules:
 * called every n VM steps; a non-zero return interrupts the query. */
void store_set_progress(struct store *s, int n, int (*cb)(void *), void *arg);

/* ---- Results read back, for comparing two runs (kaoping diff) ---- */

/* One object a run published (a grid, community, company, person, report
 * unit, or an entity of another assessment): kind, code and name, and its
 * result fields as a clerk reads them (score to 0.01, tier, stars ...).
 * value[i] is NULL when the field is empty. Everything is borrowed and valid
 * during the callback only. kind_order orders the kinds (grids first). */
struct store_result {
	int kind_order;
	const char *kind, *code, *name;
	int nfields;
	const char *const *field;
	const char *const *value;
};

/* One score item (计分依据), borrowed for the callback only. shown is NULL
 * for a score item (compare points); for a criterion that is not scored in
 * points, a star (得星/未得) or a list (红榜 ...), it is the value shown. */
struct store_score_item {
	const char *entity, *assessment, *item, *reason, *shown;
	double points;
};

/* Calls cb for every published object, by kind then code; a non-zero return
 * from cb stops and is returned. A database without results (never scored)
 * is an error naming the file. */
int store_each_result(struct store *s, int (*cb)(const struct store_result *r, void *arg),
		      void *arg, struct diag *d);
/* Calls cb for every score item, by entity, assessment and order of award,
 * then for every star of a community (assessment 星级) and the reason of every
 * company's list (assessment 榜单, item ""), with shown set. */
int store_each_score_item(struct store *s, int (*cb)(const struct store_score_item *it, void *arg),
			  void *arg, struct diag *d);
/* A value of the run table (year, rules ...): malloc'd, or NULL; the caller frees. */
char *store_run_value(struct store *s, const char *key);

#endif
