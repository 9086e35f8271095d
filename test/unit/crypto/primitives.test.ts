import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createCipheriv, createHash } from 'node:crypto';
import { md4 } from '../../../src/proto/crypto/md4.js';
import { desEncrypt7, desEncrypt7Into, desEncryptBlock, desKeyFrom7 } from '../../../src/proto/crypto/des.js';
import { Rc4, NodeRc4, nodeRc4Available, createRc4 } from '../../../src/proto/crypto/rc4.js';

const H = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('MD4: RFC 1320 A.5 test suite', () => {
  const suite: [string, string][] = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  for (const [input, want] of suite) assert.equal(md4(Buffer.from(input, 'latin1')).toString('hex'), want, input);
});

test('MD4: agrees with OpenSSL md4 on every length around the block edges', (t) => {
  let ossl = true;
  try { createHash('md4'); } catch { ossl = false; }
  if (!ossl) { t.skip('OpenSSL md4 needs --openssl-legacy-provider'); return; }
  for (let n = 0; n < 200; n++) {
    const data = Buffer.alloc(n, n & 0xff);
    assert.equal(md4(data).toString('hex'), createHash('md4').update(data).digest('hex'), `length ${n}`);
  }
});

test('DES: FIPS/NBS known answers', () => {
  // Classic worked example (key 133457799BBCDFF1).
  assert.equal(desEncryptBlock(H('133457799BBCDFF1'), H('0123456789ABCDEF')).toString('hex'), '85e813540f0ab405');
  // NBS SP 500-20 variable-plaintext / variable-key entries and the "Now is t" example.
  assert.equal(desEncryptBlock(H('0101010101010101'), H('8000000000000000')).toString('hex'), '95f8a5e5dd31d900');
  assert.equal(desEncryptBlock(H('8001010101010101'), H('0000000000000000')).toString('hex'), '95a8d72813daa94d');
  assert.equal(desEncryptBlock(H('0123456789ABCDEF'), Buffer.from('Now is t', 'latin1')).toString('hex'), '3fa40e8a984d4815');
});

test('DES: 7-to-8 octet key expansion spreads 7 bits per octet', () => {
  assert.equal(desKeyFrom7(H('FFFFFFFFFFFFFF')).toString('hex'), 'fefefefefefefefe');
  assert.equal(desKeyFrom7(H('00000000000000')).toString('hex'), '0000000000000000');
  assert.equal(desKeyFrom7(H('80000000000001')).toString('hex'), '8000000000000002');
});

test('DES: agrees with OpenSSL des-ecb on random keys and blocks', (t) => {
  const ossl = (key8: Uint8Array, block8: Uint8Array) => {
    const c = createCipheriv('des-ecb', key8, null);
    c.setAutoPadding(false);
    return c.update(block8).toString('hex');
  };
  try {
    ossl(Buffer.alloc(8), Buffer.alloc(8));
  } catch {
    t.skip('OpenSSL des-ecb needs --openssl-legacy-provider');
    return;
  }
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), (key, block) => {
      assert.equal(desEncryptBlock(key, block).toString('hex'), ossl(key, block));
    }),
    { numRuns: 2000 },
  );
});

test('DES: DesEncrypt with a 7-octet key, from a copy or in place at an offset, is the same', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.nat(9), (key7, clear, at) => {
      const want = desEncryptBlock(desKeyFrom7(key7), clear);
      assert.deepEqual(desEncrypt7(clear, key7), want);
      const keys = Buffer.alloc(at + 7, 0xa5);
      keys.set(key7, at);
      const out = Buffer.alloc(at + 8, 0x5a);
      desEncrypt7Into(clear, keys, at, out, at);
      assert.deepEqual(out.subarray(at), want);
      assert.ok(out.subarray(0, at).every((b) => b === 0x5a), 'nothing written before the offset');
    }),
  );
  assert.throws(() => desEncrypt7(Buffer.alloc(8), Buffer.alloc(8)), RangeError);
  assert.throws(() => desEncrypt7(Buffer.alloc(7), Buffer.alloc(7)), RangeError);
});

// RFC 6229: keystream octets at offsets 0, 16, 240, 256, 1520 ... for the listed keys.
const RFC6229: { key: string; at: [number, string][] }[] = [
  {
    key: '0102030405',
    at: [
      [0, 'b2396305f03dc027ccc3524a0a1118a8'],
      [16, '6982944f18fc82d589c403a47a0d0919'],
      [240, '28cb1132c96ce286421dcaadb8b69eae'],
      [256, '1cfcf62b03eddb641d77dfcf7f8d8c93'],
      [1520, '3294f744d8f9790507e70f62e5bbceea'],
      [1536, 'd8729db41882259bee4f825325f5a130'],
      [2032, '1eb14a0c13b3bf47fa2a0ba93ad45b8b'],
    ],
  },
  { key: '0102030405060708090a0b0c0d0e0f10', at: [[0, '9ac7cc9a609d1ef7b2932899cde41b97']] },
  { key: '0102030405060708090a0b0c0d0e0f101112131415161718', at: [[0, '0595e57fe5f0bb3c706edac8a4b2db11']] },
  { key: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', at: [[0, 'eaa6bd25880bf93d3f5d1e4ca2611d91']] },
  { key: '1ada31d5cf688221c109163908ebe51debb46227c6cc8b37641910833222772a', at: [[4096, '370b1c1fe655916d97fd0d47ca1d72b8']] },
];

function keystream(rc4: { process(s: Uint8Array, d: Uint8Array): void }, n: number): Buffer {
  const out = Buffer.alloc(n);
  rc4.process(Buffer.alloc(n), out);
  return out;
}

test('RC4 (TypeScript): RFC 6229 keystreams', () => {
  for (const v of RFC6229) {
    const ks = keystream(new Rc4(H(v.key)), 4112);
    for (const [off, want] of v.at) {
      assert.equal(ks.subarray(off, off + 16).toString('hex'), want, `key ${v.key} offset ${off}`);
    }
  }
});

test('RC4: split processing equals one pass; setKey restarts the stream', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(300), (key, data, cut) => {
      const whole = Buffer.alloc(data.length);
      new Rc4(key).process(data, whole);
      const r = new Rc4(Buffer.from('other'));
      r.setKey(key);
      const c = Math.min(cut, data.length);
      const parts = Buffer.alloc(data.length);
      r.process(data.subarray(0, c), parts.subarray(0, c));
      r.process(data.subarray(c), parts.subarray(c));
      assert.deepEqual(parts, whole);
      // in place
      const inplace = Buffer.from(data);
      new Rc4(key).process(inplace, inplace);
      assert.deepEqual(inplace, whole);
    }),
  );
});

test('RC4: instances taking turns keep their own streams (they share one working S-box)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 32 }),
      fc.uint8Array({ minLength: 1, maxLength: 32 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(40)), { maxLength: 30 }),
      (keyA, keyB, turns) => {
        const a = new Rc4(keyA);
        const b = new Rc4(keyB);
        const other = new Rc4(Buffer.from('other'));
        const gotA: Buffer[] = [];
        const gotB: Buffer[] = [];
        for (const [who, n] of turns) {
          if (who === 2) {
            other.setKey(Buffer.from([n + 1]));
            continue;
          }
          const chunk = Buffer.alloc(n);
          (who === 0 ? a : b).process(chunk, chunk);
          (who === 0 ? gotA : gotB).push(chunk);
        }
        const wantA = Buffer.concat(gotA);
        const wantB = Buffer.concat(gotB);
        assert.deepEqual(wantA, keystream(new Rc4(keyA), wantA.length));
        assert.deepEqual(wantB, keystream(new Rc4(keyB), wantB.length));
      },
    ),
  );
});

test('RC4 (Node legacy provider): same keystreams as the TypeScript one', (t) => {
  if (!nodeRc4Available()) {
    t.skip('OpenSSL rc4 unavailable (start node with --openssl-legacy-provider)');
    assert.ok(createRc4('node') instanceof Rc4, 'falls back to TypeScript');
    return;
  }
  for (const v of RFC6229) {
    const ks = keystream(new NodeRc4(H(v.key)), 4112);
    const ref = keystream(new Rc4(H(v.key)), 4112);
    assert.deepEqual(ks, ref);
    for (const [off, want] of v.at) assert.equal(ks.subarray(off, off + 16).toString('hex'), want);
  }
  const n = createRc4('node', H('0102030405'));
  assert.ok(n instanceof NodeRc4);
});
