#!/usr/bin/env bats
# wf-po: suppliers, purchase orders, receiving and supplier follow-up.
# The clock is WF_NOW=2026-11-20T09:00:00Z unless a test moves it.

load helper
load man

setup() {
	wf_setup
	wf_init
}

# Two warehouses with a pick bin each, two EUR SKUs, one JPY SKU, one
# supplier with a 14-day lead time, 2 days to confirm, chased every 3 days.
catalogue() {
	wf-stock warehouse add BER --name Berlin >/dev/null
	wf-stock warehouse add MUC --name Munich >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --title Mug --cost 4.00 >/dev/null
	wf-stock sku add TEE-M --title "T-shirt M" --cost 6.00 >/dev/null
	wf-stock sku add YEN-1 --currency JPY --cost 500 >/dev/null
	wf-po supplier add ACME --name "Acme Mugs" --email orders@acme.example \
	    --lead-time 14 --confirm-within 2 --follow-up-every 3 >/dev/null
}

# PO-1: 20 MUG-1 at 4.10 and 10 TEE-M at 6.00 into BER, sent.
sent_po() {
	wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10 >/dev/null
	wf-po send PO-1 >/dev/null
}

level() {	# level SKU WH FIELD
	wf-stock levels --sku "$1" --warehouse "$2" | jq -r ".$3"
}

po() {		# po PO JQ: a field of the PO's record
	wf-po show "$1" | head -n 1 | jq -c "$2"
}

at() {		# at TIME wf-po ARGS...: run at another time
	local t=$1
	shift
	WF_NOW=$t "$@"
}

check_clean() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# ---- suppliers ------------------------------------------------------------

@test "supplier add creates with defaults, then reports unchanged, then updated with an event" {
	run -0 --separate-stderr wf-po supplier add ACME --name "Acme Mugs"
	assert_output '{"type":"supplier","supplier":"ACME","result":"created","name":"Acme Mugs","email":null,"lead_time_days":14,"confirm_within_days":2,"follow_up_every_days":3,"owner":"purchasing","state":"active"}'
	run -0 --separate-stderr wf-po supplier add ACME --name "Acme Mugs"
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-po supplier add ACME --email orders@acme.example --lead-time 21
	assert_output --partial '"result":"updated","name":"Acme Mugs","email":"orders@acme.example","lead_time_days":21'
	run -0 wf log supplier ACME
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"action":"create","machine":"supplier","from":null,"to":"active"'
	assert_line -n 1 --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"email":{"from":null,"to":"orders@acme.example"},"lead_time_days":{"from":14,"to":21}}'
}

@test "supplier add needs a name for a new supplier and checks every field" {
	run -2 --separate-stderr wf-po supplier add ACME --email a@b.example
	assert_equal "$stderr" "wf-po: supplier 'ACME' is new: --name is required"
	run -2 --separate-stderr wf-po supplier add 'AC ME' --name x
	assert_equal "$stderr" "wf-po: supplier: expected 1-32 letters, digits, '.', '_' or '-', got 'AC ME'"
	run -2 --separate-stderr wf-po supplier add ACME --name x --email not-an-address
	assert_equal "$stderr" "wf-po: email: expected one address like orders@example.com, got 'not-an-address'"
	run -2 --separate-stderr wf-po supplier add ACME --name x --follow-up-every 0
	assert_equal "$stderr" "wf-po: --follow-up-every: expected a positive integer, got '0'"
	run -2 --separate-stderr wf-po supplier add ACME --name x --lead-time soon
	assert_equal "$stderr" "wf-po: --lead-time: expected an integer from 0 to 3650, got 'soon'"
	run -0 sql "SELECT count(*) FROM supplier"
	assert_output 0
}

@test "supplier list, show, pause and resume" {
	catalogue
	wf-po supplier add BETA --name Beta --owner buyer-anna >/dev/null
	run -0 --separate-stderr wf-po supplier list
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"supplier":"ACME"'
	assert_line -n 1 --partial '"supplier":"BETA","name":"Beta","email":null'
	run -0 --separate-stderr wf-po supplier pause ACME
	assert_output --partial '"state":"paused"'
	run -1 --separate-stderr wf-po supplier pause ACME
	assert_equal "$stderr" "wf-po: supplier ACME: cannot pause when paused (legal from paused: resume)"
	run -0 --separate-stderr wf-po supplier show ACME
	assert_output --partial '"supplier":"ACME","name":"Acme Mugs"'
	run -1 --separate-stderr wf-po supplier show NOPE
	assert_equal "$stderr" "wf-po: unknown supplier 'NOPE'"
	run -0 --separate-stderr wf-po supplier resume ACME
	assert_output --partial '"state":"active"'
	check_clean
}

@test "a paused supplier gets no new orders and nothing sent" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po supplier pause ACME >/dev/null
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5
	assert_equal "$stderr" "wf-po: supplier ACME is paused; resume it before ordering"
	run -1 --separate-stderr wf-po send PO-1
	assert_equal "$stderr" "wf-po: supplier ACME is paused; resume it before sending PO-1"
	run -0 po PO-1 .state
	assert_output '"draft"'
}

# ---- create -------------------------------------------------------------------

@test "create prints the draft PO with its expected date, lines, total and owner" {
	catalogue
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10
	assert_output '{"type":"po","po":"PO-1","supplier":"ACME","warehouse":"BER","state":"draft","currency":"EUR","expected":"2026-12-04T09:00:00Z","confirmed_for":null,"lines":[{"sku":"MUG-1","qty":20,"received":0,"open":20,"unit_cost":"4.10","cancelled":0},{"sku":"TEE-M","qty":10,"received":0,"open":10,"unit_cost":"6.00","cancelled":0}],"total":"142.00","owner":"purchasing","sent_at":null,"confirmed_at":null,"reason":null}'
	run -0 wf log po PO-1
	assert_equal "${#lines[@]}" 1
	assert_line -n 0 --partial '"action":"create","machine":"po","from":null,"to":"draft","data":{"type":"po","po":"PO-1"'
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
	check_clean
}

@test "create takes --expected and --owner; the owner defaults to the supplier's" {
	catalogue
	wf-po supplier add BETA --name Beta --owner buyer-anna --lead-time 3 >/dev/null
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER --expected 2026-12-24 --owner ben MUG-1:1
	assert_output --partial '"expected":"2026-12-24T00:00:00Z"'
	assert_output --partial '"owner":"ben"'
	run -0 --separate-stderr wf-po create --supplier BETA --warehouse MUC MUG-1:1
	assert_output --partial '"po":"PO-2","supplier":"BETA","warehouse":"MUC","state":"draft","currency":"EUR","expected":"2026-11-23T09:00:00Z"'
	assert_output --partial '"owner":"buyer-anna"'
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER --expected tomorrow MUG-1:1
	assert_equal "$stderr" "wf-po: --expected: expected a time (2026-11-20T09:14:00Z) or an offset from now (-7d, -24h, -30m, +2d), got 'tomorrow'"
}

@test "create takes po_line records on stdin when no lines are given" {
	catalogue
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER <<'EOF'
{"type":"po_line","sku":"MUG-1","qty":20,"cost":"3.90"}
{"sku":"TEE-M","qty":4}
EOF
	assert_output --partial '"lines":[{"sku":"MUG-1","qty":20,"received":0,"open":20,"unit_cost":"3.90","cancelled":0},{"sku":"TEE-M","qty":4,"received":0,"open":4,"unit_cost":"6.00","cancelled":0}],"total":"102.00"'
	check_clean
}

@test "a bad po_line on stdin exits 3 naming its line, and creates nothing" {
	catalogue
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<'EOF'
{"type":"po_line","sku":"MUG-1","qty":20}
{"type":"po_line","sku":"TEE-M","qty":0}
EOF
	assert_equal "$stderr" "wf-po: stdin:2: qty: expected a positive integer, got 0 (nothing applied)"
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<<'{"type":"po_line","sku":"MUG-1","qty":2,"cost":"3.999"}'
	assert_equal "$stderr" "wf-po: stdin:1: cost: '3.999' has more decimals than EUR allows (2)"
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<<'{"type":"po_line","sku":"MUG-1","qty":2,"cost":3.99}'
	assert_equal "$stderr" 'wf-po: stdin:1: cost: expected a decimal string like "4.10" (nothing applied)'
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<<'{"type":"po","sku":"MUG-1","qty":2}'
	assert_equal "$stderr" 'wf-po: stdin:1: type: expected "po_line", got "po" (nothing applied)'
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse BER <<<'{"sku":"NOPE","qty":2}'
	assert_equal "$stderr" "wf-po: stdin:1: unknown SKU 'NOPE'"
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER </dev/null
	assert_equal "$stderr" "wf-po: no lines: give SKU:QTY[@COST] arguments or po_line records on stdin"
	run -0 sql "SELECT count(*) FROM po; SELECT count(*) FROM po_line"
	assert_output $'0\n0'
}

@test "a total past the largest amount is refused, not an internal error (fuzz_po)" {
	catalogue
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:9007199254740991@9999.99
	assert_output ''
	assert_equal "$stderr" "wf-po: SKU 'MUG-1': 9007199254740991 at 9999.99 each takes the order's total out of range"
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<EOF
{"sku":"TEE-M","qty":1}
{"sku":"MUG-1","qty":2251799813685247}
EOF
	assert_equal "$stderr" "wf-po: stdin:2: SKU 'MUG-1': 2251799813685247 at 4.00 each takes the order's total out of range"
	run -0 sql "SELECT count(*) FROM po; SELECT count(*) FROM po_line"
	assert_output $'0\n0'
}

@test "bad SKU:QTY@COST syntax exits 2 and creates nothing" {
	catalogue
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1
	assert_equal "$stderr" "wf-po: 'MUG-1': expected SKU:QTY[@COST], e.g. MUG-1:20@4.10"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:x
	assert_equal "$stderr" "wf-po: 'MUG-1:x': expected SKU:QTY[@COST], e.g. MUG-1:20@4.10"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:0
	assert_equal "$stderr" "wf-po: 'MUG-1:0': the quantity must be a positive integer"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER :5
	assert_equal "$stderr" "wf-po: ':5': expected SKU:QTY[@COST], e.g. MUG-1:20@4.10"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5@4,10
	assert_equal "$stderr" "wf-po: 'MUG-1:5@4,10': the cost must be a decimal like 4.10, got '4,10'"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5@
	assert_equal "$stderr" "wf-po: 'MUG-1:5@': the cost must be a decimal like 4.10, got ''"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5@4.105
	assert_equal "$stderr" "wf-po: MUG-1: cost: '4.105' has more decimals than EUR allows (2)"
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5 MUG-1:3
	assert_equal "$stderr" "wf-po: SKU 'MUG-1' is on the order twice; give one line per SKU"
	run -2 --separate-stderr wf-po create --warehouse BER MUG-1:5
	assert_equal "${stderr_lines[0]}" "wf-po: create: --supplier is required (or --from-suggestions)"
	run -0 sql "SELECT count(*) FROM po"
	assert_output 0
}

@test "a SKU whose code holds ':' and '@' is split at the last ':'" {
	catalogue
	wf-stock sku add 'MUG:2@X' --cost 1.00 >/dev/null
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER 'MUG:2@X:3@1.50'
	assert_output --partial '"lines":[{"sku":"MUG:2@X","qty":3,"received":0,"open":3,"unit_cost":"1.50"'
}

@test "unknown supplier, warehouse or SKU exits 1 naming it, and creates nothing" {
	catalogue
	run -1 --separate-stderr wf-po create --supplier NOPE --warehouse BER MUG-1:5
	assert_equal "$stderr" "wf-po: unknown supplier 'NOPE'"
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse NOPE MUG-1:5
	assert_equal "$stderr" "wf-po: unknown warehouse 'NOPE'"
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5 NOPE:1
	assert_equal "$stderr" "wf-po: unknown SKU 'NOPE'"
	run -1 --separate-stderr wf-po send PO-9
	assert_equal "$stderr" "wf-po: unknown purchase order 'PO-9'"
	run -2 --separate-stderr wf-po send 9
	assert_equal "$stderr" "wf-po: expected a purchase order like PO-7, got '9'"
	run -0 sql "SELECT count(*) FROM po"
	assert_output 0
}

@test "a PO is in one currency, and every line needs a cost" {
	catalogue
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:5 YEN-1:2
	assert_equal "$stderr" "wf-po: a purchase order is in one currency: MUG-1 is in EUR, YEN-1 in JPY"
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER YEN-1:2
	assert_output --partial '"currency":"JPY","expected":"2026-12-04T09:00:00Z","confirmed_for":null,"lines":[{"sku":"YEN-1","qty":2,"received":0,"open":2,"unit_cost":"500","cancelled":0}],"total":"1000"'
	wf-stock sku add FREE-1 >/dev/null
	run -2 --separate-stderr wf-po create --supplier ACME --warehouse BER FREE-1:2
	assert_equal "$stderr" "wf-po: SKU 'FREE-1' has no cost; give one as FREE-1:2@COST"
	wf-stock sku import <<<'{"sku":"MUG-1","state":"discontinued"}' >/dev/null
	run -1 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:2
	assert_equal "$stderr" "wf-po: SKU 'MUG-1' is discontinued; it cannot be ordered"
}

# ---- send: inbound stock ------------------------------------------------------

@test "send makes the open quantities inbound at the warehouse's inbound bin" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10 >/dev/null
	run -0 --separate-stderr wf-po send PO-1
	assert_output --partial '"po":"PO-1","supplier":"ACME","warehouse":"BER","state":"sent"'
	assert_output --partial '"sent_at":"2026-11-20T09:00:00Z"'
	run -0 --separate-stderr wf-stock levels --warehouse BER
	assert_line -n 0 '{"type":"level","sku":"MUG-1","warehouse":"BER","on_hand":0,"reserved":0,"available":0,"promised":0,"atp":0,"inbound":20,"picked":0,"packed":0,"damaged":0,"returned":0,"quarantine":0,"unusable":0}'
	assert_line -n 1 --partial '"sku":"TEE-M","warehouse":"BER","on_hand":0,"reserved":0,"available":0,"promised":0,"atp":0,"inbound":10'
	run -0 po PO-1 .expected
	assert_output '"2026-12-04T09:00:00Z"'
	run -0 --separate-stderr wf-stock ledger --ref PO-1
	assert_line -n 0 --partial '"action":"expect","sku":"MUG-1","qty":20,"from":null,"from_state":null,"to":"BER/INBOUND","to_state":"inbound","holder":"PO-1","ref":"PO-1"'
	run -0 sql "SELECT kind FROM bin WHERE code = 'INBOUND'"
	assert_output inbound
	run -0 wf log bin BER/INBOUND
	assert_line -n 0 --partial '"action":"create","machine":"bin","from":null,"to":"active"'
	check_clean
}

@test "send uses the warehouse's first inbound bin when it has one" {
	catalogue
	wf-stock bin add BER/R-02 --kind inbound >/dev/null
	wf-stock bin add BER/R-01 --kind inbound >/dev/null
	sent_po
	run -0 --separate-stderr wf-stock levels --by bin --sku MUG-1
	assert_output --partial '"bin":"BER/R-01","on_hand":0,"reserved":0,"available":0,"inbound":20'
	run -0 sql "SELECT count(*) FROM bin WHERE code = 'INBOUND'"
	assert_output 0
}

@test "send refuses when BIN INBOUND exists but is not an inbound bin" {
	catalogue
	wf-stock bin add BER/INBOUND >/dev/null
	wf-po create --supplier ACME --warehouse BER MUG-1:2 >/dev/null
	run -1 --separate-stderr wf-po send PO-1
	assert_equal "$stderr" "wf-po: warehouse BER has no inbound bin and BER/INBOUND is a pick bin; add one with 'wf-stock bin add BER/BIN --kind inbound'"
	run -0 po PO-1 .state
	assert_output '"draft"'
}

@test "--dry-run send prints the sent PO and writes nothing" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:2 >/dev/null
	run -0 --separate-stderr wf-po send PO-1 --dry-run
	assert_output --partial '"state":"sent"'
	assert_equal "$stderr" "wf-po: dry run: nothing was written"
	run -0 sql "SELECT state FROM po; SELECT count(*) FROM movement"
	assert_output $'draft\n0'
}

# ---- the lifecycle --------------------------------------------------------------

@test "the whole lifecycle: create, send, confirm, receive, close" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po confirm PO-1 --date 2026-12-02
	assert_output --partial '"state":"confirmed","currency":"EUR","expected":"2026-12-04T09:00:00Z","confirmed_for":"2026-12-02T00:00:00Z"'
	assert_output --partial '"confirmed_at":"2026-11-20T09:00:00Z"'
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 20
	assert_output --partial '"state":"partially_received"'
	run -0 --separate-stderr wf-po receive PO-1 TEE-M 10 --bin BER/A-01
	assert_output --partial '"state":"received"'
	assert_output --partial '"lines":[{"sku":"MUG-1","qty":20,"received":20,"open":0,"unit_cost":"4.10","cancelled":0},{"sku":"TEE-M","qty":10,"received":10,"open":0,"unit_cost":"6.00","cancelled":0}]'
	run -0 --separate-stderr wf-po close PO-1
	assert_output --partial '"state":"closed"'
	run -0 --separate-stderr wf-stock levels --warehouse BER
	assert_line -n 0 --partial '"sku":"MUG-1","warehouse":"BER","on_hand":20,"reserved":0,"available":20,"promised":0,"atp":20,"inbound":0'
	assert_line -n 1 --partial '"sku":"TEE-M","warehouse":"BER","on_hand":10,"reserved":0,"available":10,"promised":0,"atp":10,"inbound":0'
	run -0 --separate-stderr wf log po PO-1
	run -0 jq -c '[.action, .from, .to]' <<<"$output"
	assert_output $'["create",null,"draft"]\n["send","draft","sent"]\n["confirm","sent","confirmed"]\n["receive_part","confirmed","partially_received"]\n["receive_all","partially_received","received"]\n["close","received","closed"]'
	check_clean
}

@test "confirm without a date confirms the expected date, and may be given again" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po confirm PO-1
	assert_output --partial '"confirmed_for":"2026-12-04T09:00:00Z"'
	run -0 --separate-stderr at 2026-11-22T10:00:00Z wf-po confirm PO-1 --date 2026-12-08T12:00:00Z
	assert_output --partial '"confirmed_for":"2026-12-08T12:00:00Z"'
	assert_output --partial '"confirmed_at":"2026-11-22T10:00:00Z"'
	run -0 wf log po PO-1
	assert_line -n 3 --partial '"action":"confirm","machine":"po","from":"confirmed","to":"confirmed","data":{"confirmed_for":"2026-12-08T12:00:00Z","previous":"2026-12-04T09:00:00Z","expected":"2026-12-04T09:00:00Z"}'
	check_clean
}

@test "partial receipts move inbound to on hand line by line" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 8
	assert_output --partial '"state":"partially_received"'
	assert_output --partial '{"sku":"MUG-1","qty":20,"received":8,"open":12,"unit_cost":"4.10","cancelled":0}'
	[ "$(level MUG-1 BER inbound)" = 12 ]
	[ "$(level MUG-1 BER on_hand)" = 8 ]
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 12
	assert_output --partial '"state":"partially_received"'
	[ "$(level MUG-1 BER inbound)" = 0 ]
	[ "$(level TEE-M BER inbound)" = 10 ]
	run -0 --separate-stderr wf-stock ledger --ref PO-1 --sku MUG-1
	assert_line -n 1 --partial '"action":"receive","sku":"MUG-1","qty":8,"from":"BER/INBOUND","from_state":"inbound","to":"BER/INBOUND","to_state":"on_hand","holder":"PO-1","ref":"PO-1","reason":null,"unit_cost":"4.10","currency":"EUR"'
	check_clean
}

@test "receive --bin moves the units from the inbound bin to that bin in one movement" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 5 --bin BER/A-01
	run -0 --separate-stderr wf-stock ledger --ref PO-1 --sku MUG-1
	assert_equal "${#lines[@]}" 2
	assert_line -n 1 --partial '"action":"receive","sku":"MUG-1","qty":5,"from":"BER/INBOUND","from_state":"inbound","to":"BER/A-01","to_state":"on_hand","holder":"PO-1"'
	run -0 --separate-stderr wf-stock levels --by bin --sku MUG-1
	assert_line -n 0 --partial '"bin":"BER/A-01","on_hand":5,"reserved":0,"available":5,"inbound":0'
	assert_line -n 1 --partial '"bin":"BER/INBOUND","on_hand":0,"reserved":0,"available":0,"inbound":15'
	check_clean
}

@test "receive refuses a bin of another warehouse, a blocked bin, and a SKU not on the PO" {
	catalogue
	sent_po
	run -1 --separate-stderr wf-po receive PO-1 MUG-1 5 --bin MUC/A-01
	assert_equal "$stderr" "wf-po: bin MUC/A-01 is not in BER, the warehouse of PO-1"
	sql "UPDATE bin SET state = 'blocked' WHERE code = 'A-01' AND warehouse_id = (SELECT id FROM warehouse WHERE code = 'BER')"
	run -1 --separate-stderr wf-po receive PO-1 MUG-1 5 --bin BER/A-01
	assert_equal "$stderr" "wf-po: bin BER/A-01 is blocked; nothing can be put there"
	run -1 --separate-stderr wf-po receive PO-1 YEN-1 5
	assert_equal "$stderr" "wf-po: SKU 'YEN-1' is not on PO-1"
	run -1 --separate-stderr wf-po receive PO-1 NOPE 5
	assert_equal "$stderr" "wf-po: unknown SKU 'NOPE'"
	run -2 --separate-stderr wf-po receive PO-1 MUG-1 0
	assert_equal "${stderr_lines[0]}" "wf-po: QTY: expected a positive integer, got '0'"
	[ "$(level MUG-1 BER inbound)" = 20 ]
}

@test "an over-receipt is refused whole, and accepted with --allow-over" {
	catalogue
	sent_po
	wf-po receive PO-1 MUG-1 15 >/dev/null
	run -1 --separate-stderr wf-po receive PO-1 MUG-1 8
	assert_equal "$stderr" "wf-po: PO-1 has 5 MUG-1 open; receiving 8 would over-receive by 3 (--allow-over accepts it)"
	[ "$(level MUG-1 BER on_hand)" = 15 ]
	[ "$(level MUG-1 BER inbound)" = 5 ]
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 8 --allow-over --bin BER/A-01
	assert_output --partial '{"sku":"MUG-1","qty":20,"received":23,"open":0,"unit_cost":"4.10","cancelled":0}'
	[ "$(level MUG-1 BER on_hand)" = 23 ]
	[ "$(level MUG-1 BER inbound)" = 0 ]
	run -0 --separate-stderr wf-stock ledger --ref PO-1 --sku MUG-1
	assert_line -n 2 --partial '"action":"receive","sku":"MUG-1","qty":5,"from":"BER/INBOUND","from_state":"inbound","to":"BER/A-01","to_state":"on_hand"'
	assert_line -n 3 --partial '"action":"receive","sku":"MUG-1","qty":3,"from":null,"from_state":null,"to":"BER/A-01","to_state":"on_hand","holder":"PO-1","ref":"PO-1","reason":"over-receipt"'
	run -0 wf log po PO-1
	assert_line -n 3 --partial '"data":{"sku":"MUG-1","qty":8,"bin":"BER/A-01","over":3,"unit_cost":"4.10"}'
	check_clean
}

@test "close of a partially received PO cancels what is open and ends its inbound units" {
	catalogue
	sent_po
	wf-po receive PO-1 MUG-1 12 >/dev/null
	run -0 --separate-stderr wf-po close PO-1
	assert_output --partial '"state":"closed"'
	assert_output --partial '"lines":[{"sku":"MUG-1","qty":20,"received":12,"open":0,"unit_cost":"4.10","cancelled":8},{"sku":"TEE-M","qty":10,"received":0,"open":0,"unit_cost":"6.00","cancelled":10}]'
	[ "$(level MUG-1 BER inbound)" = 0 ]
	[ "$(level TEE-M BER inbound)" = 0 ]
	[ "$(level MUG-1 BER on_hand)" = 12 ]
	run -0 wf log po PO-1
	assert_line -n 3 --partial '"action":"close","machine":"po","from":"partially_received","to":"closed","data":{"cancelled":[{"sku":"MUG-1","qty":8},{"sku":"TEE-M","qty":10}]}'
	run -0 --separate-stderr wf-stock ledger --ref PO-1 --sku TEE-M
	assert_line -n 1 --partial '"action":"unexpect","sku":"TEE-M","qty":10,"from":"BER/INBOUND","from_state":"inbound","to":null,"to_state":null,"holder":"PO-1"'
	check_clean
}

@test "cancel ends a sent PO with its reason and books its inbound units out" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po cancel PO-1 --reason "supplier out of stock"
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"reason":"supplier out of stock"'
	[ "$(level MUG-1 BER inbound)" = 0 ]
	run -0 wf log po PO-1
	assert_line -n 2 --partial '"action":"cancel","machine":"po","from":"sent","to":"cancelled","data":{"reason":"supplier out of stock","cancelled":[{"sku":"MUG-1","qty":20},{"sku":"TEE-M","qty":10}]}'
	run -2 --separate-stderr wf-po cancel PO-1
	assert_equal "${stderr_lines[0]}" "wf-po: cancel: --reason is required"
	check_clean
}

@test "a draft can be cancelled; it never had inbound units" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	run -0 --separate-stderr wf-po cancel PO-1 --reason duplicate
	assert_output --partial '"state":"cancelled"'
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
	check_clean
}

@test "illegal transitions exit 1 naming the legal actions, and change nothing" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	run -1 --separate-stderr wf-po receive PO-1 MUG-1 5
	assert_equal "$stderr" "wf-po: po PO-1: cannot receive_part when draft (legal from draft: send, cancel)"
	run -1 --separate-stderr wf-po confirm PO-1
	assert_equal "$stderr" "wf-po: po PO-1: cannot confirm when draft (legal from draft: send, cancel)"
	run -1 --separate-stderr wf-po close PO-1
	assert_equal "$stderr" "wf-po: po PO-1: cannot close when draft (legal from draft: send, cancel)"
	wf-po send PO-1 >/dev/null
	run -1 --separate-stderr wf-po send PO-1
	assert_equal "$stderr" "wf-po: po PO-1: cannot send when sent (legal from sent: confirm, receive_part, receive_all, cancel)"
	wf-po receive PO-1 MUG-1 2 >/dev/null
	run -1 --separate-stderr wf-po cancel PO-1 --reason late
	assert_equal "$stderr" "wf-po: po PO-1: cannot cancel when partially_received (legal from partially_received: receive_part, confirm, receive_all, close)"
	wf-po close PO-1 >/dev/null
	run -1 --separate-stderr wf-po receive PO-1 MUG-1 3 --allow-over
	assert_equal "$stderr" "wf-po: po PO-1: cannot receive_part when closed (legal from closed: none)"
	run -0 sql "SELECT state, (SELECT qty_received FROM po_line) FROM po"
	assert_output 'closed|2'
	check_clean
}

# ---- valuation ----------------------------------------------------------------

@test "receipts at different costs set the moving average cost exactly" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:10@4.00 >/dev/null
	wf-po send PO-1 >/dev/null
	wf-po receive PO-1 MUG-1 10 >/dev/null
	wf-po create --supplier ACME --warehouse BER MUG-1:10@5.00 >/dev/null
	wf-po send PO-2 >/dev/null
	wf-po receive PO-2 MUG-1 5 >/dev/null
	# (10 x 4.00 + 5 x 5.00) / 15 = 4.3333 -> 4.33
	run -0 sql "SELECT avg_cost FROM sku WHERE code = 'MUG-1'"
	assert_output 433
	run -0 --separate-stderr wf-stock value
	assert_line -n 0 '{"type":"value","sku":"MUG-1","warehouse":"BER","qty":15,"unit_cost":"4.33","value":"64.95","currency":"EUR"}'
	# inbound units are not valued and do not weigh in the average
	wf-po receive PO-2 MUG-1 3 --bin BER/A-01 >/dev/null
	# (15 x 4.33 + 3 x 5.00) / 18 = 4.4416 -> 4.44
	run -0 sql "SELECT avg_cost FROM sku WHERE code = 'MUG-1'"
	assert_output 444
	check_clean
}

# ---- list and show ----------------------------------------------------------------

@test "list filters by state and supplier; show prints the PO and its history" {
	catalogue
	wf-po supplier add BETA --name Beta >/dev/null
	sent_po
	wf-po create --supplier BETA --warehouse BER MUG-1:1 >/dev/null
	wf-po create --supplier ACME --warehouse MUC TEE-M:1 >/dev/null
	run -0 --separate-stderr wf-po list
	assert_equal "${#lines[@]}" 3
	run -0 --separate-stderr wf-po list --state draft --supplier ACME
	assert_equal "${#lines[@]}" 1
	assert_line -n 0 --partial '"po":"PO-3","supplier":"ACME","warehouse":"MUC","state":"draft"'
	run -2 --separate-stderr wf-po list --state lost
	assert_equal "$stderr" "wf-po: unknown state 'lost' (draft, sent, confirmed, partially_received, received, closed, cancelled)"
	run -1 --separate-stderr wf-po list --supplier NOPE
	assert_equal "$stderr" "wf-po: unknown supplier 'NOPE'"
	run -0 --separate-stderr wf-po show PO-1
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 --partial '{"type":"po","po":"PO-1"'
	assert_line -n 1 --partial '"type":"event","event":'
	assert_line -n 2 --partial '"record":"po","ref":"PO-1","action":"send"'
}

@test "list prints a table on request" {
	catalogue
	sent_po
	run -0 --separate-stderr wf-po list --format table
	assert_line -n 0 --regexp '^PO +SUPPLIER +WAREHOUSE +STATE +CURRENCY +EXPECTED +CONFIRMED FOR +TOTAL +OWNER$'
	assert_line -n 1 --regexp '^PO-1 +ACME +BER +sent +EUR +2026-12-04T09:00:00Z +- +142.00 +purchasing$'
}

# ---- follow-up ----------------------------------------------------------------------

followup() {	# followup TIME [--record]: the follow-ups due at TIME as "PO reason"
	WF_NOW=$1 wf-po followup "${@:2}" | jq -r '"\(.po) \(.reason)"'
}

@test "unconfirmed: sent and not confirmed past the confirm-within days" {
	catalogue
	sent_po
	run -0 --separate-stderr at 2026-11-22T09:00:00Z wf-po followup
	assert_output ''
	run -0 --separate-stderr at 2026-11-22T09:00:01Z wf-po followup
	assert_output --partial '{"type":"followup","po":"PO-1","supplier":"ACME","email":"orders@acme.example","reason":"unconfirmed","subject":"PO-1 sent 2026-11-20 awaits your confirmation","body":"Hello Acme Mugs,\n\nwe sent you our purchase order PO-1 on 2026-11-20 and have not had your confirmation.'
	wf-po confirm PO-1 >/dev/null
	run -0 --separate-stderr at 2026-11-23T09:00:00Z wf-po followup
	assert_output ''
}

@test "overdue: past the expected date, ahead of unconfirmed" {
	catalogue
	sent_po
	run -0 followup 2026-12-04T09:00:00Z
	assert_output 'PO-1 unconfirmed'
	run -0 followup 2026-12-04T09:00:01Z
	assert_output 'PO-1 overdue'
	run -0 --separate-stderr at 2026-12-05T09:00:00Z wf-po followup
	run -0 jq -r '.subject, .body' <<<"$output"
	assert_output "PO-1 overdue since 2026-12-04: 30 units open
Hello Acme Mugs,

our purchase order PO-1 was due on 2026-12-04 and has not arrived.
Please tell us when it will be delivered.

Purchase order: PO-1
Deliver to: BER
Sent: 2026-11-20
Expected: 2026-12-04
Confirmed for: not confirmed

Still open:
  MUG-1: 20 of 20 units (0 received)
  TEE-M: 10 of 10 units (0 received)

Kind regards,
purchasing"
}

@test "overdue counts from the confirmed date when there is one" {
	catalogue
	sent_po
	wf-po confirm PO-1 --date 2026-12-01 >/dev/null
	run -0 followup 2026-11-30T23:59:59Z
	assert_output ''
	run -0 followup 2026-12-01T00:00:01Z
	assert_output 'PO-1 overdue'
	run -0 --separate-stderr at 2026-12-02T00:00:00Z wf-po followup
	assert_output --partial '"due":"2026-12-01T00:00:00Z"'
}

@test "partial: partly received and past due" {
	catalogue
	sent_po
	wf-po receive PO-1 MUG-1 15 >/dev/null
	run -0 followup 2026-12-01T00:00:00Z
	assert_output ''
	run -0 followup 2026-12-05T00:00:00Z
	assert_output 'PO-1 partial'
	run -0 --separate-stderr at 2026-12-05T00:00:00Z wf-po followup
	run -0 jq -r '.subject, .body' <<<"$output"
	assert_line -n 0 'PO-1 partly delivered, overdue since 2026-12-04: 15 units open'
	assert_line '  MUG-1: 5 of 20 units (15 received)'
	assert_line '  TEE-M: 10 of 10 units (0 received)'
}

@test "slipped: the supplier confirmed a later day than expected" {
	catalogue
	sent_po
	wf-po confirm PO-1 --date 2026-12-04T18:00:00Z >/dev/null
	run -0 followup 2026-11-25T00:00:00Z
	assert_output ''
	wf-po confirm PO-1 --date 2026-12-10 >/dev/null
	run -0 followup 2026-11-25T00:00:00Z
	assert_output 'PO-1 slipped'
	run -0 --separate-stderr at 2026-11-25T00:00:00Z wf-po followup
	assert_output --partial '"subject":"PO-1 confirmed for 2026-12-10, later than the 2026-12-04 we expected"'
	run -0 followup 2026-12-10T00:00:01Z
	assert_output 'PO-1 overdue'
}

@test "drafts and received, closed or cancelled POs are never chased" {
	catalogue
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po send PO-2 >/dev/null
	wf-po receive PO-2 MUG-1 5 >/dev/null
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po send PO-3 >/dev/null
	wf-po cancel PO-3 --reason duplicate >/dev/null
	run -0 followup 2027-06-01T00:00:00Z
	assert_output ''
}

@test "a recorded follow-up is not repeated before the interval, and is after it" {
	catalogue
	sent_po
	run -0 followup 2026-12-05T09:00:00Z --record
	assert_output 'PO-1 overdue'
	run -0 sql "SELECT reason, sent_at, actor FROM po_followup"
	assert_output 'overdue|2026-12-05T09:00:00Z|tester'
	run -0 followup 2026-12-05T09:00:00Z
	assert_output ''
	run -0 followup 2026-12-08T08:59:59Z
	assert_output ''
	run -0 followup 2026-12-08T09:00:00Z
	assert_output 'PO-1 overdue'
	run -0 wf log po PO-1
	assert_line -n 2 --partial '"action":"followup","machine":null,"from":null,"to":null,"data":{"reason":"overdue","email":"orders@acme.example","subject":"PO-1 overdue since 2026-12-04: 30 units open"}'
	check_clean
}

@test "a follow-up is repeated at once when its reason changes" {
	catalogue
	sent_po
	run -0 followup 2026-11-23T00:00:00Z --record
	assert_output 'PO-1 unconfirmed'
	wf-po confirm PO-1 --date 2026-12-10 >/dev/null
	run -0 followup 2026-11-23T01:00:00Z --record
	assert_output 'PO-1 slipped'
	run -0 followup 2026-11-23T02:00:00Z
	assert_output ''
	run -0 sql "SELECT group_concat(reason) FROM po_followup"
	assert_output 'unconfirmed,slipped'
}

@test "followup --dry-run prints the follow-ups and records nothing" {
	catalogue
	sent_po
	run -0 --separate-stderr at 2026-11-23T00:00:00Z wf-po followup --record --dry-run
	assert_output --partial '"reason":"unconfirmed"'
	assert_equal "$stderr" "wf-po: dry run: nothing was written"
	run -0 sql "SELECT count(*) FROM po_followup"
	assert_output 0
}

@test "a supplier without an email is still chased, with email null" {
	catalogue
	wf-po supplier add NOMAIL --name "No Mail" >/dev/null
	wf-po create --supplier NOMAIL --warehouse BER MUG-1:1 >/dev/null
	wf-po send PO-1 >/dev/null
	run -0 --separate-stderr at 2026-11-23T00:00:00Z wf-po followup
	assert_output --partial '"po":"PO-1","supplier":"NOMAIL","email":null,"reason":"unconfirmed"'
}

# ---- invariants ---------------------------------------------------------------------

@test "wf check finds inbound units that disagree with a PO's open lines" {
	catalogue
	sent_po
	sql "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state, holder)
	     SELECT '2026-11-20T09:00:00Z', 'x', 'expect', s.id, 2, b.id, 'inbound', 'PO-1'
	     FROM sku s, bin b WHERE s.code = 'MUG-1' AND b.code = 'INBOUND'"
	run -1 --separate-stderr wf check
	assert_output '{"type":"violation","check":"po.inbound","record":"po","ref":"PO-1","detail":"sent MUG-1: 22 inbound, 20 open"}'
}

@test "wf check finds a received quantity the ledger does not show" {
	catalogue
	sent_po
	wf-po receive PO-1 MUG-1 5 >/dev/null
	sql "UPDATE po_line SET qty_received = 25, qty_cancelled = 0 WHERE line_no = 1"
	run -1 --separate-stderr wf check --only po.received
	assert_output '{"type":"violation","check":"po.received","record":"po","ref":"PO-1","detail":"MUG-1: 25 received of 20 ordered, the ledger has 5 received (0 over-received from outside)"}'
}

@test "wf check finds inbound units held for a PO that has no line for them" {
	catalogue
	sent_po
	sql "INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state, holder)
	     SELECT '2026-11-20T09:00:00Z', 'x', 'expect', s.id, 3, b.id, 'inbound', 'PO-1'
	     FROM sku s, bin b WHERE s.code = 'YEN-1' AND b.code = 'INBOUND'"
	run -1 --separate-stderr wf check --only po.inbound
	assert_output '{"type":"violation","check":"po.inbound","record":"po","ref":"PO-1","detail":"3 YEN-1 inbound at BER/INBOUND that is not on the order or not in its warehouse"}'
}

@test "wf check finds a PO whose dates disagree with its state" {
	catalogue
	sent_po
	sql "UPDATE po SET sent_at = NULL"
	run -1 --separate-stderr wf check --only po.state
	assert_output '{"type":"violation","check":"po.state","record":"po","ref":"PO-1","detail":"sent has no sent_at"}'
}

# ---- exceptions -----------------------------------------------------------------------

exceptions() {	# exceptions TIME: "EX kind subject owner state" for every exception
	WF_NOW=$1 wf-alert list --all --format jsonl |
		jq -r '"\(.exception) \(.kind) \(.subject) \(.owner) \(.state)"'
}

@test "a late PO opens one exception for its owner with the evidence; receiving it resolves it" {
	catalogue
	wf-po create --supplier ACME --warehouse BER --owner anna MUG-1:20@4.10 TEE-M:10 >/dev/null
	wf-po send PO-1 >/dev/null
	run -0 exceptions 2026-12-04T09:00:00Z
	assert_output ''
	at 2026-12-06T09:00:00Z wf-po followup --record >/dev/null
	at 2026-12-06T10:00:00Z wf-po followup --record >/dev/null
	run -0 exceptions 2026-12-06T10:00:00Z
	assert_output 'EX-1 po_overdue po PO-1 anna open'
	run -0 --separate-stderr at 2026-12-06T10:00:00Z wf-alert show EX-1
	run -0 jq -c 'select(.type == "exception") | [.evidence, .impact, .next_action, .times_seen]' <<<"$output"
	assert_output '[{"po":"PO-1","supplier":"ACME","email":"orders@acme.example","state":"sent","sent_at":"2026-11-20T09:00:00Z","expected":"2026-12-04T09:00:00Z","confirmed_for":null,"due":"2026-12-04T09:00:00Z","days_late":2,"days_slipped":0,"open_lines":[{"sku":"MUG-1","open":20,"ordered":20,"received":0,"unit_cost":"4.10"},{"sku":"TEE-M","open":10,"ordered":10,"received":0,"unit_cost":"6.00"}]},{"money":"142.00","currency":"EUR","units":30,"orders":0,"due_at":"2026-12-04T09:00:00Z"},"chase ACME (orders@acme.example) for PO-1: 30 units overdue since 2026-12-04",2]'
	# partly received and still late: overdue gives way to partial
	at 2026-12-07T09:00:00Z wf-po receive PO-1 MUG-1 20 >/dev/null
	run -0 exceptions 2026-12-07T09:00:00Z
	assert_output $'EX-2 po_partial po PO-1 anna open\nEX-1 po_overdue po PO-1 anna resolved'
	run -0 --separate-stderr at 2026-12-07T09:00:00Z wf-alert list --format jsonl
	assert_output --partial '"impact":{"money":"60.00","currency":"EUR","units":10,"orders":0,"due_at":"2026-12-04T09:00:00Z"},"next_action":"chase ACME (orders@acme.example) for the rest of PO-1: 10 units still open, due 2026-12-04; or close it short with wf-po close PO-1","state":"open"'
	at 2026-12-08T09:00:00Z wf-po receive PO-1 TEE-M 10 >/dev/null
	run -0 exceptions 2026-12-08T09:00:00Z
	assert_output $'EX-1 po_overdue po PO-1 anna resolved\nEX-2 po_partial po PO-1 anna resolved'
	run -0 sql "SELECT resolution FROM exception ORDER BY id"
	assert_output $'PO-1 is partial now; see its po_partial exception\nPO-1 received'
	check_clean
}

@test "a slipped PO opens a po_slipped exception, which gives way to po_overdue when it is late" {
	catalogue
	sent_po
	at 2026-11-21T09:00:00Z wf-po confirm PO-1 --date 2026-12-10 >/dev/null
	run -0 exceptions 2026-11-21T09:00:00Z
	assert_output 'EX-1 po_slipped po PO-1 purchasing open'
	run -0 sql "SELECT next_action, impact_units, due_at FROM exception"
	assert_output 'chase ACME (orders@acme.example) for PO-1: confirmed for 2026-12-10, 6 days after the expected 2026-12-04|30|2026-12-04T09:00:00Z'
	at 2026-12-11T09:00:00Z wf-po followup --record >/dev/null
	run -0 exceptions 2026-12-11T09:00:00Z
	assert_line 'EX-2 po_overdue po PO-1 purchasing open'
	assert_line 'EX-1 po_slipped po PO-1 purchasing resolved'
	run -0 sql "SELECT resolution FROM exception WHERE kind = 'po_slipped'"
	assert_output 'PO-1 is overdue now; see its po_overdue exception'
	check_clean
}

@test "a new confirmed date resolves the late exception; close and cancel resolve theirs" {
	catalogue
	sent_po
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po send PO-2 >/dev/null
	at 2026-12-05T09:00:00Z wf-po followup --record >/dev/null
	run -0 exceptions 2026-12-05T09:00:00Z
	assert_output $'EX-1 po_overdue po PO-1 purchasing open\nEX-2 po_overdue po PO-2 purchasing open'
	at 2026-12-05T10:00:00Z wf-po confirm PO-1 --date 2026-12-04T12:00:00Z >/dev/null
	run -0 exceptions 2026-12-05T10:00:00Z
	assert_line 'EX-1 po_overdue po PO-1 purchasing open'
	at 2026-12-05T11:00:00Z wf-po confirm PO-1 --date 2026-12-09 >/dev/null
	run -0 sql "SELECT kind, state, resolution FROM exception WHERE subject_ref = 'PO-1' ORDER BY id"
	assert_output $'po_overdue|resolved|PO-1 is no longer late: due 2026-12-09\npo_slipped|open|'
	at 2026-12-05T12:00:00Z wf-po cancel PO-2 --reason "never shipped" >/dev/null
	at 2026-12-05T12:00:00Z wf-po receive PO-1 MUG-1 3 >/dev/null
	at 2026-12-05T12:00:00Z wf-po close PO-1 >/dev/null
	run -0 sql "SELECT subject_ref, kind, state, resolution FROM exception ORDER BY id"
	assert_output $'PO-1|po_overdue|resolved|PO-1 is no longer late: due 2026-12-09\nPO-2|po_overdue|resolved|PO-2 cancelled\nPO-1|po_slipped|resolved|PO-1 closed'
	check_clean
}

# ---- wf-records(5) --------------------------------------------------------

@test "the supplier records are documented in wf-records(5)" {
	run -0 --separate-stderr wf-po supplier add ACME --name "Acme Mugs" --email orders@acme.example --format jsonl
	documented supplier
	run -0 --separate-stderr wf-po supplier list --format jsonl
	documented supplier
	run -0 --separate-stderr wf-po supplier show ACME --format jsonl
	documented supplier
	run -0 --separate-stderr wf-po supplier pause ACME --format jsonl
	documented supplier
	run -0 --separate-stderr wf-po supplier resume ACME --format jsonl
	documented supplier
}

@test "the po records create, send, confirm and receive print are documented in wf-records(5)" {
	catalogue
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10 --format jsonl
	documented po
	subkeys_documented po lines
	run -0 --separate-stderr wf-po create --supplier ACME --warehouse MUC --format jsonl <<<'{"type":"po_line","sku":"MUG-1","qty":5,"cost":"4.20"}'
	documented po
	run -0 --separate-stderr wf-po send PO-1 --format jsonl
	documented po
	run -0 --separate-stderr wf-po confirm PO-1 --date 2026-12-06 --format jsonl
	documented po
	run -0 --separate-stderr wf-po receive PO-1 MUG-1 12 --bin BER/A-01 --format jsonl
	documented po
	subkeys_documented po lines
}

@test "the po records close, cancel, list and show print are documented in wf-records(5)" {
	catalogue
	sent_po
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po receive PO-1 MUG-1 20 >/dev/null
	run -0 --separate-stderr wf-po close PO-1 --format jsonl
	documented po
	run -0 --separate-stderr wf-po cancel PO-2 --reason "ordered twice" --format jsonl
	documented po
	run -0 --separate-stderr wf-po list --format jsonl
	documented po
	run -0 --separate-stderr wf-po show PO-1 --format jsonl
	documented po
	documented event
	subkeys_documented po lines
}

@test "the followup records are documented in wf-records(5)" {
	catalogue
	sent_po
	run -0 --separate-stderr at 2026-12-08T09:00:00Z wf-po followup --format jsonl
	documented followup
	run -0 --separate-stderr at 2026-12-08T09:00:00Z wf-po followup --record --format jsonl
	documented followup
}
