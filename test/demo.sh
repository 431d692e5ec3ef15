#!/usr/bin/env bash
# The demo behind `make demo`: a fresh database in a new directory, a small
# business set up in it, and what each tool shows, as readable tables.
#
# Each tool adds one function that runs its part and prints under its own
# heading, and one line in main().  A section reads like a session at the
# terminal: `show` prints each command before running it.
#
#   WF_BIN       where the binaries are (make demo sets it; default build/)
#   WF_DEMO_DIR  where to put the database (default: a new temporary dir)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
WF_BIN=${WF_BIN:-$here/build}
PATH=$WF_BIN:$PATH

dir=${WF_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wf-demo.XXXXXX")}
mkdir -p "$dir"
export WF_DB=$dir/wf.db
export WF_ACTOR=demo
rm -f "$WF_DB" "$WF_DB-wal" "$WF_DB-shm"

if [ -t 1 ]; then
	bold=$(printf '\033[1m') dim=$(printf '\033[2m') off=$(printf '\033[0m')
else
	bold='' dim='' off=''
fi

# section TITLE: a heading.
section() {
	printf '\n%s== %s ==%s\n\n' "$bold" "$1" "$off"
}

# typed CMD ARGS...: the command as one would type it, the arguments that
# need it in double quotes.
typed() {
	local a out=""
	for a in "$@"; do
		case $a in
		"" | *[!A-Za-z0-9_./:@%+=,-]*) a="\"$a\"" ;;
		esac
		out="$out${out:+ }$a"
	done
	printf '%s' "$out"
}

# show CMD ARGS...: print the command as typed, then run it.  A command
# that fails stops the demo (set -e), so what is shown is what works.
show() {
	printf '%s$ %s%s\n' "$dim" "$(typed "$@")" "$off"
	"$@"
	echo
}

# note TEXT: the demo's own words about what a command just did, marked
# as a comment so that nothing the demo says passes for a tool's output.
note() {
	printf '%s# %s%s\n\n' "$dim" "$*" "$off"
}

# quiet CMD ARGS...: print the command as typed and run it, its output left
# out: a later command shows the result.
quiet() {
	printf '%s$ %s%s\n' "$dim" "$(typed "$@")" "$off"
	"$@" >/dev/null
}

# show_in CMD ARGS... <LINES: the same for a command that reads JSON lines,
# shown as a here-document.
show_in() {
	local input
	input=$(cat)
	printf "%s\$ %s <<'EOF'\n%s\nEOF%s\n" "$dim" "$(typed "$@")" "$input" "$off"
	"$@" <<<"$input"
	echo
}

# later DAYS [HOURS]: the tools' clock ($WF_NOW, else now) moved on by DAYS
# days and HOURS hours (either may be negative), as ISO 8601.
later() {
	local t
	t=$(date -u -d "${WF_NOW:-now}" +%s)
	date -u -d "@$((t + $1 * 86400 + ${2:-0} * 3600))" +%Y-%m-%dT%H:%M:%SZ
}

# pass DAYS: let DAYS days pass: set WF_NOW that much later, shown as the
# export one would type.  The clock stays there, so it never runs backwards
# for the sections that follow.
pass() {
	WF_NOW=$(later "$1")
	export WF_NOW
	printf '%s$ export WF_NOW=%s    # %s days later%s\n' "$dim" "$WF_NOW" "$1" "$off"
}

# ---- sections, one per tool ---------------------------------------------------

demo_init() {
	section "wf: create the database"
	show wf init --format table
}

demo_states() {
	section "wf: the order state machine"
	show wf states order --format table
}

demo_check() {
	section "wf: verify every invariant"
	show wf check --list --format table
	show wf check --format table
	note "wf check printed nothing and exited 0: no violations"
}

demo_stock() {
	section "wf-stock: two warehouses and their bins"
	show wf-stock warehouse add BER --name Berlin --country DE \
		--timezone Europe/Berlin --capacity 400 --format table
	show wf-stock warehouse add MAD --name Madrid --country ES \
		--timezone Europe/Madrid --capacity 250 --format table
	quiet wf-stock bin add BER/A-01 --kind pick
	quiet wf-stock bin add BER/A-02 --kind pick
	quiet wf-stock bin add BER/R-01 --kind bulk
	quiet wf-stock bin add MAD/A-01 --kind pick
	show wf-stock bin add MAD/R-01 --kind bulk --format table

	section "wf-stock: the catalogue, imported as JSON lines"
	show_in wf-stock sku import --format table <<-'EOF'
	{"type":"sku","sku":"MUG-1","title":"Mug, blue","cost":"4.20","price":"12.50","lead_time_days":10}
	{"type":"sku","sku":"TEE-M","title":"T-shirt, M","cost":"6.00","price":"19.99","lead_time_days":21}
	{"type":"sku","sku":"LAMP-2","title":"Desk lamp","cost":"31.00","price":"89.00","lead_time_days":28}
	{"type":"sku","sku":"CANDLE-S","title":"Candle, small","cost":"1.80","price":"6.50","lead_time_days":7}
	EOF

	section "wf-stock: deliveries at different costs; MUG-1's average cost moves"
	quiet wf-stock receive MUG-1 40 --to BER/R-01 --cost 4.20 --ref DN-5501
	quiet wf-stock receive MUG-1 20 --to BER/R-01 --cost 4.50 --ref DN-5502
	quiet wf-stock receive MUG-1 12 --to MAD/A-01 --cost 4.35 --ref DN-7101
	quiet wf-stock receive TEE-M 25 --to BER/A-02 --cost 6.00 --ref DN-5503
	quiet wf-stock receive LAMP-2 6 --to MAD/R-01 --cost 31.00 --ref DN-7102
	quiet wf-stock receive CANDLE-S 120 --to MAD/A-01 --cost 1.75 --ref DN-7103
	show wf-stock sku show MUG-1 --format table

	# an order's stock is reserved by wf-order or wf-route (below); --ref
	# holds units for anything else, named in free text
	section "wf-stock: restock the pick face, then hold two mugs for the showroom"
	quiet wf-stock move MUG-1 10 --from BER/R-01 --to BER/A-01
	show wf-stock reserve MUG-1 2 --warehouse BER --ref showroom --format table
	show wf-stock levels --sku MUG-1 --by bin --format table

	section "wf-stock: a stock count finds two T-shirts missing"
	show wf-stock count TEE-M 23 --at BER/A-02 --format table

	section "wf-stock: stock levels and inventory value"
	show wf-stock levels --format table
	show wf-stock value --format table
	show wf check --format table
	note "wf check printed nothing and exited 0: no violations"
}

demo_order() {
	local placed promise
	placed=$(later 0 -2)
	promise=$(date -u -d "$(later 2)" +%Y-%m-%dT18:00:00Z)
	section "wf-order: orders from two channels; one has a SKU the catalogue lacks"
	show_in wf-order import --format table <<-EOF
	{"type":"order","channel":"shop","external_id":"1002","placed_at":"$placed","currency":"EUR","ship_to":{"name":"Anna Weber","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"$promise","lines":[{"sku":"MUG-1","qty":2,"unit_price":"12.50","title":"Mug, blue"},{"sku":"TEE-M","qty":1,"unit_price":"19.99","title":"T-shirt, M"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"49.89"}}
	{"type":"order","channel":"shop","external_id":"1003","placed_at":"$placed","currency":"EUR","ship_to":{"name":"Lucia Gomez","country":"ES","postcode":"28004","city":"Madrid"},"promise_by":"$promise","lines":[{"sku":"LAMP-2","qty":1,"unit_price":"89.00","title":"Desk lamp"},{"sku":"CANDLE-S","qty":4,"unit_price":"6.50","title":"Candle, small"}],"shipping_paid":"5.90","payment":{"status":"paid","amount":"120.90"}}
	{"type":"order","channel":"amzn","external_id":"302-4417093-2290516","placed_at":"$placed","currency":"EUR","ship_to":{"name":"Marc Dubois","country":"FR","postcode":"69002","city":"Lyon"},"lines":[{"sku":"CANDLE-S","qty":6,"unit_price":"6.50","id":"39104478112"}],"payment":{"status":"paid","amount":"39.00"}}
	{"type":"order","channel":"shop","external_id":"1004","placed_at":"$placed","currency":"EUR","ship_to":{"name":"Jonas Berg","country":"DE","postcode":"80331","city":"Munich"},"lines":[{"sku":"VASE-9","qty":1,"unit_price":"34.00","title":"Vase, green"}],"payment":{"status":"pending"}}
	EOF

	demo_route

	section "wf-order: ship shop:1002 with its tracking number"
	show wf-order ship shop:1002 --carrier dhl --service parcel \
		--tracking 00340434161094042557 --cost 4.10 --format table

	# the carrier's webhook log, as it comes: late and repeated
	section "wf-order: the carrier's tracking events deliver shop:1002"
	show_in wf-order track --format table <<-EOF
	{"type":"tracking","tracking":"00340434161094042557","status":"in_transit","at":"$(later 0 2)","message":"Departed Berlin hub"}
	{"type":"tracking","tracking":"00340434161094042557","status":"delivered","at":"$(later 1 4)","message":"Delivered to neighbour"}
	{"type":"tracking","tracking":"00340434161094042557","status":"out_for_delivery","at":"$(later 1 1)"}
	EOF
	note "the late out_for_delivery changed nothing: a shipment never moves backwards"

	section "wf-order: a mug arrives broken; it comes back and is refunded"
	show wf-order return open shop:1002 --sku MUG-1 --qty 1 \
		--reason "arrived broken" --format table
	show wf-order return receive RMA-1 --condition damaged --format table
	show wf-order return refund RMA-1 --amount 12.50 --format table

	section "wf-order: the orders, the shipments and the stock after them"
	show wf-order list --format table
	show wf-order shipments --format table
	show wf-stock levels --format table
}

# Routing comes between importing the orders and shipping them: wf-route
# reserves what wf-order ships.
demo_route() {
	section "wf-route: carrier services per warehouse, loaded as JSON lines"
	show_in wf-route carrier import --format table <<-'EOF'
	{"type":"carrier_service","warehouse":"BER","carrier":"dhl","service":"parcel","cutoff":"16:00","transit_days":1,"cost":"4.10","currency":"EUR","countries":["DE","AT"]}
	{"type":"carrier_service","warehouse":"BER","carrier":"ups","service":"express","cutoff":"12:00","transit_days":1,"cost":"9.90","currency":"EUR","countries":["DE","AT","NL"]}
	{"type":"carrier_service","warehouse":"MAD","carrier":"seur","service":"24h","cutoff":"17:00","transit_days":1,"cost":"3.60","currency":"EUR","countries":["ES","PT"]}
	EOF

	section "wf-route: where each new order would ship from (a plan writes nothing)"
	show wf-route --new --format table
	printf '%s$ %s%s\n' "$dim" \
		"wf-route --explain shop:1002 | jq -c '.candidates[] | {warehouse, carrier, service, result, detail, margin, rank}'" \
		"$off"
	wf-route --explain shop:1002 --format jsonl |
		jq -c '.candidates[] | {warehouse, carrier, service, result, detail, margin, rank}'
	echo

	section "wf-route: route them; the order no warehouse can ship is held, with an exception"
	show wf-route --new --apply --format table
	show wf-alert list --kind unroutable --format table
	show wf-order list --state reserved --format table
}

demo_po() {
	section "wf-po: a purchase order, a partial receipt, the follow-ups due"
	show wf-po supplier add ACME --name "Acme Homeware" \
		--email orders@acme.example --lead-time 14 --format table
	show wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10 \
		--format table
	show wf-po send PO-1 --format table
	show wf-stock levels --warehouse BER --format table

	# part of it arrives the day before it is due; 5 days on, the rest is late
	pass 13
	show wf-po receive PO-1 MUG-1 12 --bin BER/A-01 --format table
	pass 5
	show wf-po followup --format table
	printf '%s$ %s%s\n' "$dim" "wf-po followup | jq -r .body" "$off"
	wf-po followup | jq -r .body
	show wf-po followup --record --format table
	show wf-alert list --format table
	show wf-po followup --format table
	note "wf-po followup printed nothing: the follow-up was recorded, none is due"
}

# exception KIND [SUBJECT]: the key of the exception of KIND (about
# SUBJECT) in the queue.
exception() {
	wf-alert list --kind "$1" --format jsonl |
		jq -r --arg s "${2:-}" 'select($s == "" or .subject == $s) | .exception'
}

demo_alert() {
	section "wf-alert: what the stock scan finds (cron runs it; nothing is raised by hand)"
	show wf-alert risk --warehouse BER --format table
	show wf-alert scan --format table

	section "wf-alert: work the queue"
	show wf-alert ack "$(exception stockout_before_po "sku TEE-M")" --format table
	show wf-alert snooze "$(exception unroutable)" --until +2d --format table
	show wf-alert list --format table
}

demo_money() {
	local posted arrived
	posted=$(later -3)
	arrived=$(date -u -d "$(later -1)" +%F)
	section "wf-reconcile: the payment provider's payouts, matched to the orders"
	show_in wf-reconcile import --from generic --format table <<-EOF
	{"type":"payout","payout":"stripe:po_1","amount":"35.15","currency":"EUR","arrival":"$arrived"}
	{"type":"payout_line","payout":"stripe:po_1","provider_id":"txn_1002","category":"charge","order":"shop:1002","gross":"49.89","fee":"2.24","currency":"EUR","posted_at":"$posted"}
	{"type":"payout_line","payout":"stripe:po_1","provider_id":"txn_1002r","category":"refund","order":"shop:1002","gross":"-12.50","currency":"EUR","posted_at":"$posted"}
	{"type":"payout","payout":"stripe:po_2","amount":"150.00","currency":"EUR","arrival":"$arrived"}
	{"type":"payout_line","payout":"stripe:po_2","provider_id":"txn_1003","category":"charge","order":"shop:1003","gross":"120.90","fee":"3.81","currency":"EUR","posted_at":"$posted"}
	EOF
	show wf-reconcile match --format table
	note "stripe:po_1 adds up and every order in it agrees: reconciled; stripe:po_2's line does not make its amount: mismatch, and finance has it in the queue"
	show wf-alert list --owner finance --format table

	section "wf-reconcile: what shop:1002 kept, and where the money is"
	show wf-reconcile margin --format table
	show wf-reconcile cash --format table
}

main() {
	printf 'Workform demo: database %s\n' "$WF_DB"
	demo_init
	demo_states
	demo_stock
	demo_order
	demo_po
	demo_alert
	demo_money
	demo_check
	section "done"
	printf 'The database is kept in %s.  Look around with:\n\n' "$dir"
	printf '    export WF_DB=%s PATH=%s:$PATH\n' "$WF_DB" "$WF_BIN"
	# the clock the demo ended on, so that what follows comes after it
	[ -z "${WF_NOW:-}" ] || printf '    export WF_NOW=%s\n' "$WF_NOW"
	printf '    wf log --format table\n    man -l %s/man/wf.1\n' "$here"
}

main "$@"

# The morning page of the database the demo leaves (wf-report(1)), on the
# clock it ended on.
wf report --out "$dir/morning.html" >/dev/null
printf '\nThe morning page (wf-report(1)): %s\n' "$dir/morning.html"
