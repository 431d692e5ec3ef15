/* Batches inside a caller's transaction: a batch is a savepoint there, and
 * a failing batch undoes itself, not the caller's work. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "harness.h"
#include "wf.h"
#include "wf_db_sqlite.h"

static wf_out *sink;
static FILE *sink_f;

/* A fresh in-memory database with warehouse BER, writing to /dev/null. */
static wf_db *
open_db(void)
{
	const char *result;
	wf_db *db = NULL;
	struct wf_warehouse_in wh;
	int from;

	if ((sink_f = fopen("/dev/null", "w")) == NULL ||
	    wf_out_new(&sink, sink_f, WF_FMT_JSONL) != 0 ||
	    wf_db_open(&db, ":memory:", WF_DB_CREATE) != 0 ||
	    wf_db_init(db, &result, &from) != 0) {
		FAILF("cannot create a database: %s", wf_error_msg());
		return NULL;
	}
	wf_db_set_out(db, sink);
	memset(&wh, 0, sizeof wh);
	wh.code = "BER";
	if (wf_warehouse_add(db, &wh, sink) != 0)
		FAILF("warehouse add: %s", wf_error_msg());
	return db;
}

static void
close_db(wf_db *db)
{
	wf_db_close(db);
	wf_out_free(sink);
	fclose(sink_f);
}

static long long
count(wf_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(wf_db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
		FAILF("bad test SQL: %s", sql);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Run TEXT through the SKU importer. */
static int
batch(wf_db *db, const char *text, int keep_going)
{
	char buf[512];
	struct wf_batch b;
	FILE *f;
	int rc;

	snprintf(buf, sizeof buf, "%s", text);
	if ((f = fmemopen(buf, strlen(buf), "r")) == NULL) {
		FAILF("fmemopen");
		return WF_EINTERNAL;
	}
	memset(&b, 0, sizeof b);
	b.in = f;
	b.name = "stdin";
	b.keep_going = keep_going;
	rc = wf_batch_run(db, &b, wf_sku_import_line, NULL);
	fclose(f);
	return rc;
}

#define GOOD "{\"sku\":\"A-1\"}\n{\"sku\":\"B-1\"}\n"
#define BAD  "{\"sku\":\"A-1\"}\n{\"sku\":\"B-1\",\"price\":1.5}\n"

TEST(batch_alone_commits)
{
	wf_db *db = open_db();

	EQ_INT(batch(db, GOOD, 0), 0);
	EQ_INT(wf_tx_depth(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 2);
	close_db(db);
}

TEST(failing_batch_keeps_the_callers_transaction)
{
	wf_db *db = open_db();
	struct wf_warehouse_in wh;

	EQ_INT(wf_tx_begin(db), 0);
	memset(&wh, 0, sizeof wh);
	wh.code = "MUC";
	EQ_INT(wf_warehouse_add(db, &wh, sink), 0);
	EQ_INT(batch(db, BAD, 0), WF_EINPUT);
	HAS_STR(wf_error_msg(), "stdin:2: price:");
	HAS_STR(wf_error_msg(), "(nothing applied)");
	/* the batch is gone; the caller's warehouse and transaction are not */
	EQ_INT(wf_tx_depth(db), 1);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 2);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 2);
	close_db(db);
}

TEST(good_batch_is_part_of_the_callers_transaction)
{
	wf_db *db = open_db();

	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(batch(db, GOOD, 0), 0);
	EQ_INT(wf_tx_depth(db), 1);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 2);
	EQ_INT(wf_tx_rollback(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 0);
	close_db(db);
}

TEST(keep_going_inside_a_transaction_drops_only_the_bad_line)
{
	wf_db *db = open_db();

	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(batch(db, BAD, 1), WF_EINPUT);
	EQ_STR(wf_error_msg(), "1 bad line skipped; 1 applied");
	EQ_INT(wf_tx_depth(db), 1);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 1);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 1);
	close_db(db);
}

/* All or nothing: inner transactions are part of the outer one. */

static int
add_wh(wf_db *db, const char *code)
{
	struct wf_warehouse_in wh;

	memset(&wh, 0, sizeof wh);
	wh.code = code;
	return wf_warehouse_add(db, &wh, sink);
}

TEST(all_or_nothing_keeps_inner_work_that_commits)
{
	wf_db *db = open_db();

	EQ_INT(wf_tx_begin(db), 0);
	wf_tx_all_or_nothing(db, 1);
	EQ_INT(add_wh(db, "MUC"), 0);
	EQ_INT(add_wh(db, "MAD"), 0);
	wf_tx_all_or_nothing(db, 0);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 3);
	close_db(db);
}

TEST(all_or_nothing_refuses_to_commit_after_an_inner_rollback)
{
	wf_db *db = open_db();

	EQ_INT(wf_tx_begin(db), 0);
	wf_tx_all_or_nothing(db, 1);
	EQ_INT(add_wh(db, "MUC"), 0);
	/* an inner level that is undone cannot take its writes back ... */
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(add_wh(db, "MAD"), 0);
	EQ_INT(wf_tx_rollback(db), 0);
	wf_tx_all_or_nothing(db, 0);
	/* ... so the whole is refused and nothing is written */
	EQ_INT(wf_tx_commit(db), WF_EINTERNAL);
	HAS_STR(wf_error_msg(), "nothing was written");
	EQ_INT(wf_tx_depth(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 1);
	/* and the next transaction starts clean */
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(add_wh(db, "MUC"), 0);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 2);
	close_db(db);
}

TEST(a_savepoint_around_all_or_nothing_undoes_it_cleanly)
{
	wf_db *db = open_db();

	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(add_wh(db, "MUC"), 0);
	EQ_INT(wf_tx_begin(db), 0);             /* a real savepoint */
	wf_tx_all_or_nothing(db, 1);
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(add_wh(db, "MAD"), 0);
	EQ_INT(wf_tx_rollback(db), 0);
	wf_tx_all_or_nothing(db, 0);
	EQ_INT(wf_tx_rollback(db), 0);          /* undoes MAD with it */
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse WHERE code = 'MAD'"), 0);
	EQ_INT(count(db, "SELECT count(*) FROM warehouse"), 2);
	close_db(db);
}

/* A record source that is not JSON: records from a list, one of them a
 * line error, named by the lines the source gives. */
struct fake {
	const char *const *skus;        /* NULL: a line error there */
	int n, i;
};

static int
fake_read(void *ctx, cJSON **obj, long *line)
{
	struct fake *f = ctx;

	if (f->i == f->n)
		return 0;
	*line = 10 * (f->i + 1);
	if (f->skus[f->i++] == NULL)
		return wf_error_set(WF_EINPUT, "fake:%ld: not a record", *line);
	*obj = cJSON_CreateObject();
	cJSON_AddStringToObject(*obj, "sku", f->skus[f->i - 1]);
	return 1;
}

static int
from_source(wf_db *db, struct fake *f, int keep_going)
{
	struct wf_batch b;

	memset(&b, 0, sizeof b);
	b.name = "fake";
	b.keep_going = keep_going;
	b.source = fake_read;
	b.source_ctx = f;
	return wf_batch_run(db, &b, wf_sku_import_line, NULL);
}

TEST(a_source_feeds_the_batch_its_records_and_lines)
{
	static const char *const good[] = { "S-1", "S-2" };
	static const char *const bad[] = { "S-3", "", "S-4" };
	struct fake f = { good, 2, 0 };
	wf_db *db = open_db();

	EQ_INT(from_source(db, &f, 0), 0);
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 2);
	/* a bad record is named by the line the source gave */
	f = (struct fake){ bad, 3, 0 };
	EQ_INT(from_source(db, &f, 0), WF_EINPUT);
	HAS_STR(wf_error_msg(), "fake:20: sku: must not be empty (nothing applied)");
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 2);
	close_db(db);
}

TEST(a_sources_line_error_is_skipped_under_keep_going)
{
	static const char *const skus[] = { "S-1", NULL, "S-2" };
	struct fake f = { skus, 3, 0 };
	wf_db *db = open_db();

	EQ_INT(from_source(db, &f, 1), WF_EINPUT);
	HAS_STR(wf_error_msg(), "1 bad line skipped; 2 applied");
	EQ_INT(count(db, "SELECT count(*) FROM sku"), 2);
	close_db(db);
}
