#!/usr/bin/env bats
# The queries the tools run on big databases search an index: none of them
# reads every order or every order line (issue 18).  Migration 15 took
# indexes away to make imports cheaper; these tests say which queries the
# remaining ones are for, and fail when a plan becomes a full scan.
#
# $WF_PLANS makes libwf append each statement's EXPLAIN QUERY PLAN to a file
# when it is first prepared (libwf/db.c), so the plans tested are those of
# the tools' own SQL, not of a copy.  Workform never runs ANALYZE, so a plan
# on this small database is the plan on a database of a million orders.

load helper

setup() {
	wf_setup
	wf_init
	export WF_PLANS=$BATS_TEST_TMPDIR/plans
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-stock sku add CUP-2 --cost 2.00 --price 5.00 >/dev/null
	wf-stock receive MUG-1 100 --to BER/A-01 >/dev/null
	wf-stock receive CUP-2 100 --to BER/A-01 >/dev/null
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	for i in 1 2 3; do
		printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-1%sT08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":2,"unit_price":"10.00"},{"sku":"CUP-2","qty":1,"unit_price":"5.00"}],"payment":{"status":"paid","amount":"25.00"}}\n' "$i" "$i"
	done | wf-order import >/dev/null
	rm -f "$WF_PLANS"
}

teardown() {
	unset WF_PLANS
	run -0 --separate-stderr wf check
	assert_output ''
}

# plan SQL: the plan steps of the statements whose SQL contains SQL (fixed
# text), one per line, as the tools ran them since setup
plan() {
	awk -v want="$1" 'substr($0, 1, 5) == "SQL: " { on = index($0, want) > 0; next }
		on { sub(/^  /, ""); print }' "$WF_PLANS" | sort -u
}

# no_scan: $output (a plan) reads neither orders nor order_line whole
no_scan() {
	refute_output --regexp '(^|[^A-Z])SCAN (orders|order_line|o|l)( |$)'
}

@test "wf-order list --state searches orders_state, oldest placed first without sorting" {
	run -0 --separate-stderr wf-order list --state new
	assert_equal "${#lines[@]}" 3
	run -0 plan 'SELECT ref FROM orders WHERE state = ?1'
	assert_output 'SEARCH orders USING INDEX orders_state (state=?)'
}

@test "wf-alert risk --sku finds the SKU's waiting lines through order_line_open_sku, a part of the orders at a time" {
	run -0 --separate-stderr wf-alert risk --sku CUP-2
	run -0 plan 'ON l.order_id >> 16 = p.part AND l.sku_id = ?1'
	assert_line 'SEARCH order_line USING INDEX order_line_open_sku (<expr>>?)'
	assert_line 'SEARCH l USING INDEX order_line_open_sku (<expr>=? AND sku_id=?)'
	refute_line --partial 'TEMP B-TREE'
	no_scan
}

@test "open lines in parts 0 and 2 of the orders, none in part 1: risk and the stock scan count them all" {
	printf '{"type":"order","channel":"shop","external_id":"4","placed_at":"2026-11-14T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":5,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"50.00"}}\n' |
		wf-order import >/dev/null
	# order 4 becomes order 131072, the first of part 2 (ids 131072 to
	# 196607); part 1 has no order
	sql "UPDATE orders SET id = 131072 WHERE ref = 'shop:4';
		UPDATE order_line SET order_id = 131072 WHERE order_id = 4"
	run -0 sql "SELECT group_concat((order_id >> 16) || ':' || qty) FROM order_line INDEXED BY order_line_open_sku
		WHERE order_id >> 16 >= 0 AND sku_id = (SELECT id FROM sku WHERE code = 'MUG-1') AND qty > qty_shipped"
	assert_output '0:2,0:2,0:2,2:5'
	# three orders of 2 and one of 5 wait, by SKU and in the whole run
	run -0 --separate-stderr wf-alert risk --sku MUG-1 --format tsv
	run -0 cut -f7 <<<"$output"
	assert_output $'waiting\n11'
	run -0 --separate-stderr wf-alert risk --format tsv
	run -0 awk -F'\t' '$2 == "MUG-1" { print $7 }' <<<"$output"
	assert_output 11
	# shipped, a line leaves its part
	wf-route shop:4 --apply >/dev/null
	wf-order ship shop:4 --warehouse BER --tracking 1Z4 >/dev/null
	run -0 --separate-stderr wf-alert risk --sku MUG-1 --format tsv
	run -0 cut -f7 <<<"$output"
	assert_output $'waiting\n6'
}

@test "a shipped line leaves order_line_open_sku; the whole table still has it" {
	run -0 sql "SELECT count(*) FROM order_line INDEXED BY order_line_open_sku WHERE sku_id IS NOT NULL AND qty > qty_shipped"
	assert_output 6
	wf-route shop:1 --apply >/dev/null
	run -0 --separate-stderr wf-order ship shop:1 --warehouse BER --tracking 1Z9
	run -0 sql "SELECT count(*) FROM order_line INDEXED BY order_line_open_sku WHERE sku_id IS NOT NULL AND qty > qty_shipped"
	assert_output 4
	run -0 sql "SELECT count(*) FROM order_line"
	assert_output 6
}

@test "wf-alert scan --kind order reads the candidate orders by state, never every order" {
	run -0 --separate-stderr wf-alert scan --kind order
	run -0 plan 'FROM orders o WHERE (o.state = '"'"'new'"'"' AND o.created_at'
	assert_line 'MULTI-INDEX OR'
	assert_line 'SEARCH o USING INDEX orders_state (state=?)'
	assert_line 'SEARCH e USING INDEX event_record (record_type=? AND ref=?)'
	assert_line 'SEARCH l USING INDEX sqlite_autoindex_order_line_1 (order_id=?)'
	no_scan
}

@test "wf-stock ledger --sku reads movement_sku, then the SKU's reservations a part of the ledger at a time from movement_reserve" {
	WF_NOW=2026-11-18T09:00:00Z wf-order reserve shop:1 --warehouse BER >/dev/null
	# a receipt with id 131071: the movements after it are in part 2 (ids
	# 131072 to 196607), and part 1 has none
	sql "INSERT INTO movement (id, at, actor, action, sku_id, qty, to_bin, to_state)
		SELECT 131071, '2026-11-19T08:00:00Z', 'test', 'receive', s.id, 1, b.id, 'on_hand'
		FROM sku s, bin b WHERE s.code = 'MUG-1' AND b.code = 'A-01'"
	WF_NOW=2026-11-19T09:00:00Z wf-order reserve shop:2 --warehouse BER >/dev/null
	run -0 --separate-stderr wf-stock ledger --sku MUG-1 --format tsv
	# the receipts and both reservations, by id
	run -0 cut -f3,5 <<<"$output"
	assert_output $'action\tqty\nreceive\t100\nreserve\t2\nreceive\t1\nreserve\t2'
	# from a time on: the second reservation, and setup's receipt (booked
	# at the clock's time, today), in both parts
	run -0 --separate-stderr wf-stock ledger --sku MUG-1 --since 2026-11-19T08:30:00Z --format tsv
	run -0 cut -f3,5 <<<"$output"
	assert_output $'action\tqty\nreceive\t100\nreserve\t2'
	run -0 plan 'WITH RECURSIVE reserve_part(part) AS (SELECT 0'
	assert_line 'SEARCH movement USING INDEX movement_sku (sku_id=?)'
	assert_line 'SEARCH movement USING INDEX movement_reserve (<expr>>?)'
	assert_line 'SEARCH r USING INDEX movement_reserve (<expr>=? AND sku_id=?)'
	assert_line 'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)'
	refute_output --regexp 'SCAN (m|r|movement)( |$)'
	refute_line --partial 'TEMP B-TREE'
	# each index holds its own: the receipts, and the reservations by part
	run -0 sql "SELECT group_concat(action) FROM movement INDEXED BY movement_sku WHERE sku_id > 0 AND action <> 'reserve'"
	assert_output 'receive,receive,receive'
	run -0 sql "SELECT group_concat((id >> 16) || ' ' || substr(at, 1, 10)) FROM movement INDEXED BY movement_reserve
		WHERE id >> 16 >= 0 AND sku_id = (SELECT id FROM sku WHERE code = 'MUG-1') AND action = 'reserve'"
	assert_output '0 2026-11-18,2 2026-11-19'
}

@test "the stock scan reads the window's reservations through movement_at, risk --sku a part of the ledger at a time" {
	WF_NOW=2026-11-18T09:00:00Z wf-order reserve shop:1 --warehouse BER >/dev/null
	WF_NOW=2026-11-20T09:00:00Z run -0 --separate-stderr wf-alert scan --kind stock
	run -0 plan 'CROSS JOIN sku s ON s.id = m.sku_id WHERE m.action = '"'"'reserve'"'"
	assert_output $'SEARCH m USING INDEX movement_at (at>?)\nSEARCH s USING INTEGER PRIMARY KEY (rowid=?)\nUSE TEMP B-TREE FOR ORDER BY'
	run -0 plan 'CROSS JOIN movement m ON m.sku_id = s.id WHERE m.action <> '"'"'reserve'"'"
	assert_line 'SEARCH m USING INDEX movement_sku (sku_id=? AND at>?)'
	refute_line --partial 'TEMP B-TREE'
	WF_NOW=2026-11-20T09:00:00Z run -0 --separate-stderr wf-alert risk --sku MUG-1
	run -0 plan ' FROM reserve_part d JOIN movement m ON m.id >> 16 = d.part'
	assert_line 'SEARCH m USING INDEX movement_reserve (<expr>=? AND sku_id=?)'
	refute_output --regexp 'SCAN (m|movement)( |$)'
	run -0 plan 'FROM movement m WHERE m.sku_id = ?2 AND m.action <> '"'"'reserve'"'"
	assert_output 'SEARCH m USING INDEX movement_sku (sku_id=? AND at>?)'
}

@test "wf-alert scan --kind stock reads the open lines SKU by SKU, a part of the orders at a time, through order_line_open_sku" {
	run -0 --separate-stderr wf-alert scan --kind stock
	run -0 plan ' FROM sku s CROSS JOIN line_part p'
	assert_line 'SCAN s USING COVERING INDEX sqlite_autoindex_sku_1'
	assert_line 'SCAN p'
	assert_line 'SEARCH l USING INDEX order_line_open_sku (<expr>=? AND sku_id=?)'
	assert_line 'SEARCH o USING INTEGER PRIMARY KEY (rowid=?)'
	refute_line --partial 'TEMP B-TREE'
	no_scan
}

@test "available-to-promise reads the promised and held-from-promised orders, never every held one" {
	wf-order hold shop:2 --reason "address check" >/dev/null
	run -0 --separate-stderr wf-order promise shop:1
	run -0 --separate-stderr wf-route shop:3 --apply
	run -0 plan "FROM orders o JOIN order_route r ON r.order_id = o.id JOIN order_line l ON l.order_id = o.id WHERE (o.state = 'promised' OR"
	assert_line 'SEARCH o USING INDEX orders_state (state=?)'
	assert_line 'SEARCH o USING COVERING INDEX orders_held (held_from=? AND state=?)'
	no_scan
	# the index holds the held orders only
	run -0 sql "SELECT count(*) FROM orders INDEXED BY orders_held WHERE held_from IS NOT NULL"
	assert_output 1
}

@test "wf-route --new finds the new orders by state, a page at a time" {
	run -0 --separate-stderr wf-route --new
	run -0 plan "FROM orders WHERE state = 'new' AND placed_at >= ?1"
	assert_output 'SEARCH orders USING INDEX orders_state (state=? AND placed_at>?)'
}

@test "routing counts a day's capacity from the day's legs and the cancelled orders alone, never an order row" {
	wf-stock warehouse add BER --capacity 5 >/dev/null
	wf-route shop:1 --apply >/dev/null
	wf-order cancel shop:1 --reason test >/dev/null
	run -0 --separate-stderr wf-route shop:2 --apply
	run -0 plan 'SELECT count(*) FROM order_route r WHERE r.warehouse_id = ?1'
	assert_line 'SEARCH r USING COVERING INDEX order_route_day (warehouse_id=? AND ship_by>? AND ship_by<?)'
	assert_line --regexp '^SEARCH o USING (COVERING )?INDEX orders_cancelled \(id=\?'
	no_scan
	refute_line --partial 'INTEGER PRIMARY KEY'
	# the index holds the cancelled orders only
	run -0 sql "SELECT group_concat(id) FROM orders INDEXED BY orders_cancelled WHERE state = 'cancelled'"
	assert_output 1
}

@test "routing's landed cost reads a SKU's receipts through movement_receipt, not its whole ledger" {
	wf-stock receive MUG-1 10 --to BER/A-01 --cost 3.50 >/dev/null
	wf-stock reserve MUG-1 1 --warehouse BER --ref fair >/dev/null
	run -0 --separate-stderr wf-route shop:1 --apply
	run -0 plan 'FROM movement m JOIN bin b ON b.id = m.to_bin WHERE m.sku_id = ?1'
	assert_line 'SEARCH m USING COVERING INDEX movement_receipt (sku_id=? AND currency=?)'
	refute_line --partial 'movement_sku'
	# the index holds the receipts with a cost only: one of the six
	# movements (the receipts of setup name no cost; the reservation by
	# hand and the order's two lines are no receipts)
	run -0 sql "SELECT count(*), sum(action = 'receive') FROM movement"
	assert_output '6|3'
	run -0 sql "SELECT group_concat(qty) FROM movement INDEXED BY movement_receipt WHERE action = 'receive' AND unit_cost IS NOT NULL"
	assert_output 10
}

@test "a return finds its order's line of a SKU through the order, not the SKU" {
	wf-route shop:1 --apply >/dev/null
	wf-order ship shop:1 --warehouse BER --tracking 1Z9 >/dev/null
	run -0 --separate-stderr wf-order return open shop:1 --sku MUG-1 --qty 1 --reason damaged
	run -0 plan 'FROM order_line  WHERE order_id = ?1 AND sku_id = ?2'
	assert_line 'SEARCH order_line USING INDEX sqlite_autoindex_order_line_1 (order_id=?)'
	no_scan
}

@test "wf-reconcile match, tier 3: the orders of the charge's amount, a day of its window at a time, through orders_paid_amount" {
	printf '{"type":"payout","payout":"bank:P1","amount":"25.00","currency":"EUR","arrival":"2026-11-24"}\n{"type":"payout_line","payout":"bank:P1","provider_id":"t1","category":"charge","gross":"25.00","currency":"EUR","posted_at":"2026-11-13T09:14:00Z"}\n' >"$BATS_TEST_TMPDIR/payout"
	wf-reconcile import --from generic "$BATS_TEST_TMPDIR/payout" >/dev/null
	# a window of one day, 2026-11-12T09:14 to the 13th at 09:14: the orders
	# of the 12th (08:00) and the 13th share its days, only the 13th's is in it
	run -0 --separate-stderr wf-reconcile match --window 1
	run -0 plan 'CROSS JOIN orders o ON o.currency = ?1 AND substr(o.placed_at, 1, 10) = d.day AND o.paid = ?2'
	assert_line 'SEARCH o USING INDEX orders_paid_amount (currency=? AND <expr>=? AND paid=?)'
	no_scan
	run -0 sql "SELECT o.ref FROM payout_line p JOIN orders o ON o.id = p.order_id"
	assert_output 'shop:3'
	# the index holds the orders by currency, day, then amount
	run -0 sql "SELECT group_concat(substr(placed_at, 1, 10) || ' ' || paid) FROM orders
		INDEXED BY orders_paid_amount WHERE currency = 'EUR' AND substr(placed_at, 1, 10) > ''"
	assert_output '2026-11-11 2500,2026-11-12 2500,2026-11-13 2500'
}

@test "wf log of one order searches event_record; the history has no index by time" {
	run -0 --separate-stderr wf log order shop:2
	assert_equal "${#lines[@]}" 1
	run -0 plan 'FROM event WHERE record_type = ?1 AND ref = ?2'
	assert_output 'SEARCH event USING INDEX event_record (record_type=? AND ref=?)'
	run -0 sql "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'event' ORDER BY 1"
	assert_output 'event_record'
}

@test "balance has no index by bin; closing a warehouse reads the stock as it stands, once, and reserved units keep it open" {
	run -0 sql "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'balance'"
	assert_output 0
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-order reserve shop:1 --warehouse BER >/dev/null
	wf-stock move MUG-1 98 --from BER/A-01 --to MUC/A-01 >/dev/null
	wf-stock move CUP-2 99 --from BER/A-01 --to MUC/A-01 >/dev/null
	# what BER has left is reserved for shop:1, and nothing on hand
	run -1 --separate-stderr wf-stock warehouse close BER
	assert_equal "$stderr" "wf-stock: warehouse BER still holds stock (1 CUP-2 reserved at BER/A-01, see 'wf-stock levels --warehouse BER'); move it out, or end what holds it, before closing"
	run -0 plan 'FROM balance bal CROSS JOIN bin b ON b.id = bal.bin_id'
	assert_output $'SCAN bal\nSEARCH b USING INTEGER PRIMARY KEY (rowid=?)\nSEARCH s USING INTEGER PRIMARY KEY (rowid=?)\nUSE TEMP B-TREE FOR ORDER BY'
	wf-order unreserve shop:1 >/dev/null
	wf-stock move MUG-1 2 --from BER/A-01 --to MUC/A-01 >/dev/null
	wf-stock move CUP-2 1 --from BER/A-01 --to MUC/A-01 >/dev/null
	run -0 --separate-stderr wf-stock warehouse close BER
	run -0 --separate-stderr wf-stock warehouse show BER
	assert_output --partial '"state":"closed"'
}

@test "what an order holds is found by its holder, the key of held; the free stock by the SKU" {
	run -0 --separate-stderr wf-order reserve shop:1 --warehouse BER
	run -0 --separate-stderr wf-order pick shop:1
	# the bins an order picks from: its own rows of held, side by side
	run -0 plan 'FROM held h JOIN bin b ON b.id = h.bin_id WHERE h.holder = ?4'
	assert_line 'SEARCH h USING PRIMARY KEY (holder=? AND sku_id=?)'
	refute_output --partial 'SCAN'
	# every unit it holds, for its legs
	run -0 plan 'FROM held bal JOIN bin b ON b.id = bal.bin_id JOIN warehouse w'
	assert_line 'SEARCH bal USING PRIMARY KEY (holder=?)'
	refute_output --partial 'SCAN'
	# a reservation's free bins: one balance row per (sku, bin, state)
	run -0 plan 'FROM balance bal JOIN bin b ON b.id = bal.bin_id WHERE bal.sku_id = ?1 AND bal.state = '\''on_hand'\'' AND bal.holder'
	assert_line 'SEARCH bal USING PRIMARY KEY (sku_id=? AND state=? AND holder=?)'
	refute_output --partial 'SCAN'
}

@test "\$WF_PROFILE: each statement a command ran, with its time, runs and pages, the costliest first" {
	unset WF_PLANS
	WF_PROFILE=$BATS_TEST_TMPDIR/profile wf-route --new --apply >/dev/null
	run -0 head -1 "$BATS_TEST_TMPDIR/profile"
	assert_output --regexp '^ +ms +runs +misses +writes  sql$'
	# the three new orders' state changes: one statement, run three times
	run -0 grep -c 'UPDATE orders SET state = ' "$BATS_TEST_TMPDIR/profile"
	assert_output 1
	run -0 awk '/UPDATE orders SET state = / { print $2 }' "$BATS_TEST_TMPDIR/profile"
	assert_output 3
	# sorted by time, every line numbers then SQL on one line
	run -0 awk 'NR > 1 && (NF < 5 || $1 > prev && NR > 2) { bad = 1 } NR > 1 { prev = $1 } END { exit bad }' "$BATS_TEST_TMPDIR/profile"
	# a file that cannot be written is ignored
	run -0 --separate-stderr env WF_PROFILE=/nonexistent/dir/p wf-order list --state new
	assert_equal "$stderr" ''
}

@test "wf-alert scan --kind order reads its snapshot back in key order, without a sort in memory" {
	WF_NOW=2026-12-20T09:00:00Z run -0 --separate-stderr wf-alert scan --kind order --format jsonl
	assert_equal "$(jq -r 'select(.kind == "stuck") | .subject' <<<"$output" | sort | tr '\n' ' ')" \
		'order shop:1 order shop:2 order shop:3 '
	run -0 plan 'FROM scan_cand ORDER BY ref'
	assert_output 'SCAN scan_cand'
	run -0 plan 'FROM scan_old ORDER BY ref, kind'
	assert_output 'SCAN scan_old'
}
