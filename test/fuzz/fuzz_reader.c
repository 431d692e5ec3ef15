/*
 * fuzz_reader.c - the JSON-lines reader over a stream, with a small line cap.
 *
 * The first byte picks the line cap (low 6 bits; 0: the default 1 MiB);
 * when its top bit is set, a long first line is put in front so that the
 * input straddles the reader's 64 KiB read buffer: a JSON object when bit 6
 * is set too, else blanks (cheaper).  The reader must agree, line by
 * line, with a model built from the definition: split at '\n', drop one
 * trailing '\r', a line longer than the cap is refused whole, blank lines
 * (spaces and tabs) are skipped, the rest go through wf_json_parse().  Line
 * numbers count physical lines; errors are "fuzz:LINE: ..."; end of input
 * stays the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define RBUF 65536      /* the reader's read size, from json.c */

struct model {
	const char *p, *end;
	long line;
};

/* The next result the model expects: 1 ok, WF_EINPUT, or 0 at the end;
 * *line is the line it is about. */
static int
model_next(struct model *m, size_t cap, long *line)
{
	for (;;) {
		const char *nl, *q;
		size_t n;
		int rc;
		cJSON *v = NULL;

		if (m->p >= m->end)
			return 0;
		nl = memchr(m->p, '\n', (size_t)(m->end - m->p));
		n = (size_t)((nl ? nl : m->end) - m->p);
		q = m->p;
		m->p += n + (nl != NULL);
		*line = ++m->line;
		if (n > cap)
			return WF_EINPUT;
		if (n && q[n - 1] == '\r')
			n--;
		{
			size_t k;
			for (k = 0; k < n && (q[k] == ' ' || q[k] == '\t'); k++)
				;
			if (k == n)
				continue;
		}
		rc = wf_json_parse(q, n, &v);
		cJSON_Delete(v);
		return rc == 0 ? 1 : WF_EINPUT;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m;
	wf_jsonl *r;
	cJSON *o;
	char *buf, prefix[32], msg[256];
	size_t cap, pad = 0, len;
	FILE *f;
	int rc, want;
	long line, last = 0;

	if (size < 1)
		return 0;
	cap = data[0] & 0x3f;
	if (data[0] & 0x80)     /* a line ending a little before the 64 KiB mark */
		pad = RBUF - (size < 200 ? size : 200);
	len = pad + size - 1;
	if ((buf = malloc(len ? len : 1)) == NULL)
		abort();
	if (pad && (data[0] & 0x40)) {
		memset(buf, 'x', pad);          /* {"pad":"xxx...x"}\n */
		memcpy(buf, "{\"pad\":\"", 8);
		memcpy(buf + pad - 3, "\"}\n", 3);
	} else if (pad) {
		memset(buf, ' ', pad);
		buf[pad - 1] = '\n';
	}
	memcpy(buf + pad, data + 1, size - 1);
	if (len == 0)
		return free(buf), 0;
	if ((f = fmemopen(buf, len, "r")) == NULL)
		abort();
	FUZZ_ASSERT(wf_jsonl_open(&r, f, "fuzz", cap) == 0);
	FUZZ_ASSERT(strcmp(wf_jsonl_name(r), "fuzz") == 0);
	m.p = buf;
	m.end = buf + len;
	m.line = 0;
	for (;;) {
		o = (cJSON *)1;
		rc = wf_jsonl_read(r, &o);
		wf_strlcpy(msg, wf_error_msg(), sizeof msg);   /* the model overwrites it */
		want = model_next(&m, cap ? cap : WF_JSON_MAX_LINE, &line);
		FUZZ_ASSERT(rc == want);
		if (rc == 0) {
			FUZZ_ASSERT(o == NULL);
			break;
		}
		FUZZ_ASSERT(wf_jsonl_lineno(r) == line);
		FUZZ_ASSERT(line > last);
		last = line;
		if (rc == 1) {
			FUZZ_ASSERT(o != NULL);
			fuzz_json_tree(o, (unsigned)line);
			cJSON_Delete(o);
		} else {
			FUZZ_ASSERT(o == NULL);
			snprintf(prefix, sizeof prefix, "fuzz:%ld: ", line);
			FUZZ_ASSERT(strncmp(msg, prefix, strlen(prefix)) == 0);
			FUZZ_ASSERT(fuzz_msg_safe(msg));
		}
	}
	/* The end stays the end. */
	FUZZ_ASSERT(wf_jsonl_read(r, &o) == 0 && o == NULL);
	wf_jsonl_close(r);
	fclose(f);
	free(buf);
	return 0;
}
