#!/usr/bin/env bats
# wf-order ship: one leg at a time, with the route's carrier; shipments that
# follow the order's pick and pack; what a ship of an order that cannot ship
# is refused by.
#
# The clock is 2026-11-20T09:00:00Z: 10:00 in Berlin.

load helper
load man

setup() {
	wf_setup
	wf_init
	local w
	for w in BER MUC; do
		wf-stock warehouse add "$w" --country DE --timezone Europe/Berlin >/dev/null
		wf-stock bin add "$w/A-01" >/dev/null
	done
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
	wf-stock sku add TEE-M --cost 6.00 --price 19.90 >/dev/null
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	wf-route carrier add MUC ups standard --cutoff 16:00 --transit-days 1 --cost 5.00 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

order() {	# order ID [SKU QTY]... : one generic order line
	local id=$1 lines="" sep=""
	shift
	while [ $# -gt 0 ]; do
		lines="$lines$sep{\"sku\":\"$1\",\"qty\":$2,\"unit_price\":\"12.50\"}"
		sep=,
		shift 2
	done
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE"},"lines":[%s],"payment":{"status":"paid","amount":"29.90"}}\n' "$id" "$lines"
}

state() {	# state REF: the order's fulfilment state
	wf-order show "$1" --format jsonl | head -1 | jq -r .state
}

shipments() {	# shipments: "KEY WAREHOUSE STATE CARRIER SERVICE" per shipment, oldest first
	wf-order shipments --format jsonl | jq -r '[.shipment, .warehouse, .state, .carrier, .service] | map(. // "-") | join(" ")' | tac
}

# A split order: 3 MUG-1, 2 at BER and 1 at MUC, routed over both.
split_order() {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 1 --to MUC/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 3)" >/dev/null
	wf-route --new --split --apply >/dev/null
}

@test "a split order ships one leg at a time, each with its route's carrier and service" {
	split_order
	run -0 --separate-stderr wf-order ship shop:1 --warehouse MUC --tracking 1Z9 --format jsonl
	assert_line -n 0 '{"type":"shipment","shipment":"SH-1","order":"shop:1","warehouse":"MUC","state":"shipped","carrier":"ups","service":"standard","tracking":"1Z9","cost":null,"currency":null,"shipped_at":"2026-11-20T09:00:00Z","delivered_at":null,"lines":[{"sku":"MUG-1","qty":1}],"owner":"fulfilment"}'
	assert_line -n 1 --partial '"state":"reserved"'
	assert_equal "$stderr" ''
	run -0 --separate-stderr wf-order ship shop:1 --warehouse BER --tracking JD1 --format jsonl
	assert_line -n 0 --partial '"shipment":"SH-2","order":"shop:1","warehouse":"BER","state":"shipped","carrier":"dhl","service":"parcel","tracking":"JD1"'
	assert_line -n 1 --partial '"state":"shipped"'
	run -0 wf log order shop:1 --format jsonl
	assert_line --partial '"action":"ship_leg","machine":null,"from":null,"to":null,"data":{"shipment":"SH-1","warehouse":"MUC","lines_open":1}'
	assert_line --partial '"action":"ship","machine":"order","from":"reserved","to":"shipped","data":{"shipment":"SH-2","warehouse":"BER"}'
}

@test "an order held at several warehouses needs --warehouse, and a warehouse it holds nothing at is refused" {
	split_order
	run -2 --separate-stderr wf-order ship shop:1 --carrier dhl
	assert_equal "$stderr" "wf-order: warehouse: order shop:1 is held at BER, MUC: ship each leg with --warehouse WH"
	wf-stock warehouse add HAM --country DE >/dev/null
	run -1 --separate-stderr wf-order ship shop:1 --warehouse HAM
	assert_equal "$stderr" "wf-order: order shop:1 holds nothing at HAM (it is held at BER, MUC)"
	run -1 --separate-stderr wf-order ship shop:1 --warehouse NOPE
	assert_output ''
	assert_equal "$(state shop:1)" reserved
	run -0 sql "SELECT count(*) FROM shipment"
	assert_output 0
}

@test "an explicit carrier and service override the route's" {
	split_order
	run -0 --separate-stderr wf-order ship shop:1 --warehouse BER --carrier ups --service express --format jsonl
	assert_line -n 0 --partial '"warehouse":"BER","state":"shipped","carrier":"ups","service":"express"'
	assert_equal "$stderr" ''
	run -0 --separate-stderr wf-order ship shop:1 --warehouse MUC --carrier dhl --format jsonl
	# another carrier than the route's: its service is not the route's
	assert_line -n 0 --partial '"warehouse":"MUC","state":"shipped","carrier":"dhl","service":null'
}

@test "a carrier no warehouse has set up ships, with a note naming those that are" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order ship shop:1 --carrier dhll --format jsonl
	assert_line -n 0 --partial '"carrier":"dhll"'
	assert_equal "$stderr" "wf-order: no warehouse has set up carrier 'dhll'; shipped with it anyway (did you mean 'dhl'? set up: dhl, ups)"
}

@test "a carrier unlike any set up is named with the list alone" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order ship shop:1 --carrier gls --format jsonl
	assert_equal "$stderr" "wf-order: no warehouse has set up carrier 'gls'; shipped with it anyway (set up: dhl, ups)"
}

@test "without a route or --carrier there is no carrier to ship with" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -2 --separate-stderr wf-order ship shop:1
	assert_equal "$stderr" "wf-order: carrier: required: no route chose one for shop:1 at BER"
	assert_equal "$(state shop:1)" reserved
}

@test "shipping a new order is refused by the order's state, before any option is looked at" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	run -1 --separate-stderr wf-order ship shop:1
	assert_output ''
	assert_equal "$stderr" "wf-order: order shop:1: cannot ship when new (legal from new: promise, close_external, reserve, hold, cancel)"
	run -1 --separate-stderr wf-order ship shop:1 --carrier dhl --warehouse NOPE --cost -1
	assert_equal "$stderr" "wf-order: order shop:1: cannot ship when new (legal from new: promise, close_external, reserve, hold, cancel)"
	run -1 --separate-stderr wf-order apply <<<'{"type":"order_event","order":"shop:1","action":"ship","carrier":"dhl"}'
	assert_equal "$stderr" "wf-order: stdin:1: order shop:1: cannot ship when new (legal from new: promise, close_external, reserve, hold, cancel) (nothing applied)"
	assert_equal "$(state shop:1)" new
	run -0 sql "SELECT (SELECT count(*) FROM shipment), (SELECT count(*) FROM movement WHERE action <> 'receive')"
	assert_output '0|0'
}

@test "show in CSV: the order, then its lines, shipments and returns, each under a header of its own" {
	split_order
	wf-order ship shop:1 --warehouse MUC >/dev/null
	wf-order ship shop:1 --warehouse BER >/dev/null
	wf-order return open shop:1 --sku MUG-1 --qty 1 --reason 'too small' >/dev/null
	run -0 --separate-stderr wf-order show shop:1 --format csv
	assert_equal "$stderr" ''
	# each block: a header line, then its rows (bats drops the blank lines between)
	assert_equal "$(grep -c '^type,' <<<"$output")" 5
	assert_line -n 0 --regexp '^type,order,channel,.*,lines,unshipped$'
	assert_line -n 1 --regexp '^order,shop:1,shop,1,shipped,.*,1,\[\]$'
	assert_line -n 2 --regexp '^type,order,line,sku,'
	assert_line -n 3 --regexp '^order\.lines,shop:1,1,MUG-1,'
	assert_line -n 4 --regexp '^type,shipment,order,warehouse,state,'
	assert_line --regexp '^shipment,SH-1,shop:1,MUC,shipped,ups,standard,'
	assert_line --regexp '^shipment,SH-2,shop:1,BER,shipped,dhl,parcel,'
	assert_line --regexp '^type,return,order,sku,qty,'
	assert_line --regexp '^return,RMA-1,shop:1,MUG-1,1,too small,authorised,'
}

@test "pick opens a shipment per warehouse and picks it; pack packs it; ship ships it" {
	split_order
	wf-order pick shop:1 >/dev/null
	run -0 shipments
	assert_output $'SH-1 BER picked dhl parcel\nSH-2 MUC picked ups standard'
	wf-order pack shop:1 >/dev/null
	run -0 shipments
	assert_output $'SH-1 BER packed dhl parcel\nSH-2 MUC packed ups standard'
	wf-order ship shop:1 --warehouse MUC >/dev/null
	wf-order ship shop:1 --warehouse BER >/dev/null
	run -0 shipments
	assert_output $'SH-1 BER shipped dhl parcel\nSH-2 MUC shipped ups standard'
	run -0 wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r '"\(.action) \(.from) \(.to)"' <<<"$output" | tr '\n' ',')" \
		'create null planned,pick planned picked,pack picked packed,ship packed shipped,'
}

@test "a shipment opened by a pick without a route gets its carrier when it ships" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 2)" >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-order pick shop:1 >/dev/null
	run -0 shipments
	assert_output 'SH-1 BER picked - -'
	run -0 --separate-stderr wf-order ship shop:1 --carrier dhl --tracking JD7 --cost 3.90 --format jsonl
	assert_line -n 0 --partial '"shipment":"SH-1","order":"shop:1","warehouse":"BER","state":"shipped","carrier":"dhl","service":null,"tracking":"JD7","cost":"3.90","currency":"EUR"'
	run -0 wf log shipment SH-1 --format jsonl
	assert_line --partial '"action":"ship","machine":"shipment","from":"picked","to":"shipped","data":{"carrier":"dhl","service":null,"tracking":"JD7"}'
}

@test "cancelling a picked order cancels its shipments and puts the stock back" {
	split_order
	wf-order pick shop:1 >/dev/null
	run -0 --separate-stderr wf-order cancel shop:1 --reason "customer asked"
	assert_output --partial '"state":"cancelled"'
	run -0 shipments
	assert_output $'SH-1 BER cancelled dhl parcel\nSH-2 MUC cancelled ups standard'
	run -0 --separate-stderr wf-order shipments --state cancelled --format jsonl
	assert_equal "${#lines[@]}" 2
	assert_equal "$(wf-stock levels --sku MUG-1 --format jsonl | jq -s 'map(.available) | add')" 3
}

@test "a leg shipped, the rest cancelled: the shipped units stay shipped" {
	split_order
	wf-order ship shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order cancel shop:1 --reason "out of patience"
	assert_output --partial '"state":"cancelled"'
	run -0 sql "SELECT qty_shipped FROM order_line"
	assert_output 2
	assert_equal "$(wf-stock levels --sku MUG-1 --warehouse MUC --format jsonl | jq .available)" 1
}

@test "unreserve puts the units back, drops the legs, and the order can be routed again" {
	split_order
	run -0 --separate-stderr wf-order unreserve shop:1
	assert_output --partial '"state":"new"'
	run -0 sql "SELECT count(*) FROM order_route"
	assert_output 0
	assert_equal "$(wf-stock levels --sku MUG-1 --format jsonl | jq -s 'map(.reserved) | add')" 0
	run -0 wf log order shop:1 --format jsonl
	assert_line --partial '"action":"unreserve","machine":"order","from":"reserved","to":"new","data":{"units_released":3}'
	run -0 --separate-stderr wf-route --new --split --apply --format jsonl
	assert_output --partial '"result":"split"'
}

@test "the ship and unreserve commands are in --help and the man page" {
	run -0 --separate-stderr wf-order --help
	assert_line --regexp '^  wf-order ship REF \[--warehouse WH\] \[--carrier C\] '
	assert_line --regexp '^  wf-order unreserve REF'
	run -0 man_commands "$MAN_DIR/wf-order.1"
	assert_line $'opt\tship\t--warehouse'
	assert_line $'entry\tunreserve'
}

@test "an option given empty is refused by name, not taken for none or left to the database" {
	wf-stock receive MUG-1 2 --to BER/A-01 >/dev/null
	wf-order import <<<"$(order 1 MUG-1 1)" >/dev/null
	run -2 --separate-stderr wf-order invoice shop:1 --number ''
	assert_equal "$stderr" 'wf-order: number: must not be empty'
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -2 --separate-stderr wf-order ship shop:1 --carrier ''
	assert_equal "$stderr" 'wf-order: carrier: must not be empty'
	run -2 --separate-stderr wf-order ship shop:1 --carrier dhl --tracking ''
	assert_equal "$stderr" 'wf-order: tracking: must not be empty'
	assert_equal "$(state shop:1)" reserved
}
