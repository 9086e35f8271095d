/**
 * The CHAP-family Response a server checks asynchronously (RADIUS, TACACS+)
 * must not be a view into the packet it came in: the raw GRE socket reads a
 * batch of datagrams into reused slots (src/proto/gre/linux.ts), so the next
 * packet overwrote the peer challenge of an MS-CHAPv2 Response before the
 * Access-Request was built, and FreeRADIUS answered "MS-CHAP2-Response is
 * incorrect" to a few logins in a hundred under load (the fleet test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { md5Digest, mschapV1Digest, mschapV2Digest } from '../../../src/proto/ppp/auth/digests.js';

const fields = ['response', 'lmResponse', 'ntResponse', 'peerChallenge'] as const;

for (const d of [md5Digest, mschapV1Digest, mschapV2Digest]) {
  test(`${d.name}: the auth request owns its octets; reusing the receive buffer does not change it`, () => {
    const rx = Buffer.alloc(100, 0);
    const value = rx.subarray(10, 10 + d.responseSize);
    for (let i = 0; i < value.length; i++) value[i] = (i * 37 + 11) & 0xff;
    const req = d.authRequest(1, Buffer.alloc(d.challengeSize, 7), 'alice', value) as unknown as Record<string, unknown>;
    assert.ok(req, 'a request');
    const before = Object.fromEntries(fields.filter((f) => req[f]).map((f) => [f, Buffer.from(req[f] as Buffer).toString('hex')]));
    assert.ok(Object.keys(before).length > 0);
    rx.fill(0xaa); // the next datagram lands in the same slot
    for (const [f, hex] of Object.entries(before)) assert.equal((req[f] as Buffer).toString('hex'), hex, `${d.name} ${f}`);
  });
}
