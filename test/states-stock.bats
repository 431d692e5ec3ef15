#!/usr/bin/env bats
# Every state is reachable (issue 12): each {from, action, to} row of the
# sku, warehouse, bin, supplier, po and adjustment machines, as `wf states`
# prints them, is driven by a command, from a record taken to FROM by
# commands, and lands in TO.  A row no command drives must be on PENDING,
# with the reason; a new row that is neither fails here.

load helper

MACHINES=(sku warehouse bin supplier po adjustment)

# "machine from action to" rows no command drives yet, each with why.
# Empty: every row has its command.
PENDING=()

setup() {
	wf_setup
	wf_init
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# BER holds the stock and the POs; MUC stays empty, so it can close.
catalogue() {
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-po supplier add ACME --name Acme --email orders@acme.example >/dev/null
}

# The state of the record the walk drives in MACHINE, read back through the
# commands an operator would use.
state_of() {
	case $1 in
	sku)        wf-stock sku show MUG-1 | head -n 1 | jq -r .state ;;
	warehouse)  wf-stock warehouse show MUC | jq -r .state ;;
	bin)        wf-stock bin list --warehouse BER | jq -r 'select(.bin == "BER/A-01") | .state' ;;
	supplier)   wf-po supplier show ACME | head -n 1 | jq -r .state ;;
	po)         wf-po show PO-1 | head -n 1 | jq -r .state ;;
	adjustment) wf-stock adjustment show ADJ-1 | head -n 1 | jq -r .state ;;
	esac
}

# Take MACHINE's record to STATE with commands; 1 when the walk knows no way.
reach() {
	case "$1 $2" in
	"sku active" | "warehouse active" | "bin active" | "supplier active") ;;
	"sku discontinued")   wf-stock sku discontinue MUG-1 ;;
	"sku blocked")        wf-stock sku block MUG-1 ;;
	"warehouse paused")   wf-stock warehouse pause MUC ;;
	"warehouse closed")   wf-stock warehouse close MUC ;;
	"bin blocked")        wf-stock bin block BER/A-01 ;;
	"supplier paused")    wf-po supplier pause ACME ;;
	"po draft")           wf-po create --supplier ACME --warehouse BER MUG-1:10 ;;
	"po sent")            reach po draft && wf-po send PO-1 ;;
	"po confirmed")       reach po sent && wf-po confirm PO-1 --date 2026-12-01T00:00:00Z ;;
	"po partially_received") reach po sent && wf-po receive PO-1 MUG-1 4 ;;
	"po received")        reach po sent && wf-po receive PO-1 MUG-1 10 ;;
	"adjustment proposed") wf-stock adjust MUG-1 -1 --at BER/A-01 --reason "count slip" --propose ;;
	"adjustment approved") reach adjustment proposed && wf-stock adjustment approve ADJ-1 --defer ;;
	*) return 1 ;;
	esac >/dev/null
}

# Run the command that takes MACHINE's record through ACTION from FROM; 1
# when there is none.
drive() {
	local machine=$1 from=$2 action=$3
	case "$machine $action" in
	"sku "*)        wf-stock sku "$action" MUG-1 ;;
	"warehouse "*)  wf-stock warehouse "$action" MUC ;;
	"bin "*)        wf-stock bin "$action" BER/A-01 ;;
	"supplier "*)   wf-po supplier "$action" ACME ;;
	"po send")      wf-po send PO-1 ;;
	"po confirm")   wf-po confirm PO-1 --date 2026-12-02T00:00:00Z ;;
	"po receive_part") wf-po receive PO-1 MUG-1 2 ;;
	"po receive_all")
		if [ "$from" = partially_received ]; then
			wf-po receive PO-1 MUG-1 6
		else
			wf-po receive PO-1 MUG-1 10
		fi ;;
	"po close")     wf-po close PO-1 ;;
	"po cancel")    wf-po cancel PO-1 --reason "not needed" ;;
	"adjustment approve") wf-stock adjustment approve ADJ-1 --defer ;;
	"adjustment apply")   wf-stock adjustment apply ADJ-1 ;;
	"adjustment reject")  wf-stock adjustment reject ADJ-1 --reason "recounted" ;;
	*) return 1 ;;
	esac >/dev/null
}

is_pending() {	# is_pending "machine from action to"
	local p
	for p in "${PENDING[@]}"; do
		[ "${p%% -- *}" = "$1" ] && return 0
	done
	return 1
}

@test "every row of the stock and purchasing machines is driven by a command" {
	local rows=0 failures=() machine from action to row got n=0
	while IFS=$'\t' read -r machine from action to; do
		row="$machine $from $action $to"
		rows=$((rows + 1))
		if is_pending "$row"; then
			continue
		fi
		# each row on a database of its own
		n=$((n + 1))
		WF_DB=$BATS_TEST_TMPDIR/row-$n.db
		wf init >/dev/null
		catalogue
		if ! reach "$machine" "$from"; then
			failures+=("$row: no way to reach $from")
			continue
		fi
		got=$(state_of "$machine")
		if [ "$got" != "$from" ]; then
			failures+=("$row: reached $got, not $from")
			continue
		fi
		if ! drive "$machine" "$from" "$action"; then
			failures+=("$row: no command drives it (drive it, or list it on PENDING)")
			continue
		fi
		got=$(state_of "$machine")
		[ "$got" = "$to" ] || failures+=("$row: ended in $got")
		wf check >/dev/null || failures+=("$row: wf check fails after it")
	done < <(for m in "${MACHINES[@]}"; do
		wf states "$m" | jq -r '[.machine, .from, .action, .to] | @tsv'
	done)
	WF_DB=$BATS_TEST_TMPDIR/wf.db
	# all six machines were read, and every row was walked or is pending
	[ "$rows" -ge 33 ]
	assert_equal "$((n + ${#PENDING[@]}))" "$rows"
	assert_equal "$(printf '%s\n' "${failures[@]}")" ""
}

@test "the pending list names only rows the machines have" {
	local p stale=()
	for p in "${PENDING[@]}"; do
		set -- ${p%% -- *}
		wf states "$1" | jq -e --arg f "$2" --arg a "$3" --arg t "$4" \
		    'select(.from == $f and .action == $a and .to == $t)' >/dev/null ||
		    stale+=("$p")
	done
	assert_equal "$(printf '%s\n' "${stale[@]}")" ""
	# and every machine the walk covers exists
	for p in "${MACHINES[@]}"; do
		run -0 --separate-stderr wf states "$p"
		assert [ "${#lines[@]}" -gt 0 ]
	done
}

@test "adjustment approve without --defer books it at once: proposed, approved, applied" {
	catalogue
	run -0 --separate-stderr wf-stock adjust MUG-1 -1 --at BER/A-01 --reason "count slip" --propose
	assert_output --partial '"state":"proposed"'
	# a proposal moves nothing
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --warehouse BER
	assert_output --partial '"on_hand":10,'
	run -0 --separate-stderr wf-stock adjustment approve ADJ-1
	assert_output --partial '"state":"applied"'
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --warehouse BER
	assert_output --partial '"on_hand":9,'
	run -0 --separate-stderr wf log adjustment ADJ-1
	assert_line -n 1 --partial '"action":"approve","machine":"adjustment","from":"proposed","to":"approved"'
	assert_line -n 2 --partial '"action":"apply","machine":"adjustment","from":"approved","to":"applied"'
}

@test "a rejected adjustment moves nothing and keeps its reason; a decided one takes no other" {
	catalogue
	wf-stock adjust MUG-1 -1 --at BER/A-01 --reason "count slip" --propose >/dev/null
	run -2 --separate-stderr wf-stock adjustment reject ADJ-1
	run -0 --separate-stderr wf-stock adjustment reject ADJ-1 --reason recounted
	assert_output --partial '"state":"rejected"'
	run -1 --separate-stderr wf-stock adjustment approve ADJ-1
	assert_output ''
	assert_equal "$stderr" "wf-stock: adjustment ADJ-1: cannot approve when rejected (legal from rejected: none)"
	run -0 --separate-stderr wf-stock levels --sku MUG-1 --warehouse BER
	assert_output --partial '"on_hand":10,'
	run -1 --separate-stderr wf-stock adjustment show ADJ-9
	assert_equal "$stderr" "wf-stock: unknown adjustment 'ADJ-9'"
}

@test "a blocked bin takes no stock; a closed warehouse needs to be empty" {
	catalogue
	wf-stock bin block BER/A-01 >/dev/null
	run -1 --separate-stderr wf-stock receive MUG-1 1 --to BER/A-01
	assert_output ''
	run -1 --separate-stderr wf-stock warehouse close BER
	assert_output ''
	run -0 --separate-stderr wf-stock warehouse show BER
	assert_output --partial '"state":"active"'
}
