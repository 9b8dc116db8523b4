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
	char exp = 0;

	/* dates */
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
	CHECK(!parse_utf8_valid("\xc0\x80", 2));          /* overlong */
	CHECK(!parse_utf8_valid("\xed\xa0\x80", 3));      /* surrogate */

	/* masking */
	CHECK_STR(mask("13812345678"), "138****5678");
	CHECK_STR(mask("电话13812345678。"), "电话138****5678。");
	/* 11010519491231002X is the standard's example (check character X). */
	CHECK_STR(mask("11010519491231002X"), "1101**********002X");
	CHECK_STR(mask("身份证11010519491231002x号"), "身份证1101**********002x号");
	CHECK_STR(mask("110105194912310021"), "110105194912310021"); /* wrong check: a code */
	CHECK_STR(mask("2024-04-29"), "2024-04-29");
	CHECK_STR(mask("E2024000123"), "E2024000123");
	CHECK_STR(mask("371321001001001"), "371321001001001");
	CHECK_STR(mask("10012345678"), "10012345678"); /* not a mobile prefix */

	/* spreadsheet formulas neutralised, numbers left alone */
	CHECK_STR(csvf("=1+1"), "\"'=1+1\"");
	CHECK_STR(csvf("@SUM(A1)"), "\"'@SUM(A1)\"");
	CHECK_STR(csvf("-3.5"), "-3.5");
	CHECK_STR(csvf("+x"), "\"'+x\"");
	CHECK_STR(csvf("a,b"), "\"a,b\"");
	CHECK_STR(csvf("say \"hi\""), "\"say \"\"hi\"\"\"");
	return test_done();
}
