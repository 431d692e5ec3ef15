/* po_watch.c - what holds for an open purchase order against the clock
 * (overdue, partial, slipped, unconfirmed: wf_po.h), and the one PO
 * exception of that kind: built here for the PO's own changes and
 * follow-up runs (wf_po_sync_exceptions) and for the supplier scan
 * (wf_po_watch_each), so both put the same exception in the queue.
 *
 * No table of its own: POs are loaded through po.c, exceptions written
 * through the exception module.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_json.h"
#include "wf_po.h"
#include "wf_time.h"

/* In the order of enum po_kind. */
const char *const wf_po_kinds[] = {
	"po_overdue", "po_partial", "po_slipped", "po_unconfirmed", NULL
};
enum po_kind { PK_OVERDUE, PK_PARTIAL, PK_SLIPPED, PK_UNCONFIRMED, PK_N };

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static int
po_is_open(const struct po *p)
{
	return strcmp(p->state, "sent") == 0 || strcmp(p->state, "confirmed") == 0 ||
	    strcmp(p->state, "partially_received") == 0;
}

static int64_t
day_of(int64_t t)
{
	return t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
}

void
wf_po_eval(const struct po *p, int64_t now, struct po_eval *e)
{
	int partial = strcmp(p->state, "partially_received") == 0;

	memset(e, 0, sizeof *e);
	e->due = p->has_confirmed_for ? p->confirmed_for : p->expected;
	if (!po_is_open(p))
		return;
	e->late = now > e->due;
	e->slipped = p->has_confirmed_for && day_of(p->confirmed_for) > day_of(p->expected);
	e->unconfirmed = strcmp(p->state, "sent") == 0 && p->has_sent &&
	    now > p->sent_at + p->sup.confirm_within_days * DAY;
	e->reason = e->late ? (partial ? "partial" : "overdue") : e->slipped ? "slipped" :
	    e->unconfirmed ? "unconfirmed" : NULL;
}

/* The kind of E's reason, or -1. */
static int
kind_of(const struct po_eval *e)
{
	int k;

	for (k = 0; e->reason && k < PK_N; k++)
		if (strcmp(wf_po_kinds[k] + 3, e->reason) == 0)
			return k;
	return -1;
}

static int
add_time(cJSON *o, const char *key, int has, int64_t t)
{
	return has ? wf_jadd_time(o, key, t) : wf_jadd_null(o, key);
}

/* The facts behind a PO exception of kind K. */
static cJSON *
po_evidence(const struct po *p, const struct po_eval *e, int k, int64_t now)
{
	cJSON *ev = cJSON_CreateObject(), *lines = cJSON_CreateArray();
	size_t i;
	int rc = 0;

	if (ev == NULL || lines == NULL) {
		cJSON_Delete(ev);
		cJSON_Delete(lines);
		return NULL;
	}
	rc |= wf_jadd_str(ev, "po", p->key);
	rc |= wf_jadd_str(ev, "supplier", p->sup.code);
	rc |= wf_jadd_str(ev, "email", p->sup.has_email ? p->sup.email : NULL);
	rc |= wf_jadd_str(ev, "state", p->state);
	rc |= add_time(ev, "sent_at", p->has_sent, p->sent_at);
	rc |= wf_jadd_time(ev, "expected", p->expected);
	rc |= add_time(ev, "confirmed_for", p->has_confirmed_for, p->confirmed_for);
	rc |= wf_jadd_time(ev, "due", e->due);
	rc |= wf_jadd_int(ev, "days_late", e->late ? (now - e->due) / DAY : 0);
	rc |= wf_jadd_int(ev, "days_slipped", e->slipped ?
	    day_of(p->confirmed_for) - day_of(p->expected) : 0);
	if (k == PK_UNCONFIRMED)
		rc |= wf_jadd_int(ev, "confirm_within_days", p->sup.confirm_within_days);
	for (i = 0; i < p->nlines; i++) {
		const struct po_line *l = &p->lines[i];
		cJSON *o;

		if (wf_po_line_open(l) == 0)
			continue;
		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(lines, o)) {
			cJSON_Delete(o);
			rc = WF_ENOMEM;
			break;
		}
		rc |= wf_jadd_str(o, "sku", l->sku);
		rc |= wf_jadd_int(o, "open", wf_po_line_open(l));
		rc |= wf_jadd_int(o, "ordered", l->ordered);
		rc |= wf_jadd_int(o, "received", l->received);
		rc |= l->has_cost ? wf_jadd_money(o, "unit_cost", l->unit_cost, p->currency) :
		    wf_jadd_null(o, "unit_cost");
	}
	rc |= wf_jadd_item(ev, "open_lines", lines);
	if (rc) {
		cJSON_Delete(ev);
		return NULL;
	}
	return ev;
}

/* The exception of kind K that P should have at NOW, into *R: its
 * evidence (*R's, the caller deletes it) and next action (in NEXT). */
static int
po_want(const struct po *p, const struct po_eval *e, int k, int64_t now,
    struct wf_raise *r, wf_buf *next)
{
	char due[11], expected[11], confirmed[11], sent[11];
	const char *email = p->sup.has_email ? p->sup.email : "no email on file";
	int64_t units, value;
	int rc;

	if ((rc = wf_po_open_value(p, &units, &value)) != 0)
		return rc;
	wf_date_format(e->due, due);
	wf_date_format(p->expected, expected);
	wf_date_format(p->confirmed_for, confirmed);
	wf_date_format(p->sent_at, sent);
	wf_buf_reset(next);
	switch (k) {
	case PK_OVERDUE:
		rc = wf_buf_addf(next, "chase %s (%s) for %s: %lld units overdue since %s",
		    p->sup.code, email, p->key, (long long)units, due);
		break;
	case PK_PARTIAL:
		rc = wf_buf_addf(next, "chase %s (%s) for the rest of %s: %lld units still open, "
		    "due %s; or close it short with wf-po close %s", p->sup.code, email, p->key,
		    (long long)units, due, p->key);
		break;
	case PK_SLIPPED:
		rc = wf_buf_addf(next, "chase %s (%s) for %s: confirmed for %s, %lld days after "
		    "the expected %s", p->sup.code, email, p->key, confirmed,
		    (long long)(day_of(p->confirmed_for) - day_of(p->expected)), expected);
		break;
	default:
		rc = wf_buf_addf(next, "ask %s (%s) to confirm %s: sent %s, not confirmed within "
		    "%lld days; then wf-po confirm %s --date DATE", p->sup.code, email, p->key,
		    sent, (long long)p->sup.confirm_within_days, p->key);
		break;
	}
	memset(r, 0, sizeof *r);
	if (rc != 0 || (r->evidence = po_evidence(p, e, k, now)) == NULL)
		return oom();
	r->kind = wf_po_kinds[k];
	r->subject_type = "po";
	r->subject_ref = p->key;
	r->impact.money = value;
	wf_strlcpy(r->impact.currency, p->currency, sizeof r->impact.currency);
	r->impact.units = units;
	r->impact.has_due = 1;
	r->impact.due_at = k == PK_SLIPPED ? p->expected : k == PK_UNCONFIRMED ?
	    p->sent_at + p->sup.confirm_within_days * DAY : e->due;
	r->next_action = wf_buf_str(next);
	r->owner = p->owner;
	/* fixed at the derived value, as the scans fix theirs: the PO's own
	 * changes and the supplier scan then write the same exception */
	r->has_priority = 1;
	r->priority = wf_exception_priority(&r->impact, now);
	return 0;
}

/* Why kind K does not hold for P (E evaluated at the clock), into NOTE. */
static int
po_note(const struct po *p, const struct po_eval *e, int k, wf_buf *note)
{
	char due[11], expected[11], confirmed[11];
	int now_k = kind_of(e), rc;

	wf_date_format(e->due, due);
	wf_date_format(p->expected, expected);
	wf_date_format(p->confirmed_for, confirmed);
	wf_buf_reset(note);
	if (!po_is_open(p))
		rc = wf_buf_addf(note, "%s %s", p->key, p->state);
	else if (now_k >= 0 && (now_k < k || (k <= PK_PARTIAL && now_k <= PK_PARTIAL)))
		rc = wf_buf_addf(note, "%s is %s now; see its %s exception", p->key, e->reason,
		    wf_po_kinds[now_k]);
	else if (k == PK_OVERDUE || k == PK_PARTIAL)
		rc = e->late ? wf_buf_addf(note, "%s is %s now", p->key, p->state) :
		    wf_buf_addf(note, "%s is no longer late: due %s", p->key, due);
	else if (k == PK_SLIPPED)
		rc = wf_buf_addf(note, "%s is no longer slipped: confirmed for %s, expected %s",
		    p->key, p->has_confirmed_for ? confirmed : "no date", expected);
	else
		rc = strcmp(p->state, "sent") != 0 ?
		    wf_buf_addf(note, "%s is %s now", p->key, p->state) :
		    wf_buf_addf(note, "%s is within its %lld days to confirm", p->key,
		    (long long)p->sup.confirm_within_days);
	return rc ? oom() : 0;
}

int
wf_po_sync_exceptions(wf_db *db, const struct po *p)
{
	int64_t now = wf_db_now(db), id;
	wf_buf next = {0}, note = {0};
	const char *result;
	struct po_eval e;
	struct wf_raise r;
	int k, want, rc = 0;

	if (strcmp(p->state, "draft") == 0)
		return 0;
	wf_po_eval(p, now, &e);
	want = kind_of(&e);
	for (k = 0; k < PK_N && rc == 0; k++) {
		if (k == want) {
			if ((rc = po_want(p, &e, k, now, &r, &next)) == 0)
				rc = wf_exception_raise(db, &id, &result, &r);
			cJSON_Delete((cJSON *)r.evidence);
		} else if ((rc = po_note(p, &e, k, &note)) == 0)
			rc = wf_exception_clear(db, &id, &result, wf_po_kinds[k], "po", p->key,
			    wf_buf_str(&note));
	}
	wf_buf_free(&next);
	wf_buf_free(&note);
	return rc;
}

struct watch_run {
	int (*fn)(const struct wf_po_watch *w, void *arg);
	void   *arg;
	wf_buf  next, notes[PK_N];
};

static int
watch_one(wf_db *db, struct po *p, void *arg)
{
	struct watch_run *run = arg;
	struct wf_po_watch w;
	struct wf_raise r;
	struct po_eval e;
	int64_t now = wf_db_now(db);
	int k, want, rc = 0;

	wf_po_eval(p, now, &e);
	want = kind_of(&e);
	memset(&w, 0, sizeof w);
	w.po = p->key;
	w.state = p->state;
	w.kind = want;
	for (k = 0; k < PK_N && rc == 0; k++)
		if (k != want && (rc = po_note(p, &e, k, &run->notes[k])) == 0)
			w.notes[k] = wf_buf_str(&run->notes[k]);
	if (rc == 0 && want >= 0 && (rc = po_want(p, &e, want, now, &r, &run->next)) == 0)
		w.want = &r;
	if (rc == 0)
		rc = run->fn(&w, run->arg);
	if (w.want)
		cJSON_Delete((cJSON *)r.evidence);
	return rc;
}

int
wf_po_watch_each(wf_db *db, int (*fn)(const struct wf_po_watch *w, void *arg), void *arg)
{
	struct watch_run run;
	int rc, k;

	memset(&run, 0, sizeof run);
	run.fn = fn;
	run.arg = arg;
	rc = wf_po_each_open(db, watch_one, &run);
	wf_buf_free(&run.next);
	for (k = 0; k < PK_N; k++)
		wf_buf_free(&run.notes[k]);
	return rc;
}
