/*
 * wf_stock_cache.h - the free bins of SKUs, read once and kept, for
 * reserving many orders in a row (stock_cache.c).
 *
 * Per SKU the cache holds every active bin of a kind that reserves (pick,
 * bulk, inbound, returns) with units of it on hand and held by nobody:
 * its warehouse and those units, in reservation order within each
 * warehouse (wf_stock.h).  A SKU's bins are read on its first use (once
 * the cache holds 1,048,576 bins, a SKU not in it is read at each use); a
 * reservation made through the cache (wf_stock_reserve, wf_order_reserve)
 * takes what it books from them, so the cache stays what the balances
 * hold.  Routing decides on it and reserves through it: one read of a
 * SKU's bins per run, not two per line.
 *
 * Ownership: the caller's (wf_stock_cache_new, wf_stock_cache_free).
 * Validity: the cache is exact inside the write transaction that filled
 * it, and after that transaction only while no other connection has
 * committed: call wf_stock_cache_sync() after each BEGIN, which empties
 * it when PRAGMA data_version says another connection wrote.  Empty it
 * (wf_stock_cache_clear) after a rollback, and while it is in use book no
 * movement out of or into on-hand stock on the same connection except
 * through the calls that take it.  The database stays the truth: the
 * schema refuses a take past what a balance holds, whatever the cache
 * says, so a stale cache fails a reservation, it never oversells.
 */
#ifndef WF_STOCK_CACHE_H
#define WF_STOCK_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "wf_db.h"

struct wf_stock_cache;

/* A bin holding free units of a SKU. */
struct wf_stock_bin {
	int64_t bin_id, wh_id;
	int64_t qty;             /* free on hand now (0 once taken) */
};

/* A new, empty cache (NULL when out of memory). */
struct wf_stock_cache *wf_stock_cache_new(void);

/* Keep at most BINS bins in C from now on (tests: the default is
 * 1,048,576, 24 MiB).  Bins already kept stay. */
void wf_stock_cache_limit(struct wf_stock_cache *c, size_t bins);

/* Free C (NULL: nothing). */
void wf_stock_cache_free(struct wf_stock_cache *c);

/* Forget every SKU C holds. */
void wf_stock_cache_clear(struct wf_stock_cache *c);

/* Inside a transaction just begun: empty C when another connection has
 * committed since the last sync.  Returns 0 or a database error. */
int wf_stock_cache_sync(wf_db *db, struct wf_stock_cache *c);

/* The bins of SKU_ID into *BINS and *N, warehouse by warehouse, each in
 * reservation order (read on first use).  The array is C's: valid until
 * the next call that takes C, and when C is full it is this call's copy:
 * what the caller takes from it is forgotten, the balances keep it.
 * Returns 0 or an error. */
int wf_stock_cache_bins(wf_db *db, struct wf_stock_bin **bins, size_t *n,
    struct wf_stock_cache *c, int64_t sku_id);

/* *QTY: the units of SKU_ID available to reserve at WH_ID, from C (NULL:
 * read for this call alone; wf_stock_available).  Returns 0 or an error. */
int wf_stock_cache_available(wf_db *db, int64_t *qty, struct wf_stock_cache *c,
    int64_t sku_id, int64_t wh_id);

#endif
