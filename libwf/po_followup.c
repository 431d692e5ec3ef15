/* po_followup.c - chasing suppliers: the follow-ups due on open purchase
 * orders, as mail-ready records, and the record of those sent.
 *
 * owns: po_followup
 */
#include <string.h>

#include "po_priv.h"
#include "wf_buf.h"
#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_po.h"
#include "wf_time.h"
#include "wf_upsert.h"

static void
date_of(int64_t t, char out[11])
{
	wf_date_format(t, out);
}

static int
followup_text(const struct po *p, const struct po_eval *e, wf_buf *subject, wf_buf *body)
{
	char due[11], expected[11], confirmed[11], sent[11];
	int64_t units, value;
	size_t i;
	int rc = 0;

	if ((rc = wf_po_open_value(p, &units, &value)) != 0)
		return rc;
	date_of(e->due, due);
	date_of(p->expected, expected);
	date_of(p->confirmed_for, confirmed);
	date_of(p->sent_at, sent);
	if (strcmp(e->reason, "overdue") == 0) {
		rc |= wf_buf_addf(subject, "%s overdue since %s: %lld units open", p->key, due,
		    (long long)units);
		rc |= wf_buf_addf(body, "Hello %s,\n\nour purchase order %s was due on %s and "
		    "has not arrived.\nPlease tell us when it will be delivered.\n", p->sup.name,
		    p->key, due);
	} else if (strcmp(e->reason, "partial") == 0) {
		rc |= wf_buf_addf(subject, "%s partly delivered, overdue since %s: %lld units open",
		    p->key, due, (long long)units);
		rc |= wf_buf_addf(body, "Hello %s,\n\npart of our purchase order %s has arrived, "
		    "but the rest was due on %s.\nPlease tell us when the open units will be "
		    "delivered.\n", p->sup.name, p->key, due);
	} else if (strcmp(e->reason, "slipped") == 0) {
		rc |= wf_buf_addf(subject, "%s confirmed for %s, later than the %s we expected",
		    p->key, confirmed, expected);
		rc |= wf_buf_addf(body, "Hello %s,\n\nyou confirmed our purchase order %s for %s, "
		    "later than the %s we expected.\nPlease let us know if it can be delivered "
		    "sooner.\n", p->sup.name, p->key, confirmed, expected);
	} else {
		rc |= wf_buf_addf(subject, "%s sent %s awaits your confirmation", p->key, sent);
		rc |= wf_buf_addf(body, "Hello %s,\n\nwe sent you our purchase order %s on %s "
		    "and have not had your confirmation.\nPlease confirm it and its delivery "
		    "date.\n", p->sup.name, p->key, sent);
	}
	rc |= wf_buf_addf(body, "\nPurchase order: %s\nDeliver to: %s\n", p->key, p->wh);
	if (p->has_sent)
		rc |= wf_buf_addf(body, "Sent: %s\n", sent);
	rc |= wf_buf_addf(body, "Expected: %s\n", expected);
	rc |= wf_buf_addf(body, "Confirmed for: %s\n", p->has_confirmed_for ? confirmed :
	    "not confirmed");
	rc |= wf_buf_adds(body, "\nStill open:\n");
	for (i = 0; i < p->nlines; i++) {
		const struct po_line *l = &p->lines[i];
		if (wf_po_line_open(l) == 0)
			continue;
		rc |= wf_buf_addf(body, "  %s: %lld of %lld units (%lld received)\n", l->sku,
		    (long long)wf_po_line_open(l), (long long)l->ordered, (long long)l->received);
	}
	rc |= wf_buf_addf(body, "\nKind regards,\n%s\n", p->owner);
	return rc ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

/* The last follow-up recorded for P: 1 with its reason and time, or 0. */
static int
last_followup(wf_db *db, int64_t po_id, char reason[16], int64_t *at)
{
	static const char sql[] =
	    "SELECT reason, sent_at FROM po_followup WHERE po_id = ?1 ORDER BY id DESC LIMIT 1";
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, po_id);
	if ((rc = wf_db_step(db, st)) != 1)
		return rc;
	wf_upsert_copy(reason, 16, wf_col_text(st, 0));
	if (wf_time_parse(wf_col_text(st, 1), at) != 0)
		*at = 0;
	wf_stmt_reset(st);
	return 1;
}

static int
record_followup(wf_db *db, const struct po *p, const char *reason, const char *subject)
{
	static const char sql[] =
	    "INSERT INTO po_followup (po_id, reason, sent_at, actor) VALUES (?1, ?2, ?3, ?4)";
	wf_stmt *st;
	cJSON *data;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, p->id);
	wf_bind_text(st, 2, reason);
	wf_bind_time(st, 3, wf_db_now(db));
	wf_bind_text(st, 4, wf_db_actor(db));
	if ((rc = wf_db_done(db, st)) != 0)
		return rc;
	if ((data = cJSON_CreateObject()) == NULL ||
	    wf_jadd_str(data, "reason", reason) |
	    wf_jadd_str(data, "email", p->sup.has_email ? p->sup.email : NULL) |
	    wf_jadd_str(data, "subject", subject)) {
		cJSON_Delete(data);
		return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_history_add(db, "po", p->key, NULL, "followup", NULL, NULL, data);
}

static int
followup_one(wf_db *db, struct po *p, int record, wf_out *out)
{
	wf_buf subject = {0}, body = {0};
	char last[16] = "";
	int64_t now = wf_db_now(db), at = 0;
	struct po_eval e;
	cJSON *r;
	int rc;

	wf_po_eval(p, now, &e);
	/* only a run that records writes: the exceptions come up to date with
	 * the follow-ups booked */
	if (record && (rc = wf_po_sync_exceptions(db, p)) != 0)
		return rc;
	if (e.reason == NULL)
		return 0;
	if ((rc = last_followup(db, p->id, last, &at)) < 0)
		return rc;
	if (rc == 1 && strcmp(last, e.reason) == 0 &&
	    now < at + p->sup.follow_up_every_days * DAY)
		return 0;
	if ((rc = followup_text(p, &e, &subject, &body)) != 0)
		goto out;
	r = wf_jrecord("followup");
	if (r == NULL || wf_jadd_str(r, "po", p->key) | wf_jadd_str(r, "supplier", p->sup.code) |
	    wf_jadd_str(r, "email", p->sup.has_email ? p->sup.email : NULL) |
	    wf_jadd_str(r, "reason", e.reason) | wf_jadd_str(r, "subject", subject.p) |
	    wf_jadd_str(r, "body", body.p) | wf_jadd_time(r, "due", e.due)) {
		cJSON_Delete(r);
		rc = wf_error_set(WF_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = wf_out_emit(out, r)) != 0)
		goto out;
	if (record)
		rc = record_followup(db, p, e.reason, subject.p);
out:
	wf_buf_free(&subject);
	wf_buf_free(&body);
	return rc;
}

struct followup_run {
	int     record;
	wf_out *out;
};

static int
followup_each(wf_db *db, struct po *p, void *arg)
{
	const struct followup_run *run = arg;

	return followup_one(db, p, run->record, run->out);
}

int
wf_po_followup(wf_db *db, int record, wf_out *out)
{
	struct followup_run run = { record, out };
	int rc;

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	wf_po_columns(out);
	if ((rc = wf_po_each_open(db, followup_each, &run)) != 0) {
		wf_tx_rollback(db);
		return rc;
	}
	return wf_tx_commit(db);
}
