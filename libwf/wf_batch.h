/*
 * wf_batch.h - JSON-lines batches: all lines apply or none do.
 *
 * Every command that reads records on stdin goes through wf_batch_run(): it
 * reads with the hardened reader, opens one write transaction, hands each
 * line to the command's line function, and commits at the end of input.
 * A bad line (unparseable, invalid, or refused) rolls the whole batch back
 * and its error names the input and line ("stdin:17: qty: ...").  With
 * keep_going, each line runs in a savepoint: a bad line is reported through
 * the report callback and dropped, the good ones commit.
 *
 * Errors that are not about a line (busy, I/O, internal) always stop the
 * batch and roll it back.
 */
#ifndef WF_BATCH_H
#define WF_BATCH_H

#include <stdio.h>

#include "wf_db.h"
#include "wf_json.h"

typedef void (*wf_report_fn)(void *ctx, int code, const char *msg);

/* One input line, as the line function sees it. */
struct wf_line {
	const wf_jloc *at;       /* for located errors: wf_jerr(l->at, ...) */
	const cJSON   *obj;
	int            strict;   /* refuse unknown keys */
	long           lineno;
};

typedef int (*wf_line_fn)(wf_db *db, const struct wf_line *l, void *arg);

struct wf_batch {
	FILE        *in;
	const char  *name;        /* "stdin" */
	size_t       max_line;    /* 0: WF_JSON_MAX_LINE */
	int          keep_going;
	int          strict;
	/* NULL: Workform's own format, JSON lines only.  A platform's format:
	 * the list members whose arrays hold the records (NULL-terminated,
	 * possibly empty), read as wf_jsonl_documents() says. */
	const char *const *documents;
	/* NULL: read IN as JSON.  Otherwise the records come from SOURCE (a
	 * format that is not JSON, such as a tab-separated file): it returns 1
	 * with an object (the batch frees it) and the line it began on, 0 at
	 * the end, a line error (WF_EINPUT, with a located message; reading may
	 * go on, so keep_going skips it) or another error, which stops the
	 * batch. */
	int        (*source)(void *ctx, cJSON **obj, long *line);
	void        *source_ctx;
	wf_report_fn report;      /* bad lines under keep_going; may be NULL */
	void        *report_ctx;
	/* called every 10000 lines with the count so far; may be NULL */
	void       (*progress)(void *ctx, long long lines);
	/* results */
	long long    ok, bad;
};

/* Run FN over every line of B->in in one transaction (see above): its own,
 * or a savepoint in the caller's, which a failing batch leaves open with the
 * caller's writes in it.  Returns
 * 0; the failing line's code (WF_EINPUT, WF_EREFUSED, WF_ENOTFOUND) with its
 * located message and nothing applied; WF_EINPUT after keep_going dropped
 * lines ("N bad lines skipped; M applied"); or a database error. */
int wf_batch_run(wf_db *db, struct wf_batch *b, wf_line_fn fn, void *arg);

/* Whether a code is about the line (and so may be skipped under
 * keep_going) rather than about the database or the machine. */
int wf_batch_line_error(int code);

#endif
