/* The exception queue: the priority formula, raise/clear idempotency,
 * reopening, snooze expiry and the clock's reprioritisation. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <unistd.h>

#include "harness.h"
#include "unit_file_db.h"
#include "wf.h"
#include "wf_db_sqlite.h"

#define T0 1795165200          /* 2026-11-20T09:00:00Z */
#define HOUR 3600
#define DAY 86400

static char dir[64], path[128];

/* A fresh database in a temporary directory, clock at T0, actor "tester". */
static wf_db *
open_db(void)
{
	wf_db *db = unit_file_db(dir, path);

	if (db == NULL)
		return NULL;
	wf_db_set_now(db, T0);
	wf_db_set_actor(db, "tester");
	return db;
}

static void
close_db(wf_db *db)
{
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* The first column of the first row of SQL as text ("" for none). */
static const char *
q(wf_db *db, const char *sql)
{
	static char buf[512];
	sqlite3_stmt *st;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(wf_db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
		FAILF("bad test SQL: %s", sql);
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		wf_strlcpy(buf, (const char *)sqlite3_column_text(st, 0), sizeof buf);
	sqlite3_finalize(st);
	return buf;
}

static struct wf_raise
unroutable(const char *order)
{
	struct wf_raise r;

	memset(&r, 0, sizeof r);
	r.kind = "unroutable";
	r.subject_type = "order";
	r.subject_ref = order;
	r.owner = "ops";
	r.next_action = "Receive stock at BER or split the order";
	r.impact.money = 5980;
	memcpy(r.impact.currency, "EUR", 4);
	r.impact.units = 2;
	r.impact.orders = 1;
	return r;
}

static struct wf_impact
impact(int64_t money, const char *cur, int64_t units, int64_t orders)
{
	struct wf_impact im;

	memset(&im, 0, sizeof im);
	im.money = money;
	if (cur)
		wf_strlcpy(im.currency, cur, sizeof im.currency);
	im.units = units;
	im.orders = orders;
	return im;
}

/* ---- the formula ---------------------------------------------------------- */

TEST(priority_bounds)
{
	struct wf_impact im = impact(0, NULL, 0, 0);

	EQ_INT(wf_exception_priority(&im, T0), 0);
	im = impact(WF_MONEY_MAX, "EUR", WF_JSON_INT_MAX, WF_JSON_INT_MAX);
	im.has_due = 1;
	im.due_at = T0 - 30 * DAY;
	EQ_INT(wf_exception_priority(&im, T0), 100);
}

TEST(priority_documented_example)
{
	/* EUR 250.00, 2 orders, 3 units, due in 2 days: 20 + 8 + 6 + 15 */
	struct wf_impact im = impact(25000, "EUR", 3, 2);

	im.has_due = 1;
	im.due_at = T0 + 2 * DAY;
	EQ_INT(wf_exception_priority(&im, T0), 49);
}

/* The due part at its documented thresholds (24 h, 3 d, 7 d, 14 d), exactly
 * at each and one second either side: "under 24 hours" is 20 at 23:59:59
 * and 15 at 24:00:00. */
TEST(priority_due_thresholds_to_the_second)
{
	static const struct { int64_t left; int want; } cases[] = {
		{ 14 * DAY + 1, 0 }, { 14 * DAY, 0 }, { 14 * DAY - 1, 5 },
		{ 7 * DAY + 1, 5 }, { 7 * DAY, 5 }, { 7 * DAY - 1, 10 },
		{ 3 * DAY + 1, 10 }, { 3 * DAY, 10 }, { 3 * DAY - 1, 15 },
		{ DAY + 1, 15 }, { DAY, 15 }, { DAY - 1, 20 },
		{ 1, 20 }, { 0, 25 }, { -1, 25 }, { -30 * DAY, 25 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct wf_impact im = impact(0, NULL, 0, 0);
		int p;
		im.has_due = 1;
		im.due_at = T0 + cases[i].left;
		if ((p = wf_exception_priority(&im, T0)) != cases[i].want)
			FAILF("due in %lld s: priority %d, expected %d",
			    (long long)cases[i].left, p, cases[i].want);
		unit_checks++;
	}
}

/* Each step of money, orders and units, exactly at it and one below. */
TEST(priority_steps_exactly_at_each)
{
	static const int64_t money[] = { 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000 };
	static const int64_t orders[] = { 1, 2, 5, 10, 20 };
	static const int64_t units[] = { 1, 3, 10, 30, 100 };
	size_t i;

	for (i = 0; i < 10; i++) {
		struct wf_impact at = impact(money[i] * 100, "EUR", 0, 0);
		struct wf_impact below = impact(money[i] * 100 - 1, "EUR", 0, 0);
		EQ_INT(wf_exception_priority(&at, T0), 4 * (int)(i + 1));
		EQ_INT(wf_exception_priority(&below, T0), 4 * (int)i);
	}
	/* JPY has no minor units: 1000 yen is 1000 whole units */
	{
		struct wf_impact yen = impact(1000, "JPY", 0, 0);
		EQ_INT(wf_exception_priority(&yen, T0), 28);
	}
	for (i = 0; i < 5; i++) {
		struct wf_impact at = impact(0, NULL, 0, orders[i]);
		struct wf_impact below = impact(0, NULL, 0, orders[i] - 1);
		EQ_INT(wf_exception_priority(&at, T0), 4 * (int)(i + 1));
		EQ_INT(wf_exception_priority(&below, T0), 4 * (int)i);
	}
	for (i = 0; i < 5; i++) {
		struct wf_impact at = impact(0, NULL, units[i], 0);
		struct wf_impact below = impact(0, NULL, units[i] - 1, 0);
		EQ_INT(wf_exception_priority(&at, T0), 3 * (int)(i + 1));
		EQ_INT(wf_exception_priority(&below, T0), 3 * (int)i);
	}
}

TEST(priority_rises_with_each_part)
{
	static const int64_t money[] = { 0, 99, 100, 300, 1000, 3000, 10000, 30000,
		100000, 300000, 1000000, 3000000, 10000000 };
	int64_t n;
	size_t i;
	int last = -1, p;

	for (i = 0; i < sizeof money / sizeof money[0]; i++) {
		struct wf_impact im = impact(money[i], "EUR", 0, 0);
		p = wf_exception_priority(&im, T0);
		if (p < last)
			FAILF("money %lld gave %d after %d", (long long)money[i], p, last);
		last = p;
	}
	EQ_INT(last, 40);
	for (last = -1, n = 0; n <= 25; n++) {
		struct wf_impact im = impact(0, NULL, 0, n);
		p = wf_exception_priority(&im, T0);
		CHECK(p >= last);
		last = p;
	}
	EQ_INT(last, 20);
	for (last = -1, n = 0; n <= 120; n++) {
		struct wf_impact im = impact(0, NULL, n, 0);
		p = wf_exception_priority(&im, T0);
		CHECK(p >= last);
		last = p;
	}
	EQ_INT(last, 15);
}

TEST(priority_overdue_outranks_due_soon_outranks_due_later)
{
	static const int64_t due[] = { -DAY, 0, 12 * HOUR, 2 * DAY, 5 * DAY, 10 * DAY,
		20 * DAY };
	static const int want[] = { 25, 25, 20, 15, 10, 5, 0 };
	struct wf_impact none = impact(1000, "EUR", 1, 1);
	size_t i;

	for (i = 0; i < sizeof due / sizeof due[0]; i++) {
		struct wf_impact im = impact(1000, "EUR", 1, 1);
		im.has_due = 1;
		im.due_at = T0 + due[i];
		EQ_INT(wf_exception_priority(&im, T0) - wf_exception_priority(&none, T0),
		    want[i]);
	}
}

TEST(priority_money_counts_whole_units_of_its_currency)
{
	struct wf_impact eur = impact(10000, "EUR", 0, 0);    /* 100.00 EUR */
	struct wf_impact jpy = impact(100, "JPY", 0, 0);      /* 100 JPY */
	struct wf_impact cents = impact(99, "EUR", 0, 0);     /* 0.99 EUR */

	EQ_INT(wf_exception_priority(&eur, T0), wf_exception_priority(&jpy, T0));
	EQ_INT(wf_exception_priority(&cents, T0), 0);
}

TEST(priority_is_deterministic)
{
	struct wf_impact im = impact(123456, "USD", 7, 3);

	im.has_due = 1;
	im.due_at = T0 + 30 * HOUR;
	EQ_INT(wf_exception_priority(&im, T0), wf_exception_priority(&im, T0));
}

/* ---- keys ----------------------------------------------------------------- */

TEST(parse_key)
{
	char key[WF_EXCEPTION_KEYLEN];
	int64_t id = 0;

	wf_exception_key(key, 12);
	EQ_STR(key, "EX-12");

	EQ_INT(wf_exception_parse_key(&id, "EX-12"), 0);
	EQ_INT(id, 12);
	EQ_INT(wf_exception_parse_key(&id, "ex-7"), 0);
	EQ_INT(id, 7);
	EQ_INT(wf_exception_parse_key(&id, "EX-0"), WF_EUSAGE);
	EQ_INT(wf_exception_parse_key(&id, "EX-"), WF_EUSAGE);
	EQ_INT(wf_exception_parse_key(&id, "12"), WF_EUSAGE);
	EQ_INT(wf_exception_parse_key(&id, "EX-12x"), WF_EUSAGE);
	EQ_INT(wf_exception_parse_key(&id, "EX-99999999999999999999"), WF_EUSAGE);
	HAS_STR(wf_error_msg(), "expected an exception key like EX-12");
}

/* ---- raise and clear ------------------------------------------------------ */

TEST(raise_twice_updates_the_one_exception)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result = NULL;
	int64_t id1 = 0, id2 = 0;

	if (db == NULL)
		return;
	EQ_INT(wf_exception_raise(db, &id1, &result, &r), 0);
	EQ_STR(result, "created");
	wf_db_set_now(db, T0 + HOUR);
	r.impact.units = 3;
	EQ_INT(wf_exception_raise(db, &id2, &result, &r), 0);
	EQ_STR(result, "updated");
	EQ_INT(id2, id1);
	EQ_STR(q(db, "SELECT count(*) FROM exception"), "1");
	EQ_STR(q(db, "SELECT times_seen || ' ' || last_seen_at || ' ' || opened_at"
	    " FROM exception"), "2 2026-11-20T10:00:00Z 2026-11-20T09:00:00Z");
	EQ_STR(q(db, "SELECT group_concat(action, ',') FROM event"), "create,raise");
	EQ_STR(q(db, "SELECT data FROM event WHERE action = 'raise'"),
	    "{\"times_seen\":2,\"priority\":26,\"priority_fixed\":false,\"impact\":"
	    "{\"money\":\"59.80\",\"currency\":\"EUR\",\"units\":3,\"orders\":1,"
	    "\"due_at\":null}}");
	close_db(db);
}

TEST(raise_identical_again_only_counts)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_raise(db, &id, &result, &r), 0);
	EQ_STR(result, "updated");
	EQ_STR(q(db, "SELECT data FROM event WHERE action = 'raise'"), "{\"times_seen\":2}");
	close_db(db);
}

TEST(raise_keeps_state_owner_and_snooze)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_assign(db, "EX-1", "ann", NULL), 0);
	EQ_INT(wf_exception_snooze(db, "EX-1", T0 + DAY, NULL), 0);
	r.owner = "route-bot";
	EQ_INT(wf_exception_raise(db, &id, &result, &r), 0);
	EQ_STR(result, "updated");
	EQ_STR(q(db, "SELECT owner || ' ' || state || ' ' || snoozed_until FROM exception"),
	    "ann snoozed 2026-11-21T09:00:00Z");
	close_db(db);
}

TEST(raise_reopens_resolved_and_dismissed)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_resolve(db, "EX-1", "stock arrived", NULL), 0);
	EQ_STR(q(db, "SELECT state || ' ' || resolved_at || ' ' || resolution FROM exception"),
	    "resolved 2026-11-20T09:00:00Z stock arrived");
	wf_db_set_now(db, T0 + DAY);
	EQ_INT(wf_exception_raise(db, &id, &result, &r), 0);
	EQ_STR(result, "reopened");
	EQ_INT(id, 1);
	EQ_STR(q(db, "SELECT state || ' ' || coalesce(resolved_at, '-') || ' ' ||"
	    " coalesce(resolution, '-') || ' ' || times_seen || ' ' || opened_at"
	    " FROM exception"), "open - - 2 2026-11-20T09:00:00Z");
	EQ_STR(q(db, "SELECT from_state || '>' || to_state FROM event"
	    " WHERE action = 'reopen'"), "resolved>open");
	EQ_INT(wf_exception_dismiss(db, "EX-1", "not ours", NULL), 0);
	EQ_INT(wf_exception_raise(db, &id, &result, &r), 0);
	EQ_STR(result, "reopened");
	EQ_STR(q(db, "SELECT count(*) FROM exception"), "1");
	close_db(db);
}

TEST(raise_fixes_priority_only_when_given)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	r.has_priority = 1;
	r.priority = 90;
	wf_exception_raise(db, &id, &result, &r);
	EQ_STR(q(db, "SELECT priority || ' ' || priority_fixed FROM exception"), "90 1");
	r.has_priority = 0;
	wf_exception_raise(db, &id, &result, &r);
	EQ_STR(q(db, "SELECT priority || ' ' || priority_fixed FROM exception"), "23 0");
	close_db(db);
}

TEST(raise_refuses_bad_fields_and_writes_nothing)
{
	wf_db *db = open_db();
	struct wf_raise r;
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	r = unroutable("shop:1001");
	r.kind = "no spaces";
	EQ_INT(wf_exception_raise(db, &id, &result, &r), WF_EINPUT);
	HAS_STR(wf_error_msg(), "kind:");
	r = unroutable("shop:1001");
	r.subject_type = "widget";
	EQ_INT(wf_exception_raise(db, &id, &result, &r), WF_EINPUT);
	HAS_STR(wf_error_msg(), "unknown record type 'widget'");
	r = unroutable("shop:1001");
	r.impact.currency[0] = '\0';
	EQ_INT(wf_exception_raise(db, &id, &result, &r), WF_EINPUT);
	HAS_STR(wf_error_msg(), "impact.currency");
	r = unroutable("shop:1001");
	r.next_action = "  ";
	EQ_INT(wf_exception_raise(db, &id, &result, &r), WF_EINPUT);
	r = unroutable("shop:1001");
	r.has_priority = 1;
	r.priority = 101;
	EQ_INT(wf_exception_raise(db, &id, &result, &r), WF_EINPUT);
	EQ_STR(q(db, "SELECT count(*) FROM exception"), "0");
	EQ_STR(q(db, "SELECT count(*) FROM event"), "0");
	close_db(db);
}

TEST(clear_resolves_once_then_says_why_not)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	EQ_INT(wf_exception_clear(db, &id, &result, "unroutable", "order", "shop:1001",
	    "routed"), 0);
	EQ_STR(result, "not_found");
	EQ_INT(id, 0);
	wf_exception_raise(db, &id, &result, &r);
	wf_db_set_actor(db, "wf-route");
	EQ_INT(wf_exception_clear(db, &id, &result, "unroutable",
	    "order", "shop:1001", "routed to BER"), 0);
	EQ_STR(result, "resolved");
	EQ_INT(id, 1);
	EQ_STR(q(db, "SELECT state || ' ' || resolution FROM exception"),
	    "resolved routed to BER");
	EQ_STR(q(db, "SELECT actor || ' ' || data FROM event WHERE action = 'resolve'"),
	    "wf-route {\"note\":\"routed to BER\"}");
	EQ_INT(wf_exception_clear(db, &id, &result, "unroutable", "order", "shop:1001",
	    "again"), 0);
	EQ_STR(result, "already_resolved");
	EQ_STR(q(db, "SELECT count(*) FROM event WHERE action = 'resolve'"), "1");
	EQ_INT(wf_exception_clear(db, &id, &result, "unroutable", "order", "shop:1001",
	    ""), WF_EUSAGE);
	close_db(db);
}

TEST(clear_leaves_dismissed_alone)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	wf_exception_dismiss(db, "EX-1", "test order", NULL);
	EQ_INT(wf_exception_clear(db, &id, &result, "unroutable", "order", "shop:1001",
	    "routed"), 0);
	EQ_STR(result, "already_dismissed");
	EQ_STR(q(db, "SELECT resolution FROM exception"), "test order");
	close_db(db);
}

/* ---- transitions ---------------------------------------------------------- */

TEST(illegal_transition_is_refused_and_names_the_legal_ones)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_ack(db, "EX-1", NULL), 0);
	EQ_INT(wf_exception_ack(db, "EX-1", NULL), WF_EREFUSED);
	EQ_STR(wf_error_msg(), "exception EX-1: cannot ack when acknowledged "
	    "(legal from acknowledged: start, snooze, resolve, dismiss)");
	EQ_STR(q(db, "SELECT state FROM exception"), "acknowledged");
	EQ_INT(wf_exception_ack(db, "EX-2", NULL), WF_ENOTFOUND);
	EQ_INT(wf_exception_resolve(db, "EX-1", " ", NULL), WF_EUSAGE);
	EQ_INT(wf_exception_snooze(db, "EX-1", T0, NULL), WF_EUSAGE);
	EQ_STR(q(db, "SELECT count(*) FROM event"), "2");
	close_db(db);
}

TEST(snooze_runs_out_and_raise_sees_it_open)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_snooze(db, "EX-1", T0 + HOUR, NULL), 0);
	EQ_STR(q(db, "SELECT state || ' ' || snoozed_until FROM exception"),
	    "snoozed 2026-11-20T10:00:00Z");
	wf_db_set_now(db, T0 + 2 * HOUR);
	EQ_INT(wf_exception_raise(db, &id, &result, &r), 0);
	EQ_STR(result, "updated");
	EQ_STR(q(db, "SELECT state || ' ' || coalesce(snoozed_until, '-') FROM exception"),
	    "open -");
	EQ_STR(q(db, "SELECT actor || ' ' || at || ' ' || from_state || '>' || to_state"
	    " FROM event WHERE action = 'wake'"),
	    "wf-alert 2026-11-20T11:00:00Z snoozed>open");
	EQ_STR(wf_db_actor(db), "tester");
	close_db(db);
}

TEST(refresh_wakes_and_reprioritises_once)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	long long woken, repri;
	int64_t id;

	if (db == NULL)
		return;
	r.impact.has_due = 1;
	r.impact.due_at = T0 + 10 * DAY;
	wf_exception_raise(db, &id, &result, &r);
	EQ_STR(q(db, "SELECT priority FROM exception"), "28");
	wf_exception_snooze(db, "EX-1", T0 + DAY, NULL);
	wf_db_set_now(db, T0 + 9 * DAY + 12 * HOUR);
	EQ_INT(wf_exception_refresh(db, &woken, &repri), 0);
	EQ_INT(woken, 1);
	EQ_INT(repri, 1);
	EQ_STR(q(db, "SELECT state || ' ' || priority FROM exception"), "open 43");
	EQ_STR(q(db, "SELECT actor || ' ' || data FROM event WHERE action = 'reprioritise'"),
	    "wf-alert {\"priority\":43,\"previous_priority\":28,"
	    "\"due_at\":\"2026-11-30T09:00:00Z\"}");
	EQ_INT(wf_exception_refresh(db, &woken, &repri), 0);
	EQ_INT(woken + repri, 0);
	EQ_STR(q(db, "SELECT count(*) FROM event"), "4");
	close_db(db);
}

TEST(assign_is_an_event_and_the_same_owner_is_not)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	int64_t id;

	if (db == NULL)
		return;
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_exception_assign(db, "EX-1", "ann", NULL), 0);
	EQ_INT(wf_exception_assign(db, "EX-1", "ann", NULL), 0);
	EQ_STR(q(db, "SELECT group_concat(data, ' ') FROM event WHERE action = 'assign'"),
	    "{\"owner\":\"ann\",\"previous_owner\":\"ops\"}");
	EQ_STR(q(db, "SELECT state FROM exception"), "open");
	EQ_INT(wf_exception_assign(db, "EX-1", "", NULL), WF_EUSAGE);
	close_db(db);
}

TEST(invariants_hold_through_a_life_and_catch_damage)
{
	wf_db *db = open_db();
	struct wf_raise r = unroutable("shop:1001");
	const char *result;
	long long n = -1;
	wf_out *out;
	FILE *devnull = fopen("/dev/null", "w");
	int64_t id;

	if (db == NULL || devnull == NULL)
		return;
	wf_out_new(&out, devnull, WF_FMT_JSONL);
	wf_exception_raise(db, &id, &result, &r);
	wf_exception_ack(db, "EX-1", NULL);
	wf_exception_snooze(db, "EX-1", T0 + HOUR, NULL);
	wf_db_set_now(db, T0 + 2 * HOUR);
	wf_exception_start(db, "EX-1", NULL);
	wf_exception_resolve(db, "EX-1", "done", NULL);
	wf_exception_raise(db, &id, &result, &r);
	EQ_INT(wf_check_run(db, &n, out, NULL), 0);
	EQ_INT(n, 0);
	sqlite3_exec(wf_db_handle(db), "UPDATE exception SET priority = 3,"
	    " resolution = 'stale'", NULL, NULL, NULL);
	EQ_INT(wf_check_run(db, &n, out, "exception."), 0);
	EQ_INT(n, 2);
	wf_out_free(out);
	fclose(devnull);
	close_db(db);
}
