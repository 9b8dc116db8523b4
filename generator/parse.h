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

/* Masks personal numbers and e-mail addresses in text for publication. Digits may be ASCII or
 * full-width and written in groups joined by spaces, U+3000, hyphens, dashes or
 * a closing parenthesis; a number is taken whole or not at all, never out of a
 * longer run of digits. Masked (separators inside the number dropped):
 * - mobile numbers: 11 digits 13x-19x, as 13812345678, 138-1234-5678,
 *   138 1234 5678, 1381234 5678, 138 12345678, 1381 2345 678, after +86, (+86),
 *   86 or 0086 (kept) -> 138****5678;
 * - resident ID numbers: 18 characters (17 digits and a digit or X/x) in one
 *   run, 6-8-4 or 4-4-4-4-2, with a province code (GB/T 2260) and a birth date,
 *   whatever the check character, unless the check fails as an ID but holds
 *   for an all-digit unified social credit code -> 1101**********1234;
 *   first-generation 15-digit numbers born 1940-1999 -> 1101*******1234 (years
 *   1900-1939 are the shape of the 15-digit grid codes and are left);
 * - landlines: area code 010, 02x or 03xx-09xx (kept as written, with its
 *   parentheses) and a local number of 7-8 digits not starting with 0, also in
 *   one run of 10-12 digits -> 0371-****5678, 010****5678;
 * - bank cards: 16-19 digits in one run or in groups of four, starting 3, 4, 5,
 *   6 or 9, with a valid Luhn digit (62, UnionPay, also without) ->
 *   6222***********0123;
 * - e-mail addresses (QQ numbers among them): the first character of the local
 *   part and the domain stay -> z*******@163.com, 1*******@qq.com.
 * Left alone: 12-digit area and 15-digit grid codes, credit codes with letters,
 * dates, times, timestamps, years, counts, amounts, document numbers, ids with a
 * letter prefix (E2024000123), 400/800 and five-digit service numbers.
 * The output is never longer than the input. Writes at most cap-1 bytes and a
 * NUL to out; returns the length written. */
size_t parse_mask_personal(const char *s, size_t n, char *out, size_t cap);

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
long parse_days_from_civil(long y, unsigned m, unsigned d);
/* The one reader of the normalised form the store holds: "YYYY-MM-DD", with
 * an optional " HH:MM" or " HH:MM:SS". *secs gets the seconds since
 * 1970-01-01 00:00 (no time zone: the data's local time), *days (may be NULL)
 * the whole days. Returns 0, or -1 if s is NULL or not of that form. */
int parse_iso(const char *s, int64_t *secs, long *days);

/* An assessment period: a year, a quarter or a month, as the dates of its
 * first and last day [start, end] (both inclusive, "YYYY-MM-DD"). The one
 * representation of a period everywhere (rules, run table, model). */
enum parse_period_kind { PERIOD_YEAR, PERIOD_QUARTER, PERIOD_MONTH };
struct parse_period {
	enum parse_period_kind kind;
	int year, num;		 /* num: quarter 1..4 or month 1..12; 0 for a year */
	char label[8];		 /* "2024", "2024Q3", "2024-07" */
	char start[11], end[11]; /* "2024-07-01", "2024-09-30" */
};
/* Periods: 2024 (a year), 2024Q3 / 2024q3 / 2024-Q3 / 2024年第三季度 (a
 * quarter), 2024-07 / 2024-7 / 2024年7月 (a month); years 1900..2199. */
int parse_period(const char *s, size_t n, struct parse_period *out);
/* The period of the same kind `back` periods before p (back 1: the previous
 * quarter or month, the previous year for a year). */
void parse_period_back(const struct parse_period *p, int back, struct parse_period *out);
/* "year", "quarter", "month". */
const char *parse_period_kind_name(enum parse_period_kind k);
/* The period in words: "2024年度", "2024年第三季度", "2024年7月". */
void parse_period_words(const struct parse_period *p, char *out, size_t cap);

#endif
