/* error.c - the last error's code and message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wf_error.h"

static _Thread_local char msg[4096];
static _Thread_local int last;

int
wf_error_set(int code, const char *fmt, ...)
{
	char tmp[sizeof msg];   /* the arguments may include msg itself */
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	memcpy(msg, tmp, sizeof msg);
	last = code;
	return code;
}

int
wf_error_prefix(const char *fmt, ...)
{
	char head[512];
	size_t h, m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof head - 2, fmt, ap);
	va_end(ap);
	h = strlen(head);
	head[h++] = ':';
	head[h++] = ' ';
	m = strlen(msg);
	if (h + m >= sizeof msg)
		m = sizeof msg - h - 1;
	memmove(msg + h, msg, m);
	memcpy(msg, head, h);
	msg[h + m] = '\0';
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
