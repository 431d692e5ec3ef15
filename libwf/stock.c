/* stock.c - the ledger, reservations, handling, counts, adjustments and
 * the moving average cost (levels and value are levels.c's).
 *
 * owns: movement, balance, held, adjustment
 * reads: sku, bin, warehouse
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_promise.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_stock_cache.h"
#include "wf_time.h"
#include "wf_record.h"
#include "wf_text.h"
#include "wf_upsert.h"

#define HELD_SQL "('inbound','reserved','picked','packed')"
#define VALUED_SQL "('on_hand','reserved','picked','packed')"

/* The most units a SKU has in stock, all balances together (and so the
 * most any one balance, level or movement has): what survives JSON.  The
 * schema bounds each balance; wf_stock_book() the SKU's sum. */
#define STOCK_MAX ((int64_t)9007199254740991)

static int
held_state(const char *s)
{
	return s && (strcmp(s, "inbound") == 0 || strcmp(s, "reserved") == 0 ||
	    strcmp(s, "picked") == 0 || strcmp(s, "packed") == 0);
}

/* ---- booking ------------------------------------------------------------------ */

/* After the schema refused a movement, say what was short. */
static int
shortage(wf_db *db, const struct wf_move *m)
{
	static const char sql[] =
	    "SELECT coalesce(sum(qty), 0), (SELECT code FROM sku WHERE id = ?1)"
	    " FROM balance WHERE sku_id = ?1 AND bin_id = ?2 AND state = ?3 AND holder = ?4";
	static const char held_sql[] =
	    "SELECT coalesce(sum(qty), 0), (SELECT code FROM sku WHERE id = ?1)"
	    " FROM held WHERE holder = ?4 AND sku_id = ?1 AND bin_id = ?2 AND state = ?3";
	wf_buf bin = {0};
	wf_stmt *st;
	int64_t have = 0;
	char sku[72] = "?";
	int rc;

	if ((rc = wf_db_stmt(db, &st, held_state(m->from_state) ? held_sql : sql)) != 0)
		return rc;
	wf_bind_int(st, 1, m->sku_id);
	wf_bind_int(st, 2, m->from_bin);
	wf_bind_text(st, 3, m->from_state);
	wf_bind_text(st, 4, held_state(m->from_state) ? m->holder : "");
	if ((rc = wf_db_step(db, st)) == 1) {
		have = wf_col_int(st, 0);
		wf_upsert_copy(sku, sizeof sku, wf_col_text(st, 1));
		wf_stmt_reset(st);
	}
	wf_bin_name(db, &bin, m->from_bin);
	rc = wf_error_set(WF_EREFUSED, "insufficient stock: %s has %lld %s %s%s%s, %lld needed",
	    wf_buf_str(&bin), (long long)have, sku, m->from_state,
	    held_state(m->from_state) ? " for " : "",
	    held_state(m->from_state) ? m->holder : "", (long long)m->qty);
	wf_buf_free(&bin);
	return rc;
}

/* Units coming in from outside (M has no source bin) must not take the
 * SKU's stock, all its balances together, past STOCK_MAX; only they add to
 * it.  0, or WF_EREFUSED saying by how much. */
static int
within_max(wf_db *db, const struct wf_move *m)
{
	static const char sql[] =
	    "SELECT code, (SELECT coalesce(sum(qty), 0) FROM balance WHERE sku_id = ?1)"
	    " FROM sku WHERE id = ?1";
	wf_stmt *st;
	int64_t have;
	int rc;

	if (m->from_bin != 0 || m->to_bin == 0)
		return 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, m->sku_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "SKU %lld vanished",
		    (long long)m->sku_id);
	have = wf_col_int(st, 1);
	if (m->qty > STOCK_MAX - have)
		rc = wf_error_set(WF_EREFUSED, "%s has %lld units; %lld more would take its "
		    "stock past %lld, the most Workform keeps", wf_col_text(st, 0),
		    (long long)have, (long long)m->qty, (long long)STOCK_MAX);
	else
		rc = 0;
	wf_stmt_reset(st);
	return rc;
}

/* The cost a movement carries when its booker gives none: units leaving to
 * a customer (to "shipped") and units coming back on hand from one (from
 * "shipped" or "returned", a return or a restock) move at the SKU's moving
 * average cost at that moment, else its cost before any costed receipt,
 * in the SKU's currency (what wf_stock_value values them at); a SKU with
 * neither moves without a cost.  So the ledger keeps the cost of goods
 * sold at the moment each unit shipped, and what a return gives back.
 * A count's adjustment (action "count", units found or lost) moves at the
 * same cost, so a count variance has its value in money at the time of
 * the count. */
static int
default_cost(wf_db *db, struct wf_move *m, char cur[4])
{
	static const char sql[] =
	    "SELECT coalesce(avg_cost, cost), currency FROM sku WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if (m->has_cost || !(strcmp(m->action, "count") == 0 ||
	    (m->to_state && strcmp(m->to_state, "shipped") == 0) ||
	    (m->to_state && strcmp(m->to_state, "on_hand") == 0 && m->from_state &&
	    (strcmp(m->from_state, "shipped") == 0 || strcmp(m->from_state, "returned") == 0))))
		return 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, m->sku_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "SKU %lld vanished",
		    (long long)m->sku_id);
	if (!wf_col_null(st, 0)) {
		m->has_cost = 1;
		m->unit_cost = wf_col_int(st, 0);
		wf_strlcpy(cur, wf_col_text(st, 1), 4);
		m->currency = cur;
	}
	wf_stmt_reset(st);
	return 0;
}

int
wf_stock_book(wf_db *db, int64_t *id, const struct wf_move *mv)
{
	static const char sql[] =
	    "INSERT INTO movement (at, actor, action, sku_id, qty, from_bin, from_state,"
	    " to_bin, to_state, holder, ref, reason, unit_cost, currency)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
	struct wf_move copy = *mv, *m = &copy;
	char cur[4];
	wf_stmt *st;
	int rc;

	assert(m->qty > 0 && (m->from_bin != 0 || m->to_bin != 0));
	if (m->qty > STOCK_MAX)
		return wf_error_set(WF_EREFUSED, "a movement of %lld units is past %lld, the most "
		    "Workform keeps", (long long)m->qty, (long long)STOCK_MAX);
	if ((rc = within_max(db, m)) != 0 || (rc = default_cost(db, m, cur)) != 0 ||
	    (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_time(st, 1, wf_db_now(db));
	wf_bind_text(st, 2, wf_db_actor(db));
	wf_bind_text(st, 3, m->action);
	wf_bind_int(st, 4, m->sku_id);
	wf_bind_int(st, 5, m->qty);
	wf_bind_opt_int(st, 6, m->from_bin != 0, m->from_bin);
	wf_bind_text(st, 7, m->from_state);
	wf_bind_opt_int(st, 8, m->to_bin != 0, m->to_bin);
	wf_bind_text(st, 9, m->to_state);
	wf_bind_text(st, 10, m->holder);
	wf_bind_text(st, 11, m->ref);
	wf_bind_text(st, 12, m->reason);
	wf_bind_opt_int(st, 13, m->has_cost, m->unit_cost);
	wf_bind_text(st, 14, m->has_cost ? m->currency : NULL);
	rc = wf_db_done(db, st);
	if (rc == WF_EREFUSED && strstr(wf_error_msg(), "insufficient stock"))
		return shortage(db, m);
	if (rc != 0)
		return rc;
	if (id)
		*id = wf_db_last_id(db);
	return 0;
}

/* ---- valuation ------------------------------------------------------------------ */

int
wf_stock_revalue(wf_db *db, int64_t sku_id, int64_t qty, int64_t unit_cost)
{
	static const char get[] =
	    "SELECT avg_cost, cost, (SELECT coalesce(sum(qty), 0) FROM balance"
	    " WHERE sku_id = ?1 AND state IN " VALUED_SQL ") FROM sku WHERE id = ?1";
	wf_stmt *st;
	int64_t base, have, avg;
	__int128 num;
	int rc;

	assert(qty > 0 && unit_cost >= 0);
	if ((rc = wf_db_stmt(db, &st, get)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "SKU %lld vanished", (long long)sku_id);
	base = !wf_col_null(st, 0) ? wf_col_int(st, 0) :
	    !wf_col_null(st, 1) ? wf_col_int(st, 1) : unit_cost;
	have = wf_col_int(st, 2);
	wf_stmt_reset(st);
	if (have < 0)
		have = 0;
	/* half away from zero; everything here is >= 0 */
	num = (__int128)have * base + (__int128)qty * unit_cost;
	avg = (int64_t)((2 * num + (have + qty)) / (2 * (__int128)(have + qty)));
	if (avg > WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "average cost out of range");
	return wf_sku_set_avg_cost(db, sku_id, avg);
}

/* ---- bins with stock, in reservation order --------------------------------------- */

struct slot {
	int64_t bin, qty;
	int     rank;          /* the bin kind's place in KIND_ORDER */
	char    code[40];      /* the bin's code (at most 32 characters) */
};

struct slots {
	struct slot *v;
	size_t n, cap;
};

static int
slots_push(struct slots *s, wf_stmt *st)
{
	struct slot *v;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct slot *p = realloc(s->v, cap * sizeof *p);
		if (p == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		s->v = p;
		s->cap = cap;
	}
	v = &s->v[s->n++];
	v->bin = wf_col_int(st, 0);
	v->qty = wf_col_int(st, 1);
	v->rank = (int)wf_col_int(st, 2);
	/* a bin code is at most 32 characters of [A-Za-z0-9._-] (the schema's) */
	if (wf_strlcpy(v->code, wf_col_text(st, 3), sizeof v->code) >= sizeof v->code)
		return wf_error_set(WF_EINTERNAL, "bin %lld has a code past 32 characters",
		    (long long)v->bin);
	return 0;
}

/* Reservation order: pick bins first, then bulk, inbound and returns, and
 * by code within a kind; what is put back or taken out goes in reverse. */
static int
slot_cmp(const void *pa, const void *pb)
{
	const struct slot *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->code, b->code);
}

static int
slot_cmp_desc(const void *pa, const void *pb)
{
	return slot_cmp(pb, pa);
}

#define KIND_ORDER "CASE b.kind WHEN 'pick' THEN 0 WHEN 'bulk' THEN 1" \
                   " WHEN 'inbound' THEN 2 WHEN 'returns' THEN 3 ELSE 4 END"

/* Read the matching balances into S in reservation order (DESC: reversed).
 * Read first, book after, so no statement reads a table while it changes.
 * The order is made here, not by ORDER BY: the sorter SQLite opens for it
 * cost more than the query, which runs for every line reserved. */
static int
load_slots(wf_db *db, const char *sql, int desc, int64_t sku_id, int64_t wh_id,
    const char *state, const char *holder, struct slots *s)
{
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, wh_id);
	wf_bind_text(st, 3, state);
	wf_bind_text(st, 4, holder);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = slots_push(s, st)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	if (rc == 0 && s->n > 1)
		wf_sort(s->v, s->n, sizeof *s->v, desc ? slot_cmp_desc : slot_cmp);
	return rc;
}

static const char held_bins[] =
    "SELECT b.id, h.qty, " KIND_ORDER ", b.code FROM held h JOIN bin b ON b.id = h.bin_id"
    " WHERE h.holder = ?4 AND h.sku_id = ?1 AND (?2 = 0 OR b.warehouse_id = ?2)"
    " AND h.state = ?3";

int
wf_stock_held(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id,
    const char *holder, const char *state)
{
	struct slots s = { NULL, 0, 0 };
	size_t i;
	int rc = load_slots(db, held_bins, 1, sku_id, wh_id, state, holder, &s);

	*qty = 0;
	for (i = 0; i < s.n; i++)
		*qty += s.v[i].qty;
	free(s.v);
	return rc;
}

static int
alloc_add(wf_db *db, cJSON *allocs, int64_t bin, int64_t qty, int64_t movement)
{
	wf_buf name = {0};
	cJSON *a;
	int rc;

	if (allocs == NULL)
		return 0;
	if ((rc = wf_bin_name(db, &name, bin)) != 0)
		return rc;
	a = cJSON_CreateObject();
	if (a == NULL || wf_jadd_str(a, "bin", name.p) | wf_jadd_int(a, "qty", qty) |
	    wf_jadd_int(a, "movement", movement) || !cJSON_AddItemToArray(allocs, a)) {
		cJSON_Delete(a);
		wf_buf_free(&name);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	wf_buf_free(&name);
	return 0;
}

static int
warehouse_code(wf_db *db, int64_t wh_id, char out[40], char state[16])
{
	static const char sql[] = "SELECT code, state FROM warehouse WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, wh_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown warehouse %lld",
		    (long long)wh_id);
	wf_upsert_copy(out, 40, wf_col_text(st, 0));
	if (state)
		wf_upsert_copy(state, 16, wf_col_text(st, 1));
	wf_stmt_reset(st);
	return 0;
}

static int
sku_code(wf_db *db, int64_t sku_id, char out[72])
{
	static const char sql[] = "SELECT code FROM sku WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown SKU %lld", (long long)sku_id);
	wf_upsert_copy(out, 72, wf_col_text(st, 0));
	wf_stmt_reset(st);
	return 0;
}

/* Reserve for HOLDER, the movements caused by CAUSE (wf_stock_reserve),
 * walking the SKU's free bins in C (NULL: read for this call alone), and
 * taking from them what is booked. */
static int
reserve_for(wf_db *db, int64_t *got, cJSON *allocs, struct wf_stock_cache *c,
    int64_t sku_id, int64_t wh_id, int64_t qty, const char *holder, const char *cause,
    int partial)
{
	struct wf_stock_cache *own = NULL;
	struct wf_stock_bin *b;
	int64_t avail = 0, left = qty, take, mid;
	char wh[40], state[16], sku[72];
	size_t i, n;
	int rc;

	if (got)
		*got = 0;
	if ((rc = warehouse_code(db, wh_id, wh, state)) != 0)
		return rc;
	if (strcmp(state, "active") != 0)
		return wf_error_set(WF_EREFUSED, "warehouse %s is %s; nothing can be reserved there",
		    wh, state);
	if (c == NULL && (c = own = wf_stock_cache_new()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	/* B stays C's until the next call that takes C: booking does not */
	if ((rc = wf_stock_cache_bins(db, &b, &n, c, sku_id)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if (b[i].wh_id == wh_id)
			avail += b[i].qty;
	if (avail < qty && !partial) {
		if ((rc = sku_code(db, sku_id, sku)) == 0)
			rc = wf_error_set(WF_EREFUSED,
			    "insufficient stock: %s has %lld %s available, %lld requested for %s",
			    wh, (long long)avail, sku, (long long)qty, cause);
		goto out;
	}
	for (i = 0; i < n && left > 0; i++) {
		struct wf_move m = { "reserve", sku_id, 0, b[i].bin_id, "on_hand",
		    b[i].bin_id, "reserved", holder, cause, NULL, 0, 0, NULL };
		if (b[i].wh_id != wh_id || b[i].qty <= 0)
			continue;
		take = b[i].qty < left ? b[i].qty : left;
		m.qty = take;
		if ((rc = wf_stock_book(db, &mid, &m)) != 0)
			goto out;
		/* the cache holds what the balance holds now */
		b[i].qty -= take;
		left -= take;
		if ((rc = alloc_add(db, allocs, b[i].bin_id, take, mid)) != 0)
			goto out;
	}
	/* all of it, unless a part was asked for and that is all there was */
	assert(left == 0 || (partial && avail < qty));
	if (got)
		*got = qty - left;
out:
	wf_stock_cache_free(own);
	return rc;
}

int
wf_stock_reserve(wf_db *db, int64_t *got, cJSON *allocs, struct wf_stock_cache *c,
    int64_t sku_id, int64_t wh_id, int64_t qty, const char *ref, int partial)
{
	return reserve_for(db, got, allocs, c, sku_id, wh_id, qty, ref, ref, partial);
}

/* wf_stock_advance(), naming the holder NAME in a refusal. */
static int
advance(wf_db *db, int64_t sku_id, int64_t wh_id, const char *holder, const char *name,
    int64_t qty, const char *from, const char *to, const char *action, const char *cause)
{
	struct slots s = { NULL, 0, 0 };
	int64_t have = 0, left = qty, take;
	char sku[72];
	size_t i;
	int rc;

	if ((rc = load_slots(db, held_bins, 1, sku_id, wh_id, from, holder, &s)) != 0)
		goto out;
	for (i = 0; i < s.n; i++)
		have += s.v[i].qty;
	if (have < qty) {
		if ((rc = sku_code(db, sku_id, sku)) == 0)
			rc = wf_error_set(WF_EREFUSED, "only %lld %s %s for %s, %lld needed",
			    (long long)have, sku, from, name, (long long)qty);
		goto out;
	}
	for (i = 0; i < s.n && left > 0; i++) {
		int out_of_house = strcmp(to, "shipped") == 0;
		struct wf_move m = { action, sku_id, 0, s.v[i].bin, from,
		    out_of_house ? 0 : s.v[i].bin, to, holder, cause ? cause : holder,
		    NULL, 0, 0, NULL };
		take = s.v[i].qty < left ? s.v[i].qty : left;
		m.qty = take;
		if ((rc = wf_stock_book(db, NULL, &m)) != 0)
			goto out;
		left -= take;
	}
	assert(left == 0);
out:
	free(s.v);
	return rc;
}

int
wf_stock_advance(wf_db *db, int64_t sku_id, int64_t wh_id, const char *holder,
    int64_t qty, const char *from, const char *to, const char *action,
    const char *cause)
{
	return advance(db, sku_id, wh_id, holder, holder, qty, from, to, action, cause);
}

/* Give back what HOLDER has reserved, the movements caused by CAUSE
 * (wf_stock_unreserve). */
static int
unreserve_for(wf_db *db, cJSON *allocs, int64_t sku_id, int64_t wh_id, int64_t qty,
    const char *holder, const char *cause)
{
	struct slots s = { NULL, 0, 0 };
	int64_t have = 0, left = qty, take, mid;
	char sku[72], wh[40];
	size_t i;
	int rc;

	if ((rc = load_slots(db, held_bins, 1, sku_id, wh_id, "reserved", holder, &s)) != 0)
		goto out;
	for (i = 0; i < s.n; i++)
		have += s.v[i].qty;
	if (have < qty) {
		if ((rc = sku_code(db, sku_id, sku)) == 0 &&
		    (rc = warehouse_code(db, wh_id, wh, NULL)) == 0)
			rc = wf_error_set(WF_EREFUSED, "only %lld %s reserved for %s at %s, %lld to unreserve",
			    (long long)have, sku, cause, wh, (long long)qty);
		goto out;
	}
	for (i = 0; i < s.n && left > 0; i++) {
		struct wf_move m = { "unreserve", sku_id, 0, s.v[i].bin, "reserved",
		    s.v[i].bin, "on_hand", holder, cause, NULL, 0, 0, NULL };
		take = s.v[i].qty < left ? s.v[i].qty : left;
		m.qty = take;
		if ((rc = wf_stock_book(db, &mid, &m)) != 0 ||
		    (rc = alloc_add(db, allocs, s.v[i].bin, take, mid)) != 0)
			goto out;
		left -= take;
	}
	assert(left == 0);
out:
	free(s.v);
	return rc;
}

int
wf_stock_unreserve(wf_db *db, cJSON *allocs, int64_t sku_id, int64_t wh_id,
    int64_t qty, const char *ref)
{
	return unreserve_for(db, allocs, sku_id, wh_id, qty, ref, ref);
}

/* ---- records ------------------------------------------------------------------- */

#define MOVEMENT_SELECT \
	"SELECT m.id, m.at, m.actor, m.action, s.code, m.qty," \
	" fw.code || '/' || fb.code, m.from_state, tw.code || '/' || tb.code, m.to_state," \
	" m.holder, m.ref, m.reason, m.unit_cost, m.currency" \
	" FROM movement m JOIN sku s ON s.id = m.sku_id" \
	" LEFT JOIN bin fb ON fb.id = m.from_bin LEFT JOIN warehouse fw ON fw.id = fb.warehouse_id" \
	" LEFT JOIN bin tb ON tb.id = m.to_bin LEFT JOIN warehouse tw ON tw.id = tb.warehouse_id"

/* A movement is wide; a table shows what an operator reads first. */
static const char *const movement_columns[] = {
	"movement", "at", "action", "sku", "qty", "from", "to", "to_state", "holder",
	"ref", NULL
};

static const char *
col_or_null(wf_stmt *st, int i)
{
	return wf_col_str(st, i);
}

static cJSON *
movement_from_stmt(wf_stmt *st)
{
	cJSON *r = wf_jrecord("movement");
	const char *cur = col_or_null(st, 14);
	int rc = 0;

	if (r == NULL)
		return NULL;
	rc |= wf_jadd_int(r, "movement", wf_col_int(st, 0));
	rc |= wf_jadd_str(r, "action", wf_col_text(st, 3));
	rc |= wf_jadd_str(r, "sku", wf_col_text(st, 4));
	rc |= wf_jadd_int(r, "qty", wf_col_int(st, 5));
	rc |= wf_jadd_str(r, "from", col_or_null(st, 6));
	rc |= wf_jadd_str(r, "from_state", col_or_null(st, 7));
	rc |= wf_jadd_str(r, "to", col_or_null(st, 8));
	rc |= wf_jadd_str(r, "to_state", col_or_null(st, 9));
	rc |= wf_jadd_str(r, "holder", col_or_null(st, 10));
	rc |= wf_jadd_str(r, "ref", col_or_null(st, 11));
	rc |= wf_jadd_str(r, "reason", col_or_null(st, 12));
	if (cur)
		rc |= wf_jadd_money(r, "unit_cost", wf_col_int(st, 13), cur);
	else
		rc |= wf_jadd_null(r, "unit_cost");
	rc |= wf_jadd_str(r, "currency", cur);
	rc |= wf_jadd_str(r, "at", wf_col_text(st, 1));
	rc |= wf_jadd_str(r, "actor", wf_col_text(st, 2));
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

/* Emit the record FN makes of the row SQL (a static statement of one
 * parameter, an id) selects for ID.  Returns 0, 1 when there is no such
 * row (nothing emitted), or an error. */
static int
emit_row(wf_db *db, const char *sql, int64_t id, cJSON *(*fn)(wf_stmt *), wf_out *out)
{
	wf_stmt *st;
	cJSON *r;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : 1;
	r = fn(st);
	wf_stmt_reset(st);
	return wf_out_emit(out, r);
}

static int
emit_movement(wf_db *db, int64_t id, wf_out *out)
{
	static const char sql[] = MOVEMENT_SELECT " WHERE m.id = ?1";
	int rc;

	wf_out_columns(out, "movement", movement_columns);
	if ((rc = emit_row(db, sql, id, movement_from_stmt, out)) == 1)
		rc = wf_error_set(WF_EINTERNAL, "movement %lld vanished", (long long)id);
	return rc;
}

/* ---- adjustments ----------------------------------------------------------------- */

#define ADJ_SELECT \
	"SELECT a.id, s.code, w.code || '/' || b.code, a.delta, a.reason, a.state," \
	" a.movement_id, a.sku_id, a.bin_id FROM adjustment a JOIN sku s ON s.id = a.sku_id" \
	" JOIN bin b ON b.id = a.bin_id JOIN warehouse w ON w.id = b.warehouse_id"

static const struct wf_machine *
adj_machine(void)
{
	return wf_machine_find("adjustment");
}

/* The adjustment record of the current row of ST, an ADJ_SELECT. */
static cJSON *
adj_record(wf_stmt *st)
{
	cJSON *r = wf_jrecord("adjustment");
	char key[WF_KEY_LEN];

	wf_key_format(&wf_record_adjustment, wf_col_int(st, 0), key);
	if (r == NULL || wf_jadd_str(r, "adjustment", key) | wf_jadd_str(r, "sku", wf_col_text(st, 1)) |
	    wf_jadd_str(r, "bin", wf_col_text(st, 2)) | wf_jadd_int(r, "delta", wf_col_int(st, 3)) |
	    wf_jadd_str(r, "reason", wf_col_text(st, 4)) | wf_jadd_str(r, "state", wf_col_text(st, 5)) |
	    (wf_col_null(st, 6) ? wf_jadd_null(r, "movement") :
	    wf_jadd_int(r, "movement", wf_col_int(st, 6)))) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

/* Emit adjustment ID as it is now: 0, 1 when there is none, or an error. */
static int
adj_emit(wf_db *db, int64_t id, wf_out *out)
{
	static const char sql[] = ADJ_SELECT " WHERE a.id = ?1";

	return emit_row(db, sql, id, adj_record, out);
}

/* Create adjustment ADJ-N of DELTA at BIN, proposed (its create event);
 * *ID and KEY receive it. */
static int
adj_create(wf_db *db, int64_t *id, char key[WF_KEY_LEN], int64_t sku_id, int64_t bin_id,
    const char *sku, const char *bin, int64_t delta, const char *reason)
{
	static const char ins[] =
	    "INSERT INTO adjustment (sku_id, bin_id, delta, reason, owner, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
	wf_stmt *st;
	cJSON *data;
	int rc;

	assert(delta != 0);
	if ((rc = wf_db_stmt(db, &st, ins)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_int(st, 2, bin_id);
	wf_bind_int(st, 3, delta);
	wf_bind_text(st, 4, reason);
	wf_bind_text(st, 5, WF_OWNER_WAREHOUSE);
	wf_bind_time(st, 6, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	*id = wf_db_last_id(db);
	wf_key_format(&wf_record_adjustment, *id, key);
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "sku", sku) | wf_jadd_str(data, "bin", bin) |
	    wf_jadd_int(data, "delta", delta) | wf_jadd_str(data, "reason", reason)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_history_add(db, "adjustment", key, "adjustment", "create", NULL, "proposed",
	    data);
}

/* Book approved adjustment ID (KEY) of DELTA units of SKU_ID at BIN_ID
 * (named BIN) with the movement ACTION ("adjust" or "count"), and apply
 * it.  *MID receives the movement. */
static int
adj_book(wf_db *db, int64_t *mid, int64_t id, const char *key, int64_t sku_id,
    int64_t bin_id, const char *bin, int64_t delta, const char *reason, const char *action)
{
	static const char link[] = "UPDATE adjustment SET movement_id = ?2 WHERE id = ?1";
	struct wf_move mv = { action, sku_id, delta > 0 ? delta : -delta,
	    delta > 0 ? 0 : bin_id, delta > 0 ? NULL : "on_hand",
	    delta > 0 ? bin_id : 0, delta > 0 ? "on_hand" : NULL, NULL, key, reason,
	    0, 0, NULL };
	const char *state;
	wf_stmt *st;
	cJSON *data;
	int rc;

	/* units go only into an active bin (the bin may have been blocked since
	 * the adjustment was proposed) */
	if (delta > 0 && ((rc = wf_bin_find(db, NULL, NULL, NULL, &state, bin)) != 0 ||
	    (strcmp(state, "active") != 0 && (rc = wf_error_set(WF_EREFUSED,
	    "bin %s is %s; nothing can be put there (%s stays approved)", bin, state, key)) != 0)))
		return rc;
	if ((rc = wf_stock_book(db, mid, &mv)) != 0 ||
	    (rc = wf_db_stmt(db, &st, link)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_int(st, 2, *mid);
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_int(data, "movement", *mid)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_state_apply(db, NULL, adj_machine(), id, key, "apply", data);
}

/* An adjustment of DELTA at BIN (ID, found by the caller) proposed, or
 * proposed, approved and booked at once: the adjustment's id into *ID,
 * its key into KEY, its movement into *MID (0 when proposed). */
static int
adjustment(wf_db *db, int64_t *id, char key[WF_KEY_LEN], int64_t *mid, int64_t sku_id,
    int64_t bin_id, const char *sku, const char *bin, int64_t delta, const char *reason,
    const char *action, int propose)
{
	int rc;

	*mid = 0;
	if ((rc = adj_create(db, id, key, sku_id, bin_id, sku, bin, delta, reason)) != 0 ||
	    propose)
		return rc;
	if ((rc = wf_state_apply(db, NULL, adj_machine(), *id, key, "approve", NULL)) != 0)
		return rc;
	return adj_book(db, mid, *id, key, sku_id, bin_id, bin, delta, reason, action);
}

int
wf_stock_adjustment_act(wf_db *db, const struct wf_adjustment_act *a, wf_out *out)
{
	static const char sql[] = ADJ_SELECT " WHERE a.id = ?1";
	const struct wf_machine *m = adj_machine();
	int64_t id, sku_id, bin_id, delta, mid;
	wf_buf bin = {0}, reason = {0};
	char key[WF_KEY_LEN], state[16];
	cJSON *data = NULL;
	wf_stmt *st;
	int rc, book;

	if (strcmp(a->action, "reject") == 0 && (a->reason == NULL || *a->reason == '\0'))
		return wf_error_set(WF_EUSAGE, "reject: a reason is required (--reason TEXT)");
	if ((a->reason && (rc = wf_text_check("reason", a->reason, 500)) != 0) ||
	    (rc = wf_key_parse(&id, &wf_record_adjustment, a->adjustment)) != 0)
		return rc;
	wf_key_format(&wf_record_adjustment, id, key);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto fail;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1) {
		if (rc == 0)
			rc = wf_error_set(WF_ENOTFOUND, "unknown adjustment '%s'", key);
		goto fail;
	}
	rc = wf_buf_adds(&bin, wf_col_text(st, 2)) | wf_buf_adds(&reason, wf_col_text(st, 4));
	delta = wf_col_int(st, 3);
	wf_upsert_copy(state, sizeof state, wf_col_text(st, 5));
	sku_id = wf_col_int(st, 7);
	bin_id = wf_col_int(st, 8);
	wf_stmt_reset(st);
	if (rc != 0) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	/* approve books it at once unless deferred; apply books an approved one */
	book = strcmp(a->action, "apply") == 0 || (strcmp(a->action, "approve") == 0 && !a->defer);
	if (strcmp(a->action, "reject") == 0 && ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(data, "reason", a->reason))) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = wf_state_check(m, key, state, a->action)) != 0)
		goto fail;
	if (strcmp(a->action, "apply") != 0) {
		rc = wf_state_apply(db, NULL, m, id, key, a->action, data);
		data = NULL;        /* taken */
		if (rc != 0)
			goto fail;
	}
	if (book && (rc = adj_book(db, &mid, id, key, sku_id, bin_id, bin.p, delta, reason.p,
	    "adjust")) != 0)
		goto fail;
	if ((rc = adj_emit(db, id, out)) != 0) {
		rc = rc == 1 ? wf_error_set(WF_EINTERNAL, "%s vanished", key) : rc;
		goto fail;
	}
	wf_buf_free(&bin);
	wf_buf_free(&reason);
	return wf_tx_commit(db);
fail:
	cJSON_Delete(data);
	wf_buf_free(&bin);
	wf_buf_free(&reason);
	wf_tx_rollback(db);
	return rc;
}

int
wf_stock_adjustment_list(wf_db *db, const char *state, wf_out *out)
{
	static const char sql[] = ADJ_SELECT " WHERE ?1 IS NULL OR a.state = ?1 ORDER BY a.id";
	wf_stmt *st;
	int rc;

	if (state && !wf_state_valid(adj_machine(), state))
		return wf_error_set(WF_EUSAGE, "--state: expected proposed, approved, applied or "
		    "rejected, got '%.40s'", state);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, state);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = wf_out_emit(out, adj_record(st))) != 0) {
			wf_stmt_reset(st);
			break;
		}
	return rc < 0 ? rc : 0;
}

int
wf_stock_adjustment_show(wf_db *db, const char *key, wf_out *out)
{
	struct wf_log_query q = { "adjustment", NULL, 0, 0, NULL };
	char ref[WF_KEY_LEN];
	int64_t id;
	int rc;

	if ((rc = wf_key_parse(&id, &wf_record_adjustment, key)) != 0)
		return rc;
	wf_key_format(&wf_record_adjustment, id, ref);
	if ((rc = adj_emit(db, id, out)) == 1)
		return wf_error_set(WF_ENOTFOUND, "unknown adjustment '%s'", ref);
	if (rc != 0)
		return rc;
	q.ref = ref;
	return wf_history_log(db, &q, out);
}

/* ---- commands ---------------------------------------------------------------------- */

static int
need(const char *what, const char *v, const char *action)
{
	if (v == NULL || *v == '\0')
		return wf_error_set(WF_EINPUT, "%s: required for %s", what, action);
	return 0;
}

static int
usable_bin(wf_db *db, const char *ref, int64_t *bin, int64_t *wh, int for_putaway)
{
	const char *kind, *state;
	int rc;

	if ((rc = wf_bin_find(db, bin, wh, &kind, &state, ref)) != 0)
		return rc;
	if (for_putaway && strcmp(state, "active") != 0)
		return wf_error_set(WF_EREFUSED, "bin %s is %s; nothing can be put there", ref, state);
	return 0;
}

static int
op_receive(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out)
{
	struct wf_move m = { "receive", sku->id, op->qty, 0, NULL, 0, "on_hand", NULL,
	    op->ref, op->reason, 0, 0, sku->currency };
	int64_t id;
	int rc;

	if ((rc = need("to", op->to, "receive")) != 0 ||
	    (rc = usable_bin(db, op->to, &m.to_bin, NULL, 1)) != 0)
		return rc;
	if (op->cost) {
		if (wf_money_parse(op->cost, sku->currency, &m.unit_cost) != 0)
			return wf_error_set(WF_EINPUT, "cost: %s", wf_error_msg());
		if (m.unit_cost < 0)
			return wf_error_set(WF_EINPUT, "cost: must not be negative");
		m.has_cost = 1;
		/* fold into the average before the units arrive: Q is the stock before */
		if ((rc = wf_stock_revalue(db, sku->id, op->qty, m.unit_cost)) != 0)
			return rc;
	}
	if ((rc = wf_stock_book(db, &id, &m)) != 0)
		return rc;
	return emit_movement(db, id, out);
}

static int
op_move(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out, int damage)
{
	struct wf_move m = { damage ? "damage" : "move", sku->id, op->qty, 0, "on_hand",
	    0, damage ? "damaged" : "on_hand", NULL, op->ref, op->reason, 0, 0, NULL };
	const char *from = damage ? op->at : op->from;
	int64_t id;
	int rc;

	if ((rc = need(damage ? "at" : "from", from, m.action)) != 0 ||
	    (!damage && (rc = need("to", op->to, "move")) != 0))
		return rc;
	if ((rc = usable_bin(db, from, &m.from_bin, NULL, 0)) != 0)
		return rc;
	if (damage)
		m.to_bin = m.from_bin;
	else if ((rc = usable_bin(db, op->to, &m.to_bin, NULL, 1)) != 0)
		return rc;
	if (!damage && m.to_bin == m.from_bin)
		return wf_error_set(WF_EINPUT, "move: from and to are the same bin %s", from);
	if ((rc = wf_stock_book(db, &id, &m)) != 0)
		return rc;
	return emit_movement(db, id, out);
}

static int
op_adjust(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out)
{
	int64_t bin, mid, id;
	char ref[WF_KEY_LEN];
	int rc;

	if ((rc = need("at", op->at, "adjust")) != 0 ||
	    (rc = need("reason", op->reason, "adjust")) != 0)
		return rc;
	if (op->qty == 0)
		return wf_error_set(WF_EINPUT, "delta: must not be zero");
	if ((rc = usable_bin(db, op->at, &bin, NULL, op->qty > 0)) != 0 ||
	    (rc = adjustment(db, &id, ref, &mid, sku->id, bin, op->sku, op->at, op->qty,
	    op->reason, "adjust", op->propose)) != 0)
		return rc;
	rc = adj_emit(db, id, out);
	return rc == 1 ? wf_error_set(WF_EINTERNAL, "%s vanished", ref) : rc;
}

static int
op_count(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out)
{
	static const char sql[] =
	    "SELECT coalesce(sum(CASE WHEN state = 'on_hand' THEN qty END), 0),"
	    " coalesce(sum(CASE WHEN state = 'reserved' THEN qty END), 0)"
	    " FROM balance WHERE sku_id = ?1 AND bin_id = ?2 AND state IN ('on_hand','reserved')";
	int64_t bin, free_qty = 0, reserved = 0, recorded, delta, mid = 0, id;
	wf_stmt *st;
	char ref[WF_KEY_LEN] = "";
	cJSON *data, *r;
	int rc;

	if ((rc = need("at", op->at, "count")) != 0)
		return rc;
	if (op->qty < 0)
		return wf_error_set(WF_EINPUT, "count: the counted quantity must not be negative");
	if ((rc = usable_bin(db, op->at, &bin, NULL, 0)) != 0 ||
	    (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku->id);
	wf_bind_int(st, 2, bin);
	if ((rc = wf_db_step(db, st)) == 1) {
		free_qty = wf_col_int(st, 0);
		reserved = wf_col_int(st, 1);
		wf_stmt_reset(st);
	} else if (rc < 0)
		return rc;
	recorded = free_qty + reserved;
	delta = op->qty - recorded;
	if (op->qty < reserved)
		return wf_error_set(WF_EREFUSED,
		    "counted %lld %s at %s but %lld are reserved there; unreserve or move "
		    "the reservations before booking this count", (long long)op->qty,
		    op->sku, op->at, (long long)reserved);
	if (delta != 0 && (rc = adjustment(db, &id, ref, &mid, sku->id, bin, op->sku, op->at,
	    delta, "count", "count", 0)) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "bin", op->at) |
	    wf_jadd_int(data, "counted", op->qty) | wf_jadd_int(data, "recorded", recorded) |
	    wf_jadd_int(data, "delta", delta) | wf_jadd_str(data, "adjustment", *ref ? ref : NULL)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_history_add(db, "sku", op->sku, NULL, "count", NULL, NULL,
	    cJSON_Duplicate(data, 1))) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	r = wf_jrecord("count");
	if (r == NULL || wf_jadd_str(r, "sku", op->sku)) {
		cJSON_Delete(r);
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	/* the record: type, sku, then the counted facts */
	while (data->child) {
		cJSON *c = cJSON_DetachItemViaPointer(data, data->child);
		cJSON_AddItemToObject(r, c->string, c);
	}
	cJSON_Delete(data);
	return wf_out_emit(out, r);
}

/* ---- free refs ------------------------------------------------------------------- */

/* A --ref that names no order and no purchase order is free text ("trade
 * fair", "DN-5501").  Units held for it are held by FREE_PREFIX and the
 * ref: no order key (a channel code has no space) and no PO key starts so,
 * so an order or PO made later with the same key finds none of them. */
#define FREE_PREFIX "ref "

/* Whether ACTION moves units held for its ref (1 or 0). */
static int
op_holds(const char *action)
{
	return strcmp(action, "reserve") == 0 || strcmp(action, "unreserve") == 0 ||
	    strcmp(action, "pick") == 0 || strcmp(action, "pack") == 0 ||
	    strcmp(action, "ship") == 0;
}

/* Refuse OP's ref when it names an order or a purchase order, saying which
 * command moves that record's stock. */
static int
free_ref(wf_db *db, const struct wf_stock_op *op)
{
	static const char *const named[] = { "order", "po", NULL };
	const struct wf_record_type *t;
	const char *a = op->action, *r = op->ref;
	int rc;

	if ((rc = wf_record_named(db, &t, named, r)) != 0 || t == NULL)
		return rc;
	if (strcmp(t->type, "po") == 0)
		return wf_error_set(WF_EREFUSED, "%s is a purchase order: its stock moves only "
		    "with wf-po ('wf-po receive %s %s QTY', 'wf-po cancel %s --reason TEXT'); "
		    "--ref names anything else", r, r, op->sku, r);
	if (strcmp(a, "reserve") == 0)
		return wf_error_set(WF_EREFUSED, "%s is an order: reserve it with 'wf-order "
		    "reserve %s --warehouse %s'; --ref names anything else", r, r,
		    op->warehouse ? op->warehouse : "WH");
	if (strcmp(a, "pick") == 0 || strcmp(a, "pack") == 0)
		return wf_error_set(WF_EREFUSED, "%s is an order: %s it with 'wf-order %s %s'; "
		    "--ref names anything else", r, a, a, r);
	if (strcmp(a, "ship") == 0)
		return wf_error_set(WF_EREFUSED, "%s is an order: ship it with 'wf-order ship %s "
		    "--carrier C'; --ref names anything else", r, r);
	if (strcmp(a, "unreserve") == 0)
		return wf_error_set(WF_EREFUSED, "%s is an order: its units go back when it is "
		    "cancelled ('wf-order cancel %s --reason TEXT'); --ref names anything else",
		    r, r);
	return wf_error_set(WF_EREFUSED, "%s is an order: its stock moves only with wf-order "
	    "(see wf-order(1)); --ref names anything else", r);
}

/* The holder of OP's free ref into HOLDER, for units of SKU_ID held in
 * STATE at WH (STATE NULL: for new units, which the ref must be free to
 * hold).  Units the free ref holds there stay its own to move on or give
 * back, even when an order or PO has since been made with the same key:
 * no order's units are touched.  Units that a ref held before free refs had
 * their prefix are held by the bare ref: while it still holds some there,
 * it is their holder. */
static int
free_holder(wf_db *db, wf_buf *holder, const struct wf_stock_op *op, int64_t sku_id,
    int64_t wh, const char *state)
{
	int64_t q = 0;
	int rc;

	if (wf_buf_addf(holder, FREE_PREFIX "%s", op->ref) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (state == NULL)
		return free_ref(db, op);
	if ((rc = wf_stock_held(db, &q, sku_id, wh, holder->p, state)) != 0 || q > 0 ||
	    (rc = free_ref(db, op)) != 0)
		return rc;
	if ((rc = wf_stock_held(db, &q, sku_id, wh, op->ref, state)) != 0 || q == 0)
		return rc;
	wf_buf_reset(holder);
	return wf_buf_adds(holder, op->ref) ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* What a free ref may reserve of OP's units of SKU at WH into *WANT: units
 * promised to orders (wf_promise.h) are not free to take, so that a unit
 * is never both promised and held for someone else.  Without --partial a
 * request past what is available to promise is refused, naming the
 * promises; with it, *WANT is cut to that.  A request past the stock
 * itself is left to the reservation to refuse in its own words. */
static int
free_atp(wf_db *db, int64_t *want, const struct wf_stock_op *op,
    const struct wf_sku_info *sku, int64_t wh)
{
	int64_t avail, promised, atp;
	int rc;

	if ((rc = wf_stock_available(db, &avail, sku->id, wh)) != 0 ||
	    (rc = wf_promise_units(db, &promised, sku->id, wh, 0)) != 0)
		return rc;
	atp = avail > promised ? avail - promised : 0;
	if (promised == 0 || atp >= op->qty)
		return 0;
	if (op->partial) {
		*want = atp;
		return 0;
	}
	if (avail < op->qty)
		return 0;
	return wf_error_set(WF_EREFUSED, "%s at %s: %lld available to promise (%lld available, "
	    "%lld promised to orders), %lld requested for %s; reserve fewer, or "
	    "--partial for what is free", op->sku, op->warehouse, (long long)atp,
	    (long long)avail, (long long)promised, (long long)op->qty, op->ref);
}

static int
op_reserve(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out, int reserve)
{
	cJSON *allocs = NULL, *r = NULL;
	int64_t wh, got = op->qty, want = op->qty;
	wf_buf holder = {0};
	int rc;

	if ((rc = need("warehouse", op->warehouse, op->action)) != 0 ||
	    (rc = need("ref", op->ref, op->action)) != 0 ||
	    (rc = wf_warehouse_find(db, &wh, NULL, op->warehouse)) != 0 ||
	    (rc = free_holder(db, &holder, op, sku->id, wh, reserve ? NULL : "reserved")) != 0) {
		wf_buf_free(&holder);
		return rc;
	}
	if (reserve && (rc = free_atp(db, &want, op, sku, wh)) != 0) {
		wf_buf_free(&holder);
		return rc;
	}
	if ((allocs = cJSON_CreateArray()) == NULL) {
		wf_buf_free(&holder);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	rc = reserve ? reserve_for(db, &got, allocs, NULL, sku->id, wh, want, holder.p, op->ref,
	    op->partial) : unreserve_for(db, allocs, sku->id, wh, op->qty, holder.p, op->ref);
	wf_buf_free(&holder);
	if (rc != 0) {
		cJSON_Delete(allocs);
		return rc;
	}
	r = wf_jrecord("reservation");
	if (r == NULL || wf_jadd_str(r, "sku", op->sku) | wf_jadd_str(r, "warehouse", op->warehouse) |
	    wf_jadd_str(r, "ref", op->ref) | wf_jadd_str(r, "action", op->action) |
	    wf_jadd_int(r, "requested", op->qty) | wf_jadd_int(r, "qty", got) |
	    wf_jadd_item(r, "allocations", allocs)) {
		cJSON_Delete(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(out, r);
}

/* pick, pack, ship: the held units of REF move one step on. */
static int
op_handle(wf_db *db, const struct wf_stock_op *op, const struct wf_sku_info *sku,
    wf_out *out)
{
	static const struct step {
		const char *action, *from, *to;
	} steps[] = {
		{ "pick", "reserved", "picked" },
		{ "pack", "picked", "packed" },
		{ "ship", "packed", "shipped" },
	};
	const struct step *s = &steps[op->action[1] == 'i' ? 0 : op->action[1] == 'a' ? 1 : 2];
	wf_buf holder = {0};
	cJSON *r;
	int64_t wh;
	int rc;

	if ((rc = need("warehouse", op->warehouse, op->action)) != 0 ||
	    (rc = need("ref", op->ref, op->action)) != 0 ||
	    (rc = wf_warehouse_find(db, &wh, NULL, op->warehouse)) != 0 ||
	    (rc = free_holder(db, &holder, op, sku->id, wh, s->from)) != 0 ||
	    (rc = advance(db, sku->id, wh, holder.p, op->ref, op->qty, s->from, s->to,
	    s->action, op->ref)) != 0) {
		wf_buf_free(&holder);
		return rc;
	}
	wf_buf_free(&holder);
	r = wf_jrecord("handling");
	if (r == NULL || wf_jadd_str(r, "sku", op->sku) | wf_jadd_str(r, "warehouse", op->warehouse) |
	    wf_jadd_str(r, "ref", op->ref) | wf_jadd_str(r, "action", s->action) |
	    wf_jadd_int(r, "qty", op->qty) | wf_jadd_str(r, "from_state", s->from) |
	    wf_jadd_str(r, "to_state", s->to)) {
		cJSON_Delete(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(out, r);
}

int
wf_stock_op(wf_db *db, const struct wf_stock_op *op, wf_out *out)
{
	static const char *const actions[] = {
		"receive", "move", "adjust", "damage", "count", "reserve", "unreserve",
		"pick", "pack", "ship", NULL
	};
	struct wf_sku_info sku;
	size_t i;
	int rc;

	for (i = 0; actions[i]; i++)
		if (op->action && strcmp(op->action, actions[i]) == 0)
			break;
	if (actions[i] == NULL)
		return wf_error_set(WF_EINPUT,
		    "action: expected receive, move, adjust, damage, count, reserve, "
		    "unreserve, pick, pack or ship, got '%.20s'", op->action ? op->action : "");
	if ((rc = need("sku", op->sku, op->action)) != 0)
		return rc;
	if (strcmp(op->action, "adjust") != 0 && strcmp(op->action, "count") != 0 && op->qty <= 0)
		return wf_error_set(WF_EINPUT, "qty: expected a positive integer, got %lld",
		    (long long)op->qty);
	if ((op->ref && (rc = wf_text_check("ref", op->ref, 128)) != 0) ||
	    (op->reason && (rc = wf_text_check("reason", op->reason, 500)) != 0))
		return rc;
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	/* reserve, unreserve, pick, pack and ship check their ref in free_holder */
	if ((rc = wf_sku_find(db, &sku, op->sku)) != 0 ||
	    (op->ref && !op_holds(op->action) && (rc = free_ref(db, op)) != 0))
		goto fail;
	if (strcmp(op->action, "receive") == 0)
		rc = op_receive(db, op, &sku, out);
	else if (strcmp(op->action, "reserve") == 0)
		rc = op_reserve(db, op, &sku, out, 1);
	else if (strcmp(op->action, "unreserve") == 0)
		rc = op_reserve(db, op, &sku, out, 0);
	else if (strcmp(op->action, "move") == 0)
		rc = op_move(db, op, &sku, out, 0);
	else if (strcmp(op->action, "damage") == 0)
		rc = op_move(db, op, &sku, out, 1);
	else if (strcmp(op->action, "adjust") == 0)
		rc = op_adjust(db, op, &sku, out);
	else if (strcmp(op->action, "count") == 0)
		rc = op_count(db, op, &sku, out);
	else
		rc = op_handle(db, op, &sku, out);
	if (rc != 0)
		goto fail;
	return wf_tx_commit(db);
fail:
	wf_tx_rollback(db);
	return rc;
}

int
wf_stock_apply_line(wf_db *db, const struct wf_line *l, void *unused)
{
	static const char *const known[] = {
		"type", "action", "sku", "qty", "delta", "from", "to", "at", "warehouse",
		"ref", "reason", "cost", "partial", "propose", NULL
	};
	struct wf_stock_op op;
	const char *type = NULL;
	int rc, partial = 0, propose = 0;

	(void)unused;
	memset(&op, 0, sizeof op);
	/* A ledger row already happened: applying it would book it twice. */
	if (cJSON_GetObjectItemCaseSensitive(l->obj, "movement"))
		return wf_jerr(l->at, "movement", "this is a ledger row that was already booked; "
		    "apply takes new movements (drop \"movement\" to book it again on purpose)");
	/* Workform's own format: a misspelt key is refused, never ignored */
	if ((rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "movement") != 0)
		return wf_jerr(l->at, "type", "expected \"movement\", got \"%.32s\"", type);
	if ((rc = wf_jget_str(l->at, l->obj, "action", WF_J_REQ | WF_J_NONEMPTY, 32, &op.action)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &op.sku)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "from", WF_J_NONEMPTY, 100, &op.from)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "to", WF_J_NONEMPTY, 100, &op.to)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "at", WF_J_NONEMPTY, 100, &op.at)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "warehouse", WF_J_NONEMPTY, 40, &op.warehouse)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "ref", WF_J_NONEMPTY, 128, &op.ref)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "reason", WF_J_NONEMPTY, 500, &op.reason)) < 0 ||
	    (rc = wf_jget_bool(l->at, l->obj, "partial", 0, &partial)) < 0 ||
	    (rc = wf_jget_bool(l->at, l->obj, "propose", 0, &propose)) < 0)
		return rc;
	op.partial = partial;
	op.propose = propose;
	if (propose && strcmp(op.action, "adjust") != 0)
		return wf_jerr(l->at, "propose", "only an adjust line can be proposed");
	if (strcmp(op.action, "adjust") == 0)
		rc = wf_jget_int(l->at, l->obj, "delta", WF_J_REQ, -WF_JSON_INT_MAX,
		    WF_JSON_INT_MAX, &op.qty);
	else if (strcmp(op.action, "count") == 0)
		rc = wf_jget_int(l->at, l->obj, "qty", WF_J_REQ, 0, WF_JSON_INT_MAX, &op.qty);
	else
		rc = wf_jget_int(l->at, l->obj, "qty", WF_J_REQ, 1, WF_JSON_INT_MAX, &op.qty);
	if (rc < 0)
		return rc;
	if (strcmp(op.action, "adjust") == 0 && op.qty == 0)
		return wf_jerr(l->at, "delta", "must not be zero");
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(l->obj, "cost");
		if (c && !cJSON_IsNull(c)) {
			if (!cJSON_IsString(c))
				return wf_jerr(l->at, "cost", "expected a decimal string like \"4.10\"");
			op.cost = c->valuestring;
		}
	}
	return wf_stock_op(db, &op, wf_db_out(db));
}

/* ---- ledger --------------------------------------------------------------------- */

int
wf_stock_ledger(wf_db *db, const struct wf_ledger_query *q, wf_out *out)
{
	/* the SKU's reservations are in movement_reserve, by part of the
	 * ledger: the parts that have any, stepped through with one search
	 * each, and the SKU's under each part */
	static const char sql_sku[] =
	    WF_SQL_RESERVE_PARTS MOVEMENT_SELECT
	    " WHERE m.id IN (SELECT id FROM movement WHERE sku_id = ?1"
	    " AND action <> 'reserve' UNION ALL SELECT r.id FROM reserve_part d"
	    " JOIN movement r ON r.id >> 16 = d.part AND r.sku_id = ?1"
	    " AND r.action = 'reserve')"
	    " AND (?2 IS NULL OR m.ref = ?2 OR m.holder = ?2)"
	    " AND (?3 IS NULL OR m.at >= ?3) ORDER BY m.id";
	static const char sql_ref[] = MOVEMENT_SELECT
	    " WHERE m.id IN (SELECT id FROM movement WHERE ref = ?2"
	    " UNION SELECT id FROM movement WHERE holder = ?2)"
	    " AND (?3 IS NULL OR m.at >= ?3) ORDER BY m.id";
	static const char sql_since[] = MOVEMENT_SELECT " WHERE m.at >= ?3 ORDER BY m.id";
	static const char sql_all[] = MOVEMENT_SELECT " ORDER BY m.id";
	struct wf_sku_info sku;
	wf_stmt *st;
	const char *sql;
	int rc;

	if (q->sku && (rc = wf_sku_find(db, &sku, q->sku)) != 0)
		return rc;
	wf_out_columns(out, "movement", movement_columns);
	sql = q->sku ? sql_sku : q->ref ? sql_ref : q->has_since ? sql_since : sql_all;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if (q->sku)
		wf_bind_int(st, 1, sku.id);
	wf_bind_text(st, 2, q->ref);
	if (q->has_since)
		wf_bind_time(st, 3, q->since);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = wf_out_emit(out, movement_from_stmt(st))) != 0)
			break;
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- invariants ----------------------------------------------------------------- */

/* The ledger summed by (SKU, bin, state), or for the held states by
 * (holder, SKU, bin, state), beside what balance or held says. */
#define LEDGER_BY(holder, where) \
	"  UNION ALL SELECT " holder "sku_id, to_bin, to_state, 0, qty FROM movement" \
	"   WHERE to_bin IS NOT NULL" where("to") \
	"  UNION ALL SELECT " holder "sku_id, from_bin, from_state, 0, -qty FROM movement" \
	"   WHERE from_bin IS NOT NULL" where("from")
#define ANY_STATE(side) ""
#define HELD_STATE(side) " AND " side "_state IN " HELD_SQL

/* Every balance and every held balance equals what the ledger adds up to,
 * and the ledger adds up to no negative balance. */
static int
balances_match_ledger(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT s.code, printf('%s/%s %s%s: %s says %d, the ledger says %d',"
	    " w.code, b.code, d.state, CASE WHEN d.holder <> '' THEN ' for ' || d.holder ELSE '' END,"
	    " d.t, d.bal, d.led) FROM ("
	    " SELECT 'balance' t, '' holder, sku_id, bin_id, state, sum(bal) bal, sum(led) led FROM ("
	    "  SELECT sku_id, bin_id, state, qty bal, 0 led FROM balance"
	    LEDGER_BY("", ANY_STATE) ")"
	    " GROUP BY sku_id, bin_id, state HAVING sum(bal) <> sum(led) OR sum(led) < 0"
	    " UNION ALL"
	    " SELECT 'held', holder, sku_id, bin_id, state, sum(bal), sum(led) FROM ("
	    "  SELECT holder, sku_id, bin_id, state, qty bal, 0 led FROM held"
	    LEDGER_BY("holder, ", HELD_STATE) ")"
	    " GROUP BY holder, sku_id, bin_id, state HAVING sum(bal) <> sum(led) OR sum(led) < 0) d"
	    " JOIN sku s ON s.id = d.sku_id JOIN bin b ON b.id = d.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " ORDER BY s.code, w.code, b.code, d.state, d.holder";
	return wf_check_rows(db, out, n, "stock.balance", "sku", sql);
}

/* Every applied adjustment has its movement, of the right size. */
static int
adjustments_booked(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'ADJ-' || a.id, printf('applied delta %d does not match its movement', a.delta)"
	    " FROM adjustment a"
	    " LEFT JOIN movement m ON m.id = a.movement_id WHERE a.state = 'applied'"
	    " AND (m.id IS NULL OR m.qty <> abs(a.delta) OR (a.delta > 0) <> (m.to_bin IS NOT NULL))";
	return wf_check_rows(db, out, n, "stock.adjustment", "adjustment", sql);
}

const struct wf_invariant wf_stock_invariants[] = {
	{ "stock.balance", "every balance equals the sum of the ledger's movements",
	  balances_match_ledger },
	{ "stock.adjustment", "every applied adjustment is booked by its movement",
	  adjustments_booked },
	{ NULL, NULL, NULL }
};

/* ---- state machines ---------------------------------------------------- */

static const char *const adjustment_states[] = {
	"proposed", "approved", "applied", "rejected", NULL
};
static const struct wf_transition adjustment_rows[] = {
	{ "proposed", "approve", "approved" },
	{ "proposed", "reject",  "rejected" },
	{ "approved", "apply",   "applied" },
	{ "approved", "reject",  "rejected" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_adjustment = {
	"adjustment", "adjustment", "stock adjustments (ADJ-N)",
	adjustment_states, adjustment_rows, WF_SQL_STATE_GET("adjustment", "state", "NULL"),
	WF_SQL_STATE_SET("adjustment", "state"), WF_SQL_STATE_ALL("adjustment", "'ADJ-' || id", "state"), NULL, NULL
};


static const struct wf_machine *const adjustment_machines[] = { &m_adjustment, NULL };

/* The ledger: no state and no history of its own (a movement is its own
 * record), but the stock invariants. */
const struct wf_record_type wf_record_movement = {
	.type = "movement",
	.table = "movement",
	.invariants = wf_stock_invariants,
	.flags = WF_RECORD_NOHISTORY,
};
const struct wf_record_type wf_record_adjustment = {
	.type = "adjustment",
	.key_hint = "an adjustment key like ADJ-4",
	.prefix = "ADJ-",
	.table = "adjustment",
	.machines = adjustment_machines,
	.lookup = "SELECT 1 FROM adjustment WHERE id = ?1",
};
