/* scan.c - `wf-alert scan`: the table of scan kinds, and the bookkeeping
 * every kind shares (wf_scan.h): which exceptions are in the queue,
 * raising and resolving them through the exception module, printing each
 * change, one transaction for the run, and --fail-on.
 *
 * reads: exception
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan_priv.h"
#include "wf_order.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_text.h"
#include "wf_time.h"

static const struct scan_kind {
	const char *name;
	const char *const *kinds;      /* the exception kinds it raises */
	const char *also;              /* one it keeps in step that routing raises */
	int (*run)(struct scan *s);
} scan_kinds[] = {
	{ "stock", wf_scan_stock_kinds, NULL, scan_stock },
	{ "order", wf_scan_order_kinds, WF_EX_UNROUTABLE, scan_order },
	{ "supplier", wf_scan_supplier_kinds, NULL, scan_supplier },
	{ NULL, NULL, NULL, NULL }
};

void
wf_scan_defaults(struct wf_scan_opts *o)
{
	memset(o, 0, sizeof *o);
	wf_risk_defaults(&o->risk);
	o->hysteresis_pct = WF_SCAN_HYSTERESIS;
	o->stuck_new_hours = WF_SCAN_STUCK_NEW;
	o->stuck_on_hold_hours = WF_SCAN_STUCK_ON_HOLD;
	o->stuck_reserved_hours = WF_SCAN_STUCK_RESERVED;
	o->unpaid_days = WF_SCAN_UNPAID_DAYS;
	o->drift_pct = WF_SCAN_DRIFT_PCT;
}

const char *
wf_scan_kind_names(void)
{
	static char names[128];
	const struct scan_kind *k;
	size_t n = 0;

	if (names[0] == '\0')
		for (k = scan_kinds; k->name && n < sizeof names; k++)
			n += (size_t)snprintf(names + n, sizeof names - n, "%s%s",
			    k == scan_kinds ? "" : ", ", k->name);
	return names;
}

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

/* ---- the queue ---------------------------------------------------------- */

int
scan_existing(struct scan *s, const char *const *kinds, const char *stype,
    struct scan_ex **v, size_t *n)
{
	static const char sql[] =
	    "SELECT id, state, subject_ref FROM exception WHERE kind = ?1 AND subject_type = ?2";
	size_t cap = 0;
	wf_stmt *st;
	int rc = 0, k;

	*v = NULL;
	*n = 0;
	for (k = 0; kinds[k] && rc == 0; k++) {
		if ((rc = wf_db_stmt(s->db, &st, sql)) != 0)
			break;
		wf_bind_text(st, 1, kinds[k]);
		wf_bind_text(st, 2, stype);
		while ((rc = wf_db_step(s->db, st)) == 1) {
			const char *state = wf_col_text(st, 1);
			struct scan_ex *e;

			if (*n == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct scan_ex *p = realloc(*v, c * sizeof *p);
				if (p == NULL) {
					wf_stmt_reset(st);
					return oom();
				}
				*v = p;
				cap = c;
			}
			e = &(*v)[*n];
			if ((e->ref = strdup(wf_col_text(st, 2))) == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			e->key2 = NULL;
			e->id = wf_col_int(st, 0);
			e->kind = k;
			e->dismissed = strcmp(state, "dismissed") == 0;
			e->open = !e->dismissed && strcmp(state, "resolved") != 0;
			(*n)++;
		}
	}
	return rc < 0 ? rc : 0;
}

void
scan_ex_free(struct scan_ex *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].ref);
		free(v[i].key2);
	}
	free(v);
}

/* The run's one transaction, begun at its first change (scan_priv.h). */
int
scan_begin(struct scan *s)
{
	int rc;

	if (s->began)
		return 0;
	if ((rc = wf_tx_begin(s->db)) != 0)
		return rc;
	wf_tx_all_or_nothing(s->db, 1);
	s->began = 1;
	return 0;
}

static cJSON *
impact_record(wf_stmt *st, int at)
{
	cJSON *o = cJSON_CreateObject();
	const char *cur = wf_col_str(st, at + 1);
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= cur ? wf_jadd_money(o, "money", wf_col_int(st, at), cur) : wf_jadd_null(o, "money");
	rc |= wf_jadd_str(o, "currency", cur);
	rc |= wf_jadd_int(o, "units", wf_col_int(st, at + 2));
	rc |= wf_jadd_int(o, "orders", wf_col_int(st, at + 3));
	rc |= wf_jadd_str(o, "due_at", wf_col_str(st, at + 4));
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Print exception ID as the scan left it, with RESULT. */
static int
emit(struct scan *s, int64_t id, const char *shown, const char *warehouse,
    const char *result)
{
	static const char sql[] =
	    "SELECT kind, owner, priority, evidence, impact_money, impact_currency,"
	    " impact_units, impact_orders, due_at, next_action, state, resolution"
	    " FROM exception WHERE id = ?1";
	char key[WF_EXCEPTION_KEYLEN];
	cJSON *r, *ev = NULL;
	wf_stmt *st;
	int rc = 0;

	if ((rc = wf_db_stmt(s->db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, id);
	if ((rc = wf_db_step(s->db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "exception %lld vanished",
		    (long long)id);
	rc = 0;
	wf_exception_key(key, id);
	if ((r = wf_jrecord("exception")) == NULL) {
		wf_stmt_reset(st);
		return oom();
	}
	if (wf_json_parse(wf_col_text(st, 3), strlen(wf_col_text(st, 3)), &ev) != 0)
		ev = cJSON_CreateObject();
	rc |= wf_jadd_str(r, "exception", key);
	rc |= wf_jadd_str(r, "kind", wf_col_text(st, 0));
	rc |= wf_jadd_str(r, "subject", shown);
	if (warehouse)
		rc |= wf_jadd_str(r, "warehouse", warehouse);
	rc |= wf_jadd_str(r, "result", result);
	rc |= wf_jadd_str(r, "owner", wf_col_text(st, 1));
	rc |= wf_jadd_int(r, "priority", wf_col_int(st, 2));
	rc |= wf_jadd_item(r, "evidence", ev);
	rc |= wf_jadd_item(r, "impact", impact_record(st, 4));
	rc |= wf_jadd_str(r, "next_action", wf_col_text(st, 9));
	rc |= wf_jadd_str(r, "state", wf_col_text(st, 10));
	rc |= wf_jadd_str(r, "resolution", wf_col_str(st, 11));
	wf_stmt_reset(st);
	if (rc) {
		cJSON_Delete(r);
		return oom();
	}
	return wf_out_emit(s->out, r);
}

int
scan_raise(struct scan *s, const struct scan_want *w, int64_t *id)
{
	const char *result;
	int rc, same, dismissed;

	if ((rc = wf_exception_same(s->db, &same, id, &dismissed, &w->raise)) != 0)
		return rc;
	if (dismissed)
		*id = 0;
	if (same)
		return 0;
	if ((rc = scan_begin(s)) != 0 || (rc = wf_exception_raise(s->db, id, &result, &w->raise)) != 0)
		return rc;
	return emit(s, *id, w->shown, w->warehouse,
	    strcmp(result, "updated") == 0 ? "updated" : "opened");
}

int
scan_clear(struct scan *s, const char *kind, const char *stype, const char *sref,
    const char *shown, const char *warehouse, const char *note)
{
	const char *result;
	int64_t id;
	int rc;

	if ((rc = scan_begin(s)) != 0 ||
	    (rc = wf_exception_clear(s->db, &id, &result, kind, stype, sref, note)) != 0)
		return rc;
	if (strcmp(result, "resolved") != 0)
		return 0;
	return emit(s, id, shown, warehouse, "resolved");
}

/* ---- the run ---------------------------------------------------------------- */

/* --fail-on, one kind: *n += the exceptions of KIND still to work (open,
 * acknowledged, in progress) at PRIORITY or above; *top the highest. */
static int
count_kind(struct scan *s, const char *kind, int64_t priority, int64_t *n, int64_t *top)
{
	static const char sql[] =
	    "SELECT count(*), coalesce(max(priority), 0) FROM exception WHERE kind = ?1"
	    " AND (state = 'open' OR state = 'acknowledged' OR state = 'in_progress')"
	    " AND priority >= ?2";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(s->db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, kind);
	wf_bind_int(st, 2, priority);
	if ((rc = wf_db_step(s->db, st)) < 0)
		return rc;
	if (rc == 1) {
		*n += wf_col_int(st, 0);
		if (wf_col_int(st, 1) > *top)
			*top = wf_col_int(st, 1);
		wf_stmt_reset(st);
	}
	return 0;
}

/* --fail-on: the exceptions of the scanned kinds still to work at PRIORITY
 * or above, routing's unroutable ones among them for the order scan: *n of
 * them, the highest *top. */
static int
count_work(struct scan *s, const struct scan_kind *only, int64_t priority, int64_t *n,
    int64_t *top)
{
	const struct scan_kind *k;
	int rc = 0, i;

	*n = *top = 0;
	for (k = scan_kinds; k->name && rc == 0; k++) {
		if (only && k != only)
			continue;
		for (i = 0; k->kinds[i] && rc == 0; i++)
			rc = count_kind(s, k->kinds[i], priority, n, top);
		if (k->also && rc == 0)
			rc = count_kind(s, k->also, priority, n, top);
	}
	return rc;
}

static int
check_opts(const struct wf_scan_opts *o, const struct scan_kind **only)
{
	const struct scan_kind *k;

	*only = NULL;
	if (o->kind) {
		struct wf_text_near near;
		wf_text_near_init(&near, o->kind);
		for (k = scan_kinds; k->name && strcmp(k->name, o->kind) != 0; k++)
			wf_text_near_add(&near, k->name);
		if (k->name == NULL) {
			const char *best = wf_text_near_best(&near);
			if (best)
				return wf_error_set(WF_EUSAGE, "--kind: no scan '%.40s'; did you mean "
				    "'%s'? (the scans: %s)", o->kind, best, wf_scan_kind_names());
			return wf_error_set(WF_EUSAGE, "--kind: no scan '%.40s' (the scans: %s)",
			    o->kind, wf_scan_kind_names());
		}
		*only = k;
	}
	if (o->hysteresis_pct < 0 || o->hysteresis_pct > 100)
		return wf_error_set(WF_EUSAGE, "--hysteresis: expected 0 to 100 percent, got %lld",
		    (long long)o->hysteresis_pct);
	if (o->has_fail_on && (o->fail_on < 0 || o->fail_on > 100))
		return wf_error_set(WF_EUSAGE, "--fail-on: expected a priority from 0 to 100, got %lld",
		    (long long)o->fail_on);
	return 0;
}

int
wf_scan_run(wf_db *db, const struct wf_scan_opts *o, wf_out *out)
{
	const struct scan_kind *only, *k;
	struct scan s;
	int64_t n = 0, top = 0;
	int rc;

	if ((rc = check_opts(o, &only)) != 0)
		return rc;
	memset(&s, 0, sizeof s);
	s.db = db;
	s.out = out;
	s.o = o;
	for (k = scan_kinds; k->name && rc == 0; k++)
		if (only == NULL || k == only)
			rc = k->run(&s);
	if (rc == 0 && o->has_fail_on)
		rc = count_work(&s, only, o->fail_on, &n, &top);
	if (s.began) {
		wf_tx_all_or_nothing(db, 0);
		if (rc != 0) {
			wf_tx_rollback(db);
			return rc;
		}
		if ((rc = wf_tx_commit(db)) != 0)
			return rc;
	}
	if (rc == 0 && n > 0)
		return wf_error_set(WF_EREFUSED, "%lld exception%s of the kinds scanned %s open at "
		    "priority %lld or above (the highest %lld): see wf-alert list",
		    (long long)n, n == 1 ? "" : "s", n == 1 ? "is" : "are",
		    (long long)o->fail_on, (long long)top);
	return rc;
}
