/* out.c - JSON lines, table, CSV and TSV writers with held output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_out.h"

#define SPOOL_MEM ((size_t)4 << 20)

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
	long long spilled;       /* bytes in spill */
	/* csv/tsv header */
	cJSON    *cols;          /* array of column names, from the first record */
	long long header_end;    /* held position after the header, -1 if unheld */
	/* table: every record until finish */
	cJSON   **rows;
	size_t    nrows, caprows;
	long long count;
	struct colspec spec[16];
	size_t    nspec;
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
	o->header_end = -1;
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
	cJSON_Delete(o->cols);
	wf_buf_free(&o->mem);
	wf_buf_free(&o->line);
	wf_buf_free(&o->journal);
	free(o->jm);
	if (o->spill)
		fclose(o->spill);
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
	if (o->nspec < sizeof o->spec / sizeof o->spec[0]) {
		o->spec[o->nspec].type = type;
		o->spec[o->nspec].keys = keys;
		o->nspec++;
	}
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
	/* Count the records being dropped: one per newline. */
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
	if (o->header_end > mark) {
		o->header_end = -1;     /* the header went with it */
		o->count++;             /* ...and was counted as a line */
		cJSON_Delete(o->cols);
		o->cols = NULL;
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
		o->spill = NULL;
		o->spilled = 0;
	}
	if (o->mem.len && fwrite(o->mem.p, 1, o->mem.len, o->f) != o->mem.len)
		return io_error("write error");
	wf_buf_reset(&o->mem);
	o->header_end = -1;
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
csv_cell(wf_buf *b, const cJSON *v, char sep)
{
	wf_buf c = {0};
	size_t i;
	int rc;

	if ((rc = cell(&c, v)) != 0)
		goto out;
	if (sep == '\t') {
		for (i = 0; i < c.len && rc == 0; i++) {
			switch (c.p[i]) {
			case '\t': rc = wf_buf_adds(b, "\\t"); break;
			case '\n': rc = wf_buf_adds(b, "\\n"); break;
			case '\r': rc = wf_buf_adds(b, "\\r"); break;
			case '\\': rc = wf_buf_adds(b, "\\\\"); break;
			default:   rc = wf_buf_addc(b, c.p[i]); break;
			}
		}
	} else if (c.len && strpbrk(c.p, ",\"\r\n") != NULL) {
		rc |= wf_buf_addc(b, '"');
		for (i = 0; i < c.len; i++) {
			if (c.p[i] == '"')
				rc |= wf_buf_addc(b, '"');
			rc |= wf_buf_addc(b, c.p[i]);
		}
		rc |= wf_buf_addc(b, '"');
	} else if (c.len)
		rc = wf_buf_add(b, c.p, c.len);
out:
	wf_buf_free(&c);
	return rc ? WF_ENOMEM : 0;
}

static int
emit_delimited(wf_out *o, const cJSON *rec)
{
	char sep = o->fmt == WF_FMT_CSV ? ',' : '\t';
	const cJSON *c;
	int rc = 0, first = 1;

	if (o->cols == NULL) {
		const char *const *keys = columns_for(o, rec);
		if ((o->cols = cJSON_CreateArray()) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		if (keys)
			for (; *keys; keys++)
				cJSON_AddItemToArray(o->cols, cJSON_CreateString(*keys));
		else
			for (c = rec->child; c; c = c->next)
				cJSON_AddItemToArray(o->cols, cJSON_CreateString(c->string));
		wf_buf_reset(&o->line);
		for (c = o->cols->child; c; c = c->next) {
			if (c != o->cols->child)
				rc |= wf_buf_addc(&o->line, sep);
			rc |= csv_cell(&o->line, c, sep);
		}
		rc |= wf_buf_addc(&o->line, '\n');
		if (rc || (rc = put(o, o->line.p, o->line.len)) != 0)
			return rc ? rc : WF_ENOMEM;
		o->header_end = o->hold ? held_len(o) : -1;
	}
	wf_buf_reset(&o->line);
	for (c = o->cols->child; c; c = c->next) {
		if (!first)
			rc |= wf_buf_addc(&o->line, sep);
		first = 0;
		rc |= csv_cell(&o->line,
		    cJSON_GetObjectItemCaseSensitive(rec, c->valuestring), sep);
	}
	rc |= wf_buf_addc(&o->line, '\n');
	if (rc)
		return WF_ENOMEM;
	return put(o, o->line.p, o->line.len);
}

/* Keep REC in the journal. */
static int
journal_add(wf_out *o, const cJSON *rec)
{
	if (o->njm == o->capjm) {
		size_t cap = o->capjm ? 2 * o->capjm : 64;
		struct jmark *p = realloc(o->jm, cap * sizeof *p);
		if (p == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		o->jm = p;
		o->capjm = cap;
	}
	if (wf_json_write(&o->journal, rec) != 0 || wf_buf_addc(&o->journal, '\n') != 0)
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

int
wf_out_emit(wf_out *o, cJSON *rec)
{
	int rc = 0;

	if (rec == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (o->journaling && (rc = journal_add(o, rec)) != 0) {
		cJSON_Delete(rec);
		return rc;
	}
	switch (o->fmt) {
	case WF_FMT_JSONL:
		wf_buf_reset(&o->line);
		if ((rc = wf_json_write(&o->line, rec)) == 0 &&
		    (rc = wf_buf_addc(&o->line, '\n')) == 0)
			rc = put(o, o->line.p, o->line.len);
		cJSON_Delete(rec);
		break;
	case WF_FMT_CSV:
	case WF_FMT_TSV:
		rc = emit_delimited(o, rec);
		cJSON_Delete(rec);
		break;
	case WF_FMT_TABLE:
		if (o->nrows == o->caprows) {
			size_t cap = o->caprows ? o->caprows * 2 : 64;
			cJSON **p = realloc(o->rows, cap * sizeof *p);
			if (p == NULL) {
				cJSON_Delete(rec);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
			o->rows = p;
			o->caprows = cap;
		}
		o->rows[o->nrows++] = rec;
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

/* ---- tables -------------------------------------------------------------- */

/* Display width of UTF-8 text: code points, not bytes. */
static size_t
width(const char *s, size_t n)
{
	size_t w = 0, i;

	for (i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xC0) != 0x80;
	return w;
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

#define MAXCELL 60

/* The cell text for a table: control characters become spaces, long text is
 * cut with "...". */
static int
table_cell(wf_buf *b, const cJSON *v)
{
	wf_buf c = {0};
	size_t i, w = 0;
	int rc = cell(&c, v);

	if (rc == 0 && c.len == 0 && (v == NULL || cJSON_IsNull(v)))
		rc = wf_buf_adds(&c, "-");
	for (i = 0; rc == 0 && i < c.len; i++) {
		unsigned char ch = (unsigned char)c.p[i];
		if ((ch & 0xC0) != 0x80 && ++w > MAXCELL) {
			rc = wf_buf_adds(b, "...");
			break;
		}
		rc = wf_buf_addc(b, ch < 0x20 ? ' ' : (char)ch);
	}
	wf_buf_free(&c);
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

/* Print rows [from, to) as one table block sharing a header. */
static int
table_block(wf_out *o, size_t from, size_t to)
{
	const char *const *keys = columns_for(o, o->rows[from]);
	const char *names[64];
	size_t ncol = 0, w[64], r, k;
	int right[64];
	wf_buf cellbuf = {0};
	const cJSON *c;
	int rc = 0;

	if (keys)
		for (; keys[ncol] && ncol < 64; ncol++)
			names[ncol] = keys[ncol];
	else    /* a block shares one type: the column would say nothing */
		for (c = o->rows[from]->child; c && ncol < 64; c = c->next)
			if (strcmp(c->string, "type") != 0)
				names[ncol++] = c->string;
	for (k = 0; k < ncol; k++) {
		w[k] = width(names[k], strlen(names[k]));
		right[k] = 1;
	}
	for (r = from; r < to; r++)
		for (k = 0; k < ncol; k++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(o->rows[r], names[k]);
			wf_buf_reset(&cellbuf);
			if (table_cell(&cellbuf, v))
				goto nomem;
			if (width(cellbuf.p ? cellbuf.p : "", cellbuf.len) > w[k])
				w[k] = width(cellbuf.p, cellbuf.len);
			if (v && !cJSON_IsNull(v) && !cJSON_IsNumber(v) &&
			    !(cJSON_IsString(v) && numeric(v->valuestring)))
				right[k] = 0;
		}
	/* header, then rows; the last column is not padded */
	for (r = from; r <= to; r++) {
		wf_buf_reset(&o->line);
		for (k = 0; k < ncol; k++) {
			size_t pad, cw;
			wf_buf_reset(&cellbuf);
			if (r == from) {
				const char *n = names[k];
				for (; *n; n++)
					rc |= wf_buf_addc(&cellbuf, *n == '_' ? ' ' :
					    (*n >= 'a' && *n <= 'z' ? (char)(*n - 32) : *n));
			} else
				rc |= table_cell(&cellbuf, cJSON_GetObjectItemCaseSensitive(
				    o->rows[r - 1], names[k]));
			if (rc)
				goto nomem;
			cw = width(wf_buf_str(&cellbuf), cellbuf.len);
			pad = w[k] - cw;
			if (right[k])
				while (pad-- > 0)
					rc |= wf_buf_addc(&o->line, ' ');
			rc |= wf_buf_add(&o->line, wf_buf_str(&cellbuf), cellbuf.len);
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
			wf_buf_free(&cellbuf);
			return io_error("write error");
		}
	}
	wf_buf_free(&cellbuf);
	return 0;
nomem:
	wf_buf_free(&cellbuf);
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static int
print_tables(wf_out *o)
{
	size_t from = 0, r;
	int rc;

	for (r = 1; r <= o->nrows; r++) {
		if (r < o->nrows && same_shape(o, o->rows[from], o->rows[r]))
			continue;
		if (from > 0 && fputc('\n', o->f) == EOF)
			return io_error("write error");
		if ((rc = table_block(o, from, r)) != 0)
			return rc;
		from = r;
	}
	for (r = 0; r < o->nrows; r++)
		cJSON_Delete(o->rows[r]);
	o->nrows = 0;
	return 0;
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
