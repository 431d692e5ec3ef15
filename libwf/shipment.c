/* shipment.c - shipments (SH-N): opened when an order is picked (or ships
 * unpicked), picked, packed, filled and shipped with it, delivered by its
 * deliver action, cancelled with it; moved by its carrier's tracking
 * events (in transit, delivered, failed, returned to sender); listed and
 * shown.
 *
 * owns: shipment, shipment_line
 * reads: orders, order_line, warehouse
 */
#include <assert.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_record.h"
#include "wf_shipment.h"
#include "wf_state.h"
#include "wf_text.h"
#include "wf_time.h"

/* ---- writing ---------------------------------------------------------------------- */

int
wf_shipment_open(wf_db *db, int64_t *id, char key[WF_KEY_LEN],
    const struct wf_shipment_in *in)
{
	static const char ins[] =
	    "INSERT INTO shipment (order_id, warehouse_id, carrier, service, tracking, cost,"
	    " currency, owner, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?9)";
	wf_stmt *st;
	cJSON *data;
	int rc;

	if ((rc = wf_db_stmt(db, &st, ins)) != 0)
		return rc;
	wf_bind_int(st, 1, in->order_id);
	wf_bind_int(st, 2, in->wh_id);
	wf_bind_text(st, 3, in->carrier);
	wf_bind_text(st, 4, in->service);
	wf_bind_text(st, 5, in->tracking);
	wf_bind_opt_int(st, 6, in->has_cost, in->cost);
	wf_bind_text(st, 7, in->has_cost ? in->currency : NULL);
	wf_bind_text(st, 8, WF_OWNER_SHIPMENT);
	wf_bind_time(st, 9, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	*id = wf_db_last_id(db);
	wf_key_format(&wf_record_shipment, *id, key);
	data = cJSON_CreateObject();
	wf_jadd_str(data, "order", in->order);
	wf_jadd_str(data, "carrier", in->carrier);
	wf_jadd_str(data, "tracking", in->tracking);
	return wf_history_add(db, "shipment", key, "shipment", "create", NULL, "planned", data);
}

int
wf_shipment_add_line(wf_db *db, int64_t id, int64_t line_id, int64_t qty)
{
	static const char sql[] =
	    "INSERT INTO shipment_line (shipment_id, order_line_id, qty) VALUES (?1, ?2, ?3)";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_int(st, 2, line_id);
	wf_bind_int(st, 3, qty);
	return wf_db_done(db, st);
}

/* Set the time column of shipment ID that SQL names to now. */
static int
stamp(wf_db *db, const char *sql, int64_t id)
{
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_time(st, 2, wf_db_now(db));
	return wf_db_done(db, st);
}

int
wf_shipment_find_open(wf_db *db, int64_t *id, char key[WF_KEY_LEN], int64_t order_id,
    int64_t wh_id)
{
	static const char sql[] =
	    "SELECT id FROM shipment WHERE order_id = ?1 AND warehouse_id = ?2"
	    " AND (state = 'planned' OR state = 'picked' OR state = 'packed') ORDER BY id LIMIT 1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, wh_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		*id = wf_col_int(st, 0);
		wf_key_format(&wf_record_shipment, *id, key);
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_shipment_step(wf_db *db, int64_t id, const char *key, const char *action)
{
	return wf_state_apply(db, NULL, wf_machine_find("shipment"), id, key, action, NULL);
}

int
wf_shipment_ship(wf_db *db, int64_t id, const char *key, const struct wf_shipment_in *in)
{
	static const char sql[] =
	    "UPDATE shipment SET carrier = ?2, service = ?3, tracking = coalesce(?4, tracking),"
	    " cost = CASE WHEN ?5 IS NULL THEN cost ELSE ?5 END,"
	    " currency = CASE WHEN ?5 IS NULL THEN currency ELSE ?6 END,"
	    " shipped_at = ?7, updated_at = ?7 WHERE id = ?1";
	wf_stmt *st;
	cJSON *data;
	int rc;

	assert(in->carrier != NULL);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, in->carrier);
	wf_bind_text(st, 3, in->service);
	wf_bind_text(st, 4, in->tracking);
	wf_bind_opt_int(st, 5, in->has_cost, in->cost);
	wf_bind_text(st, 6, in->has_cost ? in->currency : NULL);
	wf_bind_time(st, 7, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "carrier", in->carrier) |
	    wf_jadd_str(data, "service", in->service) | wf_jadd_str(data, "tracking", in->tracking)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_state_apply(db, NULL, wf_machine_find("shipment"), id, key, "ship", data);
}

/* ACTION on every shipment of order ORDER_ID that SQL (?1: the order)
 * selects, oldest first, and then, when STAMP_SQL is not NULL, its time
 * column set to now. */
static int
each_shipment(wf_db *db, int64_t order_id, const char *sql, const char *action,
    const char *stamp_sql)
{
	const int64_t *ids;
	wf_buf v = {0};
	size_t n, i;
	wf_stmt *st;
	int rc;

	/* the ids first: the statement is not stepped while their rows change */
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		int64_t id = wf_col_int(st, 0);
		if (wf_buf_add(&v, &id, sizeof id) != 0) {
			wf_stmt_reset(st);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
	}
	ids = (const int64_t *)(void *)v.p;
	n = v.len / sizeof *ids;
	for (i = 0; rc == 0 && i < n; i++) {
		char key[WF_KEY_LEN];
		wf_key_format(&wf_record_shipment, ids[i], key);
		if ((rc = wf_shipment_step(db, ids[i], key, action)) == 0 && stamp_sql)
			rc = stamp(db, stamp_sql, ids[i]);
	}
	wf_buf_free(&v);
	return rc < 0 ? rc : 0;
}

int
wf_shipment_deliver_order(wf_db *db, int64_t order_id)
{
	static const char sql[] =
	    "SELECT id FROM shipment WHERE order_id = ?1 AND state IN ('shipped','in_transit')"
	    " ORDER BY id";
	static const char delivered_at[] = "UPDATE shipment SET delivered_at = ?2 WHERE id = ?1";

	return each_shipment(db, order_id, sql, "deliver", delivered_at);
}

int
wf_shipment_cancel_order(wf_db *db, int64_t order_id)
{
	static const char sql[] =
	    "SELECT id FROM shipment WHERE order_id = ?1"
	    " AND (state = 'planned' OR state = 'picked' OR state = 'packed') ORDER BY id";

	return each_shipment(db, order_id, sql, "cancel", NULL);
}

int
wf_shipment_origin(wf_db *db, int64_t *wh_id, int64_t order_id, int64_t sku_id)
{
	static const char sql[] =
	    "SELECT s.warehouse_id FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id"
	    " JOIN order_line l ON l.id = sl.order_line_id"
	    " WHERE s.order_id = ?1 AND l.sku_id = ?2 AND s.warehouse_id IS NOT NULL"
	    " ORDER BY s.id LIMIT 1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, sku_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		*wh_id = wf_col_int(st, 0);
		wf_stmt_reset(st);
	}
	return rc;
}

/* ---- carrier tracking -------------------------------------------------------------- */

/* The shipment of ST's row into *INFO: id, order id, warehouse id (0:
 * none), state, tracked_at (null: none), the order's key, carrier (""). */
static void
info_from_stmt(wf_stmt *st, struct wf_shipment_info *info)
{
	info->id = wf_col_int(st, 0);
	wf_key_format(&wf_record_shipment, info->id, info->key);
	info->order_id = wf_col_int(st, 1);
	info->wh_id = wf_col_int(st, 2);
	wf_strlcpy(info->state, wf_col_text(st, 3), sizeof info->state);
	info->has_tracked = !wf_col_null(st, 4);
	if (info->has_tracked)
		wf_time_parse(wf_col_text(st, 4), &info->tracked_at);
	wf_strlcpy(info->order, wf_col_text(st, 5), sizeof info->order);
	wf_strlcpy(info->carrier, wf_col_text(st, 6), sizeof info->carrier);
}

int
wf_shipment_find_tracking(wf_db *db, struct wf_shipment_info *info, const char *tracking)
{
	static const char sql[] =
	    "SELECT s.id, s.order_id, coalesce(s.warehouse_id, 0), s.state, s.tracked_at, o.ref,"
	    " coalesce(s.carrier, '') FROM shipment s JOIN orders o ON o.id = s.order_id"
	    " WHERE s.tracking = ?1 ORDER BY s.id DESC LIMIT 1";
	wf_stmt *st;
	int rc;

	memset(info, 0, sizeof *info);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, tracking);
	if ((rc = wf_db_step(db, st)) == 1) {
		info_from_stmt(st, info);
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_shipment_track(wf_db *db, struct wf_shipment_info *s, const char *action, int64_t at,
    cJSON *data)
{
	static const char tracked[] =
	    "UPDATE shipment SET tracked_at = CASE WHEN tracked_at IS NULL OR tracked_at < ?2"
	    " THEN ?2 ELSE tracked_at END, updated_at = ?3 WHERE id = ?1";
	static const char delivered[] =
	    "UPDATE shipment SET delivered_at = ?2 WHERE id = ?1";
	const char *to = NULL;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, tracked)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	wf_bind_int(st, 1, s->id);
	wf_bind_time(st, 2, at);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if (!s->has_tracked || s->tracked_at < at)
		s->tracked_at = at;
	s->has_tracked = 1;
	if (action == NULL)
		return wf_history_add(db, "shipment", s->key, NULL, "track", NULL, NULL, data);
	if ((rc = wf_state_apply(db, &to, wf_machine_find("shipment"), s->id, s->key, action,
	    data)) != 0)
		return rc;
	wf_strlcpy(s->state, to, sizeof s->state);
	if (strcmp(to, "delivered") != 0)
		return 0;
	if ((rc = wf_db_stmt(db, &st, delivered)) != 0)
		return rc;
	wf_bind_int(st, 1, s->id);
	wf_bind_time(st, 2, at);
	return wf_db_done(db, st);
}

int
wf_shipment_order_legs(wf_db *db, struct wf_shipment_legs *legs, int64_t order_id)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(sum(state = 'delivered'), 0),"
	    " coalesce(sum(state = 'failed' OR state = 'returned_to_sender'), 0)"
	    " FROM shipment WHERE order_id = ?1 AND state <> 'cancelled'";
	wf_stmt *st;
	int rc;

	memset(legs, 0, sizeof *legs);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		legs->open = wf_col_int(st, 0);
		legs->delivered = wf_col_int(st, 1);
		legs->failed = wf_col_int(st, 2);
		wf_stmt_reset(st);
	}
	return rc < 0 ? rc : 0;
}

/* ---- channel fulfillments ----------------------------------------------------------- */

int
wf_shipment_find_fulfillment(wf_db *db, struct wf_shipment_info *info,
    char tracking[129], int *has_at, int64_t *at, const char *fulfillment)
{
	static const char sql[] =
	    "SELECT s.id, s.order_id, coalesce(s.warehouse_id, 0), s.state, s.tracked_at, o.ref,"
	    " coalesce(s.carrier, ''), coalesce(s.tracking, ''), s.fulfillment_at"
	    " FROM shipment s JOIN orders o ON o.id = s.order_id WHERE s.fulfillment = ?1";
	wf_stmt *st;
	int rc;

	memset(info, 0, sizeof *info);
	tracking[0] = '\0';
	*has_at = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, fulfillment);
	if ((rc = wf_db_step(db, st)) == 1) {
		info_from_stmt(st, info);
		wf_strlcpy(tracking, wf_col_text(st, 7), 129);
		*has_at = !wf_col_null(st, 8) && wf_time_parse(wf_col_text(st, 8), at) == 0;
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_shipment_find_unfulfilled(wf_db *db, int64_t *id, int64_t order_id, const char *tracking)
{
	static const char sql[] =
	    "SELECT id FROM shipment WHERE order_id = ?1 AND shipped_at IS NOT NULL"
	    " AND fulfillment IS NULL AND (tracking = ?2 OR (?2 IS NULL AND shipped_at = ?3))"
	    " ORDER BY id DESC LIMIT 1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_text(st, 2, tracking);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_step(db, st)) == 1) {
		*id = wf_col_int(st, 0);
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_shipment_fulfil(wf_db *db, int64_t id, const char *key, const char *fulfillment,
    int has_at, int64_t at, const char *carrier, const char *tracking, cJSON *data)
{
	static const char sql[] =
	    "UPDATE shipment SET fulfillment = ?2, fulfillment_at = ?3,"
	    " carrier = coalesce(?4, carrier), tracking = coalesce(?5, tracking), updated_at = ?6"
	    " WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, fulfillment);
	if (has_at)
		wf_bind_time(st, 3, at);
	else
		wf_bind_null(st, 3);
	wf_bind_text(st, 4, carrier);
	wf_bind_text(st, 5, tracking);
	wf_bind_time(st, 6, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	return wf_history_add(db, "shipment", key, NULL, "fulfillment", NULL, NULL, data);
}

/* ---- reading ---------------------------------------------------------------------- */

#define SHIPMENT_COLUMNS \
	"SELECT s.id, o.ref, w.code, s.state, s.carrier, s.service, s.tracking, s.cost," \
	" s.currency, s.shipped_at, s.delivered_at, s.owner, (SELECT json_group_array(" \
	" json_object('sku', l.sku, 'qty', sl.qty)) FROM shipment_line sl JOIN order_line l" \
	" ON l.id = sl.order_line_id WHERE sl.shipment_id = s.id)"
#define SHIPMENT_FROM \
	" FROM shipment s JOIN orders o ON o.id = s.order_id" \
	" LEFT JOIN warehouse w ON w.id = s.warehouse_id"
#define SHIPMENT_SELECT SHIPMENT_COLUMNS SHIPMENT_FROM

static cJSON *
shipment_from_stmt(wf_stmt *st)
{
	cJSON *r = wf_jrecord("shipment"), *lines = NULL;
	const char *cur = wf_col_str(st, 8);
	const char *l = wf_col_str(st, 12);
	char key[WF_KEY_LEN];
	int rc = 0;

	if (r == NULL)
		return NULL;
	wf_key_format(&wf_record_shipment, wf_col_int(st, 0), key);
	rc |= wf_jadd_str(r, "shipment", key);
	rc |= wf_jadd_str(r, "order", wf_col_text(st, 1));
	rc |= wf_jadd_str(r, "warehouse", wf_col_str(st, 2));
	rc |= wf_jadd_str(r, "state", wf_col_text(st, 3));
	rc |= wf_jadd_str(r, "carrier", wf_col_str(st, 4));
	rc |= wf_jadd_str(r, "service", wf_col_str(st, 5));
	rc |= wf_jadd_str(r, "tracking", wf_col_str(st, 6));
	if (cur)
		rc |= wf_jadd_money(r, "cost", wf_col_int(st, 7), cur);
	else
		rc |= wf_jadd_null(r, "cost");
	rc |= wf_jadd_str(r, "currency", cur);
	rc |= wf_jadd_str(r, "shipped_at", wf_col_str(st, 9));
	rc |= wf_jadd_str(r, "delivered_at", wf_col_str(st, 10));
	/* SQLite's own JSON text, so cJSON's parser is enough */
	if (l && (lines = cJSON_Parse(l)) != NULL)
		rc |= wf_jadd_item(r, "lines", lines);
	else
		rc |= wf_jadd_null(r, "lines");
	rc |= wf_jadd_str(r, "owner", wf_col_text(st, 11));
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

static const char *const shipment_columns[] = {
	"shipment", "order", "warehouse", "state", "carrier", "service", "tracking", "cost",
	"currency", "shipped_at", NULL
};

int
wf_shipment_emit(wf_db *db, int64_t id, wf_out *out)
{
	static const char sql[] = SHIPMENT_SELECT " WHERE s.id = ?1";
	wf_stmt *st;
	cJSON *r;
	int rc;

	wf_out_columns(out, "shipment", shipment_columns);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "shipment %lld vanished", (long long)id);
	r = shipment_from_stmt(st);
	wf_stmt_reset(st);
	return wf_out_emit(out, r);
}

static const char *const track_columns[] = {
	"shipment", "order", "state", "carrier", "tracking", "status", "tracked_at", "result",
	NULL
};

int
wf_shipment_emit_tracked(wf_db *db, int64_t id, const char *status, const char *message,
    const char *result, wf_out *out)
{
	static const char sql[] = SHIPMENT_COLUMNS ", s.tracked_at" SHIPMENT_FROM " WHERE s.id = ?1";
	wf_stmt *st;
	cJSON *r;
	int rc;

	wf_out_columns(out, "shipment", track_columns);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "shipment %lld vanished", (long long)id);
	r = shipment_from_stmt(st);
	if (r && (wf_jadd_str(r, "tracked_at", wf_col_str(st, 13)) |
	    wf_jadd_str(r, "status", status) | wf_jadd_str(r, "message", message) |
	    wf_jadd_str(r, "result", result))) {
		cJSON_Delete(r);
		r = NULL;
	}
	wf_stmt_reset(st);
	return wf_out_emit(out, r);
}

/* Emit the rows of ST, bound and ready to step. */
static int
emit_rows(wf_db *db, wf_stmt *st, wf_out *out)
{
	int rc;

	wf_out_columns(out, "shipment", shipment_columns);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = wf_out_emit(out, shipment_from_stmt(st))) != 0)
			break;
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_shipment_list_order(wf_db *db, int64_t order_id, wf_out *out)
{
	static const char sql[] = SHIPMENT_SELECT " WHERE s.order_id = ?1 ORDER BY s.id";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	return emit_rows(db, st, out);
}

int
wf_shipment_list(wf_db *db, const char *state, wf_out *out)
{
	static const char sql[] = SHIPMENT_SELECT
	    " WHERE (?1 IS NULL OR s.state = ?1) ORDER BY s.id DESC";
	const struct wf_machine *m = wf_machine_find("shipment");
	wf_stmt *st;
	int rc;

	if (state && !wf_state_valid(m, state))
		return wf_error_set(WF_EUSAGE, "--state: '%s' is not a shipment state", state);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, state);
	return emit_rows(db, st, out);
}

/* ---- the state machine ------------------------------------------------------------ */

static const char *const shipment_states[] = {
	"planned", "picked", "packed", "shipped", "in_transit", "delivered",
	"failed", "returned_to_sender", "cancelled", NULL
};
static const struct wf_transition shipment_rows[] = {
	{ "planned",    "pick",    "picked" },
	{ "picked",     "pack",    "packed" },
	{ "planned",    "ship",    "shipped" },
	{ "picked",     "ship",    "shipped" },
	{ "packed",     "ship",    "shipped" },
	{ "shipped",    "transit", "in_transit" },
	{ "shipped",    "deliver", "delivered" },
	{ "in_transit", "deliver", "delivered" },
	{ "shipped",    "fail",    "failed" },
	{ "in_transit", "fail",    "failed" },
	{ "failed",     "retry",   "in_transit" },
	{ "failed",     "return_to_sender", "returned_to_sender" },
	{ "in_transit", "return_to_sender", "returned_to_sender" },
	{ "picked",     "cancel",  "cancelled" },
	{ "packed",     "cancel",  "cancelled" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_shipment = {
	"shipment", "shipment", "shipments (SH-N)",
	shipment_states, shipment_rows, WF_SQL_STATE_GET("shipment", "state", "NULL"),
	WF_SQL_STATE_SET("shipment", "state"), WF_SQL_STATE_ALL("shipment", "'SH-' || id", "state"), NULL, NULL
};

static const struct wf_machine *const shipment_machines[] = { &m_shipment, NULL };

const struct wf_record_type wf_record_shipment = {
	.type = "shipment",
	.key_hint = "a shipment key like SH-3",
	.prefix = "SH-",
	.table = "shipment",
	.machines = shipment_machines,
	.complete = "SELECT 'SH-' || id FROM shipment WHERE 'SH-' || id GLOB ?1 ORDER BY id DESC LIMIT 1000",
	.lookup = "SELECT 1 FROM shipment WHERE id = ?1",
};
