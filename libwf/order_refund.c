/* order_refund.c - Shopify refunds (`wf-order import --from shopify-refund`)
 * on the orders they refund: the money a refund's successful transactions
 * gave back moves the order's finance state, with an event naming the
 * refund.  A refund is applied once: its id is kept (order_payment,
 * provider "shopify-refund"), and a refund whose transactions the order's
 * own import already counted (refunds[] of the order) changes nothing.
 * What it writes, it writes through order.c (order_priv.h).
 */
#include <stdio.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_text.h"

int
wf_order_refund_line(wf_db *db, const struct wf_line *l, void *arg)
{
	const struct wf_order_import *imp = arg;
	wf_jloc l_refund = WF_JLOC_KEY(l->at, "refund");
	const wf_jloc *at = l->at;
	const cJSON *r = l->obj, *wrap;
	struct wf_order_info o;
	struct wf_order_in in, own, mark;
	const char *id, *order_id, *what;
	char ref[300], name[160];
	int64_t amount;
	size_t i;
	int rc, counted = 0, found;

	/* {"refund":{...}} as the Admin API returns one */
	wrap = cJSON_GetObjectItemCaseSensitive(r, "refund");
	if (cJSON_IsObject(wrap) && cJSON_GetObjectItemCaseSensitive(r, "id") == NULL) {
		r = wrap;
		at = &l_refund;
	}
	if (!wf_order_jhas(r, "refund_line_items") && !wf_order_jhas(r, "transactions")) {
		what = wf_order_not_an_order(r, WF_ORDER_GENERIC);
		return wf_jerr(at, NULL, "not a Shopify refund (no refund_line_items or "
		    "transactions)%s%s", what ? ": " : "", what ? what : "");
	}
	if ((rc = wf_jget_id(at, r, "id", WF_J_REQ, &id)) < 0 ||
	    (rc = wf_jget_id(at, r, "order_id", WF_J_REQ, &order_id)) < 0)
		return rc;
	if (wf_text_check("id", id, 128) != 0 || wf_text_check("order_id", order_id, 128) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	snprintf(ref, sizeof ref, "%s:%s", imp->channel ? imp->channel : "shopify", order_id);
	if ((rc = wf_order_find(db, &o, ref)) != 0)
		return rc == WF_ENOTFOUND ? wf_jerr(at, "order_id", "%s", wf_error_msg()) : rc;
	memset(&in, 0, sizeof in);
	memset(&own, 0, sizeof own);
	amount = 0;
	if ((rc = wf_order_shopify_refund(at, r, o.currency, &amount, &in, &own)) < 0)
		return rc;

	/* applied before, by this command or by the order's own import */
	if ((rc = wf_order_payment_has(db, &found, o.id, "shopify-refund", id)) != 0)
		return rc;
	for (i = 0; i < own.npay_ids && !found && !counted && rc == 0; i++)
		rc = wf_order_payment_has(db, &counted, o.id, "shopify", own.pay_ids[i]);
	if (rc)
		return rc;
	if (found || counted || amount == 0) {
		if (!found) {
			memset(&mark, 0, sizeof mark);
			mark.pay_provider = "shopify-refund";
			mark.pay_ids[mark.npay_ids++] = id;
			if ((rc = wf_order_payment_keep(db, o.id, &mark)) != 0)
				return rc;
		}
		return wf_order_emit_result(db, ref, "unchanged", wf_db_out(db));
	}
	if (amount > o.paid - o.refunded) {
		char a[40], b[40];
		wf_money_format(amount, o.currency, a, sizeof a);
		wf_money_format(o.paid - o.refunded, o.currency, b, sizeof b);
		return wf_jerr(at, "transactions", "refund %s of %s %s is more than order %s "
		    "has paid and not refunded (%s %s)", id, a, o.currency, ref, b, o.currency);
	}
	snprintf(name, sizeof name, "shopify-refund:%s", id);
	if ((rc = wf_order_refund_channel(db, &o, ref, amount, name)) != 0)
		return rc;
	if ((rc = wf_order_payment_keep(db, o.id, &in)) != 0)
		return rc;
	memset(&mark, 0, sizeof mark);
	mark.pay_provider = "shopify-refund";
	mark.pay_ids[mark.npay_ids++] = id;
	if ((rc = wf_order_payment_keep(db, o.id, &mark)) != 0)
		return rc;
	return wf_order_emit_result(db, ref, "updated", wf_db_out(db));
}
