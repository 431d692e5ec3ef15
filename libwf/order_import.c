/* order_import.c - order payloads (generic, Shopify) into struct wf_order_in. */
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"

/* ---- shared pieces ------------------------------------------------------------- */

static int
alloc_lines(const wf_jloc *at, const char *key, const cJSON *arr,
    struct wf_order_in *in)
{
	int n = cJSON_GetArraySize(arr);

	if (n < 1)
		return wf_jerr(at, key, "an order needs at least one line");
	if (n > 10000)
		return wf_jerr(at, key, "more than 10000 lines");
	if ((in->lines = calloc((size_t)n, sizeof *in->lines)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	in->nlines = (size_t)n;
	return 0;
}

/* A non-negative money field; 1 when absent. */
static int
money_ge0(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    const char *cur, int64_t *out)
{
	int rc = wf_jget_money(at, o, key, fl, cur, out);

	if (rc == 0 && *out < 0)
		return wf_jerr(at, key, "must not be negative");
	return rc;
}

static int
country(const wf_jloc *at, const cJSON *o, const char *key, char out[3])
{
	const char *c;
	int rc, i;

	if ((rc = wf_jget_str(at, o, key, 0, 8, &c)) != 0)
		return rc;
	if (*c == '\0')
		return 1;
	if (strlen(c) != 2)
		goto bad;
	for (i = 0; i < 2; i++) {
		char ch = c[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		if (ch < 'A' || ch > 'Z')
			goto bad;
		out[i] = ch;
	}
	out[2] = '\0';
	return 0;
bad:
	return wf_jerr(at, key, "expected an ISO 3166 country code like DE, got \"%.8s\"", c);
}

static int
currency(const wf_jloc *at, const cJSON *o, const char *key, char out[4])
{
	const char *c;
	int rc;

	if ((rc = wf_jget_str(at, o, key, WF_J_REQ, 8, &c)) != 0)
		return rc;
	if (wf_currency_norm(c, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

/* Keep a string made while parsing: it lives in ARENA. */
static const char *
keep(cJSON *arena, const char *s)
{
	cJSON *c = cJSON_CreateString(s);

	if (c == NULL || !cJSON_AddItemToArray(arena, c)) {
		cJSON_Delete(c);
		return NULL;
	}
	return c->valuestring;
}

/* ---- generic ------------------------------------------------------------------- */

int
wf_order_parse_generic(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena)
{
	static const char *const known[] = {
		"type", "channel", "external_id", "placed_at", "currency", "ship_to",
		"promise_by", "lines", "shipping_paid", "discount", "tax", "total",
		"taxes_included", "payment", "owner", "cancelled", "cancel_reason",
		"fulfilled", "order", "result", NULL
	};
	static const char *const line_keys[] = {
		"sku", "qty", "unit_price", "title", "id", "discount", "tax", NULL
	};
	static const char *const ship_keys[] = {
		"name", "country", "postcode", "city", "address1", "address2", "phone",
		"company", "province", NULL
	};
	static const char *const pay_keys[] = { "status", "amount", "refunded", NULL };
	wf_jloc l_lines = WF_JLOC_KEY(at, "lines"), l_ship = WF_JLOC_KEY(at, "ship_to");
	wf_jloc l_pay = WF_JLOC_KEY(at, "payment");
	const cJSON *lines, *ship = NULL, *pay = NULL, *item;
	const char *type = NULL;
	int rc, b;
	size_t i = 0;

	(void)arena;
	if (strict && (rc = wf_jcheck_keys(at, o, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(at, o, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "order") != 0)
		return wf_jerr(at, "type", "expected \"order\", got \"%.32s\"", type);
	if ((rc = wf_jget_str(at, o, "channel", WF_J_REQ | WF_J_NONEMPTY, 32, &in->channel)) < 0 ||
	    (rc = wf_jget_id(at, o, "external_id", WF_J_REQ, &in->external_id)) < 0 ||
	    (rc = wf_jget_time(at, o, "placed_at", WF_J_REQ, &in->placed_at)) < 0 ||
	    (rc = currency(at, o, "currency", in->currency)) < 0 ||
	    (rc = wf_jget_str(at, o, "owner", WF_J_NONEMPTY, 64, &in->owner)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "promise_by", 0, &in->promise_by)) < 0)
		return rc;
	in->has_promise = rc == 0;
	if ((rc = wf_jget_obj(at, o, "ship_to", 0, &ship)) < 0)
		return rc;
	if (ship) {
		if (strict && (rc = wf_jcheck_keys(&l_ship, ship, ship_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&l_ship, ship, "name", 0, 200, &in->ship_name)) < 0 ||
		    (rc = country(&l_ship, ship, "country", in->ship_country)) < 0 ||
		    (rc = wf_jget_str(&l_ship, ship, "postcode", 0, 32, &in->ship_postcode)) < 0 ||
		    (rc = wf_jget_str(&l_ship, ship, "city", 0, 200, &in->ship_city)) < 0)
			return rc;
		in->ship_to = ship;
	}
	if ((rc = money_ge0(at, o, "shipping_paid", 0, in->currency, &in->shipping_paid)) < 0 ||
	    (rc = money_ge0(at, o, "discount", 0, in->currency, &in->discount)) < 0 ||
	    (rc = money_ge0(at, o, "tax", 0, in->currency, &in->tax)) < 0)
		return rc;
	if ((rc = money_ge0(at, o, "total", 0, in->currency, &in->total)) < 0)
		return rc;
	in->has_total = rc == 0;
	in->taxes_included = 1;
	if ((rc = wf_jget_bool(at, o, "taxes_included", 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->taxes_included = b;
	if ((rc = wf_jget_bool(at, o, "cancelled", 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->cancelled = b;
	if ((rc = wf_jget_str(at, o, "cancel_reason", 0, 500, &in->cancel_reason)) < 0)
		return rc;
	if (in->cancel_reason && *in->cancel_reason)
		in->cancelled = 1;
	if ((rc = wf_jget_bool(at, o, "fulfilled", 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->fulfilled = b;

	in->pay_status = "pending";
	if ((rc = wf_jget_obj(at, o, "payment", 0, &pay)) < 0)
		return rc;
	if (pay) {
		static const char *const statuses[] = {
			"pending", "authorized", "paid", "partially_refunded", "refunded",
			"voided", NULL
		};
		const char *st;
		size_t k;

		if (strict && (rc = wf_jcheck_keys(&l_pay, pay, pay_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&l_pay, pay, "status", WF_J_REQ, 32, &st)) < 0)
			return rc;
		for (k = 0; statuses[k] && strcmp(statuses[k], st) != 0; k++)
			;
		if (statuses[k] == NULL)
			return wf_jerr(&l_pay, "status",
			    "expected pending, authorized, paid, partially_refunded, refunded "
			    "or voided, got \"%.32s\"", st);
		in->pay_status = k <= 1 || k == 5 ? "pending" : statuses[k];
		if ((rc = money_ge0(&l_pay, pay, "amount", 0, in->currency, &in->paid)) < 0 ||
		    (rc = money_ge0(&l_pay, pay, "refunded", 0, in->currency, &in->refunded)) < 0)
			return rc;
		if (strcmp(in->pay_status, "pending") == 0)
			in->paid = in->refunded = 0;
	}

	if ((rc = wf_jget_arr(at, o, "lines", WF_J_REQ, &lines)) < 0 ||
	    (rc = alloc_lines(at, "lines", lines, in)) < 0)
		return rc;
	cJSON_ArrayForEach(item, lines) {
		wf_jloc li = WF_JLOC_IDX(&l_lines, (long)i);
		struct wf_order_line_in *ln = &in->lines[i++];

		if (!cJSON_IsObject(item))
			return wf_jerr(&li, NULL, "expected an object");
		if (strict && (rc = wf_jcheck_keys(&li, item, line_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&li, item, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &ln->sku)) < 0 ||
		    (rc = wf_jget_int(&li, item, "qty", WF_J_REQ, 1, 1000000, &ln->qty)) < 0 ||
		    (rc = money_ge0(&li, item, "unit_price", WF_J_REQ, in->currency,
		    &ln->unit_price)) < 0 ||
		    (rc = money_ge0(&li, item, "discount", 0, in->currency, &ln->discount)) < 0 ||
		    (rc = money_ge0(&li, item, "tax", 0, in->currency, &ln->tax)) < 0 ||
		    (rc = wf_jget_str(&li, item, "title", 0, 500, &ln->title)) < 0 ||
		    (rc = wf_jget_id(&li, item, "id", 0, &ln->external_id)) < 0)
			return rc;
	}
	return 0;
}

/* ---- Shopify ------------------------------------------------------------------- */

/* Sum the "price" of every object in array KEY of O (Shopify's shipping
 * lines and tax lines), exactly. */
static int
sum_prices(const wf_jloc *at, const cJSON *o, const char *key, const char *cur,
    int64_t *sum)
{
	wf_jloc la = WF_JLOC_KEY(at, key);
	const cJSON *arr, *it;
	long i = 0;
	int64_t v;
	int rc;

	*sum = 0;
	if ((rc = wf_jget_arr(at, o, key, 0, &arr)) != 0)
		return rc < 0 ? rc : 0;
	cJSON_ArrayForEach(it, arr) {
		wf_jloc li = WF_JLOC_IDX(&la, i++);
		if (!cJSON_IsObject(it))
			return wf_jerr(&li, NULL, "expected an object");
		if ((rc = money_ge0(&li, it, "price", WF_J_NUMOK, cur, &v)) < 0)
			return rc;
		if (rc == 0 && wf_money_add(*sum, v, sum) != 0)
			return wf_jerr(&li, "price", "sum out of range");
	}
	return 0;
}

/* The refunded amount: successful refund transactions of every refund. */
static int
refunds(const wf_jloc *at, const cJSON *o, const char *cur, int64_t *sum)
{
	wf_jloc lr = WF_JLOC_KEY(at, "refunds");
	const cJSON *arr, *r, *txs, *t;
	long i = 0;
	int64_t v;
	int rc;

	*sum = 0;
	if ((rc = wf_jget_arr(at, o, "refunds", 0, &arr)) != 0)
		return rc < 0 ? rc : 0;
	cJSON_ArrayForEach(r, arr) {
		wf_jloc li = WF_JLOC_IDX(&lr, i++);
		wf_jloc lt = WF_JLOC_KEY(&li, "transactions");
		long j = 0;

		if (!cJSON_IsObject(r))
			return wf_jerr(&li, NULL, "expected an object");
		if ((rc = wf_jget_arr(&li, r, "transactions", 0, &txs)) < 0)
			return rc;
		if (rc == 1)
			continue;
		cJSON_ArrayForEach(t, txs) {
			wf_jloc ltj = WF_JLOC_IDX(&lt, j++);
			const char *kind = NULL, *status = NULL;
			if (!cJSON_IsObject(t))
				return wf_jerr(&ltj, NULL, "expected an object");
			if ((rc = wf_jget_str(&ltj, t, "kind", 0, 32, &kind)) < 0 ||
			    (rc = wf_jget_str(&ltj, t, "status", 0, 32, &status)) < 0)
				return rc;
			if (!kind || strcmp(kind, "refund") != 0 ||
			    (status && strcmp(status, "success") != 0))
				continue;
			if ((rc = money_ge0(&ltj, t, "amount", WF_J_REQ | WF_J_NUMOK, cur, &v)) < 0)
				return rc;
			if (wf_money_add(*sum, v, sum) != 0)
				return wf_jerr(&ltj, "amount", "sum out of range");
		}
	}
	return 0;
}

int
wf_order_parse_shopify(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena)
{
	wf_jloc l_order = WF_JLOC_KEY(at, "order");
	wf_jloc l_items = WF_JLOC_KEY(at, "line_items"), l_ship = WF_JLOC_KEY(at, "shipping_address");
	const cJSON *items, *ship = NULL, *item, *wrap;
	const char *fin = NULL, *ful = NULL, *cancelled_at = NULL;
	int64_t total_discounts = 0, line_discounts = 0;
	size_t i = 0;
	int rc, b;

	(void)strict;
	/* {"order":{...}} as the Admin API returns one order */
	wrap = cJSON_GetObjectItemCaseSensitive(o, "order");
	if (cJSON_IsObject(wrap) && cJSON_GetObjectItemCaseSensitive(o, "id") == NULL) {
		o = wrap;
		at = &l_order;
		l_items.up = at;
		l_ship.up = at;
	}
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &in->external_id)) < 0 ||
	    (rc = currency(at, o, "currency", in->currency)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "created_at", 0, &in->placed_at)) < 0)
		return rc;
	if (rc == 1 && (rc = wf_jget_time(at, o, "processed_at", WF_J_REQ, &in->placed_at)) < 0)
		return rc;
	if ((rc = wf_jget_obj(at, o, "shipping_address", 0, &ship)) < 0)
		return rc;
	if (ship) {
		if ((rc = wf_jget_str(&l_ship, ship, "name", 0, 200, &in->ship_name)) < 0 ||
		    (rc = country(&l_ship, ship, "country_code", in->ship_country)) < 0 ||
		    (rc = wf_jget_str(&l_ship, ship, "zip", 0, 32, &in->ship_postcode)) < 0 ||
		    (rc = wf_jget_str(&l_ship, ship, "city", 0, 200, &in->ship_city)) < 0)
			return rc;
		in->ship_to = ship;
	}
	if ((rc = sum_prices(at, o, "shipping_lines", in->currency, &in->shipping_paid)) < 0 ||
	    (rc = money_ge0(at, o, "total_discounts", WF_J_NUMOK, in->currency,
	    &total_discounts)) < 0 ||
	    (rc = money_ge0(at, o, "total_tax", WF_J_NUMOK, in->currency, &in->tax)) < 0)
		return rc;
	if ((rc = money_ge0(at, o, "total_price", WF_J_NUMOK, in->currency, &in->total)) < 0)
		return rc;
	in->has_total = rc == 0;
	in->taxes_included = 0;
	if ((rc = wf_jget_bool(at, o, "taxes_included", 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->taxes_included = b;

	if ((rc = wf_jget_str(at, o, "financial_status", 0, 32, &fin)) < 0 ||
	    (rc = wf_jget_str(at, o, "fulfillment_status", 0, 32, &ful)) < 0 ||
	    (rc = wf_jget_str(at, o, "cancelled_at", 0, 64, &cancelled_at)) < 0 ||
	    (rc = wf_jget_str(at, o, "cancel_reason", 0, 500, &in->cancel_reason)) < 0)
		return rc;
	in->cancelled = cancelled_at != NULL && *cancelled_at;
	in->fulfilled = ful && strcmp(ful, "fulfilled") == 0;
	in->pay_status = "pending";
	if (fin && (strcmp(fin, "paid") == 0 || strcmp(fin, "partially_refunded") == 0 ||
	    strcmp(fin, "refunded") == 0)) {
		in->pay_status = strcmp(fin, "paid") == 0 ? "paid" : fin;
		in->paid = in->total;
		if ((rc = refunds(at, o, in->currency, &in->refunded)) < 0)
			return rc;
		if (strcmp(fin, "refunded") == 0 && in->refunded == 0)
			in->refunded = in->paid;
	}

	if ((rc = wf_jget_arr(at, o, "line_items", WF_J_REQ, &items)) < 0 ||
	    (rc = alloc_lines(at, "line_items", items, in)) < 0)
		return rc;
	cJSON_ArrayForEach(item, items) {
		wf_jloc li = WF_JLOC_IDX(&l_items, (long)i);
		struct wf_order_line_in *ln = &in->lines[i++];
		const char *variant = NULL;

		if (!cJSON_IsObject(item))
			return wf_jerr(&li, NULL, "expected an object");
		if ((rc = wf_jget_str(&li, item, "sku", 0, 64, &ln->sku)) < 0 ||
		    (rc = wf_jget_int(&li, item, "quantity", WF_J_REQ, 1, 1000000, &ln->qty)) < 0 ||
		    (rc = money_ge0(&li, item, "price", WF_J_REQ | WF_J_NUMOK, in->currency,
		    &ln->unit_price)) < 0 ||
		    (rc = money_ge0(&li, item, "total_discount", WF_J_NUMOK, in->currency,
		    &ln->discount)) < 0 ||
		    (rc = sum_prices(&li, item, "tax_lines", in->currency, &ln->tax)) < 0 ||
		    (rc = wf_jget_str(&li, item, "title", 0, 500, &ln->title)) < 0 ||
		    (rc = wf_jget_id(&li, item, "id", 0, &ln->external_id)) < 0 ||
		    (rc = wf_jget_id(&li, item, "variant_id", 0, &variant)) < 0)
			return rc;
		if (ln->sku == NULL || *ln->sku == '\0') {
			/* no SKU on the channel: keep the line under its variant so
			 * the order is not lost; it will not match the catalogue */
			char buf[160];
			snprintf(buf, sizeof buf, "shopify-variant:%s", variant ? variant : "none");
			if ((ln->sku = keep(arena, buf)) == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if (wf_money_add(line_discounts, ln->discount, &line_discounts) != 0)
			return wf_jerr(&li, "total_discount", "sum out of range");
	}
	/* total_discounts includes the lines' discounts: the rest is the order's */
	in->discount = total_discounts > line_discounts ? total_discounts - line_discounts : 0;
	return 0;
}
