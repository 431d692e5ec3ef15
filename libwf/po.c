/* po.c - purchase orders: create, send, confirm, receive, close, cancel,
 * their stock and their exceptions (the follow-up mails are po_followup.c).
 *
 * owns: po, po_line
 * reads: sku, bin, warehouse, movement, held
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_batch.h"
#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_po.h"
#include "po_priv.h"
#include "wf_state.h"
#include "wf_stock.h"
#include "wf_time.h"
#include "wf_record.h"
#include "wf_text.h"
#include "wf_upsert.h"

#define OPEN_STATES_SQL "('sent','confirmed','partially_received')"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

static const struct wf_machine *
po_machine(void)
{
	return wf_machine_find("po");
}

/* printf into a new string (the caller frees it), or NULL. */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *
vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* ---- purchase orders: loading and the record ---------------------------------- */

int64_t
wf_po_line_open(const struct po_line *l)
{
	int64_t open = l->ordered - l->received - l->cancelled;

	return open > 0 ? open : 0;
}

static void
po_free(struct po *p)
{
	free(p->lines);
	p->lines = NULL;
	p->nlines = 0;
}

int
wf_po_parse_key(int64_t *id, const char *key)
{
	return wf_key_parse(id, &wf_record_po, key);
}

/* A time column: 1 and *t when set, 0 when NULL. */
static int
col_time(wf_stmt *st, int i, int64_t *t)
{
	if (wf_col_null(st, i))
		return 0;
	if (wf_time_parse(wf_col_text(st, i), t) != 0)
		*t = 0;
	return 1;
}

static int
po_load(wf_db *db, int64_t id, struct po *p)
{
	static const char head[] =
	    "SELECT p.id, p.supplier_id, w.id, w.code, p.state, p.currency, p.expected_at,"
	    " p.confirmed_for, p.sent_at, p.confirmed_at, p.reason, p.owner"
	    " FROM po p JOIN warehouse w ON w.id = p.warehouse_id WHERE p.id = ?1";
	static const char lines[] =
	    "SELECT l.id, l.line_no, l.sku_id, s.code, l.qty_ordered, l.qty_received,"
	    " l.qty_cancelled, l.unit_cost FROM po_line l JOIN sku s ON s.id = l.sku_id"
	    " WHERE l.po_id = ?1 ORDER BY l.line_no";
	wf_stmt *st;
	size_t cap = 0;
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = wf_db_stmt(db, &st, head)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_ENOTFOUND, "unknown purchase order 'PO-%lld'",
		    (long long)id);
	p->id = wf_col_int(st, 0);
	wf_key_format(&wf_record_po, p->id, p->key);
	p->supplier_id = wf_col_int(st, 1);
	p->wh_id = wf_col_int(st, 2);
	wf_upsert_copy(p->wh, sizeof p->wh, wf_col_text(st, 3));
	wf_upsert_copy(p->state, sizeof p->state, wf_col_text(st, 4));
	wf_upsert_copy(p->currency, sizeof p->currency, wf_col_text(st, 5));
	col_time(st, 6, &p->expected);
	p->has_confirmed_for = col_time(st, 7, &p->confirmed_for);
	p->has_sent = col_time(st, 8, &p->sent_at);
	p->has_confirmed_at = col_time(st, 9, &p->confirmed_at);
	p->has_reason = !wf_col_null(st, 10);
	wf_upsert_copy(p->reason, sizeof p->reason, wf_col_text(st, 10));
	wf_upsert_copy(p->owner, sizeof p->owner, wf_col_text(st, 11));
	wf_stmt_reset(st);
	if ((rc = wf_supplier_get(db, &p->sup, p->supplier_id)) != 0)
		return rc;

	if ((rc = wf_db_stmt(db, &st, lines)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	while ((rc = wf_db_step(db, st)) == 1) {
		struct po_line *l;
		if (p->nlines == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct po_line *n = realloc(p->lines, ncap * sizeof *n);
			if (n == NULL) {
				wf_stmt_reset(st);
				po_free(p);
				return oom();
			}
			p->lines = n;
			cap = ncap;
		}
		l = &p->lines[p->nlines++];
		l->id = wf_col_int(st, 0);
		l->line_no = wf_col_int(st, 1);
		l->sku_id = wf_col_int(st, 2);
		wf_upsert_copy(l->sku, sizeof l->sku, wf_col_text(st, 3));
		l->ordered = wf_col_int(st, 4);
		l->received = wf_col_int(st, 5);
		l->cancelled = wf_col_int(st, 6);
		l->has_cost = !wf_col_null(st, 7);
		l->unit_cost = wf_col_int(st, 7);
	}
	if (rc < 0) {
		po_free(p);
		return rc;
	}
	return 0;
}

/* Load the PO named KEY ("PO-7"). */
static int
po_find(wf_db *db, const char *key, struct po *p)
{
	int64_t id;
	int rc;

	memset(p, 0, sizeof *p);
	if ((rc = wf_po_parse_key(&id, key)) != 0)
		return rc;
	return po_load(db, id, p);
}

static int
add_time(cJSON *r, const char *key, int has, int64_t t)
{
	return has ? wf_jadd_time(r, key, t) : wf_jadd_null(r, key);
}

/* The open units and their value at the lines' costs. */
int
wf_po_open_value(const struct po *p, int64_t *units, int64_t *value)
{
	size_t i;

	*units = *value = 0;
	for (i = 0; i < p->nlines; i++) {
		int64_t open = wf_po_line_open(&p->lines[i]), v = 0;
		*units += open;
		if (p->lines[i].has_cost &&
		    (wf_money_mul(open, p->lines[i].unit_cost, &v) != 0 ||
		    wf_money_add(*value, v, value) != 0))
			return wf_error_set(WF_EINPUT, "%s: open value out of range", p->key);
	}
	return 0;
}

static cJSON *
po_record(const struct po *p)
{
	cJSON *r = wf_jrecord("po"), *lines = cJSON_CreateArray();
	int64_t total = 0, v;
	size_t i;
	int rc = 0;

	if (r == NULL || lines == NULL)
		goto fail;
	for (i = 0; i < p->nlines; i++) {
		const struct po_line *l = &p->lines[i];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(lines, o)) {
			cJSON_Delete(o);
			goto fail;
		}
		rc |= wf_jadd_str(o, "sku", l->sku);
		rc |= wf_jadd_int(o, "qty", l->ordered);
		rc |= wf_jadd_int(o, "received", l->received);
		rc |= wf_jadd_int(o, "open", wf_po_line_open(l));
		rc |= l->has_cost ? wf_jadd_money(o, "unit_cost", l->unit_cost, p->currency) :
		    wf_jadd_null(o, "unit_cost");
		rc |= wf_jadd_int(o, "cancelled", l->cancelled);
		if (l->has_cost && (wf_money_mul(l->ordered, l->unit_cost, &v) != 0 ||
		    wf_money_add(total, v, &total) != 0))
			rc = WF_EINPUT;
	}
	rc |= wf_jadd_str(r, "po", p->key);
	rc |= wf_jadd_str(r, "supplier", p->sup.code);
	rc |= wf_jadd_str(r, "warehouse", p->wh);
	rc |= wf_jadd_str(r, "state", p->state);
	rc |= wf_jadd_str(r, "currency", p->currency);
	rc |= wf_jadd_time(r, "expected", p->expected);
	rc |= add_time(r, "confirmed_for", p->has_confirmed_for, p->confirmed_for);
	rc |= wf_jadd_item(r, "lines", lines);
	lines = NULL;
	rc |= wf_jadd_money(r, "total", total, p->currency);
	rc |= wf_jadd_str(r, "owner", p->owner);
	rc |= add_time(r, "sent_at", p->has_sent, p->sent_at);
	rc |= add_time(r, "confirmed_at", p->has_confirmed_at, p->confirmed_at);
	rc |= wf_jadd_str(r, "reason", p->has_reason ? p->reason : NULL);
	if (rc)
		goto fail;
	return r;
fail:
	cJSON_Delete(lines);
	cJSON_Delete(r);
	return NULL;
}

void
wf_po_columns(wf_out *out)
{
	static const char *const cols[] = {
		"po", "supplier", "warehouse", "state", "currency", "expected",
		"confirmed_for", "total", "owner", NULL
	};
	static const char *const fcols[] = {
		"po", "supplier", "email", "reason", "subject", NULL
	};

	wf_out_columns(out, "po", cols);
	wf_out_columns(out, "followup", fcols);
}

/* Reload P and emit it. */
static int
po_emit(wf_db *db, struct po *p, wf_out *out)
{
	int64_t id = p->id;
	int rc;

	po_free(p);
	if ((rc = po_load(db, id, p)) != 0)
		return rc;
	return wf_out_emit(out, po_record(p));
}

/* ---- stock of a PO --------------------------------------------------------------- */

struct slot {
	int64_t bin, qty;
};

/* The inbound units of SKU_ID held by KEY, bin by bin (by bin code); the
 * caller frees *v. */
static int
inbound_slots(wf_db *db, int64_t sku_id, const char *key, struct slot **v, size_t *n)
{
	static const char sql[] =
	    "SELECT bal.bin_id, bal.qty FROM held bal JOIN bin b ON b.id = bal.bin_id"
	    " WHERE bal.holder = ?2 AND bal.sku_id = ?1 AND bal.state = 'inbound'"
	    " ORDER BY b.code, b.id";
	wf_stmt *st;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, sku_id);
	wf_bind_text(st, 2, key);
	while ((rc = wf_db_step(db, st)) == 1) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct slot *p = realloc(*v, ncap * sizeof *p);
			if (p == NULL) {
				wf_stmt_reset(st);
				free(*v);
				*v = NULL;
				return oom();
			}
			*v = p;
			cap = ncap;
		}
		(*v)[*n].bin = wf_col_int(st, 0);
		(*v)[(*n)++].qty = wf_col_int(st, 1);
	}
	if (rc < 0) {
		free(*v);
		*v = NULL;
		*n = 0;
		return rc;
	}
	return 0;
}

/* Book every inbound unit of line L held by P out again ('unexpect'). */
static int
unexpect_line(wf_db *db, const struct po *p, const struct po_line *l)
{
	struct slot *v;
	size_t n, i;
	int rc;

	if ((rc = inbound_slots(db, l->sku_id, p->key, &v, &n)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++) {
		struct wf_move m = { "unexpect", l->sku_id, v[i].qty, v[i].bin, "inbound",
		    0, NULL, p->key, p->key, NULL, 0, 0, NULL };
		rc = wf_stock_book(db, NULL, &m);
	}
	free(v);
	return rc;
}

/* ---- create ---------------------------------------------------------------------- */

static int
cost_syntax(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0)
		return 0;
	if (s[n] == '\0')
		return 1;
	if (s[n] != '.' || s[n + 1] == '\0')
		return 0;
	return strspn(s + n + 1, "0123456789") == strlen(s + n + 1);
}

int
wf_po_line_parse(const char *arg, struct wf_po_line_in *out)
{
	const char *colon = strrchr(arg, ':'), *at, *q;
	size_t skulen;
	int64_t qty = 0;

	memset(out, 0, sizeof *out);
	if (colon == NULL || colon == arg || colon[1] == '\0')
		goto bad;
	at = strchr(colon + 1, '@');
	for (q = colon + 1; q < (at ? at : colon + strlen(colon)); q++) {
		if (*q < '0' || *q > '9' || qty > (WF_JSON_INT_MAX - (*q - '0')) / 10)
			goto bad;
		qty = qty * 10 + (*q - '0');
	}
	if (qty <= 0)
		return wf_error_set(WF_EUSAGE,
		    "'%.80s': the quantity must be a positive integer", arg);
	if (at && (strlen(at + 1) >= sizeof out->cost || !cost_syntax(at + 1)))
		return wf_error_set(WF_EUSAGE,
		    "'%.80s': the cost must be a decimal like 4.10, got '%.32s'", arg, at + 1);
	skulen = (size_t)(colon - arg);
	if (skulen >= sizeof out->sku)
		return wf_error_set(WF_EUSAGE, "'%.80s': SKU: longer than 64 bytes", arg);
	memcpy(out->sku, arg, skulen);
	out->sku[skulen] = '\0';
	if (wf_text_sku("SKU", out->sku) != 0)
		return wf_error_set(WF_EUSAGE, "'%.80s': %s", arg, wf_error_msg());
	out->qty = qty;
	if (at)
		wf_strlcpy(out->cost, at + 1, sizeof out->cost);
	return 0;
bad:
	return wf_error_set(WF_EUSAGE, "'%.80s': expected SKU:QTY[@COST], e.g. MUG-1:20@4.10",
	    arg);
}

struct line_set {
	struct wf_po_line_in *v;
	size_t n, cap;
};

static int
collect_line(wf_db *db, const struct wf_line *l, void *arg)
{
	static const char *const known[] = { "type", "sku", "qty", "cost", NULL };
	struct line_set *set = arg;
	struct wf_po_line_in *in;
	const char *type = NULL, *sku = NULL, *cost = NULL;
	const cJSON *c;
	int64_t qty;
	int rc;

	(void)db;
	/* Workform's own format: a misspelt key is refused, never ignored */
	if ((rc = wf_jcheck_keys(l->at, l->obj, known)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "po_line") != 0)
		return wf_jerr(l->at, "type", "expected \"po_line\", got \"%.32s\"", type);
	if ((rc = wf_jget_str(l->at, l->obj, "sku", WF_J_REQ | WF_J_NONEMPTY, 64, &sku)) < 0 ||
	    (rc = wf_jget_int(l->at, l->obj, "qty", WF_J_REQ, 1, WF_JSON_INT_MAX, &qty)) < 0)
		return rc;
	c = cJSON_GetObjectItemCaseSensitive(l->obj, "cost");
	if (c && !cJSON_IsNull(c)) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) >= sizeof in->cost ||
		    !cost_syntax(c->valuestring))
			return wf_jerr(l->at, "cost", "expected a decimal string like \"4.10\"");
		cost = c->valuestring;
	}
	if (wf_text_sku("sku", sku) != 0)
		return wf_jerr(l->at, "sku", "%s", wf_error_msg() + strlen("sku: "));
	if (set->n >= WF_PO_MAX_LINES)
		return wf_jerr(l->at, NULL, "more than %d lines in one purchase order",
		    WF_PO_MAX_LINES);
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct wf_po_line_in *p = realloc(set->v, cap * sizeof *p);
		if (p == NULL)
			return oom();
		set->v = p;
		set->cap = cap;
	}
	in = &set->v[set->n++];
	memset(in, 0, sizeof *in);
	wf_strlcpy(in->sku, sku, sizeof in->sku);
	in->qty = qty;
	if (cost)
		wf_strlcpy(in->cost, cost, sizeof in->cost);
	in->lineno = l->lineno;
	return 0;
}

/* An error about one input line: WF_EUSAGE for an argument, WF_EINPUT
 * located "NAME:LINE: " for a line of stdin. */
static int
line_error(const struct wf_po_line_in *l, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
line_error(const struct wf_po_line_in *l, const char *name, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (msg == NULL)
		return oom();
	if (l->lineno > 0)
		rc = wf_error_set(WF_EINPUT, "%s:%ld: %s", name ? name : "stdin", l->lineno, msg);
	else
		rc = wf_error_set(WF_EUSAGE, "%s", msg);
	free(msg);
	return rc;
}

/* Locate a lookup's error at the line it came from. */
static int
line_locate(int rc, const struct wf_po_line_in *l, const char *name)
{
	if (l->lineno > 0)
		return wf_error_prefix("%s:%ld", name ? name : "stdin", l->lineno);
	return rc;
}

int
wf_po_create(wf_db *db, const struct wf_po_in *in, wf_out *out)
{
	static const char ins[] =
	    "INSERT INTO po (supplier_id, warehouse_id, currency, expected_at, owner,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)";
	static const char ins_line[] =
	    "INSERT INTO po_line (po_id, line_no, sku_id, qty_ordered, unit_cost)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)";
	struct line_set set = { NULL, 0, 0 };
	const struct wf_po_line_in *lines = in->lines;
	size_t nlines = in->nlines, i, j;
	struct wf_sku_info *skus = NULL;
	int64_t *costs = NULL, wh_id, po_id, value, total = 0;
	char wh_state[16], currency[4] = "", first_sku[72] = "";
	struct wf_supplier_info sup;
	struct po p;
	wf_stmt *st;
	int64_t expected;
	int rc;

	memset(&p, 0, sizeof p);
	if (in->owner && (*in->owner == '\0' || wf_text_check("owner", in->owner, 64) != 0))
		return *in->owner ? WF_EINPUT : wf_error_set(WF_EINPUT, "owner: must not be empty");
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if (nlines == 0 && in->in) {
		struct wf_batch b = { .in = in->in, .name = in->in_name ? in->in_name : "stdin" };
		if ((rc = wf_batch_run(db, &b, collect_line, &set)) != 0) {
			free(set.v);
			if (wf_tx_depth(db) > 0)
				wf_tx_rollback(db);
			return rc;
		}
		lines = set.v;
		nlines = set.n;
	}
	if (nlines == 0) {
		rc = wf_error_set(in->in ? WF_EINPUT : WF_EUSAGE,
		    "no lines: give SKU:QTY[@COST] arguments or po_line records on stdin");
		goto fail;
	}
	if (nlines > WF_PO_MAX_LINES) {
		rc = wf_error_set(WF_EUSAGE, "more than %d lines in one purchase order",
		    WF_PO_MAX_LINES);
		goto fail;
	}
	if ((rc = wf_supplier_find(db, &sup, in->supplier)) != 0 ||
	    (rc = wf_warehouse_find(db, &wh_id, wh_state, in->warehouse)) != 0)
		goto fail;
	if (strcmp(sup.state, "active") != 0) {
		rc = wf_error_set(WF_EREFUSED, "supplier %s is %s; resume it before ordering",
		    sup.code, sup.state);
		goto fail;
	}
	if (strcmp(wh_state, "closed") == 0) {
		rc = wf_error_set(WF_EREFUSED, "warehouse %s is closed; nothing can be ordered into it",
		    in->warehouse);
		goto fail;
	}
	if ((skus = calloc(nlines, sizeof *skus)) == NULL ||
	    (costs = calloc(nlines, sizeof *costs)) == NULL) {
		rc = oom();
		goto fail;
	}
	for (i = 0; i < nlines; i++) {
		const struct wf_po_line_in *l = &lines[i];

		if ((rc = wf_sku_find(db, &skus[i], l->sku)) != 0) {
			rc = line_locate(rc, l, in->in_name);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (skus[j].id == skus[i].id) {
				rc = line_error(l, in->in_name,
				    "SKU '%s' is on the order twice; give one line per SKU", l->sku);
				goto fail;
			}
		if (strcmp(skus[i].state, "active") != 0) {
			rc = wf_error_set(WF_EREFUSED, "SKU '%s' is %s; it cannot be ordered",
			    l->sku, skus[i].state);
			rc = line_locate(rc, l, in->in_name);
			goto fail;
		}
		if (i == 0) {
			wf_strlcpy(currency, skus[i].currency, sizeof currency);
			wf_strlcpy(first_sku, l->sku, sizeof first_sku);
		} else if (strcmp(currency, skus[i].currency) != 0) {
			rc = wf_error_set(WF_EREFUSED,
			    "a purchase order is in one currency: %s is in %s, %s in %s",
			    first_sku, currency, l->sku, skus[i].currency);
			rc = line_locate(rc, l, in->in_name);
			goto fail;
		}
		if (*l->cost) {
			if (wf_money_parse(l->cost, currency, &costs[i]) != 0) {
				rc = line_error(l, in->in_name, "%s%scost: %s", l->lineno ? "" : l->sku,
				    l->lineno ? "" : ": ", wf_error_msg());
				goto fail;
			}
		} else if (skus[i].has_cost)
			costs[i] = skus[i].cost;
		else {
			rc = line_error(l, in->in_name,
			    "SKU '%s' has no cost; give one as %s:%lld@COST", l->sku, l->sku,
			    (long long)l->qty);
			goto fail;
		}
		/* the record carries the total: it must be an amount */
		if (wf_money_mul(l->qty, costs[i], &value) != 0 ||
		    wf_money_add(total, value, &total) != 0) {
			char cost[32];
			wf_money_format(costs[i], currency, cost, sizeof cost);
			rc = line_error(l, in->in_name, "SKU '%s': %lld at %s each takes the "
			    "order's total out of range", l->sku, (long long)l->qty, cost);
			goto fail;
		}
	}
	expected = in->has_expected ? in->expected : wf_db_now(db) + sup.lead_time_days * DAY;

	if ((rc = wf_db_stmt(db, &st, ins)) != 0)
		goto fail;
	wf_bind_int(st, 1, sup.id);
	wf_bind_int(st, 2, wh_id);
	wf_bind_text(st, 3, currency);
	wf_bind_time(st, 4, expected);
	wf_bind_text(st, 5, in->owner ? in->owner : sup.owner);
	wf_bind_time(st, 6, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto fail;
	po_id = wf_db_last_id(db);
	for (i = 0; i < nlines; i++) {
		if ((rc = wf_db_stmt(db, &st, ins_line)) != 0)
			goto fail;
		wf_bind_int(st, 1, po_id);
		wf_bind_int(st, 2, (int64_t)i + 1);
		wf_bind_int(st, 3, skus[i].id);
		wf_bind_int(st, 4, lines[i].qty);
		wf_bind_int(st, 5, costs[i]);
		if ((rc = wf_db_done(db, st)) != 0)
			goto fail;
	}
	if ((rc = po_load(db, po_id, &p)) != 0 ||
	    (rc = wf_history_add(db, "po", p.key, "po", "create", NULL, "draft",
	    po_record(&p))) != 0)
		goto fail;
	wf_po_columns(out);
	if ((rc = wf_out_emit(out, po_record(&p))) != 0)
		goto fail;
	po_free(&p);
	free(skus);
	free(costs);
	free(set.v);
	return wf_tx_commit(db);
fail:
	po_free(&p);
	free(skus);
	free(costs);
	free(set.v);
	wf_tx_rollback(db);
	return rc;
}

/* ---- transitions ------------------------------------------------------------------ */

/* Run FN over the PO named KEY in one transaction, then emit it and bring
 * its exceptions up to date. */
typedef int (*po_fn)(wf_db *db, struct po *p, const void *arg);

static int
po_change(wf_db *db, const char *key, po_fn fn, const void *arg, wf_out *out)
{
	struct po p;
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = po_find(db, key, &p)) != 0 ||
	    (rc = fn(db, &p, arg)) != 0)
		goto fail;
	wf_po_columns(out);
	if ((rc = po_emit(db, &p, out)) != 0 ||
	    (rc = wf_po_sync_exceptions(db, &p)) != 0)
		goto fail;
	po_free(&p);
	return wf_tx_commit(db);
fail:
	po_free(&p);
	wf_tx_rollback(db);
	return rc;
}

static int
do_send(wf_db *db, struct po *p, const void *unused)
{
	static const char sql[] = "UPDATE po SET sent_at = ?2 WHERE id = ?1";
	cJSON *data = NULL, *inbound = NULL;
	wf_buf binname = {0};
	wf_stmt *st;
	int64_t bin;
	size_t i;
	int rc;

	(void)unused;
	if ((rc = wf_state_check(po_machine(), p->key, p->state, "send")) != 0)
		return rc;
	if (strcmp(p->sup.state, "active") != 0)
		return wf_error_set(WF_EREFUSED, "supplier %s is %s; resume it before sending %s",
		    p->sup.code, p->sup.state, p->key);
	{
		char wh_state[16];
		if ((rc = wf_warehouse_find(db, NULL, wh_state, p->wh)) != 0)
			return rc;
		if (strcmp(wh_state, "closed") == 0)
			return wf_error_set(WF_EREFUSED, "warehouse %s is closed; reopen it "
			    "('wf-stock warehouse reopen %s') or cancel %s", p->wh, p->wh, p->key);
	}
	if ((rc = wf_bin_inbound(db, &bin, p->wh_id, WF_PO_INBOUND_BIN)) != 0 ||
	    (rc = wf_bin_name(db, &binname, bin)) != 0)
		goto out;
	data = cJSON_CreateObject();
	inbound = cJSON_CreateArray();
	if (data == NULL || inbound == NULL) {
		cJSON_Delete(inbound);
		rc = oom();
		goto out;
	}
	if (wf_jadd_time(data, "sent_at", wf_db_now(db)) | wf_jadd_str(data, "bin", binname.p) |
	    wf_jadd_item(data, "inbound", inbound)) {
		rc = oom();
		goto out;
	}
	for (i = 0; i < p->nlines; i++) {
		const struct po_line *l = &p->lines[i];
		struct wf_move m = { "expect", l->sku_id, wf_po_line_open(l), 0, NULL, bin, "inbound",
		    p->key, p->key, NULL, 0, 0, NULL };
		cJSON *o;

		if (m.qty == 0)
			continue;
		if ((rc = wf_stock_book(db, NULL, &m)) != 0)
			goto out;
		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(inbound, o)) {
			cJSON_Delete(o);
			rc = oom();
			goto out;
		}
		if (wf_jadd_str(o, "sku", l->sku) | wf_jadd_int(o, "qty", m.qty)) {
			rc = oom();
			goto out;
		}
	}
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		goto out;
	wf_bind_int(st, 1, p->id);
	wf_bind_time(st, 2, wf_db_now(db));
	if ((rc = wf_db_done(db, st)) != 0)
		goto out;
	rc = wf_state_apply(db, NULL, po_machine(), p->id, p->key, "send", data);
	data = NULL;
out:
	cJSON_Delete(data);
	wf_buf_free(&binname);
	return rc;
}

int
wf_po_send(wf_db *db, const char *po, wf_out *out)
{
	return po_change(db, po, do_send, NULL, out);
}

struct confirm_arg {
	int     has_date;
	int64_t date;
};

static int
do_confirm(wf_db *db, struct po *p, const void *arg)
{
	static const char sql[] =
	    "UPDATE po SET confirmed_for = ?2, confirmed_at = ?3 WHERE id = ?1";
	const struct confirm_arg *a = arg;
	int64_t date = a->has_date ? a->date : p->expected;
	wf_stmt *st;
	cJSON *data;
	int rc;

	if ((rc = wf_state_check(po_machine(), p->key, p->state, "confirm")) != 0)
		return rc;
	if ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_time(data, "confirmed_for", date) |
	    add_time(data, "previous", p->has_confirmed_for, p->confirmed_for) |
	    wf_jadd_time(data, "expected", p->expected)) {
		cJSON_Delete(data);
		return oom();
	}
	if ((rc = wf_state_apply(db, NULL, po_machine(), p->id, p->key, "confirm", data)) != 0 ||
	    (rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, p->id);
	wf_bind_time(st, 2, date);
	wf_bind_time(st, 3, wf_db_now(db));
	return wf_db_done(db, st);
}

int
wf_po_confirm(wf_db *db, const char *po, int has_date, int64_t date, wf_out *out)
{
	struct confirm_arg a = { has_date, date };

	return po_change(db, po, do_confirm, &a, out);
}

static int
do_receive(wf_db *db, struct po *p, const void *arg)
{
	static const char upd[] =
	    "UPDATE po_line SET qty_received = qty_received + ?2 WHERE id = ?1";
	const struct wf_po_receipt *r = arg;
	struct po_line *l = NULL;
	struct wf_sku_info sku;
	struct slot *v = NULL;
	wf_buf binname = {0};
	int64_t target = 0, open, left, over, bin_wh;
	const char *action, *kind, *bstate;
	wf_stmt *st;
	size_t n = 0, i;
	cJSON *data = NULL;
	int rc, all;

	assert(r->qty > 0);
	if ((rc = wf_state_check(po_machine(), p->key, p->state, "receive_part")) != 0)
		return rc;
	if ((rc = wf_sku_find(db, &sku, r->sku)) != 0)
		return rc;
	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].sku_id == sku.id)
			l = &p->lines[i];
	if (l == NULL)
		return wf_error_set(WF_EREFUSED, "SKU '%s' is not on %s", r->sku, p->key);
	open = wf_po_line_open(l);
	over = r->qty > open ? r->qty - open : 0;
	if (over > 0 && !r->allow_over)
		return wf_error_set(WF_EREFUSED,
		    "%s has %lld %s open; receiving %lld would over-receive by %lld "
		    "(--allow-over accepts it)", p->key, (long long)open, l->sku,
		    (long long)r->qty, (long long)over);
	if ((rc = inbound_slots(db, l->sku_id, p->key, &v, &n)) != 0)
		return rc;
	if (r->bin) {
		if ((rc = wf_bin_find(db, &target, &bin_wh, &kind, &bstate, r->bin)) != 0)
			goto out;
		if (bin_wh != p->wh_id) {
			rc = wf_error_set(WF_EREFUSED, "bin %s is not in %s, the warehouse of %s",
			    r->bin, p->wh, p->key);
			goto out;
		}
		if (strcmp(bstate, "active") != 0) {
			rc = wf_error_set(WF_EREFUSED, "bin %s is %s; nothing can be put there",
			    r->bin, bstate);
			goto out;
		}
	} else if (n > 0)
		target = v[0].bin;
	else if ((rc = wf_bin_inbound(db, &target, p->wh_id, WF_PO_INBOUND_BIN)) != 0)
		goto out;
	if ((rc = wf_bin_name(db, &binname, target)) != 0)
		goto out;

	/* fold into the average before the units arrive: Q is the stock before */
	if (l->has_cost && (rc = wf_stock_revalue(db, l->sku_id, r->qty, l->unit_cost)) != 0)
		goto out;
	left = r->qty;
	for (i = 0; i < n && left > 0; i++) {
		struct wf_move m = { "receive", l->sku_id, 0, v[i].bin, "inbound", target,
		    "on_hand", p->key, p->key, NULL, l->has_cost, l->unit_cost, p->currency };
		m.qty = v[i].qty < left ? v[i].qty : left;
		if ((rc = wf_stock_book(db, NULL, &m)) != 0)
			goto out;
		left -= m.qty;
	}
	if (left > 0) {
		/* beyond what was inbound: an allowed over-receipt, from outside */
		struct wf_move m = { "receive", l->sku_id, left, 0, NULL, target, "on_hand",
		    p->key, p->key, "over-receipt", l->has_cost, l->unit_cost, p->currency };
		if (!r->allow_over) {
			rc = wf_error_set(WF_EINTERNAL, "%s: %lld %s missing from inbound",
			    p->key, (long long)left, l->sku);
			goto out;
		}
		if ((rc = wf_stock_book(db, NULL, &m)) != 0)
			goto out;
	}
	/* every unit received came from inbound, or from outside when allowed */
	assert(over <= r->qty);
	if ((rc = wf_db_stmt(db, &st, upd)) != 0)
		goto out;
	wf_bind_int(st, 1, l->id);
	wf_bind_int(st, 2, r->qty);
	if ((rc = wf_db_done(db, st)) != 0)
		goto out;
	l->received += r->qty;
	for (all = 1, i = 0; i < p->nlines; i++)
		if (wf_po_line_open(&p->lines[i]) > 0)
			all = 0;
	action = all ? "receive_all" : "receive_part";
	if ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(data, "sku", l->sku) | wf_jadd_int(data, "qty", r->qty) |
	    wf_jadd_str(data, "bin", binname.p) | wf_jadd_int(data, "over", over) |
	    (l->has_cost ? wf_jadd_money(data, "unit_cost", l->unit_cost, p->currency) :
	    wf_jadd_null(data, "unit_cost"))) {
		rc = oom();
		goto out;
	}
	rc = wf_state_apply(db, NULL, po_machine(), p->id, p->key, action, data);
	data = NULL;
out:
	cJSON_Delete(data);
	wf_buf_free(&binname);
	free(v);
	return rc;
}

int
wf_po_receive(wf_db *db, const struct wf_po_receipt *r, wf_out *out)
{
	if (r->qty <= 0)
		return wf_error_set(WF_EUSAGE, "QTY: expected a positive integer, got %lld",
		    (long long)r->qty);
	return po_change(db, r->po, do_receive, r, out);
}

/* Close or cancel: what is open is cancelled and booked out. */
static int
end_po(wf_db *db, struct po *p, const char *action, const char *reason)
{
	static const char upd[] =
	    "UPDATE po_line SET qty_cancelled = qty_cancelled + ?2 WHERE id = ?1";
	static const char set_reason[] = "UPDATE po SET reason = ?2 WHERE id = ?1";
	cJSON *data, *ended;
	wf_stmt *st;
	size_t i;
	int rc;

	if ((rc = wf_state_check(po_machine(), p->key, p->state, action)) != 0)
		return rc;
	if ((data = cJSON_CreateObject()) == NULL)
		return oom();
	if ((reason && wf_jadd_str(data, "reason", reason)) ||
	    (ended = cJSON_CreateArray()) == NULL) {
		cJSON_Delete(data);
		return oom();
	}
	if (wf_jadd_item(data, "cancelled", ended)) {
		cJSON_Delete(data);
		return oom();
	}
	for (i = 0; i < p->nlines; i++) {
		const struct po_line *l = &p->lines[i];
		int64_t open = wf_po_line_open(l);
		cJSON *o;

		if ((rc = unexpect_line(db, p, l)) != 0)
			goto fail;
		if (open == 0)
			continue;
		if ((rc = wf_db_stmt(db, &st, upd)) != 0)
			goto fail;
		wf_bind_int(st, 1, l->id);
		wf_bind_int(st, 2, open);
		if ((rc = wf_db_done(db, st)) != 0)
			goto fail;
		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(ended, o)) {
			cJSON_Delete(o);
			rc = oom();
			goto fail;
		}
		if (wf_jadd_str(o, "sku", l->sku) | wf_jadd_int(o, "qty", open)) {
			rc = oom();
			goto fail;
		}
	}
	if (reason) {
		if ((rc = wf_db_stmt(db, &st, set_reason)) != 0)
			goto fail;
		wf_bind_int(st, 1, p->id);
		wf_bind_text(st, 2, reason);
		if ((rc = wf_db_done(db, st)) != 0)
			goto fail;
	}
	return wf_state_apply(db, NULL, po_machine(), p->id, p->key, action, data);
fail:
	cJSON_Delete(data);
	return rc;
}

static int
do_close(wf_db *db, struct po *p, const void *unused)
{
	(void)unused;
	return end_po(db, p, "close", NULL);
}

static int
do_cancel(wf_db *db, struct po *p, const void *reason)
{
	return end_po(db, p, "cancel", reason);
}

int
wf_po_close(wf_db *db, const char *po, wf_out *out)
{
	return po_change(db, po, do_close, NULL, out);
}

int
wf_po_cancel(wf_db *db, const char *po, const char *reason, wf_out *out)
{
	int rc;

	if (reason == NULL || *reason == '\0')
		return wf_error_set(WF_EUSAGE, "cancel: a reason is required (--reason TEXT)");
	if ((rc = wf_text_check("reason", reason, 500)) != 0)
		return rc;
	return po_change(db, po, do_cancel, reason, out);
}

/* ---- reading ---------------------------------------------------------------------- */

/* The ids in column 0 of ST's rows, into *IDS (the caller frees it). */
static int
po_ids(wf_db *db, int64_t **ids, size_t *n, wf_stmt *st)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = wf_db_step(db, st)) == 1) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *nv = realloc(*ids, ncap * sizeof *nv);
			if (nv == NULL) {
				wf_stmt_reset(st);
				free(*ids);
				*ids = NULL;
				return oom();
			}
			*ids = nv;
			cap = ncap;
		}
		(*ids)[(*n)++] = wf_col_int(st, 0);
	}
	if (rc < 0) {
		free(*ids);
		*ids = NULL;
	}
	return rc;
}

int
wf_po_each_open(wf_db *db, int (*fn)(wf_db *db, struct po *p, void *arg), void *arg)
{
	static const char sql[] =
	    "SELECT id FROM po WHERE state IN " OPEN_STATES_SQL " ORDER BY id";
	wf_stmt *st;
	int64_t *ids;
	size_t n, i;
	struct po p;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0 ||
	    (rc = po_ids(db, &ids, &n, st)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < n; i++) {
		if ((rc = po_load(db, ids[i], &p)) != 0)
			break;
		rc = fn(db, &p, arg);
		po_free(&p);
	}
	free(ids);
	return rc;
}

int
wf_po_list(wf_db *db, const struct wf_po_query *q, wf_out *out)
{
	static const char sql[] =
	    "SELECT id FROM po WHERE (?1 IS NULL OR state = ?1)"
	    " AND (?2 IS NULL OR supplier_id = ?2) ORDER BY id";
	struct wf_supplier_info sup;
	wf_stmt *st;
	struct po p;
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc;

	if (q->state && !wf_state_valid(po_machine(), q->state))
		return wf_error_set(WF_EUSAGE, "unknown state '%.40s' (draft, sent, confirmed, "
		    "partially_received, received, closed, cancelled)", q->state);
	if (q->supplier && (rc = wf_supplier_find(db, &sup, q->supplier)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, q->state);
	wf_bind_opt_int(st, 2, q->supplier != NULL, sup.id);
	if ((rc = po_ids(db, &ids, &n, st)) != 0)
		return rc;
	wf_po_columns(out);
	for (i = 0; rc == 0 && i < n; i++) {
		if ((rc = po_load(db, ids[i], &p)) != 0)
			break;
		rc = wf_out_emit(out, po_record(&p));
		po_free(&p);
	}
	free(ids);
	return rc < 0 ? rc : 0;
}

int
wf_po_show(wf_db *db, const char *po, wf_out *out)
{
	struct wf_log_query q = { "po", NULL, 0, 0, NULL };
	struct po p;
	int rc;

	if ((rc = po_find(db, po, &p)) != 0)
		return rc;
	wf_po_columns(out);
	rc = wf_out_emit(out, po_record(&p));
	q.ref = p.key;
	if (rc == 0)
		rc = wf_history_log(db, &q, out);
	po_free(&p);
	return rc;
}

/* ---- invariants --------------------------------------------------------------------- */

/* Every open PO holds inbound exactly its lines' open quantities, in its
 * warehouse; every other PO holds none. */
static int
inbound_matches_lines(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'PO-' || p.id, printf('%s %s: %d inbound, %d open', p.state, s.code,"
	    " x.have, x.want) FROM ("
	    " SELECT l.po_id, l.sku_id,"
	    "  CASE WHEN p.state IN " OPEN_STATES_SQL
	    "   THEN max(0, l.qty_ordered - l.qty_received - l.qty_cancelled) ELSE 0 END want,"
	    "  (SELECT coalesce(sum(bal.qty), 0) FROM held bal JOIN bin b ON b.id = bal.bin_id"
	    "   WHERE bal.sku_id = l.sku_id AND bal.state = 'inbound'"
	    "   AND bal.holder = 'PO-' || p.id AND b.warehouse_id = p.warehouse_id) have"
	    " FROM po_line l JOIN po p ON p.id = l.po_id) x"
	    " JOIN po p ON p.id = x.po_id JOIN sku s ON s.id = x.sku_id"
	    " WHERE x.want <> x.have ORDER BY p.id, s.code";
	static const char stray[] =
	    "SELECT bal.holder, printf('%d %s inbound at %s/%s that is not on the order or"
	    " not in its warehouse', bal.qty, s.code, w.code, b.code) FROM held bal"
	    " JOIN sku s ON s.id = bal.sku_id JOIN bin b ON b.id = bal.bin_id"
	    " JOIN warehouse w ON w.id = b.warehouse_id"
	    " WHERE bal.state = 'inbound' AND bal.holder GLOB 'PO-[1-9]*' AND NOT EXISTS ("
	    "  SELECT 1 FROM po p JOIN po_line l ON l.po_id = p.id"
	    "  WHERE 'PO-' || p.id = bal.holder AND l.sku_id = bal.sku_id"
	    "  AND p.warehouse_id = b.warehouse_id) ORDER BY bal.holder, s.code";
	int rc;

	if ((rc = wf_check_rows(db, out, n, "po.inbound", "po", sql)) != 0)
		return rc;
	return wf_check_rows(db, out, n, "po.inbound", "po", stray);
}

/* Each line's received quantity is what the ledger's receipts for the PO
 * add up to, and only an allowed over-receipt (units from outside) takes it
 * past the ordered quantity. */
static int
received_matches_ledger(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'PO-' || x.po_id, printf('%s: %d received of %d ordered, the ledger has %d"
	    " received (%d over-received from outside)', s.code, x.received, x.ordered, x.booked,"
	    " x.outside) FROM ("
	    " SELECT l.po_id, l.sku_id, l.qty_received received, l.qty_ordered ordered,"
	    "  (SELECT coalesce(sum(m.qty), 0) FROM movement m WHERE m.action = 'receive'"
	    "   AND m.holder = 'PO-' || l.po_id AND m.sku_id = l.sku_id) booked,"
	    "  (SELECT coalesce(sum(m.qty), 0) FROM movement m WHERE m.action = 'receive'"
	    "   AND m.holder = 'PO-' || l.po_id AND m.sku_id = l.sku_id"
	    "   AND m.from_bin IS NULL) outside"
	    " FROM po_line l) x JOIN sku s ON s.id = x.sku_id"
	    " WHERE x.received <> x.booked OR x.outside <> max(0, x.received - x.ordered)"
	    " ORDER BY x.po_id, s.code";
	return wf_check_rows(db, out, n, "po.received", "po", sql);
}

/* The dates and quantities a state implies. */
static int
states_have_facts(wf_db *db, wf_out *out, long long *n)
{
	static const char sql[] =
	    "SELECT 'PO-' || id, state || ' ' || problem FROM (SELECT p.id, p.state,"
	    " CASE"
	    "  WHEN p.state NOT IN ('draft','cancelled') AND p.sent_at IS NULL"
	    "   THEN 'has no sent_at'"
	    "  WHEN p.state = 'draft' AND p.sent_at IS NOT NULL THEN 'has a sent_at'"
	    "  WHEN (p.confirmed_for IS NULL) <> (p.confirmed_at IS NULL)"
	    "   THEN 'has only one of confirmed_for and confirmed_at'"
	    "  WHEN p.state = 'confirmed' AND p.confirmed_for IS NULL"
	    "   THEN 'has no confirmed date'"
	    "  WHEN p.state IN ('draft','sent','confirmed') AND EXISTS (SELECT 1 FROM po_line l"
	    "   WHERE l.po_id = p.id AND l.qty_received > 0) THEN 'has received units'"
	    "  WHEN p.state = 'partially_received' AND NOT EXISTS (SELECT 1 FROM po_line l"
	    "   WHERE l.po_id = p.id AND l.qty_received > 0) THEN 'has no received units'"
	    "  WHEN p.state IN " OPEN_STATES_SQL " AND NOT EXISTS (SELECT 1 FROM po_line l"
	    "   WHERE l.po_id = p.id AND l.qty_ordered > l.qty_received + l.qty_cancelled)"
	    "   THEN 'has nothing open'"
	    "  WHEN p.state = 'received' AND EXISTS (SELECT 1 FROM po_line l"
	    "   WHERE l.po_id = p.id AND l.qty_ordered > l.qty_received + l.qty_cancelled)"
	    "   THEN 'has units still open'"
	    "  WHEN p.state IN ('closed','cancelled') AND EXISTS (SELECT 1 FROM po_line l"
	    "   WHERE l.po_id = p.id AND l.qty_ordered > l.qty_received + l.qty_cancelled)"
	    "   THEN 'ended with units neither received nor cancelled'"
	    "  WHEN NOT EXISTS (SELECT 1 FROM po_line l WHERE l.po_id = p.id)"
	    "   THEN 'has no lines'"
	    " END problem FROM po p) WHERE problem IS NOT NULL ORDER BY id";
	return wf_check_rows(db, out, n, "po.state", "po", sql);
}

const struct wf_invariant wf_po_invariants[] = {
	{ "po.inbound", "every open PO holds its lines' open quantities inbound; "
	  "no other PO holds any", inbound_matches_lines },
	{ "po.received", "every PO line's received quantity is what the ledger received "
	  "for it, beyond the ordered only by an allowed over-receipt", received_matches_ledger },
	{ "po.state", "every PO's dates and quantities agree with its state",
	  states_have_facts },
	{ NULL, NULL, NULL }
};

/* ---- state machines ---------------------------------------------------- */

static const char *const po_states[] = {
	"draft", "sent", "confirmed", "partially_received", "received", "closed",
	"cancelled", NULL
};
static const struct wf_transition po_rows[] = {
	{ "draft",              "send",         "sent" },
	{ "sent",               "confirm",      "confirmed" },
	{ "confirmed",          "confirm",      "confirmed" },
	{ "sent",               "receive_part", "partially_received" },
	{ "confirmed",          "receive_part", "partially_received" },
	{ "partially_received", "receive_part", "partially_received" },
	{ "partially_received", "confirm",      "partially_received" },
	{ "sent",               "receive_all",  "received" },
	{ "confirmed",          "receive_all",  "received" },
	{ "partially_received", "receive_all",  "received" },
	{ "received",           "close",        "closed" },
	{ "partially_received", "close",        "closed" },
	{ "draft",              "cancel",       "cancelled" },
	{ "sent",               "cancel",       "cancelled" },
	{ "confirmed",          "cancel",       "cancelled" },
	WF_TRANSITIONS_END
};

static const struct wf_machine m_po = {
	"po", "po", "purchase orders (PO-N)",
	po_states, po_rows, WF_SQL_STATE_GET("po", "state", "NULL"), WF_SQL_STATE_SET("po", "state"),
	WF_SQL_STATE_ALL("po", "'PO-' || id", "state"), NULL, NULL
};


static const struct wf_machine *const po_machines[] = { &m_po, NULL };

const struct wf_record_type wf_record_po = {
	.type = "po",
	.key_hint = "a purchase order like PO-7",
	.prefix = "PO-",
	.table = "po",
	.machines = po_machines,
	.invariants = wf_po_invariants,
	.complete = "SELECT 'PO-' || id FROM po WHERE state NOT IN ('closed', 'cancelled')" " AND 'PO-' || id GLOB ?1 ORDER BY id",
	.lookup = "SELECT 1 FROM po WHERE id = ?1",
};
