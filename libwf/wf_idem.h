/*
 * wf_idem.h - retries that cannot book twice: --idempotency-key.
 *
 * design.md, "Retries": every command that changes records takes
 * --idempotency-key KEY, as Stripe's API does.  The first run with a key
 * records, in the transaction that makes its change, what was asked and
 * what it printed.  A retry with the same key and the same request prints
 * that first result again and changes nothing; the same key with another
 * request is refused.  A run that changed nothing (refused, or failed and
 * rolled back) records nothing, so it can simply be run again.
 *
 * The request is the command with its arguments as the caller gives them
 * (cmd/cli.c leaves out how the output is formatted and where the database
 * is), and the SHA-256 of its input on stdin.
 *
 * Ownership: strings are the caller's; OUTPUT and MESSAGE buffers are
 * filled, the caller frees them.
 */
#ifndef WF_IDEM_H
#define WF_IDEM_H

#include "wf_buf.h"
#include "wf_db.h"

struct wf_idem_request {
	const char *key;          /* 1-255 printable ASCII characters */
	const char *command;      /* "wf-stock receive MUG-1 5 --to BER/A-01" */
	const char *input_sha256; /* 64 hex digits, or NULL when no input */
};

/* Whether KEY is a valid key: 0, or WF_EUSAGE saying why. */
int wf_idem_check_key(const char *key);

/* Begin the run of request R under its key: open the outer transaction and
 * look the key up.
 *  - new: *replay 0.  The transaction stays open and the output writer
 *    keeps a journal; run the command inside it, then wf_idem_end().
 *  - used by the same request: *replay 1; nothing is left open, and
 *    *exit_status, OUTPUT (the JSON lines it printed) and MESSAGE (what
 *    it said on stderr, "" for nothing) give the first run's result.
 *  - used by another request: WF_EREFUSED naming when, who and what.
 * Returns 0 or a WF_E* code (busy, I/O). */
int wf_idem_begin(wf_db *db, int *replay, int *exit_status, wf_buf *output,
    wf_buf *message, const struct wf_idem_request *r);

/* End the run begun by wf_idem_begin(): RC is what the command returned,
 * and its message is the current error text.  When the command changed the
 * database, the key is recorded with its output, exit status and message,
 * and the outer transaction commits (under --dry-run it rolls back, as
 * every dry run does); when it changed nothing, it rolls back and records
 * nothing.  The command's error, if any, is left as the current error.
 * Returns RC, or the error of recording or committing (then nothing of the
 * run is kept). */
int wf_idem_end(wf_db *db, const struct wf_idem_request *r, int rc);

#endif
