#!/usr/bin/env bats
# Shell completions: the hidden --commands and --complete of every binary,
# and the bash, zsh and fish scripts in completions/ that use them.

load helper

COMPLETIONS=$(cd "$BATS_TEST_DIRNAME/../completions" && pwd)

# A database with two warehouses, bins, skus (one with a glob character)
# and orders.
stocked_db() {
	wf_init
	sql "INSERT INTO warehouse (code, owner, created_at, updated_at) VALUES
	  ('BER', 't', '$WF_NOW', '$WF_NOW'), ('LON', 't', '$WF_NOW', '$WF_NOW');
	INSERT INTO bin (warehouse_id, code, owner, created_at, updated_at) VALUES
	  (1, 'A-01', 't', '$WF_NOW', '$WF_NOW'), (2, 'B-02', 't', '$WF_NOW', '$WF_NOW');
	INSERT INTO sku (code, owner, currency, created_at, updated_at) VALUES
	  ('MUG-1', 't', 'EUR', '$WF_NOW', '$WF_NOW'), ('MUG-2', 't', 'EUR', '$WF_NOW', '$WF_NOW'),
	  ('TEE*1', 't', 'EUR', '$WF_NOW', '$WF_NOW');
	INSERT INTO orders (channel, external_id, ref, owner, currency, placed_at,
	  created_at, updated_at) VALUES
	  ('shop', '1001', 'shop:1001', 't', 'EUR', '2026-11-19T10:00:00Z', '$WF_NOW', '$WF_NOW'),
	  ('shop', '1002', 'shop:1002', 't', 'EUR', '2026-11-19T11:00:00Z', '$WF_NOW', '$WF_NOW');"
}

# ---- --complete ------------------------------------------------------------

@test "--complete lists the keys of a kind, one a line" {
	stocked_db
	run -0 --separate-stderr wf --complete warehouse
	assert_output "$(printf 'BER\nLON')"
	run -0 --separate-stderr wf --complete bin
	assert_output "$(printf 'BER/A-01\nLON/B-02')"
	run -0 --separate-stderr wf --complete order
	assert_output "$(printf 'shop:1002\nshop:1001')"
	[ -z "$stderr" ]
}

@test "--complete takes a prefix, matched literally" {
	stocked_db
	run -0 --separate-stderr wf --complete sku MUG-
	assert_output "$(printf 'MUG-1\nMUG-2')"
	run -0 --separate-stderr wf --complete sku 'TEE*'
	assert_output 'TEE*1'
	run -0 --separate-stderr wf --complete sku 'M*'
	assert_output ''
}

@test "--complete reads the database named by --db" {
	WF_DB=$BATS_TEST_TMPDIR/other.db stocked_db
	run -0 --separate-stderr wf --complete warehouse
	assert_output ''
	run -0 --separate-stderr wf --db "$BATS_TEST_TMPDIR/other.db" --complete warehouse B
	assert_output 'BER'
}

@test "--complete with no database prints nothing, exits 0 and creates nothing" {
	run -0 --separate-stderr wf --complete sku
	assert_output ''
	[ -z "$stderr" ]
	[ ! -e "$WF_DB" ]
}

@test "--complete is silent on a file that is not a Workform database" {
	printf 'not sqlite\n' >"$WF_DB"
	run -0 --separate-stderr wf --complete sku
	assert_output ''
	[ -z "$stderr" ]
}

@test "--complete is silent on an unknown kind" {
	wf_init
	run -0 --separate-stderr wf --complete widget
	assert_output ''
	[ -z "$stderr" ]
}

@test "--complete record lists history's record types without a database" {
	run -0 --separate-stderr wf --complete record s
	assert_output "$(printf 'sku\nshipment\nsupplier')"
}

@test "--commands lists wf TOOL as the default command" {
	run -0 --separate-stderr wf --commands
	assert_line "$(printf 'cmd\t\tTOOL [ARGS...]\ttool,text\trun wf-TOOL with ARGS (wf stock levels == wf-stock levels)')"
}

@test "an unknown option before the command is named once, with wf TOOL's usage" {
	run -2 --separate-stderr wf --bogus
	assert_equal "${stderr_lines[0]}" "wf: unknown option '--bogus'"
	assert_equal "${stderr_lines[1]}" "usage: wf TOOL [ARGS...]"
}
