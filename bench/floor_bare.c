/*
 * floor_bare.c - the bare SQLite floor for importing orders (issue 18).
 *
 *   bench/floor_bare [DB] < orders.jsonl      (DB: default $WF_DB)
 *
 * What any program must pay to put these orders into SQLite durably: cJSON
 * parses each generic order line, and one `bare_order` row and its
 * `bare_line` rows go in with prepared statements, in one transaction, WAL,
 * synchronous=FULL.  The tables are its own (made in DB if missing, so that
 * it runs on the same copied database as the tool) and have only their keys:
 * the order's id and its unique ref, the line's (order, line number).  No
 * CHECKs, no foreign keys, no secondary index, no history event, no SKU
 * lookup, no validation, no output.  floor_import measures Workform's code
 * against Workform's schema; this measures the whole tool, schema included,
 * against the bare minimum.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS bare_order (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  ref TEXT NOT NULL UNIQUE,\n"
    "  currency TEXT NOT NULL,\n"
    "  placed_at TEXT NOT NULL,\n"
    "  total INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS bare_line (\n"
    "  order_id INTEGER NOT NULL,\n"
    "  line_no INTEGER NOT NULL,\n"
    "  sku TEXT NOT NULL,\n"
    "  qty INTEGER NOT NULL,\n"
    "  unit_price INTEGER NOT NULL,\n"
    "  PRIMARY KEY (order_id, line_no)\n"
    ") WITHOUT ROWID;\n";
static const char ins_order[] =
    "INSERT INTO bare_order (ref, currency, placed_at, total) VALUES (?1 || ':' || ?2, ?3, ?4, ?5)";
static const char ins_line[] =
    "INSERT INTO bare_line (order_id, line_no, sku, qty, unit_price) VALUES (?1, ?2, ?3, ?4, ?5)";

static void
exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : "?");
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : getenv("WF_DB");
	sqlite3 *db;
	sqlite3_stmt *so, *sl;
	cJSON *o;
	long lineno = 0;

	if (argc > 2)
		die("usage: bench/floor_bare [DB] < orders.jsonl");
	if (path == NULL || *path == '\0')
		die("no database: give DB or set $WF_DB");
	/* SQLite's defaults but for what makes the write durable and one
	 * transaction: what a user's own short program would do */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open '%s'", path);
	exec_sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; BEGIN IMMEDIATE");
	exec_sql(db, schema);
	so = prepare(db, ins_order);
	sl = prepare(db, ins_line);
	while ((o = next_line(stdin, &lineno)) != NULL) {
		const cJSON *lines = cJSON_GetObjectItemCaseSensitive(o, "lines"), *l;
		int64_t sub = 0, id;
		int n = 0;

		cJSON_ArrayForEach(l, lines)
			sub += jint(l, "qty") * jcents(l, "unit_price");
		sqlite3_bind_text(so, 1, jstr(o, "channel"), -1, SQLITE_STATIC);
		sqlite3_bind_text(so, 2, jstr(o, "external_id"), -1, SQLITE_STATIC);
		sqlite3_bind_text(so, 3, jstr(o, "currency"), -1, SQLITE_STATIC);
		sqlite3_bind_text(so, 4, jstr(o, "placed_at"), -1, SQLITE_STATIC);
		sqlite3_bind_int64(so, 5, sub + jcents(o, "shipping_paid"));
		run(db, so);
		id = sqlite3_last_insert_rowid(db);
		cJSON_ArrayForEach(l, lines) {
			sqlite3_bind_int64(sl, 1, id);
			sqlite3_bind_int(sl, 2, ++n);
			sqlite3_bind_text(sl, 3, jstr(l, "sku"), -1, SQLITE_STATIC);
			sqlite3_bind_int64(sl, 4, jint(l, "qty"));
			sqlite3_bind_int64(sl, 5, jcents(l, "unit_price"));
			run(db, sl);
		}
		cJSON_Delete(o);
	}
	sqlite3_finalize(so);
	sqlite3_finalize(sl);
	exec_sql(db, "COMMIT");
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	return 0;
}
