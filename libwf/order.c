/* order.c - the order record: its rows and lines as import decided them,
 * the fulfilment and finance lifecycles, and its route legs.
 *
 * owns: orders, order_line, order_route
 * reads: sku, sku_alias, held, shipment_line, order_unshipped, order_payment
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_order.h"
#include "wf_promise.h"
#include "wf_state.h"
#include "wf_stock_cache.h"
#include "wf_stock.h"
#include "wf_time.h"
#include "wf_record.h"
#include "wf_shipment.h"
#include "wf_text.h"

/* ---- loading -------------------------------------------------------------------- */

#define ORDER_COLS "id, state, finance_state, coalesce(held_from, ''), currency, total," \
	" paid, refunded, promise_by, coalesce(ship_country, ''), source_hash," \
	" coalesce(hold_reason, ''), channel_updated_at"

static void
order_from_stmt(wf_stmt *st, struct wf_order_row *o)
{
	memset(o, 0, sizeof *o);
	o->i.id = wf_col_int(st, 0);
	wf_strlcpy(o->i.state, wf_col_text(st, 1), sizeof o->i.state);
	wf_strlcpy(o->i.finance_state, wf_col_text(st, 2), sizeof o->i.finance_state);
	wf_strlcpy(o->i.held_from, wf_col_text(st, 3), sizeof o->i.held_from);
	wf_strlcpy(o->i.currency, wf_col_text(st, 4), sizeof o->i.currency);
	o->i.total = wf_col_int(st, 5);
	o->i.paid = wf_col_int(st, 6);
	o->i.refunded = wf_col_int(st, 7);
	o->i.has_promise = !wf_col_null(st, 8);
	if (o->i.has_promise)
		wf_time_parse(wf_col_text(st, 8), &o->i.promise_by);
	wf_strlcpy(o->i.ship_country, wf_col_text(st, 9), sizeof o->i.ship_country);
	wf_strlcpy(o->hash, wf_col_text(st, 10), sizeof o->hash);
	wf_strlcpy(o->hold_reason, wf_col_text(st, 11), sizeof o->hold_reason);
	o->has_channel_time = !wf_col_null(st, 12) &&
	    wf_time_parse(wf_col_text(st, 12), &o->channel_time) == 0;
}

int
wf_order_load(wf_db *db, struct wf_order_row *o, const char *ref)
{
	static const char sql[] = "SELECT " ORDER_COLS " FROM orders WHERE ref = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	if ((rc = wf_db_step(db, st)) == 1) {
		order_from_stmt(st, o);
		wf_stmt_reset(st);
	}
	return rc;
}

int
wf_order_find(wf_db *db, struct wf_order_info *info, const char *ref)
{
	struct wf_order_row o;
	int rc = wf_order_load(db, &o, ref);

	if (rc == 0)
		return wf_order_unknown(db, ref);
	if (rc < 0)
		return rc;
	if (info)
		*info = o.i;
	return 0;
}

/* An order's columns as its record shows them: NULL text prints as null. */
struct order_view {
	const char *channel, *external_id, *state, *finance_state, *placed_at, *promise_by;
	const char *currency, *ship_name, *ship_country, *ship_postcode, *ship_city;
	const char *owner, *hold_reason, *cancel_reason, *invoice_number;
	int64_t subtotal, discount, shipping_paid, tax, total, paid, refunded, nlines;
};

/* The order as a record without its lines: {"type":"order","order":REF,...}.
 * Every record of an order is made here, whether its values come from the
 * database or from the row just written; as text for an import's result
 * (wf_rec: one record per line of a large batch). */
static void
order_put(wf_rec *r, const char *ref, const struct order_view *v, const char *result,
    int with_count)
{
	wf_rec ship;

	wf_rec_str(r, "order", ref);
	if (result)
		wf_rec_str(r, "result", result);
	wf_rec_str(r, "channel", v->channel);
	wf_rec_str(r, "external_id", v->external_id);
	wf_rec_str(r, "state", v->state);
	wf_rec_str(r, "finance_state", v->finance_state);
	wf_rec_str(r, "placed_at", v->placed_at);
	wf_rec_str(r, "promise_by", v->promise_by);
	wf_rec_str(r, "currency", v->currency);
	wf_rec_money(r, "subtotal", v->subtotal, v->currency);
	wf_rec_money(r, "discount", v->discount, v->currency);
	wf_rec_money(r, "shipping_paid", v->shipping_paid, v->currency);
	wf_rec_money(r, "tax", v->tax, v->currency);
	wf_rec_money(r, "total", v->total, v->currency);
	wf_rec_money(r, "paid", v->paid, v->currency);
	wf_rec_money(r, "refunded", v->refunded, v->currency);
	wf_rec_str(r, "invoice_number", v->invoice_number);
	if (!v->ship_name && !v->ship_country && !v->ship_postcode && !v->ship_city)
		wf_rec_str(r, "ship_to", NULL);
	else {
		wf_rec_open(r, "ship_to", &ship);
		wf_rec_str(&ship, "name", v->ship_name);
		wf_rec_str(&ship, "country", v->ship_country);
		wf_rec_str(&ship, "postcode", v->ship_postcode);
		wf_rec_str(&ship, "city", v->ship_city);
		wf_rec_close(r, &ship);
	}
	wf_rec_str(r, "owner", v->owner);
	wf_rec_str(r, "hold_reason", v->hold_reason);
	wf_rec_str(r, "cancel_reason", v->cancel_reason);
	if (with_count)
		wf_rec_int(r, "lines", v->nlines);
}

/* The order as a record, read from the database. */
static cJSON *
order_record(wf_db *db, const char *ref, int with_lines, const char *result)
{
	static const char sql[] =
	    "SELECT channel, external_id, state, finance_state, placed_at, promise_by,"
	    " currency, subtotal, discount, shipping_paid, tax, total, paid, refunded,"
	    " ship_name, ship_country, ship_postcode, ship_city, owner, hold_reason,"
	    " cancel_reason, id, (SELECT count(*) FROM (SELECT line_no FROM order_line"
	    " WHERE order_id = orders.id UNION SELECT line_no FROM order_unshipped"
	    " WHERE order_id = orders.id)),"
	    " invoice_number FROM orders WHERE ref = ?1";
	static const char lines_sql[] =
	    "SELECT line_no, sku, sku_id IS NOT NULL, title, qty, unit_price, discount, tax,"
	    " qty_shipped, qty_returned, external_id FROM order_line WHERE order_id = ?1"
	    " ORDER BY line_no";
	struct order_view v;
	wf_rec rec;
	wf_stmt *st, *ls;
	cJSON *r, *lines;
	char cur[4];
	int rc = 0;
	int64_t id;

	if (wf_db_stmt(db, &st, sql) != 0)
		return NULL;
	wf_bind_text(st, 1, ref);
	if (wf_db_step(db, st) != 1)
		return NULL;
	wf_strlcpy(cur, wf_col_text(st, 6), sizeof cur);
	v.channel = wf_col_text(st, 0);
	v.external_id = wf_col_text(st, 1);
	v.state = wf_col_text(st, 2);
	v.finance_state = wf_col_text(st, 3);
	v.placed_at = wf_col_text(st, 4);
	v.promise_by = wf_col_str(st, 5);
	v.currency = cur;
	v.subtotal = wf_col_int(st, 7);
	v.discount = wf_col_int(st, 8);
	v.shipping_paid = wf_col_int(st, 9);
	v.tax = wf_col_int(st, 10);
	v.total = wf_col_int(st, 11);
	v.paid = wf_col_int(st, 12);
	v.refunded = wf_col_int(st, 13);
	v.ship_name = wf_col_str(st, 14);
	v.ship_country = wf_col_str(st, 15);
	v.ship_postcode = wf_col_str(st, 16);
	v.ship_city = wf_col_str(st, 17);
	v.owner = wf_col_text(st, 18);
	v.hold_reason = wf_col_str(st, 19);
	v.cancel_reason = wf_col_str(st, 20);
	id = wf_col_int(st, 21);
	v.nlines = wf_col_int(st, 22);
	v.invoice_number = wf_col_str(st, 23);
	wf_rec_begin(&rec, NULL, "order");
	order_put(&rec, ref, &v, result, !with_lines);
	r = wf_rec_tree(&rec);
	wf_stmt_reset(st);
	if (r == NULL || !with_lines)
		return r;
	if ((lines = cJSON_CreateArray()) == NULL || wf_jadd_item(r, "lines", lines) ||
	    wf_db_stmt(db, &ls, lines_sql) != 0)
		goto fail;
	wf_bind_int(ls, 1, id);
	while (wf_db_step(db, ls) == 1) {
		cJSON *l = cJSON_CreateObject();
		if (l == NULL || !cJSON_AddItemToArray(lines, l)) {
			cJSON_Delete(l);
			wf_stmt_reset(ls);
			goto fail;
		}
		rc |= wf_jadd_int(l, "line", wf_col_int(ls, 0));
		rc |= wf_jadd_str(l, "sku", wf_col_text(ls, 1));
		rc |= wf_jadd_bool(l, "known", (int)wf_col_int(ls, 2));
		rc |= wf_jadd_str(l, "title", wf_col_text(ls, 3));
		rc |= wf_jadd_int(l, "qty", wf_col_int(ls, 4));
		rc |= wf_jadd_money(l, "unit_price", wf_col_int(ls, 5), cur);
		rc |= wf_jadd_money(l, "discount", wf_col_int(ls, 6), cur);
		rc |= wf_jadd_money(l, "tax", wf_col_int(ls, 7), cur);
		rc |= wf_jadd_int(l, "shipped", wf_col_int(ls, 8));
		rc |= wf_jadd_int(l, "returned", wf_col_int(ls, 9));
		rc |= wf_jadd_str(l, "id", wf_col_str(ls, 10));
	}
	if (rc || (lines = wf_order_unshipped_json(db, id, cur)) == NULL)
		goto fail;
	if (wf_jadd_item(r, "unshipped", lines))
		goto fail;
	return r;
fail:
	cJSON_Delete(r);
	return NULL;
}

/* An order is wide; a table shows what an operator reads first. */
static const char *const order_columns[] = {
	"order", "state", "finance_state", "placed_at", "total", "currency", "lines",
	"hold_reason", NULL
};
static const char *const order_result_columns[] = {
	"order", "result", "state", "finance_state", "placed_at", "total", "currency",
	"lines", "hold_reason", NULL
};

static int
emit_order(wf_db *db, const char *ref, wf_out *out, const char *result, int with_lines)
{
	cJSON *r = order_record(db, ref, with_lines, result);

	wf_out_columns(out, "order", result ? order_result_columns : order_columns);
	if (r == NULL)
		return wf_error_set(WF_EINTERNAL, "order '%s' could not be read", ref);
	return wf_out_emit(out, r);
}

int
wf_order_emit(wf_db *db, const char *ref, int with_lines, wf_out *out)
{
	return emit_order(db, ref, out, NULL, with_lines);
}

int
wf_order_emit_result(wf_db *db, const char *ref, const char *result, wf_out *out)
{
	return emit_order(db, ref, out, result, 0);
}

/* ---- exceptions about an order ------------------------------------------------------ */

int
wf_order_raise(wf_db *db, const char *ref, const struct wf_order_info *o, const char *kind,
    cJSON *evidence, int64_t units, const char *next)
{
	struct wf_raise r;
	int64_t id;
	const char *result;
	int rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.subject_type = "order";
	r.subject_ref = ref;
	r.evidence = evidence;
	r.impact.money = o->total;
	wf_strlcpy(r.impact.currency, o->currency, sizeof r.impact.currency);
	r.impact.units = units;
	r.impact.orders = 1;
	r.impact.has_due = o->has_promise;
	r.impact.due_at = o->promise_by;
	r.next_action = next;
	r.owner = WF_OWNER_ORDER;
	rc = wf_exception_raise(db, &id, &result, &r);
	cJSON_Delete(evidence);
	return rc;
}

int
wf_order_clear(wf_db *db, const char *ref, const char *kind, const char *note)
{
	const char *result;
	int64_t id;

	return wf_exception_clear(db, &id, &result, kind, "order", ref, note);
}

int
wf_order_clear_all(wf_db *db, const char *ref, const char *note)
{
	static const char *const kinds[] = {
		WF_EX_UNKNOWN_SKU, WF_EX_CHANGED, WF_EX_CANCELLED, WF_EX_FINANCE,
		WF_EX_UNROUTABLE, NULL
	};
	size_t i;
	int rc;

	for (i = 0; kinds[i]; i++)
		if ((rc = wf_order_clear(db, ref, kinds[i], note)) != 0)
			return rc;
	return 0;
}

int
wf_order_cancel(wf_db *db, const char *ref, int64_t id, const char *reason, cJSON *data)
{
	static const char sql[] =
	    "UPDATE orders SET cancel_reason = ?2, hold_reason = NULL WHERE id = ?1";
	const struct wf_machine *m = wf_machine_find("order");
	wf_stmt *st;
	int rc;

	if (data == NULL && (data = cJSON_CreateObject()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (cJSON_GetObjectItemCaseSensitive(data, "reason") == NULL &&
	    (rc = wf_jadd_str(data, "reason", reason)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if ((rc = wf_state_apply(db, NULL, m, id, ref, "cancel", data)) != 0 ||
	    (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, reason);
	return wf_db_done(db, st);
}

/* ---- import: what order_import.c decided, written ----------------------------------- */

int
wf_order_set_payment(wf_db *db, int64_t id, int64_t paid, int64_t refunded)
{
	static const char sql[] =
	    "UPDATE orders SET paid = ?2, refunded = ?3, updated_at = ?4 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_int(st, 2, paid);
	wf_bind_int(st, 3, refunded);
	wf_bind_time(st, 4, wf_db_now(db));
	return wf_db_done(db, st);
}

/* The import binds its strings without a copy (wf_bind_static): they live
 * in the parsed line, or in the caller's buffers, until the statement has
 * run and wf_db_done_static() unbound them. */

/* Write IN's lines for order ORDER_ID: what is left to ship of each in
 * order_line (its SKU by code or alias), what never ships in
 * order_unshipped; *unknown counts the lines to ship whose SKU the
 * catalogue does not know.  CUT: the lines are there and only lose units
 * (their rows, shipped counts and shipments stay; one left with nothing
 * to ship goes). */
static int
insert_lines(wf_db *db, int64_t *unknown, int64_t order_id, const struct wf_order_in *in,
    int cut)
{
	static const char ins[] =
	    "INSERT INTO order_line (order_id, line_no, sku, sku_id, external_id, title,"
	    " qty, unit_price, discount, tax) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	static const char upd[] =
	    "UPDATE order_line SET qty = ?7, discount = ?9, tax = ?10 WHERE order_id = ?1"
	    " AND line_no = ?2";
	static const char del[] = "DELETE FROM order_line WHERE order_id = ?1 AND line_no = ?2";
	const char *sql = cut ? upd : ins;
	wf_stmt *st;
	int64_t sku_id, ship, value, disc;
	size_t i;
	int rc, known;

	*unknown = 0;
	for (i = 0; i < in->nlines; i++) {
		const struct wf_order_line_in *l = &in->lines[i];
		ship = l->money ? 0 : l->qty - l->cancelled;
		if (ship <= 0 || l->cancelled > 0) {
			/* the line's discount and tax go with what ships, when any does */
			if ((rc = wf_order_unshipped_add(db, order_id, (int64_t)i + 1, l->money ?
			    "money" : "cancelled", l, l->money ? l->qty : l->cancelled,
			    ship > 0 ? 0 : l->discount, ship > 0 ? 0 : l->tax)) != 0)
				return rc;
			if (ship <= 0 && cut) {
				if ((rc = wf_db_stmt(db, &st, del)) != 0)
					return rc;
				wf_bind_int(st, 1, order_id);
				wf_bind_int(st, 2, (int64_t)i + 1);
				if ((rc = wf_db_done(db, st)) != 0)
					return rc;
			}
			if (ship <= 0)
				continue;
		}
		if ((known = wf_sku_resolve(db, &sku_id, l->sku)) < 0)
			return known;
		if (!known)
			(*unknown)++;
		value = ship * l->unit_price;
		disc = l->discount < value ? l->discount : value;
		if ((rc = wf_db_stmt(db, &st, sql)) != 0)
			return rc;
		wf_bind_int(st, 1, order_id);
		wf_bind_int(st, 2, (int64_t)i + 1);
		wf_bind_static(st, 3, l->sku);
		wf_bind_opt_int(st, 4, known, sku_id);
		wf_bind_static(st, 5, l->external_id);
		wf_bind_static(st, 6, l->title ? l->title : "");
		wf_bind_int(st, 7, ship);
		wf_bind_int(st, 8, l->unit_price);
		wf_bind_int(st, 9, disc);
		wf_bind_int(st, 10, l->tax);
		if ((rc = wf_db_done_static(db, st)) != 0)
			return rc;
	}
	return 0;
}

/* The lines whose SKU the catalogue does not know, as a JSON array. */
static cJSON *
unknown_skus(wf_db *db, int64_t order_id, int64_t *units, wf_buf *next)
{
	static const char sql[] =
	    "SELECT sku, sum(qty), max(title) FROM order_line WHERE order_id = ?1"
	    " AND sku_id IS NULL GROUP BY sku ORDER BY min(line_no)";
	cJSON *a = cJSON_CreateArray();
	wf_stmt *st;

	*units = 0;
	if (a == NULL || wf_db_stmt(db, &st, sql) != 0) {
		cJSON_Delete(a);
		return NULL;
	}
	wf_bind_int(st, 1, order_id);
	while (wf_db_step(db, st) == 1) {
		cJSON_AddItemToArray(a, cJSON_CreateString(wf_col_text(st, 0)));
		*units += wf_col_int(st, 1);
		/* a channel's key (shopify-variant:ID): the next action names
		 * the alias that maps it, and the title that says what it is */
		if (next && strchr(wf_col_text(st, 0), ':'))
			wf_buf_addf(next, "%s%s (\"%s\") to its SKU (wf-stock sku alias SKU %s)",
			    next->len ? "; map " : "Map ", wf_col_text(st, 0), wf_col_text(st, 2),
			    wf_col_text(st, 0));
	}
	return a;
}

int
wf_order_resolve(wf_db *db, const char *ref, int64_t order_id)
{
	static const char upd[] =
	    "UPDATE order_line SET sku_id = coalesce((SELECT id FROM sku"
	    " WHERE sku.code = order_line.sku), (SELECT sku_id FROM sku_alias"
	    " WHERE sku_alias.alias = order_line.sku)) WHERE order_id = ?1 AND sku_id IS NULL";
	static const char cnt[] =
	    "SELECT count(*) FROM order_line WHERE order_id = ?1 AND sku_id IS NULL";
	wf_stmt *st;
	int64_t left, units;
	cJSON *skus;
	char *list;
	int rc;

	if ((rc = wf_db_stmt(db, &st, upd)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_done(db, st)) != 0 || (rc = wf_db_stmt(db, &st, cnt)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	left = wf_col_int(st, 0);
	wf_stmt_reset(st);
	if (left == 0)
		return 0;
	skus = unknown_skus(db, order_id, &units, NULL);
	list = skus ? cJSON_PrintUnformatted(skus) : NULL;
	rc = wf_error_set(WF_EREFUSED, "order %s still has SKUs the catalogue does not know: %s",
	    ref, list ? list : "?");
	cJSON_free(list);
	cJSON_Delete(skus);
	return rc;
}

static int
hold_for_unknown(wf_db *db, const char *ref, int64_t order_id)
{
	struct wf_order_row o;
	struct wf_order_key k;
	wf_buf next = {0}, why = {0};
	int64_t units;
	cJSON *skus, *c, *ev;
	int rc;

	if ((skus = unknown_skus(db, order_id, &units, &next)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	rc = wf_buf_adds(&why, "unknown SKU");
	rc |= wf_buf_adds(&next, next.len ? ", or add " : "Add ");
	cJSON_ArrayForEach(c, skus) {
		rc |= wf_buf_addf(&why, "%s %s", c == skus->child ? "" : ",", c->valuestring);
		rc |= wf_buf_addf(&next, "%s%s", c == skus->child ? "" : ", ", c->valuestring);
	}
	rc |= wf_buf_addf(&next, " to the catalogue (wf-stock sku add), then wf-order release %s", ref);
	if (rc) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = wf_order_load(db, &o, ref)) < 0)
		goto out;
	/* an order held already keeps its hold and its reason */
	k.id = order_id;
	k.ref = ref;
	k.state = o.i.state;
	k.hold_reason = o.hold_reason;
	if (strcmp(o.i.state, "on_hold") != 0 && (rc = wf_order_hold(db, &k, why.p)) != 0)
		goto out;
	ev = cJSON_CreateObject();
	if (ev == NULL || wf_jadd_item(ev, "unknown_skus", skus)) {
		cJSON_Delete(ev);
		skus = NULL;
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	skus = NULL;
	rc = wf_order_raise(db, ref, &o.i, WF_EX_UNKNOWN_SKU, ev, units, next.p);
out:
	cJSON_Delete(skus);
	wf_buf_free(&next);
	wf_buf_free(&why);
	return rc;
}

/* The record of an order create() just wrote that stayed "new": the
 * values written, not read back.  order_put makes it, as it makes the
 * record read from the database, so the two cannot differ; as JSON lines
 * it is written as text, without a tree (wf_rec). */
static int
emit_created(const char *ref, const struct wf_order_in *in, const char *finance,
    const char *placed, const char *promise, int64_t subtotal, int64_t total, wf_out *out)
{
	struct order_view v;
	wf_rec r;

	v.channel = in->channel;
	v.external_id = in->external_id;
	v.state = "new";
	v.finance_state = finance;
	v.placed_at = placed;
	v.promise_by = promise;
	v.currency = in->currency;
	v.subtotal = subtotal;
	v.discount = in->discount;
	v.shipping_paid = in->shipping_paid;
	v.tax = in->tax;
	v.total = total;
	v.paid = in->paid;
	v.refunded = in->refunded;
	v.ship_name = in->ship_name;
	v.ship_country = *in->ship_country ? in->ship_country : NULL;
	v.ship_postcode = in->ship_postcode;
	v.ship_city = in->ship_city;
	v.owner = in->owner ? in->owner : WF_OWNER_ORDER;
	v.hold_reason = NULL;
	v.cancel_reason = NULL;
	v.invoice_number = NULL;
	v.nlines = (int64_t)in->nlines;
	wf_out_columns(out, "order", order_result_columns);
	wf_rec_begin(&r, out, "order");
	order_put(&r, ref, &v, "created", 1);
	return wf_rec_emit(&r, out);
}

int
wf_order_create(wf_db *db, const char *ref, const struct wf_order_in *in,
    const char *finance, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, wf_out *out)
{
	static const char ins[] =
	    "INSERT INTO orders (channel, external_id, ref, finance_state, owner, currency,"
	    " placed_at, promise_by, ship_name, ship_country, ship_postcode, ship_city,"
	    " ship_to, subtotal, discount, shipping_paid, tax, total, paid, refunded,"
	    " source_hash, created_at, updated_at, channel_updated_at) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22, ?22, ?23)";
	const struct wf_machine *m = wf_machine_find("order");
	wf_stmt *st;
	int64_t id, unknown;
	char placed[WF_TIME_LEN], promise[WF_TIME_LEN], now[WF_TIME_LEN];
	char updated[WF_TIME_LEN], money[40], data[128];
	int rc;

	wf_time_format(in->placed_at, placed);
	if (in->has_promise)
		wf_time_format(in->promise_by, promise);
	wf_time_format(wf_db_now(db), now);
	if (in->has_updated)
		wf_time_format(in->updated_at, updated);
	if ((rc = wf_db_stmt(db, &st, ins)) != 0)
		return rc;
	wf_bind_static(st, 1, in->channel);
	wf_bind_static(st, 2, in->external_id);
	wf_bind_static(st, 3, ref);
	wf_bind_static(st, 4, finance);
	wf_bind_static(st, 5, in->owner ? in->owner : WF_OWNER_ORDER);
	wf_bind_static(st, 6, in->currency);
	wf_bind_static(st, 7, placed);
	if (in->has_promise)
		wf_bind_static(st, 8, promise);
	wf_bind_static(st, 9, in->ship_name);
	wf_bind_static(st, 10, *in->ship_country ? in->ship_country : NULL);
	wf_bind_static(st, 11, in->ship_postcode);
	wf_bind_static(st, 12, in->ship_city);
	wf_bind_static(st, 13, ship);
	wf_bind_int(st, 14, subtotal);
	wf_bind_int(st, 15, in->discount);
	wf_bind_int(st, 16, in->shipping_paid);
	wf_bind_int(st, 17, in->tax);
	wf_bind_int(st, 18, total);
	wf_bind_int(st, 19, in->paid);
	wf_bind_int(st, 20, in->refunded);
	wf_bind_static(st, 21, hash);
	wf_bind_static(st, 22, now);
	if (in->has_updated)
		wf_bind_static(st, 23, updated);
	if ((rc = wf_db_done_static(db, st)) != 0)
		return rc;
	id = wf_db_last_id(db);
	if ((rc = insert_lines(db, &unknown, id, in, 0)) != 0)
		return rc;
	/* the event's data as wf_json_write writes the object; neither value
	 * needs escaping (a finance state, an amount) */
	if ((rc = wf_money_format(total, in->currency, money, sizeof money)) != 0)
		return rc;
	snprintf(data, sizeof data, "{\"finance_state\":\"%s\",\"total\":\"%s\",\"lines\":%zu}",
	    finance, money, in->nlines);
	if ((rc = wf_history_add_text(db, "order", ref, "order", "create", NULL, "new", data)) != 0)
		return rc;
	if (in->cancelled) {
		if ((rc = wf_order_cancel(db, ref, id, in->cancel_reason && *in->cancel_reason ?
		    in->cancel_reason : "cancelled at the channel", NULL)) != 0)
			return rc;
	} else if (in->fulfilled) {
		if ((rc = wf_state_apply(db, NULL, m, id, ref, "close_external", NULL)) != 0)
			return rc;
	} else if (unknown > 0 && (rc = hold_for_unknown(db, ref, id)) != 0)
		return rc;
	if (in->cancelled || in->fulfilled || unknown > 0)
		return emit_order(db, ref, out, "created", 0);
	return emit_created(ref, in, finance, placed, in->has_promise ? promise : NULL,
	    subtotal, total, out);
}

int
wf_order_update(wf_db *db, const char *ref, const struct wf_order_row *o,
    const struct wf_order_in *in, const char *ship, const char *hash, int64_t subtotal,
    int64_t total, cJSON *changes, int cut)
{
	static const char upd[] =
	    "UPDATE orders SET currency = ?2, placed_at = ?3, promise_by = ?4, ship_name = ?5,"
	    " ship_country = ?6, ship_postcode = ?7, ship_city = ?8, ship_to = ?9,"
	    " subtotal = ?10, discount = ?11, shipping_paid = ?12, tax = ?13, total = ?14,"
	    " source_hash = ?15, owner = coalesce(?16, owner), updated_at = ?17 WHERE id = ?1";
	static const char del[] = "DELETE FROM order_line WHERE order_id = ?1";
	wf_stmt *st;
	int64_t unknown;
	int rc;

	if (changes == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if ((rc = wf_db_stmt(db, &st, upd)) != 0)
		goto out;
	wf_bind_int(st, 1, o->i.id);
	wf_bind_text(st, 2, in->currency);
	wf_bind_time(st, 3, in->placed_at);
	if (in->has_promise)
		wf_bind_time(st, 4, in->promise_by);
	wf_bind_text(st, 5, in->ship_name);
	wf_bind_text(st, 6, *in->ship_country ? in->ship_country : NULL);
	wf_bind_text(st, 7, in->ship_postcode);
	wf_bind_text(st, 8, in->ship_city);
	wf_bind_text(st, 9, ship);
	wf_bind_int(st, 10, subtotal);
	wf_bind_int(st, 11, in->discount);
	wf_bind_int(st, 12, in->shipping_paid);
	wf_bind_int(st, 13, in->tax);
	wf_bind_int(st, 14, total);
	wf_bind_text(st, 15, hash);
	wf_bind_text(st, 16, in->owner);
	wf_bind_time(st, 17, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto out;
	if (!cut) {
		if ((rc = wf_db_stmt(db, &st, del)) != 0)
			goto out;
		wf_bind_int(st, 1, o->i.id);
		if ((rc = wf_db_done(db, st)) != 0)
			goto out;
	}
	if ((rc = wf_order_unshipped_clear(db, o->i.id)) != 0 ||
	    (rc = insert_lines(db, &unknown, o->i.id, in, cut)) != 0)
		goto out;
	/* no event when no field a reader sees changed (the fingerprint did) */
	if (changes->child)
		rc = wf_history_add(db, "order", ref, NULL, "update", NULL, NULL, changes);
	else
		cJSON_Delete(changes);
	changes = NULL;
	if (rc)
		goto out;
	/* an order the channel fulfilled itself never takes stock: no hold */
	if (cut)
		;       /* its SKUs are those it had, all known: it holds their stock */
	else if (unknown > 0 && !in->fulfilled)
		rc = hold_for_unknown(db, ref, o->i.id);
	else if (strcmp(o->i.state, "on_hold") == 0 &&
	    strncmp(o->hold_reason, "unknown SKU", 11) == 0) {
		/* the change named known SKUs: the hold and its reason are gone */
		static const char why[] = "the updated order's SKUs are all known";
		struct wf_order_key k = { o->i.id, ref, o->i.state, o->hold_reason };
		if ((rc = wf_order_release(db, NULL, &k, why)) == 0)
			rc = wf_order_clear(db, ref, WF_EX_UNKNOWN_SKU, why);
	}
out:
	cJSON_Delete(changes);
	return rc;
}

int
wf_order_line_cut(wf_db *db, int64_t order_id, int64_t line_no, int64_t qty)
{
	static const char upd[] =
	    "UPDATE order_line SET qty = qty - ?3, discount = min(discount, (qty - ?3) *"
	    " unit_price) WHERE order_id = ?1 AND line_no = ?2 AND qty > ?3";
	static const char del[] =
	    "DELETE FROM order_line WHERE order_id = ?1 AND line_no = ?2 AND qty = ?3";
	const char *const sql[] = { del, upd };	/* after upd, 2Q cut to Q matches del */
	wf_stmt *st;
	int rc, k;

	if ((rc = wf_order_unshipped_cancel(db, order_id, line_no, qty)) != 0)
		return rc;
	for (k = 0; k < 2; k++) {
		if ((rc = wf_db_stmt(db, &st, sql[k])) != 0)
			return rc;
		wf_bind_int(st, 1, order_id);
		wf_bind_int(st, 2, line_no);
		wf_bind_int(st, 3, qty);
		if ((rc = wf_db_done(db, st)) != 0)
			return rc;
	}
	return 0;
}

/* ---- units over lines ----------------------------------------------------------- */

int
wf_order_spread(wf_db *db, int64_t *left, int64_t order_id, int64_t sku_id, int64_t qty,
    enum wf_order_count what, wf_order_line_fn *fn, void *arg)
{
	static const char *const open_sql[] = {
		"SELECT id, qty - qty_shipped FROM order_line WHERE order_id = ?1 AND sku_id = ?2"
		" AND qty > qty_shipped ORDER BY line_no",
		"SELECT id, qty_shipped - qty_returned FROM order_line WHERE order_id = ?1"
		" AND sku_id = ?2 AND qty_shipped > qty_returned ORDER BY line_no",
	};
	static const char *const add_sql[] = {
		"UPDATE order_line SET qty_shipped = qty_shipped + ?2 WHERE id = ?1",
		"UPDATE order_line SET qty_returned = qty_returned + ?2 WHERE id = ?1",
	};
	struct open_line { int64_t id, open; } l;
	const struct open_line *ol;
	wf_buf v = {0};
	size_t nl, j;
	wf_stmt *st;
	int rc;

	assert(what == WF_ORDER_SHIPPED || what == WF_ORDER_RETURNED);
	*left = qty;
	/* every open line first, then the updates: a statement is not stepped
	 * while the lines it reads change */
	if ((rc = wf_db_stmt(db, &st, open_sql[what])) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, sku_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		l.id = wf_col_int(st, 0);
		l.open = wf_col_int(st, 1);
		if (wf_buf_add(&v, &l, sizeof l) != 0) {
			wf_stmt_reset(st);
			rc = wf_error_set(WF_ENOMEM, "out of memory");
			break;
		}
	}
	ol = (const struct open_line *)(void *)v.p;
	nl = v.len / sizeof l;
	for (j = 0; rc == 0 && j < nl && *left > 0; j++) {
		int64_t q = ol[j].open < *left ? ol[j].open : *left;
		assert(q > 0);
		if ((fn && (rc = fn(db, arg, ol[j].id, q)) != 0) ||
		    (rc = wf_db_stmt(db, &st, add_sql[what])) != 0)
			break;
		wf_bind_int(st, 1, ol[j].id);
		wf_bind_int(st, 2, q);
		if ((rc = wf_db_done(db, st)) != 0)
			break;
		*left -= q;
	}
	wf_buf_free(&v);
	return rc < 0 ? rc : 0;
}

int
wf_order_lines_open(wf_db *db, int64_t *n, int64_t order_id, enum wf_order_count what)
{
	static const char *const sql[] = {
		"SELECT count(*) FROM order_line WHERE order_id = ?1 AND qty > qty_shipped",
		"SELECT count(*) FROM order_line WHERE order_id = ?1 AND qty_returned < qty",
	};
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql[what])) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : WF_EINTERNAL;
	*n = wf_col_int(st, 0);
	wf_stmt_reset(st);
	return 0;
}

int
wf_order_take_back(wf_db *db, int64_t order_id, const char *ref, int64_t sku_id,
    int64_t qty, const char *rma)
{
	int64_t left, open;
	cJSON *data;
	int rc;

	if ((rc = wf_order_spread(db, &left, order_id, sku_id, qty, WF_ORDER_RETURNED, NULL,
	    NULL)) != 0)
		return rc;
	if (left > 0)
		return wf_error_set(WF_EINTERNAL, "order %s: %lld units more come back than it shipped",
		    ref, (long long)left);
	if ((rc = wf_order_lines_open(db, &open, order_id, WF_ORDER_RETURNED)) != 0)
		return rc;
	if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "return", rma)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_state_apply(db, NULL, wf_machine_find("order"), order_id, ref,
	    open ? "return_part" : "return_all", data);
}

/* The refund of AMOUNT, with KEY: VALUE (the return, or the reason) in its
 * event. */
static int
refund_with(wf_db *db, const struct wf_order_info *o, const char *ref, int64_t amount,
    const char *key, const char *value)
{
	static const char sql[] =
	    "UPDATE orders SET refunded = refunded + ?2, updated_at = ?3 WHERE id = ?1";
	wf_stmt *st;
	cJSON *data;
	int rc;

	if (amount <= 0 || amount > o->paid - o->refunded)
		return wf_error_set(WF_EREFUSED, "order %s: a refund of more than was paid and "
		    "not yet refunded", ref);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, o->id);
	wf_bind_int(st, 2, amount);
	wf_bind_time(st, 3, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_money(data, "amount", amount, o->currency) |
	    wf_jadd_str(data, key, value)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_state_apply(db, NULL, wf_machine_find("order.finance"), o->id, ref,
	    o->refunded + amount >= o->paid ? "refund" : "refund_part", data);
}

int
wf_order_refund(wf_db *db, const struct wf_order_info *o, const char *ref, int64_t amount,
    const char *rma)
{
	return refund_with(db, o, ref, amount, "return", rma);
}

int
wf_order_refund_money(wf_db *db, const struct wf_order_info *o, const char *ref,
    int64_t amount, const char *reason)
{
	return refund_with(db, o, ref, amount, "reason", reason);
}

/* ---- hold, release, reserve: for the order's actions and for routing ------------- */

static int
set_hold_reason(wf_db *db, int64_t id, const char *reason)
{
	static const char sql[] = "UPDATE orders SET hold_reason = ?2 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, reason);
	return wf_db_done(db, st);
}

int
wf_order_hold(wf_db *db, const struct wf_order_key *o, const char *reason)
{
	const char *was = o->hold_reason ? o->hold_reason : "";
	cJSON *data, *c;
	int rc;

	if (strcmp(o->state, "on_hold") != 0) {
		if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "reason", reason)) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if ((rc = wf_state_apply(db, NULL, wf_machine_find("order"), o->id, o->ref, "hold",
		    data)) != 0)
			return rc;
		return set_hold_reason(db, o->id, reason);
	}
	if (strcmp(was, reason) == 0)
		return 0;
	if ((data = cJSON_CreateObject()) == NULL || (c = cJSON_CreateObject()) == NULL ||
	    wf_jadd_item(data, "hold_reason", c) ||
	    wf_jadd_str(c, "from", o->hold_reason) | wf_jadd_str(c, "to", reason)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_history_add(db, "order", o->ref, NULL, "update", NULL, NULL, data)) != 0)
		return rc;
	return set_hold_reason(db, o->id, reason);
}

int
wf_order_release(wf_db *db, const char **to, const struct wf_order_key *o,
    const char *reason)
{
	cJSON *data = NULL;
	int rc;

	if (reason && ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(data, "reason", reason))) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if ((rc = wf_state_apply(db, to, wf_machine_find("order"), o->id, o->ref, "release",
	    data)) != 0)
		return rc;
	return set_hold_reason(db, o->id, NULL);
}

int
wf_order_route_clear(wf_db *db, int64_t order_id)
{
	return wf_order_route_drop(db, order_id, 0);
}

int
wf_order_route_drop(wf_db *db, int64_t order_id, int64_t wh_id)
{
	static const char sql[] =
	    "DELETE FROM order_route WHERE order_id = ?1 AND (?2 = 0 OR warehouse_id = ?2)";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, wh_id);
	return wf_db_done(db, st);
}

/* Write order O's route legs as LEGS say and apply ACTION (reserve:
 * with the stock reserved per leg; promise: without), after checking that
 * no unit is promised to another order. */
static int
take(wf_db *db, struct wf_stock_cache *c, const struct wf_order_key *o,
    const struct wf_order_leg *legs, size_t nlegs, const char *action, cJSON *data)
{
	static const char ins[] =
	    "INSERT INTO order_route (order_id, warehouse_id, carrier, service, ship_by, promise,"
	    " cost, currency, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	const struct wf_machine *m = wf_machine_find("order");
	struct wf_stock_cache *own = NULL;
	int stock = strcmp(action, "reserve") == 0;
	wf_stmt *st;
	size_t k, i;
	int rc, route;

	if ((rc = wf_state_check(m, o->ref, o->state, action)) != 0)
		goto out;
	/* without the caller's cache, one for this call: the check and the
	 * reservations read each SKU's bins once */
	if (stock && c == NULL && (c = own = wf_stock_cache_new()) == NULL) {
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = wf_promise_check_cache(db, c, o->id, o->ref, legs, nlegs, stock)) != 0)
		goto out;
	for (k = 0; stock && k < nlegs; k++)
		for (i = 0; i < legs[k].nunits; i++)
			if ((rc = wf_stock_reserve(db, NULL, NULL, c, legs[k].units[i].sku_id,
			    legs[k].wh_id, legs[k].units[i].qty, o->ref, 0)) != 0)
				goto out;
	if ((rc = wf_order_route_clear(db, o->id)) != 0)
		goto out;
	for (k = 0; k < nlegs; k++) {
		const struct wf_order_leg *g = &legs[k];
		if ((rc = wf_db_stmt(db, &st, ins)) != 0)
			goto out;
		route = g->carrier != NULL;
		wf_bind_int(st, 1, o->id);
		wf_bind_int(st, 2, g->wh_id);
		if (route) {
			wf_bind_text(st, 3, g->carrier);
			wf_bind_text(st, 4, g->service);
			wf_bind_time(st, 5, g->ship_by);
			wf_bind_int(st, 7, g->cost);
			wf_bind_text(st, 8, g->currency);
		}
		if (route || g->promise)
			wf_bind_time(st, 6, g->promise);
		wf_bind_time(st, 9, wf_db_now(db));
		if ((rc = wf_db_done(db, st)) != 0)
			goto out;
	}
	rc = wf_state_apply(db, NULL, m, o->id, o->ref, action, data);
	data = NULL;
out:
	wf_stock_cache_free(own);
	cJSON_Delete(data);
	return rc;
}

int
wf_order_reserve(wf_db *db, struct wf_stock_cache *c, const struct wf_order_key *o,
    const struct wf_order_leg *legs, size_t nlegs, cJSON *data)
{
	return take(db, c, o, legs, nlegs, "reserve", data);
}

int
wf_order_promise(wf_db *db, const struct wf_order_key *o, const struct wf_order_leg *leg,
    cJSON *data)
{
	return take(db, NULL, o, leg, 1, "promise", data);
}

/* ---- reading --------------------------------------------------------------------- */

int
wf_order_list(wf_db *db, const struct wf_order_query *q, wf_out *out)
{
	static const char by_state[] =
	    "SELECT ref FROM orders WHERE state = ?1 AND (?2 IS NULL OR finance_state = ?2)"
	    " AND (?3 IS NULL OR channel = ?3) AND (?4 IS NULL OR placed_at >= ?4)"
	    " ORDER BY placed_at, id";
	static const char all[] =
	    "SELECT ref FROM orders WHERE (?2 IS NULL OR finance_state = ?2)"
	    " AND (?3 IS NULL OR channel = ?3) AND (?4 IS NULL OR placed_at >= ?4)"
	    " ORDER BY placed_at, id";
	const struct wf_machine *m = wf_machine_find("order");
	const struct wf_machine *f = wf_machine_find("order.finance");
	wf_stmt *st;
	int rc;

	if (q->state && !wf_state_valid(m, q->state))
		return wf_error_set(WF_EUSAGE, "--state: '%s' is not an order state", q->state);
	if (q->finance_state && !wf_state_valid(f, q->finance_state))
		return wf_error_set(WF_EUSAGE, "--finance-state: '%s' is not a finance state",
		    q->finance_state);
	/* a list reads each order's pages once: SQLite's small cache (wf_db.h) */
	if ((rc = wf_db_cache(db, WF_CACHE_WALK)) != 0 ||
	    (rc = wf_db_stmt(db, &st, q->state ? by_state : all)) != 0)
		goto out;
	wf_bind_text(st, 1, q->state);
	wf_bind_text(st, 2, q->finance_state);
	wf_bind_text(st, 3, q->channel);
	if (q->has_since)
		wf_bind_time(st, 4, q->since);
	/* read the keys, then the records: order_record steps statements of its own */
	while ((rc = wf_db_step(db, st)) == 1) {
		char ref[200];
		wf_stmt *keep = st;
		wf_strlcpy(ref, wf_col_text(st, 0), sizeof ref);
		if ((rc = emit_order(db, ref, out, NULL, 0)) != 0) {
			wf_stmt_reset(keep);
			goto out;
		}
	}
	rc = rc < 0 ? rc : 0;
out:
	if (wf_db_cache(db, WF_CACHE_BATCH) != 0 && rc == 0)
		rc = wf_error_code();
	return rc;
}

/* ---- invariants --------------------------------------------------------------------- */

/* What an order holds in stock is what its state says: all of its unshipped
 * units reserved, picked or packed (the state it is in, or was in before a
 * hold), and nothing held in any other state. */
static int
held_matches_state(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "WITH want AS ("
	    "  SELECT o.ref holder, l.sku_id, CASE WHEN o.state = 'on_hold' THEN o.held_from"
	    "   ELSE o.state END state, sum(l.qty - l.qty_shipped) q"
	    "  FROM orders o JOIN order_line l ON l.order_id = o.id WHERE l.sku_id IS NOT NULL"
	    "  GROUP BY o.id, l.sku_id),"
	    " w AS (SELECT holder, sku_id, state, q FROM want"
	    "  WHERE state IN ('reserved','picked','packed') AND q > 0),"
	    " h AS (SELECT holder, sku_id, state, sum(qty) q FROM held"
	    "  WHERE state IN ('reserved','picked','packed')"
	    "  AND holder IN (SELECT ref FROM orders) GROUP BY holder, sku_id, state)"
	    /* one pass over both sides, grouped: a FULL OUTER JOIN of the two
	     * took time in the square of the orders held */
	    " SELECT holder, printf('%s %s: the order''s state wants %d, the stock holds %d',"
	    "  (SELECT code FROM sku WHERE id = sku_id), state, sum(wq), sum(hq))"
	    " FROM (SELECT holder, sku_id, state, q wq, 0 hq FROM w"
	    "  UNION ALL SELECT holder, sku_id, state, 0, q FROM h)"
	    " GROUP BY holder, sku_id, state HAVING sum(wq) <> sum(hq) ORDER BY 1, 2";
	return wf_check_rows(db, out, n, "order.held", "order", sql);
}

/* A shipped or delivered order has shipped every unit, and every shipped
 * unit left through a shipment's movement. */
static int
shipped_in_full(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT o.ref, printf('line %d: %d ordered, %d marked shipped, %d in shipments',"
	    " l.line_no, l.qty, l.qty_shipped, (SELECT coalesce(sum(sl.qty), 0)"
	    "  FROM shipment_line sl WHERE sl.order_line_id = l.id))"
	    " FROM orders o JOIN order_line l ON l.order_id = o.id"
	    " WHERE (o.state IN ('shipped','delivered') AND l.qty_shipped <> l.qty)"
	    " OR l.qty_shipped <> (SELECT coalesce(sum(sl.qty), 0) FROM shipment_line sl"
	    "  WHERE sl.order_line_id = l.id) ORDER BY o.ref, l.line_no";
	return wf_check_rows(db, out, n, "order.shipped", "order", sql);
}

const struct wf_invariant wf_order_invariants[] = {
	{ "order.held", "what an order holds in stock is what its state says", held_matches_state },
	{ "order.shipped", "shipped orders shipped every unit, through shipments", shipped_in_full },
	{ NULL, NULL, NULL }
};

/* ---- state machines ---------------------------------------------------- */

static const char *const order_states[] = {
	"new", "promised", "reserved", "picked", "packed", "shipped", "delivered",
	"closed", "on_hold", "cancelled", "returned", "partially_returned", NULL
};
static const struct wf_transition order_rows[] = {
	{ "new",       "promise",   "promised" },
	{ "new",       "close_external", "closed" },
	{ "new",       "reserve",   "reserved" },
	{ "promised",  "reserve",   "reserved" },
	{ "promised",  "unpromise", "new" },
	{ "reserved",  "unreserve", "new" },
	{ "reserved",  "pick",      "picked" },
	{ "picked",    "pack",      "packed" },
	{ "reserved",  "ship",      "shipped" },
	{ "picked",    "ship",      "shipped" },
	{ "packed",    "ship",      "shipped" },
	{ "shipped",   "deliver",   "delivered" },
	{ "shipped",   "close",     "closed" },
	{ "delivered", "close",     "closed" },
	{ "new",       "hold",      "on_hold" },
	{ "promised",  "hold",      "on_hold" },
	{ "reserved",  "hold",      "on_hold" },
	{ "picked",    "hold",      "on_hold" },
	{ "packed",    "hold",      "on_hold" },
	{ "on_hold",   "release",   WF_PREVIOUS },
	{ "new",       "cancel",    "cancelled" },
	{ "promised",  "cancel",    "cancelled" },
	{ "reserved",  "cancel",    "cancelled" },
	{ "picked",    "cancel",    "cancelled" },
	{ "packed",    "cancel",    "cancelled" },
	{ "on_hold",   "cancel",    "cancelled" },
	{ "shipped",   "return_part", "partially_returned" },
	{ "delivered", "return_part", "partially_returned" },
	{ "closed",    "return_part", "partially_returned" },
	{ "partially_returned", "return_part", "partially_returned" },
	{ "shipped",   "return_all", "returned" },
	{ "delivered", "return_all", "returned" },
	{ "closed",    "return_all", "returned" },
	{ "partially_returned", "return_all", "returned" },
	{ "partially_returned", "close", "closed" },
	{ "returned",  "close",     "closed" },
	WF_TRANSITIONS_END
};

static const char *const finance_states[] = {
	"pending", "paid", "invoiced", "partially_refunded", "refunded",
	"reconciled", "disputed", NULL
};
static const struct wf_transition finance_rows[] = {
	{ "pending",            "pay",         "paid" },
	{ "paid",               "invoice",     "invoiced" },
	{ "paid",               "refund_part", "partially_refunded" },
	{ "invoiced",           "refund_part", "partially_refunded" },
	{ "reconciled",         "refund_part", "partially_refunded" },
	{ "partially_refunded", "refund_part", "partially_refunded" },
	{ "paid",               "refund",      "refunded" },
	{ "invoiced",           "refund",      "refunded" },
	{ "reconciled",         "refund",      "refunded" },
	{ "partially_refunded", "refund",      "refunded" },
	{ "paid",               "reconcile",   "reconciled" },
	{ "invoiced",           "reconcile",   "reconciled" },
	{ "partially_refunded", "reconcile",   "reconciled" },
	{ "refunded",           "reconcile",   "reconciled" },
	{ "paid",               "dispute",     "disputed" },
	{ "invoiced",           "dispute",     "disputed" },
	{ "reconciled",         "dispute",     "disputed" },
	{ "disputed",           "win",         "paid" },
	{ "disputed",           "lose",        "refunded" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_order = {
	"order", "order", "order fulfilment",
	order_states, order_rows, WF_SQL_STATE_GET("orders", "state", "held_from"),
	"UPDATE orders SET state = ?1, updated_at = ?2, held_from = ?4 WHERE id = ?3",
	WF_SQL_STATE_ALL("orders", "ref", "state"), "on_hold", NULL
};

static const struct wf_machine m_finance = {
	"order.finance", "order", "order finance",
	finance_states, finance_rows, WF_SQL_STATE_GET("orders", "finance_state", "NULL"),
	WF_SQL_STATE_SET("orders", "finance_state"), WF_SQL_STATE_ALL("orders", "ref", "finance_state"),
	NULL, "finance_state"
};

static const struct wf_machine *const order_machines[] = { &m_order, &m_finance, NULL };

const struct wf_record_type wf_record_order = {
	.type = "order",
	.table = "orders",
	.machines = order_machines,
	.invariants = wf_order_invariants,
	.complete = "SELECT ref FROM orders WHERE ref GLOB ?1 ORDER BY placed_at DESC, id DESC LIMIT 1000",
	.lookup = "SELECT 1 FROM orders WHERE ref = ?1",
};

/* ---- import: the channel's stamp ------------------------------------------------- */

int
wf_order_set_channel_time(wf_db *db, int64_t id, int64_t t)
{
	static const char sql[] =
	    "UPDATE orders SET channel_updated_at = ?2, updated_at = ?3 WHERE id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_time(st, 2, t);
	wf_bind_time(st, 3, wf_db_now(db));
	return wf_db_done(db, st);
}

/* ---- an order that is not there ---------------------------------------------------- */

int
wf_order_unknown(wf_db *db, const char *ref)
{
	/* the orders whose external id is the key typed, or what follows its
	 * channel (a key without its channel, or with a wrong one), and those
	 * whose key is about as long, to compare: every order's ref is read
	 * (0.3 s on a million; no index answers "about as long") */
	static const char sql[] =
	    "SELECT ref, external_id = ?1 OR external_id = ?2 FROM orders"
	    " WHERE external_id = ?1 OR external_id = ?2 OR length(ref) BETWEEN ?3 AND ?4"
	    " ORDER BY id DESC";
	struct wf_text_near near;
	const char *colon = strchr(ref, ':');
	char bare[3][200];
	int64_t len = (int64_t)strlen(ref), d = len / 3 < 1 ? 1 : len / 3;
	int nbare = 0, rc, k;
	wf_buf msg = {0};
	wf_stmt *st;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, ref);
	wf_bind_text(st, 2, colon ? colon + 1 : ref);
	wf_bind_int(st, 3, len - d);
	wf_bind_int(st, 4, len + d);
	wf_text_near_init(&near, ref);
	while ((rc = wf_db_step(db, st)) == 1) {
		const char *cand = wf_col_text(st, 0);
		wf_text_near_add(&near, cand);
		for (k = 0; k < nbare && strcmp(bare[k], cand) != 0; k++)
			;
		if (wf_col_int(st, 1) && k == nbare && nbare < 3 && strlen(cand) < sizeof bare[0])
			wf_strlcpy(bare[nbare++], cand, sizeof bare[0]);
	}
	if (rc < 0)
		return rc;
	rc = wf_buf_addf(&msg, "unknown order '%s'", ref);
	if (wf_text_near_best(&near) && (near.dist < 0 || nbare == 0))
		rc |= wf_buf_addf(&msg, "; did you mean '%s'?", wf_text_near_best(&near));
	else
		for (k = 0; k < nbare; k++)
			rc |= wf_buf_addf(&msg, "%s'%s'%s", k == 0 ? "; did you mean " :
			    k + 1 == nbare ? " or " : ", ", bare[k], k + 1 == nbare ? "?" : "");
	rc = rc ? wf_error_set(WF_ENOMEM, "out of memory") :
	    wf_error_set(WF_ENOTFOUND, "%s", wf_buf_str(&msg));
	wf_buf_free(&msg);
	return rc;
}
/* ---- invoicing (B2B) ------------------------------------------------------------ */

int
wf_order_invoice(wf_db *db, int64_t id, const char *ref, const char *number)
{
	static const char dup[] =
	    "SELECT ref FROM orders WHERE invoice_number = ?1 AND id <> ?2";
	static const char upd[] =
	    "UPDATE orders SET invoice_number = ?2, updated_at = ?3 WHERE id = ?1";
	wf_stmt *st;
	cJSON *data = NULL;
	int rc;

	if (number) {
		if ((rc = wf_db_stmt(db, &st, dup)) != 0)
			return rc;
		wf_bind_text(st, 1, number);
		wf_bind_int(st, 2, id);
		if ((rc = wf_db_step(db, st)) == 1) {
			rc = wf_error_set(WF_EREFUSED, "invoice number '%s' is order %s's already",
			    number, wf_col_text(st, 0));
			wf_stmt_reset(st);
			return rc;
		}
		if (rc < 0)
			return rc;
		if ((data = cJSON_CreateObject()) == NULL || wf_jadd_str(data, "number", number)) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
	}
	if ((rc = wf_state_apply(db, NULL, wf_machine_find("order.finance"), id, ref, "invoice",
	    data)) != 0 || (rc = wf_db_stmt(db, &st, upd)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	wf_bind_text(st, 2, number);
	wf_bind_time(st, 3, wf_db_now(db));
	return wf_db_done(db, st);
}

/* ---- reconciliation (wf-reconcile match) ---------------------------------------- */

int
wf_order_finance_can(const char *finance_state, const char *action)
{
	const struct wf_transition *t;

	for (t = finance_rows; t->from; t++)
		if (strcmp(t->from, finance_state) == 0 && strcmp(t->action, action) == 0)
			return 1;
	return 0;
}

int
wf_order_finance_act(wf_db *db, const char **to, int64_t id, const char *ref,
    const char *action, cJSON *data)
{
	return wf_state_apply(db, to, &m_finance, id, ref, action, data);
}

/* ---- payments (order_payment) -------------------------------------------------- */

int
wf_order_find_by_payment(wf_db *db, struct wf_order_info *info, const char *provider,
    const char *payment_id)
{
	static const char sql[] =
	    "SELECT " ORDER_COLS " FROM orders WHERE id ="
	    " (SELECT order_id FROM order_payment WHERE provider = ?1 AND payment_id = ?2)";
	struct wf_order_row o;
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, provider);
	wf_bind_text(st, 2, payment_id);
	if ((rc = wf_db_step(db, st)) == 1) {
		order_from_stmt(st, &o);
		wf_stmt_reset(st);
		if (info)
			*info = o.i;
		return 0;
	}
	if (rc < 0)
		return rc;
	return wf_error_set(WF_ENOTFOUND, "no order paid by %s payment '%s'", provider,
	    payment_id);
}

int
wf_order_refund_channel(wf_db *db, const struct wf_order_info *o, const char *ref,
    int64_t amount, const char *refund)
{
	return refund_with(db, o, ref, amount, "refund", refund);
}

/* ---- carrier tracking (order_track.c) ------------------------------------------------ */

int
wf_order_carrier_delivered(wf_db *db, int *late, int64_t order_id, const char *ref,
    int64_t wh_id, const char *shipment, int64_t at)
{
	static const char sql[] =
	    "SELECT o.state, coalesce((SELECT r.promise FROM order_route r WHERE"
	    " r.order_id = o.id AND r.warehouse_id = ?2), o.promise_by) FROM orders o"
	    " WHERE o.id = ?1";
	struct wf_shipment_legs legs;
	char state[24], when[WF_TIME_LEN];
	int64_t promise = 0;
	int has_promise = 0;
	cJSON *data;
	wf_stmt *st;
	int rc;

	*late = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, wh_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "order %s vanished", ref);
	wf_strlcpy(state, wf_col_text(st, 0), sizeof state);
	has_promise = !wf_col_null(st, 1) && wf_time_parse(wf_col_text(st, 1), &promise) == 0;
	wf_stmt_reset(st);
	wf_time_format(at, when);

	if (has_promise && at > promise) {
		char p[WF_TIME_LEN];
		*late = 1;
		wf_time_format(promise, p);
		data = cJSON_CreateObject();
		if (data == NULL || wf_jadd_str(data, "shipment", shipment) |
		    wf_jadd_str(data, "promise", p) | wf_jadd_str(data, "delivered_at", when)) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if ((rc = wf_history_add(db, "order", ref, NULL, "late_delivery", NULL, NULL,
		    data)) != 0)
			return rc;
	}
	if (strcmp(state, "shipped") != 0)
		return 0;
	if ((rc = wf_shipment_order_legs(db, &legs, order_id)) != 0)
		return rc;
	if (legs.open == 0 || legs.delivered != legs.open)
		return 0;
	data = cJSON_CreateObject();
	if (data == NULL || wf_jadd_str(data, "shipment", shipment) |
	    wf_jadd_str(data, "delivered_at", when)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_state_apply(db, NULL, wf_machine_find("order"), order_id, ref, "deliver", data);
}
