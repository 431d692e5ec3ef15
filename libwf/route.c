/* route.c - routing orders: wf_route_run takes the orders from their source
 * (REFs, order lines on stdin, or with --new every new and unroutable
 * order) in chunks, inside its transactions, and has each decided
 * (route_decide.c) and, with --apply, applied (route_apply.c).
 *
 * reads: orders
 */
#include <stdlib.h>
#include <string.h>

#include "route_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_text.h"
#include "wf_time.h"

/* Where the orders come from. */
struct source {
	int     kind;            /* SRC_REFS, SRC_FILE, SRC_DEFAULT */
	char *const *refs;
	size_t  nrefs, next;
	FILE   *tmp;
	int     phase;           /* default: 0 held as unroutable, 1 new */
	char    placed[WF_TIME_LEN];
	int64_t last_id;
};

enum { SRC_REFS, SRC_FILE, SRC_DEFAULT };

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- one order ----------------------------------------------------------------------- */

/* Whether order ID was decided before in this run (and remember it). */
static int
seen_before(struct run *r, int64_t id, int *seen)
{
	size_t j;

	*seen = 0;
	if ((r->nseen + 1) * 2 > r->capseen) {
		size_t cap = r->capseen ? 2 * r->capseen : 1024, i;
		int64_t *p = calloc(cap, sizeof *p);
		if (p == NULL)
			return oom();
		for (i = 0; i < r->capseen; i++) {
			if (r->seen[i] == 0)
				continue;
			for (j = ((uint64_t)r->seen[i] * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1); p[j];
			    j = (j + 1) & (cap - 1))
				;
			p[j] = r->seen[i];
		}
		free(r->seen);
		r->seen = p;
		r->capseen = cap;
	}
	for (j = ((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & (r->capseen - 1); r->seen[j];
	    j = (j + 1) & (r->capseen - 1))
		if (r->seen[j] == id) {
			*seen = 1;
			return 0;
		}
	r->seen[j] = id;
	r->nseen++;
	return 0;
}

static int
route_one(struct run *r, const struct key *k)
{
	struct decision *d = &r->d;
	char ex[WF_EXCEPTION_KEYLEN];
	int rc, dup = 0;

	if ((rc = wf_route_load_order(r, k)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown order '%s'", k->ref);
	if (r->dedupe && (rc = seen_before(r, r->ord.id, &dup)) != 0)
		return rc;
	d->nlegs = 0;
	d->reasons = 0;
	r->ncand = 0;
	if (!dup && r->o->promise && wf_route_promised(&r->ord))
		wf_strlcpy(d->skip, "promised", sizeof d->skip);
	else if (!dup && wf_route_eligible(&r->ord, d->skip))
		d->skip[0] = '\0';
	if (dup || d->skip[0]) {
		if (dup)
			wf_strlcpy(d->skip, "duplicate", sizeof d->skip);
		d->result = "skipped";
		return wf_route_emit(r, NULL);
	}
	if ((rc = wf_route_decide(r)) != 0)
		return rc;
	if (strcmp(d->result, "unroutable") != 0) {
		if (r->o->promise)
			d->result = "promised";
		/* emitted before the stock it takes leaves the cache: the
		 * explanation is of the stock it was decided on */
		if ((r->o->apply && (rc = wf_route_apply_routed(r)) != 0) ||
		    (rc = wf_route_emit(r, NULL)) != 0)
			return rc;
		wf_route_take(r);
		return 0;
	}
	/* its promise stands: the units it was promised are not for others */
	wf_route_own_undo(r);
	if (r->o->apply) {
		if ((rc = wf_route_apply_unroutable(r, ex)) != 0)
			return rc;
		return wf_route_emit(r, ex);
	}
	return wf_route_emit(r, NULL);
}

/* ---- sources ------------------------------------------------------------------------- */

/* Up to N keys from S into R->batch; *got receives how many. */
static int
source_next(struct run *r, struct source *s, size_t n, size_t *got)
{
	static const char held[] =
	    "SELECT id, ref, placed_at FROM orders WHERE state = 'on_hold'"
	    " AND placed_at >= ?1 AND (placed_at > ?1 OR id > ?2)"
	    " AND hold_reason GLOB ?4 || '*' AND held_from IN ('new','promised')"
	    " ORDER BY placed_at, id LIMIT ?3";
	static const char fresh[] =
	    "SELECT id, ref, placed_at FROM orders WHERE state = 'new'"
	    " AND placed_at >= ?1 AND (placed_at > ?1 OR id > ?2)"
	    " ORDER BY placed_at, id LIMIT ?3";
	wf_stmt *st;
	int rc;

	*got = 0;
	if (s->kind == SRC_REFS) {
		while (*got < n && s->next < s->nrefs) {
			r->batch[*got].id = 0;
			wf_strlcpy(r->batch[(*got)++].ref, s->refs[s->next++], sizeof r->batch->ref);
		}
		return 0;
	}
	if (s->kind == SRC_FILE) {
		/* a key is at most 167 bytes (read_input): it fits, with its
		 * newline, and a line longer than that is not one of ours */
		char line[sizeof r->batch->ref + 2];
		while (*got < n && fgets(line, sizeof line, s->tmp)) {
			size_t len = strcspn(line, "\n");
			if (line[len] != '\n')
				return wf_error_set(WF_EINTERNAL, "the order list holds a key past %zu bytes",
				    sizeof r->batch->ref - 1);
			line[len] = '\0';
			r->batch[*got].id = 0;
			wf_strlcpy(r->batch[(*got)++].ref, line, sizeof r->batch->ref);
		}
		return ferror(s->tmp) ? wf_error_set(WF_EIO, "reading the order list back failed") : 0;
	}
	while (*got == 0 && s->phase < 2) {
		if ((rc = wf_db_stmt(r->db, &st, s->phase == 0 ? held : fresh)) != 0)
			return rc;
		wf_bind_text(st, 1, s->placed);
		wf_bind_int(st, 2, s->last_id);
		wf_bind_int(st, 3, (int64_t)n);
		if (s->phase == 0)
			wf_bind_text(st, 4, WF_EX_UNROUTABLE);
		while ((rc = wf_db_step(r->db, st)) == 1) {
			r->batch[*got].id = wf_col_int(st, 0);
			wf_strlcpy(r->batch[(*got)++].ref, wf_col_text(st, 1), sizeof r->batch->ref);
			wf_strlcpy(s->placed, wf_col_text(st, 2), sizeof s->placed);
			s->last_id = wf_col_int(st, 0);
		}
		if (rc < 0)
			return rc;
		if (*got == 0) {
			s->phase++;
			s->placed[0] = '\0';
			s->last_id = 0;
		}
	}
	return 0;
}

static int
order_exists(wf_db *db, const char *ref)
{
	static const char sql[] = "SELECT 1 FROM orders WHERE ref = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	if ((rc = wf_db_step(db, st)) == 1)
		wf_stmt_reset(st);
	return rc;
}

/* Read the input lines before routing anything, so a bad line stops the run
 * before it changes a thing: the order keys go to a temporary file.
 * *orders: the keys written there. */
static int
read_input(wf_db *db, const struct wf_route_opts *o, struct source *s, long long *orders,
    long long *bad)
{
	wf_jsonl *jr;
	cJSON *obj;
	int rc = 0, lrc;

	*orders = *bad = 0;
	if ((s->tmp = tmpfile()) == NULL)
		return wf_error_set(WF_EIO, "cannot create a temporary file");
	if ((rc = wf_jsonl_open(&jr, o->in, o->in_name ? o->in_name : "stdin", 0)) != 0)
		return rc;
	while ((lrc = wf_jsonl_read(jr, &obj)) != 0) {
		wf_jloc at = WF_JLOC_ROOT(wf_jsonl_name(jr), wf_jsonl_lineno(jr));
		const char *ref = NULL;

		if (lrc > 0) {
			lrc = wf_jget_str(&at, obj, "order", WF_J_NONEMPTY | (o->strict ? WF_J_REQ : 0),
			    167, &ref);
			if (lrc == 0 && wf_text_check("order", ref, 167) != 0)
				lrc = wf_jerr(&at, "order", "not an order key");
			if (lrc == 0) {
				int e = order_exists(db, ref);
				if (e < 0)
					lrc = e;
				else if (e == 0) {
					wf_jerr(&at, "order", "unknown order '%s'", ref);
					lrc = wf_error_set(WF_ENOTFOUND, "%s", wf_error_msg());
				} else if (fprintf(s->tmp, "%s\n", ref) < 0)
					lrc = wf_error_set(WF_EIO, "cannot write a temporary file");
				else
					(*orders)++;
			}
			if (lrc > 0)
				lrc = 0;        /* no order key: not an order line */
			cJSON_Delete(obj);
		}
		if (lrc < 0) {
			if (!o->keep_going || !wf_batch_line_error(lrc)) {
				rc = lrc;
				if (wf_batch_line_error(rc))
					wf_error_set(rc, "%s (nothing applied)", wf_error_msg());
				break;
			}
			(*bad)++;
			if (o->report)
				o->report(o->report_ctx, lrc, wf_error_msg());
		}
	}
	wf_jsonl_close(jr);
	if (rc == 0 && (fflush(s->tmp) != 0 || fseek(s->tmp, 0, SEEK_SET) != 0))
		rc = wf_error_set(WF_EIO, "cannot read a temporary file back");
	return rc;
}

/* ---- the run ------------------------------------------------------------------------- */

/* Route the next chunk of orders.  There is no savepoint per order: an
 * order that cannot be applied is a failure of the database or of this
 * code (the decision was made under the write lock), it stops the run and
 * rolls back the whole transaction, so an order is still applied whole or
 * not at all, and a savepoint's statement journal would cost every order.
 *
 * A transaction takes chunks until it has held the write lock for
 * WF_ROUTE_HOLD_MS: each commit writes every page the orders touched to
 * the WAL and syncs it, and at 500 orders a commit that was half of the
 * run's time (bench/README.md).  A quarter of a second keeps another
 * writer's wait far below the busy timeout. */
static int
chunk(struct run *r, struct source *s, size_t n, size_t *done)
{
	size_t i;
	int rc;

	if ((rc = source_next(r, s, n, done)) != 0)
		return rc;
	for (i = 0; i < *done; i++)
		if ((rc = route_one(r, &r->batch[i])) != 0)
			return rc;
	return 0;
}

static int
run_orders(struct run *r, struct source *s)
{
	size_t n = r->o->chunk ? r->o->chunk : WF_ROUTE_CHUNK, done;
	int rc, whole = !r->o->apply || wf_db_dry_run(r->db), fresh = 1;
	int64_t began, hold = r->o->hold_ms ? r->o->hold_ms : WF_ROUTE_HOLD_MS;

	if ((r->batch = calloc(n, sizeof *r->batch)) == NULL)
		return oom();
	/* a plan reads one snapshot; a dry run is one transaction, rolled back */
	if ((rc = r->o->apply ? wf_tx_begin(r->db) : wf_tx_begin_read(r->db)) != 0)
		return rc;
	began = wf_time_mono_ms();
	for (;;) {
		/* nobody else can write while this transaction holds the lock */
		if (fresh && (rc = wf_route_refresh(r)) != 0)
			break;
		fresh = 0;
		if ((rc = chunk(r, s, n, &done)) != 0 || done == 0)
			break;
		if (whole || wf_time_mono_ms() - began < hold)
			continue;
		/* commit, give a waiting writer its turn, and take the lock again
		 * for the next chunks */
		if ((rc = wf_route_block_flush(r, 0)) != 0)
			break;
		if ((rc = wf_tx_commit(r->db)) != 0)
			return rc;
		wf_db_yield(r->db);
		if ((rc = wf_tx_begin(r->db)) != 0)
			return rc;
		began = wf_time_mono_ms();
		fresh = 1;
	}
	if (rc == 0)
		rc = wf_route_block_flush(r, 1);
	if (rc != 0) {
		if (r->o->apply)
			wf_tx_rollback(r->db);
		else
			wf_tx_end_read(r->db);
		return rc;
	}
	return r->o->apply ? wf_tx_commit(r->db) : wf_tx_end_read(r->db);
}

int
wf_route_run(wf_db *db, const struct wf_route_opts *opts, wf_out *out)
{
	struct wf_route_opts po;
	const struct wf_route_opts *o = opts;
	struct source s;
	struct run r;
	long long orders = 0, bad = 0;
	size_t i;
	int rc;

	if (opts->promise && (opts->apply || opts->split))
		return wf_error_set(WF_EUSAGE, "--promise records promises: not with %s",
		    opts->apply ? "--apply (which reserves)" : "--split (a promise is one warehouse)");
	if (opts->promise) {
		/* written as --apply writes */
		po = *opts;
		po.apply = 1;
		o = &po;
	}

	if (o->nrefs > 0 && o->new_orders)
		return wf_error_set(WF_EUSAGE, "--new routes every new order: give it no REF");
	if (o->nrefs == 0 && !o->new_orders && o->in == NULL)
		return wf_error_set(WF_EUSAGE, "no orders to route: give REFs, order lines on "
		    "stdin, or --new to route every new order");
	memset(&r, 0, sizeof r);
	memset(&s, 0, sizeof s);
	r.db = db;
	r.out = out;
	r.o = o;
	r.now = wf_db_now(db);
	/* A larger page cache keeps the ledger's and the orders' hot pages
	 * across chunks, and checkpoints come less often: each copies every
	 * page the WAL holds back into the database (bench/README.md). */
	if (o->apply && ((rc = wf_db_exec(db, "PRAGMA cache_size = -65536")) != 0 ||
	    (rc = wf_db_exec(db, "PRAGMA wal_autocheckpoint = " WF_ROUTE_CHECKPOINT)) != 0))
		return rc;
	if (o->nrefs > 0) {
		for (i = 0; i < o->nrefs; i++)
			if ((rc = order_exists(db, o->refs[i])) != 1)
				return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown order '%s'",
				    o->refs[i]);
		s.kind = SRC_REFS;
		s.refs = o->refs;
		s.nrefs = o->nrefs;
		r.dedupe = 1;
	} else if (o->new_orders)
		s.kind = SRC_DEFAULT;
	else {
		/* the input is the list, however short: no line routes nothing */
		if ((rc = read_input(db, o, &s, &orders, &bad)) != 0) {
			if (s.tmp)
				fclose(s.tmp);
			return rc;
		}
		s.kind = SRC_FILE;
		r.dedupe = 1;
		if (orders == 0 && bad == 0 && o->note)
			o->note(o->note_ctx, 0, "no order lines on stdin: nothing to route "
			    "(--new routes every new order)");
	}
	/* the SKUs' bins, read once in the run and kept while no other
	 * connection writes (wf_route_refresh syncs it after each BEGIN) */
	rc = (r.stock = wf_stock_cache_new()) == NULL ? oom() : run_orders(&r, &s);
	if (s.tmp)
		fclose(s.tmp);
	wf_route_free(&r);
	if (rc == 0 && bad > 0)
		return wf_error_set(WF_EINPUT, "%lld bad line%s skipped", bad, bad == 1 ? "" : "s");
	return rc;
}
