#!/usr/bin/env bats
# Big orders: no loop in the order family or in routing stops at a fixed
# number of SKUs, lines, shipments or returns.  An order of 1,000 lines
# across 300 SKUs (each SKU on 3 or 4 lines), and one of 100 lines of a
# single SKU, go through every step, with `wf check` clean after each.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	local i
	for i in $(seq 1 300); do
		printf '{"type":"sku","sku":"S-%03d","price":"1.00","cost":"0.50"}\n' "$i"
	done | wf-stock sku import >/dev/null
	for i in $(seq 1 300); do
		printf '{"type":"movement","action":"receive","sku":"S-%03d","qty":10,"to":"BER/A-01"}\n' "$i"
	done | wf-stock apply >/dev/null
}

teardown() {
	clean
}

# clean: `wf check` finds nothing wrong.
clean() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# big_order ID: 1,000 lines, line N of SKU S-(N mod 300 + 1), 1 unit each.
big_order() {
	local lines
	lines=$(seq 0 999 | awk '{ printf "%s{\"sku\":\"S-%03d\",\"qty\":1,\"unit_price\":\"1.00\"}", (NR > 1 ? "," : ""), $1 % 300 + 1 }')
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[%s],"payment":{"status":"paid","amount":"1000.00"}}\n' \
		"$1" "$lines" | wf-order import >/dev/null
}

# one_sku_order ID: 100 lines of S-001, 1 unit each.
one_sku_order() {
	local lines
	lines=$(seq 1 100 | awk '{ printf "%s{\"sku\":\"S-001\",\"qty\":1,\"unit_price\":\"1.00\"}", (NR > 1 ? "," : "") }')
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[%s],"payment":{"status":"paid","amount":"100.00"}}\n' \
		"$1" "$lines" | wf-order import >/dev/null
}

state() {	# state REF
	wf-order show "$1" --format jsonl | head -1 | jq -r .state
}

units() {	# units STATE: units of every SKU in that state
	sql "SELECT coalesce(sum(qty), 0) FROM balance WHERE state = '$1'"
}

@test "1,000 lines across 300 SKUs: routed, picked, packed, shipped and delivered whole" {
	big_order 1
	run -0 --separate-stderr wf-route --apply --format jsonl shop:1
	assert_equal "$(jq -r '.result + " " + .warehouse' <<<"$output")" 'routed BER'
	assert_equal "$(state shop:1) $(units reserved)" 'reserved 1000'
	clean
	run -0 --separate-stderr wf-order pick shop:1
	assert_equal "$(units picked) $(units reserved)" '1000 0'
	clean
	run -0 --separate-stderr wf-order pack shop:1
	assert_equal "$(units packed) $(units picked)" '1000 0'
	clean
	run -0 --separate-stderr wf-order ship shop:1 --format jsonl
	assert_equal "$(state shop:1) $(units packed)" 'shipped 0'
	assert_equal "$(sql 'SELECT count(*), sum(qty) FROM shipment_line')" '1000|1000'
	assert_equal "$(sql 'SELECT count(*) FROM order_line WHERE qty_shipped <> qty')" 0
	clean
	run -0 --separate-stderr wf-order deliver shop:1
	assert_equal "$(state shop:1)" delivered
	run -0 --separate-stderr wf-order show shop:1 --format csv
	assert_equal "$(grep -c '^order.lines,' <<<"$output")" 1000
}

@test "1,000 lines across 300 SKUs: 300 returns, one per SKU, are all shown; those that come back spread over the lines" {
	big_order 1
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order ship shop:1 --carrier dhl >/dev/null
	local i rmas=()
	for i in $(seq 1 300); do
		# S-001 .. S-100 are on 4 lines, the others on 3
		rmas+=("$(wf-order return open shop:1 --sku "$(printf S-%03d "$i")" \
			--qty "$(( i <= 100 ? 4 : 3 ))" --reason damaged --format jsonl | jq -r .return)")
	done
	assert_equal "${#rmas[@]}" 300
	clean
	# the first 100 (4 lines each) come back
	for i in "${rmas[@]:0:100}"; do
		wf-order return receive "$i" --condition sellable >/dev/null
	done
	assert_equal "$(state shop:1) $(sql 'SELECT count(*) FROM order_line WHERE qty_returned = 1')" \
		'partially_returned 400'
	assert_equal "$(sql "SELECT sum(qty) FROM balance WHERE state = 'on_hand'")" 2400
	clean
	run -0 --separate-stderr wf-order show shop:1 --format jsonl
	assert_equal "$(jq -r 'select(.type == "return") | .return' <<<"$output" | wc -l)" 300
	assert_equal "$(jq -r 'select(.type == "shipment") | .shipment' <<<"$output" | wc -l)" 1
}

@test "1,000 lines across 300 SKUs: cancel when reserved, picked or packed puts every unit back" {
	local step
	for step in reserved picked packed; do
		big_order "$step"
		wf-order reserve "shop:$step" --warehouse BER >/dev/null
		case $step in picked|packed) wf-order pick "shop:$step" >/dev/null ;; esac
		[ "$step" != packed ] || wf-order pack "shop:$step" >/dev/null
		assert_equal "$(units "$step")" 1000
		run -0 --separate-stderr wf-order cancel "shop:$step" --reason 'customer asked' --format jsonl
		assert_equal "$(state "shop:$step")" cancelled
		assert_equal "$(units reserved) $(units picked) $(units packed)" '0 0 0'
		assert_equal "$(sql "SELECT sum(qty) FROM balance WHERE state = 'on_hand'")" 3000
		clean
	done
}

@test "100 lines of one SKU: ship all, return all, each line takes its unit" {
	wf-stock receive S-001 90 --to BER/A-01 >/dev/null
	one_sku_order 7
	wf-order reserve shop:7 --warehouse BER >/dev/null
	wf-order pick shop:7 >/dev/null
	run -0 --separate-stderr wf-order ship shop:7 --carrier dhl
	assert_equal "$(state shop:7)" shipped
	assert_equal "$(sql 'SELECT count(*) FROM order_line WHERE qty_shipped = 1')" 100
	clean
	rma=$(wf-order return open shop:7 --sku S-001 --qty 100 --reason 'wrong size' --format jsonl | jq -r .return)
	run -0 --separate-stderr wf-order return receive "$rma" --condition sellable
	assert_equal "$(state shop:7)" returned
	assert_equal "$(sql 'SELECT count(*) FROM order_line WHERE qty_returned = 1')" 100
	clean
}
