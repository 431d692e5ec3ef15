#!/usr/bin/env bats
# wf-alert scan --kind supplier: every open PO's follow-up reason in the
# queue as one exception of its kind (po_overdue, po_partial, po_slipped,
# po_unconfirmed), and suppliers whose recent receipts come slower than the
# lead time they state (supplier_lead_time_drift).  Each resolves, with a
# note, when its condition is gone.
#
# ACME states 8 days and 2 days to confirm.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 >/dev/null
	wf-po supplier add ACME --name Acme --email orders@acme.example --lead-time 8 \
		--confirm-within 2 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

at() { export WF_NOW=$1; }

scan() { wf-alert scan --kind supplier --format jsonl "$@"; }

# po N SENT EXPECTED QTY: PO-N of QTY MUG-1, sent at SENT, expected EXPECTED.
po() {
	at "$2"
	wf-po create --supplier ACME --warehouse BER --expected "$3" "MUG-1:$4" >/dev/null
	wf-po send "PO-$1" >/dev/null
}

@test "a PO sent and not confirmed within the supplier's days is po_unconfirmed; confirming resolves it" {
	po 1 2026-11-01T09:00:00Z 2026-11-20 10
	at 2026-11-03T09:00:00Z
	run -0 --separate-stderr scan
	assert_output ''                   # two days exactly
	at 2026-11-03T09:00:01Z
	run -0 --separate-stderr scan
	run -0 jq -c '[.kind, .subject, .result, .owner, .evidence.confirm_within_days, .impact, .next_action]' <<<"$output"
	assert_output '["po_unconfirmed","po PO-1","opened","purchasing",2,{"money":"40.00","currency":"EUR","units":10,"orders":0,"due_at":"2026-11-03T09:00:00Z"},"ask ACME (orders@acme.example) to confirm PO-1: sent 2026-11-01, not confirmed within 2 days; then wf-po confirm PO-1 --date DATE"]'
	# confirming is a change of the PO: the PO module resolves it at once
	wf-po confirm PO-1 >/dev/null
	run -0 sql "SELECT kind, state, resolution FROM exception"
	assert_output 'po_unconfirmed|resolved|PO-1 is confirmed now'
	run -0 scan
	assert_output ''
}

@test "an overdue PO the clock made late is raised by the scan, without a follow-up run" {
	po 1 2026-11-01T09:00:00Z 2026-11-09 10
	wf-po confirm PO-1 >/dev/null
	at 2026-11-09T00:00:01Z
	run -0 scan
	run -0 jq -c '[.kind, .result, .evidence.days_late, .next_action]' <<<"$output"
	assert_output '["po_overdue","opened",0,"chase ACME (orders@acme.example) for PO-1: 10 units overdue since 2026-11-09"]'
	run -0 scan
	assert_output ''
}

@test "part received and late is po_partial, which takes over from po_overdue; the rest received resolves it" {
	po 1 2026-11-01T09:00:00Z 2026-11-09 10
	wf-po confirm PO-1 >/dev/null
	at 2026-11-10T09:00:00Z
	scan >/dev/null
	wf-po receive PO-1 MUG-1 4 --bin BER/A-01 >/dev/null
	run -0 sql "SELECT id, kind, state, coalesce(resolution, '') FROM exception ORDER BY id"
	assert_output $'1|po_overdue|resolved|PO-1 is partial now; see its po_partial exception\n2|po_partial|open|'
	run -0 scan
	assert_output ''
	wf-po receive PO-1 MUG-1 6 --bin BER/A-01 >/dev/null
	run -0 sql "SELECT resolution FROM exception WHERE kind = 'po_partial'"
	assert_output 'PO-1 received'
}

@test "a PO confirmed for a later day is po_slipped until it is late" {
	po 1 2026-11-01T09:00:00Z 2026-11-09 10
	wf-po confirm PO-1 --date 2026-11-12 >/dev/null
	at 2026-11-12T00:00:01Z
	run -0 scan
	run -0 jq -c '[.kind, .result, .resolution]' <<<"$output"
	assert_output '["po_overdue","opened",null]
["po_slipped","resolved","PO-1 is overdue now; see its po_overdue exception"]'
}

@test "an exception whose PO was closed while nobody ran anything is resolved by the scan, naming the state" {
	po 1 2026-11-01T09:00:00Z 2026-11-09 10
	at 2026-11-10T09:00:00Z
	scan >/dev/null
	# an exception left open by hand: reopen it after the PO is cancelled
	wf-po cancel PO-1 --reason 'never shipped' >/dev/null
	wf-alert reopen EX-1 >/dev/null
	run -0 scan
	run -0 jq -c '[.kind, .result, .resolution]' <<<"$output"
	assert_output '["po_overdue","resolved","PO-1 cancelled"]'
}

# received N SENT DAYS: PO-N sent at SENT (a date), received DAYS later.
received() {
	po "$1" "${2}T09:00:00Z" "$2" 5
	wf-po confirm "PO-$1" --date "$(date -u -d "$2 8 days" +%F)" >/dev/null
	at "$(date -u -d "${2}T09:00:00Z $3 days" +%FT%TZ)"
	wf-po receive "PO-$1" MUG-1 5 --bin BER/A-01 >/dev/null
}

@test "a supplier whose last receipts took a median of 13 days against 8 stated drifts; a faster one brings it back" {
	received 1 2026-10-01 12
	received 2 2026-10-02 13
	at 2026-11-10T09:00:00Z
	run -0 scan
	assert_output ''                   # two receipts: too few to say
	received 3 2026-10-03 14
	at 2026-11-10T09:00:00Z
	run -0 scan
	run -0 jq -c '[.kind, .subject, .owner, .priority, .evidence.median_days, .evidence.stated_days, [.evidence.receipts[].days], .next_action]' <<<"$output"
	assert_output '["supplier_lead_time_drift","supplier ACME","purchasing",20,"13.0",8,["12.0","13.0","14.0"],"Ask ACME why deliveries take longer, or plan with what they take: wf-po supplier add ACME --lead-time 13 (the last 3 receipts took a median of 13.0 days, 8 stated)"]'
	run -0 scan
	assert_output ''
	# the stated lead time raised to what they take: no drift
	wf-po supplier add ACME --lead-time 13 >/dev/null
	run -0 scan
	run -0 jq -c '[.result, .resolution]' <<<"$output"
	assert_output '["resolved","ACME'"'"'s median lead time is 13.0 days again, within 12% of the 13 stated"]'
}

@test "drift: 25% and at least a day by default, --drift sets the share; only receipts of the last 90 days count" {
	# 8 stated: 10 days is exactly 25% slower, not more
	received 1 2026-10-01 10
	received 2 2026-10-02 10
	received 3 2026-10-03 10
	at 2026-11-10T09:00:00Z
	run -0 scan
	assert_output ''
	run -0 scan --drift 20
	run -0 jq -r '.kind' <<<"$output"
	assert_output supplier_lead_time_drift
	# 90 days on, those receipts are out of the window: resolved, too few
	at 2027-01-12T09:00:00Z
	run -0 scan --drift 20
	run -0 jq -r '.resolution' <<<"$output"
	assert_output 'ACME: 0 receipts in the last 90 days, too few to measure (3 needed)'
	run -2 --separate-stderr wf-alert scan --kind supplier --drift 0
	assert_equal "$stderr" "wf-alert: --drift: expected a positive integer, got '0'"
}

@test "--kind supplier counts its kinds for --fail-on; a dismissed drift stays dismissed" {
	received 1 2026-10-01 12
	received 2 2026-10-02 13
	received 3 2026-10-03 14
	at 2026-11-10T09:00:00Z
	run -1 --separate-stderr scan --fail-on 20
	assert_regex "$stderr" '^wf-alert: 1 exception of the kinds scanned is open at priority 20 or above'
	ex=$(wf-alert list --kind supplier_lead_time_drift --format jsonl | jq -r .exception)
	wf-alert dismiss "$ex" --note 'known: the port strike' >/dev/null
	run -0 scan --fail-on 20
	assert_output ''
}

@test "an old database's po_late exceptions are renamed by the migration: partial when partly received" {
	po 1 2026-11-01T09:00:00Z 2026-11-09 10
	po 2 2026-11-01T09:00:00Z 2026-11-09 10
	wf-po receive PO-2 MUG-1 3 --bin BER/A-01 >/dev/null
	at 2026-11-10T09:00:00Z
	scan >/dev/null
	# the database as schema 11 left it: kinds po_late, and without what
	# the migrations after 12 add (13: the fulfillment columns, 14: a SKU's
	# supplier, 15: the order indexes, 16: the orders' amount index and the
	# payouts' accepted_at and accepted_line, 17: sku_alias and
	# order_unshipped, 18: orders_held, 19: route_block, 20: held, 21:
	# orders_cancelled, movement_receipt and order_route_day's order id,
	# 22: movement_reserve, 23: orders_paid_amount by day, 24: no
	# balance_bin, 25: movement_reserve by part of the ledger; a later
	# migration must be undone here too, or wf init fails to redo it)
	sql "$UNDO_27; $UNDO_26; $UNDO_25; $UNDO_24; $UNDO_23; $UNDO_22; $UNDO_21; $UNDO_20"
	sql "UPDATE exception SET kind = 'po_late'; DROP INDEX shipment_fulfillment;
		ALTER TABLE shipment DROP COLUMN fulfillment;
		ALTER TABLE shipment DROP COLUMN fulfillment_at;
		ALTER TABLE sku DROP COLUMN supplier_id;
		DROP INDEX order_line_open_sku; CREATE INDEX event_at ON event(at);
		CREATE INDEX order_line_sku ON order_line(sku_id);
		DROP INDEX orders_paid_amount; ALTER TABLE payout DROP COLUMN accepted_at;
		ALTER TABLE payout DROP COLUMN accepted_line;
		DROP TABLE order_unshipped; DROP TABLE sku_alias; DROP INDEX orders_held;
		DROP TABLE route_block;
		PRAGMA user_version = 11"
	run -0 --separate-stderr wf --version
	assert_output --partial 'schema 27'   # the test knows every migration after 12
	run -0 --separate-stderr wf init
	run -0 sql "SELECT subject_ref, kind FROM exception ORDER BY id"
	assert_output $'PO-1|po_overdue\nPO-2|po_partial'
	run -0 scan
	assert_output ''
}

# order ID QTY: one generic order of QTY MUG-1
order() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":%s,"unit_price":"12.50"}],"payment":{"status":"paid","amount":"%s.00"}}\n' "$1" "$2" "$((12 * $2 + $2 / 2))"
}

@test "migration 20 keeps every balance of the stock held in flight: reserved, picked, packed, inbound" {
	wf-stock bin add BER/B-01 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 4 --to BER/B-01 >/dev/null
	for i in 1 2 3 4; do order "100$i" "$i" | wf-order import >/dev/null; done
	for i in 1 2 3 4; do wf-order reserve "shop:100$i" --warehouse BER >/dev/null; done
	wf-order pick shop:1002 >/dev/null
	wf-order pick shop:1003 >/dev/null
	wf-order pack shop:1003 >/dev/null
	wf-stock reserve MUG-1 2 --warehouse BER --ref 'trade fair' >/dev/null
	po 1 2026-11-01T09:00:00Z 2026-11-20 6
	wf-po receive PO-1 MUG-1 2 --bin BER/A-01 >/dev/null
	levels() { wf-stock levels --by bin; wf-order list --format jsonl; }
	before=$(levels)
	sql "$UNDO_27; $UNDO_26; $UNDO_25; $UNDO_24; $UNDO_23; $UNDO_22; $UNDO_21; $UNDO_20; PRAGMA user_version = 19"
	run -0 sql "SELECT count(*), count(DISTINCT holder) FROM balance WHERE holder <> ''"
	assert_output '6|6'
	run -0 --separate-stderr wf init
	assert_output --partial '"result":"migrated"'
	run -0 --separate-stderr wf check
	assert_output ''
	run -0 levels
	assert_output "$before"
	run -0 sql "SELECT holder, state, sum(qty) FROM held GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output $'PO-1|inbound|4\nref trade fair|reserved|2\nshop:1001|reserved|1\nshop:1002|picked|2\nshop:1003|packed|3\nshop:1004|reserved|4'
	run -0 sql "SELECT count(*) FROM balance WHERE holder <> ''"
	assert_output 0
	# and the stock moves on from there
	run -0 --separate-stderr wf-order ship shop:1003 --carrier dhl --tracking T1
	run -0 --separate-stderr wf-order cancel shop:1004 --reason 'customer asked'
	run -0 sql "SELECT holder, state, sum(qty) FROM held GROUP BY 1, 2 ORDER BY 1, 2"
	assert_output $'PO-1|inbound|4\nref trade fair|reserved|2\nshop:1001|reserved|1\nshop:1002|picked|2'
}

@test "migrations 22 and 25 move the reservations from movement_sku to movement_reserve; the ledger by SKU still has them" {
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	for i in 1 2; do order "100$i" "$i" | wf-order import >/dev/null; done
	WF_NOW=2026-11-20T09:00:00Z wf-order reserve shop:1001 --warehouse BER >/dev/null
	WF_NOW=2026-11-21T09:00:00Z wf-order reserve shop:1002 --warehouse BER >/dev/null
	wf-order pick shop:1002 >/dev/null
	ledger() { wf-stock ledger --sku MUG-1 --format tsv | cut -f2,3,5,15; }
	before=$(ledger)
	sql "$UNDO_27; $UNDO_26; $UNDO_25; $UNDO_24; $UNDO_23; $UNDO_22; PRAGMA user_version = 21"
	# the receipt, the two reservations and the pick
	run -0 sql "SELECT count(*) FROM movement INDEXED BY movement_sku WHERE sku_id > 0"
	assert_output 4
	run -0 --separate-stderr wf init
	assert_output --partial '"result":"migrated"'
	run -0 ledger
	assert_output "$before"
	assert_line --partial $'reserve\t1\t2026-11-20T09:00:00Z'
	assert_line --partial $'reserve\t2\t2026-11-21T09:00:00Z'
	# the two reservations are in the new index alone, by part of the ledger
	run -0 sql "SELECT count(*), sum(action = 'reserve') FROM movement INDEXED BY movement_sku
		WHERE sku_id > 0 AND action <> 'reserve'"
	assert_output '2|0'
	run -0 sql "SELECT group_concat(substr(at, 1, 10) || ' ' || qty) FROM movement
		INDEXED BY movement_reserve WHERE id >> 16 >= 0 AND action = 'reserve'"
	assert_output '2026-11-20 1,2026-11-21 2'
}
