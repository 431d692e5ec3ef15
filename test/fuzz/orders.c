/*
 * orders.c - what fuzz_order (generic), fuzz_shopify and fuzz_woo share: the
 * database they start from and the properties of an order import.
 *
 * Flags (the input's first byte, after FUZZ_STRICT and FUZZ_KEEP_GOING):
 * 0x04 imports with a channel given on the command line ("web").
 *
 * Properties of a line that imported, besides fuzz_batch()'s:
 *  - it printed one "order" record whose result is created, updated,
 *    unchanged, stale or conflict;
 *  - an order that existed never has less paid or refunded than before
 *    (wf-order(1), "Re-imports"), and a stale one is as it was;
 *  - every string of the record is text that cannot act on a terminal
 *    (wf_text_check), and its discount is at most its subtotal;
 *  - its key is CHANNEL:EXTERNAL_ID, the channel being the one given, the
 *    line's (generic), "shopify" or "woocommerce", and the external id the
 *    line's id as
 *    written, whatever its JSON type;
 *  - a new order has as many lines as the payload;
 *  - importing the same line again changes nothing: "unchanged" (a
 *    conflict stays a conflict, a stale line stale) and the same record
 *    otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_CHANNEL 0x04

static const struct fuzz_target target;

/* The order a line names, as it was before the line ran. */
static struct {
	int     found;
	int64_t paid, refunded;
} before;

static int
setup(wf_db *db)
{
	static const char orders[] =
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"1001\","
	    "\"placed_at\":\"2026-11-20T08:00:00Z\",\"currency\":\"EUR\","
	    "\"ship_to\":{\"name\":\"Ann\",\"country\":\"DE\",\"postcode\":\"10115\","
	    "\"city\":\"Berlin\"},\"promise_by\":\"2026-11-23T18:00:00Z\","
	    "\"lines\":[{\"sku\":\"MUG-1\",\"qty\":2,\"unit_price\":\"12.50\"}],"
	    "\"shipping_paid\":\"4.90\",\"payment\":{\"status\":\"paid\",\"amount\":\"29.90\"}}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"1002\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"},"
	    "{\"sku\":\"TEE-M\",\"qty\":1,\"unit_price\":\"19.90\"}],"
	    "\"payment\":{\"status\":\"paid\",\"amount\":\"32.40\"}}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"1003\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}],"
	    "\"cancelled\":true,\"cancel_reason\":\"customer\"}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"1004\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"NOPE-1\",\"qty\":1,\"unit_price\":\"1.00\"}]}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"1005\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"TEE-M\",\"qty\":1,\"unit_price\":\"19.90\"}],"
	    "\"payment\":{\"status\":\"paid\",\"amount\":\"19.90\"}}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"1006\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"USD\",\"lines\":[{\"sku\":\"IPOD2008GREEN\",\"qty\":1,"
	    "\"unit_price\":\"199.00\"}],\"fulfilled\":true}\n"
	    /* reserved, for a platform's re-import under channel "web" that
	     * cancels some of its units (wf-order(1), "Re-imports") */
	    "{\"channel\":\"web\",\"external_id\":\"2001\",\"placed_at\":\"2026-11-20T08:00:00Z\","
	    "\"currency\":\"EUR\",\"taxes_included\":false,\"lines\":[{\"sku\":\"MUG-1\",\"qty\":3,"
	    "\"unit_price\":\"12.50\"}]}\n";
	static const char events[] =
	    "{\"type\":\"order_event\",\"order\":\"shop:1002\",\"action\":\"reserve\","
	    "\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:1005\",\"action\":\"reserve\",\"warehouse\":\"MUC\"}\n"
	    "{\"order\":\"web:2001\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:1005\",\"action\":\"pick\"}\n"
	    "{\"order\":\"shop:1005\",\"action\":\"pack\"}\n"
	    "{\"order\":\"shop:1005\",\"action\":\"ship\",\"carrier\":\"DHL\","
	    "\"tracking\":\"JD1\",\"cost\":\"4.10\"}\n";
	struct wf_order_import imp = { WF_ORDER_GENERIC, NULL };
	int rc;

	if ((rc = fuzz_catalogue(db)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_import_line, &imp, orders)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_apply_line, NULL, events)) != 0)
		return rc;
	return 0;
}

/* The order payload of a line: Shopify's may come as {"order":{...}}. */
static const cJSON *
payload(const struct wf_order_import *imp, const cJSON *o)
{
	const cJSON *wrap = cJSON_GetObjectItemCaseSensitive(o, "order");

	if (imp->format == WF_ORDER_SHOPIFY && cJSON_IsObject(wrap) &&
	    cJSON_GetObjectItemCaseSensitive(o, "id") == NULL)
		return wrap;
	return o;
}

/* A platform's channel when none is given (NULL: the line's own). */
static const char *
platform(const struct wf_order_import *imp)
{
	return imp->format == WF_ORDER_SHOPIFY ? "shopify" :
	    imp->format == WF_ORDER_WOO ? "woocommerce" : NULL;
}

/* An id as written: a string's text or a number's lexeme. */
static const char *
id_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v))
		return wf_json_lexeme(v);
	return NULL;
}

/* Every string in V passes wf_text_check. */
static void
strings_safe(const cJSON *v)
{
	const cJSON *c;

	for (c = v->child; c; c = c->next) {
		FUZZ_ASSERT(c->string == NULL || wf_text_check("key", c->string, (size_t)-1) == 0);
		if (cJSON_IsString(c))
			FUZZ_ASSERT(wf_text_check("value", c->valuestring, (size_t)-1) == 0);
		strings_safe(c);
	}
}

/* Money of record R as minor units (the record's amounts are exact). */
static int64_t
money_of(const cJSON *r, const char *key)
{
	int64_t v = 0;

	FUZZ_ASSERT(wf_money_parse(fuzz_str(r, key), fuzz_str(r, "currency"), &v) == 0);
	return v;
}

/* The key the line names, into KEY (empty when it names none). */
static void
key_of(const struct wf_order_import *imp, const cJSON *p, char *key, size_t n)
{
	const char *ch = imp->channel ? imp->channel : platform(imp) ? platform(imp) :
	    fuzz_str(p, "channel");
	const char *ext = id_text(cJSON_GetObjectItemCaseSensitive(p,
	    platform(imp) ? "id" : "external_id"));

	if (ch && ext)
		snprintf(key, n, "%s:%s", ch, ext);
	else
		key[0] = '\0';
}

static void
order_pre(wf_db *db, const struct wf_line *l, void *arg)
{
	const struct wf_order_import *imp = arg;
	struct wf_order_info o;
	char key[512];

	memset(&before, 0, sizeof before);
	key_of(imp, payload(imp, l->obj), key, sizeof key);
	if (*key && wf_order_find(db, &o, key) == 0) {
		before.found = 1;
		before.paid = o.paid;
		before.refunded = o.refunded;
	}
}

static void
order_ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	static const char *const results[] = {
		"created", "updated", "unchanged", "stale", "conflict", NULL
	};
	static const char *const skip[] = { "result", NULL };
	const struct wf_order_import *imp = arg;
	const cJSON *p = payload(imp, l->obj), *r, *lines, *n;
	const char *result, *channel, *ext, *want_ext, *want_channel, *again;
	struct fuzz_run rerun;
	char key[512];
	size_t i;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	FUZZ_ASSERT(strcmp(fuzz_str(r, "type"), "order") == 0);
	FUZZ_ASSERT((result = fuzz_str(r, "result")) != NULL);
	for (i = 0; results[i] && strcmp(results[i], result) != 0; i++)
		;
	FUZZ_ASSERT(results[i] != NULL);
	FUZZ_ASSERT((strcmp(result, "created") == 0) == !before.found);

	/* money never moves backwards; nothing stored can act on a terminal */
	if (before.found) {
		FUZZ_ASSERT(money_of(r, "paid") >= before.paid);
		FUZZ_ASSERT(money_of(r, "refunded") >= before.refunded);
		if (strcmp(result, "stale") == 0)
			FUZZ_ASSERT(money_of(r, "paid") == before.paid &&
			    money_of(r, "refunded") == before.refunded);
	}
	strings_safe(r);
	FUZZ_ASSERT(money_of(r, "discount") <= money_of(r, "subtotal"));

	/* the key */
	FUZZ_ASSERT((channel = fuzz_str(r, "channel")) != NULL);
	FUZZ_ASSERT((ext = fuzz_str(r, "external_id")) != NULL);
	snprintf(key, sizeof key, "%s:%s", channel, ext);
	FUZZ_ASSERT(fuzz_str(r, "order") && strcmp(fuzz_str(r, "order"), key) == 0);
	want_channel = imp->channel ? imp->channel : platform(imp) ? platform(imp) :
	    fuzz_str(p, "channel");
	FUZZ_ASSERT(want_channel && strcmp(channel, want_channel) == 0);
	want_ext = id_text(cJSON_GetObjectItemCaseSensitive(p,
	    platform(imp) ? "id" : "external_id"));
	FUZZ_ASSERT(want_ext && strcmp(ext, want_ext) == 0);

	/* a new order has every line of the payload (a change to an order
	 * that can no longer change is a conflict, or ignored once closed) */
	lines = cJSON_GetObjectItemCaseSensitive(p, platform(imp) ? "line_items" : "lines");
	n = cJSON_GetObjectItemCaseSensitive(r, "lines");
	FUZZ_ASSERT(cJSON_IsArray(lines) && cJSON_IsNumber(n));
	if (strcmp(result, "created") == 0)
		FUZZ_ASSERT(strtoll(n->valuestring, NULL, 10) == cJSON_GetArraySize(lines));

	/* the same line again changes nothing */
	fuzz_run_line(db, &target, arg, l, &rerun);
	if (rerun.rc != 0)
		fprintf(stderr, "again: %s\n", wf_error_msg());
	FUZZ_ASSERT(rerun.rc == 0 && rerun.n == 1);
	again = fuzz_str(rerun.rec[0], "result");
	FUZZ_ASSERT(again && strcmp(again, strcmp(result, "conflict") == 0 ||
	    strcmp(result, "stale") == 0 ? result : "unchanged") == 0);
	if (!fuzz_same_except(r, rerun.rec[0], skip)) {
		fuzz_print("first", r);
		fuzz_print("again", rerun.rec[0]);
		FUZZ_ASSERT(!"the same line again gives the same order");
	}
	fuzz_run_free(&rerun);
}

static const struct fuzz_target target = {
	setup, wf_order_import_line, 0, 0, order_pre, order_ok, NULL
};

int
fuzz_orders(enum wf_order_format format, const uint8_t *data, size_t size)
{
	struct wf_order_import imp;

	if (size < 1)
		return 0;
	imp.format = format;
	imp.channel = (data[0] & FUZZ_CHANNEL) ? "web" : NULL;
	return fuzz_batch(&target, &imp, data, size);
}
