import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import {
  decryptMppeKeyAttribute,
  decryptMsChapMppeKeys,
  encryptMppeKeyAttribute,
  encryptMsChapMppeKeys,
  mppeKeysFromMsChapMppeKeys,
  newSalt,
} from '../../../src/proto/crypto/radius-keys.js';
import { mppeMasterKeysV1, mppeMasterKeysV2, mschapV2AuthenticatorResponse, mschapV2NtResponse, mschapV1Response } from '../../../src/proto/crypto/mschap.js';
import { initialSessionKey } from '../../../src/proto/crypto/mppe-keys.js';

const H = (s: string) => Buffer.from(s, 'hex');

/** shared/ sits beside the repository: ../shared from the repo root (works from test/ and dist/test/). */
function sharedPath(rel: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = resolve(dir, '..', 'shared', rel);
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  return undefined;
}

function loadVectors(name: string): any | undefined {
  const p = sharedPath(`reference/aaa/${name}`);
  return p ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
}

test('RFC 2548 2.4.2/2.4.3: FreeRADIUS MS-MPPE-Send/Recv-Key decrypt to the MS-CHAPv2 keys we derive', (t) => {
  const v = loadVectors('vectors-radius-mschapv2.json');
  if (!v) { t.skip('shared/reference/aaa not beside the repository'); return; }
  const ra = H(v.radius.request_authenticator);
  const secret = v.radius.shared_secret;
  const send = decryptMppeKeyAttribute(H(v.radius['MS-MPPE-Send-Key'].attribute_value), secret, ra);
  const recv = decryptMppeKeyAttribute(H(v.radius['MS-MPPE-Recv-Key'].attribute_value), secret, ra);
  assert.ok(send.ok && recv.ok);
  assert.equal(send.key.toString('hex'), v.exchange.server_send_key);
  assert.equal(recv.key.toString('hex'), v.exchange.server_recv_key);
  // Our own MS-CHAPv2 code agrees with FreeRADIUS on everything.
  const ac = H(v.exchange.authenticator_challenge);
  const pc = H(v.exchange.peer_challenge);
  const ntr = mschapV2NtResponse(ac, pc, v.exchange.user_name, v.exchange.password);
  assert.equal(ntr.toString('hex'), v.exchange.nt_response);
  assert.equal(mschapV2AuthenticatorResponse(v.exchange.password, ntr, pc, ac, v.exchange.user_name), v.exchange.authenticator_response);
  const keys = mppeMasterKeysV2(v.exchange.password, ntr, 'server');
  assert.deepEqual(keys.send, send.key);
  assert.deepEqual(keys.recv, recv.key);
  assert.equal(initialSessionKey(keys.send, 128).toString('hex'), v.derived_not_on_wire.nas_send_session_key_128);
  assert.equal(initialSessionKey(keys.recv, 128).toString('hex'), v.derived_not_on_wire.nas_recv_session_key_128);
  // Re-encrypting with the same salt reproduces FreeRADIUS's bytes.
  const again = encryptMppeKeyAttribute(send.key, secret, ra, H(v.radius['MS-MPPE-Send-Key'].salt));
  assert.equal(again.toString('hex'), v.radius['MS-MPPE-Send-Key'].attribute_value);
});

test('RFC 2548 2.4.1: FreeRADIUS MS-CHAP-MPPE-Keys decrypt to NtPasswordHashHash; keys match ours', (t) => {
  const v = loadVectors('vectors-radius-mschapv1.json');
  if (!v) { t.skip('shared/reference/aaa not beside the repository'); return; }
  const ra = H(v.radius.request_authenticator);
  const r = decryptMsChapMppeKeys(H(v.radius['MS-CHAP-MPPE-Keys'].attribute_value), v.radius.shared_secret, ra);
  assert.ok(r.ok);
  assert.equal(r.lmKey.toString('hex'), v.radius['MS-CHAP-MPPE-Keys'].lm_key);
  assert.equal(r.ntKey.toString('hex'), v.radius['MS-CHAP-MPPE-Keys'].nt_key_password_hash_hash);
  const ch = H(v.exchange.challenge);
  assert.equal(mschapV1Response(ch, v.exchange.password).toString('hex'), v.exchange.nt_response);
  const keys = mppeKeysFromMsChapMppeKeys(r.ntKey, ch);
  assert.equal(keys.send.toString('hex'), v.derived_not_on_wire.start_key_128);
  assert.deepEqual(keys, mppeMasterKeysV1(v.exchange.password, 'server', ch));
  assert.equal(initialSessionKey(keys.send, 128).toString('hex'), v.derived_not_on_wire.session_key_128);
  const back = encryptMsChapMppeKeys(r.lmKey, r.ntKey, v.radius.shared_secret, ra);
  assert.equal(back.toString('hex'), v.radius['MS-CHAP-MPPE-Keys'].attribute_value);
});

test('MS-MPPE key attribute: round trip for any key length, secret, authenticator', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      (key, secret, ra) => {
        const enc = encryptMppeKeyAttribute(key, secret, ra);
        assert.equal(enc[0]! & 0x80, 0x80);
        assert.equal((enc.length - 2) % 16, 0);
        const dec = decryptMppeKeyAttribute(enc, secret, ra);
        assert.ok(dec.ok);
        assert.deepEqual(dec.key, Buffer.from(key));
      },
    ),
  );
});

test('MS-MPPE key attribute: malformed values are rejected with a reason, never a throw', () => {
  const ra = Buffer.alloc(16, 7);
  const good = encryptMppeKeyAttribute(Buffer.alloc(16, 1), 's', ra, Buffer.from([0x80, 0x01]));
  for (let n = 0; n < good.length; n++) {
    const r = decryptMppeKeyAttribute(good.subarray(0, n), 's', ra);
    assert.equal(r.ok, false, `truncated to ${n}`);
  }
  const clearMsb = Buffer.from(good);
  clearMsb[0] = 0x00;
  assert.deepEqual(decryptMppeKeyAttribute(clearMsb, 's', ra), { ok: false, reason: 'salt-msb-clear' });
  const wrongSecret = decryptMppeKeyAttribute(good, 'other', ra);
  if (wrongSecret.ok) assert.notDeepEqual(wrongSecret.key, Buffer.alloc(16, 1));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (junk) => {
      decryptMppeKeyAttribute(junk, 's', ra);
      decryptMsChapMppeKeys(junk, 's', ra);
    }),
  );
  assert.throws(() => encryptMppeKeyAttribute(Buffer.alloc(16), 's', ra, Buffer.from([0x00, 0x01])), RangeError);
});

test('newSalt: MSB set, no repeats over a long run', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 5000; i++) {
    const s = newSalt();
    assert.equal(s[0]! & 0x80, 0x80);
    const v = s.readUInt16BE(0);
    assert.ok(!seen.has(v));
    seen.add(v);
  }
});
