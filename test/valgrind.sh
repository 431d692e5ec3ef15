#!/bin/sh
# Everything `make check-valgrind` runs under valgrind: the unit tests, the
# fuzz replays over their saved inputs, and the binaries through a list of
# commands on a scratch database.  Any leak (of any kind) or memory error
# fails.  Tools add their commands to the CLI list, one line each.
#   test/valgrind.sh BUILD_DIR
set -u
b=${1:-build}
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=all --show-leak-kinds=all "$@"
}
fail=0
for t in "$b"/unit/test_*; do
	echo "== valgrind $t"
	vg "$t" >/dev/null || fail=1
done
for t in "$b"/fuzz/fuzz_*; do
	n=${t##*/}
	echo "== valgrind $t"
	vg "$t" "$n" "test/fuzz/corpus/$n" "test/fuzz/regressions/$n" >/dev/null || fail=1
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export WF_DB="$tmp/wf.db" WF_NOW=2026-11-20T09:00:00Z WF_ACTOR=valgrind
# One command per line: the expected exit status, then the command.
while read -r want cmd; do
	[ -n "$want" ] || continue
	echo "== valgrind $cmd"
	# shellcheck disable=SC2086
	vg "$b"/$cmd >/dev/null 2>"$tmp/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit $got, expected $want:" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
done <<'CMDS'
4 wf check
0 wf init
0 wf init
0 wf init --dry-run
0 wf check
0 wf check --list
0 wf log
0 wf log sku --since -7d
2 wf log widget
0 wf states
0 wf --help
2 wf init extra
0 wf init --format table
CMDS
exit $fail
