/* xlsx_int.h - shared by the .xlsx reader's files: xlsx.c (container, XML
 * callbacks, sheet streaming), xlsx_workbook.c (relationships, workbook,
 * styles, shared strings at open), xlsx_format.c (number formats, dates) and
 * xlsx_row.c (cell references, row assembly). */
#ifndef KAOPING_XLSX_INT_H
#define KAOPING_XLSX_INT_H

#include <expat.h>
#include <zip.h>

#include "xlsx.h"

#include "parse.h"

#define CHUNK	       (256u << 10)
#define MAX_ROW_NUMBER 1048576L
#define MAX_SHEETS     4096
#define MAX_FMTS       4096  /* custom number formats kept (Excel allows about 250) */
#define MAX_XFS	       65536 /* cell formats kept (Excel allows 64,000) */

/* Date kinds of a cell format (bits). */
enum { DK_DATE = 1, DK_TIME = 2, DK_SECS = 4 };

struct xsheet {
	char *name;
	char *part; /* member name in the zip */
};

enum part { P_RELS, P_WB, P_WBRELS, P_STYLES, P_SST, P_SHEET };

struct xrel {
	char *id, *type, *target;
};

struct xlsx {
	zip_t *za;
	char path[512];
	struct xlsx_limits lim;
	int date1904;
	struct xsheet *sheets;
	size_t nsheets;
	/* shared strings: NUL-terminated in sst, starting at sst_off[i] */
	struct buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;
	/* per cell format (the s attribute): its date kind */
	unsigned char *xf;
	size_t nxf, xf_cap;
	/* custom number formats: id -> date kind */
	unsigned *fmt_id;
	unsigned char *fmt_kind;
	size_t nfmt, fmt_cap;
	/* parsing state shared by the part handlers */
	XML_Parser p;
	enum part part;
	const char *member; /* member being parsed, for messages */
	int err;	    /* a handler failed; cbd holds why */
	struct diag cbd;
	int depth_rph; /* inside phonetic runs (rPh): their text is not the value */
	int in_t, in_si, in_v, in_is, in_cellxfs, in_sheetdata, in_row, in_c;
	struct buf text;
	char *office; /* the workbook part, from _rels/.rels */
	struct xrel *rels;
	size_t nrels, rels_cap;
	char **sheet_rid; /* during open: each sheet's relationship id */
	size_t nrid;
	/* the selected sheet */
	size_t cur;
	zip_file_t *zf;
	unsigned long long inflated;
	size_t chunk;		     /* read size for the member being parsed */
	unsigned long long declared; /* its size as the zip says, 0 if unknown */
	int suspended, eof, row_ready, selected;
	long row_num, last_row;
	int row_unnumbered; /* the row has no r: its first cell's reference may tell */
	size_t next_col, col;
	char ctype;	/* the cell's t: s, i (inlineStr), t (str), b, d, n, e, ? */
	struct buf val; /* the rendering of a number or date */
	long cstyle;
	int has_v;
	struct xlsx_row row;
	long ready_line;
};

/* xlsx.c */
char *xlsx_dupstr(const char *s);
int xlsx_parse_part(struct xlsx *x, enum part part, const char *name, struct diag *d);

/* xlsx_workbook.c */
void xlsx_free_rels(struct xlsx *x);
int xlsx_load_workbook(struct xlsx *x, struct diag *d);

/* xlsx_format.c */
unsigned char xlsx_code_kind(const char *s);
unsigned char xlsx_fmt_kind(const struct xlsx *x, unsigned id);
int xlsx_parse_uint(const char *s, unsigned long *out);
int xlsx_put_date(struct buf *b, double v, unsigned k, int date1904);

#endif
