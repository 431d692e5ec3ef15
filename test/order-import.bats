#!/usr/bin/env bats
# wf-order import: re-imports that never invent finance history or lose
# money, stale snapshots, every fingerprinted field in the update event,
# held orders, text that can act on a terminal, unknown keys, platform
# documents as they come, and the near match of an unknown order.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku import >/dev/null <<'EOF'
{"sku":"MUG-1","cost":"4.00"}
{"sku":"TEE-M","cost":"6.00"}
EOF
	wf-stock apply >/dev/null <<<'{"type":"movement","action":"receive","sku":"MUG-1","qty":10,"to":"BER/A-01"}'
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# One generic order: shop:1, two mugs at 12.50, shipping 4.90, paid in full.
base() {
	cat <<'EOF'
{"type":"order","channel":"shop","external_id":"1","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin","address1":"Main St 1"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":2,"unit_price":"12.50","title":"Mug","id":"L1"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}
EOF
}

# The base order changed by the jq program $1, as one line.
changed() {
	base | jq -c "$1"
}

# The payment of the base order as the jq object $1.
paying() {
	base | jq -c --argjson p "$1" '.payment = $p'
}

# The data of order REF's last event with action ACTION (default update).
last_event() {
	wf log order "$1" | jq -c --arg a "${2:-update}" 'select(.action == $a) | .data' | tail -1
}

# The finance actions in order REF's history, space-separated.
finance_actions() {
	wf log order "$1" | jq -r 'select(.machine == "order.finance") | .action' | tr '\n' ' '
}

# ---- payments on re-import ------------------------------------------------------

@test "a payment that went paid, refunded, paid, pending invents no transition and loses no money" {
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"paid","amount":"29.90"}')"
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"refunded"}')"
	assert_output --partial '"result":"updated","channel":"shop","external_id":"1","state":"new","finance_state":"refunded"'
	assert_output --partial '"paid":"29.90","refunded":"29.90"'
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"paid","amount":"29.90"}')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"finance_state":"refunded"'
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"pending"}')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"finance_state":"refunded"'
	assert_output --partial '"paid":"29.90","refunded":"29.90"'
	# one refund happened; nothing was reconciled, disputed or won
	[ "$(finance_actions shop:1)" = "refund " ]
	run -0 --separate-stderr last_event shop:1
	assert_output '{"refunded":{"from":"0.00","to":"29.90"}}'
}

@test "a channel that reports less opens channel_reports_less with both versions, and nothing changes" {
	wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:00:00Z"')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z" | .payment = {"status":"paid","amount":"20.00"}')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"finance_state":"paid"'
	assert_output --partial '"paid":"29.90","refunded":"0.00"'
	run -0 --separate-stderr wf-alert list --kind channel_reports_less --format jsonl
	assert_equal "$(jq -c '[.subject, .owner, .evidence, .impact.money, .impact.currency, .state]' <<<"$output")" \
		'["order shop:1","finance",{"stored":{"finance_state":"paid","paid":"29.90","refunded":"0.00","total":"29.90","updated_at":"2026-11-20T08:00:00Z"},"channel":{"status":"paid","paid":"20.00","refunded":"0.00","total":"29.90","updated_at":"2026-11-20T08:30:00Z"}},"9.90","EUR","open"]'
	assert_output --partial '"next_action":"The channel now reports paid 20.00 EUR and refunded 0.00 EUR for shop:1, less than Workform has (paid 29.90 EUR, refunded 0.00 EUR); nothing was changed.'
	# the stamp moved on (an older snapshot is still older), the money did not
	run -0 --separate-stderr last_event shop:1
	assert_output '{"channel_updated_at":{"from":"2026-11-20T08:00:00Z","to":"2026-11-20T08:30:00Z"}}'
}

@test "channel_reports_less resolves itself when a later import agrees again" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order import <<<"$(paying '{"status":"pending"}')" >/dev/null
	run -0 --separate-stderr wf-alert list --kind channel_reports_less --format jsonl
	assert_output --partial '"state":"open"'
	run -0 --separate-stderr wf-order import <<<"$(base)"
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-alert list --kind channel_reports_less --all --format jsonl
	assert_output --partial '"state":"resolved"'
	assert_output --partial '"resolution":"an import from the channel agrees with the order'"'"'s payment again"'
}

@test "a pending order later paid and refunded in part moves by pay, then refund_part, once each" {
	wf-order import <<<"$(paying '{"status":"pending"}')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"partially_refunded","amount":"29.90","refunded":"5.00"}')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"finance_state":"partially_refunded"'
	assert_output --partial '"paid":"29.90","refunded":"5.00"'
	[ "$(finance_actions shop:1)" = "pay refund_part " ]
	run -0 --separate-stderr last_event shop:1
	assert_output '{"paid":{"from":"0.00","to":"29.90"},"refunded":{"from":"0.00","to":"5.00"}}'
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"refunded"}')"
	assert_output --partial '"finance_state":"refunded","placed_at"'
	[ "$(finance_actions shop:1)" = "pay refund_part refund " ]
}

@test "more paid on a paid order is kept with an update event and no transition" {
	wf-order import <<<"$(paying '{"status":"paid","amount":"20.00"}')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"paid","amount":"29.90"}')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"paid":"29.90"'
	[ "$(finance_actions shop:1)" = "" ]
	run -0 --separate-stderr last_event shop:1
	assert_output '{"paid":{"from":"20.00","to":"29.90"}}'
}

@test "a payment no one transition can reach opens order_finance_conflict and changes nothing" {
	wf-order import <<<"$(paying '{"status":"refunded","amount":"29.90"}')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"paid","amount":"40.00","refunded":"29.90"}')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"finance_state":"refunded"'
	assert_output --partial '"paid":"29.90","refunded":"29.90"'
	run -0 --separate-stderr wf-alert list --kind order_finance_conflict --format jsonl
	assert_output --partial '"owner":"finance"'
	assert_output --partial '"channel":{"status":"paid","paid":"40.00","refunded":"29.90"'
}

@test "a refund made here and not at the channel is reported, never undone" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order ship shop:1 --carrier dhl >/dev/null
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason broken >/dev/null
	wf-order return receive RMA-1 --condition damaged >/dev/null
	wf-order return refund RMA-1 --amount 12.50 >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(base)"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"finance_state":"partially_refunded"'
	assert_output --partial '"refunded":"12.50"'
	run -0 --separate-stderr wf-alert list --kind channel_reports_less --format jsonl
	assert_output --partial '"subject":"order shop:1"'
}

@test "paid without an amount means the total was paid, refunded without one all of it" {
	run -0 --separate-stderr wf-order import <<<"$(paying '{"status":"paid"}')"
	assert_output --partial '"finance_state":"paid"'
	assert_output --partial '"total":"29.90","paid":"29.90","refunded":"0.00"'
	run -0 --separate-stderr wf-order import <<<"$(changed '.external_id = "2" | .payment = {"status":"refunded"}')"
	assert_output --partial '"finance_state":"refunded"'
	assert_output --partial '"paid":"29.90","refunded":"29.90"'
	run -0 --separate-stderr wf-order import <<<"$(changed '.external_id = "3" | .payment = {"status":"refunded","amount":"10.00"}')"
	assert_output --partial '"paid":"10.00","refunded":"10.00"'
}

@test "a partial refund without its amount is refused" {
	run -3 --separate-stderr wf-order import <<<"$(paying '{"status":"partially_refunded","amount":"29.90"}')"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: payment.refunded: missing: a payment that is partially_refunded says how much was refunded (nothing applied)"
}

@test "a generic payment whose status and amounts disagree is refused" {
	run -3 --separate-stderr wf-order import <<<"$(paying '{"status":"refunded","refunded":"0.00"}')"
	assert_equal "$stderr" "wf-order: stdin:1: payment: status refunded, but 0.00 EUR refunded of 29.90 EUR paid (nothing applied)"
	run -3 --separate-stderr wf-order import <<<"$(paying '{"status":"partially_refunded","amount":"29.90","refunded":"29.90"}')"
	assert_equal "$stderr" "wf-order: stdin:1: payment: status partially_refunded, but 29.90 EUR refunded of 29.90 EUR paid (nothing applied)"
}

@test "the same payload that reported less, sent again, is the same conflict" {
	wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:00:00Z"')" >/dev/null
	less=$(changed '.updated_at = "2026-11-20T08:30:00Z" | .payment = {"status":"paid","amount":"20.00"}')
	run -0 --separate-stderr wf-order import <<<"$less"
	assert_output --partial '"result":"conflict"'
	run -0 --separate-stderr wf-order import <<<"$less"
	assert_output --partial '"result":"conflict"'
	run -0 sql "SELECT times_seen FROM exception WHERE kind = 'channel_reports_less'"
	assert_output 2
}

@test "the same change held back after the reservation, sent again, is the same conflict" {
	wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:00:00Z"')" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	change=$(changed '.updated_at = "2026-11-20T08:30:00Z" | .lines[0].qty = 3')
	run -0 --separate-stderr wf-order import <<<"$change"
	assert_output --partial '"result":"conflict"'
	run -0 --separate-stderr wf-order import <<<"$change"
	assert_output --partial '"result":"conflict"'
	run -0 sql "SELECT times_seen FROM exception WHERE kind = 'order_changed'"
	assert_output 2
}

@test "a Shopify order paid without total_price was paid its computed total" {
	run -0 --separate-stderr wf-order import --from shopify <<'EOF'
{"id":7,"created_at":"2026-11-20T08:00:00Z","currency":"EUR","financial_status":"paid","shipping_lines":[{"price":"4.90"}],"line_items":[{"sku":"MUG-1","quantity":2,"price":"12.50"}]}
EOF
	assert_output --partial '"finance_state":"paid"'
	assert_output --partial '"total":"29.90","paid":"29.90","refunded":"0.00"'
}

# ---- stale snapshots --------------------------------------------------------------

@test "the legacy Shopify snapshot after the refunded one is stale: paid, refunded and discount stay" {
	run -0 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_orders_list_with_refunds.json"
	assert_output --partial '"discount":"10.00","shipping_paid":"0.00","tax":"11.94","total":"598.94","paid":"598.94","refunded":"209.00"'
	run -0 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_order_legacy.json"
	assert_output --partial '"result":"stale"'
	assert_output --partial '"finance_state":"partially_refunded"'
	assert_output --partial '"discount":"10.00","shipping_paid":"0.00","tax":"11.94","total":"598.94","paid":"598.94","refunded":"209.00"'
	run -0 --separate-stderr wf log order shopify:450789469
	refute_output --partial '"action":"update"'
	refute_output --partial '"machine":"order.finance"'
	run -0 --separate-stderr wf-alert list --kind channel_reports_less
	assert_output ''
}

@test "an older updated_at is stale and changes nothing; a newer one applies" {
	wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z"')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:29:59Z" | .lines[0].qty = 5 | .payment = {"status":"pending"}')"
	assert_output --partial '"result":"stale"'
	assert_output --partial '"finance_state":"paid"'
	assert_output --partial '"total":"29.90","paid":"29.90"'
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:01Z" | .lines[0].qty = 5 | .payment.amount = "67.40"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"total":"67.40","paid":"67.40"'
	run -0 --separate-stderr last_event shop:1
	assert_output '{"subtotal":{"from":"25.00","to":"62.50"},"total":{"from":"29.90","to":"67.40"},"lines[0].qty":{"from":2,"to":5},"paid":{"from":"29.90","to":"67.40"},"channel_updated_at":{"from":"2026-11-20T08:30:00Z","to":"2026-11-20T08:30:01Z"}}'
}

@test "the same updated_at with other content is stale; the same content is unchanged" {
	wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z"')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z" | .shipping_paid = "0.00"')"
	assert_output --partial '"result":"stale"'
	assert_output --partial '"shipping_paid":"4.90"'
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z"')"
	assert_output --partial '"result":"unchanged"'
}

@test "an order imported without updated_at takes the first one it is given" {
	wf-order import <<<"$(base)" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:30:00Z"')"
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr last_event shop:1
	assert_output '{"channel_updated_at":{"from":null,"to":"2026-11-20T08:30:00Z"}}'
	run -0 --separate-stderr wf-order import <<<"$(changed '.updated_at = "2026-11-20T08:00:00Z"')"
	assert_output --partial '"result":"stale"'
}

# ---- discounts ------------------------------------------------------------------

@test "an order discount larger than the subtotal is refused, naming both" {
	run -3 --separate-stderr wf-order import <<<"$(changed '.discount = "25.01"')"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: discount: the order's discount 25.01 EUR is more than its subtotal 25.00 EUR (nothing applied)"
	run -0 --separate-stderr wf-order import <<<"$(changed '.discount = "25.00" | .payment.amount = "4.90"')"
	assert_output --partial '"subtotal":"25.00","discount":"25.00","shipping_paid":"4.90","tax":"0.00","total":"4.90"'
}

@test "a line discount larger than the line's value is refused, naming both" {
	run -3 --separate-stderr wf-order import <<<"$(changed '.lines[0].discount = "30.00"')"
	assert_equal "$stderr" "wf-order: stdin:1: lines[0].discount: 30.00 EUR is more than the line's value 25.00 EUR (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <<'EOF'
{"id":7,"created_at":"2026-11-20T08:00:00Z","currency":"EUR","total_discounts":"40.00","line_items":[{"sku":"MUG-1","quantity":1,"price":"12.50","total_discount":"0.00"},{"sku":"MUG-1","quantity":2,"price":"12.50","total_discount":"26.00"}]}
EOF
	assert_equal "$stderr" "wf-order: stdin:1: line_items[1].total_discount: 26.00 EUR is more than the line's value 25.00 EUR (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <<'EOF'
{"id":7,"created_at":"2026-11-20T08:00:00Z","currency":"EUR","total_discounts":"40.00","line_items":[{"sku":"MUG-1","quantity":2,"price":"12.50"}]}
EOF
	assert_equal "$stderr" "wf-order: stdin:1: total_discounts: the order's discount 40.00 EUR is more than its subtotal 25.00 EUR (nothing applied)"
	run -0 sql "SELECT count(*) FROM orders"
	assert_output 0
}

# ---- every fingerprinted field, one at a time -----------------------------------------

# reimport JQ KEY FROM TO: import the base order, then the base changed by
# JQ; the result is "updated" and the update event names KEY going from
# FROM to TO (JSON values).
reimport() {
	wf-order import <<<"$(base)" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed "$1")"
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr last_event shop:1
	assert_equal "$(jq -c --arg k "$2" '.[$k]' <<<"$output")" "{\"from\":$3,\"to\":$4}"
}

@test "re-import: a line's unit price" {
	reimport '.lines[0].unit_price = "13.00"' 'lines[0].unit_price' '"12.50"' '"13.00"'
}

@test "re-import: a line's quantity" {
	reimport '.lines[0].qty = 3' 'lines[0].qty' 2 3
}

@test "re-import: a line's SKU" {
	reimport '.lines[0].sku = "TEE-M"' 'lines[0].sku' '"MUG-1"' '"TEE-M"'
}

@test "re-import: a line's title" {
	reimport '.lines[0].title = "Big mug"' 'lines[0].title' '"Mug"' '"Big mug"'
}

@test "re-import: a line's id" {
	reimport '.lines[0].id = "L2"' 'lines[0].id' '"L1"' '"L2"'
}

@test "re-import: a line's discount" {
	reimport '.lines[0].discount = "2.00"' 'lines[0].discount' '"0.00"' '"2.00"'
}

@test "re-import: a line's tax" {
	reimport '.lines[0].tax = "1.99"' 'lines[0].tax' '"0.00"' '"1.99"'
}

@test "re-import: a line more" {
	reimport '.lines += [{"sku":"TEE-M","qty":1,"unit_price":"19.90"}]' 'lines' '"MUG-1x2"' '"MUG-1x2 TEE-Mx1"'
}

@test "re-import: the recipient" {
	reimport '.ship_to.name = "Bob"' 'ship_to.name' '"Ann"' '"Bob"'
}

@test "re-import: the country" {
	reimport '.ship_to.country = "AT"' 'ship_to.country' '"DE"' '"AT"'
}

@test "re-import: the postcode" {
	reimport '.ship_to.postcode = "10117"' 'ship_to.postcode' '"10115"' '"10117"'
}

@test "re-import: the city" {
	reimport '.ship_to.city = "Potsdam"' 'ship_to.city' '"Berlin"' '"Potsdam"'
}

@test "re-import: an address line" {
	reimport '.ship_to.address1 = "Main St 2"' 'ship_to.address1' '"Main St 1"' '"Main St 2"'
}

@test "re-import: an address field added" {
	reimport '.ship_to.phone = "+49 30 1"' 'ship_to.phone' null '"+49 30 1"'
}

@test "re-import: shipping paid" {
	reimport '.shipping_paid = "5.90"' 'shipping_paid' '"4.90"' '"5.90"'
}

@test "re-import: shipping paid dropped is zero, in the event" {
	reimport 'del(.shipping_paid)' 'shipping_paid' '"4.90"' '"0.00"'
}

@test "re-import: the order's discount" {
	reimport '.discount = "1.00"' 'discount' '"0.00"' '"1.00"'
}

@test "re-import: the tax" {
	reimport '.tax = "4.77"' 'tax' '"0.00"' '"4.77"'
}

@test "re-import: tax no longer included in the prices" {
	reimport '.tax = "4.77" | .taxes_included = false' 'total' '"29.90"' '"34.67"'
}

@test "re-import: the stated total" {
	reimport '.total = "31.00"' 'total' '"29.90"' '"31.00"'
}

@test "re-import: placed_at" {
	reimport '.placed_at = "2026-11-20T07:00:00Z"' 'placed_at' '"2026-11-20T08:00:00Z"' '"2026-11-20T07:00:00Z"'
}

@test "re-import: the promise" {
	reimport '.promise_by = "2026-11-24T18:00:00Z"' 'promise_by' '"2026-11-23T18:00:00Z"' '"2026-11-24T18:00:00Z"'
}

@test "re-import: the promise dropped" {
	reimport 'del(.promise_by)' 'promise_by' '"2026-11-23T18:00:00Z"' null
}

@test "re-import: the owner" {
	reimport '.owner = "emea"' 'owner' '"fulfilment"' '"emea"'
}

@test "re-import: the payment" {
	reimport '.payment.refunded = "5.00"' 'refunded' '"0.00"' '"5.00"'
}

@test "re-import: fulfilled at the channel closes a new order" {
	wf-order import <<<"$(base)" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.fulfilled = true')"
	assert_output --partial '"result":"updated","channel":"shop","external_id":"1","state":"closed"'
	run -0 --separate-stderr wf log order shop:1
	assert_line --partial '"action":"close_external","machine":"order","from":"new","to":"closed"'
}

@test "re-import: fulfilled at the channel after a reservation is a conflict for a person" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.fulfilled = true')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"state":"reserved"'
	run -0 --separate-stderr wf-alert list --kind order_changed --format jsonl
	assert_output --partial '"evidence":{"fulfilled":true,"state":"reserved"}'
	assert_output --partial '"next_action":"The channel says it fulfilled this order, which Workform has not shipped:'
}

@test "re-import: a change after the reservation is evidence, field by field" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.lines[0].unit_price = "13.00" | .payment.amount = "30.90"')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"subtotal":"25.00"'
	assert_output --partial '"paid":"30.90"'
	run -0 --separate-stderr wf-alert list --kind order_changed --format jsonl
	assert_output --partial '"evidence":{"subtotal":{"from":"25.00","to":"26.00"},"total":{"from":"29.90","to":"30.90"},"lines[0].unit_price":{"from":"12.50","to":"13.00"},"state":"reserved"}'
}

@test "re-import: fewer units of a split order go back where it holds least, and the leg left empty is dropped" {
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock apply >/dev/null <<<'{"type":"movement","action":"move","sku":"MUG-1","qty":9,"from":"BER/A-01","to":"MUC/A-01"}'
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	wf-route carrier add MUC ups standard --cutoff 16:00 --transit-days 2 --cost 5.00 >/dev/null
	# 10 mugs: 9 at MUC, 1 at BER
	wf-order import <<<"$(changed '.lines[0].qty = 10 | .payment.amount = "129.90"')" >/dev/null
	run -0 --separate-stderr wf-route --new --split --apply --format jsonl </dev/null
	assert_output --partial '"result":"split"'
	run -0 --separate-stderr wf-order import <<<"$(changed '.lines[0].qty = 9 | .payment.amount = "129.90"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"reserved","finance_state":"paid"'
	assert_output --partial '"subtotal":"112.50"'
	assert_equal "$(last_event shop:1)" '{"subtotal":{"from":"125.00","to":"112.50"},"total":{"from":"129.90","to":"117.40"},"lines[0].qty":{"from":10,"to":9},"released":[{"sku":"MUG-1","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":1,"movement":'"$(sql 'SELECT max(id) FROM movement')"'}],"legs_dropped":["BER"]}'
	run -0 sql "SELECT w.code FROM order_route r JOIN warehouse w ON w.id = r.warehouse_id"
	assert_output MUC
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --format jsonl
	assert_line --index 0 --partial '"warehouse":"BER","on_hand":1,"reserved":0'
	assert_line --index 1 --partial '"warehouse":"MUC","on_hand":9,"reserved":9'
	run -0 --separate-stderr wf-order import <<<"$(changed '.lines[0].qty = 9 | .payment.amount = "129.90"')"
	assert_output --partial '"result":"unchanged"'
	# the leg left ships the order
	run -0 --separate-stderr wf-order ship shop:1
	assert_line --index 1 --partial '"state":"shipped"'
}

# ---- held orders --------------------------------------------------------------------

@test "a changed order held from new is updated and stays held from new" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order hold shop:1 --reason "address check" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.lines[0].qty = 3 | .payment.amount = "42.40"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"on_hold"'
	assert_output --partial '"total":"42.40"'
	assert_output --partial '"hold_reason":"address check"'
	run -0 sql "SELECT held_from FROM orders"
	assert_output new
	run -0 --separate-stderr wf-order release shop:1
	assert_output --partial '"state":"new"'
}

@test "a changed order held from reserved is a conflict: its content and stock stay" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order hold shop:1 --reason "address check" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.lines[0].qty = 3 | .payment.amount = "42.40"')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"state":"on_hold"'
	assert_output --partial '"total":"29.90"'
	run -0 --separate-stderr wf-alert list --kind order_changed --format jsonl
	assert_output --partial '"state":"on_hold"}'
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --format jsonl
	assert_output --partial '"reserved":2'
	run -0 sql "SELECT held_from FROM orders"
	assert_output reserved
}

@test "an order held from new that the channel cancels is cancelled" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order hold shop:1 --reason "address check" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.cancel_reason = "customer"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"customer"'
	run -0 --separate-stderr wf log order shop:1
	assert_line --partial '"action":"cancel","machine":"order","from":"on_hold","to":"cancelled"'
}

@test "an order held from reserved that the channel cancels is a conflict, its stock still held" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order hold shop:1 --reason "address check" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(changed '.cancel_reason = "customer"')"
	assert_output --partial '"result":"conflict"'
	assert_output --partial '"state":"on_hold"'
	run -0 --separate-stderr wf-alert list --kind order_cancelled_at_channel --format jsonl
	assert_output --partial '"evidence":{"state":"on_hold","reason":"customer"}'
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --format jsonl
	assert_output --partial '"reserved":2'
}

@test "an order held for an unknown SKU is released when a re-import names known ones" {
	wf-order import <<<"$(changed '.lines[0].sku = "LAMP-2"')" >/dev/null
	run -0 --separate-stderr wf-order import <<<"$(base)"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"new"'
	run -0 --separate-stderr last_event shop:1
	assert_output '{"lines[0].sku":{"from":"LAMP-2","to":"MUG-1"}}'
	run -0 --separate-stderr wf-alert list --kind order_unknown_sku --all --format jsonl
	assert_output --partial '"state":"resolved"'
}

# ---- the result record ----------------------------------------------------------------

@test "a created order's result is the record list prints, byte for byte, with its result" {
	run -0 --separate-stderr wf-order import <<'EOF'
{"type":"order","channel":"shop","external_id":"1","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann \"Q\" \\ Müller 😀","country":"de","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":2,"unit_price":"12.50"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}
{"type":"order","channel":"shop","external_id":"2","placed_at":"2026-11-20T09:00:00Z","currency":"JPY","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1200"}]}
{"type":"order","channel":"shop","external_id":"3","placed_at":"2026-11-20T10:00:00Z","currency":"EUR","ship_to":{"city":"Köln"},"owner":"team-b","lines":[{"sku":"MUG-1","qty":3,"unit_price":"0.99"},{"sku":"TEE-M","qty":1,"unit_price":"5.00"}]}
EOF
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 --partial '"ship_to":{"name":"Ann \"Q\" \\ Müller 😀","country":"DE",'
	created=${output//\"result\":\"created\",/}
	run -0 --separate-stderr wf-order list
	assert_equal "$created" "$output"
	# as CSV the record is built as a tree, not written as a line
	run -0 --separate-stderr wf-order import --format csv <<<'{"type":"order","channel":"shop","external_id":"4","placed_at":"2026-11-20T11:00:00Z","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1.00"}]}'
	assert_line -n 1 --partial 'order,shop:4,created,shop,4,new,pending,2026-11-20T11:00:00Z,,EUR,1.00,'
}

# ---- text that can act on a terminal ------------------------------------------------

# The sequences of issue 17 as JSON escapes, and what the refusal calls them.
SEQS=('\u001b' '\u0007' '\r' '\u007f' '\u009b' '\u202e' '\u200b')
NAMES=('control character U+001B' 'control character U+0007' 'control character U+000D'
	'control character U+007F' 'control character U+009B' 'bidirectional control U+202E'
	'invisible character U+200B')

# bad_lines DOC FIELD...: DOC (one JSON line) with each sequence put into
# each FIELD (a jq path) in turn, one line each; expected errors to $BATS_TEST_TMPDIR/want.
bad_lines() {
	local doc=$1 f i n=0
	shift
	: >"$BATS_TEST_TMPDIR/want"
	for f in "$@"; do
		for i in "${!SEQS[@]}"; do
			n=$((n + 1))
			jq -c --argjson v "\"x${SEQS[$i]}y\"" "$f = \$v" <<<"$doc"
			printf 'wf-order: stdin:%d: %s: %s in text\n' "$n" "$(name_of "$f")" "${NAMES[$i]}" >>"$BATS_TEST_TMPDIR/want"
		done
	done
	printf 'wf-order: %d bad lines skipped; 0 applied\n' "$n" >>"$BATS_TEST_TMPDIR/want"
}

# The location an error names for a jq path: .lines[0].title -> lines[0].title
name_of() {
	local p=${1#.}
	p=${p#order.}
	printf '%s' "$p"
}

@test "every stored string of a generic order refuses each sequence that acts on a terminal" {
	bad_lines "$(base)" .channel .external_id .owner .cancel_reason .currency \
		.ship_to.name .ship_to.country .ship_to.postcode .ship_to.city .ship_to.address1 \
		.ship_to.phone .lines[0].sku .lines[0].title .lines[0].id >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-order import --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_output ''
	assert_equal "$stderr" "$(cat "$BATS_TEST_TMPDIR/want")"
	run -0 sql "SELECT count(*) FROM orders"
	assert_output 0
}

@test "every stored string of a Shopify order refuses each sequence that acts on a terminal" {
	doc=$(jq -c '.order.line_items |= .[:1]' "$PLATFORMS/shopify_order_legacy.json")
	bad_lines "$doc" .order.cancel_reason .order.currency .order.shipping_address.name \
		.order.shipping_address.country_code .order.shipping_address.zip \
		.order.shipping_address.city .order.shipping_address.address1 \
		.order.shipping_address.phone .order.shipping_address.province \
		.order.line_items[0].sku .order.line_items[0].title .order.line_items[0].id \
		>"$BATS_TEST_TMPDIR/in"
	sed -i 's/^\(wf-order: stdin:[0-9]*: \)/\1order./' "$BATS_TEST_TMPDIR/want"
	sed -i 's/^wf-order: stdin:\([0-9]*\): order\.\([0-9]* bad\)/wf-order: \2/' "$BATS_TEST_TMPDIR/want"
	run -3 --separate-stderr wf-order import --from shopify --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_output ''
	assert_equal "$stderr" "$(cat "$BATS_TEST_TMPDIR/want")"
	run -0 sql "SELECT count(*) FROM orders"
	assert_output 0
}

@test "a Shopify line without a SKU refuses a variant id that acts on a terminal" {
	run -3 --separate-stderr wf-order import --from shopify <<'EOF'
{"id":1,"created_at":"2026-11-20T08:00:00Z","currency":"EUR","line_items":[{"quantity":1,"price":"9.00","variant_id":"4\u001b[2J"}]}
EOF
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].variant_id: control character U+001B in text (nothing applied)"
}

@test "a member name that acts on a terminal is refused too" {
	run -3 --separate-stderr wf-order import --from shopify <<'EOF'
{"id":1,"created_at":"2026-11-20T08:00:00Z","currency":"EUR","shipping_address":{"x\u202ey":"1"},"line_items":[{"sku":"MUG-1","quantity":1,"price":"9.00"}]}
EOF
	assert_equal "$stderr" "wf-order: stdin:1: shipping_address: a member name: bidirectional control U+202E in text (nothing applied)"
}

# ---- unknown keys ---------------------------------------------------------------------

@test "a misspelt key of the generic format is refused with the closest, without --strict" {
	run -3 --separate-stderr wf-order import <<<"$(base | jq -c '.shiping_paid = .shipping_paid | del(.shipping_paid)')"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: shiping_paid: unknown key; did you mean 'shipping_paid'? (nothing applied)"
	run -3 --separate-stderr wf-order import <<<"$(changed '.ship_to.citi = "Berlin"')"
	assert_equal "$stderr" "wf-order: stdin:1: ship_to.citi: unknown key; did you mean 'city'? (nothing applied)"
	run -3 --separate-stderr wf-order import <<<"$(changed '.lines[0].quantity = 2')"
	assert_equal "$stderr" "wf-order: stdin:1: lines[0].quantity: unknown key (nothing applied)"
	run -3 --separate-stderr wf-order import <<<"$(changed '.payment.ammount = "1.00"')"
	assert_equal "$stderr" "wf-order: stdin:1: payment.ammount: unknown key; did you mean 'amount'? (nothing applied)"
}

@test "Shopify ignores keys it does not know, and --strict refuses them with the closest" {
	doc=$(jq -c '.order.finacial_status = "paid" | .order.line_items[0].sku_code = "X" | .order.shipping_address.citty = "1"' "$PLATFORMS/shopify_order_legacy.json")
	run -0 --separate-stderr wf-order import --from shopify --dry-run <<<"$doc"
	assert_output --partial '"result":"created"'
	run -3 --separate-stderr wf-order import --from shopify --strict <<<"$doc"
	assert_equal "$stderr" "wf-order: stdin:1: order.finacial_status: unknown key; did you mean 'financial_status'? (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify --strict <<<"$(jq -c 'del(.order.finacial_status)' <<<"$doc")"
	assert_equal "$stderr" "wf-order: stdin:1: order.shipping_address.citty: unknown key; did you mean 'city'? (nothing applied)"
	run -0 --separate-stderr wf-order import --from shopify --strict --dry-run < "$PLATFORMS/shopify_order_legacy.json"
	run -0 --separate-stderr wf-order import --from shopify --strict --dry-run < "$PLATFORMS/shopify_orders_list_with_refunds.json"
}

# ---- platform documents as they come ----------------------------------------------------

@test "--from shopify takes the list document and the single order as the Admin API writes them" {
	run -0 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_orders_list_with_refunds.json"
	assert_output --partial '"order":"shopify:450789469","result":"created"'
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_order_legacy.json"
	assert_output --partial '"result":"stale"'
}

@test "--from shopify takes a bare list, compact or pretty, and JSON lines" {
	run -0 --separate-stderr wf-order import --from shopify --dry-run < <(jq '.orders' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_output --partial '"result":"created"'
	run -0 --separate-stderr wf-order import --from shopify --dry-run < <(jq -c '.orders' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_output --partial '"result":"created"'
	run -0 --separate-stderr wf-order import --from shopify < <(jq -c '.orders[0], (.orders[0] | .id = 2)' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_equal "${#lines[@]}" 2
}

@test "an error in a list names the record" {
	run -3 --separate-stderr wf-order import --from shopify < <(jq '.orders[0].line_items[1].quantity = 0' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_equal "$stderr" "wf-order: stdin:1: orders[0].line_items[1].quantity: expected an integer from 1 to 1000000, got 0 (nothing applied)"
}

@test "a payload that is not an order says what it is and where it goes" {
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_refund.json"
	assert_equal "$stderr" "wf-order: stdin:1: a Shopify refund, not an order: refunds are read by wf-order import --from shopify-refund (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_fulfillment.json"
	assert_equal "$stderr" "wf-order: stdin:1: a Shopify fulfillment, not an order: fulfillments are read by wf-order import --from shopify-fulfillment (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/shopify_payments_payout.json"
	assert_equal "$stderr" "wf-order: stdin:1: a Shopify Payments payout or balance transaction, not an order: payouts are read by wf-reconcile import --from shopify (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/woocommerce_orders_list_v3.json"
	assert_equal "$stderr" "wf-order: stdin:1: [0]: a WooCommerce order: WooCommerce orders are read by wf-order import --from woocommerce (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/stripe_payout.openapi_fixture.json"
	assert_equal "$stderr" "wf-order: stdin:1: a Stripe payout or balance transaction, not an order: they are read by wf-reconcile import --from stripe (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$PLATFORMS/stripe_balance_transaction.djstripe_fixture.json"
	assert_equal "$stderr" "wf-order: stdin:1: a Stripe payout or balance transaction, not an order: they are read by wf-reconcile import --from stripe (nothing applied)"
	run -3 --separate-stderr wf-order import --from woocommerce <"$PLATFORMS/paypal_transaction_search.json"
	assert_equal "$stderr" "wf-order: stdin:1: a PayPal transaction search, not an order: it is read by wf-reconcile import --from paypal (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <<<'{"orders":[{"id":1,"name":"#1001"}]}'
	assert_equal "$stderr" "wf-order: stdin:1: orders[0].line_items: missing: a Shopify order without its line items, as an export made with ?fields= that leaves them out writes it: export the orders again with line_items in fields= (or without fields=) and import that (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify < <(jq '.orders |= map(del(.line_items))' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_equal "$stderr" "wf-order: stdin:1: orders[0].line_items: missing: a Shopify order without its line items, as an export made with ?fields= that leaves them out writes it: export the orders again with line_items in fields= (or without fields=) and import that (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <<<'{"orders":[{"id":1}]}'
	assert_equal "$stderr" "wf-order: stdin:1: orders[0].line_items: missing: a Shopify order has line_items; is this an order? (nothing applied)"
	run -3 --separate-stderr wf-order import < <(jq -c '.orders[0]' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_equal "$stderr" "wf-order: stdin:1: a Shopify order, not a generic one: read it with wf-order import --from shopify (nothing applied)"
}

@test "the generic format is JSON lines: a pretty-printed order gets the hint" {
	run -3 --separate-stderr wf-order import < <(base | jq .)
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: invalid JSON at byte 2: expected a string key; one JSON object per line: try jq -c (nothing applied)"
}

# ---- an unknown order's near match -------------------------------------------------------

@test "an unknown order suggests the key with its channel" {
	wf-order import --from shopify <"$PLATFORMS/shopify_order_legacy.json" >/dev/null
	run -1 --separate-stderr wf-order show 450789469
	assert_output ''
	assert_equal "$stderr" "wf-order: unknown order '450789469'; did you mean 'shopify:450789469'?"
	run -1 --separate-stderr wf-order show shopfy:450789469
	assert_equal "$stderr" "wf-order: unknown order 'shopfy:450789469'; did you mean 'shopify:450789469'?"
}

@test "an unknown order suggests a key that differs in case, or by an edit" {
	wf-order import <<<"$(changed '.channel = "Shop"')" >/dev/null
	run -1 --separate-stderr wf-order show shop:1
	assert_equal "$stderr" "wf-order: unknown order 'shop:1'; did you mean 'Shop:1'?"
	run -1 --separate-stderr wf-order return open Shop:2 --sku MUG-1 --qty 1 --reason x
	assert_equal "$stderr" "wf-order: unknown order 'Shop:2'; did you mean 'Shop:1'?"
	run -1 --separate-stderr wf-order show amzn:991
	assert_equal "$stderr" "wf-order: unknown order 'amzn:991'"
}

@test "a key without its channel names every channel that has it" {
	wf-order import <<<"$(base)" >/dev/null
	wf-order import <<<"$(changed '.channel = "amzn"')" >/dev/null
	run -1 --separate-stderr wf-order show 1
	assert_equal "$stderr" "wf-order: unknown order '1'; did you mean 'amzn:1' or 'shop:1'?"
}

# ---- a batch longer than its flushes ---------------------------------------------------

@test "9,000 orders that fail on the last leave nothing, though the batch wrote its changes to the WAL every 4,000 lines" {
	# wf_batch_run writes a batch's changed pages to the WAL every 4,000
	# lines (wf_db_flush); they are the transaction's still, and go with it
	orders() {
		base | jq -c --argjson q "$1" 'range(1; 9001) as $i | .external_id = ($i | tostring)
			| if $i == 9000 then .lines[0].qty = $q else . end'
	}
	run -3 --separate-stderr wf-order import < <(orders -3)
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:9000: lines[0].qty: expected an integer from 1 to 1000000, got -3 (nothing applied)"
	run -0 sql "SELECT count(*) FROM orders; SELECT count(*) FROM order_line; SELECT count(*) FROM event WHERE record_type = 'order'"
	assert_output $'0\n0\n0'
	# the same batch, whole, is one created order a line
	run -0 --separate-stderr wf-order import < <(orders 2)
	run -0 grep -c '"result":"created"' <<<"$output"
	assert_output 9000
	run -0 sql "SELECT count(*), sum(qty) FROM order_line"
	assert_output '9000|18000'
}
