/* levels.c - what the stock ledger adds up to: levels per SKU, warehouse
 * and bin, a SKU with its levels, and inventory value.  Reports only: the
 * ledger and its balances are stock.c's, what is promised promise.c's.
 *
 * reads: balance, sku, bin, warehouse
 */
#include <stdlib.h>
#include <string.h>

#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_promise.h"
#include "wf_stock.h"

#define VALUED_SQL "('on_hand','reserved','picked','packed')"

/* ---- levels --------------------------------------------------------------------- */

#define USABLE "(b.state = 'active' AND b.kind IN ('pick','bulk','inbound','returns'))"
#define SUM_IF(cond) "coalesce(sum(CASE WHEN " cond " THEN bal.qty END), 0)"
#define LEVEL_SUMS \
	SUM_IF("(bal.state = 'on_hand' AND " USABLE ") OR bal.state = 'reserved'") ", " \
	SUM_IF("bal.state = 'reserved'") ", " \
	SUM_IF("bal.state = 'inbound'") ", " SUM_IF("bal.state = 'picked'") ", " \
	SUM_IF("bal.state = 'packed'") ", " SUM_IF("bal.state = 'damaged'") ", " \
	SUM_IF("bal.state = 'returned'") ", " SUM_IF("bal.state = 'quarantine'") ", " \
	SUM_IF("bal.state = 'on_hand' AND NOT " USABLE)
#define LEVEL_FROM \
	" FROM balance bal JOIN sku s ON s.id = bal.sku_id JOIN bin b ON b.id = bal.bin_id" \
	" JOIN warehouse w ON w.id = b.warehouse_id"
#define BY_SKU   "SELECT s.code, NULL, NULL, " LEVEL_SUMS LEVEL_FROM
#define BY_WH    "SELECT s.code, w.code, NULL, " LEVEL_SUMS LEVEL_FROM
#define BY_BIN   "SELECT s.code, w.code, b.code, " LEVEL_SUMS LEVEL_FROM
#define ONE_SKU  " WHERE bal.sku_id = ?1 AND (?2 IS NULL OR w.id = ?2)"
#define ALL_SKUS " WHERE (?2 IS NULL OR w.id = ?2)"

static const char *const level_sql[3][2] = {
	{ BY_SKU ALL_SKUS " GROUP BY s.code ORDER BY s.code",
	  BY_SKU ONE_SKU " GROUP BY s.code" },
	{ BY_WH ALL_SKUS " GROUP BY s.code, w.code ORDER BY s.code, w.code",
	  BY_WH ONE_SKU " GROUP BY w.code ORDER BY w.code" },
	{ BY_BIN ALL_SKUS " GROUP BY s.code, w.code, b.code ORDER BY s.code, w.code, b.code",
	  BY_BIN ONE_SKU " GROUP BY w.code, b.code ORDER BY w.code, b.code" },
};

static cJSON *
level_record(const char *sku, const char *wh, const char *bin, int by, const int64_t v[10])
{
	cJSON *r = wf_jrecord("level");
	int rc = 0;

	if (r == NULL)
		return NULL;
	rc |= wf_jadd_str(r, "sku", sku);
	if (by >= 1)
		rc |= wf_jadd_str(r, "warehouse", wh);
	if (by == 2)
		rc |= wf_jadd_str(r, "bin", bin);
	rc |= wf_jadd_int(r, "on_hand", v[0]);
	rc |= wf_jadd_int(r, "reserved", v[1]);
	rc |= wf_jadd_int(r, "available", v[0] - v[1]);
	if (by < 2) {
		/* promises are per SKU and warehouse, not per bin */
		rc |= wf_jadd_int(r, "promised", v[9]);
		rc |= wf_jadd_int(r, "atp", v[0] - v[1] - v[9]);
	}
	rc |= wf_jadd_int(r, "inbound", v[2]);
	rc |= wf_jadd_int(r, "picked", v[3]);
	rc |= wf_jadd_int(r, "packed", v[4]);
	rc |= wf_jadd_int(r, "damaged", v[5]);
	rc |= wf_jadd_int(r, "returned", v[6]);
	rc |= wf_jadd_int(r, "quarantine", v[7]);
	rc |= wf_jadd_int(r, "unusable", v[8]);
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

int
wf_stock_levels(wf_db *db, const struct wf_levels_query *q, wf_out *out)
{
	struct wf_sku_info sku;
	int64_t wh = 0, v[10];
	wf_stmt *st;
	wf_buf bin = {0};
	int by, rc, i, rows = 0;

	if (q->by == NULL || strcmp(q->by, "warehouse") == 0)
		by = 1;
	else if (strcmp(q->by, "sku") == 0)
		by = 0;
	else if (strcmp(q->by, "bin") == 0)
		by = 2;
	else
		return wf_error_set(WF_EUSAGE, "--by: expected sku, warehouse or bin, got '%s'", q->by);
	if (q->sku && (rc = wf_sku_find(db, &sku, q->sku)) != 0)
		return rc;
	if (q->warehouse && (rc = wf_warehouse_find(db, &wh, NULL, q->warehouse)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, level_sql[by][q->sku != NULL])) != 0)
		return rc;
	if (q->sku)
		wf_bind_int(st, 1, sku.id);
	wf_bind_opt_int(st, 2, q->warehouse != NULL, wh);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *r;
		for (i = 0; i < 9; i++)
			v[i] = wf_col_int(st, 3 + i);
		v[9] = 0;
		if (by < 2 && (rc = wf_promise_units_code(db, &v[9], wf_col_text(st, 0),
		    by == 1 ? wf_col_text(st, 1) : q->warehouse)) != 0)
			break;
		wf_buf_reset(&bin);
		if (by == 2 && wf_buf_addf(&bin, "%s/%s", wf_col_text(st, 1), wf_col_text(st, 2))) {
			rc = WF_ENOMEM;
			break;
		}
		r = level_record(wf_col_text(st, 0), wf_col_str(st, 1), bin.p, by, v);
		if ((rc = wf_out_emit(out, r)) != 0)
			break;
		rows++;
	}
	wf_stmt_reset(st);
	wf_buf_free(&bin);
	if (rc < 0)
		return rc;
	if (rows == 0 && q->sku) {
		memset(v, 0, sizeof v);
		return wf_out_emit(out, level_record(q->sku, q->warehouse, NULL, by, v));
	}
	return 0;
}

int
wf_stock_sku_show(wf_db *db, const char *code, wf_out *out)
{
	struct wf_levels_query q = { code, NULL, "warehouse" };
	int rc;

	if ((rc = wf_sku_emit(db, code, out)) != 0)
		return rc;
	return wf_stock_levels(db, &q, out);
}

/* ---- value ---------------------------------------------------------------------- */

/* One value line, and the totals of one currency, as computed before any
 * is printed: an amount past what Workform keeps must not leave half a
 * report behind. */
struct value_row {
	char   *sku, *wh;
	char    cur[4];
	int64_t qty, unit, value;
	int     has_unit;
};

struct value_total {
	char    cur[4];
	int64_t qty, value;
};

struct value_report {
	struct value_row   *rows;
	size_t              n, cap;
	struct value_total *totals;
	size_t              nt;
};

static void
value_free(struct value_report *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->rows[i].sku);
		free(v->rows[i].wh);
	}
	free(v->rows);
	free(v->totals);
}

/* Add the current row of ST to V (rows come ordered by currency). */
static int
value_add(struct value_report *v, wf_stmt *st)
{
	const char *sku = wf_col_text(st, 0), *cur = wf_col_text(st, 5);
	char unit[32], max[32];
	struct value_row *r;
	struct value_total *t;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct value_row *p = realloc(v->rows, cap * sizeof *p);
		if (p == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		v->rows = p;
		v->cap = cap;
	}
	r = &v->rows[v->n];
	memset(r, 0, sizeof *r);
	wf_strlcpy(r->cur, cur, sizeof r->cur);
	r->qty = wf_col_int(st, 2);
	r->has_unit = !wf_col_null(st, 3) || !wf_col_null(st, 4);
	r->unit = !wf_col_null(st, 3) ? wf_col_int(st, 3) : wf_col_int(st, 4);
	wf_money_format(r->unit, cur, unit, sizeof unit);
	wf_money_format(WF_MONEY_MAX, cur, max, sizeof max);
	if (wf_money_mul(r->qty, r->unit, &r->value) != 0)
		return wf_error_set(WF_EREFUSED, "the value of %s at %s, %lld units at %s, is past "
		    "the largest amount Workform keeps (%s %s); nothing was printed", sku,
		    wf_col_text(st, 1), (long long)r->qty, unit, max, cur);
	if ((r->sku = strdup(sku)) == NULL || (r->wh = strdup(wf_col_text(st, 1))) == NULL) {
		free(r->sku);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	v->n++;
	if (v->nt == 0 || strcmp(v->totals[v->nt - 1].cur, cur) != 0) {
		t = realloc(v->totals, (v->nt + 1) * sizeof *t);
		if (t == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		v->totals = t;
		t = &v->totals[v->nt++];
		memset(t, 0, sizeof *t);
		wf_strlcpy(t->cur, cur, sizeof t->cur);
	}
	t = &v->totals[v->nt - 1];
	if (wf_money_add(t->qty, r->qty, &t->qty) != 0)
		return wf_error_set(WF_EREFUSED, "the units valued in %s add up past %lld; "
		    "nothing was printed", cur, (long long)WF_MONEY_MAX);
	if (wf_money_add(t->value, r->value, &t->value) != 0)
		return wf_error_set(WF_EREFUSED, "the total value in %s is past the largest "
		    "amount Workform keeps (%s %s); nothing was printed", cur, max, cur);
	return 0;
}

static cJSON *
value_record(const struct value_row *r)
{
	cJSON *o = wf_jrecord("value");

	if (o == NULL || wf_jadd_str(o, "sku", r->sku) | wf_jadd_str(o, "warehouse", r->wh) |
	    wf_jadd_int(o, "qty", r->qty) |
	    (r->has_unit ? wf_jadd_money(o, "unit_cost", r->unit, r->cur) :
	    wf_jadd_null(o, "unit_cost")) |
	    wf_jadd_money(o, "value", r->value, r->cur) | wf_jadd_str(o, "currency", r->cur)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
total_record(const struct value_total *t)
{
	cJSON *o = wf_jrecord("value_total");

	if (o == NULL || wf_jadd_str(o, "currency", t->cur) | wf_jadd_int(o, "qty", t->qty) |
	    wf_jadd_money(o, "value", t->value, t->cur)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
wf_stock_value(wf_db *db, const char *warehouse, wf_out *out)
{
	static const char sql[] =
	    "SELECT s.code, w.code, sum(bal.qty), s.avg_cost, s.cost, s.currency"
	    " FROM balance bal JOIN sku s ON s.id = bal.sku_id JOIN bin b ON b.id = bal.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE bal.state IN " VALUED_SQL " AND (?1 IS NULL OR w.id = ?1)"
	    " GROUP BY s.id, w.id ORDER BY s.currency, s.code, w.code";
	struct value_report v = { NULL, 0, 0, NULL, 0 };
	size_t i;
	wf_stmt *st;
	int64_t wh = 0;
	int rc;

	if (warehouse && (rc = wf_warehouse_find(db, &wh, NULL, warehouse)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_opt_int(st, 1, warehouse != NULL, wh);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = value_add(&v, st)) != 0) {
			wf_stmt_reset(st);
			break;
		}
	for (i = 0; rc == 0 && i < v.n; i++)
		rc = wf_out_emit(out, value_record(&v.rows[i]));
	for (i = 0; rc == 0 && i < v.nt; i++)
		rc = wf_out_emit(out, total_record(&v.totals[i]));
	value_free(&v);
	return rc < 0 ? rc : 0;
}
