/*
 * fuzz.h - what the fuzz targets share.
 *
 * Every target is one LLVMFuzzerTestOneInput().  The same file builds two
 * ways: with clang -fsanitize=fuzzer for `make fuzz`, and with the normal
 * compiler linked to replay.c, which runs saved inputs (the seed corpus and
 * every crash ever found) through it in `make check`.
 *
 * A target asserts properties, not only survival: FUZZ_ASSERT() aborts with
 * the failed condition, which libFuzzer records as a crash and the replay
 * driver as a failed test.
 *
 * Ownership: nothing returned here needs freeing by the caller except where
 * a function says so.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "wf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond))                                                \
			fuzz_fail(__FILE__, __LINE__, #cond);               \
	} while (0)

/* Print "FILE:LINE: invariant failed: COND" (and the last libwf error) and
 * abort. */
void fuzz_fail(const char *file, int line, const char *cond)
	__attribute__((noreturn));

/* Whether two parsed trees are the same: same types, same member names in
 * the same order, strings byte for byte, numbers by their exact lexeme. */
int fuzz_json_equal(const cJSON *a, const cJSON *b);

/* Whether S is one complete JSON number (RFC 8259 grammar). */
int fuzz_json_number(const char *s);

/* Check everything the parser promises about a tree it returned, and run
 * every typed accessor over every member of every object in it; SEED varies
 * the flags and limits.  Aborts through FUZZ_ASSERT on a broken promise. */
void fuzz_json_tree(const cJSON *v, unsigned seed);

/* Whether an error message is safe to print as one line: no C0 or C1
 * control characters and no DEL, raw or encoded. */
int fuzz_msg_safe(const char *m);

/* A copy of N bytes with a NUL after them (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t n);

#endif
