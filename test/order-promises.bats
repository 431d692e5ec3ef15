#!/usr/bin/env bats
# wf-order promises: of the legs that shipped with a promise, how many were
# delivered by it.  A worked example, counted by hand: legs on time, late,
# exactly at the promise, still open, open past their promise (overdue),
# and one without a promise, which is not counted.

load helper

setup() {
	wf_setup
	wf_init
	for wh in BER MUC; do
		wf-stock warehouse add $wh --country DE >/dev/null
		wf-stock bin add $wh/A-01 >/dev/null
	done
	wf-stock sku add MUG-1 --cost 4.00 --price 10.00 >/dev/null
	wf-stock receive MUG-1 100 --to BER/A-01 >/dev/null
	wf-stock receive MUG-1 100 --to MUC/A-01 >/dev/null
}

teardown() {
	run -0 --separate-stderr wf check
	assert_output ''
}

# shipped ID WH CARRIER [PROMISE]: order shop:ID of one MUG-1, promised by
# PROMISE when given, shipped now from WH by CARRIER with tracking T-ID.
shipped() {
	printf '{"type":"order","channel":"shop","external_id":"%s","placed_at":"2026-10-01T08:00:00Z","currency":"EUR",%s"lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"}]}\n' \
		"$1" "${4:+\"promise_by\":\"$4\",}" | wf-order import >/dev/null
	wf-order reserve "shop:$1" --warehouse "$2" >/dev/null
	wf-order ship "shop:$1" --carrier "$3" --tracking "T-$1" >/dev/null
}

# delivered ID AT: the carrier delivered shop:ID's parcel at AT.
delivered() {
	printf '{"type":"tracking","tracking":"T-%s","status":"delivered","at":"%s"}\n' "$1" "$2" |
		wf-order track >/dev/null
}

# The example.  Shipped 2026-11-20T09:00Z unless said; asked 2026-11-25.
example() {
	shipped 1 BER dhl 2026-11-23T18:00:00Z       # delivered before: on time
	shipped 2 BER dhl 2026-11-22T18:00:00Z       # delivered after: late
	shipped 3 BER dhl 2026-11-30T18:00:00Z       # not delivered, promise ahead: open
	shipped 4 BER ups 2026-11-21T18:00:00Z       # not delivered, promise passed: open, overdue
	shipped 5 BER dhl                            # no promise: not counted
	WF_NOW=2026-10-30T10:00:00Z shipped 6 MUC dhl 2026-11-02T12:00:00Z   # delivered at the promise: on time
	export WF_NOW=2026-11-25T00:00:00Z
	delivered 1 2026-11-22T10:00:00Z
	delivered 2 2026-11-23T10:00:00Z
	delivered 5 2026-11-23T10:00:00Z
	delivered 6 2026-11-02T12:00:00Z
	printf '{"type":"tracking","tracking":"T-4","status":"in_transit","at":"2026-11-21T07:00:00Z"}\n' |
		wf-order track >/dev/null
}

@test "by warehouse and carrier: on time, late, open and overdue legs counted, the rate on_time / delivered" {
	example
	run -0 --separate-stderr wf-order promises
	assert_equal "$stderr" ''
	assert_equal "$output" '{"type":"promises","warehouse":"BER","carrier":"dhl","shipped":3,"delivered":2,"on_time":1,"late":1,"open":1,"overdue":0,"rate":"0.500"}
{"type":"promises","warehouse":"BER","carrier":"ups","shipped":1,"delivered":0,"on_time":0,"late":0,"open":1,"overdue":1,"rate":null}
{"type":"promises","warehouse":"MUC","carrier":"dhl","shipped":1,"delivered":1,"on_time":1,"late":0,"open":0,"overdue":0,"rate":"1.000"}'
}

@test "by carrier: the rate is rounded down, so 2 of 3 is 0.666" {
	example
	run -0 --separate-stderr wf-order promises --by carrier
	assert_equal "$output" '{"type":"promises","carrier":"dhl","shipped":4,"delivered":3,"on_time":2,"late":1,"open":1,"overdue":0,"rate":"0.666"}
{"type":"promises","carrier":"ups","shipped":1,"delivered":0,"on_time":0,"late":0,"open":1,"overdue":1,"rate":null}'
}

@test "by warehouse and by the month a leg shipped; --since and --until on when it shipped" {
	example
	run -0 --separate-stderr wf-order promises --by warehouse
	assert_equal "$output" '{"type":"promises","warehouse":"BER","shipped":4,"delivered":2,"on_time":1,"late":1,"open":2,"overdue":1,"rate":"0.500"}
{"type":"promises","warehouse":"MUC","shipped":1,"delivered":1,"on_time":1,"late":0,"open":0,"overdue":0,"rate":"1.000"}'
	run -0 --separate-stderr wf-order promises --by month
	assert_equal "$output" '{"type":"promises","month":"2026-10","shipped":1,"delivered":1,"on_time":1,"late":0,"open":0,"overdue":0,"rate":"1.000"}
{"type":"promises","month":"2026-11","shipped":4,"delivered":2,"on_time":1,"late":1,"open":2,"overdue":1,"rate":"0.500"}'
	run -0 --separate-stderr wf-order promises --by month --since 2026-11-01T00:00:00Z
	assert_equal "$(jq -r .month <<<"$output")" 2026-11
	run -0 --separate-stderr wf-order promises --by month --until 2026-11-01T00:00:00Z
	assert_equal "$(jq -r .month <<<"$output")" 2026-10
}

@test "an overdue leg delivered late moves from open to late; a delivery by hand counts at its time" {
	example
	delivered 4 2026-11-24T09:00:00Z
	run -0 --separate-stderr wf-order promises --by carrier
	assert_line '{"type":"promises","carrier":"ups","shipped":1,"delivered":1,"on_time":0,"late":1,"open":0,"overdue":0,"rate":"0.000"}'
	# delivered by hand now (2026-11-25), before shop:3's promise
	wf-order deliver shop:3 >/dev/null
	run -0 --separate-stderr wf-order promises --by carrier
	assert_line '{"type":"promises","carrier":"dhl","shipped":4,"delivered":4,"on_time":3,"late":1,"open":0,"overdue":0,"rate":"0.750"}'
}

@test "nothing shipped with a promise prints nothing; a bad grouping or range is a usage error" {
	run -0 --separate-stderr wf-order promises
	assert_output ''
	shipped 5 BER dhl
	run -0 --separate-stderr wf-order promises
	assert_output ''
	run -2 --separate-stderr wf-order promises --by day
	assert_output ''
	[[ $stderr == *"--by"*"day"* ]]
	run -2 --separate-stderr wf-order promises --since 2026-11-20T00:00:00Z --until 2026-11-01T00:00:00Z
	assert_output ''
	[[ $stderr == *"--until must be later than --since"* ]]
}

@test "a routed leg is held to its route's promise, not the order's later one, as wf-order track's late_delivery is" {
	wf-route carrier add BER dhl parcel --cutoff 14:00 --transit-days 2 --cost 4.10 >/dev/null
	printf '{"type":"order","channel":"shop","external_id":"7","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"country":"DE"},"promise_by":"2026-11-30T18:00:00Z","lines":[{"sku":"MUG-1","qty":1,"unit_price":"10.00"}]}\n' |
		wf-order import >/dev/null
	wf-route --apply shop:7 </dev/null >/dev/null
	wf-order ship shop:7 --tracking T-7 >/dev/null
	leg=$(sql "SELECT promise FROM order_route")
	[[ $leg < 2026-11-30T18:00:00Z ]]
	# an hour past the leg's promise, days before the order's
	late=$(date -u -d "${leg%Z} UTC + 1 hour" +%Y-%m-%dT%H:%M:%SZ)
	delivered 7 "$late"
	run -0 --separate-stderr wf-order promises
	assert_output '{"type":"promises","warehouse":"BER","carrier":"dhl","shipped":1,"delivered":1,"on_time":0,"late":1,"open":0,"overdue":0,"rate":"0.000"}'
	run -0 --separate-stderr wf log order shop:7 --format jsonl
	assert_equal "$(jq -r 'select(.action == "late_delivery") | .data.promise' <<<"$output")" "$leg"
}
