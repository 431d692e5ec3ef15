/* record.c - the record registry's walks, and keys of numbered records. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "wf_error.h"
#include "wf_json.h"
#include "wf_record.h"

const struct wf_record_type *
wf_record_find(const char *type)
{
	size_t i;

	for (i = 0; wf_registry[i]; i++)
		if (strcmp(wf_registry[i]->type, type) == 0)
			return wf_registry[i];
	return NULL;
}

int
wf_record_in_history(const char *type)
{
	const struct wf_record_type *t = wf_record_find(type);

	return t != NULL && !(t->flags & WF_RECORD_NOHISTORY);
}

int
wf_record_history_types(wf_buf *out)
{
	size_t i;
	int rc = 0, n = 0;

	for (i = 0; wf_registry[i]; i++)
		if (!(wf_registry[i]->flags & WF_RECORD_NOHISTORY))
			rc |= wf_buf_addf(out, "%s%s", n++ ? ", " : "", wf_registry[i]->type);
	return rc ? WF_ENOMEM : 0;
}

const struct wf_machine *
wf_machine_at(size_t i)
{
	size_t r, k;

	for (r = 0; wf_registry[r]; r++)
		for (k = 0; wf_registry[r]->machines && wf_registry[r]->machines[k]; k++)
			if (i-- == 0)
				return wf_registry[r]->machines[k];
	return NULL;
}

int
wf_key_parse(int64_t *id, const struct wf_record_type *t, const char *key)
{
	size_t n = strlen(t->prefix), i;
	const char *p;
	int64_t v = 0;

	for (i = 0; i < n; i++)
		if (tolower((unsigned char)key[i]) != tolower((unsigned char)t->prefix[i]))
			goto bad;
	p = key + n;
	if (*p < '1' || *p > '9')
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (WF_JSON_INT_MAX - (*p - '0')) / 10)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	*id = v;
	return 0;
bad:
	return wf_error_set(WF_EUSAGE, "expected %s, got '%.40s'", t->key_hint, key);
}

void
wf_key_format(const struct wf_record_type *t, int64_t id, char out[WF_KEY_LEN])
{
	snprintf(out, WF_KEY_LEN, "%s%lld", t->prefix, (long long)id);
}

int
wf_record_exists(wf_db *db, int *found, const struct wf_record_type *t,
    const char *key)
{
	wf_stmt *st;
	int64_t id;
	int rc;

	*found = -1;
	if (t->lookup == NULL)
		return 0;
	*found = 0;
	if (t->prefix && wf_key_parse(&id, t, key) != 0) {
		wf_error_clear();
		return 0;
	}
	if ((rc = wf_db_stmt(db, &st, t->lookup)) != 0)
		return rc;
	if (t->prefix)
		wf_bind_int(st, 1, id);
	else
		wf_bind_text(st, 1, key);
	if ((rc = wf_db_step(db, st)) < 0)
		return rc;
	*found = rc == 1;
	wf_stmt_reset(st);
	return 0;
}

int
wf_record_named(wf_db *db, const struct wf_record_type **type,
    const char *const *types, const char *key)
{
	const struct wf_record_type *t;
	int found, rc;

	*type = NULL;
	for (; *types; types++) {
		if ((t = wf_record_find(*types)) == NULL)
			continue;
		if ((rc = wf_record_exists(db, &found, t, key)) != 0)
			return rc;
		if (found == 1) {
			*type = t;
			return 0;
		}
	}
	return 0;
}
