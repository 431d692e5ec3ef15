/*
 * state.c - the one engine over every record family's state machine.
 *
 * The machines themselves -- states, transitions and the SQL that reads and
 * sets a record's state -- live in the record modules that own the tables
 * (wf_record.h); this file only walks and applies them.
 */
#include <string.h>

#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_record.h"
#include "wf_state.h"

const struct wf_machine *
wf_machine_find(const char *name)
{
	const struct wf_machine *m;
	size_t i;

	for (i = 0; (m = wf_machine_at(i)) != NULL; i++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

const char *
wf_state_intern(const struct wf_machine *m, const char *state)
{
	size_t i;

	for (i = 0; m->states[i]; i++)
		if (strcmp(m->states[i], state) == 0)
			return m->states[i];
	return NULL;
}

int
wf_state_valid(const struct wf_machine *m, const char *state)
{
	return wf_state_intern(m, state) != NULL;
}

const char *
wf_state_next(const struct wf_machine *m, const char *from, const char *action)
{
	const struct wf_transition *t;

	for (t = m->rows; t->from; t++)
		if (strcmp(t->from, from) == 0 && strcmp(t->action, action) == 0)
			return t->to;
	return NULL;
}

int
wf_state_legal(const struct wf_machine *m, const char *from, wf_buf *out)
{
	const struct wf_transition *t;
	int rc = 0, n = 0;

	for (t = m->rows; t->from; t++)
		if (strcmp(t->from, from) == 0)
			rc |= wf_buf_addf(out, "%s%s", n++ ? ", " : "", t->action);
	if (n == 0)
		rc |= wf_buf_adds(out, "none");
	return rc ? WF_ENOMEM : 0;
}

int
wf_state_check(const struct wf_machine *m, const char *ref, const char *from,
    const char *action)
{
	wf_buf legal = {0};
	int rc;

	if (wf_state_next(m, from, action) != NULL)
		return 0;
	wf_state_legal(m, from, &legal);
	rc = wf_error_set(WF_EREFUSED,
	    "%s %s: cannot %s when %s%s (legal from %s: %s)", m->record, ref,
	    action, strcmp(m->name, m->record) ? "finance state is " : "", from,
	    from, wf_buf_str(&legal));
	wf_buf_free(&legal);
	return rc;
}

int
wf_state_apply(wf_db *db, const char **to_out, const struct wf_machine *m,
    int64_t id, const char *ref, const char *action, cJSON *data)
{
	return wf_state_apply_arg(db, to_out, m, id, ref, action, NULL, data);
}

int
wf_state_apply_arg(wf_db *db, const char **to_out, const struct wf_machine *m,
    int64_t id, const char *ref, const char *action, const char *arg,
    cJSON *data)
{
	char from[64], memo[64];
	const char *to, *newmemo;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, m->sql_get)) != 0)
		goto out;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) <= 0) {
		if (rc == 0)
			rc = wf_error_set(WF_ENOTFOUND, "%s '%s' not found", m->record, ref);
		goto out;
	}
	wf_strlcpy(from, wf_col_text(st, 0), sizeof from);
	wf_strlcpy(memo, wf_col_text(st, 1), sizeof memo);
	wf_stmt_reset(st);

	if ((rc = wf_state_check(m, ref, from, action)) != 0)
		goto out;
	to = wf_state_next(m, from, action);
	if (strcmp(to, WF_PREVIOUS) == 0) {
		to = wf_state_intern(m, memo);
		if (to == NULL) {
			rc = wf_error_set(WF_EINTERNAL, "%s %s: no remembered state", m->record, ref);
			goto out;
		}
	}
	/* The memory column: set when entering the remembering state, cleared
	 * when leaving it, kept otherwise. */
	newmemo = NULL;
	if (m->memo_state && strcmp(to, m->memo_state) == 0)
		newmemo = wf_state_intern(m, from);

	if ((rc = wf_db_stmt(db, &st, m->sql_set)) != 0)
		goto out;
	wf_bind_text(st, 1, to);
	wf_bind_time(st, 2, wf_db_now(db));
	wf_bind_int(st, 3, id);
	if (m->memo_state)
		wf_bind_text(st, 4, newmemo);
	if (wf_stmt_params(st) >= 5)
		wf_bind_text(st, 5, arg);
	if ((rc = wf_db_done(db, st)) != 0)
		goto out;
	rc = wf_history_add(db, m->record, ref, m->name, action,
	    wf_state_intern(m, from), to, data);
	data = NULL;
	if (rc == 0 && to_out)
		*to_out = to;
out:
	cJSON_Delete(data);
	return rc;
}
