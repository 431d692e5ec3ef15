#!/usr/bin/env bats
# Every command that reads prints the same records in every format: no
# field of its JSON lines is missing from its CSV or TSV, and no value
# differs (issue 17, "complete output").
#
# The database is the demo's, with a Shopify order and the platforms'
# payouts imported, so that every list has records of every shape.  The
# table READERS names each reading command (one with no --dry-run) with
# the arguments that make it print something; a reading command added to a
# tool and not to the table fails the first test.

load helper

setup_file() {
	export WF_DEMO_DIR=$BATS_FILE_TMPDIR/demo
	"$BATS_TEST_DIRNAME/demo.sh" >/dev/null
	export WF_DB=$WF_DEMO_DIR/wf.db
	PATH=$WF_BIN:$PATH
	wf-order import --from shopify \
		<"$PLATFORMS/shopify_orders_list_with_refunds.json" >/dev/null
	wf-reconcile import --from stripe \
		"$PLATFORMS/stripe_balance_transaction.openapi_fixture.json" >/dev/null
	wf-reconcile import --from shopify \
		"$PLATFORMS/shopify_payments_balance_transactions.json" >/dev/null
	# the demo's held order, released, waits for a SKU with no stock: a
	# suggestion
	wf-stock sku add VASE-9 --cost 3.00 >/dev/null
	wf-order release shop:1004 >/dev/null
	# the clock stops at the demo's last event: a record that shows an age
	# must show the same one in each format, however long the test takes
	export WF_FORMATS_NOW
	WF_FORMATS_NOW=$(sqlite3 -batch "$WF_DB" 'SELECT max(at) FROM event')
}

setup() {
	wf_setup
	export WF_DB=$BATS_FILE_TMPDIR/demo/wf.db
	export WF_NOW=$WF_FORMATS_NOW
}

# TOOL|COMMAND|ARGS: each reading command, with arguments.
READERS='
wf|log|
wf|log|order shop:1002
wf|states|
wf|check|--list
wf|check|
wf|report|--out @tmp/report.html
wf-stock|sku list|
wf-stock|sku show|MUG-1
wf-stock|levels|
wf-stock|levels|--by bin
wf-stock|levels|--by sku
wf-stock|ledger|
wf-stock|value|
wf-stock|warehouse list|
wf-stock|warehouse show|BER
wf-stock|bin list|
wf-stock|adjustment list|
wf-stock|adjustment show|ADJ-1
wf-order|list|
wf-order|show|shop:1002
wf-order|show|shopify:450789469
wf-order|shipments|
wf-order|promises|
wf-order|promises|--by month
wf-route|carrier list|
wf-alert|list|
wf-alert|list|--all
wf-alert|show|EX-1
wf-alert|risk|
wf-po|supplier list|
wf-po|supplier show|ACME
wf-po|list|
wf-po|show|PO-1
wf-po|suggest|
wf-reconcile|list|
wf-reconcile|show|@first_payout
wf-reconcile|lines|
wf-reconcile|margin|
wf-reconcile|cash|
wf-reconcile|value|
'

# readers: the READERS table as "TOOL|COMMAND|ARGS" lines.
readers() {
	grep -v '^$' <<<"$READERS"
}

# vertical COMMAND: 1 when COMMAND shows one record (its name ends in
# "show"), else 0.
vertical() {
	case $1 in *show) echo 1 ;; *) echo 0 ;; esac
}

# run_reader TOOL COMMAND ARGS FORMAT: the command's output in FORMAT.
run_reader() {
	local tool=$1 cmd=$2 args=$3 fmt=$4
	args=${args//@tmp/$BATS_FILE_TMPDIR}
	if [ "$args" = @first_payout ]; then
		args=$(wf-reconcile list --format jsonl | jq -r .payout | head -n 1)
	fi
	# shellcheck disable=SC2086 # the table's arguments are words
	$tool $cmd $args --format "$fmt"
}

# The JSON lines as the text a delimited cell carries: nested values as
# compact JSON, null as nothing, numbers and booleans as written.  A show
# command's record (VERTICAL 1) prints each of its lists of objects as a
# block of its own, rows of type "TYPE.KEY" that carry the record's key,
# and the list's length in the record's row (wf_out_vertical).
json_as_cells() {
	jq -c -s --argjson vertical "${1:-0}" '
		def listed: type == "array" and (.[0] | type) == "object";
		(.[0].type) as $vt
		| .[]
		| if $vertical == 1 and .type == $vt then
			(to_entries[1]) as $k
			| (map_values(if listed then length else . end)),
			  (to_entries[] | select(.value | listed) | .key as $list
			   | .value[] | select(type == "object")
			   | {type: "\($vt).\($list)"}
			     + (if has($k.key) then {} else {($k.key): $k.value} end) + .)
		  else . end
		| with_entries(.value |= (
			if type == "object" or type == "array" then tojson
			elif . == null then ""
			else tostring end))'
}

# The CSV on stdin as JSON objects, one per row: each block (a header, its
# rows, then a blank line) is read by sqlite3's own CSV reader.  A cell the
# writer guarded against formulas gets its "'" taken off; nested JSON is
# made compact again.
csv_as_cells() {
	local dir n=0 f
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/csv.XXXXXX")
	awk -v d="$dir" 'BEGIN { n = 0; f = sprintf("%s/%06d", d, n) }
		/^$/ { n++; f = sprintf("%s/%06d", d, n); next }
		{ print > f }'
	for f in "$dir"/*; do
		[ -s "$f" ] || continue
		n=$((n + 1))
		sqlite3 -json :memory: ".import --csv $f t" 'SELECT * FROM t' |
			jq -c '.[]'
	done | jq -c 'with_entries(.value |= (
		if test("^\u0027[-=+@]") then .[1:]
		elif test("^[\\[{]") then (fromjson | tojson)
		else . end))'
}

# The TSV on stdin the same way: TSV's escapes undone.
tsv_as_cells() {
	jq -Rn '
		def cells: split("\t") | map(
			gsub("\\\\(?<c>[tnr\\\\])"; {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[.c])
			| if test("^\u0027[-=+@]") then .[1:]
			  elif test("^[\\[{]") then (fromjson | tojson)
			  else . end);
		foreach (inputs, "") as $l ({head: null, row: null};
			if $l == "" then {head: null, row: null}
			elif .head == null then {head: ($l | split("\t")), row: null}
			else .row = ([.head, ($l | cells)] | transpose
				| map({key: .[0], value: .[1]}) | from_entries)
			end;
			.row // empty)' | jq -c .
}

@test "every reading command of every tool is in this test's table" {
	local tool missing=""
	for tool in wf wf-stock wf-order wf-route wf-alert wf-po wf-reconcile; do
		# a command is one that reads when it takes no --dry-run
		while IFS= read -r cmd; do
			grep -qxF "$tool|$cmd|" <<<"$(readers | sed 's/|[^|]*$/|/')" ||
				missing="$missing $tool:'$cmd'"
		done < <("$tool" --commands | awk -F'\t' '
			$1 == "cmd" && $2 != "" { c[$2] = 1 }
			$1 == "opt" && $3 == "--dry-run" { w[$2] = 1 }
			END { for (k in c) if (!(k in w)) print k }')
	done
	assert_equal "$missing" ""
}

# compare FORMAT PARSER: every reader's output in FORMAT, read back by
# PARSER, against its JSON lines; the readers that differ, the first
# lines of each difference on fd 3.
compare() {
	local fmt=$1 parse=$2 tool cmd args json got failed=""
	while IFS='|' read -r tool cmd args; do
		json=$(run_reader "$tool" "$cmd" "$args" jsonl | json_as_cells "$(vertical "$cmd")")
		got=$(run_reader "$tool" "$cmd" "$args" "$fmt" | "$parse")
		if [ "$json" != "$got" ]; then
			failed="$failed $tool:'$cmd $args'"
			diff <(echo "$json") <(echo "$got") | head -n 6 >&3 || :
		fi
	done < <(readers)
	printf '%s' "$failed"
}

@test "every field of every reading command's JSON lines is in its CSV, with the same value" {
	assert_equal "$(compare csv csv_as_cells)" ""
}

@test "every field of every reading command's JSON lines is in its TSV, with the same value" {
	assert_equal "$(compare tsv tsv_as_cells)" ""
}

@test "the table has records to compare: every list in it prints at least one" {
	local tool cmd args empty=""
	while IFS='|' read -r tool cmd args; do
		[ "$cmd" = check ] && continue	# a clean database has nothing to say
		n=$(run_reader "$tool" "$cmd" "$args" jsonl | wc -l)
		[ "$n" -gt 0 ] || empty="$empty $tool:'$cmd $args'"
	done < <(readers)
	assert_equal "$empty" ""
}

@test "CSV and TSV start a new header block when the record's keys change" {
	run -0 --separate-stderr wf-order show shop:1002 --format csv
	# the order, then its events under their own header after a blank line
	assert_line -n 0 --regexp '^type,order,channel,'
	assert_line --regexp '^type,event,at,actor,record,ref,action,'
	[ "$(grep -c '^$' <<<"$output")" -ge 1 ]
}

@test "a table fits \$COLUMNS by wrapping long cells, losing nothing of them" {
	local action col text
	action=$(wf-alert list --format jsonl | jq -r 'select(.kind == "po_partial") | .next_action')
	[ "${#action}" -gt 40 ]
	COLUMNS=110 run -0 --separate-stderr wf-alert list --format table
	# no line past 110 columns
	[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' <<<"$output")" -le 110 ]
	# the cell, read down its column from the po_partial row to the next row,
	# is the whole next action (spaces aside: a long word may break)
	col=$(head -n 1 <<<"$output" | awk '{ print index($0, "NEXT ACTION") }')
	text=$(awk -v c="$col" '/^EX-/ { on = ($0 ~ / po_partial /) } on { printf "%s", substr($0, c) }' <<<"$output")
	assert_equal "${text// /}" "${action// /}"
	# without COLUMNS, in a pipe, a table is as wide as its longest cell
	run -0 --separate-stderr env -u COLUMNS wf-alert list --format table
	assert_line --partial "$action"
}
