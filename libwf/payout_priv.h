/*
 * payout_priv.h - between the provider importers and the payout module.
 *
 * Each importer (payout_import.c: generic, Stripe, Shopify, PayPal;
 * payout_amazon.c: the settlement flat file) turns one input record into a
 * struct wf_payout_rec: a payout, lines, or both, normalised (categories,
 * signed minor units, UTC times, order keys).  payout.c validates and
 * applies it.  The category maps and the money and time readers are here
 * too, pure functions the unit tests call.
 *
 * Ownership: strings in a record point into the input's JSON tree or into
 * the record's arena (wf_payout_keep); both live until the record is done
 * with (wf_payout_rec_free).
 */
#ifndef PAYOUT_PRIV_H
#define PAYOUT_PRIV_H

#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "wf_buf.h"
#include "wf_db.h"
#include "wf_json.h"
#include "wf_payout.h"
#include "wf_time.h"

/* The most lines one input record holds: an Amazon row of the older
 * layout has up to nine amount columns. */
#define WF_PAYOUT_MAX_LINES 10
#define WF_PAYOUT_ARENA     48

/* Lengths the schema allows. */
#define WF_PAYOUT_ID_MAX    128     /* a payout's external id */
#define WF_PAYOUT_LINE_ID   200     /* a line's provider id */
#define WF_PAYOUT_LINE_MAX  255     /* a line's type, payment id */
#define WF_PAYOUT_TEXT_MAX  1000    /* a description */

struct wf_payout_in {
	const char *provider, *external_id;
	char        currency[4];
	int         has_amount;
	int64_t     amount;
	int         has_arrival;
	int64_t     arrival;            /* midnight UTC of the arrival date */
	const char *status, *description;
};

struct wf_payout_line_in {
	const char *provider, *provider_id;
	const char *payout;             /* its payout's external id, or NULL */
	const char *category;           /* one of wf_payout_categories */
	const char *provider_type, *status;
	int         unmapped;           /* the type is unknown: category other */
	int         is_payout;          /* the payout's own transfer to the bank */
	char        currency[4];
	int64_t     gross, fee, net;
	const char *provider_order, *order_ref, *payment_id, *description;
	int64_t     posted_at;
	int         has_available;
	int64_t     available_at;
};

struct wf_payout_rec {
	int         has_payout;
	struct wf_payout_in payout;
	size_t      nlines;
	struct wf_payout_line_in line[WF_PAYOUT_MAX_LINES];
	wf_buf      arena[WF_PAYOUT_ARENA];
	size_t      narena;
};

/* Keep printf-style text in R's arena and return it; NULL (with
 * WF_ENOMEM set) when out of memory or room. */
const char *wf_payout_keep(struct wf_payout_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Keep provider text S (a description) made safe to store: controls and
 * format characters as visible escapes (wf_text_clean), cut to
 * WF_PAYOUT_TEXT_MAX; NULL for NULL or "".  Sets *out; returns 0 or an
 * error located at AT/KEY. */
int wf_payout_keep_text(struct wf_payout_rec *r, const wf_jloc *at, const char *key,
    const char *s, const char **out);

/* Release R's arena and zero it. */
void wf_payout_rec_free(struct wf_payout_rec *r);

typedef struct wf_tsv wf_tsv;

/* What the importers of one run share: the options, and what the Amazon
 * file has said so far. */
struct wf_payout_parse {
	const struct wf_payout_import *imp;
	int         strict;             /* this record: refuse unknown keys */
	/* amazon: the settlement of the summary row */
	char        settlement[WF_PAYOUT_ID_MAX + 1];
	char        currency[4];
	int         has_end;
	int64_t     end;                /* its end, for rows without a date */
	/* amazon: the file's reader, which knows its layout */
	const struct wf_tsv *tsv;
	/* amazon: line ids seen, to number repeats (open addressing) */
	uint64_t   *seen;
	uint32_t   *seen_n;
	size_t      nseen, capseen;
};

void wf_payout_parse_free(struct wf_payout_parse *p);

/* The importers: the record O at AT into R (zeroed by the caller).  Each
 * returns 0, or WF_EINPUT with a located message. */
int wf_payout_parse_generic(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r);
int wf_payout_parse_stripe(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r);
int wf_payout_parse_shopify(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r);
int wf_payout_parse_paypal(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r);
/* One row of the flat file, as the reader below makes it: an object of
 * the header's column names and the row's cells (strings). */
int wf_payout_parse_amazon(struct wf_payout_parse *p, const wf_jloc *at,
    const cJSON *o, struct wf_payout_rec *r);

/* The Amazon flat file as a record source for wf_batch (its `source`):
 * the header row first, then one object per data row.  A header that is
 * not a settlement report's, in either layout, is refused at line 1. */
/* STRICT refuses header columns neither layout has. */
int  wf_tsv_open(wf_tsv **t, FILE *f, const char *name, int strict);
int  wf_tsv_read(void *t, cJSON **obj, long *line);
/* Whether the header is V2's (amount-type, amount-description, amount): 1,
 * or 0 for the older layout (or before the header is read). */
int  wf_tsv_v2(const wf_tsv *t);
void wf_tsv_close(wf_tsv *t);

/* ---- the category maps ------------------------------------------------------
 * Each returns the category for a provider's type, or NULL when the type is
 * not one the map knows (the line is then `other`, with unknown_category).
 * AMOUNT's sign tells holds from releases and disputes from their
 * reversals where the provider uses one type for both. */

/* Stripe: the reporting category when known, else the type.  SOURCE is
 * the balance transaction's source id (may be NULL): an `adjustment` of a
 * dispute (dp_, du_) is a dispute. */
const char *wf_payout_stripe_category(const char *reporting_category, const char *type,
    const char *source, int64_t amount);
/* Shopify Payments: the transaction's type. */
const char *wf_payout_shopify_category(const char *type, int64_t amount);
/* PayPal: the event code, T followed by four digits, by its group (T00xx
 * payments, T01xx fees, ...) and the codes of a group that differ. */
const char *wf_payout_paypal_category(const char *code, int64_t amount);
/* Amazon: transaction-type, amount-type and amount-description (the older
 * layout's columns named as V2 names them: ItemPrice, ItemFees, ...).
 * *fee is set to 1 when the amount is a fee Amazon kept (it goes in the
 * line's fee, not its gross). */
const char *wf_payout_amazon_category(const char *transaction_type,
    const char *amount_type, const char *description, int64_t amount, int *fee);

/* ---- amounts and times ------------------------------------------------------ */

/* A Stripe amount (Stripe's minor unit of CURRENCY: none for its
 * zero-decimal currencies, three places for BHD JOD KWD OMR TND, else two)
 * as minor units of the ISO 4217 exponent.  Returns 0, or WF_EINPUT when
 * it is not a whole number of ISO minor units or passes the money limit. */
int wf_payout_stripe_amount(int64_t amount, const char *currency, int64_t *out);

/* An Amazon amount: "-1.00", or with a decimal comma "27,99"; no grouping.
 * Returns 0 or WF_EINPUT (message without location). */
int wf_payout_amazon_money(const char *s, const char *currency, int64_t *out);

/* An Amazon date: ISO 8601, "2015-12-02 04:15:26 UTC", or the European
 * "02.12.2015[ 04:15:26[ UTC]]".  Returns 0 or WF_EINPUT. */
int wf_payout_amazon_time(const char *s, int64_t *out);

/* ---- rows (payout_read.c) -----------------------------------------------------
 * payout.c writes the tables; these read them, for it and for the tools. */

#define REFLEN 168              /* provider (32) ':' external id (128) */

struct payout_row {
	int64_t id;
	char    ref[REFLEN], provider[40], external_id[WF_PAYOUT_ID_MAX + 1];
	char    state[16], currency[4], arrival[11];
	int     has_amount, has_status, has_description;
	int64_t amount;
	char    status[72];
	char    description[WF_PAYOUT_TEXT_MAX + 8];
};

#define PAYOUT_COLS "id, ref, provider, external_id, state, currency, amount, arrival," \
                    " status, description FROM payout"

/* A line as stored, with room for its strings (R's point into them). */
struct line_row {
	struct wf_payout_line_row r;
	char payout[REFLEN], provider[40], provider_id[WF_PAYOUT_LINE_ID + 1];
	char category[20], provider_type[WF_PAYOUT_LINE_MAX + 1], status[72], currency[4];
	char provider_order[WF_PAYOUT_ID_MAX + 1], order_ref[REFLEN];
	char payment_id[WF_PAYOUT_LINE_MAX + 1], description[WF_PAYOUT_TEXT_MAX + 8];
	char posted_at[WF_TIME_LEN], available_at[WF_TIME_LEN];
};

#define LINE_COLS \
	"l.id, l.payout_id, p.ref, l.provider, l.provider_id, l.category, l.provider_type," \
	" l.status, l.unmapped, l.is_payout, l.net_differs, l.currency, l.gross, l.fee, l.net," \
	" l.provider_order, l.order_ref, l.payment_id, l.description, l.order_id, l.posted_at," \
	" l.available_at FROM payout_line l LEFT JOIN payout p ON p.id = l.payout_id"

/* Payout by its provider's key, by REF, by id: *found 1 with P, or 0.
 * Each returns 0 or a database error. */
int wf_payout_row_by_key(wf_db *db, const char *provider, const char *external_id,
    struct payout_row *p, int *found);
int wf_payout_row_by_ref(wf_db *db, const char *ref, struct payout_row *p, int *found);
int wf_payout_row_by_id(wf_db *db, int64_t id, struct payout_row *p, int *found);

/* Line by its provider's key, or by id, copied into L. */
int wf_payout_line_by_key(wf_db *db, const char *provider, const char *provider_id,
    struct line_row *l, int *found);
int wf_payout_line_by_id(wf_db *db, int64_t id, struct line_row *l, int *found);
/* The line in ST's current row (LINE_COLS) into L's own storage. */
void wf_payout_line_copy(wf_stmt *st, struct line_row *l);

/* The payout record of P with S (its sum) and RESULT (may be NULL), and a
 * line's: with TYPE a record, else the fields alone (event data).  NULL
 * when out of memory. */
cJSON *wf_payout_record(const struct payout_row *p, const struct wf_payout_sum *s,
    const char *result);
cJSON *wf_payout_line_json(const struct wf_payout_line_row *l, int type, const char *result);

/* Sum P's lines and emit its record to OUT.  Returns 0 or an error. */
int wf_payout_emit(wf_db *db, wf_out *out, const struct payout_row *p, const char *result);

#endif
