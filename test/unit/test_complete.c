/* Completion values: what each kind lists, prefixes, limits, no database. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "wf.h"

#define T "'2026-11-20T09:00:00Z'"

static char dir[] = "/tmp/wf-unit-complete-XXXXXX";
static char path[64];
static wf_db *db;

/* The values joined by spaces, or "ERROR <code>". */
static wf_buf got;
static int stop_after;

static int
collect(void *arg, const char *value)
{
	int *n = arg;

	if (got.len)
		wf_buf_addc(&got, ' ');
	wf_buf_adds(&got, value);
	return stop_after && ++*n == stop_after ? 42 : 0;
}

static const char *
values(wf_db *d, const char *kind, const char *prefix)
{
	int n = 0, rc;

	wf_buf_reset(&got);
	wf_buf_adds(&got, "");
	if ((rc = wf_complete_values(d, kind, prefix, collect, &n)) != 0) {
		wf_buf_reset(&got);
		wf_buf_addf(&got, "ERROR %d", rc);
	}
	return wf_buf_str(&got);
}

static void
open_db(void)
{
	const char *result;
	int from;

	if (db)
		return;
	setenv("WF_ACTOR", "unit", 1);
	setenv("WF_NOW", "2026-11-20T09:00:00Z", 1);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/wf.db", dir);
	if (wf_db_open(&db, path, WF_DB_CREATE) != 0 || wf_db_init(db, &result, &from) != 0)
		abort();
	CHECK(wf_db_exec(db,
	    "INSERT INTO warehouse (code, owner, created_at, updated_at) VALUES"
	    " ('LON', 'u', " T ", " T "), ('BER', 'u', " T ", " T ");"
	    "INSERT INTO bin (warehouse_id, code, owner, created_at, updated_at) VALUES"
	    " (1, 'B-02', 'u', " T ", " T "), (2, 'A-01', 'u', " T ", " T "),"
	    " (2, 'A-02', 'u', " T ", " T ");"
	    "INSERT INTO sku (code, owner, currency, created_at, updated_at) VALUES"
	    " ('MUG-2', 'u', 'EUR', " T ", " T "), ('MUG-1', 'u', 'EUR', " T ", " T "),"
	    " ('TEE*1', 'u', 'EUR', " T ", " T "), ('TEEX1', 'u', 'EUR', " T ", " T ");"
	    "INSERT INTO supplier (code, name, owner, created_at, updated_at) VALUES"
	    " ('ACME', 'Acme', 'u', " T ", " T ");"
	    "INSERT INTO po (supplier_id, warehouse_id, currency, expected_at, owner,"
	    " created_at, updated_at, state) VALUES"
	    " (1, 1, 'EUR', " T ", 'u', " T ", " T ", 'draft'),"
	    " (1, 1, 'EUR', " T ", 'u', " T ", " T ", 'closed'),"
	    " (1, 1, 'EUR', " T ", 'u', " T ", " T ", 'received'),"
	    " (1, 1, 'EUR', " T ", 'u', " T ", " T ", 'cancelled');"
	    "INSERT INTO exception (kind, subject_type, subject_ref, owner, priority,"
	    " next_action, state, opened_at, last_seen_at, created_at, updated_at) VALUES"
	    " ('k', 'sku', 'A', 'u', 5, 'n', 'open', " T ", " T ", " T ", " T "),"
	    " ('k', 'sku', 'B', 'u', 5, 'n', 'resolved', " T ", " T ", " T ", " T "),"
	    " ('k', 'sku', 'C', 'u', 5, 'n', 'in_progress', " T ", " T ", " T ", " T ");") == 0);
}

TEST(codes_in_order)
{
	open_db();
	EQ_STR(values(db, "sku", NULL), "MUG-1 MUG-2 TEE*1 TEEX1");
	EQ_STR(values(db, "warehouse", ""), "BER LON");
	EQ_STR(values(db, "supplier", ""), "ACME");
	EQ_STR(values(db, "bin", ""), "BER/A-01 BER/A-02 LON/B-02");
}

TEST(prefix_is_literal_and_case_sensitive)
{
	open_db();
	EQ_STR(values(db, "sku", "MUG-"), "MUG-1 MUG-2");
	EQ_STR(values(db, "sku", "TEE*"), "TEE*1");
	EQ_STR(values(db, "sku", "TEE?"), "");
	EQ_STR(values(db, "sku", "TEE["), "");
	EQ_STR(values(db, "sku", "mug"), "");
	EQ_STR(values(db, "bin", "BER/A-0"), "BER/A-01 BER/A-02");
	EQ_STR(values(db, "bin", "BER/"), "BER/A-01 BER/A-02");
	EQ_STR(values(db, "sku", "MUG-1x"), "");
}

TEST(only_open_purchase_orders_and_exceptions)
{
	open_db();
	EQ_STR(values(db, "po", ""), "PO-1 PO-3");
	EQ_STR(values(db, "po", "PO-3"), "PO-3");
	EQ_STR(values(db, "exception", ""), "EX-1 EX-3");
	EQ_STR(values(db, "return", ""), "");
	EQ_STR(values(db, "shipment", ""), "");
}

TEST(orders_are_the_1000_most_recent)
{
	const char *s;

	open_db();
	CHECK(wf_db_exec(db,
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1001)"
	    " INSERT INTO orders (channel, external_id, ref, owner, currency, placed_at,"
	    " created_at, updated_at) SELECT 'shop', i, 'shop:' || i, 'u', 'EUR',"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 1700000000 + i * 60, 'unixepoch'), " T ", " T
	    " FROM n") == 0);
	s = values(db, "order", "");
	CHECK(strncmp(s, "shop:1001 shop:1000 shop:999 ", 29) == 0);
	EQ_STR(s + strlen(s) - 7, " shop:2");
	CHECK(strstr(s, "shop:1 ") == NULL);
	EQ_STR(values(db, "order", "shop:100"), "shop:1001 shop:1000 shop:100");
}

TEST(record_types_need_no_database)
{
	EQ_STR(values(NULL, "record", NULL),
	    "sku warehouse bin order shipment return supplier po payout adjustment "
	    "exception carrier");
	EQ_STR(values(NULL, "record", "s"), "sku shipment supplier");
	EQ_STR(values(NULL, "sku", ""), "");
}

TEST(unknown_kind_is_a_usage_error)
{
	EQ_STR(values(NULL, "widget", ""), "ERROR -2");
	HAS_STR(wf_error_msg(), "unknown completion kind 'widget'");
}

TEST(callback_stops_the_listing)
{
	open_db();
	stop_after = 1;
	EQ_STR(values(db, "sku", ""), "ERROR 42");
	stop_after = 0;
	EQ_STR(values(db, "sku", "MUG"), "MUG-1 MUG-2");
}

TEST(cleanup)
{
	char side[80];

	wf_db_close(db);
	db = NULL;
	wf_buf_free(&got);
	CHECK(unlink(path) == 0);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	CHECK(rmdir(dir) == 0);
}
