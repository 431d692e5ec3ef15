/*
 * order_priv.h - between the order importers and the order module.
 *
 * The importers (order_import.c) turn a line of any supported format into
 * one struct wf_order_in; wf_order_upsert() (order.c) applies it.  Strings
 * point into the line's JSON tree or into the arena, both alive for the
 * duration of the line.
 */
#ifndef ORDER_PRIV_H
#define ORDER_PRIV_H

#include <stdint.h>

#include <cJSON.h>

#include "wf_batch.h"
#include "wf_db.h"
#include "wf_out.h"

struct wf_order_line_in {
	const char *sku, *title, *external_id;
	int64_t     qty, unit_price, discount, tax;
};

struct wf_order_in {
	const char *channel, *external_id, *owner;
	char        currency[4];
	int64_t     placed_at;
	int         has_promise;
	int64_t     promise_by;
	const char *ship_name, *ship_postcode, *ship_city;
	char        ship_country[3];
	const cJSON *ship_to;           /* the address object as given */
	int64_t     shipping_paid, discount, tax, total;
	int         has_total, taxes_included;
	const char *pay_status;         /* pending paid partially_refunded refunded */
	int64_t     paid, refunded;
	int         cancelled;
	const char *cancel_reason;
	int         fulfilled;          /* the channel says it already shipped */
	struct wf_order_line_in *lines;
	size_t      nlines;
};

/* Parse a generic / Shopify line into IN (zeroed by the caller).  The
 * parser allocates IN->lines (the caller frees it) and adds any string it
 * makes to ARENA.  STRICT refuses unknown keys (generic only: platform
 * payloads carry many keys Workform does not use).  Return 0 or WF_EINPUT
 * with a located message. */
int wf_order_parse_generic(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena);
int wf_order_parse_shopify(const wf_jloc *at, const cJSON *o, int strict,
    struct wf_order_in *in, cJSON *arena);

/* Validate and apply IN (see wf_order.h: import).  Emits the result record.
 * Runs in the caller's transaction. */
int wf_order_upsert(wf_db *db, const wf_jloc *at, const struct wf_order_in *in,
    wf_out *out);

#endif
