/* scan_stock.c - the stock scan: for each SKU at each warehouse, the
 * stock-risk numbers (wf_risk.h) decide which of the six stock kinds is
 * in the queue, with the hysteresis that keeps it from flapping, its
 * priority, evidence, impact and next action, and the note that resolves
 * it.
 *
 * At most one stock exception of a SKU at a warehouse is unresolved after
 * a scan: the most urgent of the line's status and the kinds already open
 * that have not cleared.  A kind opens when its condition holds; it
 * resolves when the condition is back past its threshold by the margin
 * (--hysteresis percent of the reorder point, at least one unit), or when
 * a more urgent kind takes over (superseded); in between it stays as it is,
 * its numbers brought up to date.
 *
 * The risk walk reads as it goes, inside a read: the lines that open,
 * update or resolve something (those at risk and those with a stock
 * exception in the queue: a few percent) are kept, copied, and judged
 * after it, in the same order.
 *
 * No table of its own; it reads through the risk module and writes
 * through the exception module (scan_priv.h).
 */
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_risk.h"
#include "wf_time.h"

#define DAY 86400
#define SEP '@'                /* "SKU@WH": see wf_scan.h */

const char *const wf_scan_stock_kinds[] = {
	"stockout_now", "stockout_before_po", "order_by_passed", "below_reorder_point",
	"orders_short", "overstock", NULL
};

enum { HOLDS, BAND, CLEARED };

struct stock {
	struct scan    *s;
	struct scan_ex *ex;            /* sorted by SKU, warehouse, kind */
	size_t          nex, at;
	size_t          seen;          /* k->ex up to here: before the kept lines */
	struct wf_risk *kept;          /* the lines judged after the walk */
	size_t          nkept, capkept;
	wf_buf          ref, shown, text, note, top_note;
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- the exceptions in the queue ---------------------------------------- */

/* Split "SKU@WH" at its last '@': ex->ref keeps the SKU, key2 the
 * warehouse.  0, or -1 for a subject that is not one of ours. */
static int
split_ref(struct scan_ex *e)
{
	char *at = strrchr(e->ref, SEP);

	if (at == NULL || at == e->ref || at[1] == '\0')
		return -1;
	if ((e->key2 = strdup(at + 1)) == NULL)
		return oom();
	*at = '\0';
	return 0;
}

static int
ex_cmp(const void *a, const void *b)
{
	const struct scan_ex *x = a, *y = b;
	int c = strcmp(x->ref, y->ref);

	if (c == 0)
		c = strcmp(x->key2, y->key2);
	return c ? c : x->kind - y->kind;
}

static int
load_existing(struct stock *k)
{
	size_t i, n = 0;
	int rc;

	if ((rc = scan_existing(k->s, wf_scan_stock_kinds, "sku", &k->ex, &k->nex)) != 0)
		return rc;
	for (i = 0; i < k->nex; i++) {
		if ((rc = split_ref(&k->ex[i])) == WF_ENOMEM)
			return rc;
		if (rc == 0)
			k->ex[n++] = k->ex[i];
		else
			free(k->ex[i].ref);
	}
	k->nex = n;
	wf_sort(k->ex, k->nex, sizeof *k->ex, ex_cmp);
	return 0;
}

/* The subject of SKU at WH: its key "SKU@WH" and how it is printed. */
static int
subject(struct stock *k, const char *sku, const char *wh)
{
	wf_buf_reset(&k->ref);
	wf_buf_reset(&k->shown);
	if (wf_buf_addf(&k->ref, "%s%c%s", sku, SEP, wh) != 0 ||
	    wf_buf_addf(&k->shown, "sku %s", sku) != 0)
		return oom();
	return 0;
}

/* ---- the rules ------------------------------------------------------------- */

static void
date(char out[11], int64_t day)
{
	wf_date_format(day * DAY, out);
}

/* Hundredths of a unit as whole units, rounded down. */
static long long
units(int64_t e)
{
	return (long long)(e >= 0 ? e / 100 : -((-e + 99) / 100));
}

static int64_t
lead_days(const struct wf_risk *r)
{
	return (r->lt10 + 9) / 10;
}

/* The hysteresis margin: PCT of the reorder point, at least one unit. */
static int64_t
margin(const struct wf_risk *r, int64_t pct)
{
	__int128 m = ((__int128)r->reorder_point * pct + 99) / 100;

	return m < 1 ? 1 : m > INT64_MAX / 200 ? INT64_MAX / 200 : (int64_t)m;
}

/* Whether kind K holds for R, is back past its threshold by M units
 * (CLEARED, with the reason in NOTE), or is in between (BAND). */
static int
judge(int k, const struct wf_risk *r, int64_t m, int64_t overstock_days, wf_buf *note)
{
	int64_t left = r->available - r->waiting;
	char d[11];
	int rc = 0;

	wf_buf_reset(note);
	if (r->holds & (1u << k))
		return HOLDS;
	switch (k) {
	case WF_RISK_STOCKOUT_NOW:
		if (!r->demand)
			rc = wf_buf_addf(note, "nothing wants %s at %s any more: no demand and no "
			    "waiting orders", r->sku, r->warehouse);
		else if (r->now0 >= m * 100)
			rc = wf_buf_addf(note, "%lld available after the orders due today, past 0 "
			    "by at least %lld", units(r->now0), (long long)m);
		else
			return BAND;
		break;
	case WF_RISK_STOCKOUT_BEFORE_PO:
		if (r->on_order == 0 && r->overdue_on_order == 0)
			rc = wf_buf_addf(note, "nothing of %s is on order for %s any more", r->sku,
			    r->warehouse);
		else if (r->low_before >= m * 100) {
			if (r->has_next_receipt)
				date(d, r->next_receipt_day);
			rc = wf_buf_addf(note, "%s no longer runs out before the next receipt: "
			    "%lld left at the lowest%s%s, at least %lld", r->sku, units(r->low_before),
			    r->has_next_receipt ? " before " : "", r->has_next_receipt ? d : "",
			    (long long)m);
		} else
			return BAND;
		break;
	case WF_RISK_ORDER_BY_PASSED:
		if (r->low_lead >= m * 100) {
			char lt[32];
			snprintf(lt, sizeof lt, "%lld.%lld", (long long)(r->lt10 / 10),
			    (long long)(r->lt10 % 10));
			rc = wf_buf_addf(note, "an order placed today lands in time: %lld left at the "
			    "lowest within the lead time of %s days, at least %lld",
			    r->low_lead == INT64_MAX ? 0LL : units(r->low_lead), lt, (long long)m);
		} else
			return BAND;
		break;
	case WF_RISK_BELOW_REORDER_POINT:
		if (r->d_used == 0)
			rc = wf_buf_addf(note, "no demand to reorder for (%s)", r->no_history ?
			    "too little history" : "none shipped on the in-stock days");
		else if (r->position - r->reorder_point >= m)
			rc = wf_buf_addf(note, "position %lld is above the reorder point %lld by %lld, "
			    "at least %lld", (long long)r->position, (long long)r->reorder_point,
			    (long long)(r->position - r->reorder_point), (long long)m);
		else
			return BAND;
		break;
	case WF_RISK_ORDERS_SHORT:
		if (r->slack == INT64_MAX)
			rc = wf_buf_addf(note, "no orders wait for %s at %s", r->sku, r->warehouse);
		else if (r->slack >= m)
			rc = wf_buf_addf(note, "every waiting order is met by its promise, with %lld "
			    "to spare, at least %lld", (long long)r->slack, (long long)m);
		else
			return BAND;
		break;
	case WF_RISK_OVERSTOCK:
		if (left <= 0)
			rc = wf_buf_addf(note, "no stock left beyond the waiting orders");
		else if (r->d_used > 0 &&
		    (__int128)overstock_days * r->d_used - (__int128)left * 100 >= (__int128)m * 100)
			rc = wf_buf_addf(note, "cover %lld.%lld days, under the limit of %lld days by "
			    "at least %lld unit%s", (long long)(r->cover10 / 10),
			    (long long)(r->cover10 % 10), (long long)overstock_days, (long long)m,
			    m == 1 ? "" : "s");
		else
			return BAND;
		break;
	default:
		return BAND;
	}
	return rc ? oom() : CLEARED;
}

/* impact x urgency: the impact's points (money, orders and units of the
 * queue's formula, 0-75) plus 25, times the urgency, 10% to 100%, of the
 * days to the stockout against the lead time. */
static int
priority(const struct wf_risk *r, const struct wf_impact *im)
{
	struct wf_impact i = *im;
	int64_t s, l = lead_days(r) > 0 ? lead_days(r) : 1;
	int u;

	i.has_due = 0;
	if (!r->has_stockout)
		u = 10;
	else {
		s = r->stockout_day - r->today;
		u = s <= 0 ? 100 : s <= l ? 80 : 2 * s <= 3 * l ? 60 : s <= 2 * l ? 40 : 20;
	}
	return ((25 + wf_exception_priority(&i, 0)) * u + 50) / 100;
}

/* What bridges the gap before the next receipt: the units the projection
 * lacks at its lowest before it, plus the safety stock; at least one. */
static long long
bridge(const struct wf_risk *r)
{
	__int128 u = r->low_before < 0 ? ((__int128)-r->low_before + 99) / 100 : 0;

	u += r->safety_stock;
	return u < 1 ? 1 : u > WF_JSON_INT_MAX ? (long long)WF_JSON_INT_MAX : (long long)u;
}

/* "from ACME", or a word on the missing supplier. */
static const char *
from_whom(const struct wf_risk *r, wf_buf *b)
{
	wf_buf_reset(b);
	if (r->supplier)
		wf_buf_addf(b, "from %s", r->supplier);
	else
		wf_buf_adds(b, "(no supplier on record: none of its POs names one)");
	return wf_buf_str(b);
}

static int
next_action(int k, const struct wf_risk *r, int64_t overstock_days, wf_buf *out)
{
	char so[11], nr[11], ob[11], fs[11];
	wf_buf who = {0};
	const char *from = from_whom(r, &who);
	long long qty = (long long)r->order_qty;
	int rc;

	if (r->has_stockout)
		date(so, r->stockout_day);
	if (r->has_next_receipt)
		date(nr, r->next_receipt_day);
	if (r->has_order_by)
		date(ob, r->order_by_day);
	if (r->units_short)
		date(fs, r->first_short_day);
	wf_buf_reset(out);
	switch (k) {
	case WF_RISK_STOCKOUT_NOW:
		if (r->next_po)
			rc = wf_buf_addf(out, "Expedite PO-%lld %s or move %s to %s from another "
			    "warehouse: %lld available, %lld waiting, next receipt %s",
			    (long long)r->next_po, from, r->sku, r->warehouse, (long long)r->available,
			    (long long)r->waiting, nr);
		else if (r->overdue_po)
			rc = wf_buf_addf(out, "Chase PO-%lld %s, overdue: %s is out at %s (%lld "
			    "available, %lld waiting)", (long long)r->overdue_po, from, r->sku,
			    r->warehouse, (long long)r->available, (long long)r->waiting);
		else
			rc = wf_buf_addf(out, "Order %lld %s %s today, or move stock to %s: %lld "
			    "available, %lld waiting, nothing on order", qty, r->sku, from,
			    r->warehouse, (long long)r->available, (long long)r->waiting);
		break;
	case WF_RISK_STOCKOUT_BEFORE_PO:
		/* a bridge order covers the days to a known receipt; when what is
		 * on order is overdue there is no such day, and the overdue PO is
		 * what a person can act on */
		if (r->has_next_receipt && r->has_order_by && r->order_by_day >= r->today)
			rc = wf_buf_addf(out, "Order %lld %s %s %s%s: runs out on %s, next receipt %s",
			    bridge(r), r->sku, from, r->order_by_day == r->today ? "today" : "by ",
			    r->order_by_day == r->today ? "" : ob, so, nr);
		else if (r->next_po)
			rc = wf_buf_addf(out, "Expedite PO-%lld %s or move %s to %s: runs out on %s, "
			    "next receipt %s", (long long)r->next_po, from, r->sku, r->warehouse, so, nr);
		else
			rc = wf_buf_addf(out, "Chase PO-%lld %s, overdue: %s runs out at %s on %s",
			    (long long)r->overdue_po, from, r->sku, r->warehouse, so);
		break;
	case WF_RISK_ORDER_BY_PASSED:
		rc = wf_buf_addf(out, "Order %lld %s %s today: runs out on %s, the last day to "
		    "order was %s", qty, r->sku, from, so, ob);
		break;
	case WF_RISK_BELOW_REORDER_POINT:
		rc = wf_buf_addf(out, "Order %lld %s %s %s%s: position %lld is at or below the "
		    "reorder point %lld", qty, r->sku, from,
		    r->has_order_by && r->order_by_day > r->today ? "by " : "today",
		    r->has_order_by && r->order_by_day > r->today ? ob : "",
		    (long long)r->position, (long long)r->reorder_point);
		break;
	case WF_RISK_ORDERS_SHORT:
		if (r->next_po)
			rc = wf_buf_addf(out, "Move %lld %s to %s or expedite PO-%lld %s: %lld "
			    "order%s short by the promise, the first due %s",
			    (long long)r->units_short, r->sku, r->warehouse, (long long)r->next_po,
			    from, (long long)r->orders_short, r->orders_short == 1 ? " is" : "s are",
			    fs);
		else
			rc = wf_buf_addf(out, "Get %lld %s to %s by %s, moved from another warehouse "
			    "or ordered %s: %lld order%s short by the promise",
			    (long long)r->units_short, r->sku, r->warehouse, fs, from,
			    (long long)r->orders_short, r->orders_short == 1 ? " is" : "s are");
		break;
	default:
		if (r->has_cover)
			rc = wf_buf_addf(out, "Stop reordering %s for %s, or move stock elsewhere: "
			    "%lld.%lld days of cover, over the limit of %lld", r->sku, r->warehouse,
			    (long long)(r->cover10 / 10), (long long)(r->cover10 % 10),
			    (long long)overstock_days);
		else
			rc = wf_buf_addf(out, "Stop reordering %s for %s, or move stock elsewhere: "
			    "%lld units and none shipped on the %lld in-stock days", r->sku,
			    r->warehouse, (long long)(r->available - r->waiting),
			    (long long)r->in_stock_days);
		break;
	}
	wf_buf_free(&who);
	return rc ? oom() : 0;
}

/* Open or update kind K for R; *id its exception (0 when left dismissed). */
static int
raise_kind(struct stock *k, int kind, const struct wf_risk *r, int64_t m, int64_t *id)
{
	struct scan_want w;
	cJSON *ev;
	int rc;

	memset(&w, 0, sizeof w);
	if ((ev = wf_risk_record(r)) == NULL)
		return oom();
	cJSON_DeleteItemFromObjectCaseSensitive(ev, "type");
	if (wf_jadd_int(ev, "margin", m) != 0 || (rc = next_action(kind, r, k->s->o->risk.overstock_days, &k->text)) != 0) {
		cJSON_Delete(ev);
		return oom();
	}
	w.raise.kind = wf_scan_stock_kinds[kind];
	w.raise.subject_type = "sku";
	w.raise.subject_ref = wf_buf_str(&k->ref);
	w.raise.evidence = ev;
	w.raise.impact.money = r->revenue_at_risk;
	wf_strlcpy(w.raise.impact.currency, r->currency, sizeof w.raise.impact.currency);
	w.raise.impact.units = r->units_short;
	w.raise.impact.orders = r->orders_short;
	w.raise.impact.has_due = r->has_stockout;
	w.raise.impact.due_at = r->stockout_day * DAY;
	w.raise.next_action = wf_buf_str(&k->text);
	w.raise.owner = WF_SCAN_OWNER;
	w.raise.has_priority = 1;
	w.raise.priority = priority(r, &w.raise.impact);
	w.shown = wf_buf_str(&k->shown);
	w.warehouse = r->warehouse;
	rc = scan_raise(k->s, &w, id);
	cJSON_Delete(ev);
	return rc;
}

static int
clear_kind(struct stock *k, int kind, const char *wh, const char *note)
{
	return scan_clear(k->s, wf_scan_stock_kinds[kind], "sku", wf_buf_str(&k->ref),
	    wf_buf_str(&k->shown), wh, note);
}

/* A SKU at a warehouse with no risk line any more: nothing there, nothing
 * waiting, nothing coming. */
static int
gone(struct stock *k, const struct scan_ex *e)
{
	int rc;

	if (!e->open)
		return 0;
	if ((rc = subject(k, e->ref, e->key2)) != 0)
		return rc;
	wf_buf_reset(&k->note);
	if (wf_buf_addf(&k->note, "no stock, movements, waiting orders or open POs of %s at "
	    "%s any more", e->ref, e->key2) != 0)
		return oom();
	return clear_kind(k, e->kind, e->key2, wf_buf_str(&k->note));
}

static int
pos_cmp(const struct scan_ex *e, const struct wf_risk *r)
{
	int c = strcmp(e->ref, r->sku);

	return c ? c : strcmp(e->key2, r->warehouse);
}

static int
on_line(const struct wf_risk *r, void *arg)
{
	struct stock *k = arg;
	const struct scan_ex *mine[WF_RISK_NKINDS];
	int64_t m = margin(r, k->s->o->hysteresis_pct), top_id = 0;
	int judged[WF_RISK_NKINDS], want, top, i, rc, any = 0;

	for (; k->at < k->nex && pos_cmp(&k->ex[k->at], r) < 0; k->at++)
		if ((rc = gone(k, &k->ex[k->at])) != 0)
			return rc;
	memset(mine, 0, sizeof mine);
	for (; k->at < k->nex && pos_cmp(&k->ex[k->at], r) == 0; k->at++) {
		mine[k->ex[k->at].kind] = &k->ex[k->at];
		any |= k->ex[k->at].open;
	}
	want = r->status < WF_RISK_NKINDS ? r->status : -1;
	if (want >= 0 && mine[want] && mine[want]->dismissed)
		want = -1;              /* not a problem, the operator said */
	if (want < 0 && !any)
		return 0;
	if ((rc = subject(k, r->sku, r->warehouse)) != 0)
		return rc;
	/* the most urgent of what holds and what has not cleared */
	top = want;
	for (i = 0; i < WF_RISK_NKINDS; i++) {
		judged[i] = CLEARED;
		if (mine[i] == NULL || !mine[i]->open)
			continue;
		if ((judged[i] = judge(i, r, m, k->s->o->risk.overstock_days, &k->note)) < 0)
			return judged[i];
		if (judged[i] != CLEARED && (top < 0 || i < top))
			top = i;
	}
	if (top >= 0 && (rc = raise_kind(k, top, r, m, &top_id)) != 0)
		return rc;
	for (i = 0; i < WF_RISK_NKINDS; i++) {
		if (i == top || mine[i] == NULL || !mine[i]->open)
			continue;
		wf_buf_reset(&k->top_note);
		if (judged[i] == CLEARED) {
			if ((rc = judge(i, r, m, k->s->o->risk.overstock_days, &k->top_note)) < 0)
				return rc;
		} else if (wf_buf_addf(&k->top_note, "superseded by %s (EX-%lld)",
		    wf_scan_stock_kinds[top], (long long)top_id) != 0)
			return oom();
		if ((rc = clear_kind(k, i, r->warehouse, wf_buf_str(&k->top_note))) != 0)
			return rc;
	}
	return 0;
}

static char *
keep_str(const char *s, int *bad)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		*bad = 1;
	return p;
}

static void
kept_free(struct wf_risk *r)
{
	free((char *)r->sku);
	free((char *)r->warehouse);
	free((char *)r->currency);
	free((char *)r->sku_state);
	free((char *)r->supplier);
}

/* During the walk: keep a copy of R when on_line() would do anything with
 * it: its status is a stock kind, or the queue has an exception of its SKU
 * and warehouse. */
static int
keep_line(const struct wf_risk *r, void *arg)
{
	struct stock *k = arg;
	struct wf_risk *c;
	int mine = 0, bad = 0;

	for (; k->seen < k->nex && pos_cmp(&k->ex[k->seen], r) < 0; k->seen++)
		;
	for (; k->seen < k->nex && pos_cmp(&k->ex[k->seen], r) == 0; k->seen++)
		mine = 1;
	if (!mine && r->status >= WF_RISK_NKINDS)
		return 0;
	if (k->nkept == k->capkept) {
		size_t cap = k->capkept ? 2 * k->capkept : 256;
		struct wf_risk *v = realloc(k->kept, cap * sizeof *v);
		if (v == NULL)
			return oom();
		k->kept = v;
		k->capkept = cap;
	}
	c = &k->kept[k->nkept];
	*c = *r;
	c->sku = keep_str(r->sku, &bad);
	c->warehouse = keep_str(r->warehouse, &bad);
	c->currency = keep_str(r->currency, &bad);
	c->sku_state = keep_str(r->sku_state, &bad);
	c->supplier = keep_str(r->supplier, &bad);
	if (bad) {
		kept_free(c);
		return oom();
	}
	k->nkept++;
	return 0;
}

int
scan_stock(struct scan *s)
{
	struct stock k;
	size_t i;
	int rc;

	memset(&k, 0, sizeof k);
	k.s = s;
	if ((rc = load_existing(&k)) == 0 &&
	    (rc = wf_risk_each(s->db, &s->o->risk, keep_line, &k)) == 0) {
		for (i = 0; i < k.nkept && rc == 0; i++)
			rc = on_line(&k.kept[i], &k);
		for (; k.at < k.nex && rc == 0; k.at++)
			rc = gone(&k, &k.ex[k.at]);
	}
	for (i = 0; i < k.nkept; i++)
		kept_free(&k.kept[i]);
	free(k.kept);
	scan_ex_free(k.ex, k.nex);
	wf_buf_free(&k.ref);
	wf_buf_free(&k.shown);
	wf_buf_free(&k.text);
	wf_buf_free(&k.note);
	wf_buf_free(&k.top_note);
	return rc;
}
