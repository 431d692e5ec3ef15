/*
 * fuzz_payout_paypal.c - `wf-reconcile import --from paypal`: PayPal transaction search,
 * its transaction_details one by one or as the whole document, through wf_payout_import on a database with
 * payouts of every provider.  The properties are in payouts.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_payouts(WF_PAYOUT_PAYPAL, data, size);
}
