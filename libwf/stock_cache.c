/* stock_cache.c - the free bins of SKUs, read once per SKU and kept exact
 * as reservations take from them (wf_stock_cache.h), and what a warehouse
 * has available to reserve, which reads the same bins.
 *
 * reads: balance, bin
 */
#include <stdlib.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_stock.h"
#include "wf_stock_cache.h"

/* Bins kept (24 bytes each, 24 MiB): room for a catalogue of 100,000 SKUs
 * in 8 warehouses.  Once it is full the SKUs kept stay and every other
 * SKU's bins are read again at each use: emptying the cache to make room
 * made a run over more SKUs than it holds read nearly every line's bins
 * (912,160 reads for 100,000 SKUs with room for half of their bins,
 * bench/README.md). */
#define MAX_BINS ((size_t)1 << 20)

struct entry {
	int64_t sku_id;          /* 0: an empty slot */
	size_t  off, n;          /* its bins in the pool */
};

/* A bin as read, before it is sorted. */
struct row {
	struct wf_stock_bin b;
	int     rank;            /* pick, bulk, inbound, returns */
	char    code[40];        /* at most 32 characters (the schema's) */
};

struct wf_stock_cache {
	struct entry *slot;      /* open addressing, a power of two */
	size_t  cap, used;
	struct wf_stock_bin *pool;
	size_t  npool, cappool;
	struct row *rows;        /* one SKU's bins being read */
	size_t  caprows;
	struct wf_stock_bin *once;   /* a SKU's bins not kept (the cache full) */
	size_t  caponce;
	size_t  max;             /* bins kept at most: MAX_BINS, or a test's */
	int     synced;
	int64_t version;         /* PRAGMA data_version at the last sync */
};

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

struct wf_stock_cache *
wf_stock_cache_new(void)
{
	struct wf_stock_cache *c = calloc(1, sizeof *c);

	if (c)
		c->max = MAX_BINS;
	return c;
}

void
wf_stock_cache_limit(struct wf_stock_cache *c, size_t bins)
{
	c->max = bins;
}

void
wf_stock_cache_clear(struct wf_stock_cache *c)
{
	if (c == NULL)
		return;
	if (c->slot)            /* memset(NULL, 0, 0) is undefined */
		memset(c->slot, 0, c->cap * sizeof *c->slot);
	c->used = 0;
	c->npool = 0;
}

void
wf_stock_cache_free(struct wf_stock_cache *c)
{
	if (c == NULL)
		return;
	free(c->slot);
	free(c->pool);
	free(c->rows);
	free(c->once);
	free(c);
}

int
wf_stock_cache_sync(wf_db *db, struct wf_stock_cache *c)
{
	static const char sql[] = "PRAGMA data_version";
	wf_stmt *st;
	int64_t v;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "no data_version");
	v = wf_col_int(st, 0);
	wf_stmt_reset(st);
	if (!c->synced || v != c->version)
		wf_stock_cache_clear(c);
	c->version = v;
	c->synced = 1;
	return 0;
}

static size_t
slot_of(int64_t sku, size_t cap)
{
	return (size_t)((uint64_t)sku * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}

/* Room for one more SKU in the slots. */
static int
slots_room(struct wf_stock_cache *c)
{
	struct entry *p;
	size_t cap = c->cap ? 2 * c->cap : 16, i, j;

	if ((c->used + 1) * 10 <= c->cap * 7)
		return 0;
	if ((p = calloc(cap, sizeof *p)) == NULL)
		return oom();
	for (i = 0; i < c->cap; i++) {
		if (c->slot[i].sku_id == 0)
			continue;
		for (j = slot_of(c->slot[i].sku_id, cap); p[j].sku_id; j = (j + 1) & (cap - 1))
			;
		p[j] = c->slot[i];
	}
	free(c->slot);
	c->slot = p;
	c->cap = cap;
	return 0;
}

static int
kind_rank(const char *kind)
{
	return strcmp(kind, "pick") == 0 ? 0 : strcmp(kind, "bulk") == 0 ? 1 :
	    strcmp(kind, "inbound") == 0 ? 2 : 3;
}

/* Warehouse, then reservation order: the bin kind, then its code. */
static int
row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;

	if (a->b.wh_id != b->b.wh_id)
		return a->b.wh_id < b->b.wh_id ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->code, b->code);
}

/* Read SKU_ID's bins into C->rows, sorted; *n: how many.  The order is
 * made here: a sorter SQLite opens costs more than the query. */
static int
read_rows(wf_db *db, struct wf_stock_cache *c, int64_t sku_id, size_t *n)
{
	static const char sql[] =
	    "SELECT b.id, b.warehouse_id, bal.qty, b.kind, b.code FROM balance bal"
	    " JOIN bin b ON b.id = bal.bin_id"
	    " WHERE bal.sku_id = ?1 AND bal.state = 'on_hand' AND bal.holder = ''"
	    " AND b.state = 'active'"
	    " AND (b.kind = 'pick' OR b.kind = 'bulk' OR b.kind = 'inbound' OR b.kind = 'returns')";
	wf_stmt *st;
	int rc;

	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	while ((rc = wf_db_step(db, st)) == 1) {
		struct row *r;
		if (*n == c->caprows) {
			size_t cap = c->caprows ? 2 * c->caprows : 16;
			struct row *p = realloc(c->rows, cap * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			c->rows = p;
			c->caprows = cap;
		}
		r = &c->rows[(*n)++];
		r->b.bin_id = wf_col_int(st, 0);
		r->b.wh_id = wf_col_int(st, 1);
		r->b.qty = wf_col_int(st, 2);
		r->rank = kind_rank(wf_col_text(st, 3));
		if (wf_strlcpy(r->code, wf_col_text(st, 4), sizeof r->code) >= sizeof r->code) {
			wf_stmt_reset(st);
			return wf_error_set(WF_EINTERNAL, "bin %lld has a code past 32 characters",
			    (long long)r->b.bin_id);
		}
	}
	if (rc == 0 && *n > 1)
		wf_sort(c->rows, *n, sizeof *c->rows, row_cmp);
	return rc;
}

int
wf_stock_cache_bins(wf_db *db, struct wf_stock_bin **bins, size_t *n,
    struct wf_stock_cache *c, int64_t sku_id)
{
	struct entry *e;
	size_t j, i, m;
	int rc;

	if (c->cap)
		for (j = slot_of(sku_id, c->cap); c->slot[j].sku_id; j = (j + 1) & (c->cap - 1))
			if (c->slot[j].sku_id == sku_id) {
				*bins = c->pool + c->slot[j].off;
				*n = c->slot[j].n;
				return 0;
			}
	if ((rc = read_rows(db, c, sku_id, &m)) != 0)
		return rc;
	/* full: the bins are the caller's for this call alone, read again at
	 * the next; what it takes from them is in the balances */
	if (c->npool + m > c->max) {
		if (m > c->caponce) {
			struct wf_stock_bin *p = realloc(c->once, m * sizeof *p);
			if (p == NULL)
				return oom();
			c->once = p;
			c->caponce = m;
		}
		for (i = 0; i < m; i++)
			c->once[i] = c->rows[i].b;
		*bins = c->once;
		*n = m;
		return 0;
	}
	if (c->npool + m > c->cappool) {
		size_t cap = c->cappool ? c->cappool : 16;
		struct wf_stock_bin *p;
		while (cap < c->npool + m)
			cap *= 2;
		if ((p = realloc(c->pool, cap * sizeof *p)) == NULL)
			return oom();
		c->pool = p;
		c->cappool = cap;
	}
	if ((rc = slots_room(c)) != 0)
		return rc;
	for (j = slot_of(sku_id, c->cap); c->slot[j].sku_id; j = (j + 1) & (c->cap - 1))
		;
	e = &c->slot[j];
	e->sku_id = sku_id;
	e->off = c->npool;
	e->n = m;
	for (i = 0; i < m; i++)
		c->pool[c->npool++] = c->rows[i].b;
	c->used++;
	*bins = c->pool + e->off;
	*n = m;
	return 0;
}

int
wf_stock_cache_available(wf_db *db, int64_t *qty, struct wf_stock_cache *c,
    int64_t sku_id, int64_t wh_id)
{
	struct wf_stock_cache *own = NULL;
	struct wf_stock_bin *b;
	size_t i, n;
	int rc;

	*qty = 0;
	if (c == NULL && (c = own = wf_stock_cache_new()) == NULL)
		return oom();
	if ((rc = wf_stock_cache_bins(db, &b, &n, c, sku_id)) == 0)
		for (i = 0; i < n; i++)
			if (b[i].wh_id == wh_id)
				*qty += b[i].qty;
	wf_stock_cache_free(own);
	return rc;
}

int
wf_stock_available(wf_db *db, int64_t *qty, int64_t sku_id, int64_t wh_id)
{
	return wf_stock_cache_available(db, qty, NULL, sku_id, wh_id);
}
