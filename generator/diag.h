/* diag.h - a diagnostic: one message plus the place at fault.
 * Functions that can fail return int (0 ok, <0 failure) and fill a caller's
 * struct diag; only main.c prints it. Data errors carry file:line:col. */
#ifndef KP_DIAG_H
#define KP_DIAG_H

#include <stdarg.h>

struct diag {
	char file[512]; /* data, rule or template file at fault; "" if none */
	long line;	/* 1-based; 0 if unknown */
	long col;	/* 1-based; 0 if unknown */
	char msg[1024]; /* the problem first, the subject in quotes */
};

void diag_init(struct diag *d);
/* Sets the message (printf format); keeps file/line/col. Returns -1 so that
 * callers can write `return diag_set(d, ...)`. */
int diag_set(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the place and the message together. Returns -1. */
int diag_at(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Formats "file:line:col: msg" (parts that are unknown left out) into out. */
void diag_format(const struct diag *d, char *out, unsigned long outsz);

#endif
