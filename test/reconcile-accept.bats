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
