/*
 * wf_db_sqlite.h - the SQLite handle behind a wf_db, for tests only.
 *
 * libwf's own files never include this: db.c is the only one that calls
 * the engine.  Unit tests and fuzz drivers that look at the database behind
 * libwf's back (to corrupt it, or to dump every table) take the handle here.
 */
#ifndef WF_DB_SQLITE_H
#define WF_DB_SQLITE_H

#include "wf_db.h"

/* The sqlite3 * of DB (as void *, so this header needs no sqlite3.h). */
void *wf_db_handle(wf_db *db);

#endif
