/**
 * What PAP and CHAP share: the context the session hands them, the outcome
 * they report, and the events behind `debug ppp uauth` / `authentication`
 * and syslog 603102-603103.
 */
import type { Clock } from '../../../util/clock.js';
import type { AuthProtocol } from '../../../config/model.js';
import type { AuthResult, Authenticator, MppeMasterKeys } from '../../authenticator.js';
import type { PppDebugLink, PppDebugSink } from '../debug-events.js';

export type AuthSuccess = Extract<AuthResult, { ok: true }>;

/** Why authentication ended badly (the session maps these to syslog and reasons). */
export type AuthFailureKind = 'denied' | 'unreachable' | 'no-mppe-keys' | 'unsupported' | 'timeout' | 'peer-failure';

export type AuthOutcome =
  | {
      ok: true;
      protocol: AuthProtocol;
      username: string;
      /** server role: the backend's answer (keys, framed IP, timeouts) */
      result?: AuthSuccess;
      /** client role: our own MPPE keys */
      mppe?: MppeMasterKeys;
    }
  | { ok: false; protocol: AuthProtocol; kind: AuthFailureKind; reason: string; username?: string };

export interface AuthContext {
  role: 'server' | 'client';
  clock: Clock;
  debug: PppDebugSink;
  /** the session's link, named in every event */
  debugLink: PppDebugLink;
  /** send one packet of this auth protocol (the session frames it) */
  send(code: number, id: number, data: Buffer): void;
  /** server role */
  authenticator?: Authenticator;
  /** client role */
  credentials?: { username: string; password: string };
  /** CHAP name we send in Challenges (server role); PIX 6.3 sends none */
  localName?: string;
  /**
   * Server role: last word on a successful backend answer before Success
   * goes out (e.g. MPPE required but no keys). Returns the failure kind.
   */
  review?(result: AuthSuccess, protocol: AuthProtocol): AuthFailureKind | undefined;
  /** called exactly once */
  finished(outcome: AuthOutcome): void;
  random(n: number): Buffer;
  /** malformed input (counted by the session) */
  malformed(what: string): void;
  restartMs?: number;
  maxTransmits?: number;
}

export interface AuthEngine {
  /** server: send the Challenge / wait for the request; client: send the request */
  start(): void;
  input(code: number, id: number, data: Buffer): void;
  dispose(): void;
}

/** `debug ppp uauth` and syslog 603102 (always emitted: the syslog goes out whatever is debugged). */
export function logAuthStart(ctx: AuthContext, method: string, username: string): void {
  ctx.debug.emit(ctx.debugLink, { kind: 'auth-started', method, username });
}

/** `debug ppp uauth` and syslog 603103. */
export function logAuthResult(ctx: AuthContext, method: string, family: 'PAP' | 'CHAP', username: string, ok: boolean): void {
  ctx.debug.emit(ctx.debugLink, { kind: 'auth-result', method, family, username, ok });
}

/** `debug ppp authentication` (or negotiation) for one auth packet: its code, id and length, never its values. */
export function traceAuthPacket(
  ctx: AuthContext,
  protocol: AuthProtocol,
  dir: 'I' | 'O',
  code: number,
  id: number,
  length: number,
  name?: string,
): void {
  if (ctx.debug.on('ppp authentication') || ctx.debug.on('ppp negotiation')) {
    ctx.debug.emit(ctx.debugLink, { kind: 'auth-packet', protocol, dir, code, id, length, name });
  }
}

/** Decode a name field: UTF-8, as the user database stores names. */
export function nameString(b: Buffer): string {
  return b.toString('utf8');
}
