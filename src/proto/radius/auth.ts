/**
 * PPP authentication through RADIUS: every AuthRequest method becomes an
 * Access-Request (RFC 2865 PAP/CHAP, RFC 2548 MS-CHAP v1/v2), and the reply
 * becomes an AuthResult: MS-CHAP2-Success's `S=`, MPPE keys from
 * MS-MPPE-Send/Recv-Key or MS-CHAP-MPPE-Keys, Framed-IP-Address,
 * Session-Timeout, Idle-Timeout and Class; MS-CHAP-Error passed through.
 */
import { authenOutcome, type AaaDebugSink } from '../aaa/debug-events.js';
import type { AuthRequest, AuthResult, MppeMasterKeys } from '../authenticator.js';
import {
  decryptMppeKeyAttribute,
  decryptMsChapMppeKeys,
  mppeKeysFromMsChapMppeKeys,
  mppeKeysFromSendRecv,
} from '../crypto/radius-keys.js';
import type { RadiusClient, RadiusServerConfig } from './client.js';
import {
  attribute,
  encodeAccessRequest,
  hideUserPassword,
  integerAttribute,
  ipAttribute,
  newRequestAuthenticator,
  vendorAttribute,
  type AttrSpec,
  type RadiusPacket,
} from './codec.js';
import { Attr, Code, MsAttr, VENDOR_MICROSOFT } from './dictionary.js';

/** What the PPTP/PPP layer knows about the call, beyond what the peer sent. */
export interface AuthContext {
  /** The client's public address (Calling-Station-Id). */
  callingStationId?: string;
  /** Accounting session id of this call (also sent in Access-Request). */
  acctSessionId?: string;
  /** PPP virtual interface number (NAS-Port). */
  nasPort?: number;
}

export interface RadiusAuthOptions {
  client: RadiusClient;
  debug: AaaDebugSink;
  /** NAS-IP-Address: our address on the interface facing the servers. */
  nasIp?: string;
  /** NAS-Identifier (the hostname), when set. */
  nasIdentifier?: string;
  /** Group tag, for debug lines. */
  group: string;
}

const MS = (name: string, value: Buffer): AttrSpec => ['Vendor-Specific', VENDOR_MICROSOFT, name, value];

function methodAttributes(req: AuthRequest, server: RadiusServerConfig, authenticator: Buffer): AttrSpec[] {
  switch (req.method) {
    case 'pap':
      return [[Attr.UserPassword, hideUserPassword(Buffer.from(req.password, 'utf8'), server.secret, authenticator)]];
    case 'chap':
      // RFC 2865 5.3: CHAP Ident + 16-octet response; the challenge goes in CHAP-Challenge.
      return [
        [Attr.ChapPassword, Buffer.concat([Buffer.from([req.id & 0xff]), req.response])],
        [Attr.ChapChallenge, Buffer.from(req.challenge)],
      ];
    case 'mschap': {
      // RFC 2548 2.1.3 MS-CHAP-Response: Ident(1) Flags(1) LM-Response(24) NT-Response(24); Flags 1 = use NT-Response
      const v = Buffer.alloc(50);
      v[0] = 0;
      v[1] = 1;
      if (req.lmResponse && req.lmResponse.length === 24) req.lmResponse.copy(v, 2);
      req.ntResponse.copy(v, 26, 0, 24);
      return [MS('MS-CHAP-Challenge', Buffer.from(req.challenge)), MS('MS-CHAP-Response', v)];
    }
    case 'mschap-v2': {
      // RFC 2548 2.3.2 MS-CHAP2-Response: Ident(1) Flags(1)=0 Peer-Challenge(16) Reserved(8) Response(24)
      const v = Buffer.alloc(50);
      req.peerChallenge.copy(v, 2, 0, 16);
      req.ntResponse.copy(v, 26, 0, 24);
      return [MS('MS-CHAP-Challenge', Buffer.from(req.authChallenge)), MS('MS-CHAP2-Response', v)];
    }
  }
}

function ms(p: RadiusPacket, type: number): Buffer | undefined {
  return vendorAttribute(p, VENDOR_MICROSOFT, type);
}

/** Text after the Ident octet of MS-CHAP-Error / MS-CHAP2-Success. */
function identText(v: Buffer | undefined): string | undefined {
  if (!v || v.length < 2) return undefined;
  return v.subarray(1).toString('latin1');
}

export type MppeFromReply = { keys?: MppeMasterKeys; problem?: string };

/** MPPE keys of an Access-Accept; a present but undecodable key attribute is a problem, not a key. */
export function mppeKeysFromAccept(req: AuthRequest, reply: RadiusPacket, secret: string, requestAuthenticator: Buffer): MppeFromReply {
  const send = ms(reply, MsAttr.MppeSendKey);
  const recv = ms(reply, MsAttr.MppeRecvKey);
  if (send && recv) {
    const s = decryptMppeKeyAttribute(send, secret, requestAuthenticator);
    const r = decryptMppeKeyAttribute(recv, secret, requestAuthenticator);
    if (!s.ok) return { problem: `MS-MPPE-Send-Key ${s.reason}` };
    if (!r.ok) return { problem: `MS-MPPE-Recv-Key ${r.reason}` };
    const keys = mppeKeysFromSendRecv(s.key, r.key);
    return keys ? { keys } : { problem: 'MS-MPPE keys shorter than 16 octets' };
  }
  const v1 = ms(reply, MsAttr.ChapMppeKeys);
  if (v1 && req.method === 'mschap') {
    const d = decryptMsChapMppeKeys(v1, secret, requestAuthenticator);
    if (!d.ok) return { problem: `MS-CHAP-MPPE-Keys ${d.reason}` };
    return { keys: mppeKeysFromMsChapMppeKeys(d.ntKey, req.challenge) };
  }
  return {};
}

export class RadiusAuthenticator {
  constructor(private readonly options: RadiusAuthOptions) {}

  async authenticate(req: AuthRequest, ctx: AuthContext = {}): Promise<AuthResult> {
    const d = this.options.debug;
    if (d.on('aaa authentication')) d.emit({ kind: 'authen-start', protocol: 'radius', user: req.username, method: req.method, group: this.options.group });
    const outcome = await this.options.client.request({
      kind: 'auth',
      user: req.username,
      encode: (server, identifier) => {
        const authenticator = newRequestAuthenticator();
        const attrs: AttrSpec[] = [['User-Name', req.username], ...methodAttributes(req, server, authenticator), ...this.nasAttributes(ctx)];
        const e = encodeAccessRequest(identifier, authenticator, server.secret, attrs, true);
        return e.ok ? { packet: e.packet, authenticator } : undefined;
      },
    });
    let result: AuthResult;
    if (!outcome.ok) {
      // unanswered: no server answered (none to ask, or each timed out); not on close or a full id space
      const unanswered = outcome.unanswered ? { unanswered: outcome.unanswered } : {};
      result = outcome.reason === 'encode' ? { ok: false, reason: 'unsupported' } : { ok: false, reason: 'unreachable', ...unanswered };
    } else {
      result = this.interpret(req, outcome.response, outcome.server.secret, outcome.requestAuthenticator);
    }
    if (d.on('aaa authentication')) d.emit({ kind: 'authen-result', user: req.username, outcome: authenOutcome(result) });
    return result;
  }

  private nasAttributes(ctx: AuthContext): AttrSpec[] {
    const a: AttrSpec[] = [];
    if (this.options.nasIp) a.push(['NAS-IP-Address', this.options.nasIp]);
    if (this.options.nasIdentifier) a.push(['NAS-Identifier', this.options.nasIdentifier]);
    if (ctx.nasPort !== undefined) a.push(['NAS-Port', ctx.nasPort]);
    a.push(['NAS-Port-Type', 'Virtual'], ['Service-Type', 'Framed-User'], ['Framed-Protocol', 'PPP']);
    if (ctx.callingStationId) a.push(['Calling-Station-Id', ctx.callingStationId]);
    if (ctx.acctSessionId) a.push(['Acct-Session-Id', ctx.acctSessionId]);
    return a;
  }

  private interpret(req: AuthRequest, reply: RadiusPacket, secret: string, requestAuthenticator: Buffer): AuthResult {
    if (reply.code !== Code.AccessAccept) {
      // Access-Challenge has no place in PPP authentication: a refusal.
      const err = identText(ms(reply, MsAttr.ChapError));
      const text = err ?? attribute(reply, Attr.ReplyMessage)?.toString('utf8');
      return text !== undefined ? { ok: false, reason: 'denied', message: text } : { ok: false, reason: 'denied' };
    }
    const result: AuthResult & { ok: true } = { ok: true, username: req.username };
    if (req.method === 'mschap-v2') {
      const s = identText(ms(reply, MsAttr.Chap2Success));
      if (!s || !/^S=[0-9A-Fa-f]{40}/.test(s)) {
        // RFC 2759: without the authenticator response the peer would hang up; treat as a refusal.
        if (this.options.debug.on('aaa authentication')) this.options.debug.emit({ kind: 'accept-without-chap2-success', user: req.username });
        return { ok: false, reason: 'denied', message: 'E=691 R=0 V=3' };
      }
      result.authenticatorResponse = `S=${s.slice(2, 42).toUpperCase()}`;
    }
    if (req.method === 'mschap' || req.method === 'mschap-v2') {
      const m = mppeKeysFromAccept(req, reply, secret, requestAuthenticator);
      if (m.keys) result.mppe = m.keys;
      else if (m.problem && this.options.debug.on('aaa authentication')) {
        this.options.debug.emit({ kind: 'mppe-keys-ignored', user: req.username, problem: m.problem });
      }
    }
    const ip = ipAttribute(reply, Attr.FramedIpAddress);
    // 255.255.255.255 = "let the user choose", 255.255.255.254 = "NAS chooses" (RFC 2865 5.8): both mean the pool.
    // Any other address, 0.0.0.0 included, is the server's to accept or refuse (src/server/address-check.ts).
    if (ip && ip !== '255.255.255.255' && ip !== '255.255.255.254') result.framedIp = ip;
    const pool = attribute(reply, Attr.FramedPool);
    if (pool && pool.length > 0) result.framedPool = pool.toString('utf8');
    const interim = integerAttribute(reply, Attr.AcctInterimInterval);
    if (interim !== undefined && interim > 0) result.acctInterimInterval = interim;
    const st = integerAttribute(reply, Attr.SessionTimeout);
    if (st !== undefined) result.sessionTimeout = st;
    const it = integerAttribute(reply, Attr.IdleTimeout);
    if (it !== undefined) result.idleTimeout = it;
    const cls = attribute(reply, Attr.Class);
    if (cls) result.class = Buffer.from(cls);
    return result;
  }
}
