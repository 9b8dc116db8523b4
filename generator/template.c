/* template.c - a mustache-like template engine over the value tree of tv.c:
 * compile once into a flat node array, render many times into a buf.
 * Sections keep the index of the node after their end, so rendering is a loop
 * over the array with recursion only into sections and partials. Escaping is
 * buf_html; strict lookups report templates/x.html:LINE. */
#include "template.h"
#include "tv_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_FILE_MAX (4 << 20) /* a template larger than this is refused */
#define RENDER_DEPTH_MAX  64	    /* nested sections and partials */

/* ---- templates -------------------------------------------------------------- */

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct seg {
	const char *s;
	size_t n;
};

struct node {
	enum node_kind kind;
	long line;
	const char *text; /* N_TEXT: bytes; other kinds: the tag's name as written */
	size_t len;
	struct seg *segs; /* dotted name; nsegs 0 for "." */
	int nsegs;
	size_t end;			/* sections: index of the node after the closing tag */
	const struct template *partial; /* N_PARTIAL: resolved by the set */
};

struct template
{
	char *name;
	char *text; /* owned copy, NUL-terminated */
	size_t n;
	struct node *nodes;
	size_t nnodes, cap;
	struct seg *segs; /* all name segments, pointing into text */
	size_t nseg, segcap;
};

void template_free(struct template *t)
{
	if (!t)
		return;
	free(t->name);
	free(t->text);
	free(t->nodes);
	free(t->segs);
	free(t);
}

static struct node *add_node(struct template *t, enum node_kind k, long line)
{
	struct node *nd;

	if (t->nnodes == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct node *p = realloc(t->nodes, cap * sizeof *p);
		if (!p)
			return NULL;
		t->nodes = p;
		t->cap = cap;
	}
	nd = &t->nodes[t->nnodes++];
	memset(nd, 0, sizeof *nd);
	nd->kind = k;
	nd->line = line;
	return nd;
}

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Splits a dotted name into segments stored in t->segs; nodes keep an index
 * (pointers are fixed up after parsing, as t->segs may move). */
static int split_name(struct template *t, const char *s, size_t n, size_t *first, int *count)
{
	size_t i, start = 0;

	*first = t->nseg;
	*count = 0;
	if (n == 1 && s[0] == '.')
		return 0;
	if (n == 0)
		return -1;
	for (i = 0; i <= n; i++) {
		if (i < n && name_char((unsigned char)s[i]))
			continue;
		if (i < n && s[i] != '.')
			return -1;
		if (i == start)
			return -1; /* empty segment: "a..b", ".a", "a." */
		if (t->nseg == t->segcap) {
			size_t cap = t->segcap ? t->segcap * 2 : 32;
			struct seg *p = realloc(t->segs, cap * sizeof *p);
			if (!p)
				return -2;
			t->segs = p;
			t->segcap = cap;
		}
		t->segs[t->nseg].s = s + start;
		t->segs[t->nseg].n = i - start;
		t->nseg++;
		(*count)++;
		start = i + 1;
	}
	return 0;
}

static long count_lines(const char *s, size_t n)
{
	long k = 0;
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' ||
		      (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* Length of s[0..n) clipped to at most max bytes at a UTF-8 boundary, for
 * quoting a piece of template in a message. */
static int clip(const char *s, size_t n, size_t max)
{
	size_t k = n < max ? n : max;
	const char *nl = memchr(s, '\n', k);

	if (nl)
		k = (size_t)(nl - s);
	while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

struct open_sec {
	size_t node;
	long line;
};

int template_parse_string(const char *name, const char *text, size_t n, struct template **out,
			  struct diag *d)
{
	struct template *t = NULL;
	struct open_sec stack[RENDER_DEPTH_MAX];
	size_t pos = 0, i;
	int depth = 0, rc = -1;
	long line = 1;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t || !(t->name = strdup(name)) || !(t->text = malloc(n + 1))) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (n)
		memcpy(t->text, text, n);
	t->text[n] = '\0';
	t->n = n;
	text = t->text;
	while (pos < n) {
		const char *open = NULL, *body, *close;
		size_t tlen, blen, after;
		long tagline;
		int triple = 0;
		char sigil = 0;
		struct node *nd;
		size_t first;
		int count, sr;

		for (i = pos; i + 1 < n; i++)
			if (text[i] == '{' && text[i + 1] == '{') {
				open = text + i;
				break;
			}
		tlen = open ? (size_t)(open - text) - pos : n - pos;
		tagline = line + count_lines(text + pos, tlen);
		if (!open) {
			if (!(nd = add_node(t, N_TEXT, line)))
				goto oom;
			nd->text = text + pos;
			nd->len = tlen;
			break;
		}
		body = open + 2;
		if (body < text + n && *body == '{') {
			triple = 1;
			body++;
		}
		close = NULL;
		for (i = (size_t)(body - text); i + 1 < n; i++) {
			if (text[i] == '\n' && !(!triple && *body == '!'))
				break; /* tags do not span lines; comments may */
			if (text[i] == '}' && text[i + 1] == '}') {
				close = text + i;
				break;
			}
		}
		if (!close || (triple && (close + 2 >= text + n || close[2] != '}'))) {
			diag_at(d, name, tagline, 0, "未闭合的标签“%.*s”：缺少“%s”",
				clip(open, (size_t)(text + n - open), 30), open,
				triple ? "}}}" : "}}");
			goto done;
		}
		after = (size_t)(close - text) + (triple ? 3 : 2);
		blen = (size_t)(close - body);
		trim(&body, &blen);
		if (!triple && blen && strchr("#^/>!&=", *body)) {
			sigil = *body;
			body++;
			blen--;
			trim(&body, &blen);
		}
		if (sigil == '=') {
			diag_at(d, name, tagline, 0, "不支持更改分隔符（{{=…=}}）");
			goto done;
		}
		/* A section, close, comment or partial tag alone on its line leaves no
		 * blank line behind: drop its indentation and line end. */
		if (sigil && sigil != '&') {
			size_t ls = (size_t)(open - text), le = after;
			while (ls > pos && (text[ls - 1] == ' ' || text[ls - 1] == '\t'))
				ls--;
			while (le < n && (text[le] == ' ' || text[le] == '\t'))
				le++;
			if ((ls == 0 || text[ls - 1] == '\n') &&
			    (le == n || text[le] == '\n' ||
			     (text[le] == '\r' && le + 1 < n && text[le + 1] == '\n'))) {
				tlen = ls - pos;
				if (le < n && text[le] == '\r')
					le++;
				if (le < n)
					le++;
				after = le;
			}
		}
		if (tlen) {
			if (!(nd = add_node(t, N_TEXT, line)))
				goto oom;
			nd->text = text + pos;
			nd->len = tlen;
		}
		line = tagline + count_lines(open, after - (size_t)(open - text));
		pos = after;
		if (sigil == '!')
			continue;
		if (sigil == '/') {
			struct node *o;
			if (depth == 0) {
				diag_at(d, name, tagline, 0, "多余的结束标签“{{/%.*s}}”", (int)blen,
					body);
				goto done;
			}
			o = &t->nodes[stack[depth - 1].node];
			if (o->len != blen || memcmp(o->text, body, blen) != 0) {
				diag_at(d, name, tagline, 0,
					"结束标签“{{/%.*s}}”与第 %ld 行的“{{%c%.*s}}”不匹配",
					(int)blen, body, stack[depth - 1].line,
					o->kind == N_SECTION ? '#' : '^', (int)o->len, o->text);
				goto done;
			}
			o->end = t->nnodes;
			depth--;
			continue;
		}
		sr = split_name(t, body, blen, &first, &count);
		if (sr == -2)
			goto oom;
		if (sr < 0 || (sigil == '>' && count != 1) ||
		    ((sigil == '#' || sigil == '^') && count == 0)) {
			diag_at(d, name, tagline, 0, "标签“%.*s”中的名称“%.*s”无效",
				clip(open, after - (size_t)(open - text), 60), open,
				clip(body, blen, 60), body);
			goto done;
		}
		nd = add_node(t,
			      sigil == '#'		 ? N_SECTION
			      : sigil == '^'		 ? N_INVERTED
			      : sigil == '>'		 ? N_PARTIAL
			      : (triple || sigil == '&') ? N_RAW
							 : N_VAR,
			      tagline);
		if (!nd)
			goto oom;
		nd->text = body;
		nd->len = blen;
		nd->nsegs = count;
		nd->segs = (struct seg *)(uintptr_t)first; /* fixed up below */
		if (sigil == '#' || sigil == '^') {
			if (depth == RENDER_DEPTH_MAX) {
				diag_at(d, name, tagline, 0, "节嵌套过深（超过 %d 层）",
					RENDER_DEPTH_MAX);
				goto done;
			}
			stack[depth].node = t->nnodes - 1;
			stack[depth].line = tagline;
			depth++;
		}
	}
	if (depth > 0) {
		struct node *o = &t->nodes[stack[depth - 1].node];
		diag_at(d, name, stack[depth - 1].line, 0,
			"未闭合的节“{{%c%.*s}}”：缺少“{{/%.*s}}”", o->kind == N_SECTION ? '#' : '^',
			(int)o->len, o->text, (int)o->len, o->text);
		goto done;
	}
	/* segs held offsets while the array grew; now pointers (none if no
	 * name has segments: NULL + 0 is undefined). */
	for (i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind != N_TEXT)
			t->nodes[i].segs =
				t->segs ? t->segs + (size_t)(uintptr_t)t->nodes[i].segs : NULL;
	rc = 0;
	goto done;
oom:
	diag_set(d, "内存不足");
done:
	if (rc < 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* ---- rendering ------------------------------------------------------------- */

struct render {
	const struct tv *ctx[RENDER_DEPTH_MAX * 2 + 2];
	int nctx;
	int depth;
	struct buf *out;
	struct diag *d;
};

/* Looks a name up: 1 found (*v may be NULL for a path through null), 0 not. */
static int lookup(struct render *r, const struct node *nd, const struct tv **v)
{
	const struct tv *cur = NULL;
	int i, k, found = 0;

	if (nd->nsegs == 0) {
		*v = r->nctx ? r->ctx[r->nctx - 1] : NULL;
		return 1;
	}
	for (i = r->nctx - 1; i >= 0 && !found; i--)
		cur = tv_map_get(r->ctx[i], nd->segs[0].s, nd->segs[0].n, &found);
	if (!found)
		return 0;
	for (k = 1; k < nd->nsegs; k++) {
		if (!cur || cur->type == TV_NULL)
			break; /* a.b where a is null: null */
		cur = tv_map_get(cur, nd->segs[k].s, nd->segs[k].n, &found);
		if (!found)
			return 0;
	}
	*v = cur;
	return 1;
}

static int render_nodes(struct render *r, const struct template *t, size_t from, size_t to);

static int emit_value(struct render *r, const struct template *t, const struct node *nd,
		      const struct tv *v)
{
	char num[64];
	int n;

	if (!v)
		return 0;
	switch (v->type) {
	case TV_NULL: return 0;
	case TV_BOOL: return buf_puts(r->out, v->u.b ? "是" : "否");
	case TV_NUM:
		if (v->decimals < 0)
			n = snprintf(num, sizeof num, "%lld", v->u.i);
		else if (!isfinite(v->u.num))
			n = snprintf(num, sizeof num, "—");
		else
			n = snprintf(num, sizeof num, "%.*f", v->decimals,
				     v->u.num == 0 ? 0.0 : v->u.num); /* no "-0.00" */
		if (n >= 2 && num[0] == '-' && strspn(num + 1, "0.") == (size_t)n - 1)
			memmove(num, num + 1, (size_t)n--); /* "-0.00" is "0.00" */
		return buf_append(r->out, num, (size_t)n);
	case TV_STR:
		return nd->kind == N_RAW ? buf_append(r->out, v->u.str.s, v->u.str.n)
					 : buf_html(r->out, v->u.str.s, v->u.str.n);
	case TV_LIST:
	case TV_MAP:
		return diag_at(r->d, t->name, nd->line, 0,
			       "“{{%.*s}}”是%s，不能直接输出（用 {{#%.*s}} 节）", (int)nd->len,
			       nd->text, v->type == TV_LIST ? "列表" : "对象", (int)nd->len,
			       nd->text);
	}
	return 0;
}

static int push_ctx(struct render *r, const struct template *t, const struct node *nd,
		    const struct tv *v)
{
	if (r->nctx == (int)(sizeof r->ctx / sizeof r->ctx[0]))
		return diag_at(r->d, t->name, nd->line, 0, "嵌套过深");
	r->ctx[r->nctx++] = v;
	return 0;
}

static int render_nodes(struct render *r, const struct template *t, size_t from, size_t to)
{
	size_t i = from;

	while (i < to) {
		const struct node *nd = &t->nodes[i];
		const struct tv *v = NULL;

		switch (nd->kind) {
		case N_TEXT:
			if (buf_append(r->out, nd->text, nd->len) < 0)
				return diag_set(r->d, "内存不足（页面过大）");
			i++;
			continue;
		case N_PARTIAL:
			if (!nd->partial)
				return diag_at(r->d, t->name, nd->line, 0, "子模板“%.*s”不可用",
					       (int)nd->len, nd->text);
			if (r->depth >= RENDER_DEPTH_MAX)
				return diag_at(r->d, t->name, nd->line, 0, "子模板嵌套过深");
			r->depth++;
			if (render_nodes(r, nd->partial, 0, nd->partial->nnodes) < 0)
				return -1;
			r->depth--;
			i++;
			continue;
		default: break;
		}
		if (!lookup(r, nd, &v))
			return diag_at(r->d, t->name, nd->line, 0, "未知的名称“%.*s”", (int)nd->len,
				       nd->text);
		if (nd->kind == N_VAR || nd->kind == N_RAW) {
			if (emit_value(r, t, nd, v) < 0)
				return r->d->msg[0] ? -1 : diag_set(r->d, "内存不足（页面过大）");
			i++;
			continue;
		}
		if (nd->kind == N_INVERTED) {
			if (!tv_truthy(v) && render_nodes(r, t, i + 1, nd->end) < 0)
				return -1;
		} else if (v && v->type == TV_LIST) {
			const struct tv_item *it;
			for (it = v->u.list.head; it; it = it->next) {
				if (push_ctx(r, t, nd, it->v) < 0)
					return -1;
				if (render_nodes(r, t, i + 1, nd->end) < 0)
					return -1;
				r->nctx--;
			}
		} else if (tv_truthy(v)) {
			if (push_ctx(r, t, nd, v) < 0 || render_nodes(r, t, i + 1, nd->end) < 0)
				return -1;
			r->nctx--;
		}
		i = nd->end;
	}
	if (r->out->failed)
		return diag_set(r->d, "内存不足（页面过大）");
	return 0;
}

int template_render(const struct template *t, const struct tv *data, struct buf *out,
		    struct diag *d)
{
	struct render r;

	memset(&r, 0, sizeof r);
	r.out = out;
	r.d = d;
	r.ctx[r.nctx++] = data;
	d->msg[0] = '\0';
	return render_nodes(&r, t, 0, t->nnodes);
}

/* ---- sets: templates from a directory ------------------------------------- */

struct entry {
	char *file;
	struct template *t;
	int loading; /* on the include path now: a cycle if met again */
};

struct template_set {
	char *dir;
	struct entry *e;
	size_t n, cap;
};

int template_set_open(struct template_set **out, const char *dir, struct diag *d)
{
	struct template_set *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s || !(s->dir = strdup(dir))) {
		free(s);
		return diag_set(d, "内存不足");
	}
	*out = s;
	return 0;
}

void template_set_close(struct template_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->e[i].file);
		template_free(s->e[i].t);
	}
	free(s->e);
	free(s->dir);
	free(s);
}

static int safe_file(const char *f)
{
	size_t i;

	if (!f[0] || f[0] == '.')
		return 0;
	for (i = 0; f[i]; i++)
		if (!name_char((unsigned char)f[i]) && f[i] != '.')
			return 0;
	return i < 200;
}

int template_read_file(struct template_set *s, const char *file, char **out, size_t *n,
		       struct diag *d)
{
	char path[4096];
	FILE *f = NULL;
	struct buf b;
	char chunk[16384];
	size_t k;
	int rc = -1;

	*out = NULL;
	*n = 0;
	buf_init(&b, TEMPLATE_FILE_MAX);
	if (!safe_file(file))
		return diag_set(d, "模板文件名“%s”无效", file);
	snprintf(path, sizeof path, "%s/%s", s->dir, file);
	f = fopen(path, "rb");
	if (!f) {
		diag_at(d, path, 0, 0, "无法读取模板：%s",
			errno == ENOENT ? "文件不存在" : strerror(errno));
		goto done;
	}
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(&b, chunk, k) < 0) {
			diag_at(d, path, 0, 0, "模板过大（超过 %d 字节）", TEMPLATE_FILE_MAX);
			goto done;
		}
	if (ferror(f)) {
		diag_at(d, path, 0, 0, "读取模板出错：%s", strerror(errno));
		goto done;
	}
	*n = b.len;
	*out = buf_steal(&b);
	rc = 0;
done:
	if (f)
		fclose(f);
	buf_release(&b);
	return rc;
}

static int load(struct template_set *s, const char *file, struct template **out, struct diag *d);

/* Resolves the partials of t, loading each from the set. */
static int link_partials(struct template_set *s, struct template *t, struct diag *d)
{
	size_t i;
	char file[256];

	for (i = 0; i < t->nnodes; i++) {
		struct node *nd = &t->nodes[i];
		struct template *p = NULL;
		if (nd->kind != N_PARTIAL)
			continue;
		snprintf(file, sizeof file, "%.*s.html", (int)nd->len, nd->text);
		if (load(s, file, &p, d) < 0) {
			if (d->line == 0) { /* missing file or cycle: cite the include */
				char why[sizeof d->msg];
				snprintf(why, sizeof why, "%s", d->msg);
				diag_at(d, t->name, nd->line, 0, "子模板“%.*s”（%s/%s）：%s",
					(int)nd->len, nd->text, s->dir, file, why);
			}
			return -1;
		}
		nd->partial = p;
	}
	return 0;
}

static int load(struct template_set *s, const char *file, struct template **out, struct diag *d)
{
	size_t i;
	char *text = NULL, name[4096];
	size_t n;
	struct entry *e;
	struct template *t = NULL;
	int rc;

	*out = NULL;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->e[i].file, file) == 0) {
			if (s->e[i].loading) {
				*out = NULL;
				diag_set(d, "子模板循环包含（%s）", file);
				d->line = 0;
				return -1;
			}
			*out = s->e[i].t;
			return 0;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct entry *p = realloc(s->e, cap * sizeof *p);
		if (!p)
			return diag_set(d, "内存不足");
		s->e = p;
		s->cap = cap;
	}
	if (template_read_file(s, file, &text, &n, d) < 0)
		return -1;
	snprintf(name, sizeof name, "%s/%s", s->dir, file);
	rc = template_parse_string(name, text, n, &t, d);
	free(text);
	if (rc < 0)
		return -1;
	e = &s->e[s->n];
	e->file = strdup(file);
	if (!e->file) {
		template_free(t);
		return diag_set(d, "内存不足");
	}
	e->t = t;
	e->loading = 1;
	s->n++;
	rc = link_partials(s, t, d);
	/* s->e may have moved while loading partials. */
	for (i = 0; i < s->n; i++)
		if (s->e[i].t == t)
			s->e[i].loading = 0;
	if (rc < 0)
		return -1;
	*out = t;
	return 0;
}

int template_get(struct template_set *s, const char *file, const struct template **out,
		 struct diag *d)
{
	struct template *t = NULL;

	*out = NULL;
	diag_init(d);
	if (load(s, file, &t, d) < 0)
		return -1;
	*out = t;
	return 0;
}
