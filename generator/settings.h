/* settings.h - the department's settings: one UTF-8 text file of `键 = 值`
 * lines (# comments, optional [节] sections) that a clerk edits, read by a
 * small line reader. It names who issues the documents (发文机关, 文号, 主送,
 * 报送, 抄送, 印发机关, 落款, 成文日期), the 简报's name and issue, the 公示
 * period and the appeal contact, the watermark, and the fonts. Every key has a
 * default (settings_defaults); samples/settings.ini lists them all, commented.
 * Values may hold {地区} (the place of the data, e.g. x县), {年} (the year of
 * the 成文日期) and {号} (文号序号): settings_expand fills them. */
#ifndef KP_SETTINGS_H
#define KP_SETTINGS_H

#include <stddef.h>

#include "diag.h"
#include "doc.h"

/* Font roles (GB/T 9704 practice): title 小标宋, body 仿宋, 一、 黑体, （一） 楷体. */
enum { SET_FONT_TITLE, SET_FONT_BODY, SET_FONT_H1, SET_FONT_H2, SET_NFONT };

struct set_date {
	int y, m, d; /* y == 0: not set (the renderer or report derives it) */
};

struct settings {
	/* [发文] */
	char *organ;		 /* 发文机关: 发文机关标志 and 落款 default */
	char *docno;		 /* 文号 pattern: "{地区}组通〔{年}〕{号}号"; "" none */
	int docno_seq;		 /* 文号序号: {号} */
	char *to;		 /* 主送: "各街道党工委，各社区党组织" (no colon) */
	char *cc;		 /* 抄送: "" none */
	char *printer;		 /* 印发机关 */
	struct set_date printed; /* 印发日期; unset: the 成文日期 */
	struct set_date date;	 /* 成文日期; unset: derived from the data */
	char *signer;		 /* 落款; "" the 发文机关 */
	/* [简报] */
	char *brief_name;   /* 简报名称 */
	char *brief_issue;  /* 期号: "1" gives 第1期; other text as written */
	char *brief_editor; /* 编发单位; "" the 发文机关 */
	char *report_to;    /* 报送 (the 简报's 报送范围) */
	/* [公示] */
	int notice_days;	      /* 公示期, days */
	struct set_date notice_start; /* 公示开始日期; unset: the 成文日期 */
	int rectify_days;	      /* 整改期限, days */
	char *appeal_contact, *appeal_phone, *appeal_address; /* 申诉联系人/电话/地址; "" none */
	/* [文档] */
	int watermark; /* 内部资料水印: 1 on (internal documents), 0 off */
	/* [字体] */
	char *font_dir;	       /* 字体目录; "" none (the Debian fonts) */
	char *font[SET_NFONT]; /* file per role, in font_dir or absolute; "" search */
	/* where these came from: the file read, or "" for the built-in defaults */
	char source[1024];
};

/* Fills s with the defaults (the values samples/settings.ini lists). Returns
 * 0, or -1 with dg filled (out of memory). */
int settings_defaults(struct settings *s, struct diag *dg);
/* Frees what s holds (s itself is the caller's). */
void settings_free(struct settings *s);

/* Reads the file at path over the defaults already in s: each key it sets
 * replaces the default. An unknown section or key, a bad value, a line
 * without "=", a key given twice or invalid UTF-8 fails with dg naming
 * file:line (and the column of the value). Returns 0 or -1. */
int settings_load(struct settings *s, const char *path, struct diag *dg);

/* Defaults, then the first settings file found: `explicit` (the --settings
 * FILE; it must exist), else kaoping.ini, else 设置.ini in input_dir (may be
 * NULL), else none (s->source stays ""). Returns 0 or -1 with dg filled. */
int settings_find(struct settings *s, const char *explicit, const char *input_dir, struct diag *dg);

/* Copies pattern into out (cap bytes, always terminated) with {地区} replaced
 * by place, {年} by year (when > 0) and {号} by seq (when > 0). Returns the
 * length, or -1 when it did not fit (out then holds what fitted). */
int settings_expand(const char *pattern, const char *place, int year, int seq, char *out,
		    size_t cap);

/* "2026年1月8日" (GB/T 9704: Arabic numerals, full year, no leading zeros)
 * into out; "" when the date is not set. */
void settings_date_text(struct set_date dt, char *out, size_t cap);

/* Parses one date value (2026-01-08, 2026/1/8, 2026.1.8, 2026年1月8日).
 * Returns 0, or -1 when it is not a valid date. Exposed for tests. */
int settings_parse_date(const char *s, size_t n, struct set_date *out);

/* Fills the 公文 elements of d from s for a document of genre g (doc.h):
 * NOTICE gets 发文机关标志 (发文机关), 文号, 主送, 落款 (落款 or 发文机关),
 * 成文日期, and a 版记 of 抄送 and 印发机关/印发日期 when 抄送 is set;
 * BRIEFING gets the 报头 (简报名称, 期号, 编发单位 or 发文机关, 成文日期)
 * and a 版记 of 报送 and 印发机关/印发日期. place fills {地区}; date is the
 * 成文日期 derived from the data, used when the settings leave it unset.
 * The watermark is cleared when 内部资料水印 is off. Returns 0, or -1 with
 * dg filled (out of memory). */
int doc_apply_settings(struct doc *d, const struct settings *s, enum doc_genre g, const char *place,
		       struct set_date date, struct diag *dg);

#endif
