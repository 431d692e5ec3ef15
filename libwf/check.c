/* check.c - running the registry's invariants, and the core invariants.
 *
 * reads: event
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wf_check.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_record.h"
#include "wf_state.h"

/* The I-th invariant table in the order `wf check` runs them: core's, then
 * each record type's in registry order; NULL past the last. */
static const struct wf_invariant *
table_at(size_t i)
{
	size_t r;

	if (i == 0)
		return wf_core_invariants;
	i--;
	for (r = 0; wf_registry[r]; r++)
		if (wf_registry[r]->invariants && i-- == 0)
			return wf_registry[r]->invariants;
	return NULL;
}

int
wf_check_violation(wf_out *out, long long *violations, const char *check,
    const char *record, const char *ref, const char *fmt, ...)
{
	char detail[1024];
	cJSON *v;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if ((v = wf_jrecord("violation")) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	rc |= wf_jadd_str(v, "check", check);
	rc |= wf_jadd_str(v, "record", record);
	rc |= wf_jadd_str(v, "ref", ref);
	rc |= wf_jadd_str(v, "detail", detail);
	if (rc) {
		cJSON_Delete(v);
		return WF_ENOMEM;
	}
	(*violations)++;
	return wf_out_emit(out, v);
}

int
wf_check_rows(wf_db *db, wf_out *out, long long *violations, const char *check,
    const char *record, const char *sql)
{
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = wf_check_violation(out, violations, check, record, wf_col_text(st, 0),
		    "%s", wf_col_text(st, 1))) != 0)
			break;
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_check_run(wf_db *db, long long *violations, wf_out *out, const char *only)
{
	const struct wf_invariant *inv;
	size_t i;
	int rc = 0;

	*violations = 0;
	/* each check reads its tables once: SQLite's small cache (wf_db.h) */
	if ((rc = wf_db_cache(db, WF_CACHE_WALK)) != 0)
		return rc;
	for (i = 0; table_at(i) && rc == 0; i++)
		for (inv = table_at(i); inv->name && rc == 0; inv++) {
			if (only && strncmp(inv->name, only, strlen(only)) != 0)
				continue;
			if ((rc = inv->run(db, out, violations)) != 0)
				rc = wf_error_prefix("check %s", inv->name);
		}
	if (wf_db_cache(db, WF_CACHE_BATCH) != 0 && rc == 0)
		rc = wf_error_code();
	return rc;
}

int
wf_check_list(wf_out *out)
{
	const struct wf_invariant *inv;
	size_t i;
	int rc;

	for (i = 0; table_at(i); i++)
		for (inv = table_at(i); inv->name; inv++) {
			cJSON *r = wf_jrecord("invariant");
			if (r == NULL || wf_jadd_str(r, "name", inv->name) ||
			    wf_jadd_str(r, "summary", inv->summary)) {
				cJSON_Delete(r);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
			if ((rc = wf_out_emit(out, r)) != 0)
				return rc;
		}
	return 0;
}

/* ---- core invariants ------------------------------------------------------- */

static int
integrity(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] = "PRAGMA quick_check";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *r = wf_col_text(st, 0);
		if (strcmp(r, "ok") != 0 &&
		    (rc = wf_check_violation(out, n, "db.integrity", "database",
		    wf_db_filename(db), "%s", r)) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

static int
foreign_keys(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] = "PRAGMA foreign_key_check";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		char ref[64];
		snprintf(ref, sizeof ref, "%lld", (long long)wf_col_int(st, 1));
		if ((rc = wf_check_violation(out, n, "db.foreign_keys",
		    wf_col_text(st, 0), ref, "row refers to a missing %s row",
		    wf_col_text(st, 2))) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

/* Every record's state is the to-state of its last event for that machine
 * (or, for a secondary machine never changed since creation, the state the
 * create event recorded), and every state is in the machine's closed set. */
static int
states_match_history(wf_db *db, wf_out *out, long long *n)
{
	static const char last[] =
	    "SELECT to_state FROM event WHERE record_type = ?1 AND ref = ?2"
	    " AND machine = ?3 ORDER BY id DESC LIMIT 1";
	static const char created[] =
	    "SELECT json_extract(data, '$.' || ?3) FROM event"
	    " WHERE record_type = ?1 AND ref = ?2 AND action = 'create'"
	    " ORDER BY id LIMIT 1";
	size_t i;
	int rc = 0;

	for (i = 0; wf_machine_at(i) && rc == 0; i++) {
		const struct wf_machine *m = wf_machine_at(i);
		wf_stmt *all, *q;

		if ((rc = wf_db_stmt(db, &all, m->sql_all)) != 0)
			return wf_error_prefix("%s", m->name);
		while ((rc = wf_db_step(db, all)) == 1) {
			char ref[256], state[64], want[64] = "";
			int found;

			wf_strlcpy(ref, wf_col_text(all, 1), sizeof ref);
			wf_strlcpy(state, wf_col_text(all, 2), sizeof state);
			if (!wf_state_valid(m, state)) {
				rc = wf_check_violation(out, n, "history.state", m->record, ref,
				    "%s state '%s' is not one of its states", m->name, state);
				if (rc)
					break;
				continue;
			}
			if ((rc = wf_db_stmt(db, &q, last)) != 0)
				break;
			wf_bind_text(q, 1, m->record);
			wf_bind_text(q, 2, ref);
			wf_bind_text(q, 3, m->name);
			found = (rc = wf_db_step(db, q)) == 1;
			if (found)
				wf_strlcpy(want, wf_col_text(q, 0), sizeof want);
			wf_stmt_reset(q);
			if (rc < 0)
				break;
			/* a secondary machine unchanged since creation */
			if (!found && m->create_key) {
				if ((rc = wf_db_stmt(db, &q, created)) != 0)
					break;
				wf_bind_text(q, 1, m->record);
				wf_bind_text(q, 2, ref);
				wf_bind_text(q, 3, m->create_key);
				found = (rc = wf_db_step(db, q)) == 1 &&
				    !wf_col_null(q, 0);
				if (found)
					wf_strlcpy(want, wf_col_text(q, 0), sizeof want);
				wf_stmt_reset(q);
				if (rc < 0)
					break;
			}
			if (!found)
				rc = wf_check_violation(out, n, "history.state", m->record, ref,
				    "%s state is '%s' but history has no event for it",
				    m->name, state);
			else if (strcmp(want, state) != 0)
				rc = wf_check_violation(out, n, "history.state", m->record, ref,
				    "%s state is '%s' but history says '%s'", m->name, state, want);
			else
				rc = 0;
			if (rc)
				break;
		}
		wf_stmt_reset(all);
	}
	return rc < 0 ? rc : 0;
}

const struct wf_invariant wf_core_invariants[] = {
	{ "db.integrity", "the database file is intact (PRAGMA quick_check)", integrity },
	{ "db.foreign_keys", "every reference points at an existing row", foreign_keys },
	{ "history.state", "every record's state is the one its history ends in",
	  states_match_history },
	{ NULL, NULL, NULL }
};
