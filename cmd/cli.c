/* cli.c - option parsing, help, dispatch and exit status for every binary. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	G_DB = 1000, G_ACTOR, G_FORMAT, G_HELP, G_VERSION, G_DRYRUN, G_KEEPGOING,
	G_STRICT, G_COMMANDS, G_CMDOPT   /* G_CMDOPT + i: the command's option i */
};

static const char *const kind_names[] = {
	"none", "text", "int", "money", "time", "file", "choice", "sku",
	"warehouse", "bin", "order", "po", "supplier", "exception", "return",
	"shipment", "record", "tool", "owner", "payout"
};

struct globals {
	const char *db, *actor, *format, *complete;
	int help, version, commands;
	int dry_run, keep_going, strict;        /* given before the command */
};

static const char *prog_name = "wf";

static void
err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_report(void *c, int code, const char *msg)
{
	(void)code;
	if (c)
		((struct cli *)c)->bad_lines++;
	err("%s", msg);
}

struct wf_batch
cli_batch(struct cli *c)
{
	struct wf_batch b = {
		.in = stdin,
		.name = "stdin",
		.keep_going = c->keep_going,
		.strict = c->strict,
		.report = cli_report,
		.report_ctx = c,
	};

	return b;
}

const char *
cli_opt(const struct cli *c, const char *name)
{
	size_t i;

	for (i = 0; c->cmd->opts && c->cmd->opts[i].name; i++)
		if (strcmp(c->cmd->opts[i].name, name) == 0)
			return c->optv[i];
	return NULL;
}

int
cli_flag(const struct cli *c, const char *name)
{
	return cli_opt(c, name) != NULL;
}

int
cli_int(const char *s, const char *what, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end || errno || v < min || v > max || *s == '+' || *s == ' ') {
		if (min == 1)
			return wf_error_set(WF_EUSAGE, "%s: expected a positive integer, got '%.40s'",
			    what, s);
		return wf_error_set(WF_EUSAGE,
		    "%s: expected an integer from %lld to %lld, got '%.40s'", what,
		    (long long)min, (long long)max, s);
	}
	*out = v;
	return 0;
}

int
cli_qty(const char *s, const char *what, int64_t *out)
{
	return cli_int(s, what, 1, WF_JSON_INT_MAX, out);
}

int
cli_time(const struct cli *c, const char *s, const char *what, int64_t *out)
{
	int64_t now;

	if (c->db)
		now = wf_db_now(c->db);
	else if (wf_time_now(&now) != 0)
		return WF_EUSAGE;
	if (wf_time_parse_rel(s, now, out) != 0)
		return wf_error_set(WF_EUSAGE, "%s: %s", what, wf_error_msg());
	return 0;
}

static int
cli_has_opt(const struct cli_cmd *cmd, const char *name)
{
	const struct cli_opt *o;

	for (o = cmd->opts; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return 1;
	return 0;
}

/* ---- usage ------------------------------------------------------------------ */

static void
opt_synopsis(FILE *f, const struct cli_opt *o)
{
	int req = (o->flags & O_REQ) != 0;

	fprintf(f, " %s--%s", req ? "" : "[", o->name);
	if (o->kind == K_CHOICE)
		fprintf(f, " %s", o->choices);
	else if (o->kind != K_NONE)
		fprintf(f, " %s", o->meta ? o->meta : "VALUE");
	if (!req)
		fputc(']', f);
}

static void
cmd_synopsis(FILE *f, const char *prog, const struct cli_cmd *cmd)
{
	const struct cli_opt *o;

	fprintf(f, "%s", prog);
	if (*cmd->name)
		fprintf(f, " %s", cmd->name);
	if (cmd->args && *cmd->args)
		fprintf(f, " %s", cmd->args);
	for (o = cmd->opts; o && o->name; o++)
		opt_synopsis(f, o);
	if (cmd->flags & C_WRITE)
		fprintf(f, " [--dry-run]");
	if (cmd->flags & C_STDIN)
		fprintf(f, " [--keep-going] [--strict]");
	fputc('\n', f);
}

static void
usage_all(FILE *f, const char *prog, const char *summary, const struct cli_cmd *cmds)
{
	const struct cli_cmd *c;

	fprintf(f, "%s - %s\n\nusage: %s [--db PATH] [--actor NAME] "
	    "[--format jsonl|table|csv|tsv] COMMAND [ARGS]\n\ncommands:\n",
	    prog, summary, prog);
	for (c = cmds; c->name; c++) {
		fputs("  ", f);
		cmd_synopsis(f, prog, c);
		fprintf(f, "      %s\n", c->help);
	}
	fprintf(f, "\nSee %s(1).  Exit status: 0 ok, 1 refused, 2 usage, 3 bad input,\n"
	    "4 no database, 5 busy, 6 I/O error, 10 internal error.\n", prog);
}

static void
usage_cmd(FILE *f, const char *prog, const struct cli_cmd *cmd)
{
	const struct cli_opt *o;

	fputs("usage: ", f);
	cmd_synopsis(f, prog, cmd);
	fprintf(f, "\n%s\n", cmd->help);
	if (cmd->opts && cmd->opts->name)
		fputs("\noptions:\n", f);
	for (o = cmd->opts; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name,
		    o->kind == K_NONE ? "" : " ",
		    o->kind == K_NONE ? "" : o->kind == K_CHOICE ? o->choices :
		    o->meta ? o->meta : "VALUE");
		fprintf(f, "  %-28s %s\n", left, o->help);
	}
	fputs("\ncommon options: --db PATH, --actor NAME, --format jsonl|table|csv|tsv", f);
	if (cmd->flags & C_WRITE)
		fputs(", --dry-run", f);
	if (cmd->flags & C_STDIN)
		fputs(", --keep-going, --strict", f);
	fputs("\n", f);
}

/* The table as data, for completions and tests:
 *   cmd	NAME	ARGS	KINDS	HELP
 *   opt	NAME	--OPTION	KIND	CHOICES	META	FLAG
 * where FLAG is "required", "shared" (an option every command of its kind
 * takes, listed after the command's own) or empty. */
static void
print_spec(const char *prog, const struct cli_cmd *cmds)
{
	static const char *const common[] = { "db", "actor", "format", "help", "version" };
	const struct cli_cmd *c;
	const struct cli_opt *o;
	size_t i;

	for (c = cmds; c->name; c++) {
		printf("cmd\t%s\t%s\t", c->name, c->args ? c->args : "");
		for (i = 0; c->kinds && i < (size_t)(c->max < 0 ? c->min + 1 : c->max); i++)
			printf("%s%s", i ? "," : "", kind_names[c->kinds[i]]);
		printf("\t%s\n", c->help);
		for (o = c->opts; o && o->name; o++)
			printf("opt\t%s\t--%s\t%s\t%s\t%s\t%s\n", c->name, o->name,
			    kind_names[o->kind], o->choices ? o->choices : "",
			    o->meta ? o->meta : "", (o->flags & O_REQ) ? "required" : "");
		for (i = 0; i < sizeof common / sizeof common[0]; i++)
			if (!cli_has_opt(c, common[i]))
				printf("opt\t%s\t--%s\t%s\t%s\t%s\tshared\n", c->name, common[i],
				    i == 0 ? "file" : i == 1 ? "owner" : i == 2 ? "choice" : "none",
				    i == 2 ? "jsonl|table|csv|tsv" : "",
				    i == 0 ? "PATH" : i == 1 ? "NAME" : i == 2 ? "FMT" : "");
		if (c->flags & C_WRITE)
			printf("opt\t%s\t--dry-run\tnone\t\t\tshared\n", c->name);
		if (c->flags & C_STDIN)
			printf("opt\t%s\t--keep-going\tnone\t\t\tshared\n"
			    "opt\t%s\t--strict\tnone\t\t\tshared\n", c->name, c->name);
	}
	(void)prog;
}

static int
put_line(void *f, const char *value)
{
	return fprintf(f, "%s\n", value) < 0 ? WF_EIO : 0;
}

/* `--complete KIND [PREFIX]`: the values a shell completion offers, one a
 * line (see wf_complete.h).  A completion must not disturb the line being
 * typed, so this is silent: no database, a locked one or any error prints
 * nothing and exits 0.  The short busy timeout keeps a locked database from
 * stalling the shell. */
static int
print_complete(const struct globals *g, const char *prefix)
{
	wf_buf path = {0};
	wf_db *db = NULL;

	setenv("WF_BUSY_TIMEOUT", "200", 1);
	if (wf_db_path(&path, g->db) != 0 || wf_db_open(&db, wf_buf_str(&path), 0) != 0)
		db = NULL;
	wf_complete_values(db, g->complete, prefix, put_line, stdout);
	wf_db_close(db);
	wf_buf_free(&path);
	wf_error_clear();
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 6;
}

/* ---- parsing ---------------------------------------------------------------- */

/* Take the shared options that come before the command.  Returns the index
 * of the first argument that is not one, or -1 after a usage error. */
static int
take_globals(int argc, char **argv, struct globals *g)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *name = NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			g->help = 1;
			continue;
		}
		if (strcmp(a, "--version") == 0) {
			g->version = 1;
			continue;
		}
		if (strcmp(a, "--commands") == 0) {
			g->commands = 1;
			continue;
		}
		if (strcmp(a, "--dry-run") == 0 || strcmp(a, "--keep-going") == 0 ||
		    strcmp(a, "--strict") == 0) {
			*(a[2] == 'd' ? &g->dry_run : a[2] == 'k' ? &g->keep_going :
			    &g->strict) = 1;
			continue;
		}
		if (strncmp(a, "--db", 4) == 0 && (a[4] == '\0' || a[4] == '='))
			slot = &g->db, name = "db";
		else if (strncmp(a, "--actor", 7) == 0 && (a[7] == '\0' || a[7] == '='))
			slot = &g->actor, name = "actor";
		else if (strncmp(a, "--format", 8) == 0 && (a[8] == '\0' || a[8] == '='))
			slot = &g->format, name = "format";
		else if (strncmp(a, "--complete", 10) == 0 && (a[10] == '\0' || a[10] == '='))
			slot = &g->complete, name = "complete";
		else
			break;
		if (strchr(a, '='))
			*slot = strchr(a, '=') + 1;
		else if (i + 1 < argc)
			*slot = argv[++i];
		else {
			err("option '--%s' needs a value", name);
			return -1;
		}
	}
	return i;
}

/* The command named by the words at argv[i...]: the longest match. */
static const struct cli_cmd *
find_cmd(const struct cli_cmd *cmds, int argc, char **argv, int i, int *used)
{
	const struct cli_cmd *c, *best = NULL, *dflt = NULL;
	int bestn = 0;

	for (c = cmds; c->name; c++) {
		const char *p = c->name;
		int n = 0, j = i;

		if (*p == '\0') {
			dflt = c;
			continue;
		}
		while (*p && j < argc) {
			size_t len = strcspn(p, " ");
			if (strlen(argv[j]) != len || strncmp(argv[j], p, len) != 0)
				break;
			p += len;
			n++;
			j++;
			while (*p == ' ')
				p++;
		}
		if (*p == '\0' && n > bestn) {
			best = c;
			bestn = n;
		}
	}
	*used = bestn;
	return best ? best : dflt;
}

static int
parse_cmd(struct cli *c, struct globals *g, int argc, char **argv)
{
	/* "wf-stock: sku add: ...", but "wf: ..." for the default command */
	const char *where = c->cmd->name, *sep = *where ? ": " : "";
	struct option lo[48];
	const struct cli_opt *o;
	size_t n = 0, i;
	int ch;

	/* A command's own option of the same name wins over a shared one
	 * (wf log --actor filters; it does not set who acts). */
	if (!cli_has_opt(c->cmd, "db"))
		lo[n++] = (struct option){ "db", required_argument, NULL, G_DB };
	if (!cli_has_opt(c->cmd, "actor"))
		lo[n++] = (struct option){ "actor", required_argument, NULL, G_ACTOR };
	lo[n++] = (struct option){ "format", required_argument, NULL, G_FORMAT };
	lo[n++] = (struct option){ "help", no_argument, NULL, G_HELP };
	lo[n++] = (struct option){ "version", no_argument, NULL, G_VERSION };
	if (c->cmd->flags & C_WRITE)
		lo[n++] = (struct option){ "dry-run", no_argument, NULL, G_DRYRUN };
	if (c->cmd->flags & C_STDIN) {
		lo[n++] = (struct option){ "keep-going", no_argument, NULL, G_KEEPGOING };
		lo[n++] = (struct option){ "strict", no_argument, NULL, G_STRICT };
	}
	for (i = 0, o = c->cmd->opts; o && o->name && n < 46; o++, i++)
		lo[n++] = (struct option){ o->name,
		    o->kind == K_NONE ? no_argument : required_argument, NULL,
		    G_CMDOPT + (int)i };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };

	/* Negative numbers are operands or values (adjust SKU -3, --since -7d),
	 * not options: hide their '-' from getopt, then put it back. */
	for (i = 1; i < (size_t)argc; i++)
		if (argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9')
			argv[i][0] = '\001';
	opterr = 0;
	optind = 0;     /* GNU: reinitialise */
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case G_DB:        g->db = optarg; break;
		case G_ACTOR:     g->actor = optarg; break;
		case G_FORMAT:    g->format = optarg; break;
		case 'h':
		case G_HELP:      g->help = 1; break;
		case G_VERSION:   g->version = 1; break;
		case G_DRYRUN:    c->dry_run = 1; break;
		case G_KEEPGOING: c->keep_going = 1; break;
		case G_STRICT:    c->strict = 1; break;
		case '?':
			if (optopt && optopt < G_DB)
				err("%s%sunknown option '-%c'", where, sep, optopt);
			else if (optopt >= G_DB)
				err("%s%soption '%s' needs a value", where, sep,
				    argv[optind - 1]);
			else
				err("%s%sunknown option '%s'", where, sep, argv[optind - 1]);
			goto restore;
		case ':':
			err("option '%s' needs a value", argv[optind - 1]);
			goto restore;
		default:
			c->optv[ch - G_CMDOPT] = optarg ? optarg : "";
			break;
		}
	}
	for (i = 1; i < (size_t)argc; i++)
		if (argv[i][0] == '\001')
			argv[i][0] = '-';
	c->argc = argc - optind;
	c->argv = argv + optind;
	return 0;
restore:
	for (i = 1; i < (size_t)argc; i++)
		if (argv[i][0] == '\001')
			argv[i][0] = '-';
	return WF_EUSAGE;
}

int
cli_main(const char *prog, const char *summary, const struct cli_cmd *cmds,
    int argc, char **argv)
{
	struct globals g = { NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0 };
	struct cli c;
	wf_format fmt;
	wf_buf path = {0}, actor = {0};
	const struct cli_opt *o;
	int first, used = 0, rc = 0, orc, i, sub_argc;
	char **sub_argv = NULL;

	memset(&c, 0, sizeof c);
	prog_name = c.prog = prog;
	if ((first = take_globals(argc, argv, &g)) < 0)
		return 2;
	if (g.commands) {
		print_spec(prog, cmds);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 6;
	}
	if (g.complete)
		return print_complete(&g, first < argc ? argv[first] : NULL);
	if (g.version) {
		printf("%s %s (schema %d, %s, cJSON %s)\n", prog, WF_VERSION,
		    wf_schema_version, wf_db_engine(), cJSON_Version());
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 6;
	}
	c.cmd = find_cmd(cmds, argc, argv, first, &used);
	if (c.cmd == NULL || (first >= argc && *c.cmd->name == '\0' && c.cmd->min > 0)) {
		if (g.help || first >= argc) {
			usage_all(g.help ? stdout : stderr, prog, summary, cmds);
			return g.help ? 0 : 2;
		}
		err("unknown command '%s'; see '%s --help'", argv[first], prog);
		return 2;
	}
	if (first >= argc && *c.cmd->name == '\0' && g.help) {
		usage_all(stdout, prog, summary, cmds);
		return 0;
	}
	/* argv for getopt: the program name, then what follows the command words. */
	sub_argc = argc - first - used + 1;
	if ((sub_argv = calloc((size_t)sub_argc + 1, sizeof *sub_argv)) == NULL) {
		err("out of memory");
		return 10;
	}
	sub_argv[0] = argv[0];
	for (i = 1; i < sub_argc; i++)
		sub_argv[i] = argv[first + used + i - 1];
	if (parse_cmd(&c, &g, sub_argc, sub_argv) != 0) {
		fputs("usage: ", stderr);
		cmd_synopsis(stderr, prog, c.cmd);
		free(sub_argv);
		return 2;
	}
	/* --dry-run, --keep-going, --strict given before the command */
	if (((g.dry_run && !(c.cmd->flags & C_WRITE)) ||
	    ((g.keep_going || g.strict) && !(c.cmd->flags & C_STDIN)))) {
		err("%s: %s does not apply to this command",
		    *c.cmd->name ? c.cmd->name : prog,
		    g.dry_run && !(c.cmd->flags & C_WRITE) ? "--dry-run" :
		    g.keep_going ? "--keep-going" : "--strict");
		fputs("usage: ", stderr);
		cmd_synopsis(stderr, prog, c.cmd);
		free(sub_argv);
		return 2;
	}
	c.dry_run |= g.dry_run;
	c.keep_going |= g.keep_going;
	c.strict |= g.strict;
	if (g.help) {
		usage_cmd(stdout, prog, c.cmd);
		free(sub_argv);
		return fflush(stdout) == 0 ? 0 : 6;
	}
	if (c.argc < c.cmd->min || (c.cmd->max >= 0 && c.argc > c.cmd->max)) {
		if (c.argc > c.cmd->max && c.cmd->max >= 0)
			err("%s: unexpected argument '%s'", *c.cmd->name ? c.cmd->name : prog,
			    c.argv[c.cmd->max]);
		else
			err("%s: missing %s", *c.cmd->name ? c.cmd->name : prog, c.cmd->args);
		fputs("usage: ", stderr);
		cmd_synopsis(stderr, prog, c.cmd);
		free(sub_argv);
		return 2;
	}
	for (i = 0, o = c.cmd->opts; o && o->name; o++, i++)
		if ((o->flags & O_REQ) && c.optv[i] == NULL) {
			err("%s: --%s is required", c.cmd->name, o->name);
			fputs("usage: ", stderr);
			cmd_synopsis(stderr, prog, c.cmd);
			free(sub_argv);
			return 2;
		}
	if (g.format) {
		if (wf_format_parse(g.format, &fmt) != 0) {
			err("%s", wf_error_msg());
			free(sub_argv);
			return 2;
		}
	} else
		fmt = wf_format_default(stdout);
	if (wf_out_new(&c.out, stdout, fmt) != 0) {
		err("%s", wf_error_msg());
		free(sub_argv);
		return 10;
	}
	if (!(c.cmd->flags & C_NODB)) {
		if ((rc = wf_db_path(&path, g.db)) != 0 ||
		    (rc = wf_db_open(&c.db, wf_buf_str(&path),
		    ((c.cmd->flags & C_CREATE) ? WF_DB_CREATE : 0) |
		    (c.dry_run ? WF_DB_DRYRUN : 0))) != 0 ||
		    (rc = wf_actor_resolve(&actor, g.actor)) != 0 ||
		    (rc = wf_db_set_actor(c.db, wf_buf_str(&actor))) != 0)
			goto done;
		wf_db_set_dry_run(c.db, c.dry_run);
		wf_db_set_out(c.db, c.out);
	} else if (g.db) {
		/* commands without a database still accept --db for uniformity */
	}
	wf_error_clear();
	rc = c.cmd->run(&c);
done:
	orc = wf_out_finish(c.out);
	if (rc != 0) {
		if (*wf_error_msg())
			err("%s", wf_error_msg());
	} else if (orc != 0) {
		rc = orc;
		err("%s", wf_error_msg());
	}
	if (c.dry_run && rc == 0)
		err("dry run: nothing was written");
	wf_out_free(c.out);
	wf_db_close(c.db);
	wf_buf_free(&path);
	wf_buf_free(&actor);
	free(sub_argv);
	return wf_exit_code(rc);
}
