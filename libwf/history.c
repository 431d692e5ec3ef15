/* history.c - appending and reading history events.
 *
 * owns: event
 */
#include <string.h>

#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_record.h"
#include "wf_time.h"

int
wf_history_add_text(wf_db *db, const char *record, const char *ref,
    const char *machine, const char *action, const char *from, const char *to,
    const char *data)
{
	static const char sql[] =
	    "INSERT INTO event (at, actor, record_type, ref, machine, action,"
	    " from_state, to_state, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	char at[WF_TIME_LEN];
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_time_format(wf_db_now(db), at);
	wf_bind_static(st, 1, at);
	wf_bind_static(st, 2, wf_db_actor(db));
	wf_bind_static(st, 3, record);
	wf_bind_static(st, 4, ref);
	wf_bind_static(st, 5, machine);
	wf_bind_static(st, 6, action);
	wf_bind_static(st, 7, from);
	wf_bind_static(st, 8, to);
	wf_bind_static(st, 9, data);
	return wf_db_done_static(db, st);
}

int
wf_history_add(wf_db *db, const char *record, const char *ref,
    const char *machine, const char *action, const char *from, const char *to,
    cJSON *data)
{
	wf_buf text = {0};
	int rc;

	if (data && (rc = wf_json_write(&text, data)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	cJSON_Delete(data);
	rc = wf_history_add_text(db, record, ref, machine, action, from, to,
	    data ? wf_buf_str(&text) : NULL);
	wf_buf_free(&text);
	return rc;
}

/* ---- change records ---------------------------------------------------------- */

static int
change(cJSON *changes, const char *field, cJSON *c, int failed)
{
	if (c == NULL || failed) {
		cJSON_Delete(c);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_jadd_item(changes, field, c);
}

int
wf_change_text(cJSON *changes, const char *field, const char *old, const char *new)
{
	cJSON *c;

	if ((old == NULL && new == NULL) || (old && new && strcmp(old, new) == 0))
		return 0;
	if ((c = cJSON_CreateObject()) == NULL)
		return change(changes, field, NULL, 1);
	return change(changes, field, c, wf_jadd_str(c, "from", old) | wf_jadd_str(c, "to", new));
}

int
wf_change_int(cJSON *changes, const char *field, int has_old, int64_t old,
    int has_new, int64_t new)
{
	cJSON *c;

	if (has_old == has_new && (!has_old || old == new))
		return 0;
	if ((c = cJSON_CreateObject()) == NULL)
		return change(changes, field, NULL, 1);
	return change(changes, field, c,
	    (has_old ? wf_jadd_int(c, "from", old) : wf_jadd_null(c, "from")) |
	    (has_new ? wf_jadd_int(c, "to", new) : wf_jadd_null(c, "to")));
}

const char *
wf_change_result(int created, const cJSON *changes)
{
	return created ? "created" : changes && changes->child ? "updated" : "unchanged";
}

int
wf_history_upsert(wf_db *db, const char *type, const char *ref, int created,
    const char *initial, cJSON *changes, cJSON *record)
{
	if (created) {
		cJSON_Delete(changes);
		if (record == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		return wf_history_add(db, type, ref, type, "create", NULL, initial, record);
	}
	cJSON_Delete(record);
	if (changes == NULL || changes->child == NULL) {
		cJSON_Delete(changes);
		return 0;
	}
	return wf_history_add(db, type, ref, NULL, "update", NULL, NULL, changes);
}

/* ---- the log ------------------------------------------------------------------- */

int
wf_history_log(wf_db *db, const struct wf_log_query *q, wf_out *out)
{
	/* One statement per access path, so each can use its index. */
	static const char by_ref[] =
	    "SELECT id, at, actor, record_type, ref, machine, action, from_state,"
	    " to_state, data FROM event WHERE record_type = ?1 AND ref = ?2"
	    " AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR actor = ?4) ORDER BY id";
	static const char by_type[] =
	    "SELECT id, at, actor, record_type, ref, machine, action, from_state,"
	    " to_state, data FROM event WHERE record_type = ?1"
	    " AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR actor = ?4) ORDER BY id";
	static const char by_time[] =
	    "SELECT id, at, actor, record_type, ref, machine, action, from_state,"
	    " to_state, data FROM event WHERE at >= ?3"
	    " AND (?4 IS NULL OR actor = ?4) ORDER BY id";
	static const char all[] =
	    "SELECT id, at, actor, record_type, ref, machine, action, from_state,"
	    " to_state, data FROM event WHERE (?4 IS NULL OR actor = ?4) ORDER BY id";
	const char *sql;
	wf_stmt *st;
	int rc;

	if (q->record && !wf_record_in_history(q->record)) {
		wf_buf types = {0};
		wf_record_history_types(&types);
		rc = wf_error_set(WF_EUSAGE, "unknown record type '%s' (%s)", q->record,
		    wf_buf_str(&types));
		wf_buf_free(&types);
		return rc;
	}
	sql = q->record && q->ref ? by_ref : q->record ? by_type : q->has_since ? by_time : all;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, q->record);
	wf_bind_text(st, 2, q->ref);
	if (q->has_since)
		wf_bind_time(st, 3, q->since);
	wf_bind_text(st, 4, q->actor);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *e = wf_jrecord("event"), *data = NULL;
		const char *d = wf_col_str(st, 9);
		int k = 0;

		if (e == NULL) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
		k |= wf_jadd_int(e, "event", wf_col_int(st, 0));
		k |= wf_jadd_str(e, "at", wf_col_text(st, 1));
		k |= wf_jadd_str(e, "actor", wf_col_text(st, 2));
		k |= wf_jadd_str(e, "record", wf_col_text(st, 3));
		k |= wf_jadd_str(e, "ref", wf_col_text(st, 4));
		k |= wf_jadd_str(e, "action", wf_col_text(st, 6));
		k |= wf_jadd_str(e, "machine", wf_col_str(st, 5));
		k |= wf_jadd_str(e, "from", wf_col_str(st, 7));
		k |= wf_jadd_str(e, "to", wf_col_str(st, 8));
		if (d && wf_json_parse(d, strlen(d), &data) == 0)
			k |= wf_jadd_item(e, "data", data);
		else
			k |= wf_jadd_null(e, "data");
		if (k) {
			cJSON_Delete(e);
			rc = WF_ENOMEM;
			break;
		}
		if ((rc = wf_out_emit(out, e)) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}
