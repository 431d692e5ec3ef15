/* supplier.c - suppliers: add, pause and resume, list, look up.
 *
 * owns: supplier
 */
#include <string.h>

#include "wf_error.h"
#include "wf_record.h"
#include "wf_state.h"
#include "wf_supplier.h"
#include "wf_text.h"
#include "wf_upsert.h"

enum {
	SUP_CODE, SUP_NAME, SUP_EMAIL, SUP_LEAD_TIME, SUP_CONFIRM_WITHIN, SUP_FOLLOW_UP_EVERY,
	SUP_OWNER, SUP_STATE, SUP_FIELDS
};

static const struct wf_upsert_field supplier_fields[SUP_FIELDS] = {
	[SUP_CODE]            = { "supplier", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[SUP_NAME]            = { "name", WF_UPSERT_TEXT, 0, NULL, 0, 0 },
	[SUP_EMAIL]           = { "email", WF_UPSERT_TEXT, WF_UPSERT_NULL, NULL, 0, 0 },
	[SUP_LEAD_TIME]       = { "lead_time_days", WF_UPSERT_INT, 0, NULL, 14, 0 },
	[SUP_CONFIRM_WITHIN]  = { "confirm_within_days", WF_UPSERT_INT, 0, NULL, 2, 0 },
	[SUP_FOLLOW_UP_EVERY] = { "follow_up_every_days", WF_UPSERT_INT, 0, NULL, 3, 0 },
	[SUP_OWNER]           = { "owner", WF_UPSERT_TEXT, 0, WF_OWNER_SUPPLIER, 0, 0 },
	[SUP_STATE]           = { "state", WF_UPSERT_TEXT, WF_UPSERT_STORED, "active", 0, 0 },
};

#define SUPPLIER_SELECT "SELECT id, code, name, email, lead_time_days, confirm_within_days," \
                        " follow_up_every_days, owner, state FROM supplier"

/* A new supplier needs a name. */
static int
supplier_merge(wf_db *db, struct wf_upsert *u)
{
	(void)db;
	if (!u->found && !u->given[SUP_NAME].set)
		return wf_error_set(WF_EUSAGE, "supplier '%s' is new: --name is required", u->ref);
	return 0;
}

static const struct wf_upsert_type supplier_type = {
	.type = "supplier", .history = "supplier", .initial = "active",
	.fields = supplier_fields, .nfields = SUP_FIELDS, .result_at = 1,
	.load = SUPPLIER_SELECT " WHERE code = ?1",
	.insert = "INSERT INTO supplier (code, name, email, lead_time_days, confirm_within_days,"
	    " follow_up_every_days, owner, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
	.update = "UPDATE supplier SET name = ?2, email = ?3, lead_time_days = ?4,"
	    " confirm_within_days = ?5, follow_up_every_days = ?6, owner = ?7,"
	    " updated_at = ?8 WHERE code = ?1",
	.merge = supplier_merge,
};

/* The supplier of the current row of ST, a SUPPLIER_SELECT. */
static void
supplier_from_stmt(wf_stmt *st, struct wf_supplier_info *s)
{
	s->id = wf_col_int(st, 0);
	wf_upsert_copy(s->code, sizeof s->code, wf_col_text(st, 1));
	wf_upsert_copy(s->name, sizeof s->name, wf_col_text(st, 2));
	s->has_email = !wf_col_null(st, 3);
	wf_upsert_copy(s->email, sizeof s->email, wf_col_text(st, 3));
	s->lead_time_days = wf_col_int(st, 4);
	s->confirm_within_days = wf_col_int(st, 5);
	s->follow_up_every_days = wf_col_int(st, 6);
	wf_upsert_copy(s->owner, sizeof s->owner, wf_col_text(st, 7));
	wf_upsert_copy(s->state, sizeof s->state, wf_col_text(st, 8));
}

/* The supplier SQL selects by ?1 (bound to CODE, or else to ID) into *S:
 * 1 found, 0 not, or an error. */
static int
supplier_lookup(wf_db *db, struct wf_supplier_info *s, const char *sql, const char *code,
    int64_t id)
{
	wf_stmt *st;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if (code)
		wf_bind_text(st, 1, code);
	else
		wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) == 1) {
		supplier_from_stmt(st, s);
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_supplier_find(wf_db *db, struct wf_supplier_info *s, const char *code)
{
	static const char sql[] = SUPPLIER_SELECT " WHERE code = ?1";
	static const char near[] =
	    "SELECT code FROM supplier WHERE length(code) BETWEEN ?1 AND ?2 ORDER BY code";
	int rc = supplier_lookup(db, s, sql, code, 0);

	if (rc == 0)
		return wf_upsert_unknown(db, near, "supplier", code);
	return rc < 0 ? rc : 0;
}

int
wf_supplier_get(wf_db *db, struct wf_supplier_info *s, int64_t id)
{
	static const char sql[] = SUPPLIER_SELECT " WHERE id = ?1";
	int rc = supplier_lookup(db, s, sql, NULL, id);

	if (rc == 0)
		return wf_error_set(WF_EINTERNAL, "supplier %lld vanished", (long long)id);
	return rc < 0 ? rc : 0;
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
	struct wf_upsert u = { .t = &supplier_type, .ref = in->code, .nkey = 1 };
	int rc;

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
	if (in->owner && (rc = wf_text_owner(in->owner)) != 0)
		return rc;
	u.key[0] = u.given[SUP_CODE] = wf_upsert_text(in->code);
	u.given[SUP_NAME] = wf_upsert_text(in->name);
	u.given[SUP_EMAIL] = wf_upsert_text(in->email);
	u.given[SUP_LEAD_TIME] = wf_upsert_int(in->has_lead_time, in->lead_time_days);
	u.given[SUP_CONFIRM_WITHIN] = wf_upsert_int(in->has_confirm_within,
	    in->confirm_within_days);
	u.given[SUP_FOLLOW_UP_EVERY] = wf_upsert_int(in->has_follow_up_every,
	    in->follow_up_every_days);
	u.given[SUP_OWNER] = wf_upsert_text(in->owner);
	return wf_upsert(db, &u, out);
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
	    (rc = wf_supplier_show(db, code, out)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_supplier_list(wf_db *db, wf_out *out)
{
	static const char sql[] = SUPPLIER_SELECT " ORDER BY code";

	return wf_upsert_list(db, &supplier_type, sql, NULL, out);
}

int
wf_supplier_show(wf_db *db, const char *code, wf_out *out)
{
	struct wf_supplier_info s;
	int rc = wf_upsert_show(db, &supplier_type, code, out);

	return rc == 1 ? wf_supplier_find(db, &s, code) : rc;
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
	.type = "supplier",
	.table = "supplier",
	.machines = supplier_machines,
	.complete = "SELECT code FROM supplier WHERE code GLOB ?1 ORDER BY code",
	.lookup = "SELECT 1 FROM supplier WHERE code = ?1",
};
