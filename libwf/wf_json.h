/*
 * wf_json.h - JSON lines in and out, with the input hardening of design.md.
 *
 * cJSON accepts more than JSON allows, so a line goes through a strict
 * scanner first (grammar, strict UTF-8, no NUL, no control characters in
 * strings, no lone surrogates, nesting depth), then cJSON builds the tree,
 * then a walk refuses duplicate keys and attaches each number's exact source
 * text.  A number node's valuestring holds its lexeme, so integers are exact
 * and platform ids keep every digit.
 *
 * Ownership: trees returned by the reader and parser belong to the caller
 * (cJSON_Delete).  Strings returned by the wf_jget_* accessors point into
 * the tree and live as long as it does.
 */
#ifndef WF_JSON_H
#define WF_JSON_H

#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "wf_buf.h"

#define WF_JSON_MAX_LINE  ((size_t)1 << 20)   /* default line cap: 1 MiB */
#define WF_JSON_MAX_DOC   ((size_t)256 << 20) /* a platform's document: 256 MiB */
#define WF_JSON_MAX_DEPTH 64
#define WF_JSON_INT_MAX   ((int64_t)9007199254740991)   /* 2^53 - 1 */

/* Parse N bytes as one JSON object under the hardening rules.  Returns 0 and
 * *out, or WF_EINPUT with a message such as "invalid JSON at byte 17:
 * expected ':'" or "lines[0]: duplicate key 'qty'" (no source prefix). */
int wf_json_parse(const char *s, size_t n, cJSON **out);

/* The same for a platform's document: an object or an array. */
int wf_json_parse_doc(const char *s, size_t n, cJSON **out);

/* A JSON-lines reader over a stream. */
typedef struct wf_jsonl wf_jsonl;

/* Open a reader over F, naming it NAME in errors ("stdin"), with a line cap of
 * MAX bytes (0: WF_JSON_MAX_LINE).  Returns 0 or WF_ENOMEM. */
int wf_jsonl_open(wf_jsonl **r, FILE *f, const char *name, size_t max);

/* Read the next non-blank line.  Returns 1 with *obj (caller frees), 0 at end
 * of input, WF_EINPUT for a bad line (message "NAME:LINE: ..."; the line is
 * consumed and reading may go on), or WF_EIO on a read error. */
int wf_jsonl_read(wf_jsonl *r, cJSON **obj);

/* Read a platform's documents as they come, not only JSON lines (cli.md):
 * a value that is not whole on its line is read to the end of the input as
 * one pretty-printed document (up to WF_JSON_MAX_DOC bytes, the line cap
 * too); a top-level array, or an object whose first member named in MEMBERS
 * (NULL-terminated; NULL for none) is an array, gives its elements one by
 * one, each of which must be an object.  {"orders":[...]} and a Stripe list
 * {"object":"list","data":[...]} read as their records, on one line or
 * many.  Without this, a line that begins a document is refused with the
 * hint "one JSON object per line: try jq -c". */
void wf_jsonl_documents(wf_jsonl *r, const char *const *members);

/* Where the last record read came from: the member of the list it was an
 * element of ("" for a top-level array) and its index there; NULL and -1
 * for a record that was a line (or a document) of its own. */
const char *wf_jsonl_member(const wf_jsonl *r);
long        wf_jsonl_index(const wf_jsonl *r);

long        wf_jsonl_lineno(const wf_jsonl *r);   /* line of the last read */
const char *wf_jsonl_name(const wf_jsonl *r);
void        wf_jsonl_close(wf_jsonl *r);

/*
 * Where a value sits, for error messages: "stdin:17: lines[0].qty: ...".
 * The root has src/line (src may be NULL: no prefix); children point up.
 */
typedef struct wf_jloc {
	const struct wf_jloc *up;
	const char *key;        /* member name; NULL for an array element */
	long        index;      /* array index when key == NULL */
	const char *src;        /* root only */
	long        line;       /* root only */
} wf_jloc;

#define WF_JLOC_ROOT(src_, line_) { NULL, NULL, -1, (src_), (line_) }
#define WF_JLOC_KEY(up_, key_)    { (up_), (key_), -1, NULL, 0 }
#define WF_JLOC_IDX(up_, i_)      { (up_), NULL, (i_), NULL, 0 }

/* Render LOC (plus KEY when not NULL) as "src:line: path" into B. */
int wf_jloc_path(wf_buf *b, const wf_jloc *loc, const char *key);

/* Set an WF_EINPUT error "src:line: path.key: MESSAGE"; returns WF_EINPUT. */
int wf_jerr(const wf_jloc *at, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Accessor flags. */
#define WF_J_REQ     0x1    /* absent or null is an error */
#define WF_J_NONEMPTY 0x2   /* strings: "" is an error */
#define WF_J_NUMOK   0x4    /* money: accept a JSON number's exact lexeme too */

/*
 * Typed field access.  Each returns 0 when the field is present and valid
 * (writing *out), 1 when it is absent or null and not required (leaving *out
 * alone), or WF_EINPUT with the located message.
 */
int wf_jget_str(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, size_t maxlen, const char **out);
int wf_jget_int(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int64_t min, int64_t max, int64_t *out);
int wf_jget_bool(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int *out);
int wf_jget_money(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const char *currency, int64_t *out);
int wf_jget_time(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int64_t *out);
/* An identifier given as a string or as an integer number of any size,
 * returned as text exactly as written. */
int wf_jget_id(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const char **out);
int wf_jget_obj(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const cJSON **out);
int wf_jget_arr(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const cJSON **out);

/* Refuse members of O not named in KNOWN (NULL-terminated): --strict. */
int wf_jcheck_keys(const wf_jloc *at, const cJSON *o, const char *const *known);

/* Whether N bytes at S are valid UTF-8 (1) or not (0). */
int wf_utf8_valid(const char *s, size_t n);

/* The exact source text of a number node, or NULL. */
const char *wf_json_lexeme(const cJSON *num);

/*
 * Writing.  The wf_jadd_* helpers append a member to object O and return 0
 * or WF_ENOMEM; results can be OR-ed together and tested once.  Members keep
 * the order in which they were added, which is the stable key order of every
 * record libwf prints.
 */
cJSON *wf_json_int(int64_t v);
int wf_jadd_int(cJSON *o, const char *key, int64_t v);
int wf_jadd_str(cJSON *o, const char *key, const char *s);    /* NULL: null */
int wf_jadd_bool(cJSON *o, const char *key, int v);
int wf_jadd_null(cJSON *o, const char *key);
int wf_jadd_money(cJSON *o, const char *key, int64_t minor, const char *currency);
int wf_jadd_time(cJSON *o, const char *key, int64_t t);
int wf_jadd_item(cJSON *o, const char *key, cJSON *item);     /* takes item */
/* The same for a KEY of static storage (a string literal): the object keeps
 * the pointer instead of a copy.  For records made once per input line. */
int wf_jadd_lit(cJSON *o, const char *key, cJSON *item);      /* takes item */
/* Values for wf_jadd_item/wf_jadd_lit; NULL when out of memory (or, for
 * money, the currency is unknown). */
cJSON *wf_json_str(const char *s);                            /* NULL: null */
cJSON *wf_json_money(int64_t minor, const char *currency);
/* A new object whose first member is "type": TYPE; NULL when out of memory. */
cJSON *wf_jrecord(const char *type);

/* Append V to B as compact JSON: keys in stored order, numbers exactly as
 * their lexemes, strings escaped (invalid UTF-8 replaced by U+FFFD).
 * Returns 0 or WF_ENOMEM. */
int wf_json_write(wf_buf *b, const cJSON *v);

/* Append S as a JSON string literal (quoted, escaped). */
int wf_json_write_str(wf_buf *b, const char *s);

#endif
