/*
 * wf_upsert.h - adding a record by its natural key, idempotently.
 *
 * Warehouses, bins, SKUs, suppliers and carrier services are added the same
 * way (design.md, "Idempotency"): load the stored record by its key, lay the
 * fields given over it (or over a new record's defaults), record what
 * changed, insert or update, append the history event (create, update with
 * the changes, or none), and emit the record with its result: "created",
 * "updated" or "unchanged".  A record module describes its record once, in
 * a struct wf_upsert_type, and this module runs those steps for it.
 *
 * SQL stays with the table: the type carries the owning module's own
 * statements, static strings written in its file (statements are cached by
 * the string's address), and values are only ever bound.  By convention:
 *   load    takes the key as ?1, ?2, ... and returns the id, then every
 *           field in the order of the descriptor (key fields included);
 *   insert  takes the key as ?1..?K, then each written field (neither
 *           WF_UPSERT_KEY nor WF_UPSERT_STORED) in order, then the time;
 *   update  the same numbering, then the id after the time.
 * A statement may leave any of those parameters out.
 *
 * Ownership: types and fields are static.  The strings of given values are
 * the caller's and must live until wf_upsert() returns; what the load
 * copies is freed by wf_upsert() or wf_upsert_free().
 */
#ifndef WF_UPSERT_H
#define WF_UPSERT_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "wf_db.h"
#include "wf_out.h"

#define WF_UPSERT_FIELDS 12     /* the most fields a record has */
#define WF_UPSERT_KEYS   3      /* the most parameters a key has */

enum wf_upsert_kind {
	WF_UPSERT_TEXT,         /* text */
	WF_UPSERT_INT,          /* an integer */
	WF_UPSERT_MONEY,        /* minor units in the currency of field `currency` */
	WF_UPSERT_LIST          /* text "A,B", emitted as ["A","B"] */
};

/* Field flags. */
#define WF_UPSERT_KEY    0x1    /* given by the caller (the key and what it
                                   names), emitted, never written */
#define WF_UPSERT_NULL   0x2    /* may be null (else a new record takes the
                                   default, or "" or 0) */
#define WF_UPSERT_STORED 0x4    /* loaded and emitted, never written here (a
                                   state, a derived value) */
#define WF_UPSERT_MINOR  0x8    /* MONEY: a change records minor units, not
                                   the decimal text */

struct wf_upsert_field {
	const char *name;       /* the member in records and change records */
	enum wf_upsert_kind kind;
	unsigned    flags;
	const char *text;       /* a new record's TEXT or LIST when not given */
	int64_t     num;        /* a new record's INT when not given */
	int         currency;   /* MONEY: the index of its currency's field */
};

/* A value: text (TEXT, LIST) or an integer (INT, MONEY), or nothing (SET
 * 0: null, or, among the given values, not given).  As a key parameter, a
 * value with text binds the text, else the integer. */
struct wf_upsert_val {
	int         set;
	int64_t     i;
	const char *s;
};

struct wf_upsert;

/* Type flags. */
#define WF_UPSERT_UNTYPED 0x1   /* the create event's data has no "type" */

struct wf_upsert_type {
	const char *type;       /* the record's "type": "carrier_service" */
	const char *history;    /* its record type in history: "carrier" */
	const char *initial;    /* the state a new record starts in, its create
	                           event's machine being HISTORY; NULL: no state
	                           machine (the event has none) */
	const struct wf_upsert_field *fields;
	size_t      nfields;
	size_t      result_at;  /* "result" is emitted after this many fields */
	const int  *changes;    /* the order of a change record's members, as
	                           field indexes ending with -1; NULL: the order
	                           of the fields */
	unsigned    flags;
	const char *load, *insert, *update;   /* SQL, by the convention above */
	/* Steps of the record's own, each optional, each returning 0 or an
	 * error that rolls the add back:
	 * prepare  in the transaction, before the load: set the key;
	 * merge    after the given values are laid over the stored ones (or the
	 *          defaults): the record's rules, values given in another form;
	 * saved    after the write and its event, before the emit. */
	int (*prepare)(wf_db *db, struct wf_upsert *u);
	int (*merge)(wf_db *db, struct wf_upsert *u);
	int (*saved)(wf_db *db, struct wf_upsert *u);
};

/* One add.  The caller sets T, ARG, REF, KEY/NKEY (or leaves them to T's
 * prepare) and GIVEN (every WF_UPSERT_KEY field's, and those of the other
 * fields the input names); the rest is filled in. */
struct wf_upsert {
	const struct wf_upsert_type *t;
	void       *arg;        /* the module's, for its steps */
	const char *ref;        /* the record's key in history: "BER/A-01" */
	struct wf_upsert_val key[WF_UPSERT_KEYS];
	size_t      nkey;
	struct wf_upsert_val given[WF_UPSERT_FIELDS];

	int         found;      /* the record was stored */
	int64_t     id;         /* its row id (after an insert, the new one) */
	struct wf_upsert_val old[WF_UPSERT_FIELDS];   /* as stored */
	struct wf_upsert_val val[WF_UPSERT_FIELDS];   /* as it is now */
	const char *result;     /* "created", "updated" or "unchanged" */
	char       *mem[WF_UPSERT_FIELDS];            /* copies of stored text */
};

/* A given value: text (NULL: not given), or an integer (HAS 0: not given). */
struct wf_upsert_val wf_upsert_text(const char *s);
struct wf_upsert_val wf_upsert_int(int has, int64_t i);

/* Add or update U's record in one transaction (a savepoint inside the
 * caller's) and emit it with its result to OUT.  Returns 0, what a step of
 * the type returned, WF_ENOMEM, or a database error; nothing is written on
 * error.  Frees what the load copied. */
int wf_upsert(wf_db *db, struct wf_upsert *u, wf_out *out);

/* Load the record U->key names into U->val (U->found says whether it is
 * stored; WF_UPSERT_KEY fields with a given value take it), for a caller
 * that reads or removes one.  Returns 0 or a database error; the caller
 * frees with wf_upsert_free(). */
int wf_upsert_load(wf_db *db, struct wf_upsert *u);
void wf_upsert_free(struct wf_upsert *u);

/* The values of the current row of ST, a statement shaped like T's load
 * (the id, then every field), into V; their text lives until ST's next
 * step. */
void wf_upsert_row(const struct wf_upsert_type *t, wf_stmt *st, struct wf_upsert_val *v);

/* The record of type T with values V, and "result": RESULT when it is not
 * NULL.  NULL when out of memory. */
cJSON *wf_upsert_record(const struct wf_upsert_type *t, const struct wf_upsert_val *v,
    const char *result);

/* Emit the record of type T whose key is the text KEY (a key of one
 * parameter), as stored.  Returns 0, 1 when there is none (nothing set:
 * the caller says what is unknown), or an error. */
int wf_upsert_show(wf_db *db, const struct wf_upsert_type *t, const char *key, wf_out *out);

/* Run SQL, a static statement shaped like T's load (ARG, which may be
 * NULL, bound as ?1 when it takes one), and emit every row's record.
 * Returns 0 or an error. */
int wf_upsert_list(wf_db *db, const struct wf_upsert_type *t, const char *sql,
    const char *arg, wf_out *out);

/* Copy SRC, a stored value, into DST of N bytes, a fixed field of a
 * record's struct (a code, a state, an owner): the record's rules bound
 * what is stored, so it fits, and an assertion says so -- never a silent
 * cut. */
void wf_upsert_copy(char *dst, size_t n, const char *src);

/* The key nearest WORD (wf_text_near: the same but for case, or a few
 * edits away) among those SQL lists, escaped for a message, appended to
 * BEST (nothing when none is near).  SQL is a static statement of one text
 * column: the keys whose length is between ?1 and ?2 (the only lengths that
 * can be near), within SCOPE bound as ?3 when it takes a third parameter
 * (a warehouse, say).  Returns 0 or an error. */
int wf_upsert_near(wf_db *db, wf_buf *best, const char *sql, const char *word,
    const char *scope);

/* The refusal for WORD, a key no record of WHAT ("SKU", "warehouse") has:
 * WF_ENOTFOUND with "unknown WHAT 'WORD'", and "; did you mean 'KEY'?"
 * when one of the keys SQL lists is near it (wf_upsert_near(), no scope).
 * Returns WF_ENOTFOUND, or a database error. */
int wf_upsert_unknown(wf_db *db, const char *sql, const char *what, const char *word);

#endif
