/*
 * reconcile_priv.h - what wf-reconcile match (reconcile.c) shares with the
 * checks it runs over lines and orders (reconcile_check.c): printing a
 * decision, and raising and clearing a finance exception.
 *
 * Ownership: strings in a decision are the caller's; evidence given to
 * wf_match_raise is taken (freed), even on error.
 */
#ifndef RECONCILE_PRIV_H
#define RECONCILE_PRIV_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_db.h"

/* One `match` record: a decision and the rule that made it; NULL fields
 * print as null. */
struct wf_match_decision {
	const char *decision, *rule, *line, *payout, *order, *state, *exception;
};

/* Emit D to the db's writer.  Returns 0 or an output error. */
int wf_match_emit(wf_db *db, const struct wf_match_decision *d);

/* Raise KIND on TYPE REF, owner finance, with EVIDENCE (taken; NULL is
 * out of memory), impact |MONEY| in CURRENCY and NEXT as next action.
 * Returns 0 or an error. */
int wf_match_raise(wf_db *db, const char *kind, const char *type, const char *ref,
    cJSON *evidence, int64_t money, const char *currency, const char *next);

/* Resolve KIND on TYPE REF with NOTE when it is unresolved.  Returns 0 or
 * an error. */
int wf_match_clear(wf_db *db, const char *kind, const char *type, const char *ref,
    const char *note);

/*
 * The checks of reconcile_check.c, each raising its kind on what it finds
 * now, emitting one decision per exception raised, and resolving with a
 * note every unresolved exception of its kind it no longer finds:
 *  - fee_anomaly on payout REF (or the line's own key): charges whose fee
 *    rate is above 1.5x the median of the provider's charges of the 90
 *    days before, when there are at least WF_FEE_MIN_SAMPLE of them;
 *  - reserve_held on payout REF (or the line's own key): reserve holds a
 *    later reserve release of the provider and currency has not paid back,
 *    oldest hold released first;
 *  - refund_due on order REF: cancelled orders whose finance is paid,
 *    invoiced, partially refunded or reconciled, with money not refunded.
 * Each returns 0 or an error; none opens a transaction of its own.
 */
#define WF_FEE_MIN_SAMPLE 5
#define WF_FEE_WINDOW_DAYS 90
int wf_match_fees(wf_db *db);
int wf_match_reserves(wf_db *db);
int wf_match_refunds_due(wf_db *db);

#endif
