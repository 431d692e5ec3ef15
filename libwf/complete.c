/* complete.c - the keys users type, for shell completion. */
#include <string.h>

#include "wf_complete.h"
#include "wf_error.h"
#include "wf_record.h"

/* Each record type's completion query is in its struct wf_record_type
 * (wf_record.h): ?1 is a GLOB pattern, the prefix escaped, then '*'.  A
 * literal prefix lets SQLite walk the key's unique index instead of
 * scanning the table. */

/* PREFIX as a GLOB pattern that matches exactly the strings starting with it:
 * the pattern characters are bracketed, then '*'. */
static int
glob_prefix(wf_buf *b, const char *prefix)
{
	const char *p;
	int rc = 0;

	for (p = prefix; *p && rc == 0; p++) {
		if (*p == '*' || *p == '?' || *p == '[')
			rc = wf_buf_addc(b, '[') || wf_buf_addc(b, *p) || wf_buf_addc(b, ']');
		else
			rc = wf_buf_addc(b, *p);
	}
	if (rc == 0)
		rc = wf_buf_addc(b, '*');
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* The record types of history, which need no database. */
static int
record_types(const char *prefix, wf_complete_fn fn, void *arg)
{
	size_t i, n = strlen(prefix);
	int rc;

	for (i = 0; wf_registry[i]; i++)
		if (!(wf_registry[i]->flags & WF_RECORD_NOHISTORY) &&
		    strncmp(wf_registry[i]->type, prefix, n) == 0 &&
		    (rc = fn(arg, wf_registry[i]->type)) != 0)
			return rc;
	return 0;
}

static int
from_db(wf_db *db, const char *sql, const char *prefix, wf_complete_fn fn, void *arg)
{
	wf_buf pat = {0};
	wf_stmt *st;
	int rc;

	if ((rc = glob_prefix(&pat, prefix)) != 0 || (rc = wf_db_stmt(db, &st, sql)) != 0) {
		wf_buf_free(&pat);
		return rc;
	}
	wf_bind_text(st, 1, wf_buf_str(&pat));
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = fn(arg, wf_col_text(st, 0))) != 0)
			break;
	wf_stmt_reset(st);
	wf_buf_free(&pat);
	return rc;
}

int
wf_complete_values(wf_db *db, const char *kind, const char *prefix,
    wf_complete_fn fn, void *arg)
{
	const struct wf_record_type *t;

	if (prefix == NULL)
		prefix = "";
	if (strcmp(kind, "record") == 0)
		return record_types(prefix, fn, arg);
	if ((t = wf_record_find(kind)) == NULL || t->complete == NULL)
		return wf_error_set(WF_EUSAGE, "unknown completion kind '%s'", kind);
	return db ? from_db(db, t->complete, prefix, fn, arg) : 0;
}
