/* buf.c - growable, capped byte buffer. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_buf.h"
#include "wf_error.h"

#define DEFAULT_MAX ((size_t)64 << 20)

static int
grow(wf_buf *b, size_t need)
{
	size_t max = b->max ? b->max : DEFAULT_MAX;
	size_t cap;
	char *p;

	if (need > max || need < b->len)
		return wf_error_set(WF_ENOMEM, "buffer limit of %zu bytes reached", max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Whether NEED bytes fit without growing: the JSON writers append a byte
 * or a few at a time, and most appends fit. */
static int
fits(const wf_buf *b, size_t need)
{
	return need <= b->cap && need > b->len && (b->max == 0 || need <= b->max);
}

int
wf_buf_add(wf_buf *b, const void *s, size_t n)
{
	if (!fits(b, b->len + n + 1) && grow(b, b->len + n + 1) != 0)
		return WF_ENOMEM;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
wf_buf_adds(wf_buf *b, const char *s)
{
	return wf_buf_add(b, s, strlen(s));
}

int
wf_buf_addc(wf_buf *b, char c)
{
	if (!fits(b, b->len + 2))
		return wf_buf_add(b, &c, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
	return 0;
}

int
wf_buf_addf(wf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return wf_error_set(WF_EINTERNAL, "bad format");
	if (grow(b, b->len + (size_t)n + 1) != 0)
		return WF_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *
wf_buf_str(const wf_buf *b)
{
	return b->p ? b->p : "";
}

void
wf_buf_reset(wf_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
wf_buf_free(wf_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *
wf_buf_take(wf_buf *b)
{
	char *p = b->p;

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

size_t
wf_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return len;
}

void
wf_sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

int
wf_grow(void *vp, size_t n, size_t *cap, size_t size)
{
	void *v, *p;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	memcpy(&v, vp, sizeof v);
	if (c > SIZE_MAX / size || (p = realloc(v, c * size)) == NULL)
		return wf_error_set(WF_ENOMEM, "out of memory");
	memcpy(vp, &p, sizeof p);
	*cap = c;
	return 0;
}
