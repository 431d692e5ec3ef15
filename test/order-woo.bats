#!/usr/bin/env bats
# wf-order import --from woocommerce: the REST v3 orders list as WooCommerce
# writes it (prices as JSON numbers, dates without an offset, HTML entities
# in names, negative refunds), its statuses, the gateway's transaction id
# kept for wf-reconcile, re-imports, and input meant to hurt.

load helper

setup() {
	wf_setup
	wf_init
	WOO=$PLATFORMS/woocommerce_orders_list_v3.json
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# Order N of the fixture (0: woocommerce:727, 1: woocommerce:723) changed by
# the jq program $2, as one line.
woo() {
	jq -c ".[$1] | ${2:-.}" "$WOO"
}

@test "the fixture imports as two orders keyed woocommerce:ID with exact money" {
	run -0 --separate-stderr wf-order import --from woocommerce <"$WOO"
	assert_line --index 0 --partial '"order":"woocommerce:727","result":"created"'
	assert_line --index 0 --partial '"subtotal":"18.00","discount":"0.00","shipping_paid":"10.00","tax":"1.35","total":"29.35","paid":"29.35","refunded":"0.00"'
	assert_line --index 1 --partial '"order":"woocommerce:723","result":"created"'
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" ''
}

@test "dates without an offset are read from their _gmt variants as UTC" {
	run -0 --separate-stderr wf-order import --from woocommerce <"$WOO"
	assert_line --index 0 --partial '"placed_at":"2017-03-22T19:28:02Z"'
}

@test "without a _gmt variant the local date is read as UTC" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 'del(.date_created_gmt)')"
	assert_output --partial '"placed_at":"2017-03-22T16:28:02Z"'
}

@test "HTML entities in names are decoded: &ndash; is an en dash" {
	wf-order import --from woocommerce <"$WOO" >/dev/null
	run -0 --separate-stderr wf-order show woocommerce:727
	assert_line --index 0 --partial '"title":"Ship Your Idea – Color: Black, Size: M Test"'
}

@test "a line without a SKU is kept by its product and holds the order, naming it" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0)"
	assert_output --partial '"state":"on_hold"'
	assert_output --partial '"hold_reason":"unknown SKU woocommerce-product:93, Bar3"'
}

@test "completed is closed at the channel; negative refunds are the refunded amount" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1)"
	assert_output --partial '"state":"closed","finance_state":"partially_refunded"'
	assert_output --partial '"total":"39.00","paid":"39.00","refunded":"19.00"'
}

@test "processing is paid; pending and on-hold are unpaid" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items |= map(.sku = "X")')"
	assert_output --partial '"finance_state":"paid"'
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.id = 9 | .status = "on-hold" | .line_items |= map(.sku = "X")')"
	assert_output --partial '"finance_state":"pending"'
	assert_output --partial '"paid":"0.00"'
}

@test "cancelled and failed cancel the order, saying why" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.status = "failed"')"
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"the payment failed at WooCommerce"'
}

@test "refunded with no refunds listed means all of it came back" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.status = "refunded" | .refunds = []')"
	assert_output --partial '"finance_state":"refunded"'
	assert_output --partial '"paid":"39.00","refunded":"39.00"'
}

@test "the same orders again are unchanged, and nothing new is written" {
	wf-order import --from woocommerce <"$WOO" >/dev/null
	before=$(sql 'SELECT count(*) FROM event')
	run -0 --separate-stderr wf-order import --from woocommerce <"$WOO"
	assert_line --index 0 --partial '"result":"unchanged"'
	assert_line --index 1 --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$before"
}

@test "a smaller quantity on a reserved order releases those units, naming them; again changes nothing" {
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku import >/dev/null <<'EOF'
{"sku":"Bar3","currency":"USD"}
{"sku":"WOO-93","currency":"USD","aliases":["woocommerce-product:93"]}
EOF
	wf-stock receive WOO-93 5 --to BER/A-01 >/dev/null
	wf-stock receive Bar3 5 --to BER/A-01 >/dev/null
	wf-order import --from woocommerce <<<"$(woo 0)" >/dev/null
	wf-order reserve woocommerce:727 --warehouse BER >/dev/null
	[ "$(wf-stock levels --sku WOO-93 --warehouse BER | jq -r .reserved)" = 2 ]
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items[0].quantity = 1 | .date_modified_gmt = "2017-03-23T10:00:00"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"reserved"'
	[ "$(wf-stock levels --sku WOO-93 --warehouse BER | jq -r .reserved)" = 1 ]
	[ "$(wf-stock levels --sku WOO-93 --warehouse BER | jq -r .available)" = 4 ]
	[ "$(wf-stock levels --sku Bar3 --warehouse BER | jq -r .reserved)" = 1 ]
	run -0 --separate-stderr wf log order woocommerce:727
	assert_output --partial '"lines[0].qty":{"from":2,"to":1},'
	assert_output --partial '"released":[{"sku":"WOO-93","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":1,'
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items[0].quantity = 1 | .date_modified_gmt = "2017-03-23T10:00:00"')"
	assert_output --partial '"result":"unchanged"'
}

@test "a list without line_items says it is orders exported without them, and what to do" {
	run -3 --separate-stderr wf-order import --from woocommerce < <(jq 'map(del(.line_items))' "$WOO")
	assert_equal "$stderr" "wf-order: stdin:1: [0].line_items: missing: a WooCommerce order without its line items, as a list made with _fields= that leaves them out writes it: list the orders again with line_items in _fields= (or without _fields=) and import that (nothing applied)"
	run -3 --separate-stderr wf-order import --from woocommerce <<<'[{"id":727,"number":"727","status":"processing","total":"29.35"}]'
	assert_equal "$stderr" "wf-order: stdin:1: [0].line_items: missing: a WooCommerce order without its line items, as a list made with _fields= that leaves them out writes it: list the orders again with line_items in _fields= (or without _fields=) and import that (nothing applied)"
}

@test "a newer date_modified with a refund moves the finance state on" {
	wf-order import --from woocommerce <<<"$(woo 1 '.refunds = []')" >/dev/null
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.date_modified_gmt = "2017-03-23T10:00:00"')"
	assert_output --partial '"result":"updated"'
	assert_output --partial '"finance_state":"partially_refunded"'
}

@test "the gateway's transaction id is kept for wf-reconcile, once" {
	line=$(woo 0 '.payment_method = "stripe" | .transaction_id = "ch_3Mx9"')
	wf-order import --from woocommerce <<<"$line" >/dev/null
	wf-order import --from woocommerce <<<"$line" >/dev/null
	run -0 --separate-stderr sql "SELECT o.ref, p.provider, p.payment_id FROM order_payment p JOIN orders o ON o.id = p.order_id"
	assert_output 'woocommerce:727|stripe|ch_3Mx9'
}

@test "an empty transaction id keeps nothing" {
	wf-order import --from woocommerce <"$WOO" >/dev/null
	assert_equal "$(sql 'SELECT count(*) FROM order_payment')" 0
}

@test "a payment id another order keeps stays that order's" {
	wf-order import --from woocommerce <<<"$(woo 0 '.payment_method = "stripe" | .transaction_id = "ch_1"')" >/dev/null
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.payment_method = "stripe" | .transaction_id = "ch_1"')"
	assert_output --partial '"order":"woocommerce:723","result":"created"'
	run -0 --separate-stderr sql "SELECT o.ref FROM order_payment p JOIN orders o ON o.id = p.order_id WHERE p.payment_id = 'ch_1'"
	assert_output 'woocommerce:727'
}

@test "--channel keys the orders under another channel" {
	run -0 --separate-stderr wf-order import --from woocommerce --channel shop-eu <"$WOO"
	assert_line --index 0 --partial '"order":"shop-eu:727"'
}

# ---- hostile input --------------------------------------------------------------

@test "a price with more places than the currency has is refused, not rounded" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 | sed 's/"price":3}/"price":3.001}/')"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].price: '3.001' has more decimals than USD allows (2) (nothing applied)"
}

@test "a price is read from the number's own text, not through a double" {
	run -0 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items |= map(.sku = "X")' | sed 's/"price":3}/"price":4503599627370.49}/')"
	assert_output --partial '"subtotal":"9007199254752.98"'
}

@test "huge numbers are refused, naming the field" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 | sed 's/"price":3}/"price":123456789012345678901234567890}/')"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].price: amount '123456789012345678901234567890' is too large (nothing applied)"
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 | sed 's/"price":3}/"price":1e30}/')"
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].price: expected a decimal amount like \"19.99\", got '1e30' (nothing applied)"
}

@test "bytes that act on a terminal in a name are refused, raw or as an entity" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items[0].name = "Mug\u001b]0;pwn\u0007"')"
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].name: control character U+001B in text (nothing applied)"
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.line_items[0].name = "Mug &#27;[31m"')"
	assert_equal "$stderr" "wf-order: stdin:1: line_items[0].name: control character U+001B in text (nothing applied)"
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.shipping.first_name = "&#x202E;evil"')"
	assert_output ''
	assert_equal "$(sql 'SELECT count(*) FROM orders')" 0
}

@test "a status WooCommerce does not have is refused, naming those it has" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 0 '.status = "shipped"')"
	assert_equal "$stderr" 'wf-order: stdin:1: status: expected pending, on-hold, checkout-draft, processing, completed, refunded, cancelled or failed, got "shipped" (nothing applied)'
}

@test "a positive refund total is refused: WooCommerce writes refunds negative" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.refunds[0].total = "10.00"')"
	assert_equal "$stderr" 'wf-order: stdin:1: refunds[0].total: expected a negative amount like "-10.00" (nothing applied)'
}

@test "a refund of more than was paid is refused" {
	run -3 --separate-stderr wf-order import --from woocommerce <<<"$(woo 1 '.refunds = [{"id":1,"total":"-40.00"}]')"
	assert_equal "$stderr" 'wf-order: stdin:1: payment: refunded 4000 is more than paid 3900 (minor units) (nothing applied)'
}

@test "a Shopify order sent as WooCommerce says which --from reads it" {
	run -3 --separate-stderr wf-order import --from woocommerce <"$PLATFORMS/shopify_order_legacy.json"
	assert_output ''
	assert_equal "$stderr" 'wf-order: stdin:1: a Shopify order, not a WooCommerce one: read it with wf-order import --from shopify (nothing applied)'
}

@test "--strict refuses a key WooCommerce does not write, naming the nearest" {
	run -3 --separate-stderr wf-order import --from woocommerce --strict <<<"$(woo 0 '.totall = "1.00"')"
	assert_output ''
	[[ $stderr == *'totall'* ]]
	run -0 --separate-stderr wf-order import --from woocommerce --strict --dry-run <"$WOO"
}
