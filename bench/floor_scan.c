/*
 * floor_scan.c - the physical floor for `wf-alert scan --kind stock`.
 *
 *   bench/floor_scan [DB]      (DB: default $WF_DB; the clock is the bench's,
 *                               2026-11-20T09:00:00Z, window 56 days)
 *
 * Runs the same SELECTs the stock-risk walk reads (libwf/risk_load.c: the
 * whole tables of warehouses, bins, SKUs, suppliers, each SKU's PO lines,
 * the POs sent and the receipts of the last 365 days; then its five
 * cursors ordered by SKU code, balances, the window of the ledger, the
 * window's reservations (through movement_at, sorted), the waiting
 * order lines and the open PO lines, stepped together a SKU at a time)
 * and the scan's look at the exceptions already open (libwf/scan.c), in
 * one read transaction, stepping every row and reading every column.
 * Nothing else: no arithmetic, no exceptions raised, no output but a
 * checksum.
 */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#define WAITING \
	" (o.state = 'new' OR o.state = 'promised' OR (o.state = 'on_hold' AND" \
	" (o.held_from = 'new' OR o.held_from = 'promised'))) AND l.qty > l.qty_shipped"
#define ORDER_COLS \
	"SELECT l.sku_id, o.id, l.line_no, coalesce(o.promise_by," \
	" (SELECT min(r.promise) FROM order_route r WHERE r.order_id = o.id))," \
	" (SELECT min(r.warehouse_id) FROM order_route r WHERE r.order_id = o.id)," \
	" l.qty - l.qty_shipped, l.qty, l.unit_price, l.discount, o.currency," \
	" o.state = 'promised' OR coalesce(o.held_from, '') = 'promised'"

static const char *const queries[] = {
	"SELECT id, code, state = 'active' FROM warehouse ORDER BY code",
	"SELECT id, warehouse_id, state = 'active' AND (kind = 'pick' OR kind = 'bulk'"
	" OR kind = 'inbound' OR kind = 'returns') FROM bin ORDER BY id",
	"SELECT id, code, state, currency, price, lead_time_days, safety_days, supplier_id"
	" FROM sku ORDER BY code",
	"SELECT id, code, lead_time_days FROM supplier ORDER BY id",
	"SELECT l.sku_id, l.po_id, p.supplier_id FROM po_line l JOIN po p ON p.id = l.po_id"
	" WHERE p.state <> 'cancelled'",
	"SELECT id, supplier_id, sent_at FROM po WHERE sent_at IS NOT NULL ORDER BY id",
	"SELECT holder, at FROM movement WHERE action = 'receive'"
	" AND holder >= 'PO-' AND holder < 'PO.' AND at >= '2025-11-20T09:00:00Z'",
	"SELECT id, state, subject_ref FROM exception WHERE subject_type = 'sku'",
	NULL
};

/* The rows per SKU, by SKU code: stepped together, a SKU at a time from
 * each, as the tool's cursors are. */
static const char *const cursors[] = {
	"SELECT b.sku_id, b.bin_id, b.state = 'on_hand', b.qty FROM sku s CROSS JOIN balance b"
	" ON b.sku_id = s.id ORDER BY s.code",
	"SELECT m.sku_id, m.at, m.qty, m.from_bin, m.from_state = 'on_hand', m.to_bin,"
	" m.to_state = 'on_hand', m.to_state = 'shipped'"
	" FROM sku s CROSS JOIN movement m ON m.sku_id = s.id"
	" WHERE m.action <> 'reserve' AND m.at >= '2026-09-25T00:00:00Z'"
	" AND (m.from_state = 'on_hand' OR m.to_state = 'on_hand' OR m.to_state = 'shipped')"
	" ORDER BY s.code",
	"SELECT m.sku_id, m.at, m.qty, m.from_bin, m.from_state = 'on_hand', m.to_bin,"
	" m.to_state = 'on_hand', m.to_state = 'shipped'"
	" FROM movement m CROSS JOIN sku s ON s.id = m.sku_id"
	" WHERE m.action = 'reserve'"
	" AND m.at >= '2026-09-25T00:00:00Z' AND (m.from_state = 'on_hand'"
	" OR m.to_state = 'on_hand' OR m.to_state = 'shipped') ORDER BY s.code",
	/* open lines: one search per part of the orders (migration 26) */
	"WITH RECURSIVE line_part(part) AS (SELECT 0"
	" UNION ALL SELECT (SELECT order_id >> 16 FROM order_line"
	"  WHERE qty > qty_shipped AND order_id >> 16 > line_part.part"
	"  ORDER BY order_id >> 16 LIMIT 1)"
	" FROM line_part WHERE line_part.part IS NOT NULL) "
	ORDER_COLS " FROM sku s CROSS JOIN line_part p"
	" CROSS JOIN order_line l ON l.order_id >> 16 = p.part AND l.sku_id = s.id"
	" CROSS JOIN orders o ON o.id = l.order_id WHERE" WAITING " ORDER BY s.code",
	"SELECT l.sku_id, p.warehouse_id, p.id, p.state = 'sent',"
	" coalesce(p.confirmed_for, p.expected_at),"
	" l.qty_ordered - l.qty_received - l.qty_cancelled"
	" FROM po p JOIN po_line l ON l.po_id = p.id JOIN sku s ON s.id = l.sku_id"
	" WHERE (p.state = 'sent' OR p.state = 'confirmed' OR p.state = 'partially_received')"
	" AND l.qty_ordered > l.qty_received + l.qty_cancelled ORDER BY s.code",
	NULL
};

static uint64_t sum, rows;

static void
take(sqlite3_stmt *st)
{
	int i, n = sqlite3_column_count(st);

	rows++;
	for (i = 0; i < n; i++)
		if (sqlite3_column_type(st, i) == SQLITE_TEXT)
			sum += (uint64_t)sqlite3_column_bytes(st, i);
		else
			sum += (uint64_t)sqlite3_column_int64(st, i);
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : getenv("WF_DB");
	sqlite3 *db;
	sqlite3_stmt *st, *cur[8];
	int q, n, live[8];

	if (argc > 2)
		die("usage: bench/floor_scan [DB]");
	if (path == NULL || sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open '%s'", path ? path : "");
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		die("begin: %s", sqlite3_errmsg(db));
	for (q = 0; queries[q]; q++) {
		st = prepare(db, queries[q]);
		while (sqlite3_step(st) == SQLITE_ROW)
			take(st);
		sqlite3_finalize(st);
	}
	/* the cursors, merged by SKU id as the tool merges them by rank */
	for (n = 0; cursors[n]; n++) {
		cur[n] = prepare(db, cursors[n]);
		live[n] = sqlite3_step(cur[n]) == SQLITE_ROW;
	}
	for (;;) {
		int64_t sku = 0;
		int any = 0;
		for (q = 0; q < n; q++)
			if (live[q] && (!any || sqlite3_column_int64(cur[q], 0) < sku)) {
				sku = sqlite3_column_int64(cur[q], 0);
				any = 1;
			}
		if (!any)
			break;
		for (q = 0; q < n; q++)
			while (live[q] && sqlite3_column_int64(cur[q], 0) == sku) {
				take(cur[q]);
				live[q] = sqlite3_step(cur[q]) == SQLITE_ROW;
			}
	}
	for (q = 0; q < n; q++)
		sqlite3_finalize(cur[q]);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit: %s", sqlite3_errmsg(db));
	printf("%llu rows, checksum %llu\n", (unsigned long long)rows, (unsigned long long)sum);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	return 0;
}
