/* xlsx_workbook.c - opening an .xlsx: relationships resolved against their
 * part's folder, then the workbook (sheet names and members), styles and
 * shared strings parsed whole. */
#include "xlsx_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resolves a relationship target against the folder of the part that has it
 * ("xl/"): "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml";
 * "/xl/x.xml" is from the root; ".." steps up. */
static char *resolve(const char *dir, const char *target)
{
	size_t n = strlen(dir) + strlen(target) + 2, o;
	char *out = malloc(n);
	const char *s;

	if (!out)
		return NULL;
	if (target[0] == '/') {
		snprintf(out, n, "%s", target + 1);
		return out;
	}
	snprintf(out, n, "%s", dir);
	o = strlen(out);
	for (s = target; *s;) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (o > 0)
				o--;
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else if (!(len == 1 && s[0] == '.') && len > 0) {
			memcpy(out + o, s, len);
			o += len;
			if (e)
				out[o++] = '/';
		}
		s = e ? e + 1 : s + len;
	}
	out[o] = '\0';
	return out;
}

static const struct xrel *rel_by_type(const struct xlsx *x, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < x->nrels; i++) {
		size_t tn = strlen(x->rels[i].type);
		if (tn >= n && strcmp(x->rels[i].type + tn - n, suffix) == 0)
			return &x->rels[i];
	}
	return NULL;
}

void xlsx_free_rels(struct xlsx *x)
{
	size_t i;

	for (i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	x->nrels = 0;
}

int xlsx_load_workbook(struct xlsx *x, struct diag *d)
{
	char dir[512], *rels_name = NULL, *sst = NULL, *styles = NULL;
	const struct xrel *r;
	size_t i, j, keep;
	int rc = -1, got, oom = 0;

	/* The workbook part: from the package relationships, else the usual place. */
	got = xlsx_parse_part(x, P_RELS, "_rels/.rels", d);
	if (got < 0)
		goto done;
	r = rel_by_type(x, "/officeDocument");
	x->office = r ? resolve("", r->target) : xlsx_dupstr("xl/workbook.xml");
	xlsx_free_rels(x);
	if (!x->office) {
		diag_set(d, "内存不足");
		goto done;
	}
	got = xlsx_parse_part(x, P_WB, x->office, d);
	if (got < 0)
		goto done;
	if (got == 0) {
		diag_at(d, x->path, 0, 0, "不是有效的 Excel 工作簿：缺少工作簿成员 %s", x->office);
		goto done;
	}
	snprintf(dir, sizeof dir, "%s", x->office);
	{
		char *slash = strrchr(dir, '/');
		const char *base = strrchr(x->office, '/');
		size_t need;
		base = base ? base + 1 : x->office;
		if (slash)
			slash[1] = '\0';
		else
			dir[0] = '\0';
		need = strlen(dir) + strlen(base) + 16;
		rels_name = malloc(need);
		if (!rels_name) {
			diag_set(d, "内存不足");
			goto done;
		}
		snprintf(rels_name, need, "%s_rels/%s.rels", dir, base);
	}
	if (xlsx_parse_part(x, P_WBRELS, rels_name, d) < 0)
		goto done;
	/* Each sheet's part; chart sheets and dialog sheets are left out. */
	for (i = 0, keep = 0; i < x->nsheets; i++) {
		const struct xrel *sr = NULL;
		for (j = 0; x->sheet_rid[i] && j < x->nrels; j++)
			if (strcmp(x->rels[j].id, x->sheet_rid[i]) == 0)
				sr = &x->rels[j];
		if (sr) {
			size_t tn = strlen(sr->type);
			if (tn < 10 || strcmp(sr->type + tn - 10, "/worksheet") != 0) {
				free(x->sheets[i].name);
				continue;
			}
			x->sheets[i].part = resolve(dir, sr->target);
		} else {
			/* No relationship (a hand-made file): the usual name. */
			char guess[600];
			snprintf(guess, sizeof guess, "%sworksheets/sheet%zu.xml", dir, i + 1);
			x->sheets[i].part = xlsx_dupstr(guess);
		}
		if (!x->sheets[i].part)
			oom = 1;
		x->sheets[keep++] = x->sheets[i];
	}
	x->nsheets = keep;
	if (oom) {
		diag_set(d, "内存不足");
		goto done;
	}
	r = rel_by_type(x, "/sharedStrings");
	sst = resolve(dir, r ? r->target : "sharedStrings.xml");
	r = rel_by_type(x, "/styles");
	styles = resolve(dir, r ? r->target : "styles.xml");
	if (!sst || !styles) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (xlsx_parse_part(x, P_STYLES, styles, d) < 0)
		goto done;
	x->sst_off = malloc(16 * sizeof *x->sst_off);
	if (!x->sst_off) {
		diag_set(d, "内存不足");
		goto done;
	}
	x->sst_cap = 16;
	x->sst_off[0] = 0;
	if (xlsx_parse_part(x, P_SST, sst, d) < 0)
		goto done;
	rc = 0;
done:
	for (i = 0; i < x->nrid; i++)
		free(x->sheet_rid[i]);
	free(x->sheet_rid);
	x->nrid = 0;
	x->sheet_rid = NULL;
	xlsx_free_rels(x);
	free(rels_name);
	free(sst);
	free(styles);
	return rc;
}
