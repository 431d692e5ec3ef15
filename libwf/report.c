/*
 * report.c - `wf report`: the operator's morning page (wf_report.h).
 *
 * This file builds the page: the capture of the tools' records, the head
 * and summary, and the sections stock cover, suppliers and stock;
 * report_ops.c has the queue, orders and money.  No SQL: every number
 * comes from the call the matching command makes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_priv.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_html.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_po.h"
#include "wf_risk.h"
#include "wf_stock.h"
#include "wf_time.h"

/* ---- capture and field readers --------------------------------------------- */

int
rpt_capture(struct rpt_cap *cap)
{
	memset(cap, 0, sizeof *cap);
	if ((cap->f = open_memstream(&cap->p, &cap->n)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (wf_out_new(&cap->out, cap->f, WF_FMT_JSONL) != 0) {
		fclose(cap->f);
		free(cap->p);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return 0;
}

int
rpt_collect(struct rpt_cap *cap, int rc, const char *type, cJSON **list)
{
	int frc = wf_out_finish(cap->out);
	char *s, *nl;

	wf_out_free(cap->out);
	if (fclose(cap->f) != 0 && frc == 0)
		frc = wf_error_set(WF_ENOMEM, "out of memory");
	*list = NULL;
	if (rc == 0)
		rc = frc;
	if (rc == 0 && (*list = cJSON_CreateArray()) == NULL)
		rc = wf_error_set(WF_ENOMEM, "out of memory");
	for (s = cap->p; rc == 0 && s && *s; s = nl + 1) {
		cJSON *rec;

		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s) - 1;
		if ((rc = wf_json_parse(s, (size_t)(nl - s) + (*nl != '\n'), &rec)) != 0)
			break;
		if (type == NULL || (rj_str(rec, "type") && strcmp(rj_str(rec, "type"), type) == 0))
			cJSON_AddItemToArray(*list, rec);
		else
			cJSON_Delete(rec);
	}
	free(cap->p);
	if (rc != 0) {
		cJSON_Delete(*list);
		*list = NULL;
	}
	return rc;
}

const char *
rj_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t
rj_int(const cJSON *o, const char *key)
{
	const char *lex = wf_json_lexeme(cJSON_GetObjectItemCaseSensitive(o, key));
	return lex ? strtoll(lex, NULL, 10) : 0;
}

int
rj_time(const cJSON *o, const char *key, int64_t *t)
{
	const char *s = rj_str(o, key);

	*t = 0;
	return s && wf_time_parse(s, t) == 0;
}

int64_t
rj_money(const cJSON *o, const char *key, const char *cur)
{
	const char *s = rj_str(o, key);
	int64_t v = 0;

	if (cur == NULL)
		cur = rj_str(o, "currency");
	if (s == NULL || cur == NULL || wf_money_parse(s, cur, &v) != 0)
		return 0;
	return v;
}

void
rpt_sum_add(struct rpt_sum *s, const char *cur, int64_t v)
{
	size_t i;

	if (cur == NULL)
		return;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->cur[i], cur) == 0) {
			if (wf_money_add(s->v[i], v, &s->v[i]) != 0)
				s->v[i] = v < 0 ? -WF_MONEY_MAX : WF_MONEY_MAX;
			return;
		}
	if (s->n == RPT_CUR)
		return;
	wf_strlcpy(s->cur[s->n], cur, sizeof s->cur[0]);
	s->v[s->n++] = v;
}

int
rpt_money(wf_buf *b, int64_t v, const char *cur, int with_cur)
{
	char m[32];

	if (wf_money_format(v, cur, m, sizeof m) != 0)
		return wf_buf_addf(b, "%lld", (long long)v);
	return with_cur ? wf_buf_addf(b, "%s %s", m, cur) : wf_buf_adds(b, m);
}

int
rpt_sum_text(wf_buf *b, const struct rpt_sum *s)
{
	size_t i;
	int rc = 0;

	if (s->n == 0)
		return wf_buf_adds(b, "0");
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			rc |= wf_buf_adds(b, ", ");
		rc |= rpt_money(b, s->v[i], s->cur[i], 1);
	}
	return rc ? WF_ENOMEM : 0;
}

int
rpt_open(wf_buf *b, const char *id, const char *title, const char *lead)
{
	int rc = wf_buf_addf(b, "<section id=\"%s\"><h2>", id);

	rc |= wf_html_text(b, title);
	rc |= wf_buf_adds(b, "</h2>");
	if (lead)
		rc |= wf_html_elem(b, "<p class=\"lead\">", lead, "</p>");
	return rc ? WF_ENOMEM : 0;
}

int
rpt_nomem(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

int
rpt_close(wf_buf *b)
{
	return wf_buf_adds(b, "</section>\n");
}

int
rpt_missing(wf_buf *b, const char *text)
{
	return wf_html_elem(b, "<p class=\"missing\">", text, "</p>");
}

void
rpt_age(char out[32], int64_t s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(out, 32, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(out, 32, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, 32, "%lldm", (long long)(s / 60));
}

/* ---- lookups by key --------------------------------------------------------- */

/* An index of a list's records by one or two string members, for
 * bsearch(). */
struct ix {
	const char *k1, *k2;
	const cJSON *rec;
};

static int
ix_cmp(const void *a, const void *b)
{
	const struct ix *x = a, *y = b;
	int c = strcmp(x->k1, y->k1);
	return c ? c : strcmp(x->k2 ? x->k2 : "", y->k2 ? y->k2 : "");
}

/* Index LIST by K1 (and K2, or NULL); records without K1 are left out. */
static int
ix_build(struct ix **ix, size_t *n, const cJSON *list, const char *k1, const char *k2)
{
	const cJSON *rec;
	size_t i = 0;

	*n = 0;
	if ((*ix = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof **ix)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	cJSON_ArrayForEach(rec, list) {
		if (rj_str(rec, k1) == NULL)
			continue;
		(*ix)[i].k1 = rj_str(rec, k1);
		(*ix)[i].k2 = k2 ? rj_str(rec, k2) : NULL;
		(*ix)[i++].rec = rec;
	}
	wf_sort(*ix, i, sizeof **ix, ix_cmp);
	*n = i;
	return 0;
}

static const cJSON *
ix_find(const struct ix *ix, size_t n, const char *k1, const char *k2)
{
	struct ix key = { k1, k2, NULL };
	const struct ix *hit = bsearch(&key, ix, n, sizeof *ix, ix_cmp);
	return hit ? hit->rec : NULL;
}

/* ---- POs: open, due, late ----------------------------------------------------- */

/* Whether a PO in STATE is still to arrive. */
static int
po_open(const char *state)
{
	return state && (strcmp(state, "sent") == 0 || strcmp(state, "confirmed") == 0 ||
	    strcmp(state, "partially_received") == 0);
}

/* When a PO is due: its confirmed date, else its expected one (wf_po.h). */
static int
po_due(const cJSON *po, int64_t *due)
{
	return rj_time(po, "confirmed_for", due) || rj_time(po, "expected", due);
}

/* ---- stock cover ---------------------------------------------------------------- */

/* The risk statuses that put a SKU on the page: the stock-risk exception
 * kinds but overstock (wf_risk.h). */
static int
at_risk(const char *status)
{
	static const char *const st[] = { "stockout_now", "stockout_before_po",
		"order_by_passed", "below_reorder_point", "orders_short", NULL };
	size_t i;

	for (i = 0; status && st[i]; i++)
		if (strcmp(status, st[i]) == 0)
			return 1;
	return 0;
}

/* A decimal with one place ("366.7") in tenths; 0 for null. */
static int64_t
tenths(const cJSON *o, const char *key)
{
	const char *s = rj_str(o, key), *dot;
	int64_t v;

	if (s == NULL)
		return 0;
	v = strtoll(s, NULL, 10) * 10;
	if ((dot = strchr(s, '.')) != NULL && dot[1] >= '0' && dot[1] <= '9')
		v += dot[1] - '0';
	return v;
}

/* The stockout date of a risk record, for sorting: its day, or far away. */
static int64_t
runs_out(const cJSON *x)
{
	int64_t t;
	return rj_time(x, "stockout_first", &t) ? t : INT64_MAX;
}

static int
cover_cmp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int64_t tx = runs_out(x), ty = runs_out(y);
	int c;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	if ((c = strcmp(rj_str(x, "sku"), rj_str(y, "sku"))) != 0)
		return c;
	return strcmp(rj_str(x, "warehouse"), rj_str(y, "warehouse"));
}

#define COVER_MAX 30

/* The SKUs at risk, as `wf-alert risk` prints them (its default options),
 * into *ROWS: the records whose status is a stock-risk kind other than
 * overstock, the earliest to run out first; *N of them (at most
 * COVER_MAX), *MORE left out.  This is the one function that knows where
 * the cover numbers come from. */
static int
cover_rows(struct rpt *r, cJSON **risk, const cJSON ***rows, size_t *n, size_t *more)
{
	struct wf_risk_opts o;
	struct rpt_cap cap;
	const cJSON *x;
	int rc;

	*n = *more = 0;
	*rows = NULL;
	wf_risk_defaults(&o);
	if ((rc = rpt_capture(&cap)) != 0 ||
	    (rc = rpt_collect(&cap, wf_risk_list(r->db, &o, cap.out), "risk", risk)) != 0)
		return rc;
	if ((*rows = calloc((size_t)cJSON_GetArraySize(*risk) + 1, sizeof **rows)) == NULL)
		return rpt_nomem();
	cJSON_ArrayForEach(x, *risk) {
		const char *st = rj_str(x, "status");

		if (st && strcmp(st, "stockout_now") == 0)
			r->out_of_stock++;
		if (at_risk(st) && rj_str(x, "sku") && rj_str(x, "warehouse"))
			(*rows)[(*n)++] = x;
	}
	wf_sort(*rows, *n, sizeof **rows, cover_cmp);
	if (*n > COVER_MAX) {
		*more = *n - COVER_MAX;
		*n = COVER_MAX;
	}
	return 0;
}

static int
section_cover(struct rpt *r, wf_buf *b)
{
	static const struct wf_html_series days[] = { { "days of cover", "#2f7d4f" } };
	cJSON *risk = NULL;
	const cJSON **rows = NULL;
	struct wf_html_bar *bars = NULL;
	struct wf_html_mark *marks = NULL;
	int64_t *v = NULL;
	char (*labels)[160] = NULL, (*notes)[96] = NULL, (*mnotes)[64] = NULL;
	size_t n, more, i, nm = 0;
	int rc;

	if ((rc = cover_rows(r, &risk, &rows, &n, &more)) != 0)
		goto out;
	rc = rpt_open(b, "cover", "Stock cover",
	    "SKUs at risk, as wf-alert risk reckons them: days of cover against lead "
	    "time, and when the projected stock runs out against the next receipt.");
	if (rc == 0 && n == 0)
		rc = wf_html_elem(b, "<p class=\"good\">", "Nothing at risk: wf-alert risk "
		    "finds no SKU out of stock, short of orders, or below its reorder point.",
		    "</p>");
	if (rc == 0 && n > 0) {
		bars = calloc(n, sizeof *bars);
		marks = calloc(n, sizeof *marks);
		v = calloc(n, sizeof *v);
		labels = calloc(n, sizeof *labels);
		notes = calloc(n, sizeof *notes);
		mnotes = calloc(n, sizeof *mnotes);
		if (!bars || !marks || !v || !labels || !notes || !mnotes)
			rc = WF_ENOMEM;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		const cJSON *x = rows[i];
		const char *lt = rj_str(x, "lead_time_days"), *cov = rj_str(x, "cover_days");
		const char *nr = rj_str(x, "next_receipt");
		int64_t out_at;

		if (snprintf(labels[i], sizeof labels[i], "%s @ %s", rj_str(x, "sku"),
		    rj_str(x, "warehouse")) < 0)
			labels[i][0] = '\0';
		v[i] = tenths(x, "cover_days");
		if (snprintf(notes[i], sizeof notes[i], "%s d cover, lead time %s d",
		    cov ? cov : "-", lt ? lt : "-") < 0)
			notes[i][0] = '\0';
		bars[i].label = labels[i];
		bars[i].v = &v[i];
		bars[i].note = notes[i];
		if (rj_time(x, "stockout_first", &out_at)) {
			int64_t rcpt;
			int before = !rj_time(x, "next_receipt", &rcpt) || out_at < rcpt;

			if (snprintf(mnotes[nm], sizeof mnotes[nm], "out %s%s%s",
			    rj_str(x, "stockout_first"), nr ? ", receipt " : "", nr ? nr : "") < 0)
				mnotes[nm][0] = '\0';
			marks[nm].label = labels[i];
			marks[nm].at = out_at;
			marks[nm].late = before;
			marks[nm].note = mnotes[nm];
			nm++;
		}
	}
	if (rc == 0 && n > 0)
		rc = wf_html_bars(b, "Days of cover, with the lead time beside", days, 1, bars, n);
	if (rc == 0 && nm > 0)
		rc = wf_html_timeline(b, "When the projected stock runs out (red: before the "
		    "next receipt)", r->now, marks, nm);
	if (rc == 0 && n > 0)
		rc = wf_buf_adds(b, "<table class=\"cover\"><thead><tr><th>SKU<th>Warehouse"
		    "<th>Status<th class=\"n\">Available<th class=\"n\">On order"
		    "<th class=\"n\">Daily demand<th class=\"n\">Cover (days)"
		    "<th class=\"n\">Lead time (days)<th>Runs out<th>Next receipt<th>Order by"
		    "</thead><tbody>\n");
	for (i = 0; rc == 0 && i < n; i++) {
		const cJSON *x = rows[i];

		rc |= wf_html_elem(b, "<tr><td>", rj_str(x, "sku"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "warehouse"), "</td>");
		rc |= wf_html_elem(b, "<td><span class=\"badge bad\">", rj_str(x, "status"),
		    "</span></td>");
		rc |= wf_buf_addf(b, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>",
		    (long long)rj_int(x, "available"),
		    (long long)(rj_int(x, "on_order") + rj_int(x, "overdue_on_order")));
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "daily_demand"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "cover_days"), "</td>");
		rc |= wf_html_elem(b, "<td class=\"n\">", rj_str(x, "lead_time_days"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "stockout_first"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "next_receipt"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(x, "order_by"), "</td></tr>\n");
	}
	if (rc == 0 && n > 0)
		rc = wf_buf_adds(b, "</tbody></table>");
	if (rc == 0 && more > 0)
		rc = wf_buf_addf(b, "<p class=\"more\">%zu more not shown "
		    "(wf-alert risk lists every one).</p>", more);
	if (rc == 0)
		rc = rpt_close(b);
	if (rc != 0)             /* past cover_rows(), only the buffer fails */
		rc = rpt_nomem();
out:
	cJSON_Delete(risk);
	free(rows);
	free(bars);
	free(marks);
	free(v);
	free(labels);
	free(notes);
	free(mnotes);
	return rc;
}

/* ---- suppliers -------------------------------------------------------------- */

struct po_row {
	const cJSON *po;
	int64_t      due;
	int64_t      units, value;
};

static int
po_row_cmp(const void *a, const void *b)
{
	const struct po_row *x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return strcmp(rj_str(x->po, "po"), rj_str(y->po, "po"));
}

static int
section_suppliers(struct rpt *r, wf_buf *b, const cJSON *pos)
{
	struct po_row *rows;
	struct wf_html_mark *marks = NULL;
	char (*labels)[160] = NULL, (*notes)[64] = NULL;
	const cJSON *po;
	size_t n = 0, i, drafts = 0;
	int rc;

	if ((rows = calloc((size_t)cJSON_GetArraySize(pos) + 1, sizeof *rows)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	cJSON_ArrayForEach(po, pos) {
		const char *st = rj_str(po, "state"), *cur = rj_str(po, "currency");
		const cJSON *l;

		if (st && strcmp(st, "draft") == 0)
			drafts++;
		if (!po_open(st) || rj_str(po, "po") == NULL)
			continue;
		rows[n].po = po;
		if (!po_due(po, &rows[n].due))
			rows[n].due = r->now;
		cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(po, "lines")) {
			int64_t open = rj_int(l, "open"), lv = 0;

			rows[n].units += open;
			if (cur && wf_money_mul(rj_money(l, "unit_cost", cur), open, &lv) == 0)
				wf_money_add(rows[n].value, lv, &rows[n].value);
		}
		if (rows[n].due < r->now)
			r->late_pos++;
		n++;
	}
	wf_sort(rows, n, sizeof *rows, po_row_cmp);
	rc = rpt_open(b, "suppliers", "Suppliers",
	    "Open purchase orders by the date they are due (confirmed, else expected); "
	    "late ones first and in red.");
	if (rc == 0 && n == 0)
		rc = rpt_missing(b, "No open purchase orders: nothing is on its way "
		    "(wf-po create and wf-po send order stock; see wf-po(1)).");
	if (rc == 0 && n > 0) {
		marks = calloc(n, sizeof *marks);
		labels = calloc(n, sizeof *labels);
		notes = calloc(n, sizeof *notes);
		if (!marks || !labels || !notes)
			rc = wf_error_set(WF_ENOMEM, "out of memory");
	}
	for (i = 0; rc == 0 && i < n; i++) {
		int64_t days = (rows[i].due - r->now) / 86400;

		snprintf(labels[i], sizeof labels[i], "%s %s \xe2\x86\x92 %s",
		    rj_str(rows[i].po, "po"), rj_str(rows[i].po, "supplier") ?
		    rj_str(rows[i].po, "supplier") : "", rj_str(rows[i].po, "warehouse") ?
		    rj_str(rows[i].po, "warehouse") : "");
		if (rows[i].due < r->now)
			snprintf(notes[i], sizeof notes[i], "%lld units, %lld d late",
			    (long long)rows[i].units, (long long)((r->now - rows[i].due) / 86400));
		else
			snprintf(notes[i], sizeof notes[i], "%lld units, in %lld d",
			    (long long)rows[i].units, (long long)days);
		marks[i].label = labels[i];
		marks[i].at = rows[i].due;
		marks[i].late = rows[i].due < r->now;
		marks[i].note = notes[i];
	}
	if (rc == 0 && n > 0)
		rc = wf_html_timeline(b, "Open purchase orders by due date", r->now, marks, n);
	if (rc == 0 && n > 0)
		rc = wf_buf_adds(b, "<table class=\"pos\"><thead><tr><th>PO<th>Supplier"
		    "<th>Warehouse<th>State<th>Due<th class=\"n\">Open units"
		    "<th class=\"n\">Open value<th>Status</thead><tbody>\n");
	for (i = 0; rc == 0 && i < n; i++) {
		const cJSON *p = rows[i].po;
		char d[11], age[32];
		int late = rows[i].due < r->now;

		wf_date_format(rows[i].due, d);
		rc |= wf_html_elem(b, late ? "<tr class=\"late\"><td>" : "<tr><td>",
		    rj_str(p, "po"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(p, "supplier"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(p, "warehouse"), "</td>");
		rc |= wf_html_elem(b, "<td>", rj_str(p, "state"), "</td>");
		rc |= wf_buf_addf(b, "<td>%s</td><td class=\"n\">%lld</td><td class=\"n\">", d,
		    (long long)rows[i].units);
		rc |= rpt_money(b, rows[i].value, rj_str(p, "currency"), 1);
		if (late) {
			rpt_age(age, r->now - rows[i].due);
			rc |= wf_buf_addf(b, "</td><td><span class=\"badge bad\">late %s</span>"
			    "</td></tr>\n", age);
		} else {
			rpt_age(age, rows[i].due - r->now);
			rc |= wf_buf_addf(b, "</td><td>due in %s</td></tr>\n", age);
		}
	}
	if (rc == 0 && n > 0)
		rc = wf_buf_adds(b, "</tbody></table>");
	if (rc == 0 && drafts > 0)
		rc = wf_buf_addf(b, "<p class=\"more\">%zu draft%s not sent yet "
		    "(wf-po list --state draft).</p>", drafts, drafts == 1 ? "" : "s");
	if (rc == 0)
		rc = rpt_close(b);
	free(rows);
	free(marks);
	free(labels);
	free(notes);
	return rc ? rpt_nomem() : 0;
}

/* ---- stock ------------------------------------------------------------------ */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
section_stock(struct rpt *r, wf_buf *b, const cJSON *skus, const cJSON *levels,
    const cJSON *values)
{
	struct ix *lix = NULL, *vix = NULL;
	const char **wh = NULL;
	size_t nl = 0, nv = 0, nwh = 0, nw = 0, i;
	struct wf_html_bar *bars = NULL;
	int64_t *bv = NULL;
	char (*wl)[64] = NULL, (*wn)[48] = NULL;
	const cJSON *rec, *sku;
	int rc;

	if ((rc = ix_build(&lix, &nl, levels, "sku", "warehouse")) != 0 ||
	    (rc = ix_build(&vix, &nv, values, "sku", "warehouse")) != 0)
		goto out;
	rc = rpt_open(b, "stock", "Stock",
	    "Every SKU with its title, units on hand and inventory value per warehouse "
	    "(on hand, picked and packed units at moving average cost), as wf-stock value "
	    "prints them.");
	/* value per warehouse and currency, for the chart */
	if (rc == 0 && (wl = calloc(nv + 1, sizeof *wl)) != NULL &&
	    (wn = calloc(nv + 1, sizeof *wn)) != NULL &&
	    (bv = calloc(nv + 1, sizeof *bv)) != NULL &&
	    (bars = calloc(nv + 1, sizeof *bars)) != NULL) {
		char cur[RPT_CUR * 8][4];

		cJSON_ArrayForEach(rec, values) {
			const char *w = rj_str(rec, "warehouse"), *c = rj_str(rec, "currency");
			char key[64];
			size_t k;

			if (!w || !c || rj_str(rec, "type") == NULL ||
			    strcmp(rj_str(rec, "type"), "value") != 0)
				continue;
			snprintf(key, sizeof key, "%s (%s)", w, c);
			for (k = 0; k < nwh && strcmp(wl[k], key) != 0; k++)
				;
			if (k == nwh) {
				if (nwh == RPT_CUR * 8)
					continue;
				wf_strlcpy(wl[nwh], key, sizeof wl[0]);
				wf_strlcpy(cur[nwh], c, sizeof cur[0]);
				nwh++;
			}
			wf_money_add(bv[k], rj_money(rec, "value", NULL), &bv[k]);
		}
		for (i = 0; i < nwh; i++) {
			wf_money_format(bv[i], cur[i], wn[i], sizeof wn[i]);
			bars[i].label = wl[i];
			bars[i].v = &bv[i];
			bars[i].note = wn[i];
		}
	} else if (rc == 0)
		rc = wf_error_set(WF_ENOMEM, "out of memory");
	if (rc == 0 && nwh > 0) {
		static const struct wf_html_series s[] = { { "value", "#2f6fb0" } };
		rc = wf_html_bars(b, "Inventory value per warehouse", s, 1, bars, nwh);
	}
	/* the warehouses, as columns */
	if (rc == 0 && (wh = calloc(nv + 1, sizeof *wh)) == NULL)
		rc = WF_ENOMEM;
	for (i = 0; rc == 0 && i < nv; i++) {
		size_t k;

		if (vix[i].k2 == NULL)
			continue;
		for (k = 0; k < nw && strcmp(wh[k], vix[i].k2) != 0; k++)
			;
		if (k == nw)
			wh[nw++] = vix[i].k2;
	}
	if (rc == 0)
		wf_sort(wh, nw, sizeof *wh, str_cmp);
	rc |= wf_buf_adds(b, "<div class=\"wide\"><table class=\"stock\"><colgroup>"
	    "<col style=\"width:12%\"><col style=\"width:22%\"><col style=\"width:7%\">"
	    "<col style=\"width:8%\"></colgroup><thead><tr>"
	    "<th rowspan=\"2\">SKU<th rowspan=\"2\">Title<th rowspan=\"2\">Currency"
	    "<th rowspan=\"2\">Unit cost");
	for (i = 0; rc == 0 && i < nw; i++)
		rc |= wf_html_elem(b, "<th colspan=\"2\" class=\"wh\">", wh[i], "");
	rc |= wf_buf_adds(b, "</tr><tr>");
	for (i = 0; rc == 0 && i < nw; i++)
		rc |= wf_buf_adds(b, "<th>on hand<th>value");
	rc |= wf_buf_adds(b, "</thead><tbody>\n");
	/* one row per SKU, by code: its on hand (wf-stock levels) and value
	 * (wf-stock value) at each warehouse.  Cells are left open (the next
	 * <td> or the </tr> closes them): 10k SKUs must fit the page. */
	cJSON_ArrayForEach(sku, skus) {
		const char *code = rj_str(sku, "sku"), *unit = NULL;
		size_t k;

		if (rc != 0 || code == NULL)
			break;
		for (k = 0; k < nw && unit == NULL; k++) {
			const cJSON *v = ix_find(vix, nv, code, wh[k]);
			if (v)
				unit = rj_str(v, "unit_cost");
		}
		if (unit == NULL)
			unit = rj_str(sku, "avg_cost") ? rj_str(sku, "avg_cost") : rj_str(sku, "cost");
		rc |= wf_html_elem(b, "<tr><td>", code, "");
		rc |= wf_html_elem(b, "<td>", rj_str(sku, "title"), "");
		rc |= wf_html_elem(b, "<td>", rj_str(sku, "currency"), "");
		rc |= wf_html_elem(b, "<td>", unit, "");
		for (k = 0; k < nw; k++) {
			const cJSON *v = ix_find(vix, nv, code, wh[k]);
			const cJSON *lv = ix_find(lix, nl, code, wh[k]);

			if (v == NULL && lv == NULL)
				rc |= wf_buf_adds(b, "<td><td>");
			else {
				rc |= wf_buf_addf(b, "<td>%lld", (long long)(lv ? rj_int(lv, "on_hand") : 0));
				rc |= wf_html_elem(b, "<td>", v ? rj_str(v, "value") : NULL, "");
			}
		}
		rc |= wf_buf_adds(b, "</tr>\n");
	}
	rc |= wf_buf_adds(b, "</tbody><tfoot>");
	/* per currency: the value at each warehouse, then wf-stock value's total */
	cJSON_ArrayForEach(rec, values) {
		const char *t = rj_str(rec, "type"), *cur = rj_str(rec, "currency");
		size_t k;

		if (rc != 0 || t == NULL || cur == NULL || strcmp(t, "value_total") != 0)
			continue;
		rpt_sum_add(&r->stock_value, cur, rj_money(rec, "value", NULL));
		rc |= wf_html_elem(b, "<tr class=\"total\"><td>total<td><td>", cur, "<td>");
		for (k = 0; k < nw; k++) {
			const cJSON *v;
			int64_t sum = 0;

			cJSON_ArrayForEach(v, values) {
				const char *w = rj_str(v, "warehouse"), *c = rj_str(v, "currency");
				if (w && c && strcmp(w, wh[k]) == 0 && strcmp(c, cur) == 0)
					wf_money_add(sum, rj_money(v, "value", NULL), &sum);
			}
			rc |= wf_buf_adds(b, "<td><td>");
			rc |= rpt_money(b, sum, cur, 0);
		}
		rc |= wf_buf_adds(b, "</tr>\n");
	}
	rc |= wf_buf_adds(b, "</tfoot></table></div>");
	cJSON_ArrayForEach(rec, values) {
		const char *t = rj_str(rec, "type");

		if (rc != 0 || t == NULL || strcmp(t, "value_total") != 0)
			continue;
		rc |= wf_buf_adds(b, "<p class=\"sum\">Inventory value: <b>");
		rc |= wf_html_text(b, rj_str(rec, "value"));
		rc |= wf_html_elem(b, " ", rj_str(rec, "currency"), "</b> in ");
		rc |= wf_buf_addf(b, "%lld units valued (on hand, picked and packed).</p>",
		    (long long)rj_int(rec, "qty"));
	}
	if (rc == 0 && cJSON_GetArraySize(skus) == 0)
		rc = rpt_missing(b, "No SKUs yet: add them with wf-stock sku add or "
		    "wf-stock sku import (wf-stock(1)).");
	if (rc == 0)
		rc = rpt_close(b);
out:
	free(wh);
	free(lix);
	free(vix);
	free(bars);
	free(bv);
	free(wl);
	free(wn);
	return rc ? rpt_nomem() : 0;
}

/* ---- the page ----------------------------------------------------------------- */

static const char css[] =
	":root{color-scheme:light}"
	"body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
	"color:#1d2430;background:#f3f5f8;margin:0}"
	"main{max-width:980px;margin:0 auto;padding:20px 20px 40px}"
	"header h1{font-size:22px;margin:0 0 2px}"
	"header p{margin:0;color:#5b6575}"
	".tiles{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0 6px}"
	".tile{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 14px;"
	"min-width:120px;flex:1}"
	".tile b{display:block;font-size:21px;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}"
	".tile span{color:#5b6575;font-size:12px;text-transform:uppercase;letter-spacing:.04em}"
	".tile.bad b{color:#b3261e}.tile.fine b{color:#2f7d4f}"
	"nav{margin:6px 0 0;font-size:13px}nav a{color:#2f6fb0;margin-right:12px}"
	"section{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:14px 18px;"
	"margin:16px 0}"
	"h2{font-size:17px;margin:0 0 4px}h3{font-size:14px;margin:14px 0 4px}"
	".lead{color:#5b6575;margin:0 0 10px}"
	".missing{background:#fff8e1;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0}"
	".good{background:#eef7f0;border-left:4px solid #2f7d4f;padding:8px 12px;margin:8px 0}"
	".more{color:#5b6575;font-size:13px}"
	"table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}"
	"th{text-align:left;font-weight:600;color:#5b6575;border-bottom:2px solid #dde2ea;"
	"padding:4px 6px;white-space:nowrap}"
	"td{border-bottom:1px solid #eef1f5;padding:3px 6px;vertical-align:top;"
	"overflow-wrap:anywhere}"
	"tbody tr:nth-child(even){background:#f8fafc}"
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.bad,tr.late td:first-child{color:#b3261e;font-weight:600}"
	"tr.total td{font-weight:600;border-top:2px solid #dde2ea}"
	"tr.none td{color:#8a93a2}"
	".wide{overflow-x:auto}"
	/* a long table is laid out only when it scrolls into view */
	"section{content-visibility:auto;contain-intrinsic-size:auto 600px}"
	"table.stock,table.queue{table-layout:fixed}"
	"table.stock td:nth-child(n+4),table.queue td:nth-child(6),table.queue td:nth-child(7)"
	"{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"table.stock th.wh{text-align:center;border-bottom:1px solid #dde2ea}"
	".sum{font-size:15px}"
	".badge{display:inline-block;border-radius:9px;padding:0 7px;font-size:12px;white-space:nowrap;"
	"background:#e8edf4}.badge.bad{background:#fbe3e1;color:#b3261e}"
	".chart{display:block;max-width:100%;height:auto;margin:6px 0}"
	".chart .lb{font-size:12px;text-anchor:end;fill:#1d2430}"
	".chart .nt,.chart .lg{font-size:12px;fill:#5b6575}"
	".chart .ax{font-size:11px;fill:#8a93a2}"
	".chart .today{stroke:#8a93a2;stroke-dasharray:3 3}"
	".chart line.due{stroke:#9cc3e6;stroke-width:3}.chart circle.due{fill:#2f6fb0}"
	".chart line.late{stroke:#f1b0aa;stroke-width:3}.chart circle.late{fill:#b3261e}"
	"footer{color:#8a93a2;font-size:12px;margin-top:18px}"
	"footer code{background:#e8edf4;padding:1px 4px;border-radius:3px}";

static int
tile(wf_buf *b, const char *cls, const char *value, const char *what)
{
	int rc = wf_buf_addf(b, "<div class=\"tile %s\">", cls);
	rc |= wf_html_elem(b, "<b>", value, "</b>");
	rc |= wf_html_elem(b, "<span>", what, "</span></div>");
	return rc;
}

static int
page(struct rpt *r, wf_buf *b, wf_buf *sec, size_t nsec)
{
	char t[WF_TIME_LEN], d[11], num[32];
	const char *db = wf_db_filename(r->db), *base;
	wf_buf v = {0};
	size_t i;
	int rc = 0;

	base = db && strrchr(db, '/') ? strrchr(db, '/') + 1 : db;
	wf_time_format(r->now, t);
	wf_date_format(r->now, d);
	rc |= wf_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"generator\" content=\"wf report\">"
	    "<title>Workform morning page %s</title>\n<style>%s</style></head>\n"
	    "<body><main><header><h1>Workform morning page, %s</h1><p>", d, css, d);
	rc |= wf_html_elem(b, "As of <time>", t, "</time> from ");
	rc |= wf_html_elem(b, "<code>", base, "</code>");
	if (r->o->has_since) {
		wf_time_format(r->o->since, t);
		rc |= wf_html_elem(b, "; orders and payouts since <time>", t, "</time>");
	}
	rc |= wf_buf_adds(b, ".</p></header>\n<div class=\"tiles\">");
	snprintf(num, sizeof num, "%lld", r->open_work);
	rc |= tile(b, r->open_work ? "bad" : "fine", num, "exceptions to work");
	rc |= tile(b, "", r->oldest_age[0] ? r->oldest_age : "-", "oldest in the queue");
	snprintf(num, sizeof num, "%lld", r->on_hold);
	rc |= tile(b, r->on_hold ? "bad" : "fine", num, "orders on hold");
	snprintf(num, sizeof num, "%lld", r->late_pos);
	rc |= tile(b, r->late_pos ? "bad" : "fine", num, "late purchase orders");
	snprintf(num, sizeof num, "%lld", r->out_of_stock);
	rc |= tile(b, r->out_of_stock ? "bad" : "fine", num, "SKU-warehouses out of stock");
	rc |= rpt_sum_text(&v, &r->stock_value);
	rc |= tile(b, "", wf_buf_str(&v), "inventory value");
	wf_buf_free(&v);
	rc |= wf_buf_adds(b, "</div>\n<nav><a href=\"#cover\">Stock cover</a>"
	    "<a href=\"#queue\">The queue</a><a href=\"#orders\">Orders</a>"
	    "<a href=\"#money\">Money</a><a href=\"#suppliers\">Suppliers</a>"
	    "<a href=\"#stock\">Stock</a></nav>\n");
	for (i = 0; i < nsec; i++)
		rc |= wf_buf_add(b, sec[i].p, sec[i].len);
	rc |= wf_buf_adds(b, "<footer><p>Written by <code>wf report</code>; every number is "
	    "the one wf-stock levels and value, wf-alert list, wf-order list, wf-po list "
	    "and wf-reconcile list and lines print for the same database and clock. "
	    "wf-report(1) shows how to mail it every morning.</p></footer>\n"
	    "</main></body></html>\n");
	return rc ? WF_ENOMEM : 0;
}

/* Run CALL(db, ..., cap.out) into *LIST. */
#define COLLECT(list, type, call) do {                                          \
		struct rpt_cap cap_;                                             \
		if ((rc = rpt_capture(&cap_)) != 0)                              \
			goto out;                                                \
		rc = rpt_collect(&cap_, (call), (type), &(list));                \
		if (rc != 0)                                                     \
			goto out;                                                \
	} while (0)
#define CAP cap_.out

int
wf_report_html(wf_db *db, wf_buf *b, const struct wf_report_opts *o)
{
	static const struct wf_exception_query qq = { NULL, NULL, NULL, 0 };
	static const struct wf_levels_query lq = { NULL, NULL, "warehouse" };
	static const struct wf_po_query pq = { NULL, NULL };
	struct rpt r;
	cJSON *skus = NULL, *levels = NULL, *values = NULL, *pos = NULL;
	size_t i;
	wf_buf sec[6];
	int rc;

	memset(&r, 0, sizeof r);
	memset(sec, 0, sizeof sec);
	r.db = db;
	r.o = o;
	r.now = wf_db_now(db);
	COLLECT(r.queue, "exception", wf_exception_list(db, &qq, CAP));
	COLLECT(skus, "sku", wf_sku_list(db, CAP));
	COLLECT(levels, "level", wf_stock_levels(db, &lq, CAP));
	COLLECT(values, NULL, wf_stock_value(db, NULL, CAP));
	COLLECT(pos, "po", wf_po_list(db, &pq, CAP));
	if ((rc = section_cover(&r, &sec[0])) != 0 ||
	    (rc = rpt_queue(&r, &sec[1])) != 0 ||
	    (rc = rpt_orders(&r, &sec[2])) != 0 ||
	    (rc = rpt_money_section(&r, &sec[3])) != 0 ||
	    (rc = section_suppliers(&r, &sec[4], pos)) != 0 ||
	    (rc = section_stock(&r, &sec[5], skus, levels, values)) != 0)
		goto out;
	if (page(&r, b, sec, 6) != 0)
		rc = rpt_nomem();
out:
	for (i = 0; i < 6; i++)
		wf_buf_free(&sec[i]);
	cJSON_Delete(r.queue);
	cJSON_Delete(r.orders);
	cJSON_Delete(skus);
	cJSON_Delete(levels);
	cJSON_Delete(values);
	cJSON_Delete(pos);
	return rc;
}

#undef COLLECT
#undef CAP

/* Write N bytes of P to PATH through a temporary file beside it, renamed
 * over PATH once it is whole. */
static int
write_file(const char *path, const char *p, size_t n)
{
	wf_buf tmp = {0};
	int fd, rc = 0;
	size_t off = 0;

	if (wf_buf_addf(&tmp, "%s.tmp%ld", path, (long)getpid()) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if ((fd = open(tmp.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
		rc = wf_error_set(WF_EIO, "cannot write '%s': %s", path, strerror(errno));
		wf_buf_free(&tmp);
		return rc;
	}
	while (off < n) {
		ssize_t w = write(fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = wf_error_set(WF_EIO, "cannot write '%s': %s", path,
			    w < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)w;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = wf_error_set(WF_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = wf_error_set(WF_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (rc == 0 && rename(tmp.p, path) != 0)
		rc = wf_error_set(WF_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (rc != 0)
		unlink(tmp.p);
	wf_buf_free(&tmp);
	return rc;
}

int
wf_report(wf_db *db, const struct wf_report_opts *o, wf_out *out)
{
	static const char *const sections[] = {
		"cover", "queue", "orders", "money", "suppliers", "stock", NULL };
	wf_buf b = {0};
	cJSON *rec, *names;
	size_t i;
	int rc;

	if ((rc = wf_report_html(db, &b, o)) != 0)
		goto done;
	if (o->path == NULL) {
		if (fwrite(b.p, 1, b.len, o->stream) != b.len || fflush(o->stream) != 0)
			rc = wf_error_set(WF_EIO, "cannot write the page: %s", strerror(errno));
		goto done;
	}
	if ((rc = write_file(o->path, b.p, b.len)) != 0)
		goto done;
	rec = wf_jrecord("report");
	names = cJSON_CreateArray();
	if (rec == NULL || names == NULL) {
		cJSON_Delete(rec);
		cJSON_Delete(names);
		rc = rpt_nomem();
		goto done;
	}
	for (i = 0; sections[i]; i++)
		cJSON_AddItemToArray(names, cJSON_CreateString(sections[i]));
	if (wf_jadd_str(rec, "file", o->path) ||
	    wf_jadd_int(rec, "bytes", (int64_t)b.len) ||
	    wf_jadd_item(rec, "sections", names)) {
		cJSON_Delete(rec);
		rc = rpt_nomem();
		goto done;
	}
	rc = wf_out_emit(out, rec);
done:
	wf_buf_free(&b);
	return rc;
}
