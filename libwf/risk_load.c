/* risk_load.c - what the stock-risk numbers are computed from
 * (risk_priv.h): the catalogue, each SKU's supplier and the lead times its
 * receipts measured (whole tables, read once), then per SKU, in SKU code
 * order: free stock per warehouse, what the window of the ledger did to
 * it and what it shipped, the waiting order lines and the open PO lines.
 *
 * Why one SKU at a time: the snapshot held whole took 186 MiB at the 1M
 * benchmark.  Five cursors, each ordered by SKU code in SQL (the SKU's
 * code index, then the table's SKU index; the window's reservations,
 * which have no index by SKU, sorted by SQLite, which spills a large sort
 * to a temporary file), stay open through the walk, and risk_load_sku()
 * takes the rows of the next SKU from each: memory is that of the largest
 * SKU, whatever the number of SKUs.
 *
 * reads: sku, warehouse, bin, balance, movement, orders, order_line, order_route, po, po_line, supplier
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "risk_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_stock.h"
#include "wf_time.h"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct idpair *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Map the ids IDS[i * STRIDE] (N of them, bytes apart by STRIDE) to i. */
static int
idmap_build(struct idmap *m, const void *base, size_t n, size_t stride)
{
	const char *p = base;
	int64_t max = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int64_t id = *(const int64_t *)(const void *)(p + i * stride);
		if (id > max)
			max = id;
	}
	m->n = n;
	if (max >= 0 && (uint64_t)max <= 8 * (uint64_t)n + 1024) {
		if ((m->direct = malloc(((size_t)max + 1) * sizeof *m->direct)) == NULL)
			return oom();
		m->max = max;
		for (i = 0; i <= (size_t)max; i++)
			m->direct[i] = NONE;
		for (i = 0; i < n; i++)
			m->direct[*(const int64_t *)(const void *)(p + i * stride)] = (uint32_t)i;
		return 0;
	}
	if ((m->pairs = malloc((n ? n : 1) * sizeof *m->pairs)) == NULL)
		return oom();
	for (i = 0; i < n; i++) {
		m->pairs[i].id = *(const int64_t *)(const void *)(p + i * stride);
		m->pairs[i].rank = (uint32_t)i;
	}
	wf_sort(m->pairs, n, sizeof *m->pairs, pair_cmp);
	return 0;
}

static uint32_t
idmap_get(const struct idmap *m, int64_t id)
{
	size_t lo = 0, hi = m->n;

	if (m->direct)
		return id >= 0 && id <= m->max ? m->direct[id] : NONE;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->pairs[mid].id < id)
			lo = mid + 1;
		else if (m->pairs[mid].id > id)
			hi = mid;
		else
			return m->pairs[mid].rank;
	}
	return NONE;
}

static void
idmap_free(struct idmap *m)
{
	free(m->direct);
	free(m->pairs);
	memset(m, 0, sizeof *m);
}

/* The day (since the epoch) of a stored time "YYYY-MM-DDTHH:MM:SSZ". */
static int
day_of_text(const char *s, int64_t *day)
{
	int64_t t;

	if (s && strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		unsigned y = 0, m = 0, d = 0;
		int i;
		for (i = 0; i < 4; i++)
			y = y * 10 + (unsigned)(s[i] - '0');
		m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
		d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
		if (y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
			*day = wf_days_from_civil(y, m, d);
			return 0;
		}
	}
	if (s == NULL || wf_time_parse(s, &t) != 0)
		return -1;
	*day = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
	return 0;
}

/* ---- loading ------------------------------------------------------------- */

static int
load_warehouses(struct ctx *c)
{
	static const char sql[] = "SELECT id, code, state = 'active' FROM warehouse ORDER BY code";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(c->db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(c->db, st)) == 1) {
		struct rwh *w = PUSH(c->wh);
		if (w == NULL || (w->code = dup(wf_col_text(st, 1))) == NULL) {
			if (w)
				c->wh.n--;
			wf_stmt_reset(st);
			return oom();
		}
		w->id = wf_col_int(st, 0);
		w->active = (int)wf_col_int(st, 2);
	}
	if (rc < 0)
		return rc;
	return idmap_build(&c->whid, c->wh.v, c->wh.n, sizeof *c->wh.v);
}

static int
load_bins(struct ctx *c)
{
	static const char sql[] =
	    "SELECT id, warehouse_id, state = 'active' AND (kind = 'pick' OR kind = 'bulk'"
	    " OR kind = 'inbound' OR kind = 'returns') FROM bin ORDER BY id";
	struct { int64_t id; } *ids = NULL;
	size_t cap = 0, n = 0;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(c->db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(c->db, st)) == 1) {
		struct rbin *b = PUSH(c->bin);
		if (b == NULL || wf_grow(&ids, n, &cap, sizeof *ids) != 0) {
			wf_stmt_reset(st);
			free(ids);
			return oom();
		}
		ids[n++].id = wf_col_int(st, 0);
		b->wh = idmap_get(&c->whid, wf_col_int(st, 1));
		b->usable = (int)wf_col_int(st, 2);
	}
	if (rc == 0)
		rc = idmap_build(&c->binid, ids, n, sizeof *ids);
	free(ids);
	return rc;
}

static int
load_skus(struct ctx *c)
{
	static const char all[] =
	    "SELECT id, code, state, currency, price, lead_time_days, safety_days, supplier_id"
	    " FROM sku ORDER BY code";
	static const char one[] =
	    "SELECT id, code, state, currency, price, lead_time_days, safety_days, supplier_id"
	    " FROM sku WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(c->db, &st, c->one_sku ? one : all)) != 0)
		return rc;
	if (c->one_sku)
		wf_bind_int(st, 1, c->one_sku);
	while ((rc = wf_db_step(c->db, st)) == 1) {
		struct rsku *s = PUSH(c->sku);
		if (s == NULL || (s->code = dup(wf_col_text(st, 1))) == NULL) {
			if (s)
				c->sku.n--;
			wf_stmt_reset(st);
			return oom();
		}
		s->id = wf_col_int(st, 0);
		wf_strlcpy(s->state, wf_col_text(st, 2), sizeof s->state);
		wf_strlcpy(s->currency, wf_col_text(st, 3), sizeof s->currency);
		s->has_price = !wf_col_null(st, 4);
		s->price = wf_col_int(st, 4);
		s->lead_time = wf_col_int(st, 5);
		s->safety_days = wf_col_int(st, 6);
		s->latest_po = 0;
		s->own_sup = !wf_col_null(st, 7);
		s->sup = wf_col_int(st, 7);
	}
	if (rc < 0)
		return rc;
	return idmap_build(&c->skuid, c->sku.v, c->sku.n, sizeof *c->sku.v);
}

/* Suppliers, each SKU's (its own, else its latest PO line's), and the lead
 * times their receipts measured. */
static int
load_suppliers(struct ctx *c)
{
	static const char sups[] = "SELECT id, code, lead_time_days FROM supplier ORDER BY id";
	static const char latest[] =
	    "SELECT l.sku_id, l.po_id, p.supplier_id FROM po_line l JOIN po p ON p.id = l.po_id"
	    " WHERE p.state <> 'cancelled'";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(c->db, &st, sups)) != 0)
		return rc;
	while ((rc = wf_db_step(c->db, st)) == 1) {
		struct rsup *s = PUSH(c->sup);
		if (s == NULL || (s->code = dup(wf_col_text(st, 1))) == NULL) {
			if (s)
				c->sup.n--;
			wf_stmt_reset(st);
			return oom();
		}
		s->id = wf_col_int(st, 0);
		s->stated = wf_col_int(st, 2);
		s->n = s->secs = s->lt10 = s->ltsd10 = 0;
	}
	if (rc < 0 || (rc = wf_db_stmt(c->db, &st, latest)) != 0)
		return rc;
	while ((rc = wf_db_step(c->db, st)) == 1) {
		uint32_t r = idmap_get(&c->skuid, wf_col_int(st, 0));
		if (r != NONE && wf_col_int(st, 1) > c->sku.v[r].latest_po) {
			c->sku.v[r].latest_po = wf_col_int(st, 1);
			if (!c->sku.v[r].own_sup)
				c->sku.v[r].sup = wf_col_int(st, 2);
		}
	}
	return rc;
}

struct rsup *
risk_sup_find(struct ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->sup.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->sup.v[mid].id < id)
			lo = mid + 1;
		else if (c->sup.v[mid].id > id)
			hi = mid;
		else
			return &c->sup.v[mid];
	}
	return NULL;
}

/* One observation of a supplier's lead time: a PO and a day it received
 * goods, and the seconds from its sending to the first receipt that day. */
struct obs {
	int64_t po, day, secs, sup;
};

static int
obs_cmp(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	if (x->sup != y->sup)
		return x->sup < y->sup ? -1 : 1;
	if (x->po != y->po)
		return x->po < y->po ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->secs < y->secs ? -1 : x->secs > y->secs;
}

struct sent {
	int64_t id, sup, at;
};

static int
measure_lead_times(struct ctx *c)
{
	static const char pos[] =
	    "SELECT id, supplier_id, sent_at FROM po WHERE sent_at IS NOT NULL ORDER BY id";
	static const char receipts[] =
	    "SELECT holder, at FROM movement WHERE action = 'receive'"
	    " AND holder >= 'PO-' AND holder < 'PO.' AND at >= ?1";
	VEC(struct sent) sent = { NULL, 0, 0 };
	VEC(struct obs) ob = { NULL, 0, 0 };
	double *vals = NULL;
	wf_stmt *st;
	size_t i, j;
	int rc;

	if ((rc = wf_db_stmt(c->db, &st, pos)) != 0)
		return rc;
	while ((rc = wf_db_step(c->db, st)) == 1) {
		struct sent *s = PUSH(sent);
		if (s == NULL) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
		s->id = wf_col_int(st, 0);
		s->sup = wf_col_int(st, 1);
		if (wf_time_parse(wf_col_text(st, 2), &s->at) != 0)
			sent.n--;
	}
	if (rc < 0 || (rc = wf_db_stmt(c->db, &st, receipts)) != 0)
		goto out;
	wf_bind_time(st, 1, c->now - (int64_t)WF_RISK_RECEIPT_DAYS * DAY);
	while ((rc = wf_db_step(c->db, st)) == 1) {
		const char *h = wf_col_text(st, 0);
		int64_t po = 0, at;
		size_t lo = 0, hi = sent.n;
		struct obs *o;

		for (h += 3; *h >= '0' && *h <= '9' && po < INT64_MAX / 10; h++)
			po = po * 10 + (*h - '0');
		if (*h != '\0' || wf_time_parse(wf_col_text(st, 1), &at) != 0)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (sent.v[mid].id < po)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == sent.n || sent.v[lo].id != po || at < sent.v[lo].at)
			continue;
		if ((o = PUSH(ob)) == NULL) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
		o->po = po;
		o->day = at / DAY;
		o->secs = at - sent.v[lo].at;
		o->sup = sent.v[lo].sup;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	wf_sort(ob.v, ob.n, sizeof *ob.v, obs_cmp);
	if ((vals = malloc((ob.n ? ob.n : 1) * sizeof *vals)) == NULL) {
		rc = oom();
		goto out;
	}
	/* per supplier: the first receipt of each PO and day */
	for (i = 0; i < ob.n; i = j) {
		struct rsup *s = risk_sup_find(c, ob.v[i].sup);
		size_t k = 0;
		double mean, sd;
		int64_t total = 0;

		for (j = i; j < ob.n && ob.v[j].sup == ob.v[i].sup; j++)
			if (j == i || ob.v[j].po != ob.v[j - 1].po || ob.v[j].day != ob.v[j - 1].day) {
				vals[k++] = (double)ob.v[j].secs / DAY;
				total += ob.v[j].secs;
			}
		if (s == NULL || k == 0)
			continue;
		wf_risk_stats(vals, k, &mean, &sd);
		s->n = (int64_t)k;
		s->secs = total;
		/* the mean exactly, tenths of a day */
		if (wf_money_muldiv(total, 10, (int64_t)k * DAY, &s->lt10) != 0)
			s->lt10 = WF_JSON_INT_MAX;
		s->ltsd10 = wf_risk_round(sd * 10);
	}
out:
	free(sent.v);
	free(ob.v);
	free(vals);
	return rc;
}

/* ---- the rows of one SKU ----------------------------------------------------- */

/* Each cursor's query: the same columns for every SKU (ordered by code)
 * and for one (o->sku). */
static const char bal_all[] =
    "SELECT b.sku_id, b.bin_id, b.state = 'on_hand', b.qty FROM sku s CROSS JOIN balance b"
    " ON b.sku_id = s.id ORDER BY s.code";
static const char bal_one[] =
    "SELECT sku_id, bin_id, state = 'on_hand', qty FROM balance WHERE sku_id = ?1";

static int
bal_row(struct ctx *c, wf_stmt *st, uint32_t s)
{
	uint32_t b = idmap_get(&c->binid, wf_col_int(st, 1));
	struct bal *x;

	if (b == NONE || c->bin.v[b].wh == NONE)
		return 0;
	if ((x = PUSH(c->bal)) == NULL)
		return oom();
	x->sku = s;
	x->wh = c->bin.v[b].wh;
	x->avail = wf_col_int(st, 2) && c->bin.v[b].usable ? wf_col_int(st, 3) : 0;
	return 0;
}

static int
hist_add(struct ctx *c, uint32_t sku, uint32_t wh, int64_t day, int shipped, int64_t qty)
{
	struct hist *h = PUSH(c->hist);

	if (h == NULL)
		return oom();
	h->sku = sku;
	h->wh = wh;
	h->day = (int32_t)day;
	h->shipped = shipped;
	h->qty = qty;
	return 0;
}

/* The window of the ledger (and today): what changed the free on-hand
 * units of usable bins, and what shipped. */
#define HIST_COLS \
	"SELECT m.sku_id, m.at, m.qty, m.from_bin, m.from_state = 'on_hand', m.to_bin," \
	" m.to_state = 'on_hand', m.to_state = 'shipped'"
#define HIST_WHERE \
	" m.at >= ?1 AND (m.from_state = 'on_hand' OR m.to_state = 'on_hand'" \
	" OR m.to_state = 'shipped')"
/* every movement but the reservations: movement_sku */
static const char hist_all[] =
    HIST_COLS " FROM sku s CROSS JOIN movement m ON m.sku_id = s.id"
    " WHERE m.action <> 'reserve' AND" HIST_WHERE " ORDER BY s.code";
static const char hist_one[] =
    HIST_COLS " FROM movement m WHERE m.sku_id = ?2 AND m.action <> 'reserve' AND" HIST_WHERE;
/* the reservations: for the whole catalogue the window's, through
 * movement_at (the ledger by time), sorted by SKU code; for one SKU one
 * search of movement_reserve for each part of the ledger that has any */
static const char res_all[] =
    HIST_COLS " FROM movement m CROSS JOIN sku s ON s.id = m.sku_id"
    " WHERE m.action = 'reserve' AND" HIST_WHERE " ORDER BY s.code";
static const char res_one[] =
    WF_SQL_RESERVE_PARTS HIST_COLS
    " FROM reserve_part d JOIN movement m ON m.id >> 16 = d.part"
    " AND m.sku_id = ?2 AND m.action = 'reserve' WHERE" HIST_WHERE;

static int
hist_row(struct ctx *c, wf_stmt *st, uint32_t s)
{
	const char *at = wf_col_text(st, 1);
	uint32_t fb = NONE, tb = NONE, fw = NONE, tw = NONE;
	int64_t qty = wf_col_int(st, 2), day;
	int rc;

	/* many rows of one date: the day of the last one is kept */
	if (strncmp(at, c->last_at, 10) != 0) {
		if (day_of_text(at, &day) != 0)
			return 0;
		wf_strlcpy(c->last_at, at, sizeof c->last_at);
		c->last_day = day - c->today;
	}
	day = c->last_day > 0 ? 0 : c->last_day;
	if (!wf_col_null(st, 3) && (fb = idmap_get(&c->binid, wf_col_int(st, 3))) != NONE)
		fw = c->bin.v[fb].wh;
	if (!wf_col_null(st, 5) && (tb = idmap_get(&c->binid, wf_col_int(st, 5))) != NONE)
		tw = c->bin.v[tb].wh;
	/* a move between two usable bins of one warehouse changes nothing */
	if (wf_col_int(st, 4) && wf_col_int(st, 6) && fw == tw && fw != NONE &&
	    c->bin.v[fb].usable && c->bin.v[tb].usable)
		return 0;
	if (wf_col_int(st, 4) && fw != NONE && c->bin.v[fb].usable &&
	    (rc = hist_add(c, s, fw, day, 0, -qty)) != 0)
		return rc;
	if (wf_col_int(st, 6) && tw != NONE && c->bin.v[tb].usable &&
	    (rc = hist_add(c, s, tw, day, 0, qty)) != 0)
		return rc;
	if (wf_col_int(st, 7) && fw != NONE && (rc = hist_add(c, s, fw, day, 1, qty)) != 0)
		return rc;
	return 0;
}

/* A line's value in the SKU's currency: the order's own when it is the
 * same, else the SKU's price for each unit (no exchange rates). */
static int64_t
line_value(const struct rsku *s, wf_stmt *st, int64_t line_qty)
{
	int64_t v;

	if (strcmp(wf_col_text(st, 9), s->currency) == 0) {
		if (wf_money_mul(wf_col_int(st, 7), line_qty, &v) != 0 ||
		    wf_money_add(v, -wf_col_int(st, 8), &v) != 0)
			v = WF_MONEY_MAX;
	} else if (!s->has_price || wf_money_mul(s->price, line_qty, &v) != 0)
		v = s->has_price ? WF_MONEY_MAX : 0;
	return v < 0 ? 0 : v;
}

#define WAITING \
	" (o.state = 'new' OR o.state = 'promised' OR (o.state = 'on_hold' AND" \
	" (o.held_from = 'new' OR o.held_from = 'promised'))) AND l.qty > l.qty_shipped"
#define ORDER_COLS \
	"SELECT l.sku_id, o.id, l.line_no, coalesce(o.promise_by," \
	" (SELECT min(r.promise) FROM order_route r WHERE r.order_id = o.id))," \
	" (SELECT min(r.warehouse_id) FROM order_route r WHERE r.order_id = o.id)," \
	" l.qty - l.qty_shipped, l.qty, l.unit_price, l.discount, o.currency," \
	" o.state = 'promised' OR coalesce(o.held_from, '') = 'promised'"

/* a SKU's open lines: one search per part of the orders (WF_SQL_OPEN_PARTS) */
static const char ord_all[] =
    WF_SQL_OPEN_PARTS ORDER_COLS " FROM sku s CROSS JOIN line_part p"
    " CROSS JOIN order_line l ON l.order_id >> 16 = p.part AND l.sku_id = s.id"
    " CROSS JOIN orders o ON o.id = l.order_id WHERE" WAITING " ORDER BY s.code";
static const char ord_one[] =
    WF_SQL_OPEN_PARTS ORDER_COLS " FROM line_part p"
    " CROSS JOIN order_line l ON l.order_id >> 16 = p.part AND l.sku_id = ?1"
    " CROSS JOIN orders o ON o.id = l.order_id WHERE" WAITING;

static int
ord_row(struct ctx *c, wf_stmt *st, uint32_t s)
{
	int64_t due = 0;
	struct ord *x;

	if ((x = PUSH(c->ord)) == NULL)
		return oom();
	x->sku = s;
	x->order = wf_col_int(st, 1);
	x->line_no = (uint32_t)wf_col_int(st, 2);
	if (!wf_col_null(st, 3) && day_of_text(wf_col_text(st, 3), &due) == 0)
		due -= c->today;
	else
		due = 0;
	x->due = (int32_t)(due < 0 ? 0 : due > WF_RISK_HORIZON ? WF_RISK_HORIZON + 1 : due);
	x->wh = wf_col_null(st, 4) ? NONE : idmap_get(&c->whid, wf_col_int(st, 4));
	x->qty = wf_col_int(st, 5);
	x->line_qty = wf_col_int(st, 6);
	x->promised = (int32_t)wf_col_int(st, 10);
	x->value = line_value(&c->sku.v[s], st, x->line_qty);
	return 0;
}

#define POL_COLS \
	"SELECT l.sku_id, p.warehouse_id, p.id, p.state = 'sent'," \
	" coalesce(p.confirmed_for, p.expected_at)," \
	" l.qty_ordered - l.qty_received - l.qty_cancelled"
#define POL_WHERE \
	" (p.state = 'sent' OR p.state = 'confirmed' OR p.state = 'partially_received')" \
	" AND l.qty_ordered > l.qty_received + l.qty_cancelled"
static const char pol_all[] =
    POL_COLS " FROM po p JOIN po_line l ON l.po_id = p.id JOIN sku s ON s.id = l.sku_id"
    " WHERE" POL_WHERE " ORDER BY s.code";
static const char pol_one[] =
    POL_COLS " FROM po p JOIN po_line l ON l.po_id = p.id WHERE l.sku_id = ?1 AND" POL_WHERE;

static int
pol_row(struct ctx *c, wf_stmt *st, uint32_t s)
{
	uint32_t w = idmap_get(&c->whid, wf_col_int(st, 1));
	int64_t day;
	struct pol *x;

	if (w == NONE || day_of_text(wf_col_text(st, 4), &day) != 0)
		return 0;
	if ((x = PUSH(c->pol)) == NULL)
		return oom();
	day -= c->today;
	x->sku = s;
	x->wh = w;
	x->day = (int32_t)(day < -WF_RISK_HORIZON ? -WF_RISK_HORIZON :
	    day > WF_RISK_HORIZON ? WF_RISK_HORIZON + 1 : day);
	x->unconfirmed = (int)wf_col_int(st, 3);
	x->qty = wf_col_int(st, 5);
	x->po = wf_col_int(st, 2);
	return 0;
}

#define CMP(a, b) if ((a) != (b)) return (a) < (b) ? -1 : 1

static int
bal_cmp(const void *a, const void *b)
{
	const struct bal *x = a, *y = b;

	CMP(x->sku, y->sku);
	CMP(x->wh, y->wh);
	return 0;
}

static int
hist_cmp(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	CMP(x->sku, y->sku);
	CMP(x->wh, y->wh);
	CMP(x->day, y->day);
	return 0;
}

static int
ord_cmp(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;

	CMP(x->sku, y->sku);
	CMP(x->due, y->due);
	CMP(x->order, y->order);
	CMP(x->line_no, y->line_no);
	return 0;
}

static int
pol_cmp(const void *a, const void *b)
{
	const struct pol *x = a, *y = b;

	CMP(x->sku, y->sku);
	CMP(x->wh, y->wh);
	CMP(x->day, y->day);
	CMP(x->po, y->po);
	return 0;
}

static const struct cursor_def {
	const char *all, *one;
	int (*row)(struct ctx *, wf_stmt *, uint32_t);
} cursor_defs[RISK_NCURSORS] = {
	{ bal_all, bal_one, bal_row },
	{ hist_all, hist_one, hist_row },
	{ res_all, res_one, hist_row },
	{ ord_all, ord_one, ord_row },
	{ pol_all, pol_one, pol_row },
};

/* Step cursor CU to its next row of a known SKU: its rank in cu->rank,
 * NONE at the end. */
static int
cursor_next(struct ctx *c, struct cursor *cu)
{
	int rc;

	while ((rc = wf_db_step(c->db, cu->st)) == 1)
		if ((cu->rank = idmap_get(&c->skuid, wf_col_int(cu->st, 0))) != NONE)
			return 0;
	cu->rank = NONE;
	cu->st = NULL;
	return rc;
}

int
risk_load(struct ctx *c)
{
	int rc, i;

	if ((rc = load_warehouses(c)) != 0 || (rc = load_bins(c)) != 0 ||
	    (rc = load_skus(c)) != 0 || (rc = load_suppliers(c)) != 0 ||
	    (rc = measure_lead_times(c)) != 0)
		return rc;
	for (i = 0; i < RISK_NCURSORS; i++) {
		struct cursor *cu = &c->cur[i];
		const struct cursor_def *d = &cursor_defs[i];
		if ((rc = wf_db_stmt(c->db, &cu->st, c->one_sku ? d->one : d->all)) != 0)
			return rc;
		/* the history's ?1 is the start of the window and its ?2 the
		 * SKU; the others' ?1 the SKU */
		if (d->row == hist_row) {
			wf_bind_time(cu->st, 1, (c->today - c->o->window_days) * DAY);
			if (c->one_sku)
				wf_bind_int(cu->st, 2, c->one_sku);
		} else if (c->one_sku)
			wf_bind_int(cu->st, 1, c->one_sku);
		if ((rc = cursor_next(c, cu)) != 0)
			return rc;
	}
	return 0;
}

int
risk_load_sku(struct ctx *c, uint32_t s)
{
	int rc, i;

	c->bal.n = c->hist.n = c->ord.n = c->pol.n = 0;
	for (i = 0; i < RISK_NCURSORS; i++) {
		struct cursor *cu = &c->cur[i];
		/* the SQL's order is the ranks' (codes, compared bytewise) */
		while (cu->rank != NONE && cu->rank <= s) {
			if (cu->rank == s && (rc = cursor_defs[i].row(c, cu->st, s)) != 0)
				return rc;
			if ((rc = cursor_next(c, cu)) != 0)
				return rc;
		}
	}
	wf_sort(c->bal.v, c->bal.n, sizeof *c->bal.v, bal_cmp);
	wf_sort(c->hist.v, c->hist.n, sizeof *c->hist.v, hist_cmp);
	wf_sort(c->ord.v, c->ord.n, sizeof *c->ord.v, ord_cmp);
	wf_sort(c->pol.v, c->pol.n, sizeof *c->pol.v, pol_cmp);
	return 0;
}

void
risk_ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < RISK_NCURSORS; i++)
		if (c->cur[i].st)
			wf_stmt_reset(c->cur[i].st);

	for (i = 0; i < c->wh.n; i++)
		free(c->wh.v[i].code);
	for (i = 0; i < c->sku.n; i++)
		free(c->sku.v[i].code);
	for (i = 0; i < c->sup.n; i++)
		free(c->sup.v[i].code);
	free(c->wh.v);
	free(c->sku.v);
	free(c->sup.v);
	free(c->bin.v);
	idmap_free(&c->whid);
	idmap_free(&c->skuid);
	idmap_free(&c->binid);
	free(c->bal.v);
	free(c->hist.v);
	free(c->ord.v);
	free(c->pol.v);
	free(c->ev.v);
	free(c->rc.v);
	free(c->lines.v);
	free(c->pairs.v);
	free(c->days);
}
