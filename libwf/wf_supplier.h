/*
 * wf_supplier.h - suppliers.
 *
 * A supplier (its code) has a name, an email, a lead time, the days it has
 * to confirm an order, how often it is chased, an owner and a state
 * (active, paused).  Purchase orders (wf_po.h) are placed with suppliers.
 *
 * Ownership: input structs and their strings are the caller's.
 */
#ifndef WF_SUPPLIER_H
#define WF_SUPPLIER_H

#include <stdint.h>

#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_SUPPLIER  "purchasing"

struct wf_supplier_in {
	const char *code;
	const char *name, *email, *owner;   /* NULL: not given */
	int         has_lead_time, has_confirm_within, has_follow_up_every;
	int64_t     lead_time_days;          /* 0-3650 (default 14) */
	int64_t     confirm_within_days;     /* 0-365 (default 2) */
	int64_t     follow_up_every_days;    /* 1-365 (default 3) */
};

/* Add a supplier, or change the fields given (a name is required for a new
 * one); emit {"type":"supplier","supplier":CODE,"result":"created"|
 * "updated"|"unchanged",...}, with a history event on change.  Returns 0,
 * WF_EUSAGE (no name for a new supplier), WF_EINPUT for an invalid field,
 * or a database error. */
int wf_supplier_add(wf_db *db, const struct wf_supplier_in *in, wf_out *out);

/* Pause or resume (ACTION "pause"/"resume") supplier CODE through its state
 * machine and emit it.  A paused supplier gets no new orders (create and
 * send are refused) but its open orders are still received and chased.
 * Returns 0, WF_ENOTFOUND, WF_EREFUSED, or an error. */
int wf_supplier_act(wf_db *db, const char *code, const char *action, wf_out *out);

/* Emit every supplier ({"type":"supplier",...}), by code.  Returns 0 or
 * an error. */
int wf_supplier_list(wf_db *db, wf_out *out);

/* Emit supplier CODE.  Returns 0, WF_ENOTFOUND ("unknown supplier 'X'"),
 * or an error. */
int wf_supplier_show(wf_db *db, const char *code, wf_out *out);

/* A supplier as stored. */
struct wf_supplier_info {
	int64_t id;
	char    code[40], name[256], email[256], owner[72], state[16];
	int     has_email;               /* email is NULL when 0 */
	int64_t lead_time_days, confirm_within_days, follow_up_every_days;
};

/* Look supplier CODE up into *S.  Returns 0, WF_ENOTFOUND ("unknown
 * supplier 'X'") or a database error. */
int wf_supplier_find(wf_db *db, struct wf_supplier_info *s, const char *code);

/* Look supplier ID up into *S, for a record that refers to it.  Returns 0,
 * WF_EINTERNAL when there is none, or a database error. */
int wf_supplier_get(wf_db *db, struct wf_supplier_info *s, int64_t id);

/* The record type this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_supplier;

#endif
