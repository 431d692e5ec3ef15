#!/usr/bin/env bats
# The finance checks wf-reconcile match runs beyond linking lines:
# fee_anomaly, reserve_held and refund_due, each raised (owner finance,
# impact in money, the lines or the order as evidence, a next action) and
# resolved by a later match once its condition is gone.

load helper

setup() {
	wf_setup
	wf_init
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

TXNS=shopify_payments_balance_transactions.json

# the unresolved exceptions of KIND: "subject impact_money impact_currency"
open_of() {
	sql "SELECT subject_type || ' ' || subject_ref || ' ' || impact_money || ' ' || impact_currency FROM exception WHERE kind = '$1' AND state NOT IN ('resolved', 'dismissed') ORDER BY subject_ref"
}

ex_field() {	# ex_field KIND JSONPATH: from the evidence of KIND's exception
	sql "SELECT json_extract(evidence, '$2') FROM exception WHERE kind = '$1'"
}

# charge ID PAYOUT DAY GROSS FEE: a charge of bank, posted 2026-11-DAY
charge() {
	printf '{"type":"payout_line","payout":"bank:%s","provider_id":"%s","category":"charge","gross":"%s","fee":"%s","currency":"EUR","posted_at":"2026-11-%sT09:00:00Z"}\n' \
	    "$2" "$1" "$4" "$5" "$3"
}

# five charges of 100.00 at 2.90% on the 1st to the 5th: the usual rate
usual_fees() {
	for d in 01 02 03 04 05; do charge "c$d" P1 "$d" 100.00 2.90; done
}

import() { wf-reconcile import --from generic >/dev/null; }

# ---- fee_anomaly ------------------------------------------------------------------

@test "fee_anomaly: a charge at 6.00% against a median of 2.90% over 5 charges, resolved when the fee is corrected" {
	{ usual_fees; charge c9 P2 20 50.00 3.00; } | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.exception == "fee_anomaly") | [.decision, .rule, .line, .payout]' <<<"$output")" \
	    '["fee_anomaly","fee_rate_above_median","bank:c9","bank:P2"]'
	# 3.00 / 50.00 = 6.000% > 1.5 x 2.900% = 4.350%; at the median 50.00
	# would have paid 1.45, so 1.55 is above it
	assert_equal "$(open_of fee_anomaly)" 'payout bank:P2 155 EUR'
	assert_equal "$(ex_field fee_anomaly '$.lines[0].rate') $(ex_field fee_anomaly '$.lines[0].median_rate') $(ex_field fee_anomaly '$.lines[0].threshold') $(ex_field fee_anomaly '$.lines[0].sample')" \
	    '6.000% 2.900% 4.350% 5'
	run -0 sql "SELECT owner || '|' || next_action FROM exception WHERE kind = 'fee_anomaly'"
	assert_output 'finance|ask the provider why these charges paid more than its usual fee rate (wf-reconcile lines --payout bank:P2 --category charge), and claim back what is above it'
	# the provider corrects the fee to 2.00 (4.000%, under 4.350%)
	charge c9 P2 20 50.00 2.00 | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" ''
	run -0 sql "SELECT state || '|' || resolution FROM exception WHERE kind = 'fee_anomaly'"
	assert_output "resolved|no charge's fee rate is above 1.5x its provider's median any more"
}

@test "fee_anomaly needs 5 charges of the provider in the 90 days before: 4 say nothing, nor do older ones" {
	{ for d in 01 02 03 04; do charge "c$d" P1 "$d" 100.00 2.90; done
	  charge c9 P2 20 50.00 3.00; } | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" ''
	# another provider's charges are not this one's history
	for d in 01 02 03 04 05; do charge "x$d" P1 "$d" 100.00 2.90; done |
		sed 's/"bank:P1"/"other:P1"/' | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" ''
	# a fifth charge a second more than 90 days before the one at 6%: out
	printf '{"type":"payout_line","payout":"bank:P0","provider_id":"old","category":"charge","gross":"100.00","fee":"2.90","currency":"EUR","posted_at":"2026-08-22T08:59:59Z"}\n' | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" ''
	# exactly 90 days before: in, and five charges make a median
	printf '{"type":"payout_line","payout":"bank:P0","provider_id":"old2","category":"charge","gross":"100.00","fee":"2.90","currency":"EUR","posted_at":"2026-08-22T09:00:00Z"}\n' | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" 'payout bank:P2 155 EUR'
}

@test "fee_anomaly: the Shopify fixture's 20% fee has too little history to tell, and raises nothing" {
	wf-reconcile import --from shopify "$PLATFORMS/$TXNS" >/dev/null
	run -0 sql "SELECT fee * 100 / gross FROM payout_line WHERE provider_id = '746296004'"
	assert_output 20
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.exception == "fee_anomaly")' <<<"$output")" ''
	assert_equal "$(open_of fee_anomaly)" ''
}

@test "fee_anomaly: the exact boundary, 1.5x the median, is not an anomaly; a cent above is" {
	{ usual_fees; charge c9 P2 20 100.00 4.35; } | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" ''
	charge c9 P2 20 100.00 4.36 | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of fee_anomaly)" 'payout bank:P2 146 EUR'
}

# ---- reserve_held -----------------------------------------------------------------

@test "reserve_held: the Shopify fixture without its release holds 42.00; the release resolves it" {
	jq -c '{transactions: [.transactions[] | select(.id != 250467535)]}' "$PLATFORMS/$TXNS" |
		wf-reconcile import --from shopify >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.exception == "reserve_held") | [.decision, .rule, .line, .payout]' <<<"$output")" \
	    '["reserve_held","hold_not_released","shopify:400852343","shopify:623721858"]'
	assert_equal "$(open_of reserve_held)" 'payout shopify:623721858 4200 USD'
	assert_equal "$(ex_field reserve_held '$.lines[0].held') $(ex_field reserve_held '$.lines[0].outstanding')" '42.00 42.00'
	run -0 sql "SELECT owner FROM exception WHERE kind = 'reserve_held'"
	assert_output finance
	# the whole fixture: its release of 42.00 pays the hold back
	wf-reconcile import --from shopify "$PLATFORMS/$TXNS" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of reserve_held)" ''
	run -0 sql "SELECT resolution FROM exception WHERE kind = 'reserve_held'"
	assert_output 'the reserve is released'
}

@test "reserve_held: a partial release leaves the rest held; releases pay the oldest hold first" {
	{ printf '{"type":"payout_line","payout":"bank:P1","provider_id":"h1","category":"reserve_hold","gross":"-30.00","currency":"EUR","posted_at":"2026-11-01T09:00:00Z"}\n'
	  printf '{"type":"payout_line","payout":"bank:P2","provider_id":"h2","category":"reserve_hold","gross":"-20.00","currency":"EUR","posted_at":"2026-11-02T09:00:00Z"}\n'
	  printf '{"type":"payout_line","payout":"bank:P3","provider_id":"r1","category":"reserve_release","gross":"35.00","currency":"EUR","posted_at":"2026-11-10T09:00:00Z"}\n'
	} | import
	run -0 --separate-stderr wf-reconcile match
	# 35.00 released: h1's 30.00, then 5.00 of h2's 20.00
	assert_equal "$(open_of reserve_held)" 'payout bank:P2 1500 EUR'
	assert_equal "$(ex_field reserve_held '$.lines[0].released') $(ex_field reserve_held '$.lines[0].latest_release')" '5.00 bank:r1'
	# a release in another currency pays nothing back here
	printf '{"type":"payout_line","payout":"bank:P4","provider_id":"r2","category":"reserve_release","gross":"15.00","currency":"USD","posted_at":"2026-11-11T09:00:00Z"}\n' | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of reserve_held)" 'payout bank:P2 1500 EUR'
	printf '{"type":"payout_line","payout":"bank:P5","provider_id":"r3","category":"reserve_release","gross":"15.00","currency":"EUR","posted_at":"2026-11-12T09:00:00Z"}\n' | import
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of reserve_held)" ''
}

# ---- refund_due -------------------------------------------------------------------

@test "refund_due: the Shopify order, partly refunded then cancelled, owes 389.94; wf-order refund resolves it" {
	wf-order import --from shopify <"$PLATFORMS/shopify_orders_list_with_refunds.json" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of refund_due)" ''
	wf-order cancel shopify:450789469 --reason "customer changed their mind" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.exception == "refund_due") | [.decision, .rule, .order, .state]' <<<"$output")" \
	    '["refund_due","paid_and_cancelled","shopify:450789469","partially_refunded"]'
	# paid 598.94, refunded 209.00
	assert_equal "$(open_of refund_due)" 'order shopify:450789469 38994 USD'
	assert_equal "$(ex_field refund_due '$.paid') $(ex_field refund_due '$.refunded') $(ex_field refund_due '$.due')" '598.94 209.00 389.94'
	run -0 sql "SELECT owner || '|' || next_action FROM exception WHERE kind = 'refund_due'"
	assert_output 'finance|order shopify:450789469 is cancelled but its customer paid: give the money back with wf-order refund shopify:450789469 --amount 389.94 --reason "cancelled"'
	# the next action, done as it says
	wf-order refund shopify:450789469 --amount 389.94 --reason "cancelled" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of refund_due)" ''
	run -0 sql "SELECT resolution FROM exception WHERE kind = 'refund_due'"
	assert_output "the cancelled order's money is refunded"
}

@test "refund_due: a cancelled order never paid is not due anything; a paid one is, until refunded in parts" {
	wf-stock sku add MUG-1 >/dev/null
	{ printf '{"type":"order","channel":"shop","external_id":"1","placed_at":"2026-11-19T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"}]}\n'
	  printf '{"type":"order","channel":"shop","external_id":"2","placed_at":"2026-11-19T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"10.00"}}\n'
	} | wf-order import >/dev/null
	wf-order cancel shop:1 --reason "no payment" >/dev/null
	wf-order cancel shop:2 --reason "out of stock" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of refund_due)" 'order shop:2 1000 EUR'
	wf-order refund shop:2 --amount 4.00 --reason "part" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of refund_due)" 'order shop:2 600 EUR'
	wf-order refund shop:2 --amount 6.00 --reason "rest" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_of refund_due)" ''
}
