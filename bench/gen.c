/*
 * gen.c - deterministic benchmark data, as JSON lines.
 *
 *   bench/gen SCALE KIND
 *
 * KIND is one of:
 *   skus        SCALE/10 SKUs (at least 10): {"type":"sku","sku":...}
 *   warehouses  3, 5 or 8 warehouses by scale, then their bins:
 *               {"type":"warehouse",...} and {"type":"bin","bin":"BER/A-0001",...}
 *   suppliers   one per 500 SKUs (at least 3)
 *   movements   SCALE stock movements: receipts into bulk bins, moves from
 *               bulk to pick bins, reservations from pick bins (about
 *               4:3:2), each valid against the stock the lines before it
 *               left
 *   orders      SCALE orders in the generic format of cli.md, 1-4 lines each
 *   rules       routing rules for wf-route carrier import: a capacity line per
 *               warehouse (enough for SCALE orders over two days) and two or
 *               three carrier services each, with different cutoffs, transit
 *               days, costs and countries
 *   stock       a receipt of every SKU into a pick bin of every warehouse,
 *               at a cost that differs by warehouse (landed cost)
 *   routeorders SCALE orders like "orders", placed in the week before
 *               2026-11-20T09:00:00Z and promised 2-9 days after it (20%
 *               without a promise): what wf-route finds to route on that day
 *   ledger      "movements" spread evenly over the 56 days before
 *               2026-11-20T09:00:00Z (an "at" on each line), every
 *               reservation shipped in the same second: the history the
 *               stock-risk numbers read (bench/floor_apply only)
 *   riskwarehouses  5 warehouses at every scale, then their bins: the
 *               catalogue of the stock-scan shape (issue 15: 100,000 SKUs x 5
 *               warehouses at 1M)
 *   riskledger  5 x SCALE movements over the 56 days before
 *               2026-11-20T09:00:00Z, in time order, ten for each SKU at
 *               each of the 5 warehouses: on the first day a receipt into a
 *               bulk bin and its move to a pick bin, then four shipments
 *               (reserve and ship) two weeks apart of the SKU's size Q
 *               (1-5).  What is left is 6 Q (82 days of cover), at the
 *               SKU's home warehouse AMS also the 15 units its open orders
 *               wait for; 2% of SKU-warehouses are left with none
 *               (stockout_now), 1% of the home warehouses with half their
 *               waiting units (orders_short), and 1% of the others with
 *               40 Q (overstock).  (bench/floor_apply only)
 *   riskorders  SCALE open order lines, two an order (SCALE / 2 orders),
 *               placed in the week before 2026-11-20T09:00:00Z and promised
 *               2-9 days after it: line l of SKU l mod SKUs, qty 1 or 2, so
 *               that every SKU has ten waiting lines of 15 units
 *   payouts     Stripe payout lines in the generic format of wf-reconcile
 *               paying the "orders" of the same scale (order k has id
 *               k + 1 when they are imported first into an empty orders
 *               table): one charge per paid order, posted an hour after it
 *               was placed, 2.9% fee; most name the order ("order"),
 *               about 30% only a payment id ("payment_id": pi_ID, which
 *               the bench setup keeps on order ID), about 1% (orders of 3
 *               or more lines, whose totals rarely collide) neither, so
 *               match finds them by amount and date, written last; one
 *               order in 1000 has a second charge naming an order that
 *               does not exist.  1000 orders a payout
 *               (stripe:po_000001...), whose records come after the
 *               lines, with the amount the lines add up to.
 *
 * The same SCALE and KIND always give the same bytes: the generator uses its
 * own PRNG (splitmix64), integer arithmetic only, and derives each SKU's
 * attributes from its number, so orders and movements agree with the
 * catalogue of the same scale without reading it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- numbers ------------------------------------------------------------- */

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t state;

static uint64_t
next(void)
{
	return mix(state += 0x9E3779B97F4A7C15ull);
}

/* 0 .. n-1 */
static uint64_t
pick(uint64_t n)
{
	return next() % n;
}

/* 0 .. n-1, the low end more likely (a few SKUs sell most). */
static uint64_t
skewed(uint64_t n)
{
	uint64_t a = pick(n), b = pick(n);
	return a < b ? a : b;
}

/* A fixed property of item I of kind K. */
static uint64_t
prop(uint64_t k, uint64_t i)
{
	return mix(k * 0x100000001B3ull ^ (i + 1) * 0x9E3779B97F4A7C15ull);
}

/* ---- the catalogue of a scale ----------------------------------------------- */

struct scale {
	uint64_t n;             /* SCALE */
	uint64_t skus, whs, pick_bins, bulk_bins, suppliers;
};

static struct scale
scale_of(uint64_t n)
{
	struct scale s;

	s.n = n;
	s.skus = n / 10 < 10 ? 10 : n / 10;
	s.whs = n >= 1000000 ? 8 : n >= 100000 ? 5 : 3;
	s.pick_bins = s.skus / 20 < 10 ? 10 : s.skus / 20;
	s.bulk_bins = s.skus / 100 < 4 ? 4 : s.skus / 100;
	s.suppliers = s.skus / 500 < 3 ? 3 : s.skus / 500;
	return s;
}

static const struct warehouse {
	const char *code, *name, *country, *postcode, *tz;
} warehouses[] = {
	{ "BER", "Berlin", "DE", "12529", "Europe/Berlin" },
	{ "HAM", "Hamburg", "DE", "21129", "Europe/Berlin" },
	{ "MUC", "Munich", "DE", "85356", "Europe/Berlin" },
	{ "AMS", "Amsterdam", "NL", "1118 CP", "Europe/Amsterdam" },
	{ "PAR", "Paris", "FR", "95700", "Europe/Paris" },
	{ "MIL", "Milan", "IT", "20090", "Europe/Rome" },
	{ "MAD", "Madrid", "ES", "28042", "Europe/Madrid" },
	{ "VIE", "Vienna", "AT", "1300", "Europe/Vienna" },
};

static const char *const adjectives[] = {
	"Classic", "Large", "Small", "Organic", "Heavy", "Light", "Travel",
	"Deluxe", "Basic", "Vintage", "Slim", "Soft",
};
static const char *const nouns[] = {
	"Mug", "T-Shirt", "Notebook", "Backpack", "Lamp", "Candle", "Bottle",
	"Scarf", "Poster", "Cap", "Towel", "Plate", "Socks", "Pen",
};
static const char *const colours[] = {
	"black", "white", "red", "blue", "green", "grey", "sand", "navy",
};

/* SKU I (0-based): price and cost in cents, always the same. */
static int64_t
sku_price(uint64_t i)
{
	return (int64_t)(prop(1, i) % 200 + 1) * 100 - 1;      /* 0.99 .. 199.99 */
}

static int64_t
sku_cost(uint64_t i)
{
	return sku_price(i) * (int64_t)(30 + prop(2, i) % 31) / 100;
}

static void
sku_code(char *out, size_t n, uint64_t i)
{
	snprintf(out, n, "SKU-%06" PRIu64, i + 1);
}

static void
pick_bin(char *out, size_t n, const struct scale *s, uint64_t sku, uint64_t w)
{
	snprintf(out, n, "%s/A-%04" PRIu64, warehouses[w].code,
	    prop(3, sku * 8 + w) % s->pick_bins + 1);
}

static void
bulk_bin(char *out, size_t n, const struct scale *s, uint64_t sku, uint64_t w)
{
	snprintf(out, n, "%s/B-%03" PRIu64, warehouses[w].code,
	    prop(4, sku * 8 + w) % s->bulk_bins + 1);
}

static void
money(char *out, size_t n, int64_t cents)
{
	snprintf(out, n, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
}

static void
iso(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- kinds ---------------------------------------------------------------- */

static void
gen_skus(const struct scale *s)
{
	char code[32], price[32], cost[32];
	uint64_t i;

	for (i = 0; i < s->skus; i++) {
		uint64_t p = prop(5, i);
		sku_code(code, sizeof code, i);
		money(price, sizeof price, sku_price(i));
		money(cost, sizeof cost, sku_cost(i));
		printf("{\"type\":\"sku\",\"sku\":\"%s\",\"title\":\"%s %s, %s\","
		    "\"price\":\"%s\",\"cost\":\"%s\",\"currency\":\"EUR\"}\n", code,
		    adjectives[p % 12], nouns[p / 12 % 14], colours[p / 168 % 8],
		    price, cost);
	}
}

static void
gen_warehouses(const struct scale *s)
{
	uint64_t w, b;

	for (w = 0; w < s->whs; w++)
		printf("{\"type\":\"warehouse\",\"warehouse\":\"%s\",\"name\":\"%s\","
		    "\"country\":\"%s\",\"postcode\":\"%s\",\"timezone\":\"%s\","
		    "\"capacity\":%" PRIu64 "}\n", warehouses[w].code, warehouses[w].name,
		    warehouses[w].country, warehouses[w].postcode, warehouses[w].tz,
		    s->n / 100 + 500);
	for (w = 0; w < s->whs; w++) {
		for (b = 1; b <= s->pick_bins; b++)
			printf("{\"type\":\"bin\",\"bin\":\"%s/A-%04" PRIu64 "\",\"kind\":\"pick\"}\n",
			    warehouses[w].code, b);
		for (b = 1; b <= s->bulk_bins; b++)
			printf("{\"type\":\"bin\",\"bin\":\"%s/B-%03" PRIu64 "\",\"kind\":\"bulk\"}\n",
			    warehouses[w].code, b);
	}
}

static void
gen_suppliers(const struct scale *s)
{
	static const char *const names[] = {
		"Nordic Goods", "Atlas Supply", "Keramik Werk", "Blue Harbour",
		"Lindner & Sohn", "Porto Textil", "Vela Trading", "Bergmann",
	};
	uint64_t i;

	for (i = 0; i < s->suppliers; i++)
		printf("{\"type\":\"supplier\",\"supplier\":\"SUP-%03" PRIu64 "\","
		    "\"name\":\"%s %" PRIu64 "\",\"email\":\"orders@sup%03" PRIu64 ".example\","
		    "\"lead_time\":%" PRIu64 "}\n", i + 1, names[i % 8], i / 8 + 1, i + 1,
		    7 + prop(6, i) % 24);
}

/* Stock the generator believes each SKU has, per warehouse. */
struct stock {
	int32_t bulk, pick;     /* on hand */
};

/* DATED: each line carries "at" (LEDGER_FROM + k * LEDGER_SPAN / SCALE) and
 * each reservation is followed by its shipment. */
#define LEDGER_FROM 1790294400          /* 2026-09-25T00:00:00Z */
#define LEDGER_SPAN (56 * 86400 - 3600)  /* to an hour before the bench clock */

static void
gen_movements(const struct scale *s, int dated)
{
	struct stock *st = calloc(s->skus * s->whs, sizeof *st);
	char code[32], from[32], to[32], cost[32], at[48] = "";
	uint64_t k, order = 1000;

	if (st == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		exit(1);
	}
	for (k = 0; k < s->n; k++) {
		uint64_t i = 0, w = 0, r = pick(100), tries;
		struct stock *x = NULL;
		int32_t q;

		if (dated) {
			char t[24];
			iso(t, sizeof t, LEDGER_FROM + (int64_t)(k * LEDGER_SPAN / s->n));
			snprintf(at, sizeof at, ",\"at\":\"%s\"", t);
		}
		/* 55% reservations, 30% moves, 15% receipts: a reservation or a
		 * move looks at a few SKUs for one with the stock, and falls back
		 * to the next kind when none has it. */
		if (r < 55)
			for (tries = 0; tries < 8; tries++) {
				i = skewed(s->skus), w = pick(s->whs);
				x = &st[i * s->whs + w];
				if (x->pick >= 3)
					break;
				x = NULL;
			}
		if (x) {
			q = 1 + (int32_t)pick(3);
			x->pick -= q;
			sku_code(code, sizeof code, i);
			printf("{\"type\":\"movement\",\"action\":\"reserve\",\"sku\":\"%s\","
			    "\"qty\":%d,\"warehouse\":\"%s\",\"ref\":\"shop:%" PRIu64 "\"%s}\n",
			    code, q, warehouses[w].code, ++order, at);
			if (dated)
				printf("{\"type\":\"movement\",\"action\":\"ship\",\"sku\":\"%s\","
				    "\"qty\":%d,\"ref\":\"shop:%" PRIu64 "\"%s}\n", code, q, order, at);
			continue;
		}
		if (r < 85)
			for (tries = 0; tries < 8; tries++) {
				i = skewed(s->skus), w = pick(s->whs);
				x = &st[i * s->whs + w];
				if (x->bulk > 0)
					break;
				x = NULL;
			}
		if (x) {
			q = 1 + (int32_t)pick(50);
			if (q > x->bulk)
				q = x->bulk;
			x->bulk -= q;
			x->pick += q;
			sku_code(code, sizeof code, i);
			bulk_bin(from, sizeof from, s, i, w);
			pick_bin(to, sizeof to, s, i, w);
			printf("{\"type\":\"movement\",\"action\":\"move\",\"sku\":\"%s\","
			    "\"qty\":%d,\"from\":\"%s\",\"to\":\"%s\"%s}\n", code, q, from, to, at);
			continue;
		}
		i = skewed(s->skus), w = pick(s->whs);
		x = &st[i * s->whs + w];
		q = 10 * (1 + (int32_t)pick(50));
		x->bulk += q;
		sku_code(code, sizeof code, i);
		bulk_bin(to, sizeof to, s, i, w);
		money(cost, sizeof cost, sku_cost(i));
		printf("{\"type\":\"movement\",\"action\":\"receive\",\"sku\":\"%s\","
		    "\"qty\":%d,\"to\":\"%s\",\"cost\":\"%s\"%s}\n", code, q, to, cost, at);
	}
	free(st);
}

struct country {
	const char *cc;
	unsigned weight;        /* percent */
	const char *cities[4];
};

static const struct country countries[] = {
	{ "DE", 50, { "Berlin", "Hamburg", "Cologne", "Leipzig" } },
	{ "AT", 10, { "Vienna", "Graz", "Linz", "Salzburg" } },
	{ "FR", 10, { "Paris", "Lyon", "Lille", "Nantes" } },
	{ "NL", 10, { "Amsterdam", "Utrecht", "Rotterdam", "Eindhoven" } },
	{ "IT", 6, { "Milan", "Turin", "Bologna", "Rome" } },
	{ "ES", 6, { "Madrid", "Valencia", "Seville", "Bilbao" } },
	{ "GB", 5, { "London", "Leeds", "Bristol", "Glasgow" } },
	{ "US", 3, { "New York", "Chicago", "Austin", "Portland" } },
};

static void
postcode(char *out, size_t n, const char *cc)
{
	static const char *const gb[] = { "SW1A", "EC1V", "M1", "LS1", "BS1", "G2" };

	if (strcmp(cc, "DE") == 0)
		snprintf(out, n, "%05" PRIu64, 1067 + pick(98000));
	else if (strcmp(cc, "AT") == 0)
		snprintf(out, n, "%04" PRIu64, 1010 + pick(8980));
	else if (strcmp(cc, "NL") == 0)
		snprintf(out, n, "%04" PRIu64 " %c%c", 1000 + pick(9000),
		    (char)('A' + pick(26)), (char)('A' + pick(26)));
	else if (strcmp(cc, "GB") == 0)
		snprintf(out, n, "%s %" PRIu64 "%c%c", gb[pick(6)], pick(10),
		    (char)('A' + pick(26)), (char)('A' + pick(26)));
	else
		snprintf(out, n, "%05" PRIu64, 1000 + pick(98000));
}

/* Called, when set, with each order "orders" generates: its number K
 * (0-based), channel, external id, time placed, line count, and amount
 * paid (0: pending). */
static void (*order_seen)(uint64_t k, const char *channel, uint64_t ext, int64_t placed,
    uint64_t lines, int64_t paid);

/* Orders: placed from T0 on, one every STEP seconds (0: a year's worth);
 * PROMISE_DAY, when not 0, is the day (days since the epoch) promises count
 * from, else they count from the day each order was placed. */
static void
gen_orders_from(const struct scale *s, int64_t t0, int64_t step, int64_t promise_day)
{
	static const char *const first[] = {
		"Anna", "Ben", "Clara", "David", "Elif", "Finn", "Greta", "Hugo",
		"Ines", "Jonas", "Kira", "Luca", "Mia", "Noah", "Olga", "Paul",
	};
	static const char *const last[] = {
		"Müller", "Schmidt", "Dubois", "de Vries", "Rossi", "García",
		"Smith", "Novak", "Weber", "Janssen", "Bianchi", "Fischer",
	};
	static const char *const channels[] = { "shop", "amazon", "ebay" };
	uint64_t counter[3] = { 1000, 40000000, 700000 };
	char placed[32], promise[32], code[32], price[32], ship[32], total[32], pc[32];
	uint64_t k;

	if (step == 0)
		step = (int64_t)(31536000 / s->n) ? (int64_t)(31536000 / s->n) : 1;
	for (k = 0; k < s->n; k++) {
		uint64_t r = pick(100), c, lines = 1 + skewed(4), l;
		const struct country *co = &countries[0];
		unsigned acc = 0;
		int64_t t = t0 + (int64_t)k * step + (int64_t)pick((uint64_t)step);
		int64_t sub = 0, shipping;
		uint64_t ci = 0;

		c = r < 70 ? 0 : r < 90 ? 1 : 2;
		r = pick(100);
		for (ci = 0; ci < sizeof countries / sizeof countries[0]; ci++) {
			acc += countries[ci].weight;
			if (r < acc) {
				co = &countries[ci];
				break;
			}
		}
		iso(placed, sizeof placed, t);
		postcode(pc, sizeof pc, co->cc);
		printf("{\"type\":\"order\",\"channel\":\"%s\",\"external_id\":\"%" PRIu64 "\","
		    "\"placed_at\":\"%s\",\"currency\":\"EUR\",\"ship_to\":{\"name\":\"%s %s\","
		    "\"country\":\"%s\",\"postcode\":\"%s\",\"city\":\"%s\"},",
		    channels[c], ++counter[c], placed, first[pick(16)], last[pick(12)],
		    co->cc, pc, co->cities[pick(4)]);
		if (pick(100) < 80) {
			int64_t p = ((promise_day ? promise_day : t / 86400) + 2 +
			    (int64_t)pick(promise_day ? 8 : 4)) * 86400 + 18 * 3600;
			iso(promise, sizeof promise, p);
			printf("\"promise_by\":\"%s\",", promise);
		}
		printf("\"lines\":[");
		for (l = 0; l < lines; l++) {
			uint64_t i = skewed(s->skus), q = 1 + skewed(3);
			sku_code(code, sizeof code, i);
			money(price, sizeof price, sku_price(i));
			sub += sku_price(i) * (int64_t)q;
			printf("%s{\"sku\":\"%s\",\"qty\":%" PRIu64 ",\"unit_price\":\"%s\"}",
			    l ? "," : "", code, q, price);
		}
		shipping = sub >= 5000 ? 0 : 490;
		money(ship, sizeof ship, shipping);
		if (pick(100) < 97) {
			money(total, sizeof total, sub + shipping);
			printf("],\"shipping_paid\":\"%s\",\"payment\":{\"status\":\"paid\","
			    "\"amount\":\"%s\"}}\n", ship, total);
			if (order_seen)
				order_seen(k, channels[c], counter[c], t, lines, sub + shipping);
		} else {
			printf("],\"shipping_paid\":\"%s\",\"payment\":{\"status\":\"pending\","
			    "\"amount\":\"0.00\"}}\n", ship);
			if (order_seen)
				order_seen(k, channels[c], counter[c], t, lines, 0);
		}
	}
}

static void
gen_orders(const struct scale *s)
{
	gen_orders_from(s, 1767225600, 0, 0);          /* 2026-01-01T00:00:00Z */
}

/* The week before 2026-11-20T09:00:00Z, promised from that day on. */
static void
gen_routeorders(const struct scale *s)
{
	int64_t now = 1795165200, week = 7 * 86400;

	gen_orders_from(s, now - week, week / (int64_t)s->n ? week / (int64_t)s->n : 1,
	    now / 86400);
}

static void
gen_rules(const struct scale *s)
{
	static const struct {
		const char *carrier, *service, *cutoff;
		int transit, cost, eu;          /* eu: 0 domestic, 1 EU + GB, 2 everywhere */
	} svc[] = {
		{ "dhl", "parcel", "15:00", 2, 410, 0 },
		{ "dpd", "classic", "17:00", 3, 590, 1 },
		{ "ups", "express", "12:00", 1, 1490, 2 },
	};
	uint64_t w, k;

	for (w = 0; w < s->whs; w++)
		printf("{\"type\":\"capacity\",\"warehouse\":\"%s\",\"timezone\":\"%s\","
		    "\"orders_per_day\":%" PRIu64 "}\n", warehouses[w].code, warehouses[w].tz,
		    s->n / 4 + 100);
	for (w = 0; w < s->whs; w++)
		for (k = 0; k < 2 + w % 2; k++) {
			char cost[32];
			/* each warehouse a little dearer or cheaper than the next */
			money(cost, sizeof cost, svc[k].cost + (int64_t)(prop(7, w * 4 + k) % 60) - 30);
			printf("{\"type\":\"carrier_service\",\"warehouse\":\"%s\",\"carrier\":\"%s\","
			    "\"service\":\"%s\",\"cutoff\":\"%s\",\"transit_days\":%d,\"cost\":\"%s\","
			    "\"currency\":\"EUR\",\"countries\":%s}\n", warehouses[w].code,
			    svc[k].carrier, svc[k].service, svc[k].cutoff, svc[k].transit, cost,
			    svc[k].eu == 2 ? "[]" : svc[k].eu == 1 ?
			    "[\"DE\",\"AT\",\"FR\",\"NL\",\"IT\",\"ES\",\"GB\"]" :
			    strcmp(warehouses[w].country, "DE") == 0 ? "[\"DE\",\"AT\"]" :
			    strcmp(warehouses[w].country, "NL") == 0 ? "[\"NL\",\"DE\"]" :
			    strcmp(warehouses[w].country, "FR") == 0 ? "[\"FR\"]" : "[\"IT\"]");
		}
}

static void
gen_stock(const struct scale *s)
{
	char code[32], to[32], cost[32];
	uint64_t i, w;

	for (i = 0; i < s->skus; i++)
		for (w = 0; w < s->whs; w++) {
			sku_code(code, sizeof code, i);
			pick_bin(to, sizeof to, s, i, w);
			money(cost, sizeof cost, sku_cost(i) * (int64_t)(85 + prop(8, i * 8 + w) % 31) / 100);
			printf("{\"type\":\"movement\",\"action\":\"receive\",\"sku\":\"%s\","
			    "\"qty\":%" PRIu64 ",\"to\":\"%s\",\"cost\":\"%s\"}\n", code,
			    100 + prop(9, i * 8 + w) % 200, to, cost);
		}
}

/* ---- payouts ---------------------------------------------------------------- */

#define PAYOUT_ORDERS 1000

static FILE *pout;                      /* the payout lines (stdout) */
static int64_t *payout_net, *payout_last;
static struct late { uint64_t k; int64_t placed, paid; } *late;
static size_t nlate, caplate;

static void
payout_line(uint64_t k, const char *id_prefix, const char *order, const char *payment,
    int64_t posted, int64_t gross)
{
	char g[32], f[32], at[32];
	int64_t fee = (gross * 29 + 500) / 1000;
	uint64_t p = k / PAYOUT_ORDERS;

	money(g, sizeof g, gross);
	money(f, sizeof f, fee);
	iso(at, sizeof at, posted);
	fprintf(pout, "{\"type\":\"payout_line\",\"payout\":\"stripe:po_%06" PRIu64 "\","
	    "\"provider_id\":\"txn_%s%08" PRIu64 "\",\"category\":\"charge\",", p + 1,
	    id_prefix, k + 1);
	if (order)
		fprintf(pout, "\"order\":\"%s\",", order);
	if (payment)
		fprintf(pout, "\"payment_id\":\"%s\",", payment);
	fprintf(pout, "\"gross\":\"%s\",\"fee\":\"%s\",\"currency\":\"EUR\","
	    "\"posted_at\":\"%s\"}\n", g, f, at);
	payout_net[p] += gross - fee;
	if (posted > payout_last[p])
		payout_last[p] = posted;
}

static void
pay_order(uint64_t k, const char *channel, uint64_t ext, int64_t placed, uint64_t lines,
    int64_t paid)
{
	uint64_t r = prop(10, k) % 100;
	char order[48], payment[32];

	if (paid == 0)
		return;
	snprintf(order, sizeof order, "%s:%" PRIu64, channel, ext);
	if (lines >= 3 && r < 4) {
		if (nlate == caplate) {
			caplate = caplate ? caplate * 2 : 1024;
			if ((late = realloc(late, caplate * sizeof *late)) == NULL) {
				fprintf(stderr, "gen: out of memory\n");
				exit(1);
			}
		}
		late[nlate].k = k;
		late[nlate].placed = placed;
		late[nlate++].paid = paid;
	} else if (r < 30) {
		snprintf(payment, sizeof payment, "pi_%" PRIu64, k + 1);
		payout_line(k, "", NULL, payment, placed + 3600, paid);
	} else
		payout_line(k, "", order, NULL, placed + 3600, paid);
	if (prop(11, k) % 1000 == 0) {
		snprintf(order, sizeof order, "%s:9%" PRIu64, channel, ext);
		payout_line(k, "u", order, NULL, placed + 3600, paid);
	}
}

static void
gen_payouts(const struct scale *s, uint64_t seed)
{
	uint64_t np = (s->n + PAYOUT_ORDERS - 1) / PAYOUT_ORDERS, p;
	char amount[32], day[32];
	size_t i;
	int fd = dup(STDOUT_FILENO);

	/* the orders again, as "orders" makes them, to /dev/null */
	if (fd < 0 || (pout = fdopen(fd, "w")) == NULL ||
	    freopen("/dev/null", "w", stdout) == NULL ||
	    (payout_net = calloc(np, sizeof *payout_net)) == NULL ||
	    (payout_last = calloc(np, sizeof *payout_last)) == NULL) {
		perror("gen");
		exit(1);
	}
	setvbuf(pout, NULL, _IOFBF, 1 << 20);
	state = seed;
	order_seen = pay_order;
	gen_orders(s);
	for (i = 0; i < nlate; i++)
		payout_line(late[i].k, "", NULL, NULL, late[i].placed + 3600, late[i].paid);
	for (p = 0; p < np; p++) {
		money(amount, sizeof amount, payout_net[p]);
		iso(day, sizeof day, payout_last[p] + 2 * 86400);
		day[10] = '\0';
		fprintf(pout, "{\"type\":\"payout\",\"payout\":\"stripe:po_%06" PRIu64 "\","
		    "\"amount\":\"%s\",\"currency\":\"EUR\",\"arrival\":\"%s\"}\n",
		    p + 1, amount, day);
	}
	if (fflush(pout) != 0 || ferror(pout)) {
		perror("gen: write error");
		exit(1);
	}
	free(late);
	free(payout_net);
	free(payout_last);
}

/* ---- the stock-scan shape (issue 15) ----------------------------------------- */

#define RISK_WHS 5
#define RISK_HOME 3             /* AMS: the lowest code, where waiting lines count */
#define RISK_WAITING 15         /* units of a SKU's ten open lines: 1+2+1+2... */

static struct scale
risk_scale(const struct scale *s)
{
	struct scale r = *s;

	r.whs = RISK_WHS;
	return r;
}

/* A SKU's shipment size, 1-5. */
static int32_t
risk_q(uint64_t i)
{
	return 1 + (int32_t)(prop(7, i) % 5);
}

/* What SKU I has left at warehouse W after the window. */
static int32_t
risk_left(uint64_t i, uint64_t w)
{
	uint64_t h = prop(8, i * 8 + w) % 100;
	int32_t q = risk_q(i);

	if (h < 2)
		return 0;                                       /* stockout_now */
	if (w == RISK_HOME)
		return 6 * q + (h < 3 ? RISK_WAITING / 2 : RISK_WAITING);  /* orders_short */
	return h < 3 ? 40 * q : 6 * q;                          /* overstock, ok */
}

/* The day (0-55 of the window) of shipment K (0-3) of SKU I at W. */
static int
risk_ship_day(uint64_t i, uint64_t w, int k)
{
	return 6 + 14 * k + (int)(prop(9, i * 8 + w) % 7);
}

static void
gen_riskwarehouses(const struct scale *s)
{
	struct scale r = risk_scale(s);

	gen_warehouses(&r);
}

static void
gen_riskledger(const struct scale *s)
{
	struct scale r = risk_scale(s);
	uint64_t pairs = r.skus * RISK_WHS, p, order = 1000;
	char code[32], from[32], to[32], cost[32], t[24];
	int day, k;

	for (day = 0; day < 56; day++) {
		uint64_t count = 0, j = 0;
		int64_t t0 = LEDGER_FROM + (int64_t)day * 86400;

		for (p = 0; p < pairs; p++)
			if (day == 0)
				count += 2;
			else
				for (k = 0; k < 4; k++)
					count += 2 * (risk_ship_day(p / RISK_WHS, p % RISK_WHS, k) == day);
		for (p = 0; p < pairs; p++) {
			uint64_t i = p / RISK_WHS, w = p % RISK_WHS;
			int32_t q = risk_q(i);

			sku_code(code, sizeof code, i);
			if (day == 0) {
				int32_t in = 4 * q + risk_left(i, w);
				bulk_bin(to, sizeof to, &r, i, w);
				money(cost, sizeof cost, sku_cost(i));
				iso(t, sizeof t, t0 + (int64_t)(j++ * 82800 / count));
				printf("{\"type\":\"movement\",\"action\":\"receive\",\"sku\":\"%s\","
				    "\"qty\":%d,\"to\":\"%s\",\"cost\":\"%s\",\"at\":\"%s\"}\n", code, in,
				    to, cost, t);
				bulk_bin(from, sizeof from, &r, i, w);
				pick_bin(to, sizeof to, &r, i, w);
				iso(t, sizeof t, t0 + (int64_t)(j++ * 82800 / count));
				printf("{\"type\":\"movement\",\"action\":\"move\",\"sku\":\"%s\","
				    "\"qty\":%d,\"from\":\"%s\",\"to\":\"%s\",\"at\":\"%s\"}\n", code, in,
				    from, to, t);
				continue;
			}
			for (k = 0; k < 4; k++) {
				if (risk_ship_day(i, w, k) != day)
					continue;
				iso(t, sizeof t, t0 + (int64_t)(j * 82800 / count));
				j += 2;
				order++;
				printf("{\"type\":\"movement\",\"action\":\"reserve\",\"sku\":\"%s\","
				    "\"qty\":%d,\"warehouse\":\"%s\",\"ref\":\"shop:%" PRIu64 "\","
				    "\"at\":\"%s\"}\n", code, q, warehouses[w].code, order, t);
				printf("{\"type\":\"movement\",\"action\":\"ship\",\"sku\":\"%s\","
				    "\"qty\":%d,\"ref\":\"shop:%" PRIu64 "\",\"at\":\"%s\"}\n", code, q,
				    order, t);
			}
		}
	}
}

static void
gen_riskorders(const struct scale *s)
{
	int64_t now = 1795165200, week = 7 * 86400, step = week / (int64_t)(s->n / 2 + 1);
	char placed[32], promise[32], code[32], price[32], total[32];
	uint64_t j, l;

	for (j = 0; j < s->n / 2; j++) {
		int64_t sub = 0, shipping;

		iso(placed, sizeof placed, now - week + (int64_t)j * step);
		iso(promise, sizeof promise, (now / 86400 + 2 + (int64_t)(prop(10, j) % 8)) * 86400 +
		    18 * 3600);
		printf("{\"type\":\"order\",\"channel\":\"shop\",\"external_id\":\"r%" PRIu64 "\","
		    "\"placed_at\":\"%s\",\"currency\":\"EUR\",\"ship_to\":{\"name\":\"Anna Weber\","
		    "\"country\":\"DE\",\"postcode\":\"%05" PRIu64 "\",\"city\":\"Berlin\"},"
		    "\"promise_by\":\"%s\",\"lines\":[", j + 1, placed, 10115 + prop(11, j) % 2000,
		    promise);
		for (l = 2 * j; l < 2 * j + 2; l++) {
			uint64_t i = l % s->skus, q = 1 + l / s->skus % 2;
			sku_code(code, sizeof code, i);
			money(price, sizeof price, sku_price(i));
			sub += sku_price(i) * (int64_t)q;
			printf("%s{\"sku\":\"%s\",\"qty\":%" PRIu64 ",\"unit_price\":\"%s\"}",
			    l > 2 * j ? "," : "", code, q, price);
		}
		shipping = sub >= 5000 ? 0 : 490;
		money(price, sizeof price, shipping);
		money(total, sizeof total, sub + shipping);
		printf("],\"shipping_paid\":\"%s\",\"payment\":{\"status\":\"paid\","
		    "\"amount\":\"%s\"}}\n", price, total);
	}
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = {
		"skus", "warehouses", "suppliers", "movements", "orders", "rules", "stock",
		"routeorders", "ledger", "payouts", "riskwarehouses", "riskledger",
		"riskorders", NULL
	};
	static char obuf[1 << 20];
	struct scale s;
	char *end;
	unsigned long long n;
	int k;

	if (argc != 3 || (n = strtoull(argv[1], &end, 10)) == 0 || *end) {
		fprintf(stderr, "usage: bench/gen SCALE skus|warehouses|suppliers|movements|orders|"
		    "rules|stock|routeorders|ledger|payouts|riskwarehouses|riskledger|riskorders\n");
		return 2;
	}
	for (k = 0; kinds[k] && strcmp(kinds[k], argv[2]) != 0; k++)
		;
	if (kinds[k] == NULL) {
		fprintf(stderr, "gen: unknown kind '%s'\n", argv[2]);
		return 2;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
	s = scale_of(n);
	state = mix((uint64_t)k * 0x51ED270B27D4A1ull ^ n);
	switch (k) {
	case 0: gen_skus(&s); break;
	case 1: gen_warehouses(&s); break;
	case 2: gen_suppliers(&s); break;
	case 3: gen_movements(&s, 0); break;
	case 4: gen_orders(&s); break;
	case 5: gen_rules(&s); break;
	case 6: gen_stock(&s); break;
	case 7: gen_routeorders(&s); break;
	case 8: gen_movements(&s, 1); break;
	case 9: gen_payouts(&s, mix((uint64_t)4 * 0x51ED270B27D4A1ull ^ n)); break;
	case 10: gen_riskwarehouses(&s); break;
	case 11: gen_riskledger(&s); break;
	case 12: gen_riskorders(&s); break;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("gen: write error");
		return 1;
	}
	return 0;
}
