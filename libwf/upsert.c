/* upsert.c - adding a record by its natural key, idempotently: load, merge,
 * diff, insert or update, history, emit (wf_upsert.h).
 *
 * It owns no table: it runs the statements each record module gives it, on
 * that module's table.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "wf_error.h"
#include "wf_history.h"
#include "wf_json.h"
#include "wf_money.h"
#include "wf_text.h"
#include "wf_upsert.h"

static int
oom(void)
{
	return wf_error_set(WF_ENOMEM, "out of memory");
}

void
wf_upsert_copy(char *dst, size_t n, const char *src)
{
	size_t len = wf_strlcpy(dst, src, n);

	assert(len < n);
	(void)len;
}

struct wf_upsert_val
wf_upsert_text(const char *s)
{
	struct wf_upsert_val v = { s != NULL, 0, s };

	return v;
}

struct wf_upsert_val
wf_upsert_int(int has, int64_t i)
{
	struct wf_upsert_val v = { has != 0, i, NULL };

	return v;
}

static int
is_text(const struct wf_upsert_field *f)
{
	return f->kind == WF_UPSERT_TEXT || f->kind == WF_UPSERT_LIST;
}

/* Whether the add writes field F. */
static int
written(const struct wf_upsert_field *f)
{
	return !(f->flags & (WF_UPSERT_KEY | WF_UPSERT_STORED));
}

void
wf_upsert_row(const struct wf_upsert_type *t, wf_stmt *st, struct wf_upsert_val *v)
{
	size_t i;

	assert(t->nfields <= WF_UPSERT_FIELDS);
	for (i = 0; i < t->nfields; i++) {
		int col = (int)i + 1;

		v[i].set = !wf_col_null(st, col);
		v[i].s = is_text(&t->fields[i]) ? wf_col_str(st, col) : NULL;
		v[i].i = is_text(&t->fields[i]) ? 0 : wf_col_int(st, col);
	}
}

/* Bind U's key as ?1, ?2, ... of ST, which takes MAX parameters; the
 * number of the key's parameters. */
static int
bind_key(wf_stmt *st, const struct wf_upsert *u, int max)
{
	int n;

	assert(u->nkey <= WF_UPSERT_KEYS);
	for (n = 1; (size_t)n <= u->nkey && n <= max; n++) {
		if (u->key[n - 1].s)
			wf_bind_text(st, n, u->key[n - 1].s);
		else
			wf_bind_int(st, n, u->key[n - 1].i);
	}
	return (int)u->nkey;
}

void
wf_upsert_free(struct wf_upsert *u)
{
	size_t i;

	for (i = 0; i < WF_UPSERT_FIELDS; i++) {
		free(u->mem[i]);
		u->mem[i] = NULL;
	}
}

int
wf_upsert_load(wf_db *db, struct wf_upsert *u)
{
	const struct wf_upsert_type *t = u->t;
	wf_stmt *st;
	size_t i;
	int rc;

	u->found = 0;
	u->id = 0;
	if ((rc = wf_db_stmt(db, &st, t->load)) != 0)
		return rc;
	bind_key(st, u, wf_stmt_params(st));
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	if (rc == 1) {
		u->found = 1;
		u->id = wf_col_int(st, 0);
		wf_upsert_row(t, st, u->old);
		/* the row's text lives until the next step: keep a copy */
		for (i = 0; i < t->nfields; i++) {
			if (u->old[i].s == NULL)
				continue;
			free(u->mem[i]);
			if ((u->mem[i] = strdup(u->old[i].s)) == NULL) {
				wf_stmt_reset(st);
				return oom();
			}
			u->old[i].s = u->mem[i];
		}
		wf_stmt_reset(st);
		memcpy(u->val, u->old, sizeof u->val);
	}
	for (i = 0; i < t->nfields; i++)
		if ((t->fields[i].flags & WF_UPSERT_KEY) && u->given[i].set)
			u->val[i] = u->given[i];
	return 0;
}

/* A new record's value of field F, when it is not given. */
static struct wf_upsert_val
initial(const struct wf_upsert_field *f)
{
	struct wf_upsert_val v = { 0, 0, NULL };

	if (f->text || !(f->flags & WF_UPSERT_NULL)) {
		v.set = 1;
		v.i = f->num;
		if (is_text(f))
			v.s = f->text ? f->text : "";
	}
	return v;
}

/* "A,B" as ["A","B"]; "" as []. */
static cJSON *
list_json(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	wf_buf item = {0};

	while (a && *s) {
		size_t n = strcspn(s, ",");
		cJSON *c = NULL;

		wf_buf_reset(&item);
		if (wf_buf_add(&item, s, n) != 0 ||
		    (c = cJSON_CreateString(wf_buf_str(&item))) == NULL ||
		    !cJSON_AddItemToArray(a, c)) {
			cJSON_Delete(c);
			cJSON_Delete(a);
			a = NULL;
			break;
		}
		s += n + (s[n] == ',');
	}
	wf_buf_free(&item);
	return a;
}

/* Add field F of value X to R; ALL are the record's values (for a money
 * field's currency). */
static int
add_field(cJSON *r, const struct wf_upsert_field *f, const struct wf_upsert_val *x,
    const struct wf_upsert_val *all)
{
	switch (f->kind) {
	case WF_UPSERT_TEXT:
		return wf_jadd_str(r, f->name, x->set ? x->s : NULL);
	case WF_UPSERT_LIST:
		return wf_jadd_item(r, f->name, list_json(x->set && x->s ? x->s : ""));
	case WF_UPSERT_INT:
		return x->set ? wf_jadd_int(r, f->name, x->i) : wf_jadd_null(r, f->name);
	case WF_UPSERT_MONEY:
		return x->set ? wf_jadd_money(r, f->name, x->i, all[f->currency].s) :
		    wf_jadd_null(r, f->name);
	}
	return WF_EINTERNAL;
}

cJSON *
wf_upsert_record(const struct wf_upsert_type *t, const struct wf_upsert_val *v,
    const char *result)
{
	cJSON *r = wf_jrecord(t->type);
	size_t i;
	int rc = 0;

	if (r == NULL)
		return NULL;
	for (i = 0; i < t->nfields; i++) {
		if (i == t->result_at && result)
			rc |= wf_jadd_str(r, "result", result);
		rc |= add_field(r, &t->fields[i], &v[i], v);
	}
	if (rc) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

int
wf_upsert_list(wf_db *db, const struct wf_upsert_type *t, const char *sql,
    const char *arg, wf_out *out)
{
	struct wf_upsert_val v[WF_UPSERT_FIELDS];
	wf_stmt *st;
	int rc;

	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	if (wf_stmt_params(st) >= 1)
		wf_bind_text(st, 1, arg);
	while ((rc = wf_db_step(db, st)) == 1) {
		wf_upsert_row(t, st, v);
		if ((rc = wf_out_emit(out, wf_upsert_record(t, v, NULL))) != 0)
			break;
	}
	wf_stmt_reset(st);
	return rc < 0 ? rc : 0;
}

int
wf_upsert_show(wf_db *db, const struct wf_upsert_type *t, const char *key, wf_out *out)
{
	struct wf_upsert u = { .t = t, .nkey = 1 };
	int rc;

	u.key[0] = wf_upsert_text(key);
	if ((rc = wf_upsert_load(db, &u)) == 0)
		rc = u.found ? wf_out_emit(out, wf_upsert_record(t, u.val, NULL)) : 1;
	wf_upsert_free(&u);
	return rc;
}

/* Record in CHANGES how field I went from U->old to U->val. */
static int
diff(cJSON *changes, const struct wf_upsert *u, size_t i)
{
	const struct wf_upsert_field *f = &u->t->fields[i];
	const struct wf_upsert_val *a = &u->old[i], *b = &u->val[i];
	char from[40], to[40];

	if (is_text(f))
		return wf_change_text(changes, f->name, a->set ? a->s : NULL, b->set ? b->s : NULL);
	if (f->kind == WF_UPSERT_INT || (f->flags & WF_UPSERT_MINOR))
		return wf_change_int(changes, f->name, a->set, a->i, b->set, b->i);
	/* money as the decimal text, each in its own currency */
	if (a->set)
		wf_money_format(a->i, u->old[f->currency].s, from, sizeof from);
	if (b->set)
		wf_money_format(b->i, u->val[f->currency].s, to, sizeof to);
	return wf_change_text(changes, f->name, a->set ? from : NULL, b->set ? to : NULL);
}

static cJSON *
changes_of(const struct wf_upsert *u)
{
	const struct wf_upsert_type *t = u->t;
	cJSON *c = cJSON_CreateObject();
	size_t i;
	int rc = 0;

	if (c == NULL || !u->found)
		return c;
	if (t->changes) {
		const int *k;
		for (k = t->changes; *k >= 0; k++)
			rc |= diff(c, u, (size_t)*k);
	} else {
		for (i = 0; i < t->nfields; i++)
			if (written(&t->fields[i]))
				rc |= diff(c, u, i);
	}
	if (rc) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

static int
write_row(wf_db *db, const struct wf_upsert *u)
{
	const struct wf_upsert_type *t = u->t;
	wf_stmt *st;
	size_t i;
	int rc, n, max;

	if ((rc = wf_db_stmt(db, &st, u->found ? t->update : t->insert)) != 0)
		return rc;
	max = wf_stmt_params(st);
	n = bind_key(st, u, max) + 1;
	for (i = 0; i < t->nfields; i++) {
		const struct wf_upsert_val *v = &u->val[i];

		if (!written(&t->fields[i]))
			continue;
		if (n <= max) {
			if (is_text(&t->fields[i]))
				wf_bind_text(st, n, v->set ? v->s : NULL);
			else
				wf_bind_opt_int(st, n, v->set, v->i);
		}
		n++;
	}
	if (n <= max)
		wf_bind_time(st, n, wf_db_now(db));
	if (n + 1 <= max)
		wf_bind_int(st, n + 1, u->id);
	return wf_db_done(db, st);
}

/* The create event's data: the record as created. */
static cJSON *
created_data(const struct wf_upsert *u)
{
	cJSON *r = wf_upsert_record(u->t, u->val, NULL);

	if (r && (u->t->flags & WF_UPSERT_UNTYPED))
		cJSON_DeleteItemFromObjectCaseSensitive(r, "type");
	return r;
}

static int
save(wf_db *db, struct wf_upsert *u)
{
	const struct wf_upsert_type *t = u->t;
	cJSON *changes, *data;
	size_t i;
	int rc;

	if ((t->prepare && (rc = t->prepare(db, u)) != 0) ||
	    (rc = wf_upsert_load(db, u)) != 0)
		return rc;
	for (i = 0; i < t->nfields; i++) {
		if (!u->found && !(t->fields[i].flags & WF_UPSERT_KEY))
			u->val[i] = initial(&t->fields[i]);
		if (u->given[i].set)
			u->val[i] = u->given[i];
	}
	if (t->merge && (rc = t->merge(db, u)) != 0)
		return rc;
	if ((changes = changes_of(u)) == NULL)
		return oom();
	u->result = wf_change_result(!u->found, changes);
	if (u->found && changes->child == NULL) {
		cJSON_Delete(changes);
		return 0;
	}
	if ((rc = write_row(db, u)) != 0) {
		cJSON_Delete(changes);
		return rc;
	}
	if (!u->found)
		u->id = wf_db_last_id(db);
	data = u->found ? NULL : created_data(u);
	if (!u->found && t->initial == NULL) {
		cJSON_Delete(changes);
		if (data == NULL)
			return oom();
		return wf_history_add(db, t->history, u->ref, NULL, "create", NULL, NULL, data);
	}
	return wf_history_upsert(db, t->history, u->ref, !u->found, t->initial, changes, data);
}

int
wf_upsert(wf_db *db, struct wf_upsert *u, wf_out *out)
{
	int rc;

	assert(u->t->nfields <= WF_UPSERT_FIELDS && u->t->result_at <= u->t->nfields);

	if ((rc = wf_tx_begin(db)) != 0)
		return rc;
	if ((rc = save(db, u)) != 0 ||
	    (u->t->saved && (rc = u->t->saved(db, u)) != 0) ||
	    (rc = wf_out_emit(out, wf_upsert_record(u->t, u->val, u->result))) != 0) {
		wf_upsert_free(u);
		wf_tx_rollback(db);
		return rc;
	}
	wf_upsert_free(u);
	return wf_tx_commit(db);
}

int
wf_upsert_near(wf_db *db, wf_buf *best, const char *sql, const char *word,
    const char *scope)
{
	struct wf_text_near near;
	size_t len = strlen(word), d = len / 3 ? len / 3 : 1;
	const char *b;
	wf_stmt *st;
	int rc;

	wf_text_near_init(&near, word);
	if ((rc = wf_db_stmt(db, &st, sql)) != 0)
		return rc;
	wf_bind_int(st, 1, (int64_t)(len > d ? len - d : 0));
	wf_bind_int(st, 2, (int64_t)(len + d));
	if (wf_stmt_params(st) >= 3)
		wf_bind_text(st, 3, scope);
	while ((rc = wf_db_step(db, st)) == 1)
		wf_text_near_add(&near, wf_col_text(st, 0));
	if (rc < 0)
		return rc;
	/* a stored key is safe text, but say so: nothing acts on a terminal */
	if ((b = wf_text_near_best(&near)) != NULL && wf_text_escape(best, b, strlen(b)) != 0)
		return oom();
	return 0;
}

int
wf_upsert_unknown(wf_db *db, const char *sql, const char *what, const char *word)
{
	wf_buf said = {0}, best = {0};
	int rc;

	if ((rc = wf_upsert_near(db, &best, sql, word, NULL)) != 0)
		return rc;
	/* the word may come from anywhere: nothing in it acts on a terminal */
	if (wf_text_escape(&said, word, strlen(word)) != 0)
		rc = oom();
	else if (best.len)
		rc = wf_error_set(WF_ENOTFOUND, "unknown %s '%s'; did you mean '%s'?", what,
		    wf_buf_str(&said), wf_buf_str(&best));
	else
		rc = wf_error_set(WF_ENOTFOUND, "unknown %s '%s'", what, wf_buf_str(&said));
	wf_buf_free(&said);
	wf_buf_free(&best);
	return rc;
}
