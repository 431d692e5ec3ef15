#!/usr/bin/env bats
# wf-order import --from shopify-refund: a Shopify refund moves the money of
# the order it refunds, once, with an event naming it; one the order's own
# import already counted changes nothing; hostile refunds are refused.

load helper

setup() {
	wf_setup
	wf_init
	REFUND=$PLATFORMS/shopify_refund.json
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# shopify:450789469 (the legacy fixture), paid in full: 409.94 USD.
paid_order() {
	jq -c '.order.financial_status = "paid"' "$PLATFORMS/shopify_order_legacy.json" |
		wf-order import --from shopify >/dev/null
}

@test "a refund moves the order's money and finance state, naming the refund" {
	paid_order
	run -0 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_output --partial '"order":"shopify:450789469","result":"updated"'
	assert_output --partial '"finance_state":"partially_refunded"'
	assert_output --partial '"paid":"409.94","refunded":"209.00"'
	run -0 --separate-stderr wf log order shopify:450789469
	assert_output --partial '"action":"refund_part","machine":"order.finance","from":"paid","to":"partially_refunded","data":{"amount":"209.00","refund":"shopify-refund:509562969"}'
}

@test "the same refund again is unchanged, as a document or a list" {
	paid_order
	wf-order import --from shopify-refund <"$REFUND" >/dev/null
	before=$(sql 'SELECT count(*) FROM event')
	run -0 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c '{refunds: [.refund]}' "$REFUND")"
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$before"
	assert_equal "$(sql "SELECT refunded FROM orders WHERE ref = 'shopify:450789469'")" 20900
}

@test "a refund the order's import already counted changes nothing" {
	wf-order import --from shopify <"$PLATFORMS/shopify_orders_list_with_refunds.json" >/dev/null
	run -0 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_output --partial '"result":"unchanged"'
	assert_output --partial '"refunded":"209.00"'
}

@test "a refund for an unknown order is refused, and --keep-going goes on" {
	run -3 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: refund.order_id: unknown order 'shopify:450789469' (nothing applied)"
	paid_order
	run -3 --separate-stderr wf-order import --from shopify-refund --keep-going <<<"$(jq -c '.refund.order_id = 1' "$REFUND")
$(jq -c . "$REFUND")"
	assert_output --partial '"order":"shopify:450789469","result":"updated"'
	[[ $stderr == *"unknown order 'shopify:1'"* ]]
}

@test "a refund of more than was paid is refused, naming both amounts" {
	paid_order
	run -3 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c '.refund.transactions[0].amount = "500.00"' "$REFUND")"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: refund.transactions: refund 509562969 of 500.00 USD is more than order shopify:450789469 has paid and not refunded (409.94 USD) (nothing applied)"
}

@test "amounts with too many places or past any amount are refused" {
	paid_order
	run -3 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c '.refund.transactions[0].amount = "1.001"' "$REFUND")"
	assert_equal "$stderr" "wf-order: stdin:1: refund.transactions[0].amount: '1.001' has more decimals than USD allows (2) (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c '.refund.transactions[0].amount = "123456789012345678901234567890"' "$REFUND")"
	assert_equal "$stderr" "wf-order: stdin:1: refund.transactions[0].amount: amount '123456789012345678901234567890' is too large (nothing applied)"
}

@test "an order sent as a refund says it is not one" {
	run -3 --separate-stderr wf-order import --from shopify-refund <"$PLATFORMS/shopify_order_legacy.json"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: not a Shopify refund (no refund_line_items or transactions) (nothing applied)"
}

# ---- refund line items: returns --------------------------------------------------

# The legacy order paid, its three lines shipped from BER (5 of each there).
shipped_order() {
	wf-stock warehouse add BER --country US >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	for s in IPOD2008GREEN IPOD2008RED IPOD2008BLACK; do
		wf-stock sku add "$s" --currency USD >/dev/null
		wf-stock receive "$s" 5 --to BER/A-01 >/dev/null
	done
	paid_order
	wf-order reserve shopify:450789469 --warehouse BER >/dev/null
	wf-order pick shopify:450789469 >/dev/null
	wf-order pack shopify:450789469 >/dev/null
	wf-order ship shopify:450789469 --carrier ups --service ground --tracking 1Z1 >/dev/null
}

on_hand() {	# on_hand SKU: at BER
	wf-stock levels --sku "$1" --warehouse BER | jq -r .on_hand
}

@test "a refund with restock true brings its shipped units back on hand through a return each" {
	shipped_order
	run -0 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_line --index 0 --partial '"type":"return","return":"RMA-1","order":"shopify:450789469","sku":"IPOD2008BLACK","qty":1,"reason":"shopify-refund:509562969","state":"restocked"'
	assert_line --index 1 --partial '"type":"return","return":"RMA-2","order":"shopify:450789469","sku":"IPOD2008GREEN","qty":1,"reason":"shopify-refund:509562969","state":"restocked"'
	assert_line --index 2 --partial '"order":"shopify:450789469","result":"updated","channel":"shopify","external_id":"450789469","state":"partially_returned","finance_state":"partially_refunded"'
	[ "$(on_hand IPOD2008BLACK)" = 5 ]
	[ "$(on_hand IPOD2008GREEN)" = 5 ]
	[ "$(on_hand IPOD2008RED)" = 4 ]
	# the same refund again makes no second return
	run -0 --separate-stderr wf-order import --from shopify-refund <"$REFUND"
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM rma')" 2
}

@test "a refund with restock false writes its shipped units off; restock_type decides per line" {
	shipped_order
	run -0 --separate-stderr wf-order import --from shopify-refund < <(jq -c '.refund.restock = false | .refund.refund_line_items[1].restock_type = "return"' "$REFUND")
	assert_line --index 0 --partial '"sku":"IPOD2008BLACK","qty":1,"reason":"shopify-refund:509562969","state":"written_off"'
	assert_line --index 1 --partial '"sku":"IPOD2008GREEN","qty":1,"reason":"shopify-refund:509562969","state":"restocked"'
	[ "$(on_hand IPOD2008BLACK)" = 4 ]
	[ "$(wf-stock levels --sku IPOD2008BLACK --warehouse BER | jq -r .damaged)" = 1 ]
	[ "$(on_hand IPOD2008GREEN)" = 5 ]
}

@test "a refund of units that never shipped makes no return" {
	shipped_order
	wf-order import --from shopify-refund < <(jq -c '.refund.id = 1 | .refund.refund_line_items |= map(.restock_type = "cancel") | .refund.transactions = []' "$REFUND") >/dev/null
	assert_equal "$(sql 'SELECT count(*) FROM rma')" 0
}
