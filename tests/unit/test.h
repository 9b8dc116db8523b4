/* test.h - minimal assertions for unit tests: each check prints "not ok"
 * with its location on failure; main returns test_done(). */
#ifndef KP_TEST_H
#define KP_TEST_H
#include <stdio.h>
#include <string.h>

static int test_failures, test_checks;

#define CHECK(cond) do { test_checks++; if (!(cond)) { test_failures++; \
	printf("not ok - %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); test_checks++; \
	if (!g_ || strcmp(g_, w_) != 0) { test_failures++; \
	printf("not ok - %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_ ? g_ : "(null)", w_); } } while (0)

static int test_done(void)
{
	printf("%d checks, %d failed\n", test_checks, test_failures);
	return test_failures ? 1 : 0;
}
#endif
