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
