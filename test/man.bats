#!/usr/bin/env bats
# The man pages agree with the binaries, and pass mandoc's lint.
#
# Conventions every page follows, so that these tests can read it (the
# readers are in test/man.bash):
#
# NAME.1, one page per binary in $WF_BIN that has one (wf, wf-stock, ...):
#   - SYNOPSIS has one form per subcommand, each starting with a ".Nm" line:
#         .Nm
#         .Cm sku add
#         .Ar SKU
#         .Op Fl \-title Ar T
#     Rendered (mandoc -Tascii), each form must read exactly as the line
#     `NAME --help` prints for that subcommand, [--dry-run], [--keep-going]
#     and [--strict] included.  Forms for things that are not subcommands
#     (wf's "wf TOOL [ARGS ...]") may be added.
#   - COMMANDS (".Sh COMMANDS") is one ".Bl -tag" list with one entry per
#     subcommand, written ".It Cm NAME ..." (or ".It Nm Cm NAME ..."); the
#     default command of a binary that has one (`wf-route [REF...]`) is
#     ".It Nm ...".  NAME is the words after Cm up to the first macro, so
#     ".It Cm sku add Ar SKU" documents "sku add".  Lists nested in an entry
#     belong to it (".It Fl \-title Ar T" for an option, ".It Cm pick" for a
#     value); other first-level items (".It Ar TOOL") are not subcommands.
#   - Every option a subcommand defines itself appears in its COMMANDS entry
#     as "Fl \-name" (or "Fl -name"), head or body.
#   - The shared options (--db, --actor, --format, --help, --version,
#     --dry-run, --keep-going, --strict) are documented once, in the OPTIONS
#     section of wf(1); tool pages refer to wf(1) for them.  A subcommand's
#     own option with a shared name (`wf log --actor A`, a filter) is its own
#     and is documented in its entry.
#
# wf-states(7): see the comment at the top of man/wf-states.7.
# wf-records(5): see the comment at the top of man/wf-records.5; suites call
# records_documented (test/man.bash) on the records their tool prints.
# Every page: `mandoc -Tlint -W warning` prints nothing.

load helper
load man

# The binaries under test that have a page: "NAME<TAB>BIN<TAB>PAGE"; wf
# always has one, so this is never empty.
paged_binaries() {
	local b
	[ -x "$WF_BIN/wf" ] && [ -f "$MAN_DIR/wf.1" ] || {
		echo "no $WF_BIN/wf or $MAN_DIR/wf.1" >&2
		return 1
	}
	for b in "$WF_BIN"/wf "$WF_BIN"/wf-*; do
		[ -x "$b" ] && [ -f "$b" ] || continue
		[ -f "$MAN_DIR/${b##*/}.1" ] || continue
		printf '%s\t%s\t%s\n' "${b##*/}" "$b" "$MAN_DIR/${b##*/}.1"
	done
}

@test "every page passes mandoc -Tlint -W warning" {
	local page n=0
	for page in "$MAN_DIR"/*.[1-8]; do
		run -0 --separate-stderr mandoc -Tlint -W warning "$page"
		assert_output ''
		assert_equal "$stderr" ''
		n=$((n + 1))
	done
	[ "$n" -ge 3 ]
}

@test "wf(1), wf-records(5) and wf-states(7) exist" {
	[ -f "$MAN_DIR/wf.1" ]
	[ -f "$MAN_DIR/wf-records.5" ]
	[ -f "$MAN_DIR/wf-states.7" ]
}

@test "every binary has a page (skipped, naming them, until each has one)" {
	local b missing=""
	for b in "$WF_BIN"/wf "$WF_BIN"/wf-*; do
		[ -x "$b" ] && [ -f "$b" ] || continue
		[ -f "$MAN_DIR/${b##*/}.1" ] || missing="$missing ${b##*/}"
	done
	[ -x "$WF_BIN/wf" ]
	[ -z "$missing" ] || skip "no man page yet for:$missing"
}

@test "wf-states(7) has exactly the transitions wf states prints" {
	man_state_rows "$MAN_DIR/wf-states.7" | sort >"$BATS_TEST_TMPDIR/page"
	wf states --format jsonl >"$BATS_TEST_TMPDIR/json"
	jq -r '[.machine, .from, .action, .to] | @tsv' "$BATS_TEST_TMPDIR/json" |
		sort >"$BATS_TEST_TMPDIR/table"
	[ -s "$BATS_TEST_TMPDIR/table" ]
	diff -u --label wf-states.7 --label 'wf states' \
		"$BATS_TEST_TMPDIR/page" "$BATS_TEST_TMPDIR/table"
}

@test "wf-states(7) lists exactly the states its transitions use, per machine" {
	man_state_names "$MAN_DIR/wf-states.7" | sort -u >"$BATS_TEST_TMPDIR/page"
	wf states --format jsonl >"$BATS_TEST_TMPDIR/json"
	jq -r '"\(.machine)\t\(.from)", "\(.machine)\t\(.to)"' "$BATS_TEST_TMPDIR/json" |
		grep -v $'\t(previous)$' | sort -u >"$BATS_TEST_TMPDIR/used"
	[ -s "$BATS_TEST_TMPDIR/used" ]
	diff -u --label 'wf-states.7 states' --label 'states in wf states' \
		"$BATS_TEST_TMPDIR/page" "$BATS_TEST_TMPDIR/used"
}

@test "each page's SYNOPSIS reads exactly as its binary's --help" {
	local name bin page cmds form words fail=""
	paged_binaries >"$BATS_TEST_TMPDIR/paged"
	while IFS=$'\t' read -r name bin page; do
		man_synopsis "$page" "$name" >"$BATS_TEST_TMPDIR/synopsis"
		man_usage "$bin" >"$BATS_TEST_TMPDIR/usage"
		[ -s "$BATS_TEST_TMPDIR/usage" ] || fail="$fail"$'\n'"$name: --help prints no usage"
		# every usage line is a SYNOPSIS form
		while IFS= read -r form; do
			grep -qxF -- "$form" "$BATS_TEST_TMPDIR/synopsis" ||
				fail="$fail"$'\n'"$name(1) SYNOPSIS lacks: $form"
		done <"$BATS_TEST_TMPDIR/usage"
		# every SYNOPSIS form of a subcommand is a usage line
		cmds=" $(spec_commands "$bin" | awk '{ print $1 }' | tr '\n' ' ') "
		while IFS= read -r form; do
			read -ra words <<<"$form"
			case $cmds in *" ${words[1]:-} "*) ;; *) continue ;; esac
			grep -qxF -- "$form" "$BATS_TEST_TMPDIR/usage" ||
				fail="$fail"$'\n'"$name(1) SYNOPSIS form not in --help: $form"
		done <"$BATS_TEST_TMPDIR/synopsis"
	done <"$BATS_TEST_TMPDIR/paged"
	[ -z "$fail" ] || { echo "$fail" >&2; false; }
}

@test "each page's COMMANDS has exactly its binary's subcommands" {
	local name bin page
	paged_binaries >"$BATS_TEST_TMPDIR/paged"
	while IFS=$'\t' read -r name bin page; do
		man_commands "$page" | awk -F'\t' '$1 == "entry" { print $2 }' |
			sort >"$BATS_TEST_TMPDIR/page"
		spec_commands "$bin" | sort >"$BATS_TEST_TMPDIR/table"
		[ -s "$BATS_TEST_TMPDIR/table" ]
		diff -u --label "$name.1 COMMANDS" --label "$name --commands" \
			"$BATS_TEST_TMPDIR/page" "$BATS_TEST_TMPDIR/table"
	done <"$BATS_TEST_TMPDIR/paged"
}

@test "each subcommand's own options are in its COMMANDS entry" {
	local name bin page missing
	paged_binaries >"$BATS_TEST_TMPDIR/paged"
	while IFS=$'\t' read -r name bin page; do
		man_commands "$page" | awk -F'\t' '$1 == "opt" { print $2 "\t" $3 }' |
			sort -u >"$BATS_TEST_TMPDIR/page"
		spec_options "$bin" | sort -u >"$BATS_TEST_TMPDIR/table"
		missing=$(comm -13 "$BATS_TEST_TMPDIR/page" "$BATS_TEST_TMPDIR/table")
		[ -z "$missing" ] || {
			printf '%s(1) COMMANDS entries lack (command, option):\n%s\n' \
				"$name" "$missing" >&2
			false
		}
	done <"$BATS_TEST_TMPDIR/paged"
}

@test "wf(1) OPTIONS documents every shared option" {
	local opt missing=""
	man_shared_options "$MAN_DIR/wf.1" | sort -u >"$BATS_TEST_TMPDIR/page"
	for opt in $(printf '%s\n' "$MAN_SHARED_OPTS" | cut -f1); do
		grep -qxF -- "$opt" "$BATS_TEST_TMPDIR/page" || missing="$missing $opt"
	done
	[ -z "$missing" ] || { echo "wf(1) OPTIONS lacks:$missing" >&2; false; }
}

@test "the parsers see what the pages hold (no convention silently broken)" {
	run -0 man_commands "$MAN_DIR/wf.1"
	assert_line $'entry\tlog'
	assert_line $'opt\tlog\t--since'
	refute_line --partial $'entry\tTOOL'
	run -0 man_synopsis "$MAN_DIR/wf.1" wf
	assert_line 'wf log [TYPE [REF]] [--since T] [--actor A]'
	run -0 spec_options "$WF_BIN/wf"
	assert_line $'log\t--actor'
	refute_line $'check\t--actor'
	refute_line $'init\t--dry-run'
}

@test "the records wf prints are documented in wf-records(5)" {
	run -0 --separate-stderr wf init --format jsonl
	records_documented <<<"$output"
	run -0 --separate-stderr wf states --format jsonl
	records_documented <<<"$output"
	run -0 --separate-stderr wf check --list --format jsonl
	records_documented <<<"$output"
	sql "INSERT INTO warehouse (code, owner, created_at, updated_at) VALUES ('BER', 'ops', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')"
	sql "INSERT INTO event (at, actor, record_type, ref, machine, action, to_state, data) VALUES ('2026-11-20T09:00:00Z', 'x', 'warehouse', 'BER', 'warehouse', 'create', 'paused', '{\"owner\":\"ops\"}')"
	run -0 --separate-stderr wf log --format jsonl
	records_documented <<<"$output"
	run -1 --separate-stderr wf check --format jsonl
	records_documented <<<"$output"
}

@test "records_documented names an undocumented key and fails" {
	run -1 --separate-stderr records_documented <<<'{"type":"init","db":"x","colour":"red"}'
	assert_equal "$stderr" $'not in wf-records(5) (type, key):\ninit\tcolour'
}
