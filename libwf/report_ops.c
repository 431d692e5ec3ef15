/*
 * report_ops.c - the morning page's operational sections: the queue
 * (wf_exception_list), orders (wf_order_list) and money (wf_payout_list,
 * wf_payout_lines).  No SQL: the records are those the commands print.
 */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"
#include "wf_error.h"
#include "wf_html.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_payout.h"
#include "wf_time.h"

/* ---- counting by name ----------------------------------------------------------- */

/* A tally of names (kinds, states, reasons, owners), in first-seen order. */
struct tally {
	size_t       n, cap;
	const char **name;
	int64_t     *count;
	const cJSON **first;    /* the first record with the name */
};

static int
tally_add(struct tally *t, const char *name, int64_t by, const cJSON *rec, size_t *at)
{
	size_t i;

	if (name == NULL)
		name = "";
	for (i = 0; i < t->n; i++)
		if (strcmp(t->name[i], name) == 0)
			break;
	if (i == t->n) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 16;
			const char **nm = realloc(t->name, cap * sizeof *nm);
			int64_t *ct;
			const cJSON **fr;

			if (nm == NULL)
				return rpt_nomem();
			t->name = nm;
			if ((ct = realloc(t->count, cap * sizeof *ct)) == NULL)
				return rpt_nomem();
			t->count = ct;
			if ((fr = realloc(t->first, cap * sizeof *fr)) == NULL)
				return rpt_nomem();
			t->first = fr;
			t->cap = cap;
		}
		t->name[i] = name;
		t->count[i] = 0;
		t->first[i] = rec;
		t->n++;
	}
	t->count[i] += by;
	if (at)
		*at = i;
	return 0;
}

static void
tally_free(struct tally *t)
{
	free(t->name);
	free(t->count);
	free(t->first);
	memset(t, 0, sizeof *t);
}

/* Sort a tally by count, largest first (then by name). */
static void
tally_sort(struct tally *t)
{
	size_t i, j;

	for (i = 1; i < t->n; i++)
		for (j = i; j > 0 && (t->count[j] > t->count[j - 1] ||
		    (t->count[j] == t->count[j - 1] &&
		    strcmp(t->name[j], t->name[j - 1]) < 0)); j--) {
			const char *n = t->name[j];
			int64_t c = t->count[j];
			const cJSON *f = t->first[j];

			t->name[j] = t->name[j - 1];
			t->count[j] = t->count[j - 1];
			t->first[j] = t->first[j - 1];
			t->name[j - 1] = n;
			t->count[j - 1] = c;
			t->first[j - 1] = f;
		}
}

/* A one-series bar chart of a tally. */
static int
tally_bars(wf_buf *b, const char *title, const char *fill, const struct tally *t)
{
	struct wf_html_series s = { "count", fill };
	struct wf_html_bar *bars;
	size_t i;
	int rc;

	if (t->n == 0)
		return 0;
	if ((bars = calloc(t->n, sizeof *bars)) == NULL)
		return rpt_nomem();
	for (i = 0; i < t->n; i++) {
		bars[i].label = t->name[i][0] ? t->name[i] : "(none)";
		bars[i].v = &t->count[i];
	}
	rc = wf_html_bars(b, title, &s, 1, bars, t->n);
	free(bars);
	return rc ? rpt_nomem() : 0;
}

/* ---- the queue ------------------------------------------------------------------ */

static const char *const buckets[] = {
	"under 1 day", "1-3 days", "3-7 days", "7-30 days", "30 days or more" };
static const int64_t bucket_end[] = { 86400, 3 * 86400, 7 * 86400, 30 * 86400, INT64_MAX };
#define NBUCKET 5

static int
bucket(int64_t age)
{
	int i;

	for (i = 0; i < NBUCKET - 1 && age >= bucket_end[i]; i++)
		;
	return i;
}

static int
work_state(const char *s)
{
	return s && (strcmp(s, "open") == 0 || strcmp(s, "acknowledged") == 0 ||
	    strcmp(s, "in_progress") == 0);
}

static int
by_opened(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int64_t tx, ty;
	const char *kx, *ky;

	rj_time(x, "opened_at", &tx);
	rj_time(y, "opened_at", &ty);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	kx = rj_str(x, "exception");
	ky = rj_str(y, "exception");
	/* EX-9 before EX-10 */
	if (kx && ky && strlen(kx) != strlen(ky))
		return strlen(kx) < strlen(ky) ? -1 : 1;
	return strcmp(kx ? kx : "", ky ? ky : "");
}

int
rpt_queue(struct rpt *r, wf_buf *b)
{
	static const struct wf_html_series ages[NBUCKET] = {
		{ "under 1 day", "#f6c9a0" }, { "1-3 days", "#ef9a5b" },
		{ "3-7 days", "#e0672f" }, { "7-30 days", "#c0392b" },
		{ "30 days or more", "#7b1d14" } };
	struct tally kinds = {0}, owners = {0};
	int64_t *mat = NULL;
	struct wf_html_bar *bars = NULL;
	const cJSON **rows = NULL, *ex;
	size_t n = (size_t)cJSON_GetArraySize(r->queue), i, k;
	int rc = 0;

	if ((rows = calloc(n + 1, sizeof *rows)) == NULL)
		return rpt_nomem();
	i = 0;
	cJSON_ArrayForEach(ex, r->queue) {
		rows[i++] = ex;
		if (work_state(rj_str(ex, "state")))
			r->open_work++;
		else
			r->snoozed++;
		if (tally_add(&kinds, rj_str(ex, "kind"), 1, ex, NULL) != 0 ||
		    tally_add(&owners, rj_str(ex, "owner"), 1, ex, NULL) != 0) {
			rc = WF_ENOMEM;
			goto out;
		}
	}
	wf_sort(rows, n, sizeof *rows, by_opened);
	if (n > 0)
		wf_strlcpy(r->oldest_age, rj_str(rows[0], "age") ? rj_str(rows[0], "age") : "",
		    sizeof r->oldest_age);
	tally_sort(&kinds);
	tally_sort(&owners);
	rc |= rpt_open(b, "queue", "The queue",
	    "Exceptions not yet resolved or dismissed, as wf-alert list prints them: "
	    "by kind, by owner and age, and the oldest first with the next action.");
	if (n == 0) {
		rc |= wf_html_elem(b, "<p class=\"good\">", "The queue is empty: no exception "
		    "is open.", "</p>");
		goto close;
	}
	rc |= wf_buf_addf(b, "<p>%lld to work (open, acknowledged or in progress), "
	    "%lld snoozed.</p>", r->open_work, r->snoozed);
	rc |= wf_buf_adds(b, "<h3>By kind</h3>");
	rc |= tally_bars(b, "Exceptions by kind", "#2f6fb0", &kinds);
	/* owner x age */
	if ((mat = calloc(owners.n * NBUCKET + 1, sizeof *mat)) == NULL ||
	    (bars = calloc(owners.n + 1, sizeof *bars)) == NULL) {
		rc = WF_ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		int64_t opened;
		size_t o;

		rj_time(rows[i], "opened_at", &opened);
		if (tally_add(&owners, rj_str(rows[i], "owner"), 0, NULL, &o) != 0) {
			rc = WF_ENOMEM;
			goto out;
		}
		mat[o * NBUCKET + (size_t)bucket(r->now - opened)]++;
	}
	for (k = 0; k < owners.n; k++) {
		bars[k].label = owners.name[k];
		bars[k].v = mat + k * NBUCKET;
	}
	rc |= wf_buf_adds(b, "<h3>By owner and age</h3>");
	rc |= wf_html_bars(b, "Exceptions by owner and age", ages, NBUCKET, bars, owners.n);
	rc |= wf_buf_adds(b, "<table class=\"ages\"><thead><tr><th>Owner");
	for (k = 0; k < NBUCKET; k++)
		rc |= wf_buf_addf(b, "<th class=\"n\">%s", buckets[k]);
	rc |= wf_buf_adds(b, "<th class=\"n\">all</thead><tbody>\n");
	for (k = 0; k < owners.n; k++) {
		size_t j;

		rc |= wf_html_elem(b, "<tr><td>", owners.name[k], "</td>");
		for (j = 0; j < NBUCKET; j++)
			rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td>",
			    (long long)mat[k * NBUCKET + j]);
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td></tr>\n", (long long)owners.count[k]);
	}
	rc |= wf_buf_adds(b, "</tbody></table>");
	rc |= wf_buf_adds(b, "<h3>Oldest first</h3><table class=\"queue\"><colgroup>"
	    "<col style=\"width:8%\"><col style=\"width:13%\"><col style=\"width:13%\">"
	    "<col style=\"width:10%\"><col style=\"width:12%\"><col style=\"width:7%\">"
	    "<col style=\"width:5%\"><col></colgroup><thead><tr>"
	    "<th>Exception<th>Kind<th>Subject<th>Owner<th>State<th>Priority"
	    "<th>Age<th>Next action</thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const cJSON *e = rows[i];

		/* cells left open, as in the stock table: a long queue must fit */
		rc |= wf_html_elem(b, "<tr><td>", rj_str(e, "exception"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(e, "kind"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(e, "subject"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(e, "owner"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(e, "state"), "");
		rc |= wf_buf_addf(b, "<td>%lld", (long long)rj_int(e, "priority"));
		rc |= wf_html_elem(b, "<td>", rj_str(e, "age"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(e, "next_action"), "</tr>\n");
	}
	rc |= wf_buf_adds(b, "</tbody></table>");
close:
	rc |= rpt_close(b);
out:
	tally_free(&kinds);
	tally_free(&owners);
	free(mat);
	free(bars);
	free(rows);
	return rc ? rpt_nomem() : 0;
}

/* ---- orders ----------------------------------------------------------------------- */

/* The fulfilment states in the machine's order (wf-states(7)). */
static const char *const order_states[] = {
	"new", "promised", "reserved", "picked", "packed", "shipped", "delivered",
	"closed", "on_hold", "cancelled", "returned", "partially_returned", NULL };

static int
before_shipping(const char *s)
{
	static const char *const st[] = {
		"new", "promised", "reserved", "picked", "packed", "on_hold", NULL };
	size_t i;

	for (i = 0; s && st[i]; i++)
		if (strcmp(s, st[i]) == 0)
			return 1;
	return 0;
}

int
rpt_orders(struct rpt *r, wf_buf *b)
{
	struct wf_order_query q = { NULL, NULL, NULL, 0, 0 };
	struct tally states = {0}, finance = {0}, holds = {0};
	struct rpt_cap cap;
	const cJSON *o;
	long long past_promise = 0, total = 0;
	size_t i;
	int rc;

	q.has_since = r->o->has_since;
	q.since = r->o->since;
	if ((rc = rpt_capture(&cap)) != 0 ||
	    (rc = rpt_collect(&cap, wf_order_list(r->db, &q, cap.out), "order", &r->orders)) != 0)
		return rc;
	for (i = 0; order_states[i]; i++)
		if (tally_add(&states, order_states[i], 0, NULL, NULL) != 0)
			goto nomem;
	cJSON_ArrayForEach(o, r->orders) {
		const char *st = rj_str(o, "state");
		int64_t promise;

		total++;
		if (tally_add(&states, st, 1, o, NULL) != 0 ||
		    tally_add(&finance, rj_str(o, "finance_state"), 1, o, NULL) != 0)
			goto nomem;
		if (st && strcmp(st, "on_hold") == 0) {
			r->on_hold++;
			if (tally_add(&holds, rj_str(o, "hold_reason"), 1, o, NULL) != 0)
				goto nomem;
		}
		if (rj_time(o, "promise_by", &promise) && promise < r->now && before_shipping(st))
			past_promise++;
	}
	rc = rpt_open(b, "orders", "Orders", r->o->has_since ?
	    "Orders placed since the time given, by fulfilment and finance state, as "
	    "wf-order list --since prints them." :
	    "Every order by fulfilment and finance state, as wf-order list prints them.");
	if (total == 0) {
		rc |= rpt_missing(b, "No orders yet: import them with wf-order import "
		    "(wf-order(1)).");
		goto close;
	}
	/* the states no order is in are left out of the chart */
	for (i = 0; i < states.n; ) {
		if (states.count[i] == 0) {
			memmove(states.name + i, states.name + i + 1,
			    (states.n - i - 1) * sizeof *states.name);
			memmove(states.count + i, states.count + i + 1,
			    (states.n - i - 1) * sizeof *states.count);
			memmove(states.first + i, states.first + i + 1,
			    (states.n - i - 1) * sizeof *states.first);
			states.n--;
		} else
			i++;
	}
	rc |= wf_buf_addf(b, "<p>%lld order%s; <b>%lld</b> past its promise and not "
	    "shipped.</p>", total, total == 1 ? "" : "s", past_promise);
	rc |= wf_buf_adds(b, "<h3>By state</h3>");
	rc |= tally_bars(b, "Orders by fulfilment state", "#2f6fb0", &states);
	rc |= wf_buf_adds(b, "<table class=\"states\"><thead><tr><th>Fulfilment state"
	    "<th class=\"n\">Orders</thead><tbody>\n");
	for (i = 0; i < states.n; i++) {
		rc |= wf_html_elem(b, "<tr><td>", states.name[i], "</td>");
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td></tr>\n", (long long)states.count[i]);
	}
	rc |= wf_buf_adds(b, "</tbody></table><table class=\"finance\"><thead><tr>"
	    "<th>Finance state<th class=\"n\">Orders</thead><tbody>\n");
	tally_sort(&finance);
	for (i = 0; i < finance.n; i++) {
		rc |= wf_html_elem(b, "<tr><td>", finance.name[i], "</td>");
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td></tr>\n", (long long)finance.count[i]);
	}
	rc |= wf_buf_adds(b, "</tbody></table><h3>On hold, by reason</h3>");
	if (holds.n == 0)
		rc |= wf_html_elem(b, "<p class=\"good\">", "No order is on hold.", "</p>");
	else {
		tally_sort(&holds);
		rc |= wf_buf_adds(b, "<table class=\"holds\"><thead><tr><th>Reason"
		    "<th class=\"n\">Orders<th>For example</thead><tbody>\n");
		for (i = 0; i < holds.n; i++) {
			rc |= wf_html_elem(b, "<tr><td>", holds.name[i], "</td>");
			rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td>", (long long)holds.count[i]);
			rc |= wf_html_elem(b, "<td>", rj_str(holds.first[i], "order"), "</td></tr>\n");
		}
		rc |= wf_buf_adds(b, "</tbody></table>");
	}
	if (rc == 0 && (rc = rpt_promises(r, b)) != 0) {
		tally_free(&states);
		tally_free(&finance);
		tally_free(&holds);
		return rc;
	}
close:
	rc |= rpt_close(b);
	tally_free(&states);
	tally_free(&finance);
	tally_free(&holds);
	return rc ? rpt_nomem() : 0;
nomem:
	tally_free(&states);
	tally_free(&finance);
	tally_free(&holds);
	return rpt_nomem();
}

/* ---- money ------------------------------------------------------------------------ */

/* Money per provider and currency. */
struct purse {
	char    provider[40], currency[4];
	int64_t payouts, received, in_transit;
	int64_t charges, fees, refunds, disputes;
};

static struct purse *
purse_of(struct purse *p, size_t *n, size_t cap, const char *provider, const char *cur)
{
	size_t i;

	if (provider == NULL || cur == NULL)
		return NULL;
	for (i = 0; i < *n; i++)
		if (strcmp(p[i].provider, provider) == 0 && strcmp(p[i].currency, cur) == 0)
			return &p[i];
	if (*n == cap)
		return NULL;
	wf_strlcpy(p[*n].provider, provider, sizeof p[0].provider);
	wf_strlcpy(p[*n].currency, cur, sizeof p[0].currency);
	return &p[(*n)++];
}

static void
add(int64_t *to, int64_t v)
{
	if (wf_money_add(*to, v, to) != 0)
		*to = v < 0 ? -WF_MONEY_MAX : WF_MONEY_MAX;
}

#define PURSES 32

/* Where a payout's money is: 'r' received, 't' in transit, 0 nowhere (the
 * transfer failed or was cancelled).  The provider's status says so when
 * it is one of the common ones (Stripe's and Shopify's); otherwise a
 * payout has arrived when its arrival date is TODAY or before. */
static int
cash_state(const char *status, const char *arrival, const char *today)
{
	static const char *const received[] = { "paid", "deposited", NULL };
	static const char *const transit[] = { "in_transit", "pending", "scheduled", NULL };
	static const char *const none[] = { "failed", "canceled", "cancelled", NULL };
	size_t i;

	for (i = 0; status && received[i]; i++)
		if (strcmp(status, received[i]) == 0)
			return 'r';
	for (i = 0; status && transit[i]; i++)
		if (strcmp(status, transit[i]) == 0)
			return 't';
	for (i = 0; status && none[i]; i++)
		if (strcmp(status, none[i]) == 0)
			return 0;
	return arrival && strcmp(arrival, today) <= 0 ? 'r' : 't';
}

int
rpt_money_section(struct rpt *r, wf_buf *b)
{
	static const struct wf_payout_query pq = { NULL, NULL };
	static const struct wf_payout_line_query lq = { NULL, NULL, NULL, NULL, 0 };
	static const struct wf_html_series s[] = {
		{ "fees", "#e0a800" }, { "refunds", "#c0392b" }, { "disputes", "#7b1d14" } };
	struct purse p[PURSES];
	struct wf_html_bar bars[PURSES];
	int64_t v[PURSES * 3];
	char labels[PURSES][64], notes[PURSES][112];
	int64_t any = 0;
	struct rpt_sum paid = {0}, refunded = {0};
	cJSON *payouts = NULL, *lines = NULL;
	const cJSON *x;
	struct rpt_cap cap;
	char today[11];
	size_t n = 0, i;
	int rc;

	memset(p, 0, sizeof p);
	wf_date_format(r->now, today);
	if ((rc = rpt_capture(&cap)) != 0 ||
	    (rc = rpt_collect(&cap, wf_payout_list(r->db, &pq, cap.out), "payout",
	    &payouts)) != 0)
		return rc;
	if ((rc = rpt_capture(&cap)) != 0 ||
	    (rc = rpt_collect(&cap, wf_payout_lines(r->db, &lq, cap.out), "payout_line",
	    &lines)) != 0) {
		cJSON_Delete(payouts);
		return rc;
	}
	cJSON_ArrayForEach(x, payouts) {
		const char *arr = rj_str(x, "arrival");
		struct purse *pu;
		char since[11];

		if (r->o->has_since) {
			wf_date_format(r->o->since, since);
			if (arr == NULL || strcmp(arr, since) < 0)
				continue;
		}
		if ((pu = purse_of(p, &n, PURSES, rj_str(x, "provider"), rj_str(x, "currency"))) == NULL)
			continue;
		pu->payouts++;
		switch (cash_state(rj_str(x, "status"), arr, today)) {
		case 'r': add(&pu->received, rj_money(x, "amount", NULL)); break;
		case 't': add(&pu->in_transit, rj_money(x, "amount", NULL)); break;
		default:  break;         /* failed or cancelled: no money moves */
		}
	}
	cJSON_ArrayForEach(x, lines) {
		const char *cat = rj_str(x, "category");
		struct purse *pu;
		int64_t posted;

		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "is_payout")) || cat == NULL)
			continue;
		if (r->o->has_since && (!rj_time(x, "posted_at", &posted) || posted < r->o->since))
			continue;
		if ((pu = purse_of(p, &n, PURSES, rj_str(x, "provider"), rj_str(x, "currency"))) == NULL)
			continue;
		add(&pu->fees, rj_money(x, "fee", NULL));
		if (strcmp(cat, "charge") == 0)
			add(&pu->charges, rj_money(x, "gross", NULL));
		else if (strcmp(cat, "refund") == 0)
			add(&pu->refunds, -rj_money(x, "gross", NULL));
		else if (strcmp(cat, "dispute") == 0)
			add(&pu->disputes, -rj_money(x, "gross", NULL));
	}
	cJSON_ArrayForEach(x, r->orders) {
		rpt_sum_add(&paid, rj_str(x, "currency"), rj_money(x, "paid", NULL));
		rpt_sum_add(&refunded, rj_str(x, "currency"), rj_money(x, "refunded", NULL));
	}
	rc = rpt_open(b, "money", "Money",
	    "Where each SKU's and channel's revenue went (wf-reconcile margin), the cash "
	    "still expected (wf-reconcile cash), payouts and the fees and refunds in their "
	    "lines (wf-reconcile list and lines), and what the orders record as paid and "
	    "refunded.");
	if (rc == 0 && ((rc = rpt_margin(r, b)) != 0 || (rc = rpt_cash_expected(r, b)) != 0)) {
		cJSON_Delete(payouts);
		cJSON_Delete(lines);
		return rc;
	}
	rc |= wf_buf_adds(b, "<h3>Payouts</h3>");
	if (n == 0)
		rc |= rpt_missing(b, "no payouts imported yet: see wf-reconcile(1)");
	else {
		rc |= wf_buf_adds(b, "<table class=\"cash\"><thead><tr><th>Provider"
		    "<th>Currency<th class=\"n\">Payouts<th class=\"n\">Received"
		    "<th class=\"n\">In transit<th class=\"n\">Charges<th class=\"n\">Fees"
		    "<th class=\"n\">Refunds<th class=\"n\">Disputes</thead><tbody>\n");
		for (i = 0; i < n; i++) {
			const char *c = p[i].currency;
			const int64_t cell[] = { p[i].received, p[i].in_transit, p[i].charges,
				p[i].fees, p[i].refunds, p[i].disputes };
			size_t k;

			rc |= wf_html_elem(b, "<tr><td>", p[i].provider, "</td>");
			rc |= wf_html_elem(b, "<td>", c, "</td>");
			rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td>", (long long)p[i].payouts);
			for (k = 0; k < sizeof cell / sizeof cell[0]; k++) {
				rc |= wf_buf_adds(b, "<td class=\"n\">");
				rc |= rpt_money(b, cell[k], c, 0);
				rc |= wf_buf_adds(b, "</td>");
			}
			rc |= wf_buf_adds(b, "</tr>\n");
			if (snprintf(labels[i], sizeof labels[i], "%s (%s)", p[i].provider, c) < 0)
				labels[i][0] = '\0';
			v[3 * i] = p[i].fees;
			v[3 * i + 1] = p[i].refunds;
			v[3 * i + 2] = p[i].disputes;
			any |= p[i].fees | p[i].refunds | p[i].disputes;
			{
				char f[32], rf[32], d[32];

				wf_money_format(p[i].fees, c, f, sizeof f);
				wf_money_format(p[i].refunds, c, rf, sizeof rf);
				wf_money_format(p[i].disputes, c, d, sizeof d);
				snprintf(notes[i], sizeof notes[i], "%s / %s / %s", f, rf, d);
			}
			bars[i].label = labels[i];
			bars[i].v = v + 3 * i;
			bars[i].note = notes[i];
		}
		rc |= wf_buf_addf(b, "</tbody></table><p class=\"more\">Received: payouts the "
		    "provider calls paid, or without such a status whose arrival date is %s or "
		    "earlier; in transit: in_transit, pending or scheduled ones, and later "
		    "arrivals; failed and cancelled ones in neither.</p>", today);
		if (any)
			rc |= wf_html_bars(b, "Fees / refunds / disputes per provider and currency",
			    s, 3, bars, n);
	}
	rc |= wf_buf_adds(b, "<h3>On the orders</h3><p>Paid: ");
	rc |= rpt_sum_text(b, &paid);
	rc |= wf_buf_adds(b, "; refunded: ");
	rc |= rpt_sum_text(b, &refunded);
	rc |= wf_buf_adds(b, ".</p>");
	rc |= rpt_close(b);
	cJSON_Delete(payouts);
	cJSON_Delete(lines);
	return rc ? rpt_nomem() : 0;
}
