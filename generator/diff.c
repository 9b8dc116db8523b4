/* diff.c - kaoping diff: the results of two runs compared object by object.
 * Each side is read whole into memory (objects with their published fields,
 * score items by entity), both are sorted by the same key and merged. Values
 * are compared as the documents show them (scores to 0.01), so every
 * difference reported is one a reader of the two documents would see. */
#include "diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct obj {
	int kind_order;
	char *kind, *code, *name;
	int nf;
	char **field, **value; /* value[i] NULL: empty */
};

struct item {
	char *entity, *assessment, *item, *reason;
	char *shown; /* NULL: a score item, compared by points; else a star or a list */
	int occ;     /* the n-th item of that name for the entity in its assessment */
	double points;
};

struct side {
	struct obj *o;
	size_t no, co;
	struct item *it;
	size_t ni, ci;
	int oom;
};

/* One object that changed: o or n is NULL when it is in one run only. */
struct change {
	const struct obj *o, *n;
};

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int add_obj(const struct store_result *r, void *arg)
{
	struct side *s = arg;
	struct obj *o;
	int i;

	if (s->no == s->co) {
		size_t n = s->co ? s->co * 2 : 256;
		struct obj *p = realloc(s->o, n * sizeof *p);
		if (!p)
			goto oom;
		s->o = p;
		s->co = n;
	}
	o = &s->o[s->no];
	memset(o, 0, sizeof *o);
	o->kind_order = r->kind_order;
	o->kind = dup(r->kind);
	o->code = dup(r->code);
	o->name = dup(r->name ? r->name : "");
	o->field = calloc((size_t)r->nfields + 1, sizeof *o->field);
	o->value = calloc((size_t)r->nfields + 1, sizeof *o->value);
	s->no++; /* counted now, so that free_side releases what was made */
	if (!o->kind || !o->code || !o->name || !o->field || !o->value)
		goto oom;
	for (i = 0; i < r->nfields; i++) {
		o->field[i] = dup(r->field[i]);
		o->value[i] = dup(r->value[i]);
		o->nf = i + 1;
		if (!o->field[i] || (r->value[i] && !o->value[i]))
			goto oom;
	}
	return 0;
oom:
	s->oom = 1;
	return -1;
}

static int add_item(const struct store_score_item *it, void *arg)
{
	struct side *s = arg;
	struct item *x;
	size_t j;

	if (!it->entity || !it->assessment || !it->item)
		return 0;
	if (s->ni == s->ci) {
		size_t n = s->ci ? s->ci * 2 : 1024;
		struct item *p = realloc(s->it, n * sizeof *p);
		if (!p)
			goto oom;
		s->it = p;
		s->ci = n;
	}
	x = &s->it[s->ni];
	memset(x, 0, sizeof *x);
	/* Items arrive by entity and assessment: the earlier ones of the same
	 * name in this group are just before. */
	for (j = s->ni; j > 0; j--) {
		const struct item *p = &s->it[j - 1];
		if (strcmp(p->entity, it->entity) || strcmp(p->assessment, it->assessment))
			break;
		if (strcmp(p->item, it->item) == 0)
			x->occ++;
	}
	x->points = it->points;
	x->entity = dup(it->entity);
	x->assessment = dup(it->assessment);
	x->item = dup(it->item);
	x->reason = dup(it->reason ? it->reason : "");
	x->shown = dup(it->shown);
	s->ni++;
	if (!x->entity || !x->assessment || !x->item || !x->reason || (it->shown && !x->shown))
		goto oom;
	return 0;
oom:
	s->oom = 1;
	return -1;
}

static void free_side(struct side *s)
{
	size_t i;
	int j;

	for (i = 0; i < s->no; i++) {
		struct obj *o = &s->o[i];
		for (j = 0; j < o->nf; j++) {
			free(o->field[j]);
			free(o->value[j]);
		}
		free(o->field);
		free(o->value);
		free(o->kind);
		free(o->code);
		free(o->name);
	}
	for (i = 0; i < s->ni; i++) {
		free(s->it[i].entity);
		free(s->it[i].assessment);
		free(s->it[i].item);
		free(s->it[i].reason);
		free(s->it[i].shown);
	}
	free(s->o);
	free(s->it);
}

static int obj_cmp(const struct obj *a, const struct obj *b)
{
	int c;

	if (a->kind_order != b->kind_order)
		return a->kind_order < b->kind_order ? -1 : 1;
	c = strcmp(a->kind, b->kind);
	return c ? c : strcmp(a->code, b->code);
}

static int obj_qcmp(const void *a, const void *b)
{
	return obj_cmp(a, b);
}

static int item_cmp(const struct item *a, const struct item *b)
{
	int c = strcmp(a->entity, b->entity);

	if (!c)
		c = strcmp(a->assessment, b->assessment);
	if (!c)
		c = strcmp(a->item, b->item);
	if (!c)
		c = (a->occ > b->occ) - (a->occ < b->occ);
	return c;
}

static int item_qcmp(const void *a, const void *b)
{
	return item_cmp(a, b);
}

static int read_side(struct store *db, struct side *s, struct diag *d)
{
	int rc;

	rc = store_each_result(db, add_obj, s, d);
	if (rc == 0)
		rc = store_each_score_item(db, add_item, s, d);
	if (s->oom)
		return diag_set(d, "内存不足");
	if (rc != 0)
		return -1;
	qsort(s->o, s->no, sizeof *s->o, obj_qcmp);
	qsort(s->it, s->ni, sizeof *s->it, item_qcmp);
	return 0;
}

/* The value of field f of o, or NULL if o has no such field; *has set. */
static const char *field_value(const struct obj *o, const char *f, int *has)
{
	int i;

	for (i = 0; i < o->nf; i++)
		if (strcmp(o->field[i], f) == 0) {
			*has = 1;
			return o->value[i];
		}
	*has = 0;
	return NULL;
}

/* Whether field i of n (or, when i >= n->nf, field i - n->nf of o, one that n
 * lacks) differs between o and n; *name gets its name. */
static int field_changed(const struct obj *o, const struct obj *n, int i, const char **name,
			 const char **ov, const char **nv)
{
	int has;

	if (i < n->nf) {
		*name = n->field[i];
		*nv = n->value[i];
		*ov = field_value(o, *name, &has);
		return !has || !streq(*ov, *nv);
	}
	i -= n->nf;
	*name = o->field[i];
	*ov = o->value[i];
	*nv = NULL;
	field_value(n, *name, &has);
	return !has;
}

/* The items of entity code in s: [*lo, *hi). */
static void item_range(const struct side *s, const char *code, size_t *lo, size_t *hi)
{
	size_t a = 0, b = s->ni;

	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (strcmp(s->it[m].entity, code) < 0)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < s->ni && strcmp(s->it[a].entity, code) == 0)
		a++;
	*hi = a;
}

static void put_points(struct buf *b, const struct item *x)
{
	if (!x)
		buf_puts(b, "无");
	else if (x->shown)
		buf_puts(b, x->shown);
	else
		buf_printf(b, "%.2f 分", x->points);
}

/* Whether x and y (either may be NULL) show the same. */
static int same_item(const struct item *x, const struct item *y)
{
	char px[64], py[64];

	if (!x || !y)
		return 0;
	if (x->shown || y->shown)
		return streq(x->shown, y->shown);
	snprintf(px, sizeof px, "%.2f", x->points);
	snprintf(py, sizeof py, "%.2f", y->points);
	return strcmp(px, py) == 0;
}

/* The items of code that changed: score items "名称 旧 → 新（依据）；..." into
 * score, the stars and lists "星级变化：名称 旧 → 新（依据）；..." into other. */
static void changed_items(const struct side *os, const struct side *ns, const char *code,
			  struct buf *score, struct buf *other)
{
	size_t i, ihi, j, jhi;
	const char *group = NULL;

	item_range(os, code, &i, &ihi);
	item_range(ns, code, &j, &jhi);
	while (i < ihi || j < jhi) {
		const struct item *x = i < ihi ? &os->it[i] : NULL;
		const struct item *y = j < jhi ? &ns->it[j] : NULL;
		const struct item *z;
		struct buf *b;
		int c = !x ? 1 : !y ? -1 : item_cmp(x, y);
		if (c < 0)
			y = NULL, i++;
		else if (c > 0)
			x = NULL, j++;
		else
			i++, j++;
		if (same_item(x, y))
			continue;
		z = y ? y : x;
		b = z->shown ? other : score;
		if (z->shown && (!group || strcmp(group, z->assessment) != 0)) {
			buf_printf(b, "%s%s%s：", b->len ? "；" : "", z->assessment,
				   z->item[0] ? "变化" : "依据");
			group = z->assessment;
		} else if (b->len) {
			buf_puts(b, "；");
		}
		/* A list (no item name): its field shows the change, this says why. */
		if (!z->item[0] && z->reason[0]) {
			buf_puts(b, z->reason);
			continue;
		}
		if (z->item[0])
			buf_printf(b, "%s ", z->item);
		put_points(b, x);
		buf_puts(b, " → ");
		put_points(b, y);
		if (z->reason[0])
			buf_printf(b, "（%s）", z->reason);
	}
}

/* A value as the text shows it: units for the fields that have one. */
static void put_value(struct buf *b, const char *field, const char *v)
{
	if (!v || !v[0]) {
		buf_puts(b, "无");
		return;
	}
	if (strcmp(field, "排名") == 0 || strcmp(field, "角色内排名") == 0)
		buf_printf(b, "第 %s 名", v);
	else if (strcmp(field, "经费") == 0)
		buf_printf(b, "%s 元", v);
	else
		buf_puts(b, v);
}

static const char *measure(const char *kind)
{
	if (strcmp(kind, "人员") == 0)
		return "人";
	if (strcmp(kind, "物业企业") == 0)
		return "家";
	return "个";
}

static void put_numeral(struct buf *b, int n)
{
	static const char *const cn[] = {"一", "二", "三", "四", "五",
					 "六", "七", "八", "九", "十"};

	if (n >= 1 && n <= 10)
		buf_puts(b, cn[n - 1]);
	else
		buf_printf(b, "%d", n);
}

static void csv_row(struct buf *c, const struct obj *x, const char *field, const char *ov,
		    const char *nv, const struct buf *items)
{
	const char *cols[7];
	int i;

	cols[0] = x->kind;
	cols[1] = x->code;
	cols[2] = x->name;
	cols[3] = field;
	cols[4] = ov ? ov : "";
	cols[5] = nv ? nv : "";
	cols[6] = items->data ? items->data : "";
	for (i = 0; i < 7; i++) {
		if (i)
			buf_putc(c, ',');
		buf_csv_field(c, cols[i], strlen(cols[i]));
	}
	buf_putc(c, '\n');
}

/* One changed object: its line of text and its rows of CSV. */
static void put_change(const struct side *os, const struct side *ns, const struct change *ch,
		       struct buf *out, struct buf *csv)
{
	const struct obj *x = ch->n ? ch->n : ch->o;
	struct buf score, other, items;
	int i, first = 1;

	buf_init(&score, 0);
	buf_init(&other, 0);
	buf_init(&items, 0);
	/* An object in one run only has no items to compare: explain lists them. */
	if (ch->o && ch->n)
		changed_items(os, ns, x->code, &score, &other);
	/* The CSV's items column: the score items, then the stars or list. */
	if (score.len)
		buf_puts(&items, score.data);
	if (other.len)
		buf_printf(&items, "%s%s", score.len ? "；" : "", other.data);
	buf_printf(out, "%s %s", x->kind, x->code);
	if (strcmp(x->name, x->code) != 0)
		buf_printf(out, " %s", x->name);
	buf_puts(out, "：");
	if (!ch->o || !ch->n) {
		buf_puts(out, ch->o ? "删除（原结果：" : "新增（");
		for (i = 0; i < x->nf; i++) {
			if (i)
				buf_puts(out, "，");
			buf_printf(out, "%s ", x->field[i]);
			put_value(out, x->field[i], x->value[i]);
			csv_row(csv, x, x->field[i], ch->o ? x->value[i] : NULL,
				ch->n ? x->value[i] : NULL, &items);
		}
		buf_puts(out, "）");
	} else {
		for (i = 0; i < ch->n->nf + ch->o->nf; i++) {
			const char *f, *ov, *nv;
			if (!field_changed(ch->o, ch->n, i, &f, &ov, &nv))
				continue;
			if (!first)
				buf_puts(out, "，");
			first = 0;
			buf_printf(out, "%s ", f);
			put_value(out, f, ov);
			buf_puts(out, " → ");
			put_value(out, f, nv);
			csv_row(csv, x, f, ov, nv, &items);
		}
	}
	if (score.len)
		buf_printf(out, "；变化的评分项：%s", score.data);
	if (other.len)
		buf_printf(out, "；%s", other.data);
	buf_puts(out, "\n");
	if (score.failed || other.failed || items.failed)
		out->failed = 1;
	buf_release(&score);
	buf_release(&other);
	buf_release(&items);
}

static int changed(const struct obj *o, const struct obj *n)
{
	int i;

	for (i = 0; i < n->nf + o->nf; i++) {
		const char *f, *ov, *nv;
		if (field_changed(o, n, i, &f, &ov, &nv))
			return 1;
	}
	return 0;
}

static int write_file(const char *path, const struct buf *b, struct diag *d)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return diag_set(d, "无法写入“%s”", path);
	if (fwrite(b->data, 1, b->len, f) != b->len || ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		return diag_set(d, "写入“%s”失败", path);
	return 0;
}

/* "原结果：PATH（2025 年度，公示稿）": the version (公示稿, 终稿) only when the
 * two runs differ in it, as a draft and its final do. */
static void put_source(struct buf *out, const char *label, struct store *db, struct store *other)
{
	char *year = store_run_value(db, "year");
	char *version = store_run_value(db, "version");
	char *other_version = store_run_value(other, "version");

	buf_printf(out, "%s：%s", label, store_path(db));
	if (year || (version && !streq(version, other_version))) {
		buf_printf(out, "（%s%s", year ? year : "", year ? " 年度" : "");
		if (version && !streq(version, other_version))
			buf_printf(out, "%s%s", year ? "，" : "", version);
		buf_puts(out, "）");
	}
	buf_putc(out, '\n');
	free(year);
	free(version);
	free(other_version);
}

int diff_run(struct store *old_db, struct store *new_db, const char *csv_path, struct buf *out,
	     struct diag *d)
{
	struct side os, ns;
	struct change *ch = NULL;
	struct buf csv;
	size_t i, j, nch = 0, k;
	int rc = -1, section = 0;

	memset(&os, 0, sizeof os);
	memset(&ns, 0, sizeof ns);
	buf_init(&csv, 0);
	if (read_side(old_db, &os, d) < 0 || read_side(new_db, &ns, d) < 0)
		goto done;
	ch = malloc((os.no + ns.no + 1) * sizeof *ch);
	if (!ch) {
		diag_set(d, "内存不足");
		goto done;
	}
	for (i = 0, j = 0; i < os.no || j < ns.no;) {
		int c = i >= os.no ? 1 : j >= ns.no ? -1 : obj_cmp(&os.o[i], &ns.o[j]);
		if (c < 0) {
			ch[nch].o = &os.o[i++];
			ch[nch++].n = NULL;
		} else if (c > 0) {
			ch[nch].o = NULL;
			ch[nch++].n = &ns.o[j++];
		} else {
			if (changed(&os.o[i], &ns.o[j])) {
				ch[nch].o = &os.o[i];
				ch[nch++].n = &ns.o[j];
			}
			i++, j++;
		}
	}

	put_source(out, "原结果", old_db, new_db);
	put_source(out, "新结果", new_db, old_db);
	buf_puts(&csv, "\xEF\xBB\xBF"
		       "kind,code,name,field,old,new,items\n");
	if (nch == 0) {
		buf_puts(out, "两次结果无差异。\n");
	} else {
		buf_printf(out, "有变化的对象共 %zu 个：", nch);
		for (k = 0; k < nch; k = j) {
			const struct obj *x = ch[k].n ? ch[k].n : ch[k].o;
			for (j = k; j < nch; j++) {
				const struct obj *y = ch[j].n ? ch[j].n : ch[j].o;
				if (y->kind_order != x->kind_order || strcmp(y->kind, x->kind))
					break;
			}
			buf_printf(out, "%s%s %zu %s", k ? "，" : "", x->kind, j - k,
				   measure(x->kind));
		}
		buf_puts(out, "。\n");
	}
	for (k = 0; k < nch; k = j) {
		const struct obj *x = ch[k].n ? ch[k].n : ch[k].o;
		size_t added = 0, removed = 0;
		for (j = k; j < nch; j++) {
			const struct obj *y = ch[j].n ? ch[j].n : ch[j].o;
			if (y->kind_order != x->kind_order || strcmp(y->kind, x->kind))
				break;
			added += !ch[j].o;
			removed += !ch[j].n;
		}
		buf_putc(out, '\n');
		put_numeral(out, ++section);
		buf_printf(out, "、%s（%zu %s", x->kind, j - k, measure(x->kind));
		if (added)
			buf_printf(out, "，其中新增 %zu %s", added, measure(x->kind));
		if (removed)
			buf_printf(out, "%s删除 %zu %s", added ? "、" : "，其中", removed,
				   measure(x->kind));
		buf_puts(out, "）\n");
		for (i = k; i < j; i++)
			put_change(&os, &ns, &ch[i], out, &csv);
	}
	if (out->failed || csv.failed) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (write_file(csv_path, &csv, d) < 0)
		goto done;
	rc = (int)(nch > 0x7fffffff ? 0x7fffffff : nch);
done:
	free(ch);
	free_side(&os);
	free_side(&ns);
	buf_release(&csv);
	return rc;
}
