/* Payouts: the category maps, the amount and time readers of each provider,
 * the importers' records, and the calls matching will build on. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "unit_db.h"
#include "payout_priv.h"
#include "wf.h"

/* ---- category maps ------------------------------------------------------- */

TEST(stripe_reporting_category_wins_over_type)
{
	EQ_STR(wf_payout_stripe_category("charge", "charge", "ch_1", 100), "charge");
	EQ_STR(wf_payout_stripe_category("fee", "stripe_fee", NULL, -5), "fee");
	EQ_STR(wf_payout_stripe_category("dispute", "adjustment", "dp_1", -100), "dispute");
	EQ_STR(wf_payout_stripe_category("payout", "payout", "po_1", -100), "transfer");
	/* an unknown reporting category falls back to the type */
	EQ_STR(wf_payout_stripe_category("brand_new", "refund", "re_1", -100), "refund");
	CHECK(wf_payout_stripe_category("brand_new", "wibble", NULL, 1) == NULL);
	CHECK(wf_payout_stripe_category(NULL, NULL, NULL, 1) == NULL);
}

TEST(stripe_types_without_a_reporting_category)
{
	EQ_STR(wf_payout_stripe_category(NULL, "charge", "ch_1", 2000), "charge");
	EQ_STR(wf_payout_stripe_category(NULL, "payment_refund", NULL, -1), "refund");
	/* a dispute is an adjustment of a dispute object: lost, then won back */
	EQ_STR(wf_payout_stripe_category(NULL, "adjustment", "dp_1", -1500), "dispute");
	EQ_STR(wf_payout_stripe_category(NULL, "adjustment", "dp_1", 1500), "dispute_reversal");
	EQ_STR(wf_payout_stripe_category(NULL, "adjustment", "ch_1", 10), "adjustment");
	EQ_STR(wf_payout_stripe_category(NULL, "reserved_funds", NULL, -10), "reserve_hold");
	EQ_STR(wf_payout_stripe_category(NULL, "reserved_funds", NULL, 10), "reserve_release");
	EQ_STR(wf_payout_stripe_category(NULL, "topup", NULL, 10), "transfer");
}

TEST(shopify_types_and_their_signs)
{
	EQ_STR(wf_payout_shopify_category("charge", 1000), "charge");
	EQ_STR(wf_payout_shopify_category("refund", -345), "refund");
	EQ_STR(wf_payout_shopify_category("dispute", -1150), "dispute");
	EQ_STR(wf_payout_shopify_category("dispute", 1150), "dispute_reversal");
	EQ_STR(wf_payout_shopify_category("reserve", -4200), "reserve_hold");
	EQ_STR(wf_payout_shopify_category("reserve", 4200), "reserve_release");
	EQ_STR(wf_payout_shopify_category("credit", 100), "adjustment");
	EQ_STR(wf_payout_shopify_category("debit", -100), "adjustment");
	EQ_STR(wf_payout_shopify_category("payout", -4190), "transfer");
	CHECK(wf_payout_shopify_category("gift_card_breakage", 1) == NULL);
}

TEST(paypal_codes_by_group_and_the_exceptions_of_a_group)
{
	EQ_STR(wf_payout_paypal_category("T0006", 46500), "charge");
	EQ_STR(wf_payout_paypal_category("T0100", -100), "fee");
	EQ_STR(wf_payout_paypal_category("T0400", -100000), "transfer");
	EQ_STR(wf_payout_paypal_category("T1107", -100), "refund");
	EQ_STR(wf_payout_paypal_category("T1106", -100), "dispute");
	EQ_STR(wf_payout_paypal_category("T1201", -100), "dispute");
	EQ_STR(wf_payout_paypal_category("T1202", 100), "dispute_reversal");
	EQ_STR(wf_payout_paypal_category("T1108", 30), "fee");
	EQ_STR(wf_payout_paypal_category("T1199", 5), "adjustment");
	EQ_STR(wf_payout_paypal_category("T2103", -500), "reserve_hold");
	EQ_STR(wf_payout_paypal_category("T2104", 500), "reserve_release");
	EQ_STR(wf_payout_paypal_category("T1300", 0), "other");
	EQ_STR(wf_payout_paypal_category("T9900", 1), "other");
	/* a group PayPal has not defined, and what is no event code at all */
	CHECK(wf_payout_paypal_category("T2300", 1) == NULL);
	CHECK(wf_payout_paypal_category("T006", 1) == NULL);
	CHECK(wf_payout_paypal_category("X0006", 1) == NULL);
	CHECK(wf_payout_paypal_category("T00A6", 1) == NULL);
	CHECK(wf_payout_paypal_category(NULL, 1) == NULL);
}

TEST(amazon_amounts_by_transaction_and_amount_type)
{
	int fee = -1;

	EQ_STR(wf_payout_amazon_category("Order", "ItemPrice", "Principal", 2799, &fee), "charge");
	EQ_INT(fee, 0);
	EQ_STR(wf_payout_amazon_category("Order", "ItemFees", "FBAPerOrderFulfillmentFee", -100,
	    &fee), "fee");
	EQ_INT(fee, 1);
	EQ_STR(wf_payout_amazon_category("Order", "Promotion", "Shipping", -50, &fee), "charge");
	EQ_STR(wf_payout_amazon_category("Refund", "ItemPrice", "Principal", -2799, &fee), "refund");
	EQ_STR(wf_payout_amazon_category("Refund", "ItemFees", "RefundCommission", 50, &fee), "fee");
	EQ_INT(fee, 1);
	EQ_STR(wf_payout_amazon_category("Chargeback Refund", "ItemPrice", "Principal", -10, &fee),
	    "dispute");
	EQ_STR(wf_payout_amazon_category("Current Reserve Amount", "Other", NULL, -500, &fee),
	    "reserve_hold");
	EQ_STR(wf_payout_amazon_category("Previous Reserve Amount Balance", "Other", NULL, 500,
	    &fee), "reserve_release");
	EQ_STR(wf_payout_amazon_category("other-transaction", "other-transaction",
	    "Storage Fee", -300, &fee), "fee");
	EQ_INT(fee, 1);
	EQ_STR(wf_payout_amazon_category("other-transaction", "FBA Inventory Reimbursement",
	    "WAREHOUSE_DAMAGE", 1200, &fee), "adjustment");
	EQ_STR(wf_payout_amazon_category("ServiceFee", "Cost of Advertising",
	    "TransactionTotalAmount", -2000, &fee), "fee");
	CHECK(wf_payout_amazon_category("Order", "Mystery", "X", 1, &fee) == NULL);
	CHECK(wf_payout_amazon_category("Marketplace Facilitator Magic", "Other", NULL, 1,
	    &fee) == NULL);
	EQ_INT(fee, 0);
}

/* ---- amounts and times ---------------------------------------------------- */

TEST(stripe_amounts_in_stripes_minor_units)
{
	int64_t v = 0;

	EQ_INT(wf_payout_stripe_amount(2000, "USD", &v), 0);
	EQ_INT(v, 2000);
	EQ_INT(wf_payout_stripe_amount(500, "JPY", &v), 0);
	EQ_INT(v, 500);
	EQ_INT(wf_payout_stripe_amount(1234, "KWD", &v), 0);
	EQ_INT(v, 1234);
	/* MGA: zero-decimal at Stripe, two places in ISO 4217 */
	EQ_INT(wf_payout_stripe_amount(500, "MGA", &v), 0);
	EQ_INT(v, 50000);
	/* ISK: hundredths at Stripe, whole krónur in ISO 4217 */
	EQ_INT(wf_payout_stripe_amount(100000, "ISK", &v), 0);
	EQ_INT(v, 1000);
	EQ_INT(wf_payout_stripe_amount(12345, "ISK", &v), WF_EINPUT);
	HAS_STR(wf_error_msg(), "not a whole number of ISK minor units");
	EQ_INT(wf_payout_stripe_amount(9007199254740991LL, "MGA", &v), WF_EINPUT);
	HAS_STR(wf_error_msg(), "passes the money limit");
}

TEST(amazon_money_with_a_point_or_a_decimal_comma)
{
	int64_t v = 0;

	EQ_INT(wf_payout_amazon_money("27.99", "USD", &v), 0);
	EQ_INT(v, 2799);
	EQ_INT(wf_payout_amazon_money("-1,00", "EUR", &v), 0);
	EQ_INT(v, -100);
	EQ_INT(wf_payout_amazon_money("16630,13", "EUR", &v), 0);
	EQ_INT(v, 1663013);
	EQ_INT(wf_payout_amazon_money("1.234,56", "EUR", &v), WF_EINPUT);
	HAS_STR(wf_error_msg(), "grouping separators");
	EQ_INT(wf_payout_amazon_money("1,234.56", "USD", &v), WF_EINPUT);
	EQ_INT(wf_payout_amazon_money("1,2,3", "EUR", &v), WF_EINPUT);
	EQ_INT(wf_payout_amazon_money("1,999", "EUR", &v), WF_EINPUT);
	HAS_STR(wf_error_msg(), "more decimals");
}

TEST(amazon_times_in_each_form_reports_use)
{
	int64_t t = 0;
	char s[WF_TIME_LEN];

	EQ_INT(wf_payout_amazon_time("2015-12-02T04:15:26+00:00", &t), 0);
	wf_time_format(t, s);
	EQ_STR(s, "2015-12-02T04:15:26Z");
	EQ_INT(wf_payout_amazon_time("2015-12-02 04:15:26 UTC", &t), 0);
	wf_time_format(t, s);
	EQ_STR(s, "2015-12-02T04:15:26Z");
	EQ_INT(wf_payout_amazon_time("02.12.2015 04:15:26 UTC", &t), 0);
	wf_time_format(t, s);
	EQ_STR(s, "2015-12-02T04:15:26Z");
	EQ_INT(wf_payout_amazon_time("02.12.2015", &t), 0);
	wf_time_format(t, s);
	EQ_STR(s, "2015-12-02T00:00:00Z");
	EQ_INT(wf_payout_amazon_time("12/02/2015", &t), WF_EINPUT);
	EQ_INT(wf_payout_amazon_time("32.12.2015", &t), WF_EINPUT);
}

TEST(provider_text_keeps_controls_as_visible_escapes)
{
	wf_buf b = {0};

	EQ_INT(wf_text_clean(&b, "description", "Hi \x1b[31mred\x7f \xc2\x85 \xe2\x80\xae!", 100), 0);
	EQ_STR(wf_buf_str(&b), "Hi \\u001b[31mred\\u007f \\u0085 \\u202e!");
	wf_buf_reset(&b);
	/* cut between characters, never inside one */
	EQ_INT(wf_text_clean(&b, "description", "ab\xc3\xa9", 3), 0);
	EQ_STR(wf_buf_str(&b), "ab");
	wf_buf_reset(&b);
	EQ_INT(wf_text_clean(&b, "description", "bad \xff", 100), WF_EINPUT);
	wf_buf_free(&b);
}

/* ---- the importers' records --------------------------------------------- */

static const struct wf_payout_import no_options;
static cJSON *tree;             /* the last input: the record points into it */

static void
done(struct wf_payout_rec *r)
{
	wf_payout_rec_free(r);
	cJSON_Delete(tree);
	tree = NULL;
}

/* Parse JSON TEXT with FN into R (done() releases both). */
static int
parse(int (*fn)(struct wf_payout_parse *, const wf_jloc *, const cJSON *,
    struct wf_payout_rec *), const char *text, struct wf_payout_rec *r)
{
	struct wf_payout_parse p;
	wf_jloc at = WF_JLOC_ROOT("t", 1);
	int rc;

	memset(&p, 0, sizeof p);
	memset(r, 0, sizeof *r);
	p.imp = &no_options;
	cJSON_Delete(tree);
	tree = NULL;
	if ((rc = wf_json_parse(text, strlen(text), &tree)) != 0)
		return rc;
	return fn(&p, &at, tree, r);
}

TEST(paypal_fee_is_negative_and_becomes_what_paypal_kept)
{
	struct wf_payout_rec r;

	EQ_INT(parse(wf_payout_parse_paypal, "{\"transaction_info\":{\"transaction_id\":\"X1\","
	    "\"transaction_event_code\":\"T0006\",\"transaction_initiation_date\":"
	    "\"2014-07-11T04:03:52+0000\",\"transaction_amount\":{\"currency_code\":\"USD\","
	    "\"value\":\"465.00\"},\"fee_amount\":{\"currency_code\":\"USD\",\"value\":\"-13.79\"}}}",
	    &r), 0);
	EQ_INT(r.nlines, 1);
	EQ_INT(r.line[0].gross, 46500);
	EQ_INT(r.line[0].fee, 1379);
	EQ_INT(r.line[0].net, 45121);
	EQ_STR(r.line[0].category, "charge");
	EQ_INT(r.has_payout, 0);
	done(&r);
	/* a fee in another currency than the transaction is refused */
	EQ_INT(parse(wf_payout_parse_paypal, "{\"transaction_info\":{\"transaction_id\":\"X1\","
	    "\"transaction_event_code\":\"T0006\",\"transaction_initiation_date\":"
	    "\"2014-07-11T04:03:52+0000\",\"transaction_amount\":{\"currency_code\":\"USD\","
	    "\"value\":\"465.00\"},\"fee_amount\":{\"currency_code\":\"EUR\",\"value\":\"-1.00\"}}}",
	    &r), WF_EINPUT);
	HAS_STR(wf_error_msg(), "t:1: transaction_info.fee_amount.currency_code: EUR, but the "
	    "transaction is in USD");
	done(&r);
}

TEST(paypal_withdrawal_is_a_payout_of_its_own)
{
	struct wf_payout_rec r;

	EQ_INT(parse(wf_payout_parse_paypal, "{\"transaction_info\":{\"transaction_id\":\"W9\","
	    "\"transaction_event_code\":\"T0400\",\"transaction_initiation_date\":"
	    "\"2014-07-12T00:00:00Z\",\"transaction_amount\":{\"currency_code\":\"USD\","
	    "\"value\":\"-451.21\"}}}", &r), 0);
	EQ_INT(r.has_payout, 1);
	EQ_STR(r.payout.external_id, "W9");
	EQ_INT(r.payout.amount, 45121);
	EQ_STR(r.line[0].payout, "W9");
	EQ_INT(r.line[0].is_payout, 1);
	EQ_STR(r.line[0].category, "transfer");
	done(&r);
}

TEST(stripe_payouts_own_balance_transaction_names_it)
{
	struct wf_payout_rec r;

	EQ_INT(parse(wf_payout_parse_stripe, "{\"id\":\"txn_9\",\"object\":\"balance_transaction\","
	    "\"amount\":-1100,\"fee\":0,\"net\":-1100,\"currency\":\"usd\",\"created\":1234567890,"
	    "\"type\":\"payout\",\"reporting_category\":\"payout\",\"source\":\"po_1\"}", &r), 0);
	EQ_STR(r.line[0].payout, "po_1");
	EQ_INT(r.line[0].is_payout, 1);
	EQ_STR(r.line[0].currency, "USD");
	done(&r);
	/* an expanded source is read by its id; an unknown type is unmapped */
	EQ_INT(parse(wf_payout_parse_stripe, "{\"id\":\"txn_8\",\"object\":\"balance_transaction\","
	    "\"amount\":100,\"currency\":\"usd\",\"created\":1,\"type\":\"wibble\","
	    "\"source\":{\"id\":\"ch_7\",\"object\":\"charge\"}}", &r), 0);
	EQ_STR(r.line[0].payment_id, "ch_7");
	EQ_STR(r.line[0].category, "other");
	EQ_INT(r.line[0].unmapped, 1);
	EQ_INT(r.line[0].net, 100);
	done(&r);
}

TEST(shopify_keeps_a_net_that_is_not_amount_minus_fee)
{
	struct wf_payout_rec r;

	EQ_INT(parse(wf_payout_parse_shopify, "{\"id\":758509248,\"type\":\"adjustment\","
	    "\"payout_id\":623721858,\"currency\":\"USD\",\"amount\":\"-1.50\",\"fee\":\"-0.25\","
	    "\"net\":\"-1.75\",\"source_order_id\":null,\"processed_at\":"
	    "\"2020-11-04T19:52:08-05:00\"}", &r), 0);
	EQ_INT(r.line[0].gross, -150);
	EQ_INT(r.line[0].fee, -25);
	EQ_INT(r.line[0].net, -175);
	EQ_STR(r.line[0].payout, "623721858");
	CHECK(r.line[0].order_ref == NULL);
	done(&r);
}

TEST(generic_refuses_unknown_keys_and_unknown_categories)
{
	struct wf_payout_rec r;

	EQ_INT(parse(wf_payout_parse_generic, "{\"type\":\"payout_line\",\"provider\":\"bank\","
	    "\"provider_id\":\"1\",\"category\":\"charge\",\"gross\":\"1.00\",\"currency\":\"EUR\","
	    "\"posted_at\":\"2026-11-20T09:00:00Z\",\"shiping\":\"x\"}", &r), WF_EINPUT);
	EQ_STR(wf_error_msg(), "t:1: shiping: unknown key");
	done(&r);
	EQ_INT(parse(wf_payout_parse_generic, "{\"type\":\"payout_line\",\"provider\":\"bank\","
	    "\"provider_id\":\"1\",\"category\":\"chargeback\",\"gross\":\"1.00\","
	    "\"currency\":\"EUR\",\"posted_at\":\"2026-11-20T09:00:00Z\"}", &r), WF_EINPUT);
	HAS_STR(wf_error_msg(), "t:1: category: expected one of charge, refund");
	done(&r);
	/* the line's provider is its payout's */
	EQ_INT(parse(wf_payout_parse_generic, "{\"type\":\"payout_line\",\"payout\":\"bank:7\","
	    "\"provider\":\"other\",\"provider_id\":\"1\",\"category\":\"charge\","
	    "\"gross\":\"1.00\",\"currency\":\"EUR\",\"posted_at\":\"2026-11-20T09:00:00Z\"}", &r),
	    WF_EINPUT);
	HAS_STR(wf_error_msg(), "t:1: provider: \"other\", but its payout bank:7 is bank's");
	done(&r);
}

/* ---- the calls matching builds on ---------------------------------------------- */


static int
import(wf_db *db, enum wf_payout_format format, const char *text)
{
	struct wf_payout_import imp = { format, NULL, NULL };
	struct wf_batch b;
	char buf[4096];
	FILE *f;
	int rc;

	snprintf(buf, sizeof buf, "%s", text);
	if ((f = fmemopen(buf, strlen(buf), "r")) == NULL)
		return WF_EINTERNAL;
	memset(&b, 0, sizeof b);
	b.in = f;
	b.name = "t";
	rc = wf_payout_import(db, &b, &imp);
	fclose(f);
	return rc;
}

#define BANK_PAYOUT "{\"type\":\"payout\",\"payout\":\"bank:7\",\"amount\":\"9.50\"," \
	"\"currency\":\"EUR\",\"arrival\":\"2026-11-24\"}\n"
#define BANK_LINE(id, gross, fee) "{\"type\":\"payout_line\",\"payout\":\"bank:7\"," \
	"\"provider_id\":\"" id "\",\"category\":\"charge\",\"gross\":\"" gross "\"," \
	"\"fee\":\"" fee "\",\"currency\":\"EUR\",\"posted_at\":\"2026-11-20T08:00:00Z\"," \
	"\"order\":\"shop:1001\"}\n"

static int
count_line(void *n, const struct wf_payout_line_row *l)
{
	(*(int *)n)++;
	EQ_STR(l->order_ref, "shop:1001");
	EQ_STR(l->payout, "bank:7");
	return 0;
}

TEST(sum_find_and_each_read_what_import_wrote)
{
	struct wf_payout_line_query q = { NULL, NULL, NULL, "shop:1001", 0 };
	struct wf_payout_info info;
	struct wf_payout_sum s;
	wf_db *db = unit_db_open();
	int found = 0, n = 0;

	EQ_INT(import(db, WF_PAYOUT_GENERIC, BANK_PAYOUT BANK_LINE("a", "5.00", "0.25")
	    BANK_LINE("b", "5.00", "0.25")), 0);
	EQ_INT(wf_payout_find(db, &info, &found, "bank:7"), 0);
	EQ_INT(found, 1);
	EQ_STR(info.currency, "EUR");
	EQ_INT(info.amount, 950);
	EQ_STR(info.arrival, "2026-11-24");
	EQ_INT(wf_payout_sum(db, &s, info.id), 0);
	EQ_INT(s.lines, 2);
	EQ_INT(s.net, 950);
	EQ_INT(s.checkable, 1);
	EQ_INT(s.difference, 0);
	EQ_INT(s.has_transfer, 0);
	EQ_INT(wf_payout_line_each(db, &q, count_line, &n), 0);
	EQ_INT(n, 2);
	EQ_INT(wf_payout_find(db, &info, &found, "bank:8"), 0);
	EQ_INT(found, 0);
	unit_db_close(db);
}

TEST(link_and_act_change_lines_and_payouts_with_events)
{
	struct wf_payout_info info;
	const char *to = NULL;
	wf_db *db = unit_db_open();
	int found;

	EQ_INT(import(db, WF_PAYOUT_GENERIC, BANK_PAYOUT BANK_LINE("a", "9.50", "0.00")), 0);
	EQ_INT(wf_payout_find(db, &info, &found, "bank:7"), 0);
	EQ_INT(wf_payout_line_link(db, 999, 0, "test"), WF_ENOTFOUND);
	EQ_INT(wf_payout_line_link(db, 1, 42, "provider_order"), WF_ENOTFOUND);
	HAS_STR(wf_error_msg(), "no order with id 42");
	/* unlinking a line that is not linked changes nothing */
	EQ_INT(wf_payout_line_link(db, 1, 0, "test"), 0);
	EQ_INT(wf_payout_act(db, &to, "bank:7", "match", NULL), 0);
	EQ_STR(to, "matched");
	EQ_INT(wf_payout_act(db, &to, "bank:7", "match", NULL), WF_EREFUSED);
	EQ_INT(wf_payout_act(db, &to, "bank:8", "match", NULL), WF_ENOTFOUND);
	unit_db_close(db);
}
