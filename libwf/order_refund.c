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
 * Its "cancel" line items take their units from what is left to ship, as
 * an order's re-import that cancels them does (order_cut.c), unless the
 * order's own import listed the refund already.
 *
 * reads: order_line, sku, order_unshipped, orders
 */
#include <stdio.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_history.h"
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

/* The "cancel" line items of refund R (ID, AT) take their units from what
 * order O (key REF) has left to ship, through the path of a re-import that
 * cancels them (wf_order_cut): their stock back on hand when the order
 * holds some, an update event naming the lines' cancelled units, the
 * refund and what was released.  *cut: some unit was taken.  Returns 0, a
 * located WF_EINPUT, or an error. */
static int
refund_cancels(wf_db *db, int *cut, const wf_jloc *at, const cJSON *r, const char *id,
    const char *ref)
{
	static const char sql[] =
	    "SELECT l.line_no, l.qty - l.qty_shipped, coalesce(l.sku_id, 0),"
	    " coalesce((SELECT u.qty FROM order_unshipped u WHERE u.order_id = l.order_id"
	    "  AND u.line_no = l.line_no AND u.why = 'cancelled'), 0)"
	    " FROM order_line l WHERE l.order_id = ?1 AND l.external_id = ?2"
	    " ORDER BY l.line_no LIMIT 1";
	wf_jloc li = WF_JLOC_KEY(at, "refund_line_items");
	const cJSON *items, *it;
	struct wf_order_row o;
	struct wf_order_cut c;
	wf_buf v = {0}, from = {0};
	cJSON *changes = NULL, *t;
	char key[64], name[160];
	const char *s;
	int64_t qty, open, was;
	long i = 0;
	size_t k, n;
	int rc, holds, ended;

	*cut = 0;
	if ((rc = wf_jget_arr(at, r, "refund_line_items", 0, &items)) != 0)
		return rc < 0 ? rc : 0;
	if ((rc = wf_order_load(db, &o, ref)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	s = strcmp(o.i.state, "on_hold") == 0 ? o.i.held_from : o.i.state;
	holds = strcmp(s, "reserved") == 0 || strcmp(s, "picked") == 0 ||
	    strcmp(s, "packed") == 0;
	if (!holds && strcmp(s, "new") != 0 && strcmp(s, "promised") != 0)
		return 0;       /* shipped or ended: nothing is left to ship */
	snprintf(name, sizeof name, "shopify-refund:%s", id);
	if ((changes = cJSON_CreateObject()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	cJSON_ArrayForEach(it, items) {
		wf_jloc lj = WF_JLOC_IDX(&li, i++);
		const char *line = NULL, *type = NULL;
		wf_stmt *st;
		if (!cJSON_IsObject(it)) {
			rc = wf_jerr(&lj, NULL, "expected an object");
			goto out;
		}
		if ((rc = wf_jget_id(&lj, it, "line_item_id", WF_J_REQ, &line)) < 0 ||
		    (rc = wf_jget_int(&lj, it, "quantity", WF_J_REQ, 0, 1000000, &qty)) < 0 ||
		    (rc = wf_jget_str(&lj, it, "restock_type", 0, 32, &type)) < 0)
			goto out;
		rc = 0;
		if (type == NULL || strcmp(type, "cancel") != 0 || qty == 0)
			continue;
		if ((rc = wf_db_stmt(db, &st, sql)) != 0)
			goto out;
		wf_bind_int(st, 1, o.i.id);
		wf_bind_text(st, 2, line);
		if ((rc = wf_db_step(db, st)) < 0)
			goto out;
		if (rc == 0)
			continue;       /* no line of it is left to ship */
		memset(&c, 0, sizeof c);
		c.line_no = wf_col_int(st, 0);
		open = wf_col_int(st, 1);
		c.qty = qty < open ? qty : open;
		c.sku_id = wf_col_int(st, 2);
		was = wf_col_int(st, 3);
		wf_stmt_reset(st);
		rc = 0;
		/* a line the refund lists twice: both, as far as it has units */
		n = v.len / sizeof c;
		for (k = 0; k < n && ((struct wf_order_cut *)(void *)v.p)[k].line_no != c.line_no; k++)
			;
		if (k < n) {
			struct wf_order_cut *e = &((struct wf_order_cut *)(void *)v.p)[k];
			c.qty = qty < open - e->qty ? qty : open - e->qty;
			e->qty += c.qty;
		}
		if (k == n && c.qty > 0 && (wf_buf_add(&v, &c, sizeof c) != 0 ||
		    wf_buf_add(&from, &was, sizeof was) != 0)) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (v.len == 0)
		goto out;
	n = v.len / sizeof c;
	for (k = 0; k < n && rc == 0; k++) {
		const struct wf_order_cut *e = &((const struct wf_order_cut *)(void *)v.p)[k];
		int64_t f = ((const int64_t *)(void *)from.p)[k];
		snprintf(key, sizeof key, "lines[%lld].cancelled", (long long)e->line_no - 1);
		if ((t = cJSON_CreateObject()) == NULL || wf_jadd_int(t, "from", f) |
		    wf_jadd_int(t, "to", f + e->qty)) {
			cJSON_Delete(t);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
		} else
			rc = wf_jadd_item(changes, key, t);
	}
	if (rc || (rc = wf_jadd_str(changes, "refund", name)) != 0)
		goto out;
	*cut = 1;
	rc = wf_order_cut(db, ref, &o, NULL, NULL, NULL, 0, 0, changes,
	    (const struct wf_order_cut *)(void *)v.p, v.len / sizeof c, 0, holds, &ended);
	changes = NULL;
out:
	cJSON_Delete(changes);
	wf_buf_free(&v);
	wf_buf_free(&from);
	return rc;
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
	int rc, counted = 0, found, listed = 0, cut = 0;

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
	/* a refund id names one refund of one order: kept for another, it could
	 * not be kept for this one, and would apply again at every import */
	if (!found && (rc = wf_order_find_by_payment(db, NULL, "shopify-refund", id)) == 0)
		return wf_jerr(at, "id", "refund %s was applied to another order already; a "
		    "Shopify refund belongs to one order", id);
	if (rc != 0 && rc != WF_ENOTFOUND)
		return rc;
	rc = 0;
	for (i = 0; i < own.npay_ids && !found && !counted && rc == 0; i++)
		rc = wf_order_payment_has(db, &counted, o.id, "shopify", own.pay_ids[i]);
	if (rc)
		return rc;
	/* the units it took back, once: the order's own import makes no return */
	if (!found && (rc = refund_returns(db, at, r, id, &o, ref)) != 0)
		return rc;
	/* the units it cancelled, once: not when the order's import listed it */
	if (!found && (rc = wf_order_payment_has(db, &listed, o.id, WF_ORDER_REFUND_SEEN,
	    id)) == 0 && !listed && (rc = refund_cancels(db, &cut, at, r, id, ref)) == 0 && cut &&
	    (rc = wf_order_find(db, &o, ref)) == 0 && (counted || amount == 0)) {
		memset(&mark, 0, sizeof mark);
		mark.pay_provider = "shopify-refund";
		mark.pay_ids[mark.npay_ids++] = id;
		if ((rc = wf_order_payment_keep(db, o.id, &mark)) != 0)
			return rc;
		return wf_order_emit_result(db, ref, "updated", wf_db_out(db));
	}
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
