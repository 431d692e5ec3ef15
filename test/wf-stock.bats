#!/usr/bin/env bats
# wf-stock: catalogue, bins, the ledger, reservations, counts, valuation.

load helper
load man

setup() {
	wf_setup
	wf_init
}

# Two warehouses, four bins, two SKUs.
catalogue() {
	wf-stock warehouse add BER --name Berlin --country DE --timezone Europe/Berlin >/dev/null
	wf-stock warehouse add MUC --name Munich --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add BER/B-01 --kind bulk >/dev/null
	wf-stock bin add BER/Q-01 --kind quarantine >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --title "Mug" --cost 4.00 --price 12.50 >/dev/null
	wf-stock sku add TEE-M --title "T-shirt M" --cost 6.00 --price 19.90 >/dev/null
}

level() {	# level SKU WH FIELD
	wf-stock levels --sku "$1" --warehouse "$2" | jq -r ".$3"
}

# ---- catalogue ------------------------------------------------------------

@test "warehouse add creates, then reports unchanged, then updated with an event" {
	run -0 --separate-stderr wf-stock warehouse add BER --name Berlin --country de --timezone Europe/Berlin --capacity 500
	assert_output '{"type":"warehouse","warehouse":"BER","result":"created","name":"Berlin","country":"DE","postcode":null,"timezone":"Europe/Berlin","capacity":500,"owner":"operations","state":"active"}'
	run -0 --separate-stderr wf-stock warehouse add BER --name Berlin
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-stock warehouse add BER --capacity 650 --owner ops-berlin
	assert_output --partial '"result":"updated"'
	assert_output --partial '"capacity":650'
	run -0 wf log warehouse BER
	assert_line -n 1 --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"capacity":{"from":500,"to":650},"owner":{"from":"operations","to":"ops-berlin"}}'
}

@test "warehouse add refuses a bad code, country, time zone or capacity" {
	run -2 --separate-stderr wf-stock warehouse add 'B R'
	assert_equal "$stderr" "wf-stock: warehouse: expected 1-32 letters, digits, '.', '_' or '-', got 'B R'"
	run -2 --separate-stderr wf-stock warehouse add BER --country DEU
	assert_equal "$stderr" "wf-stock: country: expected an ISO 3166 code like DE, got 'DEU'"
	run -2 --separate-stderr wf-stock warehouse add BER --timezone Mars/Base
	assert_equal "$stderr" "wf-stock: timezone: unknown time zone 'Mars/Base' (expected an IANA name like Europe/Berlin)"
	run -2 --separate-stderr wf-stock warehouse add BER --capacity lots
	assert_equal "$stderr" "wf-stock: --capacity: expected an integer from 0 to 1000000000, got 'lots'"
	run -0 sql "SELECT count(*) FROM warehouse"
	assert_output 0
}

@test "bin add needs a known warehouse and a known kind" {
	run -1 --separate-stderr wf-stock bin add NOWH/A-01
	assert_equal "$stderr" "wf-stock: unknown warehouse 'NOWH'"
	wf-stock warehouse add BER >/dev/null
	run -2 --separate-stderr wf-stock bin add BER/A-01 --kind shelf
	assert_equal "$stderr" "wf-stock: kind: expected pick, bulk, inbound, returns, damaged or quarantine, got 'shelf'"
	run -2 --separate-stderr wf-stock bin add BER
	assert_equal "$stderr" "wf-stock: expected a bin as WAREHOUSE/BIN, got 'BER'"
	run -0 --separate-stderr wf-stock bin add BER/A-01 --kind bulk
	assert_output '{"type":"bin","bin":"BER/A-01","result":"created","warehouse":"BER","kind":"bulk","owner":"operations","state":"active"}'
	run -0 --separate-stderr wf-stock bin add BER/A-01 --kind bulk
	assert_output --partial '"result":"unchanged"'
}

@test "bin add again with another kind updates it, and history keeps both" {
	wf-stock warehouse add BER >/dev/null
	wf-stock bin add BER/A-01 --kind bulk >/dev/null
	run -0 --separate-stderr wf-stock bin add BER/A-01 --kind pick --owner ops-berlin
	assert_output '{"type":"bin","bin":"BER/A-01","result":"updated","warehouse":"BER","kind":"pick","owner":"ops-berlin","state":"active"}'
	run -0 wf log bin BER/A-01
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"action":"create","machine":"bin","from":null,"to":"active","data":{"type":"bin","bin":"BER/A-01","warehouse":"BER","kind":"bulk"'
	assert_line -n 1 --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"kind":{"from":"bulk","to":"pick"},"owner":{"from":"operations","to":"ops-berlin"}}'
}

@test "sku add stores money in minor units of its currency" {
	run -0 --separate-stderr wf-stock sku add MUG-1 --title Mug --cost 4.1 --price 12.50 --lead-time 14 --safety-days 7
	assert_output '{"type":"sku","sku":"MUG-1","result":"created","title":"Mug","state":"active","currency":"EUR","price":"12.50","cost":"4.10","avg_cost":null,"lead_time_days":14,"safety_days":7,"owner":"purchasing","supplier":null}'
	run -0 sql "SELECT price, cost FROM sku"
	assert_output '1250|410'
	run -0 --separate-stderr wf-stock sku add YEN-1 --currency jpy --price 1200
	assert_output --partial '"currency":"JPY","price":"1200"'
}

@test "sku add refuses more decimals than the currency has, and unknown currencies" {
	run -2 --separate-stderr wf-stock sku add MUG-1 --price 12.505
	assert_equal "$stderr" "wf-stock: price: '12.505' has more decimals than EUR allows (2)"
	run -2 --separate-stderr wf-stock sku add YEN-1 --currency JPY --price 12.5
	assert_equal "$stderr" "wf-stock: price: '12.5' has more decimals than JPY allows (0)"
	run -2 --separate-stderr wf-stock sku add X-1 --currency XXY
	assert_equal "$stderr" "wf-stock: currency: expected an ISO 4217 currency code, got 'XXY'"
	run -0 sql "SELECT count(*) FROM sku"
	assert_output 0
}

@test "sku import is idempotent: created, unchanged, updated" {
	input='{"type":"sku","sku":"MUG-1","title":"Mug","price":"12.50","cost":"4.10"}
{"type":"sku","sku":"TEE-M","title":"T-shirt","currency":"EUR","safety_days":5}'
	run -0 --separate-stderr wf-stock sku import <<<"$input"
	assert_line -n 0 --partial '"sku":"MUG-1","result":"created"'
	assert_line -n 1 --partial '"sku":"TEE-M","result":"created"'
	run -0 --separate-stderr wf-stock sku import <<<"$input"
	assert_line -n 0 --partial '"result":"unchanged"'
	assert_line -n 1 --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-stock sku import <<<'{"type":"sku","sku":"MUG-1","price":"13.00"}'
	assert_output --partial '"result":"updated","title":"Mug","state":"active","currency":"EUR","price":"13.00"'
	run -0 wf log sku MUG-1
	assert_line -n 1 --partial '"data":{"price":{"from":1250,"to":1300}}'
}

@test "sku import moves a SKU's state through its state machine" {
	wf-stock sku add MUG-1 >/dev/null
	run -0 --separate-stderr wf-stock sku import <<<'{"sku":"MUG-1","state":"discontinued"}'
	assert_output --partial '"result":"updated","title":"","state":"discontinued"'
	run -0 wf log sku MUG-1
	assert_line -n 1 --partial '"action":"discontinue","machine":"sku","from":"active","to":"discontinued"'
	wf-stock sku import <<<'{"sku":"MUG-1","state":"blocked"}' >/dev/null
	run -1 --separate-stderr wf-stock sku import <<<'{"sku":"MUG-1","state":"discontinued"}'
	assert_equal "$stderr" "wf-stock: stdin:1: SKU 'MUG-1' cannot go from blocked to discontinued (nothing applied)"
}

@test "a bad line in sku import exits 3, names the line, and applies nothing" {
	run -3 --separate-stderr wf-stock sku import <<'EOF'
{"sku":"A-1","price":"1.00"}
{"sku":"B-1","price":1.00}
{"sku":"C-1"}
EOF
	assert_output ''
	assert_equal "$stderr" 'wf-stock: stdin:2: price: expected a decimal string like "19.99" (nothing applied)'
	run -0 sql "SELECT count(*) FROM sku"
	assert_output 0
}

@test "sku import --keep-going applies the good lines and reports each bad one" {
	run -3 --separate-stderr wf-stock sku import --keep-going <<'EOF'
{"sku":"A-1","price":"1.00"}
{"sku":"B-1","price":"1.001"}
not json
{"sku":"C-1"}
EOF
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"sku":"A-1","result":"created"'
	assert_line -n 1 --partial '"sku":"C-1","result":"created"'
	assert_equal "${stderr_lines[0]}" "wf-stock: stdin:2: price: '1.001' has more decimals than EUR allows (2)"
	assert_equal "${stderr_lines[1]}" "wf-stock: stdin:3: expected a JSON object"
	assert_equal "${stderr_lines[2]}" "wf-stock: 2 bad lines skipped; 2 applied"
	run -0 sql "SELECT group_concat(code) FROM sku"
	assert_output 'A-1,C-1'
}

@test "sku import refuses unknown keys, --strict or not: it is Workform's own format" {
	run -3 --separate-stderr wf-stock sku import --strict <<<'{"sku":"A-1","colour":"red"}'
	assert_equal "$stderr" "wf-stock: stdin:1: colour: unknown key (nothing applied)"
	run -3 --separate-stderr wf-stock sku import <<<'{"sku":"A-1","colour":"red"}'
	assert_equal "$stderr" "wf-stock: stdin:1: colour: unknown key (nothing applied)"
	run -0 sql "SELECT count(*) FROM sku"
	assert_output 0
}

@test "sku add --supplier names a known supplier; the change is an update event" {
	wf-po supplier add ACME --name Acme >/dev/null
	run -0 --separate-stderr wf-stock sku add MUG-1 --supplier ACME
	assert_equal "$(field '[.result, .supplier] | join(" ")' <<<"$output")" 'created ACME'
	run -0 --separate-stderr wf-stock sku add MUG-1 --supplier ACME
	assert_equal "$(field .result <<<"$output")" unchanged
	# an unknown one is refused, naming the nearest, and nothing changes
	run -1 --separate-stderr wf-stock sku add MUG-1 --supplier ACMA
	assert_output ''
	assert_equal "$stderr" "wf-stock: unknown supplier 'ACMA'; did you mean 'ACME'?"
	wf-po supplier add BETA --name Beta >/dev/null
	run -0 --separate-stderr wf-stock sku add MUG-1 --supplier BETA
	assert_equal "$(field '[.result, .supplier] | join(" ")' <<<"$output")" 'updated BETA'
	run -0 --separate-stderr wf log sku MUG-1
	assert_equal "$(jq -sc '.[-1].data' <<<"$output")" '{"supplier":{"from":"ACME","to":"BETA"}}'
	# sku import takes it too, and refuses one nobody knows
	run -0 --separate-stderr wf-stock sku import <<<'{"sku":"TEE-M","supplier":"ACME"}'
	assert_equal "$(field .supplier <<<"$output")" ACME
	run -1 --separate-stderr wf-stock sku import <<<'{"sku":"TEE-L","supplier":"NOPE"}'
	assert_output ''
	assert_equal "$stderr" "wf-stock: stdin:1: unknown supplier 'NOPE' (nothing applied)"
	assert_equal "$(sql "SELECT count(*) FROM sku WHERE code = 'TEE-L'")" 0
}

@test "an empty --supplier clears a SKU's supplier; clearing none changes nothing" {
	wf-po supplier add ACME --name Acme >/dev/null
	wf-stock sku add MUG-1 --supplier ACME >/dev/null
	run -0 --separate-stderr wf-stock sku add MUG-1 --supplier ''
	assert_equal "$(field '[.result, (.supplier // "none")] | join(" ")' <<<"$output")" 'updated none'
	assert_equal "$(sql "SELECT supplier_id IS NULL FROM sku WHERE code = 'MUG-1'")" 1
	run -0 --separate-stderr wf log sku MUG-1
	assert_equal "$(jq -sc '.[-1].data' <<<"$output")" '{"supplier":{"from":"ACME","to":null}}'
	run -0 --separate-stderr wf-stock sku add MUG-1 --supplier ''
	assert_equal "$(field .result <<<"$output")" unchanged
	# sku import too: "" clears, an absent key leaves it as it is
	wf-stock sku add MUG-1 --supplier ACME >/dev/null
	run -0 --separate-stderr wf-stock sku import <<<'{"sku":"MUG-1","title":"Mug"}'
	assert_equal "$(field .supplier <<<"$output")" ACME
	run -0 --separate-stderr wf-stock sku import <<<'{"sku":"MUG-1","supplier":""}'
	assert_equal "$(field '[.result, (.supplier // "none")] | join(" ")' <<<"$output")" 'updated none'
}

@test "sku list and sku show" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	run -0 --separate-stderr wf-stock sku list
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"sku":"MUG-1"'
	run -0 --separate-stderr wf-stock sku show MUG-1
	assert_line -n 0 --partial '"type":"sku","sku":"MUG-1"'
	assert_line -n 1 '{"type":"level","sku":"MUG-1","warehouse":"BER","on_hand":5,"reserved":0,"available":5,"promised":0,"atp":5,"inbound":0,"picked":0,"packed":0,"damaged":0,"returned":0,"quarantine":0,"unusable":0}'
	run -1 --separate-stderr wf-stock sku show NOPE
	assert_equal "$stderr" "wf-stock: unknown SKU 'NOPE'"
}

# ---- movements ------------------------------------------------------------

@test "receive books outside -> on_hand with the actor, time and cost" {
	catalogue
	run -0 --separate-stderr wf-stock receive MUG-1 20 --to BER/A-01 --cost 4.00 --ref DN-1
	assert_output '{"type":"movement","movement":1,"action":"receive","sku":"MUG-1","qty":20,"from":null,"from_state":null,"to":"BER/A-01","to_state":"on_hand","holder":null,"ref":"DN-1","reason":null,"unit_cost":"4.00","currency":"EUR","at":"2026-11-20T09:00:00Z","actor":"tester"}'
	[ "$(level MUG-1 BER on_hand)" = 20 ]
}

@test "unknown SKU, warehouse or bin exits 1 naming it, and writes nothing" {
	catalogue
	run -1 --separate-stderr wf-stock receive NOPE 1 --to BER/A-01
	assert_equal "$stderr" "wf-stock: unknown SKU 'NOPE'"
	run -1 --separate-stderr wf-stock receive MUG-1 1 --to BER/Z-99
	assert_equal "$stderr" "wf-stock: unknown bin 'BER/Z-99'"
	run -1 --separate-stderr wf-stock receive MUG-1 1 --to XXX/A-01
	assert_equal "$stderr" "wf-stock: unknown warehouse 'XXX'"
	run -1 --separate-stderr wf-stock reserve MUG-1 1 --warehouse XXX --ref r
	assert_equal "$stderr" "wf-stock: unknown warehouse 'XXX'"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "a quantity that is not a positive integer exits 2" {
	catalogue
	for q in 0 -1 1.5 abc ''; do
		run -2 --separate-stderr wf-stock receive MUG-1 "$q" --to BER/A-01
		assert_equal "${stderr_lines[0]}" "wf-stock: QTY: expected a positive integer, got '$q'"
	done
	# past the largest JSON keeps exactly, the message names the range
	run -2 --separate-stderr wf-stock receive MUG-1 9007199254740992 --to BER/A-01
	assert_equal "${stderr_lines[0]}" "wf-stock: QTY: expected an integer from 1 to 9007199254740991, got '9007199254740992'"
	run -2 --separate-stderr wf-stock receive MUG-1 5
	assert_equal "${stderr_lines[0]}" "wf-stock: receive: --to is required"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "moving or damaging more than is on hand in the bin exits 1 and writes nothing" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 50 --to BER/B-01 >/dev/null
	run -1 --separate-stderr wf-stock move MUG-1 6 --from BER/A-01 --to MUC/A-01
	assert_equal "$stderr" "wf-stock: insufficient stock: BER/A-01 has 5 MUG-1 on_hand, 6 needed"
	run -1 --separate-stderr wf-stock damage MUG-1 6 --at BER/A-01
	assert_equal "$stderr" "wf-stock: insufficient stock: BER/A-01 has 5 MUG-1 on_hand, 6 needed"
	run -1 --separate-stderr wf-stock adjust MUG-1 -6 --at BER/A-01 --reason lost
	assert_equal "$stderr" "wf-stock: insufficient stock: BER/A-01 has 5 MUG-1 on_hand, 6 needed"
	run -0 sql "SELECT count(*) FROM movement; SELECT count(*) FROM adjustment"
	assert_output $'2\n0'
	run -0 wf check
}

@test "move takes units between bins, across warehouses too" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/B-01 >/dev/null
	run -0 --separate-stderr wf-stock move MUG-1 4 --from BER/B-01 --to BER/A-01
	assert_output --partial '"action":"move","sku":"MUG-1","qty":4,"from":"BER/B-01","from_state":"on_hand","to":"BER/A-01","to_state":"on_hand"'
	wf-stock move MUG-1 1 --from BER/A-01 --to MUC/A-01 >/dev/null
	[ "$(level MUG-1 BER on_hand)" = 9 ]
	[ "$(level MUG-1 MUC on_hand)" = 1 ]
	run -2 --separate-stderr wf-stock move MUG-1 1 --from BER/A-01 --to BER/A-01
	assert_equal "$stderr" "wf-stock: move: from and to are the same bin BER/A-01"
}

@test "a blocked bin takes no stock" {
	catalogue
	sql "UPDATE bin SET state = 'blocked' WHERE code = 'A-01' AND warehouse_id = (SELECT id FROM warehouse WHERE code = 'BER')"
	run -1 --separate-stderr wf-stock receive MUG-1 1 --to BER/A-01
	assert_equal "$stderr" "wf-stock: bin BER/A-01 is blocked; nothing can be put there"
}

@test "adjust books ADJ-N through proposed, approved and applied" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	run -0 --separate-stderr wf-stock adjust MUG-1 -3 --at BER/A-01 --reason "broken in aisle"
	assert_output '{"type":"adjustment","adjustment":"ADJ-1","sku":"MUG-1","bin":"BER/A-01","delta":-3,"reason":"broken in aisle","state":"applied","movement":2}'
	run -0 wf log adjustment ADJ-1
	assert_line -n 0 --partial '"action":"create","machine":"adjustment","from":null,"to":"proposed"'
	assert_line -n 1 --partial '"action":"approve","machine":"adjustment","from":"proposed","to":"approved"'
	assert_line -n 2 --partial '"action":"apply","machine":"adjustment","from":"approved","to":"applied"'
	wf-stock adjust MUG-1 5 --at BER/A-01 --reason found >/dev/null
	[ "$(level MUG-1 BER on_hand)" = 12 ]
	run -2 --separate-stderr wf-stock adjust MUG-1 0 --at BER/A-01 --reason none
	assert_equal "$stderr" "wf-stock: DELTA: must not be zero"
	run -2 --separate-stderr wf-stock adjust MUG-1 -1 --at BER/A-01
	assert_equal "${stderr_lines[0]}" "wf-stock: adjust: --reason is required"
}

@test "count books the difference as an adjustment with reason count and records the count" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	run -0 --separate-stderr wf-stock count MUG-1 7 --at BER/A-01
	assert_output '{"type":"count","sku":"MUG-1","bin":"BER/A-01","counted":7,"recorded":10,"delta":-3,"adjustment":"ADJ-1"}'
	run -0 sql "SELECT reason, delta, state FROM adjustment; SELECT action, qty FROM movement WHERE id = 2"
	assert_output $'count|-3|applied\ncount|3'
	run -0 wf log sku MUG-1
	assert_line --partial '"action":"count","machine":null,"from":null,"to":null,"data":{"bin":"BER/A-01","counted":7,"recorded":10,"delta":-3,"adjustment":"ADJ-1"}'
	run -0 --separate-stderr wf-stock count MUG-1 7 --at BER/A-01
	assert_output --partial '"delta":0,"adjustment":null'
	run -0 sql "SELECT count(*) FROM adjustment"
	assert_output 1
}

@test "count below what is reserved in the bin is refused" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 6 --warehouse BER --ref shop:1 >/dev/null
	run -1 --separate-stderr wf-stock count MUG-1 5 --at BER/A-01
	assert_equal "$stderr" "wf-stock: counted 5 MUG-1 at BER/A-01 but 6 are reserved there; unreserve or move the reservations before booking this count"
	run -0 --separate-stderr wf-stock count MUG-1 8 --at BER/A-01
	assert_output --partial '"counted":8,"recorded":10,"delta":-2'
	[ "$(level MUG-1 BER reserved)" = 6 ]
	[ "$(level MUG-1 BER available)" = 2 ]
}

# ---- reservations ---------------------------------------------------------

@test "reserve takes pick bins before bulk, each by code" {
	catalogue
	wf-stock bin add BER/A-00 >/dev/null
	wf-stock receive MUG-1 10 --to BER/B-01 >/dev/null
	wf-stock receive MUG-1 3 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 2 --to BER/A-00 >/dev/null
	run -0 --separate-stderr wf-stock reserve MUG-1 8 --warehouse BER --ref shop:1001
	assert_output '{"type":"reservation","sku":"MUG-1","warehouse":"BER","ref":"shop:1001","action":"reserve","requested":8,"qty":8,"allocations":[{"bin":"BER/A-00","qty":2,"movement":4},{"bin":"BER/A-01","qty":3,"movement":5},{"bin":"BER/B-01","qty":3,"movement":6}]}'
}

@test "a reservation that does not fit is refused whole" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 5 --to BER/Q-01 >/dev/null
	wf-stock receive MUG-1 9 --to MUC/A-01 >/dev/null
	run -1 --separate-stderr wf-stock reserve MUG-1 6 --warehouse BER --ref shop:1
	assert_equal "$stderr" "wf-stock: insufficient stock: BER has 5 MUG-1 available, 6 requested for shop:1"
	run -0 sql "SELECT count(*) FROM movement WHERE action = 'reserve'"
	assert_output 0
	run -0 --separate-stderr wf-stock reserve MUG-1 6 --warehouse BER --ref shop:1 --partial
	assert_output --partial '"requested":6,"qty":5'
}

@test "unreserve gives back only what REF holds" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 4 --warehouse BER --ref shop:1 >/dev/null
	wf-stock reserve MUG-1 3 --warehouse BER --ref shop:2 >/dev/null
	run -1 --separate-stderr wf-stock unreserve MUG-1 5 --warehouse BER --ref shop:1
	assert_equal "$stderr" "wf-stock: only 4 MUG-1 reserved for shop:1 at BER, 5 to unreserve"
	run -0 --separate-stderr wf-stock unreserve MUG-1 4 --warehouse BER --ref shop:1
	assert_output --partial '"action":"unreserve","requested":4,"qty":4'
	[ "$(level MUG-1 BER reserved)" = 3 ]
	[ "$(level MUG-1 BER available)" = 7 ]
}

@test "a paused warehouse takes no reservations" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	sql "UPDATE warehouse SET state = 'paused' WHERE code = 'BER'"
	run -1 --separate-stderr wf-stock reserve MUG-1 1 --warehouse BER --ref shop:1
	assert_equal "$stderr" "wf-stock: warehouse BER is paused; nothing can be reserved there"
}

@test "pick, pack and ship move REF's units on, and refuse what REF does not hold" {
	catalogue
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 4 --warehouse BER --ref shop:1 >/dev/null
	run -1 --separate-stderr wf-stock pick MUG-1 5 --warehouse BER --ref shop:1
	assert_equal "$stderr" "wf-stock: only 4 MUG-1 reserved for shop:1, 5 needed"
	run -0 --separate-stderr wf-stock pick MUG-1 4 --warehouse BER --ref shop:1
	assert_output '{"type":"handling","sku":"MUG-1","warehouse":"BER","ref":"shop:1","action":"pick","qty":4,"from_state":"reserved","to_state":"picked"}'
	wf-stock pack MUG-1 4 --warehouse BER --ref shop:1 >/dev/null
	[ "$(level MUG-1 BER packed)" = 4 ]
	wf-stock ship MUG-1 4 --warehouse BER --ref shop:1 >/dev/null
	[ "$(level MUG-1 BER on_hand)" = 6 ]
	[ "$(level MUG-1 BER packed)" = 0 ]
	run -0 sql "SELECT to_bin IS NULL, to_state FROM movement WHERE action = 'ship'"
	assert_output '1|shipped'
	run -0 wf check
}

# ---- the arithmetic of a realistic day ----------------------------------------

@test "levels and value add up after receive, move, reserve, pick, damage, count, unreserve" {
	catalogue
	wf-stock receive MUG-1 20 --to BER/B-01 --cost 4.00 >/dev/null        # 20 @ 4.00
	wf-stock receive MUG-1 10 --to BER/B-01 --cost 5.50 >/dev/null        # avg (80+55)/30 = 4.50
	wf-stock move MUG-1 12 --from BER/B-01 --to BER/A-01 >/dev/null       # A 12, B 18
	wf-stock reserve MUG-1 15 --warehouse BER --ref shop:1 >/dev/null     # A 12 + B 3 reserved
	wf-stock pick MUG-1 5 --warehouse BER --ref shop:1 >/dev/null         # B 3 then A 2 picked
	wf-stock damage MUG-1 2 --at BER/B-01 --reason dropped >/dev/null     # B: 15 free -> 13, 2 damaged
	wf-stock count MUG-1 12 --at BER/B-01 >/dev/null                      # B: 13 recorded -> -1
	wf-stock unreserve MUG-1 4 --warehouse BER --ref shop:1 >/dev/null    # 10 reserved -> 6 (A)
	wf-stock receive TEE-M 3 --to MUC/A-01 >/dev/null                     # no cost: valued at 6.00
	run -0 --separate-stderr wf-stock levels
	assert_line -n 0 '{"type":"level","sku":"MUG-1","warehouse":"BER","on_hand":22,"reserved":6,"available":16,"promised":0,"atp":16,"inbound":0,"picked":5,"packed":0,"damaged":2,"returned":0,"quarantine":0,"unusable":0}'
	assert_line -n 1 '{"type":"level","sku":"TEE-M","warehouse":"MUC","on_hand":3,"reserved":0,"available":3,"promised":0,"atp":3,"inbound":0,"picked":0,"packed":0,"damaged":0,"returned":0,"quarantine":0,"unusable":0}'
	run -0 --separate-stderr wf-stock levels --by bin --sku MUG-1
	assert_line -n 0 --partial '"bin":"BER/A-01","on_hand":10,"reserved":6,"available":4,"inbound":0,"picked":2,'
	assert_line -n 1 --partial '"bin":"BER/B-01","on_hand":12,"reserved":0,"available":12,"inbound":0,"picked":3,"packed":0,"damaged":2,'
	run -0 --separate-stderr wf-stock levels --by sku
	assert_line -n 0 --partial '"sku":"MUG-1","on_hand":22,'
	run -0 --separate-stderr wf-stock value
	assert_line -n 0 '{"type":"value","sku":"MUG-1","warehouse":"BER","qty":27,"unit_cost":"4.50","value":"121.50","currency":"EUR"}'
	assert_line -n 1 '{"type":"value","sku":"TEE-M","warehouse":"MUC","qty":3,"unit_cost":"6.00","value":"18.00","currency":"EUR"}'
	assert_line -n 2 '{"type":"value_total","currency":"EUR","qty":30,"value":"139.50"}'
	run -0 --separate-stderr wf-stock value --warehouse MUC
	assert_line -n 1 '{"type":"value_total","currency":"EUR","qty":3,"value":"18.00"}'
	run -0 --separate-stderr wf check
	assert_output ''
}

@test "moving average cost rounds half away from zero" {
	catalogue
	wf-stock receive MUG-1 2 --to BER/A-01 --cost 1.00 >/dev/null
	wf-stock receive MUG-1 1 --to BER/A-01 --cost 1.01 >/dev/null    # 301/3 = 100.33 -> 1.00
	run -0 sql "SELECT avg_cost FROM sku WHERE code = 'MUG-1'"
	assert_output 100
	wf-stock receive MUG-1 1 --to BER/A-01 --cost 1.02 >/dev/null    # (300+102)/4 = 100.5 -> 1.01
	run -0 sql "SELECT avg_cost FROM sku WHERE code = 'MUG-1'"
	assert_output 101
}

@test "levels for a SKU without stock is one row of zeros; unknown filters exit 1" {
	catalogue
	run -0 --separate-stderr wf-stock levels --sku MUG-1
	assert_output '{"type":"level","sku":"MUG-1","warehouse":null,"on_hand":0,"reserved":0,"available":0,"promised":0,"atp":0,"inbound":0,"picked":0,"packed":0,"damaged":0,"returned":0,"quarantine":0,"unusable":0}'
	run -1 --separate-stderr wf-stock levels --sku NOPE
	assert_equal "$stderr" "wf-stock: unknown SKU 'NOPE'"
	run -1 --separate-stderr wf-stock levels --warehouse NOPE
	assert_equal "$stderr" "wf-stock: unknown warehouse 'NOPE'"
	run -2 --separate-stderr wf-stock levels --by colour
	assert_equal "${stderr_lines[0]}" "wf-stock: --by: expected sku, warehouse or bin, got 'colour'"
}

@test "stock on hand in a quarantine bin is not available and shows as unusable" {
	catalogue
	wf-stock receive MUG-1 4 --to BER/Q-01 >/dev/null
	run -0 --separate-stderr wf-stock levels --sku MUG-1
	assert_output --partial '"on_hand":0,"reserved":0,"available":0,'
	assert_output --partial '"unusable":4'
}

@test "ledger filters by SKU, reference and time" {
	catalogue
	WF_NOW=2026-11-18T09:00:00Z wf-stock receive MUG-1 5 --to BER/A-01 --ref DN-1 >/dev/null
	wf-stock receive TEE-M 5 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 2 --warehouse BER --ref shop:7 >/dev/null
	run -0 --separate-stderr wf-stock ledger
	assert_equal "${#lines[@]}" 3
	run -0 --separate-stderr wf-stock ledger --sku TEE-M
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf-stock ledger --ref shop:7
	assert_output --partial '"action":"reserve"'
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf-stock ledger --ref DN-1
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf-stock ledger --since 2026-11-19
	assert_equal "${#lines[@]}" 2
	run -0 --separate-stderr wf-stock ledger --sku MUG-1 --since -1d
	assert_equal "${#lines[@]}" 1
}

# ---- apply ----------------------------------------------------------------

@test "apply books every line in one transaction" {
	catalogue
	run -0 --separate-stderr wf-stock apply <<'EOF'
{"type":"movement","action":"receive","sku":"MUG-1","qty":20,"to":"BER/A-01","cost":"4.00"}
{"type":"movement","action":"move","sku":"MUG-1","qty":5,"from":"BER/A-01","to":"BER/B-01"}
{"type":"movement","action":"reserve","sku":"MUG-1","qty":3,"warehouse":"BER","ref":"shop:1"}
{"type":"movement","action":"adjust","sku":"MUG-1","delta":-1,"at":"BER/B-01","reason":"broken"}
{"type":"movement","action":"damage","sku":"MUG-1","qty":1,"at":"BER/B-01"}
{"type":"movement","action":"count","sku":"MUG-1","qty":14,"at":"BER/A-01"}
EOF
	assert_equal "${#lines[@]}" 6
	assert_line -n 5 --partial '"type":"count"'
	[ "$(level MUG-1 BER on_hand)" = 17 ]
	[ "$(level MUG-1 BER reserved)" = 3 ]
	run -0 wf check
}

@test "a movement line that fails validation exits 3 with its line number, nothing applied" {
	catalogue
	run -3 --separate-stderr wf-stock apply <<'EOF'
{"type":"movement","action":"receive","sku":"MUG-1","qty":20,"to":"BER/A-01"}
{"type":"movement","action":"receive","sku":"MUG-1","qty":-3,"to":"BER/A-01"}
EOF
	assert_output ''
	assert_equal "$stderr" "wf-stock: stdin:2: qty: expected a positive integer, got -3 (nothing applied)"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "apply refuses other bad lines the same way" {
	catalogue
	run -3 --separate-stderr wf-stock apply <<<'{"type":"order","action":"receive"}'
	assert_equal "$stderr" 'wf-stock: stdin:1: type: expected "movement", got "order" (nothing applied)'
	run -3 --separate-stderr wf-stock apply <<<'{"action":"teleport","sku":"MUG-1","qty":1}'
	assert_equal "$stderr" "wf-stock: stdin:1: action: expected receive, move, adjust, damage, count, reserve, unreserve, pick, pack or ship, got 'teleport' (nothing applied)"
	run -3 --separate-stderr wf-stock apply <<<'{"action":"receive","sku":"MUG-1","qty":1}'
	assert_equal "$stderr" "wf-stock: stdin:1: to: required for receive (nothing applied)"
	run -3 --separate-stderr wf-stock apply <<<'{"action":"receive","sku":"MUG-1","qty":1,"to":"BER/A-01","cost":4}'
	assert_equal "$stderr" 'wf-stock: stdin:1: cost: expected a decimal string like "4.10" (nothing applied)'
}

@test "a refused movement in apply exits 1 naming its line, nothing applied" {
	catalogue
	run -1 --separate-stderr wf-stock apply <<'EOF'
{"action":"receive","sku":"MUG-1","qty":2,"to":"BER/A-01"}
{"action":"move","sku":"MUG-1","qty":3,"from":"BER/A-01","to":"BER/B-01"}
EOF
	assert_equal "$stderr" "wf-stock: stdin:2: insufficient stock: BER/A-01 has 2 MUG-1 on_hand, 3 needed (nothing applied)"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "apply --keep-going applies the good lines" {
	catalogue
	run -3 --separate-stderr wf-stock apply --keep-going <<'EOF'
{"action":"receive","sku":"MUG-1","qty":2,"to":"BER/A-01"}
{"action":"receive","sku":"NOPE","qty":2,"to":"BER/A-01"}
{"action":"receive","sku":"MUG-1","qty":3,"to":"BER/A-01"}
EOF
	assert_equal "${#lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "wf-stock: stdin:2: unknown SKU 'NOPE'"
	assert_equal "${stderr_lines[1]}" "wf-stock: 1 bad line skipped; 2 applied"
	[ "$(level MUG-1 BER on_hand)" = 5 ]
}

@test "--dry-run prints what would happen and writes nothing" {
	catalogue
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --dry-run
	assert_output --partial '"action":"receive"'
	assert_equal "$stderr" "wf-stock: dry run: nothing was written"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "wf check finds an applied adjustment its movement does not book" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	wf-stock adjust MUG-1 -3 --at BER/A-01 --reason lost >/dev/null
	sql "UPDATE adjustment SET delta = -4"
	run -1 --separate-stderr wf check --only stock.adjustment
	assert_output '{"type":"violation","check":"stock.adjustment","record":"adjustment","ref":"ADJ-1","detail":"applied delta -4 does not match its movement"}'
}

@test "wf check finds a balance that disagrees with the ledger" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	sql "UPDATE balance SET qty = 7"
	run -1 --separate-stderr wf check
	assert_output '{"type":"violation","check":"stock.balance","record":"sku","ref":"MUG-1","detail":"BER/A-01 on_hand: balance says 7, the ledger says 5"}'
}

@test "wf check finds a held balance that disagrees with the ledger, naming its holder" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 3 --warehouse BER --ref fair >/dev/null
	wf-stock reserve MUG-1 1 --warehouse BER --ref show >/dev/null
	run -0 --separate-stderr wf check
	# who holds the units, by hand: the totals by state still agree
	sql "UPDATE held SET qty = 2 WHERE holder = 'ref fair'; UPDATE held SET qty = 2 WHERE holder = 'ref show'"
	run -1 --separate-stderr wf check
	assert_output $'{"type":"violation","check":"stock.balance","record":"sku","ref":"MUG-1","detail":"BER/A-01 reserved for ref fair: held says 2, the ledger says 3"}\n{"type":"violation","check":"stock.balance","record":"sku","ref":"MUG-1","detail":"BER/A-01 reserved for ref show: held says 2, the ledger says 1"}'
	# a held balance gone is named too
	sql "DELETE FROM held WHERE holder = 'ref show'; UPDATE held SET qty = 3"
	run -1 --separate-stderr wf check
	assert_output '{"type":"violation","check":"stock.balance","record":"sku","ref":"MUG-1","detail":"BER/A-01 reserved for ref show: held says 0, the ledger says 1"}'
	# and the total by state, which no one holder shows
	sql "INSERT INTO held SELECT 'ref show', sku_id, bin_id, state, 1 FROM held; UPDATE balance SET qty = 5 WHERE state = 'reserved'"
	run -1 --separate-stderr wf check
	assert_output '{"type":"violation","check":"stock.balance","record":"sku","ref":"MUG-1","detail":"BER/A-01 reserved: balance says 5, the ledger says 4"}'
}

@test "a take past what its holder holds is refused whole, though the bin holds more of that state" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	wf-stock reserve MUG-1 3 --warehouse BER --ref fair >/dev/null
	wf-stock reserve MUG-1 1 --warehouse BER --ref show >/dev/null
	run ! --separate-stderr sql "INSERT INTO movement (at, actor, action, sku_id, qty, from_bin, from_state, to_bin, to_state, holder) SELECT '2026-11-20T09:00:00Z', 'x', 'unreserve', s.id, 2, b.id, 'reserved', b.id, 'on_hand', 'ref show' FROM sku s, bin b WHERE s.code = 'MUG-1' AND b.code = 'A-01'"
	[[ $stderr == *"wf: insufficient stock"* ]]
	run -1 --separate-stderr wf-stock unreserve MUG-1 2 --warehouse BER --ref show
	assert_output ''
	assert_equal "$stderr" 'wf-stock: only 1 MUG-1 reserved for show at BER, 2 to unreserve'
	run -1 --separate-stderr wf-stock pick MUG-1 4 --warehouse BER --ref fair
	assert_equal "$stderr" 'wf-stock: only 3 MUG-1 reserved for fair, 4 needed'
	run -0 sql "SELECT holder, qty FROM held ORDER BY 1; SELECT state, qty FROM balance ORDER BY 1"
	assert_output $'ref fair|3\nref show|1\non_hand|1\nreserved|4'
	# all of it leaves no row behind
	run -0 --separate-stderr wf-stock unreserve MUG-1 1 --warehouse BER --ref show
	run -0 sql "SELECT holder, qty FROM held ORDER BY 1"
	assert_output 'ref fair|3'
}

@test "eight processes reserving at once never over-reserve and never fail busy" {
	catalogue
	wf-stock receive MUG-1 20 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 10 --to BER/B-01 >/dev/null
	for i in 1 2 3 4 5 6 7 8; do
		( rc=0
		  wf-stock reserve MUG-1 5 --warehouse BER --ref "shop:$i" \
		    >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" || rc=$?
		  echo "$rc" >"$BATS_TEST_TMPDIR/rc.$i" ) &
	done
	wait
	ok=0 refused=0
	for i in 1 2 3 4 5 6 7 8; do
		case $(cat "$BATS_TEST_TMPDIR/rc.$i") in
		0) ok=$((ok + 1)) ;;
		1) refused=$((refused + 1))
		   grep -q 'insufficient stock' "$BATS_TEST_TMPDIR/err.$i" ;;
		*) cat "$BATS_TEST_TMPDIR/err.$i"; false ;;
		esac
	done
	[ "$ok" = 6 ]
	[ "$refused" = 2 ]
	[ "$(level MUG-1 BER reserved)" = 30 ]
	[ "$(level MUG-1 BER available)" = 0 ]
	run -0 --separate-stderr wf check
	assert_output ''
}

# ---- wf-records(5) ----------------------------------------------------------

@test "the catalogue records are documented in wf-records(5)" {
	run -0 --separate-stderr wf-stock warehouse add BER --name Berlin --country DE --capacity 500 --format jsonl
	documented warehouse
	run -0 --separate-stderr wf-stock bin add BER/A-01 --format jsonl
	documented bin
	run -0 --separate-stderr wf-stock sku add MUG-1 --title Mug --cost 4.00 --price 12.50 --format jsonl
	documented sku
	run -0 --separate-stderr wf-stock sku import --format jsonl <<<'{"type":"sku","sku":"TEE-M","title":"T-shirt M","cost":"6.00"}'
	documented sku
	run -0 --separate-stderr wf-stock sku list --format jsonl
	documented sku
	run -0 --separate-stderr wf-stock sku show MUG-1 --format jsonl
	documented sku
	documented level
}

@test "the ledger's records are documented in wf-records(5)" {
	catalogue
	run -0 --separate-stderr wf-stock receive MUG-1 20 --to BER/B-01 --cost 4.50 --ref DN-1 --format jsonl
	documented movement
	run -0 --separate-stderr wf-stock move MUG-1 5 --from BER/B-01 --to BER/A-01 --format jsonl
	documented movement
	run -0 --separate-stderr wf-stock damage MUG-1 1 --at BER/B-01 --reason dropped --format jsonl
	documented movement
	run -0 --separate-stderr wf-stock adjust MUG-1 -1 --at BER/B-01 --reason broken --format jsonl
	documented adjustment
	run -0 --separate-stderr wf-stock count MUG-1 3 --at BER/A-01 --format jsonl
	documented count
	run -0 --separate-stderr wf-stock ledger --format jsonl
	documented movement
}

@test "the reservation and handling records are documented in wf-records(5)" {
	catalogue
	wf-stock receive MUG-1 3 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 10 --to BER/B-01 >/dev/null
	run -0 --separate-stderr wf-stock reserve MUG-1 6 --warehouse BER --ref shop:1001 --format jsonl
	documented reservation
	run -0 --separate-stderr wf-stock unreserve MUG-1 1 --warehouse BER --ref shop:1001 --format jsonl
	documented reservation
	run -0 --separate-stderr wf-stock pick MUG-1 5 --warehouse BER --ref shop:1001 --format jsonl
	documented handling
	run -0 --separate-stderr wf-stock pack MUG-1 5 --warehouse BER --ref shop:1001 --format jsonl
	documented handling
	run -0 --separate-stderr wf-stock ship MUG-1 5 --warehouse BER --ref shop:1001 --format jsonl
	documented handling
}

@test "the levels and value records are documented in wf-records(5)" {
	catalogue
	wf-stock receive MUG-1 20 --to BER/A-01 --cost 4.00 >/dev/null
	wf-stock receive TEE-M 5 --to MUC/A-01 >/dev/null
	wf-stock reserve MUG-1 2 --warehouse BER --ref shop:1001 >/dev/null
	local by
	for by in sku warehouse bin; do
		run -0 --separate-stderr wf-stock levels --by "$by" --format jsonl
		documented level
	done
	run -0 --separate-stderr wf-stock value --format jsonl
	documented value
	documented value_total
}

@test "the records wf-stock apply prints are documented in wf-records(5)" {
	catalogue
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"type":"movement","action":"receive","sku":"MUG-1","qty":20,"to":"BER/A-01","cost":"4.00","ref":"DN-1"}
	{"type":"movement","action":"move","sku":"MUG-1","qty":5,"from":"BER/A-01","to":"BER/B-01"}
	{"type":"movement","action":"adjust","sku":"MUG-1","delta":-1,"at":"BER/B-01","reason":"broken"}
	{"type":"movement","action":"count","sku":"MUG-1","qty":14,"at":"BER/A-01"}
	{"type":"movement","action":"reserve","sku":"MUG-1","qty":3,"warehouse":"BER","ref":"shop:1001"}
	{"type":"movement","action":"pick","sku":"MUG-1","qty":3,"warehouse":"BER","ref":"shop:1001"}
	EOF
	run -0 --separate-stderr wf-stock apply --format jsonl <"$BATS_TEST_TMPDIR/in"
	documented movement
	documented adjustment
	documented count
	documented reservation
	documented handling
}

@test "apply refuses a ledger row, so piping the ledger back never books twice" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 >/dev/null
	run -3 --separate-stderr wf-stock apply < <(wf-stock ledger)
	assert_equal "$stderr" 'wf-stock: stdin:1: movement: this is a ledger row that was already booked; apply takes new movements (drop "movement" to book it again on purpose) (nothing applied)'
	[ "$(level MUG-1 BER on_hand)" = 5 ]
}

@test "value totals every currency, however many there are" {
	wf-stock warehouse add BER >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	for c in EUR USD GBP JPY CHF SEK NOK DKK PLN CZK; do
		wf-stock sku add "X-$c" --currency "$c" --cost 1 >/dev/null
		wf-stock receive "X-$c" 2 --to BER/A-01 >/dev/null
	done
	run -0 --separate-stderr wf-stock value
	assert_equal "$(grep -c '"type":"value_total"' <<<"$output")" 10
	assert_line '{"type":"value_total","currency":"JPY","qty":2,"value":"2"}'
}

@test "a ledger table shows the columns an operator reads first" {
	catalogue
	wf-stock receive MUG-1 5 --to BER/A-01 --ref DN-1 >/dev/null
	run -0 --separate-stderr wf-stock ledger --format table
	assert_line -n 0 --regexp '^MOVEMENT +AT +ACTION +SKU +QTY +FROM +TO +TO STATE +HOLDER +REF$'
}
