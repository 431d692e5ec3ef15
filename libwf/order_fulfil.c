/* order_fulfil.c - Shopify fulfillments (`wf-order import --from
 * shopify-fulfillment`) on the orders they fulfil (wf-order(1),
 * "SHOPIFY FULFILLMENTS").  A successful fulfillment ships what the order
 * holds through the order's own ship action (order_act.c), with the
 * fulfillment's carrier and first tracking number, or links the shipment
 * already shipped with that tracking number; the shipment keeps the
 * fulfillment's id (shipment.c), so that the same fulfillment again
 * changes nothing.  A later snapshot may change the carrier or tracking; a
 * fulfillment cancelled after its shipment left raises order_changed for a
 * person.  It runs no SQL: it reads and writes through order.c's and
 * shipment.c's APIs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_error.h"
#include "wf_exception.h"
#include "wf_json.h"
#include "wf_order.h"
#include "wf_shipment.h"
#include "wf_text.h"
#include "wf_time.h"

/* Longest tracking number and carrier name kept; most tracking numbers one
 * fulfillment may carry. */
#define TRACKING_MAX 128
#define CARRIER_MAX  64
#define NUMBERS_MAX  100

/* The members of a Shopify fulfillment (REST Admin API), for --strict. */
static const char *const fulfillment_keys[] = {
	"admin_graphql_api_id", "created_at", "id", "line_items", "location_id", "name",
	"notify_customer", "order_id", "origin_address", "receipt", "service",
	"shipment_status", "status", "tracking_company", "tracking_number",
	"tracking_numbers", "tracking_url", "tracking_urls", "updated_at",
	"variant_inventory_management", NULL
};

/* A fulfillment's statuses, as Shopify names them. */
static const char *const statuses[] = {
	"pending", "open", "success", "cancelled", "error", "failure", NULL
};

struct ful {
	const char *id, *order_id, *status, *carrier, *service, *tracking;
	int         has_at;
	int64_t     at;
	const cJSON *numbers;   /* tracking_numbers as given (may be NULL) */
	int         nnumbers;
};

/* Whether the fulfillment's STATUS says it ended without shipping. */
static int
undone(const char *status)
{
	return strcmp(status, "cancelled") == 0 || strcmp(status, "error") == 0 ||
	    strcmp(status, "failure") == 0;
}

/* One tracking number V (at AT): text of 1 to TRACKING_MAX bytes. */
static int
number_ok(const wf_jloc *at, const cJSON *v)
{
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return wf_jerr(at, NULL, "expected a tracking number (a non-empty string)");
	if (wf_text_check("tracking number", v->valuestring, TRACKING_MAX) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	return 0;
}

static int
parse(const wf_jloc *at, const cJSON *o, int strict, struct ful *f)
{
	wf_jloc l_numbers = WF_JLOC_KEY(at, "tracking_numbers");
	const cJSON *n;
	const char *what;
	size_t i;
	int rc, k = 0;

	memset(f, 0, sizeof *f);
	if (!wf_order_jhas(o, "order_id") || !wf_order_jhas(o, "status") ||
	    wf_order_jhas(o, "refund_line_items") || wf_order_jhas(o, "transactions")) {
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "order")) ||
		    cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "orders")) ||
		    (wf_order_jhas(o, "line_items") && !wf_order_jhas(o, "order_id")))
			what = "a Shopify order: orders are read by wf-order import --from shopify";
		else if ((what = wf_order_not_an_order(o, WF_ORDER_GENERIC)) != NULL &&
		    strstr(what, "shopify-fulfillment") != NULL)
			what = NULL;    /* a broken fulfillment: this is its command */
		return wf_jerr(at, NULL, "not a Shopify fulfillment (one has order_id and status)%s%s",
		    what ? ": " : "", what ? what : "");
	}
	if (strict && (rc = wf_jcheck_keys(at, o, fulfillment_keys)) != 0)
		return rc;
	if ((rc = wf_jget_id(at, o, "id", WF_J_REQ, &f->id)) < 0 ||
	    (rc = wf_jget_id(at, o, "order_id", WF_J_REQ, &f->order_id)) < 0)
		return rc;
	if (wf_text_check("id", f->id, 128) != 0 || wf_text_check("order_id", f->order_id, 128) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	if ((rc = wf_jget_str(at, o, "status", WF_J_REQ, 32, &f->status)) < 0)
		return rc;
	for (i = 0; statuses[i] && strcmp(statuses[i], f->status) != 0; i++)
		;
	if (statuses[i] == NULL)
		return wf_jerr(at, "status", "expected pending, open, success, cancelled, error or "
		    "failure, got '%s'", wf_text_plain(f->status) ? f->status : "?");
	if ((rc = wf_jget_time(at, o, "updated_at", 0, &f->at)) < 0)
		return rc;
	f->has_at = rc == 0;
	/* "null-company", as Shopify writes an unknown carrier, is no carrier */
	if ((rc = wf_order_jtext(at, o, "tracking_company", 0, CARRIER_MAX, &f->carrier)) < 0 ||
	    (rc = wf_order_jtext(at, o, "service", 0, 64, &f->service)) < 0)
		return rc;
	if (f->carrier && (*f->carrier == '\0' || strcmp(f->carrier, "null-company") == 0))
		f->carrier = NULL;
	if ((rc = wf_jget_arr(at, o, "tracking_numbers", 0, &f->numbers)) < 0)
		return rc;
	if (f->numbers) {
		if ((f->nnumbers = cJSON_GetArraySize(f->numbers)) > NUMBERS_MAX)
			return wf_jerr(at, "tracking_numbers", "%d tracking numbers; at most %d",
			    f->nnumbers, NUMBERS_MAX);
		cJSON_ArrayForEach(n, f->numbers) {
			wf_jloc ln = WF_JLOC_IDX(&l_numbers, k++);
			if ((rc = number_ok(&ln, n)) != 0)
				return rc;
		}
		if (f->nnumbers > 0)
			f->tracking = f->numbers->child->valuestring;
	}
	if (f->tracking == NULL) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tracking_number");
		wf_jloc lt = WF_JLOC_KEY(at, "tracking_number");
		if (t && !cJSON_IsNull(t)) {
			if ((rc = number_ok(&lt, t)) != 0)
				return rc;
			f->tracking = t->valuestring;
		}
	}
	return 0;
}

/* The data of the shipment's "fulfillment" event. */
static cJSON *
event_data(const char *fkey, const struct ful *f)
{
	cJSON *d = cJSON_CreateObject(), *more = NULL;
	char when[WF_TIME_LEN];
	int rc;

	if (d == NULL)
		return NULL;
	rc = wf_jadd_str(d, "fulfillment", fkey) | wf_jadd_str(d, "status", f->status) |
	    wf_jadd_str(d, "carrier", f->carrier) | wf_jadd_str(d, "tracking", f->tracking) |
	    wf_jadd_str(d, "fulfillment_service", f->service);
	if (f->has_at) {
		wf_time_format(f->at, when);
		rc |= wf_jadd_str(d, "updated_at", when);
	}
	/* the shipment has one tracking number: the others are kept here */
	if (rc == 0 && f->nnumbers > 1) {
		const cJSON *n;
		if ((more = cJSON_CreateArray()) == NULL)
			rc = 1;
		for (n = f->numbers->child->next; n && rc == 0; n = n->next) {
			cJSON *s = cJSON_CreateString(n->valuestring);
			if (s == NULL || !cJSON_AddItemToArray(more, s)) {
				cJSON_Delete(s);
				rc = 1;
			}
		}
		rc |= wf_jadd_item(d, "more_tracking", more);
	}
	if (rc) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* Ship what order O (key REF) holds, as `wf-order ship` would, with F's
 * carrier (else the route's) and tracking; the records the action prints
 * are not this command's. */
static int
ship(wf_db *db, const char *ref, const struct ful *f)
{
	struct wf_order_action a;
	wf_out *sink = NULL;
	char *p = NULL;
	size_t n = 0;
	FILE *mem;
	int rc;

	if ((mem = open_memstream(&p, &n)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (wf_out_new(&sink, mem, WF_FMT_JSONL) != 0) {
		fclose(mem);
		free(p);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	memset(&a, 0, sizeof a);
	a.order = ref;
	a.action = "ship";
	a.carrier = f->carrier;
	a.tracking = f->tracking;
	rc = wf_order_act(db, &a, sink);
	wf_out_free(sink);
	fclose(mem);
	free(p);
	return rc;
}

int
wf_order_fulfillment_line(wf_db *db, const struct wf_line *l, void *arg)
{
	const struct wf_order_import *imp = arg;
	const char *channel = imp->channel ? imp->channel : "shopify";
	wf_jloc l_wrap = WF_JLOC_KEY(l->at, "fulfillment");
	const wf_jloc *at = l->at;
	const cJSON *o = l->obj, *wrap;
	struct wf_shipment_info s;
	struct wf_order_info info;
	struct ful f;
	char ref[300], fkey[300], tracking[TRACKING_MAX + 1];
	const char *result = "unchanged";
	int64_t stored_at = 0, sid;
	int rc, found, has_at = 0, open;
	cJSON *data;

	/* {"fulfillment":{...}} as the Admin API returns one */
	wrap = cJSON_GetObjectItemCaseSensitive(o, "fulfillment");
	if (cJSON_IsObject(wrap) && cJSON_GetObjectItemCaseSensitive(o, "id") == NULL) {
		o = wrap;
		at = &l_wrap;
	}
	if ((rc = parse(at, o, l->strict, &f)) != 0)
		return rc;
	snprintf(ref, sizeof ref, "%s:%s", channel, f.order_id);
	snprintf(fkey, sizeof fkey, "%s:%s", channel, f.id);
	/* an unknown order is an unknown record: refused (exit 1), located */
	if ((rc = wf_order_find(db, &info, ref)) != 0) {
		if (rc != WF_ENOTFOUND)
			return rc;
		wf_jerr(at, "order_id", "fulfillment %s: %s", f.id, wf_error_msg());
		return wf_error_set(WF_ENOTFOUND, "%s", wf_error_msg());
	}
	if ((found = wf_shipment_find_fulfillment(db, &s, tracking, &has_at, &stored_at,
	    fkey)) < 0)
		return found;

	if (found) {
		if (s.order_id != info.id)
			return wf_jerr(at, "order_id", "fulfillment %s is %s's, of order %s, not %s",
			    f.id, s.key, s.order, ref);
		/* a snapshot older than the one applied changes nothing */
		if (f.has_at && has_at && f.at < stored_at)
			result = "stale";
		else if (undone(f.status)) {
			/* the parcel left: the channel's cancellation is a person's */
			if ((rc = wf_exception_is_open(db, &open, WF_EX_CHANGED, "order", ref)) != 0)
				return rc;
			if (!open) {
				if ((data = event_data(fkey, &f)) == NULL ||
				    wf_jadd_str(data, "shipment", s.key) |
				    wf_jadd_str(data, "state", s.state)) {
					cJSON_Delete(data);
					return wf_error_set(WF_ENOMEM, "out of memory");
				}
				if ((rc = wf_order_raise(db, ref, &info, WF_EX_CHANGED, data, 0,
				    "The channel says this fulfillment was cancelled or failed after "
				    "its shipment left: find the parcel with the carrier, then "
				    "cancel it in the channel or open a return here")) != 0)
					return rc;
				result = "conflict";
			}
		} else if ((f.carrier && strcmp(f.carrier, s.carrier) != 0) ||
		    (f.tracking && strcmp(f.tracking, tracking) != 0)) {
			/* a newer snapshot with another carrier or tracking number */
			if ((data = event_data(fkey, &f)) == NULL)
				return wf_error_set(WF_ENOMEM, "out of memory");
			if ((rc = wf_shipment_fulfil(db, s.id, s.key, fkey, f.has_at, f.at,
			    f.carrier, f.tracking, data)) != 0)
				return rc;
			result = "updated";
		}
		return wf_shipment_emit_tracked(db, s.id, f.status, NULL, result, wf_db_out(db));
	}

	/* not shipped at the channel yet, or never: nothing ships here */
	if (strcmp(f.status, "success") != 0)
		return wf_order_emit_result(db, ref, undone(f.status) ? "unchanged" : "pending",
		    wf_db_out(db));
	/* shipped here already (wf-order ship) with this tracking number: the
	 * channel's fulfillment of it */
	if (f.tracking && (rc = wf_shipment_find_unfulfilled(db, &sid, info.id,
	    f.tracking)) != 0) {
		if (rc < 0)
			return rc;
	} else {
		if ((rc = ship(db, ref, &f)) != 0) {
			char msg[1200];
			wf_strlcpy(msg, wf_error_msg(), sizeof msg);
			wf_jerr(at, rc == WF_EINPUT && f.carrier == NULL &&
			    strncmp(msg, "carrier:", 8) == 0 ? "tracking_company" : NULL,
			    "fulfillment %s of %s cannot ship here: %s%s%s%s", f.id, ref, msg,
			    f.carrier == NULL && strncmp(msg, "carrier:", 8) == 0 ?
			    " and the fulfillment names none: ship it with wf-order ship " : "",
			    f.carrier == NULL && strncmp(msg, "carrier:", 8) == 0 ? ref : "",
			    f.carrier == NULL && strncmp(msg, "carrier:", 8) == 0 ?
			    " --carrier C" : "");
			return wf_error_set(rc, "%s", wf_error_msg());
		}
		if ((rc = wf_shipment_find_unfulfilled(db, &sid, info.id, f.tracking)) != 1)
			return rc < 0 ? rc : wf_error_set(WF_EINTERNAL, "the shipment of "
			    "fulfillment %s vanished", f.id);
	}
	wf_key_format(&wf_record_shipment, sid, s.key);
	if ((data = event_data(fkey, &f)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	/* the channel's carrier name, when it gives one, as a later snapshot
	 * of this fulfillment would set it: the same fulfillment again then
	 * finds nothing to change */
	if ((rc = wf_shipment_fulfil(db, sid, s.key, fkey, f.has_at, f.at, f.carrier, NULL,
	    data)) != 0)
		return rc;
	return wf_shipment_emit_tracked(db, sid, f.status, NULL, "updated", wf_db_out(db));
}
