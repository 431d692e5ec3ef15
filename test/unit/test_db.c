/* The database layer (wf_db.h) as SQLite configures it: statements that
 * change many pages of a file database in WAL mode, as migrations do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "unit_file_db.h"
#include "wf.h"

/* SQLite 3.40.1 fails some statements inside a transaction with
 * "database or disk is full", no system call having failed, once the
 * statement journal may grow in memory past 131,073 bytes before it
 * spills to a file (db.c, config_sqlite: every process keeps 128 KiB).
 * With 1 MiB, each of the three tests below failed: migration 20 failed
 * so on a database of 100k SKUs.  The first drops a 5 MB table made in an
 * earlier transaction, as a migration does. */

/* A file database holding table big (100k rows, 5 MB, and index big_b on
 * its text), committed; NULL when it cannot be made (reported). */
static wf_db *
big_db(char dir[64], char path[128])
{
	wf_db *db = unit_file_db(dir, path);

	if (db == NULL)
		return NULL;
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_exec(db, "CREATE TABLE big (a INTEGER PRIMARY KEY, b TEXT);"
	    "CREATE INDEX big_b ON big(b);"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
	    " INSERT INTO big SELECT i, printf('%040d', i) FROM n;"), 0);
	EQ_INT(wf_tx_commit(db), 0);
	return db;
}

TEST(drop_table_of_megabytes_in_a_transaction)
{
	char dir[64], path[128];
	wf_db *db = big_db(dir, path);

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	if (wf_db_exec(db, "DROP TABLE big") != 0)
		FAILF("DROP TABLE: %s", wf_error_msg());
	EQ_INT(wf_tx_commit(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* An index dropped and made again in the transaction that grew its
 * table, as a migration that rebuilds an index after a data change does. */
TEST(drop_index_of_a_table_grown_in_the_same_transaction)
{
	char dir[64], path[128];
	wf_db *db = big_db(dir, path);

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_exec(db, "INSERT INTO big VALUES (0, 'x')"), 0);
	if (wf_db_exec(db, "DROP INDEX big_b") != 0)
		FAILF("DROP INDEX: %s", wf_error_msg());
	else if (wf_db_exec(db, "CREATE INDEX big_b ON big(b)") != 0)
		FAILF("CREATE INDEX: %s", wf_error_msg());
	EQ_INT(wf_tx_commit(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* A temporary table of 200k rows, emptied and filled again in a later
 * transaction, as a second scan in one process would do with its
 * snapshot tables (scan_order.c). */
TEST(temp_table_emptied_and_filled_again)
{
	static const char fill[] =
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
	    " INSERT INTO temp.cand SELECT printf('%020d', i), printf('%040d', i) FROM n";
	char dir[64], path[128];
	wf_db *db = unit_file_db(dir, path);

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_exec(db, "CREATE TEMP TABLE cand (ref TEXT PRIMARY KEY, b TEXT) WITHOUT ROWID"), 0);
	EQ_INT(wf_db_exec(db, fill), 0);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(wf_tx_begin(db), 0);
	if (wf_db_exec(db, "DELETE FROM temp.cand") != 0)
		FAILF("emptying it: %s", wf_error_msg());
	else if (wf_db_exec(db, fill) != 0)
		FAILF("filling it again: %s", wf_error_msg());
	EQ_INT(wf_tx_commit(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* The transaction's memo (wf_db_memo_find): what is kept is found until
 * the transaction ends, under its own kind only. */
TEST(memo_keeps_a_key_for_its_write_transaction_only)
{
	char dir[64], path[128];
	wf_db *db = unit_file_db(dir, path);
	int64_t v = 0;

	if (db == NULL)
		return;
	wf_db_memo_keep(db, WF_MEMO_SKU, "MUG-1", 5);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-1", &v), 0);      /* no transaction */
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-1", &v), 0);
	wf_db_memo_keep(db, WF_MEMO_SKU, "MUG-1", 5);
	wf_db_memo_keep(db, WF_MEMO_SKU, "", 7);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-1", &v), 1);
	EQ_INT(v, 5);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "", &v), 1);
	EQ_INT(v, 7);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-2", &v), 0);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU + 1, "MUG-1", &v), 0);  /* another kind */
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-1", &v), 0);      /* a new transaction */
	EQ_INT(wf_tx_rollback(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* A rollback, of a savepoint too, empties it: it may hold what the undone
 * writes made.  wf_sku_resolve then searches the catalogue again. */
TEST(memo_forgets_at_every_rollback)
{
	char dir[64], path[128];
	wf_db *db = unit_file_db(dir, path);
	int64_t v = 0;

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_tx_begin(db), 0);                                     /* a savepoint */
	EQ_INT(wf_db_exec(db, "INSERT INTO sku (id, code, owner, currency, created_at,"
	    " updated_at) VALUES (9, 'MUG-9', 'u', 'EUR', '2026-11-20T09:00:00Z',"
	    " '2026-11-20T09:00:00Z')"), 0);
	EQ_INT(wf_sku_resolve(db, &v, "MUG-9"), 1);
	EQ_INT(v, 9);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-9", &v), 1);
	EQ_INT(wf_tx_rollback(db), 0);                                  /* the savepoint */
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-9", &v), 0);
	EQ_INT(wf_sku_resolve(db, &v, "MUG-9"), 0);
	EQ_INT(wf_tx_rollback(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* Past WF_MEMO_MAX keys it starts again empty; every key kept since is
 * found, with its own value. */
TEST(memo_starts_again_past_its_limit)
{
	char dir[64], path[128], key[32];
	wf_db *db = unit_file_db(dir, path);
	int64_t v = 0, i, found = 0;

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	for (i = 0; i < WF_MEMO_MAX + 1000; i++) {
		snprintf(key, sizeof key, "SKU-%06lld", (long long)i);
		wf_db_memo_keep(db, WF_MEMO_SKU, key, i * 3);
	}
	for (i = 0; i < WF_MEMO_MAX + 1000; i++) {
		snprintf(key, sizeof key, "SKU-%06lld", (long long)i);
		if (wf_db_memo_find(db, WF_MEMO_SKU, key, &v)) {
			found++;
			if (v != i * 3)
				FAILF("%s: %lld, not %lld", key, (long long)v, (long long)(i * 3));
			if (i < WF_MEMO_MAX)
				FAILF("%s is still kept after the memo started again", key);
		}
	}
	EQ_INT(found, 1000);
	EQ_INT(wf_tx_rollback(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* A memo grown large and then emptied by rollbacks that each follow a
 * few keys (--keep-going's bad lines) gives its table back rather than
 * clearing it: what was kept before is gone either way, and what is kept
 * after is found. */
TEST(memo_emptied_when_grown_large_keeps_working)
{
	char dir[64], path[128], key[32];
	wf_db *db = unit_file_db(dir, path);
	int64_t v = 0, i;

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "SKU-%06lld", (long long)i);
		wf_db_memo_keep(db, WF_MEMO_SKU, key, i);
	}
	for (i = 1; i <= 3; i++) {                      /* three bad lines */
		snprintf(key, sizeof key, "MUG-%lld", (long long)i);
		EQ_INT(wf_tx_begin(db), 0);
		wf_db_memo_keep(db, WF_MEMO_SKU, key, i);
		EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, key, &v), 1);
		EQ_INT(wf_tx_rollback(db), 0);
		EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, key, &v), 0);
	}
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "SKU-000001", &v), 0);
	wf_db_memo_keep(db, WF_MEMO_SKU, "MUG-4", 44);
	EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, "MUG-4", &v), 1);
	EQ_INT(v, 44);
	EQ_INT(wf_tx_commit(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}

/* Long keys: past WF_MEMO_BYTES of them it starts again too, and a key
 * longer than that is never kept. */
TEST(memo_holds_so_many_bytes_of_keys)
{
	char dir[64], path[128], key[1100], num[24];
	wf_db *db = unit_file_db(dir, path);
	int64_t v = 0, i, n = WF_MEMO_BYTES / 1000 + 10, found = 0;
	char *huge;

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	memset(key, 'k', 1000);
	key[1000] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%011lld", (long long)i);
		memcpy(key, num, 11);
		wf_db_memo_keep(db, WF_MEMO_SKU, key, i);
	}
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof num, "%011lld", (long long)i);
		memcpy(key, num, 11);
		found += wf_db_memo_find(db, WF_MEMO_SKU, key, &v) && v == i;
	}
	if (found == 0 || found >= n)
		FAILF("%lld of %lld long keys found: it never started again", (long long)found,
		    (long long)n);
	if ((huge = malloc(WF_MEMO_BYTES + 1)) != NULL) {
		memset(huge, 'h', WF_MEMO_BYTES);
		huge[WF_MEMO_BYTES] = '\0';
		wf_db_memo_keep(db, WF_MEMO_SKU, huge, 1);
		EQ_INT(wf_db_memo_find(db, WF_MEMO_SKU, huge, &v), 0);
		free(huge);
	}
	EQ_INT(wf_tx_rollback(db), 0);
	wf_db_close(db);
	unit_file_db_remove(dir, path);
}
