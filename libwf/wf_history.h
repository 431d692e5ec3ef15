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

/* Append an event.  MACHINE/FROM/TO are NULL for changes that are not state
 * transitions (MACHINE and TO go together).  DATA is taken (may be NULL).
 * Returns 0 or a database error. */
int wf_history_add(wf_db *db, const char *record, const char *ref,
    const char *machine, const char *action, const char *from, const char *to,
    cJSON *data);

/* The same with DATA as JSON text: an object, written as wf_json_write
 * writes one, or NULL.  The caller keeps DATA and the strings. */
int wf_history_add_text(wf_db *db, const char *record, const char *ref,
    const char *machine, const char *action, const char *from, const char *to,
    const char *data);

/* Change records: the "data" of an "update" event is an object of
 * {"field": {"from": old, "to": new}} for each field that changed. */

/* Record in CHANGES that FIELD went from OLD to NEW (either may be NULL,
 * written as null); nothing when they are equal.  Returns 0 or WF_ENOMEM. */
int wf_change_text(cJSON *changes, const char *field, const char *old, const char *new);

/* The same for an integer that may be absent (HAS_OLD / HAS_NEW 0: null). */
int wf_change_int(cJSON *changes, const char *field, int has_old, int64_t old,
    int has_new, int64_t new);

/* The result an idempotent add reports: "created" when the record is new,
 * else "updated" when CHANGES holds a change, else "unchanged". */
const char *wf_change_result(int created, const cJSON *changes);

/* The history of an idempotent add of record TYPE/REF, whose machine has
 * the same name.  When CREATED: a "create" event into state INITIAL with
 * RECORD as its data.  Otherwise an "update" event with CHANGES as its data,
 * or no event when CHANGES is empty.  Takes CHANGES and RECORD (either may
 * be NULL; a NULL RECORD on create is an out-of-memory error).  Returns 0,
 * WF_ENOMEM or a database error. */
int wf_history_upsert(wf_db *db, const char *type, const char *ref, int created,
    const char *initial, cJSON *changes, cJSON *record);

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
