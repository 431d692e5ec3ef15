/*
 * wf_complete.h - the keys users type, for shell completion.
 *
 * `PROG --complete KIND [PREFIX]` (cmd/cli.c) prints what this module finds,
 * one value per line; the completion scripts in completions/ call it for
 * operands and option values whose kind names a record.  It only reads, and
 * each kind is one indexed query, so a completion stays well under 50 ms on
 * a large database.
 *
 * Kinds and what they produce:
 *   sku        sku codes                     warehouse  warehouse codes
 *   bin        bins as WH/BIN                supplier   supplier codes
 *   order      order refs, the 1000 most recently placed
 *   shipment   SH-N, the 1000 most recent
 *   po         PO-N of purchase orders not closed or cancelled
 *   exception  EX-N of exceptions not resolved or dismissed
 *   return     RMA-N of returns not closed
 *   record     the record types of history (wf_record.h); needs no database
 *
 * Ownership: VALUE passed to the callback is valid only during the call.
 */
#ifndef WF_COMPLETE_H
#define WF_COMPLETE_H

#include "wf_db.h"

/* Called once per value; a nonzero return stops the listing and is returned
 * by wf_complete_values(). */
typedef int (*wf_complete_fn)(void *arg, const char *value);

/* Call FN for each value of KIND that starts with PREFIX (byte-wise, case
 * sensitive; NULL or "" for all), in a stable order.  DB may be NULL: kinds
 * that need a database then produce nothing.  Returns 0, WF_EUSAGE for an
 * unknown kind, a database error, or FN's nonzero return. */
int wf_complete_values(wf_db *db, const char *kind, const char *prefix,
    wf_complete_fn fn, void *arg);

#endif
