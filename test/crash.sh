#!/usr/bin/env bash
# Crash test: kill a large import with SIGKILL at random points, and check
# that nothing is lost or half-written.
#
#   test/crash.sh [BUILD_DIR]        (make check-crash)
#
# For `wf-order import` of generated orders and `wf-stock apply` of
# generated movements (bench/gen; the same bytes every run), 30 and 15
# times: start the command on a copy of the starting database, kill it with
# SIGKILL after a random delay within its measured run time, then check:
#   - PRAGMA integrity_check is ok and `wf check` is clean;
#   - the batch is wholly there or wholly absent: the rows it writes are
#     all there (and then equal to an uninterrupted run's) or none are;
#   - running the command again converges: an absent batch applies whole;
#     an order import that was there says every order is unchanged.
#     (Movements are events, not keyed records: applying them twice is two
#     batches, so only an absent batch is run again.)
#     Afterwards `wf check` is clean and the data equals the uninterrupted
#     run's.
# Half the kill points fall anywhere in the run, half near its end (where
# the commit is).  Only the kill points are random: CRASH_SEED fixes them
# too (it is printed).  CRASH_ROUNDS (default 30 for the import, half that
# for apply) and CRASH_SCALE (default 5000: about a second a run) set the
# size; the whole run takes about two minutes.
set -u

b=$(cd "${1:-build}" && pwd)
rounds=${CRASH_ROUNDS:-30}
scale=${CRASH_SCALE:-5000}
seed=${CRASH_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$seed
for p in wf wf-order wf-stock bench/gen bench/load; do
	[ -x "$b/$p" ] || { echo "crash: $b/$p is not built" >&2; exit 2; }
done
command -v sqlite3 >/dev/null || { echo "crash: needs sqlite3" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export WF_ACTOR=crash WF_NOW=2026-11-20T09:00:00Z
unset WF_DB XDG_DATA_HOME
fail=0

say() { printf '%s\n' "$*"; }
bad() { say "  FAIL: $*"; fail=1; }

q() {	# q DB SQL: one value
	sqlite3 -batch "$1" "$2"
}

# A fingerprint of the rows a batch writes.
fp_orders() {
	q "$1" "SELECT o.ref, o.state, o.finance_state, o.total, count(l.id), sum(l.qty)
	        FROM orders o LEFT JOIN order_line l ON l.order_id = o.id
	        GROUP BY o.id ORDER BY o.ref" | md5sum | cut -d' ' -f1
}
fp_stock() {
	{ q "$1" "SELECT sku_id, bin_id, state, holder, qty FROM balance ORDER BY 1, 2, 3, 4"
	  q "$1" "SELECT holder, sku_id, bin_id, state, qty FROM held ORDER BY 1, 2, 3, 4"
	  q "$1" "SELECT count(*), sum(qty) FROM movement"; } | md5sum | cut -d' ' -f1
}

# The counts that must be all or nothing: orders and their lines, or
# movements; with the history events of either.
count_orders() { q "$1" "SELECT count(*) FROM orders"; }
count_stock() { q "$1" "SELECT count(*) FROM movement"; }

# checked DB: integrity and wf check
checked() {
	local out
	out=$(q "$1" "PRAGMA integrity_check" 2>&1)
	[ "$out" = ok ] || bad "integrity_check: $out"
	out=$(WF_DB=$1 "$b/wf" check 2>&1)
	[ $? -eq 0 ] && [ -z "$out" ] || bad "wf check: $out"
}

# ---- the data ------------------------------------------------------------------
say "crash: seed $seed, $rounds rounds of import and $(((rounds + 1) / 2)) of apply, scale $scale"
base=$tmp/base.db
WF_DB=$base "$b/wf" init >/dev/null
for k in skus warehouses suppliers; do "$b/bench/gen" "$scale" "$k"; done | "$b/bench/load" "$base"
"$b/bench/gen" "$scale" orders >"$tmp/orders.jsonl"
"$b/bench/gen" "$scale" movements >"$tmp/movements.jsonl"
events0=$(q "$base" "SELECT count(*) FROM event")

# run_full KIND: an uninterrupted run, its fingerprint and time (ms: the
# faster of two runs, the first being on a cold cache)
run_full() {
	local kind=$1 db=$tmp/full-$1.db t0 t1 k
	full_ms=
	for k in 1 2; do
		rm -f "$db" "$db-wal" "$db-shm"
		cp "$base" "$db"
		t0=$(date +%s%N)
		case $kind in
		orders)    WF_DB=$db "$b/wf-order" import <"$tmp/orders.jsonl" >/dev/null ;;
		movements) WF_DB=$db "$b/wf-stock" apply <"$tmp/movements.jsonl" >/dev/null ;;
		esac || { bad "the uninterrupted $kind run failed"; return 1; }
		t1=$(date +%s%N)
		t1=$(((t1 - t0) / 1000000))
		[ -n "$full_ms" ] && [ "$full_ms" -le "$t1" ] || full_ms=$t1
	done
	checked "$db"
	if [ "$kind" = orders ]; then
		full_fp=$(fp_orders "$db"); full_n=$(count_orders "$db")
	else
		full_fp=$(fp_stock "$db"); full_n=$(count_stock "$db")
	fi
	full_events=$(q "$db" "SELECT count(*) FROM event")
}

# crash KIND ROUNDS: kill its runs ROUNDS times
crash() {
	local kind=$1 rounds=$2 db=$tmp/run.db i ms n ev present=0 absent=0 out rc
	run_full "$kind" || return
	say "crash: $kind: $full_n rows in ${full_ms} ms uninterrupted"
	for i in $(seq "$rounds"); do
		rm -f "$db" "$db-wal" "$db-shm"
		cp "$base" "$db"
		# a point anywhere in the run, or (every other round) near its
		# end, where the commit and the checkpoint happen: 85-105 %
		if [ $((i % 2)) -eq 1 ]; then
			ms=$((RANDOM % (full_ms + 1)))
		else
			ms=$((full_ms * 85 / 100 + RANDOM % (full_ms / 5 + 1)))
		fi
		case $kind in
		orders)    WF_DB=$db "$b/wf-order" import <"$tmp/orders.jsonl" >/dev/null 2>&1 & ;;
		movements) WF_DB=$db "$b/wf-stock" apply <"$tmp/movements.jsonl" >/dev/null 2>&1 & ;;
		esac
		pid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		checked "$db"
		if [ "$kind" = orders ]; then n=$(count_orders "$db"); else n=$(count_stock "$db"); fi
		ev=$(q "$db" "SELECT count(*) FROM event")
		if [ "$n" -eq 0 ] && [ "$ev" -eq "$events0" ]; then
			absent=$((absent + 1))
			state=absent
		elif [ "$n" -eq "$full_n" ] && [ "$ev" -eq "$full_events" ]; then
			present=$((present + 1))
			state=present
			if [ "$kind" = orders ]; then fp=$(fp_orders "$db"); else fp=$(fp_stock "$db"); fi
			[ "$fp" = "$full_fp" ] || bad "round $i: the batch is there but differs from an uninterrupted run"
		else
			bad "round $i (killed at ${ms} ms): $n of $full_n rows and $ev events: half a batch"
			continue
		fi
		# run it again: it converges
		if [ "$kind" = orders ]; then
			out=$(WF_DB=$db "$b/wf-order" import <"$tmp/orders.jsonl")
			rc=$?
			want=$([ "$state" = absent ] && echo created || echo unchanged)
			got=$(printf '%s\n' "$out" | grep -c "\"result\":\"$want\"")
			[ "$rc" -eq 0 ] && [ "$got" -eq "$full_n" ] ||
				bad "round $i: the import again exits $rc with $got of $full_n $want"
			fp=$(fp_orders "$db")
		elif [ "$state" = absent ]; then
			WF_DB=$db "$b/wf-stock" apply <"$tmp/movements.jsonl" >/dev/null ||
				bad "round $i: applying again failed"
			fp=$(fp_stock "$db")
		fi
		checked "$db"
		[ "$fp" = "$full_fp" ] || bad "round $i: after running again the data differs from an uninterrupted run"
		printf '  round %2d: killed at %5d ms: %s\n' "$i" "$ms" "$state"
	done
	say "crash: $kind: $absent absent, $present present, of $rounds"
}

start=$(date +%s)
crash orders "$rounds"
crash movements $(((rounds + 1) / 2))
say "crash: done in $(($(date +%s) - start)) s"
[ "$fail" -eq 0 ] && say "crash: ok" || say "crash: FAILED"
exit "$fail"
