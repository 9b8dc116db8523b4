/* outdir.h - the output folder as kaoping's own. A run writes into a staging
 * folder beside the output and swaps it in at the end. kaoping replaces only
 * a folder it made (its marker file lists every entry it wrote) or an empty
 * one, never one that is, holds or lies inside the input, rules or templates,
 * and a lock file beside the output keeps two runs apart. */
#ifndef KP_OUTDIR_H
#define KP_OUTDIR_H

#include <stddef.h>

#include "diag.h"

struct outdir;

/* A folder or file the output must keep clear of. */
struct outdir_keep {
	const char *path;  /* as the user gave it; a path that does not exist is skipped */
	const char *what;  /* its name in messages: "输入目录", "数据库", ... */
	int may_be_inside; /* a file allowed directly inside the output (it moves along) */
};

/* Checks that output may be replaced and takes it: takes the lock, removes
 * the staging folder a killed run left, creates a fresh staging folder.
 * keep has nkeep entries. *out is freed with outdir_close. */
int outdir_open(struct outdir **out, const char *output, const struct outdir_keep *keep,
		size_t nkeep, struct diag *d);
/* The staging folder to write into; valid until outdir_close. */
const char *outdir_staging(const struct outdir *o);
/* Whether path names an entry directly inside the output folder. */
int outdir_holds(const struct outdir *o, const char *path);
/* Records what was written (the marker) and swaps the staging folder in as
 * the output; the old output is removed. The old output stays untouched
 * when it cannot be replaced whole. */
int outdir_commit(struct outdir *o, struct diag *d);
/* The folder inside an output that may be published as it is: the site
 * (html/), the notices and report cards with their .docx, the public workbook
 * and the per-street folders. Everything else in the output (the database,
 * csv/ with the rejected raw rows, the briefing, internal/, 整改通知书/,
 * charts/) stays inside the department. */
#define OUTDIR_PUBLIC "public"
/* out/public into buf when name is NULL, else out/public/name: 0, or -1
 * when it does not fit in cap. The one place that names the public folder. */
int outdir_public(const char *out, const char *name, char *buf, size_t cap);
/* Writes out/public/说明.txt, the note that tells staff what may go out. */
int outdir_public_note(const char *out, struct diag *d);
/* Removes the staging folder unless committed, releases the lock, frees o.
 * Accepts NULL. */
void outdir_close(struct outdir *o);

#endif
