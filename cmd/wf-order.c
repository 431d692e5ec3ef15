/* wf-order - orders, shipments and returns. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define END_OPTS { NULL, 0, NULL, 0, NULL, NULL }

static int progress_shown;

/* A long import on a terminal shows how far it got. */
static void
progress(void *c, long long lines)
{
	(void)c;
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\rwf-order: %lld lines read", lines);
		progress_shown = 1;
	}
}

/* The list members of a Shopify document that hold its orders:
 * {"orders":[...]} as the Admin API lists them. */
static const char *const shopify_documents[] = { "orders", NULL };

/* An order's refunds as the Admin API lists them: {"refunds":[...]}. */
static const char *const shopify_refund_documents[] = { "refunds", NULL };

/* An order's fulfillments as the Admin API lists them. */
static const char *const shopify_fulfillment_documents[] = { "fulfillments", NULL };

/* WooCommerce lists its orders as a bare array: no member holds them. */
static const char *const woo_documents[] = { NULL };

static const struct cli_opt import_opts[] = {
	{ "from", K_CHOICE, "FORMAT", 0, "generic|shopify|woocommerce|shopify-refund|shopify-fulfillment",
	  "the payload format (default generic)" },
	{ "channel", K_TEXT, "C", 0, NULL,
	  "the channel of every order (default: shopify, woocommerce)" },
	END_OPTS
};

static int
cmd_import(struct cli *c)
{
	struct wf_order_import imp = { WF_ORDER_GENERIC, cli_opt(c, "channel") };
	struct wf_batch b = cli_batch(c);
	const char *from = cli_opt(c, "from");
	int rc;

	b.progress = progress;
	if (from && strcmp(from, "shopify") == 0) {
		/* the platform's documents as they come: a list, {"orders":[...]},
		 * {"order":{...}} or JSON lines, pretty-printed or not */
		imp.format = WF_ORDER_SHOPIFY;
		b.documents = shopify_documents;
	} else if (from && strcmp(from, "woocommerce") == 0) {
		/* a list of orders as the REST API returns it, or JSON lines */
		imp.format = WF_ORDER_WOO;
		b.documents = woo_documents;
	} else if (from && strcmp(from, "shopify-refund") == 0) {
		b.documents = shopify_refund_documents;
		rc = wf_batch_run(c->db, &b, wf_order_refund_line, &imp);
		goto done;
	} else if (from && strcmp(from, "shopify-fulfillment") == 0) {
		b.documents = shopify_fulfillment_documents;
		rc = wf_batch_run(c->db, &b, wf_order_fulfillment_line, &imp);
		goto done;
	} else if (from && strcmp(from, "generic") != 0)
		return wf_error_set(WF_EUSAGE, "--from: expected generic, shopify, woocommerce, "
		    "shopify-refund or shopify-fulfillment, got '%s'", from);
	rc = wf_batch_run(c->db, &b, wf_order_import_line, &imp);
done:
	if (progress_shown)
		fputc('\n', stderr);
	return rc;
}

static const struct cli_opt track_opts[] = {
	{ "from", K_CHOICE, "FORMAT", 0, "easypost|generic",
	  "the payload format (default generic)" },
	END_OPTS
};

/* EasyPost lists trackers as {"trackers":[...]}. */
static const char *const easypost_documents[] = { "trackers", NULL };

static int
cmd_track(struct cli *c)
{
	struct wf_order_track t = { WF_TRACK_GENERIC, c->keep_going, cli_report, NULL };
	struct wf_batch b = cli_batch(c);
	const char *from = cli_opt(c, "from");

	if (from && strcmp(from, "easypost") == 0) {
		t.format = WF_TRACK_EASYPOST;
		b.documents = easypost_documents;
	}
	return wf_batch_run(c->db, &b, wf_order_track_line, &t);
}

static const struct cli_opt list_opts[] = {
	{ "state", K_CHOICE, "S", 0, "new|promised|reserved|picked|packed|shipped|delivered|"
	  "closed|on_hold|cancelled|returned|partially_returned", "fulfilment state" },
	{ "finance-state", K_CHOICE, "S", 0, "pending|paid|invoiced|partially_refunded|"
	  "refunded|reconciled|disputed", "finance state" },
	{ "channel", K_TEXT, "C", 0, NULL, "one channel" },
	{ "since", K_TIME, "T", 0, NULL, "placed at or after T (ISO 8601, or an age: -7d)" },
	END_OPTS
};

static int
cmd_list(struct cli *c)
{
	struct wf_order_query q = { cli_opt(c, "state"), cli_opt(c, "finance-state"),
	    cli_opt(c, "channel"), 0, 0 };
	int rc;

	if (cli_opt(c, "since")) {
		if ((rc = cli_time(c, cli_opt(c, "since"), "--since", &q.since)) != 0)
			return rc;
		q.has_since = 1;
	}
	return wf_order_list(c->db, &q, c->out);
}

static int
cmd_show(struct cli *c)
{
	return wf_order_show(c->db, c->argv[0], c->out);
}

static int
act(struct cli *c, const char *action)
{
	struct wf_order_action a;
	wf_buf note = {0};
	int rc;

	memset(&a, 0, sizeof a);
	a.order = c->argv[0];
	a.action = action;
	a.warehouse = cli_opt(c, "warehouse");
	a.carrier = cli_opt(c, "carrier");
	a.service = cli_opt(c, "service");
	a.tracking = cli_opt(c, "tracking");
	a.cost = cli_opt(c, "cost");
	a.reason = cli_opt(c, "reason");
	a.number = cli_opt(c, "number");
	a.amount = cli_opt(c, "amount");
	a.by = cli_opt(c, "by");
	a.note = &note;
	rc = wf_order_act(c->db, &a, c->out);
	if (rc == 0 && note.len)
		cli_report(NULL, 0, wf_buf_str(&note));
	wf_buf_free(&note);
	return rc;
}

static const struct cli_opt reserve_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", O_REQ, NULL, "reserve every line there" },
	END_OPTS
};

static const struct cli_opt promise_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL,
	  "promise there (default: the first, by code, that can promise every line)" },
	{ "by", K_TEXT, "T", 0, NULL,
	  "the promise date, ISO 8601 (default: the order's promise_by)" },
	END_OPTS
};

static const struct cli_opt ship_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL,
	  "the leg to ship (needed when the order is held at several)" },
	{ "carrier", K_TEXT, "C", 0, NULL, "the carrier, e.g. dhl (default: the route's)" },
	{ "service", K_TEXT, "S", 0, NULL, "the carrier's service, e.g. parcel (default: the route's)" },
	{ "tracking", K_TEXT, "T", 0, NULL, "the tracking number" },
	{ "cost", K_MONEY, "MONEY", 0, NULL, "what the shipment cost, in the order's currency" },
	END_OPTS
};

static const struct cli_opt reason_opts[] = {
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why (kept in the history)" },
	END_OPTS
};

static const struct cli_opt invoice_opts[] = {
	{ "number", K_TEXT, "N", 0, NULL, "the invoice number (no other order may have it)" },
	END_OPTS
};

static const struct cli_opt refund_opts[] = {
	{ "amount", K_MONEY, "MONEY", O_REQ, NULL, "what is paid back, in the order's currency" },
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why, kept in the event" },
	END_OPTS
};

static int cmd_refund(struct cli *c)  { return act(c, "refund"); }
static int cmd_promise(struct cli *c) { return act(c, "promise"); }
static int cmd_unpromise(struct cli *c) { return act(c, "unpromise"); }
static int cmd_reserve(struct cli *c) { return act(c, "reserve"); }
static int cmd_unreserve(struct cli *c) { return act(c, "unreserve"); }
static int cmd_invoice(struct cli *c) { return act(c, "invoice"); }
static int cmd_pick(struct cli *c)    { return act(c, "pick"); }
static int cmd_pack(struct cli *c)    { return act(c, "pack"); }
static int cmd_ship(struct cli *c)    { return act(c, "ship"); }
static int cmd_deliver(struct cli *c) { return act(c, "deliver"); }
static int cmd_close(struct cli *c)   { return act(c, "close"); }
static int cmd_hold(struct cli *c)    { return act(c, "hold"); }
static int cmd_release(struct cli *c) { return act(c, "release"); }
static int cmd_cancel(struct cli *c)  { return act(c, "cancel"); }

static int
cmd_apply(struct cli *c)
{
	struct wf_batch b = cli_batch(c);

	return wf_batch_run(c->db, &b, wf_order_apply_line, NULL);
}

static const struct cli_opt return_open_opts[] = {
	{ "sku", K_SKU, "SKU", O_REQ, NULL, "the SKU coming back" },
	{ "qty", K_INT, "N", O_REQ, NULL, "how many" },
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why the customer returns it" },
	{ "requested", K_NONE, NULL, 0, NULL,
	  "leave it requested, for return authorise or reject (default: authorised)" },
	END_OPTS
};

static int
cmd_return_open(struct cli *c)
{
	struct wf_return_open r = {
		.order = c->argv[0],
		.sku = cli_opt(c, "sku"),
		.reason = cli_opt(c, "reason"),
		.requested = cli_flag(c, "requested"),
	};
	int rc;

	if ((rc = cli_qty(cli_opt(c, "qty"), "--qty", &r.qty)) != 0)
		return rc;
	return wf_return_open(c->db, &r, c->out);
}

static const struct cli_opt return_receive_opts[] = {
	{ "condition", K_CHOICE, "C", 0, "sellable|damaged",
	  "the state the units came back in (without it: they wait for return inspect)" },
	{ "bin", K_BIN, "WH/BIN", 0, NULL, "where they go (default: the returns bin)" },
	END_OPTS
};

static int
cmd_return_receive(struct cli *c)
{
	return wf_return_receive(c->db, c->argv[0], cli_opt(c, "condition"),
	    cli_opt(c, "bin"), c->out);
}

static const struct cli_opt return_inspect_opts[] = {
	{ "condition", K_CHOICE, "C", O_REQ, "sellable|damaged", "what the inspection found" },
	END_OPTS
};

static int
cmd_return_inspect(struct cli *c)
{
	return wf_return_inspect(c->db, c->argv[0], cli_opt(c, "condition"), c->out);
}

static const struct cli_opt return_put_opts[] = {
	{ "bin", K_BIN, "WH/BIN", 0, NULL, "where they go (default: where they wait)" },
	END_OPTS
};

static int
cmd_return_restock(struct cli *c)
{
	return wf_return_restock(c->db, c->argv[0], cli_opt(c, "bin"), c->out);
}

static int
cmd_return_write_off(struct cli *c)
{
	return wf_return_write_off(c->db, c->argv[0], cli_opt(c, "bin"), c->out);
}

static int
cmd_return_authorise(struct cli *c)
{
	return wf_return_authorise(c->db, c->argv[0], c->out);
}

static const struct cli_opt return_reject_opts[] = {
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why (kept in the history)" },
	END_OPTS
};

static int
cmd_return_reject(struct cli *c)
{
	return wf_return_reject(c->db, c->argv[0], cli_opt(c, "reason"), c->out);
}

static const struct cli_opt return_refund_opts[] = {
	{ "amount", K_MONEY, "MONEY", O_REQ, NULL, "the refund, in the order's currency" },
	END_OPTS
};

static int
cmd_return_refund(struct cli *c)
{
	return wf_return_refund(c->db, c->argv[0], cli_opt(c, "amount"), c->out);
}

static int
cmd_return_close(struct cli *c)
{
	return wf_return_close(c->db, c->argv[0], c->out);
}

static const struct cli_opt shipments_opts[] = {
	{ "state", K_CHOICE, "S", 0, "planned|picked|packed|shipped|in_transit|delivered|"
	  "failed|returned_to_sender|cancelled", "one state" },
	END_OPTS
};

static int
cmd_shipments(struct cli *c)
{
	return wf_shipment_list(c->db, cli_opt(c, "state"), c->out);
}

static const struct cli_opt promises_opts[] = {
	{ "by", K_CHOICE, "G", 0, "warehouse|carrier|month",
	  "one grouping (default: warehouse and carrier)" },
	{ "since", K_TIME, "T", 0, NULL, "shipped at or after T (ISO 8601, or an age: -30d)" },
	{ "until", K_TIME, "T", 0, NULL, "shipped before T" },
	END_OPTS
};

static int
cmd_promises(struct cli *c)
{
	struct wf_promise_query q = { cli_opt(c, "by"), 0, 0, 0, 0 };
	int rc;

	if (cli_opt(c, "since")) {
		if ((rc = cli_time(c, cli_opt(c, "since"), "--since", &q.since)) != 0)
			return rc;
		q.has_since = 1;
	}
	if (cli_opt(c, "until")) {
		if ((rc = cli_time(c, cli_opt(c, "until"), "--until", &q.until)) != 0)
			return rc;
		q.has_until = 1;
	}
	return wf_order_promises(c->db, &q, c->out);
}

static const enum cli_kind k_order[] = { K_ORDER };
static const enum cli_kind k_return[] = { K_RETURN };

static const struct cli_cmd cmds[] = {
	{ "import", "", 0, 0, C_WRITE | C_STDIN, import_opts, cmd_import,
	  "import orders from JSON lines: created, updated, unchanged or conflict", NULL },
	{ "list", "", 0, 0, 0, list_opts, cmd_list, "orders, oldest placed first", NULL },
	{ "show", "REF", 1, 1, 0, NULL, cmd_show,
	  "an order with its lines, shipments, returns and history", k_order },
	{ "promise", "REF", 1, 1, C_WRITE, promise_opts, cmd_promise,
	  "new -> promised: its units count against available-to-promise, no bins picked",
	  k_order },
	{ "unpromise", "REF", 1, 1, C_WRITE, NULL, cmd_unpromise,
	  "promised -> new: the promise dropped, its units available to promise again",
	  k_order },
	{ "reserve", "REF", 1, 1, C_WRITE, reserve_opts, cmd_reserve,
	  "reserve every line at one warehouse, whole or not at all", k_order },
	{ "unreserve", "REF", 1, 1, C_WRITE, NULL, cmd_unreserve,
	  "reserved -> new: the units back on hand, the route's legs dropped", k_order },
	{ "pick", "REF", 1, 1, C_WRITE, NULL, cmd_pick, "reserved -> picked", k_order },
	{ "pack", "REF", 1, 1, C_WRITE, NULL, cmd_pack, "picked -> packed", k_order },
	{ "ship", "REF", 1, 1, C_WRITE, ship_opts, cmd_ship,
	  "ship what the order holds at one warehouse as SH-N (one leg of a split order)",
	  k_order },
	{ "deliver", "REF", 1, 1, C_WRITE, NULL, cmd_deliver, "shipped -> delivered", k_order },
	{ "close", "REF", 1, 1, C_WRITE, NULL, cmd_close, "delivered or shipped -> closed", k_order },
	{ "hold", "REF", 1, 1, C_WRITE, reason_opts, cmd_hold,
	  "put on hold, remembering where it was", k_order },
	{ "release", "REF", 1, 1, C_WRITE, NULL, cmd_release,
	  "back to where it was before the hold", k_order },
	{ "cancel", "REF", 1, 1, C_WRITE, reason_opts, cmd_cancel,
	  "cancel; held stock goes back on hand", k_order },
	{ "invoice", "REF", 1, 1, C_WRITE, invoice_opts, cmd_invoice,
	  "finance paid -> invoiced (B2B), keeping the invoice number", k_order },
	{ "refund", "REF", 1, 1, C_WRITE, refund_opts, cmd_refund,
	  "money back without a return (finance -> partially_refunded or refunded)", k_order },
	{ "apply", "", 0, 0, C_WRITE | C_STDIN, NULL, cmd_apply,
	  "order_event lines from stdin in one transaction", NULL },
	{ "return open", "REF", 1, 1, C_WRITE, return_open_opts, cmd_return_open,
	  "open RMA-N for shipped units", k_order },
	{ "return authorise", "RMA", 1, 1, C_WRITE, NULL, cmd_return_authorise,
	  "requested -> authorised", k_return },
	{ "return reject", "RMA", 1, 1, C_WRITE, return_reject_opts, cmd_return_reject,
	  "requested or authorised -> rejected", k_return },
	{ "return receive", "RMA", 1, 1, C_WRITE, return_receive_opts, cmd_return_receive,
	  "book returned units back into stock or as damaged", k_return },
	{ "return inspect", "RMA", 1, 1, C_WRITE, return_inspect_opts, cmd_return_inspect,
	  "received -> inspected: the condition of units received without one", k_return },
	{ "return restock", "RMA", 1, 1, C_WRITE, return_put_opts, cmd_return_restock,
	  "received or inspected -> restocked: the units on hand", k_return },
	{ "return write-off", "RMA", 1, 1, C_WRITE, return_put_opts, cmd_return_write_off,
	  "received or inspected -> written_off: the units damaged", k_return },
	{ "return refund", "RMA", 1, 1, C_WRITE, return_refund_opts, cmd_return_refund,
	  "record a refund, up to what was paid", k_return },
	{ "return close", "RMA", 1, 1, C_WRITE, NULL, cmd_return_close, "close a return", k_return },
	{ "shipments", "", 0, 0, 0, shipments_opts, cmd_shipments, "shipments, newest first", NULL },
	{ "track", "", 0, 0, C_WRITE | C_STDIN, track_opts, cmd_track,
	  "carrier tracking events from stdin move the shipments they name", NULL },
	{ "promises", "", 0, 0, 0, promises_opts, cmd_promises,
	  "promise keeping: shipped legs delivered by their promise, by warehouse and carrier",
	  NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-order", "orders, shipments and returns", cmds, argc, argv);
}
