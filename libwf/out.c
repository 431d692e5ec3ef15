/* out.c - JSON lines, table, CSV and TSV writers with held output. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_out.h"
#include "wf_text.h"

#define SPOOL_MEM ((size_t)4 << 20)
/* a write(2) per 256 KiB of the spill, not per 4 KiB: a million orders'
 * results are some 400 MB */
#define SPILL_BUF ((size_t)256 << 10)

struct colspec {
	const char *type;
	const char *const *keys;
};

struct wf_out {
	FILE     *f;
	wf_format fmt;
	int       hold;          /* nesting of wf_out_hold */
	/* streaming formats: held bytes, in memory then in a temp file */
	wf_buf    mem;
	FILE     *spill;
	char     *spill_buf;            /* its stdio buffer, SPILL_BUF bytes */
	long long spilled;       /* bytes in spill */
	/* csv/tsv: a header block per run of records with the same keys; the
	 * stack keeps where each began (held position, -1 once written out)
	 * so that a rewind past one brings its header back for what follows */
	struct hblock { long long start; int sep; cJSON *cols; } *hb;
	size_t    nhb, caphb;
	/* table: every record until finish */
	cJSON   **rows;
	size_t    nrows, caprows;
	long long count;
	struct colspec spec[16];
	size_t    nspec;
	int       vertical;      /* table: the first record's type as field: value;
	                            csv/tsv: its lists of objects as blocks */
	char      vtype[64];     /* that type, once a record has been emitted */
	struct sublist { const char *type, *key; } sub[8];   /* wf_out_sublist */
	size_t    nsub;
	size_t    term_width;    /* table: fit to this many columns (0: no limit) */
	wf_buf    line;
	int       err;
	/* the journal (wf_out_journal): each record as a JSON line, and where
	 * in the held output each record ended, for rewinds */
	int       journaling;
	wf_buf    journal;
	struct jmark { long long pos; size_t len; } *jm;
	size_t    njm, capjm;
};

int
wf_format_parse(const char *s, wf_format *f)
{
	static const struct { const char *name; wf_format fmt; } names[] = {
		{ "jsonl", WF_FMT_JSONL }, { "json", WF_FMT_JSONL },
		{ "table", WF_FMT_TABLE }, { "csv", WF_FMT_CSV },
		{ "tsv", WF_FMT_TSV },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*f = names[i].fmt;
			return 0;
		}
	return wf_error_set(WF_EUSAGE, "unknown format '%s' (jsonl, table, csv, tsv)", s);
}

wf_format
wf_format_default(FILE *f)
{
	return isatty(fileno(f)) ? WF_FMT_TABLE : WF_FMT_JSONL;
}

int
wf_out_new(wf_out **out, FILE *f, wf_format fmt)
{
	wf_out *o = calloc(1, sizeof *o);

	if (o == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	o->f = f;
	o->fmt = fmt;
	*out = o;
	return 0;
}

void
wf_out_free(wf_out *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->nrows; i++)
		cJSON_Delete(o->rows[i]);
	free(o->rows);
	for (i = 0; i < o->nhb; i++)
		cJSON_Delete(o->hb[i].cols);
	free(o->hb);
	wf_buf_free(&o->mem);
	wf_buf_free(&o->line);
	wf_buf_free(&o->journal);
	free(o->jm);
	if (o->spill)
		fclose(o->spill);
	free(o->spill_buf);
	free(o);
}

void
wf_out_columns(wf_out *o, const char *type, const char *const *keys)
{
	size_t i;

	for (i = 0; i < o->nspec; i++)
		if (strcmp(o->spec[i].type, type) == 0) {
			o->spec[i].keys = keys;
			return;
		}
	/* one spec per record type a command prints: a handful, fixed when
	 * the program is written, so more is a programming error */
	assert(o->nspec < sizeof o->spec / sizeof o->spec[0]);
	o->spec[o->nspec].type = type;
	o->spec[o->nspec].keys = keys;
	o->nspec++;
}

static const char *const *
columns_for(const wf_out *o, const cJSON *rec)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "type");
	size_t i;

	if (!cJSON_IsString(t))
		return NULL;
	for (i = 0; i < o->nspec; i++)
		if (strcmp(o->spec[i].type, t->valuestring) == 0)
			return o->spec[i].keys;
	return NULL;
}

/* ---- the held stream ----------------------------------------------------- */

static long long
held_len(const wf_out *o)
{
	return o->spilled + (long long)o->mem.len;
}

static int
io_error(const char *what)
{
	return wf_error_set(WF_EIO, "%s: %s", what, strerror(errno ? errno : EIO));
}

/* Write bytes to the stream, or keep them while held. */
static int
put(wf_out *o, const char *s, size_t n)
{
	if (!o->hold) {
		if (n && fwrite(s, 1, n, o->f) != n)
			return io_error("write error");
		return 0;
	}
	if (o->spill == NULL && o->mem.len + n > SPOOL_MEM) {
		if ((o->spill = tmpfile()) == NULL)
			return io_error("cannot create a temporary file");
		if ((o->spill_buf = malloc(SPILL_BUF)) != NULL)
			setvbuf(o->spill, o->spill_buf, _IOFBF, SPILL_BUF);
		if (o->mem.len && fwrite(o->mem.p, 1, o->mem.len, o->spill) != o->mem.len)
			return io_error("temporary file");
		o->spilled = (long long)o->mem.len;
		wf_buf_reset(&o->mem);
	}
	if (o->spill) {
		if (n && fwrite(s, 1, n, o->spill) != n)
			return io_error("temporary file");
		o->spilled += (long long)n;
		return 0;
	}
	return wf_buf_add(&o->mem, s, n);
}

void
wf_out_hold(wf_out *o)
{
	o->hold++;
}

long long
wf_out_mark(const wf_out *o)
{
	if (o->fmt == WF_FMT_TABLE)
		return (long long)o->nrows;
	return held_len(o);
}

/* Drop the journal's records that ended after MARK. */
static void
journal_rewind(wf_out *o, long long mark)
{
	while (o->njm && o->jm[o->njm - 1].pos > mark)
		o->njm--;
	o->journal.len = o->njm ? o->jm[o->njm - 1].len : 0;
	if (o->journal.p)
		o->journal.p[o->journal.len] = '\0';
}

int
wf_out_rewind(wf_out *o, long long mark)
{
	if (o->journaling)
		journal_rewind(o, mark);
	if (o->fmt == WF_FMT_TABLE) {
		while (o->nrows > (size_t)mark) {
			cJSON_Delete(o->rows[--o->nrows]);
			o->count--;
		}
		return 0;
	}
	if (!o->hold || mark >= held_len(o))
		return 0;
	/* Count the records being dropped: one per line, less the header
	 * lines (and the blank lines before them) of the blocks dropped. */
	if (o->spill) {
		char buf[8192];
		long long pos = mark;
		size_t n, i;
		if (fflush(o->spill) != 0 || fseeko(o->spill, (off_t)mark, SEEK_SET) != 0)
			return io_error("temporary file");
		while ((n = fread(buf, 1, sizeof buf, o->spill)) > 0)
			for (i = 0; i < n; i++)
				o->count -= buf[i] == '\n';
		if (ftruncate(fileno(o->spill), (off_t)pos) != 0 ||
		    fseeko(o->spill, (off_t)pos, SEEK_SET) != 0)
			return io_error("temporary file");
		o->spilled = pos;
	} else {
		size_t i;
		for (i = (size_t)mark; i < o->mem.len; i++)
			o->count -= o->mem.p[i] == '\n';
		o->mem.len = (size_t)mark;
		if (o->mem.p)
			o->mem.p[o->mem.len] = '\0';
	}
	while (o->nhb && o->hb[o->nhb - 1].start >= mark) {
		o->nhb--;
		o->count += 1 + o->hb[o->nhb].sep;
		cJSON_Delete(o->hb[o->nhb].cols);
	}
	return 0;
}

int
wf_out_release(wf_out *o)
{
	char buf[65536];
	size_t n;

	if (o->hold == 0 || --o->hold > 0)
		return 0;
	if (o->spill) {
		if (fflush(o->spill) != 0 || fseeko(o->spill, 0, SEEK_SET) != 0)
			return io_error("temporary file");
		while ((n = fread(buf, 1, sizeof buf, o->spill)) > 0)
			if (fwrite(buf, 1, n, o->f) != n)
				return io_error("write error");
		fclose(o->spill);
		free(o->spill_buf);
		o->spill_buf = NULL;
		o->spill = NULL;
		o->spilled = 0;
	}
	if (o->mem.len && fwrite(o->mem.p, 1, o->mem.len, o->f) != o->mem.len)
		return io_error("write error");
	wf_buf_reset(&o->mem);
	/* what is written can no longer be rewound: keep only the current
	 * block's header */
	while (o->nhb > 1) {
		o->nhb--;
		cJSON_Delete(o->hb[0].cols);
		memmove(o->hb, o->hb + 1, o->nhb * sizeof *o->hb);
	}
	if (o->nhb)
		o->hb[0].start = -1;
	return 0;
}

long long
wf_out_count(const wf_out *o)
{
	return o->count;
}

/* ---- cells --------------------------------------------------------------- */

/* Render V as a plain cell: strings as they are, null as "", the rest as
 * compact JSON. */
static int
cell(wf_buf *b, const cJSON *v)
{
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v))
		return wf_buf_adds(b, v->valuestring);
	return wf_json_write(b, v);
}

static int
numeric(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((*s < '0' || *s > '9') && *s != '.')
			return 0;
	return 1;
}

/* OWASP's rule for CSV injection: a text cell that a spreadsheet would read
 * as a formula (it begins with '=', '+', '-', '@', a tab or a carriage
 * return) gets a leading "'".  A number, or text that is a plain decimal
 * number ("-3.50"), is left alone: it is no formula, and a "'" would make
 * it text. */
static int
formula(const cJSON *v, const char *text)
{
	if (!cJSON_IsString(v) || strchr("=+-@\t\r", text[0]) == NULL || text[0] == '\0')
		return 0;
	return !numeric(text);
}

static int
csv_cell(wf_buf *b, const cJSON *v, char sep)
{
	wf_buf c = {0}, e = {0};
	size_t i;
	int rc;

	if ((rc = cell(&c, v)) != 0)
		goto out;
	if (c.len && formula(v, c.p))
		rc |= wf_buf_addc(&e, '\'');
	if (sep == '\t') {
		/* TSV's own escapes for its separators, visible escapes for the
		 * rest of what could act on a terminal */
		for (i = 0; i < c.len && rc == 0; ) {
			size_t run = i;
			while (i < c.len && c.p[i] != '\t' && c.p[i] != '\n' && c.p[i] != '\r' &&
			    c.p[i] != '\\')
				i++;
			rc |= wf_text_escape(&e, c.p + run, i - run);
			if (i < c.len) {
				rc |= wf_buf_adds(&e, c.p[i] == '\t' ? "\\t" : c.p[i] == '\n' ? "\\n" :
				    c.p[i] == '\r' ? "\\r" : "\\\\");
				i++;
			}
		}
		rc |= wf_buf_add(b, wf_buf_str(&e), e.len);
	} else {
		if (c.len)
			rc |= wf_text_escape(&e, c.p, c.len);
		if (e.len && strpbrk(e.p, ",\"") != NULL) {
			rc |= wf_buf_addc(b, '"');
			for (i = 0; i < e.len; i++) {
				if (e.p[i] == '"')
					rc |= wf_buf_addc(b, '"');
				rc |= wf_buf_addc(b, e.p[i]);
			}
			rc |= wf_buf_addc(b, '"');
		} else if (e.len)
			rc |= wf_buf_add(b, e.p, e.len);
	}
out:
	wf_buf_free(&c);
	wf_buf_free(&e);
	return rc ? WF_ENOMEM : 0;
}

/* Whether REC has exactly the keys of COLS, in order. */
static int
same_keys(const cJSON *cols, const cJSON *rec)
{
	const cJSON *a = cols->child, *b = rec->child;

	for (; a && b; a = a->next, b = b->next)
		if (strcmp(a->valuestring, b->string) != 0)
			return 0;
	return a == NULL && b == NULL;
}

/* CSV and TSV carry every field of a record, whatever columns a table
 * shows: nested objects and lists as compact JSON.  A record whose keys are
 * not those of the block before (another type, or another shape) starts a
 * new block: a blank line, then its own header. */
static int
emit_delimited(wf_out *o, const cJSON *rec)
{
	char sep = o->fmt == WF_FMT_CSV ? ',' : '\t';
	const cJSON *c;
	int rc = 0, first = 1;

	if (o->nhb == 0 || !same_keys(o->hb[o->nhb - 1].cols, rec)) {
		struct hblock h = { o->hold ? held_len(o) : -1, 0, NULL };
		if (o->nhb == o->caphb) {
			size_t cap = o->caphb ? 2 * o->caphb : 4;
			struct hblock *p = realloc(o->hb, cap * sizeof *p);
			if (p == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
			o->hb = p;
			o->caphb = cap;
		}
		if ((h.cols = cJSON_CreateArray()) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		for (c = rec->child; c; c = c->next)
			if (!cJSON_AddItemToArray(h.cols, cJSON_CreateString(c->string))) {
				cJSON_Delete(h.cols);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
		wf_buf_reset(&o->line);
		if (o->nhb > 0 || o->count > 0) {
			h.sep = 1;
			rc |= wf_buf_addc(&o->line, '\n');
		}
		for (c = h.cols->child; c; c = c->next) {
			if (c != h.cols->child)
				rc |= wf_buf_addc(&o->line, sep);
			rc |= csv_cell(&o->line, c, sep);
		}
		rc |= wf_buf_addc(&o->line, '\n');
		if (rc || (rc = put(o, o->line.p, o->line.len)) != 0) {
			cJSON_Delete(h.cols);
			return rc == WF_EIO ? rc : wf_error_set(WF_ENOMEM, "out of memory");
		}
		o->hb[o->nhb++] = h;
	}
	wf_buf_reset(&o->line);
	for (c = rec->child; c; c = c->next) {
		if (!first)
			rc |= wf_buf_addc(&o->line, sep);
		first = 0;
		rc |= csv_cell(&o->line, c, sep);
	}
	rc |= wf_buf_addc(&o->line, '\n');
	if (rc)
		return WF_ENOMEM;
	return put(o, o->line.p, o->line.len);
}

/* Whether list member C holds objects: a block of its own when split. */
static int
sub_table(const cJSON *c)
{
	return cJSON_IsArray(c) && cJSON_IsObject(c->child);
}

/* Whether REC is a record that wf_out_vertical() shows as one: of the type
 * of the first record emitted since it was turned on. */
static int
vertical_record(wf_out *o, const cJSON *rec)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "type");

	if (!o->vertical || !cJSON_IsString(t))
		return 0;
	if (o->vtype[0] == '\0')
		wf_strlcpy(o->vtype, t->valuestring, sizeof o->vtype);
	return strcmp(o->vtype, t->valuestring) == 0;
}

/* Whether wf_out_sublist() named KEY for records of type TYPE (T). */
static int
sublisted(const wf_out *o, const cJSON *t, const char *key)
{
	size_t i;

	for (i = 0; cJSON_IsString(t) && i < o->nsub; i++)
		if (strcmp(o->sub[i].type, t->valuestring) == 0 && strcmp(o->sub[i].key, key) == 0)
			return 1;
	return 0;
}

/* Whether REC has a list to split out: any list of objects when ALL, else
 * one wf_out_sublist() named. */
static int
has_sublist(const wf_out *o, const cJSON *rec, int all)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "type"), *c;

	for (c = rec->child; c; c = c->next)
		if (sub_table(c) && (all || sublisted(o, t, c->string)))
			return 1;
	return 0;
}

/* Hand REC to FN split in rows: first a copy of it with each list of
 * objects to split (every one when ALL, else those wf_out_sublist() named)
 * as its length, then each such list's objects as rows of type "TYPE.KEY"
 * that carry the record's key (its second member) before their own fields.
 * FN takes each row. */
static int
split_record(wf_out *o, const cJSON *rec, int all, int (*fn)(wf_out *, cJSON *))
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "type");
	const cJSON *key = rec->child ? rec->child->next : NULL, *c, *e, *x;
	cJSON *top = cJSON_Duplicate(rec, 1);
	wf_buf type = {0};
	int rc = 0;

	if (top == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	for (c = rec->child; c; c = c->next)
		if (sub_table(c) && (all || sublisted(o, t, c->string))) {
			cJSON *n = cJSON_CreateNumber(cJSON_GetArraySize(c));
			if (n == NULL || !cJSON_ReplaceItemInObjectCaseSensitive(top, c->string, n)) {
				cJSON_Delete(n);
				cJSON_Delete(top);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
		}
	if ((rc = fn(o, top)) != 0)
		return rc;
	for (c = rec->child; c && rc == 0; c = c->next) {
		if (!sub_table(c) || !(all || sublisted(o, t, c->string)))
			continue;
		wf_buf_reset(&type);
		if (wf_buf_addf(&type, "%s.%s", cJSON_IsString(t) ? t->valuestring : "", c->string)) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
		cJSON_ArrayForEach(e, c) {
			cJSON *row;
			int k;
			if (!cJSON_IsObject(e))
				continue;
			k = (row = wf_jrecord(type.p)) == NULL;
			if (!k && key && key != c && !cJSON_GetObjectItemCaseSensitive(e, key->string))
				k |= wf_jadd_item(row, key->string, cJSON_Duplicate(key, 1));
			for (x = e->child; x && !k; x = x->next)
				k |= wf_jadd_item(row, x->string, cJSON_Duplicate(x, 1));
			if (k) {
				cJSON_Delete(row);
				rc = wf_error_set(WF_ENOMEM, "out of memory");
				break;
			}
			if ((rc = fn(o, row)) != 0)
				break;
		}
	}
	wf_buf_free(&type);
	return rc;
}

/* Row takers for split_record(). */
static int
take_delimited(wf_out *o, cJSON *row)
{
	int rc = emit_delimited(o, row);

	cJSON_Delete(row);
	return rc;
}

static int
take_table(wf_out *o, cJSON *row)
{
	if (o->nrows == o->caprows) {
		size_t cap = o->caprows ? o->caprows * 2 : 64;
		cJSON **p = realloc(o->rows, cap * sizeof *p);
		if (p == NULL) {
			cJSON_Delete(row);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		o->rows = p;
		o->caprows = cap;
	}
	o->rows[o->nrows++] = row;
	return 0;
}

/* Keep REC in the journal, or (REC NULL) the record already written as
 * TEXT, LEN bytes. */
static int
journal_add(wf_out *o, const cJSON *rec, const char *text, size_t len)
{
	if (o->njm == o->capjm) {
		size_t cap = o->capjm ? 2 * o->capjm : 64;
		struct jmark *p = realloc(o->jm, cap * sizeof *p);
		if (p == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		o->jm = p;
		o->capjm = cap;
	}
	if ((rec ? wf_json_write(&o->journal, rec) : wf_buf_add(&o->journal, text, len)) != 0 ||
	    wf_buf_addc(&o->journal, '\n') != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return 0;
}

/* Note where the record just journaled ended in the output. */
static void
journal_mark(wf_out *o)
{
	o->jm[o->njm].pos = o->fmt == WF_FMT_TABLE ? (long long)o->nrows : held_len(o);
	o->jm[o->njm].len = o->journal.len;
	o->njm++;
}

void
wf_out_journal(wf_out *o, int on)
{
	o->journaling = on;
	if (!on) {
		wf_buf_reset(&o->journal);
		o->njm = 0;
	}
}

const char *
wf_out_journal_text(const wf_out *o, size_t *len)
{
	*len = o->journal.len;
	return wf_buf_str(&o->journal);
}

/* Emit REC (taken), or (REC NULL, JSON lines only) the record already
 * written as TEXT, LEN bytes. */
static int
emit(wf_out *o, cJSON *rec, const char *text, size_t len)
{
	int rc = 0;

	if (o->journaling && (rc = journal_add(o, rec, text, len)) != 0) {
		cJSON_Delete(rec);
		return rc;
	}
	switch (o->fmt) {
	case WF_FMT_JSONL:
		wf_buf_reset(&o->line);
		if ((rc = rec ? wf_json_write(&o->line, rec) : wf_buf_add(&o->line, text, len)) == 0 &&
		    (rc = wf_buf_addc(&o->line, '\n')) == 0)
			rc = put(o, o->line.p, o->line.len);
		cJSON_Delete(rec);
		break;
	case WF_FMT_CSV:
	case WF_FMT_TSV:
		if (vertical_record(o, rec))
			rc = split_record(o, rec, 1, take_delimited);
		else if (o->nsub && has_sublist(o, rec, 0))
			rc = split_record(o, rec, 0, take_delimited);
		else
			rc = emit_delimited(o, rec);
		cJSON_Delete(rec);
		break;
	case WF_FMT_TABLE:
		/* a vertical record shows its lists itself (vertical()) */
		if (o->nsub && !vertical_record(o, rec) && has_sublist(o, rec, 0)) {
			rc = split_record(o, rec, 0, take_table);
			cJSON_Delete(rec);
		} else
			rc = take_table(o, rec);
		break;
	}
	if (rc == 0)
		o->count++;
	if (o->journaling) {
		if (rc == 0)
			journal_mark(o);
		else
			journal_rewind(o, o->njm ? o->jm[o->njm - 1].pos : -1);
	}
	return rc;
}

int
wf_out_emit(wf_out *o, cJSON *rec)
{
	if (rec == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return emit(o, rec, NULL, 0);
}

int
wf_out_jsonl(const wf_out *o)
{
	return o->fmt == WF_FMT_JSONL;
}

int
wf_out_emit_text(wf_out *o, const char *text, size_t len)
{
	if (o->fmt != WF_FMT_JSONL)
		return wf_error_set(WF_EINTERNAL, "a record as text is for JSON lines only");
	return emit(o, NULL, text, len);
}

/* ---- records made as a tree or as text ------------------------------------ */

void
wf_rec_begin(wf_rec *r, wf_out *o, const char *type)
{
	memset(r, 0, sizeof *r);
	if (o && o->fmt == WF_FMT_JSONL) {
		r->text = &r->own;
		r->rc = wf_buf_adds(r->text, "{\"type\":") | wf_json_write_str(r->text, type);
	} else if ((r->tree = wf_jrecord(type)) == NULL)
		r->rc = WF_ENOMEM;
}

/* Text: the separator and "KEY": before a member's value (a literal name,
 * which JSON writes as it is). */
static void
rec_key(wf_rec *r, const char *key)
{
	if (r->text->len && r->text->p[r->text->len - 1] != '{')
		r->rc |= wf_buf_addc(r->text, ',');
	r->rc |= wf_buf_addc(r->text, '"') | wf_buf_adds(r->text, key) |
	    wf_buf_adds(r->text, "\":");
}

void
wf_rec_str(wf_rec *r, const char *key, const char *s)
{
	if (r->rc)
		return;
	if (r->tree)
		r->rc = wf_jadd_lit(r->tree, key, wf_json_str(s));
	else {
		rec_key(r, key);
		r->rc |= s ? wf_json_write_str(r->text, s) : wf_buf_adds(r->text, "null");
	}
}

void
wf_rec_int(wf_rec *r, const char *key, int64_t v)
{
	if (r->rc)
		return;
	if (r->tree)
		r->rc = wf_jadd_lit(r->tree, key, wf_json_int(v));
	else {
		rec_key(r, key);
		r->rc |= wf_buf_addf(r->text, "%lld", (long long)v);
	}
}

void
wf_rec_money(wf_rec *r, const char *key, int64_t minor, const char *currency)
{
	char buf[40];

	if (wf_money_format(minor, currency, buf, sizeof buf) != 0)
		r->rc |= WF_EINTERNAL;
	else
		wf_rec_str(r, key, buf);
}

void
wf_rec_open(wf_rec *r, const char *key, wf_rec *sub)
{
	memset(sub, 0, sizeof *sub);
	sub->rc = r->rc;
	if (r->rc)
		return;
	if (r->tree) {
		if ((sub->tree = cJSON_CreateObject()) == NULL ||
		    (r->rc = wf_jadd_lit(r->tree, key, sub->tree)) != 0)
			sub->rc = r->rc = WF_ENOMEM;
		return;
	}
	sub->text = r->text;
	rec_key(r, key);
	r->rc |= wf_buf_addc(r->text, '{');
}

void
wf_rec_close(wf_rec *r, wf_rec *sub)
{
	r->rc |= sub->rc;
	if (r->rc == 0 && r->tree == NULL)
		r->rc = wf_buf_addc(r->text, '}');
}

int
wf_rec_emit(wf_rec *r, wf_out *o)
{
	int rc;

	if (r->tree)
		return wf_out_emit(o, wf_rec_tree(r));
	if (r->rc == 0)
		r->rc = wf_buf_addc(r->text, '}');
	rc = r->rc ? wf_error_set(WF_ENOMEM, "out of memory") :
	    wf_out_emit_text(o, r->text->p, r->text->len);
	wf_buf_free(&r->own);
	return rc;
}

cJSON *
wf_rec_tree(wf_rec *r)
{
	cJSON *t = r->tree;

	wf_buf_free(&r->own);
	r->tree = NULL;
	if (r->rc) {
		cJSON_Delete(t);
		return NULL;
	}
	return t;
}

/* ---- tables -------------------------------------------------------------- */

static int print_tables_of(wf_out *o, int vert);

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
width(const char *s, size_t n)
{
	size_t w = 0, i;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
}

/* The cell text for a table: what could act on a terminal as a visible
 * escape, null as "-". */
static int
table_cell(wf_buf *b, const cJSON *v)
{
	wf_buf c = {0};
	int rc = cell(&c, v);

	if (rc == 0 && c.len == 0 && (v == NULL || cJSON_IsNull(v)))
		rc = wf_buf_adds(b, "-");
	else if (rc == 0)
		rc = wf_text_escape(b, wf_buf_str(&c), c.len);
	wf_buf_free(&c);
	return rc ? WF_ENOMEM : 0;
}

/* The header of a column: the key in capitals, '_' as ' '. */
static int
header_cell(wf_buf *b, const char *n)
{
	int rc = 0;

	for (; *n; n++)
		rc |= wf_buf_addc(b, *n == '_' ? ' ' : (*n >= 'a' && *n <= 'z' ? (char)(*n - 32) : *n));
	return rc;
}

static int
same_shape(const wf_out *o, const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if (columns_for(o, a) || columns_for(o, b)) {
		const cJSON *ta = cJSON_GetObjectItemCaseSensitive(a, "type");
		const cJSON *tb = cJSON_GetObjectItemCaseSensitive(b, "type");
		return cJSON_IsString(ta) && cJSON_IsString(tb) &&
		    strcmp(ta->valuestring, tb->valuestring) == 0;
	}
	for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
		if (strcmp(x->string, y->string) != 0)
			return 0;
	return x == NULL && y == NULL;
}

/* The byte length of the first line of at most W display columns of S (N
 * bytes), broken after a space when there is one in it; *next is where the
 * following line starts (the space is dropped). */
static size_t
wrap_line(const char *s, size_t n, size_t w, size_t *next)
{
	size_t i = 0, cols = 0, brk = 0;

	while (i < n && cols < w) {
		size_t len = 1;
		while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
			len++;
		if (s[i] == ' ')
			brk = i;
		i += len;
		cols++;
	}
	if (i >= n) {
		*next = n;
		return n;
	}
	if (brk > 0) {
		*next = brk + 1;
		return brk;
	}
	*next = i;
	return i;
}

/* One cell of one output line: line LINE of TEXT wrapped at W. */
static void
cell_line(const wf_buf *text, size_t w, size_t line, const char **p, size_t *len)
{
	const char *s = wf_buf_str(text);
	size_t n = text->len, at = 0, next, k;

	for (k = 0; ; k++) {
		size_t l = w ? wrap_line(s + at, n - at, w, &next) : n - at;
		if (!w)
			next = n - at;
		if (k == line) {
			*p = s + at;
			*len = l;
			return;
		}
		at += next;
		if (at >= n) {
			*p = s + n;
			*len = 0;
			return;
		}
	}
}

/* How many lines TEXT takes wrapped at W. */
static size_t
cell_lines(const wf_buf *text, size_t w)
{
	const char *s = wf_buf_str(text);
	size_t n = text->len, at = 0, next, k = 1;

	if (w == 0)
		return 1;
	for (;;) {
		wrap_line(s + at, n - at, w, &next);
		at += next;
		if (at >= n)
			return k;
		k++;
	}
}

/* Columns W[0..NCOL) of a table, narrowed to fit the terminal: the widest
 * text column gives up a column at a time, down to 12 (or its header). */
static void
fit(const wf_out *o, size_t *w, const size_t *minw, const int *right, size_t ncol)
{
	size_t total = 0, k;

	if (o->term_width == 0 || ncol == 0)
		return;
	for (k = 0; k < ncol; k++)
		total += w[k] + (k + 1 < ncol ? 2 : 0);
	while (total > o->term_width) {
		size_t widest = ncol;
		for (k = 0; k < ncol; k++)
			if (!right[k] && w[k] > minw[k] && (widest == ncol || w[k] > w[widest]))
				widest = k;
		if (widest == ncol)
			break;          /* nothing left to give: let the terminal wrap */
		w[widest]--;
		total--;
	}
}

/* Print rows [from, to) as one table block sharing a header, cells wrapped
 * to fit the terminal's width. */
static int
table_block(wf_out *o, size_t from, size_t to)
{
	const char *const *keys = columns_for(o, o->rows[from]);
	size_t ncol = 0, r, k, nrow = to - from;
	const char **names = NULL;
	size_t *w = NULL, *minw = NULL;
	int *right = NULL;
	wf_buf *cells = NULL;        /* (nrow + 1) * ncol: header, then rows */
	const cJSON *c;
	int rc = 0;

	if (keys)
		while (keys[ncol])
			ncol++;
	else    /* a block shares one type: the column would say nothing */
		for (c = o->rows[from]->child; c; c = c->next)
			ncol += strcmp(c->string, "type") != 0;
	names = calloc(ncol + 1, sizeof *names);
	w = calloc(ncol + 1, sizeof *w);
	minw = calloc(ncol + 1, sizeof *minw);
	right = calloc(ncol + 1, sizeof *right);
	cells = calloc((nrow + 1) * ncol + 1, sizeof *cells);
	if (names == NULL || w == NULL || minw == NULL || right == NULL || cells == NULL)
		goto nomem;
	if (keys)
		for (k = 0; k < ncol; k++)
			names[k] = keys[k];
	else
		for (k = 0, c = o->rows[from]->child; c; c = c->next)
			if (strcmp(c->string, "type") != 0)
				names[k++] = c->string;
	for (k = 0; k < ncol; k++) {
		if (header_cell(&cells[k], names[k]))
			goto nomem;
		w[k] = width(wf_buf_str(&cells[k]), cells[k].len);
		minw[k] = w[k] > 12 ? w[k] : 12;
		right[k] = 1;
	}
	for (r = 0; r < nrow; r++)
		for (k = 0; k < ncol; k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o->rows[from + r], names[k]);
			wf_buf *b = &cells[(r + 1) * ncol + k];
			if (table_cell(b, v))
				goto nomem;
			if (width(wf_buf_str(b), b->len) > w[k])
				w[k] = width(wf_buf_str(b), b->len);
			if (v && !cJSON_IsNull(v) && !cJSON_IsNumber(v) &&
			    !(cJSON_IsString(v) && numeric(v->valuestring)))
				right[k] = 0;
		}
	for (k = 0; k < ncol; k++)
		if (minw[k] > w[k])
			minw[k] = w[k];
	fit(o, w, minw, right, ncol);
	/* header, then rows; a row whose cells wrap takes several lines; the
	 * last column is not padded */
	for (r = 0; r <= nrow; r++) {
		size_t lines = 1, line;
		for (k = 0; k < ncol; k++) {
			size_t n = cell_lines(&cells[r * ncol + k], w[k]);
			if (n > lines)
				lines = n;
		}
		for (line = 0; line < lines; line++) {
			wf_buf_reset(&o->line);
			for (k = 0; k < ncol; k++) {
				const char *p;
				size_t len, pad, cw;
				cell_line(&cells[r * ncol + k], w[k], line, &p, &len);
				cw = width(p, len);
				pad = w[k] > cw ? w[k] - cw : 0;
				if (right[k])
					while (pad-- > 0)
						rc |= wf_buf_addc(&o->line, ' ');
				rc |= wf_buf_add(&o->line, p, len);
				if (k + 1 < ncol) {
					if (!right[k])
						while (pad-- > 0)
							rc |= wf_buf_addc(&o->line, ' ');
					rc |= wf_buf_adds(&o->line, "  ");
				}
			}
			while (o->line.len && o->line.p[o->line.len - 1] == ' ')
				o->line.len--;
			rc |= wf_buf_addc(&o->line, '\n');
			if (rc)
				goto nomem;
			if (fwrite(o->line.p, 1, o->line.len, o->f) != o->line.len) {
				rc = io_error("write error");
				goto out;
			}
		}
	}
	goto out;
nomem:
	rc = wf_error_set(WF_ENOMEM, "out of memory");
out:
	if (cells)
		for (k = 0; k < (nrow + 1) * ncol; k++)
			wf_buf_free(&cells[k]);
	free(cells);
	free(names);
	free(w);
	free(minw);
	free(right);
	return rc;
}

/* Print one "name  value" line of a vertical record, the name padded to
 * WN columns; with WN 0, only measure it into *max. */
static int
vline(wf_out *o, size_t wn, size_t *max, const char *key, const char *sub, const cJSON *v)
{
	wf_buf name = {0}, val = {0};
	int rc = wf_buf_adds(&name, key);

	if (sub)
		rc |= wf_buf_addc(&name, '.') | wf_buf_adds(&name, sub);
	if (rc == 0 && wn == 0) {
		if (width(wf_buf_str(&name), name.len) > *max)
			*max = width(wf_buf_str(&name), name.len);
	} else if (rc == 0) {
		wf_buf_reset(&o->line);
		rc |= wf_text_escape(&o->line, wf_buf_str(&name), name.len);
		while (rc == 0 && width(wf_buf_str(&o->line), o->line.len) < wn + 2)
			rc |= wf_buf_addc(&o->line, ' ');
		rc |= table_cell(&val, v);
		rc |= wf_buf_add(&o->line, wf_buf_str(&val), val.len);
		rc |= wf_buf_addc(&o->line, '\n');
		if (rc == 0 && fwrite(o->line.p, 1, o->line.len, o->f) != o->line.len)
			rc = io_error("write error");
	}
	wf_buf_free(&name);
	wf_buf_free(&val);
	return rc < 0 ? rc : rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* A record as "field  value" lines, as psql's \x does, for show commands:
 * nested objects as "key.field", lists of objects as a table of their own
 * under the field's name, other lists as compact JSON. */
static int
vertical(wf_out *o, const cJSON *rec)
{
	const cJSON *c, *sub;
	size_t wn = 0;
	int rc = 0, pass;

	for (pass = 0; pass < 2 && rc == 0; pass++)
		for (c = rec->child; c && rc == 0; c = c->next) {
			if (strcmp(c->string, "type") == 0 ||
			    (cJSON_IsArray(c) && cJSON_IsObject(c->child)))
				continue;       /* a sub-table, after the fields */
			if (cJSON_IsObject(c) && c->child)
				for (sub = c->child; sub && rc == 0; sub = sub->next)
					rc = vline(o, pass ? wn : 0, &wn, c->string, sub->string, sub);
			else
				rc = vline(o, pass ? wn : 0, &wn, c->string, NULL, c);
		}
	/* lists of objects: a table each, headed by the field's name */
	for (c = rec->child; c && rc == 0; c = c->next) {
		wf_out sub_out;
		const cJSON *e;
		if (!cJSON_IsArray(c) || !cJSON_IsObject(c->child))
			continue;
		if (fprintf(o->f, "\n%s:\n", c->string) < 0) {
			rc = io_error("write error");
			break;
		}
		memset(&sub_out, 0, sizeof sub_out);
		sub_out.f = o->f;
		sub_out.fmt = WF_FMT_TABLE;
		sub_out.term_width = o->term_width;
		for (e = c->child; e && rc == 0; e = e->next) {
			cJSON *copy = cJSON_Duplicate(e, 1);
			rc = copy ? wf_out_emit(&sub_out, copy) : wf_error_set(WF_ENOMEM, "out of memory");
		}
		if (rc == 0)
			rc = print_tables_of(&sub_out, 0);
		for (; sub_out.nrows > 0; sub_out.nrows--)
			cJSON_Delete(sub_out.rows[sub_out.nrows - 1]);
		wf_buf_free(&sub_out.line);
		free(sub_out.rows);
	}
	return rc;
}

/* Print the held rows as table blocks, one per run of rows of one shape;
 * with VERT, the records of the first record's type as vertical records. */
static int
print_tables_of(wf_out *o, int vert)
{
	const cJSON *t0 = o->nrows ? cJSON_GetObjectItemCaseSensitive(o->rows[0], "type") : NULL;
	size_t from = 0, r;
	int rc = 0, printed = 0;

	for (r = 0; r < o->nrows && rc == 0 && vert; r++) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o->rows[r], "type");
		if (!cJSON_IsString(t) || !cJSON_IsString(t0) ||
		    strcmp(t->valuestring, t0->valuestring) != 0)
			break;
		if (printed++ && fputc('\n', o->f) == EOF)
			rc = io_error("write error");
		if (rc == 0)
			rc = vertical(o, o->rows[r]);
	}
	from = r;
	for (r = from + 1; r <= o->nrows && rc == 0; r++) {
		if (r < o->nrows && same_shape(o, o->rows[from], o->rows[r]))
			continue;
		if (printed++ && fputc('\n', o->f) == EOF)
			return io_error("write error");
		if ((rc = table_block(o, from, r)) != 0)
			return rc;
		from = r;
	}
	for (r = 0; r < o->nrows; r++)
		cJSON_Delete(o->rows[r]);
	o->nrows = 0;
	return rc;
}

static int
print_tables(wf_out *o)
{
	return print_tables_of(o, o->vertical);
}

void
wf_out_vertical(wf_out *o, int on)
{
	o->vertical = on;
	o->vtype[0] = '\0';
}

int
wf_out_sublist(wf_out *o, const char *type, const char *key)
{
	size_t i;

	for (i = 0; i < o->nsub; i++)
		if (strcmp(o->sub[i].type, type) == 0 && strcmp(o->sub[i].key, key) == 0)
			return 0;
	if (o->nsub == sizeof o->sub / sizeof o->sub[0])
		return wf_error_set(WF_EINTERNAL, "more than %zu lists split out of records",
		    sizeof o->sub / sizeof o->sub[0]);
	o->sub[o->nsub].type = type;
	o->sub[o->nsub++].key = key;
	return 0;
}

void
wf_out_width(wf_out *o, size_t cols)
{
	o->term_width = cols;
}

int
wf_out_finish(wf_out *o)
{
	int rc = 0;

	if (o->hold > 0) {
		/* Held output never committed: drop it. */
		if (o->fmt != WF_FMT_TABLE)
			wf_out_rewind(o, 0);
		o->hold = 1;
		rc = wf_out_release(o);
	}
	if (rc == 0 && o->fmt == WF_FMT_TABLE)
		rc = print_tables(o);
	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		return rc ? rc : io_error("write error");
	return rc;
}
