/* test_text.c - validation of stored text and codes, visible escapes, near
 * matches. */
#include "harness.h"
#include "wf.h"

TEST(free_text_refuses_what_can_act_on_a_terminal_and_names_it)
{
	static const struct { const char *s, *msg; } bad[] = {
		{ "a\x1b]52;c;eA==\x07", "note: control character U+001B in text" },
		{ "bell\x07", "note: control character U+0007 in text" },
		{ "cr\rlf", "note: control character U+000D in text" },
		{ "del\x7f", "note: control character U+007F in text" },
		{ "csi\xc2\x9b" "31m", "note: control character U+009B in text" },
		{ "gnp.\xe2\x80\xae" "exe", "note: bidirectional control U+202E in text" },
		{ "iso\xe2\x81\xa6late", "note: bidirectional control U+2066 in text" },
		{ "zero\xe2\x80\x8bwidth", "note: invisible character U+200B in text" },
		{ "bom\xef\xbb\xbf", "note: invisible character U+FEFF in text" },
		{ "line\xe2\x80\xa8sep", "note: line separator U+2028 in text" },
		{ "bad\xff", "note: not valid UTF-8" },
		{ NULL, NULL }
	};
	size_t i;

	for (i = 0; bad[i].s; i++) {
		EQ_INT(wf_text_check("note", bad[i].s, 4000), WF_EINPUT);
		EQ_STR(wf_error_msg(), bad[i].msg);
	}
	EQ_INT(wf_text_check("note", "Grüße, 東京 — ok", 4000), 0);
	EQ_INT(wf_text_check("note", "x", 0), WF_EINPUT);
}

TEST(sku_codes_are_printable_ascii)
{
	EQ_INT(wf_text_sku("sku", "MUG-1"), 0);
	EQ_INT(wf_text_sku("sku", "Tasse blau/gross #2"), 0);
	EQ_INT(wf_text_sku("sku", "MUG-1\xe2\x80\x8b"), WF_EINPUT);
	EQ_STR(wf_error_msg(), "sku: expected printable ASCII, got a non-ASCII character at byte 6");
	EQ_INT(wf_text_sku("sku", "MÜG"), WF_EINPUT);
	EQ_INT(wf_text_sku("sku", "A\tB"), WF_EINPUT);
	EQ_STR(wf_error_msg(), "sku: expected printable ASCII, got a control character at byte 2");
	EQ_INT(wf_text_sku("sku", " MUG"), WF_EINPUT);
}

static const char *
esc(const char *s)
{
	static char out[256];
	wf_buf b = {0};

	wf_text_escape(&b, s, strlen(s));
	wf_strlcpy(out, wf_buf_str(&b), sizeof out);
	wf_buf_free(&b);
	return out;
}

TEST(escapes_are_visible_and_leave_the_rest_alone)
{
	EQ_STR(esc("plain Grüße"), "plain Grüße");
	EQ_STR(esc("\x1b[2J"), "\\x1b[2J");
	EQ_STR(esc("a\xc2\x9b" "b"), "a\\u009bb");
	EQ_STR(esc("x\xe2\x80\xaey"), "x\\u202ey");
	EQ_STR(esc("bad\xff!"), "bad\\xff!");
}

static const char *
near(const char *word, const char *const *cands)
{
	static struct wf_text_near n;

	wf_text_near_init(&n, word);
	for (; *cands; cands++)
		wf_text_near_add(&n, *cands);
	return wf_text_near_best(&n) ? wf_text_near_best(&n) : "(none)";
}

TEST(near_matches_by_case_then_fewest_edits)
{
	static const char *const keys[] = { "shipping_paid", "ship_to", "payment", NULL };
	static const char *const skus[] = { "MUG-1", "MUG-10", "mug-2", "TEE-M", NULL };

	EQ_STR(near("shiping_paid", keys), "shipping_paid");
	EQ_STR(near("shpi_to", keys), "ship_to");        /* a swap is one edit */
	EQ_STR(near("colour", keys), "(none)");
	EQ_STR(near("MUG-2", skus), "mug-2");             /* case wins */
	EQ_STR(near("MUG1", skus), "MUG-1");
	EQ_STR(near("TEE-XL", skus), "TEE-M");            /* two edits in six */
	EQ_STR(near("SHIRT-XL", skus), "(none)");
}
