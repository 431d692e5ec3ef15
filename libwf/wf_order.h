/*
 * wf_order.h - orders: import, the two lifecycles, and what routing and
 * returns change on them.
 *
 * The order module is order.c (the only writer of orders, order_line and
 * order_route), order_import.c (channel payloads), order_act.c (the
 * actions) and order_show.c (an order with its shipments and returns).
 * Records depend downward: returns (wf_return.h) and routing (wf_route.h)
 * call the order's API below; the order calls the shipment's
 * (wf_shipment.h); nothing calls back up.
 *
 * An order is keyed CHANNEL:EXTERNAL_ID ("shop:1001"); a platform's ids are
 * kept exactly as text, whatever their size or JSON type.  It has two state
 * machines (wf-states(7)): fulfilment (new ... closed, on_hold, cancelled,
 * returned) and finance (pending, paid, ... reconciled).
 *
 * Import is idempotent on the key.  The same order again is "unchanged".
 * A changed order is "updated" (with a history event naming what changed)
 * while it is new or promised (or held from there).  After stock was
 * reserved, a change that only cancels units (fewer to ship on some lines,
 * with the amounts that follow) is "updated" too: the cancelled units'
 * stock goes back on hand (order_cut.c; picked or packed units raise
 * "order_put_back" for a person to take them out), and an order left with
 * nothing to ship is cancelled.  Any other change after reservation is not
 * applied: the order keeps its state, an exception "order_changed" is
 * raised for a person to decide, and the result is "conflict".  Payment changes move the finance machine at any time,
 * but only by transitions the money shows and never backwards; and a
 * snapshot older than the one applied (the channel's updated_at) is
 * "stale" and changes nothing (wf-order(1), "RE-IMPORTS").
 * An order is never lost for an incomplete catalogue: a line with an unknown
 * SKU is imported, the order is put on hold and "order_unknown_sku" raised.
 *
 * Stock moves through the ledger with the order's key as holder: reserve
 * (on_hand -> reserved), pick, pack, ship (-> out, caused by SH-N); cancel
 * puts reserved, picked and packed units back on hand in their bins.
 *
 * Functions that take a wf_out run in their own transaction (a savepoint
 * inside a batch) and emit what they did; the others run in the caller's.
 *
 * Ownership: input structs are borrowed for the call.
 */
#ifndef WF_ORDER_H
#define WF_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_buf.h"
#include "wf_check.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_ORDER  "fulfilment"
#define WF_OWNER_FINANCE "finance"

/* Exception kinds raised by orders (cleared when the condition goes). */
#define WF_EX_UNKNOWN_SKU "order_unknown_sku"
#define WF_EX_CHANGED     "order_changed"
#define WF_EX_CANCELLED   "order_cancelled_at_channel"
#define WF_EX_FINANCE     "order_finance_conflict"
/* A re-import in which the channel reports less paid or refunded than the
 * order has (owner finance): nothing is changed until an import agrees. */
#define WF_EX_LESS        "channel_reports_less"
/* Raised by routing (wf_route.h) for an order no warehouse can ship; the
 * order's hold_reason then begins with it ("unroutable: no_stock"). */
#define WF_EX_UNROUTABLE  "unroutable"
/* Raised by wf-order track when a carrier reports a failed delivery or a
 * return to sender; cleared when a later event has the parcel moving or
 * delivered again. */
#define WF_EX_DELIVERY_FAILED "delivery_failed"

/* A CTE, line_part(part), of the parts of the orders that have lines still
 * to ship: order ids id >> 16, 65,536 orders to a part (migration 26).
 * Part 0 is the first row whether or not it has any, and the last is
 * NULL.  A part's open lines of a SKU are one search of
 * order_line_open_sku: join order_line l ON l.order_id >> 16 = part AND
 * l.sku_id = ... AND l.qty > l.qty_shipped.  A million orders are 16
 * parts.  A part with no open line costs nothing: each step seeks the
 * next part that has one. */
#define WF_SQL_OPEN_PARTS \
	"WITH RECURSIVE line_part(part) AS (SELECT 0" \
	" UNION ALL SELECT (SELECT order_id >> 16 FROM order_line" \
	"  WHERE qty > qty_shipped AND order_id >> 16 > line_part.part" \
	"  ORDER BY order_id >> 16 LIMIT 1)" \
	" FROM line_part WHERE line_part.part IS NOT NULL) "

/* ---- import ------------------------------------------------------------------ */

/* Which payload a line is.  generic: the format of cli.md; shopify: a
 * Shopify Admin API order, bare or as {"order":{...}}; woocommerce: a
 * WooCommerce REST v3 order (order_woo.c). */
enum wf_order_format { WF_ORDER_GENERIC, WF_ORDER_SHOPIFY, WF_ORDER_WOO };

struct wf_order_import {
	enum wf_order_format format;
	const char *channel;     /* overrides the channel (shopify: default
	                            "shopify"); NULL: from the line */
};

/* The batch line function for `wf-order import`: ARG is a struct
 * wf_order_import.  Emits {"type":"order","order":..,"result":..,...}.
 * Returns 0, WF_EINPUT for a bad line (located), or an error. */
int wf_order_import_line(wf_db *db, const struct wf_line *l, void *arg);

/* The batch line function for `wf-order import --from shopify-refund`
 * (order_refund.c): a Shopify refund, bare or as {"refund":{...}}, on order
 * CHANNEL:order_id (ARG a struct wf_order_import; channel default
 * "shopify").  Its successful refund transactions' amount moves the order's
 * refunded amount and finance state, with an event naming
 * "shopify-refund:ID"; applied once per refund id, and not at all when the
 * order's import already counted its transactions.  Emits the order with
 * "result" updated or unchanged.  Returns 0, WF_EINPUT (located) for a bad
 * line, an unknown order or a refund of more than is left to refund, or an
 * error. */
int wf_order_refund_line(wf_db *db, const struct wf_line *l, void *arg);

/* The batch line function for `wf-order import --from shopify-fulfillment`
 * (order_fulfil.c): a Shopify fulfillment, bare or as {"fulfillment":
 * {...}}, of order CHANNEL:order_id (ARG a struct wf_order_import; channel
 * default "shopify").  tracking_company is the carrier ("null-company" or
 * null: none, the route's is used); the first of tracking_numbers (else
 * tracking_number) the shipment's tracking, the others kept in its
 * "fulfillment" event.  status success ships what the order holds through
 * wf_order_act() "ship" (one warehouse, or refused naming them), or links
 * the shipment already shipped with that tracking number; the shipment
 * keeps the fulfillment's key CHANNEL:ID.  The same fulfillment again is
 * "unchanged", an older snapshot (updated_at) "stale", a newer one with
 * another carrier or tracking "updated"; cancelled, error or failure after
 * it shipped raises WF_EX_CHANGED ("conflict").  Emits the shipment as
 * wf_shipment_emit_tracked() does ("status" the fulfillment's), or, when
 * nothing shipped (pending, open: result "pending"; cancelled before
 * shipping: "unchanged"), the order.  Returns 0, WF_EINPUT (located) for a
 * bad line or an unknown order, the ship action's error (located), or an
 * error. */
int wf_order_fulfillment_line(wf_db *db, const struct wf_line *l, void *arg);

/* The payloads `wf-order track` reads (order_track.c). */
enum wf_track_format { WF_TRACK_GENERIC, WF_TRACK_EASYPOST };

struct wf_order_track {
	enum wf_track_format format;
	int          skip_unknown;   /* an unknown tracking number is a note, not
	                                an error (--keep-going) */
	wf_report_fn note;           /* where such notes go; may be NULL */
	void        *note_ctx;
};

/* The batch line function for `wf-order track`: ARG is a struct
 * wf_order_track.  A line is one carrier event (generic: {"type":
 * "tracking","tracking":..,"status":..,"at":..,"message":..}) or an EasyPost
 * tracker, bare or in a tracker.* webhook event, whose tracking_details are
 * its events.  The events move the shipment with that tracking number
 * (wf_shipment.h) in the carrier's time order, never backwards: in_transit
 * and out_for_delivery to in_transit, delivered (the order too when every
 * leg is delivered; a "late_delivery" event on the order past its promise),
 * failure to failed and return_to_sender to returned_to_sender, each
 * raising WF_EX_DELIVERY_FAILED on the order, which a later in_transit or
 * delivered clears (the retry row).  An event older than the latest one
 * applied, or the same again, changes nothing.  Emits the shipment with
 * "result" updated or unchanged (wf_shipment_emit_tracked).  Returns 0,
 * WF_EINPUT for a bad line (located), WF_ENOTFOUND for an unknown tracking
 * number (unless skip_unknown), WF_EREFUSED for a shipment that has not
 * shipped, or an error. */
int wf_order_track_line(wf_db *db, const struct wf_line *l, void *arg);

/* ---- promise keeping (order_promises.c) ------------------------------------ */

struct wf_promise_query {
	const char *by;          /* NULL: warehouse and carrier; "warehouse",
	                            "carrier" or "month" (the month it shipped) */
	int         has_since, has_until;
	int64_t     since, until;   /* shipped at or after SINCE, before UNTIL */
};

/* Emit {"type":"promises",...} per group of Q: of the shipments that
 * shipped (within Q's times) with a promise (their route leg's, else the
 * order's promise_by), "shipped" how many, "delivered" how many of them,
 * "on_time" delivered at or before the promise, "late" after it, "open"
 * not delivered (shipped = delivered + open), "overdue" of the open, those
 * whose promise has passed, and "rate" on_time / delivered to three places,
 * rounded down (null when none was delivered).  Shipments without any
 * promise are not counted.  Returns 0, WF_EUSAGE for an unknown grouping
 * or an empty time range, or an error. */
int wf_order_promises(wf_db *db, const struct wf_promise_query *q, wf_out *out);

/* ---- lifecycle ------------------------------------------------------------- */

/* One action on one order, as typed or as an order_event line. */
struct wf_order_action {
	const char *order;       /* "shop:1001" */
	const char *action;      /* promise unpromise reserve unreserve pick
	                            pack ship deliver close hold release cancel
	                            invoice refund */
	const char *warehouse;   /* reserve; ship: the leg to ship; promise
	                            (NULL: the first that can take it whole) */
	const char *by;          /* promise: the promise date, ISO 8601 (NULL:
	                            the order's promise_by) */
	const char *carrier, *service, *tracking, *cost;   /* ship; cost in the
	                            order's currency as decimal text */
	const char *reason;      /* hold, cancel */
	const char *number;      /* invoice: the invoice number (may be NULL) */
	const char *amount;      /* refund: decimal text in the order's currency */
	wf_buf     *note;        /* out, may be NULL: what the operator should
	                            know of an action that succeeded (ship: a
	                            carrier no warehouse has set up) */
};

/* Perform A and emit the order (and, for ship, its shipment).  The order's
 * machine is checked first: an action its state does not allow is refused
 * before anything else is looked at.
 *
 * ship ships the units the order holds at one warehouse (WAREHOUSE, which
 * may be left out when it holds units at one only) as one shipment; carrier
 * and service default to the route's leg there.  The order moves to shipped
 * when its last leg ships; until then each leg is an event of its own.
 * invoice moves the finance state paid -> invoiced, keeping NUMBER, which no
 * other order may have.  refund pays AMOUNT back without a return, for
 * REASON (finance -> partially_refunded, or refunded when all that was paid
 * is back).  unreserve puts the reserved units back on hand and
 * drops the route legs (reserved -> new).  promise records the order's
 * promise (new -> promised, wf_order_promise) at WAREHOUSE, else at the
 * first active warehouse by code where every unit is available to promise,
 * by BY; unpromise drops it (promised -> new).
 *
 * Returns 0, WF_EINPUT / WF_EUSAGE for a bad field, WF_ENOTFOUND for an
 * unknown order or warehouse, WF_EREFUSED for an illegal transition (naming
 * the legal actions) or stock that is not there; nothing is written on
 * error. */
int wf_order_act(wf_db *db, const struct wf_order_action *a, wf_out *out);

/* The batch line function for `wf-order apply`:
 * {"type":"order_event","order":REF,"action":"ship",...}, performed as
 * wf_order_act() performs it.  Returns what it returns, or WF_EINPUT for a
 * bad line (located). */
int wf_order_apply_line(wf_db *db, const struct wf_line *l, void *unused);

/* ---- reading --------------------------------------------------------------- */

struct wf_order_query {
	const char *state, *finance_state, *channel;
	int         has_since;
	int64_t     since;
};

/* Emit the orders matching Q (NULL fields match all), oldest placed
 * first, read through SQLite's small cache (wf_db_cache; DB keeps a
 * batch's after).  Returns 0, WF_EUSAGE for a state the machines do not have, or an
 * error. */
int wf_order_list(wf_db *db, const struct wf_order_query *q, wf_out *out);

/* Emit order REF ({"type":"order",...}): with its lines as an array when
 * WITH_LINES, else with their count.  Returns 0, WF_EINTERNAL when it
 * cannot be read, or an error. */
int wf_order_emit(wf_db *db, const char *ref, int with_lines, wf_out *out);

/* Emit the order with its lines, then its shipments, returns and history
 * (order_show.c).  Returns 0, WF_ENOTFOUND for an unknown order, or an
 * error. */
int wf_order_show(wf_db *db, const char *ref, wf_out *out);

/* For other modules: an order's id, states, money and promise. */
struct wf_order_info {
	int64_t id;
	char    state[24], finance_state[24], held_from[24], currency[4];
	int64_t total, paid, refunded;
	int     has_promise;
	int64_t promise_by;
	char    ship_country[4];
};
/* Look order REF up into *info (may be NULL: whether it exists).  Returns
 * 0, WF_ENOTFOUND (as wf_order_unknown() says it), or a database error. */
int wf_order_find(wf_db *db, struct wf_order_info *info, const char *ref);

/* The order that payment PAYMENT_ID of PROVIDER paid, into *info (may
 * be NULL: whether there is one): the transaction ids the Shopify and
 * WooCommerce importers keep (order_payment; provider "shopify" for
 * Shopify's transactions, the WooCommerce gateway's id such as "stripe"
 * for WooCommerce).  Returns 0, WF_ENOTFOUND "no order paid by PROVIDER
 * payment 'ID'", or a database error. */
int wf_order_find_by_payment(wf_db *db, struct wf_order_info *info, const char *provider,
    const char *payment_id);

/* For a caller that found no order REF: set WF_ENOTFOUND "unknown order
 * 'REF'", with the nearest existing key when there is one ("; did you mean
 * 'shopify:450789469'?"): one that differs only in case, else one whose
 * external id is REF or what follows REF's channel (up to three, newest
 * first), else the nearest by edits (wf_text_near).  Reads every order's
 * key: for error paths only.  Returns WF_ENOTFOUND, or a database error. */
int wf_order_unknown(wf_db *db, const char *ref);

/* ---- for routing and the order's actions, in the caller's transaction ------- */

/* An order as its caller already has it, so that no call looks it up
 * again. */
struct wf_order_key {
	int64_t     id;
	const char *ref;            /* "shop:1001" */
	const char *state;          /* its fulfilment state */
	const char *hold_reason;    /* why it is held (NULL or "" when it is not) */
};

/* Units of one SKU. */
struct wf_order_units {
	int64_t sku_id, qty;
};

/* One warehouse's share of an order: the units reserved there, and the
 * route they ship by. */
struct wf_order_leg {
	int64_t      wh_id;
	const struct wf_order_units *units;
	size_t       nunits;
	const char  *carrier, *service, *currency;  /* carrier NULL: no route */
	int64_t      ship_by, promise, cost;        /* cost in CURRENCY */
};

struct wf_stock_cache;

/* Reserve order O as LEGS say: each leg's units at its warehouse, held for
 * O (on_hand -> reserved, wf_stock_reserve); O's route legs become LEGS;
 * then the reserve transition with DATA (taken, may be NULL) as its
 * event's data.  The one reservation of an order: `wf-order reserve` (one
 * leg, no route, C NULL) and routing (C its run's) both use it.  C is the
 * caller's cache of the SKUs' free bins (wf_stock_cache.h: the caller owns
 * it and keeps it valid), read by the check and the reservations and
 * taken from as they book; NULL: a cache for this call alone.  Returns 0; WF_EREFUSED when O's
 * state does not allow reserve (nothing written) or a leg's units are not
 * there or promised to another order (wf_promise.h); or a database
 * error.  On an error the caller rolls back. */
int wf_order_reserve(wf_db *db, struct wf_stock_cache *c, const struct wf_order_key *o,
    const struct wf_order_leg *legs, size_t nlegs, cJSON *data);

/* Promise order O as LEG says (wf_promise.h): O's route legs become LEG
 * (its warehouse; its route and promise date when it has them, LEG->promise
 * 0: none) and the promise transition (new -> promised) follows, with DATA
 * (taken, may be NULL) as its event's data; no stock moves.  Every unit of
 * LEG must be available to promise there.  Returns 0; WF_EREFUSED when O's
 * state does not allow promise (nothing written) or a unit is not
 * available to promise; or a database error.  On an error the caller
 * rolls back. */
int wf_order_promise(wf_db *db, const struct wf_order_key *o,
    const struct wf_order_leg *leg, cJSON *data);

/* Drop order ORDER_ID's route legs (routing found no route for it).
 * Returns 0 or a database error. */
int wf_order_route_clear(wf_db *db, int64_t order_id);

/* Put order O on hold for REASON: the hold transition, with
 * {"reason":REASON}, and REASON kept as its hold_reason.  An order on hold
 * already stays so; when O->hold_reason differs from REASON it takes REASON,
 * with an update event naming both.  Returns 0, WF_EREFUSED when O's state
 * allows no hold, or a database error. */
int wf_order_hold(wf_db *db, const struct wf_order_key *o, const char *reason);

/* Release order O from its hold, back to the state it was held from, with
 * {"reason":REASON} as the event's data (REASON NULL: none); its
 * hold_reason goes.  *to, when TO is not NULL, receives the state it is in
 * now (static).  Returns 0, WF_EREFUSED when O is not on hold, or a
 * database error. */
int wf_order_release(wf_db *db, const char **to, const struct wf_order_key *o,
    const char *reason);

/* ---- for the return module, inside the caller's transaction ------------------ */

/* Order ORDER_ID (key REF) takes back QTY units of SKU_ID that return RMA
 * (its key) brought back: its lines with shipped units not yet returned take
 * them, first line first, and the order moves to partially_returned, or to
 * returned when every unit of every line is back, with an event naming RMA.
 * Returns 0, WF_EREFUSED when the order's state allows neither,
 * WF_EINTERNAL when its lines cannot take QTY, or a database error. */
int wf_order_take_back(wf_db *db, int64_t order_id, const char *ref, int64_t sku_id,
    int64_t qty, const char *rma);

/* Order O (as wf_order_find() gave it; key REF) refunds AMOUNT minor units
 * for return RMA: its refunded amount grows, and its finance state moves to
 * refunded when everything paid is refunded, else to partially_refunded,
 * with an event naming RMA.  The caller refuses, in its own words, an
 * AMOUNT that is not positive or is more than O->paid - O->refunded; such
 * an amount is WF_EREFUSED here too, with nothing written.  Returns 0,
 * WF_EREFUSED, or a database error. */
int wf_order_refund(wf_db *db, const struct wf_order_info *o, const char *ref,
    int64_t amount, const char *rma);

/* ---- for reconciliation ---------------------------------------------------------- */

/* Whether the finance machine allows ACTION from FINANCE_STATE: 1 or 0. */
int wf_order_finance_can(const char *finance_state, const char *action);

/* Apply ACTION (reconcile, dispute, win, lose...) to order ID (key REF)'s
 * finance state through its machine, with DATA (taken, may be NULL; the
 * payout line that decided) in the event; *to, when not NULL, receives the
 * new state (static).  Returns 0, WF_EREFUSED for an illegal transition
 * (nothing changed), WF_ENOTFOUND, or a database error. */
int wf_order_finance_act(wf_db *db, const char **to, int64_t id, const char *ref,
    const char *action, cJSON *data);

/* Order O (key REF) pays AMOUNT minor units back without a return, for
 * REASON: as wf_order_refund(), with {"amount","reason"} in the event.
 * Returns 0, WF_EREFUSED (nothing written), or a database error. */
int wf_order_refund_money(wf_db *db, const struct wf_order_info *o, const char *ref,
    int64_t amount, const char *reason);

/* order.held and order.shipped, run by `wf check` (wf_check.h). */
extern const struct wf_invariant wf_order_invariants[];

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_order;

#endif
