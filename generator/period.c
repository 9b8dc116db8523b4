/* period.c - the assessment period and how each measure is placed in it.
 *
 * The rule (rules/README.md, 考评期间): an activity counts in the period
 * in which it took place (its date within [from, to]); a request (an event,
 * a 微心愿) counts in the period in which it was received, and its outcome
 * (办结, 完成) counts for that period only if dated by the period's end;
 * an outcome after the end is never moved into the period nor into the
 * next one. The rules (kp.period), the event facts (ingest_facts.c) and the
 * report model (model_events.c) all take their windows from here. */
#include "period.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

const struct period_measure period_measures[] = {
	{"网格事件：受理数、办结数、按时办结、超期", "events", "reported_at", "closed_at"},
	{"微心愿：发布数、完成数、完成率", "wishes", "published_at", "completed_at"},
	{"微心愿：认领人完成的心愿（积分）", "wishes", "completed_at", NULL},
	{"敲门走访：走访户数、覆盖率、走访积分", "visits", "date", NULL},
	{"志愿服务：次数、时长", "services", "date", NULL},
	{"群众评价、满意度测评", "evaluations", "date", NULL},
	{"物业投诉", "complaints", "date", NULL},
	{"物业考评（按季度：季度在期间内）", "property_checks", "quarter", NULL},
	{"共建项目：完成数", "projects", "completed_at", NULL},
	{"重大事项（一票否决）", "incidents", "date", NULL},
	{"考评委员会加减分", "adjustments", "date", NULL},
};
const size_t period_nmeasures = sizeof period_measures / sizeof period_measures[0];

const struct period_measure *period_measure_of(const char *table)
{
	size_t i;

	for (i = 0; i < period_nmeasures; i++)
		if (strcmp(period_measures[i].table, table) == 0)
			return &period_measures[i];
	return NULL;
}

/* The day after the date d ("YYYY-MM-DD", valid), into out: the next day of
 * the month if parse_date takes it, else the first of the next month. */
static int next_day(const char *d, char out[11])
{
	long y = strtol(d, NULL, 10), m = strtol(d + 5, NULL, 10), dd = strtol(d + 8, NULL, 10);
	char buf[32], norm[20];

	snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", y, m, dd + 1);
	if (parse_date(buf, strlen(buf), 0, norm) != 0) {
		if (++m > 12) {
			m = 1;
			y++;
		}
		snprintf(buf, sizeof buf, "%04ld-%02ld-01", y, m);
		if (y > 9999 || parse_date(buf, strlen(buf), 0, norm) != 0)
			return -1;
	}
	memcpy(out, norm, 10);
	out[10] = '\0';
	return 0;
}

int period_of_dates(const char *from, const char *to, struct period *p)
{
	char f[20], t[20];

	if (!from || !to || parse_date(from, strlen(from), 0, f) != 0 ||
	    parse_date(to, strlen(to), 0, t) != 0 || strcmp(f, t) > 0)
		return -1;
	memcpy(p->from, f, 10);
	p->from[10] = '\0';
	memcpy(p->to, t, 10);
	p->to[10] = '\0';
	return next_day(p->to, p->until);
}

int period_of_year(int y, struct period *p)
{
	char f[16], t[16];

	if (y < 1000 || y > 9998)
		return -1;
	snprintf(f, sizeof f, "%04d-01-01", y);
	snprintf(t, sizeof t, "%04d-12-31", y);
	return period_of_dates(f, t, p);
}
