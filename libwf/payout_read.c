/*
 * payout_read.c - payouts and their lines read back: the rows, the
 * records tools print, what a payout's lines add up to, and list, show and
 * lines.
 *
 * reads: payout, payout_line
 *
 * payout.c writes both tables; what it needs to read them, and what
 * wf-reconcile prints, is here, so that the two agree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payout_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_payout.h"
#include "wf_state.h"
#include "wf_time.h"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* What a table shows of a payout and of a line. */
static const char *const payout_columns[] = {
	"payout", "state", "amount", "currency", "arrival", "lines", "difference", NULL
};
static const char *const line_columns[] = {
	"payout", "provider_id", "category", "order", "gross", "fee", "net", "currency",
	"posted_at", NULL
};

/* ---- rows -------------------------------------------------------------------------- */



static void
payout_from(wf_stmt *st, struct payout_row *p)
{
	memset(p, 0, sizeof *p);
	p->id = wf_col_int(st, 0);
	wf_strlcpy(p->ref, wf_col_text(st, 1), sizeof p->ref);
	wf_strlcpy(p->provider, wf_col_text(st, 2), sizeof p->provider);
	wf_strlcpy(p->external_id, wf_col_text(st, 3), sizeof p->external_id);
	wf_strlcpy(p->state, wf_col_text(st, 4), sizeof p->state);
	wf_strlcpy(p->currency, wf_col_text(st, 5), sizeof p->currency);
	p->has_amount = !wf_col_null(st, 6);
	p->amount = wf_col_int(st, 6);
	wf_strlcpy(p->arrival, wf_col_text(st, 7), sizeof p->arrival);
	p->has_status = !wf_col_null(st, 8);
	wf_strlcpy(p->status, wf_col_text(st, 8), sizeof p->status);
	p->has_description = !wf_col_null(st, 9);
	wf_strlcpy(p->description, wf_col_text(st, 9), sizeof p->description);
}

/* Step ST (bound) for at most one payout row: *found 1 or 0. */
static int
payout_step(wf_db *db, wf_stmt *st, struct payout_row *p, int *found)
{
	int rc = wf_db_step(db, st);

	if (rc < 0)
		return rc;
	*found = rc == 1;
	if (rc == 1) {
		payout_from(st, p);
		wf_stmt_reset(st);
	}
	return 0;
}

int
wf_payout_row_by_key(wf_db *db, const char *provider, const char *external_id,
    struct payout_row *p, int *found)
{
	static const char sql[] = "SELECT " PAYOUT_COLS " WHERE provider = ?1 AND external_id = ?2";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, provider);
	wf_bind_text(st, 2, external_id);
	return payout_step(db, st, p, found);
}

int
wf_payout_row_by_ref(wf_db *db, const char *ref, struct payout_row *p, int *found)
{
	static const char sql[] = "SELECT " PAYOUT_COLS " WHERE ref = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	return payout_step(db, st, p, found);
}

int
wf_payout_row_by_id(wf_db *db, int64_t id, struct payout_row *p, int *found)
{
	static const char sql[] = "SELECT " PAYOUT_COLS " WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	return payout_step(db, st, p, found);
}

/* A line as stored, with room for its strings. */


/* The current row of ST as a line; its strings point into ST's row. */
static void
line_from(wf_stmt *st, struct wf_payout_line_row *l)
{
	memset(l, 0, sizeof *l);
	l->id = wf_col_int(st, 0);
	l->payout_id = wf_col_int(st, 1);
	l->payout = wf_col_str(st, 2);
	l->provider = wf_col_text(st, 3);
	l->provider_id = wf_col_text(st, 4);
	l->category = wf_col_text(st, 5);
	l->provider_type = wf_col_str(st, 6);
	l->status = wf_col_str(st, 7);
	l->unmapped = wf_col_int(st, 8) != 0;
	l->is_payout = wf_col_int(st, 9) != 0;
	l->net_differs = wf_col_int(st, 10) != 0;
	l->currency = wf_col_text(st, 11);
	l->gross = wf_col_int(st, 12);
	l->fee = wf_col_int(st, 13);
	l->net = wf_col_int(st, 14);
	l->provider_order = wf_col_str(st, 15);
	l->order_ref = wf_col_str(st, 16);
	l->payment_id = wf_col_str(st, 17);
	l->description = wf_col_str(st, 18);
	l->order_id = wf_col_int(st, 19);
	if (wf_time_parse(wf_col_text(st, 20), &l->posted_at) != 0)
		l->posted_at = 0;
	l->has_available = !wf_col_null(st, 21) &&
	    wf_time_parse(wf_col_text(st, 21), &l->available_at) == 0;
}

/* Copy S into BUF (size N) and return BUF, or NULL for NULL. */
static const char *
keep(char *buf, size_t n, const char *s)
{
	if (s == NULL)
		return NULL;
	wf_strlcpy(buf, s, n);
	return buf;
}

/* The line in ST's row, copied into L's own storage. */
void
wf_payout_line_copy(wf_stmt *st, struct line_row *l)
{
	struct wf_payout_line_row *r = &l->r;

	line_from(st, r);
#define K(f) r->f = keep(l->f, sizeof l->f, r->f)
	K(payout); K(provider); K(provider_id); K(category); K(provider_type); K(status);
	K(currency); K(provider_order); K(order_ref); K(payment_id); K(description);
#undef K
}

/* Step ST (bound) for at most one line: *found 1 with L, or 0. */
static int
line_step(wf_db *db, wf_stmt *st, struct line_row *l, int *found)
{
	int rc = wf_db_step(db, st);

	if (rc < 0)
		return rc;
	*found = rc == 1;
	if (rc == 1) {
		wf_payout_line_copy(st, l);
		wf_stmt_reset(st);
	}
	return 0;
}

int
wf_payout_line_by_id(wf_db *db, int64_t id, struct line_row *l, int *found)
{
	static const char sql[] = "SELECT " LINE_COLS " WHERE l.id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	return line_step(db, st, l, found);
}

int
wf_payout_line_by_key(wf_db *db, const char *provider, const char *provider_id,
    struct line_row *l, int *found)
{
	static const char sql[] = "SELECT " LINE_COLS " WHERE l.provider = ?1 AND l.provider_id = ?2";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, provider);
	wf_bind_text(st, 2, provider_id);
	return line_step(db, st, l, found);
}

/* ---- records ----------------------------------------------------------------------- */

static int
add_money(cJSON *o, const char *key, int has, int64_t v, const char *currency)
{
	return has ? wf_jadd_money(o, key, v, currency) : wf_jadd_null(o, key);
}

static int
add_time(cJSON *o, const char *key, int has, int64_t t)
{
	return has ? wf_jadd_time(o, key, t) : wf_jadd_null(o, key);
}

int
wf_payout_sum(wf_db *db, struct wf_payout_sum *sum, int64_t id)
{
	static const char lines[] = "SELECT net, is_payout FROM payout_line WHERE payout_id = ?1";
	struct payout_row p;
	wf_stmt *st;
	int rc, found;

	memset(sum, 0, sizeof *sum);
	if ((rc = wf_payout_row_by_id(db, id, &p, &found)) != 0)
		return rc;
	if (!found)
		return wf_error_set(WF_ENOTFOUND, "no payout with id %lld", (long long)id);
	sum->has_amount = p.has_amount;
	sum->amount = p.amount;
	if ((rc = wf_db_stmt(db, &st, lines)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	while ((rc = wf_db_step(db, st)) == 1) {
		sum->lines++;
		if (wf_col_int(st, 1)) {
			sum->has_transfer = 1;
			sum->transfer = wf_col_int(st, 0);
			continue;
		}
		sum->summed++;
		if (wf_money_add(sum->net, wf_col_int(st, 0), &sum->net) != 0) {
			wf_stmt_reset(st);
			return wf_error_set(WF_EINPUT, "payout %s: its lines' net passes the "
			    "money limit", p.ref);
		}
	}
	if (rc < 0)
		return rc;
	sum->checkable = sum->has_amount && sum->summed > 0;
	if (sum->checkable && wf_money_add(sum->net, -sum->amount, &sum->difference) != 0)
		return wf_error_set(WF_EINPUT, "payout %s: its lines' net minus its amount passes "
		    "the money limit", p.ref);
	return 0;
}

/* The payout record: what cli.md promises, RESULT when given, then the
 * provider's own fields and what the lines add up to. */
cJSON *
wf_payout_record(const struct payout_row *p, const struct wf_payout_sum *s, const char *result)
{
	cJSON *o = wf_jrecord("payout");
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= wf_jadd_str(o, "payout", p->ref);
	rc |= wf_jadd_str(o, "state", p->state);
	rc |= add_money(o, "amount", p->has_amount, p->amount, p->currency);
	rc |= wf_jadd_str(o, "currency", p->currency);
	rc |= wf_jadd_str(o, "arrival", p->arrival[0] ? p->arrival : NULL);
	rc |= wf_jadd_int(o, "lines", s->lines);
	if (result)
		rc |= wf_jadd_str(o, "result", result);
	rc |= wf_jadd_str(o, "provider", p->provider);
	rc |= wf_jadd_str(o, "status", p->has_status ? p->status : NULL);
	rc |= wf_jadd_str(o, "description", p->has_description ? p->description : NULL);
	rc |= wf_jadd_money(o, "lines_net", s->net, p->currency);
	rc |= add_money(o, "difference", s->checkable, s->difference, p->currency);
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* A line's fields; with TYPE, as a record (else as event data). */
cJSON *
wf_payout_line_json(const struct wf_payout_line_row *l, int type, const char *result)
{
	cJSON *o = type ? wf_jrecord("payout_line") : cJSON_CreateObject();
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= wf_jadd_str(o, "payout", l->payout);
	rc |= wf_jadd_str(o, "provider_id", l->provider_id);
	rc |= wf_jadd_str(o, "category", l->category);
	rc |= wf_jadd_str(o, "order", l->order_ref);
	rc |= wf_jadd_money(o, "gross", l->gross, l->currency);
	rc |= wf_jadd_money(o, "fee", l->fee, l->currency);
	rc |= wf_jadd_money(o, "net", l->net, l->currency);
	rc |= wf_jadd_str(o, "currency", l->currency);
	rc |= wf_jadd_time(o, "posted_at", l->posted_at);
	rc |= add_time(o, "available_at", l->has_available, l->available_at);
	rc |= wf_jadd_str(o, "provider", l->provider);
	rc |= wf_jadd_str(o, "provider_type", l->provider_type);
	rc |= wf_jadd_str(o, "status", l->status);
	rc |= wf_jadd_str(o, "provider_order", l->provider_order);
	rc |= wf_jadd_str(o, "payment_id", l->payment_id);
	rc |= wf_jadd_str(o, "description", l->description);
	rc |= wf_jadd_bool(o, "is_payout", l->is_payout);
	rc |= wf_jadd_bool(o, "net_differs", l->net_differs);
	rc |= wf_jadd_bool(o, "unmapped", l->unmapped);
	if (result)
		rc |= wf_jadd_str(o, "result", result);
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
wf_payout_emit(wf_db *db, wf_out *out, const struct payout_row *p, const char *result)
{
	struct wf_payout_sum s;
	cJSON *o;
	int rc;

	if ((rc = wf_payout_sum(db, &s, p->id)) != 0)
		return rc;
	if ((o = wf_payout_record(p, &s, result)) == NULL)
		return oom();
	return wf_out_emit(out, o);
}

/* ---- reading -------------------------------------------------------------------------- */

int
wf_payout_find(wf_db *db, struct wf_payout_info *info, int *found, const char *ref)
{
	struct payout_row p;
	int rc;

	memset(info, 0, sizeof *info);
	if ((rc = wf_payout_row_by_ref(db, ref, &p, found)) != 0 || !*found)
		return rc;
	info->id = p.id;
	wf_strlcpy(info->ref, p.ref, sizeof info->ref);
	wf_strlcpy(info->provider, p.provider, sizeof info->provider);
	wf_strlcpy(info->state, p.state, sizeof info->state);
	memcpy(info->currency, p.currency, sizeof info->currency);
	info->has_amount = p.has_amount;
	info->amount = p.amount;
	wf_strlcpy(info->arrival, p.arrival, sizeof info->arrival);
	return 0;
}

int
wf_payout_list(wf_db *db, const struct wf_payout_query *q, wf_out *out)
{
	static const char sql[] = "SELECT " PAYOUT_COLS
	    " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR provider = ?2)"
	    " ORDER BY arrival DESC, id DESC";
	struct payout_row *rows = NULL;
	size_t n = 0, cap = 0, i;
	wf_stmt *st;
	int rc;

	if (q->state && !wf_state_valid(wf_machine_find("payout"), q->state))
		return wf_error_set(WF_EUSAGE, "--state: expected imported, matched, reconciled "
		    "or mismatch, got '%.32s'", q->state);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, q->state);
	wf_bind_text(st, 2, q->provider);
	/* read them all first: each record sums its lines with other statements */
	while ((rc = wf_db_step(db, st)) == 1) {
		if (n == cap) {
			struct payout_row *r;
			cap = cap ? cap * 2 : 16;
			if ((r = realloc(rows, cap * sizeof *r)) == NULL) {
				wf_stmt_reset(st);
				free(rows);
				return oom();
			}
			rows = r;
		}
		payout_from(st, &rows[n++]);
	}
	wf_out_columns(out, "payout", payout_columns);
	for (i = 0; rc == 0 && i < n; i++)
		rc = wf_payout_emit(db, out, &rows[i], NULL);
	free(rows);
	return rc < 0 ? rc : 0;
}

int
wf_payout_line_each(wf_db *db, const struct wf_payout_line_query *q,
    wf_payout_line_fn fn, void *arg)
{
	static const char by_payout[] = "SELECT " LINE_COLS
	    " WHERE l.payout_id = ?1 AND (?2 IS NULL OR l.category = ?2)"
	    " AND (?3 IS NULL OR l.order_ref = ?3) ORDER BY l.posted_at, l.id";
	static const char by_order[] = "SELECT " LINE_COLS
	    " WHERE l.order_ref = ?3 AND (?2 IS NULL OR l.category = ?2)"
	    " AND (?4 IS NULL OR l.provider = ?4) AND (?5 = 0 OR l.payout_id IS NULL)"
	    " ORDER BY l.posted_at, l.id";
	static const char any[] = "SELECT " LINE_COLS
	    " WHERE (?2 IS NULL OR l.category = ?2) AND (?4 IS NULL OR l.provider = ?4)"
	    " AND (?5 = 0 OR l.payout_id IS NULL) ORDER BY l.posted_at, l.id";
	struct wf_payout_line_row l;
	struct payout_row p;
	wf_stmt *st;
	size_t i;
	int rc, found = 0;

	if (q->category) {
		for (i = 0; wf_payout_categories[i] && strcmp(wf_payout_categories[i], q->category);
		    i++)
			;
		if (wf_payout_categories[i] == NULL)
			return wf_error_set(WF_EUSAGE, "--category: expected one of charge, refund, "
			    "fee, dispute, dispute_reversal, adjustment, reserve_hold, "
			    "reserve_release, transfer, other; got '%.32s'", q->category);
	}
	if (q->payout) {
		if ((rc = wf_payout_row_by_ref(db, q->payout, &p, &found)) != 0)
			return rc;
		if (!found)
			return wf_error_set(WF_ENOTFOUND, "unknown payout '%s'", q->payout);
		if (q->unassigned || (q->provider && strcmp(q->provider, p.provider) != 0))
			return 0;
	}
	if ((rc = wf_db_stmt(db, &st, q->payout ? by_payout : q->order ? by_order : any)) != 0)
		return rc;
	if (q->payout)
		wf_bind_int(st, 1, p.id);
	wf_bind_text(st, 2, q->category);
	wf_bind_text(st, 3, q->order);
	if (!q->payout) {
		wf_bind_text(st, 4, q->provider);
		wf_bind_int(st, 5, q->unassigned != 0);
	}
	while ((rc = wf_db_step(db, st)) == 1) {
		line_from(st, &l);
		if ((rc = fn(arg, &l)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

static int
emit_line(void *out, const struct wf_payout_line_row *l)
{
	cJSON *o = wf_payout_line_json(l, 1, NULL);

	return o ? wf_out_emit(out, o) : oom();
}

int
wf_payout_lines(wf_db *db, const struct wf_payout_line_query *q, wf_out *out)
{
	wf_out_columns(out, "payout_line", line_columns);
	return wf_payout_line_each(db, q, emit_line, out);
}

int
wf_payout_show(wf_db *db, const char *ref, wf_out *out)
{
	struct wf_payout_line_query q;
	struct payout_row p;
	int rc, found;

	if ((rc = wf_payout_row_by_ref(db, ref, &p, &found)) != 0)
		return rc;
	if (!found)
		return wf_error_set(WF_ENOTFOUND, "unknown payout '%s'", ref);
	wf_out_columns(out, "payout", payout_columns);
	if ((rc = wf_payout_emit(db, out, &p, NULL)) != 0)
		return rc;
	memset(&q, 0, sizeof q);
	q.payout = ref;
	return wf_payout_lines(db, &q, out);
}

