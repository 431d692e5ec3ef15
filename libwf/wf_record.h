/*
 * wf_record.h - the record registry: what core knows of record families.
 *
 * Core (state, history, check, complete) knows no record family by name.
 * Each record module fills in one struct wf_record_type -- its type, key
 * prefix, owning table, state machines, invariants and completion query --
 * and registry.c, in the records layer, lists them.  Core walks that list:
 * `wf states` prints its machines, `wf check` runs its invariants, `wf log`
 * and the exception queue accept its types, completion runs its queries.
 *
 * Keys of numbered records (PO-7, SH-3, RMA-2, EX-12, ADJ-4) are parsed and
 * formatted here, the same way for every family: the prefix in any case,
 * then a positive decimal number without leading zeros, up to 2^53 - 1.
 *
 * Ownership: everything here is static.
 */
#ifndef WF_RECORD_H
#define WF_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "wf_check.h"
#include "wf_db.h"
#include "wf_state.h"

#define WF_RECORD_NOHISTORY 0x1   /* not a record type of history (wf log) */

struct wf_record_type {
	const char *type;        /* "order": history's record type, `wf log TYPE` */
	const char *key_hint;    /* in a bad key's message: "a purchase order like PO-7" */
	const char *prefix;      /* "PO-": keys are PREFIX N; NULL: a natural key */
	const char *table;       /* the table the record lives in */
	const struct wf_machine *const *machines;  /* NULL-terminated, or NULL */
	const struct wf_invariant *invariants;     /* NULL-name-terminated, or NULL */
	/* Completion: the keys that GLOB ?1, in a stable order, at most a few
	 * thousand (wf_complete.h); NULL: the type is not completed. */
	const char *complete;
	unsigned flags;
	/* Whether a record has a given key: a row when it exists.  ?1 is the
	 * key as text, or the number of a numbered key.  NULL: not looked up. */
	const char *lookup;
};

/* Every record type, in the order `wf states` and `wf check` walk them;
 * NULL-terminated.  Defined in registry.c. */
extern const struct wf_record_type *const wf_registry[];

/* The record type called TYPE, or NULL. */
const struct wf_record_type *wf_record_find(const char *type);

/* Whether TYPE is a record type of history (1 or 0). */
int wf_record_in_history(const char *type);

/* The record types of history, as "a, b, c" into OUT (for messages).
 * Returns 0 or WF_ENOMEM. */
int wf_record_history_types(wf_buf *out);

/* The I-th state machine of all record types (0-based), or NULL past the
 * last: the order of `wf states`. */
const struct wf_machine *wf_machine_at(size_t i);

/* Whether the record of type T with key KEY exists: *found 1 or 0 (0 too
 * for a numbered key that is not well formed), or -1 when T has no lookup.
 * Returns 0 or a database error. */
int wf_record_exists(wf_db *db, int *found, const struct wf_record_type *t,
    const char *key);

/* The record type among TYPES (NULL-terminated names) that has a record
 * with key KEY, into *type (NULL when none has).  For a free-text field
 * that must not name a record of those types.  Returns 0 or a database
 * error. */
int wf_record_named(wf_db *db, const struct wf_record_type **type,
    const char *const *types, const char *key);

/* Longest key wf_key_format() writes, with its NUL. */
#define WF_KEY_LEN 32

/* Parse KEY as a key of record type T (which must have a prefix): the
 * prefix in any case, then the number.  *id receives the number.  Returns 0,
 * or WF_EUSAGE with "expected KEY_HINT, got 'KEY'". */
int wf_key_parse(int64_t *id, const struct wf_record_type *t, const char *key);

/* Write T's key for ID ("PO-7") into OUT. */
void wf_key_format(const struct wf_record_type *t, int64_t id, char out[WF_KEY_LEN]);

#endif
