/**
 * What the RADIUS client and the dynamic-authorization server tell
 * `debug radius`: typed events with the values they know (packets as sent
 * or decoded, peers, identifiers). The text is made in
 * src/debug/cisco-radius.ts, which masks every secret attribute; no event
 * carries a shared secret. The engines ask `on('radius')` first, so
 * nothing is built when it is off.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { RadiusPacket } from './codec.js';
import type { UdpPeer } from './udp.js';

/** A server as debug lines name it: `(10.0.0.1:1645,1646)`. */
export interface RadiusServerName {
  address: string;
  authPort: number;
  acctPort: number;
}

/** One request of the client: `RADIUS(0000000C)` and `id 40001/7` (source port / identifier). */
export interface RadiusRequestName {
  seq: number;
  sourcePort: number;
  identifier: number;
}

export type RadiusDebugEvent =
  // ---- the client (`user`: for per-user filters)
  | { kind: 'no-active-servers'; group: string | undefined; user?: string }
  | { kind: 'fail-over'; server: RadiusServerName; user?: string }
  | { kind: 'marked-dead'; server: RadiusServerName; failures: number; accounting?: boolean; user?: string }
  /** A request as sent: `packet` is the whole encoded packet. */
  | { kind: 'request-sent'; request: RadiusRequestName; to: UdpPeer; packet: Buffer; authenticator: Buffer; user?: string }
  | { kind: 'retransmit'; request: RadiusRequestName; server: RadiusServerName; user?: string }
  | { kind: 'no-response'; request: RadiusRequestName; server: RadiusServerName; user?: string }
  | { kind: 'malformed-response'; from: UdpPeer; reason: string }
  /** A response no request waits for. */
  | { kind: 'stray-response'; from: UdpPeer; sourcePort: number; packet: RadiusPacket; duplicate: boolean }
  /** A response that failed its checks: `problem` as verifyResponse names it (`bad-response-authenticator`). */
  | { kind: 'unverified-response'; request: RadiusRequestName; problem: string; user?: string }
  | { kind: 'response-received'; from: UdpPeer; sourcePort: number; packet: RadiusPacket; user?: string }
  // ---- the dynamic-authorization server (RFC 5176)
  | { kind: 'dynauth-unknown-client'; from: UdpPeer }
  | { kind: 'dynauth-malformed'; from: UdpPeer; reason: string }
  | { kind: 'dynauth-unverified'; from: UdpPeer; packet: RadiusPacket; problem: string }
  | { kind: 'dynauth-received'; from: UdpPeer; packet: RadiusPacket }
  /** Our answer: `errorCause` when it is a NAK. */
  | { kind: 'dynauth-sent'; to: UdpPeer; code: number; identifier: number; errorCause?: number };

/** Where the RADIUS engines send their events; `on` is the cheap check made before building one. */
export interface RadiusDebugSink {
  on(category: DebugCategory): boolean;
  emit(event: RadiusDebugEvent): void;
}
