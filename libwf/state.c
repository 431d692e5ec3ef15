/* state.c - the state tables of every record family, and the one engine. */
#include <string.h>

#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_state.h"

#define END { NULL, NULL, NULL }

/* ---- sku ----------------------------------------------------------------- */
static const char *const sku_states[] = { "active", "discontinued", "blocked", NULL };
static const struct wf_transition sku_rows[] = {
	{ "active",       "discontinue", "discontinued" },
	{ "active",       "block",       "blocked" },
	{ "discontinued", "activate",    "active" },
	{ "discontinued", "block",       "blocked" },
	{ "blocked",      "unblock",     "active" },
	END
};

/* ---- warehouse ----------------------------------------------------------- */
static const char *const warehouse_states[] = { "active", "paused", "closed", NULL };
static const struct wf_transition warehouse_rows[] = {
	{ "active", "pause",  "paused" },
	{ "paused", "resume", "active" },
	{ "active", "close",  "closed" },
	{ "paused", "close",  "closed" },
	{ "closed", "reopen", "active" },
	END
};

/* ---- bin ----------------------------------------------------------------- */
static const char *const bin_states[] = { "active", "blocked", NULL };
static const struct wf_transition bin_rows[] = {
	{ "active",  "block",   "blocked" },
	{ "blocked", "unblock", "active" },
	END
};

/* ---- order fulfilment ---------------------------------------------------- */
static const char *const order_states[] = {
	"new", "promised", "reserved", "picked", "packed", "shipped", "delivered",
	"closed", "on_hold", "cancelled", "returned", "partially_returned", NULL
};
static const struct wf_transition order_rows[] = {
	{ "new",       "promise",   "promised" },
	{ "new",       "reserve",   "reserved" },
	{ "promised",  "reserve",   "reserved" },
	{ "promised",  "unpromise", "new" },
	{ "reserved",  "unreserve", "new" },
	{ "reserved",  "pick",      "picked" },
	{ "picked",    "pack",      "packed" },
	{ "reserved",  "ship",      "shipped" },
	{ "picked",    "ship",      "shipped" },
	{ "packed",    "ship",      "shipped" },
	{ "shipped",   "deliver",   "delivered" },
	{ "shipped",   "close",     "closed" },
	{ "delivered", "close",     "closed" },
	{ "new",       "hold",      "on_hold" },
	{ "promised",  "hold",      "on_hold" },
	{ "reserved",  "hold",      "on_hold" },
	{ "picked",    "hold",      "on_hold" },
	{ "packed",    "hold",      "on_hold" },
	{ "on_hold",   "release",   WF_PREVIOUS },
	{ "new",       "cancel",    "cancelled" },
	{ "promised",  "cancel",    "cancelled" },
	{ "reserved",  "cancel",    "cancelled" },
	{ "picked",    "cancel",    "cancelled" },
	{ "packed",    "cancel",    "cancelled" },
	{ "on_hold",   "cancel",    "cancelled" },
	{ "shipped",   "return_part", "partially_returned" },
	{ "delivered", "return_part", "partially_returned" },
	{ "closed",    "return_part", "partially_returned" },
	{ "partially_returned", "return_part", "partially_returned" },
	{ "shipped",   "return_all", "returned" },
	{ "delivered", "return_all", "returned" },
	{ "closed",    "return_all", "returned" },
	{ "partially_returned", "return_all", "returned" },
	{ "partially_returned", "close", "closed" },
	{ "returned",  "close",     "closed" },
	END
};

/* ---- order finance ------------------------------------------------------- */
static const char *const finance_states[] = {
	"pending", "paid", "invoiced", "partially_refunded", "refunded",
	"reconciled", "disputed", NULL
};
static const struct wf_transition finance_rows[] = {
	{ "pending",            "pay",         "paid" },
	{ "paid",               "invoice",     "invoiced" },
	{ "paid",               "refund_part", "partially_refunded" },
	{ "invoiced",           "refund_part", "partially_refunded" },
	{ "reconciled",         "refund_part", "partially_refunded" },
	{ "partially_refunded", "refund_part", "partially_refunded" },
	{ "paid",               "refund",      "refunded" },
	{ "invoiced",           "refund",      "refunded" },
	{ "reconciled",         "refund",      "refunded" },
	{ "partially_refunded", "refund",      "refunded" },
	{ "paid",               "reconcile",   "reconciled" },
	{ "invoiced",           "reconcile",   "reconciled" },
	{ "partially_refunded", "reconcile",   "reconciled" },
	{ "refunded",           "reconcile",   "reconciled" },
	{ "paid",               "dispute",     "disputed" },
	{ "invoiced",           "dispute",     "disputed" },
	{ "reconciled",         "dispute",     "disputed" },
	{ "disputed",           "win",         "paid" },
	{ "disputed",           "lose",        "refunded" },
	END
};

/* ---- shipment ------------------------------------------------------------ */
static const char *const shipment_states[] = {
	"planned", "picked", "packed", "shipped", "in_transit", "delivered",
	"failed", "returned_to_sender", NULL
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
	END
};

/* ---- return (RMA) -------------------------------------------------------- */
static const char *const return_states[] = {
	"requested", "authorised", "received", "inspected", "restocked",
	"written_off", "refunded", "closed", "rejected", NULL
};
static const struct wf_transition return_rows[] = {
	{ "requested",   "authorise", "authorised" },
	{ "requested",   "reject",    "rejected" },
	{ "requested",   "receive",   "received" },
	{ "authorised",  "receive",   "received" },
	{ "authorised",  "reject",    "rejected" },
	{ "received",    "inspect",   "inspected" },
	{ "received",    "restock",   "restocked" },
	{ "inspected",   "restock",   "restocked" },
	{ "received",    "write_off", "written_off" },
	{ "inspected",   "write_off", "written_off" },
	{ "restocked",   "refund",    "refunded" },
	{ "written_off", "refund",    "refunded" },
	{ "refunded",    "close",     "closed" },
	{ "restocked",   "close",     "closed" },
	{ "written_off", "close",     "closed" },
	{ "rejected",    "close",     "closed" },
	END
};

/* ---- supplier ------------------------------------------------------------ */
static const char *const supplier_states[] = { "active", "paused", NULL };
static const struct wf_transition supplier_rows[] = {
	{ "active", "pause",  "paused" },
	{ "paused", "resume", "active" },
	END
};

/* ---- purchase order ------------------------------------------------------ */
static const char *const po_states[] = {
	"draft", "sent", "confirmed", "partially_received", "received", "closed",
	"cancelled", NULL
};
static const struct wf_transition po_rows[] = {
	{ "draft",              "send",         "sent" },
	{ "sent",               "confirm",      "confirmed" },
	{ "confirmed",          "confirm",      "confirmed" },
	{ "sent",               "receive_part", "partially_received" },
	{ "confirmed",          "receive_part", "partially_received" },
	{ "partially_received", "receive_part", "partially_received" },
	{ "partially_received", "confirm",      "partially_received" },
	{ "sent",               "receive_all",  "received" },
	{ "confirmed",          "receive_all",  "received" },
	{ "partially_received", "receive_all",  "received" },
	{ "received",           "close",        "closed" },
	{ "partially_received", "close",        "closed" },
	{ "draft",              "cancel",       "cancelled" },
	{ "sent",               "cancel",       "cancelled" },
	{ "confirmed",          "cancel",       "cancelled" },
	END
};

/* ---- payout -------------------------------------------------------------- */
static const char *const payout_states[] = {
	"imported", "matched", "reconciled", "mismatch", NULL
};
static const struct wf_transition payout_rows[] = {
	{ "imported", "match",     "matched" },
	{ "imported", "mismatch",  "mismatch" },
	{ "matched",  "mismatch",  "mismatch" },
	{ "mismatch", "match",     "matched" },
	{ "matched",  "reconcile", "reconciled" },
	{ "mismatch", "accept",    "reconciled" },
	END
};

/* ---- adjustment ---------------------------------------------------------- */
static const char *const adjustment_states[] = {
	"proposed", "approved", "applied", "rejected", NULL
};
static const struct wf_transition adjustment_rows[] = {
	{ "proposed", "approve", "approved" },
	{ "proposed", "reject",  "rejected" },
	{ "approved", "apply",   "applied" },
	{ "approved", "reject",  "rejected" },
	END
};

/* ---- exception ----------------------------------------------------------- */
static const char *const exception_states[] = {
	"open", "acknowledged", "in_progress", "snoozed", "resolved", "dismissed", NULL
};
static const struct wf_transition exception_rows[] = {
	{ "open",         "ack",     "acknowledged" },
	{ "open",         "start",   "in_progress" },
	{ "acknowledged", "start",   "in_progress" },
	{ "open",         "snooze",  "snoozed" },
	{ "acknowledged", "snooze",  "snoozed" },
	{ "in_progress",  "snooze",  "snoozed" },
	{ "snoozed",      "snooze",  "snoozed" },
	{ "snoozed",      "wake",    "open" },
	{ "snoozed",      "ack",     "acknowledged" },
	{ "snoozed",      "start",   "in_progress" },
	{ "open",         "resolve", "resolved" },
	{ "acknowledged", "resolve", "resolved" },
	{ "in_progress",  "resolve", "resolved" },
	{ "snoozed",      "resolve", "resolved" },
	{ "open",         "dismiss", "dismissed" },
	{ "acknowledged", "dismiss", "dismissed" },
	{ "in_progress",  "dismiss", "dismissed" },
	{ "snoozed",      "dismiss", "dismissed" },
	{ "resolved",     "reopen",  "open" },
	{ "dismissed",    "reopen",  "open" },
	END
};

#define GET(t, col, memo) "SELECT " col ", " memo " FROM " t " WHERE id = ?1"
#define SET(t, col)  "UPDATE " t " SET " col " = ?1, updated_at = ?2 WHERE id = ?3"
#define ALL(t, ref, col) "SELECT id, " ref ", " col " FROM " t " ORDER BY id"

static const struct wf_machine m_sku = {
	"sku", "sku", "catalogue items",
	sku_states, sku_rows, GET("sku", "state", "NULL"), SET("sku", "state"),
	ALL("sku", "code", "state"), NULL, NULL
};
static const struct wf_machine m_warehouse = {
	"warehouse", "warehouse", "warehouses",
	warehouse_states, warehouse_rows, GET("warehouse", "state", "NULL"),
	SET("warehouse", "state"), ALL("warehouse", "code", "state"), NULL, NULL
};
static const struct wf_machine m_bin = {
	"bin", "bin", "bins in a warehouse",
	bin_states, bin_rows, GET("bin", "state", "NULL"), SET("bin", "state"),
	"SELECT b.id, w.code || '/' || b.code, b.state FROM bin b"
	" JOIN warehouse w ON w.id = b.warehouse_id ORDER BY b.id", NULL, NULL
};
static const struct wf_machine m_order = {
	"order", "order", "order fulfilment",
	order_states, order_rows, GET("orders", "state", "held_from"),
	"UPDATE orders SET state = ?1, updated_at = ?2, held_from = ?4 WHERE id = ?3",
	ALL("orders", "ref", "state"), "on_hold", NULL
};
static const struct wf_machine m_finance = {
	"order.finance", "order", "order finance",
	finance_states, finance_rows, GET("orders", "finance_state", "NULL"),
	SET("orders", "finance_state"), ALL("orders", "ref", "finance_state"),
	NULL, "finance_state"
};
static const struct wf_machine m_shipment = {
	"shipment", "shipment", "shipments (SH-N)",
	shipment_states, shipment_rows, GET("shipment", "state", "NULL"),
	SET("shipment", "state"), ALL("shipment", "'SH-' || id", "state"), NULL, NULL
};
static const struct wf_machine m_return = {
	"return", "return", "returns (RMA-N)",
	return_states, return_rows, GET("rma", "state", "NULL"), SET("rma", "state"),
	ALL("rma", "'RMA-' || id", "state"), NULL, NULL
};
static const struct wf_machine m_supplier = {
	"supplier", "supplier", "suppliers",
	supplier_states, supplier_rows, GET("supplier", "state", "NULL"),
	SET("supplier", "state"), ALL("supplier", "code", "state"), NULL, NULL
};
static const struct wf_machine m_po = {
	"po", "po", "purchase orders (PO-N)",
	po_states, po_rows, GET("po", "state", "NULL"), SET("po", "state"),
	ALL("po", "'PO-' || id", "state"), NULL, NULL
};
static const struct wf_machine m_payout = {
	"payout", "payout", "payouts (PROVIDER:ID)",
	payout_states, payout_rows, GET("payout", "state", "NULL"),
	SET("payout", "state"), ALL("payout", "ref", "state"), NULL, NULL
};
static const struct wf_machine m_adjustment = {
	"adjustment", "adjustment", "stock adjustments (ADJ-N)",
	adjustment_states, adjustment_rows, GET("adjustment", "state", "NULL"),
	SET("adjustment", "state"), ALL("adjustment", "'ADJ-' || id", "state"), NULL, NULL
};
/* The schema ties snoozed_until to state 'snoozed' (and wf check ties
 * resolved_at to the closed states), so both change in the statement that
 * changes the state: ?5 is the time a snooze ends. */
static const struct wf_machine m_exception = {
	"exception", "exception", "exceptions (EX-N)",
	exception_states, exception_rows, GET("exception", "state", "NULL"),
	"UPDATE exception SET state = ?1, updated_at = ?2,"
	" snoozed_until = CASE WHEN ?1 = 'snoozed' THEN ?5 END,"
	" resolved_at = CASE WHEN ?1 IN ('resolved', 'dismissed') THEN ?2 END"
	" WHERE id = ?3",
	ALL("exception", "'EX-' || id", "state"), NULL, NULL
};

const struct wf_machine *const wf_machines[] = {
	&m_sku, &m_warehouse, &m_bin, &m_order, &m_finance, &m_shipment,
	&m_return, &m_supplier, &m_po, &m_payout, &m_adjustment, &m_exception,
	NULL
};

const struct wf_machine *
wf_machine_find(const char *name)
{
	size_t i;

	for (i = 0; wf_machines[i]; i++)
		if (strcmp(wf_machines[i]->name, name) == 0)
			return wf_machines[i];
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
wf_state_apply(wf_db *db, const struct wf_machine *m, int64_t id,
    const char *ref, const char *action, cJSON *data, const char **to_out)
{
	return wf_state_apply_arg(db, m, id, ref, action, NULL, data, to_out);
}

int
wf_state_apply_arg(wf_db *db, const struct wf_machine *m, int64_t id,
    const char *ref, const char *action, const char *arg, cJSON *data,
    const char **to_out)
{
	char from[64], memo[64];
	const char *to, *newmemo;
	sqlite3_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, m->sql_get, &st)) != 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = wf_db_step(db, st)) <= 0) {
		if (rc == 0)
			rc = wf_error_set(WF_ENOTFOUND, "%s '%s' not found", m->record, ref);
		goto out;
	}
	wf_strlcpy(from, wf_col_text(st, 0), sizeof from);
	wf_strlcpy(memo, wf_col_text(st, 1), sizeof memo);
	sqlite3_reset(st);

	if ((to = wf_state_next(m, from, action)) == NULL) {
		wf_buf legal = {0};
		wf_state_legal(m, from, &legal);
		rc = wf_error_set(WF_EREFUSED,
		    "%s %s: cannot %s when %s%s (legal from %s: %s)", m->record, ref,
		    action, strcmp(m->name, m->record) ? "finance state is " : "", from,
		    from, wf_buf_str(&legal));
		wf_buf_free(&legal);
		goto out;
	}
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

	if ((rc = wf_db_stmt(db, m->sql_set, &st)) != 0)
		goto out;
	wf_bind_text(st, 1, to);
	wf_bind_time(st, 2, wf_db_now(db));
	sqlite3_bind_int64(st, 3, id);
	if (m->memo_state)
		wf_bind_text(st, 4, newmemo);
	if (sqlite3_bind_parameter_count(st) >= 5)
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
