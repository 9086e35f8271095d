import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PptpFramer } from '../../../src/proto/pptp/framer.js';
import { decodeControlMessage } from '../../../src/proto/pptp/wire.js';
import { fromHex } from '../../../src/util/hex.js';
import { CAPTURE_CONTROL } from '../../fixtures/pptp/control.js';

const fixtures = Object.entries(CAPTURE_CONTROL).map(([name, f]) => ({ name, bytes: fromHex(f.hex) }));

function collect(): { framer: PptpFramer; out: Buffer[] } {
  const out: Buffer[] = [];
  return { framer: new PptpFramer((m) => out.push(Buffer.from(m))), out };
}

test('each fixture split at every offset yields exactly that message, which decodes', () => {
  for (const { name, bytes } of fixtures) {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { framer, out } = collect();
      assert.equal(framer.push(bytes.subarray(0, cut)), null);
      assert.equal(out.length, cut === bytes.length ? 1 : 0, `${name} cut ${cut}: nothing early`);
      assert.equal(framer.push(bytes.subarray(cut)), null);
      assert.equal(out.length, 1, `${name} cut ${cut}`);
      assert.deepEqual(out[0], bytes);
      assert.equal(framer.buffered, 0);
      const r = decodeControlMessage(out[0]);
      assert.ok(r.ok, `${name} cut ${cut} decodes`);
    }
  }
});

test('byte by byte, and two messages in one chunk', () => {
  const a = fixtures[0].bytes;
  const b = fixtures[2].bytes;
  const { framer, out } = collect();
  for (const byte of Buffer.concat([a, b])) framer.push(Buffer.from([byte]));
  assert.deepEqual(out, [a, b]);

  const two = collect();
  two.framer.push(Buffer.concat([a, b, b.subarray(0, 5)]));
  assert.deepEqual(two.out, [a, b]);
  assert.equal(two.framer.buffered, 5);
  two.framer.push(b.subarray(5));
  assert.deepEqual(two.out, [a, b, b]);
});

test('fuzz: any split of the whole capture stream gives the same messages', () => {
  const stream = Buffer.concat(fixtures.map((f) => f.bytes));
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((x, y) => x - y);
      const { framer, out } = collect();
      let prev = 0;
      for (const p of [...points, stream.length]) {
        assert.equal(framer.push(stream.subarray(prev, p)), null);
        prev = p;
      }
      assert.deepEqual(out, fixtures.map((f) => f.bytes));
    }),
    { numRuns: 500 },
  );
});

test('fatal errors: bad magic, management type, short/long length, wrong length for type', () => {
  const sli = fromHex(CAPTURE_CONTROL.win10SLI.hex);
  const cases: [string, (b: Buffer) => void, string][] = [
    ['bad magic', (b) => b.writeUInt32BE(0xdeadbeef, 4), 'bad-magic'],
    ['management message', (b) => b.writeUInt16BE(2, 2), 'not-control'],
    ['length below header', (b) => b.writeUInt16BE(11, 0), 'bad-length'],
    ['length above largest', (b) => b.writeUInt16BE(221, 0), 'bad-length'],
    ['wrong length for SLI', (b) => b.writeUInt16BE(28, 0), 'bad-length-for-type'],
  ];
  for (const [what, mut, code] of cases) {
    const bad = Buffer.from(sli);
    mut(bad);
    const { framer, out } = collect();
    // A good message first: it is still delivered.
    const err = framer.push(Buffer.concat([sli, bad]));
    assert.equal(err?.code, code, what);
    assert.deepEqual(out, [sli], what);
    // Dead after the error.
    assert.equal(framer.push(sli)?.code, code);
    assert.equal(out.length, 1);
  }
});

test('errors are detected as soon as the offending header octets arrive', () => {
  const { framer } = collect();
  assert.equal(framer.push(Buffer.from([0x00, 0x18, 0x00, 0x01, 0x1a, 0x2b, 0x3c])), null);
  assert.equal(framer.push(Buffer.from([0x4e]))?.code, 'bad-magic');
  const f2 = collect();
  assert.equal(f2.framer.push(Buffer.from([0x00, 0x05]))?.code, 'bad-length');
});

test('unknown control type with a plausible length is framed (engine decides)', () => {
  const m = Buffer.alloc(16);
  m.writeUInt16BE(16, 0);
  m.writeUInt16BE(1, 2);
  m.writeUInt32BE(0x1a2b3c4d, 4);
  m.writeUInt16BE(99, 8);
  const { framer, out } = collect();
  assert.equal(framer.push(m), null);
  assert.equal(out.length, 1);
  const r = decodeControlMessage(out[0]);
  assert.equal(r.ok ? 'ok' : r.error.code, 'unknown-type');
});

test('fuzz: random bytes never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }), (chunks) => {
      const { framer } = collect();
      for (const c of chunks) framer.push(Buffer.from(c));
    }),
    { numRuns: 2000 },
  );
});
