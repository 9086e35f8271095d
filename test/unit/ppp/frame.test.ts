import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CP_CODE,
  PPP_PROTO,
  decodeCp,
  decodeFrame,
  decodeOptions,
  encodeCp,
  encodeFrame,
  encodeOptions,
} from '../../../src/proto/ppp/frame.js';
import { fromHex } from '../../../src/util/hex.js';

// Seed 003: Windows acks the PIX's LCP Configure-Request (complete dump).
const CONFACK = 'ff03c021020100130305c22380050609894ab407020802';

test('decodes the seed LCP Configure-Ack field by field', () => {
  const f = decodeFrame(fromHex(CONFACK));
  assert.ok(f.ok);
  assert.equal(f.value.protocol, PPP_PROTO.LCP);
  assert.equal(f.value.addressControl, true);
  assert.equal(f.value.protocolCompressed, false);
  const cp = decodeCp(f.value.payload);
  assert.ok(cp.ok);
  assert.deepEqual({ code: cp.value.code, id: cp.value.id, len: cp.value.data.length }, { code: CP_CODE.ConfAck, id: 1, len: 15 });
  const opts = decodeOptions(cp.value.data);
  assert.ok(opts.ok);
  assert.deepEqual(
    opts.value.map((o) => [o.type, o.value.toString('hex')]),
    [
      [3, 'c22380'],
      [5, '09894ab4'],
      [7, ''],
      [8, ''],
    ],
  );
});

test('encodes the seed LCP Configure-Ack byte for byte', () => {
  const data = encodeOptions([
    { type: 3, value: fromHex('c22380') },
    { type: 5, value: fromHex('09894ab4') },
    { type: 7, value: Buffer.alloc(0) },
    { type: 8, value: Buffer.alloc(0) },
  ]);
  const frame = encodeFrame(PPP_PROTO.LCP, encodeCp(CP_CODE.ConfAck, 1, data));
  assert.equal(frame.toString('hex'), CONFACK);
});

test('accepts LCP without FF 03 (Windows) and a one-octet protocol (PFC)', () => {
  const lcp = decodeFrame(fromHex('c021020100130305c22380050609894ab407020802'));
  assert.ok(lcp.ok);
  assert.equal(lcp.value.protocol, PPP_PROTO.LCP);
  assert.equal(lcp.value.addressControl, false);
  const mppe = decodeFrame(fromHex('fd9000bccf'));
  assert.ok(mppe.ok);
  assert.deepEqual([mppe.value.protocol, mppe.value.protocolCompressed, mppe.value.payload.toString('hex')], [0xfd, true, '9000bccf']);
  const ip = decodeFrame(fromHex('ff0300214500'));
  assert.ok(ip.ok);
  assert.equal(ip.value.protocol, PPP_PROTO.IP);
});

test('output: FF 03 unless ACFC, never compressed for LCP', () => {
  const payload = fromHex('0101000d08d36602863630eca8');
  assert.equal(encodeFrame(PPP_PROTO.CHAP, payload).toString('hex'), 'ff03c2230101000d08d36602863630eca8');
  // seed 003: with ACFC the GRE payload is `c2230101000d...` (PPP Len 15)
  assert.equal(encodeFrame(PPP_PROTO.CHAP, payload, { acfc: true, pfc: true }).toString('hex'), 'c2230101000d08d36602863630eca8');
  assert.equal(encodeFrame(PPP_PROTO.LCP, fromHex('01010004'), { acfc: true, pfc: true }).toString('hex'), 'ff03c02101010004');
  assert.equal(encodeFrame(PPP_PROTO.MPPE, fromHex('9000'), { acfc: true, pfc: true }).toString('hex'), 'fd9000');
  assert.equal(encodeFrame(PPP_PROTO.MPPE, fromHex('9000'), { acfc: false, pfc: false }).toString('hex'), 'ff0300fd9000');
});

test('rejects garbage with a reason', () => {
  assert.equal(decodeFrame(Buffer.alloc(0)).ok, false);
  assert.equal(decodeFrame(fromHex('ff03')).ok, false);
  assert.equal(decodeFrame(fromHex('ff03c0')).ok, false);
  assert.equal(decodeFrame(fromHex('c020')).ok, false, 'even protocol low octet');
  assert.equal(decodeCp(fromHex('010100')).ok, false);
  assert.equal(decodeCp(fromHex('01010003')).ok, false, 'length below 4');
  assert.equal(decodeCp(fromHex('01010008aabb')).ok, false, 'length past the data');
  assert.equal(decodeOptions(fromHex('0301')).ok, false, 'option length below 2');
  assert.equal(decodeOptions(fromHex('0306c223')).ok, false, 'option past end');
  assert.equal(decodeOptions(fromHex('03')).ok, false);
});

test('CP padding past Length is ignored', () => {
  const cp = decodeCp(fromHex('0203000800000000ffff'));
  assert.ok(cp.ok);
  assert.equal(cp.value.data.toString('hex'), '00000000');
});

test('every decoder survives every prefix of the golden frame and random bytes', () => {
  const g = fromHex(CONFACK);
  for (let i = 0; i <= g.length; i++) {
    const part = g.subarray(0, i);
    const f = decodeFrame(part);
    if (f.ok) {
      const cp = decodeCp(f.value.payload);
      if (cp.ok) decodeOptions(cp.value.data);
    }
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
      const b = Buffer.from(a);
      const f = decodeFrame(b);
      const cp = decodeCp(b);
      const o = decodeOptions(b);
      return typeof f.ok === 'boolean' && typeof cp.ok === 'boolean' && typeof o.ok === 'boolean';
    }),
  );
});

test('option round trip', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), value: fc.uint8Array({ maxLength: 20 }) }), { maxLength: 8 }), (opts) => {
      const enc = encodeOptions(opts.map((o) => ({ type: o.type, value: Buffer.from(o.value) })));
      const dec = decodeOptions(enc);
      return dec.ok && dec.value.length === opts.length && dec.value.every((o, i) => o.type === opts[i].type && Buffer.from(opts[i].value).equals(o.value));
    }),
  );
});
