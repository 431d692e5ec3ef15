/*
 * importer.c - the harness the importer targets share (see fuzz.h).
 *
 * One in-memory database per process, made once: the schema, then the
 * target's starting data, committed.  Each input then runs inside a
 * transaction of the harness that is rolled back at the end, so every input
 * starts from the same data and a run costs no file I/O and no schema
 * reload.  That outer transaction is also what a batch inside another
 * transaction looks like, so the batch's own all-or-nothing can be seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>

#include "fuzz.h"
#include "wf_db_sqlite.h"

#define T0 1795165200   /* 2026-11-20T09:00:00Z, the tests' $WF_NOW */

static wf_db *db;
static wf_out *sink;            /* the db's own writer: what is not captured */
static FILE *sink_f;
static sqlite3_stmt *tables[64];
static size_t ntables;
static uint64_t baseline;
/* The invariants' names, but the file's own integrity check, which costs
 * more than everything else together and which no libwf logic can break:
 * it runs once per input instead of after every line. */
static char *names[64];
static size_t nnames;

static void
fuzz_db_close(void)
{
	size_t i;

	for (i = 0; i < ntables; i++)
		sqlite3_finalize(tables[i]);
	ntables = 0;
	for (i = 0; i < nnames; i++)
		free(names[i]);
	nnames = 0;
	wf_db_close(db);
	db = NULL;
	wf_out_free(sink);
	sink = NULL;
	if (sink_f)
		fclose(sink_f);
	sink_f = NULL;
	sqlite3_shutdown();
}

/* ---- the digest ------------------------------------------------------------- */

static void
mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= s[i];
		*h *= 1099511628211ull;
	}
}

/* One statement per table, prepared once the schema is there. */
static void
prepare_tables(void)
{
	sqlite3 *h = wf_db_handle(db);
	sqlite3_stmt *st;
	char sql[160];

	FUZZ_ASSERT(sqlite3_prepare_v2(h, "SELECT name FROM sqlite_schema WHERE type = 'table'"
	    " ORDER BY name", -1, &st, NULL) == SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		FUZZ_ASSERT(ntables < sizeof tables / sizeof tables[0]);
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", sqlite3_column_text(st, 0));
		FUZZ_ASSERT(sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT,
		    &tables[ntables++], NULL) == SQLITE_OK);
	}
	sqlite3_finalize(st);
}

uint64_t
fuzz_db_digest(wf_db *d)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;
	int c, n, t;

	(void)d;
	for (i = 0; i < ntables; i++) {
		sqlite3_stmt *st = tables[i];
		mix(&h, "T", 1);
		while (sqlite3_step(st) == SQLITE_ROW) {
			n = sqlite3_column_count(st);
			for (c = 0; c < n; c++) {
				t = sqlite3_column_type(st, c);
				mix(&h, &t, sizeof t);
				if (t == SQLITE_INTEGER) {
					int64_t v = sqlite3_column_int64(st, c);
					mix(&h, &v, sizeof v);
				} else if (t == SQLITE_FLOAT) {
					double v = sqlite3_column_double(st, c);
					mix(&h, &v, sizeof v);
				} else if (t != SQLITE_NULL) {
					const void *p = sqlite3_column_blob(st, c);
					int len = sqlite3_column_bytes(st, c);
					mix(&h, &len, sizeof len);
					if (p)
						mix(&h, p, (size_t)len);
				}
			}
		}
		FUZZ_ASSERT(sqlite3_reset(st) == SQLITE_OK);
	}
	return h;
}

/* ---- invariants --------------------------------------------------------------- */


static void
list_invariants(void)
{
	char *buf = NULL, *p, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	wf_out *out;

	FUZZ_ASSERT(f != NULL && wf_out_new(&out, f, WF_FMT_JSONL) == 0);
	FUZZ_ASSERT(wf_check_list(out) == 0 && wf_out_finish(out) == 0);
	wf_out_free(out);
	fclose(f);
	for (p = buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		cJSON *v = NULL;
		const char *name;
		FUZZ_ASSERT(wf_json_parse(p, (size_t)(nl - p), &v) == 0);
		FUZZ_ASSERT((name = fuzz_str(v, "name")) != NULL);
		if (strcmp(name, "db.integrity") != 0) {
			FUZZ_ASSERT(nnames < sizeof names / sizeof names[0]);
			names[nnames++] = fuzz_strndup((const uint8_t *)name, strlen(name));
		}
		cJSON_Delete(v);
	}
	free(buf);
	FUZZ_ASSERT(nnames > 0);
}

static void
check(wf_db *d, int all)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	wf_out *out;
	long long v = 0, n;
	int rc = 0;

	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(wf_out_new(&out, f, WF_FMT_JSONL) == 0);
	if (all)
		rc = wf_check_run(d, &v, out, NULL);
	for (i = 0; !all && i < nnames && rc == 0; i++) {
		rc = wf_check_run(d, &n, out, names[i]);
		v += n;
	}
	wf_out_finish(out);
	wf_out_free(out);
	fclose(f);
	if (rc != 0 || v != 0) {
		fprintf(stderr, "wf check: rc %d, %lld violations:\n%s", rc, v, buf ? buf : "");
		if (rc)
			fprintf(stderr, "  %s\n", wf_error_msg());
		free(buf);
		FUZZ_ASSERT(rc == 0 && v == 0);
	}
	free(buf);
}

void
fuzz_db_check(wf_db *d)
{
	check(d, 0);
}

void
fuzz_db_check_all(wf_db *d)
{
	check(d, 1);
}

/* ---- setting up --------------------------------------------------------------- */

wf_db *
fuzz_db(int (*setup)(wf_db *))
{
	const char *result;
	int from;

	if (db)
		return db;
	FUZZ_ASSERT((sink_f = fopen("/dev/null", "w")) != NULL);
	FUZZ_ASSERT(wf_out_new(&sink, sink_f, WF_FMT_JSONL) == 0);
	if (wf_db_open(&db, ":memory:", WF_DB_CREATE) != 0 ||
	    wf_db_init(db, &result, &from) != 0)
		fuzz_fail(__FILE__, __LINE__, "the database opens");
	atexit(fuzz_db_close);
	wf_db_set_now(db, T0);
	FUZZ_ASSERT(wf_db_set_actor(db, "fuzz") == 0);
	wf_db_set_out(db, sink);
	if (setup && setup(db) != 0) {
		fprintf(stderr, "setup: %s\n", wf_error_msg());
		fuzz_fail(__FILE__, __LINE__, "the setup applies");
	}
	prepare_tables();
	list_invariants();
	fuzz_db_check_all(db);
	baseline = fuzz_db_digest(db);
	return db;
}

int
fuzz_setup_lines(wf_db *d, wf_line_fn fn, void *arg, const char *text)
{
	size_t n = strlen(text);
	char *copy = fuzz_strndup((const uint8_t *)text, n);
	FILE *f = fmemopen(copy, n, "r");
	struct wf_batch b;
	int rc;

	FUZZ_ASSERT(f != NULL);
	memset(&b, 0, sizeof b);
	b.in = f;
	b.name = "setup";
	b.strict = 1;
	rc = wf_batch_run(d, &b, fn, arg);
	fclose(f);
	free(copy);
	return rc;
}

int
fuzz_setup_orders(wf_db *d, const char *orders, const char *events)
{
	struct wf_order_import imp = { WF_ORDER_GENERIC, NULL };
	int rc;

	if ((rc = fuzz_catalogue(d)) != 0 ||
	    (rc = fuzz_setup_lines(d, wf_order_import_line, &imp, orders)) != 0)
		return rc;
	return fuzz_setup_lines(d, wf_order_apply_line, NULL, events);
}

void
fuzz_strings_safe(const cJSON *v)
{
	const cJSON *c;

	for (c = v->child; c; c = c->next) {
		if (cJSON_IsString(c))
			FUZZ_ASSERT(wf_text_check("value", c->valuestring, (size_t)-1) == 0);
		fuzz_strings_safe(c);
	}
}

int
fuzz_catalogue(wf_db *d)
{
	static const char skus[] =
	    "{\"sku\":\"MUG-1\",\"title\":\"Mug\",\"price\":\"12.50\",\"cost\":\"4.00\"}\n"
	    "{\"sku\":\"TEE-M\",\"title\":\"T-shirt M\",\"price\":\"19.90\",\"cost\":\"6.00\"}\n"
	    "{\"sku\":\"YEN-1\",\"currency\":\"JPY\",\"price\":\"1200\",\"cost\":\"500\"}\n"
	    "{\"sku\":\"NOC-1\",\"title\":\"no cost yet\"}\n"
	    "{\"sku\":\"OLD-1\",\"price\":\"1.00\",\"cost\":\"0.50\",\"state\":\"discontinued\"}\n"
	    "{\"sku\":\"IPOD2008GREEN\",\"currency\":\"USD\",\"price\":\"199.00\",\"cost\":\"120.00\"}\n"
	    "{\"sku\":\"IPOD2008BLACK\",\"currency\":\"USD\",\"price\":\"199.00\"}\n";
	static const char moves[] =
	    "{\"action\":\"receive\",\"sku\":\"MUG-1\",\"qty\":20,\"to\":\"BER/A-01\",\"cost\":\"4.00\"}\n"
	    "{\"action\":\"receive\",\"sku\":\"MUG-1\",\"qty\":10,\"to\":\"BER/B-01\"}\n"
	    "{\"action\":\"receive\",\"sku\":\"TEE-M\",\"qty\":5,\"to\":\"BER/A-01\",\"cost\":\"6.50\"}\n"
	    "{\"action\":\"receive\",\"sku\":\"TEE-M\",\"qty\":4,\"to\":\"MUC/A-01\"}\n"
	    "{\"action\":\"receive\",\"sku\":\"IPOD2008GREEN\",\"qty\":5,\"to\":\"BER/A-01\"}\n"
	    "{\"action\":\"receive\",\"sku\":\"YEN-1\",\"qty\":7,\"to\":\"MUC/A-01\",\"cost\":\"480\"}\n"
	    "{\"action\":\"damage\",\"sku\":\"MUG-1\",\"qty\":1,\"at\":\"BER/B-01\"}\n"
	    "{\"action\":\"reserve\",\"sku\":\"MUG-1\",\"qty\":3,\"warehouse\":\"BER\",\"ref\":\"manual:1\"}\n"
	    "{\"action\":\"reserve\",\"sku\":\"TEE-M\",\"qty\":2,\"warehouse\":\"BER\",\"ref\":\"manual:2\"}\n"
	    "{\"action\":\"pick\",\"sku\":\"TEE-M\",\"qty\":1,\"warehouse\":\"BER\",\"ref\":\"manual:2\"}\n";
	static const struct { const char *ref, *kind; } bins[] = {
		{ "BER/A-01", "pick" }, { "BER/B-01", "bulk" }, { "BER/Q-01", "quarantine" },
		{ "BER/R-01", "returns" }, { "MUC/A-01", "pick" },
	};
	struct wf_warehouse_in wh;
	struct wf_bin_in bin;
	struct wf_supplier_in sup;
	size_t i;
	int rc;

	memset(&wh, 0, sizeof wh);
	wh.code = "BER";
	wh.country = "DE";
	wh.timezone = "Europe/Berlin";
	if ((rc = wf_warehouse_add(d, &wh, sink)) != 0)
		return rc;
	wh.code = "MUC";
	if ((rc = wf_warehouse_add(d, &wh, sink)) != 0)
		return rc;
	for (i = 0; i < sizeof bins / sizeof bins[0]; i++) {
		memset(&bin, 0, sizeof bin);
		bin.ref = bins[i].ref;
		bin.kind = bins[i].kind;
		if ((rc = wf_bin_add(d, &bin, sink)) != 0)
			return rc;
	}
	if ((rc = fuzz_setup_lines(d, wf_sku_import_line, NULL, skus)) != 0 ||
	    (rc = fuzz_setup_lines(d, wf_stock_apply_line, NULL, moves)) != 0)
		return rc;
	memset(&sup, 0, sizeof sup);
	sup.code = "ACME";
	sup.name = "Acme Mugs";
	sup.email = "orders@acme.example";
	if ((rc = wf_supplier_add(d, &sup, sink)) != 0)
		return rc;
	sup.code = "SLOW";
	sup.name = "Slow Supplies";
	if ((rc = wf_supplier_add(d, &sup, sink)) != 0 ||
	    (rc = wf_supplier_act(d, "SLOW", "pause", sink)) != 0)
		return rc;
	return 0;
}

/* ---- one line, its output captured ------------------------------------------- */

/* Parse what a writer printed: one record per line, each accepted by our
 * own reader, "type" first. */
static void
parse_records(const char *buf, size_t len, struct fuzz_run *r)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		cJSON *v = NULL;
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_ASSERT(nl != NULL);        /* every record ends its line */
		FUZZ_ASSERT(wf_json_parse(p, (size_t)(nl - p), &v) == 0);
		FUZZ_ASSERT(v->child && v->child->string &&
		    strcmp(v->child->string, "type") == 0 && cJSON_IsString(v->child));
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 4;
			FUZZ_ASSERT((r->rec = realloc(r->rec, r->cap * sizeof *r->rec)) != NULL);
		}
		r->rec[r->n++] = v;
		p = nl + 1;
	}
}

void
fuzz_run_line(wf_db *d, const struct fuzz_target *t, void *arg,
    const struct wf_line *l, struct fuzz_run *r)
{
	wf_out *keep = wf_db_out(d), *cap;
	char *buf = NULL, msg[1024] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(r, 0, sizeof *r);
	FUZZ_ASSERT(f != NULL);
	FUZZ_ASSERT(wf_out_new(&cap, f, WF_FMT_JSONL) == 0);
	/* held, as inside any transaction: a rollback inside takes back what it
	 * printed */
	wf_out_hold(cap);
	wf_db_set_out(d, cap);
	wf_error_clear();
	r->rc = t->fn(d, l, t->arg_is_out ? (void *)cap : arg);
	wf_db_set_out(d, keep);
	if (r->rc != 0) {
		wf_strlcpy(msg, wf_error_msg(), sizeof msg);
		r->printed = wf_out_count(cap);
		wf_out_rewind(cap, 0);
	}
	FUZZ_ASSERT(wf_out_release(cap) == 0);
	FUZZ_ASSERT(wf_out_finish(cap) == 0);
	wf_out_free(cap);
	FUZZ_ASSERT(fclose(f) == 0);
	if (r->rc == 0) {
		parse_records(buf, len, r);
		r->printed = (long long)r->n;
	}
	free(buf);
	if (r->rc != 0)
		wf_error_set(r->rc, "%s", msg);
}

void
fuzz_run_free(struct fuzz_run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		cJSON_Delete(r->rec[i]);
	free(r->rec);
	memset(r, 0, sizeof *r);
}

/* ---- the batch ------------------------------------------------------------------ */

struct batch_ctx {
	const struct fuzz_target *t;
	void *arg;
	int keep_going;
	long long ok, failed, reported;
	long fail_line;
	uint64_t last;          /* the database after the last good line */
};

static int
wrap(wf_db *d, const struct wf_line *l, void *p)
{
	struct batch_ctx *c = p;
	struct fuzz_run r;
	uint64_t before = fuzz_db_digest(d);
	char msg[1024];
	int rc;

	/* a line dropped under keep-going left no trace */
	if (c->keep_going)
		FUZZ_ASSERT(before == c->last);
	if (c->t->pre)
		c->t->pre(d, l, c->arg);
	fuzz_run_line(d, c->t, c->arg, l, &r);
	if ((rc = r.rc) != 0) {
		wf_strlcpy(msg, wf_error_msg(), sizeof msg);
		FUZZ_ASSERT(wf_batch_line_error(rc));
		FUZZ_ASSERT(wf_error_code() == rc);
		FUZZ_ASSERT(msg[0] != '\0' && fuzz_msg_safe(msg));
		if (c->t->own_tx) {
			/* it ran in its own savepoint: nothing written or printed */
			FUZZ_ASSERT(fuzz_db_digest(d) == before);
			FUZZ_ASSERT(r.printed == 0);
		}
		if (c->t->failed)
			c->t->failed(d, l, c->arg, rc, msg);
		fuzz_run_free(&r);
		c->failed++;
		c->fail_line = l->lineno;
		return wf_error_set(rc, "%s", msg);
	}
	FUZZ_ASSERT(r.n >= 1);
	fuzz_db_check(d);
	if (c->t->ok)
		c->t->ok(d, l, c->arg, &r);
	fuzz_run_free(&r);
	c->last = fuzz_db_digest(d);
	c->ok++;
	return 0;
}

static void
report(void *p, int code, const char *msg)
{
	struct batch_ctx *c = p;

	FUZZ_ASSERT(wf_batch_line_error(code));
	FUZZ_ASSERT(strncmp(msg, "fuzz:", 5) == 0 && fuzz_msg_safe(msg));
	c->reported++;
}

/* Whether MSG is "fuzz:N: ..." with N > 0; *line gets N. */
static int
located(const char *msg, long *line)
{
	char *end;

	if (strncmp(msg, "fuzz:", 5) != 0)
		return 0;
	*line = strtol(msg + 5, &end, 10);
	return *line > 0 && end[0] == ':' && end[1] == ' ';
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

int
fuzz_batch(const struct fuzz_target *t, void *arg, const uint8_t *data, size_t size)
{
	struct batch_ctx c;
	struct wf_batch b;
	uint64_t start;
	char *text, msg[1100];
	FILE *in;
	long line;
	int rc;

	if (size < 2)
		return 0;
	fuzz_db(t->setup);
	memset(&c, 0, sizeof c);
	c.t = t;
	c.arg = arg;
	c.keep_going = (data[0] & FUZZ_KEEP_GOING) != 0;
	text = fuzz_strndup(data + 1, size - 1);
	FUZZ_ASSERT((in = fmemopen(text, size - 1, "r")) != NULL);
	memset(&b, 0, sizeof b);
	b.in = in;
	b.name = "fuzz";
	b.keep_going = c.keep_going;
	b.strict = (data[0] & FUZZ_STRICT) != 0;
	b.report = report;
	b.report_ctx = &c;

	FUZZ_ASSERT(wf_tx_begin(db) == 0);
	c.last = start = fuzz_db_digest(db);
	FUZZ_ASSERT(start == baseline);
	wf_error_clear();
	rc = wf_batch_run(db, &b, wrap, &c);
	wf_strlcpy(msg, wf_error_msg(), sizeof msg);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "batch: rc %d, %lld ok, %lld bad%s%s\n", rc, b.ok, b.bad,
		    rc ? ": " : "", rc ? msg : "");
	/* the caller's transaction is still there, whatever happened */
	FUZZ_ASSERT(wf_tx_depth(db) == 1);
	FUZZ_ASSERT(b.ok == c.ok);
	if (rc == 0) {
		FUZZ_ASSERT(b.bad == 0 && c.failed == 0);
		FUZZ_ASSERT(fuzz_db_digest(db) == c.last);
	} else if (c.keep_going && rc == WF_EINPUT && b.bad > 0) {
		char want[100];
		snprintf(want, sizeof want, "%lld bad line%s skipped; %lld applied", b.bad,
		    b.bad == 1 ? "" : "s", b.ok);
		FUZZ_ASSERT(strcmp(msg, want) == 0);
		FUZZ_ASSERT(b.bad == c.reported && b.bad >= c.failed);
		FUZZ_ASSERT(fuzz_db_digest(db) == c.last);
	} else {
		/* all or nothing: the batch is gone, named by its line */
		FUZZ_ASSERT(wf_batch_line_error(rc));
		FUZZ_ASSERT(located(msg, &line));
		FUZZ_ASSERT(c.failed == 0 || line == c.fail_line);
		FUZZ_ASSERT(ends_with(msg, " (nothing applied)"));
		FUZZ_ASSERT(fuzz_msg_safe(msg));
		FUZZ_ASSERT(fuzz_db_digest(db) == start);
	}
	if (c.ok)
		fuzz_db_check_all(db);
	wf_tx_rollback(db);
	FUZZ_ASSERT(wf_tx_depth(db) == 0);
	FUZZ_ASSERT(fuzz_db_digest(db) == baseline);
	fclose(in);
	free(text);
	return 0;
}

/* ---- records ----------------------------------------------------------------- */

const char *
fuzz_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
fuzz_same_except(const cJSON *a, const cJSON *b, const char *const *skip)
{
	const cJSON *x, *y;
	size_t i;

	for (x = a->child, y = b->child; x && y; x = x->next, y = y->next) {
		int skipped = 0;
		if (strcmp(x->string, y->string) != 0)
			return 0;
		for (i = 0; skip && skip[i]; i++)
			if (strcmp(x->string, skip[i]) == 0)
				skipped = 1;
		if (!skipped && !fuzz_json_equal(x, y))
			return 0;
	}
	return x == NULL && y == NULL;
}

void
fuzz_print(const char *what, const cJSON *v)
{
	wf_buf b = {0};

	if (v && wf_json_write(&b, v) == 0)
		fprintf(stderr, "%s: %s\n", what, b.p);
	wf_buf_free(&b);
}
