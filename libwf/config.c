/*
 * config.c - the database's settings (its base currency), and wf init.
 *
 * owns: setting
 */
#include <string.h>

#include "wf_config.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_money.h"

int
wf_config_base_currency(wf_db *db, char out[4])
{
	static const char sql[] = "SELECT value FROM setting WHERE name = 'base_currency'";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	wf_strlcpy(out, rc == 1 ? wf_col_text(st, 0) : "EUR", 4);
	wf_stmt_reset(st);
	return 0;
}

/* Make CUR the base currency: *changed 1 when it was another. */
static int
set_base(wf_db *db, int *changed, const char *cur)
{
	static const char sql[] =
	    "UPDATE setting SET value = ?1 WHERE name = 'base_currency' AND value <> ?1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, cur);
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	*changed = wf_db_changes(db) > 0;
	return 0;
}

int
wf_config_init(wf_db *db, const char *currency, wf_out *out)
{
	char cur[4] = "";
	const char *result;
	int from, rc, changed = 0;
	cJSON *r;

	if (currency && wf_currency_norm(currency, cur) != 0)
		return wf_error_set(WF_EUSAGE, "--currency: unknown currency '%.8s'"
		    " (an ISO 4217 code such as EUR or USD)", currency);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = wf_db_migrate(db, &result, &from)) != 0 ||
	    (currency && (rc = set_base(db, &changed, cur)) != 0) ||
	    (rc = wf_config_base_currency(db, cur)) != 0)
		goto fail;
	if (changed && strcmp(result, "unchanged") == 0)
		result = "updated";
	r = wf_jrecord("init");
	if (r == NULL || wf_jadd_str(r, "db", wf_db_filename(db)) ||
	    wf_jadd_str(r, "result", result) ||
	    wf_jadd_int(r, "schema_version", wf_schema_version) ||
	    wf_jadd_int(r, "from_version", from) ||
	    wf_jadd_str(r, "currency", cur)) {
		cJSON_Delete(r);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto fail;
	}
	if ((rc = wf_out_emit(out, r)) != 0)
		goto fail;
	if ((rc = wf_tx_commit(db)) != 0)
		return rc;
	/* a new or migrated database goes to WAL mode, outside the transaction */
	return strcmp(result, "created") == 0 || strcmp(result, "migrated") == 0 ? wf_db_wal(db) : 0;
fail:
	wf_tx_rollback(db);
	return rc;
}
