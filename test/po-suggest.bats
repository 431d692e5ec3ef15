#!/usr/bin/env bats
# wf-po suggest: what to order now, from the stock-risk numbers, and
# wf-po create --from-suggestions: the draft POs made from them.  The
# numbers are worked out by hand in each test.

load helper
load sales

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-po supplier add ACME --name Acme --lead-time 8 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# MUG-1 bought from ACME once (sent on day -29, 110 received on day -21: a
# measured lead time of 8 days), then 4 sold a day for 20 days: 30 left.
mug_history() {
	WF_NOW=$(day -29)T08:00:00Z wf-po create --supplier ACME --warehouse BER \
		--expected "$(day -21)" MUG-1:110@4.00 >/dev/null
	WF_NOW=$(day -29)T08:00:00Z wf-po send PO-1 >/dev/null
	WF_NOW=$(day -21)T08:00:00Z wf-po receive PO-1 MUG-1 110 --bin BER/A-01 >/dev/null
	sell MUG-1 20 4
}

@test "suggest: at the reorder point, order up to lead time plus cover days of demand" {
	mug_history
	# demand 4.00 a day, lead time 8.0 measured, no deviation: safety stock
	# 0, reorder point 4 x 8 = 32; the position, 30, is below it
	run -0 --separate-stderr wf-alert risk --sku MUG-1
	assert_equal "$(field '[.daily_demand, .lead_time_days, .safety_stock, .reorder_point, .position] | join(" ")' <<<"$output")" \
	    '4.00 8.0 0 32 30'
	# target 4 x (8 + 14) = 88, less the position 30: 58
	run -0 --separate-stderr wf-po suggest
	assert_equal "${#lines[@]}" 1
	assert_equal "$(jq -c 'del(.type)' <<<"$output")" \
	    '{"sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":58,"order_by":"2026-11-20","expected":"2026-11-28","reason":"below_reorder_point","unit_cost":"4.00","value":"232.00","currency":"EUR","position":30,"reorder_point":32,"target":88,"cover_days":14}'
	# a longer review period orders more: 4 x (8 + 30) - 30 = 122
	run -0 --separate-stderr wf-po suggest --cover-days 30
	assert_equal "$(field .qty <<<"$output")" 122
}

@test "suggest | create --from-suggestions makes the draft PO; once sent, nothing is suggested" {
	mug_history
	run -0 --separate-stderr bash -c 'wf-po suggest | wf-po create --from-suggestions'
	assert_equal "$(jq -c '[.po, .supplier, .warehouse, .state, .lines[0].sku, .lines[0].qty, .lines[0].unit_cost, .total]' <<<"$output")" \
	    '["PO-2","ACME","BER","draft","MUG-1",58,"4.00","232.00"]'
	# a draft is not on order yet: the suggestion stands until it is sent
	run -0 --separate-stderr wf-po suggest
	assert_equal "$(field .qty <<<"$output")" 58
	wf-po send PO-2 >/dev/null
	# 30 + 58 on order = 88, past the reorder point 32
	run -0 --separate-stderr wf-po suggest
	assert_output ''
}

@test "suggest: above the reorder point, or a SKU that is not active, suggests nothing" {
	mug_history
	wf-stock receive MUG-1 3 --to BER/A-01 >/dev/null
	# 33 > 32
	run -0 --separate-stderr wf-po suggest
	assert_output ''
	wf-stock adjust MUG-1 -3 --at BER/A-01 --reason "broken" >/dev/null
	wf-stock sku discontinue MUG-1 >/dev/null
	run -0 --separate-stderr wf-po suggest
	assert_output ''
}

@test "suggest: orders waiting on stock with no history are covered, and the supplier may be unknown" {
	wf-stock sku add VASE-9 --cost 7.50 >/dev/null
	wf-order import >/dev/null <<-EOF
	{"channel":"shop","external_id":"1","placed_at":"2026-11-19T10:00:00Z","currency":"EUR","lines":[{"sku":"VASE-9","qty":3,"unit_price":"20.00"}]}
	EOF
	# nothing on hand, 3 waiting: position -3, no demand history, reorder
	# point 0; target 0, so 3 to order; nobody has supplied it yet
	run -0 --separate-stderr wf-po suggest
	assert_equal "$(jq -c '[.sku, .warehouse, .supplier, .qty, .expected, .reason, .value]' <<<"$output")" \
	    '["VASE-9","BER",null,3,null,"stockout_now","22.50"]'
	# a suggestion with no supplier cannot become a PO: nothing is made
	run -3 --separate-stderr bash -c 'wf-po suggest | wf-po create --from-suggestions'
	assert_output ''
	assert_equal "$stderr" "wf-po: stdin:1: supplier: none known for VASE-9: it has none of its own and no PO has ordered it yet; set \"supplier\" to the code of the one to order from, or give the SKU one (wf-stock sku add SKU --supplier S) (nothing applied)"
	run -0 sql 'SELECT count(*) FROM po'
	assert_output 0
	# the person sets it, and the PO is made
	run -0 --separate-stderr bash -c "wf-po suggest | jq -c '.supplier = \"ACME\"' | wf-po create --from-suggestions"
	assert_equal "$(jq -c '[.po, .supplier, .lines[0].qty]' <<<"$output")" '["PO-1","ACME",3]'
}

@test "suggest: a SKU's own supplier needs no PO before it, and the pipeline makes the PO" {
	wf-stock sku add VASE-9 --cost 7.50 --supplier ACME >/dev/null
	wf-order import >/dev/null <<-EOF
	{"channel":"shop","external_id":"1","placed_at":"2026-11-19T10:00:00Z","currency":"EUR","lines":[{"sku":"VASE-9","qty":3,"unit_price":"20.00"}]}
	EOF
	# ACME's stated lead time, 8 days, from today: expected on 2026-11-28
	run -0 --separate-stderr wf-po suggest
	assert_equal "$(jq -c '[.sku, .supplier, .qty, .expected]' <<<"$output")" \
	    '["VASE-9","ACME",3,"2026-11-28"]'
	run -0 --separate-stderr bash -c 'wf-po suggest | wf-po create --from-suggestions'
	assert_equal "$(jq -c '[.po, .supplier, .lines[0].sku, .lines[0].qty]' <<<"$output")" \
	    '["PO-1","ACME","VASE-9",3]'
}

@test "suggest: a SKU's own supplier comes before its latest PO's, with that supplier's lead time" {
	mug_history
	wf-po supplier add BETA --name Beta --lead-time 10 >/dev/null
	wf-stock sku add MUG-1 --supplier BETA >/dev/null
	# BETA has never delivered: its stated 10 days, not ACME's measured 8;
	# reorder point 4 x 10 = 40, target 4 x (10 + 14) = 96, less 30: 66
	run -0 --separate-stderr wf-alert risk --sku MUG-1
	assert_equal "$(field '[.supplier, .lead_time_days, .lead_time_source, .reorder_point] | join(" ")' <<<"$output")" \
	    'BETA 10.0 supplier 40'
	run -0 --separate-stderr wf-po suggest
	assert_equal "$(jq -c '[.supplier, .qty, .expected]' <<<"$output")" '["BETA",66,"2026-11-30"]'
	# back to ACME by hand: its measured 8 days again
	wf-stock sku add MUG-1 --supplier ACME >/dev/null
	run -0 --separate-stderr wf-alert risk --sku MUG-1
	assert_equal "$(field '[.supplier, .lead_time_days, .lead_time_source] | join(" ")' <<<"$output")" \
	    'ACME 8.0 measured'
}

@test "create --from-suggestions: one draft PO per supplier and warehouse, all or nothing" {
	wf-stock warehouse add HAM >/dev/null
	wf-po supplier add BETA --name Beta >/dev/null
	wf-stock sku add TEE-M --cost 6.00 >/dev/null
	run -0 --separate-stderr wf-po create --from-suggestions <<-EOF
	{"type":"suggestion","sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":5}
	{"type":"suggestion","sku":"TEE-M","warehouse":"BER","supplier":"BETA","qty":2,"unit_cost":"5.50"}
	{"type":"suggestion","sku":"TEE-M","warehouse":"BER","supplier":"ACME","qty":4}
	{"type":"suggestion","sku":"MUG-1","warehouse":"HAM","supplier":"ACME","qty":1}
	EOF
	assert_equal "$(jq -rs 'map("\(.po) \(.supplier) \(.warehouse) \([.lines[] | "\(.sku):\(.qty)@\(.unit_cost)"] | join(","))") | join("; ")' <<<"$output")" \
	    'PO-1 ACME BER MUG-1:5@4.00,TEE-M:4@6.00; PO-2 BETA BER TEE-M:2@5.50; PO-3 ACME HAM MUG-1:1@4.00'
	# a paused supplier refuses its PO, and none of the others is made
	wf-po supplier pause BETA >/dev/null
	run -1 --separate-stderr wf-po create --from-suggestions <<-EOF
	{"type":"suggestion","sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":5}
	{"type":"suggestion","sku":"TEE-M","warehouse":"BER","supplier":"BETA","qty":2}
	EOF
	assert_equal "$stderr" "wf-po: supplier BETA is paused; resume it before ordering"
	run -0 sql 'SELECT count(*) FROM po'
	assert_output 3
}

@test "create --from-suggestions refuses what it cannot take, naming the line" {
	run -3 --separate-stderr wf-po create --from-suggestions <<-EOF
	{"type":"suggestion","sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":5,"unit_kost":"4.00"}
	EOF
	assert_equal "$stderr" "wf-po: stdin:1: unit_kost: unknown key; did you mean 'unit_cost'? (nothing applied)"
	run -3 --separate-stderr wf-po create --from-suggestions <<-EOF
	{"type":"suggestion","sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":5}
	{"type":"suggestion","sku":"MUG-1","warehouse":"BER","supplier":"ACME","qty":2}
	EOF
	assert_equal "$stderr" "wf-po: stdin:2: sku: MUG-1 is suggested twice for ACME into BER (line 1) (nothing applied)"
	run -3 --separate-stderr wf-po create --from-suggestions </dev/null
	assert_equal "$stderr" "wf-po: stdin: no suggestions: nothing to order"
	run -2 --separate-stderr wf-po create --from-suggestions --supplier ACME </dev/null
	[[ $stderr == *"no lines or other options"* ]]
	run -0 sql 'SELECT count(*) FROM po'
	assert_output 0
}

@test "suggest: options out of range or naming nothing are refused" {
	run -2 --separate-stderr wf-po suggest --cover-days 0
	[[ $stderr == *"--cover-days"* ]]
	run -1 --separate-stderr wf-po suggest --supplier acme
	assert_equal "$stderr" "wf-po: unknown supplier 'acme'; did you mean 'ACME'?"
	run -1 --separate-stderr wf-po suggest --warehouse MUC
	[[ $stderr == *"unknown warehouse 'MUC'"* ]]
	run -2 --separate-stderr wf-po create --warehouse BER MUG-1:1
	assert_equal "$stderr" "wf-po: create: --supplier is required (or --from-suggestions)"
}
