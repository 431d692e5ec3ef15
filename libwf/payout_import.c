/*
 * payout_import.c - provider exports into struct wf_payout_rec: Workform's
 * own payout records, Stripe, Shopify Payments and PayPal (the Amazon flat
 * file is payout_amazon.c), and the category maps they use.
 *
 * Every importer reads exactly what the provider wrote: amounts from the
 * text (a JSON number's own lexeme, never a double), currencies as given,
 * times with their offsets, ids as strings however long.  What a provider
 * calls a type is kept next to the category it maps to, and a type a map
 * does not know is not guessed at: the line becomes `other` and payout.c
 * opens unknown_category for it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payout_priv.h"
#include "wf_error.h"
#include "wf_money.h"
#include "wf_text.h"
#include "wf_time.h"

/* Unix seconds a provider can mean: 1970-01-01 to 9999-12-31. */
#define UNIX_MIN ((int64_t)0)
#define UNIX_MAX ((int64_t)253402300799)

const char *const wf_payout_categories[] = {
	"charge", "refund", "fee", "dispute", "dispute_reversal", "adjustment",
	"reserve_hold", "reserve_release", "transfer", "other", NULL
};

/* ---- records ------------------------------------------------------------------ */

const char *
wf_payout_keep(struct wf_payout_rec *r, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	int n;

	if (r->narena == WF_PAYOUT_ARENA) {
		wf_error_set(WF_ENOMEM, "too many strings in one record");
		return NULL;
	}
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof text) {
		wf_error_set(WF_EINPUT, "a composed id or key longer than %zu bytes", sizeof text);
		return NULL;
	}
	r->arena[r->narena].len = 0;
	if (wf_buf_add(&r->arena[r->narena], text, (size_t)n) != 0)
		return NULL;
	return r->arena[r->narena++].p;
}

int
wf_payout_keep_text(struct wf_payout_rec *r, const wf_jloc *at, const char *key,
    const char *s, const char **out)
{
	wf_buf *b;
	int rc;

	*out = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	if (r->narena == WF_PAYOUT_ARENA)
		return wf_error_set(WF_ENOMEM, "too many strings in one record");
	b = &r->arena[r->narena];
	b->len = 0;
	if ((rc = wf_text_clean(b, key, s, WF_PAYOUT_TEXT_MAX)) != 0)
		return rc == WF_EINPUT ? wf_jerr(at, key, "not valid UTF-8") : rc;
	r->narena++;
	*out = b->p;
	return 0;
}

void
wf_payout_rec_free(struct wf_payout_rec *r)
{
	size_t i;

	for (i = 0; i < WF_PAYOUT_ARENA; i++)
		wf_buf_free(&r->arena[i]);
	memset(r, 0, sizeof *r);
}

void
wf_payout_parse_free(struct wf_payout_parse *p)
{
	free(p->seen);
	free(p->seen_n);
	p->seen = NULL;
	p->seen_n = NULL;
	p->nseen = p->capseen = 0;
}

/* ---- category maps ------------------------------------------------------------ */

/* Two pseudo-categories: one type for both directions, told by the sign. */
static const char RESERVE[] = "reserve";
static const char DISPUTE[] = "dispute+reversal";

struct cat {
	const char *type, *category;
};

static const char *
lookup(const struct cat *map, const char *type)
{
	for (; type && map->type; map++)
		if (strcmp(map->type, type) == 0)
			return map->category;
	return NULL;
}

static const char *
by_sign(const char *c, int64_t amount)
{
	if (c == RESERVE)
		return amount < 0 ? "reserve_hold" : "reserve_release";
	if (c == DISPUTE)
		return amount > 0 ? "dispute_reversal" : "dispute";
	return c;
}

/* Stripe's reporting categories (docs.stripe.com/reports/reporting-categories). */
static const struct cat stripe_reporting[] = {
	{ "charge", "charge" }, { "refund", "refund" },
	{ "partial_capture_reversal", "refund" }, { "charge_failure", "refund" },
	{ "refund_failure", "refund" }, { "dispute", "dispute" },
	{ "dispute_reversal", "dispute_reversal" }, { "issuing_dispute", "dispute" },
	{ "fee", "fee" }, { "network_cost", "fee" }, { "tax", "fee" },
	{ "contribution", "fee" }, { "climate_order_purchase", "fee" },
	{ "climate_order_refund", "fee" },
	{ "payout", "transfer" }, { "payout_reversal", "transfer" },
	{ "transfer", "transfer" }, { "transfer_reversal", "transfer" },
	{ "topup", "transfer" }, { "topup_reversal", "transfer" },
	{ "connect_collection_transfer", "transfer" }, { "issuing_transaction", "transfer" },
	{ "risk_reserved_funds", RESERVE }, { "connect_reserved_funds", RESERVE },
	{ "payment_network_reserved_funds", RESERVE },
	{ "issuing_authorization_hold", "reserve_hold" },
	{ "issuing_authorization_release", "reserve_release" },
	{ "platform_earning", "adjustment" }, { "platform_earning_refund", "adjustment" },
	{ "other_adjustment", "adjustment" }, { "advance", "adjustment" },
	{ "advance_funding", "adjustment" }, { "anticipation_repayment", "adjustment" },
	{ "financing_paydown", "adjustment" }, { "financing_paydown_reversal", "adjustment" },
	{ "unreconciled_customer_funds", "adjustment" },
	{ NULL, NULL }
};

/* Stripe's balance transaction types, for objects without a reporting
 * category. */
static const struct cat stripe_types[] = {
	{ "charge", "charge" }, { "payment", "charge" },
	{ "refund", "refund" }, { "payment_refund", "refund" },
	{ "refund_failure", "refund" }, { "payment_failure_refund", "refund" },
	{ "payment_reversal", "refund" },
	{ "stripe_fee", "fee" }, { "stripe_fx_fee", "fee" }, { "tax_fee", "fee" },
	{ "contribution", "fee" }, { "climate_order_purchase", "fee" },
	{ "climate_order_refund", "fee" },
	{ "issuing_dispute", "dispute" },
	{ "payout", "transfer" }, { "payout_cancel", "transfer" },
	{ "payout_failure", "transfer" }, { "transfer", "transfer" },
	{ "transfer_cancel", "transfer" }, { "transfer_failure", "transfer" },
	{ "transfer_refund", "transfer" }, { "topup", "transfer" },
	{ "topup_reversal", "transfer" }, { "connect_collection_transfer", "transfer" },
	{ "issuing_transaction", "transfer" }, { "obligation_outbound", "transfer" },
	{ "obligation_reversal_inbound", "transfer" },
	{ "reserve_transaction", RESERVE }, { "reserved_funds", RESERVE },
	{ "payment_network_reserve_hold", "reserve_hold" },
	{ "payment_network_reserve_release", "reserve_release" },
	{ "payout_minimum_balance_hold", "reserve_hold" },
	{ "payout_minimum_balance_release", "reserve_release" },
	{ "issuing_authorization_hold", "reserve_hold" },
	{ "issuing_authorization_release", "reserve_release" },
	{ "adjustment", "adjustment" }, { "advance", "adjustment" },
	{ "advance_funding", "adjustment" }, { "anticipation_repayment", "adjustment" },
	{ "application_fee", "adjustment" }, { "application_fee_refund", "adjustment" },
	{ "payment_unreconciled", "adjustment" },
	{ NULL, NULL }
};

const char *
wf_payout_stripe_category(const char *reporting_category, const char *type,
    const char *source, int64_t amount)
{
	const char *c = lookup(stripe_reporting, reporting_category);

	/* a dispute is an `adjustment` whose source is the dispute */
	if (c == NULL && type && strcmp(type, "adjustment") == 0 && source &&
	    (strncmp(source, "dp_", 3) == 0 || strncmp(source, "du_", 3) == 0))
		c = DISPUTE;
	if (c == NULL)
		c = lookup(stripe_types, type);
	return by_sign(c, amount);
}

/* Shopify Payments' transaction types (the REST `type`, lower case). */
static const struct cat shopify_types[] = {
	{ "charge", "charge" }, { "refund", "refund" }, { "payment_refund", "refund" },
	{ "refund_failure", "refund" }, { "dispute", DISPUTE }, { "chargeback", "dispute" },
	{ "chargeback_reversal", "dispute_reversal" }, { "dispute_reversal", "dispute_reversal" },
	{ "reserve", RESERVE }, { "reserved_funds", RESERVE },
	{ "reserved_funds_withdrawal", "reserve_hold" },
	{ "reserved_funds_reversal", "reserve_release" },
	{ "adjustment", "adjustment" }, { "credit", "adjustment" }, { "debit", "adjustment" },
	{ "adjustment_reversal", "adjustment" }, { "system_adjustment", "adjustment" },
	{ "tax_adjustment_credit", "adjustment" }, { "tax_adjustment_debit", "adjustment" },
	{ "merchant_goodwill", "adjustment" }, { "anomaly_credit", "adjustment" },
	{ "anomaly_debit", "adjustment" }, { "advance", "adjustment" },
	{ "advance_funding", "adjustment" },
	{ "application_fee", "fee" }, { "application_fee_refund", "fee" },
	{ "billing_debit", "fee" }, { "billing_debit_reversal", "fee" },
	{ "shop_cash_billing_debit", "fee" },
	{ "payout", "transfer" }, { "payout_failure", "transfer" },
	{ "payout_cancellation", "transfer" }, { "transfer", "transfer" },
	{ "transfer_failure", "transfer" }, { "transfer_cancel", "transfer" },
	{ "transfer_refund", "transfer" }, { "collections_credit", "transfer" },
	{ "collections_debit", "transfer" },
	{ NULL, NULL }
};

const char *
wf_payout_shopify_category(const char *type, int64_t amount)
{
	return by_sign(lookup(shopify_types, type), amount);
}

/* PayPal's event codes by group: the code's second and third digit
 * (developer.paypal.com, transaction event codes), then the codes whose
 * meaning differs from their group's. */
static const char *const paypal_groups[100] = {
	[0] = "charge",              /* T00xx payments */
	[1] = "fee",                 /* T01xx non-payment fees */
	[2] = "transfer",            /* T02xx currency conversion */
	[3] = "transfer",            /* T03xx bank deposits into PayPal */
	[4] = "transfer",            /* T04xx bank withdrawals from PayPal */
	[5] = "transfer",            /* T05xx debit card */
	[6] = "transfer",            /* T06xx credit card withdrawal */
	[7] = "transfer",            /* T07xx credit card deposit */
	[8] = "adjustment",          /* T08xx bonus */
	[9] = "adjustment",          /* T09xx incentive */
	[10] = "transfer",           /* T10xx bill pay */
	[11] = "adjustment",         /* T11xx reversals (see below) */
	[12] = "adjustment",         /* T12xx adjustments (see below) */
	[13] = "other",              /* T13xx authorizations: no money moves */
	[14] = "adjustment",         /* T14xx dividends */
	[15] = RESERVE,              /* T15xx holds and their releases */
	[16] = "transfer",           /* T16xx buyer credit deposit */
	[17] = "transfer",           /* T17xx non-bank withdrawal */
	[18] = "transfer",           /* T18xx buyer credit withdrawal */
	[19] = "adjustment",         /* T19xx account correction */
	[20] = "transfer",           /* T20xx funds between PayPal accounts */
	[21] = RESERVE,              /* T21xx reserves and releases */
	[22] = "transfer",           /* T22xx transfers */
	[30] = "transfer",           /* T30xx generic instrument and open wallet */
	[50] = "transfer",           /* T50xx collections and disbursements */
	[97] = "adjustment",         /* T97xx payables and receivables */
	[98] = "other",              /* T98xx display only */
	[99] = "other",              /* T99xx other */
};

static const struct cat paypal_codes[] = {
	{ "T1106", "dispute" },              /* payment reversal initiated by PayPal */
	{ "T1107", "refund" },               /* payment refund initiated by the merchant */
	{ "T1108", "fee" },                  /* fee reversal */
	{ "T1109", "fee" },                  /* fee refund */
	{ "T1110", "dispute" },              /* hold for dispute investigation */
	{ "T1111", "dispute_reversal" },     /* cancellation of that hold */
	{ "T1105", "reserve_release" },      /* reversal of a general hold */
	{ "T1201", "dispute" },              /* chargeback */
	{ "T1202", "dispute_reversal" },     /* chargeback reversal */
	{ "T1205", "dispute_reversal" },     /* reimbursement of a chargeback */
	{ "T1207", "dispute" },              /* chargeback re-presentment rejected */
	{ "T1208", "dispute_reversal" },     /* chargeback cancellation */
	{ "T2109", "charge" },               /* gift certificate purchase */
	{ "T2110", "adjustment" },           /* gift certificate redemption */
	{ NULL, NULL }
};

const char *
wf_payout_paypal_category(const char *code, int64_t amount)
{
	const char *c;
	size_t i;

	if (code == NULL || strlen(code) != 5 || code[0] != 'T')
		return NULL;
	for (i = 1; i < 5; i++)
		if (code[i] < '0' || code[i] > '9')
			return NULL;
	if ((c = lookup(paypal_codes, code)) == NULL)
		c = paypal_groups[(code[1] - '0') * 10 + (code[2] - '0')];
	return by_sign(c, amount);
}

/* ---- shared readers ----------------------------------------------------------- */

static int
currency_of(const wf_jloc *at, const cJSON *o, const char *key, char out[4])
{
	const char *c;
	int rc;

	if ((rc = wf_jget_str(at, o, key, WF_J_REQ, 16, &c)) != 0)
		return rc;
	if (wf_currency_norm(c, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

/* An optional string up to MAX bytes, "" taken as absent. */
static int
opt_str(const wf_jloc *at, const cJSON *o, const char *key, size_t max, const char **out)
{
	int rc = wf_jget_str(at, o, key, 0, max, out);

	if (rc == 0 && **out == '\0')
		*out = NULL;
	return rc < 0 ? rc : 0;
}

/* An optional id (string or whole number), "" taken as absent. */
static int
opt_id(const wf_jloc *at, const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	int rc;

	*out = NULL;
	if (cJSON_IsString(v) && v->valuestring[0] == '\0')
		return 0;
	rc = wf_jget_id(at, o, key, 0, out);
	return rc < 0 ? rc : 0;
}

/* A time as Unix seconds (Stripe's), within what Workform writes. */
static int
unix_time(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl, int64_t *out)
{
	return wf_jget_int(at, o, key, fl, UNIX_MIN, UNIX_MAX, out);
}

static int
has(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key) != NULL;
}

/* The order key CHANNEL:ID, checked later with the line. */
static const char *
order_key(struct wf_payout_rec *r, const char *channel, const char *id)
{
	return id ? wf_payout_keep(r, "%s:%s", channel, id) : NULL;
}

/* net as given, or gross - fee. */
static int
net_or(const wf_jloc *at, const char *key, int has_net, int64_t gross, int64_t fee,
    int64_t *net)
{
	if (has_net)
		return 0;
	if (wf_money_add(gross, -fee, net) != 0)
		return wf_jerr(at, key, "gross - fee passes the money limit");
	return 0;
}

/* The line KIND is not MAPPED: other, unmapped. */
static void
set_category(struct wf_payout_line_in *l, const char *mapped)
{
	l->category = mapped ? mapped : "other";
	l->unmapped = mapped == NULL;
}

/* ---- generic -------------------------------------------------------------------- */

/* Workform's own format: every key known, text as it must be stored. */
static int
known_keys(const wf_jloc *at, const cJSON *o, const char *const *known)
{
	const cJSON *c;
	size_t i;

	for (c = o->child; c; c = c->next) {
		for (i = 0; known[i] && strcmp(known[i], c->string) != 0; i++)
			;
		if (known[i] == NULL)
			return wf_jerr(at, c->string, "unknown key");
	}
	return 0;
}

static int
own_text(struct wf_payout_rec *r, const wf_jloc *at, const cJSON *o, const char *key,
    size_t max, const char **out)
{
	const char *s = NULL, *clean;
	int rc;

	*out = NULL;
	if ((rc = opt_str(at, o, key, max, &s)) != 0 || s == NULL)
		return rc;
	if ((rc = wf_payout_keep_text(r, at, key, s, &clean)) != 0)
		return rc;
	if (strcmp(clean, s) != 0)
		return wf_jerr(at, key, "control or format character in text");
	*out = s;
	return 0;
}

/* "PROVIDER:ID" into its parts (kept in R). */
static int
split_ref(struct wf_payout_rec *r, const wf_jloc *at, const char *key, const char *ref,
    const char **provider, const char **id)
{
	const char *colon = strchr(ref, ':');

	if (colon == NULL || colon == ref || colon[1] == '\0')
		return wf_jerr(at, key, "expected PROVIDER:ID such as stripe:po_123, got \"%.40s\"",
		    ref);
	if ((*provider = wf_payout_keep(r, "%.*s", (int)(colon - ref), ref)) == NULL)
		return WF_ENOMEM;
	*id = colon + 1;
	return 0;
}

static int
generic_payout(const wf_jloc *at, const cJSON *o, struct wf_payout_rec *r)
{
	static const char *const known[] = {
		"type", "payout", "state", "amount", "currency", "arrival", "lines", "result",
		"provider", "status", "description", "lines_net", "difference", NULL
	};
	struct wf_payout_in *p = &r->payout;
	const char *ref, *prov = NULL, *arrival = NULL;
	int rc;

	if ((rc = known_keys(at, o, known)) != 0 ||
	    (rc = wf_jget_str(at, o, "payout", WF_J_REQ | WF_J_NONEMPTY, 200, &ref)) != 0 ||
	    (rc = split_ref(r, at, "payout", ref, &p->provider, &p->external_id)) != 0 ||
	    (rc = opt_str(at, o, "provider", 64, &prov)) != 0 ||
	    (rc = currency_of(at, o, "currency", p->currency)) != 0 ||
	    (rc = opt_str(at, o, "arrival", 32, &arrival)) != 0 ||
	    (rc = own_text(r, at, o, "status", 64, &p->status)) != 0 ||
	    (rc = own_text(r, at, o, "description", WF_PAYOUT_TEXT_MAX, &p->description)) != 0)
		return rc;
	if (prov && strcmp(prov, p->provider) != 0)
		return wf_jerr(at, "provider", "\"%s\", but the payout is %s's", prov, p->provider);
	if ((rc = wf_jget_money(at, o, "amount", 0, p->currency, &p->amount)) < 0)
		return rc;
	p->has_amount = rc == 0;
	if (arrival) {
		if (wf_time_parse(arrival, &p->arrival) != 0)
			return wf_jerr(at, "arrival", "%s", wf_error_msg());
		p->has_arrival = 1;
	}
	r->has_payout = 1;
	return 0;
}

static int
generic_line(const wf_jloc *at, const cJSON *o, struct wf_payout_rec *r)
{
	static const char *const known[] = {
		"type", "payout", "provider_id", "category", "order", "gross", "fee", "net",
		"currency", "posted_at", "available_at", "provider", "provider_type",
		"provider_order", "payment_id", "description", "status", "is_payout",
		"net_differs", "unmapped", "result", NULL
	};
	struct wf_payout_line_in *l = &r->line[0];
	const char *ref = NULL, *prov = NULL, *pprov = NULL;
	int rc, has_net;
	size_t i;

	if ((rc = known_keys(at, o, known)) != 0 ||
	    (rc = opt_str(at, o, "payout", 200, &ref)) != 0 ||
	    (rc = opt_str(at, o, "provider", 64, &prov)) != 0 ||
	    (rc = own_text(r, at, o, "provider_id", WF_PAYOUT_LINE_ID, &l->provider_id)) != 0 ||
	    (rc = wf_jget_str(at, o, "category", WF_J_REQ, 32, &l->category)) != 0 ||
	    (rc = own_text(r, at, o, "provider_type", WF_PAYOUT_LINE_MAX, &l->provider_type)) != 0 ||
	    (rc = own_text(r, at, o, "status", 64, &l->status)) != 0 ||
	    (rc = currency_of(at, o, "currency", l->currency)) != 0 ||
	    (rc = wf_jget_money(at, o, "gross", WF_J_REQ, l->currency, &l->gross)) != 0 ||
	    (rc = wf_jget_time(at, o, "posted_at", WF_J_REQ, &l->posted_at)) != 0 ||
	    (rc = own_text(r, at, o, "order", 200, &l->order_ref)) != 0 ||
	    (rc = own_text(r, at, o, "provider_order", WF_PAYOUT_ID_MAX, &l->provider_order)) != 0 ||
	    (rc = own_text(r, at, o, "payment_id", WF_PAYOUT_LINE_MAX, &l->payment_id)) != 0 ||
	    (rc = own_text(r, at, o, "description", WF_PAYOUT_TEXT_MAX, &l->description)) != 0)
		return rc;
	if (l->provider_id == NULL)
		return wf_jerr(at, "provider_id", "required");
	for (i = 0; wf_payout_categories[i] && strcmp(wf_payout_categories[i], l->category); i++)
		;
	if (wf_payout_categories[i] == NULL)
		return wf_jerr(at, "category", "expected one of charge, refund, fee, dispute, "
		    "dispute_reversal, adjustment, reserve_hold, reserve_release, transfer, "
		    "other; got \"%.32s\"", l->category);
	l->category = wf_payout_categories[i];
	if (ref && (rc = split_ref(r, at, "payout", ref, &pprov, &l->payout)) != 0)
		return rc;
	if (prov && pprov && strcmp(prov, pprov) != 0)
		return wf_jerr(at, "provider", "\"%s\", but its payout %s is %s's", prov, ref, pprov);
	if ((l->provider = prov ? prov : pprov) == NULL)
		return wf_jerr(at, "provider", "required when the line names no payout");
	if ((rc = wf_jget_money(at, o, "fee", 0, l->currency, &l->fee)) < 0 ||
	    (rc = wf_jget_money(at, o, "net", 0, l->currency, &l->net)) < 0)
		return rc;
	has_net = rc == 0;
	if ((rc = net_or(at, "net", has_net, l->gross, l->fee, &l->net)) != 0)
		return rc;
	if ((rc = wf_jget_time(at, o, "available_at", 0, &l->available_at)) < 0)
		return rc;
	l->has_available = rc == 0;
	if ((rc = wf_jget_bool(at, o, "is_payout", 0, &l->is_payout)) < 0 ||
	    (rc = wf_jget_bool(at, o, "unmapped", 0, &l->unmapped)) < 0)
		return rc;
	r->nlines = 1;
	return 0;
}

int
wf_payout_parse_generic(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r)
{
	const char *type;
	int rc;

	(void)p;
	if ((rc = wf_jget_str(at, o, "type", WF_J_REQ, 32, &type)) != 0)
		return rc;
	if (strcmp(type, "payout") == 0)
		return generic_payout(at, o, r);
	if (strcmp(type, "payout_line") == 0)
		return generic_line(at, o, r);
	return wf_jerr(at, "type", "expected \"payout\" or \"payout_line\", got \"%.32s\"", type);
}

/* ---- Stripe --------------------------------------------------------------------- */

/* A Stripe amount field in minor units of the ISO exponent. */
static int
stripe_money(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    const char *currency, int64_t *out)
{
	int64_t v;
	int rc;

	if ((rc = wf_jget_int(at, o, key, fl, -WF_MONEY_MAX, WF_MONEY_MAX, &v)) != 0)
		return rc;
	if (wf_payout_stripe_amount(v, currency, out) != 0)
		return wf_jerr(at, key, "%s", wf_error_msg());
	return 0;
}

/* The id of an expandable field: a string, or an object with an id. */
static int
stripe_ref(const wf_jloc *at, const cJSON *o, const char *key, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	wf_jloc in = WF_JLOC_KEY(at, key);

	*out = NULL;
	if (cJSON_IsObject(v))
		return opt_str(&in, v, "id", WF_PAYOUT_LINE_MAX, out);
	return opt_str(at, o, key, WF_PAYOUT_LINE_MAX, out);
}

static int
stripe_payout(struct wf_payout_parse *ps, const wf_jloc *at, const cJSON *o,
    struct wf_payout_rec *r)
{
	static const char *const known[] = {
		"id", "object", "amount", "application_fee", "application_fee_amount",
		"arrival_date", "automatic", "balance_transaction", "created", "currency",
		"description", "destination", "failure_balance_transaction", "failure_code",
		"failure_message", "livemode", "metadata", "method", "original_payout",
		"payout_method", "reconciliation_status", "reversed_by", "source_balance",
		"source_type", "statement_descriptor", "status", "trace_id", "type", NULL
	};
	struct wf_payout_in *p = &r->payout;
	const char *status = NULL, *desc = NULL;
	int64_t arrival;
	int rc;

	if (ps->strict && (rc = wf_jcheck_keys(at, o, known)) != 0)
		return rc;
	p->provider = "stripe";
	if ((rc = wf_jget_str(at, o, "id", WF_J_REQ | WF_J_NONEMPTY, WF_PAYOUT_ID_MAX,
	    &p->external_id)) != 0 ||
	    (rc = currency_of(at, o, "currency", p->currency)) != 0 ||
	    (rc = stripe_money(at, o, "amount", WF_J_REQ, p->currency, &p->amount)) != 0 ||
	    (rc = opt_str(at, o, "status", 64, &status)) != 0 ||
	    (rc = opt_str(at, o, "description", 4096, &desc)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "status", status, &p->status)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "description", desc, &p->description)) != 0)
		return rc;
	p->has_amount = 1;
	if ((rc = unix_time(at, o, "arrival_date", 0, &arrival)) < 0)
		return rc;
	if (rc == 0) {
		p->has_arrival = 1;
		p->arrival = arrival;
	}
	r->has_payout = 1;
	return 0;
}

static int
stripe_line(struct wf_payout_parse *ps, const wf_jloc *at, const cJSON *o,
    struct wf_payout_rec *r)
{
	static const char *const known[] = {
		"id", "object", "amount", "available_on", "balance_type", "created", "currency",
		"description", "exchange_rate", "fee", "fee_details", "net",
		"reporting_category", "source", "status", "type", NULL
	};
	struct wf_payout_line_in *l = &r->line[0];
	const char *reporting = NULL, *type, *status = NULL, *desc = NULL;
	int rc, has_net;

	if (ps->strict && (rc = wf_jcheck_keys(at, o, known)) != 0)
		return rc;
	l->provider = "stripe";
	if ((rc = wf_jget_str(at, o, "id", WF_J_REQ | WF_J_NONEMPTY, WF_PAYOUT_LINE_ID,
	    &l->provider_id)) != 0 ||
	    (rc = wf_jget_str(at, o, "type", WF_J_REQ | WF_J_NONEMPTY, 64, &type)) != 0 ||
	    (rc = opt_str(at, o, "reporting_category", 64, &reporting)) != 0 ||
	    (rc = currency_of(at, o, "currency", l->currency)) != 0 ||
	    (rc = stripe_money(at, o, "amount", WF_J_REQ, l->currency, &l->gross)) != 0 ||
	    (rc = unix_time(at, o, "created", WF_J_REQ, &l->posted_at)) != 0 ||
	    (rc = stripe_ref(at, o, "source", &l->payment_id)) != 0 ||
	    (rc = opt_str(at, o, "status", 64, &status)) != 0 ||
	    (rc = opt_str(at, o, "description", 4096, &desc)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "type", type, &l->provider_type)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "status", status, &l->status)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "description", desc, &l->description)) != 0)
		return rc;
	if ((rc = stripe_money(at, o, "fee", 0, l->currency, &l->fee)) < 0 ||
	    (rc = stripe_money(at, o, "net", 0, l->currency, &l->net)) < 0)
		return rc;
	has_net = rc == 0;
	if ((rc = net_or(at, "net", has_net, l->gross, l->fee, &l->net)) != 0)
		return rc;
	if ((rc = unix_time(at, o, "available_on", 0, &l->available_at)) < 0)
		return rc;
	l->has_available = rc == 0;
	set_category(l, wf_payout_stripe_category(reporting, type, l->payment_id, l->gross));
	/* the payout's own balance transaction: its source is the payout */
	if (strcmp(l->category, "transfer") == 0 && l->payment_id &&
	    strncmp(l->payment_id, "po_", 3) == 0 && strlen(l->payment_id) <= WF_PAYOUT_ID_MAX &&
	    (strcmp(type, "payout") == 0 || (reporting && strcmp(reporting, "payout") == 0))) {
		l->payout = l->payment_id;
		l->is_payout = 1;
	}
	r->nlines = 1;
	return 0;
}

int
wf_payout_parse_stripe(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r)
{
	const char *object = NULL, *id = NULL;
	int rc;

	if ((rc = opt_str(at, o, "object", 64, &object)) != 0 ||
	    (rc = opt_str(at, o, "id", WF_PAYOUT_LINE_MAX, &id)) != 0)
		return rc;
	if (object == NULL && id)
		object = strncmp(id, "po_", 3) == 0 ? "payout" :
		    strncmp(id, "txn_", 4) == 0 ? "balance_transaction" : NULL;
	if (object && strcmp(object, "balance_transaction") == 0)
		return stripe_line(p, at, o, r);
	if (object && strcmp(object, "payout") == 0)
		return stripe_payout(p, at, o, r);
	return wf_jerr(at, "object", "expected a Stripe \"balance_transaction\" or \"payout\"%s%.32s%s",
	    object ? ", got \"" : "", object ? object : "", object ? "\"" : "");
}

/* ---- Shopify Payments --------------------------------------------------------- */

static int
shopify_payout(struct wf_payout_parse *ps, const wf_jloc *at, const cJSON *o,
    struct wf_payout_rec *r)
{
	static const char *const known[] = {
		"id", "status", "date", "currency", "amount", "summary", NULL
	};
	struct wf_payout_in *p = &r->payout;
	const char *status = NULL, *date = NULL;
	int rc;

	if (ps->strict && (rc = wf_jcheck_keys(at, o, known)) != 0)
		return rc;
	p->provider = "shopify";
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &p->external_id)) != 0 ||
	    (rc = currency_of(at, o, "currency", p->currency)) != 0 ||
	    (rc = wf_jget_money(at, o, "amount", WF_J_REQ | WF_J_NUMOK, p->currency,
	    &p->amount)) != 0 ||
	    (rc = opt_str(at, o, "status", 64, &status)) != 0 ||
	    (rc = opt_str(at, o, "date", 64, &date)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "status", status, &p->status)) != 0)
		return rc;
	p->has_amount = 1;
	if (date) {
		if (wf_time_parse(date, &p->arrival) != 0)
			return wf_jerr(at, "date", "%s", wf_error_msg());
		p->has_arrival = 1;
	}
	r->has_payout = 1;
	return 0;
}

static int
shopify_line(struct wf_payout_parse *ps, const wf_jloc *at, const cJSON *o,
    struct wf_payout_rec *r)
{
	struct wf_payout_line_in *l = &r->line[0];
	const char *type, *status = NULL, *source_type = NULL, *source_id = NULL;
	const char *channel = ps->imp->channel ? ps->imp->channel : "shopify";
	static const char *const known[] = {
		"id", "type", "test", "payout_id", "payout_status", "currency", "amount", "fee",
		"net", "source_id", "source_type", "source_order_id",
		"source_order_transaction_id", "processed_at", "adjustment_reason",
		"adjustment_order_transactions", NULL
	};
	int rc, has_net;

	if (ps->strict && (rc = wf_jcheck_keys(at, o, known)) != 0)
		return rc;
	l->provider = "shopify";
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &l->provider_id)) != 0 ||
	    (rc = wf_jget_str(at, o, "type", WF_J_REQ | WF_J_NONEMPTY, 64, &type)) != 0 ||
	    (rc = opt_id(at, o, "payout_id", &l->payout)) != 0 ||
	    (rc = opt_str(at, o, "payout_status", 64, &status)) != 0 ||
	    (rc = currency_of(at, o, "currency", l->currency)) != 0 ||
	    (rc = wf_jget_money(at, o, "amount", WF_J_REQ | WF_J_NUMOK, l->currency,
	    &l->gross)) != 0 ||
	    (rc = opt_id(at, o, "source_id", &source_id)) != 0 ||
	    (rc = opt_str(at, o, "source_type", 128, &source_type)) != 0 ||
	    (rc = opt_id(at, o, "source_order_id", &l->provider_order)) != 0 ||
	    (rc = opt_id(at, o, "source_order_transaction_id", &l->payment_id)) != 0 ||
	    (rc = wf_jget_time(at, o, "processed_at", WF_J_REQ, &l->posted_at)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "payout_status", status, &l->status)) != 0)
		return rc;
	/* the raw type is the pair: an adjustment of a charge, a debit of an
	 * adjustment reversal; the category comes from the type */
	if ((l->provider_type = source_type ? wf_payout_keep(r, "%s/%s", type, source_type) :
	    type) == NULL)
		return wf_error_code();
	if ((rc = wf_payout_keep_text(r, at, "type", l->provider_type, &l->provider_type)) != 0)
		return rc;
	if ((rc = wf_jget_money(at, o, "fee", WF_J_NUMOK, l->currency, &l->fee)) < 0 ||
	    (rc = wf_jget_money(at, o, "net", WF_J_NUMOK, l->currency, &l->net)) < 0)
		return rc;
	has_net = rc == 0;
	if ((rc = net_or(at, "net", has_net, l->gross, l->fee, &l->net)) != 0)
		return rc;
	if (l->provider_order && (l->order_ref = order_key(r, channel, l->provider_order)) == NULL)
		return WF_ENOMEM;
	set_category(l, wf_payout_shopify_category(type, l->gross));
	/* the payout's own transaction: type payout, its source the payout */
	l->is_payout = strcmp(type, "payout") == 0 && l->payout &&
	    (source_type == NULL || strcmp(source_type, "payout") == 0) &&
	    (source_id == NULL || strcmp(source_id, l->payout) == 0);
	r->nlines = 1;
	return 0;
}

int
wf_payout_parse_shopify(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r)
{
	const cJSON *inner;
	wf_jloc in;

	/* {"payout":{...}} and {"transaction":{...}}, as the API returns one */
	if (cJSON_IsObject(inner = cJSON_GetObjectItemCaseSensitive(o, "payout"))) {
		in = (wf_jloc)WF_JLOC_KEY(at, "payout");
		return shopify_payout(p, &in, inner, r);
	}
	if (cJSON_IsObject(inner = cJSON_GetObjectItemCaseSensitive(o, "transaction"))) {
		in = (wf_jloc)WF_JLOC_KEY(at, "transaction");
		return shopify_line(p, &in, inner, r);
	}
	if (has(o, "payout_id") || has(o, "processed_at"))
		return shopify_line(p, at, o, r);
	if (has(o, "date") || has(o, "summary"))
		return shopify_payout(p, at, o, r);
	return wf_jerr(at, NULL, "not a Shopify Payments payout (date, amount) or balance "
	    "transaction (payout_id, processed_at)");
}

/* ---- PayPal --------------------------------------------------------------------- */

/* A PayPal money object {"currency_code":..,"value":..}; CURRENCY is set
 * from the first one read (CHECKED: the others must agree). */
static int
paypal_money(const wf_jloc *at, const cJSON *o, const char *key, unsigned fl,
    char currency[4], int checked, int64_t *out)
{
	const cJSON *m;
	wf_jloc in = WF_JLOC_KEY(at, key);
	char cur[4];
	int rc;

	if ((rc = wf_jget_obj(at, o, key, fl, &m)) != 0)
		return rc;
	if ((rc = currency_of(&in, m, "currency_code", cur)) != 0)
		return rc;
	if (checked && strcmp(cur, currency) != 0)
		return wf_jerr(&in, "currency_code", "%s, but the transaction is in %s", cur,
		    currency);
	memcpy(currency, cur, 4);
	return wf_jget_money(&in, m, "value", WF_J_REQ | WF_J_NUMOK, currency, out);
}

/* Whether S is an order key CHANNEL:ID already. */
static int
is_order_key(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n;

	if (colon == NULL || colon[1] == '\0')
		return 0;
	n = (size_t)(colon - s);
	return n >= 1 && n <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789._-") == n;
}

/* A token that can be an order id: no spaces, printable. */
static int
token(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

int
wf_payout_parse_paypal(struct wf_payout_parse *ps, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r)
{
	struct wf_payout_line_in *l = &r->line[0];
	const cJSON *info = o;
	const char *code, *status = NULL, *subject = NULL, *note = NULL, *invoice = NULL;
	const char *custom = NULL, *ref = NULL, *order = NULL;
	static const char *const known_details[] = {
		"transaction_info", "payer_info", "shipping_info", "cart_info", "store_info",
		"auction_info", "incentive_info", NULL
	};
	static const char *const known[] = {
		"paypal_account_id", "transaction_id", "paypal_reference_id",
		"paypal_reference_id_type", "transaction_event_code",
		"transaction_initiation_date", "transaction_updated_date", "transaction_amount",
		"fee_amount", "discount_amount", "insurance_amount", "sales_tax_amount",
		"shipping_amount", "shipping_discount_amount", "shipping_tax_amount",
		"other_amount", "tip_amount", "transaction_status", "transaction_subject",
		"transaction_note", "payment_tracking_id", "bank_reference_id", "ending_balance",
		"available_balance", "invoice_id", "custom_field", "protection_eligibility",
		"credit_term", "credit_transactional_fee", "credit_promotional_fee",
		"annual_percentage_rate", "payment_method_type", "instrument_type",
		"instrument_sub_type", NULL
	};
	wf_jloc in = WF_JLOC_KEY(at, "transaction_info");
	int rc;

	/* a transaction_details element, or its transaction_info alone */
	if (has(o, "transaction_info")) {
		if ((ps->strict && (rc = wf_jcheck_keys(at, o, known_details)) != 0) ||
		    (rc = wf_jget_obj(at, o, "transaction_info", WF_J_REQ, &info)) != 0)
			return rc;
		at = &in;
	} else if (!has(o, "transaction_id"))
		return wf_jerr(at, NULL, "not a PayPal transaction (transaction_info, "
		    "transaction_id)");
	if (ps->strict && (rc = wf_jcheck_keys(at, info, known)) != 0)
		return rc;
	l->provider = "paypal";
	if ((rc = wf_jget_str(at, info, "transaction_id", WF_J_REQ | WF_J_NONEMPTY,
	    WF_PAYOUT_ID_MAX, &l->provider_id)) != 0 ||
	    (rc = wf_jget_str(at, info, "transaction_event_code", WF_J_REQ | WF_J_NONEMPTY, 16,
	    &code)) != 0 ||
	    (rc = wf_jget_time(at, info, "transaction_initiation_date", WF_J_REQ,
	    &l->posted_at)) != 0 ||
	    (rc = paypal_money(at, info, "transaction_amount", WF_J_REQ, l->currency, 0,
	    &l->gross)) != 0 ||
	    (rc = opt_str(at, info, "transaction_status", 64, &status)) != 0 ||
	    (rc = opt_str(at, info, "transaction_subject", 4096, &subject)) != 0 ||
	    (rc = opt_str(at, info, "transaction_note", 4096, &note)) != 0 ||
	    (rc = opt_str(at, info, "invoice_id", 256, &invoice)) != 0 ||
	    (rc = opt_str(at, info, "custom_field", 256, &custom)) != 0 ||
	    (rc = opt_str(at, info, "paypal_reference_id", WF_PAYOUT_LINE_MAX, &ref)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "transaction_event_code", code,
	    &l->provider_type)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, "transaction_status", status, &l->status)) != 0 ||
	    (rc = wf_payout_keep_text(r, at, subject ? "transaction_subject" : "transaction_note",
	    subject ? subject : note, &l->description)) != 0)
		return rc;
	/* PayPal states its fee as a negative amount: what it kept */
	if ((rc = paypal_money(at, info, "fee_amount", 0, l->currency, 1, &l->fee)) < 0)
		return rc;
	l->fee = -l->fee;
	if ((rc = net_or(at, "fee_amount", 0, l->gross, l->fee, &l->net)) != 0)
		return rc;
	l->payment_id = ref ? ref : l->provider_id;
	/* the order: invoice_id, else a custom_field that can be an order id */
	if (invoice && token(invoice) && strlen(invoice) <= WF_PAYOUT_ID_MAX)
		order = invoice;
	else if (custom && token(custom) && strlen(custom) <= WF_PAYOUT_ID_MAX)
		order = custom;
	if (order) {
		l->provider_order = order;
		if (is_order_key(order))
			l->order_ref = order;
		else if (ps->imp->channel &&
		    (l->order_ref = order_key(r, ps->imp->channel, order)) == NULL)
			return WF_ENOMEM;
	}
	set_category(l, wf_payout_paypal_category(code, l->gross));
	/* a withdrawal to the bank is PayPal's payout: one of its own */
	if (strncmp(code, "T04", 3) == 0) {
		struct wf_payout_in *p = &r->payout;
		l->payout = l->provider_id;
		l->is_payout = 1;
		p->provider = "paypal";
		p->external_id = l->provider_id;
		memcpy(p->currency, l->currency, 4);
		p->has_amount = 1;
		p->amount = -l->net;
		p->has_arrival = 1;
		p->arrival = l->posted_at;
		p->status = l->status;
		p->description = l->description;
		r->has_payout = 1;
	}
	r->nlines = 1;
	return 0;
}

/* ---- amounts ---------------------------------------------------------------------- */

/* Stripe's exponent for CURRENCY: docs.stripe.com/currencies. */
static int
stripe_exponent(const char *currency)
{
	static const char zero[] = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
	static const char three[] = "BHD JOD KWD OMR TND";

	if (strstr(zero, currency))
		return 0;
	if (strstr(three, currency))
		return 3;
	return 2;
}

int
wf_payout_stripe_amount(int64_t amount, const char *currency, int64_t *out)
{
	int iso = wf_currency_exponent(currency), d, i;
	int64_t v = amount;

	if (iso < 0)
		return wf_error_set(WF_EINPUT, "unknown currency '%.3s'", currency);
	d = iso - stripe_exponent(currency);
	for (i = 0; i < d; i++)
		if (wf_money_mul(v, 10, &v) != 0)
			return wf_error_set(WF_EINPUT, "%lld %s passes the money limit",
			    (long long)amount, currency);
	for (i = 0; i > d; i--) {
		if (v % 10 != 0)
			return wf_error_set(WF_EINPUT, "%lld is not a whole number of %s minor "
			    "units (Stripe counts %s in hundredths)", (long long)amount, currency,
			    currency);
		v /= 10;
	}
	if (v > WF_MONEY_MAX || v < -WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "%lld %s passes the money limit",
		    (long long)amount, currency);
	*out = v;
	return 0;
}
