/**
 * What a PPTP control connection tells `debug vpdn`: typed events with the
 * values the engine knows. The text is made in src/debug/cisco-pptp.ts;
 * the engine asks `on(category)` first, so nothing is built when the
 * category is off.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { ControlMessageName, OutgoingCallRequest, StartControlConnectionReply, StartControlConnectionRequest } from './wire.js';

export type PptpDebugEvent =
  // ---- vpdn packet
  /** A chunk from the TCP connection, before framing. */
  | { kind: 'bytes-in'; fd: number; newConnection: boolean; length: number }
  /** One framed control message, before decoding. */
  | { kind: 'message-in'; bytes: Buffer }
  /** One encoded control message we send. */
  | { kind: 'message-out'; fd: number; bytes: Buffer }
  // ---- vpdn event
  /** A control message received (I) or about to be sent (O). */
  | { kind: 'control'; dir: 'I' | 'O'; message: ControlMessageName; callId?: number }
  /** A message this role never expects, named as on the wire. */
  | { kind: 'unexpected'; message: ControlMessageName }
  /** The parameters of a received SCCRQ (server) or SCCRP (client). */
  | { kind: 'start-control'; message: StartControlConnectionRequest | StartControlConnectionReply }
  /** The parameters of a received OCRQ. */
  | { kind: 'outgoing-call'; message: OutgoingCallRequest }
  | { kind: 'state'; event: string; from: string; to: string; callId?: number }
  /** The server accepted a TCP connection as tunnel `tunnelId`. */
  | { kind: 'tunnel-created'; fd: number }
  /** A call entered the session table. */
  | { kind: 'session-stored'; callId: number }
  // ---- vpdn error
  /** Rejected or unexpected input; `detail` says what and why. */
  | { kind: 'rejected'; detail: string; callId?: number };

/** Where a control connection sends its events; `on` is the cheap check made before building one. */
export interface PptpDebugSink {
  on(category: DebugCategory): boolean;
  emit(tunnelId: number, event: PptpDebugEvent): void;
}
