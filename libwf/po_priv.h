/*
 * po_priv.h - between the purchase order module (po.c) and its follow-up
 * (po_followup.c).
 *
 * A struct po is one PO as loaded, with its supplier and lines; the lines
 * array is po.c's to allocate and free.  Everything here runs inside the
 * caller's transaction.
 */
#ifndef PO_PRIV_H
#define PO_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "wf_db.h"
#include "wf_out.h"
#include "wf_supplier.h"

#define DAY ((int64_t)86400)

struct po_line {
	int64_t id, line_no, sku_id, ordered, received, cancelled, unit_cost;
	int     has_cost;
	char    sku[72];
};

struct po {
	int64_t id, supplier_id, wh_id;
	char    key[32], wh[40], state[24], currency[4], owner[72], reason[520];
	int     has_confirmed_for, has_sent, has_confirmed_at, has_reason;
	int64_t expected, confirmed_for, sent_at, confirmed_at;
	struct wf_supplier_info sup;
	struct po_line *lines;
	size_t  nlines;
};

/* What holds for a PO at a time: the rules of follow-up in wf_po.h. */
struct po_eval {
	int         late, slipped, unconfirmed;
	const char *reason;        /* the one printed; NULL: none due */
	int64_t     due;
};

/* A line's open quantity: ordered less received and cancelled, not below 0. */
int64_t wf_po_line_open(const struct po_line *l);

/* The open units of P and their value at the lines' costs.  Returns 0, or
 * WF_EINPUT when the value is out of range. */
int wf_po_open_value(const struct po *p, int64_t *units, int64_t *value);

/* What holds for P at NOW, into *E (po_watch.c). */
void wf_po_eval(const struct po *p, int64_t now, struct po_eval *e);

/* Bring P's PO exceptions up to date with its state and the clock: the
 * kind of its reason raised, the others resolved with a note
 * (po_watch.c).  Returns 0 or an error. */
int wf_po_sync_exceptions(wf_db *db, const struct po *p);

/* The table columns of the "po" and "followup" records. */
void wf_po_columns(wf_out *out);

/* Call FN on every open PO (sent, confirmed, partially_received), loaded,
 * by number; stop at the first that returns non-zero and return that. */
int wf_po_each_open(wf_db *db, int (*fn)(wf_db *db, struct po *p, void *arg), void *arg);

#endif
