/* docx.c - the Word renderer: struct doc -> .docx (ECMA-376 transitional
 * WordprocessingML). We write the XML parts as text, escaping everything that
 * comes from the data, and hand them to libzip (the only file that includes
 * <zip.h>). Layout is left to the word processor: this file sets GB/T 9704
 * page geometry, 22 lines of 28 characters and named styles a clerk can
 * change.
 * Deterministic: fixed member order and timestamps, no random IDs. */
#include "docx_int.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

static const char NS_W[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char NS_R[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
static const char REL[] = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
static const char XML_DECL[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
/* The zip members' time: DOS time starts in 1980. libzip converts with
 * localtime(), so the time_t is made with mktime() from the same fields: the
 * bytes then do not depend on the time zone. core.xml says the same. */
static const char FIXED_W3CDTF[] = "1980-01-01T12:00:00Z";

/* ---- the other parts ------------------------------------------------------- */

static void part_head(struct buf *b, const char *root)
{
	buf_puts(b, XML_DECL);
	buf_printf(b, "<w:%s xmlns:w=\"%s\" xmlns:r=\"%s\">", root, NS_W, NS_R);
}

static void content_types(struct dx *x, struct buf *b)
{
	static const char WML[] = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
	size_t i;

	buf_puts(b, XML_DECL);
	buf_puts(b, "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		    "<Default Extension=\"rels\" "
		    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		    "<Default Extension=\"png\" ContentType=\"image/png\"/>");
	buf_printf(b,
		   "<Override PartName=\"/word/document.xml\" ContentType=\"%sdocument.main+xml\"/>"
		   "<Override PartName=\"/word/styles.xml\" ContentType=\"%sstyles+xml\"/>"
		   "<Override PartName=\"/word/settings.xml\" ContentType=\"%ssettings+xml\"/>"
		   "<Override PartName=\"/word/fontTable.xml\" ContentType=\"%sfontTable+xml\"/>",
		   WML, WML, WML, WML);
	for (i = 1; x->page_numbers && i <= (x->evenodd ? 2u : 1u); i++)
		buf_printf(
			b,
			"<Override PartName=\"/word/footer%zu.xml\" ContentType=\"%sfooter+xml\"/>",
			i, WML);
	for (i = 1; x->headers && i <= x->nsect * 2; i++)
		if (x->evenodd || i % 2)
			buf_printf(b,
				   "<Override PartName=\"/word/header%zu.xml\" "
				   "ContentType=\"%sheader+xml\"/>",
				   i, WML);
	buf_puts(b, "<Override PartName=\"/docProps/core.xml\" "
		    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
		    "<Override PartName=\"/docProps/app.xml\" "
		    "ContentType=\"application/"
		    "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
		    "</Types>");
}

static void root_rels(struct buf *b)
{
	buf_puts(b, XML_DECL);
	buf_printf(
		b,
		"<Relationships "
		"xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"%sofficeDocument\" Target=\"word/document.xml\"/>"
		"<Relationship Id=\"rId2\" "
		"Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
		"core-properties\" Target=\"docProps/core.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"%sextended-properties\" "
		"Target=\"docProps/app.xml\"/></Relationships>",
		REL, REL);
}

static void core_props(struct buf *b, const char *title, const char *author)
{
	buf_puts(b, XML_DECL);
	buf_puts(b, "<cp:coreProperties "
		    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
		    "core-properties\" "
		    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
		    "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
		    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
	if (title && *title) {
		buf_puts(b, "<dc:title>");
		docx_esc_s(b, title, 0);
		buf_puts(b, "</dc:title>");
	}
	if (author && *author) {
		buf_puts(b, "<dc:creator>");
		docx_esc_s(b, author, 0);
		buf_puts(b, "</dc:creator>");
	}
	buf_printf(b,
		   "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
		   "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
		   "</cp:coreProperties>",
		   FIXED_W3CDTF, FIXED_W3CDTF);
}

static void app_props(struct buf *b)
{
	buf_puts(b, XML_DECL);
	buf_puts(b, "<Properties "
		    "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		    "extended-properties\">"
		    "<Application>kaoping</Application></Properties>");
}

static void doc_rels(struct dx *x, struct buf *b)
{
	size_t i;

	buf_puts(b, XML_DECL);
	buf_printf(b,
		   "<Relationships "
		   "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		   "<Relationship Id=\"rIdStyles\" Type=\"%sstyles\" Target=\"styles.xml\"/>"
		   "<Relationship Id=\"rIdSettings\" Type=\"%ssettings\" Target=\"settings.xml\"/>"
		   "<Relationship Id=\"rIdFonts\" Type=\"%sfontTable\" Target=\"fontTable.xml\"/>",
		   REL, REL, REL);
	for (i = 1; x->page_numbers && i <= (x->evenodd ? 2u : 1u); i++)
		buf_printf(b,
			   "<Relationship Id=\"rIdFtr%zu\" Type=\"%sfooter\" "
			   "Target=\"footer%zu.xml\"/>",
			   i, REL, i);
	for (i = 1; x->headers && i <= x->nsect * 2; i++)
		if (x->evenodd || i % 2)
			buf_printf(b,
				   "<Relationship Id=\"rIdHdr%zu\" Type=\"%sheader\" "
				   "Target=\"header%zu.xml\"/>",
				   i, REL, i);
	for (i = 1; i <= x->nimg; i++)
		buf_printf(b,
			   "<Relationship Id=\"rIdImg%zu\" Type=\"%simage\" "
			   "Target=\"media/image%zu.png\"/>",
			   i, REL, i);
	buf_puts(b, "</Relationships>");
}

/* A style's fonts: East Asian face by its Chinese name as Word and WPS list
 * it; Latin letters and digits in Times New Roman, as 公文 templates do. */
#define FONTS(ea)                                                                                  \
	"<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"" ea       \
	"\" w:cs=\"Times New Roman\"/>"
#define SZ(hp)	 "<w:sz w:val=\"" #hp "\"/><w:szCs w:val=\"" #hp "\"/>"
#define BOLD	 "<w:b/><w:bCs/>"
#define NOINDENT "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>"
/* Off the page grid (small print, tables, header and footer)... */
#define NOGRID_P "<w:snapToGrid w:val=\"0\"/>"
#define NOGRID_R "<w:snapToGrid w:val=\"0\"/>"
/* ... and without the body's letter spacing, which is for 16 pt text. */
#define LS0 "<w:spacing w:val=\"0\"/>"

/* The styles a clerk restyles by name. Built-in names (Title, heading 1,
 * caption, footer, Table Grid) show in Word's own language; the others are
 * named in Chinese. All based on Normal unless said. */
static const struct style {
	const char *id, *name, *based, *next, *ppr, *rpr;
} STYLES[] = {
	/* 二号 (22 pt) 方正小标宋简体, centred; may run over several lines */
	{"Title", "Title", "Normal", "Normal",
	 "<w:keepNext/><w:spacing w:line=\"720\" w:lineRule=\"exact\"/>" NOINDENT
	 "<w:jc w:val=\"center\"/>",
	 FONTS("方正小标宋简体") LS0 SZ(44)},
	{"Subtitle", "Subtitle", "Normal", "Normal",
	 "<w:keepNext/>" NOINDENT "<w:jc w:val=\"center\"/>", FONTS("楷体_GB2312")},
	/* 公文 head and tail: 发文机关标志 and 简报名称 in red 小标宋, 文号
	 * centred, 主送 and 落款 without indent, 附件 label in 黑体, 版记 四号 */
	{"RedHead", "发文机关标志", "Normal", "Normal",
	 "<w:keepNext/><w:spacing w:line=\"840\" w:lineRule=\"exact\"/>" NOINDENT
	 "<w:jc w:val=\"center\"/>",
	 FONTS("方正小标宋简体") "<w:color w:val=\"E60012\"/>" LS0 SZ(60)},
	{"BriefName", "简报名称", "RedHead", "Normal",
	 "<w:spacing w:line=\"1080\" w:lineRule=\"exact\"/>", SZ(72)},
	{"DocNo", "发文字号", "Normal", "Normal",
	 "<w:keepNext/>" NOINDENT "<w:jc w:val=\"center\"/>", ""},
	{"Recipient", "主送机关", "Normal", "Normal", NOINDENT "<w:jc w:val=\"left\"/>", ""},
	{"AnnexLabel", "附件标识", "Normal", "Normal", "<w:keepNext/>" NOINDENT, FONTS("黑体")},
	{"Colophon", "版记", "Normal", "Normal",
	 NOGRID_P "<w:spacing w:line=\"520\" w:lineRule=\"exact\"/><w:ind w:left=\"280\" "
		  "w:right=\"280\" w:firstLineChars=\"0\" w:firstLine=\"0\"/>",
	 NOGRID_R LS0 SZ(28)},
	{"Date", "Date", "Normal", "Normal", "<w:keepNext/>" NOINDENT "<w:jc w:val=\"center\"/>",
	 ""},
	/* headings keep the body's size and indent: 一、 黑体, （一） 楷体,
	 * 1. 仿宋 bold, （1） 仿宋; outline levels make the navigation pane */
	{"Heading1", "heading 1", "Normal", "Normal",
	 "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"0\"/>", FONTS("黑体")},
	{"Heading2", "heading 2", "Normal", "Normal",
	 "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"1\"/>", FONTS("楷体_GB2312")},
	{"Heading3", "heading 3", "Normal", "Normal",
	 "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>", FONTS("仿宋_GB2312") BOLD},
	{"Heading4", "heading 4", "Normal", "Normal",
	 "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"3\"/>", FONTS("仿宋_GB2312")},
	/* small print and captions: 小四 (12 pt), as in the PDF */
	{"Note", "注释", "Normal", NULL,
	 NOGRID_P "<w:spacing w:line=\"400\" w:lineRule=\"exact\"/>" NOINDENT, NOGRID_R LS0 SZ(24)},
	{"Caption", "caption", "Normal", "Normal",
	 "<w:keepLines/>" NOGRID_P "<w:spacing w:before=\"145\" w:after=\"60\" w:line=\"400\" "
	 "w:lineRule=\"exact\"/>" NOINDENT "<w:jc w:val=\"center\"/>",
	 FONTS("宋体") BOLD NOGRID_R LS0 SZ(24)},
	/* the picture's line must not have exact spacing: it would be clipped */
	{"Figure", "图片", "Normal", "Caption",
	 "<w:keepNext/>" NOGRID_P "<w:spacing w:before=\"145\" w:line=\"240\" "
	 "w:lineRule=\"auto\"/>" NOINDENT "<w:jc w:val=\"center\"/>",
	 ""},
	/* tables: 五号 (10.5 pt) 宋体 */
	{"TableText", "表格文字", "Normal", NULL,
	 NOGRID_P "<w:spacing w:line=\"280\" w:lineRule=\"exact\"/>" NOINDENT,
	 FONTS("宋体") NOGRID_R LS0 SZ(21)},
	{"TableHead", "表头", "TableText", NULL, "<w:jc w:val=\"center\"/>", BOLD},
	{"Spacer", "表后间距", "Normal", NULL,
	 NOGRID_P "<w:spacing w:line=\"145\" w:lineRule=\"exact\"/>" NOINDENT, SZ(2)},
	/* page numbers: 四号 (14 pt) 宋体, half-width digits */
	{"Footer", "footer", "Normal", NULL,
	 NOGRID_P "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>" NOINDENT,
	 "<w:rFonts w:ascii=\"宋体\" w:hAnsi=\"宋体\" w:eastAsia=\"宋体\" w:cs=\"宋体\"/>" NOGRID_R
		 LS0 SZ(28)},
	{"Header", "header", "Normal", NULL,
	 NOGRID_P "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>" NOINDENT
		  "<w:jc w:val=\"left\"/>",
	 FONTS("黑体") NOGRID_R "<w:color w:val=\"808080\"/>" LS0 SZ(28)},
};

static void styles(struct buf *b, int char_grid)
{
	size_t i;

	part_head(b, "styles");
	/* Defaults: 三号 (16 pt = 32 half-points) 仿宋_GB2312, Chinese. With
	 * the character grid its pitch is this size plus charSpace; Word reads
	 * the size from here, LibreOffice from the Normal style: both say 16. */
	buf_puts(
		b,
		"<w:docDefaults><w:rPrDefault><w:rPr>" FONTS(
			"仿宋_GB2312") "<w:kern w:val=\"2\"/>" SZ(32) "<w:lang w:val=\"en-US\" "
								      "w:eastAsia=\"zh-CN\" "
								      "w:bidi=\"ar-SA\"/></w:rPr></"
								      "w:rPrDefault><w:pPrDefault><"
								      "w:pPr>"
								      "<w:spacing w:before=\"0\" "
								      "w:after=\"0\"/></w:pPr></"
								      "w:pPrDefault>"
								      "</w:docDefaults>");
	/* Body: 28.95 pt a line (22 lines), exact so that the count holds
	 * where the grid is not honoured; two characters' first-line indent;
	 * justified. 28 characters a line: by the character grid, or by
	 * -0.25 pt letter spacing (16 - 0.25 = 15.75 pt, 28 x 15.75 = 441 pt
	 * of the 442.25 pt line; w:spacing is in twentieths of a point). */
	buf_printf(b,
		   "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
		   "<w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl w:val=\"0\"/>"
		   "<w:spacing w:line=\"%d\" w:lineRule=\"exact\"/>"
		   "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/>"
		   "</w:pPr><w:rPr>%s" SZ(32) "</w:rPr></w:style>",
		   LINE_PITCH, char_grid ? "" : "<w:spacing w:val=\"-5\"/>");
	for (i = 0; i < sizeof STYLES / sizeof STYLES[0]; i++) {
		const struct style *s = &STYLES[i];
		buf_printf(b,
			   "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:name w:val=\"%s\"/>"
			   "<w:basedOn w:val=\"%s\"/>",
			   s->id, s->name, s->based);
		if (s->next)
			buf_printf(b, "<w:next w:val=\"%s\"/>", s->next);
		buf_printf(b, "<w:qFormat/><w:pPr>%s</w:pPr><w:rPr>%s</w:rPr></w:style>", s->ppr,
			   s->rpr);
	}
	/* the table style: 0.5 pt lines, 3 pt padding */
	buf_puts(b,
		 "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/>"
		 "<w:tblPr><w:tblBorders>");
	for (i = 0; i < 6; i++)
		buf_printf(b,
			   "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
			   (const char *[]){"top", "left", "bottom", "right", "insideH",
					    "insideV"}[i]);
	buf_puts(b, "</w:tblBorders><w:tblCellMar><w:top w:w=\"60\" w:type=\"dxa\"/>"
		    "<w:left w:w=\"60\" w:type=\"dxa\"/><w:bottom w:w=\"60\" w:type=\"dxa\"/>"
		    "<w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
		    "</w:styles>");
}

static void settings(struct dx *x, struct buf *b)
{
	part_head(b, "settings");
	buf_puts(b, "<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"420\"/>");
	if (x->evenodd)
		buf_puts(b, "<w:evenAndOddHeaders/>");
	/* Punctuation keeps its full width: compressing it would break the
	 * 28-character grid. A line ending in a line feed (w:br) is not
	 * stretched to the full width, as in the PDF. */
	buf_puts(b, "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
		    "<w:doNotExpandShiftReturn/>"
		    "<w:compatSetting w:name=\"compatibilityMode\" "
		    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
		    "<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>");
}

/* The fonts the styles name, each with the name a machine without it is
 * likely to have (Windows ships 仿宋 and 楷体, not the _GB2312 faces). */
static void font_table(struct buf *b)
{
	static const struct {
		const char *name, *alt, *family;
	} F[] = {{"仿宋_GB2312", "仿宋", "modern"},
		 {"方正小标宋简体", "宋体", "roman"},
		 {"黑体", "SimHei", "modern"},
		 {"楷体_GB2312", "楷体", "modern"},
		 {"宋体", "SimSun", "auto"}};
	size_t i;

	part_head(b, "fonts");
	for (i = 0; i < sizeof F / sizeof F[0]; i++)
		buf_printf(
			b,
			"<w:font w:name=\"%s\"><w:altName w:val=\"%s\"/><w:charset w:val=\"86\"/>"
			"<w:family w:val=\"%s\"/><w:pitch w:val=\"variable\"/></w:font>",
			F[i].name, F[i].alt, F[i].family);
	buf_puts(b, "<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/>"
		    "<w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>");
}

/* "— N —": a PAGE field between em dashes; odd pages at the right, even
 * at the left, one character (14 pt) in from the edge. */
static void footer(struct buf *b, int where)
{
	static const char *const POS[] = {"<w:ind w:right=\"280\"/><w:jc w:val=\"right\"/>",
					  "<w:ind w:left=\"280\"/><w:jc w:val=\"left\"/>",
					  "<w:jc w:val=\"center\"/>"};
	part_head(b, "ftr");
	buf_printf(b,
		   "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/>%s</w:pPr>"
		   "<w:r><w:t xml:space=\"preserve\">\xE2\x80\x94 </w:t></w:r>"
		   "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
		   "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
		   "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
		   "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
		   "<w:r><w:t xml:space=\"preserve\"> \xE2\x80\x94</w:t></w:r></w:p></w:ftr>",
		   POS[where]);
}

/* The watermark (e.g. 内部资料 注意保存) as grey text in the page header:
 * visible on every page, out of the body text, easy to delete. */
static void header(struct buf *b, const char *text)
{
	part_head(b, "hdr");
	buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>");
	docx_runs(b, text);
	buf_puts(b, "</w:p></w:hdr>");
}

/* ---- the container --------------------------------------------------------- */

static time_t fixed_mtime(void)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 80;
	tm.tm_mday = 1;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Adds data (malloc'd; owned by the archive from here on, freed on error). */
static int add_data(struct dx *x, zip_t *za, const char *name, void *data, size_t len, int store,
		    const char *path)
{
	zip_source_t *src = zip_source_buffer(za, data, len, 1);
	zip_int64_t idx;

	if (!src) {
		free(data);
		return diag_set(x->dg, "无法写入“%s”：%s", path, zip_strerror(za));
	}
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return diag_set(x->dg, "无法写入“%s”：%s", path, zip_strerror(za));
	}
	if (zip_file_set_mtime(za, (zip_uint64_t)idx, fixed_mtime(), 0) < 0 ||
	    zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
				     store ? 0 : 9) < 0)
		return diag_set(x->dg, "无法写入“%s”：%s", path, zip_strerror(za));
	return 0;
}

/* Adds the buffer's text (the buffer is emptied). */
static int add_buf(struct dx *x, zip_t *za, const char *name, struct buf *b, const char *path)
{
	size_t len = b->len;

	if (b->failed) {
		buf_release(b);
		return diag_set(x->dg, "内存不足");
	}
	return add_data(x, za, name, buf_steal(b), len, 0, path);
}

static int render(const struct doc *const *docs, size_t n, const char *title, const char *path,
		  const struct docx_opts *o, struct diag *dg)
{
	struct dx x;
	struct buf b;
	zip_t *za = NULL;
	const char *author = NULL;
	char name[64];
	size_t i;
	int rc = -1, err = 0;

	memset(&x, 0, sizeof x);
	x.dg = dg;
	buf_init(&x.body, 0);
	buf_init(&b, 0);
	if (!path || !*path)
		return diag_set(dg, "未给出 .docx 文件的输出路径");
	for (i = 0; i < n; i++)
		if (!docs || !docs[i])
			return diag_set(dg, "第 %zu 份文档（共 %zu 份）缺失", i + 1, n);
	x.page_numbers = o ? o->page_numbers : 1;
	if (x.page_numbers < 0 || x.page_numbers > 2)
		x.page_numbers = 1;
	x.evenodd = x.page_numbers == 1;
	x.char_grid = o ? o->char_grid : 0;
	x.nsect = n ? n : 1;
	x.wm = calloc(x.nsect, sizeof *x.wm);
	if (!x.wm) {
		diag_set(dg, "内存不足");
		goto done;
	}
	for (i = 0; i < x.nsect; i++) {
		x.wm[i] = i < n && docs[i]->watermark ? docs[i]->watermark : "";
		if (*x.wm[i])
			x.headers = 1;
	}
	if (!title && n)
		title = docs[0]->title;
	for (i = 0; i < n && !author; i++)
		author = docs[i]->author;

	/* wp: is needed by pictures; a: and pic: are declared where used */
	buf_puts(&x.body, XML_DECL);
	buf_printf(&x.body,
		   "<w:document xmlns:w=\"%s\" xmlns:r=\"%s\" "
		   "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/"
		   "wordprocessingDrawing\"><w:body>",
		   NS_W, NS_R);
	for (i = 0; i < n; i++) {
		if (docx_body_doc(&x, docs[i]))
			goto done;
		if (i + 1 < n) { /* the section ends in its last paragraph */
			buf_puts(&x.body, "<w:p><w:pPr><w:pStyle w:val=\"Spacer\"/>");
			docx_sect_pr(&x, i);
			buf_puts(&x.body, "</w:pPr></w:p>");
		}
	}
	if (n == 0)
		buf_puts(&x.body, "<w:p/>");
	docx_sect_pr(&x, n ? n - 1 : 0);
	buf_puts(&x.body, "</w:body></w:document>");

	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!za) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, err);
		diag_set(dg, "无法写入“%s”：%s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto done;
	}
	content_types(&x, &b);
	if (add_buf(&x, za, "[Content_Types].xml", &b, path))
		goto done;
	root_rels(&b);
	if (add_buf(&x, za, "_rels/.rels", &b, path))
		goto done;
	core_props(&b, title, author);
	if (add_buf(&x, za, "docProps/core.xml", &b, path))
		goto done;
	app_props(&b);
	if (add_buf(&x, za, "docProps/app.xml", &b, path) ||
	    add_buf(&x, za, "word/document.xml", &x.body, path))
		goto done;
	doc_rels(&x, &b);
	if (add_buf(&x, za, "word/_rels/document.xml.rels", &b, path))
		goto done;
	styles(&b, x.char_grid);
	if (add_buf(&x, za, "word/styles.xml", &b, path))
		goto done;
	settings(&x, &b);
	if (add_buf(&x, za, "word/settings.xml", &b, path))
		goto done;
	font_table(&b);
	if (add_buf(&x, za, "word/fontTable.xml", &b, path))
		goto done;
	for (i = 1; x.page_numbers && i <= (x.evenodd ? 2u : 1u); i++) {
		footer(&b, x.page_numbers == 2 ? 2 : (int)i - 1);
		snprintf(name, sizeof name, "word/footer%zu.xml", i);
		if (add_buf(&x, za, name, &b, path))
			goto done;
	}
	for (i = 1; x.headers && i <= x.nsect * 2; i++) {
		if (!x.evenodd && i % 2 == 0)
			continue;
		header(&b, x.wm[(i - 1) / 2]);
		snprintf(name, sizeof name, "word/header%zu.xml", i);
		if (add_buf(&x, za, name, &b, path))
			goto done;
	}
	for (i = 0; i < x.nimg; i++) {
		snprintf(name, sizeof name, "word/media/image%zu.png", i + 1);
		/* PNG is compressed already: stored, not deflated again */
		err = add_data(&x, za, name, x.img[i].data, x.img[i].len, 1, path);
		x.img[i].data = NULL;
		if (err)
			goto done;
	}
	if (zip_close(za) < 0) {
		diag_set(dg, "无法写入“%s”：%s", path, zip_strerror(za));
		goto done;
	}
	za = NULL;
	rc = 0;
done:
	if (za)
		zip_discard(za);
	for (i = 0; i < x.nimg; i++)
		free(x.img[i].data);
	free(x.img);
	free(x.wm);
	buf_release(&x.body);
	buf_release(&b);
	return rc;
}

int docx_render(const struct doc *d, const char *path, const struct docx_opts *o, struct diag *dg)
{
	if (!d)
		return diag_set(dg, "没有要写入“%s”的文档", path ? path : "");
	return render(&d, 1, d->title, path, o, dg);
}

int docx_render_many(const struct doc *const *docs, size_t n, const char *title, const char *path,
		     const struct docx_opts *o, struct diag *dg)
{
	return render(docs, n, title, path, o, dg);
}
