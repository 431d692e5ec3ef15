#!/usr/bin/env bats
# Every state is reachable: each {from, action, to} row of the state
# machines, as `wf states` prints them, is driven by a command from a
# record brought to its from-state, or is on the pending list below with
# the issue that will wire it.  A row that is neither fails the first test.
#
# To add a machine: its rows to ROWS (the steps that reach the from-state,
# then the step that drives the action), the rows no command drives yet to
# PENDING, the steps themselves (functions below), its record's state to
# state_of and its record type to record_of, and its name to MACHINES.

load helper

MACHINES="order order.finance shipment return"

# MACHINE FROM ACTION TO | STEP...   The steps run in order on a fresh
# record; the last drives the row.  "=STATE" after them is the state the
# record ends in when TO is "(previous)".
ROWS=$(cat <<'EOF'
order new close_external closed | o_fulfilled
order new reserve reserved | o_new o_reserve
order new promise promised | o_new o_promise
order promised reserve reserved | o_new o_promise o_reserve
order promised unpromise new | o_new o_promise o_unpromise
order promised hold on_hold | o_new o_promise o_hold
order promised cancel cancelled | o_new o_promise o_cancel
order reserved unreserve new | o_new o_reserve o_unreserve
order reserved pick picked | o_new o_reserve o_pick
order picked pack packed | o_new o_reserve o_pick o_pack
order reserved ship shipped | o_new o_reserve o_ship
order picked ship shipped | o_new o_reserve o_pick o_ship
order packed ship shipped | o_new o_reserve o_pick o_pack o_ship
order shipped deliver delivered | o_new o_reserve o_ship o_deliver
order shipped close closed | o_new o_reserve o_ship o_close
order delivered close closed | o_new o_reserve o_ship o_deliver o_close
order new hold on_hold | o_new o_hold
order reserved hold on_hold | o_new o_reserve o_hold
order picked hold on_hold | o_new o_reserve o_pick o_hold
order packed hold on_hold | o_new o_reserve o_pick o_pack o_hold
order on_hold release (previous) | o_new o_reserve o_pick o_hold o_release =picked
order new cancel cancelled | o_new o_cancel
order reserved cancel cancelled | o_new o_reserve o_cancel
order picked cancel cancelled | o_new o_reserve o_pick o_cancel
order packed cancel cancelled | o_new o_reserve o_pick o_pack o_cancel
order on_hold cancel cancelled | o_new o_hold o_cancel
order shipped return_part partially_returned | o_new o_reserve o_ship o_return_part
order delivered return_part partially_returned | o_new o_reserve o_ship o_deliver o_return_part
order closed return_part partially_returned | o_new o_reserve o_ship o_close o_return_part
order partially_returned return_part partially_returned | o_new o_reserve o_ship o_return_part o_return_part
order shipped return_all returned | o_new o_reserve o_ship o_return_all
order delivered return_all returned | o_new o_reserve o_ship o_deliver o_return_all
order closed return_all returned | o_new o_reserve o_ship o_close o_return_all
order partially_returned return_all returned | o_new o_reserve o_ship o_return_part o_return_all
order partially_returned close closed | o_new o_reserve o_ship o_return_part o_close
order returned close closed | o_new o_reserve o_ship o_return_all o_close
order.finance pending pay paid | o_unpaid f_pay
order.finance paid invoice invoiced | o_new f_invoice
order.finance paid refund_part partially_refunded | o_new o_reserve o_ship f_refund_part
order.finance invoiced refund_part partially_refunded | o_new f_invoice o_reserve o_ship f_refund_part
order.finance partially_refunded refund_part partially_refunded | o_new o_reserve o_ship f_refund_part f_refund_part
order.finance paid refund refunded | o_new o_reserve o_ship f_refund
order.finance paid reconcile reconciled | o_new p_match
order.finance invoiced reconcile reconciled | o_new f_invoice p_match
order.finance partially_refunded reconcile reconciled | o_new o_reserve o_ship f_refund_part p_match
order.finance refunded reconcile reconciled | o_new o_reserve o_ship f_refund p_match
order.finance reconciled refund_part partially_refunded | o_new o_reserve o_ship p_match f_refund_part
order.finance reconciled refund refunded | o_new o_reserve o_ship p_match f_refund
order.finance paid dispute disputed | o_new p_dispute
order.finance invoiced dispute disputed | o_new f_invoice p_dispute
order.finance reconciled dispute disputed | o_new p_match p_dispute
order.finance disputed win paid | o_new p_dispute p_win
order.finance disputed lose refunded | o_new p_dispute p_lose
order.finance invoiced refund refunded | o_new f_invoice o_reserve o_ship f_refund
order.finance partially_refunded refund refunded | o_new o_reserve o_ship f_refund_part f_refund
shipment planned pick picked | o_new o_reserve o_pick
shipment picked pack packed | o_new o_reserve o_pick o_pack
shipment planned ship shipped | o_new o_reserve o_ship
shipment picked ship shipped | o_new o_reserve o_pick o_ship
shipment packed ship shipped | o_new o_reserve o_pick o_pack o_ship
shipment shipped deliver delivered | o_new o_reserve o_ship o_deliver
shipment shipped transit in_transit | o_new o_reserve o_ship t_transit
shipment in_transit deliver delivered | o_new o_reserve o_ship t_transit t_deliver
shipment shipped fail failed | o_new o_reserve o_ship t_fail
shipment in_transit fail failed | o_new o_reserve o_ship t_transit t_fail
shipment failed retry in_transit | o_new o_reserve o_ship t_fail t_transit
shipment failed return_to_sender returned_to_sender | o_new o_reserve o_ship t_fail t_return
shipment in_transit return_to_sender returned_to_sender | o_new o_reserve o_ship t_transit t_return
shipment picked cancel cancelled | o_new o_reserve o_pick o_cancel
shipment packed cancel cancelled | o_new o_reserve o_pick o_pack o_cancel
return requested authorise authorised | o_new o_reserve o_ship r_request r_authorise
return requested reject rejected | o_new o_reserve o_ship r_request r_reject
return requested receive received | o_new o_reserve o_ship r_request r_receive
return authorised receive received | o_new o_reserve o_ship r_open r_receive
return authorised reject rejected | o_new o_reserve o_ship r_open r_reject
return received inspect inspected | o_new o_reserve o_ship r_open r_receive r_inspect
return received restock restocked | o_new o_reserve o_ship r_open r_receive r_restock
return inspected restock restocked | o_new o_reserve o_ship r_open r_receive r_inspect r_restock
return received write_off written_off | o_new o_reserve o_ship r_open r_receive r_write_off
return inspected write_off written_off | o_new o_reserve o_ship r_open r_receive r_inspect r_write_off
return restocked refund refunded | o_new o_reserve o_ship r_open r_receive r_restock r_refund
return written_off refund refunded | o_new o_reserve o_ship r_open r_receive r_write_off r_refund
return refunded close closed | o_new o_reserve o_ship r_open r_receive r_restock r_refund r_close
return restocked close closed | o_new o_reserve o_ship r_open r_receive r_restock r_close
return written_off close closed | o_new o_reserve o_ship r_open r_receive r_write_off r_close
return rejected close closed | o_new o_reserve o_ship r_request r_reject r_close
EOF
)

# MACHINE FROM ACTION TO | why no command drives it yet.
PENDING=$(cat <<'EOF'
EOF
)

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-stock receive MUG-1 1000 --to BER/A-01 >/dev/null
	N=0
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# ---- the records and their steps ----------------------------------------------------
#
# A step works on the record under test: ORD (an order), SH (its latest
# shipment), RMA (its latest return).  A step that fails fails the row.

# order ID STATUS: a generic order of 3 MUG-1 at 10.00, paid 30.00 or pending.
order_line() {
	local pay='"payment":{"status":"paid","amount":"30.00"}'
	[ "$2" = paid ] || pay='"payment":{"status":"pending"}'
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":3,"unit_price":"10.00"}],%s%s}\n' \
		"$1" "$pay" "${3:+,$3}"
}

o_new()      { N=$((N + 1)); ORD=shop:$N; order_line "$N" paid | wf-order import; }
o_unpaid()   { N=$((N + 1)); ORD=shop:$N; order_line "$N" pending | wf-order import; }
o_fulfilled() { N=$((N + 1)); ORD=shop:$N; order_line "$N" paid '"fulfilled":true' | wf-order import; }
o_reserve()  { wf-order reserve "$ORD" --warehouse BER; }
o_promise()  { wf-order promise "$ORD" --by 2026-11-25T18:00:00Z; }
o_unpromise() { wf-order unpromise "$ORD"; }
o_unreserve() { wf-order unreserve "$ORD"; }
o_pick()     { wf-order pick "$ORD"; }
o_pack()     { wf-order pack "$ORD"; }
o_ship()     { wf-order ship "$ORD" --carrier dhl --tracking "TRK-$N"; }
o_deliver()  { wf-order deliver "$ORD"; }
o_close()    { wf-order close "$ORD"; }
o_hold()     { wf-order hold "$ORD" --reason "address check"; }
o_release()  { wf-order release "$ORD"; }
o_cancel()   { wf-order cancel "$ORD" --reason "customer asked"; }
# one unit back, restocked; all the shipped units not on a return back
o_return_part() { r_open && wf-order return receive "$RMA" --condition sellable; }
o_return_all() {
	local left
	left=$(wf-order show "$ORD" --format jsonl | jq -s '[.[] | select(.type == "order") | .lines[] | .shipped] | add')
	left=$((left - $(wf-order show "$ORD" --format jsonl | jq -s '[.[] | select(.type == "return" and .state != "rejected") | .qty] | add // 0')))
	r_open "$left" && wf-order return receive "$RMA" --condition sellable
}
# Carrier events for the order's shipment (tracking TRK-N), each a minute
# after the one before: in transit, delivered, a failed delivery, a return
# to the sender.
T=0
t_event() {
	T=$((T + 1))
	printf '{"type":"tracking","tracking":"TRK-%s","status":"%s","at":"2026-11-21T10:%02d:00Z"}\n' "$N" "$1" "$T" |
		wf-order track
}
t_transit()  { t_event in_transit; }
t_deliver()  { t_event delivered; }
t_fail()     { t_event failure; }
t_return()   { t_event return_to_sender; }
f_pay()      { order_line "${ORD#shop:}" paid | wf-order import; }
f_invoice()  { wf-order invoice "$ORD" --number "INV-$N"; }
# a refund of 1.00, or of everything paid and not refunded, through a return
f_refund_part() { o_return_part && wf-order return refund "$RMA" --amount 1.00; }
f_refund() {
	local left
	left=$(wf-order show "$ORD" --format jsonl | head -1 | jq -r '(.paid | tonumber) - (.refunded | tonumber) | . * 100 | round | tostring | .[:-2] + "." + .[-2:]')
	o_return_part && wf-order return refund "$RMA" --amount "$left"
}
# The order's money in payout bank:PN, then wf-reconcile match: a charge of
# what it paid and a refund of what it refunded (p_match); with a dispute
# of all of it (p_dispute), which the provider then marks lost (p_lose); a
# dispute reversal in no payout yet (p_win: won, and waiting for its payout).
p_lines() {
	local o paid refunded
	o=$(wf-order show "$ORD" --format jsonl | head -1)
	paid=$(jq -r .paid <<<"$o")
	refunded=$(jq -r .refunded <<<"$o")
	printf '{"type":"payout_line","payout":"bank:P%s","provider_id":"c%s","category":"charge","order":"%s","gross":"%s","currency":"EUR","posted_at":"2026-11-20T08:30:00Z"}\n' "$N" "$N" "$ORD" "$paid"
	[ "$refunded" = 0.00 ] ||
		printf '{"type":"payout_line","payout":"bank:P%s","provider_id":"r%s","category":"refund","order":"%s","gross":"-%s","currency":"EUR","posted_at":"2026-11-20T08:40:00Z"}\n' "$N" "$N" "$ORD" "$refunded"
}
p_import() { wf-reconcile import --from generic && wf-reconcile match; }
p_match() { p_lines | p_import; }
p_dispute_line() {
	printf '{"type":"payout_line","payout":"bank:P%s","provider_id":"d%s","category":"dispute","order":"%s","gross":"-30.00","currency":"EUR","posted_at":"2026-11-20T08:50:00Z"%s}\n' "$N" "$N" "$ORD" "$1"
}
p_dispute() { { p_lines; p_dispute_line; } | p_import; }
p_lose() { p_dispute_line ',"status":"lost"' | p_import; }
p_win() {
	printf '{"type":"payout_line","provider":"bank","provider_id":"w%s","category":"dispute_reversal","order":"%s","gross":"30.00","currency":"EUR","posted_at":"2026-11-20T08:55:00Z"}\n' "$N" "$ORD" | p_import
}
r_open()      { wf-order return open "$ORD" --sku MUG-1 --qty "${1:-1}" --reason "too small" >"$BATS_TEST_TMPDIR/rma" && RMA=$(jq -r .return "$BATS_TEST_TMPDIR/rma"); }
r_request()   { wf-order return open "$ORD" --sku MUG-1 --qty 1 --reason "too small" --requested >"$BATS_TEST_TMPDIR/rma" && RMA=$(jq -r .return "$BATS_TEST_TMPDIR/rma"); }
r_authorise() { wf-order return authorise "$RMA"; }
r_reject()    { wf-order return reject "$RMA" --reason "bought in another shop"; }
r_receive()   { wf-order return receive "$RMA"; }
r_inspect()   { wf-order return inspect "$RMA" --condition sellable; }
r_restock()   { wf-order return restock "$RMA"; }
r_write_off() { wf-order return write-off "$RMA"; }
r_refund()    { wf-order return refund "$RMA" --amount 1.00; }
r_close()     { wf-order return close "$RMA"; }

# state_of MACHINE: the state of the record under test in MACHINE.
state_of() {
	case $1 in
	order) wf-order show "$ORD" --format jsonl | head -1 | jq -r .state ;;
	order.finance) wf-order show "$ORD" --format jsonl | head -1 | jq -r .finance_state ;;
	shipment) wf-order shipments --format jsonl | jq -r --arg s "$SH" 'select(.shipment == $s) | .state' ;;
	return) wf-order show "$ORD" --format jsonl | jq -r --arg r "$RMA" 'select(.type == "return" and .return == $r) | .state' ;;
	esac
}

# record_of MACHINE: "TYPE KEY" of the record under test, for wf log.
record_of() {
	case $1 in
	order | order.finance) echo "order $ORD" ;;
	shipment) echo "shipment $SH" ;;
	return) echo "return $RMA" ;;
	esac
}

# The rows of MACHINE that `wf states` prints, "FROM ACTION TO" per line.
machine_rows() {
	wf states --format jsonl | jq -r --arg m "$1" 'select(.machine == $m) | "\(.from) \(.action) \(.to)"'
}

# table_rows TABLE MACHINE: "FROM ACTION TO" of the table's rows of MACHINE.
table_rows() {
	awk -v m="$2" '$1 == m { print $2, $3, $4 }' <<<"$1"
}

# drive MACHINE FROM ACTION TO: run the row's steps on a fresh record; print
# what went wrong and fail, or succeed when the record ends in TO (or in the
# "=STATE" of its steps) with an event of the row in its history.
drive() {
	local m=$1 from=$2 action=$3 to=$4 steps step want got rec
	steps=$(awk -v m="$m" -v f="$from" -v a="$action" -v t="$to" -F' [|] ' '
		{ split($1, k, " ") } k[1] == m && k[2] == f && k[3] == a && k[4] == t { print $2 }' <<<"$ROWS")
	want=$to
	ORD="" SH="" RMA=""
	for step in $steps; do
		case $step in
		=*) want=${step#=}; continue ;;
		esac
		if ! "$step" >"$BATS_TEST_TMPDIR/step.out" 2>&1; then
			echo "$m $from $action $to: step $step failed: $(cat "$BATS_TEST_TMPDIR/step.out")"
			return 1
		fi
		SH=$(wf-order shipments --format jsonl | jq -r --arg o "$ORD" 'select(.order == $o) | .shipment' | head -1)
	done
	got=$(state_of "$m")
	if [ "$got" != "$want" ]; then
		echo "$m $from $action $to: ended in '$got', not '$want' (steps: $steps)"
		return 1
	fi
	rec=$(record_of "$m")
	if ! wf log $rec --format jsonl | jq -e --arg m "$m" --arg a "$action" --arg f "$from" --arg t "$want" \
		'select(.machine == $m and .action == $a and .from == $f and .to == $t)' >/dev/null; then
		echo "$m $from $action $to: no '$action' event from $from to $want in the history of $rec"
		return 1
	fi
}

# drive_machine MACHINE: every row of the table for MACHINE; all failures.
drive_machine() {
	local from action to bad=0
	while read -r from action to; do
		drive "$1" "$from" "$action" "$to" || bad=1
	done < <(table_rows "$ROWS" "$1")
	return "$bad"
}

# ---- the walk ---------------------------------------------------------------------------

@test "every row of the order, finance, shipment and return machines is driven or pending, and no other" {
	local m want have missing stale
	for m in $MACHINES; do
		want=$(machine_rows "$m" | sort)
		[ -n "$want" ] || { echo "wf states has no machine $m"; return 1; }
		have=$( (table_rows "$ROWS" "$m"; table_rows "$PENDING" "$m") | sort)
		missing=$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$have"))
		stale=$(comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$have"))
		[ -z "$missing" ] || { printf '%s: neither driven nor pending:\n%s\n' "$m" "$missing"; return 1; }
		[ -z "$stale" ] || { printf '%s: not a row of wf states:\n%s\n' "$m" "$stale"; return 1; }
		# a row is driven or pending, not both
		assert_equal "$(printf '%s\n' "$have" | uniq -d)" ''
	done
}

@test "every pending row names the issue that will wire it" {
	run -0 awk -F' [|] ' '$2 !~ /^issue [0-9]+: /' <<<"$PENDING"
	assert_output ''
}

@test "the order machine: a command drives every row" {
	run -0 drive_machine order
	assert_output ''
}

@test "the order finance machine: a command drives every row" {
	run -0 drive_machine order.finance
	assert_output ''
}

@test "the shipment machine: a command drives every row" {
	run -0 drive_machine shipment
	assert_output ''
}

@test "the return machine: a command drives every row" {
	run -0 drive_machine return
	assert_output ''
}

@test "the walk fails a row whose command ends in another state" {
	ROWS='order new reserve reserved | o_new o_hold'
	run -1 drive order new reserve reserved
	assert_output "order new reserve reserved: ended in 'on_hold', not 'reserved' (steps: o_new o_hold)"
}
