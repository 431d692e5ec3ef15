/* Money: decimal strings <-> minor units by ISO 4217 exponent. */
#include <stdint.h>

#include "harness.h"
#include "wf.h"

static int64_t
parse(const char *s, const char *cur, int *rc)
{
	int64_t v = -999;

	*rc = wf_money_parse(s, cur, &v);
	return v;
}

TEST(parses_by_currency_exponent)
{
	int rc;

	EQ_INT(parse("19.99", "EUR", &rc), 1999); EQ_INT(rc, 0);
	EQ_INT(parse("19.9", "EUR", &rc), 1990); EQ_INT(rc, 0);
	EQ_INT(parse("19", "EUR", &rc), 1900); EQ_INT(rc, 0);
	EQ_INT(parse("0.01", "USD", &rc), 1); EQ_INT(rc, 0);
	EQ_INT(parse("1999", "JPY", &rc), 1999); EQ_INT(rc, 0);
	EQ_INT(parse("1.234", "KWD", &rc), 1234); EQ_INT(rc, 0);
	EQ_INT(parse("1.5", "KWD", &rc), 1500); EQ_INT(rc, 0);
	EQ_INT(parse("0.0001", "CLF", &rc), 1); EQ_INT(rc, 0);
	EQ_INT(parse("-4.50", "EUR", &rc), -450); EQ_INT(rc, 0);
	EQ_INT(parse("-0.00", "EUR", &rc), 0); EQ_INT(rc, 0);
}

TEST(refuses_more_decimals_than_the_currency_has)
{
	int rc;

	parse("19.999", "EUR", &rc);
	EQ_INT(rc, WF_EINPUT);
	HAS_STR(wf_error_msg(), "more decimals than EUR allows (2)");
	parse("5.0", "JPY", &rc);
	EQ_INT(rc, WF_EINPUT);
	parse("1.2345", "KWD", &rc);
	EQ_INT(rc, WF_EINPUT);
}

TEST(refuses_malformed_amounts)
{
	static const char *const bad[] = {
		"", "-", ".", "1.", ".5", "+1", "1e3", "1,5", " 1", "1 ", "0x10",
		"1.2.3", "--1", "NaN", "inf", "1_000", "١٢", NULL
	};
	int i, rc;

	for (i = 0; bad[i]; i++) {
		parse(bad[i], "EUR", &rc);
		if (rc != WF_EINPUT)
			FAILF("'%s' was accepted", bad[i]);
	}
}

TEST(refuses_amounts_past_two_to_the_53)
{
	int rc;

	EQ_INT(parse("90071992547409.91", "EUR", &rc), WF_MONEY_MAX); EQ_INT(rc, 0);
	parse("90071992547409.92", "EUR", &rc);
	EQ_INT(rc, WF_EINPUT);
	parse("99999999999999999999999", "EUR", &rc);
	EQ_INT(rc, WF_EINPUT);
	HAS_STR(wf_error_msg(), "too large");
}

TEST(unknown_currency_is_refused)
{
	int rc;

	parse("1.00", "XYZ", &rc);
	EQ_INT(rc, WF_EINPUT);
	parse("1.00", "eur", &rc);
	EQ_INT(rc, WF_EINPUT);
	EQ_INT(wf_currency_exponent("BHD"), 3);
	EQ_INT(wf_currency_exponent("ISK"), 0);
	EQ_INT(wf_currency_exponent("EURO"), -1);
}

TEST(normalises_currency_case)
{
	char c[4];

	EQ_INT(wf_currency_norm("usd", c), 0);
	EQ_STR(c, "USD");
	EQ_INT(wf_currency_norm("US", c), WF_EINPUT);
	EQ_INT(wf_currency_norm("u$d", c), WF_EINPUT);
}

TEST(formats_with_exactly_the_currency_places)
{
	char b[32];

	wf_money_format(1999, "EUR", b, sizeof b); EQ_STR(b, "19.99");
	wf_money_format(5, "EUR", b, sizeof b);    EQ_STR(b, "0.05");
	wf_money_format(-5, "EUR", b, sizeof b);   EQ_STR(b, "-0.05");
	wf_money_format(0, "EUR", b, sizeof b);    EQ_STR(b, "0.00");
	wf_money_format(1999, "JPY", b, sizeof b); EQ_STR(b, "1999");
	wf_money_format(-7, "JPY", b, sizeof b);   EQ_STR(b, "-7");
	wf_money_format(1, "KWD", b, sizeof b);    EQ_STR(b, "0.001");
	wf_money_format(WF_MONEY_MAX, "EUR", b, sizeof b);
	EQ_STR(b, "90071992547409.91");
	EQ_INT(wf_money_format(1, "ZZZ", b, sizeof b), WF_EINPUT);
}

TEST(round_trips_every_small_amount)
{
	static const char *const cur[] = { "EUR", "JPY", "KWD", "CLF" };
	char b[32];
	int64_t v, back;
	int c;

	for (c = 0; c < 4; c++)
		for (v = -2000; v <= 2000; v += 7) {
			wf_money_format(v, cur[c], b, sizeof b);
			if (wf_money_parse(b, cur[c], &back) != 0 || back != v)
				FAILF("%lld %s -> '%s' -> %lld", (long long)v, cur[c], b,
				    (long long)back);
		}
}

TEST(muldiv_rounds_half_away_from_zero)
{
	int64_t r;

	EQ_INT(wf_money_muldiv(10, 5, 4, &r), 0); EQ_INT(r, 13);     /* 12.5 */
	EQ_INT(wf_money_muldiv(10, 5, 3, &r), 0); EQ_INT(r, 17);     /* 16.67 */
	EQ_INT(wf_money_muldiv(-10, 5, 4, &r), 0); EQ_INT(r, -13);
	EQ_INT(wf_money_muldiv(7, 1, 2, &r), 0); EQ_INT(r, 4);
	EQ_INT(wf_money_muldiv(1, 1, 0, &r), WF_EINPUT);
	EQ_INT(wf_money_muldiv(WF_MONEY_MAX, WF_MONEY_MAX, WF_MONEY_MAX, &r), 0);
	EQ_INT(r, WF_MONEY_MAX);
	EQ_INT(wf_money_muldiv(WF_MONEY_MAX, 2, 1, &r), WF_EINPUT);
}

TEST(checked_add_and_mul)
{
	int64_t r;

	EQ_INT(wf_money_add(1, 2, &r), 0); EQ_INT(r, 3);
	EQ_INT(wf_money_add(WF_MONEY_MAX, 1, &r), WF_EINPUT);
	EQ_INT(wf_money_mul(3, 4, &r), 0); EQ_INT(r, 12);
	EQ_INT(wf_money_mul(WF_MONEY_MAX, 2, &r), WF_EINPUT);
	EQ_INT(wf_money_mul(INT64_MAX, 2, &r), WF_EINPUT);
}
