/*
 * harness.h - a small unit-test harness for libwf.
 *
 * TEST(name) { ... } defines a test; CHECK(cond) records a failure with its
 * line and goes on; EQ_INT/EQ_STR compare and show both sides.  main() runs
 * every test in the order defined and ends with "N passed, N failed"; the
 * exit status is 1 when anything failed.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

static struct unit_test unit_tests[512];
static int unit_ntests, unit_failed_now, unit_checks;

#define TEST(t)                                                             \
	static void test_##t(void);                                         \
	__attribute__((constructor)) static void reg_##t(void)              \
	{                                                                   \
		unit_tests[unit_ntests].name = #t;                          \
		unit_tests[unit_ntests++].fn = test_##t;                    \
	}                                                                   \
	static void test_##t(void)

#define FAILF(...)                                                          \
	do {                                                                \
		fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);           \
		fprintf(stderr, __VA_ARGS__);                               \
		fputc('\n', stderr);                                        \
		unit_failed_now = 1;                                        \
	} while (0)

#define CHECK(cond)                                                         \
	do {                                                                \
		unit_checks++;                                              \
		if (!(cond))                                                \
			FAILF("check failed: %s", #cond);                   \
	} while (0)

#define EQ_INT(a, b)                                                        \
	do {                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		unit_checks++;                                              \
		if (a_ != b_)                                               \
			FAILF("%s == %lld, expected %lld", #a, a_, b_);     \
	} while (0)

#define EQ_STR(a, b)                                                        \
	do {                                                                \
		const char *a_ = (a), *b_ = (b);                            \
		unit_checks++;                                              \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)        \
			FAILF("%s == \"%s\", expected \"%s\"", #a,          \
			    a_ ? a_ : "(null)", b_ ? b_ : "(null)");        \
	} while (0)

/* A substring check, for error messages. */
#define HAS_STR(hay, needle)                                                \
	do {                                                                \
		const char *h_ = (hay), *n_ = (needle);                     \
		unit_checks++;                                              \
		if (h_ == NULL || strstr(h_, n_) == NULL)                   \
			FAILF("\"%s\" does not contain \"%s\"",             \
			    h_ ? h_ : "(null)", n_);                        \
	} while (0)

int
main(void)
{
	int i, passed = 0, failed = 0;

	for (i = 0; i < unit_ntests; i++) {
		unit_failed_now = 0;
		unit_tests[i].fn();
		if (unit_failed_now) {
			fprintf(stderr, "FAIL %s\n", unit_tests[i].name);
			failed++;
		} else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
