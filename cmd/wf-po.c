/* wf-po - suppliers, purchase orders, receiving and supplier follow-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define END_OPTS { NULL, 0, NULL, 0, NULL, NULL }

static const struct cli_opt supplier_opts[] = {
	{ "name", K_TEXT, "N", 0, NULL, "the supplier's name (required for a new one)" },
	{ "email", K_TEXT, "E", 0, NULL, "where follow-ups go, e.g. orders@acme.example" },
	{ "lead-time", K_INT, "DAYS", 0, NULL, "days from order to delivery (default 14)" },
	{ "confirm-within", K_INT, "DAYS", 0, NULL,
	  "days it has to confirm an order (default 2)" },
	{ "follow-up-every", K_INT, "DAYS", 0, NULL,
	  "days between two follow-ups for the same reason (default 3)" },
	{ "owner", K_OWNER, "O", 0, NULL, "owner (default purchasing)" },
	END_OPTS
};

static int
days_opt(struct cli *c, const char *name, int64_t min, int64_t max, int *has, int64_t *v)
{
	char what[40];

	if (cli_opt(c, name) == NULL)
		return 0;
	snprintf(what, sizeof what, "--%s", name);
	*has = 1;
	return cli_int(cli_opt(c, name), what, min, max, v);
}

static int
cmd_supplier_add(struct cli *c)
{
	struct wf_supplier_in in;
	int rc;

	memset(&in, 0, sizeof in);
	in.code = c->argv[0];
	in.name = cli_opt(c, "name");
	in.email = cli_opt(c, "email");
	in.owner = cli_opt(c, "owner");
	if ((rc = days_opt(c, "lead-time", 0, 3650, &in.has_lead_time,
	    &in.lead_time_days)) != 0 ||
	    (rc = days_opt(c, "confirm-within", 0, 365, &in.has_confirm_within,
	    &in.confirm_within_days)) != 0 ||
	    (rc = days_opt(c, "follow-up-every", 1, 365, &in.has_follow_up_every,
	    &in.follow_up_every_days)) != 0)
		return rc;
	return wf_supplier_add(c->db, &in, c->out);
}

static int
cmd_supplier_list(struct cli *c)
{
	return wf_supplier_list(c->db, c->out);
}

static int
cmd_supplier_show(struct cli *c)
{
	return wf_supplier_show(c->db, c->argv[0], c->out);
}

static int
cmd_supplier_pause(struct cli *c)
{
	return wf_supplier_act(c->db, c->argv[0], "pause", c->out);
}

static int
cmd_supplier_resume(struct cli *c)
{
	return wf_supplier_act(c->db, c->argv[0], "resume", c->out);
}

static const struct cli_opt create_opts[] = {
	{ "supplier", K_SUPPLIER, "S", O_REQ, NULL, "the supplier" },
	{ "warehouse", K_WAREHOUSE, "WH", O_REQ, NULL, "where the goods are delivered" },
	{ "expected", K_TIME, "DATE", 0, NULL,
	  "expected delivery (default: now + the supplier's lead time)" },
	{ "owner", K_OWNER, "O", 0, NULL, "owner (default: the supplier's)" },
	END_OPTS
};

static int
cmd_create(struct cli *c)
{
	struct wf_po_in in;
	struct wf_po_line_in *lines = NULL;
	int i, rc;

	memset(&in, 0, sizeof in);
	in.supplier = cli_opt(c, "supplier");
	in.warehouse = cli_opt(c, "warehouse");
	in.owner = cli_opt(c, "owner");
	if (cli_opt(c, "expected")) {
		if ((rc = cli_time(c, cli_opt(c, "expected"), "--expected", &in.expected)) != 0)
			return rc;
		in.has_expected = 1;
	}
	if (c->argc == 0) {
		if (isatty(STDIN_FILENO))
			return wf_error_set(WF_EUSAGE,
			    "create: give SKU:QTY[@COST] arguments or po_line records on stdin");
		in.in = stdin;
		in.in_name = "stdin";
		return wf_po_create(c->db, &in, c->out);
	}
	if ((lines = calloc((size_t)c->argc, sizeof *lines)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	for (i = 0; i < c->argc; i++)
		if ((rc = wf_po_line_parse(c->argv[i], &lines[i])) != 0) {
			free(lines);
			return rc;
		}
	in.lines = lines;
	in.nlines = (size_t)c->argc;
	rc = wf_po_create(c->db, &in, c->out);
	free(lines);
	return rc;
}

static int
cmd_send(struct cli *c)
{
	return wf_po_send(c->db, c->argv[0], c->out);
}

static const struct cli_opt confirm_opts[] = {
	{ "date", K_TIME, "DATE", 0, NULL,
	  "the delivery date the supplier confirmed (default: the expected date)" },
	END_OPTS
};

static int
cmd_confirm(struct cli *c)
{
	int64_t date = 0;
	int rc;

	if (cli_opt(c, "date") &&
	    (rc = cli_time(c, cli_opt(c, "date"), "--date", &date)) != 0)
		return rc;
	return wf_po_confirm(c->db, c->argv[0], cli_opt(c, "date") != NULL, date, c->out);
}

static const struct cli_opt receive_opts[] = {
	{ "bin", K_BIN, "WH/BIN", 0, NULL,
	  "where the units go (default: the inbound bin they are in)" },
	{ "allow-over", K_NONE, NULL, 0, NULL, "accept more units than are open" },
	END_OPTS
};

static int
cmd_receive(struct cli *c)
{
	struct wf_po_receipt r;
	int rc;

	memset(&r, 0, sizeof r);
	r.po = c->argv[0];
	r.sku = c->argv[1];
	if ((rc = cli_qty(c->argv[2], "QTY", &r.qty)) != 0)
		return rc;
	r.bin = cli_opt(c, "bin");
	r.allow_over = cli_flag(c, "allow-over");
	return wf_po_receive(c->db, &r, c->out);
}

static int
cmd_close(struct cli *c)
{
	return wf_po_close(c->db, c->argv[0], c->out);
}

static const struct cli_opt cancel_opts[] = {
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL, "why (kept on the order)" },
	END_OPTS
};

static int
cmd_cancel(struct cli *c)
{
	return wf_po_cancel(c->db, c->argv[0], cli_opt(c, "reason"), c->out);
}

static const struct cli_opt list_opts[] = {
	{ "state", K_CHOICE, "S", 0,
	  "draft|sent|confirmed|partially_received|received|closed|cancelled",
	  "only orders in this state" },
	{ "supplier", K_SUPPLIER, "S", 0, NULL, "only this supplier's orders" },
	END_OPTS
};

static int
cmd_list(struct cli *c)
{
	struct wf_po_query q = { cli_opt(c, "state"), cli_opt(c, "supplier") };

	return wf_po_list(c->db, &q, c->out);
}

static int
cmd_show(struct cli *c)
{
	return wf_po_show(c->db, c->argv[0], c->out);
}

static const struct cli_opt followup_opts[] = {
	{ "record", K_NONE, NULL, 0, NULL,
	  "book the follow-ups printed as sent, so they repeat only after the interval" },
	END_OPTS
};

static int
cmd_followup(struct cli *c)
{
	return wf_po_followup(c->db, cli_flag(c, "record"), c->out);
}

static const enum cli_kind k_text[] = { K_TEXT };
static const enum cli_kind k_supplier[] = { K_SUPPLIER };
static const enum cli_kind k_po[] = { K_PO };
static const enum cli_kind k_receive[] = { K_PO, K_SKU, K_INT };

static const struct cli_cmd cmds[] = {
	{ "supplier add", "CODE", 1, 1, C_WRITE, supplier_opts, cmd_supplier_add,
	  "add a supplier, or change the fields given", k_text },
	{ "supplier list", "", 0, 0, 0, NULL, cmd_supplier_list, "every supplier", NULL },
	{ "supplier show", "CODE", 1, 1, 0, NULL, cmd_supplier_show, "one supplier",
	  k_supplier },
	{ "supplier pause", "CODE", 1, 1, C_WRITE, NULL, cmd_supplier_pause,
	  "stop ordering from a supplier (open orders go on)", k_supplier },
	{ "supplier resume", "CODE", 1, 1, C_WRITE, NULL, cmd_supplier_resume,
	  "order from a paused supplier again", k_supplier },
	{ "create", "[SKU:QTY[@COST] ...]", 0, -1, C_WRITE | C_INPUT, create_opts, cmd_create,
	  "create a draft purchase order PO-N (lines as arguments or on stdin)", k_text },
	{ "send", "PO", 1, 1, C_WRITE, NULL, cmd_send,
	  "send a draft: its open quantities become inbound stock", k_po },
	{ "confirm", "PO", 1, 1, C_WRITE, confirm_opts, cmd_confirm,
	  "record the supplier's confirmation and delivery date", k_po },
	{ "receive", "PO SKU QTY", 3, 3, C_WRITE, receive_opts, cmd_receive,
	  "book units arriving: inbound -> on hand (partial receipts allowed)", k_receive },
	{ "close", "PO", 1, 1, C_WRITE, NULL, cmd_close,
	  "close a received or partly received order; what is open is cancelled", k_po },
	{ "cancel", "PO", 1, 1, C_WRITE, cancel_opts, cmd_cancel,
	  "cancel an order before anything arrived", k_po },
	{ "list", "", 0, 0, 0, list_opts, cmd_list, "purchase orders, by number", NULL },
	{ "show", "PO", 1, 1, 0, NULL, cmd_show, "one order, then its history", k_po },
	{ "followup", "", 0, 0, C_WRITE, followup_opts, cmd_followup,
	  "the supplier follow-ups due now, as mail-ready JSON lines", NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-po", "suppliers, purchase orders, receiving and supplier follow-up",
	    cmds, argc, argv);
}
