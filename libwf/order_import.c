/* order_import.c - order payloads (generic here; Shopify in order_shopify.c,
 * WooCommerce in order_woo.c) into struct wf_order_in,
 * and a wf_order_in into the order record: created, updated, unchanged,
 * stale or conflict.  A re-import never invents a finance transition and
 * never moves money backwards (wf-order(1), "Re-imports").  What it writes,
 * it writes through order.c (order_priv.h).
 *
 * reads: orders, order_line, order_unshipped
 */
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_state.h"
#include "wf_text.h"
#include "wf_time.h"

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

/* Free text of a payload that will be stored: a string that passes
 * wf_text_check (nothing that can act on a terminal or hide in text), its
 * error located at KEY.  Returns as wf_jget_str does. */
static int
text(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl, size_t max,
    const char **out)
{
	int rc = wf_jget_str(at, o, key, fl, max, out);

	if (rc == 0 && wf_text_check(key, *out, max) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg() + strlen(key) + 2);
	return rc;
}

static int
country(const wf_jloc *at, const cJSON *o, const char *key, char out[3])
{
	const char *c;
	int rc, i;

	if ((rc = text(at, o, key, 0, 8, &c)) != 0)
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

	if ((rc = text(at, o, key, WF_J_REQ, 8, &c)) != 0)
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

/* Every string in V (an object or array kept as given, such as an address),
 * member names included, passes wf_text_check; AT is where V is. */
static int
text_tree(const wf_jloc *at, const cJSON *v)
{
	const cJSON *c;
	long i = 0;

	for (c = v->child; c; c = c->next, i++) {
		wf_jloc lc = WF_JLOC_IDX(at, i);

		if (c->string) {
			if (wf_text_check("name", c->string, 256) != 0)
				return wf_jerr(at, NULL, "a member %s", wf_error_msg());
			lc = (wf_jloc)WF_JLOC_KEY(at, c->string);
		}
		if (cJSON_IsString(c) && wf_text_check("text", c->valuestring, (size_t)-1) != 0)
			return wf_jerr(&lc, NULL, "%s", wf_error_msg() + strlen("text: "));
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && text_tree(&lc, c) != 0)
			return WF_EINPUT;
	}
	return 0;
}

static int
has(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return v != NULL && !cJSON_IsNull(v);
}

/* A Stripe API object that is money, not an order: Stripe names each
 * object's kind in "object". */
static int
is_stripe(const cJSON *o)
{
	static const char *const kinds[] = { "payout", "balance_transaction", "charge",
		"refund", "dispute", NULL };
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "object");
	size_t i;

	if (!cJSON_IsString(v))
		return 0;
	for (i = 0; kinds[i]; i++)
		if (strcmp(v->valuestring, kinds[i]) == 0)
			return 1;
	return 0;
}

/* What a payload sent to the order importer is when it is not an order of
 * FORMAT, and where it goes instead; NULL when it may well be one. */
static const char *
not_an_order(const cJSON *o, enum wf_order_format format)
{
	int items = has(o, "line_items");

	/* an order has an id; an order's refunds list does not */
	if (has(o, "refund") || has(o, "refund_line_items") ||
	    (has(o, "refunds") && !items && !has(o, "id")))
		return "a Shopify refund, not an order: refunds are read by "
		    "wf-order import --from shopify-refund";
	if (has(o, "fulfillment") || (has(o, "fulfillments") && !items && !has(o, "id")) ||
	    (has(o, "order_id") && (has(o, "tracking_number") || has(o, "tracking_numbers") ||
	    has(o, "tracking_company"))))
		return "a Shopify fulfillment, not an order: fulfillments are read by "
		    "wf-order import --from shopify-fulfillment";
	if (is_stripe(o))
		return "a Stripe payout or balance transaction, not an order: they are read by "
		    "wf-reconcile import --from stripe";
	if (has(o, "transaction_details") || has(o, "transaction_info"))
		return "a PayPal transaction search, not an order: it is read by "
		    "wf-reconcile import --from paypal";
	if (has(o, "payout") || has(o, "payouts") || has(o, "payout_id") ||
	    has(o, "source_order_id") || (has(o, "transactions") && !items && !has(o, "id")))
		return "a Shopify Payments payout or balance transaction, not an order: "
		    "payouts are read by wf-reconcile import --from shopify";
	if (has(o, "tracking_details") || has(o, "tracking_code"))
		return "a carrier's tracker, not an order: tracking events are read by "
		    "wf-order track";
	if (has(o, "order_key") || (items && has(o, "date_created") && !has(o, "created_at")))
		return "a WooCommerce order: WooCommerce orders are read by "
		    "wf-order import --from woocommerce";
	if (format == WF_ORDER_GENERIC && items && !has(o, "lines"))
		return "a Shopify order, not a generic one: read it with "
		    "wf-order import --from shopify";
	if (format == WF_ORDER_SHOPIFY && !items && has(o, "lines") && has(o, "external_id"))
		return "a generic order, not a Shopify one: read it with "
		    "wf-order import --from generic";
	return NULL;
}

/* The payment a channel reports: STATUS (pending, paid, partially_refunded,
 * refunded), as the importer keeps it. */
static int
paid_status(const char *status)
{
	return strcmp(status, "paid") == 0 || strcmp(status, "partially_refunded") == 0 ||
	    strcmp(status, "refunded") == 0;
}

/* ---- for the platform parsers (order_priv.h) ----------------------------------- */

int
wf_order_jtext(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    size_t max, const char **out)
{
	return text(at, o, key, fl, max, out);
}

int
wf_order_jmoney(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    const char *cur, int64_t *out)
{
	return money_ge0(at, o, key, fl, cur, out);
}

int
wf_order_jcountry(const wf_jloc *at, const cJSON *o, const char *key, char out[3])
{
	return country(at, o, key, out);
}

int
wf_order_jcurrency(const wf_jloc *at, const cJSON *o, const char *key, char out[4])
{
	return currency(at, o, key, out);
}

int
wf_order_jtree(const wf_jloc *at, const cJSON *v)
{
	return text_tree(at, v);
}

const char *
wf_order_keep(cJSON *arena, const char *s)
{
	return keep(arena, s);
}

int
wf_order_lines_alloc(const wf_jloc *at, const char *key, const cJSON *arr,
    struct wf_order_in *in)
{
	return alloc_lines(at, key, arr, in);
}

int
wf_order_jtotals(const wf_jloc *at, const cJSON *o, const char *total_key,
    const char *incl_key, struct wf_order_in *in)
{
	int rc, b;

	if ((rc = money_ge0(at, o, "total_tax", WF_J_NUMOK, in->currency, &in->tax)) < 0 ||
	    (rc = money_ge0(at, o, total_key, WF_J_NUMOK, in->currency, &in->total)) < 0)
		return rc;
	in->has_total = rc == 0;
	in->taxes_included = 0;
	if ((rc = wf_jget_bool(at, o, incl_key, 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->taxes_included = b;
	return 0;
}

int
wf_order_jhas(const cJSON *o, const char *key)
{
	return has(o, key);
}

const char *
wf_order_not_an_order(const cJSON *o, enum wf_order_format format)
{
	return not_an_order(o, format);
}

int
wf_order_paid_status(const char *status)
{
	return paid_status(status);
}

int
wf_order_pay_id(struct wf_order_in *in, const char *id)
{
	size_t i;

	if (wf_text_check("payment id", id, 128) != 0)
		return WF_EINPUT;
	for (i = 0; i < in->npay_ids; i++)
		if (strcmp(in->pay_ids[i], id) == 0)
			return 0;
	if (in->npay_ids < WF_ORDER_PAY_IDS)
		in->pay_ids[in->npay_ids++] = id;
	return 0;
}

/* ---- generic ------------------------------------------------------------------- */

int
wf_order_parse_generic(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena)
{
	/* Workform's own format: an unknown key is refused whatever STRICT
	 * says, so that a misspelt "shiping_paid" never imports as zero */
	static const char *const known[] = {
		"type", "channel", "external_id", "placed_at", "updated_at", "currency",
		"ship_to", "promise_by", "lines", "shipping_paid", "discount", "tax", "total",
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
	const char *type = NULL, *what;
	int rc, b;
	size_t i = 0;

	(void)arena;
	(void)strict;
	in->k_lines = "lines";
	in->k_line_discount = "discount";
	in->k_discount = "discount";
	/* a payload of another kind has keys this format does not: say what
	 * it is rather than which key is unknown */
	if ((rc = wf_jcheck_keys(at, o, known)) != 0)
		return (what = not_an_order(o, WF_ORDER_GENERIC)) != NULL ?
		    wf_jerr(at, NULL, "%s", what) : rc;
	if ((rc = wf_jget_str(at, o, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "order") != 0)
		return wf_jerr(at, "type", "expected \"order\", got \"%.32s\"",
		    wf_text_plain(type) ? type : "?");
	if ((rc = text(at, o, "channel", WF_J_REQ | WF_J_NONEMPTY, 32, &in->channel)) < 0 ||
	    (rc = wf_jget_id(at, o, "external_id", WF_J_REQ, &in->external_id)) < 0 ||
	    (rc = wf_jget_time(at, o, "placed_at", WF_J_REQ, &in->placed_at)) < 0 ||
	    (rc = currency(at, o, "currency", in->currency)) < 0 ||
	    (rc = text(at, o, "owner", WF_J_NONEMPTY, 64, &in->owner)) < 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "updated_at", 0, &in->updated_at)) < 0)
		return rc;
	in->has_updated = rc == 0;
	if ((rc = wf_jget_time(at, o, "promise_by", 0, &in->promise_by)) < 0)
		return rc;
	in->has_promise = rc == 0;
	if ((rc = wf_jget_obj(at, o, "ship_to", 0, &ship)) < 0)
		return rc;
	if (ship) {
		if ((rc = wf_jcheck_keys(&l_ship, ship, ship_keys)) != 0)
			return rc;
		if ((rc = text(&l_ship, ship, "name", 0, 200, &in->ship_name)) < 0 ||
		    (rc = country(&l_ship, ship, "country", in->ship_country)) < 0 ||
		    (rc = text(&l_ship, ship, "postcode", 0, 32, &in->ship_postcode)) < 0 ||
		    (rc = text(&l_ship, ship, "city", 0, 200, &in->ship_city)) < 0 ||
		    (rc = text_tree(&l_ship, ship)) < 0)
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
	if ((rc = text(at, o, "cancel_reason", 0, 500, &in->cancel_reason)) < 0)
		return rc;
	if (in->cancel_reason && *in->cancel_reason)
		in->cancelled = 1;
	if ((rc = wf_jget_bool(at, o, "fulfilled", 0, &b)) < 0)
		return rc;
	if (rc == 0)
		in->fulfilled = b;

	in->pay_status = in->channel_status = "pending";
	if ((rc = wf_jget_obj(at, o, "payment", 0, &pay)) < 0)
		return rc;
	if (pay) {
		static const char *const statuses[] = {
			"pending", "authorized", "paid", "partially_refunded", "refunded",
			"voided", NULL
		};
		const char *st;
		size_t k;
		int amount, refunded;

		if ((rc = wf_jcheck_keys(&l_pay, pay, pay_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&l_pay, pay, "status", WF_J_REQ, 32, &st)) < 0)
			return rc;
		for (k = 0; statuses[k] && strcmp(statuses[k], st) != 0; k++)
			;
		if (statuses[k] == NULL)
			return wf_jerr(&l_pay, "status",
			    "expected pending, authorized, paid, partially_refunded, refunded "
			    "or voided, got \"%.32s\"", wf_text_plain(st) ? st : "?");
		in->channel_status = statuses[k];
		in->status_says = 1;
		in->pay_status = k <= 1 || k == 5 ? "pending" : statuses[k];
		if ((amount = money_ge0(&l_pay, pay, "amount", 0, in->currency, &in->paid)) < 0)
			return amount;
		if ((refunded = money_ge0(&l_pay, pay, "refunded", 0, in->currency,
		    &in->refunded)) < 0)
			return refunded;
		if (!paid_status(in->pay_status))
			in->paid = in->refunded = 0;
		else {
			/* a status without its amount: paid means the total, refunded
			 * means all of it; a partial refund must say how much */
			in->paid_is_total = amount == 1;
			in->refunded_is_all = refunded == 1 && k == 4;
			if (refunded == 1 && k == 3)
				return wf_jerr(&l_pay, "refunded", "missing: a payment that is "
				    "partially_refunded says how much was refunded");
		}
	}

	if ((rc = wf_jget_arr(at, o, "lines", WF_J_REQ, &lines)) < 0 ||
	    (rc = alloc_lines(at, "lines", lines, in)) < 0)
		return rc;
	cJSON_ArrayForEach(item, lines) {
		wf_jloc li = WF_JLOC_IDX(&l_lines, (long)i);
		struct wf_order_line_in *ln = &in->lines[i++];

		if (!cJSON_IsObject(item))
			return wf_jerr(&li, NULL, "expected an object");
		if ((rc = wf_jcheck_keys(&li, item, line_keys)) != 0)
			return rc;
		if ((rc = wf_jget_str(&li, item, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &ln->sku)) < 0 ||
		    (rc = wf_jget_int(&li, item, "qty", WF_J_REQ, 1, 1000000, &ln->qty)) < 0 ||
		    (rc = money_ge0(&li, item, "unit_price", WF_J_REQ, in->currency,
		    &ln->unit_price)) < 0 ||
		    (rc = money_ge0(&li, item, "discount", 0, in->currency, &ln->discount)) < 0 ||
		    (rc = money_ge0(&li, item, "tax", 0, in->currency, &ln->tax)) < 0 ||
		    (rc = text(&li, item, "title", 0, 500, &ln->title)) < 0 ||
		    (rc = wf_jget_id(&li, item, "id", 0, &ln->external_id)) < 0)
			return rc;
		if (ln->external_id && wf_text_check("id", ln->external_id, 128) != 0)
			return wf_jerr(&li, "id", "%s", wf_error_msg() + strlen("id: "));
	}
	return 0;
}

/* ---- the fingerprint of an order's content ------------------------------------- */

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
		/* added with migration 17, only when set: a stored order's
		 * fingerprint stays what it was */
		if (l->money || l->cancelled)
			h = fnv_int_sep(fnv_int_sep(h, l->money, '\x1f'),
			    (long long)l->cancelled, '\x1e');
	}
	if (in->has_subtotal)
		h = fnv_int_sep(fnv_ch(h, '\x1d'), (long long)in->subtotal, '\x1d');
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Money for a message: "25.00 EUR" into OUT. */
static const char *
amount(char out[48], int64_t v, const char *cur)
{
	char m[40];

	if (wf_money_format(v, cur, m, sizeof m) != 0)
		snprintf(m, sizeof m, "%lld", (long long)v);
	snprintf(out, 48, "%s %s", m, cur);
	return out;
}

/* Totals: the lines' subtotal, and the total when the channel gave none.
 * A discount larger than what it discounts is refused, never clamped: the
 * order would otherwise carry money nobody can account for. */
static int
totals(const wf_jloc *at, struct wf_order_in *in, int64_t *subtotal, int64_t *total,
    int64_t *computed)
{
	wf_jloc ll = WF_JLOC_KEY(at, in->k_lines);
	char a[48], b[48];
	int64_t s = 0, v;
	size_t i;

	for (i = 0; i < in->nlines; i++) {
		const struct wf_order_line_in *l = &in->lines[i];
		wf_jloc li = WF_JLOC_IDX(&ll, (long)i);
		if (wf_money_mul(l->qty, l->unit_price, &v) != 0 || wf_money_add(s, v, &s) != 0)
			return wf_jerr(at, in->k_lines, "amounts out of range");
		if (l->discount > v)
			return wf_jerr(&li, in->k_line_discount, "%s is more than the line's value %s",
			    amount(a, l->discount, in->currency), amount(b, v, in->currency));
		s -= l->discount;
	}
	*subtotal = s;
	if (in->discount > s)
		return wf_jerr(at, in->k_discount, "the order's discount %s is more than its "
		    "subtotal %s", amount(a, in->discount, in->currency), amount(b, s, in->currency));
	v = s - in->discount;
	if (wf_money_add(v, in->shipping_paid, &v) != 0 ||
	    (!in->taxes_included && wf_money_add(v, in->tax, &v) != 0))
		return wf_jerr(at, NULL, "total out of range");
	*computed = v;
	*total = in->has_total ? in->total : v;
	/* the channel's own subtotal, when it states one, is the order's (a
	 * stated subtotal equal to the lines' is not one: the fingerprint of
	 * an order that adds up stays what it was) */
	if (in->has_subtotal && in->subtotal == s)
		in->has_subtotal = 0;
	if (in->has_subtotal)
		*subtotal = in->subtotal;
	return 0;
}

static int clear_open(wf_db *db, const char *ref, const char *kind, const char *note);

/* Whether a total the channel stated differs from what the order's
 * lines, discounts, shipping and tax add up to (COMPUTED) by more than
 * rounding: a minor unit per line, and one for the order. */
static int
totals_differ(const struct wf_order_in *in, int64_t total, int64_t computed)
{
	int64_t d = total > computed ? total - computed : computed - total;

	return in->check_totals && in->has_total && d > (int64_t)in->nlines + 1;
}

/* Raise (or, when it adds up again, clear) the exception about order REF
 * whose total TOTAL is not what its parts add up to (COMPUTED). */
static int
check_totals(wf_db *db, const char *ref, const struct wf_order_in *in, int64_t subtotal,
    int64_t total, int64_t computed)
{
	struct wf_order_row o;
	char a[48], b[48];
	wf_buf next = {0};
	cJSON *ev;
	int rc;

	if (!totals_differ(in, total, computed))
		return clear_open(db, ref, WF_EX_TOTALS, "an import from the channel adds up");
	if ((rc = wf_order_load(db, &o, ref)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	ev = cJSON_CreateObject();
	if (ev == NULL || wf_jadd_money(ev, "total", total, in->currency) |
	    wf_jadd_money(ev, "adds_up_to", computed, in->currency) |
	    wf_jadd_money(ev, "subtotal", subtotal, in->currency) |
	    wf_jadd_money(ev, "discount", in->discount, in->currency) |
	    wf_jadd_money(ev, "shipping_paid", in->shipping_paid, in->currency) |
	    wf_jadd_money(ev, "tax", in->tax, in->currency) |
	    wf_jadd_bool(ev, "taxes_included", in->taxes_included) ||
	    wf_buf_addf(&next, "The channel's total %s is not what the order's lines, "
	    "discounts, shipping and tax add up to (%s): check the order in the channel; the "
	    "total was imported as the channel states it", amount(a, total, in->currency),
	    amount(b, computed, in->currency))) {
		cJSON_Delete(ev);
		wf_buf_free(&next);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	rc = wf_order_raise(db, ref, &o.i, WF_EX_TOTALS, ev, 0, next.p);
	wf_buf_free(&next);
	return rc;
}

static int
check_in(const wf_jloc *at, const struct wf_order_in *in)
{
	size_t i;

	if (wf_text_check("channel", in->channel, 32) != 0 ||
	    wf_text_code("channel", in->channel, 32) != 0)
		return wf_jerr(at, "channel", "%s", wf_error_msg() + strlen("channel: "));
	if (wf_text_check("external_id", in->external_id, 128) != 0)
		return wf_jerr(at, "external_id", "%s", wf_error_msg() + strlen("external_id: "));
	if (in->owner && wf_text_check("owner", in->owner, 64) != 0)
		return wf_jerr(at, "owner", "%s", wf_error_msg() + strlen("owner: "));
	for (i = 0; i < in->nlines; i++)
		if (in->lines[i].cancelled < 0 || in->lines[i].cancelled > in->lines[i].qty) {
			wf_jloc ll = WF_JLOC_KEY(at, in->k_lines), li = WF_JLOC_IDX(&ll, (long)i);
			return wf_jerr(&li, NULL, "%lld units refunded or cancelled, more than the "
			    "%lld ordered", (long long)in->lines[i].cancelled,
			    (long long)in->lines[i].qty);
		} else if (wf_text_check("sku", in->lines[i].sku, 64) != 0 ||
		    wf_text_sku("sku", in->lines[i].sku) != 0) {
			wf_jloc ll = WF_JLOC_KEY(at, in->k_lines), li = WF_JLOC_IDX(&ll, (long)i);
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

/* ---- a re-import's payment ----------------------------------------------------- */

/* Whether a stored finance state agrees with the state a channel's amounts
 * say: local states the channel does not know (invoiced, reconciled,
 * disputed) agree with what they were reached from. */
static int
agrees(const char *state, const char *says)
{
	if (strcmp(state, says) == 0 || strcmp(state, "reconciled") == 0)
		return strcmp(says, "pending") != 0 || strcmp(state, "pending") == 0;
	if (strcmp(says, "paid") == 0)
		return strcmp(state, "invoiced") == 0 || strcmp(state, "disputed") == 0;
	return 0;
}

/* What a re-import does with the payment the channel reports. */
enum fin_kind {
	FIN_SAME,       /* what is stored */
	FIN_APPLY,      /* more paid or refunded, by the transitions in steps */
	FIN_LESS,       /* less paid or refunded, or back to pending: nothing */
	FIN_CONFLICT    /* more, but no legal transition leads there: nothing */
};

struct fin {
	enum fin_kind kind;
	const char   *steps[2];
	int           nsteps;
};

/* Plan how the finance machine follows the channel (wf-order(1), "Re-imports"):
 * each transition must be one that happened, shown by the money: pay when
 * a pending order is now paid, refund_part or refund when more was
 * refunded.  No path is searched: a state that cannot be reached that way
 * is a conflict, and less money than stored is never applied. */
static void
plan_finance(const struct wf_order_row *o, const struct wf_order_in *in, struct fin *f)
{
	const struct wf_machine *m = wf_machine_find("order.finance");
	const char *says = finance_target(in), *cur = o->i.finance_state, *to;

	memset(f, 0, sizeof *f);
	if (in->paid < o->i.paid || in->refunded < o->i.refunded ||
	    (strcmp(says, "pending") == 0 && strcmp(cur, "pending") != 0)) {
		f->kind = FIN_LESS;
		return;
	}
	if (strcmp(cur, "pending") == 0 && strcmp(says, "pending") != 0) {
		f->steps[f->nsteps++] = "pay";
		cur = "paid";
	}
	if (in->refunded > o->i.refunded) {
		const char *a = in->refunded >= in->paid ? "refund" : "refund_part";
		if ((to = wf_state_next(m, cur, a)) == NULL) {
			f->kind = FIN_CONFLICT;
			return;
		}
		f->steps[f->nsteps++] = a;
		cur = to;
	}
	if (!agrees(cur, says)) {
		f->kind = FIN_CONFLICT;
		return;
	}
	f->kind = f->nsteps > 0 || in->paid != o->i.paid ? FIN_APPLY : FIN_SAME;
}

/* One side of a payment, for an exception's evidence. */
static cJSON *
payment_side(const char *status_key, const char *status, int64_t paid, int64_t refunded,
    int64_t total, const char *cur, int has_updated, int64_t updated_at)
{
	cJSON *s = cJSON_CreateObject();

	if (s == NULL || wf_jadd_str(s, status_key, status) |
	    wf_jadd_money(s, "paid", paid, cur) | wf_jadd_money(s, "refunded", refunded, cur) |
	    wf_jadd_money(s, "total", total, cur) |
	    (has_updated ? wf_jadd_time(s, "updated_at", updated_at) : wf_jadd_null(s, "updated_at"))) {
		cJSON_Delete(s);
		return NULL;
	}
	return s;
}

/* Raise KIND (owner finance) about order REF: the stored payment O against
 * the channel's IN (total TOTAL) as evidence, the larger difference of paid
 * or refunded as the money at stake, NEXT as the next action. */
static int
raise_finance(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, int64_t total, const char *kind, const char *next)
{
	struct wf_raise r;
	cJSON *ev = cJSON_CreateObject(), *a, *b;
	int64_t dp = o->i.paid - in->paid, dr = o->i.refunded - in->refunded, id;
	const char *result;
	int rc;

	a = payment_side("finance_state", o->i.finance_state, o->i.paid, o->i.refunded,
	    o->i.total, o->i.currency, o->has_channel_time, o->channel_time);
	b = payment_side("status", in->channel_status, in->paid, in->refunded, total,
	    in->currency, in->has_updated, in->updated_at);
	if (ev == NULL || a == NULL || b == NULL) {
		cJSON_Delete(a);
		cJSON_Delete(b);
		cJSON_Delete(ev);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if (wf_jadd_item(ev, "stored", a) | wf_jadd_item(ev, "channel", b)) {
		cJSON_Delete(ev);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if (dp < 0)
		dp = -dp;
	if (dr < 0)
		dr = -dr;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.subject_type = "order";
	r.subject_ref = ref;
	r.evidence = ev;
	r.impact.money = dp > dr ? dp : dr;
	wf_strlcpy(r.impact.currency, o->i.currency, sizeof r.impact.currency);
	r.impact.orders = 1;
	r.next_action = next;
	r.owner = WF_OWNER_FINANCE;
	rc = wf_exception_raise(db, &id, &result, &r);
	cJSON_Delete(ev);
	return rc;
}

static int
raise_less(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, int64_t total)
{
	char p1[48], r1[48], p0[48], r0[48];
	wf_buf next = {0};
	int rc;

	if (wf_buf_addf(&next, "The channel now reports paid %s and refunded %s for %s, "
	    "less than Workform has (paid %s, refunded %s); nothing was changed. Check the "
	    "payment in the channel: if a refund or payment recorded here is missing there, "
	    "make it there and import the order again, which resolves this; if the channel "
	    "is right, correct the order here or dismiss this with a note (wf-alert dismiss)",
	    amount(p1, in->paid, in->currency), amount(r1, in->refunded, in->currency), ref,
	    amount(p0, o->i.paid, o->i.currency), amount(r0, o->i.refunded, o->i.currency)))
		return wf_error_set(WF_ENOMEM, "out of memory");
	rc = raise_finance(db, ref, o, in, total, WF_EX_LESS, next.p);
	wf_buf_free(&next);
	return rc;
}

/* Record in C that money field KEY went from A to B (nothing when equal). */
static int
change_money(cJSON *c, const char *key, int64_t a, int64_t b, const char *cur)
{
	cJSON *t;

	if (a == b)
		return 0;
	if ((t = cJSON_CreateObject()) == NULL || wf_jadd_money(t, "from", a, cur) |
	    wf_jadd_money(t, "to", b, cur)) {
		cJSON_Delete(t);
		return WF_ENOMEM;
	}
	return wf_jadd_item(c, key, t) ? WF_ENOMEM : 0;
}

static int
change_item(cJSON *c, const char *key, cJSON *from, cJSON *to)
{
	cJSON *t = cJSON_CreateObject();
	int rc;

	if (t == NULL || from == NULL || to == NULL) {
		cJSON_Delete(from);
		cJSON_Delete(to);
		cJSON_Delete(t);
		return WF_ENOMEM;
	}
	rc = wf_jadd_item(t, "from", from);     /* each takes its item */
	rc |= wf_jadd_item(t, "to", to);
	if (rc) {
		cJSON_Delete(t);
		return WF_ENOMEM;
	}
	return wf_jadd_item(c, key, t) ? WF_ENOMEM : 0;
}

/* ---- a re-import's content ----------------------------------------------------- */

/* The members of two address objects (either may be NULL) that differ, as
 * "ship_to.KEY" changes in C, values as the channel gave them. */
static int
change_address(cJSON *c, const cJSON *was, const cJSON *now)
{
	const cJSON *sides[2] = { was, now }, *m, *other;
	wf_buf key = {0}, x = {0}, y = {0};
	int k, rc = 0;

	for (k = 0; k < 2 && rc == 0; k++) {
		if (sides[k] == NULL)
			continue;
		for (m = sides[k]->child; m && rc == 0; m = m->next) {
			other = sides[!k] ? cJSON_GetObjectItemCaseSensitive(sides[!k], m->string) : NULL;
			if (k == 1 && other != NULL)
				continue;     /* compared from the other side */
			x.len = y.len = key.len = 0;
			if (wf_json_write(&x, m) || (other && wf_json_write(&y, other)))
				return wf_error_set(WF_ENOMEM, "out of memory");
			if (other && strcmp(wf_buf_str(&x), wf_buf_str(&y)) == 0)
				continue;
			if (wf_buf_addf(&key, "ship_to.%s", m->string)) {
				rc = WF_ENOMEM;
				break;
			}
			rc = k == 0 ?
			    change_item(c, key.p, cJSON_Duplicate(m, 1),
			    other ? cJSON_Duplicate(other, 1) : cJSON_CreateNull()) :
			    change_item(c, key.p, cJSON_CreateNull(), cJSON_Duplicate(m, 1));
		}
	}
	wf_buf_free(&key);
	wf_buf_free(&x);
	wf_buf_free(&y);
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* A line's stored fields against the channel's, as "lines[I].FIELD". */
static int
change_line(cJSON *c, wf_stmt *st, size_t i, const struct wf_order_line_in *l,
    const char *cur)
{
	char key[64];
	const char *title = l->title ? l->title : "";
	int rc = 0;

#define KEY(f) (snprintf(key, sizeof key, "lines[%zu]." f, i), key)
	if (strcmp(wf_col_text(st, 0), l->sku) != 0)
		rc |= change_item(c, KEY("sku"), wf_json_str(wf_col_text(st, 0)), wf_json_str(l->sku));
	if (strcmp(wf_col_text(st, 1), title) != 0)
		rc |= change_item(c, KEY("title"), wf_json_str(wf_col_text(st, 1)), wf_json_str(title));
	if ((wf_col_null(st, 2) != (l->external_id == NULL)) ||
	    (l->external_id && strcmp(wf_col_text(st, 2), l->external_id) != 0))
		rc |= change_item(c, KEY("id"), wf_json_str(wf_col_str(st, 2)),
		    wf_json_str(l->external_id));
	if (wf_col_int(st, 3) != l->qty)
		rc |= change_item(c, KEY("qty"), wf_json_int(wf_col_int(st, 3)), wf_json_int(l->qty));
	rc |= change_money(c, KEY("unit_price"), wf_col_int(st, 4), l->unit_price, cur);
	rc |= change_money(c, KEY("discount"), wf_col_int(st, 5), l->discount, cur);
	rc |= change_money(c, KEY("tax"), wf_col_int(st, 6), l->tax, cur);
	if (wf_col_int(st, 7) != l->cancelled)
		rc |= change_item(c, KEY("cancelled"), wf_json_int(wf_col_int(st, 7)),
		    wf_json_int(l->cancelled));
#undef KEY
	return rc ? WF_ENOMEM : 0;
}

/* Every field of the stored order O that IN (with SUBTOTAL and TOTAL)
 * changes, as {"field":{"from":..,"to":..}} into C, in the order the record
 * shows them; an address by its members, lines by index, and the lines as
 * "SKUxQTY ..." when their number changes.  Returns 0 or an error. */
static int
content_changes(wf_db *db, cJSON *c, const struct wf_order_row *o,
    const struct wf_order_in *in, int64_t subtotal, int64_t total)
{
	static const char sql[] =
	    "SELECT placed_at, promise_by, ship_to, subtotal, discount, shipping_paid, tax,"
	    " total, owner FROM orders WHERE id = ?1";
	/* a line as the channel gave it: what ships and what never does */
	static const char lines_sql[] =
	    "SELECT max(sku), max(title), max(external_id), sum(qty), max(unit_price),"
	    " sum(discount), sum(tax), sum(cancelled) FROM ("
	    " SELECT line_no, sku, title, external_id, qty, unit_price, discount, tax,"
	    " 0 AS cancelled FROM order_line WHERE order_id = ?1 UNION ALL"
	    " SELECT line_no, sku, title, external_id, qty, unit_price, discount, tax,"
	    " CASE WHEN why = 'cancelled' THEN qty ELSE 0 END FROM order_unshipped"
	    " WHERE order_id = ?1) GROUP BY line_no ORDER BY line_no";
	char placed[WF_TIME_LEN], promise[WF_TIME_LEN];
	const char *cur = in->currency;
	cJSON *was = NULL;
	wf_buf before = {0}, after = {0};
	wf_stmt *st;
	size_t i, n = 0;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, o->i.id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	wf_time_format(in->placed_at, placed);
	if (in->has_promise)
		wf_time_format(in->promise_by, promise);
	rc = 0;
	if (strcmp(wf_col_text(st, 0), placed) != 0)
		rc |= change_item(c, "placed_at", wf_json_str(wf_col_text(st, 0)), wf_json_str(placed));
	if (wf_col_null(st, 1) == in->has_promise ||
	    (in->has_promise && strcmp(wf_col_text(st, 1), promise) != 0))
		rc |= change_item(c, "promise_by", wf_json_str(wf_col_str(st, 1)),
		    wf_json_str(in->has_promise ? promise : NULL));
	if (!wf_col_null(st, 2))
		wf_json_parse(wf_col_text(st, 2), strlen(wf_col_text(st, 2)), &was);
	if (rc == 0)
		rc = change_address(c, was, in->ship_to);
	cJSON_Delete(was);
	rc |= change_money(c, "subtotal", wf_col_int(st, 3), subtotal, cur);
	rc |= change_money(c, "discount", wf_col_int(st, 4), in->discount, cur);
	rc |= change_money(c, "shipping_paid", wf_col_int(st, 5), in->shipping_paid, cur);
	rc |= change_money(c, "tax", wf_col_int(st, 6), in->tax, cur);
	rc |= change_money(c, "total", wf_col_int(st, 7), total, cur);
	if (in->owner && strcmp(wf_col_text(st, 8), in->owner) != 0)
		rc |= change_item(c, "owner", wf_json_str(wf_col_text(st, 8)), wf_json_str(in->owner));
	wf_stmt_reset(st);
	if (rc)
		return wf_error_set(WF_ENOMEM, "out of memory");

	if ((rc = wf_db_stmt(db, &st, lines_sql)) != 0)
		return rc;
	wf_bind_int(st, 1, o->i.id);
	while ((rc = wf_db_step(db, st)) == 1) {
		rc = wf_buf_addf(&before, "%s%sx%lld", n ? " " : "", wf_col_text(st, 0),
		    (long long)wf_col_int(st, 3));
		if (rc == 0 && n < in->nlines)
			rc = change_line(c, st, n, &in->lines[n], cur);
		n++;
		if (rc) {
			wf_stmt_reset(st);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (n != in->nlines) {
		for (i = 0; i < in->nlines; i++)
			rc |= wf_buf_addf(&after, "%s%sx%lld", i ? " " : "", in->lines[i].sku,
			    (long long)in->lines[i].qty);
		if (rc || change_item(c, "lines", wf_json_str(wf_buf_str(&before)),
		    wf_json_str(wf_buf_str(&after))))
			rc = wf_error_set(WF_ENOMEM, "out of memory");
	}
out:
	wf_buf_free(&before);
	wf_buf_free(&after);
	return rc;
}

static int
still_open(const struct wf_order_row *o)
{
	const char *s = strcmp(o->i.state, "on_hold") == 0 ? o->i.held_from : o->i.state;

	return strcmp(s, "new") == 0 || strcmp(s, "promised") == 0;
}

/* Whether an order in STATE has ended (a channel's change can no longer be
 * a conflict about it). */
static int
done(const char *state)
{
	return strcmp(state, "cancelled") == 0 || strcmp(state, "closed") == 0;
}

/* Whether an order in STATE has left the building, or ended. */
static int
gone(const char *state)
{
	return done(state) || strcmp(state, "shipped") == 0 ||
	    strcmp(state, "delivered") == 0 || strcmp(state, "returned") == 0 ||
	    strcmp(state, "partially_returned") == 0;
}

/* Whether the channel says of the order's content something that the
 * stored order O does not: its lines, address, amounts, or a cancellation.
 * (A payment is judged by the money, whatever the stamps.) */
static int
differs(const struct wf_order_row *o, const struct wf_order_in *in, const char *hash)
{
	return strcmp(hash, o->hash) != 0 ||
	    (in->cancelled && strcmp(o->i.state, "cancelled") != 0);
}

/* ---- the order in, against the order stored -------------------------------------- */

/* Clear the exception KIND about order REF with NOTE when one is open:
 * looked up first, as most imports have none to clear. */
static int
clear_open(wf_db *db, const char *ref, const char *kind, const char *note)
{
	int open, rc;

	if ((rc = wf_exception_is_open(db, &open, kind, "order", ref)) != 0 || !open)
		return rc;
	return wf_order_clear(db, ref, kind, note);
}

/* Bring the stored order O (key REF) to what the channel's IN says, as the
 * rules of wf-order(1) "Re-imports" allow, and emit it with its result. */
static int
reimport(wf_db *db, const char *ref, struct wf_order_row *o, const struct wf_order_in *in,
    const char *ship, const char *hash, int64_t subtotal, int64_t total, wf_out *out)
{
	const struct wf_machine *fm = wf_machine_find("order.finance");
	const struct wf_machine *om = wf_machine_find("order");
	struct fin f;
	cJSON *changes = NULL, *conflict = NULL, *data;
	wf_buf cuts = {0};
	int64_t shipped = 0, left = 0;
	int rc = 0, content, open = still_open(o), updated = 0, conflicted = 0, k;
	int elsewhere, cancel_late, cut = 0, ended = 0;

	/* a snapshot no newer than the one applied changes nothing */
	if (in->has_updated && o->has_channel_time && (in->updated_at < o->channel_time ||
	    (in->updated_at == o->channel_time && differs(o, in, hash))))
		return wf_order_emit_result(db, ref, "stale", out);

	if ((changes = cJSON_CreateObject()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	content = strcmp(hash, o->hash) != 0;
	if (content && (rc = content_changes(db, changes, o, in, subtotal, total)) != 0)
		goto out;
	/* stock was allocated: units the channel cancelled go back to stock;
	 * any other change of content stays as it is, for a person */
	if (content && !open && changes->child && !gone(o->i.state) &&
	    (cut = wf_order_cut_plan(db, o, in, changes, &cuts, &shipped, &left)) < 0) {
		rc = cut;
		goto out;
	}
	if (content && !open && changes->child && !cut) {
		conflict = changes;
		if ((changes = cJSON_CreateObject()) == NULL) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
	}
	/* the channel fulfilled or cancelled an order that holds stock */
	elsewhere = content && in->fulfilled && !in->cancelled &&
	    strcmp(o->i.state, "new") != 0 && !gone(o->i.state);
	/* a cancellation whose units all go is the cut's, which cancels it */
	cancel_late = in->cancelled && !open && !done(o->i.state) &&
	    !(cut && left == 0 && shipped == 0);
	plan_finance(o, in, &f);
	if (f.kind == FIN_APPLY &&
	    ((rc = change_money(changes, "paid", o->i.paid, in->paid, in->currency)) != 0 ||
	    (rc = change_money(changes, "refunded", o->i.refunded, in->refunded,
	    in->currency)) != 0))
		goto out;
	if (in->has_updated && (!o->has_channel_time || in->updated_at > o->channel_time) &&
	    conflict == NULL && !elsewhere && !cancel_late) {
		/* the channel's stamp of the newest snapshot applied: not of one
		 * held back for a person, which must come back as a conflict */
		cJSON *t = cJSON_CreateObject();
		if (t == NULL || (o->has_channel_time ? wf_jadd_time(t, "from", o->channel_time) :
		    wf_jadd_null(t, "from")) | wf_jadd_time(t, "to", in->updated_at)) {
			cJSON_Delete(t);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
		} else if (wf_jadd_item(changes, "channel_updated_at", t))
			rc = wf_error_set(WF_ENOMEM, "out of memory");
		else
			rc = wf_order_set_channel_time(db, o->i.id, in->updated_at);
	}
	if (rc)
		goto out;
	if (f.kind == FIN_APPLY &&
	    (rc = wf_order_set_payment(db, o->i.id, in->paid, in->refunded)) != 0)
		goto out;
	updated = changes->child != NULL;
	if (content && open) {
		/* the content, with every changed field in one update event */
		rc = wf_order_update(db, ref, o, in, ship, hash, subtotal, total, changes, 0);
		changes = NULL;
		if (rc)
			goto out;
	} else if (cut) {
		rc = wf_order_cut(db, ref, o, in, ship, hash, subtotal, total, changes,
		    (const struct wf_order_cut *)(void *)cuts.p,
		    cuts.len / sizeof(struct wf_order_cut), shipped, 1, &ended);
		changes = NULL;
		if (rc)
			goto out;
	} else if (changes->child) {
		rc = wf_history_add(db, "order", ref, NULL, "update", NULL, NULL, changes);
		changes = NULL;
		if (rc)
			goto out;
	}

	for (k = 0; k < f.nsteps; k++) {
		data = cJSON_CreateObject();
		if (data == NULL || wf_jadd_money(data, "paid", in->paid, in->currency) |
		    wf_jadd_money(data, "refunded", in->refunded, in->currency)) {
			cJSON_Delete(data);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = wf_state_apply(db, NULL, fm, o->i.id, ref, f.steps[k], data)) != 0)
			goto out;
		updated = 1;
	}
	if (f.kind == FIN_LESS) {
		if ((rc = raise_less(db, ref, o, in, total)) != 0)
			goto out;
		conflicted = 1;
	} else if ((rc = clear_open(db, ref, WF_EX_LESS,
	    "an import from the channel agrees with the order's payment again")) != 0)
		goto out;
	if (f.kind == FIN_CONFLICT) {
		if ((rc = raise_finance(db, ref, o, in, total, WF_EX_FINANCE,
		    "The channel reports a payment the order's finance state cannot reach by one "
		    "transition that happened; check the payment in the channel and in wf-order "
		    "show, and settle it by hand")) != 0)
			goto out;
		conflicted = 1;
	} else if ((rc = clear_open(db, ref, WF_EX_FINANCE,
	    "the channel's payment state was applied")) != 0)
		goto out;

	/* the channel says it shipped the order itself */
	if (content && in->fulfilled && !in->cancelled && strcmp(o->i.state, "new") == 0) {
		if ((rc = wf_state_apply(db, NULL, om, o->i.id, ref, "close_external", NULL)) != 0)
			goto out;
		updated = 1;
	} else if (elsewhere) {
		if ((conflict == NULL && (conflict = cJSON_CreateObject()) == NULL) ||
		    wf_jadd_bool(conflict, "fulfilled", 1)) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (conflict && !done(o->i.state)) {
		wf_jadd_str(conflict, "state", o->i.state);
		rc = wf_order_raise(db, ref, &o->i, WF_EX_CHANGED, conflict, 0,
		    cJSON_GetObjectItemCaseSensitive(conflict, "fulfilled") ?
		    "The channel says it fulfilled this order, which Workform has not shipped: "
		    "ship it here if it left your warehouse, or cancel it here (wf-order cancel)" :
		    "The channel changed this order after stock was allocated: "
		    "cancel it and import again, or fulfil it as it stands");
		conflict = NULL;
		if (rc)
			goto out;
		conflicted = 1;
	}

	if (in->cancelled && strcmp(o->i.state, "cancelled") != 0) {
		if (open) {
			if ((rc = wf_order_cancel(db, ref, o->i.id, in->cancel_reason &&
			    *in->cancel_reason ? in->cancel_reason : "cancelled at the channel",
			    NULL)) != 0 ||
			    (rc = wf_order_clear_all(db, ref, "the channel cancelled the order")) != 0)
				goto out;
			updated = 1;
		} else if (cancel_late) {
			cJSON *ev = cJSON_CreateObject();
			wf_jadd_str(ev, "state", o->i.state);
			wf_jadd_str(ev, "reason", in->cancel_reason);
			if ((rc = wf_order_raise(db, ref, &o->i, WF_EX_CANCELLED, ev, 0,
			    "The channel cancelled this order after stock was allocated: "
			    "stop it (wf-order cancel) or tell the channel it has shipped")) != 0)
				goto out;
			conflicted = 1;
		}
	}
	rc = wf_order_emit_result(db, ref, conflicted ? "conflict" : updated ? "updated" :
	    "unchanged", out);
out:
	cJSON_Delete(changes);
	cJSON_Delete(conflict);
	wf_buf_free(&cuts);
	return rc;
}

/* Keep the ids of the refunds order REF lists (IN), when its content (of
 * fingerprint HASH) was applied: their cancelled units are the order's
 * then, and a refund sent after it never takes them again.  Not of a
 * conflict or a stale snapshot. */
static int
keep_refunds(wf_db *db, const char *ref, const struct wf_order_in *in, const char *hash)
{
	struct wf_order_in mark;
	struct wf_order_row o;
	int rc;

	if ((rc = wf_order_load(db, &o, ref)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	if (strcmp(o.hash, hash) != 0)
		return 0;
	memset(&mark, 0, sizeof mark);
	mark.pay_provider = WF_ORDER_REFUND_SEEN;
	memcpy(mark.pay_ids, in->refund_ids, sizeof mark.pay_ids);
	mark.npay_ids = in->nrefund_ids;
	return wf_order_payment_keep(db, o.i.id, &mark);
}

/* Validate and apply IN (see wf_order.h: import).  Emits the result record.
 * Runs in the caller's transaction. */
static int
upsert(wf_db *db, const wf_jloc *at, struct wf_order_in *in, wf_out *out)
{
	struct wf_order_row o;
	char hash[17];
	wf_buf ref = {0}, ship = {0};
	int64_t subtotal = 0, total = 0, computed = 0;
	int rc, found;
	const char *ship_text;

	if ((rc = check_in(at, in)) != 0 ||
	    (rc = totals(at, in, &subtotal, &total, &computed)) != 0)
		return rc;
	/* a status without its amount: never silently zero */
	if (in->paid_is_total)
		in->paid = total;
	if (in->refunded_is_all)
		in->refunded = in->paid;
	if (in->refunded > in->paid)
		return wf_jerr(at, "payment", "refunded %lld is more than paid %lld (minor units)",
		    (long long)in->refunded, (long long)in->paid);
	/* Workform's own format says what it means: its status and amounts
	 * agree (a platform's amounts decide, as the platform computes them) */
	if (in->status_says && ((strcmp(in->pay_status, "refunded") == 0 &&
	    in->refunded < in->paid) || (strcmp(in->pay_status, "partially_refunded") == 0 &&
	    (in->refunded == 0 || in->refunded >= in->paid)))) {
		char a[48], b[48];
		return wf_jerr(at, "payment", "status %s, but %s refunded of %s paid",
		    in->pay_status, amount(a, in->refunded, in->currency),
		    amount(b, in->paid, in->currency));
	}
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
		/* a new order: its payment ids go with it */
		if ((rc = wf_order_create(db, ref.p, in, finance_target(in), ship_text, hash,
		    subtotal, total, out)) == 0 && in->npay_ids &&
		    (rc = wf_order_load(db, &o, ref.p)) == 1)
			rc = wf_order_payment_keep(db, o.i.id, in);
	} else if (strcmp(o.i.currency, in->currency) != 0)
		rc = wf_jerr(at, "currency", "order %s is in %s; the channel now says %s",
		    ref.p, o.i.currency, in->currency);
	else if ((rc = wf_order_payment_keep(db, o.i.id, in)) == 0)
		rc = reimport(db, ref.p, &o, in, ship_text, hash, subtotal, total, out);
	if (rc == 0 && in->nrefund_ids)
		rc = keep_refunds(db, ref.p, in, hash);
	if (rc == 0 && in->check_totals)
		rc = check_totals(db, ref.p, in, subtotal, total, computed);
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
	} else if (imp->format == WF_ORDER_WOO) {
		rc = wf_order_parse_woo(l->at, l->obj, l->strict, &in, arena);
		in.channel = imp->channel ? imp->channel : "woocommerce";
	} else {
		rc = wf_order_parse_generic(l->at, l->obj, l->strict, &in, arena);
		if (imp->channel)
			in.channel = imp->channel;
	}
	if (rc == 0) {
		/* what is checked after parsing is located as the parser located
		 * it: in {"order":{...}}, under "order" */
		wf_jloc l_order = WF_JLOC_KEY(l->at, "order");
		rc = upsert(db, in.wrapped ? &l_order : l->at, &in, wf_db_out(db));
	}
	free(in.lines);
	cJSON_Delete(arena);
	return rc;
}
