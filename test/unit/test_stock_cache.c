/* The SKU-bin cache of reservations (wf_stock_cache.h): read once, kept
 * exact as reservations take from it, emptied when another connection
 * commits, and never a way past the balances when it is stale. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "unit_file_db.h"
#include "wf.h"
#include "wf_stock.h"
#include "wf_stock_cache.h"

static char dir[64], path[128];

/* A database in a temporary directory with one SKU (id 1) and a warehouse
 * (id 1) with a pick bin (id 1, 4 units) and a bulk bin (id 2, 6 units). */
static wf_db *
open_first(void)
{
	static const char setup[] =
	    "INSERT INTO sku (id, code, owner, currency, created_at, updated_at)"
	    " VALUES (1, 'MUG-1', 'ops', 'EUR', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO warehouse (id, code, owner, created_at, updated_at)"
	    " VALUES (1, 'BER', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO bin (id, warehouse_id, code, kind, owner, created_at, updated_at) VALUES"
	    " (1, 1, 'A-01', 'pick', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z'),"
	    " (2, 1, 'B-01', 'bulk', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state) VALUES"
	    " ('2026-11-20T09:00:00Z', 'unit', 'receive', 1, 6, 2, 'on_hand'),"
	    " ('2026-11-20T09:00:00Z', 'unit', 'receive', 1, 4, 1, 'on_hand');";
	wf_db *db = unit_file_db(dir, path);

	if (db == NULL)
		return NULL;
	if (wf_db_exec(db, setup) != 0) {
		FAILF("cannot set %s up: %s", path, wf_error_msg());
		return NULL;
	}
	wf_db_set_now(db, 1795165200);
	wf_db_set_actor(db, "unit");
	return db;
}

static wf_db *
open_second(void)
{
	wf_db *db = NULL;

	if (wf_db_open(&db, path, 0) != 0) {
		FAILF("cannot open %s again: %s", path, wf_error_msg());
		return NULL;
	}
	wf_db_set_now(db, 1795165200);
	wf_db_set_actor(db, "other");
	return db;
}

/* The units the cache says are free in bin BIN (-1: it has no such bin). */
static int64_t
cached(wf_db *db, struct wf_stock_cache *c, int64_t bin)
{
	struct wf_stock_bin *b;
	size_t i, n;

	if (wf_stock_cache_bins(db, &b, &n, c, 1) != 0)
		return -2;
	for (i = 0; i < n; i++)
		if (b[i].bin_id == bin)
			return b[i].qty;
	return -1;
}

TEST(stock_cache_kept_and_emptied)
{
	wf_db *a = open_first(), *b = open_second();
	struct wf_stock_cache *c = wf_stock_cache_new();
	struct wf_stock_bin *bins;
	int64_t avail;
	size_t n;

	if (a == NULL || b == NULL || c == NULL)
		return;
	/* reservation order: the pick bin first */
	CHECK(wf_tx_begin(a) == 0 && wf_stock_cache_sync(a, c) == 0);
	CHECK(wf_stock_cache_bins(a, &bins, &n, c, 1) == 0);
	EQ_INT(n, 2);
	EQ_INT(bins[0].bin_id, 1);
	EQ_INT(bins[1].bin_id, 2);
	/* a reservation through it takes from the pick bin, then the bulk bin */
	CHECK(wf_stock_reserve(a, NULL, NULL, c, 1, 1, 5, "shop:1", 0) == 0);
	EQ_INT(cached(a, c, 1), 0);
	EQ_INT(cached(a, c, 2), 5);
	CHECK(wf_stock_cache_available(a, &avail, c, 1, 1) == 0);
	EQ_INT(avail, 5);
	CHECK(wf_tx_commit(a) == 0);
	/* its own commit keeps it; what the balances hold is what it says */
	CHECK(wf_tx_begin(a) == 0 && wf_stock_cache_sync(a, c) == 0);
	CHECK(wf_stock_reserve(a, NULL, NULL, c, 1, 1, 2, "shop:2", 0) == 0);
	CHECK(wf_stock_available(a, &avail, 1, 1) == 0);
	EQ_INT(avail, 3);
	EQ_INT(cached(a, c, 2), 3);
	CHECK(wf_tx_commit(a) == 0);
	/* another connection takes 2: a stale cache refuses, never oversells */
	CHECK(wf_tx_begin(b) == 0);
	CHECK(wf_stock_reserve(b, NULL, NULL, NULL, 1, 1, 2, "fair", 0) == 0);
	CHECK(wf_tx_commit(b) == 0);
	CHECK(wf_tx_begin(a) == 0);
	EQ_INT(cached(a, c, 2), 3);
	EQ_INT(wf_stock_reserve(a, NULL, NULL, c, 1, 1, 3, "shop:3", 0), WF_EREFUSED);
	CHECK(wf_tx_rollback(a) == 0);
	/* synced after BEGIN, it reads the bins again */
	wf_stock_cache_clear(c);
	CHECK(wf_tx_begin(a) == 0 && wf_stock_cache_sync(a, c) == 0);
	EQ_INT(cached(a, c, 2), 1);
	CHECK(wf_tx_commit(a) == 0);
	CHECK(wf_tx_begin(b) == 0);
	CHECK(wf_stock_reserve(b, NULL, NULL, NULL, 1, 1, 1, "fair", 0) == 0);
	CHECK(wf_tx_commit(b) == 0);
	CHECK(wf_tx_begin(a) == 0 && wf_stock_cache_sync(a, c) == 0);
	/* the emptied bin is gone from the balances, and so from the cache */
	EQ_INT(cached(a, c, 2), -1);
	EQ_INT(wf_stock_reserve(a, NULL, NULL, c, 1, 1, 1, "shop:3", 0), WF_EREFUSED);
	CHECK(wf_tx_rollback(a) == 0);
	wf_stock_cache_free(c);
	wf_db_close(b);
	wf_db_close(a);
	unit_file_db_remove(dir, path);
}

/* A full cache keeps the SKUs it holds and reads every other SKU's bins
 * at each use, so what a reservation takes is still what the next one
 * sees. */
TEST(stock_cache_full_reads_the_rest_again)
{
	static const char second[] =
	    "INSERT INTO sku (id, code, owner, currency, created_at, updated_at)"
	    " VALUES (2, 'CUP-1', 'ops', 'EUR', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');"
	    "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state) VALUES"
	    " ('2026-11-20T09:00:00Z', 'unit', 'receive', 2, 3, 1, 'on_hand');";
	wf_db *a = open_first();
	struct wf_stock_cache *c = wf_stock_cache_new();
	struct wf_stock_bin *bins;
	size_t n;

	if (a == NULL || c == NULL)
		return;
	CHECK(wf_db_exec(a, second) == 0);
	/* room for SKU 1's two bins, not for SKU 2's one */
	wf_stock_cache_limit(c, 2);
	CHECK(wf_tx_begin(a) == 0 && wf_stock_cache_sync(a, c) == 0);
	CHECK(wf_stock_cache_bins(a, &bins, &n, c, 1) == 0);
	EQ_INT(n, 2);
	bins[1].qty = 99;       /* kept: the cache's own copy */
	CHECK(wf_stock_cache_bins(a, &bins, &n, c, 2) == 0);
	EQ_INT(n, 1);
	EQ_INT(bins[0].qty, 3);
	bins[0].qty = 0;        /* not kept: read again at the next use */
	CHECK(wf_stock_cache_bins(a, &bins, &n, c, 2) == 0);
	EQ_INT(n, 1);
	EQ_INT(bins[0].qty, 3);
	/* a reservation of SKU 2 through the full cache, then what is left */
	CHECK(wf_stock_reserve(a, NULL, NULL, c, 2, 1, 2, "shop:1", 0) == 0);
	CHECK(wf_stock_cache_bins(a, &bins, &n, c, 2) == 0);
	EQ_INT(n, 1);
	EQ_INT(bins[0].qty, 1);
	EQ_INT(wf_stock_reserve(a, NULL, NULL, c, 2, 1, 2, "shop:2", 0), WF_EREFUSED);
	/* SKU 1 stayed */
	EQ_INT(cached(a, c, 2), 99);
	CHECK(wf_tx_rollback(a) == 0);
	wf_stock_cache_free(c);
	wf_db_close(a);
	unit_file_db_remove(dir, path);
}
