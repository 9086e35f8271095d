/**
 * What a call's GRE window tells `debug vpdn packet` / `error` and syslog
 * 603101: typed events with the values the window knows. The text is made
 * in src/debug/cisco-gre.ts; the window asks `on(category)` first, so
 * nothing is built when the category is off. 603101 is always emitted.
 */
import type { DebugCategory } from '../../debug/bus.js';

export type GreDebugEvent =
  // ---- vpdn packet
  | { kind: 'received'; length: number; seq: number | undefined; ack: number | undefined }
  /** A data packet we send: `packet` is the whole GRE packet (valid during the call only). */
  | { kind: 'data-out'; packet: Uint8Array; payloadLength: number; seq: number; ack: number | undefined }
  | { kind: 'ack-out'; packet: Uint8Array; ack: number }
  // ---- vpdn error
  | { kind: 'window-full'; unacked: number; peerRecvWindow: number }
  // ---- syslog 603101, and vpdn error when dropped
  /** Behind the highest sequence number: delivered late, or dropped (duplicate or too old). */
  | { kind: 'out-of-sequence'; seq: number; highest: number; dropped: boolean };

/** Which call an event is about (the window's own options carry these). */
export interface GreDebugLink {
  /** `vpdn enable` interface, printed as `outside PPTP: ...` */
  readonly ifName: string;
  /** the peer's outer IPv4 address */
  readonly peerAddress: string;
  /** tnl_id in 603101, and debug filters */
  readonly tunnelId: number;
  /** our call id (sess_id in 603101) */
  readonly callId: number;
}

/** Where a GRE window sends its events; `on` is the cheap check made before building one. */
export interface GreDebugSink {
  on(category: DebugCategory): boolean;
  emit(link: GreDebugLink, event: GreDebugEvent): void;
}
