/*
 * payouts.c - what the payout importers' targets share (fuzz_payout_*):
 * a database with payouts and lines of every provider, one whole import
 * per input, and the properties of an import.
 *
 * An input is a flags byte, then the export as the provider writes it
 * (JSON lines or a document; for Amazon the tab-separated file).  Flags:
 * FUZZ_STRICT, FUZZ_KEEP_GOING, 0x04 a channel ("web"), 0x08 --payout
 * (an existing payout of the format's provider).
 *
 * The import runs inside a transaction of the harness, rolled back at the
 * end, so every input starts from the same data.  Properties:
 *  - it succeeds, or fails with an input error or a refusal (never a usage,
 *    database or internal error) whose message is printable and, unless it
 *    is --keep-going's summary, names the input and line ("fuzz:3: ...");
 *  - a failure without --keep-going writes and prints nothing;
 *  - every record printed is one JSON line our reader takes, a payout_line
 *    or a payout, with a result of created, updated or unchanged; a line's
 *    category is one of the set, its net is gross - fee unless it says
 *    net_differs, an unmapped line is other, the payout's own line a
 *    transfer in a payout; every payout touched is printed once;
 *  - after it, every invariant of wf check holds;
 *  - the same input again succeeds and prints the same records but for
 *    their result; a line printed once by the first run is unchanged in
 *    the second; and a second run that says unchanged of everything
 *    writes nothing.
 * $FUZZ_VERBOSE set prints each run's outcome.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_CHANNEL 0x04
#define FUZZ_PAYOUT  0x08

/* What one import printed, parsed. */
struct run {
	int     rc;
	char    msg[1100];
	cJSON **rec;
	size_t  n, cap;
};

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		cJSON_Delete(r->rec[i]);
	free(r->rec);
	memset(r, 0, sizeof *r);
}

/* Import TEXT (N bytes) in FORMAT with IMP into DB, capturing what it
 * prints into R. */
static void
import(wf_db *db, const struct wf_payout_import *imp, const char *text, size_t n,
    int strict, int keep_going, struct run *r)
{
	wf_out *keep = wf_db_out(db), *cap;
	char *buf = NULL, *copy = fuzz_strndup((const uint8_t *)text, n), *p, *nl;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len), *in = fmemopen(copy, n ? n : 1, "r");
	struct wf_batch b;

	memset(r, 0, sizeof *r);
	FUZZ_ASSERT(out != NULL && in != NULL);
	if (n == 0)
		fgetc(in);      /* fmemopen wants a size: read the one byte away */
	FUZZ_ASSERT(wf_out_new(&cap, out, WF_FMT_JSONL) == 0);
	wf_out_hold(cap);
	wf_db_set_out(db, cap);
	memset(&b, 0, sizeof b);
	b.in = in;
	b.name = "fuzz";
	b.strict = strict;
	b.keep_going = keep_going;
	wf_error_clear();
	r->rc = wf_payout_import(db, &b, imp);
	wf_strlcpy(r->msg, wf_error_msg(), sizeof r->msg);
	wf_db_set_out(db, keep);
	FUZZ_ASSERT(wf_out_release(cap) == 0 && wf_out_finish(cap) == 0);
	wf_out_free(cap);
	FUZZ_ASSERT(fclose(out) == 0);
	fclose(in);
	free(copy);
	for (p = buf; p && p < buf + len; p = nl + 1) {
		cJSON *v = NULL;
		FUZZ_ASSERT((nl = memchr(p, '\n', (size_t)(buf + len - p))) != NULL);
		FUZZ_ASSERT(wf_json_parse(p, (size_t)(nl - p), &v) == 0);
		FUZZ_ASSERT(v->child && strcmp(v->child->string, "type") == 0);
		if (r->n == r->cap) {
			r->cap = r->cap ? 2 * r->cap : 16;
			FUZZ_ASSERT((r->rec = realloc(r->rec, r->cap * sizeof *r->rec)) != NULL);
		}
		r->rec[r->n++] = v;
	}
	free(buf);
}

static int
is_true(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Minor units of money field KEY of O, in CUR. */
static int64_t
money(const cJSON *o, const char *key, const char *cur)
{
	const char *s = fuzz_str(o, key);
	int64_t v = 0;

	FUZZ_ASSERT(s != NULL && wf_money_parse(s, cur, &v) == 0);
	return v;
}

/* The properties of each record R printed. */
static void
check_records(const struct run *r)
{
	static const char *const results[] = { "created", "updated", "unchanged", NULL };
	size_t i, j, k;

	for (i = 0; i < r->n; i++) {
		const cJSON *o = r->rec[i];
		const char *type = fuzz_str(o, "type"), *result = fuzz_str(o, "result");

		FUZZ_ASSERT(result != NULL);
		for (k = 0; results[k] && strcmp(results[k], result); k++)
			;
		FUZZ_ASSERT(results[k] != NULL);
		if (strcmp(type, "payout") == 0) {
			/* printed once */
			for (j = i + 1; j < r->n; j++)
				if (strcmp(fuzz_str(r->rec[j], "type"), "payout") == 0)
					FUZZ_ASSERT(strcmp(fuzz_str(r->rec[j], "payout"),
					    fuzz_str(o, "payout")) != 0);
			continue;
		}
		FUZZ_ASSERT(strcmp(type, "payout_line") == 0);
		{
			const char *cur = fuzz_str(o, "currency"), *cat = fuzz_str(o, "category");
			int64_t g = money(o, "gross", cur), f = money(o, "fee", cur),
			    n = money(o, "net", cur);

			for (k = 0; wf_payout_categories[k] && strcmp(wf_payout_categories[k], cat);
			    k++)
				;
			FUZZ_ASSERT(wf_payout_categories[k] != NULL);
			FUZZ_ASSERT((n != g - f) == is_true(o, "net_differs"));
			FUZZ_ASSERT(!is_true(o, "unmapped") || strcmp(cat, "other") == 0);
			FUZZ_ASSERT(!is_true(o, "is_payout") ||
			    (strcmp(cat, "transfer") == 0 && fuzz_str(o, "payout") != NULL));
			FUZZ_ASSERT(fuzz_str(o, "provider") && fuzz_str(o, "provider_id"));
		}
	}
}

/* Whether A and B printed the same records but for "result". */
static int
same_records(const struct run *a, const struct run *b)
{
	static const char *const skip[] = { "result", NULL };
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!fuzz_same_except(a->rec[i], b->rec[i], skip))
			return 0;
	return 1;
}

/* How many line records of R have the key of line record L. */
static size_t
times_printed(const struct run *r, const cJSON *l)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		if (strcmp(fuzz_str(r->rec[i], "type"), "payout_line") == 0 &&
		    strcmp(fuzz_str(r->rec[i], "provider"), fuzz_str(l, "provider")) == 0 &&
		    strcmp(fuzz_str(r->rec[i], "provider_id"), fuzz_str(l, "provider_id")) == 0)
			n++;
	return n;
}

/* ---- the starting data ------------------------------------------------------------- */

static int
setup_import(wf_db *db, enum wf_payout_format f, const char *text)
{
	struct wf_payout_import imp = { f, NULL, NULL };
	size_t n = strlen(text);
	char *copy = fuzz_strndup((const uint8_t *)text, n);
	FILE *in = fmemopen(copy, n, "r");
	struct wf_batch b;
	int rc;

	FUZZ_ASSERT(in != NULL);
	memset(&b, 0, sizeof b);
	b.in = in;
	b.name = "setup";
	b.strict = 1;
	rc = wf_payout_import(db, &b, &imp);
	fclose(in);
	free(copy);
	return rc;
}

/* A payout of each provider, lines in and out of payouts, one of a type
 * no map knows, one that does not add up. */
static int
setup(wf_db *db)
{
	static const char generic[] =
	    "{\"type\":\"payout\",\"payout\":\"bank:1\",\"amount\":\"10.00\",\"currency\":\"EUR\","
	    "\"arrival\":\"2026-11-24\"}\n"
	    "{\"type\":\"payout_line\",\"payout\":\"bank:1\",\"provider_id\":\"b1\","
	    "\"category\":\"charge\",\"order\":\"shop:1001\",\"gross\":\"10.50\",\"fee\":\"0.50\","
	    "\"currency\":\"EUR\",\"posted_at\":\"2026-11-20T08:00:00Z\"}\n"
	    "{\"type\":\"payout_line\",\"provider\":\"bank\",\"provider_id\":\"b2\","
	    "\"category\":\"other\",\"unmapped\":true,\"gross\":\"1.00\",\"currency\":\"EUR\","
	    "\"posted_at\":\"2026-11-20T08:00:00Z\"}\n";
	static const char shopify[] =
	    "{\"payout\":{\"id\":623721858,\"status\":\"paid\",\"date\":\"2019-11-12\","
	    "\"currency\":\"USD\",\"amount\":\"41.90\"}}\n"
	    "{\"id\":746296004,\"type\":\"charge\",\"payout_id\":623721858,\"currency\":\"USD\","
	    "\"amount\":\"10.00\",\"fee\":\"2.00\",\"net\":\"8.00\",\"source_order_id\":217130470,"
	    "\"processed_at\":\"2020-11-04T19:52:08-05:00\"}\n";
	static const char stripe[] =
	    "{\"id\":\"po_1\",\"object\":\"payout\",\"amount\":1100,\"arrival_date\":1234567890,"
	    "\"currency\":\"usd\",\"status\":\"paid\"}\n"
	    "{\"id\":\"txn_1\",\"object\":\"balance_transaction\",\"amount\":2000,\"fee\":88,"
	    "\"net\":1912,\"currency\":\"usd\",\"created\":1557995177,\"available_on\":1558569600,"
	    "\"type\":\"charge\",\"source\":\"ch_1\",\"status\":\"pending\"}\n";
	static const char paypal[] =
	    "{\"transaction_info\":{\"transaction_id\":\"W1\",\"transaction_event_code\":\"T0400\","
	    "\"transaction_initiation_date\":\"2014-07-12T10:00:00+0000\",\"transaction_amount\":"
	    "{\"currency_code\":\"USD\",\"value\":\"-451.21\"}}}\n";
	static const char amazon[] =
	    "settlement-id\ttotal-amount\tcurrency\ttransaction-type\torder-id\tamount-type\t"
	    "amount-description\tamount\tposted-date\n"
	    "1\t26,99\tEUR\t\t\t\t\t\t\n"
	    "1\t\t\tOrder\t302-1\tItemPrice\tPrincipal\t27,99\t03.11.2026\n"
	    "1\t\t\tOrder\t302-1\tItemFees\tCommission\t-1,00\t03.11.2026\n";
	int rc;

	if ((rc = setup_import(db, WF_PAYOUT_GENERIC, generic)) != 0 ||
	    (rc = setup_import(db, WF_PAYOUT_SHOPIFY, shopify)) != 0 ||
	    (rc = setup_import(db, WF_PAYOUT_STRIPE, stripe)) != 0 ||
	    (rc = setup_import(db, WF_PAYOUT_PAYPAL, paypal)) != 0 ||
	    (rc = setup_import(db, WF_PAYOUT_AMAZON, amazon)) != 0)
		return rc;
	return 0;
}

/* ---- one input -------------------------------------------------------------------- */

/* Whether MSG names the input and a line: "fuzz:N: ...". */
static int
located(const char *msg)
{
	char *end;
	long n;

	if (strncmp(msg, "fuzz:", 5) != 0)
		return 0;
	n = strtol(msg + 5, &end, 10);
	return n > 0 && end[0] == ':' && end[1] == ' ';
}

int
fuzz_payouts(enum wf_payout_format format, const uint8_t *data, size_t size)
{
	static const char *const payouts[] = { "bank:1", "po_1", "623721858", "1", "W1" };
	struct wf_payout_import imp;
	struct run first, again;
	const char *text = (const char *)data + 1;
	size_t n = size - 1, i;
	uint64_t start, after;
	wf_db *db;
	int strict, keep_going;

	if (size < 1)
		return 0;
	db = fuzz_db(setup);
	strict = (data[0] & FUZZ_STRICT) != 0;
	keep_going = (data[0] & FUZZ_KEEP_GOING) != 0;
	imp.format = format;
	imp.channel = (data[0] & FUZZ_CHANNEL) ? "web" : NULL;
	imp.payout = (data[0] & FUZZ_PAYOUT) ? payouts[format] : NULL;

	FUZZ_ASSERT(wf_tx_begin(db) == 0);
	start = fuzz_db_digest(db);
	import(db, &imp, text, n, strict, keep_going, &first);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "import: rc %d, %zu records%s%s\n", first.rc, first.n,
		    first.rc ? ": " : "", first.rc ? first.msg : "");
	FUZZ_ASSERT(wf_tx_depth(db) == 1);
	if (first.rc != 0) {
		FUZZ_ASSERT(wf_batch_line_error(first.rc));
		FUZZ_ASSERT(first.msg[0] && fuzz_msg_safe(first.msg));
		if (!(keep_going && strstr(first.msg, " skipped; ") != NULL)) {
			/* all or nothing, named by its line */
			FUZZ_ASSERT(located(first.msg));
			FUZZ_ASSERT(first.n == 0);
			FUZZ_ASSERT(fuzz_db_digest(db) == start);
		}
	}
	check_records(&first);
	if (first.n > 0)
		fuzz_db_check_all(db);

	/* the same input again */
	if (first.rc == 0) {
		after = fuzz_db_digest(db);
		import(db, &imp, text, n, strict, keep_going, &again);
		if (again.rc != 0)
			fprintf(stderr, "again: %s\n", again.msg);
		FUZZ_ASSERT(again.rc == 0);
		check_records(&again);
		if (!same_records(&first, &again)) {
			for (i = 0; i < first.n || i < again.n; i++) {
				if (i < first.n)
					fuzz_print("first", first.rec[i]);
				if (i < again.n)
					fuzz_print("again", again.rec[i]);
			}
			FUZZ_ASSERT(!"the same input again prints the same records");
		}
		for (i = 0; i < again.n; i++) {
			const cJSON *o = again.rec[i];
			if (strcmp(fuzz_str(o, "type"), "payout_line") == 0 &&
			    times_printed(&first, o) == 1 &&
			    strcmp(fuzz_str(o, "result"), "unchanged") != 0) {
				fuzz_print("line", o);
				FUZZ_ASSERT(!"a line imported once is unchanged the second time");
			}
		}
		for (i = 0; i < again.n && strcmp(fuzz_str(again.rec[i], "result"), "unchanged") == 0;
		    i++)
			;
		if (i == again.n)
			FUZZ_ASSERT(fuzz_db_digest(db) == after);
		run_free(&again);
	}
	run_free(&first);
	wf_tx_rollback(db);
	FUZZ_ASSERT(wf_tx_depth(db) == 0);
	return 0;
}
