#!/bin/sh
# Everything `make check-valgrind` runs under valgrind: the unit tests, the
# fuzz replays over their saved inputs, and the binaries through a list of
# commands on a scratch database.  Any leak (of any kind) or memory error
# fails.  Tools add their commands to the CLI list, one line each; a line
# ending "< NAME" reads the input file NAME made below.
#   test/valgrind.sh BUILD_DIR
set -u
b=${1:-build}
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=all --show-leak-kinds=all "$@"
}
fail=0
for t in "$b"/unit/test_*; do
	echo "== valgrind $t"
	vg "$t" >/dev/null || fail=1
done
for t in "$b"/fuzz/fuzz_*; do
	n=${t##*/}
	echo "== valgrind $t"
	vg "$t" "$n" "test/fuzz/corpus/$n" "test/fuzz/regressions/$n" >/dev/null || fail=1
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export WF_DB="$tmp/wf.db" WF_NOW=2026-11-20T09:00:00Z WF_ACTOR=valgrind

# Inputs for the commands that read JSON lines.
cat >"$tmp/skus" <<'EOF'
{"type":"sku","sku":"TEE-M","title":"T-shirt M","price":"19.90","cost":"6.00"}
{"sku":"YEN-1","currency":"JPY","price":"1200","cost":"500"}
EOF
printf '%s\n' '{"sku":"A-1","colour":"red"}' >"$tmp/bad-skus"
cat >"$tmp/movements" <<'EOF'
{"type":"movement","action":"receive","sku":"TEE-M","qty":10,"to":"BER/A-01","cost":"6.00"}
{"type":"movement","action":"move","sku":"MUG-1","qty":5,"from":"BER/A-01","to":"BER/B-01"}
{"type":"movement","action":"adjust","sku":"MUG-1","delta":-1,"at":"BER/B-01","reason":"broken"}
{"type":"movement","action":"count","sku":"MUG-1","qty":12,"at":"BER/A-01"}
{"type":"movement","action":"reserve","sku":"TEE-M","qty":2,"warehouse":"BER","ref":"manual:1"}
{"type":"movement","action":"damage","sku":"MUG-1","qty":1,"at":"BER/B-01"}
EOF
cat >"$tmp/orders" <<'EOF'
{"type":"order","channel":"shop","external_id":"1001","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","ship_to":{"name":"Ann","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-23T18:00:00Z","lines":[{"sku":"MUG-1","qty":2,"unit_price":"12.50"}],"shipping_paid":"4.90","payment":{"status":"paid","amount":"29.90"}}
{"type":"order","channel":"shop","external_id":"1002","placed_at":"2026-11-20","currency":"EUR","lines":[{"sku":"NOPE-1","qty":1,"unit_price":"1.00"}]}
EOF
printf '%s\n' '{"order":{"id":450789469,"created_at":"2026-11-20T10:00:00+01:00","currency":"EUR","total_price":"9.00","financial_status":"paid","line_items":[{"id":11,"variant_id":4242,"sku":"","quantity":1,"price":"9.00"}]}}' >"$tmp/shopify"
printf '%s\n' '{"type":"order","channel":"shop","external_id":"2001","placed_at":"2026-11-20T07:00:00Z","currency":"EUR","ship_to":{"name":"Bo","country":"DE","postcode":"10115","city":"Berlin"},"promise_by":"2026-11-25T18:00:00Z","lines":[{"sku":"MUG-1","qty":1,"unit_price":"12.50"}],"payment":{"status":"paid","amount":"12.50"}}' >"$tmp/route-orders"
printf '%s\n' '{"type":"po_line","sku":"MUG-1","qty":20,"cost":"3.90"}' '{"sku":"TEE-M","qty":4}' >"$tmp/po-lines"
printf '%s\n' '{"type":"payout_line","provider":"bank","provider_id":"t1","category":"charge","gross":"1.001","currency":"EUR","posted_at":"2026-11-20T09:00:00Z"}' >"$tmp/bad-payout"
printf '%s\n' '{"id":"txn_w","object":"balance_transaction","amount":500,"currency":"eur","created":1795165200,"type":"wibble","description":"a\u001bb"}' >"$tmp/unknown-type"
cat >"$tmp/raise" <<'EOF'
{"kind":"unroutable","subject":"order shop:1001","owner":"ops","evidence":{"short":{"MUG-1":2}},"impact":{"money":"29.90","currency":"EUR","units":2,"orders":1,"due_at":"2026-11-23T18:00:00Z"},"next_action":"Receive MUG-1 at BER"}
{"kind":"stockout","subject":"sku MUG-1","owner":"purchasing","next_action":"Order more"}
EOF

# One command per line: the expected exit status, then the command.
while read -r want cmd; do
	[ -n "$want" ] || continue
	in=/dev/null
	case $cmd in
	*" < "*) in=$tmp/${cmd##* < }; cmd=${cmd% < *} ;;
	esac
	echo "== valgrind $cmd"
	# shellcheck disable=SC2086
	vg "$b"/$cmd >/dev/null 2>"$tmp/err" <"$in"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit $got, expected $want:" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
done <<'CMDS'
4 wf check
0 wf init
0 wf init
0 wf init --dry-run
0 wf check
0 wf check --list
0 wf log
0 wf log sku --since -7d
2 wf log widget
0 wf states
0 wf --help
2 wf init extra
0 wf init --format table
0 wf-stock warehouse add BER --name Berlin --country DE --timezone Europe/Berlin
0 wf-stock warehouse add MUC --country DE
0 wf-stock bin add BER/A-01
0 wf-stock bin add BER/B-01 --kind bulk
0 wf-stock bin add MUC/A-01
0 wf-stock sku add MUG-1 --title Mug --cost 4.00 --price 12.50
0 wf-stock sku import < skus
3 wf-stock sku import --strict < bad-skus
0 wf-stock receive MUG-1 20 --to BER/A-01 --cost 4.10 --ref DN-1
0 wf-stock apply < movements
1 wf-stock move MUG-1 500 --from BER/A-01 --to BER/B-01
0 wf-stock levels --format table
0 wf-stock levels --sku MUG-1 --by bin
0 wf-stock ledger --sku MUG-1
0 wf-stock value --format csv
0 wf-stock sku list
0 wf-stock sku show MUG-1
1 wf-stock sku show NOPE
2 wf-stock receive MUG-1 many --to BER/A-01
0 wf-order import < orders
0 wf-order import < orders
0 wf-order import --from shopify < shopify
0 wf-order reserve shop:1001 --warehouse BER
0 wf-order pick shop:1001
0 wf-order pack shop:1001
0 wf-order ship shop:1001 --carrier DHL --tracking JD1 --cost 4.10
0 wf-order deliver shop:1001
1 wf-order pick shop:1002
0 wf-order list --format table
0 wf-order show shop:1001
0 wf-order shipments
1 wf-order show shop:9999
0 wf-route carrier add BER dhl parcel --cutoff 16:00 --transit-days 1 --cost 4.10 --countries DE
0 wf-route carrier list
0 wf-order import < route-orders
0 wf-route --new --explain
0 wf-route shop:2001 --policy cheapest --format table
0 wf-route --new --apply
0 wf-route --new
2 wf-route --policy best
0 wf-po supplier add ACME --name Acme --email orders@acme.example
0 wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10 TEE-M:10
0 wf-po create --supplier ACME --warehouse BER < po-lines
0 wf-po send PO-1
0 wf-po confirm PO-1 --date 2026-12-01
0 wf-po receive PO-1 MUG-1 8 --bin BER/A-01
0 wf-po cancel PO-2 --reason changed
0 wf-po list --format table
0 wf-po show PO-1
0 wf-po followup
2 wf-po create --supplier ACME --warehouse BER MUG-1
0 wf-alert raise < raise
0 wf-alert raise < raise
0 wf-alert list --format table
0 wf-alert ack EX-1
0 wf-alert snooze EX-1 --until 2026-11-21
0 wf-alert resolve EX-2 --note ordered
0 wf-alert show EX-1
2 wf-alert ack EX-x
1 wf-alert ack EX-99
0 wf-reconcile import --from shopify test/fixtures/platforms/shopify_payments_balance_transactions.json
0 wf-reconcile import --from shopify test/fixtures/platforms/shopify_payments_balance_transactions.json
0 wf-reconcile import --from shopify test/fixtures/platforms/shopify_payments_payout.json
0 wf-reconcile import --from stripe test/fixtures/platforms/stripe_payout.openapi_fixture.json
0 wf-reconcile import --from stripe --payout po_1MoqxPLgUG5tbmjcbKNyeRhP test/fixtures/platforms/stripe_balance_transaction.openapi_fixture.json
0 wf-reconcile import --from amazon test/fixtures/platforms/amazon_settlement_flatfile_v1.tsv
0 wf-reconcile import --from paypal --channel shop test/fixtures/platforms/paypal_transaction_search.json
0 wf-reconcile import --from stripe < unknown-type
3 wf-reconcile import --from generic < bad-payout
2 wf-reconcile import --from venmo
0 wf-reconcile list --format table
0 wf-reconcile show shopify:623721858
0 wf-reconcile lines --unassigned --format csv
1 wf-reconcile show shopify:1
0 wf check
CMDS
exit $fail
