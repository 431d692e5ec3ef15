/*
 * wf_time.h - the clock and ISO 8601 times.
 *
 * Times are int64 seconds since 1970-01-01T00:00:00Z, stored and printed as
 * UTC ISO 8601 ("2026-11-20T09:14:00Z").  $WF_NOW, when set, replaces the
 * system clock everywhere, for tests and backfills.
 */
#ifndef WF_TIME_H
#define WF_TIME_H

#include <stddef.h>
#include <stdint.h>

#define WF_TIME_LEN 21   /* "YYYY-MM-DDTHH:MM:SSZ" plus NUL */

/* Parse ISO 8601: "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MM[:SS[.frac]]"
 * followed by "Z", "+HH:MM", "+HHMM", "+HH" (or '-'); without an offset the
 * time is taken as UTC.  'T' may be 't' or a space.  Fractions are dropped
 * (rounded down).  Years 1000-9999, also after applying the offset (the
 * range wf_time_format() writes).  Returns 0 or WF_EINPUT. */
int wf_time_parse(const char *s, int64_t *out);

/* Like wf_time_parse, and also offsets from NOW: "-7d", "-24h", "-30m",
 * "-2w" in the past, "+2d", "+4h" in the future (for snoozes). */
int wf_time_parse_rel(const char *s, int64_t now, int64_t *out);

/* Format T as "YYYY-MM-DDTHH:MM:SSZ" into OUT[WF_TIME_LEN]. */
void wf_time_format(int64_t t, char out[WF_TIME_LEN]);

/* Format T's UTC date as "YYYY-MM-DD" into OUT[11]. */
void wf_date_format(int64_t t, char out[11]);

/* The current time: $WF_NOW if set, else the system clock.  Returns 0, or
 * WF_EUSAGE when $WF_NOW is set but not a valid time. */
int wf_time_now(int64_t *out);

/* Milliseconds on a clock that only moves forward (not $WF_NOW, not the
 * wall clock): for measuring waits and durations. */
int64_t wf_time_mono_ms(void);

/* Days since the epoch for a proleptic Gregorian date, and back. */
int64_t wf_days_from_civil(int64_t y, unsigned m, unsigned d);
void wf_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Broken-down local time of T in IANA zone TZ ("Europe/Berlin", "UTC").
 * Returns 0, or WF_EINPUT when the zone is unknown. */
struct wf_local {
	int64_t  year;
	unsigned month, day, hour, min, sec;
	int      wday;          /* 0 = Sunday */
	long     utc_offset;    /* seconds east of UTC */
};
int wf_time_local(int64_t t, const char *tz, struct wf_local *out);

/* The UTC time of local wall-clock time Y-M-D H:M:S in zone TZ.  A time in
 * a gap (the clocks went forward past it) moves to the first valid instant
 * after it, the moment of the change; a time that happens twice (the
 * clocks went back) is the earlier instant (design.md).  So the result
 * never decreases as the wall time grows.  Returns 0 or WF_EINPUT. */
int wf_time_from_local(const char *tz, int64_t y, unsigned m, unsigned d,
    unsigned hh, unsigned mm, unsigned ss, int64_t *out);

/* Whether TZ names a time zone this machine knows.  Returns 1 or 0. */
int wf_tz_valid(const char *tz);

#endif
