#!/usr/bin/env bats
# wf: the database, history, invariants, and dispatch to the tools.

load helper

# The schema version this build writes: the number of its migrations, which
# `wf --version` names (its own test checks the form).
schema() {
	wf --version | sed -n 's/.*(schema \([0-9]*\),.*/\1/p'
}

@test "wf init creates the database, then is unchanged" {
	run -0 --separate-stderr wf init
	assert_output --partial '"result":"created"'
	assert_output --partial "\"schema_version\":$(schema),"
	run -0 --separate-stderr wf init
	assert_output --partial '"result":"unchanged"'
	[ -z "$stderr" ]
}

@test "wf init creates missing directories under XDG_DATA_HOME" {
	unset WF_DB
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/xdg
	run -0 --separate-stderr wf init
	assert_output --partial "\"db\":\"$XDG_DATA_HOME/wf/wf.db\""
	[ -f "$XDG_DATA_HOME/wf/wf.db" ]
}

@test "--db wins over WF_DB" {
	run -0 --separate-stderr wf --db "$BATS_TEST_TMPDIR/other.db" init
	[ -f "$BATS_TEST_TMPDIR/other.db" ]
	[ ! -f "$WF_DB" ]
}

@test "a tool run with no database exits 4 and names wf init" {
	run -4 --separate-stderr wf check
	assert_equal "$stderr" "wf: no database at '$WF_DB'; create one with 'wf init'"
	[ -z "$output" ]
	[ ! -f "$WF_DB" ]
}

@test "a file that is not a Workform database exits 4 and is left alone" {
	printf 'not sqlite at all\n' >"$WF_DB"
	cp "$WF_DB" "$BATS_TEST_TMPDIR/before"
	run -4 --separate-stderr wf check
	assert_equal "$stderr" "wf: '$WF_DB' is not a Workform database"
	run -4 --separate-stderr wf init
	cmp "$WF_DB" "$BATS_TEST_TMPDIR/before"
}

@test "another application's SQLite database is refused, even by wf init" {
	sqlite3 "$WF_DB" "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me')"
	run -4 --separate-stderr wf init
	assert_output ''
	assert_equal "$stderr" "wf: '$WF_DB' is not a Workform database; refusing to change it"
	run -0 sql "SELECT t FROM notes"
	assert_output 'keep me'
}

@test "a schema newer than the binary exits 4 before any write" {
	wf_init
	sql "PRAGMA user_version = 99"
	sum=$(md5sum <"$WF_DB")
	run -4 --separate-stderr wf check
	assert_equal "$stderr" "wf: '$WF_DB' has schema version 99, newer than this Workform ($(schema)); upgrade Workform"
	run -4 --separate-stderr wf init
	[ "$(md5sum <"$WF_DB")" = "$sum" ]
}

# test/fixtures/schema-v1.sql: made by the version 1 binary; MUG-1 has 7 free
# on hand in BER/A-01 (3 more reserved for ORDER-1), 4 on hand and 1
# damaged in BER/B-01.
v1_database() {
	sqlite3 -batch "$WF_DB" <"$FIXTURES/schema-v1.sql"
}

@test "a version 1 database is refused until wf init migrates it" {
	v1_database
	run -4 --separate-stderr wf-stock levels
	assert_equal "$stderr" "wf-stock: '$WF_DB' has schema version 1, older than this Workform ($(schema)); run 'wf init' to migrate it"
	run -0 --separate-stderr wf init
	assert_output "{\"type\":\"init\",\"db\":\"$WF_DB\",\"result\":\"migrated\",\"schema_version\":$(schema),\"from_version\":1,\"currency\":\"EUR\"}"
	run -0 --separate-stderr wf init
	assert_output --partial "\"result\":\"unchanged\",\"schema_version\":$(schema),\"from_version\":$(schema)"
	run -0 --separate-stderr wf check
}

@test "after migration 2 the balances are the same and still follow the ledger" {
	v1_database
	wf init >/dev/null
	run -0 sql "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'movement' ORDER BY 1"
	assert_output $'movement_give\nmovement_give_held\nmovement_no_delete\nmovement_no_update\nmovement_take\nmovement_take_held'
	# a SKU's free stock is found by the key, without reading what is held
	run -0 sql "EXPLAIN QUERY PLAN SELECT bin_id FROM balance WHERE sku_id = 1 AND state = 'on_hand' AND holder = ''"
	assert_line --partial 'SEARCH balance USING PRIMARY KEY (sku_id=? AND state=? AND holder=?)'
	run -0 wf-stock levels --sku MUG-1
	assert_output --partial '"on_hand":14,"reserved":3,"available":11,'
	# taking more than a bin holds is refused whole
	run -1 --separate-stderr wf-stock move MUG-1 8 --from BER/A-01 --to BER/B-01
	assert_equal "$stderr" "wf-stock: insufficient stock: BER/A-01 has 7 MUG-1 on_hand, 8 needed"
	# a move within one balance takes before it gives
	run ! --separate-stderr sql "INSERT INTO movement (at, actor, action, sku_id, qty, from_bin, from_state, to_bin, to_state) VALUES ('2026-11-20T09:00:00Z', 'x', 'move', 1, 9, 1, 'on_hand', 1, 'on_hand')"
	[[ $stderr == *"wf: insufficient stock"* ]]
	run -0 sql "SELECT count(*) FROM movement"
	assert_output 4
	# taking all of it removes the balance; giving creates one
	run -0 wf-stock move MUG-1 7 --from BER/A-01 --to BER/B-01
	run -0 sql "SELECT b.code, bal.state, bal.holder, bal.qty FROM balance bal JOIN bin b ON b.id = bal.bin_id ORDER BY 1, 2"
	assert_output $'A-01|reserved||3\nB-01|damaged||1\nB-01|on_hand||11'
	# (since migration 20 who holds them is in held)
	run -0 sql "SELECT h.holder, b.code, h.state, h.qty FROM held h JOIN bin b ON b.id = h.bin_id"
	assert_output 'ORDER-1|A-01|reserved|3'
	run -0 --separate-stderr wf check
}

@test "migration 5 makes the payout tables again, keyed for the provider importers" {
	v1_database
	wf init >/dev/null
	run -0 sql "SELECT name FROM pragma_table_info('payout_line') WHERE name IN ('provider', 'provider_id', 'category', 'order_ref', 'net_differs') ORDER BY 1"
	assert_output $'category\nnet_differs\norder_ref\nprovider\nprovider_id'
	run -0 sql "SELECT \"notnull\" FROM pragma_table_info('payout') WHERE name = 'amount'"
	assert_output 0
	# net = gross - fee unless the line says the provider's net differs
	sql "INSERT INTO payout_line (provider, provider_id, category, currency, gross, fee, net, posted_at, created_at, updated_at) VALUES ('x', '1', 'charge', 'EUR', 1000, 50, 950, '$WF_NOW', '$WF_NOW', '$WF_NOW')"
	run ! --separate-stderr sql "INSERT INTO payout_line (provider, provider_id, category, currency, gross, fee, net, posted_at, created_at, updated_at) VALUES ('x', '2', 'charge', 'EUR', 1000, 50, 900, '$WF_NOW', '$WF_NOW', '$WF_NOW')"
	[[ $stderr == *"CHECK constraint failed"* ]]
	sql "INSERT INTO payout_line (provider, provider_id, category, currency, gross, fee, net, net_differs, posted_at, created_at, updated_at) VALUES ('x', '2', 'charge', 'EUR', 1000, 50, 900, 1, '$WF_NOW', '$WF_NOW', '$WF_NOW')"
	# one line per provider and transaction id; only known categories
	run ! --separate-stderr sql "INSERT INTO payout_line (provider, provider_id, category, currency, gross, net, posted_at, created_at, updated_at) VALUES ('x', '1', 'charge', 'EUR', 1, 1, '$WF_NOW', '$WF_NOW', '$WF_NOW')"
	[[ $stderr == *"UNIQUE constraint failed"* ]]
	run ! --separate-stderr sql "INSERT INTO payout_line (provider, provider_id, category, currency, gross, net, posted_at, created_at, updated_at) VALUES ('x', '3', 'chargeback', 'EUR', 1, 1, '$WF_NOW', '$WF_NOW', '$WF_NOW')"
	[[ $stderr == *"CHECK constraint failed"* ]]
	run -0 --separate-stderr wf check
}

@test "history and the stock ledger refuse UPDATE and DELETE in the schema" {
	wf_init
	sql "INSERT INTO event (at, actor, record_type, ref, action) VALUES ('2026-11-20T09:00:00Z', 'x', 'sku', 'A', 'create')"
	sql "INSERT INTO warehouse (id, code, owner, created_at, updated_at) VALUES (1, 'BER', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');
	     INSERT INTO bin (id, warehouse_id, code, owner, created_at, updated_at) VALUES (1, 1, 'A-01', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');
	     INSERT INTO sku (id, code, owner, currency, created_at, updated_at) VALUES (1, 'A', 'ops', 'EUR', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');
	     INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state) VALUES ('2026-11-20T09:00:00Z', 'x', 'receive', 1, 5, 1, 'on_hand')"
	run ! sql "UPDATE event SET actor = 'mallory'"
	assert_output --partial 'history is append-only'
	run ! sql "DELETE FROM event"
	assert_output --partial 'history is append-only'
	run ! sql "UPDATE movement SET qty = 1"
	assert_output --partial 'stock ledger is append-only'
	run ! sql "DELETE FROM movement"
	assert_output --partial 'stock ledger is append-only'
	run -0 sql "SELECT count(*) FROM event; SELECT qty FROM movement; SELECT qty FROM balance"
	assert_output $'1\n5\n5'

}

@test "the database is in WAL mode with the Workform application id" {
	wf_init
	run -0 sql "PRAGMA journal_mode"
	assert_output wal
	run -0 sql "PRAGMA application_id"
	assert_output 1464233842
}

@test "wf check is clean on a new database" {
	wf_init
	run -0 --separate-stderr wf check
	assert_output ''
}

@test "wf check reports a record whose state disagrees with its history" {
	wf_init
	sql "INSERT INTO warehouse (code, owner, created_at, updated_at) VALUES ('BER', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')"
	sql "INSERT INTO event (at, actor, record_type, ref, machine, action, to_state) VALUES ('2026-11-20T09:00:00Z', 'x', 'warehouse', 'BER', 'warehouse', 'create', 'paused')"
	run -1 --separate-stderr wf check
	assert_output '{"type":"violation","check":"history.state","record":"warehouse","ref":"BER","detail":"warehouse state is '"'"'active'"'"' but history says '"'"'paused'"'"'"}'
	assert_equal "$stderr" "wf: 1 violation found"
}

@test "wf check --list names every invariant" {
	wf_init
	run -0 --separate-stderr wf check --list
	assert_line --partial '"name":"db.integrity"'
	assert_line --partial '"name":"history.state"'
}

@test "wf log filters by type, ref, time and actor, oldest first" {
	wf_init
	sql "INSERT INTO event (at, actor, record_type, ref, action) VALUES
	  ('2026-11-18T09:00:00Z', 'ann', 'sku', 'A', 'create'),
	  ('2026-11-19T09:00:00Z', 'bob', 'sku', 'B', 'create'),
	  ('2026-11-20T08:00:00Z', 'ann', 'order', 'shop:1', 'create')"
	run -0 --separate-stderr wf log
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 --partial '"ref":"A"'
	run -0 --separate-stderr wf log sku
	assert_equal "${#lines[@]}" 2
	run -0 --separate-stderr wf log sku B
	assert_output '{"type":"event","event":2,"at":"2026-11-19T09:00:00Z","actor":"bob","record":"sku","ref":"B","action":"create","machine":null,"from":null,"to":null,"data":null}'
	run -0 --separate-stderr wf log --since 2026-11-19
	assert_equal "${#lines[@]}" 2
	run -0 --separate-stderr wf log --since -12h
	assert_equal "${#lines[@]}" 1
	run -0 --separate-stderr wf log --actor ann
	assert_equal "${#lines[@]}" 2
}

@test "wf log refuses an unknown record type and a bad time" {
	wf_init
	run -2 --separate-stderr wf log widget
	assert_equal "$stderr" "wf: unknown record type 'widget' (sku, warehouse, bin, order, shipment, return, supplier, po, payout, adjustment, exception, carrier)"
	run -2 --separate-stderr wf log --since yesterday
	assert_equal "$stderr" "wf: --since: expected a time (2026-11-20T09:14:00Z) or an offset from now (-7d, -24h, -30m, +2d), got 'yesterday'"
}

@test "usage errors exit 2 with the command's synopsis" {
	run -2 --separate-stderr wf log --bogus
	assert_equal "${stderr_lines[0]}" "wf: log: unknown option '--bogus'"
	assert_equal "${stderr_lines[1]}" "usage: wf log [TYPE [REF]] [--since T] [--actor A]"
	run -2 --separate-stderr wf nosuchtool
	assert_equal "$stderr" "wf: unknown command or tool 'nosuchtool'; see 'wf --help'"
	run -2 --separate-stderr wf init extra
	assert_equal "${stderr_lines[0]}" "wf: init: unexpected argument 'extra'"
}

@test "--help and --version go to stdout and exit 0" {
	run -0 --separate-stderr wf --help
	assert_line --partial 'wf init [--currency CUR] [--dry-run]'
	run -0 --separate-stderr wf log --help
	assert_line -n 0 'usage: wf log [TYPE [REF]] [--since T] [--actor A]'
	run -0 --separate-stderr wf --version
	assert_output --regexp '^wf [0-9]+\.[0-9]+\.[0-9]+ \(schema [0-9]+, SQLite [0-9.]+, cJSON [0-9.]+\)$'
	[ "$(schema)" -ge 3 ]
}

@test "wf init --currency sets the base currency, EUR unless said, and may change it" {
	run -0 --separate-stderr wf init --currency usd
	assert_output --partial '"result":"created"'
	assert_output --partial '"currency":"USD"'
	run -0 --separate-stderr wf init
	assert_output --partial '"result":"unchanged"'
	assert_output --partial '"currency":"USD"'
	run -0 --separate-stderr wf init --currency GBP
	assert_output --partial '"result":"updated"'
	run -2 --separate-stderr wf init --currency XYZ
	assert_equal "$stderr" "wf: --currency: unknown currency 'XYZ' (an ISO 4217 code such as EUR or USD)"
	run -0 sql "SELECT value FROM setting"
	assert_output GBP
	rm -f "$WF_DB"
	run -0 --separate-stderr wf init
	assert_output --partial '"currency":"EUR"'
}

@test "--format selects jsonl, table, csv or tsv" {
	run -0 --separate-stderr wf init --format csv
	assert_line -n 0 'type,db,result,schema_version,from_version,currency'
	run -0 --separate-stderr wf init --format tsv
	assert_line -n 0 "$(printf 'type\tdb\tresult\tschema_version\tfrom_version\tcurrency')"
	run -0 --separate-stderr wf init --format table
	assert_line -n 0 --regexp '^DB +RESULT +SCHEMA VERSION +FROM VERSION +CURRENCY$'
	run -2 --separate-stderr wf init --format xml
	assert_equal "$stderr" "wf: unknown format 'xml' (jsonl, table, csv, tsv)"
}

@test "wf init --dry-run reports created and writes nothing" {
	run -0 --separate-stderr wf init --dry-run
	assert_output --partial '"result":"created"'
	assert_equal "$stderr" "wf: dry run: nothing was written"
	run -0 sql "PRAGMA user_version"
	assert_output 0
}

@test "a bad WF_NOW or WF_BUSY_TIMEOUT is a usage error" {
	WF_NOW=soon run -2 --separate-stderr wf init
	assert_equal "$stderr" "wf: \$WF_NOW: expected an ISO 8601 time like 2026-11-20T09:14:00Z, got 'soon'"
	WF_BUSY_TIMEOUT=-1 run -2 --separate-stderr wf init
	assert_output ''
}

@test "a write error on stdout exits 6" {
	wf_init
	run -6 --separate-stderr sh -c 'wf init >/dev/full'
	assert_equal "$stderr" "wf: write error: No space left on device"
}

@test "wf TOOL runs wf-TOOL with the remaining arguments" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "wf-demo $*"\n' >"$BATS_TEST_TMPDIR/bin/wf-demo"
	chmod +x "$BATS_TEST_TMPDIR/bin/wf-demo"
	PATH=$PATH:$BATS_TEST_TMPDIR/bin run -0 wf --db x.db demo levels --sku A
	assert_output 'wf-demo --db x.db levels --sku A'
}

@test "wf states prints every machine's transitions" {
	run -0 --separate-stderr wf states exception
	assert_line '{"type":"transition","machine":"exception","from":"open","action":"ack","to":"acknowledged"}'
	run -2 --separate-stderr wf states widget
	assert_equal "$stderr" "wf: unknown state machine 'widget'"
}

@test "wf init --dry-run leaves nothing on disk, not even a directory" {
	unset WF_DB
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/xdg
	run -0 --separate-stderr wf init --dry-run
	assert_output --partial '"result":"created"'
	[ ! -e "$XDG_DATA_HOME" ]
	run -4 --separate-stderr wf check
	assert_equal "$stderr" "wf: no database at '$XDG_DATA_HOME/wf/wf.db'; create one with 'wf init'"
}

@test "--dry-run may come before the command, and only where it applies" {
	run -0 --separate-stderr wf --dry-run init
	assert_output --partial '"result":"created"'
	[ ! -e "$WF_DB" ]
	wf_init
	run -2 --separate-stderr wf --dry-run check
	assert_equal "${stderr_lines[0]}" "wf: check: --dry-run does not apply to this command"
}
