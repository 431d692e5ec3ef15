/*
 * wf_report.h - the operator's morning page: one self-contained HTML file
 * (inline CSS and SVG, no script, nothing fetched) with the state of the
 * business as of the clock ($WF_NOW).
 *
 * Sections, in order: stock cover, the queue, orders, money, suppliers,
 * stock.  Each draws its numbers from the same libwf calls the tools make
 * (wf_risk_list, wf_stock_levels, wf_stock_value, wf_sku_list,
 * wf_exception_list, wf_order_list, wf_po_list, wf_payout_list,
 * wf_payout_lines), captured as
 * their JSON-lines records, so the page and the CLI cannot disagree.  A
 * section whose data is missing, or whose numbers no module computes yet,
 * says so in a sentence instead of drawing an empty chart.
 *
 * Every stored string goes through wf_html_text() (wf_html.h).
 *
 * Reading the queue is wf_exception_list(), which wakes expired snoozes
 * as `wf-alert list` does; nothing else is written.
 *
 * Ownership: the options are the caller's; STREAM stays open.
 */
#ifndef WF_REPORT_H
#define WF_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "wf_buf.h"
#include "wf_db.h"
#include "wf_out.h"

struct wf_report_opts {
	int         has_since;   /* orders placed, payouts arriving and payout
	                            lines posted at or after SINCE only */
	int64_t     since;
	const char *path;        /* write the page here (atomically: a
	                            temporary file renamed over PATH) */
	FILE       *stream;      /* else here */
};

/* Build the page into B (appended).  Returns 0, WF_ENOMEM, or an error of
 * the calls above. */
int wf_report_html(wf_db *db, wf_buf *b, const struct wf_report_opts *o);

/* Build the page and write it to O->path or O->stream.  With a path, emit
 * {"type":"report","file":PATH,"bytes":N,"sections":[..]}
 * to OUT once the file is in place; to a stream nothing is emitted (the
 * page is the output).  Returns 0, WF_EIO naming the file when it cannot
 * be written (an existing file at PATH is then left as it was), or an
 * error of wf_report_html(). */
int wf_report(wf_db *db, const struct wf_report_opts *o, wf_out *out);

#endif
