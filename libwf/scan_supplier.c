/* scan_supplier.c - the supplier scan: every open purchase order's
 * follow-up condition (po_overdue, po_partial, po_slipped, po_unconfirmed,
 * decided by the PO module: wf_po_watch_each) kept in the queue, and
 * suppliers whose recent receipts come slower than the lead time they
 * state (supplier_lead_time_drift).
 *
 * Lead-time drift.  A receipt's lead time is the time from the PO's
 * sending to its first receipt.  A supplier drifts when at least
 * WF_SCAN_DRIFT_MIN of its POs had their first receipt within the last
 * WF_SCAN_DRIFT_DAYS days and their median lead time exceeds the stated
 * one by more than --drift percent and by at least a day; the exception
 * resolves when the median is back within half that margin, or too few
 * receipts remain to say.
 *
 * reads: po, supplier, movement
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_po.h"
#include "wf_time.h"

#define DAY 86400

static const char *const drift_kinds[] = { "supplier_lead_time_drift", NULL };

/* Every kind this scan raises, for --fail-on: the PO module's, then drift. */
const char *const wf_scan_supplier_kinds[] = {
	"po_overdue", "po_partial", "po_slipped", "po_unconfirmed", "supplier_lead_time_drift",
	NULL
};

struct sup {
	struct scan    *s;
	struct scan_ex *ex;            /* PO exceptions, sorted by PO, kind */
	size_t          nex;
	char           *seen;          /* per ex: its PO is open */
	wf_buf          shown, note;
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static int
ex_cmp(const void *a, const void *b)
{
	const struct scan_ex *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);

	return c ? c : x->kind - y->kind;
}

static int
shown(wf_buf *b, const char *type, const char *ref)
{
	wf_buf_reset(b);
	return wf_buf_addf(b, "%s %s", type, ref) ? oom() : 0;
}

/* ---- purchase orders ----------------------------------------------------- */

static int
on_po(const struct wf_po_watch *w, void *arg)
{
	struct sup *k = arg;
	size_t lo = 0, hi = k->nex, i;
	int rc = 0;

	while (lo < hi) {              /* the first exception of this PO */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(k->ex[mid].ref, w->po) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((rc = shown(&k->shown, "po", w->po)) != 0)
		return rc;
	if (w->want) {
		struct scan_want want;
		int64_t id;

		memset(&want, 0, sizeof want);
		want.raise = *w->want;
		want.shown = wf_buf_str(&k->shown);
		if ((rc = scan_raise(k->s, &want, &id)) != 0)
			return rc;
	}
	for (i = lo; i < k->nex && strcmp(k->ex[i].ref, w->po) == 0 && rc == 0; i++) {
		k->seen[i] = 1;
		if (k->ex[i].kind != w->kind && k->ex[i].open)
			rc = scan_clear(k->s, wf_po_kinds[k->ex[i].kind], "po", w->po,
			    wf_buf_str(&k->shown), NULL, w->notes[k->ex[i].kind]);
	}
	return rc;
}

/* An open exception of a PO that is no longer open. */
static int
po_gone(struct sup *k, const struct scan_ex *e)
{
	static const char sql[] = "SELECT state FROM po WHERE 'PO-' || id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(k->s->db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, e->ref);
	if ((rc = wf_db_step(k->s->db, st)) < 0)
		return rc;
	wf_buf_reset(&k->note);
	if (rc == 1) {
		rc = wf_buf_addf(&k->note, "%s %s", e->ref, wf_col_text(st, 0));
		wf_stmt_reset(st);
	} else
		rc = wf_buf_addf(&k->note, "%s is no longer a PO", e->ref);
	if (rc != 0)
		return oom();
	if ((rc = shown(&k->shown, "po", e->ref)) != 0)
		return rc;
	return scan_clear(k->s, wf_po_kinds[e->kind], "po", e->ref, wf_buf_str(&k->shown),
	    NULL, wf_buf_str(&k->note));
}

static int
scan_pos(struct sup *k)
{
	size_t i;
	int rc;

	if ((rc = scan_existing(k->s, wf_po_kinds, "po", &k->ex, &k->nex)) != 0)
		return rc;
	wf_sort(k->ex, k->nex, sizeof *k->ex, ex_cmp);
	if ((k->seen = calloc(k->nex ? k->nex : 1, 1)) == NULL)
		return oom();
	if ((rc = wf_po_watch_each(k->s->db, on_po, k)) != 0)
		return rc;
	for (i = 0; i < k->nex && rc == 0; i++)
		if (!k->seen[i] && k->ex[i].open)
			rc = po_gone(k, &k->ex[i]);
	return rc;
}

/* ---- lead-time drift ----------------------------------------------------- */

struct receipt {
	int64_t po, sent, first;
};

struct drift {
	char    code[72];
	int64_t stated;                /* days */
	struct receipt *r;             /* within the window, by first receipt */
	size_t  n, cap;
};

static int
secs_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int
receipt_cmp(const void *a, const void *b)
{
	const struct receipt *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first ? 1 :
	    x->po < y->po ? -1 : x->po > y->po;
}

/* The median of D's lead times, in seconds (the lower middle of an even
 * count, so the number is one a receipt took). */
static int
median(const struct drift *d, int64_t *out)
{
	int64_t *v = malloc((d->n ? d->n : 1) * sizeof *v);
	size_t i;

	if (v == NULL)
		return oom();
	for (i = 0; i < d->n; i++)
		v[i] = d->r[i].first - d->r[i].sent;
	wf_sort(v, d->n, sizeof *v, secs_cmp);
	*out = d->n ? v[(d->n - 1) / 2] : 0;
	free(v);
	return 0;
}

/* Days with one place, as text: 12.5. */
static void
days_text(char out[32], int64_t secs)
{
	int64_t tenths = (secs * 10 + DAY / 2) / DAY;

	snprintf(out, 32, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* How much slower than stated, in seconds, a median must be to drift
 * (OPEN) or to stay drifted (!OPEN: half the margin). */
static int64_t
threshold(const struct drift *d, int64_t pct, int open)
{
	int64_t margin = d->stated * DAY * pct / 100;

	if (margin < DAY)
		margin = DAY;
	return d->stated * DAY + (open ? margin : margin / 2);
}

static int
drift_raise(struct sup *k, const struct drift *d, int64_t med)
{
	char md[32], t[WF_TIME_LEN];
	cJSON *ev = cJSON_CreateObject(), *list = cJSON_CreateArray();
	struct scan_want w;
	wf_buf next = {0};
	int64_t id, need = (med + DAY - 1) / DAY;
	size_t i;
	int rc = 0;

	if (ev == NULL || list == NULL) {
		cJSON_Delete(ev);
		cJSON_Delete(list);
		return oom();
	}
	days_text(md, med);
	rc |= wf_jadd_str(ev, "supplier", d->code);
	rc |= wf_jadd_int(ev, "stated_days", d->stated);
	rc |= wf_jadd_str(ev, "median_days", md);
	rc |= wf_jadd_int(ev, "window_days", WF_SCAN_DRIFT_DAYS);
	for (i = 0; i < d->n; i++) {
		char lt[32], key[32];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			rc = 1;
			break;
		}
		snprintf(key, sizeof key, "PO-%lld", (long long)d->r[i].po);
		days_text(lt, d->r[i].first - d->r[i].sent);
		rc |= wf_jadd_str(o, "po", key);
		wf_time_format(d->r[i].sent, t);
		rc |= wf_jadd_str(o, "sent_at", t);
		wf_time_format(d->r[i].first, t);
		rc |= wf_jadd_str(o, "first_receipt", t);
		rc |= wf_jadd_str(o, "days", lt);
	}
	rc |= wf_jadd_item(ev, "receipts", list);
	rc |= wf_buf_addf(&next, "Ask %s why deliveries take longer, or plan with what they "
	    "take: wf-po supplier add %s --lead-time %lld (the last %zu receipts took a median "
	    "of %s days, %lld stated)", d->code, d->code, (long long)need, d->n, md,
	    (long long)d->stated);
	if (rc != 0 || (rc = shown(&k->shown, "supplier", d->code)) != 0) {
		cJSON_Delete(ev);
		wf_buf_free(&next);
		return rc ? rc : oom();
	}
	memset(&w, 0, sizeof w);
	w.raise.kind = drift_kinds[0];
	w.raise.subject_type = "supplier";
	w.raise.subject_ref = d->code;
	w.raise.evidence = ev;
	w.raise.next_action = wf_buf_str(&next);
	w.raise.owner = WF_SCAN_OWNER;
	w.raise.has_priority = 1;
	/* no money or units at stake yet: a planning fault, worked after the
	 * POs and orders at risk */
	w.raise.priority = WF_SCAN_DRIFT_PRIORITY;
	w.shown = wf_buf_str(&k->shown);
	rc = scan_raise(k->s, &w, &id);
	cJSON_Delete(ev);
	wf_buf_free(&next);
	return rc;
}

static int
drift_clear(struct sup *k, const char *code, const char *note)
{
	int rc;

	if ((rc = shown(&k->shown, "supplier", code)) != 0)
		return rc;
	return scan_clear(k->s, drift_kinds[0], "supplier", code, wf_buf_str(&k->shown),
	    NULL, note);
}

/* Judge supplier D: *OPEN says whether its exception is open now. */
static int
drift_judge(struct sup *k, struct drift *d, int open)
{
	int64_t pct = k->s->o->drift_pct, med = 0;
	char md[32];
	int rc;

	wf_sort(d->r, d->n, sizeof *d->r, receipt_cmp);
	if ((rc = median(d, &med)) != 0)
		return rc;
	if (d->n >= WF_SCAN_DRIFT_MIN && med > threshold(d, pct, 1))
		return drift_raise(k, d, med);
	if (!open)
		return 0;
	if (d->n >= WF_SCAN_DRIFT_MIN && med > threshold(d, pct, 0))
		return drift_raise(k, d, med);     /* within the band: stays, kept current */
	wf_buf_reset(&k->note);
	days_text(md, med);
	if (d->n < WF_SCAN_DRIFT_MIN)
		rc = wf_buf_addf(&k->note, "%s: %zu receipt%s in the last %d days, too few to "
		    "measure (%d needed)", d->code, d->n, d->n == 1 ? "" : "s",
		    WF_SCAN_DRIFT_DAYS, WF_SCAN_DRIFT_MIN);
	else
		rc = wf_buf_addf(&k->note, "%s's median lead time is %s days again, within "
		    "%lld%% of the %lld stated", d->code, md, (long long)(pct / 2),
		    (long long)d->stated);
	return rc ? oom() : drift_clear(k, d->code, wf_buf_str(&k->note));
}

static int
scan_drift(struct sup *k)
{
	static const char sql[] =
	    "SELECT s.code, s.lead_time_days, p.id, p.sent_at,"
	    " (SELECT min(m.at) FROM movement m WHERE m.holder = 'PO-' || p.id"
	    "  AND m.action = 'receive')"
	    " FROM supplier s LEFT JOIN po p ON p.supplier_id = s.id AND p.sent_at IS NOT NULL"
	    "  AND (p.state = 'partially_received' OR p.state = 'received' OR p.state = 'closed')"
	    " ORDER BY s.code, p.id";
	struct scan_ex *ex = NULL;
	size_t nex = 0, i;
	struct drift d;
	int64_t since = wf_db_now(k->s->db) - (int64_t)WF_SCAN_DRIFT_DAYS * DAY;
	wf_stmt *st;
	int rc, more;

	memset(&d, 0, sizeof d);
	if ((rc = scan_existing(k->s, drift_kinds, "supplier", &ex, &nex)) != 0)
		goto out;
	if ((rc = wf_db_stmt(k->s->db, &st, sql)) != 0)
		goto out;
	/* judging a supplier while the rows are read: it writes the exception
	 * and event tables, which this statement does not read */
	do {
		struct receipt r;
		const char *code = NULL;

		if ((more = rc = wf_db_step(k->s->db, st)) < 0)
			goto out;
		if (more)
			code = wf_col_text(st, 0);
		if (d.code[0] && (!more || strcmp(code, d.code) != 0)) {
			int open = 0;
			for (i = 0; i < nex; i++)
				if (strcmp(ex[i].ref, d.code) == 0)
					open = ex[i].open;
			if ((rc = drift_judge(k, &d, open)) != 0) {
				if (more)
					wf_stmt_reset(st);
				goto out;
			}
			d.code[0] = '\0';
			d.n = 0;
		}
		if (!more)
			break;
		if (d.code[0] == '\0') {
			wf_strlcpy(d.code, code, sizeof d.code);
			d.stated = wf_col_int(st, 1);
		}
		if (wf_col_null(st, 2) || wf_col_null(st, 4) ||
		    wf_time_parse(wf_col_text(st, 3), &r.sent) != 0 ||
		    wf_time_parse(wf_col_text(st, 4), &r.first) != 0 ||
		    r.first < since || r.first < r.sent)
			continue;
		r.po = wf_col_int(st, 2);
		if (d.n == d.cap) {
			size_t cap = d.cap ? d.cap * 2 : 16;
			struct receipt *p = realloc(d.r, cap * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				rc = oom();
				goto out;
			}
			d.r = p;
			d.cap = cap;
		}
		d.r[d.n++] = r;
	} while (more);
	rc = 0;
out:
	free(d.r);
	scan_ex_free(ex, nex);
	return rc;
}

int
scan_supplier(struct scan *s)
{
	struct sup k;
	int rc;

	memset(&k, 0, sizeof k);
	k.s = s;
	if ((rc = scan_pos(&k)) == 0)
		rc = scan_drift(&k);
	scan_ex_free(k.ex, k.nex);
	free(k.seen);
	wf_buf_free(&k.shown);
	wf_buf_free(&k.note);
	return rc;
}
