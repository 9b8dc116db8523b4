/* diff.h - kaoping diff: what changed between the results of two runs (draft
 * and final, old rules and new rules). Reads both databases through store.h
 * (store_each_result, store_each_score_item); knows no SQL. */
#ifndef KP_DIFF_H
#define KP_DIFF_H

#include "buf.h"
#include "diag.h"
#include "store.h"

/* Compares the results of old_db with new_db: every object whose score, rank,
 * tier, stars, list, award, funding (any published field) changed, or that
 * is in one run only, with the score items that changed. Appends the report,
 * in Chinese, to out and writes the same as a CSV table (UTF-8 with BOM) to
 * csv_path. Returns the number of objects that changed (0: none), or -1 with
 * d filled. */
int diff_run(struct store *old_db, struct store *new_db, const char *csv_path, struct buf *out,
	     struct diag *d);

#endif
