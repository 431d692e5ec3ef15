/* wf-route --apply over many commits: the unroutable exception an order
 * lands in is exact when the run ends, and is not worked out again from
 * all of its orders at every commit (that made routing a backlog of N
 * blocked orders cost O(N) per commit: 442 s for 1M orders, 800k of them
 * blocked, against 88 s now). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "unit_file_db.h"
#include "wf.h"
#include "wf_batch.h"
#include "wf_order.h"
#include "wf_route.h"

#define ORDERS 200

/* A warehouse with a bin and a SKU it has none of: every order of the SKU
 * is blocked by "sku MUG-1@BER". */
static int
setup(wf_db *db)
{
	static const char sql[] =
	    "INSERT INTO sku (id, code, owner, currency, created_at, updated_at)"
	    " VALUES (1, 'MUG-1', 'ops', 'EUR', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO warehouse (id, code, owner, created_at, updated_at)"
	    " VALUES (1, 'BER', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO bin (id, warehouse_id, code, kind, owner, created_at, updated_at) VALUES"
	    " (1, 1, 'A-01', 'pick', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');";
	struct wf_order_import imp = { WF_ORDER_GENERIC, NULL };
	struct wf_batch b;
	char *text;
	size_t len = 0, i;
	FILE *f;
	int rc;

	if ((rc = wf_db_exec(db, sql)) != 0)
		return rc;
	if ((text = malloc(ORDERS * 300)) == NULL)
		return WF_ENOMEM;
	for (i = 0; i < ORDERS; i++)
		len += (size_t)sprintf(text + len, "{\"type\":\"order\",\"channel\":\"shop\","
		    "\"external_id\":\"%zu\",\"placed_at\":\"2026-11-20T08:%02zu:00Z\","
		    "\"currency\":\"EUR\",\"ship_to\":{\"country\":\"DE\"},"
		    "\"promise_by\":\"2026-11-23T18:00:00Z\",\"lines\":[{\"sku\":\"MUG-1\","
		    "\"qty\":1,\"unit_price\":\"12.50\"}]}\n", 1000 + i, i % 60);
	if ((f = fmemopen(text, len, "r")) == NULL) {
		free(text);
		return WF_EINTERNAL;
	}
	memset(&b, 0, sizeof b);
	b.in = f;
	b.name = "orders";
	rc = wf_batch_run(db, &b, wf_order_import_line, &imp);
	fclose(f);
	free(text);
	return rc;
}

static int64_t
scalar(wf_db *db, const char *sql)
{
	wf_stmt *st;
	int64_t v = -1;

	if (wf_db_stmt(db, &st, sql) != 0)
		return -2;
	if (wf_db_step(db, st) == 1) {
		v = wf_col_int(st, 0);
		wf_stmt_reset(st);
	}
	return v;
}

static char dir[64], path[128], prof[160];
static wf_out *sink;
static FILE *sink_f;

/* Open the database (made with the SKU and orders when FIRST), its
 * statements profiled into a new file (WF_PROFILE, wf(1)). */
static wf_db *
open_db(int first)
{
	wf_db *db = NULL;

	if (first && (db = unit_file_db(dir, path)) == NULL)
		return NULL;
	snprintf(prof, sizeof prof, "%s/profile", dir);
	unlink(prof);
	setenv("WF_PROFILE", prof, 1);
	if (db)
		wf_db_close(db);
	db = NULL;
	if (wf_db_open(&db, path, 0) != 0) {
		FAILF("cannot open %s: %s", path, wf_error_msg());
		return NULL;
	}
	unsetenv("WF_PROFILE");
	wf_db_set_now(db, 1795165200);
	wf_db_set_actor(db, "unit");
	if (sink == NULL && ((sink_f = fopen("/dev/null", "w")) == NULL ||
	    wf_out_new(&sink, sink_f, WF_FMT_JSONL) != 0)) {
		FAILF("no sink");
		return NULL;
	}
	wf_db_set_out(db, sink);
	if (first && setup(db) != 0) {
		FAILF("cannot set %s up: %s", path, wf_error_msg());
		return NULL;
	}
	return db;
}

/* Close DB: how many times the run read an exception's orders (the
 * profile's runs of that statement). */
static long
close_db(wf_db *db)
{
	char line[4096];
	long n = 0, runs;
	double ms;
	FILE *f;

	wf_db_close(db);
	if ((f = fopen(prof, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "FROM route_block b JOIN orders o") &&
		    sscanf(line, "%lf %ld", &ms, &runs) == 2)
			n += runs;
	fclose(f);
	return n;
}

static void
route(wf_db *db, size_t chunk)
{
	struct wf_route_opts o;

	memset(&o, 0, sizeof o);
	o.apply = 1;
	o.new_orders = 1;
	o.chunk = chunk;
	o.hold_ms = -1;		/* a commit after every chunk */
	EQ_INT(wf_route_run(db, &o, sink), 0);
}

TEST(a_commit_per_order_reads_the_exception_a_logarithmic_number_of_times)
{
	wf_db *db = open_db(1);
	int64_t events;
	long reads;

	route(db, 1);
	/* exact at the end of the run */
	EQ_INT(scalar(db, "SELECT count(*) FROM exception WHERE kind = 'unroutable'"), 1);
	EQ_INT(scalar(db, "SELECT impact_orders FROM exception WHERE kind = 'unroutable'"
	    " AND subject_ref = 'MUG-1@BER'"), ORDERS);
	EQ_INT(scalar(db, "SELECT impact_units FROM exception WHERE subject_ref = 'MUG-1@BER'"),
	    ORDERS);
	EQ_INT(scalar(db, "SELECT evidence ->> '$.more_orders' FROM exception"
	    " WHERE subject_ref = 'MUG-1@BER'"), ORDERS - 20);
	EQ_INT(scalar(db, "SELECT count(*) FROM orders WHERE state = 'on_hold'"), ORDERS);
	/* worked out again when a quarter of its orders are new: 22 reads and
	 * 21 writes (1, 2, 3, 4, 5, 7, 9, 12, ... 185 orders, then 200 at the
	 * end), where working it out at every commit made about 200 of each */
	events = scalar(db, "SELECT count(*) FROM event WHERE record_type = 'exception'");
	CHECK(events > 0 && events <= 40);
	reads = close_db(db);
	CHECK(reads > 0 && reads <= 40);
	if (reads > 40 || events > 40)
		FAILF("the exception was read %ld and written %lld times", reads,
		    (long long)events);
	unit_file_db_remove(dir, path);
}

TEST(orders_decided_again_and_blocked_as_before_read_it_once_at_the_end)
{
	wf_db *db = open_db(1);
	long reads;

	route(db, 7);
	close_db(db);
	/* the next run decides the 200 held orders again, 29 commits */
	db = open_db(0);
	route(db, 7);
	EQ_INT(scalar(db, "SELECT impact_orders FROM exception WHERE subject_ref = 'MUG-1@BER'"),
	    ORDERS);
	EQ_INT((reads = close_db(db)), 1);
	/* stock for 50 of them and a service: they leave it, and it says so */
	db = open_db(0);
	EQ_INT(wf_db_exec(db, "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin,"
	    " to_state) VALUES ('2026-11-20T09:00:00Z', 'unit', 'receive', 1, 50, 1, 'on_hand')"), 0);
	EQ_INT(wf_db_exec(db, "INSERT INTO carrier_service (warehouse_id, carrier, service,"
	    " cutoff, transit_days, cost, currency, created_at, updated_at) VALUES"
	    " (1, 'dhl', 'parcel', '14:00', 2, 410, 'EUR', '2026-11-20T09:00:00Z',"
	    " '2026-11-20T09:00:00Z')"), 0);
	route(db, 7);
	EQ_INT(scalar(db, "SELECT count(*) FROM orders WHERE state = 'on_hold'"), ORDERS - 50);
	EQ_INT(scalar(db, "SELECT impact_orders FROM exception WHERE subject_ref = 'MUG-1@BER'"),
	    ORDERS - 50);
	close_db(db);
	unit_file_db_remove(dir, path);
	wf_out_free(sink);
	fclose(sink_f);
}
