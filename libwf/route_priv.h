/*
 * route_priv.h - between the files of routing: the state of one run.
 *
 * route.c runs: it takes the orders from their source in chunks, inside
 * the transactions, and for each asks route_decide.c for a decision
 * (read-only: candidates, the choice, the reasons, the explanation) and,
 * with --apply, route_apply.c to apply it through the order's API.
 *
 * Ownership: everything a struct run points to is the run's, freed by
 * wf_route_free().
 */
#ifndef ROUTE_PRIV_H
#define ROUTE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "wf_buf.h"
#include "wf_db.h"
#include "wf_exception.h"
#include "wf_order.h"
#include "wf_out.h"
#include "wf_route.h"
#include "wf_stock_cache.h"
#include "wf_time.h"

/* Reasons an order (not a candidate) cannot route, beyond the candidates'. */
#define WF_ROUTE_UNKNOWN_SKU   0x10u
#define WF_ROUTE_NO_WAREHOUSE  0x20u

/* SQL: route leg r (an order_route row) is not of a cancelled order.  The
 * leg's order is looked up among the cancelled only: without INDEXED BY,
 * SQLite reads the order's row by its id, and counting a day's capacity on
 * a database of 200k routed orders read most of the orders table
 * (migration 21).  Routing's capacity in use and wf check's capacity
 * invariant both count with it. */
#define ROUTE_LEG_LIVE \
	"NOT EXISTS (SELECT 1 FROM orders o INDEXED BY orders_cancelled" \
	" WHERE o.id = r.order_id AND o.state = 'cancelled')"

/* Every reason, in the order the reasons of a route are listed. */
extern const unsigned wf_route_reason_bits[];
#define WF_ROUTE_NREASONS 6

struct svc {
	int64_t id;
	char    carrier[33], service[33];
	int     cutoff, transit;
	int64_t cost;
	char    currency[4];
	char   *countries;
	int64_t ship_by[2];      /* the cutoff today and tomorrow, UTC */
};

struct wh {
	int64_t id;
	char    code[33], tz[72];
	char    date[2][11];     /* local today and tomorrow */
	int     has_cap;
	int64_t cap;
	int     now_min;         /* local minute of the day */
	int64_t day_start[3];    /* UTC of local midnight today, tomorrow, after */
	struct svc *svc;
	size_t  nsvc;
	int     used_known[2];
	int64_t used[2];         /* orders with a leg here on the ship day */
};

/* Per SKU, for every warehouse: what is available, and the landed unit
 * cost (-1: none); and the SKU's own cost, read once in the run, not with
 * each order's lines. */
struct skuc {
	int64_t  sku_id;         /* 0: empty slot */
	int64_t *v;              /* avail[nwh], then landed[nwh] */
	int      has_cost;       /* its average cost or cost */
	int64_t  unit_cost;
	char     cur[4];
};

struct line {
	int64_t  sku_id;         /* 0: not in the catalogue */
	char     sku[72];
	int64_t  qty;            /* still to ship */
	int      has_cost;       /* the SKU's average cost or cost */
	int64_t  unit_cost;
	int      same_cur;       /* the SKU is priced in the order's currency */
	char     sku_cur[4];
	int64_t *v;              /* its cache entry's values */
};

struct order {
	int64_t id;
	char    ref[176], state[24], held_from[24], hold_reason[512];
	char    country[4], currency[4], owner[72];
	int     has_promise;
	int64_t promise_by, total, units, revenue;
	struct line *lines;
	size_t  nlines, caplines;
	int     own_w;           /* the warehouse it is promised at, its units
	                            back in the cache while it is decided; -1 */
};

struct cand {
	int      w, s;           /* s -1: the warehouse has no service */
	unsigned fails;          /* every check that fails */
	int      other_cur;      /* its service is priced in another currency */
	int      day;            /* -1: none */
	int64_t  ship_by, promise, cost;
	int      has_margin;
	int64_t  margin;
	int      rank;           /* 1 = chosen; 0 = failed */
};

struct leg {
	int     w, s, day;
	int64_t ship_by, promise, cost;
};

struct decision {
	const char *result;      /* routed split unroutable skipped */
	struct leg legs[WF_ROUTE_MAX_LEGS];
	int     nlegs;
	int64_t *alloc;          /* [leg * nlines + line] */
	unsigned reasons;
	int     has_margin;
	int64_t margin, cost;
	char    skip[64];
};

/* What blocks an unroutable order (route_block.c): one row of route_block. */
struct block {
	char    stype[16];       /* sku, warehouse */
	char    sref[WF_ROUTE_BLOCK_REFLEN];
	const char *reason;      /* static */
	char    sku[72], wh[33];
	int64_t qty;             /* the SKU's units, else the order's */
};

/* An exception the run changed the orders of (PENDING), worked out again
 * when a chunk ends; NOTE is the resolution should it clear.  ORDERS is
 * how many it blocked when the run last worked it out (-1: not yet), and
 * CHANGES the orders that came or went since (wf_route_block_flush). */
struct touched {
	char    stype[16], sref[WF_ROUTE_BLOCK_REFLEN];
	char   *note;
	int     pending;
	int64_t orders, changes;
};

/* An order to route: its id (0: look it up by ref) and key. */
struct key {
	int64_t id;
	char    ref[176];
};

struct run {
	wf_db  *db;
	wf_out *out;
	const struct wf_route_opts *o;
	int64_t now;
	int     loaded;
	int64_t version;         /* PRAGMA data_version when loaded */
	struct wh *wh;
	size_t  nwh;
	struct skuc *cache;
	size_t  capcache, ncache;
	struct wf_stock_cache *stock;   /* the SKUs' free bins: decided on and
	                                   reserved from (wf_stock_cache.h) */
	struct order ord;
	struct cand *cand;
	size_t  ncand, capcand;
	struct decision d;
	size_t  capalloc;
	int64_t *scratch;        /* split: allocations being tried */
	struct wf_order_units *units;   /* applying: the legs' units */
	int    *stock_ok;        /* per warehouse */
	wf_buf   note;           /* the route record's note, made again per order */
	int64_t *seen;           /* orders decided (REF and stdin sources) */
	size_t  capseen, nseen;
	int     dedupe;
	struct key *batch;
	struct block *blocks;    /* what blocks the order being applied */
	size_t  nblocks, capblocks;
	struct touched **touched; /* a hash set */
	size_t  ntouched, captouched;
};

/* ---- route_decide.c --------------------------------------------------------------- */

/* Free everything R holds. */
void wf_route_free(struct run *r);

/* Load the rules, and empty the caches, when another connection changed
 * the database since they were read.  Returns 0 or an error. */
int wf_route_refresh(struct run *r);

/* Load order K into R->ord: 1, 0 when there is none, or an error. */
int wf_route_load_order(struct run *r, const struct key *k);

/* Whether R->ord may be routed (1 or 0); else why not into WHY. */
int wf_route_eligible(const struct order *o, char why[64]);

/* Decide R->ord into R->d (and R->cand).  Returns 0 or an error. */
int wf_route_decide(struct run *r);

/* Whether order O is promised (state promised, or on hold from there). */
int wf_route_promised(const struct order *o);

/* Take R->ord's own promised units out of the cache again (it was not
 * routed: its promise stands). */
void wf_route_own_undo(struct run *r);

/* Take what the decision takes from the caches: stock and capacity. */
void wf_route_take(struct run *r);

/* Emit R->d for R->ord as a {"type":"route",...} record; EXCEPTION (may be
 * NULL) is the key of the exception an unroutable order raised. */
int wf_route_emit(struct run *r, const char *exception);

/* The legs of a split, as JSON (NULL when out of memory). */
cJSON *wf_route_legs_json(const struct run *r);

/* Candidate C's score for wf_route_cmp(); C has a service. */
struct wf_route_score wf_route_score_of(const struct run *r, const struct cand *c);

/* The UTC start of local day Z (days since 1970-01-01) in zone TZ into *t,
 * and the date into DATE when not NULL.  Returns 0 or an error. */
int wf_route_day_start(const char *tz, int64_t z, int64_t *t, char date[11]);

/* ---- route_apply.c ---------------------------------------------------------------- */

/* Apply the decision to route R->ord (with the promise option: promise it
 * instead of reserving); see wf_route_run(). */
int wf_route_apply_routed(struct run *r);

/* Hold R->ord as unroutable and record what blocks it; the key of the
 * first exception it is evidence of goes to KEY.  Returns 0 or an error. */
int wf_route_apply_unroutable(struct run *r, char key[WF_EXCEPTION_KEYLEN]);

/* ---- route_block.c ---------------------------------------------------------------- */

/* R->ord, decided unroutable and held: record what blocks it (its rows
 * replaced when they differ), touch those exceptions, raise the first now
 * unless it is open, and put its key into KEY ("" for none).  Returns 0 or
 * an error. */
int wf_route_block_held(struct run *r, char key[WF_EXCEPTION_KEYLEN]);

/* R->ord routed (WHERE: "routed to BER via dhl/parcel"): drop its rows and
 * touch their exceptions.  Returns 0 or an error. */
int wf_route_block_routed(struct run *r, const char *where);

/* Bring the exceptions the run touched since up to date with the orders
 * they block (wf_route_block_sync): with FINAL every one; else, of those
 * whose orders changed, the ones the run has not worked out yet and those
 * changed by at least a quarter of what they blocked when it last did
 * (WF_ROUTE_RESYNC); orders decided again and blocked as before wait for
 * the end of the run, so
 * that working out an exception of N orders costs O(N) over a run, not
 * O(N) at every commit.  Returns 0 or an error. */
int wf_route_block_flush(struct run *r, int final);

/* Free what R holds for blocks. */
void wf_route_blocks_free(struct run *r);

#endif
