/* csvread.c - streaming CSV reader: bytes -> UTF-8 text -> lines -> libcsv
 * -> records with line numbers and raw text. Lines are fed to libcsv one at a
 * time, so a record always ends at the end of the line just fed; that is how
 * each record gets its first line and its raw text. */
#include "csvread.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "parse.h"

#define CHUNK	   (1u << 20)
#define MAX_RECORD ((size_t)64 << 20) /* a record this big is a runaway quote */

struct csvread {
	FILE *f;   /* the file, or NULL when reading gzip (gz) */
	gzFile gz; /* a .csv.gz export, decompressed as it is read */
	char path[512];
	const char *encoding;
	iconv_t cd; /* (iconv_t)-1 when the file is UTF-8 */
	char *in;   /* raw bytes read, awaiting conversion */
	size_t inlen;
	int eof; /* the file is exhausted */
	unsigned long long offset;
	unsigned long replaced; /* invalid sequences replaced during conversion */
	struct buf text;	/* UTF-8 text not yet split into lines */
	size_t pos;		/* start of the unconsumed part of text */
	struct csv_parser parser;
	int parser_ok;
	long line;	/* lines fed so far */
	struct buf raw; /* lines of the record being read */
	long raw_first; /* line number of raw's first line */
	/* fields of the record being read */
	struct buf fieldbuf;
	size_t *offs, *lens;
	const char **ptrs;
	size_t nfields, fcap;
	int done_record; /* cb2 fired */
	char delim;	 /* field separator (see sniff_delimiter) */
	int finished;	 /* csv_fini done */
	/* UTF-8 and GB18030 files are split into lines as bytes and each line is
	 * decoded by itself, so a file that mixes the two (rows pasted from
	 * another export) is read line by line in the right encoding. */
	int bytes_mode;
	int primary_gb;		   /* most lines are GB18030 */
	iconv_t gb;		   /* GB18030 -> UTF-8 for single lines */
	struct buf conv;	   /* the current line, decoded */
	unsigned long other_lines; /* lines decoded in the other encoding */
	unsigned long stripped;	   /* control and bidi characters removed */
	int rec_bad;		   /* a line of the current record is invalid in both */
};

/* libcsv trims spaces and tabs around unquoted fields; with tab as the
 * separator only spaces may be trimmed. */
static int is_space_no_tab(unsigned char c)
{
	return c == ' ';
}

static void on_field(void *s, size_t n, void *arg)
{
	struct csvread *r = arg;

	if (r->nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 32;
		size_t *o = realloc(r->offs, cap * sizeof *o);
		size_t *l = o ? realloc(r->lens, cap * sizeof *l) : NULL;
		const char **p = l ? realloc(r->ptrs, cap * sizeof *p) : NULL;
		if (o)
			r->offs = o;
		if (l)
			r->lens = l;
		if (!p) {
			r->fieldbuf.failed = 1;
			return;
		}
		r->ptrs = p;
		r->fcap = cap;
	}
	r->offs[r->nfields] = r->fieldbuf.len;
	r->lens[r->nfields] = n;
	r->nfields++;
	buf_append(&r->fieldbuf, s ? s : "", s ? n : 0);
	buf_putc(&r->fieldbuf, '\0');
}

static void on_record(int c, void *arg)
{
	struct csvread *r = arg;

	(void)c;
	r->done_record = 1;
}

/* Whether text is mostly UTF-8: of its lines holding non-ASCII bytes, at
 * least as many are valid UTF-8 as are not. Lines are decoded one by one
 * afterwards, so the minority is converted rather than lost. */
static int mostly_utf8(const char *s, size_t n)
{
	size_t i = 0;
	long u = 0, g = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n, k;
		for (k = i; k < e && (unsigned char)s[k] < 0x80; k++)
			;
		if (k < e) {
			if (parse_utf8_valid(s + i, e - i))
				u++;
			else
				g++;
		}
		i = e + 1;
	}
	return u >= g;
}

static int fill(struct csvread *r, struct diag *d);

/* The field separator, from the header line: Excel's "sep=;" line (then
 * skipped), else whichever of comma, tab and semicolon occurs most outside
 * quotes (a comma when none does). Exports saved as "Unicode text" use tabs. */
static int sniff_delimiter(struct csvread *r, struct diag *d)
{
	const char *s, *nl;
	size_t n, i;
	int quoted = 0;
	long comma = 0, tab = 0, semi = 0;

	if (fill(r, d) < 0)
		return -1;
	s = r->text.data ? r->text.data + r->pos : "";
	n = r->text.len - r->pos;
	nl = memchr(s, '\n', n);
	if (nl)
		n = (size_t)(nl - s);
	if (n >= 5 && n <= 7 && memcmp(s, "sep=", 4) == 0 && (n == 5 || s[5] == '\r')) {
		csv_set_delim(&r->parser, (unsigned char)s[4]);
		r->pos += nl ? n + 1 : n;
		r->line++;
		r->delim = s[4];
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			comma++;
		else if (!quoted && s[i] == '\t')
			tab++;
		else if (!quoted && s[i] == ';')
			semi++;
	}
	r->delim = ',';
	if (tab > comma && tab >= semi)
		r->delim = '\t';
	else if (semi > comma && semi > tab)
		r->delim = ';';
	if (r->delim == '\t')
		csv_set_space_func(&r->parser, is_space_no_tab);
	csv_set_delim(&r->parser, (unsigned char)r->delim);
	return 0;
}

/* Reads up to n bytes from the file or the gzip stream; -1 on an error
 * (d names the file). */
static long read_bytes(struct csvread *r, char *p, size_t n, struct diag *d)
{
	if (r->gz) {
		int got = gzread(r->gz, p, (unsigned)n), err = Z_OK;
		const char *msg = got < 0 || (size_t)got < n ? gzerror(r->gz, &err) : NULL;
		if (got < 0 || (err != Z_OK && err != Z_STREAM_END)) {
			/* zlib prefixes "<fd:N>: " (we opened it by descriptor). */
			const char *why = msg && strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ")
						  ? strstr(msg, ": ") + 2
						  : msg;
			return diag_at(d, r->path, r->line, 0, "压缩文件损坏或不完整：%s",
				       why ? why : "gzip");
		}
		return got;
	}
	n = fread(p, 1, n, r->f);
	if (ferror(r->f))
		return diag_at(d, r->path, r->line, 0, "无法读取文件：%s", strerror(errno));
	return (long)n;
}

static int open_common(struct csvread **out, FILE *f, gzFile gz, const char *path, struct diag *d);

/* Opens path for reading only if it is a regular file: opened without
 * blocking first, so a FIFO or a device never hangs the run. */
static FILE *open_regular(const char *path, struct diag *d)
{
	struct stat sb;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), fl;

	if (fd < 0) {
		diag_at(d, path, 0, 0, "无法打开文件：%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		diag_at(d, path, 0, 0, "不是普通文件（%s），拒绝读取", csvread_kind(sb.st_mode));
		close(fd);
		return NULL;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	f = fdopen(fd, "rb");
	if (!f) {
		diag_at(d, path, 0, 0, "无法打开文件：%s", strerror(errno));
		close(fd);
	}
	return f;
}

const char *csvread_kind(unsigned mode)
{
	if (S_ISDIR(mode))
		return "是目录";
	if (S_ISFIFO(mode))
		return "是命名管道";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "是设备文件";
	if (S_ISSOCK(mode))
		return "是套接字";
	if (S_ISLNK(mode))
		return "是符号链接";
	return S_ISREG(mode) ? "普通文件" : "类型不明";
}

int csvread_open(struct csvread **out, const char *path, struct diag *d)
{
	size_t n = strlen(path);
	FILE *f;

	*out = NULL;
	f = open_regular(path, d);
	if (!f)
		return -1;
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
		gzFile gz = gzdopen(dup(fileno(f)), "rb");
		fclose(f);
		if (!gz)
			return diag_at(d, path, 0, 0, "无法打开压缩文件");
		return open_common(out, NULL, gz, path, d);
	}
	return open_common(out, f, NULL, path, d);
}

int csvread_open_stream(struct csvread **out, FILE *f, const char *path, struct diag *d)
{
	return open_common(out, f, NULL, path, d);
}

static int open_common(struct csvread **out, FILE *f, gzFile gz, const char *path, struct diag *d)
{
	struct csvread *r = calloc(1, sizeof *r);
	unsigned char *u;
	size_t skip = 0;
	long got;
	int rc = -1;

	*out = NULL;
	if (!r) {
		if (f)
			fclose(f);
		if (gz)
			gzclose(gz);
		return diag_set(d, "内存不足");
	}
	r->f = f;
	r->gz = gz;
	r->cd = (iconv_t)-1;
	r->gb = (iconv_t)-1;
	buf_init(&r->conv, MAX_RECORD);
	snprintf(r->path, sizeof r->path, "%s", path);
	buf_init(&r->text, 0);
	buf_init(&r->raw, MAX_RECORD);
	buf_init(&r->fieldbuf, MAX_RECORD);
	r->in = malloc(CHUNK);
	if (!r->in) {
		diag_set(d, "内存不足");
		goto done;
	}
	got = read_bytes(r, r->in, CHUNK, d);
	if (got < 0)
		goto done;
	r->inlen = (size_t)got;
	r->eof = r->inlen < CHUNK;
	u = (unsigned char *)r->in;
	if (r->inlen >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		r->encoding = "UTF-8 BOM";
		skip = 3;
	} else if (r->inlen >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		r->encoding = "UTF-16LE";
		skip = 2;
	} else if (r->inlen >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		r->encoding = "UTF-16BE";
		skip = 2;
	} else {
		/* Valid UTF-8 in the first chunk (a character cut at its end is
		 * fine) means UTF-8; otherwise what Excel/WPS write in China. */
		size_t n = r->inlen;
		size_t back = 0;
		while (back < 3 && back < n && (u[n - 1 - back] & 0xC0) == 0x80)
			back++;
		if (back < n && u[n - 1 - back] >= 0xC0)
			n -= back + 1;
		r->encoding = mostly_utf8(r->in, n) ? "UTF-8" : "GB18030";
	}
	if (skip) {
		memmove(r->in, r->in + skip, r->inlen - skip);
		r->inlen -= skip;
		r->offset = skip;
	}
	r->bytes_mode = strncmp(r->encoding, "UTF-16", 6) != 0;
	r->primary_gb = strcmp(r->encoding, "GB18030") == 0;
	if (r->bytes_mode) {
		r->gb = iconv_open("UTF-8", "GB18030");
		if (r->gb == (iconv_t)-1) {
			diag_at(d, path, 0, 0, "无法转换编码 GB18030");
			goto done;
		}
	} else {
		r->cd = iconv_open("UTF-8", r->encoding);
		if (r->cd == (iconv_t)-1) {
			diag_at(d, path, 0, 0, "无法转换编码 %s", r->encoding);
			goto done;
		}
	}
	if (csv_init(&r->parser, CSV_APPEND_NULL) != 0) {
		diag_set(d, "内存不足");
		goto done;
	}
	r->parser_ok = 1;
	if (sniff_delimiter(r, d) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0) {
		csvread_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

void csvread_close(struct csvread *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	if (r->gz)
		gzclose(r->gz);
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->gb != (iconv_t)-1)
		iconv_close(r->gb);
	buf_release(&r->conv);
	if (r->parser_ok)
		csv_free(&r->parser);
	free(r->in);
	buf_release(&r->text);
	buf_release(&r->raw);
	buf_release(&r->fieldbuf);
	free(r->offs);
	free(r->lens);
	free(r->ptrs);
	free(r);
}

const char *csvread_encoding(const struct csvread *r)
{
	return r->encoding;
}

char csvread_delimiter(const struct csvread *r)
{
	return r->delim;
}

unsigned long long csvread_offset(const struct csvread *r)
{
	return r->offset;
}

unsigned long csvread_other_lines(const struct csvread *r, const char **other)
{
	*other = r->primary_gb ? "UTF-8" : "GB18030";
	return r->other_lines;
}

unsigned long csvread_stripped(const struct csvread *r)
{
	return r->stripped;
}

/* Moves r->in into r->text, converting when needed. */
static int convert(struct csvread *r, struct diag *d)
{
	char outb[CHUNK];
	char *ip = r->in;
	size_t il = r->inlen;

	if (r->cd == (iconv_t)-1) {
		if (buf_append(&r->text, r->in, r->inlen) < 0)
			return diag_at(d, r->path, r->line, 0, "内存不足");
		r->offset += r->inlen;
		r->inlen = 0;
		return 0;
	}
	while (il > 0) {
		char *op = outb;
		size_t ol = sizeof outb;
		size_t rc = iconv(r->cd, &ip, &il, &op, &ol);
		if (buf_append(&r->text, outb, (size_t)(op - outb)) < 0)
			return diag_at(d, r->path, r->line, 0, "内存不足");
		if (rc != (size_t)-1)
			continue;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !r->eof)
			break; /* a character cut by the chunk: keep its bytes */
		/* Invalid (or truncated at end of file): mark and skip a byte. */
		buf_puts(&r->text, "\xEF\xBF\xBD");
		r->replaced++;
		ip++;
		il--;
	}
	r->offset += (unsigned long long)(ip - r->in);
	memmove(r->in, ip, il);
	r->inlen = il;
	return 0;
}

/* Reads and converts another chunk. Returns 0, or -1 on error. */
static int fill(struct csvread *r, struct diag *d)
{
	size_t n, want;
	long got;

	/* Drop consumed text first. */
	if (r->pos > 0) {
		memmove(r->text.data, r->text.data + r->pos, r->text.len - r->pos);
		r->text.len -= r->pos;
		r->text.data[r->text.len] = '\0';
		r->pos = 0;
	}
	if (r->inlen > 0 || r->eof)
		if (convert(r, d) < 0)
			return -1;
	if (r->eof)
		return 0;
	want = CHUNK - r->inlen;
	got = read_bytes(r, r->in + r->inlen, want, d);
	if (got < 0)
		return -1;
	n = (size_t)got;
	r->inlen += n;
	if (n < want) /* a short read is the end of the input */
		r->eof = 1;
	return convert(r, d);
}

/* Decodes s as GB18030 into r->conv. Without replace, fails (-1) at the
 * first invalid sequence; with it, puts U+FFFD there and goes on. */
static int gb_line(struct csvread *r, const char *s, size_t n, int replace)
{
	char *ip = (char *)s;
	size_t il = n;

	buf_reset(&r->conv);
	iconv(r->gb, NULL, NULL, NULL, NULL);
	while (il > 0) {
		char out[4096], *op = out;
		size_t ol = sizeof out;
		size_t rc = iconv(r->gb, &ip, &il, &op, &ol);
		int err = errno;
		if (buf_append(&r->conv, out, (size_t)(op - out)) < 0)
			return -1;
		if (rc != (size_t)-1 || err == E2BIG)
			continue;
		if (!replace)
			return -1;
		buf_puts(&r->conv, "\xEF\xBF\xBD");
		ip++;
		il--;
		iconv(r->gb, NULL, NULL, NULL, NULL);
	}
	return r->conv.failed ? -1 : 0;
}

/* Copies s into r->conv with every byte that does not start a valid UTF-8
 * sequence replaced by U+FFFD. */
static void utf8_line(struct csvread *r, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	buf_reset(&r->conv);
	while (i < n) {
		len = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : u[i] >= 0xC0 ? 2 : 0;
		if (len && i + len <= n && parse_utf8_valid(s + i, len)) {
			buf_append(&r->conv, s + i, len);
			i += len;
		} else {
			buf_puts(&r->conv, "\xEF\xBF\xBD");
			i++;
		}
	}
}

/* Whether a line of a GB18030 file is UTF-8 instead: valid UTF-8 whose
 * multi-byte characters are mostly three bytes long (Chinese). GB18030
 * text is valid UTF-8 only by chance, and then mostly in two-byte pairs. */
static int clearly_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	long two = 0, three = 0;

	for (i = 0; i < n; i++) {
		if (u[i] >= 0xC0 && u[i] < 0xE0)
			two++;
		else if (u[i] >= 0xE0 && u[i] < 0xF0)
			three++;
	}
	return three > 0 && three >= two && parse_utf8_valid(s, n);
}

/* Decodes one line of a UTF-8 or GB18030 file: in the file's encoding,
 * else in the other one, else with U+FFFD for the invalid bytes (the record
 * is then rejected: r->rec_bad). */
static void decode_line(struct csvread *r, const char **line, size_t *len)
{
	const char *s = *line;
	size_t n = *len, k;

	if (!r->primary_gb) {
		if (parse_utf8_valid(s, n))
			return;
		if (gb_line(r, s, n, 0) == 0)
			r->other_lines++;
		else {
			utf8_line(r, s, n);
			r->rec_bad = 1;
		}
	} else {
		for (k = 0; k < n && (unsigned char)s[k] < 0x80; k++)
			;
		if (k == n)
			return; /* ASCII */
		if (clearly_utf8(s, n)) {
			r->other_lines++;
			return;
		}
		if (gb_line(r, s, n, 0) < 0) {
			gb_line(r, s, n, 1);
			r->rec_bad = 1;
		}
	}
	*line = r->conv.data ? r->conv.data : "";
	*len = r->conv.len;
}

/* Bytes that may start a character csvread_strip removes. */
static const unsigned char strip_start[256] = {
	0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The length of the character to remove at s[i], or 0. */
static size_t strip_len(const unsigned char *u, size_t i, size_t n)
{
	unsigned char c = u[i];

	if (c < 0x80)
		return 1; /* a C0 control or DEL (strip_start) */
	if (c == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
		return 2; /* C1 controls */
	if (c == 0xD8 && i + 1 < n && u[i + 1] == 0x9C)
		return 2; /* U+061C arabic letter mark */
	if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
	    ((u[i + 2] >= 0x8E && u[i + 2] <= 0x8F) || (u[i + 2] >= 0xAA && u[i + 2] <= 0xAE)))
		return 3; /* U+200E/F, U+202A..202E */
	if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x81 && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9)
		return 3; /* U+2066..2069 */
	if (c == 0xEF && i + 2 < n && u[i + 1] == 0xBB && u[i + 2] == 0xBF)
		return 3; /* U+FEFF: a byte-order mark inside the text */
	return 0;
}

size_t csvread_strip(char *s, size_t n, unsigned long *count)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o, k;

	/* Most lines have nothing to remove: find the first, copy from there. */
	for (;; i++) {
		while (i < n && !strip_start[u[i]])
			i++;
		if (i == n)
			return n;
		if ((k = strip_len(u, i, n)) != 0)
			break;
	}
	o = i;
	while (i < n) {
		k = strip_start[u[i]] ? strip_len(u, i, n) : 0;
		if (k) {
			i += k;
			if (count)
				(*count)++;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

/* The line as records see it: decoded, without invisible controls. */
static void finish_line(struct csvread *r, const char **line, size_t *len)
{
	if (r->bytes_mode)
		decode_line(r, line, len);
	*len = csvread_strip((char *)*line, *len, &r->stripped);
}

/* Finds the next line (ending in \n, \r\n or a lone \r). Returns 1 with the
 * line, 0 at the end of input, -1 on error. */
static int next_line(struct csvread *r, const char **line, size_t *len, struct diag *d)
{
	for (;;) {
		char *s = r->text.data ? r->text.data + r->pos : NULL;
		size_t avail = r->text.len - r->pos;
		char *nl = avail ? memchr(s, '\n', avail) : NULL;
		char *cr = avail ? memchr(s, '\r', nl ? (size_t)(nl - s) : avail) : NULL;
		char *end = NULL;

		if (cr && cr + 1 < s + avail)
			end = cr[1] == '\n' ? cr + 2 : cr + 1;
		else if (!cr && nl)
			end = nl + 1;
		else if (cr && r->eof && r->inlen == 0)
			end = cr + 1;
		if (end) {
			*line = s;
			*len = (size_t)(end - s);
			r->pos += *len;
			finish_line(r, line, len);
			return 1;
		}
		if (r->eof && r->inlen == 0) {
			if (avail == 0)
				return 0;
			*line = s;
			*len = avail;
			r->pos += avail;
			finish_line(r, line, len);
			return 1;
		}
		if (fill(r, d) < 0)
			return -1;
	}
}

static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Whether s holds U+FFFD, which conversion puts where bytes were invalid. */
static int has_replacement(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memchr(p, '\xEF', (size_t)(end - p))) != NULL) {
		if (end - p >= 3 && (unsigned char)p[1] == 0xBF && (unsigned char)p[2] == 0xBD)
			return 1;
		p++;
	}
	return 0;
}

/* Fills rec from the completed record. */
static void emit(struct csvread *r, struct csv_record *rec)
{
	size_t i;
	const char *raw = r->raw.data ? r->raw.data : "";
	size_t n = r->raw.len;
	long first = r->raw_first;

	/* Blank lines skipped by libcsv sit at the front of raw. */
	for (;;) {
		const char *nl = memchr(raw, '\n', n);
		const char *cr = memchr(raw, '\r', n);
		const char *e = nl;
		if (cr && (!nl || cr < nl))
			e = (cr + 1 < raw + n && cr[1] == '\n') ? cr + 1 : cr;
		if (!e || !is_blank(raw, (size_t)(e - raw)))
			break;
		n -= (size_t)(e + 1 - raw);
		raw = e + 1;
		first++;
	}
	while (n && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		n--;
	for (i = 0; i < r->nfields; i++)
		r->ptrs[i] = r->fieldbuf.data + r->offs[i];
	rec->fields = r->ptrs;
	rec->lens = r->lens;
	rec->nfields = r->nfields;
	rec->line = first;
	rec->lines = r->line - first + 1;
	rec->raw = raw;
	rec->rawlen = n;
	rec->unterminated = 0;
	rec->bad_encoding = 0;
	if (r->bytes_mode)
		rec->bad_encoding = r->rec_bad;
	else if (r->replaced)
		rec->bad_encoding = has_replacement(raw, n);
}

static void start_record(struct csvread *r)
{
	buf_reset(&r->raw);
	buf_reset(&r->fieldbuf);
	r->nfields = 0;
	r->done_record = 0;
	r->rec_bad = 0;
	r->raw_first = r->line + 1;
}

int csvread_next(struct csvread *r, struct csv_record *rec, struct diag *d)
{
	const char *line;
	size_t len;
	int got;

	if (r->finished)
		return 0;
	if (r->done_record || r->raw.len == 0)
		start_record(r);
	for (;;) {
		got = next_line(r, &line, &len, d);
		if (got < 0)
			return -1;
		if (got == 0) {
			/* End of input: a last record without a newline, or an open
			 * quote. libcsv reports the latter only in strict mode, which
			 * would also stop at every stray quote, so look at its state:
			 * 2 is FIELD_BEGUN in libcsv.c (stable since 3.0). */
			int open_quote = r->parser.quoted && r->parser.pstate == 2;
			csv_fini(&r->parser, on_field, on_record, r);
			r->finished = 1;
			if (open_quote && r->raw.len > 0) {
				if (!r->done_record)
					on_field(NULL, 0, r);
				r->done_record = 1;
				emit(r, rec);
				rec->unterminated = 1;
				return 1;
			}
			if (r->done_record) {
				emit(r, rec);
				return 1;
			}
			return 0;
		}
		r->line++;
		if (buf_append(&r->raw, line, len) < 0)
			return diag_at(d, r->path, r->raw_first, 0,
				       "记录超过 %zu MiB（可能有未闭合的引号）", MAX_RECORD >> 20);
		if (csv_parse(&r->parser, line, len, on_field, on_record, r) != len)
			return diag_at(d, r->path, r->line, 0, "CSV 解析失败：%s",
				       csv_strerror(csv_error(&r->parser)));
		if (r->fieldbuf.failed)
			return diag_at(d, r->path, r->raw_first, 0, "记录过大或内存不足");
		if (r->done_record) {
			emit(r, rec);
			return 1;
		}
		if (is_blank(r->raw.data, r->raw.len) && r->nfields == 0) {
			/* A blank line: libcsv skipped it; keep raw_first moving. */
			buf_reset(&r->raw);
			r->raw_first = r->line + 1;
		}
	}
}
