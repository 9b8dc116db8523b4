/* book_bench.c - kpbookbench: times the workbooks of a scored database as
 * kaoping render writes them (csvout_workbooks: kaoping.xlsx and the internal
 * copy with every table; csvout_street_workbook: each street's part), apart
 * from building the model, which render does once for every output.
 *
 *   kpbookbench DB OUTDIR
 *
 * Prints one line "model S s, workbooks S s, street parts S s, peak RSS
 * after model K KiB, after workbooks K KiB, rows R" on stdout, then writes
 * the CSV files into OUTDIR/csv (untimed) for reading the workbooks back. */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "csvout.h"
#include "diag.h"
#include "model.h"
#include "store.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_kib(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_maxrss;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct model *m = NULL;
	struct diag d;
	char pub[4096], inr[4096], part[4096];
	double t0, t1, t2, t3;
	long k, *comp = NULL, rss_model, rows = 0;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: kpbookbench DB OUTDIR\n");
		return 2;
	}
	diag_init(&d);
	snprintf(pub, sizeof pub, "%s/kaoping.xlsx", argv[2]);
	snprintf(inr, sizeof inr, "%s/kaoping-internal.xlsx", argv[2]);
	t0 = now();
	if (store_open(&s, argv[1], STORE_READONLY, &d) < 0 || model_build(s, 0, &m, &d) < 0)
		goto done;
	rss_model = peak_kib();
	t1 = now();
	if (csvout_workbooks(m, pub, inr, &d) < 0)
		goto done;
	t2 = now();
	comp = malloc((size_t)(m->ncompanies ? m->ncompanies : 1) * sizeof *comp);
	if (!comp)
		goto done;
	for (k = 0; k < m->nstreets; k++) {
		long nc = model_street_companies(m, m->streets[k], comp);
		snprintf(part, sizeof part, "%s/street-%ld.xlsx", argv[2], k);
		if (csvout_street_workbook(m, m->streets[k], comp, nc, part, &d) < 0)
			goto done;
	}
	t3 = now();
	for (k = 0; k < m->ntables; k++)
		rows += m->tables[k].nrows;
	rows += m->npeople + m->nfiles + m->nrejects;
	printf("model %.2f s, workbooks %.2f s, street parts %.2f s, peak RSS after model %ld "
	       "KiB, after workbooks %ld KiB, rows %ld\n",
	       t1 - t0, t2 - t1, t3 - t2, rss_model, peak_kib(), rows);
	snprintf(part, sizeof part, "%s/csv", argv[2]);
	if (mkdir(part, 0755) != 0 || csvout_write(m, part, &d) < 0)
		goto done;
	rc = 0;
done:
	if (rc)
		fprintf(stderr, "kpbookbench: %s\n", d.msg);
	free(comp);
	model_free(m);
	store_close(s);
	return rc;
}
