/* route_block.c - what blocks unroutable orders, and their exceptions: one
 * "unroutable" exception per SKU and warehouse that blocks orders (subject
 * "sku SKU@WH"), per warehouse and reason that is not a SKU's stock
 * ("warehouse WH@no_capacity", "@no_service", "@late"), per SKU the
 * catalogue does not know ("sku SKU") and one for no warehouse at all
 * ("warehouse *@no_warehouse") -- never one per order.
 *
 * What blocks an order.  The warehouse closest to shipping it: the
 * candidate with the fewest failed checks, then the easiest to fix (a late
 * promise, then stock, then capacity, then a service), then the one the
 * policy ranks first, then the first in warehouse-code order.  When stock
 * is what fails there, each SKU it is short of at that warehouse blocks it;
 * else that warehouse and reason.
 *
 * route_block keeps which held order is blocked by what (its rows are
 * replaced each time routing decides the order, and go when it routes), so
 * an exception is worked out again from the orders it blocks that are still
 * on hold as unroutable: its evidence lists the first 20 (placed first) and
 * counts the rest, its impact counts every order, unit and the money.
 * Rows of orders that left the hold some other way (cancelled, released
 * by hand) are read past; `wf-alert scan --kind order` deletes them once
 * it has resolved what they fed (wf_route_blocked_prune), and routing
 * replaces them when it decides the order again.
 *
 * owns: route_block
 * reads: orders, balance, bin, warehouse, sku
 */
#include <stdlib.h>
#include <string.h>

#include "route_priv.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_promise.h"
#include "wf_time.h"

#define LISTED 20            /* orders an exception's evidence names */

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- what blocks one order -------------------------------------------------- */

static int
nfails(unsigned f)
{
	int n = 0;

	for (; f; f &= f - 1)
		n++;
	return n;
}

/* How easy the first problem of F is to fix: 0 a late promise alone, 1
 * stock, 2 capacity, 3 a service. */
static int
ease(unsigned f)
{
	return f == WF_ROUTE_LATE ? 0 : f & WF_ROUTE_NO_STOCK ? 1 :
	    f & WF_ROUTE_NO_CAPACITY ? 2 : 3;
}

static const char *
ease_reason(int e)
{
	static const char *const names[] = { "late", "no_stock", "no_capacity", "no_service" };

	return names[e];
}

/* Whether candidate A is closer to shipping the order than B. */
static int
closer(const struct run *r, const struct cand *a, const struct cand *b)
{
	struct wf_route_score sa, sb;

	if (nfails(a->fails) != nfails(b->fails))
		return nfails(a->fails) < nfails(b->fails);
	if (ease(a->fails) != ease(b->fails))
		return ease(a->fails) < ease(b->fails);
	if (a->s < 0 || b->s < 0 || a->day < 0 || b->day < 0)
		return 0;
	sa = wf_route_score_of(r, a);
	sb = wf_route_score_of(r, b);
	return wf_route_cmp(r->o->policy, &sa, &sb) < 0;
}

static int
add_block(struct run *r, const char *stype, const char *reason, const char *sku,
    const char *wh, int64_t qty)
{
	struct block *b;

	if (r->nblocks == r->capblocks) {
		size_t cap = r->capblocks ? 2 * r->capblocks : 8;
		struct block *p = realloc(r->blocks, cap * sizeof *p);
		if (p == NULL)
			return oom();
		r->blocks = p;
		r->capblocks = cap;
	}
	b = &r->blocks[r->nblocks++];
	memset(b, 0, sizeof *b);
	wf_strlcpy(b->stype, stype, sizeof b->stype);
	b->reason = reason;
	if (sku)
		wf_strlcpy(b->sku, sku, sizeof b->sku);
	if (wh)
		wf_strlcpy(b->wh, wh, sizeof b->wh);
	if (strcmp(stype, "sku") == 0)
		snprintf(b->sref, sizeof b->sref, "%s%s%s", sku, wh ? "@" : "", wh ? wh : "");
	else
		snprintf(b->sref, sizeof b->sref, "%s@%s", wh ? wh : "*", reason);
	b->qty = qty;
	return 0;
}

/* What blocks R->ord, decided unroutable, into R->blocks. */
static int
blocks_of(struct run *r)
{
	const struct order *o = &r->ord;
	const struct cand *c = NULL;
	size_t i;
	int rc = 0;

	r->nblocks = 0;
	if (r->d.reasons & WF_ROUTE_UNKNOWN_SKU) {
		for (i = 0; i < o->nlines && rc == 0; i++)
			if (o->lines[i].sku_id == 0)
				rc = add_block(r, "sku", "unknown_sku", o->lines[i].sku, NULL,
				    o->lines[i].qty);
		return rc;
	}
	for (i = 0; i < r->ncand; i++)
		if (c == NULL || closer(r, &r->cand[i], c))
			c = &r->cand[i];
	if (c == NULL)
		return add_block(r, "warehouse", "no_warehouse", NULL, NULL, o->units);
	if (ease(c->fails) != 1)
		return add_block(r, "warehouse", ease_reason(ease(c->fails)), NULL,
		    r->wh[c->w].code, o->units);
	for (i = 0; i < o->nlines && rc == 0; i++)
		if (o->lines[i].v[c->w] < o->lines[i].qty)
			rc = add_block(r, "sku", "no_stock", o->lines[i].sku, r->wh[c->w].code,
			    o->lines[i].qty);
	return rc;
}

/* ---- the keys a run touched --------------------------------------------------------- */

static uint64_t
hash_of(const char *stype, const char *sref)
{
	uint64_t h = 1469598103934665603ull;

	for (; *stype; stype++)
		h = (h ^ (unsigned char)*stype) * 1099511628211ull;
	h = (h ^ ' ') * 1099511628211ull;
	for (; *sref; sref++)
		h = (h ^ (unsigned char)*sref) * 1099511628211ull;
	return h;
}

/* Remember that STYPE SREF is to be worked out again, with NOTE (may be
 * NULL) as the resolution should it clear; CHANGED when an order came or
 * went, else an order decided again is blocked by it as before. */
static int
touch(struct run *r, const char *stype, const char *sref, const char *note, int changed)
{
	struct touched *t;
	size_t j, i;

	if ((r->ntouched + 1) * 2 > r->captouched) {
		size_t cap = r->captouched ? 2 * r->captouched : 64;
		struct touched **p = calloc(cap, sizeof *p);
		if (p == NULL)
			return oom();
		for (i = 0; i < r->captouched; i++) {
			if (r->touched[i] == NULL)
				continue;
			for (j = hash_of(r->touched[i]->stype, r->touched[i]->sref) & (cap - 1); p[j];
			    j = (j + 1) & (cap - 1))
				;
			p[j] = r->touched[i];
		}
		free(r->touched);
		r->touched = p;
		r->captouched = cap;
	}
	for (j = hash_of(stype, sref) & (r->captouched - 1); (t = r->touched[j]) != NULL;
	    j = (j + 1) & (r->captouched - 1))
		if (strcmp(t->stype, stype) == 0 && strcmp(t->sref, sref) == 0)
			break;
	if (t == NULL) {
		if ((t = calloc(1, sizeof *t)) == NULL)
			return oom();
		wf_strlcpy(t->stype, stype, sizeof t->stype);
		wf_strlcpy(t->sref, sref, sizeof t->sref);
		t->orders = -1;
		r->touched[j] = t;
		r->ntouched++;
	}
	t->pending = 1;
	t->changes += changed != 0;
	if (note) {
		char *n = strdup(note);
		if (n == NULL)
			return oom();
		free(t->note);
		t->note = n;
	}
	return 0;
}

void
wf_route_blocks_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->captouched; i++)
		if (r->touched[i]) {
			free(r->touched[i]->note);
			free(r->touched[i]);
		}
	free(r->touched);
	r->touched = NULL;
	r->captouched = r->ntouched = 0;
	free(r->blocks);
	r->blocks = NULL;
	r->nblocks = r->capblocks = 0;
}

/* ---- the rows of one order ---------------------------------------------------------- */

/* Drop order R->ord's rows, touching each with NOTE. */
static int
drop_rows(struct run *r, const char *note)
{
	static const char rows[] =
	    "SELECT subject_type, subject_ref FROM route_block WHERE order_id = ?1";
	static const char del[] = "DELETE FROM route_block WHERE order_id = ?1";
	wf_stmt *st;
	int rc, n = 0;

	if ((rc = wf_db_stmt(r->db, &st, rows)) != 0)
		return rc;
	wf_bind_int(st, 1, r->ord.id);
	while ((rc = wf_db_step(r->db, st)) == 1) {
		n++;
		if ((rc = touch(r, wf_col_text(st, 0), wf_col_text(st, 1), note, 1)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	if (rc < 0 || n == 0)
		return rc;
	if ((rc = wf_db_stmt(r->db, &st, del)) != 0)
		return rc;
	wf_bind_int(st, 1, r->ord.id);
	return (rc = wf_db_step(r->db, st)) < 0 ? rc : 0;
}

/* Whether order R->ord's rows are R->blocks already. */
static int
rows_same(struct run *r, int *same)
{
	static const char sql[] =
	    "SELECT subject_type, subject_ref, reason, qty FROM route_block WHERE order_id = ?1"
	    " ORDER BY rowid";
	wf_stmt *st;
	size_t n = 0;
	int rc;

	*same = 1;
	if ((rc = wf_db_stmt(r->db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, r->ord.id);
	while ((rc = wf_db_step(r->db, st)) == 1) {
		const struct block *b = n < r->nblocks ? &r->blocks[n] : NULL;
		n++;
		if (b == NULL || strcmp(b->stype, wf_col_text(st, 0)) != 0 ||
		    strcmp(b->sref, wf_col_text(st, 1)) != 0 ||
		    strcmp(b->reason, wf_col_text(st, 2)) != 0 || b->qty != wf_col_int(st, 3)) {
			*same = 0;
			wf_stmt_reset(st);
			return 0;
		}
	}
	if (rc < 0)
		return rc;
	*same = n == r->nblocks;
	return 0;
}

int
wf_route_block_held(struct run *r, char key[WF_EXCEPTION_KEYLEN])
{
	static const char ins[] =
	    "INSERT OR IGNORE INTO route_block (order_id, subject_type, subject_ref, reason,"
	    " sku, warehouse, qty) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct wf_raise x;
	wf_stmt *st;
	size_t i;
	int rc, same, open, dismissed;
	int64_t id;

	key[0] = '\0';
	if ((rc = blocks_of(r)) != 0 || (rc = rows_same(r, &same)) != 0)
		return rc;
	if (!same) {
		wf_buf note = {0};
		if (r->nblocks && wf_buf_addf(&note, WF_ROUTE_UNBLOCKED ": the last, %s, is blocked "
		    "by %s %s now", r->ord.ref, r->blocks[0].stype, r->blocks[0].sref) != 0)
			return oom();
		rc = drop_rows(r, note.len ? note.p : NULL);
		wf_buf_free(&note);
		if (rc != 0)
			return rc;
		for (i = 0; i < r->nblocks; i++) {
			const struct block *b = &r->blocks[i];
			if ((rc = wf_db_stmt(r->db, &st, ins)) != 0)
				return rc;
			wf_bind_int(st, 1, r->ord.id);
			wf_bind_text(st, 2, b->stype);
			wf_bind_text(st, 3, b->sref);
			wf_bind_text(st, 4, b->reason);
			wf_bind_text(st, 5, *b->sku ? b->sku : NULL);
			wf_bind_text(st, 6, *b->wh ? b->wh : NULL);
			wf_bind_int(st, 7, b->qty);
			if ((rc = wf_db_step(r->db, st)) < 0)
				return rc;
		}
	}
	for (i = 0; i < r->nblocks; i++)
		if ((rc = touch(r, r->blocks[i].stype, r->blocks[i].sref, NULL, !same)) != 0)
			return rc;
	if (r->nblocks == 0)
		return 0;
	/* the record names the first exception: raised now when there is
	 * none or it was resolved (a dismissed one stays so), brought up to
	 * date with the others when the chunk ends */
	memset(&x, 0, sizeof x);
	x.kind = WF_EX_UNROUTABLE;
	x.subject_type = r->blocks[0].stype;
	x.subject_ref = r->blocks[0].sref;
	x.next_action = "-";
	if ((rc = wf_exception_same(r->db, &same, &id, &dismissed, &x)) != 0 ||
	    (rc = wf_exception_is_open(r->db, &open, WF_EX_UNROUTABLE, x.subject_type,
	    x.subject_ref)) != 0)
		return rc;
	if (!open && !dismissed &&
	    ((rc = wf_route_block_sync(r->db, x.subject_type, x.subject_ref, NULL)) != 0 ||
	    (rc = wf_exception_same(r->db, &same, &id, &dismissed, &x)) != 0))
		return rc;
	if (id)
		wf_exception_key(key, id);
	return 0;
}

int
wf_route_block_routed(struct run *r, const char *where)
{
	wf_buf note = {0};
	int rc;

	if (wf_buf_addf(&note, WF_ROUTE_UNBLOCKED ": the last, %s, %s",
	    r->ord.ref, where) != 0)
		return oom();
	rc = drop_rows(r, wf_buf_str(&note));
	wf_buf_free(&note);
	return rc;
}

/* ---- an exception, from the orders it blocks ------------------------------------------ */

/* *avail: what SKU has at warehouse WH for orders (on hand, unheld, in
 * usable bins, less what is promised). */
static int
available(wf_db *db, const char *sku, const char *wh, int64_t *avail)
{
	static const char sql[] =
	    "SELECT coalesce(sum(bal.qty), 0) FROM balance bal JOIN bin b ON b.id = bal.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id JOIN sku s ON s.id = bal.sku_id"
	    " WHERE s.code = ?1 AND w.code = ?2 AND bal.state = 'on_hand' AND bal.holder = ''"
	    " AND b.state = 'active' AND b.kind IN ('pick', 'bulk', 'inbound', 'returns')";
	wf_stmt *st;
	int64_t p;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, sku);
	wf_bind_text(st, 2, wh);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "no sum");
	*avail = wf_col_int(st, 0);
	wf_stmt_reset(st);
	if ((rc = wf_promise_units_code(db, &p, sku, wh)) != 0)
		return rc;
	*avail -= p;
	return 0;
}

/* The active warehouse other than WH with the most of SKU to spare, if it
 * has at least NEED, into FROM ("" for none). */
static int
spare_at(wf_db *db, const char *sku, const char *wh, int64_t need, char from[33])
{
	static const char sql[] =
	    "SELECT code FROM warehouse WHERE state = 'active' AND code <> ?1 ORDER BY code";
	wf_stmt *st;
	int64_t best = need - 1;
	char codes[16][33];
	size_t n = 0, i;
	int rc;

	from[0] = '\0';
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, wh);
	while ((rc = wf_db_step(db, st)) == 1 && n < 16)
		wf_strlcpy(codes[n++], wf_col_text(st, 0), sizeof codes[0]);
	if (rc == 1)
		wf_stmt_reset(st);
	else if (rc < 0)
		return rc;
	for (i = 0; i < n; i++) {
		int64_t a;
		if ((rc = available(db, sku, codes[i], &a)) != 0)
			return rc;
		if (a > best) {
			best = a;
			wf_strlcpy(from, codes[i], 33);
		}
	}
	return 0;
}

static int
capacity_of(wf_db *db, const char *wh, int64_t *cap)
{
	static const char sql[] = "SELECT coalesce(capacity, 0) FROM warehouse WHERE code = ?1";
	wf_stmt *st;
	int rc;

	*cap = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, wh);
	if ((rc = wf_db_step(db, st)) == 1) {
		*cap = wf_col_int(st, 0);
		wf_stmt_reset(st);
	}
	return rc < 0 ? rc : 0;
}

/* What the orders of B still need, as one sentence. */
static int
next_of(wf_db *db, struct wf_route_blocked *b, const char *reason, const char *sku,
    const char *wh, const char *countries, int no_country, int64_t needed)
{
	int64_t n = b->raise.impact.orders, avail, short_by, cap;
	const char *s = n == 1 ? "" : "s";
	char from[33], first[11] = "";
	int rc;

	wf_buf_reset(&b->next);
	if (strcmp(reason, "no_stock") == 0) {
		if ((rc = available(db, sku, wh, &avail)) != 0)
			return rc;
		short_by = needed - (avail > 0 ? avail : 0);
		if (wf_jadd_int(b->evidence, "available", avail) ||
		    wf_jadd_int(b->evidence, "needed", needed) ||
		    wf_jadd_int(b->evidence, "short", short_by > 0 ? short_by : 0))
			return oom();
		if (short_by <= 0)
			rc = wf_buf_addf(&b->next, "%s has the %lld %s the %lld order%s need now: route "
			    "them again (wf-route --new --apply)", wh, (long long)needed, sku,
			    (long long)n, s);
		else if ((rc = spare_at(db, sku, wh, short_by, from)) != 0)
			return rc;
		else
			rc = wf_buf_addf(&b->next, "Receive %lld %s at %s (short by %lld for %lld "
			    "order%s): raise a PO%s%s", (long long)short_by, sku, wh,
			    (long long)short_by, (long long)n, s, *from ? ", or transfer them from " :
			    "", from);
	} else if (strcmp(reason, "unknown_sku") == 0)
		rc = wf_buf_addf(&b->next, "Add %s to the catalogue (wf-stock sku add %s), then "
		    "route the %lld order%s again (wf-route --new --apply)", sku, sku, (long long)n, s);
	else if (strcmp(reason, "no_warehouse") == 0)
		rc = wf_buf_addf(&b->next, "Add or reopen a warehouse (wf-stock warehouse add), then "
		    "route the %lld order%s again", (long long)n, s);
	else if (strcmp(reason, "no_capacity") == 0) {
		if ((rc = capacity_of(db, wh, &cap)) != 0)
			return rc;
		rc = wf_buf_addf(&b->next, "Raise the capacity of %s above %lld orders a day "
		    "(wf-stock warehouse add %s --capacity N), or route the %lld order%s again "
		    "when it has room", wh, (long long)cap, wh, (long long)n, s);
	} else if (strcmp(reason, "late") == 0) {
		if (b->raise.impact.has_due)
			wf_date_format(b->raise.impact.due_at, first);
		rc = wf_buf_addf(&b->next, "Offer later dates to the %lld order%s %s can only ship "
		    "after their promise (the first due %s), or add a faster service there",
		    (long long)n, s, wh, *first ? first : "-");
	} else if (*countries)
		rc = wf_buf_addf(&b->next, "Add a carrier service to %s at %s, for %lld order%s%s",
		    countries, wh, (long long)n, s,
		    no_country ? "; give the others a ship-to country" : "");
	else
		rc = wf_buf_addf(&b->next, "Add a carrier service to every country at %s, or give "
		    "the %lld order%s a ship-to country", wh, (long long)n, s);
	return rc ? oom() : 0;
}

void
wf_route_blocked_free(struct wf_route_blocked *b)
{
	cJSON_Delete(b->evidence);
	b->evidence = NULL;
	wf_buf_free(&b->next);
}

int
wf_route_blocked_get(wf_db *db, struct wf_route_blocked *b, int *found)
{
	static const char sql[] =
	    "SELECT o.ref, o.total, o.currency, o.promise_by, o.owner,"
	    " coalesce(o.ship_country, ''), b.qty, b.reason, b.sku, b.warehouse"
	    " FROM route_block b JOIN orders o ON o.id = b.order_id"
	    " WHERE b.subject_type = ?1 AND b.subject_ref = ?2 AND o.state = 'on_hold'"
	    " AND o.hold_reason GLOB 'unroutable:*' ORDER BY o.placed_at, o.id";
	struct wf_impact *im = &b->raise.impact;
	char reason[16] = "", sku[72] = "", wh[33] = "";
	wf_buf countries = {0};
	cJSON *orders = NULL;
	wf_stmt *st;
	int64_t needed = 0, t;
	int rc, no_country = 0;

	*found = 0;
	wf_route_blocked_free(b);
	memset(&b->raise, 0, sizeof b->raise);
	b->warehouse[0] = '\0';
	if ((b->evidence = cJSON_CreateObject()) == NULL || (orders = cJSON_CreateArray()) == NULL ||
	    wf_buf_adds(&countries, "") != 0) {
		rc = oom();
		goto out;
	}
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	wf_bind_text(st, 1, b->stype);
	wf_bind_text(st, 2, b->sref);
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *cc = wf_col_text(st, 5);
		int64_t q = wf_col_int(st, 6);
		if (im->orders++ == 0) {
			wf_strlcpy(im->currency, wf_col_text(st, 2), sizeof im->currency);
			wf_strlcpy(b->owner, wf_col_text(st, 4), sizeof b->owner);
			wf_strlcpy(reason, wf_col_text(st, 7), sizeof reason);
			wf_strlcpy(sku, wf_col_text(st, 8), sizeof sku);
			wf_strlcpy(wh, wf_col_text(st, 9), sizeof wh);
		}
		if (strcmp(im->currency, wf_col_text(st, 2)) == 0)
			wf_money_add(im->money, wf_col_int(st, 1), &im->money);
		im->units += q;
		needed += q;
		if (!wf_col_null(st, 3) && wf_time_parse(wf_col_text(st, 3), &t) == 0 &&
		    (!im->has_due || t < im->due_at)) {
			im->has_due = 1;
			im->due_at = t;
		}
		if (!*cc)
			no_country = 1;
		else if (!wf_route_covers(countries.len ? countries.p : "-", cc) &&
		    wf_buf_addf(&countries, "%s%s", countries.len ? "," : "", cc) != 0) {
			rc = oom();
			break;
		}
		if (im->orders <= LISTED) {
			cJSON *x = cJSON_CreateObject();
			if (x == NULL || !cJSON_AddItemToArray(orders, x) ||
			    wf_jadd_str(x, "order", wf_col_text(st, 0)) || wf_jadd_int(x, "units", q)) {
				if (x && cJSON_GetArraySize(orders) == 0)
					cJSON_Delete(x);
				rc = oom();
				break;
			}
		}
	}
	if (rc == 1)
		wf_stmt_reset(st);
	if (rc < 0 || im->orders == 0)
		goto out;
	if (im->money == 0)
		im->currency[0] = '\0';
	rc = 0;
	rc |= wf_jadd_str(b->evidence, "reason", reason);
	rc |= wf_jadd_str(b->evidence, "sku", *sku ? sku : NULL);
	rc |= wf_jadd_str(b->evidence, "warehouse", *wh ? wh : NULL);
	if (strcmp(reason, "no_service") == 0)
		rc |= wf_jadd_str(b->evidence, "countries", countries.p);
	if (rc) {
		rc = oom();
		goto out;
	}
	if ((rc = next_of(db, b, reason, sku, wh, countries.p, no_country, needed)) != 0)
		goto out;
	if (wf_jadd_item(b->evidence, "orders", orders) ||
	    wf_jadd_int(b->evidence, "more_orders", im->orders > LISTED ? im->orders - LISTED : 0)) {
		orders = NULL;
		rc = oom();
		goto out;
	}
	orders = NULL;
	if (strcmp(b->stype, "sku") == 0 && *wh)
		wf_strlcpy(b->warehouse, wh, sizeof b->warehouse);
	snprintf(b->shown, sizeof b->shown, "%s %.*s", b->stype, (int)(*b->warehouse ?
	    strlen(b->sref) - strlen(wh) - 1 : strlen(b->sref)), b->sref);
	b->raise.kind = WF_EX_UNROUTABLE;
	b->raise.subject_type = b->stype;
	b->raise.subject_ref = b->sref;
	b->raise.evidence = b->evidence;
	b->raise.next_action = wf_buf_str(&b->next);
	b->raise.owner = b->owner;
	/* fixed at the derived value: a run at the same clock writes nothing */
	b->raise.has_priority = 1;
	b->raise.priority = wf_exception_priority(im, wf_db_now(db));
	*found = 1;
out:
	cJSON_Delete(orders);
	wf_buf_free(&countries);
	return rc;
}

/* wf_route_block_sync(), and *ORDERS: how many orders it blocks. */
static int
sync_counted(wf_db *db, const char *stype, const char *sref, const char *note,
    int64_t *orders)
{
	struct wf_route_blocked b;
	const char *result;
	int64_t id;
	int rc, found, same, dismissed;

	memset(&b, 0, sizeof b);
	wf_strlcpy(b.stype, stype, sizeof b.stype);
	wf_strlcpy(b.sref, sref, sizeof b.sref);
	if ((rc = wf_route_blocked_get(db, &b, &found)) == 0) {
		if (!found)
			rc = wf_exception_clear(db, &id, &result, WF_EX_UNROUTABLE, stype, sref,
			    note ? note : WF_ROUTE_UNBLOCKED);
		else if ((rc = wf_exception_same(db, &same, &id, &dismissed, &b.raise)) == 0 &&
		    !same)
			rc = wf_exception_raise(db, &id, &result, &b.raise);
	}
	*orders = found ? b.raise.impact.orders : 0;
	wf_route_blocked_free(&b);
	return rc;
}

int
wf_route_block_sync(wf_db *db, const char *stype, const char *sref, const char *note)
{
	int64_t orders;

	return sync_counted(db, stype, sref, note, &orders);
}

int
wf_route_block_flush(struct run *r, int final)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->captouched && rc == 0; i++) {
		struct touched *t = r->touched[i];
		if (t == NULL || !t->pending || (!final && (t->changes == 0 ||
		    (t->orders >= 0 && t->changes * WF_ROUTE_RESYNC < t->orders))))
			continue;
		rc = sync_counted(r->db, t->stype, t->sref, t->note, &t->orders);
		free(t->note);
		t->note = NULL;
		t->pending = 0;
		t->changes = 0;
	}
	return rc;
}

int
wf_route_blocked_keys(wf_db *db, struct wf_route_blocked **v, size_t *n)
{
	static const char sql[] =
	    "SELECT DISTINCT subject_type, subject_ref FROM route_block"
	    " ORDER BY subject_type, subject_ref";
	size_t cap = 0;
	wf_stmt *st;
	int rc;

	*v = NULL;
	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	while ((rc = wf_db_step(db, st)) == 1) {
		if (*n == cap) {
			struct wf_route_blocked *p = realloc(*v, (cap = cap ? 2 * cap : 16) * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			*v = p;
		}
		memset(&(*v)[*n], 0, sizeof **v);
		wf_strlcpy((*v)[*n].stype, wf_col_text(st, 0), sizeof (*v)->stype);
		wf_strlcpy((*v)[(*n)++].sref, wf_col_text(st, 1), sizeof (*v)->sref);
	}
	return rc < 0 ? rc : 0;
}

#define STALE \
	" FROM route_block b JOIN orders o ON o.id = b.order_id" \
	" WHERE NOT (o.state = 'on_hold' AND o.hold_reason GLOB 'unroutable:*')"

int
wf_route_blocked_stale(wf_db *db, int *any)
{
	static const char sql[] = "SELECT 1" STALE " LIMIT 1";
	wf_stmt *st;
	int rc;

	*any = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0 || (rc = wf_db_step(db, st)) < 0)
		return rc;
	if (rc == 1) {
		*any = 1;
		wf_stmt_reset(st);
	}
	return 0;
}

int
wf_route_blocked_prune(wf_db *db, int64_t *n)
{
	static const char sql[] =
	    "DELETE FROM route_block WHERE order_id IN (SELECT b.order_id" STALE ")";
	wf_stmt *st;
	int rc;

	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0 || (rc = wf_db_done(db, st)) != 0)
		return rc;
	*n = wf_db_changes(db);
	return 0;
}
