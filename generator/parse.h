/* parse.h - pure parsers for the value forms of the exchange format: dates,
 * numbers, booleans, quarters, credit codes, UTF-8 checks. No I/O, no state:
 * unit-tested and fuzzed directly. Each returns 0 on success, -1 if the text
 * is not of the form; outputs are written only on success. */
#ifndef KP_PARSE_H
#define KP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Trims ASCII whitespace and U+3000 (ideographic space) in place of a
 * (pointer, length) pair. */
void parse_trim(const char **s, size_t *n);

/* Dates: 2024-04-29, 2024/4/29, 2024.4.29, 2024年4月29日, 20240429, and Excel
 * serial days (e.g. 45411); full-width digits allowed; an optional time
 * H:MM or H:MM:SS after a space or T. out gets "YYYY-MM-DD" (11 bytes) or,
 * with want_time, "YYYY-MM-DD HH:MM:SS" (20 bytes, 00:00:00 when no time).
 * Returns 0, or -1 if not a valid date (e.g. month 13, 2023-02-29). */
int parse_date(const char *s, size_t n, int want_time, char out[20]);

/* Integers: optional sign, thousands separators in groups of three, full-width
 * digits, a fractional part of zeros ("12.0"). */
int parse_int(const char *s, size_t n, int64_t *out);
/* Reals: as integers plus a fraction; a trailing % is allowed and dropped
 * ("95%" gives 95). Rejects NaN/inf. */
int parse_real(const char *s, size_t n, double *out);
/* Booleans: 是/否, Y/N, yes/no, 1/0, true/false (any case), 对/错. */
int parse_bool(const char *s, size_t n, int *out);
/* Quarters: 2024Q1, 2024q1, 2024-Q1, 2024年第1季度, 2024年一季度. out "2024Q1". */
int parse_quarter(const char *s, size_t n, char out[7]);
/* GB 32100-2015 unified social credit code: 18 characters from the code set,
 * valid check digit. Returns 0 ok, -1 bad form, -2 bad check digit (then
 * *expected holds the check character that was due). */
int parse_credit_code(const char *s, size_t n, char *expected);
/* Whether s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int parse_utf8_valid(const char *s, size_t n);

/* Masks personal numbers in text for publication: mobile numbers (11 digits,
 * 13x-19x) become 138****5678; resident ID numbers (18 characters with a valid
 * birth date and check character) keep their first 4 and last 4:
 * 1101**********1234. Other digit runs (unit codes) are left alone. Writes at most
 * cap-1 bytes and a NUL to out; returns the length written. */
size_t parse_mask_personal(const char *s, size_t n, char *out, size_t cap);

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
long parse_days_from_civil(long y, unsigned m, unsigned d);

#endif
