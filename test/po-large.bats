#!/usr/bin/env bats
# A purchase order of many lines goes through every step whole (issue 13
# item 2): no loop stops at a fixed count; past the documented 1000 lines
# the order is refused, never cut.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-po supplier add ACME --name Acme --email orders@acme.example >/dev/null
	# 1001 SKUs, each with a cost
	seq -f 'S-%04g' 1 1001 | jq -Rc '{sku: ., cost: "1.00"}' | wf-stock sku import >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

lines() {	# lines N: po_line input for S-0001..S-N, 2 units each
	seq -f 'S-%04g' 1 "$1" | jq -Rc '{type: "po_line", sku: ., qty: 2}'
}

@test "a PO of 1000 lines is sent, partly received and closed whole" {
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER < <(lines 1000)
	assert_output --partial '"po":"PO-1"'
	run -0 sql "SELECT count(*), sum(qty_ordered) FROM po_line"
	assert_output '1000|2000'
	wf-po send PO-1 >/dev/null
	run -0 sql "SELECT count(*), sum(qty) FROM balance WHERE state = 'inbound' AND qty > 0"
	assert_output '1000|2000'
	# the last line, far past any small fixed count
	run -0 --separate-stderr wf-po receive PO-1 S-1000 2
	assert_output --partial '"state":"partially_received"'
	run -0 --separate-stderr wf-po close PO-1
	assert_output --partial '"state":"closed"'
	run -0 sql "SELECT count(*) FROM balance WHERE state = 'inbound' AND qty > 0"
	assert_output 0
	run -0 sql "SELECT sum(qty_cancelled) FROM po_line"
	assert_output 1998
	run -0 --separate-stderr wf-stock levels --sku S-1000 --warehouse BER
	assert_output --partial '"on_hand":2,'
}

@test "a PO of 1001 lines is refused whole, saying why" {
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER < <(lines 1001)
	assert_output ''
	assert_equal "$stderr" "wf-po: stdin:1001: more than 1000 lines in one purchase order (nothing applied)"
	run -0 sql "SELECT count(*) FROM po"
	assert_output 0
}
