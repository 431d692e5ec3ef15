#!/usr/bin/env bats
# wf-order track: carrier tracking events (EasyPost trackers and webhook
# events, generic lines) move the shipment their tracking number names, in
# the carrier's time order and never backwards; a failed delivery raises
# delivery_failed on the order and a later delivery resolves it; unknown
# tracking numbers stop the batch, or are skipped under --keep-going.

load helper

TRACKER=$PLATFORMS/easypost_tracker_retrieve.json
USPS=9405500207552011812894

setup() {
	wf_setup
	wf_init
	wf-stock warehouse add BER --country DE >/dev/null
	wf-stock bin add BER/A-01 >/dev/null
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-stock receive MUG-1 100 --to BER/A-01 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# shipped ID TRACKING [PROMISE]: order shop:ID of 3 MUG-1, shipped by dhl
# from BER as SH-N with TRACKING, promised by PROMISE when given.
shipped() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-11-18T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},%s"lines":[{"sku":"MUG-1","qty":3,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"30.00"}}\n' \
		"$1" "${3:+\"promise_by\":\"$3\",}" | wf-order import >/dev/null
	wf-order reserve "shop:$1" --warehouse BER >/dev/null
	wf-order ship "shop:$1" --carrier dhl --tracking "$2" >/dev/null
}

# ev TRACKING STATUS AT [MESSAGE]: one generic tracking line.
ev() {
	jq -nc --arg t "$1" --arg s "$2" --arg a "$3" --arg m "${4-}" \
		'{type:"tracking",tracking:$t,status:$s,at:$a} + (if $m == "" then {} else {message:$m} end)'
}

state_of() {
	wf-order shipments --format jsonl | jq -r --arg s "$1" 'select(.shipment == $s) | .state'
}

# The fixture's tracker with more details: STATUS at DATETIME with MESSAGE.
tracker_with() {
	jq -c --arg s "$1" --arg d "$2" --arg m "$3" \
		'.tracking_details += [{object:"TrackingDetail",status:$s,datetime:$d,message:$m}] | .status = $s' "$TRACKER"
}

# ---- the EasyPost fixture ------------------------------------------------------------

@test "the EasyPost tracker fixture: its pre_transit events are kept, and the same tracker again is unchanged" {
	shipped 1 "$USPS"
	run -0 --separate-stderr wf-order track --from easypost <"$TRACKER"
	assert_output --partial '"shipment":"SH-1","order":"shop:1","warehouse":"BER","state":"shipped"'
	assert_output --partial '"tracked_at":"2023-12-24T12:44:43Z","status":"pre_transit","message":"Shipping Label Created","result":"updated"'
	assert_equal "$stderr" ''
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r 'select(.action == "track") | .data.message' <<<"$output")" \
		"$(printf 'Pre-Shipment Info Sent to USPS\nShipping Label Created')"
	before=$(sql 'SELECT count(*) FROM event')
	run -0 --separate-stderr wf-order track --from easypost <"$TRACKER"
	assert_output --partial '"state":"shipped"'
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$before"
}

@test "the fixture's tracker delivered, as a webhook event: the shipment and the order are delivered at the carrier's time" {
	shipped 1 "$USPS"
	tracker_with delivered 2023-12-27T15:00:00Z 'Delivered, In/At Mailbox' |
		jq -c '{object:"Event",description:"tracker.updated",result:.}' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_output --partial '"state":"delivered"'
	assert_output --partial '"delivered_at":"2023-12-27T15:00:00Z"'
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr wf-order show shop:1 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" delivered
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_output --partial '"result":"unchanged"'
}

@test "a tracking number written as a JSON number is kept exactly as written" {
	shipped 1 "$USPS"
	jq -c '.tracking_code = 0' "$TRACKER" | sed "s/\"tracking_code\":0/\"tracking_code\":$USPS/" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '"\(.shipment) \(.tracking) \(.result)"' <<<"$output")" "SH-1 $USPS updated"
}

@test "an EasyPost tracker list, pretty-printed, is read as its trackers" {
	shipped 1 "$USPS"
	jq '{trackers: [.]}' "$TRACKER" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r .result <<<"$output")" updated
}

# ---- order and repetition ------------------------------------------------------------

@test "an out-of-order event stream ends delivered, and the late in_transit changes nothing" {
	shipped 1 1Z001
	{
		ev 1Z001 out_for_delivery 2026-11-21T07:00:00Z
		ev 1Z001 delivered 2026-11-21T12:00:00Z
		ev 1Z001 in_transit 2026-11-20T18:00:00Z 'Departed facility'
	} >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '"\(.state) \(.result)"' <<<"$output")" \
		"$(printf 'in_transit updated\ndelivered updated\ndelivered unchanged')"
	assert_equal "$(state_of SH-1)" delivered
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r 'select(.machine == "shipment") | .action' <<<"$output")" \
		"$(printf 'create\nship\ntransit\ndeliver')"
	run -0 --separate-stderr wf-order show shop:1 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" delivered
}

@test "events given in reverse in one tracker are applied by their time" {
	shipped 1 "$USPS"
	jq -c '.tracking_details = ([
		{status:"delivered",datetime:"2023-12-27T15:00:00Z",message:"Delivered"},
		{status:"in_transit",datetime:"2023-12-25T10:00:00Z",message:"Arrived at hub"}
	] + .tracking_details) | .status = "delivered"' "$TRACKER" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_output --partial '"state":"delivered"'
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r 'select(.machine == "shipment") | .action' <<<"$output" | tail -2)" \
		"$(printf 'transit\ndeliver')"
}

@test "a delivery a few minutes older than the last scan still delivers: nothing after it would have moved the parcel" {
	shipped 1 1Z001
	ev 1Z001 out_for_delivery 2026-11-21T14:05:00Z | wf-order track >/dev/null
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 delivered 2026-11-21T14:00:00Z 'Handed to resident')"
	assert_output --partial '"state":"delivered"'
	assert_output --partial '"delivered_at":"2026-11-21T14:00:00Z"'
	assert_output --partial '"tracked_at":"2026-11-21T14:05:00Z"'
	assert_output --partial '"result":"updated"'
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 delivered 2026-11-21T14:00:00Z 'Handed to resident')"
	assert_output --partial '"result":"unchanged"'
}

@test "a failure older than the last scan changes nothing: the parcel moved on after it" {
	shipped 1 1Z001
	ev 1Z001 in_transit 2026-11-21T15:00:00Z | wf-order track >/dev/null
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 failure 2026-11-21T14:00:00Z 'No access')"
	assert_output --partial '"state":"in_transit"'
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_output ''
}

@test "a repeated event prints unchanged and writes nothing" {
	shipped 1 1Z001
	ev 1Z001 in_transit 2026-11-20T18:00:00Z | wf-order track >/dev/null
	before=$(sql 'SELECT count(*) FROM event')
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 in_transit 2026-11-20T18:00:00Z)"
	assert_output --partial '"state":"in_transit"'
	assert_output --partial '"result":"unchanged"'
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$before"
}

@test "nothing moves a delivered shipment backwards, however late the event says it is" {
	shipped 1 1Z001
	ev 1Z001 delivered 2026-11-21T12:00:00Z | wf-order track >/dev/null
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 failure 2026-11-22T09:00:00Z 'Damaged')"
	assert_output --partial '"state":"delivered"'
	assert_output --partial '"result":"unchanged"'
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_output ''
}

# ---- failures ------------------------------------------------------------------------------

@test "a failed delivery raises delivery_failed with the carrier's message; a later delivery resolves it" {
	shipped 1 1Z001
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 failure 2026-11-21T11:00:00Z 'Addressee not available')"
	assert_output --partial '"state":"failed"'
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_equal "$(jq -r '"\(.kind) \(.subject) \(.owner) \(.state)"' <<<"$output")" \
		'delivery_failed order shop:1 fulfilment open'
	assert_equal "$(jq -r .evidence.message <<<"$output")" 'Addressee not available'
	assert_equal "$(jq -r .evidence.shipment <<<"$output")" SH-1
	assert_output --partial 'ask the customer of shop:1 to confirm the address, then ask dhl to deliver SH-1 (tracking 1Z001) again'
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 delivered 2026-11-22T10:00:00Z)"
	assert_output --partial '"state":"delivered"'
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r 'select(.machine == "shipment") | "\(.action) \(.to)"' <<<"$output" | tail -3)" \
		"$(printf 'fail failed\nretry in_transit\ndeliver delivered')"
	run -0 --separate-stderr wf-alert list --all --format jsonl
	assert_equal "$(jq -r '"\(.kind) \(.state)"' <<<"$output")" 'delivery_failed resolved'
	run -0 --separate-stderr wf-order show shop:1 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" delivered
}

@test "in transit again after a failure is the retry, and resolves the exception" {
	shipped 1 1Z001
	ev 1Z001 failure 2026-11-21T11:00:00Z 'No access' | wf-order track >/dev/null
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 in_transit 2026-11-21T18:00:00Z)"
	assert_output --partial '"state":"in_transit"'
	run -0 --separate-stderr wf-alert list --all --format jsonl
	assert_equal "$(jq -r .state <<<"$output")" resolved
}

@test "return_to_sender: the shipment goes back through in_transit and the exception says what to do" {
	shipped 1 1Z001
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 return_to_sender 2026-11-23T09:00:00Z 'Refused by recipient')"
	assert_output --partial '"state":"returned_to_sender"'
	run -0 --separate-stderr wf log shipment SH-1 --format jsonl
	assert_equal "$(jq -r 'select(.machine == "shipment") | .action' <<<"$output" | tail -2)" \
		"$(printf 'transit\nreturn_to_sender')"
	run -0 --separate-stderr wf-alert list --format jsonl
	assert_equal "$(jq -r '"\(.kind) \(.evidence.status) \(.evidence.message)"' <<<"$output")" \
		'delivery_failed return_to_sender Refused by recipient'
	assert_output --partial 'SH-1 (tracking 1Z001) is going back to the warehouse'
	# a returned parcel is not delivered later by a stray event
	run -0 --separate-stderr wf-order track <<<"$(ev 1Z001 delivered 2026-11-24T09:00:00Z)"
	assert_output --partial '"state":"returned_to_sender"'
	assert_output --partial '"result":"unchanged"'
}

# ---- the order -------------------------------------------------------------------------------

@test "delivered after the order's promise is recorded as a late delivery on the order" {
	shipped 1 1Z001 2026-11-21T18:00:00Z
	shipped 2 1Z002 2026-11-23T18:00:00Z
	{ ev 1Z001 delivered 2026-11-22T10:00:00Z; ev 1Z002 delivered 2026-11-22T10:00:00Z; } |
		wf-order track >/dev/null
	run -0 --separate-stderr wf log order shop:1 --format jsonl
	assert_equal "$(jq -c 'select(.action == "late_delivery") | .data' <<<"$output")" \
		'{"shipment":"SH-1","promise":"2026-11-21T18:00:00Z","delivered_at":"2026-11-22T10:00:00Z"}'
	run -0 --separate-stderr wf log order shop:2 --format jsonl
	refute_output --partial late_delivery
}

@test "a split order is delivered when its last shipment is; each leg is late against its own route promise" {
	wf-stock warehouse add MUC --country DE >/dev/null
	wf-stock bin add MUC/A-01 >/dev/null
	wf-stock sku add TEE-M --cost 4.00 --price 10.00 >/dev/null
	wf-stock receive TEE-M 5 --to MUC/A-01 >/dev/null
	for wh in BER MUC; do
		wf-route carrier add "$wh" dhl parcel --cutoff 16:00 --transit-days 1 --cost 4.10 --countries DE >/dev/null
	done
	printf '{"type":"order","channel":"shop","external_id":"7","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"},{"sku":"TEE-M","qty":1,"unit_price":"10.00"}],"payment":{"status":"paid","amount":"20.00"}}\n' |
		wf-order import >/dev/null
	wf-route shop:7 --apply --split >/dev/null
	wf-order ship shop:7 --warehouse BER --tracking 1ZBER >/dev/null
	wf-order ship shop:7 --warehouse MUC --tracking 1ZMUC >/dev/null
	run -0 --separate-stderr wf-order track <<<"$(ev 1ZBER delivered 2026-11-21T10:00:00Z)"
	run -0 --separate-stderr wf-order show shop:7 --format jsonl
	assert_equal "$(head -1 <<<"$output" | jq -r .state)" shipped
	run -0 --separate-stderr wf-order track <<<"$(ev 1ZMUC delivered 2026-11-22T11:00:00Z)"
	run -0 --separate-stderr wf log order shop:7 --format jsonl
	assert_equal "$(jq -c 'select(.action == "late_delivery" or .action == "deliver") | [.action, .data]' <<<"$output")" \
		"$(printf '%s\n' '["late_delivery",{"shipment":"SH-2","promise":"2026-11-21T16:00:00Z","delivered_at":"2026-11-22T11:00:00Z"}]' \
			'["deliver",{"shipment":"SH-2","delivered_at":"2026-11-22T11:00:00Z"}]')"
}

# ---- unknown numbers and hostile input -----------------------------------------------------

@test "an unknown tracking number stops the batch, naming it" {
	shipped 1 1Z001
	{ ev 1Z001 in_transit 2026-11-20T18:00:00Z; ev 1ZNOPE delivered 2026-11-21T12:00:00Z; } >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr wf-order track <"$BATS_TEST_TMPDIR/in"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:2: tracking: no shipment has tracking number '1ZNOPE' (nothing applied)"
	assert_equal "$(state_of SH-1)" shipped
}

@test "--keep-going reports an unknown tracking number on stderr, applies the rest and exits 0" {
	shipped 1 1Z001
	{ ev 1ZNOPE delivered 2026-11-21T12:00:00Z; ev 1Z001 in_transit 2026-11-20T18:00:00Z; } >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --keep-going <"$BATS_TEST_TMPDIR/in"
	assert_equal "$stderr" "wf-order: stdin:1: tracking: no shipment has tracking number '1ZNOPE': skipped"
	assert_equal "$(jq -r '"\(.shipment) \(.state)"' <<<"$output")" 'SH-1 in_transit'
}

@test "a webhook event that is not about a tracker is skipped with a note" {
	run -0 --separate-stderr wf-order track --from easypost <<<'{"object":"Event","description":"refund.successful","result":{"object":"Refund"}}'
	assert_output ''
	assert_equal "$stderr" 'wf-order: stdin:1: an EasyPost refund.successful event, not about a tracker: skipped'
}

@test "a carrier message with bytes that act on a terminal: refused in a generic line, escaped from EasyPost" {
	shipped 1 1Z001
	run -3 --separate-stderr wf-order track <<<"$(ev 1Z001 in_transit 2026-11-20T18:00:00Z $'Hub\e[2J')"
	assert_equal "$stderr" 'wf-order: stdin:1: message: control character U+001B in text (nothing applied)'
	shipped 2 "$USPS"
	tracker_with in_transit 2023-12-25T10:00:00Z $'Arrived\e]0;pwned\a \u202etxt' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r .message <<<"$output")" 'Arrived\u001b]0;pwned\u0007 \u202etxt'
	refute_output --partial $'\e'
}

@test "huge strings: a long carrier message is cut, a long tracking number or too long a line refused" {
	shipped 1 "$USPS"
	head -c 200000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/long"
	jq -c --rawfile m "$BATS_TEST_TMPDIR/long" \
		'.tracking_details += [{status:"in_transit",datetime:"2023-12-25T10:00:00Z",message:$m}]' "$TRACKER" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr wf-order track --from easypost <"$BATS_TEST_TMPDIR/in"
	assert_equal "$(jq -r '.message | length' <<<"$output")" 1000
	run -3 --separate-stderr wf-order track <<<"$(ev "$(head -c 300 /dev/zero | tr '\0' 1)" delivered 2026-11-21T12:00:00Z)"
	assert_equal "$stderr" 'wf-order: stdin:1: tracking: longer than 128 bytes (nothing applied)'
	before=$(sql 'SELECT count(*) FROM event')
	head -c 2000000 /dev/zero | tr '\0' x | jq -Rc '{type:"tracking",tracking:"1Z",status:"delivered",at:"2026-11-21T12:00:00Z",message:.}' >"$BATS_TEST_TMPDIR/big"
	run -3 --separate-stderr wf-order track <"$BATS_TEST_TMPDIR/big"
	assert_output ''
	assert_equal "$stderr" 'wf-order: stdin:1: line is longer than the limit of 1048576 bytes (nothing applied)'
	assert_equal "$(sql 'SELECT count(*) FROM event')" "$before"
}

@test "an event time far ahead of the clock is refused: it would freeze the shipment" {
	shipped 1 1Z001
	run -3 --separate-stderr wf-order track <<<"$(ev 1Z001 delivered 9999-01-01T00:00:00Z)"
	assert_equal "$stderr" 'wf-order: stdin:1: at: 9999-01-01T00:00:00Z is more than 7 days after the clock (2026-11-20T09:00:00Z): the carrier'"'"'s clock is wrong (nothing applied)'
	assert_equal "$(state_of SH-1)" shipped
}

@test "a payload of the wrong kind names the --from or command that reads it" {
	run -3 --separate-stderr wf-order track <<<"$(jq -c . "$TRACKER")"
	assert_equal "$stderr" 'wf-order: stdin:1: an EasyPost tracker, not a generic tracking line: read it with wf-order track --from easypost (nothing applied)'
	run -3 --separate-stderr wf-order track --from easypost <<<"$(ev 1Z001 delivered 2026-11-21T12:00:00Z)"
	assert_equal "$stderr" 'wf-order: stdin:1: a generic tracking line, not an EasyPost tracker: read it with wf-order track --from generic (nothing applied)'
	run -3 --separate-stderr wf-order track --from easypost <"$PLATFORMS/shopify_refund.json"
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: not an EasyPost tracker (no tracking_code): a Shopify refund, not an order: refunds are read by wf-order import --from shopify-refund (nothing applied)"
	run -3 --separate-stderr wf-order track <<<'{"type":"order","channel":"shop","external_id":"9"}'
	assert_equal "$stderr" "wf-order: stdin:1: type: expected \"tracking\", got 'order': orders are read by wf-order import (nothing applied)"
}

@test "a generic line: a misspelt status or key is refused with the nearest" {
	shipped 1 1Z001
	run -3 --separate-stderr wf-order track <<<"$(ev 1Z001 delivred 2026-11-21T12:00:00Z)"
	assert_equal "$stderr" "wf-order: stdin:1: status: expected in_transit, out_for_delivery, delivered, failure or return_to_sender, got 'delivred'; did you mean 'delivered'? (nothing applied)"
	run -3 --separate-stderr wf-order track <<<'{"type":"tracking","tracking":"1Z001","status":"delivered","at":"2026-11-21T12:00:00Z","mesage":"x"}'
	assert_output ''
	assert_equal "$stderr" "wf-order: stdin:1: mesage: unknown key; did you mean 'message'? (nothing applied)"
}

@test "the demo delivers shop:1002 by its carrier's events, a late one changing nothing" {
	WF_DEMO_DIR=$BATS_TEST_TMPDIR/demo run -0 --separate-stderr \
		"$BATS_TEST_DIRNAME/demo.sh"
	assert_line "== wf-order: the carrier's tracking events deliver shop:1002 =="
	assert_line --regexp '^SH-1 +shop:1002 +in_transit +dhl +00340434161094042557 +in_transit +[0-9T:Z-]+ +updated$'
	assert_line --regexp '^SH-1 +shop:1002 +delivered +dhl +00340434161094042557 +delivered +[0-9T:Z-]+ +updated$'
	assert_line --regexp '^SH-1 +shop:1002 +delivered +dhl +00340434161094042557 +out_for_delivery +[0-9T:Z-]+ +unchanged$'
	assert_equal "$stderr" ''
}
