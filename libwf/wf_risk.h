/*
 * wf_risk.h - stock risk per SKU and warehouse: demand, lead time, safety
 * stock, a day-by-day projection and the orders it cannot meet, as of the
 * clock ($WF_NOW).  Read-only: nothing here writes.
 *
 * Days are UTC calendar days; day 0 is the clock's date.  Every number is
 * derived from the ledger and the open records of the other modules:
 *
 *   available    free on-hand units in usable bins (active, of kind pick,
 *                bulk, inbound or returns), as `wf-stock levels` counts them.
 *   waiting      units of open order lines not yet holding stock (orders
 *                new or promised, or on hold from one of those), each due
 *                on its promise date (the order's promise_by, else its
 *                route's promise), day 0 when it has none or it has passed.
 *                An order with a route leg counts at that leg's warehouse;
 *                one without counts where routing would look first: the
 *                warehouse with the most available units of the SKU (then
 *                the lowest code).
 *   promised     the part of waiting promised to orders (state promised,
 *                or on hold from there: wf_promise.h) at the warehouse;
 *                atp = available - promised, what is left to promise.
 *   on order     open units of PO lines of sent, confirmed and partially
 *                received POs, due on the date the supplier confirmed, else
 *                the expected date.  A line whose date is before day 0 is
 *                overdue: counted in overdue_on_order, never as arriving.
 *                Lines of POs still unconfirmed (sent) are also counted in
 *                unconfirmed_on_order.
 *   position     available + on order (overdue included) - waiting.
 *   demand       units shipped per day from the warehouse over the WINDOW
 *                days before day 0, counting only in-stock days: a day that
 *                began with units available, or on which units shipped.  A
 *                day that began with nothing available and shipped nothing
 *                says nothing about demand.  Fewer than 14 in-stock days is
 *                no history: the forecast is not used (demand 0 in the
 *                numbers below), only the orders are.  Its standard
 *                deviation divides by n - 1.  A SKU that is not active
 *                (discontinued, blocked) has no forecast either.
 *   lead time    measured: the supplier's receipts of the last 365 days, one
 *                observation per PO and day of receipt, from the PO's
 *                sending to its first receipt that day; else the SKU's
 *                lead_time_days; else the supplier's stated one.  Its
 *                variation is the measured standard deviation (0 unless
 *                measured twice or more).  The supplier is the SKU's latest
 *                PO line's (cancelled POs aside).
 *   safety stock safety_days x demand when the SKU sets safety_days, else
 *                z * sqrt(LT * sd_d^2 + d^2 * sd_LT^2) at the service level.
 *   reorder pt   d * LT + safety stock.
 *
 * Rounding, one way: each statistic (demand and its deviation, lead time
 * and its deviation) is computed in floating point and rounded half away
 * from zero to the places it is printed with (demand 0.01 unit, lead time
 * 0.1 day); everything after is computed from those rounded values in
 * integers, so a reader can redo it by hand from the printed numbers.
 * Unit quantities derived from them (safety stock, reorder point) are
 * rounded up to whole units; cover_days half away from zero to 0.1 day.
 *
 * The projection, in hundredths of units: E(k) = 100 * (available +
 * receipts due by day k - waiting due by day k) - d100 * k, where d100 is
 * the demand in hundredths (demand runs from day 1: day 0's is in the
 * ledger already).  The SKU runs out on the first day k with E(k) < 0, or
 * E(k) = 0 while there is demand (nothing is left for the next day),
 * looked for over 3650 days.
 *
 * Orders short: available, then the receipts by date, go to the waiting
 * lines in promise order (then order, then line), each line taking its
 * whole quantity in turn; a line is short by what has not arrived by its
 * promise date.
 *
 * Ownership: a struct wf_risk and its strings are valid only during the
 * callback that receives it.
 */
#ifndef WF_RISK_H
#define WF_RISK_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "wf_db.h"
#include "wf_out.h"

#define WF_RISK_DEFAULT_WINDOW    56      /* days of demand history */
#define WF_RISK_DEFAULT_SERVICE   9500    /* service level, hundredths of a percent */
#define WF_RISK_DEFAULT_OVERSTOCK 180     /* days of cover past which stock is too much */
#define WF_RISK_MIN_HISTORY 14      /* in-stock days below which there is no history */
#define WF_RISK_HORIZON     3650    /* days the projection looks ahead */
#define WF_RISK_RECEIPT_DAYS 365    /* days of receipts that measure a lead time */
#define WF_RISK_UNKNOWN_LEAD 14     /* days a reorder quantity covers when no lead
                                       time is known (a new supplier's default) */

/* The statuses, most urgent first; the first six are the stock-risk
 * exception kinds of `wf-alert scan`. */
enum wf_risk_status {
	WF_RISK_STOCKOUT_NOW,
	WF_RISK_STOCKOUT_BEFORE_PO,
	WF_RISK_ORDER_BY_PASSED,
	WF_RISK_BELOW_REORDER_POINT,
	WF_RISK_ORDERS_SHORT,
	WF_RISK_OVERSTOCK,
	WF_RISK_OK,
	WF_RISK_NO_HISTORY
};
#define WF_RISK_NKINDS 6

/* The status's name: "stockout_now" ... "no_history". */
const char *wf_risk_status_name(int status);

struct wf_risk_opts {
	const char *sku;             /* NULL: every SKU */
	const char *warehouse;       /* NULL: every warehouse */
	int64_t     window_days;     /* 1-365 */
	int64_t     service_bp;      /* 5000-9999: 50.00% to 99.99% */
	int64_t     overstock_days;  /* 1-3650 */
};

/* Fill O with the defaults (every SKU and warehouse). */
void wf_risk_defaults(struct wf_risk_opts *o);

/* Parse a service level "95", "97.5" or "99.95" (percent, at most two
 * places, from 50 to 99.99) into hundredths of a percent.  Returns 0 or
 * WF_EUSAGE naming --service-level. */
int wf_risk_parse_service(const char *s, int64_t *bp);

/* One SKU at one warehouse.  Quantities are units; d100 and sd100 are
 * hundredths of a unit per day, lt10 and ltsd10 tenths of a day, cover10
 * tenths of a day; days are days since 1970-01-01 (UTC). */
struct wf_risk {
	int64_t     sku_id, wh_id;
	const char *sku, *warehouse, *currency;
	const char *sku_state;
	int64_t     available, waiting, on_order, unconfirmed_on_order, overdue_on_order;
	int64_t     promised;                /* of waiting: promised units */
	int64_t     position;
	int64_t     d100, sd100;             /* as measured (printed) */
	int64_t     demand_days, in_stock_days;
	int         no_history;              /* the forecast is not used */
	int64_t     d_used;                  /* d100 in the numbers: 0 without history */
	const char *supplier;                /* code, or NULL when none is known */
	int         has_lead_time;
	int64_t     lt10, ltsd10;
	const char *lt_source;               /* "measured", "sku", "supplier" or NULL */
	int64_t     safety_stock, reorder_point;
	int         has_cover;
	int64_t     cover10;
	int64_t     today;
	int         has_stockout, has_next_receipt, has_order_by;
	int64_t     stockout_day, next_receipt_day, order_by_day;
	int64_t     next_po, overdue_po;     /* PO ids, 0 when none */
	int64_t     orders_short, units_short, revenue_at_risk;
	int64_t     first_short_day;         /* the promise of the first short line */
	int         status;                  /* the first kind that holds, or ok/no_history */
	unsigned    holds;                   /* bit K: kind K holds */
	/* What the scan's hysteresis measures, in hundredths of a unit (E):
	 * now0 available after the orders due today; low_before the lowest of
	 * E before the next receipt (all 3650 days when none is dated);
	 * low_lead the lowest of E before a new order could land (day 0 to
	 * ceil(LT) - 1; INT64_MAX when LT is 0); slack the least a waiting line
	 * has to spare at its promise (units; INT64_MAX without lines). */
	int64_t     now0, low_before, low_lead, slack;
	int64_t     order_qty;               /* what restores the position to the reorder
	                                        point plus a lead time of demand (two
	                                        weeks when none is known), >= 1 */
	int         demand;                  /* something wants it: d > 0 or waiting > 0 */
};

/* Call FN for every SKU and warehouse with stock (in any state), movements
 * in the window, waiting orders or units on order -- with both a SKU and a
 * warehouse in O, for that one even with nothing -- in SKU code then
 * warehouse code order.  FN's nonzero return stops the walk and is
 * returned.  The rows are read one SKU at a time as the walk goes, in the
 * caller's transaction or in a read transaction of its own that lasts the
 * walk: FN must not write unless the caller holds a write transaction
 * (the scan keeps what it will write and writes after the walk).  The
 * walk reads through SQLite's small cache (wf_db_cache, WF_CACHE_WALK)
 * and leaves DB with a batch's.  Returns 0, WF_ENOTFOUND for an unknown SKU
 * or warehouse in O, WF_EUSAGE for an option out of range, FN's code, or
 * an error. */
typedef int (*wf_risk_fn)(const struct wf_risk *r, void *arg);
int wf_risk_each(wf_db *db, const struct wf_risk_opts *o, wf_risk_fn fn, void *arg);

/* `wf-alert risk`: emit one {"type":"risk",...} record per line of
 * wf_risk_each().  Returns as it does, or an output error. */
int wf_risk_list(wf_db *db, const struct wf_risk_opts *o, wf_out *out);

/* The risk record of R ({"type":"risk","sku":..,...,"status":..}); NULL
 * when out of memory.  The caller frees it. */
cJSON *wf_risk_record(const struct wf_risk *r);

/* ---- the arithmetic, for the scan and the unit tests ---------------------- */

/* X rounded half away from zero to an integer (saturating). */
int64_t wf_risk_round(double x);

/* The standard normal quantile: z with P(Z <= z) = P, for 0 < P < 1
 * (Acklam's rational approximation, relative error under 1.2e-9).
 * wf_risk_z(0.95) = 1.6449. */
double wf_risk_z(double p);

/* Mean and standard deviation (n - 1) of N values; sd 0 when N < 2, both 0
 * when N is 0. */
void wf_risk_stats(const double *v, size_t n, double *mean, double *sd);

/* Safety stock in whole units (rounded up): SAFETY_DAYS * d when it is
 * positive, else z * sqrt(LT * sd_d^2 + d^2 * sd_LT^2), from the rounded
 * statistics (d100, sd100 hundredths of a unit a day; lt10, ltsd10 tenths
 * of a day) and SERVICE_BP hundredths of a percent. */
int64_t wf_risk_safety_stock(int64_t d100, int64_t sd100, int64_t lt10, int64_t ltsd10,
    int64_t service_bp, int64_t safety_days);

/* A day's change of the position: +QTY on day DAY (receipts), -QTY (orders
 * due). */
struct wf_risk_event {
	int64_t day;                 /* 0 = today; >= 0 */
	int64_t qty;                 /* signed units */
};

/* The projection E(k) of the comment above over EVENTS (N of them, sorted
 * by day) from AVAILABLE units at demand D100.  wf_risk_first_out: the
 * first day (0..HORIZON) with E < 0, or E = 0 and D100 > 0; -1 when none.
 * wf_risk_lowest: the lowest E(k), in hundredths, for FROM <= k <= TO
 * (INT64_MAX when the range is empty). */
int64_t wf_risk_first_out(const struct wf_risk_event *ev, size_t n, int64_t available,
    int64_t d100, int64_t horizon);
int64_t wf_risk_lowest(const struct wf_risk_event *ev, size_t n, int64_t available,
    int64_t d100, int64_t from, int64_t to);

/* Orders short.  LINES (N, sorted by promise) take AVAILABLE and then the
 * receipts RC (NR, sorted by day) in turn: line i is short by
 * clamp(q1 + ... + qi - supply by its day, 0, qi).  short_qty receives each
 * line's shortfall; the return value is the least spare any line has
 * (supply by its day - q1 - ... - qi), INT64_MAX when N is 0. */
struct wf_risk_line {
	int64_t day;                 /* promise, 0 = today */
	int64_t qty;
	int64_t short_qty;           /* out */
};
int64_t wf_risk_allocate(struct wf_risk_line *lines, size_t n, int64_t available,
    const struct wf_risk_event *rc, size_t nr);

#endif
