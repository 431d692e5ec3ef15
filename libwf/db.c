/* db.c - open, check, migrate, transactions, statement cache. */
#include <errno.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wf_db.h"
#include "wf_db_sqlite.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_time.h"

#define MAX_DEPTH 32

struct stmt_slot {
	const char   *sql;
	sqlite3_stmt *st;
};

/* A wf_stmt is a sqlite3_stmt: the type only keeps the engine out of the
 * headers. */
#define S(st) ((sqlite3_stmt *)(void *)(st))
#define W(st) ((wf_stmt *)(void *)(st))

struct wf_db {
	sqlite3  *h;
	char     *path;
	char     *actor;
	int64_t   now;
	int       dry_run;
	wf_out   *out;
	int       depth;
	int       whole_from;           /* levels from here on are no savepoints (0: none) */
	int       broken;               /* such a level was rolled back */
	unsigned  plain;                /* bit N: level N+1 is not a savepoint */
	int       reading;              /* inside wf_tx_begin_read() */
	int       committed;            /* a transaction with changes committed */
	int64_t   changes_at_begin;     /* total changes when the outermost began */
	long long marks[MAX_DEPTH];
	int       busy_ms;              /* $WF_BUSY_TIMEOUT */
	int64_t   busy_since;           /* when the current wait began (ms, monotonic) */
	struct stmt_slot *cache;
	size_t    ncache, capcache;     /* open addressing, capcache a power of 2 */
	struct prof *prof;              /* $WF_PROFILE: NULL when unset */
	struct memo_slot *memo;         /* wf_db_memo_find: open addressing, */
	size_t    nmemo, capmemo;       /* capmemo a power of 2 */
	wf_buf    memo_keys;            /* each key: its kind, its bytes, NUL */
};

int
wf_db_path(wf_buf *out, const char *cli)
{
	const char *env;

	wf_buf_reset(out);
	if (cli && *cli)
		return wf_buf_adds(out, cli);
	if ((env = getenv("WF_DB")) && *env)
		return wf_buf_adds(out, env);
	if ((env = getenv("XDG_DATA_HOME")) && env[0] == '/')
		return wf_buf_addf(out, "%s/wf/wf.db", env);
	if ((env = getenv("HOME")) && *env)
		return wf_buf_addf(out, "%s/.local/share/wf/wf.db", env);
	return wf_error_set(WF_ENODB,
	    "no database path: set --db, $WF_DB or $HOME");
}

int
wf_db_path_is_default(const char *cli)
{
	const char *env = getenv("WF_DB");

	return !(cli && *cli) && !(env && *env);
}

int
wf_actor_resolve(wf_buf *out, const char *cli)
{
	const char *a = cli;
	struct passwd *pw;
	size_t i;

	wf_buf_reset(out);
	if (a == NULL || *a == '\0')
		a = getenv("WF_ACTOR");
	if (a == NULL || *a == '\0')
		a = getenv("LOGNAME");
	if ((a == NULL || *a == '\0') && (pw = getpwuid(geteuid())) != NULL)
		a = pw->pw_name;
	if (a == NULL || *a == '\0')
		return wf_buf_addf(out, "uid:%ld", (long)geteuid());
	if (strlen(a) > 64)
		return wf_error_set(WF_EUSAGE, "actor '%.20s...' is longer than 64 bytes", a);
	for (i = 0; a[i]; i++)
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
			return wf_error_set(WF_EUSAGE, "actor has control characters");
	if (!wf_utf8_valid(a, strlen(a)))
		return wf_error_set(WF_EUSAGE, "actor is not valid UTF-8");
	return wf_buf_adds(out, a);
}

int
wf_db_err(wf_db *db, int rc, const char *what)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
	const char *path = db && db->path ? db->path : "the database";
	/* "what: " unless WHAT is the path itself (errors while opening) */
	const char *w = strcmp(what, path) == 0 ? "" : what;
	const char *sep = *w ? ": " : "";

	if ((rc & 0xff) == SQLITE_IOERR && db && db->h &&
	    sqlite3_system_errno(db->h) == ENOSPC)
		rc = SQLITE_FULL;       /* e.g. the -shm file could not grow */
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return wf_error_set(WF_EBUSY,
		    "%s: database is busy (locked by another process); safe to retry", what);
	case SQLITE_FULL:
		return wf_error_set(WF_EIO,
		    "%s%scannot write to '%s': database or disk is full", w, sep, path);
	case SQLITE_READONLY:
		if (rc == SQLITE_READONLY_DIRECTORY)
			return wf_error_set(WF_EIO, "%s%scannot use '%s': its directory is "
			    "read-only, and WAL mode needs to create '%s-wal' and '%s-shm' there",
			    w, sep, path, path, path);
		if (rc == SQLITE_READONLY)
			return wf_error_set(WF_EIO,
			    "%s%scannot write to '%s': it is read-only", w, sep, path);
		return wf_error_set(WF_EIO, "%s%s'%s': %s", w, sep, path, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_CORRUPT:
		return wf_error_set(WF_EIO, "%s: %s", what, msg);
	case SQLITE_NOTADB:
		return wf_error_set(WF_ENODB, "%s: not a Workform database", what);
	case SQLITE_CONSTRAINT:
		if (strncmp(msg, "wf: ", 4) == 0)
			msg += 4;
		return wf_error_set(WF_EREFUSED, "%s: %s", what, msg);
	case SQLITE_NOMEM:
		return wf_error_set(WF_ENOMEM, "%s: out of memory", what);
	default:
		return wf_error_set(WF_EINTERNAL, "%s: %s", what, msg);
	}
}

int
wf_db_cache(wf_db *db, enum wf_db_cache size)
{
	return wf_db_exec(db, size == WF_CACHE_WALK ? "PRAGMA cache_size = -2000" :
	    "PRAGMA cache_size = -40960");
}

int
wf_db_flush(wf_db *db)
{
	int rc = sqlite3_db_cacheflush(db->h);

	return rc == SQLITE_OK ? 0 : wf_db_err(db, rc, "database");
}

int
wf_db_exec(wf_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : wf_db_err(db, rc, "database");
}

/* ---- statement cache ------------------------------------------------------- */

static size_t
slot_of(const char *sql, size_t cap)
{
	uintptr_t k = (uintptr_t)sql;

	k ^= k >> 17;
	k *= 0x9E3779B97F4A7C15ull;
	return (size_t)(k >> 7) & (cap - 1);
}

static int
cache_grow(wf_db *db)
{
	size_t cap = db->capcache ? db->capcache * 2 : 128, i;
	struct stmt_slot *n = calloc(cap, sizeof *n);

	if (n == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	for (i = 0; i < db->capcache; i++) {
		size_t j;
		if (db->cache[i].sql == NULL)
			continue;
		for (j = slot_of(db->cache[i].sql, cap); n[j].sql; j = (j + 1) & (cap - 1))
			;
		n[j] = db->cache[i];
	}
	free(db->cache);
	db->cache = n;
	db->capcache = cap;
	return 0;
}

/* SQL on one line of F (the debug files below). */
static void
put_sql_line(FILE *f, const char *sql)
{
	for (; *sql; sql++)
		fputc(*sql == '\n' ? ' ' : *sql, f);
	fputc('\n', f);
}

/* $WF_PLANS: a file that each statement's query plan is appended to when it
 * is first prepared, for test/plans.bats to prove that the queries the tools
 * run on big databases search an index instead of reading a whole table.
 * The SQL on one line after "SQL: ", then the plan's steps indented.  For
 * tests only: nothing else reads it, and a failure to write it is ignored. */
static void
trace_plan(wf_db *db, const char *sql)
{
	static const char eqp[] = "EXPLAIN QUERY PLAN ";
	const char *path = getenv("WF_PLANS");
	sqlite3_stmt *st;
	size_t n;
	char *q;
	FILE *f;

	if (path == NULL || *path == '\0')
		return;
	n = strlen(sql) + 1;
	if ((q = malloc(sizeof eqp - 1 + n)) == NULL)
		return;
	memcpy(q, eqp, sizeof eqp - 1);
	memcpy(q + sizeof eqp - 1, sql, n);
	if (sqlite3_prepare_v2(db->h, q, -1, &st, NULL) == SQLITE_OK) {
		if ((f = fopen(path, "a")) != NULL) {
			fputs("SQL: ", f);
			put_sql_line(f, sql);
			while (sqlite3_step(st) == SQLITE_ROW)
				fprintf(f, "  %s\n", (const char *)sqlite3_column_text(st, 3));
			fclose(f);
		}
		sqlite3_finalize(st);
	}
	free(q);
}

/* $WF_PROFILE: a file that, when the connection closes, gets one line per
 * statement the tools ran: the wall-clock milliseconds SQLite spent in it,
 * how many times it ran, the pages it read into the page cache (cache
 * misses: reads from the file or the WAL) and those it wrote out of it
 * (spilled or committed), then its SQL, most milliseconds first.  The
 * pages are the connection's counts between one statement's end and the
 * next's, so a statement that runs while another steps (a cursor held
 * open) shares them.  For finding where a long run's time goes
 * (bench/README.md); nothing reads it, and a failure to keep or write it
 * is ignored. */
struct prof_row {
	char       *text;       /* a copy: a statement may be finalized before the dump */
	int64_t     ns, runs, misses, writes;
};
struct prof {
	char            *path;
	struct prof_row *row;
	size_t           nrow, caprow;
	int              misses, writes;  /* the connection's counts at the last statement */
};

static void
prof_counts(sqlite3 *h, int *misses, int *writes)
{
	int hi;

	*misses = *writes = 0;
	sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_MISS, misses, &hi, 0);
	sqlite3_db_status(h, SQLITE_DBSTATUS_CACHE_WRITE, writes, &hi, 0);
}

static int
prof_trace(unsigned type, void *ctx, void *p, void *x)
{
	wf_db *db = ctx;
	struct prof *pf = db->prof;
	const char *sql = sqlite3_sql(p);
	int misses, writes;
	size_t i;

	if (type != SQLITE_TRACE_PROFILE || sql == NULL)
		return 0;
	prof_counts(db->h, &misses, &writes);
	for (i = 0; i < pf->nrow; i++)
		if (strcmp(pf->row[i].text, sql) == 0)   /* an address may be reused */
			break;
	if (i == pf->nrow) {
		if (pf->nrow == pf->caprow) {
			size_t cap = pf->caprow ? 2 * pf->caprow : 64;
			struct prof_row *r = realloc(pf->row, cap * sizeof *r);
			if (r == NULL)
				return 0;
			pf->row = r;
			pf->caprow = cap;
		}
		memset(&pf->row[i], 0, sizeof pf->row[i]);
		if ((pf->row[i].text = strdup(sql)) == NULL)
			return 0;
		pf->nrow++;
	}
	pf->row[i].ns += (int64_t)*(sqlite3_uint64 *)x;
	pf->row[i].runs++;
	pf->row[i].misses += misses - pf->misses;
	pf->row[i].writes += writes - pf->writes;
	pf->misses = misses;
	pf->writes = writes;
	return 0;
}

static void
prof_start(wf_db *db)
{
	const char *path = getenv("WF_PROFILE");

	if (path == NULL || *path == '\0' || (db->prof = calloc(1, sizeof *db->prof)) == NULL)
		return;
	if ((db->prof->path = strdup(path)) == NULL) {
		free(db->prof);
		db->prof = NULL;
		return;
	}
	sqlite3_trace_v2(db->h, SQLITE_TRACE_PROFILE, prof_trace, db);
}

static int
prof_cmp(const void *a, const void *b)
{
	const struct prof_row *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void
prof_dump(wf_db *db)
{
	struct prof *pf = db->prof;
	FILE *f;
	size_t i;

	if (pf == NULL)
		return;
	sqlite3_trace_v2(db->h, 0, NULL, NULL);
	if (pf->nrow > 1)
		qsort(pf->row, pf->nrow, sizeof pf->row[0], prof_cmp);
	if ((f = fopen(pf->path, "a")) != NULL) {
		fprintf(f, "%10s %9s %9s %9s  sql\n", "ms", "runs", "misses", "writes");
		for (i = 0; i < pf->nrow; i++) {
			fprintf(f, "%10.1f %9lld %9lld %9lld  ", (double)pf->row[i].ns / 1e6,
			    (long long)pf->row[i].runs, (long long)pf->row[i].misses,
			    (long long)pf->row[i].writes);
			put_sql_line(f, pf->row[i].text);
		}
		fclose(f);
	}
	for (i = 0; i < pf->nrow; i++)
		free(pf->row[i].text);
	free(pf->row);
	free(pf->path);
	free(pf);
	db->prof = NULL;
}

int
wf_db_stmt(wf_db *db, wf_stmt **out, const char *sql)
{
	sqlite3_stmt *st;
	size_t j;
	int rc;

	if ((db->ncache + 1) * 2 > db->capcache && cache_grow(db) != 0)
		return WF_ENOMEM;
	for (j = slot_of(sql, db->capcache); db->cache[j].sql; j = (j + 1) & (db->capcache - 1))
		if (db->cache[j].sql == sql) {
			st = db->cache[j].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			*out = W(st);
			return 0;
		}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return wf_db_err(db, rc, "prepare");
	trace_plan(db, sql);
	db->cache[j].sql = sql;
	db->cache[j].st = st;
	db->ncache++;
	*out = W(st);
	return 0;
}

int
wf_db_step(wf_db *db, wf_stmt *st)
{
	int rc = sqlite3_step(S(st));

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		sqlite3_reset(S(st));
		return 0;
	}
	rc = wf_db_err(db, sqlite3_extended_errcode(db->h), "database");
	sqlite3_reset(S(st));
	return rc;
}

int
wf_db_done(wf_db *db, wf_stmt *st)
{
	int rc;

	while ((rc = wf_db_step(db, st)) == 1)
		;
	sqlite3_reset(S(st));
	return rc;
}

int64_t
wf_db_last_id(wf_db *db)
{
	return (int64_t)sqlite3_last_insert_rowid(db->h);
}

int64_t
wf_db_changes(wf_db *db)
{
	return (int64_t)sqlite3_changes64(db->h);
}

int
wf_tx_changed(wf_db *db)
{
	return db->depth > 0 &&
	    (int64_t)sqlite3_total_changes64(db->h) != db->changes_at_begin;
}

const char *
wf_db_engine(void)
{
	static char v[64];

	if (v[0] == '\0')
		snprintf(v, sizeof v, "SQLite %s", sqlite3_libversion());
	return v;
}

void
wf_stmt_reset(wf_stmt *st)
{
	sqlite3_reset(S(st));
}

void
wf_stmt_clear(wf_stmt *st)
{
	sqlite3_clear_bindings(S(st));
}

int
wf_stmt_params(wf_stmt *st)
{
	return sqlite3_bind_parameter_count(S(st));
}

int
wf_bind_int(wf_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(S(st), i, (sqlite3_int64)v);
}

int
wf_bind_null(wf_stmt *st, int i)
{
	return sqlite3_bind_null(S(st), i);
}

int
wf_bind_text(wf_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(S(st), i, s, -1, SQLITE_TRANSIENT)
	    : sqlite3_bind_null(S(st), i);
}

int
wf_bind_textn(wf_stmt *st, int i, const char *s, size_t n)
{
	if (n > 0x7fffffff)
		return SQLITE_TOOBIG;
	return sqlite3_bind_text(S(st), i, s, (int)n, SQLITE_TRANSIENT);
}

int
wf_bind_time(wf_stmt *st, int i, int64_t t)
{
	char buf[WF_TIME_LEN];

	wf_time_format(t, buf);
	return sqlite3_bind_text(S(st), i, buf, -1, SQLITE_TRANSIENT);
}

int
wf_bind_opt_int(wf_stmt *st, int i, int has, int64_t v)
{
	return has ? sqlite3_bind_int64(S(st), i, v) : sqlite3_bind_null(S(st), i);
}

int
wf_bind_static(wf_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(S(st), i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(S(st), i);
}

int
wf_db_done_static(wf_db *db, wf_stmt *st)
{
	int rc = wf_db_done(db, st);

	sqlite3_clear_bindings(S(st));
	return rc;
}

int64_t
wf_col_int(wf_stmt *st, int i)
{
	return (int64_t)sqlite3_column_int64(S(st), i);
}

int
wf_col_null(wf_stmt *st, int i)
{
	return sqlite3_column_type(S(st), i) == SQLITE_NULL;
}

const char *
wf_col_text(wf_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(S(st), i);

	return s ? (const char *)s : "";
}

const char *
wf_col_str(wf_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(S(st), i);
}

/* ---- open ------------------------------------------------------------------ */

static int
pragma_int(wf_db *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return wf_db_err(db, rc, db->path);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else if (rc != SQLITE_DONE) {
		rc = wf_db_err(db, rc, db->path);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

static int
busy_timeout(int *ms)
{
	const char *env = getenv("WF_BUSY_TIMEOUT");
	char *end;
	long v;

	*ms = 5000;
	if (env == NULL || *env == '\0')
		return 0;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno || *end || v < 0 || v > 3600000)
		return wf_error_set(WF_EUSAGE,
		    "$WF_BUSY_TIMEOUT: expected milliseconds from 0 to 3600000, got '%.20s'", env);
	*ms = (int)v;
	return 0;
}

/* SQLite's busy handler: try the lock again every millisecond until the
 * timeout.  SQLite's own sleeps longer and longer, up to 100 ms between
 * tries, and SQLite has no queue for its lock: a writer that commits and
 * begins again at once (wf-route --apply, between its transactions) left a
 * gap that such a waiter almost never hit, and it failed busy however long
 * it was willing to wait. */
static int
busy_wait(void *arg, int tries)
{
	wf_db *db = arg;
	struct timespec ms = { 0, 1000000 };
	int64_t now = wf_time_mono_ms();

	if (tries == 0)
		db->busy_since = now;
	if (now - db->busy_since >= db->busy_ms)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}

void
wf_db_yield(wf_db *db)
{
	/* 10 ms: a waiter polls every millisecond, but on a loaded machine
	 * (two cores, more runnable processes) it may not be scheduled within
	 * a shorter gap and would wait out its whole timeout.  A long --apply
	 * commits four times a second, so this costs it 4%. */
	struct timespec ms = { 0, 10000000 };

	(void)db;
	nanosleep(&ms, NULL);
}

/* mkdir -p of PATH's directory (for wf init on a new machine). */
static int
make_parents(const char *path)
{
	wf_buf dir = {0};
	size_t i;
	int rc = 0;

	if (wf_buf_adds(&dir, path) != 0)
		return WF_ENOMEM;
	for (i = 1; i < dir.len && rc == 0; i++) {
		if (dir.p[i] != '/')
			continue;
		dir.p[i] = '\0';
		if (mkdir(dir.p, 0700) != 0 && errno != EEXIST)
			rc = wf_error_set(WF_EIO, "cannot create directory '%s': %s",
			    dir.p, strerror(errno));
		dir.p[i] = '/';
	}
	wf_buf_free(&dir);
	return rc;
}

/* Why a file cannot be created at PATH: its directory's errno for writing,
 * or ENOENT when the directory looks writable. */
static int
dir_errno(const char *path)
{
	const char *slash = strrchr(path, '/');
	wf_buf dir = {0};
	int err = ENOENT;

	if (slash == NULL ? wf_buf_adds(&dir, ".") : slash == path ?
	    wf_buf_adds(&dir, "/") : wf_buf_add(&dir, path, (size_t)(slash - path)))
		return err;
	if (access(dir.p, W_OK | X_OK) != 0)
		err = errno;
	wf_buf_free(&dir);
	return err;
}

/* Process-wide SQLite settings, made once before SQLite initialises itself
 * (when something else in the process has already initialised it, they are
 * refused and SQLite keeps its own).
 *
 * No bulk page-cache allocation: SQLite gives every page cache it opens --
 * including the ephemeral table behind each CHECK (x IN (...)) of the
 * schema, which every INSERT into orders, movement and event builds afresh
 * -- an initial block of 20 pages (about 84 KiB) and touches each one.  A
 * large import opens millions of them, and freeing the block gave the heap
 * back to the kernel each time. */
static void
config_sqlite(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
	/* The statement journal, written by every INSERT that fires the
	 * balance triggers or checks a foreign key, stays in memory up to
	 * 128 KiB before it spills to a temporary file.  With SQLite's
	 * default (64 KiB) it spilled, and stayed a file for the rest of the
	 * transaction: `wf-stock apply` of 100k movements took 3.9-4.0 s
	 * against 2.7-3.2 s, and routing about twice as long.  128 KiB is as
	 * fast as the 1 MiB this was before (apply 2.7-3.2 s against
	 * 2.8-3.1 s, routing 100k orders 7.6-8.1 s against 7.6-7.9 s), and
	 * it is what SQLite 3.40.1 can take: past 131,073 bytes (132,000
	 * failed) these fail with "database or disk is full", no system call
	 * having failed, inside a transaction: a DROP TABLE or DROP INDEX
	 * (migration 20 failed so on a database of 100k SKUs), and emptying
	 * or filling again a temporary table of 20,000 rows or more (the
	 * scans' snapshot tables).  test/unit/test_db.c does each.
	 * SQLite's configuration is the process's, set before its first
	 * connection: the first open decides. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 128 << 10);
	/* No memory statistics: with them every allocation SQLite makes takes
	 * a mutex and updates counters, 4% of a routing run's instructions,
	 * and nothing here reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
wf_db_open(wf_db **out, const char *path, unsigned flags)
{
	int create = (flags & WF_DB_CREATE) != 0;
	int rc, appid = 0, version = 0, tables = 0, ms, missing;
	const char *open_path = path;
	struct stat st;
	wf_db *db;
	wf_buf actor = {0};

	*out = NULL;
	if ((rc = busy_timeout(&ms)) != 0)
		return rc;
	config_sqlite();
	if (!create && stat(path, &st) != 0) {
		if (errno == ENOENT)
			return wf_error_set(WF_ENODB,
			    "no database at '%s'; create one with 'wf init'", path);
		return wf_error_set(WF_EIO, "cannot open '%s': %s", path, strerror(errno));
	}
	missing = stat(path, &st) != 0;
	if (create && missing && (flags & WF_DB_DRYRUN))
		open_path = ":memory:";         /* a dry run leaves nothing behind */
	else if (create && missing && (flags & WF_DB_PARENTS) && (rc = make_parents(path)) != 0)
		return rc;
	if ((db = calloc(1, sizeof *db)) == NULL || (db->path = strdup(path)) == NULL) {
		free(db);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_time_now(&db->now)) != 0)
		goto fail;
	if ((rc = wf_actor_resolve(&actor, NULL)) != 0 ||
	    (rc = wf_db_set_actor(db, wf_buf_str(&actor))) != 0)
		goto fail;
	rc = sqlite3_open_v2(open_path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    (create ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		/* The file exists (or is being created): not opening it is a
		 * permission or I/O problem, not a missing database. */
		int err = db->h ? sqlite3_system_errno(db->h) : 0;
		if (create && err == ENOENT)
			err = dir_errno(path);  /* SQLite's last try was read-only */
		rc = wf_error_set(rc == SQLITE_CANTOPEN ? WF_EIO : WF_ENODB,
		    "cannot open '%s': %s", path, err ? strerror(err) :
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	db->busy_ms = ms;
	sqlite3_busy_handler(db->h, busy_wait, db);
	prof_start(db);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);

	/* Check what the file is before anything writes to it. */
	if ((rc = pragma_int(db, "PRAGMA application_id", &appid)) != 0 ||
	    (rc = pragma_int(db, "PRAGMA user_version", &version)) != 0 ||
	    (rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables)) != 0) {
		if (rc == WF_ENODB || rc == WF_EINTERNAL)
			rc = wf_error_set(WF_ENODB, "'%s' is not a Workform database", path);
		goto fail;
	}
	if (appid != WF_APPLICATION_ID && !(create && appid == 0 && version == 0 && tables == 0)) {
		rc = wf_error_set(WF_ENODB, "'%s' is not a Workform database%s", path,
		    create ? "; refusing to change it" : "");
		goto fail;
	}
	/* A file that says it is Workform's but whose version is not one a
	 * Workform wrote (0 with tables in it, or negative): migrating it would
	 * run migration 1 over its tables, or index past the list. */
	if (appid == WF_APPLICATION_ID && (version < 0 || (version == 0 && tables > 0))) {
		rc = wf_error_set(WF_ENODB, "'%s' is a damaged Workform database: its schema "
		    "version is %d; restore it from a backup", path, version);
		goto fail;
	}
	if (version > wf_schema_version) {
		rc = wf_error_set(WF_ENODB,
		    "'%s' has schema version %d, newer than this Workform (%d); "
		    "upgrade Workform", path, version, wf_schema_version);
		goto fail;
	}
	if (!create && version < wf_schema_version) {
		rc = wf_error_set(WF_ENODB,
		    "'%s' has schema version %d, older than this Workform (%d); "
		    "run 'wf init' to migrate it", path, version, wf_schema_version);
		goto fail;
	}
	/* cache_size: 40 MiB, so that a batch of any size stays under 64 MiB
	 * of memory (issue 18: wf-order import's bound, flat from 10k to 1M
	 * orders; 1M took 54 MiB, 60 MiB with the SKU keys of 100k SKUs in the
	 * transaction's memo, which holds 6 MiB at most).  With 4 MiB (the
	 * old 16 MiB bound) a large import evicted the pages its indexes and
	 * the foreign keys' look-ups come back to, wrote them to the WAL and
	 * read them again: 977k preads and 545k pwrites for 200k orders,
	 * against 77k and 139k with 32 MiB.
	 * At 1M orders, one run each: 32 MiB 102 s, 40 MiB 93 s, 48 MiB 74 s
	 * but 63.5 MiB of memory, no margin left.  No temp_store
	 * = MEMORY: it keeps the statement journal (written by every INSERT
	 * that fires a trigger or checks a foreign key) in 1 KiB pieces, five
	 * mallocs for each page it saves, 9% of a routing run's instructions;
	 * without it the journal is in memory up to SQLite's spill size (see
	 * config_sqlite) and only a statement that changes more pages than
	 * that spills to a temporary file. */
	if ((rc = wf_db_exec(db, "PRAGMA foreign_keys = ON")) != 0 ||
	    (rc = wf_db_exec(db, "PRAGMA synchronous = FULL")) != 0 ||
	    (rc = wf_db_cache(db, WF_CACHE_BATCH)) != 0 ||
	    (rc = wf_db_exec(db, "PRAGMA trusted_schema = OFF")) != 0)
		goto fail;
	/* A read-only file is still readable in whatever journal mode it has
	 * (a copy made with VACUUM INTO is not in WAL mode). */
	if (appid == WF_APPLICATION_ID && sqlite3_db_readonly(db->h, "main") != 1) {
		int wal = 0;
		/* Setting WAL needs a write lock; only do it when not already set. */
		if ((rc = pragma_int(db, "SELECT journal_mode = 'wal' FROM pragma_journal_mode", &wal)) != 0)
			goto fail;
		if (!wal && (rc = wf_db_exec(db, "PRAGMA journal_mode = WAL")) != 0)
			goto fail;
	}
	wf_buf_free(&actor);
	*out = db;
	return 0;
fail:
	wf_buf_free(&actor);
	wf_db_close(db);
	return rc;
}

int
wf_db_migrate(wf_db *db, const char **result, int *from)
{
	int rc, version = 0, i;
	wf_buf sql = {0};

	if (db->depth == 0)
		return wf_error_set(WF_EINTERNAL, "migrate outside a transaction");
	if ((rc = pragma_int(db, "PRAGMA user_version", &version)) != 0)
		return rc;
	*from = version;
	for (i = version; i < wf_schema_version; i++)
		if ((rc = wf_db_exec(db, wf_migrations[i])) != 0)
			return wf_error_prefix("migration %d", i + 1);
	if (version < wf_schema_version) {
		if ((rc = wf_buf_addf(&sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
		    WF_APPLICATION_ID, wf_schema_version)) != 0 ||
		    (rc = wf_db_exec(db, sql.p)) != 0) {
			wf_buf_free(&sql);
			return rc;
		}
	}
	wf_buf_free(&sql);
	*result = version == wf_schema_version ? "unchanged" : version == 0 ? "created" : "migrated";
	return 0;
}

int
wf_db_wal(wf_db *db)
{
	if (db->dry_run || db->depth != 0)
		return 0;
	return wf_db_exec(db, "PRAGMA journal_mode = WAL");
}

int
wf_db_init(wf_db *db, const char **result, int *from)
{
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_db_migrate(db, result, from)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	if ((rc = wf_tx_commit(db)) != 0)
		return rc;
	return strcmp(*result, "unchanged") != 0 ? wf_db_wal(db) : 0;
}

void
wf_db_close(wf_db *db)
{
	size_t i;

	if (db == NULL)
		return;
	prof_dump(db);
	for (i = 0; i < db->capcache; i++)
		if (db->cache[i].st)
			sqlite3_finalize(db->cache[i].st);
	free(db->cache);
	free(db->memo);
	wf_buf_free(&db->memo_keys);
	if (db->h)
		sqlite3_close(db->h);
	free(db->path);
	free(db->actor);
	free(db);
}

void *
wf_db_handle(wf_db *db)
{
	return db->h;
}

const char *
wf_db_filename(const wf_db *db)
{
	return db->path;
}

int
wf_db_set_actor(wf_db *db, const char *actor)
{
	char *a = strdup(actor);

	if (a == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	free(db->actor);
	db->actor = a;
	return 0;
}

const char *
wf_db_actor(const wf_db *db)
{
	return db->actor;
}

int64_t
wf_db_now(const wf_db *db)
{
	return db->now;
}

void
wf_db_set_now(wf_db *db, int64_t now)
{
	db->now = now;
}

void
wf_db_set_dry_run(wf_db *db, int on)
{
	db->dry_run = on;
}

int
wf_db_dry_run(const wf_db *db)
{
	return db->dry_run;
}

int
wf_db_committed(const wf_db *db)
{
	return db->committed;
}

void
wf_db_set_out(wf_db *db, wf_out *out)
{
	db->out = out;
}

wf_out *
wf_db_out(wf_db *db)
{
	return db->out;
}

/* ---- the transaction's memo ------------------------------------------------ */

struct memo_slot {
	uint32_t hash;
	uint32_t off;                   /* 1 + the key's offset in memo_keys; 0: empty */
	int64_t  val;
};

static uint32_t
memo_hash(int kind, const char *key)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h;
}

/* Empty the memo.  A table much larger than what it holds is given back
 * rather than cleared: under --keep-going every bad line's rollback empties
 * it, and clearing the 4 MiB a large batch grew it to, for the few keys
 * kept since the last one, would cost each such line a pass over it. */
static void
memo_forget(wf_db *db)
{
	if (db->capmemo > 1024 && db->nmemo * 8 < db->capmemo) {
		free(db->memo);
		db->memo = NULL;
		db->capmemo = 0;
	} else if (db->nmemo)
		memset(db->memo, 0, db->capmemo * sizeof *db->memo);
	db->nmemo = 0;
	wf_buf_reset(&db->memo_keys);
}

int
wf_db_memo_find(wf_db *db, int kind, const char *key, int64_t *val)
{
	uint32_t h;
	size_t i;

	if (db->nmemo == 0 || db->depth == 0)
		return 0;
	h = memo_hash(kind, key);
	for (i = h & (db->capmemo - 1); db->memo[i].off; i = (i + 1) & (db->capmemo - 1)) {
		const char *k = db->memo_keys.p + db->memo[i].off - 1;
		if (db->memo[i].hash == h && *k == (char)kind && strcmp(k + 1, key) == 0) {
			*val = db->memo[i].val;
			return 1;
		}
	}
	return 0;
}

/* Put H -> (OFF, VAL) in the first free slot of its chain. */
static void
memo_put(struct memo_slot *t, size_t cap, uint32_t h, uint32_t off, int64_t val)
{
	size_t i;

	for (i = h & (cap - 1); t[i].off; i = (i + 1) & (cap - 1))
		;
	t[i].hash = h;
	t[i].off = off;
	t[i].val = val;
}

void
wf_db_memo_keep(wf_db *db, int kind, const char *key, int64_t val)
{
	size_t len = strlen(key), at, i;
	char k = (char)kind;

	if (db->depth == 0 || len + 2 > WF_MEMO_BYTES)
		return;
	if (db->nmemo >= WF_MEMO_MAX || db->memo_keys.len + len + 2 > WF_MEMO_BYTES)
		memo_forget(db);
	db->memo_keys.max = WF_MEMO_BYTES;
	if ((db->nmemo + 1) * 2 > db->capmemo) {
		/* grow: twice the slots, every key put again by its hash */
		size_t cap = db->capmemo ? db->capmemo * 2 : 1024;
		struct memo_slot *t = calloc(cap, sizeof *t);
		if (t == NULL)
			return;
		for (i = 0; i < db->capmemo; i++)
			if (db->memo[i].off)
				memo_put(t, cap, db->memo[i].hash, db->memo[i].off, db->memo[i].val);
		free(db->memo);
		db->memo = t;
		db->capmemo = cap;
	}
	at = db->memo_keys.len;
	if (wf_buf_add(&db->memo_keys, &k, 1) != 0 ||
	    wf_buf_add(&db->memo_keys, key, len + 1) != 0) {
		db->memo_keys.len = at;
		return;
	}
	memo_put(db->memo, db->capmemo, memo_hash(kind, key), (uint32_t)at + 1, val);
	db->nmemo++;
}

/* ---- transactions ---------------------------------------------------------- */

int
wf_tx_depth(const wf_db *db)
{
	return db->depth;
}

/* The savepoint statements run once or twice per line of a batch: prepared
 * once, from the statement cache, rather than parsed each time. */
static const char sql_savepoint[] = "SAVEPOINT wf";
static const char sql_release[] = "RELEASE wf";
static const char sql_rollback_to[] = "ROLLBACK TO wf";

static int
run_cached(wf_db *db, const char *sql)
{
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	return wf_db_done(db, st);
}

void
wf_tx_all_or_nothing(wf_db *db, int on)
{
	db->whole_from = on ? db->depth + 1 : 0;
}

/* Whether level DEPTH (1 = outermost) runs without a savepoint. */
static int
plain_level(const wf_db *db, int depth)
{
	return depth > 1 && (db->plain & (1u << (depth - 1)));
}

int
wf_tx_begin(wf_db *db)
{
	int rc = 0;

	if (db->depth >= MAX_DEPTH)
		return wf_error_set(WF_EINTERNAL, "transactions nested too deep");
	if (db->reading)
		return wf_error_set(WF_EINTERNAL, "a write inside a read transaction");
	db->plain &= ~(1u << db->depth);
	if (db->depth == 0) {
		db->broken = 0;
		db->changes_at_begin = (int64_t)sqlite3_total_changes64(db->h);
		rc = wf_db_exec(db, "BEGIN IMMEDIATE");
	} else if (db->whole_from && db->depth + 1 >= db->whole_from)
		db->plain |= 1u << db->depth;
	else
		rc = run_cached(db, sql_savepoint);
	if (rc != 0)
		return rc;
	if (db->out) {
		if (db->depth == 0)
			wf_out_hold(db->out);
		db->marks[db->depth] = wf_out_mark(db->out);
	}
	db->depth++;
	return 0;
}

int
wf_tx_begin_read(wf_db *db)
{
	int rc;

	if (db->depth != 0 || db->reading)
		return wf_error_set(WF_EINTERNAL, "a read transaction inside another transaction");
	if ((rc = wf_db_exec(db, "BEGIN")) != 0)
		return rc;
	db->reading = 1;
	return 0;
}

int
wf_tx_end_read(wf_db *db)
{
	if (!db->reading)
		return 0;
	db->reading = 0;
	return sqlite3_get_autocommit(db->h) ? 0 : wf_db_exec(db, "ROLLBACK");
}

int
wf_tx_commit(wf_db *db)
{
	int rc;

	if (db->depth == 0)
		return wf_error_set(WF_EINTERNAL, "commit without a transaction");
	if (db->depth > 1) {
		db->depth--;
		return plain_level(db, db->depth + 1) ? 0 : run_cached(db, sql_release);
	}
	if (db->broken) {
		wf_tx_rollback(db);
		return wf_error_set(WF_EINTERNAL,
		    "part of an all-or-nothing transaction was undone; nothing was written");
	}
	rc = wf_db_exec(db, db->dry_run ? "ROLLBACK" : "COMMIT");
	if (rc != 0) {
		int keep = wf_error_code();
		char msg[1024];
		wf_strlcpy(msg, wf_error_msg(), sizeof msg);
		wf_tx_rollback(db);
		return wf_error_set(keep, "%s", msg);
	}
	db->depth = 0;
	memo_forget(db);
	if (!db->dry_run && (int64_t)sqlite3_total_changes64(db->h) != db->changes_at_begin)
		db->committed = 1;
	if (db->out)
		return wf_out_release(db->out);
	return 0;
}

int
wf_tx_rollback(wf_db *db)
{
	int rc;

	if (db->depth == 0)
		return 0;
	memo_forget(db);        /* it may hold what the undone writes made */
	db->depth--;
	if (db->depth > 0 && sqlite3_get_autocommit(db->h))
		db->depth = 0;          /* SQLite already rolled everything back */
	if (db->depth > 0 && plain_level(db, db->depth + 1)) {
		db->broken = 1;         /* its writes stay until the whole is undone */
		rc = 0;
	} else if (db->depth > 0) {
		/* undoes the levels inside it too, plain ones included */
		if ((rc = run_cached(db, sql_rollback_to)) == 0)
			rc = run_cached(db, sql_release);
		db->broken = 0;
	} else
		rc = sqlite3_get_autocommit(db->h) ? 0 : wf_db_exec(db, "ROLLBACK");
	if (db->out) {
		wf_out_rewind(db->out, db->marks[db->depth]);
		if (db->depth == 0)
			wf_out_release(db->out);
	}
	return rc;
}
