/** ipToNumber / numberToIp against the regular-expression reading they replace, on addresses and near-misses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ipToNumber, numberToIp } from '../../../src/proto/ip/ipv4.js';

/** The reference: what ipToNumber was. */
function byRegExp(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

test('every 32-bit number round-trips; the dotted text is the plain decimal one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      const s = numberToIp(n);
      assert.equal(s, [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
      assert.equal(ipToNumber(s), n);
    }),
  );
});

test('agrees with the regular expression on near-addresses: leading zeros, 4 digits, 256, missing or extra parts, signs, spaces', () => {
  const fixed = ['0.0.0.0', '255.255.255.255', '010.001.0.9', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '1.2.3.256', '1.2.3.0255', '1.2.3.4\n', ' 1.2.3.4', '+1.2.3.4', '1.2.3.-4', '', '1e2.0.0.1', '١.2.3.4'];
  for (const s of fixed) assert.equal(ipToNumber(s), byRegExp(s), JSON.stringify(s));
  const part = fc.oneof(fc.integer({ min: 0, max: 999 }).map(String), fc.stringMatching(/^[0-9]{0,4}$/), fc.constantFrom('', '-1', ' 1', 'x', '00', '256'));
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), fc.constantFrom('.', '..', ','), (parts, sep) => {
      const s = parts.join(sep);
      assert.equal(ipToNumber(s), byRegExp(s), JSON.stringify(s));
    }),
    { numRuns: 5000 },
  );
  fc.assert(fc.property(fc.string({ maxLength: 20 }), (s) => assert.equal(ipToNumber(s), byRegExp(s))));
});
