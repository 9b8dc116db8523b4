/* parse_test.c - every date, number, boolean and quarter form of SPEC §1,
 * credit-code check digits and masking, with hand-computed expectations. */
#include "parse.h"
#include "buf.h"
#include "test.h"

static const char *date(const char *s, int t)
{
	static char out[20];
	return parse_date(s, strlen(s), t, out) == 0 ? out : "ERR";
}

static const char *num_i(const char *s)
{
	static char out[32];
	int64_t v;
	if (parse_int(s, strlen(s), &v) < 0)
		return "ERR";
	snprintf(out, sizeof out, "%lld", (long long)v);
	return out;
}

static const char *num_r(const char *s)
{
	static char out[32];
	double v;
	if (parse_real(s, strlen(s), &v) < 0)
		return "ERR";
	snprintf(out, sizeof out, "%g", v);
	return out;
}

static int boolv(const char *s)
{
	int v;
	return parse_bool(s, strlen(s), &v) == 0 ? v : -1;
}

static const char *quarter(const char *s)
{
	static char out[7];
	return parse_quarter(s, strlen(s), out) == 0 ? out : "ERR";
}

/* "kind label start end" or "ERR"; back > 0: the period that many before. */
static const char *period(const char *s, int back)
{
	static char out[64];
	struct parse_period p;
	if (parse_period(s, strlen(s), &p) < 0)
		return "ERR";
	if (back)
		parse_period_back(&p, back, &p);
	snprintf(out, sizeof out, "%s %s %s %s", parse_period_kind_name(p.kind), p.label, p.start,
		 p.end);
	return out;
}

static const char *period_words(const char *s)
{
	static char out[64];
	struct parse_period p;
	if (parse_period(s, strlen(s), &p) < 0)
		return "ERR";
	parse_period_words(&p, out, sizeof out);
	return out;
}

static const char *mask(const char *s)
{
	static char out[256];
	parse_mask_personal(s, strlen(s), out, sizeof out);
	return out;
}

static const char *csvf(const char *s)
{
	static char out[256];
	struct buf b;
	buf_init(&b, 0);
	buf_csv_field(&b, s, strlen(s));
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	buf_release(&b);
	return out;
}

int main(void)
{
	/* periods: first and last day, the previous one (环比) and a year before (同比) */
	CHECK_STR(period("2024", 0), "year 2024 2024-01-01 2024-12-31");
	CHECK_STR(period("2024年度", 0), "year 2024 2024-01-01 2024-12-31");
	CHECK_STR(period("2024Q3", 0), "quarter 2024Q3 2024-07-01 2024-09-30");
	CHECK_STR(period("2024年第一季度", 0), "quarter 2024Q1 2024-01-01 2024-03-31");
	CHECK_STR(period("2024-02", 0), "month 2024-02 2024-02-01 2024-02-29");
	CHECK_STR(period("2023-2", 0), "month 2023-02 2023-02-01 2023-02-28");
	CHECK_STR(period("2024年7月", 0), "month 2024-07 2024-07-01 2024-07-31");
	CHECK_STR(period("2024Q1", 1), "quarter 2023Q4 2023-10-01 2023-12-31");
	CHECK_STR(period("2024Q3", 4), "quarter 2023Q3 2023-07-01 2023-09-30");
	CHECK_STR(period("2024-01", 1), "month 2023-12 2023-12-01 2023-12-31");
	CHECK_STR(period("2024-07", 12), "month 2023-07 2023-07-01 2023-07-31");
	CHECK_STR(period("2024", 1), "year 2023 2023-01-01 2023-12-31");
	CHECK_STR(period("2024Q5", 0), "ERR");
	CHECK_STR(period("2024Q0", 0), "ERR");
	CHECK_STR(period("2024-13", 0), "ERR");
	CHECK_STR(period("2024-00", 0), "ERR");
	CHECK_STR(period("24", 0), "ERR");
	CHECK_STR(period("2024-07-01", 0), "ERR");
	CHECK_STR(period("2024年7", 0), "ERR");
	CHECK_STR(period("", 0), "ERR");
	CHECK_STR(period_words("2024"), "2024年度");
	CHECK_STR(period_words("2024Q3"), "2024年第三季度");
	CHECK_STR(period_words("2024-07"), "2024年7月");

	char exp = 0;

	/* dates */
	/* parse_iso: the one reader of the store's normalised dates (hand-computed:
	 * 2024-04-29 is day 19842 since 1970-01-01; 16:03:53 is 57833 s). */
	{
		int64_t t = 0;
		long z = 0;

		CHECK(parse_iso("1970-01-01", &t, &z) == 0 && t == 0 && z == 0);
		CHECK(parse_iso("2024-04-29", &t, &z) == 0 && z == 19842 && t == 19842LL * 86400);
		CHECK(parse_iso("2024-04-29 16:03:53", &t, NULL) == 0 &&
		      t == 19842LL * 86400 + 57833);
		CHECK(parse_iso("2024-04-29 16:03", &t, NULL) == 0 && t == 19842LL * 86400 + 57780);
		CHECK(parse_iso("1969-12-31", &t, &z) == 0 && z == -1 && t == -86400);
		CHECK(parse_iso("2024-13-01", &t, &z) < 0);
		CHECK(parse_iso("2024-04-29 25:00", &t, &z) < 0);
		CHECK(parse_iso("2024/04/29", &t, &z) < 0);
		CHECK(parse_iso("2024-4-29", &t, &z) < 0);
		CHECK(parse_iso(NULL, &t, &z) < 0);
	}
	CHECK_STR(date("2024-04-29", 0), "2024-04-29");
	CHECK_STR(date("2024/4/29", 0), "2024-04-29");
	CHECK_STR(date("2024.4.9", 0), "2024-04-09");
	CHECK_STR(date("2024年4月29日", 0), "2024-04-29");
	CHECK_STR(date("  2024年4月29日 ", 0), "2024-04-29");
	CHECK_STR(date("20240429", 0), "2024-04-29");
	CHECK_STR(date("２０２４－０４－２９", 0), "2024-04-29");
	CHECK_STR(date("45411", 0), "2024-04-29"); /* Excel serial: 45411 = 2024-04-29 */
	CHECK_STR(date("2024-04-29 8:05", 1), "2024-04-29 08:05:00");
	CHECK_STR(date("2024/4/29 16:03:53", 1), "2024-04-29 16:03:53");
	CHECK_STR(date("2024-04-29T16:03:53", 1), "2024-04-29 16:03:53");
	CHECK_STR(date("2024年4月29日 16:03", 1), "2024-04-29 16:03:00");
	CHECK_STR(date("2024-04-29", 1), "2024-04-29 00:00:00");
	CHECK_STR(date("2024-04-29 16:03:53", 0), "2024-04-29");
	CHECK_STR(date("2024-02-29", 0), "2024-02-29");
	CHECK_STR(date("2023-02-29", 0), "ERR");
	CHECK_STR(date("2024-13-45", 0), "ERR");
	CHECK_STR(date("2024-04-31", 0), "ERR");
	CHECK_STR(date("2024-4/29", 0), "ERR");
	CHECK_STR(date("2024-04-29 24:00", 1), "ERR");
	CHECK_STR(date("2024-04-29 12:60", 1), "ERR");
	CHECK_STR(date("29/04/2024", 0), "ERR");
	CHECK_STR(date("", 0), "ERR");
	CHECK_STR(date("明天", 0), "ERR");
	CHECK_STR(date("2024-04-29x", 0), "ERR");

	/* integers and reals */
	CHECK_STR(num_i("1234"), "1234");
	CHECK_STR(num_i("1,234"), "1234");
	CHECK_STR(num_i("12,345,678"), "12345678");
	CHECK_STR(num_i("１２３"), "123");
	CHECK_STR(num_i("12.0"), "12");
	CHECK_STR(num_i("-5"), "-5");
	CHECK_STR(num_i("12.5"), "ERR");
	CHECK_STR(num_i("1,23"), "ERR");
	CHECK_STR(num_i("1234,567"), "ERR");
	CHECK_STR(num_i("12a"), "ERR");
	CHECK_STR(num_i(""), "ERR");
	CHECK_STR(num_i("99999999999999999999"), "ERR");
	CHECK_STR(num_r("95.5"), "95.5");
	CHECK_STR(num_r("95%"), "95");
	CHECK_STR(num_r("1,234.5"), "1234.5");
	CHECK_STR(num_r(".5"), "0.5");
	CHECK_STR(num_r("９８．５"), "98.5");
	CHECK_STR(num_r("nan"), "ERR");
	CHECK_STR(num_r("1e5"), "ERR");
	CHECK_STR(num_r("."), "ERR");
	CHECK_STR(num_r("%"), "ERR");

	/* booleans */
	CHECK(boolv("是") == 1);
	CHECK(boolv("否") == 0);
	CHECK(boolv("Y") == 1);
	CHECK(boolv("n") == 0);
	CHECK(boolv("1") == 1);
	CHECK(boolv("0") == 0);
	CHECK(boolv("TRUE") == 1);
	CHECK(boolv("false") == 0);
	CHECK(boolv("已解决") == 1);
	CHECK(boolv("未解决") == 0);
	CHECK(boolv("满意") == 1);
	CHECK(boolv("不满意") == 0);
	CHECK(boolv("√") == 1);
	CHECK(boolv("×") == 0);
	CHECK(boolv("maybe") == -1);
	CHECK(boolv("") == -1);

	/* quarters */
	CHECK_STR(quarter("2024Q1"), "2024Q1");
	CHECK_STR(quarter("2024q3"), "2024Q3");
	CHECK_STR(quarter("2024-Q4"), "2024Q4");
	CHECK_STR(quarter("2024年第1季度"), "2024Q1");
	CHECK_STR(quarter("2024年第三季度"), "2024Q3");
	CHECK_STR(quarter("2024年二季度"), "2024Q2");
	CHECK_STR(quarter("2024Q5"), "ERR");
	CHECK_STR(quarter("Q1"), "ERR");

	/* GB 32100-2015: 91350100M000100Y43 is the standard's example. For
	 * 9135010000000000X: weights sum by hand: 9*1+1*3+3*9+5*27+0+1*26 = 200,
	 * 200 mod 31 = 14, 31-14 = 17 -> 'H' (set index 17). */
	CHECK(parse_credit_code("91350100M000100Y43", 18, &exp) == 0);
	CHECK(parse_credit_code("913501000000000000", 18, &exp) == -2 && exp == 'H');
	CHECK(parse_credit_code("91350100000000000H", 18, &exp) == 0);
	CHECK(parse_credit_code("91350100M000100Y4", 17, &exp) == -1);
	CHECK(parse_credit_code("91350100M000100YI3", 18, &exp) == -1);

	/* UTF-8 */
	CHECK(parse_utf8_valid("网格", strlen("网格")));
	CHECK(!parse_utf8_valid("\xcd\xf8\xb8\xf1", 4)); /* 网格 in GBK */
	CHECK(!parse_utf8_valid("\xc0\x80", 2));	 /* overlong */
	CHECK(!parse_utf8_valid("\xed\xa0\x80", 3));	 /* surrogate */

	/* masking */
	CHECK_STR(mask("13812345678"), "138****5678");
	CHECK_STR(mask("电话13812345678。"), "电话138****5678。");
	/* 11010519491231002X is the standard's example (check character X). */
	CHECK_STR(mask("11010519491231002X"), "1101**********002X");
	CHECK_STR(mask("身份证11010519491231002x号"), "身份证1101**********002x号");
	/* mobile numbers as people write them */
	CHECK_STR(mask("138-1234-5670"), "138****5670");
	CHECK_STR(mask("138 1234 5671"), "138****5671");
	CHECK_STR(mask("联系人张三，电话：138 - 1234 - 5672。"), "联系人张三，电话：138****5672。");
	CHECK_STR(mask("1381234 5673"), "138****5673");
	CHECK_STR(mask("138 12345674"), "138****5674");
	CHECK_STR(mask("1381 2345 675"), "138****5675");
	CHECK_STR(mask("138－1234－5676"), "138****5676");	  /* full-width hyphens */
	CHECK_STR(mask("１３８１２３４５６７７"), "138****5677"); /* full-width digits */
	CHECK_STR(mask("电话１３８　１２３４　５６７８"), "电话138****5678"); /* U+3000 */
	CHECK_STR(mask("+86 138 1234 5678"), "+86 138****5678");
	CHECK_STR(mask("+86-13812345678"), "+86-138****5678");
	CHECK_STR(mask("(+86)13812345678"), "(+86)138****5678");
	CHECK_STR(mask("+8613812345678"), "+86138****5678");
	CHECK_STR(mask("008613812345678"), "0086138****5678");
	CHECK_STR(mask("13812345678/13912345678"), "138****5678/139****5678");
	CHECK_STR(mask("王五13812345678张六"), "王五138****5678张六");
	CHECK_STR(mask("19912345678"), "199****5678");
	/* ID numbers whatever their check character */
	CHECK_STR(mask("110105194912310021"), "1101**********0021");   /* mistyped check */
	CHECK_STR(mask("110105194912310023X"), "110105194912310023X"); /* 19 characters */
	CHECK_STR(mask("11010519491231002Xzhang"), "1101**********002Xzhang");
	CHECK_STR(mask("12345678901234567Xabc"), "12345678901234567Xabc"); /* no date */
	CHECK_STR(mask("110105 19491231 002X"), "1101**********002X");
	CHECK_STR(mask("1101 0519 4912 3100 2X"), "1101**********002X");
	CHECK_STR(mask("１１０１０５１９４９１２３１００２Ｘ"), "1101**********002X");
	CHECK_STR(mask("37132119900613481X"), "3713**********481X"); /* X where 3 was due */
	CHECK_STR(mask("110105491231002"), "1101*******1002");	     /* 15 digits, 1949 */
	CHECK_STR(mask("110105 491231 002"), "1101*******1002");
	/* landlines: the area code stays */
	CHECK_STR(mask("0371-12345678"), "0371-****5678");
	CHECK_STR(mask("(0371)12345678"), "(0371)****5678");
	CHECK_STR(mask("（0371）12345678"), "（0371）****5678");
	CHECK_STR(mask("010-1234567"), "010-***4567");
	CHECK_STR(mask("021 6234 5678"), "021 ****5678");
	CHECK_STR(mask("0539-138-1234-5678"), "0539-138****5678"); /* a mobile after */
	CHECK_STR(mask("0371-12345678-801"), "0371-****5678-801"); /* the extension stays */
	CHECK_STR(mask("037112345678"), "0371****5678");
	CHECK_STR(mask("01012345678"), "010****5678");
	CHECK_STR(mask("05391234567"), "0539***4567");
	/* bank cards */
	CHECK_STR(mask("6222021234567890123"), "6222***********0123"); /* UnionPay, no Luhn */
	CHECK_STR(mask("卡号6222 0212 3456 7890 123。"), "卡号6222***********0123。");
	CHECK_STR(mask("4111111111111111"), "4111********1111"); /* Luhn */
	CHECK_STR(mask("4111-1111-1111-1111"), "4111********1111");
	/* e-mail addresses */
	CHECK_STR(mask("邮箱zhangsan@163.com。"), "邮箱z*******@163.com。");
	CHECK_STR(mask("12345678@qq.com"), "1*******@qq.com");
	CHECK_STR(mask("13812345678@139.com"), "1**********@139.com");
	CHECK_STR(mask("Li.Si-2@mail.x-y.gov.cn,"), "L******@mail.x-y.gov.cn,");
	CHECK_STR(mask("a@b"), "a@b");		   /* no domain */
	CHECK_STR(mask("x@163.c0m"), "x@163.c0m"); /* no top-level domain */
	CHECK_STR(mask("@张三 发言"), "@张三 发言");
	CHECK_STR(mask("user@localhost."), "user@localhost.");

	/* look-alikes that are not personal stay as they are */
	CHECK_STR(mask("2024-04-29"), "2024-04-29");
	CHECK_STR(mask("20240429"), "20240429");
	CHECK_STR(mask("2024年4月29日 16:03"), "2024年4月29日 16:03");
	CHECK_STR(mask("E2024000123"), "E2024000123");
	CHECK_STR(mask("TS20240001"), "TS20240001");
	CHECK_STR(mask("371321001001"), "371321001001");       /* community code */
	CHECK_STR(mask("371321001001001"), "371321001001001"); /* grid code */
	CHECK_STR(mask("https://x.gov.cn/unit/371321001001003.html"),
		  "https://x.gov.cn/unit/371321001001003.html");
	CHECK_STR(mask("110105391231002"), "110105391231002"); /* a grid code's shape: year 39 */
	CHECK_STR(mask("91371321KFPC1AKU9M"), "91371321KFPC1AKU9M"); /* credit code */
	/* an all-digit credit code with a date where an ID has one: its own check */
	CHECK_STR(mask("113719199001011012"), "113719199001011012");
	CHECK_STR(mask("10012345678"), "10012345678"); /* not a mobile prefix */
	CHECK_STR(mask("12345热线"), "12345热线");
	CHECK_STR(mask("400-123-4567"), "400-123-4567"); /* a company service line */
	CHECK_STR(mask("138-1234-567"), "138-1234-567"); /* ten digits */
	CHECK_STR(mask("138123456789"), "138123456789"); /* twelve digits */
	CHECK_STR(mask("临政发〔2024〕13号"), "临政发〔2024〕13号");
	CHECK_STR(mask("金额1,380,000,000元，13户"), "金额1,380,000,000元，13户");
	CHECK_STR(mask("20240429160353123"), "20240429160353123"); /* a timestamp */
	CHECK_STR(mask("2021 2022 2023 2024"), "2021 2022 2023 2024");
	CHECK_STR(mask("4111111111111112"), "4111111111111112"); /* no Luhn, not 62 */
	CHECK_STR(mask("0000123456789"), "0000123456789");
	CHECK_STR(mask("3X 5"), "3X 5");
	/* a short buffer gets a prefix of the masked text, never a raw number */
	{
		char small[8];
		parse_mask_personal("13812345678", 11, small, sizeof small);
		CHECK_STR(small, "138****");
	}

	/* spreadsheet formulas neutralised, numbers left alone */
	CHECK_STR(csvf("=1+1"), "\"'=1+1\"");
	CHECK_STR(csvf("@SUM(A1)"), "\"'@SUM(A1)\"");
	CHECK_STR(csvf("-3.5"), "-3.5");
	CHECK_STR(csvf("+x"), "\"'+x\"");
	CHECK_STR(csvf("a,b"), "\"a,b\"");
	CHECK_STR(csvf("say \"hi\""), "\"say \"\"hi\"\"\"");
	return test_done();
}
