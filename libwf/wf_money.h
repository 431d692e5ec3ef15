/*
 * wf_money.h - money as integer minor units of an ISO 4217 currency.
 *
 * No floating point anywhere.  Amounts are int64 minor units limited to
 * |n| <= 2^53-1, so every amount also survives a trip through JSON.  The
 * number of decimal places comes from the currency's ISO 4217 exponent
 * (JPY 0, EUR 2, KWD 3, CLF 4).
 */
#ifndef WF_MONEY_H
#define WF_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define WF_MONEY_MAX ((int64_t)9007199254740991)   /* 2^53 - 1 */

/* The ISO 4217 exponent of CODE (three upper-case letters), or -1 when CODE
 * is not a known currency. */
int wf_currency_exponent(const char *code);

/* Upper-case a currency code given in any case ("eur" -> "EUR") into OUT[4].
 * Returns 0, or WF_EINPUT when it is not a known ISO 4217 code. */
int wf_currency_norm(const char *code, char out[4]);

/* Parse a decimal string ("19.99", "-0.5", "1999") in CURRENCY into minor
 * units.  Refuses (WF_EINPUT, message without location) signs other than a
 * leading '-', exponents, grouping, whitespace, a bare or trailing '.', more
 * decimals than the currency has, and magnitudes above WF_MONEY_MAX. */
int wf_money_parse(const char *s, const char *currency, int64_t *out);

/* Same for a string of length N that need not be NUL-terminated. */
int wf_money_parsen(const char *s, size_t n, const char *currency, int64_t *out);

/* Format MINOR in CURRENCY as a decimal string with exactly the currency's
 * places ("19.90", "-0.05", "1999" for JPY) into OUT of size N (32 is always
 * enough).  Returns 0, or WF_EINPUT for an unknown currency. */
int wf_money_format(int64_t minor, const char *currency, char *out, size_t n);

/* a*b/c rounded half away from zero, exactly (128-bit intermediate).
 * Returns 0, or WF_EINPUT on division by zero or a result past WF_MONEY_MAX. */
int wf_money_muldiv(int64_t a, int64_t b, int64_t c, int64_t *out);

/* Checked a+b and a*b within +-WF_MONEY_MAX.  Return 0 or WF_EINPUT. */
int wf_money_add(int64_t a, int64_t b, int64_t *out);
int wf_money_mul(int64_t a, int64_t b, int64_t *out);

#endif
