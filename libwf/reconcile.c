/*
 * reconcile.c - matching payout lines to orders, and what the match
 * decides: the orders' finance states, the payouts' states and the finance
 * exceptions (wf-reconcile match).
 *
 * reads: payout_line, payout, orders, exception
 *
 * Writes go through their owners: links through wf_payout_line_link, the
 * payout machine through wf_payout_act, the order finance machine through
 * wf_order_finance_act, exceptions through wf_exception_raise/clear (the
 * exception table is read once, for the orders whose amount_mismatch or
 * refund_mismatch is unresolved, so that every other order is decided
 * without looking for one).
 *
 * Memory stays flat however many lines there are: lines are read a chunk
 * at a time (a statement read to its end, then decided), in three passes:
 * the lines not linked yet, by id (CHUNK at a time); every order the lines
 * are linked to, by order id (ORDER_SPAN ids at a time, all lines of an
 * order together); every payout with money lines, by REF.  What a pass
 * hands the next is small: the subjects with lines no tier explains (at
 * most EVIDENCE_MAX lines of evidence each) and the payouts holding a line
 * of an order in mismatch.
 *
 * Tiers, the first that decides wins, each link recording its rule:
 *  1 provider_order  the order the provider's line names (order_ref);
 *  2 payment_id      the payment id kept at order import (order_payment);
 *  3 amount_window   a charge of the same amount and currency, placed in the
 *                    --window days before it was posted: only when exactly
 *                    one order fits; two or more is never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reconcile_priv.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_out.h"
#include "wf_payout.h"
#include "wf_text.h"
#include "wf_time.h"

#define KEYLEN 240
#define DAY 86400
#define CHUNK 2048              /* lines read at a time */
#define ORDER_SPAN 1024         /* order ids decided at a time */
#define PAYOUT_CHUNK 256        /* payouts decided at a time */
#define EVIDENCE_MAX 20         /* lines named in an unknown_payment's evidence */

struct mline {
	int64_t id, payout_id, order_id, gross, posted_at;
	char    key[KEYLEN];            /* PROVIDER:ID */
	char    subject[KEYLEN];        /* its payout's REF, or its own key */
	char    category[20], currency[4], status[65];
	char   *order_ref, *payment_id;
	int     in_payout;
	int     covered;                /* in a payout accepted with it as it was */
};

struct run {
	const struct wf_match_opts *o;
	struct mline *l;
	size_t n, cap;
	int64_t *bad;                   /* payouts with a line of an order in mismatch */
	size_t nbad, capbad;
	/* the orders with an unresolved amount_mismatch or refund_mismatch,
	 * kept as they are raised and resolved (REF -> true): an order that
	 * has none needs no look-up to clear one */
	cJSON *open_amount, *open_refund;
};

/* The columns a chunk reads, and which lines count as money. */
#define MLINE_COLS "SELECT l.id, coalesce(l.payout_id, 0), coalesce(l.order_id, 0)," \
	" l.gross, l.posted_at, l.provider, l.provider_id, p.ref, l.category, l.currency," \
	" l.status, l.order_ref, l.payment_id," \
	" coalesce(p.state = 'reconciled' AND l.id <= p.accepted_line" \
	"  AND l.updated_at <= p.accepted_at, 0)" \
	" FROM payout_line l LEFT JOIN payout p ON p.id = l.payout_id"
#define MONEY_SQL "l.category IN ('charge', 'refund', 'dispute', 'dispute_reversal')"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static void
run_clear(struct run *run)
{
	size_t i;

	for (i = 0; i < run->n; i++) {
		free(run->l[i].order_ref);
		free(run->l[i].payment_id);
	}
	run->n = 0;
}

/* Read the rows of ST (MLINE_COLS, its parameters bound) into RUN, after
 * what it holds.  Returns 0 or an error. */
static int
load(wf_db *db, struct run *run, wf_stmt *st)
{
	int rc;

	while ((rc = wf_db_step(db, st)) == 1) {
		struct mline *m;
		const char *payout = wf_col_str(st, 7), *status = wf_col_str(st, 10);
		const char *oref = wf_col_str(st, 11), *pay = wf_col_str(st, 12);

		if (run->n == run->cap) {
			size_t cap = run->cap ? run->cap * 2 : 64;
			struct mline *p = realloc(run->l, cap * sizeof *p);

			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			run->l = p;
			run->cap = cap;
		}
		m = &run->l[run->n];
		memset(m, 0, sizeof *m);
		m->id = wf_col_int(st, 0);
		m->payout_id = wf_col_int(st, 1);
		m->order_id = wf_col_int(st, 2);
		m->gross = wf_col_int(st, 3);
		if (wf_time_parse(wf_col_text(st, 4), &m->posted_at) != 0) {
			wf_stmt_reset(st);
			return wf_error_set(WF_EINTERNAL, "line %lld: bad posted_at",
			    (long long)m->id);
		}
		m->in_payout = payout != NULL;
		snprintf(m->key, sizeof m->key, "%s:%s", wf_col_text(st, 5), wf_col_text(st, 6));
		wf_strlcpy(m->subject, payout ? payout : m->key, sizeof m->subject);
		wf_strlcpy(m->category, wf_col_text(st, 8), sizeof m->category);
		wf_strlcpy(m->currency, wf_col_text(st, 9), sizeof m->currency);
		wf_strlcpy(m->status, status ? status : "", sizeof m->status);
		m->covered = wf_col_int(st, 13) != 0;
		run->n++;
		if ((oref && (m->order_ref = strdup(oref)) == NULL) ||
		    (pay && (m->payment_id = strdup(pay)) == NULL)) {
			wf_stmt_reset(st);
			return oom();
		}
	}
	return rc < 0 ? rc : 0;
}

/* Payout ID holds a line of an order in mismatch. */
static int
bad_add(struct run *run, int64_t id)
{
	if (id == 0 || (run->nbad && run->bad[run->nbad - 1] == id))
		return 0;
	if (run->nbad == run->capbad) {
		size_t cap = run->capbad ? run->capbad * 2 : 16;
		int64_t *p = realloc(run->bad, cap * sizeof *p);

		if (p == NULL)
			return oom();
		run->bad = p;
		run->capbad = cap;
	}
	run->bad[run->nbad++] = id;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- output: one record per decision ------------------------------------------- */

int
wf_match_emit(wf_db *db, const struct wf_match_decision *d)
{
	cJSON *r = wf_jrecord("match");
	int k = 0;

	if (r == NULL)
		return oom();
	k |= wf_jadd_str(r, "decision", d->decision);
	k |= wf_jadd_str(r, "rule", d->rule);
	k |= wf_jadd_str(r, "line", d->line);
	k |= wf_jadd_str(r, "payout", d->payout);
	k |= wf_jadd_str(r, "order", d->order);
	k |= wf_jadd_str(r, "state", d->state);
	k |= wf_jadd_str(r, "exception", d->exception);
	if (k) {
		cJSON_Delete(r);
		return oom();
	}
	return wf_out_emit(wf_db_out(db), r);
}

/* ---- exceptions ---------------------------------------------------------------- */

int
wf_match_raise(wf_db *db, const char *kind, const char *type, const char *ref, cJSON *evidence,
    int64_t money, const char *currency, const char *next)
{
	struct wf_raise r;
	const char *result;
	int64_t id;
	int rc;

	if (evidence == NULL)
		return oom();
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.subject_type = type;
	r.subject_ref = ref;
	r.evidence = evidence;
	r.impact.money = money < 0 ? -money : money;
	if (r.impact.money)
		wf_strlcpy(r.impact.currency, currency, sizeof r.impact.currency);
	r.next_action = next;
	r.owner = WF_OWNER_PAYOUT;
	rc = wf_exception_raise(db, &id, &result, &r);
	cJSON_Delete(evidence);
	return rc;
}

int
wf_match_clear(wf_db *db, const char *kind, const char *type, const char *ref, const char *note)
{
	const char *result;
	int64_t id;

	return wf_exception_clear(db, &id, &result, kind, type, ref, note);
}

/* ---- tiers ------------------------------------------------------------------------- */

/* Order REF's id into *id, or 0 when there is none. */
static int
order_by_ref(wf_db *db, int64_t *id, const char *ref)
{
	static const char sql[] = "SELECT id FROM orders WHERE ref = ?1";
	wf_stmt *st;
	int rc;

	*id = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	if ((rc = wf_db_step(db, st)) == 1)
		*id = wf_col_int(st, 0);
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

/* Tier 2: the order whose import kept the payment id L names
 * (order_payment, wf_order_find_by_payment), under the line's provider
 * (the part of its key before ':').  *order_id 0 when none did. */
static int
tier2_payment(wf_db *db, int64_t *order_id, const struct mline *l)
{
	struct wf_order_info o;
	char provider[KEYLEN];
	const char *colon = strchr(l->key, ':');
	int rc;

	*order_id = 0;
	if (l->payment_id == NULL || *l->payment_id == '\0' || colon == NULL)
		return 0;
	snprintf(provider, sizeof provider, "%.*s", (int)(colon - l->key), l->key);
	rc = wf_order_find_by_payment(db, &o, provider, l->payment_id);
	if (rc == WF_ENOTFOUND) {
		wf_error_clear();
		return 0;
	}
	if (rc != 0)
		return rc;
	*order_id = o.id;
	return 0;
}

/* Charge L's candidates: orders in its currency whose paid amount is its
 * gross, placed in the window days before it was posted, with no charge
 * linked yet.  *n receives how many (at most 3 counted), *id the first, and
 * CANDS their keys. */
static int
tier3_amount(wf_db *db, int64_t *id, int *n, cJSON *cands, const struct mline *l, int days,
    char ref[168])
{
	/* orders_paid_amount is keyed (currency, day, paid): one search for
	 * each day of the window */
	static const char sql[] =
	    "WITH RECURSIVE window_day(day) AS (SELECT substr(?3, 1, 10)"
	    " UNION ALL SELECT date(day, '+1 day') FROM window_day"
	    "  WHERE day < substr(?4, 1, 10)) "
	    "SELECT o.id, o.ref FROM window_day d CROSS JOIN orders o ON o.currency = ?1"
	    " AND substr(o.placed_at, 1, 10) = d.day AND o.paid = ?2"
	    " WHERE o.placed_at >= ?3 AND o.placed_at <= ?4"
	    " AND NOT EXISTS (SELECT 1 FROM payout_line p WHERE p.order_id = o.id"
	    "   AND p.category = 'charge')"
	    " ORDER BY o.id LIMIT 3";
	wf_stmt *st;
	int rc;

	*id = 0;
	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, l->currency);
	wf_bind_int(st, 2, l->gross);
	wf_bind_time(st, 3, l->posted_at - (int64_t)days * DAY);
	wf_bind_time(st, 4, l->posted_at);
	while ((rc = wf_db_step(db, st)) == 1) {
		if ((*n)++ == 0) {
			*id = wf_col_int(st, 0);
			wf_strlcpy(ref, wf_col_text(st, 1), 168);
		}
		if (!cJSON_AddItemToArray(cands, wf_json_str(wf_col_text(st, 1)))) {
			wf_stmt_reset(st);
			return oom();
		}
	}
	return rc < 0 ? rc : 0;
}

/* ---- step 1: link lines --------------------------------------------------------- */

/* Evidence of the lines no tier explains, by subject (payout or line). */
static int
unexplained(cJSON *by, const struct mline *l, const char *why, cJSON *cands)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(by, l->subject), *e, *lines;
	char m[32];

	if (s == NULL) {
		if ((s = cJSON_AddObjectToObject(by, l->subject)) == NULL ||
		    cJSON_AddArrayToObject(s, "lines") == NULL ||
		    cJSON_AddStringToObject(s, "currency", l->currency) == NULL ||
		    cJSON_AddNumberToObject(s, "minor", 0) == NULL)
			return oom();
	}
	lines = cJSON_GetObjectItemCaseSensitive(s, "lines");
	if (cJSON_GetArraySize(lines) >= EVIDENCE_MAX) {
		/* the evidence names the first lines, and how many more there are */
		cJSON *more = cJSON_GetObjectItemCaseSensitive(s, "more");

		cJSON_Delete(cands);
		if (more == NULL) {
			if (cJSON_AddNumberToObject(s, "more", 1) == NULL)
				return oom();
		} else
			cJSON_SetNumberValue(more, more->valuedouble + 1);
	} else {
		if ((e = cJSON_CreateObject()) == NULL) {
			cJSON_Delete(cands);
			return oom();
		}
		cJSON_AddItemToArray(lines, e);
		wf_money_format(l->gross, l->currency, m, sizeof m);
		if (wf_jadd_str(e, "line", l->key) || wf_jadd_str(e, "category", l->category) ||
		    wf_jadd_str(e, "gross", m) || wf_jadd_str(e, "currency", l->currency) ||
		    wf_jadd_str(e, "order", l->order_ref) || wf_jadd_str(e, "why", why) ||
		    (cands && wf_jadd_item(e, "candidates", cands)))
			return oom();
	}
	if (strcmp(cJSON_GetObjectItemCaseSensitive(s, "currency")->valuestring,
	    l->currency) == 0) {
		cJSON *mi = cJSON_GetObjectItemCaseSensitive(s, "minor");

		cJSON_SetNumberValue(mi, mi->valuedouble + (double)(l->gross < 0 ? -l->gross : l->gross));
	}
	return 0;
}

static int
link_lines(wf_db *db, struct run *run, cJSON *unknown)
{
	struct wf_match_decision d;
	size_t i;
	int rc, n;

	for (i = 0; i < run->n; i++) {
		struct mline *l = &run->l[i];
		int64_t oid = 0;
		const char *rule = NULL, *why = NULL;
		cJSON *cands = NULL;
		char ref[168] = "";

		if (l->order_id)
			continue;
		if (l->order_ref) {
			if ((rc = order_by_ref(db, &oid, l->order_ref)) != 0)
				return rc;
			rule = "provider_order";
			if (!oid)
				why = "the order the provider names is not in Workform";
		}
		if (!oid && !l->order_ref) {
			if ((rc = tier2_payment(db, &oid, l)) != 0)
				return rc;
			if (oid)
				rule = "payment_id";
		}
		if (!oid && !l->order_ref) {
			rule = "amount_window";
			if (strcmp(l->category, "charge") != 0) {
				why = "it names no order, and only charges are matched by amount";
			} else {
				if ((cands = cJSON_CreateArray()) == NULL)
					return oom();
				if ((rc = tier3_amount(db, &oid, &n, cands, l,
				    run->o->window_days, ref)) != 0) {
					cJSON_Delete(cands);
					return rc;
				}
				if (n == 1) {
					cJSON_Delete(cands);
					cands = NULL;
				} else {
					oid = 0;
					why = n == 0 ? "no order of its amount and currency in the window" :
					    "more than one order fits its amount, currency and window";
					if (n == 0) {
						cJSON_Delete(cands);
						cands = NULL;
					}
				}
			}
		}
		memset(&d, 0, sizeof d);
		d.rule = rule;
		d.line = l->key;
		d.payout = l->in_payout ? l->subject : NULL;
		if (oid) {
			/* the order's REF: named by the line (tier 1), found with
			 * it (tier 3), or looked up (tier 2) */
			if (l->order_ref)
				wf_strlcpy(ref, l->order_ref, sizeof ref);
			else if (*ref == '\0') {
				static const char sql[] = "SELECT ref FROM orders WHERE id = ?1";
				wf_stmt *st;

				if ((rc = wf_db_stmt(db, &st, sql)) != 0)
					return rc;
				wf_bind_int(st, 1, oid);
				if ((rc = wf_db_step(db, st)) == 1)
					wf_strlcpy(ref, wf_col_text(st, 0), sizeof ref);
				wf_stmt_reset(st);
				if (rc < 0)
					return rc;
			}
			if ((rc = wf_payout_line_link_known(db, l->id, strchr(l->key, ':') + 1,
			    l->subject, oid, ref, rule)) != 0)
				return rc;
			l->order_id = oid;
			/* a line in no payout is its own subject: explained now */
			if (!l->in_payout && (rc = wf_match_clear(db, WF_EX_UNKNOWN_PAYMENT,
			    "payout", l->key, "every line is matched to an order")) != 0)
				return rc;
			d.decision = "linked";
			d.order = ref;
		} else {
			d.decision = cands ? "ambiguous" : "unknown";
			d.order = l->order_ref;
			/* a line finance accepted its payout with (wf-reconcile
			 * accept) is said, and raises nothing; a later one does */
			d.exception = l->covered ? NULL : WF_EX_UNKNOWN_PAYMENT;
			if (l->covered)
				cJSON_Delete(cands);
			else if ((rc = unexplained(unknown, l, why, cands)) != 0)
				return rc;
		}
		if ((rc = wf_match_emit(db, &d)) != 0)
			return rc;
	}
	return 0;
}

/* unknown_payment per subject: raised with the lines no tier explains
 * (lines a payout was accepted with are not among them).  Subjects whose
 * lines are all explained are resolved by payouts_decide (payouts) and
 * link_lines (a line in no payout, when it is linked). */
static int
raise_unknown(wf_db *db, cJSON *unknown)
{
	cJSON *s;
	int rc;

	cJSON_ArrayForEach(s, unknown) {
		const char *cur = cJSON_GetObjectItemCaseSensitive(s, "currency")->valuestring;
		int64_t minor = (int64_t)cJSON_GetObjectItemCaseSensitive(s, "minor")->valuedouble;
		const cJSON *more = cJSON_GetObjectItemCaseSensitive(s, "more");
		cJSON *ev = cJSON_CreateObject();

		if (ev == NULL || !cJSON_AddItemToObject(ev, "lines",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(s, "lines"), 1)) ||
		    (more && wf_jadd_int(ev, "more_lines", (int64_t)more->valuedouble))) {
			cJSON_Delete(ev);
			return oom();
		}
		if ((rc = wf_match_raise(db, WF_EX_UNKNOWN_PAYMENT, "payout", s->string, ev, minor, cur,
		    "find the order each line pays for (wf-reconcile lines --payout), import it,"
		    " and run wf-reconcile match again")) != 0)
			return rc;
	}
	return 0;
}

/* ---- step 2: orders ------------------------------------------------------------ */

struct order_sum {
	int64_t id, paid, refunded;
	char    ref[168], finance[24], currency[4];
	int64_t charges, refunds;
	int     disputes, reversals, lost, won, in_transit, other_currency;
	const struct mline *last;       /* the latest line */
	const struct mline *last_dispute;
};

static int
order_load(wf_db *db, struct order_sum *o)
{
	static const char sql[] =
	    "SELECT ref, finance_state, currency, paid, refunded FROM orders WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	if ((rc = wf_db_step(db, st)) == 1) {
		wf_strlcpy(o->ref, wf_col_text(st, 0), sizeof o->ref);
		wf_strlcpy(o->finance, wf_col_text(st, 1), sizeof o->finance);
		wf_strlcpy(o->currency, wf_col_text(st, 2), sizeof o->currency);
		o->paid = wf_col_int(st, 3);
		o->refunded = wf_col_int(st, 4);
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : rc == 1 ? 0 : wf_error_set(WF_EINTERNAL, "order id %lld went",
	    (long long)o->id);
}

/* The finance event's data: the payout line that decided, and the rule. */
static cJSON *
finance_data(const struct mline *l, const char *rule)
{
	cJSON *d = cJSON_CreateObject();

	if (d == NULL || wf_jadd_str(d, "payout_line", l->key) ||
	    wf_jadd_str(d, "payout", l->in_payout ? l->subject : NULL) ||
	    wf_jadd_str(d, "rule", rule)) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* Move order O's finance by ACTION when its state allows it: *moved 1. */
static int
finance(wf_db *db, struct order_sum *o, const char *action, const struct mline *l,
    const char *rule, int *moved)
{
	const char *to = NULL;
	cJSON *data;
	int rc;

	*moved = 0;
	if (wf_order_finance_can(o->finance, action) == 0)
		return 0;
	if ((data = finance_data(l, rule)) == NULL)
		return oom();
	if ((rc = wf_order_finance_act(db, &to, o->id, o->ref, action, data)) != 0)
		return rc;
	wf_strlcpy(o->finance, to, sizeof o->finance);
	*moved = 1;
	return 0;
}

static cJSON *
order_evidence(const struct order_sum *o, const struct run *run, const char *what,
    int64_t expected, int64_t got)
{
	cJSON *ev = cJSON_CreateObject(), *lines;
	char m[32];
	size_t i;

	if (ev == NULL || (lines = cJSON_AddArrayToObject(ev, "lines")) == NULL)
		goto bad;
	if (wf_jadd_str(ev, "order", o->ref) || wf_jadd_str(ev, "what", what) ||
	    wf_jadd_money(ev, "order_amount", expected, o->currency) ||
	    wf_jadd_money(ev, "payout_amount", got, o->currency) ||
	    wf_jadd_money(ev, "difference", got - expected, o->currency))
		goto bad;
	for (i = 0; i < run->n; i++) {
		const struct mline *l = &run->l[i];
		cJSON *e;

		if (l->order_id != o->id)
			continue;
		if ((e = cJSON_CreateObject()) == NULL)
			goto bad;
		cJSON_AddItemToArray(lines, e);
		wf_money_format(l->gross, l->currency, m, sizeof m);
		if (wf_jadd_str(e, "line", l->key) || wf_jadd_str(e, "payout",
		    l->in_payout ? l->subject : NULL) || wf_jadd_str(e, "category", l->category) ||
		    wf_jadd_str(e, "gross", m) || wf_jadd_str(e, "currency", l->currency))
			goto bad;
	}
	return ev;
bad:
	cJSON_Delete(ev);
	return NULL;
}

/* REF has an unresolved exception of the kind OPEN keeps. */
static int
open_mark(cJSON *open, const char *ref)
{
	if (cJSON_GetObjectItemCaseSensitive(open, ref))
		return 0;
	return cJSON_AddTrueToObject(open, ref) ? 0 : oom();
}

/* Resolve KIND on order REF with NOTE when OPEN says it is unresolved. */
static int
open_clear(wf_db *db, cJSON *open, const char *kind, const char *ref, const char *note)
{
	if (cJSON_GetObjectItemCaseSensitive(open, ref) == NULL)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(open, ref);
	return wf_match_clear(db, kind, "order", ref, note);
}

/* The orders with an unresolved KIND into OPEN. */
static int
open_load(wf_db *db, cJSON *open, const char *kind)
{
	static const char sql[] =
	    "SELECT subject_ref FROM exception WHERE kind = ?1 AND subject_type = 'order'"
	    " AND state IN ('open', 'acknowledged', 'in_progress', 'snoozed')";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, kind);
	while ((rc = wf_db_step(db, st)) == 1)
		if (open_mark(open, wf_col_text(st, 0)) != 0) {
			wf_stmt_reset(st);
			return oom();
		}
	return rc < 0 ? rc : 0;
}

static int64_t
absdiff(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

static int
order_decide(wf_db *db, struct run *run, struct order_sum *o, int64_t tolerance)
{
	struct wf_match_decision d;
	int rc, moved, ok_charges, ok_refunds;

	memset(&d, 0, sizeof d);
	d.order = o->ref;
	/* disputes first: a disputed order is not reconciled */
	if (o->disputes) {
		const struct mline *l = o->last_dispute;
		char next[300];

		d.line = l->key;
		d.payout = l->in_payout ? l->subject : NULL;
		if (o->lost) {
			int open = 0;
			if ((rc = finance(db, o, "dispute", l, "dispute_line", &moved)) != 0 ||
			    (rc = finance(db, o, "lose", l, "dispute_lost", &moved)) != 0)
				return rc;
			/* A loss is news once: raised when finance takes it (or
			 * cannot, so the records disagree), updated while open;
			 * once a person has resolved it, a later run that finds
			 * the order already refunded by the loss leaves it so. */
			if (!moved && strcmp(o->finance, "refunded") == 0 &&
			    (rc = wf_exception_is_open(db, &open, WF_EX_DISPUTE_LOST, "order",
			    o->ref)) != 0)
				return rc;
			snprintf(next, sizeof next, "the dispute on order %s is lost: book the"
			    " chargeback as a loss and close the order's finance", o->ref);
			if ((moved || open || strcmp(o->finance, "refunded") != 0) &&
			    (rc = wf_match_raise(db, WF_EX_DISPUTE_LOST, "order", o->ref,
			    order_evidence(o, run, "dispute lost", 0, l->gross), l->gross,
			    l->currency, next)) != 0)
				return rc;
			if ((rc = wf_match_clear(db, WF_EX_DISPUTE_OPEN, "order", o->ref,
			    "the dispute is lost")) != 0)
				return rc;
			d.decision = "dispute_lost";
			d.rule = "dispute_status_lost";
			d.exception = WF_EX_DISPUTE_LOST;
		} else if (o->reversals || o->won) {
			if ((rc = finance(db, o, "win", l, o->reversals ? "dispute_reversal" :
			    "dispute_status_won", &moved)) != 0 ||
			    (rc = wf_match_clear(db, WF_EX_DISPUTE_OPEN, "order", o->ref,
			    "the dispute is won: the money came back")) != 0)
				return rc;
			d.decision = "dispute_won";
			d.rule = o->reversals ? "dispute_reversal" : "dispute_status_won";
		} else {
			if ((rc = finance(db, o, "dispute", l, "dispute_line", &moved)) != 0)
				return rc;
			snprintf(next, sizeof next, "answer the dispute on order %s with the"
			    " provider (evidence: invoice, tracking) before its deadline", o->ref);
			if ((rc = wf_match_raise(db, WF_EX_DISPUTE_OPEN, "order", o->ref,
			    order_evidence(o, run, "dispute open", 0, l->gross), l->gross,
			    l->currency, next)) != 0)
				return rc;
			d.decision = "dispute_open";
			d.rule = "dispute_line";
			d.exception = WF_EX_DISPUTE_OPEN;
		}
		d.state = o->finance;
		if ((rc = wf_match_emit(db, &d)) != 0)
			return rc;
		if (!(o->reversals || o->won) || o->lost)
			return 0;       /* only a won dispute goes on to the amounts */
		memset(&d, 0, sizeof d);
		d.order = o->ref;
	}
	d.line = o->last->key;
	d.payout = o->last->in_payout ? o->last->subject : NULL;
	if (o->other_currency) {
		d.decision = "mismatch";
		d.rule = "currency";
		d.exception = WF_EX_AMOUNT_MISMATCH;
		if ((rc = open_mark(run->open_amount, o->ref)) != 0 ||
		    (rc = wf_match_raise(db, WF_EX_AMOUNT_MISMATCH, "order", o->ref,
		    order_evidence(o, run, "a line is not in the order's currency", o->paid,
		    o->charges), 0, o->currency, "find why the provider settled this order"
		    " in another currency, and correct the order or the line")) != 0)
			return rc;
		d.state = o->finance;
		return wf_match_emit(db, &d);
	}
	ok_charges = absdiff(o->charges, o->paid) <= tolerance;
	ok_refunds = absdiff(-o->refunds, o->refunded) <= tolerance;
	if (!ok_charges) {
		char next[300];

		snprintf(next, sizeof next, "compare order %s's payment with what the provider"
		    " settled, and correct the order or ask the provider", o->ref);
		if ((rc = open_mark(run->open_amount, o->ref)) != 0 ||
		    (rc = wf_match_raise(db, WF_EX_AMOUNT_MISMATCH, "order", o->ref,
		    order_evidence(o, run, "charges", o->paid, o->charges),
		    o->charges - o->paid, o->currency, next)) != 0)
			return rc;
	} else if ((rc = open_clear(db, run->open_amount, WF_EX_AMOUNT_MISMATCH, o->ref,
	    "the charges agree with the order")) != 0)
		return rc;
	if (!ok_refunds) {
		char next[300];

		snprintf(next, sizeof next, "compare order %s's refunds with the refunds the"
		    " provider settled, and refund or correct what differs", o->ref);
		if ((rc = open_mark(run->open_refund, o->ref)) != 0 ||
		    (rc = wf_match_raise(db, WF_EX_REFUND_MISMATCH, "order", o->ref,
		    order_evidence(o, run, "refunds", o->refunded, -o->refunds),
		    -o->refunds - o->refunded, o->currency, next)) != 0)
			return rc;
	} else if ((rc = open_clear(db, run->open_refund, WF_EX_REFUND_MISMATCH, o->ref,
	    "the refunds agree with the order")) != 0)
		return rc;
	if (!ok_charges || !ok_refunds) {
		d.decision = "mismatch";
		d.rule = !ok_charges ? "amount" : "refund_amount";
		d.exception = !ok_charges ? WF_EX_AMOUNT_MISMATCH : WF_EX_REFUND_MISMATCH;
	} else if (o->in_transit) {
		d.decision = "waiting";
		d.rule = "line_in_no_payout";
	} else {
		if ((rc = finance(db, o, "reconcile", o->last, "charges_and_refunds_agree",
		    &moved)) != 0)
			return rc;
		d.decision = moved ? "reconciled" :
		    strcmp(o->finance, "reconciled") == 0 ? "unchanged" : "not_reconcilable";
		d.rule = "charges_and_refunds_agree";
	}
	d.state = o->finance;
	return wf_match_emit(db, &d);
}

static int
status_is(const char *s, const char *word)
{
	return strcasecmp(s, word) == 0;
}

/* --tolerance TEXT in minor units of CURRENCY into *tol (NULL: 0). */
static int
order_tolerance(int64_t *tol, const char *text, const char *currency)
{
	*tol = 0;
	if (text && (wf_money_parse(text, currency, tol) != 0 || *tol < 0))
		return wf_error_set(WF_EUSAGE, "--tolerance: '%s' is not an amount in %s",
		    text, currency);
	return 0;
}

/* Decide the orders of RUN's lines (sorted by order).  The payouts of the
 * lines of an order with an open amount_mismatch or refund_mismatch go to
 * RUN's bad list, for their payouts' decision. */
static int
orders_decide_chunk(wf_db *db, struct run *run, const char *tolerance)
{
	size_t i = 0, j, k;
	int64_t tol;
	int rc;

	while (i < run->n && run->l[i].order_id == 0)
		i++;
	for (; i < run->n; i = j) {
		struct order_sum o;

		memset(&o, 0, sizeof o);
		o.id = run->l[i].order_id;
		if ((rc = order_load(db, &o)) != 0)
			return rc;
		for (j = i; j < run->n && run->l[j].order_id == o.id; j++) {
			const struct mline *l = &run->l[j];

			o.last = l;
			if (strcmp(l->currency, o.currency) != 0) {
				o.other_currency = 1;
				continue;
			}
			if (!l->in_payout)
				o.in_transit = 1;
			if (strcmp(l->category, "charge") == 0)
				o.charges += l->gross;
			else if (strcmp(l->category, "refund") == 0)
				o.refunds += l->gross;
			else if (strcmp(l->category, "dispute") == 0) {
				o.disputes++;
				o.last_dispute = l;
				o.lost |= status_is(l->status, "lost");
				o.won |= status_is(l->status, "won");
			} else {
				o.reversals++;
			}
		}
		if (o.reversals && !o.disputes)
			o.reversals = 0;        /* a reversal alone decides nothing */
		if ((rc = order_tolerance(&tol, tolerance, o.currency)) != 0 ||
		    (rc = order_decide(db, run, &o, tol)) != 0)
			return rc;
		if (cJSON_GetObjectItemCaseSensitive(run->open_amount, o.ref) ||
		    cJSON_GetObjectItemCaseSensitive(run->open_refund, o.ref))
			for (k = i; k < j; k++)
				if ((rc = bad_add(run, run->l[k].payout_id)) != 0)
					return rc;
	}
	return 0;
}

/* Decide every order the money lines are linked to, ORDER_SPAN order ids
 * at a time. */
static int
orders_decide(wf_db *db, struct run *run, const char *tolerance)
{
	static const char top[] =
	    "SELECT max(order_id) FROM payout_line WHERE order_id IS NOT NULL";
	static const char span[] = MLINE_COLS
	    " WHERE l.order_id > ?1 AND l.order_id <= ?2 AND " MONEY_SQL
	    " ORDER BY l.order_id, l.posted_at, l.id";
	int64_t last = 0, lo;
	wf_stmt *st;
	int rc;

	if ((run->open_amount = cJSON_CreateObject()) == NULL ||
	    (run->open_refund = cJSON_CreateObject()) == NULL)
		return oom();
	if ((rc = open_load(db, run->open_amount, WF_EX_AMOUNT_MISMATCH)) != 0 ||
	    (rc = open_load(db, run->open_refund, WF_EX_REFUND_MISMATCH)) != 0 ||
	    (rc = wf_db_stmt(db, &st, top)) != 0)
		return rc;
	if ((rc = wf_db_step(db, st)) == 1)
		last = wf_col_int(st, 0);
	wf_stmt_reset(st);
	if (rc < 0)
		return rc;
	for (lo = 0; lo < last; lo += ORDER_SPAN) {
		run_clear(run);
		if ((rc = wf_db_stmt(db, &st, span)) != 0)
			return rc;
		wf_bind_int(st, 1, lo);
		wf_bind_int(st, 2, lo + ORDER_SPAN);
		if ((rc = load(db, run, st)) != 0 ||
		    (rc = orders_decide_chunk(db, run, tolerance)) != 0)
			return rc;
	}
	run_clear(run);
	if (run->nbad) {
		size_t i, n = 1;

		wf_sort(run->bad, run->nbad, sizeof *run->bad, by_id);
		for (i = 1; i < run->nbad; i++)
			if (run->bad[i] != run->bad[n - 1])
				run->bad[n++] = run->bad[i];
		run->nbad = n;
	}
	return 0;
}

/* ---- step 3: orders paid but in no payout --------------------------------------- */

static int
missing_in_payout(wf_db *db, int days)
{
	static const char chans[] =
	    "SELECT o.channel, max(p.posted_at) FROM payout_line p"
	    " JOIN orders o ON o.id = p.order_id WHERE p.category = 'charge'"
	    " GROUP BY o.channel ORDER BY o.channel";
	static const char due[] =
	    "SELECT o.ref, o.paid, o.currency, o.placed_at FROM orders o"
	    " WHERE o.channel = ?1 AND o.placed_at <= ?2 AND o.paid > 0"
	    " AND o.finance_state IN ('paid', 'invoiced', 'partially_refunded')"
	    " AND NOT EXISTS (SELECT 1 FROM payout_line p WHERE p.order_id = o.id"
	    "   AND p.category = 'charge') ORDER BY o.id";
	static const char settled[] =
	    "SELECT e.subject_ref FROM exception e WHERE e.kind = 'missing_in_payout'"
	    " AND e.subject_type = 'order'"
	    " AND e.state IN ('open', 'acknowledged', 'in_progress', 'snoozed')"
	    " AND EXISTS (SELECT 1 FROM orders o JOIN payout_line p ON p.order_id = o.id"
	    "   WHERE o.ref = e.subject_ref AND p.category = 'charge') ORDER BY e.subject_ref";
	cJSON *list = cJSON_CreateArray(), *e;
	wf_stmt *st;
	int rc;

	if (list == NULL)
		return oom();
	if ((rc = wf_db_stmt(db, &st, chans)) != 0)
		goto out;
	while ((rc = wf_db_step(db, st)) == 1) {
		if ((e = cJSON_CreateObject()) == NULL) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
		cJSON_AddItemToArray(list, e);
		cJSON_AddStringToObject(e, "channel", wf_col_text(st, 0));
		cJSON_AddStringToObject(e, "latest", wf_col_text(st, 1));
	}
	if (rc < 0)
		goto out;
	cJSON_ArrayForEach(e, list) {
		const char *ch = cJSON_GetObjectItemCaseSensitive(e, "channel")->valuestring;
		int64_t latest;
		cJSON *orders = cJSON_AddArrayToObject(e, "orders"), *x;

		if (orders == NULL || wf_time_parse(cJSON_GetObjectItemCaseSensitive(e,
		    "latest")->valuestring, &latest) != 0) {
			rc = orders ? wf_error_set(WF_EINTERNAL, "bad posted_at") : oom();
			goto out;
		}
		if ((rc = wf_db_stmt(db, &st, due)) != 0)
			goto out;
		wf_bind_text(st, 1, ch);
		wf_bind_time(st, 2, latest - (int64_t)days * DAY);
		while ((rc = wf_db_step(db, st)) == 1) {
			if ((x = cJSON_CreateObject()) == NULL) {
				wf_stmt_reset(st);
				rc = oom();
				goto out;
			}
			cJSON_AddItemToArray(orders, x);
			cJSON_AddStringToObject(x, "order", wf_col_text(st, 0));
			cJSON_AddNumberToObject(x, "paid", (double)wf_col_int(st, 1));
			cJSON_AddStringToObject(x, "currency", wf_col_text(st, 2));
			cJSON_AddStringToObject(x, "placed_at", wf_col_text(st, 3));
		}
		if (rc < 0)
			goto out;
		cJSON_ArrayForEach(x, orders) {
			const char *ref = cJSON_GetObjectItemCaseSensitive(x, "order")->valuestring;
			const char *cur = cJSON_GetObjectItemCaseSensitive(x, "currency")->valuestring;
			int64_t paid = (int64_t)cJSON_GetObjectItemCaseSensitive(x, "paid")->valuedouble;
			struct wf_match_decision d = { "missing", "paid_not_in_payout", NULL, NULL, ref, NULL,
			    WF_EX_MISSING_IN_PAYOUT };
			cJSON *ev = cJSON_CreateObject();
			char next[300];

			if (ev == NULL || wf_jadd_str(ev, "order", ref) ||
			    wf_jadd_money(ev, "paid", paid, cur) ||
			    wf_jadd_str(ev, "placed_at", cJSON_GetObjectItemCaseSensitive(x,
			    "placed_at")->valuestring) ||
			    wf_jadd_str(ev, "latest_payout_line", cJSON_GetObjectItemCaseSensitive(e,
			    "latest")->valuestring) || wf_jadd_int(ev, "window_days", days)) {
				cJSON_Delete(ev);
				rc = oom();
				goto out;
			}
			snprintf(next, sizeof next, "ask the provider where order %s's payment is,"
			    " or import the payout that carries it", ref);
			if ((rc = wf_match_raise(db, WF_EX_MISSING_IN_PAYOUT, "order", ref, ev, paid, cur,
			    next)) != 0 || (rc = wf_match_emit(db, &d)) != 0)
				goto out;
		}
	}
	/* every order still missing whose charge is in a payout now: resolved */
	cJSON_Delete(list);
	if ((list = cJSON_CreateArray()) == NULL)
		return oom();
	if ((rc = wf_db_stmt(db, &st, settled)) != 0)
		goto out;
	while ((rc = wf_db_step(db, st)) == 1)
		cJSON_AddItemToArray(list, cJSON_CreateString(wf_col_text(st, 0)));
	if (rc < 0)
		goto out;
	cJSON_ArrayForEach(e, list)
		if ((rc = wf_match_clear(db, WF_EX_MISSING_IN_PAYOUT, "order", e->valuestring,
		    "its charge is in a payout")) != 0)
			goto out;
	rc = 0;
out:
	cJSON_Delete(list);
	return rc;
}

/* ---- step 4: payouts ----------------------------------------------------------------- */

/* Decide payout REF, which holds money lines. */
static int
payout_decide(wf_db *db, struct run *run, cJSON *unknown, const char *ref)
{
	struct wf_payout_info p;
	struct wf_payout_sum s;
	struct wf_match_decision d;
	const char *to = NULL, *rule = NULL;
	int found, unexplained, rc;

	if ((rc = wf_payout_find(db, &p, &found, ref)) != 0)
		return rc;
	if (!found || (rc = wf_payout_sum(db, &s, p.id)) != 0)
		return found ? rc : wf_error_set(WF_EINTERNAL, "payout %s went", ref);
	unexplained = cJSON_GetObjectItemCaseSensitive(unknown, ref) != NULL;
	if (!unexplained && (rc = wf_match_clear(db, WF_EX_UNKNOWN_PAYMENT, "payout", ref,
	    "every line is matched to an order")) != 0)
		return rc;
	if (unexplained)
		rule = "line_without_order";
	else if (run->nbad && bsearch(&p.id, run->bad, run->nbad, sizeof *run->bad, by_id))
		rule = "order_amount_mismatch";
	else if (s.checkable && s.difference != 0)
		rule = "lines_do_not_add_up";
	memset(&d, 0, sizeof d);
	d.payout = p.ref;
	if (rule && strcmp(p.state, "reconciled") == 0) {
		/* accepted as it is, or reconciled before: no way back, but a
		 * line without an order that came after says so */
		d.decision = "unchanged";
		if (unexplained) {
			rule = "line_after_reconciliation";
			d.exception = WF_EX_UNKNOWN_PAYMENT;
		} else
			rule = "accepted";
	} else if (rule) {
		if (strcmp(p.state, "imported") == 0 || strcmp(p.state, "matched") == 0) {
			if ((rc = wf_payout_act(db, &to, p.ref, "mismatch", NULL)) != 0)
				return rc;
		}
		d.decision = "mismatch";
	} else {
		if (strcmp(p.state, "imported") == 0 || strcmp(p.state, "mismatch") == 0) {
			if ((rc = wf_payout_act(db, &to, p.ref, "match", NULL)) != 0)
				return rc;
			wf_strlcpy(p.state, to, sizeof p.state);
		}
		if (strcmp(p.state, "matched") == 0 && s.checkable) {
			if ((rc = wf_payout_act(db, &to, p.ref, "reconcile", NULL)) != 0)
				return rc;
			d.decision = "reconciled";
			rule = "every_line_matched_and_adds_up";
		} else {
			d.decision = strcmp(p.state, "reconciled") == 0 ? "unchanged" : "matched";
			rule = s.checkable ? "every_line_matched_and_adds_up" :
			    "every_line_matched_amount_unknown";
		}
	}
	d.rule = rule;
	d.state = to ? to : p.state;
	return wf_match_emit(db, &d);
}

/* Decide every payout with money lines, PAYOUT_CHUNK at a time by REF. */
static int
payouts_decide(wf_db *db, struct run *run, cJSON *unknown)
{
	static const char sql[] =
	    "SELECT p.ref FROM payout p WHERE p.ref > ?1 AND EXISTS (SELECT 1 FROM payout_line l"
	    " WHERE l.payout_id = p.id AND " MONEY_SQL ") ORDER BY p.ref LIMIT ?2";
	char refs[PAYOUT_CHUNK][168], after[168] = "";
	size_t n, i;
	wf_stmt *st;
	int rc;

	do {
		if ((rc = wf_db_stmt(db, &st, sql)) != 0)
			return rc;
		wf_bind_text(st, 1, after);
		wf_bind_int(st, 2, PAYOUT_CHUNK);
		n = 0;
		while ((rc = wf_db_step(db, st)) == 1)
			wf_strlcpy(refs[n++], wf_col_text(st, 0), sizeof refs[0]);
		if (rc < 0)
			return rc;
		for (i = 0; i < n; i++)
			if ((rc = payout_decide(db, run, unknown, refs[i])) != 0)
				return rc;
		if (n)
			wf_strlcpy(after, refs[n - 1], sizeof after);
	} while (n == PAYOUT_CHUNK);
	return 0;
}

/* ---- step 1, a chunk at a time ----------------------------------------------------- */

/* Link every money line not linked yet, CHUNK at a time by id; UNKNOWN
 * gathers the lines no tier explains, by subject. */
static int
link_all(wf_db *db, struct run *run, cJSON *unknown)
{
	static const char sql[] = MLINE_COLS
	    " WHERE l.order_id IS NULL AND l.id > ?1 AND " MONEY_SQL " ORDER BY l.id LIMIT ?2";
	int64_t after = 0;
	wf_stmt *st;
	int rc;

	do {
		run_clear(run);
		if ((rc = wf_db_stmt(db, &st, sql)) != 0)
			return rc;
		wf_bind_int(st, 1, after);
		wf_bind_int(st, 2, CHUNK);
		if ((rc = load(db, run, st)) != 0 || (rc = link_lines(db, run, unknown)) != 0)
			return rc;
		if (run->n)
			after = run->l[run->n - 1].id;
	} while (run->n == CHUNK);
	run_clear(run);
	return 0;
}

/* ---- the command ------------------------------------------------------------------------ */

static const char *const match_columns[] = {
	"decision", "rule", "line", "payout", "order", "state", "exception", NULL
};

int
wf_reconcile_match(wf_db *db, const struct wf_match_opts *o)
{
	struct run run;
	cJSON *unknown = NULL;
	int64_t tol = 0;
	int rc;

	if (o->window_days < 0 || o->window_days > 366)
		return wf_error_set(WF_EUSAGE, "--window: %d days is not 0-366", o->window_days);
	if (o->tolerance && (wf_money_parse(o->tolerance, "EUR", &tol) != 0 || tol < 0))
		return wf_error_set(WF_EUSAGE, "--tolerance: '%s' is not an amount like 0.05",
		    o->tolerance);
	memset(&run, 0, sizeof run);
	run.o = o;
	wf_out_columns(wf_db_out(db), "match", match_columns);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	/* any failure abandons the whole run: the links, state changes and
	 * exceptions inside it need no savepoints of their own */
	wf_tx_all_or_nothing(db, 1);
	if ((unknown = cJSON_CreateObject()) == NULL)
		rc = oom();
	if (rc == 0)
		rc = link_all(db, &run, unknown);
	if (rc == 0)
		rc = raise_unknown(db, unknown);
	if (rc == 0)
		rc = orders_decide(db, &run, o->tolerance);
	if (rc == 0)
		rc = missing_in_payout(db, o->window_days);
	if (rc == 0)
		rc = wf_match_fees(db);
	if (rc == 0)
		rc = wf_match_reserves(db);
	if (rc == 0)
		rc = wf_match_refunds_due(db);
	if (rc == 0)
		rc = payouts_decide(db, &run, unknown);
	wf_tx_all_or_nothing(db, 0);
	if (rc == 0)
		rc = wf_tx_commit(db);
	else
		wf_tx_rollback(db);
	run_clear(&run);
	free(run.l);
	free(run.bad);
	cJSON_Delete(run.open_amount);
	cJSON_Delete(run.open_refund);
	cJSON_Delete(unknown);
	return rc;
}
