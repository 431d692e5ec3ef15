/*
 * floor_levels.c - the physical floor for `wf-stock levels --sku SKU`.
 *
 *   bench/floor_levels SKU [DB]      (DB: default $WF_DB)
 *
 * Opens the database, looks the SKU up by code and runs the same SELECT as
 * the tool (one SKU's levels by warehouse), printing one line per row.
 * Nothing else: no pragmas beyond the busy timeout, no JSON, no checks.
 * Run once per process, like the tool, so process start is in both.
 */
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

#define USABLE "(b.state = 'active' AND b.kind IN ('pick','bulk','inbound','returns'))"
#define SUM_IF(cond) "coalesce(sum(CASE WHEN " cond " THEN bal.qty END), 0)"

static const char get_sku[] = "SELECT id FROM sku WHERE code = ?1";
static const char levels[] =
    "SELECT s.code, w.code, NULL, "
    SUM_IF("(bal.state = 'on_hand' AND " USABLE ") OR bal.state = 'reserved'") ", "
    SUM_IF("bal.state = 'reserved'") ", "
    SUM_IF("bal.state = 'inbound'") ", " SUM_IF("bal.state = 'picked'") ", "
    SUM_IF("bal.state = 'packed'") ", " SUM_IF("bal.state = 'damaged'") ", "
    SUM_IF("bal.state = 'returned'") ", " SUM_IF("bal.state = 'quarantine'") ", "
    SUM_IF("bal.state = 'on_hand' AND NOT " USABLE)
    " FROM balance bal JOIN sku s ON s.id = bal.sku_id JOIN bin b ON b.id = bal.bin_id"
    " JOIN warehouse w ON w.id = b.warehouse_id"
    " WHERE bal.sku_id = ?1 AND (?2 IS NULL OR w.id = ?2) GROUP BY w.code ORDER BY w.code";

int
main(int argc, char **argv)
{
	const char *path = argc > 2 ? argv[2] : getenv("WF_DB");
	sqlite3 *db;
	sqlite3_stmt *ss, *sl;
	int64_t sku;
	int i;

	if (argc < 2 || argc > 3)
		die("usage: bench/floor_levels SKU [DB]");
	if (path == NULL || sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open '%s'", path ? path : "");
	sqlite3_busy_timeout(db, 5000);
	ss = prepare(db, get_sku);
	sl = prepare(db, levels);
	sqlite3_bind_text(ss, 1, argv[1], -1, SQLITE_STATIC);
	if ((sku = lookup(db, ss)) < 0)
		die("no SKU '%s'", argv[1]);
	sqlite3_bind_int64(sl, 1, sku);
	while (sqlite3_step(sl) == SQLITE_ROW) {
		printf("%s %s", sqlite3_column_text(sl, 0), sqlite3_column_text(sl, 1));
		for (i = 3; i < 12; i++)
			printf(" %lld", (long long)sqlite3_column_int64(sl, i));
		putchar('\n');
	}
	sqlite3_finalize(ss);
	sqlite3_finalize(sl);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	return 0;
}
