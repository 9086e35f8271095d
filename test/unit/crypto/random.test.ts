/** randomOctets: fresh octets of their own each time, from the pool and past it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomOctets } from '../../../src/proto/crypto/random.js';

test('every draw has its length and its own memory; no 16-octet draw repeats over several pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const r = randomOctets(16);
    assert.equal(r.length, 16);
    const hex = r.toString('hex');
    assert.ok(!seen.has(hex), 'a repeated challenge');
    seen.add(hex);
  }
  const a = randomOctets(8);
  const b = randomOctets(8);
  const before = Buffer.from(b);
  a.fill(0xff);
  assert.deepEqual(b, before, 'a draw does not share memory with the next');
  assert.equal(randomOctets(0).length, 0);
});

test('draws larger than the pool hands out come straight from the CSPRNG', () => {
  const big = randomOctets(10_000);
  assert.equal(big.length, 10_000);
  // all-zero would mean an unfilled buffer; 10,000 random octets have many distinct values
  assert.ok(new Set(big).size > 200);
});

test('the octets look uniform: each bit set about half the time over 64 KB', () => {
  let ones = 0;
  const n = 4096;
  for (let i = 0; i < n; i++) for (const o of randomOctets(16)) for (let k = 0; k < 8; k++) ones += (o >> k) & 1;
  const bits = n * 16 * 8;
  assert.ok(Math.abs(ones / bits - 0.5) < 0.01, `share of ones ${ones / bits}`);
});
