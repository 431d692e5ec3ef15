/* time.c - the clock ($WF_NOW) and ISO 8601 parsing and formatting. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_time.h"

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t
wf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
wf_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
mdays(int64_t y, unsigned m)
{
	static const unsigned n[] = {31,28,31,30,31,30,31,31,30,31,30,31};
	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Read exactly N digits at *p. */
static int
digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

#define T_FIRST ((int64_t)-62135596800)     /* 0001-01-01T00:00:00Z */
#define T_LAST  ((int64_t)253402300799)     /* 9999-12-31T23:59:59Z */

/* Whether T is a time the formatter writes (design.md: 0001 to 9999). */
static int
in_range(int64_t t)
{
	return t >= T_FIRST && t <= T_LAST;
}

int
wf_time_parse(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t t;
	unsigned y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0;
	long off = 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		goto bad;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo))
		goto bad;
	if (*p == '\0')
		goto done;
	if (*p != 'T' && *p != 't' && *p != ' ')
		goto bad;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
		goto bad;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &se))
			goto bad;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (h > 23 || mi > 59 || se > 59)
		goto bad;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &om))
				goto bad;
		} else if (isdigit((unsigned char)*p)) {
			if (digits(&p, 2, &om))
				goto bad;
		}
		if (oh > 23 || om > 59)
			goto bad;
		off = sign * (long)(oh * 3600 + om * 60);
	}
	if (*p != '\0')
		goto bad;
done:
	t = wf_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	/* An offset can carry a time past the years the formatter writes
	 * ("9999-12-31T23:30-01:00"); refuse it rather than wrap it. */
	if (!in_range(t))
		return wf_error_set(WF_EINPUT,
		    "time '%.40s' is outside the years 0001 to 9999 in UTC", s);
	*out = t;
	return 0;
bad:
	return wf_error_set(WF_EINPUT,
	    "expected an ISO 8601 time like 2026-11-20T09:14:00Z, got '%.40s'", s);
}

int
wf_time_parse_rel(const char *s, int64_t now, int64_t *out)
{
	const char *p = s;
	int64_t n = 0, unit;
	int nd = 0, sign = *p == '+' ? 1 : -1;

	if (*p != '-' && *p != '+') {
		int rc = wf_time_parse(s, out);
		/* where an offset is taken too, the message says so */
		if (rc != 0 && strncmp(wf_error_msg(), "expected an ISO 8601", 20) == 0)
			return wf_error_set(rc, "expected a time (2026-11-20T09:14:00Z) or an "
			    "offset from now (-7d, -24h, -30m, +2d), got '%.40s'", s);
		return rc;
	}
	for (p++; isdigit((unsigned char)*p) && nd < 9; p++, nd++)
		n = n * 10 + (*p - '0');
	switch (*p) {
	case 'd': unit = 86400; break;
	case 'h': unit = 3600; break;
	case 'm': unit = 60; break;
	case 'w': unit = 7 * 86400; break;
	default: unit = 0; break;
	}
	if (nd == 0 || unit == 0 || p[1] != '\0')
		return wf_error_set(WF_EINPUT,
		    "expected a time (2026-11-20T09:14:00Z) or an offset from now "
		    "(-7d, -24h, -30m, +2d), got '%.40s'", s);
	if (!in_range(now + sign * n * unit))
		return wf_error_set(WF_EINPUT,
		    "offset '%.40s' leaves the years 0001 to 9999", s);
	*out = now + sign * n * unit;
	return 0;
}

static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void
wf_time_format(int64_t t, char out[WF_TIME_LEN])
{
	int64_t days = t / 86400, rem = t % 86400, y;
	unsigned m, d, yy;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	wf_civil_from_days(days, &y, &m, &d);
	yy = (unsigned)((y % 10000 + 10000) % 10000);
	put2(out, yy / 100);
	put2(out + 2, yy % 100);
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = 'T';
	put2(out + 11, (unsigned)(rem / 3600));
	out[13] = ':';
	put2(out + 14, (unsigned)(rem / 60 % 60));
	out[16] = ':';
	put2(out + 17, (unsigned)(rem % 60));
	out[19] = 'Z';
	out[20] = '\0';
}

void
wf_date_format(int64_t t, char out[11])
{
	char buf[WF_TIME_LEN];

	wf_time_format(t, buf);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

int
wf_time_now(int64_t *out)
{
	const char *env = getenv("WF_NOW");

	if (env && *env) {
		if (wf_time_parse(env, out) != 0)
			return wf_error_set(WF_EUSAGE, "$WF_NOW: %s", wf_error_msg());
		return 0;
	}
	*out = (int64_t)time(NULL);
	return 0;
}

int
wf_tz_valid(const char *tz)
{
	const char *dir = getenv("TZDIR");
	wf_buf path = {0};
	struct stat st;
	int ok;

	char magic[4];
	FILE *f;

	/* IANA names: letters, digits, '/', '_', '-', '+' ("America/Port-au-Prince",
	 * "Etc/GMT+5"); no path tricks */
	if (tz == NULL || *tz == '\0' || strlen(tz) > 64 || tz[0] == '/' ||
	    strstr(tz, "..") != NULL || strstr(tz, "//") != NULL ||
	    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_-+") != strlen(tz))
		return 0;
	if (strcmp(tz, "UTC") == 0)
		return 1;
	if (wf_buf_addf(&path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz))
		return 0;
	/* a zone is a compiled TZif file; zone.tab, iso3166.tab, leapseconds
	 * and the rest of the folder are not */
	ok = stat(path.p, &st) == 0 && S_ISREG(st.st_mode) &&
	    (f = fopen(path.p, "rb")) != NULL;
	if (ok) {
		ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
		fclose(f);
	}
	wf_buf_free(&path);
	return ok;
}

/* Run localtime_r/mktime with TZ set to ZONE, then put TZ back. */
struct tzswap {
	char *old;
	int   had;
};

static void
tz_enter(struct tzswap *sw, const char *zone)
{
	const char *old = getenv("TZ");

	sw->had = old != NULL;
	sw->old = old ? strdup(old) : NULL;
	setenv("TZ", zone, 1);
	tzset();
}

static void
tz_leave(struct tzswap *sw)
{
	if (sw->had && sw->old)
		setenv("TZ", sw->old, 1);
	else
		unsetenv("TZ");
	free(sw->old);
	tzset();
}

int
wf_time_local(int64_t t, const char *tz, struct wf_local *out)
{
	struct tzswap sw;
	struct tm tm;
	time_t tt = (time_t)t;
	int ok;

	if (!wf_tz_valid(tz))
		return wf_error_set(WF_EINPUT, "unknown time zone '%.64s'", tz ? tz : "");
	tz_enter(&sw, tz);
	ok = localtime_r(&tt, &tm) != NULL;
	tz_leave(&sw);
	if (!ok)
		return wf_error_set(WF_EINPUT, "time out of range");
	out->year = tm.tm_year + 1900;
	out->month = (unsigned)tm.tm_mon + 1;
	out->day = (unsigned)tm.tm_mday;
	out->hour = (unsigned)tm.tm_hour;
	out->min = (unsigned)tm.tm_min;
	out->sec = (unsigned)tm.tm_sec;
	out->wday = tm.tm_wday;
	out->utc_offset = tm.tm_gmtoff;
	return 0;
}

/* The UTC offset of zone TZ at T into *off. */
static int
offset_at(const char *tz, int64_t t, long *off)
{
	struct wf_local l;
	int rc;

	if ((rc = wf_time_local(t, tz, &l)) != 0)
		return rc;
	*off = l.utc_offset;
	return 0;
}

/* Whether T is wall-clock time WALL (seconds of the proleptic day count) in
 * TZ: 1, 0, or an error. */
static int
shows(const char *tz, int64_t t, int64_t wall)
{
	long off;
	int rc;

	if ((rc = offset_at(tz, t, &off)) != 0)
		return rc;
	return t + off == wall;
}

int
wf_time_from_local(const char *tz, int64_t y, unsigned m, unsigned d,
    unsigned hh, unsigned mm, unsigned ss, int64_t *out)
{
	int64_t wall = wf_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	int64_t a, b, lo, hi;
	long before, after;
	int ra, rb, rc;

	/* A zone changes its offset at most once within a day either side of
	 * the wall time: the offsets a day before and a day after give the two
	 * candidate instants. */
	if ((rc = offset_at(tz, wall - 86400, &before)) != 0 ||
	    (rc = offset_at(tz, wall + 86400, &after)) != 0)
		return rc;
	a = wall - before;
	b = wall - after;
	if ((ra = shows(tz, a, wall)) < 0)
		return ra;
	if ((rb = shows(tz, b, wall)) < 0)
		return rb;
	if (ra && rb) {
		/* a repeated hour (the clocks went back): the earlier instant */
		*out = a < b ? a : b;
		return 0;
	}
	if (ra || rb) {
		*out = ra ? a : b;
		return 0;
	}
	/* A gap (the clocks went forward): the wall time never happens; the
	 * first valid instant after it is the moment of the change, which lies
	 * between the two candidates.  Find it by bisection on the offset. */
	lo = a < b ? a : b;
	hi = a < b ? b : a;
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		long off;
		if ((rc = offset_at(tz, mid, &off)) != 0)
			return rc;
		if (off == before)
			lo = mid;
		else
			hi = mid;
	}
	*out = hi;
	return 0;
}

int64_t
wf_time_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}
