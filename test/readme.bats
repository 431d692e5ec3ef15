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

@test "the README tour runs, in a fresh database, without an error" {
	[ -x "$WF_BIN/wf-stock" ] || skip "wf-stock is not built yet"
	cd "$BATS_TEST_TMPDIR"
	tour >tour.sh
	run -0 --separate-stderr bash -eu -o pipefail tour.sh
	assert_equal "$stderr" ''
	run -0 --separate-stderr wf check
	assert_output ''
}
