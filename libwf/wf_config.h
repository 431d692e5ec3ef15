/*
 * wf_config.h - the database's own settings, and wf init.
 *
 * A database has one base currency (design.md), set by `wf init --currency
 * CUR` (EUR unless said otherwise): the default of every money option and
 * field that names no currency -- a SKU, a carrier service added without
 * --currency.  Changing it later changes only that default; records keep
 * the currency they were made with.
 *
 * Ownership: nothing is allocated for the caller.
 */
#ifndef WF_CONFIG_H
#define WF_CONFIG_H

#include "wf_db.h"
#include "wf_out.h"

/* The base currency into OUT ("EUR").  Returns 0 or a database error. */
int wf_config_base_currency(wf_db *db, char out[4]);

/* wf init: create or migrate the database (wf_db_init), then, when
 * CURRENCY is not NULL, make it the base currency, and emit the "init"
 * record: db, result (created, migrated, updated -- only the currency
 * changed -- or unchanged), schema_version, from_version, currency.
 * Returns 0, WF_EUSAGE for an unknown currency (nothing written), or an
 * error. */
int wf_config_init(wf_db *db, const char *currency, wf_out *out);

#endif
