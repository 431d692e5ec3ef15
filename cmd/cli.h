/*
 * cli.h - the command-line driver every wf binary shares.
 *
 * A binary is a table of subcommands; each names its operands, its options
 * and one function that makes one libwf call.  The driver does the rest
 * once: getopt_long over the shared and the command's options, --help and
 * --version, usage errors (exit 2), opening the database (--db, --actor,
 * --format, --dry-run), printing through the writer, errors as "prog: what:
 * why" on stderr, and the exit status of design.md.  The same table feeds
 * --help, the completions (`--commands`) and the man-page tests; the hidden
 * `--complete KIND [PREFIX]` lists keys from the database for the
 * completions (wf_complete.h).
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>

#include "wf.h"

/* What an operand or option value is, for completion. */
enum cli_kind {
	K_NONE, K_TEXT, K_INT, K_MONEY, K_TIME, K_FILE, K_CHOICE, K_SKU,
	K_WAREHOUSE, K_BIN, K_ORDER, K_PO, K_SUPPLIER, K_EXCEPTION, K_RETURN,
	K_SHIPMENT, K_RECORD, K_TOOL, K_OWNER, K_PAYOUT
};

#define O_REQ 0x1       /* the option must be given */

struct cli_opt {
	const char   *name;      /* long name, without "--" */
	enum cli_kind kind;      /* K_NONE: a flag without a value */
	const char   *meta;      /* the value's name in usage: "MONEY" */
	unsigned      flags;
	const char   *choices;   /* K_CHOICE: "a|b|c" */
	const char   *help;
};

/* Command flags. */
#define C_WRITE  0x01   /* changes records: --dry-run */
#define C_NODB   0x02   /* needs no database */
#define C_STDIN  0x04   /* reads JSON lines: --keep-going, --strict */
#define C_CREATE 0x08   /* may create the database (wf init) */
#define C_INPUT  0x10   /* may read records on stdin (its errors are bad
                           input, exit 3), without --keep-going/--strict */

struct cli;

struct cli_cmd {
	const char *name;        /* "sku add"; "" is the default command */
	const char *args;        /* operands in usage: "SKU QTY" */
	int         min, max;    /* operand count; max -1: any */
	unsigned    flags;
	const struct cli_opt *opts;    /* NULL-name-terminated, or NULL */
	int (*run)(struct cli *c);
	const char *help;        /* one line */
	const enum cli_kind *kinds;    /* per operand, for completion; may be NULL */
};

struct cli {
	const char *prog;
	const struct cli_cmd *cmd;
	int    argc;             /* operands */
	char **argv;
	const char **optv;       /* values of cmd->opts, by index ("" for a flag) */
	int    keep_going, strict, dry_run;
	wf_db  *db;
	wf_out *out;
	int    bad_lines;
};

/* Run the binary: parse, open, dispatch, print, and return the exit status.
 * SUMMARY is the one-line description in --help. */
int cli_main(const char *prog, const char *summary, const struct cli_cmd *cmds,
    int argc, char **argv);

/* The value of option NAME of the current command, or NULL when not given. */
const char *cli_opt(const struct cli *c, const char *name);
int cli_flag(const struct cli *c, const char *name);

/* Parse operands and option values, or fail with a usage error naming WHAT.
 * cli_qty: a positive integer.  cli_int: any integer in [min, max].
 * cli_time: ISO 8601 or an age like -7d.  Return 0 or WF_EUSAGE. */
int cli_qty(const char *s, const char *what, int64_t *out);
int cli_int(const char *s, const char *what, int64_t min, int64_t max, int64_t *out);
int cli_time(const struct cli *c, const char *s, const char *what, int64_t *out);

/* Print "prog: MSG" for one bad input line (a wf_report_fn for batches). */
void cli_report(void *c, int code, const char *msg);

/* The batch every command that reads JSON lines runs: stdin, --keep-going
 * and --strict from the command line, bad lines reported by cli_report().
 * The caller may set more fields (progress) before wf_batch_run(). */
struct wf_batch cli_batch(struct cli *c);

#endif
