#!/usr/bin/env bats
# Shopify orders as they really come (issue 16): lines without a SKU and
# SKU aliases, money-only lines, refunded and cancelled quantities, totals
# that do not add up.

load helper

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 12.50 >/dev/null
	wf-stock sku add TEE-M --cost 6.00 --price 19.90 >/dev/null
	wf-stock receive MUG-1 10 --to BER/A-01 >/dev/null
	wf-stock receive TEE-M 5 --to BER/A-01 >/dev/null
	REAL=$BATS_TEST_DIRNAME/fixtures/shopify/real-lines.json
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

level() {	# level SKU FIELD (at BER)
	wf-stock levels --sku "$1" --warehouse BER | jq -r ".$2"
}

map_variants() {	# the fixture's two variants to MUG-1 and TEE-M
	wf-stock sku alias MUG-1 shopify-variant:41383274741953 >/dev/null
	wf-stock sku alias TEE-M shopify-variant:41383274741954 >/dev/null
}

shopify() {	# shopify ID LINES [EXTRA]: a Shopify order, paid
	printf '{"id":%s,"created_at":"2026-11-20T10:00:00+01:00","currency":"EUR","financial_status":"paid","line_items":[%s]%s}\n' "$1" "$2" "${3:-}"
}

# ---- SKU aliases ---------------------------------------------------------------------

@test "sku alias maps a key to a SKU once; a SKU's code or another SKU's key is refused" {
	run -0 --separate-stderr wf-stock sku alias MUG-1 shopify-variant:41383274741953
	assert_output '{"type":"sku_alias","alias":"shopify-variant:41383274741953","sku":"MUG-1","result":"created"}'
	run -0 --separate-stderr wf-stock sku alias MUG-1 shopify-variant:41383274741953
	assert_output --partial '"result":"unchanged"'
	run -1 --separate-stderr wf-stock sku alias TEE-M shopify-variant:41383274741953
	assert_output ''
	assert_equal "$stderr" "wf-stock: 'shopify-variant:41383274741953' is already an alias of SKU 'MUG-1'; one key names one SKU"
	run -1 --separate-stderr wf-stock sku alias TEE-M MUG-1
	assert_equal "$stderr" "wf-stock: 'MUG-1' is a SKU's own code, not a key to map to SKU 'TEE-M'"
	run -1 --separate-stderr wf-stock sku alias NOPE-1 shopify-variant:1
	[[ $stderr == *"unknown SKU 'NOPE-1'"* ]]
	run -2 --separate-stderr wf-stock sku alias MUG-1 $'shopify\e[31m'
	assert_output ''
	run -1 --separate-stderr wf-stock sku add shopify-variant:41383274741953
	assert_equal "$stderr" "wf-stock: 'shopify-variant:41383274741953' is an alias of SKU 'MUG-1' (wf-stock sku alias); one key names one SKU"
	run -0 --separate-stderr wf-stock sku alias MUG-1 other:1 --dry-run
	run -0 sql "SELECT alias FROM sku_alias ORDER BY alias"
	assert_output 'shopify-variant:41383274741953'
	run -0 wf log sku MUG-1
	assert_line --partial '"action":"alias","machine":null,"from":null,"to":null,"data":{"alias":"shopify-variant:41383274741953"}'
}

@test "sku import takes aliases, and refuses one that names another SKU, located" {
	run -0 --separate-stderr wf-stock sku import <<'EOF'
{"sku":"VASE-1","aliases":["shopify-variant:11","woocommerce-product:12"]}
EOF
	assert_output --partial '"sku":"VASE-1","result":"created"'
	run -0 sql "SELECT alias || '=' || (SELECT code FROM sku WHERE id = sku_id) FROM sku_alias ORDER BY alias"
	assert_output $'shopify-variant:11=VASE-1\nwoocommerce-product:12=VASE-1'
	run -3 --separate-stderr wf-stock sku import <<'EOF'
{"sku":"VASE-2","aliases":["shopify-variant:11"]}
EOF
	assert_equal "$stderr" "wf-stock: stdin:1: aliases[0]: 'shopify-variant:11' is already an alias of SKU 'VASE-1'; one key names one SKU (nothing applied)"
	run -0 sql "SELECT count(*) FROM sku WHERE code = 'VASE-2'"
	assert_output 0
}

@test "a line without a SKU holds the order naming sku alias and the title; an alias and release route it" {
	run -0 --separate-stderr wf-order import --from shopify < "$REAL"
	assert_output --partial '"hold_reason":"unknown SKU shopify-variant:41383274741953, shopify-variant:41383274741954"'
	run -0 wf-alert list
	assert_output --partial '"next_action":"Map shopify-variant:41383274741953 (\"Mug\") to its SKU (wf-stock sku alias SKU shopify-variant:41383274741953); map shopify-variant:41383274741954 (\"Tee\") to its SKU (wf-stock sku alias SKU shopify-variant:41383274741954), or add shopify-variant:41383274741953, shopify-variant:41383274741954 to the catalogue (wf-stock sku add), then wf-order release shopify:5001"'
	wf-stock sku alias MUG-1 shopify-variant:41383274741953 >/dev/null
	wf-stock sku alias TEE-M shopify-variant:41383274741954 >/dev/null
	run -0 --separate-stderr wf-order release shopify:5001
	assert_output --partial '"state":"new"'
	run -0 --separate-stderr wf-order reserve shopify:5001 --warehouse BER
	assert_output --partial '"state":"reserved"'
	[ "$(level MUG-1 reserved)" = 2 ]
	[ "$(level TEE-M reserved)" = 1 ]
}

@test "an alias known before the import resolves the line at once; the line keeps the channel's key" {
	map_variants
	run -0 --separate-stderr wf-order import --from shopify < "$REAL"
	assert_output --partial '"state":"new"'
	assert_output --partial '"hold_reason":null'
	run -0 --separate-stderr wf-order show shopify:5001
	assert_line --index 0 --partial '"lines":[{"line":1,"sku":"shopify-variant:41383274741953","known":true,"title":"Mug"'
	run -0 --separate-stderr wf-order import --from shopify < "$REAL"
	assert_output --partial '"result":"unchanged"'
}

@test "two products without a SKU or a variant never share one key" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 7 '{"id":71,"product_id":1,"variant_id":null,"sku":"","quantity":1,"price":"1.00"},{"id":72,"product_id":2,"variant_id":null,"sku":"","quantity":1,"price":"1.00"}')
	assert_output --partial '"hold_reason":"unknown SKU shopify-product:1, shopify-product:2"'
}

# ---- money-only lines ----------------------------------------------------------------

@test "tips, gift cards and custom items count in the money, never hold, reserve or ship" {
	map_variants
	run -0 --separate-stderr wf-order import --from shopify < "$REAL"
	# 2 x 12.50 + 19.90 + the tip 3.00 + the gift card 4.10 = 52.00
	assert_output --partial '"subtotal":"52.00","discount":"0.00","shipping_paid":"4.90","tax":"0.00","total":"56.90"'
	assert_output --partial '"lines":4'
	run -0 --separate-stderr wf-order show shopify:5001
	assert_line --index 0 --partial '"lines":[{"line":1,"sku":"shopify-variant:41383274741953","known":true,"title":"Mug","qty":2,"unit_price":"12.50","discount":"0.00","tax":"0.00","shipped":0,"returned":0,"id":"51"},{"line":2,"sku":"shopify-variant:41383274741954","known":true,"title":"Tee","qty":1,"unit_price":"19.90","discount":"0.00","tax":"0.00","shipped":0,"returned":0,"id":"52"}],"unshipped":[{"line":3,"why":"money","sku":"shopify-line:53","title":"Tip","qty":1,"unit_price":"3.00","discount":"0.00","tax":"0.00","id":"53"},{"line":4,"why":"money","sku":"GIFT-25","title":"Gift card","qty":1,"unit_price":"4.10","discount":"0.00","tax":"0.00","id":"54"}]'
	run -0 --separate-stderr wf-order reserve shopify:5001 --warehouse BER
	run -0 --separate-stderr wf-order pick shopify:5001
	run -0 --separate-stderr wf-order pack shopify:5001
	run -0 --separate-stderr wf-order ship shopify:5001 --carrier dhl --service parcel --tracking JD0001
	assert_output --partial '"state":"shipped"'
	run -0 wf-alert list
	assert_output ''
}

@test "a custom item and a line that needs no shipping: the order reserves with nothing to hold" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 8 '{"id":81,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":1,"price":"12.50"},{"id":82,"title":"Engraving","quantity":1,"price":"5.00"},{"id":83,"title":"Insurance","sku":"INS-1","product_id":3,"variant_id":4,"requires_shipping":false,"quantity":1,"price":"2.00"}')
	assert_output --partial '"state":"new"'
	assert_output --partial '"subtotal":"19.50"'
	run -0 --separate-stderr wf-order reserve shopify:8 --warehouse BER
	assert_output --partial '"state":"reserved"'
	[ "$(level MUG-1 reserved)" = 1 ]
}

# ---- refunded and cancelled quantities -----------------------------------------------

@test "a line refunded before shipping is not reserved; units no longer fulfillable are not either" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 9 '{"id":91,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":3,"price":"12.50"},{"id":92,"sku":"TEE-M","product_id":1,"variant_id":3,"quantity":2,"fulfillable_quantity":1,"fulfillment_status":null,"price":"19.90"}' ',"refunds":[{"id":1,"refund_line_items":[{"line_item_id":91,"quantity":2,"restock_type":"cancel"}]}]')
	run -0 --separate-stderr wf-order show shopify:9
	assert_line --index 0 --partial '"lines":[{"line":1,"sku":"MUG-1","known":true,"title":"","qty":1,'
	assert_line --index 0 --partial '{"line":2,"sku":"TEE-M","known":true,"title":"","qty":1,'
	assert_line --index 0 --partial '"unshipped":[{"line":1,"why":"cancelled","sku":"MUG-1","title":"","qty":2,'
	assert_line --index 0 --partial '{"line":2,"why":"cancelled","sku":"TEE-M","title":"","qty":1,'
	run -0 --separate-stderr wf-order reserve shopify:9 --warehouse BER
	[ "$(level MUG-1 reserved)" = 1 ]
	[ "$(level TEE-M reserved)" = 1 ]
}

@test "a line refunded in full ships nothing; a refund of returned units changes nothing to ship" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 10 '{"id":101,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":1,"price":"12.50"},{"id":102,"sku":"TEE-M","product_id":1,"variant_id":3,"quantity":1,"price":"19.90"},{"id":103,"sku":"NOPE-9","product_id":1,"variant_id":4,"quantity":1,"price":"1.00"}' ',"refunds":[{"id":1,"refund_line_items":[{"line_item_id":101,"quantity":1,"restock_type":"return"},{"line_item_id":103,"quantity":1,"restock_type":"no_restock"}]}]')
	# the refunded unknown SKU holds nothing
	assert_output --partial '"state":"new"'
	assert_output --partial '"hold_reason":null'
	run -0 --separate-stderr wf-order show shopify:10
	assert_line --index 0 --partial '"unshipped":[{"line":3,"why":"cancelled","sku":"NOPE-9"'
	run -0 --separate-stderr wf-order reserve shopify:10 --warehouse BER
	[ "$(level MUG-1 reserved)" = 1 ]
}

@test "an update that refunds units of an open order drops them from what is left to ship, with an event" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 11 '{"id":111,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":3,"price":"12.50"}' ',"updated_at":"2026-11-20T10:00:00Z"')
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 11 '{"id":111,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":3,"current_quantity":1,"price":"12.50"}' ',"updated_at":"2026-11-20T11:00:00Z"')
	assert_output --partial '"result":"updated"'
	run -0 wf log order shopify:11
	assert_line --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"lines[0].cancelled":{"from":0,"to":2},'
	run -0 --separate-stderr wf-order reserve shopify:11 --warehouse BER
	[ "$(level MUG-1 reserved)" = 1 ]
}

@test "more units refunded than ordered is refused, located" {
	run -3 --separate-stderr wf-order import --from shopify < <(shopify 12 '{"id":121,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":1,"price":"12.50"}' ',"refunds":[{"id":1,"refund_line_items":[{"line_item_id":121,"quantity":1},{"line_item_id":121,"quantity":1}]}]')
	assert_equal "$stderr" 'wf-order: stdin:1: line_items[0]: 2 units refunded or cancelled, more than the 1 ordered (nothing applied)'
}

# ---- cancelled units of an order that holds stock ------------------------------------

# shopify:21: 3 mugs and a tee, reserved at BER; shopify:21 again at 11:00
# with the refunds and the extra keys $1 (JSON members).
mug_tee() {
	shopify 21 '{"id":211,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":3,"price":"12.50"},{"id":212,"sku":"TEE-M","product_id":1,"variant_id":3,"quantity":1,"price":"19.90"}' ",\"updated_at\":\"${2:-2026-11-20T10:00:00Z}\"${1:-}"
}

cancel_refund() {	# cancel_refund MUGS TEES: a refund with restock_type cancel
	printf ',"refunds":[{"id":7,"refund_line_items":[{"line_item_id":211,"quantity":%s,"restock_type":"cancel"},{"line_item_id":212,"quantity":%s,"restock_type":"cancel"}]}]' "$1" "$2"
}

reserved_mug_tee() {
	mug_tee | wf-order import --from shopify >/dev/null
	wf-order reserve shopify:21 --warehouse BER >/dev/null
}

@test "an update that cancels units of a reserved order releases their reservation, with an event naming them" {
	reserved_mug_tee
	[ "$(level MUG-1 reserved)" = 3 ]
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 2 0)" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"reserved"'
	assert_equal "$stderr" ''
	[ "$(level MUG-1 reserved)" = 1 ]
	[ "$(level MUG-1 available)" = 9 ]
	[ "$(level MUG-1 on_hand)" = 10 ]
	[ "$(level TEE-M reserved)" = 1 ]
	run -0 --separate-stderr wf log order shopify:21
	assert_line --index 2 --partial '"action":"update","machine":null,"from":null,"to":null,"data":{"lines[0].cancelled":{"from":0,"to":2},"channel_updated_at":{"from":"2026-11-20T10:00:00Z","to":"2026-11-20T11:00:00Z"},"released":[{"sku":"MUG-1","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":2,"movement":'"$(sql "SELECT max(id) FROM movement")"'}]}}'
	assert_equal "${#lines[@]}" 3
	run -0 --separate-stderr wf-stock ledger --sku MUG-1 --format jsonl
	assert_line --index -1 --partial '"action":"unreserve","sku":"MUG-1","qty":2,"from":"BER/A-01","from_state":"reserved","to":"BER/A-01","to_state":"on_hand","holder":"shopify:21","ref":"shopify:21","reason":"cancelled at the channel"'
	run -0 --separate-stderr wf-order show shopify:21
	assert_line --index 0 --partial '"lines":[{"line":1,"sku":"MUG-1","known":true,"title":"","qty":1,'
	assert_line --index 0 --partial '"unshipped":[{"line":1,"why":"cancelled","sku":"MUG-1","title":"","qty":2,'
	# the same payload again changes nothing
	before=$(sql 'SELECT count(*) FROM event'),$(sql 'SELECT count(*) FROM movement')
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 2 0)" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event'),$(sql 'SELECT count(*) FROM movement')" "$before"
	[ "$(level MUG-1 reserved)" = 1 ]
	# what is left ships
	run -0 --separate-stderr wf-order ship shopify:21 --carrier dhl
	assert_line --index 0 --partial '"lines":[{"sku":"MUG-1","qty":1},{"sku":"TEE-M","qty":1}]'
	[ "$(level MUG-1 on_hand)" = 9 ]
}

@test "an update that cancels every unit left to ship cancels a reserved order and releases all it holds" {
	reserved_mug_tee
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 3 1),\"cancelled_at\":\"2026-11-20T11:00:00Z\",\"cancel_reason\":\"customer\"" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"customer"'
	[ "$(level MUG-1 reserved)" = 0 ]
	[ "$(level TEE-M reserved)" = 0 ]
	[ "$(level MUG-1 available)" = 10 ]
	run -0 --separate-stderr wf log order shopify:21
	assert_line --index 2 --partial '"data":{"lines[0].cancelled":{"from":0,"to":3},"lines[1].cancelled":{"from":0,"to":1},"channel_updated_at":{"from":"2026-11-20T10:00:00Z","to":"2026-11-20T11:00:00Z"},"released":[{"sku":"MUG-1","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":3,'
	assert_line --index 2 --partial '{"sku":"TEE-M","warehouse":"BER","bin":"BER/A-01","state":"reserved","qty":1,'
	assert_line --index 2 --partial '"legs_dropped":["BER"]}}'
	assert_line --index 3 --partial '"action":"cancel","machine":"order","from":"reserved","to":"cancelled","data":{"reason":"customer"}}'
	# a cancellation the cut carried out is no conflict
	run -0 --separate-stderr wf-alert list
	assert_output ''
	run -0 sql "SELECT count(*) FROM order_route"
	assert_output 0
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 3 1),\"cancelled_at\":\"2026-11-20T11:00:00Z\",\"cancel_reason\":\"customer\"" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"unchanged"'
}

@test "units cancelled after they were packed go back on hand in their bin, and a person is told to take them out" {
	reserved_mug_tee
	wf-order pick shopify:21 >/dev/null
	wf-order pack shopify:21 >/dev/null
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 1 0)" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"packed"'
	[ "$(level MUG-1 packed)" = 2 ]
	[ "$(level MUG-1 available)" = 8 ]
	run -0 --separate-stderr wf-stock ledger --sku MUG-1 --format jsonl
	assert_line --index -1 --partial '"action":"unpack","sku":"MUG-1","qty":1,"from":"BER/A-01","from_state":"packed","to":"BER/A-01","to_state":"on_hand","holder":"shopify:21"'
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_output --partial '"kind":"order_put_back","subject":"order shopify:21","owner":"fulfilment"'
	assert_output --partial '"evidence":{"state":"packed","put_back":[{"sku":"MUG-1","warehouse":"BER","bin":"BER/A-01","state":"packed","qty":1,'
	assert_output --partial '"units":1,'
	assert_output --partial '"next_action":"The channel cancelled units of shopify:21 that were already picked or packed; the ledger has them back on hand in their bins: take them out of the order'\''s tote or parcel and put them back (1 MUG-1 packed at BER/A-01), then resolve this (wf-alert resolve)"'
	# the parcel ships what is left
	run -0 --separate-stderr wf-order ship shopify:21 --carrier dhl
	assert_line --index 0 --partial '"lines":[{"sku":"MUG-1","qty":2},{"sku":"TEE-M","qty":1}]'
	assert_line --index 1 --partial '"state":"shipped"'
}

@test "a picked order whose every unit is cancelled is cancelled, its shipment too, and the units go back" {
	reserved_mug_tee
	wf-order pick shopify:21 >/dev/null
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 3 1)" 2026-11-20T11:00:00Z)
	assert_output --partial '"state":"cancelled"'
	assert_output --partial '"cancel_reason":"the channel cancelled every unit left to ship"'
	[ "$(level MUG-1 picked)" = 0 ]
	[ "$(level MUG-1 available)" = 10 ]
	run -0 sql "SELECT state FROM shipment"
	assert_output cancelled
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_output --partial '"kind":"order_put_back"'
	assert_output --partial '(3 MUG-1 picked at BER/A-01, 1 TEE-M picked at BER/A-01)'
}

@test "a split order whose one leg shipped and whose other units are all cancelled is shipped, the picked ones put back" {
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock apply >/dev/null <<<'{"type":"movement","action":"move","sku":"TEE-M","qty":5,"from":"BER/A-01","to":"MUC/A-01"}'
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	wf-route carrier add MUC ups standard --cutoff 16:00 --transit-days 2 --cost 5.00 >/dev/null
	tees() { shopify 22 '{"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":3,"price":"12.50"},{"sku":"TEE-M","product_id":1,"variant_id":3,"quantity":2,"current_quantity":'"$1"',"price":"19.90"}' ',"shipping_address":{"name":"Ann","country_code":"DE","zip":"10115","city":"Berlin"}'; }
	tees 2 | wf-order import --from shopify >/dev/null
	run -0 --separate-stderr wf-route --new --split --apply --format jsonl </dev/null
	assert_output --partial '"result":"split"'
	wf-order ship shopify:22 --warehouse BER >/dev/null
	wf-order pick shopify:22 >/dev/null
	run -0 --separate-stderr wf-order import --from shopify < <(tees 0)
	assert_output --partial '"result":"updated"'
	assert_output --partial '"state":"shipped"'
	run -0 --separate-stderr wf-stock levels --sku TEE-M --warehouse MUC --format jsonl
	assert_output --partial '"on_hand":5,"reserved":0,"available":5'
	run -0 --separate-stderr wf log order shopify:22
	assert_output --partial '"released":[{"sku":"TEE-M","warehouse":"MUC","bin":"MUC/A-01","state":"picked","qty":2,'
	assert_output --partial '"legs_dropped":["MUC"]}'
	assert_output --partial '"action":"ship","machine":"order","from":"picked","to":"shipped","data":{"reason":"the channel cancelled the units left to ship"}'
	run -0 sql "SELECT w.code || ' ' || s.state FROM shipment s JOIN warehouse w ON w.id = s.warehouse_id ORDER BY w.code"
	assert_output $'BER shipped\nMUC cancelled'
	run -0 --separate-stderr wf-alert list --kind order_put_back --format jsonl
	assert_output --partial '(2 TEE-M picked at MUC/A-01)'
}

@test "a change of a reserved order beyond cancelled units is still a conflict, and releases nothing" {
	reserved_mug_tee
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 1 0),\"shipping_address\":{\"name\":\"Bo\",\"country_code\":\"DE\"}" 2026-11-20T11:00:00Z)
	assert_output --partial '"result":"conflict"'
	[ "$(level MUG-1 reserved)" = 3 ]
	run -0 --separate-stderr wf-alert list --kind order_changed --format jsonl
	assert_output --partial '"lines[0].cancelled":{"from":0,"to":1}'
	# units coming back (fewer cancelled than before) are a conflict too
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "$(cancel_refund 1 0)" 2026-11-20T12:00:00Z)
	assert_output --partial '"result":"updated"'
	[ "$(level MUG-1 reserved)" = 2 ]
	run -0 --separate-stderr wf-order import --from shopify < <(mug_tee "" 2026-11-20T13:00:00Z)
	assert_output --partial '"result":"conflict"'
	[ "$(level MUG-1 reserved)" = 2 ]
}

# ---- totals --------------------------------------------------------------------------

@test "a total that does not add up imports as given, with an exception showing both; one that does clears it" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 13 '{"id":131,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":2,"price":"12.50"}' ',"subtotal_price":"20.00","total_price":"20.00","updated_at":"2026-11-20T10:00:00Z"')
	assert_output --partial '"subtotal":"20.00","discount":"0.00","shipping_paid":"0.00","tax":"0.00","total":"20.00"'
	run -0 wf-alert list
	assert_output --partial '"kind":"order_totals_mismatch","subject":"order shopify:13"'
	assert_output --partial '"evidence":{"total":"20.00","adds_up_to":"25.00","subtotal":"20.00","discount":"0.00","shipping_paid":"0.00","tax":"0.00","taxes_included":false}'
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 13 '{"id":131,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":2,"price":"12.50"}' ',"subtotal_price":"25.00","total_price":"25.00","updated_at":"2026-11-20T11:00:00Z"')
	assert_output --partial '"result":"updated"'
	assert_output --partial '"subtotal":"25.00"'
	run -0 wf-alert list
	assert_output ''
}

@test "a difference of rounding is no exception" {
	run -0 --separate-stderr wf-order import --from shopify < <(shopify 14 '{"id":141,"sku":"MUG-1","product_id":1,"variant_id":2,"quantity":1,"price":"12.50","tax_lines":[{"price":"2.37"}]},{"id":142,"sku":"TEE-M","product_id":1,"variant_id":3,"quantity":1,"price":"19.90"}' ',"total_tax":"2.38","total_price":"34.80"')
	run -0 wf-alert list
	assert_output ''
}

@test "the legacy fixture's subtotal is its own, and its total raises the exception" {
	wf-stock sku import <<'EOF' >/dev/null
{"sku":"IPOD2008GREEN","currency":"USD"}
{"sku":"IPOD2008RED","currency":"USD"}
{"sku":"IPOD2008BLACK","currency":"USD"}
EOF
	run -0 --separate-stderr wf-order import --from shopify < "$PLATFORMS/shopify_order_legacy.json"
	assert_output --partial '"subtotal":"398.00"'
	run -0 wf-alert list
	assert_output --partial '"evidence":{"total":"409.94","adds_up_to":"608.94","subtotal":"398.00"'
	# the list with refunds adds up: two of its three lines were refunded
	# before anything shipped, and one is left to ship
	run -0 --separate-stderr wf-order import --from shopify < <(jq -c '.orders[] | .updated_at = "2008-01-11T11:00:00-05:00"' "$PLATFORMS/shopify_orders_list_with_refunds.json")
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr wf-order show shopify:450789469
	assert_line --index 0 --partial '"lines":[{"line":2,"sku":"IPOD2008RED",'
	run -0 wf-alert list
	assert_output ''
}
