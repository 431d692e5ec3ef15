/*
 * wf_exception.h - the exception queue: one record for every failed
 * automation, worked by operators with wf-alert.
 *
 * An exception EX-N has a kind ("unroutable", "stockout"), a subject (a
 * record type and key: order shop:1001), an owner, a priority 0-100,
 * evidence (a JSON object: the facts that triggered it), an impact (money at
 * stake in one currency, units, orders affected, and an optional due time
 * such as a promise date), a next action (a sentence an operator can act
 * on) and a state: open, acknowledged, in_progress, snoozed (until a time),
 * resolved, dismissed.  There is at most one exception per kind and
 * subject: automations raise and clear, they never duplicate.
 *
 * Work states.  open, acknowledged and in_progress are work still to do;
 * snoozed is work deferred until a time; resolved and dismissed are closed.
 *
 * The clock.  A snooze that has run out counts as open again: it is woken
 * by the `wake` transition, actor "wf-alert", recorded in history.  The
 * queue calls (list, show and the operator changes) start with
 * wf_exception_refresh(), which wakes every expired snooze and brings
 * derived priorities up to date with the clock (the due-time part of the
 * formula rises as a due time nears; each change is a `reprioritise` event
 * by "wf-alert").  raise and clear wake the one exception they touch, so a
 * batch of raises costs no scan of the queue.  Nothing is written when
 * nothing is due, so reading the queue needs no write lock.
 *
 * Priority.  Unless the raiser fixes it, priority is derived from the impact
 * by wf_exception_priority():
 *
 *   priority = money + orders + units + due           (0-100)
 *   money  0-40  4 points for each of 1, 3, 10, 30, 100, 300, 1000, 3000,
 *                10000, 30000 whole units of its currency reached (EUR 250.00
 *                reaches 1..100: 20 points).  There are no exchange rates:
 *                amounts are compared in their own currency's whole units.
 *   orders 0-20  4 points for each of 1, 2, 5, 10, 20 orders affected
 *   units  0-15  3 points for each of 1, 3, 10, 30, 100 units affected
 *   due    0-25  none or 14 days or more ahead 0; under 14 days 5; under
 *                7 days 10; under 3 days 15; under 24 hours 20; due now or
 *                overdue 25
 *
 * so the list's order (work states first, highest priority first, then
 * oldest) is the order in which to work the queue.
 *
 * Transactions.  Every changing call runs in one transaction: its own, or
 * a savepoint inside the caller's.  Records given an OUT are emitted inside
 * it, so they print only if it commits.
 *
 * Ownership.  Strings in the structs are the caller's and are copied; the
 * evidence object is only read.  *result strings are static.
 */
#ifndef WF_EXCEPTION_H
#define WF_EXCEPTION_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_check.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

/* The actor of clock-driven changes (wakes, reprioritisations). */
#define WF_EXCEPTION_CLOCK_ACTOR "wf-alert"

struct wf_impact {
	int64_t money;           /* minor units, >= 0 */
	char    currency[4];     /* ISO 4217; "" only when money is 0 */
	int64_t units;           /* >= 0 */
	int64_t orders;          /* >= 0 */
	int     has_due;
	int64_t due_at;          /* e.g. the promise date of the order at stake */
};

struct wf_raise {
	const char *kind;          /* 1-64 of [A-Za-z0-9._-] */
	const char *subject_type;  /* a record type of history (wf_record.h) */
	const char *subject_ref;   /* the record's key, as users type it */
	const cJSON *evidence;     /* an object, or NULL for {} */
	struct wf_impact impact;
	const char *next_action;   /* non-empty */
	const char *owner;         /* used when the exception is created */
	int         has_priority;  /* 1: fix the priority at PRIORITY */
	int         priority;      /* 0-100 */
};

/* The derived priority of IMPACT at time NOW (formula above): 0-100.
 * Deterministic; uses no database. */
int wf_exception_priority(const struct wf_impact *impact, int64_t now);

/* The key of exception ID, "EX-12", into OUT. */
#define WF_EXCEPTION_KEYLEN 32
void wf_exception_key(char out[WF_EXCEPTION_KEYLEN], int64_t id);

/* Parse "EX-12" into 12.  Returns 0, or WF_EUSAGE naming the bad key. */
int wf_exception_parse_key(int64_t *id, const char *key);

/* Raise R: idempotent on kind + subject.
 *  - none yet: create it (state open, times_seen 1, a `create` event).
 *    *result "created".
 *  - open, acknowledged, in_progress or snoozed: replace evidence, impact,
 *    next action and priority, set last_seen_at, count times_seen, with a
 *    `raise` event naming what changed.  The state, the owner and a snooze
 *    are kept: assignment and deferral are the operator's.  *result
 *    "updated".
 *  - resolved or dismissed: the same, through the `reopen` transition
 *    (resolution cleared).  *result "reopened".
 * opened_at is when the exception was first raised and never changes, so a
 * problem that keeps coming back keeps its age.
 * The owner of an existing exception is never changed by a raise.  A
 * priority is fixed only by a raise that gives one; a raise without one
 * derives it again.  *id receives the exception's id.  Returns 0, WF_EINPUT
 * for an invalid field (nothing written), or a database error. */
int wf_exception_raise(wf_db *db, int64_t *id, const char **result,
    const struct wf_raise *r);

/* Whether raising R would change nothing, for callers that raise only
 * what changed (the scans, routing): *same 1 when the exception of R's kind
 * and subject is dismissed (*dismissed 1: the operator said it is no
 * problem), or unresolved and already holding R's evidence, impact, next
 * action and fixed priority; 0 when there is none or it differs.  *id
 * receives its id, 0 when there is none.  Reads only.  Returns 0 or a
 * database error. */
int wf_exception_same(wf_db *db, int *same, int64_t *id, int *dismissed,
    const struct wf_raise *r);

/* Whether an exception of KIND on SUBJECT_TYPE SUBJECT_REF is unresolved
 * (open, acknowledged, in progress or snoozed): *open 1 or 0.  Returns 0 or
 * a database error. */
int wf_exception_is_open(wf_db *db, int *open, const char *kind,
    const char *subject_type, const char *subject_ref);

/* Clear the exception of KIND on SUBJECT_TYPE SUBJECT_REF: the condition no
 * longer holds.  An unresolved one is resolved with NOTE (required) by the
 * db's actor: *result "resolved".  Otherwise nothing changes and *result
 * says why: "not_found", "already_resolved" or "already_dismissed".
 * *id receives the id, or 0 when there is none.  Returns 0, WF_EUSAGE for
 * an empty note, or a database error. */
int wf_exception_clear(wf_db *db, int64_t *id, const char **result,
    const char *kind, const char *subject_type, const char *subject_ref, const char *note);

/* Wake every snooze that has run out and re-derive priorities that the
 * clock has changed (see above), in the caller's transaction or, only when
 * there is something to do, in its own.  Counts go to *woken and
 * *reprioritised (either may be NULL).  Returns 0 or a database error. */
int wf_exception_refresh(wf_db *db, long long *woken, long long *reprioritised);

struct wf_exception_query {
	const char *state;       /* exactly this state; NULL: see all */
	const char *owner;       /* NULL: any */
	const char *kind;        /* NULL: any */
	int         all;         /* with state NULL: include resolved, dismissed */
};

/* Emit the matching exceptions: work states (open, acknowledged,
 * in_progress) first, then snoozed, then closed; within each, highest
 * priority first, then oldest, then lowest id.  Without a state or ALL,
 * resolved and dismissed ones are left out.  Returns 0, WF_EUSAGE for an
 * unknown state, or a database or output error. */
int wf_exception_list(wf_db *db, const struct wf_exception_query *q, wf_out *out);

/* Emit the exception KEY, then its history events oldest first.  Returns 0,
 * WF_EUSAGE for a malformed key, WF_ENOTFOUND, or an error. */
int wf_exception_show(wf_db *db, const char *key, wf_out *out);

/*
 * Operator changes.  Each takes the key ("EX-12"), changes the exception in
 * one transaction with a history event by the db's actor, and emits the
 * exception as it is afterwards to OUT (may be NULL).  Each returns 0,
 * WF_EUSAGE (malformed key or argument), WF_ENOTFOUND, WF_EREFUSED for a
 * transition the state machine does not allow from the current state
 * (nothing changed; the message lists the legal actions), or an error.
 */
/* A new owner: an `assign` event, no state change; the same owner is a
 * no-op without an event. */
int wf_exception_assign(wf_db *db, const char *key, const char *owner, wf_out *out);
int wf_exception_ack(wf_db *db, const char *key, wf_out *out);
int wf_exception_start(wf_db *db, const char *key, wf_out *out);
/* UNTIL must be after the clock (else WF_EUSAGE); snoozing a snoozed
 * exception moves its time. */
int wf_exception_snooze(wf_db *db, const char *key, int64_t until, wf_out *out);
/* NOTE is required (WF_EUSAGE when empty or blank) and kept as the
 * resolution. */
int wf_exception_resolve(wf_db *db, const char *key, const char *note, wf_out *out);
int wf_exception_dismiss(wf_db *db, const char *key, const char *note, wf_out *out);
/* Back to open from resolved or dismissed (resolution cleared). */
int wf_exception_reopen(wf_db *db, const char *key, wf_out *out);

/* A wf_line_fn for wf_batch_run(): raise the exception one JSON line
 * describes and emit it to ARG (a wf_out *) with "result" added.  The line:
 *   {"kind":"unroutable","subject":"order shop:1001","owner":"ops",
 *    "evidence":{..},"impact":{"money":"59.80","currency":"EUR","units":2,
 *    "orders":1,"due_at":"2026-11-23T18:00:00Z"},"next_action":"...",
 *    "priority":80}
 * kind, subject, owner and next_action are required; evidence, impact and
 * its members, and priority are optional.  "priority_fixed": false ignores
 * a given priority, so the records wf-alert list prints can be raised
 * again as they are.  "type", when present, must be "exception". */
int wf_exception_raise_line(wf_db *db, const struct wf_line *l, void *out);

/* The exception invariants for wf check. */
extern const struct wf_invariant wf_exception_invariants[];

/* The record types this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_exception;

#endif
