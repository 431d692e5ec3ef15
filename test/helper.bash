# Loaded by every bats file (`load helper`): a fresh database per test, the
# binaries under test first on PATH, a fixed clock and actor.
#
# Conventions (style.md): one behaviour per @test; exit status, stdout and
# stderr checked separately (`run -N --separate-stderr`); the tool under test
# never at the left of a pipe.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

WF_BIN=${WF_BIN:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)/build}
FIXTURES=$(cd "$BATS_TEST_DIRNAME" && pwd)/fixtures
PLATFORMS=$FIXTURES/platforms

wf_setup() {
	PATH=$WF_BIN:$PATH
	export WF_DB=$BATS_TEST_TMPDIR/wf.db
	export WF_NOW=2026-11-20T09:00:00Z
	export WF_ACTOR=tester
	# A sanitizer build runs several times slower: its check sets
	# WF_TIME_SCALE (make check-asan-bats), and the waits a test allows
	# grow with it, so that they bound fairness, not the build's speed.
	WF_TIME_SCALE=${WF_TIME_SCALE:-1}
	export WF_BUSY_TIMEOUT=$((10000 * WF_TIME_SCALE))
	unset XDG_DATA_HOME WF_SYNCHRONOUS
}

setup() {
	wf_setup
}

# A database with the schema and nothing else: a copy of the one `wf init`
# made for the first test of the run: a sanitizer build takes a third of a
# second to create the schema, and nearly every test starts here.  wf.bats
# tests `wf init` itself.
wf_init() {
	local t=$BATS_RUN_TMPDIR/schema.db
	if [ ! -s "$t" ]; then
		WF_DB=$t.new wf init >/dev/null || return
		# closed cleanly, the database is whole in its one file
		[ ! -s "$t.new-wal" ] || { echo "wf_init: $t.new-wal left behind" >&2; return 1; }
		mv "$t.new" "$t"
	fi
	# an existing database is migrated by wf init, never replaced
	if [ -e "$WF_DB" ]; then
		wf init >/dev/null
	else
		cp "$t" "$WF_DB"
	fi
}

# The value of KEY in the JSON object on stdin (jq -r).
field() {
	jq -r "$1"
}

# Run SQL against the test database and print the result.
sql() {
	sqlite3 -batch "$WF_DB" "$@"
}

# For the migration tests: the reservations by day, then SKU, as schema 24
# had them.  Undoes migration 25.
UNDO_25="DROP INDEX movement_reserve;
	CREATE INDEX movement_reserve ON movement(substr(at, 1, 10), sku_id) WHERE action = 'reserve'"

# For the migration tests: the orders' index by external id, which schema
# 26 had.  Undoes migration 27.
UNDO_27="CREATE INDEX orders_external_id ON orders(external_id)"

# For the migration tests: the open lines' index by SKU alone, as schema
# 25 had it.  Undoes migration 26.
UNDO_26="DROP INDEX order_line_open_sku;
	CREATE INDEX order_line_open_sku ON order_line(sku_id) WHERE qty > qty_shipped"

# For the migration tests: balance's index by bin, which schema 23 had.
# Undoes migration 24.
UNDO_24="CREATE INDEX balance_bin ON balance(bin_id, sku_id)"

# For the migration tests: the orders' index of amounts as schema 22 had
# it, by amount first.  Undoes migration 23.
UNDO_23="DROP INDEX orders_paid_amount;
	CREATE INDEX orders_paid_amount ON orders(currency, paid, placed_at)"

# For the migration tests: the ledger's index by SKU as schema 21 had it,
# reservations and all.  Undoes migration 22.
UNDO_22="DROP INDEX movement_reserve; DROP INDEX movement_sku;
	CREATE INDEX movement_sku ON movement(sku_id, at)"

# For the migration tests: the indexes schema 20 did not have.  Undoes
# migration 21.
UNDO_21="DROP INDEX orders_cancelled; DROP INDEX movement_receipt; DROP INDEX order_route_day;
	CREATE INDEX order_route_day ON order_route(warehouse_id, ship_by)"

# For the migration tests: the stock as schema 19 kept it: balance with one row per holder of held
# units, and the triggers of migration 2.  Undoes migration 20.
UNDO_20="DROP TRIGGER movement_take; DROP TRIGGER movement_take_held;
	DROP TRIGGER movement_give; DROP TRIGGER movement_give_held;
	CREATE TABLE balance18 (sku_id INTEGER NOT NULL REFERENCES sku(id),
	  bin_id INTEGER NOT NULL REFERENCES bin(id), state TEXT NOT NULL,
	  holder TEXT NOT NULL DEFAULT '', qty INTEGER NOT NULL CHECK (qty >= 0),
	  CHECK ((holder <> '') = (state IN ('inbound','reserved','picked','packed'))),
	  PRIMARY KEY (sku_id, state, holder, bin_id)) STRICT, WITHOUT ROWID;
	INSERT INTO balance18 SELECT sku_id, bin_id, state, '', qty FROM balance
	  WHERE state NOT IN ('inbound','reserved','picked','packed');
	INSERT INTO balance18 SELECT sku_id, bin_id, state, holder, qty FROM held;
	DROP TABLE held; DROP TABLE balance; ALTER TABLE balance18 RENAME TO balance;
	CREATE INDEX balance_bin ON balance(bin_id, sku_id);
	CREATE INDEX balance_holder ON balance(holder, sku_id) WHERE holder <> '';
	CREATE TRIGGER balance_range_insert BEFORE INSERT ON balance
	WHEN NEW.qty > 9007199254740991 BEGIN SELECT RAISE(ABORT, 'range'); END;
	CREATE TRIGGER balance_range_update BEFORE UPDATE OF qty ON balance
	WHEN NEW.qty > 9007199254740991 BEGIN SELECT RAISE(ABORT, 'range'); END;
	CREATE TRIGGER movement_take BEFORE INSERT ON movement
	WHEN NEW.from_bin IS NOT NULL BEGIN
	  UPDATE balance SET qty = qty - NEW.qty WHERE sku_id = NEW.sku_id
	    AND bin_id = NEW.from_bin AND state = NEW.from_state AND holder = (CASE WHEN
	    NEW.from_state IN ('inbound','reserved','picked','packed') THEN NEW.holder ELSE '' END)
	    AND qty >= NEW.qty;
	  SELECT RAISE(ABORT, 'wf: insufficient stock') WHERE changes() = 0;
	  DELETE FROM balance WHERE qty = 0;
	END;
	CREATE TRIGGER movement_give AFTER INSERT ON movement
	WHEN NEW.to_bin IS NOT NULL BEGIN
	  INSERT INTO balance (sku_id, bin_id, state, holder, qty) VALUES (NEW.sku_id,
	    NEW.to_bin, NEW.to_state, CASE WHEN NEW.to_state IN ('inbound','reserved','picked',
	    'packed') THEN NEW.holder ELSE '' END, NEW.qty)
	    ON CONFLICT DO UPDATE SET qty = qty + excluded.qty;
	END;"
