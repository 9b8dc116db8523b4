/* field.h - the checks of one field against its column of the exchange
 * format (schema.h): type, range, enumeration, credit code, the marks Excel
 * leaves on codes. Pure functions: what a value refers to (codes loaded so
 * far) is ingest's business. */
#ifndef KP_FIELD_H
#define KP_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* Value types; equal to the store's STORE_NULL..STORE_TEXT (ingest.c checks). */
enum { FIELD_NULL = 0, FIELD_INT = 1, FIELD_REAL = 2, FIELD_TEXT = 3 };

/* A checked value. s borrows either the field's text, the column's
 * enumeration (its canonical value) or tmp (a normalised date or quarter):
 * valid as long as those, and the struct itself, are. */
struct field_val {
	int present; /* non-empty in the file */
	int type;    /* FIELD_* */
	int64_t i;
	double r;
	const char *s;
	size_t n;
	char tmp[24];
};

/* Checks the (trimmed) text s of column col of table t into v. Returns 0,
 * or -1 with the reason in why (Chinese, without the column's name or the
 * value, which the caller puts in front); v->s and v->n are then the text
 * as given. */
int field_check(const struct schema_table *t, const struct schema_col *col, const char *s, size_t n,
		struct field_val *v, char *why, size_t whycap);

#endif
