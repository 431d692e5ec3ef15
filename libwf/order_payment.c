/* order_payment.c - the payment ids an order keeps (order_payment): the
 * channel's transaction ids, for wf-reconcile's matching, and the refund
 * ids a Shopify refund was applied under.  Split from order.c, which reads
 * them (wf_order_find_by_payment).
 *
 * owns: order_payment
 */
#include "order_priv.h"
#include "wf_error.h"

int
wf_order_payment_keep(wf_db *db, int64_t order_id, const struct wf_order_in *in)
{
	/* one payment pays one order: an id another order keeps already stays
	 * that order's (a copied payload never moves it over) */
	static const char ins[] =
	    "INSERT INTO order_payment (order_id, provider, payment_id) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (provider, payment_id) DO NOTHING";
	wf_stmt *st;
	size_t i;
	int rc;

	if (in->pay_provider == NULL)
		return 0;
	for (i = 0; i < in->npay_ids; i++) {
		if ((rc = wf_db_stmt(db, &st, ins)) != 0)
			return rc;
		wf_bind_int(st, 1, order_id);
		wf_bind_text(st, 2, in->pay_provider);
		wf_bind_text(st, 3, in->pay_ids[i]);
		if ((rc = wf_db_done(db, st)) != 0)
			return rc;
	}
	return 0;
}

int
wf_order_payment_has(wf_db *db, int *found, int64_t order_id, const char *provider,
    const char *payment_id)
{
	static const char sql[] =
	    "SELECT 1 FROM order_payment WHERE order_id = ?1 AND provider = ?2 AND payment_id = ?3";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_text(st, 2, provider);
	wf_bind_text(st, 3, payment_id);
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	*found = rc == 1;
	if (rc == 1)
		wf_stmt_reset(st);
	return 0;
}
