#!/usr/bin/env bats
# wf-reconcile match: payout lines linked to orders in tiers, and what the
# lines then decide about orders, payouts and finance exceptions.
#
# The Shopify Payments fixture (test/fixtures/platforms) names orders
# 217130470 and 625362839; the orders here are written to fit or not fit
# its numbers, which the tests add up by hand.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
}

teardown() {
	# every scenario leaves the records and their history in agreement
	run -0 --separate-stderr wf check
	assert_output ''
}

SHOPIFY_TXNS=shopify_payments_balance_transactions.json

# order ID PLACED PAID [REFUNDED] [CURRENCY]: a paid generic order shop:ID
order() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"%s","currency":"%s","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"%s"}],"payment":{"status":"paid","amount":"%s","refunded":"%s"}}\n' \
	    "$1" "$2" "${5:-USD}" "$3" "$3" "${4:-0.00}"
}

orders() {
	wf-order import >/dev/null
}

shopify() {
	wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS" --channel shop >/dev/null
}

# generic LINES...: a generic payout bank:P1 of AMOUNT (first argument) and
# lines "ID CATEGORY ORDER GROSS [STATUS]" (ORDER - for none)
generic() {
	local amount=$1 id cat ord gross status
	shift
	{
	printf '{"type":"payout","payout":"bank:P1","amount":"%s","currency":"EUR","arrival":"2026-11-24"}\n' "$amount"
	for l in "$@"; do
		read -r id cat ord gross status <<<"$l"
		printf '{"type":"payout_line","payout":"bank:P1","provider_id":"%s","category":"%s",%s"gross":"%s",%s"currency":"EUR","posted_at":"2026-11-20T09:14:00Z"}\n' \
		    "$id" "$cat" "$([ "$ord" = - ] || printf '"order":"%s",' "$ord")" "$gross" \
		    "$([ -z "$status" ] || printf '"status":"%s",' "$status")"
	done
	} >"$BATS_TEST_TMPDIR/payout"
	wf-reconcile import --from generic "$BATS_TEST_TMPDIR/payout" >/dev/null
}

# decision of the match record about LINE/ORDER/PAYOUT KEY in $output
decision() {
	jq -c --arg k "$1" 'select(.line == $k and (.decision == "linked" or .decision == "unknown" or .decision == "ambiguous")) | [.decision, .rule, .order]' <<<"$output"
}

about() {	# about KEY: the records deciding about order or payout KEY
	jq -c --arg k "$1" 'select((.order == $k and .decision != "linked") or (.payout == $k and .order == null and .line == null)) | [.decision, .rule, .state, .exception]' <<<"$output"
}

finance() {
	wf-order show "$1" | head -1 | jq -r .finance_state
}

open_ex() {	# open_ex KIND: the subjects of KIND's unresolved exceptions
	sql "SELECT subject_type || ' ' || subject_ref FROM exception WHERE kind = '$1' AND state <> 'resolved' ORDER BY 1"
}

@test "tier 1: a line that names an order is linked to it, and the link_line event says provider_order" {
	order 217130470 2014-01-20T10:00:00Z 23.00 3.45 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(decision shopify:515523000)" '["linked","provider_order","shop:217130470"]'
	assert_equal "$(decision shopify:1006917261)" '["linked","provider_order","shop:217130470"]'
	run -0 sql "SELECT json_extract(data, '\$.order') || ' ' || json_extract(data, '\$.rule') FROM event WHERE action = 'link_line' AND json_extract(data, '\$.provider_id') = '515523000'"
	assert_output 'shop:217130470 provider_order'
	run -0 sql "SELECT count(*) FROM payout_line p JOIN orders o ON o.id = p.order_id WHERE o.ref = 'shop:217130470'"
	# two charges and a refund name it; adjustments are not matched
	assert_output 3
}

@test "tier 1: charges 11.50 + 11.50 and a refund of 3.45 agree with the order: finance reconciled, naming the line" {
	order 217130470 2014-01-20T10:00:00Z 23.00 3.45 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:217130470)" '["reconciled","charges_and_refunds_agree","reconciled",null]'
	run -0 finance shop:217130470
	assert_output reconciled
	run -0 sql "SELECT json_extract(data, '\$.payout_line') || ' ' || json_extract(data, '\$.payout') FROM event WHERE ref = 'shop:217130470' AND action = 'reconcile'"
	assert_output 'shopify:515523000 shopify:623721858'
}

@test "amount_mismatch: charges of 23.00 for an order that paid 25.00, with the lines as evidence; --tolerance 2.00 lets it pass" {
	order 217130470 2014-01-20T10:00:00Z 25.00 3.45 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:217130470)" '["mismatch","amount","partially_refunded","amount_mismatch"]'
	run -0 sql "SELECT owner, json_extract(evidence, '\$.difference'), json_array_length(json_extract(evidence, '\$.lines')), impact_money FROM exception WHERE kind = 'amount_mismatch'"
	assert_output 'finance|-2.00|3|200'
	run -0 --separate-stderr wf-reconcile match --tolerance 1.99
	assert_equal "$(open_ex amount_mismatch)" 'order shop:217130470'
	run -0 --separate-stderr wf-reconcile match --tolerance 2.00
	assert_equal "$(about shop:217130470)" '["reconciled","charges_and_refunds_agree","reconciled",null]'
	assert_equal "$(open_ex amount_mismatch)" ''
}

@test "refund_mismatch: the provider refunded 3.45, the order says nothing was refunded" {
	order 217130470 2014-01-20T10:00:00Z 23.00 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:217130470)" '["mismatch","refund_amount","paid","refund_mismatch"]'
	assert_equal "$(open_ex refund_mismatch)" 'order shop:217130470'
	run -0 finance shop:217130470
	assert_output paid
	# the refund booked on the order: the two agree, and the exception goes
	wf-order refund shop:217130470 --amount 3.45 --reason "returned mug" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_ex refund_mismatch)" ''
	run -0 sql "SELECT state, resolution FROM exception WHERE kind = 'refund_mismatch'"
	assert_output 'resolved|the refunds agree with the order'
}

@test "tier 2: a charge naming no order links to the order whose import kept its payment id" {
	# a WooCommerce order paid through Stripe keeps the charge's id
	jq -c '.[0] | .payment_method = "stripe" | .transaction_id = "ch_3Mx"' \
		"$PLATFORMS/woocommerce_orders_list_v3.json" | wf-order import --from woocommerce >/dev/null
	# and a second order of the same amount, so tier 3 could not decide
	jq -c '.[0] | .id = 728' "$PLATFORMS/woocommerce_orders_list_v3.json" |
		wf-order import --from woocommerce >/dev/null
	printf '%s\n' \
		'{"type":"payout","payout":"stripe:po_9","amount":"29.35","currency":"USD","arrival":"2017-03-25"}' \
		'{"type":"payout_line","payout":"stripe:po_9","provider_id":"txn_1","category":"charge","payment_id":"ch_3Mx","gross":"29.35","currency":"USD","posted_at":"2017-03-22T19:30:00Z"}' \
		>"$BATS_TEST_TMPDIR/payout"
	wf-reconcile import --from generic "$BATS_TEST_TMPDIR/payout" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -rs 'map(select(.line == "stripe:txn_1")) | .[0] | "\(.order) \(.rule)"' <<<"$output")" \
	    'woocommerce:727 payment_id'
}

@test "tier 3: a charge naming no order links to the one order of its amount and currency in the window" {
	{ order 9001 2020-11-03T10:00:00Z 10.00; order 9002 2020-10-01T10:00:00Z 10.00; } | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	# 746296004: 10.00 USD posted 2020-11-05; 9002 is 35 days earlier
	assert_equal "$(decision shopify:746296004)" '["linked","amount_window","shop:9001"]'
	run -0 finance shop:9001
	assert_output reconciled
}

@test "tier 3: two orders fit, so the charge is never guessed: unknown_payment names both candidates" {
	{ order 9001 2020-11-03T10:00:00Z 10.00; order 9002 2020-11-04T10:00:00Z 10.00; } | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(decision shopify:746296004)" '["ambiguous","amount_window",null]'
	run -0 sql "SELECT json_extract(value, '\$.candidates') FROM exception, json_each(json_extract(evidence, '\$.lines')) WHERE kind = 'unknown_payment' AND json_extract(value, '\$.line') = 'shopify:746296004'"
	assert_output '["shop:9001","shop:9002"]'
	run -0 sql "SELECT count(*) FROM payout_line WHERE order_id IS NOT NULL"
	assert_output 0
}

@test "tier 3: --window 1 leaves out an order placed two days before the charge" {
	order 9001 2020-11-03T10:00:00Z 10.00 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match --window 1
	assert_equal "$(decision shopify:746296004)" '["unknown","amount_window",null]'
}

@test "unknown_payment: lines no tier explains open it on their payout, mismatch the payout, and it resolves once they are matched" {
	generic 10.00 't1 charge - 10.00'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(decision bank:t1)" '["unknown","amount_window",null]'
	assert_equal "$(about bank:P1)" '["mismatch","line_without_order","mismatch",null]'
	run -0 sql "SELECT owner, impact_money, impact_currency, next_action <> '' FROM exception WHERE kind = 'unknown_payment' AND subject_ref = 'bank:P1'"
	assert_output 'finance|1000|EUR|1'
	order 1001 2026-11-19T10:00:00Z 10.00 0.00 EUR | orders
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(decision bank:t1)" '["linked","amount_window","shop:1001"]'
	assert_equal "$(about bank:P1)" '["reconciled","every_line_matched_and_adds_up","reconciled",null]'
	assert_equal "$(open_ex unknown_payment)" ''
	run -0 sql "SELECT group_concat(action, ' ') FROM event WHERE ref = 'bank:P1' AND machine = 'payout' AND action <> 'create'"
	assert_output 'mismatch match reconcile'
}

@test "a payout whose lines all agree moves imported -> matched -> reconciled" {
	order 1001 2026-11-19T10:00:00Z 44.99 0.00 EUR | orders
	generic 44.99 't1 charge shop:1001 44.99'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about bank:P1)" '["reconciled","every_line_matched_and_adds_up","reconciled",null]'
	run -0 sql "SELECT group_concat(from_state || '>' || to_state, ' ') FROM event WHERE ref = 'bank:P1' AND machine = 'payout' AND action <> 'create'"
	assert_output 'imported>matched matched>reconciled'
	run -0 wf-reconcile list --state reconciled
	assert_equal "$(jq -r .payout <<<"$output")" bank:P1
}

@test "dispute_open: a dispute line moves finance to disputed; a dispute reversal wins it back to paid" {
	order 1001 2026-11-19T10:00:00Z 44.99 0.00 EUR | orders
	generic 0.00 't1 charge shop:1001 44.99' 't2 dispute shop:1001 -44.99'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:1001)" '["dispute_open","dispute_line","disputed","dispute_open"]'
	assert_equal "$(open_ex dispute_open)" 'order shop:1001'
	run -0 sql "SELECT json_extract(data, '\$.payout_line') FROM event WHERE ref = 'shop:1001' AND action = 'dispute'"
	assert_output bank:t2
	generic 44.99 't1 charge shop:1001 44.99' 't2 dispute shop:1001 -44.99' 't3 dispute_reversal shop:1001 44.99'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.decision == "dispute_won") | [.rule, .state]' <<<"$output")" '["dispute_reversal","paid"]'
	assert_equal "$(open_ex dispute_open)" ''
	run -0 finance shop:1001
	# won, and charges and refunds agree: reconciled in the same run
	assert_output reconciled
}

@test "dispute_lost: a dispute line the provider marks lost moves finance disputed -> refunded" {
	order 1001 2026-11-19T10:00:00Z 44.99 0.00 EUR | orders
	generic 0.00 't1 charge shop:1001 44.99' 't2 dispute shop:1001 -44.99'
	wf-reconcile match >/dev/null
	generic 0.00 't1 charge shop:1001 44.99' 't2 dispute shop:1001 -44.99 lost'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:1001)" '["dispute_lost","dispute_status_lost","refunded","dispute_lost"]'
	assert_equal "$(open_ex dispute_lost)" 'order shop:1001'
	assert_equal "$(open_ex dispute_open)" ''
	run -0 sql "SELECT impact_money FROM exception WHERE kind = 'dispute_lost'"
	assert_output 4499
}

@test "dispute_lost is a person's to close: resolved by hand, a later match leaves it resolved" {
	order 1001 2026-11-19T10:00:00Z 44.99 0.00 EUR | orders
	generic 0.00 't1 charge shop:1001 44.99' 't2 dispute shop:1001 -44.99 lost'
	wf-reconcile match >/dev/null
	ex=$(sql "SELECT 'EX-' || id FROM exception WHERE kind = 'dispute_lost'")
	run -0 --separate-stderr wf-alert resolve "$ex" --note "chargeback booked as a loss"
	# nothing changed: the next run decides the same and opens nothing again
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_ex dispute_lost)" ''
	run -0 sql "SELECT state, resolution FROM exception WHERE kind = 'dispute_lost'"
	assert_output 'resolved|chargeback booked as a loss'
}

@test "the Shopify fixture's dispute on 625362839 opens dispute_open; its payout is in mismatch" {
	order 625362839 2016-08-01T10:00:00Z 33.00 2.00 | orders
	shopify
	run -0 --separate-stderr wf-reconcile match
	# partially refunded already, so its finance cannot move to disputed;
	# the exception is opened all the same, and it is not reconciled
	assert_equal "$(about shop:625362839)" '["dispute_open","dispute_line","partially_refunded","dispute_open"]'
	assert_equal "$(about shopify:623721858)" '["mismatch","line_without_order","mismatch",null]'
}

@test "missing_in_payout: a paid order of the channel whose charge is in no payout past the window; resolved when it arrives" {
	{ order 1001 2026-11-19T10:00:00Z 44.99 0.00 EUR; order 1000 2026-11-01T10:00:00Z 20.00 0.00 EUR; } | orders
	generic 44.99 't1 charge shop:1001 44.99'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(about shop:1000)" '["missing","paid_not_in_payout",null,"missing_in_payout"]'
	run -0 sql "SELECT impact_money, json_extract(evidence, '\$.window_days') FROM exception WHERE kind = 'missing_in_payout' AND subject_ref = 'shop:1000'"
	assert_output '2000|7'
	generic 64.99 't1 charge shop:1001 44.99' 't2 charge shop:1000 20.00'
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(open_ex missing_in_payout)" ''
}

@test "running match again changes no record; open exceptions are only seen again" {
	order 217130470 2014-01-20T10:00:00Z 23.00 3.45 | orders
	shopify
	wf-reconcile match >/dev/null
	before=$(sql "SELECT max(id) FROM event")
	run -0 --separate-stderr wf-reconcile match
	run -0 sql "SELECT DISTINCT record_type || ' ' || action FROM event WHERE id > $before"
	assert_output 'exception raise'
	run -0 sql "SELECT max(times_seen) FROM exception"
	assert_output 2
	assert_equal "$(jq -c 'select(.decision == "linked")' <<<"$output")" ''
}

@test "--dry-run prints the decisions and writes nothing" {
	order 217130470 2014-01-20T10:00:00Z 23.00 3.45 | orders
	shopify
	before=$(sql "SELECT count(*) FROM event")
	run -0 --separate-stderr wf-reconcile match --dry-run
	assert_equal "$(about shop:217130470)" '["reconciled","charges_and_refunds_agree","reconciled",null]'
	assert_equal "$(sql "SELECT count(*) FROM event")" "$before"
	run -0 finance shop:217130470
	assert_output partially_refunded
}

@test "a window or tolerance out of range is a usage error" {
	run -2 --separate-stderr wf-reconcile match --window 367
	[[ "$stderr" == *--window* ]]
	run -2 --separate-stderr wf-reconcile match --tolerance -1
	[[ "$stderr" == *--tolerance* ]]
}

@test "unknown_payment's evidence names the first 20 lines of a payout and how many more; its impact counts them all" {
	local l=() i
	for i in $(seq 1 25); do l+=("u$i charge shop:$((5000 + i)) 1.00"); done
	generic 25.00 "${l[@]}"
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c 'select(.decision == "unknown")' <<<"$output" | wc -l)" 25
	run -0 sql "SELECT json_array_length(json_extract(evidence, '\$.lines')), json_extract(evidence, '\$.more_lines'), impact_money FROM exception WHERE kind = 'unknown_payment' AND subject_ref = 'bank:P1'"
	assert_output '20|5|2500'
}
