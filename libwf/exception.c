/* exception.c - the exception queue: raise, clear, list, and the operator's
 * transitions.
 *
 * owns: exception
 */
#include <stdlib.h>
#include <string.h>

#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_state.h"
#include "wf_text.h"
#include "wf_time.h"
#include "wf_record.h"

#define KEYLEN WF_EXCEPTION_KEYLEN
#define MAX_REF 256
#define MAX_TEXT 4000

/* Every column a record shows, in the order ex_record() reads them. */
#define EX_COLS \
	"id, kind, subject_type, subject_ref, owner, priority, priority_fixed," \
	" evidence, impact_money, impact_currency, impact_units, impact_orders," \
	" due_at, next_action, state, snoozed_until, opened_at, last_seen_at," \
	" times_seen, resolved_at, resolution"
enum {
	C_ID, C_KIND, C_STYPE, C_SREF, C_OWNER, C_PRIORITY, C_FIXED, C_EVIDENCE,
	C_MONEY, C_CURRENCY, C_UNITS, C_ORDERS, C_DUE, C_NEXT, C_STATE, C_SNOOZED,
	C_OPENED, C_SEEN, C_TIMES, C_RESOLVED, C_RESOLUTION
};

static const struct wf_machine *
machine(void)
{
	return wf_machine_find("exception");
}

void
wf_exception_key(char out[WF_EXCEPTION_KEYLEN], int64_t id)
{
	wf_key_format(&wf_record_exception, id, out);
}

static int
closed_state(const char *s)
{
	return strcmp(s, "resolved") == 0 || strcmp(s, "dismissed") == 0;
}

static const char *
col_or_null(wf_stmt *st, int i)
{
	return wf_col_str(st, i);
}

/* ---- priority ------------------------------------------------------------- */

/* How many of STEPS (ascending, N of them) V reaches. */
static int
steps_reached(int64_t v, const int64_t *steps, size_t n)
{
	size_t i;
	int k = 0;

	for (i = 0; i < n; i++)
		k += v >= steps[i];
	return k;
}

int
wf_exception_priority(const struct wf_impact *im, int64_t now)
{
	static const int64_t money_steps[] = {
		1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000
	};
	static const int64_t order_steps[] = { 1, 2, 5, 10, 20 };
	static const int64_t unit_steps[] = { 1, 3, 10, 30, 100 };
	int64_t whole = im->money;
	int p = 0, e;

	e = im->currency[0] ? wf_currency_exponent(im->currency) : 0;
	while (e-- > 0)
		whole /= 10;
	p += 4 * steps_reached(whole, money_steps, 10);
	p += 4 * steps_reached(im->orders, order_steps, 5);
	p += 3 * steps_reached(im->units, unit_steps, 5);
	if (im->has_due) {
		int64_t left = im->due_at - now;
		p += left <= 0 ? 25 : left < 86400 ? 20 : left < 3 * 86400 ? 15 :
		    left < 7 * 86400 ? 10 : left < 14 * 86400 ? 5 : 0;
	}
	return p < 0 ? 0 : p > 100 ? 100 : p;
}

/* ---- keys and checks ----------------------------------------------------- */

int
wf_exception_parse_key(int64_t *id, const char *key)
{
	return wf_key_parse(id, &wf_record_exception, key);
}

static int
check_note(const char *note)
{
	if (wf_text_blank(note))
		return wf_error_set(WF_EUSAGE, "a note is required: say why");
	if (strlen(note) > MAX_TEXT)
		return wf_error_set(WF_EUSAGE, "note: longer than %d bytes", MAX_TEXT);
	return 0;
}

static int
check_raise(const struct wf_raise *r)
{
	const struct wf_impact *im = &r->impact;
	size_t n;

	n = r->kind ? strlen(r->kind) : 0;
	if (n == 0 || n > 64 || strspn(r->kind, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return wf_error_set(WF_EINPUT,
		    "kind: expected 1-64 letters, digits, '.', '_' or '-', got '%.64s'",
		    r->kind ? r->kind : "");
	if (r->subject_type == NULL || !wf_record_in_history(r->subject_type))
		return wf_error_set(WF_EINPUT, "subject: unknown record type '%.32s'",
		    r->subject_type ? r->subject_type : "");
	if (r->subject_ref == NULL || *r->subject_ref == '\0')
		return wf_error_set(WF_EINPUT, "subject: the record's key is missing");
	if (strlen(r->subject_ref) > MAX_REF || !wf_text_plain(r->subject_ref))
		return wf_error_set(WF_EINPUT,
		    "subject: the key must be at most %d bytes without control characters",
		    MAX_REF);
	if (r->evidence && !cJSON_IsObject(r->evidence))
		return wf_error_set(WF_EINPUT, "evidence: expected an object");
	if (im->money < 0 || im->money > WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "impact.money: must be from 0 to %lld minor units",
		    (long long)WF_MONEY_MAX);
	if (im->currency[0] && wf_currency_exponent(im->currency) < 0)
		return wf_error_set(WF_EINPUT, "impact.currency: unknown currency '%.3s'",
		    im->currency);
	if (im->money > 0 && !im->currency[0])
		return wf_error_set(WF_EINPUT, "impact.currency: needed with money");
	if (im->units < 0 || im->orders < 0)
		return wf_error_set(WF_EINPUT, "impact: units and orders must not be negative");
	if (r->next_action == NULL || wf_text_blank(r->next_action))
		return wf_error_set(WF_EINPUT, "next_action: must not be empty");
	if (strlen(r->next_action) > MAX_TEXT)
		return wf_error_set(WF_EINPUT, "next_action: longer than %d bytes", MAX_TEXT);
	if (r->has_priority && (r->priority < 0 || r->priority > 100))
		return wf_error_set(WF_EINPUT, "priority: expected 0 to 100, got %d",
		    r->priority);
	return wf_text_owner(r->owner);
}

/* ---- records -------------------------------------------------------------- */

/* "12m", "5h", "3d": how long ago T was. */
static void
age_format(char *out, size_t n, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	if (secs < 3600)
		snprintf(out, n, "%lldm", (long long)(secs / 60));
	else if (secs < 86400)
		snprintf(out, n, "%lldh", (long long)(secs / 3600));
	else
		snprintf(out, n, "%lldd", (long long)(secs / 86400));
}

static cJSON *
impact_json(int64_t money, const char *currency, int64_t units, int64_t orders,
    const char *due)
{
	cJSON *o = cJSON_CreateObject();
	int rc = 0;

	if (o == NULL)
		return NULL;
	if (currency && *currency)
		rc |= wf_jadd_money(o, "money", money, currency);
	else
		rc |= wf_jadd_null(o, "money");
	rc |= wf_jadd_str(o, "currency", currency && *currency ? currency : NULL);
	rc |= wf_jadd_int(o, "units", units);
	rc |= wf_jadd_int(o, "orders", orders);
	rc |= wf_jadd_str(o, "due_at", due);
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Stored evidence text back as JSON (as a string if it does not parse). */
static cJSON *
evidence_json(const char *text)
{
	cJSON *v = NULL;

	if (text && wf_json_parse(text, strlen(text), &v) == 0)
		return v;
	return cJSON_CreateString(text ? text : "");
}

/* The warehouse an exception's subject names, when its evidence names
 * the same one, for the record's warehouse column; else NULL.  *SHOWN is
 * how much of REF the record's subject keeps: a SKU at a warehouse ("sku
 * SKU@WH": the stock scan's and routing's) shows without "@WH"; a
 * warehouse and what blocks it there (route_block.c: "warehouse
 * WH@REASON") keeps the reason.  The evidence decides, since a SKU code
 * may hold '@' itself. */
static const char *
subject_warehouse(const char *stype, const char *ref, const cJSON *ev, size_t *shown)
{
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(ev, "warehouse");
	const char *at;

	*shown = strlen(ref);
	if (!cJSON_IsString(w))
		return NULL;
	if (strcmp(stype, "sku") == 0 && (at = strrchr(ref, '@')) != NULL &&
	    strcmp(w->valuestring, at + 1) == 0) {
		*shown = (size_t)(at - ref);
		return at + 1;
	}
	if (strcmp(stype, "warehouse") == 0 && (at = strchr(ref, '@')) != NULL &&
	    strlen(w->valuestring) == (size_t)(at - ref) &&
	    strncmp(w->valuestring, ref, (size_t)(at - ref)) == 0)
		return w->valuestring;
	return NULL;
}

/* The exception record for a row selected with EX_COLS.  NULL: no memory. */
static cJSON *
ex_record(wf_db *db, wf_stmt *st)
{
	char key[KEYLEN], subject[MAX_REF + 64], age[32];
	int64_t opened = 0;
	cJSON *r = wf_jrecord("exception"), *ev;
	const char *wh;
	size_t shown;
	int rc = 0;

	if (r == NULL)
		return NULL;
	ev = evidence_json(col_or_null(st, C_EVIDENCE));
	wh = subject_warehouse(wf_col_text(st, C_STYPE), wf_col_text(st, C_SREF), ev, &shown);

	wf_exception_key(key, wf_col_int(st, C_ID));
	snprintf(subject, sizeof subject, "%s %.*s", wf_col_text(st, C_STYPE), (int)shown,
	    wf_col_text(st, C_SREF));
	wf_time_parse(wf_col_text(st, C_OPENED), &opened);
	age_format(age, sizeof age, wf_db_now(db) - opened);
	rc |= wf_jadd_str(r, "exception", key);
	rc |= wf_jadd_str(r, "kind", wf_col_text(st, C_KIND));
	rc |= wf_jadd_str(r, "subject", subject);
	if (wh)
		rc |= wf_jadd_str(r, "warehouse", wh);
	rc |= wf_jadd_str(r, "owner", wf_col_text(st, C_OWNER));
	rc |= wf_jadd_int(r, "priority", wf_col_int(st, C_PRIORITY));
	rc |= wf_jadd_item(r, "evidence", ev);
	rc |= wf_jadd_item(r, "impact", impact_json(wf_col_int(st, C_MONEY),
	    col_or_null(st, C_CURRENCY), wf_col_int(st, C_UNITS),
	    wf_col_int(st, C_ORDERS), col_or_null(st, C_DUE)));
	rc |= wf_jadd_str(r, "next_action", wf_col_text(st, C_NEXT));
	rc |= wf_jadd_str(r, "state", wf_col_text(st, C_STATE));
	rc |= wf_jadd_bool(r, "priority_fixed", (int)wf_col_int(st, C_FIXED));
	rc |= wf_jadd_str(r, "opened_at", wf_col_text(st, C_OPENED));
	rc |= wf_jadd_str(r, "last_seen_at", wf_col_text(st, C_SEEN));
	rc |= wf_jadd_int(r, "times_seen", wf_col_int(st, C_TIMES));
	rc |= wf_jadd_str(r, "snoozed_until", col_or_null(st, C_SNOOZED));
	rc |= wf_jadd_str(r, "resolved_at", col_or_null(st, C_RESOLVED));
	rc |= wf_jadd_str(r, "resolution", col_or_null(st, C_RESOLUTION));
	rc |= wf_jadd_str(r, "age", age);
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

/* Emit exception ID to OUT (nothing when OUT is NULL), with "result" when
 * RESULT is not NULL. */
static int
emit(wf_db *db, int64_t id, wf_out *out, const char *result)
{
	static const char sql[] = "SELECT " EX_COLS " FROM exception WHERE id = ?1";
	wf_stmt *st;
	cJSON *r;
	int rc;

	if (out == NULL)
		return 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) <= 0) {
		char key[KEYLEN];
		wf_exception_key(key, id);
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "exception '%s' not found", key);
	}
	r = ex_record(db, st);
	wf_stmt_reset(st);
	if (r == NULL || (result && wf_jadd_str(r, "result", result) != 0)) {
		cJSON_Delete(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(out, r);
}

/* ---- the clock ------------------------------------------------------------ */

/* Run clock-driven changes as WF_EXCEPTION_CLOCK_ACTOR: swap the actor in,
 * and back out (SAVED keeps the caller's). */
static int
clock_actor(wf_db *db, wf_buf *saved)
{
	int rc;

	wf_buf_reset(saved);
	if ((rc = wf_buf_adds(saved, wf_db_actor(db))) != 0)
		return rc;
	return wf_db_set_actor(db, WF_EXCEPTION_CLOCK_ACTOR);
}

static int
caller_actor(wf_db *db, wf_buf *saved, int rc)
{
	int rc2 = wf_db_set_actor(db, wf_buf_str(saved));

	wf_buf_free(saved);
	return rc ? rc : rc2;
}

/* Wake exception ID, snoozed until UNTIL (ISO text), by the clock's actor. */
static int
wake(wf_db *db, int64_t id, const char *until)
{
	char key[KEYLEN];
	wf_buf saved = {0};
	cJSON *data = cJSON_CreateObject();
	int rc;

	if (data == NULL || wf_jadd_str(data, "snoozed_until", until) != 0) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	wf_exception_key(key, id);
	if ((rc = clock_actor(db, &saved)) != 0) {
		cJSON_Delete(data);
		return caller_actor(db, &saved, rc);
	}
	rc = wf_state_apply(db, NULL, machine(), id, key, "wake", data);
	return caller_actor(db, &saved, rc);
}

/* Set exception ID's derived priority from WAS to TO, by the clock's actor. */
static int
reprioritise(wf_db *db, int64_t id, int64_t was, int64_t to, const char *due)
{
	static const char sql[] =
	    "UPDATE exception SET priority = ?2, updated_at = ?3 WHERE id = ?1";
	char key[KEYLEN];
	wf_buf saved = {0};
	wf_stmt *st;
	cJSON *data = cJSON_CreateObject();
	int rc;

	if (data == NULL || wf_jadd_int(data, "priority", to) ||
	    wf_jadd_int(data, "previous_priority", was) || wf_jadd_str(data, "due_at", due)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_db_stmt(db, &st, sql)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	wf_bind_int(st, 1, id);
	wf_bind_int(st, 2, to);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_step(db, st)) < 0) {
		cJSON_Delete(data);
		return rc;
	}
	wf_exception_key(key, id);
	if ((rc = clock_actor(db, &saved)) != 0) {
		cJSON_Delete(data);
		return caller_actor(db, &saved, rc);
	}
	rc = wf_history_add(db, "exception", key, NULL, "reprioritise", NULL, NULL, data);
	return caller_actor(db, &saved, rc);
}

/* What the clock has made due: expired snoozes, and derived priorities
 * that no longer match the formula. */
struct due_work {
	struct due_item { int64_t id, was, to; char when[WF_TIME_LEN]; } *v;
	size_t n, cap;
	size_t nwake;            /* the first nwake items are wakes */
};

static int
due_push(struct due_work *w, int64_t id, int64_t was, int64_t to, const char *when)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct due_item *v = realloc(w->v, cap * sizeof *v);
		if (v == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n].id = id;
	w->v[w->n].was = was;
	w->v[w->n].to = to;
	wf_strlcpy(w->v[w->n].when, when, sizeof w->v[w->n].when);
	w->n++;
	return 0;
}

static int
due_collect(wf_db *db, struct due_work *w)
{
	static const char snoozes[] =
	    "SELECT id, snoozed_until FROM exception"
	    " WHERE state = 'snoozed' AND snoozed_until <= ?1 ORDER BY id";
	static const char dated[] =
	    "SELECT id, priority, impact_money, impact_currency, impact_units,"
	    " impact_orders, due_at FROM exception"
	    " WHERE state IN ('open', 'acknowledged', 'in_progress', 'snoozed')"
	    " AND priority_fixed = 0 AND due_at IS NOT NULL ORDER BY id";
	wf_stmt *st;
	int rc;

	w->n = w->nwake = 0;
	if ((rc = wf_db_stmt(db, &st, snoozes)) != 0)
		return rc;
	wf_bind_time(st, 1, wf_db_now(db));
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = due_push(w, wf_col_int(st, 0), 0, 0,
		    wf_col_text(st, 1))) != 0)
			break;
	wf_stmt_reset(st);
	if (rc < 0)
		return rc;
	w->nwake = w->n;
	if ((rc = wf_db_stmt(db, &st, dated)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		struct wf_impact im;
		int p;

		memset(&im, 0, sizeof im);
		im.money = wf_col_int(st, 2);
		wf_strlcpy(im.currency, wf_col_text(st, 3), sizeof im.currency);
		im.units = wf_col_int(st, 4);
		im.orders = wf_col_int(st, 5);
		im.has_due = wf_time_parse(wf_col_text(st, 6), &im.due_at) == 0;
		p = wf_exception_priority(&im, wf_db_now(db));
		if (p != wf_col_int(st, 1) &&
		    (rc = due_push(w, wf_col_int(st, 0),
		    wf_col_int(st, 1), p, wf_col_text(st, 6))) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_exception_refresh(wf_db *db, long long *woken, long long *reprioritised)
{
	struct due_work w = { NULL, 0, 0, 0 };
	int own = wf_tx_depth(db) == 0, rc;
	size_t i;

	if (woken)
		*woken = 0;
	if (reprioritised)
		*reprioritised = 0;
	/* Look before taking the write lock: usually there is nothing to do. */
	if ((rc = due_collect(db, &w)) != 0 || w.n == 0)
		goto out;
	if ((rc = wf_tx_begin(db)) != 0)
		goto out;
	if (own && (rc = due_collect(db, &w)) != 0)
		goto fail;
	for (i = 0; i < w.n; i++) {
		if (i < w.nwake)
			rc = wake(db, w.v[i].id, w.v[i].when);
		else
			rc = reprioritise(db, w.v[i].id, w.v[i].was, w.v[i].to, w.v[i].when);
		if (rc)
			goto fail;
	}
	if ((rc = wf_tx_commit(db)) != 0)
		goto out;
	if (woken)
		*woken = (long long)w.nwake;
	if (reprioritised)
		*reprioritised = (long long)(w.n - w.nwake);
	goto out;
fail:
	wf_tx_rollback(db);
out:
	free(w.v);
	return rc;
}

/* ---- raise and clear ------------------------------------------------------ */

/* The exception of kind and subject, if any: its id, state and the time its
 * snooze ends.  Returns 1 when found, 0 when not, or an error. */
static int
find(wf_db *db, const char *kind, const char *stype, const char *sref,
    int64_t *id, char state[16], char until[WF_TIME_LEN])
{
	static const char sql[] =
	    "SELECT id, state, snoozed_until FROM exception"
	    " WHERE kind = ?1 AND subject_type = ?2 AND subject_ref = ?3";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, kind);
	wf_bind_text(st, 2, stype);
	wf_bind_text(st, 3, sref);
	if ((rc = wf_db_step(db, st)) == 1) {
		*id = wf_col_int(st, 0);
		wf_strlcpy(state, wf_col_text(st, 1), 16);
		wf_strlcpy(until, wf_col_text(st, 2), WF_TIME_LEN);
		wf_stmt_reset(st);
	}
	return rc;
}

/* Wake exception ID when STATE is snoozed and UNTIL has passed; STATE
 * follows. */
int
wf_exception_is_open(wf_db *db, int *open, const char *kind,
    const char *subject_type, const char *subject_ref)
{
	char state[16] = "", until[WF_TIME_LEN];
	int64_t id;
	int rc;

	*open = 0;
	if ((rc = find(db, kind, subject_type, subject_ref, &id, state, until)) < 0)
		return rc;
	*open = rc == 1 && !closed_state(state);
	return 0;
}

static int
wake_if_due(wf_db *db, int64_t id, char state[16], const char *until)
{
	int64_t t;
	int rc;

	if (strcmp(state, "snoozed") != 0 || wf_time_parse(until, &t) != 0 ||
	    t > wf_db_now(db))
		return 0;
	if ((rc = wake(db, id, until)) == 0)
		wf_strlcpy(state, "open", 16);
	return rc;
}

static int
bind_impact(wf_stmt *st, int at, const struct wf_impact *im)
{
	wf_bind_int(st, at, im->money);
	wf_bind_text(st, at + 1, im->currency[0] ? im->currency : NULL);
	wf_bind_int(st, at + 2, im->units);
	wf_bind_int(st, at + 3, im->orders);
	if (im->has_due)
		wf_bind_time(st, at + 4, im->due_at);
	else
		wf_bind_null(st, at + 4);
	return 0;
}

static cJSON *
impact_of(const struct wf_impact *im)
{
	char due[WF_TIME_LEN];

	if (im->has_due)
		wf_time_format(im->due_at, due);
	return impact_json(im->money, im->currency, im->units, im->orders,
	    im->has_due ? due : NULL);
}

static int
create(wf_db *db, const struct wf_raise *r, int priority, const char *evidence,
    int64_t *id)
{
	static const char sql[] =
	    "INSERT INTO exception (kind, subject_type, subject_ref, owner, priority,"
	    " priority_fixed, evidence, impact_money, impact_currency, impact_units,"
	    " impact_orders, due_at, next_action, state, opened_at, last_seen_at,"
	    " times_seen, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'open', ?14, ?14, 1, ?14, ?14)";
	char key[KEYLEN], subject[MAX_REF + 64];
	wf_stmt *st;
	cJSON *data;
	int rc = 0;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, r->kind);
	wf_bind_text(st, 2, r->subject_type);
	wf_bind_text(st, 3, r->subject_ref);
	wf_bind_text(st, 4, r->owner);
	wf_bind_int(st, 5, priority);
	wf_bind_int(st, 6, r->has_priority);
	wf_bind_text(st, 7, evidence);
	bind_impact(st, 8, &r->impact);
	wf_bind_text(st, 13, r->next_action);
	wf_bind_time(st, 14, wf_db_now(db));
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	*id = wf_db_last_id(db);
	wf_exception_key(key, *id);
	snprintf(subject, sizeof subject, "%s %s", r->subject_type, r->subject_ref);
	if ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(data, "kind", r->kind) || wf_jadd_str(data, "subject", subject) ||
	    wf_jadd_str(data, "owner", r->owner) || wf_jadd_int(data, "priority", priority) ||
	    wf_jadd_bool(data, "priority_fixed", r->has_priority) ||
	    wf_jadd_item(data, "evidence", evidence_json(evidence)) ||
	    wf_jadd_item(data, "impact", impact_of(&r->impact)) ||
	    wf_jadd_str(data, "next_action", r->next_action)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_history_add(db, "exception", key, machine()->name, "create", NULL,
	    "open", data);
}

/* What a raise changes on exception ID, as event data: times_seen and every
 * field whose value differs.  NULL: no memory (or an error, set). */
static cJSON *
changes(wf_db *db, int64_t id, const struct wf_raise *r, int priority,
    const char *evidence)
{
	static const char sql[] =
	    "SELECT priority, priority_fixed, evidence, impact_money,"
	    " coalesce(impact_currency, ''), impact_units, impact_orders,"
	    " coalesce(due_at, ''), next_action, times_seen FROM exception WHERE id = ?1";
	const struct wf_impact *im = &r->impact;
	char due[WF_TIME_LEN] = "";
	wf_stmt *st;
	cJSON *d;
	int rc = 0;

	if (wf_db_stmt(db, &st, sql) != 0)
		return NULL;
	wf_bind_int(st, 1, id);
	if (wf_db_step(db, st) != 1) {
		wf_error_set(WF_EINTERNAL, "exception %lld vanished", (long long)id);
		return NULL;
	}
	if (im->has_due)
		wf_time_format(im->due_at, due);
	if ((d = cJSON_CreateObject()) == NULL) {
		wf_stmt_reset(st);
		wf_error_set(WF_ENOMEM, "out of memory");
		return NULL;
	}
	rc |= wf_jadd_int(d, "times_seen", wf_col_int(st, 9) + 1);
	if ((int)wf_col_int(st, 0) != priority || (int)wf_col_int(st, 1) != r->has_priority) {
		rc |= wf_jadd_int(d, "priority", priority);
		rc |= wf_jadd_bool(d, "priority_fixed", r->has_priority);
	}
	if (strcmp(wf_col_text(st, 2), evidence) != 0)
		rc |= wf_jadd_item(d, "evidence", evidence_json(evidence));
	if (wf_col_int(st, 3) != im->money ||
	    strcmp(wf_col_text(st, 4), im->currency) != 0 ||
	    wf_col_int(st, 5) != im->units ||
	    wf_col_int(st, 6) != im->orders ||
	    strcmp(wf_col_text(st, 7), due) != 0)
		rc |= wf_jadd_item(d, "impact", impact_of(im));
	if (strcmp(wf_col_text(st, 8), r->next_action) != 0)
		rc |= wf_jadd_str(d, "next_action", r->next_action);
	wf_stmt_reset(st);
	if (rc) {
		cJSON_Delete(d);
		wf_error_set(WF_ENOMEM, "out of memory");
		return NULL;
	}
	return d;
}

static int
update(wf_db *db, int64_t id, const struct wf_raise *r, int priority,
    const char *evidence, int reopened)
{
	static const char sql[] =
	    "UPDATE exception SET priority = ?2, priority_fixed = ?3, evidence = ?4,"
	    " impact_money = ?5, impact_currency = ?6, impact_units = ?7,"
	    " impact_orders = ?8, due_at = ?9, next_action = ?10, last_seen_at = ?11,"
	    " times_seen = times_seen + 1, updated_at = ?11,"
	    " resolution = CASE WHEN ?12 THEN NULL ELSE resolution END WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_int(st, 2, priority);
	wf_bind_int(st, 3, r->has_priority);
	wf_bind_text(st, 4, evidence);
	bind_impact(st, 5, &r->impact);
	wf_bind_text(st, 10, r->next_action);
	wf_bind_time(st, 11, wf_db_now(db));
	wf_bind_int(st, 12, reopened);
	rc = wf_db_step(db, st);
	return rc < 0 ? rc : 0;
}

int
wf_exception_raise(wf_db *db, int64_t *id, const char **result,
    const struct wf_raise *r)
{
	char state[16], until[WF_TIME_LEN], key[KEYLEN];
	wf_buf evidence = {0};
	cJSON *data = NULL;
	int rc, found, priority;

	if ((rc = check_raise(r)) != 0)
		return rc;
	if (r->evidence)
		rc = wf_json_write(&evidence, r->evidence);
	else
		rc = wf_buf_adds(&evidence, "{}");
	if (rc != 0) {
		wf_buf_free(&evidence);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	priority = r->has_priority ? r->priority :
	    wf_exception_priority(&r->impact, wf_db_now(db));
	if ((rc = wf_tx_begin(db)) != 0) {
		wf_buf_free(&evidence);
		return rc;
	}
	if ((found = rc = find(db, r->kind, r->subject_type, r->subject_ref, id,
	    state, until)) < 0)
		goto fail;
	if (!found) {
		if ((rc = create(db, r, priority, wf_buf_str(&evidence), id)) != 0)
			goto fail;
		*result = "created";
	} else {
		int reopen;

		if ((rc = wake_if_due(db, *id, state, until)) != 0)
			goto fail;
		reopen = closed_state(state);
		wf_exception_key(key, *id);
		if ((data = changes(db, *id, r, priority, wf_buf_str(&evidence))) == NULL) {
			rc = wf_error_code() ? wf_error_code() : WF_ENOMEM;
			goto fail;
		}
		if (reopen)
			rc = wf_state_apply(db, NULL, machine(), *id, key, "reopen", data);
		else
			rc = wf_history_add(db, "exception", key, NULL, "raise", NULL, NULL, data);
		data = NULL;
		if (rc != 0 ||
		    (rc = update(db, *id, r, priority, wf_buf_str(&evidence), reopen)) != 0)
			goto fail;
		*result = reopen ? "reopened" : "updated";
	}
	wf_buf_free(&evidence);
	return wf_tx_commit(db);
fail:
	cJSON_Delete(data);
	wf_buf_free(&evidence);
	wf_tx_rollback(db);
	return rc;
}

int
wf_exception_same(wf_db *db, int *same, int64_t *id, int *dismissed, const struct wf_raise *r)
{
	static const char sql[] =
	    "SELECT id, state, evidence, impact_money, coalesce(impact_currency, ''),"
	    " impact_units, impact_orders, coalesce(due_at, ''), next_action, priority,"
	    " priority_fixed FROM exception"
	    " WHERE kind = ?1 AND subject_type = ?2 AND subject_ref = ?3";
	const struct wf_impact *im = &r->impact;
	char due[WF_TIME_LEN] = "";
	wf_buf evidence = {0};
	const char *state;
	wf_stmt *st;
	int rc;

	*same = *dismissed = 0;
	*id = 0;
	if ((r->evidence ? wf_json_write(&evidence, r->evidence) :
	    wf_buf_adds(&evidence, "{}")) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (im->has_due)
		wf_time_format(im->due_at, due);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	wf_bind_text(st, 1, r->kind);
	wf_bind_text(st, 2, r->subject_type);
	wf_bind_text(st, 3, r->subject_ref);
	if ((rc = wf_db_step(db, st)) != 1)
		goto out;
	*id = wf_col_int(st, 0);
	state = wf_col_text(st, 1);
	*dismissed = strcmp(state, "dismissed") == 0;
	*same = *dismissed || (!closed_state(state) &&
	    strcmp(wf_col_text(st, 2), wf_buf_str(&evidence)) == 0 &&
	    wf_col_int(st, 3) == im->money &&
	    strcmp(wf_col_text(st, 4), im->currency) == 0 &&
	    wf_col_int(st, 5) == im->units && wf_col_int(st, 6) == im->orders &&
	    strcmp(wf_col_text(st, 7), due) == 0 &&
	    strcmp(wf_col_text(st, 8), r->next_action) == 0 &&
	    wf_col_int(st, 9) == (r->has_priority ? r->priority : -1) &&
	    wf_col_int(st, 10) == r->has_priority);
	wf_stmt_reset(st);
	rc = 0;
out:
	wf_buf_free(&evidence);
	return rc;
}

/* Keep NOTE as the resolution (NULL: clear it, on reopening). */
static int
set_resolution(wf_db *db, int64_t id, const char *note)
{
	static const char sql[] = "UPDATE exception SET resolution = ?2 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, note);
	rc = wf_db_step(db, st);
	return rc < 0 ? rc : 0;
}

static cJSON *
note_data(const char *key, const char *value)
{
	cJSON *d = cJSON_CreateObject();

	if (d && wf_jadd_str(d, key, value) != 0) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int
wf_exception_clear(wf_db *db, int64_t *id, const char **result,
    const char *kind, const char *subject_type, const char *subject_ref, const char *note)
{
	char state[16], until[WF_TIME_LEN], key[KEYLEN];
	cJSON *data;
	int rc, found;

	*id = 0;
	if ((rc = check_note(note)) != 0)
		return rc;
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((found = rc = find(db, kind, subject_type, subject_ref, id, state, until)) < 0)
		goto fail;
	if (!found) {
		*result = "not_found";
		return wf_tx_commit(db);
	}
	if (closed_state(state)) {
		*result = strcmp(state, "resolved") == 0 ? "already_resolved" :
		    "already_dismissed";
		return wf_tx_commit(db);
	}
	if ((rc = wake_if_due(db, *id, state, until)) != 0)
		goto fail;
	wf_exception_key(key, *id);
	if ((data = note_data("note", note)) == NULL) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = wf_state_apply(db, NULL, machine(), *id, key, "resolve", data)) != 0 ||
	    (rc = set_resolution(db, *id, note)) != 0)
		goto fail;
	*result = "resolved";
	return wf_tx_commit(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

/* ---- the queue ------------------------------------------------------------ */

int
wf_exception_list(wf_db *db, const struct wf_exception_query *q, wf_out *out)
{
	static const char sql[] =
	    "SELECT " EX_COLS " FROM exception"
	    " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR owner = ?2)"
	    " AND (?3 IS NULL OR kind = ?3)"
	    " AND (?1 IS NOT NULL OR ?4 OR state NOT IN ('resolved', 'dismissed'))"
	    " ORDER BY CASE WHEN state IN ('open', 'acknowledged', 'in_progress') THEN 0"
	    " WHEN state = 'snoozed' THEN 1 ELSE 2 END, priority DESC, opened_at, id";
	wf_stmt *st;
	int rc;

	if (q->state && !wf_state_valid(machine(), q->state))
		return wf_error_set(WF_EUSAGE, "unknown state '%.40s' (open, acknowledged, "
		    "in_progress, snoozed, resolved, dismissed)", q->state);
	if ((rc = wf_exception_refresh(db, NULL, NULL)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, q->state);
	wf_bind_text(st, 2, q->owner);
	wf_bind_text(st, 3, q->kind);
	wf_bind_int(st, 4, q->all != 0);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *r = ex_record(db, st);
		if (r == NULL) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
		if ((rc = wf_out_emit(out, r)) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_exception_show(wf_db *db, const char *key, wf_out *out)
{
	struct wf_log_query q = { "exception", NULL, 0, 0, NULL };
	char ref[KEYLEN];
	int64_t id;
	int rc;

	if ((rc = wf_exception_parse_key(&id, key)) != 0)
		return rc;
	if ((rc = wf_exception_refresh(db, NULL, NULL)) != 0 ||
	    (rc = emit(db, id, out, NULL)) != 0)
		return rc;
	wf_exception_key(ref, id);
	q.ref = ref;
	return wf_history_log(db, &q, out);
}

/* One operator transition on KEY: ACTION with ARG (the snooze time) and
 * event DATA (taken); NOTE, when not NULL, becomes the resolution. */
static int
act(wf_db *db, const char *key, const char *action, const char *arg,
    const char *note, cJSON *data, wf_out *out)
{
	char ref[KEYLEN];
	int64_t id;
	int rc;

	if ((arg || note) && data == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if ((rc = wf_exception_parse_key(&id, key)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	wf_exception_key(ref, id);
	if ((rc = wf_tx_begin(db)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if ((rc = wf_exception_refresh(db, NULL, NULL)) != 0) {
		cJSON_Delete(data);
		goto fail;
	}
	if ((rc = wf_state_apply_arg(db, NULL, machine(), id, ref, action, arg, data)) != 0)
		goto fail;
	if ((note || strcmp(action, "reopen") == 0) &&
	    (rc = set_resolution(db, id, note)) != 0)
		goto fail;
	if ((rc = emit(db, id, out, NULL)) != 0)
		goto fail;
	return wf_tx_commit(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

int
wf_exception_ack(wf_db *db, const char *key, wf_out *out)
{
	return act(db, key, "ack", NULL, NULL, NULL, out);
}

int
wf_exception_start(wf_db *db, const char *key, wf_out *out)
{
	return act(db, key, "start", NULL, NULL, NULL, out);
}

int
wf_exception_reopen(wf_db *db, const char *key, wf_out *out)
{
	return act(db, key, "reopen", NULL, NULL, NULL, out);
}

int
wf_exception_snooze(wf_db *db, const char *key, int64_t until, wf_out *out)
{
	char t[WF_TIME_LEN], now[WF_TIME_LEN];

	wf_time_format(until, t);
	if (until <= wf_db_now(db)) {
		wf_time_format(wf_db_now(db), now);
		return wf_error_set(WF_EUSAGE,
		    "cannot snooze until %s: that is not in the future (now %s)", t, now);
	}
	return act(db, key, "snooze", t, NULL, note_data("until", t), out);
}

static int
close_with_note(wf_db *db, const char *key, const char *action, const char *note,
    wf_out *out)
{
	int rc;

	if ((rc = check_note(note)) != 0)
		return rc;
	return act(db, key, action, NULL, note, note_data("note", note), out);
}

int
wf_exception_resolve(wf_db *db, const char *key, const char *note, wf_out *out)
{
	return close_with_note(db, key, "resolve", note, out);
}

int
wf_exception_dismiss(wf_db *db, const char *key, const char *note, wf_out *out)
{
	return close_with_note(db, key, "dismiss", note, out);
}

int
wf_exception_assign(wf_db *db, const char *key, const char *owner, wf_out *out)
{
	static const char get[] = "SELECT owner FROM exception WHERE id = ?1";
	static const char set[] =
	    "UPDATE exception SET owner = ?2, updated_at = ?3 WHERE id = ?1";
	char ref[KEYLEN], was[80];
	wf_stmt *st;
	cJSON *data;
	int64_t id;
	int rc;

	if ((rc = wf_exception_parse_key(&id, key)) != 0)
		return rc;
	if (wf_text_owner(owner) != 0)
		return wf_error_set(WF_EUSAGE, "%s", wf_error_msg());
	wf_exception_key(ref, id);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_exception_refresh(db, NULL, NULL)) != 0 ||
	    (rc = wf_db_stmt(db, &st, get)) != 0)
		goto fail;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) <= 0) {
		if (rc == 0)
			rc = wf_error_set(WF_ENOTFOUND, "exception '%s' not found", ref);
		goto fail;
	}
	wf_strlcpy(was, wf_col_text(st, 0), sizeof was);
	wf_stmt_reset(st);
	if (strcmp(was, owner) != 0) {
		if ((rc = wf_db_stmt(db, &st, set)) != 0)
			goto fail;
		wf_bind_int(st, 1, id);
		wf_bind_text(st, 2, owner);
		wf_bind_time(st, 3, wf_db_now(db));
		if ((rc = wf_db_step(db, st)) < 0)
			goto fail;
		if ((data = note_data("owner", owner)) == NULL ||
		    wf_jadd_str(data, "previous_owner", was) != 0) {
			cJSON_Delete(data);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto fail;
		}
		if ((rc = wf_history_add(db, "exception", ref, NULL, "assign", NULL, NULL,
		    data)) != 0)
			goto fail;
	}
	if ((rc = emit(db, id, out, NULL)) != 0)
		goto fail;
	return wf_tx_commit(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

/* ---- JSON lines in -------------------------------------------------------- */

static int
line_impact(const wf_jloc *at, const cJSON *o, struct wf_impact *im)
{
	const char *cur = NULL;
	int rc;

	if ((rc = wf_jget_str(at, o, "currency", 0, 3, &cur)) < 0)
		return rc;
	if (rc == 0 && wf_currency_norm(cur, im->currency) != 0)
		return wf_jerr(at, "currency", "unknown currency '%s'", cur);
	if (cJSON_GetObjectItemCaseSensitive(o, "money") && !cJSON_IsNull(
	    cJSON_GetObjectItemCaseSensitive(o, "money")) && !im->currency[0])
		return wf_jerr(at, "currency", "missing (needed with money)");
	if (im->currency[0] &&
	    (rc = wf_jget_money(at, o, "money", 0, im->currency, &im->money)) < 0)
		return rc;
	if (im->money < 0)
		return wf_jerr(at, "money", "must not be negative");
	if ((rc = wf_jget_int(at, o, "units", 0, 0, WF_JSON_INT_MAX, &im->units)) < 0 ||
	    (rc = wf_jget_int(at, o, "orders", 0, 0, WF_JSON_INT_MAX, &im->orders)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "due_at", 0, &im->due_at)) < 0)
		return rc;
	im->has_due = rc == 0;
	return 0;
}

int
wf_exception_raise_line(wf_db *db, const struct wf_line *l, void *arg)
{
	static const char *const known[] = {
		"type", "exception", "kind", "subject", "owner", "priority", "evidence",
		"impact", "next_action", "state", "priority_fixed", "opened_at",
		"last_seen_at", "times_seen", "snoozed_until", "resolved_at",
		"resolution", "age", "result", NULL
	};
	static const char *const impact_known[] = {
		"money", "currency", "units", "orders", "due_at", NULL
	};
	wf_jloc impact_at = WF_JLOC_KEY(l->at, "impact");
	struct wf_raise r;
	const cJSON *impact = NULL;
	const char *type = NULL, *subject = NULL, *sp;
	int found;
	char stype[32];
	int64_t prio = 0, id;
	int fixed = 1, rc;
	const char *result;

	memset(&r, 0, sizeof r);
	if ((rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 64, &type)) < 0)
		return rc;
	if (rc == 0 && strcmp(type, "exception") != 0)
		return wf_jerr(l->at, "type", "expected \"exception\", got \"%s\"", type);
	if ((rc = wf_jget_str(l->at, l->obj, "kind", WF_J_REQ | WF_J_NONEMPTY, 64,
	    &r.kind)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "subject", WF_J_REQ | WF_J_NONEMPTY,
	    MAX_REF + 32, &subject)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "owner", WF_J_REQ | WF_J_NONEMPTY, 64,
	    &r.owner)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "next_action", WF_J_REQ | WF_J_NONEMPTY,
	    MAX_TEXT, &r.next_action)) < 0 ||
	    (rc = wf_jget_obj(l->at, l->obj, "evidence", 0, &r.evidence)) < 0 ||
	    (rc = wf_jget_obj(l->at, l->obj, "impact", 0, &impact)) < 0)
		return rc;
	if ((sp = strchr(subject, ' ')) == NULL || sp == subject || sp[1] == '\0' ||
	    (size_t)(sp - subject) >= sizeof stype)
		return wf_jerr(l->at, "subject",
		    "expected 'TYPE KEY' such as 'order shop:1001', got \"%.60s\"", subject);
	memcpy(stype, subject, (size_t)(sp - subject));
	stype[sp - subject] = '\0';
	r.subject_type = stype;
	r.subject_ref = sp + 1;
	if (!wf_record_in_history(stype))
		return wf_jerr(l->at, "subject", "unknown record type '%s'", stype);
	/* a subject names a record: an exception about nothing is no work */
	if ((rc = wf_record_exists(db, &found, wf_record_find(stype), r.subject_ref)) != 0)
		return rc;
	if (found == 0)
		return wf_jerr(l->at, "subject", "no %s '%.64s' here; an exception's subject "
		    "names a record", stype, r.subject_ref);
	if ((rc = wf_jget_int(l->at, l->obj, "priority", 0, 0, 100, &prio)) < 0)
		return rc;
	r.has_priority = rc == 0;
	r.priority = (int)prio;
	if ((rc = wf_jget_bool(l->at, l->obj, "priority_fixed", 0, &fixed)) < 0)
		return rc;
	if (rc == 0 && !fixed)
		r.has_priority = 0;
	if (impact) {
		if ((rc = wf_jcheck_keys(&impact_at, impact, impact_known)) != 0)
			return rc;
		if ((rc = line_impact(&impact_at, impact, &r.impact)) != 0)
			return rc;
	}
	if ((rc = wf_exception_raise(db, &id, &result, &r)) != 0)
		return rc;
	return emit(db, id, arg, result);
}

/* ---- invariants ----------------------------------------------------------- */

static int
inv_snooze(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'EX-' || id, CASE WHEN state = 'snoozed'"
	    " THEN 'snoozed without a time to wake'"
	    " ELSE state || ' but snoozed until ' || snoozed_until END"
	    " FROM exception WHERE (state = 'snoozed') <> (snoozed_until IS NOT NULL)"
	    " ORDER BY id";
	return wf_check_rows(db, out, n, "exception.snooze", "exception", sql);
}

static int
inv_closed(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'EX-' || id, CASE WHEN state IN ('resolved', 'dismissed')"
	    " THEN state || ' without ' || CASE WHEN resolved_at IS NULL"
	    " THEN 'resolved_at' ELSE 'a resolution note' END"
	    " ELSE state || ' but has ' || CASE WHEN resolved_at IS NOT NULL"
	    " THEN 'resolved_at ' || resolved_at ELSE 'a resolution note' END END"
	    " FROM exception WHERE (state IN ('resolved', 'dismissed')) <>"
	    " (resolved_at IS NOT NULL) OR (state IN ('resolved', 'dismissed')) <>"
	    " (resolution IS NOT NULL AND resolution <> '') ORDER BY id";
	return wf_check_rows(db, out, n, "exception.closed", "exception", sql);
}

static int
inv_seen(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'EX-' || id, CASE WHEN times_seen < 1 THEN 'times_seen is ' || times_seen"
	    " ELSE 'last seen ' || last_seen_at || ', before it was opened at '"
	    " || opened_at END FROM exception"
	    " WHERE times_seen < 1 OR last_seen_at < opened_at ORDER BY id";
	return wf_check_rows(db, out, n, "exception.seen", "exception", sql);
}

/* A derived priority without a due time does not depend on the clock, so
 * it must equal the formula now. */
static int
inv_priority(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT id, priority, impact_money, coalesce(impact_currency, ''),"
	    " impact_units, impact_orders FROM exception"
	    " WHERE priority_fixed = 0 AND due_at IS NULL ORDER BY id";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		struct wf_impact im;
		char key[KEYLEN];
		int p;

		memset(&im, 0, sizeof im);
		im.money = wf_col_int(st, 2);
		wf_strlcpy(im.currency, wf_col_text(st, 3), sizeof im.currency);
		im.units = wf_col_int(st, 4);
		im.orders = wf_col_int(st, 5);
		p = wf_exception_priority(&im, wf_db_now(db));
		if (p == (int)wf_col_int(st, 1))
			continue;
		wf_exception_key(key, wf_col_int(st, 0));
		if ((rc = wf_check_violation(out, n, "exception.priority", "exception", key,
		    "priority is %d but its impact gives %d", (int)wf_col_int(st, 1), p)) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

const struct wf_invariant wf_exception_invariants[] = {
	{ "exception.snooze", "snoozed exceptions, and only they, have a time to wake",
	  inv_snooze },
	{ "exception.closed", "resolved and dismissed exceptions, and only they, "
	  "have resolved_at and a resolution note", inv_closed },
	{ "exception.seen", "every exception was seen at least once, "
	  "and not before it was opened", inv_seen },
	{ "exception.priority", "a derived priority without a due time equals "
	  "the formula for its impact", inv_priority },
	{ NULL, NULL, NULL }
};

/* ---- state machines ---------------------------------------------------- */

static const char *const exception_states[] = {
	"open", "acknowledged", "in_progress", "snoozed", "resolved", "dismissed", NULL
};
static const struct wf_transition exception_rows[] = {
	{ "open",         "ack",     "acknowledged" },
	{ "open",         "start",   "in_progress" },
	{ "acknowledged", "start",   "in_progress" },
	{ "open",         "snooze",  "snoozed" },
	{ "acknowledged", "snooze",  "snoozed" },
	{ "in_progress",  "snooze",  "snoozed" },
	{ "snoozed",      "snooze",  "snoozed" },
	{ "snoozed",      "wake",    "open" },
	{ "snoozed",      "ack",     "acknowledged" },
	{ "snoozed",      "start",   "in_progress" },
	{ "open",         "resolve", "resolved" },
	{ "acknowledged", "resolve", "resolved" },
	{ "in_progress",  "resolve", "resolved" },
	{ "snoozed",      "resolve", "resolved" },
	{ "open",         "dismiss", "dismissed" },
	{ "acknowledged", "dismiss", "dismissed" },
	{ "in_progress",  "dismiss", "dismissed" },
	{ "snoozed",      "dismiss", "dismissed" },
	{ "resolved",     "reopen",  "open" },
	{ "dismissed",    "reopen",  "open" },
	WF_TRANSITIONS_END
};

/* The schema ties snoozed_until to state 'snoozed' (and wf check ties
 * resolved_at to the closed states), so both change in the statement that
 * changes the state: ?5 is the time a snooze ends. */
static const struct wf_machine m_exception = {
	"exception", "exception", "exceptions (EX-N)",
	exception_states, exception_rows, WF_SQL_STATE_GET("exception", "state", "NULL"),
	"UPDATE exception SET state = ?1, updated_at = ?2,"
	" snoozed_until = CASE WHEN ?1 = 'snoozed' THEN ?5 END,"
	" resolved_at = CASE WHEN ?1 IN ('resolved', 'dismissed') THEN ?2 END"
	" WHERE id = ?3",
	WF_SQL_STATE_ALL("exception", "'EX-' || id", "state"), NULL, NULL
};


static const struct wf_machine *const exception_machines[] = { &m_exception, NULL };

const struct wf_record_type wf_record_exception = {
	.type = "exception",
	.key_hint = "an exception key like EX-12",
	.prefix = "EX-",
	.table = "exception",
	.machines = exception_machines,
	.invariants = wf_exception_invariants,
	.complete = "SELECT 'EX-' || id FROM exception WHERE state NOT IN ('resolved', 'dismissed')" " AND 'EX-' || id GLOB ?1 ORDER BY id",
	.lookup = "SELECT 1 FROM exception WHERE id = ?1",
};
