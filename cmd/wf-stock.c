/* wf-stock - catalogue, locations and the stock ledger. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define END_OPTS { NULL, 0, NULL, 0, NULL, NULL }

static const struct cli_opt warehouse_opts[] = {
	{ "name", K_TEXT, "N", 0, NULL, "display name" },
	{ "country", K_TEXT, "CC", 0, NULL, "ISO 3166 country code, e.g. DE" },
	{ "postcode", K_TEXT, "P", 0, NULL, "postcode" },
	{ "timezone", K_TEXT, "TZ", 0, NULL, "IANA time zone, e.g. Europe/Berlin (default UTC)" },
	{ "capacity", K_INT, "ORDERS_PER_DAY", 0, NULL, "orders it can ship per day" },
	{ "owner", K_OWNER, "O", 0, NULL, "owner (default operations)" },
	END_OPTS
};

static int
cmd_warehouse_add(struct cli *c)
{
	struct wf_warehouse_in in = { c->argv[0], cli_opt(c, "name"), cli_opt(c, "country"),
	    cli_opt(c, "postcode"), cli_opt(c, "timezone"), cli_opt(c, "owner"), 0, 0 };
	int rc;

	if (cli_opt(c, "capacity")) {
		if ((rc = cli_int(cli_opt(c, "capacity"), "--capacity", 0, 1000000000,
		    &in.capacity)) != 0)
			return rc;
		in.has_capacity = 1;
	}
	return wf_warehouse_add(c->db, &in, c->out);
}

static int
cmd_warehouse_list(struct cli *c)
{
	return wf_warehouse_list(c->db, c->out);
}

static int
cmd_warehouse_show(struct cli *c)
{
	return wf_warehouse_show(c->db, c->argv[0], c->out);
}

/* warehouse pause|resume|close|reopen WH: the action is the command's last word */
static int
cmd_warehouse_act(struct cli *c)
{
	return wf_warehouse_act(c->db, c->argv[0], strchr(c->cmd->name, ' ') + 1, c->out);
}

static const struct cli_opt bin_opts[] = {
	{ "kind", K_CHOICE, "KIND", 0, "pick|bulk|inbound|returns|damaged|quarantine",
	  "what the bin is for (default pick)" },
	{ "owner", K_OWNER, "O", 0, NULL, "owner (default: the warehouse's)" },
	END_OPTS
};

static int
cmd_bin_add(struct cli *c)
{
	struct wf_bin_in in = { c->argv[0], cli_opt(c, "kind"), cli_opt(c, "owner") };

	return wf_bin_add(c->db, &in, c->out);
}

static const struct cli_opt bin_list_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "only this warehouse's bins" },
	END_OPTS
};

static int
cmd_bin_list(struct cli *c)
{
	return wf_bin_list(c->db, cli_opt(c, "warehouse"), c->out);
}

/* bin block|unblock WH/BIN */
static int
cmd_bin_act(struct cli *c)
{
	return wf_bin_act(c->db, c->argv[0], strchr(c->cmd->name, ' ') + 1, c->out);
}

static const struct cli_opt sku_opts[] = {
	{ "title", K_TEXT, "T", 0, NULL, "title" },
	{ "cost", K_MONEY, "MONEY", 0, NULL, "standard unit cost, e.g. 4.10" },
	{ "price", K_MONEY, "MONEY", 0, NULL, "selling price" },
	{ "currency", K_TEXT, "C", 0, NULL,
	  "ISO 4217 currency (default: the database's, wf init --currency)" },
	{ "lead-time", K_INT, "DAYS", 0, NULL, "supplier lead time in days" },
	{ "safety-days", K_INT, "DAYS", 0, NULL, "days of cover to keep as safety stock" },
	{ "owner", K_OWNER, "O", 0, NULL, "owner (default purchasing)" },
	{ "supplier", K_SUPPLIER, "S", 0, NULL,
	  "the supplier it is bought from (else its latest PO's; '' clears it)" },
	END_OPTS
};

static int
cmd_sku_add(struct cli *c)
{
	struct wf_sku_in in;
	int rc;

	memset(&in, 0, sizeof in);
	in.code = c->argv[0];
	in.title = cli_opt(c, "title");
	in.currency = cli_opt(c, "currency");
	in.owner = cli_opt(c, "owner");
	in.cost_text = cli_opt(c, "cost");
	in.price_text = cli_opt(c, "price");
	in.supplier = cli_opt(c, "supplier");
	if (cli_opt(c, "lead-time")) {
		if ((rc = cli_int(cli_opt(c, "lead-time"), "--lead-time", 0, 3650,
		    &in.lead_time_days)) != 0)
			return rc;
		in.has_lead_time = 1;
	}
	if (cli_opt(c, "safety-days")) {
		if ((rc = cli_int(cli_opt(c, "safety-days"), "--safety-days", 0, 3650,
		    &in.safety_days)) != 0)
			return rc;
		in.has_safety_days = 1;
	}
	return wf_sku_add(c->db, &in, c->out);
}

static int
run_batch(struct cli *c, wf_line_fn fn)
{
	struct wf_batch b = cli_batch(c);

	return wf_batch_run(c->db, &b, fn, NULL);
}

static int
cmd_sku_import(struct cli *c)
{
	return run_batch(c, wf_sku_import_line);
}

static int
cmd_sku_list(struct cli *c)
{
	return wf_sku_list(c->db, c->out);
}

static int
cmd_sku_show(struct cli *c)
{
	return wf_stock_sku_show(c->db, c->argv[0], c->out);
}

static int
cmd_sku_alias(struct cli *c)
{
	return wf_sku_alias(c->db, c->argv[0], c->argv[1], c->out);
}

/* sku discontinue|activate|block|unblock SKU */
static int
cmd_sku_act(struct cli *c)
{
	return wf_sku_act(c->db, c->argv[0], strchr(c->cmd->name, ' ') + 1, c->out);
}

/* receive, move, damage, count, reserve, unreserve: SKU QTY plus options */
static int
stock_op(struct cli *c, const char *action)
{
	struct wf_stock_op op;
	int rc;

	memset(&op, 0, sizeof op);
	op.action = action;
	op.sku = c->argv[0];
	if (strcmp(action, "count") == 0)
		rc = cli_int(c->argv[1], "QTY", 0, WF_JSON_INT_MAX, &op.qty);
	else
		rc = cli_qty(c->argv[1], "QTY", &op.qty);
	if (rc != 0)
		return rc;
	op.from = cli_opt(c, "from");
	op.to = cli_opt(c, "to");
	op.at = cli_opt(c, "at");
	op.warehouse = cli_opt(c, "warehouse");
	op.ref = cli_opt(c, "ref");
	op.reason = cli_opt(c, "reason");
	op.cost = cli_opt(c, "cost");
	op.partial = cli_flag(c, "partial");
	return wf_stock_op(c->db, &op, c->out);
}

static const struct cli_opt receive_opts[] = {
	{ "to", K_BIN, "WH/BIN", O_REQ, NULL, "the bin the units go to" },
	{ "cost", K_MONEY, "MONEY", 0, NULL, "unit cost; updates the moving average" },
	{ "ref", K_TEXT, "REF", 0, NULL,
	  "the cause, e.g. a delivery note DN-5501 (a PO is received with wf-po)" },
	{ "reason", K_TEXT, "TEXT", 0, NULL, "a note kept with the movement" },
	END_OPTS
};

static int
cmd_receive(struct cli *c)
{
	return stock_op(c, "receive");
}

static const struct cli_opt move_opts[] = {
	{ "from", K_BIN, "WH/BIN", O_REQ, NULL, "the bin the units leave" },
	{ "to", K_BIN, "WH/BIN", O_REQ, NULL, "the bin they go to" },
	{ "reason", K_TEXT, "TEXT", 0, NULL, "a note kept with the movement" },
	END_OPTS
};

static int
cmd_move(struct cli *c)
{
	return stock_op(c, "move");
}

static const struct cli_opt adjust_opts[] = {
	{ "at", K_BIN, "WH/BIN", O_REQ, NULL, "the bin" },
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why (kept on the adjustment)" },
	{ "propose", K_NONE, NULL, 0, NULL,
	  "only propose it: ADJ-N waits for 'adjustment approve', nothing moves" },
	END_OPTS
};

static int
cmd_adjust(struct cli *c)
{
	struct wf_stock_op op;
	int rc;

	memset(&op, 0, sizeof op);
	op.action = "adjust";
	op.sku = c->argv[0];
	if ((rc = cli_int(c->argv[1], "DELTA", -WF_JSON_INT_MAX, WF_JSON_INT_MAX, &op.qty)) != 0)
		return rc;
	if (op.qty == 0)
		return wf_error_set(WF_EUSAGE, "DELTA: must not be zero");
	op.at = cli_opt(c, "at");
	op.reason = cli_opt(c, "reason");
	op.propose = cli_flag(c, "propose");
	return wf_stock_op(c->db, &op, c->out);
}

static const struct cli_opt approve_opts[] = {
	{ "defer", K_NONE, NULL, 0, NULL,
	  "approve only; book it later with 'adjustment apply'" },
	END_OPTS
};

static const struct cli_opt reject_opts[] = {
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why it is rejected" },
	END_OPTS
};

/* adjustment approve|apply|reject ADJ */
static int
cmd_adjustment_act(struct cli *c)
{
	struct wf_adjustment_act a = { c->argv[0], strchr(c->cmd->name, ' ') + 1,
	    cli_flag(c, "defer"), cli_opt(c, "reason") };

	return wf_stock_adjustment_act(c->db, &a, c->out);
}

static const struct cli_opt adjustment_list_opts[] = {
	{ "state", K_CHOICE, "S", 0, "proposed|approved|applied|rejected",
	  "only adjustments in this state" },
	END_OPTS
};

static int
cmd_adjustment_list(struct cli *c)
{
	return wf_stock_adjustment_list(c->db, cli_opt(c, "state"), c->out);
}

static int
cmd_adjustment_show(struct cli *c)
{
	return wf_stock_adjustment_show(c->db, c->argv[0], c->out);
}

static const struct cli_opt damage_opts[] = {
	{ "at", K_BIN, "WH/BIN", O_REQ, NULL, "the bin" },
	{ "reason", K_TEXT, "TEXT", 0, NULL, "what happened" },
	END_OPTS
};

static int
cmd_damage(struct cli *c)
{
	return stock_op(c, "damage");
}

static const struct cli_opt count_opts[] = {
	{ "at", K_BIN, "WH/BIN", O_REQ, NULL, "the bin that was counted" },
	END_OPTS
};

static int
cmd_count(struct cli *c)
{
	return stock_op(c, "count");
}

static const struct cli_opt reserve_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", O_REQ, NULL, "the warehouse" },
	{ "ref", K_TEXT, "REF", O_REQ, NULL,
	  "what the units are held for, as free text (an order is reserved with wf-order)" },
	{ "partial", K_NONE, NULL, 0, NULL, "reserve what is available instead of refusing" },
	END_OPTS
};

static const struct cli_opt unreserve_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", O_REQ, NULL, "the warehouse" },
	{ "ref", K_TEXT, "REF", O_REQ, NULL, "what the units were reserved for" },
	END_OPTS
};

static int
cmd_reserve(struct cli *c)
{
	return stock_op(c, "reserve");
}

static int
cmd_unreserve(struct cli *c)
{
	return stock_op(c, "unreserve");
}

static const struct cli_opt handle_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", O_REQ, NULL, "the warehouse" },
	{ "ref", K_TEXT, "REF", O_REQ, NULL, "whose units: the reservation's REF" },
	END_OPTS
};

static int
cmd_pick(struct cli *c)
{
	return stock_op(c, "pick");
}

static int
cmd_pack(struct cli *c)
{
	return stock_op(c, "pack");
}

static int
cmd_ship(struct cli *c)
{
	return stock_op(c, "ship");
}

static int
cmd_apply(struct cli *c)
{
	return run_batch(c, wf_stock_apply_line);
}

static const struct cli_opt levels_opts[] = {
	{ "sku", K_SKU, "SKU", 0, NULL, "one SKU" },
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "one warehouse" },
	{ "by", K_CHOICE, "BY", 0, "sku|warehouse|bin", "one row per SKU, warehouse (default) or bin" },
	END_OPTS
};

static int
cmd_levels(struct cli *c)
{
	struct wf_levels_query q = { cli_opt(c, "sku"), cli_opt(c, "warehouse"), cli_opt(c, "by") };

	return wf_stock_levels(c->db, &q, c->out);
}

static const struct cli_opt ledger_opts[] = {
	{ "sku", K_SKU, "SKU", 0, NULL, "one SKU" },
	{ "ref", K_TEXT, "REF", 0, NULL, "movements caused by or held for REF" },
	{ "since", K_TIME, "T", 0, NULL, "movements at or after T (ISO 8601, or an age: -7d)" },
	END_OPTS
};

static int
cmd_ledger(struct cli *c)
{
	struct wf_ledger_query q = { cli_opt(c, "sku"), cli_opt(c, "ref"), 0, 0 };
	int rc;

	if (cli_opt(c, "since")) {
		if ((rc = cli_time(c, cli_opt(c, "since"), "--since", &q.since)) != 0)
			return rc;
		q.has_since = 1;
	}
	return wf_stock_ledger(c->db, &q, c->out);
}

static const struct cli_opt value_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "one warehouse" },
	END_OPTS
};

static int
cmd_value(struct cli *c)
{
	return wf_stock_value(c->db, cli_opt(c, "warehouse"), c->out);
}

static const enum cli_kind k_text[] = { K_TEXT };
static const enum cli_kind k_bin[] = { K_BIN };
static const enum cli_kind k_sku[] = { K_SKU };
static const enum cli_kind k_sku_key[] = { K_SKU, K_TEXT };
static const enum cli_kind k_warehouse[] = { K_WAREHOUSE };
static const enum cli_kind k_sku_qty[] = { K_SKU, K_INT };

static const struct cli_cmd cmds[] = {
	{ "warehouse add", "CODE", 1, 1, C_WRITE, warehouse_opts, cmd_warehouse_add,
	  "add a warehouse, or change the fields given", k_text },
	{ "warehouse list", "", 0, 0, 0, NULL, cmd_warehouse_list, "every warehouse", NULL },
	{ "warehouse show", "WH", 1, 1, 0, NULL, cmd_warehouse_show, "one warehouse",
	  k_warehouse },
	{ "warehouse pause", "WH", 1, 1, C_WRITE, NULL, cmd_warehouse_act,
	  "stop reserving at a warehouse (what it holds stays)", k_warehouse },
	{ "warehouse resume", "WH", 1, 1, C_WRITE, NULL, cmd_warehouse_act,
	  "reserve at a paused warehouse again", k_warehouse },
	{ "warehouse close", "WH", 1, 1, C_WRITE, NULL, cmd_warehouse_act,
	  "close an empty warehouse: no reservations, no purchase orders", k_warehouse },
	{ "warehouse reopen", "WH", 1, 1, C_WRITE, NULL, cmd_warehouse_act,
	  "open a closed warehouse again", k_warehouse },
	{ "bin add", "WH/BIN", 1, 1, C_WRITE, bin_opts, cmd_bin_add,
	  "add a bin to a warehouse, or change its kind", k_bin },
	{ "bin list", "", 0, 0, 0, bin_list_opts, cmd_bin_list,
	  "every bin, by warehouse and code", NULL },
	{ "bin block", "WH/BIN", 1, 1, C_WRITE, NULL, cmd_bin_act,
	  "block a bin: it takes no stock and none of its stock is reserved", k_bin },
	{ "bin unblock", "WH/BIN", 1, 1, C_WRITE, NULL, cmd_bin_act,
	  "put a blocked bin back to use", k_bin },
	{ "sku add", "SKU", 1, 1, C_WRITE, sku_opts, cmd_sku_add,
	  "add a SKU, or change the fields given", k_text },
	{ "sku import", "", 0, 0, C_WRITE | C_STDIN, NULL, cmd_sku_import,
	  "add or update SKUs from JSON lines on stdin", NULL },
	{ "sku list", "", 0, 0, 0, NULL, cmd_sku_list, "every SKU", NULL },
	{ "sku show", "SKU", 1, 1, 0, NULL, cmd_sku_show, "one SKU and its levels", k_sku },
	{ "sku alias", "SKU KEY", 2, 2, C_WRITE, NULL, cmd_sku_alias,
	  "another key for a SKU, such as shopify-variant:ID", k_sku_key },
	{ "sku discontinue", "SKU", 1, 1, C_WRITE, NULL, cmd_sku_act,
	  "stop ordering a SKU from suppliers (its stock still sells)", k_sku },
	{ "sku activate", "SKU", 1, 1, C_WRITE, NULL, cmd_sku_act,
	  "make a discontinued SKU active again", k_sku },
	{ "sku block", "SKU", 1, 1, C_WRITE, NULL, cmd_sku_act,
	  "block a SKU (a recall, a listing problem)", k_sku },
	{ "sku unblock", "SKU", 1, 1, C_WRITE, NULL, cmd_sku_act,
	  "make a blocked SKU active again", k_sku },
	{ "receive", "SKU QTY", 2, 2, C_WRITE, receive_opts, cmd_receive,
	  "book units arriving into a bin (to on_hand)", k_sku_qty },
	{ "move", "SKU QTY", 2, 2, C_WRITE, move_opts, cmd_move,
	  "move on-hand units between bins", k_sku_qty },
	{ "adjust", "SKU DELTA", 2, 2, C_WRITE, adjust_opts, cmd_adjust,
	  "book a correction of DELTA units (ADJ-N), or propose it", k_sku_qty },
	{ "adjustment approve", "ADJ", 1, 1, C_WRITE, approve_opts, cmd_adjustment_act,
	  "approve a proposed adjustment and book it", k_text },
	{ "adjustment apply", "ADJ", 1, 1, C_WRITE, NULL, cmd_adjustment_act,
	  "book an approved adjustment", k_text },
	{ "adjustment reject", "ADJ", 1, 1, C_WRITE, reject_opts, cmd_adjustment_act,
	  "reject a proposed or approved adjustment; nothing moves", k_text },
	{ "adjustment list", "", 0, 0, 0, adjustment_list_opts, cmd_adjustment_list,
	  "adjustments, by number", NULL },
	{ "adjustment show", "ADJ", 1, 1, 0, NULL, cmd_adjustment_show,
	  "one adjustment, then its history", k_text },
	{ "damage", "SKU QTY", 2, 2, C_WRITE, damage_opts, cmd_damage,
	  "mark on-hand units in a bin as damaged", k_sku_qty },
	{ "count", "SKU QTY", 2, 2, C_WRITE, count_opts, cmd_count,
	  "record a count; books the difference as an adjustment", k_sku_qty },
	{ "reserve", "SKU QTY", 2, 2, C_WRITE, reserve_opts, cmd_reserve,
	  "on hand -> reserved for REF, whole or not at all", k_sku_qty },
	{ "unreserve", "SKU QTY", 2, 2, C_WRITE, unreserve_opts, cmd_unreserve,
	  "reserved for REF -> on hand", k_sku_qty },
	{ "pick", "SKU QTY", 2, 2, C_WRITE, handle_opts, cmd_pick,
	  "reserved -> picked for REF", k_sku_qty },
	{ "pack", "SKU QTY", 2, 2, C_WRITE, handle_opts, cmd_pack,
	  "picked -> packed for REF", k_sku_qty },
	{ "ship", "SKU QTY", 2, 2, C_WRITE, handle_opts, cmd_ship,
	  "packed -> shipped (out of the building) for REF", k_sku_qty },
	{ "apply", "", 0, 0, C_WRITE | C_STDIN, NULL, cmd_apply,
	  "apply movement lines from stdin in one transaction", NULL },
	{ "levels", "", 0, 0, 0, levels_opts, cmd_levels,
	  "stock by state per SKU and warehouse (or SKU, or bin)", NULL },
	{ "ledger", "", 0, 0, 0, ledger_opts, cmd_ledger,
	  "the movements, oldest first", NULL },
	{ "value", "", 0, 0, 0, value_opts, cmd_value,
	  "inventory value at moving average cost, with totals", NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-stock", "catalogue, locations and the stock ledger", cmds,
	    argc, argv);
}
