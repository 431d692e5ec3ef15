/*
 * wf_out.h - the writers: records out as JSON lines, a table, CSV or TSV.
 *
 * Every record libwf prints is a cJSON object whose first member is "type";
 * its members are printed in the order they were added.  JSON lines stream;
 * a table is printed when the output finishes (it needs every row to size
 * its columns), one block per run of records with the same keys.  CSV and
 * TSV stream every field, with a header block (after a blank line) for
 * each run of records with the same keys.
 *
 * Stored text never acts on the reader's terminal or spreadsheet
 * (design.md): tables, CSV and TSV show control, bidirectional and
 * invisible characters as visible escapes (wf_text_escape), JSON as \u
 * escapes; a CSV or TSV text cell that a spreadsheet would take for a
 * formula gets a leading "'" (OWASP).
 *
 * Held output: while a transaction is open the writer keeps what is emitted
 * (in memory up to 4 MiB, then in a temporary file, so memory stays flat) and
 * writes it only when the transaction commits.  A command never prints a
 * result that was rolled back.  wf_db drives this; see wf_tx_begin().
 *
 * Ownership: wf_out_emit() takes the record and frees it.  The FILE stays
 * the caller's.
 */
#ifndef WF_OUT_H
#define WF_OUT_H

#include <stdio.h>

#include <cJSON.h>

typedef enum {
	WF_FMT_JSONL,
	WF_FMT_TABLE,
	WF_FMT_CSV,
	WF_FMT_TSV
} wf_format;

/* "jsonl", "table", "csv" or "tsv".  Returns 0 or WF_EUSAGE. */
int wf_format_parse(const char *s, wf_format *f);

/* The default format for a stream: table on a terminal, else JSON lines. */
wf_format wf_format_default(FILE *f);

typedef struct wf_out wf_out;

int  wf_out_new(wf_out **o, FILE *f, wf_format fmt);
void wf_out_free(wf_out *o);

/* Emit REC (taken and freed).  Returns 0, WF_ENOMEM, or WF_EIO. */
int wf_out_emit(wf_out *o, cJSON *rec);

/* Whether records print as JSON lines (not a table, CSV or TSV). */
int wf_out_jsonl(const wf_out *o);

/* Emit a record already written as TEXT (LEN bytes, no newline): one
 * object whose first member is "type", exactly as wf_json_write() writes
 * the record's tree.  For a record made once per input line of a large
 * batch (an import's result per order), without building a tree to print
 * and free.  JSON lines only (WF_EINTERNAL otherwise: check wf_out_jsonl()
 * and emit the tree).  Held, journaled and rewound as wf_out_emit()'s.
 * Returns 0, WF_ENOMEM, WF_EIO or WF_EINTERNAL. */
int wf_out_emit_text(wf_out *o, const char *text, size_t len);

/* A record made by the same calls either as a cJSON tree or as the text
 * wf_json_write() writes of that tree, which wf_out_emit_text() prints
 * without a tree to build and free: for a record made once per input line
 * of a large batch.  Keys are literals (plain ASCII names).  Begin with
 * wf_rec_begin(), add members, then wf_rec_emit() or wf_rec_tree(); a
 * failure on the way (out of memory) is kept and reported at the end. */
typedef struct wf_rec {
	cJSON  *tree;    /* the object being filled (tree) */
	wf_buf *text;    /* the text so far (text) */
	wf_buf  own;
	int     rc;
} wf_rec;

/* Begin a record of TYPE: as text when O prints JSON lines, else (or with
 * O NULL) as a tree. */
void wf_rec_begin(wf_rec *r, wf_out *o, const char *type);
void wf_rec_str(wf_rec *r, const char *key, const char *s);     /* NULL: null */
void wf_rec_int(wf_rec *r, const char *key, int64_t v);
void wf_rec_money(wf_rec *r, const char *key, int64_t minor, const char *currency);
/* Member KEY, an object filled through SUB until wf_rec_close(R, SUB). */
void wf_rec_open(wf_rec *r, const char *key, wf_rec *sub);
void wf_rec_close(wf_rec *r, wf_rec *sub);
/* Emit the record through O (as wf_out_emit) and free it. */
int wf_rec_emit(wf_rec *r, wf_out *o);
/* The record as a tree (the caller's), or NULL after a failure; for a
 * record begun as a tree. */
cJSON *wf_rec_tree(wf_rec *r);

/* Table columns for records of TYPE: only these keys, in this order
 * (NULL-terminated, static storage).  JSON lines, CSV and TSV still carry
 * every key.  Setting the columns of a type again replaces them.  At most
 * 16 types per writer (asserted: a command prints a handful). */
void wf_out_columns(wf_out *o, const char *type, const char *const *keys);

/* Table: print the records of the first record's type vertically, one
 * "field  value" line each (nested objects as "key.field", lists of
 * objects as a table under the field's name), as psql's \x does; the
 * records of other types follow as tables.  CSV and TSV: a list of objects
 * in those records is its length in the record's row, and follows it as a
 * block of its own, one row per object: "type" TYPE.KEY ("order.lines"),
 * the record's key, then the object's fields.  JSON lines are unchanged.
 * For show commands. */
void wf_out_vertical(wf_out *o, int on);

/* Table, CSV and TSV: records of TYPE show their list KEY of objects as
 * rows of their own, as a vertical record does (above): its length in the
 * record's row, then a block of rows of type TYPE.KEY, each with the
 * record's key, right after it.  JSON lines are unchanged.  TYPE and KEY
 * are static.  Returns 0, or WF_EINTERNAL past 8 such lists. */
int wf_out_sublist(wf_out *o, const char *type, const char *key);

/* Table: fit each block to COLS columns (a terminal's width), wrapping the
 * widest text cells onto more lines; 0 (the default) never cuts a cell. */
void wf_out_width(wf_out *o, size_t cols);

/* Holding (see above).  hold nests; release at depth 0 writes what is kept.
 * mark/rewind drop what was emitted after a mark. */
void wf_out_hold(wf_out *o);
int  wf_out_release(wf_out *o);
long long wf_out_mark(const wf_out *o);
int  wf_out_rewind(wf_out *o, long long mark);

/* The journal: while on, every record emitted is also kept as one line of
 * compact JSON, whatever the format, and a rewind drops the lines of the
 * records it drops.  For --idempotency-key, which stores what a command
 * printed so that a retry can print it again (wf_idem.h).  Turning it off
 * empties it.  The text is valid until the next emit, rewind or free. */
void wf_out_journal(wf_out *o, int on);
const char *wf_out_journal_text(const wf_out *o, size_t *len);

/* Records emitted so far (after rewinds). */
long long wf_out_count(const wf_out *o);

/* Print pending tables, flush, and check the stream: a write error (disk
 * full, closed pipe) is WF_EIO with the reason.  Returns 0 or WF_EIO. */
int wf_out_finish(wf_out *o);

#endif
