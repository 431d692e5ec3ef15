#!/usr/bin/env bats
# wf-route: the carrier rules, deciding (reasons, policies, cutoffs, time
# zones, capacity, splits), explaining, applying, exceptions, concurrency.
#
# The clock is 2026-11-20T09:00:00Z: 10:00 in Berlin, 04:00 in New York.

load helper
load man

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE --timezone Europe/Berlin >/dev/null
	wf-stock warehouse add MUC --country DE --timezone Europe/Berlin >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
	wf-stock sku add TEE-M --cost 6.00 --price 19.90 >/dev/null
}

teardown() {
	# every scenario leaves the ledger, the orders and the legs in agreement
	run -0 --separate-stderr wf check
	assert_output ''
}

# order ID [SKU QTY]...: one generic order; $COUNTRY (default DE, "" for no
# ship-to) and $PROMISE (default 2026-11-23T18:00:00Z, "" for none).
order() {
	local id=$1 lines="" sep="" ship promise
	shift
	while [ $# -gt 0 ]; do
		lines="$lines$sep{\"sku\":\"$1\",\"qty\":$2,\"unit_price\":\"12.50\"}"
		sep=,
		shift 2
	done
	ship='"ship_to":{"name":"Ann","country":"'"${COUNTRY-DE}"'","postcode":"10115","city":"Berlin"},'
	[ -n "${COUNTRY-DE}" ] || ship=''
	promise='"promise_by":"'"${PROMISE-2026-11-23T18:00:00Z}"'",'
	[ -n "${PROMISE-x}" ] || promise=''
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:%02d:00Z","currency":"EUR",%s%s"lines":[%s],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}\n' \
		"$id" "$((10#${id: -2} % 60))" "$ship" "$promise" "$lines"
}

import() {	# import ID [SKU QTY]...
	order "$@" | wf-order import >/dev/null
}

service() {	# service WH CARRIER SERVICE CUTOFF DAYS COST [COUNTRIES]
	wf-route carrier add "$1" "$2" "$3" --cutoff "$4" --transit-days "$5" --cost "$6" \
		${7+--countries "$7"} >/dev/null
}

stock() {	# stock SKU QTY WH [COST]
	wf-stock receive "$1" "$2" --to "$3/A-01" ${4+--cost "$4"} >/dev/null
}

state() {	# state REF: fulfilment state
	wf-order show "$1" | head -1 | jq -r .state
}

# route ARGS...: decide quietly and print "order result warehouse carrier
# service ship_by" per order: the orders named, else (--new) every new one.
route() {
	local a new=--new
	for a in "$@"; do
		case $a in *:*) new= ;; esac
	done
	wf-route --format jsonl $new "$@" </dev/null |
		jq -r '[.order, .result, .warehouse, .carrier, .service, .ship_by] | map(. // "-") | join(" ")'
}

reserved() {	# reserved SKU WH: units reserved there
	wf-stock levels --sku "$1" --warehouse "$2" | jq -r .reserved
}

# ---- carrier rules -------------------------------------------------------------

@test "carrier add creates a service, is unchanged the second time, and updates with an event" {
	run -0 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 \
		--transit-days 2 --cost 4.10 --countries de,at --format jsonl
	assert_output '{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"parcel","result":"created","cutoff":"14:00","transit_days":2,"cost":"4.10","currency":"EUR","countries":["DE","AT"]}'
	run -0 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 \
		--transit-days 2 --cost 4.10 --countries DE,AT --format jsonl
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 9:30 \
		--transit-days 2 --cost 4.50 --format jsonl
	assert_output '{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"parcel","result":"updated","cutoff":"09:30","transit_days":2,"cost":"4.50","currency":"EUR","countries":["DE","AT"]}'
	run -0 sql "SELECT action, data FROM event WHERE record_type = 'carrier' ORDER BY id"
	assert_line -n 0 --partial 'create|{"warehouse":"BER","carrier":"dhl","service":"parcel","cutoff":"14:00"'
	assert_line -n 1 'update|{"cutoff":{"from":"14:00","to":"09:30"},"cost":{"from":"4.10","to":"4.50"}}'
	assert_equal "${#lines[@]}" 2
}

@test "carrier add refuses bad values, naming them, and an unknown warehouse" {
	run -2 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 24:00 --transit-days 2 --cost 4.10
	assert_equal "$stderr" "wf-route: cutoff: expected HH:MM from 00:00 to 23:59, got '24:00'"
	run -2 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.101
	assert_equal "$stderr" "wf-route: cost: '4.101' has more decimals than EUR allows (2)"
	run -2 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4 --countries DEU
	assert_equal "$stderr" "wf-route: countries: expected ISO 3166 codes like DE,AT, got 'DEU'"
	run -2 --separate-stderr wf-route carrier add BER 'd h l' parcel --cutoff 14:00 --transit-days 2 --cost 4
	assert_output ''
	run -2 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days -1 --cost 4
	assert_equal "$stderr" "wf-route: --transit-days: expected an integer from 0 to 365, got '-1'"
	run -1 --separate-stderr wf-route carrier add HAM dhl parcel --cutoff 14:00 --transit-days 2 --cost 4
	assert_equal "$stderr" "wf-route: unknown warehouse 'HAM'"
	run -0 sql "SELECT count(*) FROM carrier_service"
	assert_output 0
}

@test "carrier list exports capacities and services; importing the export changes nothing" {
	wf-stock warehouse add BER --capacity 500 >/dev/null
	service BER dhl parcel 14:00 2 4.10 DE,AT
	service MUC ups standard 16:00 1 5.00
	run -0 --separate-stderr wf-route carrier list --format jsonl
	assert_output - <<'EOF'
{"type":"capacity","warehouse":"BER","timezone":"Europe/Berlin","orders_per_day":500}
{"type":"capacity","warehouse":"MUC","timezone":"Europe/Berlin","orders_per_day":null}
{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"parcel","cutoff":"14:00","transit_days":2,"cost":"4.10","currency":"EUR","countries":["DE","AT"]}
{"type":"carrier_service","warehouse":"MUC","carrier":"ups","service":"standard","cutoff":"16:00","transit_days":1,"cost":"5.00","currency":"EUR","countries":[]}
EOF
	wf-route carrier list --format jsonl >"$BATS_TEST_TMPDIR/rules"
	run -0 --separate-stderr wf-route carrier import --format jsonl <"$BATS_TEST_TMPDIR/rules"
	assert_equal "$(jq -r .result <<<"$output" | sort | uniq -c | tr -s ' ')" ' 4 unchanged'
}

@test "carrier import brings another database to the same rules" {
	wf-stock warehouse add BER --capacity 500 >/dev/null
	service BER dhl parcel 14:00 2 4.10 DE,AT
	wf-route carrier list --format jsonl >"$BATS_TEST_TMPDIR/rules"
	export WF_DB=$BATS_TEST_TMPDIR/other.db
	wf_init
	wf-stock warehouse add BER >/dev/null
	wf-stock warehouse add MUC --timezone Europe/Berlin >/dev/null
	run -0 --separate-stderr wf-route carrier import --format jsonl <"$BATS_TEST_TMPDIR/rules"
	assert_line -n 0 --partial '{"type":"warehouse","warehouse":"BER","result":"updated"'
	assert_line -n 2 --partial '{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"parcel","result":"created"'
	wf-route carrier list --format jsonl >"$BATS_TEST_TMPDIR/again"
	diff "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/again"
	run -0 wf check
}

@test "carrier import never creates a warehouse and cannot lift a limit" {
	wf-stock warehouse add BER --capacity 500 >/dev/null
	run -1 --separate-stderr wf-route carrier import <<<'{"type":"capacity","warehouse":"HAM","orders_per_day":5}'
	assert_equal "$stderr" "wf-route: stdin:1: unknown warehouse 'HAM' (nothing applied)"
	run -3 --separate-stderr wf-route carrier import <<<'{"type":"capacity","warehouse":"BER","orders_per_day":null}'
	assert_equal "$stderr" "wf-route: stdin:1: orders_per_day: BER ships at most 500 orders a day; a rules file cannot lift the limit (nothing applied)"
	run -3 --separate-stderr wf-route carrier import <<<'{"type":"rule","warehouse":"BER"}'
	assert_equal "$stderr" 'wf-route: stdin:1: type: expected "carrier_service" or "capacity", got "rule" (nothing applied)'
	run -3 --separate-stderr wf-route carrier import --strict <<<'{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"p","cutoff":"14:00","transit_days":1,"cost":"1.00","colour":"red"}'
	assert_output ''
	run -0 sql "SELECT capacity FROM warehouse WHERE code = 'BER'; SELECT count(*) FROM carrier_service"
	assert_output $'500\n0'
}

@test "carrier remove deletes a service with an event that keeps it" {
	service BER dhl parcel 14:00 2 4.10
	run -0 --separate-stderr wf-route carrier remove BER dhl parcel --format jsonl
	assert_output --partial '"result":"removed"'
	run -1 --separate-stderr wf-route carrier remove BER dhl parcel
	assert_equal "$stderr" "wf-route: no carrier service dhl/parcel at BER"
	run -0 sql "SELECT action FROM event WHERE record_type = 'carrier' ORDER BY id"
	assert_output $'create\nremove'
}

# ---- deciding: the failure reasons -------------------------------------------------

@test "no_stock: a warehouse short of a line fails, saying what it has" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 1 BER
	import 1001 MUG-1 2
	stock TEE-M 1 BER
	import 1002 MUG-1 1 TEE-M 3
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -c '[.result, .reasons, [.candidates[] | [.warehouse, .carrier, .result, .detail]]]' <<<"$output")" \
		'["unroutable",["no_stock"],[["BER","dhl","no_stock","MUG-1: 1 available, 2 needed"],["MUC",null,"no_stock","MUG-1: 0 available, 2 needed"]]]
["unroutable",["no_stock"],[["BER","dhl","no_stock","TEE-M: 1 available, 3 needed"],["MUC",null,"no_stock","MUG-1: 0 available, 1 needed; TEE-M: 0 available, 3 needed"]]]'
}

@test "a warehouse without a carrier service is a candidate that fails no_service" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 MUC
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -c '[.reasons, .candidates[1]]' <<<"$output")" \
		'[["no_stock","no_service"],{"warehouse":"MUC","carrier":null,"service":null,"result":"no_service","detail":"MUC has no carrier service","ship_by":null,"promise":null,"cost":null,"currency":null,"margin":null,"rank":null}]'
}

@test "no_service: a service must cover the ship-to country, and an order without one needs an every-country service" {
	service BER dhl parcel 14:00 2 4.10 AT
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	COUNTRY='' import 1002 MUG-1 1
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -c '[.order, .result, .candidates[0].detail]' <<<"$output")" \
		'["shop:1001","unroutable","dhl/parcel does not ship to DE (only AT)"]
["shop:1002","unroutable","the order has no ship-to country; dhl/parcel ships only to AT"]'
	service BER dhl world 14:00 2 9.90 ''
	run -0 route
	assert_output $'shop:1001 routed BER dhl world 2026-11-20T13:00:00Z\nshop:1002 routed BER dhl world 2026-11-20T13:00:00Z'
}

@test "no_service: a service priced in another currency cannot be compared" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 --currency USD >/dev/null
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '.candidates[0] | .result + ": " + .detail' <<<"$output")" \
		'no_service: dhl/parcel is priced in USD; the order is in EUR'
}

@test "no_capacity: a warehouse with no orders left to ship fails" {
	wf-stock warehouse add BER --capacity 0 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '.candidates[0] | .result + ": " + .detail' <<<"$output")" \
		'no_capacity: BER ships 0 orders a day: full on 2026-11-20 and 2026-11-21'
}

@test "late: a promise after the order's promise_by fails" {
	service BER dhl parcel 14:00 4 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '.candidates[0] | .result + ": " + .detail' <<<"$output")" \
		'late: promise 2026-11-24T13:00:00Z is after promise_by 2026-11-23T18:00:00Z'
	PROMISE='' import 1002 MUG-1 1
	run -0 route shop:1002
	assert_output 'shop:1002 routed BER dhl parcel 2026-11-20T13:00:00Z'
}

@test "the reasons are checked in order: stock, service, capacity, promise" {
	wf-stock warehouse add BER --capacity 0 >/dev/null
	service BER dhl parcel 14:00 9 4.10 AT
	import 1001 MUG-1 1
	run -0 --separate-stderr wf-route --explain --format jsonl shop:1001
	assert_equal "$(jq -r '.candidates[0].result' <<<"$output")" no_stock
	stock MUG-1 5 BER
	run -0 --separate-stderr wf-route --explain --format jsonl shop:1001
	assert_equal "$(jq -r '.candidates[0].result' <<<"$output")" no_service
	service BER dhl parcel 14:00 9 4.10 ''
	run -0 --separate-stderr wf-route --explain --format jsonl shop:1001
	assert_equal "$(jq -r '.candidates[0].result' <<<"$output")" no_capacity
	wf-stock warehouse add BER --capacity 10 >/dev/null
	run -0 --separate-stderr wf-route --explain --format jsonl shop:1001
	assert_equal "$(jq -r '.candidates[0].result' <<<"$output")" late
}

@test "unknown_sku: a line the catalogue does not know makes the order unroutable" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	sql "UPDATE order_line SET sku_id = NULL, sku = 'MUG-9'"
	run -0 --separate-stderr wf-route --apply --format jsonl shop:1001
	assert_equal "$(jq -c '[.result, .reasons]' <<<"$output")" '["unroutable",["unknown_sku"]]'
	run -0 sql "SELECT subject_type, subject_ref, next_action FROM exception"
	assert_output 'sku|MUG-9|Add MUG-9 to the catalogue (wf-stock sku add MUG-9), then route the 1 order again (wf-route --new --apply)'
	sql "UPDATE order_line SET sku_id = (SELECT id FROM sku WHERE code = 'MUG-1'), sku = 'MUG-1'"
	run -0 route --apply shop:1001
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
}

# ---- deciding: policies and tie-breaks --------------------------------------------

# Three warehouses where each policy picks another: BER ships cheapest, HAM
# fastest, and MUC's stock cost least to buy (its landed cost), so it earns
# the most.
three_ways() {
	wf-stock warehouse add HAM --country DE --timezone Europe/Berlin >/dev/null
	wf-stock bin add HAM/A-01 >/dev/null
	service BER dhl parcel 14:00 3 3.00
	service MUC dhl parcel 14:00 2 6.00
	service HAM ups express 14:00 1 9.00
	stock MUG-1 5 BER 10.00
	stock MUG-1 5 MUC 4.00
	stock MUG-1 5 HAM 10.00
	import 1001 MUG-1 2
}

@test "policy cheapest picks the lowest shipping cost" {
	three_ways
	run -0 route --policy cheapest
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
}

@test "policy fastest picks the earliest promise" {
	three_ways
	run -0 route --policy fastest
	assert_output 'shop:1001 routed HAM ups express 2026-11-20T13:00:00Z'
}

@test "policy margin (the default) picks the highest revenue - landed cost of goods - shipping" {
	three_ways
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '[.warehouse, .margin, .cost] | join(" ")' <<<"$output")" 'MUC 11.00 6.00'
	assert_equal "$(jq -r '.candidates[] | [.warehouse, .margin, .rank] | join(" ")' <<<"$output")" \
		$'BER 2.00 2\nHAM -4.00 3\nMUC 11.00 1'
}

@test "without landed costs, margin uses the SKU's average cost, else its cost" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --format jsonl shop:1001
	assert_equal "$(jq -r .margin <<<"$output")" 12.90
}

@test "ties break on the promise, then cost, then warehouse code, carrier, service" {
	service BER dhl parcel 14:00 2 4.10
	service BER acme parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	stock MUG-1 5 MUC
	import 1001 MUG-1 1
	run -0 route --policy cheapest
	assert_output 'shop:1001 routed BER acme parcel 2026-11-20T13:00:00Z'
	service MUC dhl parcel 14:00 1 4.10
	run -0 route --policy cheapest
	assert_output 'shop:1001 routed MUC dhl parcel 2026-11-20T13:00:00Z'
	service BER dhl parcel 14:00 2 4.00
	run -0 route --policy fastest
	assert_output 'shop:1001 routed MUC dhl parcel 2026-11-20T13:00:00Z'
	service MUC dhl parcel 14:00 2 4.10
	run -0 route --policy fastest
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
}

@test "an unknown policy is a usage error" {
	run -2 --separate-stderr wf-route --new --policy slowest </dev/null
	assert_equal "${stderr%%$'\n'*}" "wf-route: --policy: expected cheapest, fastest or margin, got 'slowest'"
}

# ---- cutoffs, time zones, calendar days ---------------------------------------------

@test "before the cutoff an order ships today, after it tomorrow, in the warehouse's time" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	WF_NOW=2026-11-20T12:59:00Z run -0 route
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
	WF_NOW=2026-11-20T13:00:00Z run -0 route
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-21T13:00:00Z'
	WF_NOW=2026-11-20T13:00:00Z run -0 --separate-stderr wf-route --new --format jsonl </dev/null
	assert_equal "$(jq -r .promise <<<"$output")" 2026-11-23T13:00:00Z
}

@test "warehouses in different time zones have their own cutoffs and days" {
	wf-stock warehouse add NYC --country US --timezone America/New_York >/dev/null
	wf-stock bin add NYC/A-01 >/dev/null
	service BER dhl parcel 14:00 1 4.10 ''
	service NYC ups ground 14:00 1 4.10 ''
	stock MUG-1 5 BER
	stock MUG-1 5 NYC
	import 1001 MUG-1 1
	# 15:00Z: 16:00 in Berlin (past the cutoff), 10:00 in New York (before it)
	WF_NOW=2026-11-20T15:00:00Z run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '.candidates[] | select(.carrier) | [.warehouse, .ship_by, .promise] | join(" ")' <<<"$output")" \
		$'BER 2026-11-21T13:00:00Z 2026-11-22T13:00:00Z\nNYC 2026-11-20T19:00:00Z 2026-11-21T19:00:00Z'
	# 23:30Z: already the 21st in Berlin, still the 20th in New York (past 14:00)
	WF_NOW=2026-11-20T23:30:00Z run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_equal "$(jq -r '.candidates[] | select(.carrier) | [.warehouse, .ship_by] | join(" ")' <<<"$output")" \
		$'BER 2026-11-21T13:00:00Z\nNYC 2026-11-21T19:00:00Z'
}

@test "ship days and transit are calendar days: weekends count, daylight saving keeps the local cutoff" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	PROMISE='' import 1001 MUG-1 1
	# Saturday 2027-03-27 after the cutoff: ships Sunday the 28th, when Berlin
	# is on summer time (UTC+2), and arrives two days later
	WF_NOW=2027-03-27T14:00:00Z run -0 --separate-stderr wf-route --new --format jsonl </dev/null
	assert_equal "$(jq -r '[.ship_by, .promise] | join(" ")' <<<"$output")" \
		'2027-03-28T12:00:00Z 2027-03-30T12:00:00Z'
}

# ---- capacity --------------------------------------------------------------------------

@test "a full warehouse sends the next order to another warehouse" {
	wf-stock warehouse add BER --capacity 1 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 2 5.10
	stock MUG-1 5 BER
	stock MUG-1 5 MUC
	WF_NOW=2026-11-20T13:30:00Z import 1001 MUG-1 1
	import 1002 MUG-1 1
	WF_NOW=2026-11-20T13:30:00Z run -0 route --policy cheapest
	assert_output $'shop:1001 routed BER dhl parcel 2026-11-21T13:00:00Z\nshop:1002 routed MUC dhl parcel 2026-11-21T13:00:00Z'
}

@test "a full day moves the order to the next day, then there is none" {
	wf-stock warehouse add BER --capacity 1 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	import 1003 MUG-1 1
	run -0 route
	assert_output - <<'EOF'
shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z
shop:1002 routed BER dhl parcel 2026-11-21T13:00:00Z
shop:1003 unroutable - - - -
EOF
}

@test "capacity counts orders routed earlier for that day, in other runs" {
	wf-stock warehouse add BER --capacity 2 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	route --apply shop:1001 >/dev/null
	import 1003 MUG-1 1
	run -0 route
	assert_output $'shop:1002 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1003 routed BER dhl parcel 2026-11-21T13:00:00Z'
	# a cancelled order gives its slot back
	wf-order cancel shop:1001 --reason test >/dev/null
	run -0 route
	assert_output $'shop:1002 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1003 routed BER dhl parcel 2026-11-20T13:00:00Z'
}

# ---- split --------------------------------------------------------------------------------

@test "split: an order no warehouse holds whole goes to the fewest warehouses" {
	service BER dhl parcel 14:00 2 4.10
	service MUC ups standard 16:00 2 5.00
	stock MUG-1 3 BER
	stock MUG-1 2 MUC
	stock TEE-M 1 MUC
	import 1001 MUG-1 4 TEE-M 1
	run -0 route
	assert_output 'shop:1001 unroutable - - - -'
	run -0 --separate-stderr wf-route --new --split --apply --format jsonl </dev/null
	assert_equal "$(jq -c 'del(.type)' <<<"$output")" '{"order":"shop:1001","result":"split","warehouse":null,"carrier":null,"service":null,"ship_by":"2026-11-20T15:00:00Z","promise":"2026-11-22T15:00:00Z","cost":"9.10","margin":"31.40","currency":"EUR","reasons":[],"note":null,"legs":[{"warehouse":"BER","carrier":"dhl","service":"parcel","ship_by":"2026-11-20T13:00:00Z","promise":"2026-11-22T13:00:00Z","cost":"4.10","lines":[{"sku":"MUG-1","qty":3}]},{"warehouse":"MUC","carrier":"ups","service":"standard","ship_by":"2026-11-20T15:00:00Z","promise":"2026-11-22T15:00:00Z","cost":"5.00","lines":[{"sku":"MUG-1","qty":1},{"sku":"TEE-M","qty":1}]}]}'
	assert_equal "$(reserved MUG-1 BER) $(reserved MUG-1 MUC) $(reserved TEE-M MUC)" '3 1 1'
	run -0 sql "SELECT w.code, r.carrier, r.service, r.cost FROM order_route r JOIN warehouse w ON w.id = r.warehouse_id ORDER BY w.code"
	assert_output $'BER|dhl|parcel|410\nMUC|ups|standard|500'
	assert_equal "$(state shop:1001)" reserved
}

@test "split: the first leg to ship leaves its leg; the order ships whole with the second" {
	service BER dhl parcel 14:00 2 4.10
	service MUC ups standard 16:00 2 5.00
	stock MUG-1 3 BER
	stock MUG-1 2 MUC
	stock TEE-M 1 MUC
	import 1001 MUG-1 4 TEE-M 1
	wf-route --new --split --apply </dev/null >/dev/null
	wf-order pick shop:1001 >/dev/null
	wf-order pack shop:1001 >/dev/null
	run -0 --separate-stderr wf-order ship shop:1001 --warehouse BER
	assert_equal "$(jq -r 'select(.type == "order") | .state' <<<"$output")" packed
	# the leg that shipped holds nothing now, and that is no violation
	run -0 --separate-stderr wf check
	assert_output ''
	run -0 sql "SELECT w.code FROM order_route r JOIN warehouse w ON w.id = r.warehouse_id ORDER BY w.code"
	assert_output $'BER\nMUC'
	run -0 --separate-stderr wf-order ship shop:1001 --warehouse MUC
	assert_equal "$(state shop:1001)" shipped
}

@test "split: among sets of the same size the lowest shipping cost wins" {
	wf-stock warehouse add HAM --country DE --timezone Europe/Berlin >/dev/null
	wf-stock bin add HAM/A-01 >/dev/null
	service BER dhl parcel 14:00 2 9.00
	service MUC dhl parcel 14:00 2 5.00
	service HAM dhl parcel 14:00 2 5.00
	stock MUG-1 2 BER
	stock MUG-1 2 MUC
	stock MUG-1 2 HAM
	import 1001 MUG-1 4
	run -0 --separate-stderr wf-route --new --split --format jsonl </dev/null
	assert_equal "$(jq -c '[.cost, [.legs[] | .warehouse]]' <<<"$output")" '["10.00",["HAM","MUC"]]'
}

@test "split: a warehouse that cannot ship the order takes no part" {
	service BER dhl parcel 14:00 2 4.10 AT
	service MUC dhl parcel 14:00 2 4.10
	stock MUG-1 2 BER
	stock MUG-1 2 MUC
	import 1001 MUG-1 3
	run -0 route --split
	assert_output 'shop:1001 unroutable - - - -'
}

# ---- explaining ----------------------------------------------------------------------------

@test "--explain lists every candidate with its result, times, cost, margin and rank" {
	service BER dhl parcel 14:00 2 4.10
	service BER dhl express 12:00 1 9.90
	service MUC ups standard 16:00 2 5.00 AT
	stock MUG-1 5 BER
	stock MUG-1 5 MUC
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --explain --format jsonl </dev/null
	assert_output '{"type":"route","order":"shop:1001","result":"routed","warehouse":"BER","carrier":"dhl","service":"parcel","ship_by":"2026-11-20T13:00:00Z","promise":"2026-11-22T13:00:00Z","cost":"4.10","margin":"12.90","currency":"EUR","reasons":[],"note":null,"candidates":[{"warehouse":"BER","carrier":"dhl","service":"express","result":"ok","detail":null,"ship_by":"2026-11-20T11:00:00Z","promise":"2026-11-21T11:00:00Z","cost":"9.90","currency":"EUR","margin":"7.10","rank":2},{"warehouse":"BER","carrier":"dhl","service":"parcel","result":"ok","detail":null,"ship_by":"2026-11-20T13:00:00Z","promise":"2026-11-22T13:00:00Z","cost":"4.10","currency":"EUR","margin":"12.90","rank":1},{"warehouse":"MUC","carrier":"ups","service":"standard","result":"no_service","detail":"ups/standard does not ship to DE (only AT)","ship_by":"2026-11-20T15:00:00Z","promise":"2026-11-22T15:00:00Z","cost":"5.00","currency":"EUR","margin":"12.00","rank":null}]}'
	assert_equal "$stderr" ''
}

@test "the table shows one line per order" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --format table </dev/null
	assert_line -n 0 --regexp '^ORDER +RESULT +WAREHOUSE +CARRIER +SERVICE +SHIP BY +PROMISE +COST +MARGIN +REASONS +NOTE$'
	assert_line -n 1 --regexp '^shop:1001 +routed +BER +dhl +parcel +2026-11-20T13:00:00Z +2026-11-22T13:00:00Z +4\.10 +12\.90 +\[\] +-$'
}

@test "every record wf-route prints is documented in wf-records(5), nested keys too" {
	wf-stock warehouse add BER --capacity 500 >/dev/null
	run -0 --separate-stderr wf-route carrier add BER dhl parcel --cutoff 14:00 \
		--transit-days 2 --cost 4.10 --format jsonl
	documented carrier_service
	service MUC ups standard 16:00 2 5.00
	run -0 --separate-stderr wf-route carrier list --format jsonl
	documented capacity
	documented carrier_service
	stock MUG-1 3 BER
	stock MUG-1 2 MUC
	import 1001 MUG-1 4
	import 1002 MUG-1 1
	import 1003 TEE-M 1
	run -0 --separate-stderr wf-route --new --split --explain --apply --format jsonl </dev/null
	assert_equal "$(jq -r .result <<<"$output" | tr '\n' ' ')" 'split routed unroutable '
	documented route
	subkeys_documented route candidates
	subkeys_documented route legs
}

@test "--help lists the routing form and every carrier command" {
	run -0 --separate-stderr wf-route --help
	assert_line --regexp '^  wf-route \[REF\.\.\.\] \[--apply\] '
	assert_line --regexp '^  wf-route carrier add WH CARRIER SERVICE '
	assert_line --regexp '^  wf-route carrier import '
	run -0 --separate-stderr wf-route --apply --help
	assert_line -n 0 --regexp '^usage: wf-route \[REF\.\.\.\] \[--apply\] '
}

# ---- where the orders come from -----------------------------------------------------------

@test "orders come from REF arguments, in the order given; others are skipped with the reason" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	route --apply shop:1001 >/dev/null
	run -0 route shop:1002 shop:1001 shop:1002
	assert_output $'shop:1002 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1001 skipped - - - -\nshop:1002 skipped - - - -'
	run -0 --separate-stderr wf-route --format jsonl shop:1001 shop:1002 shop:1002
	assert_equal "$(jq -c .reasons <<<"$output")" $'["state:reserved"]\n[]\n["duplicate"]'
}

@test "an unknown REF exits 1 before anything is routed" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	run -1 --separate-stderr wf-route --apply shop:1001 shop:9
	assert_output ''
	assert_equal "$stderr" "wf-route: unknown order 'shop:9'"
	assert_equal "$(state shop:1001)" new
}

@test "orders come from stdin lines that carry an order key: wf-order list | wf-route --apply" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	wf-order list --state new --format jsonl | grep 1002 >"$BATS_TEST_TMPDIR/in"
	echo '{"type":"note","text":"no order here"}' >>"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-route --apply --format jsonl <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '.order + " " + .result' <<<"$output")" 'shop:1002 routed'
	assert_equal "$(state shop:1001) $(state shop:1002)" 'new reserved'
}

@test "stdin: a bad line or unknown order stops the run before anything is routed; --keep-going skips them" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	run -3 --separate-stderr wf-route --apply <<<$'{"order":"shop:1001"}\n{"order":'
	assert_output ''
	assert_equal "$stderr" "wf-route: stdin:2: invalid JSON at byte 10: unexpected end of line (nothing applied)"
	run -1 --separate-stderr wf-route --apply <<<$'{"order":"shop:1001"}\n{"order":"shop:9"}'
	assert_equal "$stderr" "wf-route: stdin:2: order: unknown order 'shop:9' (nothing applied)"
	assert_equal "$(state shop:1001)" new
	run -3 --separate-stderr wf-route --apply --keep-going --format jsonl <<<$'{"order":"shop:9"}\n{"order":"shop:1001"}'
	assert_equal "$(jq -r .result <<<"$output")" routed
	assert_equal "$stderr" $'wf-route: stdin:1: order: unknown order \'shop:9\'\nwf-route: 1 bad line skipped'
}

@test "stdin: --strict refuses a line without an order key" {
	import 1001 MUG-1 1
	run -3 --separate-stderr wf-route --strict <<<'{"type":"note"}'
	assert_equal "$stderr" "wf-route: stdin:1: order: missing (nothing applied)"
}

@test "--new routes every new order and every order held as unroutable" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 1 BER
	import 1001 MUG-1 2
	import 1002 MUG-1 1
	import 1003 MUG-1 1
	wf-order hold shop:1003 --reason 'customer asked' >/dev/null
	route --apply >/dev/null
	assert_equal "$(state shop:1001) $(state shop:1002) $(state shop:1003)" 'on_hold reserved on_hold'
	stock MUG-1 5 BER
	run -0 route --apply
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
	assert_equal "$(state shop:1001) $(state shop:1003)" 'reserved on_hold'
}

@test "stdin with no order lines routes nothing, even with --apply: wf-order list --channel none | wf-route" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	wf-order list --state new --channel none --format jsonl >"$BATS_TEST_TMPDIR/in"
	assert_equal "$(wc -c <"$BATS_TEST_TMPDIR/in")" 0
	run -0 --separate-stderr wf-route --apply --format jsonl <"$BATS_TEST_TMPDIR/in"
	assert_output ''
	assert_equal "$stderr" 'wf-route: no order lines on stdin: nothing to route (--new routes every new order)'
	run -0 --separate-stderr wf-route --apply --format jsonl <<<'{"type":"note","text":"no order here"}'
	assert_output ''
	assert_equal "$(state shop:1001) $(reserved MUG-1 BER)" 'new 0'
}

@test "with stdin a terminal, no REF and no --new, wf-route is a usage error naming --new" {
	import 1001 MUG-1 1
	# script(1) gives the command a terminal for stdin
	run -2 script -qec "wf-route --apply" /dev/null
	assert_output --partial 'wf-route: no orders to route: give REFs, order lines on stdin, or --new to route every new order'
	assert_equal "$(state shop:1001)" new
}

@test "--new takes no REF" {
	import 1001 MUG-1 1
	run -2 --separate-stderr wf-route --new shop:1001 </dev/null
	assert_output ''
	assert_equal "$stderr" 'wf-route: --new routes every new order: give it no REF'
}

@test "--explain as a table: the route, then one row per candidate with its result and why" {
	service BER dhl parcel 14:00 2 4.10
	service MUC ups standard 16:00 2 5.00 AT
	stock MUG-1 5 BER
	stock MUG-1 5 MUC
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --explain --format table </dev/null
	assert_line -n 0 --regexp '^ORDER +RESULT +WAREHOUSE .* NOTE$'
	assert_line -n 1 --regexp '^shop:1001 +routed +BER +dhl +parcel '
	assert_line -n 2 --regexp '^ORDER +WAREHOUSE +CARRIER +SERVICE +RESULT +RANK +SHIP BY +PROMISE +COST +CURRENCY +MARGIN +DETAIL$'
	assert_line -n 3 --regexp '^shop:1001 +BER +dhl +parcel +ok +1 .* EUR +12\.90 +-$'
	assert_line -n 4 --regexp '^shop:1001 +MUC +ups +standard +no_service +- .* ups/standard does not ship to DE \(only AT\)$'
	assert_equal "${#lines[@]}" 5
	run -0 --separate-stderr wf-route --new --explain --format csv </dev/null
	assert_line -n 2 'type,order,warehouse,carrier,service,result,detail,ship_by,promise,cost,currency,margin,rank'
	assert_line -n 4 --partial 'route.candidates,shop:1001,MUC,ups,standard,no_service,ups/standard does not ship to DE (only AT),'
}

@test "a carrier priced in another currency than the order's shows in the plain route output" {
	service BER dhl parcel 14:00 2 4.10
	wf-route carrier add MUC ups standard --cutoff 16:00 --transit-days 1 --cost 3.00 --currency USD >/dev/null
	stock MUG-1 5 BER
	stock MUG-1 5 MUC
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --format jsonl </dev/null
	assert_equal "$(jq -r '[.warehouse, .note] | join(" ")' <<<"$output")" \
		"BER not compared, priced in another currency than the order's: MUC ups/standard (USD)"
	run -0 --separate-stderr wf-route --new --format table </dev/null
	assert_line -n 1 --regexp "^shop:1001 +routed +BER .* not compared, priced in another currency than the order's: MUC ups/standard \(USD\)$"
}

# ---- applying ----------------------------------------------------------------------------------

@test "--apply reserves the stock, records the leg and moves the order to reserved" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_output --partial '"result":"routed","warehouse":"BER"'
	assert_equal "$(state shop:1001) $(reserved MUG-1 BER)" 'reserved 2'
	run -0 sql "SELECT carrier, service, ship_by, promise, cost, currency FROM order_route"
	assert_output 'dhl|parcel|2026-11-20T13:00:00Z|2026-11-22T13:00:00Z|410|EUR'
	run -0 sql "SELECT action, data FROM event WHERE record_type = 'order' AND action = 'reserve'"
	assert_output 'reserve|{"policy":"margin","warehouse":"BER","carrier":"dhl","service":"parcel","ship_by":"2026-11-20T13:00:00Z","promise":"2026-11-22T13:00:00Z"}'
}

@test "--apply: an order decided after another took a bin's last units reserves from the next bin, in the same run" {
	# the bins a run reads once and keeps must lose what each order takes:
	# kept stale, the second order would walk the emptied pick bin first
	service BER dhl parcel 14:00 2 4.10
	wf-stock bin add BER/B-01 --kind bulk >/dev/null
	stock MUG-1 1 BER
	wf-stock receive MUG-1 5 --to BER/B-01 >/dev/null
	import 1001 MUG-1 1
	import 1002 MUG-1 2
	import 1003 MUG-1 3
	run -0 route --apply
	assert_output $'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1002 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1003 routed BER dhl parcel 2026-11-20T13:00:00Z'
	run -0 sql "SELECT h.holder, b.code, h.qty FROM held h JOIN bin b ON b.id = h.bin_id ORDER BY 1, 2"
	assert_output $'shop:1001|A-01|1\nshop:1002|B-01|2\nshop:1003|B-01|3'
	assert_equal "$(wf-stock levels --sku MUG-1 --warehouse BER | jq -r '"\(.available) \(.reserved)"')" '0 6'
}

@test "--apply: orders in one run competing for a SKU's last units: the next goes to the other warehouse, the last is unroutable" {
	service BER dhl parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 2 4.50
	stock MUG-1 1 BER
	stock MUG-1 1 MUC
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	import 1003 MUG-1 1
	run -0 route --apply
	assert_output $'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1002 routed MUC dhl parcel 2026-11-20T13:00:00Z\nshop:1003 unroutable - - - -'
	assert_equal "$(reserved MUG-1 BER) $(reserved MUG-1 MUC)" '1 1'
}

@test "--apply after another process took stock since the last run reserves only what is left" {
	service BER dhl parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 2 4.50
	stock MUG-1 3 BER
	stock MUG-1 3 MUC
	import 1001 MUG-1 2
	run -0 route --apply
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
	# the last unit at BER goes to someone else between the runs
	wf-stock reserve MUG-1 1 --warehouse BER --ref fair >/dev/null
	import 1002 MUG-1 1
	import 1003 MUG-1 3
	run -0 route --apply
	assert_output $'shop:1002 routed MUC dhl parcel 2026-11-20T13:00:00Z\nshop:1003 unroutable - - - -'
	assert_equal "$(reserved MUG-1 BER) $(reserved MUG-1 MUC)" '3 1'
	# and wf-order reserve, through the same call, finds the same
	import 1004 MUG-1 3
	run -1 --separate-stderr wf-order reserve shop:1004 --warehouse MUC
	assert_output ''
	[[ $stderr == *"insufficient stock: MUC has 2 MUG-1 available, 3 requested for shop:1004"* ]]
}

@test "an unroutable order is held and counted, once, in the exception of the SKU and warehouse that block it" {
	service BER dhl parcel 14:00 2 4.10
	import 1001 MUG-1 2
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_equal "$(jq -c '[.result, .reasons, .exception]' <<<"$output")" '["unroutable",["no_stock"],"EX-1"]'
	assert_equal "$(state shop:1001)" on_hold
	run -0 sql "SELECT hold_reason FROM orders"
	assert_output 'unroutable: no_stock'
	run -0 --separate-stderr wf-alert show EX-1 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -c '[.kind, .subject, .warehouse, .owner, .priority, .impact, .next_action]')" \
		'["unroutable","sku MUG-1","BER","fulfilment",29,{"money":"29.90","currency":"EUR","units":2,"orders":1,"due_at":"2026-11-23T18:00:00Z"},"Receive 2 MUG-1 at BER (short by 2 for 1 order): raise a PO"]'
	assert_equal "$(head -1 <<<"$output" | jq -c .evidence)" \
		'{"reason":"no_stock","sku":"MUG-1","warehouse":"BER","available":0,"needed":2,"short":2,"orders":[{"order":"shop:1001","units":2}],"more_orders":0}'
	# again, with nothing changed: nothing is written
	run -0 sql "SELECT count(*) FROM event"
	local events=$output
	route --apply >/dev/null
	run -0 sql "SELECT count(*), times_seen, state FROM exception"
	assert_output '1|1|open'
	run -0 sql "SELECT count(*) FROM event"
	assert_output "$events"
}

@test "the exception resolves itself, with a note, when the last order it blocks routes" {
	service BER dhl parcel 14:00 2 4.10
	import 1001 MUG-1 2
	route --apply >/dev/null
	stock MUG-1 5 BER
	run -0 route --apply
	assert_output 'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z'
	run -0 sql "SELECT state, resolution FROM exception"
	assert_output 'resolved|no held order is blocked by it now: the last, shop:1001, routed to BER via dhl/parcel'
	run -0 sql "SELECT actor FROM event WHERE record_type = 'exception' AND action = 'resolve'"
	assert_output tester
	run -0 sql "SELECT action, from_state, to_state FROM event WHERE record_type = 'order' AND machine = 'order' ORDER BY id"
	assert_output $'create||new\nhold|new|on_hold\nrelease|on_hold|new\nreserve|new|reserved'
	assert_equal "$(wf-order show shop:1001 | head -1 | jq -r .hold_reason)" null
	run -0 sql "SELECT count(*) FROM route_block"
	assert_output 0
}

@test "the next action says what would unblock the orders" {
	wf-stock warehouse add HAM --country DE --timezone Europe/Berlin >/dev/null
	wf-stock bin add HAM/A-01 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 9 4.10
	stock MUG-1 1 BER
	stock MUG-1 5 HAM
	import 1001 MUG-1 2
	import 1002 TEE-M 1
	run -0 route --apply
	run -0 sql "SELECT subject_type, subject_ref, next_action FROM exception ORDER BY id"
	assert_output - <<'EOF'
sku|MUG-1@BER|Receive 1 MUG-1 at BER (short by 1 for 1 order): raise a PO, or transfer them from HAM
sku|TEE-M@BER|Receive 1 TEE-M at BER (short by 1 for 1 order): raise a PO
EOF
	# MUC has it now, but not by the promise: a later date unblocks it
	stock TEE-M 1 MUC
	run -0 route --apply shop:1002
	run -0 sql "SELECT subject_type, subject_ref, state, coalesce(resolution, next_action) FROM exception WHERE id > 1 ORDER BY id"
	assert_output - <<'EOF'
sku|TEE-M@BER|resolved|no held order is blocked by it now: the last, shop:1002, is blocked by warehouse MUC@late now
warehouse|MUC@late|open|Offer later dates to the 1 order MUC can only ship after their promise (the first due 2026-11-23), or add a faster service there
EOF
	service BER dhl parcel 14:00 2 4.10 AT
	stock MUG-1 5 BER
	run -0 route --apply shop:1001
	run -0 sql "SELECT next_action FROM exception WHERE subject_ref = 'BER@no_service'"
	assert_output 'Add a carrier service to DE at BER, for 1 order'
}

# ---- unroutable: one exception per SKU and warehouse ---------------------------------

@test "50 orders blocked by one SKU at one warehouse are one exception: 50 orders, 100 units, EUR 1495.00" {
	local i
	service BER dhl parcel 14:00 2 4.10
	for i in $(seq 1001 1050); do order "$i" MUG-1 2; done | wf-order import >/dev/null
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_equal "$(jq -r '"\(.result) \(.exception)"' <<<"$output" | sort | uniq -c | sed 's/^ *//')" '50 unroutable EX-1'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 1
	run -0 --separate-stderr wf-alert show EX-1 --format jsonl
	# priority 73: EUR 1495 reaches 1..1000 (28), 50 orders (20), 100
	# units (15), due in 3 days 9 hours (10)
	assert_equal "$(head -1 <<<"$output" | jq -c '[.subject, .warehouse, .priority, .impact, .next_action]')" \
		'["sku MUG-1","BER",73,{"money":"1495.00","currency":"EUR","units":100,"orders":50,"due_at":"2026-11-23T18:00:00Z"},"Receive 100 MUG-1 at BER (short by 100 for 50 orders): raise a PO"]'
	assert_equal "$(head -1 <<<"$output" | jq -c '[.evidence.needed, .evidence.short, (.evidence.orders | length), .evidence.orders[0].order, .evidence.orders[19].order, .evidence.more_orders]')" \
		'[100,100,20,"shop:1001","shop:1020",30]'
	# stock arrives for 20 of them: they route, and leave the evidence
	stock MUG-1 40 BER
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_equal "$(jq -r .result <<<"$output" | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')" '20 routed 30 unroutable '
	run -0 --separate-stderr wf-alert show EX-1 --format jsonl
	# 66: EUR 897 (24), 30 orders (20), 60 units (12), due (10)
	assert_equal "$(head -1 <<<"$output" | jq -c '[.state, .priority, .impact.money, .impact.units, .impact.orders, .evidence.orders[0].order, (.evidence.orders | length), .evidence.more_orders, .next_action]')" \
		'["open",66,"897.00",60,30,"shop:1021",20,10,"Receive 60 MUG-1 at BER (short by 60 for 30 orders): raise a PO"]'
	# the rest arrives: every order routes, and the exception resolves
	stock MUG-1 60 BER
	run -0 route --apply
	run -0 sql "SELECT state, resolution FROM exception"
	assert_output 'resolved|no held order is blocked by it now: the last, shop:1050, routed to BER via dhl/parcel'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 1
}

@test "two SKUs short at a warehouse are two exceptions; an order short of both is evidence in each" {
	service BER dhl parcel 14:00 2 4.10
	import 1001 MUG-1 1 TEE-M 1
	import 1002 TEE-M 2
	run -0 route --apply
	run -0 sql "SELECT subject_ref, impact_orders, impact_units, next_action FROM exception ORDER BY subject_ref"
	assert_output - <<'EOF'
MUG-1@BER|1|1|Receive 1 MUG-1 at BER (short by 1 for 1 order): raise a PO
TEE-M@BER|2|3|Receive 3 TEE-M at BER (short by 3 for 2 orders): raise a PO
EOF
	run -0 sql "SELECT json_extract(evidence, '$.orders') FROM exception WHERE subject_ref = 'TEE-M@BER'"
	assert_output '[{"order":"shop:1001","units":1},{"order":"shop:1002","units":2}]'
}

@test "reasons that are not stock: one exception per warehouse and reason, never one per order" {
	wf-stock warehouse add BER --capacity 1 >/dev/null
	service BER dhl parcel 08:00 2 4.10
	stock MUG-1 10 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	import 1003 MUG-1 1
	route --apply >/dev/null
	run -0 sql "SELECT subject_type, subject_ref, impact_orders, json_extract(evidence, '$.reason') FROM exception"
	assert_output 'warehouse|BER@no_capacity|2|no_capacity'
	run -0 sql "SELECT next_action FROM exception"
	assert_output 'Raise the capacity of BER above 1 orders a day (wf-stock warehouse add BER --capacity N), or route the 2 orders again when it has room'
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_equal "$(jq -r '"\(.subject) \(.warehouse)"' <<<"$output")" 'warehouse BER@no_capacity BER'
}

@test "an order cancelled or released by hand leaves the evidence at the next order scan" {
	service BER dhl parcel 14:00 2 4.10
	import 1001 MUG-1 1
	import 1002 MUG-1 2
	route --apply >/dev/null
	wf-order cancel shop:1001 --reason 'customer changed their mind' >/dev/null
	run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_equal "$(jq -c '[.exception, .subject, .warehouse, .result, .impact.orders, .impact.units, [.evidence.orders[].order]]' <<<"$output")" \
		'["EX-1","sku MUG-1","BER","updated",1,2,["shop:1002"]]'
	run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_output ''
	wf-order release shop:1002 >/dev/null
	run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_equal "$(jq -c '[.exception, .result, .state, .resolution]' <<<"$output")" \
		'["EX-1","resolved","resolved","no held order is blocked by it now (cancelled, released or routed by hand)"]'
	run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_output ''
}

@test "a plan writes nothing" {
	wf-stock warehouse add BER --capacity 1 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 1 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	sqlite3 "$WF_DB" .dump >"$BATS_TEST_TMPDIR/before"
	run -0 route --explain --split
	assert_output $'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1002 unroutable - - - -'
	run -0 --separate-stderr wf-route --new --apply --dry-run --format jsonl </dev/null
	assert_equal "$(jq -r .result <<<"$output")" $'routed\nunroutable'
	assert_equal "$stderr" 'wf-route: dry run: nothing was written'
	sqlite3 "$WF_DB" .dump >"$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "a plan does not offer the stock or capacity an earlier order took" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 3 BER
	import 1001 MUG-1 2
	import 1002 MUG-1 2
	run -0 route
	assert_output $'shop:1001 routed BER dhl parcel 2026-11-20T13:00:00Z\nshop:1002 unroutable - - - -'
}

# ---- wf check -------------------------------------------------------------------------------------

@test "wf check finds a routed order whose legs and stock disagree" {
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	route --apply >/dev/null
	sql "UPDATE order_route SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'MUC')"
	run -1 --separate-stderr wf check --only route --format jsonl
	assert_output - <<'EOF'
{"type":"violation","check":"route.legs","record":"order","ref":"shop:1001","detail":"stock held at BER, where the order has no leg"}
{"type":"violation","check":"route.legs","record":"order","ref":"shop:1001","detail":"a leg at MUC, which holds none of its stock"}
EOF
	sql "UPDATE order_route SET warehouse_id = (SELECT id FROM warehouse WHERE code = 'BER')"
}

@test "wf check reports a day with more orders than the warehouse's capacity" {
	wf-stock warehouse add BER --capacity 2 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 5 BER
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	route --apply >/dev/null
	wf-stock warehouse add BER --capacity 1 >/dev/null
	run -1 --separate-stderr wf check --only route --format jsonl
	assert_output '{"type":"violation","check":"route.capacity","record":"warehouse","ref":"BER","detail":"2 orders ship on 2026-11-20, capacity 1 orders a day (was it lowered after routing?)"}'
	wf-stock warehouse add BER --capacity 2 >/dev/null
}

@test "wf check finds an over-capacity day at the 73rd warehouse too" {
	local i
	for i in $(seq 1 70); do wf-stock warehouse add "W$i" --capacity 5 >/dev/null; done
	wf-stock warehouse add ZZZ --capacity 2 >/dev/null
	wf-stock bin add ZZZ/A-01 >/dev/null
	service ZZZ dhl parcel 14:00 2 4.10
	stock MUG-1 5 ZZZ
	import 1001 MUG-1 1
	import 1002 MUG-1 1
	route --apply >/dev/null
	run -0 --separate-stderr wf check --only route
	wf-stock warehouse add ZZZ --capacity 1 >/dev/null
	run -1 --separate-stderr wf check --only route --format jsonl
	assert_output '{"type":"violation","check":"route.capacity","record":"warehouse","ref":"ZZZ","detail":"2 orders ship on 2026-11-20, capacity 1 orders a day (was it lowered after routing?)"}'
	wf-stock warehouse add ZZZ --capacity 2 >/dev/null
}

# ---- concurrency ------------------------------------------------------------------------------------

@test "another writer gets its turn while --apply runs, within its busy timeout" {
	local pid n=0
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 20000 BER
	# 20000 orders of one MUG-1 (awk: the order function takes a minute for these)
	awk 'BEGIN { for (i = 10000; i < 30000; i++) printf "{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"%d\",\"placed_at\":\"2026-11-20T08:00:00Z\",\"currency\":\"EUR\",\"ship_to\":{\"country\":\"DE\"},\"lines\":[{\"sku\":\"MUG-1\",\"qty\":1,\"unit_price\":\"12.50\"}]}\n", i }' |
		wf-order import >/dev/null
	wf-route --new --apply --format jsonl </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	# once the run has committed its first orders ...
	until [ "$(sql "SELECT count(*) FROM orders WHERE state = 'reserved'")" -gt 0 ]; do
		n=$((n + 1))
		[ "$n" -lt 200 ] || break
		sleep 0.05
	done
	# ... a receipt waits for it at most two seconds (more on a sanitizer
	# build, helper.bash), and gets in while it runs
	WF_BUSY_TIMEOUT=$((2000 * WF_TIME_SCALE)) run -0 --separate-stderr \
		wf-stock receive TEE-M 5 --to MUC/A-01
	kill -0 "$pid"
	wait "$pid"
	run -0 cat "$BATS_TEST_TMPDIR/err"
	assert_output ''
	run -0 sql "SELECT state, count(*) FROM orders GROUP BY state"
	assert_output 'reserved|20000'
	assert_equal "$(wf-stock levels --sku TEE-M --warehouse MUC | jq -r .on_hand)" 5
}

@test "several --apply runs at once over the same orders and scarce stock: nothing twice, nothing oversold" {
	local i pids=() refs=()
	# 1200 orders of one unit, in five runs that take turns under the write
	# lock (each commits after a quarter of a second) and find stock and
	# capacity other runs took.  BER has 500 units but ships 200 orders a
	# day (400 over today and tomorrow), MUC has 400 units: 800 can route.
	wf-stock warehouse add BER --capacity 200 >/dev/null
	service BER dhl parcel 14:00 2 4.10
	service MUC dhl parcel 14:00 2 4.50
	stock MUG-1 500 BER
	stock MUG-1 400 MUC
	for i in $(seq 1000 2199); do order "$i" MUG-1 1; done | wf-order import >/dev/null
	for i in $(seq 1000 2199); do refs+=("shop:$i"); done
	printf '{"order":"%s"}\n' "${refs[@]}" | tac >"$BATS_TEST_TMPDIR/in5"
	for i in 1 2 3; do
		wf-route --new --apply --format jsonl </dev/null >"$BATS_TEST_TMPDIR/out$i" 2>"$BATS_TEST_TMPDIR/err$i" &
		pids+=($!)
	done
	wf-route --apply --format jsonl "${refs[@]}" >"$BATS_TEST_TMPDIR/out4" 2>"$BATS_TEST_TMPDIR/err4" &
	pids+=($!)
	wf-route --apply --format jsonl <"$BATS_TEST_TMPDIR/in5" >"$BATS_TEST_TMPDIR/out5" 2>"$BATS_TEST_TMPDIR/err5" &
	pids+=($!)
	for i in "${pids[@]}"; do wait "$i"; done
	run -0 cat "$BATS_TEST_TMPDIR"/err1 "$BATS_TEST_TMPDIR"/err2 "$BATS_TEST_TMPDIR"/err3 \
		"$BATS_TEST_TMPDIR"/err4 "$BATS_TEST_TMPDIR"/err5
	assert_output ''
	run -0 sql "SELECT state, count(*) FROM orders GROUP BY state ORDER BY state"
	assert_output $'on_hold|400\nreserved|800'
	assert_equal "$(reserved MUG-1 BER) $(reserved MUG-1 MUC)" '400 400'
	# every reserved order holds exactly its one unit
	run -0 sql "SELECT count(*) FROM (SELECT holder FROM held WHERE state = 'reserved' GROUP BY holder HAVING sum(qty) <> 1)"
	assert_output 0
	# every order was routed by exactly one run, and each run reported each order
	cat "$BATS_TEST_TMPDIR"/out? >"$BATS_TEST_TMPDIR/all"
	run -0 jq -r 'select(.result == "routed") | .order' "$BATS_TEST_TMPDIR/all"
	assert_equal "${#lines[@]}" 800
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort | uniq -d)" ''
	run -0 wc -l "$BATS_TEST_TMPDIR"/out4 "$BATS_TEST_TMPDIR"/out5
	assert_line -n 0 --regexp '^ *1200 '
	assert_line -n 1 --regexp '^ *1200 '
	# the 400 held are blocked by MUG-1 at MUC (BER has it, but is full): one exception
	run -0 sql "SELECT subject_type, subject_ref, impact_orders, impact_units FROM exception WHERE kind = 'unroutable' AND state = 'open'"
	assert_output 'sku|MUG-1@MUC|400|400'
}

@test "the migration folds 3 open per-order unroutable exceptions into one for the SKU and warehouse" {
	local i
	service BER dhl parcel 14:00 2 4.10
	stock MUG-1 1 BER
	# the state routing left before schema 19: each order held, and an
	# exception of its own with its lines and candidates as evidence
	for i in 1001 1002 1003; do
		import "$i" MUG-1 2
		wf-order hold "shop:$i" --reason 'unroutable: no_stock' >/dev/null
		printf '{"kind":"unroutable","subject":"order shop:%s","owner":"fulfilment","evidence":{"policy":"margin","ship_country":"DE","promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":2}],"reasons":["no_stock"],"candidates":[{"warehouse":"BER","carrier":"dhl","service":"parcel","result":"no_stock","detail":"MUG-1: 1 available, 2 needed"},{"warehouse":"MUC","carrier":null,"service":null,"result":"no_service","detail":"MUC has no carrier service"}]},"impact":{"money":"29.90","currency":"EUR","units":2,"orders":1,"due_at":"2026-11-23T18:00:00Z"},"next_action":"Raise a PO for 1 MUG-1 into BER"}\n' "$i" |
			wf-alert raise >/dev/null
	done
	# and one a script raised by hand, on an order since cancelled, with
	# evidence of another shape
	import 1004 MUG-1 1
	wf-order cancel shop:1004 --reason 'test' >/dev/null
	printf '{"kind":"unroutable","subject":"order shop:1004","owner":"ops","evidence":{"lines":"x","candidates":[1,"y"]},"next_action":"Look"}\n' |
		wf-alert raise >/dev/null
	wf-alert ack EX-2 >/dev/null
	sql "$UNDO_27; $UNDO_26; $UNDO_25; $UNDO_24; $UNDO_23; $UNDO_22; $UNDO_21; $UNDO_20; DROP TABLE route_block; PRAGMA user_version = 18"
	run -0 --separate-stderr wf init
	run -0 sql "SELECT id, subject_type, subject_ref, state, coalesce(resolution, '') FROM exception ORDER BY id"
	assert_output - <<'EOF'
1|order|shop:1001|resolved|folded into EX-5 (sku MUG-1@BER): one unroutable exception per SKU and warehouse that blocks orders
2|order|shop:1002|resolved|folded into EX-5 (sku MUG-1@BER): one unroutable exception per SKU and warehouse that blocks orders
3|order|shop:1003|resolved|folded into EX-5 (sku MUG-1@BER): one unroutable exception per SKU and warehouse that blocks orders
4|order|shop:1004|resolved|the order is no longer held as unroutable
5|sku|MUG-1@BER|open|
EOF
	run -0 sql "SELECT impact_orders, impact_units, impact_money, impact_currency, due_at, opened_at, json_extract(evidence, '$.orders') FROM exception WHERE id = 5"
	assert_output '3|6|8970|EUR|2026-11-23T18:00:00Z|2026-11-20T09:00:00Z|[{"order":"shop:1001","units":2},{"order":"shop:1002","units":2},{"order":"shop:1003","units":2}]'
	run -0 sql "SELECT ref, actor, action, coalesce(from_state, ''), to_state FROM event WHERE record_type = 'exception' AND actor = 'wf-migrate' ORDER BY id"
	assert_output - <<'EOF'
EX-5|wf-migrate|create||open
EX-1|wf-migrate|resolve|open|resolved
EX-2|wf-migrate|resolve|acknowledged|resolved
EX-3|wf-migrate|resolve|open|resolved
EX-4|wf-migrate|resolve|open|resolved
EOF
	# the order scan works its numbers out as routing would
	run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_equal "$(jq -c '[.exception, .result, .impact.orders, .evidence.available, .evidence.short, .next_action]' <<<"$output")" \
		'["EX-5","updated",3,1,5,"Receive 5 MUG-1 at BER (short by 5 for 3 orders): raise a PO"]'
	# and routing takes it from there: with the stock, the orders route and it resolves
	stock MUG-1 5 BER
	run -0 route --apply
	assert_equal "${#lines[@]}" 3
	run -0 sql "SELECT state FROM exception WHERE id = 5"
	assert_output resolved
}

@test "a dismissed unroutable exception stays dismissed as more orders wait on it; a resolved one reopens" {
	service BER dhl parcel 14:00 2 4.10
	import 1001 MUG-1 1
	route --apply >/dev/null
	wf-alert dismiss EX-1 --note 'MUG-1 is discontinued at BER' >/dev/null
	import 1002 MUG-1 1
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_equal "$(jq -r '"\(.order) \(.exception)"' <<<"$output")" $'shop:1001 EX-1\nshop:1002 EX-1'
	run -0 sql "SELECT count(*), state, impact_orders FROM exception"
	assert_output '1|dismissed|1'
	wf-alert reopen EX-1 >/dev/null
	stock MUG-1 2 BER
	route --apply >/dev/null
	run -0 sql "SELECT state FROM exception"
	assert_output resolved
	import 1003 MUG-1 1
	run -0 --separate-stderr wf-route --new --apply --format jsonl </dev/null
	assert_equal "$(jq -r '"\(.order) \(.exception)"' <<<"$output")" 'shop:1003 EX-1'
	run -0 sql "SELECT count(*), state, impact_orders, times_seen FROM exception"
	assert_output '1|open|1|2'
}
