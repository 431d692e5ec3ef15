/*
 * load.c - put a generated catalogue into a database for a benchmark.
 *
 *   bench/load DB < lines
 *
 * Takes the sku, warehouse, bin and supplier lines of bench/gen and inserts
 * the rows with their "create" history events, in one transaction, so that
 * `wf check` is clean afterwards.  Setup only: it is not what is measured.
 */
#include <string.h>

#include "util.h"

#define NOW "'2026-11-20T09:00:00Z'"

static const char ins_sku[] =
    "INSERT INTO sku (code, title, owner, currency, price, cost, created_at, updated_at)"
    " VALUES (?1, ?2, 'bench', ?3, ?4, ?5, " NOW ", " NOW ")";
static const char ins_wh[] =
    "INSERT INTO warehouse (code, name, country, postcode, timezone, capacity, owner,"
    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'bench', " NOW ", " NOW ")";
static const char ins_bin[] =
    "INSERT INTO bin (warehouse_id, code, kind, owner, created_at, updated_at)"
    " SELECT id, ?2, ?3, 'bench', " NOW ", " NOW " FROM warehouse WHERE code = ?1";
static const char ins_sup[] =
    "INSERT INTO supplier (code, name, email, lead_time_days, owner, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, 'bench', " NOW ", " NOW ")";
static const char ins_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, to_state)"
    " VALUES (" NOW ", 'bench', ?1, ?2, ?1, 'create', 'active')";

static void
bind(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *ssku, *swh, *sbin, *ssup, *sev;
	cJSON *o;
	long lineno = 0;

	if (argc != 2)
		die("usage: bench/load DB < lines");
	db = bench_open(argv[1]);
	ssku = prepare(db, ins_sku);
	swh = prepare(db, ins_wh);
	sbin = prepare(db, ins_bin);
	ssup = prepare(db, ins_sup);
	sev = prepare(db, ins_event);
	while ((o = next_line(stdin, &lineno)) != NULL) {
		const char *type = jstr(o, "type"), *key;

		if (type == NULL || (key = jstr(o, type)) == NULL)
			die("line %ld: no type or key", lineno);
		if (strcmp(type, "sku") == 0) {
			bind(ssku, 1, key);
			bind(ssku, 2, jstr(o, "title"));
			bind(ssku, 3, jstr(o, "currency"));
			sqlite3_bind_int64(ssku, 4, jcents(o, "price"));
			sqlite3_bind_int64(ssku, 5, jcents(o, "cost"));
			run(db, ssku);
		} else if (strcmp(type, "warehouse") == 0) {
			bind(swh, 1, key);
			bind(swh, 2, jstr(o, "name"));
			bind(swh, 3, jstr(o, "country"));
			bind(swh, 4, jstr(o, "postcode"));
			bind(swh, 5, jstr(o, "timezone"));
			sqlite3_bind_int64(swh, 6, jint(o, "capacity"));
			run(db, swh);
		} else if (strcmp(type, "bin") == 0) {
			const char *slash = strchr(key, '/');
			if (slash == NULL)
				die("line %ld: bad bin '%s'", lineno, key);
			sqlite3_bind_text(sbin, 1, key, (int)(slash - key), SQLITE_STATIC);
			bind(sbin, 2, slash + 1);
			bind(sbin, 3, jstr(o, "kind"));
			run(db, sbin);
			if (sqlite3_changes(db) != 1)
				die("line %ld: no warehouse for '%s'", lineno, key);
		} else if (strcmp(type, "supplier") == 0) {
			bind(ssup, 1, key);
			bind(ssup, 2, jstr(o, "name"));
			bind(ssup, 3, jstr(o, "email"));
			sqlite3_bind_int64(ssup, 4, jint(o, "lead_time"));
			run(db, ssup);
		} else
			die("line %ld: cannot load a '%s'", lineno, type);
		bind(sev, 1, type);
		bind(sev, 2, key);
		run(db, sev);
		cJSON_Delete(o);
	}
	sqlite3_finalize(ssku);
	sqlite3_finalize(swh);
	sqlite3_finalize(sbin);
	sqlite3_finalize(ssup);
	sqlite3_finalize(sev);
	bench_commit(db);
	return 0;
}
