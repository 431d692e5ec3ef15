/* unit_file_db.h - a database file made by wf init in a fresh temporary
 * directory, for the unit tests that need a file (WAL mode, a second
 * connection), and its removal (include after harness.h). */
#ifndef UNIT_FILE_DB_H
#define UNIT_FILE_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "wf.h"

/* A new database at PATH ("DIR/wf.db"), DIR a fresh directory; both are
 * written here.  NULL (the failure reported) when it cannot be made. */
static wf_db *
unit_file_db(char dir[64], char path[128])
{
	const char *result;
	wf_db *db = NULL;
	int from;

	snprintf(dir, 64, "/tmp/wf-unit-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		FAILF("mkdtemp failed");
		return NULL;
	}
	snprintf(path, 128, "%s/wf.db", dir);
	if (wf_db_open(&db, path, WF_DB_CREATE) != 0 || wf_db_init(db, &result, &from) != 0) {
		FAILF("cannot create %s: %s", path, wf_error_msg());
		return NULL;
	}
	return db;
}

/* Remove the database at PATH, its WAL files and DIR (closed first). */
static void
unit_file_db_remove(const char *dir, const char *path)
{
	char p[160];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

#endif
