/**
 * What the TACACS+ client and authenticator tell `debug tacacs`: typed
 * events with the values they know (servers, session ids, reply statuses
 * as the wire numbers). The text is made in src/debug/cisco-tacacs.ts.
 * Events name a server by address and port, never carry its key or a
 * password, and are built only after `on('tacacs')` said it is on.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { AaaDebugEvent } from '../aaa/debug-events.js';

/** A server as the lines name it: `172.18.124.99:49`, or its address alone. */
export interface TacacsServerName {
  address: string;
  port: number;
}

/** `user`: the user the exchange is for, when known (per-user filters). */
export type TacacsDebugEvent =
  // ---- the client: one exchange over the failover list
  | { kind: 'using-server'; server: TacacsServerName; user?: string }
  /** No connection within the timeout (`timedOut`), or the connect itself failed. */
  | { kind: 'connect-failed'; server: TacacsServerName; timedOut: boolean; user?: string }
  /** The request of session `session` is written; `remainingMs` of the host's timeout are left. */
  | { kind: 'timeout-started'; session: number; remainingMs: number; user?: string }
  | { kind: 'reply-timeout'; session: number; server: TacacsServerName; user?: string }
  | { kind: 'closed-before-reply'; session: number; server: TacacsServerName; user?: string }
  /** A reply with the wrong seq, type or version, or cleartext when a key is set. */
  | { kind: 'invalid-reply-header'; session: number; server: TacacsServerName; user?: string }
  /** A whole packet for no session waiting on its connection. */
  | { kind: 'stray-reply'; server: TacacsServerName }
  /** A reply body that did not decode (a wrong key gives garbage lengths). */
  | { kind: 'undecodable-reply'; server: TacacsServerName; user?: string }
  | { kind: 'marked-dead'; server: TacacsServerName; failures: number; user?: string }
  // ---- the authenticator
  | { kind: 'authen-start-created'; user: string; method: 'pap' | 'chap' }
  /** `status`: the REPLY's status octet (RFC 8907 5.2). */
  | { kind: 'authen-reply'; user: string; status: number }
  | { kind: 'author-request-created'; user: string; args: readonly string[] }
  /** `status`: the REPLY's status octet (RFC 8907 6.2); `args` as the server sent them. */
  | { kind: 'author-reply'; user: string; status: number; args: readonly string[] };

/**
 * Where the TACACS+ engines send their events: their own, and the shared
 * AAA events of the authentication and accounting they make. `on` is the
 * cheap check made before building one.
 */
export interface TacacsDebugSink {
  on(category: DebugCategory): boolean;
  emit(event: TacacsDebugEvent | AaaDebugEvent): void;
}
