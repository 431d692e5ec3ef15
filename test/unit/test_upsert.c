/* The idempotent add (wf_upsert.h) on a descriptor of the test's own, over
 * the carrier_service table: what is emitted, what history says, what is
 * written, for created, updated and unchanged records. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "wf.h"
#include "wf_upsert.h"

enum { F_WH, F_CARRIER, F_SERVICE, F_CUTOFF, F_DAYS, F_COST, F_CUR, F_COUNTRIES, NF };

/* cost changes as decimal text, unless a test asks for minor units */
static struct wf_upsert_field fields[NF] = {
	[F_WH]        = { "warehouse", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[F_CARRIER]   = { "carrier", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[F_SERVICE]   = { "service", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[F_CUTOFF]    = { "cutoff", WF_UPSERT_TEXT, 0, "12:00", 0, 0 },
	[F_DAYS]      = { "transit_days", WF_UPSERT_INT, 0, NULL, 3, 0 },
	[F_COST]      = { "cost", WF_UPSERT_MONEY, 0, NULL, 0, F_CUR },
	[F_CUR]       = { "currency", WF_UPSERT_TEXT, 0, "EUR", 0, 0 },
	[F_COUNTRIES] = { "countries", WF_UPSERT_LIST, 0, "", 0, 0 },
};

static const int reversed[] = { F_COUNTRIES, F_CUR, F_COST, F_DAYS, F_CUTOFF, -1 };

static int refuse;

static int
merge(wf_db *db, struct wf_upsert *u)
{
	(void)db;
	(void)u;
	return refuse ? wf_error_set(WF_EREFUSED, "refused by the test") : 0;
}

static struct wf_upsert_type type = {
	.type = "carrier_service", .history = "carrier", .initial = NULL,
	.fields = fields, .nfields = NF, .result_at = 3, .flags = WF_UPSERT_UNTYPED,
	.load = "SELECT s.id, w.code, s.carrier, s.service, s.cutoff, s.transit_days, s.cost,"
	    " s.currency, s.countries FROM carrier_service s JOIN warehouse w"
	    " ON w.id = s.warehouse_id WHERE s.warehouse_id = ?1 AND s.carrier = ?2"
	    " AND s.service = ?3",
	.insert = "INSERT INTO carrier_service (warehouse_id, carrier, service, cutoff,"
	    " transit_days, cost, currency, countries, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
	.update = "UPDATE carrier_service SET cutoff = ?4, transit_days = ?5, cost = ?6,"
	    " currency = ?7, countries = ?8, updated_at = ?9 WHERE id = ?10",
	.merge = merge,
};

static wf_db *db;
static wf_out *out;
static FILE *out_f;
static char *out_buf;
static size_t out_len;

static void
open_db(void)
{
	struct wf_warehouse_in wh;
	const char *result;
	int from;

	db = NULL;
	refuse = 0;
	fields[F_COST].flags = 0;
	type.changes = NULL;
	if ((out_f = open_memstream(&out_buf, &out_len)) == NULL ||
	    wf_out_new(&out, out_f, WF_FMT_JSONL) != 0 ||
	    wf_db_open(&db, ":memory:", WF_DB_CREATE) != 0 ||
	    wf_db_init(db, &result, &from) != 0) {
		FAILF("cannot create a database: %s", wf_error_msg());
		return;
	}
	wf_db_set_now(db, 0);
	wf_db_set_out(db, out);
	memset(&wh, 0, sizeof wh);
	wh.code = "BER";
	if (wf_warehouse_add(db, &wh, out) != 0)
		FAILF("warehouse add: %s", wf_error_msg());
}

static void
close_db(void)
{
	wf_db_close(db);
	wf_out_free(out);
	fclose(out_f);
	free(out_buf);
}

/* The last line written, without its newline. */
static const char *
last_line(void)
{
	static char line[1024];
	char *p;

	fflush(out_f);
	line[0] = '\0';
	if (out_len == 0)
		return line;
	out_buf[out_len - 1] = '\0';
	p = strrchr(out_buf, '\n');
	wf_strlcpy(line, p ? p + 1 : out_buf, sizeof line);
	out_buf[out_len - 1] = '\n';
	return line;
}

/* The carrier events as "action machine data" lines, oldest first. */
static const char *
events(void)
{
	static char s[2048];
	wf_stmt *st;

	s[0] = '\0';
	if (wf_db_stmt(db, &st, "SELECT action, coalesce(machine, '-'), data FROM event"
	    " WHERE record_type = 'carrier' ORDER BY id") != 0)
		return "(error)";
	while (wf_db_step(db, st) == 1)
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s %s %s\n", wf_col_text(st, 0),
		    wf_col_text(st, 1), wf_col_text(st, 2));
	return s;
}

/* Add BER/DHL/std with the given values (NULL, -1: not given). */
static int
add(const char *cutoff, int64_t days, int64_t cost, const char *cur, const char *countries)
{
	struct wf_upsert u = { .t = &type, .ref = "BER/DHL/std", .nkey = 3 };

	u.key[0] = wf_upsert_int(1, 1);
	u.key[1] = u.given[F_CARRIER] = wf_upsert_text("DHL");
	u.key[2] = u.given[F_SERVICE] = wf_upsert_text("std");
	u.given[F_WH] = wf_upsert_text("BER");
	u.given[F_CUTOFF] = wf_upsert_text(cutoff);
	u.given[F_DAYS] = wf_upsert_int(days >= 0, days);
	u.given[F_COST] = wf_upsert_int(cost >= 0, cost);
	u.given[F_CUR] = wf_upsert_text(cur);
	u.given[F_COUNTRIES] = wf_upsert_text(countries);
	return wf_upsert(db, &u, out);
}

TEST(created_takes_the_defaults_and_says_so)
{
	open_db();
	EQ_INT(add(NULL, -1, 490, NULL, "DE,AT"), 0);
	EQ_STR(last_line(), "{\"type\":\"carrier_service\",\"warehouse\":\"BER\",\"carrier\":\"DHL\","
	    "\"service\":\"std\",\"result\":\"created\",\"cutoff\":\"12:00\",\"transit_days\":3,"
	    "\"cost\":\"4.90\",\"currency\":\"EUR\",\"countries\":[\"DE\",\"AT\"]}");
	/* no machine, no "type", no "result" in the create event */
	EQ_STR(events(), "create - {\"warehouse\":\"BER\",\"carrier\":\"DHL\",\"service\":\"std\","
	    "\"cutoff\":\"12:00\",\"transit_days\":3,\"cost\":\"4.90\",\"currency\":\"EUR\","
	    "\"countries\":[\"DE\",\"AT\"]}\n");
	close_db();
}

TEST(the_same_again_is_unchanged_and_writes_nothing)
{
	const char *before;

	open_db();
	EQ_INT(add("15:00", 2, 490, "EUR", "DE"), 0);
	before = strdup(events());
	EQ_INT(add("15:00", 2, 490, NULL, NULL), 0);
	HAS_STR(last_line(), "\"result\":\"unchanged\",\"cutoff\":\"15:00\"");
	EQ_STR(events(), before);
	free((void *)before);
	close_db();
}

TEST(an_update_records_each_change_in_field_order)
{
	open_db();
	EQ_INT(add("15:00", 2, 490, "EUR", "DE"), 0);
	EQ_INT(add("16:00", -1, 500, "JPY", NULL), 0);
	HAS_STR(last_line(), "\"result\":\"updated\",\"cutoff\":\"16:00\",\"transit_days\":2,"
	    "\"cost\":\"500\",\"currency\":\"JPY\",\"countries\":[\"DE\"]}");
	/* money as each side's decimal text */
	HAS_STR(events(), "update - {\"cutoff\":{\"from\":\"15:00\",\"to\":\"16:00\"},"
	    "\"cost\":{\"from\":\"4.90\",\"to\":\"500\"},\"currency\":{\"from\":\"EUR\",\"to\":\"JPY\"}}\n");
	close_db();
}

TEST(minor_units_and_another_change_order)
{
	open_db();
	fields[F_COST].flags = WF_UPSERT_MINOR;
	type.changes = reversed;
	EQ_INT(add("15:00", 2, 490, "EUR", "DE"), 0);
	EQ_INT(add("16:00", -1, 500, NULL, "AT"), 0);
	HAS_STR(events(), "update - {\"countries\":{\"from\":\"DE\",\"to\":\"AT\"},"
	    "\"cost\":{\"from\":490,\"to\":500},\"cutoff\":{\"from\":\"15:00\",\"to\":\"16:00\"}}\n");
	close_db();
}

TEST(a_refusing_step_writes_nothing)
{
	open_db();
	EQ_INT(add("15:00", 2, 490, "EUR", "DE"), 0);
	refuse = 1;
	EQ_INT(add("16:00", 2, 490, "EUR", "DE"), WF_EREFUSED);
	refuse = 0;
	EQ_INT(add("15:00", 2, 490, "EUR", "DE"), 0);
	HAS_STR(last_line(), "\"result\":\"unchanged\"");
	close_db();
}

TEST(list_reads_the_stored_records)
{
	open_db();
	EQ_INT(add("15:00", 2, 490, "EUR", ""), 0);
	EQ_INT(wf_upsert_list(db, &type, "SELECT s.id, w.code, s.carrier, s.service, s.cutoff,"
	    " s.transit_days, s.cost, s.currency, s.countries FROM carrier_service s"
	    " JOIN warehouse w ON w.id = s.warehouse_id WHERE ?1 IS NULL OR w.code = ?1",
	    "BER", out), 0);
	EQ_STR(last_line(), "{\"type\":\"carrier_service\",\"warehouse\":\"BER\",\"carrier\":\"DHL\","
	    "\"service\":\"std\",\"cutoff\":\"15:00\",\"transit_days\":2,\"cost\":\"4.90\","
	    "\"currency\":\"EUR\",\"countries\":[]}");
	close_db();
}
