/*
 * report_priv.h - what the report's files share: the page being built,
 * the capture of a libwf call's records, and readers of record fields.
 *
 * report.c builds the page (head, summary, stock cover, suppliers, stock);
 * report_ops.c the operational sections (the queue, orders, money).  A
 * section appends its markup to its own buffer and may fill in the
 * summary; the page is put together when every section is done.
 *
 * Ownership: lists from rpt_collect() are the caller's (cJSON_Delete).
 */
#ifndef REPORT_PRIV_H
#define REPORT_PRIV_H

#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "wf_buf.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_report.h"

/* Per-currency totals; a page rarely sees more than a few currencies. */
#define RPT_CUR 8
struct rpt_sum {
	size_t  n;
	char    cur[RPT_CUR][4];
	int64_t v[RPT_CUR];
};

struct rpt {
	wf_db   *db;
	const struct wf_report_opts *o;
	int64_t  now;
	cJSON   *queue;          /* wf_exception_list's records, shared */
	cJSON   *orders;         /* wf_order_list's, shared by orders and money */
	/* the summary at the top, filled in by the sections */
	long long open_work, snoozed, on_hold, late_pos, out_of_stock;
	char      oldest_age[32];
	struct rpt_sum stock_value;
};

/* A capture: the records a libwf call emits, as JSON lines in memory. */
struct rpt_cap {
	char   *p;
	size_t  n;
	FILE   *f;
	wf_out *out;
};

/* Open a capture; pass CAP->out to the call.  Returns 0 or WF_ENOMEM. */
int rpt_capture(struct rpt_cap *cap);

/* End the capture: the records as the items of a new array *LIST (only
 * those of TYPE when TYPE is not NULL), or nothing when RC (the call's
 * result) is not 0.  Returns RC, or the capture's own error. */
int rpt_collect(struct rpt_cap *cap, int rc, const char *type, cJSON **list);

/* Field readers: a string member or NULL; an integer member or 0; a time
 * member into *t (0 when absent or null: returns 0); money as minor units
 * of the record's currency (member "currency" unless CUR is given). */
const char *rj_str(const cJSON *o, const char *key);
int64_t     rj_int(const cJSON *o, const char *key);
int         rj_time(const cJSON *o, const char *key, int64_t *t);
int64_t     rj_money(const cJSON *o, const char *key, const char *cur);

/* Add V in CUR to S (currencies past RPT_CUR are dropped). */
void rpt_sum_add(struct rpt_sum *s, const char *cur, int64_t v);
/* Append S as "12.50 EUR, 3.00 USD" ("0" when empty).  Returns 0 or
 * WF_ENOMEM. */
int rpt_sum_text(wf_buf *b, const struct rpt_sum *s);
/* Append V in CUR as "12.50" (with " EUR" when WITH_CUR).  Returns 0 or
 * WF_ENOMEM. */
int rpt_money(wf_buf *b, int64_t v, const char *cur, int with_cur);

/* A section's frame: <section id=ID><h2>TITLE</h2><p class=lead>LEAD. */
int rpt_open(wf_buf *b, const char *id, const char *title, const char *lead);
int rpt_close(wf_buf *b);
/* WF_ENOMEM with its message. */
int rpt_nomem(void);
/* A sentence saying what is missing, in the page's "missing" style. */
int rpt_missing(wf_buf *b, const char *text);

/* An age in days and hours, "3d 4h", "5h", "12m". */
void rpt_age(char out[32], int64_t seconds);

/* report_ops.c */
int rpt_queue(struct rpt *r, wf_buf *b);
int rpt_orders(struct rpt *r, wf_buf *b);
int rpt_money_section(struct rpt *r, wf_buf *b);

/* report_margin.c: the margin by SKU and by channel, the cash still
 * expected, and promises kept by warehouse and carrier, each appended to
 * B as subsections.  Return 0, WF_ENOMEM or the call's error. */
int rpt_margin(struct rpt *r, wf_buf *b);
int rpt_cash_expected(struct rpt *r, wf_buf *b);
int rpt_promises(struct rpt *r, wf_buf *b);

#endif
