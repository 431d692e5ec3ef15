/* route_rules.c - carrier services and their export and import.
 *
 * owns: carrier_service
 * reads: warehouse
 */
#include <string.h>

#include "wf_catalog.h"
#include "wf_config.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_route.h"
#include "wf_record.h"
#include "wf_text.h"
#include "wf_upsert.h"

enum {
	SVC_WAREHOUSE, SVC_CARRIER, SVC_SERVICE, SVC_CUTOFF, SVC_TRANSIT_DAYS, SVC_COST,
	SVC_CURRENCY, SVC_COUNTRIES, SVC_FIELDS
};

static const struct wf_upsert_field service_fields[SVC_FIELDS] = {
	[SVC_WAREHOUSE]    = { "warehouse", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[SVC_CARRIER]      = { "carrier", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[SVC_SERVICE]      = { "service", WF_UPSERT_TEXT, WF_UPSERT_KEY, NULL, 0, 0 },
	[SVC_CUTOFF]       = { "cutoff", WF_UPSERT_TEXT, 0, NULL, 0, 0 },
	[SVC_TRANSIT_DAYS] = { "transit_days", WF_UPSERT_INT, 0, NULL, 0, 0 },
	[SVC_COST]         = { "cost", WF_UPSERT_MONEY, 0, NULL, 0, SVC_CURRENCY },
	[SVC_CURRENCY]     = { "currency", WF_UPSERT_TEXT, 0, WF_DEFAULT_CURRENCY, 0, 0 },
	[SVC_COUNTRIES]    = { "countries", WF_UPSERT_LIST, 0, "", 0, 0 },
};

#define SERVICE_SELECT \
	"SELECT s.id, w.code, s.carrier, s.service, s.cutoff, s.transit_days, s.cost," \
	" s.currency, s.countries FROM carrier_service s JOIN warehouse w ON w.id = s.warehouse_id"

/* A carrier service add's own: the input, and the stored forms of what it
 * gives. */
struct service_add {
	const struct wf_carrier_in *in;
	char        cutoff[8], currency[4];
	wf_buf      countries;
};

/* The key is the warehouse's id, the carrier and the service. */
static int
service_key(wf_db *db, struct wf_upsert *u, const char *wh, const char *carrier,
    const char *service)
{
	int64_t wh_id;
	int rc;

	if ((rc = wf_warehouse_find(db, &wh_id, NULL, wh)) != 0)
		return rc;
	u->key[0] = wf_upsert_int(1, wh_id);
	u->key[1] = wf_upsert_text(carrier);
	u->key[2] = wf_upsert_text(service);
	u->nkey = 3;
	return 0;
}

static int
service_prepare(wf_db *db, struct wf_upsert *u)
{
	const struct wf_carrier_in *in = ((struct service_add *)u->arg)->in;

	return service_key(db, u, in->warehouse, in->carrier, in->service);
}

/* Check the input and bring it to the stored form: the cutoff as HH:MM,
 * money in the service's currency (the one given, else the one it had). */
static int
service_merge(wf_db *db, struct wf_upsert *u)
{
	struct service_add *a = u->arg;
	const struct wf_carrier_in *in = a->in;
	struct wf_upsert_val *cost = &u->val[SVC_COST];
	int minutes, rc;

	if ((rc = wf_text_code("carrier", in->carrier, 32)) != 0 ||
	    (rc = wf_text_code("service", in->service, 32)) != 0)
		return rc;
	if (in->cutoff == NULL || wf_route_cutoff_parse(in->cutoff, &minutes) != 0)
		return wf_error_set(WF_EINPUT, "cutoff: expected HH:MM from 00:00 to 23:59, got '%.20s'",
		    in->cutoff ? in->cutoff : "");
	snprintf(a->cutoff, sizeof a->cutoff, "%02u:%02u", (unsigned)minutes / 60 % 24,
	    (unsigned)minutes % 60);
	u->val[SVC_CUTOFF] = wf_upsert_text(a->cutoff);
	if (in->transit_days < 0 || in->transit_days > 365)
		return wf_error_set(WF_EINPUT, "transit_days: expected 0 to 365, got %lld",
		    (long long)in->transit_days);
	u->val[SVC_TRANSIT_DAYS] = wf_upsert_int(1, in->transit_days);
	if (in->currency) {
		if (wf_currency_norm(in->currency, a->currency) != 0)
			return wf_error_set(WF_EINPUT, "currency: '%.20s' is not an ISO 4217 code",
			    in->currency);
		u->val[SVC_CURRENCY] = wf_upsert_text(a->currency);
	} else if (!u->found) {
		/* a new service priced in no currency is in the shop's own */
		if ((rc = wf_config_base_currency(db, a->currency)) != 0)
			return rc;
		u->val[SVC_CURRENCY] = wf_upsert_text(a->currency);
	}
	if (in->cost == NULL)
		return wf_error_set(WF_EINPUT, "cost: required");
	if (wf_money_parse(in->cost, u->val[SVC_CURRENCY].s, &cost->i) != 0)
		return wf_error_set(WF_EINPUT, "cost: %s", wf_error_msg());
	if (cost->i < 0)
		return wf_error_set(WF_EINPUT, "cost: must not be negative");
	cost->set = 1;
	if (in->countries) {
		if ((rc = wf_route_countries_norm(in->countries, &a->countries)) != 0)
			return rc;
		u->val[SVC_COUNTRIES] = wf_upsert_text(wf_buf_str(&a->countries));
	}
	return 0;
}

/* Carrier services are records of history with no state machine: their
 * events have none, and a create event's data is the service itself. */
static const struct wf_upsert_type service_type = {
	.type = "carrier_service", .history = "carrier", .initial = NULL,
	.fields = service_fields, .nfields = SVC_FIELDS, .result_at = SVC_SERVICE + 1,
	.flags = WF_UPSERT_UNTYPED,
	.load = SERVICE_SELECT
	    " WHERE s.warehouse_id = ?1 AND s.carrier = ?2 AND s.service = ?3",
	.insert = "INSERT INTO carrier_service (warehouse_id, carrier, service, cutoff,"
	    " transit_days, cost, currency, countries, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
	.update = "UPDATE carrier_service SET cutoff = ?4, transit_days = ?5, cost = ?6,"
	    " currency = ?7, countries = ?8, updated_at = ?9 WHERE id = ?10",
	.prepare = service_prepare, .merge = service_merge,
};

/* The key of a service in history: "WH/CARRIER/SERVICE". */
static int
history_ref(wf_buf *b, const char *wh, const char *carrier, const char *service)
{
	if (wf_buf_addf(b, "%s/%s/%s", wh, carrier, service) != 0)
		return wf_error_set(WF_ENOMEM, "out of memory");
	return 0;
}

int
wf_carrier_add(wf_db *db, const struct wf_carrier_in *in, wf_out *out)
{
	struct wf_upsert u = { .t = &service_type };
	struct service_add a = { .in = in };
	wf_buf ref = {0};
	int rc;

	if (in->warehouse == NULL || in->carrier == NULL || in->service == NULL)
		return wf_error_set(WF_EINPUT, "warehouse, carrier and service are required");
	if ((rc = history_ref(&ref, in->warehouse, in->carrier, in->service)) != 0)
		return rc;
	u.arg = &a;
	u.ref = wf_buf_str(&ref);
	u.given[SVC_WAREHOUSE] = wf_upsert_text(in->warehouse);
	u.given[SVC_CARRIER] = wf_upsert_text(in->carrier);
	u.given[SVC_SERVICE] = wf_upsert_text(in->service);
	rc = wf_upsert(db, &u, out);
	wf_buf_free(&a.countries);
	wf_buf_free(&ref);
	return rc;
}

static int
remove_service(wf_db *db, struct wf_upsert *u, wf_out *out)
{
	static const char del[] = "DELETE FROM carrier_service WHERE id = ?1";
	/* the warehouse's services, as CARRIER/SERVICE */
	static const char near[] =
	    "SELECT s.carrier || '/' || s.service FROM carrier_service s"
	    " JOIN warehouse w ON w.id = s.warehouse_id"
	    " WHERE w.code = ?3 AND length(s.carrier) + 1 + length(s.service) BETWEEN ?1 AND ?2"
	    " ORDER BY s.carrier, s.service";
	const struct wf_upsert_val *v = u->val;
	wf_buf name = {0}, best = {0};
	wf_stmt *st;
	cJSON *data;
	int rc;

	if ((rc = wf_upsert_load(db, u)) != 0)
		return rc;
	if (!u->found) {
		if (wf_buf_addf(&name, "%s/%s", v[SVC_CARRIER].s, v[SVC_SERVICE].s) != 0)
			rc = wf_error_set(WF_ENOMEM, "out of memory");
		else if ((rc = wf_upsert_near(db, &best, near, name.p, v[SVC_WAREHOUSE].s)) == 0)
			rc = wf_error_set(WF_ENOTFOUND, "no carrier service %s at %s%s%s%s",
			    name.p, v[SVC_WAREHOUSE].s, best.len ? "; did you mean '" : "",
			    wf_buf_str(&best), best.len ? "'?" : "");
		wf_buf_free(&name);
		wf_buf_free(&best);
		return rc;
	}
	if ((rc = wf_db_stmt(db, &st, del)) != 0)
		return rc;
	wf_bind_int(st, 1, u->id);
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	if ((data = wf_upsert_record(u->t, v, NULL)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	cJSON_DeleteItemFromObjectCaseSensitive(data, "type");
	if ((rc = wf_history_add(db, "carrier", u->ref, NULL, "remove", NULL, NULL, data)) != 0)
		return rc;
	return wf_out_emit(out, wf_upsert_record(u->t, v, "removed"));
}

int
wf_carrier_remove(wf_db *db, const char *warehouse, const char *carrier,
    const char *service, wf_out *out)
{
	struct wf_upsert u = { .t = &service_type };
	wf_buf ref = {0};
	int rc;

	if ((rc = wf_text_code("carrier", carrier, 32)) != 0 ||
	    (rc = wf_text_code("service", service, 32)) != 0 ||
	    (rc = history_ref(&ref, warehouse, carrier, service)) != 0)
		return rc;
	u.ref = wf_buf_str(&ref);
	u.given[SVC_WAREHOUSE] = wf_upsert_text(warehouse);
	u.given[SVC_CARRIER] = wf_upsert_text(carrier);
	u.given[SVC_SERVICE] = wf_upsert_text(service);
	if ((rc = wf_tx_begin(db)) != 0) {
		wf_buf_free(&ref);
		return rc;
	}
	if ((rc = service_key(db, &u, warehouse, carrier, service)) != 0 ||
	    (rc = remove_service(db, &u, out)) != 0)
		wf_tx_rollback(db);
	else
		rc = wf_tx_commit(db);
	wf_upsert_free(&u);
	wf_buf_free(&ref);
	return rc;
}

int
wf_carrier_list(wf_db *db, const char *warehouse, wf_out *out)
{
	static const char whs[] =
	    "SELECT code, timezone, capacity FROM warehouse WHERE ?1 IS NULL OR code = ?1"
	    " ORDER BY code";
	static const char svcs[] = SERVICE_SELECT
	    " WHERE ?1 IS NULL OR w.code = ?1 ORDER BY w.code, s.carrier, s.service";
	static const char *const cap_cols[] = {
		"warehouse", "timezone", "orders_per_day", NULL
	};
	static const char *const svc_cols[] = {
		"warehouse", "carrier", "service", "cutoff", "transit_days", "cost",
		"currency", "countries", NULL
	};
	wf_stmt *st;
	int rc;

	if (warehouse && (rc = wf_warehouse_find(db, NULL, NULL, warehouse)) != 0)
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
	if (rc < 0)
		return rc;
	return wf_upsert_list(db, &service_type, svcs, warehouse, out);
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
	if ((rc = wf_warehouse_find(db, NULL, NULL, in.code)) != 0)
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
	/* Workform's own format: a misspelt key is refused, never ignored */
	if (type && strcmp(type, "capacity") == 0) {
		if ((rc = wf_jcheck_keys(l->at, l->obj, known_cap)) != 0)
			return rc;
		return import_capacity(db, l);
	}
	if (type && strcmp(type, "carrier_service") != 0)
		return wf_jerr(l->at, "type", "expected \"carrier_service\" or \"capacity\", got \"%.32s\"",
		    type);
	if ((rc = wf_jcheck_keys(l->at, l->obj, known_svc)) != 0)
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
	.type = "carrier",
	.table = "carrier_service",
};
