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

#include "wf_buf.h"

/* Free text: at most MAX bytes of valid UTF-8 without control characters. */
int wf_text_check(const char *what, const char *s, size_t max);

/* A code of 1-MAX letters, digits, '.', '_' or '-'. */
int wf_text_code(const char *what, const char *code, size_t max);

/* A SKU code: not empty, no leading or trailing space, text of at most 64
 * bytes. */
int wf_text_sku(const char *what, const char *code);

/* An owner (a person, a team, a system): not NULL, not empty, text of at
 * most 64 bytes.  Callers for whom an owner is optional test NULL first. */
int wf_text_owner(const char *owner);

/* Free text from a platform or provider, made safe to store: each control
 * character (C0, DEL, C1) and each bidirectional or zero-width format
 * character becomes the visible text "\u001b" (its code point), so nothing
 * is lost and nothing acts on a terminal; text past MAX bytes is cut
 * between characters.  Appends to OUT.  Returns 0, WF_EINPUT for invalid
 * UTF-8 (message starts with WHAT), or WF_ENOMEM. */
int wf_text_clean(wf_buf *out, const char *what, const char *s, size_t max);

/* Whether S is NULL or only spaces, tabs and line ends (1 or 0). */
int wf_text_blank(const char *s);

/* Whether S has no control characters (1 or 0). */
int wf_text_plain(const char *s);

#endif
