/** sha1Pad + sha1PaddedInto (the MPPE key change) against FIPS 180 vectors and OpenSSL on every length around the block edges. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { sha1Into, sha1Pad, sha1PaddedInto } from '../../../src/proto/crypto/sha1.js';

/** Pads a copy of `d` with room to spare (0xee) and hashes it. */
const hex = (d: Uint8Array) => {
  const buf = Buffer.alloc(d.length + 100, 0xee);
  buf.set(d);
  const padded = sha1Pad(buf, d.length);
  const out = Buffer.alloc(20);
  sha1PaddedInto(buf, padded, out);
  return out.toString('hex');
};

test('FIPS 180 vectors', () => {
  assert.equal(hex(Buffer.from('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(hex(Buffer.alloc(0)), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.equal(hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
});

test('equals OpenSSL for every length 0..200 and random inputs; padding ends on a block edge', () => {
  for (let len = 0; len <= 200; len++) {
    const d = Buffer.alloc(len, len & 0xff);
    assert.equal(hex(d), createHash('sha1').update(d).digest('hex'), `length ${len}`);
    assert.equal(sha1Pad(Buffer.alloc(len + 72), len), Math.ceil((len + 9) / 64) * 64, `padded length ${len}`);
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (d) => {
      assert.equal(hex(d), createHash('sha1').update(d).digest('hex'));
    }),
  );
});

test('refuses a buffer too short to pad, an unpadded length and a short output', () => {
  assert.throws(() => sha1Pad(Buffer.alloc(64), 56), RangeError);
  assert.throws(() => sha1PaddedInto(Buffer.alloc(64), 60, Buffer.alloc(20)), RangeError);
  assert.throws(() => sha1PaddedInto(Buffer.alloc(64), 128, Buffer.alloc(20)), RangeError);
  assert.throws(() => sha1PaddedInto(Buffer.alloc(64), 64, Buffer.alloc(19)), RangeError);
});

test('sha1Into: the parts one after the other, as OpenSSL hashes them, cut to the output; long messages too', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), fc.integer({ min: 0, max: 20 }), (parts, n) => {
      const h = createHash('sha1');
      for (const p of parts) h.update(p);
      const out = Buffer.alloc(n);
      sha1Into(parts, out);
      assert.deepEqual(out, h.digest().subarray(0, n));
    }),
  );
  assert.throws(() => sha1Into([Buffer.from('abc')], Buffer.alloc(21)), RangeError);
});
