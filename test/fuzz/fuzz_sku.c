/*
 * fuzz_sku.c - `wf-stock sku import`: SKU lines through wf_batch_run on the
 * shared catalogue (importer.c), whose SKUs have stock and cost history.
 *
 * Properties of a line that imported, besides fuzz_batch()'s:
 *  - it printed one "sku" record for the line's code, result created,
 *    updated or unchanged;
 *  - the same line again is "unchanged" with the same record;
 *  - the record itself, imported back with --strict, is accepted and
 *    "unchanged": what `wf-stock sku list` prints can be imported as it is.
 */
#include <string.h>

#include "fuzz.h"

static const struct fuzz_target target;

static void
ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	static const char *const skip[] = { "result", NULL };
	const char *result;
	const cJSON *r;
	struct fuzz_run again, back;
	struct wf_line l2;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	FUZZ_ASSERT(strcmp(fuzz_str(r, "type"), "sku") == 0);
	FUZZ_ASSERT(fuzz_str(r, "sku") && strcmp(fuzz_str(r, "sku"), fuzz_str(l->obj, "sku")) == 0);
	FUZZ_ASSERT((result = fuzz_str(r, "result")) != NULL);
	FUZZ_ASSERT(strcmp(result, "created") == 0 || strcmp(result, "updated") == 0 ||
	    strcmp(result, "unchanged") == 0);

	fuzz_run_line(db, &target, arg, l, &again);
	FUZZ_ASSERT(again.rc == 0 && again.n == 1);
	FUZZ_ASSERT(strcmp(fuzz_str(again.rec[0], "result"), "unchanged") == 0);
	FUZZ_ASSERT(fuzz_same_except(r, again.rec[0], skip));

	l2 = *l;
	l2.obj = r;
	l2.strict = 1;
	fuzz_run_line(db, &target, arg, &l2, &back);
	if (back.rc != 0 || back.n != 1 ||
	    strcmp(fuzz_str(back.rec[0], "result"), "unchanged") != 0 ||
	    !fuzz_same_except(r, back.rec[0], skip)) {
		fuzz_print("record", r);
		if (back.rc)
			fprintf(stderr, "imported back: %s\n", wf_error_msg());
		else
			fuzz_print("imported back", back.rec[0]);
		FUZZ_ASSERT(!"a printed SKU imports back unchanged");
	}
	fuzz_run_free(&again);
	fuzz_run_free(&back);
}

static const struct fuzz_target target = {
	fuzz_catalogue, wf_sku_import_line, 0, 1, NULL, ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_batch(&target, NULL, data, size);
}
