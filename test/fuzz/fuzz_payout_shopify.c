/*
 * fuzz_payout_shopify.c - `wf-reconcile import --from shopify`: Shopify Payments payouts and
 * balance transactions, bare, wrapped or as a list document, through wf_payout_import on a database with
 * payouts of every provider.  The properties are in payouts.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_payouts(WF_PAYOUT_SHOPIFY, data, size);
}
