/*
 * floor_route.c - the physical floor for routing orders.
 *
 *   bench/floor_route [-n] [DB]        (DB: default $WF_DB)
 *
 * For every order in state new, oldest placed first: read its lines, and
 * take the first warehouse (by code) that has every line on hand in one
 * bin; then write what applying a route must write -- one reserve movement
 * per line (the schema's trigger keeps the balances), the order_route row,
 * the order's state and its history event -- in one transaction.  -n reads
 * and decides the same way and writes nothing (the floor of a plan).  No
 * carrier services, no capacity, no policy, no output.  What wf-route
 * costs beyond this is the price of its rules.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char sel_orders[] =
    "SELECT id, ref FROM orders WHERE state = 'new' ORDER BY placed_at, id";
static const char sel_lines[] =
    "SELECT sku_id, sum(qty) FROM order_line WHERE order_id = ?1 GROUP BY sku_id";
static const char sel_whs[] = "SELECT id FROM warehouse ORDER BY code";
static const char sel_bin[] =
    "SELECT bal.bin_id, bal.qty FROM balance bal JOIN bin b ON b.id = bal.bin_id"
    " WHERE bal.sku_id = ?1 AND b.warehouse_id = ?2 AND bal.state = 'on_hand'"
    " AND bal.holder = '' AND bal.qty >= ?3 LIMIT 1";
static const char ins_move[] =
    "INSERT INTO movement (at, actor, action, sku_id, qty, from_bin, from_state, to_bin,"
    " to_state, holder, ref) VALUES (?1, 'bench', 'reserve', ?2, ?3, ?4, 'on_hand', ?4,"
    " 'reserved', ?5, ?5)";
static const char ins_route[] =
    "INSERT INTO order_route (order_id, warehouse_id, created_at) VALUES (?1, ?2, ?3)";
static const char upd_order[] =
    "UPDATE orders SET state = 'reserved', updated_at = ?2 WHERE id = ?1";
static const char ins_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state)"
    " VALUES (?1, 'bench', 'order', ?2, 'order', 'reserve', 'new', 'reserved')";

int
main(int argc, char **argv)
{
	const char *now = "2026-11-20T09:00:00Z";
	sqlite3 *db;
	sqlite3_stmt *so, *sl, *sw, *sb, *sm, *sr, *su, *se;
	int64_t whs[64], sku[64], qty[64], bin[64];
	int nwh = 0, opt, plan = 0;
	long routed = 0;

	while ((opt = getopt(argc, argv, "n")) != -1) {
		if (opt != 'n')
			die("usage: bench/floor_route [-n] [DB]");
		plan = 1;
	}
	if (optind < argc - 1)
		die("usage: bench/floor_route [-n] [DB]");
	db = bench_open(optind < argc ? argv[optind] : getenv("WF_DB"));
	/* wf-route --apply's page cache and checkpoint interval */
	if (sqlite3_exec(db, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 65536",
	    NULL, NULL, NULL) != SQLITE_OK)
		die("pragma: %s", sqlite3_errmsg(db));
	so = prepare(db, sel_orders);
	sl = prepare(db, sel_lines);
	sw = prepare(db, sel_whs);
	sb = prepare(db, sel_bin);
	sm = prepare(db, ins_move);
	sr = prepare(db, ins_route);
	su = prepare(db, upd_order);
	se = prepare(db, ins_event);
	while (sqlite3_step(sw) == SQLITE_ROW && nwh < 64)
		whs[nwh++] = sqlite3_column_int64(sw, 0);
	sqlite3_reset(sw);
	/* the keys first: the writes below change the orders being read */
	{
		struct { int64_t id; char ref[176]; } *ord = NULL;
		size_t n = 0, cap = 0, k;

		while (sqlite3_step(so) == SQLITE_ROW) {
			if (n == cap && (ord = realloc(ord, (cap = cap ? 2 * cap : 1024) *
			    sizeof *ord)) == NULL)
				die("out of memory");
			ord[n].id = sqlite3_column_int64(so, 0);
			snprintf(ord[n++].ref, sizeof ord->ref, "%s", sqlite3_column_text(so, 1));
		}
		sqlite3_reset(so);
		for (k = 0; k < n; k++) {
			int nl = 0, w, i, ok = 0;

			sqlite3_bind_int64(sl, 1, ord[k].id);
			while (sqlite3_step(sl) == SQLITE_ROW && nl < 64) {
				sku[nl] = sqlite3_column_int64(sl, 0);
				qty[nl++] = sqlite3_column_int64(sl, 1);
			}
			sqlite3_reset(sl);
			for (w = 0; w < nwh && !ok; w++) {
				for (i = 0, ok = 1; i < nl && ok; i++) {
					sqlite3_bind_int64(sb, 1, sku[i]);
					sqlite3_bind_int64(sb, 2, whs[w]);
					sqlite3_bind_int64(sb, 3, qty[i]);
					ok = sqlite3_step(sb) == SQLITE_ROW;
					bin[i] = ok ? sqlite3_column_int64(sb, 0) : 0;
					sqlite3_reset(sb);
				}
				if (!ok || plan)
					continue;
				for (i = 0; i < nl; i++) {
					sqlite3_bind_text(sm, 1, now, -1, SQLITE_STATIC);
					sqlite3_bind_int64(sm, 2, sku[i]);
					sqlite3_bind_int64(sm, 3, qty[i]);
					sqlite3_bind_int64(sm, 4, bin[i]);
					sqlite3_bind_text(sm, 5, ord[k].ref, -1, SQLITE_STATIC);
					run(db, sm);
				}
				sqlite3_bind_int64(sr, 1, ord[k].id);
				sqlite3_bind_int64(sr, 2, whs[w]);
				sqlite3_bind_text(sr, 3, now, -1, SQLITE_STATIC);
				run(db, sr);
				sqlite3_bind_int64(su, 1, ord[k].id);
				sqlite3_bind_text(su, 2, now, -1, SQLITE_STATIC);
				run(db, su);
				sqlite3_bind_text(se, 1, now, -1, SQLITE_STATIC);
				sqlite3_bind_text(se, 2, ord[k].ref, -1, SQLITE_STATIC);
				run(db, se);
			}
			routed += ok;
		}
		free(ord);
	}
	sqlite3_finalize(so);
	sqlite3_finalize(sl);
	sqlite3_finalize(sw);
	sqlite3_finalize(sb);
	sqlite3_finalize(sm);
	sqlite3_finalize(sr);
	sqlite3_finalize(su);
	sqlite3_finalize(se);
	bench_commit(db);
	if (routed == 0)
		die("floor_route: no order could be routed");
	return 0;
}
