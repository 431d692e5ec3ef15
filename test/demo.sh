#!/usr/bin/env bash
# The demo behind `make demo`: a fresh database in a new directory, a small
# business set up in it, and what each tool shows, as readable tables.
#
# Each tool adds one function that runs its part and prints under its own
# heading, and one line in main().  A section reads like a session at the
# terminal: `show` prints each command before running it.
#
#   WF_BIN       where the binaries are (make demo sets it; default build/)
#   WF_DEMO_DIR  where to put the database (default: a new temporary dir)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WF_BIN=${WF_BIN:-$here/build}
PATH=$WF_BIN:$PATH

dir=${WF_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wf-demo.XXXXXX")}
mkdir -p "$dir"
export WF_DB=$dir/wf.db
export WF_ACTOR=demo
rm -f "$WF_DB" "$WF_DB-wal" "$WF_DB-shm"

if [ -t 1 ]; then
	bold=$(printf '\033[1m') dim=$(printf '\033[2m') off=$(printf '\033[0m')
else
	bold='' dim='' off=''
fi

# section TITLE: a heading.
section() {
	printf '\n%s== %s ==%s\n\n' "$bold" "$1" "$off"
}

# show CMD ARGS...: print the command as typed, then run it.  A command
# that fails stops the demo (set -e), so what is shown is what works.
show() {
	printf '%s$ %s%s\n' "$dim" "$*" "$off"
	"$@"
	echo
}

# ---- sections, one per tool ---------------------------------------------------

demo_init() {
	section "wf: create the database"
	show wf init --format table
}

demo_states() {
	section "wf: the order state machine"
	show wf states order --format table
}

demo_check() {
	section "wf: verify every invariant"
	show wf check --list --format table
	show wf check --format table
	echo "no violations"
}

main() {
	printf 'Workform demo: database %s\n' "$WF_DB"
	demo_init
	demo_states
	demo_check
	section "done"
	printf 'The database is kept in %s.  Look around with:\n\n' "$dir"
	printf '    export WF_DB=%s PATH=%s:$PATH\n' "$WF_DB" "$WF_BIN"
	printf '    wf log --format table\n    man -l %s/man/wf.1\n' "$here"
}

main "$@"
