/**
 * RFC 5176 Dynamic Authorization: Disconnect-Request and CoA-Request from
 * the group's RADIUS servers, so a central RADIUS can end or change sessions
 * on many concentrators.
 *
 * A request counts only when it comes from a configured server address and
 * its Request Authenticator (and Message-Authenticator, if any) verifies
 * with that server's key; anything else is dropped silently and counted.
 * Sessions are named by Acct-Session-Id, User-Name, Framed-IP-Address and/or
 * Calling-Station-Id (all given must match); the server supplies the lookup
 * and the actions through callbacks. Answers: Disconnect-ACK/NAK and
 * CoA-ACK/NAK with Error-Cause. A retransmitted request gets the same answer
 * again without acting twice.
 *
 * `DynAuthEngine.handle()` is the socket-free engine; `DynAuthServer` binds
 * it to a UDP port (default 3799).
 */
import type { Clock } from '../../util/clock.js';
import {
  attribute,
  codeName,
  decodePacket,
  encodeResponse,
  integerAttribute,
  ipAttribute,
  verifyZeroAuthRequest,
  type AttrSpec,
  type RadiusPacket,
} from './codec.js';
import type { RadiusDebugSink } from './debug-events.js';
import { Attr, Code, ErrorCause } from './dictionary.js';
import type { UdpPeer, UdpSocket, UdpStack } from './udp.js';

export const DYNAUTH_DEFAULT_PORT = 3799;

export interface DynAuthClient {
  address: string;
  secret: string;
}

export interface DynAuthQuery {
  acctSessionId?: string;
  userName?: string;
  framedIp?: string;
  callingStationId?: string;
}

export interface SessionChange {
  sessionTimeout?: number;
  idleTimeout?: number;
}

export interface DynAuthCallbacks<H> {
  /** Sessions matching every field given in the query. */
  findSessions(q: DynAuthQuery): H[];
  /** End the session (CDN, accounting Stop with Admin-Reset); false if it cannot be removed. */
  disconnect(handle: H, cause: 'Admin-Reset'): boolean;
  /** Apply a CoA; false (or absent) if this change cannot be made. */
  changeSession?(handle: H, change: SessionChange): boolean;
}

export interface DynAuthOptions<H> {
  clients: readonly DynAuthClient[];
  callbacks: DynAuthCallbacks<H>;
  clock: Clock;
  /** `debug radius` events (src/debug/cisco-radius.ts makes the lines) */
  debug: RadiusDebugSink;
  /** Our NAS-IP-Address / NAS-Identifier: a request naming another NAS gets NAK 403. */
  nasIp?: string;
  nasIdentifier?: string;
}

export interface DynAuthStats {
  disconnectRequests: number;
  disconnectAcks: number;
  disconnectNaks: number;
  coaRequests: number;
  coaAcks: number;
  coaNaks: number;
  /** From an address that is not a configured server. */
  unknownClient: number;
  badAuthenticators: number;
  malformed: number;
  /** Codes other than Disconnect-/CoA-Request. */
  unrecognized: number;
  duplicates: number;
}

const IDENTIFYING = new Set<number>([Attr.UserName, Attr.AcctSessionId, Attr.FramedIpAddress, Attr.CallingStationId]);
const ALWAYS_ALLOWED = new Set<number>([
  Attr.NasIpAddress,
  Attr.NasIdentifier,
  Attr.MessageAuthenticator,
  Attr.EventTimestamp,
  Attr.ProxyState,
  Attr.AcctTerminateCause,
  Attr.ReplyMessage,
  Attr.State,
  Attr.Class,
  Attr.NasPort,
  Attr.NasPortType,
]);
const COA_CHANGES = new Set<number>([Attr.SessionTimeout, Attr.IdleTimeout]);
/** How long an answer is kept for retransmitted requests. */
const DUPLICATE_WINDOW_MS = 30_000;

export class DynAuthEngine<H> {
  private clients: readonly DynAuthClient[];
  private readonly answered = new Map<string, { auth: string; reply: Buffer; at: number }>();
  private readonly s: DynAuthStats = {
    disconnectRequests: 0,
    disconnectAcks: 0,
    disconnectNaks: 0,
    coaRequests: 0,
    coaAcks: 0,
    coaNaks: 0,
    unknownClient: 0,
    badAuthenticators: 0,
    malformed: 0,
    unrecognized: 0,
    duplicates: 0,
  };

  constructor(private readonly options: DynAuthOptions<H>) {
    this.clients = options.clients;
  }

  /** Hot reconfiguration of the allowed servers and keys. */
  setClients(clients: readonly DynAuthClient[]): void {
    this.clients = clients;
  }

  stats(): DynAuthStats {
    return { ...this.s };
  }

  /** One datagram in; the answer to send back, if any. */
  handle(data: Buffer, from: UdpPeer): Buffer | undefined {
    const client = this.clients.find((c) => c.address === from.address);
    if (!client) {
      this.s.unknownClient++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'dynauth-unknown-client', from });
      return undefined;
    }
    const dec = decodePacket(data);
    if (!dec.ok) {
      this.s.malformed++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'dynauth-malformed', from, reason: dec.reason });
      return undefined;
    }
    const req = dec.packet;
    if (req.code !== Code.DisconnectRequest && req.code !== Code.CoaRequest) {
      this.s.unrecognized++;
      return undefined;
    }
    const v = verifyZeroAuthRequest(req, client.secret);
    if (v !== 'ok') {
      this.s.badAuthenticators++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'dynauth-unverified', from, packet: req, problem: v });
      return undefined;
    }
    this.expire();
    const key = `${from.address}:${from.port}/${req.identifier}`;
    const auth = req.authenticator.toString('hex');
    const prev = this.answered.get(key);
    if (prev && prev.auth === auth) {
      this.s.duplicates++;
      return prev.reply;
    }
    if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'dynauth-received', from, packet: req });
    const isDisconnect = req.code === Code.DisconnectRequest;
    if (isDisconnect) this.s.disconnectRequests++;
    else this.s.coaRequests++;
    const verdict = isDisconnect ? this.disconnect(req) : this.coa(req);
    const code = verdict === 'ack' ? (isDisconnect ? Code.DisconnectAck : Code.CoaAck) : isDisconnect ? Code.DisconnectNak : Code.CoaNak;
    const attrs: AttrSpec[] = verdict === 'ack' ? [] : [['Error-Cause', verdict]];
    const e = encodeResponse(code, req, client.secret, attrs);
    if (!e.ok) return undefined;
    if (code === Code.DisconnectAck) this.s.disconnectAcks++;
    else if (code === Code.DisconnectNak) this.s.disconnectNaks++;
    else if (code === Code.CoaAck) this.s.coaAcks++;
    else this.s.coaNaks++;
    this.answered.set(key, { auth, reply: e.packet, at: this.options.clock.now() });
    if (this.options.debug.on('radius')) {
      this.options.debug.emit({ kind: 'dynauth-sent', to: from, code, identifier: req.identifier, errorCause: verdict === 'ack' ? undefined : verdict });
    }
    return e.packet;
  }

  private expire(): void {
    const now = this.options.clock.now();
    for (const [k, v] of this.answered) if (now - v.at > DUPLICATE_WINDOW_MS) this.answered.delete(k);
  }

  /** Error-Cause for a request that does not name us, or is missing an identifier. */
  private check(req: RadiusPacket, allowed: ReadonlySet<number>): number | DynAuthQuery {
    for (const a of req.attributes) {
      if (!IDENTIFYING.has(a.type) && !ALWAYS_ALLOWED.has(a.type) && !allowed.has(a.type)) return ErrorCause.UnsupportedAttribute;
    }
    const nasIp = ipAttribute(req, Attr.NasIpAddress);
    if (nasIp && this.options.nasIp && nasIp !== this.options.nasIp) return ErrorCause.NasIdentificationMismatch;
    const nasId = attribute(req, Attr.NasIdentifier)?.toString('utf8');
    if (nasId && this.options.nasIdentifier && nasId !== this.options.nasIdentifier) return ErrorCause.NasIdentificationMismatch;
    const q: DynAuthQuery = {};
    const sid = attribute(req, Attr.AcctSessionId);
    if (sid) q.acctSessionId = sid.toString('utf8');
    const user = attribute(req, Attr.UserName);
    if (user) q.userName = user.toString('utf8');
    const ip = ipAttribute(req, Attr.FramedIpAddress);
    if (ip) q.framedIp = ip;
    const csid = attribute(req, Attr.CallingStationId);
    if (csid) q.callingStationId = csid.toString('utf8');
    if (Object.keys(q).length === 0) return ErrorCause.MissingAttribute;
    return q;
  }

  private disconnect(req: RadiusPacket): 'ack' | number {
    const q = this.check(req, new Set());
    if (typeof q === 'number') return q;
    const found = this.options.callbacks.findSessions(q);
    if (found.length === 0) return ErrorCause.SessionContextNotFound;
    let ok = true;
    for (const h of found) if (!this.options.callbacks.disconnect(h, 'Admin-Reset')) ok = false;
    return ok ? 'ack' : ErrorCause.SessionContextNotRemovable;
  }

  private coa(req: RadiusPacket): 'ack' | number {
    // RFC 5176 3.2: Service-Type Authorize-Only asks for a new Access-Request; we do not do that.
    if (integerAttribute(req, Attr.ServiceType) !== undefined) return ErrorCause.UnsupportedService;
    const q = this.check(req, COA_CHANGES);
    if (typeof q === 'number') return q;
    const change: SessionChange = {};
    const st = integerAttribute(req, Attr.SessionTimeout);
    if (st !== undefined) change.sessionTimeout = st;
    const it = integerAttribute(req, Attr.IdleTimeout);
    if (it !== undefined) change.idleTimeout = it;
    if (Object.keys(change).length === 0) return ErrorCause.InvalidRequest;
    const found = this.options.callbacks.findSessions(q);
    if (found.length === 0) return ErrorCause.SessionContextNotFound;
    const apply = this.options.callbacks.changeSession;
    if (!apply) return ErrorCause.UnsupportedService;
    let ok = true;
    for (const h of found) if (!apply(h, change)) ok = false;
    return ok ? 'ack' : ErrorCause.ResourcesUnavailable;
  }
}

/** The engine on a UDP socket. */
export class DynAuthServer<H> {
  private constructor(
    readonly engine: DynAuthEngine<H>,
    private readonly sock: UdpSocket,
  ) {}

  get port(): number {
    return this.sock.port;
  }

  static async listen<H>(
    opts: DynAuthOptions<H> & { udp: UdpStack; bindAddress?: string; port?: number },
  ): Promise<DynAuthServer<H>> {
    const engine = new DynAuthEngine(opts);
    let sock: UdpSocket | undefined = undefined;
    sock = await opts.udp.bind({ address: opts.bindAddress, port: opts.port ?? DYNAUTH_DEFAULT_PORT }, (data, from) => {
      const reply = engine.handle(data, from);
      if (reply && sock) sock.send(reply, from.port, from.address);
    });
    return new DynAuthServer(engine, sock);
  }

  stats(): DynAuthStats {
    return this.engine.stats();
  }

  close(): void {
    this.sock.close();
  }
}
