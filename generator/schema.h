/* schema.h - the exchange format (SPEC §1) as data: the tables in
 * load order, their columns with English and Chinese header names, types,
 * ranges, enumerations and references. ingest.c interprets it. */
#ifndef KP_SCHEMA_H
#define KP_SCHEMA_H

#include <stddef.h>

enum col_type {
	COL_TEXT,     /* free text */
	COL_CODE,     /* an identifier: trimmed text */
	COL_INT,      /* integer (thousands separators, full-width digits) */
	COL_REAL,     /* number (also a trailing %) */
	COL_BOOL,     /* 是/否 Y/N 1/0 true/false */
	COL_DATE,     /* stored 'YYYY-MM-DD' */
	COL_DATETIME, /* stored 'YYYY-MM-DD HH:MM:SS' */
	COL_ENUM,     /* one of enumvals (aliases map to the canonical value) */
	COL_QUARTER,  /* stored '2024Q1' */
	COL_CREDIT    /* GB 32100-2015 credit code */
};

enum col_ref {
	REF_NONE,
	REF_UNIT,      /* any units.code */
	REF_GRID,      /* a unit of level grid */
	REF_COMMUNITY, /* a unit of level community */
	REF_PERSON,    /* people.id */
	REF_COMPANY,   /* companies.code */
	REF_TARGET,    /* by the row's target_kind: 社区, 网格, 物业企业 checked */
	REF_PARENT     /* units.parent: resolved after the whole file */
};

#define COL_REQUIRED 1u
#define COL_RANGE    2u /* min..max checked */

struct schema_col {
	const char *name;    /* canonical English header and database column */
	const char *aliases; /* other accepted headers, '|'-separated */
	const char *label;   /* Chinese name used in messages when the header was English */
	enum col_type type;
	unsigned flags;
	double min, max;
	/* COL_ENUM: '|'-separated groups of '='-separated synonyms; the first
	 * of each group is stored. */
	const char *enumvals;
	enum col_ref ref;
};

struct schema_table {
	const char *name;  /* table name; the file is name + ".csv" */
	const char *label; /* Chinese name */
	const struct schema_col *cols;
	size_t ncols;
	/* What an absent file means, when not "the assessments that need it
	 * are skipped" (optional inputs such as adjustments.csv). */
	const char *when_absent;
};

/* The tables in load order (dependencies first). */
extern const struct schema_table schema_tables[];
extern const size_t schema_ntables;

const struct schema_table *schema_find(const char *name);
/* The column index whose name or alias matches header (normalised: trimmed,
 * case-insensitive for ASCII, '*' marks and bracketed notes such as （必填）
 * ignored), or -1. */
int schema_match(const struct schema_table *t, const char *header, size_t n);
/* Maps a value of an enumeration to its canonical form, or NULL. */
const char *schema_enum(const struct schema_col *c, const char *v, size_t n, size_t *outlen);

/* Whether an events.status means the case is void (作废, 无效, 重复件,
 * 已撤销…, bracketed or not): such rows are kept but never counted. */
int schema_void_status(const char *s, size_t n);

/* The time limits (hours) that event_facts counts: columns hN and aN. */
#define SCHEMA_NHOURS 8
extern const int schema_hours[SCHEMA_NHOURS];
/* events.level: the settlement levels, lowest first. */
#define SCHEMA_NLEVELS 5
extern const char *const schema_levels[SCHEMA_NLEVELS];
/* property_checks.criterion: the 13 criteria of the standard, in its order. */
#define SCHEMA_NCRITERIA 13
extern const char *const schema_criteria[SCHEMA_NCRITERIA];

#endif
