/*
 * fuzz_movement.c - `wf-stock apply`: movement lines through wf_batch_run
 * on the shared catalogue (importer.c), which has stock on hand, reserved
 * and picked.
 *
 * Properties of a line that applied, besides fuzz_batch()'s (the line
 * function runs in its own savepoint, so a refused line writes nothing):
 *  - it printed one record of the type its action promises (movement,
 *    adjustment, count, reservation or handling);
 *  - units are conserved: the SKU's units in the building (every balance)
 *    change by exactly what came in or went out -- +qty for a receipt, the
 *    delta for an adjustment or a count, -qty for a shipment, nothing for
 *    moves, damage, reservations, picks and packs;
 *  - a reservation reserved what was asked (partial: at most that), and its
 *    allocations add up to it.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int64_t units_before;

/* The SKU's units in every balance (0 for an unknown SKU). */
static int64_t
units(wf_db *db, const char *sku)
{
	static const char sql[] = "SELECT coalesce(sum(b.qty), 0) FROM balance b"
	    " JOIN sku s ON s.id = b.sku_id WHERE s.code = ?1";
	wf_stmt *st;
	int64_t n;

	FUZZ_ASSERT(wf_db_stmt(db, &st, sql) == 0);
	wf_bind_text(st, 1, sku);
	FUZZ_ASSERT(wf_db_step(db, st) == 1);
	n = wf_col_int(st, 0);
	wf_stmt_reset(st);
	return n;
}

static int64_t
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	FUZZ_ASSERT(cJSON_IsNumber(v));
	return strtoll(v->valuestring, NULL, 10);
}

static void
pre(wf_db *db, const struct wf_line *l, void *arg)
{
	const char *sku = fuzz_str(l->obj, "sku");

	(void)arg;
	units_before = sku ? units(db, sku) : 0;
}

static void
ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	const char *action = fuzz_str(l->obj, "action"), *type, *want;
	const cJSON *r;
	int64_t delta = 0;

	(void)arg;
	FUZZ_ASSERT(first->n == 1 && action != NULL);
	r = first->rec[0];
	type = fuzz_str(r, "type");
	if (strcmp(action, "receive") == 0) {
		want = "movement";
		delta = num(l->obj, "qty");
		FUZZ_ASSERT(num(r, "qty") == delta);
	} else if (strcmp(action, "move") == 0 || strcmp(action, "damage") == 0) {
		want = "movement";
		FUZZ_ASSERT(num(r, "qty") == num(l->obj, "qty"));
	} else if (strcmp(action, "adjust") == 0) {
		want = "adjustment";
		delta = num(l->obj, "delta");
		FUZZ_ASSERT(num(r, "delta") == delta);
	} else if (strcmp(action, "count") == 0) {
		want = "count";
		delta = num(r, "delta");
		FUZZ_ASSERT(num(r, "counted") == num(l->obj, "qty"));
		FUZZ_ASSERT(num(r, "counted") - num(r, "recorded") == delta);
	} else if (strcmp(action, "reserve") == 0 || strcmp(action, "unreserve") == 0) {
		const cJSON *a, *allocs = cJSON_GetObjectItemCaseSensitive(r, "allocations");
		const cJSON *partial = cJSON_GetObjectItemCaseSensitive(l->obj, "partial");
		int64_t sum = 0;
		want = "reservation";
		FUZZ_ASSERT(num(r, "requested") == num(l->obj, "qty"));
		if (strcmp(action, "reserve") == 0 && cJSON_IsTrue(partial))
			FUZZ_ASSERT(num(r, "qty") >= 0 && num(r, "qty") <= num(r, "requested"));
		else
			FUZZ_ASSERT(num(r, "qty") == num(r, "requested"));
		FUZZ_ASSERT(cJSON_IsArray(allocs));
		cJSON_ArrayForEach(a, allocs)
			sum += num(a, "qty");
		FUZZ_ASSERT(sum == num(r, "qty"));
	} else {
		want = "handling";
		FUZZ_ASSERT(num(r, "qty") == num(l->obj, "qty"));
		if (strcmp(action, "ship") == 0)
			delta = -num(l->obj, "qty");
	}
	if (type == NULL || strcmp(type, want) != 0) {
		fuzz_print("record", r);
		FUZZ_ASSERT(!"the record's type is the action's");
	}
	FUZZ_ASSERT(units(db, fuzz_str(l->obj, "sku")) == units_before + delta);
}

static const struct fuzz_target target = {
	fuzz_catalogue, wf_stock_apply_line, 0, 1, pre, ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_batch(&target, NULL, data, size);
}
