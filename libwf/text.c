/* text.c - validation of codes and free text. */
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
