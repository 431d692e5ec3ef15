/* wf - create the database, read history, check invariants, run the tools. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_opt init_opts[] = {
	{ "currency", K_TEXT, "CUR", 0, NULL,
	  "the base currency, the default of every amount without one (default EUR)" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_init(struct cli *c)
{
	return wf_config_init(c->db, cli_opt(c, "currency"), c->out);
}

static const struct cli_opt log_opts[] = {
	{ "since", K_TIME, "T", 0, NULL, "events at or after T (ISO 8601, or an age: -7d)" },
	{ "actor", K_OWNER, "A", 0, NULL, "events by actor A" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_log(struct cli *c)
{
	struct wf_log_query q = { NULL, NULL, 0, 0, NULL };
	int rc;

	q.record = c->argc > 0 ? c->argv[0] : NULL;
	q.ref = c->argc > 1 ? c->argv[1] : NULL;
	q.actor = cli_opt(c, "actor");
	if (cli_opt(c, "since")) {
		if ((rc = cli_time(c, cli_opt(c, "since"), "--since", &q.since)) != 0)
			return rc;
		q.has_since = 1;
	}
	return wf_history_log(c->db, &q, c->out);
}

static const struct cli_opt check_opts[] = {
	{ "only", K_TEXT, "PREFIX", 0, NULL, "run only the invariants whose name starts with PREFIX" },
	{ "list", K_NONE, NULL, 0, NULL, "list the invariants instead of running them" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_check(struct cli *c)
{
	long long n = 0;
	int rc;

	if (cli_flag(c, "list"))
		return wf_check_list(c->out);
	if ((rc = wf_check_run(c->db, &n, c->out, cli_opt(c, "only"))) != 0)
		return rc;
	if (n > 0)
		return wf_error_set(WF_EREFUSED, "%lld violation%s found", n, n == 1 ? "" : "s");
	return 0;
}

static int
cmd_states(struct cli *c)
{
	size_t i;
	int rc;

	for (i = 0; wf_machine_at(i); i++) {
		const struct wf_machine *m = wf_machine_at(i);
		const struct wf_transition *t;

		if (c->argc > 0 && strcmp(c->argv[0], m->name) != 0)
			continue;
		for (t = m->rows; t->from; t++) {
			cJSON *r = wf_jrecord("transition");
			if (r == NULL || wf_jadd_str(r, "machine", m->name) ||
			    wf_jadd_str(r, "from", t->from) ||
			    wf_jadd_str(r, "action", t->action) ||
			    wf_jadd_str(r, "to", t->to)) {
				cJSON_Delete(r);
				return wf_error_set(WF_ENOMEM, "out of memory");
			}
			if ((rc = wf_out_emit(c->out, r)) != 0)
				return rc;
		}
	}
	if (c->argc > 0 && wf_machine_find(c->argv[0]) == NULL)
		return wf_error_set(WF_EUSAGE, "unknown state machine '%s'", c->argv[0]);
	return 0;
}

static const struct cli_opt report_opts[] = {
	{ "out", K_FILE, "FILE.html", 0, NULL,
	  "write the page to FILE.html (replaced whole) instead of standard output; - is standard output" },
	{ "since", K_TIME, "T", 0, NULL,
	  "orders placed, payouts arriving and payout lines posted at or after T only" },
	{ NULL, 0, NULL, 0, NULL, NULL }
};

static int
cmd_report(struct cli *c)
{
	struct wf_report_opts o = { 0, 0, NULL, stdout };
	int rc;

	o.path = cli_opt(c, "out");
	if (o.path != NULL && strcmp(o.path, "-") == 0)
		o.path = NULL;	/* the Unix spelling of standard output */
	if (cli_opt(c, "since")) {
		if ((rc = cli_time(c, cli_opt(c, "since"), "--since", &o.since)) != 0)
			return rc;
		o.has_since = 1;
	}
	return wf_report(c->db, &o, c->out);
}

/* Reached only when main() did not find the tool: the table entry is there
 * so that --help, the man page and the completions know about `wf TOOL`. */
static int
cmd_tool(struct cli *c)
{
	return wf_error_set(WF_EUSAGE, "unknown command or tool '%s'; see 'wf --help'",
	    c->argv[0]);
}

static const enum cli_kind log_kinds[] = { K_RECORD, K_TEXT };
static const enum cli_kind tool_kinds[] = { K_TOOL, K_TEXT };

static const struct cli_cmd cmds[] = {
	{ "init", "", 0, 0, C_WRITE | C_CREATE, init_opts, cmd_init,
	  "create or migrate the database; idempotent", NULL },
	{ "log", "[TYPE [REF]]", 0, 2, 0, log_opts, cmd_log,
	  "history events, oldest first", log_kinds },
	{ "check", "", 0, 0, 0, check_opts, cmd_check,
	  "verify every invariant; exit 1 and one line per violation", NULL },
	{ "report", "", 0, 0, 0, report_opts, cmd_report,
	  "the morning page: one self-contained HTML file with charts", NULL },
	{ "states", "[MACHINE]", 0, 1, C_NODB, NULL, cmd_states,
	  "print the state machines' transition tables", NULL },
	{ "", "TOOL [ARGS...]", 1, -1, C_NODB, NULL, cmd_tool,
	  "run wf-TOOL with ARGS (wf stock levels == wf-stock levels)", tool_kinds },
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* `wf TOOL ARGS...` runs wf-TOOL: first beside this binary, then on $PATH. */
static void
run_tool(int argc, char **argv, int at)
{
	char self[PATH_MAX], tool[128];
	wf_buf path = {0};
	char **args;
	ssize_t n;
	int i, k = 0;

	if (snprintf(tool, sizeof tool, "wf-%s", argv[at]) >= (int)sizeof tool ||
	    strchr(argv[at], '/') != NULL)
		return;
	if ((args = calloc((size_t)argc + 1, sizeof *args)) == NULL)
		return;
	args[k++] = tool;
	for (i = 1; i < argc; i++)
		if (i != at)
			args[k++] = argv[i];
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if (strrchr(self, '/'))
			*strrchr(self, '/') = '\0';
		if (wf_buf_addf(&path, "%s/%s", self, tool) == 0 &&
		    access(path.p, X_OK) == 0)
			execv(path.p, args);
		wf_buf_free(&path);
	}
	execvp(tool, args);
	free(args);
}

int
main(int argc, char **argv)
{
	static const char summary[] = "Workform: the commerce operations toolkit";
	int i;

	/* Find the first word that is not a shared option. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--actor") == 0 ||
		    strcmp(argv[i], "--format") == 0) {
			i++;
			continue;
		}
		/* --commands and --complete KIND [PREFIX] are the driver's */
		if (strcmp(argv[i], "--commands") == 0 ||
		    strncmp(argv[i], "--complete", 10) == 0)
			return cli_main("wf", summary, cmds, argc, argv);
		if (argv[i][0] == '-')
			continue;
		break;
	}
	if (i < argc) {
		const struct cli_cmd *c;
		for (c = cmds; c->name; c++)
			if (strcmp(c->name, argv[i]) == 0)
				break;
		if (c->name == NULL) {
			run_tool(argc, argv, i);
			fprintf(stderr, "wf: unknown command or tool '%s'; see 'wf --help'\n",
			    argv[i]);
			return 2;
		}
	}
	return cli_main("wf", summary, cmds, argc, argv);
}
