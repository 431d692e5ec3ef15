/*
 * wf_error.h - result codes and the last error's text.
 *
 * Every libwf function that can fail returns 0 on success or one of the
 * negative codes below; the human-readable detail is kept in one per-thread
 * slot read with wf_error_msg().  libwf never prints and never exits: the
 * caller decides what to show and maps the code to an exit status with
 * wf_exit_code().
 *
 * Ownership: the string returned by wf_error_msg() belongs to libwf and is
 * valid until the next wf_error_set() on the same thread.
 */
#ifndef WF_ERROR_H
#define WF_ERROR_H

enum {
	WF_OK        = 0,
	WF_EREFUSED  = -1,   /* a business rule said no (exit 1) */
	WF_EUSAGE    = -2,   /* bad arguments (exit 2) */
	WF_EINPUT    = -3,   /* bad input data, nothing applied (exit 3) */
	WF_ENODB     = -4,   /* no database, not ours, or too new (exit 4) */
	WF_EBUSY     = -5,   /* locked past the busy timeout (exit 5) */
	WF_EIO       = -6,   /* disk full, read-only, write error (exit 6) */
	WF_ENOTFOUND = -7,   /* an unknown record was named (exit 1) */
	WF_ENOMEM    = -9,   /* out of memory (exit 10) */
	WF_EINTERNAL = -10   /* a bug or an impossible state (exit 10) */
};

/* Record CODE with a printf-style message; returns CODE so callers can write
 * `return wf_error_set(WF_EREFUSED, "...")`.  The stored message is one line
 * safe to print: control characters (C0, DEL, C1) become \u00XX, and a
 * message past 4095 bytes is cut between UTF-8 characters. */
int wf_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Put "PREFIX: " (printf-style) in front of the current message, keeping its
 * code; returns the code.  Used to add context such as "stdin:17". */
int wf_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The message and code of the last error (""/0 if none since the last clear). */
const char *wf_error_msg(void);
int wf_error_code(void);
void wf_error_clear(void);

/* The documented exit status for a return code (0, 1, 2, 3, 4, 5, 6 or 10). */
int wf_exit_code(int rc);

#endif
