/* wf-reconcile - payouts from payment providers, and their lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define END_OPTS { NULL, 0, NULL, 0, NULL, NULL }

static const struct cli_opt import_opts[] = {
	{ "from", K_CHOICE, "FORMAT", O_REQ, "stripe|shopify|amazon|paypal|generic",
	  "the provider whose export this is" },
	{ "channel", K_TEXT, "C", 0, NULL,
	  "the channel of the orders lines name (default: the provider's name)" },
	{ "payout", K_PAYOUT, "PAYOUT", 0, NULL,
	  "lines that name no payout belong to PAYOUT" },
	END_OPTS
};

static int
cmd_import(struct cli *c)
{
	struct wf_payout_import imp = { WF_PAYOUT_GENERIC, cli_opt(c, "channel"),
	    cli_opt(c, "payout") };
	struct wf_batch b = cli_batch(c);
	FILE *f = NULL;
	int rc;

	if ((rc = wf_payout_format_parse(cli_opt(c, "from"), &imp.format)) != 0)
		return rc;
	if (c->argc == 1 && strcmp(c->argv[0], "-") != 0) {
		if ((f = fopen(c->argv[0], "r")) == NULL)
			return wf_error_set(WF_EUSAGE, "cannot open '%s': %s", c->argv[0],
			    strerror(errno));
		b.in = f;
		b.name = c->argv[0];
	}
	rc = wf_payout_import(c->db, &b, &imp);
	if (f)
		fclose(f);
	return rc;
}

static const struct cli_opt list_opts[] = {
	{ "state", K_CHOICE, "S", 0, "imported|matched|reconciled|mismatch",
	  "only payouts in state S" },
	{ "provider", K_TEXT, "P", 0, NULL, "only payouts of provider P" },
	END_OPTS
};

static int
cmd_list(struct cli *c)
{
	struct wf_payout_query q = { cli_opt(c, "state"), cli_opt(c, "provider") };

	return wf_payout_list(c->db, &q, c->out);
}

static int
cmd_show(struct cli *c)
{
	return wf_payout_show(c->db, c->argv[0], c->out);
}

static const struct cli_opt lines_opts[] = {
	{ "payout", K_PAYOUT, "PAYOUT", 0, NULL, "only the lines of PAYOUT" },
	{ "provider", K_TEXT, "P", 0, NULL, "only lines of provider P" },
	{ "category", K_CHOICE, "C", 0, "charge|refund|fee|dispute|dispute_reversal|"
	  "adjustment|reserve_hold|reserve_release|transfer|other", "only lines of category C" },
	{ "order", K_ORDER, "REF", 0, NULL, "only lines that name order REF" },
	{ "unassigned", K_NONE, NULL, 0, NULL, "only lines in no payout yet" },
	END_OPTS
};

static int
cmd_lines(struct cli *c)
{
	struct wf_payout_line_query q = { cli_opt(c, "provider"), cli_opt(c, "payout"),
	    cli_opt(c, "category"), cli_opt(c, "order"), cli_flag(c, "unassigned") };

	return wf_payout_lines(c->db, &q, c->out);
}

static const struct cli_opt match_opts[] = {
	{ "window", K_INT, "DAYS", 0, NULL,
	  "an unnamed charge matches an order placed up to DAYS before it (default 7)" },
	{ "tolerance", K_MONEY, "MONEY", 0, NULL,
	  "charges and refunds may differ from the order by MONEY (default 0)" },
	END_OPTS
};

static int
cmd_match(struct cli *c)
{
	struct wf_match_opts o = { 7, cli_opt(c, "tolerance") };
	int64_t days;
	int rc;

	if (cli_opt(c, "window")) {
		if ((rc = cli_int(cli_opt(c, "window"), "--window", 0, 366, &days)) != 0)
			return rc;
		o.window_days = (int)days;
	}
	return wf_reconcile_match(c->db, &o);
}

static const struct cli_opt accept_opts[] = {
	{ "reason", K_TEXT, "TEXT", O_REQ, NULL,
	  "why the difference is accepted, kept in the event" },
	END_OPTS
};

static int
cmd_accept(struct cli *c)
{
	return wf_payout_accept(c->db, c->argv[0], cli_opt(c, "reason"));
}

static const struct cli_opt margin_opts[] = {
	{ "by", K_CHOICE, "KEY", 0, "order|sku|channel|month",
	  "one record per order (default), or added up by SKU, channel or month" },
	{ "since", K_TIME, "T", 0, NULL, "orders shipped at or after T (ISO 8601, or an age: -30d)" },
	{ "until", K_TIME, "T", 0, NULL, "orders shipped before T" },
	END_OPTS
};

/* --since and --until, when given, into their flags and times. */
static int
period(struct cli *c, int *has_since, int64_t *since, int *has_until, int64_t *until)
{
	int rc;

	if ((*has_since = cli_opt(c, "since") != NULL) &&
	    (rc = cli_time(c, cli_opt(c, "since"), "--since", since)) != 0)
		return rc;
	if ((*has_until = cli_opt(c, "until") != NULL) &&
	    (rc = cli_time(c, cli_opt(c, "until"), "--until", until)) != 0)
		return rc;
	return 0;
}

static int
cmd_margin(struct cli *c)
{
	struct wf_margin_query q = { cli_opt(c, "by"), 0, 0, 0, 0 };
	int rc = period(c, &q.has_since, &q.since, &q.has_until, &q.until);

	return rc ? rc : wf_reconcile_margin(c->db, &q);
}

static const struct cli_opt cash_opts[] = {
	{ "provider", K_TEXT, "P", 0, NULL, "only the money of provider P" },
	END_OPTS
};

static int
cmd_cash(struct cli *c)
{
	return wf_reconcile_cash(c->db, cli_opt(c, "provider"));
}

static const struct cli_opt value_opts[] = {
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "only warehouse WH" },
	{ "since", K_TIME, "T", 0, NULL, "count variances of counts at or after T" },
	{ "until", K_TIME, "T", 0, NULL, "count variances of counts before T" },
	END_OPTS
};

static int
cmd_value(struct cli *c)
{
	struct wf_value_query q = { cli_opt(c, "warehouse"), 0, 0, 0, 0 };
	int rc = period(c, &q.has_since, &q.since, &q.has_until, &q.until);

	return rc ? rc : wf_reconcile_value(c->db, &q);
}

static const enum cli_kind import_kinds[] = { K_FILE };
static const enum cli_kind payout_kinds[] = { K_PAYOUT };

static const struct cli_cmd cmds[] = {
	{ "import", "[FILE]", 0, 1, C_WRITE | C_STDIN, import_opts, cmd_import,
	  "import a provider's payouts and balance transactions (FILE, else stdin)",
	  import_kinds },
	{ "list", "", 0, 0, 0, list_opts, cmd_list,
	  "payouts, latest arrival first", NULL },
	{ "show", "PAYOUT", 1, 1, 0, NULL, cmd_show,
	  "one payout with its lines", payout_kinds },
	{ "lines", "", 0, 0, 0, lines_opts, cmd_lines,
	  "payout lines, in the order they were posted", NULL },
	{ "match", "", 0, 0, C_WRITE, match_opts, cmd_match,
	  "link payout lines to orders and decide orders, payouts and exceptions", NULL },
	{ "accept", "PAYOUT", 1, 1, C_WRITE, accept_opts, cmd_accept,
	  "accept a payout in mismatch as it is: reconciled, its exceptions resolved",
	  payout_kinds },
	{ "margin", "", 0, 0, 0, margin_opts, cmd_margin,
	  "what each shipped order kept after COGS, fees, shipping, refunds and chargebacks",
	  NULL },
	{ "cash", "", 0, 0, 0, cash_opts, cmd_cash,
	  "expected, in transit, received and held money, by provider and currency", NULL },
	{ "value", "", 0, 0, 0, value_opts, cmd_value,
	  "inventory value by warehouse and currency, and count variances in money", NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-reconcile", "payouts from payment providers, and their lines",
	    cmds, argc, argv);
}
