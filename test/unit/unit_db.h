/* unit_db.h - a fresh database in memory for a unit test, its output
 * thrown away, at a fixed time and actor (include after harness.h). */
#ifndef UNIT_DB_H
#define UNIT_DB_H

#include <stdio.h>

#include "wf.h"

static wf_out *sink;
static FILE *sink_f;

static wf_db *
unit_db_open(void)
{
	const char *result;
	wf_db *db = NULL;
	int from;

	if ((sink_f = fopen("/dev/null", "w")) == NULL ||
	    wf_out_new(&sink, sink_f, WF_FMT_JSONL) != 0 ||
	    wf_db_open(&db, ":memory:", WF_DB_CREATE) != 0 ||
	    wf_db_init(db, &result, &from) != 0) {
		FAILF("cannot create a database: %s", wf_error_msg());
		return NULL;
	}
	wf_db_set_now(db, 1795165200);
	wf_db_set_actor(db, "unit");
	wf_db_set_out(db, sink);
	return db;
}

static void
unit_db_close(wf_db *db)
{
	wf_db_close(db);
	wf_out_free(sink);
	fclose(sink_f);
}

#endif
