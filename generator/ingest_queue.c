/* ingest_queue.c - the writer thread: the reader serialises checked rows
 * into batches, the writer does the SQLite work. */
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

/* ---- the writer thread ----
 * While a file loads, one thread reads and checks records and another does
 * the SQLite work (inserts, rejects, extras, event facts), so the two halves
 * run on two cores. The reader serialises each checked row into a batch;
 * batches alternate between the two threads (double buffering). Only the
 * writer touches the store while a file loads. */

enum { OP_ROW = 1, OP_REJECT, OP_EXTRA, OP_RFIELD };
#define BATCH_BYTES ((size_t)1 << 20)

static void put_u32(struct buf *b, uint32_t x)
{
	buf_append(b, &x, sizeof x);
}

static void put_i64(struct buf *b, int64_t x)
{
	buf_append(b, &x, sizeof x);
}

/* A string: its length (UINT32_MAX for NULL) and bytes. */
static void put_str(struct buf *b, const char *s, size_t n)
{
	put_u32(b, s ? (uint32_t)n : UINT32_MAX);
	if (s)
		buf_append(b, s, n);
}

/* The same with each NUL byte written as U+FFFD: a NUL is never stored. */
static void put_str_nonul(struct buf *b, const char *s, size_t n)
{
	size_t i, nul = 0;

	for (i = 0; i < n; i++)
		nul += s[i] == '\0';
	if (!nul) {
		put_str(b, s, n);
		return;
	}
	put_u32(b, (uint32_t)(n + 2 * nul));
	for (i = 0; i < n; i++)
		if (s[i])
			buf_putc(b, s[i]);
		else
			buf_append(b, "\xEF\xBF\xBD", 3);
}

struct rd {
	const char *p, *end;
};

static uint32_t get_u32(struct rd *r)
{
	uint32_t x;

	memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

static int64_t get_i64(struct rd *r)
{
	int64_t x;

	memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

static const char *get_str(struct rd *r, size_t *n)
{
	uint32_t len = get_u32(r);
	const char *s;

	if (len == UINT32_MAX) {
		*n = 0;
		return NULL;
	}
	s = r->p;
	r->p += len;
	*n = len;
	return s;
}

static int w_reject(struct wq *q, int64_t line, int64_t col, const char *colname, size_t cn,
		    const char *reason, size_t rn, const char *raw, size_t rawn)
{
	struct load *l = q->l;
	struct store_stmt *st = l->rej;

	l->rejected++;
	store_reset(st);
	store_bind_text(st, 1, l->file, -1);
	store_bind_int(st, 2, line);
	if (col > 0)
		store_bind_int(st, 3, col);
	store_bind_text(st, 4, colname, (int)cn);
	store_bind_text(st, 5, reason, (int)rn);
	store_bind_text(st, 6, raw, (int)rawn);
	return store_step(st, &q->err) == STORE_DONE ? 0 : -1;
}

/* Carries out one batch of operations. */
static int w_batch(struct wq *q, const struct buf *b)
{
	struct load *l = q->l;
	struct rd r = {b->data, b->data + b->len};
	size_t i, n, rawn, cn, rn;
	const char *raw, *cname, *reason;

	while (r.p < r.end) {
		int op = (unsigned char)*r.p++;
		int64_t line = get_i64(&r);
		if (op == OP_REJECT) {
			int64_t col = get_i64(&r);
			cname = get_str(&r, &cn);
			reason = get_str(&r, &rn);
			raw = get_str(&r, &rawn);
			if (w_reject(q, line, col, cname, cn, reason, rn, raw, rawn) < 0)
				return -1;
			continue;
		}
		if (op == OP_RFIELD) { /* a rejected row's subject field */
			cname = get_str(&r, &cn);
			reason = get_str(&r, &rn);
			store_reset(l->rejf);
			store_bind_text(l->rejf, 1, l->file, -1);
			store_bind_int(l->rejf, 2, line);
			store_bind_text(l->rejf, 3, cname, (int)cn);
			store_bind_text(l->rejf, 4, reason, (int)rn);
			if (store_step(l->rejf, &q->err) != STORE_DONE)
				return -1;
			continue;
		}
		if (op == OP_EXTRA) {
			cname = get_str(&r, &cn);
			reason = get_str(&r, &rn);
			store_reset(l->ext);
			store_bind_text(l->ext, 1, l->file, -1);
			store_bind_int(l->ext, 2, line);
			store_bind_text(l->ext, 3, cname, (int)cn);
			store_bind_text(l->ext, 4, reason, (int)rn);
			if (store_step(l->ext, &q->err) != STORE_DONE)
				return -1;
			continue;
		}
		/* OP_ROW */
		raw = get_str(&r, &rawn);
		store_reset(l->ins);
		for (i = 0; i < l->t->ncols; i++) {
			struct field_val *v = &q->v[i];
			v->type = (unsigned char)*r.p++;
			v->present = v->type != STORE_NULL;
			q->refv[i] = (long)get_i64(&r);
			switch (v->type) {
			case STORE_INT:
				v->i = get_i64(&r);
				store_bind_int(l->ins, (int)i + 1, v->i);
				break;
			case STORE_REAL:
				memcpy(&v->r, r.p, sizeof v->r);
				r.p += sizeof v->r;
				store_bind_double(l->ins, (int)i + 1, v->r);
				break;
			case STORE_TEXT:
				v->s = get_str(&r, &n);
				v->n = n;
				store_bind_text_static(l->ins, (int)i + 1, v->s, (int)v->n);
				break;
			default: store_bind_null(l->ins, (int)i + 1);
			}
		}
		switch (store_step(l->ins, &q->err)) {
		case STORE_DONE:
			l->loaded++;
			if (q->c->track &&
			    seen_put(&q->c->seen, seen_key(q->v, l->kind == T_CHECKS ? 4 : 1),
				     seen_place(l->fileidx, (long)line)) < 0) {
				diag_set(&q->err, "内存不足");
				return -1;
			}
			if (l->kind == T_EVENTS) {
				int fr = facts_add(q->c, l->ev_cols, q->v, q->refv);
				if (fr < 0) {
					diag_set(&q->err, "内存不足");
					return -1;
				}
				l->voided += fr == 1;
			}
			break;
		case STORE_CONSTRAINT: {
			int idcol = l->kind == T_CHECKS ? -1 : 0;
			uint64_t at =
				seen_get(&q->c->seen, seen_key(q->v, l->kind == T_CHECKS ? 4 : 1));
			buf_reset(&q->reason);
			if (idcol < 0) {
				buf_puts(&q->reason, "同一企业、社区、季度、考评项目的记录重复");
			} else {
				buf_puts(&q->reason, l->headers[0]);
				buf_putc(&q->reason, ' ');
				ingest_quote_value(&q->reason, q->v[0].s, q->v[0].n);
				buf_puts(&q->reason, " 编号重复");
			}
			if (at && (size_t)(at >> 40) < q->c->ninputs)
				buf_printf(&q->reason, "（首次出现在 %s 第 %ld 行）",
					   q->c->inputs[at >> 40].name,
					   (long)(at & 0xFFFFFFFFFFULL));
			if (w_reject(q, line, idcol < 0 ? 0 : l->colmap[0] + 1,
				     idcol < 0 ? NULL : l->headers[0],
				     idcol < 0 ? 0 : strlen(l->headers[0]), q->reason.data,
				     q->reason.len, raw, rawn) < 0)
				return -1;
			break;
		}
		default: return -1;
		}
	}
	return 0;
}

static void *w_main(void *arg)
{
	struct wq *q = arg;
	int i;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (q->full[0] && q->full[1])
			i = q->cur; /* the older: the reader waits to refill it */
		else if (q->full[0] || q->full[1])
			i = q->full[0] ? 0 : 1;
		else if (q->done)
			break;
		else {
			pthread_cond_wait(&q->cv, &q->mu);
			continue;
		}
		pthread_mutex_unlock(&q->mu);
		if (!q->failed && w_batch(q, &q->b[i]) < 0)
			q->failed = 1;
		pthread_mutex_lock(&q->mu);
		buf_reset(&q->b[i]);
		q->full[i] = 0;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int wq_start(struct wq *q, struct ctx *c, struct load *l)
{
	memset(q, 0, sizeof *q);
	q->c = c;
	q->l = l;
	buf_init(&q->b[0], 0);
	buf_init(&q->b[1], 0);
	buf_init(&q->reason, 0);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, w_main, q) != 0)
		return -1;
	q->started = 1;
	return 0;
}

/* Hands the current batch to the writer when it is big enough (or force). */
static int wq_flush(struct wq *q, int force)
{
	int i = q->cur;

	if (q->b[i].failed)
		return diag_set(&q->err, "内存不足"), q->failed = 1, -1;
	if (!force && q->b[i].len < BATCH_BYTES)
		return 0;
	if (q->b[i].len == 0)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->full[i] = 1;
	q->cur = 1 - i;
	pthread_cond_broadcast(&q->cv);
	while (q->full[q->cur])
		pthread_cond_wait(&q->cv, &q->mu);
	pthread_mutex_unlock(&q->mu);
	return q->failed ? -1 : 0;
}

/* Ends the writer; returns -1 (d filled) if it failed. */
int wq_finish(struct wq *q, struct diag *d)
{
	int rc = 0;

	if (!q->started)
		return 0;
	wq_flush(q, 1);
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	q->started = 0;
	if (q->failed) {
		*d = q->err;
		rc = -1;
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	buf_release(&q->b[0]);
	buf_release(&q->b[1]);
	buf_release(&q->reason);
	return rc;
}

int wq_reject(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];
	size_t i;

	buf_putc(b, OP_REJECT);
	put_i64(b, r->line);
	put_i64(b, l->reject_col);
	put_str(b, l->reject_colname, l->reject_colname ? strlen(l->reject_colname) : 0);
	put_str(b, l->reason.data ? l->reason.data : "", l->reason.len);
	put_str_nonul(b, r->raw, r->rawlen);
	for (i = 0; i < l->t->ncols && l->rejf && !r->bad_encoding; i++) {
		const char *v;
		size_t n;
		if (!ingest_subject_col(l, i) || (size_t)l->colmap[i] >= r->nfields)
			continue;
		v = r->fields[l->colmap[i]];
		n = r->lens[l->colmap[i]];
		parse_trim(&v, &n);
		if (n == 0)
			continue;
		buf_putc(b, OP_RFIELD);
		put_i64(b, r->line);
		put_str(b, l->t->cols[i].name, strlen(l->t->cols[i].name));
		put_str_nonul(b, v, n);
	}
	return wq_flush(q, 0);
}

int wq_extras(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];
	size_t i;

	for (i = 0; i < l->nextra; i++) {
		int fc = l->extra_cols[i];
		if ((size_t)fc >= r->nfields || r->lens[fc] == 0)
			continue;
		buf_putc(b, OP_EXTRA);
		put_i64(b, r->line);
		put_str(b, l->extra_names[i], strlen(l->extra_names[i]));
		put_str(b, r->fields[fc], r->lens[fc]);
	}
	return 0;
}

int wq_row(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];
	size_t i;

	buf_putc(b, OP_ROW);
	put_i64(b, r->line);
	put_str(b, r->raw, r->rawlen);
	for (i = 0; i < l->t->ncols; i++) {
		const struct field_val *v = &l->v[i];
		buf_putc(b, (char)v->type);
		put_i64(b, l->refv[i]);
		switch (v->type) {
		case STORE_INT: put_i64(b, v->i); break;
		case STORE_REAL: buf_append(b, &v->r, sizeof v->r); break;
		case STORE_TEXT: put_str(b, v->s, v->n); break;
		default: break;
		}
	}
	if (l->nextra)
		wq_extras(q, l, r);
	return wq_flush(q, 0);
}