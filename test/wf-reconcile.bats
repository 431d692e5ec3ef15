#!/usr/bin/env bats
# wf-reconcile: payouts and their lines from each provider's own export.
#
# The numbers below are the fixtures' (test/fixtures/platforms), added up by
# hand; where a fixture does not add up, the test says what Workform must
# report instead.

load helper
load man

setup() {
	wf_setup
	wf_init
}

teardown() {
	# every scenario leaves the records and their history in agreement
	run -0 --separate-stderr wf check
	assert_output ''
}

SHOPIFY_TXNS=shopify_payments_balance_transactions.json

# import FORMAT FIXTURE [ARGS...]: import a fixture, output discarded
import() {
	local from=$1 file=$2
	shift 2
	wf-reconcile import --from "$from" "$PLATFORMS/$file" "$@" >/dev/null
}

# The line with provider id $1 in $output.
line() {
	jq -c --arg id "$1" 'select(.type == "payout_line" and .provider_id == $id)' <<<"$output"
}

# The record of type payout in $output.
payout() {
	jq -c 'select(.type == "payout")' <<<"$output"
}

events() {
	sql "SELECT count(*) FROM event"
}

# tsv CELL...: one tab-separated row
tsv() {
	local IFS=$'\t'
	printf '%s\n' "$*"
}

V2_HEADER=(settlement-id settlement-start-date settlement-end-date deposit-date
	total-amount currency transaction-type order-id merchant-order-id adjustment-id
	shipment-id marketplace-name amount-type amount-description amount fulfillment-id
	posted-date posted-date-time order-item-code merchant-order-item-id
	merchant-adjustment-item-id sku quantity-purchased)

# A V2 settlement in EUR from Amazon.de, written from the column list in
# amazon_settlement_v2_columns.from_docs.txt: decimal commas, German dates.
# 49,90 - 7,49 - 3,04 = 39,37, its total-amount.
amazon_v2() {
	tsv "${V2_HEADER[@]}"
	tsv 987654321 '01.11.2026 00:00:00 UTC' '15.11.2026 00:00:00 UTC' '17.11.2026 08:00:00 UTC' \
	    '39,37' EUR '' '' '' '' '' '' '' '' '' '' '' '' '' '' '' '' ''
	tsv 987654321 '' '' '' '' '' Order 302-1111111-2222222 '' '' S1 Amazon.de ItemPrice Principal \
	    '49,90' AFN 03.11.2026 '03.11.2026 10:15:00 UTC' 111 '' '' MUG-1 2
	tsv 987654321 '' '' '' '' '' Order 302-1111111-2222222 '' '' S1 Amazon.de ItemFees Commission \
	    '-7,49' AFN 03.11.2026 '03.11.2026 10:15:00 UTC' 111 '' '' MUG-1 ''
	tsv 987654321 '' '' '' '' '' Order 302-1111111-2222222 '' '' S1 Amazon.de ItemFees \
	    FBAPerUnitFulfillmentFee '-3,04' AFN 03.11.2026 '03.11.2026 10:15:00 UTC' 111 '' '' MUG-1 ''
}

# ---- Shopify Payments -----------------------------------------------------------

@test "shopify: the 25 balance transactions import as 25 lines of one payout" {
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	[ -z "$stderr" ]
	[ "$(jq -s 'map(select(.type == "payout_line")) | length' <<<"$output")" = 25 ]
	[ "$(jq -s 'map(select(.type == "payout_line" and .result == "created")) | length' <<<"$output")" = 25 ]
	# by category, counted by hand from the fixture's type and sign
	run -0 sql "SELECT category, count(*) FROM payout_line GROUP BY category ORDER BY category"
	assert_output $'adjustment|11\ncharge|7\ndispute|1\nrefund|3\nreserve_hold|1\nreserve_release|1\ntransfer|1'
	# charges: 10.00 + 11.50 * 5 + 10.00 gross, 2.00 + .65 + .63 + .63 + .46 + 0 + .65 fees
	run -0 sql "SELECT sum(gross), sum(fee), sum(net) FROM payout_line WHERE category = 'charge'"
	assert_output '7750|502|7248'
	# ten lines name one of two orders, five each
	run -0 sql "SELECT order_ref, count(*) FROM payout_line WHERE order_ref IS NOT NULL GROUP BY 1 ORDER BY 1"
	assert_output $'shopify:217130470|5\nshopify:625362839|5'
}

@test "shopify: the payout's own transaction gives its amount; the lines do not add up to it" {
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	assert_equal "$(line 854848137 | jq -c '[.category, .net, .is_payout]')" '["transfer","-41.90",true]'
	# 24 lines net 81.38, the payout 41.90: 39.48 unexplained
	assert_equal "$(payout)" '{"type":"payout","payout":"shopify:623721858","state":"imported","amount":"41.90","currency":"USD","arrival":null,"lines":25,"result":"created","provider":"shopify","status":null,"description":null,"lines_net":"81.38","difference":"39.48"}'
	documented payout_line
}

@test "shopify: a line whose net is not amount - fee is kept as given and flagged" {
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	assert_equal "$(line 758509248 | jq -c '[.gross, .fee, .net, .net_differs]')" '["-1.50","-0.25","-1.75",true]'
	run -0 sql "SELECT provider_id FROM payout_line WHERE net_differs = 1"
	assert_output 758509248
}

@test "shopify: payout_unbalanced is opened for finance with the sums, the difference and a next action" {
	import shopify "$SHOPIFY_TXNS"
	run -0 --separate-stderr wf-alert list --kind payout_unbalanced --format jsonl
	assert_equal "$(jq -c '[.exception, .subject, .owner, .state, .impact.money, .impact.currency]' <<<"$output")" \
	    '["EX-1","payout shopify:623721858","finance","open","39.48","USD"]'
	assert_equal "$(jq -c .evidence <<<"$output")" \
	    '{"payout":"shopify:623721858","currency":"USD","amount":"41.90","lines_net":"81.38","difference":"39.48","lines":24,"transfer":"-41.90","net_differs":["758509248"]}'
	assert_equal "$(jq -r .next_action <<<"$output")" \
	    "Compare shopify:623721858 with Shopify's report of it: import the lines it lacks (wf-reconcile import --from shopify), or accept it saying why its 24 lines add up to 81.38, not 41.90 USD (wf-reconcile accept shopify:623721858 --reason TEXT)"
}

@test "shopify: the payout document sets its arrival and status; the lines still do not add up" {
	import shopify "$SHOPIFY_TXNS"
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/shopify_payments_payout.json"
	assert_output '{"type":"payout","payout":"shopify:623721858","state":"imported","amount":"41.90","currency":"USD","arrival":"2019-11-12","lines":25,"result":"updated","provider":"shopify","status":"paid","description":null,"lines_net":"81.38","difference":"39.48"}'
	# the amount came with the payout's own transaction; the payout adds the rest
	run -0 sql "SELECT action, data FROM event WHERE record_type = 'payout' AND action = 'update' ORDER BY id"
	assert_output $'update|{"amount":{"from":null,"to":"41.90"}}\nupdate|{"arrival":{"from":null,"to":"2019-11-12"},"status":{"from":null,"to":"paid"}}'
	run -0 sql "SELECT count(*) FROM exception WHERE kind = 'payout_unbalanced' AND state = 'open'"
	assert_output 1
}

@test "shopify: the payout alone is created with its amount and no lines to check" {
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/shopify_payments_payout.json"
	assert_output '{"type":"payout","payout":"shopify:623721858","state":"imported","amount":"41.90","currency":"USD","arrival":"2019-11-12","lines":0,"result":"created","provider":"shopify","status":"paid","description":null,"lines_net":"0.00","difference":null}'
	documented payout
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
	run -0 sql "SELECT machine, action, to_state, data FROM event"
	assert_output 'payout|create|imported|{"payout":"shopify:623721858","amount":"41.90","currency":"USD","arrival":"2019-11-12","provider":"shopify","status":"paid","description":null}'
}

@test "re-importing the same export prints unchanged and writes nothing" {
	import shopify "$SHOPIFY_TXNS"
	before=$(events)
	sum=$(sql "SELECT group_concat(times_seen) FROM exception")
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	[ "$(jq -s 'map(select(.result != "unchanged")) | length' <<<"$output")" = 0 ]
	[ "$(jq -s 'length' <<<"$output")" = 26 ]
	assert_equal "$(payout | jq -r .result)" unchanged
	assert_equal "$(events)" "$before"
	assert_equal "$(sql "SELECT group_concat(times_seen) FROM exception")" "$sum"
}

@test "a changed line prints updated, with an event naming what changed" {
	import shopify "$SHOPIFY_TXNS"
	jq -c '.transactions[] | select(.id == 746296004) | .fee = "2.10" | .net = "7.90"' \
	    "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/changed"
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/changed"
	assert_equal "$(line 746296004 | jq -c '[.result, .fee, .net]')" '["updated","2.10","7.90"]'
	assert_equal "$(payout | jq -c '[.result, .lines_net, .difference]')" '["updated","81.28","39.38"]'
	run -0 sql "SELECT ref, action, data FROM event WHERE action = 'update_line'"
	assert_output 'shopify:623721858|update_line|{"provider_id":"746296004","changes":{"fee":{"from":"2.00","to":"2.10"},"net":{"from":"8.00","to":"7.90"}}}'
	# the exception follows the new sums
	run -0 sql "SELECT json_extract(evidence, '$.difference'), times_seen FROM exception"
	assert_output '39.38|2'
}

@test "a payout that arrives again with more lines gains them" {
	jq -c '.transactions[:10][]' "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/first"
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/first"
	assert_equal "$(payout | jq -c '[.result, .lines, .amount]')" '["created",10,null]'
	run -0 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	[ "$(jq -s 'map(select(.result == "unchanged")) | length' <<<"$output")" = 10 ]
	[ "$(jq -s 'map(select(.result == "created")) | length' <<<"$output")" = 15 ]
	assert_equal "$(payout | jq -c '[.result, .lines, .amount]')" '["updated",25,"41.90"]'
	run -0 sql "SELECT count(*) FROM event WHERE action = 'add_line' AND ref = 'shopify:623721858'"
	assert_output 25
}

@test "payout_unbalanced resolves when a later import makes the lines add up" {
	import shopify "$SHOPIFY_TXNS"
	# the line Shopify left out: 39.48 taken back
	printf '%s\n' '{"id":900000001,"type":"adjustment","payout_id":623721858,"currency":"USD","amount":"-39.48","fee":"0.00","net":"-39.48","processed_at":"2020-11-06T10:00:00Z"}' \
	    >"$BATS_TEST_TMPDIR/missing"
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/missing"
	assert_equal "$(payout | jq -c '[.result, .lines, .lines_net, .difference]')" '["updated",26,"41.90","0.00"]'
	run -0 sql "SELECT state, resolution FROM exception WHERE kind = 'payout_unbalanced'"
	assert_output 'resolved|its lines add up to its amount, 41.90 USD'
}

@test "a payout whose own transfer to the bank is not its amount is unbalanced too" {
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"type":"payout","payout":"bank:9","amount":"10.00","currency":"EUR"}
	{"type":"payout_line","payout":"bank:9","provider_id":"c1","category":"charge","gross":"10.00","currency":"EUR","posted_at":"2026-11-20T09:00:00Z"}
	{"type":"payout_line","payout":"bank:9","provider_id":"p1","category":"transfer","is_payout":true,"gross":"-9.00","currency":"EUR","posted_at":"2026-11-21T09:00:00Z"}
	EOF
	run -0 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in"
	assert_equal "$(payout | jq -c '[.lines, .lines_net, .difference]')" '[2,"10.00","0.00"]'
	run -0 --separate-stderr wf-alert list --kind payout_unbalanced --format jsonl
	assert_equal "$(jq -c '[.impact.money, .evidence.transfer, .evidence.difference]' <<<"$output")" '["1.00","-9.00","0.00"]'
	assert_equal "$(jq -r .next_action <<<"$output")" \
	    "Compare bank:9 with bank's report of it and the bank statement: its transfer to the bank is -9.00, its amount 10.00 EUR; import the corrected payout, or resolve this with a note saying which is right"
	sed -i 's/"-9.00"/"-10.00"/' "$BATS_TEST_TMPDIR/in"
	wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in" >/dev/null
	run -0 sql "SELECT state FROM exception"
	assert_output resolved
}

@test "--channel names the channel of the orders the lines link" {
	import shopify "$SHOPIFY_TXNS" --channel shop
	run -0 sql "SELECT DISTINCT order_ref FROM payout_line WHERE order_ref IS NOT NULL ORDER BY 1"
	assert_output $'shop:217130470\nshop:625362839'
}

# ---- Stripe --------------------------------------------------------------------------

@test "stripe: a payout, and balance transactions that name none" {
	run -0 --separate-stderr wf-reconcile import --from stripe "$PLATFORMS/stripe_payout.openapi_fixture.json"
	assert_output '{"type":"payout","payout":"stripe:po_1MoqxPLgUG5tbmjcbKNyeRhP","state":"imported","amount":"11.00","currency":"USD","arrival":"2009-02-13","lines":0,"result":"created","provider":"stripe","status":"in_transit","description":"STRIPE PAYOUT","lines_net":"0.00","difference":null}'
	run -0 --separate-stderr wf-reconcile import --from stripe "$PLATFORMS/stripe_balance_transaction.openapi_fixture.json"
	assert_output '{"type":"payout_line","payout":null,"provider_id":"txn_1Moqx7LgUG5tbmjcEekVfAbn","category":"charge","order":null,"gross":"1.00","fee":"0.00","net":"1.00","currency":"USD","posted_at":"2009-02-13T23:31:30Z","available_at":"2009-02-13T23:31:30Z","provider":"stripe","provider_type":"charge","status":"available","provider_order":null,"payment_id":"ch_1MoS30LgUG5tbmjcjfsQqpHI","description":"My First Test Charge (created for API docs)","is_payout":false,"net_differs":false,"unmapped":false,"result":"created"}'
	run -0 --separate-stderr wf-reconcile import --from stripe "$PLATFORMS/stripe_balance_transaction.djstripe_fixture.json"
	# 2000 - 88 = 1912 cents; created 1557995177, available 1558569600
	assert_equal "$(jq -c '[.gross, .fee, .net, .posted_at, .available_at, .status]' <<<"$output")" \
	    '["20.00","0.88","19.12","2019-05-16T08:26:17Z","2019-05-23T00:00:00Z","pending"]'
	run -0 --separate-stderr wf-reconcile lines --unassigned --provider stripe
	[ "${#lines[@]}" -eq 2 ]
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
}

@test "stripe: a list document and JSON lines import the same" {
	jq -c '{object: "list", data: [.], has_more: false}' \
	    "$PLATFORMS/stripe_balance_transaction.djstripe_fixture.json" >"$BATS_TEST_TMPDIR/list"
	run -0 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/list"
	assert_equal "$(jq -r .result <<<"$output")" created
	jq -c . "$PLATFORMS/stripe_balance_transaction.djstripe_fixture.json" >"$BATS_TEST_TMPDIR/line"
	run -0 --separate-stderr wf-reconcile import --from stripe <"$BATS_TEST_TMPDIR/line"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
}

@test "stripe: --payout puts the lines that name none in that payout" {
	import stripe stripe_payout.openapi_fixture.json
	run -0 --separate-stderr wf-reconcile import --from stripe --payout po_1MoqxPLgUG5tbmjcbKNyeRhP \
	    "$PLATFORMS/stripe_balance_transaction.openapi_fixture.json"
	assert_equal "$(jq -r 'select(.type == "payout_line") | .payout' <<<"$output")" stripe:po_1MoqxPLgUG5tbmjcbKNyeRhP
	# 1.00 of lines against a payout of 11.00
	assert_equal "$(payout | jq -c '[.result, .lines, .lines_net, .difference]')" '["updated",1,"1.00","-10.00"]'
	run -0 sql "SELECT json_extract(evidence, '$.difference') FROM exception WHERE kind = 'payout_unbalanced'"
	assert_output '-10.00'
	# a line stays in its payout
	run -1 --separate-stderr wf-reconcile import --from stripe --payout po_other \
	    "$PLATFORMS/stripe_balance_transaction.openapi_fixture.json"
	assert_equal "$stderr" "wf-reconcile: $PLATFORMS/stripe_balance_transaction.openapi_fixture.json:1: line stripe:txn_1Moqx7LgUG5tbmjcEekVfAbn is in payout stripe:po_1MoqxPLgUG5tbmjcbKNyeRhP; the input puts it in stripe:po_other (nothing applied)"
	run -2 --separate-stderr wf-reconcile import --from stripe --payout shopify:1 "$PLATFORMS/stripe_payout.openapi_fixture.json"
	assert_equal "$stderr" "wf-reconcile: --payout: expected the id of a payout of stripe, got 'shopify:1'"
}

@test "stripe: the payout's own balance transaction puts itself in its payout" {
	printf '%s\n' '{"id":"txn_po","object":"balance_transaction","amount":-1100,"fee":0,"net":-1100,"currency":"usd","created":1234567890,"type":"payout","reporting_category":"payout","source":"po_1MoqxPLgUG5tbmjcbKNyeRhP"}' \
	    >"$BATS_TEST_TMPDIR/own"
	run -0 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/own"
	assert_equal "$(line txn_po | jq -c '[.payout, .category, .is_payout]')" '["stripe:po_1MoqxPLgUG5tbmjcbKNyeRhP","transfer",true]'
	assert_equal "$(payout | jq -c '[.result, .amount, .lines, .difference]')" '["created","11.00",1,null]'
}

# ---- Amazon -----------------------------------------------------------------------------

@test "amazon: the settlement is a payout of its total; each amount a line" {
	run -0 --separate-stderr wf-reconcile import --from amazon "$PLATFORMS/amazon_settlement_flatfile_v1.tsv"
	[ -z "$stderr" ]
	assert_equal "$(jq -c 'select(.type == "payout_line") | [.category, .gross, .fee, .net, .order, .provider_type, .posted_at]' <<<"$output")" \
	    "$(printf '%s\n' '["charge","27.99","0.00","27.99","amazon:112-8095165-5463447","Order/ItemPrice/Principal","2015-12-02T04:15:26Z"]' \
	    '["fee","0.00","1.00","-1.00","amazon:112-8095165-5463447","Order/ItemFees/FBAPerOrderFulfillmentFee","2015-12-02T04:15:26Z"]')"
	# the file is the head of a settlement: 26.99 of lines, 16630.13 of total
	assert_equal "$(payout | jq -c '[.payout, .amount, .currency, .arrival, .lines, .lines_net, .difference]')" \
	    '["amazon:6016502941","16630.13","USD","2015-12-18",2,"26.99","-16603.14"]'
	run -0 sql "SELECT impact_money, impact_currency, json_extract(evidence, '$.lines') FROM exception WHERE kind = 'payout_unbalanced'"
	assert_output '1660314|USD|2'
}

@test "amazon: a V2 file with decimal commas and German dates adds up to its total" {
	amazon_v2 >"$BATS_TEST_TMPDIR/v2.tsv"
	run -0 --separate-stderr wf-reconcile import --from amazon "$BATS_TEST_TMPDIR/v2.tsv"
	assert_equal "$(jq -c 'select(.type == "payout_line") | [.category, .gross, .fee, .net, .posted_at]' <<<"$output")" \
	    "$(printf '%s\n' '["charge","49.90","0.00","49.90","2026-11-03T10:15:00Z"]' \
	    '["fee","0.00","7.49","-7.49","2026-11-03T10:15:00Z"]' '["fee","0.00","3.04","-3.04","2026-11-03T10:15:00Z"]')"
	assert_equal "$(payout | jq -c '[.payout, .amount, .currency, .arrival, .lines, .difference]')" \
	    '["amazon:987654321","39.37","EUR","2026-11-17",3,"0.00"]'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
	run -0 --separate-stderr wf-reconcile import --from amazon "$BATS_TEST_TMPDIR/v2.tsv"
	[ "$(jq -s 'map(select(.result != "unchanged")) | length' <<<"$output")" = 0 ]
}

@test "amazon: a file that is not a settlement report is refused at its header" {
	printf 'order-id\tamount\n1\t2\n' >"$BATS_TEST_TMPDIR/not.tsv"
	run -3 --separate-stderr wf-reconcile import --from amazon "$BATS_TEST_TMPDIR/not.tsv"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/not.tsv:1: not an Amazon settlement report: the header has no 'settlement-id' column (nothing applied)"
	run -0 sql "SELECT count(*) FROM payout"
	assert_output 0
}

@test "an empty export imports nothing, whatever its format" {
	for from in amazon shopify stripe paypal generic; do
		run -0 --separate-stderr wf-reconcile import --from "$from" </dev/null
		assert_output ''
		assert_equal "$stderr" ''
	done
}

@test "amazon: an amount with grouping separators is refused, named by its row and column" {
	amazon_v2 | sed 's/49,90/1.049,90/' >"$BATS_TEST_TMPDIR/v2.tsv"
	run -3 --separate-stderr wf-reconcile import --from amazon "$BATS_TEST_TMPDIR/v2.tsv"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/v2.tsv:3: amount: '1.049,90': grouping separators are not accepted; give the amount as 1234.56 or 1234,56 (nothing applied)"
}

# ---- PayPal ---------------------------------------------------------------------------------

@test "paypal: a payment with PayPal's negative fee, in no payout" {
	run -0 --separate-stderr wf-reconcile import --from paypal "$PLATFORMS/paypal_transaction_search.json"
	# 465.00 received, 13.79 kept by PayPal
	assert_output '{"type":"payout_line","payout":null,"provider_id":"5TY05013RG002845M","category":"charge","order":null,"gross":"465.00","fee":"13.79","net":"451.21","currency":"USD","posted_at":"2014-07-11T04:03:52Z","available_at":null,"provider":"paypal","provider_type":"T0006","status":"S","provider_order":"Invoice-005","payment_id":"5TY05013RG002845M","description":"Bill for your purchase","is_payout":false,"net_differs":false,"unmapped":false,"result":"created"}'
	run -0 sql "SELECT ref, action FROM event"
	assert_output 'paypal:5TY05013RG002845M|add_line'
}

@test "paypal: with --channel the invoice id names an order; a withdrawal is a payout" {
	import paypal paypal_transaction_search.json --channel shop
	run -0 sql "SELECT order_ref FROM payout_line"
	assert_output shop:Invoice-005
	printf '%s\n' '{"transaction_info":{"transaction_id":"W1","transaction_event_code":"T0400","transaction_initiation_date":"2014-07-12T10:00:00+0000","transaction_amount":{"currency_code":"USD","value":"-451.21"},"transaction_status":"S"}}' \
	    >"$BATS_TEST_TMPDIR/withdrawal"
	run -0 --separate-stderr wf-reconcile import --from paypal "$BATS_TEST_TMPDIR/withdrawal"
	assert_equal "$(payout | jq -c '[.payout, .amount, .arrival, .lines, .difference]')" '["paypal:W1","451.21","2014-07-12",1,null]'
	assert_equal "$(line W1 | jq -c '[.category, .is_payout]')" '["transfer",true]'
}

# ---- generic ------------------------------------------------------------------------------

@test "generic: payouts and lines in Workform's own format, adding up" {
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"type":"payout","payout":"bank:2026-11-24","amount":"41.90","currency":"EUR","arrival":"2026-11-24"}
	{"type":"payout_line","payout":"bank:2026-11-24","provider_id":"t1","category":"charge","order":"shop:1001","gross":"44.99","fee":"1.02","currency":"EUR","posted_at":"2026-11-20T09:14:00Z"}
	{"type":"payout_line","payout":"bank:2026-11-24","provider_id":"t2","category":"fee","gross":"0.00","fee":"2.07","currency":"EUR","posted_at":"2026-11-21T00:00:00Z"}
	EOF
	run -0 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in"
	assert_equal "$(line t1 | jq -c '[.provider, .net, .order]')" '["bank","43.97","shop:1001"]'
	assert_equal "$(payout | jq -c '[.result, .lines, .lines_net, .difference]')" '["created",2,"41.90","0.00"]'
	documented payout_line
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
}

@test "generic: what show prints imports back unchanged" {
	import shopify "$SHOPIFY_TXNS"
	import shopify shopify_payments_payout.json
	wf-reconcile show shopify:623721858 >"$BATS_TEST_TMPDIR/shown"
	run -0 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/shown"
	[ "$(jq -s 'map(select(.result != "unchanged")) | length' <<<"$output")" = 0 ]
	[ "$(jq -s 'length' <<<"$output")" = 26 ]
}

@test "generic: an unknown key is refused, and a pretty-printed document gets the jq -c hint" {
	printf '%s\n' '{"type":"payout_line","provider":"bank","provider_id":"t1","category":"charge","gross":"1.00","currency":"EUR","posted_at":"2026-11-20T09:00:00Z","shiping_paid":"4.90"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/in:1: shiping_paid: unknown key (nothing applied)"
	jq . "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/pretty"
	run -3 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/pretty"
	[[ $stderr == *"one JSON object per line: try jq -c"* ]]
}

# ---- unknown types ----------------------------------------------------------------------------

@test "an unknown type becomes other and opens unknown_category; knowing it resolves it" {
	jq -c '.transactions[:3][] | if .id == 77412310 then .type = "gift_card_breakage" else . end' \
	    "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/in"
	assert_equal "$(line 77412310 | jq -c '[.category, .unmapped, .provider_type, .result]')" '["other",true,"gift_card_breakage/Payments::Balance::AdjustmentReversal","created"]'
	# again, unchanged: nothing is written, the exception is not raised again
	before=$(events)
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/in"
	[ "$(jq -s 'map(select(.result != "unchanged")) | length' <<<"$output")" = 0 ]
	assert_equal "$(events)" "$before"
	run -0 --separate-stderr wf-alert list --kind unknown_category --format jsonl
	assert_equal "$(jq -c '[.subject, .owner, .impact.money, .evidence]' <<<"$output")" \
	    '["payout shopify:623721858","finance","50.00",{"lines":[{"provider_id":"77412310","provider_type":"gift_card_breakage/Payments::Balance::AdjustmentReversal","net":"50.00","currency":"USD"}],"count":1,"provider":"shopify"}]'
	assert_equal "$(jq -r .next_action <<<"$output")" \
	    "Find out what Shopify means by 'gift_card_breakage/Payments::Balance::AdjustmentReversal' (the lines: wf-reconcile show shopify:623721858), book the line by hand, and report the type so that wf-reconcile learns it; until then it counts as other (50.00 USD)"
	# Shopify's corrected export says what it was
	jq -c '.transactions[1]' "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/fixed"
	run -0 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/fixed"
	assert_equal "$(line 77412310 | jq -c '[.category, .unmapped, .result]')" '["adjustment",false,"updated"]'
	run -0 sql "SELECT state, resolution FROM exception WHERE kind = 'unknown_category'"
	assert_output "resolved|every line's type is one wf-reconcile knows now"
}

@test "an unknown type of a line in no payout opens unknown_category on the line" {
	printf '%s\n' '{"id":"txn_w","object":"balance_transaction","amount":500,"currency":"eur","created":1795165200,"type":"wibble"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -c '[.category, .unmapped]' <<<"$output")" '["other",true]'
	run -0 sql "SELECT subject_type, subject_ref, owner, impact_money FROM exception"
	assert_output 'payout|stripe:txn_w|finance|500'
	# importing it again changes nothing, the exception included
	before=$(events)
	run -0 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
	assert_equal "$(events)" "$before"
	run -0 sql "SELECT times_seen FROM exception"
	assert_output 1
}

# ---- hostile input --------------------------------------------------------------------------

@test "amounts past the money limit are refused, and nothing is applied" {
	printf '%s\n' '{"id":"txn_a","object":"balance_transaction","amount":100,"currency":"usd","created":1,"type":"charge"}' \
	    '{"id":"txn_b","object":"balance_transaction","amount":9007199254740992,"currency":"usd","created":1,"type":"charge"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/in:2: amount: integer 9007199254740992 is out of range (nothing applied)"
	printf '%s\n' '{"id":1,"type":"charge","payout_id":7,"currency":"USD","amount":"90071992547409.92","processed_at":"2020-01-01T00:00:00Z"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/in"
	[[ $stderr == *":1: amount: "* ]]
	run -0 sql "SELECT count(*) FROM payout_line"
	assert_output 0
}

@test "an amount with more places than its currency has is refused" {
	printf '%s\n' '{"id":1,"type":"charge","payout_id":7,"currency":"USD","amount":"10.005","processed_at":"2020-01-01T00:00:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/in:1: amount: '10.005' has more decimals than USD allows (2) (nothing applied)"
	printf '%s\n' '{"id":"txn_i","object":"balance_transaction","amount":12345,"currency":"isk","created":1,"type":"charge"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/in"
	[[ $stderr == *":1: amount: 12345 is not a whole number of ISK minor units"* ]]
}

@test "another provider's export is refused by name" {
	run -3 --separate-stderr wf-reconcile import --from stripe "$PLATFORMS/$SHOPIFY_TXNS"
	# {"transactions":[...]} is no Stripe list: the whole document is one record
	assert_equal "$stderr" "wf-reconcile: $PLATFORMS/$SHOPIFY_TXNS:1: object: expected a Stripe \"balance_transaction\" or \"payout\" (nothing applied)"
	run -3 --separate-stderr wf-reconcile import --from shopify "$PLATFORMS/stripe_payout.openapi_fixture.json"
	assert_equal "$stderr" "wf-reconcile: $PLATFORMS/stripe_payout.openapi_fixture.json:1: not a Shopify Payments payout (date, amount) or balance transaction (payout_id, processed_at) (nothing applied)"
	run -3 --separate-stderr wf-reconcile import --from paypal "$PLATFORMS/shopify_payments_payout.json"
	[[ $stderr == *"not a PayPal transaction"* ]]
	# a generic line whose provider is not its payout's
	printf '%s\n' '{"type":"payout_line","payout":"stripe:po_1","provider":"shopify","provider_id":"1","category":"charge","gross":"1.00","currency":"USD","posted_at":"2026-11-20T09:00:00Z"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/in:1: provider: \"shopify\", but its payout stripe:po_1 is stripe's (nothing applied)"
	run -0 sql "SELECT count(*) FROM payout"
	assert_output 0
}

@test "a truncated document is refused whole" {
	head -c 2000 "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/cut"
	run -3 --separate-stderr wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/cut"
	[[ $stderr == "wf-reconcile: $BATS_TEST_TMPDIR/cut:1: invalid JSON at byte "*" (nothing applied)" ]]
	run -0 sql "SELECT count(*) FROM payout_line"
	assert_output 0
}

@test "control characters in a provider's description are kept as escapes, never raw" {
	printf '%s\n' '{"id":"txn_c","object":"balance_transaction","amount":100,"currency":"usd","created":1,"type":"charge","description":"Hi \u001b[31mred\u001b[0m \u202eevil\u0085"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-reconcile import --from stripe "$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r .description <<<"$output")" 'Hi \u001b[31mred\u001b[0m \u202eevil\u0085'
	run -0 sql "SELECT instr(description, char(27)), instr(description, char(8238)) FROM payout_line"
	assert_output '0|0'
	# Workform's own format refuses them instead
	printf '%s\n' '{"type":"payout_line","provider":"bank","provider_id":"t1","category":"charge","gross":"1.00","currency":"EUR","posted_at":"2026-11-20T09:00:00Z","description":"a\u001bb"}' \
	    >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --from generic "$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-reconcile: $BATS_TEST_TMPDIR/in:1: description: control or format character in text (nothing applied)"
}

@test "an Amazon row with a control character in an id is refused" {
	amazon_v2 | sed "s/302-1111111-2222222/302-$(printf '\033')-1/" >"$BATS_TEST_TMPDIR/v2.tsv"
	run -3 --separate-stderr wf-reconcile import --from amazon "$BATS_TEST_TMPDIR/v2.tsv"
	[[ $stderr == *"v2.tsv:3: provider_id: control character U+001B in text (nothing applied)" ]]
}

# ---- the command ---------------------------------------------------------------------------

@test "--dry-run prints what would be imported and writes nothing" {
	run -0 --separate-stderr wf-reconcile import --dry-run --from shopify "$PLATFORMS/$SHOPIFY_TXNS"
	[ "$(jq -s 'map(select(.result == "created")) | length' <<<"$output")" = 26 ]
	assert_equal "$stderr" "wf-reconcile: dry run: nothing was written"
	run -0 sql "SELECT (SELECT count(*) FROM payout) + (SELECT count(*) FROM payout_line) + (SELECT count(*) FROM event) + (SELECT count(*) FROM exception)"
	assert_output 0
}

@test "--keep-going applies the good records and names each bad one" {
	jq -c '.transactions[:3][]' "$PLATFORMS/$SHOPIFY_TXNS" | sed '2s/"amount":"50.00"/"amount":"50.001"/' \
	    >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-reconcile import --keep-going --from shopify "$BATS_TEST_TMPDIR/in"
	assert_equal "${stderr_lines[0]}" "wf-reconcile: $BATS_TEST_TMPDIR/in:2: amount: '50.001' has more decimals than USD allows (2)"
	assert_equal "${stderr_lines[1]}" "wf-reconcile: 1 bad line skipped; 2 applied"
	assert_equal "$(payout | jq -c '[.result, .lines]')" '["created",2]'
}

@test "import reads stdin without FILE; a FILE that cannot be opened is a usage error" {
	run -0 --separate-stderr wf-reconcile import --from paypal <"$PLATFORMS/paypal_transaction_search.json"
	assert_equal "$(jq -r .result <<<"$output")" created
	run -2 --separate-stderr wf-reconcile import --from paypal "$BATS_TEST_TMPDIR/nope.json"
	assert_equal "$stderr" "wf-reconcile: cannot open '$BATS_TEST_TMPDIR/nope.json': No such file or directory"
	run -2 --separate-stderr wf-reconcile import --from venmo "$PLATFORMS/paypal_transaction_search.json"
	assert_equal "$stderr" "wf-reconcile: --from: expected stripe, shopify, amazon, paypal or generic, got 'venmo'"
	run -2 --separate-stderr wf-reconcile import "$PLATFORMS/paypal_transaction_search.json"
	assert_equal "${stderr_lines[0]}" "wf-reconcile: import: --from is required"
}

@test "list shows payouts, latest arrival first, by state and provider" {
	import shopify shopify_payments_payout.json
	import amazon amazon_settlement_flatfile_v1.tsv
	import stripe stripe_payout.openapi_fixture.json
	run -0 --separate-stderr wf-reconcile list
	assert_equal "$(jq -r .payout <<<"$output")" "$(printf '%s\n' shopify:623721858 amazon:6016502941 stripe:po_1MoqxPLgUG5tbmjcbKNyeRhP)"
	documented payout
	run -0 --separate-stderr wf-reconcile list --provider amazon --format table
	assert_line -n 0 --regexp '^PAYOUT +STATE +AMOUNT +CURRENCY +ARRIVAL +LINES +DIFFERENCE$'
	assert_line -n 1 --regexp '^amazon:6016502941 +imported +16630.13 +USD +2015-12-18 +2 +-16603.14$'
	run -0 --separate-stderr wf-reconcile list --state matched
	assert_output ''
	run -2 --separate-stderr wf-reconcile list --state paid
	assert_equal "$stderr" "wf-reconcile: --state: expected imported, matched, reconciled or mismatch, got 'paid'"
}

@test "show prints the payout, then its lines in the order they were posted" {
	import shopify "$SHOPIFY_TXNS"
	run -0 --separate-stderr wf-reconcile show shopify:623721858
	[ "${#lines[@]}" -eq 26 ]
	assert_equal "$(jq -r .type <<<"${lines[0]}")" payout
	# the oldest is the payout's own transfer, posted 2012-11-11
	assert_equal "$(jq -c '[.provider_id, .posted_at]' <<<"${lines[1]}")" '["854848137","2012-11-12T00:00:00Z"]'
	documented payout_line
	run -1 --separate-stderr wf-reconcile show shopify:1
	assert_equal "$stderr" "wf-reconcile: unknown payout 'shopify:1'"
}

@test "lines selects by payout, provider, category and order" {
	import shopify "$SHOPIFY_TXNS"
	import paypal paypal_transaction_search.json
	run -0 --separate-stderr wf-reconcile lines --category refund
	[ "${#lines[@]}" -eq 3 ]
	run -0 --separate-stderr wf-reconcile lines --order shopify:625362839 --category charge
	assert_equal "$(jq -r .provider_id <<<"$output" | sort | tr '\n' ' ')" '217609728 357948134 843310825 '
	run -0 --separate-stderr wf-reconcile lines --unassigned
	assert_equal "$(jq -r .provider_id <<<"$output")" 5TY05013RG002845M
	run -0 --separate-stderr wf-reconcile lines --payout shopify:623721858 --provider paypal
	assert_output ''
	run -1 --separate-stderr wf-reconcile lines --payout shopify:2
	assert_equal "$stderr" "wf-reconcile: unknown payout 'shopify:2'"
}

@test "wf log shows a payout's history: created, lines added, lines changed" {
	import shopify shopify_payments_payout.json
	jq -c '.transactions[0]' "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/one"
	wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/one" >/dev/null
	jq -c '.transactions[0] | .payout_status = "in_transit"' "$PLATFORMS/$SHOPIFY_TXNS" >"$BATS_TEST_TMPDIR/one"
	wf-reconcile import --from shopify "$BATS_TEST_TMPDIR/one" >/dev/null
	run -0 --separate-stderr wf log payout shopify:623721858
	assert_equal "$(jq -r .action <<<"$output" | tr '\n' ' ')" 'create add_line update_line '
}
