/*
 * fuzz_woo.c - `wf-order import --from woocommerce`: WooCommerce REST v3
 * orders (prices as JSON numbers, dates without offsets, HTML entities,
 * negative refunds) through wf_batch_run on a database with a catalogue and
 * orders in several states.  The properties are in orders.c and
 * importer.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_orders(WF_ORDER_WOO, data, size);
}
