/*
 * wf_html.h - HTML and inline SVG for pages that must be safe to open
 * anywhere: a browser, a mail client, a file viewer.
 *
 * Everything that is not markup written by the caller goes through
 * wf_html_text(): stored text can never become markup (a title of
 * "<script>alert(1)</script>" shows as those characters), and characters
 * that can act on a terminal or hide in text (wf_text_unsafe) are shown as
 * the visible escapes the other writers use ("\x1b", "\u202e").  The
 * charts are plain SVG elements (no script, no external reference), sized
 * in pixels, with every number also written as text beside its bar.
 *
 * Ownership: nothing here keeps a pointer; strings are the caller's.
 */
#ifndef WF_HTML_H
#define WF_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "wf_buf.h"

/* Append S (NULL: nothing) to B as HTML text, safe in element content and
 * in a double- or single-quoted attribute value: & < > " ' as character
 * references, unsafe characters and invalid bytes as visible escapes.
 * Returns 0 or WF_ENOMEM. */
int wf_html_text(wf_buf *b, const char *s);
int wf_html_textn(wf_buf *b, const char *s, size_t n);

/* Append BEFORE (markup, the caller's), then S as text, then AFTER
 * (markup): the common "<td>" text "</td>" shape.  Returns 0 or
 * WF_ENOMEM. */
int wf_html_elem(wf_buf *b, const char *before, const char *s, const char *after);

/* One series of a bar chart: its name in the legend and its fill colour
 * (a CSS colour the caller writes, such as "#2f6fb0"). */
struct wf_html_series {
	const char *name;
	const char *fill;
};

/* One bar: its label (text), one value per series (stacked, >= 0; a
 * negative value counts as 0), and the text written after the bar (NULL:
 * the sum). */
struct wf_html_bar {
	const char    *label;
	const int64_t *v;
	const char    *note;
};

/* Append a horizontal stacked bar chart titled TITLE: NB bars of NS series,
 * scaled to the largest sum, with a legend when NS > 1.  Labels longer than
 * 30 characters are cut with an ellipsis (the full text is in the bar's
 * <title>).  Returns 0 or WF_ENOMEM. */
int wf_html_bars(wf_buf *b, const char *title, const struct wf_html_series *s,
    size_t ns, const struct wf_html_bar *bars, size_t nb);

/* One row of a timeline: a label, the time it falls due, whether it is
 * late (drawn in the alarm colour), and the text after it. */
struct wf_html_mark {
	const char *label;
	int64_t     at;
	int         late;
	const char *note;
};

/* Append a timeline titled TITLE: one row per mark, a line from NOW to the
 * mark's time and a dot at it, a dashed line at NOW, the first and last
 * dates and today on the axis.  Returns 0 or WF_ENOMEM. */
int wf_html_timeline(wf_buf *b, const char *title, int64_t now,
    const struct wf_html_mark *m, size_t n);

#endif
