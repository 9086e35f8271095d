/**
 * The Authenticate phase of one PPP link (RFC 1661 section 3.5), between
 * LCP up and the Network phase: runs the PAP or CHAP engine LCP agreed
 * (auth/), its timeout, the server's last word on the backend's answer
 * (MPPE keys), and for a Windows-like client the CBCP "no callback"
 * exchange (cbcp.ts) that follows when LCP agreed Callback operation 6.
 * It keeps what authentication settled: the user, the protocol, the
 * backend's answer and the MPPE master keys. session.ts owns the phases
 * and hands this the PAP, CHAP and CBCP packets.
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { AuthProtocol } from '../../config/model.js';
import type { Authenticator, MppeMasterKeys } from '../authenticator.js';
import { PPP_PROTO, decodeCp, pppProtocolName } from './frame.js';
import { cbcpClientStep } from './cbcp.js';
import type { AuthContext, AuthEngine, AuthFailureKind, AuthOutcome, AuthSuccess } from './auth/common.js';
import { PapClient, PapServer } from './auth/pap.js';
import { ChapClient, ChapServer } from './auth/chap.js';
import { CHAP_DIGESTS } from './auth/digests.js';
import type { PppDebugLink, PppDebugSink } from './debug-events.js';
import type { PppSessionOptions } from './session-api.js';

/** What the authentication phase asks of the session that owns it. */
export interface AuthPhaseLink {
  /** the session is in the Authenticate phase still (the timeout only ends that) */
  authenticating(): boolean;
  /** the session has ended: a late answer is ignored */
  ended(): boolean;
  /** one packet of an auth protocol or CBCP: code, id, data (the session frames it) */
  sendCp(protocol: number, code: number, id: number, data: Buffer): void;
  /** an encoded CBCP packet */
  sendFrame(protocol: number, payload: Buffer): void;
  drop(reason: string, detail: string): void;
  count(reason: string): void;
  close(reason: string): void;
  /** authenticated (and CBCP done): go on to the Network phase */
  authenticated(): void;
}

/**
 * What the PAP or CHAP engine is given: one object whose callbacks are
 * prototype methods into the phase (not four closures per session).
 */
class PhaseAuthContext implements AuthContext {
  readonly role: 'server' | 'client';
  readonly clock: Clock;
  readonly authenticator: Authenticator | undefined;
  readonly credentials: { username: string; password: string } | undefined;
  readonly localName: string | undefined;

  constructor(
    private readonly phase: PppAuthPhase,
    private readonly wire: number,
    opts: PppSessionOptions,
    readonly debug: PppDebugSink,
    readonly debugLink: PppDebugLink,
    readonly random: (n: number) => Buffer,
  ) {
    this.role = opts.role;
    this.clock = opts.clock;
    this.authenticator = opts.authenticator;
    this.credentials = opts.credentials;
    this.localName = opts.chapName;
  }

  send(code: number, id: number, data: Buffer): void {
    this.phase.sendAuth(this.wire, code, id, data);
  }
  review(result: AuthSuccess, protocol: AuthProtocol): AuthFailureKind | undefined {
    return this.phase.review(result, protocol);
  }
  finished(outcome: AuthOutcome): void {
    this.phase.finished(outcome);
  }
  malformed(what: string): void {
    this.phase.malformed(what);
  }
}

export class PppAuthPhase {
  private engine: AuthEngine | undefined;
  private timer: Timer | undefined;
  /** client: LCP agreed Callback operation 6, so CBCP runs between authentication and the network phase */
  private cbcp: { answeredId?: number; done: boolean; timer?: Timer } | undefined;
  private agreed: AuthProtocol | undefined;
  private user: string | undefined;
  private backendAnswer: AuthSuccess | undefined;
  private keys: MppeMasterKeys | undefined;

  constructor(
    private readonly opts: PppSessionOptions,
    private readonly link: AuthPhaseLink,
    private readonly debug: PppDebugSink,
    private readonly debugLink: PppDebugLink,
    private readonly random: (n: number) => Buffer,
    /** LCP agreed Callback operation 6 (either way) */
    private readonly callbackAgreed: () => boolean,
  ) {}

  /** The protocol LCP agreed; undefined before (or when none was). */
  get protocol(): AuthProtocol | undefined {
    return this.agreed;
  }

  /** The authenticated peer's name; undefined before. */
  get username(): string | undefined {
    return this.user;
  }

  /** server: what the backend returned (Session-Timeout, Class, framed IP ...) */
  get result(): AuthSuccess | undefined {
    return this.backendAnswer;
  }

  get mppeKeys(): MppeMasterKeys | undefined {
    return this.keys;
  }

  /** The client waits for the server's CBCP Request. */
  get expectsCbcp(): boolean {
    return this.cbcp !== undefined;
  }

  /** LCP is up with `protocol` agreed: start the engine of our role. */
  start(protocol: AuthProtocol): void {
    this.agreed = protocol;
    const ctx = this.context(protocol);
    if (this.opts.role === 'server') {
      this.engine = protocol === 'pap' ? new PapServer(ctx) : new ChapServer(ctx, CHAP_DIGESTS[protocol]);
    } else {
      this.engine = protocol === 'pap' ? new PapClient(ctx) : new ChapClient(ctx, CHAP_DIGESTS[protocol]);
    }
    this.timer = this.opts.clock.setTimer(this.opts.authTimeoutMs ?? 30_000, () => {
      this.timer = undefined;
      if (this.link.authenticating()) this.link.close('authentication timeout');
    });
    this.engine.start();
  }

  /** A PAP or CHAP packet; `inPhase`: the session is in a phase that takes one. */
  input(protocol: number, payload: Buffer, inPhase: boolean): void {
    if (!inPhase || !this.engine || protocol !== (this.agreed === 'pap' ? PPP_PROTO.PAP : PPP_PROTO.CHAP)) {
      return this.link.drop('unexpected authentication packet', pppProtocolName(protocol));
    }
    const cp = decodeCp(payload);
    if (!cp.ok) return this.link.drop(`bad ${pppProtocolName(protocol)} packet`, cp.error);
    this.engine.input(cp.value.code, cp.value.id, cp.value.data);
  }

  /** Client CBCP (cbcp.ts): answer "no callback", go on to the network phase on the Ack. */
  inputCbcp(payload: Buffer): void {
    const cbcp = this.cbcp!;
    const cp = decodeCp(payload);
    if (!cp.ok) return this.link.drop('bad CBCP packet', cp.error);
    const { code, id, data } = cp.value;
    if (this.debug.on('ppp negotiation')) this.debug.emit(this.debugLink, { kind: 'cbcp', dir: 'I', code, id, length: data.length + 4 });
    const step = cbcpClientStep(code, id, data, cbcp.answeredId);
    switch (step.action) {
      case 'respond':
        // A retransmitted Request after the Ack (our Response lost on the way back) is answered again.
        if (!step.offeredNoCallback) this.link.count('CBCP: server offered no "no callback"');
        cbcp.answeredId = id;
        if (this.debug.on('ppp negotiation')) this.debug.emit(this.debugLink, { kind: 'cbcp', dir: 'O', code: step.packet[0]!, id, length: step.packet.length });
        this.link.sendFrame(PPP_PROTO.CBCP, step.packet);
        return;
      case 'done':
        if (cbcp.done) return;
        cbcp.done = true;
        cbcp.timer?.cancel();
        cbcp.timer = undefined;
        this.link.authenticated();
        return;
      case 'ignore':
        return this.link.drop('CBCP packet ignored', step.why);
    }
  }

  /** The link is going down: no more timers or answers from the backend. */
  stop(): void {
    this.cbcp?.timer?.cancel();
    if (this.cbcp) this.cbcp.timer = undefined;
    this.engine?.dispose();
    this.timer?.cancel();
    this.timer = undefined;
  }

  private context(protocol: AuthProtocol): AuthContext {
    return new PhaseAuthContext(this, protocol === 'pap' ? PPP_PROTO.PAP : PPP_PROTO.CHAP, this.opts, this.debug, this.debugLink, this.random);
  }

  /** @internal PhaseAuthContext: one packet of the auth protocol out. */
  sendAuth(wire: number, code: number, id: number, data: Buffer): void {
    this.link.sendCp(wire, code, id, data);
  }

  /** @internal PhaseAuthContext */
  malformed(what: string): void {
    this.link.drop('bad authentication packet', what);
  }

  /** MPPE required with MS-CHAP but the backend gave no keys: refuse (PIX 403110, Windows 691). */
  /** @internal PhaseAuthContext */
  review(result: AuthSuccess, p: AuthProtocol): AuthFailureKind | undefined {
    const m = this.opts.group.mppe;
    if (m?.required && (p === 'mschap' || p === 'mschap-v2') && !result.mppe) return 'no-mppe-keys';
    return undefined;
  }

  /** @internal PhaseAuthContext */
  finished(o: AuthOutcome): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.link.ended()) return;
    if (!o.ok) {
      if (o.kind === 'no-mppe-keys') this.debug.emit(this.debugLink, { kind: 'missing-mppe-key', username: o.username ?? '' });
      this.link.close(`authentication failed (${o.kind})`);
      return;
    }
    this.user = o.username;
    if (o.result) {
      this.backendAnswer = o.result;
      this.keys = o.result.mppe;
    } else {
      this.keys = o.mppe;
    }
    if (this.opts.role === 'client' && this.callbackAgreed()) {
      // The server runs CBCP next (Windows/RRAS, capture frames 293-295).
      const timer = this.opts.clock.setTimer(this.opts.authTimeoutMs ?? 30_000, () => {
        if (this.cbcp) this.cbcp.timer = undefined;
        if (!this.cbcp?.done) this.link.close('callback negotiation timeout');
      });
      this.cbcp = { done: false, timer };
      return;
    }
    this.link.authenticated();
  }
}
