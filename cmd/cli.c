/* cli.c - option parsing, help, dispatch and exit status for every binary. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

enum {
	G_DB = 1000, G_ACTOR, G_FORMAT, G_HELP, G_VERSION, G_DRYRUN, G_KEEPGOING,
	G_STRICT, G_COMMANDS, G_IDEM,
	G_CMDOPT   /* G_CMDOPT + i: the command's option i */
};

static const char *const kind_names[] = {
	"none", "text", "int", "money", "time", "file", "choice", "sku",
	"warehouse", "bin", "order", "po", "supplier", "exception", "return",
	"shipment", "record", "tool", "owner", "payout"
};

struct globals {
	const char *db, *actor, *format, *complete, *idem;
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
		/* "positive" for what is not one; past a maximum, say the range */
		if (min == 1 && !(*s && !*end && !errno && v > max))
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
		fputs(", --dry-run, --idempotency-key KEY", f);
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
			printf("opt\t%s\t--dry-run\tnone\t\t\tshared\n"
			    "opt\t%s\t--idempotency-key\ttext\t\tKEY\tshared\n", c->name, c->name);
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
		else if (strncmp(a, "--idempotency-key", 17) == 0 && (a[17] == '\0' || a[17] == '='))
			slot = &g->idem, name = "idempotency-key";
		else
			break;
		if (*slot != NULL) {
			err("option '--%s' given twice", name);
			return -1;
		}
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
	struct option *lo;
	const struct cli_opt *o;
	size_t n = 0, i, nopts = 0;
	int ch, rc = WF_EUSAGE, seen_db = 0, seen_actor = 0, seen_format = 0;

	for (o = c->cmd->opts; o && o->name; o++)
		nopts++;
	/* the shared options, the command's own, the end */
	lo = calloc(9 + nopts + 1, sizeof *lo);
	c->optv = calloc(nopts + 1, sizeof *c->optv);
	if (lo == NULL || c->optv == NULL) {
		free(lo);
		err("out of memory");
		return WF_ENOMEM;
	}

	/* A command's own option of the same name wins over a shared one
	 * (wf log --actor filters; it does not set who acts). */
	if (!cli_has_opt(c->cmd, "db"))
		lo[n++] = (struct option){ "db", required_argument, NULL, G_DB };
	if (!cli_has_opt(c->cmd, "actor"))
		lo[n++] = (struct option){ "actor", required_argument, NULL, G_ACTOR };
	lo[n++] = (struct option){ "format", required_argument, NULL, G_FORMAT };
	lo[n++] = (struct option){ "help", no_argument, NULL, G_HELP };
	lo[n++] = (struct option){ "version", no_argument, NULL, G_VERSION };
	if (c->cmd->flags & C_WRITE) {
		lo[n++] = (struct option){ "dry-run", no_argument, NULL, G_DRYRUN };
		lo[n++] = (struct option){ "idempotency-key", required_argument, NULL, G_IDEM };
	}
	if (c->cmd->flags & C_STDIN) {
		lo[n++] = (struct option){ "keep-going", no_argument, NULL, G_KEEPGOING };
		lo[n++] = (struct option){ "strict", no_argument, NULL, G_STRICT };
	}
	for (i = 0, o = c->cmd->opts; o && o->name; o++, i++)
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
		case G_DB:
		case G_ACTOR:
		case G_FORMAT:
			/* given twice, before or after the command */
			if ((ch == G_DB && (seen_db++ || g->db)) ||
			    (ch == G_ACTOR && (seen_actor++ || g->actor)) ||
			    (ch == G_FORMAT && (seen_format++ || g->format))) {
				err("%s%soption '--%s' given twice", where, sep,
				    ch == G_DB ? "db" : ch == G_ACTOR ? "actor" : "format");
				goto restore;
			}
			*(ch == G_DB ? &g->db : ch == G_ACTOR ? &g->actor : &g->format) = optarg;
			break;
		case 'h':
		case G_HELP:      g->help = 1; break;
		case G_VERSION:   g->version = 1; break;
		case G_DRYRUN:    c->dry_run = 1; break;
		case G_IDEM:
			if (g->idem != NULL) {
				err("%s%soption '--idempotency-key' given twice", where, sep);
				goto restore;
			}
			g->idem = optarg;
			break;
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
			/* a single value: a second one would silently win */
			if (c->optv[ch - G_CMDOPT] != NULL) {
				err("%s%soption '--%s' given twice", where, sep,
				    c->cmd->opts[ch - G_CMDOPT].name);
				goto restore;
			}
			c->optv[ch - G_CMDOPT] = optarg ? optarg : "";
			break;
		}
	}
	c->argc = argc - optind;
	c->argv = argv + optind;
	rc = 0;
restore:
	for (i = 1; i < (size_t)argc; i++)
		if (argv[i][0] == '\001')
			argv[i][0] = '-';
	free(lo);
	return rc;
}

/* ---- --idempotency-key ------------------------------------------------------ */

/* Append ARG to B as one shell word (quoted when it needs to be). */
static int
add_word(wf_buf *b, const char *arg)
{
	const char *p;
	int rc = wf_buf_addc(b, ' ');

	if (*arg && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789@%+=:,./_-") == strlen(arg))
		return rc | wf_buf_adds(b, arg);
	rc |= wf_buf_addc(b, '\'');
	for (p = arg; *p; p++)
		rc |= *p == '\'' ? wf_buf_adds(b, "'\\''") : wf_buf_addc(b, *p);
	return rc | wf_buf_addc(b, '\'');
}

/* The request a key stands for: the tool, the command and its arguments as
 * given (ARGV, after the command words), less the options that do not
 * change what it does: where the database is, who acts, how the output
 * looks, and the key itself. */
static int
request_text(wf_buf *b, const struct cli *c, int argc, char **argv)
{
	static const char *const skip[] = {
		"--db", "--actor", "--format", "--idempotency-key", NULL
	};
	int i, rc = wf_buf_adds(b, c->prog);

	if (*c->cmd->name)
		rc |= wf_buf_addf(b, " %s", c->cmd->name);
	for (i = 1; i < argc; i++) {
		const char *const *k;
		int skipped = 0;
		for (k = skip; *k && !skipped; k++) {
			size_t n = strlen(*k);
			if (strncmp(argv[i], *k, n) == 0 && argv[i][n] == '=')
				skipped = 1;
			else if (strcmp(argv[i], *k) == 0)
				skipped = 2;
		}
		if (skipped == 2 && !(strcmp(argv[i], "--actor") == 0 &&
		    cli_has_opt(c->cmd, "actor")))
			i++;            /* and its value */
		else if (!skipped)
			rc |= add_word(b, argv[i]);
	}
	if (c->keep_going)
		rc |= wf_buf_adds(b, " --keep-going");
	if (c->strict)
		rc |= wf_buf_adds(b, " --strict");
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* Copy stdin to a temporary file while taking its SHA-256, and read the
 * copy as stdin from here on: the input is part of what a key stands for. */
static int
digest_stdin(char hex[65])
{
	char buf[65536];
	wf_sha256 h;
	FILE *tmp;
	size_t n;

	if ((tmp = tmpfile()) == NULL)
		return wf_error_set(WF_EIO, "cannot create a temporary file: %s", strerror(errno));
	wf_sha256_init(&h);
	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
		wf_sha256_add(&h, buf, n);
		if (fwrite(buf, 1, n, tmp) != n) {
			fclose(tmp);
			return wf_error_set(WF_EIO, "temporary file: %s", strerror(errno));
		}
	}
	if (ferror(stdin) || fflush(tmp) != 0 || dup2(fileno(tmp), STDIN_FILENO) < 0 ||
	    lseek(STDIN_FILENO, 0, SEEK_SET) != 0) {
		fclose(tmp);
		return wf_error_set(WF_EIO, "stdin: %s", strerror(errno ? errno : EIO));
	}
	fclose(tmp);
	clearerr(stdin);
	wf_sha256_hex(&h, hex);
	return 0;
}

/* Print the first run's output again, through this run's writer. */
static int
replay(struct cli *c, const wf_buf *output)
{
	const char *p = wf_buf_str(output), *nl;
	int rc = 0;

	for (; *p && rc == 0; p = nl + 1) {
		cJSON *rec;
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if ((rc = wf_json_parse(p, (size_t)(nl - p), &rec)) == 0)
			rc = wf_out_emit(c->out, rec);
		if (*nl == '\0')
			break;
	}
	return rc;
}

/* Run the command under --idempotency-key KEY.  *status is set (>= 0) when
 * the result is a replay of the first run's. */
static int
run_keyed(struct cli *c, const char *key, int argc, char **argv, int *status)
{
	struct wf_idem_request r = { key, NULL, NULL };
	wf_buf req = {0}, out = {0}, msg = {0};
	char hex[65];
	int rc, again = 0;

	*status = -1;
	if ((rc = wf_idem_check_key(key)) != 0 || (rc = request_text(&req, c, argc, argv)) != 0)
		goto done;
	/* The input of a command that reads stdin (not a terminal, and not
	 * when operands were given instead) */
	if ((c->cmd->flags & (C_STDIN | C_INPUT)) && !isatty(STDIN_FILENO) &&
	    (c->argc == 0 || c->cmd->max == 0)) {
		if ((rc = digest_stdin(hex)) != 0)
			goto done;
		r.input_sha256 = hex;
	}
	r.command = wf_buf_str(&req);
	if ((rc = wf_idem_begin(c->db, &again, status, &out, &msg, &r)) != 0)
		goto done;
	if (again) {
		if ((rc = replay(c, &out)) == 0 && msg.len)
			wf_error_set(WF_EINTERNAL, "%s", msg.p);
		else if (rc == 0)
			wf_error_clear();
		goto done;
	}
	*status = -1;
	rc = c->cmd->run(c);
	rc = wf_idem_end(c->db, &r, rc);
done:
	wf_buf_free(&req);
	wf_buf_free(&out);
	wf_buf_free(&msg);
	return rc;
}

/* The width a table fits: the terminal's on standard output, else
 * $COLUMNS when set, else 0 (no limit: a table in a pipe is never cut). */
static size_t
terminal_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	long v;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (env && *env) {
		v = strtol(env, &end, 10);
		if (*end == '\0' && v >= 20 && v <= 10000)
			return (size_t)v;
	}
	return 0;
}

/* Flush what --help, --version or --commands printed: 0, or 6 with the
 * reason when it could not be written (a full disk must not look like
 * success). */
static int
stdout_done(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	err("write error: %s", strerror(errno ? errno : EIO));
	return 6;
}

int
cli_main(const char *prog, const char *summary, const struct cli_cmd *cmds,
    int argc, char **argv)
{
	struct globals g = { 0 };
	struct cli c;
	wf_format fmt;
	wf_buf path = {0}, actor = {0};
	const struct cli_opt *o;
	int first, used = 0, rc = 0, orc, i, sub_argc, replayed = -1;
	char **sub_argv = NULL, **given_argv = NULL;

	memset(&c, 0, sizeof c);
	prog_name = c.prog = prog;
	if ((first = take_globals(argc, argv, &g)) < 0)
		return 2;
	if (g.commands) {
		print_spec(prog, cmds);
		return stdout_done();
	}
	if (g.complete)
		return print_complete(&g, first < argc ? argv[first] : NULL);
	if (g.version) {
		printf("%s %s (schema %d, %s, cJSON %s)\n", prog, WF_VERSION,
		    wf_schema_version, wf_db_engine(), cJSON_Version());
		return stdout_done();
	}
	c.cmd = find_cmd(cmds, argc, argv, first, &used);
	if (c.cmd == NULL || (first >= argc && *c.cmd->name == '\0' && c.cmd->min > 0)) {
		if (g.help || first >= argc) {
			usage_all(g.help ? stdout : stderr, prog, summary, cmds);
			return g.help ? stdout_done() : 2;
		}
		err("unknown command '%s'; see '%s --help'", argv[first], prog);
		return 2;
	}
	if (first >= argc && *c.cmd->name == '\0' && g.help) {
		usage_all(stdout, prog, summary, cmds);
		return stdout_done();
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
	/* getopt_long permutes sub_argv; a key's request keeps the order given */
	if ((given_argv = calloc((size_t)sub_argc + 1, sizeof *given_argv)) == NULL) {
		err("out of memory");
		free(sub_argv);
		free(given_argv);
		return 10;
	}
	memcpy(given_argv, sub_argv, (size_t)sub_argc * sizeof *sub_argv);
	if (parse_cmd(&c, &g, sub_argc, sub_argv) != 0) {
		fputs("usage: ", stderr);
		cmd_synopsis(stderr, prog, c.cmd);
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return 2;
	}
	/* --dry-run, --keep-going, --strict given before the command */
	if ((((g.dry_run || g.idem) && !(c.cmd->flags & C_WRITE)) ||
	    ((g.keep_going || g.strict) && !(c.cmd->flags & C_STDIN)))) {
		err("%s: %s does not apply to this command",
		    *c.cmd->name ? c.cmd->name : prog,
		    g.dry_run && !(c.cmd->flags & C_WRITE) ? "--dry-run" :
		    g.idem && !(c.cmd->flags & C_WRITE) ? "--idempotency-key" :
		    g.keep_going ? "--keep-going" : "--strict");
		fputs("usage: ", stderr);
		cmd_synopsis(stderr, prog, c.cmd);
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return 2;
	}
	c.dry_run |= g.dry_run;
	c.keep_going |= g.keep_going;
	c.strict |= g.strict;
	/* --db "" used to fall back to $WF_DB or the default database */
	if ((g.db && *g.db == '\0') || (g.actor && *g.actor == '\0')) {
		err("%s: %s must not be empty", *c.cmd->name ? c.cmd->name : prog,
		    g.db && *g.db == '\0' ? "--db" : "--actor");
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return 2;
	}
	if (g.help) {
		usage_cmd(stdout, prog, c.cmd);
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return stdout_done();
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
		free(given_argv);
		free(c.optv);
		return 2;
	}
	for (i = 0, o = c.cmd->opts; o && o->name; o++, i++)
		if ((o->flags & O_REQ) && c.optv[i] == NULL) {
			err("%s: --%s is required", c.cmd->name, o->name);
			fputs("usage: ", stderr);
			cmd_synopsis(stderr, prog, c.cmd);
			free(sub_argv);
			free(given_argv);
			free(c.optv);
			return 2;
		}
	if (g.format) {
		if (wf_format_parse(g.format, &fmt) != 0) {
			err("%s", wf_error_msg());
			free(sub_argv);
			free(given_argv);
			free(c.optv);
			return 2;
		}
	} else
		fmt = wf_format_default(stdout);
	if (wf_out_new(&c.out, stdout, fmt) != 0) {
		err("%s", wf_error_msg());
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return 10;
	}
	{
		size_t n = strlen(c.cmd->name);
		/* show commands print their record as field: value lines in a
		 * table, and its lists of objects as blocks of their own in CSV
		 * and TSV (JSON lines are as they are) */
		if (n >= 4 && strcmp(c.cmd->name + n - 4, "show") == 0)
			wf_out_vertical(c.out, 1);
	}
	if (fmt == WF_FMT_TABLE)
		wf_out_width(c.out, terminal_width());
	if (!(c.cmd->flags & C_NODB)) {
		if ((rc = wf_db_path(&path, g.db)) != 0 ||
		    (rc = wf_db_open(&c.db, wf_buf_str(&path),
		    ((c.cmd->flags & C_CREATE) ? WF_DB_CREATE : 0) |
		    (wf_db_path_is_default(g.db) ? WF_DB_PARENTS : 0) |
		    (c.dry_run ? WF_DB_DRYRUN : 0))) != 0 ||
		    (rc = wf_actor_resolve(&actor, g.actor)) != 0 ||
		    (rc = wf_db_set_actor(c.db, wf_buf_str(&actor))) != 0)
			goto done;
		wf_db_set_dry_run(c.db, c.dry_run);
		wf_db_set_out(c.db, c.out);
	} else if (g.db) {
		/* commands without a database still accept --db for uniformity */
	}
	/* A command that reads only its input, run at a terminal, would wait
	 * in silence: say what it is waiting for. */
	if (isatty(STDIN_FILENO) && c.argc == 0 &&
	    (((c.cmd->flags & C_STDIN) && c.cmd->max == 0) || (c.cmd->flags & C_INPUT)))
		err("reading %s from the terminal; end with Ctrl-D (see %s(1))",
		    (c.cmd->flags & C_STDIN) ? "JSON lines" : "lines", prog);
	wf_error_clear();
	if (g.idem)
		rc = run_keyed(&c, g.idem, sub_argc, given_argv, &replayed);
	else
		rc = c.cmd->run(&c);
	/* A command that reads no records from stdin has only its arguments
	 * as input: a bad value among them is a usage error (exit 2), not bad
	 * input data (3). */
	if (rc == WF_EINPUT && !(c.cmd->flags & (C_STDIN | C_INPUT)))
		rc = wf_error_set(WF_EUSAGE, "%s", wf_error_msg());
done:
	orc = wf_out_finish(c.out);
	if (rc == 0 && orc != 0)
		rc = orc;
	if (rc != 0 && *wf_error_msg()) {
		/* The change is in the database but the caller cannot see it: a
		 * script that retries must know not to book it twice. */
		if (c.db && wf_db_committed(c.db) && wf_exit_code(rc) == 6)
			err("committed, but the output could not be written: %s; "
			    "do not run it again (or retry with the same --idempotency-key)",
			    wf_error_msg());
		else
			err("%s", wf_error_msg());
	}
	if (replayed >= 0) {
		/* a retry: the first run's output and message, and its status */
		if (rc == 0 && *wf_error_msg())
			err("%s", wf_error_msg());
		wf_out_free(c.out);
		wf_db_close(c.db);
		wf_buf_free(&path);
		wf_buf_free(&actor);
		free(sub_argv);
		free(given_argv);
		free(c.optv);
		return rc == 0 ? replayed : wf_exit_code(rc);
	}
	if (c.dry_run && rc == 0)
		err("dry run: nothing was written");
	wf_out_free(c.out);
	wf_db_close(c.db);
	wf_buf_free(&path);
	wf_buf_free(&actor);
	free(sub_argv);
	free(given_argv);
	free(c.optv);
	return wf_exit_code(rc);
}
