/* error.c - the last error's code and message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wf_error.h"

static _Thread_local char msg[4096];
static _Thread_local int last;

/*
 * Store TEXT as the message.  Messages quote input (keys, values, file
 * names) and end up on a terminal and in scripts that read stderr a line at
 * a time, so control characters, C1 controls included, are written as
 * \u00XX, and a message too long for the slot is cut between characters.
 */
static void
set_msg(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t o = 0;

	while (*p) {
		unsigned c = *p;
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		size_t k;

		for (k = 1; k < len && (p[k] & 0xC0) == 0x80; k++)
			;
		if (k < len) {                  /* not a whole sequence */
			if (p[k] == '\0')
				break;          /* cut by the formatting: drop it */
			len = 1;
		}
		if (c == 0xC2 && len == 2 && p[1] >= 0x80 && p[1] <= 0x9F)
			c = p[1];               /* U+0080-U+009F */
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
			if (o + 6 >= sizeof msg)
				break;
			snprintf(msg + o, sizeof msg - o, "\\u%04x", c);
			o += 6;
		} else {
			if (o + len >= sizeof msg)
				break;
			memcpy(msg + o, p, len);
			o += len;
		}
		p += len;
	}
	msg[o] = '\0';
}

int
wf_error_set(int code, const char *fmt, ...)
{
	char tmp[sizeof msg];   /* the arguments may include msg itself */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	set_msg(tmp);
	last = code;
	return code;
}

int
wf_error_prefix(const char *fmt, ...)
{
	char tmp[sizeof msg + 512];
	size_t h;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, 510, fmt, ap);
	va_end(ap);
	h = strlen(tmp);
	tmp[h++] = ':';
	tmp[h++] = ' ';
	memcpy(tmp + h, msg, strlen(msg) + 1);
	set_msg(tmp);
	return last;
}

const char *
wf_error_msg(void)
{
	return msg;
}

int
wf_error_code(void)
{
	return last;
}

void
wf_error_clear(void)
{
	msg[0] = '\0';
	last = 0;
}

int
wf_exit_code(int rc)
{
	switch (rc) {
	case WF_OK:        return 0;
	case WF_EREFUSED:
	case WF_ENOTFOUND: return 1;
	case WF_EUSAGE:    return 2;
	case WF_EINPUT:    return 3;
	case WF_ENODB:     return 4;
	case WF_EBUSY:     return 5;
	case WF_EIO:       return 6;
	default:           return 10;
	}
}
