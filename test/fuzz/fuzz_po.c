/*
 * fuzz_po.c - `wf-po create` with po_line records on stdin: the lines go
 * through wf_po_create()'s own wf_batch_run, on the shared catalogue
 * (importer.c), inside a transaction of the harness that is rolled back.
 *
 * The input's first byte: 0x01 unused (it was --strict: unknown keys are
 * refused now, always); 0x06 the supplier (ACME, SLOW which
 * is paused, NOPE which does not exist, ACME); 0x18 the warehouse (BER,
 * MUC, NOPE, BER); 0x20 an owner is given; 0x40 an expected date is given.
 * The rest is the lines ("fuzz:N: ..." in messages).
 *
 * Properties:
 *  - it creates the PO or fails with WF_EINPUT (located at a line, or "no
 *    lines"), WF_ENOTFOUND or WF_EREFUSED and a printable message;
 *  - a failure writes and prints nothing, and leaves the caller's
 *    transaction open;
 *  - a PO printed one "po" record in state draft, for the supplier and
 *    warehouse given, with the input's lines in order: each SKU and
 *    quantity as given, nothing received or cancelled, the unit cost given
 *    (or the SKU's), and a total that is exactly the sum of quantity times
 *    cost;
 *  - no line of a PO that was created has a key but type, sku, qty and cost
 *    (po_line is Workform's own format: a misspelt key is never ignored);
 *  - every invariant of `wf check` holds afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define T0 1795165200   /* 2026-11-20T09:00:00Z */

static int64_t
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	FUZZ_ASSERT(cJSON_IsNumber(v));
	return strtoll(v->valuestring, NULL, 10);
}

/* The money text at KEY of O in CUR, as minor units. */
static int64_t
money(const cJSON *o, const char *key, const char *cur)
{
	const char *s = fuzz_str(o, key);
	int64_t v;

	FUZZ_ASSERT(s != NULL && wf_money_parse(s, cur, &v) == 0);
	return v;
}

/* The SKU's cost, in minor units. */
static int64_t
sku_cost(wf_db *db, const char *code)
{
	struct wf_sku_info info;

	FUZZ_ASSERT(wf_sku_find(db, &info, code) == 0 && info.has_cost);
	return info.cost;
}

/* Every JSON line of TEXT, parsed by the reader the batch uses. */
static size_t
input_lines(char *text, size_t n, cJSON **v, size_t max)
{
	FILE *f = fmemopen(text, n, "r");
	wf_jsonl *r;
	cJSON *o;
	size_t k = 0;

	FUZZ_ASSERT(f != NULL && wf_jsonl_open(&r, f, "model", 0) == 0);
	while (wf_jsonl_read(r, &o) == 1) {
		FUZZ_ASSERT(k < max);
		v[k++] = o;
	}
	wf_jsonl_close(r);
	fclose(f);
	return k;
}

static void
check_po(wf_db *db, const struct wf_po_in *in, const cJSON *r, char *text, size_t n)
{
	static cJSON *v[WF_PO_MAX_LINES + 1];
	const cJSON *lines = cJSON_GetObjectItemCaseSensitive(r, "lines"), *ln;
	const char *cur = fuzz_str(r, "currency");
	size_t k, i = 0;
	__int128 total = 0;

	FUZZ_ASSERT(strcmp(fuzz_str(r, "type"), "po") == 0);
	FUZZ_ASSERT(strcmp(fuzz_str(r, "state"), "draft") == 0);
	FUZZ_ASSERT(strcmp(fuzz_str(r, "supplier"), in->supplier) == 0);
	FUZZ_ASSERT(strcmp(fuzz_str(r, "warehouse"), in->warehouse) == 0);
	FUZZ_ASSERT(cur != NULL && cJSON_IsArray(lines));
	k = input_lines(text, n, v, WF_PO_MAX_LINES + 1);
	FUZZ_ASSERT((size_t)cJSON_GetArraySize(lines) == k);
	cJSON_ArrayForEach(ln, lines) {
		const cJSON *want = v[i++], *key;
		int64_t cost, qty = num(ln, "qty");

		cJSON_ArrayForEach(key, want)
			FUZZ_ASSERT(strcmp(key->string, "type") == 0 ||
			    strcmp(key->string, "sku") == 0 || strcmp(key->string, "qty") == 0 ||
			    strcmp(key->string, "cost") == 0);

		FUZZ_ASSERT(strcmp(fuzz_str(ln, "sku"), fuzz_str(want, "sku")) == 0);
		FUZZ_ASSERT(qty == num(want, "qty"));
		FUZZ_ASSERT(num(ln, "received") == 0 && num(ln, "cancelled") == 0);
		FUZZ_ASSERT(num(ln, "open") == qty);
		cost = money(ln, "unit_cost", cur);
		if (fuzz_str(want, "cost"))
			FUZZ_ASSERT(cost == money(want, "cost", cur));
		else
			FUZZ_ASSERT(cost == sku_cost(db, fuzz_str(ln, "sku")));
		total += (__int128)qty * cost;
	}
	if ((__int128)money(r, "total", cur) != total) {
		fuzz_print("po", r);
		FUZZ_ASSERT(!"the total is the sum of the lines");
	}
	for (i = 0; i < k; i++)
		cJSON_Delete(v[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const suppliers[] = { "ACME", "SLOW", "NOPE", "ACME" };
	static const char *const warehouses[] = { "BER", "MUC", "NOPE", "BER" };
	wf_db *db;
	struct wf_po_in in;
	wf_out *cap;
	char *text, *buf = NULL, msg[1024];
	size_t len = 0, n;
	FILE *f, *lines;
	uint64_t before;
	int rc;

	if (size < 1)
		return 0;
	db = fuzz_db(fuzz_catalogue);
	n = size - 1;
	text = fuzz_strndup(data + 1, n);
	memset(&in, 0, sizeof in);
	in.supplier = suppliers[(data[0] >> 1) & 3];
	in.warehouse = warehouses[(data[0] >> 3) & 3];
	in.owner = (data[0] & 0x20) ? "buyer" : NULL;
	in.has_expected = (data[0] & 0x40) != 0;
	in.expected = T0 + 86400 * 9;
	/* fmemopen of 0 bytes fails: an empty input is an empty file */
	lines = n ? fmemopen(text, n, "r") : fopen("/dev/null", "r");
	FUZZ_ASSERT(lines != NULL);
	in.in = lines;
	in.in_name = "fuzz";

	FUZZ_ASSERT((f = open_memstream(&buf, &len)) != NULL);
	FUZZ_ASSERT(wf_out_new(&cap, f, WF_FMT_JSONL) == 0);
	FUZZ_ASSERT(wf_tx_begin(db) == 0);
	before = fuzz_db_digest(db);
	wf_out_hold(cap);
	wf_error_clear();
	rc = wf_po_create(db, &in, cap);
	wf_strlcpy(msg, wf_error_msg(), sizeof msg);
	FUZZ_ASSERT(wf_tx_depth(db) == 1);
	if (rc != 0) {
		long line;
		char *end;

		FUZZ_ASSERT(rc == WF_EINPUT || rc == WF_ENOTFOUND || rc == WF_EREFUSED);
		FUZZ_ASSERT(msg[0] && fuzz_msg_safe(msg));
		if (rc == WF_EINPUT && strncmp(msg, "no lines", 8) != 0) {
			FUZZ_ASSERT(strncmp(msg, "fuzz:", 5) == 0);
			line = strtol(msg + 5, &end, 10);
			FUZZ_ASSERT(line > 0 && end[0] == ':' && end[1] == ' ');
		}
		FUZZ_ASSERT(wf_out_count(cap) == 0);
		FUZZ_ASSERT(fuzz_db_digest(db) == before);
	}
	FUZZ_ASSERT(wf_out_release(cap) == 0 && wf_out_finish(cap) == 0);
	wf_out_free(cap);
	fclose(f);
	if (rc == 0) {
		cJSON *r = NULL;
		char *nl = memchr(buf, '\n', len);
		FUZZ_ASSERT(nl != NULL && (size_t)(nl - buf) + 1 == len);
		FUZZ_ASSERT(wf_json_parse(buf, (size_t)(nl - buf), &r) == 0);
		check_po(db, &in, r, text, n);
		cJSON_Delete(r);
		fuzz_db_check_all(db);
	}
	wf_tx_rollback(db);
	FUZZ_ASSERT(wf_tx_depth(db) == 0);
	fclose(lines);
	free(buf);
	free(text);
	return 0;
}
