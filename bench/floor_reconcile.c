/*
 * floor_reconcile.c - the physical floors of wf-reconcile import and match.
 *
 *   bench/floor_reconcile import [DB] < payouts.jsonl
 *   bench/floor_reconcile match [DB]
 *   bench/floor_reconcile payments [DB] < payouts.jsonl     (setup)
 *
 * DB: default $WF_DB.  The input is the generic payout and payout_line
 * records bench/gen writes ("payouts").
 *
 * import: parse each record with cJSON; a line's payout is looked up by its
 * REF and inserted (with its "create" event) the first time; then its
 * payout_line row and its add_line event (the line as JSON, every field
 * the tool's event has).  A payout
 * record sets the payout's amount and arrival, with an update event.  One
 * transaction.  No validation, no idempotency check, no sums, no
 * exceptions, no output.
 *
 * match: read every charge line not linked to an order yet, in id order,
 * and find its order: by the order key it names, else by its payment id
 * (order_payment), else by the tool's own amount and window query (one
 * order only, 7 days); link it (an UPDATE and a link_line event) and move
 * the order's finance from paid to reconciled with its event (the bench's
 * orders have one charge each: nothing to add up).  Then each payout goes
 * to reconciled (two state changes and their events, as the tool's match
 * and reconcile), or to mismatch when a line of it is linked to nothing.
 * One transaction.  No exceptions, no output, no other checks.
 *
 * payments: the setup of the bench database, not a floor: keep each
 * line's payment id pi_N as order N's Stripe payment, as an order import
 * keeps a channel's transaction ids (order_payment).
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NOW "2026-11-20T09:00:00Z"

static sqlite3 *db;

/* ---- import ------------------------------------------------------------------ */

static const char get_payout[] = "SELECT id FROM payout WHERE ref = ?1";
static const char ins_payout[] =
    "INSERT INTO payout (provider, external_id, ref, currency, owner, created_at, updated_at)"
    " VALUES (?1, ?2, ?1 || ':' || ?2, ?3, 'finance', ?4, ?4)";
static const char set_payout[] =
    "UPDATE payout SET amount = ?2, arrival = ?3, updated_at = ?4 WHERE id = ?1";
static const char ins_line[] =
    "INSERT INTO payout_line (provider, provider_id, payout_id, category, currency, gross,"
    " fee, net, order_ref, payment_id, posted_at, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6 - ?7, ?8, ?9, ?10, ?11, ?11)";
static const char ins_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state,"
    " data) VALUES (?1, 'bench', 'payout', ?2, ?3, ?4, NULL, ?5, ?6)";

static sqlite3_stmt *sget, *sins, *sset, *sline, *sev;

static void
event(const char *ref, const char *machine, const char *action, const char *to,
    const char *data)
{
	text(sev, 1, NOW);
	text(sev, 2, ref);
	text(sev, 3, machine);
	text(sev, 4, action);
	text(sev, 5, to);
	text(sev, 6, data);
	run(db, sev);
}

/* The id of payout REF ("stripe:po_1"), inserted when new. */
static int64_t
payout_id(const char *ref, const char *currency)
{
	const char *colon = strchr(ref, ':');
	char prov[64];
	int64_t id;

	text(sget, 1, ref);
	if ((id = lookup(db, sget)) >= 0)
		return id;
	if (colon == NULL || (size_t)(colon - ref) >= sizeof prov)
		die("bad payout '%s'", ref);
	memcpy(prov, ref, (size_t)(colon - ref));
	prov[colon - ref] = '\0';
	text(sins, 1, prov);
	text(sins, 2, colon + 1);
	text(sins, 3, currency);
	text(sins, 4, NOW);
	run(db, sins);
	id = sqlite3_last_insert_rowid(db);
	event(ref, "payout", "create", "imported", "{\"provider\":\"stripe\"}");
	return id;
}

static void
import(void)
{
	long lineno = 0;
	cJSON *o;

	sget = prepare(db, get_payout);
	sins = prepare(db, ins_payout);
	sset = prepare(db, set_payout);
	sline = prepare(db, ins_line);
	sev = prepare(db, ins_event);
	while ((o = next_line(stdin, &lineno)) != NULL) {
		const char *type = jstr(o, "type"), *ref = jstr(o, "payout");
		int64_t pid = payout_id(ref, jstr(o, "currency"));

		if (strcmp(type, "payout") == 0) {
			sqlite3_bind_int64(sset, 1, pid);
			sqlite3_bind_int64(sset, 2, jcents(o, "amount"));
			text(sset, 3, jstr(o, "arrival"));
			text(sset, 4, NOW);
			run(db, sset);
			event(ref, NULL, "update", NULL, "{\"changes\":{\"amount\":null}}");
		} else {
			int64_t n = jcents(o, "gross") - jcents(o, "fee");
			char data[1024], net[32];

			snprintf(net, sizeof net, "%s%lld.%02lld", n < 0 ? "-" : "",
			    (long long)(n < 0 ? -n : n) / 100, (long long)(n < 0 ? -n : n) % 100);

			/* the event holds the line as the tool's does: every field */
			snprintf(data, sizeof data, "{\"payout\":\"%s\",\"provider_id\":\"%s\","
			    "\"category\":\"%s\",\"order\":%s%s%s,\"gross\":\"%s\",\"fee\":\"%s\","
			    "\"net\":\"%s\",\"currency\":\"%s\",\"posted_at\":\"%s\","
			    "\"available_at\":null,\"provider\":\"stripe\",\"provider_type\":null,"
			    "\"status\":null,\"provider_order\":null,\"payment_id\":%s%s%s,"
			    "\"description\":null,\"is_payout\":false,\"net_differs\":false,"
			    "\"unmapped\":false}", ref, jstr(o, "provider_id"), jstr(o, "category"),
			    jstr(o, "order") ? "\"" : "", jstr(o, "order") ? jstr(o, "order") : "null",
			    jstr(o, "order") ? "\"" : "", jstr(o, "gross"), jstr(o, "fee"),
			    net, jstr(o, "currency"), jstr(o, "posted_at"),
			    jstr(o, "payment_id") ? "\"" : "",
			    jstr(o, "payment_id") ? jstr(o, "payment_id") : "null",
			    jstr(o, "payment_id") ? "\"" : "");

			text(sline, 1, "stripe");
			text(sline, 2, jstr(o, "provider_id"));
			sqlite3_bind_int64(sline, 3, pid);
			text(sline, 4, jstr(o, "category"));
			text(sline, 5, jstr(o, "currency"));
			sqlite3_bind_int64(sline, 6, jcents(o, "gross"));
			sqlite3_bind_int64(sline, 7, jcents(o, "fee"));
			text(sline, 8, jstr(o, "order"));
			text(sline, 9, jstr(o, "payment_id"));
			text(sline, 10, jstr(o, "posted_at"));
			text(sline, 11, NOW);
			run(db, sline);
			event(ref, NULL, "add_line", NULL, data);
		}
		cJSON_Delete(o);
	}
	sqlite3_finalize(sget);
	sqlite3_finalize(sins);
	sqlite3_finalize(sset);
	sqlite3_finalize(sline);
	sqlite3_finalize(sev);
}

/* ---- match ------------------------------------------------------------------- */

static const char lines_sql[] =
    "SELECT l.id, l.provider_id, p.ref, l.order_ref, l.payment_id, l.gross, l.currency,"
    " l.posted_at FROM payout_line l JOIN payout p ON p.id = l.payout_id"
    " WHERE l.order_id IS NULL AND l.category = 'charge' ORDER BY l.id";
static const char by_ref[] = "SELECT id FROM orders WHERE ref = ?1";
static const char by_payment[] =
    "SELECT order_id FROM order_payment WHERE provider = 'stripe' AND payment_id = ?1";
static const char by_amount[] =
    "SELECT o.id FROM orders o WHERE o.currency = ?1 AND o.paid = ?2"
    " AND o.placed_at >= strftime('%Y-%m-%dT%H:%M:%SZ', ?3, '-7 days') AND o.placed_at <= ?3"
    " AND NOT EXISTS (SELECT 1 FROM payout_line p WHERE p.order_id = o.id"
    "   AND p.category = 'charge')"
    " ORDER BY o.id LIMIT 2";
static const char link_sql[] = "UPDATE payout_line SET order_id = ?2, updated_at = ?3 WHERE id = ?1";
static const char order_ref[] = "SELECT ref FROM orders WHERE id = ?1";
static const char reconcile_sql[] =
    "UPDATE orders SET finance_state = 'reconciled', updated_at = ?2 WHERE id = ?1";
static const char order_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state,"
    " data) VALUES (?1, 'bench', 'order', ?2, 'finance', 'reconcile', 'paid', 'reconciled', ?3)";
static const char payouts_sql[] =
    "SELECT p.id, p.ref, EXISTS (SELECT 1 FROM payout_line l WHERE l.payout_id = p.id"
    " AND l.order_id IS NULL AND l.category = 'charge') FROM payout p ORDER BY p.ref";
static const char state_sql[] = "UPDATE payout SET state = ?2, updated_at = ?3 WHERE id = ?1";
static const char state_event[] =
    "INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state)"
    " VALUES (?1, 'bench', 'payout', ?2, 'payout', ?3, ?4, ?5)";

static void
match(void)
{
	sqlite3_stmt *sl = prepare(db, lines_sql), *sref = prepare(db, by_ref);
	sqlite3_stmt *spay = prepare(db, by_payment), *samt = prepare(db, by_amount);
	sqlite3_stmt *slink = prepare(db, link_sql), *soref = prepare(db, order_ref);
	sqlite3_stmt *srec = prepare(db, reconcile_sql), *soev = prepare(db, order_event);
	sqlite3_stmt *sp = prepare(db, payouts_sql), *sst = prepare(db, state_sql);
	sqlite3_stmt *sev2 = prepare(db, state_event);
	char data[512], oref[200];
	int rc;

	sev = prepare(db, ins_event);
	while ((rc = sqlite3_step(sl)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sl, 0), oid = -1;
		const char *pref = (const char *)sqlite3_column_text(sl, 2);
		const char *ref = (const char *)sqlite3_column_text(sl, 3);
		const char *pay = (const char *)sqlite3_column_text(sl, 4);
		const char *rule;

		if (ref) {
			text(sref, 1, ref);
			oid = lookup(db, sref);
			rule = "provider_order";
		} else if (pay) {
			text(spay, 1, pay);
			oid = lookup(db, spay);
			rule = "payment_id";
		} else {
			text(samt, 1, (const char *)sqlite3_column_text(sl, 6));
			sqlite3_bind_int64(samt, 2, sqlite3_column_int64(sl, 5));
			text(samt, 3, (const char *)sqlite3_column_text(sl, 7));
			if (sqlite3_step(samt) == SQLITE_ROW) {
				oid = sqlite3_column_int64(samt, 0);
				if (sqlite3_step(samt) == SQLITE_ROW)
					oid = -1;       /* two fit: never guessed */
			}
			sqlite3_reset(samt);
			rule = "amount_window";
		}
		if (oid < 0)
			continue;
		sqlite3_bind_int64(soref, 1, oid);
		if (sqlite3_step(soref) != SQLITE_ROW)
			die("order %lld went", (long long)oid);
		snprintf(oref, sizeof oref, "%s", sqlite3_column_text(soref, 0));
		sqlite3_reset(soref);
		sqlite3_bind_int64(slink, 1, id);
		sqlite3_bind_int64(slink, 2, oid);
		text(slink, 3, NOW);
		run(db, slink);
		snprintf(data, sizeof data, "{\"provider_id\":\"%s\",\"order\":\"%s\",\"rule\":\"%s\"}",
		    sqlite3_column_text(sl, 1), oref, rule);
		event(pref, NULL, "link_line", NULL, data);
		sqlite3_bind_int64(srec, 1, oid);
		text(srec, 2, NOW);
		run(db, srec);
		snprintf(data, sizeof data, "{\"payout_line\":\"stripe:%s\",\"payout\":\"%s\","
		    "\"rule\":\"charges_and_refunds_agree\"}", sqlite3_column_text(sl, 1), pref);
		text(soev, 1, NOW);
		text(soev, 2, oref);
		text(soev, 3, data);
		run(db, soev);
	}
	if (rc != SQLITE_DONE)
		die("%s", sqlite3_errmsg(db));
	sqlite3_reset(sl);
	while ((rc = sqlite3_step(sp)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sp, 0);
		const char *ref = (const char *)sqlite3_column_text(sp, 1);
		int bad = sqlite3_column_int(sp, 2);
		static const char *const steps[2][3] = {
			{ "match", "imported", "matched" }, { "reconcile", "matched", "reconciled" }
		};
		int k;

		for (k = 0; k < (bad ? 1 : 2); k++) {
			sqlite3_bind_int64(sst, 1, id);
			text(sst, 2, bad ? "mismatch" : steps[k][2]);
			text(sst, 3, NOW);
			run(db, sst);
			text(sev2, 1, NOW);
			text(sev2, 2, ref);
			text(sev2, 3, bad ? "mismatch" : steps[k][0]);
			text(sev2, 4, steps[k][1]);
			text(sev2, 5, bad ? "mismatch" : steps[k][2]);
			run(db, sev2);
		}
	}
	if (rc != SQLITE_DONE)
		die("%s", sqlite3_errmsg(db));
	sqlite3_finalize(sl);
	sqlite3_finalize(sref);
	sqlite3_finalize(spay);
	sqlite3_finalize(samt);
	sqlite3_finalize(slink);
	sqlite3_finalize(soref);
	sqlite3_finalize(srec);
	sqlite3_finalize(soev);
	sqlite3_finalize(sp);
	sqlite3_finalize(sst);
	sqlite3_finalize(sev2);
	sqlite3_finalize(sev);
}

/* ---- setup: payment ids ------------------------------------------------------------ */

static void
payments(void)
{
	sqlite3_stmt *st = prepare(db, "INSERT INTO order_payment (order_id, provider, payment_id)"
	    " VALUES (?1, 'stripe', ?2)");
	long lineno = 0;
	cJSON *o;

	while ((o = next_line(stdin, &lineno)) != NULL) {
		const char *pay = jstr(o, "payment_id");

		if (pay && strncmp(pay, "pi_", 3) == 0) {
			sqlite3_bind_int64(st, 1, strtoll(pay + 3, NULL, 10));
			text(st, 2, pay);
			run(db, st);
		}
		cJSON_Delete(o);
	}
	sqlite3_finalize(st);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		die("usage: bench/floor_reconcile import|match|payments [DB]");
	db = bench_open(argc == 3 ? argv[2] : getenv("WF_DB"));
	if (strcmp(argv[1], "import") == 0)
		import();
	else if (strcmp(argv[1], "match") == 0)
		match();
	else if (strcmp(argv[1], "payments") == 0)
		payments();
	else
		die("usage: bench/floor_reconcile import|match|payments [DB]");
	bench_commit(db);
	return 0;
}
