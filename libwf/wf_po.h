/*
 * wf_po.h - purchase orders, receiving and supplier follow-up.
 *
 * A purchase order PO-N orders lines of SKUs from one supplier
 * (wf_supplier.h) into one warehouse, in one currency (its SKUs'), and
 * moves through the "po" state machine: draft -send-> sent -confirm->
 * confirmed, receipts make it partially_received or received, close ends it
 * (a short shipment when partially received), cancel ends an order before
 * anything arrived.
 *
 * Stock.  From send on, a line's open quantity (ordered - received -
 * cancelled) is a balance in state inbound, held by the PO's key, at the
 * warehouse's inbound bin (the first bin of kind inbound by code, active
 * ones first; BIN "INBOUND" of kind inbound is created when the warehouse
 * has none), booked outside -> inbound with action 'expect'.  A receipt
 * moves inbound -> on_hand at the receiving bin with action 'receive' (one
 * movement, from the inbound bin, even when the receiving bin is another);
 * units beyond the open quantity (--allow-over only) come from outside.
 * Every receipt movement is held by (holder) the PO's key, so the ledger
 * says which units each PO brought.  A receipt with a unit cost folds into
 * the SKU's moving average before the units arrive.  Close and cancel book
 * what is still inbound out again with action 'unexpect'.
 *
 * Follow-up.  wf_po_followup() evaluates every open PO (sent, confirmed,
 * partially_received) against the clock, so a missed run loses nothing.
 * The reasons, and the one printed per PO (the first that holds, in this
 * order):
 *   overdue      sent or confirmed, nothing received, and past due
 *   partial      partially received and past due
 *   slipped      the confirmed date falls on a later day than the expected
 *   unconfirmed  sent, never confirmed, and past sent + confirm-within days
 * where due is the confirmed date, else the expected date, and "past" means
 * the clock is later than that time.  A follow-up recorded with `record` is
 * not printed again until the supplier's follow-up-every days have passed
 * since it was recorded, or the PO's reason differs from the last one
 * recorded.
 *
 * Exceptions.  An open PO whose reason holds has one exception of the kind
 * named after it: po_overdue, po_partial, po_slipped or po_unconfirmed
 * (wf_po_kinds), owned by the PO's owner, with the dates and open lines as
 * evidence, the open value and units as impact, and a next action naming
 * the supplier and its email.  It is brought up to date by every change of
 * the PO, by every follow-up run that records and by the supplier scan
 * (`wf-alert scan --kind supplier`, through wf_po_watch_each); the other
 * kinds are resolved with a note saying why (the reason that holds now,
 * or the PO received, closed or cancelled).
 *
 * Every changing call runs in one transaction (its own, or a savepoint in
 * the caller's) and emits the record as it is afterwards, inside it.
 *
 * Ownership: input structs and their strings are the caller's.
 */
#ifndef WF_PO_H
#define WF_PO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wf_check.h"
#include "wf_db.h"
#include "wf_exception.h"
#include "wf_out.h"
#include "wf_record.h"
#include "wf_supplier.h"

#define WF_PO_INBOUND_BIN  "INBOUND"
#define WF_PO_MAX_LINES    1000

/* ---- purchase orders ---------------------------------------------------------- */

/* One line to order.  COST is decimal text in the SKU's currency ("" : the
 * SKU's cost).  LINENO is the input line it came from (0: an argument). */
struct wf_po_line_in {
	char    sku[72];
	int64_t qty;
	char    cost[32];
	long    lineno;
};

/* Parse a SKU:QTY[@COST] argument ("MUG-1:20@4.10"; the SKU may contain
 * ':' and '@', the last ':' ends it).  Returns 0, or WF_EUSAGE naming the
 * argument and what is wrong. */
int wf_po_line_parse(const char *arg, struct wf_po_line_in *out);

struct wf_po_in {
	const char *supplier;        /* supplier code */
	const char *warehouse;       /* destination warehouse code */
	const char *owner;           /* NULL: the supplier's owner */
	int         has_expected;
	int64_t     expected;        /* default: now + the supplier's lead time */
	const struct wf_po_line_in *lines;
	size_t      nlines;
	/* With no lines: read {"type":"po_line","sku":..,"qty":..,"cost":".."}
	 * JSON lines from IN (named IN_NAME in errors); all or nothing.  A key
	 * of another name is refused, with the nearest known key. */
	FILE       *in;
	const char *in_name;
};

/* Create PO-N in state draft and emit its record:
 *   {"type":"po","po":"PO-7","supplier":..,"warehouse":..,"state":..,
 *    "currency":..,"expected":..,"confirmed_for":..,"lines":[{"sku","qty",
 *    "received","open","unit_cost","cancelled"}],"total":..,"owner":..,
 *    "sent_at":..,"confirmed_at":..,"reason":..}
 * Returns 0; WF_EUSAGE for a bad argument line (a cost with too many
 * decimals, a SKU twice, no cost anywhere); WF_EINPUT for the same on
 * stdin (located "stdin:3: ..."); WF_ENOTFOUND for an unknown supplier,
 * warehouse or SKU; WF_EREFUSED for a paused supplier, a closed warehouse,
 * a SKU that is not active, or SKUs of different currencies. */
int wf_po_create(wf_db *db, const struct wf_po_in *in, wf_out *out);

/* ---- reorder suggestions (po_suggest.c) ---------------------------------------- */

#define WF_PO_DEFAULT_COVER 14   /* days of demand an order covers past its lead time */

struct wf_po_suggest_opts {
	const char *supplier;        /* NULL: every supplier, and SKUs with none known */
	const char *warehouse;       /* NULL: every warehouse */
	int64_t     cover_days;      /* 1-365: the review period */
};

/* `wf-po suggest`: one {"type":"suggestion","sku","warehouse","supplier",
 * "qty","order_by","expected","reason","unit_cost","value","currency",
 * "position","reorder_point","target","cover_days"} record per active SKU
 * and warehouse whose position (wf_risk.h) is at or below its reorder
 * point: qty = target - position, target = demand over the lead time (14
 * days when none is known) plus COVER_DAYS, rounded up, plus the safety
 * stock.  supplier is the SKU's (its latest PO line's) or null; order_by
 * today, or the day that passed when the last day to order is gone;
 * expected today plus the lead time (null when none is known); reason the
 * risk status; unit_cost the SKU's cost, else its average cost, else null.
 * Sorted by supplier (none last), warehouse, SKU.  Returns 0, WF_EUSAGE
 * for cover days out of range, WF_ENOTFOUND for an unknown supplier or
 * warehouse, or an error. */
int wf_po_suggest(wf_db *db, const struct wf_po_suggest_opts *o, wf_out *out);

/* `wf-po create --from-suggestions`: read suggestion records (as
 * wf_po_suggest prints them; other keys refused) from IN, named IN_NAME in
 * errors, and create one draft PO per supplier and warehouse, in the order
 * they first appear, each line at the suggestion's unit_cost (else the
 * SKU's cost), emitting each PO as wf_po_create does.  All or nothing.
 * Returns 0; WF_EINPUT for a bad line (located), a suggestion with no
 * supplier, a SKU twice for one PO, or no suggestions; or wf_po_create's
 * codes. */
int wf_po_create_suggested(wf_db *db, FILE *in, const char *in_name, wf_out *out);

/* Parse "PO-7" into 7.  Returns 0 or WF_EUSAGE. */
int wf_po_parse_key(int64_t *id, const char *key);

/* The changes of a PO: each takes the PO's key ("PO-7"), runs in one
 * transaction, emits the PO as it is afterwards and brings its exceptions
 * up to date.  Each returns 0; WF_EUSAGE for a malformed key; WF_ENOTFOUND
 * for an unknown PO; WF_EREFUSED for an action its state does not allow
 * (naming the legal ones) or for the reasons below; or a database error. */

/* draft -> sent: books each line's open quantity inbound at the
 * warehouse's inbound bin (see above).  Refused for a paused supplier. */
int wf_po_send(wf_db *db, const char *po, wf_out *out);

/* Record the supplier's confirmation: confirmed_for = DATE (HAS_DATE 0:
 * the expected date), confirmed_at = now.  Allowed again to move the
 * date. */
int wf_po_confirm(wf_db *db, const char *po, int has_date, int64_t date, wf_out *out);

struct wf_po_receipt {
	const char *po, *sku;
	int64_t     qty;             /* > 0 */
	const char *bin;             /* "WH/BIN" in the PO's warehouse; NULL:
	                                where the inbound units are */
	int         allow_over;      /* accept more than is open */
};

/* Book a receipt (see above); the PO becomes partially_received, or
 * received when every line has arrived.  WF_EREFUSED for a SKU not on the
 * PO, an over-receipt without allow_over, a bin of another warehouse or a
 * blocked bin, or a PO that takes no receipts (naming the legal actions). */
int wf_po_receive(wf_db *db, const struct wf_po_receipt *r, wf_out *out);

/* Close a received or partially received PO; what is still open is
 * cancelled and its inbound units booked out. */
int wf_po_close(wf_db *db, const char *po, wf_out *out);

/* Cancel a draft, sent or confirmed PO with REASON (required); inbound
 * units are booked out. */
int wf_po_cancel(wf_db *db, const char *po, const char *reason, wf_out *out);

struct wf_po_query {
	const char *state;           /* NULL: any */
	const char *supplier;        /* NULL: any */
};

/* Emit the matching POs, by number.  WF_EUSAGE for an unknown state,
 * WF_ENOTFOUND for an unknown supplier. */
int wf_po_list(wf_db *db, const struct wf_po_query *q, wf_out *out);

/* Emit the PO's record, then its history events, oldest first.  Returns 0,
 * WF_EUSAGE for a malformed key, WF_ENOTFOUND, or an error. */
int wf_po_show(wf_db *db, const char *po, wf_out *out);

/* Emit the follow-ups due now (rules above), one per PO, by number:
 *   {"type":"followup","po":"PO-7","supplier":..,"email":..,"reason":..,
 *    "subject":..,"body":..,"due":..}
 * Without RECORD nothing is written: what would be sent, printed.  With
 * RECORD, book each as sent (po_followup and a "followup" history event)
 * and bring the PO exceptions up to date on the way.  One transaction;
 * returns 0 or an error.  (po_followup.c) */
int wf_po_followup(wf_db *db, int record, wf_out *out);

/* The PO exception kinds, in the order of their precedence (NULL-ended). */
extern const char *const wf_po_kinds[];
#define WF_PO_NKINDS 4

/* An open PO as the supplier scan sees it: the exception it should have
 * (want: NULL when no reason holds; its kind is wf_po_kinds[kind]) and,
 * for every other kind, the note that resolves it.  Valid during the
 * callback only. */
struct wf_po_watch {
	const char *po, *state;
	int                    kind;               /* -1: none */
	const struct wf_raise *want;
	const char            *notes[WF_PO_NKINDS]; /* NULL at KIND */
};

/* Call FN on every open PO, by number, with what holds for it at the
 * db's clock; stop at the first non-zero return and return it.  Writes
 * nothing itself.  (po_watch.c) */
int wf_po_watch_each(wf_db *db, int (*fn)(const struct wf_po_watch *w, void *arg),
    void *arg);

/* The POs' invariants: inbound stock matches open lines, receipts match
 * the ledger, dates and quantities match the state (`wf check`). */
extern const struct wf_invariant wf_po_invariants[];

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_po;

#endif
