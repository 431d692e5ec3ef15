/* order_act.c - what is done to an order by hand or by an order_event line:
 * reserve, pick, pack, ship, deliver, close, hold, release, cancel.  One
 * table says what each action takes and which handler does its work; the
 * order machine (order.c) says whether it may happen.
 *
 * It writes no table itself: the order changes through order.c, stock
 * through the ledger (wf_stock.h), shipments through shipment.c.
 *
 * reads: order_line, balance, bin
 */
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_shipment.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_text.h"

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

/* Put back on hand whatever the order holds (cancel): reserved, picked and
 * packed units return to their bins. */
static int
release_held(wf_db *db, const char *ref, cJSON *data)
{
	static const char sql[] =
	    "SELECT sku_id, state, sum(qty) FROM balance WHERE holder = ?1 AND holder <> ''"
	    " AND state IN ('reserved','picked','packed') GROUP BY sku_id, state";
	static const struct { const char *state, *action; } back[] = {
		{ "reserved", "unreserve" }, { "picked", "unpick" }, { "packed", "unpack" },
	};
	struct row {
		int64_t sku, qty;
		int k;
	} rows[256];
	size_t n = 0, i, k;
	wf_stmt *st;
	int64_t total = 0;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	while ((rc = wf_db_step(db, st)) == 1 && n < sizeof rows / sizeof rows[0]) {
		for (k = 0; k < 3 && strcmp(back[k].state, wf_col_text(st, 1)) != 0; k++)
			;
		rows[n].sku = wf_col_int(st, 0);
		rows[n].qty = wf_col_int(st, 2);
		rows[n++].k = (int)k;
	}
	if (rc == 1)
		wf_stmt_reset(st);
	if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		if ((rc = wf_stock_advance(db, rows[i].sku, 0, ref, rows[i].qty,
		    back[rows[i].k].state, "on_hand", back[rows[i].k].action, ref)) != 0)
			return rc;
		total += rows[i].qty;
	}
	return data ? wf_jadd_int(data, "units_released", total) : 0;
}

/* Shipment *ARG carries QTY units of order line LINE_ID (for wf_order_spread()). */
static int
ship_line(wf_db *db, void *arg, int64_t line_id, int64_t qty)
{
	return wf_shipment_add_line(db, *(const int64_t *)arg, line_id, qty);
}

/* A shipment per warehouse holding the order's units: open SH-N, move the
 * units out, record the lines, ship it. */
static int
act_ship(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	static const char whs[] =
	    "SELECT DISTINCT b.warehouse_id FROM balance bal JOIN bin b ON b.id = bal.bin_id"
	    " WHERE bal.holder = ?1 AND bal.state IN ('reserved','picked','packed')"
	    " ORDER BY b.warehouse_id";
	static const char held[] =
	    "SELECT bal.sku_id, bal.state, sum(bal.qty) FROM balance bal JOIN bin b"
	    " ON b.id = bal.bin_id WHERE bal.holder = ?1 AND b.warehouse_id = ?2"
	    " AND bal.state IN ('reserved','picked','packed') GROUP BY bal.sku_id, bal.state"
	    " ORDER BY bal.sku_id, CASE bal.state WHEN 'reserved' THEN 0 WHEN 'picked' THEN 1"
	    " ELSE 2 END";
	const char *ref = a->order;
	struct wf_shipment_in in;
	int64_t wh[32], cost = 0, open;
	size_t nwh = 0, w;
	wf_stmt *st;
	int has_cost = 0, rc;

	if (a->cost) {
		if (wf_money_parse(a->cost, o->i.currency, &cost) != 0 || cost < 0)
			return wf_error_set(WF_EINPUT, "cost: %s", cost < 0 ?
			    "must not be negative" : wf_error_msg());
		has_cost = 1;
	}
	if ((rc = wf_db_stmt(db, &st, whs)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	while ((rc = wf_db_step(db, st)) == 1 && nwh < sizeof wh / sizeof wh[0])
		wh[nwh++] = wf_col_int(st, 0);
	if (rc == 1)
		wf_stmt_reset(st);
	if (rc < 0)
		return rc;
	if (nwh == 0)
		return wf_error_set(WF_EREFUSED, "order %s holds no stock to ship", ref);
	memset(&in, 0, sizeof in);
	in.order_id = o->i.id;
	in.order = ref;
	in.carrier = a->carrier;
	in.service = a->service;
	in.tracking = a->tracking;
	in.cost = cost;
	in.currency = o->i.currency;
	for (w = 0; w < nwh; w++) {
		struct { int64_t sku, qty; int k; } h[256];
		size_t nh = 0, i;
		char key[WF_KEY_LEN];
		int64_t sid;

		in.wh_id = wh[w];
		in.has_cost = has_cost && w == 0;     /* the cost goes on the first shipment */
		if ((rc = wf_shipment_open(db, &sid, key, &in)) != 0)
			return rc;
		/* the held units, per SKU and state */
		if ((rc = wf_db_stmt(db, &st, held)) != 0)
			return rc;
		wf_bind_text(st, 1, ref);
		wf_bind_int(st, 2, wh[w]);
		while ((rc = wf_db_step(db, st)) == 1 && nh < sizeof h / sizeof h[0]) {
			const char *s = wf_col_text(st, 1);
			h[nh].sku = wf_col_int(st, 0);
			h[nh].qty = wf_col_int(st, 2);
			h[nh++].k = s[0] == 'r' ? 0 : s[1] == 'i' ? 1 : 2;
		}
		if (rc == 1)
			wf_stmt_reset(st);
		if (rc < 0)
			return rc;
		for (i = 0; i < nh; i++) {
			int64_t left;
			/* small warehouses skip steps: do them */
			if (h[i].k == 0 && (rc = wf_stock_advance(db, h[i].sku, wh[w], ref, h[i].qty,
			    "reserved", "picked", "pick", ref)) != 0)
				return rc;
			if (h[i].k <= 1 && (rc = wf_stock_advance(db, h[i].sku, wh[w], ref, h[i].qty,
			    "picked", "packed", "pack", ref)) != 0)
				return rc;
			if ((rc = wf_stock_advance(db, h[i].sku, wh[w], ref, h[i].qty, "packed",
			    "shipped", "ship", key)) != 0)
				return rc;
			/* the units go to the SKU's lines, and into the shipment */
			if ((rc = wf_order_spread(db, &left, o->i.id, h[i].sku, h[i].qty,
			    WF_ORDER_SHIPPED, ship_line, &sid)) != 0)
				return rc;
			if (left > 0)
				return wf_error_set(WF_EINTERNAL,
				    "order %s held %lld more units than its lines need", ref,
				    (long long)left);
		}
		if ((rc = wf_shipment_ship(db, sid, key)) != 0)
			return rc;
		if (out && (rc = wf_shipment_emit(db, sid, out)) != 0)
			return rc;
	}
	/* every line shipped: the order is */
	if ((rc = wf_order_lines_open(db, &open, o->i.id, WF_ORDER_SHIPPED)) != 0)
		return rc;
	if (open != 0)
		return wf_error_set(WF_EREFUSED,
		    "order %s: %lld line(s) were not held in full and cannot ship", ref,
		    (long long)open);
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
	rc = wf_order_reserve(db, &k, &leg, 1, d);
	free(u);
	return rc ? rc : wf_order_clear(db, a->order, "unroutable", "reserved by hand");
}

static int
act_pick(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	return advance_all(db, a->order, o->i.id, "reserved", "picked", "pick", NULL);
}

static int
act_pack(wf_db *db, const struct wf_order_row *o, const struct wf_order_action *a,
    wf_out *out)
{
	return advance_all(db, a->order, o->i.id, "picked", "packed", "pack", NULL);
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
	if ((rc = release_held(db, a->order, d)) != 0) {
		cJSON_Delete(d);
		return rc;
	}
	if ((rc = wf_order_cancel(db, a->order, o->i.id, a->reason, d)) != 0)
		return rc;
	return wf_order_clear_all(db, a->order, "the order was cancelled");
}

/* The fields of struct wf_order_action an action takes. */
#define F_WAREHOUSE 0x01u
#define F_CARRIER   0x02u
#define F_SERVICE   0x04u
#define F_TRACKING  0x08u
#define F_COST      0x10u
#define F_REASON    0x20u

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
	default:          return a->reason;
	}
}

#define APPLIES 0x1             /* the handler applies the transition itself */

static const struct action {
	const char *name;       /* the action, as the order machine names it */
	unsigned    takes;      /* the fields it reads */
	unsigned    needs;      /* those it cannot do without */
	act_fn     *fn;         /* NULL: the transition alone */
	unsigned    flags;
} actions[] = {
	{ "reserve", F_WAREHOUSE, F_WAREHOUSE, act_reserve, APPLIES },
	{ "pick",    0, 0, act_pick, 0 },
	{ "pack",    0, 0, act_pack, 0 },
	{ "ship",    F_CARRIER | F_SERVICE | F_TRACKING | F_COST, F_CARRIER, act_ship, 0 },
	{ "deliver", 0, 0, act_deliver, 0 },
	{ "close",   0, 0, NULL, 0 },
	{ "hold",    F_REASON, F_REASON, act_hold, APPLIES },
	{ "release", 0, 0, act_release, APPLIES },
	{ "cancel",  F_REASON, F_REASON, act_cancel, APPLIES },
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
		if (v && f->max && (rc = wf_text_check(f->name, v, f->max)) != 0)
			return rc;
	}
	return 0;
}

/* "action: expected reserve, pick, ... or cancel, got 'X'". */
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
	const struct wf_machine *m = wf_machine_find("order");
	const struct action *t = NULL;
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
		return (rc = wf_state_check(m, a->order, o.i.state, a->action)) != 0 ? rc :
		    unknown_action(a->action);
	if ((rc = check_fields(t, a)) != 0 ||
	    (rc = wf_state_check(m, a->order, o.i.state, t->name)) != 0)
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
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = act(db, a, out)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_order_apply_line(wf_db *db, const struct wf_line *l, void *unused)
{
	static const char *const known[] = {
		"type", "order", "action", "warehouse", "carrier", "service", "tracking",
		"cost", "reason", NULL
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
	    (rc = wf_jget_str(l->at, l->obj, "reason", 0, 500, &a.reason)) < 0)
		return rc;
	return wf_order_act(db, &a, wf_db_out(db));
}
