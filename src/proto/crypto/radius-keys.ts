/**
 * RADIUS key attributes of RFC 2548 (Microsoft vendor 311):
 *
 * MS-MPPE-Send-Key (16) / MS-MPPE-Recv-Key (17), RFC 2548 2.4.2/2.4.3:
 *    0                   1                   2
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+---
 *   |            Salt (2, MSB set)  |  String (16*n) ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+---
 *   plaintext P = Key-Length(1) | Key | zero padding to a multiple of 16
 *   b(1) = MD5(Secret | Request-Authenticator | Salt), c(1) = p(1) xor b(1)
 *   b(i) = MD5(Secret | c(i-1)),                      c(i) = p(i) xor b(i)
 *   "Send" is the key the NAS (we) sends with.
 *
 * MS-CHAP-MPPE-Keys (12), RFC 2548 2.4.1: 32 octets hidden like
 * User-Password (RFC 2865 5.2: b(1) = MD5(Secret | Request-Authenticator));
 * plaintext = LM-Key(8) | NT-Key(16) | 8 zero octets. RADIUS servers put
 * NtPasswordHashHash in NT-Key (FreeRADIUS documents the RFC's "NT hash" as
 * an error), and pppd derives the RFC 3079 GetStartKey key from it.
 *
 * Decoders take network input and return a result, never throw.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MppeMasterKeys } from './mppe-keys.js';
import { mppeMasterKeysV1FromHashHash } from './mschap.js';

export type KeyDecodeResult =
  | { ok: true; key: Buffer }
  | { ok: false; reason: 'short' | 'not-block-aligned' | 'salt-msb-clear' | 'bad-key-length' | 'bad-authenticator' };

function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

function asBuffer(secret: string | Uint8Array): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
}

/** The RFC 2865 5.2 / RFC 2548 MD5 chain, hiding `plain` (a multiple of 16 octets). */
function hide(plain: Buffer, secret: Buffer, first: Buffer): Buffer {
  const out = Buffer.alloc(plain.length);
  let prev: Buffer = first;
  for (let off = 0; off < plain.length; off += 16) {
    const b = md5(secret, prev);
    for (let k = 0; k < 16; k++) out[off + k] = plain[off + k]! ^ b[k]!;
    prev = out.subarray(off, off + 16);
  }
  return out;
}

function unhide(cipher: Uint8Array, secret: Buffer, first: Buffer): Buffer {
  const out = Buffer.alloc(cipher.length);
  let prev: Uint8Array = first;
  for (let off = 0; off < cipher.length; off += 16) {
    const b = md5(secret, prev);
    for (let k = 0; k < 16; k++) out[off + k] = cipher[off + k]! ^ b[k]!;
    prev = cipher.subarray(off, off + 16);
  }
  return out;
}

let saltCounter = randomBytes(2).readUInt16BE(0);

/** A fresh salt: MSB set, and unique among the next 32768 salts of this process (RFC 2548 2.4.2). */
export function newSalt(): Buffer {
  saltCounter = (saltCounter + 1) & 0x7fff;
  const s = Buffer.alloc(2);
  s.writeUInt16BE(0x8000 | saltCounter, 0);
  return s;
}

/** Encrypt an MS-MPPE-Send-Key / Recv-Key value: Salt | String. */
export function encryptMppeKeyAttribute(
  key: Uint8Array,
  secret: string | Uint8Array,
  requestAuthenticator: Uint8Array,
  salt: Uint8Array = newSalt(),
): Buffer {
  if (salt.length !== 2 || (salt[0]! & 0x80) === 0) throw new RangeError('salt must be 2 octets with the MSB set');
  if (requestAuthenticator.length !== 16) throw new RangeError('Request Authenticator must be 16 octets');
  if (key.length > 255) throw new RangeError('key too long');
  const plainLen = Math.ceil((key.length + 1) / 16) * 16;
  const plain = Buffer.alloc(plainLen);
  plain[0] = key.length;
  plain.set(key, 1);
  const first = Buffer.concat([requestAuthenticator, salt]);
  return Buffer.concat([salt, hide(plain, asBuffer(secret), first)]);
}

/** Decrypt an MS-MPPE-Send-Key / Recv-Key value (the attribute's String, salt included). */
export function decryptMppeKeyAttribute(
  value: Uint8Array,
  secret: string | Uint8Array,
  requestAuthenticator: Uint8Array,
): KeyDecodeResult {
  if (requestAuthenticator.length !== 16) return { ok: false, reason: 'bad-authenticator' };
  if (value.length < 2 + 16) return { ok: false, reason: 'short' };
  if ((value.length - 2) % 16 !== 0) return { ok: false, reason: 'not-block-aligned' };
  if ((value[0]! & 0x80) === 0) return { ok: false, reason: 'salt-msb-clear' };
  const salt = value.subarray(0, 2);
  const plain = unhide(value.subarray(2), asBuffer(secret), Buffer.concat([requestAuthenticator, salt]));
  const len = plain[0]!;
  if (len === 0 || len > plain.length - 1) return { ok: false, reason: 'bad-key-length' };
  return { ok: true, key: plain.subarray(1, 1 + len) };
}

export type MsChapMppeKeysResult =
  | { ok: true; lmKey: Buffer; ntKey: Buffer }
  | { ok: false; reason: 'bad-length' | 'bad-authenticator' };

/** Decrypt MS-CHAP-MPPE-Keys (RFC 2548 2.4.1): LM-Key(8) and NT-Key(16). */
export function decryptMsChapMppeKeys(
  value: Uint8Array,
  secret: string | Uint8Array,
  requestAuthenticator: Uint8Array,
): MsChapMppeKeysResult {
  if (requestAuthenticator.length !== 16) return { ok: false, reason: 'bad-authenticator' };
  if (value.length !== 32) return { ok: false, reason: 'bad-length' };
  const plain = unhide(value, asBuffer(secret), Buffer.from(requestAuthenticator));
  return { ok: true, lmKey: plain.subarray(0, 8), ntKey: plain.subarray(8, 24) };
}

/** Encrypt MS-CHAP-MPPE-Keys (for test RADIUS servers). */
export function encryptMsChapMppeKeys(
  lmKey8: Uint8Array,
  ntKey16: Uint8Array,
  secret: string | Uint8Array,
  requestAuthenticator: Uint8Array,
): Buffer {
  if (lmKey8.length !== 8 || ntKey16.length !== 16 || requestAuthenticator.length !== 16) {
    throw new RangeError('MS-CHAP-MPPE-Keys needs LM-Key(8), NT-Key(16), Request Authenticator(16)');
  }
  const plain = Buffer.alloc(32);
  plain.set(lmKey8, 0);
  plain.set(ntKey16, 8);
  return hide(plain, asBuffer(secret), Buffer.from(requestAuthenticator));
}

/** MS-CHAPv1 master keys from MS-CHAP-MPPE-Keys' NT-Key (NtPasswordHashHash) and our challenge. */
export function mppeKeysFromMsChapMppeKeys(ntKey16: Buffer, challenge8: Buffer): MppeMasterKeys {
  return mppeMasterKeysV1FromHashHash(ntKey16, challenge8);
}

/** MS-CHAPv2 master keys from decrypted MS-MPPE-Send-Key / Recv-Key (already the NAS's view). */
export function mppeKeysFromSendRecv(sendKey: Buffer, recvKey: Buffer): MppeMasterKeys | undefined {
  if (sendKey.length < 16 || recvKey.length < 16) return undefined;
  return { send: sendKey.subarray(0, 16), recv: recvKey.subarray(0, 16) };
}
