/* wf-route --apply over many commits: the unroutable exception an order
 * lands in is exact when the run ends, and is not worked out again from
 * all of its orders at every commit (that made routing a backlog of N
 * blocked orders cost O(N) per commit: 442 s for 1M orders, 800k of them
 * blocked, against 88 s now). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "unit_db.h"
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

TEST(a_commit_per_order_rewrites_the_exception_a_logarithmic_number_of_times)
{
	struct wf_route_opts o;
	wf_db *db = unit_db_open();
	int64_t events;

	EQ_INT(setup(db), 0);
	memset(&o, 0, sizeof o);
	o.apply = 1;
	o.new_orders = 1;
	o.chunk = 1;
	o.hold_ms = -1;		/* a commit after every order */
	EQ_INT(wf_route_run(db, &o, sink), 0);
	/* exact at the end of the run */
	EQ_INT(scalar(db, "SELECT count(*) FROM exception WHERE kind = 'unroutable'"), 1);
	EQ_INT(scalar(db, "SELECT impact_orders FROM exception WHERE kind = 'unroutable'"
	    " AND subject_ref = 'MUG-1@BER'"), ORDERS);
	EQ_INT(scalar(db, "SELECT impact_units FROM exception WHERE subject_ref = 'MUG-1@BER'"),
	    ORDERS);
	EQ_INT(scalar(db, "SELECT evidence ->> '$.more_orders' FROM exception"
	    " WHERE subject_ref = 'MUG-1@BER'"), ORDERS - 20);
	EQ_INT(scalar(db, "SELECT count(*) FROM orders WHERE state = 'on_hold'"), ORDERS);
	/* worked out again when a quarter of its orders are new: about
	 * log(200) / log(1.25) = 24 times, where a commit each was 200 */
	events = scalar(db, "SELECT count(*) FROM event WHERE record_type = 'exception'");
	CHECK(events > 0 && events <= 40);
	if (events > 40)
		FAILF("the exception was written %lld times", (long long)events);
	unit_db_close(db);
}

TEST(the_next_run_brings_it_up_to_date_once_orders_leave_it)
{
	struct wf_route_opts o;
	wf_db *db = unit_db_open();

	EQ_INT(setup(db), 0);
	memset(&o, 0, sizeof o);
	o.apply = 1;
	o.new_orders = 1;
	o.chunk = 7;
	o.hold_ms = -1;
	EQ_INT(wf_route_run(db, &o, sink), 0);
	/* stock for 50 of them, then route the held ones again */
	EQ_INT(wf_db_exec(db, "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin,"
	    " to_state) VALUES ('2026-11-20T09:00:00Z', 'unit', 'receive', 1, 50, 1, 'on_hand')"), 0);
	EQ_INT(wf_db_exec(db, "INSERT INTO carrier_service (warehouse_id, carrier, service,"
	    " cutoff, transit_days, cost, currency, created_at, updated_at) VALUES"
	    " (1, 'dhl', 'parcel', '14:00', 2, 410, 'EUR', '2026-11-20T09:00:00Z',"
	    " '2026-11-20T09:00:00Z')"), 0);
	EQ_INT(wf_route_run(db, &o, sink), 0);
	EQ_INT(scalar(db, "SELECT count(*) FROM orders WHERE state = 'on_hold'"), ORDERS - 50);
	EQ_INT(scalar(db, "SELECT impact_orders FROM exception WHERE subject_ref = 'MUG-1@BER'"),
	    ORDERS - 50);
	unit_db_close(db);
}
