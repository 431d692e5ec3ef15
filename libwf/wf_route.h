/*
 * wf_route.h - routing orders to warehouses, and the rules it routes by.
 *
 * Rules (route_rules.c).  A carrier service belongs to one warehouse:
 * carrier, service, a daily cutoff "HH:MM" in the warehouse's own time zone,
 * transit days, a cost in a currency, and the destination countries it
 * covers ("" for every country).  Warehouse time zones and capacities
 * (orders per day) belong to wf-stock; the rules export carries them as
 * "capacity" lines so one file holds everything routing depends on.
 *
 * Deciding (route_decide.c).  For one order every (active warehouse,
 * service of it) is a candidate.  A candidate fails with the first of
 * these that holds:
 *   no_stock     some SKU has less available to promise at the warehouse
 *                (available less what is promised there to other
 *                orders, wf_promise.h) than the order needs
 *   no_service   the service does not cover the ship-to country (an order
 *                without one can use only services that cover every
 *                country), or it is priced in another currency than the
 *                order (there are no exchange rates)
 *   no_capacity  the warehouse has no capacity left on the ship day
 *   late         the promise is after the order's promise_by
 * The ship day is today, in the warehouse's time zone, when the local time
 * is before the cutoff and the warehouse has capacity left today; else
 * tomorrow when it has capacity left then; else there is none.  ship_by is
 * the cutoff on the ship day (as UTC) and the promise is ship_by plus
 * transit days of 24 hours: calendar days, no weekends or holidays.
 * Capacity counts the orders (not cancelled) with a leg at the warehouse
 * whose ship_by falls on that local day, plus those routed earlier in the
 * same run.  A warehouse without services is shown as one candidate
 * failing no_service.  An order with a line whose SKU is unknown is
 * unroutable with reason unknown_sku.
 *
 * The policy picks among the candidates that did not fail: cheapest (lowest
 * shipping cost), fastest (earliest promise) or margin (highest line
 * revenue after discounts - cost of goods - shipping).  Cost of goods is
 * per warehouse: the average unit cost of the SKU's costed receipts into
 * that warehouse (its landed cost), else the SKU's moving average cost,
 * else its cost; without any the margin is unknown and ranks last.  Ties
 * break on the earliest promise, the lowest cost, then warehouse code,
 * carrier and service.
 *
 * Split.  With split, an order no candidate can take whole goes to the
 * fewest warehouses that together hold it: every set of 2, then 3, ... of
 * the warehouses that hold some of it and have a usable service, each
 * using its best usable service by the policy (cheapest first under
 * margin), lines allocated greedily in warehouse-code order (a line may be
 * split); among sets of the same size the lowest total shipping cost wins,
 * ties on the warehouse codes.  At most WF_ROUTE_MAX_LEGS warehouses, and
 * at most WF_ROUTE_MAX_SPLIT_SETS sets tried per order (the smaller sets
 * first): an order past either is unroutable.
 *
 * Applying (route_apply.c).  See wf_route_run().  An order is reserved,
 * held and given its legs through the order's API (wf_order.h); routing's
 * one table, route_block, keeps what blocks each held order, and the
 * exceptions go through the queue's API.
 *
 * Ownership: option structs and their strings are the caller's; nothing
 * returned needs freeing.
 */
#ifndef WF_ROUTE_H
#define WF_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wf_batch.h"
#include "wf_buf.h"
#include "wf_check.h"
#include "wf_exception.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_ROUTE     "wf-route"
#define WF_ROUTE_MAX_LEGS  8
#define WF_ROUTE_MAX_SPLIT_SETS 65536
#define WF_ROUTE_CHUNK     500     /* orders read and decided at a time */
#define WF_ROUTE_HOLD_MS   250     /* --apply commits once it held the lock this long */
#define WF_ROUTE_RESYNC    4       /* an exception of N orders is worked out again at a
                                    * commit once N / this of them came or went */
/* --apply: WAL pages before a checkpoint (256 MiB).  Each commit writes
 * the pages its quarter second of orders dirtied, and at a million orders
 * they are spread over the ledger's and the balances' indexes: with 8192
 * (32 MiB) nearly every commit was followed by a checkpoint that wrote
 * them all again.  A longer WAL holds a page's versions of many commits
 * and its checkpoint writes the page once: routing 1M orders took 168.6 s
 * against 218.9 (bench/README.md).  The WAL file grows to that much for the
 * run; the checkpoint at the end of the run takes it back. */
#define WF_ROUTE_CHECKPOINT "65536"

/* ---- rules ------------------------------------------------------------------- */

struct wf_carrier_in {
	const char *warehouse, *carrier, *service;
	const char *cutoff;        /* "HH:MM" */
	int64_t     transit_days;  /* 0-365 */
	const char *cost;          /* decimal text in CURRENCY */
	const char *currency;      /* NULL: the service's, else EUR */
	const char *countries;     /* "DE,AT"; "" every country; NULL: keep
	                              (every country for a new service) */
};

/* Add or update the service WAREHOUSE/CARRIER/SERVICE: "created",
 * "updated" (with a history event naming what changed) or "unchanged".
 * Emits {"type":"carrier_service",...,"result":..}.  Returns 0, WF_EINPUT
 * for an invalid field, WF_ENOTFOUND for an unknown warehouse, or an error. */
int wf_carrier_add(wf_db *db, const struct wf_carrier_in *in, wf_out *out);

/* Remove a service (a "remove" history event keeps what it was).  Emits
 * it with "result":"removed".  WF_ENOTFOUND when there is none. */
int wf_carrier_remove(wf_db *db, const char *warehouse, const char *carrier,
    const char *service, wf_out *out);

/* Emit the rules: a {"type":"capacity",...} line per warehouse (code,
 * timezone, orders_per_day), then every service, by warehouse code, carrier,
 * service.  WAREHOUSE (may be NULL) limits both to one warehouse.  The
 * output is valid input for wf_carrier_import_line(). */
int wf_carrier_list(wf_db *db, const char *warehouse, wf_out *out);

/* The batch line function for `wf-route carrier import`: a carrier_service
 * line is added as wf_carrier_add() does; a capacity line sets the
 * warehouse's timezone and capacity through wf_warehouse_add() (it never
 * creates a warehouse, and cannot lift a limit: orders_per_day null on a
 * warehouse that has one is refused) and emits the warehouse record. */
int wf_carrier_import_line(wf_db *db, const struct wf_line *l, void *unused);

/* ---- routing ----------------------------------------------------------------- */

enum wf_route_policy { WF_ROUTE_MARGIN, WF_ROUTE_CHEAPEST, WF_ROUTE_FASTEST };

struct wf_route_opts {
	enum wf_route_policy policy;
	int          apply, explain, split;
	/* promise routed orders (new -> promised, wf_order_promise) instead
	 * of reserving them: written as apply writes; not with apply or
	 * split (a promise is one warehouse) */
	int          promise;
	/* where the orders come from, exactly one of: REFS (NREFS > 0); NEW,
	 * every new order and every order held as unroutable (the form for
	 * cron); or the lines of IN that carry an "order" key (none: nothing
	 * is routed) */
	char *const *refs;
	size_t       nrefs;
	int          new_orders;
	FILE        *in;           /* NULL: no input */
	const char  *in_name;      /* "stdin" */
	int          keep_going, strict;
	wf_report_fn report;       /* bad lines under keep_going */
	void        *report_ctx;
	wf_report_fn note;         /* told (code 0) when IN held no order line; may be NULL */
	void        *note_ctx;
	size_t       chunk;        /* 0: WF_ROUTE_CHUNK */
	int          hold_ms;      /* 0: WF_ROUTE_HOLD_MS; < 0: commit after every chunk */
};

/* Route orders and emit one {"type":"route",...} record per order.
 *
 * Without apply nothing is written: every decision is made in one read
 * transaction (one snapshot), and the stock and capacity an order takes
 * are not offered to the orders after it.
 *
 * With apply, orders are read and decided in chunks of up to CHUNK inside
 * a write transaction (BEGIN IMMEDIATE), which commits after the chunk
 * that reaches HOLD_MS of holding the lock, so every order is
 * applied whole or not at all and nothing can change between deciding and
 * applying.  A routed order gets a release from an unroutable hold, then
 * wf_order_reserve(): its stock reserved per leg, its route legs replaced
 * and the reserve transition; it leaves the evidence of the "unroutable"
 * exceptions it was in.  An unroutable order loses any legs, is put
 * on hold (wf_order_hold, hold_reason "unroutable: REASONS"), and counts in
 * the "unroutable" exception of each thing that blocks it (below), worked
 * out again from the orders it blocks when a commit ends a chunk (an
 * exception of N orders once N / WF_ROUTE_RESYNC came or went since the
 * run last did; every one at the end of the run); an order that
 * routes leaves it, and it resolves when it blocks none.  Orders in other
 * states are reported "skipped"
 * and not touched.  Under dry-run the whole run is one transaction, rolled back.
 *
 * Returns 0 (also when orders are unroutable or skipped); WF_EUSAGE when
 * the options name no source of orders, or more than one; WF_ENOTFOUND for
 * an unknown REF (nothing done); WF_EINPUT for a bad input line (nothing
 * done; with keep_going the line is reported and skipped, and WF_EINPUT is
 * returned at the end); or a database error, which stops the run: the
 * transactions already committed stay (their records were printed), the
 * failing one is rolled back. */
int wf_route_run(wf_db *db, const struct wf_route_opts *o, wf_out *out);

/* ---- the unroutable exceptions (route_block.c) ------------------------------------ */

/* One "unroutable" exception per thing that blocks orders, never one per
 * order (route_block.c says what blocks an order):
 *   sku SKU@WH            the SKU is short at the warehouse (no_stock)
 *   warehouse WH@REASON   no_capacity, no_service or late there
 *   sku SKU               the catalogue does not know SKU (unknown_sku)
 *   warehouse *@no_warehouse   there is no active warehouse
 * Its evidence: reason, sku, warehouse (null when none); for no_stock,
 * available (at the warehouse now, less promises), needed (the units the
 * orders need) and short; for no_service, countries (of the orders); then
 * orders (the first 20 placed: {"order","units"}) and more_orders.  Impact:
 * every order, their units (of the SKU, for a SKU; else of the orders),
 * their totals in the currency of the first (the others are not
 * converted), due at the earliest promise_by.  Owner: the first order's
 * owner.  Priority fixed at the derived value. */
#define WF_ROUTE_BLOCK_REFLEN 112
#define WF_ROUTE_UNBLOCKED "no held order is blocked by it now"

struct wf_route_blocked {
	char    stype[16];                       /* in: sku, warehouse */
	char    sref[WF_ROUTE_BLOCK_REFLEN];     /* in */
	struct wf_raise raise;                   /* out: points into this struct */
	char    shown[WF_ROUTE_BLOCK_REFLEN + 16];   /* "sku MUG-1" */
	char    warehouse[33];                   /* a SKU's warehouse, or "" */
	char    owner[72];
	cJSON  *evidence;
	wf_buf  next;
};

/* The exception B->stype B->sref should be, from the orders it blocks
 * that are still on hold as unroutable, into B (free it with
 * wf_route_blocked_free); *found 0 when it blocks none.  Reads only.
 * Returns 0 or an error. */
int wf_route_blocked_get(wf_db *db, struct wf_route_blocked *b, int *found);
void wf_route_blocked_free(struct wf_route_blocked *b);

/* Every subject routing has recorded orders against, into *V (N; free
 * with free(); only stype and sref are set).  Returns 0 or an error. */
int wf_route_blocked_keys(wf_db *db, struct wf_route_blocked **v, size_t *n);

/* Whether route_block holds rows of orders no longer on hold as
 * unroutable (cancelled, released or routed by hand), which
 * wf_route_blocked_get() reads past: *any 1 or 0.  Reads only.  Returns 0
 * or an error. */
int wf_route_blocked_stale(wf_db *db, int *any);

/* Delete those rows, once the exceptions they fed are in step (the next
 * wf_route_blocked_keys() no longer lists a subject only they named): *n
 * of them.  Call inside a write transaction.  Returns 0 or an error. */
int wf_route_blocked_prune(wf_db *db, int64_t *n);

/* Raise, update or (with NOTE, else WF_ROUTE_UNBLOCKED) resolve the
 * unroutable exception on STYPE SREF as wf_route_blocked_get() finds it;
 * nothing is written when it already says that.  Returns 0 or an error. */
int wf_route_block_sync(wf_db *db, const char *stype, const char *sref, const char *note);

/* ---- the deciding rules, pure (no database) ------------------------------------ */

/* Candidate failures, in the order they are checked. */
#define WF_ROUTE_NO_STOCK    0x1u
#define WF_ROUTE_NO_SERVICE  0x2u
#define WF_ROUTE_NO_CAPACITY 0x4u
#define WF_ROUTE_LATE        0x8u

/* "ok" for 0, else the name of the first failure in FAILS. */
const char *wf_route_reason(unsigned fails);

/* "cheapest", "fastest", "margin".  Returns 0 or WF_EUSAGE. */
int wf_route_policy_parse(const char *s, enum wf_route_policy *p);
const char *wf_route_policy_name(enum wf_route_policy p);

/* "HH:MM" (00:00-23:59) into minutes after midnight.  0 or WF_EINPUT. */
int wf_route_cutoff_parse(const char *s, int *minutes);

/* A country list ("de, AT,de") as "DE,AT": upper case, no blanks, each once,
 * in the order given; "" stays "".  0, WF_EINPUT or WF_ENOMEM. */
int wf_route_countries_norm(const char *s, wf_buf *out);

/* Whether a service covering COUNTRIES ("DE,AT", "" for all) ships to CC
 * (NULL or "" for an order without a country: only "" covers it). */
int wf_route_covers(const char *countries, const char *cc);

/* The ship day: 0 (today) when NOW_MIN, the local minute of the day, is
 * before CUTOFF and LEFT_TODAY > 0; else 1 (tomorrow) when LEFT_TOMORROW
 * > 0; else -1.  A negative LEFT means no limit. */
int wf_route_ship_day(int now_min, int cutoff, int64_t left_today, int64_t left_tomorrow);

/* What the policy compares. */
struct wf_route_score {
	int64_t     promise, cost, margin;
	int         has_margin;
	const char *warehouse, *carrier, *service;
};

/* <0 when A is the better choice under P, >0 when B is, 0 when equal. */
int wf_route_cmp(enum wf_route_policy p, const struct wf_route_score *a,
    const struct wf_route_score *b);

/* route.legs and route.capacity, run by `wf check` (route_apply.c). */
extern const struct wf_invariant wf_route_invariants[];

/* The record types this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_carrier;
extern const struct wf_record_type wf_record_route;

#endif
