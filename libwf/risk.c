/* risk.c - stock risk per SKU and warehouse (wf_risk.h): the walk over
 * the rows risk_load.c reads, one SKU at a time, the numbers of each SKU at each
 * warehouse, and the risk record.  It writes nothing.
 *
 * No table of its own; its SQL is in risk_load.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk_priv.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_time.h"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- one SKU at one warehouse ------------------------------------------------ */

struct sku_rows {
	size_t b0, b1, h0, h1, o0, o1, p0, p1;
};

/* Demand: units shipped on the in-stock days of the window. */
static void
demand(struct ctx *c, struct wf_risk *r, const struct sku_rows *x, uint32_t w)
{
	int64_t cum = 0, total = 0, window = c->o->window_days, day;
	size_t j = x->h1, k = 0;
	double mean, sd;

	/* the cells of warehouse W, ascending by day; walk them backwards */
	while (j > x->h0 && c->hist.v[j - 1].wh != w)
		j--;
	for (day = 0; day >= -window; day--) {
		int64_t net = 0, shipped = 0, began;

		while (j > x->h0 && c->hist.v[j - 1].wh == w && c->hist.v[j - 1].day >= day) {
			const struct hist *h = &c->hist.v[--j];
			if (h->shipped)
				shipped += h->qty;
			else
				net += h->qty;
		}
		began = r->available - cum - net;
		cum += net;
		if (day == 0)
			continue;           /* today is not in the window */
		if (began > 0 || shipped > 0) {
			c->days[k++] = (double)shipped;
			total += shipped;
		}
	}
	r->demand_days = window;
	r->in_stock_days = (int64_t)k;
	wf_risk_stats(c->days, k, &mean, &sd);
	if (k == 0 || wf_money_muldiv(total, 100, (int64_t)k, &r->d100) != 0)
		r->d100 = k ? WF_JSON_INT_MAX : 0;
	r->sd100 = wf_risk_round(sd * 100);
}

static int
push_event(struct ctx *c, int which, int64_t day, int64_t qty)
{
	struct wf_risk_event *e = which ? PUSH(c->rc) : PUSH(c->ev);

	if (e == NULL)
		return oom();
	e->day = day;
	e->qty = qty;
	return 0;
}

/* Merge the receipts (c->rc) into the order events (c->ev), by day. */
static int
merge_events(struct ctx *c)
{
	size_t n = c->ev.n, i, j, k;

	for (i = 0; i < c->rc.n; i++)
		if (PUSH(c->ev) == NULL)
			return oom();
	/* from the back: the orders sit in front, both runs sorted */
	i = n, j = c->rc.n, k = c->ev.n;
	while (j > 0) {
		if (i > 0 && c->ev.v[i - 1].day > c->rc.v[j - 1].day)
			c->ev.v[--k] = c->ev.v[--i];
		else
			c->ev.v[--k] = c->rc.v[--j];
	}
	return 0;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s))
		return a > 0 ? INT64_MAX : -INT64_MAX;
	return s;
}

/* Days a lead time of LT10 tenths takes, whole days up. */
static int64_t
lead_days(int64_t lt10)
{
	return (lt10 + 9) / 10;
}

static int
compute(struct ctx *c, struct wf_risk *r, const struct sku_rows *x, uint32_t s, uint32_t w)
{
	const struct rsku *k = &c->sku.v[s];
	const struct rsup *sup = k->sup ? risk_sup_find(c, k->sup) : NULL;
	int64_t waiting0 = 0, out_day = -1, ld, m;
	size_t i;
	int rc;

	memset(r, 0, sizeof *r);
	r->sku_id = k->id;
	r->wh_id = c->wh.v[w].id;
	r->sku = k->code;
	r->warehouse = c->wh.v[w].code;
	r->currency = k->currency;
	r->sku_state = k->state;
	r->today = c->today;
	for (i = x->b0; i < x->b1; i++)
		if (c->bal.v[i].wh == w)
			r->available = sat_add(r->available, c->bal.v[i].avail);

	/* on order, and the receipts by day */
	c->ev.n = c->rc.n = c->lines.n = 0;
	for (i = x->p0; i < x->p1; i++) {
		const struct pol *p = &c->pol.v[i];
		if (p->wh != w)
			continue;
		if (p->unconfirmed)
			r->unconfirmed_on_order = sat_add(r->unconfirmed_on_order, p->qty);
		if (p->day < 0) {
			r->overdue_on_order = sat_add(r->overdue_on_order, p->qty);
			if (r->overdue_po == 0)
				r->overdue_po = p->po;
			continue;
		}
		r->on_order = sat_add(r->on_order, p->qty);
		if (!r->has_next_receipt) {
			r->has_next_receipt = 1;
			r->next_receipt_day = c->today + p->day;
			r->next_po = p->po;
		}
		if ((rc = push_event(c, 1, p->day, p->qty)) != 0)
			return rc;
	}

	/* the waiting lines, in promise order */
	for (i = x->o0; i < x->o1; i++) {
		const struct ord *o = &c->ord.v[i];
		struct wf_risk_line *l;
		if (o->wh != w)
			continue;
		if ((l = PUSH(c->lines)) == NULL)
			return oom();
		l->day = o->due;
		l->qty = o->qty;
		r->waiting = sat_add(r->waiting, o->qty);
		if (o->promised)
			r->promised = sat_add(r->promised, o->qty);
		if (o->due == 0)
			waiting0 = sat_add(waiting0, o->qty);
		if ((rc = push_event(c, 0, o->due, -o->qty)) != 0)
			return rc;
	}
	r->position = sat_add(sat_add(r->available, r->on_order),
	    sat_add(r->overdue_on_order, -r->waiting));

	/* demand and lead time */
	demand(c, r, x, w);
	r->no_history = r->in_stock_days < WF_RISK_MIN_HISTORY;
	r->d_used = r->no_history || strcmp(k->state, "active") != 0 ? 0 : r->d100;
	r->supplier = sup ? sup->code : NULL;
	if (sup && sup->n > 0) {
		r->lt10 = sup->lt10;
		r->ltsd10 = sup->ltsd10;
		r->lt_source = "measured";
	} else if (k->lead_time > 0) {
		r->lt10 = k->lead_time * 10;
		r->lt_source = "sku";
	} else if (sup) {
		r->lt10 = sup->stated * 10;
		r->lt_source = "supplier";
	}
	r->has_lead_time = r->lt_source != NULL;
	ld = lead_days(r->lt10);
	r->safety_stock = wf_risk_safety_stock(r->d_used, r->d_used ? r->sd100 : 0, r->lt10,
	    r->ltsd10, c->o->service_bp, k->safety_days);
	{
		/* the quantity to order covers a lead time beyond the reorder
		 * point: two weeks when none is known */
		int64_t lt = r->has_lead_time ? r->lt10 : WF_RISK_UNKNOWN_LEAD * 10;
		__int128 dl = ((__int128)r->d_used * r->lt10 + 999) / 1000;
		__int128 dq = ((__int128)r->d_used * lt + 999) / 1000;
		int64_t d_lt = dl > WF_JSON_INT_MAX ? WF_JSON_INT_MAX : (int64_t)dl;
		r->reorder_point = sat_add(d_lt, r->safety_stock);
		m = sat_add(sat_add(r->reorder_point, dq > WF_JSON_INT_MAX ? WF_JSON_INT_MAX :
		    (int64_t)dq), -r->position);
		r->order_qty = m < 1 ? 1 : m;
	}
	if (r->d_used > 0) {
		int64_t left = r->available - r->waiting;
		r->has_cover = 1;
		if (wf_money_muldiv(left > 0 ? left : 0, 1000, r->d_used, &r->cover10) != 0)
			r->cover10 = WF_JSON_INT_MAX;
	}

	/* the projection */
	if ((rc = merge_events(c)) != 0)
		return rc;
	r->demand = r->d_used > 0 || r->waiting > 0;
	{
		__int128 n0 = ((__int128)r->available - waiting0) * 100;
		r->now0 = n0 > INT64_MAX ? INT64_MAX : n0 < -INT64_MAX ? -INT64_MAX : (int64_t)n0;
	}
	if (r->now0 < 0 || (r->now0 == 0 && r->d_used > 0))
		out_day = 0;
	else
		out_day = wf_risk_first_out(c->ev.v, c->ev.n, r->available, r->d_used,
		    WF_RISK_HORIZON);
	if (out_day >= 0) {
		r->has_stockout = 1;
		r->stockout_day = c->today + out_day;
		r->has_order_by = r->has_lead_time;
		r->order_by_day = r->stockout_day - ld;
	}
	r->low_before = r->has_next_receipt ?
	    wf_risk_lowest(c->ev.v, c->ev.n, r->available, r->d_used, 0,
	    r->next_receipt_day - c->today - 1) :
	    wf_risk_lowest(c->ev.v, c->ev.n, r->available, r->d_used, 0, WF_RISK_HORIZON);
	r->low_lead = ld > 0 ? wf_risk_lowest(c->ev.v, c->ev.n, r->available, r->d_used, 0,
	    ld - 1) : INT64_MAX;

	/* orders short */
	r->slack = wf_risk_allocate(c->lines.v, c->lines.n, r->available, c->rc.v, c->rc.n);
	{
		int64_t last = 0, money = 0;
		size_t li = 0;
		for (i = x->o0; i < x->o1; i++) {
			const struct ord *o = &c->ord.v[i];
			const struct wf_risk_line *l;
			int64_t v;
			if (o->wh != w)
				continue;
			l = &c->lines.v[li++];
			if (l->short_qty == 0)
				continue;
			if (r->units_short == 0)
				r->first_short_day = c->today + o->due;
			if (o->order != last)
				r->orders_short++;
			last = o->order;
			r->units_short = sat_add(r->units_short, l->short_qty);
			if (wf_money_muldiv(o->value, l->short_qty, o->line_qty, &v) != 0 ||
			    wf_money_add(money, v, &money) != 0)
				money = WF_MONEY_MAX;
		}
		r->revenue_at_risk = money;
	}

	/* the status: the first that holds */
	{
		int64_t left = r->available - r->waiting;
		int on = r->on_order > 0 || r->overdue_on_order > 0;
		int hold[WF_RISK_NKINDS];

		hold[WF_RISK_STOCKOUT_NOW] = out_day == 0 && (r->now0 < 0 ||
		    (r->now0 == 0 && r->d_used > 0));
		hold[WF_RISK_STOCKOUT_BEFORE_PO] = r->has_stockout && on &&
		    (!r->has_next_receipt || r->stockout_day < r->next_receipt_day);
		hold[WF_RISK_ORDER_BY_PASSED] = r->has_order_by && r->order_by_day < c->today;
		hold[WF_RISK_BELOW_REORDER_POINT] = r->d_used > 0 &&
		    r->position <= r->reorder_point;
		hold[WF_RISK_ORDERS_SHORT] = r->units_short > 0;
		hold[WF_RISK_OVERSTOCK] = !r->no_history && left > 0 && (r->d_used == 0 ||
		    (__int128)left * 100 > (__int128)c->o->overstock_days * r->d_used);
		r->status = r->no_history ? WF_RISK_NO_HISTORY : WF_RISK_OK;
		for (i = WF_RISK_NKINDS; i-- > 0; )
			if (hold[i])
				r->status = (int)i;
		r->holds = 0;
		for (i = 0; i < WF_RISK_NKINDS; i++)
			r->holds |= (unsigned)hold[i] << i;
	}
	return 0;
}

/* The warehouse where the waiting lines of a SKU that are not routed
 * count: the most available units, then the most on order, then the
 * lowest code (of the active warehouses when the SKU is nowhere). */
static uint32_t
home(struct ctx *c, const struct sku_rows *x)
{
	uint32_t best = NONE, w;
	int64_t ba = -1, bo = -1;
	size_t i, j;

	for (i = 0; i < c->pairs.n; i++) {
		int64_t a = 0, on = 0;
		w = c->pairs.v[i];
		for (j = x->b0; j < x->b1; j++)
			if (c->bal.v[j].wh == w)
				a = sat_add(a, c->bal.v[j].avail);
		for (j = x->p0; j < x->p1; j++)
			if (c->pol.v[j].wh == w)
				on = sat_add(on, c->pol.v[j].qty);
		if (a > ba || (a == ba && on > bo) || (a == ba && on == bo && w < best)) {
			best = w;
			ba = a;
			bo = on;
		}
	}
	if (best != NONE)
		return best;
	for (w = 0; w < c->wh.n; w++)
		if (c->wh.v[w].active)
			return w;
	return c->wh.n ? 0 : NONE;
}

static int
add_pair(struct ctx *c, uint32_t w)
{
	uint32_t *p;
	size_t i;

	for (i = 0; i < c->pairs.n; i++)
		if (c->pairs.v[i] == w)
			return 0;
	if ((p = PUSH(c->pairs)) == NULL)
		return oom();
	*p = w;
	return 0;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
walk_sku(struct ctx *c, uint32_t s, struct sku_rows *x, wf_risk_fn fn, void *arg)
{
	uint32_t w, h = NONE;
	size_t i;
	int rc;

	c->pairs.n = 0;
	for (i = x->b0; i < x->b1; i++)
		if ((rc = add_pair(c, c->bal.v[i].wh)) != 0)
			return rc;
	for (i = x->h0; i < x->h1; i++)
		if ((rc = add_pair(c, c->hist.v[i].wh)) != 0)
			return rc;
	for (i = x->p0; i < x->p1; i++)
		if ((rc = add_pair(c, c->pol.v[i].wh)) != 0)
			return rc;
	for (i = x->o0; i < x->o1; i++) {
		struct ord *o = &c->ord.v[i];
		if (o->wh == NONE) {
			if (h == NONE)
				h = home(c, x);
			o->wh = h;
		}
		if (o->wh != NONE && (rc = add_pair(c, o->wh)) != 0)
			return rc;
	}
	if (c->one_sku && c->one_wh != NONE && (rc = add_pair(c, c->one_wh)) != 0)
		return rc;
	wf_sort(c->pairs.v, c->pairs.n, sizeof *c->pairs.v, u32_cmp);
	for (i = 0; i < c->pairs.n; i++) {
		struct wf_risk r;
		w = c->pairs.v[i];
		if (c->one_wh != NONE && w != c->one_wh)
			continue;
		if ((rc = compute(c, &r, x, s, w)) != 0 || (rc = fn(&r, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
walk_all(struct ctx *c, wf_risk_fn fn, void *arg)
{
	struct sku_rows x = { 0, 0, 0, 0, 0, 0, 0, 0 };
	uint32_t s;
	int rc;

	if ((c->days = malloc(((size_t)c->o->window_days + 1) * sizeof *c->days)) == NULL)
		return oom();
	for (s = 0; s < c->sku.n; s++) {
		if ((rc = risk_load_sku(c, s)) != 0)
			return rc;
		x.b1 = c->bal.n, x.h1 = c->hist.n, x.o1 = c->ord.n, x.p1 = c->pol.n;
		if (x.b0 == x.b1 && x.h0 == x.h1 && x.o0 == x.o1 && x.p0 == x.p1 &&
		    !(c->one_sku && c->one_wh != NONE))
			continue;
		if ((rc = walk_sku(c, s, &x, fn, arg)) != 0)
			return rc;
	}
	return 0;
}

static int
check_opts(const struct wf_risk_opts *o)
{
	if (o->window_days < 1 || o->window_days > 365)
		return wf_error_set(WF_EUSAGE, "--window: expected 1 to 365 days, got %lld",
		    (long long)o->window_days);
	if (o->service_bp < 5000 || o->service_bp > 9999)
		return wf_error_set(WF_EUSAGE, "--service-level: expected 50 to 99.99");
	if (o->overstock_days < 1 || o->overstock_days > WF_RISK_HORIZON)
		return wf_error_set(WF_EUSAGE, "--overstock-days: expected 1 to %d days, got %lld",
		    WF_RISK_HORIZON, (long long)o->overstock_days);
	return 0;
}

int
wf_risk_each(wf_db *db, const struct wf_risk_opts *o, wf_risk_fn fn, void *arg)
{
	struct ctx c;
	int rc, own = wf_tx_depth(db) == 0;

	if ((rc = check_opts(o)) != 0)
		return rc;
	memset(&c, 0, sizeof c);
	c.db = db;
	c.o = o;
	c.now = wf_db_now(db);
	c.today = c.now >= 0 ? c.now / DAY : -((-c.now + DAY - 1) / DAY);
	c.one_wh = NONE;
	if (own && (rc = wf_tx_begin_read(db)) != 0)
		return rc;
	/* the walk reads each page once: SQLite's small cache, not a batch's */
	if ((rc = wf_db_cache(db, WF_CACHE_WALK)) != 0)
		goto fail;
	if (o->sku) {
		struct wf_sku_info info;
		if ((rc = wf_sku_find(db, &info, o->sku)) != 0)
			goto fail;
		c.one_sku = info.id;
	}
	if ((rc = risk_load(&c)) != 0)
		goto fail;
	if (o->warehouse) {
		uint32_t w;
		for (w = 0; w < c.wh.n && strcmp(c.wh.v[w].code, o->warehouse) != 0; w++)
			;
		if (w == c.wh.n) {
			int64_t id;
			/* the catalogue's own message, with its suggestion */
			rc = wf_warehouse_find(db, &id, NULL, o->warehouse);
			if (rc == 0)
				rc = wf_error_set(WF_ENOTFOUND, "unknown warehouse '%s'", o->warehouse);
			goto fail;
		}
		c.one_wh = w;
	}
	/* the walk reads as it goes: inside the read */
	rc = walk_all(&c, fn, arg);
fail:
	risk_ctx_free(&c);
	if (wf_db_cache(db, WF_CACHE_BATCH) != 0 && rc == 0)
		rc = wf_error_code();
	if (own && wf_tx_end_read(db) != 0 && rc == 0)
		rc = wf_error_code();
	return rc;
}

/* ---- records -------------------------------------------------------------- */

/* V >= 0 (in units of 10^-PLACES, 1 or 2) as decimal text: "2.40". */
static void
fixed(char *out, size_t n, int64_t v, int places)
{
	int64_t scale = places == 1 ? 10 : 100;

	if (v < 0)
		v = 0;
	snprintf(out, n, "%lld.%0*lld", (long long)(v / scale), places, (long long)(v % scale));
}

static int
add_fixed(cJSON *o, const char *key, int has, int64_t v, int places)
{
	char buf[40];

	if (!has)
		return wf_jadd_null(o, key);
	fixed(buf, sizeof buf, v, places);
	return wf_jadd_str(o, key, buf);
}

static int
add_day(cJSON *o, const char *key, int has, int64_t day)
{
	char buf[11];

	if (!has)
		return wf_jadd_null(o, key);
	wf_date_format(day * DAY, buf);
	return wf_jadd_str(o, key, buf);
}

cJSON *
wf_risk_record(const struct wf_risk *r)
{
	cJSON *o = wf_jrecord("risk");
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= wf_jadd_str(o, "sku", r->sku);
	rc |= wf_jadd_str(o, "warehouse", r->warehouse);
	rc |= wf_jadd_int(o, "available", r->available);
	rc |= wf_jadd_int(o, "promised", r->promised);
	rc |= wf_jadd_int(o, "atp", sat_add(r->available, -r->promised));
	rc |= wf_jadd_int(o, "waiting", r->waiting);
	rc |= wf_jadd_int(o, "on_order", r->on_order);
	rc |= wf_jadd_int(o, "unconfirmed_on_order", r->unconfirmed_on_order);
	rc |= wf_jadd_int(o, "overdue_on_order", r->overdue_on_order);
	rc |= wf_jadd_int(o, "position", r->position);
	rc |= add_fixed(o, "daily_demand", 1, r->d100, 2);
	rc |= add_fixed(o, "demand_sd", 1, r->sd100, 2);
	rc |= wf_jadd_int(o, "demand_days", r->demand_days);
	rc |= wf_jadd_int(o, "in_stock_days", r->in_stock_days);
	rc |= wf_jadd_str(o, "supplier", r->supplier);
	rc |= add_fixed(o, "lead_time_days", r->has_lead_time, r->lt10, 1);
	rc |= add_fixed(o, "lead_time_sd", r->has_lead_time, r->ltsd10, 1);
	rc |= wf_jadd_str(o, "lead_time_source", r->lt_source);
	rc |= wf_jadd_int(o, "safety_stock", r->safety_stock);
	rc |= wf_jadd_int(o, "reorder_point", r->reorder_point);
	rc |= add_fixed(o, "cover_days", r->has_cover, r->cover10, 1);
	rc |= add_day(o, "stockout_first", r->has_stockout, r->stockout_day);
	rc |= add_day(o, "next_receipt", r->has_next_receipt, r->next_receipt_day);
	rc |= add_day(o, "order_by", r->has_order_by, r->order_by_day);
	rc |= wf_jadd_int(o, "orders_short", r->orders_short);
	rc |= wf_jadd_int(o, "units_short", r->units_short);
	rc |= wf_jadd_money(o, "revenue_at_risk", r->revenue_at_risk, r->currency);
	rc |= wf_jadd_str(o, "currency", r->currency);
	rc |= wf_jadd_str(o, "status", wf_risk_status_name(r->status));
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
emit_one(const struct wf_risk *r, void *arg)
{
	cJSON *o = wf_risk_record(r);

	if (o == NULL)
		return oom();
	return wf_out_emit(arg, o);
}

int
wf_risk_list(wf_db *db, const struct wf_risk_opts *o, wf_out *out)
{
	return wf_risk_each(db, o, emit_one, out);
}
