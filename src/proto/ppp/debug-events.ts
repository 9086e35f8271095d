/**
 * What a PPP link tells `debug ppp ...` and syslog: typed events with the
 * values the session, its data path and its authentication engines know.
 * The text is made in src/debug/cisco-ppp-session.ts; the engines ask
 * `on(category)` first, so nothing is built when the category is off.
 * Events that carry a syslog message (603102, 603103, 403108, 403110) are
 * always emitted.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { AuthProtocol } from '../../config/model.js';
import type { FsmTrace } from './fsm.js';
import type { MppeAgreed } from './ccp.js';
import type { MppeRejectReason } from './mppe.js';
import type { PppPhase } from './phase.js';

export type PppDebugEvent =
  // ---- ppp io
  /** A frame from the peer, as received (with or without FF 03). */
  | { kind: 'frame-in'; frame: Uint8Array }
  /** A frame we send, before compression. */
  | { kind: 'frame-out'; protocol: number; payload: Uint8Array }
  /** An MPPE frame we send; `frame` holds its MPPE header at `mppeAt`. */
  | { kind: 'encrypted-out'; frame: Uint8Array; mppeAt: number }
  | { kind: 'ip-in'; packet: Uint8Array }
  | { kind: 'encrypted-in'; payload: Uint8Array }
  // ---- ppp negotiation, ppp error (by the kind of trace)
  /** One event of the LCP, IPCP, CCP or IPv6CP automaton. */
  | { kind: 'automaton'; protocol: number; trace: FsmTrace }
  // ---- ppp negotiation
  | { kind: 'phase'; phase: PppPhase }
  | { kind: 'lcp-negotiation-failed' }
  | { kind: 'cbcp'; dir: 'I' | 'O'; code: number; id: number; length: number }
  // ---- ppp authentication (or ppp negotiation when only that is on)
  /** One PAP or CHAP packet; `name` is the peer or user name it carries. */
  | { kind: 'auth-packet'; protocol: AuthProtocol; dir: 'I' | 'O'; code: number; id: number; length: number; name?: string }
  // ---- ppp uauth, and syslog 603102 / 603103 (always emitted)
  /** `method` is the uauth name: pap, chap, mschap. */
  | { kind: 'auth-started'; method: string; username: string }
  | { kind: 'auth-result'; method: string; family: 'PAP' | 'CHAP'; username: string; ok: boolean }
  // ---- ppp error
  /** Input dropped and counted under `reason`. */
  | { kind: 'dropped'; reason: string; detail: string }
  | { kind: 'mppe-required-not-active' }
  // ---- ppp mppe
  | { kind: 'mppe-started'; keySource: 'radius' | 'local'; agreed: MppeAgreed }
  | { kind: 'mppe-key-change-sent'; why: 'reset' | 'flag packet'; ccount: number }
  /** `ccount` is -1 for a packet too short to carry one. */
  | { kind: 'mppe-discarded'; ccount: number; reason: MppeRejectReason; resetRequested: boolean }
  | { kind: 'mppe-resynchronized'; ccount: number; lost: number }
  | { kind: 'mppe-key-change-received'; ccount: number }
  | { kind: 'mppe-reset-request-received' }
  | { kind: 'mppe-reset-ack-received' }
  | { kind: 'mppe-keys-discarded' }
  // ---- syslog (always emitted)
  /** 403110: MPPE required with MS-CHAP, and the AAA server sent no keys. */
  | { kind: 'missing-mppe-key'; username: string }
  /** 403108: no address left for the client. */
  | { kind: 'missing-client-address' };

/** Which link an event is about: the formatter names it (`Vi1`, `pppdev: 1`) and filters by it. */
export interface PppDebugLink {
  readonly pppIfId: number;
  readonly tunnelId: number | undefined;
  /** the authenticated user; undefined before authentication */
  readonly user: string | undefined;
}

/** Where a PPP link sends its events; `on` is the cheap check made before building one. */
export interface PppDebugSink {
  on(category: DebugCategory): boolean;
  emit(link: PppDebugLink, event: PppDebugEvent): void;
}
