/* template.h - a small mustache-like template engine for the HTML site, and
 * the value tree (struct tv) that templates are rendered with.
 *
 * Tags:  {{name}}  the value, HTML-escaped      {{{name}}} / {{& name}} raw (only
 *        for markup the program built itself)   {{#name}}…{{/name}} section: once
 *        per list item, once with a map pushed as context, once for another truthy
 *        value, never for a falsy one           {{^name}}…{{/name}} inverted
 *        {{> part}} includes templates/part.html {{! comment }}   {{.}} the current
 *        value. Names are dotted paths (a.b.c); the first part is looked up from the
 *        innermost context outwards. Falsy: missing, null, false, 0, "", an empty list.
 * Rendering is strict: a name found in no context is an error that names the
 * template file and line, so a typo in an edited template does not silently print
 * nothing. Callers set absent values to tv_null() rather than leaving them out.
 * Depends on buf and diag only; no I/O except template_set_* (reads files). */
#ifndef KP_TEMPLATE_H
#define KP_TEMPLATE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* ---- values ----------------------------------------------------------------
 * Every value lives in a pool (an arena): builders copy strings in, nothing is
 * freed one by one, tv_pool_reset reuses the memory for the next page. Builders
 * never return NULL to the caller's harm: on out of memory they return a shared
 * null value and mark the pool failed; check tv_pool_failed once at the end. */
struct tv;
struct tv_pool;

enum tv_type { TV_NULL, TV_BOOL, TV_NUM, TV_STR, TV_LIST, TV_MAP };

struct tv_pool *tv_pool_new(void);     /* NULL on out of memory */
void tv_pool_free(struct tv_pool *p);  /* accepts NULL; frees every value */
void tv_pool_reset(struct tv_pool *p); /* forgets every value, keeps memory */
int tv_pool_failed(const struct tv_pool *p);

struct tv *tv_null(struct tv_pool *p);
struct tv *tv_bool(struct tv_pool *p, int v);
/* A number shown with `decimals` digits after the point (0..6), e.g. 95.25. */
struct tv *tv_num(struct tv_pool *p, double v, int decimals);
struct tv *tv_int(struct tv_pool *p, long long v);
struct tv *tv_str(struct tv_pool *p, const char *s); /* NULL gives null */
struct tv *tv_strn(struct tv_pool *p, const char *s, size_t n);
struct tv *tv_list(struct tv_pool *p);
struct tv *tv_map(struct tv_pool *p);

/* map[key] = v (key copied; a later set of the same key wins on lookup).
 * Returns v so that calls nest: tv_set(m, "rows", tv_list(p)). */
struct tv *tv_set(struct tv *map, const char *key, struct tv *v);
/* list += v; returns v. */
struct tv *tv_push(struct tv *list, struct tv *v);
/* Shorthands: map[key] = a new string/int/number/bool; return the new value. */
struct tv *tv_set_str(struct tv *map, const char *key, const char *s);
struct tv *tv_set_int(struct tv *map, const char *key, long long v);
struct tv *tv_set_num(struct tv *map, const char *key, double v, int decimals);
struct tv *tv_set_bool(struct tv *map, const char *key, int v);
struct tv *tv_set_fmt(struct tv *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum tv_type tv_type(const struct tv *v);
size_t tv_len(const struct tv *list); /* items of a list, else 0 */
/* map[key] or NULL; the string of a TV_STR or NULL. For tests and callers. */
const struct tv *tv_get(const struct tv *map, const char *key);
const char *tv_text(const struct tv *v);

/* ---- templates -------------------------------------------------------------- */
struct template;
struct template_set;

/* Pure entry point (no I/O; the fuzz target): compiles text[0..n) named `name`
 * (used in messages, e.g. "templates/index.html"). Partial tags are recorded but
 * unresolved: rendering one is an error unless the template came from a set.
 * On success *out is a heap template (template_free); on a syntax error returns -1
 * with d naming name:line. */
int template_parse_string(const char *name, const char *text, size_t n, struct template **out,
			  struct diag *d);
void template_free(struct template *t); /* accepts NULL */

/* A set of templates from one directory, each compiled once on first use and
 * kept until template_set_close; partials {{> x}} load dir/x.html. */
int template_set_open(struct template_set **out, const char *dir, struct diag *d);
void template_set_close(struct template_set *s); /* accepts NULL */
/* Finds or loads dir/file (e.g. "index.html") and its partials, checking them
 * all (a missing partial or an include cycle is an error at load time). The
 * template is owned by the set. */
int template_get(struct template_set *s, const char *file, const struct template **out,
		 struct diag *d);
/* Reads dir/file verbatim (e.g. a style sheet to copy). *out is malloc'd,
 * *n its length; the caller frees. */
int template_read_file(struct template_set *s, const char *file, char **out, size_t *n,
		       struct diag *d);

/* Appends the rendering of t with data to out. Returns 0, or -1 with d naming
 * the template file and line (unknown name, unresolved partial, out of memory). */
int template_render(const struct template *t, const struct tv *data, struct buf *out,
		    struct diag *d);

#endif
