/*
 * floor_apply.c - the physical floor for applying stock movements.
 *
 *   bench/floor_apply [DB] < movements.jsonl      (DB: default $WF_DB)
 *
 * Reads the movement lines bench/gen writes, parses each with cJSON, looks up
 * the SKU and bins by code (a reservation takes the first pick bin of the
 * warehouse that holds enough on hand; a shipment, of the "ledger" kind, the
 * bin its reservation holds) and inserts one movement row, at its "at" or
 * the bench clock, letting the schema's trigger keep the balances; one
 * transaction.  Nothing else: no validation, no state checks, no output.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char ins_move[] =
    "INSERT INTO movement (at, actor, action, sku_id, qty, from_bin, from_state,"
    " to_bin, to_state, holder, ref, unit_cost, currency)"
    " VALUES (coalesce(?11, '2026-11-20T09:00:00Z'), 'bench', ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
    " ?8, ?8, ?9, ?10)";
static const char get_sku[] = "SELECT id FROM sku WHERE code = ?1";
static const char get_bin[] =
    "SELECT b.id FROM bin b JOIN warehouse w ON w.id = b.warehouse_id"
    " WHERE w.code = ?1 AND b.code = ?2";
static const char get_pick[] =
    "SELECT b.id FROM balance s JOIN bin b ON b.id = s.bin_id"
    " JOIN warehouse w ON w.id = b.warehouse_id"
    " WHERE s.sku_id = ?1 AND s.state = 'on_hand' AND s.holder = '' AND s.qty >= ?3"
    " AND b.kind = 'pick' AND w.code = ?2 LIMIT 1";
static const char get_held[] =
    "SELECT bin_id FROM held WHERE holder = ?2 AND sku_id = ?1 AND state = 'reserved'"
    " AND qty >= ?3 LIMIT 1";

static sqlite3 *db;
static sqlite3_stmt *sbin;

/* The id of bin "WH/BIN", or die. */
static int64_t
bin_id(const char *ref, long lineno)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;
	int64_t id;

	if (slash == NULL)
		die("line %ld: bad bin '%s'", lineno, ref ? ref : "");
	sqlite3_bind_text(sbin, 1, ref, (int)(slash - ref), SQLITE_STATIC);
	sqlite3_bind_text(sbin, 2, slash + 1, -1, SQLITE_STATIC);
	if ((id = lookup(db, sbin)) < 0)
		die("line %ld: no bin '%s'", lineno, ref);
	return id;
}

int
main(int argc, char **argv)
{
	sqlite3_stmt *sm, *ssku, *spick, *sheld;
	cJSON *o;
	long lineno = 0;

	if (argc > 2)
		die("usage: bench/floor_apply [DB] < movements.jsonl");
	db = bench_open(argc == 2 ? argv[1] : getenv("WF_DB"));
	sm = prepare(db, ins_move);
	ssku = prepare(db, get_sku);
	sbin = prepare(db, get_bin);
	spick = prepare(db, get_pick);
	sheld = prepare(db, get_held);
	while ((o = next_line(stdin, &lineno)) != NULL) {
		const char *action = jstr(o, "action");
		int64_t sku, qty = jint(o, "qty"), from, to;

		sqlite3_bind_text(ssku, 1, jstr(o, "sku"), -1, SQLITE_STATIC);
		if ((sku = lookup(db, ssku)) < 0)
			die("line %ld: no SKU '%s'", lineno, jstr(o, "sku"));
		sqlite3_bind_text(sm, 1, action, -1, SQLITE_STATIC);
		sqlite3_bind_int64(sm, 2, sku);
		sqlite3_bind_int64(sm, 3, qty);
		if (jstr(o, "at") != NULL)
			sqlite3_bind_text(sm, 11, jstr(o, "at"), -1, SQLITE_STATIC);
		if (strcmp(action, "receive") == 0) {
			to = bin_id(jstr(o, "to"), lineno);
			sqlite3_bind_int64(sm, 6, to);
			sqlite3_bind_text(sm, 7, "on_hand", -1, SQLITE_STATIC);
			sqlite3_bind_int64(sm, 9, jcents(o, "cost"));
			sqlite3_bind_text(sm, 10, "EUR", -1, SQLITE_STATIC);
		} else if (strcmp(action, "move") == 0) {
			from = bin_id(jstr(o, "from"), lineno);
			to = bin_id(jstr(o, "to"), lineno);
			sqlite3_bind_int64(sm, 4, from);
			sqlite3_bind_text(sm, 5, "on_hand", -1, SQLITE_STATIC);
			sqlite3_bind_int64(sm, 6, to);
			sqlite3_bind_text(sm, 7, "on_hand", -1, SQLITE_STATIC);
		} else if (strcmp(action, "reserve") == 0) {
			sqlite3_bind_int64(spick, 1, sku);
			sqlite3_bind_text(spick, 2, jstr(o, "warehouse"), -1, SQLITE_STATIC);
			sqlite3_bind_int64(spick, 3, qty);
			if ((from = lookup(db, spick)) < 0)
				die("line %ld: no stock to reserve", lineno);
			sqlite3_bind_int64(sm, 4, from);
			sqlite3_bind_text(sm, 5, "on_hand", -1, SQLITE_STATIC);
			sqlite3_bind_int64(sm, 6, from);
			sqlite3_bind_text(sm, 7, "reserved", -1, SQLITE_STATIC);
			sqlite3_bind_text(sm, 8, jstr(o, "ref"), -1, SQLITE_STATIC);
		} else if (strcmp(action, "ship") == 0) {
			sqlite3_bind_int64(sheld, 1, sku);
			sqlite3_bind_text(sheld, 2, jstr(o, "ref"), -1, SQLITE_STATIC);
			sqlite3_bind_int64(sheld, 3, qty);
			if ((from = lookup(db, sheld)) < 0)
				die("line %ld: no reservation to ship", lineno);
			sqlite3_bind_int64(sm, 4, from);
			sqlite3_bind_text(sm, 5, "reserved", -1, SQLITE_STATIC);
			sqlite3_bind_text(sm, 7, "shipped", -1, SQLITE_STATIC);
			sqlite3_bind_text(sm, 8, jstr(o, "ref"), -1, SQLITE_STATIC);
		} else
			die("line %ld: unknown action '%s'", lineno, action);
		run(db, sm);
		cJSON_Delete(o);
	}
	sqlite3_finalize(sm);
	sqlite3_finalize(ssku);
	sqlite3_finalize(sbin);
	sqlite3_finalize(spick);
	sqlite3_finalize(sheld);
	bench_commit(db);
	return 0;
}
