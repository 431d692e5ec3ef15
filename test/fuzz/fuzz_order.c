/*
 * fuzz_order.c - `wf-order import` of generic order lines (cli.md), through
 * wf_batch_run on a database with a catalogue and orders in several states.
 * The properties are in orders.c and importer.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_orders(WF_ORDER_GENERIC, data, size);
}
