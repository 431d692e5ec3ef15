#!/usr/bin/env bats
# Every state is reachable (issue 12), for the exception queue's machine:
# each {from, action, to} row, as `wf states` prints it, is driven by a
# wf-alert command from an exception taken to FROM by commands, and lands in
# TO.  The payout machine's rows are pending until wf-reconcile matches
# payouts (issue 14).  And every machine `wf states` prints is walked by one
# of the states*.bats files, so a new machine without its walk fails here.

load helper

MACHINES=(exception payout)

# "machine from action to" rows no command drives yet, each with why.
PENDING=(
	"payout imported match matched"        # issue 14: wf-reconcile match
	"payout imported mismatch mismatch"    # issue 14: wf-reconcile match
	"payout matched mismatch mismatch"     # issue 14: wf-reconcile match
	"payout mismatch match matched"        # issue 14: wf-reconcile match
	"payout matched reconcile reconciled"  # issue 14: wf-reconcile match
	"payout mismatch accept reconciled"    # issue 14: wf-reconcile accept
)

setup() {
	wf_setup
	wf_init
	# the subject of the exception the walk drives
	wf-stock sku add MUG-1 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# The state of EX-1, read back as an operator would.
state_of() {
	wf-alert show EX-1 | head -n 1 | jq -r .state
}

# Take EX-1 to STATE with commands; 1 when the walk knows no way.
reach() {
	case $1 in
	open)
		echo '{"kind":"stockout_now","subject":"sku MUG-1","owner":"purchasing","next_action":"Order MUG-1"}' |
			wf-alert raise ;;
	acknowledged) reach open && wf-alert ack EX-1 ;;
	in_progress)  reach open && wf-alert start EX-1 ;;
	snoozed)      reach open && wf-alert snooze EX-1 --until +1d ;;
	resolved)     reach open && wf-alert resolve EX-1 --note "ordered" ;;
	dismissed)    reach open && wf-alert dismiss EX-1 --note "not ours" ;;
	*) return 1 ;;
	esac
}

# Drive ACTION on EX-1 (in FROM).
drive() {
	case "$2" in
	ack | start | reopen) wf-alert "$2" EX-1 ;;
	snooze)  wf-alert snooze EX-1 --until +2d ;;
	resolve) wf-alert resolve EX-1 --note "done" ;;
	dismiss) wf-alert dismiss EX-1 --note "no need" ;;
	# the clock passes the snooze: the next command wakes it
	wake)    WF_NOW=2026-11-25T09:00:00Z wf-alert list ;;
	*) return 1 ;;
	esac
}

# The rows of MACHINE as "from action to".
machine_rows() {
	wf states --format jsonl |
		jq -r --arg m "$1" 'select(.machine == $m) | "\(.from) \(.action) \(.to)"'
}

@test "every row of the exception machine is driven by a wf-alert command" {
	local from action to got failed=""
	while read -r from action to; do
		rm -f "$WF_DB" "$WF_DB-wal" "$WF_DB-shm"
		wf_init
		wf-stock sku add MUG-1 >/dev/null
		reach "$from" >/dev/null || { failed="$failed [$from $action: cannot reach]"; continue; }
		[ "$(state_of)" = "$from" ] || { failed="$failed [$from: reached $(state_of)]"; continue; }
		drive "$from" "$action" >/dev/null || { failed="$failed [$from $action: refused]"; continue; }
		got=$(state_of)
		[ "$got" = "$to" ] || failed="$failed [$from $action: $got, not $to]"
		# the history says so, with the action's name
		wf log exception EX-1 | jq -e --arg a "$action" --arg f "$from" --arg t "$to" \
			'select(.action == $a and .from == $f and .to == $t)' >/dev/null ||
			failed="$failed [$from $action: no event]"
	done < <(machine_rows exception)
	assert_equal "$failed" ""
	[ "$(machine_rows exception | wc -l)" -eq 20 ]
}

@test "the payout machine's rows are all pending, each with its issue, and no others" {
	local want pending
	want=$(machine_rows payout | sed 's/^/payout /' | sort)
	pending=$(printf '%s\n' "${PENDING[@]}" | sed 's/ *#.*//' | sort)
	assert_equal "$pending" "$want"
}

@test "every machine wf states prints is walked by one states*.bats file" {
	local walked m missing=""
	walked=$(sed -n 's/^MACHINES=(\{0,1\}"\{0,1\}\([^")]*\)"\{0,1\})\{0,1\}$/\1/p' \
		"$BATS_TEST_DIRNAME"/states*.bats | tr ' ' '\n' | sort -u)
	for m in $(wf states --format jsonl | jq -r .machine | sort -u); do
		grep -qxF "$m" <<<"$walked" || missing="$missing $m"
	done
	assert_equal "$missing" ""
}
