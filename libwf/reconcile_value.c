/*
 * reconcile_value.c - inventory value by warehouse (wf-reconcile value):
 * the stock module's own valuation (wf_stock_value, what `wf-stock value`
 * prints), added up per warehouse and currency, so the two never disagree.
 *
 * No table: the value records are captured from wf_stock_value with the
 * report's capture (report_priv.h), never read from the stock tables.
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

static const char *const value_columns[] = {
	"warehouse", "currency", "skus", "qty", "value", NULL
};

int
wf_reconcile_value(wf_db *db, const char *warehouse)
{
	struct rpt_cap cap;
	struct whv *w = NULL;
	size_t n = 0, cap_n = 0, i;
	cJSON *list = NULL, *r;
	int rc;

	if ((rc = rpt_capture(&cap)) != 0)
		return rc;
	rc = wf_stock_value(db, warehouse, cap.out);
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
	return rc;
}
