/* json.c - hardened JSON-lines reader, typed access, exact writer. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_text.h"
#include "wf_time.h"

/* ---- strict scanner ------------------------------------------------------ */

struct scan {
	const unsigned char *s;
	size_t n, i;
	int depth;
	size_t *num;            /* pairs: offset, length of every number */
	size_t nnum, capnum;
	const char *err;
};

static int
fail(struct scan *sc, const char *msg)
{
	if (sc->err == NULL)
		sc->err = msg;
	return -1;
}

static void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->i++;
	}
}

static int
peek(struct scan *sc)
{
	return sc->i < sc->n ? sc->s[sc->i] : -1;
}

static int
hex4(struct scan *sc, unsigned *cp)
{
	unsigned v = 0;
	int k;

	if (sc->i + 4 > sc->n)
		return fail(sc, "truncated \\u escape");
	for (k = 0; k < 4; k++) {
		unsigned char c = sc->s[sc->i + k];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= c - '0';
		else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
		else return fail(sc, "bad \\u escape");
	}
	sc->i += 4;
	*cp = v;
	return 0;
}

/* Check one UTF-8 sequence starting at sc->i (first byte >= 0x80). */
static int
utf8_seq(struct scan *sc)
{
	const unsigned char *p = sc->s + sc->i;
	size_t left = sc->n - sc->i, len, k;
	unsigned char lo = 0x80, hi = 0xBF;

	if (p[0] >= 0xC2 && p[0] <= 0xDF) len = 2;
	else if (p[0] == 0xE0) { len = 3; lo = 0xA0; }
	else if (p[0] >= 0xE1 && p[0] <= 0xEC) len = 3;
	else if (p[0] == 0xED) { len = 3; hi = 0x9F; }
	else if (p[0] >= 0xEE && p[0] <= 0xEF) len = 3;
	else if (p[0] == 0xF0) { len = 4; lo = 0x90; }
	else if (p[0] >= 0xF1 && p[0] <= 0xF3) len = 4;
	else if (p[0] == 0xF4) { len = 4; hi = 0x8F; }
	else return fail(sc, "invalid UTF-8");
	if (left < len)
		return fail(sc, "invalid UTF-8");
	if (p[1] < lo || p[1] > hi)
		return fail(sc, "invalid UTF-8");
	for (k = 2; k < len; k++)
		if (p[k] < 0x80 || p[k] > 0xBF)
			return fail(sc, "invalid UTF-8");
	sc->i += len;
	return 0;
}

static int
scan_string(struct scan *sc)
{
	unsigned cp, lo;

	sc->i++;        /* opening quote */
	for (;;) {
		int c = peek(sc);
		if (c < 0)
			return fail(sc, "unterminated string");
		if (c == '"') {
			sc->i++;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, "control character in string");
		if (c >= 0x80) {
			if (utf8_seq(sc))
				return -1;
			continue;
		}
		if (c != '\\') {
			sc->i++;
			continue;
		}
		sc->i++;
		c = peek(sc);
		switch (c) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			sc->i++;
			continue;
		case 'u':
			sc->i++;
			if (hex4(sc, &cp))
				return -1;
			if (cp == 0)
				return fail(sc, "\\u0000 (NUL) in string");
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(sc, "lone surrogate in string");
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (sc->i + 2 > sc->n || sc->s[sc->i] != '\\' ||
				    sc->s[sc->i + 1] != 'u')
					return fail(sc, "lone surrogate in string");
				sc->i += 2;
				if (hex4(sc, &lo))
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return fail(sc, "lone surrogate in string");
			}
			continue;
		default:
			return fail(sc, "bad escape in string");
		}
	}
}

static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
scan_number(struct scan *sc)
{
	size_t start = sc->i;

	if (peek(sc) == '-')
		sc->i++;
	if (peek(sc) == '0') {
		sc->i++;
		if (isdig(peek(sc)))
			return fail(sc, "leading zero in number");
	} else if (isdig(peek(sc))) {
		while (isdig(peek(sc)))
			sc->i++;
	} else
		return fail(sc, "bad number");
	if (peek(sc) == '.') {
		sc->i++;
		if (!isdig(peek(sc)))
			return fail(sc, "bad number");
		while (isdig(peek(sc)))
			sc->i++;
	}
	if (peek(sc) == 'e' || peek(sc) == 'E') {
		sc->i++;
		if (peek(sc) == '+' || peek(sc) == '-')
			sc->i++;
		if (!isdig(peek(sc)))
			return fail(sc, "bad number");
		while (isdig(peek(sc)))
			sc->i++;
	}
	if (sc->nnum + 2 > sc->capnum) {
		size_t cap = sc->capnum ? sc->capnum * 2 : 32;
		size_t *p = realloc(sc->num, cap * sizeof *p);
		if (p == NULL)
			return fail(sc, "out of memory");
		sc->num = p;
		sc->capnum = cap;
	}
	sc->num[sc->nnum++] = start;
	sc->num[sc->nnum++] = sc->i - start;
	return 0;
}

static int
scan_literal(struct scan *sc, const char *word)
{
	size_t len = strlen(word);

	if (sc->n - sc->i < len || memcmp(sc->s + sc->i, word, len) != 0)
		return fail(sc, "unexpected character");
	sc->i += len;
	return 0;
}

static int scan_value(struct scan *sc);

static int
scan_container(struct scan *sc, int close)
{
	int first = 1;

	if (++sc->depth > WF_JSON_MAX_DEPTH)
		return fail(sc, "nesting too deep");
	sc->i++;
	skip_ws(sc);
	if (peek(sc) == close) {
		sc->i++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		if (!first) {
			skip_ws(sc);
			if (peek(sc) == close) {
				sc->i++;
				sc->depth--;
				return 0;
			}
			if (peek(sc) != ',')
				return fail(sc, close == '}' ?
				    "expected ',' or '}'" : "expected ',' or ']'");
			sc->i++;
			skip_ws(sc);
		}
		first = 0;
		if (close == '}') {
			if (peek(sc) != '"')
				return fail(sc, "expected a string key");
			if (scan_string(sc))
				return -1;
			skip_ws(sc);
			if (peek(sc) != ':')
				return fail(sc, "expected ':'");
			sc->i++;
			skip_ws(sc);
		}
		if (scan_value(sc))
			return -1;
	}
}

static int
scan_value(struct scan *sc)
{
	switch (peek(sc)) {
	case '{': return scan_container(sc, '}');
	case '[': return scan_container(sc, ']');
	case '"': return scan_string(sc);
	case 't': return scan_literal(sc, "true");
	case 'f': return scan_literal(sc, "false");
	case 'n': return scan_literal(sc, "null");
	case -1:  return fail(sc, "unexpected end of line");
	default:  return scan_number(sc);
	}
}

/* ---- after cJSON: duplicate keys, exact numbers ---------------------------- */

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Find a duplicated member name of object O: 1 with *dup, 0 when every
 * name is distinct, -1 when out of memory.  (The name may be "", so the
 * result cannot double as the out-of-memory signal.) */
static int
dup_key(const cJSON *o, const char **dup)
{
	const cJSON *a, *b;
	const char **keys;
	size_t n = 0, i;
	int found = 0;

	for (a = o->child; a; a = a->next)
		n++;
	if (n < 16) {
		for (a = o->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (a->string[0] == b->string[0] &&
				    strcmp(a->string, b->string) == 0) {
					*dup = a->string;
					return 1;
				}
		return 0;
	}
	if ((keys = malloc(n * sizeof *keys)) == NULL)
		return -1;
	for (i = 0, a = o->child; a; a = a->next)
		keys[i++] = a->string;
	wf_sort(keys, n, sizeof *keys, cmp_keys);
	for (i = 1; i < n && !found; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0) {
			*dup = keys[i];
			found = 1;
		}
	free(keys);
	return found;
}

static int excerpt(wf_buf *b, const char *s, size_t max);

static int
walk(cJSON *v, const wf_jloc *at, struct scan *sc, size_t *k)
{
	cJSON *c;
	long i = 0;
	int rc;

	if (cJSON_IsNumber(v)) {
		size_t off, len;
		char *lex;

		if (*k + 2 > sc->nnum)
			return wf_jerr(at, NULL, "internal: number count mismatch");
		off = sc->num[(*k)++];
		len = sc->num[(*k)++];
		if ((lex = cJSON_malloc(len + 1)) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		memcpy(lex, sc->s + off, len);
		lex[len] = '\0';
		v->valuestring = lex;
		return 0;
	}
	if (cJSON_IsObject(v)) {
		const char *d = NULL;
		int dup = dup_key(v, &d);
		if (dup > 0) {
			wf_buf name = {0};
			if (excerpt(&name, d, 64) != 0) {
				wf_buf_free(&name);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
			rc = wf_jerr(at, NULL, "duplicate key '%s'", wf_buf_str(&name));
			wf_buf_free(&name);
			return rc;
		}
		if (dup < 0)
			return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	for (c = v->child; c; c = c->next, i++) {
		wf_jloc here = { at, NULL, i, NULL, 0 };
		if (cJSON_IsObject(v))
			here.key = c->string;
		if ((rc = walk(c, &here, sc, k)) != 0)
			return rc;
	}
	return 0;
}

/* Parse N bytes at S: an object, or with ARRAY also an array. */
static int
parse(const char *s, size_t n, int array, cJSON **out)
{
	struct scan sc = { (const unsigned char *)s, n, 0, 0, NULL, 0, 0, NULL };
	wf_jloc root = WF_JLOC_ROOT(NULL, 0);
	const char *end = NULL;
	cJSON *v;
	size_t k = 0;
	int rc;

	*out = NULL;
	if (memchr(s, '\0', n) != NULL)
		return wf_error_set(WF_EINPUT, "NUL byte at byte %zu",
		    (size_t)((const char *)memchr(s, '\0', n) - s) + 1);
	skip_ws(&sc);
	if (peek(&sc) != '{' && !(array && peek(&sc) == '[')) {
		free(sc.num);
		return wf_error_set(WF_EINPUT, array ? "expected a JSON object or array" :
		    "expected a JSON object");
	}
	if (scan_value(&sc) == 0) {
		skip_ws(&sc);
		if (sc.i != sc.n)
			fail(&sc, array ? "unexpected text after the document" :
			    "unexpected text after the object");
	}
	if (sc.err) {
		rc = wf_error_set(WF_EINPUT, "invalid JSON at byte %zu: %s",
		    sc.i + 1, sc.err);
		free(sc.num);
		return rc;
	}
	v = cJSON_ParseWithLengthOpts(s, n, &end, 0);
	if (v == NULL) {
		free(sc.num);
		return wf_error_set(WF_EINPUT, "invalid JSON (rejected by the parser)");
	}
	if ((rc = walk(v, &root, &sc, &k)) != 0) {
		cJSON_Delete(v);
		free(sc.num);
		return rc;
	}
	free(sc.num);
	*out = v;
	return 0;
}

int
wf_json_parse(const char *s, size_t n, cJSON **out)
{
	return parse(s, n, 0, out);
}

int
wf_json_parse_doc(const char *s, size_t n, cJSON **out)
{
	return parse(s, n, 1, out);
}

/* ---- line reader --------------------------------------------------------- */

#define RBUF 65536

struct wf_jsonl {
	FILE  *f;
	char  *name;
	size_t max;
	long   line;
	char  *rb;
	size_t rpos, rlen;
	int    eof;
	wf_buf cur;
	/* documents (wf_jsonl_documents): the members that hold records */
	const char *const *members;
	int    docs;
	cJSON *list;            /* records still to hand out, detached one by one */
	const char *member;     /* the member they came from ("" for a top array) */
	long   index;           /* the index of the last one handed out, or -1 */
	long   list_line;       /* the line the document began on */
};

int
wf_jsonl_open(wf_jsonl **out, FILE *f, const char *name, size_t max)
{
	wf_jsonl *r = calloc(1, sizeof *r);

	if (r == NULL || (r->rb = malloc(RBUF)) == NULL ||
	    (r->name = strdup(name)) == NULL) {
		if (r)
			free(r->rb);
		free(r);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	r->f = f;
	r->max = max ? max : WF_JSON_MAX_LINE;
	r->cur.max = r->max + 1;
	r->index = -1;
	*out = r;
	return 0;
}

void
wf_jsonl_documents(wf_jsonl *r, const char *const *members)
{
	static const char *const none[] = { NULL };

	r->members = members ? members : none;
	r->docs = 1;
	if (r->max < WF_JSON_MAX_DOC) {
		r->max = WF_JSON_MAX_DOC;
		r->cur.max = r->max + 1;
	}
}

/* Read one physical line into r->cur.  Returns 1 (line), 0 (EOF), WF_EIO,
 * or 2 when the line was longer than the cap (consumed, not kept). */
static int
next_line(wf_jsonl *r)
{
	int got = 0, toolong = 0;

	wf_buf_reset(&r->cur);
	for (;;) {
		char *nl;
		size_t n;

		if (r->rpos == r->rlen) {
			if (r->eof)
				break;
			r->rlen = fread(r->rb, 1, RBUF, r->f);
			r->rpos = 0;
			if (r->rlen == 0) {
				if (ferror(r->f))
					return wf_error_set(WF_EIO, "%s: read error", r->name);
				r->eof = 1;
				break;
			}
		}
		got = 1;
		nl = memchr(r->rb + r->rpos, '\n', r->rlen - r->rpos);
		n = nl ? (size_t)(nl - (r->rb + r->rpos)) : r->rlen - r->rpos;
		if (!toolong) {
			if (r->cur.len + n > r->max)
				toolong = 1;
			else if (wf_buf_add(&r->cur, r->rb + r->rpos, n))
				return WF_ENOMEM;
		}
		r->rpos += n + (nl != NULL);
		if (nl)
			break;
	}
	if (!got)
		return 0;
	r->line++;
	if (toolong)
		return 2;
	if (r->cur.len && r->cur.p[r->cur.len - 1] == '\r')
		r->cur.p[--r->cur.len] = '\0';
	return 1;
}

static int
blank(const wf_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] != ' ' && b->p[i] != '\t')
			return 0;
	return 1;
}

/* The rest of the input after the current line, appended to r->cur (a
 * pretty-printed document).  Returns 0, WF_EINPUT past the cap, or WF_EIO. */
static int
slurp(wf_jsonl *r)
{
	if (wf_buf_addc(&r->cur, '\n') != 0)
		goto toolong;
	for (;;) {
		if (r->rpos == r->rlen) {
			if (r->eof)
				return 0;
			r->rlen = fread(r->rb, 1, RBUF, r->f);
			r->rpos = 0;
			if (r->rlen == 0) {
				if (ferror(r->f))
					return wf_error_set(WF_EIO, "%s: read error", r->name);
				r->eof = 1;
				return 0;
			}
		}
		if (wf_buf_add(&r->cur, r->rb + r->rpos, r->rlen - r->rpos) != 0)
			goto toolong;
		r->rpos = r->rlen;
	}
toolong:
	return wf_error_set(WF_EINPUT, "%s: a document longer than the limit of %zu bytes;"
	    " give its records as JSON lines (jq -c)", r->name, r->max);
}

/* Hand out OBJ, or the records of the list it holds (a top-level array, or
 * the first of r->members that is an array). */
static int
records_of(wf_jsonl *r, cJSON *v, cJSON **obj)
{
	const char *const *m;

	r->member = NULL;
	r->index = -1;
	if (cJSON_IsArray(v)) {
		r->list = v;
		r->member = "";
	} else if (r->docs) {
		for (m = r->members; *m; m++) {
			cJSON *a = cJSON_GetObjectItemCaseSensitive(v, *m);
			if (cJSON_IsArray(a)) {
				r->list = cJSON_DetachItemViaPointer(v, a);
				r->member = *m;
				cJSON_Delete(v);
				break;
			}
		}
	}
	if (r->list == NULL) {
		*obj = v;
		return 1;
	}
	r->list_line = r->line;
	return wf_jsonl_read(r, obj);
}

int
wf_jsonl_read(wf_jsonl *r, cJSON **obj)
{
	long first;
	int rc;

	*obj = NULL;
	if (r->list) {
		cJSON *e = r->list->child;
		if (e == NULL) {
			cJSON_Delete(r->list);
			r->list = NULL;
			r->index = -1;
			r->member = NULL;
		} else {
			r->index++;
			cJSON_DetachItemViaPointer(r->list, e);
			if (!cJSON_IsObject(e)) {
				cJSON_Delete(e);
				if (*r->member)
					return wf_error_set(WF_EINPUT, "%s:%ld: %s[%ld]: expected a JSON "
					    "object", r->name, r->list_line, r->member, r->index);
				return wf_error_set(WF_EINPUT, "%s:%ld: [%ld]: expected a JSON object",
				    r->name, r->list_line, r->index);
			}
			*obj = e;
			return 1;
		}
	}
	for (;;) {
		rc = next_line(r);
		if (rc <= 0)
			return rc;
		if (rc == 2)
			return wf_error_set(WF_EINPUT,
			    "%s:%ld: line is longer than the limit of %zu bytes",
			    r->name, r->line, r->max);
		if (!blank(&r->cur))
			break;
	}
	first = r->line;
	if (r->docs) {
		cJSON *v;
		if (wf_json_parse_doc(wf_buf_str(&r->cur), r->cur.len, &v) == 0)
			return records_of(r, v, obj);
		/* not a whole value on one line: a pretty-printed document */
		if ((rc = slurp(r)) != 0)
			return rc;
		if ((rc = wf_json_parse_doc(wf_buf_str(&r->cur), r->cur.len, &v)) != 0)
			return wf_error_prefix("%s:%ld", r->name, first);
		r->line = first;
		return records_of(r, v, obj);
	}
	if ((rc = wf_json_parse(wf_buf_str(&r->cur), r->cur.len, obj)) != 0) {
		const char *p = wf_buf_str(&r->cur), *end = p + r->cur.len;
		while (*p == ' ' || *p == '\t')
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		wf_error_prefix("%s:%ld", r->name, r->line);
		/* a list, or the first line of a pretty-printed document ("{", or
		 * '{"orders": ['), not a line cut short */
		if (*p == '[' || (*p == '{' && end > p && (end[-1] == '{' || end[-1] == '[')))
			return wf_error_set(rc, "%s; one JSON object per line: try jq -c",
			    wf_error_msg());
		return rc;
	}
	return 1;
}

const char *
wf_jsonl_member(const wf_jsonl *r)
{
	return r->index >= 0 ? r->member : NULL;
}

long
wf_jsonl_index(const wf_jsonl *r)
{
	return r->index;
}

long
wf_jsonl_lineno(const wf_jsonl *r)
{
	return r->line;
}

const char *
wf_jsonl_name(const wf_jsonl *r)
{
	return r->name;
}

void
wf_jsonl_close(wf_jsonl *r)
{
	if (r == NULL)
		return;
	wf_buf_free(&r->cur);
	cJSON_Delete(r->list);
	free(r->rb);
	free(r->name);
	free(r);
}

/* ---- locations and errors ------------------------------------------------ */

static int utf8_len(const unsigned char *p);

/* Append at most MAX bytes of input text S to B for a message, cut between
 * characters and marked "..." when cut.  (wf_error_set() escapes control
 * characters.) */
static int
excerpt(wf_buf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	while (*p) {
		int len = *p >= 0x80 ? utf8_len(p) : 1;
		size_t n = len < 0 ? 1 : (size_t)len;

		if (used + n > max)
			return wf_buf_add(b, s, used) || wf_buf_adds(b, "...") ? WF_ENOMEM : 0;
		used += n;
		p += n;
	}
	return wf_buf_add(b, s, used);
}

int
wf_jloc_path(wf_buf *b, const wf_jloc *loc, const char *key)
{
	const wf_jloc *chain[WF_JSON_MAX_DEPTH + 8];
	const wf_jloc *l;
	size_t n = 0, start = b->len;
	int rc = 0;

	for (l = loc; l && n < sizeof chain / sizeof chain[0]; l = l->up)
		chain[n++] = l;
	if (n && chain[n - 1]->src)
		rc |= wf_buf_addf(b, "%s:%ld: ", chain[n - 1]->src, chain[n - 1]->line);
	start = b->len;
	while (n-- > 0) {
		l = chain[n];
		if (l->up == NULL)
			continue;
		if (l->key) {
			if (b->len > start)
				rc |= wf_buf_addc(b, '.');
			rc |= excerpt(b, l->key, 64);
		} else
			rc |= wf_buf_addf(b, "[%ld]", l->index);
	}
	if (key) {
		if (b->len > start)
			rc |= wf_buf_addc(b, '.');
		rc |= excerpt(b, key, 64);
	}
	if (b->len > start)
		rc |= wf_buf_adds(b, ": ");
	return rc ? WF_ENOMEM : 0;
}

int
wf_jerr(const wf_jloc *at, const char *key, const char *fmt, ...)
{
	wf_buf b = WF_BUF_INIT(4096);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	wf_jloc_path(&b, at, key);
	wf_error_set(WF_EINPUT, "%s%s", wf_buf_str(&b), msg);
	wf_buf_free(&b);
	return WF_EINPUT;
}

/* A short description of V for "got ..." in messages: a literal, or text in
 * BUF (N >= DESCRIBE_MAX). */
#define DESCRIBE_MAX (2 + 40 + 3 + 1)          /* quotes, text, "...", NUL */
static const char *
describe(const cJSON *v, char *buf, size_t n)
{
	if (v == NULL || cJSON_IsNull(v))
		return "null";
	if (cJSON_IsTrue(v))
		return "true";
	if (cJSON_IsFalse(v))
		return "false";
	if (cJSON_IsObject(v))
		return "an object";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "%.40s", v->valuestring ? v->valuestring : "a number");
		return buf;
	}
	{
		wf_buf b = {0};
		if (wf_buf_addc(&b, '"') || excerpt(&b, v->valuestring, 40) ||
		    wf_buf_addc(&b, '"'))
			wf_strlcpy(buf, "a string", n);
		else
			wf_strlcpy(buf, b.p, n);   /* n >= DESCRIBE_MAX: never cut */
		wf_buf_free(&b);
	}
	return buf;
}

/* Member KEY of O, as cJSON_GetObjectItemCaseSensitive finds it, but
 * comparing first bytes before calling strcmp: an import looks up some
 * thirty keys per line, most of them against members they do not match. */
static const cJSON *
member(const cJSON *o, const char *key)
{
	const cJSON *c;

	if (o == NULL || key == NULL)
		return NULL;
	for (c = o->child; c && c->string; c = c->next)
		if (c->string[0] == key[0] && strcmp(c->string, key) == 0)
			return c;
	return NULL;
}

/* Look KEY up; 1 when absent/null (error when required), 0 when present. */
static int
lookup(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    const cJSON **item)
{
	*item = member(o, key);
	if (*item == NULL || cJSON_IsNull(*item)) {
		if (fl & WF_J_REQ)
			return wf_jerr(at, key, *item ? "must not be null" : "missing");
		return 1;
	}
	return 0;
}

int
wf_jget_str(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, size_t maxlen, const char **out)
{
	const cJSON *v;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (!cJSON_IsString(v))
		return wf_jerr(at, key, "expected a string, got %s", describe(v, d, sizeof d));
	if ((fl & WF_J_NONEMPTY) && v->valuestring[0] == '\0')
		return wf_jerr(at, key, "must not be empty");
	if (maxlen && strlen(v->valuestring) > maxlen)
		return wf_jerr(at, key, "longer than %zu bytes", maxlen);
	*out = v->valuestring;
	return 0;
}

/* Parse an integer lexeme exactly: -?[0-9]+ within +-(2^53-1). */
static int
int_lexeme(const char *s, int64_t *out)
{
	int neg = 0;
	int64_t v = 0;

	if (s == NULL)
		return -1;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!isdig((unsigned char)*s))
		return -1;
	for (; *s; s++) {
		if (!isdig((unsigned char)*s))
			return -1;
		if (v > (WF_JSON_INT_MAX - (*s - '0')) / 10)
			return -2;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

int
wf_jget_int(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int64_t min, int64_t max, int64_t *out)
{
	const cJSON *v;
	int64_t n = 0;
	char buf[DESCRIBE_MAX];
	const char *d;
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	rc = cJSON_IsNumber(v) ? int_lexeme(v->valuestring, &n) : -1;
	if (rc == 0 && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	d = describe(v, buf, sizeof buf);      /* not always in buf */
	if (rc == -2)
		return wf_jerr(at, key, "integer %s is out of range", d);
	if (min == 1 && max >= WF_JSON_INT_MAX)
		return wf_jerr(at, key, "expected a positive integer, got %s", d);
	if (min == 0 && max >= WF_JSON_INT_MAX)
		return wf_jerr(at, key, "expected a non-negative integer, got %s", d);
	return wf_jerr(at, key, "expected an integer from %lld to %lld, got %s",
	    (long long)min, (long long)max, d);
}

int
wf_jget_bool(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int *out)
{
	const cJSON *v;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (!cJSON_IsBool(v))
		return wf_jerr(at, key, "expected true or false, got %s",
		    describe(v, d, sizeof d));
	*out = cJSON_IsTrue(v);
	return 0;
}

int
wf_jget_money(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const char *currency, int64_t *out)
{
	const cJSON *v;
	const char *s;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (cJSON_IsString(v))
		s = v->valuestring;
	else if (cJSON_IsNumber(v) && (fl & WF_J_NUMOK) && v->valuestring)
		s = v->valuestring;
	else
		return wf_jerr(at, key, "expected a decimal string like \"19.99\", got %s",
		    describe(v, d, sizeof d));
	if (wf_money_parse(s, currency, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

int
wf_jget_time(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, int64_t *out)
{
	const char *s;
	int rc;

	if ((rc = wf_jget_str(at, o, key, fl | WF_J_NONEMPTY, 64, &s)) != 0)
		return rc;
	if (wf_time_parse(s, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

int
wf_jget_id(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const char **out)
{
	const cJSON *v;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) <= 128) {
		*out = v->valuestring;
		return 0;
	}
	if (cJSON_IsNumber(v) && v->valuestring && strlen(v->valuestring) <= 128 &&
	    strspn(v->valuestring, "0123456789") == strlen(v->valuestring)) {
		*out = v->valuestring;
		return 0;
	}
	return wf_jerr(at, key, "expected an id (a string or a whole number), got %s",
	    describe(v, d, sizeof d));
}

int
wf_jget_obj(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const cJSON **out)
{
	const cJSON *v;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (!cJSON_IsObject(v))
		return wf_jerr(at, key, "expected an object, got %s", describe(v, d, sizeof d));
	*out = v;
	return 0;
}

int
wf_jget_arr(const wf_jloc *at, const cJSON *o, const char *key,
    unsigned fl, const cJSON **out)
{
	const cJSON *v;
	char d[DESCRIBE_MAX];
	int rc;

	if ((rc = lookup(at, o, key, fl, &v)) != 0)
		return rc;
	if (!cJSON_IsArray(v))
		return wf_jerr(at, key, "expected an array, got %s", describe(v, d, sizeof d));
	*out = v;
	return 0;
}

int
wf_jcheck_keys(const wf_jloc *at, const cJSON *o, const char *const *known)
{
	const cJSON *c;
	size_t i;

	for (c = o->child; c; c = c->next) {
		for (i = 0; known[i]; i++)
			if (strcmp(known[i], c->string) == 0)
				break;
		if (known[i] == NULL) {
			struct wf_text_near near;
			wf_text_near_init(&near, c->string);
			for (i = 0; known[i]; i++)
				wf_text_near_add(&near, known[i]);
			if (wf_text_near_best(&near))
				return wf_jerr(at, c->string, "unknown key; did you mean '%s'?",
				    wf_text_near_best(&near));
			return wf_jerr(at, c->string, "unknown key");
		}
	}
	return 0;
}

int
wf_utf8_valid(const char *s, size_t n)
{
	struct scan sc = { (const unsigned char *)s, n, 0, 0, NULL, 0, 0, NULL };

	while (sc.i < n) {
		if (sc.s[sc.i] < 0x80)
			sc.i++;
		else if (utf8_seq(&sc) != 0)
			return 0;
	}
	return 1;
}

const char *
wf_json_lexeme(const cJSON *num)
{
	return cJSON_IsNumber(num) ? num->valuestring : NULL;
}

/* ---- building ------------------------------------------------------------ */

cJSON *
wf_json_int(int64_t v)
{
	char lex[24], *p;
	cJSON *n;

	snprintf(lex, sizeof lex, "%lld", (long long)v);
	if ((n = cJSON_CreateNumber((double)v)) == NULL)
		return NULL;
	if ((p = cJSON_malloc(strlen(lex) + 1)) == NULL) {
		cJSON_Delete(n);
		return NULL;
	}
	memcpy(p, lex, strlen(lex) + 1);
	n->valuestring = p;
	return n;
}

int
wf_jadd_item(cJSON *o, const char *key, cJSON *item)
{
	if (item == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (!cJSON_AddItemToObject(o, key, item)) {
		cJSON_Delete(item);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return 0;
}

int
wf_jadd_lit(cJSON *o, const char *key, cJSON *item)
{
	if (item == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (!cJSON_AddItemToObjectCS(o, key, item)) {
		cJSON_Delete(item);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return 0;
}

cJSON *
wf_json_str(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

cJSON *
wf_json_money(int64_t minor, const char *currency)
{
	char buf[40];

	if (wf_money_format(minor, currency, buf, sizeof buf) != 0)
		return NULL;
	return cJSON_CreateString(buf);
}

int
wf_jadd_int(cJSON *o, const char *key, int64_t v)
{
	return wf_jadd_item(o, key, wf_json_int(v));
}

int
wf_jadd_str(cJSON *o, const char *key, const char *s)
{
	return wf_jadd_item(o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

int
wf_jadd_bool(cJSON *o, const char *key, int v)
{
	return wf_jadd_item(o, key, cJSON_CreateBool(v));
}

int
wf_jadd_null(cJSON *o, const char *key)
{
	return wf_jadd_item(o, key, cJSON_CreateNull());
}

int
wf_jadd_money(cJSON *o, const char *key, int64_t minor, const char *currency)
{
	char buf[40];

	if (wf_money_format(minor, currency, buf, sizeof buf) != 0)
		return WF_EINPUT;
	return wf_jadd_str(o, key, buf);
}

int
wf_jadd_time(cJSON *o, const char *key, int64_t t)
{
	char buf[WF_TIME_LEN];

	wf_time_format(t, buf);
	return wf_jadd_str(o, key, buf);
}

cJSON *
wf_jrecord(const char *type)
{
	cJSON *o = cJSON_CreateObject();

	if (o && wf_jadd_lit(o, "type", wf_json_str(type)) != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* ---- writing ------------------------------------------------------------- */

static int
utf8_len(const unsigned char *p)
{
	struct scan sc = { p, 4, 0, 0, NULL, 0, 0, NULL };
	size_t i;

	for (i = 1; i < 4 && p[i]; i++)
		;
	sc.n = i;
	return utf8_seq(&sc) == 0 ? (int)sc.i : -1;
}

/* The bytes a JSON string holds as they are: printable ASCII but '"' and
 * '\\'. */
#define PLAIN8(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\')
#define PLAIN(c) PLAIN8(c), PLAIN8((c) + 1), PLAIN8((c) + 2), PLAIN8((c) + 3)
static const unsigned char plain[256] = {
	PLAIN(0), PLAIN(4), PLAIN(8), PLAIN(12), PLAIN(16), PLAIN(20), PLAIN(24),
	PLAIN(28), PLAIN(32), PLAIN(36), PLAIN(40), PLAIN(44), PLAIN(48), PLAIN(52),
	PLAIN(56), PLAIN(60), PLAIN(64), PLAIN(68), PLAIN(72), PLAIN(76), PLAIN(80),
	PLAIN(84), PLAIN(88), PLAIN(92), PLAIN(96), PLAIN(100), PLAIN(104),
	PLAIN(108), PLAIN(112), PLAIN(116), PLAIN(120), PLAIN(124)
};

int
wf_json_write_str(wf_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = wf_buf_addc(b, '"');

	while (*p && rc == 0) {
		const unsigned char *run = p;
		while (plain[*p])
			p++;
		if (p > run)
			rc |= wf_buf_add(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			uint32_t cp;
			int len = wf_utf8_next((const char *)p, strnlen((const char *)p, 4), &cp);
			if (len < 0) {
				rc |= wf_buf_adds(b, "\\ufffd");
				p++;
			} else {
				/* C1, bidirectional and invisible characters as escapes:
				 * valid JSON either way, but raw they act on a terminal */
				if (wf_text_unsafe(cp))
					rc |= wf_buf_addf(b, "\\u%04x", (unsigned)cp);
				else
					rc |= wf_buf_add(b, p, (size_t)len);
				p += len;
			}
			continue;
		}
		switch (*p) {
		case '"':  rc |= wf_buf_adds(b, "\\\""); break;
		case '\\': rc |= wf_buf_adds(b, "\\\\"); break;
		case '\n': rc |= wf_buf_adds(b, "\\n"); break;
		case '\r': rc |= wf_buf_adds(b, "\\r"); break;
		case '\t': rc |= wf_buf_adds(b, "\\t"); break;
		case '\b': rc |= wf_buf_adds(b, "\\b"); break;
		case '\f': rc |= wf_buf_adds(b, "\\f"); break;
		default:   rc |= wf_buf_addf(b, "\\u%04x", *p); break;
		}
		p++;
	}
	rc |= wf_buf_addc(b, '"');
	return rc ? WF_ENOMEM : 0;
}

int
wf_json_write(wf_buf *b, const cJSON *v)
{
	const cJSON *c;
	int rc = 0;

	if (v == NULL)
		return wf_buf_adds(b, "null");
	/* the type byte, as cJSON_Is* test it, once */
	switch (v->type & 0xFF) {
	case cJSON_NULL:
		return wf_buf_adds(b, "null");
	case cJSON_True:
		return wf_buf_adds(b, "true");
	case cJSON_False:
		return wf_buf_adds(b, "false");
	case cJSON_String:
		return wf_json_write_str(b, v->valuestring);
	case cJSON_Raw:
		return wf_buf_adds(b, v->valuestring);
	case cJSON_Number:
		if (v->valuestring)
			return wf_buf_adds(b, v->valuestring);
		if (v->valuedouble == (double)(long long)v->valuedouble)
			return wf_buf_addf(b, "%lld", (long long)v->valuedouble);
		return wf_buf_addf(b, "%.17g", v->valuedouble);
	}
	if (cJSON_IsArray(v)) {
		rc |= wf_buf_addc(b, '[');
		for (c = v->child; c; c = c->next) {
			if (c != v->child)
				rc |= wf_buf_addc(b, ',');
			rc |= wf_json_write(b, c);
		}
		rc |= wf_buf_addc(b, ']');
		return rc ? WF_ENOMEM : 0;
	}
	rc |= wf_buf_addc(b, '{');
	for (c = v->child; c; c = c->next) {
		if (c != v->child)
			rc |= wf_buf_addc(b, ',');
		rc |= wf_json_write_str(b, c->string);
		rc |= wf_buf_addc(b, ':');
		rc |= wf_json_write(b, c);
	}
	rc |= wf_buf_addc(b, '}');
	return rc ? WF_ENOMEM : 0;
}
