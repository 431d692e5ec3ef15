/*
 * schema.c - the database schema, as forward migrations.
 *
 * Migration N brings user_version from N-1 to N.  A migration is never edited
 * once released; changes are new migrations.  The schema enforces what it
 * can: STRICT tables, closed state sets, CHECK constraints, foreign keys, and
 * triggers that keep the stock ledger and the history append-only and keep
 * balances equal to the ledger, never negative.
 */
#include "wf_db.h"

/* Shared pieces of SQL text (identifiers and constants only, never values). */
#define TS(col)   "CHECK (" col " GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z')"
#define TSN(col)  "CHECK (" col " IS NULL OR " col " GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z')"
#define CUR(col)  "CHECK (" col " GLOB '[A-Z][A-Z][A-Z]')"
#define DATEN(col) "CHECK (" col " IS NULL OR " col " GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')"
/* Money in minor units, within what survives JSON (wf_money.h). */
#define MONEY(col) "CHECK (" col " BETWEEN -9007199254740991 AND 9007199254740991)"
#define MONEYN(col) "CHECK (" col " IS NULL OR " col " BETWEEN -9007199254740991 AND 9007199254740991)"
#define OWNER     "owner TEXT NOT NULL CHECK (owner <> '' AND length(owner) <= 64)"
#define STAMPS    "created_at TEXT NOT NULL " TS("created_at") ",\n" \
                  "  updated_at TEXT NOT NULL " TS("updated_at")
#define CODE(col, n) "CHECK (length(" col ") BETWEEN 1 AND " #n \
                  " AND " col " NOT GLOB '*[^A-Za-z0-9._-]*')"
/* A closed set is written as a chain of comparisons, not as IN (...): for a
 * list of three or more constants SQLite builds a temporary b-tree each time
 * a statement runs, which made every INSERT into movement build twelve. */
#define PHYS(c)   "(" c " = 'inbound' OR " c " = 'on_hand' OR " c " = 'reserved' OR " \
                  c " = 'picked' OR " c " = 'packed' OR " c " = 'shipped' OR " \
                  c " = 'returned' OR " c " = 'damaged' OR " c " = 'quarantine')"
#define HELD(c)   "(" c " = 'inbound' OR " c " = 'reserved' OR " c " = 'picked' OR " \
                  c " = 'packed')"
/* The holder of a balance: the order or PO for held states, '' otherwise. */
#define HOLDER(side) "(CASE WHEN " HELD("NEW." side "_state") " THEN NEW.holder ELSE '' END)"
/* Stock by place, state and holder, kept by the movement triggers. */
#define BALANCE(t, key) \
	"CREATE TABLE " t " (\n" \
	"  sku_id INTEGER NOT NULL REFERENCES sku(id),\n" \
	"  bin_id INTEGER NOT NULL REFERENCES bin(id),\n" \
	"  state  TEXT NOT NULL CHECK (" PHYS("state") " AND state <> 'shipped'),\n" \
	"  holder TEXT NOT NULL DEFAULT '',\n" \
	"  qty    INTEGER NOT NULL CHECK (qty >= 0),\n" \
	"  CHECK ((holder <> '') = " HELD("state") "),\n" \
	"  PRIMARY KEY (" key ")\n" \
	") STRICT, WITHOUT ROWID;\n"
#define BALANCE_INDEXES \
	"CREATE INDEX balance_bin ON balance(bin_id, sku_id);\n" \
	"CREATE INDEX balance_holder ON balance(holder, sku_id) WHERE holder <> '';\n"
/* A payout's key, state and currency, the same in migrations 1 and 3. */
#define PAYOUT_KEY \
	"CREATE TABLE payout (\n" \
	"  id          INTEGER PRIMARY KEY,\n" \
	"  provider    TEXT NOT NULL " CODE("provider", 32) ",\n" \
	"  external_id TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 128),\n" \
	"  ref         TEXT NOT NULL UNIQUE CHECK (ref = provider || ':' || external_id),\n" \
	"  state       TEXT NOT NULL DEFAULT 'imported' CHECK ((state = 'imported' OR\n" \
	"              state = 'matched' OR state = 'reconciled' OR state = 'mismatch')),\n" \
	"  currency    TEXT NOT NULL " CUR("currency") ",\n"
#define APPEND_ONLY(t, what) \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t " BEGIN\n" \
	"  SELECT RAISE(ABORT, 'wf: " what " is append-only; record a reversal instead');\n" \
	"END;\n" \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t " BEGIN\n" \
	"  SELECT RAISE(ABORT, 'wf: " what " is append-only; record a reversal instead');\n" \
	"END;\n"

static const char m1[] =
/* ---- catalogue and locations ------------------------------------------- */
"CREATE TABLE sku (\n"
"  id             INTEGER PRIMARY KEY,\n"
"  code           TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),\n"
"  title          TEXT NOT NULL DEFAULT '',\n"
"  " OWNER ",\n"
"  state          TEXT NOT NULL DEFAULT 'active'\n"
"                 CHECK ((state = 'active' OR state = 'discontinued' OR state = 'blocked')),\n"
"  currency       TEXT NOT NULL " CUR("currency") ",\n"
"  price          INTEGER CHECK (price >= 0),\n"
"  cost           INTEGER CHECK (cost >= 0),\n"
"  avg_cost       INTEGER CHECK (avg_cost >= 0),\n"
"  lead_time_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 3650),\n"
"  safety_days    INTEGER NOT NULL DEFAULT 0 CHECK (safety_days BETWEEN 0 AND 3650),\n"
"  " STAMPS "\n"
") STRICT;\n"

"CREATE TABLE warehouse (\n"
"  id         INTEGER PRIMARY KEY,\n"
"  code       TEXT NOT NULL UNIQUE " CODE("code", 32) ",\n"
"  name       TEXT NOT NULL DEFAULT '',\n"
"  country    TEXT CHECK (country GLOB '[A-Z][A-Z]'),\n"
"  postcode   TEXT,\n"
"  timezone   TEXT NOT NULL DEFAULT 'UTC' CHECK (timezone <> ''),\n"
"  capacity   INTEGER CHECK (capacity >= 0),\n"
"  " OWNER ",\n"
"  state      TEXT NOT NULL DEFAULT 'active'\n"
"             CHECK ((state = 'active' OR state = 'paused' OR state = 'closed')),\n"
"  " STAMPS "\n"
") STRICT;\n"

"CREATE TABLE bin (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),\n"
"  code         TEXT NOT NULL " CODE("code", 32) ",\n"
"  kind         TEXT NOT NULL DEFAULT 'pick' CHECK (kind IN\n"
"               ('pick','bulk','inbound','returns','damaged','quarantine')),\n"
"  " OWNER ",\n"
"  state        TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','blocked')),\n"
"  " STAMPS ",\n"
"  UNIQUE (warehouse_id, code)\n"
") STRICT;\n"

/* ---- the stock ledger and its balances ----------------------------------
 * A movement takes QTY units of a SKU from (bin, physical state) to (bin,
 * physical state).  A side without a bin is outside the business: a supplier
 * or a correction (state NULL), or a customer (state 'shipped').  HOLDER
 * names the order or PO that owns reserved, picked, packed or inbound
 * units. */
"CREATE TABLE movement (\n"
"  id         INTEGER PRIMARY KEY,\n"
"  at         TEXT NOT NULL " TS("at") ",\n"
"  actor      TEXT NOT NULL CHECK (actor <> ''),\n"
"  action     TEXT NOT NULL CHECK (action = 'receive' OR action = 'move' OR\n"
"             action = 'adjust' OR action = 'count' OR action = 'damage' OR\n"
"             action = 'quarantine' OR action = 'release' OR action = 'reserve' OR\n"
"             action = 'unreserve' OR action = 'pick' OR action = 'pack' OR\n"
"             action = 'ship' OR action = 'unpick' OR action = 'unpack' OR\n"
"             action = 'return' OR action = 'restock' OR action = 'write_off' OR\n"
"             action = 'expect' OR action = 'unexpect'),\n"
"  sku_id     INTEGER NOT NULL REFERENCES sku(id),\n"
"  qty        INTEGER NOT NULL CHECK (qty > 0),\n"
"  from_bin   INTEGER REFERENCES bin(id),\n"
"  from_state TEXT CHECK " PHYS("from_state") ",\n"
"  to_bin     INTEGER REFERENCES bin(id),\n"
"  to_state   TEXT CHECK " PHYS("to_state") ",\n"
"  holder     TEXT CHECK (holder <> ''),\n"
"  ref        TEXT,\n"
"  reason     TEXT,\n"
"  unit_cost  INTEGER CHECK (unit_cost >= 0),\n"
"  currency   TEXT " "CHECK (currency IS NULL OR currency GLOB '[A-Z][A-Z][A-Z]'),\n"
"  CHECK (from_bin IS NOT NULL OR from_state IS NULL OR from_state = 'shipped'),\n"
"  CHECK (to_bin IS NOT NULL OR to_state IS NULL OR to_state = 'shipped'),\n"
"  CHECK (from_bin IS NULL OR (from_state IS NOT NULL AND from_state <> 'shipped')),\n"
"  CHECK (to_bin IS NULL OR (to_state IS NOT NULL AND to_state <> 'shipped')),\n"
"  CHECK (from_bin IS NOT NULL OR to_bin IS NOT NULL),\n"
"  CHECK ((unit_cost IS NULL) = (currency IS NULL)),\n"
"  CHECK (holder IS NOT NULL OR (NOT " HELD("coalesce(from_state, '')") "\n"
"         AND NOT " HELD("coalesce(to_state, '')") "))\n"
") STRICT;\n"
"CREATE INDEX movement_sku ON movement(sku_id, at);\n"
"CREATE INDEX movement_ref ON movement(ref) WHERE ref IS NOT NULL;\n"
"CREATE INDEX movement_holder ON movement(holder) WHERE holder IS NOT NULL;\n"
"CREATE INDEX movement_at ON movement(at);\n"
APPEND_ONLY("movement", "the stock ledger")

BALANCE("balance", "sku_id, bin_id, state, holder")
BALANCE_INDEXES

/* Balances follow the ledger in the same statement; a movement that would
 * take more than a balance holds is refused whole. */
"CREATE TRIGGER movement_balance AFTER INSERT ON movement BEGIN\n"
"  SELECT RAISE(ABORT, 'wf: insufficient stock')\n"
"   WHERE NEW.from_bin IS NOT NULL AND coalesce((SELECT qty FROM balance\n"
"     WHERE sku_id = NEW.sku_id AND bin_id = NEW.from_bin\n"
"       AND state = NEW.from_state AND holder = " HOLDER("from") "), 0) < NEW.qty;\n"
"  UPDATE balance SET qty = qty - NEW.qty\n"
"   WHERE NEW.from_bin IS NOT NULL AND sku_id = NEW.sku_id AND bin_id = NEW.from_bin\n"
"     AND state = NEW.from_state AND holder = " HOLDER("from") ";\n"
"  DELETE FROM balance\n"
"   WHERE NEW.from_bin IS NOT NULL AND sku_id = NEW.sku_id AND bin_id = NEW.from_bin\n"
"     AND state = NEW.from_state AND holder = " HOLDER("from") " AND qty = 0;\n"
"  INSERT INTO balance (sku_id, bin_id, state, holder, qty)\n"
"   SELECT NEW.sku_id, NEW.to_bin, NEW.to_state, " HOLDER("to") ", NEW.qty\n"
"    WHERE NEW.to_bin IS NOT NULL\n"
"   ON CONFLICT DO UPDATE SET qty = qty + excluded.qty;\n"
"END;\n"

/* ---- orders, shipments, returns ----------------------------------------- */
"CREATE TABLE orders (\n"
"  id            INTEGER PRIMARY KEY,\n"
"  channel       TEXT NOT NULL " CODE("channel", 32) ",\n"
"  external_id   TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 128),\n"
"  ref           TEXT NOT NULL UNIQUE CHECK (ref = channel || ':' || external_id),\n"
"  state         TEXT NOT NULL DEFAULT 'new' CHECK ((state = 'new' OR state = 'promised' OR\n"
"                state = 'reserved' OR state = 'picked' OR state = 'packed' OR\n"
"                state = 'shipped' OR state = 'delivered' OR state = 'closed' OR\n"
"                state = 'on_hold' OR state = 'cancelled' OR state = 'returned' OR\n"
"                state = 'partially_returned')),\n"
"  held_from     TEXT CHECK ((held_from = 'new' OR held_from = 'promised' OR\n"
"               held_from = 'reserved' OR held_from = 'picked' OR\n"
"               held_from = 'packed')),\n"
"  hold_reason   TEXT,\n"
"  finance_state TEXT NOT NULL DEFAULT 'pending' CHECK ((finance_state = 'pending' OR\n"
"                finance_state = 'paid' OR finance_state = 'invoiced' OR\n"
"                finance_state = 'partially_refunded' OR finance_state = 'refunded' OR\n"
"                finance_state = 'reconciled' OR\n"
"                finance_state = 'disputed')),\n"
"  " OWNER ",\n"
"  currency      TEXT NOT NULL " CUR("currency") ",\n"
"  placed_at     TEXT NOT NULL " TS("placed_at") ",\n"
"  promise_by    TEXT " TSN("promise_by") ",\n"
"  ship_name     TEXT,\n"
"  ship_country  TEXT CHECK (ship_country GLOB '[A-Z][A-Z]'),\n"
"  ship_postcode TEXT,\n"
"  ship_city     TEXT,\n"
"  ship_to       TEXT,\n"
"  subtotal      INTEGER NOT NULL DEFAULT 0 CHECK (subtotal >= 0),\n"
"  discount      INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),\n"
"  shipping_paid INTEGER NOT NULL DEFAULT 0 CHECK (shipping_paid >= 0),\n"
"  tax           INTEGER NOT NULL DEFAULT 0 CHECK (tax >= 0),\n"
"  total         INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),\n"
"  paid          INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),\n"
"  refunded      INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0),\n"
"  cancel_reason TEXT,\n"
"  source_hash   TEXT NOT NULL DEFAULT '',\n"
"  " STAMPS ",\n"
"  CHECK ((state = 'on_hold') = (held_from IS NOT NULL))\n"
") STRICT;\n"
"CREATE INDEX orders_state ON orders(state, placed_at);\n"
"CREATE INDEX orders_placed ON orders(placed_at);\n"

"CREATE TABLE order_line (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id),\n"
"  line_no      INTEGER NOT NULL CHECK (line_no >= 1),\n"
"  sku          TEXT NOT NULL CHECK (sku <> ''),\n"
"  sku_id       INTEGER REFERENCES sku(id),\n"
"  external_id  TEXT,\n"
"  title        TEXT NOT NULL DEFAULT '',\n"
"  qty          INTEGER NOT NULL CHECK (qty > 0),\n"
"  unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),\n"
"  discount     INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),\n"
"  tax          INTEGER NOT NULL DEFAULT 0 CHECK (tax >= 0),\n"
"  qty_shipped  INTEGER NOT NULL DEFAULT 0 CHECK (qty_shipped BETWEEN 0 AND qty),\n"
"  qty_returned INTEGER NOT NULL DEFAULT 0 CHECK (qty_returned BETWEEN 0 AND qty_shipped),\n"
"  UNIQUE (order_id, line_no)\n"
") STRICT;\n"
"CREATE INDEX order_line_sku ON order_line(sku_id);\n"

/* Where an order ships from: one leg per warehouse (several when split). */
"CREATE TABLE order_route (\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id),\n"
"  warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),\n"
"  carrier      TEXT,\n"
"  service      TEXT,\n"
"  ship_by      TEXT " TSN("ship_by") ",\n"
"  promise      TEXT " TSN("promise") ",\n"
"  cost         INTEGER CHECK (cost >= 0),\n"
"  currency     TEXT " "CHECK (currency IS NULL OR currency GLOB '[A-Z][A-Z][A-Z]'),\n"
"  created_at   TEXT NOT NULL " TS("created_at") ",\n"
"  PRIMARY KEY (order_id, warehouse_id)\n"
") STRICT;\n"
"CREATE INDEX order_route_day ON order_route(warehouse_id, ship_by);\n"

"CREATE TABLE carrier_service (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),\n"
"  carrier      TEXT NOT NULL " CODE("carrier", 32) ",\n"
"  service      TEXT NOT NULL " CODE("service", 32) ",\n"
"  cutoff       TEXT NOT NULL CHECK (cutoff GLOB '[0-2][0-9]:[0-5][0-9]' AND cutoff < '24:00'),\n"
"  transit_days INTEGER NOT NULL CHECK (transit_days BETWEEN 0 AND 365),\n"
"  cost         INTEGER NOT NULL CHECK (cost >= 0),\n"
"  currency     TEXT NOT NULL " CUR("currency") ",\n"
"  countries    TEXT NOT NULL DEFAULT '',\n"
"  " STAMPS ",\n"
"  UNIQUE (warehouse_id, carrier, service)\n"
") STRICT;\n"

"CREATE TABLE shipment (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id),\n"
"  warehouse_id INTEGER REFERENCES warehouse(id),\n"
"  state        TEXT NOT NULL DEFAULT 'planned' CHECK ((state = 'planned' OR\n"
"               state = 'picked' OR\n"
"               state = 'packed' OR state = 'shipped' OR state = 'in_transit' OR\n"
"               state = 'delivered' OR state = 'failed' OR\n"
"               state = 'returned_to_sender')),\n"
"  carrier      TEXT NOT NULL CHECK (carrier <> ''),\n"
"  service      TEXT,\n"
"  tracking     TEXT,\n"
"  cost         INTEGER CHECK (cost >= 0),\n"
"  currency     TEXT " "CHECK (currency IS NULL OR currency GLOB '[A-Z][A-Z][A-Z]'),\n"
"  " OWNER ",\n"
"  shipped_at   TEXT " TSN("shipped_at") ",\n"
"  delivered_at TEXT " TSN("delivered_at") ",\n"
"  " STAMPS ",\n"
"  CHECK ((cost IS NULL) = (currency IS NULL))\n"
") STRICT;\n"
"CREATE INDEX shipment_order ON shipment(order_id);\n"

"CREATE TABLE shipment_line (\n"
"  shipment_id   INTEGER NOT NULL REFERENCES shipment(id),\n"
"  order_line_id INTEGER NOT NULL REFERENCES order_line(id),\n"
"  qty           INTEGER NOT NULL CHECK (qty > 0),\n"
"  PRIMARY KEY (shipment_id, order_line_id)\n"
") STRICT;\n"

"CREATE TABLE rma (\n"
"  id            INTEGER PRIMARY KEY,\n"
"  order_id      INTEGER NOT NULL REFERENCES orders(id),\n"
"  order_line_id INTEGER REFERENCES order_line(id),\n"
"  sku_id        INTEGER NOT NULL REFERENCES sku(id),\n"
"  qty           INTEGER NOT NULL CHECK (qty > 0),\n"
"  reason        TEXT NOT NULL CHECK (reason <> ''),\n"
"  state         TEXT NOT NULL DEFAULT 'requested' CHECK ((state = 'requested' OR\n"
"                state = 'authorised' OR state = 'received' OR state = 'inspected' OR\n"
"                state = 'restocked' OR state = 'written_off' OR\n"
"                state = 'refunded' OR state = 'closed' OR state = 'rejected')),\n"
"  condition     TEXT CHECK (condition IN ('sellable','damaged')),\n"
"  bin_id        INTEGER REFERENCES bin(id),\n"
"  refund        INTEGER CHECK (refund >= 0),\n"
"  currency      TEXT NOT NULL " CUR("currency") ",\n"
"  " OWNER ",\n"
"  " STAMPS "\n"
") STRICT;\n"
"CREATE INDEX rma_order ON rma(order_id);\n"

/* ---- purchasing --------------------------------------------------------- */
"CREATE TABLE supplier (\n"
"  id                   INTEGER PRIMARY KEY,\n"
"  code                 TEXT NOT NULL UNIQUE " CODE("code", 32) ",\n"
"  name                 TEXT NOT NULL CHECK (name <> ''),\n"
"  email                TEXT,\n"
"  lead_time_days       INTEGER NOT NULL DEFAULT 14 CHECK (lead_time_days BETWEEN 0 AND 3650),\n"
"  confirm_within_days  INTEGER NOT NULL DEFAULT 2 CHECK (confirm_within_days BETWEEN 0 AND 365),\n"
"  follow_up_every_days INTEGER NOT NULL DEFAULT 3 CHECK (follow_up_every_days BETWEEN 1 AND 365),\n"
"  " OWNER ",\n"
"  state                TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','paused')),\n"
"  " STAMPS "\n"
") STRICT;\n"

"CREATE TABLE po (\n"
"  id            INTEGER PRIMARY KEY,\n"
"  supplier_id   INTEGER NOT NULL REFERENCES supplier(id),\n"
"  warehouse_id  INTEGER NOT NULL REFERENCES warehouse(id),\n"
"  state         TEXT NOT NULL DEFAULT 'draft' CHECK ((state = 'draft' OR state = 'sent' OR\n"
"                state = 'confirmed' OR state = 'partially_received' OR\n"
"                state = 'received' OR state = 'closed' OR state = 'cancelled')),\n"
"  currency      TEXT NOT NULL " CUR("currency") ",\n"
"  expected_at   TEXT NOT NULL " TS("expected_at") ",\n"
"  confirmed_for TEXT " TSN("confirmed_for") ",\n"
"  sent_at       TEXT " TSN("sent_at") ",\n"
"  confirmed_at  TEXT " TSN("confirmed_at") ",\n"
"  reason        TEXT,\n"
"  " OWNER ",\n"
"  " STAMPS "\n"
") STRICT;\n"
"CREATE INDEX po_state ON po(state);\n"

"CREATE TABLE po_line (\n"
"  id            INTEGER PRIMARY KEY,\n"
"  po_id         INTEGER NOT NULL REFERENCES po(id),\n"
"  line_no       INTEGER NOT NULL CHECK (line_no >= 1),\n"
"  sku_id        INTEGER NOT NULL REFERENCES sku(id),\n"
"  qty_ordered   INTEGER NOT NULL CHECK (qty_ordered > 0),\n"
"  qty_received  INTEGER NOT NULL DEFAULT 0 CHECK (qty_received >= 0),\n"
"  qty_cancelled INTEGER NOT NULL DEFAULT 0 CHECK (qty_cancelled >= 0),\n"
"  unit_cost     INTEGER CHECK (unit_cost >= 0),\n"
"  UNIQUE (po_id, line_no)\n"
") STRICT;\n"

"CREATE TABLE po_followup (\n"
"  id      INTEGER PRIMARY KEY,\n"
"  po_id   INTEGER NOT NULL REFERENCES po(id),\n"
"  reason  TEXT NOT NULL CHECK ((reason = 'unconfirmed' OR reason = 'overdue' OR\n"
"               reason = 'partial' OR reason = 'slipped')),\n"
"  sent_at TEXT NOT NULL " TS("sent_at") ",\n"
"  actor   TEXT NOT NULL\n"
") STRICT;\n"
"CREATE INDEX po_followup_po ON po_followup(po_id, sent_at);\n"
APPEND_ONLY("po_followup", "the follow-up log")

/* ---- money -------------------------------------------------------------- */
PAYOUT_KEY
"  amount      INTEGER NOT NULL,\n"
"  fees        INTEGER NOT NULL DEFAULT 0,\n"
"  paid_at     TEXT " TSN("paid_at") ",\n"
"  " OWNER ",\n"
"  " STAMPS ",\n"
"  UNIQUE (provider, external_id)\n"
") STRICT;\n"

"CREATE TABLE payout_line (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  payout_id   INTEGER NOT NULL REFERENCES payout(id),\n"
"  line_no     INTEGER NOT NULL CHECK (line_no >= 1),\n"
"  kind        TEXT NOT NULL CHECK ((kind = 'charge' OR kind = 'refund' OR kind = 'fee' OR\n"
"               kind = 'adjustment' OR\n"
"              kind = 'dispute' OR kind = 'reserve' OR kind = 'payout' OR kind = 'other')),\n"
"  external_id TEXT,\n"
"  order_ref   TEXT,\n"
"  order_id    INTEGER REFERENCES orders(id),\n"
"  amount      INTEGER NOT NULL,\n"
"  fee         INTEGER NOT NULL DEFAULT 0,\n"
"  net         INTEGER NOT NULL,\n"
"  currency    TEXT NOT NULL " CUR("currency") ",\n"
"  occurred_at TEXT " TSN("occurred_at") ",\n"
"  UNIQUE (payout_id, line_no)\n"
") STRICT;\n"
"CREATE INDEX payout_line_order ON payout_line(order_id);\n"

"CREATE TABLE adjustment (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  sku_id      INTEGER NOT NULL REFERENCES sku(id),\n"
"  bin_id      INTEGER NOT NULL REFERENCES bin(id),\n"
"  delta       INTEGER NOT NULL CHECK (delta <> 0),\n"
"  reason      TEXT NOT NULL CHECK (reason <> ''),\n"
"  state       TEXT NOT NULL DEFAULT 'proposed' CHECK ((state = 'proposed' OR\n"
"              state = 'approved' OR state = 'applied' OR state = 'rejected')),\n"
"  movement_id INTEGER REFERENCES movement(id),\n"
"  " OWNER ",\n"
"  " STAMPS ",\n"
"  CHECK (state <> 'applied' OR movement_id IS NOT NULL),\n"
"  CHECK (movement_id IS NULL OR state IN ('approved','applied'))\n"
") STRICT;\n"

/* ---- exceptions ----------------------------------------------------------
 * One row per kind and subject: raising again updates it, never duplicates. */
"CREATE TABLE exception (\n"
"  id              INTEGER PRIMARY KEY,\n"
"  kind            TEXT NOT NULL " CODE("kind", 64) ",\n"
"  subject_type    TEXT NOT NULL CHECK (subject_type <> ''),\n"
"  subject_ref     TEXT NOT NULL CHECK (subject_ref <> ''),\n"
"  " OWNER ",\n"
"  priority        INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 100),\n"
"  priority_fixed  INTEGER NOT NULL DEFAULT 0 CHECK (priority_fixed IN (0, 1)),\n"
"  evidence        TEXT NOT NULL DEFAULT '{}',\n"
"  impact_money    INTEGER NOT NULL DEFAULT 0 CHECK (impact_money >= 0),\n"
"  impact_currency TEXT CHECK (impact_currency IS NULL OR\n"
"               impact_currency GLOB '[A-Z][A-Z][A-Z]'),\n"
"  impact_units    INTEGER NOT NULL DEFAULT 0 CHECK (impact_units >= 0),\n"
"  impact_orders   INTEGER NOT NULL DEFAULT 0 CHECK (impact_orders >= 0),\n"
"  due_at          TEXT " TSN("due_at") ",\n"
"  next_action     TEXT NOT NULL CHECK (next_action <> ''),\n"
"  state           TEXT NOT NULL DEFAULT 'open' CHECK ((state = 'open' OR\n"
"                  state = 'acknowledged' OR state = 'in_progress' OR state = 'snoozed' OR\n"
"                  state = 'resolved' OR state = 'dismissed')),\n"
"  snoozed_until   TEXT " TSN("snoozed_until") ",\n"
"  opened_at       TEXT NOT NULL " TS("opened_at") ",\n"
"  last_seen_at    TEXT NOT NULL " TS("last_seen_at") ",\n"
"  times_seen      INTEGER NOT NULL DEFAULT 1 CHECK (times_seen >= 1),\n"
"  resolved_at     TEXT " TSN("resolved_at") ",\n"
"  resolution      TEXT,\n"
"  " STAMPS ",\n"
"  CHECK ((state = 'snoozed') = (snoozed_until IS NOT NULL)),\n"
"  CHECK ((impact_money = 0) OR impact_currency IS NOT NULL),\n"
"  UNIQUE (kind, subject_type, subject_ref)\n"
") STRICT;\n"
"CREATE INDEX exception_queue ON exception(state, priority);\n"

/* ---- history -------------------------------------------------------------
 * Every change of every record: who, when, what, from which state to which,
 * and the data that changed.  Never updated, never deleted. */
"CREATE TABLE event (\n"
"  id          INTEGER PRIMARY KEY,\n"
"  at          TEXT NOT NULL " TS("at") ",\n"
"  actor       TEXT NOT NULL CHECK (actor <> ''),\n"
"  record_type TEXT NOT NULL CHECK ((record_type = 'sku' OR record_type = 'warehouse' OR\n"
"               record_type = 'bin' OR\n"
"              record_type = 'order' OR record_type = 'shipment' OR\n"
"              record_type = 'return' OR record_type = 'supplier' OR record_type = 'po' OR\n"
"              record_type = 'payout' OR\n"
"              record_type = 'adjustment' OR record_type = 'exception' OR\n"
"              record_type = 'carrier')),\n"
"  ref         TEXT NOT NULL CHECK (ref <> ''),\n"
"  machine     TEXT,\n"
"  action      TEXT NOT NULL CHECK (action <> ''),\n"
"  from_state  TEXT,\n"
"  to_state    TEXT,\n"
"  data        TEXT,\n"
"  CHECK ((machine IS NULL) = (to_state IS NULL))\n"
") STRICT;\n"
"CREATE INDEX event_record ON event(record_type, ref);\n"
"CREATE INDEX event_at ON event(at);\n"
APPEND_ONLY("event", "history")
;

/* Migration 2: the balance table keyed for reservations, and its trigger
 * split in two and one look-up shorter.
 * The taking side runs BEFORE the row is inserted and the giving side
 * AFTER it, so that a movement within one balance takes before it gives
 * (the order of two triggers on the same event is not defined).  The take
 * is one UPDATE that only matches a balance holding enough, and changes()
 * says whether it did, instead of a SELECT to check and then an UPDATE.
 * Each side fires only when the movement has that side (WHEN), instead of
 * testing it in every statement.  If the movement row is then refused by
 * its own constraints, the statement is rolled back, the take with it.
 * bench/floor_route spent 7% less time with it. */
static const char m2[] =
"DROP TRIGGER movement_balance;\n"
/* The balance's key starts with what a reservation looks for -- a SKU's
 * free stock, (sku, 'on_hand', '') -- instead of (sku, bin, ...), which
 * made every reservation of a SKU read past every balance held for its
 * open orders: 20,000 orders of one SKU took 17 s to route, now 0.8 s. */
BALANCE("balance2", "sku_id, state, holder, bin_id")
"INSERT INTO balance2 (sku_id, bin_id, state, holder, qty)\n"
"  SELECT sku_id, bin_id, state, holder, qty FROM balance;\n"
"DROP TABLE balance;\n"
"ALTER TABLE balance2 RENAME TO balance;\n"
BALANCE_INDEXES
"CREATE TRIGGER movement_take BEFORE INSERT ON movement\n"
"WHEN NEW.from_bin IS NOT NULL BEGIN\n"
"  UPDATE balance SET qty = qty - NEW.qty\n"
"   WHERE sku_id = NEW.sku_id AND bin_id = NEW.from_bin AND state = NEW.from_state\n"
"     AND holder = " HOLDER("from") " AND qty >= NEW.qty;\n"
"  SELECT RAISE(ABORT, 'wf: insufficient stock') WHERE changes() = 0;\n"
"  DELETE FROM balance\n"
"   WHERE sku_id = NEW.sku_id AND bin_id = NEW.from_bin AND state = NEW.from_state\n"
"     AND holder = " HOLDER("from") " AND qty = 0;\n"
"END;\n"
"CREATE TRIGGER movement_give AFTER INSERT ON movement\n"
"WHEN NEW.to_bin IS NOT NULL BEGIN\n"
"  INSERT INTO balance (sku_id, bin_id, state, holder, qty)\n"
"   VALUES (NEW.sku_id, NEW.to_bin, NEW.to_state, " HOLDER("to") ", NEW.qty)\n"
"   ON CONFLICT DO UPDATE SET qty = qty + excluded.qty;\n"
"END;\n"
;

/* Migration 3: requests made with --idempotency-key, so that a retry prints
 * the first result and changes nothing (design.md, "Retries").  One row per
 * key, never changed: what was asked (the command and its arguments, and a
 * digest of its input), when and by whom, and what it printed and how it
 * ended. */
static const char m3[] =
"CREATE TABLE request (\n"
"  key          TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),\n"
"  command      TEXT NOT NULL CHECK (command <> ''),\n"
"  input_sha256 TEXT CHECK (input_sha256 IS NULL OR length(input_sha256) = 64),\n"
"  at           TEXT NOT NULL " TS("at") ",\n"
"  actor        TEXT NOT NULL CHECK (actor <> ''),\n"
"  exit_status  INTEGER NOT NULL CHECK (exit_status BETWEEN 0 AND 255),\n"
"  message      TEXT,\n"
"  output       TEXT NOT NULL\n"
") STRICT, WITHOUT ROWID;\n"
APPEND_ONLY("request", "the log of keyed requests")
;

/* Migration 4: the database's settings; the first is its base currency
 * (design.md: the default of every money option that names none), EUR for
 * a database made before it could be chosen. */
static const char m4[] =
"CREATE TABLE setting (\n"
"  name  TEXT PRIMARY KEY CHECK (name = 'base_currency'),\n"
"  value TEXT NOT NULL,\n"
"  CHECK (name <> 'base_currency' OR value GLOB '[A-Z][A-Z][A-Z]')\n"
") STRICT, WITHOUT ROWID;\n"
"INSERT INTO setting (name, value) VALUES ('base_currency', 'EUR');\n"
;

/* Migration 5: payouts and their lines as the provider importers of
 * wf-reconcile write them (issue 14).  Nothing wrote either table before,
 * so both are made again rather than altered: a payout may be known before
 * its amount (a line names it first), and a line is keyed by its provider's
 * transaction id, may arrive before or without its payout, and keeps the
 * provider's type and ids next to the category it was mapped to.
 *
 * A line's money is signed from the merchant's side: gross is what moved
 * for the customer or the counterparty, fee what the provider kept (negative
 * when it gave a fee back), net what reached the balance.  net = gross - fee
 * unless the provider said otherwise, which net_differs records: the line is
 * kept as given and the import reports it, never rounds it away.
 * is_payout marks the payout's own line, the transfer of its amount from the
 * provider's balance to the bank, which is not part of its sum; unmapped a
 * type the importer does not know (category other, with an exception). */
static const char m5[] =
"DROP TABLE payout_line;\n"
"DROP TABLE payout;\n"
PAYOUT_KEY
"  amount      INTEGER " MONEYN("amount") ",\n"
"  arrival     TEXT " DATEN("arrival") ",\n"
"  status      TEXT CHECK (status IS NULL OR length(status) BETWEEN 1 AND 64),\n"
"  description TEXT,\n"
"  " OWNER ",\n"
"  " STAMPS ",\n"
"  UNIQUE (provider, external_id)\n"
") STRICT;\n"
"CREATE INDEX payout_arrival ON payout(arrival);\n"

"CREATE TABLE payout_line (\n"
"  id             INTEGER PRIMARY KEY,\n"
"  provider       TEXT NOT NULL " CODE("provider", 32) ",\n"
"  provider_id    TEXT NOT NULL CHECK (length(provider_id) BETWEEN 1 AND 200),\n"
"  payout_id      INTEGER REFERENCES payout(id),\n"
"  category       TEXT NOT NULL CHECK ((category = 'charge' OR category = 'refund' OR\n"
"                 category = 'fee' OR category = 'dispute' OR\n"
"                 category = 'dispute_reversal' OR category = 'adjustment' OR\n"
"                 category = 'reserve_hold' OR category = 'reserve_release' OR\n"
"                 category = 'transfer' OR category = 'other')),\n"
"  provider_type  TEXT CHECK (provider_type IS NULL OR length(provider_type) BETWEEN 1 AND 255),\n"
"  unmapped       INTEGER NOT NULL DEFAULT 0 CHECK (unmapped = 0 OR\n"
"                 (unmapped = 1 AND category = 'other')),\n"
"  is_payout      INTEGER NOT NULL DEFAULT 0 CHECK (is_payout = 0 OR\n"
"                 (is_payout = 1 AND category = 'transfer' AND payout_id IS NOT NULL)),\n"
"  status         TEXT CHECK (status IS NULL OR length(status) BETWEEN 1 AND 64),\n"
"  currency       TEXT NOT NULL " CUR("currency") ",\n"
"  gross          INTEGER NOT NULL " MONEY("gross") ",\n"
"  fee            INTEGER NOT NULL DEFAULT 0 " MONEY("fee") ",\n"
"  net            INTEGER NOT NULL " MONEY("net") ",\n"
"  net_differs    INTEGER NOT NULL DEFAULT 0 CHECK (net_differs = 0 OR net_differs = 1),\n"
"  provider_order TEXT CHECK (provider_order IS NULL OR length(provider_order) BETWEEN 1 AND 128),\n"
"  order_ref      TEXT CHECK (order_ref IS NULL OR length(order_ref) BETWEEN 3 AND 161),\n"
"  order_id       INTEGER REFERENCES orders(id),\n"
"  payment_id     TEXT CHECK (payment_id IS NULL OR length(payment_id) BETWEEN 1 AND 255),\n"
"  posted_at      TEXT NOT NULL " TS("posted_at") ",\n"
"  available_at   TEXT " TSN("available_at") ",\n"
"  description    TEXT,\n"
"  " STAMPS ",\n"
"  CHECK ((net = gross - fee) = (net_differs = 0)),\n"
"  UNIQUE (provider, provider_id)\n"
") STRICT;\n"
"CREATE INDEX payout_line_payout ON payout_line(payout_id) WHERE payout_id IS NOT NULL;\n"
"CREATE UNIQUE INDEX payout_line_self ON payout_line(payout_id) WHERE is_payout = 1;\n"
"CREATE INDEX payout_line_unassigned ON payout_line(provider, posted_at) WHERE payout_id IS NULL;\n"
"CREATE INDEX payout_line_order_ref ON payout_line(order_ref) WHERE order_ref IS NOT NULL;\n"
"CREATE INDEX payout_line_order ON payout_line(order_id) WHERE order_id IS NOT NULL;\n"
"CREATE INDEX payout_line_payment ON payout_line(payment_id) WHERE payment_id IS NOT NULL;\n"
;

/* Migration 6: what an order's channel last said (issue 13).  An import
 * keeps the channel's own updated_at of the snapshot it applied, so an
 * older snapshot that arrives later changes nothing; and an order key
 * typed without its channel ("450789469" for shopify:450789469) is found
 * by its external id without reading every order. */
static const char m6[] =
"ALTER TABLE orders ADD COLUMN channel_updated_at TEXT " TSN("channel_updated_at") ";\n"
"CREATE INDEX orders_external_id ON orders(external_id);\n"
;

/* Migration 7: an order's invoice number, kept when its finance state moves
 * paid -> invoiced (`wf-order invoice REF --number N`, for B2B); no two
 * orders share one. */
static const char m7[] =
"ALTER TABLE orders ADD COLUMN invoice_number TEXT\n"
"  CHECK (invoice_number IS NULL OR length(invoice_number) BETWEEN 1 AND 64);\n"
"CREATE UNIQUE INDEX orders_invoice ON orders(invoice_number)\n"
"  WHERE invoice_number IS NOT NULL;\n"
;

/* Migration 8: a shipment opens when its order is picked, not when it
 * ships, so that it walks planned -> picked -> packed -> shipped with the
 * units; until it ships it may have no carrier yet, and it is cancelled with
 * its order.  SQLite cannot change a CHECK in place: both shipment tables
 * are made again (shipment_line points at shipment) and renamed, which
 * carries the reference along. */
static const char m8[] =
"CREATE TABLE shipment_new (\n"
"  id           INTEGER PRIMARY KEY,\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id),\n"
"  warehouse_id INTEGER REFERENCES warehouse(id),\n"
"  state        TEXT NOT NULL DEFAULT 'planned' CHECK ((state = 'planned' OR\n"
"               state = 'picked' OR\n"
"               state = 'packed' OR state = 'shipped' OR state = 'in_transit' OR\n"
"               state = 'delivered' OR state = 'failed' OR\n"
"               state = 'returned_to_sender' OR state = 'cancelled')),\n"
"  carrier      TEXT CHECK (carrier <> ''),\n"
"  service      TEXT,\n"
"  tracking     TEXT,\n"
"  cost         INTEGER CHECK (cost >= 0),\n"
"  currency     TEXT " "CHECK (currency IS NULL OR currency GLOB '[A-Z][A-Z][A-Z]'),\n"
"  " OWNER ",\n"
"  shipped_at   TEXT " TSN("shipped_at") ",\n"
"  delivered_at TEXT " TSN("delivered_at") ",\n"
"  " STAMPS ",\n"
"  CHECK ((cost IS NULL) = (currency IS NULL)),\n"
"  CHECK (carrier IS NOT NULL OR state = 'planned' OR state = 'picked' OR\n"
"         state = 'packed' OR state = 'cancelled')\n"
") STRICT;\n"
"INSERT INTO shipment_new (id, order_id, warehouse_id, state, carrier, service, tracking,\n"
"  cost, currency, owner, shipped_at, delivered_at, created_at, updated_at)\n"
"  SELECT id, order_id, warehouse_id, state, carrier, service, tracking, cost, currency,\n"
"  owner, shipped_at, delivered_at, created_at, updated_at FROM shipment;\n"
"CREATE TABLE shipment_line_new (\n"
"  shipment_id   INTEGER NOT NULL REFERENCES shipment_new(id),\n"
"  order_line_id INTEGER NOT NULL REFERENCES order_line(id),\n"
"  qty           INTEGER NOT NULL CHECK (qty > 0),\n"
"  PRIMARY KEY (shipment_id, order_line_id)\n"
") STRICT;\n"
"INSERT INTO shipment_line_new (shipment_id, order_line_id, qty)\n"
"  SELECT shipment_id, order_line_id, qty FROM shipment_line;\n"
"DROP TABLE shipment_line;\n"
"DROP TABLE shipment;\n"
"ALTER TABLE shipment_new RENAME TO shipment;\n"
"ALTER TABLE shipment_line_new RENAME TO shipment_line;\n"
"CREATE INDEX shipment_order ON shipment(order_id);\n"
;

/* Migration 9: no balance past 2^53 - 1 units (issue 13), what a number
 * keeps through JSON.  A movement of more would make a balance of more, so
 * this bounds movements too.  (That a SKU's stock, all its balances
 * together, stays within it as well is the stock ledger's rule, checked
 * where units come in from outside: a trigger here would sum a SKU's
 * balances on every reservation.) */
#define RANGE_TRIGGERS(t) \
"CREATE TRIGGER " t "_range_insert BEFORE INSERT ON " t "\n" \
"WHEN NEW.qty > 9007199254740991 BEGIN\n" \
"  SELECT RAISE(ABORT, 'wf: a balance cannot pass 9007199254740991 units');\n" \
"END;\n" \
"CREATE TRIGGER " t "_range_update BEFORE UPDATE OF qty ON " t "\n" \
"WHEN NEW.qty > 9007199254740991 BEGIN\n" \
"  SELECT RAISE(ABORT, 'wf: a balance cannot pass 9007199254740991 units');\n" \
"END;\n"
static const char m9[] =
RANGE_TRIGGERS("balance")
;

/* Migration 10: the payment transaction ids a channel shows for an order
 * (issue 16), for wf-reconcile to find the order a payout line paid.  One
 * id of a provider belongs to one order. */
static const char m10[] =
"CREATE TABLE order_payment (\n"
"  order_id   INTEGER NOT NULL REFERENCES orders(id),\n"
"  provider   TEXT NOT NULL CHECK (provider <> ''),\n"
"  payment_id TEXT NOT NULL CHECK (payment_id <> ''),\n"
"  PRIMARY KEY (provider, payment_id)\n"
") STRICT;\n"
"CREATE INDEX order_payment_order ON order_payment(order_id);\n"
;

/* Migration 11: carrier tracking (issue 16, `wf-order track`).  A shipment
 * keeps the carrier's time of the latest tracking event applied to it, so
 * that events arriving late or again never move it backwards; and it is
 * found by its tracking number without reading every shipment. */
static const char m11[] =
"ALTER TABLE shipment ADD COLUMN tracked_at TEXT " TSN("tracked_at") ";\n"
"CREATE INDEX shipment_tracking ON shipment(tracking) WHERE tracking IS NOT NULL;\n"
;

/* Migration 12: the PO exception kinds take cli.md's names (issue 15):
 * a late PO's "po_late" is po_partial when it is partially received, else
 * po_overdue.  The exception's history keeps the name it had. */
static const char m12[] =
"UPDATE exception SET kind = CASE\n"
"  WHEN (SELECT p.state FROM po p WHERE 'PO-' || p.id = exception.subject_ref)\n"
"       = 'partially_received' THEN 'po_partial' ELSE 'po_overdue' END\n"
"  WHERE kind = 'po_late' AND subject_type = 'po';\n"
;

/* Migration 13: Shopify fulfillments (issue 16, `wf-order import --from
 * shopify-fulfillment`).  A shipment keeps the channel's fulfillment it
 * stands for ("shopify:255858046"), one shipment per fulfillment, and the
 * channel's updated_at of the snapshot applied, so that a fulfillment
 * imported again changes nothing and an older one never undoes a newer. */
static const char m13[] =
"ALTER TABLE shipment ADD COLUMN fulfillment TEXT\n"
"  CHECK (fulfillment IS NULL OR length(fulfillment) BETWEEN 1 AND 200);\n"
"ALTER TABLE shipment ADD COLUMN fulfillment_at TEXT " TSN("fulfillment_at") ";\n"
"CREATE UNIQUE INDEX shipment_fulfillment ON shipment(fulfillment)\n"
"  WHERE fulfillment IS NOT NULL;\n"
;

/* 14: a SKU's own supplier (`wf-stock sku add --supplier`), which the
 * stock risk and reorder suggestions take before the supplier of the SKU's
 * latest PO line (cli.md, wf-alert). */
static const char m14[] =
"ALTER TABLE sku ADD COLUMN supplier_id INTEGER REFERENCES supplier(id);\n"
;

/* 15: what an order import writes beyond its rows (issue 18).
 * Every index is a b-tree each created order and line also goes into; the
 * ones kept are the ones a query on a big database needs (test/plans.bats
 * proves each plan):
 * - event_at goes: `wf log --since` reads the history in id order and never
 *   took it, and nothing else searches events by time alone.  Each event
 *   went into it.
 * - order_line_sku becomes order_line_open_sku, the lines still to ship:
 *   what the per-SKU questions ask ("which open orders wait for this SKU":
 *   wf-alert risk --sku, routing, the scans).  Shipped lines leave it, so
 *   on a database of a million mostly shipped orders it stays the size of
 *   the open work and in the page cache, instead of growing with the whole
 *   history at random places (a line's SKU is random in the order of
 *   arrival).  The other lookups by SKU name their order too, and take the
 *   (order_id, line_no) key.
 * - orders_state (list --state, the scans' open orders), orders_placed
 *   (reconcile's windows of time, list without --state) and the ref and
 *   external id keys stay: orders arrive roughly in the order they were
 *   placed, so their entries are added at the end, not at random. */
static const char m15[] =
"DROP INDEX event_at;\n"
"DROP INDEX order_line_sku;\n"
"CREATE INDEX order_line_open_sku ON order_line(sku_id) WHERE qty > qty_shipped;\n"
;

/* 16: wf-reconcile at scale (issue 14).  match's third tier
 * looks for orders by currency, amount paid and time placed: an index on
 * the three, so a charge is matched in one index range however many orders
 * there are.  A payout keeps when finance accepted it as it is
 * (`wf-reconcile accept`) and the highest line id then, so that a line
 * imported into it later (a higher id, or changed after the acceptance) is
 * checked again instead of passing under the acceptance.  Payouts
 * accepted before take the time of their accept event and cover the lines
 * they have. */
static const char m16[] =
"CREATE INDEX IF NOT EXISTS orders_paid_amount ON orders(currency, paid, placed_at);\n"
"ALTER TABLE payout ADD COLUMN accepted_at TEXT " TSN("accepted_at") ";\n"
"ALTER TABLE payout ADD COLUMN accepted_line INTEGER\n"
"  CHECK (accepted_line IS NULL OR accepted_line >= 0);\n"
"UPDATE payout SET\n"
"  accepted_at = (SELECT max(e.at) FROM event e WHERE e.record_type = 'payout'\n"
"    AND e.ref = payout.ref AND e.action = 'accept'),\n"
"  accepted_line = coalesce((SELECT max(l.id) FROM payout_line l\n"
"    WHERE l.payout_id = payout.id), 0)\n"
"  WHERE state = 'reconciled' AND EXISTS (SELECT 1 FROM event e\n"
"    WHERE e.record_type = 'payout' AND e.ref = payout.ref AND e.action = 'accept');\n"
;

/* 17: Shopify orders as they really come (issue 16).
 * sku_alias: another key for a SKU (`wf-stock sku alias`), such as
 * "shopify-variant:41383274741953" for a shop that uses no SKUs; one key
 * names one SKU, and never one that is another SKU's code.
 * order_unshipped: the parts of an order's lines Workform never ships,
 * kept for the order's money and its record: lines that are money only
 * (tips, gift cards, custom items, no shipping: why 'money') and units the
 * channel cancelled or refunded before they shipped (why 'cancelled').
 * order_line keeps only what is left to ship, so nothing that reserves,
 * routes or ships stock ever sees them. */
static const char m17[] =
"CREATE TABLE sku_alias (\n"
"  alias      TEXT PRIMARY KEY CHECK (length(alias) BETWEEN 1 AND 64),\n"
"  sku_id     INTEGER NOT NULL REFERENCES sku(id),\n"
"  created_at TEXT NOT NULL " TS("created_at") "\n"
") STRICT;\n"
"CREATE INDEX sku_alias_sku ON sku_alias(sku_id);\n"
"CREATE TABLE order_unshipped (\n"
"  order_id    INTEGER NOT NULL REFERENCES orders(id),\n"
"  line_no     INTEGER NOT NULL CHECK (line_no >= 1),\n"
"  why         TEXT NOT NULL CHECK (why IN ('money', 'cancelled')),\n"
"  sku         TEXT NOT NULL CHECK (sku <> ''),\n"
"  title       TEXT NOT NULL DEFAULT '',\n"
"  external_id TEXT,\n"
"  qty         INTEGER NOT NULL CHECK (qty > 0),\n"
"  unit_price  INTEGER NOT NULL CHECK (unit_price >= 0),\n"
"  discount    INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),\n"
"  tax         INTEGER NOT NULL DEFAULT 0 CHECK (tax >= 0),\n"
"  PRIMARY KEY (order_id, line_no, why)\n"
") STRICT;\n"
;

/* 18: held orders by what they were held from.  Units promised to an
 * order count against available-to-promise while it is promised or on hold
 * from promised (promise.c), and every reservation asks how many there
 * are.  orders_state finds the promised ones, but the held ones only with
 * every order on hold, read row by row for its held_from: a shop with
 * thousands of orders held for stock paid that on each reservation.  Only
 * held orders have a held_from, so the index holds only them and costs an
 * import nothing. */
static const char m18[] =
"CREATE INDEX orders_held ON orders(held_from, state) WHERE held_from IS NOT NULL;\n"
;

/* 19: unroutable, one exception per SKU and warehouse (issue 15).
 * Routing raised one "unroutable" exception per order: one SKU out of
 * stock made 1,990 of them.  route_block (route_block.c) keeps what blocks
 * each order held as unroutable -- a SKU at a warehouse ("sku SKU@WH"), a
 * warehouse and reason ("warehouse WH@no_capacity"), a SKU the catalogue
 * does not know ("sku SKU"), no warehouse ("warehouse *@no_warehouse") --
 * and there is one exception per such subject, with the orders as
 * evidence.
 *
 * The fold.  Every open per-order unroutable exception is resolved.  One
 * whose order is still held as unroutable is folded: its evidence gives
 * the order's lines and candidates, and what blocks it is taken from the
 * first candidate that failed for a late promise alone, else for stock,
 * capacity, then a service (route_block.c's rule, as far as the stored
 * candidates tell it: they keep only each one's first reason); for stock,
 * the lines its detail names short.  Its rows go to route_block, each
 * subject gets its exception (opened when the oldest folded one was, its
 * priority the highest of theirs, fixed, and a next action that says so;
 * the next `wf-route --apply` or `wf-alert scan --kind order` works its
 * numbers out again), and the per-order one is resolved with a note naming
 * it.  Events are by the actor "wf-migrate". */
static const char m19[] =
"CREATE TABLE route_block (\n"
"  order_id     INTEGER NOT NULL REFERENCES orders(id),\n"
"  subject_type TEXT NOT NULL CHECK (subject_type IN ('sku', 'warehouse')),\n"
"  subject_ref  TEXT NOT NULL CHECK (subject_ref <> ''),\n"
"  reason       TEXT NOT NULL CHECK (reason IN ('no_stock', 'no_service', 'no_capacity',\n"
"               'late', 'unknown_sku', 'no_warehouse')),\n"
"  sku          TEXT,\n"
"  warehouse    TEXT,\n"
"  qty          INTEGER NOT NULL CHECK (qty >= 0),\n"
"  PRIMARY KEY (order_id, subject_type, subject_ref)\n"
") STRICT;\n"
"CREATE INDEX route_block_subject ON route_block(subject_type, subject_ref);\n"
"CREATE TEMP TABLE m19_old AS\n"
"  SELECT x.id ex_id, x.state state, x.owner owner, x.priority priority, x.evidence ev,\n"
"    x.opened_at opened_at, x.last_seen_at seen_at, x.times_seen times_seen,\n"
"    o.id order_id, o.placed_at placed_at,\n"
"    (o.state = 'on_hold' AND o.hold_reason GLOB 'unroutable:*') held\n"
"  FROM exception x LEFT JOIN orders o ON o.ref = x.subject_ref\n"
"  WHERE x.kind = 'unroutable' AND x.subject_type = 'order'\n"
"    AND x.state NOT IN ('resolved', 'dismissed');\n"
"CREATE TEMP TABLE m19_pick AS\n"
"  SELECT ex_id, wh, result, detail FROM (SELECT m.ex_id ex_id,\n"
"    json_extract(c.value, '$.warehouse') wh, json_extract(c.value, '$.result') result,\n"
"    coalesce(json_extract(c.value, '$.detail'), '') detail,\n"
"    row_number() OVER (PARTITION BY m.ex_id ORDER BY CASE json_extract(c.value, '$.result')\n"
"      WHEN 'late' THEN 0 WHEN 'no_stock' THEN 1 WHEN 'no_capacity' THEN 2 ELSE 3 END,\n"
"      c.key) n\n"
"    FROM m19_old m, json_each(m.ev, '$.candidates') c WHERE m.held AND c.type = 'object'\n"
"    AND json_extract(c.value, '$.result') IN ('late', 'no_stock', 'no_capacity', 'no_service'))\n"
"  WHERE n = 1;\n"
"INSERT OR IGNORE INTO route_block (order_id, subject_type, subject_ref, reason, sku,\n"
"    warehouse, qty)\n"
"  SELECT m.order_id, 'sku', json_extract(l.value, '$.sku'), 'unknown_sku',\n"
"    json_extract(l.value, '$.sku'), NULL, json_extract(l.value, '$.qty')\n"
"  FROM m19_old m, json_each(m.ev, '$.lines') l WHERE m.held AND l.type = 'object'\n"
"    AND EXISTS (SELECT 1 FROM json_each(m.ev, '$.reasons') r WHERE r.value = 'unknown_sku')\n"
"    AND NOT EXISTS (SELECT 1 FROM sku s WHERE s.code = json_extract(l.value, '$.sku'))\n"
"  UNION ALL\n"
"  SELECT m.order_id, 'warehouse', '*@no_warehouse', 'no_warehouse', NULL, NULL,\n"
"    (SELECT coalesce(sum(json_extract(l.value, '$.qty')), 0) FROM json_each(m.ev, '$.lines') l\n"
"      WHERE l.type = 'object')\n"
"  FROM m19_old m WHERE m.held\n"
"    AND EXISTS (SELECT 1 FROM json_each(m.ev, '$.reasons') r WHERE r.value = 'no_warehouse')\n"
"  UNION ALL\n"
"  SELECT m.order_id, 'sku', json_extract(l.value, '$.sku') || '@' || p.wh, 'no_stock',\n"
"    json_extract(l.value, '$.sku'), p.wh, json_extract(l.value, '$.qty')\n"
"  FROM m19_old m JOIN m19_pick p ON p.ex_id = m.ex_id, json_each(m.ev, '$.lines') l\n"
"  WHERE p.result = 'no_stock' AND l.type = 'object'\n"
"    AND instr('; ' || p.detail, '; ' || json_extract(l.value, '$.sku') || ': ') > 0\n"
"  UNION ALL\n"
"  SELECT m.order_id, 'warehouse', p.wh || '@' || p.result, p.result, NULL, p.wh,\n"
"    (SELECT coalesce(sum(json_extract(l.value, '$.qty')), 0) FROM json_each(m.ev, '$.lines') l\n"
"      WHERE l.type = 'object')\n"
"  FROM m19_old m JOIN m19_pick p ON p.ex_id = m.ex_id WHERE p.result <> 'no_stock';\n"
"CREATE TEMP TABLE m19_rows AS\n"
"  SELECT b.subject_type stype, b.subject_ref sref, b.reason reason, b.sku sku,\n"
"    b.warehouse wh, b.qty qty, m.*, o.ref ref, o.total total, o.currency currency,\n"
"    o.promise_by promise_by,\n"
"    row_number() OVER (PARTITION BY b.subject_type, b.subject_ref\n"
"      ORDER BY m.placed_at, m.order_id) n\n"
"  FROM route_block b JOIN m19_old m ON m.order_id = b.order_id\n"
"  JOIN orders o ON o.id = b.order_id;\n"
"INSERT INTO exception (kind, subject_type, subject_ref, owner, priority, priority_fixed,\n"
"    evidence, impact_money, impact_currency, impact_units, impact_orders, due_at,\n"
"    next_action, state, opened_at, last_seen_at, times_seen, created_at, updated_at)\n"
"  SELECT 'unroutable', f.stype, f.sref, f.owner,\n"
"    (SELECT max(priority) FROM m19_rows r WHERE r.stype = f.stype AND r.sref = f.sref), 1,\n"
"    json_object('reason', f.reason, 'sku', f.sku, 'warehouse',\n"
"      f.wh,\n"
"      'orders', (SELECT json_group_array(json_object('order', r.ref, 'units', r.qty))\n"
"        FROM (SELECT * FROM m19_rows r WHERE r.stype = f.stype AND r.sref = f.sref\n"
"          AND r.n <= 20 ORDER BY r.n) r),\n"
"      'more_orders', max(a.n - 20, 0)),\n"
"    a.money, CASE WHEN a.money > 0 THEN f.currency END, a.units, a.n, a.due,\n"
"    'Folded from ' || a.n || ' per-order exception' || CASE WHEN a.n = 1 THEN '' ELSE 's' END ||\n"
"      ' (' || f.reason || CASE WHEN f.sku IS NOT NULL THEN ' ' || f.sku ELSE '' END ||\n"
"      CASE WHEN f.wh IS NOT NULL THEN ' at ' || f.wh ELSE '' END ||\n"
"      '): wf-route --new --apply or wf-alert scan --kind order works out what unblocks them',\n"
"    'open', a.opened, a.seen, a.times,\n"
"    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')\n"
"  FROM m19_rows f JOIN (SELECT stype, sref, count(*) n, sum(qty) units,\n"
"      min(opened_at) opened, max(seen_at) seen, max(times_seen) times, min(promise_by) due,\n"
"      sum(CASE WHEN currency = (SELECT r2.currency FROM m19_rows r2 WHERE r2.stype = r.stype\n"
"        AND r2.sref = r.sref AND r2.n = 1) THEN total ELSE 0 END) money\n"
"    FROM m19_rows r GROUP BY stype, sref) a ON a.stype = f.stype AND a.sref = f.sref\n"
"  WHERE f.n = 1\n"
"  ON CONFLICT (kind, subject_type, subject_ref) DO NOTHING;\n"
"INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state, data)\n"
"  SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'wf-migrate', 'exception', 'EX-' || x.id,\n"
"    'exception', 'create', NULL, 'open', json_object('kind', x.kind, 'subject',\n"
"    x.subject_type || ' ' || x.subject_ref, 'owner', x.owner, 'priority', x.priority,\n"
"    'priority_fixed', json('true'), 'evidence', json(x.evidence), 'next_action', x.next_action)\n"
"  FROM exception x WHERE x.kind = 'unroutable' AND x.subject_type IN ('sku', 'warehouse')\n"
"    AND NOT EXISTS (SELECT 1 FROM event e WHERE e.record_type = 'exception'\n"
"      AND e.ref = 'EX-' || x.id);\n"
"CREATE TEMP TABLE m19_note AS\n"
"  SELECT m.ex_id ex_id, m.state state, CASE\n"
"    WHEN x.id IS NOT NULL THEN 'folded into EX-' || x.id || ' (' || x.subject_type || ' ' ||\n"
"      x.subject_ref || '): one unroutable exception per SKU and warehouse that blocks orders'\n"
"    WHEN m.held THEN 'superseded: unroutable exceptions are per SKU and warehouse now;'\n"
"      || ' wf-route --new --apply raises the one that blocks this order'\n"
"    ELSE 'the order is no longer held as unroutable' END note\n"
"  FROM m19_old m LEFT JOIN exception x ON x.kind = 'unroutable'\n"
"    AND x.subject_type || ' ' || x.subject_ref = (SELECT b.subject_type || ' ' || b.subject_ref\n"
"      FROM route_block b WHERE b.order_id = m.order_id ORDER BY b.rowid LIMIT 1);\n"
"INSERT INTO event (at, actor, record_type, ref, machine, action, from_state, to_state, data)\n"
"  SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'wf-migrate', 'exception', 'EX-' || ex_id,\n"
"    'exception', 'resolve', state, 'resolved', json_object('note', note)\n"
"  FROM m19_note ORDER BY ex_id;\n"
"UPDATE exception SET state = 'resolved', snoozed_until = NULL,\n"
"    resolved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),\n"
"    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),\n"
"    resolution = (SELECT note FROM m19_note n WHERE n.ex_id = exception.id)\n"
"  WHERE id IN (SELECT ex_id FROM m19_note);\n"
"DROP TABLE m19_note;\n"
"DROP TABLE m19_rows;\n"
"DROP TABLE m19_pick;\n"
"DROP TABLE m19_old;\n"
;

/* 20: held stock in a table of its own, keyed holder-first (issue 18).
 * balance was keyed (sku, state, holder, bin) with one row per order
 * holding a SKU, so every reservation wrote at a random place in a b-tree
 * that grew with the orders held and outgrew the page cache: routing cost
 * 3.1x as much per order on a database already holding 200k routed orders.
 * Now:
 * - balance holds one row per (sku, bin, state), holder always '': every
 *   unit in stock, held or not, by place and state.  It stays the size of
 *   the catalogue times its bins, and cached; the readers of stock by
 *   state (levels, the risk snapshot, routing, counts) read it as before.
 * - held holds, for the held states (inbound, reserved, picked, packed),
 *   who holds them: one row per (holder, sku, bin, state), an order's
 *   holdings side by side, written together at the end of the b-tree as
 *   orders arrive.  Its rows of a (sku, bin, state) add up to balance's.
 * A movement updates balance on both its sides, and held on a held side;
 * a take past what either holds is refused whole, as before. */
static const char m20[] =
/* movement's triggers name balance: they go before it is renamed */
"DROP TRIGGER movement_take;\n"
"DROP TRIGGER movement_give;\n"
"CREATE TABLE held (\n"
"  holder TEXT NOT NULL CHECK (holder <> ''),\n"
"  sku_id INTEGER NOT NULL REFERENCES sku(id),\n"
"  bin_id INTEGER NOT NULL REFERENCES bin(id),\n"
"  state  TEXT NOT NULL CHECK " HELD("state") ",\n"
"  qty    INTEGER NOT NULL CHECK (qty > 0),\n"
"  PRIMARY KEY (holder, sku_id, bin_id, state)\n"
") STRICT, WITHOUT ROWID;\n"
"INSERT INTO held (holder, sku_id, bin_id, state, qty)\n"
"  SELECT holder, sku_id, bin_id, state, qty FROM balance WHERE holder <> '' AND qty > 0;\n"
"CREATE TABLE balance2 (\n"
"  sku_id INTEGER NOT NULL REFERENCES sku(id),\n"
"  bin_id INTEGER NOT NULL REFERENCES bin(id),\n"
"  state  TEXT NOT NULL CHECK (" PHYS("state") " AND state <> 'shipped'),\n"
"  holder TEXT NOT NULL DEFAULT '' CHECK (holder = ''),\n"
"  qty    INTEGER NOT NULL CHECK (qty >= 0),\n"
"  PRIMARY KEY (sku_id, state, holder, bin_id)\n"
") STRICT, WITHOUT ROWID;\n"
"INSERT INTO balance2 (sku_id, bin_id, state, holder, qty)\n"
"  SELECT sku_id, bin_id, state, '', sum(qty) FROM balance\n"
"  GROUP BY sku_id, bin_id, state HAVING sum(qty) > 0;\n"
"DROP TABLE balance;\n"
"ALTER TABLE balance2 RENAME TO balance;\n"
"CREATE INDEX balance_bin ON balance(bin_id, sku_id);\n"
RANGE_TRIGGERS("balance")
RANGE_TRIGGERS("held")
"CREATE TRIGGER movement_take BEFORE INSERT ON movement\n"
"WHEN NEW.from_bin IS NOT NULL BEGIN\n"
"  UPDATE balance SET qty = qty - NEW.qty\n"
"   WHERE sku_id = NEW.sku_id AND bin_id = NEW.from_bin AND state = NEW.from_state\n"
"     AND holder = '' AND qty >= NEW.qty;\n"
"  SELECT RAISE(ABORT, 'wf: insufficient stock') WHERE changes() = 0;\n"
"  DELETE FROM balance\n"
"   WHERE sku_id = NEW.sku_id AND bin_id = NEW.from_bin AND state = NEW.from_state\n"
"     AND holder = '' AND qty = 0;\n"
"END;\n"
/* held's rows are never 0: the take deletes a row it empties, and only
 * then makes a row smaller. */
"CREATE TRIGGER movement_take_held BEFORE INSERT ON movement\n"
"WHEN NEW.from_bin IS NOT NULL AND " HELD("NEW.from_state") " BEGIN\n"
"  SELECT RAISE(ABORT, 'wf: insufficient stock')\n"
"   WHERE coalesce((SELECT qty FROM held WHERE holder = NEW.holder AND sku_id = NEW.sku_id\n"
"     AND bin_id = NEW.from_bin AND state = NEW.from_state), 0) < NEW.qty;\n"
"  DELETE FROM held\n"
"   WHERE holder = NEW.holder AND sku_id = NEW.sku_id AND bin_id = NEW.from_bin\n"
"     AND state = NEW.from_state AND qty = NEW.qty;\n"
"  UPDATE held SET qty = qty - NEW.qty\n"
"   WHERE holder = NEW.holder AND sku_id = NEW.sku_id AND bin_id = NEW.from_bin\n"
"     AND state = NEW.from_state AND qty > NEW.qty;\n"
"END;\n"
"CREATE TRIGGER movement_give AFTER INSERT ON movement\n"
"WHEN NEW.to_bin IS NOT NULL BEGIN\n"
"  INSERT INTO balance (sku_id, bin_id, state, holder, qty)\n"
"   VALUES (NEW.sku_id, NEW.to_bin, NEW.to_state, '', NEW.qty)\n"
"   ON CONFLICT DO UPDATE SET qty = qty + excluded.qty;\n"
"END;\n"
"CREATE TRIGGER movement_give_held AFTER INSERT ON movement\n"
"WHEN NEW.to_bin IS NOT NULL AND " HELD("NEW.to_state") " BEGIN\n"
"  INSERT INTO held (holder, sku_id, bin_id, state, qty)\n"
"   VALUES (NEW.holder, NEW.sku_id, NEW.to_bin, NEW.to_state, NEW.qty)\n"
"   ON CONFLICT DO UPDATE SET qty = qty + excluded.qty;\n"
"END;\n"
;

/* 21: what routing reads once a run stops growing with the history
 * (issue 18).  Routing 20k new orders on a database already holding 200k
 * routed ones cost 1.75x what they cost on a fresh one; per statement
 * ($WF_PROFILE), two reads made most of the difference:
 * - A warehouse's capacity used on a ship day counted the day's route legs
 *   and read each one's order row to leave the cancelled out: 745 ms and
 *   86,059 pages read for ten counts.  orders_cancelled holds the ids of
 *   the cancelled orders only, and order_route_day each leg's order: the
 *   count reads the day's legs from the index alone and looks each up in
 *   a b-tree of cancelled orders.
 * - A SKU's landed cost per warehouse read every movement of the SKU
 *   (each order's reservation, pick, pack and shipment among them) to sum
 *   its receipts: 185 ms against 28 on the fresh database.
 *   movement_receipt holds the receipts with a cost only, with every column
 *   the sum reads (action too: SQLite 3.40 reads a column its partial index
 *   implies from the table unless the index holds it). */
static const char m21[] =
"CREATE INDEX orders_cancelled ON orders(id) WHERE state = 'cancelled';\n"
"DROP INDEX order_route_day;\n"
"CREATE INDEX order_route_day ON order_route(warehouse_id, ship_by, order_id);\n"
"CREATE INDEX movement_receipt ON movement(sku_id, currency, to_bin, qty, unit_cost, action)\n"
"  WHERE action = 'receive' AND unit_cost IS NOT NULL;\n"
;

/* 22: a reservation lands where the day's reservations are, not among
 * its SKU's whole ledger (issue 18).  Routing writes one reserve movement
 * per order line, and movement_sku (sku_id, at) put each at the end of
 * its SKU's range: a random page of an index that outgrows the page cache
 * at a million orders.  Routing 1M orders ($WF_PROFILE, bench/README.md):
 * 2.5M pages missed by the movement inserts and 12,000 pages written by
 * each commit, against 1.3M and 10,500 with this migration's indexes.
 * - movement_sku keeps every movement but the reservations.
 * - movement_reserve holds the reservations by day, then SKU: a day's
 *   reservations are a small range that stays cached, and a SKU's are
 *   found with one search per day that has any (a recursive CTE steps
 *   from day to day through the same index).
 * A query by SKU that must see reservations reads both (wf-stock ledger
 * --sku, the stock scan's history, whether a SKU ever moved). */
static const char m22[] =
"DROP INDEX movement_sku;\n"
"CREATE INDEX movement_sku ON movement(sku_id, at) WHERE action <> 'reserve';\n"
"CREATE INDEX movement_reserve ON movement(substr(at, 1, 10), sku_id)\n"
"  WHERE action = 'reserve';\n"
;

/* 23: an imported order lands where the day's orders are in the index of
 * amounts too (issue 18).  orders_paid_amount (currency, paid, placed_at)
 * put each order at the place of its amount, a random page once the
 * index outgrows the page cache: importing 1M orders took 43.6 s with it
 * and 37.1 s without it (bench/README.md).  Keyed (currency, day, paid),
 * the orders of a day are one range; wf-reconcile match finds a charge's
 * amount with one search per day of its window (at most 367). */
static const char m23[] =
"DROP INDEX orders_paid_amount;\n"
"CREATE INDEX orders_paid_amount ON orders(currency, substr(placed_at, 1, 10), paid);\n"
;

/* 24: a reservation writes no entry by bin (issue 18).  balance_bin (bin,
 * SKU) took an entry for every new balance row and lost one for every row
 * that went to nothing: the first reservation of a SKU in a bin adds its
 * reserved row, the last unit taken from a bin deletes its on-hand row,
 * each at a random page of an index the size of balance.  Routing 1M
 * orders ($WF_PROFILE, bench/README.md): the movement inserts missed 1.26M
 * pages with it and 0.70M without, and the commits wrote 3.1M pages
 * against 2.5M.  Its one reader was closing a warehouse (is anything left
 * in its bins?), which now reads balance once: the stock as it stands,
 * one row per SKU, bin and state that holds any, never the ledger.  No
 * bin is ever deleted, so the foreign keys to bin need no index either
 * (movement's from_bin and to_bin never had one). */
static const char m24[] =
"DROP INDEX balance_bin;\n"
;

/* 25: a reservation is indexed where the ledger ends, not among the
 * day's (issue 18).  movement_reserve (day, SKU) of migration 22 put each
 * reservation at its SKU's place in the day: a random page of a range that
 * outgrows the page cache once a day has a million reservations.  Routing
 * 1M orders ($WF_PROFILE, bench/README.md): the movement inserts missed
 * 703,000 pages with it and 47,000 with this, and the commits wrote 2.5M
 * pages against 1.5M.  Keyed (id >> 16, SKU), the reservations of the last
 * 65,536 movements are the index's last range, a megabyte or two that
 * stays cached, however many there are a day.  A SKU's reservations are
 * one search per part of the ledger (WF_SQL_RESERVE_PARTS: 1,526 parts at
 * 100M movements); the stock scan reads its window's through movement_at.
 * Ids, not times: a movement's time is the clock's (or $WF_NOW's), which
 * need not grow with the id. */
static const char m25[] =
"DROP INDEX movement_reserve;\n"
"CREATE INDEX movement_reserve ON movement(id >> 16, sku_id) WHERE action = 'reserve';\n"
;

/* 26: an open line is indexed where the orders end, not among its SKU's
 * (issue 18).  order_line_open_sku (sku_id) of migration 15 put each new
 * line at its SKU's place: a random page of an index as big as the open
 * work, which a batch of a million orders dirtied all over again between
 * two writes of its pages to the WAL (wf_batch_run): 1M orders imported
 * ($WF_PROFILE, bench/README.md) wrote 814,000 pages that way with it, and
 * 192,000 without it.  Keyed (order_id >> 16, SKU), the lines of the last
 * 65,536 orders are the index's last range, which stays cached.  A SKU's
 * open lines are one search per part of the orders that has any
 * (WF_SQL_OPEN_PARTS); the parts of a shop whose old orders have all
 * shipped are the last few. */
static const char m26[] =
"DROP INDEX order_line_open_sku;\n"
"CREATE INDEX order_line_open_sku ON order_line(order_id >> 16, sku_id) WHERE qty > qty_shipped;\n"
;

/* 27: no index of orders by external id (issue 18).  Migration 6 added it
 * so that a key typed without its channel is found without reading every
 * order, but the only query on the column, wf_order_unknown's "did you
 * mean", also looks for refs of about the typed length, which no index
 * answers: its plan reads every order either way (0.3 s on a million).
 * Each imported order paid an entry in it: 1M orders ($WF_PROFILE) spent
 * 6.4 s in their inserts with it and 5.7 s without. */
static const char m27[] =
"DROP INDEX orders_external_id;\n"
;

const char *const wf_migrations[] = { m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13,
	m14, m15, m16, m17, m18, m19, m20, m21, m22,
	m23, m24, m25, m26, m27 };
const int wf_schema_version = (int)(sizeof wf_migrations / sizeof wf_migrations[0]);
