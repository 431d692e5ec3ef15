/* html.c - HTML text and inline SVG charts (wf_html.h). */
#include <stdint.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_html.h"
#include "wf_text.h"
#include "wf_time.h"

int
wf_html_textn(wf_buf *b, const char *s, size_t n)
{
	wf_buf t = {0};
	size_t i, run = 0;
	int rc = 0;

	if (s == NULL)
		return 0;
	/* first the visible escapes of the other writers, then the markup */
	if (wf_text_escape(&t, s, n) != 0) {
		wf_buf_free(&t);
		return WF_ENOMEM;
	}
	for (i = 0; i < t.len; i++) {
		const char *ref;

		switch (t.p[i]) {
		case '&':  ref = "&amp;"; break;
		case '<':  ref = "&lt;"; break;
		case '>':  ref = "&gt;"; break;
		case '"':  ref = "&quot;"; break;
		case '\'': ref = "&#39;"; break;
		default:   continue;
		}
		rc |= wf_buf_add(b, t.p + run, i - run);
		rc |= wf_buf_adds(b, ref);
		run = i + 1;
	}
	if (t.len > run)
		rc |= wf_buf_add(b, t.p + run, t.len - run);
	wf_buf_free(&t);
	return rc ? WF_ENOMEM : 0;
}

int
wf_html_text(wf_buf *b, const char *s)
{
	return s ? wf_html_textn(b, s, strlen(s)) : 0;
}

int
wf_html_elem(wf_buf *b, const char *before, const char *s, const char *after)
{
	if (wf_buf_adds(b, before) || wf_html_text(b, s) || wf_buf_adds(b, after))
		return WF_ENOMEM;
	return 0;
}

/* The bytes of the first MAX characters of S (UTF-8), and whether S is
 * longer. */
static size_t
cut(const char *s, size_t max, int *more)
{
	size_t i = 0, n = strlen(s), k = 0;

	while (i < n && k < max) {
		unsigned char c = (unsigned char)s[i++];
		if (c >= 0xc0)
			while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
		k++;
	}
	*more = i < n;
	return i;
}

/* A label cut to MAX characters, as SVG text. */
static int
label(wf_buf *b, const char *s, size_t max)
{
	int more;
	size_t n = cut(s ? s : "", max, &more);

	if (wf_html_textn(b, s ? s : "", n) != 0)
		return WF_ENOMEM;
	return more ? wf_buf_adds(b, "\xe2\x80\xa6") : 0;
}

#define W_LABEL  190
#define W_BARS   380
#define W_NOTE   190
#define ROW      22

int
wf_html_bars(wf_buf *b, const char *title, const struct wf_html_series *s,
    size_t ns, const struct wf_html_bar *bars, size_t nb)
{
	int64_t max = 0;
	size_t i, k;
	int legend = ns > 1, top = legend ? 24 : 4;
	long h = top + (long)nb * ROW + 4;
	int rc = 0;

	for (i = 0; i < nb; i++) {
		int64_t sum = 0;
		for (k = 0; k < ns; k++)
			sum += bars[i].v[k] > 0 ? bars[i].v[k] : 0;
		if (sum > max)
			max = sum;
	}
	rc |= wf_buf_addf(b, "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%ld\" "
	    "viewBox=\"0 0 %d %ld\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
	    W_LABEL + W_BARS + W_NOTE, h, W_LABEL + W_BARS + W_NOTE, h);
	rc |= wf_html_text(b, title);
	rc |= wf_buf_adds(b, "</title>");
	if (legend) {
		int x = W_LABEL;
		for (k = 0; k < ns; k++) {
			rc |= wf_buf_addf(b, "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" "
			    "fill=\"%s\"/><text x=\"%d\" y=\"15\" class=\"lg\">", x,
			    s[k].fill, x + 14);
			rc |= wf_html_text(b, s[k].name);
			rc |= wf_buf_adds(b, "</text>");
			x += 24 + 7 * (int)strlen(s[k].name);
		}
	}
	for (i = 0; i < nb; i++) {
		long y = top + (long)i * ROW, x = W_LABEL;
		int64_t sum = 0;

		rc |= wf_buf_addf(b, "<g><title>");
		rc |= wf_html_text(b, bars[i].label);
		rc |= wf_buf_addf(b, "</title><text x=\"%d\" y=\"%ld\" class=\"lb\">",
		    W_LABEL - 8, y + 15);
		rc |= label(b, bars[i].label, 30);
		rc |= wf_buf_adds(b, "</text>");
		for (k = 0; k < ns; k++) {
			int64_t v = bars[i].v[k] > 0 ? bars[i].v[k] : 0;
			long w;

			if (max <= 0)
				w = 0;
			else if (max > INT64_MAX / W_BARS)      /* no overflow */
				w = (long)(v / (max / W_BARS));
			else
				w = (long)((v * W_BARS + max / 2) / max);

			sum += v;
			if (v > 0 && w < 1)
				w = 1;
			if (w > 0)
				rc |= wf_buf_addf(b, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" "
				    "height=\"%d\" rx=\"2\" fill=\"%s\"/>", x, y + 3, w,
				    ROW - 6, s[k].fill);
			x += w;
		}
		rc |= wf_buf_addf(b, "<text x=\"%ld\" y=\"%ld\" class=\"nt\">", x + 6, y + 15);
		if (bars[i].note)
			rc |= label(b, bars[i].note, 40);
		else
			rc |= wf_buf_addf(b, "%lld", (long long)sum);
		rc |= wf_buf_adds(b, "</text></g>");
	}
	rc |= wf_buf_adds(b, "</svg>");
	return rc ? WF_ENOMEM : 0;
}

int
wf_html_timeline(wf_buf *b, const char *title, int64_t now,
    const struct wf_html_mark *m, size_t n)
{
	int64_t lo = now, hi = now, span;
	/* the axis: the first and last dates on one line, "today" under them on
	 * its own, where it cannot run into either date however near it is */
	long h = (long)n * ROW + 44, xnow;
	char d[11];
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		if (m[i].at < lo)
			lo = m[i].at;
		if (m[i].at > hi)
			hi = m[i].at;
	}
	/* at least a week either side of today, so the scale means something */
	if (lo > now - 7 * 86400)
		lo = now - 7 * 86400;
	if (hi < now + 7 * 86400)
		hi = now + 7 * 86400;
	span = hi - lo;
#define XAT(t) (W_LABEL + (long)(((t) - lo) * (W_BARS - 10) / span) + 5)
	xnow = XAT(now);
	rc |= wf_buf_addf(b, "<svg class=\"chart\" role=\"img\" width=\"%d\" height=\"%ld\" "
	    "viewBox=\"0 0 %d %ld\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
	    W_LABEL + W_BARS + W_NOTE, h, W_LABEL + W_BARS + W_NOTE, h);
	rc |= wf_html_text(b, title);
	rc |= wf_buf_adds(b, "</title>");
	rc |= wf_buf_addf(b, "<line x1=\"%ld\" y1=\"0\" x2=\"%ld\" y2=\"%ld\" class=\"today\"/>",
	    xnow, xnow, h - 14);
	for (i = 0; i < n; i++) {
		long y = (long)i * ROW + 4, x = XAT(m[i].at);
		const char *cls = m[i].late ? "late" : "due";

		rc |= wf_buf_adds(b, "<g><title>");
		rc |= wf_html_text(b, m[i].label);
		rc |= wf_buf_addf(b, "</title><text x=\"%d\" y=\"%ld\" class=\"lb\">",
		    W_LABEL - 8, y + 15);
		rc |= label(b, m[i].label, 30);
		rc |= wf_buf_addf(b, "</text><line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" "
		    "class=\"%s\"/><circle cx=\"%ld\" cy=\"%ld\" r=\"5\" class=\"%s\"/>"
		    "<text x=\"%d\" y=\"%ld\" class=\"nt\">", xnow, y + 11, x, y + 11, cls,
		    x, y + 11, cls, W_LABEL + W_BARS + 4, y + 15);
		rc |= label(b, m[i].note ? m[i].note : "", 28);
		rc |= wf_buf_adds(b, "</text></g>");
	}
	wf_date_format(lo, d);
	rc |= wf_buf_addf(b, "<text x=\"%d\" y=\"%ld\" class=\"ax\">%s</text>",
	    W_LABEL + 5, h - 18, d);
	wf_date_format(hi, d);
	rc |= wf_buf_addf(b, "<text x=\"%d\" y=\"%ld\" class=\"ax\" text-anchor=\"end\">%s</text>",
	    W_LABEL + W_BARS - 5, h - 18, d);
	rc |= wf_buf_addf(b, "<text x=\"%ld\" y=\"%ld\" class=\"ax\" text-anchor=\"middle\">"
	    "today</text></svg>", xnow, h - 4);
#undef XAT
	return rc ? WF_ENOMEM : 0;
}
