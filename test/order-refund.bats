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
