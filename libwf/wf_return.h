/*
 * wf_return.h - returns (RMA-N): units of a shipped order coming back.
 *
 * A return is opened for up to the units of one SKU an order shipped and
 * has not yet put on a return (that is not rejected): requested, then
 * authorised at once, or left requested for a person to authorise or
 * reject.  When the units arrive they are booked back into stock (received):
 * in the condition they came in, at once (restocked or written_off), or
 * waiting as "returned" stock in their bin until a person inspects them and
 * restocks or writes them off; then the return is refunded and closed.  The order follows through its own
 * API (wf_order.h): its lines take the units back and it becomes
 * partially_returned or returned; a refund moves its finance state.
 *
 * Functions that take a wf_out run in their own transaction (a savepoint
 * inside a batch) and emit the return as {"type":"return",...}.
 *
 * Ownership: input structs and strings are borrowed for the call.
 */
#ifndef WF_RETURN_H
#define WF_RETURN_H

#include <stdint.h>

#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_RETURN "customer-service"

struct wf_return_open {
	const char *order, *sku, *reason;
	int64_t     qty;
	int         requested;   /* leave it requested (else: authorised) */
};

/* Open RMA-N for QTY units of SKU of ORDER, at most the shipped units not
 * already on a return (that are not rejected), authorised unless REQUESTED.
 * Returns 0, WF_EUSAGE for a missing qty or reason, WF_EINPUT for a bad
 * reason, WF_ENOTFOUND for an unknown order or SKU, WF_EREFUSED for more
 * than can come back. */
int wf_return_open(wf_db *db, const struct wf_return_open *r, wf_out *out);

/* Book a return's units back: CONDITION "sellable" -> on hand in BIN (or
 * the shipping warehouse's returns bin, made as WH/RETURNS if it has
 * none), "damaged" -> damaged there, and the RMA goes received, then
 * restocked or written_off; CONDITION NULL -> "returned" there, the RMA
 * received, to be inspected.  The order goes to partially_returned or
 * returned.  Returns 0, WF_EUSAGE for a bad condition or key, WF_ENOTFOUND
 * for an unknown return or bin, WF_EREFUSED for a transition the return's
 * state does not allow, a bin that is not active, or no shipment saying
 * where the units came from. */
int wf_return_receive(wf_db *db, const char *rma, const char *condition,
    const char *bin, wf_out *out);

/* Inspect a return received without a condition: CONDITION ("sellable" or
 * "damaged") is kept on it and it goes inspected; its units stay where they
 * wait.  Returns 0, WF_EUSAGE, WF_ENOTFOUND or WF_EREFUSED as receive does. */
int wf_return_inspect(wf_db *db, const char *rma, const char *condition, wf_out *out);

/* Book the units of a return received without a condition (inspected or
 * not) from "returned" to on hand (restock) or damaged (write_off), where
 * they wait or into BIN (may be NULL); the RMA goes restocked or
 * written_off.  A return inspected as damaged is not restocked
 * (WF_EREFUSED).  Returns 0, WF_EUSAGE, WF_ENOTFOUND or WF_EREFUSED. */
int wf_return_restock(wf_db *db, const char *rma, const char *bin, wf_out *out);
int wf_return_write_off(wf_db *db, const char *rma, const char *bin, wf_out *out);

/* A person's decision on a requested return: authorise it, or reject it
 * for REASON (kept in the event; its units may go on another return).
 * Returns 0, WF_EUSAGE (a missing reason), WF_EINPUT (a bad one),
 * WF_ENOTFOUND or WF_EREFUSED (the return's state). */
int wf_return_authorise(wf_db *db, const char *rma, wf_out *out);
int wf_return_reject(wf_db *db, const char *rma, const char *reason, wf_out *out);

/* Record a refund of AMOUNT (decimal text in the order's currency), at most
 * what was paid and not yet refunded; moves the order's finance state.
 * Returns 0, WF_EUSAGE for a bad amount or key, WF_ENOTFOUND, or
 * WF_EREFUSED (the return's state, or more than is left). */
int wf_return_refund(wf_db *db, const char *rma, const char *amount, wf_out *out);

/* Close a return.  Returns 0, WF_EUSAGE, WF_ENOTFOUND or WF_EREFUSED. */
int wf_return_close(wf_db *db, const char *rma, wf_out *out);

/* Emit return ID as a {"type":"return",...} record.  Returns 0,
 * WF_EINTERNAL when there is none, or an error. */
int wf_return_emit(wf_db *db, int64_t id, wf_out *out);

/* Emit order ORDER_ID's returns, oldest first. */
int wf_return_list_order(wf_db *db, int64_t order_id, wf_out *out);

/* A return the channel made (a Shopify refund's line items): open R as
 * wf_return_open() does, authorised, and book its units back at once into
 * the shipping warehouse's returns bin, restocked (RESTOCK: on hand) or
 * written off (damaged); the order takes them back.  Emits the return as
 * it ends.  Returns what wf_return_open() and wf_return_receive() do. */
int wf_return_channel(wf_db *db, const struct wf_return_open *r, int restock, wf_out *out);

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_return;

#endif
