#!/bin/sh
# bench/report.sh - the size of wf report's page, and the time to write and
# to render it, at the scale of issue 19: 10k SKUs, each in every one of 5
# warehouses (bench/gen 100000), 1k open exceptions, 10k orders.  Not part
# of make check; needs chromium (.ci/deps browser).
#
#   bench/report.sh [BIN]      BIN: the build directory (default build)
#
# Chromium's time for the page is given beside its time for an empty page:
# the difference is what the page costs, whatever the machine's start-up.
set -eu
BIN=$(cd "${1:-build}" && pwd)
OUT=$(cd "$(dirname "$0")" && pwd)/out/report
mkdir -p "$OUT"
export PATH="$BIN:$PATH" WF_DB="$OUT/report.db" WF_NOW=2026-11-20T09:00:00Z
ms() { date +%s%3N; }

if [ ! -s "$WF_DB" ]; then
	for k in skus warehouses suppliers stock; do "$BIN/bench/gen" 100000 $k >"$OUT/$k.jsonl"; done
	"$BIN/bench/gen" 10000 orders >"$OUT/orders.jsonl"
	wf init >/dev/null
	cat "$OUT/skus.jsonl" "$OUT/warehouses.jsonl" "$OUT/suppliers.jsonl" | "$BIN/bench/load" "$WF_DB"
	"$BIN/bench/floor_apply" "$WF_DB" <"$OUT/stock.jsonl"
	awk 'BEGIN { for (i = 1; i <= 1000; i++)
		printf "{\"kind\":\"%s\",\"subject\":\"sku SKU-%06d\",\"owner\":\"%s\",\"impact\":{\"units\":%d,\"money\":\"%d.00\",\"currency\":\"EUR\"},\"next_action\":\"Order more SKU-%06d from its supplier before the stock runs out\"}\n",
		    i % 3 ? "stockout_risk" : "below_reorder_point", i * 7, i % 4 ? "purchasing" : "ops-" i % 5,
		    i % 50, i * 3, i * 7 }' | WF_NOW=2026-11-01T09:00:00Z wf-alert raise >/dev/null
	wf-order import --keep-going <"$OUT/orders.jsonl" >/dev/null 2>&1 || true
fi
printf 'skus %s, exceptions %s, orders %s\n' "$(wf-stock sku list | wc -l)" \
	"$(wf-alert list | wc -l)" "$(wf-order list | wc -l)"

t=$(ms)
wf report --out "$OUT/page.html" >/dev/null
printf 'page: %s bytes, written in %s ms\n' "$(stat -c %s "$OUT/page.html")" $(($(ms) - t))

printf '<!DOCTYPE html><title>empty</title><p>empty\n' >"$OUT/empty.html"
render() {	# the best of three wall times of a screenshot of $1, in ms
	best=
	for _ in 1 2 3; do
		p=$(mktemp -d)
		t=$(ms)
		chromium --headless --no-sandbox --disable-gpu --no-first-run \
			--disable-background-networking --disable-component-update \
			--disable-sync --user-data-dir="$p" --hide-scrollbars \
			--window-size=1100,2400 --screenshot="$OUT/shot.png" "file://$1" \
			>/dev/null 2>&1
		t=$(($(ms) - t))
		rm -rf "$p"
		[ -n "$best" ] && [ "$best" -le "$t" ] || best=$t
	done
	echo "$best"
}
e=$(render "$OUT/empty.html")
p=$(render "$OUT/page.html")
printf 'chromium screenshot: page %s ms, empty page %s ms, the page costs %s ms\n' "$p" "$e" $((p - e))
