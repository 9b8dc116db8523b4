/* model.h - the report model: everything a reader sees on the site, in the PDF
 * documents and in the CSV export, computed ONCE from the store (input tables +
 * rule results), plus the standard charts. The renderers (html*.c, report*.c,
 * csvout.c) read struct model only: no store, no SQL, no masking there.
 *
 * Use:  model_build(store, year, &m, d)       figures (one pass per table)
 *       model_charts(m, svg_dir, png_dir, d)  runs gnuplot once for all charts
 *       ... csvout_write(m, ...), html_render(m, ...), report_write(m, ...) ...
 *       model_free(m)
 * Everything in struct model is owned by it and read-only for callers; strings
 * are UTF-8 and never NULL unless the field says "or NULL". Missing numbers are
 * NAN (test with isnan). Personal numbers never reach the model: every text
 * from the data passes through parse_mask_personal once, in the loader
 * (model_dupm); only codes and ids stay as keys, with a masked shown_code for
 * display. Numbers are formatted with model_fmt, one precision per measure.
 * Orders are stable (ORDER BY + code). */
#ifndef KP_MODEL_H
#define KP_MODEL_H

#include <stddef.h>

#include "diag.h"
#include "parse.h"
#include "period.h"

struct store;
struct chart_set;

enum model_level { MODEL_COUNTY, MODEL_STREET, MODEL_COMMUNITY, MODEL_GRID };

/* Event figures follow the grid rules' definitions and come from the facts
 * that ingest sums up (event_facts, month_facts; a scan of events only for a
 * database without them): "closed" means closed before the end of the year it
 * was reported in; "on time" means closed within the time limit of its
 * settlement level (events.level): 网格 72, 社区 120, 街道 168, 部门 240,
 * 区级 360 hours, others 168 (the shipped rules/01_grid.lua values; run rows
 * 'deadline_hours.<level>' = one of 24/48/72/120/168/240/360/720 override them).
 * struct model_ev: events reported in the year, of those closed, closed on
 * time, closed inside the grid (level 网格), rated and the sum of ratings. */
struct model_ev {
	long events, closed, ontime, in_grid;
	long rated, rating_sum; /* satisfaction 1..5 */
};

/* Percent helpers (NAN when den is 0). */
double model_pct(long num, long den);
double model_closure(const struct model_ev *e);	     /* closed / events */
double model_ontime(const struct model_ev *e);	     /* ontime / closed */
double model_in_grid(const struct model_ev *e);	     /* in_grid / closed */
double model_satisfaction(const struct model_ev *e); /* mean 1..5 */

#define MODEL_TIERS_MAX 8

/* One unit: county, street, community or grid. units[] is sorted by code;
 * parent/street/community/first_child/next_sibling are indices into it (-1 none),
 * children in code order. */
struct model_unit {
	char *code, *name;
	char *shown_code; /* code masked for display (code itself is a key) */
	enum model_level level;
	long parent, street, community;
	long first_child, next_sibling, nchildren;
	long households, population; /* 0 when not given */
	long grids, communities;     /* grids / communities in the subtree (self included) */
	struct model_ev ev[3];	     /* [0] the period, [1] the same period a year before (同比),
					[2] the period before (环比; a quarter or a month only) */
	double visit_coverage;	     /* %: mean over door-knock rounds of households
					visited / households, grids of the subtree; NAN none */
	/* Rule results (has_result 0: the rules gave this unit none). */
	int has_result;
	double score; /* grid: grid score; community: community score; street/county:
			 mean community score (NAN if none) */
	long rank;    /* grid: county-wide grid rank; community: 全县排名; street: rank by
			 mean community score; 0 none */
	/* grid */
	char *tier; /* or NULL */
	long funding;
	/* community */
	long prev_rank, rank_change; /* rank_change > 0: moved up; has_change 0: unknown */
	int has_change;
	/* The one wording of the rank change for every output: mark "↑3", "↓2",
	 * "持平", or "—" (no previous rank: nothing to compare); words "上升3位",
	 * "下降2位", "名次不变", or "". */
	char change_mark[24], change_words[32];
	int stars;		  /* 0..5 */
	char *star_names, *award; /* or NULL */
	int vetoed;
	char *veto_reason;	/* or NULL */
	long star_first, nstar; /* its rows in m->stars */
	/* every unit */
	long assess_first, nassess; /* its rows in m->assessments */
	long people_first, npeople; /* its rows in m->unit_people */
	/* street / county: results of the subtree */
	long stars_hist[6];		  /* communities by number of stars */
	long veto_excluded;		  /* street: vetoed communities left out of its mean */
	long tier_count[MODEL_TIERS_MAX]; /* grids by tier (index into m->tiers) */
};

/* A star of a community (community_stars). */
struct model_star {
	char *star;
	int earned;
	char *reason; /* or NULL */
};

/* A tier of the grid assessment, best first (by minimum score). */
struct model_tier {
	char *name;
	double min, max; /* lowest and highest grid score in the tier */
	double line;	 /* the rule's lower line (settings 'tier_min.<name>'), or NAN */
	long count;
	long funding; /* the amount per grid (the most common one) */
	long funding_total;
};

/* A property company with its red/black-list result. companies[] sorted by code. */
struct model_company {
	char *code, *name;
	char *shown_code; /* masked for display */
	long projects, households;
	int has_result;
	double score, complaint_rate, satisfaction;    /* NAN when not given */
	char *list, *reason, *listed_on, *valid_until; /* or NULL */
	long complaints;	    /* complaints naming the company in the period year */
	long communities;	    /* communities it was checked in (property_checks) */
	long assess_first, nassess; /* its rows in m->assessments */
	long crit_first, ncrit;	    /* its rows in m->criteria */
};

/* A criterion of the property assessment for one company, in the order the
 * rules recorded their score items (seq), then by name. */
struct model_criterion {
	char *name;
	double score; /* mean of score / max, percent */
	long checks, communities;
};

/* One assessment of a unit or company (scores) and its items (score_items),
 * sorted by entity, then assessment; items by seq. */
struct model_item {
	long seq;
	char *item, *inputs, *reason, *rule; /* inputs, rule or NULL */
	double points;
};
struct model_assessment {
	char *name, *kind, *result; /* kind, result or NULL */
	double score;
	long item_first, nitems; /* rows in m->items */
};

/* A rejected input row (rejects), in ingest order, then line and column. */
struct model_reject {
	char *file, *column, *reason, *raw; /* column: the column's name or NULL */
	long line, col;			    /* col 0: none (whole row) */
	/* For the data-quality page (model_quality.c), masked: the value as
	 * written and the problem (split off reason; value NULL when the reason
	 * quotes none), what the row was about ("网格事件 E1（和平一网格）") and
	 * what leaving it out changes in the results. */
	char *value, *problem, *subject, *effect;
};

/* A result table as the rules wrote it, for the CSV export: a header and
 * nrows * ncols cells, numbers already formatted, texts masked; a cell is
 * NULL for SQL NULL. */
struct model_table {
	const char *file; /* e.g. "grid_tiers.csv" */
	const char *const *cols;
	int ncols;
	long nrows;
	char **cells;
};

/* A person on a points leaderboard (points are public; ids and personal data
 * are not part of it). */
struct model_person {
	char *id, *name, *role, *unit_code, *unit_name; /* role, unit_code or NULL */
	double points;
	long rank; /* 0: none */
	int candidate;
};

/* A role's leaderboard: the top MODEL_TOP_PERSONS by rank_in_role. */
#define MODEL_TOP_PERSONS 100
struct model_role {
	char *role;
	long count, candidates;
	struct model_person *top;
	long ntop;
};

/* One input file's ingest record, and the reasons for its rejects. */
struct model_file {
	char *file, *status, *encoding, *unknown_columns, *message; /* last four or NULL */
	long read, loaded, rejected;
	long voided;	  /* loaded with a void status, never counted */
	const char *what; /* what the export holds ("网格事件"), or NULL if unknown */
	long counted;	  /* loaded - voided: the rows the figures count */
};

/* A unit, company or person that the assessment left out, and why. */
struct model_leftout {
	const char *kind; /* "网格", "社区", "物业企业", "人员" */
	char *name, *why; /* masked */
};
/* How many of a kind the exports listed and how many were assessed. */
struct model_coverage {
	const char *kind, *measure; /* "物业企业", "家" */
	long exported, loaded, assessed;
};
#define MODEL_COVERAGE_N 4
struct model_reason {
	char *file, *column; /* column "" for a whole-row problem */
	long count;
	char *example; /* the first reason of the group, masked */
};

/* Key figures, in display order. */
enum model_kpi_id {
	MODEL_KPI_EVENTS,
	MODEL_KPI_CLOSED,
	MODEL_KPI_CLOSURE,
	MODEL_KPI_ONTIME,
	MODEL_KPI_IN_GRID,
	MODEL_KPI_SATISFACTION,
	MODEL_KPI_VISITS,
	MODEL_KPI_WISHES,
	MODEL_KPI_WISHES_DONE,
	MODEL_KPI_WISH_RATE,
	MODEL_KPI_SERVICES,
	MODEL_KPI_SERVICE_HOURS,
	MODEL_KPI_GRIDS,
	MODEL_KPI_COMMUNITIES,
	MODEL_KPI_COMPANIES,
	MODEL_KPI_RED,
	MODEL_KPI_BLACK,
	MODEL_KPI_TALK,
	MODEL_KPI_N
};
enum model_kpi_kind {
	MODEL_COUNT, /* 同比 as a percent change: 增长6.8% */
	MODEL_RATE,  /* a percentage: 同比 in percentage points: 提高1.2个百分点 */
	MODEL_SCORE  /* a mean rating: 同比 as a difference: 提高 0.05 */
};
struct model_kpi {
	const char *key;   /* stable id, e.g. "closure" */
	const char *label; /* 办结率 */
	const char *unit;  /* 件, %, 分, 小时, 个, 家 */
	enum model_kpi_kind kind;
	int decimals;
	int better;	  /* +1 higher is better, -1 lower is better, 0 neither */
	double cur, prev; /* the period, the same period a year before; NAN unknown */
	double prev2;	  /* the period before (环比): a quarter or a month only; else NAN */
};

/* Months of the period year [0] and the previous one [1]: events reported in
 * the month and how many of them were closed. */
struct model_month {
	long events[2], closed[2];
};

/* The standard charts. */
enum model_chart_id {
	MODEL_CHART_MONTHLY,	    /* events and closure rate by month, both years */
	MODEL_CHART_STREET_CLOSURE, /* closure rate by street */
	MODEL_CHART_GRID_SCORES,    /* distribution of grid scores with tier bands */
	MODEL_CHART_STREET_STARS,   /* communities by stars, per street */
	MODEL_CHART_REDBLACK,	    /* companies per list */
	MODEL_CHART_N
};
struct model_chart {
	const char *id; /* file stem, e.g. "monthly" */
	char *title;	/* caption */
	char *alt;	/* the numbers as text (always set) */
	char *note;	/* a reader's note (e.g. a provisional month), or "" */
	char *svg;	/* "charts/ID.svg" relative to the site root, or NULL if not drawn */
	char *png;	/* path of the PNG, or NULL if not drawn */
	double aspect;	/* height / width */
};

#define MODEL_HIST_MAX 40

/* An appeal of the 终稿 as the review decided it (appeal_outcomes joined with
 * the appeals row), by id. A 调整 is an item of the appealed object in this
 * run; the draft is another database, so the object's figures before the
 * review are this run's without the 调整 items (old_*). */
struct model_appeal {
	char *id, *kind, *entity; /* kind: 网格, 社区, 物业企业 …; entity: its code */
	char *name;		  /* the object's name (masked), or the code */
	char *item;		  /* 申诉项目, or NULL */
	char *decision;		  /* 调整, 维持, or 未复核 */
	double points;		  /* 调整: the points added (negative: deducted); else 0 */
	char *decided_by;	  /* 复核人, or NULL */
	char *decided_at;	  /* 复核日期 YYYY-MM-DD, or NULL */
	long unit, company;	  /* index into units / companies, or -1 */
	/* 调整 of a scored object: its score and rank before all the 调整 items
	 * of this run (NAN / 0 unknown); the grid's tier before, by the tier
	 * lines (NULL: tiers by share or no lines, not known from one run). */
	double old_score;
	long old_rank;
	const char *old_tier; /* points into m->tiers[].name, or NULL */
};

struct model {
	int year, prev_year;
	/* The period of the rules (run table; a year without results): a year, a
	 * quarter or a month, and its words (2024年第三季度), those of the period a
	 * year before (同比) and of the one before (环比). ring: the period is a
	 * quarter or a month, so figures have a 环比 (for a year 环比 is 同比). */
	struct parse_period period;
	char period_words[32], last_year_words[32], prev_words[32];
	int ring;
	/* The windows [from, to] (period.h) of the period and of the same period a
	 * year before (同比): every dated figure of the model is placed by
	 * period.c's rule. */
	struct period win, win_prev;
	/* The run's version (run.version): "公示稿" (a plain run) or "终稿"
	 * (--final, appeals applied); NULL for a database without results or
	 * from before versions. final: the version is 终稿. */
	char *version;
	int final;
	struct model_appeal *appeals; /* the 终稿's appeals by id; none in a 公示稿 */
	long nappeals;
	char *place;		   /* the county's (or city's) name; "本地区" if none */
	char *data_from, *data_to; /* first and last event date of the period year, or NULL */
	int max_limit_hours;	   /* the longest settlement time limit (model_load_events) */
	int months_with_data[2];   /* last month (1..12) with events, per year; 0 none */

	struct model_kpi kpi[MODEL_KPI_N];
	struct model_month month[12];

	struct model_unit *units; /* sorted by code */
	long nunits;
	long county;   /* index of the county unit, or -1 */
	long *streets; /* street indices by rank (mean community score desc) */
	long nstreets;
	long *communities; /* community indices by rank, then code */
	long ncommunities;
	long *grids; /* grid indices by rank, then code */
	long ngrids;
	struct model_star *stars; /* community_stars in (code, star) order */
	long nstars;

	struct model_tier tiers[MODEL_TIERS_MAX];
	int ntiers;
	/* Grid scores in bins [lo + i*width, lo + (i+1)*width), i < nbins. */
	double hist_lo, hist_width;
	int nbins;
	long hist[MODEL_HIST_MAX];

	struct model_company *companies; /* sorted by code */
	long ncompanies;
	long *company_rank; /* companies with a result by score desc, then code */
	long nranked;
	struct {
		char *list;
		long count;
	} lists[8]; /* 红榜, 约谈, 黑榜, 一般, others */
	int nlists;

	struct model_role *roles; /* by role name */
	long nroles;

	struct model_file *files; /* ingest order */
	long nfiles;
	struct model_reason *reasons; /* by file order, then column */
	long nreasons;
	long rows_read, rows_loaded, rows_rejected;

	/* Every person with points (role, rank_in_role, id), and per unit its
	 * people (role, rank, points desc, id) as indices into people. */
	struct model_person *people;
	long npeople;
	long *unit_people;
	long nunit_people;

	struct model_assessment *assessments;
	long nassessments;
	struct model_item *items;
	long nitems;
	struct model_criterion *criteria;
	long ncriteria;
	struct model_reject *rejects;
	long nrejects;
	/* The data-quality page's account (model_quality.c). */
	struct model_leftout *leftout;
	long nleftout;
	struct model_coverage coverage[MODEL_COVERAGE_N];
	int ncoverage;

	/* The result tables for the CSV export (MODEL_TABLE_*). */
	struct model_table tables[4];
	int ntables;

	/* Aggregates of the results: means over the units with a score (NAN none),
	 * how many were scored, communities by stars and with an award. */
	double grid_mean, community_mean, company_mean;
	long grids_scored, communities_scored, companies_scored;
	long community_stars[6], awards;

	long appeal_days; /* 申诉期 of the red/black list: run 'appeal_days' or 7 */
	/* How a vetoed community enters its street's mean (settings 'street.vetoed'
	 * from the community rule): left out (the street is flagged through
	 * model_unit.veto_excluded), counted as 0, or counted with its score. */
	enum { MODEL_VETO_EXCLUDE, MODEL_VETO_ZERO, MODEL_VETO_KEEP } street_vetoed;

	int has_results; /* the rules have run (run table present) */
	struct model_chart charts[MODEL_CHART_N];
	struct chart_set *chartset; /* private: the chart specs for model_charts */

	/* Company-community pairs of the period year's property checks
	 * (model_serve.c), by company then community code. */
	struct model_serve {
		long company, community; /* indices into companies, units */
	} * serves;
	long nserves;
};

/* The companies serving a street's communities (checked there in the period
 * year), each once, in company order, into out (room for m->ncompanies).
 * Returns how many. */
long model_street_companies(const struct model *m, long street, long *out);

#define MODEL_APPEAL_DAYS 7

/* Builds the model. year 0: the run table's year (rules' period), else the
 * latest year with events. Returns 0, or -1 with d filled (database error, out
 * of memory). Works on a database without results (has_results 0). */
int model_build(struct store *s, int year, struct model **out, struct diag *d);
void model_free(struct model *m); /* accepts NULL */

/* Draws the standard charts: svg_dir/ID.svg (e.g. output/html/charts) and
 * png_dir/ID.png (e.g. output/charts), one gnuplot run. Sets charts[i].svg to
 * "charts/ID.svg" and .png to the path. Returns 0, or -1 with d filled
 * ("gnuplot 未安装或运行失败：…"); the model stays usable without pictures. */
int model_charts(struct model *m, const char *svg_dir, const char *png_dir, struct diag *d);
/* model_charts also draws png_dir/MODEL_WATERMARK_ID.png: the watermark of
 * internal documents as a picture (see chart_watermark). */
#define MODEL_WATERMARK	   "内部资料 注意保存"
#define MODEL_WATERMARK_ID "watermark"

/* What the end of a run reports, counted in the store without building the
 * model: the rules' year ("?" if none) and the rows of each result table. */
struct model_counts {
	char year[16];
	long grids, communities, companies, people, report_units;
};
void model_count_results(struct store *s, struct model_counts *out);

/* A 调整 appeal as one sentence of a 复核情况, the same in the documents and
 * on the site: "红旗社区第2网格（网格，申诉SS-2026-01，按时办结率）：复核调整加
 * 1.00分，得分由69.85分调整为70.85分，排名由第244名调整为第241名，档次由三档
 * 调整为二档。" (what is not known from this run is left out). */
void model_appeal_change(const struct model *m, const struct model_appeal *a, char *out,
			 size_t cap);

/* Index of the unit with this code, or -1 (binary search). */
long model_find_unit(const struct model *m, const char *code);
long model_find_company(const struct model *m, const char *code);

/* Text of a key figure's value ("18246", "96.6", "4.31"; "—" unknown) and of
 * its 同比 ("增长6.8%", "下降2.1%", "提高1.2个百分点", "降低0.05", "持平",
 * "" when there is no previous value). *dir gets +1/-1/0 for ↑/↓/flat. */
void model_fmt_value(const struct model_kpi *k, double v, char *out, size_t cap);
void model_fmt_change(const struct model_kpi *k, char *out, size_t cap, int *dir);
/* The same for 环比 (cur against prev2): "上期为 0" where 同比 says "上年为 0". */
void model_fmt_ring(const struct model_kpi *k, char *out, size_t cap, int *dir);
/* The measures shown with decimals. Each has one precision for every output
 * (site, PDF documents, CSV); renderers format through model_fmt. */
enum model_measure {
	MODEL_M_SCORE,		    /* a 100-point score or rating: 2 */
	MODEL_M_ITEM_POINTS,	    /* points of a score item: 2 */
	MODEL_M_PERSON_POINTS,	    /* 积分 of a person: 2 */
	MODEL_M_OWNER_SATISFACTION, /* 业主满意度 of a company, 100-point mean: 2 */
	MODEL_M_COMPLAINT_RATE,	    /* complaints per 1000 households: 2 */
	MODEL_M_CRITERION,	    /* a property criterion's mean, percent: 1 */
	MODEL_M_RATING5,	    /* a 5-point mean rating: 2 */
	MODEL_M_PCT,		    /* a percentage: 1 */
	MODEL_M_N
};
int model_decimals(enum model_measure k);
/* v at its measure's precision, without unit ("96.6", "97.35"); "—" for NAN. */
void model_fmt(enum model_measure k, double v, char *out, size_t cap);

/* A unit's own key figures with 同比, the same for the site's unit pages and
 * the report cards: events, closure, on time, in grid, satisfaction (period
 * and previous year) and door-knock coverage (no previous). */
#define MODEL_UNIT_KPIS 6
void model_unit_kpis(const struct model *m, const struct model_unit *u,
		     struct model_kpi k[MODEL_UNIT_KPIS]);

/* v rounded to dec decimals by GB/T 8170 (half to even on its decimal digits:
 * 0.35 -> "0.4", 1.050 -> "1.0", 2.675 -> "2.68"); every figure shown is
 * rounded by it, and a change is computed from the rounded figures. */
void model_round(double v, int dec, char *out, size_t cap);

/* A percentage with one decimal and "%", or "—" for NAN. */
void model_fmt_pct(double v, char *out, size_t cap);

/* A unit's name as a folder name (the per-street outputs): characters a file
 * system or shell would misread become "_"; a leading dot or an empty name
 * gives the unit's code. Every output that names a street's folder uses it. */
/* A rejected row's column as its export names it, for the person who keeps
 * the export: "C 列“上报时间”" (a sheet), "“date”列（即走访日期）", "第 4 列“角色”",
 * "整行" (model_quality.c). */
void model_column_words(const struct model_reject *x, char *out, size_t cap);
void model_folder_name(const struct model_unit *u, char *out, size_t cap);

#endif
