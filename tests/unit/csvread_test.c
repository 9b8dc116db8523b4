/* csvread_test.c - the CSV reader alone, over in-memory files: encodings
 * (BOM, UTF-16, GB18030 decided per line where a file mixes them), line
 * numbers of multi-line records, delimiters, an open quote at the end, the
 * removal of invisible controls, and refusing what is not a regular file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvread.h"
#include "test.h"

/* Opens text of n bytes as a reader named "t.csv" (NULL on failure). */
static struct csvread *open_mem(const char *text, size_t n)
{
	struct csvread *r = NULL;
	struct diag d;
	FILE *f = fmemopen((void *)text, n, "rb");

	diag_init(&d);
	if (!f || csvread_open_stream(&r, f, "t.csv", &d) < 0) {
		printf("# open failed: %s\n", d.msg);
		return NULL;
	}
	return r;
}

#define OPEN(lit) open_mem(lit, sizeof(lit) - 1)

static int next(struct csvread *r, struct csv_record *rec)
{
	struct diag d;

	diag_init(&d);
	return csvread_next(r, rec, &d);
}

static void bom_crlf_quotes(void)
{
	struct csvread *r =
		OPEN("\xEF\xBB\xBFid,note\r\nE1,\"two\r\nlines\"\r\n\r\nE2,\"say \"\"hi\"\"\"\r\n");
	struct csv_record rec;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(csvread_encoding(r), "UTF-8 BOM");
	CHECK(csvread_delimiter(r) == ',');
	CHECK(next(r, &rec) == 1 && rec.nfields == 2 && rec.line == 1);
	CHECK_STR(rec.fields[0], "id");
	CHECK(next(r, &rec) == 1 && rec.line == 2 && rec.lines == 2);
	CHECK_STR(rec.fields[1], "two\r\nlines");
	CHECK(next(r, &rec) == 1 && rec.line == 5); /* the blank line 4 is skipped */
	CHECK_STR(rec.fields[1], "say \"hi\"");
	CHECK(rec.rawlen == strlen("E2,\"say \"\"hi\"\"\"") && memcmp(rec.raw, "E2,", 3) == 0);
	CHECK(next(r, &rec) == 0);
	csvread_close(r);
}

/* A UTF-8 file with a GB18030 line: the line is converted by itself. */
static void utf8_with_gbk_line(void)
{
	struct csvread *r = OPEN("id,name\nP1,李四\nP2,\xD5\xC5\xC8\xFD\nP3,赵六\n");
	struct csv_record rec;
	const char *other = NULL;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(csvread_encoding(r), "UTF-8");
	CHECK(next(r, &rec) == 1);
	CHECK(next(r, &rec) == 1 && !rec.bad_encoding);
	CHECK_STR(rec.fields[1], "李四");
	CHECK(next(r, &rec) == 1 && !rec.bad_encoding && rec.line == 3);
	CHECK_STR(rec.fields[1], "张三");
	CHECK(next(r, &rec) == 1);
	CHECK_STR(rec.fields[1], "赵六");
	CHECK(csvread_other_lines(r, &other) == 1);
	CHECK_STR(other, "GB18030");
	csvread_close(r);
}

/* A GB18030 file with a UTF-8 line, and a line valid in neither. */
static void gb_with_utf8_line(void)
{
	struct csvread *r = OPEN(
		"id,name\nP1,\xD5\xC5\xC8\xFD\nP2,\xCD\xF5\xCE\xE5\nP3,中文名称\nP4,\xFF\xFE\n");
	struct csv_record rec;
	const char *other = NULL;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(csvread_encoding(r), "GB18030");
	CHECK(next(r, &rec) == 1);
	CHECK(next(r, &rec) == 1);
	CHECK_STR(rec.fields[1], "张三");
	CHECK(next(r, &rec) == 1);
	CHECK_STR(rec.fields[1], "王五");
	CHECK(next(r, &rec) == 1 && !rec.bad_encoding);
	CHECK_STR(rec.fields[1], "中文名称");
	CHECK(next(r, &rec) == 1 && rec.bad_encoding);
	/* The raw text is UTF-8 with U+FFFD where the bytes were invalid. */
	CHECK(rec.rawlen == 3 + 6 && memcmp(rec.raw + 3, "\xEF\xBF\xBD\xEF\xBF\xBD", 6) == 0);
	CHECK(csvread_other_lines(r, &other) == 1);
	CHECK_STR(other, "UTF-8");
	csvread_close(r);
}

static void utf16_tabs(void)
{
	/* "a\tb\n1\t2\n" in UTF-16LE with its BOM. */
	static const char t[] = "\xFF\xFE"
				"a\0\t\0b\0\n\0"
				"1\0\t\0"
				"2\0\n\0";
	struct csvread *r = open_mem(t, sizeof t - 1);
	struct csv_record rec;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_STR(csvread_encoding(r), "UTF-16LE");
	CHECK(csvread_delimiter(r) == '\t');
	CHECK(next(r, &rec) == 1 && rec.nfields == 2);
	CHECK(next(r, &rec) == 1 && rec.line == 2);
	CHECK_STR(rec.fields[1], "2");
	csvread_close(r);
}

static void delimiters(void)
{
	struct csvread *r = OPEN("sep=;\r\na;b\r\n1;\"x;y\"\r\n");
	struct csv_record rec;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(csvread_delimiter(r) == ';');
	CHECK(next(r, &rec) == 1 && rec.line == 2);
	CHECK(next(r, &rec) == 1 && rec.nfields == 2 && rec.line == 3);
	CHECK_STR(rec.fields[1], "x;y");
	csvread_close(r);
	r = OPEN("a;b;c\n");
	CHECK(r && csvread_delimiter(r) == ';');
	csvread_close(r);
}

static void open_quote_at_end(void)
{
	struct csvread *r = OPEN("a,b\n1,\"open\n2,3\n");
	struct csv_record rec;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(next(r, &rec) == 1);
	CHECK(next(r, &rec) == 1 && rec.unterminated && rec.line == 2 && rec.lines == 2);
	CHECK(next(r, &rec) == 0);
	csvread_close(r);
}

/* Invisible characters go; NUL stays for the caller to reject. */
static void strip(void)
{
	char s[] = "a\xE2\x80\xAE"
		   "b\x1B\xC2\x85"
		   "c\xEF\xBB\xBF"
		   "d\te\xE2\x81\xA6"
		   "f\xE2\x80\x8F\r\n";
	char z[] = "x\0y";
	char keep[] = "“中文”\xE2\x80\x94";
	unsigned long count = 0;
	size_t n = csvread_strip(s, strlen(s), &count);
	struct csvread *r;
	struct csv_record rec;

	CHECK(n == strlen("abcd\tef\r\n") && memcmp(s, "abcd\tef\r\n", n) == 0);
	CHECK(count == 6);
	count = 0;
	CHECK(csvread_strip(z, 3, &count) == 3 && count == 0);
	CHECK(csvread_strip(keep, strlen(keep), NULL) == strlen("“中文”\xE2\x80\x94"));
	/* In a file: a BOM at the start of a later line (files concatenated). */
	r = OPEN("id,name\n\xEF\xBB\xBFP1,张\xE2\x80\xAE三\n");
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(next(r, &rec) == 1 && next(r, &rec) == 1);
	CHECK_STR(rec.fields[0], "P1");
	CHECK_STR(rec.fields[1], "张三");
	CHECK(csvread_stripped(r) == 2);
	csvread_close(r);
}

/* A directory or a FIFO is refused at once, never read or waited on. */
static void not_regular(const char *tmp)
{
	struct csvread *r = NULL;
	struct diag d;
	char fifo[1024];

	diag_init(&d);
	CHECK(csvread_open(&r, tmp, &d) < 0 && r == NULL);
	CHECK_STR(d.msg, "不是普通文件（是目录），拒绝读取");
	snprintf(fifo, sizeof fifo, "%s/f.csv", tmp);
	CHECK(mkfifo(fifo, 0600) == 0);
	diag_init(&d);
	CHECK(csvread_open(&r, fifo, &d) < 0 && r == NULL);
	CHECK_STR(d.msg, "不是普通文件（是命名管道），拒绝读取");
	remove(fifo);
}

int main(int argc, char **argv)
{
	bom_crlf_quotes();
	utf8_with_gbk_line();
	gb_with_utf8_line();
	utf16_tabs();
	delimiters();
	open_quote_at_end();
	strip();
	not_regular(argc > 1 ? argv[1] : ".");
	return test_done();
}
