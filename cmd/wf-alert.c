/* wf-alert - the exception queue: list it, show one, and work it; the
 * scans that fill it, and the stock-risk numbers behind them. */
#include <stdio.h>

#include "cli.h"
#include "wf_risk.h"
#include "wf_scan.h"

static const char *const list_columns[] = {
	"exception", "priority", "kind", "subject", "warehouse", "owner", "age", "next_action", NULL
};

/* --all and --state: closed and snoozed ones too, so the state shows. */
static const char *const all_columns[] = {
	"exception", "state", "priority", "kind", "subject", "warehouse", "owner", "age",
	"next_action", NULL
};

/* What the changing commands show in a table: the change, not the queue. */
static const char *const change_columns[] = {
	"exception", "kind", "subject", "warehouse", "owner", "state", "snoozed_until",
	"resolution", NULL
};

static const char *const raise_columns[] = {
	"exception", "result", "priority", "kind", "subject", "owner", "state", NULL
};

static const struct cli_opt list_opts[] = {
	{ "state", K_CHOICE, "S", 0,
	  "open|acknowledged|in_progress|snoozed|resolved|dismissed",
	  "only exceptions in state S" },
	{ "owner", K_OWNER, "O", 0, NULL, "only exceptions owned by O" },
	{ "kind", K_TEXT, "K", 0, NULL, "only exceptions of kind K" },
	{ "all", K_NONE, NULL, 0, NULL, "include resolved and dismissed exceptions" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_list(struct cli *c)
{
	struct wf_exception_query q;

	q.state = cli_opt(c, "state");
	q.owner = cli_opt(c, "owner");
	q.kind = cli_opt(c, "kind");
	q.all = cli_flag(c, "all");
	wf_out_columns(c->out, "exception", q.all || q.state ? all_columns : list_columns);
	return wf_exception_list(c->db, &q, c->out);
}

static int
cmd_show(struct cli *c)
{
	return wf_exception_show(c->db, c->argv[0], c->out);
}

static int
cmd_assign(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_assign(c->db, c->argv[0], c->argv[1], c->out);
}

static int
cmd_ack(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_ack(c->db, c->argv[0], c->out);
}

static int
cmd_start(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_start(c->db, c->argv[0], c->out);
}

static int
cmd_reopen(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_reopen(c->db, c->argv[0], c->out);
}

static const struct cli_opt snooze_opts[] = {
	{ "until", K_TIME, "T", O_REQ, NULL,
	  "wake at T (ISO 8601, or an offset such as +2d or +4h)" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_snooze(struct cli *c)
{
	int64_t until;
	int rc;

	if ((rc = cli_time(c, cli_opt(c, "until"), "--until", &until)) != 0)
		return rc;
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_snooze(c->db, c->argv[0], until, c->out);
}

static const struct cli_opt note_opts[] = {
	{ "note", K_TEXT, "TEXT", O_REQ, NULL, "why (kept as the resolution)" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_resolve(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_resolve(c->db, c->argv[0], cli_opt(c, "note"), c->out);
}

static int
cmd_dismiss(struct cli *c)
{
	wf_out_columns(c->out, "exception", change_columns);
	return wf_exception_dismiss(c->db, c->argv[0], cli_opt(c, "note"), c->out);
}

static int
cmd_raise(struct cli *c)
{
	struct wf_batch b = cli_batch(c);

	wf_out_columns(c->out, "exception", raise_columns);
	return wf_batch_run(c->db, &b, wf_exception_raise_line, c->out);
}

/* ---- scan and risk -------------------------------------------------------- */

static const char *const risk_columns[] = {
	"sku", "warehouse", "status", "available", "waiting", "on_order", "daily_demand",
	"cover_days", "stockout_first", "next_receipt", "order_by", "orders_short",
	"revenue_at_risk", NULL
};

static const char *const scan_columns[] = {
	"exception", "result", "kind", "subject", "warehouse", "priority", "next_action", NULL
};

#define RISK_OPTS \
	{ "window", K_INT, "DAYS", 0, NULL, \
	  "days of shipments that measure demand (default 56)" }, \
	{ "service-level", K_TEXT, "PCT", 0, NULL, \
	  "the chance, in percent, of not running out in a lead time (default 95)" }, \
	{ "overstock-days", K_INT, "N", 0, NULL, \
	  "days of cover past which stock is overstock (default 180)" }

static const struct cli_opt risk_opts[] = {
	{ "sku", K_SKU, "SKU", 0, NULL, "one SKU" },
	{ "warehouse", K_WAREHOUSE, "WH", 0, NULL, "one warehouse" },
	RISK_OPTS,
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static const struct cli_opt scan_opts[] = {
	{ "kind", K_CHOICE, "KIND", 0, "stock|order|supplier", "only the rules of this kind (default: every kind)" },
	{ "fail-on", K_INT, "PRIORITY", 0, NULL,
	  "exit 1 when an exception of the kinds scanned is open at this priority or above" },
	RISK_OPTS,
	{ "hysteresis", K_INT, "PCT", 0, NULL,
	  "resolve only past the threshold by PCT of the reorder point (default 10)" },
	{ "stuck-new", K_INT, "HOURS", 0, NULL,
	  "an order new for longer is stuck (default 24)" },
	{ "stuck-on-hold", K_INT, "HOURS", 0, NULL,
	  "an order on hold for longer is stuck (default 48)" },
	{ "stuck-reserved", K_INT, "HOURS", 0, NULL,
	  "an order reserved for longer is stuck (default 72)" },
	{ "unpaid-days", K_INT, "DAYS", 0, NULL,
	  "an order reserved or shipped and still unpaid this long after it was placed "
	  "is unpaid (default 7)" },
	{ "drift", K_INT, "PCT", 0, NULL,
	  "a supplier whose recent receipts take PCT longer than its stated lead time "
	  "drifts (default 25)" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
risk_options(struct cli *c, struct wf_risk_opts *o)
{
	const char *v;
	int rc;

	wf_risk_defaults(o);
	if ((v = cli_opt(c, "window")) && (rc = cli_int(v, "--window", 1, 365,
	    &o->window_days)) != 0)
		return rc;
	if ((v = cli_opt(c, "service-level")) && (rc = wf_risk_parse_service(v,
	    &o->service_bp)) != 0)
		return rc;
	if ((v = cli_opt(c, "overstock-days")) && (rc = cli_int(v, "--overstock-days", 1,
	    3650, &o->overstock_days)) != 0)
		return rc;
	return 0;
}

static int
cmd_risk(struct cli *c)
{
	struct wf_risk_opts o;
	int rc;

	if ((rc = risk_options(c, &o)) != 0)
		return rc;
	o.sku = cli_opt(c, "sku");
	o.warehouse = cli_opt(c, "warehouse");
	wf_out_columns(c->out, "risk", risk_columns);
	return wf_risk_list(c->db, &o, c->out);
}

static int
cmd_scan(struct cli *c)
{
	struct wf_scan_opts o;
	const char *v;
	int rc;

	wf_scan_defaults(&o);
	if ((rc = risk_options(c, &o.risk)) != 0)
		return rc;
	o.kind = cli_opt(c, "kind");
	if ((v = cli_opt(c, "hysteresis")) && (rc = cli_int(v, "--hysteresis", 0, 100,
	    &o.hysteresis_pct)) != 0)
		return rc;
	if (((v = cli_opt(c, "stuck-new")) &&
	    (rc = cli_int(v, "--stuck-new", 1, 8760, &o.stuck_new_hours)) != 0) ||
	    ((v = cli_opt(c, "stuck-on-hold")) &&
	    (rc = cli_int(v, "--stuck-on-hold", 1, 8760, &o.stuck_on_hold_hours)) != 0) ||
	    ((v = cli_opt(c, "stuck-reserved")) &&
	    (rc = cli_int(v, "--stuck-reserved", 1, 8760, &o.stuck_reserved_hours)) != 0) ||
	    ((v = cli_opt(c, "unpaid-days")) &&
	    (rc = cli_int(v, "--unpaid-days", 1, 365, &o.unpaid_days)) != 0) ||
	    ((v = cli_opt(c, "drift")) &&
	    (rc = cli_int(v, "--drift", 1, 1000, &o.drift_pct)) != 0))
		return rc;
	if ((v = cli_opt(c, "fail-on")) != NULL) {
		if ((rc = cli_int(v, "--fail-on", 0, 100, &o.fail_on)) != 0)
			return rc;
		o.has_fail_on = 1;
	}
	wf_out_columns(c->out, "exception", scan_columns);
	return wf_scan_run(c->db, &o, c->out);
}

static const enum cli_kind ex_kinds[] = { K_EXCEPTION };
static const enum cli_kind assign_kinds[] = { K_EXCEPTION, K_OWNER };

static const struct cli_cmd cmds[] = {
	{ "list", "", 0, 0, 0, list_opts, cmd_list,
	  "the queue: work first, highest priority first, then oldest", NULL },
	{ "show", "EX", 1, 1, 0, NULL, cmd_show,
	  "one exception with its history", ex_kinds },
	{ "assign", "EX OWNER", 2, 2, C_WRITE, NULL, cmd_assign,
	  "give an exception to OWNER", assign_kinds },
	{ "ack", "EX", 1, 1, C_WRITE, NULL, cmd_ack,
	  "acknowledge an exception: seen, not yet worked", ex_kinds },
	{ "start", "EX", 1, 1, C_WRITE, NULL, cmd_start,
	  "mark an exception in progress", ex_kinds },
	{ "snooze", "EX", 1, 1, C_WRITE, snooze_opts, cmd_snooze,
	  "defer an exception until a time; it is open again after", ex_kinds },
	{ "resolve", "EX", 1, 1, C_WRITE, note_opts, cmd_resolve,
	  "close an exception as fixed, saying how", ex_kinds },
	{ "dismiss", "EX", 1, 1, C_WRITE, note_opts, cmd_dismiss,
	  "close an exception as not a problem, saying why", ex_kinds },
	{ "reopen", "EX", 1, 1, C_WRITE, NULL, cmd_reopen,
	  "open a resolved or dismissed exception again", ex_kinds },
	{ "raise", "", 0, 0, C_WRITE | C_STDIN, NULL, cmd_raise,
	  "open or update exceptions from JSON lines on stdin", NULL },
	{ "scan", "", 0, 0, C_WRITE, scan_opts, cmd_scan,
	  "open, update and resolve exceptions from what the database says now", NULL },
	{ "risk", "", 0, 0, 0, risk_opts, cmd_risk,
	  "the stock-risk numbers per SKU and warehouse, behind the stock scan", NULL },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	return cli_main("wf-alert", "the exception queue", cmds, argc, argv);
}
