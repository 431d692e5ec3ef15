#!/usr/bin/env bats
# wf-reconcile margin: what a shipped order kept, on a worked example added
# up by hand; fees settled or estimated; aggregates that are the sums of
# their rows; currencies never added; COGS at the cost each unit shipped at,
# and given back by a sellable return.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 >/dev/null
	wf-stock sku add TEE-M >/dev/null
	wf-stock sku add CAP-9 --currency USD >/dev/null
	wf-stock receive MUG-1 20 --to BER/A-01 --cost 4.00 >/dev/null
	wf-stock receive TEE-M 5 --to BER/A-01 --cost 6.00 >/dev/null
	wf-stock receive TEE-M 5 --to BER/A-01 --cost 7.00 >/dev/null
	wf-stock receive CAP-9 5 --to BER/A-01 --cost 3.00 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# order ID CURRENCY TAX TOTAL SKU QTY PRICE [SKU QTY PRICE]: a paid order shop:ID
order() {
	local id=$1 cur=$2 tax=$3 total=$4 lines="" sep=""
	shift 4
	while [ $# -gt 0 ]; do
		lines="$lines$sep{\"sku\":\"$1\",\"qty\":$2,\"unit_price\":\"$3\"}"
		sep=,
		shift 3
	done
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-20T08:00:00Z","currency":"%s","ship_to":{"country":"DE"},"lines":[%s],"tax":"%s","total":"%s","payment":{"status":"paid","amount":"%s"}}\n' \
	    "$id" "$cur" "$lines" "$tax" "$total" "$total"
}

# ship REF COST: reserve, pick, pack and ship it from BER with dhl at COST
ship() {
	wf-order reserve "$1" --warehouse BER >/dev/null
	wf-order pick "$1" >/dev/null
	wf-order pack "$1" >/dev/null
	wf-order ship "$1" --carrier dhl --cost "$2" >/dev/null
}

# charge ID ORDER GROSS FEE [CURRENCY]: a charge line of provider shop
charge() {
	printf '{"type":"payout_line","provider":"shop","provider_id":"%s","category":"charge","order":"%s","gross":"%s","fee":"%s","currency":"%s","posted_at":"2026-11-20T10:00:00Z"}\n' \
	    "$1" "$2" "$3" "$4" "${5:-EUR}"
}

# The worked example, shop:1001 in EUR.
#   MUG-1: 20 received at 4.00, average 4.00.
#   TEE-M: 5 at 6.00 and 5 at 7.00, average (30.00 + 35.00) / 10 = 6.50.
#   Lines: 2 MUG-1 at 12.50 (25.00) and 1 TEE-M at 19.99; shipping 4.90
#   charged; total 49.89 with 8.00 tax in it.
#     revenue          49.89 - 8.00                           = 41.89
#     cogs             2 x 4.00 + 1 x 6.50, as they shipped   = 14.50
#   It ships with a shipment costing 4.10                     = 4.10
#   Then MUG-1 is received again at 7.00: 20 - 2 = 18 at 4.00 and 10 at
#   7.00 make the average (72.00 + 70.00) / 28 = 5.0714 -> 5.07, which
#   does not change what the shipped units cost.
#   The provider's charge line: gross 49.89, fee 2.03; matched, so the
#   fees are settled                                          = 2.03
#   A partial refund of 10.00; without its tax, in the order's proportion:
#     10.00 x 41.89 / 49.89 = 8.3965... -> 8.40               = 8.40
#   margin 41.89 - 14.50 - 2.03 - 4.10 - 0.00 - 8.40 - 0.00   = 12.86
#   margin_pct 12.86 / 41.89 = 30.699...%                     -> 30.7
example() {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	order 1001 EUR 8.00 49.89 MUG-1 2 12.50 TEE-M 1 19.99 |
	    sed 's/"tax"/"shipping_paid":"4.90","tax"/' | wf-order import >/dev/null
	ship shop:1001 4.10
	wf-stock receive MUG-1 10 --to BER/A-01 --cost 7.00 >/dev/null
	charge ch_1 shop:1001 49.89 2.03 | wf-reconcile import --from generic >/dev/null
	wf-reconcile match >/dev/null
	wf-order refund shop:1001 --amount 10.00 --reason "a chipped mug" >/dev/null
}

@test "margin adds the worked example up to the cent, as by hand" {
	example
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$stderr" ''
	assert_equal "$output" '{"type":"margin","order":"shop:1001","currency":"EUR","revenue":"41.89","tax":"8.00","cogs":"14.50","payment_fees":"2.03","shipping_cost":"4.10","marketplace_fees":"0.00","refunds":"8.40","chargebacks":"0.00","margin":"12.86","margin_pct":"30.7","basis":"settled","cogs_basis":"at_ship","unconverted":null}'
	# the ship movements kept the cost at that moment, not today's 5.07
	run -0 --separate-stderr wf-stock ledger --ref shop:1001 --format jsonl
	assert_equal "$(jq -r 'select(.action == "ship") | "\(.sku) \(.qty) \(.unit_cost) \(.currency)"' <<<"$output")" \
'MUG-1 2 4.00 EUR
TEE-M 1 6.50 EUR'
}

@test "by sku, the worked example splits by line revenue, largest remainder, and adds up to the order" {
	example
	# weights 25.00 and 19.99 of 44.99.  revenue 41.89: 23.277 and 18.613,
	# floors 23.27 + 18.61 = 41.88, the cent left to the larger remainder
	# (MUG-1's .77 over .61) -> 23.28 and 18.61.  fees 2.03: 1.128 and 0.902
	# -> 1.12 + 0.90, cent to MUG-1's .8 -> 1.13 and 0.90.  shipping 4.10:
	# 2.278 and 1.821 -> 2.27 + 1.82, cent to .8 -> 2.28 and 1.82.  refunds
	# 8.40: 4.667 and 3.732 -> 4.66 + 3.73, cent to .7 -> 4.67 and 3.73.
	# tax 8.00: 4.445 and 3.554 -> 4.44 + 3.55, cent to .5 -> 4.45, 3.55.
	# COGS by what shipped: MUG-1 8.00, TEE-M 6.50.
	# margins 23.28 - 8.00 - 1.13 - 2.28 - 4.67 = 7.20 and
	# 18.61 - 6.50 - 0.90 - 1.82 - 3.73 = 5.66: together 12.86.
	run -0 --separate-stderr wf-reconcile margin --by sku
	assert_equal "$stderr" ''
	assert_equal "$(jq -c '[.sku, .revenue, .tax, .cogs, .payment_fees, .shipping_cost, .refunds, .margin, .orders]' <<<"$output")" \
'["MUG-1","23.28","4.45","8.00","1.13","2.28","4.67","7.20",1]
["TEE-M","18.61","3.55","6.50","0.90","1.82","3.73","5.66",1]'
}

@test "chargebacks are the dispute's amount and fee less the reversal; fee lines naming the order are marketplace fees" {
	example
	# a dispute of 49.89 with a 15.00 fee (net -64.89), won back (49.89):
	# chargebacks 64.89 - 49.89 = 15.00; a commission line of -1.50 naming
	# the order: marketplace fees 1.50.  margin 12.86 - 15.00 - 1.50 = -3.64,
	# -3.64 / 41.89 = -8.689...% -> -8.7
	{ printf '{"type":"payout_line","provider":"shop","provider_id":"dp_1","category":"dispute","order":"shop:1001","gross":"-49.89","fee":"15.00","currency":"EUR","posted_at":"2026-11-22T10:00:00Z"}\n'
	  printf '{"type":"payout_line","provider":"shop","provider_id":"dr_1","category":"dispute_reversal","order":"shop:1001","gross":"49.89","currency":"EUR","posted_at":"2026-11-23T10:00:00Z"}\n'
	  printf '{"type":"payout_line","provider":"shop","provider_id":"mf_1","category":"fee","order":"shop:1001","gross":"-1.50","currency":"EUR","posted_at":"2026-11-23T10:00:00Z"}\n'
	} | wf-reconcile import --from generic >/dev/null
	wf-reconcile match >/dev/null
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.marketplace_fees, .chargebacks, .margin, .margin_pct]' <<<"$output")" \
	    '["1.50","15.00","-3.64","-8.7"]'
}

@test "fees are estimated at the provider's median rate until a charge is matched" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	# five earlier charges of provider shop at 2%, 3%, 3%, 4% and 10%:
	# the median rate is 3%.  The mean would be 4.4%; the median is used.
	local i=1 r
	for r in 2.00 3.00 3.00 4.00 10.00; do
		printf '{"type":"payout_line","provider":"shop","provider_id":"old%s","category":"charge","gross":"100.00","fee":"%s","currency":"EUR","posted_at":"2026-11-01T10:00:00Z"}\n' "$i" "$r"
		i=$((i + 1))
	done | wf-reconcile import --from generic >/dev/null
	order 1 EUR 0.00 50.00 MUG-1 1 50.00 | wf-order import >/dev/null
	ship shop:1 0.00
	# estimated: 50.00 x 3% = 1.50; margin 50.00 - 4.00 - 1.50 = 44.50
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.payment_fees, .margin, .basis]' <<<"$output")" '["1.50","44.50","estimated"]'
	# the charge arrives with its actual fee, and the row is settled
	charge ch_1 shop:1 50.00 1.71 | wf-reconcile import --from generic >/dev/null
	wf-reconcile match >/dev/null
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.payment_fees, .margin, .basis]' <<<"$output")" '["1.71","44.29","settled"]'
}

@test "a sellable return gives its COGS back at the cost the return movement recorded" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	order 7 EUR 0.00 37.50 MUG-1 3 12.50 | wf-order import >/dev/null
	ship shop:7 4.10
	wf-order return open shop:7 --sku MUG-1 --qty 1 --reason "too big" >/dev/null
	wf-order return receive RMA-1 --condition sellable >/dev/null
	run -0 --separate-stderr wf-stock ledger --ref RMA-1 --format jsonl
	assert_equal "$(jq -r '"\(.action) \(.to_state) \(.unit_cost)"' <<<"$output")" 'return on_hand 4.00'
	# COGS 3 x 4.00 - 1 x 4.00 = 8.00; fees estimated at 0 (no charges yet);
	# margin 37.50 - 8.00 - 4.10 = 25.40
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.cogs, .margin, .cogs_basis]' <<<"$output")" '["8.00","25.40","at_ship"]'
	# a damaged one gives nothing back
	wf-order return open shop:7 --sku MUG-1 --qty 1 --reason "broken" >/dev/null
	wf-order return receive RMA-2 --condition damaged >/dev/null
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -r .cogs <<<"$output")" '8.00'
}

@test "a return received to be inspected gives its COGS back when it is restocked, at that moment's average" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	order 8 EUR 0.00 25.00 MUG-1 2 12.50 | wf-order import >/dev/null
	ship shop:8 0.00
	wf-order return open shop:8 --sku MUG-1 --qty 1 --reason "wrong colour" >/dev/null
	wf-order return receive RMA-1 >/dev/null
	# waiting as returned: nothing given back yet; COGS 2 x 4.00
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -r .cogs <<<"$output")" '8.00'
	# a receipt moves the average: 18 at 4.00 and 2 at 5.00 -> 82.00 / 20 = 4.10
	wf-stock receive MUG-1 2 --to BER/A-01 --cost 5.00 >/dev/null
	wf-order return restock RMA-1 >/dev/null
	run -0 --separate-stderr wf-stock ledger --ref RMA-1 --format jsonl
	assert_equal "$(jq -r '"\(.action) \(.to_state) \(.unit_cost)"' <<<"$output")" \
'return returned null
restock on_hand 4.10'
	# the unit goes back into stock at 4.10, and COGS gives back the same:
	# 8.00 - 4.10 = 3.90
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -r .cogs <<<"$output")" '3.90'
}

@test "aggregates by sku, channel and month equal the sums of the order rows, per currency" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	{ order 1 EUR 1.60 10.01 MUG-1 1 3.33 TEE-M 2 3.34
	  order 2 EUR 0.33 7.77 MUG-1 1 2.59 MUG-1 2 2.59
	  order 3 USD 0.00 20.00 CAP-9 2 10.00; } | wf-order import >/dev/null
	ship shop:1 1.11
	WF_NOW=2026-12-01T10:00:00Z ship shop:2 2.22
	ship shop:3 3.33
	{ charge c1 shop:1 10.01 0.37; charge c3 shop:3 20.00 0.91 USD; } |
	    wf-reconcile import --from generic >/dev/null
	wf-reconcile match >/dev/null
	wf-order refund shop:2 --amount 1.01 --reason "late" >/dev/null
	run -0 --separate-stderr wf-reconcile margin
	rows=$output
	sum='group_by(.currency) | map({currency: .[0].currency,
	    v: [.[] | [.revenue, .tax, .cogs, .payment_fees, .shipping_cost, .marketplace_fees,
	        .refunds, .chargebacks, .margin] | map(sub("\\."; "") | tonumber)] | transpose | map(add)})'
	want=$(jq -sc "$sum" <<<"$rows")
	local by
	for by in sku channel month; do
		run -0 --separate-stderr wf-reconcile margin --by "$by"
		assert_equal "$stderr" ''
		assert_equal "$(jq -sc "$sum" <<<"$output")" "$want"
	done
	# two lines of one SKU are one order of it
	run -0 --separate-stderr wf-reconcile margin --by sku
	assert_equal "$(jq -c '[.sku, .currency, .orders]' <<<"$output")" \
'["CAP-9","USD",1]
["MUG-1","EUR",2]
["TEE-M","EUR",1]'
	# never two currencies in one record: USD stands apart everywhere
	run -0 --separate-stderr wf-reconcile margin --by channel
	assert_equal "$(jq -c '[.channel, .currency, .orders, .revenue]' <<<"$output")" \
'["shop","EUR",2,"15.85"]
["shop","USD",1,"20.00"]'
	run -0 --separate-stderr wf-reconcile margin --by month
	assert_equal "$(jq -c '[.month, .currency, .orders]' <<<"$output")" \
'["2026-11","EUR",1]
["2026-11","USD",1]
["2026-12","EUR",1]'
}

@test "a cost in another currency is never added: named, and the row has no margin" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	# CAP-9 costs in USD; the order is in EUR
	order 4 EUR 0.00 20.00 CAP-9 2 10.00 | wf-order import >/dev/null
	ship shop:4 1.00
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.cogs, .margin, .margin_pct, .unconverted]' <<<"$output")" \
	    '["0.00",null,null,"cogs 6.00 USD"]'
	run -0 --separate-stderr wf-reconcile margin --by channel
	assert_equal "$(jq -c '[.orders, .unconverted, .margin]' <<<"$output")" '[1,1,"0.00"]'
}

@test "--since and --until select orders by when they shipped, not when they were placed" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	{ order 1 EUR 0.00 5.00 MUG-1 1 5.00; order 2 EUR 0.00 6.00 MUG-1 1 6.00
	  order 3 EUR 0.00 7.00 MUG-1 1 7.00; } | wf-order import >/dev/null
	ship shop:1 0.00
	WF_NOW=2026-12-01T00:00:00Z ship shop:2 0.00
	run -0 --separate-stderr wf-reconcile margin --since 2026-12-01 --until 2026-12-02
	assert_equal "$(jq -r .order <<<"$output")" 'shop:2'
	run -0 --separate-stderr wf-reconcile margin --until 2026-12-01
	assert_equal "$(jq -r .order <<<"$output")" 'shop:1'
	# shop:3 never shipped: in no period
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -r .order <<<"$output")" 'shop:1
shop:2'
}

@test "an old ship movement without a cost counts at the current average, and says so" {
	order 5 EUR 0.00 12.50 MUG-1 1 12.50 | wf-order import >/dev/null
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	ship shop:5 0.00
	# a movement booked before movements kept their cost: the ledger is
	# append-only, so the test writes one as an old database has it
	sql "DROP TRIGGER movement_no_update;
	    UPDATE movement SET unit_cost = NULL, currency = NULL WHERE action = 'ship';
	    CREATE TRIGGER movement_no_update BEFORE UPDATE ON movement BEGIN
	    SELECT RAISE(ABORT, 'wf: the stock ledger is append-only; record a reversal instead'); END;"
	wf-stock receive MUG-1 1 --to BER/A-01 --cost 4.19 >/dev/null
	# average (19 x 4.00 + 4.19) / 20 = 4.0095 -> 4.01
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$(jq -c '[.cogs, .cogs_basis]' <<<"$output")" '["4.01","current_average"]'
}

@test "a free sample of a SKU with no cost: no revenue, no margin_pct, COGS missing" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	wf-stock sku add FREE-1 >/dev/null
	wf-stock receive FREE-1 3 --to BER/A-01 >/dev/null
	order 9 EUR 0.00 0.00 FREE-1 1 0.00 | wf-order import >/dev/null
	ship shop:9 1.20
	run -0 --separate-stderr wf-reconcile margin
	assert_equal "$stderr" ''
	assert_equal "$(jq -c '[.revenue, .cogs, .shipping_cost, .margin, .margin_pct, .cogs_basis]' <<<"$output")" \
	    '["0.00","0.00","1.20","-1.20",null,"missing"]'
	run -0 --separate-stderr wf-reconcile margin --by sku
	assert_equal "$(jq -c '[.sku, .shipping_cost, .margin, .cogs_basis]' <<<"$output")" \
	    '["FREE-1","1.20","-1.20","missing"]'
}

@test "margin refuses a bad --by, an empty period and a bad time, and writes nothing" {
	run -2 --separate-stderr wf-reconcile margin --by week
	assert_equal "$output" ''
	assert_equal "${stderr_lines[0]:0:19}" "wf-reconcile: --by:"
	run -2 --separate-stderr wf-reconcile margin --since 2026-12-01 --until 2026-11-01
	assert_equal "$output" ''
	assert_equal "$stderr" 'wf-reconcile: --until must be after --since'
	run -2 --separate-stderr wf-reconcile margin --since yesterday
	assert_equal "$output" ''
	# nothing shipped: nothing printed
	run -0 --separate-stderr wf-reconcile margin --by sku
	assert_equal "$output" ''
	assert_equal "$stderr" ''
}
