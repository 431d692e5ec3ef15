/* route_apply.c - applying routing's decisions, and the invariants that
 * check what it left.  A routed order is reserved, and keeps its legs,
 * through wf_order_reserve (or, with --promise, promised through
 * wf_order_promise); an unroutable one is held through
 * wf_order_hold, and what blocks it goes to route_block.c, which keeps one
 * "unroutable" exception per SKU and warehouse (or warehouse and reason)
 * that blocks orders.  Routing applies no order transition itself.
 *
 * reads: orders, order_route, held, bin, warehouse, shipment
 */
#include <stdlib.h>
#include <string.h>

#include "route_priv.h"
#include "wf_check.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_json.h"
#include "wf_order.h"
#include "wf_record.h"
#include "wf_time.h"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- applying ------------------------------------------------------------------------ */

/* The order as the order module's calls take it. */
static struct wf_order_key
key_of(const struct order *o)
{
	struct wf_order_key k;

	k.id = o->id;
	k.ref = o->ref;
	k.state = o->state;
	k.hold_reason = o->hold_reason;
	return k;
}

/* The reserve event's data: the policy, and the route or the legs. */
static cJSON *
reserve_data(const struct run *r)
{
	const struct decision *d = &r->d;
	cJSON *data = cJSON_CreateObject(), *legs;
	int rc;

	if (data == NULL || wf_jadd_str(data, "policy", wf_route_policy_name(r->o->policy)))
		goto fail;
	if (d->nlegs == 1) {
		const struct wh *w = &r->wh[d->legs[0].w];
		rc = wf_jadd_str(data, "warehouse", w->code);
		rc |= wf_jadd_str(data, "carrier", w->svc[d->legs[0].s].carrier);
		rc |= wf_jadd_str(data, "service", w->svc[d->legs[0].s].service);
		rc |= wf_jadd_time(data, "ship_by", d->legs[0].ship_by);
		rc |= wf_jadd_time(data, "promise", d->legs[0].promise);
		if (rc)
			goto fail;
	} else if ((legs = wf_route_legs_json(r)) == NULL || wf_jadd_item(data, "legs", legs))
		goto fail;
	return data;
fail:
	cJSON_Delete(data);
	return NULL;
}

/* The ids, carriers and units of the decision's legs into LEGS (the units
 * in the run's buffer: nothing is allocated per order), and where they go
 * as text into NOTE. */
static int
legs_of(struct run *r, struct wf_order_leg legs[WF_ROUTE_MAX_LEGS], wf_buf *note)
{
	const struct order *o = &r->ord;
	const struct decision *d = &r->d;
	struct wf_order_units *u = r->units;
	size_t i;
	int k, rc = 0;

	for (k = 0; k < d->nlegs; k++) {
		const struct wh *w = &r->wh[d->legs[k].w];
		const struct svc *s = &w->svc[d->legs[k].s];
		struct wf_order_leg *g = &legs[k];

		g->wh_id = w->id;
		g->units = u;
		g->nunits = 0;
		for (i = 0; i < o->nlines; i++) {
			int64_t q = d->alloc[(size_t)k * o->nlines + i];
			if (q > 0) {
				u->sku_id = o->lines[i].sku_id;
				(u++)->qty = q;
				g->nunits++;
			}
		}
		g->carrier = s->carrier;
		g->service = s->service;
		g->currency = s->currency;
		g->ship_by = d->legs[k].ship_by;
		g->promise = d->legs[k].promise;
		g->cost = d->legs[k].cost;
		rc |= wf_buf_addf(note, "%s%s via %s/%s", k ? ", " : "", w->code, s->carrier,
		    s->service);
	}
	return rc ? oom() : 0;
}

int
wf_route_apply_routed(struct run *r)
{
	struct order *o = &r->ord;
	const struct decision *d = &r->d;
	struct wf_order_leg legs[WF_ROUTE_MAX_LEGS];
	struct wf_order_key k = key_of(o);
	wf_buf note = {0}, msg = {0};
	cJSON *data;
	int rc;

	if ((rc = legs_of(r, legs, &note)) != 0)
		goto out;
	/* an order held as unroutable comes off its hold first */
	if (strcmp(o->state, "on_hold") == 0 &&
	    (rc = wf_order_release(r->db, &k.state, &k, "routed")) != 0)
		goto out;
	if ((data = reserve_data(r)) == NULL) {
		rc = oom();
		goto out;
	}
	/* decided under the write lock: stock that is not there is this
	 * code's failure, not the order's */
	if ((rc = r->o->promise ? wf_order_promise(r->db, &k, legs, data) :
	    wf_order_reserve(r->db, r->stock, &k, legs, (size_t)d->nlegs, data)) != 0) {
		if (rc == WF_EREFUSED)
			rc = wf_error_set(WF_EINTERNAL,
			    "routing %s: the stock is not what was decided on: %s", o->ref,
			    wf_error_msg());
		goto out;
	}
	if (wf_buf_addf(&msg, "%s to %s", d->nlegs > 1 ? "split" : "routed", note.p)) {
		rc = oom();
		goto out;
	}
	rc = wf_route_block_routed(r, msg.p);
out:
	wf_buf_free(&note);
	wf_buf_free(&msg);
	return rc;
}

int
wf_route_apply_unroutable(struct run *r, char key[WF_EXCEPTION_KEYLEN])
{
	struct order *o = &r->ord;
	struct wf_order_key k = key_of(o);
	wf_buf why = {0};
	size_t i;
	int rc = 0, n = 0;

	rc |= wf_buf_adds(&why, WF_EX_UNROUTABLE ": ");
	for (i = 0; i < WF_ROUTE_NREASONS; i++)
		if (r->d.reasons & wf_route_reason_bits[i])
			rc |= wf_buf_addf(&why, "%s%s", n++ ? ", " : "",
			    wf_route_reason(wf_route_reason_bits[i]));
	if (rc) {
		rc = oom();
		goto out;
	}
	/* a promised order keeps its leg: its promise stands, at risk */
	if ((!wf_route_promised(o) && (rc = wf_order_route_clear(r->db, o->id)) != 0) ||
	    (rc = wf_order_hold(r->db, &k, why.p)) != 0)
		goto out;
	rc = wf_route_block_held(r, key);
out:
	wf_buf_free(&why);
	return rc;
}

/* ---- invariants ---------------------------------------------------------------------- */

/* A routed order holds its stock exactly where its legs are: every
 * warehouse holding stock for it has a leg, and every leg holds some or
 * has shipped (a split order's first leg to ship leaves its route row, the
 * carrier it went with, while the other legs wait). */
static int
legs_match_stock(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "WITH o AS (SELECT id, ref FROM orders WHERE (CASE WHEN state = 'on_hold'"
	    "  THEN held_from ELSE state END) IN ('reserved','picked','packed')"
	    "  AND EXISTS (SELECT 1 FROM order_route r WHERE r.order_id = orders.id)),"
	    " hw AS (SELECT DISTINCT o.id, b.warehouse_id FROM o JOIN held bal"
	    "  ON bal.holder = o.ref AND bal.state IN ('reserved','picked','packed')"
	    "  JOIN bin b ON b.id = bal.bin_id),"
	    " legs AS (SELECT r.order_id id, r.warehouse_id FROM order_route r"
	    "  JOIN o ON o.id = r.order_id),"
	    " x AS (SELECT id, warehouse_id FROM hw UNION SELECT id, warehouse_id FROM legs)"
	    " SELECT o.ref, CASE WHEN h.id IS NOT NULL"
	    "  THEN 'stock held at ' || w.code || ', where the order has no leg'"
	    "  ELSE 'a leg at ' || w.code || ', which holds none of its stock' END FROM x"
	    " JOIN o ON o.id = x.id JOIN warehouse w ON w.id = x.warehouse_id"
	    " LEFT JOIN hw h ON h.id = x.id AND h.warehouse_id = x.warehouse_id"
	    " LEFT JOIN legs l ON l.id = x.id AND l.warehouse_id = x.warehouse_id"
	    " WHERE l.id IS NULL OR (h.id IS NULL AND NOT EXISTS (SELECT 1 FROM shipment s"
	    "  WHERE s.order_id = x.id AND s.warehouse_id = x.warehouse_id"
	    "  AND s.state NOT IN ('planned', 'picked', 'packed')))"
	    " ORDER BY o.ref, w.code";

	return wf_check_rows(db, out, n, "route.legs", "order", sql);
}

static int
day_over(wf_out *out, long long *n, const char *code, int64_t z, int64_t count,
    int64_t cap)
{
	char date[11];
	int64_t y;
	unsigned m, d;

	if (count <= cap)
		return 0;
	wf_civil_from_days(z, &y, &m, &d);
	snprintf(date, sizeof date, "%04lld-%02u-%02u", (long long)y, m, d);
	return wf_check_violation(out, n, "route.capacity", "warehouse", code,
	    "%lld orders ship on %s, capacity %lld orders a day (was it lowered after routing?)",
	    (long long)count, date, (long long)cap);
}

/* No warehouse ships more orders on a day, today or later in its time zone,
 * than its capacity now allows. */
static int
capacity_kept(wf_db *db, wf_out *out, long long *n)
{
	static const char whs[] =
	    "SELECT id, code, timezone, capacity FROM warehouse WHERE capacity IS NOT NULL"
	    " AND code > ?1 ORDER BY code LIMIT 64";
	/* the legs of orders not cancelled, as routing counts them */
	static const char legs[] =
	    "SELECT r.ship_by FROM order_route r"
	    " WHERE r.warehouse_id = ?1 AND r.ship_by >= ?2 AND " ROUTE_LEG_LIVE
	    " ORDER BY r.ship_by";
	struct { int64_t id, cap; char code[33], tz[72]; } w[64];
	char after[33] = "";
	wf_stmt *st;
	size_t nw, i;
	int rc;

next:   /* every warehouse, 64 at a time */
	nw = 0;
	if ((rc = wf_db_stmt(db, &st, whs)) != 0)
		return rc;
	wf_bind_text(st, 1, after);
	while ((rc = wf_db_step(db, st)) == 1 && nw < sizeof w / sizeof w[0]) {
		w[nw].id = wf_col_int(st, 0);
		wf_strlcpy(w[nw].code, wf_col_text(st, 1), sizeof w[nw].code);
		wf_strlcpy(w[nw].tz, wf_col_text(st, 2), sizeof w[nw].tz);
		w[nw++].cap = wf_col_int(st, 3);
	}
	if (rc == 1)
		wf_stmt_reset(st);
	if (rc < 0)
		return rc;
	for (i = 0; i < nw; i++) {
		struct wf_local l;
		int64_t start, end = 0, count = 0, z;

		if (wf_time_local(wf_db_now(db), w[i].tz, &l) != 0)
			continue;       /* a zone this machine does not know */
		z = wf_days_from_civil(l.year, l.month, l.day);
		if (wf_route_day_start(w[i].tz, z, &start, NULL) != 0)
			continue;
		if ((rc = wf_db_stmt(db, &st, legs)) != 0)
			return rc;
		wf_bind_int(st, 1, w[i].id);
		wf_bind_time(st, 2, start);
		while ((rc = wf_db_step(db, st)) == 1) {
			int64_t t;
			if (wf_time_parse(wf_col_text(st, 0), &t) != 0)
				continue;
			if (count == 0 || t >= end) {
				if (count && (rc = day_over(out, n, w[i].code, z, count, w[i].cap)) != 0)
					break;
				if (wf_time_local(t, w[i].tz, &l) != 0 ||
				    wf_route_day_start(w[i].tz, z = wf_days_from_civil(l.year, l.month, l.day),
				    &start, NULL) != 0 || wf_route_day_start(w[i].tz, z + 1, &end, NULL) != 0) {
					rc = wf_error_set(WF_EINTERNAL, "warehouse %s: %s", w[i].code,
					    wf_error_msg());
					break;
				}
				count = 0;
			}
			count++;
		}
		if (rc == 1 || rc == 0) {
			wf_stmt_reset(st);
			rc = count ? day_over(out, n, w[i].code, z, count, w[i].cap) : 0;
		}
		if (rc != 0)
			return rc;
	}
	if (nw == sizeof w / sizeof w[0]) {
		wf_strlcpy(after, w[nw - 1].code, sizeof after);
		goto next;
	}
	return 0;
}

const struct wf_invariant wf_route_invariants[] = {
	{ "route.legs", "a routed order holds its stock exactly where its legs are",
	  legs_match_stock },
	{ "route.capacity", "no warehouse ships more orders on a day (today or later) than its "
	  "capacity", capacity_kept },
	{ NULL, NULL, NULL }
};

/* Routes: legs of orders (order_route), checked against the warehouses'
 * capacity; no history type of their own (a route is an order's event). */
const struct wf_record_type wf_record_route = {
	.type = "route",
	.table = "order_route",
	.invariants = wf_route_invariants,
	.flags = WF_RECORD_NOHISTORY,
};
