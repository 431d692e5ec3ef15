/*
 * idem.c - retries that cannot book twice (--idempotency-key).
 *
 * owns: request
 */
#include <string.h>

#include "wf_error.h"
#include "wf_idem.h"
#include "wf_out.h"
#include "wf_time.h"

int
wf_idem_check_key(const char *key)
{
	size_t i, n = strlen(key);

	if (n == 0 || n > 255)
		return wf_error_set(WF_EUSAGE, "--idempotency-key: expected 1 to 255 characters");
	for (i = 0; i < n; i++)
		if (key[i] <= ' ' || key[i] > '~')
			return wf_error_set(WF_EUSAGE, "--idempotency-key: expected printable "
			    "ASCII without spaces");
	return 0;
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int
wf_idem_begin(wf_db *db, int *replay, int *exit_status, wf_buf *output,
    wf_buf *message, const struct wf_idem_request *r)
{
	static const char sql[] =
	    "SELECT command, input_sha256, at, actor, exit_status, message, output"
	    " FROM request WHERE key = ?1";
	wf_stmt *st;
	int rc, same;

	*replay = 0;
	*exit_status = 0;
	if ((rc = wf_idem_check_key(r->key)) != 0)
		return rc;
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto fail;
	wf_bind_text(st, 1, r->key);
	if ((rc = wf_db_step(db, st)) < 0)
		goto fail;
	if (rc == 0) {
		wf_out_journal(wf_db_out(db), 1);
		return 0;
	}
	same = strcmp(wf_col_text(st, 0), r->command) == 0 &&
	    same_text(wf_col_str(st, 1), r->input_sha256);
	if (!same) {
		rc = wf_error_set(WF_EREFUSED, "idempotency key '%s' was used at %s by %s for "
		    "'%s'%s; a retry must repeat that request exactly, or use a new key",
		    r->key, wf_col_text(st, 2), wf_col_text(st, 3), wf_col_text(st, 0),
		    same_text(wf_col_text(st, 0), r->command) ? " with other input" : "");
		wf_stmt_reset(st);
		goto fail;
	}
	*exit_status = (int)wf_col_int(st, 4);
	wf_buf_reset(output);
	wf_buf_reset(message);
	if (wf_buf_adds(message, wf_col_text(st, 5)) != 0 ||
	    wf_buf_adds(output, wf_col_text(st, 6)) != 0) {
		wf_stmt_reset(st);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	wf_stmt_reset(st);
	*replay = 1;
	return wf_tx_rollback(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

int
wf_idem_end(wf_db *db, const struct wf_idem_request *r, int rc)
{
	static const char sql[] =
	    "INSERT INTO request (key, command, input_sha256, at, actor, exit_status,"
	    " message, output) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	wf_out *out = wf_db_out(db);
	wf_buf msg = {0};
	const char *text;
	wf_stmt *st;
	size_t len;
	int code = wf_error_code(), erc;

	if (wf_tx_depth(db) != 1) {
		wf_tx_rollback(db);
		return wf_error_set(WF_EINTERNAL, "idempotency: the command left %d "
		    "transactions open", wf_tx_depth(db));
	}
	if (!wf_tx_changed(db)) {
		wf_out_journal(out, 0);
		erc = wf_tx_rollback(db);
		return rc != 0 ? rc : erc;
	}
	if (rc != 0 && wf_buf_adds(&msg, wf_error_msg()) != 0) {
		erc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	text = wf_out_journal_text(out, &len);
	if ((erc = wf_db_stmt(db, &st, sql)) != 0)
		goto fail;
	wf_bind_text(st, 1, r->key);
	wf_bind_text(st, 2, r->command);
	wf_bind_text(st, 3, r->input_sha256);
	wf_bind_time(st, 4, wf_db_now(db));
	wf_bind_text(st, 5, wf_db_actor(db));
	wf_bind_int(st, 6, wf_exit_code(rc));
	wf_bind_text(st, 7, rc != 0 ? wf_buf_str(&msg) : NULL);
	wf_bind_textn(st, 8, text, len);
	if ((erc = wf_db_done(db, st)) != 0)
		goto fail;
	wf_out_journal(out, 0);
	if ((erc = wf_tx_commit(db)) != 0) {
		wf_buf_free(&msg);
		return erc;
	}
	if (rc != 0)
		wf_error_set(code, "%s", wf_buf_str(&msg));
	wf_buf_free(&msg);
	return rc;
fail:
	wf_out_journal(out, 0);
	wf_tx_rollback(db);
	wf_buf_free(&msg);
	return erc;
}
