#!/usr/bin/env bats
# wf-alert scan --kind order: orders stuck in a state past its limit, orders
# whose goods are committed and that are still unpaid, and orders not shipped
# when their promise has passed; each raised once per order and resolved,
# with a note, when the order moves on.
#
# The clock starts at 2026-11-20T09:00:00Z (T0); at() moves it.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-stock receive MUG-1 100 --to BER/A-01 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

at() { export WF_NOW=$1; }

# order ID [pending|paid] [EXTRA]: 2 MUG-1 at 10.00 placed at T0 - 1h.
order() {
	local pay='"payment":{"status":"paid","amount":"20.00"}'
	[ "${2:-paid}" = paid ] || pay='"payment":{"status":"pending"}'
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":2,"unit_price":"10.00"}],%s%s}\n' \
		"$1" "$pay" "${3:+,$3}" | wf-order import >/dev/null
}

scan() { wf-alert scan --kind order --format jsonl "$@"; }

@test "an order new for more than 24 hours is stuck: the next action routes it" {
	order 1
	at 2026-11-21T09:00:00Z
	run -0 --separate-stderr scan
	assert_output ''                   # exactly 24 h: not past the limit
	at 2026-11-21T09:00:01Z
	run -0 --separate-stderr scan
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 1
	run -0 jq -c '[.kind, .subject, .result, .owner, .evidence, .impact, .next_action]' <<<"$output"
	assert_output '["stuck","order shop:1","opened","fulfilment",{"order":"shop:1","state":"new","since":"2026-11-20T09:00:00Z","limit_hours":24,"currency":"EUR","units":2},{"money":"20.00","currency":"EUR","units":2,"orders":1,"due_at":null},"Route shop:1 (new since 2026-11-20T09:00:00Z): wf-route shop:1 --apply, or see why it was not with wf-route shop:1 --explain"]'
}

@test "stuck is counted from when the order entered its state, not from when it was placed" {
	# placed a month ago, imported now: it has not waited in Workform
	printf '{"type":"order","channel":"shop","external_id":"9","placed_at":"2026-10-20T08:00:00Z","currency":"EUR","payment":{"status":"paid","amount":"20.00"},"lines":[{"sku":"MUG-1","qty":2,"unit_price":"10.00"}]}\n' |
		wf-order import >/dev/null
	at 2026-11-20T20:00:00Z
	run -0 --separate-stderr scan
	assert_output ''
}

@test "a stuck order resolves when it moves on, and the note says where it is" {
	order 1
	at 2026-11-22T09:00:00Z
	run -0 scan
	assert_output --partial '"result":"opened"'
	wf-order reserve shop:1 --warehouse BER >/dev/null
	run -0 --separate-stderr scan
	run -0 jq -c '[.kind, .result, .state, .resolution]' <<<"$output"
	assert_output '["stuck","resolved","resolved","shop:1 is reserved, within the limit of 72 h"]'
	# reserved for more than 72 hours: stuck again, the same exception reopened
	at 2026-11-25T09:00:01Z
	run -0 scan
	run -0 jq -c '[.exception, .kind, .result, .next_action]' <<<"$output"
	assert_output '["EX-1","stuck","opened","Pick shop:1 (reserved since 2026-11-22T09:00:00Z): wf-order pick shop:1, or wf-order unreserve shop:1 to route it again"]'
	wf-order pick shop:1 >/dev/null
	run -0 scan
	run -0 jq -r '.resolution' <<<"$output"
	assert_output 'shop:1 is picked now'
}

@test "an order on hold for more than 48 hours is stuck, with the hold's reason" {
	order 1
	wf-order hold shop:1 --reason 'address check' >/dev/null
	at 2026-11-22T10:00:00Z
	run -0 scan
	run -0 jq -c '[.evidence.state, .evidence.hold_reason, .evidence.limit_hours, .next_action]' <<<"$output"
	assert_output '["on_hold","address check",48,"Decide the hold on shop:1 (address check, since 2026-11-20T09:00:00Z): wf-order release shop:1, or wf-order cancel shop:1 --reason TEXT"]'
	wf-order cancel shop:1 --reason 'customer gone' >/dev/null
	run -0 scan
	run -0 jq -r '.resolution' <<<"$output"
	assert_output 'shop:1 is cancelled now'
}

@test "the limits are options: --stuck-new, --stuck-on-hold, --stuck-reserved" {
	order 1
	order 2
	order 3
	wf-order hold shop:2 --reason wait >/dev/null
	wf-order reserve shop:3 --warehouse BER >/dev/null
	at 2026-11-20T11:00:01Z
	run -0 scan
	assert_output ''
	run -0 scan --stuck-new 2 --stuck-on-hold 2 --stuck-reserved 2
	run -0 jq -r '"\(.subject) \(.evidence.state) \(.evidence.limit_hours)"' <<<"$output"
	assert_output $'order shop:1 new 2\norder shop:2 on_hold 2\norder shop:3 reserved 2'
	run -2 --separate-stderr wf-alert scan --kind order --stuck-new 0
	assert_equal "$stderr" "wf-alert: --stuck-new: expected a positive integer, got '0'"
	run -2 --separate-stderr wf-alert scan --kind order --unpaid-days 366
	assert_equal "$stderr" "wf-alert: --unpaid-days: expected an integer from 1 to 365, got '366'"
}

@test "a reserved order still unpaid 7 days after it was placed is unpaid, for finance, and resolves when paid" {
	order 1 pending
	wf-order reserve shop:1 --warehouse BER >/dev/null
	at 2026-11-27T08:00:00Z
	run -0 scan --stuck-reserved 8760
	assert_output ''                   # 7 days exactly
	at 2026-11-27T08:00:01Z
	run -0 scan --stuck-reserved 8760
	run -0 jq -c '[.kind, .owner, .evidence, .impact.money, .next_action]' <<<"$output"
	assert_output '["unpaid","finance",{"order":"shop:1","state":"reserved","finance_state":"pending","placed_at":"2026-11-20T08:00:00Z","limit_days":7,"total":"20.00","paid":"0.00","currency":"EUR","units":2},"20.00","Collect 20.00 EUR for shop:1 (placed 2026-11-20, reserved, still unpaid), or record the payment with the channel'"'"'s import"]'
	order 1 paid
	run -0 scan --stuck-reserved 8760
	run -0 jq -c '[.kind, .result, .resolution]' <<<"$output"
	assert_output '["unpaid","resolved","shop:1 is paid now"]'
}

@test "a new order that is unpaid is not unpaid: nothing has left or been set aside" {
	order 1 pending
	at 2026-12-20T09:00:00Z
	run -0 scan --stuck-new 8760
	assert_output ''
}

@test "an order not shipped when its promise has passed is at risk, until it ships" {
	order 1 paid '"promise_by":"2026-11-21T18:00:00Z"'
	wf-order reserve shop:1 --warehouse BER >/dev/null
	at 2026-11-21T18:00:00Z
	run -0 scan
	assert_output ''
	at 2026-11-21T18:00:01Z
	run -0 scan
	run -0 jq -c '[.kind, .owner, .evidence, .impact.due_at, .next_action]' <<<"$output"
	assert_output '["promise_at_risk","fulfilment",{"order":"shop:1","state":"reserved","promise_by":"2026-11-21T18:00:00Z","currency":"EUR","units":2},"2026-11-21T18:00:00Z","Ship shop:1 today or tell the customer: promised by 2026-11-21, still reserved"]'
	wf-order ship shop:1 --carrier dhl >/dev/null 2>&1
	run -0 scan
	run -0 jq -c '[.kind, .result, .resolution]' <<<"$output"
	assert_output '["promise_at_risk","resolved","shop:1 is shipped now"]'
}

@test "a promise moved later resolves promise_at_risk with the new date" {
	order 1 paid '"promise_by":"2026-11-21T18:00:00Z"'
	at 2026-11-22T09:00:00Z
	run -0 scan --stuck-new 8760
	assert_output --partial '"kind":"promise_at_risk"'
	order 1 paid '"promise_by":"2026-11-25T18:00:00Z","updated_at":"2026-11-22T09:00:00Z"'
	run -0 scan --stuck-new 8760
	run -0 jq -r '.resolution' <<<"$output"
	assert_output 'shop:1 is promised by 2026-11-25T18:00:00Z now'
}

@test "a second scan at the same clock writes and prints nothing; --dry-run writes nothing" {
	order 1
	order 2 pending
	wf-order reserve shop:2 --warehouse BER >/dev/null
	at 2026-12-20T09:00:00Z
	run -0 --separate-stderr scan --dry-run
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" 'wf-alert: dry run: nothing was written'
	run -0 sql 'SELECT count(*) FROM exception'
	assert_output 0
	run -0 scan
	assert_equal "${#lines[@]}" 3
	events=$(sql 'SELECT count(*) FROM event')
	run -0 scan
	assert_output ''
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$events"
}

@test "a dismissed order exception stays dismissed" {
	order 1
	at 2026-11-22T09:00:00Z
	scan >/dev/null
	wf-alert dismiss EX-1 --note 'a test order' >/dev/null
	run -0 scan
	assert_output ''
	run -0 wf-alert list --all --format jsonl
	run -0 jq -r '.state' <<<"$output"
	assert_output dismissed
}

@test "--kind order raises no stock kind, and --fail-on counts order kinds" {
	order 1
	at 2026-11-22T09:00:00Z
	run -1 --separate-stderr wf-alert scan --kind order --fail-on 1 --format jsonl
	run -0 jq -r .kind <<<"$output"
	assert_output stuck
	assert_regex "$stderr" '^wf-alert: 1 exception of the kinds scanned is open at priority 1 or above'
}

@test "--fail-on with --kind order counts routing's unroutable exception, which that scan keeps in step" {
	wf-stock sku add BOWL-1 --cost 4.00 --price 10.00 >/dev/null
	printf '{"type":"order","channel":"shop","external_id":"7","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"payment":{"status":"paid","amount":"10.00"},"lines":[{"sku":"BOWL-1","qty":1,"unit_price":"10.00"}]}\n' |
		wf-order import >/dev/null
	wf-route shop:7 --apply >/dev/null || true
	run -0 --separate-stderr wf-alert list --format jsonl
	run -0 jq -r '[.kind, .subject, .priority > 0] | @tsv' <<<"$output"
	assert_output "$(printf 'unroutable\tsku BOWL-1\ttrue')"
	# nothing the order scan raises itself is open: the count is routing's
	run -1 --separate-stderr wf-alert scan --kind order --fail-on 1 --format jsonl
	assert_output ''
	assert_regex "$stderr" '^wf-alert: 1 exception of the kinds scanned is open at priority 1 or above'
	# the supplier scan does not count it
	run -0 --separate-stderr wf-alert scan --kind supplier --fail-on 1 --format jsonl
	# the order cancelled: the order scan resolves it, and --fail-on passes
	wf-order cancel shop:7 --reason 'customer asked' >/dev/null
	run -0 --separate-stderr wf-alert scan --kind order --fail-on 1 --format jsonl
	run -0 jq -r '[.kind, .subject, .result] | @tsv' <<<"$output"
	assert_output "$(printf 'unroutable\tsku BOWL-1@BER\tresolved')"
	# what blocked the cancelled order is forgotten, and the next scan has
	# nothing to do
	run -0 sqlite3 "$WF_DB" 'SELECT count(*) FROM route_block'
	assert_output 0
	run -0 --separate-stderr scan --fail-on 1
	assert_output ''
}
