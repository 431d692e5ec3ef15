/* wf-route - route orders to warehouses, and the carrier rules it uses. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define END_OPTS { NULL, 0, NULL, 0, NULL, NULL }

static const struct cli_opt route_opts[] = {
	{ "apply", K_NONE, NULL, 0, NULL,
	  "reserve the stock and move routed orders to reserved; hold unroutable ones" },
	{ "explain", K_NONE, NULL, 0, NULL,
	  "add every candidate with its result (a table: one row per candidate)" },
	{ "new", K_NONE, NULL, 0, NULL,
	  "route every new order and every order held as unroutable (the form for cron)" },
	{ "policy", K_CHOICE, "P", 0, "cheapest|fastest|margin",
	  "how to choose among the candidates (default margin)" },
	{ "promise", K_NONE, NULL, 0, NULL,
	  "promise routed orders (new -> promised): their units count against ATP, no bins picked" },
	{ "split", K_NONE, NULL, 0, NULL,
	  "split an order no warehouse can ship whole over the fewest warehouses" },
	END_OPTS
};

static int
cmd_route(struct cli *c)
{
	struct wf_route_opts o;
	int rc;

	memset(&o, 0, sizeof o);
	if (cli_opt(c, "policy") &&
	    (rc = wf_route_policy_parse(cli_opt(c, "policy"), &o.policy)) != 0)
		return rc;
	o.apply = cli_flag(c, "apply");
	o.explain = cli_flag(c, "explain");
	o.split = cli_flag(c, "split");
	o.promise = cli_flag(c, "promise");
	o.refs = c->argv;
	o.nrefs = (size_t)c->argc;
	o.new_orders = cli_flag(c, "new");
	/* stdin is the list of orders unless it is a terminal, or REFs or
	 * --new say which orders instead */
	o.in = c->argc == 0 && !o.new_orders && !isatty(STDIN_FILENO) ? stdin : NULL;
	o.in_name = "stdin";
	o.keep_going = c->keep_going;
	o.strict = c->strict;
	o.report = cli_report;
	o.report_ctx = c;
	o.note = cli_report;
	return wf_route_run(c->db, &o, c->out);
}

static const struct cli_opt add_opts[] = {
	{ "cutoff", K_TEXT, "HH:MM", O_REQ, NULL,
	  "last pick-up of the day, in the warehouse's time zone" },
	{ "transit-days", K_INT, "N", O_REQ, NULL, "days from pick-up to delivery" },
	{ "cost", K_MONEY, "MONEY", O_REQ, NULL, "what one shipment costs" },
	{ "countries", K_TEXT, "CC,CC", 0, NULL,
	  "destination countries (\"\": every country, the default)" },
	{ "currency", K_TEXT, "C", 0, NULL, "the currency of the cost (default EUR)" },
	END_OPTS
};

static int
cmd_carrier_add(struct cli *c)
{
	struct wf_carrier_in in;
	int rc;

	memset(&in, 0, sizeof in);
	in.warehouse = c->argv[0];
	in.carrier = c->argv[1];
	in.service = c->argv[2];
	in.cutoff = cli_opt(c, "cutoff");
	in.cost = cli_opt(c, "cost");
	in.countries = cli_opt(c, "countries");
	in.currency = cli_opt(c, "currency");
	if ((rc = cli_int(cli_opt(c, "transit-days"), "--transit-days", 0, 365,
	    &in.transit_days)) != 0)
		return rc;
	return wf_carrier_add(c->db, &in, c->out);
}

static int
cmd_carrier_remove(struct cli *c)
{
	return wf_carrier_remove(c->db, c->argv[0], c->argv[1], c->argv[2], c->out);
}

static const struct cli_opt list_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "only this warehouse's rules" },
	END_OPTS
};

static int
cmd_carrier_list(struct cli *c)
{
	return wf_carrier_list(c->db, cli_opt(c, "warehouse"), c->out);
}

static int
cmd_carrier_import(struct cli *c)
{
	struct wf_batch b = cli_batch(c);

	return wf_batch_run(c->db, &b, wf_carrier_import_line, NULL);
}

static const enum cli_kind k_orders[] = { K_ORDER };
static const enum cli_kind k_service[] = { K_WAREHOUSE, K_TEXT, K_TEXT };

static const struct cli_cmd cmds[] = {
	{ "", "[REF...]", 0, -1, C_WRITE | C_STDIN, route_opts, cmd_route,
	  "decide where orders ship from (REFs, order lines on stdin, or --new)",
	  k_orders },
	{ "carrier add", "WH CARRIER SERVICE", 3, 3, C_WRITE, add_opts, cmd_carrier_add,
	  "add or change a carrier service of a warehouse", k_service },
	{ "carrier remove", "WH CARRIER SERVICE", 3, 3, C_WRITE, NULL, cmd_carrier_remove,
	  "remove a carrier service", k_service },
	{ "carrier list", "", 0, 0, 0, list_opts, cmd_carrier_list,
	  "the routing rules as JSON lines: capacities, then services", NULL },
	{ "carrier import", "", 0, 0, C_WRITE | C_STDIN, NULL, cmd_carrier_import,
	  "add or update rules from JSON lines (carrier list's output)", NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-route", "route orders to warehouses", cmds, argc, argv);
}
