/*
 * wf_history.h - the append-only history of every change.
 *
 * An event: when (the command's clock), who (the actor), what record (type
 * and key), which state machine and action, from and to state, and the
 * changed data as a JSON object.  Events are never updated or deleted; the
 * schema refuses both.
 */
#ifndef WF_HISTORY_H
#define WF_HISTORY_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_db.h"
#include "wf_out.h"

/* The record types history knows, NULL-terminated. */
extern const char *const wf_record_types[];

/* Append an event.  MACHINE/FROM/TO are NULL for changes that are not state
 * transitions (MACHINE and TO go together).  DATA is taken (may be NULL).
 * Returns 0 or a database error. */
int wf_history_add(wf_db *db, const char *record, const char *ref,
    const char *machine, const char *action, const char *from, const char *to,
    cJSON *data);

struct wf_log_query {
	const char *record;      /* NULL: every type */
	const char *ref;         /* NULL: every record (needs record) */
	int         has_since;
	int64_t     since;
	const char *actor;       /* NULL: everyone */
};

/* Emit the matching events, oldest first, as {"type":"event",...} records.
 * Returns 0, WF_EUSAGE for an unknown record type, or a database error. */
int wf_history_log(wf_db *db, const struct wf_log_query *q, wf_out *out);

#endif
