/*
 * floor_import.c - the physical floor for importing orders.
 *
 *   bench/floor_import [-n] [DB] < orders.jsonl      (DB: default $WF_DB)
 *
 * Reads the generic order lines bench/gen writes, parses each with cJSON and
 * inserts the rows an import must write -- one orders row, its order_line
 * rows and the order's "create" history event (-n: no events) -- with
 * prepared statements in one transaction.  A line row holds its SKU's id,
 * as the tool's does (one lookup by code, and the foreign key's check).
 * Nothing else: no validation, no idempotency check, no output.  What wf-order import costs
 * beyond this is the price of its logic.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static const char ins_order[] =
    "INSERT INTO orders (channel, external_id, ref, owner, currency, placed_at,"
    " promise_by, ship_name, ship_country, ship_postcode, ship_city, ship_to,"
    " subtotal, shipping_paid, total, paid, finance_state, created_at, updated_at)"
    " VALUES (?1, ?2, ?1 || ':' || ?2, 'bench', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, ?14, ?15, ?16, ?16)";
static const char ins_line[] =
    "INSERT INTO order_line (order_id, line_no, sku, sku_id, title, qty, unit_price)"
    " VALUES (?1, ?2, ?3, (SELECT id FROM sku WHERE code = ?3), ?6, ?4, ?5)";
static const char ins_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, to_state, data)"
    " VALUES (?1, 'bench', 'order', ?2 || ':' || ?3, 'order', 'create', 'new', ?4)";

int
main(int argc, char **argv)
{
	const char *now = "2026-11-20T09:00:00Z";
	int events = 1, opt;
	sqlite3 *db;
	sqlite3_stmt *so, *sl, *se;
	cJSON *o;
	long lineno = 0;

	while ((opt = getopt(argc, argv, "n")) != -1) {
		if (opt != 'n')
			die("usage: bench/floor_import [-n] [DB] < orders.jsonl");
		events = 0;
	}
	if (optind < argc - 1)
		die("usage: bench/floor_import [-n] [DB] < orders.jsonl");
	db = bench_open(optind < argc ? argv[optind] : getenv("WF_DB"));
	so = prepare(db, ins_order);
	sl = prepare(db, ins_line);
	se = prepare(db, ins_event);
	while ((o = next_line(stdin, &lineno)) != NULL) {
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(o, "ship_to");
		const cJSON *pay = cJSON_GetObjectItemCaseSensitive(o, "payment");
		const cJSON *lines = cJSON_GetObjectItemCaseSensitive(o, "lines"), *l;
		int64_t sub = 0, ship = jcents(o, "shipping_paid"), paid = jcents(pay, "amount");
		int64_t id;
		char *to_text = cJSON_PrintUnformatted(to);
		int n = 0;

		cJSON_ArrayForEach(l, lines)
			sub += jint(l, "qty") * jcents(l, "unit_price");
		text(so, 1, jstr(o, "channel"));
		text(so, 2, jstr(o, "external_id"));
		text(so, 3, jstr(o, "currency"));
		text(so, 4, jstr(o, "placed_at"));
		text(so, 5, jstr(o, "promise_by"));
		text(so, 6, jstr(to, "name"));
		text(so, 7, jstr(to, "country"));
		text(so, 8, jstr(to, "postcode"));
		text(so, 9, jstr(to, "city"));
		text(so, 10, to_text);
		sqlite3_bind_int64(so, 11, sub);
		sqlite3_bind_int64(so, 12, ship);
		sqlite3_bind_int64(so, 13, sub + ship);
		sqlite3_bind_int64(so, 14, paid);
		text(so, 15, paid ? "paid" : "pending");
		text(so, 16, now);
		run(db, so);
		id = sqlite3_last_insert_rowid(db);
		cJSON_ArrayForEach(l, lines) {
			sqlite3_bind_int64(sl, 1, id);
			sqlite3_bind_int(sl, 2, ++n);
			text(sl, 3, jstr(l, "sku"));
			sqlite3_bind_int64(sl, 4, jint(l, "qty"));
			sqlite3_bind_int64(sl, 5, jcents(l, "unit_price"));
			text(sl, 6, jstr(l, "title") ? jstr(l, "title") : "");
			run(db, sl);
		}
		if (events) {
			text(se, 1, now);
			text(se, 2, jstr(o, "channel"));
			text(se, 3, jstr(o, "external_id"));
			text(se, 4, paid ? "{\"finance_state\":\"paid\"}" :
			    "{\"finance_state\":\"pending\"}");
			run(db, se);
		}
		free(to_text);
		cJSON_Delete(o);
	}
	sqlite3_finalize(so);
	sqlite3_finalize(sl);
	sqlite3_finalize(se);
	bench_commit(db);
	return 0;
}
