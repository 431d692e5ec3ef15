#!/usr/bin/env bats
# What the stock and purchasing tools accept (issue 17): Workform's own
# formats refuse unknown keys with the nearest one; stored text refuses
# controls, bidi and zero-width characters; unknown names suggest the near
# one; warehouses and bins can be listed; follow-ups write only with
# --record; a shop's base currency is every default.

load helper

setup() {
	wf_setup
	wf init --currency USD >/dev/null
	wf-stock warehouse add BER --name Berlin --country DE >/dev/null
	wf-stock warehouse add MUC --name Munich --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add BER/B-01 --kind bulk >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --title Mug --cost 4.00 >/dev/null
	wf-po supplier add ACME --name Acme --email orders@acme.example \
	    --confirm-within 2 --follow-up-every 3 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# Each character text must refuse, as a JSON escape, and what is said of it.
BAD=('\u001b:control character U+001B'
     '\u0007:control character U+0007'
     '\r:control character U+000D'
     '\u007f:control character U+007F'
     '\u009b:control character U+009B'
     '\u202e:bidirectional control U+202E'
     '\u200b:invisible character U+200B')

# ---- unknown keys -------------------------------------------------------------------

@test "stock apply refuses an unknown key, --strict or not, naming the nearest" {
	run -3 --separate-stderr wf-stock apply <<<'{"action":"receive","sku":"MUG-1","qty":1,"to":"BER/A-01","reasn":"x"}'
	assert_output ''
	assert_equal "$stderr" "wf-stock: stdin:1: reasn: unknown key; did you mean 'reason'? (nothing applied)"
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 0
}

@test "sku import refuses an unknown key, naming the nearest" {
	run -3 --separate-stderr wf-stock sku import <<<'{"sku":"CUP-1","titel":"Cup"}'
	assert_equal "$stderr" "wf-stock: stdin:1: titel: unknown key; did you mean 'title'? (nothing applied)"
	run -0 sql "SELECT count(*) FROM sku WHERE code = 'CUP-1'"
	assert_output 0
}

@test "po_line input refuses an unknown key: a misspelt cost is never the SKU's cost" {
	run -3 --separate-stderr wf-po create --supplier ACME --warehouse BER <<<'{"type":"po_line","sku":"MUG-1","qty":1,"cots":"1.00"}'
	assert_output ''
	assert_equal "$stderr" "wf-po: stdin:1: cots: unknown key; did you mean 'cost'? (nothing applied)"
	run -0 sql "SELECT count(*) FROM po"
	assert_output 0
}

@test "carrier import refuses an unknown key, naming the nearest" {
	run -3 --separate-stderr wf-route carrier import <<<'{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"std","cost":"4.00","cutoff":"15:00","transit_days":1,"curency":"EUR"}'
	assert_equal "$stderr" "wf-route: stdin:1: curency: unknown key; did you mean 'currency'? (nothing applied)"
	run -0 sql "SELECT count(*) FROM carrier_service"
	assert_output 0
}

# ---- stored text --------------------------------------------------------------------

@test "a SKU title, a movement reason and a ref refuse controls, bidi and zero-width characters" {
	local b esc said
	for b in "${BAD[@]}"; do
		esc=${b%%:*} said=${b#*:}
		run -3 --separate-stderr wf-stock sku import <<<"{\"sku\":\"CUP-1\",\"title\":\"a${esc}b\"}"
		assert_equal "$stderr" "wf-stock: stdin:1: title: $said in text (nothing applied)"
		run -3 --separate-stderr wf-stock apply <<<"{\"action\":\"receive\",\"sku\":\"MUG-1\",\"qty\":1,\"to\":\"BER/A-01\",\"reason\":\"a${esc}b\"}"
		assert_equal "$stderr" "wf-stock: stdin:1: reason: $said in text (nothing applied)"
		run -3 --separate-stderr wf-stock apply <<<"{\"action\":\"receive\",\"sku\":\"MUG-1\",\"qty\":1,\"to\":\"BER/A-01\",\"ref\":\"a${esc}b\"}"
		assert_equal "$stderr" "wf-stock: stdin:1: ref: $said in text (nothing applied)"
	done
	run -0 sql "SELECT (SELECT count(*) FROM sku), (SELECT count(*) FROM movement)"
	assert_output '1|0'
}

@test "names, emails, titles and reasons given as options refuse the same characters" {
	local b ch
	for b in "${BAD[@]}"; do
		ch=$(printf "${b%%:*}")
		run -2 --separate-stderr wf-stock sku add CUP-1 --title "a${ch}b"
		run -2 --separate-stderr wf-stock warehouse add HAM --name "a${ch}b"
		run -2 --separate-stderr wf-po supplier add BETA --name "a${ch}b"
		run -2 --separate-stderr wf-po supplier add BETA --name Beta --email "a${ch}b@beta.example"
		run -2 --separate-stderr wf-stock adjust MUG-1 1 --at BER/A-01 --reason "a${ch}b"
	done
	run -0 sql "SELECT (SELECT count(*) FROM sku), (SELECT count(*) FROM warehouse), (SELECT count(*) FROM supplier), (SELECT count(*) FROM movement)"
	assert_output '1|2|1|0'
}

@test "codes are printable ASCII" {
	run -3 --separate-stderr wf-stock sku import <<<'{"sku":"CUP\u00e9"}'
	assert_equal "$stderr" "wf-stock: stdin:1: sku: expected printable ASCII, got a non-ASCII character at byte 4 (nothing applied)"
	run -3 --separate-stderr wf-route carrier import <<<'{"type":"carrier_service","warehouse":"BER","carrier":"d\u001bhl","service":"std","cost":"4.00","cutoff":"15:00","transit_days":1}'
	assert_equal "$stderr" "wf-route: stdin:1: carrier: expected 1-32 letters, digits, '.', '_' or '-', got 'd\\u001bhl' (nothing applied)"
}

# ---- near matches -------------------------------------------------------------------

@test "an unknown SKU, warehouse, bin or supplier names the near match" {
	run -1 --separate-stderr wf-stock sku show mug-1
	assert_equal "$stderr" "wf-stock: unknown SKU 'mug-1'; did you mean 'MUG-1'?"
	run -1 --separate-stderr wf-stock levels --warehouse BERR
	assert_equal "$stderr" "wf-stock: unknown warehouse 'BERR'; did you mean 'BER'?"
	run -1 --separate-stderr wf-stock receive MUG-1 1 --to BER/A-02
	assert_equal "$stderr" "wf-stock: unknown bin 'BER/A-02'; did you mean 'BER/A-01'?"
	run -1 --separate-stderr wf-po create --supplier acme --warehouse BER MUG-1:1
	assert_equal "$stderr" "wf-po: unknown supplier 'acme'; did you mean 'ACME'?"
	# nothing near: no suggestion
	run -1 --separate-stderr wf-stock sku show TOTALLY-OTHER
	assert_equal "$stderr" "wf-stock: unknown SKU 'TOTALLY-OTHER'"
}

@test "an unknown carrier service names the near one at that warehouse" {
	wf-route carrier add BER dhl std --cutoff 15:00 --transit-days 1 --cost 4.00 >/dev/null
	run -1 --separate-stderr wf-route carrier remove BER dhl sdt
	assert_equal "$stderr" "wf-route: no carrier service dhl/sdt at BER; did you mean 'dhl/std'?"
	run -1 --separate-stderr wf-route carrier remove MUC dhl std
	assert_equal "$stderr" "wf-route: no carrier service dhl/std at MUC"
}

# ---- warehouse list, show; bin list ------------------------------------------------

@test "warehouse list and show print the warehouses" {
	run -0 --separate-stderr wf-stock warehouse list
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 '{"type":"warehouse","warehouse":"BER","name":"Berlin","country":"DE","postcode":null,"timezone":"UTC","capacity":null,"owner":"operations","state":"active"}'
	assert_line -n 1 --partial '"warehouse":"MUC","name":"Munich"'
	run -0 --separate-stderr wf-stock warehouse show MUC
	assert_output '{"type":"warehouse","warehouse":"MUC","name":"Munich","country":"DE","postcode":null,"timezone":"UTC","capacity":null,"owner":"operations","state":"active"}'
	run -1 --separate-stderr wf-stock warehouse show muc
	assert_equal "$stderr" "wf-stock: unknown warehouse 'muc'; did you mean 'MUC'?"
}

@test "bin list prints every bin, or one warehouse's" {
	run -0 --separate-stderr wf-stock bin list
	assert_equal "${#lines[@]}" 3
	run -0 --separate-stderr wf-stock bin list --warehouse BER
	assert_output $'{"type":"bin","bin":"BER/A-01","warehouse":"BER","kind":"pick","owner":"operations","state":"active"}\n{"type":"bin","bin":"BER/B-01","warehouse":"BER","kind":"bulk","owner":"operations","state":"active"}'
	run -1 --separate-stderr wf-stock bin list --warehouse HAM
	assert_equal "$stderr" "wf-stock: unknown warehouse 'HAM'"
}

# ---- followup --record --------------------------------------------------------------

@test "followup without --record prints what it would send and writes nothing" {
	wf-po create --supplier ACME --warehouse BER MUG-1:5 >/dev/null
	wf-po send PO-1 >/dev/null
	before=$(sql "SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM po_followup), (SELECT count(*) FROM exception)")
	run -0 --separate-stderr env WF_NOW=2026-12-10T09:00:00Z wf-po followup
	assert_output --partial '{"type":"followup","po":"PO-1","supplier":"ACME","email":"orders@acme.example","reason":'
	run -0 sql "SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM po_followup), (SELECT count(*) FROM exception)"
	assert_output "$before"
	# with --record: booked, with an event and the exception
	run -0 --separate-stderr env WF_NOW=2026-12-10T09:00:00Z wf-po followup --record
	assert_output --partial '"po":"PO-1"'
	run -0 sql "SELECT count(*) FROM po_followup"
	assert_output 1
	run -0 sql "SELECT count(*) FROM event WHERE action = 'followup'"
	assert_output 1
	run -0 sql "SELECT count(*) FROM exception WHERE subject_ref = 'PO-1'"
	refute_output 0
}

# ---- base currency ------------------------------------------------------------------

@test "a SKU or a carrier service added without a currency takes the database's" {
	run -0 --separate-stderr wf-stock sku add CUP-1 --cost 2.00
	assert_output --partial '"currency":"USD"'
	run -0 --separate-stderr wf-stock sku import <<<'{"sku":"CUP-2","cost":"2.00"}'
	run -0 sql "SELECT code, currency FROM sku ORDER BY code"
	assert_output $'CUP-1|USD\nCUP-2|USD\nMUG-1|USD'
	run -0 --separate-stderr wf-route carrier add BER dhl std --cutoff 15:00 --transit-days 1 --cost 4.00
	assert_output --partial '"currency":"USD"'
	# given, it is kept
	run -0 --separate-stderr wf-stock sku add CUP-3 --cost 300 --currency JPY
	assert_output --partial '"currency":"JPY"'
}
