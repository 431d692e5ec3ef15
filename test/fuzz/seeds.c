/*
 * seeds.c - JSON objects out of the platform fixtures, one per line.
 *
 *   seeds FILE...
 *
 * Used by mkcorpus.  Each FILE is one JSON document; prints, compact and with
 * every number exactly as written, the document when it is an object, every
 * object member of it, and every object element of its arrays (top level or
 * one member down), so each order, refund and transaction is its own seed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wf.h"

static void
emit(const cJSON *v)
{
	wf_buf b = {0};

	if (!cJSON_IsObject(v))
		return;
	if (wf_json_write(&b, v) != 0)
		exit(1);
	puts(b.p);
	wf_buf_free(&b);
}

static void
elements(const cJSON *a)
{
	const cJSON *c;

	if (cJSON_IsArray(a))
		for (c = a->child; c; c = c->next)
			emit(c);
}

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		wf_buf text = {0};
		char chunk[4096];
		size_t n;
		cJSON *doc, *wrapped = NULL;
		const cJSON *c;
		FILE *f = fopen(argv[i], "r");

		if (f == NULL)
			return 1;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			if (wf_buf_add(&text, chunk, n) != 0)
				return 1;
		fclose(f);
		/* The parser takes objects only: wrap a top-level array. */
		if (text.len && text.p[0] == '[') {
			wf_buf w = {0};
			if (wf_buf_addf(&w, "{\"a\":%s}", text.p) != 0)
				return 1;
			wf_buf_free(&text);
			text = w;
			wrapped = (cJSON *)1;
		}
		if (wf_json_parse(text.p, text.len, &doc) != 0) {
			fprintf(stderr, "seeds: %s: %s\n", argv[i], wf_error_msg());
			return 1;
		}
		if (!wrapped)
			emit(doc);
		for (c = doc->child; c; c = c->next) {
			emit(c);
			elements(c);
		}
		cJSON_Delete(doc);
		wf_buf_free(&text);
	}
	return 0;
}
