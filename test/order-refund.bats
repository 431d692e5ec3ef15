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

@test "a refund id applied to one order is refused for another, and the first keeps it" {
	paid_order
	jq -c '.order.id = 450789470 | .order.financial_status = "paid"' "$PLATFORMS/shopify_order_legacy.json" |
		wf-order import --from shopify >/dev/null
	run -0 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c . "$REFUND")"
	assert_output --partial '"order":"shopify:450789469","result":"updated"'
	run -3 --separate-stderr wf-order import --from shopify-refund <<<"$(jq -c '.refund.order_id = 450789470' "$REFUND")"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: refund.id: refund 509562969 was applied to another order already; a Shopify refund belongs to one order (nothing applied)"
	run -0 wf-order show shopify:450789470 --format jsonl
	assert_equal "$(jq -r 'select(.type == "order") | .finance_state' <<<"$output")" paid
	run -0 wf-order import --from shopify-refund <<<"$(jq -c . "$REFUND")"
	assert_output --partial '"result":"unchanged"'
}

@test "an order sent as a refund says it is not one" {
	run -3 --separate-stderr wf-order import --from shopify-refund <"$PLATFORMS/shopify_order_legacy.json"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: not a Shopify refund (no refund_line_items or transactions) (nothing applied)"
}

# ---- refund line items: returns --------------------------------------------------

# The legacy order paid, its three lines shipped from BER (5 of each there).
shipped_order() {
	stocked_order
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

# ---- refund line items: cancelled units -----------------------------------------------

# The legacy order paid, at BER (5 of each there), reserved unless $1 is "new".
stocked_order() {
	wf-stock warehouse add BER --country US >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	for s in IPOD2008GREEN IPOD2008RED IPOD2008BLACK; do
		wf-stock sku add "$s" --currency USD >/dev/null
		wf-stock receive "$s" 5 --to BER/A-01 >/dev/null
	done
	paid_order
	[ "${1:-}" = new ] || wf-order reserve shopify:450789469 --warehouse BER >/dev/null
}

reserved() {	# reserved SKU: at BER
	wf-stock levels --sku "$1" --warehouse BER | jq -r .reserved
}

# The fixture's refund with every item restock_type cancel.
cancel_refund() {
	jq -c '.refund.refund_line_items |= map(.restock_type = "cancel")' "$REFUND"
}

@test "a refund's cancelled items release their units of a reserved order and shrink what is left to ship, once" {
	stocked_order
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund)
	assert_output --partial '"order":"shopify:450789469","result":"updated","channel":"shopify","external_id":"450789469","state":"reserved","finance_state":"partially_refunded"'
	[ "$(reserved IPOD2008BLACK)" = 0 ]
	[ "$(reserved IPOD2008GREEN)" = 0 ]
	[ "$(reserved IPOD2008RED)" = 1 ]
	[ "$(on_hand IPOD2008BLACK)" = 5 ]
	run -0 --separate-stderr wf log order shopify:450789469
	assert_line --index 2 --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"lines[2].cancelled":{"from":0,"to":1},"lines[0].cancelled":{"from":0,"to":1},"refund":"shopify-refund:509562969","released":[{"sku":"IPOD2008BLACK","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":1,'
	assert_line --index 2 --partial '{"sku":"IPOD2008GREEN","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":1,'
	assert_line --index 3 --partial '"action":"refund_part","machine":"order.finance"'
	run -0 --separate-stderr wf-order show shopify:450789469
	assert_line --index 0 --partial '"lines":[{"line":2,"sku":"IPOD2008RED",'
	assert_line --index 0 --partial '"unshipped":[{"line":1,"why":"cancelled","sku":"IPOD2008GREEN","title":"IPod Nano - 8gb","qty":1,"unit_price":"199.00","discount":"0.00","tax":"0.00","id":"466157049"},{"line":3,"why":"cancelled","sku":"IPOD2008BLACK"'
	# the same refund again takes nothing more
	before=$(sql 'SELECT count(*) FROM event'),$(sql 'SELECT count(*) FROM movement')
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund)
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event'),$(sql 'SELECT count(*) FROM movement')" "$before"
	run -0 --separate-stderr wf-order ship shopify:450789469 --carrier ups --service ground
	assert_line --index 0 --partial '"lines":[{"sku":"IPOD2008RED","qty":1}]'
	assert_equal "$(sql "SELECT count(*) FROM rma")" 0
}

@test "cancelling 1 of a line's 2 units leaves the line with the other, still reserved" {
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-order import >/dev/null <<<'{"channel":"shopify","external_id":"3","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"MUG-1","qty":3,"unit_price":"12.50","id":"31"}],"payment":{"status":"paid","amount":"37.50"}}'
	wf-order reserve shopify:3 --warehouse BER >/dev/null
	for id in 1 2; do
		wf-order import --from shopify-refund >/dev/null <<<'{"id":'$id',"order_id":3,"refund_line_items":[{"line_item_id":31,"quantity":1,"restock_type":"cancel"}],"transactions":[]}'
	done
	[ "$(reserved MUG-1)" = 1 ]
	run -0 wf-order show shopify:3 --format jsonl
	assert_equal "$(jq -c 'select(.type == "order") | [.lines[] | [.sku, .qty]]' <<<"$output")" '[["MUG-1",1]]'
}

@test "a refund cancelling every unit of a reserved order cancels it, releasing all it holds" {
	stocked_order
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund | jq -c '.refund.refund_line_items += [{"line_item_id":518995019,"quantity":1,"restock_type":"cancel"}]')
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"the channel cancelled every unit left to ship"'
	[ "$(reserved IPOD2008RED)" = 0 ]
	[ "$(reserved IPOD2008GREEN)" = 0 ]
	run -0 sql "SELECT count(*) FROM order_line"
	assert_output 0
	run -0 --separate-stderr wf-alert list --kind order_changed
	assert_output ''
}

@test "a refund's cancelled items on an order still new shrink what is left to ship, with no stock to move" {
	stocked_order new
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund)
	assert_output --partial '"state":"new"'
	run -0 --separate-stderr wf log order shopify:450789469
	assert_line --index 1 --partial '"data":{"lines[2].cancelled":{"from":0,"to":1},"lines[0].cancelled":{"from":0,"to":1},"refund":"shopify-refund:509562969"}}'
	run -0 --separate-stderr wf-order reserve shopify:450789469 --warehouse BER
	[ "$(reserved IPOD2008RED)" = 1 ]
	[ "$(reserved IPOD2008BLACK)" = 0 ]
}

@test "a refund the order's own import listed takes its cancelled units only once" {
	# two green ones ordered; the order lists the refund, which cancels one
	jq -c --argjson r "$(cancel_refund | jq -c .refund)" '.order.financial_status = "paid" | .order.line_items[0].quantity = 2 | .order.refunds = [$r]' "$PLATFORMS/shopify_order_legacy.json" | wf-order import --from shopify >/dev/null
	run -0 sql "SELECT line_no || 'x' || qty FROM order_line ORDER BY line_no"
	assert_output $'1x1\n2x1'
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund)
	assert_output --partial '"result":"unchanged"'
	run -0 sql "SELECT line_no || 'x' || qty FROM order_line ORDER BY line_no"
	assert_output $'1x1\n2x1'
	# a refund it did not list takes them
	run -0 --separate-stderr wf-order import --from shopify-refund < <(cancel_refund | jq -c '.refund.id = 2 | .refund.transactions = [] | .refund.refund_line_items |= .[1:]')
	assert_output --partial '"result":"updated"'
	run -0 sql "SELECT line_no || 'x' || qty FROM order_line ORDER BY line_no"
	assert_output '2x1'
}
