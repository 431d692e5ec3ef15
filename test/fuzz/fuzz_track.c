/*
 * fuzz_track.c - `wf-order track`: generic tracking lines and EasyPost
 * trackers and webhook events (flag 0x04), through wf_batch_run on a
 * database with shipments shipped, failed, delivered and not yet shipped.
 * Flags: FUZZ_STRICT, FUZZ_KEEP_GOING (which also skips unknown tracking
 * numbers, as --keep-going does), 0x04 EasyPost.
 *
 * Properties of a line that applied, besides fuzz_batch()'s:
 *  - a line that moved nothing because it was skipped (an unknown number
 *    under keep-going, an EasyPost event not about a tracker) sent one note
 *    naming its line, safe to print, and wrote nothing;
 *  - otherwise it printed one "shipment" record, result updated or
 *    unchanged, every string of it text that cannot act on a terminal;
 *  - the shipment never moved backwards: shipped before in_transit and
 *    failed, those before delivered and returned_to_sender, which never
 *    change; its tracked_at never went back; "unchanged" changed neither;
 *  - a shipment failed or returned to its sender has delivery_failed open
 *    on its order;
 *  - the same line again is "unchanged", with the same record.
 */
#include <string.h>

#include "fuzz.h"

#define FUZZ_EASYPOST 0x04

static const struct fuzz_target target;

/* The shipment the line names, before it ran; the notes it sent. */
static struct {
	int  found;
	char state[24];
	char tracked[WF_TIME_LEN];
	int  notes;
	char note[1100];
	uint64_t digest;
} before;

static void
note(void *ctx, int code, const char *msg)
{
	(void)ctx;
	(void)code;
	before.notes++;
	wf_strlcpy(before.note, msg, sizeof before.note);
}

/* The line function under test, and one record for a line it skipped with
 * a note (the harness wants a record from every line that succeeds). */
static int
track_line(wf_db *db, const struct wf_line *l, void *arg)
{
	int notes = before.notes, rc;
	cJSON *r;

	if ((rc = wf_order_track_line(db, l, arg)) != 0 || before.notes == notes)
		return rc;
	FUZZ_ASSERT(before.notes == notes + 1);
	if ((r = wf_jrecord("note")) == NULL || wf_jadd_str(r, "note", before.note) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return wf_out_emit(wf_db_out(db), r);
}

static int
setup(wf_db *db)
{
	static const char orders[] =
	    "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"1\","
	    "\"placed_at\":\"2026-11-20T08:00:00Z\",\"currency\":\"EUR\","
	    "\"promise_by\":\"2026-11-21T18:00:00Z\","
	    "\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}],"
	    "\"payment\":{\"status\":\"paid\",\"amount\":\"12.50\"}}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"2\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"3\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"4\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n"
	    "{\"channel\":\"shop\",\"external_id\":\"5\",\"placed_at\":\"2026-11-20\","
	    "\"currency\":\"EUR\",\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n";
	static const char events[] =
	    "{\"order\":\"shop:1\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:1\",\"action\":\"ship\",\"carrier\":\"dhl\",\"tracking\":\"1Z1\"}\n"
	    "{\"order\":\"shop:2\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:2\",\"action\":\"ship\",\"carrier\":\"usps\","
	    "\"tracking\":\"9405500207552011812894\"}\n"
	    "{\"order\":\"shop:3\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:3\",\"action\":\"ship\",\"carrier\":\"dhl\",\"tracking\":\"1Z3\"}\n"
	    "{\"order\":\"shop:4\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:4\",\"action\":\"ship\",\"carrier\":\"dhl\",\"tracking\":\"1Z4\"}\n"
	    "{\"order\":\"shop:5\",\"action\":\"reserve\",\"warehouse\":\"BER\"}\n"
	    "{\"order\":\"shop:5\",\"action\":\"pick\"}\n";
	static const char tracking[] =
	    "{\"type\":\"tracking\",\"tracking\":\"1Z3\",\"status\":\"failure\","
	    "\"at\":\"2026-11-21T10:00:00Z\",\"message\":\"No access\"}\n"
	    "{\"type\":\"tracking\",\"tracking\":\"1Z4\",\"status\":\"delivered\","
	    "\"at\":\"2026-11-21T11:00:00Z\"}\n";
	struct wf_order_import imp = { WF_ORDER_GENERIC, NULL };
	struct wf_order_track t = { WF_TRACK_GENERIC, 0, NULL, NULL };
	int rc;

	if ((rc = fuzz_catalogue(db)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_import_line, &imp, orders)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_apply_line, NULL, events)) != 0 ||
	    (rc = fuzz_setup_lines(db, wf_order_track_line, &t, tracking)) != 0)
		return rc;
	return 0;
}

/* The tracking number a line names, or NULL. */
static const char *
tracking_of(const cJSON *o)
{
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(o, "result");

	if (fuzz_str(o, "tracking"))
		return fuzz_str(o, "tracking");
	if (fuzz_str(o, "tracking_code"))
		return fuzz_str(o, "tracking_code");
	return cJSON_IsObject(result) ? fuzz_str(result, "tracking_code") : NULL;
}

static void
track_pre(wf_db *db, const struct wf_line *l, void *arg)
{
	struct wf_shipment_info s;
	const char *t = tracking_of(l->obj);

	(void)arg;
	before.found = 0;
	before.notes = 0;
	before.digest = fuzz_db_digest(db);
	if (t && wf_shipment_find_tracking(db, &s, t) == 1) {
		before.found = 1;
		wf_strlcpy(before.state, s.state, sizeof before.state);
		before.tracked[0] = '\0';
		if (s.has_tracked)
			wf_time_format(s.tracked_at, before.tracked);
	}
}

/* How far a shipment state is from shipped, for "never backwards". */
static int
rank(const char *state)
{
	if (strcmp(state, "shipped") == 0)
		return 0;
	if (strcmp(state, "in_transit") == 0 || strcmp(state, "failed") == 0)
		return 1;
	if (strcmp(state, "delivered") == 0 || strcmp(state, "returned_to_sender") == 0)
		return 2;
	FUZZ_ASSERT(!"a tracked shipment is shipped, in transit, failed, delivered or returned");
	return -1;
}

static void
strings_safe(const cJSON *v)
{
	const cJSON *c;

	for (c = v->child; c; c = c->next) {
		if (cJSON_IsString(c))
			FUZZ_ASSERT(wf_text_check("value", c->valuestring, (size_t)-1) == 0);
		strings_safe(c);
	}
}

static void
track_ok(wf_db *db, const struct wf_line *l, void *arg, const struct fuzz_run *first)
{
	static const char *const skip[] = { "result", NULL };
	const cJSON *r;
	const char *result, *state, *tracked, *again;
	struct fuzz_run rerun;
	int open = 0;

	FUZZ_ASSERT(first->n == 1);
	r = first->rec[0];
	if (strcmp(fuzz_str(r, "type"), "note") == 0) {
		FUZZ_ASSERT(strncmp(fuzz_str(r, "note"), "fuzz:", 5) == 0);
		FUZZ_ASSERT(fuzz_msg_safe(fuzz_str(r, "note")));
		FUZZ_ASSERT(fuzz_db_digest(db) == before.digest);
		return;
	}
	FUZZ_ASSERT(strcmp(fuzz_str(r, "type"), "shipment") == 0);
	FUZZ_ASSERT(before.found);
	FUZZ_ASSERT((result = fuzz_str(r, "result")) != NULL);
	FUZZ_ASSERT(strcmp(result, "updated") == 0 || strcmp(result, "unchanged") == 0);
	strings_safe(r);

	/* never backwards */
	FUZZ_ASSERT((state = fuzz_str(r, "state")) != NULL);
	FUZZ_ASSERT(rank(state) >= rank(before.state));
	if (rank(before.state) == 2)
		FUZZ_ASSERT(strcmp(state, before.state) == 0);
	tracked = fuzz_str(r, "tracked_at");
	FUZZ_ASSERT(tracked != NULL || before.tracked[0] == '\0');
	if (tracked)
		FUZZ_ASSERT(strcmp(tracked, before.tracked) >= 0);
	if (strcmp(result, "unchanged") == 0) {
		FUZZ_ASSERT(strcmp(state, before.state) == 0);
		FUZZ_ASSERT(strcmp(tracked ? tracked : "", before.tracked) == 0);
	}
	if (strcmp(state, "failed") == 0 || strcmp(state, "returned_to_sender") == 0) {
		FUZZ_ASSERT(wf_exception_is_open(db, &open, WF_EX_DELIVERY_FAILED, "order",
		    fuzz_str(r, "order")) == 0);
		FUZZ_ASSERT(open);
	}

	/* the same line again changes nothing */
	fuzz_run_line(db, &target, arg, l, &rerun);
	FUZZ_ASSERT(rerun.rc == 0 && rerun.n == 1);
	again = fuzz_str(rerun.rec[0], "result");
	FUZZ_ASSERT(again && strcmp(again, "unchanged") == 0);
	if (!fuzz_same_except(r, rerun.rec[0], skip)) {
		fuzz_print("first", r);
		fuzz_print("again", rerun.rec[0]);
		FUZZ_ASSERT(!"the same line again gives the same shipment");
	}
	fuzz_run_free(&rerun);
}

static const struct fuzz_target target = {
	setup, track_line, 0, 0, track_pre, track_ok, NULL
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_order_track t;

	if (size < 1)
		return 0;
	memset(&t, 0, sizeof t);
	t.format = (data[0] & FUZZ_EASYPOST) ? WF_TRACK_EASYPOST : WF_TRACK_GENERIC;
	t.skip_unknown = (data[0] & FUZZ_KEEP_GOING) != 0;
	t.note = note;
	return fuzz_batch(&target, &t, data, size);
}
