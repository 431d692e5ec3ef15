/*
 * payout_amazon.c - Amazon settlement reports (the tab-separated flat
 * file) into struct wf_payout_rec: the reader, its amounts and dates, and
 * the category map.
 *
 * A settlement is one payout, amazon:SETTLEMENT-ID; its first data row
 * carries the total (total-amount, currency, deposit-date) and no
 * transaction-type.  Every other row is one money component of an order,
 * refund, fee or reserve.  Two layouts exist, told apart by the header:
 * the older one has a column pair per kind of amount (price-type and
 * price-amount, item-related-fee-type and item-related-fee-amount, ...),
 * V2 one row per amount (amount-type, amount-description, amount).  The
 * older layout's columns are named as V2 names its amount types, so both
 * map the same way and give the same line ids.
 *
 * Rows carry no transaction id, so a line's id is made from what names it:
 * the settlement, transaction type, order, shipment, adjustment, item,
 * amount type and description and the posting date, numbered #2, #3 when
 * a file repeats it.  The same file gives the same ids, every time.
 */
#include <stdlib.h>
#include <string.h>

#include "payout_priv.h"
#include "wf_error.h"
#include "wf_money.h"
#include "wf_time.h"

#define TSV_MAX_LINE ((size_t)1 << 20)
#define TSV_MAX_COLS 128

/* ---- the reader ------------------------------------------------------------------ */

struct wf_tsv {
	FILE   *f;
	char   *name;
	long    line;
	int     eof, header, failed, v2, strict;
	wf_buf  cur;
	char   *cols[TSV_MAX_COLS];
	size_t  ncols;
};

int
wf_tsv_open(wf_tsv **out, FILE *f, const char *name, int strict)
{
	wf_tsv *t = calloc(1, sizeof *t);

	if (t == NULL || (t->name = strdup(name)) == NULL) {
		free(t);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	t->f = f;
	t->strict = strict;
	t->cur.max = TSV_MAX_LINE + 2;
	*out = t;
	return 0;
}

void
wf_tsv_close(wf_tsv *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	wf_buf_free(&t->cur);
	free(t->name);
	free(t);
}

int
wf_tsv_v2(const wf_tsv *t)
{
	return t && t->v2;
}

/* The next line into t->cur, without its end.  Returns 1, 0 at the end,
 * WF_EINPUT for a line past the cap (consumed), or WF_EIO. */
static int
next_line(wf_tsv *t)
{
	int c, toolong = 0;

	wf_buf_reset(&t->cur);
	if (t->eof)
		return 0;
	for (;;) {
		c = getc(t->f);
		if (c == EOF) {
			if (ferror(t->f))
				return wf_error_set(WF_EIO, "%s: read error", t->name);
			t->eof = 1;
			if (t->cur.len == 0 && !toolong)
				return 0;
			break;
		}
		if (c == '\n')
			break;
		if (toolong)
			continue;
		if (t->cur.len >= TSV_MAX_LINE || wf_buf_addc(&t->cur, (char)c) != 0)
			toolong = 1;
	}
	t->line++;
	if (toolong)
		return wf_error_set(WF_EINPUT, "%s:%ld: line is longer than the limit of %zu bytes",
		    t->name, t->line, TSV_MAX_LINE);
	if (t->cur.len && t->cur.p[t->cur.len - 1] == '\r')
		t->cur.p[--t->cur.len] = '\0';
	return 1;
}

/* Split t->cur at tabs, in place: up to MAX cells into CELLS; *n the count
 * (MAX + 1 when there are more). */
static void
split(wf_tsv *t, char **cells, size_t max, size_t *n)
{
	char *p = t->cur.len ? t->cur.p : (char *)"", *tab;

	*n = 0;
	for (;;) {
		if (*n == max) {
			(*n)++;
			return;
		}
		cells[(*n)++] = p;
		if ((tab = strchr(p, '\t')) == NULL)
			return;
		*tab = '\0';
		p = tab + 1;
	}
}

static int
has_col(const wf_tsv *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return 1;
	return 0;
}

/* A line that has NUL bytes or is not UTF-8: refused, with a hint. */
static int
check_text(wf_tsv *t)
{
	if (memchr(t->cur.p ? t->cur.p : "", '\0', t->cur.len) != NULL)
		return wf_error_set(WF_EINPUT, "%s:%ld: NUL byte in the line", t->name, t->line);
	if (!wf_utf8_valid(t->cur.p ? t->cur.p : "", t->cur.len))
		return wf_error_set(WF_EINPUT, "%s:%ld: not valid UTF-8 (a report in another "
		    "encoding: convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8)",
		    t->name, t->line);
	return 0;
}

/* The columns of each layout (the older one's as Amazon's MWS wrote it,
 * V2's from the report's documentation). */
static const char *const v1_columns[] = {
	"settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date",
	"total-amount", "currency", "transaction-type", "order-id", "merchant-order-id",
	"adjustment-id", "shipment-id", "marketplace-name", "shipment-fee-type",
	"shipment-fee-amount", "order-fee-type", "order-fee-amount", "fulfillment-id",
	"posted-date", "order-item-code", "merchant-order-item-id",
	"merchant-adjustment-item-id", "sku", "quantity-purchased", "price-type",
	"price-amount", "item-related-fee-type", "item-related-fee-amount",
	"misc-fee-amount", "other-fee-amount", "other-fee-reason-description",
	"promotion-id", "promotion-type", "promotion-amount", "direct-payment-type",
	"direct-payment-amount", "other-amount", NULL
};
static const char *const v2_columns[] = {
	"settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date",
	"total-amount", "currency", "transaction-type", "order-id", "merchant-order-id",
	"adjustment-id", "shipment-id", "marketplace-name", "amount-type",
	"amount-description", "amount", "fulfillment-id", "posted-date",
	"posted-date-time", "order-item-code", "merchant-order-item-id",
	"merchant-adjustment-item-id", "sku", "quantity-purchased", NULL
};

static int
read_header(wf_tsv *t)
{
	static const char *const need[] = {
		"settlement-id", "total-amount", "currency", "transaction-type", NULL
	};
	char *cells[TSV_MAX_COLS + 1];
	size_t n, i, j;
	int rc;

	/* no header at all is no input, as an empty JSON export is */
	do {
		if ((rc = next_line(t)) <= 0)
			return rc;
	} while (t->cur.len == 0);
	if ((rc = check_text(t)) != 0)
		return rc;
	/* a byte order mark before the first column */
	if (t->cur.len >= 3 && memcmp(t->cur.p, "\xef\xbb\xbf", 3) == 0)
		memmove(t->cur.p, t->cur.p + 3, (t->cur.len -= 3) + 1);
	split(t, cells, TSV_MAX_COLS, &n);
	if (n > TSV_MAX_COLS)
		return wf_error_set(WF_EINPUT, "%s:%ld: more than %d columns", t->name, t->line,
		    TSV_MAX_COLS);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(cells[i], cells[j]) == 0)
				return wf_error_set(WF_EINPUT, "%s:%ld: column '%.64s' twice",
				    t->name, t->line, cells[i]);
		if ((t->cols[i] = strdup(cells[i])) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		t->ncols = i + 1;
	}
	for (i = 0; need[i]; i++)
		if (!has_col(t, need[i]))
			return wf_error_set(WF_EINPUT, "%s:%ld: not an Amazon settlement report: "
			    "the header has no '%s' column", t->name, t->line, need[i]);
	t->v2 = has_col(t, "amount-type") && has_col(t, "amount");
	for (i = 0; t->strict && i < t->ncols; i++) {
		const char *const *known = t->v2 ? v2_columns : v1_columns;
		for (j = 0; known[j] && strcmp(known[j], t->cols[i]) != 0; j++)
			;
		if (known[j] == NULL)
			return wf_error_set(WF_EINPUT, "%s:%ld: %s: unknown column (refused under "
			    "--strict)", t->name, t->line, t->cols[i]);
	}
	if (!t->v2 && !has_col(t, "price-amount"))
		return wf_error_set(WF_EINPUT, "%s:%ld: neither layout of a settlement report: "
		    "expected amount-type and amount (V2) or price-type and price-amount",
		    t->name, t->line);
	t->header = 1;
	return 0;
}

int
wf_tsv_read(void *ctx, cJSON **obj, long *line)
{
	wf_tsv *t = ctx;
	char *cells[TSV_MAX_COLS + 1];
	cJSON *o;
	size_t n, i;
	int rc;

	*obj = NULL;
	if (t->failed)
		return 0;
	if (!t->header && (rc = read_header(t)) != 0) {
		/* without a header nothing after it can be read */
		t->failed = 1;
		*line = t->line;
		return rc;
	}
	if (!t->header)
		return 0;
	do {
		if ((rc = next_line(t)) <= 0)
			return rc;
	} while (t->cur.len == 0);
	*line = t->line;
	if ((rc = check_text(t)) != 0)
		return rc;
	split(t, cells, t->ncols, &n);
	if (n > t->ncols)
		return wf_error_set(WF_EINPUT, "%s:%ld: more cells than the header's %zu columns",
		    t->name, t->line, t->ncols);
	if ((o = cJSON_CreateObject()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		cJSON *v;
		if (cells[i][0] == '\0')
			continue;
		if ((v = cJSON_CreateString(cells[i])) == NULL ||
		    !cJSON_AddItemToObject(o, t->cols[i], v)) {
			cJSON_Delete(v);
			cJSON_Delete(o);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
	}
	*obj = o;
	return 1;
}

/* ---- amounts and dates -------------------------------------------------------------- */

int
wf_payout_amazon_money(const char *s, const char *currency, int64_t *out)
{
	char buf[64];
	const char *comma = strchr(s, ',');
	size_t n = strlen(s);

	if (comma == NULL)
		return wf_money_parse(s, currency, out);
	if (strchr(s, '.') || strchr(comma + 1, ','))
		return wf_error_set(WF_EINPUT, "'%.40s': grouping separators are not accepted; "
		    "give the amount as 1234.56 or 1234,56", s);
	if (n >= sizeof buf)
		return wf_error_set(WF_EINPUT, "'%.40s...': too long for an amount", s);
	memcpy(buf, s, n + 1);
	buf[comma - s] = '.';
	return wf_money_parse(buf, currency, out);
}

int
wf_payout_amazon_time(const char *s, int64_t *out)
{
	char buf[64];
	size_t n = strlen(s);

	if (n >= sizeof buf)
		return wf_error_set(WF_EINPUT, "'%.40s...': not a time", s);
	memcpy(buf, s, n + 1);
	/* "2019-03-27 07:13:47 UTC": the zone as a word */
	if (n > 4 && (strcmp(buf + n - 4, " UTC") == 0 || strcmp(buf + n - 4, " GMT") == 0))
		buf[n -= 4] = '\0';
	/* "27.03.2019 07:13:47": day, month, year */
	if (n >= 10 && buf[2] == '.' && buf[5] == '.') {
		char iso[64];
		snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s%s", buf + 6, buf + 3, buf, buf + 10);
		if (wf_time_parse(iso, out) == 0)
			return 0;
		return wf_error_set(WF_EINPUT, "'%.40s': not a time", s);
	}
	if (wf_time_parse(buf, out) == 0)
		return 0;
	return wf_error_set(WF_EINPUT, "'%.40s': not a time (ISO 8601, \"2015-12-02 04:15:26 "
	    "UTC\" or \"02.12.2015\")", s);
}

/* ---- the category map ------------------------------------------------------------ */

static int
in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return 1;
	return 0;
}

static int
ends_with(const char *s, const char *tail)
{
	size_t n, k = strlen(tail);

	return s && (n = strlen(s)) >= k && strcmp(s + n - k, tail) == 0;
}

const char *
wf_payout_amazon_category(const char *tt, const char *at, const char *desc,
    int64_t amount, int *fee)
{
	/* amounts Amazon keeps: fees, whatever the transaction */
	static const char *const fee_amounts[] = {
		"ItemFees", "ShipmentFees", "OrderFees", "MiscFees", "OtherFees",
		"Amazon Fees", "Cost of Advertising", "FBA Fees", NULL
	};
	/* what the buyer paid, or gets back */
	static const char *const price_amounts[] = {
		"ItemPrice", "Promotion", "ItemWithheldTax", "DirectPayment", "Other", NULL
	};
	static const char *const sales[] = { "Order", "Order_Retrocharge", "Liquidations", NULL };
	static const char *const refunds[] = { "Refund", "Refund_Retrocharge", NULL };
	static const char *const disputes[] = {
		"Chargeback Refund", "A-to-z Guarantee Claim", "GuaranteeClaimRefund", NULL
	};
	static const char *const transfers[] = {
		"Payable to Amazon", "Successful charge", "Transfer of funds unsuccessful",
		"Failed disbursement", "Amazon Disbursement", NULL
	};
	static const char *const adjustments[] = {
		"Adjustment", "BalanceAdjustment", "FBA Inventory Reimbursement",
		"SAFE-T Reimbursement", "REVERSAL_REIMBURSEMENT", "WAREHOUSE_DAMAGE",
		"WAREHOUSE_LOST", "MISSING_FROM_INBOUND", "INCORRECT_FEES_ITEMS",
		"CS_ERROR_ITEMS", "COMPENSATED_CLAWBACK", "FREE_REPLACEMENT_REFUND_ITEMS",
		"RETURN_POSTAGE_BILLING_POSTAGE", NULL
	};
	static const char *const fee_types[] = {
		"ServiceFee", "Subscription Fee", "Storage Fee", "StorageRenewalBilling",
		"Cost of Advertising", "RemovalComplete", "DisposalComplete",
		"CouponRedemptionFee", "LightningDealFee", "FBA Inbound Transportation Fee",
		NULL
	};
	const char *what = tt;

	*fee = 0;
	if (tt == NULL)
		return NULL;
	if (in(tt, sales) || in(tt, refunds) || in(tt, disputes)) {
		if (in(at, fee_amounts)) {
			*fee = 1;
			return "fee";
		}
		if (!in(at, price_amounts))
			return NULL;
		return in(tt, sales) ? "charge" : in(tt, refunds) ? "refund" : "dispute";
	}
	/* whole-row types, or other-transaction told by its description */
	if (strcmp(tt, "other-transaction") == 0 && desc)
		what = desc;
	if (strcmp(what, "Previous Reserve Amount Balance") == 0)
		return "reserve_release";
	if (strcmp(what, "Current Reserve Amount") == 0)
		return "reserve_hold";
	if (in(what, transfers))
		return "transfer";
	if (in(what, adjustments) || in(at, adjustments))
		return "adjustment";
	if (in(what, fee_types) || ends_with(what, "Fee") || ends_with(what, "Fees") ||
	    in(at, fee_amounts)) {
		*fee = 1;
		return "fee";
	}
	(void)amount;
	return NULL;
}

/* ---- rows --------------------------------------------------------------------------- */

/* The cell KEY of row O, or NULL when empty or absent. */
static const char *
cell(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static int
money_cell(const wf_jloc *at, const cJSON *o, const char *key, const char *currency,
    int64_t *out)
{
	if (wf_payout_amazon_money(cell(o, key), currency, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

static int
time_cell(const wf_jloc *at, const cJSON *o, const char *key, int64_t *out)
{
	if (wf_payout_amazon_time(cell(o, key), out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* How many times the id hashed as H was given before in this run, counting
 * this one. */
static int
occurrence(struct wf_payout_parse *p, uint64_t h, uint32_t *count)
{
	size_t i, mask;

	if (h == 0)
		h = 1;
	if ((p->nseen + 1) * 2 > p->capseen) {
		size_t cap = p->capseen ? p->capseen * 2 : 1024, j;
		uint64_t *seen = calloc(cap, sizeof *seen);
		uint32_t *n = calloc(cap, sizeof *n);
		if (seen == NULL || n == NULL) {
			free(seen);
			free(n);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		for (j = 0; j < p->capseen; j++) {
			if (p->seen[j] == 0)
				continue;
			for (i = p->seen[j] & (cap - 1); seen[i]; i = (i + 1) & (cap - 1))
				;
			seen[i] = p->seen[j];
			n[i] = p->seen_n[j];
		}
		free(p->seen);
		free(p->seen_n);
		p->seen = seen;
		p->seen_n = n;
		p->capseen = cap;
	}
	mask = p->capseen - 1;
	for (i = h & mask; p->seen[i] && p->seen[i] != h; i = (i + 1) & mask)
		;
	if (p->seen[i] == 0) {
		p->seen[i] = h;
		p->nseen++;
	}
	*count = ++p->seen_n[i];
	return 0;
}

/* The line id: the parts that name the amount, numbered when repeated. */
static int
line_id(struct wf_payout_parse *p, struct wf_payout_rec *r, const cJSON *o,
    const char *sid, const char *tt, const char *at, const char *desc, int64_t posted,
    const char **out)
{
	const char *item = cell(o, "order-item-code");
	char day[11];
	const char *key;
	uint32_t n = 0;
	int rc;

	if (item == NULL)
		item = cell(o, "merchant-adjustment-item-id");
	wf_date_format(posted, day);
	key = wf_payout_keep(r, "%s/%s/%s/%s/%s/%s/%s/%s/%s", sid, tt,
	    cell(o, "order-id") ? cell(o, "order-id") : "",
	    cell(o, "shipment-id") ? cell(o, "shipment-id") : "",
	    cell(o, "adjustment-id") ? cell(o, "adjustment-id") : "",
	    item ? item : "", at, desc ? desc : "", day);
	if (key == NULL)
		return wf_error_code() ? wf_error_code() : WF_ENOMEM;
	if ((rc = occurrence(p, fnv(key), &n)) != 0)
		return rc;
	/* a long id by its hash: the schema keeps 200 bytes */
	if (strlen(key) > 160)
		key = wf_payout_keep(r, "%s/%016llx", sid, (unsigned long long)fnv(key));
	if (key && n > 1)
		key = wf_payout_keep(r, "%s#%u", key, (unsigned)n);
	if ((*out = key) == NULL)
		return wf_error_code() ? wf_error_code() : WF_ENOMEM;
	return 0;
}

/* The settlement's first row: the payout. */
static int
summary(struct wf_payout_parse *p, const wf_jloc *at, const cJSON *o,
    const char *sid, struct wf_payout_rec *r)
{
	struct wf_payout_in *po = &r->payout;
	const char *cur = cell(o, "currency"), *start = cell(o, "settlement-start-date");
	const char *end = cell(o, "settlement-end-date");
	int64_t t0 = 0, t1 = 0;
	char a[WF_TIME_LEN], b[WF_TIME_LEN];
	int rc;

	if (cur == NULL)
		return wf_jerr(at, "currency", "required in the settlement's first row");
	if (wf_currency_norm(cur, po->currency) != 0)
		return wf_jerr(at, "currency", "%s", wf_error_msg());
	po->provider = "amazon";
	po->external_id = sid;
	if ((rc = money_cell(at, o, "total-amount", po->currency, &po->amount)) != 0)
		return rc;
	po->has_amount = 1;
	if (cell(o, "deposit-date")) {
		if ((rc = time_cell(at, o, "deposit-date", &po->arrival)) != 0)
			return rc;
		po->has_arrival = 1;
	}
	if ((start && (rc = time_cell(at, o, "settlement-start-date", &t0)) != 0) ||
	    (end && (rc = time_cell(at, o, "settlement-end-date", &t1)) != 0))
		return rc;
	if (start && end) {
		wf_time_format(t0, a);
		wf_time_format(t1, b);
		if ((po->description = wf_payout_keep(r, "settlement %s to %s", a, b)) == NULL)
			return WF_ENOMEM;
	}
	wf_strlcpy(p->settlement, sid, sizeof p->settlement);
	memcpy(p->currency, po->currency, 4);
	p->has_end = end != NULL;
	p->end = t1;
	r->has_payout = 1;
	return 0;
}

/* One amount of a row: AT_NAME is V2's amount-type, DESC its description. */
static int
component(struct wf_payout_parse *p, const wf_jloc *loc, const cJSON *o,
    const char *sid, const char *tt, const char *amount_key, const char *at_name,
    const char *desc, const char *currency, int64_t posted, struct wf_payout_rec *r)
{
	struct wf_payout_line_in *l = &r->line[r->nlines];
	const char *order = cell(o, "order-id");
	const char *channel = p->imp->channel ? p->imp->channel : "amazon";
	int64_t amount;
	int rc, fee;

	if ((rc = money_cell(loc, o, amount_key, currency, &amount)) != 0)
		return rc;
	l->provider = "amazon";
	l->payout = sid;
	memcpy(l->currency, currency, 4);
	l->posted_at = posted;
	l->category = wf_payout_amazon_category(tt, at_name, desc, amount, &fee);
	l->unmapped = l->category == NULL;
	if (l->unmapped)
		l->category = "other";
	l->gross = fee ? 0 : amount;
	l->fee = fee ? -amount : 0;
	l->net = amount;
	l->provider_type = desc ? wf_payout_keep(r, "%s/%s/%s", tt, at_name, desc) :
	    wf_payout_keep(r, "%s/%s", tt, at_name);
	if (l->provider_type == NULL)
		return wf_error_code() ? wf_error_code() : WF_ENOMEM;
	if (order) {
		l->provider_order = order;
		if ((l->order_ref = wf_payout_keep(r, "%s:%s", channel, order)) == NULL)
			return WF_ENOMEM;
	}
	if ((rc = line_id(p, r, o, sid, tt, at_name, desc, posted, &l->provider_id)) != 0)
		return rc;
	r->nlines++;
	return 0;
}

int
wf_payout_parse_amazon(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r)
{
	/* the older layout: each kind of amount in a column pair (or alone),
	 * named as V2 names the amount type */
	static const struct { const char *amount, *type, *name; } v1[] = {
		{ "price-amount", "price-type", "ItemPrice" },
		{ "item-related-fee-amount", "item-related-fee-type", "ItemFees" },
		{ "shipment-fee-amount", "shipment-fee-type", "ShipmentFees" },
		{ "order-fee-amount", "order-fee-type", "OrderFees" },
		{ "promotion-amount", "promotion-type", "Promotion" },
		{ "misc-fee-amount", NULL, "MiscFees" },
		{ "other-fee-amount", "other-fee-reason-description", "OtherFees" },
		{ "direct-payment-amount", "direct-payment-type", "DirectPayment" },
		{ "other-amount", NULL, "Other" },
	};
	const char *sid = cell(o, "settlement-id"), *tt = cell(o, "transaction-type");
	const char *cur = cell(o, "currency"), *when;
	char currency[4];
	int64_t posted;
	size_t i;
	int rc;

	if (sid == NULL)
		return wf_jerr(at, "settlement-id", "required");
	if (strlen(sid) > WF_PAYOUT_ID_MAX)
		return wf_jerr(at, "settlement-id", "longer than %d bytes", WF_PAYOUT_ID_MAX);
	if (tt == NULL) {
		if (cell(o, "total-amount") == NULL)
			return wf_jerr(at, "transaction-type", "required (only the settlement's "
			    "first row, with total-amount, has none)");
		return summary(p, at, o, sid, r);
	}
	/* the settlement's currency, unless the row says */
	if (cur) {
		if (wf_currency_norm(cur, currency) != 0)
			return wf_jerr(at, "currency", "%s", wf_error_msg());
	} else if (p->currency[0] && strcmp(p->settlement, sid) == 0)
		memcpy(currency, p->currency, 4);
	else
		return wf_jerr(at, "currency", "unknown: the settlement's first row (with "
		    "total-amount and currency) must come before its transactions");
	/* when it was posted; else when the settlement ended */
	when = wf_tsv_v2(p->tsv) && cell(o, "posted-date-time") ? "posted-date-time" :
	    "posted-date";
	if (cell(o, when)) {
		if ((rc = time_cell(at, o, when, &posted)) != 0)
			return rc;
	} else if (p->has_end && strcmp(p->settlement, sid) == 0)
		posted = p->end;
	else
		return wf_jerr(at, "posted-date", "required (the settlement's first row gives "
		    "no settlement-end-date to take instead)");
	if (wf_tsv_v2(p->tsv)) {
		const char *atype = cell(o, "amount-type");
		if (cell(o, "amount") == NULL)
			return 0;
		if (atype == NULL)
			return wf_jerr(at, "amount-type", "required with an amount");
		return component(p, at, o, sid, tt, "amount", atype, cell(o, "amount-description"),
		    currency, posted, r);
	}
	for (i = 0; i < sizeof v1 / sizeof v1[0]; i++) {
		if (cell(o, v1[i].amount) == NULL)
			continue;
		if ((rc = component(p, at, o, sid, tt, v1[i].amount, v1[i].name,
		    v1[i].type ? cell(o, v1[i].type) : NULL, currency, posted, r)) != 0)
			return rc;
	}
	return 0;
}
