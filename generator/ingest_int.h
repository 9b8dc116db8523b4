/* ingest_int.h - what the files of ingest share (not a public header):
 * the context of a run, the file being loaded, the maps, the writer queue.
 * ingest.c loads; ingest_check.c checks rows; ingest_units.c resolves units;
 * ingest_facts.c sums events up; ingest_queue.c writes; ingest_inputs.c
 * lists the input folder and decides each file's table. */
#ifndef KP_INGEST_INT_H
#define KP_INGEST_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csvread.h"
#include "diag.h"
#include "field.h"
#include "rowsrc.h"
#include "ingest.h"
#include "schema.h"
#include "strmap.h"
#include "store.h"

/* ---- a set of strings with a small value: a strmap owning copies of its keys ---- */

struct strset {
	struct strmap map;
};

/* ---- values ---- */

enum { LV_COUNTY = 1, LV_STREET, LV_COMMUNITY, LV_GRID };

/* One file being loaded. */
enum tkind {
	T_OTHER,
	T_UNITS,
	T_PEOPLE,
	T_COMPANIES,
	T_BRANCHES,
	T_EVENTS,
	T_WISHES,
	T_CHECKS,
	T_TARGETED
};

struct load {
	struct store *s;
	const struct schema_table *t;
	enum tkind kind;
	const char *file; /* base name in the input folder, e.g. 网格事件-1月.csv */
	const char *path;
	int fileidx;	      /* index of the file in ctx.inputs */
	const char *encoding; /* as the reader names it */
	int colmap[64];	      /* schema column -> file column, or -1 */
	char *headers[64];    /* header text of each schema column as in the file */
	char *colref[64];     /* a sheet's: "C（上报时间）" for rejects, else NULL */
	size_t nfilecols;
	int *extra_cols; /* file columns not in the schema */
	size_t nextra;
	char **extra_names;
	struct field_val v[32];
	long refv[32];	    /* id of a checked reference, per column (-1 unchecked) */
	long unchecked[32]; /* references not checked: their file is absent */
	int ev_cols[9];	    /* events: grid, reported_at, closed_at, level, source,
			       reporter, satisfaction, status, deadline */
	struct store_stmt *ins, *rej, *ext, *rejf;
	struct buf reason;
	long reject_col;
	const char *reject_colname;
	const char *cache_name[8]; /* col_index memo, keyed by the literal's address */
	int cache_idx[8];
	int ncache;
	long read, loaded, rejected;
	long voided; /* loaded with a void status (schema_void_status) */
};

/* ---- event facts: events summed up while loading (see store.c) ---- */

#define NBUCKET SCHEMA_NHOURS /* the limits of schema_hours */

/* h and a count each event once, in the first bucket whose bound it is
 * within (index NBUCKET: beyond them all); the cumulative hN/aN columns are
 * summed when written. */
struct fact {
	uint64_t key;
	int32_t n, closed, h[NBUCKET + 1], a[NBUCKET + 1], s[5];
	char first[20], last[20]; /* month facts: the earliest and latest reported_at */
};

struct rfact {
	uint64_t key;
	int32_t n, closed;
};

/* splitmix64's finaliser: every key bit reaches the low bits used as slot. */
static inline size_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return (size_t)x;
}

/* ---- where each row came from ----
 * When a table comes in several files, a row's unique key (its id; for
 * property_checks the four key columns) is hashed to 64 bits and mapped to
 * the file and line that loaded it, so a duplicate, in the same file or in
 * another file of the table, names the first place. Reset for each table;
 * not kept for a table of one file (16 bytes a row). */

struct seen {
	uint64_t *keys; /* 0: empty */
	uint64_t *vals; /* a row's place: file index << 40 | line (or a factmap index) */
	size_t cap, n;
};

/* A map from a packed event-fact key to an index in an array (keys are never
 * 0: they carry a year), remembering the previous lookup, since consecutive
 * events often share it. */
struct factmap {
	struct seen map;
	uint64_t last_key;
	uint32_t last_idx;
};

/* A file of the input folder and the table it was taken for. */
struct input {
	char *name;	  /* base name */
	char *path;	  /* folder/name */
	int table;	  /* index in schema_tables, -1 when not read */
	long header_line; /* the line its header was found on, 0 if not found */
	int sheet;	  /* the sheet of a workbook (0 for a CSV file) */
	int workbook;	  /* name is "[book.xlsx]sheet" */
};

/* A loaded unit for names (ingest_units.c): units of one name are chained. */
struct unit_info {
	char *name;
	char *parent; /* the parent's code, NULL for a county */
	int level;
	uint32_t next; /* id + 1 of the next unit of the same name, 0 at the end */
};

struct ctx {
	struct store *s;
	const struct ingest_hooks *h;
	struct strset units, people, companies;
	int have_people, have_companies; /* their files were found */
	struct buf msg;
	/* Codes by id: units set values are (id << 3 | level), people's are id. */
	char **unit_code, **person_code;
	struct unit_info *uinfo; /* by unit id */
	size_t nuinfo, uinfo_cap;
	struct strset unit_names; /* name -> id + 1 of its first unit */
	/* People and companies by name: id + 1, NAME_SHARED when several. */
	struct strset person_names, company_names;
	char **company_code;
	size_t ncompany, company_cap;
	size_t nunit, nperson, unit_cap, person_cap;
	/* Event facts. */
	struct strset sources;
	char **source_name;
	size_t nsource, source_cap;
	struct factmap fmap, rmap, mmap;
	struct fact *facts, *mfacts;
	size_t nmfacts, mfacts_cap;
	long end_year; /* memo of the period end of end_year */
	char end_text[24];
	int64_t end_epoch;
	struct rfact *rfacts;
	size_t nfacts, facts_cap, nrfacts, rfacts_cap;
	/* The files of the input folder and where the rows of the table being
	 * loaded came from (see struct seen). */
	struct input *inputs;
	size_t ninputs;
	struct seen seen;
	int track;	 /* the table has several files: fill seen (memory per row) */
	int values_only; /* inspect: references are not resolved (nothing loaded) */
	/* The workbook read last, kept open (one at a time) so that its shared
	 * strings are parsed once for its listing and the loads of its sheets
	 * that follow. */
	struct rowsrc *book;
	char *book_path;
};

/* Units wait for the whole file: a parent may come further down. */
struct pending_unit {
	long line;
	char *raw;
	char *code, *name, *parent;
	int level;
	int has_hh, has_pop;
	int64_t hh, pop;
	int state;	    /* 0 unknown, 1 valid, 2 rejected, 3 being resolved */
	uint32_t next_same; /* index + 1 of the next unit of this file with the same name */
	char *why;
};

struct units_pending {
	struct pending_unit *u;
	size_t n, cap;
	struct strset idx;   /* code -> index in u */
	struct strset names; /* name -> index + 1 of its first unit in u */
	long parent_col;     /* file column of parent (1-based), 0 if absent */
};

struct wq {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf b[2];
	int full[2]; /* batch i waits for the writer */
	int cur;     /* batch the reader fills */
	int done;    /* the reader is finished */
	int failed;  /* the writer met an error (err) */
	int started;
	struct diag err;
	struct ctx *c;
	struct load *l;
	/* writer-side scratch */
	struct field_val v[32];
	long refv[32];
	struct buf reason;
};

/* ---- the seam where a file of the input is read ----
 * Every reader yields struct csv_record (fields as UTF-8, line, raw text)
 * through rowsrc: csvread for .csv and .csv.gz, xlsx and xls for a
 * workbook's sheets (one input each, named "[book.xlsx]sheet"). */

struct source {
	struct rowsrc *rs;
	int borrowed; /* rs belongs to the caller (the file's listing) */
	/* A workbook's cells with control or bidi characters removed, as
	 * csvread removes them from CSV text. */
	struct buf text, raw;
	const char **fields;
	size_t *lens, cap;
	unsigned long stripped;
};

/* ingest_maps.c: string sets and the places of rows */
void strset_free(struct strset *t);
long strset_get(const struct strset *t, const char *k, size_t n);
int strset_put(struct strset *t, const char *k, size_t n, uint32_t v);
void seen_free(struct seen *m);
uint64_t seen_key(const struct field_val *v, int nparts);
uint64_t seen_get(const struct seen *m, uint64_t key);
int seen_put(struct seen *m, uint64_t key, uint64_t val);
int seen_add(struct seen *m, uint64_t key, uint64_t val, uint64_t *stored, int *added);
uint64_t seen_place(int fileidx, long line);

/* ingest_check.c: row checks */
int ingest_fail_col(struct load *l, int ci, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *ingest_level_cn(int lv);
void ingest_quote_value(struct buf *b, const char *s, size_t n);
int ingest_col_index(const struct schema_table *t, const char *name);
enum tkind ingest_table_kind(const char *name);
int ingest_reject(struct load *l, const struct csv_record *r, struct diag *d);
int ingest_subject_col(const struct load *l, size_t ci);
/* Keeps one identifying field of the rejected row at line (reject_fields). */
int ingest_reject_field(struct load *l, long line, const char *field, const char *v, size_t n,
			struct diag *d);
char *ingest_dupn(const char *s, size_t n);
int ingest_header_matches(const struct schema_table *t, const struct csv_record *r);
int ingest_map_header(struct ctx *c, struct load *l, const struct csv_record *r,
		      struct buf *unknown, struct diag *d);
int ingest_all_empty(const struct csv_record *r);
int check_record(struct ctx *c, struct load *l, const struct csv_record *r);
#define NAME_SHARED UINT32_MAX
/* Keeps the name of the person or company row just checked (column 1), for
 * references by name. Returns 0, -1 out of memory. */
int ingest_put_name(struct ctx *c, struct load *l);

/* ingest_units.c: units resolved after their file */
void units_free(struct units_pending *up);
int units_add(struct ctx *c, struct units_pending *up, struct load *l, const struct csv_record *r);
int units_finish(struct ctx *c, struct load *l, struct units_pending *up, struct diag *d);
void units_names_free(struct ctx *c);
/* The unit a reference names: its code, its name, or its names from an
 * upper level down concatenated (东华门街道东华门第1社区第1网格); level 0
 * any. A name shared by several units is narrowed by the row's street and
 * community (name or code; n 0 when not given). Returns the unit id, -1
 * unknown, -2 ambiguous (why lists the candidates), -3 out of memory. */
long units_resolve(struct ctx *c, const char *v, size_t n, int level, const char *street, size_t sn,
		   const char *comm, size_t cn, struct buf *why);

/* ingest_facts.c: event facts */
void facts_map_free(struct factmap *m);
/* Returns 0, 1 for a void event (not counted), -1 out of memory. */
int facts_add(struct ctx *c, const int *ec, const struct field_val *v, const long *refv);
int facts_write(struct ctx *c, struct diag *d);

/* ingest_queue.c: the writer thread */
int wq_start(struct wq *q, struct ctx *c, struct load *l);
int wq_finish(struct wq *q, struct diag *d);
int wq_reject(struct wq *q, struct load *l, const struct csv_record *r);
int wq_extras(struct wq *q, struct load *l, const struct csv_record *r);
int wq_row(struct wq *q, struct load *l, const struct csv_record *r);

/* ingest_inputs.c: the input folder and the reader seam */
int source_open(struct source *src, const struct input *in, struct diag *d);
int source_borrow(struct source *src, struct rowsrc *rs, const struct input *in, struct diag *d);
int source_open_book(struct ctx *c, struct source *src, const struct input *in, struct diag *d);
void source_books_close(struct ctx *c);
size_t source_where(const struct source *src, long line, size_t field, char *out, size_t cap);
int source_next(struct source *src, struct csv_record *rec, struct diag *d);
void source_close(struct source *src);
const char *source_encoding(const struct source *src);
unsigned long long source_offset(const struct source *src);
unsigned long long source_size(const struct source *src);
void source_pad(struct source *src, size_t n);
unsigned long source_other_lines(const struct source *src, const char **other);
unsigned long source_stripped(const struct source *src);
int ingest_list_inputs(struct ctx *c, const char *dir, struct diag *d);

/* ingest.c: loading */
void ingest_warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
long ingest_add_code(char ***arr, size_t *n, size_t *cap, const char *code, size_t len);

#endif
