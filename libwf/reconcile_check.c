/*
 * reconcile_check.c - the finance checks wf-reconcile match runs over every
 * line and order, beyond linking: fees far above what the provider charged
 * before (fee_anomaly), reserves a provider still holds (reserve_held), and
 * cancelled orders whose money was never given back (refund_due).
 *
 * reads: payout_line, orders, exception
 *
 * Lines are read through wf_payout_line_each; exceptions are raised and
 * resolved through exception.c (reconcile.c's wf_match_raise/clear).  The
 * exception table is read only to find the unresolved exceptions of a kind
 * whose condition is gone, to resolve them.
 *
 * fee_anomaly.  A charge's fee rate is its fee / its gross (charges with a
 * gross above 0).  Its provider's median is taken over that provider's
 * charges posted in the WF_FEE_WINDOW_DAYS days before it (not at the same
 * second: those are not "before"), in steps of 0.001% from 0 to 100% (a
 * rate above 100% counts as 100%), the mean of the two middle rates when
 * their number is even.  With fewer than WF_FEE_MIN_SAMPLE charges there is
 * no telling what is usual, and nothing is raised.  The charge is an anomaly
 * when its rate is above 1.5x the median; the impact is what it paid above
 * the median rate.  Lines come in the order they were posted, so one pass
 * with a sliding window and a Fenwick tree of rates per provider decides
 * every line in O(log n).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reconcile_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_payout.h"
#include "wf_text.h"
#include "wf_time.h"

#define KEYLEN 240
#define DAY 86400
#define RATE_MAX 100000                 /* 100% in steps of 0.001% */
#define FEN_SIZE 131072                 /* a power of two above RATE_MAX + 1 */

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* "2.900%" of RATE in steps of 0.001% into BUF. */
static const char *
rate_text(char *buf, size_t n, int64_t rate)
{
	snprintf(buf, n, "%lld.%03lld%%", (long long)(rate / 1000), (long long)(rate % 1000));
	return buf;
}

/* The subject of line L: its payout's REF, or its own key. */
static void
subject_of(char out[KEYLEN], const struct wf_payout_line_row *l)
{
	if (l->payout)
		wf_strlcpy(out, l->payout, KEYLEN);
	else
		snprintf(out, KEYLEN, "%s:%s", l->provider, l->provider_id);
}

/* Add ENTRY (taken) to subject SUBJ of BY: {"currency","minor","lines",
 * "in_payout"}. */
static int
by_subject_add(cJSON *by, const char *subj, int in_payout, const char *currency,
    int64_t minor, cJSON *entry)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(by, subj), *m;

	if (entry == NULL)
		return oom();
	if (s == NULL && ((s = cJSON_AddObjectToObject(by, subj)) == NULL ||
	    cJSON_AddArrayToObject(s, "lines") == NULL ||
	    cJSON_AddBoolToObject(s, "in_payout", in_payout) == NULL ||
	    cJSON_AddStringToObject(s, "currency", currency) == NULL ||
	    cJSON_AddNumberToObject(s, "minor", 0) == NULL)) {
		cJSON_Delete(entry);
		return oom();
	}
	if (!cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(s, "lines"), entry)) {
		cJSON_Delete(entry);
		return oom();
	}
	m = cJSON_GetObjectItemCaseSensitive(s, "minor");
	cJSON_SetNumberValue(m, m->valuedouble + (double)minor);
	return 0;
}

/* Resolve with NOTE every unresolved KIND on TYPE whose subject is not a
 * member of RAISED. */
static int
resolve_gone(wf_db *db, const char *kind, const char *type, const cJSON *raised,
    const char *note)
{
	static const char sql[] =
	    "SELECT subject_ref FROM exception WHERE kind = ?1 AND subject_type = ?2"
	    " AND state IN ('open', 'acknowledged', 'in_progress', 'snoozed') ORDER BY id";
	cJSON *gone = cJSON_CreateArray(), *e;
	wf_stmt *st;
	int rc;

	if (gone == NULL)
		return oom();
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	wf_bind_text(st, 1, kind);
	wf_bind_text(st, 2, type);
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *ref = wf_col_text(st, 0);

		if (cJSON_GetObjectItemCaseSensitive(raised, ref))
			continue;
		if (!cJSON_AddItemToArray(gone, cJSON_CreateString(ref))) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	cJSON_ArrayForEach(e, gone)
		if ((rc = wf_match_clear(db, kind, type, e->valuestring, note)) != 0)
			break;
out:
	cJSON_Delete(gone);
	return rc;
}

/* ---- fee_anomaly ------------------------------------------------------------------- */

struct fprov {
	char     name[40];
	int64_t *at;                    /* posted_at of its charges, in order */
	int32_t *rate;                  /* their rates */
	size_t   n, cap;
	size_t   head;                  /* the first still in the window */
	size_t   ins;                   /* the first not in the tree yet */
	int32_t *fen;                   /* Fenwick tree of counts by rate + 1 */
};

struct fees {
	struct fprov *p;
	size_t np;
	cJSON *by;                      /* subject -> the anomalous lines */
	cJSON *lines;                   /* the decisions, in order */
};

static void
fen_add(int32_t *fen, int64_t rate, int v)
{
	size_t i;

	for (i = (size_t)rate + 1; i < FEN_SIZE; i += i & -i)
		fen[i] += v;
}

/* The K-th smallest rate (1-based) in FEN. */
static int64_t
fen_kth(const int32_t *fen, int64_t k)
{
	size_t pos = 0, step;

	for (step = FEN_SIZE / 2; step; step /= 2)
		if (pos + step < FEN_SIZE && fen[pos + step] < k) {
			pos += step;
			k -= fen[pos];
		}
	return (int64_t)pos;            /* index pos + 1 holds rate pos */
}

static struct fprov *
fee_provider(struct fees *f, const char *name)
{
	struct fprov *p;
	size_t i;

	for (i = 0; i < f->np; i++)
		if (strcmp(f->p[i].name, name) == 0)
			return &f->p[i];
	if ((p = realloc(f->p, (f->np + 1) * sizeof *p)) == NULL)
		return NULL;
	f->p = p;
	p = &f->p[f->np];
	memset(p, 0, sizeof *p);
	wf_strlcpy(p->name, name, sizeof p->name);
	if ((p->fen = calloc(FEN_SIZE, sizeof *p->fen)) == NULL)
		return NULL;
	f->np++;
	return p;
}

static int
fee_append(struct fprov *p, int64_t at, int64_t rate)
{
	if (p->head > 0 && p->head == p->ins && p->ins == p->n) {
		p->head = p->ins = p->n = 0;
	} else if (p->head > 4096 && p->head > p->n / 2) {
		memmove(p->at, p->at + p->head, (p->n - p->head) * sizeof *p->at);
		memmove(p->rate, p->rate + p->head, (p->n - p->head) * sizeof *p->rate);
		p->n -= p->head;
		p->ins -= p->head;
		p->head = 0;
	}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		int64_t *a = realloc(p->at, cap * sizeof *a);
		int32_t *r;

		if (a == NULL)
			return oom();
		p->at = a;
		if ((r = realloc(p->rate, cap * sizeof *r)) == NULL)
			return oom();
		p->rate = r;
		p->cap = cap;
	}
	p->at[p->n] = at;
	p->rate[p->n++] = (int32_t)rate;
	return 0;
}

static cJSON *
fee_entry(const struct wf_payout_line_row *l, int64_t rate, int64_t median, int64_t sample,
    int64_t excess)
{
	cJSON *e = cJSON_CreateObject();
	char key[KEYLEN], r1[32], r2[32], r3[32];

	snprintf(key, sizeof key, "%s:%s", l->provider, l->provider_id);
	if (e == NULL || wf_jadd_str(e, "line", key) || wf_jadd_str(e, "order", l->order_ref) ||
	    wf_jadd_money(e, "gross", l->gross, l->currency) ||
	    wf_jadd_money(e, "fee", l->fee, l->currency) ||
	    wf_jadd_str(e, "currency", l->currency) ||
	    wf_jadd_str(e, "rate", rate_text(r1, sizeof r1, rate)) ||
	    wf_jadd_str(e, "median_rate", rate_text(r2, sizeof r2, median)) ||
	    wf_jadd_str(e, "threshold", rate_text(r3, sizeof r3, median * 3 / 2)) ||
	    wf_jadd_int(e, "sample", sample) ||
	    wf_jadd_int(e, "window_days", WF_FEE_WINDOW_DAYS) ||
	    wf_jadd_money(e, "above_median", excess, l->currency) ||
	    wf_jadd_time(e, "posted_at", l->posted_at)) {
		cJSON_Delete(e);
		return NULL;
	}
	return e;
}

static int
fee_line(void *arg, const struct wf_payout_line_row *l)
{
	struct fees *f = arg;
	struct fprov *p;
	int64_t rate, median, n, expected;
	char subj[KEYLEN];

	if (l->gross <= 0)
		return 0;
	if ((p = fee_provider(f, l->provider)) == NULL)
		return oom();
	/* the window: charges posted in the days before this one */
	while (p->ins < p->n && p->at[p->ins] < l->posted_at)
		fen_add(p->fen, p->rate[p->ins++], 1);
	while (p->head < p->ins && p->at[p->head] < l->posted_at -
	    (int64_t)WF_FEE_WINDOW_DAYS * DAY)
		fen_add(p->fen, p->rate[p->head++], -1);
	rate = l->fee <= 0 ? 0 : (int64_t)((__int128)l->fee * RATE_MAX / l->gross);
	if (rate > RATE_MAX)
		rate = RATE_MAX;
	n = (int64_t)(p->ins - p->head);
	if (n >= WF_FEE_MIN_SAMPLE) {
		median = n % 2 ? fen_kth(p->fen, (n + 1) / 2) :
		    (fen_kth(p->fen, n / 2) + fen_kth(p->fen, n / 2 + 1)) / 2;
		/* fee / gross > 1.5 * median / RATE_MAX, exactly */
		if (l->fee > 0 && (__int128)l->fee * RATE_MAX * 2 > (__int128)median * 3 * l->gross) {
			cJSON *d = cJSON_CreateObject();
			char key[KEYLEN];

			expected = (int64_t)((__int128)l->gross * median / RATE_MAX);
			subject_of(subj, l);
			snprintf(key, sizeof key, "%s:%s", l->provider, l->provider_id);
			if (d == NULL || !cJSON_AddItemToArray(f->lines, d) ||
			    wf_jadd_str(d, "line", key) || wf_jadd_str(d, "payout", l->payout) ||
			    wf_jadd_str(d, "order", l->order_ref))
				return oom();
			if (by_subject_add(f->by, subj, l->payout != NULL, l->currency, l->fee - expected,
			    fee_entry(l, rate, median, n, l->fee - expected)) != 0)
				return oom();
		}
	}
	return fee_append(p, l->posted_at, rate);
}

/* Raise KIND on every subject of BY with its lines as evidence and WHY,
 * the impact their minor units, the next action made by NEXT_FN. */
static int
raise_by_subject(wf_db *db, const char *kind, cJSON *by, const char *why,
    void (*next_fn)(char *buf, size_t n, const char *subj, const cJSON *s))
{
	cJSON *s;
	int rc;

	cJSON_ArrayForEach(s, by) {
		const char *cur = cJSON_GetObjectItemCaseSensitive(s, "currency")->valuestring;
		int64_t minor = (int64_t)cJSON_GetObjectItemCaseSensitive(s, "minor")->valuedouble;
		cJSON *ev = cJSON_CreateObject();
		char next[600];

		if (ev == NULL || wf_jadd_str(ev, "why", why) ||
		    !cJSON_AddItemToObject(ev, "lines",
		    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(s, "lines"), 1)) ||
		    wf_jadd_money(ev, "total", minor, cur)) {
			cJSON_Delete(ev);
			return oom();
		}
		next_fn(next, sizeof next, s->string, s);
		if ((rc = wf_match_raise(db, kind, "payout", s->string, ev, minor, cur, next)) != 0)
			return rc;
	}
	return 0;
}

/* How to see the lines of subject S: its payout's, or the line alone. */
static const char *
lines_of(char *buf, size_t n, const char *subj, const cJSON *s, const char *category)
{
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "in_payout")))
		snprintf(buf, n, "wf-reconcile lines --payout %s --category %s", subj, category);
	else
		snprintf(buf, n, "wf-reconcile lines --unassigned --category %s", category);
	return buf;
}

static void
fee_next(char *buf, size_t n, const char *subj, const cJSON *s)
{
	char how[300];

	snprintf(buf, n, "ask the provider why these charges paid more than its usual fee"
	    " rate (%s), and claim back what is above it",
	    lines_of(how, sizeof how, subj, s, "charge"));
}

int
wf_match_fees(wf_db *db)
{
	struct wf_payout_line_query q;
	struct fees f;
	cJSON *d;
	size_t i;
	int rc;

	memset(&f, 0, sizeof f);
	memset(&q, 0, sizeof q);
	q.category = "charge";
	f.by = cJSON_CreateObject();
	f.lines = cJSON_CreateArray();
	if (f.by == NULL || f.lines == NULL)
		rc = oom();
	else
		rc = wf_payout_line_each(db, &q, fee_line, &f);
	if (rc == 0)
		rc = raise_by_subject(db, WF_EX_FEE_ANOMALY, f.by, "a charge's fee rate is above"
		    " 1.5x its provider's median fee rate of the charges of the 90 days before",
		    fee_next);
	if (rc == 0)
		cJSON_ArrayForEach(d, f.lines) {
			struct wf_match_decision m = { "fee_anomaly", "fee_rate_above_median",
			    cJSON_GetObjectItemCaseSensitive(d, "line")->valuestring,
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "payout")),
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "order")),
			    NULL, WF_EX_FEE_ANOMALY };

			if ((rc = wf_match_emit(db, &m)) != 0)
				break;
		}
	if (rc == 0)
		rc = resolve_gone(db, WF_EX_FEE_ANOMALY, "payout", f.by,
		    "no charge's fee rate is above 1.5x its provider's median any more");
	for (i = 0; i < f.np; i++) {
		free(f.p[i].at);
		free(f.p[i].rate);
		free(f.p[i].fen);
	}
	free(f.p);
	cJSON_Delete(f.by);
	cJSON_Delete(f.lines);
	return rc;
}

/* ---- reserve_held ------------------------------------------------------------------- */

struct hold {
	char   *key, *subject, *payout;
	char    provider[40], currency[4];
	int64_t amount, posted_at, left;
};

struct release {
	char    provider[40], currency[4];
	int64_t amount;                 /* released, not yet set against a hold */
	int64_t total;
	char   *last;                   /* the latest release line */
};

struct reserves {
	struct hold *h;
	size_t nh, caph;
	struct release *r;
	size_t nr;
};

static int64_t
abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int
hold_line(void *arg, const struct wf_payout_line_row *l)
{
	struct reserves *rs = arg;
	struct hold *h;
	char subj[KEYLEN], key[KEYLEN];

	if (rs->nh == rs->caph) {
		size_t cap = rs->caph ? rs->caph * 2 : 16;

		if ((h = realloc(rs->h, cap * sizeof *h)) == NULL)
			return oom();
		rs->h = h;
		rs->caph = cap;
	}
	h = &rs->h[rs->nh];
	memset(h, 0, sizeof *h);
	subject_of(subj, l);
	snprintf(key, sizeof key, "%s:%s", l->provider, l->provider_id);
	if ((h->key = strdup(key)) == NULL || (h->subject = strdup(subj)) == NULL ||
	    (l->payout && (h->payout = strdup(l->payout)) == NULL)) {
		free(h->key);
		free(h->subject);
		return oom();
	}
	wf_strlcpy(h->provider, l->provider, sizeof h->provider);
	wf_strlcpy(h->currency, l->currency, sizeof h->currency);
	h->amount = h->left = abs64(l->net);
	h->posted_at = l->posted_at;
	rs->nh++;
	return 0;
}

static struct release *
release_of(struct reserves *rs, const char *provider, const char *currency, int add)
{
	struct release *r;
	size_t i;

	for (i = 0; i < rs->nr; i++)
		if (strcmp(rs->r[i].provider, provider) == 0 &&
		    strcmp(rs->r[i].currency, currency) == 0)
			return &rs->r[i];
	if (!add || (r = realloc(rs->r, (rs->nr + 1) * sizeof *r)) == NULL)
		return NULL;
	rs->r = r;
	r = &rs->r[rs->nr++];
	memset(r, 0, sizeof *r);
	wf_strlcpy(r->provider, provider, sizeof r->provider);
	wf_strlcpy(r->currency, currency, sizeof r->currency);
	return r;
}

static int
release_line(void *arg, const struct wf_payout_line_row *l)
{
	struct release *r = release_of(arg, l->provider, l->currency, 1);
	char key[KEYLEN];

	if (r == NULL)
		return oom();
	snprintf(key, sizeof key, "%s:%s", l->provider, l->provider_id);
	free(r->last);
	if ((r->last = strdup(key)) == NULL)
		return oom();
	r->amount += abs64(l->net);
	r->total += abs64(l->net);
	return 0;
}

static void
reserve_next(char *buf, size_t n, const char *subj, const cJSON *s)
{
	char how[300];

	snprintf(buf, n, "ask the provider when it releases the reserve it held from %s"
	    " (%s); this resolves itself when a reserve_release line pays it back", subj,
	    lines_of(how, sizeof how, subj, s, "reserve_hold"));
}

int
wf_match_reserves(wf_db *db)
{
	struct wf_payout_line_query q;
	struct reserves rs;
	cJSON *by = cJSON_CreateObject();
	size_t i;
	int rc;

	memset(&rs, 0, sizeof rs);
	memset(&q, 0, sizeof q);
	q.category = "reserve_hold";
	rc = by ? wf_payout_line_each(db, &q, hold_line, &rs) : oom();
	q.category = "reserve_release";
	if (rc == 0)
		rc = wf_payout_line_each(db, &q, release_line, &rs);
	/* releases pay back the oldest holds of their provider and currency first */
	for (i = 0; rc == 0 && i < rs.nh; i++) {
		struct hold *h = &rs.h[i];
		struct release *r = release_of(&rs, h->provider, h->currency, 0);
		int64_t back = r ? (r->amount < h->left ? r->amount : h->left) : 0;
		cJSON *e;

		h->left -= back;
		if (r)
			r->amount -= back;
		if (h->left == 0)
			continue;
		e = cJSON_CreateObject();
		if (e == NULL || wf_jadd_str(e, "line", h->key) ||
		    wf_jadd_money(e, "held", h->amount, h->currency) ||
		    wf_jadd_money(e, "released", h->amount - h->left, h->currency) ||
		    wf_jadd_money(e, "outstanding", h->left, h->currency) ||
		    wf_jadd_str(e, "currency", h->currency) ||
		    wf_jadd_time(e, "posted_at", h->posted_at) ||
		    wf_jadd_money(e, "provider_released_total", r ? r->total : 0, h->currency) ||
		    wf_jadd_str(e, "latest_release", r ? r->last : NULL)) {
			cJSON_Delete(e);
			rc = oom();
			break;
		}
		if ((rc = by_subject_add(by, h->subject, h->payout != NULL, h->currency, h->left, e)) == 0) {
			struct wf_match_decision m = { "reserve_held", "hold_not_released", h->key,
			    h->payout, NULL, NULL, WF_EX_RESERVE_HELD };

			rc = wf_match_emit(db, &m);
		}
	}
	if (rc == 0)
		rc = raise_by_subject(db, WF_EX_RESERVE_HELD, by, "the provider holds money"
		    " back in a reserve that no reserve_release has paid back yet", reserve_next);
	if (rc == 0)
		rc = resolve_gone(db, WF_EX_RESERVE_HELD, "payout", by,
		    "the reserve is released");
	for (i = 0; i < rs.nh; i++) {
		free(rs.h[i].key);
		free(rs.h[i].subject);
		free(rs.h[i].payout);
	}
	for (i = 0; i < rs.nr; i++)
		free(rs.r[i].last);
	free(rs.h);
	free(rs.r);
	cJSON_Delete(by);
	return rc;
}

/* ---- refund_due ----------------------------------------------------------------------- */

int
wf_match_refunds_due(wf_db *db)
{
	static const char sql[] =
	    "SELECT ref, paid, refunded, currency, finance_state FROM orders"
	    " WHERE state = 'cancelled' AND paid > refunded AND finance_state IN"
	    " ('paid', 'invoiced', 'partially_refunded', 'reconciled') ORDER BY id";
	cJSON *due = cJSON_CreateObject(), *o;
	wf_stmt *st;
	int rc;

	if (due == NULL)
		return oom();
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *cur = wf_col_text(st, 3);
		int64_t paid = wf_col_int(st, 1), refunded = wf_col_int(st, 2);

		if ((o = cJSON_AddObjectToObject(due, wf_col_text(st, 0))) == NULL ||
		    wf_jadd_str(o, "order", wf_col_text(st, 0)) ||
		    wf_jadd_str(o, "state", "cancelled") ||
		    wf_jadd_str(o, "finance_state", wf_col_text(st, 4)) ||
		    wf_jadd_money(o, "paid", paid, cur) ||
		    wf_jadd_money(o, "refunded", refunded, cur) ||
		    wf_jadd_money(o, "due", paid - refunded, cur) ||
		    wf_jadd_str(o, "currency", cur) ||
		    cJSON_AddNumberToObject(o, "minor", (double)(paid - refunded)) == NULL) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	cJSON_ArrayForEach(o, due) {
		const char *cur = cJSON_GetObjectItemCaseSensitive(o, "currency")->valuestring;
		int64_t minor = (int64_t)cJSON_GetObjectItemCaseSensitive(o, "minor")->valuedouble;
		cJSON *ev = cJSON_Duplicate(o, 1);
		struct wf_match_decision m = { "refund_due", "paid_and_cancelled", NULL, NULL,
		    o->string, cJSON_GetObjectItemCaseSensitive(o, "finance_state")->valuestring,
		    WF_EX_REFUND_DUE };
		char next[400];

		cJSON_DeleteItemFromObjectCaseSensitive(ev, "minor");
		snprintf(next, sizeof next, "order %s is cancelled but its customer paid: give"
		    " the money back with wf-order refund %s --amount %s --reason \"cancelled\"",
		    o->string, o->string, cJSON_GetObjectItemCaseSensitive(o, "due")->valuestring);
		if ((rc = wf_match_raise(db, WF_EX_REFUND_DUE, "order", o->string, ev, minor, cur,
		    next)) != 0 || (rc = wf_match_emit(db, &m)) != 0)
			goto out;
	}
	rc = resolve_gone(db, WF_EX_REFUND_DUE, "order", due,
	    "the cancelled order's money is refunded");
out:
	cJSON_Delete(due);
	return rc;
}
