/* doc.c - building and freeing the report model (struct doc). */
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

/* The code point at s[i] (UTF-8) and its length in *len; 0 at the end. */
static unsigned long cp_at(const unsigned char *s, size_t i, size_t *len)
{
	unsigned long c = s[i];
	size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1, k;

	if (c == 0) {
		*len = 0;
		return 0;
	}
	c = n == 1 ? c : c & (0xFF >> (n + 1));
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80) {
			*len = 1;
			return s[i];
		}
		c = c << 6 | (s[i + k] & 0x3F);
	}
	*len = n;
	return c;
}

static int is_math(unsigned long c)
{
	return c == 0xD7 || c == 0xF7 || c == 0x2030 || c == 0x2264 || c == 0x2265 || c == '=' ||
	       c == '/';
}

static int is_han(unsigned long c)
{
	return c >= 0x2E80 && !is_math(c);
}

static int is_num(unsigned long c)
{
	return (c >= '0' && c <= '9') || c == '%' || c == '/' || c == '+' || c == '-';
}

/* A copy of document text without the spaces the rules put between Chinese
 * and figures ("考评得分 50.57 分，低于 60 分", "办结率 × 20 分"): a 公文 sets
 * 考评得分50.57分 and 办结率×20分. A space between two Chinese words or two
 * figures stays. */
static char *dup_text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, o = 0, len;
	unsigned long prev = 0;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	p = malloc(n + 1);
	if (!p)
		return NULL;
	while (i < n) {
		unsigned long c = cp_at(u, i, &len);
		if (c == ' ' && prev) {
			size_t l2;
			unsigned long next = cp_at(u, i + 1, &l2);
			if ((is_han(prev) && is_num(next)) || (is_num(prev) && is_han(next)) ||
			    (is_math(prev) && next && next != ' ') ||
			    (is_math(next) && prev != ' ')) {
				i++;
				continue;
			}
		}
		memcpy(p + o, s + i, len);
		o += len;
		i += len;
		prev = c;
	}
	p[o] = '\0';
	return p;
}

void doc_set(char **field, const char *value)
{
	free(*field);
	*field = dup(value);
}

int doc_set_version(struct doc *d, const char *version)
{
	size_t ns, nv;
	char *sub;

	doc_set(&d->version, version && *version ? version : NULL);
	if (!d->version)
		return version && *version ? -1 : 0;
	ns = d->subtitle ? strlen(d->subtitle) : 0;
	nv = strlen(d->version);
	/* "subtitle　（公示稿）": a full-width space (3 bytes) and brackets (3 each) */
	sub = malloc(ns + 3 + nv + 7);
	if (!sub)
		return -1;
	memcpy(sub, d->subtitle ? d->subtitle : "", ns);
	if (ns) {
		memcpy(sub + ns, "　", 3);
		ns += 3;
	}
	memcpy(sub + ns, "（", 3);
	memcpy(sub + ns + 3, d->version, nv);
	memcpy(sub + ns + 3 + nv, "）", 4);
	free(d->subtitle);
	d->subtitle = sub;
	return 0;
}

struct doc *doc_new(const char *title)
{
	struct doc *d = calloc(1, sizeof *d);

	if (d)
		d->title = dup(title);
	return d;
}

void doc_free(struct doc *d)
{
	size_t i, j;

	if (!d)
		return;
	for (i = 0; i < d->nblocks; i++) {
		struct doc_block *b = &d->blocks[i];
		free(b->text);
		for (j = 0; j < b->ncols; j++)
			free(b->cols[j].title);
		free(b->cols);
		for (j = 0; j < b->nrows * b->ncols; j++)
			free(b->cells[j]);
		free(b->cells);
		free(b->png);
		free(b->svg);
		free(b->alt);
	}
	free(d->blocks);
	free(d->title);
	free(d->subtitle);
	free(d->date);
	free(d->watermark);
	free(d->watermark_png);
	free(d->author);
	free(d->version);
	free(d->organ);
	free(d->docno);
	free(d->brief_name);
	free(d->issue);
	free(d->to);
	free(d->signer);
	free(d->annex_note);
	free(d->cc);
	free(d->report_to);
	free(d->printer);
	free(d->printed);
	free(d);
}

static struct doc_block *add(struct doc *d, enum doc_kind kind, const char *text)
{
	struct doc_block *b;

	if (d->nblocks == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct doc_block *p = realloc(d->blocks, cap * sizeof *p);
		if (!p)
			return NULL;
		d->blocks = p;
		d->cap = cap;
	}
	b = &d->blocks[d->nblocks++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	/* a caption keeps its space after the number (表1 各社区得分) */
	b->text = kind == DOC_TABLE || kind == DOC_FIGURE ? dup(text) : dup_text(text);
	return b;
}

struct doc_block *doc_heading(struct doc *d, int level, const char *text, int bookmark)
{
	struct doc_block *b = add(d, DOC_HEADING, text);

	if (b) {
		b->level = level;
		b->bookmark = bookmark;
	}
	return b;
}

struct doc_block *doc_para(struct doc *d, const char *text)
{
	return add(d, DOC_PARA, text);
}

struct doc_block *doc_note(struct doc *d, const char *text)
{
	return add(d, DOC_NOTE, text);
}

struct doc_block *doc_pagebreak(struct doc *d)
{
	return add(d, DOC_PAGEBREAK, NULL);
}

struct doc_block *doc_table(struct doc *d, const char *caption, size_t ncols)
{
	struct doc_block *b = add(d, DOC_TABLE, caption);

	if (!b)
		return NULL;
	b->cols = calloc(ncols ? ncols : 1, sizeof *b->cols);
	if (!b->cols) {
		d->nblocks--;
		free(b->text);
		return NULL;
	}
	b->ncols = ncols;
	return b;
}

int doc_table_col(struct doc_block *t, size_t i, const char *title, double width,
		  enum doc_align align)
{
	if (i >= t->ncols)
		return -1;
	doc_set(&t->cols[i].title, title);
	t->cols[i].width = width > 0 ? width : 1;
	t->cols[i].align = align;
	return 0;
}

int doc_table_row(struct doc_block *t, const char *const *cells)
{
	size_t j, n = (t->nrows + 1) * t->ncols;
	char **p = realloc(t->cells, (n ? n : 1) * sizeof *p);

	if (!p)
		return -1;
	t->cells = p;
	for (j = 0; j < t->ncols; j++)
		p[t->nrows * t->ncols + j] = dup_text(cells[j] ? cells[j] : "");
	t->nrows++;
	return 0;
}

void doc_attach(struct doc_block *t)
{
	if (t && t->kind == DOC_TABLE)
		t->attach = 1;
}

struct doc_block *doc_figure(struct doc *d, const char *caption, const char *png, const char *svg,
			     const char *alt, double aspect)
{
	struct doc_block *b = add(d, DOC_FIGURE, caption);

	if (b) {
		b->png = dup(png);
		b->svg = dup(svg);
		b->alt = dup(alt);
		b->aspect = aspect > 0 ? aspect : 0.6;
	}
	return b;
}

size_t doc_annex_count(const struct doc *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->nblocks; i++)
		n += d->blocks[i].kind == DOC_TABLE && d->blocks[i].attach;
	return n;
}

void doc_annex_line(const struct doc_block *b, size_t k, size_t n, char *out, size_t cap)
{
	const char *t = b->text ? b->text : "";

	if (n == 1)
		snprintf(out, cap, "附件：%s", t);
	else
		snprintf(out, cap, "%s%zu. %s", k == 1 ? "附件：" : "", k, t);
}
