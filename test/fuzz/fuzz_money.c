/*
 * fuzz_money.c - decimal strings and minor units, both ways.
 *
 * The first byte picks a currency (exponents 0, 2, 3 and 4, and some codes
 * that are not currencies); the rest is the amount text.  Properties:
 * wf_money_parsen() accepts exactly -?DIGITS[.DIGITS] with 1..exponent
 * decimals and a magnitude within 2^53-1, with the value an independent
 * reading gives; the NUL-terminated form agrees; an accepted amount formats
 * to canonical text that parses back to the same value; any int64 formats
 * canonically (and parses back when in range); a short output buffer is
 * refused, never overrun; add, mul and muldiv match 128-bit arithmetic.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"

static const char *const codes[] = {
	"JPY", "EUR", "KWD", "CLF", "USD", "BHD", "UYW", "ISK",
	"ZZZ", "eur", "", "EURO",
};

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The contract, read independently: 0 and *out, or -1. */
static int
oracle(const char *s, size_t n, int exp, int64_t *out)
{
	size_t i = 0, ip = 0, fp = 0;
	__int128 acc = 0;
	int neg = 0;

	if (n && s[0] == '-') {
		neg = 1;
		i++;
	}
	for (; i < n && digit(s[i]); i++, ip++)
		if (acc <= WF_MONEY_MAX)
			acc = acc * 10 + (s[i] - '0');
	if (ip == 0)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && digit(s[i]); i++, fp++)
			if (acc <= WF_MONEY_MAX)
				acc = acc * 10 + (s[i] - '0');
		if (fp == 0 || fp > (size_t)exp)
			return -1;
	}
	if (i != n)
		return -1;
	for (; fp < (size_t)exp; fp++)
		if (acc <= WF_MONEY_MAX)
			acc *= 10;
	if (acc > WF_MONEY_MAX)
		return -1;
	*out = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

/* Formatted text is -?(0|[1-9]DIGITS*) and, when EXP > 0, '.' and exactly
 * EXP digits; zero has no sign. */
static int
canonical(const char *t, int exp)
{
	const char *p = t, *dot;
	size_t ip;

	if (*p == '-')
		p++;
	dot = strchr(p, '.');
	ip = dot ? (size_t)(dot - p) : strlen(p);
	if (ip == 0 || strspn(p, "0123456789") != ip || (ip > 1 && p[0] == '0'))
		return 0;
	if (exp == 0)
		return dot == NULL;
	if (dot == NULL || strlen(dot + 1) != (size_t)exp ||
	    strspn(dot + 1, "0123456789") != (size_t)exp)
		return 0;
	if (t[0] == '-' && strspn(p, "0.") == strlen(p))
		return 0;               /* "-0.00" */
	return 1;
}

static int64_t
take64(const uint8_t *data, size_t size, size_t at)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		v = v << 8 | (at + i < size ? data[at + i] : 0);
	return (int64_t)v;
}

static void
check_arith(int64_t a, int64_t b, int64_t c)
{
	__int128 s = (__int128)a + b, p = (__int128)a * b;
	int64_t r = 777;
	int rc;

	rc = wf_money_add(a, b, &r);
	if (s >= -WF_MONEY_MAX && s <= WF_MONEY_MAX)
		FUZZ_ASSERT(rc == 0 && r == (int64_t)s);
	else
		FUZZ_ASSERT(rc == WF_EINPUT && r == 777);

	r = 777;
	rc = wf_money_mul(a, b, &r);
	if (p >= -WF_MONEY_MAX && p <= WF_MONEY_MAX)
		FUZZ_ASSERT(rc == 0 && r == (int64_t)p);
	else
		FUZZ_ASSERT(rc == WF_EINPUT && r == 777);

	r = 777;
	rc = wf_money_muldiv(a, b, c, &r);
	if (c == 0) {
		FUZZ_ASSERT(rc == WF_EINPUT && r == 777);
	} else {
		unsigned __int128 up = p < 0 ? -(unsigned __int128)p : (unsigned __int128)p;
		unsigned __int128 uc = c < 0 ? -(unsigned __int128)c : (unsigned __int128)c;
		unsigned __int128 q = up / uc, rem = up % uc;
		__int128 want;

		if (2 * rem >= uc)
			q++;            /* half away from zero */
		if (q > (unsigned __int128)WF_MONEY_MAX) {
			FUZZ_ASSERT(rc == WF_EINPUT && r == 777);
		} else {
			want = ((p < 0) != (c < 0)) ? -(__int128)q : (__int128)q;
			FUZZ_ASSERT(rc == 0 && r == (int64_t)want);
		}
	}
}

static void
check_format(int64_t x, const char *cur, int exp, size_t n)
{
	char full[32], *small;
	int64_t back = 0;
	int rc;

	FUZZ_ASSERT(wf_money_format(x, cur, full, sizeof full) == 0);
	FUZZ_ASSERT(canonical(full, exp));
	rc = wf_money_parse(full, cur, &back);
	if (x >= -WF_MONEY_MAX && x <= WF_MONEY_MAX)
		FUZZ_ASSERT(rc == 0 && back == x);
	else
		FUZZ_ASSERT(rc == WF_EINPUT);

	/* An exact-size buffer: refused when short, never overrun. */
	if ((small = malloc(n ? n : 1)) == NULL)
		abort();
	rc = wf_money_format(x, cur, small, n);
	if (rc == 0)
		FUZZ_ASSERT(strcmp(small, full) == 0);
	else
		FUZZ_ASSERT(n < strlen(full) + 3);
	free(small);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *cur;
	char *s, *t, text[32], norm[4];
	size_t n;
	int64_t v = 777, w = 777, want = 0;
	int exp, rc, orc;

	if (size < 1)
		return 0;
	cur = codes[data[0] % (sizeof codes / sizeof codes[0])];
	exp = wf_currency_exponent(cur);
	n = size - 1;
	s = malloc(n ? n : 1);          /* exact size, not terminated */
	if (s == NULL)
		abort();
	memcpy(s, data + 1, n);

	rc = wf_money_parsen(s, n, cur, &v);
	if (exp < 0) {
		FUZZ_ASSERT(rc == WF_EINPUT && v == 777);
		FUZZ_ASSERT(wf_money_format(0, cur, text, sizeof text) == WF_EINPUT);
	} else {
		orc = oracle(s, n, exp, &want);
		if (orc == 0) {
			FUZZ_ASSERT(rc == 0);
			FUZZ_ASSERT(v == want);
			FUZZ_ASSERT(wf_money_format(v, cur, text, sizeof text) == 0);
			FUZZ_ASSERT(canonical(text, exp));
			FUZZ_ASSERT(wf_money_parse(text, cur, &w) == 0 && w == v);
		} else {
			FUZZ_ASSERT(rc == WF_EINPUT && v == 777);
			FUZZ_ASSERT(wf_error_msg()[0] != '\0' && fuzz_msg_safe(wf_error_msg()));
		}
		/* The NUL-terminated form reads the same, up to a NUL. */
		t = fuzz_strndup(data + 1, n);
		w = 777;
		if (memchr(s, '\0', n) == NULL) {
			FUZZ_ASSERT(wf_money_parse(t, cur, &w) == rc);
			FUZZ_ASSERT(w == v);
		}
		free(t);

		check_format(take64(data, size, 1), cur, exp, (size_t)(data[0] >> 3));
		check_format(v, cur, exp, 32);
	}
	free(s);

	check_arith(take64(data, size, 1), take64(data, size, 9), take64(data, size, 17));
	check_arith(take64(data, size, 1) >> (data[0] & 63),
	    take64(data, size, 9) >> (data[0] >> 2 & 63),
	    (take64(data, size, 17) >> (data[0] & 31)) | 1);

	if (size >= 4) {
		char in[4];
		memcpy(in, data + 1, 3);
		in[3] = '\0';
		rc = wf_currency_norm(in, norm);
		if (rc == 0) {
			FUZZ_ASSERT(wf_currency_exponent(norm) >= 0);
			FUZZ_ASSERT(strncasecmp(in, norm, 3) == 0);
		} else
			FUZZ_ASSERT(rc == WF_EINPUT);
	}
	return 0;
}
