/*
 * wf_check.h - invariants, and `wf check`.
 *
 * Each module registers its invariants in a table (wf_<module>_invariants,
 * listed once in check.c).  An invariant reads the database and reports each
 * violation as one {"type":"violation",...} record; `wf check` runs them all
 * (or those whose name starts with a prefix) and exits 1 if any reported.
 */
#ifndef WF_CHECK_H
#define WF_CHECK_H

#include "wf_db.h"
#include "wf_out.h"

struct wf_invariant {
	const char *name;        /* "stock.balance" */
	const char *summary;     /* what it promises, one line */
	/* Report violations through wf_check_violation(); return 0 or an error. */
	int (*run)(wf_db *db, wf_out *out, long long *violations);
};

/* Every registered invariant, NULL-name-terminated per module. */
extern const struct wf_invariant wf_core_invariants[];

/* Run every invariant whose name starts with ONLY (NULL: all).  *violations
 * receives the count.  The checks read through SQLite's small cache
 * (wf_db_cache; DB keeps a batch's after).  Returns 0 (even with
 * violations) or an error. */
int wf_check_run(wf_db *db, long long *violations, wf_out *out, const char *only);

/* Emit {"type":"violation","check":CHECK,"record":RECORD,"ref":REF,
 * "detail":...} and count it.  Returns 0 or an output error. */
int wf_check_violation(wf_out *out, long long *violations, const char *check,
    const char *record, const char *ref, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Run SQL, a query whose rows are (ref, detail), and report each row as a
 * violation of CHECK on a record of type RECORD.  SQL must be a static
 * string (the statement cache keys on its address).  Returns 0 (even with
 * violations) or an error. */
int wf_check_rows(wf_db *db, wf_out *out, long long *violations, const char *check,
    const char *record, const char *sql);

/* Emit the list of invariants as {"type":"invariant","name":..,"summary":..}. */
int wf_check_list(wf_out *out);

#endif
