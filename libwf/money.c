/* money.c - decimal strings <-> integer minor units, by ISO 4217 exponent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_error.h"
#include "wf_money.h"

/* Active ISO 4217 codes with their exponents, sorted for bsearch. */
static const struct currency {
	char code[4];
	int  exp;
} currencies[] = {
	{"AED",2},{"AFN",2},{"ALL",2},{"AMD",2},{"ANG",2},{"AOA",2},{"ARS",2},
	{"AUD",2},{"AWG",2},{"AZN",2},{"BAM",2},{"BBD",2},{"BDT",2},{"BGN",2},
	{"BHD",3},{"BIF",0},{"BMD",2},{"BND",2},{"BOB",2},{"BOV",2},{"BRL",2},
	{"BSD",2},{"BTN",2},{"BWP",2},{"BYN",2},{"BZD",2},{"CAD",2},{"CDF",2},
	{"CHE",2},{"CHF",2},{"CHW",2},{"CLF",4},{"CLP",0},{"CNY",2},{"COP",2},
	{"COU",2},{"CRC",2},{"CUP",2},{"CVE",2},{"CZK",2},{"DJF",0},{"DKK",2},
	{"DOP",2},{"DZD",2},{"EGP",2},{"ERN",2},{"ETB",2},{"EUR",2},{"FJD",2},
	{"FKP",2},{"GBP",2},{"GEL",2},{"GHS",2},{"GIP",2},{"GMD",2},{"GNF",0},
	{"GTQ",2},{"GYD",2},{"HKD",2},{"HNL",2},{"HTG",2},{"HUF",2},{"IDR",2},
	{"ILS",2},{"INR",2},{"IQD",3},{"IRR",2},{"ISK",0},{"JMD",2},{"JOD",3},
	{"JPY",0},{"KES",2},{"KGS",2},{"KHR",2},{"KMF",0},{"KPW",2},{"KRW",0},
	{"KWD",3},{"KYD",2},{"KZT",2},{"LAK",2},{"LBP",2},{"LKR",2},{"LRD",2},
	{"LSL",2},{"LYD",3},{"MAD",2},{"MDL",2},{"MGA",2},{"MKD",2},{"MMK",2},
	{"MNT",2},{"MOP",2},{"MRU",2},{"MUR",2},{"MVR",2},{"MWK",2},{"MXN",2},
	{"MXV",2},{"MYR",2},{"MZN",2},{"NAD",2},{"NGN",2},{"NIO",2},{"NOK",2},
	{"NPR",2},{"NZD",2},{"OMR",3},{"PAB",2},{"PEN",2},{"PGK",2},{"PHP",2},
	{"PKR",2},{"PLN",2},{"PYG",0},{"QAR",2},{"RON",2},{"RSD",2},{"RUB",2},
	{"RWF",0},{"SAR",2},{"SBD",2},{"SCR",2},{"SDG",2},{"SEK",2},{"SGD",2},
	{"SHP",2},{"SLE",2},{"SOS",2},{"SRD",2},{"SSP",2},{"STN",2},{"SVC",2},
	{"SYP",2},{"SZL",2},{"THB",2},{"TJS",2},{"TMT",2},{"TND",3},{"TOP",2},
	{"TRY",2},{"TTD",2},{"TWD",2},{"TZS",2},{"UAH",2},{"UGX",0},{"USD",2},
	{"USN",2},{"UYI",0},{"UYU",2},{"UYW",4},{"UZS",2},{"VED",2},{"VES",2},
	{"VND",0},{"VUV",0},{"WST",2},{"XAF",0},{"XCD",2},{"XOF",0},{"XPF",0},
	{"YER",2},{"ZAR",2},{"ZMW",2},{"ZWG",2},
};

static int
cmp_currency(const void *k, const void *e)
{
	return strcmp(k, ((const struct currency *)e)->code);
}

int
wf_currency_exponent(const char *code)
{
	const struct currency *c;

	if (code == NULL || strlen(code) != 3)
		return -1;
	c = bsearch(code, currencies, sizeof currencies / sizeof currencies[0],
	    sizeof currencies[0], cmp_currency);
	return c ? c->exp : -1;
}

int
wf_currency_norm(const char *code, char out[4])
{
	size_t i;

	if (code == NULL || strlen(code) != 3)
		goto bad;
	for (i = 0; i < 3; i++) {
		char c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			goto bad;
		out[i] = c;
	}
	out[3] = '\0';
	if (wf_currency_exponent(out) >= 0)
		return 0;
bad:
	return wf_error_set(WF_EINPUT, "expected an ISO 4217 currency code, got '%.16s'",
	    code ? code : "");
}

int
wf_money_parsen(const char *s, size_t n, const char *currency, int64_t *out)
{
	int exp = wf_currency_exponent(currency);
	size_t i = 0, intdigits = 0, places = 0;
	int neg = 0, dot = 0;
	int64_t v = 0;

	if (exp < 0)
		return wf_error_set(WF_EINPUT, "unknown currency '%.16s'",
		    currency ? currency : "");
	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (c < '0' || c > '9')
			goto bad;
		if (dot) {
			if (++places > (size_t)exp)
				return wf_error_set(WF_EINPUT,
				    "'%.*s' has more decimals than %s allows (%d)",
				    (int)(n > 40 ? 40 : n), s, currency, exp);
		} else
			intdigits++;
		if (v > (WF_MONEY_MAX - (c - '0')) / 10)
			goto big;
		v = v * 10 + (c - '0');
	}
	if (intdigits == 0 || (dot && places == 0))
		goto bad;
	for (; places < (size_t)exp; places++) {
		if (v > WF_MONEY_MAX / 10)
			goto big;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
bad:
	return wf_error_set(WF_EINPUT, "expected a decimal amount like \"19.99\", got '%.*s'",
	    (int)(n > 40 ? 40 : n), s);
big:
	return wf_error_set(WF_EINPUT, "amount '%.*s' is too large",
	    (int)(n > 40 ? 40 : n), s);
}

int
wf_money_parse(const char *s, const char *currency, int64_t *out)
{
	return wf_money_parsen(s, strlen(s), currency, out);
}

int
wf_money_format(int64_t minor, const char *currency, char *out, size_t n)
{
	int exp = wf_currency_exponent(currency);
	char digits[32];
	uint64_t u;
	size_t len = 0, i, o = 0;

	if (exp < 0)
		return wf_error_set(WF_EINPUT, "unknown currency '%.16s'",
		    currency ? currency : "");
	u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	do {                                    /* digits, least significant first */
		digits[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u || len <= (size_t)exp);
	if (n < len + 3)
		return wf_error_set(WF_EINTERNAL, "money buffer too small");
	if (minor < 0)
		out[o++] = '-';
	for (i = len; i-- > 0;) {
		out[o++] = digits[i];
		if (i == (size_t)exp && exp > 0)
			out[o++] = '.';
	}
	out[o] = '\0';
	return 0;
}

int
wf_money_muldiv(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	__int128 p, q, r;

	if (c == 0)
		return wf_error_set(WF_EINPUT, "division by zero");
	p = (__int128)a * b;
	q = p / c;
	r = p % c;
	if (r != 0) {
		__int128 r2 = r < 0 ? -r : r, c2 = c < 0 ? -(__int128)c : c;
		if (2 * r2 >= c2)
			q += ((p < 0) != (c < 0)) ? -1 : 1;
	}
	if (q > WF_MONEY_MAX || q < -WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "amount out of range");
	*out = (int64_t)q;
	return 0;
}

int
wf_money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s) || s > WF_MONEY_MAX || s < -WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "amount out of range");
	*out = s;
	return 0;
}

int
wf_money_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t s;

	if (__builtin_mul_overflow(a, b, &s) || s > WF_MONEY_MAX || s < -WF_MONEY_MAX)
		return wf_error_set(WF_EINPUT, "amount out of range");
	*out = s;
	return 0;
}
