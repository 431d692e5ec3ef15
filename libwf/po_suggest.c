/* po_suggest.c - reorder suggestions (`wf-po suggest`), from the stock-risk
 * numbers of risk.c, and the draft purchase orders made from them
 * (`wf-po create --from-suggestions`) through po.c's wf_po_create.  It
 * touches no table itself: the numbers come through wf_risk.h, the SKU's
 * cost through wf_catalog.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_batch.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_po.h"
#include "wf_risk.h"
#include "wf_supplier.h"
#include "wf_text.h"
#include "wf_time.h"

#define DAY 86400

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- suggest ------------------------------------------------------------------ */

struct sug {
	char   *sku, *warehouse, *supplier;      /* supplier NULL: none known */
	int64_t qty, position, reorder_point, target;
	int64_t order_by_day, expected_day;      /* expected_day < 0: no lead time */
	int     reason;
};

struct sug_set {
	wf_db  *db;
	const struct wf_po_suggest_opts *o;
	struct sug *v;
	size_t n, cap;
};

/* Units of demand D100 (hundredths a day) over LT10 tenths of a day plus
 * COVER days, rounded up. */
static int64_t
demand_over(int64_t d100, int64_t lt10, int64_t cover)
{
	__int128 h = (__int128)d100 * (lt10 + cover * 10);   /* thousandths */
	__int128 u = (h + 999) / 1000;

	return u > WF_JSON_INT_MAX ? WF_JSON_INT_MAX : (int64_t)u;
}

static int
collect(const struct wf_risk *r, void *arg)
{
	struct sug_set *s = arg;
	struct sug *g;
	int64_t lt10, target, qty;
	__int128 t;

	/* an order is due when the position is at or below the reorder point,
	 * for a SKU that may be ordered */
	if (strcmp(r->sku_state, "active") != 0 || r->position > r->reorder_point)
		return 0;
	if (s->o->supplier && (r->supplier == NULL || strcmp(r->supplier, s->o->supplier) != 0))
		return 0;
	lt10 = r->has_lead_time ? r->lt10 : WF_RISK_UNKNOWN_LEAD * 10;
	t = (__int128)demand_over(r->d_used, lt10, s->o->cover_days) + r->safety_stock;
	target = t > WF_JSON_INT_MAX ? WF_JSON_INT_MAX : (int64_t)t;
	t = (__int128)target - r->position;
	qty = t > WF_JSON_INT_MAX ? WF_JSON_INT_MAX : (int64_t)t;
	if (qty <= 0)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct sug *p = realloc(s->v, cap * sizeof *p);
		if (p == NULL)
			return oom();
		s->v = p;
		s->cap = cap;
	}
	g = &s->v[s->n];
	memset(g, 0, sizeof *g);
	g->sku = strdup(r->sku);
	g->warehouse = strdup(r->warehouse);
	g->supplier = r->supplier ? strdup(r->supplier) : NULL;
	if (g->sku == NULL || g->warehouse == NULL || (r->supplier && g->supplier == NULL)) {
		free(g->sku);
		free(g->warehouse);
		free(g->supplier);
		return oom();
	}
	s->n++;
	g->qty = qty;
	g->position = r->position;
	g->reorder_point = r->reorder_point;
	g->target = target;
	/* the day it should be ordered by: today, or the day that has passed */
	g->order_by_day = r->has_order_by && r->order_by_day < r->today ? r->order_by_day :
	    r->today;
	g->expected_day = r->has_lead_time ? r->today + (r->lt10 + 9) / 10 : -1;
	g->reason = r->status < WF_RISK_OVERSTOCK ? r->status : WF_RISK_BELOW_REORDER_POINT;
	return 0;
}

/* Supplier (none last), then warehouse, then SKU. */
static int
by_supplier(const void *a, const void *b)
{
	const struct sug *x = a, *y = b;
	int c;

	if ((x->supplier == NULL) != (y->supplier == NULL))
		return x->supplier == NULL ? 1 : -1;
	if (x->supplier && (c = strcmp(x->supplier, y->supplier)) != 0)
		return c;
	if ((c = strcmp(x->warehouse, y->warehouse)) != 0)
		return c;
	return strcmp(x->sku, y->sku);
}

static void
date_add(cJSON *r, const char *key, int64_t day, int *k)
{
	char d[11];

	if (day < 0) {
		*k |= wf_jadd_null(r, key);
		return;
	}
	wf_date_format(day * DAY, d);
	*k |= wf_jadd_str(r, key, d);
}

static int
emit(wf_db *db, const struct sug *g, int64_t cover, wf_out *out)
{
	struct wf_sku_info info;
	cJSON *r;
	int64_t cost = 0, value = 0;
	int has_cost, k = 0, rc;

	if ((rc = wf_sku_find(db, &info, g->sku)) != 0)
		return rc;
	has_cost = info.has_cost || info.has_avg_cost;
	cost = info.has_cost ? info.cost : info.avg_cost;
	if (has_cost && wf_money_mul(cost, g->qty, &value) != 0)
		return wf_error_set(WF_EREFUSED, "%s: the value of %lld units is out of range",
		    g->sku, (long long)g->qty);
	if ((r = wf_jrecord("suggestion")) == NULL)
		return oom();
	k |= wf_jadd_str(r, "sku", g->sku);
	k |= wf_jadd_str(r, "warehouse", g->warehouse);
	k |= wf_jadd_str(r, "supplier", g->supplier);
	k |= wf_jadd_int(r, "qty", g->qty);
	date_add(r, "order_by", g->order_by_day, &k);
	date_add(r, "expected", g->expected_day, &k);
	k |= wf_jadd_str(r, "reason", wf_risk_status_name(g->reason));
	if (has_cost) {
		k |= wf_jadd_money(r, "unit_cost", cost, info.currency);
		k |= wf_jadd_money(r, "value", value, info.currency);
	} else {
		k |= wf_jadd_null(r, "unit_cost");
		k |= wf_jadd_null(r, "value");
	}
	k |= wf_jadd_str(r, "currency", info.currency);
	k |= wf_jadd_int(r, "position", g->position);
	k |= wf_jadd_int(r, "reorder_point", g->reorder_point);
	k |= wf_jadd_int(r, "target", g->target);
	k |= wf_jadd_int(r, "cover_days", cover);
	if (k) {
		cJSON_Delete(r);
		return oom();
	}
	return wf_out_emit(out, r);
}

int
wf_po_suggest(wf_db *db, const struct wf_po_suggest_opts *o, wf_out *out)
{
	struct wf_risk_opts ro;
	struct sug_set s = { db, o, NULL, 0, 0 };
	size_t i;
	int rc = 0;

	if (o->cover_days < 1 || o->cover_days > 365)
		return wf_error_set(WF_EUSAGE, "--cover-days: expected 1 to 365 days, got %lld",
		    (long long)o->cover_days);
	if (o->supplier) {
		struct wf_supplier_info sup;
		if ((rc = wf_supplier_find(db, &sup, o->supplier)) != 0)
			return rc;
	}
	wf_risk_defaults(&ro);
	ro.warehouse = o->warehouse;
	if ((rc = wf_risk_each(db, &ro, collect, &s)) == 0) {
		wf_sort(s.v, s.n, sizeof *s.v, by_supplier);
		for (i = 0; i < s.n && rc == 0; i++)
			rc = emit(db, &s.v[i], o->cover_days, out);
	}
	for (i = 0; i < s.n; i++) {
		free(s.v[i].sku);
		free(s.v[i].warehouse);
		free(s.v[i].supplier);
	}
	free(s.v);
	return rc;
}

/* ---- create --from-suggestions --------------------------------------------------- */

/* One draft PO's worth: the suggestions of one supplier and warehouse. */
struct group {
	char   *supplier, *warehouse;
	struct wf_po_line_in *lines;
	size_t  n, cap;
};

struct groups {
	struct group *v;
	size_t n, cap;
};

static int
take_suggestion(wf_db *db, const struct wf_line *l, void *arg)
{
	/* what `wf-po suggest` prints; the numbers past qty are read by a
	 * person, not here */
	static const char *const known[] = {
		"type", "sku", "warehouse", "supplier", "qty", "order_by", "expected", "reason",
		"unit_cost", "value", "currency", "position", "reorder_point", "target",
		"cover_days", NULL
	};
	struct groups *gs = arg;
	struct group *g = NULL;
	struct wf_po_line_in *in;
	const char *type = NULL, *sku = NULL, *wh = NULL, *sup = NULL;
	const cJSON *c;
	int64_t qty;
	size_t i;
	int rc;

	(void)db;
	if ((rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "suggestion") != 0)
		return wf_jerr(l->at, "type", "expected \"suggestion\" (wf-po suggest), got \"%.32s\"",
		    type);
	if ((rc = wf_jget_str(l->at, l->obj, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &sku)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "warehouse", WF_J_REQ | WF_J_NONEMPTY, 32, &wh)) < 0 ||
	    (rc = wf_jget_int(l->at, l->obj, "qty", WF_J_REQ, 1, WF_JSON_INT_MAX, &qty)) < 0)
		return rc;
	c = cJSON_GetObjectItemCaseSensitive(l->obj, "supplier");
	if (c == NULL || cJSON_IsNull(c))
		return wf_jerr(l->at, "supplier", "none known for %s: it has none of its own and "
		    "no PO has ordered it yet; set \"supplier\" to the code of the one to order "
		    "from, or give the SKU one (wf-stock sku add SKU --supplier S)", sku);
	if ((rc = wf_jget_str(l->at, l->obj, "supplier", WF_J_REQ | WF_J_NONEMPTY, 32, &sup)) < 0)
		return rc;
	if (wf_text_sku("sku", sku) != 0)
		return wf_jerr(l->at, "sku", "%s", wf_error_msg() + strlen("sku: "));
	for (i = 0; i < gs->n; i++)
		if (strcmp(gs->v[i].supplier, sup) == 0 && strcmp(gs->v[i].warehouse, wh) == 0) {
			g = &gs->v[i];
			break;
		}
	if (g == NULL) {
		if (gs->n == gs->cap) {
			size_t cap = gs->cap ? 2 * gs->cap : 8;
			struct group *p = realloc(gs->v, cap * sizeof *p);
			if (p == NULL)
				return oom();
			gs->v = p;
			gs->cap = cap;
		}
		g = &gs->v[gs->n];
		memset(g, 0, sizeof *g);
		if ((g->supplier = strdup(sup)) == NULL || (g->warehouse = strdup(wh)) == NULL) {
			free(g->supplier);
			return oom();
		}
		gs->n++;
	}
	if (g->n >= WF_PO_MAX_LINES)
		return wf_jerr(l->at, NULL, "more than %d lines for %s into %s: split the input",
		    WF_PO_MAX_LINES, sup, wh);
	for (i = 0; i < g->n; i++)
		if (strcmp(g->lines[i].sku, sku) == 0)
			return wf_jerr(l->at, "sku", "%s is suggested twice for %s into %s (line %ld)",
			    sku, sup, wh, g->lines[i].lineno);
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct wf_po_line_in *p = realloc(g->lines, cap * sizeof *p);
		if (p == NULL)
			return oom();
		g->lines = p;
		g->cap = cap;
	}
	in = &g->lines[g->n++];
	memset(in, 0, sizeof *in);
	wf_strlcpy(in->sku, sku, sizeof in->sku);
	in->qty = qty;
	in->lineno = l->lineno;
	/* the suggestion's unit cost, when it has one; else the PO takes the
	 * SKU's cost, and refuses a SKU with none */
	c = cJSON_GetObjectItemCaseSensitive(l->obj, "unit_cost");
	if (c && !cJSON_IsNull(c)) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) >= sizeof in->cost)
			return wf_jerr(l->at, "unit_cost", "expected a decimal string like \"4.10\"");
		wf_strlcpy(in->cost, c->valuestring, sizeof in->cost);
	}
	return 0;
}

int
wf_po_create_suggested(wf_db *db, FILE *in, const char *in_name, wf_out *out)
{
	struct wf_batch b = { .in = in, .name = in_name ? in_name : "stdin" };
	struct groups gs = { NULL, 0, 0 };
	size_t i;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_batch_run(db, &b, take_suggestion, &gs)) == 0 && gs.n == 0)
		rc = wf_error_set(WF_EINPUT, "%s: no suggestions: nothing to order", b.name);
	for (i = 0; i < gs.n && rc == 0; i++) {
		struct wf_po_in po = {
			.supplier = gs.v[i].supplier, .warehouse = gs.v[i].warehouse,
			.lines = gs.v[i].lines, .nlines = gs.v[i].n,
		};
		/* a line's error is located by its line number; the PO's own
		 * (a paused supplier, a closed warehouse) names the supplier */
		rc = wf_po_create(db, &po, out);
	}
	for (i = 0; i < gs.n; i++) {
		free(gs.v[i].supplier);
		free(gs.v[i].warehouse);
		free(gs.v[i].lines);
	}
	free(gs.v);
	if (rc != 0) {
		if (wf_tx_depth(db) > 0)
			wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}
