/* supplier.c - suppliers: add, pause and resume, list, look up.
 *
 * owns: supplier
 */
#include <string.h>

#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_record.h"
#include "wf_state.h"
#include "wf_supplier.h"
#include "wf_text.h"


#define SUPPLIER_COLS "id, code, name, email, lead_time_days, confirm_within_days," \
                      " follow_up_every_days, owner, state"

static void
supplier_from_stmt(wf_stmt *st, struct wf_supplier_info *s)
{
	s->id = wf_col_int(st, 0);
	wf_strlcpy(s->code, wf_col_text(st, 1), sizeof s->code);
	wf_strlcpy(s->name, wf_col_text(st, 2), sizeof s->name);
	s->has_email = !wf_col_null(st, 3);
	wf_strlcpy(s->email, wf_col_text(st, 3), sizeof s->email);
	s->lead_time_days = wf_col_int(st, 4);
	s->confirm_within_days = wf_col_int(st, 5);
	s->follow_up_every_days = wf_col_int(st, 6);
	wf_strlcpy(s->owner, wf_col_text(st, 7), sizeof s->owner);
	wf_strlcpy(s->state, wf_col_text(st, 8), sizeof s->state);
}

/* Load supplier CODE into S; *found says whether it exists. */
static int
supplier_load(wf_db *db, const char *code, struct wf_supplier_info *s, int *found)
{
	static const char sql[] = "SELECT " SUPPLIER_COLS " FROM supplier WHERE code = ?1";
	wf_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, code);
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	*found = rc == 1;
	if (rc == 1) {
		supplier_from_stmt(st, s);
		wf_stmt_reset(st);
	}
	return 0;
}

int
wf_supplier_find(wf_db *db, struct wf_supplier_info *s, const char *code)
{
	int rc, found;

	if ((rc = supplier_load(db, code, s, &found)) != 0)
		return rc;
	if (!found)
		return wf_error_set(WF_ENOTFOUND, "unknown supplier '%s'", code);
	return 0;
}

int
wf_supplier_get(wf_db *db, struct wf_supplier_info *s, int64_t id)
{
	static const char sql[] = "SELECT " SUPPLIER_COLS " FROM supplier WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "supplier %lld vanished",
		    (long long)id);
	supplier_from_stmt(st, s);
	wf_stmt_reset(st);
	return 0;
}

static cJSON *
supplier_record(const struct wf_supplier_info *s, const char *result)
{
	cJSON *r = wf_jrecord("supplier");
	int rc = 0;

	if (r == NULL)
		return NULL;
	rc |= wf_jadd_str(r, "supplier", s->code);
	if (result)
		rc |= wf_jadd_str(r, "result", result);
	rc |= wf_jadd_str(r, "name", s->name);
	rc |= wf_jadd_str(r, "email", s->has_email ? s->email : NULL);
	rc |= wf_jadd_int(r, "lead_time_days", s->lead_time_days);
	rc |= wf_jadd_int(r, "confirm_within_days", s->confirm_within_days);
	rc |= wf_jadd_int(r, "follow_up_every_days", s->follow_up_every_days);
	rc |= wf_jadd_str(r, "owner", s->owner);
	rc |= wf_jadd_str(r, "state", s->state);
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

static int
check_email(const char *email)
{
	const char *at = strchr(email, '@');
	int rc;

	if ((rc = wf_text_check("email", email, 254)) != 0)
		return rc;
	if (at == NULL || at == email || at[1] == '\0' || strchr(at + 1, '@') ||
	    strpbrk(email, " ,;<>\"") != NULL)
		return wf_error_set(WF_EINPUT,
		    "email: expected one address like orders@example.com, got '%.60s'", email);
	return 0;
}

static int
check_days(const char *what, int has, int64_t v, int64_t min, int64_t max)
{
	if (has && (v < min || v > max))
		return wf_error_set(WF_EINPUT, "%s: expected %lld to %lld days, got %lld",
		    what, (long long)min, (long long)max, (long long)v);
	return 0;
}

int
wf_supplier_add(wf_db *db, const struct wf_supplier_in *in, wf_out *out)
{
	static const char ins[] =
	    "INSERT INTO supplier (code, name, email, lead_time_days, confirm_within_days,"
	    " follow_up_every_days, owner, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
	static const char upd[] =
	    "UPDATE supplier SET name = ?2, email = ?3, lead_time_days = ?4,"
	    " confirm_within_days = ?5, follow_up_every_days = ?6, owner = ?7,"
	    " updated_at = ?8 WHERE code = ?1";
	struct wf_supplier_info old, s;
	const char *result;
	cJSON *changes = NULL;
	wf_stmt *st;
	int rc, found;

	if ((rc = wf_text_code("supplier", in->code, 32)) != 0 ||
	    (in->name && (rc = wf_text_check("name", in->name, 200)) != 0) ||
	    (in->email && (rc = check_email(in->email)) != 0) ||
	    (rc = check_days("lead time", in->has_lead_time, in->lead_time_days, 0, 3650)) != 0 ||
	    (rc = check_days("confirm within", in->has_confirm_within,
	    in->confirm_within_days, 0, 365)) != 0 ||
	    (rc = check_days("follow up every", in->has_follow_up_every,
	    in->follow_up_every_days, 1, 365)) != 0)
		return rc;
	if (in->name && *in->name == '\0')
		return wf_error_set(WF_EINPUT, "name: must not be empty");
	if (in->owner && (*in->owner == '\0' ||
	    (rc = wf_text_check("owner", in->owner, 64)) != 0))
		return *in->owner ? rc : wf_error_set(WF_EINPUT, "owner: must not be empty");

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = supplier_load(db, in->code, &old, &found)) != 0)
		goto fail;
	s = old;
	if (!found) {
		if (in->name == NULL) {
			rc = wf_error_set(WF_EUSAGE, "supplier '%s' is new: --name is required",
			    in->code);
			goto fail;
		}
		wf_strlcpy(s.code, in->code, sizeof s.code);
		wf_strlcpy(s.owner, WF_OWNER_SUPPLIER, sizeof s.owner);
		wf_strlcpy(s.state, "active", sizeof s.state);
		s.lead_time_days = 14;
		s.confirm_within_days = 2;
		s.follow_up_every_days = 3;
	}
	if (in->name)
		wf_strlcpy(s.name, in->name, sizeof s.name);
	if (in->email) {
		s.has_email = 1;
		wf_strlcpy(s.email, in->email, sizeof s.email);
	}
	if (in->owner)
		wf_strlcpy(s.owner, in->owner, sizeof s.owner);
	if (in->has_lead_time)
		s.lead_time_days = in->lead_time_days;
	if (in->has_confirm_within)
		s.confirm_within_days = in->confirm_within_days;
	if (in->has_follow_up_every)
		s.follow_up_every_days = in->follow_up_every_days;

	if ((changes = cJSON_CreateObject()) == NULL ||
	    (found && (wf_change_text(changes, "name", old.name, s.name) |
	    wf_change_text(changes, "email", old.has_email ? old.email : NULL,
	    s.has_email ? s.email : NULL) |
	    wf_change_int(changes, "lead_time_days", 1, old.lead_time_days, 1,
	    s.lead_time_days) |
	    wf_change_int(changes, "confirm_within_days", 1, old.confirm_within_days, 1,
	    s.confirm_within_days) |
	    wf_change_int(changes, "follow_up_every_days", 1, old.follow_up_every_days, 1,
	    s.follow_up_every_days) |
	    wf_change_text(changes, "owner", old.owner, s.owner)))) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	result = wf_change_result(!found, changes);
	if (!found || changes->child) {
		if ((rc = wf_db_stmt(db, &st, found ? upd : ins)) != 0)
			goto fail;
		wf_bind_text(st, 1, s.code);
		wf_bind_text(st, 2, s.name);
		wf_bind_text(st, 3, s.has_email ? s.email : NULL);
		wf_bind_int(st, 4, s.lead_time_days);
		wf_bind_int(st, 5, s.confirm_within_days);
		wf_bind_int(st, 6, s.follow_up_every_days);
		wf_bind_text(st, 7, s.owner);
		wf_bind_time(st, 8, wf_db_now(db));
		if ((rc = wf_db_done(db, st)) != 0)
			goto fail;
		rc = wf_history_upsert(db, "supplier", s.code, !found, "active", changes,
		    found ? NULL : supplier_record(&s, NULL));
		changes = NULL;
		if (rc)
			goto fail;
	}
	if ((rc = wf_out_emit(out, supplier_record(&s, result))) != 0)
		goto fail;
	cJSON_Delete(changes);
	return wf_tx_commit(db);
fail:
	cJSON_Delete(changes);
	wf_tx_rollback(db);
	return rc;
}

int
wf_supplier_act(wf_db *db, const char *code, const char *action, wf_out *out)
{
	struct wf_supplier_info s;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_supplier_find(db, &s, code)) != 0 ||
	    (rc = wf_state_apply(db, NULL, wf_machine_find("supplier"), s.id, s.code,
	    action, NULL)) != 0 ||
	    (rc = wf_supplier_find(db, &s, code)) != 0 ||
	    (rc = wf_out_emit(out, supplier_record(&s, NULL))) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_supplier_list(wf_db *db, wf_out *out)
{
	static const char sql[] = "SELECT " SUPPLIER_COLS " FROM supplier ORDER BY code";
	struct wf_supplier_info s;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		supplier_from_stmt(st, &s);
		if ((rc = wf_out_emit(out, supplier_record(&s, NULL))) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_supplier_show(wf_db *db, const char *code, wf_out *out)
{
	struct wf_supplier_info s;
	int rc;

	if ((rc = wf_supplier_find(db, &s, code)) != 0)
		return rc;
	return wf_out_emit(out, supplier_record(&s, NULL));
}

/* ---- state machine ---------------------------------------------------- */

static const char *const supplier_states[] = { "active", "paused", NULL };
static const struct wf_transition supplier_rows[] = {
	{ "active", "pause",  "paused" },
	{ "paused", "resume", "active" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_supplier = {
	"supplier", "supplier", "suppliers",
	supplier_states, supplier_rows, WF_SQL_STATE_GET("supplier", "state", "NULL"),
	WF_SQL_STATE_SET("supplier", "state"), WF_SQL_STATE_ALL("supplier", "code", "state"), NULL, NULL
};

static const struct wf_machine *const supplier_machines[] = { &m_supplier, NULL };

const struct wf_record_type wf_record_supplier = {
	"supplier", NULL, NULL, "supplier", supplier_machines, NULL,
	"SELECT code FROM supplier WHERE code GLOB ?1 ORDER BY code", 0
};
