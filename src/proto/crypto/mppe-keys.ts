/**
 * MPPE session keys (RFC 3078 7.1-7.3, RFC 3079 2.4/3.4):
 * - initial session key = GetNewKeyFromSHA(StartKey, StartKey), reduced;
 * - each key change: interim = GetNewKeyFromSHA(StartKey, SessionKey),
 *   SessionKey = RC4(interim) over interim, reduced.
 * Reduction: 40-bit keys start D1 26 9E, 56-bit keys start D1 (8-octet
 * keys); 128-bit keys are used whole.
 */
import { Rc4 } from './rc4.js';
import { sha1Pad, sha1PaddedInto } from './sha1.js';

export type MppeBits = 40 | 56 | 128;

/** RFC 3079 master keys from the server's point of view (16 octets each). */
export interface MppeMasterKeys {
  send: Buffer;
  recv: Buffer;
}

const SHS_PAD1 = Buffer.alloc(40, 0x00);
const SHS_PAD2 = Buffer.alloc(40, 0xf2);

/*
 * Scratch shared by every rekeyer: a key change runs to completion
 * synchronously on one thread. Sharing them keeps a session's memory small
 * (bench/sessions.bench.ts: 10,000 sessions hold 40,000 rekeyer states).
 */
const digest = new Uint8Array(20);
const interim16 = new Uint8Array(16);
const interim8 = interim16.subarray(0, 8);
const rekeyRc4 = new Rc4();

/** Session key length in octets: 8 for 40/56-bit, 16 for 128-bit. */
export function mppeKeyLength(bits: MppeBits): 8 | 16 {
  return bits === 128 ? 16 : 8;
}

/**
 * GetNewKeyFromSHA's input for one start key: start[0..n] | pad1 |
 * session | pad2, padded for SHA-1 once (128 octets for n = 8 or 16); a
 * key change only writes the session key in. Not a pool slice: a
 * rekeyer keeps it as long as the session.
 */
function shaLayout(startKey: Uint8Array, n: number, into?: Buffer): Buffer {
  const layout = into ?? Buffer.alloc(128);
  if (layout.length !== 128) throw new RangeError('the SHA-1 layout takes 128 octets');
  layout.set(startKey.subarray(0, n), 0);
  layout.set(SHS_PAD1, n);
  layout.set(SHS_PAD2, 2 * n + 40);
  sha1Pad(layout, 2 * n + 80);
  return layout;
}

/** The first n octets of SHA1(layout with `sessionKey` written in) into `out`. */
function newKeyFromSha(layout: Buffer, n: number, sessionKey: Uint8Array, out: Uint8Array): void {
  for (let k = 0; k < n; k++) layout[n + 40 + k] = sessionKey[k]!;
  sha1PaddedInto(layout, layout.length, digest);
  for (let k = 0; k < n; k++) out[k] = digest[k]!;
}

/** RFC 3079 3.4 GetNewKeyFromSHA: SHA1(start[0..n] | pad1 | session | pad2), first n octets into `out`. */
export function getNewKeyFromSha(startKey: Uint8Array, sessionKey: Uint8Array, out: Uint8Array): void {
  const n = sessionKey.length;
  newKeyFromSha(shaLayout(startKey, n), n, sessionKey, out);
}

/** RFC 3078 7.1 key reduction, in place. */
export function reduceKey(key: Uint8Array, bits: MppeBits): void {
  if (bits === 40) {
    key[0] = 0xd1;
    key[1] = 0x26;
    key[2] = 0x9e;
  } else if (bits === 56) {
    key[0] = 0xd1;
  }
}

/** The first session key for a direction (RFC 3078 7.2), a new buffer or written `into` (n octets). */
export function initialSessionKey(startKey: Uint8Array, bits: MppeBits, into?: Buffer): Buffer {
  const n = mppeKeyLength(bits);
  if (startKey.length < n) throw new RangeError(`MPPE start key needs ${n} octets`);
  if (into && into.length !== n) throw new RangeError(`MPPE session key takes ${n} octets`);
  const key = into ?? Buffer.alloc(n);
  getNewKeyFromSha(startKey, startKey.subarray(0, n), key);
  reduceKey(key, bits);
  return key;
}

/**
 * Re-keys session keys in place (RFC 3078 7.3) with no allocation
 * (bench/forwarding.bench.ts: stateless MPPE changes the key every packet):
 * one instance per direction.
 */
export class MppeRekeyer {
  private readonly shaInput: Buffer;
  private readonly n: number;

  /** `layout`: 128 octets for the SHA-1 input (a view into a caller's larger allocation); default its own. */
  constructor(startKey: Uint8Array, private readonly bits: MppeBits, layout?: Buffer) {
    const n = mppeKeyLength(bits);
    if (startKey.length < n) throw new RangeError(`MPPE start key needs ${n} octets`);
    this.n = n;
    this.shaInput = shaLayout(startKey, n, layout);
  }

  /** The start key (a view of the SHA-1 input). */
  get startKey(): Uint8Array {
    return this.shaInput.subarray(0, this.n);
  }

  /** sessionKey <- reduce(RC4_interim(interim)), interim = GetNewKeyFromSHA(start, sessionKey). */
  rekey(sessionKey: Uint8Array): void {
    const interim = this.n === 16 ? interim16 : interim8;
    newKeyFromSha(this.shaInput, this.n, sessionKey, interim);
    rekeyRc4.setKey(interim);
    rekeyRc4.process(interim, sessionKey);
    reduceKey(sessionKey, this.bits);
  }
}
