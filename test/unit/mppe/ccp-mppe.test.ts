import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeMppeOption,
  describeMppeValue,
  encodeMppeOption,
  judgePeerMppeRequest,
  mppePolicy,
  mppeStrengthText,
  negotiatedMppe,
  onPeerMppeNak,
  onPeerMppeReject,
  ourMppeRequest,
  peerOmittedMppe,
  strengthsOf,
} from '../../../src/proto/ppp/ccp-mppe.js';

const H = (s: string) => Buffer.from(s, 'hex');
const opt = (hex: string) => {
  const r = decodeMppeOption(H(hex));
  assert.ok(r.ok, hex);
  return r.value;
};

const p40req = mppePolicy({ strength: 40, required: true, stateful: false })!;
const p40 = mppePolicy({ strength: 40, required: false, stateful: false })!;
const p128req = mppePolicy({ strength: 128, required: true, stateful: false })!;
const p128 = mppePolicy({ strength: 128, required: false, stateful: false })!;
const auto = mppePolicy({ strength: 'auto', required: false, stateful: false })!;
const autoReq = mppePolicy({ strength: 'auto', required: true, stateful: false })!;
const stateful128 = mppePolicy({ strength: 128, required: true, stateful: true })!;

test('option codec: 12 06 + 4 value octets, round trip and malformed input', () => {
  assert.equal(opt('120601000020'), 0x01000020);
  assert.equal(encodeMppeOption(0x01000040).toString('hex'), '120601000040');
  assert.deepEqual(decodeMppeOption(H('1206010000')), { ok: false, reason: 'length' });
  assert.deepEqual(decodeMppeOption(H('12')), { ok: false, reason: 'short' });
  assert.deepEqual(decodeMppeOption(H('110601000020')), { ok: false, reason: 'type' });
  assert.deepEqual(decodeMppeOption(H('120501000020')), { ok: false, reason: 'length' });
  fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (v) => {
    const r = decodeMppeOption(encodeMppeOption(v));
    assert.ok(r.ok);
    assert.equal(r.value, v);
  }));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 10 }), (junk) => { decodeMppeOption(junk); }));
});

test('seed 000: the CCP request inside PROTREJ 80FD0157000A120601000020 is stateless 40-bit', () => {
  const frame = H('80FD0157000A120601000020');
  assert.equal(frame.readUInt16BE(0), 0x80fd);
  const value = opt(frame.subarray(6).toString('hex'));
  assert.deepEqual(negotiatedMppe(value), { bits: 40, stateless: true });
  assert.deepEqual(judgePeerMppeRequest(p40req, value), { action: 'ack', bits: 40, stateless: true });
  assert.deepEqual(judgePeerMppeRequest(p128req, value), { action: 'nak', value: 0x01000040 });
  assert.deepEqual(judgePeerMppeRequest(p128, value), { action: 'rej' });
  assert.deepEqual(judgePeerMppeRequest(auto, value), { action: 'ack', bits: 40, stateless: true });
});

test('seed 000: 80FD0102000A1206010000B0 (M L D): auto picks 56, 128-only rejects or insists', () => {
  const value = opt('1206010000B0');
  assert.deepEqual(strengthsOf(value), [56, 40]);
  assert.equal(negotiatedMppe(value), undefined, 'two strengths are not a final value');
  assert.deepEqual(judgePeerMppeRequest(auto, value), { action: 'nak', value: 0x01000080 });
  assert.deepEqual(judgePeerMppeRequest(p40, value), { action: 'nak', value: 0x01000020 }, 'D is dropped');
  assert.deepEqual(judgePeerMppeRequest(p128, value), { action: 'rej' });
  assert.deepEqual(judgePeerMppeRequest(p128req, value), { action: 'nak', value: 0x01000040 });
});

test('120601000001 (MPPC only, no encryption): rejected, or Nak\'d to our strength when required', () => {
  const value = opt('120601000001');
  assert.deepEqual(judgePeerMppeRequest(p40, value), { action: 'rej' });
  assert.deepEqual(judgePeerMppeRequest(p40req, value), { action: 'nak', value: 0x01000020 });
  assert.deepEqual(judgePeerMppeRequest(autoReq, value), { action: 'nak', value: 0x01000040 });
});

test('Windows 10 capture: client requests 01000040, RRAS-style offer 01000041 Nak\'d to 01000040', () => {
  assert.deepEqual(judgePeerMppeRequest(auto, 0x01000040), { action: 'ack', bits: 128, stateless: true });
  assert.deepEqual(judgePeerMppeRequest(p128req, 0x01000040), { action: 'ack', bits: 128, stateless: true });
  assert.deepEqual(judgePeerMppeRequest(p128, 0x01000041), { action: 'nak', value: 0x01000040 }, 'MPPC is never acked');
  assert.deepEqual(onPeerMppeNak(auto, 0x01000040), { action: 'request', value: 0x01000040 });
});

test('our request: every strength allowed, H unless stateful', () => {
  assert.equal(ourMppeRequest(auto), 0x010000e0);
  assert.equal(encodeMppeOption(ourMppeRequest(p40)).toString('hex'), '120601000020');
  assert.equal(ourMppeRequest(p128req), 0x01000040);
  assert.equal(ourMppeRequest(stateful128), 0x00000040);
  assert.equal(mppePolicy(undefined), undefined);
});

test('auto: the strongest the client accepts, then no encryption', () => {
  assert.deepEqual(onPeerMppeNak(auto, 0x01000020), { action: 'request', value: 0x01000020 });
  assert.deepEqual(onPeerMppeNak(auto, 0x01000080), { action: 'request', value: 0x01000080 });
  assert.deepEqual(onPeerMppeNak(auto, 0x010000e0), { action: 'request', value: 0x01000040 });
  assert.deepEqual(onPeerMppeNak(auto, 0x01000001), { action: 'drop' });
  assert.deepEqual(onPeerMppeNak(autoReq, 0x01000001), { action: 'fail' });
  assert.deepEqual(onPeerMppeReject(auto), { action: 'drop' });
  assert.deepEqual(onPeerMppeReject(autoReq), { action: 'fail' });
  assert.deepEqual(onPeerMppeNak(p128req, 0x01000020), { action: 'fail' }, '128 required, client only 40');
});

test('required refuses a client that will not encrypt; optional lets it through', () => {
  assert.deepEqual(peerOmittedMppe(p40req), { action: 'nak', value: 0x01000020 });
  assert.deepEqual(peerOmittedMppe(p40), { action: 'none' });
});

test('stateless bit must match our policy', () => {
  assert.deepEqual(judgePeerMppeRequest(stateful128, 0x01000040), { action: 'nak', value: 0x00000040 });
  assert.deepEqual(judgePeerMppeRequest(stateful128, 0x00000040), { action: 'ack', bits: 128, stateless: false });
  assert.deepEqual(judgePeerMppeRequest(p128req, 0x00000040), { action: 'nak', value: 0x01000040 });
});

test('verdicts are always single-strength values we allow (property)', () => {
  const settings = fc.record({
    strength: fc.constantFrom(40 as const, 56 as const, 128 as const, 'auto' as const),
    required: fc.boolean(),
    stateful: fc.boolean(),
  });
  fc.assert(fc.property(settings, fc.nat({ max: 0xffffffff }), (s, v) => {
    const pol = mppePolicy(s)!;
    const r = judgePeerMppeRequest(pol, v);
    if (r.action === 'ack') {
      assert.ok(pol.allowed.includes(r.bits));
      assert.equal(r.stateless, pol.stateless);
      assert.deepEqual(negotiatedMppe(v), { bits: r.bits, stateless: r.stateless });
    } else if (r.action === 'nak') {
      const n = negotiatedMppe(r.value);
      assert.ok(n && pol.allowed.includes(n.bits) && n.stateless === pol.stateless);
      assert.deepEqual(judgePeerMppeRequest(pol, r.value).action, 'ack', 'our Nak value is acceptable to us');
    } else {
      assert.equal(pol.required, false);
    }
  }));
});

test('syslog 603104 strength text and debug description', () => {
  assert.equal(mppeStrengthText(40), '40 bits');
  assert.equal(mppeStrengthText(128), '128 bits');
  assert.equal(mppeStrengthText(undefined), 'None');
  assert.equal(mppeStrengthText(0), 'None');
  assert.equal(describeMppeValue(0x01000040), '0x01000040 (H S: stateless 128-bit)');
  assert.equal(describeMppeValue(0x010000b0), '0x010000b0 (H M L D: stateless 56-bit/40-bit)');
});
