#!/usr/bin/env bats
# wf-stock --ref is free text, never an order or a purchase order (issue 13
# item 3); no balance, total or value past what Workform keeps (issue 13
# item 8); PO receipts round the moving average cost half away from zero
# (issue 13 item 9).

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add BER/B-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
}

teardown() {
	# every scenario leaves the ledger and the records in agreement
	run -0 --separate-stderr wf check
	assert_output ''
}

order() {	# order ID QTY: one generic order of QTY MUG-1
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":%s,"unit_price":"12.50"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}\n' "$1" "$2"
}

movements() {
	sql "SELECT count(*) FROM movement"
}

# ---- --ref naming an order or a PO ------------------------------------------------

@test "reserve, unreserve, pick, pack and ship --ref an existing order are refused, naming wf-order" {
	order 1001 2 | wf-order import >/dev/null
	before=$(movements)
	run -1 --separate-stderr wf-stock reserve MUG-1 2 --warehouse BER --ref shop:1001
	assert_output ''
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: reserve it with 'wf-order reserve shop:1001 --warehouse BER'; --ref names anything else"
	run -1 --separate-stderr wf-stock unreserve MUG-1 2 --warehouse BER --ref shop:1001
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: its units go back when it is cancelled ('wf-order cancel shop:1001 --reason TEXT'); --ref names anything else"
	run -1 --separate-stderr wf-stock pick MUG-1 2 --warehouse BER --ref shop:1001
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: pick it with 'wf-order pick shop:1001'; --ref names anything else"
	run -1 --separate-stderr wf-stock pack MUG-1 2 --warehouse BER --ref shop:1001
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: pack it with 'wf-order pack shop:1001'; --ref names anything else"
	run -1 --separate-stderr wf-stock ship MUG-1 2 --warehouse BER --ref shop:1001
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: ship it with 'wf-order ship shop:1001 --carrier C'; --ref names anything else"
	run -0 movements
	assert_output "$before"
}

@test "receive and reserve --ref an existing purchase order are refused, naming wf-po" {
	wf-po supplier add ACME --name Acme >/dev/null
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	run -1 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --ref PO-1
	assert_output ''
	assert_equal "$stderr" "wf-stock: PO-1 is a purchase order: its stock moves only with wf-po ('wf-po receive PO-1 MUG-1 QTY', 'wf-po cancel PO-1 --reason TEXT'); --ref names anything else"
	# a key in another case names the same PO
	run -1 --separate-stderr wf-stock reserve MUG-1 1 --warehouse BER --ref po-1
	assert_output ''
	assert_equal "$stderr" "wf-stock: po-1 is a purchase order: its stock moves only with wf-po ('wf-po receive po-1 MUG-1 QTY', 'wf-po cancel po-1 --reason TEXT'); --ref names anything else"
	run -0 movements
	assert_output 1
}

@test "a ref that names no record stays free text: a PO key before the PO exists, a delivery note" {
	run -0 --separate-stderr wf-stock receive MUG-1 1 --to BER/A-01 --ref PO-9
	assert_output --partial '"holder":null,"ref":"PO-9"'
	run -0 --separate-stderr wf-stock reserve MUG-1 2 --warehouse BER --ref 'trade fair'
	assert_output --partial '"ref":"trade fair","action":"reserve","requested":2,"qty":2'
	run -0 sql "SELECT holder FROM held WHERE state = 'reserved'"
	assert_output 'ref trade fair'
	run -0 --separate-stderr wf-stock ledger --sku MUG-1
	assert_line -n 2 --partial '"to_state":"reserved","holder":"ref trade fair","ref":"trade fair"'
}

@test "an order made later with a free ref's key holds none of its units" {
	run -0 --separate-stderr wf-stock reserve MUG-1 2 --warehouse BER --ref shop:1001
	order 1001 3 | wf-order import >/dev/null
	# the order reserves its own three, next to the two the free ref holds
	run -0 --separate-stderr wf-order reserve shop:1001 --warehouse BER
	assert_output --partial '"state":"reserved"'
	run -0 sql "SELECT holder, qty FROM held WHERE state = 'reserved' ORDER BY holder"
	assert_output $'ref shop:1001|2\nshop:1001|3'
	# the free ref's units stay its own to give back; the order's stay put
	run -0 --separate-stderr wf-stock unreserve MUG-1 2 --warehouse BER --ref shop:1001
	assert_output --partial '"action":"unreserve","requested":2,"qty":2'
	run -0 sql "SELECT holder, qty FROM held WHERE state = 'reserved'"
	assert_output 'shop:1001|3'
	# and once they are back, the key is the order's
	run -1 --separate-stderr wf-stock unreserve MUG-1 1 --warehouse BER --ref shop:1001
	assert_equal "$stderr" "wf-stock: shop:1001 is an order: its units go back when it is cancelled ('wf-order cancel shop:1001 --reason TEXT'); --ref names anything else"
}

@test "a free ref's held units go through pick, pack and ship on their own" {
	wf-stock reserve MUG-1 2 --warehouse BER --ref showroom >/dev/null
	wf-stock pick MUG-1 2 --warehouse BER --ref showroom >/dev/null
	wf-stock pack MUG-1 2 --warehouse BER --ref showroom >/dev/null
	run -0 --separate-stderr wf-stock ship MUG-1 2 --warehouse BER --ref showroom
	assert_output --partial '"type":"handling"'
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --warehouse BER
	assert_output --partial '"on_hand":8,"reserved":0,"available":8'
}

# ---- limits: 2^53 - 1 units, the largest amount ------------------------------------

@test "no movement takes a SKU's stock past 2^53 - 1 units, across bins" {
	wf-stock sku add N-1 >/dev/null
	run -0 --separate-stderr wf-stock receive N-1 9007199254740990 --to BER/A-01
	run -1 --separate-stderr wf-stock receive N-1 2 --to BER/B-01
	assert_output ''
	assert_equal "$stderr" "wf-stock: N-1 has 9007199254740990 units; 2 more would take its stock past 9007199254740991, the most Workform keeps"
	run -1 --separate-stderr wf-stock adjust N-1 2 --at BER/B-01 --reason found
	assert_equal "$stderr" "wf-stock: N-1 has 9007199254740990 units; 2 more would take its stock past 9007199254740991, the most Workform keeps"
	# up to the limit exactly, and moving within it, is fine
	run -0 --separate-stderr wf-stock receive N-1 1 --to BER/B-01
	run -0 --separate-stderr wf-stock move N-1 1 --from BER/B-01 --to BER/A-01
	run -0 --separate-stderr wf-stock levels --sku N-1
	assert_output --partial '"on_hand":9007199254740991,'
}

@test "the schema refuses a balance past 2^53 - 1 even from SQL" {
	run sql "INSERT INTO balance (sku_id, bin_id, state, holder, qty) SELECT s.id, b.id, 'on_hand', '', 9007199254740992 FROM sku s, bin b WHERE s.code = 'MUG-1' AND b.code = 'B-01'"
	assert_failure
	assert_output --partial 'a balance cannot pass 9007199254740991 units'
}

@test "wf-stock value past the largest amount prints nothing and says so" {
	wf-stock sku add BIG-1 --cost 90000000000000.00 >/dev/null
	wf-stock receive BIG-1 1000000 --to BER/A-01 >/dev/null
	run -1 --separate-stderr wf-stock value
	assert_output ''
	assert_equal "$stderr" "wf-stock: the value of BIG-1 at BER, 1000000 units at 90000000000000.00, is past the largest amount Workform keeps (90071992547409.91 EUR); nothing was printed"
}

@test "wf-stock value whose total alone is past the largest amount prints nothing" {
	wf-stock sku add BIG-1 --cost 90000000000000.00 >/dev/null
	wf-stock sku add BIG-2 --cost 90000000000000.00 >/dev/null
	wf-stock receive BIG-1 1 --to BER/A-01 >/dev/null
	wf-stock receive BIG-2 1 --to BER/A-01 >/dev/null
	run -1 --separate-stderr wf-stock value --warehouse BER
	assert_output ''
	assert_equal "$stderr" "wf-stock: the total value in EUR is past the largest amount Workform keeps (90071992547409.91 EUR); nothing was printed"
}

@test "wf-stock value whose units add up past 2^53 - 1 prints nothing" {
	wf-stock sku add Z-1 --cost 0 >/dev/null
	wf-stock sku add Z-2 --cost 0 >/dev/null
	wf-stock receive Z-1 9007199254740991 --to BER/A-01 >/dev/null
	wf-stock receive Z-2 9007199254740991 --to BER/B-01 >/dev/null
	run -1 --separate-stderr wf-stock value
	assert_output ''
	assert_equal "$stderr" "wf-stock: the units valued in EUR add up past 9007199254740991; nothing was printed"
	# each SKU alone is within the limit and shows
	run -0 --separate-stderr wf-stock levels --by sku
	assert_line '{"type":"level","sku":"Z-2","on_hand":9007199254740991,"reserved":0,"available":9007199254740991,"promised":0,"atp":9007199254740991,"inbound":0,"picked":0,"packed":0,"damaged":0,"returned":0,"quarantine":0,"unusable":0}'
}

# ---- moving average cost: rounding, not truncation ----------------------------------

avg_cost() {
	sql "SELECT avg_cost FROM sku WHERE code = '$1'"
}

@test "PO receipts round the average cost half away from zero where truncation differs" {
	wf-po supplier add ACME --name Acme >/dev/null
	wf-stock sku add CUP-1 --cost 4.00 >/dev/null
	wf-stock receive CUP-1 1 --to BER/A-01 --cost 4.00 >/dev/null
	wf-po create --supplier ACME --warehouse BER CUP-1:3@4.01 >/dev/null
	wf-po send PO-1 >/dev/null
	wf-po receive PO-1 CUP-1 1 >/dev/null
	# (1 x 4.00 + 1 x 4.01) / 2 = 4.005: exactly half way, up (truncation and
	# half-to-even both say 4.00)
	run -0 avg_cost CUP-1
	assert_output 401
	wf-po receive PO-1 CUP-1 1 >/dev/null
	# (2 x 4.01 + 1 x 4.01) / 3 = 4.01 exactly
	run -0 avg_cost CUP-1
	assert_output 401
	wf-po receive PO-1 CUP-1 1 >/dev/null
	run -0 avg_cost CUP-1
	assert_output 401
}

@test "PO receipts round two thirds up where truncation would drop it" {
	wf-po supplier add ACME --name Acme >/dev/null
	wf-stock sku add CUP-1 --cost 4.00 >/dev/null
	wf-stock receive CUP-1 1 --to BER/A-01 --cost 4.00 >/dev/null
	wf-po create --supplier ACME --warehouse BER CUP-1:2@4.01 >/dev/null
	wf-po send PO-1 >/dev/null
	wf-po receive PO-1 CUP-1 2 >/dev/null
	# (400 + 2 x 401) / 3 = 400.67: 401, not 400
	run -0 avg_cost CUP-1
	assert_output 401
	wf-stock sku add CUP-2 --cost 1.00 >/dev/null
	wf-stock receive CUP-2 2 --to BER/A-01 --cost 1.00 >/dev/null
	wf-po create --supplier ACME --warehouse BER CUP-2:1@1.01 >/dev/null
	wf-po send PO-2 >/dev/null
	wf-po receive PO-2 CUP-2 1 >/dev/null
	# (2 x 100 + 101) / 3 = 100.33: 100, rounding down below half way
	run -0 avg_cost CUP-2
	assert_output 100
	run -0 --separate-stderr wf-stock value --warehouse BER
	assert_line '{"type":"value","sku":"CUP-1","warehouse":"BER","qty":3,"unit_cost":"4.01","value":"12.03","currency":"EUR"}'
}

@test "a half-way average in a currency without minor units rounds up too" {
	wf-po supplier add ACME --name Acme >/dev/null
	wf-stock sku add YEN-1 --currency JPY --cost 500 >/dev/null
	wf-stock receive YEN-1 1 --to BER/A-01 --cost 500 >/dev/null
	wf-po create --supplier ACME --warehouse BER YEN-1:1@501 >/dev/null
	wf-po send PO-1 >/dev/null
	wf-po receive PO-1 YEN-1 1 >/dev/null
	# (500 + 501) / 2 = 500.5 yen: 501
	run -0 avg_cost YEN-1
	assert_output 501
}
