#!/usr/bin/env bats
# The tour in README.md runs as written, so the README stays true.

load helper

# The shell block that follows the "<!-- tour" marker in README.md.
tour() {
	awk '/^<!-- tour/ { on = 1; next }
	     on && /^```sh$/ { inside = 1; next }
	     inside && /^```$/ { exit }
	     inside { print }' "$BATS_TEST_DIRNAME/../README.md"
}

@test "the README has a tour that uses wf and checks the result" {
	run -0 tour
	assert_line 'wf init'
	assert_line 'wf check'
}

@test "the README tour has an order step: import, reserve, ship" {
	run -0 tour
	assert_line "wf-order import <<'EOF'"
	assert_line --regexp '^wf-order reserve shop:1001 '
	assert_line --regexp '^wf-order ship shop:1001 '
}

@test "the README tour runs, in a fresh database, without an error" {
	[ -x "$WF_BIN/wf-stock" ] || skip "wf-stock is not built yet"
	cd "$BATS_TEST_TMPDIR"
	tour >tour.sh
	run -0 --separate-stderr bash -eu -o pipefail tour.sh
	assert_equal "$stderr" ''
	run -0 --separate-stderr wf check
	assert_output ''
}

@test "the README tour's order ends shipped, in one shipment" {
	[ -x "$WF_BIN/wf-order" ] || skip "wf-order is not built yet"
	cd "$BATS_TEST_TMPDIR"
	tour >tour.sh
	run -0 --separate-stderr bash -eu -o pipefail tour.sh
	run -0 --separate-stderr wf-order list --format jsonl
	assert_equal "$(jq -r '"\(.order) \(.state)"' <<<"$output")" 'shop:1001 shipped'
	run -0 --separate-stderr wf-order shipments --format jsonl
	assert_equal "$(jq -c '[.shipment, .order, .lines]' <<<"$output")" \
		'["SH-1","shop:1001",[{"sku":"MUG-1","qty":2},{"sku":"TEE-M","qty":1}]]'
}
