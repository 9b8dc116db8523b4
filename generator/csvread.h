/* csvread.h - streaming CSV reading over libcsv: encoding detection and
 * conversion (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK),
 * line numbers, the raw text of each record. Knows nothing of SQLite. */
#ifndef KP_CSVREAD_H
#define KP_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

struct csvread;

/* One record. Everything is borrowed from the reader and valid until the
 * next csvread_next call. Fields are NUL-terminated UTF-8 (unless
 * bad_encoding), not trimmed. */
struct csv_record {
	const char *const *fields;
	const size_t *lens;
	size_t nfields;
	long line;	 /* line where the record starts (1-based) */
	long lines;	 /* how many lines it spans */
	const char *raw; /* the record's text as read (converted to UTF-8), no final newline */
	size_t rawlen;
	int bad_encoding; /* bytes valid neither in the file's encoding nor (UTF-8
			     and GB18030 files) in the other one */
	int unterminated; /* the file ended inside a quoted field */
};

/* Opens path; *out is owned by the caller (csvread_close). Fails with a
 * message naming the file when it cannot be opened or read, or is not a
 * regular file (a FIFO is never waited on). */
int csvread_open(struct csvread **out, const char *path, struct diag *d);
/* The same over an open stream (e.g. fmemopen); takes ownership of f. */
int csvread_open_stream(struct csvread **out, FILE *f, const char *name, struct diag *d);
void csvread_close(struct csvread *r);
/* What a file of this st_mode is, for messages ("是目录", "是命名管道"...). */
const char *csvread_kind(unsigned mode);
/* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE", "UTF-16BE". */
const char *csvread_encoding(const struct csvread *r);
/* The field separator found in the header line: ',', '\t' or ';'. */
char csvread_delimiter(const struct csvread *r);
/* Bytes of input consumed so far (for progress). */
unsigned long long csvread_offset(const struct csvread *r);
/* How many lines were not in the file's encoding but valid in the other
 * one (GB18030 lines in a UTF-8 file, or the reverse) and were converted;
 * *other names that encoding. */
unsigned long csvread_other_lines(const struct csvread *r, const char **other);
/* How many control characters (C0 but tab and line ends, DEL, C1), bidi
 * controls (U+061C, U+200E/F, U+202A-202E, U+2066-2069) and stray U+FEFF
 * were removed from the text. */
unsigned long csvread_stripped(const struct csvread *r);
/* Removes those characters from s in place (NUL is kept: the caller
 * rejects it); returns the new length and adds the count removed to
 * *count (may be NULL). For any reader that yields csv_record text. */
size_t csvread_strip(char *s, size_t n, unsigned long *count);
/* Returns 1 with a record, 0 at the end, -1 on an I/O or limit error. Blank
 * lines are skipped. */
int csvread_next(struct csvread *r, struct csv_record *rec, struct diag *d);

#endif
