#!/usr/bin/env bats
# Every state is reachable (issue 12), for the exception queue's machine:
# each {from, action, to} row, as `wf states` prints it, is driven by a
# wf-alert command from an exception taken to FROM by commands, and lands in
# TO.  The payout machine's rows are driven by wf-reconcile match, and its
# accept row by wf-reconcile accept.  And every machine `wf states` prints is
# walked by one of the states*.bats files, so a new machine without its walk
# fails here.

load helper

MACHINES=(exception payout)

# "machine from action to" rows no command drives yet, each with why.
PENDING=()

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

# ---- payouts: bank:P1, its lines and wf-reconcile match ---------------------------

# A payout line of bank:P1: ID, the order it names ("" for none), gross.
payout_line() {
	printf '{"type":"payout_line","payout":"bank:P1","provider_id":"%s","category":"charge",%s"gross":"%s","currency":"EUR","posted_at":"2026-11-20T08:30:00Z"}\n' \
	    "$1" "${2:+\"order\":\"$2\",}" "$3"
}
payout_import() { wf-reconcile import --from generic >/dev/null; }
payout_order() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-19T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"10.00"}}\n' "$1" |
		wf-order import >/dev/null
}
match() { wf-reconcile match >/dev/null; }

payout_state() {
	wf-reconcile show bank:P1 | head -n 1 | jq -r .state
}

# Take bank:P1 to STATE with commands: a line of order shop:1 (matched:
# its amount is not known yet), or a line no order explains (mismatch).
payout_reach() {
	case $1 in
	imported) payout_order 1 && payout_line c1 shop:1 10.00 | payout_import ;;
	matched)  payout_reach imported && match ;;
	mismatch) payout_line c2 shop:2 10.00 | payout_import && match ;;
	*) return 1 ;;
	esac
}

# Drive ACTION on bank:P1 (in FROM) with wf-reconcile match, after the
# import that makes it right or wrong, or with wf-reconcile accept.
payout_drive() {
	case "$1 $2" in
	"imported match")     match ;;
	"imported mismatch")  payout_line c2 shop:2 10.00 | payout_import && match ;;
	"matched mismatch")   payout_line c2 shop:2 10.00 | payout_import && match ;;
	"mismatch match")     payout_order 2 && match ;;
	"mismatch accept")    wf-reconcile accept bank:P1 --reason "shop:2 is a test order" ;;
	"matched reconcile")
		echo '{"type":"payout","payout":"bank:P1","amount":"10.00","currency":"EUR"}' |
			payout_import && match ;;
	*) return 1 ;;
	esac
}

@test "every row of the payout machine is driven by wf-reconcile match or accept, or pending with its issue" {
	local from action to got failed="" row pending
	while read -r from action to; do
		row="payout $from $action $to"
		pending=$(printf '%s\n' "${PENDING[@]}" | sed 's/ *#.*//' | grep -Fx "$row" || true)
		rm -f "$WF_DB" "$WF_DB-wal" "$WF_DB-shm"
		wf_init
		wf-stock sku add MUG-1 >/dev/null
		if [ -n "$pending" ]; then
			payout_drive "$from" "$action" && failed="$failed [$row: pending, but driven]"
			continue
		fi
		payout_reach "$from" >/dev/null || { failed="$failed [$from: cannot reach]"; continue; }
		[ "$(payout_state)" = "$from" ] || { failed="$failed [$from: reached $(payout_state)]"; continue; }
		payout_drive "$from" "$action" >/dev/null || { failed="$failed [$from $action: refused]"; continue; }
		got=$(payout_state)
		[ "$got" = "$to" ] || failed="$failed [$from $action: $got, not $to]"
		wf log payout bank:P1 | jq -e --arg a "$action" --arg f "$from" --arg t "$to" \
			'select(.action == $a and .from == $f and .to == $t)' >/dev/null ||
			failed="$failed [$from $action: no event]"
	done < <(machine_rows payout)
	assert_equal "$failed" ""
	# the pending rows are rows of the machine
	assert_equal "$(printf '%s\n' "${PENDING[@]}" | sed 's/ *#.*//' | sort)" \
	    "$(machine_rows payout | sed 's/^/payout /' | sort | grep -Fx -f <(printf '%s\n' "${PENDING[@]}" | sed 's/ *#.*//'))"
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
