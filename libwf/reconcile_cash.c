/*
 * reconcile_cash.c - where the money is (wf-reconcile cash): expected from
 * paid orders, in transit in payouts not arrived yet, received in payouts
 * that have, and held back by providers in reserves and open disputes; one
 * record per provider and currency, never adding two currencies.
 *
 * reads: payout, payout_line, orders, order_payment
 *
 * Nothing is written.  The four sums are read in one read transaction so
 * they describe the same moment.
 */
#include <stdlib.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_out.h"
#include "wf_payout.h"
#include "wf_text.h"
#include "wf_time.h"

enum { EXPECTED, IN_TRANSIT, RECEIVED, HELD, NSUMS };

struct cash {
	char   *provider;               /* NULL: no provider known yet */
	char    currency[4];
	int64_t sum[NSUMS];
};

struct cashes {
	struct cash *c;
	size_t n, cap;
	const char *only;               /* --provider, or NULL */
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* Add V to sum WHICH of PROVIDER (may be NULL) and CURRENCY. */
static int
cash_add(struct cashes *cs, const char *provider, const char *currency, int which, int64_t v)
{
	struct cash *c;
	size_t i;

	if (cs->only && (provider == NULL || strcmp(provider, cs->only) != 0))
		return 0;
	for (i = 0; i < cs->n; i++) {
		c = &cs->c[i];
		if (((c->provider == NULL && provider == NULL) ||
		    (c->provider && provider && strcmp(c->provider, provider) == 0)) &&
		    strcmp(c->currency, currency) == 0)
			break;
	}
	if (i == cs->n) {
		if (cs->n == cs->cap) {
			size_t cap = cs->cap ? cs->cap * 2 : 8;

			if ((c = realloc(cs->c, cap * sizeof *c)) == NULL)
				return oom();
			cs->c = c;
			cs->cap = cap;
		}
		c = &cs->c[cs->n];
		memset(c, 0, sizeof *c);
		if (provider && (c->provider = strdup(provider)) == NULL)
			return oom();
		wf_strlcpy(c->currency, currency, sizeof c->currency);
		cs->n++;
	}
	c = &cs->c[i];
	if (wf_money_add(c->sum[which], v, &c->sum[which]) != 0)
		return wf_error_set(WF_EINPUT, "the %s money of %s in %s passes the money limit",
		    which == EXPECTED ? "expected" : which == IN_TRANSIT ? "in transit" :
		    which == RECEIVED ? "received" : "held", provider ? provider : "(none)",
		    currency);
	return 0;
}

/* Step ST (provider, currency, which or -1, amount) into CS; WHICH < 0 reads
 * which from column 2, and HELD clamps below at 0. */
static int
cash_rows(wf_db *db, wf_stmt *st, struct cashes *cs, int which)
{
	int rc;

	while ((rc = wf_db_step(db, st)) == 1) {
		int w = which >= 0 ? which : (int)wf_col_int(st, 2);
		int64_t v = wf_col_int(st, 3);

		if (w == HELD && v < 0)
			v = 0;
		if ((rc = cash_add(cs, wf_col_null(st, 0) ? NULL : wf_col_text(st, 0),
		    wf_col_text(st, 1), w, v)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

static int
by_key(const void *a, const void *b)
{
	const struct cash *x = a, *y = b;
	int c;

	if (!x->provider != !y->provider)
		return x->provider ? -1 : 1;        /* no provider last */
	if (x->provider && (c = strcmp(x->provider, y->provider)) != 0)
		return c;
	return strcmp(x->currency, y->currency);
}

static const char *const cash_columns[] = {
	"provider", "currency", "expected", "in_transit", "received", "held", NULL
};

int
wf_reconcile_cash(wf_db *db, const char *provider)
{
	/* paid orders whose charge is in no payout: what they paid, less what
	 * was refunded, from the provider of their charge line or the one
	 * their import kept */
	static const char expected[] =
	    "SELECT coalesce("
	    "  (SELECT p.provider FROM payout_line p WHERE p.order_id = o.id"
	    "    AND p.category = 'charge' ORDER BY p.id LIMIT 1),"
	    "  (SELECT p.provider FROM payout_line p WHERE p.order_ref = o.ref"
	    "    AND p.category = 'charge' ORDER BY p.id LIMIT 1),"
	    "  (SELECT op.provider FROM order_payment op WHERE op.order_id = o.id"
	    "    ORDER BY op.provider LIMIT 1)),"
	    " o.currency, 0, o.paid - o.refunded FROM orders o"
	    " WHERE o.finance_state IN ('paid', 'invoiced', 'partially_refunded')"
	    " AND o.paid > o.refunded"
	    " AND NOT EXISTS (SELECT 1 FROM payout_line p WHERE p.order_id = o.id"
	    "   AND p.category = 'charge' AND p.payout_id IS NOT NULL)"
	    " AND NOT EXISTS (SELECT 1 FROM payout_line p WHERE p.order_ref = o.ref"
	    "   AND p.category = 'charge' AND p.payout_id IS NOT NULL)"
	    " ORDER BY o.id";
	/* payouts: arrived by the clock's date (or, without a date, paid by
	 * the provider's word) or not; their amount, else their lines' net */
	static const char payouts[] =
	    "SELECT p.provider, p.currency,"
	    " CASE WHEN (p.arrival IS NOT NULL AND p.arrival <= ?1) OR"
	    "   (p.arrival IS NULL AND lower(coalesce(p.status, '')) = 'paid') THEN 2 ELSE 1 END,"
	    " coalesce(p.amount, (SELECT sum(l.net) FROM payout_line l WHERE l.payout_id = p.id"
	    "   AND l.is_payout = 0), 0)"
	    " FROM payout p ORDER BY p.id";
	/* reserves held less released, by provider and currency */
	static const char reserves[] =
	    "SELECT provider, currency, 3, sum(CASE WHEN category = 'reserve_hold'"
	    " THEN abs(net) ELSE -abs(net) END) FROM payout_line"
	    " WHERE category IN ('reserve_hold', 'reserve_release')"
	    " GROUP BY provider, currency ORDER BY provider, currency";
	/* disputes neither won nor lost, on orders with no reversal */
	static const char disputes[] =
	    "SELECT d.provider, d.currency, 3, abs(d.gross) FROM payout_line d"
	    " WHERE d.category = 'dispute'"
	    " AND lower(coalesce(d.status, '')) NOT IN ('won', 'lost')"
	    " AND NOT (d.order_id IS NOT NULL AND EXISTS (SELECT 1 FROM payout_line r"
	    "   WHERE r.order_id = d.order_id AND r.category = 'dispute_reversal'))"
	    " ORDER BY d.id";
	static const char *const sqls[] = { expected, payouts, reserves, disputes };
	struct cashes cs;
	char today[11];
	int64_t now;
	wf_stmt *st;
	size_t i;
	int rc;

	if (provider && (rc = wf_text_code("--provider", provider, 32)) != 0)
		return rc;
	memset(&cs, 0, sizeof cs);
	cs.only = provider;
	if ((rc = wf_time_now(&now)) != 0)
		return rc;
	wf_date_format(now, today);
	wf_out_columns(wf_db_out(db), "cash", cash_columns);
	if ((rc = wf_tx_begin_read(db)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < sizeof sqls / sizeof sqls[0]; i++) {
		if ((rc = wf_db_stmt(db, &st, sqls[i])) != 0)
			break;
		if (sqls[i] == payouts)
			wf_bind_text(st, 1, today);
		rc = cash_rows(db, st, &cs, sqls[i] == payouts ? -1 : sqls[i] == expected ?
		    EXPECTED : HELD);
	}
	wf_tx_end_read(db);
	if (rc == 0 && cs.n)
		wf_sort(cs.c, cs.n, sizeof *cs.c, by_key);
	for (i = 0; rc == 0 && i < cs.n; i++) {
		const struct cash *c = &cs.c[i];
		cJSON *r = wf_jrecord("cash");

		if (r == NULL || wf_jadd_str(r, "provider", c->provider) ||
		    wf_jadd_str(r, "currency", c->currency) ||
		    wf_jadd_money(r, "expected", c->sum[EXPECTED], c->currency) ||
		    wf_jadd_money(r, "in_transit", c->sum[IN_TRANSIT], c->currency) ||
		    wf_jadd_money(r, "received", c->sum[RECEIVED], c->currency) ||
		    wf_jadd_money(r, "held", c->sum[HELD], c->currency)) {
			cJSON_Delete(r);
			rc = oom();
			break;
		}
		rc = wf_out_emit(wf_db_out(db), r);
	}
	for (i = 0; i < cs.n; i++)
		free(cs.c[i].provider);
	free(cs.c);
	return rc;
}
