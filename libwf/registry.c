/*
 * registry.c - the list of record families (records layer).
 *
 * The one place that names every record family, so that core does not:
 * each family's module defines its struct wf_record_type, and this list
 * gives their order -- the order of `wf states`, `wf check` and the record
 * types of `wf log`.  A new family adds its descriptor here.
 */
#include <stddef.h>

#include "wf_catalog.h"
#include "wf_exception.h"
#include "wf_order.h"
#include "wf_payout.h"
#include "wf_po.h"
#include "wf_record.h"
#include "wf_return.h"
#include "wf_route.h"
#include "wf_shipment.h"
#include "wf_stock.h"


const struct wf_record_type *const wf_registry[] = {
	&wf_record_sku,
	&wf_record_warehouse,
	&wf_record_bin,
	&wf_record_movement,
	&wf_record_order,
	&wf_record_shipment,
	&wf_record_return,
	&wf_record_supplier,
	&wf_record_po,
	&wf_record_payout,
	&wf_record_adjustment,
	&wf_record_exception,
	&wf_record_carrier,
	&wf_record_route,
	NULL
};
