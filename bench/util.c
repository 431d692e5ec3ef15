/* util.c - see util.h. */
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : "?");
}

sqlite3 *
bench_open(const char *path)
{
	sqlite3 *db;

	/* glibc gives freed heap back to the kernel once 128 KiB sit free at
	 * its top, and SQLite's allocations cross that line on every statement:
	 * the brk calls and page faults cost more than the SQL on a virtual
	 * machine.  Keeping the memory is what the physical limit means. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	/* libwf's process-wide settings (config_sqlite in libwf/db.c) */
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	/* libwf spills at 128 KiB, SQLite 3.40.1's limit for DROP and for
	 * temporary tables, which no floor uses; a floor keeps 1 MiB: at 1M
	 * orders floor_route journals more than 128 KiB in one statement, and
	 * the file that spilled cost it 20 s more of system time (89.8 and
	 * 83.0 s against 67.6 and 59.4 s).  wf-route opens no such file. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 1 << 20);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (path == NULL || *path == '\0')
		die("no database: give DB or set $WF_DB");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open '%s'", path);
	sqlite3_busy_timeout(db, 5000);
	/* libwf's pragmas (wf_db_open): the floor runs under the same page
	 * cache and the same memory bound as the tools. */
	exec_sql(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
	    " PRAGMA journal_mode = WAL; PRAGMA cache_size = -40960; BEGIN IMMEDIATE");
	return db;
}

void
bench_commit(sqlite3 *db)
{
	exec_sql(db, "COMMIT");
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
}

sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die("prepare: %s: %s", sqlite3_errmsg(db), sql);
	return st;
}

void
run(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("%s: %s", sqlite3_sql(st), sqlite3_errmsg(db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int64_t
lookup(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	int64_t v = -1;

	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		die("%s: %s", sqlite3_sql(st), sqlite3_errmsg(db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return v;
}

void
text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

cJSON *
next_line(FILE *f, long *lineno)
{
	static char *line;
	static size_t cap;
	ssize_t n;
	cJSON *o;

	if ((n = getline(&line, &cap, f)) < 0) {
		free(line);
		line = NULL;
		cap = 0;
		return NULL;
	}
	++*lineno;
	if ((o = cJSON_ParseWithLength(line, (size_t)n)) == NULL)
		die("line %ld: not JSON", *lineno);
	return o;
}

const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t
jint(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

int64_t
jcents(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);
	int64_t v = 0;
	int places = -1;

	if (s == NULL)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			places = 0;
			continue;
		}
		v = v * 10 + (*s - '0');
		if (places >= 0)
			places++;
	}
	for (places = places < 0 ? 0 : places; places < 2; places++)
		v *= 10;
	return v;
}
