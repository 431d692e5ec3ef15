/* order_import.c - order payloads (generic, Shopify) into struct wf_order_in,
 * and a wf_order_in into the order record: created, updated, unchanged or
 * conflict, with the channel's payment state replayed on the finance
 * machine.  What it writes, it writes through order.c (order_priv.h).
 *
 * reads: order_line
 */
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_state.h"
#include "wf_text.h"

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

/* ---- the order in, against the order stored -------------------------------------- */

/* FNV-1a, fed piece by piece. */
#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME  1099511628211ull

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t
fnv_ch(uint64_t h, char c)
{
	h ^= (unsigned char)c;
	return h * FNV_PRIME;
}

/* V in decimal, as "%lld" writes it. */
static uint64_t
fnv_int(uint64_t h, long long v)
{
	char d[24];
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	int n = 0;

	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		h = fnv_ch(h, '-');
	while (n > 0)
		h = fnv_ch(h, d[--n]);
	return h;
}

/* Then SEP after it. */
static uint64_t
fnv_int_sep(uint64_t h, long long v, char sep)
{
	return fnv_ch(fnv_int(h, v), sep);
}

static uint64_t
fnv_str_sep(uint64_t h, const char *s, char sep)
{
	return fnv_ch(fnv_str(h, s ? s : ""), sep);
}

/* FNV-1a over the order's content (not its payment), as 16 hex digits:
 * equal content, equal fingerprint.  SHIP is IN's ship_to as JSON text (NULL
 * when there is none).  The bytes hashed are those of the fields written
 * one after another with separators, "placed|currency|...|" then the lines:
 * the order of fields and separators must not change, or every stored order
 * would look changed to the next import. */
static void
fingerprint(const struct wf_order_in *in, const char *ship, char out[17])
{
	uint64_t h = FNV_OFFSET;
	size_t i;

	h = fnv_int_sep(h, (long long)in->placed_at, '|');
	h = fnv_str_sep(h, in->currency, '|');
	h = fnv_int_sep(h, in->has_promise, '|');
	h = fnv_int_sep(h, (long long)in->promise_by, '|');
	h = fnv_str_sep(h, in->ship_name, '|');
	h = fnv_str_sep(h, in->ship_country, '|');
	h = fnv_str_sep(h, in->ship_postcode, '|');
	h = fnv_str_sep(h, in->ship_city, '|');
	if (ship)
		h = fnv_str(h, ship);
	h = fnv_ch(h, '|');
	h = fnv_int_sep(h, (long long)in->shipping_paid, '|');
	h = fnv_int_sep(h, (long long)in->discount, '|');
	h = fnv_int_sep(h, (long long)in->tax, '|');
	h = fnv_int_sep(h, in->has_total, '|');
	h = fnv_int_sep(h, (long long)in->total, '|');
	h = fnv_int_sep(h, in->taxes_included, '|');
	h = fnv_str_sep(h, in->owner, '|');
	h = fnv_int_sep(h, in->fulfilled, '|');
	for (i = 0; i < in->nlines; i++) {
		const struct wf_order_line_in *l = &in->lines[i];
		h = fnv_str_sep(h, l->sku, '\x1f');
		h = fnv_str_sep(h, l->title, '\x1f');
		h = fnv_str_sep(h, l->external_id, '\x1f');
		h = fnv_int_sep(h, (long long)l->qty, '\x1f');
		h = fnv_int_sep(h, (long long)l->unit_price, '\x1f');
		h = fnv_int_sep(h, (long long)l->discount, '\x1f');
		h = fnv_int_sep(h, (long long)l->tax, '\x1e');
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Totals: the lines' subtotal, and the total when the channel gave none. */
static int
totals(const wf_jloc *at, const struct wf_order_in *in, int64_t *subtotal, int64_t *total)
{
	int64_t s = 0, v;
	size_t i;

	for (i = 0; i < in->nlines; i++) {
		const struct wf_order_line_in *l = &in->lines[i];
		if (wf_money_mul(l->qty, l->unit_price, &v) != 0 || wf_money_add(s, v, &s) != 0)
			return wf_jerr(at, "lines", "amounts out of range");
		s -= l->discount < v ? l->discount : v;
	}
	*subtotal = s;
	if (in->has_total) {
		*total = in->total;
		return 0;
	}
	v = s - in->discount;
	if (wf_money_add(v, in->shipping_paid, &v) != 0 ||
	    (!in->taxes_included && wf_money_add(v, in->tax, &v) != 0))
		return wf_jerr(at, NULL, "total out of range");
	*total = v > 0 ? v : 0;
	return 0;
}

static int
check_in(const wf_jloc *at, const struct wf_order_in *in)
{
	size_t i;

	if (wf_text_code("channel", in->channel, 32) != 0)
		return wf_jerr(at, "channel", "%s", wf_error_msg() + strlen("channel: "));
	if (wf_text_check("external_id", in->external_id, 128) != 0)
		return wf_jerr(at, "external_id", "%s", wf_error_msg() + strlen("external_id: "));
	if (in->owner && wf_text_check("owner", in->owner, 64) != 0)
		return wf_jerr(at, "owner", "%s", wf_error_msg() + strlen("owner: "));
	for (i = 0; i < in->nlines; i++)
		if (wf_text_sku("sku", in->lines[i].sku) != 0) {
			wf_jloc ll = WF_JLOC_KEY(at, "lines"), li = WF_JLOC_IDX(&ll, (long)i);
			return wf_jerr(&li, "sku", "%s", wf_error_msg() + strlen("sku: "));
		}
	return 0;
}

/* The finance state a payment says: pending, paid, partially_refunded,
 * refunded. */
static const char *
finance_target(const struct wf_order_in *in)
{
	if (strcmp(in->pay_status, "pending") == 0)
		return "pending";
	if (in->refunded > 0 && in->refunded >= in->paid)
		return "refunded";
	if (in->refunded > 0)
		return "partially_refunded";
	return "paid";
}

/* The shortest run of actions (at most 4) that takes machine M from FROM
 * to TO, into PATH; returns its length, or -1 when there is none.  A payment
 * the channel saw in several steps (authorised, paid, partly refunded) is
 * replayed step by step, so history keeps each state. */
static int
path_to(const struct wf_machine *m, const char *from, const char *to,
    const char *path[4])
{
	const struct wf_transition *t, *u, *v;

	for (t = m->rows; t->from; t++) {
		if (strcmp(t->from, from) != 0)
			continue;
		if (strcmp(t->to, to) == 0) {
			path[0] = t->action;
			return 1;
		}
	}
	for (t = m->rows; t->from; t++) {
		if (strcmp(t->from, from) != 0)
			continue;
		for (u = m->rows; u->from; u++)
			if (strcmp(u->from, t->to) == 0 && strcmp(u->to, to) == 0) {
				path[0] = t->action;
				path[1] = u->action;
				return 2;
			}
	}
	for (t = m->rows; t->from; t++) {
		if (strcmp(t->from, from) != 0)
			continue;
		for (u = m->rows; u->from; u++) {
			if (strcmp(u->from, t->to) != 0)
				continue;
			for (v = m->rows; v->from; v++)
				if (strcmp(v->from, u->to) == 0 && strcmp(v->to, to) == 0) {
					path[0] = t->action;
					path[1] = u->action;
					path[2] = v->action;
					return 3;
				}
		}
	}
	return -1;
}

/* Bring an existing order's finance state and amounts to what the channel
 * says.  *changed: whether anything changed. */
static int
sync_finance(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, int *changed)
{
	const struct wf_machine *m = wf_machine_find("order.finance");
	const char *target = finance_target(in), *path[4];
	cJSON *data;
	int rc, n, k;

	*changed = 0;
	if (in->paid != o->i.paid || in->refunded != o->i.refunded) {
		if ((rc = wf_order_set_payment(db, o->i.id, in->paid, in->refunded)) != 0)
			return rc;
		*changed = 1;
	}
	if (strcmp(target, o->i.finance_state) == 0 ||
	    /* local finance states the channel does not know about */
	    ((strcmp(o->i.finance_state, "invoiced") == 0 ||
	    strcmp(o->i.finance_state, "reconciled") == 0) && strcmp(target, "paid") == 0))
		return 0;
	if ((n = path_to(m, o->i.finance_state, target, path)) < 0) {
		data = cJSON_CreateObject();
		wf_jadd_str(data, "finance_state", o->i.finance_state);
		wf_jadd_str(data, "channel_says", target);
		wf_jadd_money(data, "paid", in->paid, in->currency);
		wf_jadd_money(data, "refunded", in->refunded, in->currency);
		return wf_order_raise(db, ref, &o->i, WF_EX_FINANCE, data, 0,
		    "The channel reports a payment state the order cannot move to; "
		    "check the payment and set the finance state by hand");
	}
	for (k = 0; k < n; k++) {
		data = cJSON_CreateObject();
		if (data == NULL || wf_jadd_money(data, "paid", in->paid, in->currency) |
		    wf_jadd_money(data, "refunded", in->refunded, in->currency)) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if ((rc = wf_state_apply(db, NULL, m, o->i.id, ref, path[k], data)) != 0)
			return rc;
	}
	*changed = 1;
	return wf_order_clear(db, ref, WF_EX_FINANCE, "the channel's payment state was applied");
}

/* What differs between the stored order and IN, for the history event. */
static cJSON *
changes_of(wf_db *db, const struct wf_order_row *o, const struct wf_order_in *in, int64_t total)
{
	static const char sql[] =
	    "SELECT group_concat(sku || 'x' || qty, ' ') FROM"
	    " (SELECT sku, qty FROM order_line WHERE order_id = ?1 ORDER BY line_no)";
	cJSON *c = cJSON_CreateObject();
	wf_buf now = {0};
	wf_stmt *st;
	size_t i;

	if (c == NULL)
		return NULL;
	if (total != o->i.total) {
		cJSON *t = cJSON_CreateObject();
		wf_jadd_money(t, "from", o->i.total, o->i.currency);
		wf_jadd_money(t, "to", total, in->currency);
		wf_jadd_item(c, "total", t);
	}
	for (i = 0; i < in->nlines; i++)
		wf_buf_addf(&now, "%s%sx%lld", i ? " " : "", in->lines[i].sku,
		    (long long)in->lines[i].qty);
	if (wf_db_stmt(db, &st, sql) == 0) {
		wf_bind_int(st, 1, o->i.id);
		if (wf_db_step(db, st) == 1) {
			if (strcmp(wf_col_text(st, 0), wf_buf_str(&now)) != 0) {
				cJSON *t = cJSON_CreateObject();
				wf_jadd_str(t, "from", wf_col_text(st, 0));
				wf_jadd_str(t, "to", wf_buf_str(&now));
				wf_jadd_item(c, "lines", t);
			}
			wf_stmt_reset(st);
		}
	}
	if (strcmp(o->i.ship_country, in->ship_country) != 0) {
		cJSON *t = cJSON_CreateObject();
		wf_jadd_str(t, "from", *o->i.ship_country ? o->i.ship_country : NULL);
		wf_jadd_str(t, "to", *in->ship_country ? in->ship_country : NULL);
		wf_jadd_item(c, "ship_country", t);
	}
	if (c->child == NULL)
		wf_jadd_str(c, "content", "changed");
	wf_buf_free(&now);
	return c;
}

static int
still_open(const struct wf_order_row *o)
{
	const char *s = strcmp(o->i.state, "on_hold") == 0 ? o->i.held_from : o->i.state;

	return strcmp(s, "new") == 0 || strcmp(s, "promised") == 0;
}

/* Validate and apply IN (see wf_order.h: import).  Emits the result record.
 * Runs in the caller's transaction. */
static int
upsert(wf_db *db, const wf_jloc *at, const struct wf_order_in *in, wf_out *out)
{
	struct wf_order_row o;
	char hash[17];
	wf_buf ref = {0}, ship = {0};
	int64_t subtotal = 0, total = 0;
	int rc, found, fin_changed = 0;
	const char *result, *ship_text;

	if ((rc = check_in(at, in)) != 0 || (rc = totals(at, in, &subtotal, &total)) != 0)
		return rc;
	if (in->refunded > in->paid)
		return wf_jerr(at, "payment", "refunded %lld is more than paid %lld (minor units)",
		    (long long)in->refunded, (long long)in->paid);
	/* the address as given: hashed, and stored by create and update */
	if (in->ship_to && (rc = wf_json_write(&ship, in->ship_to)) != 0)
		return rc;
	ship_text = in->ship_to ? wf_buf_str(&ship) : NULL;
	fingerprint(in, ship_text, hash);
	if ((rc = wf_buf_adds(&ref, in->channel)) != 0 || (rc = wf_buf_addc(&ref, ':')) != 0 ||
	    (rc = wf_buf_adds(&ref, in->external_id)) != 0)
		goto out;
	if ((found = wf_order_load(db, &o, ref.p)) < 0) {
		rc = found;
		goto out;
	}
	if (!found) {
		rc = wf_order_create(db, ref.p, in, finance_target(in), ship_text, hash, subtotal,
		    total, out);
		goto out;
	}
	if (strcmp(o.i.currency, in->currency) != 0) {
		rc = wf_jerr(at, "currency", "order %s is in %s; the channel now says %s",
		    ref.p, o.i.currency, in->currency);
		goto out;
	}
	if ((rc = sync_finance(db, ref.p, &o, in, &fin_changed)) != 0)
		goto out;
	result = fin_changed ? "updated" : "unchanged";
	if (strcmp(hash, o.hash) != 0) {
		if (still_open(&o)) {
			if ((rc = wf_order_update(db, ref.p, &o, in, ship_text, hash, subtotal, total,
			    changes_of(db, &o, in, total))) != 0)
				goto out;
			result = "updated";
		} else if (strcmp(o.i.state, "cancelled") != 0 && strcmp(o.i.state, "closed") != 0) {
			cJSON *ev = changes_of(db, &o, in, total);
			wf_jadd_str(ev, "state", o.i.state);
			if ((rc = wf_order_raise(db, ref.p, &o.i, WF_EX_CHANGED, ev, 0,
			    "The channel changed this order after stock was allocated: "
			    "cancel it and import again, or fulfil it as it stands")) != 0)
				goto out;
			result = "conflict";
		}
	}
	if (in->cancelled && strcmp(o.i.state, "cancelled") != 0) {
		if (still_open(&o)) {
			if ((rc = wf_order_cancel(db, ref.p, o.i.id, in->cancel_reason &&
			    *in->cancel_reason ? in->cancel_reason : "cancelled at the channel",
			    NULL)) != 0 ||
			    (rc = wf_order_clear_all(db, ref.p, "the channel cancelled the order")) != 0)
				goto out;
			result = "updated";
		} else if (strcmp(o.i.state, "closed") != 0) {
			cJSON *ev = cJSON_CreateObject();
			wf_jadd_str(ev, "state", o.i.state);
			wf_jadd_str(ev, "reason", in->cancel_reason);
			if ((rc = wf_order_raise(db, ref.p, &o.i, WF_EX_CANCELLED, ev, 0,
			    "The channel cancelled this order after stock was allocated: "
			    "stop it (wf-order cancel) or tell the channel it has shipped")) != 0)
				goto out;
			result = "conflict";
		}
	}
	rc = wf_order_emit_result(db, ref.p, result, out);
out:
	wf_buf_free(&ref);
	wf_buf_free(&ship);
	return rc;
}

int
wf_order_import_line(wf_db *db, const struct wf_line *l, void *arg)
{
	const struct wf_order_import *imp = arg;
	struct wf_order_in in;
	cJSON *arena = cJSON_CreateArray();
	int rc;

	if (arena == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	memset(&in, 0, sizeof in);
	if (imp->format == WF_ORDER_SHOPIFY) {
		rc = wf_order_parse_shopify(l->at, l->obj, l->strict, &in, arena);
		in.channel = imp->channel ? imp->channel : "shopify";
	} else {
		rc = wf_order_parse_generic(l->at, l->obj, l->strict, &in, arena);
		if (imp->channel)
			in.channel = imp->channel;
	}
	if (rc == 0)
		rc = upsert(db, l->at, &in, wf_db_out(db));
	free(in.lines);
	cJSON_Delete(arena);
	return rc;
}
