/**
 * What PAP and CHAP share: the context the session hands them, the outcome
 * they report, and the PIX `debug ppp uauth` / syslog 603102-603103 lines.
 */
import type { Clock } from '../../../util/clock.js';
import type { DebugBus } from '../../../debug/bus.js';
import type { AuthProtocol } from '../../../config/model.js';
import type { AuthResult, Authenticator, MppeMasterKeys } from '../../authenticator.js';
import { authPacketLine } from '../../../debug/cisco-ppp.js';

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
  debug: DebugBus;
  pppIfId: number;
  /** for per-tunnel debug filters */
  tunnelId?: number;
  /** `Vi1` */
  ifLabel: string;
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

/** `uauth_mschap_send_req: pppdev=1, ulen=4, user=john` + 603102. */
export function logAuthStart(ctx: AuthContext, kind: string, username: string): void {
  if (ctx.debug.on('ppp uauth')) {
    ctx.debug.debug(
      'ppp uauth',
      `uauth_${kind}_send_req: pppdev=${ctx.pppIfId}, ulen=${Buffer.byteLength(username)}, user=${username}`,
      { user: username, tunnel: ctx.tunnelId },
    );
  }
  ctx.debug.syslog(603102, 6, `PPP virtual interface ${ctx.pppIfId} - user: ${username} aaa authentication started`, {
    user: username,
    tunnel: ctx.tunnelId,
  });
}

/** `uauth_mschap_proc_reply: pppdev = 1, status = 1` + 603103 + `CHAP peer authentication succeeded for john`. */
export function logAuthResult(ctx: AuthContext, kind: string, family: 'PAP' | 'CHAP', username: string, ok: boolean): void {
  if (ctx.debug.on('ppp uauth')) {
    ctx.debug.debug('ppp uauth', `uauth_${kind}_proc_reply: pppdev = ${ctx.pppIfId}, status = ${ok ? 1 : 0}`, {
      user: username,
      tunnel: ctx.tunnelId,
    });
  }
  ctx.debug.syslog(
    603103,
    6,
    `PPP virtual interface ${ctx.pppIfId} - user: ${username} aaa authentication ${ok ? 'succeed' : 'failed'}`,
    { user: username, tunnel: ctx.tunnelId },
  );
  if (ctx.debug.on('ppp uauth')) {
    ctx.debug.debug('ppp uauth', `${family} peer authentication ${ok ? 'succeeded' : 'failed'} for ${username}`, {
      user: username,
      tunnel: ctx.tunnelId,
    });
  }
}

/** IOS-style `debug ppp authentication` line for one auth packet. */
export function traceAuthPacket(
  ctx: AuthContext,
  label: string,
  dir: 'I' | 'O',
  code: number,
  id: number,
  len: number,
  name?: string,
): void {
  const cat = ctx.debug.on('ppp authentication') ? 'ppp authentication' : ctx.debug.on('ppp negotiation') ? 'ppp negotiation' : undefined;
  if (cat) ctx.debug.debug(cat, authPacketLine(ctx.ifLabel, label, dir, code, id, len, name), { tunnel: ctx.tunnelId, user: name });
}

/** Decode a name field: UTF-8, as the user database stores names. */
export function nameString(b: Buffer): string {
  return b.toString('utf8');
}
