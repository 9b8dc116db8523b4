/* ingest.h - CSV exports -> typed, checked rows in the store. Every row read
 * is either loaded or rejected with its file, line, column and reason, so
 * rows_read = rows_loaded + rows_rejected holds for every file. */
#ifndef KP_INGEST_H
#define KP_INGEST_H

#include "diag.h"

struct store;
struct buf;

struct ingest_totals {
	long files_found;
	long files_absent;
	long rows_read;
	long rows_loaded;
	long rows_rejected;
	long rows_void; /* loaded, of a void status: kept but never counted */
};

struct ingest_hooks {
	/* Warnings about the data (Chinese), e.g. an absent file; may be NULL. */
	void (*warn)(const char *msg, void *arg);
	/* Progress of a file: rows so far, bytes read of total; may be NULL. */
	void (*progress)(const char *file, long rows, unsigned long long bytes,
			 unsigned long long total, int done, void *arg);
	void *arg;
};

/* Loads every file of the exchange format found in dir into s (a database
 * fresh from store_open(STORE_CREATE)), in one transaction. Each file is
 * taken for the table whose required columns its header holds (its name
 * breaks a tie); several files of one table are all loaded, each counted
 * under its own name. Returns 0, or -1 when a file cannot be read at all, is
 * not a regular file inside dir, fits two tables equally or lacks a required
 * column (d names it). */
int ingest_run(struct store *s, const char *dir, const struct ingest_hooks *h,
	       struct ingest_totals *tot, struct diag *d);

/* kaoping inspect: per file and sheet of dir, the table it is taken for (or
 * why none), each column's mapping, unknown columns and the values among
 * its first rows that ingest would reject (references aside), as Chinese
 * text appended to out. Nothing is written. Returns 0, or -1 when a file
 * cannot be read (d names it). */
int ingest_inspect(const char *dir, struct buf *out, struct diag *d);

#endif
