/* route_decide.c - deciding where orders ship from: the pure rules, the
 * warehouses, services and clock of a run, the SKU cache, the candidates
 * and the choice among them, split, and the explanation of each decision
 * (--explain; what blocks an unroutable order is route_block.c's).
 * It writes nothing.
 *
 * reads: orders, order_line, order_route, sku, bin, warehouse, movement, carrier_service
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "route_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_promise.h"
#include "wf_time.h"

const unsigned wf_route_reason_bits[WF_ROUTE_NREASONS] = {
	WF_ROUTE_UNKNOWN_SKU, WF_ROUTE_NO_WAREHOUSE, WF_ROUTE_NO_STOCK, WF_ROUTE_NO_SERVICE,
	WF_ROUTE_NO_CAPACITY, WF_ROUTE_LATE
};

/* ---- the deciding rules, pure -------------------------------------------------- */

const char *
wf_route_reason(unsigned fails)
{
	if (fails & WF_ROUTE_NO_STOCK)
		return "no_stock";
	if (fails & WF_ROUTE_NO_SERVICE)
		return "no_service";
	if (fails & WF_ROUTE_NO_CAPACITY)
		return "no_capacity";
	if (fails & WF_ROUTE_LATE)
		return "late";
	if (fails & WF_ROUTE_UNKNOWN_SKU)
		return "unknown_sku";
	if (fails & WF_ROUTE_NO_WAREHOUSE)
		return "no_warehouse";
	return "ok";
}

static const char *const policy_names[] = { "margin", "cheapest", "fastest" };

int
wf_route_policy_parse(const char *s, enum wf_route_policy *p)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, policy_names[i]) == 0) {
			*p = (enum wf_route_policy)i;
			return 0;
		}
	return wf_error_set(WF_EUSAGE, "--policy: expected cheapest, fastest or margin, got '%.20s'", s);
}

const char *
wf_route_policy_name(enum wf_route_policy p)
{
	return policy_names[p];
}

int
wf_route_cutoff_parse(const char *s, int *minutes)
{
	int h = 0, m, n = 0;

	while (n < 2 && s[n] >= '0' && s[n] <= '9')
		h = h * 10 + (s[n++] - '0');
	if (n == 0 || s[n] != ':' || h > 23)
		return WF_EINPUT;
	s += n + 1;
	if (s[0] < '0' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] != '\0')
		return WF_EINPUT;
	m = (s[0] - '0') * 10 + (s[1] - '0');
	*minutes = h * 60 + m;
	return 0;
}

int
wf_route_countries_norm(const char *s, wf_buf *out)
{
	const char *p = s;

	wf_buf_reset(out);
	if (wf_buf_adds(out, "") != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	for (;;) {
		char cc[3];
		size_t n;

		while (*p == ' ')
			p++;
		for (n = 0; p[n] && p[n] != ',' && p[n] != ' '; n++)
			;
		if (n != 2 || !((p[0] | 32) >= 'a' && (p[0] | 32) <= 'z') ||
		    !((p[1] | 32) >= 'a' && (p[1] | 32) <= 'z'))
			return wf_error_set(WF_EINPUT,
			    "countries: expected ISO 3166 codes like DE,AT, got '%.40s'", s);
		cc[0] = (char)(p[0] & ~32);
		cc[1] = (char)(p[1] & ~32);
		cc[2] = '\0';
		if (!wf_route_covers(out->len ? out->p : "-", cc) &&
		    wf_buf_addf(out, "%s%s", out->len ? "," : "", cc) != 0)
			return wf_error_set(WF_ENOMEM, "out of memory");
		p += n;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			return wf_error_set(WF_EINPUT,
			    "countries: expected ISO 3166 codes like DE,AT, got '%.40s'", s);
	}
}

int
wf_route_covers(const char *countries, const char *cc)
{
	const char *p;

	if (*countries == '\0')
		return 1;
	if (cc == NULL || strlen(cc) != 2)
		return 0;
	for (p = countries; (p = strstr(p, cc)) != NULL; p += 2)
		if ((p == countries || p[-1] == ',') && (p[2] == ',' || p[2] == '\0'))
			return 1;
	return 0;
}

int
wf_route_ship_day(int now_min, int cutoff, int64_t left_today, int64_t left_tomorrow)
{
	if (now_min < cutoff && left_today != 0)
		return 0;
	if (left_tomorrow != 0)
		return 1;
	return -1;
}

static int
cmp64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

int
wf_route_cmp(enum wf_route_policy p, const struct wf_route_score *a,
    const struct wf_route_score *b)
{
	int c = 0;

	switch (p) {
	case WF_ROUTE_CHEAPEST:
		c = cmp64(a->cost, b->cost);
		break;
	case WF_ROUTE_FASTEST:
		c = cmp64(a->promise, b->promise);
		break;
	case WF_ROUTE_MARGIN:
		if (a->has_margin != b->has_margin)
			c = a->has_margin ? -1 : 1;
		else if (a->has_margin)
			c = cmp64(b->margin, a->margin);
		break;
	}
	if (c == 0)
		c = cmp64(a->promise, b->promise);
	if (c == 0)
		c = cmp64(a->cost, b->cost);
	if (c == 0)
		c = strcmp(a->warehouse, b->warehouse);
	if (c == 0)
		c = strcmp(a->carrier, b->carrier);
	if (c == 0)
		c = strcmp(a->service, b->service);
	return c;
}

/* ---- the run's state ------------------------------------------------------------- */

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static void
free_wh(struct run *r)
{
	size_t i, j;

	for (i = 0; i < r->nwh; i++) {
		for (j = 0; j < r->wh[i].nsvc; j++)
			free(r->wh[i].svc[j].countries);
		free(r->wh[i].svc);
	}
	free(r->wh);
	r->wh = NULL;
	r->nwh = 0;
}

static void
cache_flush(struct run *r)
{
	size_t i;

	for (i = 0; i < r->capcache; i++)
		free(r->cache[i].v);
	if (r->cache)           /* memset(NULL, 0, 0) is undefined */
		memset(r->cache, 0, r->capcache * sizeof *r->cache);
	r->ncache = 0;
}

void
wf_route_free(struct run *r)
{
	cache_flush(r);
	free(r->cache);
	wf_stock_cache_free(r->stock);
	r->stock = NULL;
	free_wh(r);
	free(r->ord.lines);
	free(r->cand);
	free(r->d.alloc);
	free(r->scratch);
	free(r->units);
	free(r->stock_ok);
	free(r->seen);
	free(r->batch);
	wf_buf_free(&r->note);
	wf_route_blocks_free(r);
}

/* ---- warehouses, services, the clock --------------------------------------------- */

int
wf_route_day_start(const char *tz, int64_t z, int64_t *t, char date[11])
{
	int64_t y;
	unsigned m, d;

	wf_civil_from_days(z, &y, &m, &d);
	if (date)
		snprintf(date, 11, "%04lld-%02u-%02u", (long long)y, m, d);
	return wf_time_from_local(tz, y, m, d, 0, 0, 0, t);
}

static int
load_services(struct run *r, struct wh *w, int64_t z)
{
	static const char sql[] =
	    "SELECT id, carrier, service, cutoff, transit_days, cost, currency, countries"
	    " FROM carrier_service WHERE warehouse_id = ?1 ORDER BY carrier, service";
	wf_stmt *st;
	size_t cap = 0;
	int rc, k;

	if ((rc = wf_db_stmt(r->db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, w->id);
	while ((rc = wf_db_step(r->db, st)) == 1) {
		struct svc *s;
		if (w->nsvc == cap) {
			struct svc *p = realloc(w->svc, (cap = cap ? 2 * cap : 4) * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			w->svc = p;
		}
		s = &w->svc[w->nsvc];
		memset(s, 0, sizeof *s);
		s->id = wf_col_int(st, 0);
		wf_strlcpy(s->carrier, wf_col_text(st, 1), sizeof s->carrier);
		wf_strlcpy(s->service, wf_col_text(st, 2), sizeof s->service);
		if (wf_route_cutoff_parse(wf_col_text(st, 3), &s->cutoff) != 0)
			s->cutoff = 0;
		s->transit = (int)wf_col_int(st, 4);
		s->cost = wf_col_int(st, 5);
		wf_strlcpy(s->currency, wf_col_text(st, 6), sizeof s->currency);
		if ((s->countries = strdup(wf_col_text(st, 7))) == NULL) {
			wf_stmt_reset(st);
			return oom();
		}
		w->nsvc++;
	}
	if (rc < 0)
		return rc;
	for (k = 0; k < 2; k++) {
		int64_t y;
		unsigned m, d;
		size_t i;

		wf_civil_from_days(z + k, &y, &m, &d);
		for (i = 0; i < w->nsvc; i++)
			if ((rc = wf_time_from_local(w->tz, y, m, d, (unsigned)w->svc[i].cutoff / 60,
			    (unsigned)w->svc[i].cutoff % 60, 0, &w->svc[i].ship_by[k])) != 0)
				return rc;
	}
	return 0;
}

/* Read the active warehouses with their services, and where each stands in
 * its own day. */
static int
load_warehouses(struct run *r)
{
	static const char sql[] =
	    "SELECT id, code, timezone, capacity FROM warehouse WHERE state = 'active' ORDER BY code";
	wf_stmt *st;
	size_t cap = 0, i;
	int rc, k;

	free_wh(r);
	if ((rc = wf_db_stmt(r->db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(r->db, st)) == 1) {
		struct wh *w;
		if (r->nwh == cap) {
			struct wh *p = realloc(r->wh, (cap = cap ? 2 * cap : 8) * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			r->wh = p;
		}
		w = &r->wh[r->nwh++];
		memset(w, 0, sizeof *w);
		w->id = wf_col_int(st, 0);
		wf_strlcpy(w->code, wf_col_text(st, 1), sizeof w->code);
		wf_strlcpy(w->tz, wf_col_text(st, 2), sizeof w->tz);
		w->has_cap = !wf_col_null(st, 3);
		w->cap = wf_col_int(st, 3);
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < r->nwh; i++) {
		struct wh *w = &r->wh[i];
		struct wf_local l;
		int64_t z;

		if (wf_time_local(r->now, w->tz, &l) != 0)
			return wf_error_set(WF_EREFUSED, "warehouse %s: %s", w->code, wf_error_msg());
		w->now_min = (int)(l.hour * 60 + l.min);
		z = wf_days_from_civil(l.year, l.month, l.day);
		for (k = 0; k < 3; k++)
			if ((rc = wf_route_day_start(w->tz, z + k, &w->day_start[k], k < 2 ? w->date[k] : NULL)) != 0)
				return wf_error_prefix("warehouse %s", w->code);
		if ((rc = load_services(r, w, z)) != 0)
			return rc;
	}
	free(r->stock_ok);
	if ((r->stock_ok = calloc(r->nwh + 1, sizeof *r->stock_ok)) == NULL)
		return oom();
	return 0;
}

/* Load the rules and empty the caches when another connection changed the
 * database since they were read (PRAGMA data_version moves only for other
 * connections' commits, so a run's own writes keep its caches, which it
 * updates as it writes). */
int
wf_route_refresh(struct run *r)
{
	static const char sql[] = "PRAGMA data_version";
	wf_stmt *st;
	int64_t v;
	int rc;

	if ((rc = wf_stock_cache_sync(r->db, r->stock)) != 0 ||
	    (rc = wf_db_stmt(r->db, &st, sql)) != 0)
		return rc;
	if ((rc = wf_db_step(r->db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "no data_version");
	v = wf_col_int(st, 0);
	wf_stmt_reset(st);
	if (r->loaded && v == r->version)
		return 0;
	cache_flush(r);
	if ((rc = load_warehouses(r)) != 0)
		return rc;
	r->version = v;
	r->loaded = 1;
	return 0;
}

/* Capacity left at warehouse W on ship day K (0 today, 1 tomorrow), or -1
 * for no limit; *left receives it. */
static int
cap_left(struct run *r, struct wh *w, int k, int64_t *left)
{
	static const char sql[] =
	    "SELECT count(*) FROM order_route r"
	    " WHERE r.warehouse_id = ?1 AND r.ship_by >= ?2 AND r.ship_by < ?3"
	    " AND " ROUTE_LEG_LIVE;
	wf_stmt *st;
	int rc;

	if (!w->has_cap) {
		*left = -1;
		return 0;
	}
	if (!w->used_known[k]) {
		if ((rc = wf_db_stmt(r->db, &st, sql)) != 0)
			return rc;
		wf_bind_int(st, 1, w->id);
		wf_bind_time(st, 2, w->day_start[k]);
		wf_bind_time(st, 3, w->day_start[k + 1]);
		if ((rc = wf_db_step(r->db, st)) != 1)
			return rc < 0 ? rc : WF_EINTERNAL;
		w->used[k] = wf_col_int(st, 0);
		w->used_known[k] = 1;
		wf_stmt_reset(st);
	}
	*left = w->cap > w->used[k] ? w->cap - w->used[k] : 0;
	return 0;
}

/* ---- the SKU cache ------------------------------------------------------------------ */

static size_t
slot_of(const struct run *r, int64_t sku)
{
	uint64_t h = (uint64_t)sku * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 20) & (r->capcache - 1);
}

/* Make room for N more entries, before an order takes pointers into the
 * cache: grow it, or past 1M slots start it again. */
static int
cache_room(struct run *r, size_t n)
{
	struct skuc *old = r->cache, *p;
	size_t oldcap = r->capcache, cap = oldcap ? oldcap : 4096, i;

	while ((r->ncache + n) * 10 > cap * 7)
		cap *= 2;
	if (cap == oldcap)
		return 0;
	if (cap > ((size_t)1 << 20) && r->ncache > 0) {
		cache_flush(r);
		return cache_room(r, n);
	}
	if ((p = calloc(cap, sizeof *p)) == NULL)
		return oom();
	r->cache = p;
	r->capcache = cap;
	for (i = 0; i < oldcap; i++) {
		size_t j;
		if (old[i].sku_id == 0)
			continue;
		for (j = slot_of(r, old[i].sku_id); p[j].sku_id; j = (j + 1) & (cap - 1))
			;
		p[j] = old[i];
	}
	free(old);
	return 0;
}

static int
load_sku(struct run *r, int64_t sku, struct skuc *e, int64_t *v)
{
	static const char cost[] = "SELECT avg_cost, cost, currency FROM sku WHERE id = ?1";
	static const char landed[] =
	    "SELECT b.warehouse_id, sum(m.qty * m.unit_cost), sum(m.qty) FROM movement m"
	    " JOIN bin b ON b.id = m.to_bin WHERE m.sku_id = ?1 AND m.action = 'receive'"
	    " AND m.unit_cost IS NOT NULL AND m.currency = ?2 GROUP BY b.warehouse_id";
	struct wf_stock_bin *b;
	wf_stmt *st;
	size_t i, j, nb, n = r->nwh;
	int rc;

	for (i = 0; i < n; i++) {
		v[i] = 0;
		v[n + i] = -1;
	}
	/* the bins the reservations will walk: one read of them in the run */
	if ((rc = wf_stock_cache_bins(r->db, &b, &nb, r->stock, sku)) != 0)
		return rc;
	for (j = 0; j < nb; j++) {
		for (i = 0; i < n && r->wh[i].id != b[j].wh_id; i++)
			;
		if (i < n)
			v[i] += b[j].qty;
	}
	/* what is promised to orders is not there for others (wf_promise.h) */
	for (i = 0; i < n; i++) {
		int64_t p;
		if ((rc = wf_promise_units(r->db, &p, sku, r->wh[i].id, 0)) != 0)
			return rc;
		v[i] -= p;
	}
	if ((rc = wf_db_stmt(r->db, &st, cost)) != 0)
		return rc;
	wf_bind_int(st, 1, sku);
	if ((rc = wf_db_step(r->db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "SKU %lld vanished", (long long)sku);
	e->has_cost = !wf_col_null(st, 0) || !wf_col_null(st, 1);
	e->unit_cost = wf_col_int(st, wf_col_null(st, 0) ? 1 : 0);
	wf_strlcpy(e->cur, wf_col_text(st, 2), sizeof e->cur);
	wf_stmt_reset(st);
	if ((rc = wf_db_stmt(r->db, &st, landed)) != 0)
		return rc;
	wf_bind_int(st, 1, sku);
	wf_bind_text(st, 2, e->cur);
	while ((rc = wf_db_step(r->db, st)) == 1) {
		int64_t id = wf_col_int(st, 0), q = wf_col_int(st, 2), c;
		for (i = 0; i < n && r->wh[i].id != id; i++)
			;
		if (i < n && q > 0 && wf_money_muldiv(wf_col_int(st, 1), 1, q, &c) == 0)
			v[n + i] = c;
	}
	return rc < 0 ? rc : 0;
}

/* The cache entry of SKU (loaded on first use) into *out: valid until the
 * next cache_room(). */
static int
cache_get(struct run *r, int64_t sku, const struct skuc **out)
{
	struct skuc e;
	size_t j;
	int rc;

	for (j = slot_of(r, sku); r->cache[j].sku_id; j = (j + 1) & (r->capcache - 1))
		if (r->cache[j].sku_id == sku) {
			*out = &r->cache[j];
			return 0;
		}
	memset(&e, 0, sizeof e);
	if ((e.v = malloc((2 * r->nwh + 1) * sizeof *e.v)) == NULL)
		return oom();
	if ((rc = load_sku(r, sku, &e, e.v)) != 0) {
		free(e.v);
		return rc;
	}
	e.sku_id = sku;
	r->cache[j] = e;
	r->ncache++;
	*out = &r->cache[j];
	return 0;
}

/* ---- orders ------------------------------------------------------------------------ */

#define ORDER_COLS "id, ref, state, coalesce(held_from, ''), coalesce(hold_reason, ''),"\
	" promise_by, coalesce(ship_country, ''), currency, total, owner FROM orders"

/* 1 found, 0 not, or an error. */
int
wf_route_load_order(struct run *r, const struct key *k)
{
	static const char by_id[] = "SELECT " ORDER_COLS " WHERE id = ?1";
	static const char by_ref[] = "SELECT " ORDER_COLS " WHERE ref = ?1";
	static const char lines[] =
	    "SELECT l.sku_id, l.sku, sum(l.qty - l.qty_shipped),"
	    " sum(l.qty * l.unit_price - min(l.discount, l.qty * l.unit_price))"
	    " FROM order_line l WHERE l.order_id = ?1"
	    " GROUP BY coalesce(l.sku_id, -l.id) ORDER BY min(l.line_no)";
	struct order *o = &r->ord;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(r->db, &st, k->id ? by_id : by_ref)) != 0)
		return rc;
	if (k->id)
		wf_bind_int(st, 1, k->id);
	else
		wf_bind_text(st, 1, k->ref);
	if ((rc = wf_db_step(r->db, st)) != 1)
		return rc;
	o->id = wf_col_int(st, 0);
	wf_strlcpy(o->ref, wf_col_text(st, 1), sizeof o->ref);
	wf_strlcpy(o->state, wf_col_text(st, 2), sizeof o->state);
	wf_strlcpy(o->held_from, wf_col_text(st, 3), sizeof o->held_from);
	wf_strlcpy(o->hold_reason, wf_col_text(st, 4), sizeof o->hold_reason);
	o->has_promise = !wf_col_null(st, 5) &&
	    wf_time_parse(wf_col_text(st, 5), &o->promise_by) == 0;
	wf_strlcpy(o->country, wf_col_text(st, 6), sizeof o->country);
	wf_strlcpy(o->currency, wf_col_text(st, 7), sizeof o->currency);
	o->total = wf_col_int(st, 8);
	wf_strlcpy(o->owner, wf_col_text(st, 9), sizeof o->owner);
	wf_stmt_reset(st);

	o->nlines = 0;
	o->own_w = -1;
	o->units = o->revenue = 0;
	if ((rc = wf_db_stmt(r->db, &st, lines)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	while ((rc = wf_db_step(r->db, st)) == 1) {
		struct line *l;
		o->revenue += wf_col_int(st, 3);
		if (wf_col_int(st, 2) <= 0)
			continue;
		if (o->nlines == o->caplines) {
			size_t cap = o->caplines ? 2 * o->caplines : 16;
			struct line *p = realloc(o->lines, cap * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			o->lines = p;
			o->caplines = cap;
		}
		l = &o->lines[o->nlines++];
		memset(l, 0, sizeof *l);
		l->sku_id = wf_col_null(st, 0) ? 0 : wf_col_int(st, 0);
		wf_strlcpy(l->sku, wf_col_text(st, 1), sizeof l->sku);
		l->qty = wf_col_int(st, 2);
		o->units += l->qty;
	}
	return rc < 0 ? rc : 1;
}

/* Whether the order may be routed; else why not into WHY. */
int
wf_route_promised(const struct order *o)
{
	return strcmp(o->state, "promised") == 0 ||
	    (strcmp(o->state, "on_hold") == 0 && strcmp(o->held_from, "promised") == 0);
}

/* Give R->ord's own promised units back to the cache (SIGN 1), or take them
 * out again (-1): an order may take what it was promised itself. */
static void
own_promise(struct run *r, int sign)
{
	struct order *o = &r->ord;
	size_t i;

	if (o->own_w < 0)
		return;
	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].v)
			o->lines[i].v[o->own_w] += sign * o->lines[i].qty;
}

void
wf_route_own_undo(struct run *r)
{
	own_promise(r, -1);
	r->ord.own_w = -1;
}

/* The warehouse R->ord is promised at into its own_w (-1: none). */
static int
own_warehouse(struct run *r)
{
	int64_t id;
	size_t w;
	int rc;

	r->ord.own_w = -1;
	if (!wf_route_promised(&r->ord))
		return 0;
	if ((rc = wf_promise_warehouse(r->db, &id, r->ord.id)) != 0)
		return rc;
	for (w = 0; w < r->nwh; w++)
		if (r->wh[w].id == id)
			r->ord.own_w = (int)w;
	return 0;
}

int
wf_route_eligible(const struct order *o, char why[64])
{
	if (strcmp(o->state, "new") == 0 || strcmp(o->state, "promised") == 0)
		return 1;
	if (strcmp(o->state, "on_hold") == 0 &&
	    strncmp(o->hold_reason, WF_EX_UNROUTABLE, strlen(WF_EX_UNROUTABLE)) == 0 &&
	    (strcmp(o->held_from, "new") == 0 || strcmp(o->held_from, "promised") == 0))
		return 1;
	snprintf(why, 64, "state:%s", o->state);
	return 0;
}

/* ---- deciding ---------------------------------------------------------------------- */

/* The cost of goods of QTY units of line L shipped from warehouse W. */
static int
cogs(const struct run *r, const struct line *l, size_t w, int64_t qty, int64_t *out)
{
	int64_t unit = l->v[r->nwh + w];

	if (!l->same_cur)
		return 0;
	if (unit < 0) {
		if (!l->has_cost)
			return 0;
		unit = l->unit_cost;
	}
	return wf_money_mul(unit, qty, out) == 0;
}

/* The margin of shipping ALLOC (per line, per leg) over the legs. */
static void
margin_of(const struct run *r, const struct leg *legs, int nlegs, const int64_t *alloc,
    int *has, int64_t *margin)
{
	const struct order *o = &r->ord;
	int64_t m = o->revenue, c;
	size_t i;
	int k;

	*has = 0;
	for (k = 0; k < nlegs; k++) {
		const struct svc *s = &r->wh[legs[k].w].svc[legs[k].s];
		if (strcmp(s->currency, o->currency) != 0 || wf_money_add(m, -s->cost, &m) != 0)
			return;
		for (i = 0; i < o->nlines; i++) {
			int64_t q = alloc[(size_t)k * o->nlines + i];
			if (q == 0)
				continue;
			if (!cogs(r, &o->lines[i], (size_t)legs[k].w, q, &c) ||
			    wf_money_add(m, -c, &m) != 0)
				return;
		}
	}
	*has = 1;
	*margin = m;
}

struct wf_route_score
wf_route_score_of(const struct run *r, const struct cand *c)
{
	const struct wh *w = &r->wh[c->w];
	struct wf_route_score s;

	s.promise = c->promise;
	s.cost = c->cost;
	s.margin = c->margin;
	s.has_margin = c->has_margin;
	s.warehouse = w->code;
	s.carrier = w->svc[c->s].carrier;
	s.service = w->svc[c->s].service;
	return s;
}

static int
cand_push(struct run *r, struct cand **c)
{
	if (r->ncand == r->capcand) {
		size_t cap = r->capcand ? 2 * r->capcand : 16;
		struct cand *p = realloc(r->cand, cap * sizeof *p);
		if (p == NULL)
			return oom();
		r->cand = p;
		r->capcand = cap;
	}
	*c = &r->cand[r->ncand++];
	memset(*c, 0, sizeof **c);
	(*c)->day = -1;
	return 0;
}

static int
alloc_room(struct run *r)
{
	size_t need = (size_t)WF_ROUTE_MAX_LEGS * (r->ord.nlines + 1);

	if (need > r->capalloc) {
		int64_t *a = realloc(r->d.alloc, need * sizeof *a);
		int64_t *b;
		if (a == NULL)
			return oom();
		r->d.alloc = a;
		struct wf_order_units *u;
		if ((b = realloc(r->scratch, need * sizeof *b)) == NULL)
			return oom();
		r->scratch = b;
		if ((u = realloc(r->units, need * sizeof *u)) == NULL)
			return oom();
		r->units = u;
		r->capalloc = need;
	}
	return 0;
}

/* Every check of service S of warehouse W for the order, into C. */
static int
check(struct run *r, size_t w, size_t s, struct cand *c)
{
	struct wh *wh = &r->wh[w];
	struct svc *sv = &wh->svc[s];
	const struct order *o = &r->ord;
	int64_t left0 = 0, left1 = 0, *alloc = r->scratch;
	struct leg leg;
	size_t i;
	int rc;

	c->w = (int)w;
	c->s = (int)s;
	c->cost = sv->cost;
	if (!r->stock_ok[w])
		c->fails |= WF_ROUTE_NO_STOCK;
	c->other_cur = strcmp(sv->currency, o->currency) != 0;
	if (!wf_route_covers(sv->countries, o->country) || c->other_cur)
		c->fails |= WF_ROUTE_NO_SERVICE;
	if ((wh->now_min < sv->cutoff && (rc = cap_left(r, wh, 0, &left0)) != 0) ||
	    (rc = cap_left(r, wh, 1, &left1)) != 0)
		return rc;
	c->day = wf_route_ship_day(wh->now_min, sv->cutoff, left0, left1);
	if (c->day < 0)
		c->fails |= WF_ROUTE_NO_CAPACITY;
	else {
		c->ship_by = sv->ship_by[c->day];
		c->promise = c->ship_by + (int64_t)sv->transit * 86400;
		if (o->has_promise && c->promise > o->promise_by)
			c->fails |= WF_ROUTE_LATE;
	}
	leg.w = (int)w;
	leg.s = (int)s;
	for (i = 0; i < o->nlines; i++)
		alloc[i] = o->lines[i].qty;
	margin_of(r, &leg, 1, alloc, &c->has_margin, &c->margin);
	return 0;
}

static int
rank_cmp(const struct run *r, const struct cand *a, const struct cand *b)
{
	struct wf_route_score sa = wf_route_score_of(r, a), sb = wf_route_score_of(r, b);

	return wf_route_cmp(r->o->policy, &sa, &sb);
}

/* Number the candidates that did not fail, best first; the best's index,
 * or -1. */
static int
rank(struct run *r)
{
	size_t i, j;
	int best = -1;

	for (i = 0; i < r->ncand; i++) {
		struct cand *c = &r->cand[i];
		if (c->fails)
			continue;
		c->rank = 1;
		for (j = 0; j < r->ncand; j++)
			if (j != i && r->cand[j].fails == 0 && rank_cmp(r, &r->cand[j], c) < 0)
				c->rank++;
		if (c->rank == 1)
			best = (int)i;
	}
	return best;
}

/* Split: the fewest warehouses that together hold the order.  1 when one
 * was found (legs and allocation in the decision), 0 when none. */
static int
split(struct run *r)
{
	const struct order *o = &r->ord;
	struct decision *d = &r->d;
	struct usable { int w, c; } *u;
	enum wf_route_policy p = r->o->policy == WF_ROUTE_MARGIN ? WF_ROUTE_CHEAPEST :
	    r->o->policy;
	int idx[WF_ROUTE_MAX_LEGS], n = 0, k, best_k = 0, tried = 0;
	int64_t best_cost = 0, *try = r->scratch, *rem;
	size_t i, nl = o->nlines, c;
	int w;

	/* the warehouses' rows after the lines' (one allocation) */
	if ((rem = malloc((nl + 1) * sizeof *rem + (r->nwh + 1) * sizeof *u)) == NULL)
		return oom();
	u = (struct usable *)(void *)(rem + nl + 1);
	/* warehouses with some of the order and a usable service: the best */
	for (w = 0; w < (int)r->nwh; w++) {
		int some = 0, b = -1;
		for (i = 0; i < nl; i++)
			some |= o->lines[i].v[w] > 0;
		for (c = 0; some && c < r->ncand; c++) {
			struct cand *x = &r->cand[c];
			struct wf_route_score sx, sb;
			memset(&sb, 0, sizeof sb);
			if (x->w != w || x->s < 0 || (x->fails & ~WF_ROUTE_NO_STOCK))
				continue;
			sx = wf_route_score_of(r, x);
			if (b >= 0)
				sb = wf_route_score_of(r, &r->cand[b]);
			if (b < 0 || wf_route_cmp(p, &sx, &sb) < 0)
				b = (int)c;
		}
		if (b >= 0) {
			u[n].w = w;
			u[n++].c = b;
		}
	}
	assert(n <= (int)r->nwh);
	for (k = 2; k <= n && k <= WF_ROUTE_MAX_LEGS && best_k == 0; k++) {
		int j;
		for (j = 0; j < k; j++)
			idx[j] = j;
		for (;;) {
			int64_t cost = 0;
			int ok = 1;

			if (++tried > WF_ROUTE_MAX_SPLIT_SETS)
				goto done;
			for (i = 0; i < nl; i++)
				rem[i] = o->lines[i].qty;
			for (j = 0; j < k && ok; j++) {
				int64_t got = 0;
				int ww = u[idx[j]].w;
				for (i = 0; i < nl; i++) {
					int64_t t = o->lines[i].v[ww] < rem[i] ? o->lines[i].v[ww] : rem[i];
					if (t < 0)
						t = 0;
					try[(size_t)j * nl + i] = t;
					rem[i] -= t;
					got += t;
				}
				ok = got > 0;
				cost += r->cand[u[idx[j]].c].cost;
			}
			for (i = 0; i < nl && ok; i++)
				ok = rem[i] == 0;
			if (ok && (best_k == 0 || cost < best_cost)) {
				best_k = k;
				best_cost = cost;
				for (j = 0; j < k; j++) {
					const struct cand *x = &r->cand[u[idx[j]].c];
					d->legs[j].w = x->w;
					d->legs[j].s = x->s;
					d->legs[j].day = x->day;
					d->legs[j].ship_by = x->ship_by;
					d->legs[j].promise = x->promise;
					d->legs[j].cost = x->cost;
				}
				memcpy(d->alloc, try, (size_t)k * nl * sizeof *try);
			}
			/* the next set of k, in code order */
			for (j = k - 1; j >= 0 && idx[j] == n - k + j; j--)
				;
			if (j < 0)
				break;
			idx[j]++;
			for (j++; j < k; j++)
				idx[j] = idx[j - 1] + 1;
		}
	}
done:
	free(rem);
	if (best_k == 0)
		return 0;
	d->nlegs = best_k;
	d->cost = best_cost;
	margin_of(r, d->legs, d->nlegs, d->alloc, &d->has_margin, &d->margin);
	return 1;
}

/* Decide the loaded order. */
int
wf_route_decide(struct run *r)
{
	struct order *o = &r->ord;
	struct decision *d = &r->d;
	size_t w, s, i;
	int rc, best;

	r->ncand = 0;
	d->nlegs = 0;
	d->reasons = 0;
	d->has_margin = 0;
	d->margin = d->cost = 0;
	d->result = "unroutable";
	if ((rc = alloc_room(r)) != 0)
		return rc;
	for (i = 0; i < o->nlines; i++)
		if (o->lines[i].sku_id == 0)
			d->reasons |= WF_ROUTE_UNKNOWN_SKU;
	if (d->reasons)
		return 0;
	if (r->nwh == 0) {
		d->reasons = WF_ROUTE_NO_WAREHOUSE;
		return 0;
	}
	if ((rc = cache_room(r, o->nlines)) != 0)
		return rc;
	for (i = 0; i < o->nlines; i++) {
		struct line *l = &o->lines[i];
		const struct skuc *e = NULL;
		if ((rc = cache_get(r, l->sku_id, &e)) != 0)
			return rc;
		l->v = e->v;
		l->has_cost = e->has_cost;
		l->unit_cost = e->unit_cost;
		wf_strlcpy(l->sku_cur, e->cur, sizeof l->sku_cur);
		l->same_cur = strcmp(l->sku_cur, o->currency) == 0;
	}
	if ((rc = own_warehouse(r)) != 0)
		return rc;
	own_promise(r, 1);
	for (w = 0; w < r->nwh; w++) {
		r->stock_ok[w] = 1;
		for (i = 0; i < o->nlines; i++)
			if (o->lines[i].v[w] < o->lines[i].qty)
				r->stock_ok[w] = 0;
	}
	for (w = 0; w < r->nwh; w++) {
		struct cand *c;
		if (r->wh[w].nsvc == 0) {
			if ((rc = cand_push(r, &c)) != 0)
				return rc;
			c->w = (int)w;
			c->s = -1;
			c->fails = WF_ROUTE_NO_SERVICE | (r->stock_ok[w] ? 0 : WF_ROUTE_NO_STOCK);
			continue;
		}
		for (s = 0; s < r->wh[w].nsvc; s++)
			if ((rc = cand_push(r, &c)) != 0 || (rc = check(r, w, s, c)) != 0)
				return rc;
	}
	if ((best = rank(r)) >= 0) {
		const struct cand *c = &r->cand[best];
		d->result = "routed";
		d->nlegs = 1;
		d->legs[0].w = c->w;
		d->legs[0].s = c->s;
		d->legs[0].day = c->day;
		d->legs[0].ship_by = c->ship_by;
		d->legs[0].promise = c->promise;
		d->legs[0].cost = d->cost = c->cost;
		d->has_margin = c->has_margin;
		d->margin = c->margin;
		for (i = 0; i < o->nlines; i++)
			d->alloc[i] = o->lines[i].qty;
		return 0;
	}
	if (r->o->split && (rc = split(r)) != 0) {
		if (rc < 0)
			return rc;
		d->result = "split";
		return 0;
	}
	for (i = 0; i < r->ncand; i++) {
		unsigned f = r->cand[i].fails;
		d->reasons |= f & (~f + 1);     /* the first that fails */
	}
	return 0;
}

/* What the decision takes: stock from the cache, capacity from the day. */
void
wf_route_take(struct run *r)
{
	const struct order *o = &r->ord;
	const struct decision *d = &r->d;
	size_t i;
	int k;

	for (k = 0; k < d->nlegs; k++) {
		struct wh *w = &r->wh[d->legs[k].w];
		for (i = 0; i < o->nlines; i++)
			o->lines[i].v[d->legs[k].w] -= d->alloc[(size_t)k * o->nlines + i];
		if (w->has_cap)
			w->used[d->legs[k].day]++;
	}
}

/* ---- explaining ---------------------------------------------------------------------- */

/* Why candidate C failed (its first reason), into B. */
static int
detail(struct run *r, const struct cand *c, wf_buf *b)
{
	const struct order *o = &r->ord;
	const struct wh *w = &r->wh[c->w];
	const struct svc *s = c->s >= 0 ? &w->svc[c->s] : NULL;
	unsigned f = c->fails;
	char t1[WF_TIME_LEN], t2[WF_TIME_LEN];
	size_t i;
	int rc = 0, n = 0;

	wf_buf_reset(b);
	if (f & WF_ROUTE_NO_STOCK) {
		for (i = 0; i < o->nlines; i++) {
			const struct line *l = &o->lines[i];
			if (l->v[c->w] >= l->qty)
				continue;
			rc |= wf_buf_addf(b, "%s%s: %lld available, %lld needed", n++ ? "; " : "",
			    l->sku, (long long)(l->v[c->w] > 0 ? l->v[c->w] : 0), (long long)l->qty);
		}
	} else if (f & WF_ROUTE_NO_SERVICE) {
		if (s == NULL)
			rc |= wf_buf_addf(b, "%s has no carrier service", w->code);
		else if (!wf_route_covers(s->countries, o->country)) {
			if (*o->country)
				rc |= wf_buf_addf(b, "%s/%s does not ship to %s (only %s)", s->carrier,
				    s->service, o->country, s->countries);
			else
				rc |= wf_buf_addf(b, "the order has no ship-to country; %s/%s ships only "
				    "to %s", s->carrier, s->service, s->countries);
		} else
			rc |= wf_buf_addf(b, "%s/%s is priced in %s; the order is in %s", s->carrier,
			    s->service, s->currency, o->currency);
	} else if (f & WF_ROUTE_NO_CAPACITY) {
		if (w->now_min < s->cutoff)
			rc |= wf_buf_addf(b, "%s ships %lld orders a day: full on %s and %s", w->code,
			    (long long)w->cap, w->date[0], w->date[1]);
		else
			rc |= wf_buf_addf(b, "past the %02d:%02d cutoff, and %s (%lld orders a day) is "
			    "full on %s", s->cutoff / 60, s->cutoff % 60, w->code, (long long)w->cap,
			    w->date[1]);
	} else if (f & WF_ROUTE_LATE) {
		wf_time_format(c->promise, t1);
		wf_time_format(o->promise_by, t2);
		rc |= wf_buf_addf(b, "promise %s is after promise_by %s", t1, t2);
	}
	return rc ? oom() : 0;
}

static int
reasons_json(const struct run *r, cJSON *o, const char *key)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	if (a == NULL)
		return WF_ENOMEM;
	if (strcmp(r->d.result, "skipped") == 0)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->d.skip));
	else
		for (i = 0; i < WF_ROUTE_NREASONS; i++)
			if (r->d.reasons & wf_route_reason_bits[i])
				cJSON_AddItemToArray(a, cJSON_CreateString(
				    wf_route_reason(wf_route_reason_bits[i])));
	return wf_jadd_item(o, key, a);
}

/* The candidates as JSON: FULL for --explain (times, cost, margin, rank),
 * else for evidence. */
static cJSON *
candidates_json(struct run *r, int full)
{
	const struct order *o = &r->ord;
	cJSON *a = cJSON_CreateArray();
	wf_buf b = {0};
	size_t i;
	int rc = 0;

	for (i = 0; a && i < r->ncand && rc == 0; i++) {
		const struct cand *c = &r->cand[i];
		const struct wh *w = &r->wh[c->w];
		const struct svc *s = c->s >= 0 ? &w->svc[c->s] : NULL;
		cJSON *x = cJSON_CreateObject();

		if (x == NULL || !cJSON_AddItemToArray(a, x)) {
			cJSON_Delete(x);
			rc = WF_ENOMEM;
			break;
		}
		rc |= wf_jadd_str(x, "warehouse", w->code);
		rc |= wf_jadd_str(x, "carrier", s ? s->carrier : NULL);
		rc |= wf_jadd_str(x, "service", s ? s->service : NULL);
		rc |= wf_jadd_str(x, "result", wf_route_reason(c->fails));
		if ((rc |= detail(r, c, &b)) == 0)
			rc |= wf_jadd_str(x, "detail", b.len ? b.p : NULL);
		if (!full)
			continue;
		if (c->day >= 0) {
			rc |= wf_jadd_time(x, "ship_by", c->ship_by);
			rc |= wf_jadd_time(x, "promise", c->promise);
		} else {
			rc |= wf_jadd_null(x, "ship_by");
			rc |= wf_jadd_null(x, "promise");
		}
		rc |= s ? wf_jadd_money(x, "cost", s->cost, s->currency) : wf_jadd_null(x, "cost");
		rc |= wf_jadd_str(x, "currency", s ? s->currency : NULL);
		rc |= c->has_margin ? wf_jadd_money(x, "margin", c->margin, o->currency) :
		    wf_jadd_null(x, "margin");
		rc |= c->rank ? wf_jadd_int(x, "rank", c->rank) : wf_jadd_null(x, "rank");
	}
	wf_buf_free(&b);
	if (rc || a == NULL) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

cJSON *
wf_route_legs_json(const struct run *r)
{
	const struct order *o = &r->ord;
	const struct decision *d = &r->d;
	cJSON *a = cJSON_CreateArray();
	size_t i;
	int k, rc = 0;

	for (k = 0; a && k < d->nlegs && rc == 0; k++) {
		const struct leg *g = &d->legs[k];
		const struct wh *w = &r->wh[g->w];
		cJSON *x = cJSON_CreateObject(), *lines = cJSON_CreateArray();

		if (x == NULL || lines == NULL || !cJSON_AddItemToArray(a, x)) {
			cJSON_Delete(x);
			cJSON_Delete(lines);
			rc = WF_ENOMEM;
			break;
		}
		rc |= wf_jadd_str(x, "warehouse", w->code);
		rc |= wf_jadd_str(x, "carrier", w->svc[g->s].carrier);
		rc |= wf_jadd_str(x, "service", w->svc[g->s].service);
		rc |= wf_jadd_time(x, "ship_by", g->ship_by);
		rc |= wf_jadd_time(x, "promise", g->promise);
		rc |= wf_jadd_money(x, "cost", g->cost, o->currency);
		for (i = 0; i < o->nlines; i++) {
			int64_t q = d->alloc[(size_t)k * o->nlines + i];
			cJSON *l;
			if (q == 0)
				continue;
			if ((l = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(lines, l)) {
				cJSON_Delete(l);
				rc = WF_ENOMEM;
				break;
			}
			rc |= wf_jadd_str(l, "sku", o->lines[i].sku);
			rc |= wf_jadd_int(l, "qty", q);
		}
		rc |= wf_jadd_item(x, "lines", lines);
	}
	if (rc || a == NULL) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

/* The latest ship_by and promise of the legs. */
static void
last_times(const struct decision *d, int64_t *ship_by, int64_t *promise)
{
	int k;

	*ship_by = *promise = 0;
	for (k = 0; k < d->nlegs; k++) {
		if (d->legs[k].ship_by > *ship_by)
			*ship_by = d->legs[k].ship_by;
		if (d->legs[k].promise > *promise)
			*promise = d->legs[k].promise;
	}
}

/* The route record's note into R->note ("" for none): the services that
 * fail for their currency alone -- they cover the order's country and
 * pass every other check, but there are no exchange rates to compare their
 * price -- so that a carrier priced in the wrong currency shows in the
 * plain output, not only under --explain. */
static int
note_of(struct run *r)
{
	const struct order *o = &r->ord;
	size_t i;
	int rc = 0, n = 0;

	wf_buf_reset(&r->note);
	for (i = 0; i < r->ncand; i++) {
		const struct cand *c = &r->cand[i];
		const struct wh *w = &r->wh[c->w];
		const struct svc *s = c->s >= 0 ? &w->svc[c->s] : NULL;
		if (s == NULL || !c->other_cur || c->fails != WF_ROUTE_NO_SERVICE ||
		    !wf_route_covers(s->countries, o->country))
			continue;
		rc |= wf_buf_addf(&r->note, "%s %s %s/%s (%s)", n++ ? "," : "not compared, priced "
		    "in another currency than the order's:", w->code, s->carrier, s->service,
		    s->currency);
	}
	return rc ? oom() : 0;
}

int
wf_route_emit(struct run *r, const char *exception)
{
	static const char *const cols[] = {
		"order", "result", "warehouse", "carrier", "service", "ship_by", "promise",
		"cost", "margin", "reasons", "note", NULL
	};
	static const char *const cand_cols[] = {
		"order", "warehouse", "carrier", "service", "result", "rank", "ship_by", "promise",
		"cost", "currency", "margin", "detail", NULL
	};
	static const char *const leg_cols[] = {
		"order", "warehouse", "carrier", "service", "ship_by", "promise", "cost", "lines",
		NULL
	};
	const struct order *o = &r->ord;
	const struct decision *d = &r->d;
	int one = strcmp(d->result, "routed") == 0 || strcmp(d->result, "promised") == 0, some = one || strcmp(d->result, "split") == 0;
	const struct wh *w = one ? &r->wh[d->legs[0].w] : NULL;
	const struct svc *s = one ? &w->svc[d->legs[0].s] : NULL;
	int64_t ship_by, promise;
	cJSON *x;
	int rc = 0;

	/* a table shows the candidates and a split's legs as rows of their own */
	wf_out_columns(r->out, "route", cols);
	wf_out_columns(r->out, "route.candidates", cand_cols);
	wf_out_columns(r->out, "route.legs", leg_cols);
	if ((rc = wf_out_sublist(r->out, "route", "candidates")) != 0 ||
	    (rc = wf_out_sublist(r->out, "route", "legs")) != 0 || (rc = note_of(r)) != 0)
		return rc;
	if ((x = wf_jrecord("route")) == NULL)
		return oom();
	last_times(d, &ship_by, &promise);
	rc |= wf_jadd_str(x, "order", o->ref);
	rc |= wf_jadd_str(x, "result", d->result);
	rc |= wf_jadd_str(x, "warehouse", w ? w->code : NULL);
	rc |= wf_jadd_str(x, "carrier", s ? s->carrier : NULL);
	rc |= wf_jadd_str(x, "service", s ? s->service : NULL);
	rc |= some ? wf_jadd_time(x, "ship_by", ship_by) : wf_jadd_null(x, "ship_by");
	rc |= some ? wf_jadd_time(x, "promise", promise) : wf_jadd_null(x, "promise");
	rc |= some ? wf_jadd_money(x, "cost", d->cost, o->currency) : wf_jadd_null(x, "cost");
	rc |= some && d->has_margin ? wf_jadd_money(x, "margin", d->margin, o->currency) :
	    wf_jadd_null(x, "margin");
	rc |= wf_jadd_str(x, "currency", o->currency);
	rc |= reasons_json(r, x, "reasons");
	rc |= wf_jadd_str(x, "note", r->note.len ? r->note.p : NULL);
	if (strcmp(d->result, "split") == 0)
		rc |= wf_jadd_item(x, "legs", wf_route_legs_json(r));
	if (exception)
		rc |= wf_jadd_str(x, "exception", exception);
	if (r->o->explain && strcmp(d->result, "skipped") != 0)
		rc |= wf_jadd_item(x, "candidates", candidates_json(r, 1));
	if (rc) {
		cJSON_Delete(x);
		return oom();
	}
	return wf_out_emit(r->out, x);
}
