#!/usr/bin/env bats
# wf-alert: the exception queue.

load helper
load man

# The records the tests' exceptions are about: a subject must name one.
setup() {
	wf_setup
	wf_init
	wf-stock sku add MUG-1 >/dev/null
	for id in 1 2 3 7 9 1001; do
		printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-19T09:00:00Z","currency":"EUR","lines":[{"sku":"MUG-1","qty":1,"unit_price":"1.00"}]}\n' "$id"
	done | wf-order import >/dev/null
	sql "INSERT INTO payout (provider, external_id, ref, currency, amount, owner, created_at, updated_at) VALUES ('stripe', 'po_1', 'stripe:po_1', 'EUR', 0, 'finance', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z');
	     INSERT INTO event (at, actor, record_type, ref, machine, action, to_state, data) VALUES ('2026-11-20T09:00:00Z', 'tester', 'payout', 'stripe:po_1', 'payout', 'create', 'imported', '{}')"
}

# Raise one exception: raise_ex KIND SUBJECT [IMPACT] [OWNER]
raise_ex() {
	local impact=${3:-'{}'}
	printf '{"kind":"%s","subject":"%s","owner":"%s","impact":%s,"next_action":"Look at %s"}\n' \
	    "$1" "$2" "${4:-ops}" "$impact" "$2" >"$BATS_TEST_TMPDIR/in"
	wf-alert raise <"$BATS_TEST_TMPDIR/in" >/dev/null
}

# Three exceptions, priorities 23 (EX-1), 56 (EX-2) and 12 (EX-3).
queue() {
	raise_ex unroutable 'order shop:1001' '{"money":"59.80","currency":"EUR","units":2,"orders":1}'
	raise_ex stockout 'sku MUG-1' '{"money":"1250.00","currency":"EUR","units":40,"orders":12}' purchasing
	raise_ex payout_mismatch 'payout stripe:po_1' '{"money":"12.40","currency":"EUR"}' finance
}

state_of() {
	sql "SELECT state FROM exception WHERE id = ${1#EX-}"
}

# The queue's events (the setup's records have theirs).
events() {
	sql "SELECT count(*) FROM event WHERE record_type = 'exception'"
}

# ---- raise ------------------------------------------------------------------

@test "raise creates an exception and prints it with every field" {
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"kind":"unroutable","subject":"order shop:1001","owner":"ops","evidence":{"short":{"MUG-1":2}},"impact":{"money":"59.80","currency":"eur","units":2,"orders":1,"due_at":"2026-11-21T18:00:00Z"},"next_action":"Receive MUG-1 at BER or split the order"}
	EOF
	run -0 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_output '{"type":"exception","exception":"EX-1","kind":"unroutable","subject":"order shop:1001","owner":"ops","priority":38,"evidence":{"short":{"MUG-1":2}},"impact":{"money":"59.80","currency":"EUR","units":2,"orders":1,"due_at":"2026-11-21T18:00:00Z"},"next_action":"Receive MUG-1 at BER or split the order","state":"open","priority_fixed":false,"opened_at":"2026-11-20T09:00:00Z","last_seen_at":"2026-11-20T09:00:00Z","times_seen":1,"snoozed_until":null,"resolved_at":null,"resolution":null,"age":"0m","result":"created"}'
	[ -z "$stderr" ]
	run -0 sql "SELECT actor, action, to_state FROM event WHERE record_type = 'exception'"
	assert_output 'tester|create|open'
}

@test "raising the same kind and subject again updates it, never a second row" {
	raise_ex unroutable 'order shop:1001' '{"units":2}'
	printf '%s\n' '{"kind":"unroutable","subject":"order shop:1001","owner":"someone-else","impact":{"units":5},"next_action":"Split it"}' >"$BATS_TEST_TMPDIR/in"
	WF_NOW=2026-11-20T10:30:00Z run -0 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(field .exception <<<"$output")" EX-1
	assert_equal "$(field .result <<<"$output")" updated
	assert_equal "$(field .times_seen <<<"$output")" 2
	assert_equal "$(field .last_seen_at <<<"$output")" 2026-11-20T10:30:00Z
	assert_equal "$(field .owner <<<"$output")" ops
	assert_equal "$(field .next_action <<<"$output")" 'Split it'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 1
	run -0 sql "SELECT action, data FROM event WHERE record_type = 'exception' ORDER BY id LIMIT 1 OFFSET 1"
	assert_output 'raise|{"times_seen":2,"priority":6,"priority_fixed":false,"impact":{"money":null,"currency":null,"units":5,"orders":0,"due_at":null},"next_action":"Split it"}'
}

@test "raising a resolved exception reopens it with an event" {
	raise_ex unroutable 'order shop:1001'
	wf-alert resolve EX-1 --note 'routed by hand' >/dev/null
	WF_NOW=2026-11-21T09:00:00Z run -0 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(field .result <<<"$output")" reopened
	run -0 sql "SELECT at, action, from_state, to_state FROM event WHERE action = 'reopen'"
	assert_output '2026-11-21T09:00:00Z|reopen|resolved|open'
	run -0 sql "SELECT state, resolution IS NULL, resolved_at IS NULL, times_seen, opened_at FROM exception"
	assert_output 'open|1|1|2|2026-11-20T09:00:00Z'
}

@test "raise prints reopened for a dismissed exception raised again" {
	raise_ex unroutable 'order shop:1001'
	wf-alert dismiss EX-1 --note 'test order' >/dev/null
	run -0 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(field .result <<<"$output")" reopened
	assert_equal "$(field .state <<<"$output")" open
}

@test "raise keeps a priority the raiser fixes" {
	printf '%s\n' '{"kind":"fraud_check","subject":"order shop:7","owner":"risk","priority":95,"next_action":"Call the customer"}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(field .priority <<<"$output")" 95
	assert_equal "$(field .priority_fixed <<<"$output")" true
}

@test "raise reads back what list prints" {
	queue
	wf-alert list >"$BATS_TEST_TMPDIR/listed"
	run -0 --separate-stderr wf-alert raise --strict <"$BATS_TEST_TMPDIR/listed"
	assert_equal "$(jq -rs 'map(.result) | join(",")' <<<"$output")" 'updated,updated,updated'
	run -0 sql "SELECT group_concat(priority || ':' || priority_fixed, ' ') FROM exception"
	assert_output '23:0 56:0 12:0'
}

@test "a bad line names where it is and applies nothing" {
	printf '%s\n' '{"kind":"a","subject":"order shop:1","owner":"ops","next_action":"x"}' \
	    '{"kind":"b","subject":"order shop:2","owner":"ops","impact":{"units":-3},"next_action":"x"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_output ''
	assert_equal "$stderr" 'wf-alert: stdin:2: impact.units: expected a non-negative integer, got -3 (nothing applied)'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
}

@test "raise refuses a subject that is not a record type and key" {
	printf '%s\n' '{"kind":"a","subject":"shop:1","owner":"ops","next_action":"x"}' \
	    '{"kind":"a","subject":"widget 7","owner":"ops","next_action":"x"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-alert: stdin:1: subject: expected 'TYPE KEY' such as 'order shop:1001', got \"shop:1\" (nothing applied)"
	run -3 --separate-stderr wf-alert raise --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_equal "${stderr_lines[1]}" "wf-alert: stdin:2: subject: unknown record type 'widget'"
}

@test "raise needs a currency with money" {
	printf '%s\n' '{"kind":"a","subject":"order shop:1","owner":"ops","impact":{"money":"5.00"},"next_action":"x"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" 'wf-alert: stdin:1: impact.currency: missing (needed with money) (nothing applied)'
}

@test "raise --keep-going applies the good lines and reports the bad" {
	printf '%s\n' '{"kind":"a","subject":"order shop:1","owner":"ops","next_action":"x"}' \
	    '{"kind":"b","subject":"order shop:2","owner":"ops"}' \
	    '{"kind":"c","subject":"order shop:3","owner":"ops","next_action":"x"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_equal "${#lines[@]}" 2
	assert_equal "${stderr_lines[0]}" 'wf-alert: stdin:2: next_action: missing'
	assert_equal "${stderr_lines[1]}" 'wf-alert: 1 bad line skipped; 2 applied'
	run -0 sql "SELECT group_concat(kind) FROM exception"
	assert_output 'a,c'
}

@test "raise refuses a subject that names no record" {
	run -3 --separate-stderr wf-alert raise <<<'{"kind":"a","subject":"order shop:404","owner":"ops","next_action":"x"}'
	assert_equal "$stderr" "wf-alert: stdin:1: subject: no order 'shop:404' here; an exception's subject names a record (nothing applied)"
	run -3 --separate-stderr wf-alert raise <<<'{"kind":"a","subject":"po PO-9","owner":"ops","next_action":"x"}'
	run -3 --separate-stderr wf-alert raise <<<'{"kind":"a","subject":"sku MUG-2","owner":"ops","next_action":"x"}'
	run -0 --separate-stderr wf-alert raise <<<'{"kind":"a","subject":"sku MUG-1","owner":"ops","next_action":"x"}'
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 1
}

@test "raise refuses unknown keys, naming the one meant (its own format)" {
	printf '%s\n' '{"kind":"a","subject":"order shop:1","owner":"ops","next_action":"x","severity":"high"}' >"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" 'wf-alert: stdin:1: severity: unknown key (nothing applied)'
	run -3 --separate-stderr wf-alert raise --strict <"$BATS_TEST_TMPDIR/in"
	run -3 --separate-stderr wf-alert raise <<<'{"kind":"a","subject":"order shop:1","owner":"ops","next_acton":"x"}'
	assert_equal "$stderr" "wf-alert: stdin:1: next_acton: unknown key; did you mean 'next_action'? (nothing applied)"
	run -0 sql "SELECT count(*) FROM exception"
	assert_output 0
}

# ---- list ---------------------------------------------------------------------

@test "list puts the highest priority first" {
	queue
	run -0 --separate-stderr wf-alert list
	assert_equal "$(jq -rs 'map(.exception + ":" + (.priority|tostring)) | join(" ")' <<<"$output")" 'EX-2:56 EX-1:23 EX-3:12'
}

@test "list breaks a tie in priority by age, oldest first" {
	WF_NOW=2026-11-20T08:00:00Z raise_ex late 'order shop:2'
	WF_NOW=2026-11-19T08:00:00Z raise_ex early 'order shop:1'
	run -0 --separate-stderr wf-alert list
	assert_equal "$(jq -rs 'map(.kind + ":" + .age) | join(" ")' <<<"$output")" 'early:1d late:1h'
}

@test "list puts snoozed work after open work, whatever its priority" {
	queue
	wf-alert snooze EX-2 --until +1d >/dev/null
	wf-alert start EX-3 >/dev/null
	run -0 --separate-stderr wf-alert list
	assert_equal "$(jq -rs 'map(.exception + ":" + .state) | join(" ")' <<<"$output")" 'EX-1:open EX-3:in_progress EX-2:snoozed'
}

@test "list leaves out resolved and dismissed unless asked" {
	queue
	wf-alert resolve EX-2 --note done >/dev/null
	wf-alert dismiss EX-3 --note noise >/dev/null
	run -0 --separate-stderr wf-alert list
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-1'
	run -0 --separate-stderr wf-alert list --all
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-1 EX-2 EX-3'
	run -0 --separate-stderr wf-alert list --state dismissed
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-3'
}

@test "list filters by state, owner and kind" {
	queue
	wf-alert ack EX-1 >/dev/null
	run -0 --separate-stderr wf-alert list --state acknowledged
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-1'
	run -0 --separate-stderr wf-alert list --owner purchasing
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-2'
	run -0 --separate-stderr wf-alert list --kind payout_mismatch
	assert_equal "$(jq -rs 'map(.exception) | join(" ")' <<<"$output")" 'EX-3'
	run -0 --separate-stderr wf-alert list --owner ops --kind stockout
	assert_output ''
}

@test "list refuses an unknown state" {
	run -2 --separate-stderr wf-alert list --state later
	assert_equal "$stderr" "wf-alert: unknown state 'later' (open, acknowledged, in_progress, snoozed, resolved, dismissed)"
}

@test "list --format table shows id, priority, kind, subject, warehouse, owner, age and next action" {
	queue
	run -0 --separate-stderr wf-alert list --format table
	assert_equal "${#lines[@]}" 4
	assert_line -n 0 --regexp '^EXCEPTION +PRIORITY +KIND +SUBJECT +WAREHOUSE +OWNER +AGE +NEXT ACTION$'
	# only a stock scan's exceptions have a warehouse (scan-stock.bats)
	assert_line -n 1 --regexp '^EX-2 +56  stockout +sku MUG-1 +- +purchasing +0m +Look at sku MUG-1$'
	assert_line -n 3 --regexp '^EX-3 +12  payout_mismatch +payout stripe:po_1 +- +finance +0m +Look at payout stripe:po_1$'
}

@test "list on an empty queue prints nothing" {
	run -0 --separate-stderr wf-alert list
	assert_output ''
	[ -z "$stderr" ]
}

# ---- show ---------------------------------------------------------------------

@test "show prints the exception, then its history" {
	queue
	wf-alert --actor ann ack EX-1 >/dev/null
	run -0 --separate-stderr wf-alert show EX-1
	assert_equal "${#lines[@]}" 3
	assert_equal "$(field .exception <<<"${lines[0]}")" EX-1
	assert_equal "$(field .state <<<"${lines[0]}")" acknowledged
	create=$(sql "SELECT min(id) FROM event WHERE ref = 'EX-1'")
	ack=$(sql "SELECT max(id) FROM event WHERE ref = 'EX-1'")
	assert_line -n 1 --partial "\"type\":\"event\",\"event\":$create,\"at\":\"2026-11-20T09:00:00Z\",\"actor\":\"tester\",\"record\":\"exception\",\"ref\":\"EX-1\",\"action\":\"create\""
	assert_line -n 2 "{\"type\":\"event\",\"event\":$ack,\"at\":\"2026-11-20T09:00:00Z\",\"actor\":\"ann\",\"record\":\"exception\",\"ref\":\"EX-1\",\"action\":\"ack\",\"machine\":\"exception\",\"from\":\"open\",\"to\":\"acknowledged\",\"data\":null}"
}

@test "an unknown exception exits 1 and a malformed key exits 2" {
	run -1 --separate-stderr wf-alert show EX-9
	assert_equal "$stderr" "wf-alert: exception 'EX-9' not found"
	run -1 --separate-stderr wf-alert ack EX-9
	assert_equal "$stderr" "wf-alert: exception 'EX-9' not found"
	run -2 --separate-stderr wf-alert show 9
	assert_equal "$stderr" "wf-alert: expected an exception key like EX-12, got '9'"
}

# ---- the operator's changes ---------------------------------------------------

@test "assign changes the owner with an event and leaves the state" {
	queue
	run -0 --separate-stderr wf-alert --actor lead assign EX-1 ann
	assert_equal "$(field .owner <<<"$output")" ann
	assert_equal "$(field .state <<<"$output")" open
	run -0 sql "SELECT actor, action, data FROM event WHERE ref = 'EX-1' ORDER BY id DESC LIMIT 1"
	assert_output 'lead|assign|{"owner":"ann","previous_owner":"ops"}'
}

@test "assign to the current owner changes nothing" {
	queue
	before=$(events)
	run -0 --separate-stderr wf-alert assign EX-1 ops
	assert_equal "$(field .owner <<<"$output")" ops
	assert_equal "$(events)" "$before"
}

@test "ack acknowledges an open exception" {
	queue
	run -0 --separate-stderr wf-alert ack EX-1
	assert_equal "$(field .state <<<"$output")" acknowledged
	run -0 sql "SELECT actor, from_state, to_state FROM event WHERE action = 'ack'"
	assert_output 'tester|open|acknowledged'
}

@test "start works an open or an acknowledged exception" {
	queue
	wf-alert ack EX-2 >/dev/null
	run -0 --separate-stderr wf-alert start EX-1
	assert_equal "$(field .state <<<"$output")" in_progress
	run -0 --separate-stderr wf-alert start EX-2
	assert_equal "$(field .state <<<"$output")" in_progress
}

@test "snooze defers an exception until a time" {
	queue
	run -0 --separate-stderr wf-alert snooze EX-1 --until 2026-11-23T08:00:00Z
	assert_equal "$(field .state <<<"$output")" snoozed
	assert_equal "$(field .snoozed_until <<<"$output")" 2026-11-23T08:00:00Z
	run -0 sql "SELECT data FROM event WHERE action = 'snooze'"
	assert_output '{"until":"2026-11-23T08:00:00Z"}'
}

@test "snooze takes an offset from now and moves a snooze" {
	queue
	wf-alert snooze EX-1 --until +2d >/dev/null
	run -0 --separate-stderr wf-alert snooze EX-1 --until +4h
	assert_equal "$(field .snoozed_until <<<"$output")" 2026-11-20T13:00:00Z
}

@test "snooze refuses a time that is not in the future" {
	queue
	before=$(events)
	run -2 --separate-stderr wf-alert snooze EX-1 --until 2026-11-20T09:00:00Z
	assert_equal "$stderr" 'wf-alert: cannot snooze until 2026-11-20T09:00:00Z: that is not in the future (now 2026-11-20T09:00:00Z)'
	run -2 --separate-stderr wf-alert snooze EX-1
	assert_equal "${stderr_lines[0]}" 'wf-alert: snooze: --until is required'
	assert_equal "$(state_of EX-1)" open
	assert_equal "$(events)" "$before"
}

@test "a snooze that has run out is open again, and history shows the wake" {
	queue
	wf-alert snooze EX-2 --until 2026-11-20T12:00:00Z >/dev/null
	WF_NOW=2026-11-20T11:59:00Z run -0 --separate-stderr wf-alert list --state snoozed
	assert_equal "$(field .exception <<<"$output")" EX-2
	WF_NOW=2026-11-20T12:00:00Z run -0 --separate-stderr wf-alert list
	assert_equal "$(jq -rs 'map(.exception + ":" + .state) | join(" ")' <<<"$output")" 'EX-2:open EX-1:open EX-3:open'
	run -0 sql "SELECT at, actor, from_state, to_state, data FROM event WHERE action = 'wake'"
	assert_output '2026-11-20T12:00:00Z|wf-alert|snoozed|open|{"snoozed_until":"2026-11-20T12:00:00Z"}'
}

@test "a run-out snooze is woken before an operator's change and by show" {
	queue
	wf-alert snooze EX-1 --until +1h >/dev/null
	WF_NOW=2026-11-20T11:00:00Z run -0 --separate-stderr wf-alert show EX-1
	assert_equal "$(field .state <<<"${lines[0]}")" open
	WF_NOW=2026-11-20T11:00:00Z run -0 --separate-stderr wf-alert ack EX-1
	run -0 sql "SELECT group_concat(action) FROM event WHERE ref = 'EX-1'"
	assert_output 'create,snooze,wake,ack'
}

@test "priority rises as the due time nears, with an event" {
	raise_ex late_promise 'order shop:9' '{"orders":1,"due_at":"2026-11-27T09:00:00Z"}'
	run -0 --separate-stderr wf-alert list
	assert_equal "$(field .priority <<<"$output")" 9
	WF_NOW=2026-11-27T10:00:00Z run -0 --separate-stderr wf-alert list
	assert_equal "$(field .priority <<<"$output")" 29
	run -0 sql "SELECT actor, data FROM event WHERE action = 'reprioritise'"
	assert_output 'wf-alert|{"priority":29,"previous_priority":9,"due_at":"2026-11-27T09:00:00Z"}'
}

@test "resolve closes an exception with its note" {
	queue
	run -0 --separate-stderr wf-alert resolve EX-1 --note 'split the order'
	assert_equal "$(field .state <<<"$output")" resolved
	assert_equal "$(field .resolution <<<"$output")" 'split the order'
	assert_equal "$(field .resolved_at <<<"$output")" 2026-11-20T09:00:00Z
	run -0 sql "SELECT data FROM event WHERE action = 'resolve'"
	assert_output '{"note":"split the order"}'
}

@test "dismiss closes an exception with its note" {
	queue
	run -0 --separate-stderr wf-alert dismiss EX-3 --note 'rounding, under a cent'
	assert_equal "$(field .state <<<"$output")" dismissed
	assert_equal "$(field .resolution <<<"$output")" 'rounding, under a cent'
}

@test "resolve and dismiss need a note" {
	queue
	before=$(events)
	for cmd in resolve dismiss; do
		run -2 --separate-stderr wf-alert $cmd EX-1
		assert_equal "${stderr_lines[0]}" "wf-alert: $cmd: --note is required"
		assert_equal "${stderr_lines[1]}" "usage: wf-alert $cmd EX --note TEXT [--dry-run]"
		run -2 --separate-stderr wf-alert $cmd EX-1 --note '  '
		assert_equal "$stderr" 'wf-alert: a note is required: say why'
	done
	assert_equal "$(state_of EX-1)" open
	assert_equal "$(events)" "$before"
}

@test "reopen opens a closed exception again" {
	queue
	wf-alert resolve EX-1 --note 'looked fixed' >/dev/null
	run -0 --separate-stderr wf-alert reopen EX-1
	assert_equal "$(field .state <<<"$output")" open
	assert_equal "$(field .resolution <<<"$output")" null
	assert_equal "$(field .resolved_at <<<"$output")" null
}

@test "--dry-run shows the change and writes nothing" {
	queue
	before=$(events)
	run -0 --separate-stderr wf-alert ack EX-1 --dry-run
	assert_equal "$(field .state <<<"$output")" acknowledged
	assert_equal "$stderr" 'wf-alert: dry run: nothing was written'
	assert_equal "$(state_of EX-1)" open
	assert_equal "$(events)" "$before"
}

# ---- illegal transitions: exit 1, nothing changes, the legal actions named --

# refuse STATE ACTION LEGAL: ACTION on EX-1 (in STATE) is refused.
refuse() {
	local before args=()
	before=$(events)
	case $2 in
	snooze) args=(--until +1d) ;;
	resolve|dismiss) args=(--note x) ;;
	esac
	run -1 --separate-stderr wf-alert "$2" EX-1 "${args[@]}"
	assert_output ''
	assert_equal "$stderr" "wf-alert: exception EX-1: cannot $2 when $1 (legal from $1: $3)"
	assert_equal "$(state_of EX-1)" "$1"
	assert_equal "$(events)" "$before"
}

@test "from open, reopen is refused" {
	queue
	refuse open reopen 'ack, start, snooze, resolve, dismiss'
}

@test "from acknowledged, ack and reopen are refused" {
	queue
	wf-alert ack EX-1 >/dev/null
	for a in ack reopen; do
		refuse acknowledged $a 'start, snooze, resolve, dismiss'
	done
}

@test "from in_progress, ack, start and reopen are refused" {
	queue
	wf-alert start EX-1 >/dev/null
	for a in ack start reopen; do
		refuse in_progress $a 'snooze, resolve, dismiss'
	done
}

@test "from snoozed, reopen is refused" {
	queue
	wf-alert snooze EX-1 --until +1d >/dev/null
	refuse snoozed reopen 'snooze, wake, ack, start, resolve, dismiss'
}

@test "from resolved, every action but reopen is refused" {
	queue
	wf-alert resolve EX-1 --note done >/dev/null
	for a in ack start snooze resolve dismiss; do
		refuse resolved $a reopen
	done
}

@test "from dismissed, every action but reopen is refused" {
	queue
	wf-alert dismiss EX-1 --note noise >/dev/null
	for a in ack start snooze resolve dismiss; do
		refuse dismissed $a reopen
	done
}

# ---- the whole ----------------------------------------------------------------

@test "wf check is clean after a day of work on the queue" {
	queue
	wf-alert ack EX-1 >/dev/null
	wf-alert snooze EX-2 --until +1h >/dev/null
	wf-alert resolve EX-3 --note done >/dev/null
	WF_NOW=2026-11-20T12:00:00Z wf-alert start EX-2 >/dev/null
	raise_ex payout_mismatch 'payout stripe:po_1' '{"money":"12.40","currency":"EUR"}' finance
	run -0 --separate-stderr wf check
	assert_output ''
}

# The schema refuses these two; wf check still finds them in a database
# written with the constraints off (an old binary, a hand edit).
@test "wf check reports a snooze without a time to wake, and a time to wake without a snooze" {
	queue
	run -19 sql "UPDATE exception SET state = 'snoozed' WHERE id = 1"
	assert_output --partial 'CHECK constraint failed'
	sql "PRAGMA ignore_check_constraints = ON;
	     UPDATE exception SET state = 'snoozed' WHERE id = 1;
	     UPDATE exception SET snoozed_until = '2026-11-21T09:00:00Z' WHERE id = 2"
	run -1 --separate-stderr wf check --only exception.snooze
	assert_line -n 0 '{"type":"violation","check":"exception.snooze","record":"exception","ref":"EX-1","detail":"snoozed without a time to wake"}'
	assert_line -n 1 '{"type":"violation","check":"exception.snooze","record":"exception","ref":"EX-2","detail":"open but snoozed until 2026-11-21T09:00:00Z"}'
	assert_equal "${#lines[@]}" 2
}

@test "wf check reports an exception never seen, or seen before it opened" {
	queue
	run -19 sql "UPDATE exception SET times_seen = 0 WHERE id = 1"
	assert_output --partial 'CHECK constraint failed'
	sql "PRAGMA ignore_check_constraints = ON;
	     UPDATE exception SET times_seen = 0 WHERE id = 1;
	     UPDATE exception SET last_seen_at = '2026-11-19T09:00:00Z' WHERE id = 3"
	run -1 --separate-stderr wf check --only exception.seen
	assert_line -n 0 '{"type":"violation","check":"exception.seen","record":"exception","ref":"EX-1","detail":"times_seen is 0"}'
	assert_line -n 1 '{"type":"violation","check":"exception.seen","record":"exception","ref":"EX-3","detail":"last seen 2026-11-19T09:00:00Z, before it was opened at 2026-11-20T09:00:00Z"}'
	assert_equal "${#lines[@]}" 2
}

@test "wf check reports a closed exception without a resolution" {
	queue
	sql "UPDATE exception SET resolution = NULL, state = 'resolved', resolved_at = '2026-11-20T09:00:00Z' WHERE id = 2"
	run -1 --separate-stderr wf check --only exception.
	assert_output '{"type":"violation","check":"exception.closed","record":"exception","ref":"EX-2","detail":"resolved without a resolution note"}'
}

# ---- wf-records(5) ----------------------------------------------------------

@test "the records wf-alert list, show and raise print are documented in wf-records(5)" {
	queue
	run -0 --separate-stderr wf-alert list --all --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert show EX-2 --format jsonl
	documented exception
	documented event
	cat >"$BATS_TEST_TMPDIR/in" <<-'EOF'
	{"kind":"unroutable","subject":"order shop:1001","owner":"ops","evidence":{"short":{"MUG-1":2}},"impact":{"money":"59.80","currency":"EUR","units":2,"orders":1,"due_at":"2026-11-21T18:00:00Z"},"next_action":"Receive MUG-1 at BER or split the order","priority":80}
	EOF
	run -0 --separate-stderr wf-alert raise --format jsonl <"$BATS_TEST_TMPDIR/in"
	documented exception
}

@test "the records wf-alert's changes print are documented in wf-records(5)" {
	queue
	run -0 --separate-stderr wf-alert assign EX-1 ann --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert ack EX-1 --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert start EX-1 --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert snooze EX-2 --until +2d --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert resolve EX-1 --note 'split the order' --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert dismiss EX-3 --note 'a known fee' --format jsonl
	documented exception
	run -0 --separate-stderr wf-alert reopen EX-3 --format jsonl
	documented exception
}
