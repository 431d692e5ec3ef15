/*
 * wf_sha256.h - SHA-256 (FIPS 180-4), for fingerprints that must not
 * collide by accident: the input of a request retried under an
 * --idempotency-key.
 *
 * Ownership: the context is the caller's; nothing is allocated.
 */
#ifndef WF_SHA256_H
#define WF_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t len;            /* bytes so far */
	unsigned char buf[64];
	size_t   nbuf;
} wf_sha256;

void wf_sha256_init(wf_sha256 *c);
void wf_sha256_add(wf_sha256 *c, const void *p, size_t n);
/* The digest as 64 lower-case hex digits and a NUL into HEX. */
void wf_sha256_hex(wf_sha256 *c, char hex[65]);

#endif
