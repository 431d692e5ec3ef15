/*
 * wf_db.h - the database: where it is, opening it, migrations, transactions.
 *
 * A wf_db is one open database plus the session facts every change needs:
 * the actor, the clock reading for this command, the dry-run flag, and the
 * output that is held back until the transaction that produced it commits.
 *
 * Settings at open (design.md): WAL, busy_timeout ($WF_BUSY_TIMEOUT ms,
 * default 5000; the lock is tried again every millisecond), foreign keys on, synchronous FULL, defensive mode,
 * trusted_schema off.  application_id and user_version are checked before
 * anything is written.  Only wf_db_open(..., WF_DB_CREATE) followed by
 * wf_db_init() creates or migrates a database.
 *
 * Writes happen between wf_tx_begin() and wf_tx_commit()/wf_tx_rollback().
 * The outermost level is BEGIN IMMEDIATE, so a writer waits for the lock up
 * front (busy past the timeout is WF_EBUSY) and never fails half-way on a
 * stale snapshot.  Inner levels are savepoints, which is how batches with
 * --keep-going drop one bad line and keep the rest.
 *
 * Ownership: wf_db_close() frees everything the wf_db owns; the wf_out given
 * to wf_db_set_out() stays the caller's.
 */
#ifndef WF_DB_H
#define WF_DB_H

#include <stddef.h>
#include <stdint.h>

#include "wf_buf.h"
#include "wf_out.h"

#define WF_APPLICATION_ID 0x57466f72    /* "WFor" */

extern const char *const wf_migrations[];
extern const int wf_schema_version;

typedef struct wf_db wf_db;

/* A prepared statement.  Every one belongs to its wf_db's statement cache
 * (wf_db_stmt()) and lives until wf_db_close(); callers never free one.
 * Record modules read and write only through the wf_stmt, wf_bind_* and
 * wf_col_* calls below: db.c is the only file that knows the engine, the
 * seam a second backend plugs into. */
typedef struct wf_stmt wf_stmt;

/* Resolve the database path: CLI (--db), else $WF_DB, else
 * $XDG_DATA_HOME/wf/wf.db, else $HOME/.local/share/wf/wf.db.  Writes it to
 * OUT.  Returns 0 or WF_ENODB when no home directory can be found. */
int wf_db_path(wf_buf *out, const char *cli);

/* Whether the path comes from neither --db (CLI) nor $WF_DB, but is the
 * default location, whose directories wf init may create (1 or 0). */
int wf_db_path_is_default(const char *cli);

#define WF_DB_CREATE 0x1        /* wf init: create the file if missing */
#define WF_DB_DRYRUN 0x2        /* with CREATE: a missing file is not created;
                                   the work happens in memory */
#define WF_DB_PARENTS 0x4       /* with CREATE: make the file's missing
                                   directories (the default location only) */

/* Open PATH.  Without WF_DB_CREATE a missing file, a file that is not a
 * Workform database, or one whose schema is older or newer than this
 * library is refused with WF_ENODB (message names 'wf init' where that
 * helps).  With WF_DB_CREATE an empty or missing file is accepted so that
 * wf_db_init() can create it; a newer schema is still refused.  Returns 0,
 * WF_ENODB, WF_EBUSY, WF_EIO or WF_EUSAGE (bad $WF_BUSY_TIMEOUT/$WF_NOW). */
int wf_db_open(wf_db **db, const char *path, unsigned flags);

/* Create or migrate to the current schema.  *result is "created",
 * "migrated" or "unchanged"; *from is the version found.  Idempotent. */
int wf_db_init(wf_db *db, const char **result, int *from);

/* The migrations of wf_db_init(), inside the caller's open transaction, so
 * that more can happen in it; after it commits, wf_db_wal() puts a new or
 * migrated database in WAL mode (no transaction may be open for that; a
 * dry run leaves the mode alone). */
int wf_db_migrate(wf_db *db, const char **result, int *from);
int wf_db_wal(wf_db *db);

void        wf_db_close(wf_db *db);
const char *wf_db_filename(const wf_db *db);

/* Session facts.  The actor is copied.  now is fixed at open from
 * wf_time_now() so every record one command writes carries one time. */
int         wf_db_set_actor(wf_db *db, const char *actor);
const char *wf_db_actor(const wf_db *db);
int64_t     wf_db_now(const wf_db *db);
void        wf_db_set_now(wf_db *db, int64_t now);
void        wf_db_set_dry_run(wf_db *db, int on);
int         wf_db_dry_run(const wf_db *db);
/* Whether a transaction that changed the database has committed since the
 * open (1 or 0): the change is there whatever happens after. */
int         wf_db_committed(const wf_db *db);
void        wf_db_set_out(wf_db *db, wf_out *out);
wf_out     *wf_db_out(wf_db *db);

/* Resolve the actor: CLI (--actor), else $WF_ACTOR, else the login name.
 * Returns 0, or WF_EUSAGE when the name is empty, too long (> 64 bytes) or
 * has control characters. */
int wf_actor_resolve(wf_buf *out, const char *cli);

/* Between two write transactions of a long run: sleep 10 ms, so that a
 * writer waiting for the lock (trying it every millisecond, see the busy
 * handler in db.c) takes it before the run begins again. */
void wf_db_yield(wf_db *db);

/* Transactions.  begin: BEGIN IMMEDIATE at the outermost level, else a
 * savepoint.  commit: COMMIT (or, under dry-run, ROLLBACK) at the outermost
 * level and then release the held output; an inner commit releases the
 * savepoint.  rollback: undo to the matching begin and drop the output
 * emitted since.  Each returns 0 or a WF_E* code. */
int wf_tx_begin(wf_db *db);
int wf_tx_commit(wf_db *db);
int wf_tx_rollback(wf_db *db);
int wf_tx_depth(const wf_db *db);

/* All or nothing: while on, transactions begun inside the current one are
 * not savepoints but part of it.  For a caller that abandons the whole
 * transaction on any failure (a batch without --keep-going), which saves
 * SQLite a savepoint and a copy of every page it touches per line.  An inner
 * rollback then cannot undo its writes: it marks the transaction broken, and
 * the outermost commit refuses a broken transaction (rolls it back, returns
 * WF_EINTERNAL), so no partial work is ever committed.  Turning it off
 * (ON 0) takes effect for transactions begun after. */
void wf_tx_all_or_nothing(wf_db *db, int on);

/* A memo of look-ups for the current write transaction: a value found by
 * a key (KIND says which look-up: WF_MEMO_SKU, a SKU's id by its code or
 * alias) that cannot change while the transaction lasts.  It is emptied
 * when the outermost transaction commits and at every rollback (the only
 * ways out of one), so it never holds what a rolled-back write made;
 * outside a write transaction nothing is kept or found.
 * wf_db_memo_find: 1 with *VAL set when KEY is kept, else 0.
 * wf_db_memo_keep: keep KEY -> VAL.  A memo is only a saving: short of
 * memory, or past WF_MEMO_MAX keys or WF_MEMO_BYTES of them (then it
 * starts again empty), it keeps less, and never fails.  It takes 6 MiB at
 * most: 4 MiB of slots and the keys' bytes. */
enum { WF_MEMO_SKU = 1 };
#define WF_MEMO_MAX   131072
#define WF_MEMO_BYTES (2u << 20)
int  wf_db_memo_find(wf_db *db, int kind, const char *key, int64_t *val);
void wf_db_memo_keep(wf_db *db, int kind, const char *key, int64_t val);

/* A read transaction, for commands that read much and write nothing (a
 * routing plan): BEGIN (deferred), so every read until wf_tx_end_read()
 * sees one snapshot of the database without taking the write lock.  Only
 * outside any other transaction (else WF_EINTERNAL); output is not held;
 * nothing may be written inside it (wf_tx_begin() fails until it ends).
 * wf_tx_end_read() ends it (ROLLBACK: nothing can have changed) and is a
 * no-op when none is open.  Each returns 0 or a WF_E* code. */
int wf_tx_begin_read(wf_db *db);
int wf_tx_end_read(wf_db *db);

/* A cached prepared statement for SQL (keyed by the pointer, so pass string
 * literals), reset and with bindings cleared.  Returns 0 or WF_EINTERNAL. */
int wf_db_stmt(wf_db *db, wf_stmt **st, const char *sql);

/* Step ST: 1 for a row, 0 when done, or a WF_E* code for an error (the
 * statement is reset on done and error). */
int wf_db_step(wf_db *db, wf_stmt *st);

/* Step a statement that returns no rows (INSERT, UPDATE, DELETE) to its
 * end: 0 or a WF_E* code; the statement is reset either way. */
int wf_db_done(wf_db *db, wf_stmt *st);

/* Run SQL that takes no parameters and returns no rows. */
int wf_db_exec(wf_db *db, const char *sql);

/* The page cache DB keeps from now on.  WF_CACHE_BATCH, what wf_db_open()
 * sets (40 MiB: a batch's writes come back to the pages of their indexes;
 * see db.c).  WF_CACHE_WALK, SQLite's own 2 MiB, for a walk that reads
 * each page once: a larger cache buys it nothing and costs it the
 * allocation and first touch of every page it holds (the 100k stock scan
 * took 0.84-1.23 s with it against 1.24-1.41 s, and 10 MiB against 50;
 * bench/README.md).  Returns 0 or an error. */
enum wf_db_cache { WF_CACHE_BATCH, WF_CACHE_WALK };
int wf_db_cache(wf_db *db, enum wf_db_cache size);

/* Inside a write transaction: write the pages it has changed so far to the
 * WAL, uncommitted, and keep them in the page cache as clean pages.  The
 * transaction stays whole: a rollback still undoes them, and no other
 * connection sees them before the commit.  SQLite never evicts a changed
 * page, only clean ones, so a long transaction whose changed pages fill
 * the cache keeps recycling the few clean pages it also reads (the SKUs a
 * batch of orders looks up, the rows its foreign keys check) and reads
 * them again and again; once written, the changed pages are evicted
 * least recently used first like any other (wf_batch_run).  Returns 0 or
 * an error. */
int wf_db_flush(wf_db *db);

/* Map an engine result code to a WF_E* code with a message prefixed by WHAT:
 * busy -> WF_EBUSY, full/IO/read-only -> WF_EIO, constraint -> WF_EREFUSED,
 * not-a-database -> WF_ENODB, else WF_EINTERNAL. */
int wf_db_err(wf_db *db, int rc, const char *what);

/* The id of the last inserted row. */
int64_t wf_db_last_id(wf_db *db);

/* The number of rows the last INSERT, UPDATE or DELETE changed. */
int64_t wf_db_changes(wf_db *db);

/* Whether the open outermost transaction has changed any row so far (1 or
 * 0; 0 outside a transaction). */
int wf_tx_changed(wf_db *db);

/* The database engine and its version, for --version: "SQLite 3.40.1". */
const char *wf_db_engine(void);

/* End a statement's run early (after reading the rows wanted), so that it
 * holds no read lock and can be stepped from the start again. */
void wf_stmt_reset(wf_stmt *st);
/* Clear every binding of ST (to NULL). */
void wf_stmt_clear(wf_stmt *st);
/* The number of the highest parameter ST takes (?N). */
int wf_stmt_params(wf_stmt *st);

/* Bindings, by parameter number (?1 is 1).  Each returns 0, or a nonzero
 * engine code when out of memory or the number is out of range. */
int wf_bind_int(wf_stmt *st, int i, int64_t v);
int wf_bind_null(wf_stmt *st, int i);
/* Bind text or NULL (copied). */
int wf_bind_text(wf_stmt *st, int i, const char *s);
/* Bind the first N bytes of S as text (copied). */
int wf_bind_textn(wf_stmt *st, int i, const char *s, size_t n);
/* Bind a time as ISO 8601 text. */
int wf_bind_time(wf_stmt *st, int i, int64_t t);
/* Bind an int64, or NULL when HAS is 0. */
int wf_bind_opt_int(wf_stmt *st, int i, int has, int64_t v);
/* Bind text or NULL without a copy: S must stay unchanged
 * until the statement has run and wf_db_done_static() unbound it.  For
 * statements run once per input line, where the copies showed. */
int wf_bind_static(wf_stmt *st, int i, const char *s);
/* wf_db_done(), then clear every binding, so that no pointer bound by
 * wf_bind_static() outlives the run. */
int wf_db_done_static(wf_db *db, wf_stmt *st);

/* Columns of the current row, by index (the first is 0); valid until the
 * next step or reset. */
/* An integer (0 for NULL). */
int64_t wf_col_int(wf_stmt *st, int i);
/* Whether the column is NULL (1 or 0). */
int wf_col_null(wf_stmt *st, int i);
/* Text, "" for NULL. */
const char *wf_col_text(wf_stmt *st, int i);
/* Text, NULL for NULL. */
const char *wf_col_str(wf_stmt *st, int i);

#endif
