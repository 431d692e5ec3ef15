/*
 * fuzz_fulfillment.c - `wf-order import --from shopify-fulfillment`:
 * Shopify fulfillments, bare, as {"fulfillment":{...}} or listed in
 * {"fulfillments":[...]}, through wf_batch_run on a database with Shopify
 * orders new, reserved, and shipped by hand with tracking number 1Z2345.
 * Flags: FUZZ_STRICT, FUZZ_KEEP_GOING.
 *
 * Properties of a line that applied, besides fuzz_batch()'s:
 *  - it printed one record: a "shipment" with result updated, unchanged,
 *    stale or conflict, or an "order" with result pending or unchanged,
 *    every string of it text that cannot act on a terminal;
 *  - a shipment it printed has shipped (shipped_at set, state shipped or
 *    later) and its carrier is never "null-company";
 *  - the same line again writes nothing and says unchanged, stale or
 *    pending.
 */
#include <string.h>

#include "fuzz.h"

static const struct fuzz_target target;

static int
setup(wf_db *db)
{
	static const char orders[] =
	    "{\"channel\":\"shopify\",\"external_id\":\"450789469\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"promise_by\":\"2026-11-23T18:00:00Z\","
	    "\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n"
	    "{\"channel\":\"shopify\",\"external_id\":\"2\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":2,\"unit_price\":\"12.50\"}]}\n"
	    "{\"channel\":\"shopify\",\"external_id\":\"3\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n";
	static const char events[] =
	    "{\"order\":\"shopify:450789469\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shopify:2\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shopify:2\",\"action\":\"ship\",\"carrier\":\"dhl\",\"tracking\":\"1Z2345\"}\n";
	return fuzz_setup_orders(db, orders, events);
}

static int
is(const char *s, const char *a, const char *b, const char *c, const char *d)
{
	return s && ((a && strcmp(s, a) == 0) || (b && strcmp(s, b) == 0) ||
	    (c && strcmp(s, c) == 0) || (d && strcmp(s, d) == 0));
}

static void
fulfillment_ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	const cJSON *r;
	const char *type, *result, *again;
	struct fuzz_run rerun;
	uint64_t digest;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	fuzz_strings_safe(r);
	type = fuzz_str(r, "type");
	result = fuzz_str(r, "result");
	if (type && strcmp(type, "order") == 0)
		FUZZ_ASSERT(is(result, "pending", "unchanged", NULL, NULL));
	else {
		FUZZ_ASSERT(type && strcmp(type, "shipment") == 0);
		FUZZ_ASSERT(is(result, "updated", "unchanged", "stale", "conflict"));
		FUZZ_ASSERT(fuzz_str(r, "shipped_at") != NULL);
		FUZZ_ASSERT(is(fuzz_str(r, "state"), "shipped", "in_transit", "delivered",
		    "failed") || is(fuzz_str(r, "state"), "returned_to_sender", NULL, NULL, NULL));
		FUZZ_ASSERT(fuzz_str(r, "carrier") != NULL);
		FUZZ_ASSERT(strcmp(fuzz_str(r, "carrier"), "null-company") != 0);
	}

	/* the same line again writes nothing */
	digest = fuzz_db_digest(db);
	fuzz_run_line(db, &target, arg, l, &rerun);
	FUZZ_ASSERT(rerun.rc == 0 && rerun.n == 1);
	again = fuzz_str(rerun.rec[0], "result");
	FUZZ_ASSERT(is(again, "unchanged", "stale", "pending", NULL));
	FUZZ_ASSERT(fuzz_db_digest(db) == digest);
	fuzz_run_free(&rerun);
}

static const struct fuzz_target target = {
	setup, wf_order_fulfillment_line, 0, 0, NULL, fulfillment_ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_order_import imp = { WF_ORDER_SHOPIFY, NULL };

	return fuzz_batch(&target, &imp, data, size);
}
