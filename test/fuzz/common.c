/* common.c - invariants shared by the JSON targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void
fuzz_fail(const char *file, int line, const char *cond)
{
	fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, cond);
	if (wf_error_msg()[0])
		fprintf(stderr, "  last libwf error (%d): %.300s\n", wf_error_code(),
		    wf_error_msg());
	fflush(stderr);
	abort();
}

char *
fuzz_strndup(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

int
fuzz_json_equal(const cJSON *a, const cJSON *b)
{
	const cJSON *x, *y;

	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	if (cJSON_IsString(a) || cJSON_IsNumber(a))
		return a->valuestring && b->valuestring &&
		    strcmp(a->valuestring, b->valuestring) == 0;
	if (!cJSON_IsObject(a) && !cJSON_IsArray(a))
		return 1;
	for (x = a->child, y = b->child; x && y; x = x->next, y = y->next) {
		if (cJSON_IsObject(a) && strcmp(x->string, y->string) != 0)
			return 0;
		if (!fuzz_json_equal(x, y))
			return 0;
	}
	return x == NULL && y == NULL;
}

int
fuzz_msg_safe(const char *m)
{
	const unsigned char *p = (const unsigned char *)m;
	int cont = 0;           /* continuation bytes still due */

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return 0;               /* U+0080-U+009F */
		if (*p >= 0x80 && *p <= 0xBF) {
			if (cont == 0 && *p <= 0x9F)
				return 0;       /* a raw C1 byte */
			if (cont > 0)
				cont--;
			continue;
		}
		cont = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC0 ? 1 : 0;
	}
	return 1;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

int
fuzz_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (digit(*s))
		while (digit(*s))
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!digit(*++s))
			return 0;
		while (digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!digit(*s))
			return 0;
		while (digit(*s))
			s++;
	}
	return *s == '\0';
}

/* ---- the typed accessors against what the tree holds --------------------- */

#define ERR_PREFIX "fuzz:7: "

/* An accessor said no: the code, the message and its location prefix. */
static void
expect_input_error(int rc)
{
	FUZZ_ASSERT(rc == WF_EINPUT);
	FUZZ_ASSERT(wf_error_code() == WF_EINPUT);
	FUZZ_ASSERT(strncmp(wf_error_msg(), ERR_PREFIX, strlen(ERR_PREFIX)) == 0);
	FUZZ_ASSERT(fuzz_msg_safe(wf_error_msg()));
}

/* An accessor refused a value of the wrong type: the message also says
 * what it got. */
static void
expect_type_error(int rc, const cJSON *c)
{
	const char *got = cJSON_IsTrue(c) ? "got true" : cJSON_IsFalse(c) ? "got false" :
	    cJSON_IsObject(c) ? "got an object" : cJSON_IsArray(c) ? "got an array" : NULL;
	size_t n = strlen(wf_error_msg());

	expect_input_error(rc);
	if (got)
		FUZZ_ASSERT(n >= strlen(got) &&
		    strcmp(wf_error_msg() + n - strlen(got), got) == 0);
}

/* What an absent or null member must give: 1, or an error when required. */
static int
absent(const cJSON *c, unsigned fl, int rc)
{
	if (c != NULL && !cJSON_IsNull(c))
		return 0;
	if (fl & WF_J_REQ)
		expect_input_error(rc);
	else
		FUZZ_ASSERT(rc == 1);
	return 1;
}

/* The integer a number lexeme holds: 0 and *v, -1 when it is not an
 * integer, -2 when its magnitude is past 2^53-1. */
static int
int_oracle(const char *lex, int64_t *v)
{
	const char *p = lex;
	__int128 acc = 0;
	int neg = 0, big = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (*p == '\0')
		return -1;
	for (; *p; p++) {
		if (!digit(*p))
			return -1;
		if (!big)
			acc = acc * 10 + (*p - '0');
		if (acc > WF_JSON_INT_MAX)
			big = 1;
	}
	if (big)
		return -2;
	*v = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

static const char *const currencies[] = { "EUR", "JPY", "KWD", "CLF" };

static void
check_member(const wf_jloc *at, const cJSON *o, const cJSON *c, unsigned seed)
{
	static const int64_t ranges[][2] = {
		{ INT64_MIN, INT64_MAX }, { 1, WF_JSON_INT_MAX },
		{ 0, WF_JSON_INT_MAX }, { -5, 5 },
	};
	const char *key = c->string, *s = NULL, *cur;
	const cJSON *sub = NULL;
	unsigned fl;
	int64_t v = 12345, want;
	size_t maxlen;
	int rc, b = -1, k, ok;

	/* No duplicate keys survive the parser, so the lookup finds C. */
	FUZZ_ASSERT(cJSON_GetObjectItemCaseSensitive(o, key) == c);

	for (k = 0; k < 2; k++) {
		fl = k ? WF_J_REQ | WF_J_NONEMPTY : 0;

		maxlen = (seed >> 3) % 5 == 0 ? 0 : (seed >> 3) % 37;
		s = NULL;
		rc = wf_jget_str(at, o, key, fl, maxlen, &s);
		if (!absent(c, fl, rc)) {
			if (cJSON_IsString(c) &&
			    !((fl & WF_J_NONEMPTY) && c->valuestring[0] == '\0') &&
			    !(maxlen && strlen(c->valuestring) > maxlen)) {
				FUZZ_ASSERT(rc == 0);
				FUZZ_ASSERT(s == c->valuestring);
			} else
				expect_type_error(rc, c);
		}

		{
			const int64_t *r = ranges[(seed + (unsigned)k) % 4];
			int orc = -1;
			v = 12345;
			rc = wf_jget_int(at, o, key, fl, r[0], r[1], &v);
			if (!absent(c, fl, rc)) {
				if (cJSON_IsNumber(c))
					orc = int_oracle(c->valuestring, &want);
				if (orc == 0 && want >= r[0] && want <= r[1]) {
					FUZZ_ASSERT(rc == 0);
					FUZZ_ASSERT(v == want);
				} else {
					expect_type_error(rc, c);
					FUZZ_ASSERT(v == 12345);
				}
			}
		}

		rc = wf_jget_bool(at, o, key, fl, &b);
		if (!absent(c, fl, rc)) {
			if (cJSON_IsBool(c)) {
				FUZZ_ASSERT(rc == 0);
				FUZZ_ASSERT(b == cJSON_IsTrue(c));
			} else
				expect_type_error(rc, c);
		}

		/* (the oracles run first: they would overwrite the message) */
		cur = currencies[(seed + (unsigned)k) % 4];
		fl |= (seed & 1) ? WF_J_NUMOK : 0;
		{
			const char *text = cJSON_IsString(c) ? c->valuestring :
			    cJSON_IsNumber(c) && (fl & WF_J_NUMOK) ? c->valuestring : NULL;
			ok = text && wf_money_parse(text, cur, &want) == 0;
		}
		v = 12345;
		rc = wf_jget_money(at, o, key, fl, cur, &v);
		if (!absent(c, fl, rc)) {
			if (ok) {
				FUZZ_ASSERT(rc == 0);
				FUZZ_ASSERT(v == want);
			} else
				expect_type_error(rc, c);
		}
		fl &= ~(unsigned)WF_J_NUMOK;

		ok = cJSON_IsString(c) && c->valuestring[0] &&
		    strlen(c->valuestring) <= 64 &&
		    wf_time_parse(c->valuestring, &want) == 0;
		v = 12345;
		rc = wf_jget_time(at, o, key, fl, &v);
		if (!absent(c, fl, rc)) {
			if (ok) {
				FUZZ_ASSERT(rc == 0);
				FUZZ_ASSERT(v == want);
			} else
				expect_type_error(rc, c);
		}

		s = NULL;
		rc = wf_jget_id(at, o, key, fl, &s);
		if (!absent(c, fl, rc)) {
			ok = (cJSON_IsString(c) && c->valuestring[0] &&
			    strlen(c->valuestring) <= 128) ||
			    (cJSON_IsNumber(c) && strlen(c->valuestring) <= 128 &&
			    strspn(c->valuestring, "0123456789") == strlen(c->valuestring));
			if (ok) {
				FUZZ_ASSERT(rc == 0);
				FUZZ_ASSERT(s == c->valuestring);
			} else
				expect_type_error(rc, c);
		}

		sub = NULL;
		rc = wf_jget_obj(at, o, key, fl, &sub);
		if (!absent(c, fl, rc)) {
			if (cJSON_IsObject(c))
				FUZZ_ASSERT(rc == 0 && sub == c);
			else
				expect_type_error(rc, c);
		}
		sub = NULL;
		rc = wf_jget_arr(at, o, key, fl, &sub);
		if (!absent(c, fl, rc)) {
			if (cJSON_IsArray(c))
				FUZZ_ASSERT(rc == 0 && sub == c);
			else
				expect_type_error(rc, c);
		}
	}
}

static void
check_keys(const wf_jloc *at, const cJSON *o, unsigned seed)
{
	const cJSON *c;
	const char **known;
	size_t n = 0, i = 0, drop;
	int rc;

	for (c = o->child; c; c = c->next)
		n++;
	if ((known = calloc(n + 1, sizeof *known)) == NULL)
		abort();
	drop = (seed & 2) && n ? seed % n : n;          /* n: drop none */
	for (c = o->child; c; c = c->next, i++)
		if (i != drop)
			known[i < drop ? i : i - 1] = c->string;
	rc = wf_jcheck_keys(at, o, known);
	if (drop == n)
		FUZZ_ASSERT(rc == 0);
	else
		expect_input_error(rc);
	free(known);
}

static void
walk(const wf_jloc *at, const cJSON *v, unsigned seed)
{
	const cJSON *c;
	long i = 0;

	if (cJSON_IsObject(v))
		check_keys(at, v, seed);
	for (c = v->child; c; c = c->next, i++) {
		if (cJSON_IsObject(v)) {
			wf_jloc here = WF_JLOC_KEY(at, c->string);
			check_member(at, v, c, seed + (unsigned)i);
			walk(&here, c, seed * 31 + (unsigned)i);
		} else {
			wf_jloc here = WF_JLOC_IDX(at, i);
			walk(&here, c, seed * 31 + (unsigned)i);
		}
	}
	if (cJSON_IsObject(v)) {
		/* A member that is not there. */
		int64_t x;
		FUZZ_ASSERT(wf_jget_int(at, v, "\xff absent", 0, 0, 1, &x) == 1);
		expect_input_error(wf_jget_int(at, v, "\xff absent", WF_J_REQ, 0, 1, &x));
	}
}

/* Every number keeps an exact, valid lexeme. */
static void
check_numbers(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsNumber(v)) {
		FUZZ_ASSERT(wf_json_lexeme(v) != NULL);
		FUZZ_ASSERT(fuzz_json_number(wf_json_lexeme(v)));
	}
	for (c = v->child; c; c = c->next)
		check_numbers(c);
}

void
fuzz_json_tree(const cJSON *v, unsigned seed)
{
	wf_buf b1 = {0}, b2 = {0};
	wf_jloc root = WF_JLOC_ROOT("fuzz", 7);
	cJSON *w = NULL;

	FUZZ_ASSERT(cJSON_IsObject(v));
	check_numbers(v);

	/* The writer's output is valid input, means the same, and is stable. */
	FUZZ_ASSERT(wf_json_write(&b1, v) == 0);
	FUZZ_ASSERT(memchr(b1.p, '\n', b1.len) == NULL);
	FUZZ_ASSERT(wf_json_parse(b1.p, b1.len, &w) == 0);
	FUZZ_ASSERT(fuzz_json_equal(v, w));
	FUZZ_ASSERT(wf_json_write(&b2, w) == 0);
	FUZZ_ASSERT(b1.len == b2.len && memcmp(b1.p, b2.p, b1.len) == 0);
	cJSON_Delete(w);
	wf_buf_free(&b1);
	wf_buf_free(&b2);

	walk(&root, v, seed);
}
