#!/usr/bin/env bats
# wf-reconcile cash: expected, in transit, received and held money, one
# record per provider and currency, on a worked example added up by hand.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock sku add MUG-1 >/dev/null
	export WF_NOW=2026-11-30T12:00:00Z
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# order ID CURRENCY PAID [REFUNDED]: a paid generic order shop:ID
order() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-19T08:00:00Z","currency":"%s","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"%s"}],"payment":{"status":"paid","amount":"%s","refunded":"%s"}}\n' \
	    "$1" "$2" "$3" "$3" "${4:-0.00}"
}

# line ID PAYOUT(- for none, then of bank) CATEGORY ORDER(- for none) GROSS CURRENCY
line() {
	printf '{"type":"payout_line",%s"provider_id":"%s","category":"%s",%s"gross":"%s","currency":"%s","posted_at":"2026-11-20T09:00:00Z"}\n' \
	    "$([ "$2" = - ] && printf '"provider":"bank",' || printf '"payout":"%s",' "$2")" "$1" "$3" \
	    "$([ "$4" = - ] || printf '"order":"%s",' "$4")" "$5" "$6"
}

# The worked example.  Provider bank, EUR:
#   shop:1  paid 10.00, its charge in bank:P1          not expected
#   shop:2  paid 20.00, refunded 5.00, charge in no payout   expected 15.00
#   shop:5  paid 100.00, its charge in bank:P3         not expected
#   bank:P1 9.71, arrives 2026-11-30 (today)           received  9.71
#   bank:P2 50.00, arrives 2026-12-02                  in transit 50.00
#   bank:P3 no amount, no arrival: its lines' net,
#           charge 100.00 + reserve hold -40.00        in transit 60.00
#   reserve hold 40.00 less a release of 15.00 (in P2)  held 25.00
#   a dispute of 12.00 on shop:1, not won or lost       held 12.00
# so bank EUR: expected 15.00, in transit 110.00, received 9.71, held 37.00.
# Provider bank, USD: shop:4 paid 30.00, charge in no payout (expected
# 30.00); bank:P9 5.00, no arrival but the provider says paid (received).
# Provider other, EUR: other:Q1 1.00 arrived 2026-11-01 (received).
# No provider known: shop:3 paid 7.50 EUR, no line names it (expected).
example() {
	{ order 1 EUR 10.00; order 2 EUR 20.00 5.00; order 3 EUR 7.50; order 4 USD 30.00
	  order 5 EUR 100.00; } | wf-order import >/dev/null
	{
	printf '{"type":"payout","payout":"bank:P1","amount":"9.71","currency":"EUR","arrival":"2026-11-30"}\n'
	printf '{"type":"payout","payout":"bank:P2","amount":"50.00","currency":"EUR","arrival":"2026-12-02"}\n'
	printf '{"type":"payout","payout":"bank:P9","amount":"5.00","currency":"USD","status":"paid"}\n'
	printf '{"type":"payout","payout":"other:Q1","amount":"1.00","currency":"EUR","arrival":"2026-11-01"}\n'
	line c1 bank:P1 charge shop:1 10.00 EUR
	line d1 bank:P1 dispute shop:1 -12.00 EUR
	line c2 - charge shop:2 20.00 EUR
	line c4 - charge shop:4 30.00 USD
	line c5 bank:P3 charge shop:5 100.00 EUR
	line h1 bank:P3 reserve_hold - -40.00 EUR
	line r1 bank:P2 reserve_release - 15.00 EUR
	} | wf-reconcile import --from generic >/dev/null
}

@test "cash adds the worked example up by provider and currency, as by hand" {
	example
	run -0 --separate-stderr wf-reconcile cash
	assert_equal "$stderr" ''
	assert_equal "$(jq -c 'del(.type)' <<<"$output")" \
'{"provider":"bank","currency":"EUR","expected":"15.00","in_transit":"110.00","received":"9.71","held":"37.00"}
{"provider":"bank","currency":"USD","expected":"30.00","in_transit":"0.00","received":"5.00","held":"0.00"}
{"provider":"other","currency":"EUR","expected":"0.00","in_transit":"0.00","received":"1.00","held":"0.00"}
{"provider":null,"currency":"EUR","expected":"7.50","in_transit":"0.00","received":"0.00","held":"0.00"}'
	assert_equal "$(jq -r .type <<<"$output" | sort -u)" cash
}

@test "cash follows the clock: the day bank:P2 arrives, it is received" {
	example
	WF_NOW=2026-12-02T00:00:00Z run -0 --separate-stderr wf-reconcile cash --provider bank
	assert_equal "$(jq -c 'select(.currency == "EUR") | [.in_transit, .received]' <<<"$output")" '["60.00","59.71"]'
}

@test "cash follows matching and refunds: a release, a won dispute and a refund move the money" {
	example
	{ line r2 bank:P2 reserve_release - 25.00 EUR
	  line v1 bank:P2 dispute_reversal shop:1 12.00 EUR; } | wf-reconcile import --from generic >/dev/null
	wf-reconcile match >/dev/null
	wf-order refund shop:2 --amount 15.00 --reason "goodwill" >/dev/null
	run -0 --separate-stderr wf-reconcile cash --provider bank
	assert_equal "$(jq -c 'select(.currency == "EUR") | [.expected, .held]' <<<"$output")" '["0.00","0.00"]'
}

@test "cash --provider keeps one provider's records; one nobody knows prints nothing" {
	example
	run -0 --separate-stderr wf-reconcile cash --provider other
	assert_equal "$(jq -c '[.provider, .currency, .received]' <<<"$output")" '["other","EUR","1.00"]'
	run -0 --separate-stderr wf-reconcile cash --provider nobody
	assert_output ''
	assert_equal "$stderr" ''
}

@test "cash on an empty database prints nothing; it is a reading command and writes nothing" {
	run -0 --separate-stderr wf-reconcile cash
	assert_output ''
	example
	before=$(sql "SELECT count(*) FROM event")
	wf-reconcile cash >/dev/null
	assert_equal "$(sql "SELECT count(*) FROM event")" "$before"
	run -2 --separate-stderr wf-reconcile cash --dry-run
	[[ "$stderr" == *--dry-run* ]]
}

@test "cash never adds two currencies: the same provider in EUR and USD stays two records" {
	example
	run -0 --separate-stderr wf-reconcile cash --provider bank --format table
	assert_equal "${lines[0]}" 'PROVIDER  CURRENCY  EXPECTED  IN TRANSIT  RECEIVED   HELD'
	assert_equal "${#lines[@]}" 3
}

@test "cash --provider refuses what cannot be a provider's name, bytes that act on a terminal among them" {
	run -2 --separate-stderr wf-reconcile cash --provider $'bank\e[2J'
	assert_output ''
	[[ "$stderr" == *--provider* && "$stderr" != *$'\e'* ]]
	run -2 --separate-stderr wf-reconcile cash --provider "$(printf 'a%.0s' {1..33})"
	[[ "$stderr" == *--provider* ]]
}
