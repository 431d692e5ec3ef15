/* order_cut.c - units a channel cancels from an order that holds stock
 * (reserved, picked or packed): a re-import whose only change is units
 * taken from its lines puts their stock back on hand, drops the legs left
 * with nothing to ship, and cancels the order when nothing is left; units
 * already picked or packed raise order_put_back for a person (wf-order(1),
 * "RE-IMPORTS").  What it writes, it writes through order.c and
 * order_act.c (order_priv.h).
 *
 * reads: order_line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_order.h"
#include "wf_shipment.h"
#include "wf_state.h"

int
wf_order_cut_plan(wf_db *db, const struct wf_order_row *o, const struct wf_order_in *in,
    const cJSON *changes, wf_buf *v, int64_t *shipped, int64_t *left)
{
	static const char sql[] =
	    "SELECT line_no, qty, qty_shipped, coalesce(sku_id, 0) FROM order_line"
	    " WHERE order_id = ?1 ORDER BY line_no";
	static const char *const amounts[] = { "subtotal", "discount", "shipping_paid", "tax",
		"total", NULL };
	static const char *const fields[] = { "qty", "cancelled", "discount", "tax", NULL };
	struct { int64_t ship, shipped, sku; } *l;
	const cJSON *c;
	char field[16];
	size_t i, k, n;
	int64_t want;
	wf_stmt *st;
	int rc, fewer = 0;

	for (c = changes->child; c; c = c->next) {
		for (k = 0; amounts[k] && strcmp(amounts[k], c->string) != 0; k++)
			;
		if (amounts[k])
			continue;
		if (sscanf(c->string, "lines[%zu].%15s", &i, field) != 2)
			return 0;
		for (k = 0; fields[k] && strcmp(fields[k], field) != 0; k++)
			;
		if (fields[k] == NULL)
			return 0;
	}
	if ((l = calloc(in->nlines, sizeof *l)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	*shipped = *left = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	wf_bind_int(st, 1, o->i.id);
	while ((rc = wf_db_step(db, st)) == 1) {
		i = (size_t)wf_col_int(st, 0) - 1;
		if (i >= in->nlines) {
			wf_stmt_reset(st);
			rc = 0;         /* a line the channel no longer sends */
			goto out;
		}
		l[i].ship = wf_col_int(st, 1);
		l[i].shipped = wf_col_int(st, 2);
		l[i].sku = wf_col_int(st, 3);
		*shipped += l[i].shipped;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	for (i = 0; i < in->nlines; i++) {
		want = in->lines[i].money ? 0 : in->lines[i].qty - in->lines[i].cancelled;
		if (want > l[i].ship || want < l[i].shipped)
			goto out;
		*left += want - l[i].shipped;
		if (want == l[i].ship)
			continue;
		fewer = 1;
		if (l[i].sku == 0)
			continue;       /* nothing of it is held */
		n = v->len / sizeof(struct wf_order_cut);
		for (k = 0; k < n && ((struct wf_order_cut *)(void *)v->p)[k].sku_id != l[i].sku; k++)
			;
		if (k == n) {
			struct wf_order_cut z = { l[i].sku, 0, 0 };
			if (wf_buf_add(v, &z, sizeof z) != 0) {
				rc = wf_error_set(WF_ENOMEM, "out of memory");
				goto out;
			}
		}
		((struct wf_order_cut *)(void *)v->p)[k].qty += l[i].ship - want;
	}
	rc = fewer;
out:
	free(l);
	return rc;
}

int
wf_order_cut(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, cJSON *changes, const struct wf_order_cut *cuts, size_t n, int64_t shipped,
    int holds, int *ended)
{
	const struct wf_machine *om = wf_machine_find("order");
	cJSON *released = cJSON_CreateArray(), *dropped = cJSON_CreateArray(), *ev = NULL, *r;
	wf_buf next = {0};
	int64_t open, units = 0;
	size_t i;
	int rc = 0;

	*ended = 0;
	if (changes == NULL || released == NULL || dropped == NULL) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (holds && cuts[i].sku_id != 0)
			rc = wf_order_put_back(db, released, ref, cuts[i].sku_id, cuts[i].qty);
	if (rc || (rc = wf_order_drop_legs(db, dropped, o->i.id, ref, released)) != 0)
		goto out;
	rc = holds ? wf_jadd_item(changes, "released", released) : 0;      /* taken */
	if (holds)
		released = NULL;
	if (rc == 0 && dropped->child) {
		rc = wf_jadd_item(changes, "legs_dropped", dropped);
		dropped = NULL;
	}
	if (rc)
		goto out;
	/* what was picked or packed is in a tote or a parcel: a person puts it back */
	ev = cJSON_CreateArray();
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(changes, "released")) {
		const char *st = cJSON_GetObjectItemCaseSensitive(r, "state")->valuestring;
		int64_t q = (int64_t)cJSON_GetObjectItemCaseSensitive(r, "qty")->valuedouble;
		if (strcmp(st, "reserved") == 0)
			continue;
		units += q;
		if (ev == NULL || !cJSON_AddItemToArray(ev, cJSON_Duplicate(r, 1)) ||
		    wf_buf_addf(&next, "%s%lld %s %s at %s", next.len ? ", " : "", (long long)q,
		    cJSON_GetObjectItemCaseSensitive(r, "sku")->valuestring, st,
		    cJSON_GetObjectItemCaseSensitive(r, "bin")->valuestring)) {
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (in) {
		rc = wf_order_update(db, ref, o, in, ship, hash, subtotal, total, changes, 1);
		changes = NULL;
	} else {
		for (i = 0; i < n && rc == 0; i++)
			rc = wf_order_line_cut(db, o->i.id, cuts[i].line_no, cuts[i].qty);
		if (rc == 0)
			rc = wf_history_add(db, "order", ref, NULL, "update", NULL, NULL, changes);
		changes = NULL;
	}
	if (rc || (rc = wf_order_lines_open(db, &open, o->i.id, WF_ORDER_SHIPPED)) != 0)
		goto out;
	if (!holds)
		;       /* an open order with nothing left stays, as an import leaves it */
	else if (open == 0 && shipped == 0) {
		if ((rc = wf_shipment_cancel_order(db, o->i.id)) != 0 ||
		    (rc = wf_order_cancel(db, ref, o->i.id, in && in->cancelled && in->cancel_reason &&
		    *in->cancel_reason ? in->cancel_reason : "the channel cancelled every unit "
		    "left to ship", NULL)) != 0 ||
		    (rc = wf_order_clear_all(db, ref, "the channel cancelled the order")) != 0)
			goto out;
		*ended = 1;
	} else if (open == 0 && wf_state_next(om, o->i.state, "ship") != NULL) {
		/* the rest shipped: the order has shipped what it will */
		cJSON *d = cJSON_CreateObject();
		if (d == NULL || wf_jadd_str(d, "reason", "the channel cancelled the units "
		    "left to ship")) {
			cJSON_Delete(d);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = wf_state_apply(db, NULL, om, o->i.id, ref, "ship", d)) != 0)
			goto out;
	}
	if (units > 0) {
		cJSON *e = cJSON_CreateObject();
		wf_buf msg = {0};
		if (e == NULL || wf_jadd_str(e, "state", o->i.state) ||
		    (rc = wf_jadd_item(e, "put_back", ev), ev = NULL, rc) || wf_buf_addf(&msg, "The channel cancelled units of %s that were "
		    "already picked or packed; the ledger has them back on hand in their bins: take "
		    "them out of the order's tote or parcel and put them back (%s), then resolve "
		    "this (wf-alert resolve)", ref, next.p)) {
			cJSON_Delete(e);
			wf_buf_free(&msg);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			goto out;
		}
		rc = wf_order_raise(db, ref, &o->i, WF_EX_PUT_BACK, e, units, msg.p);
		wf_buf_free(&msg);
	}
out:
	cJSON_Delete(changes);
	cJSON_Delete(released);
	cJSON_Delete(dropped);
	cJSON_Delete(ev);
	wf_buf_free(&next);
	return rc;
}
