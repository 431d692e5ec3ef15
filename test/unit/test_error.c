/* Error messages: codes, prefixes, and text that is safe to print. */
#include <string.h>

#include "harness.h"
#include "wf.h"

TEST(set_and_prefix_keep_the_code)
{
	EQ_INT(wf_error_set(WF_EINPUT, "qty: expected %s", "a number"), WF_EINPUT);
	EQ_INT(wf_error_prefix("stdin:%d", 17), WF_EINPUT);
	EQ_STR(wf_error_msg(), "stdin:17: qty: expected a number");
	EQ_INT(wf_error_code(), WF_EINPUT);
	wf_error_clear();
	EQ_STR(wf_error_msg(), "");
	EQ_INT(wf_error_code(), 0);
}

TEST(control_characters_are_escaped)
{
	/* a key or value from input must not move the cursor, ring, or end the line */
	wf_error_set(WF_EINPUT, "duplicate key '%s'", "a\nb\x1b[2J\t\x7f");
	EQ_STR(wf_error_msg(), "duplicate key 'a\\u000ab\\u001b[2J\\u0009\\u007f'");
	/* C1 controls: U+009B is CSI on some terminals; a raw 0x9b byte too */
	wf_error_set(WF_EINPUT, "got '%s'", "x\xc2\x9b" "1m\x9by");
	EQ_STR(wf_error_msg(), "got 'x\\u009b1m\\u009by'");
	/* a broken sequence does not swallow the control character after it */
	wf_error_set(WF_EINPUT, "got '%s'", "\xe2\n");
	EQ_STR(wf_error_msg(), "got '\xe2\\u000a'");
	/* other text passes unchanged */
	wf_error_set(WF_EINPUT, "got '%s'", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	EQ_STR(wf_error_msg(), "got 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
	/* a file name in a prefix too */
	wf_error_set(WF_EINPUT, "bad");
	wf_error_prefix("%s:%d", "in\rput", 3);
	EQ_STR(wf_error_msg(), "in\\u000dput:3: bad");
}

TEST(long_messages_are_cut_between_characters)
{
	char big[5000];
	size_t n;

	memset(big, 'a', sizeof big);
	memcpy(big + 4093, "\xe2\x82\xac", 3);  /* a euro sign across byte 4095 */
	big[sizeof big - 1] = '\0';
	wf_error_set(WF_EINPUT, "%s", big);
	n = strlen(wf_error_msg());
	EQ_INT(n, 4093);
	wf_error_set(WF_EINPUT, "%s", big + 10);
	wf_error_prefix("0123456789");         /* pushes the euro sign to the end */
	n = strlen(wf_error_msg());
	CHECK(n <= 4095);
	CHECK((wf_error_msg()[n - 1] & 0xC0) != 0xC0);
}
