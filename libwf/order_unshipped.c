/* order_unshipped.c - the parts of an order's lines Workform never ships
 * (migration 17): lines that are money only (tips, gift cards, custom
 * items, no shipping) and units the channel cancelled or refunded before
 * they shipped.  order.c writes them with the order's lines, so that
 * order_line keeps only what is left to ship and nothing that reserves,
 * routes or ships stock sees them; the order's record shows them.
 *
 * owns: order_unshipped
 * reads: order_line
 */
#include "order_priv.h"
#include "wf_error.h"
#include "wf_json.h"

int
wf_order_unshipped_add(wf_db *db, int64_t order_id, int64_t line_no, const char *why,
    const struct wf_order_line_in *l, int64_t qty, int64_t discount, int64_t tax)
{
	static const char sql[] =
	    "INSERT INTO order_unshipped (order_id, line_no, why, sku, title, external_id,"
	    " qty, unit_price, discount, tax) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, line_no);
	wf_bind_text(st, 3, why);
	wf_bind_text(st, 4, l->sku);
	wf_bind_text(st, 5, l->title ? l->title : "");
	wf_bind_text(st, 6, l->external_id);
	wf_bind_int(st, 7, qty);
	wf_bind_int(st, 8, l->unit_price);
	wf_bind_int(st, 9, discount);
	wf_bind_int(st, 10, tax);
	return wf_db_done(db, st);
}

int
wf_order_unshipped_cancel(wf_db *db, int64_t order_id, int64_t line_no, int64_t qty)
{
	/* the line's discount and tax go with it when nothing of it is left */
	static const char sql[] =
	    "INSERT INTO order_unshipped (order_id, line_no, why, sku, title, external_id,"
	    " qty, unit_price, discount, tax) SELECT order_id, line_no, 'cancelled', sku, title,"
	    " external_id, ?3, unit_price, CASE WHEN qty = ?3 THEN discount ELSE 0 END,"
	    " CASE WHEN qty = ?3 THEN tax ELSE 0 END FROM order_line"
	    " WHERE order_id = ?1 AND line_no = ?2"
	    " ON CONFLICT (order_id, line_no, why) DO UPDATE SET qty = qty + excluded.qty,"
	    " discount = discount + excluded.discount, tax = tax + excluded.tax";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	wf_bind_int(st, 2, line_no);
	wf_bind_int(st, 3, qty);
	return wf_db_done(db, st);
}

int
wf_order_unshipped_clear(wf_db *db, int64_t order_id)
{
	static const char sql[] = "DELETE FROM order_unshipped WHERE order_id = ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, order_id);
	return wf_db_done(db, st);
}

cJSON *
wf_order_unshipped_json(wf_db *db, int64_t order_id, const char *cur)
{
	static const char sql[] =
	    "SELECT line_no, why, sku, title, qty, unit_price, discount, tax, external_id"
	    " FROM order_unshipped WHERE order_id = ?1 ORDER BY line_no, why";
	cJSON *a = cJSON_CreateArray(), *u;
	wf_stmt *st;
	int rc = 0;

	if (a == NULL || wf_db_stmt(db, &st, sql) != 0) {
		cJSON_Delete(a);
		return NULL;
	}
	wf_bind_int(st, 1, order_id);
	while (rc == 0 && (rc = wf_db_step(db, st)) == 1) {
		if ((u = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(a, u)) {
			cJSON_Delete(u);
			wf_stmt_reset(st);
			rc = WF_ENOMEM;
			break;
		}
		rc = wf_jadd_int(u, "line", wf_col_int(st, 0)) |
		    wf_jadd_str(u, "why", wf_col_text(st, 1)) |
		    wf_jadd_str(u, "sku", wf_col_text(st, 2)) |
		    wf_jadd_str(u, "title", wf_col_text(st, 3)) |
		    wf_jadd_int(u, "qty", wf_col_int(st, 4)) |
		    wf_jadd_money(u, "unit_price", wf_col_int(st, 5), cur) |
		    wf_jadd_money(u, "discount", wf_col_int(st, 6), cur) |
		    wf_jadd_money(u, "tax", wf_col_int(st, 7), cur) |
		    wf_jadd_str(u, "id", wf_col_str(st, 8));
		if (rc)
			wf_stmt_reset(st);
	}
	if (rc != 0) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}
