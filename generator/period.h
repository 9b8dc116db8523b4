/* period.h - the assessment period and the one rule that places every
 * measure in it (see rules/README.md, 考评期间). */
#ifndef KP_PERIOD_H
#define KP_PERIOD_H

#include <stddef.h>

/* A period is a pair of dates, both inclusive: [from, to]. until is the day
 * after to: dates and date-times compare as text, so "x >= from AND
 * x < until" holds exactly for the values dated from..to, whatever time of
 * day they carry. A year, quarter or month is such a pair. */
struct period {
	char from[11], to[11], until[11]; /* "YYYY-MM-DD" */
};

/* The calendar year y: [y-01-01, y-12-31]. Returns -1 for a year outside
 * 1000..9998. */
int period_of_year(int y, struct period *p);
/* The period [from, to] given as two "YYYY-MM-DD" dates (to >= from);
 * returns -1 if either is not a valid date or to < from. */
int period_of_dates(const char *from, const char *to, struct period *p);

/* How one measure is dated: the column that places a row in a period and,
 * for a request (an event, a 微心愿), the column of its outcome, which
 * counts only when dated by the period's end. */
struct period_measure {
	const char *measure; /* in words, for the documentation */
	const char *table, *date_col;
	const char *outcome_col; /* NULL: an activity, counted by date_col alone */
};
extern const struct period_measure period_measures[];
extern const size_t period_nmeasures;
/* The entry for table.date_col's measure, or NULL. */
const struct period_measure *period_measure_of(const char *table);

#endif
