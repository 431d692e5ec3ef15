/* The database layer (wf_db.h) as SQLite configures it: statements that
 * change many pages of a file database in WAL mode, as migrations do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "unit_file_db.h"
#include "wf.h"

/* SQLite 3.40.1 failed DROP TABLE of a table of some megabytes with
 * "database or disk is full" once the statement journal was allowed to
 * grow in memory past 256 KiB before spilling to a file: migration 20
 * failed so on a database of 100k SKUs.  The statement journal keeps
 * SQLite's default spill size now; this drops a 5 MB table made in an
 * earlier transaction, as a migration does. */
TEST(drop_table_of_megabytes_in_a_transaction)
{
	char dir[64], path[128];
	wf_db *db = unit_file_db(dir, path);

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
	unit_file_db_remove(dir, path);
}
