/* order_woo.c - a WooCommerce REST v3 order into struct wf_order_in, for
 * order_import.c to apply (wf-order(1), "WOOCOMMERCE MAPPING").
 *
 * WooCommerce writes a line's price as a JSON number: it is read from the
 * number's own text, never through a double, and more decimal places than
 * the currency has are refused.  Its dates carry no offset: the _gmt
 * variants are read as UTC, the local ones only when they are absent (as
 * UTC too, which the man page says).  Names come with HTML entities
 * (&ndash;), decoded before the text checks run.  Refund totals are
 * negative.  The gateway's transaction id is kept for wf-reconcile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_text.h"
#include "wf_time.h"

/* The members of a WooCommerce v3 order and its line items, for --strict. */
static const char *const woo_order_keys[] = {
	"_links", "billing", "cart_hash", "cart_tax", "coupon_lines", "created_via",
	"currency", "currency_symbol", "customer_id", "customer_ip_address",
	"customer_note", "customer_user_agent", "date_completed", "date_completed_gmt",
	"date_created", "date_created_gmt", "date_modified", "date_modified_gmt",
	"date_paid", "date_paid_gmt", "discount_tax", "discount_total", "fee_lines",
	"id", "is_editable", "line_items", "meta_data", "needs_payment",
	"needs_processing", "number", "order_key", "parent_id", "payment_method",
	"payment_method_title", "payment_url", "prices_include_tax", "refunds",
	"set_paid", "shipping", "shipping_lines", "shipping_tax", "shipping_total",
	"status", "tax_lines", "total", "total_tax", "transaction_id", "version", NULL
};
static const char *const woo_item_keys[] = {
	"id", "image", "meta_data", "name", "parent_name", "price", "product_id",
	"quantity", "sku", "subtotal", "subtotal_tax", "tax_class", "taxes", "total",
	"total_tax", "variation_id", NULL
};

/* ---- HTML entities ------------------------------------------------------------- */

static const struct entity {
	const char *name, *utf8;
} entities[] = {
	{ "amp", "&" }, { "apos", "'" }, { "bull", "\xe2\x80\xa2" }, { "copy", "\xc2\xa9" },
	{ "deg", "\xc2\xb0" }, { "euro", "\xe2\x82\xac" }, { "gt", ">" },
	{ "hellip", "\xe2\x80\xa6" }, { "laquo", "\xc2\xab" }, { "ldquo", "\xe2\x80\x9c" },
	{ "lsquo", "\xe2\x80\x98" }, { "lt", "<" }, { "mdash", "\xe2\x80\x94" },
	{ "nbsp", " " }, { "ndash", "\xe2\x80\x93" }, { "pound", "\xc2\xa3" },
	{ "quot", "\"" }, { "raquo", "\xc2\xbb" }, { "rdquo", "\xe2\x80\x9d" },
	{ "reg", "\xc2\xae" }, { "rsquo", "\xe2\x80\x99" }, { "times", "\xc3\x97" },
	{ "trade", "\xe2\x84\xa2" }, { NULL, NULL }
};

/* Append code point CP as UTF-8; 0 for a code point that is not one a text
 * may hold (NUL, a surrogate, past U+10FFFF), which stays as written. */
static int
utf8(wf_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return wf_buf_add(b, u, n) == 0 ? 1 : -1;
}

/* S with its HTML entities (named ones of the table, &#N; and &#xH;)
 * decoded, once: "&amp;lt;" is "&lt;".  An entity this does not know
 * stays as written.  The result is kept in ARENA; NULL: out of memory. */
static const char *
unentity(cJSON *arena, const char *s)
{
	wf_buf b = {0};
	const char *p, *r = NULL;
	int rc = 0;

	if (strchr(s, '&') == NULL)
		return s;
	for (p = s; *p && rc == 0; ) {
		const char *semi;
		size_t len;
		int done = 0;

		if (*p != '&' || (semi = strchr(p + 1, ';')) == NULL || semi - p > 10) {
			rc = wf_buf_addc(&b, *p++);
			continue;
		}
		len = (size_t)(semi - p - 1);
		if (len > 1 && p[1] == '#') {
			unsigned long cp = 0;
			const char *d = p + 2;
			int hex = *d == 'x' || *d == 'X', ok = 1;
			if (hex)
				d++;
			if (d == semi)
				ok = 0;
			for (; d < semi && ok; d++) {
				int v = *d >= '0' && *d <= '9' ? *d - '0' :
				    hex && *d >= 'a' && *d <= 'f' ? *d - 'a' + 10 :
				    hex && *d >= 'A' && *d <= 'F' ? *d - 'A' + 10 : -1;
				if (v < 0)
					ok = 0;
				else if ((cp = cp * (hex ? 16u : 10u) + (unsigned long)v) > 0x10ffff)
					ok = 0;
			}
			if (ok && (done = utf8(&b, cp)) < 0)
				rc = -1;
		} else {
			const struct entity *e;
			for (e = entities; e->name; e++)
				if (strlen(e->name) == len && memcmp(e->name, p + 1, len) == 0) {
					rc = wf_buf_adds(&b, e->utf8);
					done = 1;
					break;
				}
		}
		if (done)
			p = semi + 1;
		else if (rc == 0)
			rc = wf_buf_addc(&b, *p++);
	}
	if (rc == 0)
		r = wf_order_keep(arena, wf_buf_str(&b));
	wf_buf_free(&b);
	return r;
}

/* Free text KEY of O with its entities decoded, then checked as any stored
 * text is.  Returns as wf_jget_str does. */
static int
woo_text(const wf_jloc *at, const cJSON *o, const char *key, size_t max, cJSON *arena,
    const char **out)
{
	const char *s;
	int rc;

	if ((rc = wf_jget_str(at, o, key, 0, max, &s)) != 0)
		return rc;
	if ((s = unentity(arena, s)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (wf_text_check(key, s, max) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg() + strlen(key) + 2);
	*out = s;
	return 0;
}

/* ---- dates --------------------------------------------------------------------- */

/* KEY_gmt of O (UTC without an offset), else KEY (the shop's local time,
 * read as UTC); 1 when both are absent. */
static int
woo_time(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl, int64_t *out)
{
	char gmt[40], z[72];
	const char *s, *k = gmt;
	size_t n;
	int rc;

	snprintf(gmt, sizeof gmt, "%s_gmt", key);
	if ((rc = wf_jget_str(at, o, gmt, WF_J_NONEMPTY, 64, &s)) < 0)
		return rc;
	if (rc == 1) {
		k = key;
		if ((rc = wf_jget_str(at, o, key, fl | WF_J_NONEMPTY, 64, &s)) != 0)
			return rc;
	}
	/* no offset means UTC here: say so to the parser */
	n = strlen(s);
	if (n >= 19 && s[n - 1] != 'Z' && strchr(s + 10, '+') == NULL &&
	    strchr(s + 10, '-') == NULL)
		snprintf(z, sizeof z, "%sZ", s);
	else
		snprintf(z, sizeof z, "%s", s);
	if (wf_time_parse(z, out) != 0)
		return wf_jerr(at, k, "%s", wf_error_msg());
	return 0;
}

/* ---- the order ----------------------------------------------------------------- */

/* The refunded amount: the refunds' totals, which WooCommerce writes
 * negative ("-10.00"); a positive one is refused. */
static int
woo_refunds(const wf_jloc *at, const cJSON *o, const char *cur, int64_t *sum)
{
	wf_jloc lr = WF_JLOC_KEY(at, "refunds");
	const cJSON *arr, *r, *t;
	long i = 0;
	int64_t v;
	int rc;

	*sum = 0;
	if ((rc = wf_jget_arr(at, o, "refunds", 0, &arr)) != 0)
		return rc < 0 ? rc : 0;
	cJSON_ArrayForEach(r, arr) {
		wf_jloc li = WF_JLOC_IDX(&lr, i++);
		const char *s;
		if (!cJSON_IsObject(r))
			return wf_jerr(&li, NULL, "expected an object");
		t = cJSON_GetObjectItemCaseSensitive(r, "total");
		if (t == NULL || cJSON_IsNull(t))
			return wf_jerr(&li, "total", "missing");
		s = cJSON_IsString(t) ? t->valuestring : cJSON_IsNumber(t) ? t->valuestring : NULL;
		if (s == NULL || *s != '-')
			return wf_jerr(&li, "total", "expected a negative amount like \"-10.00\"");
		if (wf_money_parse(s + 1, cur, &v) != 0)
			return wf_jerr(&li, "total", "%s", wf_error_msg());
		if (wf_money_add(*sum, v, sum) != 0)
			return wf_jerr(&li, "total", "sum out of range");
	}
	return 0;
}

/* The status WooCommerce names, as fulfilment and finance (wf-order(1),
 * "WOOCOMMERCE MAPPING"). */
static const struct woo_status {
	const char *name;
	int paid, refunded, fulfilled, cancelled;
} woo_statuses[] = {
	{ "pending", 0, 0, 0, 0 },
	{ "on-hold", 0, 0, 0, 0 },
	{ "checkout-draft", 0, 0, 0, 0 },
	{ "processing", 1, 0, 0, 0 },
	{ "completed", 1, 0, 1, 0 },
	{ "refunded", 1, 1, 0, 0 },
	{ "cancelled", 0, 0, 0, 1 },
	{ "failed", 0, 0, 0, 1 },
	{ NULL, 0, 0, 0, 0 }
};

/* The shipping address: shipping, with its name made of first_name and
 * last_name; the whole object is kept as given. */
static int
woo_ship(const wf_jloc *at, const cJSON *o, struct wf_order_in *in, cJSON *arena)
{
	wf_jloc ls = WF_JLOC_KEY(at, "shipping");
	const cJSON *ship;
	const char *first = NULL, *last = NULL;
	char name[420];
	int rc;

	if ((rc = wf_jget_obj(at, o, "shipping", 0, &ship)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = woo_text(&ls, ship, "first_name", 200, arena, &first)) < 0 ||
	    (rc = woo_text(&ls, ship, "last_name", 200, arena, &last)) < 0 ||
	    (rc = wf_order_jcountry(&ls, ship, "country", in->ship_country)) < 0 ||
	    (rc = wf_order_jtext(&ls, ship, "postcode", 0, 32, &in->ship_postcode)) < 0 ||
	    (rc = woo_text(&ls, ship, "city", 200, arena, &in->ship_city)) < 0 ||
	    (rc = wf_order_jtree(&ls, ship)) < 0)
		return rc;
	snprintf(name, sizeof name, "%s%s%s", first ? first : "",
	    first && *first && last && *last ? " " : "", last ? last : "");
	if (*name && (in->ship_name = wf_order_keep(arena, name)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	in->ship_to = ship;
	return 0;
}

/* One line item into LN: its SKU (or woocommerce-product:ID, which the
 * catalogue will not know), quantity, price from the number's text, and
 * its tax. */
static int
woo_line(const wf_jloc *li, const cJSON *item, int strict, const char *cur,
    struct wf_order_line_in *ln, cJSON *arena)
{
	const char *product = NULL, *variation = NULL;
	int rc;

	if (!cJSON_IsObject(item))
		return wf_jerr(li, NULL, "expected an object");
	if (strict && (rc = wf_jcheck_keys(li, item, woo_item_keys)) != 0)
		return rc;
	if ((rc = wf_jget_str(li, item, "sku", 0, 64, &ln->sku)) < 0 ||
	    (rc = wf_jget_int(li, item, "quantity", WF_J_REQ, 1, 1000000, &ln->qty)) < 0 ||
	    (rc = wf_order_jmoney(li, item, "price", WF_J_REQ | WF_J_NUMOK, cur,
	    &ln->unit_price)) < 0 ||
	    (rc = wf_order_jmoney(li, item, "total_tax", WF_J_NUMOK, cur, &ln->tax)) < 0 ||
	    (rc = woo_text(li, item, "name", 500, arena, &ln->title)) < 0 ||
	    (rc = wf_jget_id(li, item, "id", 0, &ln->external_id)) < 0 ||
	    (rc = wf_jget_id(li, item, "product_id", 0, &product)) < 0 ||
	    (rc = wf_jget_id(li, item, "variation_id", 0, &variation)) < 0)
		return rc;
	if (ln->external_id && wf_text_check("id", ln->external_id, 128) != 0)
		return wf_jerr(li, "id", "%s", wf_error_msg() + strlen("id: "));
	if (ln->sku == NULL || *ln->sku == '\0') {
		char buf[160];
		const char *id = variation && strcmp(variation, "0") != 0 ? variation : product;
		if (id == NULL)
			return wf_jerr(li, "sku", "missing, and no product_id to keep the line by");
		if (wf_text_check("product_id", id, 128) != 0)
			return wf_jerr(li, "product_id", "%s", wf_error_msg() + strlen("product_id: "));
		snprintf(buf, sizeof buf, "woocommerce-%s:%s", id == product ? "product" :
		    "variation", id);
		if ((ln->sku = wf_order_keep(arena, buf)) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return 0;
}

int
wf_order_parse_woo(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena)
{
	wf_jloc l_items = WF_JLOC_KEY(at, "line_items");
	const struct woo_status *ws;
	const cJSON *items, *item;
	const char *status, *gateway = NULL, *txid = NULL, *what;
	size_t i = 0;
	int rc;

	in->k_lines = "line_items";
	in->k_line_discount = "total";
	in->k_discount = "discount_total";
	/* a WooCommerce order has line_items and an order_key or date_created */
	if ((!wf_order_jhas(o, "line_items") || !wf_order_jhas(o, "date_created")) &&
	    (what = wf_order_not_an_order(o, WF_ORDER_SHOPIFY)) != NULL &&
	    strstr(what, "WooCommerce") == NULL)
		return wf_jerr(at, NULL, "%s", what);
	if ((wf_order_jhas(o, "created_at") || wf_order_jhas(o, "order")) &&
	    !wf_order_jhas(o, "date_created"))
		return wf_jerr(at, NULL, "a Shopify order, not a WooCommerce one: read it with "
		    "wf-order import --from shopify");
	if (!wf_order_jhas(o, "line_items") && wf_order_jhas(o, "id") &&
	    (wf_order_jhas(o, "order_key") || wf_order_jhas(o, "number") ||
	    wf_order_jhas(o, "date_created") || wf_order_jhas(o, "date_created_gmt") ||
	    wf_order_jhas(o, "status") || wf_order_jhas(o, "total")))
		return wf_jerr(at, "line_items", "missing: a WooCommerce order without its line "
		    "items, as a list made with _fields= that leaves them out writes it: "
		    "list the orders again with line_items in _fields= (or without _fields=) "
		    "and import that");
	if (strict && (rc = wf_jcheck_keys(at, o, woo_order_keys)) != 0)
		return rc;
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &in->external_id)) < 0 ||
	    (rc = wf_order_jcurrency(at, o, "currency", in->currency)) < 0 ||
	    (rc = woo_time(at, o, "date_created", WF_J_REQ, &in->placed_at)) < 0)
		return rc;
	if ((rc = woo_time(at, o, "date_modified", 0, &in->updated_at)) < 0)
		return rc;
	in->has_updated = rc == 0;
	if ((rc = woo_ship(at, o, in, arena)) < 0)
		return rc;
	if ((rc = wf_order_jmoney(at, o, "shipping_total", WF_J_NUMOK, in->currency,
	    &in->shipping_paid)) < 0 ||
	    (rc = wf_order_jtotals(at, o, "total", "prices_include_tax", in)) < 0)
		return rc;

	if ((rc = wf_jget_str(at, o, "status", WF_J_REQ | WF_J_NONEMPTY, 32, &status)) < 0)
		return rc;
	for (ws = woo_statuses; ws->name && strcmp(ws->name, status) != 0; ws++)
		;
	if (ws->name == NULL)
		return wf_jerr(at, "status", "expected pending, on-hold, checkout-draft, "
		    "processing, completed, refunded, cancelled or failed, got \"%.32s\"",
		    wf_text_plain(status) ? status : "?");
	in->channel_status = ws->name;
	in->pay_status = "pending";
	in->fulfilled = ws->fulfilled;
	in->cancelled = ws->cancelled;
	if (ws->cancelled)
		in->cancel_reason = strcmp(ws->name, "failed") == 0 ?
		    "the payment failed at WooCommerce" : "cancelled at WooCommerce";
	if (ws->paid) {
		in->paid_is_total = 1;
		if ((rc = woo_refunds(at, o, in->currency, &in->refunded)) < 0)
			return rc;
		in->pay_status = ws->refunded ? "refunded" :
		    in->refunded ? "partially_refunded" : "paid";
		in->refunded_is_all = ws->refunded && in->refunded == 0;
	}
	/* the gateway's transaction id, for wf-reconcile */
	if ((rc = wf_jget_str(at, o, "payment_method", 0, 64, &gateway)) < 0 ||
	    (rc = wf_jget_id(at, o, "transaction_id", 0, &txid)) < 0) {
		/* "" is WooCommerce's way of saying there is none */
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "transaction_id");
		if (!cJSON_IsString(t) || *t->valuestring)
			return rc;
		txid = NULL;
	}
	if (gateway && *gateway && txid && *txid) {
		if (wf_text_code("payment_method", gateway, 64) != 0)
			return wf_jerr(at, "payment_method", "%s",
			    wf_error_msg() + strlen("payment_method: "));
		if (wf_order_pay_id(in, txid) != 0)
			return wf_jerr(at, "transaction_id", "%s",
			    wf_error_msg() + strlen("payment id: "));
		in->pay_provider = gateway;
	}

	if ((rc = wf_jget_arr(at, o, "line_items", WF_J_REQ, &items)) < 0 ||
	    (rc = wf_order_lines_alloc(at, "line_items", items, in)) < 0)
		return rc;
	cJSON_ArrayForEach(item, items) {
		wf_jloc li = WF_JLOC_IDX(&l_items, (long)i);
		if ((rc = woo_line(&li, item, strict, in->currency, &in->lines[i++], arena)) < 0)
			return rc;
	}
	return 0;
}
