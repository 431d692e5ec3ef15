/*
 * reconcile_value.c - inventory value by warehouse (wf-reconcile value):
 * the stock module's own valuation (wf_stock_value, what `wf-stock value`
 * prints), added up per warehouse and currency, so the two never disagree;
 * then the count variances of a period in money: the units each count
 * found or lost, at the moving average cost the ledger kept on the count's
 * movement (stock.c records it when the count is booked).
 *
 * reads: movement, bin, warehouse
 *
 * The value records are captured from wf_stock_value with the report's
 * capture (report_priv.h), never read from the stock tables; the
 * variances are read from the ledger, one row per count movement, and
 * multiplied in C with overflow checks (SQLite turns an integer product
 * that overflows into a floating-point one).
 */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_payout.h"
#include "wf_stock.h"
#include "wf_text.h"

struct whv {
	char    warehouse[64], currency[4];
	int64_t skus, qty, value;
};

static int
by_wh(const void *a, const void *b)
{
	const struct whv *x = a, *y = b;
	int c = strcmp(x->warehouse, y->warehouse);

	return c ? c : strcmp(x->currency, y->currency);
}

/* Add value record R to its warehouse and currency in *W (N of CAP). */
static int
whv_add(struct whv **w, size_t *n, size_t *cap, const cJSON *r)
{
	const char *wh = rj_str(r, "warehouse"), *cur = rj_str(r, "currency");
	const char *val = rj_str(r, "value");
	int64_t v;
	size_t i;

	if (wh == NULL || cur == NULL || val == NULL || wf_money_parse(val, cur, &v) != 0)
		return wf_error_set(WF_EINTERNAL, "wf_stock_value printed a value record"
		    " without warehouse, currency or value");
	for (i = 0; i < *n; i++)
		if (strcmp((*w)[i].warehouse, wh) == 0 && strcmp((*w)[i].currency, cur) == 0)
			break;
	if (i == *n) {
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 8;
			struct whv *p = realloc(*w, c * sizeof *p);

			if (p == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
			*w = p;
			*cap = c;
		}
		memset(&(*w)[i], 0, sizeof **w);
		wf_strlcpy((*w)[i].warehouse, wh, sizeof (*w)[i].warehouse);
		wf_strlcpy((*w)[i].currency, cur, sizeof (*w)[i].currency);
		(*n)++;
	}
	(*w)[i].skus++;
	if (wf_money_add((*w)[i].qty, rj_int(r, "qty"), &(*w)[i].qty) != 0 ||
	    wf_money_add((*w)[i].value, v, &(*w)[i].value) != 0)
		return wf_error_set(WF_EREFUSED, "the value of warehouse %s in %s passes what"
		    " money keeps", wh, cur);
	return 0;
}

/* ---- count variances ---------------------------------------------------------- */

struct cvar {
	char    warehouse[64], currency[4];     /* currency "": counted without a cost */
	int64_t counts, found, lost, found_value, lost_value;
};

static int
by_cvar(const void *a, const void *b)
{
	const struct cvar *x = a, *y = b;
	int c = strcmp(x->warehouse, y->warehouse);

	if (c)
		return c;
	if ((*x->currency == '\0') != (*y->currency == '\0'))
		return *x->currency == '\0' ? 1 : -1;     /* uncosted last */
	return strcmp(x->currency, y->currency);
}

static int
too_big(const char *wh)
{
	return wf_error_set(WF_EREFUSED, "the count variance of warehouse %s passes what"
	    " money keeps", wh);
}

/* Add the count movement the statement's row holds to *V (N of CAP). */
static int
cvar_add(struct cvar **v, size_t *n, size_t *cap, wf_stmt *st)
{
	const char *wh = wf_col_text(st, 0), *cur = wf_col_str(st, 1);
	int64_t qty = wf_col_int(st, 2), cost = wf_col_int(st, 3), money = 0;
	int found = wf_col_int(st, 4) != 0;
	struct cvar *x;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].warehouse, wh) == 0 &&
		    strcmp((*v)[i].currency, cur ? cur : "") == 0)
			break;
	if (i == *n) {
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 8;
			struct cvar *p = realloc(*v, c * sizeof *p);

			if (p == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
			*v = p;
			*cap = c;
		}
		memset(&(*v)[i], 0, sizeof **v);
		wf_strlcpy((*v)[i].warehouse, wh, sizeof (*v)[i].warehouse);
		wf_strlcpy((*v)[i].currency, cur ? cur : "", sizeof (*v)[i].currency);
		(*n)++;
	}
	x = &(*v)[i];
	x->counts++;
	if (cur && wf_money_mul(qty, cost, &money) != 0)
		return too_big(wh);
	if (found ? wf_money_add(x->found, qty, &x->found) != 0 ||
	    wf_money_add(x->found_value, money, &x->found_value) != 0 :
	    wf_money_add(x->lost, qty, &x->lost) != 0 ||
	    wf_money_add(x->lost_value, money, &x->lost_value) != 0)
		return too_big(wh);
	return 0;
}

static const char *const variance_columns[] = {
	"warehouse", "currency", "counts", "found", "lost", "qty", "value", NULL
};

static int
cvar_emit(wf_db *db, const struct wf_value_query *q, const struct cvar *x)
{
	const char *cur = *x->currency ? x->currency : NULL;
	cJSON *o = wf_jrecord("count_variance");
	int64_t net;
	int k = 0;

	if (o == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (wf_money_add(x->found_value, -x->lost_value, &net) != 0) {
		cJSON_Delete(o);
		return too_big(x->warehouse);
	}
	k |= wf_jadd_str(o, "warehouse", x->warehouse);
	k |= wf_jadd_str(o, "currency", cur);
	k |= wf_jadd_int(o, "counts", x->counts);
	k |= wf_jadd_int(o, "found", x->found);
	k |= wf_jadd_int(o, "lost", x->lost);
	k |= wf_jadd_int(o, "qty", x->found - x->lost);
	k |= cur ? wf_jadd_money(o, "found_value", x->found_value, cur) :
	    wf_jadd_null(o, "found_value");
	k |= cur ? wf_jadd_money(o, "lost_value", x->lost_value, cur) :
	    wf_jadd_null(o, "lost_value");
	k |= cur ? wf_jadd_money(o, "value", net, cur) : wf_jadd_null(o, "value");
	k |= q->has_since ? wf_jadd_time(o, "since", q->since) : wf_jadd_null(o, "since");
	k |= q->has_until ? wf_jadd_time(o, "until", q->until) : wf_jadd_null(o, "until");
	if (k) {
		cJSON_Delete(o);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_out_emit(wf_db_out(db), o);
}

/* The count variances of Q's period into *V (*N of them), sorted. */
static int
variances(wf_db *db, const struct wf_value_query *q, struct cvar **v, size_t *n)
{
	static const char sql[] =
	    "SELECT w.code, m.currency, m.qty, m.unit_cost, m.to_bin IS NOT NULL"
	    " FROM movement m JOIN bin b ON b.id = coalesce(m.to_bin, m.from_bin)"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE m.action = 'count' AND (?1 IS NULL OR w.code = ?1)"
	    " AND (?2 IS NULL OR m.at >= ?2) AND (?3 IS NULL OR m.at < ?3)"
	    " ORDER BY m.id";
	size_t cap = 0;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, q->warehouse);
	if (q->has_since)
		wf_bind_time(st, 2, q->since);
	if (q->has_until)
		wf_bind_time(st, 3, q->until);
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = cvar_add(v, n, &cap, st)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	if (rc < 0)
		return rc;
	if (*n)
		wf_sort(*v, *n, sizeof **v, by_cvar);
	return 0;
}

static const char *const value_columns[] = {
	"warehouse", "currency", "skus", "qty", "value", NULL
};

int
wf_reconcile_value(wf_db *db, const struct wf_value_query *q)
{
	struct rpt_cap cap;
	struct whv *w = NULL;
	struct cvar *v = NULL;
	size_t n = 0, cap_n = 0, nv = 0, i;
	cJSON *list = NULL, *r;
	int rc;

	if (q->has_since && q->has_until && q->until <= q->since)
		return wf_error_set(WF_EUSAGE, "--until must be after --since");
	if ((rc = rpt_capture(&cap)) != 0)
		return rc;
	rc = wf_stock_value(db, q->warehouse, cap.out);
	if ((rc = rpt_collect(&cap, rc, "value", &list)) != 0)
		return rc;
	cJSON_ArrayForEach(r, list)
		if ((rc = whv_add(&w, &n, &cap_n, r)) != 0)
			break;
	cJSON_Delete(list);
	if (rc == 0 && n)
		wf_sort(w, n, sizeof *w, by_wh);
	wf_out_columns(wf_db_out(db), "inventory_value", value_columns);
	for (i = 0; rc == 0 && i < n; i++) {
		cJSON *o = wf_jrecord("inventory_value");

		if (o == NULL || wf_jadd_str(o, "warehouse", w[i].warehouse) ||
		    wf_jadd_str(o, "currency", w[i].currency) ||
		    wf_jadd_int(o, "skus", w[i].skus) || wf_jadd_int(o, "qty", w[i].qty) ||
		    wf_jadd_money(o, "value", w[i].value, w[i].currency)) {
			cJSON_Delete(o);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
		rc = wf_out_emit(wf_db_out(db), o);
	}
	free(w);
	if (rc == 0)
		rc = variances(db, q, &v, &nv);
	if (rc == 0 && nv)
		wf_out_columns(wf_db_out(db), "count_variance", variance_columns);
	for (i = 0; rc == 0 && i < nv; i++)
		rc = cvar_emit(db, q, &v[i]);
	free(v);
	return rc;
}
