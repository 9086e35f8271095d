import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeGre, encodeGre, writeGreHeader, greHeaderLength } from '../../../src/proto/gre/wire.js';
import { fromHex } from '../../../src/util/hex.js';
import { GRE_FIXTURES } from '../../fixtures/pptp/gre.js';

test('fixtures: decode every field; complete ones re-encode byte-exact, truncated ones as prefixes', () => {
  for (const [name, fx] of Object.entries(GRE_FIXTURES)) {
    const bytes = fromHex(fx.hex);
    if (fx.complete) {
      const r = decodeGre(bytes);
      assert.ok(r.ok, `${name}: ${!r.ok && r.error.detail}`);
      const p = r.packet;
      assert.deepEqual(
        { callId: p.callId, seq: p.seq, ack: p.ack, len: p.payload.length, total: p.length },
        { callId: fx.callId, seq: fx.seq, ack: fx.ack, len: fx.payloadLength, total: bytes.length },
        name,
      );
      assert.equal(p.headerLength + p.payload.length, bytes.length);
      assert.deepEqual(encodeGre({ callId: p.callId, seq: p.seq, ack: p.ack }, p.payload), bytes, name);
    } else {
      // Rebuild the header from the known fields; the printed prefix must match it.
      const hl = greHeaderLength(fx.seq !== undefined, fx.ack !== undefined);
      const payload = Buffer.alloc(fx.payloadLength);
      bytes.copy(payload, 0, hl);
      const enc = encodeGre({ callId: fx.callId, seq: fx.seq, ack: fx.ack }, payload);
      assert.deepEqual(enc.subarray(0, bytes.length), bytes, name);
    }
  }
});

test('decode returns a view of the payload, not a copy', () => {
  const bytes = fromHex(GRE_FIXTURES.seedChapSuccess.hex);
  const r = decodeGre(bytes);
  assert.ok(r.ok);
  bytes[16] = 0xee;
  assert.equal(r.packet.payload[0], 0xee);
});

test('trailing octets after Payload Length are ignored (Ethernet padding)', () => {
  const bytes = Buffer.concat([fromHex(GRE_FIXTURES.rrasAckOnly.hex), Buffer.alloc(6)]);
  const r = decodeGre(bytes);
  assert.ok(r.ok);
  assert.equal(r.packet.payload.length, 0);
});

test('writeGreHeader writes at an offset without touching the rest', () => {
  const buf = Buffer.alloc(40, 0xa5);
  const n = writeGreHeader(buf, 4, 0x4000, 6, 5, 5);
  assert.equal(n, 16);
  assert.equal(buf.subarray(4, 20).toString('hex'), '3081880b00064000000000050000000' + '5');
  assert.equal(buf[3], 0xa5);
  assert.equal(buf[20], 0xa5);
  assert.equal(writeGreHeader(buf, 0, 1, 0, undefined, 0xffffffff), 12);
  assert.equal(buf.subarray(0, 12).toString('hex'), '2081880b00000001ffffffff');
});

test('strict checks, each with its reason', () => {
  const good = fromHex(GRE_FIXTURES.seedChapSuccess.hex);
  const code = (mut: (b: Buffer) => Buffer) => {
    const r = decodeGre(mut(Buffer.from(good)));
    return r.ok ? 'ok' : r.error.code;
  };
  assert.equal(code((b) => b), 'ok');
  assert.equal(code((b) => b.subarray(0, 7)), 'truncated');
  assert.equal(code((b) => b.subarray(0, 15)), 'truncated');
  assert.equal(code((b) => (b.writeUInt16BE(0x3080, 0), b)), 'bad-version');
  assert.equal(code((b) => (b.writeUInt16BE(0x0800, 2), b)), 'bad-protocol');
  assert.equal(code((b) => (b.writeUInt16BE(0x1081, 0), b)), 'no-key');
  assert.equal(code((b) => (b.writeUInt16BE(0xb081, 0), b)), 'bad-flags');
  assert.equal(code((b) => (b.writeUInt16BE(0x7081, 0), b)), 'bad-flags');
  assert.equal(code((b) => (b.writeUInt16BE(0x3181, 0), b)), 'bad-flags');
  assert.equal(code((b) => (b.writeUInt16BE(7, 4), b)), 'bad-payload-length');
  assert.equal(code((b) => (b.writeUInt16BE(0x2081, 0), b)), 'data-without-seq');
});

test('fuzz: never throws; header fields round-trip', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      decodeGre(Buffer.from(bytes));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      fc.uint8Array({ maxLength: 50 }),
      (callId, seq, ack, payload) => {
        const body = seq === undefined ? new Uint8Array(0) : payload;
        const r = decodeGre(encodeGre({ callId, seq, ack }, body));
        assert.ok(r.ok);
        assert.deepEqual([r.packet.callId, r.packet.seq, r.packet.ack], [callId, seq, ack]);
        assert.deepEqual(new Uint8Array(r.packet.payload), new Uint8Array(body));
      },
    ),
    { numRuns: 2000 },
  );
});
