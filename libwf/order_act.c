/* order_act.c - what is done to an order by hand or by an order_event line:
 * promise, unpromise, reserve, unreserve, pick, pack, ship, deliver, close,
 * hold, release, cancel, invoice.  One table says what each action takes and which handler
 * does its work; the order's machines (order.c) say whether it may happen.
 *
 * It writes no table itself: the order changes through order.c, stock
 * through the ledger (wf_stock.h), shipments through shipment.c.  It reads
 * the route's legs (order.c's) for the carrier a leg ships with, and the
 * carrier services (route_rules.c's) to say when a carrier is set up nowhere.
 *
 * reads: order_line, order_route, held, bin, warehouse, carrier_service, sku
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_promise.h"
#include "wf_shipment.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_text.h"
#include "wf_time.h"

/* ---- the stock an order holds ---------------------------------------------------- */

/* The units still to ship of order ORDER_ID, per SKU, first line first,
 * into *out (the caller frees it) and *n; WF_EREFUSED when a line's SKU is
 * unknown. */
static int
outstanding(wf_db *db, struct wf_order_units **out, size_t *n, int64_t order_id)
{
	static const char sql[] =
	    "SELECT sku_id, sum(qty - qty_shipped) FROM order_line WHERE order_id = ?1"
	    " AND sku_id IS NOT NULL GROUP BY sku_id HAVING sum(qty - qty_shipped) > 0"
	    " ORDER BY min(line_no)";
	static const char unknown[] =
	    "SELECT line_no, sku FROM order_line WHERE order_id = ?1 AND sku_id IS NULL"
	    " ORDER BY line_no LIMIT 1";
	struct wf_order_units *v = NULL;
	size_t cap = 0;
	wf_stmt *st;
	int rc;

	*n = 0;
	if ((rc = wf_db_stmt(db, &st, unknown)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		rc = wf_error_set(WF_EREFUSED, "line %lld has a SKU the catalogue does not know: '%s'",
		    (long long)wf_col_int(st, 0), wf_col_text(st, 1));
		wf_stmt_reset(st);
		return rc;
	}
	if (rc < 0 || (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		if (*n == cap) {
			struct wf_order_units *p;
			cap = cap ? cap * 2 : 8;
			if ((p = realloc(v, cap * sizeof *p)) == NULL) {
				wf_stmt_reset(st);
				free(v);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
			v = p;
		}
		v[*n].sku_id = wf_col_int(st, 0);
		v[(*n)++].qty = wf_col_int(st, 1);
	}
	if (rc < 0) {
		free(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* Move every outstanding unit held by the order from state FROM to TO. */
static int
advance_all(wf_db *db, const char *ref, int64_t order_id, const char *from,
    const char *to, const char *action, const char *cause)
{
	struct wf_order_units *v = NULL;
	size_t n, i;
	int rc;

	if ((rc = outstanding(db, &v, &n, order_id)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		rc = wf_stock_advance(db, v[i].sku_id, 0, ref, v[i].qty, from, to, action, cause);
	free(v);
	return rc;
}

/* The units an order holds, per warehouse, SKU and held state. */
struct held {
	int64_t wh, sku, qty;
	int     k;              /* index into held_states */
	char    code[33];       /* the warehouse's */
};

static const struct { const char *state, *back; } held_states[] = {
	{ "reserved", "unreserve" }, { "picked", "unpick" }, { "packed", "unpack" },
};

#define NHELD (sizeof held_states / sizeof held_states[0])

/* Every unit order REF holds (at warehouse WH_ID; 0: at any) into V, an
 * array of struct held by warehouse code, SKU and state (reserved first). */
static int
held_units(wf_db *db, wf_buf *v, const char *ref, int64_t wh_id)
{
	static const char sql[] =
	    "SELECT b.warehouse_id, w.code, bal.sku_id, bal.state, sum(bal.qty)"
	    " FROM held bal JOIN bin b ON b.id = bal.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE bal.holder = ?1 AND (?2 = 0 OR b.warehouse_id = ?2)"
	    " AND (bal.state = 'reserved' OR bal.state = 'picked' OR bal.state = 'packed')"
	    " GROUP BY b.warehouse_id, bal.sku_id, bal.state"
	    " ORDER BY w.code, bal.sku_id, CASE bal.state WHEN 'reserved' THEN 0"
	    " WHEN 'picked' THEN 1 ELSE 2 END";
	struct held h;
	wf_stmt *st;
	int rc;

	wf_buf_reset(v);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	wf_bind_int(st, 2, wh_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *s = wf_col_text(st, 3);
		memset(&h, 0, sizeof h);
		h.wh = wf_col_int(st, 0);
		wf_strlcpy(h.code, wf_col_text(st, 1), sizeof h.code);
		h.sku = wf_col_int(st, 2);
		h.qty = wf_col_int(st, 4);
		for (h.k = 0; (size_t)h.k < NHELD && strcmp(held_states[h.k].state, s) != 0; h.k++)
			;
		assert((size_t)h.k < NHELD);
		if (wf_buf_add(v, &h, sizeof h) != 0) {
			wf_stmt_reset(st);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
	}
	return rc < 0 ? rc : 0;
}

#define HELD_N(v)  ((v)->len / sizeof(struct held))
#define HELD_AT(v) ((struct held *)(void *)(v)->p)

/* Put back on hand whatever the order holds (cancel, unreserve): reserved,
 * picked and packed units return to their bins; DATA (may be NULL) gets
 * the count. */
static int
release_held(wf_db *db, const char *ref, cJSON *data)
{
	wf_buf v = {0};
	struct held *h;
	int64_t total = 0;
	size_t i, n;
	int rc;

	if ((rc = held_units(db, &v, ref, 0)) != 0)
		goto out;
	h = HELD_AT(&v);
	n = HELD_N(&v);
	for (i = 0; i < n; i++) {
		if ((rc = wf_stock_advance(db, h[i].sku, h[i].wh, ref, h[i].qty,
		    held_states[h[i].k].state, "on_hand", held_states[h[i].k].back, ref)) != 0)
			goto out;
		total += h[i].qty;
	}
	rc = data ? wf_jadd_int(data, "units_released", total) : 0;
out:
	wf_buf_free(&v);
	return rc;
}

/* Shipment *ARG carries QTY units of order line LINE_ID (for wf_order_spread()). */
static int
ship_line(wf_db *db, void *arg, int64_t line_id, int64_t qty)
{
	return wf_shipment_add_line(db, *(const int64_t *)arg, line_id, qty);
}

/* The carrier and service order ORDER_ID's route chose for its leg at
 * warehouse WH_ID, into CARRIER and SERVICE ("" when it has none). */
static int
leg_route(wf_db *db, char carrier[33], char service[33], int64_t order_id, int64_t wh_id)
{
	static const char sql[] =
	    "SELECT coalesce(carrier, ''), coalesce(service, '') FROM order_route"
	    " WHERE order_id = ?1 AND warehouse_id = ?2";
	wf_stmt *st;
	int rc;

	carrier[0] = service[0] = '\0';
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, wh_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		wf_strlcpy(carrier, wf_col_text(st, 0), 33);
		wf_strlcpy(service, wf_col_text(st, 1), 33);
		wf_stmt_reset(st);
	}
	return rc < 0 ? rc : 0;
}

/* A note into NOTE when no warehouse has set up CARRIER while some carrier
 * is set up: those that are, and the nearest of them, so that a typo shows
 * at once. */
static int
carrier_note(wf_db *db, const char *carrier, wf_buf *note)
{
	static const char sql[] = "SELECT DISTINCT carrier FROM carrier_service ORDER BY carrier";
	struct wf_text_near near;
	wf_buf list = {0};
	wf_stmt *st;
	int rc, err = 0;

	wf_text_near_init(&near, carrier);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *c = wf_col_text(st, 0);
		if (strcmp(c, carrier) == 0) {
			wf_stmt_reset(st);
			wf_buf_free(&list);
			return 0;
		}
		wf_text_near_add(&near, c);
		err |= wf_buf_addf(&list, "%s%s", list.len ? ", " : "", c);
	}
	if (rc < 0) {
		wf_buf_free(&list);
		return rc;
	}
	/* a business that does not route has set up no carrier: nothing to say */
	if (list.len == 0)
		return 0;
	wf_buf_reset(note);
	err |= wf_buf_addf(note, "no warehouse has set up carrier '%s'; shipped with it anyway", carrier);
	if (wf_text_near_best(&near))
		err |= wf_buf_addf(note, " (did you mean '%s'? set up: %s)", wf_text_near_best(&near),
		    list.p);
	else
		err |= wf_buf_addf(note, " (set up: %s)", list.p);
	wf_buf_free(&list);
	return err ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* "BER, MUC": the warehouses of the N held units H, each once. */
static int
warehouse_list(wf_buf *b, const struct held *h, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (i == 0 || h[i].wh != h[i - 1].wh)
			rc |= wf_buf_addf(b, "%s%s", i ? ", " : "", h[i].code);
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* One leg: the units the order holds at one warehouse (the one named, or
 * the only one) go out as one shipment: open SH-N, move the units out (the
 * pick and pack moves small warehouses skip included), record the lines,
 * ship it.  The order is shipped when no line is left to ship; until then
 * the leg is an event of the order's. */
static int
act_ship(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	static const char *const next[] = { "picked", "packed", "shipped" };
	static const char *const move[] = { "pick", "pack", "ship" };
	const char *ref = a->order, *carrier, *service;
	char rcarrier[33], rservice[33], key[WF_KEY_LEN], code[33];
	wf_buf v = {0}, msg = {0};
	struct wf_shipment_in in;
	struct held *h;
	int64_t wh = 0, cost = 0, sid, open;
	size_t n, i, here = 0;
	cJSON *data;
	int has_cost = 0, elsewhere = 0, rc, k;

	if (a->cost) {
		if (wf_money_parse(a->cost, o->i.currency, &cost) != 0 || cost < 0)
			return wf_error_set(WF_EINPUT, "cost: %s", cost < 0 ?
			    "must not be negative" : wf_error_msg());
		has_cost = 1;
	}
	if (a->warehouse && (rc = wf_warehouse_find(db, &wh, NULL, a->warehouse)) != 0)
		return rc;
	if ((rc = held_units(db, &v, ref, 0)) != 0)
		goto out;
	h = HELD_AT(&v);
	n = HELD_N(&v);
	if (n == 0) {
		rc = wf_error_set(WF_EREFUSED, "order %s holds no stock to ship", ref);
		goto out;
	}
	if (wh == 0) {
		for (i = 1; i < n && h[i].wh == h[0].wh; i++)
			;
		if (i < n) {
			if ((rc = warehouse_list(&msg, h, n)) == 0)
				rc = wf_error_set(WF_EINPUT, "warehouse: order %s is held at %s: ship "
				    "each leg with --warehouse WH", ref, msg.p);
			goto out;
		}
		wh = h[0].wh;
	}
	for (i = 0; i < n; i++)
		if (h[i].wh == wh)
			here++;
		else
			elsewhere = 1;
	if (here == 0) {
		if ((rc = warehouse_list(&msg, h, n)) == 0)
			rc = wf_error_set(WF_EREFUSED, "order %s holds nothing at %s (it is held at %s)",
			    ref, a->warehouse, msg.p);
		goto out;
	}
	for (i = 0; h[i].wh != wh; i++)
		;
	wf_strlcpy(code, h[i].code, sizeof code);
	/* carrier and service: as given, else the route's for this leg */
	if ((rc = leg_route(db, rcarrier, rservice, o->i.id, wh)) != 0)
		goto out;
	carrier = a->carrier ? a->carrier : *rcarrier ? rcarrier : NULL;
	if (carrier == NULL) {
		rc = wf_error_set(WF_EINPUT, "carrier: required: no route chose one for %s at %s",
		    ref, code);
		goto out;
	}
	service = a->service ? a->service :
	    *rservice && strcmp(carrier, rcarrier) == 0 ? rservice : NULL;
	if (a->carrier && a->note && (rc = carrier_note(db, a->carrier, a->note)) != 0)
		goto out;
	memset(&in, 0, sizeof in);
	in.order_id = o->i.id;
	in.order = ref;
	in.wh_id = wh;
	in.carrier = carrier;
	in.service = service;
	in.tracking = a->tracking;
	in.has_cost = has_cost;
	in.cost = cost;
	in.currency = o->i.currency;
	/* the shipment the pick opened, else one of its own */
	if ((rc = wf_shipment_find_open(db, &sid, key, o->i.id, wh)) == 0)
		rc = wf_shipment_open(db, &sid, key, &in);
	if (rc < 0)
		goto out;
	for (i = 0; i < n; i++) {
		int64_t left;
		if (h[i].wh != wh)
			continue;
		/* from the state it is held in to shipped: the steps a small
		 * warehouse skips are done on the way */
		for (k = h[i].k; k < 3; k++)
			if ((rc = wf_stock_advance(db, h[i].sku, wh, ref, h[i].qty,
			    held_states[k].state, next[k], move[k], k == 2 ? key : ref)) != 0)
				goto out;
		/* the units go to the SKU's lines, and into the shipment */
		if ((rc = wf_order_spread(db, &left, o->i.id, h[i].sku, h[i].qty,
		    WF_ORDER_SHIPPED, ship_line, &sid)) != 0)
			goto out;
		if (left > 0) {
			rc = wf_error_set(WF_EINTERNAL, "order %s held %lld more units than its lines "
			    "need", ref, (long long)left);
			goto out;
		}
	}
	if ((rc = wf_shipment_ship(db, sid, key, &in)) != 0 ||
	    (out && (rc = wf_shipment_emit(db, sid, out)) != 0) ||
	    (rc = wf_order_lines_open(db, &open, o->i.id, WF_ORDER_SHIPPED)) != 0)
		goto out;
	if (open > 0 && !elsewhere) {
		rc = wf_error_set(WF_EREFUSED,
		    "order %s: %lld line(s) were not held in full and cannot ship", ref,
		    (long long)open);
		goto out;
	}
	if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "shipment", key) |
	    wf_jadd_str(data, "warehouse", code) | (open ? wf_jadd_int(data, "lines_open", open) : 0)) {
		cJSON_Delete(data);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	/* the last leg ships the order; one before it is the order's event */
	if (open == 0)
		rc = wf_state_apply(db, NULL, wf_machine_find("order"), o->i.id, ref, "ship", data);
	else
		rc = wf_history_add(db, "order", ref, NULL, "ship_leg", NULL, NULL, data);
out:
	wf_buf_free(&v);
	wf_buf_free(&msg);
	return rc;
}

/* ---- units the channel cancelled (order_import.c) ----------------------------------- */

/* One bin's units an order holds, to put back. */
struct bin_held {
	int64_t bin, wh, qty;
	char    state[16], wh_code[33], bin_code[33], sku[72];
};

int
wf_order_put_back(wf_db *db, cJSON *released, const char *ref, int64_t sku_id, int64_t qty)
{
	/* the warehouse that holds least of the order first (a leg that can
	 * empty does), then by code, bin by bin */
	static const char sql[] =
	    "SELECT bal.bin_id, b.warehouse_id, bal.state, bal.qty, w.code, b.code, s.code"
	    " FROM held bal JOIN bin b ON b.id = bal.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id JOIN sku s ON s.id = bal.sku_id"
	    " WHERE bal.holder = ?1 AND bal.sku_id = ?2"
	    " AND bal.state IN ('reserved', 'picked', 'packed')"
	    " ORDER BY (SELECT sum(x.qty) FROM held x JOIN bin xb ON xb.id = x.bin_id"
	    "  WHERE x.holder = ?1 AND xb.warehouse_id = b.warehouse_id"
	    "  AND x.state IN ('reserved', 'picked', 'packed')), w.code,"
	    " CASE bal.state WHEN 'reserved' THEN 0 WHEN 'picked' THEN 1 ELSE 2 END, b.code";
	wf_buf v = {0};
	struct bin_held h;
	const struct bin_held *hv;
	wf_stmt *st;
	size_t i, n;
	int64_t take, mid;
	cJSON *r;
	int rc, k;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	wf_bind_int(st, 2, sku_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		memset(&h, 0, sizeof h);
		h.bin = wf_col_int(st, 0);
		h.wh = wf_col_int(st, 1);
		wf_strlcpy(h.state, wf_col_text(st, 2), sizeof h.state);
		h.qty = wf_col_int(st, 3);
		wf_strlcpy(h.wh_code, wf_col_text(st, 4), sizeof h.wh_code);
		wf_strlcpy(h.bin_code, wf_col_text(st, 5), sizeof h.bin_code);
		wf_strlcpy(h.sku, wf_col_text(st, 6), sizeof h.sku);
		if (wf_buf_add(&v, &h, sizeof h) != 0) {
			wf_stmt_reset(st);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
	}
	hv = (const struct bin_held *)(void *)v.p;
	n = v.len / sizeof h;
	for (i = 0; rc == 0 && i < n && qty > 0; i++) {
		struct wf_move m;
		char bin[72];
		for (k = 0; (size_t)k < NHELD && strcmp(held_states[k].state, hv[i].state) != 0; k++)
			;
		assert((size_t)k < NHELD);
		take = hv[i].qty < qty ? hv[i].qty : qty;
		memset(&m, 0, sizeof m);
		m.action = held_states[k].back;
		m.sku_id = sku_id;
		m.qty = take;
		m.from_bin = m.to_bin = hv[i].bin;
		m.from_state = hv[i].state;
		m.to_state = "on_hand";
		m.holder = m.ref = ref;
		m.reason = "cancelled at the channel";
		if ((rc = wf_stock_book(db, &mid, &m)) != 0)
			break;
		snprintf(bin, sizeof bin, "%s/%s", hv[i].wh_code, hv[i].bin_code);
		if ((r = cJSON_CreateObject()) == NULL ||
		    wf_jadd_str(r, "sku", hv[i].sku) | wf_jadd_str(r, "warehouse", hv[i].wh_code) |
		    wf_jadd_str(r, "bin", bin) | wf_jadd_str(r, "state", hv[i].state) |
		    wf_jadd_int(r, "qty", take) | wf_jadd_int(r, "movement", mid) ||
		    !cJSON_AddItemToArray(released, r)) {
			cJSON_Delete(r);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
		qty -= take;
	}
	wf_buf_free(&v);
	if (rc == 0 && qty > 0)
		rc = wf_error_set(WF_EINTERNAL, "order %s holds %lld units fewer than its lines need",
		    ref, (long long)qty);
	return rc < 0 ? rc : 0;
}

int
wf_order_drop_legs(wf_db *db, cJSON *dropped, int64_t order_id, const char *ref,
    const cJSON *released)
{
	static const char sql[] =
	    "SELECT count(*) FROM held bal JOIN bin b ON b.id = bal.bin_id"
	    " WHERE bal.holder = ?1 AND b.warehouse_id = ?2"
	    " AND bal.state IN ('reserved', 'picked', 'packed')";
	char key[WF_KEY_LEN];
	const cJSON *r, *c, *w;
	int64_t wh, sid;
	wf_stmt *st;
	int rc, seen;

	cJSON_ArrayForEach(r, released) {
		w = cJSON_GetObjectItemCaseSensitive(r, "warehouse");
		seen = 0;
		for (c = released->child; c != r && !seen; c = c->next)
			seen = strcmp(cJSON_GetObjectItemCaseSensitive(c, "warehouse")->valuestring,
			    w->valuestring) == 0;
		if (seen)
			continue;       /* a warehouse once */
		if ((rc = wf_warehouse_find(db, &wh, NULL, w->valuestring)) != 0 ||
		    (rc = wf_db_stmt(db, &st, sql)) != 0)
			return rc;
		wf_bind_text(st, 1, ref);
		wf_bind_int(st, 2, wh);
		if ((rc = wf_db_step(db, st)) != 1)
			return rc < 0 ? rc : WF_EINTERNAL;
		seen = wf_col_int(st, 0) > 0;
		wf_stmt_reset(st);
		if (seen)
			continue;       /* the leg still has units to ship */
		if ((rc = wf_order_route_drop(db, order_id, wh)) != 0 ||
		    (rc = wf_shipment_find_open(db, &sid, key, order_id, wh)) < 0 ||
		    (rc == 1 && (rc = wf_shipment_step(db, sid, key, "cancel")) != 0))
			return rc;
		if (!cJSON_AddItemToArray(dropped, cJSON_CreateString(w->valuestring)))
			return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- the actions -------------------------------------------------------------------- */

/* The order's key and state as the calls of wf_order.h take them. */
static struct wf_order_key
key_of(const struct wf_order_row *o, const char *ref)
{
	struct wf_order_key k;

	k.id = o->i.id;
	k.ref = ref;
	k.state = o->i.state;
	k.hold_reason = o->hold_reason;
	return k;
}

/* A handler does an action's work once the machine allows it.  Unless its
 * table row says it applies the transition itself (with the data its event
 * needs), the transition follows, without data. */
typedef int act_fn(wf_db *db, const struct wf_order_row *o,
    const struct wf_order_action *a, wf_out *out);

/* Every unit the order still needs, reserved at the warehouse named:
 * wf_order_reserve, as routing reserves. */
static int
act_reserve(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	struct wf_order_key k = key_of(o, a->order);
	struct wf_order_units *u = NULL;
	struct wf_order_leg leg;
	cJSON *d;
	size_t n;
	int rc;

	memset(&leg, 0, sizeof leg);
	if ((rc = wf_warehouse_find(db, &leg.wh_id, NULL, a->warehouse)) != 0 ||
	    (rc = outstanding(db, &u, &n, o->i.id)) != 0)
		return rc;
	leg.units = u;
	leg.nunits = n;
	if ((d = cJSON_CreateObject()) == NULL || wf_jadd_str(d, "warehouse", a->warehouse)) {
		cJSON_Delete(d);
		free(u);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	rc = wf_order_reserve(db, NULL, &k, &leg, 1, d);
	free(u);
	return rc ? rc : wf_order_clear(db, a->order, WF_EX_UNROUTABLE, "reserved by hand");
}

/* The active warehouses' ids and codes, by code, into *V (an array of
 * struct wh_code the caller frees). */
struct wh_code {
	int64_t id;
	char    code[33];
};

static int
active_warehouses(wf_db *db, wf_buf *v, size_t *n)
{
	static const char sql[] =
	    "SELECT id, code FROM warehouse WHERE state = 'active' ORDER BY code";
	wf_stmt *st;
	int rc;

	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		struct wh_code w;
		memset(&w, 0, sizeof w);
		w.id = wf_col_int(st, 0);
		wf_strlcpy(w.code, wf_col_text(st, 1), sizeof w.code);
		if (wf_buf_add(v, &w, sizeof w)) {
			wf_stmt_reset(st);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		(*n)++;
	}
	return rc < 0 ? rc : 0;
}

/* Every unit the order still needs, promised at the warehouse named, else
 * at the first active warehouse (by code) that has all of them available
 * to promise; by the date given, else by the order's promise_by. */
static int
act_promise(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	struct wf_order_key k = key_of(o, a->order);
	struct wf_order_units *u = NULL;
	struct wf_order_leg leg;
	wf_buf whs = {0}, why = {0};
	const struct wh_code *w;
	const char *code = a->warehouse;
	size_t n, nwh = 0, i;
	cJSON *d = NULL;
	int rc;

	(void)out;
	memset(&leg, 0, sizeof leg);
	if (a->by) {
		if (wf_time_parse(a->by, &leg.promise) != 0)
			return wf_error_set(WF_EINPUT, "by: '%.40s' is not a time (ISO 8601, "
			    "e.g. 2026-11-23T18:00:00Z)", a->by);
	} else if (o->i.has_promise)
		leg.promise = o->i.promise_by;
	if ((rc = outstanding(db, &u, &n, o->i.id)) != 0)
		return rc;
	leg.units = u;
	leg.nunits = n;
	if (a->warehouse)
		rc = wf_warehouse_find(db, &leg.wh_id, NULL, a->warehouse);
	else if ((rc = active_warehouses(db, &whs, &nwh)) == 0) {
		/* the first that can take it whole; else say what each lacks */
		w = (const struct wh_code *)(void *)whs.p;
		rc = WF_EREFUSED;
		for (i = 0; i < nwh && rc == WF_EREFUSED; i++) {
			leg.wh_id = w[i].id;
			code = w[i].code;
			if ((rc = wf_promise_check(db, o->i.id, NULL, &leg, 1, 0)) == WF_EREFUSED &&
			    wf_buf_addf(&why, "; %s", wf_error_msg()))
				rc = wf_error_set(WF_ENOMEM, "out of memory");
		}
		if (rc == WF_EREFUSED || nwh == 0)
			rc = wf_error_set(WF_EREFUSED, "order %s: no warehouse has every line "
			    "available to promise%s", a->order, nwh ? wf_buf_str(&why) :
			    " (there is no active warehouse)");
	}
	if (rc == 0 && ((d = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(d, "warehouse", code) ||
	    (leg.promise && wf_jadd_time(d, "promise", leg.promise))))
		rc = wf_error_set(WF_ENOMEM, "out of memory");
	if (rc == 0) {
		rc = wf_order_promise(db, &k, &leg, d);
		d = NULL;
	}
	cJSON_Delete(d);
	free(u);
	wf_buf_free(&whs);
	wf_buf_free(&why);
	return rc;
}

/* The promise dropped with the route legs: the order is new again. */
static int
act_unpromise(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	int rc;

	(void)out;
	if ((rc = wf_order_route_clear(db, o->i.id)) != 0)
		return rc;
	return wf_state_apply(db, NULL, wf_machine_find("order"), o->i.id, a->order,
	    "unpromise", NULL);
}

/* The reserved units back on hand and the route legs gone: the order is new
 * again, to be reserved or routed afresh. */
static int
act_unreserve(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	cJSON *d = cJSON_CreateObject();
	int rc;

	if (d == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if ((rc = release_held(db, a->order, d)) != 0 ||
	    (rc = wf_order_route_clear(db, o->i.id)) != 0) {
		cJSON_Delete(d);
		return rc;
	}
	return wf_state_apply(db, NULL, wf_machine_find("order"), o->i.id, a->order, "unreserve", d);
}

/* Each warehouse's shipment follows the order's ACTION (pick, pack): the
 * open one there takes it; pick opens one, planned, where there is none, with
 * the route's carrier and service for that leg when it has them.  (An order
 * picked before shipments opened at pick has none to pack: its shipment
 * opens when it ships.) */
static int
stage_shipments(wf_db *db, const struct wf_order_row *o, const char *ref, const char *action)
{
	char carrier[33], service[33], key[WF_KEY_LEN];
	struct wf_shipment_in in;
	wf_buf v = {0};
	struct held *h;
	size_t n, i;
	int64_t sid;
	int rc;

	if ((rc = held_units(db, &v, ref, 0)) != 0)
		goto out;
	h = HELD_AT(&v);
	n = HELD_N(&v);
	for (i = 0; i < n; i++) {
		if (i > 0 && h[i].wh == h[i - 1].wh)
			continue;
		if ((rc = wf_shipment_find_open(db, &sid, key, o->i.id, h[i].wh)) < 0)
			goto out;
		if (rc == 0 && strcmp(action, "pick") != 0)
			continue;
		if (rc == 0) {
			if ((rc = leg_route(db, carrier, service, o->i.id, h[i].wh)) != 0)
				goto out;
			memset(&in, 0, sizeof in);
			in.order_id = o->i.id;
			in.wh_id = h[i].wh;
			in.order = ref;
			in.carrier = *carrier ? carrier : NULL;
			in.service = *service ? service : NULL;
			if ((rc = wf_shipment_open(db, &sid, key, &in)) != 0)
				goto out;
		}
		if ((rc = wf_shipment_step(db, sid, key, action)) != 0)
			goto out;
	}
	rc = 0;
out:
	wf_buf_free(&v);
	return rc;
}

static int
act_pick(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	int rc = advance_all(db, a->order, o->i.id, "reserved", "picked", "pick", NULL);

	return rc ? rc : stage_shipments(db, o, a->order, "pick");
}

static int
act_pack(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	int rc = advance_all(db, a->order, o->i.id, "picked", "packed", "pack", NULL);

	return rc ? rc : stage_shipments(db, o, a->order, "pack");
}

static int
act_deliver(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	return wf_shipment_deliver_order(db, o->i.id);
}

static int
act_hold(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	struct wf_order_key k = key_of(o, a->order);

	return wf_order_hold(db, &k, a->reason);
}

/* Back to where it was, once every SKU of it is known. */
static int
act_release(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	struct wf_order_key k = key_of(o, a->order);
	int rc;

	if ((rc = wf_order_resolve(db, a->order, o->i.id)) != 0 ||
	    (rc = wf_order_clear(db, a->order, WF_EX_UNKNOWN_SKU, "released by hand")) != 0)
		return rc;
	return wf_order_release(db, NULL, &k, NULL);
}

/* The stock back on hand, then the transition with its reason. */
static int
act_cancel(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	cJSON *d = cJSON_CreateObject();
	int rc;

	if (d == NULL || wf_jadd_str(d, "reason", a->reason)) {
		cJSON_Delete(d);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = release_held(db, a->order, d)) != 0 ||
	    (rc = wf_shipment_cancel_order(db, o->i.id)) != 0) {
		cJSON_Delete(d);
		return rc;
	}
	if ((rc = wf_order_cancel(db, a->order, o->i.id, a->reason, d)) != 0)
		return rc;
	return wf_order_clear_all(db, a->order, "the order was cancelled");
}

/* Finance: paid -> invoiced, with its number. */
static int
act_invoice(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	return wf_order_invoice(db, o->i.id, a->order, a->number);
}

/* Finance: money back without a return, for a reason. */
static int
act_refund(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	int64_t amount;
	char left[32];

	(void)out;
	if (wf_money_parse(a->amount, o->i.currency, &amount) != 0 || amount <= 0)
		return wf_error_set(WF_EINPUT, "amount: '%.40s' is not a positive amount in %s",
		    a->amount, o->i.currency);
	if (amount > o->i.paid - o->i.refunded) {
		wf_money_format(o->i.paid - o->i.refunded, o->i.currency, left, sizeof left);
		return wf_error_set(WF_EREFUSED, "order %s: only %s %s paid is not refunded yet",
		    a->order, left, o->i.currency);
	}
	return wf_order_refund_money(db, &o->i, a->order, amount, a->reason);
}

/* The fields of struct wf_order_action an action takes. */
#define F_WAREHOUSE 0x01u
#define F_CARRIER   0x02u
#define F_SERVICE   0x04u
#define F_TRACKING  0x08u
#define F_COST      0x10u
#define F_REASON    0x20u
#define F_NUMBER    0x40u
#define F_AMOUNT    0x80u
#define F_BY        0x100u

static const struct field {
	unsigned    bit;
	const char *name;
	size_t      max;        /* free text of at most MAX bytes; 0: its handler checks it */
} fields[] = {
	{ F_WAREHOUSE, "warehouse", 0 },
	{ F_CARRIER,   "carrier",   64 },
	{ F_SERVICE,   "service",   64 },
	{ F_TRACKING,  "tracking",  128 },
	{ F_COST,      "cost",      0 },
	{ F_REASON,    "reason",    500 },
	{ F_NUMBER,    "number",    64 },
	{ F_AMOUNT,    "amount",    0 },
	{ F_BY,        "by",        0 },
};

static const char *
field_value(const struct wf_order_action *a, unsigned bit)
{
	switch (bit) {
	case F_WAREHOUSE: return a->warehouse;
	case F_CARRIER:   return a->carrier;
	case F_SERVICE:   return a->service;
	case F_TRACKING:  return a->tracking;
	case F_COST:      return a->cost;
	case F_NUMBER:    return a->number;
	case F_AMOUNT:    return a->amount;
	case F_BY:        return a->by;
	default:          return a->reason;
	}
}

#define APPLIES 0x1             /* the handler applies the transition itself */

static const struct action {
	const char *name;       /* the action, as its machine names it */
	const char *machine;    /* "order" or "order.finance" */
	unsigned    takes;      /* the fields it reads */
	unsigned    needs;      /* those it cannot do without */
	act_fn     *fn;         /* NULL: the transition alone */
	unsigned    flags;
} actions[] = {
	{ "promise",   "order", F_WAREHOUSE | F_BY, 0, act_promise, APPLIES },
	{ "unpromise", "order", 0, 0, act_unpromise, APPLIES },
	{ "reserve",   "order", F_WAREHOUSE, F_WAREHOUSE, act_reserve, APPLIES },
	{ "unreserve", "order", 0, 0, act_unreserve, APPLIES },
	{ "pick",      "order", 0, 0, act_pick, 0 },
	{ "pack",      "order", 0, 0, act_pack, 0 },
	{ "ship",      "order", F_WAREHOUSE | F_CARRIER | F_SERVICE | F_TRACKING | F_COST, 0,
	  act_ship, APPLIES },
	{ "deliver",   "order", 0, 0, act_deliver, 0 },
	{ "close",     "order", 0, 0, NULL, 0 },
	{ "hold",      "order", F_REASON, F_REASON, act_hold, APPLIES },
	{ "release",   "order", 0, 0, act_release, APPLIES },
	{ "cancel",    "order", F_REASON, F_REASON, act_cancel, APPLIES },
	{ "invoice",   "order.finance", F_NUMBER, 0, act_invoice, APPLIES },
	{ "refund",    "order.finance", F_AMOUNT | F_REASON, F_AMOUNT | F_REASON, act_refund,
	  APPLIES },
};

#define NACTIONS (sizeof actions / sizeof actions[0])

/* A's fields for action T: those it needs are there, free text is text. */
static int
check_fields(const struct action *t, const struct wf_order_action *a)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct field *f = &fields[i];
		const char *v = field_value(a, f->bit);
		if (!(t->takes & f->bit))
			continue;
		if ((t->needs & f->bit) && (v == NULL || *v == '\0'))
			return wf_error_set(WF_EINPUT, "%s: required for %s", f->name, t->name);
		/* given is given: an empty value is not taken for none */
		if (v && *v == '\0')
			return wf_error_set(WF_EINPUT, "%s: must not be empty", f->name);
		if (v && f->max && (rc = wf_text_check(f->name, v, f->max)) != 0)
			return rc;
	}
	return 0;
}

/* "action: expected reserve, pick, ... or invoice, got 'X'". */
static int
unknown_action(const char *action)
{
	wf_buf b = {0};
	size_t i;
	int rc = 0;

	for (i = 0; i < NACTIONS; i++)
		rc |= wf_buf_addf(&b, "%s%s", i == 0 ? "" : i + 1 < NACTIONS ? ", " : " or ",
		    actions[i].name);
	rc = rc ? wf_error_set(WF_ENOMEM, "out of memory") :
	    wf_error_set(WF_EINPUT, "action: expected %s, got '%.20s'", b.p, action);
	wf_buf_free(&b);
	return rc;
}

static int
act(wf_db *db, const struct wf_order_action *a, wf_out *out)
{
	const struct action *t = NULL;
	const struct wf_machine *m;
	struct wf_order_row o;
	size_t i;
	int rc;

	if ((rc = wf_order_load(db, &o, a->order)) <= 0)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown order '%s'", a->order);
	for (i = 0; i < NACTIONS && t == NULL; i++)
		if (strcmp(actions[i].name, a->action) == 0)
			t = &actions[i];
	/* an action of the machine that no command does is refused as unknown;
	 * one the machine does not allow from here, as the machine refuses it */
	if (t == NULL)
		return (rc = wf_state_check(wf_machine_find("order"), a->order, o.i.state,
		    a->action)) != 0 ? rc : unknown_action(a->action);
	m = wf_machine_find(t->machine);
	assert(m != NULL);
	/* the machine first: an action the order's state does not allow is
	 * refused before anything else about it is looked at */
	if ((rc = wf_state_check(m, a->order, strcmp(t->machine, "order") == 0 ? o.i.state :
	    o.i.finance_state, t->name)) != 0 || (rc = check_fields(t, a)) != 0)
		return rc;
	if ((t->fn && (rc = t->fn(db, &o, a, out)) != 0) || (!(t->flags & APPLIES) &&
	    (rc = wf_state_apply(db, NULL, m, o.i.id, a->order, t->name, NULL)) != 0))
		return rc;
	return wf_order_emit(db, a->order, 0, out);
}

int
wf_order_act(wf_db *db, const struct wf_order_action *a, wf_out *out)
{
	int rc;

	if (a->order == NULL || *a->order == '\0')
		return wf_error_set(WF_EINPUT, "order: required");
	if (a->action == NULL)
		return wf_error_set(WF_EINPUT, "action: required");
	if (a->note)
		wf_buf_reset(a->note);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = act(db, a, out)) != 0) {
		wf_tx_rollback(db);
		if (a->note)
			wf_buf_reset(a->note);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_order_apply_line(wf_db *db, const struct wf_line *l, void *unused)
{
	static const char *const known[] = {
		"type", "order", "action", "warehouse", "carrier", "service", "tracking",
		"cost", "reason", "number", "by", NULL
	};
	struct wf_order_action a;
	const char *type = NULL;
	int rc;

	(void)unused;
	memset(&a, 0, sizeof a);
	if (l->strict && (rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "order_event") != 0)
		return wf_jerr(l->at, "type", "expected \"order_event\", got \"%.32s\"", type);
	if ((rc = wf_jget_str(l->at, l->obj, "order", WF_J_REQ | WF_J_NONEMPTY, 200, &a.order)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "action", WF_J_REQ | WF_J_NONEMPTY, 32, &a.action)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "warehouse", WF_J_NONEMPTY, 32, &a.warehouse)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "carrier", WF_J_NONEMPTY, 64, &a.carrier)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "service", 0, 64, &a.service)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "tracking", 0, 128, &a.tracking)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "cost", 0, 40, &a.cost)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "reason", 0, 500, &a.reason)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "number", WF_J_NONEMPTY, 64, &a.number)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "by", WF_J_NONEMPTY, 40, &a.by)) < 0)
		return rc;
	return wf_order_act(db, &a, wf_db_out(db));
}
