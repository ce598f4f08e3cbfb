/* Minimal unit-test harness: CHECK records a failure with file:line and
 * goes on; check_done() prints "N passed, N failed" and gives the exit
 * code. Each test_<module>.c is one executable run by meson test. */
#ifndef BANCHI_TESTS_CHECK_H
#define BANCHI_TESTS_CHECK_H

#include <stdio.h>

static unsigned check_pass, check_fail;

#define CHECK(cond)                                                      \
	do {                                                             \
		if (cond) {                                              \
			check_pass++;                                    \
		} else {                                                 \
			check_fail++;                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n",     \
				__FILE__, __LINE__, #cond);              \
		}                                                        \
	} while (0)

/* Like CHECK, with a printf-style note on failure. */
#define CHECKF(cond, ...)                                                \
	do {                                                             \
		if (cond) {                                              \
			check_pass++;                                    \
		} else {                                                 \
			check_fail++;                                    \
			fprintf(stderr, "%s:%d: check failed: %s: ",     \
				__FILE__, __LINE__, #cond);              \
			fprintf(stderr, __VA_ARGS__);                    \
			fputc('\n', stderr);                             \
		}                                                        \
	} while (0)

static inline int check_done(void)
{
	printf("%u passed, %u failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
