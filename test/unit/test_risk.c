/* Stock risk: the statistics, the projection and the allocation of
 * wf_risk.h, with values worked out by hand (or from tables of the normal
 * distribution) in the comments. */
#include <stdint.h>

#include "harness.h"
#include "wf.h"
#include "wf_risk.h"

#define NEAR(a, b, tol)                                                     \
	do {                                                                \
		double a_ = (a), b_ = (b);                                  \
		unit_checks++;                                              \
		if (!(a_ - b_ <= (tol) && b_ - a_ <= (tol)))                \
			FAILF("%s == %.9f, expected %.9f", #a, a_, b_);     \
	} while (0)

TEST(z_is_the_normal_quantile)
{
	/* standard normal tables */
	NEAR(wf_risk_z(0.5), 0, 1e-9);
	NEAR(wf_risk_z(0.95), 1.644853627, 1e-6);
	NEAR(wf_risk_z(0.90), 1.281551566, 1e-6);
	NEAR(wf_risk_z(0.975), 1.959963985, 1e-6);
	/* the tails, where the approximation takes a logarithm and a root */
	NEAR(wf_risk_z(0.99), 2.326347874, 1e-6);
	NEAR(wf_risk_z(0.999), 3.090232306, 1e-6);
	NEAR(wf_risk_z(0.9999), 3.719016485, 1e-6);
	NEAR(wf_risk_z(0.01), -2.326347874, 1e-6);
	/* symmetric */
	NEAR(wf_risk_z(0.8) + wf_risk_z(0.2), 0, 1e-9);
	/* never NaN or infinite */
	CHECK(wf_risk_z(0) < -10 && wf_risk_z(1) > 10);
}

TEST(stats_are_mean_and_sample_deviation)
{
	double v[] = { 2, 6, 2, 6 }, one[] = { 7 }, m, sd;

	/* deviations +-2: sum of squares 16, / (4 - 1), root: 2.3094 */
	wf_risk_stats(v, 4, &m, &sd);
	NEAR(m, 4, 1e-12);
	NEAR(sd, 2.309401077, 1e-9);
	wf_risk_stats(one, 1, &m, &sd);
	NEAR(m, 7, 1e-12);
	NEAR(sd, 0, 0);
	wf_risk_stats(v, 0, &m, &sd);
	NEAR(m, 0, 0);
	NEAR(sd, 0, 0);
}

TEST(round_is_half_away_from_zero)
{
	EQ_INT(wf_risk_round(2.5), 3);
	EQ_INT(wf_risk_round(-2.5), -3);
	EQ_INT(wf_risk_round(2.4999), 2);
	EQ_INT(wf_risk_round(0), 0);
	EQ_INT(wf_risk_round(1e300), INT64_MAX);
}

TEST(safety_stock_from_the_formula_rounds_up)
{
	/* d 4.00, sd 2.05, LT 9.0, sd_LT 0: 1.6449 * sqrt(9 * 4.2025) = 10.116 */
	EQ_INT(wf_risk_safety_stock(400, 205, 90, 0, 9500, 0), 11);
	/* at 99%: 2.3263 * 6.15 = 14.307 */
	EQ_INT(wf_risk_safety_stock(400, 205, 90, 0, 9900, 0), 15);
	/* lead time variation: d 10, sd 0, LT 5, sd_LT 2: 1.6449 * sqrt(100 * 4)
	 * = 32.897 */
	EQ_INT(wf_risk_safety_stock(1000, 0, 50, 20, 9500, 0), 33);
	/* both: sqrt(5 * 9 + 100 * 4) = 21.095; * 1.6449 = 34.70 */
	EQ_INT(wf_risk_safety_stock(1000, 300, 50, 20, 9500, 0), 35);
	/* 50%: z is 0 */
	EQ_INT(wf_risk_safety_stock(1000, 300, 50, 20, 5000, 0), 0);
	/* no demand, no deviation: none */
	EQ_INT(wf_risk_safety_stock(0, 0, 80, 0, 9500, 0), 0);
}

TEST(safety_days_times_demand_replace_the_formula)
{
	/* 3 days of 4.00 */
	EQ_INT(wf_risk_safety_stock(400, 205, 90, 0, 9500, 3), 12);
	/* 3 days of 2.41: 7.23, up to 8 */
	EQ_INT(wf_risk_safety_stock(241, 0, 90, 0, 9500, 3), 8);
}

TEST(parse_service_level)
{
	int64_t bp = 0;

	EQ_INT(wf_risk_parse_service("95", &bp), 0);
	EQ_INT(bp, 9500);
	EQ_INT(wf_risk_parse_service("97.5", &bp), 0);
	EQ_INT(bp, 9750);
	EQ_INT(wf_risk_parse_service("99.99", &bp), 0);
	EQ_INT(bp, 9999);
	EQ_INT(wf_risk_parse_service("50", &bp), 0);
	EQ_INT(bp, 5000);
	EQ_INT(wf_risk_parse_service("100", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("49.99", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("95.", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service(".5", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("97.555", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("+95", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("95%", &bp), WF_EUSAGE);
	EQ_INT(wf_risk_parse_service("", &bp), WF_EUSAGE);
}

TEST(runs_out_on_day_8_before_the_receipt_on_day_10)
{
	/* 30 available, 4 a day from day 1: day 7 ends with 2, day 8 with -2 */
	struct wf_risk_event ev[] = { { 10, 100 } };

	EQ_INT(wf_risk_first_out(ev, 1, 30, 400, 3650), 8);
	/* the lowest before the receipt: day 9, 30 - 36 = -6 units */
	EQ_INT(wf_risk_lowest(ev, 1, 30, 400, 0, 9), -600);
	/* within a lead time of 8: day 7, 2 units */
	EQ_INT(wf_risk_lowest(ev, 1, 30, 400, 0, 7), 200);
	/* after the receipt it climbs back: day 10, 130 - 40 */
	EQ_INT(wf_risk_lowest(ev, 1, 30, 400, 10, 10), 9000);
}

TEST(ending_a_day_with_nothing_is_running_out_when_there_is_demand)
{
	/* 28 at 4 a day: day 7 ends with 0, and day 8 would want 4 */
	EQ_INT(wf_risk_first_out(NULL, 0, 28, 400, 3650), 7);
	/* nothing and demand: today */
	EQ_INT(wf_risk_first_out(NULL, 0, 0, 400, 3650), 0);
	/* nothing and no demand: never */
	EQ_INT(wf_risk_first_out(NULL, 0, 0, 0, 3650), -1);
	/* fractional demand: 10 at 2.40 a day is 4.17 days: day 5 */
	EQ_INT(wf_risk_first_out(NULL, 0, 10, 240, 3650), 5);
}

TEST(orders_take_stock_on_their_day)
{
	/* 5 available, no forecast; orders of 3 on days 1, 2 and 3 */
	struct wf_risk_event ev[] = { { 1, -3 }, { 2, -3 }, { 3, -3 } };

	EQ_INT(wf_risk_first_out(ev, 3, 5, 0, 3650), 2);
	EQ_INT(wf_risk_lowest(ev, 3, 5, 0, 0, 3650), -400);
	/* exactly enough is not running out without demand */
	EQ_INT(wf_risk_first_out(ev, 3, 9, 0, 3650), -1);
}

TEST(the_horizon_bounds_the_search)
{
	EQ_INT(wf_risk_first_out(NULL, 0, 1000000, 1, 3650), -1);
	EQ_INT(wf_risk_first_out(NULL, 0, 36, 1, 3650), 3600);
	/* a range past the horizon, or empty */
	EQ_INT(wf_risk_lowest(NULL, 0, 5, 100, 3, 2), INT64_MAX);
}

TEST(huge_quantities_do_not_wrap)
{
	struct wf_risk_event ev[] = { { 0, INT64_MAX / 2 }, { 0, INT64_MAX / 2 }, { 1, -INT64_MAX } };

	/* 2^53 units at 1.00 a day last past the horizon */
	EQ_INT(wf_risk_first_out(NULL, 0, (int64_t)1 << 53, 100, 3650), -1);
	/* sums past int64 are clamped, not wrapped */
	EQ_INT(wf_risk_lowest(ev, 2, INT64_MAX / 2, 0, 0, 0), INT64_MAX);
	CHECK(wf_risk_lowest(ev, 3, 0, 100, 0, 5) < INT64_MAX);
}

TEST(allocation_goes_in_promise_order)
{
	/* 5 available; lines of 3 on days 1, 2, 3: the second is short 1, the
	 * third 3; the tightest spare is 5 - 9 */
	struct wf_risk_line l[] = { { 1, 3, -1 }, { 2, 3, -1 }, { 3, 3, -1 } };

	EQ_INT(wf_risk_allocate(l, 3, 5, NULL, 0), -4);
	EQ_INT(l[0].short_qty, 0);
	EQ_INT(l[1].short_qty, 1);
	EQ_INT(l[2].short_qty, 3);
}

TEST(allocation_counts_a_receipt_from_its_day)
{
	struct wf_risk_line l[] = { { 1, 3, -1 }, { 2, 3, -1 }, { 3, 3, -1 } };
	struct wf_risk_event rc[] = { { 2, 4 } };

	/* 4 more on day 2: the second line has 5 + 4 - 6 = 3 spare, the third
	 * 0; the first had 2 */
	EQ_INT(wf_risk_allocate(l, 3, 5, rc, 1), 0);
	EQ_INT(l[0].short_qty + l[1].short_qty + l[2].short_qty, 0);
	/* arriving on day 3 is too late for the second line */
	rc[0].day = 3;
	EQ_INT(wf_risk_allocate(l, 3, 5, rc, 1), -1);
	EQ_INT(l[1].short_qty, 1);
	EQ_INT(l[2].short_qty, 0);
	/* no lines: nothing is short */
	EQ_INT(wf_risk_allocate(l, 0, 5, rc, 1), INT64_MAX);
}

TEST(status_names)
{
	EQ_STR(wf_risk_status_name(WF_RISK_STOCKOUT_NOW), "stockout_now");
	EQ_STR(wf_risk_status_name(WF_RISK_OVERSTOCK), "overstock");
	EQ_STR(wf_risk_status_name(WF_RISK_NO_HISTORY), "no_history");
	EQ_INT(WF_RISK_NKINDS, WF_RISK_OK);
}

