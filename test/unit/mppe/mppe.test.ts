import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MppeDecryptor,
  MppeEncryptor,
  MPPE_BIT_A_FLUSHED,
  MPPE_BIT_D_ENCRYPTED,
  knownNetworkPayload,
  plausibleProtocol,
  type MppeBits,
} from '../../../src/proto/ppp/mppe.js';
import { nodeRc4Available } from '../../../src/proto/crypto/rc4.js';
import { initialSessionKey, MppeRekeyer } from '../../../src/proto/crypto/mppe-keys.js';
import { Rc4 } from '../../../src/proto/crypto/rc4.js';

const KEY = Buffer.from('8B7CDC149B993A1BA118CB153F56DCCB', 'hex');

/** A valid IPv4 packet inside PPP protocol 00 21, numbered so tests can tell packets apart. */
function ipPacket(n: number, size = 60): Buffer {
  const p = Buffer.alloc(2 + size);
  p.writeUInt16BE(0x0021, 0);
  const ip = p.subarray(2);
  ip[0] = 0x45;
  ip.writeUInt16BE(size, 2);
  ip.writeUInt16BE(n & 0xffff, 4);
  ip[8] = 64;
  ip[9] = 17;
  ip.writeUInt32BE(0x0a000001, 12);
  ip.writeUInt32BE(0x0a000002, 16);
  let sum = 0;
  for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  for (let k = 20; k < size; k++) ip[k] = (n + k) & 0xff;
  return p;
}

function pair(bits: MppeBits, stateless: boolean, rc4?: 'ts' | 'node') {
  return {
    enc: new MppeEncryptor({ masterKey: KEY, bits, stateless, rc4 }),
    dec: new MppeDecryptor({ masterKey: KEY, bits, stateless, rc4 }),
  };
}

for (const bits of [40, 56, 128] as const) {
  for (const stateless of [true, false]) {
    test(`MPPE ${bits}-bit ${stateless ? 'stateless' : 'stateful'}: 600 packets round-trip across key changes`, () => {
      const { enc, dec } = pair(bits, stateless);
      for (let n = 0; n < 600; n++) {
        const plain = ipPacket(n, 40 + (n % 50));
        const wire = enc.encrypt(plain);
        assert.equal(wire.length, plain.length + 2);
        const ccount = ((wire[0]! & 0x0f) << 8) | wire[1]!;
        assert.equal(ccount, n);
        assert.ok(wire[0]! & MPPE_BIT_D_ENCRYPTED);
        const flagged = (wire[0]! & MPPE_BIT_A_FLUSHED) !== 0;
        assert.equal(flagged, stateless || (n & 0xff) === 0xff, `A bit on packet ${n}`);
        assert.notDeepEqual(wire.subarray(2), plain);
        const r = dec.decrypt(wire);
        assert.ok(r.ok, `packet ${n}`);
        assert.deepEqual(r.payload, plain);
      }
      assert.equal(dec.stats.ok, 600);
    });
  }
}

test('MPPE stateless, first packet: key = one rekey of the RFC 3079 initial session key', () => {
  // RFC 3079 3.5.3: SendSessionKey128 = 405CB224...; packet 0 uses the next key (pppd, Windows).
  const session = initialSessionKey(KEY, 128);
  assert.equal(session.toString('hex').toUpperCase(), '405CB2247A7956E6E211007AE27B22D4');
  new MppeRekeyer(KEY, 128).rekey(session);
  const plain = ipPacket(0);
  const expected = Buffer.alloc(plain.length);
  new Rc4(session).process(plain, expected);
  const wire = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: true }).encrypt(plain);
  assert.equal(wire.subarray(0, 2).toString('hex'), '9000');
  assert.deepEqual(wire.subarray(2), expected);
});

test('MPPE stateful, first packet: RC4 under the initial session key, no A bit (pppd)', () => {
  const session = initialSessionKey(KEY, 40);
  assert.equal(session.subarray(0, 3).toString('hex'), 'd1269e');
  const plain = ipPacket(0);
  const expected = Buffer.alloc(plain.length);
  new Rc4(session).process(plain, expected);
  const wire = new MppeEncryptor({ masterKey: KEY, bits: 40, stateless: false }).encrypt(plain);
  assert.equal(wire.subarray(0, 2).toString('hex'), '1000');
  assert.deepEqual(wire.subarray(2), expected);
});

test('MPPE stateless: lost packets are caught up; late, duplicate and far-ahead packets are rejected', () => {
  const { enc, dec } = pair(128, true);
  const wires = Array.from({ length: 40 }, (_, n) => enc.encrypt(ipPacket(n)));
  assert.ok(dec.decrypt(Buffer.from(wires[0]!)).ok);
  const r5 = dec.decrypt(Buffer.from(wires[5]!));
  assert.ok(r5.ok && r5.ccount === 5);
  assert.equal(dec.stats.gap, 4);
  assert.deepEqual(dec.decrypt(Buffer.from(wires[3]!)), { ok: false, reason: 'replay' });
  assert.deepEqual(dec.decrypt(Buffer.from(wires[5]!)), { ok: false, reason: 'replay' });
  assert.ok(dec.decrypt(Buffer.from(wires[6]!)).ok);
  const near = new MppeDecryptor({ masterKey: KEY, bits: 128, stateless: true, maxCatchUp: 10 });
  assert.deepEqual(near.decrypt(Buffer.from(wires[20]!)), { ok: false, reason: 'too-far' });
  assert.ok(near.decrypt(Buffer.from(wires[9]!)).ok);
  assert.equal(near.stats.tooFar, 1);
});

test('MPPE stateless: a count from the other half of the space is late; wrap-around 4095 -> 0 works', () => {
  const { enc, dec } = pair(40, true);
  let last: Buffer | undefined;
  for (let n = 0; n < 4100; n++) {
    const w = enc.encrypt(ipPacket(n, 24));
    if (n % 97 === 0 || n > 4090) {
      const r = dec.decrypt(Buffer.from(w));
      assert.ok(r.ok, `count ${n & 0xfff}`);
    }
    last = w;
  }
  assert.equal(dec.coherencyCount, 4099 & 0xfff);
  assert.deepEqual(dec.decrypt(Buffer.from(last!)), { ok: false, reason: 'replay' });
});

test('MPPE: malformed headers are rejected and counted (short, compressed, unencrypted, stateless without A)', () => {
  const { enc, dec } = pair(128, true);
  const w = enc.encrypt(ipPacket(0));
  assert.deepEqual(dec.decrypt(Buffer.alloc(0)), { ok: false, reason: 'short' });
  assert.deepEqual(dec.decrypt(Buffer.from([0x90, 0x00])), { ok: false, reason: 'short' });
  const c = Buffer.from(w);
  c[0]! |= 0x20;
  assert.deepEqual(dec.decrypt(c), { ok: false, reason: 'compressed' });
  const d = Buffer.from(w);
  d[0]! &= ~0x10;
  assert.deepEqual(dec.decrypt(d), { ok: false, reason: 'not-encrypted' });
  const a = Buffer.from(w);
  a[0]! &= ~0x80;
  assert.deepEqual(dec.decrypt(a), { ok: false, reason: 'not-flushed' });
  assert.ok(dec.decrypt(Buffer.from(w)).ok, 'the genuine packet still decrypts afterwards');
  assert.deepEqual(
    { short: dec.stats.short, compressed: dec.stats.compressed, notEncrypted: dec.stats.notEncrypted, notFlushed: dec.stats.notFlushed, ok: dec.stats.ok },
    { short: 2, compressed: 1, notEncrypted: 1, notFlushed: 1, ok: 1 },
  );
});

test('MPPE stateful: a lost packet asks for a reset, discards until the flushed packet, then resynchronises', () => {
  const { enc, dec } = pair(128, false);
  for (let n = 0; n < 10; n++) assert.ok(dec.decrypt(enc.encrypt(ipPacket(n))).ok);
  enc.encrypt(ipPacket(10)); // lost
  const r11 = dec.decrypt(enc.encrypt(ipPacket(11)));
  assert.deepEqual(r11, { ok: false, reason: 'lost', needReset: true });
  assert.ok(dec.isDiscarding);
  const r12 = dec.decrypt(enc.encrypt(ipPacket(12)));
  assert.deepEqual(r12, { ok: false, reason: 'discarding' });
  // The CCP layer sends Reset-Request; the peer's encryptor flushes.
  enc.resetRequested();
  const w13 = enc.encrypt(ipPacket(13));
  assert.ok(w13[0]! & MPPE_BIT_A_FLUSHED);
  const r13 = dec.decrypt(w13);
  assert.ok(r13.ok && r13.flushed);
  assert.deepEqual(r13.payload, ipPacket(13));
  assert.ok(!dec.isDiscarding);
  for (let n = 14; n < 30; n++) assert.deepEqual((dec.decrypt(enc.encrypt(ipPacket(n))) as { payload: Buffer }).payload, ipPacket(n));
});

test('MPPE stateful: losses across flag packets (0xFF) are caught up on the next flushed packet', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 1, max: 900 }), (start, lost) => {
      const { enc, dec } = pair(56, false);
      for (let n = 0; n < start; n++) {
        assert.ok(dec.decrypt(enc.encrypt(ipPacket(n, 20))).ok);
      }
      // Then `lost` packets never arrive (crossing flag packets when lost > 255 - start % 256).
      for (let n = start; n < start + lost; n++) enc.encrypt(ipPacket(n, 20));
      enc.resetRequested();
      const w = enc.encrypt(ipPacket(9999, 20));
      const r = dec.decrypt(w);
      assert.ok(r.ok, `start ${start} lost ${lost}`);
      assert.deepEqual(r.payload, ipPacket(9999, 20));
      const next = dec.decrypt(enc.encrypt(ipPacket(1, 20)));
      assert.ok(next.ok);
    }),
    { numRuns: 40, seed: 1962 },
  );
});

test('MPPE stateful: the first packet of a session was decrypted even when the receiver saw every packet (no gaps)', () => {
  // the fc property above starts the receiver at the last packet before the gap; make sure
  // a receiver that starts at 0 and sees a flag packet directly also follows
  const { enc, dec } = pair(40, false);
  for (let n = 0; n < 0x300; n++) assert.ok(dec.decrypt(enc.encrypt(ipPacket(n, 20))).ok, `packet ${n}`);
});

test('MPPE stateful: a replayed packet is rejected without disturbing the stream', () => {
  const { enc, dec } = pair(128, false);
  const w0 = enc.encrypt(ipPacket(0));
  assert.ok(dec.decrypt(Buffer.from(w0)).ok);
  assert.deepEqual(dec.decrypt(Buffer.from(w0)), { ok: false, reason: 'replay' });
  assert.ok(dec.decrypt(enc.encrypt(ipPacket(1))).ok);
});

test('MPPE stateful: corrupted ciphertext costs one packet, the stream stays aligned', () => {
  const { enc, dec } = pair(128, false);
  const w = enc.encrypt(ipPacket(0));
  w[3]! ^= 0x01; // protocol 00 21 -> 00 20: not a valid protocol field
  assert.deepEqual(dec.decrypt(w), { ok: false, reason: 'bad-protocol' });
  const r = dec.decrypt(enc.encrypt(ipPacket(1)));
  assert.ok(r.ok);
  assert.deepEqual(r.payload, ipPacket(1));
});

test('MPPE: encryptInto writes header and ciphertext at an offset', () => {
  const a = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: true });
  const b = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: true });
  const plain = ipPacket(7);
  const out = Buffer.alloc(10 + plain.length + 2, 0xa5);
  assert.equal(a.encryptInto(plain, out, 10), plain.length + 2);
  assert.deepEqual(out.subarray(10, 10 + plain.length + 2), b.encrypt(plain));
  assert.deepEqual(out.subarray(0, 10), Buffer.alloc(10, 0xa5));
  assert.throws(() => a.encryptInto(plain, Buffer.alloc(4), 0), RangeError);
});

test('MPPE: OpenSSL and TypeScript RC4 produce identical packets', (t) => {
  if (!nodeRc4Available()) { t.skip('needs --openssl-legacy-provider'); return; }
  for (const stateless of [true, false]) {
    const ts = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless, rc4: 'ts' });
    const node = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless, rc4: 'node' });
    const dec = new MppeDecryptor({ masterKey: KEY, bits: 128, stateless, rc4: 'node' });
    for (let n = 0; n < 300; n++) {
      const p = ipPacket(n, 100);
      const w = ts.encrypt(p);
      assert.deepEqual(node.encrypt(p), w);
      assert.ok(dec.decrypt(w).ok);
    }
  }
});

test('MPPE decrypt never throws on arbitrary input', () => {
  for (const stateless of [true, false]) {
    const dec = new MppeDecryptor({ masterKey: KEY, bits: 128, stateless });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (junk) => { dec.decrypt(Buffer.from(junk)); }), { numRuns: 300, seed: 7 });
  }
});

test('protocol field checks', () => {
  assert.ok(plausibleProtocol(Buffer.from([0x00, 0x21])));
  assert.ok(plausibleProtocol(Buffer.from([0x21])));
  assert.ok(!plausibleProtocol(Buffer.from([0x00, 0x20])));
  assert.ok(!plausibleProtocol(Buffer.from([0xc0, 0x21])), 'control protocols never travel inside MPPE');
  assert.ok(knownNetworkPayload(ipPacket(1)));
  assert.ok(knownNetworkPayload(ipPacket(1).subarray(1)), 'PFC form');
  const bad = ipPacket(1);
  bad[12]! ^= 1;
  assert.ok(!knownNetworkPayload(bad), 'IPv4 checksum wrong');
});
