#!/usr/bin/env bats
# wf-reconcile value: inventory value by warehouse and currency, equal to
# what wf-stock value adds up, checked by hand on a worked example.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock warehouse add MAD --country ES >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add MAD/A-01 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# BER: 10 MUG-1 at 4.00 and 3 VASE-1 at 10.00 (EUR 70.00), 2 HAT-1 at
# 7.00 (USD 14.00); MAD: 5 MUG-1 at 4.00 (EUR 20.00).
example() {
	wf-stock sku add MUG-1 --cost 4.00 >/dev/null
	wf-stock sku add VASE-1 --cost 10.00 >/dev/null
	wf-stock sku add HAT-1 --cost 7.00 --currency USD >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 5 --to MAD/A-01 >/dev/null
	wf-stock receive VASE-1 3 --to BER/A-01 >/dev/null
	wf-stock receive HAT-1 2 --to BER/A-01 >/dev/null
}

@test "value adds the worked example up by warehouse and currency, as by hand" {
	example
	run -0 --separate-stderr wf-reconcile value
	assert_equal "$stderr" ''
	assert_output '{"type":"inventory_value","warehouse":"BER","currency":"EUR","skus":2,"qty":13,"value":"70.00"}
{"type":"inventory_value","warehouse":"BER","currency":"USD","skus":1,"qty":2,"value":"14.00"}
{"type":"inventory_value","warehouse":"MAD","currency":"EUR","skus":1,"qty":5,"value":"20.00"}'
}

@test "each warehouse's value equals wf-stock value --warehouse's total, and together wf-stock value's" {
	example
	# a second receipt at another cost moves the moving average: both follow
	wf-stock receive MUG-1 5 --to MAD/A-01 --cost 5.00 >/dev/null
	local wh want
	for wh in BER MAD; do
		want=$(wf-stock value --warehouse "$wh" | jq -c 'select(.type == "value_total") | [.currency, .qty, .value]')
		run -0 --separate-stderr wf-reconcile value --warehouse "$wh"
		assert_equal "$(jq -c '[.currency, .qty, .value]' <<<"$output")" "$want"
	done
	# BER 10 x 4.25 + 3 x 10.00 = 72.50, MAD 10 x 4.25 = 42.50: 115.00, wf-stock value's total
	want=$(wf-stock value | jq -r 'select(.type == "value_total" and .currency == "EUR") | .value')
	assert_equal "$want" 115.00
	run -0 --separate-stderr wf-reconcile value
	assert_equal "$(jq -r 'select(.currency == "EUR") | .value' <<<"$output" | paste -sd' ')" '72.50 42.50'
}

@test "value of an empty stock prints nothing; an unknown warehouse is refused" {
	run -0 --separate-stderr wf-reconcile value
	assert_output ''
	run -1 --separate-stderr wf-reconcile value --warehouse LIS
	assert_output ''
	[[ "$stderr" == *LIS* ]]
}

@test "value past what money keeps prints nothing and says so, as wf-stock value does" {
	wf-stock sku add BIG-1 --cost 90000000000000.00 >/dev/null
	wf-stock receive BIG-1 1000000 --to BER/A-01 >/dev/null
	run -1 --separate-stderr wf-reconcile value
	assert_output ''
	[[ -n "$stderr" ]]
}
