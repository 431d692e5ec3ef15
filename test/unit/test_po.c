/* Purchase orders: the SKU:QTY[@COST] argument and the PO key. */
#include <stdint.h>

#include "harness.h"
#include "wf.h"

TEST(line_parses_sku_qty_and_cost)
{
	struct wf_po_line_in l;

	EQ_INT(wf_po_line_parse("MUG-1:20@4.10", &l), 0);
	EQ_STR(l.sku, "MUG-1");
	EQ_INT(l.qty, 20);
	EQ_STR(l.cost, "4.10");
	EQ_INT(l.lineno, 0);
	EQ_INT(wf_po_line_parse("TEE-M:7", &l), 0);
	EQ_STR(l.sku, "TEE-M");
	EQ_INT(l.qty, 7);
	EQ_STR(l.cost, "");
	EQ_INT(wf_po_line_parse("YEN-1:3@500", &l), 0);
	EQ_STR(l.cost, "500");
}

TEST(line_splits_at_the_last_colon)
{
	struct wf_po_line_in l;

	EQ_INT(wf_po_line_parse("shop:MUG@2:5@1.5", &l), 0);
	EQ_STR(l.sku, "shop:MUG@2");
	EQ_INT(l.qty, 5);
	EQ_STR(l.cost, "1.5");
	EQ_INT(wf_po_line_parse("A:B:9007199254740991", &l), 0);
	EQ_STR(l.sku, "A:B");
	EQ_INT(l.qty, 9007199254740991LL);
}

TEST(line_refuses_bad_syntax_as_usage)
{
	static const char *const bad[] = {
		"MUG-1", "MUG-1:", ":5", "MUG-1:x", "MUG-1:+5", "MUG-1:-5", "MUG-1:5x",
		"MUG-1:5@", "MUG-1:5@4,10", "MUG-1:5@.5", "MUG-1:5@4.", "MUG-1:5@-4",
		"MUG-1:5@1e3", "MUG-1:5@4.10@1", "MUG-1:9007199254740992", " MUG:5",
		"MUG-1:0", NULL
	};
	struct wf_po_line_in l;
	size_t i;

	for (i = 0; bad[i]; i++) {
		int rc = wf_po_line_parse(bad[i], &l);
		if (rc != WF_EUSAGE)
			FAILF("'%s' parsed with %d, expected WF_EUSAGE", bad[i], rc);
		unit_checks++;
	}
	wf_po_line_parse("MUG-1:5@4,10", &l);
	EQ_STR(wf_error_msg(), "'MUG-1:5@4,10': the cost must be a decimal like 4.10, got '4,10'");
	wf_po_line_parse("MUG-1:0", &l);
	EQ_STR(wf_error_msg(), "'MUG-1:0': the quantity must be a positive integer");
}

TEST(line_refuses_a_sku_longer_than_64_bytes)
{
	struct wf_po_line_in l;
	char arg[128];

	memset(arg, 'A', 65);
	memcpy(arg + 65, ":1", 3);
	EQ_INT(wf_po_line_parse(arg, &l), WF_EUSAGE);
	HAS_STR(wf_error_msg(), "SKU: longer than 64 bytes");
	memset(arg, 'A', 64);
	memcpy(arg + 64, ":1", 3);
	EQ_INT(wf_po_line_parse(arg, &l), 0);
	EQ_INT((long long)strlen(l.sku), 64);
}

TEST(key_parses_po_n_only)
{
	static const char *const bad[] = {
		"7", "PO-", "PO-0", "PO-07", "PO-7x", "PO--7", "PO-99999999999999999",
		"SH-7", "", NULL
	};
	int64_t id = 0;
	size_t i;

	EQ_INT(wf_po_parse_key(&id, "PO-7"), 0);
	EQ_INT(id, 7);
	EQ_INT(wf_po_parse_key(&id, "PO-9007199254740991"), 0);
	EQ_INT(id, 9007199254740991LL);
	for (i = 0; bad[i]; i++) {
		int rc = wf_po_parse_key(&id, bad[i]);
		if (rc != WF_EUSAGE)
			FAILF("'%s' parsed with %d, expected WF_EUSAGE", bad[i], rc);
		unit_checks++;
	}
	HAS_STR(wf_error_msg(), "expected a purchase order like PO-7");
}
