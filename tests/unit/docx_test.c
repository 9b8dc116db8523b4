/* docx_test.c - unit tests of the .docx renderer: a document with every block
 * kind and hostile text is rendered, read back with libzip and parsed with
 * expat; its paragraphs' text must equal the document's text in order, the
 * page geometry must be GB/T 9704's in twips, header rows must repeat, and
 * two renders must be byte-identical (also across time zones).
 * Usage: docx_test [tmpdir]  (default /tmp). */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "docx.h"
#include "pdf.h"
#include "settings.h"
#include "test.h"

static char tmp[512];

/* ---- a real PNG (400 x 200 grey ramp), written with zlib ------------------ */

static void put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void chunk(FILE *f, const char *type, const unsigned char *data, unsigned long len)
{
	unsigned char h[8], c[4];
	unsigned long crc = crc32(0, (const unsigned char *)type, 4);

	put32(h, len);
	memcpy(h + 4, type, 4);
	if (len)
		crc = crc32(crc, data, (uInt)len);
	put32(c, crc);
	fwrite(h, 1, 8, f);
	if (len)
		fwrite(data, 1, len, f);
	fwrite(c, 1, 4, f);
}

static int write_png(const char *path, unsigned w, unsigned h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	unsigned char ihdr[13];
	size_t rawlen = (size_t)(w + 1) * h;
	unsigned char *raw = malloc(rawlen);
	uLongf zlen = compressBound((uLong)rawlen);
	unsigned char *z = malloc(zlen);
	unsigned x, y;
	FILE *f;

	if (!raw || !z)
		return -1;
	for (y = 0; y < h; y++) {
		raw[(size_t)y * (w + 1)] = 0;
		for (x = 0; x < w; x++)
			raw[(size_t)y * (w + 1) + 1 + x] = (unsigned char)(x * 255 / w);
	}
	compress(z, &zlen, raw, (uLong)rawlen);
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 0; /* greyscale */
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(sig, 1, 8, f);
	chunk(f, "IHDR", ihdr, 13);
	chunk(f, "IDAT", z, zlen);
	chunk(f, "IEND", NULL, 0);
	free(raw);
	free(z);
	return fclose(f);
}

/* ---- reading the .docx back ----------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p && fread(p, 1, (size_t)n, f) == (size_t)n) {
			p[n] = '\0';
			*len = (size_t)n;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

/* One member of the archive, NUL-terminated, or NULL. */
static char *member(const char *path, const char *name, size_t *len)
{
	int err = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &err);
	zip_stat_t st;
	zip_file_t *zf;
	char *p = NULL;

	if (!za)
		return NULL;
	if (zip_stat(za, name, 0, &st) == 0 && (zf = zip_fopen(za, name, 0))) {
		p = malloc(st.size + 1);
		if (p && zip_fread(zf, p, st.size) == (zip_int64_t)st.size) {
			p[st.size] = '\0';
			*len = st.size;
		} else {
			free(p);
			p = NULL;
		}
		zip_fclose(zf);
	}
	zip_discard(za);
	return p;
}

/* What the expat handlers collect from one part. */
struct rd {
	char paras[64][4096]; /* text of the non-empty paragraphs */
	int npara;
	struct buf cur;
	int in_t, in_instr;
	int tables, rows_in_table, hdr_first_row, hdr_other_rows, cant_split_rows, rows;
	int page_breaks, sects, pgnum_start1;
	char pgsz[64], pgmar[160], grid[96], extent[64], tblw[32], descr[256];
	char targets[32][64]; /* Relationship Targets, PartNames (a .rels or [Content_Types]) */
	int ntargets;
};

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return "";
}

static void on_start(void *u, const char *el, const char **a)
{
	struct rd *r = u;

	if (strcmp(el, "w:t") == 0)
		r->in_t = 1;
	else if (strcmp(el, "w:instrText") == 0)
		r->in_instr = 1;
	else if (strcmp(el, "w:br") == 0)
		buf_putc(&r->cur, '\n');
	else if (strcmp(el, "w:tab") == 0)
		buf_putc(&r->cur, '\t');
	else if (strcmp(el, "w:tbl") == 0)
		r->tables++, r->rows_in_table = 0;
	else if (strcmp(el, "w:tr") == 0)
		r->rows_in_table++, r->rows++;
	else if (strcmp(el, "w:tblHeader") == 0)
		r->rows_in_table == 1 ? r->hdr_first_row++ : r->hdr_other_rows++;
	else if (strcmp(el, "w:cantSplit") == 0)
		r->cant_split_rows++;
	else if (strcmp(el, "w:pageBreakBefore") == 0)
		r->page_breaks++;
	else if (strcmp(el, "w:sectPr") == 0)
		r->sects++;
	else if (strcmp(el, "w:pgNumType") == 0 && strcmp(attr(a, "w:start"), "1") == 0)
		r->pgnum_start1++;
	else if (strcmp(el, "w:pgSz") == 0)
		snprintf(r->pgsz, sizeof r->pgsz, "%s x %s", attr(a, "w:w"), attr(a, "w:h"));
	else if (strcmp(el, "w:pgMar") == 0)
		snprintf(r->pgmar, sizeof r->pgmar, "t%s r%s b%s l%s f%s", attr(a, "w:top"),
			 attr(a, "w:right"), attr(a, "w:bottom"), attr(a, "w:left"),
			 attr(a, "w:footer"));
	else if (strcmp(el, "w:docGrid") == 0)
		snprintf(r->grid, sizeof r->grid, "%s %s %s", attr(a, "w:type"),
			 attr(a, "w:linePitch"), attr(a, "w:charSpace"));
	else if (strcmp(el, "wp:extent") == 0)
		snprintf(r->extent, sizeof r->extent, "%s x %s", attr(a, "cx"), attr(a, "cy"));
	else if (strcmp(el, "wp:docPr") == 0)
		snprintf(r->descr, sizeof r->descr, "%s", attr(a, "descr"));
	else if ((strcmp(el, "Relationship") == 0 || strcmp(el, "Override") == 0) &&
		 r->ntargets < 32)
		snprintf(r->targets[r->ntargets++], sizeof r->targets[0], "%s",
			 *attr(a, "Target") ? attr(a, "Target") : attr(a, "PartName"));
	else if (strcmp(el, "w:tblW") == 0)
		snprintf(r->tblw, sizeof r->tblw, "%s", attr(a, "w:w"));
}

static void on_end(void *u, const char *el)
{
	struct rd *r = u;

	if (strcmp(el, "w:t") == 0)
		r->in_t = 0;
	else if (strcmp(el, "w:instrText") == 0)
		r->in_instr = 0;
	else if (strcmp(el, "w:p") == 0) {
		if (r->cur.len && r->npara < 64)
			snprintf(r->paras[r->npara++], sizeof r->paras[0], "%s", r->cur.data);
		buf_reset(&r->cur);
	}
}

static void on_text(void *u, const char *s, int n)
{
	struct rd *r = u;

	if (r->in_t)
		buf_append(&r->cur, s, (size_t)n);
}

/* Parses xml into r; returns 0 if it is well-formed. */
static int parse(const char *xml, size_t len, struct rd *r)
{
	XML_Parser p = XML_ParserCreate(NULL);
	int ok;

	memset(r, 0, sizeof *r);
	buf_init(&r->cur, 0);
	XML_SetUserData(p, r);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	ok = XML_Parse(p, xml, (int)len, 1) == XML_STATUS_OK;
	if (!ok)
		printf("# XML error: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(p)),
		       (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
	buf_release(&r->cur);
	return ok ? 0 : -1;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

static int same_file(const char *a, const char *b)
{
	size_t la = 0, lb = 0;
	char *pa = slurp(a, &la), *pb = slurp(b, &lb);
	int same = pa && pb && la == lb && memcmp(pa, pb, la) == 0;

	free(pa);
	free(pb);
	return same;
}

/* The package is consistent: every relationship target and content-type
 * override names a member, every .xml member has its override. Returns the
 * number of problems (printed). */
static int check_package(const char *path, struct rd *r)
{
	int err = 0, bad = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &err);
	size_t len, k;
	zip_int64_t i, n;
	char *xml, name[96];

	if (!za)
		return 1;
	n = zip_get_num_entries(za, 0);
	xml = member(path, "word/_rels/document.xml.rels", &len);
	if (!xml || parse(xml, len, r) != 0)
		bad++;
	for (k = 0; xml && k < (size_t)r->ntargets; k++) {
		snprintf(name, sizeof name, "word/%s", r->targets[k]);
		if (zip_name_locate(za, name, 0) < 0)
			printf("# %s: missing %s\n", path, name), bad++;
	}
	free(xml);
	xml = member(path, "[Content_Types].xml", &len);
	if (!xml || parse(xml, len, r) != 0)
		bad++;
	for (k = 0; xml && k < (size_t)r->ntargets; k++)
		if (zip_name_locate(za, r->targets[k] + 1, 0) < 0)
			printf("# %s: override of missing %s\n", path, r->targets[k]), bad++;
	for (i = 0; xml && i < n; i++) {
		const char *m = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t ml = m ? strlen(m) : 0;
		int found = 0;
		if (!m || ml < 4 || strcmp(m + ml - 4, ".xml") != 0 ||
		    strcmp(m, "[Content_Types].xml") == 0)
			continue;
		for (k = 0; k < (size_t)r->ntargets; k++)
			found |= strcmp(r->targets[k] + 1, m) == 0;
		if (!found)
			printf("# %s: no content type for %s\n", path, m), bad++;
	}
	free(xml);
	zip_discard(za);
	return bad;
}

/* ---- the document ---------------------------------------------------------- */

#define HOSTILE	    "<script>&\"'\x01</script> 第二行\n第三行\tTab"
#define HOSTILE_OUT "<script>&\"'</script> 第二行\n第三行\tTab"
#define ALT	    "90分以上 3个；\"<80>\" & '90' 5个\n第二行"
#define LONG_CJK                                                                                                                               \
	"各街道党工委要把社区考评结果作为评先评优、干部使用的重要依据，对排名靠后的社区逐一分析原" \
	"因，"                                                                                                                               \
	"制定整改措施，明确责任人和完成时限，确保问题整改到位。"

static struct doc *build(const char *png)
{
	struct doc *d = doc_new("2025年第四季度社区考评情况通报");
	struct doc_block *t;
	const char *r1[3] = {"东城街道幸福社区", "98.5", "1"};
	const char *r2[3] = {"西城街道<和平>&社区", NULL, "2"};
	struct buf lng;
	int i;

	buf_init(&lng, 0);
	for (i = 0; i < 12; i++)
		buf_puts(&lng, LONG_CJK);
	doc_set(&d->subtitle, "（2025年10月1日至12月31日）");
	doc_set(&d->date, "2026年1月8日");
	doc_set(&d->watermark, "内部资料 注意保存");
	doc_set(&d->author, "x县委组织部");
	doc_heading(d, 1, "一、总体情况", 1);
	doc_para(d, HOSTILE);
	doc_para(d, lng.data);
	doc_heading(d, 2, "（一）得分情况", 1);
	doc_heading(d, 3, "1.排名", 0);
	doc_heading(d, 4, "（1）前十名", 0);
	t = doc_table(d, "表1 各社区得分", 3);
	doc_table_col(t, 0, "社区", 3, DOC_LEFT);
	doc_table_col(t, 1, "得分", 1, DOC_RIGHT);
	doc_table_col(t, 2, "名次", 1, DOC_CENTER);
	doc_table_row(t, r1);
	doc_table_row(t, r2);
	doc_figure(d, "图1 得分分布", png, "chart.svg", ALT, 0.5);
	doc_figure(d, "图2 无图", NULL, NULL, "数据：A 1；B 2", 0.5);
	doc_note(d, "注：数据来源于网格化管理平台 & 12345 热线。");
	doc_pagebreak(d);
	t = doc_table(d, NULL, 2);
	doc_table_col(t, 0, "项目", 0, DOC_LEFT);
	doc_table_col(t, 1, "说明", 0, DOC_LEFT);
	doc_table_row(t, r1);
	doc_para(d, "以上情况，特此通报。");
	doc_note(d, "坏字节\xff、\xEF\xBF\xBE和\xED\xA0\x80止"); /* invalid, U+FFFE, surrogate */
	buf_release(&lng);
	return d;
}

/* Removes ASCII whitespace and the PDF's page numbers ("— 3 —") in place. */
static void squeeze_pdf(char *s)
{
	char *w = s, *r;

	for (r = s; *r; r++)
		if (*r != ' ' && *r != '\n' && *r != '\r' && *r != '\t' && *r != '\f')
			*w++ = *r;
	*w = '\0';
	for (r = w = s; *r;) {
		if (strncmp(r, "\xE2\x80\x94", 3) == 0 && r[3] >= '0' && r[3] <= '9') {
			char *q = r + 3;
			while (*q >= '0' && *q <= '9')
				q++;
			if (strncmp(q, "\xE2\x80\x94", 3) == 0) {
				r = q + 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* A 通报 and a 简报 with every 公文 element: the .docx text equals the PDF's
 * (pdftotext -raw, in drawing order), element by element in the same order. */
static void test_gongwen(struct rd *r)
{
	static const char *const rows[][3] = {{"1", "x县宁馨物业服务有限公司", "96.5"},
					      {"2", "x县安居物业管理有限责任公司", "95.0"}};
	int g;

	for (g = DOC_GENRE_BRIEFING; g <= DOC_GENRE_NOTICE; g++) {
		struct settings s;
		struct diag dg;
		struct doc *d = doc_new("关于2025年度社区考评情况的通报");
		struct doc_block *t;
		char docx[600], pdf[600], cmd[1400];
		struct buf all;
		size_t len = 0, i;
		char *xml, *txt = NULL;
		FILE *p;

		diag_init(&dg);
		settings_defaults(&s, &dg);
		doc_set(&s.cc, "县委办公室");
		doc_apply_settings(d, &s, (enum doc_genre)g, "x县", (struct set_date){2026, 1, 8},
				   &dg);
		settings_free(&s);
		doc_set(&d->annex_note, "联系人：张三，电话：1234567");
		doc_heading(d, 1, "一、总体情况", 1);
		doc_para(d, "全县60个社区参加考评。");
		t = doc_table(d, "物业企业考评得分", 3);
		doc_table_col(t, 0, "排名", 1, DOC_CENTER);
		doc_table_col(t, 1, "企业名称", 5, DOC_LEFT);
		doc_table_col(t, 2, "考评得分", 1.5, DOC_RIGHT);
		for (i = 0; i < 2; i++)
			doc_table_row(t, rows[i]);
		doc_attach(t);
		snprintf(docx, sizeof docx, "%s/gw%d.docx", tmp, g);
		snprintf(pdf, sizeof pdf, "%s/gw%d.pdf", tmp, g);
		CHECK(docx_render(d, docx, NULL, &dg) == 0);
		CHECK(pdf_render(d, pdf, NULL, &dg) == 0);
		xml = member(docx, "word/document.xml", &len);
		CHECK(xml && parse(xml, len, r) == 0);
		buf_init(&all, 0);
		for (i = 0; i < (size_t)r->npara; i++)
			buf_puts(&all, r->paras[i]);
		buf_putc(&all, '\0');
		snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null", pdf);
		p = popen(cmd, "r");
		if (p) {
			struct buf o;
			char chunk[4096];
			size_t n;
			buf_init(&o, 0);
			while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
				buf_append(&o, chunk, n);
			buf_putc(&o, '\0');
			pclose(p);
			txt = buf_steal(&o);
			buf_release(&o);
		}
		CHECK(txt != NULL && all.data != NULL);
		if (txt && all.data) {
			squeeze_pdf(txt);
			squeeze_pdf(all.data);
			CHECK_STR(all.data, txt);
			CHECK(strstr(all.data, g == DOC_GENRE_NOTICE
						       ? "中共x县委组织部x县组通〔2026〕1号关于"
						       : "基层治理考评简报第1期中共x县委组织部2026"
							 "年1月8日关于") == all.data);
			CHECK(strstr(all.data,
				     g == DOC_GENRE_NOTICE
					     ? "附件：物业企业考评得分中共x县委组织部2026年1月8日"
					       "（联系人：张三，电话：1234567）附件物业企业考评得分"
					     : "附件：物业企业考评得分附件物业企业考评得分") !=
			      NULL);
		}
		free(txt);
		free(xml);
		buf_release(&all);
		doc_free(d);
	}
}

int main(int argc, char **argv)
{
	char png[600], a[600], b[600], c[600], bad[600], many[600];
	struct doc *d, *d2;
	struct diag dg;
	struct rd *r = malloc(sizeof *r);
	size_t len = 0, i;
	char *xml;
	struct buf lng;

	snprintf(tmp, sizeof tmp, "%s", argc > 1 ? argv[1] : "/tmp");
	snprintf(png, sizeof png, "%s/chart.png", tmp);
	snprintf(a, sizeof a, "%s/a.docx", tmp);
	snprintf(b, sizeof b, "%s/b.docx", tmp);
	snprintf(c, sizeof c, "%s/c.docx", tmp);
	snprintf(bad, sizeof bad, "%s/bad.docx", tmp);
	snprintf(many, sizeof many, "%s/many.docx", tmp);
	CHECK(r != NULL && write_png(png, 400, 200) == 0);
	d = build(png);
	diag_init(&dg);
	CHECK(docx_render(d, a, NULL, &dg) == 0);
	CHECK_STR(dg.msg, "");
	CHECK(docx_render(d, b, NULL, &dg) == 0);
	CHECK(same_file(a, b));
	/* libzip stores local times: the bytes must not depend on TZ */
	setenv("TZ", "JST-9", 1); /* POSIX form: needs no tzdata */
	tzset();
	CHECK(docx_render(d, c, NULL, &dg) == 0);
	CHECK(same_file(a, c));

	/* the members, in order, each well-formed XML */
	{
		static const char *const want[] = {
			"[Content_Types].xml", "_rels/.rels",
			"docProps/core.xml",   "docProps/app.xml",
			"word/document.xml",   "word/_rels/document.xml.rels",
			"word/styles.xml",     "word/settings.xml",
			"word/fontTable.xml",  "word/footer1.xml",
			"word/footer2.xml",    "word/header1.xml",
			"word/header2.xml",    "word/media/image1.png"};
		int err = 0;
		zip_t *za = zip_open(a, ZIP_RDONLY, &err);
		CHECK(za != NULL);
		CHECK(za &&
		      zip_get_num_entries(za, 0) == (zip_int64_t)(sizeof want / sizeof *want));
		for (i = 0; za && i < sizeof want / sizeof *want; i++) {
			const char *name = zip_get_name(za, i, 0);
			CHECK_STR(name, want[i]);
		}
		if (za)
			zip_discard(za);
		for (i = 0; i + 1 < sizeof want / sizeof *want; i++) {
			xml = member(a, want[i], &len);
			CHECK(xml != NULL);
			if (xml && parse(xml, len, r) != 0)
				printf("not ok - %s is not well-formed\n", want[i]),
					test_failures++;
			free(xml);
		}
	}

	/* the body text equals the document's text, in order */
	xml = member(a, "word/document.xml", &len);
	CHECK(xml != NULL && parse(xml, len, r) == 0);
	{
		const char *want[] = {
			"2025年第四季度社区考评情况通报",
			"（2025年10月1日至12月31日）",
			"2026年1月8日",
			"一、总体情况",
			HOSTILE_OUT,
			NULL, /* the long paragraph */
			"（一）得分情况",
			"1.排名",
			"（1）前十名",
			"表1 各社区得分",
			"社区",
			"得分",
			"名次",
			"东城街道幸福社区",
			"98.5",
			"1",
			"西城街道<和平>&社区",
			"2",
			"图1 得分分布",
			"数据：A 1；B 2",
			"图2 无图",
			"注：数据来源于网格化管理平台 & 12345热线。",
			"项目",
			"说明",
			"东城街道幸福社区",
			"98.5",
			"以上情况，特此通报。",
			"坏字节\xEF\xBF\xBD、和\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD止"};
		size_t n = sizeof want / sizeof *want;
		buf_init(&lng, 0);
		for (i = 0; i < 12; i++)
			buf_puts(&lng, LONG_CJK);
		want[5] = lng.data;
		CHECK((size_t)r->npara == n);
		for (i = 0; i < n && i < (size_t)r->npara; i++)
			CHECK_STR(r->paras[i], want[i]);
		buf_release(&lng);
	}
	/* escaping: the raw markup never appears unescaped */
	CHECK(xml && strstr(xml, "&lt;script&gt;&amp;&quot;&apos;&lt;/script&gt;") != NULL);
	CHECK(xml && strstr(xml, "<script>") == NULL && strchr(xml, '\x01') == NULL);
	/* the watermark is in the header, not the body */
	CHECK(xml && strstr(xml, "内部资料") == NULL);
	/* GB/T 9704 in twips: A4 11906 x 16838; top 37 mm = 2098, right 26 mm
	 * = 1474, bottom 35 mm = 1984, left 28 mm = 1587; text block 8845 x
	 * 12756 = 156.0 x 225.0 mm; grid 579 twips a line (22 lines) */
	CHECK_STR(r->pgsz, "11906 x 16838");
	CHECK_STR(r->pgmar, "t2098 r1474 b1984 l1587 f1304");
	CHECK_STR(r->grid, "lines 579 ");
	CHECK_STR(r->tblw, "8845");
	/* tables: the first row of each repeats, no row splits */
	CHECK(r->tables == 2);
	CHECK(r->hdr_first_row == 2 && r->hdr_other_rows == 0);
	CHECK(r->cant_split_rows == r->rows && r->rows == 5);
	/* the picture as wide as the text block (8845 twips * 635 EMU), 2:1 */
	CHECK_STR(r->extent, "5616575 x 2808288");
	CHECK(r->page_breaks == 1);
	CHECK_STR(r->descr, ALT); /* the chart's numbers as its alt text */
	CHECK(r->sects == 1 && r->pgnum_start1 == 1);
	CHECK(xml && strstr(xml, "r:embed=\"rIdImg1\"") != NULL);
	free(xml);
	/* column widths: 3:1:1 of 8845 gives 5307, 1769, 1769; then each
	 * column gets what its widest cell or title wants at 210 twips a CJK
	 * character plus 130 (西城街道<和平>&社区: 19 half widths = 1995 + 130;
	 * 得分, 名次: 420 + 130) and the 5620 left over in 3:1:1: 2125 + 3372,
	 * 550 + 1124, 550 + 1124 */
	xml = member(a, "word/document.xml", &len);
	CHECK(xml && strstr(xml, "<w:gridCol w:w=\"5497\"/><w:gridCol w:w=\"1674\"/>"
				 "<w:gridCol w:w=\"1674\"/>") != NULL);
	free(xml);

	/* footers: "— 1 —" with a PAGE field, odd right, even left */
	xml = member(a, "word/footer1.xml", &len);
	CHECK(xml && parse(xml, len, r) == 0 && r->npara == 1);
	CHECK_STR(r->paras[0], "— 1 —");
	CHECK(xml && strstr(xml, "<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"));
	CHECK(xml && strstr(xml, "<w:jc w:val=\"right\"/>"));
	free(xml);
	xml = member(a, "word/footer2.xml", &len);
	CHECK(xml && strstr(xml, "<w:jc w:val=\"left\"/>"));
	free(xml);
	xml = member(a, "word/settings.xml", &len);
	CHECK(xml && strstr(xml, "<w:evenAndOddHeaders/>"));
	free(xml);
	xml = member(a, "word/header1.xml", &len);
	CHECK(xml && parse(xml, len, r) == 0 && r->npara == 1);
	CHECK_STR(r->paras[0], "内部资料 注意保存");
	free(xml);
	xml = member(a, "word/styles.xml", &len);
	CHECK(xml && strstr(xml, "w:eastAsia=\"仿宋_GB2312\"") && strstr(xml, "方正小标宋简体") &&
	      strstr(xml, "w:eastAsia=\"黑体\"") && strstr(xml, "w:eastAsia=\"楷体_GB2312\""));
	free(xml);
	xml = member(a, "docProps/core.xml", &len);
	CHECK(xml && strstr(xml, "<dc:title>2025年第四季度社区考评情况通报</dc:title>"));
	free(xml);

	CHECK(check_package(a, r) == 0);
	/* 28 characters by letter spacing: -0.25 pt in the body style only */
	xml = member(a, "word/styles.xml", &len);
	CHECK(xml && strstr(xml, "<w:jc w:val=\"both\"/></w:pPr><w:rPr><w:spacing w:val=\"-5\"/>"));
	CHECK(xml && count(xml, "<w:spacing w:val=\"-5\"/>") == 1);
	free(xml);
	/* or by Word's character grid: 28 characters of 15.794 pt */
	{
		struct docx_opts o = {1, 1};
		CHECK(docx_render(d, b, &o, &dg) == 0 && check_package(b, r) == 0);
		xml = member(b, "word/document.xml", &len);
		CHECK(xml && parse(xml, len, r) == 0);
		CHECK_STR(r->grid, "linesAndChars 579 -842");
		free(xml);
		xml = member(b, "word/styles.xml", &len);
		CHECK(xml && !strstr(xml, "<w:spacing w:val=\"-5\"/>"));
		free(xml);
	}
	/* centred numbers: one footer, no even/odd pages; none: no footer */
	{
		struct docx_opts o = {2, 0};
		CHECK(docx_render(d, b, &o, &dg) == 0 && check_package(b, r) == 0);
		xml = member(b, "word/footer1.xml", &len);
		CHECK(xml && strstr(xml, "<w:jc w:val=\"center\"/>"));
		free(xml);
		xml = member(b, "word/footer2.xml", &len);
		CHECK(xml == NULL);
		free(xml);
		xml = member(b, "word/settings.xml", &len);
		CHECK(xml && !strstr(xml, "evenAndOddHeaders"));
		free(xml);
		o.page_numbers = 0;
		CHECK(docx_render(d, b, &o, &dg) == 0 && check_package(b, r) == 0);
		xml = member(b, "word/document.xml", &len);
		CHECK(xml && !strstr(xml, "footerReference"));
		free(xml);
	}

	/* several documents: a section each, numbered from 1 */
	d2 = doc_new("第二份");
	doc_para(d2, "正文。");
	{
		const struct doc *const docs[2] = {d, d2};
		CHECK(docx_render_many(docs, 2, "合订", many, NULL, &dg) == 0);
	}
	xml = member(many, "word/document.xml", &len);
	CHECK(xml && parse(xml, len, r) == 0);
	CHECK(r->sects == 2 && r->pgnum_start1 == 2);
	CHECK(r->npara >= 2 && strcmp(r->paras[r->npara - 2], "第二份") == 0 &&
	      strcmp(r->paras[r->npara - 1], "正文。") == 0);
	free(xml);
	CHECK(check_package(many, r) == 0);
	xml = member(many, "word/header3.xml", &len); /* 2nd doc: no watermark */
	CHECK(xml && parse(xml, len, r) == 0 && r->npara == 0);
	free(xml);

	/* a missing picture: the message, and no file written */
	free(d->blocks[7].png);
	d->blocks[7].png = strdup("/nonexistent/chart.png");
	diag_init(&dg);
	CHECK(docx_render(d, bad, NULL, &dg) == -1);
	CHECK_STR(dg.msg, "无法读取图片“/nonexistent/chart.png”：No such file or directory");
	CHECK(access(bad, F_OK) != 0);
	CHECK(docx_render(NULL, bad, NULL, &dg) == -1);

	test_gongwen(r);
	doc_free(d);
	doc_free(d2);
	free(r);
	return test_done();
}
