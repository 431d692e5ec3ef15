/*
 * fuzz_payout_generic.c - `wf-reconcile import --from generic`: Workform's own payout and
 * payout_line records as JSON lines, through wf_payout_import on a database with
 * payouts of every provider.  The properties are in payouts.c.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_payouts(WF_PAYOUT_GENERIC, data, size);
}
