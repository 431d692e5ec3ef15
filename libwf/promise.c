/* promise.c - available-to-promise (wf_promise.h): the units promised per
 * SKU and warehouse, the check that promising and reserving take no unit
 * promised to another order, and the promises that can no longer be kept.
 *
 * Promised quantities are derived, not stored: an order in state promised
 * (or on hold from there) promises its lines' open units at its route
 * leg's warehouse.  A table of promise lines would have to be written with
 * the promise and released by every path out of promised (reserve,
 * unpromise, cancel, a channel's cancel, a hold then cancel...), each a
 * chance to leave units promised forever; derived from the order's state
 * they are released by the transition itself.  One leg per promise: a
 * promise is never split.
 *
 * reads: orders, order_line, order_route, sku, warehouse, po, po_line
 */
#include <stdlib.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_promise.h"
#include "wf_stock.h"
#include "wf_stock_cache.h"
#include "wf_time.h"

/* Driven by the orders' indexes, state and held_from (orders_state,
 * orders_held): few orders are promised or held from promised, while a SKU
 * may have every order line ever (hence the unary + on l.sku_id, which
 * keeps the planner off the SKU index) and a shop many orders held for
 * other reasons (test/plans.bats). */
#define PROMISED "(o.state = 'promised' OR (o.state = 'on_hold' AND o.held_from = 'promised'))"
#define PROMISED_FROM \
	" FROM orders o JOIN order_route r ON r.order_id = o.id" \
	" JOIN order_line l ON l.order_id = o.id"

int
wf_promise_units(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id, int64_t except)
{
	static const char sql[] =
	    "SELECT coalesce(sum(l.qty - l.qty_shipped), 0)" PROMISED_FROM
	    " WHERE " PROMISED " AND +l.sku_id = ?1 AND (?2 = 0 OR r.warehouse_id = ?2)"
	    " AND o.id <> ?3";
	wf_stmt *st;
	int rc;

	*qty = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, wh_id);
	wf_bind_int(st, 3, except);
	if ((rc = wf_db_step(db, st)) == 1) {
		*qty = wf_col_int(st, 0);
		wf_stmt_reset(st);
		return 0;
	}
	return rc;
}

int
wf_promise_warehouse(wf_db *db, int64_t *wh_id, int64_t order_id)
{
	static const char sql[] =
	    "SELECT r.warehouse_id FROM orders o JOIN order_route r ON r.order_id = o.id"
	    " WHERE o.id = ?1 AND " PROMISED " ORDER BY r.warehouse_id LIMIT 1";
	wf_stmt *st;
	int rc;

	*wh_id = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		*wh_id = wf_col_int(st, 0);
		wf_stmt_reset(st);
		return 0;
	}
	return rc;
}

int
wf_promise_units_code(wf_db *db, int64_t *qty, const char *sku, const char *wh)
{
	static const char sql[] =
	    "SELECT (SELECT id FROM sku WHERE code = ?1),"
	    " (SELECT id FROM warehouse WHERE code = ?2)";
	wf_stmt *st;
	int64_t sku_id, wh_id;
	int rc;

	*qty = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, sku);
	wf_bind_text(st, 2, wh);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "no row");
	sku_id = wf_col_null(st, 0) ? -1 : wf_col_int(st, 0);
	wh_id = wh == NULL ? 0 : wf_col_null(st, 1) ? -1 : wf_col_int(st, 1);
	wf_stmt_reset(st);
	/* an unknown code promises nothing */
	if (sku_id < 0 || wh_id < 0)
		return 0;
	return wf_promise_units(db, qty, sku_id, wh_id, 0);
}

/* The codes of SKU_ID and WH_ID, for a message. */
static int
codes(wf_db *db, int64_t sku_id, int64_t wh_id, char sku[72], char wh[33])
{
	static const char sql[] =
	    "SELECT (SELECT code FROM sku WHERE id = ?1), (SELECT code FROM warehouse WHERE id = ?2)";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, wh_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "no row");
	wf_strlcpy(sku, wf_col_null(st, 0) ? "?" : wf_col_text(st, 0), 72);
	wf_strlcpy(wh, wf_col_null(st, 1) ? "?" : wf_col_text(st, 1), 33);
	wf_stmt_reset(st);
	return 0;
}

int
wf_promise_check(wf_db *db, int64_t order_id, const char *ref,
    const struct wf_order_leg *legs, size_t nlegs, int reserving)
{
	return wf_promise_check_cache(db, NULL, order_id, ref, legs, nlegs, reserving);
}

int
wf_promise_check_cache(wf_db *db, struct wf_stock_cache *c, int64_t order_id, const char *ref,
    const struct wf_order_leg *legs, size_t nlegs, int reserving)
{
	size_t k, i;
	int rc;

	for (k = 0; k < nlegs; k++)
		for (i = 0; i < legs[k].nunits; i++) {
			const struct wf_order_units *u = &legs[k].units[i];
			int64_t avail, promised;
			char sku[72], wh[33];

			if ((rc = wf_stock_cache_available(db, &avail, c, u->sku_id,
			    legs[k].wh_id)) != 0 ||
			    (rc = wf_promise_units(db, &promised, u->sku_id, legs[k].wh_id,
			    order_id)) != 0)
				return rc;
			/* a reservation short of stock itself is the stock's to refuse */
			if (avail - promised >= u->qty || (reserving && avail < u->qty))
				continue;
			if ((rc = codes(db, u->sku_id, legs[k].wh_id, sku, wh)) != 0)
				return rc;
			return wf_error_set(WF_EREFUSED, "%s%s%s%s at %s: %lld available to "
			    "promise (%lld available, %lld promised to other orders), %lld needed",
			    ref ? "order " : "", ref ? ref : "", ref ? ": " : "", sku, wh, (long long)(avail - promised > 0 ? avail - promised : 0),
			    (long long)avail, (long long)promised, (long long)u->qty);
		}
	return 0;
}

/* ---- promises at risk ------------------------------------------------------------ */

struct row {
	struct wf_promise_risk r;
	int64_t sku_id, wh_id, qty;
};

struct po_in {
	char    day[11];
	int64_t qty;
};

/* By order, then SKU and warehouse code: qsort is not stable, and which
 * of an order's SKUs short is kept must not depend on it. */
static int
risk_cmp(const void *a, const void *b)
{
	const struct wf_promise_risk *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);

	if (c == 0)
		c = strcmp(x->sku, y->sku);
	return c ? c : strcmp(x->warehouse, y->warehouse);
}

/* The open PO lines of SKU_ID into WH_ID, by day, into *v (*n of them). */
static int
load_pos(wf_db *db, struct po_in **v, size_t *n, size_t *cap, int64_t sku_id, int64_t wh_id)
{
	static const char sql[] =
	    "SELECT substr(coalesce(p.confirmed_for, p.expected_at), 1, 10),"
	    " l.qty_ordered - l.qty_received - l.qty_cancelled"
	    " FROM po p JOIN po_line l ON l.po_id = p.id"
	    " WHERE l.sku_id = ?1 AND p.warehouse_id = ?2"
	    " AND (p.state = 'sent' OR p.state = 'confirmed' OR p.state = 'partially_received')"
	    " AND l.qty_ordered > l.qty_received + l.qty_cancelled ORDER BY 1";
	wf_stmt *st;
	int rc;

	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, wh_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		if ((rc = wf_grow(v, *n, cap, sizeof **v)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
		wf_strlcpy((*v)[*n].day, wf_col_text(st, 0), sizeof (*v)[*n].day);
		(*v)[*n].qty = wf_col_int(st, 1);
		(*n)++;
	}
	return rc < 0 ? rc : 0;
}

/* Judge the rows [b, e) of one SKU and warehouse, in promise order. */
static int
judge(wf_db *db, struct row *rows, size_t b, size_t e, struct po_in **pos, size_t *cap,
    const char *today)
{
	int64_t avail, cum = 0;
	size_t npo, i, j;
	int rc;

	if ((rc = wf_stock_available(db, &avail, rows[b].sku_id, rows[b].wh_id)) != 0 ||
	    (rc = load_pos(db, pos, &npo, cap, rows[b].sku_id, rows[b].wh_id)) != 0)
		return rc;
	for (i = b; i < e; i++) {
		struct wf_promise_risk *r = &rows[i].r;
		char day[11] = "";
		int64_t in = 0;
		int slipped = 0;

		cum += rows[i].qty;
		if (r->has_promise)
			wf_date_format(r->promise, day);
		for (j = 0; j < npo; j++) {
			const struct po_in *p = &(*pos)[j];
			if (strcmp(p->day, today) < 0 || !r->has_promise || strcmp(p->day, day) > 0)
				slipped = 1;
			else
				in += p->qty;
		}
		r->needed = cum;
		r->available = avail;
		r->inbound = in;
		r->po_slipped = slipped;
		rows[i].qty = cum > avail + in ? 1 : 0;    /* now: at risk */
	}
	return 0;
}

int
wf_promise_risks(wf_db *db, struct wf_promise_risk **out, size_t *n)
{
	/* one row per promised order and SKU, in promise order per SKU and
	 * warehouse */
	static const char sql[] =
	    "SELECT o.id, o.ref, l.sku_id, r.warehouse_id, sum(l.qty - l.qty_shipped),"
	    " coalesce(r.promise, o.promise_by), s.code, w.code" PROMISED_FROM
	    " JOIN sku s ON s.id = l.sku_id JOIN warehouse w ON w.id = r.warehouse_id"
	    " WHERE " PROMISED " GROUP BY o.id, l.sku_id, r.warehouse_id"
	    " HAVING sum(l.qty - l.qty_shipped) > 0"
	    " ORDER BY l.sku_id, r.warehouse_id, coalesce(r.promise, o.promise_by) IS NULL,"
	    " coalesce(r.promise, o.promise_by), o.placed_at, o.id";
	struct row *rows = NULL;
	struct po_in *pos = NULL;
	struct wf_promise_risk *v = NULL;
	size_t nrows = 0, caprows = 0, cappos = 0, nv = 0, capv = 0, i, m = 0;
	char today[11];
	wf_stmt *st;
	int rc, more = 1;

	*out = NULL;
	*n = 0;
	wf_date_format(wf_db_now(db), today);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	/* one SKU and warehouse at a time: memory holds the largest group and
	 * the orders at risk, not every promised order */
	while (more) {
		struct row *x;
		if ((rc = more = wf_db_step(db, st)) < 0)
			goto out;
		if (nrows && (!more || wf_col_int(st, 2) != rows[0].sku_id ||
		    wf_col_int(st, 3) != rows[0].wh_id)) {
			if ((rc = judge(db, rows, 0, nrows, &pos, &cappos, today)) != 0)
				goto out;
			/* keep the rows at risk */
			for (i = 0; i < nrows; i++) {
				if (!rows[i].qty)
					continue;
				if ((rc = wf_grow(&v, nv, &capv, sizeof *v)) != 0)
					goto out;
				v[nv++] = rows[i].r;
			}
			nrows = 0;
		}
		if (!more)
			break;
		if ((rc = wf_grow(&rows, nrows, &caprows, sizeof *rows)) != 0)
			goto out;
		x = &rows[nrows++];
		memset(x, 0, sizeof *x);
		x->r.order_id = wf_col_int(st, 0);
		wf_strlcpy(x->r.ref, wf_col_text(st, 1), sizeof x->r.ref);
		x->sku_id = wf_col_int(st, 2);
		x->wh_id = wf_col_int(st, 3);
		x->qty = wf_col_int(st, 4);
		x->r.has_promise = !wf_col_null(st, 5) &&
		    wf_time_parse(wf_col_text(st, 5), &x->r.promise) == 0;
		wf_strlcpy(x->r.sku, wf_col_text(st, 6), sizeof x->r.sku);
		wf_strlcpy(x->r.warehouse, wf_col_text(st, 7), sizeof x->r.warehouse);
	}
	/* one per order: its first SKU short, by code */
	wf_sort(v, nv, sizeof *v, risk_cmp);
	for (i = 0; i < nv; i++)
		if (m == 0 || strcmp(v[m - 1].ref, v[i].ref) != 0)
			v[m++] = v[i];
	*out = m ? v : NULL;
	*n = m;
	if (m)
		v = NULL;
	rc = 0;
out:
	if (more == 1 && rc != 0)
		wf_stmt_reset(st);
	free(v);
	free(rows);
	free(pos);
	return rc;
}
