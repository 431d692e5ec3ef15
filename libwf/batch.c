/* batch.c - one transaction per batch of JSON lines, savepoints per line. */
#include <stdio.h>
#include <string.h>

#include "wf_batch.h"
#include "wf_error.h"
#include "wf_json.h"

/* An all-or-nothing batch writes what its lines changed to the WAL every
 * this many lines (wf_db_flush), so that its changed pages do not fill the
 * page cache and push out the pages its lines read.  Importing 1M orders
 * ($WF_PROFILE, bench/README.md): the order lines' inserts missed 1.27M
 * pages without it (their foreign keys' look-ups of SKUs) and 26,000 with
 * it; two pairs took 35.8 and 34.5 s against 38.6 and 37.8 s.  Every
 * 1,000 lines missed 20,000 but wrote the same pages again so often that
 * it saved nothing; every 10,000, 48,000. */
#define FLUSH_LINES 4000

int
wf_batch_line_error(int code)
{
	return code == WF_EINPUT || code == WF_EREFUSED || code == WF_ENOTFOUND;
}

/* Make sure the message names the line (and the record of a list) even
 * when the line function's error did not come from a located accessor. */
static void
locate(const struct wf_batch *b, long line, const wf_jloc *at)
{
	char head[128];
	wf_buf path = {0};

	snprintf(head, sizeof head, "%s:%ld:", b->name, line);
	if (strncmp(wf_error_msg(), head, strlen(head)) == 0)
		return;
	if (at->up && wf_jloc_path(&path, at, NULL) == 0 && path.len > 2) {
		path.p[path.len - 2] = '\0';   /* without the ": " */
		wf_error_prefix("%s", path.p);
	} else
		wf_error_prefix("%s:%ld", b->name, line);
	wf_buf_free(&path);
}

int
wf_batch_run(wf_db *db, struct wf_batch *b, wf_line_fn fn, void *arg)
{
	wf_jsonl *r;
	cJSON *obj;
	int rc, lrc, outer = wf_tx_depth(db);

	b->ok = b->bad = 0;
	if ((rc = wf_jsonl_open(&r, b->in, b->name, b->max_line)) != 0)
		return rc;
	if (b->documents)
		wf_jsonl_documents(r, b->documents);
	if ((rc = wf_tx_begin(db)) != 0) {
		wf_jsonl_close(r);
		return rc;
	}
	/* without --keep-going the first failing line undoes the whole batch,
	 * so a line needs no savepoint of its own */
	if (!b->keep_going)
		wf_tx_all_or_nothing(db, 1);
	for (;;) {
		wf_jloc at, member, elem;
		const char *from = NULL;
		struct wf_line l;
		long line = 0;

		if (b->source) {
			obj = NULL;
			lrc = b->source(b->source_ctx, &obj, &line);
		} else {
			lrc = wf_jsonl_read(r, &obj);
			line = wf_jsonl_lineno(r);
			from = wf_jsonl_member(r);
		}
		if (lrc == 0)
			break;
		if (lrc < 0 && !wf_batch_line_error(lrc)) {
			rc = lrc;
			goto fail;
		}
		if (lrc > 0) {
			at = (wf_jloc)WF_JLOC_ROOT(b->name, line);
			l.at = &at;
			/* a record of a list: "stdin:1: orders[3]" */
			if (from != NULL) {
				member = (wf_jloc)WF_JLOC_KEY(&at, from);
				elem = (wf_jloc)WF_JLOC_IDX(*from ? &member : &at, wf_jsonl_index(r));
				l.at = &elem;
			}
			l.obj = obj;
			l.strict = b->strict;
			l.lineno = line;
			if (b->keep_going && (rc = wf_tx_begin(db)) != 0) {
				cJSON_Delete(obj);
				goto fail;
			}
			lrc = fn(db, &l, arg);
			cJSON_Delete(obj);
			if (lrc == 0 && b->keep_going && (rc = wf_tx_commit(db)) != 0)
				goto fail;
			if (lrc != 0) {
				locate(b, line, l.at);
				if (b->keep_going && wf_batch_line_error(lrc)) {
					char msg[1024];
					wf_strlcpy(msg, wf_error_msg(), sizeof msg);
					wf_tx_rollback(db);
					wf_error_set(lrc, "%s", msg);
				}
			}
		}
		if (lrc != 0) {
			if (!b->keep_going || !wf_batch_line_error(lrc)) {
				rc = lrc;
				goto fail;
			}
			b->bad++;
			if (b->report)
				b->report(b->report_ctx, lrc, wf_error_msg());
		} else if (++b->ok % FLUSH_LINES == 0 && !b->keep_going &&
		    (rc = wf_db_flush(db)) != 0)
			goto fail;
		if (b->progress && (b->ok + b->bad) % 10000 == 0)
			b->progress(b->report_ctx, b->ok + b->bad);
	}
	wf_jsonl_close(r);
	wf_tx_all_or_nothing(db, 0);
	if ((rc = wf_tx_commit(db)) != 0)
		return rc;
	if (b->bad)
		return wf_error_set(WF_EINPUT, "%lld bad line%s skipped; %lld applied",
		    b->bad, b->bad == 1 ? "" : "s", b->ok);
	return 0;
fail:
	{
		char msg[1024];
		wf_strlcpy(msg, wf_error_msg(), sizeof msg);
		/* undo the batch, not the caller's transaction around it */
		wf_tx_all_or_nothing(db, 0);
		while (wf_tx_depth(db) > outer)
			wf_tx_rollback(db);
		wf_jsonl_close(r);
		if (wf_batch_line_error(rc))
			return wf_error_set(rc, "%s (nothing applied)", msg);
		return wf_error_set(rc, "%s", msg);
	}
}
