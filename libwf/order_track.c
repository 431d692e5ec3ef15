/* order_track.c - carrier tracking events (`wf-order track`): EasyPost
 * trackers and webhook events, and Workform's generic tracking lines, move
 * the shipment their tracking number names (shipment.c), in the carrier's
 * time order and never backwards; and what that means for the shipment's
 * order (order.c): delivered when every leg is, a late delivery against its
 * promise, a delivery_failed exception raised on a failure or a return to
 * sender and cleared when the parcel moves again.  It runs no SQL: it
 * reads and writes through shipment.c's and order.c's APIs.
 */
#include <stdlib.h>
#include <string.h>

#include "order_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_order.h"
#include "wf_shipment.h"
#include "wf_text.h"
#include "wf_time.h"

/* Longest carrier message kept (longer ones are cut), tracking number, and
 * most events one tracker may carry. */
#define MSG_MAX      1000
#define TRACKING_MAX 128
#define EVENTS_MAX   10000
/* How far past the clock a carrier's event time may be: more is a wrong
 * clock, which would freeze the shipment (later events would be older). */
#define AHEAD_MAX    (7 * 86400)

/* One carrier event. */
struct ev {
	const char *status;     /* as the carrier wrote it */
	const char *target;     /* the shipment state it means; NULL: none */
	const char *message;    /* safe to print; may be NULL */
	int64_t     at;
	size_t      order;      /* its place in the input, for a stable sort */
};

/* The shipment state a carrier status means: in_transit, delivered, failed,
 * returned_to_sender; NULL for a status that moves nothing (pre_transit,
 * unknown, cancelled, error).  *known 0 for a status no list here has. */
static const char *
target_of(const char *status, int *known)
{
	static const char *const map[][2] = {
		{ "in_transit", "in_transit" },
		{ "out_for_delivery", "in_transit" },
		{ "available_for_pickup", "in_transit" },
		{ "delivered", "delivered" },
		{ "failure", "failed" },
		{ "return_to_sender", "returned_to_sender" },
		{ "pre_transit", NULL },
		{ "unknown", NULL },
		{ "cancelled", NULL },
		{ "error", NULL },
	};
	size_t i;

	*known = 1;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(status, map[i][0]) == 0)
			return map[i][1];
	*known = 0;
	return NULL;
}

/* ---- reading the payloads ------------------------------------------------------ */

struct parsed {
	const char *tracking;
	const char *tracking_key;   /* its member's name, for messages */
	const wf_jloc *at;          /* where the tracker or line is */
	wf_jloc     l_result;       /* an event's tracker: "result" */
	struct ev  *ev;
	size_t      nev;
	int64_t     now;            /* the database's clock */
	int         skip;           /* not about a tracker: nothing to do */
	char        skip_what[160];
};

/* Keep S (a platform's free text) as safe text in ARENA: every character
 * that can act on a terminal as a visible escape, cut at MSG_MAX bytes.
 * *out NULL for NULL.  Returns 0 or WF_EINPUT (located) / WF_ENOMEM. */
static int
clean_text(const wf_jloc *at, const char *key, const char *s, cJSON *arena,
    const char **out)
{
	wf_buf b = {0};
	cJSON *str;
	int rc;

	*out = NULL;
	if (s == NULL)
		return 0;
	if ((rc = wf_text_clean(&b, key, s, MSG_MAX)) != 0) {
		wf_buf_free(&b);
		return rc == WF_EINPUT ? wf_jerr(at, key, "not valid UTF-8") : rc;
	}
	str = cJSON_CreateString(wf_buf_str(&b));
	wf_buf_free(&b);
	if (str == NULL || !cJSON_AddItemToArray(arena, str)) {
		cJSON_Delete(str);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	*out = str->valuestring;
	return 0;
}

/* Member KEY of O (at AT), a carrier's event time, into *out: required,
 * ISO 8601, and not more than AHEAD_MAX past the clock. */
static int
event_time(const wf_jloc *at, const cJSON *o, const char *key, const struct parsed *p,
    int64_t *out)
{
	char when[WF_TIME_LEN], now[WF_TIME_LEN];
	int rc;

	if ((rc = wf_jget_time(at, o, key, WF_J_REQ, out)) < 0)
		return rc;
	if (*out > p->now + AHEAD_MAX) {
		wf_time_format(*out, when);
		wf_time_format(p->now, now);
		return wf_jerr(at, key, "%s is more than 7 days after the clock (%s): the "
		    "carrier's clock is wrong", when, now);
	}
	return 0;
}

static int
tracking_number(const wf_jloc *at, const cJSON *o, const char *key, struct parsed *p)
{
	int rc;

	/* a number is kept as written, never through a double */
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, key)))
		rc = wf_jget_id(at, o, key, WF_J_REQ, &p->tracking);
	else
		rc = wf_jget_str(at, o, key, WF_J_REQ | WF_J_NONEMPTY, TRACKING_MAX,
		    &p->tracking);
	if (rc < 0)
		return rc;
	if (wf_text_check(key, p->tracking, TRACKING_MAX) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	p->tracking_key = key;
	return 0;
}

/* The generic line: {"type":"tracking","tracking":..,"status":..,"at":..,
 * "message":..}, Workform's own format, so unknown keys are refused. */
static int
parse_generic(const wf_jloc *at, const cJSON *o, struct parsed *p, struct ev *one)
{
	static const char *const keys[] = { "type", "tracking", "status", "at", "message", NULL };
	static const char *const statuses[] = {
		"in_transit", "out_for_delivery", "delivered", "failure", "return_to_sender", NULL
	};
	const char *type = NULL, *what;
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(o, "object");
	int rc, known;
	size_t i;

	if (cJSON_IsString(obj) && (strcmp(obj->valuestring, "Tracker") == 0 ||
	    strcmp(obj->valuestring, "Event") == 0))
		return wf_jerr(at, NULL, "an EasyPost %s, not a generic tracking line: read it "
		    "with wf-order track --from easypost", strcmp(obj->valuestring, "Event") == 0 ?
		    "event" : "tracker");
	if (wf_order_jhas(o, "tracking_code") || wf_order_jhas(o, "tracking_details"))
		return wf_jerr(at, NULL, "a carrier's tracker, not a generic tracking line: read "
		    "it with wf-order track --from easypost");
	if (!wf_order_jhas(o, "type") && (what = wf_order_not_an_order(o, WF_ORDER_GENERIC)) != NULL)
		return wf_jerr(at, NULL, "not a tracking event: %s", what);
	if ((rc = wf_jget_str(at, o, "type", WF_J_REQ, 32, &type)) < 0)
		return rc;
	if (strcmp(type, "tracking") != 0)
		return wf_jerr(at, "type", "expected \"tracking\", got '%s'%s", type,
		    strcmp(type, "order") == 0 ? ": orders are read by wf-order import" : "");
	if ((rc = wf_jcheck_keys(at, o, keys)) != 0)
		return rc;
	if ((rc = tracking_number(at, o, "tracking", p)) != 0)
		return rc;
	memset(one, 0, sizeof *one);
	if ((rc = wf_jget_str(at, o, "status", WF_J_REQ, 64, &one->status)) < 0 ||
	    (rc = event_time(at, o, "at", p, &one->at)) < 0 ||
	    (rc = wf_jget_str(at, o, "message", 0, MSG_MAX, &one->message)) < 0)
		return rc;
	for (i = 0; statuses[i] && strcmp(statuses[i], one->status) != 0; i++)
		;
	if (statuses[i] == NULL) {
		struct wf_text_near near;
		if (wf_text_check("status", one->status, 64) != 0)
			return wf_jerr(at, NULL, "%s", wf_error_msg());
		wf_text_near_init(&near, one->status);
		for (i = 0; statuses[i]; i++)
			wf_text_near_add(&near, statuses[i]);
		return wf_jerr(at, "status", "expected in_transit, out_for_delivery, delivered, "
		    "failure or return_to_sender, got '%s'%s%s%s", one->status,
		    wf_text_near_best(&near) ? "; did you mean '" : "",
		    wf_text_near_best(&near) ? wf_text_near_best(&near) : "",
		    wf_text_near_best(&near) ? "'?" : "");
	}
	if (one->message && wf_text_check("message", one->message, MSG_MAX) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	one->target = target_of(one->status, &known);
	p->ev = one;
	p->nev = 1;
	return 0;
}

/* The members EasyPost documents, which --strict holds a payload to. */
static const char *const tracker_keys[] = {
	"id", "object", "mode", "tracking_code", "status", "status_detail", "created_at",
	"updated_at", "signed_by", "weight", "est_delivery_date", "shipment_id", "carrier",
	"tracking_details", "fees", "carrier_detail", "public_url", "finalized", "is_return",
	NULL
};
static const char *const detail_keys[] = {
	"object", "message", "description", "status", "status_detail", "datetime", "source",
	"carrier_code", "tracking_location", "est_delivery_date", NULL
};
static const char *const event_keys[] = {
	"id", "object", "mode", "description", "previous_attributes", "created_at",
	"updated_at", "pending_urls", "completed_urls", "result", "status", "user_id", NULL
};

/* One EasyPost TrackingDetail (at AT) into E. */
static int
parse_detail(const wf_jloc *at, const cJSON *d, int strict, const struct parsed *p,
    struct ev *e, cJSON *arena)
{
	const char *status, *message = NULL;
	int rc, known;

	if (!cJSON_IsObject(d))
		return wf_jerr(at, NULL, "expected a TrackingDetail object");
	if (strict && (rc = wf_jcheck_keys(at, d, detail_keys)) != 0)
		return rc;
	if ((rc = wf_jget_str(at, d, "status", WF_J_REQ | WF_J_NONEMPTY, 64, &status)) < 0 ||
	    (rc = event_time(at, d, "datetime", p, &e->at)) < 0 ||
	    (rc = wf_jget_str(at, d, "message", 0, (size_t)-1, &message)) < 0)
		return rc;
	if (wf_text_check("status", status, 64) != 0)
		return wf_jerr(at, NULL, "%s", wf_error_msg());
	e->status = status;
	e->target = target_of(status, &known);
	return clean_text(at, "message", message, arena, &e->message);
}

/* An EasyPost tracker, bare or as the result of a tracker.* webhook event. */
static int
parse_easypost(const wf_jloc *at, const cJSON *o, int strict, struct parsed *p,
    cJSON *arena)
{
	const cJSON *obj = cJSON_GetObjectItemCaseSensitive(o, "object");
	const cJSON *details = NULL, *d;
	wf_jloc l_details, l_d;
	const char *status = NULL, *what;
	int rc, n, i, known;

	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "type")) &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(o, "type")->valuestring, "tracking") == 0)
		return wf_jerr(at, NULL, "a generic tracking line, not an EasyPost tracker: read "
		    "it with wf-order track --from generic");
	if (cJSON_IsString(obj) && strcmp(obj->valuestring, "Event") == 0) {
		const char *desc = NULL;
		const cJSON *result;
		if ((rc = wf_jget_str(at, o, "description", WF_J_REQ, 128, &desc)) < 0)
			return rc;
		if (wf_text_check("description", desc, 128) != 0)
			return wf_jerr(at, NULL, "%s", wf_error_msg());
		if (strncmp(desc, "tracker.", 8) != 0) {
			p->skip = 1;
			snprintf(p->skip_what, sizeof p->skip_what, "an EasyPost %s event, not "
			    "about a tracker: skipped", desc);
			return 0;
		}
		if (strict && (rc = wf_jcheck_keys(at, o, event_keys)) != 0)
			return rc;
		if ((rc = wf_jget_obj(at, o, "result", WF_J_REQ, &result)) < 0)
			return rc;
		o = result;
		p->l_result = (wf_jloc)WF_JLOC_KEY(at, "result");
		p->at = at = &p->l_result;
		obj = cJSON_GetObjectItemCaseSensitive(o, "object");
	}
	if (!(cJSON_IsString(obj) && strcmp(obj->valuestring, "Tracker") == 0) &&
	    !wf_order_jhas(o, "tracking_code")) {
		what = wf_order_not_an_order(o, WF_ORDER_GENERIC);
		return wf_jerr(at, NULL, "not an EasyPost tracker (no tracking_code)%s%s",
		    what ? ": " : "", what ? what : "");
	}
	if (strict && (rc = wf_jcheck_keys(at, o, tracker_keys)) != 0)
		return rc;
	if ((rc = tracking_number(at, o, "tracking_code", p)) != 0)
		return rc;
	if ((rc = wf_jget_arr(at, o, "tracking_details", 0, &details)) < 0 ||
	    (rc = wf_jget_str(at, o, "status", 0, 64, &status)) < 0)
		return rc;
	n = details ? cJSON_GetArraySize(details) : 0;
	if (n > EVENTS_MAX)
		return wf_jerr(at, "tracking_details", "%d events; at most %d in one tracker",
		    n, EVENTS_MAX);
	if (n == 0) {
		/* a tracker without its events: its own status, as of updated_at */
		if (status == NULL)
			return wf_jerr(at, NULL, "neither status nor tracking_details: no event");
		if ((p->ev = calloc(1, sizeof *p->ev)) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		p->nev = 1;
		if (wf_text_check("status", status, 64) != 0)
			return wf_jerr(at, NULL, "%s", wf_error_msg());
		p->ev->status = status;
		p->ev->target = target_of(status, &known);
		if ((rc = event_time(at, o, wf_order_jhas(o, "updated_at") ? "updated_at" :
		    "created_at", p, &p->ev->at)) < 0)
			return rc;
		return 0;
	}
	if ((p->ev = calloc((size_t)n, sizeof *p->ev)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	l_details = (wf_jloc)WF_JLOC_KEY(at, "tracking_details");
	for (i = 0, d = details->child; d; d = d->next, i++) {
		l_d = (wf_jloc)WF_JLOC_IDX(&l_details, i);
		p->ev[i].order = (size_t)i;
		if ((rc = parse_detail(&l_d, d, strict, p, &p->ev[i], arena)) != 0)
			return rc;
	}
	p->nev = (size_t)n;
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* ---- applying them -------------------------------------------------------------- */

/* The actions of the shipment machine that take state FROM to TO, as a
 * carrier event means them, into ACT (at most two); 0 when the event does
 * not move the shipment forward. */
static int
path(const char *from, const char *to, const char *act[2])
{
	static const char *const rows[][4] = {
		{ "shipped",    "in_transit",         "transit", NULL },
		{ "shipped",    "delivered",          "deliver", NULL },
		{ "shipped",    "failed",             "fail", NULL },
		{ "shipped",    "returned_to_sender", "transit", "return_to_sender" },
		{ "in_transit", "delivered",          "deliver", NULL },
		{ "in_transit", "failed",             "fail", NULL },
		{ "in_transit", "returned_to_sender", "return_to_sender", NULL },
		{ "failed",     "in_transit",         "retry", NULL },
		{ "failed",     "delivered",          "retry", "deliver" },
		{ "failed",     "returned_to_sender", "return_to_sender", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (strcmp(rows[i][0], from) == 0 && strcmp(rows[i][1], to) == 0) {
			act[0] = rows[i][2];
			act[1] = rows[i][3];
			return act[1] ? 2 : 1;
		}
	return 0;
}

/* The data of a tracking event in the shipment's history. */
static cJSON *
event_data(const char *tracking, const struct ev *e)
{
	char when[WF_TIME_LEN];
	cJSON *d = cJSON_CreateObject();

	wf_time_format(e->at, when);
	if (d == NULL || wf_jadd_str(d, "tracking", tracking) |
	    wf_jadd_str(d, "status", e->status) | wf_jadd_str(d, "at", when) |
	    wf_jadd_str(d, "message", e->message)) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* Shipment S failed or went back to its sender on event E: the
 * delivery_failed exception on its order, for a person to act on. */
static int
raise_failed(wf_db *db, const struct wf_shipment_info *s, const char *tracking,
    const struct ev *e)
{
	struct wf_order_info o;
	char next[600];
	cJSON *ev;
	int rc;

	if ((rc = wf_order_find(db, &o, s->order)) != 0)
		return rc;
	if ((ev = event_data(tracking, e)) == NULL ||
	    wf_jadd_str(ev, "shipment", s->key) | wf_jadd_str(ev, "carrier",
	    s->carrier[0] ? s->carrier : NULL)) {
		cJSON_Delete(ev);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	if (strcmp(s->state, "failed") == 0)
		snprintf(next, sizeof next, "ask the customer of %s to confirm the address, then "
		    "ask %s to deliver %s (tracking %s) again; a later delivery clears this",
		    s->order, s->carrier[0] ? s->carrier : "the carrier", s->key, tracking);
	else
		snprintf(next, sizeof next, "%s (tracking %s) is going back to the warehouse: ask "
		    "the customer of %s whether to ship it again or refund it", s->key, tracking,
		    s->order);
	return wf_order_raise(db, s->order, &o, WF_EX_DELIVERY_FAILED, ev, 0, next);
}

/* Shipment S moves again after a failure: the exception goes when no leg
 * of its order is failed any more. */
static int
clear_failed(wf_db *db, const struct wf_shipment_info *s, const struct ev *e)
{
	struct wf_shipment_legs legs;
	char note[200], when[WF_TIME_LEN];
	int rc;

	if ((rc = wf_shipment_order_legs(db, &legs, s->order_id)) != 0)
		return rc;
	if (legs.failed > 0)
		return 0;
	wf_time_format(e->at, when);
	snprintf(note, sizeof note, "%s is %s again: the carrier says %s at %s", s->key,
	    strcmp(s->state, "delivered") == 0 ? "delivered" : "moving", e->status, when);
	return wf_order_clear(db, s->order, WF_EX_DELIVERY_FAILED, note);
}

/* Apply event E to shipment S: 1 when it changed S, 0 when not, or an
 * error. */
static int
apply(wf_db *db, struct wf_shipment_info *s, const char *tracking, const struct ev *e)
{
	const char *act[2];
	char was[24];
	int n, i, rc, late;
	cJSON *data;

	/* Older than what was applied: the shipment is past it, unless it
	 * ends the journey (delivered, returned to sender) and the shipment
	 * has not ended: in the carrier's time order nothing after it would
	 * have moved the shipment again, and a driver's handset may be
	 * minutes behind the hub's scanner. */
	if (s->has_tracked && e->at < s->tracked_at && !(e->target &&
	    (strcmp(e->target, "delivered") == 0 ||
	    strcmp(e->target, "returned_to_sender") == 0) &&
	    path(s->state, e->target, act) > 0))
		return 0;
	if (e->target == NULL || strcmp(e->target, s->state) == 0 ||
	    (n = path(s->state, e->target, act)) == 0) {
		/* nothing to move: a newer event is kept, unless the shipment is done */
		if ((s->has_tracked && e->at == s->tracked_at) ||
		    strcmp(s->state, "delivered") == 0 ||
		    strcmp(s->state, "returned_to_sender") == 0)
			return 0;
		if ((data = event_data(tracking, e)) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		return (rc = wf_shipment_track(db, s, NULL, e->at, data)) != 0 ? rc : 1;
	}
	wf_strlcpy(was, s->state, sizeof was);
	for (i = 0; i < n; i++) {
		if ((data = event_data(tracking, e)) == NULL)
			return wf_error_set(WF_ENOMEM, "out of memory");
		if ((rc = wf_shipment_track(db, s, act[i], e->at, data)) != 0)
			return rc;
	}
	if (strcmp(s->state, "failed") == 0 || strcmp(s->state, "returned_to_sender") == 0)
		rc = raise_failed(db, s, tracking, e);
	else if (strcmp(was, "failed") == 0)
		rc = clear_failed(db, s, e);
	else
		rc = 0;
	if (rc == 0 && strcmp(s->state, "delivered") == 0)
		rc = wf_order_carrier_delivered(db, &late, s->order_id, s->order, s->wh_id, s->key,
		    e->at);
	return rc != 0 ? rc : 1;
}

int
wf_order_track_line(wf_db *db, const struct wf_line *l, void *arg)
{
	const struct wf_order_track *t = arg;
	struct wf_shipment_info s;
	struct parsed p;
	struct ev one;
	const struct ev *last = NULL;
	cJSON *arena;
	size_t i;
	int rc, changed = 0;

	memset(&p, 0, sizeof p);
	p.at = l->at;
	p.now = wf_db_now(db);
	if ((arena = cJSON_CreateArray()) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	if (t->format == WF_TRACK_EASYPOST)
		rc = parse_easypost(l->at, l->obj, l->strict, &p, arena);
	else
		rc = parse_generic(l->at, l->obj, &p, &one);
	if (rc != 0)
		goto out;
	if (p.skip) {
		wf_jerr(l->at, NULL, "%s", p.skip_what);
		if (t->note)
			t->note(t->note_ctx, 0, wf_error_msg());
		goto out;
	}
	if ((rc = wf_shipment_find_tracking(db, &s, p.tracking)) < 0)
		goto out;
	if (rc == 0) {
		rc = wf_jerr(p.at, p.tracking_key, "no shipment has tracking number '%s'%s",
		    p.tracking, t->skip_unknown ? ": skipped" : "");
		if (t->skip_unknown) {
			if (t->note)
				t->note(t->note_ctx, 0, wf_error_msg());
			rc = 0;
		} else
			rc = wf_error_set(WF_ENOTFOUND, "%s", wf_error_msg());
		goto out;
	}
	if (strcmp(s.state, "planned") == 0 || strcmp(s.state, "picked") == 0 ||
	    strcmp(s.state, "packed") == 0 || strcmp(s.state, "cancelled") == 0) {
		rc = wf_jerr(p.at, p.tracking_key, "shipment %s of order %s is %s: carrier "
		    "events apply once it has shipped (wf-order ship)", s.key, s.order, s.state);
		rc = wf_error_set(WF_EREFUSED, "%s", wf_error_msg());
		goto out;
	}
	if (p.nev > 1)
		qsort(p.ev, p.nev, sizeof *p.ev, by_time);
	for (i = 0; i < p.nev; i++) {
		if ((rc = apply(db, &s, p.tracking, &p.ev[i])) < 0)
			goto out;
		changed |= rc;
		last = &p.ev[i];
	}
	rc = wf_shipment_emit_tracked(db, s.id, last ? last->status : NULL,
	    last ? last->message : NULL, changed ? "updated" : "unchanged", wf_db_out(db));
out:
	if (p.ev != &one)
		free(p.ev);
	cJSON_Delete(arena);
	return rc;
}
