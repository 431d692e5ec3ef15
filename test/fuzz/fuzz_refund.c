/*
 * fuzz_refund.c - `wf-order import --from shopify-refund`: Shopify refunds,
 * bare or as {"refund":{...}}, through wf_batch_run on a database with
 * Shopify orders paid and pending.  Flags: FUZZ_STRICT, FUZZ_KEEP_GOING.
 *
 * Properties of a line that applied, besides fuzz_batch()'s:
 *  - it printed one "order" record with result updated or unchanged, every
 *    string of it text that cannot act on a terminal;
 *  - the order never shows more refunded than paid;
 *  - the same line again writes nothing and says unchanged (a refund is
 *    applied once per refund id).
 */
#include <string.h>

#include "fuzz.h"

static const struct fuzz_target target;

static int
setup(wf_db *db)
{
	static const char orders[] =
	    "{\"channel\":\"shopify\",\"external_id\":\"450789469\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"USD\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":2,\"unit_price\":\"199.00\"}],"
	    "\"payment\":{\"status\":\"paid\",\"amount\":\"398.00\"}}\n"
	    "{\"channel\":\"shopify\",\"external_id\":\"2\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}],"
	    "\"payment\":{\"status\":\"pending\"}}\n"
	    /* reserved, for refunds whose cancel items release its units */
	    "{\"channel\":\"shopify\",\"external_id\":\"3\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":3,\"unit_price\":\"12.50\","
	    "\"id\":\"31\"},{\"sku\":\"TEE-M\",\"qty\":1,\"unit_price\":\"19.90\",\"id\":\"32\"}],"
	    "\"payment\":{\"status\":\"paid\",\"amount\":\"57.40\"}}\n";
	static const char events[] =
	    "{\"order\":\"shopify:3\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n";

	return fuzz_setup_orders(db, orders, events);
}

static int
money_cents(const char *s, long long *out)
{
	long long v = 0;
	int places = -1;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s == '.' && places < 0)
			places = 0;
		else if (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s - '0');
			if (places >= 0)
				places++;
		} else
			return -1;
	}
	for (; places < 2; places = places < 0 ? 1 : places + 1)
		v *= 10;
	*out = v;
	return 0;
}

static void
refund_ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	const cJSON *r;
	const char *result;
	long long paid, refunded;
	struct fuzz_run rerun;
	uint64_t digest;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	fuzz_strings_safe(r);
	FUZZ_ASSERT(fuzz_str(r, "type") && strcmp(fuzz_str(r, "type"), "order") == 0);
	result = fuzz_str(r, "result");
	FUZZ_ASSERT(result && (strcmp(result, "updated") == 0 || strcmp(result, "unchanged") == 0));
	FUZZ_ASSERT(money_cents(fuzz_str(r, "paid"), &paid) == 0);
	FUZZ_ASSERT(money_cents(fuzz_str(r, "refunded"), &refunded) == 0);
	FUZZ_ASSERT(refunded <= paid);

	/* the same refund again writes nothing */
	digest = fuzz_db_digest(db);
	fuzz_run_line(db, &target, arg, l, &rerun);
	FUZZ_ASSERT(rerun.rc == 0 && rerun.n == 1);
	FUZZ_ASSERT(fuzz_str(rerun.rec[0], "result") &&
	    strcmp(fuzz_str(rerun.rec[0], "result"), "unchanged") == 0);
	FUZZ_ASSERT(fuzz_db_digest(db) == digest);
	fuzz_run_free(&rerun);
}

static const struct fuzz_target target = {
	setup, wf_order_refund_line, 0, 0, NULL, refund_ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_order_import imp = { WF_ORDER_SHOPIFY, NULL };

	return fuzz_batch(&target, &imp, data, size);
}
