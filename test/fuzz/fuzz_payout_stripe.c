/*
 * fuzz_payout_stripe.c - `wf-reconcile import --from stripe`: Stripe balance transactions
 * and payouts, one object per line or a list document, through wf_payout_import on a database with
 * payouts of every provider.  The properties are in payouts.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_payouts(WF_PAYOUT_STRIPE, data, size);
}
