/* return.c - returns (RMA-N): open, authorise or reject, receive back into
 * stock (in their condition at once, or to be inspected, restocked or
 * written off later), refund, close.
 *
 * The order a return belongs to changes only through the order's API
 * (wf_order.h); where its units left from, through the shipment's.
 *
 * owns: rma
 * reads: orders, order_line, sku, bin, warehouse
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_record.h"
#include "wf_return.h"
#include "wf_shipment.h"
#include "wf_text.h"

struct rma_row {
	int64_t id, order_id, sku_id, qty, bin_id;
	char key[WF_KEY_LEN], order[200], sku[72], state[24], currency[4];
	char condition[16];     /* "" until known */
};

static int
rma_load(wf_db *db, const char *key, struct rma_row *r)
{
	static const char sql[] =
	    "SELECT r.id, r.order_id, r.sku_id, r.qty, o.ref, s.code, r.state, r.currency,"
	    " coalesce(r.bin_id, 0), coalesce(r.condition, '') FROM rma r JOIN orders o ON o.id = r.order_id JOIN sku s ON s.id = r.sku_id"
	    " WHERE r.id = ?1";
	wf_stmt *st;
	int64_t id = 0;
	int rc;

	if ((rc = wf_key_parse(&id, &wf_record_return, key)) != 0 || (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown return '%s'", key);
	memset(r, 0, sizeof *r);
	r->id = wf_col_int(st, 0);
	r->order_id = wf_col_int(st, 1);
	r->sku_id = wf_col_int(st, 2);
	r->qty = wf_col_int(st, 3);
	wf_strlcpy(r->order, wf_col_text(st, 4), sizeof r->order);
	wf_strlcpy(r->sku, wf_col_text(st, 5), sizeof r->sku);
	wf_strlcpy(r->state, wf_col_text(st, 6), sizeof r->state);
	wf_strlcpy(r->currency, wf_col_text(st, 7), sizeof r->currency);
	r->bin_id = wf_col_int(st, 8);
	wf_strlcpy(r->condition, wf_col_text(st, 9), sizeof r->condition);
	wf_key_format(&wf_record_return, r->id, r->key);
	wf_stmt_reset(st);
	return 0;
}

#define RETURN_SELECT \
	"SELECT r.id, o.ref, s.code, r.qty, r.reason, r.state, r.condition," \
	" w.code || '/' || b.code, r.refund, r.currency, r.owner, r.created_at" \
	" FROM rma r JOIN orders o ON o.id = r.order_id JOIN sku s ON s.id = r.sku_id" \
	" LEFT JOIN bin b ON b.id = r.bin_id LEFT JOIN warehouse w ON w.id = b.warehouse_id"

/* Emit the return on ST's current row. */
static int
emit_row(wf_stmt *st, wf_out *out)
{
	cJSON *r;
	char key[WF_KEY_LEN];
	int k = 0;

	wf_key_format(&wf_record_return, wf_col_int(st, 0), key);
	if ((r = wf_jrecord("return")) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	k |= wf_jadd_str(r, "return", key);
	k |= wf_jadd_str(r, "order", wf_col_text(st, 1));
	k |= wf_jadd_str(r, "sku", wf_col_text(st, 2));
	k |= wf_jadd_int(r, "qty", wf_col_int(st, 3));
	k |= wf_jadd_str(r, "reason", wf_col_text(st, 4));
	k |= wf_jadd_str(r, "state", wf_col_text(st, 5));
	k |= wf_jadd_str(r, "condition", wf_col_str(st, 6));
	k |= wf_jadd_str(r, "bin", wf_col_str(st, 7));
	if (!wf_col_null(st, 8))
		k |= wf_jadd_money(r, "refund", wf_col_int(st, 8), wf_col_text(st, 9));
	else
		k |= wf_jadd_null(r, "refund");
	k |= wf_jadd_str(r, "currency", wf_col_text(st, 9));
	k |= wf_jadd_str(r, "owner", wf_col_text(st, 10));
	k |= wf_jadd_str(r, "opened_at", wf_col_text(st, 11));
	if (k) {
		cJSON_Delete(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(out, r);
}

int
wf_return_emit(wf_db *db, int64_t id, wf_out *out)
{
	static const char sql[] = RETURN_SELECT " WHERE r.id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "return %lld vanished", (long long)id);
	rc = emit_row(st, out);
	wf_stmt_reset(st);
	return rc;
}

int
wf_return_list_order(wf_db *db, int64_t order_id, wf_out *out)
{
	static const char sql[] = RETURN_SELECT " WHERE r.order_id = ?1 ORDER BY r.id";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = emit_row(st, out)) != 0)
			break;
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

static int
open_id(wf_db *db, int64_t *idp, const struct wf_return_open *in)
{
	static const char avail[] =
	    "SELECT (SELECT coalesce(sum(qty_shipped), 0) FROM order_line"
	    "  WHERE order_id = ?1 AND sku_id = ?2),"
	    " (SELECT coalesce(sum(qty), 0) FROM rma WHERE order_id = ?1 AND sku_id = ?2"
	    "  AND state <> 'rejected'),"
	    " (SELECT id FROM order_line WHERE order_id = ?1 AND sku_id = ?2"
	    "  ORDER BY line_no LIMIT 1)";
	static const char ins[] =
	    "INSERT INTO rma (order_id, order_line_id, sku_id, qty, reason, currency, owner,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
	const struct wf_machine *m = wf_machine_find("return");
	struct wf_order_info o;
	struct wf_sku_info sku;
	int64_t shipped, taken, line, id;
	wf_stmt *st;
	char key[WF_KEY_LEN];
	cJSON *data;
	int rc;

	if (in->qty <= 0)
		return wf_error_set(WF_EUSAGE, "--qty: expected a positive integer");
	if (in->reason == NULL || *in->reason == '\0')
		return wf_error_set(WF_EUSAGE, "--reason: required");
	if ((rc = wf_text_check("reason", in->reason, 500)) != 0 ||
	    (rc = wf_order_find(db, &o, in->order)) != 0 ||
	    (rc = wf_sku_find(db, &sku, in->sku)) != 0 ||
	    (rc = wf_db_stmt(db, &st, avail)) != 0)
		return rc;
	wf_bind_int(st, 1, o.id);
	wf_bind_int(st, 2, sku.id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	shipped = wf_col_int(st, 0);
	taken = wf_col_int(st, 1);
	line = wf_col_int(st, 2);
	wf_stmt_reset(st);
	if (in->qty > shipped - taken)
		return wf_error_set(WF_EREFUSED,
		    "order %s: %lld %s shipped, %lld already on returns; %lld more cannot be returned",
		    in->order, (long long)shipped, in->sku, (long long)taken, (long long)in->qty);
	if ((rc = wf_db_stmt(db, &st, ins)) != 0)
		return rc;
	wf_bind_int(st, 1, o.id);
	wf_bind_opt_int(st, 2, line != 0, line);
	wf_bind_int(st, 3, sku.id);
	wf_bind_int(st, 4, in->qty);
	wf_bind_text(st, 5, in->reason);
	wf_bind_text(st, 6, o.currency);
	wf_bind_text(st, 7, WF_OWNER_RETURN);
	wf_bind_time(st, 8, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	id = wf_db_last_id(db);
	wf_key_format(&wf_record_return, id, key);
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "order", in->order) | wf_jadd_str(data, "sku", in->sku) |
	    wf_jadd_int(data, "qty", in->qty) | wf_jadd_str(data, "reason", in->reason)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	/* authorised at once, unless a person is to decide */
	if ((rc = wf_history_add(db, "return", key, "return", "create", NULL, "requested",
	    data)) != 0 ||
	    (!in->requested && (rc = wf_state_apply(db, NULL, m, id, key, "authorise", NULL)) != 0))
		return rc;
	*idp = id;
	return 0;
}

static int
open_rma(wf_db *db, const struct wf_return_open *in, wf_out *out)
{
	int64_t id;
	int rc;

	if ((rc = open_id(db, &id, in)) != 0)
		return rc;
	return wf_return_emit(db, id, out);
}

/* The warehouse that shipped the SKU of return R (its first shipment). */
static int
shipped_from(wf_db *db, const struct rma_row *r, int64_t *wh)
{
	int rc = wf_shipment_origin(db, wh, r->order_id, r->sku_id);

	if (rc == 0)
		return wf_error_set(WF_EREFUSED,
		    "%s: no shipment of %s for %s says where it came from; give --bin",
		    r->key, r->sku, r->order);
	return rc < 0 ? rc : 0;
}

/* "sellable" or "damaged" into *SELLABLE (1 or 0). */
static int
condition_of(const char *condition, int *sellable)
{
	if (condition && strcmp(condition, "sellable") == 0)
		*sellable = 1;
	else if (condition && strcmp(condition, "damaged") == 0)
		*sellable = 0;
	else
		return wf_error_set(WF_EUSAGE,
		    "--condition: expected sellable or damaged, got '%.20s'", condition ? condition : "");
	return 0;
}

/* BIN ("WH/BIN"), which must be active, into *bin_id and *wh. */
static int
active_bin(wf_db *db, int64_t *bin_id, int64_t *wh, const char *bin)
{
	const char *state;
	int rc;

	if ((rc = wf_bin_find(db, bin_id, wh, NULL, &state, bin)) != 0)
		return rc;
	if (strcmp(state, "active") != 0)
		return wf_error_set(WF_EREFUSED, "bin %s is %s; nothing can be put there", bin, state);
	return 0;
}

/* Set return R's condition (NULL: not inspected yet) and bin. */
static int
set_place(wf_db *db, const struct rma_row *r, const char *condition, int64_t bin_id)
{
	static const char upd[] =
	    "UPDATE rma SET condition = ?2, bin_id = ?3, updated_at = ?4 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, upd)) != 0)
		return rc;
	wf_bind_int(st, 1, r->id);
	wf_bind_text(st, 2, condition);
	wf_bind_int(st, 3, bin_id);
	wf_bind_time(st, 4, wf_db_now(db));
	return wf_db_done(db, st);
}

/* The units arrive: into BIN (else the shipping warehouse's returns bin)
 * on hand or damaged as CONDITION says, the return received and restocked
 * or written off; without a condition as "returned", the return received,
 * for `return inspect` to decide.  The order takes them back either way. */
static int
receive(wf_db *db, const char *key, const char *condition, const char *bin, wf_out *out)
{
	const struct wf_machine *rm = wf_machine_find("return");
	struct rma_row r;
	struct wf_move mv;
	int sellable = 0, rc;
	int64_t bin_id, wh;

	if (condition && (rc = condition_of(condition, &sellable)) != 0)
		return rc;
	if ((rc = rma_load(db, key, &r)) != 0 ||
	    (rc = wf_state_check(rm, r.key, r.state, "receive")) != 0)
		return rc;
	if (bin) {
		if ((rc = active_bin(db, &bin_id, &wh, bin)) != 0)
			return rc;
	} else if ((rc = shipped_from(db, &r, &wh)) != 0 ||
	    (rc = wf_bin_ensure(db, &bin_id, wh, "returns", "RETURNS")) != 0)
		return rc;
	memset(&mv, 0, sizeof mv);
	mv.action = "return";
	mv.sku_id = r.sku_id;
	mv.qty = r.qty;
	mv.from_state = "shipped";
	mv.to_bin = bin_id;
	mv.to_state = condition == NULL ? "returned" : sellable ? "on_hand" : "damaged";
	mv.ref = r.key;
	mv.reason = condition;
	if ((rc = wf_stock_book(db, NULL, &mv)) != 0 ||
	    (rc = set_place(db, &r, condition, bin_id)) != 0 ||
	    (rc = wf_state_apply(db, NULL, rm, r.id, r.key, "receive", NULL)) != 0 ||
	    (condition && (rc = wf_state_apply(db, NULL, rm, r.id, r.key,
	    sellable ? "restock" : "write_off", NULL)) != 0) ||
	    (rc = wf_order_take_back(db, r.order_id, r.order, r.sku_id, r.qty, r.key)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

/* A received return inspected: what condition its units are in, kept on
 * it; they stay where they wait until restock or write_off books them. */
static int
inspect(wf_db *db, const char *key, const char *condition, wf_out *out)
{
	const struct wf_machine *rm = wf_machine_find("return");
	struct rma_row r;
	cJSON *data;
	int sellable, rc;

	if ((rc = condition_of(condition, &sellable)) != 0 ||
	    (rc = rma_load(db, key, &r)) != 0 ||
	    (rc = wf_state_check(rm, r.key, r.state, "inspect")) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "condition", condition)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_state_apply(db, NULL, rm, r.id, r.key, "inspect", data)) != 0 ||
	    (rc = set_place(db, &r, condition, r.bin_id)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

/* The units of a return received without a condition, waiting as
 * "returned" in their bin, booked: ACTION "restock" puts them on hand,
 * "write_off" books them damaged, where they wait or in BIN.  A return
 * inspected as damaged is not restocked. */
static int
put_away(wf_db *db, const char *key, const char *action, const char *bin, wf_out *out)
{
	const struct wf_machine *rm = wf_machine_find("return");
	int sellable = strcmp(action, "restock") == 0;
	struct rma_row r;
	struct wf_move mv;
	int64_t bin_id, wh;
	int rc;

	if ((rc = rma_load(db, key, &r)) != 0 ||
	    (rc = wf_state_check(rm, r.key, r.state, action)) != 0)
		return rc;
	if (sellable && strcmp(r.condition, "damaged") == 0)
		return wf_error_set(WF_EREFUSED, "%s was inspected as damaged: write it off "
		    "(wf-order return write-off %s)", r.key, r.key);
	/* received: its units wait as returned in the bin they came to */
	assert(r.bin_id != 0);
	bin_id = r.bin_id;
	if (bin && (rc = active_bin(db, &bin_id, &wh, bin)) != 0)
		return rc;
	memset(&mv, 0, sizeof mv);
	mv.action = action;
	mv.sku_id = r.sku_id;
	mv.qty = r.qty;
	mv.from_bin = r.bin_id;
	mv.from_state = "returned";
	mv.to_bin = bin_id;
	mv.to_state = sellable ? "on_hand" : "damaged";
	mv.ref = r.key;
	mv.reason = *r.condition ? r.condition : NULL;
	if ((rc = wf_stock_book(db, NULL, &mv)) != 0 ||
	    (rc = set_place(db, &r, *r.condition ? r.condition : sellable ? "sellable" : "damaged",
	    bin_id)) != 0 ||
	    (rc = wf_state_apply(db, NULL, rm, r.id, r.key, action, NULL)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

/* A person decides on a requested return: authorise it, or reject it for
 * REASON (kept in the event; its units can go on another return). */
static int
decide(wf_db *db, const char *key, const char *action, const char *reason, wf_out *out)
{
	const struct wf_machine *rm = wf_machine_find("return");
	struct rma_row r;
	cJSON *data = NULL;
	int rc;

	if ((rc = rma_load(db, key, &r)) != 0 ||
	    (rc = wf_state_check(rm, r.key, r.state, action)) != 0)
		return rc;
	if (reason) {
		if (*reason == '\0')
			return wf_error_set(WF_EUSAGE, "--reason: required");
		if ((rc = wf_text_check("reason", reason, 500)) != 0)
			return rc;
		if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "reason", reason)) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
	}
	if ((rc = wf_state_apply(db, NULL, rm, r.id, r.key, action, data)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

static int
refund(wf_db *db, const char *key, const char *amount, wf_out *out)
{
	static const char upd[] = "UPDATE rma SET refund = coalesce(refund, 0) + ?2 WHERE id = ?1";
	const struct wf_machine *rm = wf_machine_find("return");
	struct wf_order_info o;
	struct rma_row r;
	wf_stmt *st;
	int64_t v;
	cJSON *data;
	int rc;

	if ((rc = rma_load(db, key, &r)) != 0 || (rc = wf_order_find(db, &o, r.order)) != 0)
		return rc;
	if (wf_money_parse(amount, o.currency, &v) != 0)
		return wf_error_set(WF_EUSAGE, "--amount: %s", wf_error_msg());
	if (v <= 0)
		return wf_error_set(WF_EUSAGE, "--amount: must be more than zero");
	if ((rc = wf_state_check(rm, r.key, r.state, "refund")) != 0)
		return rc;
	if (v > o.paid - o.refunded) {
		char a[40], b[40];
		wf_money_format(o.paid, o.currency, a, sizeof a);
		wf_money_format(o.refunded, o.currency, b, sizeof b);
		return wf_error_set(WF_EREFUSED,
		    "order %s was paid %s %s and %s has been refunded; %s is more than is left",
		    r.order, a, o.currency, b, amount);
	}
	if ((rc = wf_db_stmt(db, &st, upd)) != 0)
		return rc;
	wf_bind_int(st, 1, r.id);
	wf_bind_int(st, 2, v);
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_money(data, "amount", v, o.currency)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_state_apply(db, NULL, rm, r.id, r.key, "refund", data)) != 0 ||
	    (rc = wf_order_refund(db, &o, r.order, v, r.key)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

static int
close_rma(wf_db *db, const char *key, wf_out *out)
{
	const struct wf_machine *rm = wf_machine_find("return");
	struct rma_row r;
	int rc;

	if ((rc = rma_load(db, key, &r)) != 0 ||
	    (rc = wf_state_apply(db, NULL, rm, r.id, r.key, "close", NULL)) != 0)
		return rc;
	return wf_return_emit(db, r.id, out);
}

/* Each public call: one transaction around the work. */
#define IN_TX(call) do {                                   \
		int rc_;                                   \
		if ((rc_ = wf_tx_begin(db)) != 0)          \
			return rc_;                        \
		if ((rc_ = (call)) != 0) {                 \
			wf_tx_rollback(db);                \
			return rc_;                        \
		}                                          \
		return wf_tx_commit(db);                   \
	} while (0)

int
wf_return_open(wf_db *db, const struct wf_return_open *r, wf_out *out)
{
	IN_TX(open_rma(db, r, out));
}

int
wf_return_receive(wf_db *db, const char *rma, const char *condition,
    const char *bin, wf_out *out)
{
	IN_TX(receive(db, rma, condition, bin, out));
}

int
wf_return_inspect(wf_db *db, const char *rma, const char *condition, wf_out *out)
{
	IN_TX(inspect(db, rma, condition, out));
}

int
wf_return_restock(wf_db *db, const char *rma, const char *bin, wf_out *out)
{
	IN_TX(put_away(db, rma, "restock", bin, out));
}

int
wf_return_write_off(wf_db *db, const char *rma, const char *bin, wf_out *out)
{
	IN_TX(put_away(db, rma, "write_off", bin, out));
}

int
wf_return_authorise(wf_db *db, const char *rma, wf_out *out)
{
	IN_TX(decide(db, rma, "authorise", NULL, out));
}

int
wf_return_reject(wf_db *db, const char *rma, const char *reason, wf_out *out)
{
	if (reason == NULL)
		return wf_error_set(WF_EUSAGE, "--reason: required");
	IN_TX(decide(db, rma, "reject", reason, out));
}

int
wf_return_refund(wf_db *db, const char *rma, const char *amount, wf_out *out)
{
	IN_TX(refund(db, rma, amount, out));
}

int
wf_return_close(wf_db *db, const char *rma, wf_out *out)
{
	IN_TX(close_rma(db, rma, out));
}

/* ---- state machines ---------------------------------------------------- */

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
	WF_TRANSITIONS_END
};

static const struct wf_machine m_return = {
	"return", "return", "returns (RMA-N)",
	return_states, return_rows, WF_SQL_STATE_GET("rma", "state", "NULL"), WF_SQL_STATE_SET("rma", "state"),
	WF_SQL_STATE_ALL("rma", "'RMA-' || id", "state"), NULL, NULL
};


static const struct wf_machine *const return_machines[] = { &m_return, NULL };

const struct wf_record_type wf_record_return = {
	.type = "return",
	.key_hint = "a return key like RMA-12",
	.prefix = "RMA-",
	.table = "rma",
	.machines = return_machines,
	.complete = "SELECT 'RMA-' || id FROM rma WHERE state <> 'closed'" " AND 'RMA-' || id GLOB ?1 ORDER BY id",
	.lookup = "SELECT 1 FROM rma WHERE id = ?1",
};

/* ---- returns a channel made (wf_return_channel) ------------------------------- */

static int
channel_return(wf_db *db, const struct wf_return_open *r, int restock, wf_out *out)
{
	char key[WF_KEY_LEN];
	int64_t id;
	int rc;

	if ((rc = open_id(db, &id, r)) != 0)
		return rc;
	wf_key_format(&wf_record_return, id, key);
	return receive(db, key, restock ? "sellable" : "damaged", NULL, out);
}

int
wf_return_channel(wf_db *db, const struct wf_return_open *r, int restock, wf_out *out)
{
	IN_TX(channel_return(db, r, restock, out));
}
