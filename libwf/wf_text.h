/*
 * wf_text.h - validation of codes and free text, at the edge.
 *
 * Every string a record stores passes one of these before it reaches the
 * database: codes (SKU, warehouse, bin, channel, carrier) and free text
 * (titles, reasons, notes, next actions, owners).  Each returns 0, or
 * WF_EINPUT with a message that starts with WHAT ("title: ...").
 *
 * Ownership: nothing is allocated.
 */
#ifndef WF_TEXT_H
#define WF_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "wf_buf.h"

/* Free text: at most MAX bytes of valid UTF-8 without a character that can
 * act on a terminal or hide in text (wf_text_unsafe): the message names the
 * character, "title: control character U+001B in text". */
int wf_text_check(const char *what, const char *s, size_t max);

/* Whether code point CP must never be stored or printed raw (1 or 0): the
 * C0 controls, DEL and the C1 controls (U+0080-U+009F, U+009B is a CSI),
 * the bidirectional controls (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069), zero-width and invisible format characters (U+00AD,
 * U+180E, U+200B-U+200D, U+2060-U+2064, U+FEFF), and the line and
 * paragraph separators (U+2028-U+2029). */
int wf_text_unsafe(uint32_t cp);

/* Decode the UTF-8 character at S (N bytes left): its length, with *cp, or
 * -1 when the bytes are not valid UTF-8. */
int wf_utf8_next(const char *s, size_t n, uint32_t *cp);

/* Append N bytes of S to B with every unsafe character as a visible
 * escape: "\x1b" for C0 controls and DEL, "\u202e" for the others, and
 * "\xff" for a byte that is not valid UTF-8.  For writers that print
 * stored text where it could act (tables, CSV, TSV).  Returns 0 or
 * WF_ENOMEM. */
int wf_text_escape(wf_buf *b, const char *s, size_t n);

/* Whether the first unsafe character or invalid byte of S (N bytes) is
 * there: 1 and its offset in *at, or 0. */
int wf_text_find_unsafe(const char *s, size_t n, size_t *at);

/* The nearest of several words to one that was not found, for "did you
 * mean" in messages: a candidate that differs only in case wins, else the
 * one fewest edits away (insert, delete, change, swap two neighbours),
 * when it is at most a third of the word's length away (at least one
 * edit).  Feed candidates with wf_text_near_add(); BEST is NULL when none
 * is near.  Candidates are copied (at most 255 bytes are compared). */
struct wf_text_near {
	const char *word;
	char        best[256];
	int         found, dist;      /* dist -1: a match but for case */
};
void wf_text_near_init(struct wf_text_near *n, const char *word);
void wf_text_near_add(struct wf_text_near *n, const char *candidate);
const char *wf_text_near_best(const struct wf_text_near *n);

/* A code of 1-MAX letters, digits, '.', '_' or '-'. */
int wf_text_code(const char *what, const char *code, size_t max);

/* A SKU code: not empty, no leading or trailing space, text of at most 64
 * bytes. */
int wf_text_sku(const char *what, const char *code);

/* An owner (a person, a team, a system): not NULL, not empty, text of at
 * most 64 bytes.  Callers for whom an owner is optional test NULL first. */
int wf_text_owner(const char *owner);

/* Free text from a platform or provider, made safe to store: each
 * character wf_text_unsafe() names becomes the visible text "\u001b" (its
 * code point), so nothing is lost and nothing acts on a terminal; text past
 * MAX bytes is cut between characters.  Appends to OUT.  Returns 0,
 * WF_EINPUT for invalid UTF-8 (message starts with WHAT), or WF_ENOMEM. */
int wf_text_clean(wf_buf *out, const char *what, const char *s, size_t max);

/* Whether S is NULL or only spaces, tabs and line ends (1 or 0). */
int wf_text_blank(const char *s);

/* Whether S has no control characters (1 or 0). */
int wf_text_plain(const char *s);

#endif
