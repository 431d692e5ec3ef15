/* The database layer (wf_db.h) as SQLite configures it: statements that
 * change many pages of a file database in WAL mode, as migrations do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "wf.h"

/* A file database made by wf init in a fresh directory; *dir receives it. */
static wf_db *
file_db(char dir[64], char path[96])
{
	const char *result;
	wf_db *db = NULL;
	int from;

	strcpy(dir, "/tmp/wf-unit-db-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		FAILF("mkdtemp failed");
		return NULL;
	}
	snprintf(path, 96, "%s/t.db", dir);
	if (wf_db_open(&db, path, WF_DB_CREATE) != 0 || wf_db_init(db, &result, &from) != 0) {
		FAILF("cannot create %s: %s", path, wf_error_msg());
		return NULL;
	}
	return db;
}

static void
remove_db(const char *dir, const char *path)
{
	char p[128];

	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

/* SQLite 3.40.1 failed DROP TABLE of a table of some megabytes with
 * "database or disk is full" once the statement journal was allowed to
 * grow in memory past 256 KiB before spilling to a file: migration 20
 * failed so on a database of 100k SKUs.  The statement journal keeps
 * SQLite's default spill size now; this drops a 5 MB table made in an
 * earlier transaction, as a migration does. */
TEST(drop_table_of_megabytes_in_a_transaction)
{
	char dir[64], path[96];
	wf_db *db = file_db(dir, path);

	if (db == NULL)
		return;
	EQ_INT(wf_tx_begin(db), 0);
	EQ_INT(wf_db_exec(db, "CREATE TABLE big (a INTEGER PRIMARY KEY, b TEXT);"
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
	    " INSERT INTO big SELECT i, printf('%040d', i) FROM n;"), 0);
	EQ_INT(wf_tx_commit(db), 0);
	EQ_INT(wf_tx_begin(db), 0);
	if (wf_db_exec(db, "DROP TABLE big") != 0)
		FAILF("DROP TABLE: %s", wf_error_msg());
	EQ_INT(wf_tx_commit(db), 0);
	wf_db_close(db);
	remove_db(dir, path);
}
