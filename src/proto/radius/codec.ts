/**
 * RADIUS packets (RFC 2865 3, RFC 2866, RFC 5176). The only module that
 * touches the `radius` npm package: it encodes attribute lists (dictionary
 * names, integer enums, Vendor-Specific) and names attributes for debug
 * output. Decoding, authenticator and Message-Authenticator checks are ours,
 * strict, and never throw on network input.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     Code      |  Identifier   |            Length             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   Authenticator (16 octets)                   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Attributes: Type(1) Length(1, >= 2, header included) Value...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Vendor-Specific (26) value: Vendor-Id(4) | Vendor-Type(1) Vendor-Length(1, >= 2) Value ...
 *   Length is 20..4096; octets past Length are padding and ignored.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { Attr, Code, CODE_NAMES, MICROSOFT_DICTIONARY } from './dictionary.js';

/** The parts of the `radius` package we use. */
interface RadiusLib {
  load_dictionaries(): void;
  _load_dictionary(content: string): string[];
  encode(args: {
    code: string;
    identifier: number;
    secret: string;
    authenticator?: Buffer;
    attributes: unknown[];
    add_message_authenticator: boolean;
  }): Buffer;
  attr_id_to_name(id: number | string, vendor?: number): string | undefined;
}

let lib: RadiusLib | undefined;
function radius(): RadiusLib {
  if (!lib) {
    const r = createRequire(import.meta.url)('radius') as RadiusLib;
    r.load_dictionaries();
    r._load_dictionary(MICROSOFT_DICTIONARY);
    lib = r;
  }
  return lib;
}

export const HEADER_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;
export const MAX_ATTRIBUTE_VALUE = 253;

export type AttrValue = string | number | Buffer;
/** `['User-Name', 'cisco']`, `[Attr.ChapPassword, buf]`, or one vendor attribute `['Vendor-Specific', 311, 'MS-CHAP-Challenge', buf]`. */
export type AttrSpec = readonly [string | number, AttrValue] | readonly ['Vendor-Specific', number, string | number, AttrValue];

export interface RadiusAttribute {
  type: number;
  value: Buffer;
}
export interface VendorAttribute {
  vendor: number;
  type: number;
  value: Buffer;
}

export interface RadiusPacket {
  code: number;
  identifier: number;
  authenticator: Buffer;
  /** Top-level attributes in order (Vendor-Specific included, undecoded). */
  attributes: RadiusAttribute[];
  /** Sub-attributes of every well-formed Vendor-Specific. */
  vendor: VendorAttribute[];
  /** The packet's Length octets (padding cut). */
  raw: Buffer;
}

export type DecodeError = 'short' | 'bad-length' | 'oversized' | 'bad-attribute';
export type DecodeResult = { ok: true; packet: RadiusPacket } | { ok: false; reason: DecodeError };

export function decodePacket(data: Buffer): DecodeResult {
  if (data.length < HEADER_LENGTH) return { ok: false, reason: 'short' };
  const length = data.readUInt16BE(2);
  if (length < HEADER_LENGTH || length > data.length) return { ok: false, reason: 'bad-length' };
  if (length > MAX_PACKET_LENGTH) return { ok: false, reason: 'oversized' };
  const raw = data.subarray(0, length);
  const attributes: RadiusAttribute[] = [];
  const vendor: VendorAttribute[] = [];
  let off = HEADER_LENGTH;
  while (off < length) {
    if (off + 2 > length) return { ok: false, reason: 'bad-attribute' };
    const type = raw[off]!;
    const alen = raw[off + 1]!;
    if (alen < 2 || off + alen > length) return { ok: false, reason: 'bad-attribute' };
    const value = raw.subarray(off + 2, off + alen);
    attributes.push({ type, value });
    if (type === Attr.VendorSpecific) decodeVendor(value, vendor);
    off += alen;
  }
  return { ok: true, packet: { code: raw[0]!, identifier: raw[1]!, authenticator: raw.subarray(4, 20), attributes, vendor, raw } };
}

/** RFC 2865 5.26 sub-attributes; a malformed VSA contributes nothing (it stays in `attributes`). */
function decodeVendor(value: Buffer, out: VendorAttribute[]): void {
  if (value.length < 4 + 2) return;
  const vendorId = value.readUInt32BE(0);
  const subs: VendorAttribute[] = [];
  let off = 4;
  while (off < value.length) {
    if (off + 2 > value.length) return;
    const t = value[off]!;
    const l = value[off + 1]!;
    if (l < 2 || off + l > value.length) return;
    subs.push({ vendor: vendorId, type: t, value: value.subarray(off + 2, off + l) });
    off += l;
  }
  out.push(...subs);
}

export function attribute(p: RadiusPacket, type: number): Buffer | undefined {
  return p.attributes.find((a) => a.type === type)?.value;
}
export function attributes(p: RadiusPacket, type: number): Buffer[] {
  return p.attributes.filter((a) => a.type === type).map((a) => a.value);
}
export function vendorAttribute(p: RadiusPacket, vendor: number, type: number): Buffer | undefined {
  return p.vendor.find((a) => a.vendor === vendor && a.type === type)?.value;
}
export function integerAttribute(p: RadiusPacket, type: number): number | undefined {
  const v = attribute(p, type);
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}
export function ipAttribute(p: RadiusPacket, type: number): string | undefined {
  const v = attribute(p, type);
  return v && v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : undefined;
}

export type EncodeResult = { ok: true; packet: Buffer } | { ok: false; error: string };

function toLibAttributes(attrs: readonly AttrSpec[]): unknown[] {
  return attrs.map((a) => (a[0] === 'Vendor-Specific' && a.length === 4 ? ['Vendor-Specific', a[1], [[a[2], a[3]]]] : [a[0], a[1]]));
}

function checkValues(attrs: readonly AttrSpec[]): string | undefined {
  for (const a of attrs) {
    const v = a.length === 4 ? a[3] : a[1];
    const max = a.length === 4 ? MAX_ATTRIBUTE_VALUE - 6 : MAX_ATTRIBUTE_VALUE;
    const n = Buffer.isBuffer(v) ? v.length : typeof v === 'string' ? Buffer.byteLength(v) : 4;
    if (n > max) return `attribute ${String(a.length === 4 ? a[2] : a[0])} too long (${n} octets)`;
  }
  return undefined;
}

/**
 * Access-Request: `authenticator` is the random Request Authenticator (also
 * the User-Password hiding vector); a Message-Authenticator is appended and
 * signed when asked (RFC 3579 3.2).
 */
export function encodeAccessRequest(identifier: number, authenticator: Buffer, secret: string, attrs: readonly AttrSpec[], messageAuthenticator = true): EncodeResult {
  return encode('Access-Request', identifier, secret, attrs, messageAuthenticator, authenticator);
}

/** Accounting-Request: Request Authenticator = MD5(packet with 16 zero octets | secret) (RFC 2866 3). */
export function encodeAccountingRequest(identifier: number, secret: string, attrs: readonly AttrSpec[]): EncodeResult {
  return encodeZeroAuthRequest(Code.AccountingRequest, identifier, secret, attrs);
}

/**
 * Accounting-, Disconnect- or CoA-Request signed the RFC 2866 way (no
 * Message-Authenticator: the codec package would sign it in the wrong order).
 */
export function encodeZeroAuthRequest(code: number, identifier: number, secret: string, attrs: readonly AttrSpec[]): EncodeResult {
  if (code !== Code.AccountingRequest && code !== Code.DisconnectRequest && code !== Code.CoaRequest) {
    return { ok: false, error: `code ${code} is not signed with a zero authenticator` };
  }
  return encode(CODE_NAMES[code]!, identifier, secret, attrs, false, undefined);
}

/** A response (Disconnect/CoA ACK/NAK): signed against the request's authenticator; Message-Authenticator when the request had one. */
export function encodeResponse(code: number, request: RadiusPacket, secret: string, attrs: readonly AttrSpec[]): EncodeResult {
  const name = CODE_NAMES[code];
  if (!name) return { ok: false, error: `unknown code ${code}` };
  const withMa = attribute(request, Attr.MessageAuthenticator) !== undefined;
  const proxy: AttrSpec[] = attributes(request, Attr.ProxyState).map((v) => [Attr.ProxyState, v] as const);
  return encode(name, request.identifier, secret, [...attrs, ...proxy], withMa, Buffer.from(request.authenticator));
}

function encode(code: string, identifier: number, secret: string, attrs: readonly AttrSpec[], ma: boolean, authenticator: Buffer | undefined): EncodeResult {
  const tooLong = checkValues(attrs);
  if (tooLong) return { ok: false, error: tooLong };
  try {
    const packet = radius().encode({
      code,
      identifier,
      secret,
      authenticator,
      attributes: toLibAttributes(attrs),
      add_message_authenticator: ma,
    });
    return { ok: true, packet: Buffer.from(packet) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function newRequestAuthenticator(): Buffer {
  return randomBytes(16);
}

/** RFC 2865 5.2 User-Password hiding: padded to 16, at most 128 octets. */
export function hideUserPassword(password: Buffer, secret: string, requestAuthenticator: Buffer): Buffer {
  const len = Math.min(128, Math.max(16, Math.ceil(password.length / 16) * 16));
  const plain = Buffer.alloc(len);
  password.copy(plain, 0, 0, Math.min(password.length, 128));
  const out = Buffer.alloc(len);
  let prev: Buffer = requestAuthenticator;
  for (let off = 0; off < len; off += 16) {
    const b = createHash('md5').update(secret, 'utf8').update(prev).digest();
    for (let k = 0; k < 16; k++) out[off + k] = plain[off + k]! ^ b[k]!;
    prev = out.subarray(off, off + 16);
  }
  return out;
}

/** Inverse of hideUserPassword (test servers); trailing NULs removed. */
export function unhideUserPassword(hidden: Buffer, secret: string, requestAuthenticator: Buffer): Buffer | undefined {
  if (hidden.length < 16 || hidden.length > 128 || hidden.length % 16 !== 0) return undefined;
  const out = Buffer.alloc(hidden.length);
  let prev: Buffer = requestAuthenticator;
  for (let off = 0; off < hidden.length; off += 16) {
    const b = createHash('md5').update(secret, 'utf8').update(prev).digest();
    for (let k = 0; k < 16; k++) out[off + k] = hidden[off + k]! ^ b[k]!;
    prev = hidden.subarray(off, off + 16);
  }
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Offset of the Message-Authenticator's value, or -1. */
function messageAuthenticatorOffset(p: RadiusPacket): number {
  let off = HEADER_LENGTH;
  for (const a of p.attributes) {
    if (a.type === Attr.MessageAuthenticator) return a.value.length === 16 ? off + 2 : -2;
    off += a.value.length + 2;
  }
  return -1;
}

/** HMAC-MD5 over the packet with `authField` in the authenticator and the MA value zeroed. */
function computeMessageAuthenticator(p: RadiusPacket, maOff: number, authField: Buffer, secret: string): Buffer {
  const copy = Buffer.from(p.raw);
  authField.copy(copy, 4);
  copy.fill(0, maOff, maOff + 16);
  return createHmac('md5', secret).update(copy).digest();
}

export type VerifyResult = 'ok' | 'bad-authenticator' | 'bad-message-authenticator' | 'missing-message-authenticator';

/**
 * A reply to our request: Response Authenticator = MD5(Code|Id|Length|RequestAuth|Attributes|Secret)
 * (RFC 2865 3); Message-Authenticator, when present, = HMAC-MD5 with RequestAuth in place (RFC 3579 3.2).
 */
export function verifyResponse(p: RadiusPacket, requestAuthenticator: Buffer, secret: string, requireMessageAuthenticator = false): VerifyResult {
  const copy = Buffer.from(p.raw);
  requestAuthenticator.copy(copy, 4);
  const expected = createHash('md5').update(copy).update(secret, 'utf8').digest();
  if (!equal(expected, p.authenticator)) return 'bad-authenticator';
  const maOff = messageAuthenticatorOffset(p);
  if (maOff === -2) return 'bad-message-authenticator';
  if (maOff < 0) return requireMessageAuthenticator ? 'missing-message-authenticator' : 'ok';
  const ma = computeMessageAuthenticator(p, maOff, requestAuthenticator, secret);
  return equal(ma, p.raw.subarray(maOff, maOff + 16)) ? 'ok' : 'bad-message-authenticator';
}

/**
 * Accounting-, Disconnect- and CoA-Request: Request Authenticator =
 * MD5(packet with 16 zero octets | secret) (RFC 2866 3, RFC 5176 2.3); the
 * Message-Authenticator is computed with the authenticator zeroed.
 */
export function verifyZeroAuthRequest(p: RadiusPacket, secret: string): VerifyResult {
  const zero = Buffer.alloc(16);
  const copy = Buffer.from(p.raw);
  zero.copy(copy, 4);
  const expected = createHash('md5').update(copy).update(secret, 'utf8').digest();
  if (!equal(expected, p.authenticator)) return 'bad-authenticator';
  const maOff = messageAuthenticatorOffset(p);
  if (maOff === -2) return 'bad-message-authenticator';
  if (maOff < 0) return 'ok';
  const ma = computeMessageAuthenticator(p, maOff, zero, secret);
  return equal(ma, p.raw.subarray(maOff, maOff + 16)) ? 'ok' : 'bad-message-authenticator';
}

/** Access-Request Message-Authenticator check (test servers): HMAC with the random authenticator in place. */
export function verifyAccessRequest(p: RadiusPacket, secret: string): VerifyResult {
  const maOff = messageAuthenticatorOffset(p);
  if (maOff === -2) return 'bad-message-authenticator';
  if (maOff < 0) return 'missing-message-authenticator';
  const ma = computeMessageAuthenticator(p, maOff, p.authenticator, secret);
  return equal(ma, p.raw.subarray(maOff, maOff + 16)) ? 'ok' : 'bad-message-authenticator';
}

/** Test servers and tools: sign a reply by hand (MA first when asked, then the Response Authenticator). */
export function signResponse(code: number, identifier: number, requestAuthenticator: Buffer, secret: string, attrs: readonly AttrSpec[], messageAuthenticator: boolean): EncodeResult {
  const name = CODE_NAMES[code];
  if (!name) return { ok: false, error: `unknown code ${code}` };
  return encode(name, identifier, secret, attrs, messageAuthenticator, Buffer.from(requestAuthenticator));
}

export function codeName(code: number): string {
  return CODE_NAMES[code] ?? `Code-${code}`;
}

/** Dictionary name of an attribute, for debug lines. */
export function attributeName(type: number, vendor?: number): string {
  try {
    return radius().attr_id_to_name(type, vendor) ?? (vendor ? `Vendor-${vendor}-Attr-${type}` : `Attr-${type}`);
  } catch {
    return `Attr-${type}`;
  }
}
