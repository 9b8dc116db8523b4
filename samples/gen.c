/* samples/gen.c - deterministic sample exports in kaoping's exchange format.
 * `kpgen county DIR`: a two-year county (x县, 267 grids) shaped like seed 000, with
 * the messiness of real platform exports and a few planted bad rows (listed on
 * stderr and in samples/README.md). `kpgen city DIR`: a clean one-year city
 * (开封市, 3,858 grids, ~4.64M events) shaped like seed 002, for the bench.
 * `kpgen platform DIR`: a small export as a city-management platform hands it
 * over (gen_platform).
 * Own PRNG (splitmix64), no clock: the same arguments give byte-identical files.
 * Depends on libc, libm and glibc iconv (people.csv of the county is GB18030). */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PI	 3.14159265358979323846

static void die(const char *what, const char *subject)
{
	fprintf(stderr, "kpgen: %s '%s'\n", what, subject);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die("out of memory", "calloc");
	return p;
}

/* ---- PRNG: splitmix64, one stream per file so files do not disturb each other */

struct rng {
	uint64_t s;
};

static int g_city;

static uint64_t rng_u64(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static struct rng rng_make(const char *tag)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const char *p = tag; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	struct rng r = {h ^ (g_city ? 0x6369747963697479ull : 0x6B616F70696E6721ull)};
	rng_u64(&r);
	return r;
}

static double rng_unif(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_below(struct rng *r, int n)
{
	return n <= 1 ? 0 : (int)(rng_u64(r) % (uint64_t)n);
}

static int rng_chance(struct rng *r, double p)
{
	return rng_unif(r) < p;
}

static double rng_normal(struct rng *r)
{
	double u1 = rng_unif(r), u2 = rng_unif(r);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * PI * u2);
}

static int rng_pick(struct rng *r, const double *w, int n)
{
	double t = 0;
	for (int i = 0; i < n; i++)
		t += w[i];
	double u = rng_unif(r) * t;
	for (int i = 0; i < n; i++) {
		u -= w[i];
		if (u < 0)
			return i;
	}
	return n - 1;
}

/* Index into a cumulative weight array (cum[n-1] is the total). */
static int rng_cum(struct rng *r, const double *cum, int n)
{
	double u = rng_unif(r) * cum[n - 1];
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int rng_poisson(struct rng *r, double lam)
{
	double L = exp(-lam), p = 1.0;
	int k = 0;
	for (;;) {
		p *= rng_unif(r);
		if (p <= L)
			return k;
		k++;
	}
}

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* Split total into n integer parts proportional to w (largest remainder). */
static void distribute(int total, const double *w, int n, int *out)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += w[i];
	double *rem = xcalloc((size_t)n, sizeof *rem);
	int given = 0;
	for (int i = 0; i < n; i++) {
		double x = total * w[i] / s;
		out[i] = (int)x;
		rem[i] = x - out[i];
		given += out[i];
	}
	while (given < total) {
		int best = 0;
		for (int i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1;
		given++;
	}
	free(rem);
}

/* ---- calendar: day index 0 is 2024-01-01 (a Monday) */

#define Y0    2024
#define NDAYS 1461
static short day_y[NDAYS];
static unsigned char day_m[NDAYS], day_d[NDAYS];

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int dim(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

static void cal_init(void)
{
	int i = 0;
	for (int y = Y0; y < Y0 + 4; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= dim(y, m); d++) {
				day_y[i] = (short)y;
				day_m[i] = (unsigned char)m;
				day_d[i] = (unsigned char)d;
				i++;
			}
}

static int day_index(int y, int m, int d)
{
	int i = 0;
	for (int yy = Y0; yy < y; yy++)
		i += 365 + leap(yy);
	for (int mm = 1; mm < m; mm++)
		i += dim(y, mm);
	return i + d - 1;
}

static int year_days(int y)
{
	return 365 + leap(y);
}

/* ---- output: a CSV writer with its own buffer, line counting, CRLF, BOM, GB18030 */

#define OBUF (1 << 20)

struct out {
	FILE *f; /* the file, or a memory stream when gb */
	char *mem;
	size_t memlen;
	char path[1024];
	const char *name;
	int crlf, gb;
	long line;     /* physical line the next byte is on (header is line 1) */
	long row_line; /* line the current record started on */
	long rows;     /* data rows written */
	int nbad;      /* planted bad rows */
	int nf;	       /* fields in the current record */
	size_t len;
	char *buf;
};

enum { O_CRLF = 1, O_BOM = 2, O_GB = 4 };

static void o_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
		die("cannot write", o->path);
	o->len = 0;
}

static void o_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n > OBUF) {
		o_flush(o);
		if (n > OBUF) {
			if (fwrite(s, 1, n, o->f) != n)
				die("cannot write", o->path);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void o_ch(struct out *o, char c)
{
	if (o->len == OBUF)
		o_flush(o);
	o->buf[o->len++] = c;
}

static struct out *o_open(const char *dir, const char *name, int flags)
{
	struct out *o = xcalloc(1, sizeof *o);
	o->buf = xcalloc(OBUF, 1);
	int n = snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof o->path)
		die("path too long", dir);
	o->name = name;
	o->crlf = !!(flags & O_CRLF);
	o->gb = !!(flags & O_GB);
	o->line = 1;
	o->f = o->gb ? open_memstream(&o->mem, &o->memlen) : fopen(o->path, "wb");
	if (!o->f)
		die("cannot open", o->path);
	if (flags & O_BOM)
		o_put(o, "\xEF\xBB\xBF", 3);
	return o;
}

/* Write the UTF-8 bytes gathered in memory to the file as GB18030. */
static void o_write_gb(struct out *o)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	if (cd == (iconv_t)-1)
		die("iconv cannot convert to", "GB18030");
	FILE *f = fopen(o->path, "wb");
	if (!f)
		die("cannot open", o->path);
	char *in = o->mem;
	size_t inleft = o->memlen;
	char tmp[65536];
	while (inleft > 0) {
		char *op = tmp;
		size_t ol = sizeof tmp;
		size_t rc = iconv(cd, &in, &inleft, &op, &ol);
		if (rc == (size_t)-1 && errno != E2BIG)
			die("text not encodable in GB18030 in", o->path);
		if (fwrite(tmp, 1, (size_t)(op - tmp), f) != (size_t)(op - tmp))
			die("cannot write", o->path);
	}
	char *op = tmp;
	size_t ol = sizeof tmp;
	iconv(cd, NULL, NULL, &op, &ol);
	if (op > tmp && fwrite(tmp, 1, (size_t)(op - tmp), f) != (size_t)(op - tmp))
		die("cannot write", o->path);
	iconv_close(cd);
	if (fclose(f) != 0)
		die("cannot close", o->path);
}

static long o_close(struct out *o)
{
	o_flush(o);
	if (ferror(o->f) | fclose(o->f))
		die("cannot close", o->path);
	if (o->gb) {
		o_write_gb(o);
		free(o->mem);
	}
	long rows = o->rows;
	if (o->nbad)
		fprintf(stderr, "kpgen: %-20s %8ld rows (%d planted bad)\n", o->name, rows,
			o->nbad);
	else
		fprintf(stderr, "kpgen: %-20s %8ld rows\n", o->name, rows);
	free(o->buf);
	free(o);
	return rows;
}

static void o_sep(struct out *o)
{
	if (o->nf++ == 0)
		o->row_line = o->line;
	else
		o_ch(o, ',');
}

/* A field known to need no quoting. */
static void o_text(struct out *o, const char *s)
{
	o_sep(o);
	o_put(o, s, strlen(s));
}

/* Any field: quoted when it holds a comma, quote or line break. */
static void o_field(struct out *o, const char *s)
{
	o_sep(o);
	if (!strpbrk(s, ",\"\r\n")) {
		o_put(o, s, strlen(s));
		return;
	}
	o_ch(o, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			o_ch(o, '"');
		if (*p == '\n')
			o->line++;
		o_ch(o, *p);
	}
	o_ch(o, '"');
}

static void o_blank(struct out *o)
{
	o_sep(o);
}

static int fmt_uint(char *b, unsigned long v, int width)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		t[n++] = '0';
	for (int i = 0; i < n; i++)
		b[i] = t[n - 1 - i];
	return n;
}

static void o_uint_raw(struct out *o, unsigned long v, int width)
{
	char b[24];
	o_put(o, b, (size_t)fmt_uint(b, v, width));
}

static void o_uint(struct out *o, unsigned long v)
{
	o_sep(o);
	o_uint_raw(o, v, 1);
}

/* An id: prefix, then a number zero-padded to width. */
static void o_id(struct out *o, const char *prefix, unsigned long v, int width)
{
	o_sep(o);
	o_put(o, prefix, strlen(prefix));
	o_uint_raw(o, v, width);
}

/* A value in halves: 3 -> "1.5", 4 -> "2". */
static void o_halves(struct out *o, int halves)
{
	o_sep(o);
	o_uint_raw(o, (unsigned long)(halves / 2), 1);
	if (halves % 2)
		o_put(o, ".5", 2);
}

static void o_end(struct out *o)
{
	if (o->crlf)
		o_ch(o, '\r');
	o_ch(o, '\n');
	o->line++;
	o->rows++;
	o->nf = 0;
}

static void o_header(struct out *o, const char *const *cols, int n)
{
	for (int i = 0; i < n; i++)
		o_text(o, cols[i]);
	o_end(o);
	o->rows = 0;
}

/* Date styles: 0 2024-04-29, 1 2024/4/29, 2 2024年4月29日; time: 0 none, 1 HH:MM, 2 HH:MM:SS. */
static void o_dt_raw(struct out *o, int day, int sec, int style, int tf)
{
	if (day < 0 || day >= NDAYS)
		die("date out of range in", o->path);
	char b[48];
	int n = fmt_uint(b, (unsigned long)day_y[day], 4);
	if (style == 0) {
		b[n++] = '-';
		n += fmt_uint(b + n, day_m[day], 2);
		b[n++] = '-';
		n += fmt_uint(b + n, day_d[day], 2);
	} else if (style == 1) {
		b[n++] = '/';
		n += fmt_uint(b + n, day_m[day], 1);
		b[n++] = '/';
		n += fmt_uint(b + n, day_d[day], 1);
	} else {
		memcpy(b + n, "年", 3);
		n += 3;
		n += fmt_uint(b + n, day_m[day], 1);
		memcpy(b + n, "月", 3);
		n += 3;
		n += fmt_uint(b + n, day_d[day], 1);
		memcpy(b + n, "日", 3);
		n += 3;
	}
	if (tf) {
		b[n++] = ' ';
		n += fmt_uint(b + n, (unsigned long)(sec / 3600), 2);
		b[n++] = ':';
		n += fmt_uint(b + n, (unsigned long)(sec / 60 % 60), 2);
		if (tf == 2) {
			b[n++] = ':';
			n += fmt_uint(b + n, (unsigned long)(sec % 60), 2);
		}
	}
	o_put(o, b, (size_t)n);
}

static void o_date(struct out *o, int day, int sec, int style, int tf)
{
	o_sep(o);
	o_dt_raw(o, day, sec, style, tf);
}

/* ---- planted bad rows */

struct bad {
	const char *file;
	long line;
	const char *col;
	const char *why;
};
static struct bad g_bad[32];
static int g_nbad;

/* Call after the first field of the bad row is written and before o_end. */
static void bad_note(struct out *o, const char *col, const char *why)
{
	if (g_nbad == NELEM(g_bad))
		die("too many planted rows in", o->name);
	g_bad[g_nbad++] = (struct bad){o->name, o->row_line, col, why};
	o->nbad++;
}

/* ---- configuration */

struct cfg {
	const char *root_code, *root_name, *place, *lvl, *region;
	int nstreet, ncomm, ngrid, hh_lo, hh_hi;
	int nyear, year[2];
	long events[2];
	double open_scale;
	int n_gw, n_pt, n_lz, n_dy, n_vol, n_team, n_func, n_lzg, ncompany;
	int services[2], wishes[2], complaints[2], projects;
	double wish_done[2];
	int rounds;
	double cov_lo, cov_hi;
	int seq_w;  /* digits of the per-year event number */
	int cutoff; /* day of the export: closures after it are still open */
	int mess;   /* county: real-export messiness and planted bad rows */
	int spread; /* county: quality moves the data enough for every tier and star (SP_*) */
};

/* ---- spread (county): how far quality q (0..1) moves the data. Under the default
 * rules a county then shows every tier and star: most grids in 一档, about a third
 * in 二档, a group of clearly weak grids in 三档, and a few five-star communities. */

#define SP_CQ	      0.53 /* mean community quality */
#define SP_CQ_SD      0.11 /* its spread between communities */
#define SP_GQ_SD      0.07 /* a grid's spread around its community */
#define SP_NWEAK      27   /* clearly weak grids (2025 quality SP_WEAK_LO..SP_WEAK_HI) */
#define SP_WEAK_LO    0.14
#define SP_WEAK_HI    0.28
#define SP_STRUG_WEAK 0.6 /* share of weak grids in the two struggling communities */
#define SP_COV	      1.2 /* door-knock coverage of a round: 1 - SP_COV * (1 - q)^3 */
/* A community's share of the volunteer services and of the report units' projects:
 * households * exp(SP_BUSY * (q - 0.6)) and households * exp(SP_COBUILD * (q - 0.6)). */
#define SP_BUSY	   7.0
#define SP_COBUILD 1.5

/* ---- the world: units, people, companies */

enum { R_GL, R_GW, R_PT, R_LZ, R_DY, R_VOL, R_SEC };
static const char *const ROLE_CN[] = {"网格长",	  "网格员", "兼职网格员", "楼长",
				      "报到党员", "志愿者", "社区书记"};

struct street {
	char code[16], name[48];
	int c0, nc, hh, pop;
};
struct comm {
	char code[20], name[48];
	int street, g0, ng, hh, pop, sec, vol0, nvol, team0, nteam;
	double q[2];
};
struct grid {
	char code[24], name[64];
	int comm, hh, pop, wk0, nwk, lz0, nlz, dy0, ndy;
	double q[2], w[2];
	int weak; /* spread: one of the clearly weak grids */
};
struct person {
	unsigned char role;
	short employer; /* -1 none */
	int grid, comm; /* grid -1 for community-level people */
};
struct company {
	char code[20], name[96];
	int projects, hh, ncomm, comm[4];
	double q;
};

static struct cfg C;
static struct street *S;
static struct comm *CM;
static struct grid *G;
static struct person *P;
static int NP;
static struct company *CO;
static double *EQ; /* quality of each 报到单位 */
static char (*EMP)[96];
static int NEMP;

static const char *const STREET_COUNTY[] = {"城东", "城西", "城南", "城北", "滨河", "新华"};
static const char *const STREET_W[] = {
	"鼓楼",	  "龙亭",   "顺河", "禹王台", "汴京",	"宋城", "铁塔", "繁塔", "包公湖", "清明",
	"御街",	  "曹门",   "宋门", "西门",   "北门",	"南关", "西关", "东关", "新城",	  "大兴",
	"北道门", "相国寺", "州桥", "土街",   "演武厅", "汴河", "五一", "八一", "城西",	  "城东"};
static const char *const STREET_SUF[] = {"", "东", "西", "南", "北"};
static const char *const COMM_W[] = {
	"幸福", "和平", "光明", "红旗", "东风", "朝阳", "建设", "人民",	  "文化",   "新华", "胜利",
	"团结", "向阳", "滨河", "沂河", "花园", "锦绣", "金山", "银河",	  "春晖",   "友谊", "康宁",
	"安居", "长安", "平安", "永安", "富民", "振兴", "兴华", "育才",	  "书香",   "翠园", "桃园",
	"杏林", "梨园", "柳岸", "荷塘", "青年", "五一", "八一", "工农",	  "丰收",   "南关", "北关",
	"西关", "东关", "城隍", "鼓楼", "钟楼", "龙亭", "顺河", "苹果园", "禹王台", "汴京", "宋城",
	"铁塔", "繁塔", "包公", "清明", "御街", "曹门", "宋门", "西门",	  "新城"};
static const char *const COMM_SUF[] = {"", "东", "西", "南", "北", "新村", "花园", "里"};
static const char *const XIAOQU[] = {"锦华苑",	 "金色家园", "阳光花园", "翡翠城",   "御景苑",
				     "书香门第", "滨河花园", "龙湖湾",	 "丽景园",   "和谐家园",
				     "盛世华庭", "香榭丽舍", "紫金城",	 "万豪公寓", "东方明珠",
				     "凤凰城",	 "明珠苑",   "泰和园",	 "康乐小区", "文昌小区"};
/* '$' is the level word (县/市), '@' the place name. */
static const char *const EMPLOYERS[] = {"$审计局",	     "$税务局",
					"国网@供电公司",     "$财政局",
					"$教育和体育局",     "$人民医院",
					"$公安局",	     "$人力资源和社会保障局",
					"$自然资源和规划局", "$住房和城乡建设局",
					"$交通运输局",	     "$水利局",
					"$农业农村局",	     "$商务局",
					"$文化和旅游局",     "$卫生健康局",
					"$应急管理局",	     "$市场监督管理局",
					"$医疗保障局",	     "$统计局",
					"$民政局",	     "$司法局",
					"$城市管理局",	     "$行政审批服务局",
					"$退役军人事务局",   "$委组织部",
					"$委宣传部",	     "$委统战部",
					"$委政法委",	     "$纪委监委",
					"$人民法院",	     "$人民检察院",
					"$总工会",	     "$妇联",
					"中国移动@分公司",   "中国联通@分公司",
					"中国电信@分公司",   "$农商银行",
					"中国银行@支行",     "$自来水公司",
					"$融媒体中心",	     "$第一中学",
					"$中医医院",	     "$发展和改革局"};
static const char *const CO_W[] = {
	"金盾", "银座", "鑫源", "恒信", "华宇", "康居", "安泰", "瑞祥", "顺达", "中和", "宏达",
	"盛世", "万家", "嘉禾", "天润", "祥和", "永安", "诚信", "德馨", "丰泽", "福满", "广厦",
	"海纳", "鸿运", "佳园", "锦程", "君悦", "凯旋", "龙腾", "美好", "明德", "宁馨", "鹏程",
	"齐心", "润泽", "三和", "盛源", "泰安", "温馨", "欣悦", "怡家", "兆丰", "正阳"};
static const char *const CO_SUF[] = {"",     "嘉园", "佳居", "城市", "恒业", "新城",
				     "华庭", "智慧", "阳光", "正泰", "同心"};

static void cat3(char *dst, size_t n, const char *a, const char *b, const char *c)
{
	int k = snprintf(dst, n, "%s%s%s", a, b, c);
	if (k < 0 || (size_t)k >= n)
		die("name too long", a);
}

/* Expand '$' and '@' in an employer or company pattern. */
static void expand(char *dst, size_t n, const char *pat)
{
	size_t k = 0;
	for (const char *p = pat; *p && k + 1 < n; p++) {
		const char *s = *p == '$' ? C.lvl : *p == '@' ? C.place : NULL;
		if (s) {
			size_t l = strlen(s);
			if (k + l + 1 >= n)
				break;
			memcpy(dst + k, s, l);
			k += l;
		} else {
			dst[k++] = *p;
		}
	}
	dst[k] = '\0';
}

static void code_child(char *dst, size_t n, const char *parent, int seq)
{
	int k = snprintf(dst, n, "%s%03d", parent, seq);
	if (k < 0 || (size_t)k >= n)
		die("code too long", parent);
}

static int pick_employer(struct rng *r)
{
	/* The first units of the list are the big ones: skew towards them, but
	 * every unit keeps members (evaluations and wishes name each one). */
	int a = rng_below(r, NEMP), b = rng_below(r, NEMP);
	return rng_chance(r, 0.5) && b < a ? b : a;
}

static const char CREDIT_CS[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100-2015 check character of the first 17 characters. */
static char credit_check(const char *code17)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		const char *p = strchr(CREDIT_CS, code17[i]);
		sum += (int)(p - CREDIT_CS) * w[i];
	}
	int c = 31 - sum % 31;
	return CREDIT_CS[c == 31 ? 0 : c];
}

/* spread: exactly SP_NWEAK clearly weak grids, most of the grids of the two
 * struggling communities and the others scattered; they barely improve from
 * one year to the next. */
static void spread_weak(struct rng *r, const int *strug)
{
	int n = 0;
	for (int k = 0; k < 2; k++) {
		const struct comm *m = &CM[strug[k]];
		for (int j = 0; j < m->ng; j++)
			if (rng_chance(r, SP_STRUG_WEAK)) {
				G[m->g0 + j].weak = 1;
				n++;
			}
	}
	while (n < SP_NWEAK) {
		struct grid *x = &G[rng_below(r, C.ngrid)];
		if (!x->weak) {
			x->weak = 1;
			n++;
		}
	}
	for (int i = 0; i < C.ngrid; i++)
		if (G[i].weak) {
			double q = SP_WEAK_LO + (SP_WEAK_HI - SP_WEAK_LO) * rng_unif(r);
			G[i].q[0] = q;
			G[i].q[1] = clamp(q + 0.01 + 0.04 * rng_normal(r), 0.03, 0.99);
		}
}

static void build_world(void)
{
	struct rng r = rng_make("world");
	S = xcalloc((size_t)C.nstreet, sizeof *S);
	CM = xcalloc((size_t)C.ncomm, sizeof *CM);
	G = xcalloc((size_t)C.ngrid, sizeof *G);

	/* Streets, communities per street, grids per community. */
	double *w = xcalloc((size_t)(C.ngrid + C.ncomm + C.nstreet), sizeof *w);
	int *cnt = xcalloc((size_t)(C.ngrid + C.ncomm + C.nstreet), sizeof *cnt);
	for (int i = 0; i < C.nstreet; i++)
		w[i] = 0.75 + 0.5 * rng_unif(&r);
	distribute(C.ncomm, w, C.nstreet, cnt);
	int c = 0;
	for (int i = 0; i < C.nstreet; i++) {
		struct street *s = &S[i];
		code_child(s->code, sizeof s->code, C.root_code, i + 1);
		if (C.nstreet <= NELEM(STREET_COUNTY) && !g_city)
			cat3(s->name, sizeof s->name, STREET_COUNTY[i], "", "街道");
		else
			cat3(s->name, sizeof s->name, STREET_W[i % NELEM(STREET_W)],
			     STREET_SUF[(i / NELEM(STREET_W)) % NELEM(STREET_SUF)], "街道");
		s->c0 = c;
		s->nc = cnt[i];
		for (int k = 0; k < s->nc; k++, c++) {
			struct comm *m = &CM[c];
			m->street = i;
			code_child(m->code, sizeof m->code, s->code, k + 1);
			cat3(m->name, sizeof m->name, COMM_W[c % NELEM(COMM_W)],
			     COMM_SUF[(c / NELEM(COMM_W)) % NELEM(COMM_SUF)], "社区");
		}
	}
	for (int i = 0; i < C.ncomm; i++)
		w[i] = 0.7 + 0.6 * rng_unif(&r);
	distribute(C.ngrid, w, C.ncomm, cnt);
	/* spread: the qualities come from a stream of their own, so that the world
	 * (households, people, companies) is the same as without it. */
	struct rng rq = rng_make("quality");
	int strug[2] = {-1, -1}; /* spread: two struggling communities */
	if (C.spread) {
		strug[0] = rng_below(&rq, C.ncomm);
		do
			strug[1] = rng_below(&rq, C.ncomm);
		while (strug[1] == strug[0]);
	}
	int g = 0;
	for (int i = 0; i < C.ncomm; i++) {
		struct comm *m = &CM[i];
		double cq = clamp(0.62 + 0.14 * rng_normal(&r), 0.2, 0.95);
		double trend = 0.035 + 0.04 * rng_normal(&r);
		int struggling = i == strug[0] || i == strug[1];
		if (C.spread) {
			cq = struggling ? 0.40 + 0.08 * rng_unif(&rq)
					: clamp(SP_CQ + SP_CQ_SD * rng_normal(&rq), 0.3, 0.95);
			trend = 0.035 + 0.04 * rng_normal(&rq);
		}
		m->g0 = g;
		m->ng = cnt[i];
		for (int k = 0; k < m->ng; k++, g++) {
			struct grid *x = &G[g];
			x->comm = i;
			code_child(x->code, sizeof x->code, m->code, k + 1);
			char num[16];
			snprintf(num, sizeof num, "%d", k + 1);
			cat3(x->name, sizeof x->name, m->name, "第", num);
			size_t l = strlen(x->name);
			snprintf(x->name + l, sizeof x->name - l, "网格");
			x->hh = C.hh_lo + rng_below(&r, C.hh_hi - C.hh_lo + 1);
			x->pop = (int)(x->hh * (2.5 + 0.7 * rng_unif(&r)));
			double q = clamp(cq + 0.10 * rng_normal(&r), 0.05, 0.98);
			if (rng_chance(&r, 0.07)) /* the clearly weak grids */
				q = 0.08 + 0.2 * rng_unif(&r);
			x->q[0] = q;
			x->q[1] = clamp(q + trend + 0.04 * rng_normal(&r), 0.03, 0.99);
			if (C.spread) { /* near the community (the weak grids come below) */
				q = clamp(cq + SP_GQ_SD * rng_normal(&rq), 0.3, 0.98);
				x->q[0] = q;
				x->q[1] = clamp(q + trend + 0.04 * rng_normal(&rq), 0.03, 0.99);
			}
			m->hh += x->hh;
			m->pop += x->pop;
		}
		S[m->street].hh += m->hh;
		S[m->street].pop += m->pop;
	}
	if (C.spread)
		spread_weak(&rq, strug);
	for (int i = 0; i < C.ncomm; i++) {
		struct comm *m = &CM[i];
		for (int y = 0; y < 2; y++) {
			double s = 0;
			for (int k = 0; k < m->ng; k++)
				s += G[m->g0 + k].q[y] * G[m->g0 + k].hh;
			m->q[y] = s / m->hh;
		}
	}

	/* People: per community the 社区书记, per grid its workers, 楼长 and 报到党员,
	 * then the community's volunteers, so each group is a contiguous range. */
	int *gw = xcalloc((size_t)C.ngrid, sizeof *gw), *pt = xcalloc((size_t)C.ngrid, sizeof *pt);
	int *lz = xcalloc((size_t)C.ngrid, sizeof *lz), *dy = xcalloc((size_t)C.ngrid, sizeof *dy);
	int *vol = xcalloc((size_t)C.ncomm, sizeof *vol),
	    *team = xcalloc((size_t)C.ncomm, sizeof *team);
	for (int i = 0; i < C.ngrid; i++)
		w[i] = 0.8 + 0.4 * rng_unif(&r);
	distribute(C.n_gw, w, C.ngrid, gw);
	for (int i = 0; i < C.ngrid; i++)
		w[i] = rng_unif(&r);
	distribute(C.n_pt, w, C.ngrid, pt);
	for (int i = 0; i < C.ngrid; i++)
		w[i] = G[i].hh * (0.8 + 0.4 * rng_unif(&r));
	distribute(C.n_lz, w, C.ngrid, lz);
	for (int i = 0; i < C.ngrid; i++)
		w[i] = G[i].hh * (0.6 + 0.8 * rng_unif(&r));
	distribute(C.n_dy, w, C.ngrid, dy);
	for (int i = 0; i < C.ncomm; i++)
		w[i] = CM[i].hh * (0.5 + CM[i].q[0]);
	distribute(C.n_vol, w, C.ncomm, vol);
	for (int i = 0; i < C.ncomm; i++)
		w[i] = CM[i].hh;
	distribute(C.n_team, w, C.ncomm, team);

	NEMP = NELEM(EMPLOYERS);
	EMP = xcalloc((size_t)NEMP, sizeof *EMP);
	EQ = xcalloc((size_t)NEMP, sizeof *EQ);
	for (int i = 0; i < NEMP; i++) {
		expand(EMP[i], sizeof EMP[i], EMPLOYERS[i]);
		EQ[i] = clamp(0.72 + 0.15 * rng_normal(&r), 0.2, 0.99);
	}

	int total = C.ncomm * 1 + C.ngrid + C.n_gw + C.n_pt + C.n_lz + C.n_dy + C.n_vol;
	P = xcalloc((size_t)total, sizeof *P);
	int t0 = 0;
	for (int i = 0; i < C.ncomm; i++) {
		struct comm *m = &CM[i];
		m->sec = NP;
		P[NP++] = (struct person){R_SEC, -1, -1, i};
		for (int k = 0; k < m->ng; k++) {
			int gi = m->g0 + k;
			struct grid *x = &G[gi];
			x->wk0 = NP;
			P[NP++] = (struct person){R_GL, -1, gi, i};
			for (int j = 0; j < gw[gi]; j++)
				P[NP++] = (struct person){R_GW, -1, gi, i};
			for (int j = 0; j < pt[gi]; j++)
				P[NP++] = (struct person){R_PT, -1, gi, i};
			x->nwk = NP - x->wk0;
			x->lz0 = NP;
			for (int j = 0; j < lz[gi]; j++)
				P[NP++] = (struct person){R_LZ, -1, gi, i};
			x->nlz = NP - x->lz0;
			x->dy0 = NP;
			for (int j = 0; j < dy[gi]; j++)
				P[NP++] = (struct person){R_DY, (short)pick_employer(&r), gi, i};
			x->ndy = NP - x->dy0;
		}
		m->vol0 = NP;
		for (int j = 0; j < vol[i]; j++)
			P[NP++] = (struct person){R_VOL, -1, -1, i};
		m->nvol = NP - m->vol0;
		m->team0 = t0;
		m->nteam = team[i] ? team[i] : 1;
		t0 += m->nteam;
	}

	/* Property companies: a few clearly excellent, a few clearly bad. */
	CO = xcalloc((size_t)C.ncompany + 1, sizeof *CO);
	int nspecial = C.ncompany / 13 > 3 ? C.ncompany / 13 : 3;
	for (int i = 0; i < C.ncompany; i++) {
		struct company *co = &CO[i];
		char pat[96];
		snprintf(pat, sizeof pat, "@%s%s物业服务有限公司", CO_W[i % NELEM(CO_W)],
			 CO_SUF[(i / NELEM(CO_W)) % NELEM(CO_SUF)]);
		expand(co->name, sizeof co->name, pat);
		char c17[18];
		snprintf(c17, sizeof c17, "91%s", C.region);
		for (int k = 8; k < 17; k++)
			c17[k] = CREDIT_CS[rng_below(&r, k == 16 ? 10 : 31)];
		c17[17] = '\0';
		snprintf(co->code, sizeof co->code, "%s%c", c17, credit_check(c17));
		co->ncomm = 1 + rng_below(&r, 4);
		for (int k = 0; k < co->ncomm; k++) {
			int again;
			do {
				co->comm[k] = rng_below(&r, C.ncomm);
				again = 0;
				for (int j = 0; j < k; j++)
					again |= co->comm[j] == co->comm[k];
			} while (again);
		}
		co->projects = co->ncomm + rng_below(&r, 6);
		co->hh = co->projects * (300 + rng_below(&r, 700));
		co->q = clamp(0.78 + 0.06 * rng_normal(&r), 0.62, 0.9);
	}
	/* Spread the special ones over the list: excellent at 5, 18, 31..., bad at 11, 24, 37... */
	for (int k = 0; k < nspecial; k++) {
		int e = (5 + 13 * k) % C.ncompany, b = (11 + 13 * k) % C.ncompany;
		CO[e].q = 0.95 + 0.03 * rng_unif(&r);
		CO[b].q = 0.40 + 0.08 * rng_unif(&r);
	}
	free(w);
	free(cnt);
	free(gw);
	free(pt);
	free(lz);
	free(dy);
	free(vol);
	free(team);
}

/* ---- names, phones, ID numbers */

static const char SURN[] =
	"王张刘李徐孙杜陈杨赵黄周吴胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
	"蔡贾丁魏薛叶阎余潘戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
	"钱汤尹黎易常武乔贺赖龚文庞颜";
static const char GIV_M[] =
	"伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清"
	"飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善"
	"厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家"
	"致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘";
static const char GIV_F[] =
	"秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺"
	"媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹蓉眉"
	"君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希欣飘育滢馥筠柔竹霭凝晓欢霄枫"
	"芸菲寒伊亚宜可舒影丽阳妮宝";
/* Outside GB2312, inside GBK/GB18030. */
static const char RARE[] = "喆堃犇琍昇";

static void put_cjk(char *dst, int *n, const char *pool, int idx)
{
	memcpy(dst + *n, pool + 3 * idx, 3);
	*n += 3;
}

static void make_name(struct rng *r, int male, char *dst)
{
	int n = 0, ns = (int)(sizeof SURN - 1) / 3;
	int a = rng_below(r, ns), b = rng_below(r, ns);
	put_cjk(dst, &n, SURN, a < b ? a : b);
	const char *pool = male ? GIV_M : GIV_F;
	int np = (int)strlen(pool) / 3, len = rng_chance(r, 0.65) ? 2 : 1;
	for (int i = 0; i < len; i++) {
		if (rng_chance(r, 0.0025))
			put_cjk(dst, &n, RARE, rng_below(r, 5));
		else
			put_cjk(dst, &n, pool, rng_below(r, np));
	}
	dst[n] = '\0';
}

static void make_phone(struct rng *r, char *dst)
{
	static const char *const pre[] = {
		"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
		"153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181",
		"182", "183", "185", "186", "187", "188", "189", "191", "198", "199"};
	memcpy(dst, pre[rng_below(r, NELEM(pre))], 3);
	for (int i = 3; i < 11; i++)
		dst[i] = (char)('0' + rng_below(r, 10));
	dst[11] = '\0';
}

/* An 18-character ID number with its ISO 7064 MOD 11-2 check character. */
static void make_idcard(struct rng *r, int male, char *dst)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char *const other[] = {"371302", "371311", "371312", "371322",
					    "371323", "370102", "410203", "410204"};
	const char *region = rng_chance(r, 0.8) ? C.region : other[rng_below(r, NELEM(other))];
	int y = 1958 + rng_below(r, 45), m = 1 + rng_below(r, 12), d = 1 + rng_below(r, dim(y, m));
	memcpy(dst, region, 6);
	fmt_uint(dst + 6, (unsigned long)y, 4);
	fmt_uint(dst + 10, (unsigned long)m, 2);
	fmt_uint(dst + 12, (unsigned long)d, 2);
	fmt_uint(dst + 14, (unsigned long)rng_below(r, 100), 2);
	dst[16] = (char)('0' + 2 * rng_below(r, 5) + (male ? 1 : 0));
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (dst[i] - '0') * w[i];
	dst[17] = "10X98765432"[sum % 11];
	dst[18] = '\0';
}

/* Boolean in one of the export forms: 0 是/否, 1 Y/N, 2 1/0, 3 true/false. */
static const char *bool_str(int v, int form)
{
	static const char *const t[4][2] = {
		{"否", "是"}, {"N", "Y"}, {"0", "1"}, {"false", "true"}};
	return t[form][v ? 1 : 0];
}

static int bool_form(struct rng *r)
{
	static const double w[] = {55, 15, 15, 15};
	return C.mess ? rng_pick(r, w, 4) : 0;
}

/* Date style of a row: mostly ISO, some slash and Chinese forms. */
static int date_style(struct rng *r)
{
	static const double w[] = {70, 18, 12};
	return C.mess ? rng_pick(r, w, 3) : 0;
}

static void o_person_id(struct out *o, int p)
{
	o_id(o, "P", (unsigned long)p + 1, 5);
}

/* ---- files */

static void gen_units(const char *dir)
{
	static const char *const cn[] = {"单元编码", "名称", "层级", "上级编码", "户数", "人口"};
	static const char *const en[] = {"code",   "name",	 "level",
					 "parent", "households", "population"};
	struct out *o = o_open(dir, "units.csv", 0);
	o_header(o, C.mess ? cn : en, 6);
	char num[32];
	int hh = 0, pop = 0;
	for (int i = 0; i < C.nstreet; i++) {
		hh += S[i].hh;
		pop += S[i].pop;
	}
	/* Thousands separators on the county and street populations in the county sample. */
#define POP(v)                                                                                     \
	do {                                                                                       \
		if (C.mess && (v) >= 1000)                                                         \
			snprintf(num, sizeof num, "%d,%03d", (v) / 1000, (v) % 1000);              \
		else                                                                               \
			snprintf(num, sizeof num, "%d", (v));                                      \
		o_field(o, num);                                                                   \
	} while (0)
	o_text(o, C.root_code);
	o_text(o, C.root_name);
	o_text(o, "区县");
	o_blank(o);
	o_uint(o, (unsigned long)hh);
	POP(pop);
	o_end(o);
	for (int i = 0; i < C.nstreet; i++) {
		struct street *s = &S[i];
		o_text(o, s->code);
		o_text(o, s->name);
		o_text(o, "街道");
		o_text(o, C.root_code);
		o_uint(o, (unsigned long)s->hh);
		POP(s->pop);
		o_end(o);
		for (int k = 0; k < s->nc; k++) {
			struct comm *m = &CM[s->c0 + k];
			o_text(o, m->code);
			o_text(o, m->name);
			o_text(o, "社区");
			o_text(o, s->code);
			o_uint(o, (unsigned long)m->hh);
			o_uint(o, (unsigned long)m->pop);
			o_end(o);
			for (int j = 0; j < m->ng; j++) {
				struct grid *x = &G[m->g0 + j];
				o_text(o, x->code);
				o_text(o, x->name);
				o_text(o, "网格");
				o_text(o, m->code);
				o_uint(o, (unsigned long)x->hh);
				if (j == 1)
					o_blank(o); /* population is optional */
				else
					o_uint(o, (unsigned long)x->pop);
				o_end(o);
			}
		}
	}
#undef POP
	if (C.mess) {
		char code[32], parent[32];
		code_child(parent, sizeof parent, C.root_code, C.nstreet + 1);
		code_child(parent + strlen(parent), sizeof parent - strlen(parent), "", 1);
		code_child(code, sizeof code, parent, 1);
		o_text(o, code);
		o_text(o, "新区社区第1网格");
		o_text(o, "网格");
		o_text(o, parent);
		o_uint(o, 296);
		o_uint(o, 801);
		bad_note(o, "上级编码", "parent code is not in units.csv (there is no street 007)");
		o_end(o);
	}
	o_close(o);
}

static void gen_companies(const char *dir)
{
	static const char *const cn[] = {"统一社会信用代码", "企业名称", "在管小区数", "服务户数"};
	static const char *const en[] = {"code", "name", "projects", "households"};
	struct out *o = o_open(dir, "companies.csv", 0);
	o_header(o, C.mess ? cn : en, 4);
	for (int i = 0; i < C.ncompany; i++) {
		struct company *co = &CO[i];
		o_text(o, co->code);
		o_text(o, co->name);
		o_uint(o, (unsigned long)co->projects);
		o_uint(o, (unsigned long)co->hh);
		o_end(o);
		if (C.mess && i == C.ncompany / 2) {
			/* A company with a wrong check character; nothing else refers to it. */
			char code[20];
			memcpy(code, "91", 2);
			memcpy(code + 2, C.region, 6);
			memcpy(code + 8, "MA3C7Q2X", 8);
			code[16] = '5';
			code[17] = '\0';
			char ok = credit_check(code);
			const char *p = strchr(CREDIT_CS, ok);
			code[17] = CREDIT_CS[((p - CREDIT_CS) + 7) % 31];
			code[18] = '\0';
			o_text(o, code);
			char name[96];
			expand(name, sizeof name, "@诚达物业服务有限公司");
			o_text(o, name);
			o_uint(o, 3);
			o_uint(o, 1260);
			bad_note(o, "统一社会信用代码", "GB 32100-2015 check character is wrong");
			o_end(o);
		}
	}
	o_close(o);
}

static void gen_branches(const char *dir)
{
	static const char *const cn[] = {"名称",     "党组织编码", "类型",
					 "所属单元", "党员数",	   "所属企业"};
	static const char *const en[] = {"name", "code", "kind", "unit", "members", "company"};
	struct rng r = rng_make("branches");
	struct out *o = o_open(dir, "branches.csv", 0);
	o_header(o, C.mess ? cn : en, 6);
	int seq = 0;
	char name[160];
	for (int i = 0; i < C.ncomm; i++) {
		struct comm *m = &CM[i];
		cat3(name, sizeof name, m->name, "党委", "");
		o_text(o, name);
		o_id(o, "DZ", (unsigned long)++seq, 5);
		o_text(o, "社区党委");
		o_text(o, m->code);
		o_uint(o, (unsigned long)(30 + m->hh / 40 + rng_below(&r, 30)));
		o_blank(o);
		o_end(o);
		if (C.mess && i == 7) {
			char code[32];
			snprintf(code, sizeof code, "%s099", S[0].code);
			o_text(o, "长青社区党委");
			o_id(o, "DZ", 90001, 5);
			o_text(o, "社区党委");
			o_text(o, code);
			o_uint(o, 45);
			o_blank(o);
			bad_note(o, "所属单元", "unit code is not in units.csv");
			o_end(o);
		}
	}
	for (int i = 0; i < C.ngrid; i++) {
		cat3(name, sizeof name, G[i].name, "党支部", "");
		o_text(o, name);
		o_id(o, "DZ", (unsigned long)++seq, 5);
		o_text(o, "网格党支部");
		o_text(o, G[i].code);
		o_uint(o, (unsigned long)(5 + G[i].hh / 25 + rng_below(&r, 10)));
		o_blank(o);
		o_end(o);
	}
	/* 功能型党支部 in distinct grids (every k-th grid, rotated by a random step). */
	int step = C.ngrid / C.n_func;
	if (step < 1)
		step = 1;
	for (int k = 0; k < C.n_func; k++) {
		int gi = (k * step + rng_below(&r, step)) % C.ngrid;
		cat3(name, sizeof name, CM[G[gi].comm].name, XIAOQU[rng_below(&r, NELEM(XIAOQU))],
		     "功能型党支部");
		o_text(o, name);
		o_id(o, "DZ", (unsigned long)++seq, 5);
		o_text(o, "功能型党支部");
		o_text(o, G[gi].code);
		o_uint(o, (unsigned long)(6 + rng_below(&r, 20)));
		o_blank(o);
		o_end(o);
	}
	double *w = xcalloc((size_t)C.ngrid, sizeof *w);
	int *n = xcalloc((size_t)C.ngrid, sizeof *n);
	for (int i = 0; i < C.ngrid; i++)
		w[i] = G[i].hh * (0.5 + rng_unif(&r));
	distribute(C.n_lzg, w, C.ngrid, n);
	for (int i = 0; i < C.ngrid; i++)
		for (int k = 0; k < n[i]; k++) {
			char num[16];
			snprintf(num, sizeof num, "%d", 1 + k * 2 + rng_below(&r, 2));
			cat3(name, sizeof name, G[i].name, num, "号楼党小组");
			o_text(o, name);
			o_id(o, "DZ", (unsigned long)++seq, 5);
			o_text(o, "楼栋党小组");
			o_text(o, G[i].code);
			o_uint(o, (unsigned long)(3 + rng_below(&r, 7)));
			o_blank(o);
			o_end(o);
		}
	free(w);
	free(n);
	for (int i = 0; i < C.ncompany; i++) {
		struct company *co = &CO[i];
		cat3(name, sizeof name, co->name, "党支部", "");
		o_text(o, name);
		o_id(o, "DZ", (unsigned long)++seq, 5);
		o_text(o, "物业企业党支部");
		o_text(o, CM[co->comm[0]].code);
		o_uint(o, (unsigned long)(3 + rng_below(&r, 12)));
		o_text(o, co->code);
		o_end(o);
	}
	o_close(o);
}

static void gen_people(const char *dir)
{
	/* Columns deliberately not in SPEC order. */
	static const char *const cn[] = {"姓名",   "人员编号", "所属单元", "角色",
					 "手机号", "身份证号", "是否党员", "报到单位"};
	static const char *const en[] = {"name",  "id",	     "unit",	     "role",
					 "phone", "id_card", "party_member", "employer"};
	static const double party_p[] = {1.0, 0.45, 0.2, 0.55, 1.0, 0.3, 1.0};
	struct rng r = rng_make("people");
	struct out *o = o_open(dir, "people.csv", C.mess ? O_GB : 0);
	o_header(o, C.mess ? cn : en, 8);
	char name[32], phone[16], idc[20];
	for (int i = 0; i < NP; i++) {
		const struct person *p = &P[i];
		int male = rng_chance(&r, p->role == R_VOL ? 0.4 : 0.55);
		make_name(&r, male, name);
		make_phone(&r, phone);
		make_idcard(&r, male, idc);
		o_text(o, name);
		o_person_id(o, i);
		o_text(o, p->grid >= 0 ? G[p->grid].code : CM[p->comm].code);
		o_text(o, ROLE_CN[p->role]);
		if (rng_chance(&r, 0.04))
			o_blank(o);
		else
			o_text(o, phone);
		if ((p->role == R_VOL || p->role == R_LZ) && rng_chance(&r, 0.1))
			o_blank(o);
		else
			o_text(o, idc);
		o_text(o, bool_str(rng_chance(&r, party_p[p->role]), bool_form(&r)));
		if (p->employer >= 0)
			o_text(o, EMP[p->employer]);
		else
			o_blank(o);
		o_end(o);
		if (C.mess && i == NP / 3) {
			make_name(&r, 0, name);
			o_text(o, name);
			o_id(o, "P", 90001, 5);
			o_text(o, CM[3].code);
			o_text(o, "保洁员");
			make_phone(&r, phone);
			o_text(o, phone);
			o_blank(o);
			o_text(o, "否");
			o_blank(o);
			bad_note(o, "角色", "unknown role 保洁员");
			o_end(o);
		}
	}
	o_close(o);
}

/* Events ------------------------------------------------------------------ */

static const char *const CATS[] = {"环境卫生", "乱堆乱放", "矛盾纠纷", "安全隐患",
				   "露天垃圾", "店外经营", "违规建设"};
static const double CATW[] = {25, 20, 15, 15, 10, 10, 5};
static const char *const SRCS[] = {"网格员上报", "随手拍", "12345热线", "巡查"};
static const double SRCW[] = {70, 12, 10, 8};
static const char *const LEVELS[] = {"网格", "社区", "街道", "部门", "区级"};
static const double MONTHF[] = {0.82, 0.70, 0.95, 1.02, 1.08, 1.15,
				1.20, 1.18, 1.05, 1.00, 0.95, 0.90};
static const double HOURW[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 3, 7, 9, 9,	7,
				 4,   4,   7,	8,   8,	  7,   5, 3, 2, 1, 0.6, 0.3};

static double weekday_f(int day)
{
	return day % 7 >= 5 ? 0.82 : 1.07;
}

static double cat_w[12][NELEM(CATS)];

static void event_tables(void)
{
	for (int m = 0; m < 12; m++)
		for (int c = 0; c < NELEM(CATS); c++) {
			double f = 1.0;
			if ((c == 0 || c == 4) && m >= 5 && m <= 7)
				f = 1.35; /* summer: sanitation, open-air rubbish */
			if (c == 3 && (m == 11 || m <= 1))
				f = 1.4; /* winter: heating and fire hazards */
			if (c == 5 && m >= 4 && m <= 8)
				f = 1.3; /* street stalls in the warm months */
			cat_w[m][c] = CATW[c] * f;
		}
}

struct evrow {
	int grid, cat, src, level, reporter, sat;
	int rday, rsec, cday, csec; /* cday -1: open */
};

static void o_event(struct out *o, const char *id, int year, long seq, const struct evrow *e,
		    int style, int tf)
{
	if (id)
		o_text(o, id);
	else {
		o_sep(o);
		o_ch(o, 'E');
		o_uint_raw(o, (unsigned long)year, 4);
		o_uint_raw(o, (unsigned long)seq, C.seq_w);
	}
	o_text(o, G[e->grid].code);
	o_text(o, CATS[e->cat]);
	o_text(o, SRCS[e->src]);
	o_date(o, e->rday, e->rsec, style, tf);
	if (e->cday >= 0)
		o_date(o, e->cday, e->csec, style, tf);
	else
		o_blank(o);
	o_text(o, LEVELS[e->level]);
	if (e->reporter >= 0)
		o_person_id(o, e->reporter);
	else
		o_blank(o);
	if (e->sat > 0)
		o_uint(o, (unsigned long)e->sat);
	else
		o_blank(o);
}

static int satisfaction(struct rng *r, double t)
{
	double p5 = 0.25 + 0.55 * t, p4 = 0.2;
	if (C.spread) {
		p5 = 0.2 + 0.65 * t;
		p4 = 0.1 + 0.1 * t;
	}
	double rest = 1 - p5 - p4;
	double w[5] = {0.15 * rest, 0.25 * rest, 0.6 * rest, p4, p5};
	return 1 + rng_pick(r, w, 5);
}

/* The planted event with an unknown grid, written by hand (o_event takes a grid index). */
static void event_unknown_grid(struct out *o)
{
	char code[40];
	snprintf(code, sizeof code, "%s009001001", C.root_code);
	o_text(o, "E202590002");
	o_text(o, code);
	o_text(o, "乱堆乱放");
	o_text(o, "随手拍");
	o_text(o, "2025-03-18 14:07");
	o_text(o, "2025-03-18 17:40");
	o_text(o, "网格");
	o_blank(o);
	o_text(o, "4");
	bad_note(o, "所属网格", "grid code is not in units.csv");
	o_end(o);
}

/* The planted bad events of the county (2025): written before normal event seq. */
static void events_bad(struct out *o, long seq, const char *dup_id, long dup_line)
{
	static char why_dup[96];
	struct evrow e = {10, 0, 0, 0, -1, 0, 0, 0, 0, 0};
	e.reporter = G[10].wk0;
	e.rday = day_index(2025, 6, 10);
	e.rsec = 10 * 3600 + 20 * 60;
	e.cday = e.rday;
	e.csec = e.rsec + 3 * 3600;
	switch (seq) {
	case 4000: event_unknown_grid(o); return;
	case 1500:
		o_text(o, "E202590001");
		o_text(o, G[20].code);
		o_text(o, "安全隐患");
		o_text(o, "巡查");
		o_text(o, "2025-13-45 09:12");
		o_blank(o);
		o_text(o, "网格");
		o_blank(o);
		o_blank(o);
		bad_note(o, "上报时间", "2025-13-45 is not a date (month 13, day 45)");
		break;
	case 7000:
		e.grid = 30;
		e.reporter = G[30].wk0;
		e.rday = day_index(2025, 4, 2);
		e.cday = e.rday + 1;
		e.sat = 5;
		o_event(o, dup_id, 0, 0, &e, 0, 2);
		snprintf(why_dup, sizeof why_dup, "duplicate 事件编号 %s (first on line %ld)",
			 dup_id, dup_line);
		bad_note(o, "事件编号", why_dup);
		break;
	case 11000:
		e.grid = 40;
		e.reporter = G[40].wk0;
		e.cday = e.rday - 1;
		e.csec = 16 * 3600 + 5 * 60;
		e.cat = 2;
		o_event(o, "E202590004", 0, 0, &e, 0, 1);
		bad_note(o, "办结时间",
			 "closed (2025-06-09 16:05) before reported (2025-06-10 10:20)");
		break;
	case 15000:
		e.grid = 50;
		e.reporter = G[50].wk0;
		e.sat = 7;
		e.rday = day_index(2025, 8, 21);
		e.cday = e.rday;
		o_event(o, "E202590005", 0, 0, &e, 0, 2);
		bad_note(o, "满意度", "satisfaction 7 is outside 1..5");
		break;
	default: return;
	}
	o_end(o);
}

static void gen_events(const char *dir)
{
	static const char *const cn[] = {"事件编号", "所属网格", "事件类型", "来源",  "上报时间",
					 "办结时间", "办结层级", "上报人",   "满意度"};
	static const char *const en[] = {"id",	   "grid",	  "category",
					 "source", "reported_at", "closed_at",
					 "level",  "reporter",	  "satisfaction"};
	static const double lmed[] = {4 * 3600.0, 26 * 3600.0, 3.5 * 86400, 7 * 86400, 14 * 86400};
	static const double lopen[] = {0.7, 1.0, 1.5, 2.2, 3.0};
	struct rng r = rng_make("events");
	event_tables();
	struct out *o = o_open(dir, "events.csv", C.mess ? O_BOM : 0);
	o_header(o, C.mess ? cn : en, 9);
	char dup_id[24] = "";
	long dup_line = 0;
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		int later = C.nyear > 1 && yi == C.nyear - 1;
		double sumd = 0, sumw = 0;
		for (int d = d0; d < d0 + nd; d++)
			sumd += MONTHF[day_m[d] - 1] * weekday_f(d);
		for (int g = 0; g < C.ngrid; g++) {
			G[g].w[yi] = G[g].hh / 300.0 *
				     (C.spread ? 0.1 + 1.4 * G[g].q[yi] : 0.45 + 0.9 * G[g].q[yi]);
			sumw += G[g].w[yi];
		}
		double k = C.events[yi] / (sumd * sumw);
		long seq = 0;
		for (int d = d0; d < d0 + nd; d++) {
			double f = k * MONTHF[day_m[d] - 1] * weekday_f(d);
			int left = d0 + nd - d; /* days to the end of the year */
			for (int g = 0; g < C.ngrid; g++) {
				const struct grid *x = &G[g];
				double q = x->q[yi];
				int n = rng_poisson(&r, f * x->w[yi]);
				for (int i = 0; i < n; i++) {
					struct evrow e;
					seq++;
					if (C.mess && later)
						events_bad(o, seq, dup_id, dup_line);
					e.grid = g;
					e.rday = d;
					e.rsec = rng_pick(&r, HOURW, 24) * 3600 +
						 rng_below(&r, 3600);
					e.cat = rng_pick(&r, cat_w[day_m[d] - 1], NELEM(CATS));
					double dq =
						0.65 -
						q; /* spread: below (>0) or above the usual grid */
					if (C.spread) {
						/* Weak grids: fewer own reports (residents call
						 * 12345), more escalation, more left open, slower
						 * closure. */
						double sw[] = {66 - 40 * dq, 11, 16 + 20 * dq,
							       7 - 4 * dq};
						e.src = rng_pick(&r, sw, NELEM(sw));
					} else {
						e.src = rng_pick(&r, SRCW, NELEM(SRCW));
					}
					double lw[5] = {65 + 30 * (q - 0.6), 20, 9, 4, 2};
					if (C.spread) {
						lw[0] = 65 - 40 * dq;
						lw[1] = 20 + 12 * dq;
						lw[2] = 9 + 8 * dq;
						lw[3] = 4 + 4 * dq;
						lw[4] = 2 + 2 * dq;
					}
					e.level = rng_pick(&r, lw, 5);
					double popen = C.spread ? 0.004 + 0.2 * pow(1 - q, 2.5)
								: 0.02 + 0.09 * (1 - q) * (1 - q);
					popen *= lopen[e.level] * (later ? 0.85 : 1.0);
					if (left < 20)
						popen += 0.25 * (20 - left) / 20.0;
					e.cday = -1;
					e.csec = 0;
					if (!rng_chance(&r, popen * C.open_scale)) {
						double slow = C.spread ? exp(2.5 * (0.75 - q))
								       : 1.45 - 0.75 * q;
						double dur = lmed[e.level] * slow *
							     (later ? 0.88 : 1.0) *
							     exp(0.85 * rng_normal(&r));
						if (dur < 600)
							dur = 600 + rng_below(&r, 1200);
						long at = (long)d * 86400 + e.rsec + (long)dur;
						if (at / 86400 < C.cutoff) {
							e.cday = (int)(at / 86400);
							e.csec = (int)(at % 86400);
						}
					}
					e.reporter = -1;
					if (e.src == 0)
						e.reporter = x->wk0 + rng_below(&r, x->nwk);
					else if (e.src == 1 && x->nlz > 0 && rng_chance(&r, 0.35))
						e.reporter = x->lz0 + rng_below(&r, x->nlz);
					e.sat = e.cday >= 0 && rng_chance(&r, 0.78)
							? satisfaction(&r, q)
							: 0;
					int style = 0, tf = 2;
					if (C.mess) {
						style = date_style(&r);
						tf = style == 0 && rng_chance(&r, 0.45) ? 2 : 1;
					}
					o_event(o, NULL, y, seq, &e, style, tf);
					if (C.mess && later && seq == 100) {
						snprintf(dup_id, sizeof dup_id, "E%d%05ld", y, seq);
						dup_line = o->row_line;
					}
					o_end(o);
				}
			}
		}
	}
	o_close(o);
}

/* Services ---------------------------------------------------------------- */

static const char *const KINDS[] = {"政策宣讲", "走访调研", "卫生清扫", "扶弱助困",
				    "文明实践", "暖新服务", "就业服务", "创业指导"};
static const double KINDW[] = {20, 18, 22, 16, 16, 8};		    /* the first six kinds */
static const double KINDW_SPREAD[] = {19, 17, 21, 15, 14, 7, 5, 2}; /* spread: all eight */

static double *comm_cum(double (*weight)(int, int), int yi)
{
	double *cum = xcalloc((size_t)C.ncomm, sizeof *cum);
	double t = 0;
	for (int i = 0; i < C.ncomm; i++) {
		t += weight(i, yi);
		cum[i] = t;
	}
	return cum;
}

static double w_active(int i, int yi)
{
	return CM[i].hh * (0.3 + CM[i].q[yi]);
}

static double w_troubled(int i, int yi)
{
	return CM[i].hh * (1.3 - CM[i].q[yi]);
}

/* spread: volunteer teams are far busier in the good communities, */
static double w_busy(int i, int yi)
{
	return CM[i].hh * exp(SP_BUSY * (CM[i].q[yi] - 0.6));
}

/* and the report units rather build projects with them. */
static double w_cobuild(int i, int yi)
{
	return CM[i].hh * exp(SP_COBUILD * (CM[i].q[yi] - 0.6));
}

/* A 报到党员 living in community c, or -1. */
static int pick_dy(struct rng *r, int c)
{
	const struct comm *m = &CM[c];
	for (int tries = 0; tries < 8; tries++) {
		const struct grid *x = &G[m->g0 + rng_below(r, m->ng)];
		if (x->ndy > 0)
			return x->dy0 + rng_below(r, x->ndy);
	}
	return -1;
}

static void gen_services(const char *dir)
{
	static const char *const cn[] = {"服务编号", "服务单元", "服务队", "人员编号",
					 "服务类型", "服务日期", "时长",   "受益人数"};
	static const char *const en[] = {"id",	 "unit", "team",  "person",
					 "kind", "date", "hours", "beneficiaries"};
	static const double hw[] = {4,	14, 10, 20, 10,
				    14, 8,  4,	3,  2}; /* halves 1..10 (0.5..5), then 6, 8 */
	struct rng r = rng_make("services");
	struct out *o = o_open(dir, "services.csv", C.mess ? O_CRLF : 0);
	o_header(o, C.mess ? cn : en, 8);
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		double *cum = comm_cum(C.spread ? w_busy : w_active, yi);
		for (int i = 1; i <= C.services[yi]; i++) {
			int c = rng_cum(&r, cum, C.ncomm);
			const struct comm *m = &CM[c];
			int day = d0 + rng_below(&r, nd);
			if (C.mess && yi == C.nyear - 1 && i == 300) {
				/* A row with too few fields. */
				o_id(o, "S", (unsigned long)y * 100000 + 90001, 9);
				o_text(o, m->code);
				o_text(o, "卫生清扫");
				o_date(o, day, 0, 0, 0);
				bad_note(o, "(row)", "4 fields where the header has 8");
				o_end(o);
			}
			o_id(o, "S", (unsigned long)y * 100000 + (unsigned long)i, 9);
			o_text(o, m->code);
			char team[128], num[16];
			snprintf(num, sizeof num, "%d", 1 + rng_below(&r, m->nteam));
			cat3(team, sizeof team, m->name, "红心志愿服务队第", num);
			size_t l = strlen(team);
			snprintf(team + l, sizeof team - l, "分队");
			o_text(o, team);
			double u = rng_unif(&r);
			int person = -1;
			if (u < 0.45 && m->nvol > 0)
				person = m->vol0 + rng_below(&r, m->nvol);
			else if (u < 0.75)
				person = pick_dy(&r, c);
			if (person >= 0)
				o_person_id(o, person);
			else
				o_blank(o);
			int kind = C.spread ? rng_pick(&r, KINDW_SPREAD, NELEM(KINDW_SPREAD))
					    : rng_pick(&r, KINDW, NELEM(KINDW));
			o_text(o, KINDS[kind]);
			int style = date_style(&r);
			int tf = C.mess && rng_chance(&r, 0.25) ? 1 : 0;
			o_date(o, day, (8 + rng_below(&r, 10)) * 3600 + 1800 * rng_below(&r, 2),
			       style, tf);
			int h = rng_pick(&r, hw, NELEM(hw));
			h = h < 8 ? h + 1 : h == 8 ? 12 : 16;
			if (C.spread &&
			    person < 0) /* a team's activity: its members' hours together */
				h *= 3 + rng_below(&r, 10);
			o_halves(o, h);
			int ben = 3 + (int)exp(3.0 + 0.8 * rng_normal(&r));
			if (ben > 500)
				ben = 500;
			if (C.mess && yi == 0 && i == 50)
				o_text(o, "\xEF\xBC\x91\xEF\xBC\x92"); /* full-width 12 */
			else
				o_uint(o, (unsigned long)ben);
			o_end(o);
		}
		free(cum);
	}
	o_close(o);
}

/* Wishes ------------------------------------------------------------------ */

static const char *const WISHES[] = {"为独居老人更换厨房灯泡",	   "帮助行动不便的老人代购生活用品",
				     "为留守儿童辅导暑期作业",	   "希望得到一套初中数学辅导书",
				     "为困难家庭孩子购买新书包",   "为空巢老人修理漏水的水龙头",
				     "希望有人陪伴老人去医院复查", "为残疾人家庭安装卫生间扶手",
				     "希望学习使用智能手机",	   "为楼道更换感应灯",
				     "为环卫工人送一份清凉",	   "希望有人帮忙疏通下水道",
				     "为低保户家庭修理门窗",	   "希望得到一台电风扇",
				     "为高龄老人上门理发",	   "帮助老人办理医保卡",
				     "希望孩子能参加暑期托管",	   "为困难党员送一份慰问品",
				     "希望有人帮忙打扫卫生",	   "为外卖骑手提供歇脚饮水点",
				     "希望得到一副老花镜",	   "为独居老人安装燃气报警器",
				     "希望有人教老人视频通话",	   "为孩子寻找一位钢琴启蒙老师"};

static void gen_wishes(const char *dir)
{
	static const char *const cn[] = {"心愿编号", "所属社区", "内容",   "发布时间",
					 "认领时间", "完成时间", "认领人", "评价"};
	static const char *const en[] = {"id",	       "unit",	       "content",    "published_at",
					 "claimed_at", "completed_at", "claimed_by", "rating"};
	static const double rw[] = {0.5, 1, 4, 17, 78};
	struct rng r = rng_make("wishes");
	struct out *o = o_open(dir, "wishes.csv", 0);
	o_header(o, C.mess ? cn : en, 8);
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		int last = yi == C.nyear - 1;
		double *cum = comm_cum(w_active, yi);
		for (int i = 1; i <= C.wishes[yi]; i++) {
			int c = rng_cum(&r, cum, C.ncomm);
			if (C.mess && last && i == 40) {
				o_id(o, "W", (unsigned long)y * 100000 + 90001, 9);
				o_text(o, CM[c].code);
				o_text(o, "为独居老人购买米面油");
				o_text(o, "2025-03-10");
				o_blank(o);
				o_text(o, "2025-03-05");
				o_blank(o);
				o_blank(o);
				bad_note(o, "完成时间",
					 "completed (2025-03-05) before published (2025-03-10)");
				o_end(o);
			}
			o_id(o, "W", (unsigned long)y * 100000 + (unsigned long)i, 9);
			o_text(o, CM[c].code);
			if (C.mess && last && i == 500)
				o_field(o, "需要轮椅1台,拐杖1副");
			else if (C.mess && last && i == 900)
				o_field(o, "希望有人辅导孩子数学\n周六上午即可");
			else
				o_field(o, WISHES[rng_below(&r, NELEM(WISHES))]);
			int style = date_style(&r), tf = C.mess && rng_chance(&r, 0.3) ? 1 : 0;
			int pub = d0 + rng_below(&r, nd - 20);
			int psec = (8 + rng_below(&r, 12)) * 3600 + 60 * rng_below(&r, 60);
			double u = rng_unif(&r);
			int claimed = u < C.wish_done[yi] + (1 - C.wish_done[yi]) / 2;
			int done = u < C.wish_done[yi];
			int cday = pub + (rng_chance(&r, 0.5) ? 0 : 1 + rng_below(&r, 6));
			int csec = psec + 3600 * rng_below(&r, 4);
			if (csec >= 86400)
				csec = 86399;
			int fday = cday + 1 + rng_below(&r, 18);
			o_date(o, pub, psec, style, tf);
			if (claimed)
				o_date(o, cday, csec, style, tf);
			else
				o_blank(o);
			if (done)
				o_date(o, fday, (9 + rng_below(&r, 9)) * 3600, style, tf);
			else
				o_blank(o);
			if (!claimed)
				o_blank(o);
			else {
				int p = rng_chance(&r, 0.8) ? pick_dy(&r, c) : -1;
				if (p >= 0)
					o_person_id(o, p);
				else
					o_text(o, EMP[pick_employer(&r)]);
			}
			if (done && rng_chance(&r, 0.92))
				o_uint(o, (unsigned long)(1 + rng_pick(&r, rw, 5)));
			else
				o_blank(o);
			o_end(o);
		}
		free(cum);
	}
	o_close(o);
}

/* Visits (敲门行动): the assessment year only. */
static void gen_visits(const char *dir)
{
	static const char *const en[] = {"id", "grid", "household", "round", "date", "visitor"};
	struct rng r = rng_make("visits");
	struct out *o = o_open(dir, "visits.csv", 0);
	o_header(o, en, 6);
	int yi = C.nyear - 1, y = C.year[yi];
	/* Round windows [from, to) as (month, day) pairs. */
	static const int win5[5][4] = {
		{1, 6, 3, 1}, {3, 1, 5, 1}, {5, 6, 7, 1}, {7, 1, 9, 16}, {9, 20, 12, 1}};
	static const int win1[1][4] = {{3, 1, 7, 1}};
	const int(*win)[4] = C.rounds == 5 ? win5 : win1;
	unsigned long seq = 0;
	for (int rd = 0; rd < C.rounds; rd++) {
		int a = day_index(y, win[rd][0], win[rd][1]),
		    b = day_index(y, win[rd][2], win[rd][3]);
		for (int g = 0; g < C.ngrid; g++) {
			const struct grid *x = &G[g];
			double cov = clamp(C.cov_lo + (C.cov_hi - C.cov_lo) * x->q[yi] +
						   0.03 * rng_normal(&r),
					   C.cov_lo, C.cov_hi);
			if (C.spread) /* the weak grids reach far fewer households */
				cov = clamp(1 - SP_COV * pow(1 - x->q[yi], 3) +
						    0.04 * rng_normal(&r),
					    0.25, C.cov_hi);
			int need = (int)(cov * x->hh + 0.5), left = x->hh;
			/* Each grid does its round in a stretch of 2-5 weeks inside the window. */
			int span = 14 + rng_below(&r, 22);
			if (span > b - a)
				span = b - a;
			int start = a + rng_below(&r, b - a - span + 1);
			for (int h = 1; h <= x->hh; h++, left--) {
				if (rng_below(&r, left) >= need)
					continue;
				need--;
				seq++;
				o_id(o, "V", seq, 6);
				o_text(o, x->code);
				o_id(o, "H", (unsigned long)h, 4);
				o_uint(o, (unsigned long)rd + 1);
				int day = start + rng_below(&r, span);
				if (C.mess && rd == 0 && seq == 500) {
					o_text(o, "2025-02-30");
					bad_note(o, "date", "2025-02-30 is not a date");
				} else {
					o_date(o, day, 0, 0, 0);
				}
				int v = rng_chance(&r, 0.85) || x->nlz == 0
						? x->wk0 + rng_below(&r, x->nwk)
						: x->lz0 + rng_below(&r, x->nlz);
				o_person_id(o, v);
				o_end(o);
			}
		}
	}
	o_close(o);
}

/* Evaluations ------------------------------------------------------------- */

static const char *const METHODS[] = {"微信投票", "电话回访", "座谈会", "问卷"};

static void o_score(struct out *o, struct rng *r, double q, double spread)
{
	double s = 100 * clamp(0.58 + 0.42 * q + spread * rng_normal(r), 0, 1);
	if (rng_chance(r, 0.2))
		o_halves(o, (int)(s * 2 + 0.5));
	else
		o_uint(o, (unsigned long)(s + 0.5));
}

static void gen_evaluations(const char *dir)
{
	static const char *const cn[] = {"评价编号", "对象类型", "对象编码", "评价主体",
					 "方式",     "日期",	 "得分"};
	static const char *const en[] = {"id",	   "target_kind", "target", "evaluator",
					 "method", "date",	  "score"};
	static const double mw_res[] = {40, 30, 10, 20};
	static const double mw_unit[] = {0, 10, 60, 30};
	struct rng r = rng_make("evaluations");
	struct out *o = o_open(dir, "evaluations.csv", 0);
	o_header(o, C.mess ? cn : en, 7);
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		unsigned long seq = 0;
#define EV_HEAD(kind, target, who, mw)                                                             \
	do {                                                                                       \
		o_id(o, "PJ", (unsigned long)y * 100000 + ++seq, 9);                               \
		o_text(o, kind);                                                                   \
		o_text(o, target);                                                                 \
		o_text(o, who);                                                                    \
		o_text(o, METHODS[rng_pick(&r, mw, 4)]);                                           \
		o_date(o, d0 + rng_below(&r, nd), 0, 0, 0);                                        \
	} while (0)
		for (int i = 0; i < C.ncomm; i++) {
			int n = 10 + rng_below(&r, 15);
			for (int k = 0; k < n; k++) {
				double u = rng_unif(&r);
				const char *who = u < 0.9    ? "居民"
						  : u < 0.95 ? "报到单位"
							     : "行业主管";
				EV_HEAD("社区", CM[i].code, who, mw_res);
				if (C.mess && yi == C.nyear - 1 && i == 12 && k == 3) {
					o_uint(o, 120);
					bad_note(o, "得分", "score 120 is outside 0..100");
				} else {
					/* spread: residents tell the communities further apart */
					double q = C.spread ? clamp(0.5 + 1.4 * (CM[i].q[yi] - 0.5),
								    0, 1)
							    : CM[i].q[yi];
					o_score(o, &r, q, 0.05);
				}
				o_end(o);
			}
		}
		for (int i = 0; i < C.ngrid; i++) {
			int n = 2 + rng_below(&r, 5);
			for (int k = 0; k < n; k++) {
				EV_HEAD("网格", G[i].code, "居民", mw_res);
				o_score(o, &r, G[i].q[yi], 0.06);
				o_end(o);
			}
		}
		for (int i = 0; i < C.ncompany; i++) {
			int n = 8 + rng_below(&r, 9);
			for (int k = 0; k < n; k++) {
				EV_HEAD("物业企业", CO[i].code, k < 2 ? "行业主管" : "居民",
					mw_res);
				o_score(o, &r, CO[i].q, 0.05);
				o_end(o);
			}
		}
		for (int i = 0; i < NEMP; i++) {
			int n = C.ncomm / 15 + rng_below(&r, 5) + 2;
			for (int k = 0; k < n; k++) {
				EV_HEAD("报到单位", EMP[i], "社区", mw_unit);
				o_score(o, &r, EQ[i], 0.05);
				o_end(o);
			}
		}
#undef EV_HEAD
	}
	o_close(o);
}

/* Property checks: per company, community served, quarter and criterion. */
static void gen_checks(const char *dir)
{
	static const char *const cn[] = {"企业", "社区", "季度", "考评项目", "得分", "满分"};
	static const char *const en[] = {"company",   "community", "quarter",
					 "criterion", "score",	   "max"};
	static const char *const CRIT[] = {
		"组织建设", "队伍建设", "服务质量", "党员亮牌", "诚信承诺", "安全管理", "环境卫生",
		"绿化养护", "设施维护", "秩序维护", "收费公示", "投诉处理", "业主满意"};
	static const int MAXS[] = {10, 10, 10, 5, 5, 10, 10, 10, 10, 10, 5, 10, 10};
	struct rng r = rng_make("property_checks");
	struct out *o = o_open(dir, "property_checks.csv", 0);
	o_header(o, C.mess ? cn : en, 6);
	int planted = 0;
	for (int i = 0; i < C.ncompany; i++) {
		const struct company *co = &CO[i];
		for (int k = 0; k < co->ncomm; k++) {
			double pair = 0.04 * rng_normal(&r);
			int cn_form = C.mess && (i + k) % 2;
			for (int yi = 0; yi < C.nyear; yi++)
				for (int qt = 1; qt <= 4; qt++)
					for (int c = 0; c < NELEM(CRIT); c++) {
						char quarter[32];
						if (cn_form)
							snprintf(quarter, sizeof quarter,
								 "%d年第%d季度", C.year[yi], qt);
						else
							snprintf(quarter, sizeof quarter, "%dQ%d",
								 C.year[yi], qt);
						o_text(o, co->code);
						o_text(o, CM[co->comm[k]].code);
						o_text(o, quarter);
						o_text(o, CRIT[c]);
						double f = clamp(co->q + pair +
									 0.01 * (yi * 4 + qt - 4) +
									 0.05 * rng_normal(&r),
								 0.2, 1);
						int half = (int)(f * MAXS[c] * 2 + 0.5);
						if (C.mess && !planted && i == 2 &&
						    yi == C.nyear - 1 && qt == 2 && c == 2) {
							o_uint(o, 12);
							o_uint(o, 10);
							bad_note(o, "得分",
								 "score 12 is above its max 10");
							planted = 1;
						} else {
							o_halves(o, half);
							o_uint(o, (unsigned long)MAXS[c]);
						}
						o_end(o);
					}
		}
	}
	o_close(o);
}

/* Complaints -------------------------------------------------------------- */

static void gen_complaints(const char *dir)
{
	static const char *const cn[] = {"id",	     "日期",	 "渠道",     "类别", "涉及社区",
					 "涉及企业", "是否解决", "是否满意", "备注"};
	static const char *const en[] = {"id",	 "date",    "channel",	"category",
					 "unit", "company", "resolved", "satisfied"};
	static const char *const CH[] = {"12345", "信箱", "现场"};
	static const double CHW[] = {60, 20, 20};
	static const char *const CAT[] = {"物业管理", "乱搭乱建", "环境卫生",
					  "噪音扰民", "停车管理", "供暖供水"};
	static const double CATW_[] = {40, 15, 15, 10, 10, 10};
	static const char *const NOTE[] = {"已回访", "重复投诉", "转物业办", "已约谈企业",
					   "居民撤诉"};
	struct rng r = rng_make("complaints");
	struct out *o = o_open(dir, "complaints.csv", 0);
	o_header(o, C.mess ? cn : en, C.mess ? 9 : 8);
	double *cw = xcalloc((size_t)C.ncompany, sizeof *cw);
	for (int i = 0; i < C.ncompany; i++) {
		double b = 1.15 - CO[i].q;
		cw[i] = CO[i].hh * b * b * b;
	}
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		double *cum = comm_cum(w_troubled, yi);
		for (int i = 1; i <= C.complaints[yi]; i++) {
			int cat = rng_pick(&r, CATW_, NELEM(CAT));
			int co = -1, c;
			if (cat == 0 || (cat >= 4 && rng_chance(&r, 0.4))) {
				co = rng_pick(&r, cw, C.ncompany);
				c = CO[co].comm[rng_below(&r, CO[co].ncomm)];
			} else {
				c = rng_cum(&r, cum, C.ncomm);
			}
			double q = co >= 0 ? CO[co].q : CM[c].q[yi];
			double pres = 0.7 + 0.28 * q;
			if (C.spread && co < 0) /* the communities themselves: wider apart */
				pres = clamp(0.55 + 0.5 * q, 0, 0.98);
			int resolved = rng_chance(&r, pres);
			int satisfied =
				resolved ? rng_chance(&r, 0.55 + 0.4 * q) : rng_chance(&r, 0.1);
			int form = bool_form(&r);
			o_id(o, "TS", (unsigned long)y * 10000 + (unsigned long)i, 8);
			o_date(o, d0 + rng_below(&r, nd), 0, 0, 0);
			o_text(o, CH[rng_pick(&r, CHW, 3)]);
			o_text(o, CAT[cat]);
			o_text(o, CM[c].code);
			if (co >= 0)
				o_text(o, CO[co].code);
			else
				o_blank(o);
			if (C.mess && yi == C.nyear - 1 && i == 50) {
				o_text(o, "待定");
				bad_note(o, "是否解决", "待定 is not a boolean");
			} else {
				o_text(o, bool_str(resolved, form));
			}
			o_text(o, bool_str(satisfied, form));
			if (C.mess) {
				if (rng_chance(&r, 0.1))
					o_text(o, NOTE[rng_below(&r, NELEM(NOTE))]);
				else
					o_blank(o);
			}
			o_end(o);
		}
		free(cum);
	}
	free(cw);
	o_close(o);
}

/* Projects (三张清单) ------------------------------------------------------ */

static void gen_projects(const char *dir)
{
	static const char *const en[] = {"id",	  "employer", "community",   "list",
					 "title", "status",   "completed_at"};
	static const char *const LISTS[] = {"资源清单", "需求清单", "项目清单"};
	static const double LW[] = {35, 30, 35};
	static const char *const TITLES[3][6] = {
		{"开放会议室供社区议事", "开放职工食堂为老人助餐", "捐赠图书进社区书屋",
		 "提供免费法律咨询", "组织职工义诊", "开放停车场夜间共享"},
		{"小区路灯维修", "老旧楼道粉刷", "增设电动车充电桩", "修缮小区健身器材",
		 "增设便民座椅", "疏通小区排水管网"},
		{"共建党群服务站", "开展义诊进社区活动", "举办青少年暑期课堂", "建设暖新驿站",
		 "打造红色楼栋", "开展平安社区宣传"}};
	struct rng r = rng_make("projects");
	struct out *o = o_open(dir, "projects.csv", 0);
	o_header(o, en, 7);
	int d0 = day_index(C.year[0], 1, 1), nd = 0;
	for (int yi = 0; yi < C.nyear; yi++)
		nd += year_days(C.year[yi]);
	double *cum = C.spread ? comm_cum(w_cobuild, C.nyear - 1) : NULL;
	for (int i = 1; i <= C.projects; i++) {
		int e = pick_employer(&r), l = rng_pick(&r, LW, 3);
		o_id(o, "XM", (unsigned long)i, 5);
		o_text(o, EMP[e]);
		o_text(o, CM[C.spread ? rng_cum(&r, cum, C.ncomm) : rng_below(&r, C.ncomm)].code);
		o_text(o, LISTS[l]);
		o_text(o, TITLES[l][rng_below(&r, 6)]);
		if (rng_chance(&r, 0.35 + 0.55 * EQ[e])) {
			o_text(o, "完成");
			o_date(o, d0 + rng_below(&r, nd), 0, 0, 0);
		} else {
			o_text(o, "认领");
			o_blank(o);
		}
		o_end(o);
	}
	free(cum);
	o_close(o);
}

/* Incidents: a handful a year; exactly one 重大 against a community and one
 * against a company in the assessment year. */
static void gen_incidents(const char *dir)
{
	static const char *const cn[] = {"id", "date", "target_kind", "target", "等级", "描述"};
	static const char *const en[] = {"id",	   "date",     "target_kind",
					 "target", "severity", "description"};
	static const char *const D_COMM[] = {
		"辖区电动车违规充电引发火情，未造成人员伤亡", "居民集体信访，已妥善化解",
		"汛期小区地下室进水，已组织排险", "辖区一处危房墙体局部坍塌，及时疏散无伤亡"};
	static const char *const D_CO[] = {"在管小区电梯困人，处置超时",
					   "在管小区消防通道长期堵塞，被通报",
					   "擅自提高收费标准，被责令整改"};
	struct rng r = rng_make("incidents");
	struct out *o = o_open(dir, "incidents.csv", 0);
	o_header(o, C.mess ? cn : en, 6);
	/* The vetoed community: the third best of the assessment year; the company: the worst. */
	int ay = C.nyear - 1, best[3] = {-1, -1, -1}, worst = 0;
	for (int i = 0; i < C.ncomm; i++) {
		int c = i;
		for (int k = 0; k < 3; k++)
			if (best[k] < 0 || CM[c].q[ay] > CM[best[k]].q[ay]) {
				int t = best[k];
				best[k] = c;
				c = t;
				if (c < 0)
					break;
			}
	}
	for (int i = 1; i < C.ncompany; i++)
		if (CO[i].q < CO[worst].q)
			worst = i;
	int per_year = g_city ? 30 : 5;
	for (int yi = 0; yi < C.nyear; yi++) {
		int y = C.year[yi], d0 = day_index(y, 1, 1), nd = year_days(y);
		int n = per_year - (yi < ay ? 1 : 0);
		for (int i = 1; i <= n; i++) {
			int major = yi == ay && i > n - 2; /* the last two of the assessment year */
			int on_co = major ? i == n : rng_chance(&r, 0.4);
			const char *sev = major ? "重大" : rng_chance(&r, 0.25) ? "较大" : "一般";
			o_id(o, "ZD", (unsigned long)y * 1000 + (unsigned long)i, 7);
			o_date(o, d0 + rng_below(&r, nd), 0, 0, 0);
			if (on_co) {
				int co = major ? worst : rng_below(&r, C.ncompany);
				o_text(o, "物业企业");
				o_text(o, CO[co].code);
			} else {
				o_text(o, "社区");
				o_text(o, CM[major ? best[2] : rng_below(&r, C.ncomm)].code);
			}
			o_text(o, sev);
			if (major && on_co)
				o_field(o, "在管小区电梯坠落致一人重伤，被列入失信名单");
			else if (major)
				o_field(o,
					"辖区发生一起安全生产责任事故，造成一人死亡，被通报问责");
			else if (on_co)
				o_field(o, D_CO[rng_below(&r, NELEM(D_CO))]);
			else
				o_field(o, D_COMM[rng_below(&r, NELEM(D_COMM))]);
			o_end(o);
		}
		if (C.mess && yi == ay) {
			o_id(o, "ZD", (unsigned long)y * 1000 + 901, 7);
			o_date(o, d0 + 200, 0, 0, 0);
			o_text(o, "社区");
			o_text(o, CM[5].code);
			o_text(o, "特大");
			o_field(o, "等级填写错误的记录");
			bad_note(o, "等级", "特大 is not one of 一般/较大/重大");
			o_end(o);
		}
	}
	o_close(o);
}

/* ---- platform: an export as a city-management platform hands it over */

/* `kpgen platform DIR`: a small district (东城区: 3 streets, 9 communities,
 * 36 grids named 第1网格..第4网格 in every community) as a platform exports
 * it: Chinese file names, a title row above the header, names instead of
 * codes (a unit's parent by name, listed after its children; a case's grid
 * by name with its street and community, or by its full path of names),
 * 案件编号/当前阶段/处置截止时间/处置结束时间, ratings in words and some void
 * cases ([作废], 重复件). 600 cases of 2025. Prints the counts on stdout. */
static void gen_platform(const char *dir)
{
	static const char *const ST[3] = {"东华门街道", "景山街道", "交道口街道"};
	static const char *const SRC[4] = {"网格员上报", "12345热线", "巡查发现", "随手拍"};
	static const char *const CAT[4] = {"市容环境", "街面秩序", "施工管理", "突发事件"};
	static const char *const SAT[5] = {"非常不满意", "不满意", "基本满意", "满意", "非常满意"};
	struct rng r = rng_make("platform");
	char path[4096], comm[64];
	FILE *f;
	int s, c, g, i, nvoid = 0, nopen = 0, nfull = 0;

	snprintf(path, sizeof path, "%s/组织架构.csv", dir);
	f = fopen(path, "w");
	if (!f)
		die("cannot create", path);
	fprintf(f, "东城区网格化管理平台 组织架构导出,,,\n");
	fprintf(f, "单位编码,单位名称,单位层级,上级单位\n");
	/* children first: a parent given by name further down the file */
	for (s = 2; s >= 0; s--)
		for (c = 3; c >= 1; c--) {
			snprintf(comm, sizeof comm, "%.*s第%d社区", (int)(strlen(ST[s]) - 6), ST[s],
				 c);
			for (g = 1; g <= 4; g++)
				fprintf(f, "G%02d%02d%02d,第%d网格,网格,%s\n", s + 1, c, g, g,
					comm);
			fprintf(f, "C%02d%02d,%s,社区,%s\n", s + 1, c, comm, ST[s]);
		}
	for (s = 0; s < 3; s++)
		fprintf(f, "S%02d,%s,街道,东城区\n", s + 1, ST[s]);
	fprintf(f, "D01,东城区,区县,\n");
	if (fclose(f) != 0)
		die("cannot write", path);

	snprintf(path, sizeof path, "%s/网格事件导出.csv", dir);
	f = fopen(path, "w");
	if (!f)
		die("cannot create", path);
	fprintf(f, "网格事件导出（2025年1月1日至2025年12月31日）\n");
	fprintf(f, "序号,案件编号,问题来源,大类名称,所属街道,所属社区,所属网格,上报时间,"
		   "处置截止时间,处置结束时间,当前阶段,回访满意度\n");
	for (i = 0; i < 600; i++) {
		int day = rng_below(&r, 360), hour = 7 + rng_below(&r, 12);
		int limit = rng_chance(&r, 0.5) ? 72 : 168;
		int took = 2 + rng_below(&r, 200);
		int v = rng_chance(&r, 0.05) ? 1 + rng_below(&r, 2) : 0;
		int open = !v && rng_chance(&r, 0.08);
		int full = rng_chance(&r, 0.2);
		int y0 = day_index(2025, 1, 1);
		s = rng_below(&r, 3);
		c = 1 + rng_below(&r, 3);
		g = 1 + rng_below(&r, 4);
		snprintf(comm, sizeof comm, "%.*s第%d社区", (int)(strlen(ST[s]) - 6), ST[s], c);
		fprintf(f, "%d,AJ2025%05d,%s,%s,", i + 1, i + 1, SRC[rng_below(&r, 4)],
			CAT[rng_below(&r, 4)]);
		if (full)
			fprintf(f, ",,%s%s第%d网格,", ST[s], comm, g);
		else
			fprintf(f, "%s,%s,第%d网格,", ST[s], comm, g);
		{
			int d = y0 + day, ss = hour * 3600;
			int dd = d + (ss + limit * 3600) / 86400, ds = (ss + limit * 3600) % 86400;
			int cd = d + (ss + took * 3600) / 86400, cs = (ss + took * 3600) % 86400;
			int yy, mm, dy;
			yy = day_y[d], mm = day_m[d], dy = day_d[d];
			fprintf(f, "%04d-%02d-%02d %02d:00:00,", yy, mm, dy, hour);
			yy = day_y[dd], mm = day_m[dd], dy = day_d[dd];
			fprintf(f, "%04d-%02d-%02d %02d:%02d:00,", yy, mm, dy, ds / 3600,
				ds % 3600 / 60);
			if (open || v) {
				fprintf(f, ",");
			} else {
				yy = day_y[cd], mm = day_m[cd], dy = day_d[cd];
				fprintf(f, "%04d-%02d-%02d %02d:%02d:00,", yy, mm, dy, cs / 3600,
					cs % 3600 / 60);
			}
		}
		fprintf(f, "%s,%s\n",
			v == 1	 ? "[作废]"
			: v == 2 ? "重复件"
			: open	 ? "[处置中]"
				 : "[结案]",
			open || v ? "" : SAT[rng_below(&r, 5)]);
		nvoid += v != 0;
		nopen += open;
		nfull += full;
	}
	if (fclose(f) != 0)
		die("cannot write", path);
	printf("units 49 events 600 void %d open %d full_path %d\n", nvoid, nopen, nfull);
}

/* ---- main */

static void mkdir_p(const char *dir)
{
	char path[1024];
	int n = snprintf(path, sizeof path, "%s", dir);
	if (n < 0 || (size_t)n >= sizeof path)
		die("path too long", dir);
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				die("cannot create directory", path);
			*p = '/';
		}
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		die("cannot create directory", path);
}

static void config(int city)
{
	static const struct cfg county = {.root_code = "371321",
					  .root_name = "x县",
					  .place = "x县",
					  .lvl = "县",
					  .region = "371321",
					  .nstreet = 6,
					  .ncomm = 60,
					  .ngrid = 267,
					  .hh_lo = 220,
					  .hh_hi = 380,
					  .nyear = 2,
					  .year = {2024, 2025},
					  .events = {18200, 19500},
					  .open_scale = 1.0,
					  .n_gw = 662,
					  .n_pt = 51,
					  .n_lz = 1764,
					  .n_dy = 2933,
					  .n_vol = 400,
					  .n_team = 130,
					  .n_func = 120,
					  .n_lzg = 1057,
					  .ncompany = 40,
					  .services = {1000, 1173},
					  .wishes = {1500, 1800},
					  .complaints = {386, 336},
					  .projects = 320,
					  .wish_done = {0.962, 0.986},
					  .rounds = 5,
					  .cov_lo = 0.70,
					  .cov_hi = 1.0,
					  .seq_w = 5,
					  .mess = 1,
					  .spread = 1};
	static const struct cfg kaifeng = {.root_code = "410200",
					   .root_name = "开封市",
					   .place = "开封市",
					   .lvl = "市",
					   .region = "410202",
					   .nstreet = 116,
					   .ncomm = 500,
					   .ngrid = 3858,
					   .hh_lo = 240,
					   .hh_hi = 360,
					   .nyear = 1,
					   .year = {2025},
					   .events = {4638000},
					   .open_scale = 0.055,
					   .n_gw = 3858,
					   .n_pt = 1929,
					   .n_lz = 5000,
					   .n_dy = 4500,
					   .n_vol = 1000,
					   .n_team = 1000,
					   .n_func = 1200,
					   .n_lzg = 4000,
					   .ncompany = 420,
					   .services = {17000},
					   .wishes = {26000},
					   .complaints = {5000},
					   .projects = 4000,
					   .wish_done = {0.98},
					   .rounds = 1,
					   .cov_lo = 0.35,
					   .cov_hi = 0.65,
					   .seq_w = 7,
					   .mess = 0};
	C = city ? kaifeng : county;
	C.cutoff = city ? day_index(2026, 1, 10) : day_index(2026, 1, 15);
}

/* Replaces dir/name with dir/name.gz (gzip -9; zlib writes no time or file
 * name into the header, so the bytes are the same every run). kaoping reads
 * .csv.gz exports directly; the county's door-knock file (one row per
 * household visit, ~17 MB) is kept compressed. */
static void gzip_file(const char *dir, const char *name)
{
	char src[4096], dst[4200], buf[1 << 16];
	FILE *in;
	gzFile out;
	size_t n;

	snprintf(src, sizeof src, "%s/%s", dir, name);
	snprintf(dst, sizeof dst, "%s.gz", src);
	in = fopen(src, "rb");
	out = gzopen(dst, "wb9");
	if (!in || !out) {
		fprintf(stderr, "kpgen: cannot compress %s\n", src);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (gzwrite(out, buf, (unsigned)n) != (int)n) {
			fprintf(stderr, "kpgen: cannot write %s\n", dst);
			exit(1);
		}
	if (ferror(in) || gzclose(out) != Z_OK) {
		fprintf(stderr, "kpgen: cannot write %s\n", dst);
		exit(1);
	}
	fclose(in);
	unlink(src);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "platform") == 0) {
		cal_init();
		mkdir_p(argv[2]);
		gen_platform(argv[2]);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[1], "county") != 0 && strcmp(argv[1], "city") != 0)) {
		fprintf(stderr, "usage: kpgen county|city|platform DIR\n");
		return 2;
	}
	g_city = strcmp(argv[1], "city") == 0;
	const char *dir = argv[2];
	cal_init();
	config(g_city);
	mkdir_p(dir);
	build_world();
	gen_units(dir);
	gen_companies(dir);
	gen_branches(dir);
	gen_people(dir);
	gen_events(dir);
	gen_services(dir);
	gen_wishes(dir);
	gen_visits(dir);
	gen_evaluations(dir);
	gen_checks(dir);
	gen_complaints(dir);
	gen_projects(dir);
	gen_incidents(dir);
	if (!g_city)
		gzip_file(dir, "visits.csv");
	for (int i = 0; i < g_nbad; i++)
		fprintf(stderr, "kpgen: planted %s:%ld: %s: %s\n", g_bad[i].file, g_bad[i].line,
			g_bad[i].col, g_bad[i].why);
	return 0;
}
