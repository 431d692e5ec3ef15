/* order_refund.c - Shopify refunds (`wf-order import --from shopify-refund`)
 * on the orders they refund: the money a refund's successful transactions
 * gave back moves the order's finance state, with an event naming the
 * refund.  A refund is applied once: its id is kept (order_payment,
 * provider "shopify-refund"), and a refund whose transactions the order's
 * own import already counted (refunds[] of the order) changes nothing.
 * Its line items whose units had shipped become a return each (return.c),
 * restocked (back on hand) or written off as the refund says.
 * What it writes, it writes through order.c (order_priv.h) and return.c.
 *
 * reads: order_line, sku
 */
#include <stdio.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_return.h"
#include "wf_text.h"

/* Each line item of refund R (ID, AT) whose units order O (key REF)
 * shipped and has not taken back becomes a return, named by the refund,
 * restocked or written off: restock_type "return" or "legacy_restock"
 * restocks, "no_restock" writes off, "cancel" took back units that never
 * shipped (nothing comes back); without one, the refund's "restock" says.
 * Returns 0, a located WF_EINPUT, or an error. */
static int
refund_returns(wf_db *db, const wf_jloc *at, const cJSON *r, const char *id,
    const struct wf_order_info *o, const char *ref)
{
	static const char sql[] =
	    "SELECT s.code, l.qty_shipped - l.qty_returned FROM order_line l"
	    " JOIN sku s ON s.id = l.sku_id WHERE l.order_id = ?1 AND l.external_id = ?2"
	    " ORDER BY l.line_no LIMIT 1";
	wf_jloc li = WF_JLOC_KEY(at, "refund_line_items");
	const cJSON *items, *it;
	struct wf_return_open ro;
	char reason[160], code[80];
	int64_t qty, left;
	wf_stmt *st;
	long i = 0;
	int rc, all = 0, restock, found;

	if ((rc = wf_jget_bool(at, r, "restock", 0, &all)) < 0)
		return rc;
	if ((rc = wf_jget_arr(at, r, "refund_line_items", 0, &items)) != 0)
		return rc < 0 ? rc : 0;
	snprintf(reason, sizeof reason, "shopify-refund:%s", id);
	cJSON_ArrayForEach(it, items) {
		wf_jloc lj = WF_JLOC_IDX(&li, i++);
		const char *line = NULL, *type = NULL;
		if (!cJSON_IsObject(it))
			return wf_jerr(&lj, NULL, "expected an object");
		if ((rc = wf_jget_id(&lj, it, "line_item_id", WF_J_REQ, &line)) < 0 ||
		    (rc = wf_jget_int(&lj, it, "quantity", WF_J_REQ, 0, 1000000, &qty)) < 0 ||
		    (rc = wf_jget_str(&lj, it, "restock_type", 0, 32, &type)) < 0)
			return rc;
		if (type && strcmp(type, "cancel") == 0)
			continue;
		restock = type ? strcmp(type, "no_restock") != 0 : all;
		if ((rc = wf_db_stmt(db, &st, sql)) != 0)
			return rc;
		wf_bind_int(st, 1, o->id);
		wf_bind_text(st, 2, line);
		if ((found = wf_db_step(db, st)) < 0)
			return found;
		left = 0;
		if (found) {
			wf_strlcpy(code, wf_col_text(st, 0), sizeof code);
			left = wf_col_int(st, 1);
			wf_stmt_reset(st);
		}
		if (left <= 0 || qty == 0)
			continue;       /* nothing of the line shipped, or all is back */
		memset(&ro, 0, sizeof ro);
		ro.order = ref;
		ro.sku = code;
		ro.reason = reason;
		ro.qty = qty < left ? qty : left;
		if ((rc = wf_return_channel(db, &ro, restock, wf_db_out(db))) != 0)
			return rc == WF_EREFUSED ? wf_jerr(&lj, NULL, "%s", wf_error_msg()) : rc;
	}
	return 0;
}

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
	/* the units it took back, once: the order's own import makes no return */
	if (!found && (rc = refund_returns(db, at, r, id, &o, ref)) != 0)
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
