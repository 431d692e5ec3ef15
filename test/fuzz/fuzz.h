/*
 * fuzz.h - what the fuzz targets share.
 *
 * Every target is one LLVMFuzzerTestOneInput().  The same file builds two
 * ways: with clang -fsanitize=fuzzer for `make fuzz`, and with the normal
 * compiler linked to replay.c, which runs saved inputs (the seed corpus and
 * every crash ever found) through it in `make check`.
 *
 * A target asserts properties, not only survival: FUZZ_ASSERT() aborts with
 * the failed condition, which libFuzzer records as a crash and the replay
 * driver as a failed test.
 *
 * Ownership: nothing returned here needs freeing by the caller except where
 * a function says so.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "wf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond))                                                \
			fuzz_fail(__FILE__, __LINE__, #cond);               \
	} while (0)

/* Print "FILE:LINE: invariant failed: COND" (and the last libwf error) and
 * abort. */
void fuzz_fail(const char *file, int line, const char *cond)
	__attribute__((noreturn));

/* Whether two parsed trees are the same: same types, same member names in
 * the same order, strings byte for byte, numbers by their exact lexeme. */
int fuzz_json_equal(const cJSON *a, const cJSON *b);

/* Whether S is one complete JSON number (RFC 8259 grammar). */
int fuzz_json_number(const char *s);

/* Check everything the parser promises about a tree it returned, and run
 * every typed accessor over every member of every object in it; SEED varies
 * the flags and limits.  Aborts through FUZZ_ASSERT on a broken promise. */
void fuzz_json_tree(const cJSON *v, unsigned seed);

/* Whether an error message is safe to print as one line: no C0 or C1
 * control characters and no DEL, raw or encoded. */
int fuzz_msg_safe(const char *m);

/* A copy of N bytes with a NUL after them (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t n);

/* ---- importers (importer.c) ----------------------------------------------- */

/*
 * The importer targets run a whole input through wf_batch_run() on one
 * in-memory database per process, set up once and committed; each input
 * runs inside a transaction of the harness that is rolled back afterwards,
 * so every input starts from the same data.
 *
 * The input's first byte holds flags (FUZZ_STRICT, FUZZ_KEEP_GOING, the rest
 * the target's own); the remaining bytes are the JSON lines ("fuzz:N: ..."
 * in messages).  fuzz_batch() checks, for every importer:
 *  - a line succeeds, or fails with a line error (WF_EINPUT, WF_EREFUSED,
 *    WF_ENOTFOUND) and a printable message; never a usage, database or
 *    internal error;
 *  - every record a line prints is one line of JSON that our own reader
 *    accepts, with "type" first;
 *  - after every line that succeeded, every invariant of `wf check` holds
 *    (the file's integrity, PRAGMA quick_check, once per input);
 *  - an importer that runs in its own savepoint (own_tx) writes and prints
 *    nothing when it fails;
 *  - under keep-going, a dropped line leaves no trace: the next line sees
 *    the database exactly as the last good line left it, and the batch
 *    ends "N bad lines skipped; M applied";
 *  - otherwise a failed batch is named by its line, ends "(nothing
 *    applied)", and leaves the database as it was before the batch, with
 *    the caller's transaction still open;
 *  - after the rollback the database is the starting one again.
 * $FUZZ_VERBOSE set prints each batch's outcome (for checking seeds).
 * The target adds its own properties in ok() (and may run the line again
 * there with fuzz_run_line()).
 */
#define FUZZ_STRICT     0x01
#define FUZZ_KEEP_GOING 0x02

/* One run of a line function, with what it printed parsed. */
struct fuzz_run {
	int        rc;
	long long  printed;      /* records printed (after any rollback inside) */
	cJSON    **rec;          /* on success: the records, parsed */
	size_t     n, cap;
};

struct fuzz_target {
	int  (*setup)(wf_db *db);        /* the starting data; 0 or an error */
	wf_line_fn fn;                   /* the line function under test */
	int   arg_is_out;                /* FN prints to its ARG (a wf_out *) */
	int   own_tx;                    /* FN runs in its own savepoint */
	/* before each line; after a line that succeeded (FIRST: its run); after
	 * one that failed.  Any may be NULL. */
	void (*pre)(wf_db *db, const struct wf_line *l, void *arg);
	void (*ok)(wf_db *db, const struct wf_line *l, void *arg,
	    const struct fuzz_run *first);
	void (*failed)(wf_db *db, const struct wf_line *l, void *arg, int rc,
	    const char *msg);
};

/* Run one input (see above).  ARG goes to the line function. */
int fuzz_batch(const struct fuzz_target *t, void *arg, const uint8_t *data, size_t size);

/* Run T's line function on L once more, capturing its records into R. */
void fuzz_run_line(wf_db *db, const struct fuzz_target *t, void *arg,
    const struct wf_line *l, struct fuzz_run *r);
void fuzz_run_free(struct fuzz_run *r);

/* The process's database, made with SETUP on first use. */
wf_db *fuzz_db(int (*setup)(wf_db *));
/* A hash of every row of every table. */
uint64_t fuzz_db_digest(wf_db *db);
/* Abort, printing the violations, unless every invariant holds: all but
 * the file's integrity (quick_check, costly), or all. */
void fuzz_db_check(wf_db *db);
void fuzz_db_check_all(wf_db *db);

/* Setup helpers: JSON lines through FN (strict; all must apply), and the
 * shared catalogue: warehouses BER and MUC; bins BER/A-01 (pick), BER/B-01
 * (bulk), BER/Q-01 (quarantine), BER/R-01 (returns), MUC/A-01 (pick); SKUs
 * MUG-1, TEE-M, NOC-1 (no cost), OLD-1 (discontinued) in EUR, YEN-1 in JPY,
 * IPOD2008GREEN and IPOD2008BLACK in USD; stock of most of them, some
 * reserved and picked for "manual:1" and "manual:2"; suppliers ACME
 * (active) and SLOW (paused). */
int fuzz_setup_lines(wf_db *db, wf_line_fn fn, void *arg, const char *text);
int fuzz_catalogue(wf_db *db);
/* The catalogue, then generic ORDERS imported and order_event EVENTS
 * applied (both JSON lines). */
int fuzz_setup_orders(wf_db *db, const char *orders, const char *events);
/* Abort unless every string in V, however deep, passes wf_text_check. */
void fuzz_strings_safe(const cJSON *v);

/* The order importers' target (orders.c): FORMAT's lines, flags as above
 * and 0x04 for a channel given on the command line. */
int fuzz_orders(enum wf_order_format format, const uint8_t *data, size_t size);

/* The payout importers' target (payouts.c): FORMAT's export, after a flags
 * byte: FUZZ_STRICT, FUZZ_KEEP_GOING, 0x04 a channel, 0x08 --payout. */
int fuzz_payouts(enum wf_payout_format format, const uint8_t *data, size_t size);

/* Member KEY of O when it is a string, else NULL. */
const char *fuzz_str(const cJSON *o, const char *key);
/* Whether A and B have the same members in the same order, equal except
 * those named in SKIP (NULL-terminated; may be NULL). */
int fuzz_same_except(const cJSON *a, const cJSON *b, const char *const *skip);
/* Print "WHAT: JSON" to stderr (before a failing assertion). */
void fuzz_print(const char *what, const cJSON *v);

#endif
