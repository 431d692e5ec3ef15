/*
 * wf_scan.h - `wf-alert scan`: the rules that watch the database as of the
 * clock and keep the exception queue in step with it.
 *
 * A scan kind (stock, order and supplier; finance is wf-reconcile match) is a row of
 * a table in scan.c: its name, the exception kinds it raises and the
 * function that evaluates its rules.  Every kind keeps the same promises:
 *
 *  - one exception per condition, deduplicated on kind + subject (+
 *    warehouse, carried in the subject's key: see below); a condition that
 *    holds opens it, or updates it when its evidence, impact, next action or
 *    priority changed;
 *  - a condition that has cleared resolves its exception with a note saying
 *    why; a kind may require it to clear by a margin first (hysteresis), so
 *    an exception does not open and resolve on alternate runs;
 *  - idempotent: a run that finds what the last one found writes nothing,
 *    takes no write lock and prints nothing (an unchanged exception is not
 *    printed); one line is printed per exception opened, updated or
 *    resolved;
 *  - a dismissed exception stays dismissed: the operator said it is not a
 *    problem, and the scan does not raise it again (`wf-alert reopen` does);
 *    a resolved one whose condition holds again is opened again;
 *  - all the changes of a run are one transaction (--dry-run rolls it back
 *    and still prints them).
 *
 * Stock exceptions are about a SKU at a warehouse, and the queue keeps one
 * per kind and subject, so their subject's key is "SKU@WH" (`sku MUG-1@BER`
 * in `wf-alert list`): a SKU code may hold '@', a warehouse code never, so
 * the last '@' splits it.  The scan prints the subject as "sku MUG-1" and
 * the warehouse as its own field.
 */
#ifndef WF_SCAN_H
#define WF_SCAN_H

#include <stdint.h>

#include "wf_db.h"
#include "wf_out.h"
#include "wf_risk.h"

#define WF_SCAN_HYSTERESIS 10      /* percent of the reorder point */
#define WF_SCAN_OWNER "purchasing" /* who stock exceptions go to */
#define WF_SCAN_STUCK_NEW      24  /* hours an order may stay new, */
#define WF_SCAN_STUCK_ON_HOLD  48  /* on hold */
#define WF_SCAN_STUCK_RESERVED 72  /* and reserved before it is stuck */
#define WF_SCAN_UNPAID_DAYS     7  /* days from placed to unpaid */
#define WF_SCAN_DRIFT_PCT      25  /* slower than the stated lead time by more */
#define WF_SCAN_DRIFT_DAYS     90  /* in the receipts of this many days, */
#define WF_SCAN_DRIFT_MIN       3  /* at least this many of them */
#define WF_SCAN_DRIFT_PRIORITY 20  /* the fixed priority of a drift */

struct wf_scan_opts {
	const char *kind;              /* "stock"; NULL: every kind */
	struct wf_risk_opts risk;      /* window, service level, overstock */
	int64_t     hysteresis_pct;    /* 0-100 */
	int64_t     stuck_new_hours, stuck_on_hold_hours, stuck_reserved_hours; /* 1-8760 */
	int64_t     unpaid_days;       /* 1-365 */
	int64_t     drift_pct;         /* 1-1000 */
	int         has_fail_on;
	int64_t     fail_on;           /* 0-100 */
};

/* Fill O with the defaults: every kind, the risk defaults, 10%, and the
 * order limits above. */
void wf_scan_defaults(struct wf_scan_opts *o);

/* The scan kinds, "stock, ..." for messages, into a static string. */
const char *wf_scan_kind_names(void);

/* Run the scan of O->kind (every kind when NULL) and emit one
 * {"type":"exception",...,"result":"opened|updated|resolved"} record per
 * exception it changed.  With has_fail_on, after the scan: WF_EREFUSED
 * (exit 1) when an exception of a kind the scan raises (for the order
 * scan, routing's unroutable ones too, which it keeps in step) is open,
 * acknowledged or in progress at priority fail_on or more (the changes
 * are made and printed all the same).  Returns 0, WF_EUSAGE for an unknown
 * kind or an option out of range, WF_EREFUSED as said, or an error
 * (nothing written). */
int wf_scan_run(wf_db *db, const struct wf_scan_opts *o, wf_out *out);

#endif
