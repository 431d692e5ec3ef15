/* test_html.c - HTML text that cannot become markup or act on a terminal,
 * and SVG charts that carry their numbers and no stored text raw. */
#include "harness.h"
#include "wf.h"
#include "wf_html.h"

/* S as HTML text (a static copy: no buffer outlives the call). */
static const char *
text(const char *s)
{
	static char out[512];
	wf_buf b = {0};
	int rc = wf_html_text(&b, s);

	wf_strlcpy(out, wf_buf_str(&b), sizeof out);
	wf_buf_free(&b);
	return rc == 0 ? out : NULL;
}

TEST(markup_characters_become_references)
{
	EQ_STR(text("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
	EQ_STR(text("\"><img src=x onerror=alert(1)>"),
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	EQ_STR(text("Tom's & Jerry's"), "Tom&#39;s &amp; Jerry&#39;s");
	EQ_STR(text("&amp;"), "&amp;amp;");
	EQ_STR(text("Grüße, 東京 — ok"), "Grüße, 東京 — ok");
	EQ_STR(text(""), "");
}

TEST(controls_show_as_the_other_writers_show_them)
{
	EQ_STR(text("red\x1b[31m<b>"), "red\\x1b[31m&lt;b&gt;");
	EQ_STR(text("gnp.\xe2\x80\xae" "exe"), "gnp.\\u202eexe");
	EQ_STR(text("bad\xff<"), "bad\\xff&lt;");
	EQ_STR(text("tab\there"), "tab\\x09here");
}

TEST(null_text_adds_nothing)
{
	wf_buf b = {0};

	EQ_INT(wf_html_text(&b, NULL), 0);
	EQ_INT(b.len, 0);
	EQ_INT(wf_html_elem(&b, "<td>", NULL, "</td>"), 0);
	EQ_STR(wf_buf_str(&b), "<td></td>");
	wf_buf_free(&b);
}

TEST(bars_escape_labels_and_write_every_number)
{
	static const struct wf_html_series s[] = { { "a<b", "#123456" }, { "c", "#654321" } };
	const int64_t v1[] = { 3, 4 }, v2[] = { 0, 0 }, v3[] = { -5, 1 };
	const struct wf_html_bar bars[] = {
		{ "<script>x</script>", v1, NULL }, { "empty", v2, NULL },
		{ "neg", v3, "one & only" } };
	wf_buf b = {0};
	const char *p;

	EQ_INT(wf_html_bars(&b, "T<itle>", s, 2, bars, 3), 0);
	p = wf_buf_str(&b);
	CHECK(strstr(p, "<script") == NULL);
	CHECK(strstr(p, "&lt;script&gt;x&lt;/script&gt;") != NULL);
	CHECK(strstr(p, "<title>T&lt;itle&gt;</title>") != NULL);
	CHECK(strstr(p, "a&lt;b</text>") != NULL);
	CHECK(strstr(p, ">7</text>") != NULL);          /* the sum */
	CHECK(strstr(p, ">0</text>") != NULL);
	CHECK(strstr(p, ">one &amp; only</text>") != NULL);
	CHECK(strstr(p, "width=\"-") == NULL);          /* negatives draw nothing */
	wf_buf_free(&b);
}

TEST(bars_scale_to_the_largest_without_overflow)
{
	static const struct wf_html_series s[] = { { "v", "#000" } };
	const int64_t big[] = { WF_MONEY_MAX }, half[] = { WF_MONEY_MAX / 2 }, one[] = { 1 };
	const struct wf_html_bar bars[] = { { "big", big, NULL }, { "half", half, NULL },
		{ "one", one, NULL } };
	wf_buf b = {0};
	const char *p;

	EQ_INT(wf_html_bars(&b, "t", s, 1, bars, 3), 0);
	p = wf_buf_str(&b);
	CHECK(strstr(p, "width=\"380\"") != NULL);
	CHECK(strstr(p, "width=\"190\"") != NULL);
	CHECK(strstr(p, "width=\"1\"") != NULL);        /* small, still seen */
	wf_buf_free(&b);
}

TEST(long_labels_are_cut_on_a_character_with_the_whole_in_the_title)
{
	static const struct wf_html_series s[] = { { "v", "#000" } };
	const int64_t v[] = { 1 };
	const struct wf_html_bar bars[] = {
		{ "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ", v, NULL } };
	wf_buf b = {0};

	EQ_INT(wf_html_bars(&b, "t", s, 1, bars, 1), 0);
	CHECK(strstr(wf_buf_str(&b), "<title>ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ</title>") != NULL);
	CHECK(strstr(wf_buf_str(&b), ">ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ\xe2\x80\xa6</text>") != NULL);
	wf_buf_free(&b);
}

TEST(timeline_marks_late_ones_and_names_the_dates)
{
	const struct wf_html_mark m[] = {
		{ "PO-1 <ACME>", 1765000000 - 4 * 86400, 1, "4 d late" },
		{ "PO-2", 1765000000 + 30 * 86400, 0, NULL } };
	wf_buf b = {0};
	const char *p;

	EQ_INT(wf_html_timeline(&b, "POs", 1765000000, m, 2), 0);
	p = wf_buf_str(&b);
	CHECK(strstr(p, "PO-1 &lt;ACME&gt;") != NULL);
	CHECK(strstr(p, "class=\"late\"") != NULL);
	CHECK(strstr(p, "class=\"due\"") != NULL);
	CHECK(strstr(p, ">today</text>") != NULL);
	CHECK(strstr(p, ">2025-11-29</text>") != NULL); /* a week before today */
	CHECK(strstr(p, ">2026-01-05</text>") != NULL); /* the last due date */
	wf_buf_free(&b);
}

/* "today" sits on a line of its own under the dates: near the first date
 * (a week of span before it) it used to be drawn over that date. */
TEST(timeline_today_never_shares_the_dates_line)
{
	const struct wf_html_mark m[] = { { "PO-1", 1765000000 + 300 * 86400, 0, NULL } };
	wf_buf b = {0};
	const char *p, *today, *first;
	long yt, yd;

	EQ_INT(wf_html_timeline(&b, "POs", 1765000000, m, 1), 0);
	p = wf_buf_str(&b);
	today = strstr(p, ">today</text>");
	first = strstr(p, ">2025-11-29</text>");
	CHECK(today != NULL && first != NULL);
	/* the y of each <text ... y="N" ...> */
	while (today > p && strncmp(today, "<text", 5) != 0)
		today--;
	while (first > p && strncmp(first, "<text", 5) != 0)
		first--;
	CHECK(sscanf(strstr(today, " y=\""), " y=\"%ld", &yt) == 1);
	CHECK(sscanf(strstr(first, " y=\""), " y=\"%ld", &yd) == 1);
	CHECK(yt - yd >= 12);              /* a line apart: no overlap */
	wf_buf_free(&b);
}
