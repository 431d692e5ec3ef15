# Loaded by the tests that need a sales history (`load sales`): sales and
# receipts booked through the ledger on days before the test's clock,
# 2026-11-20T09:00:00Z (day 0), so that demand is what the warehouse shipped.

# The date N days from the clock's (negative: before it).
day() {
	date -u -d "2026-11-20 $1 day" +%F
}

# receive_on N SKU QTY: QTY units received at $WH/A-01 (default BER) N days
# from the clock.
receive_on() {
	WF_NOW=$(day "$1")T08:00:00Z wf-stock receive "$2" "$3" --to "${WH:-BER}/A-01" >/dev/null
}

# sell SKU DAYS QTY...: units shipped from $WH (default BER) on each of the
# DAYS days before today, the first QTY on the earliest day; the QTYs repeat
# when fewer are given, and 0 sells nothing that day.  Each sale goes
# reserve, pick, pack, ship through the ledger.
sell() {
	local sku=$1 days=$2 d q a i=0 on
	shift 2
	local qtys=("$@")
	for ((d = days; d >= 1; d--)); do
		q=${qtys[i % ${#qtys[@]}]}
		i=$((i + 1))
		[ "$q" -gt 0 ] || continue
		on=$(day "-$d")
		for a in reserve pick pack ship; do
			printf '{"type":"movement","action":"%s","sku":"%s","qty":%d,"warehouse":"%s","ref":"walk-in-%s"}\n' \
			    "$a" "$sku" "$q" "${WH:-BER}" "$on"
		done >"$BATS_TEST_TMPDIR/sale"
		WF_NOW=${on}T12:00:00Z wf-stock apply <"$BATS_TEST_TMPDIR/sale" >/dev/null
	done
}
