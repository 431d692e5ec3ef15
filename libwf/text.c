/* text.c - validation of codes and free text. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wf_buf.h"
#include "wf_error.h"
#include "wf_json.h"
#include "wf_text.h"

int
wf_text_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	    cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

int
wf_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	int len, i;

	if (n == 0)
		return -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f, min = 0x80;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f, min = 0x800;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07, min = 0x10000;
	else
		return -1;
	if ((size_t)len > n)
		return -1;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return len;
}

int
wf_text_find_unsafe(const char *s, size_t n, size_t *at)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = wf_utf8_next(s + i, n - i, &cp);
		if (len < 0 || wf_text_unsafe(cp)) {
			*at = i;
			return 1;
		}
		i += (size_t)len;
	}
	return 0;
}

int
wf_text_escape(wf_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int rc = 0;

	while (i < n && rc == 0) {
		size_t run = i;
		uint32_t cp = 0;
		int len = 0;

		/* a run of safe text goes in whole */
		while (i < n && (len = wf_utf8_next(s + i, n - i, &cp)) > 0 && !wf_text_unsafe(cp))
			i += (size_t)len;
		if (i > run)
			rc |= wf_buf_add(b, s + run, i - run);
		if (i >= n)
			break;
		if (len < 0) {
			rc |= wf_buf_addf(b, "\\x%02x", (unsigned char)s[i]);
			i++;
		} else {
			rc |= cp < 0x80 ? wf_buf_addf(b, "\\x%02x", (unsigned)cp) :
			    wf_buf_addf(b, "\\u%04x", (unsigned)cp);
			i += (size_t)len;
		}
	}
	return rc ? WF_ENOMEM : 0;
}

int
wf_text_clean(wf_buf *out, const char *what, const char *s, size_t max)
{
	size_t n = strlen(s), i, start = out->len;
	char esc[16];

	if (!wf_utf8_valid(s, n))
		return wf_error_set(WF_EINPUT, "%s: not valid UTF-8", what);
	for (i = 0; i < n; ) {
		uint32_t cp;
		int len = wf_utf8_next(s + i, n - i, &cp), rc;

		if (wf_text_unsafe(cp)) {
			snprintf(esc, sizeof esc, "\\u%04lx", (unsigned long)cp);
			if (out->len - start + strlen(esc) > max)
				break;
			rc = wf_buf_adds(out, esc);
		} else {
			if (out->len - start + (size_t)len > max)
				break;
			rc = wf_buf_add(out, s + i, (size_t)len);
		}
		if (rc)
			return wf_error_set(WF_ENOMEM, "out of memory");
		i += (size_t)len;
	}
	return wf_buf_add(out, "", 0) ? wf_error_set(WF_ENOMEM, "out of memory") : 0;
}

int
wf_text_plain(const char *s)
{
	size_t at;

	return !wf_text_find_unsafe(s, strlen(s), &at);
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
	size_t n = strlen(s), at;
	uint32_t cp;

	if (n > max)
		return wf_error_set(WF_EINPUT, "%s: longer than %zu bytes", what, max);
	if (!wf_text_find_unsafe(s, n, &at))
		return 0;
	if (wf_utf8_next(s + at, n - at, &cp) < 0)
		return wf_error_set(WF_EINPUT, "%s: not valid UTF-8", what);
	return wf_error_set(WF_EINPUT, "%s: %s U+%04X in text", what,
	    cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? "control character" :
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x61c ? "bidirectional control" :
	    cp == 0x2028 || cp == 0x2029 ? "line separator" : "invisible character",
	    (unsigned)cp);
}

int
wf_text_sku(const char *what, const char *code)
{
	size_t n = strlen(code), i;

	if (n == 0)
		return wf_error_set(WF_EINPUT, "%s: must not be empty", what);
	if (code[0] == ' ' || code[n - 1] == ' ')
		return wf_error_set(WF_EINPUT, "%s: '%s' has leading or trailing space", what, code);
	if (n > 64)
		return wf_error_set(WF_EINPUT, "%s: longer than 64 bytes", what);
	/* printable ASCII (design.md): 'MUG-1' and 'MUG-1' + U+200B must not
	 * be two SKUs that look alike */
	for (i = 0; i < n; i++)
		if (code[i] < ' ' || code[i] > '~')
			return wf_error_set(WF_EINPUT, "%s: expected printable ASCII, got %s at byte "
			    "%zu", what, (unsigned char)code[i] >= 0x80 ? "a non-ASCII character" :
			    "a control character", i + 1);
	return 0;
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

/* ---- near matches ------------------------------------------------------------ */

void
wf_text_near_init(struct wf_text_near *n, const char *word)
{
	n->word = word;
	n->best[0] = '\0';
	n->found = 0;
	n->dist = 0;
}

/* Edits from A to B (optimal string alignment distance), or LIMIT + 1 when
 * more than LIMIT. */
static int
edits(const char *a, const char *b, int limit)
{
	int la = (int)strnlen(a, 255), lb = (int)strnlen(b, 255), i, j;
	int r0[256], r1[256], r2[256], *prev2 = r0, *prev = r1, *cur = r2, *t;

	if (la - lb > limit || lb - la > limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

void
wf_text_near_add(struct wf_text_near *n, const char *cand)
{
	int limit = (int)strlen(n->word) / 3, d;

	if (limit < 1)
		limit = 1;
	if (strcmp(cand, n->word) == 0)
		return;
	if (strcasecmp(cand, n->word) == 0)
		d = -1;
	else if ((d = edits(n->word, cand, limit)) > limit)
		return;
	if (!n->found || d < n->dist) {
		wf_strlcpy(n->best, cand, sizeof n->best);
		n->found = 1;
		n->dist = d;
	}
}

const char *
wf_text_near_best(const struct wf_text_near *n)
{
	return n->found ? n->best : NULL;
}
