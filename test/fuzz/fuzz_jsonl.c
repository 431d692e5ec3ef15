/*
 * fuzz_jsonl.c - the hardened parser, whatever the bytes.
 *
 * Properties: a refusal is WF_EINPUT with a message and no tree, and is never
 * the parser disagreeing with the strict scanner; an accepted line is an
 * object whose numbers keep valid lexemes, whose written form parses back to
 * an equal tree and writes identically, and over which every typed accessor
 * agrees with what the tree holds.
 */
#include <string.h>

#include "fuzz.h"

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *v = (cJSON *)1;
	unsigned seed = 0;
	size_t i;
	int rc;

	wf_error_clear();
	rc = wf_json_parse((const char *)data, size, &v);
	if (rc != 0) {
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(rc == WF_EINPUT);
		FUZZ_ASSERT(wf_error_code() == WF_EINPUT);
		FUZZ_ASSERT(wf_error_msg()[0] != '\0');
		FUZZ_ASSERT(fuzz_msg_safe(wf_error_msg()));
		/* (keys may say anything: compare the fixed texts whole) */
		FUZZ_ASSERT(!ends_with(wf_error_msg(), "internal: number count mismatch"));
		FUZZ_ASSERT(strcmp(wf_error_msg(), "invalid JSON (rejected by the parser)") != 0);
		return 0;
	}
	for (i = 0; i < size && i < 16; i++)
		seed = seed * 131 + data[i];
	fuzz_json_tree(v, seed);
	cJSON_Delete(v);
	return 0;
}
