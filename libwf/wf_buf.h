/*
 * wf_buf.h - one growable byte buffer with a size cap.
 *
 * Used for every string libwf builds, so no code needs sprintf, strcpy or
 * strcat.  The content is always NUL-terminated when len > 0 or after any
 * successful append.  A buffer starts zeroed ({0}) or from WF_BUF_INIT(cap);
 * max == 0 means the default cap of 64 MiB.
 *
 * Ownership: the buffer owns p; wf_buf_free() releases it.  wf_buf_take()
 * hands p to the caller (free() it) and resets the buffer.
 */
#ifndef WF_BUF_H
#define WF_BUF_H

#include <stddef.h>

typedef struct wf_buf {
	char  *p;
	size_t len, cap, max;
} wf_buf;

#define WF_BUF_INIT(cap_) { NULL, 0, 0, (cap_) }

/* Append N bytes / a string / one byte / printf-style text.  Return 0, or
 * WF_ENOMEM when memory runs out or the cap would be passed (the buffer keeps
 * what it had). */
int wf_buf_add(wf_buf *b, const void *s, size_t n);
int wf_buf_adds(wf_buf *b, const char *s);
int wf_buf_addc(wf_buf *b, char c);
int wf_buf_addf(wf_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The content as a C string ("" when empty; never NULL). */
const char *wf_buf_str(const wf_buf *b);

void  wf_buf_reset(wf_buf *b);      /* len = 0, memory kept */
void  wf_buf_free(wf_buf *b);       /* release memory */
char *wf_buf_take(wf_buf *b);       /* caller frees; NULL if empty and unallocated */

/* Room for one more element of SIZE bytes in the array whose pointer is at
 * VP (N used, *CAP allocated, doubled when full, 64 at first).  The pointer
 * is copied in and out with memcpy, so any element type's pointer can be
 * passed.  Returns 0, or WF_ENOMEM (the array is left as it was). */
int wf_grow(void *vp, size_t n, size_t *cap, size_t size);

/* Copy SRC into DST of size N, truncating; always NUL-terminates when N > 0.
 * Returns the length of SRC (so truncation is visible as >= N). */
size_t wf_strlcpy(char *dst, const char *src, size_t n);

/* qsort(3) for an array that may be empty: N may be 0 with BASE NULL
 * (an array never grown), which qsort itself must not be given. */
void wf_sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *));

#endif
