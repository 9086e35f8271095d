/**
 * What the AAA engines (RADIUS and TACACS+ authentication and accounting)
 * tell `debug aaa authentication` and `debug aaa accounting`: typed events
 * with the user, the session and the outcome. One module for both
 * protocols, since their start and status lines are the same lines. The
 * text is made in src/debug/cisco-aaa.ts. Events name a server by its
 * address only, never carry a key or a password, and are built only after
 * `on(category)` said the category is on.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { AuthRequest, AuthResult } from '../authenticator.js';
import type { AccountingKind } from '../radius/accounting.js';

export type { AccountingKind };

/** How an authentication ended: `pass`, or why not. Not the AuthResult itself, which carries the MPPE keys. */
export type AuthenOutcome = 'pass' | (AuthResult & { ok: false })['reason'];

/** An AuthResult as its debug event sees it. */
export function authenOutcome(result: AuthResult): AuthenOutcome {
  return result.ok ? 'pass' : result.reason;
}

export type AuthenMethod = AuthRequest['method'];

export type AaaDebugEvent =
  // ---- aaa authentication (`user` also serves the per-user filters)
  | { kind: 'authen-start'; protocol: 'radius' | 'tacacs+'; user: string; method: AuthenMethod; group: string }
  | { kind: 'authen-result'; user: string; outcome: AuthenOutcome }
  /** RADIUS: an Access-Accept to MS-CHAPv2 without a usable MS-CHAP2-Success, taken as a refusal. */
  | { kind: 'accept-without-chap2-success'; user: string }
  /** RADIUS: MPPE key attributes that did not decode (`problem`: which and why, no key material). */
  | { kind: 'mppe-keys-ignored'; user: string; problem: string }
  // ---- aaa accounting
  /** RADIUS: a record joined the queue. */
  | { kind: 'acct-queued'; sessionId: string; user: string; record: AccountingKind }
  /** RADIUS: the queue was full of records that cannot go, so this one was dropped (`queued`: the queue's length). */
  | { kind: 'acct-dropped'; sessionId: string; user: string; record: AccountingKind; queued: number }
  /** RADIUS: the server at `server` (its address) acknowledged the record. */
  | { kind: 'acct-acknowledged'; sessionId: string; user: string; record: AccountingKind; server: string }
  /** RADIUS: a round found no server; the queue pauses for `retryMs`. */
  | { kind: 'acct-paused'; queued: number; retryMs: number }
  /** TACACS+: a record sent once over the failover list, answered with success or not. */
  | { kind: 'acct-tacacs-answer'; sessionId: string; user: string; record: AccountingKind; acknowledged: boolean };

/** Where the AAA engines send their events; `on` is the cheap check made before building one. */
export interface AaaDebugSink {
  on(category: DebugCategory): boolean;
  emit(event: AaaDebugEvent): void;
}
