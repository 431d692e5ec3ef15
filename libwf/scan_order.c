/* scan_order.c - the order scan: orders that have waited too long in a
 * state (stuck), that were reserved or shipped and are still not paid
 * (unpaid), and whose promise can no longer be kept (promise_at_risk): not
 * shipped when its promise date has passed, or, for a promised order
 * before its date, the stock or the PO it counts on is gone or slipped
 * past it (wf_promise_risks, wf_promise.h).  One exception per order and kind, through the scan
 * driver (scan_priv.h); each resolves with a note when its order moves on.
 * And routing's unroutable exceptions, one per SKU and warehouse that
 * blocks orders (route_block.c), kept in step with the orders still held.
 *
 * How long an order has been in its state is measured from the last
 * history event that moved it there (else from when Workform created it),
 * not from when it was placed: an order imported a year after it was
 * placed has not been stuck for a year.  Unpaid is measured from placed_at:
 * the customer's clock.
 *
 * The candidates come from one query, filtered in SQL by the cut-off times
 * (stored times are fixed-width UTC text, so they compare as text), and are
 * kept, with the exceptions there were, in temporary tables before anything
 * is written: a run writes the exception and event tables it reads.  They
 * are read back in order of the order's ref, so memory stays flat however
 * many orders there are.
 *
 * reads: orders, order_line, order_route, event, exception
 * temp: scan_cand, scan_old
 */
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_promise.h"
#include "wf_route.h"
#include "wf_time.h"

#define HOUR 3600
#define DAY  86400

const char *const wf_scan_order_kinds[] = {
	"stuck", "unpaid", "promise_at_risk", NULL
};
enum { K_STUCK, K_UNPAID, K_PROMISE, NKINDS };

struct cand {
	char   *ref, *state, *finance, *owner, *hold_reason;
	char    currency[4];
	int64_t total, paid, units, placed, since, promise;
	int     has_promise;
	const struct wf_promise_risk *risk;   /* its promise cannot be kept */
};

struct orders {
	struct scan    *s;
	wf_stmt        *old_st;        /* the exceptions there were, by order, kind */
	struct scan_ex  old;           /* its row, when HAS_OLD */
	int             has_old;
	int64_t         now;
	struct wf_promise_risk *risks;  /* sorted by order */
	size_t          nrisks;
	wf_buf          text, note, shown;
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static void
cand_free(struct cand *c)
{
	free(c->ref);
	free(c->state);
	free(c->finance);
	free(c->owner);
	free(c->hold_reason);
}

/* The limit of STATE in seconds, or 0 when an order in it is never stuck. */
static int64_t
stuck_limit(const struct wf_scan_opts *o, const char *state)
{
	return strcmp(state, "new") == 0 ? o->stuck_new_hours * HOUR :
	    strcmp(state, "on_hold") == 0 ? o->stuck_on_hold_hours * HOUR :
	    strcmp(state, "reserved") == 0 ? o->stuck_reserved_hours * HOUR : 0;
}

static int
not_shipped(const char *state)
{
	return strcmp(state, "new") == 0 || strcmp(state, "promised") == 0 ||
	    strcmp(state, "reserved") == 0 || strcmp(state, "picked") == 0 ||
	    strcmp(state, "packed") == 0 || strcmp(state, "on_hold") == 0;
}

/* Reserved, picked, packed, shipped or delivered: the goods are committed
 * or gone, so the money is owed. */
static int
goods_committed(const char *state)
{
	return strcmp(state, "reserved") == 0 || strcmp(state, "picked") == 0 ||
	    strcmp(state, "packed") == 0 || strcmp(state, "shipped") == 0 ||
	    strcmp(state, "delivered") == 0;
}

/* Whether kind K holds for C. */
static int
holds(const struct orders *k, int kind, const struct cand *c)
{
	const struct wf_scan_opts *o = k->s->o;
	int64_t limit;

	switch (kind) {
	case K_STUCK:
		limit = stuck_limit(o, c->state);
		return limit > 0 && k->now - c->since > limit;
	case K_UNPAID:
		return goods_committed(c->state) && strcmp(c->finance, "pending") == 0 &&
		    k->now - c->placed > o->unpaid_days * DAY;
	default:
		return (c->has_promise && not_shipped(c->state) && k->now > c->promise) ||
		    c->risk != NULL;
	}
}

static int
time_col(wf_stmt *st, int col, int64_t *t)
{
	const char *s = wf_col_str(st, col);

	if (s == NULL || wf_time_parse(s, t) != 0)
		return wf_error_set(WF_EINTERNAL, "a stored time is not a time: '%s'",
		    s ? s : "(null)");
	return 0;
}

/* The run's snapshot, in two temporary tables read back in order of the
 * order's ref while the run writes the exception and event tables the
 * candidates' query reads: memory does not grow with the orders (800k
 * candidates held as C strings took 364 MiB). */
static const char snap_tables[] =
    "CREATE TEMP TABLE IF NOT EXISTS scan_cand (ref TEXT PRIMARY KEY, state TEXT,"
    " finance TEXT, owner TEXT, hold_reason TEXT, currency TEXT, total INTEGER,"
    " paid INTEGER, placed TEXT, promise TEXT, since TEXT, units INTEGER) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS scan_old (ref TEXT, kind INTEGER, id INTEGER,"
    " state TEXT, PRIMARY KEY (ref, kind)) WITHOUT ROWID;";
/* emptied at the start of a run, not dropped at its end: the connection
 * drops them when it closes.  (SQLite 3.40.1 failed to empty one of 800k
 * rows inside a transaction while the statement journal's spill was 1 MiB:
 * db.c, config_sqlite.) */
static const char snap_empty[] = "DELETE FROM scan_cand; DELETE FROM scan_old;";

static int
snapshot(struct orders *k)
{
	/* every order one of the kinds may hold for: a superset, judged in C */
	static const char cands[] =
	    "INSERT INTO scan_cand SELECT o.ref, o.state, o.finance_state, o.owner,"
	    " coalesce(o.hold_reason, ''), o.currency, o.total, o.paid, o.placed_at,"
	    /* a promise's own date first (wf-order promise --by, the route's) */
	    " CASE WHEN o.state = 'promised' OR o.held_from = 'promised' THEN coalesce("
	    "  (SELECT min(r.promise) FROM order_route r WHERE r.order_id = o.id), o.promise_by)"
	    "  ELSE o.promise_by END,"
	    " coalesce((SELECT max(e.at) FROM event e WHERE e.record_type = 'order'"
	    "  AND e.ref = o.ref AND e.machine = 'order' AND e.to_state = o.state), o.created_at),"
	    " (SELECT coalesce(sum(l.qty), 0) FROM order_line l WHERE l.order_id = o.id)"
	    " FROM orders o WHERE"
	    " (o.state = 'new' AND o.created_at < ?1) OR"
	    " (o.state = 'on_hold' AND o.created_at < ?2) OR"
	    " (o.state = 'reserved' AND o.created_at < ?3) OR"
	    " (o.finance_state = 'pending' AND o.placed_at < ?4 AND (o.state = 'reserved' OR"
	    "  o.state = 'picked' OR o.state = 'packed' OR o.state = 'shipped' OR"
	    "  o.state = 'delivered')) OR"
	    " (o.promise_by < ?5 AND (o.state = 'new' OR o.state = 'promised' OR"
	    "  o.state = 'reserved' OR o.state = 'picked' OR o.state = 'packed' OR"
	    "  o.state = 'on_hold')) OR"
	    " o.state = 'promised' OR (o.state = 'on_hold' AND o.held_from = 'promised')";
	/* the exceptions there were, each kind as its index */
	static const char old[] =
	    "INSERT INTO scan_old SELECT subject_ref, CASE kind WHEN ?1 THEN 0 WHEN ?2 THEN 1"
	    " ELSE 2 END, id, state FROM exception"
	    " WHERE subject_type = 'order' AND kind IN (?1, ?2, ?3)";
	const struct wf_scan_opts *o = k->s->o;
	char cut[5][WF_TIME_LEN];
	wf_stmt *st;
	int rc, i;

	if ((rc = wf_db_exec(k->s->db, snap_tables)) != 0 ||
	    (rc = wf_db_exec(k->s->db, snap_empty)) != 0)
		return rc;
	wf_time_format(k->now - o->stuck_new_hours * HOUR, cut[0]);
	wf_time_format(k->now - o->stuck_on_hold_hours * HOUR, cut[1]);
	wf_time_format(k->now - o->stuck_reserved_hours * HOUR, cut[2]);
	wf_time_format(k->now - o->unpaid_days * DAY, cut[3]);
	wf_time_format(k->now, cut[4]);
	if ((rc = wf_db_stmt(k->s->db, &st, cands)) != 0)
		return rc;
	for (i = 0; i < 5; i++)
		wf_bind_text(st, i + 1, cut[i]);
	if ((rc = wf_db_done(k->s->db, st)) != 0 || (rc = wf_db_stmt(k->s->db, &st, old)) != 0)
		return rc;
	for (i = 0; i < NKINDS; i++)
		wf_bind_static(st, i + 1, wf_scan_order_kinds[i]);
	return wf_db_done(k->s->db, st);
}

static const char cand_sql[] =
    "SELECT ref, state, finance, owner, hold_reason, currency, total, paid, placed, promise,"
    " since, units FROM scan_cand ORDER BY ref";
static const char old_sql[] = "SELECT id, state, ref, kind FROM scan_old ORDER BY ref, kind";
/* (both read their primary key in order: no sort) */

static int
risk_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wf_promise_risk *)a)->ref,
	    ((const struct wf_promise_risk *)b)->ref);
}

/* The candidate of ST's row into C (cand_free() it), with its risk. */
static int
cand_of(struct orders *k, wf_stmt *st, struct cand *c)
{
	struct wf_promise_risk key;
	int rc;

	memset(c, 0, sizeof *c);
	if ((c->ref = strdup(wf_col_text(st, 0))) == NULL ||
	    (c->state = strdup(wf_col_text(st, 1))) == NULL ||
	    (c->finance = strdup(wf_col_text(st, 2))) == NULL ||
	    (c->owner = strdup(wf_col_text(st, 3))) == NULL ||
	    (c->hold_reason = strdup(wf_col_text(st, 4))) == NULL)
		return oom();
	wf_strlcpy(c->currency, wf_col_text(st, 5), sizeof c->currency);
	c->total = wf_col_int(st, 6);
	c->paid = wf_col_int(st, 7);
	c->units = wf_col_int(st, 11);
	c->has_promise = !wf_col_null(st, 9);
	if ((rc = time_col(st, 8, &c->placed)) != 0 ||
	    (c->has_promise && (rc = time_col(st, 9, &c->promise)) != 0) ||
	    (rc = time_col(st, 10, &c->since)) != 0)
		return rc;
	wf_strlcpy(key.ref, c->ref, sizeof key.ref);
	c->risk = k->nrisks ? bsearch(&key, k->risks, k->nrisks, sizeof *k->risks, risk_cmp) :
	    NULL;
	return 0;
}

/* The next exception there was into K->old (K->has_old 0: no more). */
static int
old_next(struct orders *k)
{
	const char *state;
	int rc;

	free(k->old.ref);
	k->old.ref = NULL;
	if ((rc = wf_db_step(k->s->db, k->old_st)) != 1) {
		k->has_old = 0;
		return rc;
	}
	if ((k->old.ref = strdup(wf_col_text(k->old_st, 2))) == NULL)
		return oom();
	state = wf_col_text(k->old_st, 1);
	k->old.id = wf_col_int(k->old_st, 0);
	k->old.kind = (int)wf_col_int(k->old_st, 3);
	k->old.dismissed = strcmp(state, "dismissed") == 0;
	k->old.open = !k->old.dismissed && strcmp(state, "resolved") != 0;
	k->has_old = 1;
	return 0;
}

/* ---- raising -------------------------------------------------------------- */

static int
evidence_of(const struct orders *k, int kind, const struct cand *c, cJSON **out)
{
	cJSON *ev = cJSON_CreateObject();
	int rc = 0;

	if (ev == NULL)
		return oom();
	rc |= wf_jadd_str(ev, "order", c->ref);
	rc |= wf_jadd_str(ev, "state", c->state);
	switch (kind) {
	case K_STUCK:
		rc |= wf_jadd_time(ev, "since", c->since);
		rc |= wf_jadd_int(ev, "limit_hours", stuck_limit(k->s->o, c->state) / HOUR);
		if (strcmp(c->state, "on_hold") == 0)
			rc |= wf_jadd_str(ev, "hold_reason", c->hold_reason);
		break;
	case K_UNPAID:
		rc |= wf_jadd_str(ev, "finance_state", c->finance);
		rc |= wf_jadd_time(ev, "placed_at", c->placed);
		rc |= wf_jadd_int(ev, "limit_days", k->s->o->unpaid_days);
		rc |= wf_jadd_money(ev, "total", c->total, c->currency);
		rc |= wf_jadd_money(ev, "paid", c->paid, c->currency);
		break;
	default:
		if (c->has_promise)
			rc |= wf_jadd_time(ev, "promise_by", c->promise);
		else
			rc |= wf_jadd_null(ev, "promise_by");
		if (c->risk && !(c->has_promise && k->now > c->promise)) {
			/* before its date: what it counts on */
			const struct wf_promise_risk *r = c->risk;
			rc |= wf_jadd_str(ev, "reason", r->po_slipped ? "po_slipped" : "stock_gone");
			rc |= wf_jadd_str(ev, "sku", r->sku);
			rc |= wf_jadd_str(ev, "warehouse", r->warehouse);
			rc |= wf_jadd_int(ev, "promised", r->needed);
			rc |= wf_jadd_int(ev, "available", r->available);
			rc |= wf_jadd_int(ev, "inbound_by_promise", r->inbound);
		}
		break;
	}
	rc |= wf_jadd_str(ev, "currency", c->currency);
	rc |= wf_jadd_int(ev, "units", c->units);
	if (rc) {
		cJSON_Delete(ev);
		return oom();
	}
	*out = ev;
	return 0;
}

static int
next_action(struct orders *k, int kind, const struct cand *c)
{
	char since[WF_TIME_LEN], day[11];
	int rc;

	wf_time_format(c->since, since);
	wf_buf_reset(&k->text);
	if (kind == K_STUCK && strcmp(c->state, "new") == 0)
		rc = wf_buf_addf(&k->text, "Route %s (new since %s): wf-route %s --apply, or "
		    "see why it was not with wf-route %s --explain", c->ref, since, c->ref, c->ref);
	else if (kind == K_STUCK && strcmp(c->state, "on_hold") == 0)
		rc = wf_buf_addf(&k->text, "Decide the hold on %s (%s, since %s): wf-order "
		    "release %s, or wf-order cancel %s --reason TEXT", c->ref,
		    *c->hold_reason ? c->hold_reason : "no reason given", since, c->ref, c->ref);
	else if (kind == K_STUCK)
		rc = wf_buf_addf(&k->text, "Pick %s (reserved since %s): wf-order pick %s, or "
		    "wf-order unreserve %s to route it again", c->ref, since, c->ref, c->ref);
	else if (kind == K_UNPAID) {
		char owed[32];
		wf_date_format(c->placed, day);
		if ((rc = wf_money_format(c->total - c->paid, c->currency, owed, sizeof owed)) != 0)
			return rc;
		rc = wf_buf_addf(&k->text, "Collect %s %s for %s (placed %s, %s, still unpaid), "
		    "or record the payment with the channel's import", owed, c->currency,
		    c->ref, day, c->state);
	} else if (c->risk && !(c->has_promise && k->now > c->promise)) {
		const struct wf_promise_risk *r = c->risk;
		if (c->has_promise)
			wf_date_format(c->promise, day);
		rc = wf_buf_addf(&k->text, "Keep the promise of %s%s%s: %s at %s has %lld "
		    "available and %lld arriving by then for %lld promised; %s, or tell the "
		    "customer", c->ref, c->has_promise ? " by " : "", c->has_promise ? day : "",
		    r->sku, r->warehouse, (long long)r->available, (long long)r->inbound,
		    (long long)r->needed, r->po_slipped ? "get the PO confirmed before it "
		    "(wf-po confirm PO --date DATE)" : "receive or move stock there");
	} else {
		wf_date_format(c->promise, day);
		rc = wf_buf_addf(&k->text, "Ship %s today or tell the customer: promised by %s, "
		    "still %s", c->ref, day, c->state);
	}
	return rc ? oom() : 0;
}

static int
shown(struct orders *k, const char *ref)
{
	wf_buf_reset(&k->shown);
	return wf_buf_addf(&k->shown, "order %s", ref) ? oom() : 0;
}

static int
raise_kind(struct orders *k, int kind, const struct cand *c)
{
	struct scan_want w;
	cJSON *ev = NULL;
	int64_t id;
	int rc;

	if ((rc = evidence_of(k, kind, c, &ev)) != 0)
		return rc;
	if ((rc = next_action(k, kind, c)) != 0 || (rc = shown(k, c->ref)) != 0) {
		cJSON_Delete(ev);
		return rc;
	}
	memset(&w, 0, sizeof w);
	w.raise.kind = wf_scan_order_kinds[kind];
	w.raise.subject_type = "order";
	w.raise.subject_ref = c->ref;
	w.raise.evidence = ev;
	w.raise.impact.money = kind == K_UNPAID ? c->total - c->paid : c->total;
	if (w.raise.impact.money < 0)
		w.raise.impact.money = 0;
	if (w.raise.impact.money)
		wf_strlcpy(w.raise.impact.currency, c->currency, sizeof w.raise.impact.currency);
	w.raise.impact.units = c->units;
	w.raise.impact.orders = 1;
	w.raise.impact.has_due = kind != K_UNPAID && c->has_promise;
	w.raise.impact.due_at = c->promise;
	w.raise.next_action = wf_buf_str(&k->text);
	w.raise.owner = kind == K_UNPAID ? WF_OWNER_FINANCE : c->owner;
	/* fixed at the derived value: a run at the same clock writes nothing */
	w.raise.has_priority = 1;
	w.raise.priority = wf_exception_priority(&w.raise.impact, k->now);
	w.shown = wf_buf_str(&k->shown);
	rc = scan_raise(k->s, &w, &id);
	cJSON_Delete(ev);
	return rc;
}

/* ---- resolving ------------------------------------------------------------ */

/* Why KIND no longer holds for order REF, now in STATE and FINANCE (NULL
 * state: the order is gone); C is its candidate row, or NULL when it is
 * none (then PROMISE, or -1, is its promise date). */
static int
clear_note(struct orders *k, int kind, const char *ref, const char *state,
    const char *finance, const struct cand *c, int64_t promise)
{
	char t[WF_TIME_LEN];
	int64_t limit = state ? stuck_limit(k->s->o, state) / HOUR : 0;
	int rc;

	if (c)
		promise = c->has_promise ? c->promise : -1;
	wf_buf_reset(&k->note);
	if (state == NULL)
		rc = wf_buf_addf(&k->note, "%s is no longer an order", ref);
	else if (kind == K_STUCK && limit > 0 && c) {
		wf_time_format(c->since, t);
		rc = wf_buf_addf(&k->note, "%s is %s since %s, within the limit of %lld h",
		    ref, state, t, (long long)limit);
	} else if (kind == K_STUCK && limit > 0)
		rc = wf_buf_addf(&k->note, "%s is %s, within the limit of %lld h", ref, state,
		    (long long)limit);
	else if (kind == K_PROMISE && c && (strcmp(state, "promised") == 0 ||
	    strcmp(state, "on_hold") == 0) && (!c->has_promise || k->now <= c->promise))
		rc = wf_buf_addf(&k->note, "%s can be kept again: what it was promised is there "
		    "by its promise", ref);
	else if (kind == K_UNPAID && strcmp(finance, "pending") != 0)
		rc = wf_buf_addf(&k->note, "%s is %s now", ref, finance);
	else if (kind == K_PROMISE && not_shipped(state) && promise >= 0) {
		wf_time_format(promise, t);
		rc = wf_buf_addf(&k->note, "%s is promised by %s now", ref, t);
	} else if (kind == K_PROMISE && not_shipped(state))
		rc = wf_buf_addf(&k->note, "%s has no promise date now", ref);
	else
		rc = wf_buf_addf(&k->note, "%s is %s now", ref, state);
	return rc ? oom() : 0;
}

static int
clear_kind(struct orders *k, const struct scan_ex *e, const char *state, const char *finance,
    const struct cand *c, int64_t promise)
{
	int rc;

	if ((rc = clear_note(k, e->kind, e->ref, state, finance, c, promise)) != 0 ||
	    (rc = shown(k, e->ref)) != 0)
		return rc;
	return scan_clear(k->s, wf_scan_order_kinds[e->kind], "order", e->ref,
	    wf_buf_str(&k->shown), NULL, wf_buf_str(&k->note));
}

/* An open exception whose order is no candidate: look the order up. */
static int
gone(struct orders *k, const struct scan_ex *e)
{
	static const char sql[] =
	    "SELECT state, finance_state, promise_by FROM orders WHERE ref = ?1";
	char state[24] = "", finance[24] = "";
	int64_t promise = -1;
	wf_stmt *st;
	int rc;

	if (!e->open)
		return 0;
	if ((rc = wf_db_stmt(k->s->db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, e->ref);
	if ((rc = wf_db_step(k->s->db, st)) < 0)
		return rc;
	if (rc == 1) {
		wf_strlcpy(state, wf_col_text(st, 0), sizeof state);
		wf_strlcpy(finance, wf_col_text(st, 1), sizeof finance);
		if (!wf_col_null(st, 2) && (rc = time_col(st, 2, &promise)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
		wf_stmt_reset(st);
		rc = 1;
	}
	return clear_kind(k, e, rc == 1 ? state : NULL, finance, NULL, promise);
}

/* Judge candidate C, with the exceptions there were of its order (the
 * cursor is past any before it). */
static int
judge(struct orders *k, const struct cand *c)
{
	struct scan_ex mine[NKINDS];
	int has[NKINDS] = { 0, 0, 0 }, i, rc = 0;

	for (; k->has_old && strcmp(k->old.ref, c->ref) == 0 && rc == 0; rc = old_next(k)) {
		mine[k->old.kind] = k->old;
		mine[k->old.kind].ref = c->ref;
		has[k->old.kind] = 1;
	}
	if (rc != 0)
		return rc;
	for (i = 0; i < NKINDS; i++) {
		if (holds(k, i, c)) {
			if (has[i] && mine[i].dismissed)
				continue;   /* not a problem, the operator said */
			if ((rc = raise_kind(k, i, c)) != 0)
				return rc;
		} else if (has[i] && mine[i].open &&
		    (rc = clear_kind(k, &mine[i], c->state, c->finance, c, -1)) != 0)
			return rc;
	}
	return 0;
}

/* ---- unroutable ------------------------------------------------------------- */

/* Whether an exception of KEY is among the N of V and open. */
static int
open_in(const struct scan_ex *v, size_t n, const char *ref)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].open && strcmp(v[i].ref, ref) == 0)
			return 1;
	return 0;
}

/* Routing's unroutable exceptions (route_block.c), brought in step with
 * the orders they block that are still held as unroutable: an order that
 * was cancelled, released or routed by hand leaves the evidence, and the
 * exception resolves when none is left.  Never one per order. */
static int
scan_unroutable(struct scan *s)
{
	static const char *const kinds[] = { WF_EX_UNROUTABLE, NULL };
	static const char *const stypes[] = { "sku", "warehouse" };
	struct scan_ex *ex[2] = { NULL, NULL };
	size_t nex[2] = { 0, 0 }, nkeys = 0, i, t;
	struct wf_route_blocked *keys = NULL, b;
	struct scan_want w;
	wf_buf shown = {0};
	int64_t id, pruned;
	int rc = 0, found, stale;

	memset(&b, 0, sizeof b);
	for (t = 0; t < 2 && rc == 0; t++)
		rc = scan_existing(s, kinds, stypes[t], &ex[t], &nex[t]);
	if (rc == 0)
		rc = wf_route_blocked_keys(s->db, &keys, &nkeys);
	for (i = 0; i < nkeys && rc == 0; i++) {
		wf_strlcpy(b.stype, keys[i].stype, sizeof b.stype);
		wf_strlcpy(b.sref, keys[i].sref, sizeof b.sref);
		if ((rc = wf_route_blocked_get(s->db, &b, &found)) != 0)
			break;
		if (found) {
			memset(&w, 0, sizeof w);
			w.raise = b.raise;
			w.shown = b.shown;
			w.warehouse = *b.warehouse ? b.warehouse : NULL;
			rc = scan_raise(s, &w, &id);
		}
		t = strcmp(b.stype, "sku") != 0;
		if (!found && open_in(ex[t], nex[t], b.sref)) {
			wf_buf_reset(&shown);
			rc = wf_buf_addf(&shown, "%s %s", b.stype, b.sref) ? oom() :
			    scan_clear(s, WF_EX_UNROUTABLE, b.stype, b.sref, wf_buf_str(&shown), NULL,
			    WF_ROUTE_UNBLOCKED " (cancelled, released or routed by hand)");
		}
	}
	/* open ones routing keeps no rows for: nothing blocks anything there */
	for (t = 0; t < 2 && rc == 0; t++)
		for (i = 0; i < nex[t] && rc == 0; i++) {
			size_t j;
			if (!ex[t][i].open)
				continue;
			for (j = 0; j < nkeys && (strcmp(keys[j].stype, stypes[t]) != 0 ||
			    strcmp(keys[j].sref, ex[t][i].ref) != 0); j++)
				;
			if (j < nkeys)
				continue;
			wf_buf_reset(&shown);
			rc = wf_buf_addf(&shown, "%s %s", stypes[t], ex[t][i].ref) ? oom() :
			    scan_clear(s, WF_EX_UNROUTABLE, stypes[t], ex[t][i].ref, wf_buf_str(&shown),
			    NULL, WF_ROUTE_UNBLOCKED);
		}
	/* the rows of orders that left the hold are read past: once what they
	 * fed is resolved, they go (a scan with none writes nothing) */
	if (rc == 0 && (rc = wf_route_blocked_stale(s->db, &stale)) == 0 && stale &&
	    (rc = scan_begin(s)) == 0)
		rc = wf_route_blocked_prune(s->db, &pruned);
	wf_route_blocked_free(&b);
	free(keys);
	wf_buf_free(&shown);
	for (t = 0; t < 2; t++)
		scan_ex_free(ex[t], nex[t]);
	return rc;
}

/* The candidates in order of ref, merged with the exceptions there were:
 * each judged, and each exception whose order is no candidate looked up. */
static int
merge(struct orders *k)
{
	struct cand c;
	wf_stmt *st;
	int rc, more;

	if ((rc = wf_db_stmt(k->s->db, &k->old_st, old_sql)) != 0 ||
	    (rc = wf_db_stmt(k->s->db, &st, cand_sql)) != 0 || (rc = old_next(k)) != 0)
		return rc;
	while ((rc = more = wf_db_step(k->s->db, st)) == 1) {
		if ((rc = cand_of(k, st, &c)) == 0) {
			for (; k->has_old && strcmp(k->old.ref, c.ref) < 0 && rc == 0;)
				if ((rc = gone(k, &k->old)) == 0)
					rc = old_next(k);
			if (rc == 0)
				rc = judge(k, &c);
		}
		cand_free(&c);
		if (rc != 0)
			break;
	}
	if (more == 1)
		wf_stmt_reset(st);
	for (; rc == 0 && k->has_old;)
		if ((rc = gone(k, &k->old)) == 0)
			rc = old_next(k);
	if (k->has_old)
		wf_stmt_reset(k->old_st);
	free(k->old.ref);
	k->old.ref = NULL;
	return rc;
}

int
scan_order(struct scan *s)
{
	struct orders k;
	int rc;

	memset(&k, 0, sizeof k);
	k.s = s;
	k.now = wf_db_now(s->db);
	if ((rc = snapshot(&k)) == 0 &&
	    (rc = wf_promise_risks(s->db, &k.risks, &k.nrisks)) == 0)
		rc = merge(&k);
	if (rc == 0)
		rc = scan_unroutable(s);
	free(k.risks);
	wf_buf_free(&k.text);
	wf_buf_free(&k.note);
	wf_buf_free(&k.shown);
	return rc;
}
