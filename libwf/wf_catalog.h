/*
 * wf_catalog.h - SKUs, warehouses and bins.
 *
 * The catalogue's records and their lookups.  Adding is idempotent: adding
 * a record that exists with the same values is "unchanged"; with other
 * values for the fields given it is "updated" (with a history event); a new
 * one is "created".  Fields not given keep their values.
 *
 * Keys: a SKU code is 1-64 bytes of printable text without leading or
 * trailing space; warehouse codes 1-32 of [A-Za-z0-9._-]; a bin is
 * "WH/BIN" with the bin part 1-32 of [A-Za-z0-9._-].
 *
 * Ownership: input structs are borrowed; records emitted to OUT are the
 * writer's.
 */
#ifndef WF_CATALOG_H
#define WF_CATALOG_H

#include <stdint.h>

#include "wf_batch.h"
#include "wf_check.h"
#include "wf_db.h"
#include "wf_out.h"
#include "wf_record.h"

#define WF_OWNER_SKU       "purchasing"
#define WF_OWNER_WAREHOUSE "operations"
#define WF_DEFAULT_CURRENCY "EUR"   /* a record's when nothing else says */

/* Optional fields: has_* says whether the value was given. */
struct wf_warehouse_in {
	const char *code;
	const char *name, *country, *postcode, *timezone, *owner;   /* NULL: not given */
	int         has_capacity;
	int64_t     capacity;          /* orders per day */
};

struct wf_bin_in {
	const char *ref;               /* "WH/BIN" */
	const char *kind;              /* NULL: not given (pick when created) */
	const char *owner;
};

struct wf_sku_in {
	const char *code;
	const char *title, *currency, *owner, *state;   /* NULL: not given */
	const char *supplier;   /* its supplier's code; NULL: not given; "":
	                           none (clears it) */
	int         has_price, has_cost, has_lead_time, has_safety_days;
	int64_t     price, cost, lead_time_days, safety_days;
	/* money given as text, parsed in the SKU's currency (either may be set;
	 * the text forms win) */
	const char *price_text, *cost_text;
};

/* Add warehouse IN->code, or change the fields given; emit
 * {"type":"warehouse","warehouse":..,"result":"created"|"updated"|
 * "unchanged",...}, with a history event on change.  Returns 0, WF_EINPUT
 * for an invalid field, or a database error. */
int wf_warehouse_add(wf_db *db, const struct wf_warehouse_in *in, wf_out *out);

/* Emit every warehouse ({"type":"warehouse",...}), by code.  Returns 0 or
 * an error. */
int wf_warehouse_list(wf_db *db, wf_out *out);

/* Emit warehouse CODE.  Returns 0, WF_ENOTFOUND (naming a near code, as
 * wf_warehouse_find does), or an error. */
int wf_warehouse_show(wf_db *db, const char *code, wf_out *out);

/* Take warehouse CODE through ACTION of the warehouse machine (pause,
 * resume, close, reopen) and emit it.  A paused warehouse takes no
 * reservations; a closed one takes nothing (no reservation, no purchase
 * order), and a warehouse closes only when it holds no stock at all (on
 * hand, held or inbound).  Returns 0, WF_ENOTFOUND, WF_EREFUSED for an
 * action its state does not allow or stock still there, or an error. */
int wf_warehouse_act(wf_db *db, const char *code, const char *action, wf_out *out);

/* Add bin IN->ref ("WH/BIN") of its kind (pick when new and not given),
 * owned by its warehouse's owner unless given, or change the kind and owner
 * given; emit {"type":"bin","bin":..,"result":..,...}.  Returns 0,
 * WF_EINPUT for an invalid code or owner, WF_EUSAGE for an unknown kind,
 * WF_ENOTFOUND for an unknown warehouse, or a database error. */
int wf_bin_add(wf_db *db, const struct wf_bin_in *in, wf_out *out);

/* Emit every bin ({"type":"bin",...}) of WAREHOUSE (NULL: of every one), by
 * warehouse and bin code.  Returns 0, WF_ENOTFOUND for an unknown
 * warehouse, or an error. */
int wf_bin_list(wf_db *db, const char *warehouse, wf_out *out);

/* Take bin REF ("WH/BIN") through ACTION of the bin machine (block,
 * unblock) and emit it.  A blocked bin keeps its stock, takes none, and
 * none of it is reserved.  Returns 0, WF_EINPUT for a REF not of that
 * form, WF_ENOTFOUND, WF_EREFUSED for an action its state does not allow,
 * or an error. */
int wf_bin_act(wf_db *db, const char *ref, const char *action, wf_out *out);

/* Add SKU IN->code, or change the fields given, then take it to IN->state
 * (when given) through the sku machine; emit {"type":"sku","sku":..,
 * "result":..,...}.  A new SKU that names no currency is in the database's
 * base currency (wf_config_base_currency).  Returns 0, WF_EINPUT for an
 * invalid field,
 * WF_EREFUSED for a currency change once the SKU has stock movements or a
 * state the machine cannot reach from the current one, or a database
 * error. */
int wf_sku_add(wf_db *db, const struct wf_sku_in *in, wf_out *out);

/* The batch line function for `wf-stock sku import` ({"type":"sku",...}):
 * the line's fields as wf_sku_add() takes them.  Returns what it returns,
 * or WF_EINPUT located at the line for a field of the wrong type. */
int wf_sku_import_line(wf_db *db, const struct wf_line *l, void *unused);

/* Add ALIAS as another key for SKU CODE (`wf-stock sku alias`), such as
 * "shopify-variant:41383274741953" for a shop that uses no SKUs: order
 * lines that carry it are that SKU's.  Emits {"type":"sku_alias","alias":..,
 * "sku":..,"result":"created"|"unchanged"}, with an "alias" event on the
 * SKU when created.  One key names one SKU: WF_EREFUSED when ALIAS is a
 * SKU's own code or another SKU's alias.  (`sku import` takes them as
 * "aliases":[...].)  Returns 0, WF_EINPUT for a key that is not printable
 * text of 1 to 64 bytes, WF_ENOTFOUND for an unknown SKU, or an error. */
int wf_sku_alias(wf_db *db, const char *code, const char *alias, wf_out *out);

/* The SKU whose code, or else alias, is KEY into *SKU_ID.  Returns 1, 0
 * when none is, or a database error.  Inside a write transaction a key
 * found is kept in its memo (wf_db_memo_find) and not searched again. */
int wf_sku_resolve(wf_db *db, int64_t *sku_id, const char *key);

/* Emit every SKU ({"type":"sku",...}), by code.  Returns 0 or an error. */
int wf_sku_list(wf_db *db, wf_out *out);

/* Emit one SKU ({"type":"sku",...}).  Returns 0, WF_ENOTFOUND when unknown,
 * or an error.  (`sku show`, the SKU with its levels, is
 * wf_stock_sku_show(): the catalogue knows nothing of stock.) */
int wf_sku_emit(wf_db *db, const char *code, wf_out *out);

/* Take SKU CODE through ACTION of the sku machine (discontinue, activate,
 * block, unblock) and emit it.  Returns 0, WF_ENOTFOUND, WF_EREFUSED for an
 * action its state does not allow, or an error. */
int wf_sku_act(wf_db *db, const char *code, const char *action, wf_out *out);

/* ---- for other modules, inside the caller's transaction ------------------- */

/* Lookups.  Each returns 0, or WF_ENOTFOUND naming the key and the nearest
 * known one ("unknown SKU 'mug-1'; did you mean 'MUG-1'?"), or a database
 * error.  Any out-pointer may be NULL. */
struct wf_sku_info {
	int64_t id;
	char    currency[4];
	int     has_avg_cost, has_cost;
	int64_t avg_cost, cost, price;
	char    state[16];
};
/* SKU CODE into *INFO. */
int wf_sku_find(wf_db *db, struct wf_sku_info *info, const char *code);
/* Warehouse CODE: its id and its state. */
int wf_warehouse_find(wf_db *db, int64_t *id, char state[16], const char *code);
/* A bin by "WH/BIN": its id, its warehouse's id, its kind and its state
 * (static strings of the schema's closed sets).  WF_EINPUT when REF is not
 * of that form; WF_ENOTFOUND names the warehouse when that is unknown. */
int wf_bin_find(wf_db *db, int64_t *bin_id, int64_t *wh_id, const char **kind,
    const char **state, const char *ref);

/* The "WH/BIN" text of bin BIN_ID into OUT.  Returns 0, WF_EINTERNAL when
 * there is no such bin, or an error. */
int wf_bin_name(wf_db *db, wf_buf *out, int64_t bin_id);

/* Set SKU_ID's moving average cost to AVG_COST (minor units of its
 * currency): the stock ledger's valuation (wf_stock_revalue) owns the
 * arithmetic, the catalogue the column.  No history event: the movement
 * that changed it is the record.  Returns 0 or a database error. */
int wf_sku_set_avg_cost(wf_db *db, int64_t sku_id, int64_t avg_cost);

/* The first active bin of KIND in warehouse WH_ID by code, creating
 * WH/CODE of that kind (with its history event) when the warehouse has
 * none.  Returns 0 and *bin_id, WF_EREFUSED when WH/CODE exists with
 * another kind, or a database error. */
int wf_bin_ensure(wf_db *db, int64_t *bin_id, int64_t wh_id, const char *kind,
    const char *code);

/* The warehouse's inbound bin: the first bin of kind inbound by code,
 * active ones first, a blocked one only when no active one is there; WH/CODE
 * of kind inbound is made (with its history event) when the warehouse has
 * none.  Returns 0 and *bin_id, WF_EREFUSED when WH/CODE exists with
 * another kind (naming it and how to add an inbound bin), or a database
 * error. */
int wf_bin_inbound(wf_db *db, int64_t *bin_id, int64_t wh_id, const char *code);

/* The record types this module owns (wf_record.h). */
extern const struct wf_record_type wf_record_sku;
extern const struct wf_record_type wf_record_warehouse;
extern const struct wf_record_type wf_record_bin;

#endif
