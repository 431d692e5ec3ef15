/* risk_math.c - the arithmetic of stock risk (wf_risk.h): the normal
 * quantile, mean and deviation, safety stock, the day-by-day projection and
 * the allocation of supply to waiting orders.  Pure functions: no database,
 * no allocation.
 *
 * No table of its own; no SQL.  No libm either (the tools link without it):
 * the square root and the logarithm the quantile needs are computed here.
 */
#include <stdint.h>
#include <string.h>

#include "wf_error.h"
#include "wf_json.h"
#include "wf_risk.h"

static const char *const status_names[] = {
	"stockout_now", "stockout_before_po", "order_by_passed", "below_reorder_point",
	"orders_short", "overstock", "ok", "no_history"
};

const char *
wf_risk_status_name(int status)
{
	if (status < 0 || status > WF_RISK_NO_HISTORY)
		return "ok";
	return status_names[status];
}

void
wf_risk_defaults(struct wf_risk_opts *o)
{
	memset(o, 0, sizeof *o);
	o->window_days = WF_RISK_DEFAULT_WINDOW;
	o->service_bp = WF_RISK_DEFAULT_SERVICE;
	o->overstock_days = WF_RISK_DEFAULT_OVERSTOCK;
}

int
wf_risk_parse_service(const char *s, int64_t *bp)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, places = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && places < 2; p++, places++)
			frac = frac * 10 + (*p - '0');
	if (places == 1)
		frac *= 10;
	if (digits == 0 || *p != '\0' || (p[-1] == '.') || whole * 100 + frac < 5000 ||
	    whole * 100 + frac > 9999)
		return wf_error_set(WF_EUSAGE, "--service-level: expected a percentage from 50 "
		    "to 99.99 with at most two places, such as 95 or 97.5, got '%.40s'", s);
	*bp = whole * 100 + frac;
	return 0;
}

int64_t
wf_risk_round(double x)
{
	if (x != x)
		return 0;
	if (x >= 9.2e18)
		return INT64_MAX;
	if (x <= -9.2e18)
		return -INT64_MAX;
	return x >= 0 ? (int64_t)(x + 0.5) : -(int64_t)(-x + 0.5);
}

/* X rounded up to a whole number of units, within [0, 2^53 - 1]; a
 * floating-point hair (1e-9) above a whole number does not round up. */
static int64_t
ceil_units(double x)
{
	int64_t i;

	x -= 1e-9;
	if (!(x > 0))
		return 0;
	if (x >= (double)WF_JSON_INT_MAX)
		return WF_JSON_INT_MAX;
	i = (int64_t)x;
	return (double)i < x ? i + 1 : i;
}

/* sqrt(X) for X >= 0 (0 for anything else): X scaled by powers of 4 into
 * [1, 4), then Newton's method, which doubles the correct digits each step. */
static double
root(double x)
{
	double s = 1, g;
	int i;

	if (!(x > 0) || x > 1e300)
		return x > 1e300 ? 1e150 : 0;
	while (x >= 4) {
		x /= 4;
		s *= 2;
	}
	while (x < 1) {
		x *= 4;
		s /= 2;
	}
	for (g = (1 + x) / 2, i = 0; i < 8; i++)
		g = (g + x / g) / 2;
	return g * s;
}

/* ln(X) for X > 0: X = m * 2^k with m in [1, 2), ln m = 2 atanh((m-1)/(m+1)),
 * whose series in y <= 1/3 gains a digit a term. */
static double
logn(double x)
{
	static const double ln2 = 0.69314718055994530942;
	double y, y2, t, sum;
	int k = 0, i;

	if (!(x > 0))
		return -1e300;
	while (x >= 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	for (t = y, sum = 0, i = 1; i < 60; i += 2, t *= y2)
		sum += t / i;
	return 2 * sum + k * ln2;
}

double
wf_risk_z(double p)
{
	static const double a[] = {
		-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
		1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
	};
	static const double b[] = {
		-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
		6.680131188771972e+01, -1.328068155211027e+01
	};
	static const double c[] = {
		-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
		-2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
	};
	static const double d[] = {
		7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
		3.754408661907416e+00
	};
	const double lo = 0.02425;
	double q, r;

	if (!(p > 0))
		return -38;
	if (!(p < 1))
		return 38;
	if (p < lo || p > 1 - lo) {
		q = root(-2 * logn(p < lo ? p : 1 - p));
		r = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		return p < lo ? r : -r;
	}
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

void
wf_risk_stats(const double *v, size_t n, double *mean, double *sd)
{
	double m = 0, ss = 0;
	size_t i;

	*mean = *sd = 0;
	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		m += v[i];
	m /= (double)n;
	*mean = m;
	if (n < 2)
		return;
	for (i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	*sd = root(ss / (double)(n - 1));
}

int64_t
wf_risk_safety_stock(int64_t d100, int64_t sd100, int64_t lt10, int64_t ltsd10,
    int64_t service_bp, int64_t safety_days)
{
	double lt, sd, d, sl, z;

	if (safety_days > 0) {
		__int128 u = ((__int128)safety_days * d100 + 99) / 100;
		return u > WF_JSON_INT_MAX ? WF_JSON_INT_MAX : u < 0 ? 0 : (int64_t)u;
	}
	z = wf_risk_z((double)service_bp / 10000);
	lt = (double)lt10 / 10;
	sd = (double)sd100 / 100;
	d = (double)d100 / 100;
	sl = (double)ltsd10 / 10;
	return ceil_units(z * root(lt * sd * sd + d * d * sl * sl));
}

/* ---- the projection ------------------------------------------------------- */

/* E in hundredths, kept in 128 bits: the sums of a hostile ledger cannot
 * wrap, and a result past int64 is clamped. */
typedef __int128 wide;

static int64_t
clamp64(wide v)
{
	return v > INT64_MAX ? INT64_MAX : v < -INT64_MAX ? -INT64_MAX : (int64_t)v;
}

/* Walk the segments of E: between two event days E falls by d100 a day.
 * For each segment [a, e] (e the day before the next event, or LAST), call
 * back with E(a).  Stops when the callback returns nonzero. */
struct walk {
	int64_t d100, from, to;
	int64_t found;              /* first_out: the day; -1 */
	wide    low;                /* lowest: so far */
	int     any;
};

static int
first_seg(struct walk *w, int64_t a, int64_t e, wide ea)
{
	wide k;

	if (w->d100 == 0) {
		if (ea < 0) {
			w->found = a;
			return 1;
		}
		return 0;
	}
	if (ea <= 0) {
		w->found = a;
		return 1;
	}
	/* the first k >= a with ea - d100 * (k - a) <= 0 */
	k = a + (ea + w->d100 - 1) / w->d100;
	if (k <= e) {
		w->found = (int64_t)k;
		return 1;
	}
	return 0;
}

static int
low_seg(struct walk *w, int64_t a, int64_t e, wide ea)
{
	int64_t lo = a > w->from ? a : w->from, hi = e < w->to ? e : w->to;
	wide v;

	if (a > w->to)
		return 1;
	if (lo > hi)
		return 0;
	v = ea - (wide)w->d100 * (hi - a);      /* E falls: its lowest is at hi */
	if (!w->any || v < w->low)
		w->low = v;
	w->any = 1;
	return 0;
}

static void
walk(const struct wf_risk_event *ev, size_t n, int64_t available, int64_t last,
    struct walk *w, int (*seg)(struct walk *, int64_t, int64_t, wide))
{
	wide level = (wide)available * 100;
	int64_t a = 0, b;
	size_t i = 0;

	while (a <= last) {
		while (i < n && ev[i].day <= a)
			level += (wide)ev[i++].qty * 100;
		b = i < n ? ev[i].day : last + 1;
		if (b > last + 1)
			b = last + 1;
		if (seg(w, a, b - 1, level - (wide)w->d100 * a))
			return;
		a = b;
	}
}

int64_t
wf_risk_first_out(const struct wf_risk_event *ev, size_t n, int64_t available,
    int64_t d100, int64_t horizon)
{
	struct walk w = { d100, 0, 0, -1, 0, 0 };

	walk(ev, n, available, horizon, &w, first_seg);
	return w.found;
}

int64_t
wf_risk_lowest(const struct wf_risk_event *ev, size_t n, int64_t available,
    int64_t d100, int64_t from, int64_t to)
{
	struct walk w = { d100, from, to, -1, 0, 0 };

	if (from > to || to < 0)
		return INT64_MAX;
	walk(ev, n, available, to, &w, low_seg);
	return w.any ? clamp64(w.low) : INT64_MAX;
}

int64_t
wf_risk_allocate(struct wf_risk_line *lines, size_t n, int64_t available,
    const struct wf_risk_event *rc, size_t nr)
{
	wide supply = available, taken = 0, spare, low = INT64_MAX;
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		while (j < nr && rc[j].day <= lines[i].day)
			supply += rc[j++].qty;
		taken += lines[i].qty;
		spare = supply - taken;
		if (spare < low)
			low = spare;
		lines[i].short_qty = spare >= 0 ? 0 : -spare > lines[i].qty ? lines[i].qty :
		    (int64_t)-spare;
	}
	return clamp64(low);
}
