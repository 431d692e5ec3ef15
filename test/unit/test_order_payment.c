/* The order a payment paid: the ids the WooCommerce and Shopify importers
 * keep, as wf-reconcile's matching finds them (wf_order_find_by_payment). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "unit_db.h"
#include "wf.h"

static int
import(wf_db *db, enum wf_order_format format, const char *text)
{
	struct wf_order_import imp = { format, NULL };
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
	rc = wf_batch_run(db, &b, wf_order_import_line, &imp);
	fclose(f);
	return rc;
}

#define WOO "{\"id\":727,\"status\":\"processing\",\"currency\":\"USD\"," \
	"\"date_created_gmt\":\"2017-03-22T19:28:02\",\"total\":\"6.00\"," \
	"\"payment_method\":\"stripe\",\"transaction_id\":\"ch_1\"," \
	"\"line_items\":[{\"id\":1,\"name\":\"Mug\",\"sku\":\"MUG-1\",\"quantity\":2,\"price\":3}]}\n"
#define SHOPIFY "{\"id\":450789469,\"created_at\":\"2026-11-20T10:00:00Z\"," \
	"\"currency\":\"EUR\",\"financial_status\":\"partially_refunded\"," \
	"\"total_price\":\"9.00\",\"refunds\":[{\"transactions\":[{\"id\":509562969," \
	"\"parent_id\":389404469,\"kind\":\"refund\",\"status\":\"success\"," \
	"\"amount\":\"1.00\"}]}],\"line_items\":[{\"sku\":\"MUG-1\",\"quantity\":1," \
	"\"price\":\"9.00\"}]}\n"

TEST(woocommerce_transaction_id_finds_its_order)
{
	struct wf_order_info o, by;
	wf_db *db = unit_db_open();

	EQ_INT(import(db, WF_ORDER_WOO, WOO), 0);
	EQ_INT(wf_order_find(db, &o, "woocommerce:727"), 0);
	EQ_INT(wf_order_find_by_payment(db, &by, "stripe", "ch_1"), 0);
	EQ_INT(by.id, o.id);
	EQ_INT(by.paid, 600);
	EQ_STR(by.currency, "USD");
	EQ_INT(wf_order_find_by_payment(db, NULL, "stripe", "ch_1"), 0);
	/* the provider is part of the key */
	EQ_INT(wf_order_find_by_payment(db, &by, "paypal", "ch_1"), WF_ENOTFOUND);
	EQ_STR(wf_error_msg(), "no order paid by paypal payment 'ch_1'");
	unit_db_close(db);
}

TEST(shopify_keeps_the_sale_and_its_refund)
{
	struct wf_order_info o, by;
	wf_db *db = unit_db_open();

	EQ_INT(import(db, WF_ORDER_SHOPIFY, SHOPIFY), 0);
	EQ_INT(wf_order_find(db, &o, "shopify:450789469"), 0);
	EQ_INT(wf_order_find_by_payment(db, &by, "shopify", "389404469"), 0);
	EQ_INT(by.id, o.id);
	EQ_INT(wf_order_find_by_payment(db, &by, "shopify", "509562969"), 0);
	EQ_INT(by.id, o.id);
	EQ_INT(by.refunded, 100);
	/* the same order again keeps the same ids, once */
	EQ_INT(import(db, WF_ORDER_SHOPIFY, SHOPIFY), 0);
	EQ_INT(wf_order_find_by_payment(db, &by, "shopify", "389404469"), 0);
	EQ_INT(wf_order_find_by_payment(db, &by, "shopify", "1"), WF_ENOTFOUND);
	unit_db_close(db);
}
