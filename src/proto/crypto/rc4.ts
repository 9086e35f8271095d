/**
 * RC4 two ways, behind one small interface:
 * - `Rc4` in TypeScript: re-keying reuses its 256-octet state, no allocation;
 * - `NodeRc4` on OpenSSL (`createCipheriv('rc4')`), which Node 20 / OpenSSL 3
 *   only offers when the process runs with `--openssl-legacy-provider`.
 * `nodeRc4Available()` probes at run time; `createRc4()` falls back to the
 * TypeScript one. Which one MPPE uses is decided in ppp/mppe.ts from the
 * benchmark in bench/crypto.bench.ts.
 */
import { createCipheriv, type Cipher } from 'node:crypto';

export interface Rc4Cipher {
  /** Restart the keystream under `key` (1..256 octets). */
  setKey(key: Uint8Array): void;
  /**
   * XOR the next `src.length` keystream octets into `dst` (which may be
   * `src` itself, or a buffer at least as long).
   */
  process(src: Uint8Array, dst: Uint8Array): void;
}

const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

/*
 * The permutation every Rc4 works in: one shared module constant is
 * faster to reach than each instance's `this.s` (1,400-octet packets
 * 2.6 -> 2.0 us, bench/crypto.bench.ts). An instance's own `s` holds its
 * state while another instance owns the working one; one thread, so
 * handing over at the start of a call is enough. `owner` keeps the last
 * user alive until the next takes over: one object, not a growing set.
 */
const S = new Uint8Array(256);
let owner: Rc4 | undefined;

/** RC4 in TypeScript; `setKey` reuses the state array. */
export class Rc4 implements Rc4Cipher {
  private readonly s: Uint8Array;
  private i = 0;
  private j = 0;

  /** `state`: 256 octets to park the state in (a view into a caller's larger allocation); default its own. */
  constructor(key?: Uint8Array, state?: Uint8Array) {
    if (state && state.length !== 256) throw new RangeError('RC4 state must be 256 octets');
    this.s = state ?? new Uint8Array(256);
    if (key) this.setKey(key);
  }

  /** Park the current owner's state in its own array; `load` brings ours in. */
  private own(load: boolean): void {
    if (owner === this) return;
    if (owner) owner.s.set(S);
    if (load) S.set(this.s);
    owner = this;
  }

  /**
   * Stateless MPPE runs this twice per packet: the identity comes from a
   * template and the key index wraps without `%` (0.53 -> 0.38 us for a
   * 16-octet key, bench/forwarding.bench.ts).
   */
  setKey(key: Uint8Array): void {
    const n = key.length;
    if (n < 1 || n > 256) throw new RangeError('RC4 key must be 1..256 octets');
    this.own(false);
    S.set(IDENTITY);
    let j = 0;
    for (let k = 0, m = 0; k < 256; k++) {
      const t = S[k]!;
      j = (j + t + key[m]!) & 0xff;
      S[k] = S[j]!;
      S[j] = t;
      if (++m === n) m = 0;
    }
    this.i = 0;
    this.j = 0;
  }

  /** The state as 258 octets (S-box, i, j) at `into[at..]`: the layout the native fast path works in. */
  exportState(into: Uint8Array, at = 0): void {
    into.set(owner === this ? S : this.s, at);
    into[at + 256] = this.i;
    into[at + 257] = this.j;
  }

  /** The state back from exportState's layout. */
  importState(from: Uint8Array, at = 0): void {
    (owner === this ? S : this.s).set(from.subarray(at, at + 256));
    this.i = from[at + 256]!;
    this.j = from[at + 257]!;
  }

  /**
   * Four octets a turn: TurboFan checks each array's map and reloads its
   * data pointer once a turn, not once an octet (1,400 octets 1.95 ->
   * 1.7 us, bench/crypto.bench.ts).
   */
  process(src: Uint8Array, dst: Uint8Array): void {
    this.own(true);
    const s = S;
    let i = this.i;
    let j = this.j;
    let si = 0;
    let sj = 0;
    const len = src.length;
    let k = 0;
    for (; k + 4 <= len; k += 4) {
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k] = src[k]! ^ s[(si + sj) & 0xff]!;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k + 1] = src[k + 1]! ^ s[(si + sj) & 0xff]!;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k + 2] = src[k + 2]! ^ s[(si + sj) & 0xff]!;
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k + 3] = src[k + 3]! ^ s[(si + sj) & 0xff]!;
    }
    for (; k < len; k++) {
      i = (i + 1) & 0xff;
      si = s[i]!;
      j = (j + si) & 0xff;
      sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k] = src[k]! ^ s[(si + sj) & 0xff]!;
    }
    this.i = i;
    this.j = j;
  }
}

/*
 * Hand the working S-box back and forth at load, so the
 * hand-over in `own` has type feedback before the data plane needs it.
 * Without it TurboFan compiles `process` with a deopt exit there; once
 * taken, V8 re-entered `process` only through an OSR version (stateful
 * MPPE decrypt 2.0 -> 2.9 us per 1,400-octet packet).
 */
{
  const a = new Rc4(IDENTITY.subarray(1, 2));
  const b = new Rc4(IDENTITY.subarray(1, 2));
  const scratch = Buffer.alloc(8);
  // V8 records feedback only once a function has run a few times.
  for (let k = 0; k < 64; k++) {
    a.process(scratch, scratch);
    b.process(scratch, scratch);
  }
}

/** RC4 from OpenSSL. `process` copies OpenSSL's output into `dst`. */
export class NodeRc4 implements Rc4Cipher {
  private cipher: Cipher | undefined;

  constructor(key?: Uint8Array) {
    if (key) this.setKey(key);
  }

  setKey(key: Uint8Array): void {
    this.cipher = createCipheriv('rc4', key, null);
  }

  process(src: Uint8Array, dst: Uint8Array): void {
    if (!this.cipher) throw new Error('NodeRc4: setKey first');
    const out = this.cipher.update(src);
    (dst as Buffer).set(out, 0);
  }
}

let probed: boolean | undefined;

/** True when OpenSSL offers rc4 in this process (legacy provider loaded). */
export function nodeRc4Available(): boolean {
  if (probed === undefined) {
    try {
      const c = createCipheriv('rc4', Buffer.from('Key'), null);
      // RFC 6229-independent sanity check: the classic "Key"/"Plaintext" vector.
      const out = c.update(Buffer.from('Plaintext'));
      probed = out.toString('hex') === 'bbf316e8d940af0ad3';
    } catch {
      probed = false;
    }
  }
  return probed;
}

/** An RC4 of the requested kind; 'node' falls back to TypeScript when unavailable. */
export function createRc4(kind: 'ts' | 'node' = 'ts', key?: Uint8Array, state?: Uint8Array): Rc4Cipher {
  if (kind === 'node' && nodeRc4Available()) return new NodeRc4(key);
  return new Rc4(key, state);
}
