/** sha1Into (used by the MPPE key change) against FIPS 180 vectors and OpenSSL on every length around the block edges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha1Into } from '../../../src/server/crypto/sha1.js';

const hex = (d: Uint8Array) => {
  const out = Buffer.alloc(20);
  sha1Into(d, out);
  return out.toString('hex');
};

test('FIPS 180 vectors', () => {
  assert.equal(hex(Buffer.from('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(hex(Buffer.alloc(0)), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.equal(hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
});

test('equals OpenSSL for every length 0..200 and random inputs; writes at the offset only', () => {
  for (let len = 0; len <= 200; len++) {
    const d = Buffer.alloc(len, len & 0xff);
    assert.equal(hex(d), createHash('sha1').update(d).digest('hex'), `length ${len}`);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(10), (d, off) => {
      const out = Buffer.alloc(off + 25, 0xee);
      sha1Into(d, out, off);
      assert.equal(out.subarray(off, off + 20).toString('hex'), createHash('sha1').update(d).digest('hex'));
      assert.ok(out.subarray(0, off).every((b) => b === 0xee) && out.subarray(off + 20).every((b) => b === 0xee));
    }),
  );
  assert.throws(() => sha1Into(Buffer.from('x'), Buffer.alloc(19)), RangeError);
});
