/* route_rules.c - carrier services and their export and import.
 *
 * owns: carrier_service
 * reads: warehouse
 */
#include <string.h>

#include "wf_catalog.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_route.h"
#include "wf_record.h"
#include "wf_text.h"

struct service_row {
	int64_t id;
	char    cutoff[8];
	int64_t transit_days, cost;
	char    currency[4];
	wf_buf  countries;
};

/* 1 found (filling R), 0 not found, or an error. */
static int
service_load(wf_db *db, int64_t wh_id, const char *carrier, const char *service,
    struct service_row *r)
{
	static const char sql[] =
	    "SELECT id, cutoff, transit_days, cost, currency, countries FROM carrier_service"
	    " WHERE warehouse_id = ?1 AND carrier = ?2 AND service = ?3";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, wh_id);
	wf_bind_text(st, 2, carrier);
	wf_bind_text(st, 3, service);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc;
	r->id = wf_col_int(st, 0);
	wf_strlcpy(r->cutoff, wf_col_text(st, 1), sizeof r->cutoff);
	r->transit_days = wf_col_int(st, 2);
	r->cost = wf_col_int(st, 3);
	wf_strlcpy(r->currency, wf_col_text(st, 4), sizeof r->currency);
	wf_buf_reset(&r->countries);
	rc = wf_buf_adds(&r->countries, wf_col_text(st, 5));
	wf_stmt_reset(st);
	return rc ? rc : 1;
}

/* "DE,AT" as ["DE","AT"]; "" as []. */
static cJSON *
countries_json(const char *s)
{
	cJSON *a = cJSON_CreateArray();

	while (a && *s) {
		size_t n = strcspn(s, ",");
		char cc[8];
		cJSON *item;

		wf_strlcpy(cc, s, n + 1 < sizeof cc ? n + 1 : sizeof cc);
		if ((item = cJSON_CreateString(cc)) == NULL || !cJSON_AddItemToArray(a, item)) {
			cJSON_Delete(item);
			cJSON_Delete(a);
			return NULL;
		}
		s += n + (s[n] == ',');
	}
	return a;
}

static cJSON *
service_record(const char *wh, const char *carrier, const char *service,
    const char *result, const struct service_row *r)
{
	cJSON *o = wf_jrecord("carrier_service");
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= wf_jadd_str(o, "warehouse", wh);
	rc |= wf_jadd_str(o, "carrier", carrier);
	rc |= wf_jadd_str(o, "service", service);
	if (result)
		rc |= wf_jadd_str(o, "result", result);
	rc |= wf_jadd_str(o, "cutoff", r->cutoff);
	rc |= wf_jadd_int(o, "transit_days", r->transit_days);
	rc |= wf_jadd_money(o, "cost", r->cost, r->currency);
	rc |= wf_jadd_str(o, "currency", r->currency);
	rc |= wf_jadd_item(o, "countries", countries_json(wf_buf_str(&r->countries)));
	if (rc) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
emit(wf_out *out, cJSON *r)
{
	if (r == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return wf_out_emit(out, r);
}

/* {"from":..,"to":..} under FIELD of CHANGES when the texts differ. */
static int
diff_text(cJSON *changes, const char *field, const char *old, const char *new)
{
	cJSON *c;

	if (strcmp(old, new) == 0)
		return 0;
	if ((c = cJSON_CreateObject()) == NULL)
		return WF_ENOMEM;
	if (wf_jadd_str(c, "from", old) | wf_jadd_str(c, "to", new)) {
		cJSON_Delete(c);
		return WF_ENOMEM;
	}
	return wf_jadd_item(changes, field, c);
}

static void
service_key(wf_buf *b, const char *wh, const char *carrier, const char *service)
{
	wf_buf_reset(b);
	wf_buf_addf(b, "%s/%s/%s", wh, carrier, service);
}

/* Check IN and bring it to the stored form in NEW (currency and countries
 * resolved against OLD when FOUND). */
static int
resolve(const struct wf_carrier_in *in, int found, const struct service_row *old,
    struct service_row *new)
{
	int minutes, rc;
	char cur[4];

	if ((rc = wf_text_code("carrier", in->carrier, 32)) != 0 ||
	    (rc = wf_text_code("service", in->service, 32)) != 0)
		return rc;
	if (in->cutoff == NULL || wf_route_cutoff_parse(in->cutoff, &minutes) != 0)
		return wf_error_set(WF_EINPUT, "cutoff: expected HH:MM from 00:00 to 23:59, got '%.20s'",
		    in->cutoff ? in->cutoff : "");
	snprintf(new->cutoff, sizeof new->cutoff, "%02u:%02u", (unsigned)minutes / 60 % 24,
	    (unsigned)minutes % 60);
	if (in->transit_days < 0 || in->transit_days > 365)
		return wf_error_set(WF_EINPUT, "transit_days: expected 0 to 365, got %lld",
		    (long long)in->transit_days);
	new->transit_days = in->transit_days;
	if (in->currency) {
		if (wf_currency_norm(in->currency, cur) != 0)
			return wf_error_set(WF_EINPUT, "currency: '%.20s' is not an ISO 4217 code",
			    in->currency);
	} else
		wf_strlcpy(cur, found ? old->currency : WF_DEFAULT_CURRENCY, sizeof cur);
	wf_strlcpy(new->currency, cur, sizeof new->currency);
	if (in->cost == NULL)
		return wf_error_set(WF_EINPUT, "cost: required");
	if (wf_money_parse(in->cost, cur, &new->cost) != 0)
		return wf_error_set(WF_EINPUT, "cost: %s", wf_error_msg());
	if (new->cost < 0)
		return wf_error_set(WF_EINPUT, "cost: must not be negative");
	wf_buf_reset(&new->countries);
	if (in->countries) {
		if ((rc = wf_route_countries_norm(in->countries, &new->countries)) != 0)
			return rc;
	} else if (found && wf_buf_adds(&new->countries, wf_buf_str(&old->countries)) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return 0;
}

static int
add(wf_db *db, const struct wf_carrier_in *in, wf_out *out, struct service_row *old,
    struct service_row *new, wf_buf *key)
{
	static const char ins[] =
	    "INSERT INTO carrier_service (warehouse_id, carrier, service, cutoff, transit_days,"
	    " cost, currency, countries, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
	static const char upd[] =
	    "UPDATE carrier_service SET cutoff = ?2, transit_days = ?3, cost = ?4, currency = ?5,"
	    " countries = ?6, updated_at = ?7 WHERE id = ?1";
	const char *result = "created";
	cJSON *data = NULL;
	wf_stmt *st;
	int64_t wh;
	int rc, found;

	if ((rc = wf_warehouse_find(db, in->warehouse, &wh, NULL)) != 0 ||
	    (found = rc = service_load(db, wh, in->carrier, in->service, old)) < 0 ||
	    (rc = resolve(in, found, old, new)) != 0)
		return rc;
	service_key(key, in->warehouse, in->carrier, in->service);
	if (found) {
		char a[40], b[40];
		if ((data = cJSON_CreateObject()) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		rc |= diff_text(data, "cutoff", old->cutoff, new->cutoff);
		if (old->transit_days != new->transit_days) {
			cJSON *c = cJSON_CreateObject();
			if (c == NULL || wf_jadd_int(c, "from", old->transit_days) |
			    wf_jadd_int(c, "to", new->transit_days) | wf_jadd_item(data, "transit_days", c))
				rc = WF_ENOMEM;
		}
		wf_money_format(old->cost, old->currency, a, sizeof a);
		wf_money_format(new->cost, new->currency, b, sizeof b);
		rc |= diff_text(data, "cost", a, b);
		rc |= diff_text(data, "currency", old->currency, new->currency);
		rc |= diff_text(data, "countries", wf_buf_str(&old->countries),
		    wf_buf_str(&new->countries));
		if (rc) {
			cJSON_Delete(data);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		result = data->child ? "updated" : "unchanged";
		if (data->child == NULL) {
			cJSON_Delete(data);
			return emit(out, service_record(in->warehouse, in->carrier, in->service,
			    result, new));
		}
	}
	if ((rc = wf_db_stmt(db, &st, found ? upd : ins)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if (found) {
		wf_bind_int(st, 1, old->id);
		wf_bind_text(st, 2, new->cutoff);
		wf_bind_int(st, 3, new->transit_days);
		wf_bind_int(st, 4, new->cost);
		wf_bind_text(st, 5, new->currency);
		wf_bind_text(st, 6, wf_buf_str(&new->countries));
		wf_bind_time(st, 7, wf_db_now(db));
	} else {
		wf_bind_int(st, 1, wh);
		wf_bind_text(st, 2, in->carrier);
		wf_bind_text(st, 3, in->service);
		wf_bind_text(st, 4, new->cutoff);
		wf_bind_int(st, 5, new->transit_days);
		wf_bind_int(st, 6, new->cost);
		wf_bind_text(st, 7, new->currency);
		wf_bind_text(st, 8, wf_buf_str(&new->countries));
		wf_bind_time(st, 9, wf_db_now(db));
	}
	if ((rc = wf_db_done(db, st)) != 0) {
		cJSON_Delete(data);
		return rc;
	}
	if (!found) {
		data = service_record(in->warehouse, in->carrier, in->service, NULL, new);
		if (data == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		/* the record's own type is not data */
		cJSON_DeleteItemFromObjectCaseSensitive(data, "type");
	}
	if ((rc = wf_history_add(db, "carrier", wf_buf_str(key), NULL,
	    found ? "update" : "create", NULL, NULL, data)) != 0)
		return rc;
	return emit(out, service_record(in->warehouse, in->carrier, in->service, result, new));
}

int
wf_carrier_add(wf_db *db, const struct wf_carrier_in *in, wf_out *out)
{
	struct service_row old, new;
	wf_buf key = {0};
	int rc;

	memset(&old, 0, sizeof old);
	memset(&new, 0, sizeof new);
	if (in->warehouse == NULL || in->carrier == NULL || in->service == NULL)
		return wf_error_set(WF_EINPUT, "warehouse, carrier and service are required");
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	rc = add(db, in, out, &old, &new, &key);
	wf_buf_free(&old.countries);
	wf_buf_free(&new.countries);
	wf_buf_free(&key);
	if (rc != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

static int
remove_service(wf_db *db, const char *wh_code, const char *carrier, const char *service,
    wf_out *out, struct service_row *r, wf_buf *key)
{
	static const char del[] = "DELETE FROM carrier_service WHERE id = ?1";
	wf_stmt *st;
	cJSON *data;
	int64_t wh;
	int rc;

	if ((rc = wf_warehouse_find(db, wh_code, &wh, NULL)) != 0 ||
	    (rc = service_load(db, wh, carrier, service, r)) < 0)
		return rc;
	if (rc == 0)
		return wf_error_set(WF_ENOTFOUND, "no carrier service %s/%s at %s", carrier,
		    service, wh_code);
	if ((rc = wf_db_stmt(db, &st, del)) != 0)
		return rc;
	wf_bind_int(st, 1, r->id);
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	if ((data = service_record(wh_code, carrier, service, NULL, r)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	cJSON_DeleteItemFromObjectCaseSensitive(data, "type");
	service_key(key, wh_code, carrier, service);
	if ((rc = wf_history_add(db, "carrier", wf_buf_str(key), NULL, "remove", NULL, NULL,
	    data)) != 0)
		return rc;
	return emit(out, service_record(wh_code, carrier, service, "removed", r));
}

int
wf_carrier_remove(wf_db *db, const char *warehouse, const char *carrier,
    const char *service, wf_out *out)
{
	struct service_row r;
	wf_buf key = {0};
	int rc;

	memset(&r, 0, sizeof r);
	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	rc = remove_service(db, warehouse, carrier, service, out, &r, &key);
	wf_buf_free(&r.countries);
	wf_buf_free(&key);
	if (rc != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}

int
wf_carrier_list(wf_db *db, const char *warehouse, wf_out *out)
{
	static const char whs[] =
	    "SELECT code, timezone, capacity FROM warehouse WHERE ?1 IS NULL OR code = ?1"
	    " ORDER BY code";
	static const char svcs[] =
	    "SELECT w.code, s.carrier, s.service, s.cutoff, s.transit_days, s.cost, s.currency,"
	    " s.countries FROM carrier_service s JOIN warehouse w ON w.id = s.warehouse_id"
	    " WHERE ?1 IS NULL OR w.code = ?1 ORDER BY w.code, s.carrier, s.service";
	static const char *const cap_cols[] = {
		"warehouse", "timezone", "orders_per_day", NULL
	};
	static const char *const svc_cols[] = {
		"warehouse", "carrier", "service", "cutoff", "transit_days", "cost",
		"currency", "countries", NULL
	};
	struct service_row r;
	wf_stmt *st;
	int rc;

	if (warehouse && (rc = wf_warehouse_find(db, warehouse, NULL, NULL)) != 0)
		return rc;
	wf_out_columns(out, "capacity", cap_cols);
	wf_out_columns(out, "carrier_service", svc_cols);
	if ((rc = wf_db_stmt(db, &st, whs)) != 0)
		return rc;
	wf_bind_text(st, 1, warehouse);
	while ((rc = wf_db_step(db, st)) == 1) {
		cJSON *o = wf_jrecord("capacity");
		if (o == NULL || wf_jadd_str(o, "warehouse", wf_col_text(st, 0)) |
		    wf_jadd_str(o, "timezone", wf_col_text(st, 1)) |
		    (wf_col_null(st, 2) ? wf_jadd_null(o, "orders_per_day") :
		    wf_jadd_int(o, "orders_per_day", wf_col_int(st, 2)))) {
			cJSON_Delete(o);
			wf_stmt_reset(st);
			return wf_error_set(WF_ENOMEM, "out of memory");
		}
		if ((rc = wf_out_emit(out, o)) != 0) {
			wf_stmt_reset(st);
			return rc;
		}
	}
	if (rc < 0 || (rc = wf_db_stmt(db, &st, svcs)) != 0)
		return rc;
	memset(&r, 0, sizeof r);
	wf_bind_text(st, 1, warehouse);
	while ((rc = wf_db_step(db, st)) == 1) {
		wf_strlcpy(r.cutoff, wf_col_text(st, 3), sizeof r.cutoff);
		r.transit_days = wf_col_int(st, 4);
		r.cost = wf_col_int(st, 5);
		wf_strlcpy(r.currency, wf_col_text(st, 6), sizeof r.currency);
		wf_buf_reset(&r.countries);
		if (wf_buf_adds(&r.countries, wf_col_text(st, 7)) != 0 ||
		    (rc = emit(out, service_record(wf_col_text(st, 0), wf_col_text(st, 1),
		    wf_col_text(st, 2), NULL, &r))) != 0) {
			wf_stmt_reset(st);
			wf_buf_free(&r.countries);
			return rc ? rc : wf_error_set(WF_ENOMEM, "out of memory");
		}
	}
	wf_buf_free(&r.countries);
	return rc < 0 ? rc : 0;
}

/* ---- import ------------------------------------------------------------------ */

/* countries as ["DE","AT"] or "DE,AT" into B. */
static int
get_countries(const wf_jloc *at, const cJSON *o, wf_buf *b, int *given)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "countries"), *c;
	long i = 0;

	*given = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	*given = 1;
	if (cJSON_IsString(v))
		return wf_buf_adds(b, v->valuestring);
	if (!cJSON_IsArray(v))
		return wf_jerr(at, "countries", "expected an array of country codes");
	cJSON_ArrayForEach(c, v) {
		if (!cJSON_IsString(c)) {
			wf_jloc ca = WF_JLOC_KEY(at, "countries"), ci = WF_JLOC_IDX(&ca, i);
			return wf_jerr(&ci, NULL, "expected a country code");
		}
		if (wf_buf_addf(b, "%s%s", i ? "," : "", c->valuestring) != 0)
			return wf_error_set(WF_ENOMEM, "out of memory");
		i++;
	}
	return 0;
}

static int
import_capacity(wf_db *db, const struct wf_line *l)
{
	static const char sql[] = "SELECT capacity FROM warehouse WHERE code = ?1";
	struct wf_warehouse_in in;
	const cJSON *v;
	wf_stmt *st;
	int64_t cap = 0;
	int rc, has_old;

	memset(&in, 0, sizeof in);
	if ((rc = wf_jget_str(l->at, l->obj, "warehouse", WF_J_REQ | WF_J_NONEMPTY, 32,
	    &in.code)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "timezone", WF_J_NONEMPTY, 64, &in.timezone)) < 0)
		return rc;
	if ((rc = wf_warehouse_find(db, in.code, NULL, NULL)) != 0)
		return rc;
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_text(st, 1, in.code);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "warehouse %s vanished", in.code);
	has_old = !wf_col_null(st, 0);
	cap = wf_col_int(st, 0);
	wf_stmt_reset(st);
	v = cJSON_GetObjectItemCaseSensitive(l->obj, "orders_per_day");
	if (v && cJSON_IsNull(v)) {
		if (has_old)
			return wf_jerr(l->at, "orders_per_day",
			    "%s ships at most %lld orders a day; a rules file cannot lift the limit",
			    in.code, (long long)cap);
	} else if ((rc = wf_jget_int(l->at, l->obj, "orders_per_day", 0, 0, WF_JSON_INT_MAX,
	    &in.capacity)) < 0)
		return rc;
	else
		in.has_capacity = rc == 0;
	return wf_warehouse_add(db, &in, wf_db_out(db));
}

int
wf_carrier_import_line(wf_db *db, const struct wf_line *l, void *unused)
{
	static const char *const known_svc[] = {
		"type", "warehouse", "carrier", "service", "result", "cutoff", "transit_days",
		"cost", "currency", "countries", NULL
	};
	static const char *const known_cap[] = {
		"type", "warehouse", "timezone", "orders_per_day", NULL
	};
	struct wf_carrier_in in;
	const char *type = NULL;
	wf_buf countries = {0};
	int rc, given;

	(void)unused;
	memset(&in, 0, sizeof in);
	if ((rc = wf_jget_str(l->at, l->obj, "type", 0, 32, &type)) < 0)
		return rc;
	if (type && strcmp(type, "capacity") == 0) {
		if (l->strict && (rc = wf_jcheck_keys(l->at, l->obj, known_cap)) != 0)
			return rc;
		return import_capacity(db, l);
	}
	if (type && strcmp(type, "carrier_service") != 0)
		return wf_jerr(l->at, "type", "expected \"carrier_service\" or \"capacity\", got \"%.32s\"",
		    type);
	if (l->strict && (rc = wf_jcheck_keys(l->at, l->obj, known_svc)) != 0)
		return rc;
	if ((rc = wf_jget_str(l->at, l->obj, "warehouse", WF_J_REQ | WF_J_NONEMPTY, 32,
	    &in.warehouse)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "carrier", WF_J_REQ | WF_J_NONEMPTY, 32, &in.carrier)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "service", WF_J_REQ | WF_J_NONEMPTY, 32, &in.service)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "cutoff", WF_J_REQ | WF_J_NONEMPTY, 8, &in.cutoff)) < 0 ||
	    (rc = wf_jget_int(l->at, l->obj, "transit_days", WF_J_REQ, 0, 365,
	    &in.transit_days)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "cost", WF_J_REQ | WF_J_NONEMPTY, 40, &in.cost)) < 0 ||
	    (rc = wf_jget_str(l->at, l->obj, "currency", WF_J_NONEMPTY, 3, &in.currency)) < 0 ||
	    (rc = get_countries(l->at, l->obj, &countries, &given)) < 0) {
		wf_buf_free(&countries);
		return rc;
	}
	if (given)
		in.countries = wf_buf_str(&countries);
	rc = wf_carrier_add(db, &in, wf_db_out(db));
	wf_buf_free(&countries);
	return rc;
}

/* Carrier services: a record of history, with no state of their own. */
const struct wf_record_type wf_record_carrier = {
	"carrier", NULL, NULL, "carrier_service", NULL, NULL, NULL, 0
};
