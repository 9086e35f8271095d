/**
 * TACACS+ packets (RFC 8907). Decoders check every length and return a
 * result; they never throw on network input.
 *
 * Header (4.1), 12 octets, never obfuscated:
 *   0 major(4 bits)=0xC | minor(4 bits)   1 type (1 authen, 2 author, 3 acct)
 *   2 seq_no (client odd, server even)    3 flags (0x01 unencrypted, 0x04 single-connect)
 *   4 session_id(4)                        8 length(4) of the body
 *
 * Body obfuscation (4.5): body XOR pseudo_pad, where
 *   pad = MD5(session_id | key | version | seq_no) | MD5(session_id | key | version | seq_no | previous) ...
 *
 * Authentication START (5.1): action, priv_lvl, authen_type, authen_service,
 *   user_len, port_len, rem_addr_len, data_len, then user, port, rem_addr, data.
 * Authentication REPLY (5.2): status, flags, server_msg_len(2), data_len(2), server_msg, data.
 * Authentication CONTINUE (5.3): user_msg_len(2), data_len(2), flags, user_msg, data.
 * Authorization REQUEST (6.1): authen_method, priv_lvl, authen_type, authen_service,
 *   user_len, port_len, rem_addr_len, arg_cnt, arg_len x arg_cnt, user, port, rem_addr, args.
 * Authorization REPLY (6.2): status, arg_cnt, server_msg_len(2), data_len(2),
 *   arg_len x arg_cnt, server_msg, data, args.
 * Accounting REQUEST (7.1): flags, authen_method, priv_lvl, authen_type, authen_service,
 *   user_len, port_len, rem_addr_len, arg_cnt, arg_len x arg_cnt, user, port, rem_addr, args.
 * Accounting REPLY (7.2): server_msg_len(2), data_len(2), status, server_msg, data.
 */
import { createHash } from 'node:crypto';

export const HEADER_LENGTH = 12;
/** A body larger than this is refused (RFC 8907 sets no limit; 64 KiB is far above any reply). */
export const MAX_BODY = 65536;

export const PacketType = { Authen: 1, Author: 2, Acct: 3 } as const;
export const Flags = { Unencrypted: 0x01, SingleConnect: 0x04 } as const;
export const AuthenAction = { Login: 1 } as const;
export const AuthenType = { Ascii: 1, Pap: 2, Chap: 3, MsChap: 5, MsChapV2: 6 } as const;
export const AuthenService = { None: 0, Login: 1, Ppp: 3 } as const;
export const AuthenStatus = { Pass: 1, Fail: 2, GetData: 3, GetUser: 4, GetPass: 5, Restart: 6, Error: 7, Follow: 0x21 } as const;
export const AuthorStatus = { PassAdd: 1, PassRepl: 2, Fail: 0x10, Error: 0x11, Follow: 0x21 } as const;
export const AcctFlags = { Start: 0x02, Stop: 0x04, Watchdog: 0x08 } as const;
export const AcctStatus = { Success: 1, Error: 2, Follow: 0x21 } as const;
/** authen_method for authorization/accounting: TACACS+ (0x06), local (0x05). */
export const AuthenMethod = { Local: 0x05, TacacsPlus: 0x06 } as const;

export interface Header {
  version: number;
  type: number;
  seq: number;
  flags: number;
  sessionId: number;
  length: number;
}

export function encodeHeader(h: Omit<Header, 'length'>, bodyLength: number): Buffer {
  const b = Buffer.alloc(HEADER_LENGTH);
  b[0] = h.version;
  b[1] = h.type;
  b[2] = h.seq;
  b[3] = h.flags;
  b.writeUInt32BE(h.sessionId >>> 0, 4);
  b.writeUInt32BE(bodyLength, 8);
  return b;
}

export type HeaderResult = { ok: true; header: Header } | { ok: false; reason: 'short' | 'bad-version' | 'oversized' };

export function decodeHeader(b: Buffer): HeaderResult {
  if (b.length < HEADER_LENGTH) return { ok: false, reason: 'short' };
  if (b[0]! >> 4 !== 0xc) return { ok: false, reason: 'bad-version' };
  const length = b.readUInt32BE(8);
  if (length > MAX_BODY) return { ok: false, reason: 'oversized' };
  return { ok: true, header: { version: b[0]!, type: b[1]!, seq: b[2]!, flags: b[3]!, sessionId: b.readUInt32BE(4), length } };
}

/** XOR with the MD5 pad (its own inverse). An empty key leaves the body as is (flag 0x01). */
export function obfuscate(body: Buffer, h: Pick<Header, 'sessionId' | 'version' | 'seq'>, key: string): Buffer {
  if (key === '') return Buffer.from(body);
  const out = Buffer.alloc(body.length);
  const sid = Buffer.alloc(4);
  sid.writeUInt32BE(h.sessionId >>> 0, 0);
  const fixed = Buffer.concat([sid, Buffer.from(key, 'utf8'), Buffer.from([h.version, h.seq])]);
  let prev: Buffer | undefined;
  for (let off = 0; off < body.length; off += 16) {
    const md = createHash('md5').update(fixed);
    if (prev) md.update(prev);
    prev = md.digest();
    for (let k = 0; k < 16 && off + k < body.length; k++) out[off + k] = body[off + k]! ^ prev[k]!;
  }
  return out;
}

function lenBytes(parts: Buffer[]): number[] {
  return parts.map((p) => p.length);
}

function checkShort(parts: Buffer[]): void {
  for (const p of parts) if (p.length > 255) throw new RangeError('TACACS+ field longer than 255 octets');
}

export interface AuthenStart {
  action: number;
  privLvl: number;
  authenType: number;
  service: number;
  user: Buffer;
  port: Buffer;
  remAddr: Buffer;
  data: Buffer;
}

export function encodeAuthenStart(s: AuthenStart): Buffer {
  checkShort([s.user, s.port, s.remAddr, s.data]);
  return Buffer.concat([
    Buffer.from([s.action, s.privLvl, s.authenType, s.service, ...lenBytes([s.user, s.port, s.remAddr, s.data])]),
    s.user,
    s.port,
    s.remAddr,
    s.data,
  ]);
}

export function decodeAuthenStart(b: Buffer): AuthenStart | undefined {
  if (b.length < 8) return undefined;
  const [ul, pl, rl, dl] = [b[4]!, b[5]!, b[6]!, b[7]!];
  if (8 + ul + pl + rl + dl !== b.length) return undefined;
  let o = 8;
  const take = (n: number) => b.subarray(o, (o += n));
  return { action: b[0]!, privLvl: b[1]!, authenType: b[2]!, service: b[3]!, user: take(ul), port: take(pl), remAddr: take(rl), data: take(dl) };
}

export interface AuthenReply {
  status: number;
  flags: number;
  serverMsg: Buffer;
  data: Buffer;
}

export function encodeAuthenReply(r: AuthenReply): Buffer {
  const h = Buffer.alloc(6);
  h[0] = r.status;
  h[1] = r.flags;
  h.writeUInt16BE(r.serverMsg.length, 2);
  h.writeUInt16BE(r.data.length, 4);
  return Buffer.concat([h, r.serverMsg, r.data]);
}

export function decodeAuthenReply(b: Buffer): AuthenReply | undefined {
  if (b.length < 6) return undefined;
  const ml = b.readUInt16BE(2);
  const dl = b.readUInt16BE(4);
  if (6 + ml + dl !== b.length) return undefined;
  return { status: b[0]!, flags: b[1]!, serverMsg: b.subarray(6, 6 + ml), data: b.subarray(6 + ml) };
}

export interface AuthenContinue {
  userMsg: Buffer;
  data: Buffer;
  flags: number;
}

/**
 * The body shape Authen CONTINUE and Acct REPLY share (RFC 8907 5.3, 7.2):
 *   0-1: length of A | 2-3: length of B | 4: one octet (flags / status) | A | B
 */
function encodeTwoFields(a: Buffer, b: Buffer, octet: number): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt16BE(a.length, 0);
  h.writeUInt16BE(b.length, 2);
  h[4] = octet;
  return Buffer.concat([h, a, b]);
}

function decodeTwoFields(buf: Buffer): { a: Buffer; b: Buffer; octet: number } | undefined {
  if (buf.length < 5) return undefined;
  const al = buf.readUInt16BE(0);
  const bl = buf.readUInt16BE(2);
  if (5 + al + bl !== buf.length) return undefined;
  return { octet: buf[4]!, a: buf.subarray(5, 5 + al), b: buf.subarray(5 + al) };
}

export function encodeAuthenContinue(c: AuthenContinue): Buffer {
  return encodeTwoFields(c.userMsg, c.data, c.flags);
}

export function decodeAuthenContinue(b: Buffer): AuthenContinue | undefined {
  const f = decodeTwoFields(b);
  return f && { flags: f.octet, userMsg: f.a, data: f.b };
}

/** Fields shared by authorization and accounting requests. */
export interface ArgRequest {
  authenMethod: number;
  privLvl: number;
  authenType: number;
  service: number;
  user: Buffer;
  port: Buffer;
  remAddr: Buffer;
  args: string[];
}

function encodeArgRequest(prefix: number[], r: ArgRequest): Buffer {
  const args = r.args.map((a) => Buffer.from(a, 'utf8'));
  checkShort([r.user, r.port, r.remAddr, ...args]);
  if (args.length > 255) throw new RangeError('too many TACACS+ arguments');
  return Buffer.concat([
    Buffer.from([
      ...prefix,
      r.authenMethod,
      r.privLvl,
      r.authenType,
      r.service,
      r.user.length,
      r.port.length,
      r.remAddr.length,
      args.length,
      ...lenBytes(args),
    ]),
    r.user,
    r.port,
    r.remAddr,
    ...args,
  ]);
}

function decodeArgRequest(b: Buffer, prefixLen: number): ArgRequest | undefined {
  if (b.length < prefixLen + 8) return undefined;
  const p = prefixLen;
  const [ul, pl, rl, n] = [b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!];
  if (b.length < p + 8 + n) return undefined;
  const argLens = Array.from(b.subarray(p + 8, p + 8 + n));
  const total = p + 8 + n + ul + pl + rl + argLens.reduce((a, x) => a + x, 0);
  if (total !== b.length) return undefined;
  let o = p + 8 + n;
  const take = (k: number) => b.subarray(o, (o += k));
  const user = take(ul);
  const port = take(pl);
  const remAddr = take(rl);
  const args = argLens.map((k) => take(k).toString('utf8'));
  return { authenMethod: b[p]!, privLvl: b[p + 1]!, authenType: b[p + 2]!, service: b[p + 3]!, user, port, remAddr, args };
}

export function encodeAuthorRequest(r: ArgRequest): Buffer {
  return encodeArgRequest([], r);
}

export function decodeAuthorRequest(b: Buffer): ArgRequest | undefined {
  return decodeArgRequest(b, 0);
}

export interface AuthorReply {
  status: number;
  args: string[];
  serverMsg: Buffer;
  data: Buffer;
}

export function encodeAuthorReply(r: AuthorReply): Buffer {
  const args = r.args.map((a) => Buffer.from(a, 'utf8'));
  checkShort(args);
  const h = Buffer.alloc(6);
  h[0] = r.status;
  h[1] = args.length;
  h.writeUInt16BE(r.serverMsg.length, 2);
  h.writeUInt16BE(r.data.length, 4);
  return Buffer.concat([h, Buffer.from(lenBytes(args)), r.serverMsg, r.data, ...args]);
}

export function decodeAuthorReply(b: Buffer): AuthorReply | undefined {
  if (b.length < 6) return undefined;
  const n = b[1]!;
  const ml = b.readUInt16BE(2);
  const dl = b.readUInt16BE(4);
  if (b.length < 6 + n) return undefined;
  const argLens = Array.from(b.subarray(6, 6 + n));
  if (6 + n + ml + dl + argLens.reduce((a, x) => a + x, 0) !== b.length) return undefined;
  let o = 6 + n;
  const take = (k: number) => b.subarray(o, (o += k));
  const serverMsg = take(ml);
  const data = take(dl);
  const args = argLens.map((k) => take(k).toString('utf8'));
  return { status: b[0]!, args, serverMsg, data };
}

export interface AcctRequest extends ArgRequest {
  flags: number;
}

export function encodeAcctRequest(r: AcctRequest): Buffer {
  return encodeArgRequest([r.flags], r);
}

export function decodeAcctRequest(b: Buffer): AcctRequest | undefined {
  if (b.length < 1) return undefined;
  const r = decodeArgRequest(b, 1);
  return r ? { ...r, flags: b[0]! } : undefined;
}

export interface AcctReply {
  status: number;
  serverMsg: Buffer;
  data: Buffer;
}

export function encodeAcctReply(r: AcctReply): Buffer {
  return encodeTwoFields(r.serverMsg, r.data, r.status);
}

export function decodeAcctReply(b: Buffer): AcctReply | undefined {
  const f = decodeTwoFields(b);
  return f && { status: f.octet, serverMsg: f.a, data: f.b };
}

/** Splits a byte stream into whole packets (header + body); extra bytes wait for more. */
export class PacketReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Whole packets so far, or an error that means the stream is unusable. */
  push(chunk: Buffer): { packets: { header: Header; body: Buffer }[]; error?: string } {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const packets: { header: Header; body: Buffer }[] = [];
    for (;;) {
      if (this.buf.length < HEADER_LENGTH) return { packets };
      const h = decodeHeader(this.buf);
      if (!h.ok) return { packets, error: h.reason };
      const total = HEADER_LENGTH + h.header.length;
      if (this.buf.length < total) return { packets };
      packets.push({ header: h.header, body: Buffer.from(this.buf.subarray(HEADER_LENGTH, total)) });
      this.buf = this.buf.subarray(total);
    }
  }
}

/** `name=value` (mandatory) or `name*value` (optional) arguments. */
export function parseArg(a: string): { name: string; value: string; optional: boolean } | undefined {
  const i = a.search(/[=*]/);
  if (i <= 0) return undefined;
  return { name: a.slice(0, i), value: a.slice(i + 1), optional: a[i] === '*' };
}
