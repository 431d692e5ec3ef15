/* order_shopify.c - a Shopify Admin API order (REST, 2008 to 2025 versions)
 * into struct wf_order_in, for order_import.c to apply (wf-order(1),
 * "SHOPIFY MAPPING").  Its transaction ids are kept for wf-reconcile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_text.h"
#include "wf_time.h"

/* ---- Shopify ------------------------------------------------------------------- */

/* The members of a Shopify Admin API order, its line items and its
 * addresses (REST, 2008 to 2025 versions), for --strict: a key not here is
 * refused, with the nearest one named. */
static const char *const shopify_order_keys[] = {
	"admin_graphql_api_id", "app_id", "billing_address", "browser_ip",
	"buyer_accepts_marketing", "cancel_reason", "cancelled_at", "cart_token",
	"checkout_id", "checkout_token", "client_details", "closed_at", "company",
	"confirmation_number", "confirmed", "contact_email", "created_at", "currency",
	"current_shipping_price_set", "current_subtotal_price",
	"current_subtotal_price_set", "current_total_additional_fees_set",
	"current_total_discounts", "current_total_discounts_set",
	"current_total_duties_set", "current_total_price", "current_total_price_set",
	"current_total_tax", "current_total_tax_set", "customer", "customer_locale",
	"device_id", "discount_applications", "discount_codes", "duties_included",
	"email", "estimated_taxes", "financial_status", "fulfillment_status",
	"fulfillments", "gateway", "id", "landing_site", "landing_site_ref",
	"line_items", "location_id", "merchant_business_entity_id",
	"merchant_of_record_app_id", "name", "note", "note_attributes", "number",
	"order_number", "order_status_url", "original_total_additional_fees_set",
	"original_total_duties_set", "payment_details", "payment_gateway_names",
	"payment_terms", "phone", "po_number", "presentment_currency", "processed_at",
	"processing_method", "reference", "referring_site", "refunds", "returns",
	"shipping_address", "shipping_lines", "source", "source_identifier",
	"source_name", "source_url", "subtotal_price", "subtotal_price_set", "tags",
	"tax_exempt", "tax_lines", "taxes_included", "test", "token",
	"total_cash_rounding_payment_adjustment_set",
	"total_cash_rounding_refund_adjustment_set", "total_discounts",
	"total_discounts_set", "total_line_items_price", "total_line_items_price_set",
	"total_outstanding", "total_price", "total_price_set", "total_price_usd",
	"total_shipping_price_set", "total_tax", "total_tax_set", "total_tip_received",
	"total_weight", "updated_at", "user_id", NULL
};
static const char *const shopify_item_keys[] = {
	"admin_graphql_api_id", "attributed_staffs", "current_quantity",
	"discount_allocations", "duties", "fulfillable_quantity", "fulfillment_service",
	"fulfillment_status", "gift_card", "grams", "id", "name", "origin_location",
	"pre_tax_price", "pre_tax_price_set", "price", "price_set", "product_exists",
	"product_id", "properties", "quantity", "requires_shipping",
	"sales_line_item_group_id", "sku", "tax_code", "tax_lines", "taxable", "title",
	"total_discount", "total_discount_set", "variant_id",
	"variant_inventory_management", "variant_title", "vendor", NULL
};
static const char *const shopify_address_keys[] = {
	"address1", "address2", "city", "company", "country", "country_code",
	"country_name", "first_name", "id", "last_name", "latitude", "longitude", "name",
	"phone", "province", "province_code", "zip", NULL
};

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
		if ((rc = wf_order_jmoney(&li, it, "price", WF_J_NUMOK, cur, &v)) < 0)
			return rc;
		if (rc == 0 && wf_money_add(*sum, v, sum) != 0)
			return wf_jerr(&li, "price", "sum out of range");
	}
	return 0;
}

/* Keep the ids of Shopify transaction T (its own and its parent's, the
 * sale a refund refunds) as the order's payment ids, provider "shopify". */
static int
shopify_tx_ids(const wf_jloc *at, const cJSON *t, struct wf_order_in *in)
{
	static const char *const keys[] = { "id", "parent_id" };
	const char *id;
	size_t k;
	int rc;

	for (k = 0; k < 2; k++) {
		if ((rc = wf_jget_id(at, t, keys[k], 0, &id)) < 0)
			return rc;
		if (rc == 0 && wf_order_pay_id(in, id) != 0)
			return wf_jerr(at, keys[k], "%s", wf_error_msg() + strlen("payment id: "));
	}
	in->pay_provider = "shopify";
	return 0;
}

int
wf_order_shopify_refund(const wf_jloc *at, const cJSON *r, const char *cur, int64_t *sum,
    struct wf_order_in *in, struct wf_order_in *own)
{
	wf_jloc lt = WF_JLOC_KEY(at, "transactions");
	const cJSON *txs, *t;
	long j = 0;
	int64_t v;
	int rc;

	if (!cJSON_IsObject(r))
		return wf_jerr(at, NULL, "expected an object");
	if ((rc = wf_jget_arr(at, r, "transactions", 0, &txs)) != 0)
		return rc < 0 ? rc : 0;
	cJSON_ArrayForEach(t, txs) {
		wf_jloc ltj = WF_JLOC_IDX(&lt, j++);
		const char *kind = NULL, *status = NULL, *id = NULL;
		if (!cJSON_IsObject(t))
			return wf_jerr(&ltj, NULL, "expected an object");
		if ((rc = wf_jget_str(&ltj, t, "kind", 0, 32, &kind)) < 0 ||
		    (rc = wf_jget_str(&ltj, t, "status", 0, 32, &status)) < 0 ||
		    (rc = wf_jget_id(&ltj, t, "id", 0, &id)) < 0)
			return rc;
		if ((rc = shopify_tx_ids(&ltj, t, in)) < 0)
			return rc;
		if (!kind || strcmp(kind, "refund") != 0 ||
		    (status && strcmp(status, "success") != 0))
			continue;
		if ((rc = wf_order_jmoney(&ltj, t, "amount", WF_J_REQ | WF_J_NUMOK, cur, &v)) < 0)
			return rc;
		if (wf_money_add(*sum, v, sum) != 0)
			return wf_jerr(&ltj, "amount", "sum out of range");
		if (own && id && wf_order_pay_id(own, id) != 0)
			return wf_jerr(&ltj, "id", "%s", wf_error_msg() + strlen("payment id: "));
	}
	return 0;
}

/* The refunded amount: successful refund transactions of every refund;
 * their ids are kept in IN. */
static int
refunds(const wf_jloc *at, const cJSON *o, const char *cur, int64_t *sum,
    struct wf_order_in *in)
{
	wf_jloc lr = WF_JLOC_KEY(at, "refunds");
	const cJSON *arr, *r;
	long i = 0;
	int rc;

	*sum = 0;
	if ((rc = wf_jget_arr(at, o, "refunds", 0, &arr)) != 0)
		return rc < 0 ? rc : 0;
	cJSON_ArrayForEach(r, arr) {
		wf_jloc li = WF_JLOC_IDX(&lr, i++);
		const char *id = NULL;
		if ((rc = wf_order_shopify_refund(&li, r, cur, sum, in, NULL)) < 0 ||
		    (rc = wf_jget_id(&li, r, "id", 0, &id)) < 0)
			return rc;
		if (id && wf_text_check("id", id, 128) != 0)
			return wf_jerr(&li, "id", "%s", wf_error_msg() + strlen("id: "));
		if (id && in->nrefund_ids < WF_ORDER_PAY_IDS)
			in->refund_ids[in->nrefund_ids++] = id;
	}
	return 0;
}

/* The units of line LINE_ID that the order's refunds (refunds[].
 * refund_line_items) took back before they shipped, into *n: every restock
 * type but "return", which takes back units that had shipped. */
static int
refunded_units(const wf_jloc *at, const cJSON *o, const char *line_id, int64_t *n)
{
	wf_jloc lr = WF_JLOC_KEY(at, "refunds");
	const cJSON *refunds, *r, *items, *it;
	long i = 0, j;
	int64_t q;
	int rc;

	*n = 0;
	if (line_id == NULL || (rc = wf_jget_arr(at, o, "refunds", 0, &refunds)) != 0)
		return 0;
	cJSON_ArrayForEach(r, refunds) {
		wf_jloc li = WF_JLOC_IDX(&lr, i++);
		wf_jloc lit = WF_JLOC_KEY(&li, "refund_line_items");
		if (!cJSON_IsObject(r) ||
		    (rc = wf_jget_arr(&li, r, "refund_line_items", 0, &items)) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		j = 0;
		cJSON_ArrayForEach(it, items) {
			wf_jloc lj = WF_JLOC_IDX(&lit, j++);
			const char *id = NULL, *restock = NULL;
			if (!cJSON_IsObject(it))
				return wf_jerr(&lj, NULL, "expected an object");
			if ((rc = wf_jget_id(&lj, it, "line_item_id", 0, &id)) < 0 ||
			    (rc = wf_jget_str(&lj, it, "restock_type", 0, 32, &restock)) < 0)
				return rc;
			if (id == NULL || strcmp(id, line_id) != 0 ||
			    (restock && strcmp(restock, "return") == 0))
				continue;
			if ((rc = wf_jget_int(&lj, it, "quantity", WF_J_REQ, 0, 1000000, &q)) < 0)
				return rc;
			*n += q;
		}
	}
	return 0;
}

/* Whether line ITEM (LN parsed) is money only, and what of it will not
 * ship: a gift card, a line that needs no shipping (a tip), or a custom
 * item (no product, no variant, no SKU) is money; units refunded before
 * they shipped, removed by an edit (current_quantity) or no longer
 * fulfillable while nothing of the line was fulfilled are cancelled. */
static int
line_ships(const wf_jloc *li, const wf_jloc *at, const cJSON *o, const cJSON *item,
    struct wf_order_line_in *ln, const char *variant, const char *product)
{
	const char *ful = NULL;
	int64_t v, n;
	int rc, b;

	if ((rc = wf_jget_bool(li, item, "gift_card", 0, &b)) < 0)
		return rc;
	ln->money = rc == 0 && b;
	if ((rc = wf_jget_bool(li, item, "requires_shipping", 0, &b)) < 0)
		return rc;
	if (rc == 0 && !b)
		ln->money = 1;
	if ((ln->sku == NULL || *ln->sku == '\0') && variant == NULL && product == NULL)
		ln->money = 1;
	if (ln->money)
		return 0;
	if ((rc = refunded_units(at, o, ln->external_id, &n)) < 0)
		return rc;
	if ((rc = wf_jget_int(li, item, "current_quantity", 0, 0, 1000000, &v)) < 0)
		return rc;
	if (rc == 0 && ln->qty - v > n)
		n = ln->qty - v;
	if ((rc = wf_jget_str(li, item, "fulfillment_status", 0, 32, &ful)) < 0 ||
	    (rc = wf_jget_int(li, item, "fulfillable_quantity", 0, 0, 1000000, &v)) < 0)
		return rc;
	if (rc == 0 && ful == NULL && ln->qty - v > n)
		n = ln->qty - v;
	ln->cancelled = n;     /* more than ordered is refused (order_import.c) */
	return 0;
}

/* Whether O, which has no line_items, has what only a Shopify order has:
 * its name (#1001), number, creation time or order-level statuses and
 * totals, as a list exported with ?fields= keeps them. */
static int
looks_like_order(const cJSON *o)
{
	static const char *const keys[] = { "name", "order_number", "created_at",
		"processed_at", "financial_status", "fulfillment_status", "total_price",
		"subtotal_price", "order_status_url", NULL };
	size_t k;

	if (wf_order_jhas(o, "date_created") || wf_order_jhas(o, "order_key"))
		return 0;       /* WooCommerce's */
	for (k = 0; keys[k]; k++)
		if (wf_order_jhas(o, keys[k]))
			return 1;
	return 0;
}

int
wf_order_parse_shopify(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena)
{
	wf_jloc l_order = WF_JLOC_KEY(at, "order");
	wf_jloc l_items = WF_JLOC_KEY(at, "line_items"), l_ship = WF_JLOC_KEY(at, "shipping_address");
	const cJSON *items, *ship = NULL, *item, *wrap;
	const char *fin = NULL, *ful = NULL, *cancelled_at = NULL, *what;
	int64_t total_discounts = 0, line_discounts = 0;
	size_t i = 0;
	int rc;

	in->k_lines = "line_items";
	in->k_line_discount = "total_discount";
	in->k_discount = "total_discounts";
	/* {"order":{...}} as the Admin API returns one order */
	wrap = cJSON_GetObjectItemCaseSensitive(o, "order");
	if (cJSON_IsObject(wrap) && cJSON_GetObjectItemCaseSensitive(o, "id") == NULL) {
		o = wrap;
		at = &l_order;
		in->wrapped = 1;
		l_items.up = at;
		l_ship.up = at;
	}
	/* an order has line_items and created_at, and no order_id: anything
	 * else may be another kind of payload */
	if ((!wf_order_jhas(o, "line_items") || wf_order_jhas(o, "order_id") || !wf_order_jhas(o, "created_at")) &&
	    (what = wf_order_not_an_order(o, WF_ORDER_SHOPIFY)) != NULL)
		return wf_jerr(at, NULL, "%s", what);
	if (!wf_order_jhas(o, "line_items") && wf_order_jhas(o, "id") && looks_like_order(o))
		return wf_jerr(at, "line_items", "missing: a Shopify order without its line "
		    "items, as an export made with ?fields= that leaves them out writes it: "
		    "export the orders again with line_items in fields= (or without fields=) "
		    "and import that");
	if (!wf_order_jhas(o, "line_items") && wf_order_jhas(o, "id"))
		return wf_jerr(at, "line_items", "missing: a Shopify order has line_items; "
		    "is this an order?");
	if (strict && (rc = wf_jcheck_keys(at, o, shopify_order_keys)) != 0)
		return rc;
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &in->external_id)) < 0 ||
	    (rc = wf_order_jcurrency(at, o, "currency", in->currency)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "created_at", 0, &in->placed_at)) < 0)
		return rc;
	if (rc == 1 && (rc = wf_jget_time(at, o, "processed_at", WF_J_REQ, &in->placed_at)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "updated_at", 0, &in->updated_at)) < 0)
		return rc;
	in->has_updated = rc == 0;
	if ((rc = wf_jget_obj(at, o, "shipping_address", 0, &ship)) < 0)
		return rc;
	if (ship) {
		if (strict && (rc = wf_jcheck_keys(&l_ship, ship, shopify_address_keys)) != 0)
			return rc;
		if ((rc = wf_order_jtext(&l_ship, ship, "name", 0, 200, &in->ship_name)) < 0 ||
		    (rc = wf_order_jcountry(&l_ship, ship, "country_code", in->ship_country)) < 0 ||
		    (rc = wf_order_jtext(&l_ship, ship, "zip", 0, 32, &in->ship_postcode)) < 0 ||
		    (rc = wf_order_jtext(&l_ship, ship, "city", 0, 200, &in->ship_city)) < 0 ||
		    (rc = wf_order_jtree(&l_ship, ship)) < 0)
			return rc;
		in->ship_to = ship;
	}
	if ((rc = sum_prices(at, o, "shipping_lines", in->currency, &in->shipping_paid)) < 0 ||
	    (rc = wf_order_jmoney(at, o, "total_discounts", WF_J_NUMOK, in->currency,
	    &total_discounts)) < 0 ||
	    (rc = wf_order_jtotals(at, o, "total_price", "taxes_included", in)) < 0)
		return rc;

	if ((rc = wf_jget_str(at, o, "financial_status", 0, 32, &fin)) < 0 ||
	    (rc = wf_jget_str(at, o, "fulfillment_status", 0, 32, &ful)) < 0 ||
	    (rc = wf_jget_str(at, o, "cancelled_at", 0, 64, &cancelled_at)) < 0 ||
	    (rc = wf_order_jtext(at, o, "cancel_reason", 0, 500, &in->cancel_reason)) < 0)
		return rc;
	in->cancelled = cancelled_at != NULL && *cancelled_at;
	in->fulfilled = ful && strcmp(ful, "fulfilled") == 0;
	in->pay_status = "pending";
	in->channel_status = fin && wf_text_plain(fin) ? fin : "pending";
	if (fin && wf_order_paid_status(fin)) {
		/* Shopify says the total was paid; what came back is the sum of
		 * the successful refund transactions, or all of it when a
		 * refunded order lists none */
		in->pay_status = fin;
		in->paid_is_total = 1;
		if ((rc = refunds(at, o, in->currency, &in->refunded, in)) < 0)
			return rc;
		in->refunded_is_all = strcmp(fin, "refunded") == 0 && in->refunded == 0;
	}

	if ((rc = wf_jget_arr(at, o, "line_items", WF_J_REQ, &items)) < 0 ||
	    (rc = wf_order_lines_alloc(at, "line_items", items, in)) < 0)
		return rc;
	cJSON_ArrayForEach(item, items) {
		wf_jloc li = WF_JLOC_IDX(&l_items, (long)i);
		struct wf_order_line_in *ln = &in->lines[i++];
		const char *variant = NULL, *product = NULL;

		if (!cJSON_IsObject(item))
			return wf_jerr(&li, NULL, "expected an object");
		if (strict && (rc = wf_jcheck_keys(&li, item, shopify_item_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&li, item, "sku", 0, 64, &ln->sku)) < 0 ||
		    (rc = wf_jget_int(&li, item, "quantity", WF_J_REQ, 1, 1000000, &ln->qty)) < 0 ||
		    (rc = wf_order_jmoney(&li, item, "price", WF_J_REQ | WF_J_NUMOK, in->currency,
		    &ln->unit_price)) < 0 ||
		    (rc = wf_order_jmoney(&li, item, "total_discount", WF_J_NUMOK, in->currency,
		    &ln->discount)) < 0 ||
		    (rc = sum_prices(&li, item, "tax_lines", in->currency, &ln->tax)) < 0 ||
		    (rc = wf_order_jtext(&li, item, "title", 0, 500, &ln->title)) < 0 ||
		    (rc = wf_jget_id(&li, item, "id", 0, &ln->external_id)) < 0 ||
		    (rc = wf_jget_id(&li, item, "variant_id", 0, &variant)) < 0 ||
		    (rc = wf_jget_id(&li, item, "product_id", 0, &product)) < 0)
			return rc;
		if (ln->external_id && wf_text_check("id", ln->external_id, 128) != 0)
			return wf_jerr(&li, "id", "%s", wf_error_msg() + strlen("id: "));
		if ((rc = line_ships(&li, at, o, item, ln, variant, product)) < 0)
			return rc;
		if (ln->sku == NULL || *ln->sku == '\0') {
			/* no SKU on the channel: the line's key is its variant
			 * (wf-stock sku alias maps it to a SKU), else its product,
			 * else the line itself, so that two products never share one */
			char buf[160];
			const char *key = variant ? "variant_id" : product ? "product_id" : "id";
			const char *id = variant ? variant : product ? product : ln->external_id;
			if (id && wf_text_check(key, id, 128) != 0)
				return wf_jerr(&li, key, "%s", wf_error_msg() + strlen(key) + 2);
			if (id == NULL)
				snprintf(buf, sizeof buf, "shopify-line:%zu", i);
			else
				snprintf(buf, sizeof buf, "shopify-%s:%s", variant ? "variant" :
				    product ? "product" : "line", id);
			if ((ln->sku = wf_order_keep(arena, buf)) == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if (wf_money_add(line_discounts, ln->discount, &line_discounts) != 0)
			return wf_jerr(&li, "total_discount", "sum out of range");
	}
	/* total_discounts includes the lines' discounts: the rest is the order's */
	in->discount = total_discounts > line_discounts ? total_discounts - line_discounts : 0;
	/* the order's own subtotal is stored as it says; its total is checked */
	if ((rc = wf_order_jmoney(at, o, "subtotal_price", WF_J_NUMOK, in->currency,
	    &in->subtotal)) < 0)
		return rc;
	in->has_subtotal = rc == 0;
	in->check_totals = 1;
	return 0;
}

