#!/usr/bin/env bats
# wf-order: import (generic, Shopify), the lifecycle, shipments, returns.

load helper
load man

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
	wf-stock sku add TEE-M --cost 6.00 --price 19.90 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock receive TEE-M 5 --to BER/A-01 >/dev/null
}

teardown() {
	# every scenario leaves the ledger and the records in agreement
	run -0 --separate-stderr wf check
	assert_output ''
}

order() {	# order ID [SKU QTY]... : one generic order line
	local id=$1 lines="" sep=""
	shift
	while [ $# -gt 0 ]; do
		lines="$lines$sep{\"sku\":\"$1\",\"qty\":$2,\"unit_price\":\"12.50\"}"
		sep=,
		shift 2
	done
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[%s],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}\n' "$id" "$lines"
}

state() {	# state REF: fulfilment/finance
	wf-order show "$1" | head -1 | jq -r '.state + "/" + .finance_state'
}

level() {	# level SKU FIELD (at BER)
	wf-stock levels --sku "$1" --warehouse BER | jq -r ".$2"
}

# ---- import -----------------------------------------------------------------------

@test "a generic order imports, then is unchanged, then updated with an event" {
	run -0 --separate-stderr wf-order import <<<"$(order 1001 MUG-1 2)"
	assert_output '{"type":"order","order":"shop:1001","result":"created","channel":"shop","external_id":"1001","state":"new","finance_state":"paid","placed_at":"2026-11-20T08:00:00Z","promise_by":"2026-11-23T18:00:00Z","currency":"EUR","subtotal":"25.00","discount":"0.00","shipping_paid":"4.90","tax":"0.00","total":"29.90","paid":"29.90","refunded":"0.00","invoice_number":null,"ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"owner":"fulfilment","hold_reason":null,"cancel_reason":null,"lines":1}'
	run -0 --separate-stderr wf-order import <<<"$(order 1001 MUG-1 2)"
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-order import <<<"$(order 1001 MUG-1 3)"
	assert_output --partial '"result":"updated"'
	run -0 wf log order shop:1001
	assert_line --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"subtotal":{"from":"25.00","to":"37.50"},"total":{"from":"29.90","to":"42.40"},"lines[0].qty":{"from":2,"to":3}}}'
}

@test "a platform id keeps every digit, whatever its JSON type" {
	run -0 --separate-stderr wf-order import <<'EOF'
{"type":"order","channel":"shop","external_id":12345678901234567890123,"placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1.00","id":98765432109876543210}]}
EOF
	assert_output --partial '"order":"shop:12345678901234567890123"'
	run -0 sql "SELECT external_id FROM order_line"
	assert_output 98765432109876543210
}

@test "a bad line exits 3 naming the line, and nothing of the batch is applied" {
	run -3 --separate-stderr wf-order import <<EOF
$(order 1 MUG-1 1)
{"type":"order","channel":"shop","external_id":"2","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":-3,"unit_price":"1.00"}]}
EOF
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:2: lines[0].qty: expected an integer from 1 to 1000000, got -3 (nothing applied)"
	run -0 sql "SELECT count(*) FROM orders"
	assert_output 0
}

@test "bad input of every kind names its field" {
	run -3 --separate-stderr wf-order import <<<'{"channel":"shop","external_id":"1","placed_at":"2026-11-20","currency":"EUR","lines":[]}'
	assert_equal "$stderr" "wf-order: stdin:1: lines: an order needs at least one line (nothing applied)"
	run -3 --separate-stderr wf-order import <<<'{"channel":"shop","external_id":"1","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":12.5}]}'
	assert_equal "$stderr" 'wf-order: stdin:1: lines[0].unit_price: expected a decimal string like "19.99", got 12.5 (nothing applied)'
	run -3 --separate-stderr wf-order import <<<'{"channel":"shop","external_id":"1","placed_at":"yesterday","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1"}]}'
	assert_equal "$stderr" "wf-order: stdin:1: placed_at: expected an ISO 8601 time like 2026-11-20T09:14:00Z, got 'yesterday' (nothing applied)"
	run -3 --separate-stderr wf-order import <<<'{"channel":"sh op","external_id":"1","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1"}]}'
	assert_equal "$stderr" "wf-order: stdin:1: channel: expected 1-32 letters, digits, '.', '_' or '-', got 'sh op' (nothing applied)"
	run -3 --separate-stderr wf-order import <<<'{"channel":"shop","external_id":"1","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1"}],"payment":{"status":"paid","amount":"1.00","refunded":"2.00"}}'
	assert_equal "$stderr" "wf-order: stdin:1: payment: refunded 200 is more than paid 100 (minor units) (nothing applied)"
}

@test "import --keep-going applies the good orders and reports each bad one" {
	run -3 --separate-stderr wf-order import --keep-going <<EOF
$(order 1 MUG-1 1)
{"type":"order"}
$(order 3 MUG-1 1)
EOF
	assert_equal "${#lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "wf-order: stdin:2: channel: missing"
	assert_equal "${stderr_lines[1]}" "wf-order: 1 bad line skipped; 2 applied"
}

@test "an unknown SKU never loses the order: it is held with an exception, released once known" {
	run -0 --separate-stderr wf-order import <<<"$(order 7 LAMP-2 1)"
	assert_output --partial '"state":"on_hold"'
	assert_output --partial '"hold_reason":"unknown SKU LAMP-2"'
	run -0 wf-alert list
	assert_output --partial '"kind":"order_unknown_sku","subject":"order shop:7"'
	assert_output --partial '"next_action":"Add LAMP-2 to the catalogue (wf-stock sku add), then wf-order release shop:7"'
	run -1 --separate-stderr wf-order release shop:7
	assert_equal "$stderr" 'wf-order: order shop:7 still has SKUs the catalogue does not know: ["LAMP-2"]'
	wf-stock sku add LAMP-2 >/dev/null
	run -0 --separate-stderr wf-order release shop:7
	assert_output --partial '"state":"new"'
	run -0 wf-alert list --all
	assert_output --partial '"state":"resolved"'
}

@test "a re-imported order whose SKUs became known is released and its hold reason goes with the hold" {
	wf-order import <<<"$(order 7 LAMP-2 1)" >/dev/null
	wf-stock sku add LAMP-2 >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(order 7 LAMP-2 2)"
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr wf-order show shop:7 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -c '[.state, .hold_reason]')" '["new",null]'
}

@test "a change after stock was reserved is not applied: the order keeps its state and an exception opens" {
	wf-order import <<<"$(order 1001 MUG-1 2)" >/dev/null
	wf-order reserve shop:1001 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(order 1001 MUG-1 5)"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"state":"reserved"'
	[ "$(level MUG-1 reserved)" = 2 ]
	run -0 wf-alert list
	assert_output --partial '"kind":"order_changed","subject":"order shop:1001"'
	run -0 --separate-stderr wf-order import <<<"$(order 1001 MUG-1 5)"
	run -0 sql "SELECT count(*), max(times_seen) FROM exception"
	assert_output '1|2'
}

@test "a cancellation from the channel cancels a new order, and raises one for a reserved order" {
	wf-order import <<<"$(order 1 MUG-1 1)" >/dev/null
	wf-order import <<<"$(order 2 MUG-1 1)" >/dev/null
	wf-order reserve shop:2 --warehouse BER >/dev/null
	cancel='{"type":"order","channel":"shop","external_id":"ID","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":1,"unit_price":"12.50"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"},"cancel_reason":"customer"}'
	run -0 --separate-stderr wf-order import <<<"${cancel/ID/1}"
	assert_output --partial '"state":"cancelled"'
	run -0 --separate-stderr wf-order import <<<"${cancel/ID/2}"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"state":"reserved"'
	run -0 wf-alert list
	assert_output --partial '"kind":"order_cancelled_at_channel","subject":"order shop:2"'
}

@test "the Shopify fixtures import, wrapped or bare, and re-import is unchanged" {
	wf-stock sku import <<'EOF' >/dev/null
{"sku":"IPOD2008GREEN","currency":"USD"}
{"sku":"IPOD2008RED","currency":"USD"}
{"sku":"IPOD2008BLACK","currency":"USD"}
EOF
	run -0 --separate-stderr wf-order import --from shopify < <(jq -c . "$PLATFORMS/shopify_order_legacy.json")
	assert_output --partial '"order":"shopify:450789469","result":"created"'
	assert_output --partial '"state":"new","finance_state":"pending","placed_at":"2008-01-10T16:00:00Z"'
	# the payload's own subtotal_price, though its lines add up to 597.00
	# (order-shopify.bats: the exception that shows both)
	assert_output --partial '"currency":"USD","subtotal":"398.00","discount":"0.00","shipping_paid":"0.00","tax":"11.94","total":"409.94"'
	assert_output --partial '"ship_to":{"name":"Bob Norman","country":"US","postcode":"40202","city":"Louisville"}'
	run -0 --separate-stderr wf-order import --from shopify < <(jq -c . "$PLATFORMS/shopify_order_legacy.json")
	assert_output --partial '"result":"unchanged"'
	# the same order a day later, refunded in part (the fixture's own
	# updated_at is the legacy snapshot's: on its own it would be stale)
	run -0 --separate-stderr wf-order import --from shopify < <(jq -c '.orders[] | .updated_at = "2008-01-11T11:00:00-05:00"' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_output --partial '"result":"updated"'
	assert_output --partial '"finance_state":"partially_refunded"'
	assert_output --partial '"paid":"598.94","refunded":"209.00"'
	run -0 wf log order shopify:450789469
	assert_line --partial '"action":"pay","machine":"order.finance","from":"pending","to":"paid"'
	assert_line --partial '"action":"refund_part","machine":"order.finance","from":"paid","to":"partially_refunded"'
}

@test "Shopify lines without a SKU are kept under their variant and held" {
	run -0 --separate-stderr wf-order import --from shopify --channel myshop <<'EOF'
{"order":{"id":1,"created_at":"2026-11-20T10:00:00+01:00","currency":"EUR","total_price":"9.00","financial_status":"paid","line_items":[{"id":11,"variant_id":4242,"sku":"","quantity":1,"price":"9.00"}]}}
EOF
	assert_output --partial '"order":"myshop:1"'
	assert_output --partial '"hold_reason":"unknown SKU shopify-variant:4242"'
}

# ---- lifecycle ---------------------------------------------------------------------

@test "reserve allocates every line at one warehouse, or nothing" {
	wf-order import <<<"$(order 1 MUG-1 2 TEE-M 6)" >/dev/null
	run -1 --separate-stderr wf-order reserve shop:1 --warehouse BER
	assert_equal "$stderr" "wf-order: insufficient stock: BER has 5 TEE-M available, 6 requested for shop:1"
	[ "$(level MUG-1 reserved)" = 0 ]
	[ "$(state shop:1)" = new/paid ]
	wf-order import <<<"$(order 2 MUG-1 2 TEE-M 5)" >/dev/null
	run -0 --separate-stderr wf-order reserve shop:2 --warehouse BER
	assert_output --partial '"state":"reserved"'
	[ "$(level MUG-1 reserved)" = 2 ]
	[ "$(level TEE-M reserved)" = 5 ]
}

@test "an illegal transition exits 1, names the legal actions, and changes nothing" {
	wf-order import <<<"$(order 1 MUG-1 1)" >/dev/null
	run -1 --separate-stderr wf-order pick shop:1
	assert_equal "$stderr" "wf-order: order shop:1: cannot pick when new (legal from new: promise, close_external, reserve, hold, cancel)"
	run -1 --separate-stderr wf-order deliver shop:1
	[ "$(state shop:1)" = new/paid ]
	run -1 --separate-stderr wf-order ship nope:1 --carrier dhl
	assert_equal "$stderr" "wf-order: unknown order 'nope:1'"
}

@test "pick, pack, ship, deliver, close walk the order and its stock" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order pick shop:1 >/dev/null
	[ "$(level MUG-1 picked)" = 2 ]
	wf-order pack shop:1 >/dev/null
	[ "$(level MUG-1 packed)" = 2 ]
	run -0 --separate-stderr wf-order ship shop:1 --carrier dhl --service parcel --tracking JD0001 --cost 4.10
	assert_line -n 0 '{"type":"shipment","shipment":"SH-1","order":"shop:1","warehouse":"BER","state":"shipped","carrier":"dhl","service":"parcel","tracking":"JD0001","cost":"4.10","currency":"EUR","shipped_at":"2026-11-20T09:00:00Z","delivered_at":null,"lines":[{"sku":"MUG-1","qty":2}],"owner":"fulfilment"}'
	assert_line -n 1 --partial '"state":"shipped"'
	[ "$(level MUG-1 on_hand)" = 8 ]
	wf-order deliver shop:1 >/dev/null
	run -0 --separate-stderr wf-order shipments --state delivered
	assert_output --partial '"shipment":"SH-1"'
	run -0 --separate-stderr wf-order close shop:1
	assert_output --partial '"state":"closed"'
}

@test "ship from reserved performs the pick and pack moves small warehouses skip" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order ship shop:1 --carrier dhl >/dev/null
	run -0 --separate-stderr wf-stock ledger --ref shop:1
	assert_equal "$(jq -r .action <<<"$output" | tr '\n' ' ')" "reserve pick pack ship "
	run -0 --separate-stderr wf-stock ledger --ref SH-1
	assert_output --partial '"action":"ship","sku":"MUG-1","qty":2,"from":"BER/A-01","from_state":"packed","to":null,"to_state":"shipped","holder":"shop:1"'
}

@test "cancelling a picked order puts its stock back on hand" {
	wf-order import <<<"$(order 1 MUG-1 2 TEE-M 1)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order pick shop:1 >/dev/null
	run -2 --separate-stderr wf-order cancel shop:1
	run -0 --separate-stderr wf-order cancel shop:1 --reason "customer asked"
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"customer asked"'
	[ "$(level MUG-1 picked)" = 0 ]
	[ "$(level MUG-1 available)" = 10 ]
	[ "$(level TEE-M available)" = 5 ]
	run -0 wf log order shop:1
	assert_line --partial '"action":"cancel","machine":"order","from":"picked","to":"cancelled","data":{"reason":"customer asked","units_released":3}'
}

@test "hold remembers where the order was and release goes back there" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order hold shop:1 --reason "address check"
	assert_output --partial '"state":"on_hold"'
	assert_output --partial '"hold_reason":"address check"'
	[ "$(level MUG-1 reserved)" = 2 ]
	run -1 --separate-stderr wf-order pick shop:1
	run -0 --separate-stderr wf-order release shop:1
	assert_output --partial '"state":"reserved"'
	assert_output --partial '"hold_reason":null'
}

@test "apply takes order events as JSON lines in one transaction" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	run -0 --separate-stderr wf-order apply <<'EOF'
{"type":"order_event","order":"shop:1","action":"reserve","warehouse":"BER"}
{"type":"order_event","order":"shop:1","action":"ship","carrier":"ups","tracking":"1Z"}
EOF
	assert_line -n 2 --partial '"state":"shipped"'
	run -1 --separate-stderr wf-order apply <<'EOF'
{"type":"order_event","order":"shop:1","action":"deliver"}
{"type":"order_event","order":"shop:1","action":"pick"}
EOF
	assert_equal "$stderr" "wf-order: stdin:2: order shop:1: cannot pick when delivered (legal from delivered: close, return_part, return_all) (nothing applied)"
	[ "$(state shop:1)" = shipped/paid ]
}

# ---- returns -----------------------------------------------------------------------

shipped_order() {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order ship shop:1 --carrier dhl >/dev/null
}

@test "a return opens for up to the shipped quantity" {
	shipped_order
	run -1 --separate-stderr wf-order return open shop:1 --sku MUG-1 --qty 3 --reason broken
	assert_equal "$stderr" "wf-order: order shop:1: 2 MUG-1 shipped, 0 already on returns; 3 more cannot be returned"
	run -0 --separate-stderr wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken
	assert_output '{"type":"return","return":"RMA-1","order":"shop:1","sku":"MUG-1","qty":1,"reason":"broken","state":"authorised","condition":null,"bin":null,"refund":null,"currency":"EUR","owner":"customer-service","opened_at":"2026-11-20T09:00:00Z"}'
	run -1 --separate-stderr wf-order return open shop:1 --sku MUG-1 --qty 2 --reason again
}

@test "a sellable return is restocked in the returns bin; the order is partially returned" {
	shipped_order
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason "wrong colour" >/dev/null
	run -0 --separate-stderr wf-order return receive RMA-1 --condition sellable
	assert_output --partial '"state":"restocked","condition":"sellable","bin":"BER/RETURNS"'
	run -0 wf-stock levels --by bin --sku MUG-1
	assert_line --partial '"bin":"BER/RETURNS","on_hand":1,'
	[ "$(state shop:1)" = partially_returned/paid ]
	run -0 sql "SELECT kind FROM bin WHERE code = 'RETURNS'"
	assert_output returns
}

@test "a damaged return is written off as damaged; all units back makes the order returned" {
	shipped_order
	wf-order return open shop:1 --sku MUG-1 --qty 2 --reason broken >/dev/null
	run -0 --separate-stderr wf-order return receive RMA-1 --condition damaged --bin BER/A-01
	assert_output --partial '"state":"written_off","condition":"damaged","bin":"BER/A-01"'
	[ "$(level MUG-1 damaged)" = 2 ]
	[ "$(level MUG-1 available)" = 8 ]
	[ "$(state shop:1)" = returned/paid ]
	run -2 --separate-stderr wf-order return receive RMA-1 --condition soggy
}

@test "refunds are limited to what was paid and move the finance state" {
	shipped_order
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken >/dev/null
	wf-order return receive RMA-1 --condition sellable >/dev/null
	run -1 --separate-stderr wf-order return refund RMA-1 --amount 30.00
	assert_equal "$stderr" "wf-order: order shop:1 was paid 29.90 EUR and 0.00 has been refunded; 30.00 is more than is left"
	run -2 --separate-stderr wf-order return refund RMA-1 --amount 1.001
	run -0 --separate-stderr wf-order return refund RMA-1 --amount 12.50
	assert_output --partial '"state":"refunded","condition":"sellable","bin":"BER/RETURNS","refund":"12.50"'
	[ "$(state shop:1)" = partially_returned/partially_refunded ]
	run -0 --separate-stderr wf-order return close RMA-1
	assert_output --partial '"state":"closed"'
	run -1 --separate-stderr wf-order return close RMA-1
	run -2 --separate-stderr wf-order return close RMA-x
	assert_equal "$stderr" "wf-order: expected a return key like RMA-12, got 'RMA-x'"
}

# ---- reading -----------------------------------------------------------------------

@test "list filters by state, finance state, channel and time" {
	wf-order import <<<"$(order 1 MUG-1 1)" >/dev/null
	wf-order import <<<"$(order 2 MUG-1 1)" >/dev/null
	wf-order import <<<'{"channel":"amzn","external_id":"X","placed_at":"2026-11-10","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1.00"}]}' >/dev/null
	wf-order reserve shop:2 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order list --state new
	assert_equal "$(jq -r .order <<<"$output" | tr '\n' ' ')" "amzn:X shop:1 "
	run -0 --separate-stderr wf-order list --finance-state pending
	assert_output --partial '"order":"amzn:X"'
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf-order list --channel shop --since 2026-11-15
	assert_equal "${#lines[@]}" 2
	run -2 --separate-stderr wf-order list --state lost
}

@test "show prints the order with its lines, shipments, returns and history" {
	shipped_order
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken >/dev/null
	run -0 --separate-stderr wf-order show shop:1
	assert_line -n 0 --partial '"lines":[{"line":1,"sku":"MUG-1","known":true,"title":"","qty":2,"unit_price":"12.50","discount":"0.00","tax":"0.00","shipped":2,"returned":0,"id":null}]'
	assert_line -n 1 --partial '"type":"shipment","shipment":"SH-1"'
	assert_line -n 2 --partial '"type":"return","return":"RMA-1"'
	assert_line -n 3 --partial '"type":"event"'
	assert_line --partial '"action":"ship","machine":"order","from":"reserved","to":"shipped"'
}

@test "the output of list is input for the next tool" {
	wf-order import <<<"$(order 1 MUG-1 1)" >/dev/null
	run -0 --separate-stderr wf-order list --state new
	run -0 --separate-stderr wf-order show "$(jq -r .order <<<"$output")"
}

# ---- wf-records(5) ------------------------------------------------------------------

@test "the order records import and list print are documented in wf-records(5)" {
	run -0 --separate-stderr wf-order import --format jsonl <<EOF
$(order 1 MUG-1 2)
{"type":"order","channel":"shop","external_id":"2","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"VASE-9","qty":1,"unit_price":"30.00"}]}
EOF
	documented order
	subkeys_documented order ship_to
	assert_line --partial '"state":"on_hold"'
	run -0 --separate-stderr wf-order list --format jsonl
	documented order
}

@test "the records wf-order show prints are documented in wf-records(5), lines in full" {
	shipped_order
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken >/dev/null
	run -0 --separate-stderr wf-order show shop:1 --format jsonl
	documented order
	documented shipment
	documented return
	documented event
	subkeys_documented order lines
	subkeys_documented order ship_to
	subkeys_documented shipment lines
}

@test "the records the lifecycle commands and apply print are documented in wf-records(5)" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order import <<<"$(order 2 TEE-M 1)" >/dev/null
	run -0 --separate-stderr wf-order reserve shop:1 --warehouse BER --format jsonl
	documented order
	run -0 --separate-stderr wf-order pick shop:1 --format jsonl
	documented order
	run -0 --separate-stderr wf-order pack shop:1 --format jsonl
	documented order
	run -0 --separate-stderr wf-order ship shop:1 --carrier dhl --service parcel --tracking JD0001 --cost 4.10 --format jsonl
	documented shipment
	documented order
	subkeys_documented shipment lines
	run -0 --separate-stderr wf-order deliver shop:1 --format jsonl
	documented order
	run -0 --separate-stderr wf-order close shop:1 --format jsonl
	documented order
	run -0 --separate-stderr wf-order hold shop:2 --reason "address check" --format jsonl
	documented order
	run -0 --separate-stderr wf-order release shop:2 --format jsonl
	documented order
	run -0 --separate-stderr wf-order apply --format jsonl <<<'{"type":"order_event","order":"shop:2","action":"cancel","reason":"customer asked"}'
	documented order
}

@test "the return records are documented in wf-records(5)" {
	shipped_order
	run -0 --separate-stderr wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken --format jsonl
	documented return
	run -0 --separate-stderr wf-order return receive RMA-1 --condition damaged --format jsonl
	documented return
	run -0 --separate-stderr wf-order return refund RMA-1 --amount 12.50 --format jsonl
	documented return
	run -0 --separate-stderr wf-order return close RMA-1 --format jsonl
	documented return
}

@test "the shipment records wf-order shipments prints are documented in wf-records(5)" {
	shipped_order
	run -0 --separate-stderr wf-order shipments --format jsonl
	documented shipment
	subkeys_documented shipment lines
}

@test "subkeys_documented names a nested key wf-records(5) lacks, and fails" {
	output='{"type":"order","lines":[{"line":1,"colour":"red"}]}'
	run -1 --separate-stderr subkeys_documented order lines
	assert_equal "$stderr" $'not in wf-records(5) (type, key):\norder\tlines[].colour'
}

@test "an order the channel cancels keeps the channel's reason" {
	run -0 --separate-stderr wf-order import <<<'{"channel":"shop","external_id":"9","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1.00"}],"cancel_reason":"fraud"}'
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"fraud"'
}

@test "order tables show the columns an operator reads first" {
	run -0 --separate-stderr wf-order import --format table <<<"$(order 1 MUG-1 1)"
	assert_line -n 0 --regexp '^ORDER +RESULT +STATE +FINANCE STATE +PLACED AT +TOTAL +CURRENCY +LINES +HOLD REASON$'
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order ship shop:1 --carrier dhl --format table
	assert_line -n 0 --regexp '^SHIPMENT +ORDER +WAREHOUSE +STATE +CARRIER +SERVICE +TRACKING +COST +CURRENCY +SHIPPED AT$'
}

# ---- invariants --------------------------------------------------------------------
# Each test breaks one fact behind wf check's back, reads the report, and
# puts the fact back so the teardown's check is clean again.

@test "wf check finds stock an order holds that its state does not want" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	sql "UPDATE orders SET state = 'new' WHERE ref = 'shop:1'"
	run -1 --separate-stderr wf check --only order.held
	assert_output '{"type":"violation","check":"order.held","record":"order","ref":"shop:1","detail":"MUG-1 reserved: the order'"'"'s state wants 0, the stock holds 2"}'
	sql "UPDATE orders SET state = 'reserved' WHERE ref = 'shop:1'"
}

@test "wf check finds stock an order's state wants and the ledger does not hold" {
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	sql "UPDATE orders SET state = 'picked' WHERE ref = 'shop:1'"
	run -1 --separate-stderr wf check --only order.held --format jsonl
	assert_output - <<'EOF'
{"type":"violation","check":"order.held","record":"order","ref":"shop:1","detail":"MUG-1 picked: the order's state wants 2, the stock holds 0"}
{"type":"violation","check":"order.held","record":"order","ref":"shop:1","detail":"MUG-1 reserved: the order's state wants 0, the stock holds 2"}
EOF
	sql "UPDATE orders SET state = 'reserved' WHERE ref = 'shop:1'"
}

@test "wf check finds shipped units that no shipment carried" {
	shipped_order
	sql "UPDATE order_line SET qty_shipped = 1 WHERE line_no = 1"
	run -1 --separate-stderr wf check --only order.shipped
	assert_output '{"type":"violation","check":"order.shipped","record":"order","ref":"shop:1","detail":"line 1: 2 ordered, 1 marked shipped, 2 in shipments"}'
	sql "UPDATE order_line SET qty_shipped = 2 WHERE line_no = 1"
}

# ---- refund without a return -------------------------------------------------------

@test "refund: a cancelled paid order gets its money back without a return, the reason in the event" {
	wf-order import <<<"$(order 1001 MUG-1 2)" >/dev/null
	wf-order cancel shop:1001 --reason "customer asked" >/dev/null
	run -0 --separate-stderr wf-order refund shop:1001 --amount 10.00 --reason "goodwill"
	assert_equal "$(jq -c '[.finance_state, .refunded]' <<<"$output")" '["partially_refunded","10.00"]'
	run -0 --separate-stderr wf-order refund shop:1001 --amount 19.90 --reason "cancelled before shipping"
	assert_equal "$(jq -c '[.state, .finance_state, .refunded]' <<<"$output")" '["cancelled","refunded","29.90"]'
	run -0 --separate-stderr wf log order shop:1001
	assert_equal "$(jq -c 'select(.action == "refund") | .data' <<<"$output")" '{"amount":"19.90","reason":"cancelled before shipping"}'
}

@test "refund: more than was paid and not refunded is refused, naming what is left; nothing changes" {
	wf-order import <<<"$(order 1001 MUG-1 2)" >/dev/null
	run -1 --separate-stderr wf-order refund shop:1001 --amount 29.91 --reason "too much"
	assert_equal "$stderr" "wf-order: order shop:1001: only 29.90 EUR paid is not refunded yet"
	assert_equal "$(state shop:1001)" new/paid
}

@test "refund: --amount and --reason are required; an amount finer than the currency is refused; --dry-run writes nothing" {
	wf-order import <<<"$(order 1001 MUG-1 2)" >/dev/null
	run -2 --separate-stderr wf-order refund shop:1001 --amount 1.00
	[[ "$stderr" == *--reason* ]]
	run -2 --separate-stderr wf-order refund shop:1001 --amount 1.001 --reason "x"
	[[ "$stderr" == *amount* ]]
	run -0 --separate-stderr wf-order refund shop:1001 --amount 1.00 --reason "x" --dry-run
	assert_equal "$(jq -r .finance_state <<<"$output")" partially_refunded
	assert_equal "$(state shop:1001)" new/paid
}
