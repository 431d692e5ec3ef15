/*
 * wf_payout.h - payouts from payment providers and marketplaces, and their
 * lines (PROVIDER:ID).
 *
 * A payout is the money a provider sends to the bank in one transfer:
 * shopify:623721858, stripe:po_1Moqx..., amazon:6016502941 (a settlement),
 * paypal:5TY05013RG002845M (a withdrawal).  Its lines are the provider's
 * balance transactions: each normalised to one category (charge, refund,
 * fee, dispute, dispute_reversal, adjustment, reserve_hold, reserve_release,
 * transfer, other) with signed gross, fee and net in minor units of its
 * currency (net = gross - fee; fee is what the provider kept), the
 * provider's ids and type, and the order it names.  A line is keyed by its
 * provider and the provider's transaction id, so importing it again changes
 * nothing, and may arrive before its payout, or without one (Stripe balance
 * transactions do not name theirs; PayPal keeps money in a balance).
 *
 * Importing (wf_payout_import) reads a provider's export as it comes and
 * writes payouts and lines idempotently, with history events on the payout,
 * and opens exceptions (owner finance) for what the provider's numbers do
 * not explain: payout_unbalanced when the lines' net does not add up to the
 * payout's amount, unknown_category for a type the importer does not know.
 * Matching lines to orders, and the payout state machine past `imported`,
 * are wf-reconcile's second half; the calls at the end are its seams.
 *
 * Ownership: records emitted are taken by the writer; strings in the query
 * and import structs stay the caller's; rows handed to callbacks are valid
 * only during the call.
 */
#ifndef WF_PAYOUT_H
#define WF_PAYOUT_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

/* The owner of payouts and of the exceptions their import opens. */
#define WF_OWNER_PAYOUT "finance"

/* The exception kinds the import raises (subject: payout REF). */
#define WF_EX_PAYOUT_UNBALANCED "payout_unbalanced"
#define WF_EX_UNKNOWN_CATEGORY  "unknown_category"

/* The line categories, NULL-terminated, in the schema's order. */
extern const char *const wf_payout_categories[];

enum wf_payout_format {
	WF_PAYOUT_GENERIC,       /* Workform's payout and payout_line records */
	WF_PAYOUT_STRIPE,        /* balance transactions and payouts */
	WF_PAYOUT_SHOPIFY,       /* Shopify Payments payouts and transactions */
	WF_PAYOUT_AMAZON,        /* settlement flat file, older layout or V2 */
	WF_PAYOUT_PAYPAL         /* transaction search */
};

/* "generic", "stripe", "shopify", "amazon" or "paypal" into *f.  Returns
 * 0, or WF_EUSAGE naming the formats. */
int wf_payout_format_parse(const char *s, enum wf_payout_format *f);

struct wf_payout_import {
	enum wf_payout_format format;
	/* The channel of the orders lines name: shopify:ID, amazon:ORDER-ID.
	 * NULL: the provider's own name; PayPal's invoice_id names an order
	 * only with a channel (or when it is a key CHANNEL:ID itself). */
	const char *channel;
	/* Lines that name no payout of their own belong to this one ("ID", or
	 * "PROVIDER:ID" of the importer's provider).  NULL: they stay without
	 * a payout until one names them. */
	const char *payout;
};

/*
 * Import B->in (named B->name in messages) in format IMP->format, in one
 * transaction: every line and payout applies, or none does (B->keep_going
 * skips bad records and applies the rest).  Emits, to the db's writer, one
 * payout_line record per line as it is read, with "result" created, updated
 * or unchanged, then one payout record per payout the input touched, with
 * its result; a re-import of the same input prints only unchanged and
 * writes nothing.  Payouts whose lines changed are checked: lines whose net
 * does not add up to the amount open (or update) payout_unbalanced, lines
 * that do resolve it; lines of unknown types open unknown_category.
 * JSON formats take the document as the provider writes it (a list
 * document or JSON lines, pretty-printed or not); amazon reads the
 * tab-separated flat file.  Returns 0, WF_EUSAGE (a bad channel or
 * payout), WF_EINPUT for bad input (located: "stdin:3: amount: ...",
 * nothing applied), WF_EREFUSED for input that contradicts what is stored
 * (a line moved to another payout, a payout's currency changed), or a
 * database or output error. */
int wf_payout_import(wf_db *db, struct wf_batch *b, const struct wf_payout_import *imp);

struct wf_payout_query {
	const char *state;       /* NULL: every state */
	const char *provider;    /* NULL: every provider */
};

/* Emit the matching payouts as payout records, latest arrival first.
 * Returns 0, WF_EUSAGE for an unknown state, or an error. */
int wf_payout_list(wf_db *db, const struct wf_payout_query *q, wf_out *out);

/* Emit payout REF, then its lines as payout_line records in the order they
 * were posted.  Returns 0, WF_ENOTFOUND, or an error. */
int wf_payout_show(wf_db *db, const char *ref, wf_out *out);

struct wf_payout_line_query {
	const char *provider;    /* NULL: every provider */
	const char *payout;      /* a payout's REF; NULL: any */
	const char *category;    /* NULL: any */
	const char *order;       /* lines naming this order key; NULL: any */
	int         unassigned;  /* only lines in no payout yet */
};

/* Emit the matching lines as payout_line records, in the order they were
 * posted.  Returns 0, WF_EUSAGE for an unknown category, WF_ENOTFOUND for
 * an unknown payout, or an error. */
int wf_payout_lines(wf_db *db, const struct wf_payout_line_query *q, wf_out *out);

/* ---- for matching (wf-reconcile's second half) ---------------------------- */

struct wf_payout_info {
	int64_t id;
	char    ref[168];
	char    provider[40];
	char    state[16];
	char    currency[4];
	int     has_amount;
	int64_t amount;
	char    arrival[11];     /* "YYYY-MM-DD", or "" */
};

/* Look up payout REF: *found 1 with INFO filled, or 0.  Returns 0 or a
 * database error. */
int wf_payout_find(wf_db *db, struct wf_payout_info *info, int *found, const char *ref);

/* What a payout's lines add up to.  The payout's own transfer to the bank
 * (is_payout) is not part of it. */
struct wf_payout_sum {
	int64_t lines;           /* every line of the payout */
	int64_t summed;          /* the lines in the sum */
	int64_t net;             /* their net */
	int     has_amount;      /* the payout's amount is known */
	int64_t amount;
	int     checkable;       /* amount known and at least one line summed */
	int64_t difference;      /* net - amount, when checkable */
	int     has_transfer;    /* the payout's own line is there */
	int64_t transfer;        /* its net: -amount when the two agree */
};

/* Sum payout ID's lines into *sum.  Returns 0, WF_EINPUT when the sum
 * passes the money limit, or a database error. */
int wf_payout_sum(wf_db *db, struct wf_payout_sum *sum, int64_t id);

/* One line as stored, for a callback. */
struct wf_payout_line_row {
	int64_t     id;
	int64_t     payout_id;   /* 0: in no payout yet */
	const char *payout;      /* its REF, or NULL */
	const char *provider, *provider_id, *category, *provider_type, *status;
	int         unmapped, is_payout, net_differs;
	const char *currency;
	int64_t     gross, fee, net;
	const char *provider_order, *order_ref, *payment_id, *description;
	int64_t     order_id;    /* 0: not linked to an order yet */
	int64_t     posted_at;
	int         has_available;
	int64_t     available_at;
};

typedef int (*wf_payout_line_fn)(void *arg, const struct wf_payout_line_row *l);

/* Call FN for each line matching Q, in the order they were posted, until
 * it returns nonzero (which is returned).  FN must not write to the
 * database.  Returns 0, WF_EUSAGE, WF_ENOTFOUND, FN's code, or an error. */
int wf_payout_line_each(wf_db *db, const struct wf_payout_line_query *q,
    wf_payout_line_fn fn, void *arg);

/* Link line LINE_ID to order ORDER_ID (0: unlink), recording RULE (the
 * matching tier that decided, such as "provider_order") in a `link_line`
 * event on the payout.  Linking a line to the order it is linked to changes
 * nothing.  Runs in the caller's transaction or its own.  Returns 0,
 * WF_ENOTFOUND (no such line or order), or a database error. */
int wf_payout_line_link(wf_db *db, int64_t line_id, int64_t order_id, const char *rule);

/* Link line LINE_ID, which is linked to no order yet, to order ORDER_ID
 * (its REF ORDER), recording RULE as wf_payout_line_link does, for a
 * caller that has read the line and found the order itself: the line and
 * the order are not read again.  PROVIDER_ID is the line's provider's id,
 * SUBJECT its payout's REF (or its own key PROVIDER:ID when it is in no
 * payout).  Runs in the caller's transaction.  Returns 0, WF_EINTERNAL
 * when the line is linked already or gone (nothing written), or a
 * database error. */
int wf_payout_line_link_known(wf_db *db, int64_t line_id, const char *provider_id,
    const char *subject, int64_t order_id, const char *order, const char *rule);

/* Apply ACTION (match, mismatch, reconcile, accept) to payout REF through
 * its state machine, with DATA (taken, may be NULL) in the event; *to, when
 * not NULL, receives the new state.  Returns 0, WF_ENOTFOUND, WF_EREFUSED
 * for an illegal transition (nothing changed), or a database error. */
int wf_payout_act(wf_db *db, const char **to, const char *ref, const char *action,
    cJSON *data);

/* ---- matching (reconcile.c) ------------------------------------------------ */

/* The exceptions matching raises and resolves (owner finance).  Subject
 * payout REF (or the line's own key when it is in no payout yet): */
#define WF_EX_UNKNOWN_PAYMENT   "unknown_payment"
#define WF_EX_FEE_ANOMALY       "fee_anomaly"
#define WF_EX_RESERVE_HELD      "reserve_held"
/* Subject order REF: */
#define WF_EX_MISSING_IN_PAYOUT "missing_in_payout"
#define WF_EX_AMOUNT_MISMATCH   "amount_mismatch"
#define WF_EX_REFUND_MISMATCH   "refund_mismatch"
#define WF_EX_DISPUTE_OPEN      "dispute_open"
#define WF_EX_DISPUTE_LOST      "dispute_lost"
#define WF_EX_REFUND_DUE        "refund_due"

struct wf_match_opts {
	int         window_days;     /* tier 3's window, and missing_in_payout's */
	const char *tolerance;       /* decimal amount; NULL: 0 */
};

/*
 * Match every charge, refund, dispute and dispute reversal line not linked
 * yet to an order, in tiers, the first that decides winning: the order the
 * provider names (provider_order); the payment id kept at order import
 * (payment_id, order_payment); a charge's amount
 * and currency among orders placed in the window days before it was posted,
 * with no charge yet, only when exactly one fits (amount_window).  Lines no
 * tier explains open unknown_payment on their payout.  Then every order the
 * lines name is decided: disputes (finance dispute, lose when a dispute
 * line's status is "lost", win on a dispute reversal or status "won";
 * dispute_open, dispute_lost), charges and refunds against what the order
 * paid and refunded beyond the tolerance (amount_mismatch,
 * refund_mismatch), and finance reconcile when everything agrees and sits
 * in payouts, the event naming the payout line.  Orders paid but whose
 * charge is in no payout of their channel window days after that
 * channel's latest settled charge open missing_in_payout.  Every payout the
 * lines are in moves: mismatch while a line is unexplained, an order
 * disagrees or the lines do not add up; else matched, and reconciled when
 * its amount is known.  Then the checks of reconcile_check.c: fee_anomaly
 * (a charge's fee rate above 1.5x its provider's median of the 90 days
 * before, over at least 5 charges), reserve_held (reserve holds no release
 * has paid back) and refund_due (a cancelled order with money paid and not
 * refunded).  Exceptions whose condition is gone are resolved.
 * Emits one `match` record per decision, with the rule that made it.  One
 * transaction.  Returns 0, WF_EUSAGE for a bad window or tolerance, or an
 * error. */
int wf_reconcile_match(wf_db *db, const struct wf_match_opts *o);

/*
 * Accept payout REF as it is: a payout in mismatch whose difference finance
 * has looked at and agrees to (a provider's rounding, a fee it will not
 * refund) moves to reconciled through the payout machine's accept row, the
 * event's data naming REASON (required, free text of at most 500 bytes) and
 * the actor.  Its open payout_unbalanced and unknown_payment exceptions are
 * resolved with a note naming the acceptance.  The acceptance covers the
 * lines the payout has then: `wf-reconcile match` does not raise
 * unknown_payment again for them, but does for a line without an order
 * imported into it later (or changed since), and the import raises
 * payout_unbalanced again when a later line leaves it not adding up.
 * Emits the payout
 * record with "result":"accepted".  One transaction.  Returns 0, WF_EUSAGE
 * (no reason, or one with a control character), WF_ENOTFOUND, WF_EREFUSED
 * from the state engine for a payout not in mismatch (nothing changed), or
 * an error. */
int wf_payout_accept(wf_db *db, const char *ref, const char *reason);

/*
 * Where the money is, one `cash` record per provider and currency (sorted by
 * provider, then currency; orders whose provider is not known yet last,
 * with provider null), never adding two currencies:
 *  expected    orders paid (finance paid, invoiced or partially refunded)
 *              whose charge is in no payout yet: what they paid less what
 *              was refunded; the provider of their charge line, else the
 *              one their import kept (order_payment), else null;
 *  in_transit  payouts not arrived by the clock's date (UTC): an arrival
 *              after today, or none and a provider status other than paid;
 *  received    payouts arrived: an arrival today or before, or none and the
 *              provider's status paid (a payout's amount, or while it is not
 *              known, its lines' net);
 *  held        reserve holds less releases (never below 0), and disputes
 *              neither won nor lost on orders with no dispute reversal.
 * PROVIDER (may be NULL) keeps that provider's records only.  Writes
 * nothing.  Returns 0, WF_EUSAGE for a PROVIDER that is not a provider's
 * name (1-32 of [A-Za-z0-9._-]), WF_EINPUT when a sum passes the money
 * limit, or an error. */
int wf_reconcile_cash(wf_db *db, const char *provider);

struct wf_value_query {
	const char *warehouse;   /* NULL: every one */
	int         has_since, has_until;
	int64_t     since, until;   /* the counts' time: since <= t < until */
};

/* Inventory value by warehouse: one `inventory_value` record per warehouse
 * and currency ({"warehouse","currency","skus","qty","value"}, sorted by
 * warehouse, then currency), the sums of the value records wf_stock_value
 * prints for it, so each equals `wf-stock value --warehouse WH`'s total and
 * together they equal `wf-stock value`'s.  Then one `count_variance`
 * record per warehouse and currency whose counts (wf-stock count) found or
 * lost units in the period ({"warehouse","currency","counts","found",
 * "lost","qty","found_value","lost_value","value","since","until"}, sorted
 * the same way): the units each count booked, valued at the moving average
 * cost the ledger kept on its movement; units of counts booked without a
 * cost (before the ledger kept one, or of a SKU with no cost) in a record
 * whose currency and values are null.  Q->warehouse may be NULL (every
 * one).  Writes nothing.  Returns 0, WF_EUSAGE when until is not after
 * since, WF_ENOTFOUND for an unknown warehouse, WF_EREFUSED when a value
 * passes what money keeps, or an error. */
int wf_reconcile_value(wf_db *db, const struct wf_value_query *q);

struct wf_margin_query {
	const char *by;          /* "order" (NULL), "sku", "channel" or "month" */
	int         has_since, has_until;
	int64_t     since, until;   /* the orders' ship time: since <= t < until */
};

/*
 * What each shipped order kept, one `margin` record per order (by ship
 * time), or per SKU, channel or month (UTC) and currency, sorted by key
 * then currency: revenue without tax, less COGS at the moving average cost
 * each unit shipped at (less what its returns put back on hand), payment
 * fees (the matched charge and refund lines' fees, "settled"; else
 * "estimated" at its provider's median charge fee rate), shipping cost,
 * marketplace fees, refunds (without tax) and chargebacks.  The rules,
 * rounding and the split by SKU (largest remainder, so the parts add up to
 * the order to the cent) are at the top of reconcile_margin.c.  Never
 * adds two currencies: a cost in another currency than its order's is
 * named in "unconverted" and the row has no margin.  Writes nothing.
 * Returns 0, WF_EUSAGE for a bad BY or an empty period, WF_EINPUT when a
 * sum passes the money limit, or an error. */
int wf_reconcile_margin(wf_db *db, const struct wf_margin_query *q);

/* The payout invariants for wf check. */
extern const struct wf_invariant wf_payout_invariants[];

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_payout;

#endif
