/* text.c - validation of codes and free text. */
#include <stdio.h>
#include <string.h>

#include "wf_error.h"
#include "wf_json.h"
#include "wf_text.h"

int
wf_text_plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int
wf_text_blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

int
wf_text_check(const char *what, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return wf_error_set(WF_EINPUT, "%s: longer than %zu bytes", what, max);
	if (!wf_utf8_valid(s, n))
		return wf_error_set(WF_EINPUT, "%s: not valid UTF-8", what);
	if (!wf_text_plain(s))
		return wf_error_set(WF_EINPUT, "%s: control character in text", what);
	return 0;
}

int
wf_text_sku(const char *what, const char *code)
{
	size_t n = strlen(code);

	if (n == 0)
		return wf_error_set(WF_EINPUT, "%s: must not be empty", what);
	if (code[0] == ' ' || code[n - 1] == ' ')
		return wf_error_set(WF_EINPUT, "%s: '%s' has leading or trailing space", what, code);
	return wf_text_check(what, code, 64);
}

int
wf_text_code(const char *what, const char *code, size_t max)
{
	size_t n = strlen(code);

	if (n == 0 || n > max || strspn(code,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return wf_error_set(WF_EINPUT,
		    "%s: expected 1-%zu letters, digits, '.', '_' or '-', got '%.40s'",
		    what, max, code);
	return 0;
}

int
wf_text_owner(const char *owner)
{
	if (owner == NULL || *owner == '\0')
		return wf_error_set(WF_EINPUT, "owner: must not be empty");
	return wf_text_check("owner", owner, 64);
}

/* The code point of the UTF-8 sequence at P (valid UTF-8), and its length. */
static unsigned long
code_point(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if (p[0] < 0xE0) {
		*len = 2;
		return ((unsigned long)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
	}
	if (p[0] < 0xF0) {
		*len = 3;
		return ((unsigned long)(p[0] & 0x0F) << 12) |
		    ((unsigned long)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	}
	*len = 4;
	return ((unsigned long)(p[0] & 0x07) << 18) | ((unsigned long)(p[1] & 0x3F) << 12) |
	    ((unsigned long)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* Controls, and the format characters that reorder or hide text. */
static int
unsafe(unsigned long c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C ||
	    (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
	    (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
	    c == 0xFEFF;
}

int
wf_text_clean(wf_buf *out, const char *what, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i, len, start = out->len;
	char esc[16];

	if (!wf_utf8_valid(s, n))
		return wf_error_set(WF_EINPUT, "%s: not valid UTF-8", what);
	for (i = 0; i < n; i += len) {
		unsigned long c = code_point(p + i, &len);
		int rc;

		if (unsafe(c)) {
			snprintf(esc, sizeof esc, "\\u%04lx", c);
			if (out->len - start + strlen(esc) > max)
				break;
			rc = wf_buf_adds(out, esc);
		} else {
			if (out->len - start + len > max)
				break;
			rc = wf_buf_add(out, p + i, len);
		}
		if (rc)
			return wf_error_set(WF_ENOMEM, "out of memory");
	}
	return wf_buf_add(out, "", 0) ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}
