/**
 * MS-CHAP (RFC 2433), MS-CHAPv2 (RFC 2759), their MPPE start keys
 * (RFC 3079) and the CHAP-MD5 response (RFC 1994).
 *
 * User names in MS-CHAPv2's ChallengeHash: RFC 2759 8.2 says "only the user
 * name (as presented by the peer and excluding any prepended domain name)".
 * pppd's ChallengeHash strips everything up to the LAST backslash
 * (`strrchr(username, '\\')`); `stripDomain` does the same. Callers pass the
 * name exactly as the peer sent it (e.g. `CORP\alice`); the functions here
 * strip. Names given as strings are encoded UTF-8; pass the raw octets
 * (Uint8Array) when the peer's name is not UTF-8.
 *
 * MS-CHAPv1 MPPE keys: RFC 3079 2.1/2.2 derive 40/56-bit keys from the
 * LAN Manager hash and 2.3 the 128-bit key from GetStartKey(challenge,
 * NtPasswordHashHash). pppd (the Linux client/server every PPTP peer has
 * been tested against) uses the GetStartKey key for every strength and lets
 * MPPE reduce it, and RADIUS servers hand out NtPasswordHashHash in
 * MS-CHAP-MPPE-Keys for the same use. `mppeMasterKeysV1` therefore returns
 * the GetStartKey key (interoperable at 40, 56 and 128 bits); the LM-based
 * RFC 3079 2.1 start key is `lmStartKeyV1` (tested against the RFC sample).
 */
import { createHash } from 'node:crypto';
import type { MppeMasterKeys } from './mppe-keys.js';
import { desEncrypt7, desEncrypt7Into } from './des.js';
import { md4 } from './md4.js';
import { sha1Into } from './sha1.js';

export type MppeRole = 'server' | 'client';
export type { MppeMasterKeys };

/** The first n octets of SHA1(parts), a new Buffer (no OpenSSL object per hash). */
function sha1(n: number, ...parts: Uint8Array[]): Buffer {
  const out = Buffer.alloc(n);
  sha1Into(parts, out);
  return out;
}

function nameOctets(username: string | Uint8Array): Uint8Array {
  return typeof username === 'string' ? Buffer.from(username, 'utf8') : username;
}

function requireLength(what: string, buf: Uint8Array, n: number): void {
  if (buf.length !== n) throw new RangeError(`${what} must be ${n} octets, got ${buf.length}`);
}

// ---------------------------------------------------------------- hashes

/** RFC 2759 8.3 NtPasswordHash: MD4 of the UTF-16LE password. */
export function ntPasswordHash(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** RFC 2759 8.4 HashNtPasswordHash: MD4 of the NT hash. */
export function ntPasswordHashHash(passwordOrHash: string | Uint8Array): Buffer {
  return md4(typeof passwordOrHash === 'string' ? ntPasswordHash(passwordOrHash) : passwordOrHash);
}

const LM_MAGIC = Buffer.from('KGS!@#$%', 'latin1');

/** RFC 2433 A.2 LmPasswordHash: DES of "KGS!@#$%" under the upper-cased, 14-octet padded password. */
export function lmPasswordHash(password: string): Buffer {
  const pw = Buffer.alloc(14);
  Buffer.from(password.toUpperCase(), 'latin1').copy(pw, 0, 0, 14);
  return Buffer.concat([desEncrypt7(LM_MAGIC, pw.subarray(0, 7)), desEncrypt7(LM_MAGIC, pw.subarray(7, 14))]);
}

/** ChallengeResponse's ZPasswordHash (the hash and 5 zero octets): scratch, zeroed after use. */
const zPasswordHash = new Uint8Array(21);

/** RFC 2433 A.5 / RFC 2759 8.5 ChallengeResponse: three DES blocks under the zero-padded hash. */
export function challengeResponse(challenge8: Uint8Array, passwordHash16: Uint8Array): Buffer {
  requireLength('challenge', challenge8, 8);
  requireLength('password hash', passwordHash16, 16);
  zPasswordHash.set(passwordHash16, 0);
  const out = Buffer.alloc(24);
  desEncrypt7Into(challenge8, zPasswordHash, 0, out, 0);
  desEncrypt7Into(challenge8, zPasswordHash, 7, out, 8);
  desEncrypt7Into(challenge8, zPasswordHash, 14, out, 16);
  zPasswordHash.fill(0, 0, 16);
  return out;
}

// ---------------------------------------------------------------- MS-CHAPv1

/** RFC 2433 A.5 NtChallengeResponse: the 24-octet NT-Response for an 8-octet challenge. */
export function mschapV1Response(challenge8: Buffer, password: string): Buffer {
  return challengeResponse(challenge8, ntPasswordHash(password));
}

/** Same, from a stored NT password hash. */
export function mschapV1ResponseFromHash(challenge8: Buffer, ntHash: Buffer): Buffer {
  return challengeResponse(challenge8, ntHash);
}

/** RFC 2433 A.1 LmChallengeResponse (LAN Manager response; legacy clients only). */
export function mschapV1LmResponse(challenge8: Buffer, password: string): Buffer {
  return challengeResponse(challenge8, lmPasswordHash(password));
}

// ---------------------------------------------------------------- MS-CHAPv2

/** The user name without any `DOMAIN\` prefix (up to the last backslash, as pppd does). */
export function stripDomain(username: string | Uint8Array): Uint8Array {
  const octets = nameOctets(username);
  const at = octets.lastIndexOf(0x5c);
  return at >= 0 ? octets.subarray(at + 1) : octets;
}

/** RFC 2759 8.2 ChallengeHash: first 8 octets of SHA1(peer | authenticator | user name). */
export function challengeHash(peerChallenge16: Buffer, authChallenge16: Buffer, username: string | Uint8Array): Buffer {
  requireLength('peer challenge', peerChallenge16, 16);
  requireLength('authenticator challenge', authChallenge16, 16);
  return sha1(8, peerChallenge16, authChallenge16, stripDomain(username));
}

/** RFC 2759 8.1 GenerateNTResponse from a stored NT hash. */
export function mschapV2NtResponseFromHash(
  authChallenge16: Buffer,
  peerChallenge16: Buffer,
  username: string | Uint8Array,
  ntHash: Buffer,
): Buffer {
  return challengeResponse(challengeHash(peerChallenge16, authChallenge16, username), ntHash);
}

/** RFC 2759 8.1 GenerateNTResponse: the 24-octet NT-Response. */
export function mschapV2NtResponse(
  authChallenge16: Buffer,
  peerChallenge16: Buffer,
  username: string | Uint8Array,
  password: string,
): Buffer {
  return mschapV2NtResponseFromHash(authChallenge16, peerChallenge16, username, ntPasswordHash(password));
}

const AUTH_MAGIC1 = Buffer.from('Magic server to client signing constant', 'latin1');
const AUTH_MAGIC2 = Buffer.from('Pad to make it do more than one iteration', 'latin1');

/** RFC 2759 8.7 GenerateAuthenticatorResponse from a stored NT hash: "S=" + 40 upper-case hex. */
export function mschapV2AuthenticatorResponseFromHash(
  ntHash: Buffer,
  ntResponse: Buffer,
  peerChallenge: Buffer,
  authChallenge: Buffer,
  username: string | Uint8Array,
): string {
  requireLength('NT-Response', ntResponse, 24);
  const digest = sha1(20, ntPasswordHashHash(ntHash), ntResponse, AUTH_MAGIC1);
  const ch = challengeHash(peerChallenge, authChallenge, username);
  return 'S=' + sha1(20, digest, ch, AUTH_MAGIC2).toString('hex').toUpperCase();
}

/** RFC 2759 8.7 GenerateAuthenticatorResponse: "S=" + 40 upper-case hex. */
export function mschapV2AuthenticatorResponse(
  password: string,
  ntResponse: Buffer,
  peerChallenge: Buffer,
  authChallenge: Buffer,
  username: string | Uint8Array,
): string {
  return mschapV2AuthenticatorResponseFromHash(ntPasswordHash(password), ntResponse, peerChallenge, authChallenge, username);
}

// ---------------------------------------------------------------- RFC 3079 keys

const MPPE_MAGIC1 = Buffer.from('This is the MPPE Master Key', 'latin1');
/** RFC 3079 3.4 Magic2: the client's send key, the server's receive key. */
const MPPE_MAGIC2 = Buffer.from('On the client side, this is the send key; on the server side, it is the receive key.', 'latin1');
/** RFC 3079 3.4 Magic3: the client's receive key, the server's send key. */
const MPPE_MAGIC3 = Buffer.from('On the client side, this is the receive key; on the server side, it is the send key.', 'latin1');
const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);

/** RFC 3079 3.4 GetMasterKey: 16 octets from NtPasswordHashHash and the NT-Response. */
export function getMasterKey(passwordHashHash16: Buffer, ntResponse24: Buffer): Buffer {
  requireLength('password hash hash', passwordHashHash16, 16);
  requireLength('NT-Response', ntResponse24, 24);
  return sha1(16, passwordHashHash16, ntResponse24, MPPE_MAGIC1);
}

/**
 * RFC 3079 3.4 GetAsymmetricStartKey. The classic bug lives here: the
 * SERVER's SEND key uses Magic3 ("on the server side, it is the send key"),
 * the server's receive key Magic2; the client is the mirror image.
 */
export function getAsymmetricStartKey(masterKey16: Buffer, keyLength: 8 | 16, isSend: boolean, isServer: boolean): Buffer {
  const magic = isSend === isServer ? MPPE_MAGIC3 : MPPE_MAGIC2;
  return sha1(keyLength, masterKey16, SHS_PAD1, magic, SHS_PAD2);
}

/** MS-CHAPv2 MPPE start keys (RFC 3079 3.3-3.5, 16 octets) from a stored NT hash, seen from `role`. */
export function mppeMasterKeysV2FromHash(ntHash: Buffer, ntResponse: Buffer, role: MppeRole): MppeMasterKeys {
  const master = getMasterKey(ntPasswordHashHash(ntHash), ntResponse);
  const isServer = role === 'server';
  return {
    send: getAsymmetricStartKey(master, 16, true, isServer),
    recv: getAsymmetricStartKey(master, 16, false, isServer),
  };
}

/** MS-CHAPv2 MPPE start keys (RFC 3079 3.3-3.5, 16 octets), seen from `role`. */
export function mppeMasterKeysV2(password: string, ntResponse: Buffer, role: MppeRole): MppeMasterKeys {
  return mppeMasterKeysV2FromHash(ntPasswordHash(password), ntResponse, role);
}

/** RFC 3079 2.4 GetStartKey (MS-CHAPv1): SHA1(PHH | PHH | challenge), first 16 octets. */
export function getStartKeyV1(challenge8: Buffer, passwordHashHash16: Buffer): Buffer {
  requireLength('challenge', challenge8, 8);
  requireLength('password hash hash', passwordHashHash16, 16);
  return sha1(16, passwordHashHash16, passwordHashHash16, challenge8);
}

/**
 * MS-CHAPv1 MPPE start keys from NtPasswordHashHash (what RADIUS puts in
 * MS-CHAP-MPPE-Keys): symmetric, the same key in both directions, for
 * either role. `challenge8` is the authenticator's 8-octet challenge.
 */
export function mppeMasterKeysV1FromHashHash(passwordHashHash16: Buffer, challenge8: Buffer): MppeMasterKeys {
  const key = getStartKeyV1(challenge8, passwordHashHash16);
  return { send: key, recv: Buffer.from(key) };
}

/** MS-CHAPv1 MPPE start keys from a stored NT hash. `role` is accepted for symmetry: v1 keys are symmetric. */
export function mppeMasterKeysV1FromHash(ntHash: Buffer, _role: MppeRole, challenge8: Buffer): MppeMasterKeys {
  return mppeMasterKeysV1FromHashHash(ntPasswordHashHash(ntHash), challenge8);
}

/** MS-CHAPv1 MPPE start keys (see the module header for the 40/56-bit choice). */
export function mppeMasterKeysV1(password: string, role: MppeRole, challenge8: Buffer): MppeMasterKeys {
  return mppeMasterKeysV1FromHash(ntPasswordHash(password), role, challenge8);
}

/** RFC 3079 2.1/2.2: the LAN Manager start key for 40/56-bit MS-CHAPv1 (8 octets). */
export function lmStartKeyV1(password: string): Buffer {
  return lmPasswordHash(password).subarray(0, 8);
}

// ---------------------------------------------------------------- CHAP-MD5

/** RFC 1994 4.1: MD5(Identifier | secret | Challenge). */
export function chapMd5Response(id: number, secret: Buffer, challenge: Buffer): Buffer {
  return createHash('md5').update(Buffer.of(id & 0xff)).update(secret).update(challenge).digest();
}
