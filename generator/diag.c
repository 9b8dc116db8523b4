/* diag.c - struct diag helpers: setting and formatting messages. */
#include "diag.h"

#include <stdio.h>
#include <string.h>

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

int diag_set(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int diag_at(struct diag *d, const char *file, long line, long col, const char *fmt, ...)
{
	va_list ap;

	snprintf(d->file, sizeof d->file, "%s", file ? file : "");
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void diag_format(const struct diag *d, char *out, unsigned long outsz)
{
	if (d->file[0] && d->line > 0 && d->col > 0)
		snprintf(out, outsz, "%s:%ld:%ld: %s", d->file, d->line, d->col, d->msg);
	else if (d->file[0] && d->line > 0)
		snprintf(out, outsz, "%s:%ld: %s", d->file, d->line, d->msg);
	else if (d->file[0])
		snprintf(out, outsz, "%s: %s", d->file, d->msg);
	else
		snprintf(out, outsz, "%s", d->msg);
}
