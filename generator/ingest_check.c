/* ingest_check.c - the checks of one row of a file being loaded: the header
 * mapped onto the schema, each field (field.c) and its references, the
 * checks across columns; reasons for rejects.csv. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest_int.h"
#include "parse.h"

const char *ingest_level_cn(int lv)
{
	static const char *names[] = {"", "区县", "街道", "社区", "网格"};
	return lv >= 1 && lv <= 4 ? names[lv] : "";
}

/* Appends a value for a message: quoted, cut at 60 bytes on a character edge. */
void ingest_quote_value(struct buf *b, const char *s, size_t n)
{
	size_t cut = n;

	if (cut > 60) {
		cut = 60;
		while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	buf_putc(b, '"');
	buf_append(b, s, cut);
	if (cut < n)
		buf_puts(b, "…");
	buf_putc(b, '"');
}
int ingest_fail_col(struct load *l, int ci, const char *fmt, ...)
{
	va_list ap;
	char m[512];

	buf_reset(&l->reason);
	if (ci >= 0) {
		buf_puts(&l->reason, l->headers[ci]);
		buf_putc(&l->reason, ' ');
		l->reject_col = l->colmap[ci] + 1;
		l->reject_colname = l->colref[ci] ? l->colref[ci] : l->headers[ci];
		if (l->v[ci].present) {
			ingest_quote_value(&l->reason, l->v[ci].s, l->v[ci].n);
			buf_putc(&l->reason, ' ');
		}
	} else {
		l->reject_col = 0;
		l->reject_colname = NULL;
	}
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	buf_puts(&l->reason, m);
	return -1;
}

/* The raw text of field ci (trimmed). */
static void field(const struct csv_record *r, const struct load *l, int ci, const char **s,
		  size_t *n)
{
	int fc = l->colmap[ci];

	if (fc < 0 || (size_t)fc >= r->nfields) {
		*s = "";
		*n = 0;
		return;
	}
	*s = r->fields[fc];
	*n = r->lens[fc];
	parse_trim(s, n);
}

static const char *ref_name(enum col_ref ref)
{
	switch (ref) {
	case REF_GRID: return "网格";
	case REF_COMMUNITY: return "社区";
	case REF_PERSON: return "人员";
	case REF_COMPANY: return "物业企业";
	default: return "单元";
	}
}

static int col_at(struct load *l, const char *name);

/* The value of the row's context column name (street, community) when the
 * table has one that is not itself a reference. */
static void context(struct load *l, const char *name, const char **s, size_t *n)
{
	int i = col_at(l, name);

	*s = "";
	*n = 0;
	if (i >= 0 && l->t->cols[i].ref == REF_NONE && l->v[i].present) {
		*s = l->v[i].s;
		*n = l->v[i].n;
	}
}

/* A unit reference that is not a code: looked up by name (units_resolve).
 * Returns the set value (id << 3 | level) and points v at the unit's code,
 * or -1 with the reason set. */
static long by_name(struct ctx *c, struct load *l, int ci, int level, const char *what)
{
	struct field_val *v = &l->v[ci];
	const char *st, *cm;
	size_t sn, cn;
	long id;

	context(l, "street", &st, &sn);
	context(l, "community", &cm, &cn);
	buf_reset(&c->msg);
	id = units_resolve(c, v->s, v->n, level, st, sn, cm, cn, &c->msg);
	if (id == -3)
		return ingest_fail_col(l, ci, "内存不足");
	if (id == -2)
		return ingest_fail_col(l, ci, "对应多个%s，无法确定：%s；请%s编码",
				       level ? what : "单元", c->msg.data ? c->msg.data : "",
				       col_at(l, "street") >= 0 ? "填写所属街道、所属社区或改填"
								: "改填");
	if (id < 0) {
		if (sn || cn)
			return ingest_fail_col(l, ci, "引用了不存在的%s（在%s%.*s%s%.*s内）", what,
					       sn ? "街道 " : "", (int)sn, st,
					       sn && cn ? "、社区 "
					       : cn	? "社区 "
							: "",
					       (int)cn, cm);
		return ingest_fail_col(l, ci, "引用了不存在的%s", what);
	}
	v->s = c->unit_code[id];
	v->n = strlen(v->s);
	return id << 3 | c->uinfo[id].level;
}

int ingest_put_name(struct ctx *c, struct load *l)
{
	struct strset *set = l->kind == T_PEOPLE ? &c->person_names : &c->company_names;
	const struct field_val *code = &l->v[0], *name = &l->v[1];
	long id, had;

	if (l->kind == T_PEOPLE) {
		id = strset_get(&c->people, code->s, code->n);
	} else {
		id = ingest_add_code(&c->company_code, &c->ncompany, &c->company_cap, code->s,
				     code->n);
	}
	if (id < 0)
		return -1;
	had = strset_get(set, name->s, name->n);
	if (had == id + 1)
		return 0;
	return strset_put(set, name->s, name->n, had >= 0 ? NAME_SHARED : (uint32_t)id + 1);
}

/* A person or company given by name: the one of that name. Returns its id,
 * or -1 with the reason set. */
static long other_by_name(struct ctx *c, struct load *l, int ci, int people)
{
	struct field_val *v = &l->v[ci];
	long got = strset_get(people ? &c->person_names : &c->company_names, v->s, v->n);

	if (got == (long)NAME_SHARED)
		return ingest_fail_col(l, ci, "对应多个同名%s，无法确定；请改填%s",
				       people ? "人员" : "物业企业",
				       people ? "人员编号" : "统一社会信用代码");
	if (got <= 0)
		return ingest_fail_col(
			l, ci, people ? "引用了不存在的人员编号" : "引用了不存在的物业企业");
	v->s = people ? c->person_code[got - 1] : c->company_code[got - 1];
	v->n = strlen(v->s);
	return got - 1;
}

/* Checks a reference; returns 0 if fine. */
static int check_ref(struct ctx *c, struct load *l, int ci, enum col_ref ref)
{
	struct field_val *v = &l->v[ci];
	long got;

	switch (ref) {
	case REF_UNIT:
		if (strset_get(&c->units, v->s, v->n) < 0 && by_name(c, l, ci, 0, "单元编码") < 0)
			return -1;
		return 0;
	case REF_GRID:
	case REF_COMMUNITY:
		got = strset_get(&c->units, v->s, v->n);
		if (got < 0) {
			got = by_name(c, l, ci, ref == REF_GRID ? LV_GRID : LV_COMMUNITY,
				      ref_name(ref));
			if (got < 0)
				return -1;
		}
		if ((got & 7) != (ref == REF_GRID ? LV_GRID : LV_COMMUNITY))
			return ingest_fail_col(l, ci, "不是%s（是%s）", ref_name(ref),
					       ingest_level_cn((int)(got & 7)));
		l->refv[ci] = got >> 3;
		return 0;
	case REF_PERSON:
		/* Without people.csv at all, references to people cannot be checked:
		 * the rows are kept (and the warning says so) rather than lost. */
		if (!c->have_people) {
			l->refv[ci] = -1;
			l->unchecked[ci]++;
			return 0;
		}
		got = strset_get(&c->people, v->s, v->n);
		if (got < 0 && (got = other_by_name(c, l, ci, 1)) < 0)
			return -1;
		l->refv[ci] = got;
		return 0;
	case REF_COMPANY:
		if (!c->have_companies) {
			l->unchecked[ci]++;
			return 0;
		}
		if (strset_get(&c->companies, v->s, v->n) < 0 && other_by_name(c, l, ci, 0) < 0)
			return -1;
		return 0;
	default: return 0;
	}
}

/* Parses and checks column ci of record r into l->v[ci]. */
static int parse_col(struct ctx *c, struct load *l, const struct csv_record *r, int ci)
{
	const struct schema_col *col = &l->t->cols[ci];
	const char *s;
	size_t n;
	char why[512];

	field(r, l, ci, &s, &n);
	(void)c;
	if (field_check(l->t, col, s, n, &l->v[ci], why, sizeof why) < 0)
		return ingest_fail_col(l, ci, "%s", why);
	return 0;
}

/* References are checked once the whole row is parsed: a name is narrowed
 * by the row's street and community, which may come later in the row. */
static int refs_col(struct ctx *c, struct load *l, int ci)
{
	const struct schema_col *col = &l->t->cols[ci];

	if (!c->values_only && l->v[ci].present && col->ref != REF_NONE && col->ref != REF_TARGET &&
	    col->ref != REF_PARENT)
		return check_ref(c, l, ci, col->ref);
	return 0;
}

int ingest_col_index(const struct schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* col_index for the literals of the per-row checks, without string compares. */
static int col_at(struct load *l, const char *name)
{
	int i;

	for (i = 0; i < l->ncache; i++)
		if (l->cache_name[i] == name)
			return l->cache_idx[i];
	i = ingest_col_index(l->t, name);
	if (l->ncache < 8) {
		l->cache_name[l->ncache] = name;
		l->cache_idx[l->ncache++] = i;
	}
	return i;
}

/* Compares two normalised dates/date-times of columns a and b: fails if b < a. */
static int check_order(struct load *l, const char *a, const char *b, const char *what)
{
	int ia = col_at(l, a), ib = col_at(l, b);
	struct field_val *va = &l->v[ia], *vb = &l->v[ib];
	size_t n;

	if (va->type == STORE_NULL || vb->type == STORE_NULL)
		return 0;
	n = va->n < vb->n ? va->n : vb->n;
	if (memcmp(vb->s, va->s, n) < 0)
		return ingest_fail_col(l, ib, "早于%s（%.*s）", what, (int)va->n, va->s);
	return 0;
}

/* Checks that involve several columns of a row. */
static int check_row(struct ctx *c, struct load *l)
{
	switch (l->kind) {
	case T_EVENTS:
		return check_order(l, "reported_at", "closed_at",
				   l->headers[col_at(l, "reported_at")]);
	case T_WISHES:
		if (check_order(l, "published_at", "claimed_at",
				l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "published_at", "completed_at",
				l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "claimed_at", "completed_at",
				l->headers[col_at(l, "claimed_at")]) < 0)
			return -1;
		return 0;
	case T_CHECKS: {
		int is = col_at(l, "score"), im = col_at(l, "max");
		if (l->v[is].r > l->v[im].r)
			return ingest_fail_col(l, is, "超过满分（%g）", l->v[im].r);
		return 0;
	}
	case T_BRANCHES: {
		int ik = col_at(l, "kind"), ic = col_at(l, "company");
		int is_pm = l->v[ik].n == strlen("物业企业党支部") &&
			    memcmp(l->v[ik].s, "物业企业党支部", l->v[ik].n) == 0;
		if (is_pm && !l->v[ic].present)
			return ingest_fail_col(l, ic, "为必填项：物业企业党支部须填写所属企业");
		if (!is_pm && l->v[ic].present)
			return ingest_fail_col(l, ic, "只适用于物业企业党支部");
		return 0;
	}
	case T_TARGETED: {
		int ik = col_at(l, "target_kind"), it = col_at(l, "target");
		const char *k = l->v[ik].s;
		size_t kn = l->v[ik].n;
		if (kn == strlen("社区") && memcmp(k, "社区", kn) == 0)
			return check_ref(c, l, it, REF_COMMUNITY);
		if (kn == strlen("网格") && memcmp(k, "网格", kn) == 0)
			return check_ref(c, l, it, REF_GRID);
		if (kn == strlen("物业企业") && memcmp(k, "物业企业", kn) == 0)
			return check_ref(c, l, it, REF_COMPANY);
		return 0;
	}
	default: return 0;
	}
}

enum tkind ingest_table_kind(const char *name)
{
	static const struct {
		const char *name;
		enum tkind kind;
	} k[] = {{"units", T_UNITS},
		 {"people", T_PEOPLE},
		 {"companies", T_COMPANIES},
		 {"branches", T_BRANCHES},
		 {"events", T_EVENTS},
		 {"wishes", T_WISHES},
		 {"property_checks", T_CHECKS},
		 {"evaluations", T_TARGETED},
		 {"incidents", T_TARGETED}};
	size_t i;

	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(k[i].name, name) == 0)
			return k[i].kind;
	return T_OTHER;
}

/* Whether schema column ci of l identifies what a row is about (code,
 * name, grid, company, target...): kept with a rejected row for the
 * data-quality page. Personal numbers are never among them. */
int ingest_subject_col(const struct load *l, size_t ci)
{
	static const char *const subject[] = {"code",	     "id",     "name",	   "level",
					      "grid",	     "unit",   "company",  "community",
					      "target_kind", "target", "employer", "quarter"};
	size_t k;

	if (ci >= l->t->ncols || ci >= 64 || l->colmap[ci] < 0)
		return 0;
	for (k = 0; k < sizeof subject / sizeof subject[0]; k++)
		if (strcmp(l->t->cols[ci].name, subject[k]) == 0)
			return 1;
	return 0;
}

int ingest_reject_field(struct load *l, long line, const char *field, const char *v, size_t n,
			struct diag *d)
{
	if (!l->rejf || !v || n == 0)
		return 0;
	store_reset(l->rejf);
	store_bind_text(l->rejf, 1, l->file, -1);
	store_bind_int(l->rejf, 2, line);
	store_bind_text(l->rejf, 3, field, -1);
	store_bind_text(l->rejf, 4, v, (int)n);
	return store_step(l->rejf, d) == STORE_DONE ? 0 : -1;
}

/* The subject fields of a rejected row, into reject_fields. */
static int reject_fields(struct load *l, const struct csv_record *r, struct diag *d)
{
	size_t ci;

	if (!l->rejf || r->bad_encoding)
		return 0;
	for (ci = 0; ci < l->t->ncols; ci++) {
		const char *v;
		size_t n;
		if (!ingest_subject_col(l, ci) || (size_t)l->colmap[ci] >= r->nfields)
			continue;
		v = r->fields[l->colmap[ci]];
		n = r->lens[l->colmap[ci]];
		parse_trim(&v, &n);
		if (n == 0)
			continue;
		if (ingest_reject_field(l, r->line, l->t->cols[ci].name, v, n, d) < 0)
			return -1;
	}
	return 0;
}

int ingest_reject(struct load *l, const struct csv_record *r, struct diag *d)
{
	struct store_stmt *st = l->rej;

	l->rejected++;
	store_reset(st);
	store_bind_text(st, 1, l->file, -1);
	store_bind_int(st, 2, r->line);
	if (l->reject_col > 0)
		store_bind_int(st, 3, l->reject_col);
	store_bind_text(st, 4, l->reject_colname, -1);
	store_bind_text(st, 5, l->reason.data ? l->reason.data : "", (int)l->reason.len);
	store_bind_text(st, 6, r->raw, (int)r->rawlen);
	if (store_step(st, d) != STORE_DONE)
		return -1;
	return reject_fields(l, r, d);
}

char *ingest_dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* How many fields of a record are column names of table t. */
int ingest_header_matches(const struct schema_table *t, const struct csv_record *r)
{
	size_t j;
	int n = 0;

	for (j = 0; j < r->nfields; j++)
		if (schema_match(t, r->fields[j], r->lens[j]) >= 0)
			n++;
	return n;
}

/* Maps the header record onto the schema. Fails (file-level error) when a
 * required column is missing. */
int ingest_map_header(struct ctx *c, struct load *l, const struct csv_record *r,
		      struct buf *unknown, struct diag *d)
{
	size_t i, j;

	for (i = 0; i < l->t->ncols; i++)
		l->colmap[i] = -1;
	l->nfilecols = r->nfields;
	l->extra_cols = calloc(r->nfields ? r->nfields : 1, sizeof *l->extra_cols);
	l->extra_names = calloc(r->nfields ? r->nfields : 1, sizeof *l->extra_names);
	if (!l->extra_cols || !l->extra_names)
		return diag_set(d, "内存不足");
	for (j = 0; j < r->nfields; j++) {
		const char *h = r->fields[j];
		size_t n = r->lens[j];
		int ci;
		parse_trim(&h, &n);
		ci = schema_match(l->t, h, n);
		if (ci >= 0 && l->colmap[ci] < 0) {
			l->colmap[ci] = (int)j;
			if (n && ((unsigned char)h[0]) < 0x80) {
				struct buf b;
				buf_init(&b, 0);
				buf_append(&b, h, n);
				buf_printf(&b, "（%s）", l->t->cols[ci].label);
				l->headers[ci] = buf_steal(&b);
			} else {
				l->headers[ci] = ingest_dupn(h, n);
			}
			continue;
		}
		if (n == 0)
			continue; /* an unnamed empty column (trailing comma) */
		l->extra_cols[l->nextra] = (int)j;
		l->extra_names[l->nextra] = ingest_dupn(h, n);
		l->nextra++;
		if (unknown->len)
			buf_puts(unknown, "、");
		buf_append(unknown, h, n);
		if (ci >= 0)
			buf_puts(unknown, "（重复的列）");
	}
	for (i = 0; i < l->t->ncols; i++) {
		if (l->colmap[i] >= 0)
			continue;
		l->headers[i] = strdup(l->t->cols[i].label);
		if (l->t->cols[i].flags & COL_REQUIRED) {
			char names[512];
			size_t k, o = 0;
			const char *a = l->t->cols[i].aliases;
			/* "reported_at、上报时间、上报日期…" */
			o = (size_t)snprintf(names, sizeof names, "%s", l->t->cols[i].name);
			for (k = 0; a[k] && o + 4 < sizeof names; k++) {
				if (k == 0 || a[k - 1] == '|')
					o += (size_t)snprintf(names + o, sizeof names - o, "、");
				if (a[k] != '|')
					names[o++] = a[k];
			}
			names[o < sizeof names ? o : sizeof names - 1] = '\0';
			return diag_at(d, l->path, r->line, 0, "缺少必填列“%s”（可用列名：%s）",
				       l->t->cols[i].label, names);
		}
	}
	(void)c;
	return 0;
}

int ingest_all_empty(const struct csv_record *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		const char *s = r->fields[i];
		size_t n = r->lens[i];
		parse_trim(&s, &n);
		if (n)
			return 0;
	}
	return 1;
}

/* Whether the fields past the header's width are all empty (trailing commas). */
static int extra_fields_empty(const struct csv_record *r, size_t from)
{
	size_t i;

	for (i = from; i < r->nfields; i++)
		if (r->lens[i])
			return 0;
	return 1;
}

/* Checks one record; returns 0 to load, -1 to ingest_reject (reason set), -2 fatal. */
int check_record(struct ctx *c, struct load *l, const struct csv_record *r)
{
	size_t i;

	if (r->unterminated)
		return ingest_fail_col(l, -1, "引号未闭合：文件在引号内结束");
	if (r->bad_encoding)
		return strncmp(l->encoding, "UTF-16", 6) == 0
			       ? ingest_fail_col(l, -1, "含有无效字节：不是有效的 %s 编码",
						 l->encoding)
			       : ingest_fail_col(l, -1,
						 "含有无效字节：既不是有效的 UTF-8 编码，"
						 "也不是有效的 GB18030 编码");
	for (i = 0; i < r->nfields; i++)
		if (memchr(r->fields[i], '\0', r->lens[i]))
			return ingest_fail_col(
				l, -1, "第 %zu 个字段含有空字符（NUL 字节），文件可能已损坏",
				i + 1);
	if (r->nfields < l->nfilecols ||
	    (r->nfields > l->nfilecols && !extra_fields_empty(r, l->nfilecols)))
		return ingest_fail_col(l, -1, "字段数不符：本行 %zu 个字段，表头有 %zu 列",
				       r->nfields, l->nfilecols);
	for (i = 0; i < l->t->ncols; i++)
		if (parse_col(c, l, r, (int)i) < 0)
			return -1;
	for (i = 0; i < l->t->ncols; i++)
		if (refs_col(c, l, (int)i) < 0)
			return -1;
	return check_row(c, l);
}