#!/usr/bin/env bats
# `make demo` runs to the end and shows each section.

load helper

@test "the demo builds a database where it says and shows each section" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line -n 0 "Workform demo: database $BATS_TEST_TMPDIR/demo/wf.db"
	assert_line '== wf: create the database =='
	assert_line --regexp '^.*/demo/wf\.db +created '
	assert_line '== done =='
	assert_equal "$stderr" ''
	[ -f "$BATS_TEST_TMPDIR/demo/wf.db" ]
}

@test "the demo's stock section counts, reserves and values the stock" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-stock: stock levels and inventory value =='
	assert_line --regexp '^TEE-M +BER/A-02 +23 +25 +-2 +ADJ-1$'
	assert_line --regexp '^MUG-1 +BER +60 +2 +58( +0){7}$'
	assert_line --regexp '^MUG-1 +BER +60 +4\.31 +258\.60 +EUR$'
	assert_line --regexp '^EUR +221 +844\.32$'
	assert_equal "$stderr" ''
}

@test "the demo's alert section raises exceptions and lists the queue" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-alert: work the queue =='
	assert_line --regexp '^EX-2 +created +49 +stockout_risk +sku TEE-M +purchasing +open$'
	assert_line --regexp '^EX-2 +49 +stockout_risk +sku TEE-M +purchasing +[0-9]+m +Order 60 TEE-M today'
	assert_line --regexp '^EX-3 +payout_mismatch .* snoozed '
	assert_equal "$stderr" ''
}
