#!/usr/bin/env bats
# `make demo` runs to the end and shows each section.

load helper

@test "the demo builds a database where it says and shows each section" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line -n 0 "Workform demo: database $BATS_TEST_TMPDIR/demo/wf.db"
	assert_line '== wf: create the database =='
	assert_line --regexp '^.*/demo/wf\.db +created '
	assert_line '== done =='
	assert_equal "$stderr" ''
	[ -f "$BATS_TEST_TMPDIR/demo/wf.db" ]
}

@test "the demo's stock section counts, reserves and values the stock" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-stock: stock levels and inventory value =='
	assert_line --regexp '^TEE-M +BER/A-02 +23 +25 +-2 +ADJ-1$'
	assert_line --regexp '^MUG-1 +BER +60 +2 +58 +0 +58( +0){7}$'
	assert_line --regexp '^MUG-1 +BER +60 +4\.31 +258\.60 +EUR$'
	assert_line --regexp '^EUR +221 +844\.32$'
	assert_equal "$stderr" ''
}

@test "the demo's route section loads carrier rules, explains a plan, routes two orders and opens one exception" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-route: carrier services per warehouse, loaded as JSON lines =='
	assert_line --regexp '^MAD +seur +24h +created +17:00 +1 +3\.60 +EUR +\["ES","PT"\]$'
	# the plan and the run decide the same; the plan comes first
	assert_equal "$(grep -cE '^shop:1002 +routed +BER +dhl +parcel +2026-11-20T15:00:00Z +2026-11-21T15:00:00Z +4\.10 +26\.29 +\[\] +-$' <<<"$output")" 2
	assert_equal "$(grep -cE '^shop:1003 +routed +MAD +seur +24h ' <<<"$output")" 2
	assert_equal "$(grep -cE '^amzn:302-4417093-2290516 +unroutable +- .*\["no_stock","no_service"\] +-$' <<<"$output")" 2
	assert_line '{"warehouse":"BER","carrier":"dhl","service":"parcel","result":"ok","detail":null,"margin":"26.29","rank":1}'
	assert_line '{"warehouse":"MAD","carrier":"seur","service":"24h","result":"no_stock","detail":"TEE-M: 0 available, 1 needed","margin":"26.69","rank":null}'
	# one exception per warehouse and reason that blocks orders, not per order
	assert_line --regexp '^EX-2 +[0-9]+ +unroutable +warehouse MAD@no_service +MAD +fulfilment +0m +Add a carrier service to FR at MAD, for 1 order$'
	assert_line --regexp '^shop:1003 +reserved +paid '
	assert_equal "$stderr" ''
}

@test "the demo's alert section shows what the stock scan raises, and works the queue" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-alert: what the stock scan finds (cron runs it; nothing is raised by hand) =='
	# nothing is raised by hand: the exceptions come from the tools
	refute_line --partial 'wf-alert raise'
	# PO-1's rest is overdue: the stock that waits for it is at risk
	assert_line --regexp '^TEE-M +BER +stockout_before_po +22 +0 +0 '
	assert_line --regexp '^EX-8 +opened +stockout_before_po +sku TEE-M +BER +[0-9]+ +Chase PO-1 from ACME, overdue: TEE-M runs out at BER on '
	assert_line '== wf-alert: work the queue =='
	assert_line --regexp '^EX-8 +stockout_before_po +sku TEE-M +BER +purchasing +acknowledged '
	assert_line --regexp '^EX-2 +unroutable +warehouse MAD@no_service .* snoozed '
	assert_equal "$stderr" ''
}

@test "the demo's money section reconciles one payout, puts the other in the queue and shows a margin" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line "== wf-reconcile: the payment provider's payouts, matched to the orders =="
	assert_line --regexp '^reconciled +every_line_matched_and_adds_up +- +stripe:po_1 +- +reconciled '
	assert_line --regexp '^mismatch +lines_do_not_add_up +- +stripe:po_2 +- +mismatch '
	assert_line --regexp '^EX-[0-9]+ +[0-9]+ +payout_unbalanced +payout stripe:po_2 +- +finance +0m +Compare stripe:po_2 '
	# 49.89 revenue - 14.62 COGS at ship - 2.24 fee - 4.10 shipping - 12.50
	# refunded = 16.43, 32.9% of revenue
	assert_line --regexp '^shop:1002 +EUR +49\.89 +14\.62 +2\.24 +4\.10 +12\.50 +16\.43 +32\.9 +settled$'
	assert_line --regexp '^stripe +EUR +0\.00 +0\.00 +185\.15 +0\.00$'
	assert_equal "$stderr" ''
}

@test "the demo's own words are comments, never passed off as a tool's output" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '# wf check printed nothing and exited 0: no violations'
	refute_line 'no violations'
	refute_line --regexp '^\(.*\)$'
}

@test "the demo's sections come in order: stock, order, route (inside order), po, alert, money, then check" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	run -0 awk '/^== / { sub(/:.*/, "", $2); if ($2 != last) print $2; last = $2 }' <<<"$output"
	assert_output $'wf\nwf-stock\nwf-order\nwf-route\nwf-order\nwf-po\nwf-alert\nwf-reconcile\nwf\ndone'
}

@test "the demo's order section imports, holds, ships and takes a return" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-order: the orders, the shipments and the stock after them =='
	assert_line --regexp '^shop:1004 +created +on_hold +pending +[-0-9T:Z]+ +34\.00 +EUR +1 +unknown SKU VASE-9$'
	assert_line --regexp '^shop:1002 +partially_returned +partially_refunded +[-0-9T:Z]+ +49\.89 +EUR +2 +-$'
	assert_line --regexp '^shop:1003 +reserved +paid +[-0-9T:Z]+ +120\.90 +EUR +2 +-$'
	assert_line --regexp '^SH-1 +shop:1002 +BER +shipped +dhl +parcel +00340434161094042557 +4\.10 +EUR '
	assert_line --regexp '^RMA-1 +shop:1002 +MUG-1 +1 +arrived broken +refunded +damaged +BER/RETURNS +12\.50 +EUR '
	assert_line --regexp '^MUG-1 +BER +58 +2 +56 +0 +56 +0 +0 +0 +1 +0 +0 +0$'
	assert_equal "$stderr" ''
}

@test "the demo's po section receives part of an order and chases the rest once" {
	local i
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line '== wf-po: a purchase order, a partial receipt, the follow-ups due =='
	assert_line --regexp '^MUG-1 +BER +58 +2 +56 +0 +56 +20 +0 +0 +1 +0 +0 +0$'
	assert_line --regexp '^PO-1 +ACME +BER +partially_received +EUR '
	assert_line --regexp '^PO-1 +ACME +orders@acme\.example +partial +PO-1 partly delivered, overdue since '
	assert_line '  MUG-1: 8 of 20 units (12 received)'
	assert_line --regexp '^EX-3 +50 +po_partial +po PO-1 +- +purchasing +0m +chase ACME '
	assert_line --regexp '^EX-1 +23 +order_unknown_sku +order shop:1004 +- +fulfilment +18d '
	# once recorded, the follow-up is not due again: the command prints nothing
	for i in "${!lines[@]}"; do
		[ "${lines[i]}" != '# wf-po followup printed nothing: the follow-up was recorded, none is due' ] || break
	done
	assert_equal "${lines[i - 1]}" '$ wf-po followup --format table'
	assert_equal "$stderr" ''
}

