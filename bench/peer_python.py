#!/usr/bin/env python3
"""peer_python.py - the short sqlite3 script a user could write (issue 18).

    bench/peer_python.py [DB] < orders.jsonl      (DB: default $WF_DB)

Reads the generic order lines bench/gen writes and keeps each order and its
lines in tables of its own (made if missing), INSERT OR IGNORE so that a
second run changes nothing; WAL, synchronous=FULL, one transaction.  No
validation beyond what json.loads refuses, no history, no output: the peer
a user would compare Workform's import with.
"""
import json
import os
import sqlite3
import sys
from decimal import Decimal

path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("WF_DB")
if not path:
    sys.exit("no database: give DB or set $WF_DB")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("BEGIN IMMEDIATE")
db.execute("CREATE TABLE IF NOT EXISTS py_order (id INTEGER PRIMARY KEY,"
           " ref TEXT NOT NULL UNIQUE, currency TEXT NOT NULL,"
           " placed_at TEXT NOT NULL, total INTEGER NOT NULL)")
db.execute("CREATE TABLE IF NOT EXISTS py_line (order_id INTEGER NOT NULL,"
           " line_no INTEGER NOT NULL, sku TEXT NOT NULL, qty INTEGER NOT NULL,"
           " unit_price INTEGER NOT NULL, PRIMARY KEY (order_id, line_no))")


def cents(s):
    return int(Decimal(s or "0") * 100)


for text in sys.stdin:
    if not text.strip():
        continue
    o = json.loads(text)
    lines = [(n, l["sku"], l["qty"], cents(l["unit_price"]))
             for n, l in enumerate(o["lines"], 1)]
    total = sum(q * p for _, _, q, p in lines) + cents(o.get("shipping_paid"))
    cur = db.execute("INSERT OR IGNORE INTO py_order (ref, currency, placed_at, total)"
                     " VALUES (?, ?, ?, ?)",
                     (o["channel"] + ":" + o["external_id"], o["currency"],
                      o["placed_at"], total))
    if cur.rowcount:
        oid = cur.lastrowid
        db.executemany("INSERT INTO py_line VALUES (?, ?, ?, ?, ?)",
                       [(oid,) + l for l in lines])
db.execute("COMMIT")
db.close()
