/* test_sha256.c - SHA-256 against FIPS 180-4's and NIST's test vectors. */
#include "harness.h"
#include "wf.h"
#include "wf_sha256.h"

static const char *
digest(const char *s, size_t n, size_t step)
{
	static char hex[65];
	wf_sha256 c;
	size_t i;

	wf_sha256_init(&c);
	for (i = 0; i < n; i += step)
		wf_sha256_add(&c, s + i, n - i < step ? n - i : step);
	wf_sha256_hex(&c, hex);
	return hex;
}

TEST(known_vectors)
{
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	EQ_STR(digest("", 0, 1),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	EQ_STR(digest("abc", 3, 1),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	EQ_STR(digest(two, sizeof two - 1, 7),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(a_million_a_in_any_pieces)
{
	static char a[1001];
	wf_sha256 c;
	char hex[65];
	int i;

	memset(a, 'a', sizeof a);
	wf_sha256_init(&c);
	for (i = 0; i < 1000; i++)
		wf_sha256_add(&c, a, i % 2 ? 999 : 1001);
	wf_sha256_hex(&c, hex);
	EQ_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
