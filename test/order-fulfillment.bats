#!/usr/bin/env bats
# wf-order import --from shopify-fulfillment: a Shopify fulfillment ships
# what its order holds (through the order's ship action) or names the
# shipment already shipped with its tracking number; "null-company" is no
# carrier; the same fulfillment again changes nothing; an older snapshot is
# stale; a cancellation after the parcel left is a conflict for a person.

load helper

FUL=$PLATFORMS/shopify_fulfillment.json
ORDER=$PLATFORMS/shopify_order_legacy.json
REF=shopify:450789469

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	for sku in IPOD2008GREEN IPOD2008RED IPOD2008BLACK; do
		wf-stock sku add $sku --cost 100.00 >/dev/null
		wf-stock receive $sku 10 --to BER/A-01 >/dev/null
	done
	wf-order import --from shopify <"$ORDER" >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# ful JQ: the fixture's fulfillment changed by JQ, compact.
ful() {
	jq -c "$1" "$FUL"
}

events() {
	sql 'SELECT count(*) FROM event'
}

@test "the fixture, pending: nothing ships, the order says pending, nothing is written" {
	wf-order reserve $REF --warehouse BER >/dev/null
	before=$(events)
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$FUL"
	assert_equal "$stderr" ''
	assert_equal "$(jq -r '[.type, .order, .result, .state] | join(" ")' <<<"$output")" \
		"order $REF pending reserved"
	assert_equal "$(events)" "$before"
}

@test "success: the order's units ship as SH-1 with the carrier and the first tracking number; the others are kept in the event" {
	wf-order reserve $REF --warehouse BER >/dev/null
	ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS" | .fulfillment.tracking_numbers += ["1Z9999"]' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" ''
	assert_equal "$(jq -r '[.type, .shipment, .warehouse, .state, .carrier, .tracking, .status, .result] | join(" ")' <<<"$output")" \
		"shipment SH-1 BER shipped UPS 1Z2345 success updated"
	assert_equal "$(jq -c '[.lines[] | .qty] | add' <<<"$output")" 3
	run -0 --separate-stderr wf-order show $REF --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" shipped
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -c 'select(.action == "fulfillment") | .data | [.fulfillment, .fulfillment_service, .more_tracking]' <<<"$output")" \
		'["shopify:255858046","manual",["1Z9999"]]'
	# stock left the building
	assert_equal "$(sql "SELECT count(*) FROM held WHERE holder = '$REF' AND state IN ('reserved','picked','packed')")" 0
}

@test "the same fulfillment again, as a document, a list or a JSON line, is unchanged and writes nothing" {
	wf-order reserve $REF --warehouse BER >/dev/null
	ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "DHL Express"' >"$BATS_TEST_TMPDIR/doc"
	wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/doc" >/dev/null
	before=$(events)
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/doc"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
	jq '{fulfillments: [.fulfillment]}' "$BATS_TEST_TMPDIR/doc" >"$BATS_TEST_TMPDIR/list"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/list"
	assert_equal "$(jq -r '[.shipment, .carrier, .result] | join(" ")' <<<"$output")" "SH-1 DHL Express unchanged"
	jq -c '.fulfillment' "$BATS_TEST_TMPDIR/doc" >"$BATS_TEST_TMPDIR/line"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/line"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
	assert_equal "$(events)" "$before"
}

@test "null-company is no carrier: a shipment shipped here with the tracking number keeps its carrier and takes the fulfillment" {
	wf-order reserve $REF --warehouse BER >/dev/null
	wf-order ship $REF --carrier dhl --tracking 1Z2345 >/dev/null
	ful '.fulfillment.status = "success"' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '[.shipment, .carrier, .tracking, .result] | join(" ")' <<<"$output")" "SH-1 dhl 1Z2345 updated"
	assert_equal "$(sql "SELECT count(*) FROM shipment WHERE carrier = 'null-company'")" 0
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
}

@test "a shipment shipped here as dhl takes the carrier the fulfillment names (DHL Express), and the same fulfillment again is unchanged" {
	wf-order reserve $REF --warehouse BER >/dev/null
	wf-order ship $REF --carrier dhl --tracking 1Z2345 >/dev/null
	ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "DHL Express" | .fulfillment.tracking_numbers = ["1Z2345"]' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '[.shipment, .carrier, .tracking, .result] | join(" ")' <<<"$output")" "SH-1 DHL Express 1Z2345 updated"
	before=$(events)
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '[.carrier, .result] | join(" ")' <<<"$output")" "DHL Express unchanged"
	assert_equal "$(events)" "$before"
}

@test "null-company and no route: the order cannot ship, and the message says how" {
	wf-order reserve $REF --warehouse BER >/dev/null
	run -3 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success"')
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: fulfillment.tracking_company: fulfillment 255858046 of $REF cannot ship here: carrier: required: no route chose one for $REF at BER and the fulfillment names none: ship it with wf-order ship $REF --carrier C (nothing applied)"
	assert_equal "$(sql 'SELECT count(*) FROM shipment')" 0
}

@test "a newer snapshot changes the tracking number, an older one is stale, a cancellation after shipping is a conflict" {
	wf-order reserve $REF --warehouse BER >/dev/null
	wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS"') >/dev/null
	run -0 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS" | .fulfillment.updated_at = "2013-11-02T10:00:00Z" | .fulfillment.tracking_numbers = ["1Z7777"]')
	assert_equal "$(jq -r '[.tracking, .result] | join(" ")' <<<"$output")" "1Z7777 updated"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS" | .fulfillment.updated_at = "2013-11-01T00:00:00Z" | .fulfillment.tracking_numbers = ["1Z0000"]')
	assert_equal "$(jq -r '[.tracking, .result] | join(" ")' <<<"$output")" "1Z7777 stale"
	ful '.fulfillment.status = "cancelled" | .fulfillment.updated_at = "2013-11-03T00:00:00Z"' >"$BATS_TEST_TMPDIR/cancel"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/cancel"
	assert_equal "$(jq -r '[.state, .status, .result] | join(" ")' <<<"$output")" "shipped cancelled conflict"
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_equal "$(jq -r 'select(.kind == "order_changed") | .subject' <<<"$output")" "order $REF"
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <"$BATS_TEST_TMPDIR/cancel"
	assert_equal "$(jq -r .result <<<"$output")" unchanged
}

@test "a fulfillment for an unknown order is refused naming it; --keep-going skips it, applies the rest and exits 3 as a batch with a bad line does" {
	wf-order reserve $REF --warehouse BER >/dev/null
	run -1 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.order_id = 999')
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: fulfillment.order_id: fulfillment 255858046: unknown order 'shopify:999' (nothing applied)"
	ful '{fulfillments: [(.fulfillment | .order_id = 999 | .id = 1), (.fulfillment | .status = "success" | .tracking_company = "UPS")]}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-order import --from shopify-fulfillment --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '[.shipment, .result] | join(" ")' <<<"$output")" "SH-1 updated"
	[[ $stderr == *"fulfillments[0].order_id: fulfillment 1: unknown order 'shopify:999'"* ]]
	[[ $stderr == *"1 bad line skipped; 1 applied"* ]]
}

@test "an order that holds no stock is refused: the fulfillment does not ship what was never reserved" {
	run -1 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS"')
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: fulfillment: fulfillment 255858046 of $REF cannot ship here: order $REF: cannot ship when new (legal from new: promise, close_external, reserve, hold, cancel) (nothing applied)"
	assert_equal "$(sql 'SELECT count(*) FROM shipment')" 0
}

@test "hostile: terminal controls in tracking_company, a huge tracking_numbers, an unknown status are bad input, shown safely" {
	wf-order reserve $REF --warehouse BER >/dev/null
	run -3 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "success" | .fulfillment.tracking_company = "UPS\u001b]0;pwned\u0007"')
	assert_output ''
	[[ $stderr == *"fulfillment.tracking_company: control character U+001B"* ]]
	[[ $stderr != *$'\e'* ]]
	run -3 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.tracking_numbers = [range(0; 5000) | tostring]')
	[[ $stderr == *"fulfillment.tracking_numbers: 5000 tracking numbers; at most 100"* ]]
	run -3 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.tracking_numbers = ["1Z", 7]')
	[[ $stderr == *"fulfillment.tracking_numbers[1]: expected a tracking number"* ]]
	run -3 --separate-stderr wf-order import --from shopify-fulfillment < <(ful '.fulfillment.status = "shipped"')
	[[ $stderr == *"fulfillment.status: expected pending, open, success, cancelled, error or failure, got 'shipped'"* ]]
	assert_equal "$(sql 'SELECT count(*) FROM shipment')" 0
}

@test "a payload that is not a fulfillment says what it is and which --from reads it" {
	run -3 --separate-stderr wf-order import --from shopify-fulfillment <"$ORDER"
	assert_equal "$stderr" "wf-order: stdin:1: not a Shopify fulfillment (one has order_id and status): a Shopify order: orders are read by wf-order import --from shopify (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify-fulfillment <"$PLATFORMS/shopify_refund.json"
	[[ $stderr == *"a Shopify refund, not an order: refunds are read by wf-order import --from shopify-refund"* ]]
	run -3 --separate-stderr wf-order import --from shopify-fulfillment <<<'{"fulfillment":{"tracking_number":"1Z","order_id":1}}'
	assert_equal "$stderr" "wf-order: stdin:1: fulfillment: not a Shopify fulfillment (one has order_id and status) (nothing applied)"
	run -3 --separate-stderr wf-order import --from shopify <"$FUL"
	[[ $stderr == *"a Shopify fulfillment, not an order: fulfillments are read by wf-order import --from shopify-fulfillment"* ]]
}

@test "a split order: a fulfillment cannot say which leg, so it is refused naming both; leg by leg it links and ships" {
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add SPLIT-1 --cost 1.00 >/dev/null
	wf-stock receive SPLIT-1 2 --to BER/A-01 >/dev/null
	wf-stock receive SPLIT-1 1 --to MUC/A-01 >/dev/null
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	wf-route carrier add MUC ups standard --cutoff 14:00 --transit-days 2 --cost 5.00 >/dev/null
	printf '{"type":"order","channel":"shopify","external_id":"11","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"SPLIT-1","qty":3,"unit_price":"10.00"}]}\n' |
		wf-order import >/dev/null
	wf-route --split --apply shopify:11 </dev/null >/dev/null
	run -3 --separate-stderr wf-order import --from shopify-fulfillment <<<'{"id":21,"order_id":11,"status":"success","tracking_company":null,"tracking_number":"1Z9"}'
	assert_equal "$stderr" "wf-order: stdin:1: fulfillment 21 of shopify:11 cannot ship here: warehouse: order shopify:11 is held at BER, MUC: ship each leg with --warehouse WH (nothing applied)"
	# the MUC leg shipped here; its fulfillment names it by tracking number
	wf-order ship shopify:11 --warehouse MUC --tracking 1Z9 >/dev/null
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <<<'{"id":21,"order_id":11,"status":"success","tracking_company":null,"tracking_number":"1Z9"}'
	assert_equal "$(jq -r '[.shipment, .warehouse, .carrier, .result] | join(" ")' <<<"$output")" "SH-1 MUC ups updated"
	# the BER leg is all the order holds now: its fulfillment ships it with the route's carrier
	run -0 --separate-stderr wf-order import --from shopify-fulfillment <<<'{"id":22,"order_id":11,"status":"success","tracking_company":"null-company","tracking_numbers":["1Z8"]}'
	assert_equal "$(jq -r '[.shipment, .warehouse, .carrier, .service, .tracking, .result] | join(" ")' <<<"$output")" "SH-2 BER dhl parcel 1Z8 updated"
	run -0 --separate-stderr wf-order show shopify:11 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" shipped
}
