/* order_show.c - an order with everything that hangs off it: a view above
 * the order, shipment and return records, which it reads only through
 * their emit calls.  Keeping it here lets each record depend downward
 * (return -> order -> shipment) and none call back up.
 *
 * The order is shown as a record of its own (wf_out_vertical): on a
 * terminal field by field, in CSV and TSV with its lines under a header of
 * their own, as its shipments, returns and events are.
 *
 * No table of its own; no SQL.
 */
#include "wf_error.h"
#include "wf_history.h"
#include "wf_order.h"
#include "wf_return.h"
#include "wf_shipment.h"

int
wf_order_show(wf_db *db, const char *ref, wf_out *out)
{
	struct wf_log_query lq = { "order", NULL, 0, 0, NULL };
	struct wf_order_info o;
	int rc;

	wf_out_vertical(out, 1);
	if ((rc = wf_order_find(db, &o, ref)) != 0 ||
	    (rc = wf_order_emit(db, ref, 1, out)) != 0 ||
	    (rc = wf_shipment_list_order(db, o.id, out)) != 0 ||
	    (rc = wf_return_list_order(db, o.id, out)) != 0)
		return rc;
	lq.ref = ref;
	return wf_history_log(db, &lq, out);
}
