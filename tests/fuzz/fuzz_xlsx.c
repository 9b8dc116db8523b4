/* fuzz_xlsx.c - libFuzzer target for the .xlsx reader. Input starting with
 * "PK" is taken as the workbook itself (through zip_source_buffer): the zip
 * container, sizes, CRCs. Any other input is split on \x01 into the XML of
 * sheet1, sharedStrings, styles, workbook and sheet2, which are zipped here
 * (stored, so the CRCs are right) into a workbook: that reaches the XML
 * handling (malformed XML, shared-string indexes out of range, cells out of
 * order, 16,384+ columns, dates) which mutated zip bytes rarely get past.
 * Never a crash; every row within Excel's bounds, fields NUL-terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "xlsx.h"

#define NS	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RELTYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char *PKG_RELS =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RELTYPE "officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";
static const char *WB_RELS =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RELTYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" RELTYPE "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" RELTYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"" RELTYPE "styles\" Target=\"styles.xml\"/>"
	"</Relationships>";
static const char *WB = "<workbook " NS " xmlns:r=\"" RELTYPE "\"><sheets>"
			"<sheet name=\"S1\" sheetId=\"1\" r:id=\"rId1\"/>"
			"<sheet name=\"S2\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";

/* Zips the parts into a new buffer (*out, *outlen; the caller frees). */
static int build(const uint8_t *data, size_t size, void **out, size_t *outlen)
{
	static const char *names[5] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
				       "xl/styles.xml", "xl/workbook.xml",
				       "xl/worksheets/sheet2.xml"};
	const uint8_t *part[5] = {NULL};
	size_t plen[5] = {0}, np = 0, i, start = 0;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	int rc = -1;

	for (i = 0; i <= size && np < 5; i++) {
		if (i == size || data[i] == 1) {
			part[np] = data + start;
			plen[np++] = i - start;
			start = i + 1;
		}
	}
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_error_fini(&ze);
	if (!src)
		return -1;
	zip_source_keep(src);
	zip_error_init(&ze);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	zip_error_fini(&ze);
	if (!za) {
		zip_source_free(src);
		return -1;
	}
	{
		struct {
			const char *name;
			const void *p;
			size_t n;
		} m[7] = {{"_rels/.rels", PKG_RELS, strlen(PKG_RELS)},
			  {"xl/_rels/workbook.xml.rels", WB_RELS, strlen(WB_RELS)}};
		size_t nm = 2;
		for (i = 0; i < 5; i++) {
			if (i == 3 && !part[3]) {
				m[nm].name = names[3];
				m[nm].p = WB;
				m[nm++].n = strlen(WB);
			} else if (part[i]) {
				m[nm].name = names[i];
				m[nm].p = part[i];
				m[nm++].n = plen[i];
			}
		}
		for (i = 0; i < nm; i++) {
			zip_source_t *s = zip_source_buffer(za, m[i].p, m[i].n, 0);
			zip_int64_t idx = s ? zip_file_add(za, m[i].name, s, ZIP_FL_OVERWRITE) : -1;
			if (idx < 0) {
				zip_source_free(s);
				zip_discard(za);
				zip_source_free(src);
				return -1;
			}
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		}
	}
	if (zip_close(za) < 0) {
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	zip_stat_init(&st);
	if (zip_source_open(src) == 0) {
		if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
			*out = malloc(st.size ? st.size : 1);
			if (*out && zip_source_read(src, *out, st.size) == (zip_int64_t)st.size) {
				*outlen = st.size;
				rc = 0;
			}
		}
		zip_source_close(src);
	}
	zip_source_free(src);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlsx_limits lim = {8u << 20, 8u << 20, 1u << 20};
	struct xlsx *x = NULL;
	struct csv_record rec;
	struct diag d;
	void *zipped = NULL;
	size_t zlen = 0, i, k;

	diag_init(&d);
	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		if (xlsx_open_buffer(&x, data, size, "fuzz.xlsx", &lim, &d) < 0)
			return 0;
	} else {
		if (build(data, size, &zipped, &zlen) < 0)
			return 0;
		if (xlsx_open_buffer(&x, zipped, zlen, "fuzz.xlsx", &lim, &d) < 0) {
			free(zipped);
			return 0;
		}
	}
	for (i = 0; i < xlsx_sheet_count(x); i++) {
		if (xlsx_select(x, i, &d) < 0)
			continue;
		while (xlsx_next(x, &rec, &d) == 1) {
			if (rec.line < 1 || rec.line > 1048576 || rec.nfields == 0 ||
			    rec.nfields > XLSX_MAX_COLS)
				abort();
			for (k = 0; k < rec.nfields; k++)
				if (rec.fields[k][rec.lens[k]] != '\0')
					abort();
			if (rec.raw[rec.rawlen] != '\0')
				abort();
		}
	}
	xlsx_close(x);
	free(zipped);
	return 0;
}
