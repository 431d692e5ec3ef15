/* complete.c - the keys users type, for shell completion. */
#include <string.h>

#include "wf_complete.h"
#include "wf_error.h"
#include "wf_history.h"

/* ?1 is a GLOB pattern: the prefix, escaped, then '*'.  A literal prefix lets
 * SQLite walk the code's unique index instead of scanning the table. */
static const char sql_sku[] =
    "SELECT code FROM sku WHERE code GLOB ?1 ORDER BY code";
static const char sql_warehouse[] =
    "SELECT code FROM warehouse WHERE code GLOB ?1 ORDER BY code";
static const char sql_supplier[] =
    "SELECT code FROM supplier WHERE code GLOB ?1 ORDER BY code";
static const char sql_bin[] =
    "SELECT w.code || '/' || b.code FROM bin b JOIN warehouse w ON w.id = b.warehouse_id"
    " WHERE w.code || '/' || b.code GLOB ?1 ORDER BY w.code, b.code";
static const char sql_order[] =
    "SELECT ref FROM orders WHERE ref GLOB ?1 ORDER BY placed_at DESC, id DESC LIMIT 1000";
static const char sql_shipment[] =
    "SELECT 'SH-' || id FROM shipment WHERE 'SH-' || id GLOB ?1 ORDER BY id DESC LIMIT 1000";
static const char sql_po[] =
    "SELECT 'PO-' || id FROM po WHERE state NOT IN ('closed', 'cancelled')"
    " AND 'PO-' || id GLOB ?1 ORDER BY id";
static const char sql_exception[] =
    "SELECT 'EX-' || id FROM exception WHERE state NOT IN ('resolved', 'dismissed')"
    " AND 'EX-' || id GLOB ?1 ORDER BY id";
static const char sql_return[] =
    "SELECT 'RMA-' || id FROM rma WHERE state <> 'closed'"
    " AND 'RMA-' || id GLOB ?1 ORDER BY id";

static const struct {
	const char *kind;
	const char *sql;         /* NULL: not from the database */
} kinds[] = {
	{ "sku", sql_sku },
	{ "warehouse", sql_warehouse },
	{ "bin", sql_bin },
	{ "order", sql_order },
	{ "shipment", sql_shipment },
	{ "po", sql_po },
	{ "supplier", sql_supplier },
	{ "exception", sql_exception },
	{ "return", sql_return },
	{ "record", NULL },
};

/* PREFIX as a GLOB pattern that matches exactly the strings starting with it:
 * the pattern characters are bracketed, then '*'. */
static int
glob_prefix(wf_buf *b, const char *prefix)
{
	const char *p;
	int rc = 0;

	for (p = prefix; *p && rc == 0; p++) {
		if (*p == '*' || *p == '?' || *p == '[')
			rc = wf_buf_addc(b, '[') || wf_buf_addc(b, *p) || wf_buf_addc(b, ']');
		else
			rc = wf_buf_addc(b, *p);
	}
	if (rc == 0)
		rc = wf_buf_addc(b, '*');
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* The record types of history, which need no database. */
static int
record_types(const char *prefix, wf_complete_fn fn, void *arg)
{
	size_t i, n = strlen(prefix);
	int rc;

	for (i = 0; wf_record_types[i]; i++)
		if (strncmp(wf_record_types[i], prefix, n) == 0 &&
		    (rc = fn(arg, wf_record_types[i])) != 0)
			return rc;
	return 0;
}

static int
from_db(wf_db *db, const char *sql, const char *prefix, wf_complete_fn fn, void *arg)
{
	wf_buf pat = {0};
	sqlite3_stmt *st;
	int rc;

	if ((rc = glob_prefix(&pat, prefix)) != 0 || (rc = wf_db_stmt(db, sql, &st)) != 0) {
		wf_buf_free(&pat);
		return rc;
	}
	wf_bind_text(st, 1, wf_buf_str(&pat));
	while ((rc = wf_db_step(db, st)) == 1)
		if ((rc = fn(arg, wf_col_text(st, 0))) != 0)
			break;
	sqlite3_reset(st);
	wf_buf_free(&pat);
	return rc;
}

int
wf_complete_values(wf_db *db, const char *kind, const char *prefix,
    wf_complete_fn fn, void *arg)
{
	size_t i;

	if (prefix == NULL)
		prefix = "";
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].kind, kind) != 0)
			continue;
		if (kinds[i].sql == NULL)
			return record_types(prefix, fn, arg);
		return db ? from_db(db, kinds[i].sql, prefix, fn, arg) : 0;
	}
	return wf_error_set(WF_EUSAGE, "unknown completion kind '%s'", kind);
}
