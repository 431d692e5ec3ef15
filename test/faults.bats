#!/usr/bin/env bats
# Faults: a read-only database file or directory, a full disk, a database
# locked by another process.  Each fault below is a function that builds a
# database with data in it, puts the fault in place, runs one command, and
# checks what design.md promises: the documented exit status, one clear line
# on stderr, nothing on stdout, and every row as it was (PRAGMA
# integrity_check ok, `wf check` clean).
#
# A tool adds its commands with one line per fault; the seeded database has
# warehouse BER, bin BER/A-01, SKU MUG-1 (EUR) with 5 on hand, supplier ACME.
# A command that reads JSON lines gets them from `input LINE...` first:
#
#   @test "wf-stock receive: read-only file" { readonly_file wf-stock receive MUG-1 1 --to BER/A-01; }
#   @test "wf-stock receive: read-only dir"  { readonly_dir  wf-stock receive MUG-1 1 --to BER/A-01; }
#   @test "wf-stock receive: full disk"      { disk_full     wf-stock receive MUG-1 1 --to BER/A-01; assert_output --partial '"action":"receive"'; }
#   @test "wf-stock receive: locked"         { locked        wf-stock receive MUG-1 1 --to BER/A-01; }
#   @test "wf-order import: locked"          { input "$ORDER"; locked wf-order import; }
#
# Root ignores file modes, so the read-only faults run the command as nobody
# (setpriv); the full disk is a small tmpfs mounted for the test.  Both need
# root, as in CI; elsewhere these tests are skipped.

load helper

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

setup() {
	wf_setup
	[ "$(id -u)" -eq 0 ] || skip "fault tests need root (setpriv, mount)"
	command -v setpriv >/dev/null || skip "fault tests need setpriv (util-linux)"
	# A place nobody can reach: bats' own temporary directory is private.
	FAULT_DIR=$(mktemp -d /tmp/wf-faults.XXXXXX)
	chmod 755 "$FAULT_DIR"
	mkdir "$FAULT_DIR/db"
	export WF_DB=$FAULT_DIR/db/wf.db
}

teardown() {
	[ -n "${HOLDER_PID:-}" ] && release
	if [ -n "${FAULT_DIR:-}" ]; then
		mountpoint -q "$FAULT_DIR/db" && umount "$FAULT_DIR/db"
		chmod -R u+rwX "$FAULT_DIR"
		rm -rf "$FAULT_DIR"
	fi
}

# ---- the database and its checks ---------------------------------------------

# A database with a little of everything, consistent for `wf check`.
seed() {
	wf init >/dev/null
	sql "INSERT INTO warehouse (id, code, owner, created_at, updated_at)
	       VALUES (1, 'BER', 'ops', '$WF_NOW', '$WF_NOW');
	     INSERT INTO bin (id, warehouse_id, code, owner, created_at, updated_at)
	       VALUES (1, 1, 'A-01', 'ops', '$WF_NOW', '$WF_NOW');
	     INSERT INTO sku (id, code, title, owner, currency, price, cost, created_at, updated_at)
	       VALUES (1, 'MUG-1', 'Mug', 'ops', 'EUR', 1250, 400, '$WF_NOW', '$WF_NOW');
	     INSERT INTO movement (at, actor, action, sku_id, qty, to_bin, to_state, unit_cost, currency)
	       VALUES ('$WF_NOW', 'tester', 'receive', 1, 5, 1, 'on_hand', 400, 'EUR');
	     INSERT INTO event (at, actor, record_type, ref, machine, action, to_state) VALUES
	       ('$WF_NOW', 'tester', 'warehouse', 'BER', 'warehouse', 'create', 'active'),
	       ('$WF_NOW', 'tester', 'bin', 'BER/A-01', 'bin', 'create', 'active'),
	       ('$WF_NOW', 'tester', 'sku', 'MUG-1', 'sku', 'create', 'active');
	     INSERT INTO supplier (id, code, name, owner, created_at, updated_at)
	       VALUES (1, 'ACME', 'Acme Mugs', 'purchasing', '$WF_NOW', '$WF_NOW');
	     INSERT INTO event (at, actor, record_type, ref, machine, action, to_state) VALUES
	       ('$WF_NOW', 'tester', 'supplier', 'ACME', 'supplier', 'create', 'active')"
	BEFORE=$(dump)
}

# The JSON lines the next command reads on stdin (readable by nobody).
FAULT_IN=/dev/null
input() {
	FAULT_IN=$FAULT_DIR/input.jsonl
	printf '%s\n' "$@" >"$FAULT_IN"
	chmod 644 "$FAULT_IN"
}

# Every row, as text.
dump() {
	sqlite3 -batch "$WF_DB" .dump
}

# The data is as seed() left it, the file is sound, and wf finds nothing.
intact() {
	run -0 sqlite3 -batch "$WF_DB" "PRAGMA integrity_check"
	assert_output ok
	run -0 dump
	assert_equal "$output" "$BEFORE"
	run -0 --separate-stderr wf check
	assert_output ''
}

# stderr is one line: "PROG: ...TAIL" (the middle names what failed).
stderr_is() {
	local prog=$1 tail=$2
	if [ "${#stderr_lines[@]}" -ne 1 ] || [[ $stderr != "$prog: "*"$tail" ]]; then
		printf 'expected stderr: %s: ...%s\nactual stderr:   %s\n' \
			"$prog" "$tail" "$stderr" >&2
		return 1
	fi
}

# ---- read-only -----------------------------------------------------------------

# The database file is read-only to the user running CMD: a write exits 6
# and changes nothing.
readonly_file() {
	seed
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 444 "$WF_DB"
	run -6 --separate-stderr "${NOBODY[@]}" "$@" <"$FAULT_IN"
	stderr_is "$1" "cannot write to '$WF_DB': it is read-only"
	assert_output ''
	intact
}

# The same file read: works, and prints what it prints on a writable file.
readonly_file_read() {
	seed
	run -0 --separate-stderr "$@"
	local want=$output
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 444 "$WF_DB"
	run -0 --separate-stderr "${NOBODY[@]}" "$@"
	assert_output "$want"
	intact
}

# The directory is read-only: in WAL mode even a read needs to create the
# -wal and -shm files beside the database, so any command exits 6.
readonly_dir() {
	seed
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 555 "$FAULT_DIR/db"
	[ ! -e "$WF_DB-wal" ] && [ ! -e "$WF_DB-shm" ]
	run -6 --separate-stderr "${NOBODY[@]}" "$@" <"$FAULT_IN"
	stderr_is "$1" "cannot use '$WF_DB': its directory is read-only, and WAL mode needs to create '$WF_DB-wal' and '$WF_DB-shm' there"
	assert_output ''
	intact
}

@test "read-only file: wf init on an up-to-date database changes nothing and exits 0" {
	readonly_file_read wf init
}

@test "read-only file: wf check still reads" {
	readonly_file_read wf check
}

@test "read-only file: wf log still reads" {
	readonly_file_read wf log
}

@test "read-only file: a copy not in WAL mode (VACUUM INTO) still reads" {
	seed
	sqlite3 "$WF_DB" "VACUUM INTO '$FAULT_DIR/db/copy.db'"
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 444 "$FAULT_DIR/db/copy.db"
	run -0 --separate-stderr "${NOBODY[@]}" wf --db "$FAULT_DIR/db/copy.db" log sku
	assert_output --partial '"ref":"MUG-1"'
	run -0 sqlite3 "$FAULT_DIR/db/copy.db" "PRAGMA journal_mode"
	assert_output delete
}

@test "read-only file: wf init on an empty pre-created file exits 6 and leaves it empty" {
	: >"$WF_DB"
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 444 "$WF_DB"
	run -6 --separate-stderr "${NOBODY[@]}" wf init
	stderr_is wf "cannot write to '$WF_DB': it is read-only"
	assert_output ''
	[ ! -s "$WF_DB" ]
}

@test "unreadable file: exits 6 (not 4: the database exists) and names the cause" {
	seed
	chown -R 65534:65534 "$FAULT_DIR/db"
	chmod 000 "$WF_DB"
	run -6 --separate-stderr "${NOBODY[@]}" wf check
	assert_equal "$stderr" "wf: cannot open '$WF_DB': Permission denied"
	chmod 644 "$WF_DB"
	intact
}

@test "read-only directory: wf check exits 6 and says why" {
	readonly_dir wf check
}

@test "read-only directory: wf init exits 6" {
	readonly_dir wf init
}

@test "read-only directory: wf init cannot create a database there, exits 6" {
	chown 65534:65534 "$FAULT_DIR/db"
	chmod 555 "$FAULT_DIR/db"
	run -6 --separate-stderr "${NOBODY[@]}" wf init
	assert_equal "$stderr" "wf: cannot open '$WF_DB': Permission denied"
	assert_output ''
	[ ! -e "$WF_DB" ]
}

# ---- full disk -----------------------------------------------------------------

# A tmpfs of SIZE holding the database, seeded.
small_disk() {
	# (a container without CAP_SYS_ADMIN cannot mount; a page-count limit
	# would need a setting in libwf, which has none yet)
	mount -t tmpfs -o "size=${1:-2m},mode=755" tmpfs "$FAULT_DIR/db" 2>/dev/null ||
		skip "cannot mount a tmpfs here"
	seed
}

# Write zeros until the file system is full.
fill() {
	dd if=/dev/zero of="$FAULT_DIR/db/filler" bs=4k 2>/dev/null || true
	[ "$(stat -f -c %a "$FAULT_DIR/db")" -eq 0 ]
}

# A write with no space left exits 6 and changes nothing.  Another process
# keeps the database open so that its -shm file already exists and the
# first thing to fail is the write itself; once there is space again the
# same command succeeds.
disk_full() {
	small_disk
	hold "SELECT count(*) FROM sku;"
	fill
	run -6 --separate-stderr "$@" <"$FAULT_IN"
	stderr_is "$1" "cannot write to '$WF_DB': database or disk is full"
	assert_output ''
	rm "$FAULT_DIR/db/filler"
	release
	intact
	run -0 "$@" <"$FAULT_IN"
}

@test "full disk: wf check exits 6 when it cannot create the -shm file" {
	small_disk
	fill
	run -6 --separate-stderr wf check
	stderr_is wf "cannot write to '$WF_DB': database or disk is full"
	assert_output ''
	rm "$FAULT_DIR/db/filler"
	intact
}

@test "full disk: wf check and wf log still read while another process has the database open" {
	small_disk
	hold "SELECT count(*) FROM sku;"
	fill
	run -0 --separate-stderr wf check
	assert_output ''
	run -0 --separate-stderr wf log sku MUG-1
	assert_output --partial '"action":"create"'
	rm "$FAULT_DIR/db/filler"
	release
	intact
}

@test "full disk: wf init of a new database exits 6; the other database is intact" {
	small_disk
	fill
	run -6 --separate-stderr wf --db "$FAULT_DIR/db/new.db" init
	stderr_is wf "cannot write to '$FAULT_DIR/db/new.db': database or disk is full"
	rm "$FAULT_DIR/db/filler"
	intact
	run -0 --separate-stderr wf --db "$FAULT_DIR/db/new.db" init
	assert_output --partial '"result":"created"'
	run -0 sqlite3 "$FAULT_DIR/db/new.db" "PRAGMA integrity_check"
	assert_output ok
}

# ---- locked --------------------------------------------------------------------

# Start sqlite3 on the database in the background, run SQL in it, and keep
# it open (the transaction, if any, stays open) until release().
hold() {
	mkfifo "$FAULT_DIR/holder.in"
	sqlite3 -batch "$WF_DB" <"$FAULT_DIR/holder.in" >/dev/null 2>&1 3>&- &
	HOLDER_PID=$!
	exec 7>"$FAULT_DIR/holder.in"
	printf '%s\n.system touch %s\n' "$1" "$FAULT_DIR/held" >&7
	local i
	for i in $(seq 100); do
		[ -e "$FAULT_DIR/held" ] && return 0
		sleep 0.1
	done
	echo "hold: sqlite3 did not get to '$1'" >&2
	return 1
}

# End the holder: EOF on its input; an open transaction rolls back.
release() {
	exec 7>&-
	wait "$HOLDER_PID" || true
	HOLDER_PID=
	rm -f "$FAULT_DIR/holder.in" "$FAULT_DIR/held"
}

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Another process holds the write lock past $WF_BUSY_TIMEOUT: exit 5, after
# waiting the timeout, saying it is safe to retry; and once the lock is gone
# the same command succeeds.
locked() {
	seed
	hold "BEGIN EXCLUSIVE; INSERT INTO sku (code, owner, currency, created_at, updated_at) VALUES ('GHOST', 'x', 'EUR', '$WF_NOW', '$WF_NOW');"
	local t0
	t0=$(now_ms)
	WF_BUSY_TIMEOUT=300 run -5 --separate-stderr "$@" <"$FAULT_IN"
	[ $(($(now_ms) - t0)) -ge 300 ]
	stderr_is "$1" "database is busy (locked by another process); safe to retry"
	assert_output ''
	release
	intact
	run -0 "$@" <"$FAULT_IN"
}

@test "locked: wf init exits 5 after the busy timeout, then succeeds" {
	locked wf init
}

@test "locked: readers do not wait for a writer (WAL)" {
	seed
	hold "BEGIN EXCLUSIVE; INSERT INTO sku (code, owner, currency, created_at, updated_at) VALUES ('GHOST', 'x', 'EUR', '$WF_NOW', '$WF_NOW');"
	WF_BUSY_TIMEOUT=0 run -0 --separate-stderr wf log sku
	refute_output --partial GHOST
	assert_output --partial MUG-1
	WF_BUSY_TIMEOUT=0 run -0 --separate-stderr wf check
	release
	intact
}

# ---- a real write of each tool ---------------------------------------------------
# (after a full disk or a lock the same command runs again and must work)

ORDER='{"type":"order","channel":"shop","external_id":"1001","placed_at":"2026-11-20T08:00:00Z","currency":"EUR","lines":[{"sku":"MUG-1","qty":2,"unit_price":"12.50"}],"payment":{"status":"paid","amount":"25.00"}}'
RAISE='{"kind":"unroutable","subject":"sku MUG-1","owner":"ops","impact":{"money":"25.00","currency":"EUR","units":2,"orders":1},"next_action":"Receive MUG-1 at BER"}'

@test "wf-stock receive: read-only file" { readonly_file wf-stock receive MUG-1 1 --to BER/A-01; }
@test "wf-stock receive: read-only dir"  { readonly_dir  wf-stock receive MUG-1 1 --to BER/A-01; }
@test "wf-stock receive: full disk"      { disk_full     wf-stock receive MUG-1 1 --to BER/A-01; assert_output --partial '"action":"receive"'; }
@test "wf-stock receive: locked"         { locked        wf-stock receive MUG-1 1 --to BER/A-01; assert_output --partial '"action":"receive"'; }

@test "wf-order import: read-only file" { input "$ORDER"; readonly_file wf-order import; }
@test "wf-order import: read-only dir"  { input "$ORDER"; readonly_dir  wf-order import; }
@test "wf-order import: full disk"      { input "$ORDER"; disk_full     wf-order import; assert_output --partial '"result":"created"'; }
@test "wf-order import: locked"         { input "$ORDER"; locked        wf-order import; assert_output --partial '"result":"created"'; }

@test "wf-po create: read-only file" { readonly_file wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10; }
@test "wf-po create: read-only dir"  { readonly_dir  wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10; }
@test "wf-po create: full disk"      { disk_full     wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10; assert_output --partial '"po":"PO-1"'; }
@test "wf-po create: locked"         { locked        wf-po create --supplier ACME --warehouse BER MUG-1:20@4.10; assert_output --partial '"po":"PO-1"'; }

@test "wf-alert raise: read-only file" { input "$RAISE"; readonly_file wf-alert raise; }
@test "wf-alert raise: read-only dir"  { input "$RAISE"; readonly_dir  wf-alert raise; }
@test "wf-alert raise: full disk"      { input "$RAISE"; disk_full     wf-alert raise; assert_output --partial '"result":"created"'; }
@test "wf-alert raise: locked"         { input "$RAISE"; locked        wf-alert raise; assert_output --partial '"result":"created"'; }
