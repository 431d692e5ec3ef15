/*
 * fuzz_exception.c - `wf-alert raise`: exception lines through
 * wf_batch_run, on a queue with open, resolved, dismissed, snoozed and
 * expired-snooze exceptions.
 *
 * Properties of a line that raised, besides fuzz_batch()'s (the raise runs
 * in its own savepoint, so a refused line writes nothing):
 *  - it printed one "exception" record of the line's kind and subject,
 *    result created, updated or reopened, state not closed;
 *  - raising the same line again is "updated" and only counts it: the same
 *    record with times_seen one more;
 *  - the record itself, raised back with --strict, is accepted and again
 *    only counts it: what `wf-alert list` prints can be raised as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define T0 1795165200   /* 2026-11-20T09:00:00Z */
#define DAY 86400

static const struct fuzz_target target;

static int
setup(wf_db *db)
{
	static const char raises[] =
	    "{\"kind\":\"unroutable\",\"subject\":\"order shop:1001\",\"owner\":\"ops\","
	    "\"evidence\":{\"short\":{\"MUG-1\":2}},\"impact\":{\"money\":\"59.80\","
	    "\"currency\":\"EUR\",\"units\":2,\"orders\":1,\"due_at\":\"2026-11-21T18:00:00Z\"},"
	    "\"next_action\":\"Receive MUG-1 at BER or split the order\"}\n"
	    "{\"kind\":\"stockout\",\"subject\":\"sku MUG-1\",\"owner\":\"purchasing\","
	    "\"impact\":{\"money\":\"1250.00\",\"currency\":\"EUR\",\"units\":40,\"orders\":12},"
	    "\"next_action\":\"Order MUG-1\"}\n"
	    "{\"kind\":\"late_promise\",\"subject\":\"order shop:9\",\"owner\":\"ops\","
	    "\"impact\":{\"orders\":1,\"due_at\":\"2026-11-27T09:00:00Z\"},\"next_action\":\"Call\"}\n"
	    "{\"kind\":\"fraud_check\",\"subject\":\"order shop:7\",\"owner\":\"risk\","
	    "\"priority\":95,\"next_action\":\"Call the customer\"}\n";
	/* the records the exceptions are about: a subject names a record */
	static const char skus[] = "{\"type\":\"sku\",\"sku\":\"MUG-1\"}\n";
	static const char orders[] =
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"1001\","
	    "\"placed_at\":\"2026-11-19T09:00:00Z\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"1.00\"}]}\n"
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"9\","
	    "\"placed_at\":\"2026-11-19T09:00:00Z\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"1.00\"}]}\n"
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"7\","
	    "\"placed_at\":\"2026-11-19T09:00:00Z\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"1.00\"}]}\n"
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"1\","
	    "\"placed_at\":\"2026-11-19T09:00:00Z\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"1.00\"}]}\n";
	static const struct wf_order_import generic = { WF_ORDER_GENERIC, NULL };
	static const char early[] =
	    "{\"kind\":\"payout_mismatch\",\"subject\":\"order shop:1\",\"owner\":\"finance\","
	    "\"impact\":{\"money\":\"12.40\",\"currency\":\"EUR\"},\"next_action\":\"Check\"}\n";
	wf_out *out = wf_db_out(db);
	int rc;

	if ((rc = fuzz_setup_lines(db, wf_sku_import_line, NULL, skus)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_import_line, (void *)&generic, orders)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_exception_raise_line, out, raises)) != 0 ||
	    (rc = wf_exception_resolve(db, "EX-2", "ordered", out)) != 0 ||
	    (rc = wf_exception_snooze(db, "EX-3", T0 + DAY, out)) != 0 ||
	    (rc = wf_exception_dismiss(db, "EX-4", "not fraud", out)) != 0)
		return rc;
	/* a snooze that has run out by now */
	wf_db_set_now(db, T0 - 2 * DAY);
	rc = fuzz_setup_lines(db, wf_exception_raise_line, out, early);
	if (rc == 0)
		rc = wf_exception_snooze(db, "EX-5", T0 - DAY, out);
	wf_db_set_now(db, T0);
	return rc;
}

static int64_t
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	FUZZ_ASSERT(cJSON_IsNumber(v));
	return strtoll(v->valuestring, NULL, 10);
}

/* R2 is R1 seen once more. */
static void
seen_again(const cJSON *r1, const cJSON *r2, const char *what)
{
	static const char *const skip[] = { "times_seen", "result", NULL };

	if (!fuzz_same_except(r1, r2, skip) || num(r2, "times_seen") != num(r1, "times_seen") + 1 ||
	    strcmp(fuzz_str(r2, "result"), "updated") != 0) {
		fuzz_print("before", r1);
		fuzz_print(what, r2);
		FUZZ_ASSERT(!"raising it again only counts it");
	}
}

static void
ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	const char *result, *state;
	const cJSON *r;
	struct fuzz_run again, back;
	struct wf_line l2;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	FUZZ_ASSERT(strcmp(fuzz_str(r, "type"), "exception") == 0);
	FUZZ_ASSERT(strcmp(fuzz_str(r, "kind"), fuzz_str(l->obj, "kind")) == 0);
	FUZZ_ASSERT(strcmp(fuzz_str(r, "subject"), fuzz_str(l->obj, "subject")) == 0);
	FUZZ_ASSERT((result = fuzz_str(r, "result")) != NULL);
	FUZZ_ASSERT(strcmp(result, "created") == 0 || strcmp(result, "updated") == 0 ||
	    strcmp(result, "reopened") == 0);
	FUZZ_ASSERT((state = fuzz_str(r, "state")) != NULL);
	FUZZ_ASSERT(strcmp(state, "resolved") != 0 && strcmp(state, "dismissed") != 0);

	fuzz_run_line(db, &target, arg, l, &again);
	FUZZ_ASSERT(again.rc == 0 && again.n == 1);
	seen_again(r, again.rec[0], "again");

	l2 = *l;
	l2.obj = again.rec[0];
	l2.strict = 1;
	fuzz_run_line(db, &target, arg, &l2, &back);
	if (back.rc != 0) {
		fuzz_print("record", again.rec[0]);
		fprintf(stderr, "raised back: %s\n", wf_error_msg());
		FUZZ_ASSERT(!"a printed exception can be raised back");
	}
	FUZZ_ASSERT(back.n == 1);
	seen_again(again.rec[0], back.rec[0], "raised back");
	fuzz_run_free(&again);
	fuzz_run_free(&back);
}

static const struct fuzz_target target = {
	setup, wf_exception_raise_line, 1, 1, NULL, ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_batch(&target, NULL, data, size);
}
