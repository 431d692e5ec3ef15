/*
 * risk_priv.h - what the two halves of the risk module share: what
 * risk_load.c reads (the catalogue whole; the balances, the window of the
 * ledger, the waiting order lines and the open PO lines of one SKU at a
 * time, each sorted by warehouse code rank) and risk.c walks.
 *
 * Ownership: the context owns every array, string and open cursor;
 * risk_ctx_free() releases them (and resets the cursors).
 */
#ifndef RISK_PRIV_H
#define RISK_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "wf_buf.h"
#include "wf_db.h"
#include "wf_risk.h"

#define DAY 86400
#define NONE UINT32_MAX

/* ---- the snapshot ---------------------------------------------------------- */

struct rwh {
	int64_t id;
	char   *code;
	int     active;
};

struct rsku {
	int64_t id;
	char   *code;
	char    state[16];
	char    currency[4];
	int     has_price;
	int64_t price, lead_time, safety_days;
	int64_t latest_po;           /* its latest PO line's PO, 0: none */
	int64_t sup;                 /* its supplier id: its own (own_sup), else
	                                its latest PO's; 0: none */
	int     own_sup;             /* set on the SKU (sku add --supplier) */
};

struct rsup {
	int64_t id;
	char   *code;
	int64_t stated;              /* lead_time_days */
	int64_t n, secs;             /* receipts measured, their total seconds */
	int64_t lt10, ltsd10;
};

struct rbin {
	uint32_t wh;                 /* warehouse rank */
	int      usable;
};

/* id -> rank: a direct table when the ids are dense enough, else a search
 * of (id, rank) pairs sorted by id. */
struct idmap {
	uint32_t *direct;
	int64_t   max;
	struct idpair { int64_t id; uint32_t rank; } *pairs;
	size_t    n;
};

/* Stock per SKU, warehouse: free on-hand units in usable bins. */
struct bal {
	uint32_t sku, wh;
	int64_t  avail;
};

/* A day's net change of those units (shipped 0), or units shipped (1). */
struct hist {
	uint32_t sku, wh;
	int32_t  day;                /* relative to today: -window .. 0 */
	int32_t  shipped;
	int64_t  qty;
};

/* A waiting order line. */
struct ord {
	uint32_t sku, wh;            /* wh NONE: not routed */
	int32_t  due;                /* relative, >= 0 */
	uint32_t line_no;
	int32_t  promised;           /* the order is promised (wf_promise.h) */
	int64_t  order, qty, line_qty, value;
};

/* An open PO line. */
struct pol {
	uint32_t sku, wh;
	int32_t  day;                /* relative; < 0: overdue */
	int32_t  unconfirmed;
	int64_t  qty, po;
};

#define VEC(T) struct { T *v; size_t n, cap; }

/* An open query of the rows of every SKU, ordered by SKU code: the
 * statement on its next row, of SKU rank `rank` (NONE: done). */
struct cursor {
	wf_stmt *st;
	uint32_t rank;
};

#define RISK_NCURSORS 5         /* balances, history, reservations, orders, PO lines */

struct ctx {
	wf_db  *db;
	const struct wf_risk_opts *o;
	int64_t now, today;
	int64_t one_sku;             /* 0: every SKU */
	uint32_t one_wh;             /* NONE: every warehouse */
	VEC(struct rwh)  wh;
	VEC(struct rsku) sku;
	VEC(struct rsup) sup;
	VEC(struct rbin) bin;
	struct idmap whid, skuid, binid;
	VEC(struct bal)  bal;
	VEC(struct hist) hist;
	VEC(struct ord)  ord;
	VEC(struct pol)  pol;        /* bal..pol: of the SKU risk_load_sku() read */
	struct cursor cur[RISK_NCURSORS];
	char    last_at[11];         /* the date of the last history row, */
	int64_t last_day;            /* and its day relative to today */
	/* scratch of the walk */
	VEC(struct wf_risk_event) ev, rc;
	VEC(struct wf_risk_line) lines;
	VEC(uint32_t) pairs;
	double *days;                /* window + 1 */
};

/* A pointer to a new last element of VEC, or NULL when out of memory
 * (wf_grow). */
#define PUSH(vec) (wf_grow(&(vec).v, (vec).n, &(vec).cap, sizeof *(vec).v) ? NULL : \
	&(vec).v[(vec).n++])

/* The supplier of id ID, or NULL. */
struct rsup *risk_sup_find(struct ctx *c, int64_t id);

/* Read the catalogue into C (c->db, o, now, today, one_sku set) and open
 * the cursors of the rows per SKU.  Returns 0 or an error. */
int risk_load(struct ctx *c);

/* The rows of SKU rank S (called for ascending S) in c->bal, hist, ord and
 * pol, each sorted.  Returns 0 or an error. */
int risk_load_sku(struct ctx *c, uint32_t s);
void risk_ctx_free(struct ctx *c);

#endif
