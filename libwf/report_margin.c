/* report_margin.c - the report's parts drawn from the analysis commands:
 * where margin goes, by SKU and by channel (wf-reconcile margin), the cash
 * still expected (wf-reconcile cash), and promises kept by warehouse and
 * carrier (wf-order promises).  Each is the records those calls print, so
 * the page and the CLI cannot disagree.
 *
 * No table of its own: it reads only through those calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"
#include "wf_error.h"
#include "wf_html.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_payout.h"

#define TOP 30                 /* rows of a margin chart and table */

/* The records a call that writes to the db's writer emits. */
static int
collect_db(struct rpt *r, int (*call)(struct rpt *r, const void *q), const void *q,
    const char *type, cJSON **list)
{
	wf_out *was = wf_db_out(r->db);
	struct rpt_cap cap;
	int rc;

	if ((rc = rpt_capture(&cap)) != 0)
		return rc;
	wf_db_set_out(r->db, cap.out);
	rc = call(r, q);
	wf_db_set_out(r->db, was);
	return rpt_collect(&cap, rc, type, list);
}

static int
call_margin(struct rpt *r, const void *q)
{
	return wf_reconcile_margin(r->db, q);
}

static int
call_cash(struct rpt *r, const void *q)
{
	(void)q;
	return wf_reconcile_cash(r->db, NULL);
}

/* ---- margin ---------------------------------------------------------------- */

static int
by_revenue(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int64_t u = rj_money(x, "revenue", NULL), v = rj_money(y, "revenue", NULL);
	int c = strcmp(rj_str(x, "currency") ? rj_str(x, "currency") : "",
	    rj_str(y, "currency") ? rj_str(y, "currency") : "");

	return c ? c : u > v ? -1 : u < v;
}

/* One breakdown (BY is "sku" or "channel"): where each group's revenue
 * went, as stacked bars, and the same numbers in a table. */
static int
margin_by(struct rpt *r, wf_buf *b, const char *by, const char *title)
{
	static const struct wf_html_series s[] = {
		{ "COGS", "#8a93a2" }, { "fees", "#e0a800" }, { "shipping", "#5b8fc7" },
		{ "refunds and chargebacks", "#c0392b" }, { "margin", "#2f7d4f" } };
	static const char *const cols[] = {
		"revenue", "cogs", "payment_fees", "marketplace_fees", "shipping_cost",
		"refunds", "chargebacks", "margin" };
	struct wf_margin_query q;
	struct wf_html_bar bars[TOP];
	int64_t v[TOP * 5];
	char labels[TOP][96], notes[TOP][96];
	const cJSON **row = NULL, *x;
	cJSON *list = NULL;
	size_t n = 0, i, k, shown;
	int rc;

	memset(&q, 0, sizeof q);
	q.by = by;
	q.has_since = r->o->has_since;
	q.since = r->o->since;
	if ((rc = collect_db(r, call_margin, &q, "margin", &list)) != 0)
		return rc;
	n = (size_t)cJSON_GetArraySize(list);
	rc = wf_buf_addf(b, "<h3>%s</h3>", title);
	if (n == 0) {
		rc |= rpt_missing(b, "No shipped order to count yet: see wf-reconcile margin "
		    "(wf-reconcile(1)).");
		cJSON_Delete(list);
		return rc ? rpt_nomem() : 0;
	}
	if ((row = malloc(n * sizeof *row)) == NULL) {
		cJSON_Delete(list);
		return rpt_nomem();
	}
	i = 0;
	cJSON_ArrayForEach(x, list)
		row[i++] = x;
	wf_sort(row, n, sizeof *row, by_revenue);
	shown = n < TOP ? n : TOP;
	for (i = 0; i < shown; i++) {
		const char *cur = rj_str(row[i], "currency");
		int64_t *w = v + 5 * i;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(row[i], "margin");
		char mt[32] = "no margin";

		w[0] = rj_money(row[i], "cogs", NULL);
		w[1] = rj_money(row[i], "payment_fees", NULL) +
		    rj_money(row[i], "marketplace_fees", NULL);
		w[2] = rj_money(row[i], "shipping_cost", NULL);
		w[3] = rj_money(row[i], "refunds", NULL) + rj_money(row[i], "chargebacks", NULL);
		w[4] = rj_money(row[i], "margin", NULL);
		if (cJSON_IsString(m))
			wf_money_format(rj_money(row[i], "margin", NULL), cur ? cur : "EUR", mt,
			    sizeof mt);
		snprintf(labels[i], sizeof labels[i], "%s (%s)", rj_str(row[i], by) ?
		    rj_str(row[i], by) : "-", cur ? cur : "-");
		snprintf(notes[i], sizeof notes[i], "margin %s%s%s%s", mt,
		    rj_str(row[i], "margin_pct") ? " (" : "",
		    rj_str(row[i], "margin_pct") ? rj_str(row[i], "margin_pct") : "",
		    rj_str(row[i], "margin_pct") ? "%)" : "");
		bars[i].label = labels[i];
		bars[i].v = w;
		bars[i].note = notes[i];
	}
	rc |= wf_html_bars(b, title, s, 5, bars, shown);
	if (n > shown)
		rc |= wf_buf_addf(b, "<p class=\"more\">The %zu largest by revenue of %zu; "
		    "wf-reconcile margin --by %s lists every one.</p>", shown, n, by);
	rc |= wf_buf_addf(b, "<table class=\"margin-%s\"><thead><tr><th>%s<th>Currency"
	    "<th class=\"n\">Orders<th class=\"n\">Revenue<th class=\"n\">COGS"
	    "<th class=\"n\">Payment fees<th class=\"n\">Marketplace fees"
	    "<th class=\"n\">Shipping<th class=\"n\">Refunds<th class=\"n\">Chargebacks"
	    "<th class=\"n\">Margin<th class=\"n\">%%<th>Basis</thead><tbody>\n", by,
	    strcmp(by, "sku") == 0 ? "SKU" : "Channel");
	for (i = 0; i < shown; i++) {
		rc |= wf_html_elem(b, "<tr><td>", rj_str(row[i], by), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(row[i], "currency"), "</td>");
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td>",
		    (long long)rj_int(row[i], "orders"));
		for (k = 0; k < sizeof cols / sizeof cols[0]; k++)
			rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(row[i], cols[k]) ?
			    rj_str(row[i], cols[k]) : "-", "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(row[i], "margin_pct") ?
		    rj_str(row[i], "margin_pct") : "-", "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(row[i], "basis"), "</td></tr>\n");
	}
	rc |= wf_buf_adds(b, "</tbody></table>");
	free(row);
	cJSON_Delete(list);
	return rc ? rpt_nomem() : 0;
}

int
rpt_margin(struct rpt *r, wf_buf *b)
{
	int rc;

	if ((rc = margin_by(r, b, "sku", "Margin by SKU")) != 0)
		return rc;
	return margin_by(r, b, "channel", "Margin by channel");
}

int
rpt_cash_expected(struct rpt *r, wf_buf *b)
{
	cJSON *list = NULL;
	const cJSON *x;
	int rc, any = 0;

	if ((rc = collect_db(r, call_cash, NULL, "cash", &list)) != 0)
		return rc;
	rc = wf_buf_adds(b, "<h3>Cash expected</h3>");
	cJSON_ArrayForEach(x, list)
		any |= rj_money(x, "expected", NULL) != 0 || rj_money(x, "held", NULL) != 0;
	if (!any) {
		rc |= wf_html_elem(b, "<p class=\"good\">",
		    "Nothing paid is waiting for a payout, and nothing is held.", "</p>");
		cJSON_Delete(list);
		return rc ? rpt_nomem() : 0;
	}
	rc |= wf_buf_adds(b, "<table class=\"expected\"><thead><tr><th>Provider<th>Currency"
	    "<th class=\"n\">Expected<th class=\"n\">In transit<th class=\"n\">Received"
	    "<th class=\"n\">Held</thead><tbody>\n");
	cJSON_ArrayForEach(x, list) {
		rc |= wf_html_elem(b, "<tr><td>", rj_str(x, "provider") ? rj_str(x, "provider") :
		    "not known yet", "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "currency"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "expected"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "in_transit"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "received"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "held"), "</td></tr>\n");
	}
	rc |= wf_buf_adds(b, "</tbody></table><p class=\"more\">As wf-reconcile cash prints "
	    "it: expected is what orders paid that is in no payout yet; held is reserves "
	    "and open disputes.</p>");
	cJSON_Delete(list);
	return rc ? rpt_nomem() : 0;
}

/* ---- promises ---------------------------------------------------------------- */

int
rpt_promises(struct rpt *r, wf_buf *b)
{
	static const struct wf_html_series s[] = {
		{ "on time", "#2f7d4f" }, { "late", "#c0392b" }, { "open", "#8a93a2" } };
	struct wf_promise_query q;
	struct wf_html_bar *bars = NULL;
	int64_t *v = NULL;
	char (*labels)[96] = NULL, (*notes)[64] = NULL;
	struct rpt_cap cap;
	cJSON *list = NULL;
	const cJSON *x;
	size_t n, i = 0;
	int rc;

	memset(&q, 0, sizeof q);
	q.has_since = r->o->has_since;
	q.since = r->o->since;
	if ((rc = rpt_capture(&cap)) != 0 ||
	    (rc = rpt_collect(&cap, wf_order_promises(r->db, &q, cap.out), "promises",
	    &list)) != 0)
		return rc;
	rc = wf_buf_adds(b, "<h3>Promises kept, by warehouse and carrier</h3>");
	n = (size_t)cJSON_GetArraySize(list);
	if (n == 0) {
		rc |= rpt_missing(b, "No order with a promise has shipped yet: see wf-order "
		    "promises (wf-order(1)).");
		cJSON_Delete(list);
		return rc ? rpt_nomem() : 0;
	}
	if ((bars = calloc(n, sizeof *bars)) == NULL || (v = calloc(n * 3, sizeof *v)) == NULL ||
	    (labels = calloc(n, sizeof *labels)) == NULL ||
	    (notes = calloc(n, sizeof *notes)) == NULL) {
		rc = 1;
		goto out;
	}
	rc |= wf_buf_adds(b, "<table class=\"promises\"><thead><tr><th>Warehouse<th>Carrier"
	    "<th class=\"n\">Shipped<th class=\"n\">Delivered<th class=\"n\">On time"
	    "<th class=\"n\">Late<th class=\"n\">Open<th class=\"n\">Overdue"
	    "<th class=\"n\">Rate</thead><tbody>\n");
	cJSON_ArrayForEach(x, list) {
		const char *rate = rj_str(x, "rate");

		rc |= wf_html_elem(b, "<tr><td>", rj_str(x, "warehouse"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "carrier") ? rj_str(x, "carrier") : "-",
		    "</td>");
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		    "<td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
		    "<td class=\"n\">%lld</td>", (long long)rj_int(x, "shipped"),
		    (long long)rj_int(x, "delivered"), (long long)rj_int(x, "on_time"),
		    (long long)rj_int(x, "late"), (long long)rj_int(x, "open"),
		    (long long)rj_int(x, "overdue"));
		rc |= wf_html_elem(b, "<td class=\"n\">", rate ? rate : "-", "</td></tr>\n");
		snprintf(labels[i], sizeof labels[i], "%s / %s", rj_str(x, "warehouse") ?
		    rj_str(x, "warehouse") : "-", rj_str(x, "carrier") ? rj_str(x, "carrier") : "-");
		snprintf(notes[i], sizeof notes[i], "rate %s", rate ? rate : "-");
		v[3 * i] = rj_int(x, "on_time");
		v[3 * i + 1] = rj_int(x, "late");
		v[3 * i + 2] = rj_int(x, "open");
		bars[i].label = labels[i];
		bars[i].v = v + 3 * i;
		bars[i].note = notes[i];
		i++;
	}
	rc |= wf_buf_adds(b, "</tbody></table>");
	rc |= wf_html_bars(b, "Shipped legs by warehouse and carrier: on time, late, open",
	    s, 3, bars, n);
	rc |= wf_buf_adds(b, "<p class=\"more\">As wf-order promises prints them: the rate "
	    "is on time over delivered; open legs are shipped and not delivered, overdue "
	    "those of them past their promise.</p>");
out:
	free(bars);
	free(v);
	free(labels);
	free(notes);
	cJSON_Delete(list);
	return rc ? rpt_nomem() : 0;
}
