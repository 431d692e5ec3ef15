/*
 * wf_shipment.h - shipments (SH-N): what leaves a warehouse for an order.
 *
 * A shipment belongs to one order and one warehouse.  The order's actions
 * (wf_order.h) drive them: pick opens one per warehouse holding the order's
 * units (planned) and picks it, pack packs it; ship ships the one of the
 * leg's warehouse (opening it when the order was never picked), moving the
 * units out through the ledger with the shipment's key as the cause and
 * recording which order lines' units it carries; cancel cancels those not
 * shipped.  A shipment opened before it ships may have no carrier yet.
 * The shipment machine (wf-states(7)) runs planned ... delivered; in_transit,
 * failed and returned_to_sender follow the carrier's tracking events, which
 * the order module reads (wf-order track) and applies here.  Shipments open at pick,
 * not at reservation, so that routing, which reserves, writes no more.
 *
 * Orders drive shipments, never the reverse: this module calls no order
 * API, so the order module can call it.
 *
 * Functions here run in the caller's transaction.
 *
 * Ownership: input structs and strings are borrowed for the call; records
 * emitted to OUT are the writer's.
 */
#ifndef WF_SHIPMENT_H
#define WF_SHIPMENT_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_SHIPMENT "fulfilment"

struct wf_shipment_in {
	int64_t     order_id, wh_id;
	const char *order;                      /* the order's key */
	const char *carrier, *service, *tracking;
	int         has_cost;
	int64_t     cost;                       /* minor units of CURRENCY */
	const char *currency;
};

/* Open a shipment for IN (planned), with its create event; IN's carrier,
 * service, tracking and cost may be NULL or unset.  *id receives its id and
 * KEY its key ("SH-3").  Returns 0 or a database error. */
int wf_shipment_open(wf_db *db, int64_t *id, char key[WF_KEY_LEN],
    const struct wf_shipment_in *in);

/* Record that shipment ID carries QTY units of order line LINE_ID.
 * Returns 0 or a database error. */
int wf_shipment_add_line(wf_db *db, int64_t id, int64_t line_id, int64_t qty);

/* The open shipment (planned, picked or packed) of order ORDER_ID at
 * warehouse WH_ID: 1 with *id and KEY, 0 when there is none, or a database
 * error. */
int wf_shipment_find_open(wf_db *db, int64_t *id, char key[WF_KEY_LEN], int64_t order_id,
    int64_t wh_id);

/* Take shipment ID (key KEY) through ACTION of its machine ("pick", "pack",
 * "cancel").  Returns 0, WF_EREFUSED when its state does not allow it, or a
 * database error. */
int wf_shipment_step(wf_db *db, int64_t id, const char *key, const char *action);

/* Ship shipment ID (key KEY) with IN's carrier (required) and service, and
 * its tracking and cost when IN has them: shipped_at is now, and the ship
 * transition, whose event names carrier, service and tracking.  Returns 0,
 * WF_EREFUSED when the machine does not allow it, or a database error. */
int wf_shipment_ship(wf_db *db, int64_t id, const char *key, const struct wf_shipment_in *in);

/* Cancel every shipment of order ORDER_ID that has not shipped.  Returns 0
 * or an error. */
int wf_shipment_cancel_order(wf_db *db, int64_t order_id);

/* Deliver every shipment of order ORDER_ID that is shipped or in transit:
 * the deliver transition, and delivered_at is now.  Returns 0 or an error. */
int wf_shipment_deliver_order(wf_db *db, int64_t order_id);

/* Where order ORDER_ID's units of SKU_ID left from: the warehouse of the
 * first shipment that carried some.  Returns 1 and *wh_id, 0 when no
 * shipment did (or it names no warehouse), or a database error. */
int wf_shipment_origin(wf_db *db, int64_t *wh_id, int64_t order_id, int64_t sku_id);

/* ---- carrier tracking (wf-order track) ---- */

/* A shipment as its tracking number finds it. */
struct wf_shipment_info {
	int64_t id, order_id, wh_id;            /* wh_id 0: no warehouse */
	char    key[WF_KEY_LEN];                /* "SH-3" */
	char    order[200];                     /* its order's key */
	char    state[24];
	char    carrier[64];                    /* "" when none */
	int     has_tracked;                    /* a carrier event was applied */
	int64_t tracked_at;                     /* the carrier's time of the latest */
};

/* The shipment whose tracking number is TRACKING, into *info: the newest
 * one when a carrier has reused the number.  Returns 1, 0 when no shipment
 * has it, or a database error. */
int wf_shipment_find_tracking(wf_db *db, struct wf_shipment_info *info, const char *tracking);

/* Apply a carrier event of time AT to shipment S: its tracked_at becomes AT
 * when that is later (it never goes back), then ACTION of its machine ("transit", "deliver", "fail", "retry",
 * "return_to_sender") with DATA (taken, may be NULL) as the event's data,
 * delivered_at AT when it is delivered; or, ACTION NULL, a "track" event
 * with DATA and no state change.  S's state and tracked_at follow.  The
 * caller decides whether an event older than S->tracked_at applies.  Returns 0,
 * WF_EREFUSED when the machine does not allow ACTION, or a database
 * error. */
int wf_shipment_track(wf_db *db, struct wf_shipment_info *s, const char *action, int64_t at,
    cJSON *data);

/* ---- channel fulfillments (wf-order import --from shopify-fulfillment) ---- */

/* The shipment that stands for the channel's fulfillment FULFILLMENT
 * ("shopify:255858046"), into *info, its tracking number into TRACKING
 * ("" when none) and the channel's updated_at of the snapshot applied into
 * *at (*has_at 0 when none).  Returns 1, 0 when no shipment has it, or a
 * database error. */
int wf_shipment_find_fulfillment(wf_db *db, struct wf_shipment_info *info,
    char tracking[129], int *has_at, int64_t *at, const char *fulfillment);

/* The newest shipment of order ORDER_ID that shipped and stands for no
 * fulfillment yet, with tracking number TRACKING (NULL: any that shipped
 * now, at the database's clock), into *id.  Returns 1, 0 when there is
 * none, or a database error. */
int wf_shipment_find_unfulfilled(wf_db *db, int64_t *id, int64_t order_id,
    const char *tracking);

/* Shipment ID (key KEY) stands for FULFILLMENT as of the channel's time
 * HAS_AT/AT; CARRIER and TRACKING (each may be NULL: kept as they are)
 * replace its own; a "fulfillment" event with DATA (taken, may be NULL).
 * Returns 0 or a database error (WF_EREFUSED: another shipment has
 * FULFILLMENT). */
int wf_shipment_fulfil(wf_db *db, int64_t id, const char *key, const char *fulfillment,
    int has_at, int64_t at, const char *carrier, const char *tracking, cJSON *data);

/* How far the shipments of one order are, leaving cancelled ones out. */
struct wf_shipment_legs {
	int64_t open;        /* shipments not cancelled */
	int64_t delivered;   /* of them, delivered */
	int64_t failed;      /* of them, failed or returned to sender */
};

/* The legs of order ORDER_ID into *legs.  Returns 0 or a database error. */
int wf_shipment_order_legs(wf_db *db, struct wf_shipment_legs *legs, int64_t order_id);

/* Emit shipment ID as wf_shipment_emit() does, with "tracked_at", the
 * carrier's STATUS and MESSAGE (either may be NULL) and "result":RESULT.
 * Returns 0 or an error. */
int wf_shipment_emit_tracked(wf_db *db, int64_t id, const char *status, const char *message,
    const char *result, wf_out *out);

/* Emit shipment ID as {"type":"shipment","shipment":"SH-3",...}.  Returns
 * 0, WF_EINTERNAL when there is none, or an error. */
int wf_shipment_emit(wf_db *db, int64_t id, wf_out *out);

/* Emit order ORDER_ID's shipments, oldest first. */
int wf_shipment_list_order(wf_db *db, int64_t order_id, wf_out *out);

/* Emit shipments, newest first; STATE (may be NULL) limits them to one
 * state.  Returns 0, WF_EUSAGE for a state the machine does not have, or
 * an error. */
int wf_shipment_list(wf_db *db, const char *state, wf_out *out);

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_shipment;

#endif
