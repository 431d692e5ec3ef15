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

# Counts, worked out by hand.  BER: MUG-1 10 at 4.00 and 10 at 5.00, a
# moving average of 4.50; on 1 November 18 are counted (2 lost, at 4.50:
# 9.00).  5 more arrive at 6.00: (18 x 4.50 + 5 x 6.00) / 23 = 4.8260...,
# 4.83; on 10 November 25 are counted (2 found, at 4.83: 9.66).  MAD:
# VASE-1 3 at 10.00, on 5 November 2 are counted (1 lost, 10.00).  HAT-1
# has no cost at all: its count of 1 lost unit has no value.
counts() {
	wf-stock sku add MUG-1 --cost 4.00 >/dev/null
	wf-stock sku add VASE-1 --cost 10.00 >/dev/null
	wf-stock sku add HAT-1 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 --cost 5.00 >/dev/null
	wf-stock receive VASE-1 3 --to MAD/A-01 >/dev/null
	wf-stock receive HAT-1 4 --to BER/A-01 >/dev/null
	WF_NOW=2026-11-01T10:00:00Z wf-stock count MUG-1 18 --at BER/A-01 >/dev/null
	WF_NOW=2026-11-02T10:00:00Z wf-stock count HAT-1 3 --at BER/A-01 >/dev/null
	WF_NOW=2026-11-05T10:00:00Z wf-stock count VASE-1 2 --at MAD/A-01 >/dev/null
	wf-stock receive MUG-1 5 --to BER/A-01 --cost 6.00 >/dev/null
	WF_NOW=2026-11-10T10:00:00Z wf-stock count MUG-1 25 --at BER/A-01 >/dev/null
	# a count that finds what the ledger says books nothing
	WF_NOW=2026-11-11T10:00:00Z wf-stock count VASE-1 2 --at MAD/A-01 >/dev/null
}

@test "a count's movement keeps the moving average cost of that moment" {
	counts
	run -0 sql "SELECT m.action, m.qty, m.unit_cost, m.currency FROM movement m
		JOIN sku s ON s.id = m.sku_id WHERE m.action = 'count' ORDER BY m.id"
	assert_output $'count|2|450|EUR\ncount|1||\ncount|1|1000|EUR\ncount|2|483|EUR'
}

@test "value adds the count variances up in money by warehouse and currency, as by hand" {
	counts
	run -0 --separate-stderr wf-reconcile value
	assert_equal "$stderr" ''
	assert_equal "$(jq -c 'select(.type == "count_variance") | del(.type)' <<<"$output")" \
'{"warehouse":"BER","currency":"EUR","counts":2,"found":2,"lost":2,"qty":0,"found_value":"9.66","lost_value":"9.00","value":"0.66","since":null,"until":null}
{"warehouse":"BER","currency":null,"counts":1,"found":0,"lost":1,"qty":-1,"found_value":null,"lost_value":null,"value":null,"since":null,"until":null}
{"warehouse":"MAD","currency":"EUR","counts":1,"found":0,"lost":1,"qty":-1,"found_value":"0.00","lost_value":"10.00","value":"-10.00","since":null,"until":null}'
	# the inventory value still equals wf-stock value's: 25 x 4.83 = 120.75, 2 x 10.00
	assert_equal "$(jq -c 'select(.type == "inventory_value") | [.warehouse, .currency, .value]' <<<"$output")" \
	    $'["BER","EUR","120.75"]\n["MAD","EUR","20.00"]'
	assert_equal "$(wf-stock value | jq -r 'select(.type == "value_total") | .value')" 140.75
}

@test "value --since and --until keep the counts of the period; --warehouse one warehouse's" {
	counts
	run -0 --separate-stderr wf-reconcile value --since 2026-11-03T00:00:00Z --until 2026-11-10T10:00:00Z
	assert_equal "$(jq -c 'select(.type == "count_variance") | [.warehouse, .counts, .qty, .value, .since, .until]' <<<"$output")" \
	    '["MAD",1,-1,"-10.00","2026-11-03T00:00:00Z","2026-11-10T10:00:00Z"]'
	run -0 --separate-stderr wf-reconcile value --warehouse BER --since 2026-11-03T00:00:00Z
	assert_equal "$(jq -c 'select(.type == "count_variance") | [.warehouse, .found, .lost, .found_value, .value]' <<<"$output")" \
	    '["BER",2,0,"9.66","9.66"]'
	run -0 --separate-stderr wf-reconcile value --since 2026-11-20T00:00:00Z
	assert_equal "$(jq -c 'select(.type == "count_variance")' <<<"$output")" ''
	run -2 --separate-stderr wf-reconcile value --since 2026-11-10T00:00:00Z --until 2026-11-01T00:00:00Z
	assert_output ''
	[[ "$stderr" == *--until* ]]
}
