/*
 * order_priv.h - between the files of the order module.
 *
 * The importer (order_import.c) turns a line of any supported format into
 * one struct wf_order_in, and decides what it means for the stored order;
 * order.c, the only file that writes the order's tables, writes it.
 * Strings of a wf_order_in point into the line's JSON tree or into the
 * arena, both alive for the duration of the line.
 *
 * Everything here runs in the caller's transaction.
 */
#ifndef ORDER_PRIV_H
#define ORDER_PRIV_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_db.h"
#include "wf_order.h"
#include "wf_out.h"

/* The payment ids an order keeps at most. */
#define WF_ORDER_PAY_IDS 16

struct wf_order_line_in {
	const char *sku, *title, *external_id;
	int64_t     qty, unit_price, discount, tax;
	/* Money only (a tip, a gift card, a custom item, no shipping): it
	 * counts in the order's money and is never reserved, routed or
	 * shipped, nor holds the order.  Else CANCELLED of QTY units were
	 * cancelled or refunded at the channel before they shipped: only the
	 * rest is to ship.  Both are kept in order_unshipped. */
	int         money;
	int64_t     cancelled;
};

struct wf_order_in {
	const char *channel, *external_id, *owner;
	char        currency[4];
	int64_t     placed_at;
	int         has_promise;
	int64_t     promise_by;
	const char *ship_name, *ship_postcode, *ship_city;
	char        ship_country[3];
	const cJSON *ship_to;           /* the address object as given */
	int64_t     shipping_paid, discount, tax, total;
	int         has_total, taxes_included;
	/* The channel's own subtotal (Shopify's subtotal_price): the order's
	 * when given, whatever its lines add up to. */
	int         has_subtotal;
	int64_t     subtotal;
	/* A total the lines, discounts, shipping and tax do not add up to is
	 * imported as given, with an exception showing both (Shopify). */
	int         check_totals;
	const char *pay_status;         /* pending paid partially_refunded refunded */
	const char *channel_status;     /* the status as the channel named it */
	int64_t     paid, refunded;
	/* The payment said its status without an amount: paid means the
	 * total was paid, refunded that all of it was refunded (design.md:
	 * money a record says was paid is never silently zero). */
	int         paid_is_total, refunded_is_all;
	int         status_says;        /* the status must agree with the amounts */
	int         has_updated;        /* the channel's updated_at, when given */
	int64_t     updated_at;
	int         cancelled;
	const char *cancel_reason;
	int         fulfilled;          /* the channel says it already shipped */
	struct wf_order_line_in *lines;
	size_t      nlines;
	/* The payload's names of the fields the importer checks after parsing,
	 * for located errors: "lines", "discount" (per line), "discount". */
	const char *k_lines, *k_line_discount, *k_discount;
	int         wrapped;            /* Shopify's {"order":{...}} */
	/* The payment's transaction ids as the channel shows them, kept in
	 * order_payment for wf-reconcile's matching: PAY_PROVIDER (NULL: none). */
	const char *pay_provider;
	const char *pay_ids[WF_ORDER_PAY_IDS];
	size_t      npay_ids;
	/* The ids of the refunds the order lists (Shopify's refunds[]), kept
	 * as provider WF_ORDER_REFUND_SEEN: a refund whose cancelled units the
	 * order's own import took never takes them again
	 * (wf_order_refund_line). */
	const char *refund_ids[WF_ORDER_PAY_IDS];
	size_t      nrefund_ids;
};

#define WF_ORDER_REFUND_SEEN "shopify-refund-listed"

/* Parse a generic / Shopify line into IN (zeroed by the caller).  The
 * parser allocates IN->lines (the caller frees it) and adds any string it
 * makes to ARENA.  STRICT refuses unknown keys (generic only: platform
 * payloads carry many keys Workform does not use).  Return 0 or WF_EINPUT
 * with a located message. */
int wf_order_parse_generic(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena);
int wf_order_parse_shopify(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena);
/* Shopify refund R (at AT): the amounts of its successful refund
 * transactions added to *SUM, every transaction's id and parent_id kept in
 * IN (provider "shopify"), and, when OWN is not NULL, the ids of the
 * successful refund transactions alone in OWN.  order_shopify.c. */
int wf_order_shopify_refund(const wf_jloc *at, const cJSON *r, const char *cur,
    int64_t *sum, struct wf_order_in *in, struct wf_order_in *own);
int wf_order_parse_woo(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena);

/* ---- order_import.c, for the platform parsers --------------------------------- */

/* Free text KEY of O that passes wf_text_check (at most MAX bytes).
 * Returns as wf_jget_str does. */
int wf_order_jtext(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    size_t max, const char **out);
/* A non-negative money field in CUR; 1 when absent. */
int wf_order_jmoney(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    const char *cur, int64_t *out);
/* An ISO 3166 country code (upper-cased into OUT); 1 when empty. */
int wf_order_jcountry(const wf_jloc *at, const cJSON *o, const char *key, char out[3]);
/* A required ISO 4217 currency code into OUT. */
int wf_order_jcurrency(const wf_jloc *at, const cJSON *o, const char *key, char out[4]);
/* Every string of V (members' names too) passes wf_text_check. */
int wf_order_jtree(const wf_jloc *at, const cJSON *v);
/* S kept in ARENA (NULL: out of memory). */
const char *wf_order_keep(cJSON *arena, const char *s);
/* IN->lines for the lines of ARR (KEY of the order): 1 to 10000. */
int wf_order_lines_alloc(const wf_jloc *at, const char *key, const cJSON *arr,
    struct wf_order_in *in);
/* A platform order's total_tax, its total (TOTAL_KEY; has_total when
 * given) and whether prices include tax (INCL_KEY, default false), into IN. */
int wf_order_jtotals(const wf_jloc *at, const cJSON *o, const char *total_key,
    const char *incl_key, struct wf_order_in *in);
/* Whether KEY of O is there and not null. */
int wf_order_jhas(const cJSON *o, const char *key);
/* What O is when it is not an order of FORMAT, and which command reads it
 * (a sentence); NULL when it may well be one. */
const char *wf_order_not_an_order(const cJSON *o, enum wf_order_format format);
/* Whether a payment STATUS (pending paid partially_refunded refunded) says
 * the total was paid. */
int wf_order_paid_status(const char *status);
/* Add payment id ID (kept in ARENA when not already there) to IN. */
int wf_order_pay_id(struct wf_order_in *in, const char *id);

/* A platform order whose total its lines, discounts, shipping and tax do
 * not add up to (as wf_order_raise raises it; cleared when an import adds
 * up). */
#define WF_EX_TOTALS "order_totals_mismatch"
/* Units the channel cancelled after they were picked or packed: the ledger
 * has them back on hand in their bins, a person takes them out of the
 * order's tote or parcel (owner fulfilment; resolved by hand). */
#define WF_EX_PUT_BACK "order_put_back"

/* ---- order_unshipped.c: what of an order's lines never ships ----------------- */

/* Keep QTY units of line LINE_NO (L, from the channel) of order ORDER_ID as
 * unshipped for WHY ("money" or "cancelled"), with DISCOUNT and TAX.
 * Returns 0 or a database error. */
int wf_order_unshipped_add(wf_db *db, int64_t order_id, int64_t line_no, const char *why,
    const struct wf_order_line_in *l, int64_t qty, int64_t discount, int64_t tax);
/* QTY more units of line LINE_NO of order ORDER_ID (in order_line, before
 * wf_order_line_cut() takes them) are cancelled: its cancelled part grows,
 * with the line's discount and tax when QTY is all it has.  Returns 0 or a
 * database error. */
int wf_order_unshipped_cancel(wf_db *db, int64_t order_id, int64_t line_no, int64_t qty);
/* Forget the unshipped parts of order ORDER_ID (its lines are rewritten). */
int wf_order_unshipped_clear(wf_db *db, int64_t order_id);
/* The unshipped parts of order ORDER_ID as a JSON array of objects (line,
 * why, sku, title, qty, unit_price, discount, tax, id) in CUR; NULL when
 * out of memory or on a database error. */
cJSON *wf_order_unshipped_json(wf_db *db, int64_t order_id, const char *cur);

/* ---- order.c, the payments ---------------------------------------------------- */

/* Whether order ORDER_ID keeps payment PAYMENT_ID of PROVIDER, into
 * *found.  Returns 0 or a database error. */
int wf_order_payment_has(wf_db *db, int *found, int64_t order_id, const char *provider,
    const char *payment_id);

/* Order O (key REF) refunds AMOUNT at the channel, as wf_order_refund()
 * does for a return, with an event naming REFUND ("shopify-refund:ID"). */
int wf_order_refund_channel(wf_db *db, const struct wf_order_info *o, const char *ref,
    int64_t amount, const char *refund);

/* Keep IN's payment ids for order ORDER_ID (those it has stay; an id
 * another order keeps stays that order's).
 * Returns 0 or a database error. */
int wf_order_payment_keep(wf_db *db, int64_t order_id, const struct wf_order_in *in);

/* ---- order.c, for the importer ------------------------------------------------ */

/* An order as stored: what others may know (wf_order_info), the
 * fingerprint of its content, why it is held ("" when it is not), and the
 * channel's updated_at of the snapshot last applied, when it gave one. */
struct wf_order_row {
	struct wf_order_info i;
	char hash[24], hold_reason[256];
	int     has_channel_time;
	int64_t channel_time;
};

/* Load order REF into *O.  Returns 1, 0 when there is none, or a database
 * error. */
int wf_order_load(wf_db *db, struct wf_order_row *o, const char *ref);

/* Create order REF from IN: FINANCE is its finance state, SHIP the address
 * as JSON text (or NULL), HASH the fingerprint of its content, SUBTOTAL and
 * TOTAL its amounts.  Writes the row, its lines and the create event; then
 * cancels it, closes it (fulfilled at the channel) or holds it (a SKU the
 * catalogue does not know) as IN says; emits it with "result":"created".
 * Returns 0 or an error. */
int wf_order_create(wf_db *db, const char *ref, const struct wf_order_in *in,
    const char *finance, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, wf_out *out);

/* Rewrite the content of order O (key REF), which may still change, from IN
 * (SHIP, HASH, SUBTOTAL, TOTAL as for wf_order_create), with CHANGES as the
 * update event's data (taken; NULL is out of memory; empty: no event, only
 * the fingerprint changed).  The order is held when a SKU is unknown
 * (unless the channel fulfilled it), or released when it was held only for
 * that.  CUT: O holds stock, and IN only takes units from its lines (the
 * caller has put their stock back): each line keeps its row, shipped count
 * and shipments, and loses those units (a line left with nothing to ship
 * goes); no hold.  Returns 0 or an error; emits nothing. */
int wf_order_update(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, cJSON *changes, int cut);

/* QTY units of line LINE_NO of order ORDER_ID (at most those it has not
 * shipped) are cancelled: they move to its unshipped part
 * (wf_order_unshipped_cancel), and the line keeps the rest, or goes when
 * none is left.  Stock and events are the caller's.  Returns 0 or a
 * database error. */
int wf_order_line_cut(wf_db *db, int64_t order_id, int64_t line_no, int64_t qty);

/* Drop order ORDER_ID's route leg at warehouse WH_ID (0: every leg).
 * Returns 0 or a database error. */
int wf_order_route_drop(wf_db *db, int64_t order_id, int64_t wh_id);

/* ---- order_act.c, for the importer: units the channel cancelled -------------- */

/* Put back on hand QTY units of SKU_ID that order REF holds (reserved,
 * picked or packed), each in the bin it is in: the warehouse holding least
 * of the order first, then by warehouse code, reserved before picked
 * before packed, then by bin; movements unreserve, unpick, unpack, reason
 * "cancelled at the channel".  Each bin's part is appended to RELEASED as
 * {"sku","warehouse","bin","state","qty","movement"}.  Returns 0,
 * WF_EINTERNAL when the order holds fewer, or an error. */
int wf_order_put_back(wf_db *db, cJSON *released, const char *ref, int64_t sku_id,
    int64_t qty);

/* Each warehouse named in RELEASED (as wf_order_put_back() fills it) at
 * which order ORDER_ID (key REF) now holds nothing: its route leg is
 * dropped, its open shipment cancelled, and its code appended to DROPPED.
 * Returns 0 or an error. */
int wf_order_drop_legs(wf_db *db, cJSON *dropped, int64_t order_id, const char *ref,
    const cJSON *released);

/* Set what order ID was paid and has refunded, in minor units (no event:
 * the finance transitions that follow carry them).  Returns 0 or an error. */
int wf_order_set_payment(wf_db *db, int64_t id, int64_t paid, int64_t refunded);

/* Keep T as the channel's updated_at of the snapshot of order ID last
 * applied (no event: the caller's update event names it).  Returns 0 or an
 * error. */
int wf_order_set_channel_time(wf_db *db, int64_t id, int64_t t);

/* Cancel order ID (key REF) for REASON: the transition, with DATA (taken,
 * may be NULL) as its data plus the reason, and the reason kept on the
 * order.  Held stock is the caller's.  Returns 0, WF_EREFUSED or an error. */
int wf_order_cancel(wf_db *db, const char *ref, int64_t id, const char *reason,
    cJSON *data);

/* Emit order REF without its lines, with "result":RESULT. */
int wf_order_emit_result(wf_db *db, const char *ref, const char *result, wf_out *out);

/* Raise an exception of KIND about order REF (O as loaded): its owner is
 * fulfilment, its impact O's total and UNITS, due at O's promise, with
 * EVIDENCE (taken) and NEXT as the next action.  Returns 0 or an error. */
int wf_order_raise(wf_db *db, const char *ref, const struct wf_order_info *o,
    const char *kind, cJSON *evidence, int64_t units, const char *next);

/* Clear the exception of KIND about order REF with NOTE, when there is one
 * (wf_exception_clear).  Returns 0 or an error. */
int wf_order_clear(wf_db *db, const char *ref, const char *kind, const char *note);

/* Clear every kind of exception an order's own problems raise. */
int wf_order_clear_all(wf_db *db, const char *ref, const char *note);

/* ---- order.c, for the actions (order_act.c) ----------------------------------- */

/* Resolve the lines of order ORDER_ID (key REF) whose SKU the catalogue
 * knows now.  Returns 0, WF_EREFUSED naming the SKUs still unknown (the
 * resolved lines stay resolved), or an error. */
int wf_order_resolve(wf_db *db, const char *ref, int64_t order_id);

/* Which count of an order's lines units go to. */
enum wf_order_count { WF_ORDER_SHIPPED, WF_ORDER_RETURNED };

/* Told that line LINE_ID takes QTY units, before its count grows. */
typedef int wf_order_line_fn(wf_db *db, void *arg, int64_t line_id, int64_t qty);

/* Spread QTY units of SKU_ID over order ORDER_ID's lines that can take
 * them, first line first: for WF_ORDER_SHIPPED the lines not shipped in
 * full, for WF_ORDER_RETURNED those with shipped units not yet returned.
 * Each line's count grows by what it takes; FN (may be NULL) is told each
 * line first.  *left receives the units no line could take.  Returns 0,
 * FN's error, or a database error. */
int wf_order_spread(wf_db *db, int64_t *left, int64_t order_id, int64_t sku_id,
    int64_t qty, enum wf_order_count what, wf_order_line_fn *fn, void *arg);

/* The lines of order ORDER_ID not shipped in full (WF_ORDER_SHIPPED), or
 * not all back (WF_ORDER_RETURNED), into *n.  Returns 0 or an error. */
int wf_order_lines_open(wf_db *db, int64_t *n, int64_t order_id,
    enum wf_order_count what);

/* Invoice order ID (key REF): its finance state moves paid -> invoiced, with
 * NUMBER (may be NULL) kept on it and in the event.  Returns 0, WF_EREFUSED
 * for a finance state that allows no invoice or a NUMBER another order has,
 * or an error. */
int wf_order_invoice(wf_db *db, int64_t id, const char *ref, const char *number);

/* Shipment SHIPMENT of order ORDER_ID (key REF), leaving warehouse WH_ID,
 * was delivered at AT, its carrier says (order_track.c): when AT is past the
 * promise (the leg's at WH_ID, else the order's), a "late_delivery" event on
 * the order names the promise, the delivery and the shipment, and *late is
 * 1; when every shipment of the order that is not cancelled is delivered
 * and the order is shipped, it moves to delivered (the deliver transition,
 * naming the shipment).  Returns 0 or an error. */
int wf_order_carrier_delivered(wf_db *db, int *late, int64_t order_id, const char *ref,
    int64_t wh_id, const char *shipment, int64_t at);

/* ---- order_cut.c: units cancelled from an order that holds stock ------------ */

/* Units of one SKU a re-import takes from an order's lines (LINE_NO 0),
 * or that a refund takes from line LINE_NO. */
struct wf_order_cut {
	int64_t sku_id, qty, line_no;
};

/* Whether IN only takes units from the lines of order O, which holds
 * stock: CHANGES (the update's changes, as the importer names them) names
 * nothing but lines' quantities, cancelled units, discounts and tax and the
 * order's amounts; no line gets more to ship than it has, nor less than it
 * shipped; some line gets less.  Returns 1 with the units per SKU appended
 * to V (struct wf_order_cut), *shipped the units the order shipped and
 * *left those it will have left to ship, 0 when it is another change, or
 * an error. */
int wf_order_cut_plan(wf_db *db, const struct wf_order_row *o, const struct wf_order_in *in,
    const cJSON *changes, wf_buf *v, int64_t *shipped, int64_t *left);

/* Order O (key REF) holds stock and the channel took units from its lines
 * (CUTS, N of them, from wf_order_cut_plan(); SHIPPED units had shipped):
 * their stock goes back on hand (wf_order_put_back), legs left with nothing
 * are dropped, and the lines are rewritten from IN (SHIP, HASH, SUBTOTAL,
 * TOTAL as for wf_order_update) with CHANGES (taken) plus "released" and
 * "legs_dropped" as the update event's data.  An order with nothing left to
 * ship is cancelled (*ended = 1; for the channel's cancel_reason when IN
 * is cancelled), or shipped when some of it shipped; units
 * that were picked or packed raise WF_EX_PUT_BACK.  With IN NULL (a
 * refund's cancelled units), each cut takes its units from its line
 * (wf_order_line_cut) and the order's content stays; with HOLDS 0 (an order
 * that holds no stock yet) no stock moves.  Returns 0 or an error. */
int wf_order_cut(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, cJSON *changes, const struct wf_order_cut *cuts, size_t n,
    int64_t shipped, int holds, int *ended);

#endif
