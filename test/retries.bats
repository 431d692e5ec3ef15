#!/usr/bin/env bats
# Retries and the command line's edges (design.md, "Retries"; wf(1) OPTIONS
# and EXIT STATUS): --idempotency-key, 'committed' on a write error after
# the commit, output to a full disk, options given twice or empty, and
# malformed values as usage errors.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 >/dev/null
}

# Every test ends with the invariants holding.
teardown() {
	[ -f "$WF_DB" ] || return 0
	run -0 --separate-stderr wf check
}

on_hand() {
	wf-stock levels --sku MUG-1 | jq -r '.on_hand // 0'
}

@test "a retry with the same key prints the first result and books nothing" {
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key rcv-1
	first=$output
	assert_output --partial '"action":"receive"'
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key rcv-1
	assert_equal "$output" "$first"
	assert_equal "$stderr" ""
	assert_equal "$(on_hand)" 5
	assert_equal "$(sql 'SELECT count(*) FROM movement')" 1
}

@test "the key may come before the command, and the retry keeps its own format" {
	run -0 --separate-stderr wf-stock --idempotency-key rcv-2 receive MUG-1 2 --to BER/A-01
	run -0 --separate-stderr wf-stock receive MUG-1 2 --to BER/A-01 --idempotency-key rcv-2 --format csv
	assert_line --index 0 --partial 'type,movement,action,sku,qty'
	assert_line --index 1 --partial 'movement,1,receive,MUG-1,2'
	assert_equal "$(on_hand)" 2
}

@test "the same key with other arguments is refused and changes nothing" {
	wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key rcv-3 >/dev/null
	run -1 --separate-stderr wf-stock receive MUG-1 6 --to BER/A-01 --idempotency-key rcv-3
	assert_equal "$stderr" "wf-stock: idempotency key 'rcv-3' was used at 2026-11-20T09:00:00Z by tester for 'wf-stock receive MUG-1 5 --to BER/A-01'; a retry must repeat that request exactly, or use a new key"
	assert_equal "$output" ""
	assert_equal "$(on_hand)" 5
}

@test "the same key with other input on stdin is refused" {
	printf '{"type":"sku","sku":"TEE-1"}\n' | wf-stock sku import --idempotency-key skus >/dev/null
	run -1 --separate-stderr wf-stock sku import --idempotency-key skus <<<'{"type":"sku","sku":"TEE-2"}'
	assert_output ""
	assert_equal "$stderr" "wf-stock: idempotency key 'skus' was used at 2026-11-20T09:00:00Z by tester for 'wf-stock sku import' with other input; a retry must repeat that request exactly, or use a new key"
	run -1 --separate-stderr wf-stock sku show TEE-2
}

@test "the same input again replays the import" {
	printf '{"type":"sku","sku":"TEE-1"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-stock sku import --idempotency-key skus <"$BATS_TEST_TMPDIR/in"
	assert_output --partial '"result":"created"'
	wf-stock sku add TEE-1 --title Changed >/dev/null
	run -0 --separate-stderr wf-stock sku import --idempotency-key skus <"$BATS_TEST_TMPDIR/in"
	assert_output --partial '"result":"created"'
	assert_equal "$(wf-stock sku show TEE-1 | jq -r 'select(.type == "sku") | .title')" Changed
}

@test "a first run that changed nothing records nothing, so it can run again" {
	run -1 --separate-stderr wf-stock receive TEE-9 5 --to BER/A-01 --idempotency-key rcv-4
	wf-stock sku add TEE-9 >/dev/null
	run -0 --separate-stderr wf-stock receive TEE-9 5 --to BER/A-01 --idempotency-key rcv-4
	assert_output --partial '"sku":"TEE-9"'
	assert_equal "$(sql 'SELECT count(*) FROM request')" 1
}

@test "a keyed batch that skipped lines replays its result and status" {
	printf '{"type":"sku","sku":"A-1"}\n{"type":"sku","sku":""}\n' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-stock sku import --keep-going --idempotency-key kg <"$BATS_TEST_TMPDIR/in"
	first=$output
	run -3 --separate-stderr wf-stock sku import --keep-going --idempotency-key kg <"$BATS_TEST_TMPDIR/in"
	assert_equal "$output" "$first"
	assert_equal "$stderr" "wf-stock: 1 bad line skipped; 1 applied"
}

@test "a dry run with a key records nothing" {
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key dry --dry-run
	assert_equal "$(sql 'SELECT count(*) FROM request')" 0
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key dry
	assert_equal "$(on_hand)" 5
}

@test "a bad key, or a key on a command that changes nothing, is a usage error" {
	run -2 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key 'a b'
	assert_equal "$stderr" "wf-stock: --idempotency-key: expected printable ASCII without spaces"
	run -2 --separate-stderr wf-stock --idempotency-key k levels
	assert_equal "${stderr_lines[0]}" "wf-stock: levels: --idempotency-key does not apply to this command"
	assert_equal "$(on_hand)" 0
}

@test "a write error after the commit says committed, and the keyed retry prints the result" {
	run -6 --separate-stderr sh -c 'wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key full >/dev/full'
	assert_equal "$stderr" "wf-stock: committed, but the output could not be written: write error: No space left on device; do not run it again (or retry with the same --idempotency-key)"
	assert_equal "$(on_hand)" 5
	run -0 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --idempotency-key full
	assert_output --partial '"qty":5'
	assert_equal "$(on_hand)" 5
}

@test "a write error with nothing committed does not say committed" {
	run -6 --separate-stderr sh -c 'wf-stock sku list >/dev/full'
	assert_equal "$stderr" "wf-stock: write error: No space left on device"
}

@test "--help, --version and --commands to a full disk exit 6" {
	run -6 --separate-stderr sh -c 'wf-stock --help >/dev/full'
	assert_equal "$stderr" "wf-stock: write error: No space left on device"
	run -6 --separate-stderr sh -c 'wf-stock receive --help >/dev/full'
	run -6 --separate-stderr sh -c 'wf-stock --version >/dev/full'
	run -6 --separate-stderr sh -c 'wf-stock --commands >/dev/full'
	run -6 --separate-stderr sh -c 'wf --help >/dev/full'
}

@test "an empty --db is a usage error, not the default database" {
	run -2 --separate-stderr wf-stock --db '' levels
	assert_equal "$stderr" "wf-stock: levels: --db must not be empty"
	run -2 --separate-stderr wf-stock levels --db=
	run -2 --separate-stderr wf-stock levels --actor ''
}

@test "an option given twice is a usage error, not the last one winning" {
	run -2 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --to BER/A-02
	assert_equal "${stderr_lines[0]}" "wf-stock: receive: option '--to' given twice"
	run -2 --separate-stderr wf-stock --db a.db --db b.db levels
	assert_equal "$stderr" "wf-stock: option '--db' given twice"
	run -2 --separate-stderr wf-stock levels --format csv --format jsonl
	assert_equal "${stderr_lines[0]}" "wf-stock: levels: option '--format' given twice"
	assert_equal "$(on_hand)" 0
}

@test "a malformed option value is a usage error (2), not bad input (3)" {
	run -2 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --cost abc
	assert_equal "$stderr" "wf-stock: cost: expected a decimal amount like \"19.99\", got 'abc'"
	run -2 --separate-stderr wf-stock sku add TEE-1 --price 1.234
	run -2 --separate-stderr wf-stock bin add 'BER/bad bin'
	assert_equal "$(on_hand)" 0
}

@test "bad input lines are still bad input (3)" {
	run -3 --separate-stderr wf-stock sku import <<<'{"type":"sku","sku":"A","cost":"abc"}'
	assert_equal "$stderr" "wf-stock: stdin:1: cost: expected a decimal amount like \"19.99\", got 'abc' (nothing applied)"
}

@test "init does not create the directories of a path it was given" {
	run -6 --separate-stderr wf --db "$BATS_TEST_TMPDIR/no/such/dir/x.db" init
	[ ! -d "$BATS_TEST_TMPDIR/no" ]
	assert_output ""
	run -6 --separate-stderr env WF_DB="$BATS_TEST_TMPDIR/no/such/x.db" wf init
	[ ! -d "$BATS_TEST_TMPDIR/no" ]
}

@test "a Workform file whose schema version is 0 or negative is refused as damaged" {
	sql 'PRAGMA user_version = 0'
	run -4 --separate-stderr wf init
	assert_equal "$stderr" "wf: '$WF_DB' is a damaged Workform database: its schema version is 0; restore it from a backup"
	run -4 --separate-stderr wf-stock levels
	sql 'PRAGMA user_version = -1'
	run -4 --separate-stderr wf init
	assert_equal "$stderr" "wf: '$WF_DB' is a damaged Workform database: its schema version is -1; restore it from a backup"
	sql "PRAGMA user_version = $(wf --version | sed 's/.*schema \([0-9]*\).*/\1/')"
}

@test "an actor that is not valid UTF-8 is refused, not stored raw" {
	run -2 --separate-stderr wf-stock receive MUG-1 5 --to BER/A-01 --actor $'ann\xff'
	assert_equal "$stderr" "wf-stock: actor is not valid UTF-8"
	run -2 --separate-stderr env WF_ACTOR=$'\xc3' wf-stock receive MUG-1 5 --to BER/A-01
	assert_equal "$(on_hand)" 0
}

@test "a command that reads stdin says so when stdin is a terminal, instead of waiting in silence" {
	run -0 timeout 10 script -qec "wf-stock sku import" /dev/null </dev/null
	assert_output --partial "wf-stock: reading JSON lines from the terminal; end with Ctrl-D (see wf-stock(1))"
	run -0 timeout 10 script -qec "wf-stock sku list >/dev/null" /dev/null </dev/null
	refute_output --partial "reading"
	run -0 --separate-stderr wf-stock sku import </dev/null
	assert_equal "$stderr" ""
}
