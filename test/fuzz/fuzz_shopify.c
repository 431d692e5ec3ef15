/*
 * fuzz_shopify.c - `wf-order import --format shopify`: Shopify Admin API
 * orders, bare or as {"order":{...}}, through wf_batch_run on a database
 * with a catalogue and orders in several states.  The properties are in
 * orders.c and importer.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_orders(WF_ORDER_SHOPIFY, data, size);
}
