/*
 * wf_promise.h - promises: units of an order counted against
 * available-to-promise (ATP) before any stock is reserved for it.
 *
 * A promise is not a table of its own: it is what the order's records
 * already say (promise.c explains why).  An order is promised while it is
 * in state promised, or on hold from there; its route leg (order_route,
 * written by wf_order_promise(), wf_order.h) names the warehouse and the
 * promise date, and its lines the units (qty - qty_shipped).  So a promise
 * is released by every transition out of promised (reserve, unpromise,
 * cancel) with nothing to keep in step, and `wf check` has nothing new to
 * verify.
 *
 * ATP of a SKU at a warehouse is available (free on hand in usable bins,
 * wf_stock_available) less the units promised there.  Promising and
 * reserving never take units promised to another order: both check ATP
 * inside their write transaction (BEGIN IMMEDIATE), so two processes
 * promising the last unit cannot both win.
 *
 * Everything here runs in the caller's transaction.
 */
#ifndef WF_PROMISE_H
#define WF_PROMISE_H

#include <stddef.h>
#include <stdint.h>

#include "wf_db.h"
#include "wf_order.h"

/* *qty: the units of SKU_ID promised at warehouse WH_ID (0: every
 * warehouse) to orders other than EXCEPT (0: none).  Returns 0 or a
 * database error. */
int wf_promise_units(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id,
    int64_t except);

/* *wh_id: the warehouse order ORDER_ID is promised at (0: it is not
 * promised).  Returns 0 or a database error. */
int wf_promise_warehouse(wf_db *db, int64_t *wh_id, int64_t order_id);

/* As wf_promise_units(), by codes: SKU's units promised at warehouse WH
 * (NULL: every warehouse).  Unknown codes promise nothing.  Returns 0 or a
 * database error. */
int wf_promise_units_code(wf_db *db, int64_t *qty, const char *sku, const char *wh);

struct wf_stock_cache;

/* Whether order ORDER_ID (key REF) may take LEGS' units: each unit's SKU
 * has that many available to promise at its leg's warehouse, not counting
 * what ORDER_ID itself has promised.  RESERVING (the caller reserves
 * next, wf_stock_reserve) passes a unit short of available stock itself,
 * which the reservation refuses in its own words.  Returns 0, WF_EREFUSED naming the
 * first SKU short ("order REF: MUG-1 at BER: 2 available to promise (5
 * available, 3 promised to other orders), 4 needed"; without "order REF: "
 * when REF is NULL), or a database error. */
int wf_promise_check(wf_db *db, int64_t order_id, const char *ref,
    const struct wf_order_leg *legs, size_t nlegs, int reserving);

/* wf_promise_check(), reading available stock from C, the caller's cache
 * of free bins (wf_stock_cache.h; NULL: from the database). */
int wf_promise_check_cache(wf_db *db, struct wf_stock_cache *c, int64_t order_id,
    const char *ref, const struct wf_order_leg *legs, size_t nlegs, int reserving);

/* A promise that can no longer be kept: for one SKU of a promised order,
 * the units promised at its warehouse by this order and those promised
 * before it (promise order: earliest promise date first, undated last,
 * then the order placed first) exceed what is available now plus what
 * open PO lines bring there by the promise's date (a PO line counts on its
 * confirmed date, else its expected date, when that day is not past and
 * not after the promise's day; an undated promise counts on stock alone). */
struct wf_promise_risk {
	char    ref[176], sku[72], warehouse[33];
	int64_t order_id;
	int     has_promise;
	int64_t promise;        /* the leg's promise, else the order's promise_by */
	int64_t needed;         /* promised up to and including this order */
	int64_t available;      /* available now */
	int64_t inbound;        /* on open PO lines by the promise's day */
	int     po_slipped;     /* an open PO line there lands after that day,
	                           or is overdue: the PO it counts on slipped */
};

/* The promises at risk into *out (the caller frees it) and *n, one per
 * order (its first SKU short, by SKU code, then warehouse code), sorted by
 * order key.  Memory holds one SKU and warehouse's promised orders at a
 * time and the orders at risk, not every promised order.  Returns 0 or an
 * error. */
int wf_promise_risks(wf_db *db, struct wf_promise_risk **out, size_t *n);

#endif
