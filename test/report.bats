#!/usr/bin/env bats
# wf report: the morning page (wf-report(1)), looked at as a person sees it.
#
# The demo's database, with hostile text added, is rendered once in
# headless Chromium (Debian's chromium, which .ci/deps installs): a
# screenshot, and the DOM as Chromium built it, which the tests read.  The
# figures in the DOM are compared with the JSON the tools print for the same
# database and clock.  Rendering takes seconds, so it is done once per file;
# the tests that change a database make their own.
#
#   WF_REPORT_SHOT   where to keep the screenshot (default: a temporary dir)

load helper
load man

# chromium ARGS...: Chromium headless, as the brief of issue 19 starts it.
chromium_run() {
	local profile
	profile=$(mktemp -d "$BATS_FILE_TMPDIR/chromium.XXXXXX")
	chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@"
}

setup_file() {
	# A missing browser fails here with the command that installs it (or,
	# as root, installs it): never a silent skip.
	"$BATS_TEST_DIRNAME/../.ci/deps" browser
	PATH=$WF_BIN:$PATH
	export WF_ACTOR=tester
	unset XDG_DATA_HOME
	DEMO_DIR=$BATS_FILE_TMPDIR/demo
	WF_DEMO_DIR=$DEMO_DIR "$BATS_TEST_DIRNAME/demo.sh" >"$BATS_FILE_TMPDIR/demo.out"
	DEMO_NOW=$(sed -n 's/^ *export WF_NOW=//p' "$BATS_FILE_TMPDIR/demo.out" | tail -1)
	export DEMO_DB=$DEMO_DIR/wf.db DEMO_NOW DEMO_DIR
	# hostile text, where an operator's page shows it
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf-stock sku import >/dev/null <<-'EOF'
	{"type":"sku","sku":"XSS-1","title":"<script>alert(1)</script>","cost":"1.00","price":"2.00"}
	{"type":"sku","sku":"\"><img src=x onerror=alert(2)>","title":"\"><img src=x onerror=alert(3)>","cost":"1.00","price":"2.00"}
	EOF
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf-stock receive XSS-1 3 --to BER/A-01 >/dev/null
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf-stock receive '"><img src=x onerror=alert(2)>' 2 \
		--to MAD/A-01 >/dev/null
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf-alert raise >/dev/null <<-'EOF'
	{"kind":"stockout_risk","subject":"sku XSS-1","owner":"<b>ops</b>","impact":{"units":1},"next_action":"<script>alert(4)</script> & \"quote\" <img src=x onerror=alert(5)>"}
	EOF
	export PAGE=$BATS_FILE_TMPDIR/morning.html
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf report --out "$PAGE" >/dev/null
	export SHOT=${WF_REPORT_SHOT:-$BATS_FILE_TMPDIR/morning.png}
	export DOM=$BATS_FILE_TMPDIR/dom.html
	chromium_run --hide-scrollbars --window-size=1100,2400 --screenshot="$SHOT" \
		"file://$PAGE" 2>"$BATS_FILE_TMPDIR/chromium.err" >/dev/null
	chromium_run --dump-dom "file://$PAGE" >"$DOM" 2>>"$BATS_FILE_TMPDIR/chromium.err"
}

teardown_file() {
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW wf check >/dev/null
}

teardown() {
	[ ! -f "$WF_DB" ] || wf check >/dev/null
}

# demo CMD ARGS...: CMD on the demo's database and clock.
demo() {
	WF_DB=$DEMO_DB WF_NOW=$DEMO_NOW "$@"
}

# The jq filter that writes text as Chromium serializes a text node.
HTML='def html: gsub("&";"&amp;") | gsub("<";"&lt;") | gsub(">";"&gt;") | gsub("\u00a0";"&nbsp;");'

@test "Chromium renders the page: a screenshot, and every section in the DOM" {
	[ "$(head -c 8 "$SHOT" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	[ "$(stat -c %s "$SHOT")" -gt 20000 ]
	run -0 grep -o '<section id="[a-z]*"><h2>[^<]*</h2>' "$DOM"
	assert_output - <<-'EOF'
	<section id="cover"><h2>Stock cover</h2>
	<section id="queue"><h2>The queue</h2>
	<section id="orders"><h2>Orders</h2>
	<section id="money"><h2>Money</h2>
	<section id="suppliers"><h2>Suppliers</h2>
	<section id="stock"><h2>Stock</h2>
	EOF
	# cover 2 (days, run-out dates), queue 2 (kinds, owner x age), orders 2
	# (states, promises kept), money 3 (margin by SKU and by channel, fees
	# and refunds), suppliers 1, stock 1
	assert_equal "$(grep -o '<svg class="chart"' "$DOM" | wc -l)" 11
}

@test "hostile titles, owners and next actions stay text in the DOM" {
	# nothing became an element
	run -1 grep -Ei '<(script|img|iframe|object|embed)[ >]|<b>ops' "$DOM"
	# and each shows as the characters it is
	grep -qF '<tr><td>XSS-1</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$DOM"
	grep -qF '<td>"&gt;&lt;img src=x onerror=alert(2)&gt;</td><td>"&gt;&lt;img src=x onerror=alert(3)&gt;</td>' "$DOM"
	grep -qF '<td>&lt;b&gt;ops&lt;/b&gt;</td>' "$DOM"
	grep -qF '<td>&lt;script&gt;alert(4)&lt;/script&gt; &amp; "quote" &lt;img src=x onerror=alert(5)&gt;</td></tr>' "$DOM"
}

@test "the page has no script, fetches nothing and links only within itself" {
	run -1 grep -Ei '<(script|link|iframe|img|object|embed)[ >]|@import|url\(|<[a-z]+ [^>]*src=' "$PAGE"
	run -0 grep -o 'href="[^"]*"' "$PAGE"
	refute_line --regexp '^href="[^#]'
	assert_line 'href="#stock"'
}

@test "every SKU's row has its on hand and value per warehouse as wf-stock levels and value print them" {
	local levels skus want
	levels=$BATS_TEST_TMPDIR/levels.json skus=$BATS_TEST_TMPDIR/skus.json
	demo wf-stock levels --format jsonl >"$levels"
	demo wf-stock sku list --format jsonl >"$skus"
	run -0 --separate-stderr demo wf-stock value --format jsonl
	want=$(jq -rs --slurpfile l "$levels" --slurpfile s "$skus" "$HTML"'
		[.[] | select(.type == "value")] as $v
		| ([$v[].warehouse] | unique) as $wh
		| $s[] | . as $sku
		| ([$wh[] as $w | $v[] | select(.sku == $sku.sku and .warehouse == $w and .unit_cost != null) | .unit_cost][0]
		   // $sku.avg_cost // $sku.cost // "") as $unit
		| "<tr><td>\($sku.sku | html)</td><td>\($sku.title // "" | html)</td><td>\($sku.currency)</td><td>\($unit)</td>"
		  + ([$wh[] as $w
		      | ([$v[] | select(.sku == $sku.sku and .warehouse == $w)][0]) as $val
		      | ([$l[] | select(.sku == $sku.sku and .warehouse == $w)][0]) as $lv
		      | if $val == null and $lv == null then "<td></td><td></td>"
		        else "<td>\($lv.on_hand // 0)</td><td>\($val.value // "")</td>" end] | add)
		  + "</tr>"' <<<"$output")
	[ "$(wc -l <<<"$want")" -ge 6 ]
	diff <(printf '%s\n' "$want") \
		<(sed -n '/<table class="stock">/,/<\/table>/p' "$DOM" | grep -o '<tr><td>.*</tr>' | grep -v '^<tr><td>total')
}

@test "the stock totals and the inventory value tile equal wf-stock value's totals" {
	run -0 --separate-stderr demo wf-stock value --format jsonl
	local qty value cur
	read -r qty value cur < <(jq -r 'select(.type == "value_total") | "\(.qty) \(.value) \(.currency)"' <<<"$output")
	grep -qF "<p class=\"sum\">Inventory value: <b>$value $cur</b> in $qty units valued" "$DOM"
	grep -qF "<div class=\"tile \"><b>$value $cur</b><span>inventory value</span></div>" "$DOM"
	# the total row: each warehouse's value, summed from wf-stock value
	local want
	want=$(jq -rs '[.[] | select(.type == "value")] | group_by(.warehouse)
		| map("<td></td><td>\(map(.value | sub("\\.";"") | tonumber) | add | tostring | .[:-2] + "." + .[-2:])</td>") | add' <<<"$output")
	grep -qF "<tr class=\"total\"><td>total</td><td></td><td>$cur</td><td></td>$want</tr>" "$DOM"
}

@test "the queue lists every exception wf-alert list prints, oldest first, with its next action" {
	run -0 --separate-stderr demo wf-alert list --format jsonl
	local want
	want=$(jq -rs "$HTML"'sort_by(.opened_at, (.exception | ltrimstr("EX-") | tonumber))[]
		| "<tr><td>\(.exception)</td><td>\(.kind | html)</td><td>\(.subject | html)</td><td>\(.owner | html)</td><td>\(.state)</td><td>\(.priority)</td><td>\(.age)</td><td>\(.next_action | html)</td></tr>"' <<<"$output")
	diff <(printf '%s\n' "$want") \
		<(sed -n '/<table class="queue">/,/<\/table>/p' "$DOM" | grep -o '<tr><td>.*</tr>')
	local work
	work=$(jq -s '[.[] | select(.state == "open" or .state == "acknowledged" or .state == "in_progress")] | length' <<<"$output")
	grep -qF "<b>$work</b><span>exceptions to work</span>" "$DOM"
}

@test "the queue counts by owner and age add up to wf-alert list's" {
	run -0 --separate-stderr demo wf-alert list --format jsonl
	local owner n seen=0
	while read -r owner n; do
		grep -qE "<tr><td>$owner</td>(<td class=\"n\">[0-9]+</td>){5}<td class=\"n\">$n</td></tr>" "$DOM"
		seen=$((seen + 1))
	done < <(jq -rs 'group_by(.owner)[] | select(.[0].owner | test("^[a-z]+$")) | "\(.[0].owner) \(length)"' <<<"$output")
	[ "$seen" -ge 2 ]
}

@test "orders by state and by finance state equal wf-order list" {
	run -0 --separate-stderr demo wf-order list --format jsonl
	local s n
	while read -r s n; do
		grep -qF "<tr><td>$s</td><td class=\"n\">$n</td></tr>" "$DOM"
	done < <(jq -rs 'group_by(.state)[] | "\(.[0].state) \(length)"' <<<"$output")
	while read -r s n; do
		grep -qF "<tr><td>$s</td><td class=\"n\">$n</td></tr>" "$DOM"
	done < <(jq -rs 'group_by(.finance_state)[] | "\(.[0].finance_state) \(length)"' <<<"$output")
	n=$(jq -s '[.[] | select(.state == "on_hold")] | length' <<<"$output")
	grep -qF "<b>$n</b><span>orders on hold</span>" "$DOM"
	# each hold reason, with how many orders it holds
	while read -r n s; do
		grep -qF "<tr><td>$s</td><td class=\"n\">$n</td>" "$DOM"
	done < <(jq -rs '[.[] | select(.state == "on_hold")] | group_by(.hold_reason)[] | "\(length) \(.[0].hold_reason)"' <<<"$output")
}

@test "open purchase orders equal wf-po list, by due date, the late ones marked" {
	run -0 --separate-stderr demo wf-po list --format jsonl
	local po late units seen=0
	while read -r po late units; do
		seen=$((seen + 1))
		if [ "$late" = true ]; then
			grep -qE "<tr class=\"late\"><td>$po</td>.*<td class=\"n\">$units</td>.*late [0-9]" "$DOM"
		else
			grep -qE "<tr><td>$po</td>.*<td class=\"n\">$units</td>.*due in " "$DOM"
		fi
	done < <(jq -r --arg now "$DEMO_NOW" 'select(.state == "sent" or .state == "confirmed" or .state == "partially_received")
		| "\(.po) \((.confirmed_for // .expected) < $now) \([.lines[].open] | add)"' <<<"$output")
	[ "$seen" -ge 1 ]
	grep -qF '<b>1</b><span>late purchase orders</span>' "$DOM"
}

@test "a section whose data is missing says so in words" {
	# the demo has payouts now: an empty database shows the sentence
	run -1 grep -F 'no payouts imported yet' "$DOM"
	run -0 --separate-stderr env WF_DB="$BATS_TEST_TMPDIR/empty.db" wf init
	run -0 --separate-stderr env WF_DB="$BATS_TEST_TMPDIR/empty.db" wf report
	assert_output --partial '<p class="missing">no payouts imported yet: see wf-reconcile(1)</p>'
	# nothing says a command is missing any more
	run -1 grep -F 'this version does not have' "$DOM"
}

@test "stock cover has every SKU wf-alert risk puts at risk, with its numbers, soonest out first" {
	run -0 --separate-stderr demo wf-alert risk --format jsonl
	local want
	want=$(jq -rs '[.[] | select(.status | IN("stockout_now", "stockout_before_po",
			"order_by_passed", "below_reorder_point", "orders_short"))]
		| sort_by(.stockout_first // "9999", .sku, .warehouse)[]
		| "<tr><td>\(.sku)</td><td>\(.warehouse)</td><td><span class=\"badge bad\">\(.status)</span></td><td class=\"n\">\(.available)</td><td class=\"n\">\(.on_order + .overdue_on_order)</td><td class=\"n\">\(.daily_demand)</td><td class=\"n\">\(.cover_days // "")</td><td class=\"n\">\(.lead_time_days // "")</td><td>\(.stockout_first // "")</td><td>\(.next_receipt // "")</td><td>\(.order_by // "")</td></tr>"' <<<"$output")
	[ -n "$want" ]
	diff <(printf '%s\n' "$want") \
		<(sed -n '/<table class="cover">/,/<\/table>/p' "$DOM" | grep -o '<tr><td>.*</tr>')
	n=$(jq -s '[.[] | select(.status == "stockout_now")] | length' <<<"$output")
	grep -qF "<b>$n</b><span>SKU-warehouses out of stock</span>" "$DOM"
}

@test "make demo writes the morning page and prints its path" {
	run -0 grep -F "The morning page (wf-report(1)): $DEMO_DIR/morning.html" "$BATS_FILE_TMPDIR/demo.out"
	[ -s "$DEMO_DIR/morning.html" ]
	grep -qF '<section id="stock">' "$DEMO_DIR/morning.html"
}

@test "margin by SKU and by channel are the rows wf-reconcile margin prints, in the DOM" {
	local by want
	for by in sku channel; do
		run -0 --separate-stderr demo wf-reconcile margin --by "$by" --format jsonl
		[ "${#lines[@]}" -ge 1 ]
		want=$(jq -r --arg by "$by" "$HTML"'
			"<tr><td>\(.[$by] | html)</td><td>\(.currency)</td><td class=\"n\">\(.orders)</td>"
			+ ([.revenue, .cogs, .payment_fees, .marketplace_fees, .shipping_cost, .refunds,
			    .chargebacks, (.margin // "-"), (.margin_pct // "-")]
			   | map("<td class=\"n\">\(.)</td>") | add)
			+ "<td>\(.basis)</td></tr>"' <<<"$output")
		while IFS= read -r row; do
			grep -qF "$row" "$DOM" || { echo "not in the page: $row"; return 1; }
		done <<<"$want"
	done
}

@test "promises kept are the rows wf-order promises prints, with a chart" {
	run -0 --separate-stderr demo wf-order promises --format jsonl
	[ "${#lines[@]}" -ge 1 ]
	while IFS= read -r row; do
		grep -qF "$row" "$DOM" || { echo "not in the page: $row"; return 1; }
	done < <(jq -r "$HTML"'"<tr><td>\(.warehouse | html)</td><td>\(.carrier // "-" | html)</td>"
		+ ([.shipped, .delivered, .on_time, .late, .open, .overdue, (.rate // "-")]
		   | map("<td class=\"n\">\(.)</td>") | add) + "</tr>"' <<<"$output")
	grep -qF 'Shipped legs by warehouse and carrier: on time, late, open' "$DOM"
	refute_line --partial 'wf-order promises, which this version does not have'
}

@test "cash expected is what wf-reconcile cash prints" {
	run -0 --separate-stderr demo wf-reconcile cash --format jsonl
	while IFS= read -r row; do
		grep -qF "$row" "$DOM" || { echo "not in the page: $row"; return 1; }
	done < <(jq -r "$HTML"'"<tr><td>\(.provider // "not known yet" | html)</td><td>\(.currency)</td>"
		+ ([.expected, .in_transit, .received, .held] | map("<td class=\"n\">\(.)</td>") | add)
		+ "</tr>"' <<<"$output")
}

@test "wf report --out prints a report record and replaces the file whole" {
	wf_init
	echo old >"$BATS_TEST_TMPDIR/page.html"
	run -0 --separate-stderr wf report --out "$BATS_TEST_TMPDIR/page.html" --format jsonl
	assert_equal "$stderr" ''
	assert_output "{\"type\":\"report\",\"file\":\"$BATS_TEST_TMPDIR/page.html\",\"bytes\":$(stat -c %s "$BATS_TEST_TMPDIR/page.html"),\"sections\":[\"cover\",\"queue\",\"orders\",\"money\",\"suppliers\",\"stock\"]}"
	records_documented <<<"$output"
	run -0 head -c 15 "$BATS_TEST_TMPDIR/page.html"
	assert_output '<!DOCTYPE html>'
	# no temporary file left beside it
	run -0 ls "$BATS_TEST_TMPDIR"
	refute_output --partial '.tmp'
}

@test "wf report writes the page to standard output without --out" {
	wf_init
	run -0 --separate-stderr wf report
	assert_equal "$stderr" ''
	assert_line -n 0 '<!DOCTYPE html>'
	assert_line '</main></body></html>'
}

@test "wf report --out - writes the page to standard output, and no file named -" {
	wf_init
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr wf report --out -
	assert_equal "$stderr" ''
	assert_line -n 0 '<!DOCTYPE html>'
	assert_line '</main></body></html>'
	[ ! -e "$BATS_TEST_TMPDIR/-" ]
}

@test "a page that cannot be written is exit 6 naming the file, and the old page stays" {
	wf_init
	mkdir "$BATS_TEST_TMPDIR/ro"
	echo old >"$BATS_TEST_TMPDIR/ro/page.html"
	chmod 555 "$BATS_TEST_TMPDIR/ro"
	if [ "$(id -u)" -eq 0 ]; then
		# root writes anywhere: a directory that does not exist fails for all
		run -6 --separate-stderr wf report --out "$BATS_TEST_TMPDIR/none/page.html"
		assert_equal "$stderr" "wf: cannot write '$BATS_TEST_TMPDIR/none/page.html': No such file or directory"
	else
		run -6 --separate-stderr wf report --out "$BATS_TEST_TMPDIR/ro/page.html"
		assert_equal "$stderr" "wf: cannot write '$BATS_TEST_TMPDIR/ro/page.html': Permission denied"
	fi
	assert_output ''
	chmod 755 "$BATS_TEST_TMPDIR/ro"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ro/page.html")" old
}

@test "an empty database gets a page whose every section says what is missing, with no chart" {
	wf_init
	run -0 --separate-stderr wf report
	assert_output --partial 'Nothing at risk'
	assert_output --partial 'The queue is empty'
	assert_output --partial 'No orders yet: import them with wf-order import'
	assert_output --partial 'no payouts imported yet: see wf-reconcile(1)'
	assert_output --partial 'No shipped order to count yet: see wf-reconcile margin'
	assert_output --partial 'Nothing paid is waiting for a payout, and nothing is held.'
	assert_output --partial 'No open purchase orders'
	assert_output --partial 'No SKUs yet'
	refute_output --partial '<svg'
}

@test "--since keeps the orders placed at or after T" {
	wf_init
	wf-order import >/dev/null <<-'EOF'
	{"type":"order","channel":"shop","external_id":"1","placed_at":"2026-11-01T09:00:00Z","currency":"EUR","ship_to":{"name":"A","country":"DE","postcode":"10115","city":"Berlin"},"lines":[{"sku":"NONE-1","qty":1,"unit_price":"5.00"}],"payment":{"status":"pending"}}
	{"type":"order","channel":"shop","external_id":"2","placed_at":"2026-11-19T09:00:00Z","currency":"EUR","ship_to":{"name":"B","country":"DE","postcode":"10115","city":"Berlin"},"lines":[{"sku":"NONE-1","qty":1,"unit_price":"5.00"}],"payment":{"status":"pending"}}
	EOF
	run -0 --separate-stderr wf report
	assert_output --partial '<p>2 orders;'
	run -0 --separate-stderr wf report --since -7d
	assert_output --partial '<p>1 order;'
	assert_output --partial 'orders and payouts since <time>2026-11-13T09:00:00Z</time>'
	run -2 --separate-stderr wf report --since yesterday
	assert_output ''
}

@test "money shows each provider's payouts, fees and refunds as wf-reconcile prints them" {
	wf_init
	wf-reconcile import --from shopify "$PLATFORMS/shopify_payments_payout.json" >/dev/null
	wf-reconcile import --from shopify "$PLATFORMS/shopify_payments_balance_transactions.json" >/dev/null
	run -0 --separate-stderr wf-reconcile lines --format jsonl
	local fees refunds charges
	# sums in cents, exactly, then as the page writes them
	fees=$(jq -rs '[.[] | select(.is_payout | not) | .fee | sub("\\.";"") | tonumber] | add' <<<"$output")
	charges=$(jq -rs '[.[] | select(.category == "charge") | .gross | sub("\\.";"") | tonumber] | add' <<<"$output")
	refunds=$(jq -rs '[.[] | select(.category == "refund") | .gross | sub("\\.";"") | tonumber | -.] | add // 0' <<<"$output")
	cents() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }
	run -0 --separate-stderr wf-reconcile list --format jsonl
	local amount
	amount=$(jq -r .amount <<<"$output")
	run -0 --separate-stderr wf report
	# the payout arrived in 2019: received, nothing in transit
	assert_output --partial "<tr><td>shopify</td><td>USD</td><td class=\"n\">1</td><td class=\"n\">$amount</td><td class=\"n\">0.00</td><td class=\"n\">$(cents "$charges")</td><td class=\"n\">$(cents "$fees")</td><td class=\"n\">$(cents "$refunds")</td>"
	refute_output --partial 'no payouts imported yet'
}

@test "money counts a payout as received or in transit by the provider's status, else by its arrival" {
	wf_init
	wf-reconcile import --from generic >/dev/null <<-'EOF'
	{"type":"payout","payout":"bank:1","amount":"10.00","currency":"EUR","arrival":"2026-11-19","status":"paid"}
	{"type":"payout","payout":"bank:2","amount":"20.00","currency":"EUR","arrival":"2026-11-18","status":"in_transit"}
	{"type":"payout","payout":"bank:3","amount":"40.00","currency":"EUR","arrival":"2026-11-18","status":"failed"}
	{"type":"payout","payout":"bank:4","amount":"80.00","currency":"EUR","arrival":"2026-11-25"}
	{"type":"payout","payout":"bank:5","amount":"160.00","currency":"EUR","arrival":"2026-11-20"}
	EOF
	run -0 --separate-stderr wf report
	# received 10 + 160 (arrived today), in transit 20 + 80, the failed one in neither
	assert_output --partial '<tr><td>bank</td><td>EUR</td><td class="n">5</td><td class="n">170.00</td><td class="n">100.00</td>'
}

@test "the cron line in wf-report(1) mails the page, whole and in base64" {
	wf_init
	local line
	line=$(man_render "$MAN_DIR/wf-report.1" | grep -E '^ +30 6 \* \* \* ' | sed -E 's/^ +30 6 \* \* \* //')
	[ -n "$line" ]
	# sendmail is a stub that keeps the mail; /var/tmp is this test's
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\n[ "$1" = -t ] && cat >"%s"\n' "$BATS_TEST_TMPDIR/mail" >"$BATS_TEST_TMPDIR/bin/sendmail"
	chmod +x "$BATS_TEST_TMPDIR/bin/sendmail"
	line=${line//\/usr\/sbin\/sendmail/$BATS_TEST_TMPDIR/bin/sendmail}
	line=${line//\/var\/tmp/$BATS_TEST_TMPDIR}
	run -0 --separate-stderr sh -c "$line"
	run -0 sed -n '1,/^$/p' "$BATS_TEST_TMPDIR/mail"
	assert_line 'To: ops@example.com'
	assert_line 'Content-Type: text/html; charset=utf-8'
	assert_line 'Content-Transfer-Encoding: base64'
	run -0 awk 'length > 76' "$BATS_TEST_TMPDIR/mail"
	assert_output ''
	sed '1,/^$/d' "$BATS_TEST_TMPDIR/mail" | base64 -d | cmp - "$BATS_TEST_TMPDIR/morning.html"
}
