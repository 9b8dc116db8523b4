/* store.c - SQLite connection, schema, transactions and statements.
 * The schema is documented in docs/schema.md. Dates are stored as ISO text:
 * 'YYYY-MM-DD' for dates, 'YYYY-MM-DD HH:MM:SS' for date-times; booleans as
 * 0/1; enumerations in their canonical form (units.level in English, the rest
 * in the Chinese of the exchange format). */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "parse.h"
#include "schema.h"

#define KP_APP_ID 0x6b70676eL /* "kpgn" */

struct store {
	sqlite3 *db;
	char *path;
	int readonly;
	int (*progress)(void *); /* store_set_progress callback */
	void *progress_arg;
};

struct store_stmt {
	sqlite3_stmt *st;
	struct store *s;
	int bind_rc;  /* the first bind that failed since the last step or reset */
	int bind_idx; /* and its parameter */
};

#define FACT_MEASURES                                                                              \
	", n INTEGER NOT NULL, closed INTEGER NOT NULL, h24 INTEGER, h48 INTEGER, h72 INTEGER,"    \
	" h120 INTEGER, h168 INTEGER, h240 INTEGER, h360 INTEGER, h720 INTEGER, a24 INTEGER,"      \
	" a48 INTEGER, a72 INTEGER, a120 INTEGER, a168 INTEGER, a240 INTEGER, a360 INTEGER,"       \
	" a720 INTEGER, rated INTEGER, s1 INTEGER, s2 INTEGER, s3 INTEGER, s4 INTEGER, s5 INTEGER"

/* Input tables: one per file of the exchange format. */
static const char SCHEMA_INPUT[] =
	"CREATE TABLE units(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" level TEXT NOT NULL CHECK(level IN ('county','street','community','grid')),"
	" parent TEXT, households INTEGER, population INTEGER);\n"
	"CREATE INDEX units_parent ON units(parent);\n"
	"CREATE TABLE companies(code TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" projects INTEGER, households INTEGER);\n"
	"CREATE TABLE people(id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
	" unit TEXT NOT NULL, party_member INTEGER, phone TEXT, id_card TEXT, employer TEXT);\n"
	"CREATE TABLE branches(code TEXT PRIMARY KEY, name TEXT NOT NULL, unit TEXT NOT NULL,"
	" kind TEXT NOT NULL, members INTEGER, company TEXT);\n"
	"CREATE TABLE events(id TEXT PRIMARY KEY, grid TEXT NOT NULL, category TEXT,"
	" source TEXT, reported_at TEXT NOT NULL, closed_at TEXT, level TEXT,"
	" reporter TEXT, satisfaction INTEGER, status TEXT, deadline TEXT, street TEXT,"
	" community TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE services(id TEXT PRIMARY KEY, unit TEXT NOT NULL, team TEXT,"
	" person TEXT, kind TEXT, date TEXT NOT NULL, hours REAL, beneficiaries INTEGER);\n"
	"CREATE TABLE wishes(id TEXT PRIMARY KEY, unit TEXT NOT NULL, content TEXT,"
	" published_at TEXT NOT NULL, claimed_at TEXT, completed_at TEXT, claimed_by TEXT,"
	" rating INTEGER);\n"
	"CREATE TABLE visits(id TEXT PRIMARY KEY, grid TEXT NOT NULL, household TEXT NOT NULL,"
	" round INTEGER NOT NULL, date TEXT NOT NULL, visitor TEXT, street TEXT, community TEXT);\n"
	"CREATE TABLE evaluations(id TEXT PRIMARY KEY, target_kind TEXT NOT NULL,"
	" target TEXT NOT NULL, evaluator TEXT, method TEXT, date TEXT NOT NULL,"
	" score REAL NOT NULL);\n"
	"CREATE TABLE property_checks(company TEXT NOT NULL, community TEXT NOT NULL,"
	" quarter TEXT NOT NULL, criterion TEXT NOT NULL, score REAL NOT NULL,"
	" max REAL NOT NULL, PRIMARY KEY(company, community, quarter, criterion));\n"
	"CREATE TABLE complaints(id TEXT PRIMARY KEY, date TEXT NOT NULL, channel TEXT,"
	" category TEXT, unit TEXT, company TEXT, resolved INTEGER, satisfied INTEGER);\n"
	"CREATE TABLE projects(id TEXT PRIMARY KEY, employer TEXT NOT NULL, community TEXT,"
	" list TEXT, title TEXT, status TEXT, completed_at TEXT);\n"
	"CREATE TABLE incidents(id TEXT PRIMARY KEY, date TEXT NOT NULL, target_kind TEXT NOT NULL,"
	" target TEXT NOT NULL, severity TEXT NOT NULL, description TEXT);\n"
	"CREATE TABLE adjustments(target_kind TEXT NOT NULL, target TEXT NOT NULL,"
	" item TEXT NOT NULL, points REAL NOT NULL, reason TEXT NOT NULL, basis TEXT,"
	" date TEXT NOT NULL, approved_by TEXT);\n"
	"CREATE TABLE appeals(id TEXT PRIMARY KEY, target_kind TEXT NOT NULL, target TEXT NOT NULL,"
	" item TEXT, claim TEXT, received_at TEXT, decision TEXT, points REAL, decided_by TEXT,"
	" decided_at TEXT, note TEXT);\n"
	/* Ingest bookkeeping. */
	"CREATE TABLE ingest_files(file TEXT PRIMARY KEY, status TEXT NOT NULL,"
	" encoding TEXT, rows_read INTEGER NOT NULL DEFAULT 0,"
	" rows_loaded INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,"
	" unknown_columns TEXT, message TEXT, seq INTEGER, rows_void INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE rejects(file TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER,"
	" column_name TEXT, reason TEXT NOT NULL, raw TEXT);\n"
	/* What a rejected row was about, as written (the identifying columns of
	 * its table: code, name, grid, company, target...): the data-quality
	 * page says which unit, company or person a rejection left out. */
	"CREATE TABLE reject_fields(file TEXT NOT NULL, line INTEGER NOT NULL,"
	" field TEXT NOT NULL, value TEXT NOT NULL);\n"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);\n"
	/* Event facts: events summed up at load, so that scoring and reports
	 * never scan millions of events. A row of event_facts counts the events
	 * of one grid reported in one year with one settlement level and source;
	 * month_facts the same for the whole data by month. "In the period"
	 * means closed before 1 January of the year after reported_at's year.
	 * closed: closed in the period. hN: closed in the period within N hours
	 * of being reported. aN: still open at the period's end, reported at
	 * most N hours before it (not yet overdue for a limit of N hours).
	 * sK: rated K (1..5); rated = s1 + ... + s5. first_at, last_at: the
	 * month's earliest and latest reported_at. */
	"CREATE TABLE event_facts(grid TEXT NOT NULL, year INTEGER NOT NULL,"
	" level TEXT, source TEXT" FACT_MEASURES ");\n"
	"CREATE TABLE month_facts(year INTEGER NOT NULL, month INTEGER NOT NULL,"
	" level TEXT, source TEXT" FACT_MEASURES ", first_at TEXT, last_at TEXT);\n"
	/* Events by reporter (people.id), grid and year: reported and closed in the period. */
	"CREATE TABLE reporter_facts(reporter TEXT NOT NULL, grid TEXT NOT NULL,"
	" year INTEGER NOT NULL, n INTEGER NOT NULL, closed INTEGER NOT NULL,"
	" PRIMARY KEY(reporter, grid, year));\n";

/* Indexes that scoring needs, built after the bulk load. */
static const char SCHEMA_INDEXES[] =
	"CREATE INDEX IF NOT EXISTS event_facts_grid ON event_facts(grid, year);\n"
	"CREATE INDEX IF NOT EXISTS people_unit ON people(unit);\n"
	"CREATE INDEX IF NOT EXISTS visits_grid ON visits(grid, round);\n"
	"CREATE INDEX IF NOT EXISTS evaluations_target ON evaluations(target_kind, target);\n"
	"CREATE INDEX IF NOT EXISTS complaints_company ON complaints(company);\n"
	"CREATE INDEX IF NOT EXISTS projects_employer ON projects(employer);\n"
	"CREATE INDEX IF NOT EXISTS rejects_file ON rejects(file, line);\n";

/* Result tables, written by the rules engine (rules.c). */
static const char SCHEMA_RESULTS[] =
	"DROP TABLE IF EXISTS score_items; DROP TABLE IF EXISTS scores;"
	" DROP TABLE IF EXISTS grid_tiers; DROP TABLE IF EXISTS community_ranking;"
	" DROP TABLE IF EXISTS community_stars; DROP TABLE IF EXISTS redblack;"
	" DROP TABLE IF EXISTS points; DROP TABLE IF EXISTS report_units;"
	" DROP TABLE IF EXISTS run; DROP TABLE IF EXISTS settings;"
	" DROP TABLE IF EXISTS appeal_outcomes; DROP TABLE IF EXISTS adjustment_items;"
	" DROP TABLE IF EXISTS period_facts;\n"
	/* The event facts the rules counted for the period (p = 'cur'), the one
	 * before (p = 'prev', 环比) and a year before (p = 'last_year', 同比), by
	 * grid, level and source, with the measures of event_facts over [start,
	 * end] of each (rules.c): what the model's figures read. */
	"CREATE TABLE period_facts(p TEXT NOT NULL, grid TEXT, level TEXT, source "
	"TEXT" FACT_MEASURES ");\n"
	"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE run(key TEXT PRIMARY KEY, value TEXT);\n"
	/* Every point awarded or deducted, with its reason (计分依据). */
	"CREATE TABLE score_items(assessment TEXT NOT NULL, entity TEXT NOT NULL,"
	" seq INTEGER NOT NULL, item TEXT NOT NULL, inputs TEXT, points REAL NOT NULL,"
	" reason TEXT NOT NULL, rule TEXT, PRIMARY KEY(assessment, entity, seq));\n"
	"CREATE TABLE scores(assessment TEXT NOT NULL, entity TEXT NOT NULL, kind TEXT,"
	" name TEXT, score REAL NOT NULL, result TEXT, PRIMARY KEY(assessment, entity));\n"
	"CREATE TABLE grid_tiers(code TEXT PRIMARY KEY, name TEXT, community TEXT,"
	" street TEXT, score REAL NOT NULL, rank INTEGER, tier TEXT NOT NULL,"
	" funding INTEGER NOT NULL);\n"
	"CREATE TABLE community_ranking(code TEXT PRIMARY KEY, name TEXT, street TEXT,"
	" score REAL NOT NULL, rank INTEGER NOT NULL, prev_rank INTEGER, rank_change INTEGER,"
	" stars INTEGER NOT NULL, star_names TEXT, award TEXT, vetoed INTEGER NOT NULL,"
	" veto_reason TEXT);\n"
	"CREATE TABLE community_stars(code TEXT NOT NULL, star TEXT NOT NULL,"
	" earned INTEGER NOT NULL, reason TEXT, PRIMARY KEY(code, star));\n"
	"CREATE TABLE redblack(code TEXT PRIMARY KEY, name TEXT, score REAL NOT NULL,"
	" complaint_rate REAL, satisfaction REAL, list TEXT NOT NULL, reason TEXT,"
	" listed_on TEXT, valid_until TEXT);\n"
	"CREATE TABLE points(id TEXT PRIMARY KEY, name TEXT, role TEXT, unit TEXT,"
	" points REAL NOT NULL, rank_in_role INTEGER, candidate INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE report_units(employer TEXT PRIMARY KEY, projects INTEGER,"
	" completed INTEGER, rating REAL, score REAL, level TEXT);\n"
	/* The 终稿's appeals as decided (调整 or 维持), see rules/README.md. */
	"CREATE TABLE appeal_outcomes(id TEXT PRIMARY KEY, assessment TEXT NOT NULL,"
	" entity TEXT NOT NULL, kind TEXT, decision TEXT NOT NULL, points REAL NOT NULL,"
	" review TEXT);\n"
	/* The 加减分 applied: n is the adjustments row (rowid); counted <= points within the caps.
	 */
	"CREATE TABLE adjustment_items(assessment TEXT NOT NULL, entity TEXT NOT NULL,"
	" n INTEGER NOT NULL, kind TEXT, item TEXT NOT NULL, points REAL NOT NULL,"
	" counted REAL NOT NULL, reason TEXT, basis TEXT, date TEXT, approved_by TEXT,"
	" PRIMARY KEY(assessment, entity, n));\n";

static int fail(struct diag *d, struct store *s, const char *what)
{
	return diag_set(d, "数据库错误（%s）：%s", what,
			s && s->db ? sqlite3_errmsg(s->db) : "无法打开");
}

/* Rules get a connection on which only reading is authorised. */
static int readonly_auth(void *arg, int action, const char *a, const char *b, const char *c,
			 const char *e)
{
	(void)arg, (void)a, (void)b, (void)c, (void)e;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE: return SQLITE_OK;
	default: return SQLITE_DENY;
	}
}

/* kp_void(status): whether an event's status voids it (作废, 重复件 ...): such
 * an event is out of every figure, as ingest leaves it out of the facts. */
static void sql_void(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);

	(void)argc;
	sqlite3_result_int(ctx, s && schema_void_status(s, (size_t)n));
}

/* kp_mask(text): personal numbers masked for publication (parse.c). */
static void sql_mask(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	char *out;

	(void)argc;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	out = sqlite3_malloc(n + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	parse_mask_personal(s, (size_t)n, out, (size_t)n + 1);
	sqlite3_result_text(ctx, out, -1, sqlite3_free);
}

static int is_kaoping_db(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = sqlite3_column_int64(st, 0) == KP_APP_ID;
	sqlite3_finalize(st);
	return ok;
}

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int store_open(struct store **out, const char *path, enum store_mode mode, struct diag *d)
{
	struct store *s = NULL;
	int flags, rc = -1;
	char sql[128];

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return diag_set(d, "内存不足");
	s->path = strdup(path);
	if (!s->path) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (mode == STORE_CREATE && file_exists(path)) {
		/* Replace only a database we made; never clobber another file. */
		sqlite3 *old = NULL;
		int ours = sqlite3_open_v2(path, &old, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
			   is_kaoping_db(old);
		sqlite3_close(old);
		if (!ours) {
			diag_set(d, "拒绝覆盖“%s”：它不是 kaoping 数据库", path);
			goto done;
		}
		if (unlink(path) != 0) {
			diag_set(d, "无法替换数据库“%s”", path);
			goto done;
		}
		snprintf(sql, sizeof sql, "%s-journal", path);
		unlink(sql);
	}
	if (mode != STORE_CREATE && !file_exists(path)) {
		diag_set(d, "数据库“%s”不存在（先运行 kaoping ingest）", path);
		goto done;
	}
	/* A connection is used by one thread: no mutexes, no memory statistics. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	flags = (mode == STORE_READONLY ? SQLITE_OPEN_READONLY
					: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
		SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		diag_set(d, "无法打开数据库“%s”：%s", path, s->db ? sqlite3_errmsg(s->db) : "");
		goto done;
	}
	sqlite3_busy_timeout(s->db, 2000);
	sqlite3_create_function(s->db, "kp_mask", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				sql_mask, NULL, NULL);
	sqlite3_create_function(s->db, "kp_void", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				sql_void, NULL, NULL);
	if (mode == STORE_CREATE) {
		snprintf(sql, sizeof sql, "PRAGMA application_id=%ld;", KP_APP_ID);
		if (store_exec(s, sql, d) < 0 || store_exec(s, "PRAGMA page_size=8192;", d) < 0 ||
		    store_exec(s, "BEGIN;", d) < 0 || store_exec(s, SCHEMA_INPUT, d) < 0 ||
		    store_exec(s, "COMMIT;", d) < 0)
			goto done;
	} else if (!is_kaoping_db(s->db)) {
		diag_set(d, "“%s”不是 kaoping 数据库", path);
		goto done;
	}
	if (mode == STORE_READONLY) {
		s->readonly = 1;
		sqlite3_set_authorizer(s->db, readonly_auth, NULL);
	}
	rc = 0;
done:
	if (rc < 0) {
		store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

int store_exec(struct store *s, const char *sql, struct diag *d)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		diag_set(d, "数据库错误：%s", err ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int store_exec_temp(struct store *s, const char *sql, struct diag *d)
{
	int rc;

	if (s->readonly)
		sqlite3_set_authorizer(s->db, NULL, NULL);
	rc = store_exec(s, sql, d);
	if (s->readonly)
		sqlite3_set_authorizer(s->db, readonly_auth, NULL);
	return rc;
}

int store_begin(struct store *s, struct diag *d)
{
	return store_exec(s, "BEGIN;", d);
}

int store_commit(struct store *s, struct diag *d)
{
	return store_exec(s, "COMMIT;", d);
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL);
}

int store_reset_results(struct store *s, struct diag *d)
{
	return store_exec(s, SCHEMA_RESULTS, d);
}

int store_bulk_mode(struct store *s, struct diag *d)
{
	return store_exec(s,
			  "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			  " PRAGMA cache_size=-32768; PRAGMA temp_store=MEMORY;",
			  d);
}

int store_create_indexes(struct store *s, struct diag *d)
{
	return store_exec(s, SCHEMA_INDEXES, d);
}

int store_prepare(struct store *s, const char *sql, struct store_stmt **out, struct diag *d)
{
	struct store_stmt *st = calloc(1, sizeof *st);

	*out = NULL;
	if (!st)
		return diag_set(d, "内存不足");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st->st, NULL) != SQLITE_OK) {
		fail(d, s, "语句准备");
		free(st);
		return -1;
	}
	if (!st->st) { /* empty statement */
		free(st);
		return diag_set(d, "空的 SQL 语句");
	}
	st->s = s;
	*out = st;
	return 0;
}

void store_finalize(struct store_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->st);
	free(st);
}

/* Every bind result is checked here: the first failure is kept and the next
 * store_step reports it, so a statement never runs with a value missing. */
static int bound(struct store_stmt *st, int idx, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	if (!st->bind_rc) {
		st->bind_rc = rc;
		st->bind_idx = idx;
	}
	return -1;
}

int store_bind_text(struct store_stmt *st, int idx, const char *v, int len)
{
	if (!v)
		return bound(st, idx, sqlite3_bind_null(st->st, idx));
	return bound(st, idx, sqlite3_bind_text(st->st, idx, v, len, SQLITE_TRANSIENT));
}

int store_bind_text_static(struct store_stmt *st, int idx, const char *v, int len)
{
	if (!v)
		return bound(st, idx, sqlite3_bind_null(st->st, idx));
	return bound(st, idx, sqlite3_bind_text(st->st, idx, v, len, SQLITE_STATIC));
}

int store_bind_int(struct store_stmt *st, int idx, int64_t v)
{
	return bound(st, idx, sqlite3_bind_int64(st->st, idx, v));
}

int store_bind_double(struct store_stmt *st, int idx, double v)
{
	return bound(st, idx, sqlite3_bind_double(st->st, idx, v));
}

int store_bind_null(struct store_stmt *st, int idx)
{
	return bound(st, idx, sqlite3_bind_null(st->st, idx));
}

int store_bind_count(struct store_stmt *st)
{
	return sqlite3_bind_parameter_count(st->st);
}

int store_step(struct store_stmt *st, struct diag *d)
{
	int rc;

	if (st->bind_rc) {
		diag_set(d, "数据库错误（绑定第 %d 个参数）：%s", st->bind_idx,
			 sqlite3_errstr(st->bind_rc));
		st->bind_rc = 0;
		sqlite3_reset(st->st);
		return STORE_ERROR;
	}
	rc = sqlite3_step(st->st);

	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		sqlite3_reset(st->st);
		return STORE_CONSTRAINT;
	}
	if (rc == SQLITE_INTERRUPT)
		diag_set(d, "查询被中止（超出预算）");
	else
		fail(d, st->s, "执行");
	sqlite3_reset(st->st);
	return STORE_ERROR;
}

void store_reset(struct store_stmt *st)
{
	st->bind_rc = 0;
	sqlite3_reset(st->st);
	sqlite3_clear_bindings(st->st);
}

int store_ncols(struct store_stmt *st)
{
	return sqlite3_column_count(st->st);
}

const char *store_col_name(struct store_stmt *st, int i)
{
	return sqlite3_column_name(st->st, i);
}

int store_col_type(struct store_stmt *st, int i)
{
	switch (sqlite3_column_type(st->st, i)) {
	case SQLITE_INTEGER: return STORE_INT;
	case SQLITE_FLOAT: return STORE_REAL;
	case SQLITE_NULL: return STORE_NULL;
	default: return STORE_TEXT;
	}
}

const char *store_col_text(struct store_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->st, i);
}

int store_col_bytes(struct store_stmt *st, int i)
{
	return sqlite3_column_bytes(st->st, i);
}

int64_t store_col_int(struct store_stmt *st, int i)
{
	return sqlite3_column_int64(st->st, i);
}

double store_col_double(struct store_stmt *st, int i)
{
	return sqlite3_column_double(st->st, i);
}

int store_stmt_readonly(struct store_stmt *st)
{
	return sqlite3_stmt_readonly(st->st);
}

int64_t store_scalar_int(struct store *s, const char *sql, int64_t dflt)
{
	sqlite3_stmt *st = NULL;
	int64_t v = dflt;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

char *store_scalar_text(struct store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

int store_export_csv(struct store *s, const char *sql, const char *path, struct diag *d)
{
	sqlite3_stmt *st = NULL;
	struct buf b;
	FILE *f = NULL;
	int i, n, rc = -1, step;

	buf_init(&b, 0);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail(d, s, "导出");
		goto done;
	}
	f = fopen(path, "wb");
	if (!f) {
		diag_set(d, "无法写入“%s”", path);
		goto done;
	}
	n = sqlite3_column_count(st);
	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);
		if (i)
			buf_putc(&b, ',');
		buf_csv_field(&b, name, strlen(name));
	}
	buf_putc(&b, '\n');
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			const char *v = (const char *)sqlite3_column_text(st, i);
			if (i)
				buf_putc(&b, ',');
			if (v)
				buf_csv_field(&b, v, (size_t)sqlite3_column_bytes(st, i));
		}
		buf_putc(&b, '\n');
		if (b.len > 1 << 16) {
			if (fwrite(b.data, 1, b.len, f) != b.len)
				break;
			buf_reset(&b);
		}
	}
	if (step != SQLITE_DONE) {
		fail(d, s, "导出");
		goto done;
	}
	if (b.failed || fwrite(b.data ? b.data : "", 1, b.len, f) != b.len || ferror(f)) {
		diag_set(d, "写入“%s”失败", path);
		goto done;
	}
	rc = 0;
done:
	if (f && fclose(f) != 0 && rc == 0)
		rc = diag_set(d, "写入“%s”失败", path);
	sqlite3_finalize(st);
	buf_release(&b);
	return rc;
}

static int progress_trampoline(void *arg)
{
	struct store *s = arg;
	return s->progress(s->progress_arg);
}

void store_set_progress(struct store *s, int n, int (*cb)(void *), void *arg)
{
	s->progress = cb;
	s->progress_arg = arg;
	if (cb)
		sqlite3_progress_handler(s->db, n, progress_trampoline, s);
	else
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
}

/* ---- Results read back (kaoping diff) ---- */

/* The published results, one query per result table: kind, code, name, then
 * the fields, named by their aliases and formatted as the documents show
 * them, so that a difference found is one a reader would see. The last query
 * takes the objects of any other assessment (a department's own rule) from
 * scores: their kind is the assessment's name. The result tables are made
 * together (SCHEMA_RESULTS), so the last query may name them all. */
static const struct {
	const char *table, *sql;
} RESULT_QUERIES[] = {
	{"grid_tiers", "SELECT '网格', code, name, printf('%.2f', score) AS 得分, rank AS 排名,"
		       " tier AS 档次, funding AS 经费 FROM grid_tiers ORDER BY code"},
	{"community_ranking",
	 "SELECT '社区', code, name, printf('%.2f', score) AS 得分, rank AS 排名,"
	 " stars || ' 星' || CASE WHEN coalesce(star_names, '') <> ''"
	 " THEN '（' || star_names || '）' ELSE '' END AS 星级,"
	 " CASE WHEN coalesce(award, '') <> '' THEN award ELSE '无' END AS 奖励,"
	 " CASE WHEN vetoed THEN '否决' || CASE WHEN coalesce(veto_reason, '') <> ''"
	 " THEN '（' || veto_reason || '）' ELSE '' END ELSE '未否决' END AS 一票否决"
	 " FROM community_ranking ORDER BY code"},
	{"redblack", "SELECT '物业企业', code, name, printf('%.2f', score) AS 得分, list AS 榜单"
		     " FROM redblack ORDER BY code"},
	{"points",
	 "SELECT '人员', id, name || CASE WHEN coalesce(role, '') <> ''"
	 " THEN '（' || role || '）' ELSE '' END, printf('%.2f', points) AS 积分,"
	 " rank_in_role AS 角色内排名,"
	 " CASE WHEN candidate THEN '是' ELSE '否' END AS 评优候选 FROM points ORDER BY id"},
	{"report_units",
	 "SELECT '报到单位', employer, employer,"
	 " CASE WHEN score IS NULL THEN NULL ELSE printf('%.2f', score) END AS 得分,"
	 " level AS 等次 FROM report_units ORDER BY employer"},
	{"scores",
	 "SELECT assessment, entity, name, printf('%.2f', score) AS 得分, result AS 结果"
	 " FROM scores WHERE entity NOT IN (SELECT code FROM grid_tiers"
	 " UNION ALL SELECT code FROM community_ranking UNION ALL SELECT code FROM redblack"
	 " UNION ALL SELECT id FROM points UNION ALL SELECT employer FROM report_units)"
	 " ORDER BY assessment, entity"},
};

static int has_table(struct store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	int yes = 0;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1,
			       &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
		yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

int store_each_result(struct store *s, int (*cb)(const struct store_result *r, void *arg),
		      void *arg, struct diag *d)
{
	enum { MAXF = 16 };
	const char *field[MAXF], *value[MAXF];
	struct store_result r;
	sqlite3_stmt *st = NULL;
	size_t q;
	int i, step, rc = -1;

	if (!has_table(s, "scores") || !has_table(s, "score_items"))
		return diag_set(d, "“%s”中没有考评结果（先运行 kaoping score 或 kaoping run）",
				s->path);
	for (q = 0; q < sizeof RESULT_QUERIES / sizeof RESULT_QUERIES[0]; q++) {
		if (!has_table(s, RESULT_QUERIES[q].table))
			continue; /* a database made before this result existed */
		if (sqlite3_prepare_v2(s->db, RESULT_QUERIES[q].sql, -1, &st, NULL) != SQLITE_OK) {
			diag_set(d, "读取“%s”的考评结果失败：%s", s->path, sqlite3_errmsg(s->db));
			goto done;
		}
		r.kind_order = (int)q;
		r.nfields = sqlite3_column_count(st) - 3;
		if (r.nfields > MAXF)
			r.nfields = MAXF;
		for (i = 0; i < r.nfields; i++)
			field[i] = sqlite3_column_name(st, i + 3);
		r.field = field;
		r.value = value;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int stop;
			r.kind = (const char *)sqlite3_column_text(st, 0);
			r.code = (const char *)sqlite3_column_text(st, 1);
			r.name = (const char *)sqlite3_column_text(st, 2);
			if (!r.kind || !r.code)
				continue;
			for (i = 0; i < r.nfields; i++)
				value[i] = (const char *)sqlite3_column_text(st, i + 3);
			stop = cb(&r, arg);
			if (stop) {
				rc = stop;
				goto done;
			}
		}
		if (step != SQLITE_DONE) {
			diag_set(d, "读取“%s”的考评结果失败：%s", s->path, sqlite3_errmsg(s->db));
			goto done;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

/* Score items, then the criteria shown without points (stars, lists), each
 * with the reason the rule gave. */
static const struct {
	const char *table, *sql;
} ITEM_QUERIES[] = {
	{"score_items", "SELECT entity, assessment, item, points, reason, NULL"
			" FROM score_items ORDER BY entity, assessment, seq"},
	{"community_stars", "SELECT code, '星级', star || '星', earned, reason,"
			    " CASE WHEN earned THEN '得星' ELSE '未得' END"
			    " FROM community_stars ORDER BY code, star"},
	{"redblack", "SELECT code, '榜单', '', 0, reason, list FROM redblack ORDER BY code"},
};

int store_each_score_item(struct store *s, int (*cb)(const struct store_score_item *it, void *arg),
			  void *arg, struct diag *d)
{
	struct store_score_item it;
	sqlite3_stmt *st = NULL;
	size_t q;
	int step, rc = -1;

	for (q = 0; q < sizeof ITEM_QUERIES / sizeof ITEM_QUERIES[0]; q++) {
		if (!has_table(s, ITEM_QUERIES[q].table))
			continue;
		if (sqlite3_prepare_v2(s->db, ITEM_QUERIES[q].sql, -1, &st, NULL) != SQLITE_OK) {
			diag_set(d, "读取“%s”的评分项失败：%s", s->path, sqlite3_errmsg(s->db));
			goto done;
		}
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int stop;
			it.entity = (const char *)sqlite3_column_text(st, 0);
			it.assessment = (const char *)sqlite3_column_text(st, 1);
			it.item = (const char *)sqlite3_column_text(st, 2);
			it.points = sqlite3_column_double(st, 3);
			it.reason = (const char *)sqlite3_column_text(st, 4);
			it.shown = (const char *)sqlite3_column_text(st, 5);
			stop = cb(&it, arg);
			if (stop) {
				rc = stop;
				goto done;
			}
		}
		if (step != SQLITE_DONE) {
			diag_set(d, "读取“%s”的评分项失败：%s", s->path, sqlite3_errmsg(s->db));
			goto done;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

char *store_run_value(struct store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (has_table(s, "run") &&
	    sqlite3_prepare_v2(s->db, "SELECT value FROM run WHERE key = ?", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}
