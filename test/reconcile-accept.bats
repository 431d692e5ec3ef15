#!/usr/bin/env bats
# wf-reconcile accept: finance takes a payout in mismatch as it is.
#
# The Shopify Payments fixture's payout shopify:623721858 does not add up
# (payout_unbalanced at import) and names orders Workform does not have
# (unknown_payment at match): the payout is in mismatch, which is where an
# operator accepts it.

load helper

setup() {
	wf_setup
	wf_init
	wf-reconcile import --from shopify "$PLATFORMS/shopify_payments_balance_transactions.json" \
	    --channel shop >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

P=shopify:623721858

state_of() { wf-reconcile show "$P" | head -n 1 | jq -r .state; }

# the unresolved exceptions on payout P, "kind state"
payout_ex() {
	sql "SELECT kind || ' ' || state FROM exception WHERE subject_type = 'payout' AND subject_ref = '$P' ORDER BY kind"
}

@test "accept moves a payout in mismatch to reconciled, the event naming the reason and the actor" {
	wf-reconcile match >/dev/null
	assert_equal "$(state_of)" mismatch
	run -0 --separate-stderr wf-reconcile --actor mia accept "$P" --reason "Shopify test payout, totals known to differ"
	assert_equal "$(jq -c '[.type, .payout, .state, .result]' <<<"$output")" \
	    '["payout","shopify:623721858","reconciled","accepted"]'
	assert_equal "$stderr" ''
	run -0 wf log payout "$P"
	assert_equal "$(jq -c 'select(.action == "accept") | [.from, .to, .actor, .data.reason, .data.actor]' <<<"$output")" \
	    '["mismatch","reconciled","mia","Shopify test payout, totals known to differ","mia"]'
}

@test "accept resolves the payout's payout_unbalanced and unknown_payment with a note naming the acceptance" {
	wf-reconcile match >/dev/null
	assert_equal "$(payout_ex)" $'payout_unbalanced open\nunknown_payment open'
	wf-reconcile --actor mia accept "$P" --reason "known rounding" >/dev/null
	assert_equal "$(payout_ex)" $'payout_unbalanced resolved\nunknown_payment resolved'
	run -0 sql "SELECT DISTINCT resolution FROM exception WHERE subject_ref = '$P'"
	assert_output "payout $P accepted by mia: known rounding"
}

@test "match after accept leaves the payout reconciled and does not raise its unknown_payment again" {
	wf-reconcile match >/dev/null
	wf-reconcile accept "$P" --reason "known rounding" >/dev/null
	run -0 --separate-stderr wf-reconcile match
	assert_equal "$(jq -c --arg p "$P" 'select(.payout == $p and .line == null) | [.decision, .rule, .state]' <<<"$output")" \
	    '["unchanged","accepted","reconciled"]'
	# its lines without an order are still said, but raise nothing
	assert_equal "$(jq -c 'select(.decision == "unknown") | .exception' <<<"$output" | sort -u)" null
	assert_equal "$(state_of)" reconciled
	assert_equal "$(payout_ex)" $'payout_unbalanced resolved\nunknown_payment resolved'
}

@test "accept refuses a payout not in mismatch with the state engine's message, and changes nothing" {
	assert_equal "$(state_of)" imported
	before=$(sql "SELECT count(*) FROM event")
	run -1 --separate-stderr wf-reconcile accept "$P" --reason "too early"
	assert_output ''
	[[ "$stderr" == *imported* && "$stderr" == *accept* ]]
	assert_equal "$(sql "SELECT count(*) FROM event")" "$before"
	# and a payout already accepted cannot be accepted twice
	wf-reconcile match >/dev/null
	wf-reconcile accept "$P" --reason "known rounding" >/dev/null
	run -1 --separate-stderr wf-reconcile accept "$P" --reason "again"
	[[ "$stderr" == *reconciled* ]]
}

@test "accept needs a payout that exists and a reason a terminal cannot act on" {
	wf-reconcile match >/dev/null
	run -1 --separate-stderr wf-reconcile accept shopify:1 --reason "x"
	[[ "$stderr" == *"unknown payout"* ]]
	run -2 --separate-stderr wf-reconcile accept "$P"
	[[ "$stderr" == *--reason* ]]
	run -2 --separate-stderr wf-reconcile accept "$P" --reason "  "
	[[ "$stderr" == *--reason* ]]
	run -2 --separate-stderr wf-reconcile accept "$P" --reason $'ok\e[2Jgone'
	[[ "$stderr" == *U+001B* ]]
	run -2 --separate-stderr wf-reconcile accept "$P" --reason "$(head -c 600 /dev/zero | tr '\0' x)"
	[[ "$stderr" == *--reason* ]]
	assert_equal "$(state_of)" mismatch
}

@test "accept --dry-run prints the payout as it would be and writes nothing" {
	wf-reconcile match >/dev/null
	before=$(sql "SELECT count(*) FROM event")
	run -0 --separate-stderr wf-reconcile accept "$P" --reason "known rounding" --dry-run
	assert_equal "$(jq -r .state <<<"$output")" reconciled
	assert_equal "$(sql "SELECT count(*) FROM event")" "$before"
	assert_equal "$(state_of)" mismatch
}

@test "accept with the same --idempotency-key twice accepts once and answers the same" {
	wf-reconcile match >/dev/null
	run -0 --separate-stderr wf-reconcile accept "$P" --reason "known rounding" --idempotency-key acc-1
	first=$output
	run -0 --separate-stderr wf-reconcile accept "$P" --reason "known rounding" --idempotency-key acc-1
	assert_equal "$output" "$first"
	run -0 sql "SELECT count(*) FROM event WHERE ref = '$P' AND action = 'accept'"
	assert_output 1
}

# One more line of payout P, imported after the acceptance: a charge of
# order ORDER (the next day, as a later export would bring it).
late_line() {
	printf '{"type":"payout_line","payout":"%s","provider_id":"late-1","category":"charge","order":"%s","gross":"5.00","fee":"0.20","currency":"USD","posted_at":"2026-11-21T10:00:00Z"}\n' "$P" "$1" |
	    WF_NOW=2026-11-21T11:00:00Z wf-reconcile import --from generic >/dev/null
}

@test "a line imported into an accepted payout later is not covered by the acceptance: payout_unbalanced and unknown_payment again" {
	wf-reconcile match >/dev/null
	wf-reconcile accept "$P" --reason "known rounding" >/dev/null
	late_line shop:999
	# the import: the lines no longer add up to what was accepted
	assert_equal "$(payout_ex)" $'payout_unbalanced open\nunknown_payment resolved'
	run -0 --separate-stderr env WF_NOW=2026-11-21T12:00:00Z wf-reconcile match
	# the lines accepted with the payout are still said and raise nothing;
	# the later one raises unknown_payment, naming only itself
	assert_equal "$(jq -c 'select(.decision == "unknown") | [.line, .exception]' <<<"$output" | grep -c null)" 11
	assert_equal "$(jq -c 'select(.line == "shopify:late-1") | [.decision, .exception]' <<<"$output")" \
	    '["unknown","unknown_payment"]'
	assert_equal "$(jq -c --arg p "$P" 'select(.payout == $p and .line == null) | [.decision, .rule, .state, .exception]' <<<"$output")" \
	    '["unchanged","line_after_reconciliation","reconciled","unknown_payment"]'
	assert_equal "$(payout_ex)" $'payout_unbalanced open\nunknown_payment open'
	run -0 sql "SELECT evidence FROM exception WHERE kind = 'unknown_payment' AND subject_ref = '$P'"
	assert_equal "$(jq -c '[.lines[].line]' <<<"$output")" '["shopify:late-1"]'
	assert_equal "$(state_of)" reconciled
}

@test "a later line of an order Workform has is linked, and raises no unknown_payment" {
	wf-reconcile match >/dev/null
	wf-reconcile accept "$P" --reason "known rounding" >/dev/null
	wf-stock sku add CAP-1 --currency USD >/dev/null
	wf-order import <<<'{"type":"order","channel":"shop","external_id":"999","placed_at":"2026-11-20T08:00:00Z","currency":"USD","ship_to":{"name":"A B","country":"US","postcode":"10001","city":"New York"},"lines":[{"sku":"CAP-1","qty":1,"unit_price":"5.00"}],"shipping_paid":"0.00","payment":{"status":"paid","amount":"5.00"}}' >/dev/null
	late_line shop:999
	run -0 --separate-stderr env WF_NOW=2026-11-21T12:00:00Z wf-reconcile match
	assert_equal "$(jq -c 'select(.line == "shopify:late-1") | [.decision, .rule, .order]' <<<"$output")" \
	    $'["linked","provider_order","shop:999"]\n["reconciled","charges_and_refunds_agree","shop:999"]'
	assert_equal "$(jq -c --arg p "$P" 'select(.payout == $p and .line == null) | [.decision, .rule]' <<<"$output")" \
	    '["unchanged","accepted"]'
	assert_equal "$(payout_ex)" $'payout_unbalanced open\nunknown_payment resolved'
}
