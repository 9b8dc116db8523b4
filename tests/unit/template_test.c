/* template_test.c - the template engine: escaping by default, raw output,
 * sections over lists, maps and scalars, inverted sections, dotted names,
 * partials from a directory, standalone lines, and every error naming
 * templates/x.html:LINE. Run with a temp dir as argv[1]. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test.h"

static char got[8192];
static char err[2048];

/* Renders text with data; returns the output, or "ERR" with err set. */
static const char *render(const char *text, const struct tv *data)
{
	struct template *t = NULL;
	struct diag d;
	struct buf b;

	diag_init(&d);
	err[0] = '\0';
	if (template_parse_string("templates/t.html", text, strlen(text), &t, &d) < 0) {
		diag_format(&d, err, sizeof err);
		return "ERR";
	}
	buf_init(&b, 0);
	if (template_render(t, data, &b, &d) < 0) {
		diag_format(&d, err, sizeof err);
		template_free(t);
		buf_release(&b);
		return "ERR";
	}
	snprintf(got, sizeof got, "%s", b.data ? b.data : "");
	template_free(t);
	buf_release(&b);
	return got;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		printf("not ok - cannot write %s\n", path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct tv_pool *p = tv_pool_new();
	struct tv *m, *rows, *r, *unit;
	char dir[1024];
	const char *tmp = argc > 1 ? argv[1] : ".";

	m = tv_map(p);
	tv_set_str(m, "name", "<script>alert(1)</script> & \"q\" 'a'");
	tv_set_str(m, "html", "<b>ok</b>");
	tv_set_int(m, "n", 3858);
	tv_set_num(m, "rate", 95.256, 1);
	tv_set_num(m, "neg", -0.001, 2);
	/* Found by the fuzzer: a template whose only name is "." has no name
	 * segments at all (pointer arithmetic on NULL; clang's UBSan flags it:
	 * the input is kept in tests/fuzz/corpus/fuzz_template/ and replayed by
	 * the fuzz smoke run). */
	CHECK_STR(render("a{{! x }}b{{.}}", m) ? "parsed" : "failed", "parsed");
	tv_set_bool(m, "yes", 1);
	tv_set_bool(m, "no", 0);
	tv_set(m, "nothing", tv_null(p));
	tv_set_str(m, "empty", "");
	tv_set_int(m, "zero", 0);
	rows = tv_set(m, "rows", tv_list(p));
	r = tv_push(rows, tv_map(p));
	tv_set_str(r, "code", "A1");
	tv_set_int(r, "rank", 1);
	r = tv_push(rows, tv_map(p));
	tv_set_str(r, "code", "B<2>");
	tv_set_int(r, "rank", 2);
	tv_set(m, "none", tv_list(p));
	unit = tv_set(m, "unit", tv_map(p));
	tv_set_str(unit, "name", "幸福社区");
	tv_set(tv_set(unit, "street", tv_map(p)), "name", tv_str(p, "城东街道"));
	tv_set(unit, "parent", tv_null(p));
	tv_set_fmt(m, "fmt", "%d年%s", 2025, "度");
	CHECK(!tv_pool_failed(p));
	CHECK(tv_len(rows) == 2);
	CHECK_STR(tv_text(tv_get(unit, "name")), "幸福社区");

	/* escaping by default, raw only on request */
	CHECK_STR(render("<p>{{name}}</p>", m),
		  "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;</p>");
	CHECK_STR(render("{{{html}}}|{{& html}}|{{html}}", m),
		  "<b>ok</b>|<b>ok</b>|&lt;b&gt;ok&lt;/b&gt;");
	/* scalars */
	CHECK_STR(render("{{n}} {{rate}} {{neg}} {{yes}} {{no}} [{{nothing}}] {{fmt}}", m),
		  "3858 95.3 0.00 是 否 [] 2025年度");
	/* sections over lists, with the outer context visible */
	CHECK_STR(render("{{#rows}}<i>{{rank}}:{{code}}:{{n}}</i>{{/rows}}", m),
		  "<i>1:A1:3858</i><i>2:B&lt;2&gt;:3858</i>");
	CHECK_STR(render("{{#none}}x{{/none}}{{^none}}空{{/none}}", m), "空");
	CHECK_STR(render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{^no}}n{{/no}}", m), "Yn");
	CHECK_STR(render("{{#nothing}}1{{/nothing}}{{#empty}}2{{/empty}}{{#zero}}3{{/zero}}"
			 "{{^nothing}}a{{/nothing}}{{^empty}}b{{/empty}}{{^zero}}c{{/zero}}",
			 m),
		  "abc");
	CHECK_STR(render("{{#n}}[{{.}}]{{/n}}", m), "[3858]");
	/* maps as sections and dotted names */
	CHECK_STR(render("{{#unit}}{{name}}/{{street.name}}{{/unit}} {{unit.street.name}}", m),
		  "幸福社区/城东街道 城东街道");
	CHECK_STR(render("[{{unit.parent.name}}]", m), "[]"); /* through null: empty */
	/* comments and standalone lines leave no blank lines */
	CHECK_STR(render("<ul>\n  {{#rows}}\n  <li>{{code}}</li>\n  {{/rows}}\n  {{! note "
			 "}}\n</ul>\n",
			 m),
		  "<ul>\n  <li>A1</li>\n  <li>B&lt;2&gt;</li>\n</ul>\n");
	CHECK_STR(render("a {{#yes}}b{{/yes}} c\n", m), "a b c\n");

	/* errors name the file and line */
	CHECK_STR(render("x\ny\n{{nmae}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:3: 未知的名称“nmae”");
	CHECK_STR(render("a\n{{#rows}}\nb\n", m), "ERR");
	CHECK_STR(err, "templates/t.html:2: 未闭合的节“{{#rows}}”：缺少“{{/rows}}”");
	CHECK_STR(render("{{#rows}}\n{{/row}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:2: 结束标签“{{/row}}”与第 1 行的“{{#rows}}”不匹配");
	CHECK_STR(render("\n\n{{/rows}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:3: 多余的结束标签“{{/rows}}”");
	CHECK_STR(render("ok\n{{name", m), "ERR");
	CHECK_STR(err, "templates/t.html:2: 未闭合的标签“{{name”：缺少“}}”");
	CHECK_STR(render("{{{name}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: 未闭合的标签“{{{name}}”：缺少“}}}”");
	CHECK_STR(render("{{a b}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: 标签“{{a b}}”中的名称“a b”无效");
	CHECK_STR(render("{{a..b}}", m), "ERR");
	CHECK_STR(render("{{=<% %>=}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: 不支持更改分隔符（{{=…=}}）");
	CHECK_STR(render("{{rows}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: “{{rows}}”是列表，不能直接输出（用 {{#rows}} 节）");
	CHECK_STR(render("{{> head}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: 子模板“head”不可用");
	CHECK_STR(render("{{unit.nosuch}}", m), "ERR");
	CHECK_STR(err, "templates/t.html:1: 未知的名称“unit.nosuch”");
	CHECK_STR(render("", m), "");
	CHECK_STR(render("{", m), "{");
	CHECK_STR(render("}}", m), "}}");

	/* a template set: partials from the directory, cycles and missing files */
	snprintf(dir, sizeof dir, "%s/templates", tmp);
	mkdir(dir, 0755);
	write_file(dir, "page.html",
		   "<h1>{{unit.name}}</h1>\n{{> _row}}\n{{#rows}}\n{{> _row}}\n{{/rows}}\nend");
	write_file(dir, "_row.html", "[{{code}}]\n");
	write_file(dir, "loop.html", "{{> _a}}");
	write_file(dir, "_a.html", "a\n{{> _b}}");
	write_file(dir, "_b.html", "{{> _a}}");
	write_file(dir, "miss.html", "x\n\n{{> _nope}}");
	write_file(dir, "bad.html", "{{> _bad}}");
	write_file(dir, "_bad.html", "ok\n{{#x}}");
	{
		struct template_set *set = NULL;
		const struct template *t = NULL;
		struct diag d;
		struct buf b;
		char *css = NULL;
		size_t n;

		diag_init(&d);
		CHECK(template_set_open(&set, dir, &d) == 0);
		/* _row's {{code}} at the top level finds no name */
		CHECK(template_get(set, "page.html", &t, &d) == 0);
		buf_init(&b, 0);
		CHECK(template_render(t, m, &b, &d) < 0);
		snprintf(err, sizeof err, "%s:%ld: %s", d.file + strlen(tmp) + 1, d.line, d.msg);
		CHECK_STR(err, "templates/_row.html:1: 未知的名称“code”");
		tv_set_str(m, "code", "top");
		buf_reset(&b);
		CHECK(template_render(t, m, &b, &d) == 0);
		CHECK_STR(b.data, "<h1>幸福社区</h1>\n[top]\n[A1]\n[B&lt;2&gt;]\nend");
		buf_release(&b);
		/* compiled once: the same pointer again */
		{
			const struct template *t2 = NULL;
			CHECK(template_get(set, "page.html", &t2, &d) == 0 && t2 == t);
		}
		CHECK(template_get(set, "loop.html", &t, &d) < 0);
		CHECK(strstr(d.msg, "循环包含") != NULL);
		CHECK(template_get(set, "miss.html", &t, &d) < 0);
		CHECK(strstr(d.file, "templates/miss.html") != NULL && d.line == 3);
		CHECK(strstr(d.msg, "子模板“_nope”") != NULL);
		CHECK(template_get(set, "bad.html", &t, &d) < 0);
		CHECK(strstr(d.file, "templates/_bad.html") != NULL && d.line == 2);
		CHECK(template_get(set, "../etc/passwd", &t, &d) < 0);
		CHECK(template_get(set, "nosuch.html", &t, &d) < 0);
		CHECK(template_read_file(set, "_row.html", &css, &n, &d) == 0 && n == 11);
		free(css);
		template_set_close(set);
	}

	/* the pool is reusable */
	tv_pool_reset(p);
	m = tv_map(p);
	tv_set_str(m, "name", "二");
	CHECK_STR(render("{{name}}", m), "二");
	{
		struct tv *big = tv_map(p);
		char s[100000];
		memset(s, 'x', sizeof s - 1);
		s[sizeof s - 1] = '\0';
		tv_set_str(big, "name", s);
		CHECK(strlen(tv_text(tv_get(big, "name"))) == sizeof s - 1);
	}
	CHECK(!tv_pool_failed(p));
	tv_pool_free(p);
	return test_done();
}
