/* store_test.c - the statement API over a fresh database in the test's temp
 * folder: binds and steps, a failed bind reported by the next step with the
 * parameter named, constraints, NULL text, the read-only connection, the CSV
 * export (quoting and formulas neutralised) and the refusal to replace a file
 * that is not a kaoping database. Expected values are written out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "store.h"
#include "test.h"

static char tmp[1024];

static const char *path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tmp, name);
	return out;
}

static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	static char text[4096];
	size_t n;

	if (!f)
		return NULL;
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	struct store *s = NULL, *ro = NULL;
	struct store_stmt *st = NULL;
	struct diag d;
	char db[1100], csv[1100], other[1100];
	char *t;
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s", argc > 1 ? argv[1] : "/tmp");
	diag_init(&d);
	path(db, sizeof db, "store.db");
	remove(db);
	CHECK(store_open(&s, db, STORE_CREATE, &d) == 0);
	if (!s) {
		printf("not ok - cannot open %s: %s\n", db, d.msg);
		return 1;
	}
	CHECK(store_exec(s, "CREATE TABLE t(k TEXT PRIMARY KEY, n INTEGER, x REAL);", &d) == 0);
	CHECK(store_prepare(s, "INSERT INTO t VALUES(?, ?, ?)", &st, &d) == 0);
	CHECK(store_bind_count(st) == 3);

	/* a good row */
	CHECK(store_bind_text(st, 1, "a", -1) == 0);
	CHECK(store_bind_int(st, 2, 7) == 0);
	CHECK(store_bind_double(st, 3, 1.5) == 0);
	CHECK(store_step(st, &d) == STORE_DONE);
	store_reset(st);

	/* a bind to a parameter that does not exist fails, and so does the step */
	CHECK(store_bind_text(st, 1, "b", -1) == 0);
	CHECK(store_bind_int(st, 4, 1) == -1);
	CHECK(store_bind_int(st, 2, 8) == 0);
	diag_init(&d);
	CHECK(store_step(st, &d) == STORE_ERROR);
	CHECK(strstr(d.msg, "绑定第 4 个参数") != NULL);
	CHECK(strstr(d.msg, "column index out of range") != NULL);
	store_reset(st);
	CHECK(store_scalar_int(s, "SELECT count(*) FROM t WHERE k = 'b'", -1) == 0);

	/* after a reset the statement works again; the first failure is the one named */
	CHECK(store_bind_int(st, 0, 1) == -1);
	CHECK(store_bind_int(st, 9, 1) == -1);
	diag_init(&d);
	CHECK(store_step(st, &d) == STORE_ERROR);
	CHECK(strstr(d.msg, "绑定第 0 个参数") != NULL);
	store_reset(st);
	CHECK(store_bind_text(st, 1, "b", -1) == 0);
	CHECK(store_bind_text(st, 2, NULL, 0) == 0); /* NULL text is SQL NULL */
	CHECK(store_bind_null(st, 3) == 0);
	CHECK(store_step(st, &d) == STORE_DONE);
	store_reset(st);
	CHECK(store_scalar_int(s, "SELECT count(*) FROM t WHERE k = 'b' AND n IS NULL", -1) == 1);

	/* a duplicate key is a constraint, not an error */
	CHECK(store_bind_text(st, 1, "a", -1) == 0);
	CHECK(store_step(st, &d) == STORE_CONSTRAINT);
	store_reset(st);

	/* formulas and separators in the CSV export */
	CHECK(store_bind_text(st, 1, "=1+1", -1) == 0);
	CHECK(store_bind_int(st, 2, -3) == 0);
	CHECK(store_step(st, &d) == STORE_DONE);
	store_reset(st);
	CHECK(store_bind_text(st, 1, "x,\"y\"", -1) == 0);
	CHECK(store_step(st, &d) == STORE_DONE);
	store_finalize(st);
	st = NULL;
	CHECK(store_scalar_int(s, "SELECT sum(n) FROM t", 0) == 4);
	t = store_scalar_text(s, "SELECT printf('%.2f', x) FROM t WHERE k = 'a'");
	CHECK_STR(t, "1.50");
	free(t);
	path(csv, sizeof csv, "t.csv");
	CHECK(store_export_csv(s, "SELECT k, n FROM t ORDER BY k", csv, &d) == 0);
	CHECK_STR(slurp(csv), "k,n\n\"'=1+1\",-3\na,7\nb,\n\"x,\"\"y\"\"\",\n");
	store_close(s);
	s = NULL;

	/* the read-only connection reads and refuses to write */
	CHECK(store_open(&ro, db, STORE_READONLY, &d) == 0);
	CHECK(store_scalar_int(ro, "SELECT count(*) FROM t", -1) == 4);
	diag_init(&d);
	CHECK(store_exec(ro, "DELETE FROM t;", &d) < 0);
	CHECK(d.msg[0] != '\0');
	store_close(ro);

	/* a file that is not a kaoping database is never replaced */
	path(other, sizeof other, "notes.db");
	f = fopen(other, "w");
	if (f) {
		fputs("not a database\n", f);
		fclose(f);
	}
	diag_init(&d);
	CHECK(store_open(&s, other, STORE_CREATE, &d) < 0);
	CHECK(strstr(d.msg, "它不是 kaoping 数据库") != NULL);
	CHECK_STR(slurp(other), "not a database\n");
	store_close(s);
	diag_init(&d);
	path(other, sizeof other, "absent.db");
	CHECK(store_open(&s, other, STORE_UPDATE, &d) < 0);
	CHECK(strstr(d.msg, "不存在（先运行 kaoping ingest）") != NULL);
	return test_done();
}
