#!/usr/bin/env bats
# Promises are records: wf-order promise and wf-route --promise move an order
# new -> promised without picking bins; its units count against
# available-to-promise (ATP = available - promised) per SKU and warehouse in
# routing, reservations, wf-stock levels and wf-alert risk, so one unit is
# never promised twice; the promise is released when the order reserves, is
# unpromised or cancelled; promise_at_risk is raised before the date when
# the stock or the PO a promise counts on is gone or slipped past it.
#
# The clock is 2026-11-20T09:00:00Z.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --timezone Europe/Berlin >/dev/null
	wf-stock warehouse add MUC --timezone Europe/Berlin >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-po supplier add ACME --name Acme >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# order ID QTY: a generic order of QTY MUG-1, placed at 08:ID.
order() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:%02d:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":%s,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"%s.00"}}\n' \
		"$1" "$(($1 % 60))" "$2" "$(($2 * 10))" | wf-order import >/dev/null
}

stock() {	# stock QTY WH
	wf-stock receive MUG-1 "$1" --to "$2/A-01" >/dev/null
}

# level WH: "on_hand reserved available promised atp" of MUG-1 at WH
level() {
	wf-stock levels --sku MUG-1 --warehouse "$1" | jq -r '"\(.on_hand) \(.reserved) \(.available) \(.promised) \(.atp)"'
}

state() {
	wf-order show "$1" | head -1 | jq -r .state
}

service() {	# service WH COST
	wf-route carrier add "$1" dhl parcel --cutoff 14:00 --transit-days 2 --cost "$2" >/dev/null
}

# ---- wf-order promise -----------------------------------------------------------------

@test "promise: new -> promised, its units promised and not reserved, no bin picked" {
	stock 5 BER
	order 1 3
	run -0 --separate-stderr wf-order promise shop:1 --warehouse BER --by 2026-11-25T18:00:00Z
	assert_equal "$(jq -r .state <<<"$output")" promised
	# 5 on hand, nothing reserved, 3 promised: 2 left to promise
	assert_equal "$(level BER)" '5 0 5 3 2'
	# no movement but the receipt: no bin was picked
	run -0 wf-stock ledger --sku MUG-1 --format jsonl
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf log order shop:1 --format jsonl
	assert_line --partial '"action":"promise","machine":"order","from":"new","to":"promised","data":{"warehouse":"BER","promise":"2026-11-25T18:00:00Z"}'
	# per SKU, the same numbers; per bin there is no promise
	assert_equal "$(wf-stock levels --sku MUG-1 --by sku | jq -r '"\(.promised) \(.atp)"')" '3 2'
	assert_equal "$(wf-stock levels --sku MUG-1 --by bin | jq -r 'has("promised")' | sort -u)" false
}

@test "promise without --warehouse takes the first warehouse by code that can promise every line" {
	stock 2 BER
	stock 4 MUC
	order 1 3
	run -0 --separate-stderr wf-order promise shop:1
	assert_equal "$(level BER) / $(level MUC)" '2 0 2 0 2 / 4 0 4 3 1'
	run -0 --separate-stderr wf log order shop:1 --format jsonl
	assert_line --partial '"to":"promised","data":{"warehouse":"MUC"}'
}

@test "one unit is never promised twice: the promise that does not fit is refused with the numbers" {
	stock 5 BER
	order 1 3
	order 2 3
	wf-order promise shop:1 --warehouse BER >/dev/null
	run -1 --separate-stderr wf-order promise shop:2 --warehouse BER
	assert_output ''
	assert_equal "$stderr" "wf-order: order shop:2: MUG-1 at BER: 2 available to promise (5 available, 3 promised to other orders), 3 needed"
	assert_equal "$(state shop:2)" new
	# without --warehouse every warehouse says what it lacks
	run -1 --separate-stderr wf-order promise shop:2
	assert_equal "$stderr" "wf-order: order shop:2: no warehouse has every line available to promise; MUG-1 at BER: 2 available to promise (5 available, 3 promised to other orders), 3 needed; MUG-1 at MUC: 0 available to promise (0 available, 0 promised to other orders), 3 needed"
	assert_equal "$(level BER)" '5 0 5 3 2'
}

@test "a reservation never takes units promised to another order" {
	stock 5 BER
	order 1 3
	order 2 3
	wf-order promise shop:1 --warehouse BER >/dev/null
	run -1 --separate-stderr wf-order reserve shop:2 --warehouse BER
	assert_equal "$stderr" "wf-order: order shop:2: MUG-1 at BER: 2 available to promise (5 available, 3 promised to other orders), 3 needed"
	# routing sees the same: 2 left at BER, so shop:2 cannot go there
	service BER 4.10
	run -0 --separate-stderr wf-route shop:2 --apply --format jsonl
	assert_equal "$(jq -r '"\(.result) \(.reasons | join(","))"' <<<"$output")" 'unroutable no_stock'
	assert_equal "$(level BER)" '5 0 5 3 2'
	# what is left can be reserved
	order 3 2
	run -0 --separate-stderr wf-order reserve shop:3 --warehouse BER
	assert_equal "$(level BER)" '5 2 3 3 0'
}

@test "wf-stock reserve for a free ref takes no unit promised to an order; --partial takes what is free" {
	stock 5 BER
	order 1 3
	wf-order promise shop:1 --warehouse BER >/dev/null
	run -1 --separate-stderr wf-stock reserve MUG-1 3 --warehouse BER --ref 'trade fair'
	assert_output ''
	assert_equal "$stderr" "wf-stock: MUG-1 at BER: 2 available to promise (5 available, 3 promised to orders), 3 requested for trade fair; reserve fewer, or --partial for what is free"
	assert_equal "$(level BER)" '5 0 5 3 2'
	run -0 --separate-stderr wf-stock reserve MUG-1 3 --warehouse BER --ref 'trade fair' --partial
	assert_equal "$(jq -r '"\(.requested) \(.qty)"' <<<"$output")" '3 2'
	assert_equal "$(level BER)" '5 2 3 3 0'
	# nothing free is left: --partial takes none, and the promise still fits
	run -0 --separate-stderr wf-stock reserve MUG-1 1 --warehouse BER --ref 'trade fair' --partial
	assert_equal "$(jq -r '"\(.requested) \(.qty)"' <<<"$output")" '1 0'
	run -0 --separate-stderr wf-order reserve shop:1 --warehouse BER
	assert_equal "$(level BER)" '5 5 0 0 0'
	# a request past the stock itself is the stock's to refuse, as before
	run -1 --separate-stderr wf-stock reserve MUG-1 1 --warehouse BER --ref 'trade fair'
	assert_equal "$stderr" "wf-stock: insufficient stock: BER has 0 MUG-1 available, 1 requested for trade fair"
}

@test "a promised order reserves its own units, which releases its promise, and ships" {
	stock 3 BER
	order 1 3
	order 2 2
	service BER 4.10
	wf-order promise shop:1 --warehouse BER >/dev/null
	# every unit at BER is promised: ATP 0, but shop:1 may take its own
	assert_equal "$(level BER)" '3 0 3 3 0'
	run -0 --separate-stderr wf-route shop:2 shop:1 --apply --format jsonl
	assert_equal "$(jq -r '"\(.order) \(.result) \(.warehouse)"' <<<"$output")" $'shop:2 unroutable null\nshop:1 routed BER'
	assert_equal "$(state shop:1)" reserved
	assert_equal "$(level BER)" '3 3 0 0 0'
	wf-order ship shop:1 --carrier dhl >/dev/null
	assert_equal "$(level BER)" '0 0 0 0 0'
}

@test "wf-order reserve from promised at another warehouse releases the promise where it was" {
	stock 3 BER
	stock 3 MUC
	order 1 3
	wf-order promise shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-order reserve shop:1 --warehouse MUC
	assert_equal "$(level BER) / $(level MUC)" '3 0 3 0 3 / 3 3 0 0 0'
}

@test "unpromise and cancel release the promise; a hold keeps it" {
	stock 5 BER
	order 1 3
	order 2 2
	wf-order promise shop:1 --warehouse BER >/dev/null
	wf-order promise shop:2 --warehouse BER >/dev/null
	assert_equal "$(level BER)" '5 0 5 5 0'
	wf-order hold shop:1 --reason "address check" >/dev/null
	assert_equal "$(level BER)" '5 0 5 5 0'
	wf-order release shop:1 >/dev/null
	assert_equal "$(state shop:1)" promised
	run -0 --separate-stderr wf-order unpromise shop:1
	assert_equal "$(jq -r .state <<<"$output")" new
	assert_equal "$(level BER)" '5 0 5 2 3'
	wf-order hold shop:2 --reason "fraud check" >/dev/null
	wf-order cancel shop:2 --reason "fraud" >/dev/null
	assert_equal "$(level BER)" '5 0 5 0 5'
}

@test "promise refuses a date that is not a time, an order not new, and names the legal actions" {
	stock 5 BER
	order 1 1
	run -2 --separate-stderr wf-order promise shop:1 --by tomorrow
	assert_equal "$stderr" "wf-order: by: 'tomorrow' is not a time (ISO 8601, e.g. 2026-11-23T18:00:00Z)"
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -1 --separate-stderr wf-order promise shop:1
	assert_equal "$stderr" "wf-order: order shop:1: cannot promise when reserved (legal from reserved: unreserve, pick, ship, hold, cancel)"
}

@test "two processes promising the last unit: exactly one wins" {
	local i pids=() won=0 lost=0
	stock 1 BER
	for i in 1 2 3 4 5 6; do order "$i" 1; done
	for i in 1 2 3 4 5 6; do
		wf-order promise "shop:$i" --warehouse BER >"$BATS_TEST_TMPDIR/out$i" 2>"$BATS_TEST_TMPDIR/err$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		if wait "$i"; then won=$((won + 1)); else lost=$((lost + 1)); fi
	done
	assert_equal "$won $lost" '1 5'
	run -0 grep -h 'available to promise' "$BATS_TEST_TMPDIR"/err?
	assert_equal "${#lines[@]}" 5
	assert_equal "$(level BER)" '1 0 1 1 0'
}

# ---- wf-route --promise ---------------------------------------------------------------

@test "wf-route --promise promises where the policy routes, on ATP, and skips what is promised" {
	stock 5 BER
	stock 3 MUC
	service BER 4.10
	service MUC 4.50
	order 1 3
	order 2 3
	order 3 3
	run -0 --separate-stderr wf-route --new --promise --policy cheapest --format jsonl </dev/null
	# shop:1 at BER (cheaper); 2 left there, so shop:2 goes to MUC; shop:3 fits nowhere
	assert_equal "$(jq -r '"\(.order) \(.result) \(.warehouse) \(.promise)"' <<<"$output")" \
		$'shop:1 promised BER 2026-11-22T13:00:00Z\nshop:2 promised MUC 2026-11-22T13:00:00Z\nshop:3 unroutable null null'
	assert_equal "$(state shop:1) $(state shop:2) $(state shop:3)" 'promised promised on_hold'
	assert_equal "$(level BER) / $(level MUC)" '5 0 5 3 2 / 3 0 3 3 0'
	run -0 --separate-stderr wf-route shop:1 --promise --format jsonl
	assert_equal "$(jq -r '"\(.result) \(.reasons | join(","))"' <<<"$output")" 'skipped promised'
	# the leg's promise is the promise's date
	run -0 --separate-stderr wf log order shop:1 --format jsonl
	assert_line --partial '"action":"promise"'
}

@test "wf-route --promise is not --apply nor --split" {
	run -2 --separate-stderr wf-route --new --promise --apply
	assert_equal "$stderr" "wf-route: --promise records promises: not with --apply (which reserves)"
	run -2 --separate-stderr wf-route --new --promise --split
	assert_equal "$stderr" "wf-route: --promise records promises: not with --split (a promise is one warehouse)"
}

# ---- wf-alert risk --------------------------------------------------------------------

@test "wf-alert risk counts promised units: atp = available - promised" {
	stock 10 BER
	order 1 3
	order 2 4
	order 3 2
	wf-order promise shop:1 --warehouse BER >/dev/null
	wf-order promise shop:2 --warehouse BER >/dev/null
	wf-order reserve shop:3 --warehouse BER >/dev/null
	# available 10 - 2 reserved = 8; promised 3 + 4 = 7; atp 1; both promises wait
	run -0 --separate-stderr wf-alert risk --sku MUG-1 --warehouse BER --format jsonl
	assert_equal "$(jq -r '"\(.available) \(.promised) \(.atp) \(.waiting)"' <<<"$output")" '8 7 1 7'
}

# ---- promise_at_risk ------------------------------------------------------------------

# scan: "result kind reason" per exception the order scan touched
scan() {
	wf-alert scan --kind order --format jsonl | jq -r '"\(.result) \(.kind) \(.evidence.reason // "-")"'
}

@test "promise_at_risk: the stock a promise counts on is gone, at the last unit; a receipt resolves it" {
	stock 5 BER
	order 1 3
	order 2 2
	wf-order promise shop:1 --warehouse BER --by 2026-11-25T18:00:00Z >/dev/null
	wf-order promise shop:2 --warehouse BER --by 2026-11-26T18:00:00Z >/dev/null
	run -0 scan
	assert_output ''
	# one unit gone: the later promise (shop:2) no longer fits; shop:1 does
	wf-stock damage MUG-1 1 --at BER/A-01 >/dev/null
	assert_equal "$(level BER)" '4 0 4 5 -1'
	run -0 scan
	assert_output 'opened promise_at_risk stock_gone'
	run -0 --separate-stderr wf-alert list --kind promise_at_risk --format jsonl
	assert_equal "$(jq -r '.subject' <<<"$output")" 'order shop:2'
	assert_equal "$(jq -c '.evidence | [.sku, .warehouse, .promised, .available, .inbound_by_promise]' <<<"$output")" '["MUG-1","BER",5,4,0]'
	assert_equal "$(jq -r .next_action <<<"$output")" 'Keep the promise of shop:2 by 2026-11-26: MUG-1 at BER has 4 available and 0 arriving by then for 5 promised; receive or move stock there, or tell the customer'
	# the same again changes nothing, and says nothing
	run -0 scan
	assert_output ''
	# the unit back: it can be kept
	stock 1 BER
	run -0 scan
	assert_output 'resolved promise_at_risk stock_gone'
	run -0 --separate-stderr wf-alert list --all --kind promise_at_risk --format jsonl
	assert_equal "$(jq -r .state <<<"$output")" resolved
	run -0 --separate-stderr wf log exception "$(jq -r .exception <<<"$output")" --format jsonl
	assert_line --partial '"note":"shop:2 can be kept again: what it was promised is there by its promise"'
}

@test "promise_at_risk: a PO due on the promise's day keeps it; slipped a day past, it is at risk" {
	order 1 4
	stock 4 BER
	wf-order promise shop:1 --warehouse BER --by 2026-11-25T18:00:00Z >/dev/null
	wf-stock damage MUG-1 4 --at BER/A-01 >/dev/null
	wf-po create --supplier ACME --warehouse BER --expected 2026-11-25 MUG-1:4@2.00 >/dev/null
	wf-po send PO-1 >/dev/null
	# the PO lands on the promise's day: kept
	run -0 scan
	assert_output ''
	# the supplier confirms a day later: slipped past the promise
	wf-po confirm PO-1 --date 2026-11-26 >/dev/null
	run -0 scan
	assert_output 'opened promise_at_risk po_slipped'
	run -0 --separate-stderr wf-alert list --kind promise_at_risk --format jsonl
	assert_equal "$(jq -c '.evidence | [.promised, .available, .inbound_by_promise]' <<<"$output")" '[4,0,0]'
	# back to the 25th: resolved
	wf-po confirm PO-1 --date 2026-11-25 >/dev/null
	run -0 scan
	assert_output 'resolved promise_at_risk po_slipped'
}

@test "promise_at_risk: a PO whose date has passed is not counted on" {
	order 1 2
	wf-po create --supplier ACME --warehouse BER --expected 2026-11-19 MUG-1:2@2.00 >/dev/null
	wf-po send PO-1 >/dev/null
	stock 2 BER
	wf-order promise shop:1 --warehouse BER --by 2026-11-25T18:00:00Z >/dev/null
	wf-stock damage MUG-1 1 --at BER/A-01 >/dev/null
	run -0 scan
	assert_output 'opened promise_at_risk po_slipped'
	# cancelling the order resolves it
	wf-order cancel shop:1 --reason "customer asked" >/dev/null
	run -0 scan
	assert_output 'resolved promise_at_risk po_slipped'
}
