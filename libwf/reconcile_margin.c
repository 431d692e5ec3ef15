/*
 * reconcile_margin.c - what an order kept (wf-reconcile margin): revenue
 * without tax, less the cost of the goods as they shipped, payment fees,
 * shipping cost, marketplace fees, refunds and chargebacks; per order, or
 * added up by SKU, channel or month, never adding two currencies.
 *
 * reads: orders, order_line, order_payment, movement, sku, rma, shipment, payout_line
 *
 * Nothing is written; everything is read in one read transaction.
 *
 * Which orders.  Orders that shipped: in state shipped, delivered, closed,
 * returned or partially returned, or with a unit shipped (a ship movement
 * held by the order).  Their time is when they shipped: the first ship
 * movement of the order, else the first shipment's shipped_at (an order
 * imported as fulfilled), else when it was placed; --since (inclusive) and
 * --until (exclusive) select on it, and --by month groups on its UTC month.
 *
 * The parts, in minor units of the order's currency:
 *  revenue          total - tax (shipping charged is revenue, discounts are not);
 *  cogs             each ship movement of the order, qty x the unit cost it
 *                   recorded (the SKU's moving average when it shipped), less
 *                   each movement that put a returned unit of the order's
 *                   returns (RMA-N) back on hand, qty x the cost it recorded.
 *                   A movement booked before movements kept their cost counts
 *                   at the SKU's current average and the row's cogs_basis says
 *                   "current_average" (else "at_ship"); a SKU without any cost
 *                   counts 0 and says "missing";
 *  payment_fees     settled (basis "settled": a charge line is matched to the
 *                   order): the fee of its matched charge and refund lines;
 *                   else estimated (basis "estimated"): what it paid (else its
 *                   total) x the median fee rate of the charges of its
 *                   provider (order_payment's, else its channel), rates in
 *                   steps of 0.001% as fee_anomaly takes them, the mean of the
 *                   two middle ones when their number is even; a provider
 *                   with no charges yet estimates 0;
 *  shipping_cost    the cost of its shipments not cancelled;
 *  marketplace_fees -net of the lines of category fee that name the order
 *                   (match links only money lines: a fee line is the
 *                   order's when it names it);
 *  refunds          what it refunded, without tax in the order's proportion:
 *                   refunded x revenue / total;
 *  chargebacks      -net of its matched dispute and dispute_reversal lines
 *                   (the amount and the dispute fee, less what came back);
 *  margin           revenue - all the others; margin_pct = margin / revenue,
 *                   in percent to one decimal (null without revenue).
 * Every division rounds half away from zero.  A cost in another currency
 * than the order's is never added: it is left out, named in "unconverted",
 * and the row's margin and margin_pct are null.
 *
 * --by sku splits each of an order's parts but COGS across its SKUs in
 * proportion to their lines' revenue (qty x unit price - discount; equal
 * shares when every line is 0) by largest remainder: each SKU gets the
 * floor of its share, and the cents left go one each to the lines with the
 * largest remainders, the earlier line first on a tie, so the SKUs add up
 * to the order exactly; COGS goes to the SKU that shipped.  Aggregates are
 * the sums of their rows (or parts), grouped by key and currency: "orders"
 * counts them, "unconverted" counts those without a margin, whose margin
 * is left out of the margin's sum; basis is estimated when any row is.
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

#define KEYLEN 240
#define RATE_MAX 100000                 /* 100% in steps of 0.001% */

enum { REV, TAX, COGS, PFEE, SHIP, MFEE, REFUNDS, CB, NV };
static const char *const part_names[NV] = {
	"revenue", "tax", "cogs", "payment_fees", "shipping_cost", "marketplace_fees",
	"refunds", "chargebacks"
};
enum { BASIS_AT_SHIP, BASIS_CURRENT, BASIS_MISSING };
static const char *const cogs_bases[] = { "at_ship", "current_average", "missing" };

/* One order, or one part of it (a SKU), or one group. */
struct mrow {
	char    key[KEYLEN];            /* order ref, SKU, channel or month */
	char    currency[4];
	int64_t v[NV];
	int64_t orders, unconverted;    /* groups: rows in it, rows without a margin */
	int64_t margin;                 /* sum of the known margins */
	int     has_margin, estimated, cogs_basis;
	char    note[160];              /* what was not converted; "" */
};

struct prov {
	char    name[40];
	int64_t median;                 /* in steps of 0.001% */
};

struct margin {
	wf_db *db;
	const struct wf_margin_query *q;
	struct prov *p;
	size_t np;
	struct mrow *r;                 /* parts and rows to group */
	size_t n, cap;
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* A x B / C rounded half away from zero, into *OUT; C > 0. */
static int
muldiv(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	__int128 n = (__int128)a * b, q;

	/* half away from zero: (2|n| + c) / 2c, exact for c even or odd */
	q = n < 0 ? -((-n * 2 + c) / (2 * (__int128)c)) : (n * 2 + c) / (2 * (__int128)c);
	if (q > WF_MONEY_MAX || q < -WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "a margin amount passes the money limit");
	*out = (int64_t)q;
	return 0;
}

static int
add(int64_t *sum, int64_t v)
{
	if (wf_money_add(*sum, v, sum) != 0)
		return wf_error_set(WF_EINPUT, "a margin amount passes the money limit");
	return 0;
}

static int
by_rate(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every provider's median charge fee rate. */
static int
load_rates(struct margin *m)
{
	static const char sql[] =
	    "SELECT provider, fee, gross FROM payout_line WHERE category = 'charge'"
	    " AND gross > 0 ORDER BY provider";
	int64_t *rates = NULL, rate;
	size_t n = 0, cap = 0;
	char cur[40] = "";
	wf_stmt *st;
	int rc, more;

	if ((rc = wf_db_stmt(m->db, &st, sql)) != 0)
		return rc;
	do {
		more = (rc = wf_db_step(m->db, st)) == 1;
		if (rc < 0)
			break;
		if (n && (!more || strcmp(cur, wf_col_text(st, 0)) != 0)) {
			struct prov *p = realloc(m->p, (m->np + 1) * sizeof *p);

			if (p == NULL) {
				rc = oom();
				break;
			}
			m->p = p;
			wf_sort(rates, n, sizeof *rates, by_rate);
			wf_strlcpy(p[m->np].name, cur, sizeof p->name);
			p[m->np++].median = n % 2 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2;
			n = 0;
		}
		if (!more)
			break;
		wf_strlcpy(cur, wf_col_text(st, 0), sizeof cur);
		rate = wf_col_int(st, 1) <= 0 ? 0 :
		    (int64_t)((__int128)wf_col_int(st, 1) * RATE_MAX / wf_col_int(st, 2));
		if (rate > RATE_MAX)
			rate = RATE_MAX;
		if (n == cap) {
			int64_t *r = realloc(rates, (cap = cap ? cap * 2 : 64) * sizeof *r);

			if (r == NULL) {
				wf_stmt_reset(st);
				rc = oom();
				break;
			}
			rates = r;
		}
		rates[n++] = rate;
	} while (1);
	free(rates);
	return rc < 0 ? rc : 0;
}

static int64_t
median_of(const struct margin *m, const char *provider)
{
	size_t i;

	for (i = 0; i < m->np; i++)
		if (strcmp(m->p[i].name, provider) == 0)
			return m->p[i].median;
	return 0;
}

/* Append a copy of R to M's rows. */
static int
push(struct margin *m, const struct mrow *r)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct mrow *p = realloc(m->r, cap * sizeof *p);

		if (p == NULL)
			return oom();
		m->r = p;
		m->cap = cap;
	}
	m->r[m->n++] = *r;
	return 0;
}

static void
unconverted(struct mrow *r, const char *what, int64_t amount, const char *currency)
{
	char num[48];
	size_t len = strlen(r->note);

	if (wf_money_format(amount, currency, num, sizeof num) != 0)
		wf_strlcpy(num, "?", sizeof num);
	if (len + strlen(what) + strlen(num) + 8 < sizeof r->note)
		snprintf(r->note + len, sizeof r->note - len, "%s%s %s %s", len ? ", " : "", what,
		    num, currency);
	r->has_margin = 0;
}

/* An order's parts by SKU (for --by sku): SKU codes and their COGS. */
struct skucogs {
	char    sku[72];
	int64_t cogs;
};

struct order_ctx {
	int64_t id;
	const char *ref;
	struct skucogs *sc;
	size_t nsc;
};

static int
sku_cogs_add(struct order_ctx *o, const char *sku, int64_t v)
{
	size_t i;

	for (i = 0; i < o->nsc; i++)
		if (strcmp(o->sc[i].sku, sku) == 0)
			return add(&o->sc[i].cogs, v);
	{
		struct skucogs *p = realloc(o->sc, (o->nsc + 1) * sizeof *p);

		if (p == NULL)
			return oom();
		o->sc = p;
	}
	wf_strlcpy(o->sc[o->nsc].sku, sku, sizeof o->sc->sku);
	o->sc[o->nsc++].cogs = v;
	return 0;
}

/* COGS of order O into R (and per SKU into O). */
static int
order_cogs(struct margin *m, struct order_ctx *o, struct mrow *r)
{
	static const char sql[] =
	    "SELECT s.code, m.qty, m.unit_cost, m.currency, coalesce(s.avg_cost, s.cost),"
	    " s.currency, 1 FROM movement m JOIN sku s ON s.id = m.sku_id"
	    " WHERE m.holder = ?1 AND m.action = 'ship'"
	    " UNION ALL "
	    "SELECT s.code, m.qty, m.unit_cost, m.currency, coalesce(s.avg_cost, s.cost),"
	    " s.currency, -1 FROM rma r JOIN movement m ON m.ref = 'RMA-' || r.id"
	    " JOIN sku s ON s.id = m.sku_id"
	    " WHERE r.order_id = ?2 AND m.to_state = 'on_hand'"
	    " AND m.from_state IN ('shipped', 'returned')";
	wf_stmt *st;
	int64_t v;
	int rc;

	if ((rc = wf_db_stmt(m->db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, o->ref);
	wf_bind_int(st, 2, o->id);
	while ((rc = wf_db_step(m->db, st)) == 1) {
		int64_t qty = wf_col_int(st, 1) * wf_col_int(st, 6), cost;
		const char *cur;

		if (!wf_col_null(st, 2)) {
			cost = wf_col_int(st, 2);
			cur = wf_col_text(st, 3);
		} else if (!wf_col_null(st, 4)) {
			cost = wf_col_int(st, 4);
			cur = wf_col_text(st, 5);
			if (r->cogs_basis < BASIS_CURRENT)
				r->cogs_basis = BASIS_CURRENT;
		} else {
			r->cogs_basis = BASIS_MISSING;
			continue;
		}
		if (wf_money_mul(qty, cost, &v) != 0) {
			wf_stmt_reset(st);
			return wf_error_set(WF_EINPUT, "the COGS of %s passes the money limit", o->ref);
		}
		if (strcmp(cur, r->currency) != 0) {
			unconverted(r, "cogs", v, cur);
			continue;
		}
		if ((rc = add(&r->v[COGS], v)) != 0 ||
		    (rc = sku_cogs_add(o, wf_col_text(st, 0), v)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

/* Fees, disputes (matched lines) and shipping cost of order O into R. */
static int
order_costs(struct margin *m, struct order_ctx *o, struct mrow *r, const char *channel,
    int64_t paid)
{
	static const char lines[] =
	    "SELECT category, fee, net, currency FROM payout_line WHERE order_id = ?1"
	    " AND category IN ('charge', 'refund', 'fee', 'dispute', 'dispute_reversal')"
	    " UNION ALL SELECT category, fee, net, currency FROM payout_line"
	    " WHERE order_ref = ?2 AND order_id IS NULL AND category = 'fee'";
	static const char ships[] =
	    "SELECT cost, currency FROM shipment WHERE order_id = ?1 AND cost IS NOT NULL"
	    " AND state <> 'cancelled'";
	static const char provider[] =
	    "SELECT provider FROM order_payment WHERE order_id = ?1 ORDER BY provider LIMIT 1";
	char prov[40];
	wf_stmt *st;
	int rc, settled = 0;

	if ((rc = wf_db_stmt(m->db, &st, lines)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	wf_bind_text(st, 2, o->ref);
	while ((rc = wf_db_step(m->db, st)) == 1) {
		const char *cat = wf_col_text(st, 0), *cur = wf_col_text(st, 3);
		int64_t fee = wf_col_int(st, 1), net = wf_col_int(st, 2);
		int which = strcmp(cat, "charge") == 0 || strcmp(cat, "refund") == 0 ? PFEE :
		    strcmp(cat, "fee") == 0 ? MFEE : CB;

		if (strcmp(cat, "charge") == 0)
			settled = 1;
		if (strcmp(cur, r->currency) != 0) {
			unconverted(r, part_names[which], which == PFEE ? fee : -net, cur);
			continue;
		}
		if ((rc = add(&r->v[which], which == PFEE ? fee : -net)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	if (rc < 0)
		return rc;
	if (!settled) {
		r->estimated = 1;
		wf_strlcpy(prov, channel, sizeof prov);
		if ((rc = wf_db_stmt(m->db, &st, provider)) != 0)
			return rc;
		wf_bind_int(st, 1, o->id);
		if ((rc = wf_db_step(m->db, st)) == 1) {
			wf_strlcpy(prov, wf_col_text(st, 0), sizeof prov);
			wf_stmt_reset(st);
		} else if (rc < 0)
			return rc;
		if ((rc = muldiv(paid, median_of(m, prov), RATE_MAX, &r->v[PFEE])) != 0)
			return rc;
	}
	if ((rc = wf_db_stmt(m->db, &st, ships)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	while ((rc = wf_db_step(m->db, st)) == 1) {
		if (strcmp(wf_col_text(st, 1), r->currency) != 0) {
			unconverted(r, "shipping_cost", wf_col_int(st, 0), wf_col_text(st, 1));
			continue;
		}
		if ((rc = add(&r->v[SHIP], wf_col_int(st, 0))) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}

static int
margin_of(struct mrow *r)
{
	int64_t v = r->v[REV];
	int i;

	for (i = TAX + 1; i < NV; i++)
		if (wf_money_add(v, -r->v[i], &v) != 0)
			return wf_error_set(WF_EINPUT, "a margin passes the money limit");
	r->margin = v;
	return 0;
}

/* Largest remainder: split TOTAL over the N weights W into OUT. */
static void
split(int64_t total, const int64_t *w, size_t n, int64_t *out, __int128 *rem)
{
	__int128 sum = 0, t = total < 0 ? -(__int128)total : total, left;
	size_t i, j;

	for (i = 0; i < n; i++)
		sum += w[i];
	left = t;
	for (i = 0; i < n; i++) {
		__int128 num = t * (sum ? w[i] : 1), den = sum ? sum : (__int128)n;

		out[i] = (int64_t)(num / den);
		rem[i] = num % den;
		left -= out[i];
	}
	while (left-- > 0) {
		size_t best = 0;

		for (j = 1; j < n; j++)
			if (rem[j] > rem[best])
				best = j;
		out[best]++;
		rem[best] = -1;
	}
	if (total < 0)
		for (i = 0; i < n; i++)
			out[i] = -out[i];
}

/* Order R's parts by SKU (its lines; COGS per SKU in O) into M's rows. */
static int
sku_parts(struct margin *m, struct order_ctx *o, const struct mrow *r)
{
	static const char sql[] =
	    "SELECT coalesce(s.code, l.sku), l.qty * l.unit_price - l.discount FROM order_line l"
	    " LEFT JOIN sku s ON s.id = l.sku_id WHERE l.order_id = ?1 ORDER BY l.line_no";
	struct mrow *parts = NULL, *np;
	int64_t *w = NULL, *out = NULL;
	__int128 *rem = NULL;
	size_t n = 0, i, j, k;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(m->db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	while ((rc = wf_db_step(m->db, st)) == 1) {
		int64_t lw = wf_col_int(st, 1) > 0 ? wf_col_int(st, 1) : 0;

		/* two lines of one SKU are one part: its weight is theirs */
		for (i = 0; i < n && strcmp(parts[i].key, wf_col_text(st, 0)) != 0; i++)
			;
		if (i < n) {
			w[i] += lw;
			continue;
		}
		if ((np = realloc(parts, (n + 1) * sizeof *np)) == NULL ||
		    ((parts = np), (w = realloc(w, (n + 1) * sizeof *w)) == NULL)) {
			wf_stmt_reset(st);
			rc = oom();
			goto out;
		}
		memset(&parts[n], 0, sizeof *parts);
		wf_strlcpy(parts[n].key, wf_col_text(st, 0), sizeof parts->key);
		w[n++] = lw;
	}
	if (rc < 0)
		goto out;
	/* SKUs that shipped but are on no line get a part of their own */
	for (k = 0; k < o->nsc; k++) {
		for (i = 0; i < n && strcmp(parts[i].key, o->sc[k].sku) != 0; i++)
			;
		if (i == n) {
			if ((np = realloc(parts, (n + 1) * sizeof *np)) == NULL ||
			    ((parts = np), (w = realloc(w, (n + 1) * sizeof *w)) == NULL)) {
				rc = oom();
				goto out;
			}
			memset(&parts[n], 0, sizeof *parts);
			wf_strlcpy(parts[n].key, o->sc[k].sku, sizeof parts->key);
			w[n++] = 0;
		}
		parts[i].v[COGS] += o->sc[k].cogs;
	}
	if (n == 0)
		goto out;
	if ((out = calloc(n, sizeof *out)) == NULL || (rem = calloc(n, sizeof *rem)) == NULL) {
		rc = oom();
		goto out;
	}
	for (j = 0; j < NV; j++) {
		if (j == COGS)
			continue;
		split(r->v[j], w, n, out, rem);
		for (i = 0; i < n; i++)
			parts[i].v[j] = out[i];
	}
	for (i = 0; i < n && rc == 0; i++) {
		wf_strlcpy(parts[i].currency, r->currency, sizeof parts->currency);
		parts[i].orders = 1;
		parts[i].has_margin = r->has_margin;
		parts[i].estimated = r->estimated;
		parts[i].cogs_basis = r->cogs_basis;
		if ((rc = margin_of(&parts[i])) == 0)
			rc = push(m, &parts[i]);
	}
out:
	free(parts);
	free(w);
	free(out);
	free(rem);
	return rc;
}

static const char *const order_columns[] = {
	"order", "currency", "revenue", "cogs", "payment_fees", "shipping_cost", "refunds",
	"margin", "margin_pct", "basis", NULL
};

/* Emit R: an order's row (ORDER) or a group's (KEYNAME). */
static int
emit(struct margin *m, const struct mrow *r, const char *keyname)
{
	cJSON *o = wf_jrecord("margin");
	char pct[32];
	int64_t p = 0;
	int i, k = o == NULL;

	k = k || wf_jadd_str(o, keyname, r->key) || wf_jadd_str(o, "currency", r->currency);
	if (!k && strcmp(keyname, "order") != 0)
		k = wf_jadd_int(o, "orders", r->orders);
	for (i = 0; !k && i < NV; i++)
		k = wf_jadd_money(o, part_names[i], r->v[i], r->currency);
	if (!k && (r->has_margin || strcmp(keyname, "order") != 0)) {
		k = wf_jadd_money(o, "margin", r->margin, r->currency);
		if (!k && r->v[REV] != 0) {
			if (r->v[REV] < 0 || muldiv(r->margin, 1000, r->v[REV], &p) != 0)
				p = 0;
			snprintf(pct, sizeof pct, "%s%lld.%lld", p < 0 ? "-" : "",
			    (long long)(p < 0 ? -p : p) / 10, (long long)(p < 0 ? -p : p) % 10);
			k = wf_jadd_str(o, "margin_pct", pct);
		} else if (!k)
			k = wf_jadd_null(o, "margin_pct");
	} else if (!k)
		k = wf_jadd_null(o, "margin") || wf_jadd_null(o, "margin_pct");
	k = k || wf_jadd_str(o, "basis", r->estimated ? "estimated" : "settled") ||
	    wf_jadd_str(o, "cogs_basis", cogs_bases[r->cogs_basis]);
	if (!k && strcmp(keyname, "order") == 0)
		k = wf_jadd_str(o, "unconverted", *r->note ? r->note : NULL);
	else if (!k)
		k = wf_jadd_int(o, "unconverted", r->unconverted);
	if (k) {
		cJSON_Delete(o);
		return oom();
	}
	return wf_out_emit(wf_db_out(m->db), o);
}

static int
by_key(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->currency, y->currency);
}

/* Sort M's rows and emit one group per key and currency. */
static int
emit_groups(struct margin *m, const char *keyname)
{
	size_t i = 0, j;
	int rc = 0;
	int v;

	if (m->n)
		wf_sort(m->r, m->n, sizeof *m->r, by_key);
	while (rc == 0 && i < m->n) {
		struct mrow g = m->r[i];

		g.unconverted = !g.has_margin;
		g.margin = g.has_margin ? g.margin : 0;
		for (j = i + 1; rc == 0 && j < m->n && by_key(&m->r[i], &m->r[j]) == 0; j++) {
			const struct mrow *x = &m->r[j];

			for (v = 0; rc == 0 && v < NV; v++)
				rc = add(&g.v[v], x->v[v]);
			if (rc == 0 && x->has_margin)
				rc = add(&g.margin, x->margin);
			g.orders += x->orders;
			g.unconverted += !x->has_margin;
			g.estimated |= x->estimated;
			if (x->cogs_basis > g.cogs_basis)
				g.cogs_basis = x->cogs_basis;
		}
		if (rc == 0)
			rc = emit(m, &g, keyname);
		i = j;
	}
	return rc;
}

int
wf_reconcile_margin(wf_db *db, const struct wf_margin_query *q)
{
	static const char orders[] =
	    "SELECT id, ref, channel, currency, total, tax, paid, refunded, t FROM ("
	    " SELECT o.id, o.ref, o.channel, o.currency, o.total, o.tax, o.paid, o.refunded,"
	    "  coalesce((SELECT min(m.at) FROM movement m WHERE m.holder = o.ref"
	    "   AND m.action = 'ship'),"
	    "  (SELECT min(s.shipped_at) FROM shipment s WHERE s.order_id = o.id), o.placed_at) t"
	    " FROM orders o WHERE o.state IN ('shipped', 'delivered', 'closed', 'returned',"
	    "  'partially_returned')"
	    " OR EXISTS (SELECT 1 FROM movement m WHERE m.holder = o.ref AND m.action = 'ship'))"
	    " WHERE (?1 IS NULL OR t >= ?1) AND (?2 IS NULL OR t < ?2) ORDER BY t, id";
	struct margin m;
	const char *by = q->by ? q->by : "order";
	int grouped, rc;
	wf_stmt *st;

	if (strcmp(by, "order") != 0 && strcmp(by, "sku") != 0 && strcmp(by, "channel") != 0 &&
	    strcmp(by, "month") != 0)
		return wf_error_set(WF_EUSAGE, "--by: expected order, sku, channel or month, "
		    "got '%.20s'", by);
	if (q->has_since && q->has_until && q->until <= q->since)
		return wf_error_set(WF_EUSAGE, "--until must be after --since");
	grouped = strcmp(by, "order") != 0;
	memset(&m, 0, sizeof m);
	m.db = db;
	m.q = q;
	if (!grouped)
		wf_out_columns(wf_db_out(db), "margin", order_columns);
	if ((rc = wf_tx_begin_read(db)) != 0)
		return rc;
	if ((rc = load_rates(&m)) != 0 || (rc = wf_db_stmt(db, &st, orders)) != 0)
		goto out;
	if (q->has_since)
		wf_bind_time(st, 1, q->since);
	if (q->has_until)
		wf_bind_time(st, 2, q->until);
	while ((rc = wf_db_step(db, st)) == 1) {
		struct order_ctx o = { wf_col_int(st, 0), wf_col_text(st, 1), NULL, 0 };
		int64_t total = wf_col_int(st, 4), tax = wf_col_int(st, 5), paid = wf_col_int(st, 6);
		struct mrow r;

		rc = 0;
		memset(&r, 0, sizeof r);
		wf_strlcpy(r.key, o.ref, sizeof r.key);
		wf_strlcpy(r.currency, wf_col_text(st, 3), sizeof r.currency);
		r.orders = 1;
		r.has_margin = 1;
		r.v[TAX] = tax;
		r.v[REV] = total > tax ? total - tax : 0;
		if (total > 0)
			rc = muldiv(wf_col_int(st, 7), r.v[REV], total, &r.v[REFUNDS]);
		else
			r.v[REFUNDS] = wf_col_int(st, 7);
		if (rc == 0)
			rc = order_cogs(&m, &o, &r);
		if (rc == 0)
			rc = order_costs(&m, &o, &r, wf_col_text(st, 2), paid > 0 ? paid : total);
		if (rc == 0)
			rc = margin_of(&r);
		if (rc == 0) {
			if (strcmp(by, "order") == 0)
				rc = emit(&m, &r, "order");
			else if (strcmp(by, "sku") == 0)
				rc = sku_parts(&m, &o, &r);
			else {
				if (strcmp(by, "channel") == 0)
					wf_strlcpy(r.key, wf_col_text(st, 2), sizeof r.key);
				else
					wf_strlcpy(r.key, wf_col_text(st, 8), 8);   /* YYYY-MM */
				rc = push(&m, &r);
			}
		}
		free(o.sc);
		if (rc != 0) {
			wf_stmt_reset(st);
			break;
		}
	}
	if (rc == 0 && grouped)
		rc = emit_groups(&m, by);
out:
	wf_tx_end_read(db);
	free(m.p);
	free(m.r);
	return rc;
}
