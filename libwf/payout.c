/*
 * payout.c - payouts from payment providers (PROVIDER:ID) and their lines:
 * importing them, the checks an import makes, and reading them back.
 *
 * owns: payout, payout_line
 * reads: orders
 *
 * The importers (payout_import.c, payout_amazon.c) turn each input record
 * into a struct wf_payout_rec; this file checks it, writes it idempotently
 * on the provider's keys, and keeps the history: a payout's create and
 * update events, and for its lines add_line, update_line and link_line
 * events on the payout (a line in no payout yet is recorded under its own
 * key, PROVIDER:ID).  At the end of an import every payout it touched is
 * printed, and those whose lines or amount changed are checked against
 * their lines (payout_unbalanced) and for types no map knows
 * (unknown_category).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payout_priv.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_payout.h"
#include "wf_state.h"
#include "wf_text.h"
#include "wf_time.h"

#define KEYLEN 240              /* provider (32) ':' line id (200) */

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static const struct wf_machine *
machine(void)
{
	return wf_machine_find("payout");
}

/* What a table shows of an import. */
static const char *const payout_result_columns[] = {
	"payout", "result", "state", "amount", "currency", "arrival", "lines", "difference", NULL
};
static const char *const line_result_columns[] = {
	"payout", "provider_id", "result", "category", "order", "gross", "fee", "net",
	"currency", "posted_at", NULL
};

/* The key history and exceptions use for line L: its payout, or itself. */
static void
line_subject(char out[KEYLEN], const struct wf_payout_line_row *l)
{
	if (l->payout)
		wf_strlcpy(out, l->payout, KEYLEN);
	else
		snprintf(out, KEYLEN, "%s:%s", l->provider, l->provider_id);
}

/* ---- exceptions ---------------------------------------------------------------------- */

static int
raise_ex(wf_db *db, const char *kind, const char *ref, cJSON *evidence, int64_t money,
    const char *currency, const char *next)
{
	struct wf_raise r;
	const char *result;
	int64_t id;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.subject_type = "payout";
	r.subject_ref = ref;
	r.evidence = evidence;
	r.impact.money = money < 0 ? -money : money;
	if (money)
		wf_strlcpy(r.impact.currency, currency, sizeof r.impact.currency);
	r.next_action = next;
	r.owner = WF_OWNER_PAYOUT;
	rc = wf_exception_raise(db, &id, &result, &r);
	cJSON_Delete(evidence);
	return rc;
}

static int
clear_ex(wf_db *db, const char *kind, const char *ref, const char *note)
{
	const char *result;
	int64_t id;

	return wf_exception_clear(db, &id, &result, kind, "payout", ref, note);
}

static const char *
provider_name(const char *provider)
{
	return strcmp(provider, "stripe") == 0 ? "Stripe" :
	    strcmp(provider, "shopify") == 0 ? "Shopify" :
	    strcmp(provider, "amazon") == 0 ? "Amazon" :
	    strcmp(provider, "paypal") == 0 ? "PayPal" : provider;
}

/* Whether payout P's lines add up to its amount, and its own transfer to
 * the bank is that amount: raise or resolve payout_unbalanced.  Lines
 * whose net is not gross - fee are named. */
static int
check_balance(wf_db *db, const struct payout_row *p)
{
	static const char differs[] = "SELECT provider_id FROM payout_line"
	    " WHERE payout_id = ?1 AND net_differs = 1 ORDER BY posted_at, id LIMIT 20";
	struct wf_payout_sum s;
	char next[700], note[200], a[32], n[32], t[32];
	int64_t off;
	cJSON *ev, *ids;
	wf_stmt *st;
	int rc, k = 0, bad_sum, bad_transfer;

	if ((rc = wf_payout_sum(db, &s, p->id)) != 0)
		return rc;
	bad_sum = s.checkable && s.difference != 0;
	bad_transfer = s.has_amount && s.has_transfer && s.transfer != -s.amount;
	if (!s.checkable && !(s.has_amount && s.has_transfer))
		return 0;       /* nothing to compare yet */
	wf_money_format(s.amount, p->currency, a, sizeof a);
	wf_money_format(s.net, p->currency, n, sizeof n);
	wf_money_format(s.transfer, p->currency, t, sizeof t);
	if (!bad_sum && !bad_transfer) {
		snprintf(note, sizeof note, "its lines add up to its amount, %s %s", a, p->currency);
		return clear_ex(db, WF_EX_PAYOUT_UNBALANCED, p->ref, note);
	}
	if ((ev = cJSON_CreateObject()) == NULL || (ids = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(ev);
		return oom();
	}
	k |= wf_jadd_str(ev, "payout", p->ref);
	k |= wf_jadd_str(ev, "currency", p->currency);
	k |= wf_jadd_money(ev, "amount", s.amount, p->currency);
	k |= wf_jadd_money(ev, "lines_net", s.net, p->currency);
	k |= s.checkable ? wf_jadd_money(ev, "difference", s.difference, p->currency) :
	    wf_jadd_null(ev, "difference");
	k |= wf_jadd_int(ev, "lines", s.summed);
	k |= s.has_transfer ? wf_jadd_money(ev, "transfer", s.transfer, p->currency) :
	    wf_jadd_null(ev, "transfer");
	k |= wf_jadd_item(ev, "net_differs", ids);
	if (k) {
		cJSON_Delete(ev);
		return oom();
	}
	if ((rc = wf_db_stmt(db, &st, differs)) != 0) {
		cJSON_Delete(ev);
		return rc;
	}
	wf_bind_int(st, 1, p->id);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *id = wf_json_str(wf_col_text(st, 0));
		if (id == NULL || !cJSON_AddItemToArray(ids, id)) {
			cJSON_Delete(id);
			wf_stmt_reset(st);
			cJSON_Delete(ev);
			return oom();
		}
	}
	if (rc < 0) {
		cJSON_Delete(ev);
		return rc;
	}
	if (bad_sum) {
		snprintf(next, sizeof next, "Compare %s with %s's report of it: import the lines "
		    "it lacks (wf-reconcile import --from %s), or accept it saying why its %lld "
		    "line%s add%s up to %s, not %s %s (wf-reconcile accept %s --reason TEXT)",
		    p->ref, provider_name(p->provider), p->provider, (long long)s.summed,
		    s.summed == 1 ? "" : "s", s.summed == 1 ? "s" : "", n, a, p->currency, p->ref);
		off = s.difference;
	} else {
		snprintf(next, sizeof next, "Compare %s with %s's report of it and the bank "
		    "statement: its transfer to the bank is %s, its amount %s %s; import the "
		    "corrected payout, or resolve this with a note saying which is right",
		    p->ref, provider_name(p->provider), t, a, p->currency);
		wf_money_add(s.transfer, s.amount, &off);
	}
	return raise_ex(db, WF_EX_PAYOUT_UNBALANCED, p->ref, ev, off, p->currency, next);
}

/* Lines of types no map knows: raise or resolve unknown_category for the
 * payout PAYOUT_ID (REF), or for the one line LINE_ID in no payout. */
static int
check_unknown(wf_db *db, const char *ref, const char *provider, int64_t payout_id,
    int64_t line_id)
{
	static const char of_payout[] = "SELECT provider_id, provider_type, net, currency"
	    " FROM payout_line WHERE payout_id = ?1 AND unmapped = 1 ORDER BY posted_at, id";
	static const char of_line[] = "SELECT provider_id, provider_type, net, currency"
	    " FROM payout_line WHERE id = ?1 AND unmapped = 1";
	char next[700], cur[4] = "", t[WF_PAYOUT_LINE_MAX + 1] = "", m[32];
	int64_t money = 0, count = 0;
	cJSON *ev = NULL, *lines = NULL;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, payout_id ? of_payout : of_line)) != 0)
		return rc;
	wf_bind_int(st, 1, payout_id ? payout_id : line_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *e;
		int k = 0;

		if (ev == NULL && ((ev = cJSON_CreateObject()) == NULL ||
		    (lines = cJSON_CreateArray()) == NULL || wf_jadd_item(ev, "lines", lines))) {
			cJSON_Delete(lines);
			rc = oom();
			break;
		}
		if (count == 0) {
			wf_strlcpy(cur, wf_col_text(st, 3), sizeof cur);
			wf_strlcpy(t, wf_col_text(st, 1), sizeof t);
		}
		count++;
		if (strcmp(cur, wf_col_text(st, 3)) == 0)
			wf_money_add(money, wf_col_int(st, 2) < 0 ? -wf_col_int(st, 2) :
			    wf_col_int(st, 2), &money);
		if (count > 20)
			continue;
		if ((e = cJSON_CreateObject()) == NULL) {
			rc = oom();
			break;
		}
		k |= wf_jadd_str(e, "provider_id", wf_col_text(st, 0));
		k |= wf_jadd_str(e, "provider_type", wf_col_str(st, 1));
		k |= wf_jadd_money(e, "net", wf_col_int(st, 2), wf_col_text(st, 3));
		k |= wf_jadd_str(e, "currency", wf_col_text(st, 3));
		if (k || !cJSON_AddItemToArray(lines, e)) {
			cJSON_Delete(e);
			rc = oom();
			break;
		}
	}
	if (rc < 0) {
		wf_stmt_reset(st);
		cJSON_Delete(ev);
		return rc;
	}
	if (count == 0)
		return clear_ex(db, WF_EX_UNKNOWN_CATEGORY, ref,
		    "every line's type is one wf-reconcile knows now");
	if (wf_jadd_int(ev, "count", count) || wf_jadd_str(ev, "provider", provider)) {
		cJSON_Delete(ev);
		return oom();
	}
	wf_money_format(money, cur, m, sizeof m);
	if (payout_id)
		snprintf(next, sizeof next, "Find out what %s means by '%.100s'%s (the lines: "
		    "wf-reconcile show %s), book %s by hand, and report the type so that "
		    "wf-reconcile learns it; until then %s as other (%s %s)",
		    provider_name(provider), t, count > 1 ? " and the other types listed" : "",
		    ref, count > 1 ? "these lines" : "the line", count > 1 ? "they count" : "it counts",
		    m, cur);
	else
		snprintf(next, sizeof next, "Find out what %s means by '%.100s' (the line: "
		    "wf-reconcile lines --unassigned --provider %s), book it by hand, and report "
		    "the type so that wf-reconcile learns it; until then it counts as other (%s %s)",
		    provider_name(provider), t, provider, m, cur);
	return raise_ex(db, WF_EX_UNKNOWN_CATEGORY, ref, ev, money, cur, next);
}

/* ---- an import run ---------------------------------------------------------------------- */

#define T_CREATED 0x1           /* the payout is new in this run */
#define T_CHANGED 0x2           /* its amount, fields or lines changed */
#define T_UNKNOWN 0x4           /* a line of an unknown type came or went */

struct touch {
	int64_t     id;
	unsigned    flags;
	const char *src;        /* the input and line of the last record that */
	long        line;       /* touched it, to locate what finish() finds */
};

/* What one record touched, kept for the run only if the record applies. */
struct marks {
	struct touch t[2 * WF_PAYOUT_MAX_LINES + 2];
	size_t n;
};

struct run {
	const struct wf_payout_import *imp;
	const char *provider;           /* the importer's provider; NULL: generic */
	char     payout_provider[40];   /* --payout: its provider and id ("" none) */
	char     payout_id[WF_PAYOUT_ID_MAX + 1];
	struct wf_payout_parse parse;
	struct touch *t;                /* every payout touched, in order */
	size_t nt, capt;
	/* the last payout looked up, for the next line of the same payout */
	struct payout_row last;
	char     arg[REFLEN];
};

static void
mark(struct marks *m, int64_t id, unsigned flags)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->t[i].id == id) {
			m->t[i].flags |= flags;
			return;
		}
	if (m->n < sizeof m->t / sizeof m->t[0])
		m->t[m->n++] = (struct touch){ id, flags, NULL, 0 };
}

/* Add a record's marks to the run.  The last few payouts touched are
 * looked at first: a provider's lines come grouped by payout. */
static int
commit_marks(struct run *run, const struct marks *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		for (j = run->nt; j > 0 && run->nt - j < 8; j--)
			if (run->t[j - 1].id == m->t[i].id)
				break;
		if (j > 0 && run->nt - j < 8) {
			run->t[j - 1].flags |= m->t[i].flags;
			run->t[j - 1].src = m->t[i].src;
			run->t[j - 1].line = m->t[i].line;
			continue;
		}
		/* not among the last few: look at all (rare) */
		for (j = 0; j < run->nt && run->t[j].id != m->t[i].id; j++)
			;
		if (j < run->nt) {
			run->t[j].flags |= m->t[i].flags;
			run->t[j].src = m->t[i].src;
			run->t[j].line = m->t[i].line;
			continue;
		}
		if (run->nt == run->capt) {
			size_t cap = run->capt ? run->capt * 2 : 16;
			struct touch *t = realloc(run->t, cap * sizeof *t);
			if (t == NULL)
				return oom();
			run->t = t;
			run->capt = cap;
		}
		run->t[run->nt++] = m->t[i];
	}
	return 0;
}

/* Text S (may be NULL) for the field WHAT: at most MAX bytes, no controls. */
static int
text_ok(const wf_jloc *at, const char *what, const char *s, size_t max)
{
	if (s && wf_text_check(what, s, max) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	return 0;
}

static int
money_ok(const wf_jloc *at, const char *what, int64_t v)
{
	if (v > WF_MONEY_MAX || v < -WF_MONEY_MAX)
		return wf_jerr(at, what, "passes the money limit");
	return 0;
}

/* The order key CHANNEL:ID. */
static int
order_ok(const wf_jloc *at, const char *ref)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;
	size_t n;

	if (ref == NULL)
		return 0;
	n = colon ? (size_t)(colon - ref) : 0;
	if (colon == NULL || n < 1 || n > 32 || colon[1] == '\0' || strlen(colon + 1) > 128 ||
	    strspn(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
	    !wf_text_plain(colon + 1) || !wf_utf8_valid(colon + 1, strlen(colon + 1)))
		return wf_jerr(at, "order", "expected an order key CHANNEL:ID such as "
		    "shopify:450789469, got \"%.60s\"", ref);
	return 0;
}

static int
payout_ok(const wf_jloc *at, const struct wf_payout_in *in)
{
	int rc;

	if (wf_text_code("provider", in->provider, 32) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	if (in->external_id == NULL || *in->external_id == '\0')
		return wf_jerr(at, "payout", "the provider's id is empty");
	if ((rc = text_ok(at, "payout id", in->external_id, WF_PAYOUT_ID_MAX)) != 0 ||
	    (rc = text_ok(at, "status", in->status, 64)) != 0 ||
	    (rc = text_ok(at, "description", in->description, WF_PAYOUT_TEXT_MAX)) != 0)
		return rc;
	if (in->has_amount && (rc = money_ok(at, "amount", in->amount)) != 0)
		return rc;
	return 0;
}

static int
line_ok(const wf_jloc *at, const struct wf_payout_line_in *l)
{
	int rc;

	if (wf_text_code("provider", l->provider, 32) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	if (l->provider_id == NULL || *l->provider_id == '\0')
		return wf_jerr(at, "provider_id", "the provider's transaction id is empty");
	if ((rc = text_ok(at, "provider_id", l->provider_id, WF_PAYOUT_LINE_ID)) != 0 ||
	    (rc = text_ok(at, "payout id", l->payout, WF_PAYOUT_ID_MAX)) != 0 ||
	    (rc = text_ok(at, "provider_type", l->provider_type, WF_PAYOUT_LINE_MAX)) != 0 ||
	    (rc = text_ok(at, "status", l->status, 64)) != 0 ||
	    (rc = text_ok(at, "provider_order", l->provider_order, WF_PAYOUT_ID_MAX)) != 0 ||
	    (rc = text_ok(at, "payment_id", l->payment_id, WF_PAYOUT_LINE_MAX)) != 0 ||
	    (rc = text_ok(at, "description", l->description, WF_PAYOUT_TEXT_MAX)) != 0 ||
	    (rc = order_ok(at, l->order_ref)) != 0 ||
	    (rc = money_ok(at, "gross", l->gross)) != 0 ||
	    (rc = money_ok(at, "fee", l->fee)) != 0 ||
	    (rc = money_ok(at, "net", l->net)) != 0)
		return rc;
	if (l->payout && *l->payout == '\0')
		return wf_jerr(at, "payout", "the provider's payout id is empty");
	if (l->is_payout && (l->payout == NULL || strcmp(l->category, "transfer") != 0))
		return wf_jerr(at, "is_payout", "only a transfer line that names its payout is "
		    "the payout's own");
	if (l->unmapped && strcmp(l->category, "other") != 0)
		return wf_jerr(at, "unmapped", "only a line of category other is unmapped");
	return 0;
}

/* Payout (provider, external id) from the input: made with CURRENCY when
 * new (a stub, when a line names it first), or changed as IN says (IN may
 * be NULL: only looked up).  *p receives it. */
static int
payout_get(wf_db *db, struct run *run, const wf_jloc *at, const char *provider,
    const char *external_id, const char *currency, const struct wf_payout_in *in,
    struct payout_row *p, struct marks *m)
{
	static const char ins[] =
	    "INSERT INTO payout (provider, external_id, ref, currency, amount, arrival, status,"
	    " description, owner, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
	static const char upd[] =
	    "UPDATE payout SET amount = ?2, arrival = ?3, status = ?4, description = ?5,"
	    " updated_at = ?6 WHERE id = ?1";
	struct payout_row old;
	cJSON *changes = NULL;
	char a[32], b[32], day[11];
	wf_stmt *st;
	int rc, found, k = 0;

	if (run->last.id && strcmp(run->last.provider, provider) == 0 &&
	    strcmp(run->last.external_id, external_id) == 0)
		old = run->last, found = 1;
	else if ((rc = wf_payout_row_by_key(db, provider, external_id, &old, &found)) != 0)
		return rc;
	if (!found) {
		memset(p, 0, sizeof *p);
		snprintf(p->ref, sizeof p->ref, "%s:%s", provider, external_id);
		wf_strlcpy(p->provider, provider, sizeof p->provider);
		wf_strlcpy(p->external_id, external_id, sizeof p->external_id);
		wf_strlcpy(p->state, "imported", sizeof p->state);
		wf_strlcpy(p->currency, currency, sizeof p->currency);
		if (in) {
			p->has_amount = in->has_amount;
			p->amount = in->amount;
			if (in->has_arrival)
				wf_date_format(in->arrival, p->arrival);
			p->has_status = in->status != NULL;
			wf_strlcpy(p->status, in->status ? in->status : "", sizeof p->status);
			p->has_description = in->description != NULL;
			wf_strlcpy(p->description, in->description ? in->description : "",
			    sizeof p->description);
		}
		if ((rc = wf_db_stmt(db, &st, ins)) != 0)
			return rc;
		wf_bind_text(st, 1, p->provider);
		wf_bind_text(st, 2, p->external_id);
		wf_bind_text(st, 3, p->ref);
		wf_bind_text(st, 4, p->currency);
		wf_bind_opt_int(st, 5, p->has_amount, p->amount);
		wf_bind_text(st, 6, p->arrival[0] ? p->arrival : NULL);
		wf_bind_text(st, 7, p->has_status ? p->status : NULL);
		wf_bind_text(st, 8, p->has_description ? p->description : NULL);
		wf_bind_text(st, 9, WF_OWNER_PAYOUT);
		wf_bind_time(st, 10, wf_db_now(db));
		if ((rc = wf_db_done(db, st)) != 0)
			return rc;
		p->id = wf_db_last_id(db);
		{
			struct wf_payout_sum none;
			cJSON *rec;
			memset(&none, 0, sizeof none);
			if ((rec = wf_payout_record(p, &none, NULL)) == NULL)
				return oom();
			/* the record's own type and state are the event's */
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "type");
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "state");
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "lines");
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "lines_net");
			cJSON_DeleteItemFromObjectCaseSensitive(rec, "difference");
			if ((rc = wf_history_upsert(db, "payout", p->ref, 1, "imported", NULL,
			    rec)) != 0)
				return rc;
		}
		mark(m, p->id, T_CREATED);
		run->last = *p;
		return 0;
	}
	*p = old;
	if (strcmp(old.currency, currency) != 0)
		return wf_error_set(WF_EREFUSED, "payout %s is in %s; the input says %s",
		    old.ref, old.currency, currency);
	if (in == NULL) {
		mark(m, p->id, 0);
		run->last = *p;
		return 0;
	}
	/* what the input states replaces what is stored; what it leaves out stays */
	if (in->has_amount) {
		p->has_amount = 1;
		p->amount = in->amount;
	}
	if (in->has_arrival)
		wf_date_format(in->arrival, p->arrival);
	if (in->status) {
		p->has_status = 1;
		wf_strlcpy(p->status, in->status, sizeof p->status);
	}
	if (in->description) {
		p->has_description = 1;
		wf_strlcpy(p->description, in->description, sizeof p->description);
	}
	if ((changes = cJSON_CreateObject()) == NULL)
		return oom();
	if (old.has_amount)
		wf_money_format(old.amount, old.currency, a, sizeof a);
	if (p->has_amount)
		wf_money_format(p->amount, p->currency, b, sizeof b);
	wf_strlcpy(day, old.arrival, sizeof day);
	k |= wf_change_text(changes, "amount", old.has_amount ? a : NULL, p->has_amount ? b : NULL);
	k |= wf_change_text(changes, "arrival", day[0] ? day : NULL, p->arrival[0] ? p->arrival : NULL);
	k |= wf_change_text(changes, "status", old.has_status ? old.status : NULL,
	    p->has_status ? p->status : NULL);
	k |= wf_change_text(changes, "description", old.has_description ? old.description : NULL,
	    p->has_description ? p->description : NULL);
	if (k) {
		cJSON_Delete(changes);
		return oom();
	}
	if (changes->child == NULL) {
		cJSON_Delete(changes);
		mark(m, p->id, 0);
		run->last = *p;
		return 0;
	}
	if ((rc = wf_db_stmt(db, &st, upd)) != 0) {
		cJSON_Delete(changes);
		return rc;
	}
	wf_bind_int(st, 1, p->id);
	wf_bind_opt_int(st, 2, p->has_amount, p->amount);
	wf_bind_text(st, 3, p->arrival[0] ? p->arrival : NULL);
	wf_bind_text(st, 4, p->has_status ? p->status : NULL);
	wf_bind_text(st, 5, p->has_description ? p->description : NULL);
	wf_bind_time(st, 6, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0 ||
	    (rc = wf_history_upsert(db, "payout", p->ref, 0, NULL, changes, NULL)) != 0)
		return rc;
	mark(m, p->id, T_CHANGED);
	run->last = *p;
	(void)at;
	return 0;
}

/* The line's fields as a wf_payout_line_row, for records and comparison. */
static void
line_row_of(const struct wf_payout_line_in *in, const char *payout_ref, int64_t payout_id,
    struct wf_payout_line_row *r)
{
	memset(r, 0, sizeof *r);
	r->payout_id = payout_id;
	r->payout = payout_ref;
	r->provider = in->provider;
	r->provider_id = in->provider_id;
	r->category = in->category;
	r->provider_type = in->provider_type;
	r->status = in->status;
	r->unmapped = in->unmapped;
	r->is_payout = in->is_payout;
	r->net_differs = in->net != in->gross - in->fee;
	r->currency = in->currency;
	r->gross = in->gross;
	r->fee = in->fee;
	r->net = in->net;
	r->provider_order = in->provider_order;
	r->order_ref = in->order_ref;
	r->payment_id = in->payment_id;
	r->description = in->description;
	r->posted_at = in->posted_at;
	r->has_available = in->has_available;
	r->available_at = in->available_at;
}

/* What changed from O to N, as {"field":{"from":..,"to":..}}. */
static int
line_changes(cJSON *c, const struct wf_payout_line_row *o, const struct wf_payout_line_row *n)
{
	char a[32], b[32], ta[WF_TIME_LEN], tb[WF_TIME_LEN];
	int k = 0;

	k |= wf_change_text(c, "payout", o->payout, n->payout);
	k |= wf_change_text(c, "category", o->category, n->category);
	k |= wf_change_text(c, "provider_type", o->provider_type, n->provider_type);
	k |= wf_change_text(c, "status", o->status, n->status);
	k |= wf_change_text(c, "currency", o->currency, n->currency);
#define MONEY_CHANGE(f) do { \
		if (o->f != n->f || strcmp(o->currency, n->currency) != 0) { \
			wf_money_format(o->f, o->currency, a, sizeof a); \
			wf_money_format(n->f, n->currency, b, sizeof b); \
			k |= wf_change_text(c, #f, a, b); \
		} } while (0)
	MONEY_CHANGE(gross);
	MONEY_CHANGE(fee);
	MONEY_CHANGE(net);
#undef MONEY_CHANGE
	k |= wf_change_text(c, "order", o->order_ref, n->order_ref);
	k |= wf_change_text(c, "provider_order", o->provider_order, n->provider_order);
	k |= wf_change_text(c, "payment_id", o->payment_id, n->payment_id);
	wf_time_format(o->posted_at, ta);
	wf_time_format(n->posted_at, tb);
	k |= wf_change_text(c, "posted_at", ta, tb);
	if (o->has_available)
		wf_time_format(o->available_at, ta);
	if (n->has_available)
		wf_time_format(n->available_at, tb);
	k |= wf_change_text(c, "available_at", o->has_available ? ta : NULL,
	    n->has_available ? tb : NULL);
	k |= wf_change_text(c, "description", o->description, n->description);
	k |= wf_change_int(c, "is_payout", 1, o->is_payout, 1, n->is_payout);
	k |= wf_change_int(c, "unmapped", 1, o->unmapped, 1, n->unmapped);
	return k ? oom() : 0;
}

static int
bind_line(wf_db *db, wf_stmt *st, const struct wf_payout_line_row *r)
{
	wf_bind_text(st, 1, r->provider);
	wf_bind_text(st, 2, r->provider_id);
	if (r->payout_id)
		wf_bind_int(st, 3, r->payout_id);
	else
		wf_bind_null(st, 3);
	wf_bind_text(st, 4, r->category);
	wf_bind_text(st, 5, r->provider_type);
	wf_bind_int(st, 6, r->unmapped);
	wf_bind_int(st, 7, r->is_payout);
	wf_bind_text(st, 8, r->status);
	wf_bind_text(st, 9, r->currency);
	wf_bind_int(st, 10, r->gross);
	wf_bind_int(st, 11, r->fee);
	wf_bind_int(st, 12, r->net);
	wf_bind_int(st, 13, r->net_differs);
	wf_bind_text(st, 14, r->provider_order);
	wf_bind_text(st, 15, r->order_ref);
	wf_bind_text(st, 16, r->payment_id);
	wf_bind_time(st, 17, r->posted_at);
	if (r->has_available)
		wf_bind_time(st, 18, r->available_at);
	else
		wf_bind_null(st, 18);
	wf_bind_text(st, 19, r->description);
	return wf_bind_time(st, 20, wf_db_now(db));
}

/* An event about line L: on its payout, or under its own key. */
static int
line_event(wf_db *db, const struct wf_payout_line_row *l, const char *action, cJSON *data)
{
	char subject[KEYLEN];

	line_subject(subject, l);
	return wf_history_add(db, "payout", subject, NULL, action, NULL, NULL, data);
}

static int
apply_line(wf_db *db, struct run *run, const wf_jloc *at, struct wf_payout_line_in *in,
    struct marks *m)
{
	static const char ins[] =
	    "INSERT INTO payout_line (provider, provider_id, payout_id, category, provider_type,"
	    " unmapped, is_payout, status, currency, gross, fee, net, net_differs, provider_order,"
	    " order_ref, payment_id, posted_at, available_at, description, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	    " ?18, ?19, ?20, ?20)";
	static const char upd[] =
	    "UPDATE payout_line SET payout_id = ?3, category = ?4, provider_type = ?5,"
	    " unmapped = ?6, is_payout = ?7, status = ?8, currency = ?9, gross = ?10, fee = ?11,"
	    " net = ?12, net_differs = ?13, provider_order = ?14, order_ref = ?15,"
	    " payment_id = ?16, posted_at = ?17, available_at = ?18, description = ?19,"
	    " updated_at = ?20, order_id = CASE WHEN ?21 = 1 THEN NULL ELSE order_id END"
	    " WHERE provider = ?1 AND provider_id = ?2";
	struct payout_row p;
	struct line_row old;
	struct wf_payout_line_row n;
	const char *result;
	cJSON *changes = NULL, *data, *rec;
	wf_stmt *st;
	int rc, found, written, was_unknown = 0;

	/* lines that name no payout of their own belong to --payout */
	if (in->payout == NULL && run->payout_id[0]) {
		if (strcmp(in->provider, run->payout_provider) != 0)
			return wf_jerr(at, "provider", "%s, but --payout %s is %s's", in->provider,
			    run->arg, run->payout_provider);
		in->payout = run->payout_id;
	}
	if ((rc = line_ok(at, in)) != 0)
		return rc;
	if ((rc = wf_payout_line_by_key(db, in->provider, in->provider_id, &old, &found)) != 0)
		return rc;
	/* a line stays in the payout it is in; the input cannot take it out */
	if (found && old.r.payout_id && in->payout == NULL) {
		in->payout = old.payout + strlen(in->provider) + 1;
		in->is_payout = in->is_payout || old.r.is_payout;
	}
	memset(&p, 0, sizeof p);
	if (in->payout) {
		if ((rc = payout_get(db, run, at, in->provider, in->payout, in->currency, NULL,
		    &p, m)) != 0)
			return rc;
		if (found && old.r.payout_id && old.r.payout_id != p.id)
			return wf_error_set(WF_EREFUSED, "line %s:%s is in payout %s; the input puts "
			    "it in %s", in->provider, in->provider_id, old.payout, p.ref);
	}
	line_row_of(in, p.id ? p.ref : NULL, p.id, &n);
	if (found) {
		n.id = old.r.id;
		n.order_id = old.r.order_id;
		was_unknown = old.r.unmapped;
		if ((changes = cJSON_CreateObject()) == NULL)
			return oom();
		if ((rc = line_changes(changes, &old.r, &n)) != 0) {
			cJSON_Delete(changes);
			return rc;
		}
	}
	result = wf_change_result(!found, changes);
	written = !found || changes->child;
	if (written) {
		int order_changed = found && ((old.r.order_ref == NULL) != (n.order_ref == NULL) ||
		    (n.order_ref && strcmp(old.r.order_ref, n.order_ref) != 0));
		if ((rc = wf_db_stmt(db, &st, found ? upd : ins)) != 0) {
			cJSON_Delete(changes);
			return rc;
		}
		bind_line(db, st, &n);
		if (found) {
			wf_bind_int(st, 21, order_changed);
			if (order_changed)
				n.order_id = 0;
		}
		if ((rc = wf_db_done(db, st)) != 0) {
			cJSON_Delete(changes);
			return rc;
		}
		if (!found) {
			n.id = wf_db_last_id(db);
			data = wf_payout_line_json(&n, 0, NULL);
		} else if ((data = cJSON_CreateObject()) != NULL &&
		    (wf_jadd_str(data, "provider_id", n.provider_id) ||
		    wf_jadd_item(data, "changes", changes))) {
			cJSON_Delete(data);
			data = NULL;
		} else
			changes = NULL;
		if (data == NULL) {
			cJSON_Delete(changes);
			return oom();
		}
		if ((rc = line_event(db, &n, found ? "update_line" : "add_line", data)) != 0)
			return rc;
		/* the payout the line is in changed with it */
		if (p.id)
			mark(m, p.id, T_CHANGED);
	}
	cJSON_Delete(changes);
	/* the payout's own transfer tells its amount, until the payout does */
	if (n.is_payout && p.id && !p.has_amount) {
		struct wf_payout_in amount;
		struct payout_row q = p;
		memset(&amount, 0, sizeof amount);
		amount.provider = q.provider;
		amount.external_id = q.external_id;
		amount.has_amount = 1;
		amount.amount = -n.net;
		if ((rc = payout_get(db, run, at, q.provider, q.external_id, q.currency, &amount,
		    &p, m)) != 0)
			return rc;
	}
	/* a line of an unknown type that came, changed or went */
	if (written && (n.unmapped || was_unknown)) {
		char subject[KEYLEN];
		line_subject(subject, &n);
		if (p.id)
			mark(m, p.id, T_UNKNOWN);
		else if ((rc = check_unknown(db, subject, n.provider, 0, n.id)) != 0)
			return rc;
		/* a line of an unknown type that joined a payout: its own exception
		 * goes, the payout's takes it over */
		if (p.id && found && old.r.payout_id == 0) {
			snprintf(subject, sizeof subject, "%s:%s", n.provider, n.provider_id);
			if ((rc = clear_ex(db, WF_EX_UNKNOWN_CATEGORY, subject, "the line is in "
			    "a payout now; its exception covers the line")) != 0)
				return rc;
		}
	}
	if ((rec = wf_payout_line_json(&n, 1, result)) == NULL)
		return oom();
	return wf_out_emit(wf_db_out(db), rec);
}

static int
apply_payout(wf_db *db, struct run *run, const wf_jloc *at, const struct wf_payout_in *in,
    struct marks *m)
{
	struct payout_row p;
	int rc;

	if ((rc = payout_ok(at, in)) != 0)
		return rc;
	return payout_get(db, run, at, in->provider, in->external_id, in->currency, in, &p, m);
}

static int
import_record(wf_db *db, const struct wf_line *l, void *arg)
{
	struct run *run = arg;
	struct wf_payout_rec r;
	struct marks m;
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	memset(&m, 0, sizeof m);
	run->parse.strict = l->strict;
	switch (run->imp->format) {
	case WF_PAYOUT_GENERIC: rc = wf_payout_parse_generic(&run->parse, l->at, l->obj, &r); break;
	case WF_PAYOUT_STRIPE:  rc = wf_payout_parse_stripe(&run->parse, l->at, l->obj, &r); break;
	case WF_PAYOUT_SHOPIFY: rc = wf_payout_parse_shopify(&run->parse, l->at, l->obj, &r); break;
	case WF_PAYOUT_AMAZON:  rc = wf_payout_parse_amazon(&run->parse, l->at, l->obj, &r); break;
	case WF_PAYOUT_PAYPAL:  rc = wf_payout_parse_paypal(&run->parse, l->at, l->obj, &r); break;
	default: rc = wf_error_set(WF_EINTERNAL, "unknown payout format");
	}
	if (rc == 0 && r.has_payout)
		rc = apply_payout(db, run, l->at, &r.payout, &m);
	for (i = 0; rc == 0 && i < r.nlines; i++)
		rc = apply_line(db, run, l->at, &r.line[i], &m);
	if (rc == 0) {
		const wf_jloc *root = l->at;
		while (root->up)
			root = root->up;
		for (i = 0; i < m.n; i++) {
			m.t[i].src = root->src;
			m.t[i].line = root->line;
		}
		rc = commit_marks(run, &m);
	} else
		run->last.id = 0;       /* it may be rolled back */
	wf_payout_rec_free(&r);
	return rc;
}

/* Print every payout the run touched; check those that changed. */
static int
finish(wf_db *db, struct run *run)
{
	struct payout_row p;
	size_t i;
	int rc, found;

	for (i = 0; i < run->nt; i++) {
		const struct touch *t = &run->t[i];
		const char *result = (t->flags & T_CREATED) ? "created" :
		    (t->flags & T_CHANGED) ? "updated" : "unchanged";

		if ((rc = wf_payout_row_by_id(db, t->id, &p, &found)) != 0)
			return rc;
		if (!found)
			return wf_error_set(WF_EINTERNAL, "payout %lld vanished during its import",
			    (long long)t->id);
		if ((t->flags & (T_CREATED | T_CHANGED)) && (rc = check_balance(db, &p)) != 0) {
			/* lines each within the money limit whose sum is not: an
			 * input error, named by the last line that added to it */
			if (rc == WF_EINPUT && t->src)
				rc = wf_error_set(WF_EINPUT, "%s:%ld: %s", t->src, t->line,
				    wf_error_msg());
			return rc;
		}
		if ((t->flags & T_UNKNOWN) &&
		    (rc = check_unknown(db, p.ref, p.provider, p.id, 0)) != 0)
			return rc;
		if ((rc = wf_payout_emit(db, wf_db_out(db), &p, result)) != 0)
			return rc;
	}
	return 0;
}

int
wf_payout_format_parse(const char *s, enum wf_payout_format *f)
{
	static const char *const names[] = { "generic", "stripe", "shopify", "amazon", "paypal" };
	size_t i;

	for (i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum wf_payout_format)i;
			return 0;
		}
	return wf_error_set(WF_EUSAGE, "--from: expected stripe, shopify, amazon, paypal or "
	    "generic, got '%.32s'", s ? s : "");
}

/* --payout: "ID", or "PROVIDER:ID" of the importer's provider. */
static int
payout_arg(struct run *run, const char *arg)
{
	const char *colon = strchr(arg, ':'), *id = arg;
	size_t n;

	wf_strlcpy(run->arg, arg, sizeof run->arg);
	if (strlen(arg) >= sizeof run->arg)
		goto bad;
	if (colon) {
		n = (size_t)(colon - arg);
		if (n == 0 || n >= sizeof run->payout_provider)
			goto bad;
		memcpy(run->payout_provider, arg, n);
		run->payout_provider[n] = '\0';
		id = colon + 1;
	} else if (run->provider)
		wf_strlcpy(run->payout_provider, run->provider, sizeof run->payout_provider);
	else
		goto bad;
	if ((run->provider && strcmp(run->payout_provider, run->provider) != 0) ||
	    wf_text_code("--payout", run->payout_provider, 32) != 0 ||
	    *id == '\0' || strlen(id) > WF_PAYOUT_ID_MAX || !wf_text_plain(id))
		goto bad;
	wf_strlcpy(run->payout_id, id, sizeof run->payout_id);
	return 0;
bad:
	return wf_error_set(WF_EUSAGE, "--payout: expected %s%s, got '%.60s'",
	    run->provider ? "the id of a payout of " : "PROVIDER:ID",
	    run->provider ? run->provider : "", arg);
}

int
wf_payout_import(wf_db *db, struct wf_batch *b, const struct wf_payout_import *imp)
{
	static const char *const stripe_docs[] = { "data", NULL };
	static const char *const shopify_docs[] = { "transactions", "payouts", NULL };
	static const char *const paypal_docs[] = { "transaction_details", NULL };
	static const char *const providers[] = { NULL, "stripe", "shopify", "amazon", "paypal" };
	struct run run;
	wf_tsv *tsv = NULL;
	char partial[1024] = "";
	int rc;

	memset(&run, 0, sizeof run);
	run.imp = imp;
	run.parse.imp = imp;
	if ((unsigned)imp->format > WF_PAYOUT_PAYPAL)
		return wf_error_set(WF_EUSAGE, "unknown payout format");
	run.provider = providers[imp->format];
	if (imp->channel && wf_text_code("--channel", imp->channel, 32) != 0)
		return wf_error_set(WF_EUSAGE, "%s", wf_error_msg());
	if (imp->payout && (rc = payout_arg(&run, imp->payout)) != 0)
		return rc;
	switch (imp->format) {
	case WF_PAYOUT_STRIPE:  b->documents = stripe_docs; break;
	case WF_PAYOUT_SHOPIFY: b->documents = shopify_docs; break;
	case WF_PAYOUT_PAYPAL:  b->documents = paypal_docs; break;
	case WF_PAYOUT_AMAZON:
		if ((rc = wf_tsv_open(&tsv, b->in, b->name, b->strict)) != 0)
			return rc;
		b->source = wf_tsv_read;
		b->source_ctx = tsv;
		run.parse.tsv = tsv;
		break;
	default: b->documents = NULL; break;
	}
	wf_out_columns(wf_db_out(db), "payout_line", line_result_columns);
	wf_out_columns(wf_db_out(db), "payout", payout_result_columns);
	if ((rc = wf_tx_begin(db)) != 0)
		goto out;
	rc = wf_batch_run(db, b, import_record, &run);
	if (rc == WF_EINPUT && b->keep_going && b->bad > 0) {
		wf_strlcpy(partial, wf_error_msg(), sizeof partial);
		rc = 0;
	}
	if (rc == 0)
		rc = finish(db, &run);
	if (rc != 0) {
		wf_tx_rollback(db);
		goto out;
	}
	if ((rc = wf_tx_commit(db)) == 0 && partial[0])
		rc = wf_error_set(WF_EINPUT, "%s", partial);
out:
	wf_tsv_close(tsv);
	wf_payout_parse_free(&run.parse);
	free(run.t);
	return rc;
}

/* ---- for matching ---------------------------------------------------------------------- */

int
wf_payout_line_link(wf_db *db, int64_t line_id, int64_t order_id, const char *rule)
{
	static const char order[] = "SELECT ref FROM orders WHERE id = ?1";
	static const char set[] = "UPDATE payout_line SET order_id = ?2, updated_at = ?3 WHERE id = ?1";
	struct line_row l;
	char oref[REFLEN] = "";
	cJSON *data;
	wf_stmt *st;
	int rc, found, k = 0;

	if ((rc = wf_payout_line_by_id(db, line_id, &l, &found)) != 0)
		return rc;
	if (!found)
		return wf_error_set(WF_ENOTFOUND, "no payout line with id %lld", (long long)line_id);
	if (l.r.order_id == order_id)
		return 0;
	if (order_id) {
		if ((rc = wf_db_stmt(db, &st, order)) != 0)
			return rc;
		wf_bind_int(st, 1, order_id);
		if ((rc = wf_db_step(db, st)) < 0)
			return rc;
		if (rc == 0)
			return wf_error_set(WF_ENOTFOUND, "no order with id %lld", (long long)order_id);
		wf_strlcpy(oref, wf_col_text(st, 0), sizeof oref);
		wf_stmt_reset(st);
	}
	if ((data = cJSON_CreateObject()) == NULL)
		return oom();
	k |= wf_jadd_str(data, "provider_id", l.r.provider_id);
	k |= wf_jadd_str(data, "order", order_id ? oref : NULL);
	k |= wf_jadd_str(data, "rule", rule);
	if (k) {
		cJSON_Delete(data);
		return oom();
	}
	if ((rc = wf_tx_begin(db)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if ((rc = wf_db_stmt(db, &st, set)) != 0)
		goto fail;
	wf_bind_int(st, 1, line_id);
	if (order_id)
		wf_bind_int(st, 2, order_id);
	else
		wf_bind_null(st, 2);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto fail;
	rc = line_event(db, &l.r, "link_line", data);
	data = NULL;
	if (rc != 0)
		goto fail;
	return wf_tx_commit(db);
fail:
	cJSON_Delete(data);
	wf_tx_rollback(db);
	return rc;
}

int
wf_payout_line_link_known(wf_db *db, int64_t line_id, const char *provider_id,
    const char *subject, int64_t order_id, const char *order, const char *rule)
{
	static const char set[] = "UPDATE payout_line SET order_id = ?2, updated_at = ?3"
	    " WHERE id = ?1 AND order_id IS NULL";
	cJSON *data;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, set)) != 0)
		return rc;
	wf_bind_int(st, 1, line_id);
	wf_bind_int(st, 2, order_id);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	if (wf_db_changes(db) != 1)
		return wf_error_set(WF_EINTERNAL, "payout line %lld is linked already, or gone",
		    (long long)line_id);
	if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "provider_id", provider_id) ||
	    wf_jadd_str(data, "order", order) || wf_jadd_str(data, "rule", rule)) {
		cJSON_Delete(data);
		return oom();
	}
	return wf_history_add(db, "payout", subject, NULL, "link_line", NULL, NULL, data);
}

int
wf_payout_act(wf_db *db, const char **to, const char *ref, const char *action, cJSON *data)
{
	struct payout_row p;
	int rc, found;

	if ((rc = wf_payout_row_by_ref(db, ref, &p, &found)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if (!found) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOTFOUND, "unknown payout '%s'", ref);
	}
	return wf_state_apply(db, to, machine(), p.id, p.ref, action, data);
}

/* The payout exceptions an acceptance settles: what made it a mismatch. */
static const char *const accepted_kinds[] = {
	WF_EX_PAYOUT_UNBALANCED, WF_EX_UNKNOWN_PAYMENT, NULL
};

int
wf_payout_accept(wf_db *db, const char *ref, const char *reason)
{
	static const char covers[] = "UPDATE payout SET accepted_at = ?2,"
	    " accepted_line = (SELECT coalesce(max(id), 0) FROM payout_line) WHERE id = ?1";
	struct payout_row p;
	wf_stmt *st;
	const char *to = NULL;
	char note[700];
	cJSON *data;
	int rc, found;
	size_t i;

	if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
		return wf_error_set(WF_EUSAGE, "--reason: say why the payout is accepted");
	if ((rc = wf_text_check("--reason", reason, 500)) != 0)
		return rc;
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_payout_row_by_ref(db, ref, &p, &found)) != 0)
		goto fail;
	if (!found) {
		rc = wf_error_set(WF_ENOTFOUND, "unknown payout '%s'", ref);
		goto fail;
	}
	if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "reason", reason) ||
	    wf_jadd_str(data, "actor", wf_db_actor(db))) {
		cJSON_Delete(data);
		rc = oom();
		goto fail;
	}
	if ((rc = wf_state_apply(db, &to, machine(), p.id, p.ref, "accept", data)) != 0)
		goto fail;
	wf_strlcpy(p.state, to, sizeof p.state);
	/* what the acceptance covers: the lines there now (match checks a
	 * later one again) */
	if ((rc = wf_db_stmt(db, &st, covers)) != 0)
		goto fail;
	wf_bind_int(st, 1, p.id);
	wf_bind_time(st, 2, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto fail;
	snprintf(note, sizeof note, "payout %s accepted by %s: %s", p.ref, wf_db_actor(db),
	    reason);
	for (i = 0; accepted_kinds[i]; i++)
		if ((rc = clear_ex(db, accepted_kinds[i], p.ref, note)) != 0)
			goto fail;
	if ((rc = wf_payout_emit(db, wf_db_out(db), &p, "accepted")) != 0)
		goto fail;
	return wf_tx_commit(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

/* ---- invariants ----------------------------------------------------------------------- */

static int
lines_agree(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT p.ref, 'line ' || l.provider || ':' || l.provider_id || ' is in '"
	    " || l.currency || ' of ' || l.provider || ', the payout in ' || p.currency"
	    " || ' of ' || p.provider"
	    " FROM payout_line l JOIN payout p ON p.id = l.payout_id"
	    " WHERE l.currency <> p.currency OR l.provider <> p.provider ORDER BY l.id";

	return wf_check_rows(db, out, n, "payout.lines", "payout", sql);
}

const struct wf_invariant wf_payout_invariants[] = {
	{ "payout.lines", "every line of a payout is of its provider and in its currency",
	  lines_agree },
	{ NULL, NULL, NULL }
};

/* ---- state machines ---------------------------------------------------- */

static const char *const payout_states[] = {
	"imported", "matched", "reconciled", "mismatch", NULL
};
static const struct wf_transition payout_rows[] = {
	{ "imported", "match",     "matched" },
	{ "imported", "mismatch",  "mismatch" },
	{ "matched",  "mismatch",  "mismatch" },
	{ "mismatch", "match",     "matched" },
	{ "matched",  "reconcile", "reconciled" },
	{ "mismatch", "accept",    "reconciled" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_payout = {
	"payout", "payout", "payouts (PROVIDER:ID)",
	payout_states, payout_rows, WF_SQL_STATE_GET("payout", "state", "NULL"),
	WF_SQL_STATE_SET("payout", "state"), WF_SQL_STATE_ALL("payout", "ref", "state"), NULL, NULL
};


static const struct wf_machine *const payout_machines[] = { &m_payout, NULL };

const struct wf_record_type wf_record_payout = {
	.type = "payout",
	.table = "payout",
	.machines = payout_machines,
	.invariants = wf_payout_invariants,
	.complete = "SELECT ref FROM payout WHERE ref GLOB ?1 ORDER BY ref",
	.lookup = "SELECT 1 FROM payout WHERE ref = ?1",
};
