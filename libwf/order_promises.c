/* order_promises.c - promise keeping (`wf-order promises`): of the legs
 * that shipped with a promise, how many were delivered by it, by warehouse
 * and carrier, by one of them, or by the month they shipped.  A leg is a
 * shipment that shipped; its promise is its route leg's (order_route, the
 * warehouse it left from), else the order's promise_by: the rule
 * wf_order_carrier_delivered() uses for its late_delivery event.  It
 * writes nothing.
 *
 * reads: shipment, orders, order_route, warehouse
 */
#include <stdio.h>
#include <string.h>

#include "wf_error.h"
#include "wf_json.h"
#include "wf_order.h"

/* The groupings, as --by names them; 0 is warehouse and carrier both. */
static const char *const groupings[] = { "", "warehouse", "carrier", "month", NULL };

static const char *const columns[][10] = {
	{ "warehouse", "carrier", "shipped", "delivered", "on_time", "late", "open", "overdue", "rate", NULL },
	{ "warehouse", "shipped", "delivered", "on_time", "late", "open", "overdue", "rate", NULL },
	{ "carrier", "shipped", "delivered", "on_time", "late", "open", "overdue", "rate", NULL },
	{ "month", "shipped", "delivered", "on_time", "late", "open", "overdue", "rate", NULL },
};

/* ON_TIME / DELIVERED to three places, rounded down (so that "1.000" means
 * every one), into BUF; DELIVERED > 0. */
static void
rate(char buf[32], int64_t on_time, int64_t delivered)
{
	int64_t r = on_time * 1000 / delivered;

	snprintf(buf, 32, "%lld.%03lld", (long long)(r / 1000), (long long)(r % 1000));
}

int
wf_order_promises(wf_db *db, const struct wf_promise_query *q, wf_out *out)
{
	/* ?1 since, ?2 until (shipped_at), ?3 the grouping, ?4 now.  Times
	 * are stored as fixed-width UTC text, so text order is time order. */
	static const char sql[] =
	    "SELECT CASE WHEN ?3 = 0 OR ?3 = 1 THEN w.code END,"
	    " CASE WHEN ?3 = 0 OR ?3 = 2 THEN coalesce(l.carrier, '') END,"
	    " CASE WHEN ?3 = 3 THEN substr(l.shipped_at, 1, 7) END,"
	    " count(*),"
	    " sum(CASE WHEN l.delivered_at IS NOT NULL THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN l.delivered_at <= l.promise THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN l.delivered_at > l.promise THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN l.delivered_at IS NULL THEN 1 ELSE 0 END),"
	    " sum(CASE WHEN l.delivered_at IS NULL AND l.promise < ?4 THEN 1 ELSE 0 END)"
	    " FROM (SELECT s.warehouse_id, s.carrier, s.shipped_at, s.delivered_at,"
	    " coalesce((SELECT r.promise FROM order_route r WHERE r.order_id = s.order_id"
	    " AND r.warehouse_id = s.warehouse_id), o.promise_by) AS promise"
	    " FROM shipment s JOIN orders o ON o.id = s.order_id"
	    " WHERE s.shipped_at IS NOT NULL AND s.state <> 'cancelled'"
	    " AND (?1 IS NULL OR s.shipped_at >= ?1) AND (?2 IS NULL OR s.shipped_at < ?2)) l"
	    " LEFT JOIN warehouse w ON w.id = l.warehouse_id"
	    " WHERE l.promise IS NOT NULL"
	    " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
	wf_stmt *st;
	int rc, by = 0;

	if (q->by) {
		for (by = 1; groupings[by] && strcmp(groupings[by], q->by) != 0; by++)
			;
		if (groupings[by] == NULL)
			return wf_error_set(WF_EUSAGE, "--by: expected warehouse, carrier or month, "
			    "got '%.32s'", q->by);
	}
	if (q->has_since && q->has_until && q->until <= q->since)
		return wf_error_set(WF_EUSAGE, "--until must be later than --since");
	wf_out_columns(out, "promises", columns[by]);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if (q->has_since)
		wf_bind_time(st, 1, q->since);
	if (q->has_until)
		wf_bind_time(st, 2, q->until);
	wf_bind_int(st, 3, by);
	wf_bind_time(st, 4, wf_db_now(db));
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *r = wf_jrecord("promises");
		int64_t delivered = wf_col_int(st, 4), on_time = wf_col_int(st, 5);
		char buf[32];
		int err = r == NULL;

		if (!err && (by == 0 || by == 1))
			err |= wf_jadd_str(r, "warehouse", wf_col_str(st, 0));
		if (!err && (by == 0 || by == 2))
			err |= wf_jadd_str(r, "carrier", wf_col_text(st, 1));
		if (!err && by == 3)
			err |= wf_jadd_str(r, "month", wf_col_text(st, 2));
		if (!err) {
			err |= wf_jadd_int(r, "shipped", wf_col_int(st, 3));
			err |= wf_jadd_int(r, "delivered", delivered);
			err |= wf_jadd_int(r, "on_time", on_time);
			err |= wf_jadd_int(r, "late", wf_col_int(st, 6));
			err |= wf_jadd_int(r, "open", wf_col_int(st, 7));
			err |= wf_jadd_int(r, "overdue", wf_col_int(st, 8));
			if (delivered > 0) {
				rate(buf, on_time, delivered);
				err |= wf_jadd_str(r, "rate", buf);
			} else
				err |= wf_jadd_null(r, "rate");
		}
		if (err) {
			cJSON_Delete(r);
			wf_stmt_reset(st);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if ((rc = wf_out_emit(out, r)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	return rc < 0 ? rc : 0;
}
