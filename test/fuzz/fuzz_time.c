/*
 * fuzz_time.c - ISO 8601 text and epoch seconds, both ways.
 *
 * The input (up to its first NUL) is a time to parse; its first bytes also
 * give a clock and an epoch second to format.  Properties: wf_time_parse()
 * accepts exactly the grammar of wf_time.h (checked against a POSIX regular
 * expression and timegm(), an independent reading) and only times the
 * formatter can write back, years 0001-9999 in UTC; the formatted text has
 * the fixed shape the schema's CHECKs expect and parses back to the same
 * second; ages ("-7d") count back from the clock; the civil-date conversions
 * are inverses.
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz.h"

#define T_MIN ((int64_t)-62135596800)     /* 0001-01-01T00:00:00Z */
#define T_MAX ((int64_t)253402300799)     /* 9999-12-31T23:59:59Z */

static regex_t re_time, re_age, re_out;
static int done;

/* Free the expressions at exit, so valgrind sees every block freed. */
__attribute__((destructor)) static void
release(void)
{
	if (!done)
		return;
	regfree(&re_time);
	regfree(&re_age);
	regfree(&re_out);
}

static void
compile(void)
{
	if (done)
		return;
	if (regcomp(&re_time, "^([0-9]{4})-([0-9]{2})-([0-9]{2})"
	    "([Tt ]([0-9]{2}):([0-9]{2})(:([0-9]{2})([.,][0-9]+)?)?"
	    "([Zz]|([+-])([0-9]{2})(:?([0-9]{2}))?)?)?$", REG_EXTENDED) != 0 ||
	    regcomp(&re_age, "^[-+]([0-9]{1,9})([dhmw])$", REG_EXTENDED) != 0 ||
	    regcomp(&re_out, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
	    REG_EXTENDED | REG_NOSUB) != 0)
		abort();
	done = 1;
}

static long
num(const char *s, const regmatch_t *m)
{
	long v = 0;
	regoff_t i;

	for (i = m->rm_so; i < m->rm_eo; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
has(const regmatch_t *m)
{
	return m->rm_so >= 0;
}

/* The contract, read independently: 0 and *out, or -1. */
static int
oracle(const char *s, int64_t *out)
{
	regmatch_t g[16];
	struct tm tm;
	long y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, off = 0;
	time_t t;

	if (regexec(&re_time, s, 16, g, 0) != 0)
		return -1;
	y = num(s, &g[1]);
	mo = num(s, &g[2]);
	d = num(s, &g[3]);
	if (has(&g[4])) {
		h = num(s, &g[5]);
		mi = num(s, &g[6]);
		if (has(&g[8]))
			se = num(s, &g[8]);
		if (has(&g[11])) {      /* an offset, not Z */
			oh = num(s, &g[12]);
			if (has(&g[14]))
				om = num(s, &g[14]);
			off = (oh * 3600 + om * 60) * (s[g[11].rm_so] == '-' ? -1 : 1);
		}
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 ||
	    se > 59 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)(mo - 1);
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)se;
	t = timegm(&tm);
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;              /* no such day: timegm moved it */
	t -= off;
	if (t < T_MIN || t > T_MAX)
		return -1;
	*out = (int64_t)t;
	return 0;
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

/* T formats to the fixed shape, agrees with gmtime, and parses back. */
static void
check_format(int64_t t)
{
	char out[WF_TIME_LEN], date[11];
	struct tm tm;
	time_t tt = (time_t)t;
	int64_t back = 0;

	wf_time_format(t, out);
	FUZZ_ASSERT(regexec(&re_out, out, 0, NULL, 0) == 0);
	wf_date_format(t, date);
	FUZZ_ASSERT(strncmp(out, date, 10) == 0 && date[10] == '\0');
	FUZZ_ASSERT(gmtime_r(&tt, &tm) != NULL);
	FUZZ_ASSERT(atoi(out) == tm.tm_year + 1900);
	FUZZ_ASSERT(atoi(out + 5) == tm.tm_mon + 1 && atoi(out + 8) == tm.tm_mday);
	FUZZ_ASSERT(atoi(out + 11) == tm.tm_hour && atoi(out + 14) == tm.tm_min &&
	    atoi(out + 17) == tm.tm_sec);
	FUZZ_ASSERT(wf_time_parse(out, &back) == 0 && back == t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size), out[WF_TIME_LEN];
	int64_t t = 777, want = 0, now, z, y;
	unsigned m, d;
	regmatch_t g[3];
	int rc, orc;

	compile();
	rc = wf_time_parse(s, &t);
	orc = oracle(s, &want);
	if (orc == 0) {
		FUZZ_ASSERT(rc == 0);
		FUZZ_ASSERT(t == want);
		check_format(t);
		/* A time already in the canonical shape formats to itself. */
		if (regexec(&re_out, s, 0, NULL, 0) == 0) {
			wf_time_format(t, out);
			FUZZ_ASSERT(strcmp(out, s) == 0);
		}
	} else {
		FUZZ_ASSERT(rc == WF_EINPUT && t == 777);
		FUZZ_ASSERT(wf_error_msg()[0] != '\0' && fuzz_msg_safe(wf_error_msg()));
	}

	/* Offsets (-7d back, +2d ahead) count from the clock; anything else is
	 * a time. */
	now = T_MIN + (int64_t)((uint64_t)take64(data, size, 0) %
	    (uint64_t)(T_MAX - T_MIN + 1));
	t = 777;
	rc = wf_time_parse_rel(s, now, &t);
	if (s[0] != '-' && s[0] != '+') {
		FUZZ_ASSERT((rc == 0) == (orc == 0) && (rc != 0 || t == want));
	} else if (regexec(&re_age, s, 3, g, 0) == 0) {
		int64_t unit = s[g[2].rm_so] == 'd' ? 86400 : s[g[2].rm_so] == 'h' ? 3600 :
		    s[g[2].rm_so] == 'm' ? 60 : 7 * 86400;
		int64_t to = now + (s[0] == '+' ? 1 : -1) * num(s, &g[1]) * unit;
		/* an offset that leaves the years the formatter writes is refused */
		if (to < T_MIN || to > T_MAX)
			FUZZ_ASSERT(rc == WF_EINPUT && t == 777);
		else
			FUZZ_ASSERT(rc == 0 && t == to);
	} else
		FUZZ_ASSERT(rc == WF_EINPUT && t == 777);

	/* Any second in range formats and comes back; any int64 formats. */
	check_format(now);
	wf_time_format(take64(data, size, 8), out);

	z = take64(data, size, 4) % 4000000000;
	wf_civil_from_days(z, &y, &m, &d);
	FUZZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	FUZZ_ASSERT(wf_days_from_civil(y, m, d) == z);

	free(s);
	return 0;
}
