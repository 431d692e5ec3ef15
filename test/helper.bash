# Loaded by every bats file (`load helper`): a fresh database per test, the
# binaries under test first on PATH, a fixed clock and actor.
#
# Conventions (style.md): one behaviour per @test; exit status, stdout and
# stderr checked separately (`run -N --separate-stderr`); the tool under test
# never at the left of a pipe.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

WF_BIN=${WF_BIN:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/build}
FIXTURES=$(cd "$BATS_TEST_DIRNAME" && pwd)/fixtures
PLATFORMS=$FIXTURES/platforms

wf_setup() {
	PATH=$WF_BIN:$PATH
	export WF_DB=$BATS_TEST_TMPDIR/wf.db
	export WF_NOW=2026-11-20T09:00:00Z
	export WF_ACTOR=tester
	# A sanitizer build runs several times slower: its check sets
	# WF_TIME_SCALE (make check-asan-bats), and the waits a test allows
	# grow with it, so that they bound fairness, not the build's speed.
	WF_TIME_SCALE=${WF_TIME_SCALE:-1}
	export WF_BUSY_TIMEOUT=$((10000 * WF_TIME_SCALE))
	unset XDG_DATA_HOME WF_SYNCHRONOUS
}

setup() {
	wf_setup
}

# A database with the schema and nothing else: a copy of the one `wf init`
# made for the first test of the run: a sanitizer build takes a third of a
# second to create the schema, and nearly every test starts here.  wf.bats
# tests `wf init` itself.
wf_init() {
	local t=$BATS_RUN_TMPDIR/schema.db
	if [ ! -s "$t" ]; then
		WF_DB=$t.new wf init >/dev/null || return
		# closed cleanly, the database is whole in its one file
		[ ! -s "$t.new-wal" ] || { echo "wf_init: $t.new-wal left behind" >&2; return 1; }
		mv "$t.new" "$t"
	fi
	# an existing database is migrated by wf init, never replaced
	if [ -e "$WF_DB" ]; then
		wf init >/dev/null
	else
		cp "$t" "$WF_DB"
	fi
}

# The value of KEY in the JSON object on stdin (jq -r).
field() {
	jq -r "$1"
}

# Run SQL against the test database and print the result.
sql() {
	sqlite3 -batch "$WF_DB" "$@"
}
