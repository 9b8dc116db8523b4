/* model_test.c - the report model as the one source of every renderer: texts
 * from the data masked once in the loader (names, reasons, rejects' raw), the
 * property criteria in the order the rules recorded (score item seq, not a
 * list in the code), one rank-change wording, one precision per measure, the
 * run's appeal_days, and the CSV export rendered from it (masked, formatted).
 * Expected values are written by hand. Run with a temp dir as argv[1]. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvout.h"
#include "store.h"
#include "test.h"

static const char INPUT[] =
	"INSERT INTO units VALUES ('C', '示范县', 'county', NULL, NULL, NULL),"
	" ('S', '城关街道', 'street', 'C', NULL, NULL),"
	" ('M1', '和平社区', 'community', 'S', 100, NULL),"
	" ('M2', '电话13812345678社区', 'community', 'S', 100, NULL),"
	" ('G1', '和平一网格', 'grid', 'M1', 50, NULL);"
	"INSERT INTO companies VALUES ('X1', '安居物业（13900001111）', 1, 500);"
	/* declared order (score item seq): 乙项, 丙项, 甲项; 丁项 has no item */
	"INSERT INTO property_checks VALUES"
	" ('X1', 'M1', '2025Q1', '甲项', 9, 10), ('X1', 'M1', '2025Q1', '乙项', 8, 10),"
	" ('X1', 'M1', '2025Q2', '乙项', 6, 10), ('X1', 'M1', '2025Q1', '丙项', 5, 10),"
	" ('X1', 'M1', '2025Q1', '丁项', 1, 2);"
	"INSERT INTO ingest_files(file, status, encoding, rows_read, rows_loaded, rows_rejected,"
	" unknown_columns, message, seq) VALUES ('people.csv', 'loaded', 'UTF-8', 3, 2, 1, NULL, "
	"NULL, 0);"
	"INSERT INTO rejects VALUES ('people.csv', 4, 2, '姓名', '电话 13655556666 写在姓名里',"
	" 'P9,李四13655556666,网格员');";

static const char RESULTS[] =
	"INSERT INTO run VALUES ('year', '2025'), ('prev_year', '2024'), ('appeal_days', '15');"
	"INSERT INTO community_ranking VALUES"
	" ('M1', '和平社区', '城关街道', 90, 1, 1, 0, 5, NULL, NULL, 0, NULL),"
	" ('M2', '电话13812345678社区', '城关街道', 80.125, 2, NULL, NULL, 0, NULL, NULL, 1,"
	" '重大事项，报告人13700001111');"
	"INSERT INTO redblack VALUES ('X1', '安居物业（13900001111）', 91.5, 2, 97.35, '红榜',"
	" '满意度 97.35 分', '2026-01-01', '2026-12-31');"
	"INSERT INTO points VALUES ('P1', '张三13900002222', '网格员', 'G1', 6.5, 1, 1),"
	" ('P2', '王五', '网格员', 'G1', 6.5, 2, 0), ('P3', '赵六', '楼长', 'M1', 3, 1, 1);"
	"INSERT INTO scores VALUES ('物业企业考评', 'X1', '物业企业', 'x', 91.5, '红榜'),"
	" ('社区考评', 'M1', '社区', 'x', 90, NULL), ('积分制', 'P1', '积分制', 'x', 6.5, NULL);"
	"INSERT INTO score_items VALUES"
	" ('物业企业考评', 'X1', 1, '乙项', NULL, 30, 'a', NULL),"
	" ('物业企业考评', 'X1', 2, '丙项', NULL, 31.5, 'b', NULL),"
	" ('物业企业考评', 'X1', 3, '甲项', NULL, 30, 'c', NULL),"
	" ('社区考评', 'M1', 1, '办结率', '投诉电话13512345678', 90, '依据', 'rules/x.lua:1'),"
	" ('积分制', 'P1', 1, '上报', NULL, 6.5, 'd', NULL);";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

int main(int argc, char **argv)
{
	char db[1200], path[1300], t[64];
	struct store *s = NULL;
	struct model *m = NULL;
	struct diag d;
	const struct model_company *c;
	long k, m1, m2, g1;
	char *text;

	diag_init(&d);
	snprintf(db, sizeof db, "%s/model.db", argc > 1 ? argv[1] : ".");
	unlink(db);
	CHECK(store_open(&s, db, STORE_CREATE, &d) == 0);
	if (!s)
		return printf("not ok - store_open: %s\n", d.msg), test_done();
	CHECK(store_exec(s, INPUT, &d) == 0);
	CHECK(store_reset_results(s, &d) == 0);
	CHECK(store_exec(s, RESULTS, &d) == 0);
	if (d.msg[0])
		printf("# %s\n", d.msg);
	store_close(s);
	CHECK(store_open(&s, db, STORE_READONLY, &d) == 0);
	CHECK(model_build(s, 0, &m, &d) == 0);
	if (!m) {
		printf("not ok - model_build: %s\n", d.msg);
		store_close(s);
		return test_done();
	}

	/* masked once, in the loader */
	m2 = model_find_unit(m, "M2");
	CHECK(m2 >= 0);
	CHECK_STR(m->units[m2].name, "电话138****5678社区");
	CHECK_STR(m->units[m2].veto_reason, "重大事项，报告人137****1111");
	CHECK(m->nrejects == 1);
	CHECK_STR(m->rejects[0].raw, "P9,李四136****6666,网格员");
	CHECK_STR(m->rejects[0].reason, "电话 136****6666 写在姓名里");
	CHECK(m->rejects[0].line == 4 && m->rejects[0].col == 2);
	CHECK(m->npeople == 3);
	CHECK_STR(m->people[1].name, "张三139****2222"); /* 楼长 < 网格员: P3 first */

	/* criteria in the order the rules recorded, then the one without an item */
	k = model_find_company(m, "X1");
	CHECK(k >= 0);
	c = &m->companies[k];
	CHECK_STR(c->name, "安居物业（139****1111）");
	CHECK(c->ncrit == 4);
	if (c->ncrit == 4) {
		CHECK_STR(m->criteria[c->crit_first].name, "乙项");
		CHECK(fabs(m->criteria[c->crit_first].score - 70.0) < 1e-9); /* (80 + 60) / 2 */
		CHECK(m->criteria[c->crit_first].checks == 2);
		CHECK_STR(m->criteria[c->crit_first + 1].name, "丙项");
		CHECK_STR(m->criteria[c->crit_first + 2].name, "甲项");
		CHECK_STR(m->criteria[c->crit_first + 3].name, "丁项");
	}
	CHECK(c->nassess == 1 && m->assessments[c->assess_first].nitems == 3);

	/* the items of a community, masked; a person's items are not kept */
	m1 = model_find_unit(m, "M1");
	CHECK(m1 >= 0 && m->units[m1].nassess == 1);
	if (m1 >= 0 && m->units[m1].nassess == 1) {
		const struct model_assessment *a = &m->assessments[m->units[m1].assess_first];
		CHECK_STR(a->kind, "社区");
		CHECK(a->nitems == 1);
		CHECK_STR(m->items[a->item_first].inputs, "投诉电话135****5678");
	}
	CHECK(m->nassessments == 2);

	/* people of a unit: by role, then rank */
	g1 = model_find_unit(m, "G1");
	CHECK(g1 >= 0 && m->units[g1].npeople == 2);
	if (g1 >= 0 && m->units[g1].npeople == 2) {
		CHECK_STR(m->people[m->unit_people[m->units[g1].people_first]].id, "P1");
		CHECK_STR(m->people[m->unit_people[m->units[g1].people_first + 1]].id, "P2");
	}

	/* one rank-change wording */
	CHECK_STR(m->units[m1].change_mark, "持平");
	CHECK_STR(m->units[m1].change_words, "名次不变");
	CHECK_STR(m->units[m2].change_mark, "—");
	CHECK_STR(m->units[m2].change_words, "");

	/* settings and aggregates */
	CHECK(m->appeal_days == 15);
	CHECK(m->communities_scored == 2 && fabs(m->community_mean - 85.0625) < 1e-9);
	CHECK(m->community_stars[5] == 1 && m->community_stars[0] == 1);

	/* one precision per measure */
	model_fmt(MODEL_M_OWNER_SATISFACTION, c->satisfaction, t, sizeof t);
	CHECK_STR(t, "97.35");
	model_fmt(MODEL_M_PERSON_POINTS, 6.5, t, sizeof t);
	CHECK_STR(t, "6.50");
	model_fmt(MODEL_M_PCT, 96.66, t, sizeof t);
	CHECK_STR(t, "96.7");
	model_fmt(MODEL_M_SCORE, NAN, t, sizeof t);
	CHECK_STR(t, "—");

	/* the CSV export renders the model: masked and formatted */
	CHECK(csvout_write(m, argc > 1 ? argv[1] : ".", &d) == 0);
	snprintf(path, sizeof path, "%s/community_ranking.csv", argc > 1 ? argv[1] : ".");
	text = slurp(path);
	CHECK(text != NULL);
	if (text) {
		CHECK(strstr(text, "M2,电话138****5678社区,城关街道,80.12,2,,0,1,,,"
				   "重大事项，报告人137****1111\n") != NULL);
		CHECK(strstr(text, "13812345678") == NULL && strstr(text, "13700001111") == NULL);
		free(text);
	}
	snprintf(path, sizeof path, "%s/points.csv", argc > 1 ? argv[1] : ".");
	text = slurp(path);
	CHECK(text != NULL);
	if (text) {
		/* a BOM, the SPEC §4 columns, then the unit's name appended */
		static const char want[] =
			"\xEF\xBB\xBF"
			"id,name,role,unit,points,rank_in_role,candidate,unit_name\n"
			"P3,赵六,楼长,M1,3.00,1,1,和平社区\n"
			"P1,张三139****2222,网格员,G1,6.50,1,1,和平一网格\n";
		CHECK(strncmp(text, want, strlen(want)) == 0);
		free(text);
	}
	snprintf(path, sizeof path, "%s/rejects.csv", argc > 1 ? argv[1] : ".");
	text = slurp(path);
	CHECK(text != NULL);
	if (text) {
		CHECK(strstr(text,
			     "people.csv,4,2,电话 136****6666 写在姓名里,\"P9,李四136****6666,"
			     "网格员\"\n") != NULL);
		free(text);
	}
	/* GB/T 8170 on the decimal digits (notes/gongwen-and-exports.md) */
	{
		static const struct {
			double v;
			int dec;
			const char *want;
		} R[] = {
			{0.35, 1, "0.4"},    {1.050, 1, "1.0"},	   {1.15, 1, "1.2"},
			{2.675, 2, "2.68"},  {8.53459, 2, "8.53"}, {0.25, 1, "0.2"},
			{-0.35, 1, "-0.4"},  {9.95, 1, "10.0"},	   {99.96, 1, "100.0"},
			{0.04, 1, "0.0"},    {-0.04, 1, "0.0"},	   {0.06, 1, "0.1"},
			{0.5, 0, "0"},	     {1.5, 0, "2"},	   {2.5, 0, "2"},
			{1777, 0, "1777"},   {80.125, 2, "80.12"}, {23.375, 2, "23.38"},
			{0.0004, 2, "0.00"}, {123.4, 2, "123.40"},
		};
		size_t i;
		for (i = 0; i < sizeof R / sizeof R[0]; i++) {
			model_round(R[i].v, R[i].dec, t, sizeof t);
			CHECK_STR(t, R[i].want);
		}
	}
	/* 同比 from the figures shown: 63.26 and 61.94 are shown 63.3 and 61.9, so
	 * the change is 1.4 points (not 1.32 -> 1.3); 98.74 and 96.66 -> 98.7 and
	 * 96.7 -> 2.0 (not 2.08 -> 2.1) */
	{
		struct model_kpi k = m->kpi[MODEL_KPI_CLOSURE];
		int dir;
		k.cur = 63.26;
		k.prev = 61.94;
		model_fmt_change(&k, t, sizeof t, &dir);
		CHECK_STR(t, "提高1.4个百分点");
		CHECK(dir == 1);
		k.cur = 98.74;
		k.prev = 96.66;
		model_fmt_change(&k, t, sizeof t, &dir);
		CHECK_STR(t, "提高2.0个百分点");
		k.cur = 90.04;
		k.prev = 89.96;
		model_fmt_change(&k, t, sizeof t, &dir);
		CHECK_STR(t, "持平"); /* both shown 90.0 */
	}
	model_free(m);
	store_close(s);
	return test_done();
}
