/* catalog.c - SKUs, warehouses and bins: add, import, list, look up, and
 * their states.
 *
 * owns: sku, sku_alias, warehouse, bin
 * reads: movement, balance, supplier
 */
#include <string.h>

#include "wf_catalog.h"
#include "wf_config.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_state.h"
#include "wf_supplier.h"
#include "wf_text.h"
#include "wf_time.h"
#include "wf_upsert.h"
#include "wf_record.h"

/* ---- lookups --------------------------------------------------------------- */

/* The keys an unknown one may be near (wf_upsert_unknown). */
static const char near_sku[] =
    "SELECT code FROM sku WHERE length(code) BETWEEN ?1 AND ?2 ORDER BY code";
static const char near_warehouse[] =
    "SELECT code FROM warehouse WHERE length(code) BETWEEN ?1 AND ?2 ORDER BY code";
static const char near_bin[] =
    "SELECT w.code || '/' || b.code FROM bin b JOIN warehouse w ON w.id = b.warehouse_id"
    " WHERE length(w.code) + 1 + length(b.code) BETWEEN ?1 AND ?2 ORDER BY w.code, b.code";

static const char *const bin_kinds[] = {
	"pick", "bulk", "inbound", "returns", "damaged", "quarantine", NULL
};

static const char *
intern(const char *const *set, const char *s)
{
	size_t i;

	for (i = 0; set[i]; i++)
		if (strcmp(set[i], s) == 0)
			return set[i];
	return NULL;
}

int
wf_sku_find(wf_db *db, struct wf_sku_info *info, const char *code)
{
	static const char sql[] =
	    "SELECT id, currency, avg_cost, cost, price, state FROM sku WHERE code = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, code);
	if ((rc = wf_db_step(db, st)) == 1) {
		if (info) {
			info->id = wf_col_int(st, 0);
			wf_upsert_copy(info->currency, sizeof info->currency, wf_col_text(st, 1));
			info->has_avg_cost = !wf_col_null(st, 2);
			info->avg_cost = wf_col_int(st, 2);
			info->has_cost = !wf_col_null(st, 3);
			info->cost = wf_col_int(st, 3);
			info->price = wf_col_int(st, 4);
			wf_upsert_copy(info->state, sizeof info->state, wf_col_text(st, 5));
		}
		wf_stmt_reset(st);
		return 0;
	}
	return rc < 0 ? rc : wf_upsert_unknown(db, near_sku, "SKU", code);
}

int
wf_sku_set_avg_cost(wf_db *db, int64_t sku_id, int64_t avg_cost)
{
	static const char sql[] = "UPDATE sku SET avg_cost = ?2 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, avg_cost);
	return wf_db_done(db, st);
}

int
wf_warehouse_find(wf_db *db, int64_t *id, char state[16], const char *code)
{
	static const char sql[] = "SELECT id, state FROM warehouse WHERE code = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, code);
	if ((rc = wf_db_step(db, st)) == 1) {
		if (id)
			*id = wf_col_int(st, 0);
		if (state)
			wf_upsert_copy(state, 16, wf_col_text(st, 1));
		wf_stmt_reset(st);
		return 0;
	}
	return rc < 0 ? rc : wf_upsert_unknown(db, near_warehouse, "warehouse", code);
}

int
wf_bin_find(wf_db *db, int64_t *bin_id, int64_t *wh_id, const char **kind,
    const char **state, const char *ref)
{
	static const char sql[] =
	    "SELECT b.id, b.warehouse_id, b.kind, b.state FROM bin b"
	    " JOIN warehouse w ON w.id = b.warehouse_id WHERE w.code = ?1 AND b.code = ?2";
	static const char *const states[] = { "active", "blocked", NULL };
	const char *slash = strchr(ref, '/');
	wf_stmt *st;
	int rc;

	if (slash == NULL || slash == ref || slash[1] == '\0')
		return wf_error_set(WF_EINPUT, "expected a bin as WAREHOUSE/BIN, got '%.60s'", ref);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_textn(st, 1, ref, (size_t)(slash - ref));
	wf_bind_text(st, 2, slash + 1);
	if ((rc = wf_db_step(db, st)) == 1) {
		if (bin_id)
			*bin_id = wf_col_int(st, 0);
		if (wh_id)
			*wh_id = wf_col_int(st, 1);
		if (kind)
			*kind = intern(bin_kinds, wf_col_text(st, 2));
		if (state)
			*state = intern(states, wf_col_text(st, 3));
		wf_stmt_reset(st);
		return 0;
	}
	if (rc < 0)
		return rc;
	{
		wf_buf wh = {0};
		if (wf_buf_add(&wh, ref, (size_t)(slash - ref)) != 0)
			return wf_error_set(WF_ENOMEM, "out of memory");
		rc = wf_warehouse_find(db, NULL, NULL, wf_buf_str(&wh));
		wf_buf_free(&wh);
		if (rc != 0)
			return rc;
	}
	return wf_upsert_unknown(db, near_bin, "bin", ref);
}

int
wf_bin_name(wf_db *db, wf_buf *out, int64_t bin_id)
{
	static const char sql[] =
	    "SELECT w.code || '/' || b.code FROM bin b JOIN warehouse w"
	    " ON w.id = b.warehouse_id WHERE b.id = ?1";
	wf_stmt *st;
	int rc;

	wf_buf_reset(out);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, bin_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		rc = wf_buf_adds(out, wf_col_text(st, 0));
		wf_stmt_reset(st);
		return rc;
	}
	return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "bin %lld vanished", (long long)bin_id);
}

/* How a warehouse's bin for one purpose is found, and what is said and
 * recorded when one is made.  Two rules, each as its caller has always
 * behaved: a return's bin (only an active one will do) and a purchase
 * order's inbound bin (active ones first, a blocked one after). */
struct bin_rule {
	const char *find;        /* ?1 the warehouse, ?2 the kind: the bin's id */
	/* the refusal when WH/CODE is taken by a bin of another kind */
	int (*taken)(const char *wh, const char *ref, const char *kind, const char *has);
	int event_state;         /* the create event names the state, not the owner */
};

static int
taken_ensure(const char *wh, const char *ref, const char *kind, const char *has)
{
	return wf_error_set(WF_EREFUSED, "bin %s exists but is of kind %s, not %s; "
	    "add a bin of kind %s to %s", ref, has, kind, kind, wh);
}

static int
taken_inbound(const char *wh, const char *ref, const char *kind, const char *has)
{
	return wf_error_set(WF_EREFUSED, "warehouse %s has no %s bin and %s is a %s bin; "
	    "add one with 'wf-stock bin add %s/BIN --kind %s'", wh, kind, ref, has, wh, kind);
}

static const struct bin_rule rule_ensure = {
	"SELECT b.id FROM bin b WHERE b.warehouse_id = ?1 AND b.kind = ?2"
	" AND b.state = 'active' ORDER BY b.code LIMIT 1",
	taken_ensure, 0
};

static const struct bin_rule rule_inbound = {
	"SELECT id FROM bin WHERE warehouse_id = ?1 AND kind = ?2"
	" ORDER BY state <> 'active', code LIMIT 1",
	taken_inbound, 1
};

static const char bin_ins[] =
    "INSERT INTO bin (warehouse_id, code, kind, owner, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?5)";

static int
bin_ensure(wf_db *db, int64_t *bin_id, const struct bin_rule *rule, int64_t wh_id,
    const char *kind, const char *code)
{
	static const char same[] =
	    "SELECT b.kind, w.code, w.owner FROM warehouse w LEFT JOIN bin b"
	    " ON b.warehouse_id = w.id AND b.code = ?2 WHERE w.id = ?1";
	wf_buf wh = {0}, owner = {0}, ref = {0};
	wf_stmt *st;
	cJSON *data;
	int rc;

	if ((rc = wf_db_stmt(db, &st, rule->find)) != 0)
		return rc;
	wf_bind_int(st, 1, wh_id);
	wf_bind_text(st, 2, kind);
	if ((rc = wf_db_step(db, st)) == 1) {
		*bin_id = wf_col_int(st, 0);
		wf_stmt_reset(st);
		return 0;
	}
	if (rc < 0 || (rc = wf_db_stmt(db, &st, same)) != 0)
		return rc;
	wf_bind_int(st, 1, wh_id);
	wf_bind_text(st, 2, code);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "warehouse %lld vanished",
		    (long long)wh_id);
	if (wf_buf_adds(&wh, wf_col_text(st, 1)) | wf_buf_adds(&owner, wf_col_text(st, 2)) |
	    wf_buf_addf(&ref, "%s/%s", wf_col_text(st, 1), code)) {
		wf_stmt_reset(st);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	if (!wf_col_null(st, 0)) {
		rc = rule->taken(wh.p, ref.p, kind, wf_col_text(st, 0));
		wf_stmt_reset(st);
		goto out;
	}
	wf_stmt_reset(st);
	if ((rc = wf_db_stmt(db, &st, bin_ins)) != 0)
		goto out;
	wf_bind_int(st, 1, wh_id);
	wf_bind_text(st, 2, code);
	wf_bind_text(st, 3, kind);
	wf_bind_text(st, 4, owner.p);
	wf_bind_time(st, 5, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto out;
	*bin_id = wf_db_last_id(db);
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "bin", ref.p) | wf_jadd_str(data, "warehouse", wh.p) |
	    wf_jadd_str(data, "kind", kind) | (rule->event_state ?
	    wf_jadd_str(data, "state", "active") : wf_jadd_str(data, "owner", owner.p))) {
		cJSON_Delete(data);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	rc = wf_history_add(db, "bin", ref.p, "bin", "create", NULL, "active", data);
out:
	wf_buf_free(&wh);
	wf_buf_free(&owner);
	wf_buf_free(&ref);
	return rc;
}

int
wf_bin_ensure(wf_db *db, int64_t *bin_id, int64_t wh_id, const char *kind,
    const char *code)
{
	return bin_ensure(db, bin_id, &rule_ensure, wh_id, kind, code);
}

int
wf_bin_inbound(wf_db *db, int64_t *bin_id, int64_t wh_id, const char *code)
{
	return bin_ensure(db, bin_id, &rule_inbound, wh_id, "inbound", code);
}


/* ---- warehouses ---------------------------------------------------------------- */

enum {
	WH_CODE, WH_NAME, WH_COUNTRY, WH_POSTCODE, WH_TIMEZONE, WH_CAPACITY, WH_OWNER,
	WH_STATE, WH_FIELDS
};

static const struct wf_upsert_field warehouse_fields[WH_FIELDS] = {
	[WH_CODE]     = { "warehouse", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[WH_NAME]     = { "name", WF_UPSERT_TEXT, 0, NULL, 0, 0 },
	[WH_COUNTRY]  = { "country", WF_UPSERT_TEXT, WF_UPSERT_NULL, NULL, 0, 0 },
	[WH_POSTCODE] = { "postcode", WF_UPSERT_TEXT, WF_UPSERT_NULL, NULL, 0, 0 },
	[WH_TIMEZONE] = { "timezone", WF_UPSERT_TEXT, 0, "UTC", 0, 0 },
	[WH_CAPACITY] = { "capacity", WF_UPSERT_INT, WF_UPSERT_NULL, NULL, 0, 0 },
	[WH_OWNER]    = { "owner", WF_UPSERT_TEXT, 0, WF_OWNER_WAREHOUSE, 0, 0 },
	[WH_STATE]    = { "state", WF_UPSERT_TEXT, WF_UPSERT_STORED, "active", 0, 0 },
};

#define WAREHOUSE_SELECT "SELECT id, code, name, country, postcode, timezone, capacity," \
                         " owner, state FROM warehouse"

static const struct wf_upsert_type warehouse_type = {
	.type = "warehouse", .history = "warehouse", .initial = "active",
	.fields = warehouse_fields, .nfields = WH_FIELDS, .result_at = 1,
	.load = WAREHOUSE_SELECT " WHERE code = ?1",
	.insert = "INSERT INTO warehouse (code, name, country, postcode, timezone, capacity,"
	    " owner, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
	.update = "UPDATE warehouse SET name = ?2, country = ?3, postcode = ?4, timezone = ?5,"
	    " capacity = ?6, owner = ?7, updated_at = ?8 WHERE code = ?1",
};

int
wf_warehouse_add(wf_db *db, const struct wf_warehouse_in *in, wf_out *out)
{
	struct wf_upsert u = { .t = &warehouse_type, .ref = in->code, .nkey = 1 };
	char country[4] = "";
	int rc;

	if ((rc = wf_text_code("warehouse", in->code, 32)) != 0 ||
	    (in->name && (rc = wf_text_check("name", in->name, 200)) != 0) ||
	    (in->postcode && (rc = wf_text_check("postcode", in->postcode, 32)) != 0) ||
	    (rc = (in->owner ? wf_text_owner(in->owner) : 0)) != 0)
		return rc;
	if (in->country) {
		size_t i;
		if (strlen(in->country) != 2)
			return wf_error_set(WF_EINPUT,
			    "country: expected an ISO 3166 code like DE, got '%.20s'", in->country);
		for (i = 0; i < 2; i++) {
			char c = in->country[i];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 32);
			if (c < 'A' || c > 'Z')
				return wf_error_set(WF_EINPUT,
				    "country: expected an ISO 3166 code like DE, got '%.20s'", in->country);
			country[i] = c;
		}
	}
	if (in->timezone && !wf_tz_valid(in->timezone))
		return wf_error_set(WF_EINPUT,
		    "timezone: unknown time zone '%.64s' (expected an IANA name like Europe/Berlin)",
		    in->timezone);
	if (in->has_capacity && in->capacity < 0)
		return wf_error_set(WF_EINPUT, "capacity: must not be negative");

	u.key[0] = u.given[WH_CODE] = wf_upsert_text(in->code);
	u.given[WH_NAME] = wf_upsert_text(in->name);
	u.given[WH_COUNTRY] = wf_upsert_text(in->country ? country : NULL);
	u.given[WH_POSTCODE] = wf_upsert_text(in->postcode);
	u.given[WH_TIMEZONE] = wf_upsert_text(in->timezone);
	u.given[WH_CAPACITY] = wf_upsert_int(in->has_capacity, in->capacity);
	u.given[WH_OWNER] = wf_upsert_text(in->owner);
	return wf_upsert(db, &u, out);
}

int
wf_warehouse_list(wf_db *db, wf_out *out)
{
	static const char sql[] = WAREHOUSE_SELECT " ORDER BY code";

	return wf_upsert_list(db, &warehouse_type, sql, NULL, out);
}

int
wf_warehouse_show(wf_db *db, const char *code, wf_out *out)
{
	int rc = wf_upsert_show(db, &warehouse_type, code, out);

	return rc == 1 ? wf_warehouse_find(db, NULL, NULL, code) : rc;
}

/* A warehouse closes empty: nothing on hand, held or inbound in its bins.
 * balance has no index by bin (migration 24): this reads it once, the
 * stock as it stands, which a rare close can afford and every reservation
 * is spared. */
static int
warehouse_empty(wf_db *db, int64_t wh_id, const char *code)
{
	static const char sql[] =
	    "SELECT s.code, b.code, bal.state, bal.qty FROM balance bal"
	    " CROSS JOIN bin b ON b.id = bal.bin_id JOIN sku s ON s.id = bal.sku_id"
	    " WHERE b.warehouse_id = ?1 ORDER BY b.code, s.code LIMIT 1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, wh_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc;
	rc = wf_error_set(WF_EREFUSED, "warehouse %s still holds stock (%lld %s %s at %s/%s, "
	    "see 'wf-stock levels --warehouse %s'); move it out, or end what holds it, "
	    "before closing", code, (long long)wf_col_int(st, 3), wf_col_text(st, 0),
	    wf_col_text(st, 2), code, wf_col_text(st, 1), code);
	wf_stmt_reset(st);
	return rc;
}

int
wf_warehouse_act(wf_db *db, const char *code, const char *action, wf_out *out)
{
	const struct wf_machine *m = wf_machine_find("warehouse");
	char state[16];
	int64_t id;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_warehouse_find(db, &id, state, code)) != 0 ||
	    (rc = wf_state_check(m, code, state, action)) != 0 ||
	    (strcmp(action, "close") == 0 && (rc = warehouse_empty(db, id, code)) != 0) ||
	    (rc = wf_state_apply(db, NULL, m, id, code, action, NULL)) != 0 ||
	    (rc = wf_upsert_show(db, &warehouse_type, code, out)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

/* ---- bins ------------------------------------------------------------------------ */

enum { BIN_REF, BIN_WAREHOUSE, BIN_KIND, BIN_OWNER, BIN_STATE, BIN_FIELDS };

static const struct wf_upsert_field bin_fields[BIN_FIELDS] = {
	[BIN_REF]       = { "bin", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[BIN_WAREHOUSE] = { "warehouse", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[BIN_KIND]      = { "kind", WF_UPSERT_TEXT, 0, "pick", 0, 0 },
	/* a new bin's owner is its warehouse's (bin_merge) */
	[BIN_OWNER]     = { "owner", WF_UPSERT_TEXT, 0, NULL, 0, 0 },
	[BIN_STATE]     = { "state", WF_UPSERT_TEXT, WF_UPSERT_STORED, "active", 0, 0 },
};

/* A bin add's own: the warehouse's code, and its owner when it is needed. */
struct bin_add {
	const char *wh;
	wf_buf      owner;
};

/* The key is the warehouse's id and the bin's code. */
static int
bin_prepare(wf_db *db, struct wf_upsert *u)
{
	struct bin_add *a = u->arg;
	int64_t wh_id;
	int rc;

	if ((rc = wf_warehouse_find(db, &wh_id, NULL, a->wh)) != 0)
		return rc;
	u->key[0] = wf_upsert_int(1, wh_id);
	return 0;
}

static int
bin_merge(wf_db *db, struct wf_upsert *u)
{
	static const char sql[] = "SELECT owner FROM warehouse WHERE id = ?1";
	struct bin_add *a = u->arg;
	wf_stmt *st;
	int rc;

	if (u->found || u->given[BIN_OWNER].set)
		return 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, u->key[0].i);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "warehouse %s vanished", a->wh);
	rc = wf_buf_adds(&a->owner, wf_col_text(st, 0));
	wf_stmt_reset(st);
	if (rc != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	u->val[BIN_OWNER] = wf_upsert_text(wf_buf_str(&a->owner));
	return 0;
}

#define BIN_SELECT "SELECT b.id, w.code || '/' || b.code, w.code, b.kind, b.owner, b.state" \
                   " FROM bin b JOIN warehouse w ON w.id = b.warehouse_id"

static const struct wf_upsert_type bin_type = {
	.type = "bin", .history = "bin", .initial = "active",
	.fields = bin_fields, .nfields = BIN_FIELDS, .result_at = 1,
	.load = BIN_SELECT " WHERE b.warehouse_id = ?1 AND b.code = ?2",
	.insert = bin_ins,
	.update = "UPDATE bin SET kind = ?3, owner = ?4, updated_at = ?5 WHERE id = ?6",
	.prepare = bin_prepare, .merge = bin_merge,
};

/* The warehouse part of "WH/BIN" into WH, or WF_EINPUT. */
static int
bin_warehouse(wf_buf *wh, const char *ref)
{
	const char *slash = strchr(ref, '/');

	if (slash == NULL || slash == ref || slash[1] == '\0')
		return wf_error_set(WF_EINPUT, "expected a bin as WAREHOUSE/BIN, got '%.60s'", ref);
	if (wf_buf_add(wh, ref, (size_t)(slash - ref)) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return 0;
}

int
wf_bin_add(wf_db *db, const struct wf_bin_in *in, wf_out *out)
{
	struct wf_upsert u = { .t = &bin_type, .ref = in->ref, .nkey = 2 };
	const char *kind = NULL;
	wf_buf wh = {0};
	struct bin_add a = { NULL, {0} };
	int rc;

	if ((rc = bin_warehouse(&wh, in->ref)) != 0)
		goto out;
	if ((rc = wf_text_code("warehouse", wh.p, 32)) != 0 ||
	    (rc = wf_text_code("bin", in->ref + wh.len + 1, 32)) != 0 ||
	    (rc = (in->owner ? wf_text_owner(in->owner) : 0)) != 0)
		goto out;
	if (in->kind && (kind = intern(bin_kinds, in->kind)) == NULL) {
		rc = wf_error_set(WF_EUSAGE,
		    "kind: expected pick, bulk, inbound, returns, damaged or quarantine, got '%.20s'",
		    in->kind);
		goto out;
	}
	a.wh = wh.p;
	u.arg = &a;
	u.key[1] = wf_upsert_text(in->ref + wh.len + 1);
	u.given[BIN_REF] = wf_upsert_text(in->ref);
	u.given[BIN_WAREHOUSE] = wf_upsert_text(wh.p);
	u.given[BIN_KIND] = wf_upsert_text(kind);
	u.given[BIN_OWNER] = wf_upsert_text(in->owner);
	rc = wf_upsert(db, &u, out);
out:
	wf_buf_free(&a.owner);
	wf_buf_free(&wh);
	return rc;
}

int
wf_bin_list(wf_db *db, const char *warehouse, wf_out *out)
{
	static const char sql[] = BIN_SELECT
	    " WHERE ?1 IS NULL OR w.code = ?1 ORDER BY w.code, b.code";
	int rc;

	if (warehouse && (rc = wf_warehouse_find(db, NULL, NULL, warehouse)) != 0)
		return rc;
	return wf_upsert_list(db, &bin_type, sql, warehouse, out);
}

int
wf_bin_act(wf_db *db, const char *ref, const char *action, wf_out *out)
{
	static const char sql[] = BIN_SELECT " WHERE w.code || '/' || b.code = ?1";
	const struct wf_machine *m = wf_machine_find("bin");
	int64_t id;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_bin_find(db, &id, NULL, NULL, NULL, ref)) != 0 ||
	    (rc = wf_state_apply(db, NULL, m, id, ref, action, NULL)) != 0 ||
	    (rc = wf_upsert_list(db, &bin_type, sql, ref, out)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

/* ---- SKUs ------------------------------------------------------------------------ */

enum {
	SKU_CODE, SKU_TITLE, SKU_STATE, SKU_CURRENCY, SKU_PRICE, SKU_COST, SKU_AVG_COST,
	SKU_LEAD_TIME, SKU_SAFETY_DAYS, SKU_OWNER, SKU_SUPPLIER, SKU_FIELDS
};

#define SKU_MONEY(name, flags) { name, WF_UPSERT_MONEY, WF_UPSERT_NULL | (flags), NULL, 0, \
	SKU_CURRENCY }

static const struct wf_upsert_field sku_fields[SKU_FIELDS] = {
	[SKU_CODE]        = { "sku", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[SKU_TITLE]       = { "title", WF_UPSERT_TEXT, 0, NULL, 0, 0 },
	[SKU_STATE]       = { "state", WF_UPSERT_TEXT, WF_UPSERT_STORED, "active", 0, 0 },
	[SKU_CURRENCY]    = { "currency", WF_UPSERT_TEXT, 0, WF_DEFAULT_CURRENCY, 0, 0 },
	[SKU_PRICE]       = SKU_MONEY("price", WF_UPSERT_MINOR),
	[SKU_COST]        = SKU_MONEY("cost", WF_UPSERT_MINOR),
	[SKU_AVG_COST]    = SKU_MONEY("avg_cost", WF_UPSERT_STORED),
	[SKU_LEAD_TIME]   = { "lead_time_days", WF_UPSERT_INT, 0, NULL, 0, 0 },
	[SKU_SAFETY_DAYS] = { "safety_days", WF_UPSERT_INT, 0, NULL, 0, 0 },
	[SKU_OWNER]       = { "owner", WF_UPSERT_TEXT, 0, WF_OWNER_SKU, 0, 0 },
	[SKU_SUPPLIER]    = { "supplier", WF_UPSERT_TEXT, WF_UPSERT_NULL, NULL, 0, 0 },
};

/* An update event lists the owner second, as it always has. */
static const int sku_changes[] = {
	SKU_TITLE, SKU_OWNER, SKU_CURRENCY, SKU_PRICE, SKU_COST, SKU_LEAD_TIME,
	SKU_SAFETY_DAYS, SKU_SUPPLIER, -1
};

#define SKU_SELECT "SELECT id, code, title, state, currency, price, cost, avg_cost," \
                   " lead_time_days, safety_days, owner," \
                   " (SELECT code FROM supplier WHERE id = sku.supplier_id) FROM sku"

/* A SKU add's own: the input, for the fields given in another form, and
 * the database's base currency, a new SKU's when it names none. */
struct sku_add {
	const struct wf_sku_in *in;
	char        base[4];
};

static int
money_text(const char *what, const char *text, const char *cur, int64_t *out)
{
	if (wf_money_parse(text, cur, out) != 0)
		return wf_error_set(WF_EINPUT, "%s: %s", what, wf_error_msg());
	if (*out < 0)
		return wf_error_set(WF_EINPUT, "%s: must not be negative", what);
	return 0;
}

/* A currency changes only while the SKU has no stock movement; money given
 * as text is parsed in the currency the SKU ends up with. */
static int
sku_merge(wf_db *db, struct wf_upsert *u)
{
	/* movement_sku holds every movement but the reservations, and none
	 * can come first: a reservation takes units something else put on
	 * hand */
	static const char moved[] =
	    "SELECT 1 FROM movement WHERE sku_id = ?1 AND action <> 'reserve' LIMIT 1";
	struct sku_add *a = u->arg;
	const struct wf_sku_in *in = a->in;
	const char *cur;
	wf_stmt *st;
	int rc;

	if (!u->found && !u->given[SKU_CURRENCY].set) {
		if ((rc = wf_config_base_currency(db, a->base)) != 0)
			return rc;
		u->val[SKU_CURRENCY] = wf_upsert_text(a->base);
	}
	/* a supplier is named by its code, and must be one we know; an empty
	 * one clears it */
	if (in->supplier && *in->supplier == '\0')
		memset(&u->val[SKU_SUPPLIER], 0, sizeof u->val[SKU_SUPPLIER]);
	else if (in->supplier) {
		struct wf_supplier_info sup;
		if ((rc = wf_supplier_find(db, &sup, in->supplier)) != 0)
			return rc;
	}
	cur = u->val[SKU_CURRENCY].s;
	if (u->found && strcmp(u->old[SKU_CURRENCY].s, cur) != 0) {
		if ((rc = wf_db_stmt(db, &st, moved)) != 0)
			return rc;
		wf_bind_int(st, 1, u->id);
		if ((rc = wf_db_step(db, st)) != 0) {
			wf_stmt_reset(st);
			if (rc == 1)
				rc = wf_error_set(WF_EREFUSED,
				    "SKU '%s' has stock movements in %s; its currency cannot change",
				    in->code, u->old[SKU_CURRENCY].s);
			return rc;
		}
	}
	if (in->price_text) {
		if ((rc = money_text("price", in->price_text, cur, &u->val[SKU_PRICE].i)) != 0)
			return rc;
		u->val[SKU_PRICE].set = 1;
	}
	if (in->cost_text) {
		if ((rc = money_text("cost", in->cost_text, cur, &u->val[SKU_COST].i)) != 0)
			return rc;
		u->val[SKU_COST].set = 1;
	}
	return 0;
}

/* The action that takes a SKU from FROM to TO, or NULL. */
static const char *
action_to(const struct wf_machine *m, const char *from, const char *to)
{
	const struct wf_transition *t;

	for (t = m->rows; t->from; t++)
		if (strcmp(t->from, from) == 0 && strcmp(t->to, to) == 0)
			return t->action;
	return NULL;
}

/* A state given with the SKU goes through the machine after the add. */
static int
sku_saved(wf_db *db, struct wf_upsert *u)
{
	const struct wf_machine *m = wf_machine_find("sku");
	const struct wf_sku_in *in = ((struct sku_add *)u->arg)->in;
	const char *state = u->val[SKU_STATE].s, *action, *to;
	int rc;

	if (in->state == NULL || strcmp(in->state, state) == 0)
		return 0;
	if ((action = action_to(m, state, in->state)) == NULL)
		return wf_error_set(WF_EREFUSED, "SKU '%s' cannot go from %s to %s",
		    in->code, state, in->state);
	if ((rc = wf_state_apply(db, &to, m, u->id, in->code, action, NULL)) != 0)
		return rc;
	u->val[SKU_STATE] = wf_upsert_text(to);
	if (strcmp(u->result, "unchanged") == 0)
		u->result = "updated";
	return 0;
}

static const struct wf_upsert_type sku_type = {
	.type = "sku", .history = "sku", .initial = "active",
	.fields = sku_fields, .nfields = SKU_FIELDS, .result_at = 1, .changes = sku_changes,
	.load = SKU_SELECT " WHERE code = ?1",
	.insert = "INSERT INTO sku (code, title, currency, price, cost, lead_time_days,"
	    " safety_days, owner, supplier_id, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " (SELECT id FROM supplier WHERE code = ?9), ?10, ?10)",
	.update = "UPDATE sku SET title = ?2, currency = ?3, price = ?4, cost = ?5,"
	    " lead_time_days = ?6, safety_days = ?7, owner = ?8,"
	    " supplier_id = (SELECT id FROM supplier WHERE code = ?9), updated_at = ?10"
	    " WHERE code = ?1",
	.merge = sku_merge, .saved = sku_saved,
};

/* The code of the SKU whose alias KEY is, into OWNER: 1, 0 when KEY is
 * no alias, or a database error. */
static int
alias_owner(wf_db *db, char owner[80], const char *key)
{
	static const char sql[] =
	    "SELECT s.code FROM sku_alias a JOIN sku s ON s.id = a.sku_id WHERE a.alias = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, key);
	if ((rc = wf_db_step(db, st)) == 1) {
		wf_strlcpy(owner, wf_col_text(st, 0), 80);
		wf_stmt_reset(st);
	}
	return rc;
}

/* A SKU's code is no other SKU's alias: one key names one SKU. */
static int
not_an_alias(wf_db *db, const char *code)
{
	char owner[80];
	int rc = alias_owner(db, owner, code);

	if (rc == 1)
		return wf_error_set(WF_EREFUSED, "'%s' is an alias of SKU '%s' (wf-stock sku "
		    "alias); one key names one SKU", code, owner);
	return rc;
}

int
wf_sku_add(wf_db *db, const struct wf_sku_in *in, wf_out *out)
{
	struct wf_upsert u = { .t = &sku_type, .ref = in->code, .nkey = 1 };
	struct sku_add a = { in, "" };
	char cur[4];
	int rc;

	if ((rc = wf_text_sku("sku", in->code)) != 0 ||
	    (in->title && (rc = wf_text_check("title", in->title, 500)) != 0) ||
	    (rc = (in->owner ? wf_text_owner(in->owner) : 0)) != 0)
		return rc;
	if (in->currency && (rc = wf_currency_norm(in->currency, cur)) != 0)
		return wf_error_set(WF_EINPUT, "currency: %s", wf_error_msg());
	if (in->has_lead_time && (in->lead_time_days < 0 || in->lead_time_days > 3650))
		return wf_error_set(WF_EINPUT, "lead time: expected 0 to 3650 days");
	if (in->has_safety_days && (in->safety_days < 0 || in->safety_days > 3650))
		return wf_error_set(WF_EINPUT, "safety days: expected 0 to 3650 days");
	if (in->state && !wf_state_valid(wf_machine_find("sku"), in->state))
		return wf_error_set(WF_EINPUT, "state: expected active, discontinued or blocked, got '%.20s'",
		    in->state);
	if ((rc = not_an_alias(db, in->code)) != 0)
		return rc;
	u.arg = &a;
	u.key[0] = u.given[SKU_CODE] = wf_upsert_text(in->code);
	u.given[SKU_TITLE] = wf_upsert_text(in->title);
	u.given[SKU_CURRENCY] = wf_upsert_text(in->currency ? cur : NULL);
	u.given[SKU_PRICE] = wf_upsert_int(in->has_price, in->price);
	u.given[SKU_COST] = wf_upsert_int(in->has_cost, in->cost);
	u.given[SKU_LEAD_TIME] = wf_upsert_int(in->has_lead_time, in->lead_time_days);
	u.given[SKU_SAFETY_DAYS] = wf_upsert_int(in->has_safety_days, in->safety_days);
	u.given[SKU_OWNER] = wf_upsert_text(in->owner);
	u.given[SKU_SUPPLIER] = wf_upsert_text(in->supplier);
	return wf_upsert(db, &u, out);
}

/* A money field's text; it is parsed later in the SKU's currency. */
static int
money_field(const struct wf_line *l, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l->obj, key);

	if (v == NULL || cJSON_IsNull(v))
		return 1;
	if (!cJSON_IsString(v))
		return wf_jerr(l->at, key, "expected a decimal string like \"19.99\"");
	*out = v->valuestring;
	return 0;
}

static int import_aliases(wf_db *db, const struct wf_line *l, const char *code, int check);

int
wf_sku_import_line(wf_db *db, const struct wf_line *l, void *unused)
{
	static const char *const known[] = {
		"type", "sku", "title", "price", "cost", "currency", "lead_time_days",
		"safety_days", "owner", "state", "result", "avg_cost", "supplier", "aliases", NULL
	};
	struct wf_sku_in in;
	const char *type = NULL;
	int64_t v;
	int rc;

	(void)unused;
	memset(&in, 0, sizeof in);
	/* Workform's own format: a misspelt key is refused, never ignored */
	if ((rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "sku") != 0)
		return wf_jerr(l->at, "type", "expected \"sku\", got \"%s\"", type);
	if ((rc = wf_jget_str(l->at, l->obj, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &in.code)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "title", 0, 500, &in.title)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "currency", 0, 3, &in.currency)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "owner", WF_J_NONEMPTY, 64, &in.owner)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "state", 0, 16, &in.state)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "supplier", 0, 64, &in.supplier)) < 0)
		return rc;
	/* money is parsed by wf_sku_add in the SKU's final currency; check the
	 * JSON type here so the error names the field */
	if ((rc = money_field(l, "price", &in.price_text)) < 0 ||
	    (rc = money_field(l, "cost", &in.cost_text)) < 0)
		return rc;
	if ((rc = wf_jget_int(l->at, l->obj, "lead_time_days", 0, 0, 3650, &v)) < 0)
		return rc;
	if (rc == 0) {
		in.has_lead_time = 1;
		in.lead_time_days = v;
	}
	if ((rc = wf_jget_int(l->at, l->obj, "safety_days", 0, 0, 3650, &v)) < 0)
		return rc;
	if (rc == 0) {
		in.has_safety_days = 1;
		in.safety_days = v;
	}
	/* the SKU and its aliases, or nothing: the aliases are checked first */
	if ((rc = import_aliases(db, l, in.code, 1)) != 0 ||
	    (rc = wf_sku_add(db, &in, wf_db_out(db))) != 0)
		return rc;
	return import_aliases(db, l, in.code, 0);
}

/* ---- aliases ------------------------------------------------------------ */

/* Another key ALIAS for SKU CODE (SKU_ID): created, unchanged when it is
 * one already, refused when it is a SKU's code or another SKU's alias. */
static int
alias_add(wf_db *db, const char **result, int64_t sku_id, const char *code,
    const char *alias, int check)
{
	static const char ins[] =
	    "INSERT INTO sku_alias (alias, sku_id, created_at) VALUES (?1, ?2, ?3)";
	wf_stmt *st;
	cJSON *data;
	char owner[80];
	int rc;

	if ((rc = wf_text_sku("alias", alias)) != 0)
		return rc;
	if (strcmp(alias, code) == 0 || wf_sku_find(db, NULL, alias) == 0)
		return wf_error_set(WF_EREFUSED, "'%s' is a SKU's own code, not a key to "
		    "map to SKU '%s'", alias, code);
	wf_error_clear();
	if ((rc = alias_owner(db, owner, alias)) == 1) {
		*result = "unchanged";
		return strcmp(owner, code) == 0 ? 0 :
		    wf_error_set(WF_EREFUSED, "'%s' is already an alias of SKU '%s'; one key "
		    "names one SKU", alias, owner);
	}
	if (rc < 0 || check || (rc = wf_db_stmt(db, &st, ins)) != 0)
		return rc;
	wf_bind_text(st, 1, alias);
	wf_bind_int(st, 2, sku_id);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	*result = "created";
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "alias", alias)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_history_add(db, "sku", code, NULL, "alias", NULL, NULL, data);
}

static const char *const alias_columns[] = { "type", "alias", "sku", "result", NULL };

static int
alias_emit(wf_out *out, const char *code, const char *alias, const char *result)
{
	cJSON *r = cJSON_CreateObject();

	wf_out_columns(out, "sku_alias", alias_columns);
	if (r == NULL || wf_jadd_str(r, "type", "sku_alias") | wf_jadd_str(r, "alias", alias) |
	    wf_jadd_str(r, "sku", code) | wf_jadd_str(r, "result", result)) {
		cJSON_Delete(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(out, r);
}

int
wf_sku_alias(wf_db *db, const char *code, const char *alias, wf_out *out)
{
	struct wf_sku_info sku;
	const char *result = NULL;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_sku_find(db, &sku, code)) != 0 ||
	    (rc = alias_add(db, &result, sku.id, code, alias, 0)) != 0 ||
	    (rc = alias_emit(out, code, alias, result)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_sku_resolve(wf_db *db, int64_t *sku_id, const char *key)
{
	static const char sql[] =
	    "SELECT id FROM sku WHERE code = ?1"
	    " UNION ALL SELECT sku_id FROM sku_alias WHERE alias = ?1 LIMIT 1";
	wf_stmt *st;
	int rc;

	/* a key, once it names a SKU, names it for good (one key names one
	 * SKU, and no SKU or alias is ever deleted or renamed): the write
	 * transaction's memo keeps it, which spares an import's lines one
	 * search of the catalogue each */
	if (wf_db_memo_find(db, WF_MEMO_SKU, key, sku_id))
		return 1;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, key);
	if ((rc = wf_db_step(db, st)) == 1) {
		*sku_id = wf_col_int(st, 0);
		wf_stmt_reset(st);
		wf_db_memo_keep(db, WF_MEMO_SKU, key, *sku_id);
	}
	return rc;
}

/* The "aliases" of a SKU import line: an array of keys, each added, or
 * (CHECK) only checked, before the SKU is written. */
static int
import_aliases(wf_db *db, const struct wf_line *l, const char *code, int check)
{
	wf_jloc la = WF_JLOC_KEY(l->at, "aliases");
	struct wf_sku_info sku;
	const cJSON *arr, *a;
	const char *result;
	long i = 0;
	int rc;

	if ((rc = wf_jget_arr(l->at, l->obj, "aliases", 0, &arr)) != 0)
		return rc < 0 ? rc : 0;
	sku.id = 0;
	if (!check && (rc = wf_sku_find(db, &sku, code)) != 0)
		return rc;
	cJSON_ArrayForEach(a, arr) {
		wf_jloc li = WF_JLOC_IDX(&la, i++);
		if (!cJSON_IsString(a))
			return wf_jerr(&li, NULL, "expected a key like \"shopify-variant:123\"");
		if ((rc = alias_add(db, &result, sku.id, code, a->valuestring, check)) != 0)
			return wf_jerr(&li, NULL, "%s", wf_error_msg());
	}
	return 0;
}

int
wf_sku_list(wf_db *db, wf_out *out)
{
	static const char sql[] = SKU_SELECT " ORDER BY code";

	return wf_upsert_list(db, &sku_type, sql, NULL, out);
}

int
wf_sku_emit(wf_db *db, const char *code, wf_out *out)
{
	int rc = wf_upsert_show(db, &sku_type, code, out);

	return rc == 1 ? wf_sku_find(db, NULL, code) : rc;
}

int
wf_sku_act(wf_db *db, const char *code, const char *action, wf_out *out)
{
	struct wf_sku_info sku;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_sku_find(db, &sku, code)) != 0 ||
	    (rc = wf_state_apply(db, NULL, wf_machine_find("sku"), sku.id, code, action,
	    NULL)) != 0 ||
	    (rc = wf_upsert_show(db, &sku_type, code, out)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

/* ---- state machines ---------------------------------------------------- */

static const char *const sku_states[] = { "active", "discontinued", "blocked", NULL };
static const struct wf_transition sku_rows[] = {
	{ "active",       "discontinue", "discontinued" },
	{ "active",       "block",       "blocked" },
	{ "discontinued", "activate",    "active" },
	{ "discontinued", "block",       "blocked" },
	{ "blocked",      "unblock",     "active" },
	WF_TRANSITIONS_END
};

static const char *const warehouse_states[] = { "active", "paused", "closed", NULL };
static const struct wf_transition warehouse_rows[] = {
	{ "active", "pause",  "paused" },
	{ "paused", "resume", "active" },
	{ "active", "close",  "closed" },
	{ "paused", "close",  "closed" },
	{ "closed", "reopen", "active" },
	WF_TRANSITIONS_END
};

static const char *const bin_states[] = { "active", "blocked", NULL };
static const struct wf_transition bin_rows[] = {
	{ "active",  "block",   "blocked" },
	{ "blocked", "unblock", "active" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_sku = {
	"sku", "sku", "catalogue items",
	sku_states, sku_rows, WF_SQL_STATE_GET("sku", "state", "NULL"), WF_SQL_STATE_SET("sku", "state"),
	WF_SQL_STATE_ALL("sku", "code", "state"), NULL, NULL
};

static const struct wf_machine m_warehouse = {
	"warehouse", "warehouse", "warehouses",
	warehouse_states, warehouse_rows, WF_SQL_STATE_GET("warehouse", "state", "NULL"),
	WF_SQL_STATE_SET("warehouse", "state"), WF_SQL_STATE_ALL("warehouse", "code", "state"), NULL, NULL
};

static const struct wf_machine m_bin = {
	"bin", "bin", "bins in a warehouse",
	bin_states, bin_rows, WF_SQL_STATE_GET("bin", "state", "NULL"), WF_SQL_STATE_SET("bin", "state"),
	"SELECT b.id, w.code || '/' || b.code, b.state FROM bin b"
	" JOIN warehouse w ON w.id = b.warehouse_id ORDER BY b.id", NULL, NULL
};


static const struct wf_machine *const sku_machines[] = { &m_sku, NULL };
static const struct wf_machine *const warehouse_machines[] = { &m_warehouse, NULL };
static const struct wf_machine *const bin_machines[] = { &m_bin, NULL };

const struct wf_record_type wf_record_sku = {
	.type = "sku",
	.table = "sku",
	.machines = sku_machines,
	.complete = "SELECT code FROM sku WHERE code GLOB ?1 ORDER BY code",
	.lookup = "SELECT 1 FROM sku WHERE code = ?1",
};
const struct wf_record_type wf_record_warehouse = {
	.type = "warehouse",
	.table = "warehouse",
	.machines = warehouse_machines,
	.complete = "SELECT code FROM warehouse WHERE code GLOB ?1 ORDER BY code",
	.lookup = "SELECT 1 FROM warehouse WHERE code = ?1",
};
const struct wf_record_type wf_record_bin = {
	.type = "bin",
	.table = "bin",
	.machines = bin_machines,
	.complete = "SELECT w.code || '/' || b.code FROM bin b"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE w.code || '/' || b.code GLOB ?1 ORDER BY w.code, b.code",
	.lookup = "SELECT 1 FROM bin b JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE w.code = substr(?1, 1, instr(?1, '/') - 1)"
	    " AND b.code = substr(?1, instr(?1, '/') + 1)",
};
