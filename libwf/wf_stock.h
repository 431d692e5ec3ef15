/*
 * wf_stock.h - the stock ledger: movements, balances, reservations,
 * counts, valuation.
 *
 * Stock is a ledger of movements of a SKU between (bin, physical state)
 * pairs: inbound, on_hand, reserved, picked, packed, shipped, returned,
 * damaged, quarantine.  Balances per SKU x bin x state x holder are kept by
 * the schema in the same statement as the movement and can never go
 * negative; a movement that would take more than a balance holds is refused
 * whole.  Reserved, picked, packed and inbound units have a holder: the
 * order or PO they belong to.
 *
 * Reservation takes on_hand units of a warehouse in a fixed order: bins of
 * kind pick, then bulk, then inbound, then returns, each by bin code;
 * blocked bins and damaged/quarantine bins are never used.  Unreservation
 * gives back in the reverse order.
 *
 * Valuation is moving average cost per SKU: a receipt with a cost sets
 * avg = (Q*avg + q*cost) / (Q + q), rounded half away from zero to the
 * currency's minor unit, where Q is the SKU's valued quantity (on_hand,
 * reserved, picked and packed, all warehouses) before the receipt.
 *
 * Functions taking a wf_out run their own transaction (a savepoint inside
 * a batch) and emit their result records.  The id-based API at the end is
 * for other modules and runs inside the caller's transaction.
 */
#ifndef WF_STOCK_H
#define WF_STOCK_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_check.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

/* One stock command, as typed or as a movement line. */
struct wf_stock_op {
	const char *action;   /* receive move adjust damage count reserve unreserve
	                         pick pack ship */
	const char *sku;
	int64_t     qty;      /* > 0; the signed delta for adjust; counted for count */
	const char *from, *to, *at;   /* bins "WH/BIN" */
	const char *warehouse;
	const char *ref, *reason;
	const char *cost;     /* receive: unit cost as decimal text, SKU currency */
	int         partial;  /* reserve: take what is available */
	int         propose;  /* adjust: only propose it (ADJ-N proposed, no movement) */
};

/* Perform OP and emit what it did: {"type":"movement",...} for receive,
 * move and damage; {"type":"adjustment",...} for adjust (proposed only with
 * PROPOSE, else proposed, approved and applied at once);
 * {"type":"count",...} for count; {"type":"reservation",...} for reserve
 * and unreserve; {"type":"handling",...} for pick (reserved -> picked),
 * pack (picked -> packed) and ship (packed -> out of the building) of REF's
 * units.
 *
 * REF is free text ("trade fair", "DN-5501"), never the key of an order
 * or a purchase order: those move their stock through their own modules,
 * and a REF that names one is refused, naming the command to use.  Units
 * held for a free REF are held by "ref " and REF (wf_stock_ledger shows
 * that holder), so that an order or PO made later with the same key holds
 * none of them.
 *
 * Returns 0; WF_EINPUT for an invalid field; WF_ENOTFOUND for an unknown
 * SKU, warehouse or bin; WF_EREFUSED when the stock is not there, a bin is
 * blocked, a warehouse is not active, REF names an order or a PO, or a
 * SKU's stock would pass 2^53 - 1 units; nothing is written on error. */
int wf_stock_op(wf_db *db, const struct wf_stock_op *op, wf_out *out);

/* The batch line function for `wf-stock apply`:
 * {"type":"movement","action":...,"sku":...,"qty":...,...} performed as
 * wf_stock_op() does.  Returns what it returns, or WF_EINPUT located at the
 * line (a ledger row with its "movement" id is refused: it was booked). */
int wf_stock_apply_line(wf_db *db, const struct wf_line *l, void *unused);

struct wf_levels_query {
	const char *sku;          /* NULL: every SKU */
	const char *warehouse;    /* NULL: every warehouse */
	const char *by;           /* "sku", "warehouse" (default) or "bin" */
};

/* Emit {"type":"level","sku","warehouse"[,"bin"],"on_hand","reserved",
 * "available"[,"promised","atp"],"inbound","picked","packed","damaged",
 * "returned","quarantine"}: on_hand counts sellable units in the bins,
 * reserved ones included; available = on_hand - reserved; promised the
 * units promised to orders (wf_promise.h) and atp = available - promised,
 * per SKU and warehouse (not by bin).  With a SKU and no stock, one
 * row of zeros.  Returns 0, WF_ENOTFOUND, WF_EUSAGE (bad by) or an error. */
int wf_stock_levels(wf_db *db, const struct wf_levels_query *q, wf_out *out);

/* `sku show`: emit SKU CODE's record, then its levels per warehouse (as
 * wf_stock_levels() by warehouse).  Returns 0, WF_ENOTFOUND for an unknown
 * SKU, or an error. */
int wf_stock_sku_show(wf_db *db, const char *code, wf_out *out);

struct wf_ledger_query {
	const char *sku;          /* NULL: all */
	const char *ref;          /* matches the cause or the holder; NULL: all */
	int         has_since;
	int64_t     since;
};

/* Emit the ledger's movements ({"type":"movement",...}), oldest first,
 * those of Q's SKU, reference and time when given.  Returns 0,
 * WF_ENOTFOUND for an unknown SKU, or an error. */
int wf_stock_ledger(wf_db *db, const struct wf_ledger_query *q, wf_out *out);

/* Emit {"type":"value","sku","warehouse","qty","unit_cost","value",
 * "currency"} per SKU and warehouse (on_hand, reserved, picked and packed
 * units at moving average cost, or the SKU's cost before any costed
 * receipt), then {"type":"value_total","currency","qty","value"} per
 * currency.  WAREHOUSE may be NULL (every one).  Everything is computed
 * before anything is emitted.  Returns 0, WF_ENOTFOUND for an unknown
 * warehouse, WF_EREFUSED (nothing emitted) when a value or a total is past
 * what money keeps (wf_money.h), or an error.  (levels.c) */
int wf_stock_value(wf_db *db, const char *warehouse, wf_out *out);

/* ---- adjustments ----------------------------------------------------------- */

/* A decision on a proposed adjustment ADJ-N (wf-stock adjust --propose).
 * approve  proposed -> approved, then booked (-> applied) unless DEFER;
 * apply    books an approved one (-> applied);
 * reject   proposed or approved -> rejected, with REASON (required).
 * Booking moves the units as adjust does; when the stock or the bin refuses
 * it, nothing changes. */
struct wf_adjustment_act {
	const char *adjustment;   /* its key, "ADJ-4" */
	const char *action;       /* approve, apply, reject */
	int         defer;        /* approve: leave it approved, to book later */
	const char *reason;       /* reject: why */
};

/* Take the decision and emit the adjustment as it is afterwards
 * ({"type":"adjustment",...}).  Returns 0, WF_EUSAGE for a malformed key
 * or a reject without a reason, WF_ENOTFOUND, WF_EREFUSED for an action its
 * state does not allow or a booking the stock refuses, or an error. */
int wf_stock_adjustment_act(wf_db *db, const struct wf_adjustment_act *a, wf_out *out);

/* Emit every adjustment in STATE (NULL: every one), by number.  Returns 0,
 * WF_EUSAGE for an unknown state, or an error. */
int wf_stock_adjustment_list(wf_db *db, const char *state, wf_out *out);

/* Emit adjustment KEY, then its history events, oldest first.  Returns 0,
 * WF_EUSAGE for a malformed key, WF_ENOTFOUND, or an error. */
int wf_stock_adjustment_show(wf_db *db, const char *key, wf_out *out);

/* ---- for other modules: ids, inside the caller's transaction -------------- */

/* SQL text: a WITH clause whose rows reserve_part(part) are the parts of
 * the ledger that have reservations: movement ids id >> 16, 65,536
 * movements to a part (migration 25).  Part 0 is the first row whether or
 * not it has any.  A part's reservations of a SKU are one search of
 * movement_reserve: join movement m ON m.id >> 16 = part AND m.sku_id = ...
 * AND m.action = 'reserve'.  A ledger of 100M movements has 1,526 parts. */
#define WF_SQL_RESERVE_PARTS \
	"WITH RECURSIVE reserve_part(part) AS (SELECT 0" \
	" UNION ALL SELECT (SELECT id >> 16 FROM movement" \
	"  WHERE action = 'reserve' AND id >> 16 > reserve_part.part" \
	"  ORDER BY id >> 16 LIMIT 1)" \
	" FROM reserve_part WHERE reserve_part.part IS NOT NULL) "

struct wf_stock_cache;

/* Reserve QTY of SKU_ID at warehouse WH_ID for REF (on_hand -> reserved).
 * Without PARTIAL it is all or nothing (WF_EREFUSED naming what is
 * available); with it, *got says how many were reserved.  ALLOCS, when not
 * NULL, receives {"bin","qty","movement"} objects.  C, when not NULL, is
 * the caller's cache of free bins (wf_stock_cache.h): the bins are read
 * from it and what is booked is taken from it; NULL reads them for this
 * call.  Returns 0, or WF_EREFUSED (also for a warehouse that is not
 * active), or an error. */
int wf_stock_reserve(wf_db *db, int64_t *got, cJSON *allocs, struct wf_stock_cache *c,
    int64_t sku_id, int64_t wh_id, int64_t qty, const char *ref, int partial);

/* Give back QTY of SKU_ID reserved for REF at WH_ID (reserved -> on_hand),
 * in the reverse of reservation order; ALLOCS as for wf_stock_reserve().
 * Returns 0, WF_EREFUSED when fewer are reserved, or an error. */
int wf_stock_unreserve(wf_db *db, cJSON *allocs, int64_t sku_id, int64_t wh_id,
    int64_t qty, const char *ref);

/* Move QTY units of SKU_ID held by HOLDER at WH_ID (0: any warehouse) from
 * physical state FROM to state TO, bin by bin, recording ACTION and CAUSE
 * (the cause reference; NULL: the holder).  TO may be "on_hand" (the units
 * stop being held), another held state, or "shipped" (they leave).
 * Returns 0, WF_EREFUSED when fewer are held, or an error. */
int wf_stock_advance(wf_db *db, int64_t sku_id, int64_t wh_id, const char *holder,
    int64_t qty, const char *from, const char *to, const char *action,
    const char *cause);

/* *QTY: the units of SKU_ID available to reserve at WH_ID (free on_hand
 * in usable bins).  Returns 0 or an error. */
int wf_stock_available(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id);

/* *QTY: the units of SKU_ID in STATE held by HOLDER (WH_ID 0: every
 * warehouse).  Returns 0 or an error. */
int wf_stock_held(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id,
    const char *holder, const char *state);

/* Book one raw movement (the ledger row; balances follow).  FROM_BIN or
 * TO_BIN 0 means outside.  A movement given no cost that takes units to a
 * customer (to "shipped") or back on hand from one (from "shipped" or
 * "returned") records the SKU's moving average cost at that moment (else
 * its cost before any costed receipt) in the SKU's currency: the cost of
 * goods sold, and what a return gives back; a SKU with neither books no
 * cost.  Returns 0 and *id (when ID is not NULL),
 * WF_EREFUSED naming what the source bin has when its balance is short, or
 * an error. */
struct wf_move {
	const char *action;
	int64_t     sku_id, qty;
	int64_t     from_bin;   const char *from_state;
	int64_t     to_bin;     const char *to_state;
	const char *holder, *ref, *reason;
	int         has_cost;
	int64_t     unit_cost;
	const char *currency;
};
int wf_stock_book(wf_db *db, int64_t *id, const struct wf_move *m);

/* Fold a receipt of QTY at UNIT_COST into SKU_ID's moving average (the
 * rule above), before the units are booked.  Returns 0, WF_EINPUT when the
 * average is out of range, or an error. */
int wf_stock_revalue(wf_db *db, int64_t sku_id, int64_t qty, int64_t unit_cost);

/* The ledger's invariants: balances match the movements, applied
 * adjustments are booked (`wf check`). */
extern const struct wf_invariant wf_stock_invariants[];

/* The record types this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_movement;
extern const struct wf_record_type wf_record_adjustment;

#endif
