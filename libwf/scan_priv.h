/*
 * scan_priv.h - what the scan driver (scan.c) gives each scan kind
 * (scan_stock.c, ...): the exceptions already in the queue, and raising
 * and clearing them with the promises of wf_scan.h (unchanged ones left
 * alone, dismissed ones never raised again, one write transaction begun
 * at the first change, a line printed per change).
 *
 * Ownership: strings in a scan_want are the caller's; scan_ex arrays are
 * freed with scan_ex_free().
 */
#ifndef SCAN_PRIV_H
#define SCAN_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "wf_exception.h"
#include "wf_scan.h"

struct scan {
	wf_db  *db;
	wf_out *out;
	const struct wf_scan_opts *o;
	int     began;                 /* the write transaction is open */
};

/* An exception of one of a kind's exception kinds, already in the queue. */
struct scan_ex {
	int64_t id;
	int     kind;                  /* index into the kind names */
	int     open;                  /* open, acknowledged, in progress, snoozed */
	int     dismissed;
	char   *ref;                   /* subject_ref (malloc'd) */
	char   *key2;                  /* for the kind's own sorting; NULL */
};

/* Every exception of KINDS (NULL-terminated) on subjects of type STYPE,
 * into *V (N of them, in no order).  Returns 0 or an error. */
int scan_existing(struct scan *s, const char *const *kinds, const char *stype,
    struct scan_ex **v, size_t *n);
void scan_ex_free(struct scan_ex *v, size_t n);

/* A condition a rule wants in the queue: the raise (with a priority the
 * rule computed, has_priority 1), the subject as printed and, when the
 * subject is about a warehouse too, its code (printed apart). */
struct scan_want {
	struct wf_raise raise;
	const char *shown;             /* "sku MUG-1" */
	const char *warehouse;         /* or NULL */
};

/* The run's one transaction, begun at its first change, before any write:
 * a scan that finds nothing to change takes no write lock.  Inner
 * transactions (each raise and clear) are part of it, without savepoints:
 * any error abandons the run.  Returns 0 or an error. */
int scan_begin(struct scan *s);

/* Put W in the queue: open it, update it when anything differs, open it
 * again when resolved; leave it alone when it is unchanged or dismissed.
 * *id receives the exception's id (0 when there is none, dismissed
 * included: see wf_scan.h).  Prints a line for each change.  Returns 0 or
 * an error. */
int scan_raise(struct scan *s, const struct scan_want *w, int64_t *id);

/* Resolve the exception of KIND on STYPE SREF with NOTE, if it is
 * unresolved; prints a line when it did.  Returns 0 or an error. */
int scan_clear(struct scan *s, const char *kind, const char *stype, const char *sref,
    const char *shown, const char *warehouse, const char *note);

/* The stock scan (scan_stock.c) and its exception kinds, in the order of
 * enum wf_risk_status. */
extern const char *const wf_scan_stock_kinds[];
int scan_stock(struct scan *s);

/* The order scan (scan_order.c) and its exception kinds. */
extern const char *const wf_scan_order_kinds[];
int scan_order(struct scan *s);

/* The supplier scan (scan_supplier.c): the PO kinds (wf_po_kinds) and
 * supplier_lead_time_drift. */
extern const char *const wf_scan_supplier_kinds[];
int scan_supplier(struct scan *s);

#endif
