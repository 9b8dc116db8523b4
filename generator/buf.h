/* buf.h - growable byte buffer with a hard size limit, and escaping helpers.
 * A struct buf is caller-allocated: buf_init/buf_release. Its data is always
 * NUL-terminated (after the first append); b->len excludes the NUL. */
#ifndef KP_BUF_H
#define KP_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t limit; /* appends past this fail; 0 means the default (1 GiB) */
	int failed;   /* set once an append failed (limit or out of memory) */
};

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);				/* len = 0, keeps memory */
int buf_append(struct buf *b, const void *p, size_t n); /* 0 ok, -1 failed */
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Escapes &, <, >, ", ' for HTML text and attribute values. */
int buf_html(struct buf *b, const char *s, size_t n);
/* Appends one CSV field, quoted when needed. A text starting with = + - @
 * (or tab/CR) gets a leading ' so spreadsheets do not run it as a formula,
 * unless it is a plain number such as -3.5. */
int buf_csv_field(struct buf *b, const char *s, size_t n);
/* Whether buf_csv_field puts a ' before s (the text could run as a formula). */
int buf_csv_formula(const char *s, size_t n);
/* Detaches the data: the caller frees it. Returns "" (allocated) if empty. */
char *buf_steal(struct buf *b);

#endif
