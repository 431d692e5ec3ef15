/*
 * wf_state.h - state machines as data.
 *
 * Every record family has a closed set of states and a table of legal
 * {from, action, to} transitions.  One function, wf_state_apply(), checks a
 * transition against the table, changes the record and appends the history
 * event, in the caller's transaction.  An illegal transition changes nothing
 * and is refused (WF_EREFUSED) with the legal actions from the current state.
 *
 * Each record module defines its machines and lists them in its struct
 * wf_record_type (wf_record.h); the tables are printed by `wf states` and documented in wf-states(7); a
 * test keeps the two in agreement.
 *
 * Ownership: all strings and tables here are static.
 */
#ifndef WF_STATE_H
#define WF_STATE_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_buf.h"
#include "wf_db.h"

/* A transition's target meaning "the state it was in before": how on_hold
 * remembers where an order was. */
#define WF_PREVIOUS "(previous)"

struct wf_transition {
	const char *from;
	const char *action;
	const char *to;
};

struct wf_machine {
	const char *name;        /* "order", "order.finance" */
	const char *record;      /* record type in history: "order" */
	const char *summary;
	const char *const *states;            /* happy path first; NULL-terminated */
	const struct wf_transition *rows;     /* terminated by a NULL from */
	/* SELECT state, memo FROM <table> WHERE id = ?1 */
	const char *sql_get;
	/* UPDATE <table> SET state = ?1, updated_at = ?2, memo = ?4 WHERE id = ?3
	 * (?5, when used, is the argument of wf_state_apply_arg) */
	const char *sql_set;
	/* SELECT id, <ref>, state FROM <table> ORDER BY id: for wf check */
	const char *sql_all;
	const char *memo_state;  /* the state that remembers (NULL: none) */
	const char *create_key;  /* data key of the create event holding the
	                            initial state, for secondary machines */
};

/* The end of a transition table. */
#define WF_TRANSITIONS_END { NULL, NULL, NULL }

/* The SQL a machine runs on its record's table T, whose state column is COL
 * (and memory column MEMO, or NULL), and whose key users type is REF: for
 * the record modules' struct wf_machine. */
#define WF_SQL_STATE_GET(t, col, memo) \
	"SELECT " col ", " memo " FROM " t " WHERE id = ?1"
#define WF_SQL_STATE_SET(t, col) \
	"UPDATE " t " SET " col " = ?1, updated_at = ?2 WHERE id = ?3"
#define WF_SQL_STATE_ALL(t, ref, col) \
	"SELECT id, " ref ", " col " FROM " t " ORDER BY id"

/* The machine called NAME (of any record type in the registry), or NULL. */
const struct wf_machine *wf_machine_find(const char *name);

/* The target state for ACTION from FROM (a static string of the machine, or
 * WF_PREVIOUS), or NULL when the transition is not in the table. */
const char *wf_state_next(const struct wf_machine *m, const char *from,
    const char *action);

/* Whether STATE is one of M's states (1 or 0). */
int wf_state_valid(const struct wf_machine *m, const char *state);

/* The legal actions from FROM as "a, b, c" ("none" when final) into OUT. */
int wf_state_legal(const struct wf_machine *m, const char *from, wf_buf *out);

/* Whether ACTION is legal from state FROM of record REF: 0, or WF_EREFUSED
 * with the refusal every command gives ("order shop:1: cannot ship when
 * new (legal from new: ...)"), changing nothing.  For a caller that must
 * refuse before it does the work that precedes wf_state_apply(). */
int wf_state_check(const struct wf_machine *m, const char *ref, const char *from,
    const char *action);

/* Apply ACTION to record ID (key REF) of machine M: check the table, update
 * the state (and the memory column of on_hold), append the history event
 * with DATA (taken, may be NULL).  *to, when not NULL, receives the new state
 * (static).  Returns 0, WF_EREFUSED for an illegal transition (nothing
 * changed), WF_ENOTFOUND, or a database error. */
int wf_state_apply(wf_db *db, const char **to, const struct wf_machine *m,
    int64_t id, const char *ref, const char *action, cJSON *data);

/* wf_state_apply() with ARG (may be NULL) bound as ?5 of the machine's
 * sql_set: a value that a schema CHECK ties to the new state and that must
 * therefore change in the same statement, such as the time an exception's
 * snooze ends.  Machines whose sql_set has no ?5 ignore it. */
int wf_state_apply_arg(wf_db *db, const char **to, const struct wf_machine *m,
    int64_t id, const char *ref, const char *action, const char *arg,
    cJSON *data);

/* The canonical static string for STATE in M (so callers can keep it). */
const char *wf_state_intern(const struct wf_machine *m, const char *state);

#endif
