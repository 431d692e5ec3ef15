/*
 * fuzz_payout_amazon.c - `wf-reconcile import --from amazon`: the settlement flat file,
 * tab-separated, older layout or V2, through wf_payout_import on a database with
 * payouts of every provider.  The properties are in payouts.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_payouts(WF_PAYOUT_AMAZON, data, size);
}
