/**
 * One interface between PPP authentication and every user database:
 * local `vpdn username` users, RADIUS and TACACS+ groups. The PPP layer
 * gathers what the peer sent and asks; the backend answers.
 */
import type { MppeMasterKeys } from './crypto/mppe-keys.js';

export type { MppeMasterKeys };

/** What the peer sent, per method. Buffers are views into the packet. */
export type AuthRequest =
  | { method: 'pap'; username: string; password: string }
  | { method: 'chap'; username: string; id: number; challenge: Buffer; response: Buffer }
  | { method: 'mschap'; username: string; challenge: Buffer; ntResponse: Buffer; lmResponse?: Buffer }
  | {
      method: 'mschap-v2';
      username: string;
      /** our 16-octet challenge */
      authChallenge: Buffer;
      peerChallenge: Buffer;
      ntResponse: Buffer;
    };


export type AuthResult =
  | {
      ok: true;
      username: string;
      /** MPPE keys: derived locally, or from RADIUS MS-MPPE-*-Key / MS-CHAP-MPPE-Keys. */
      mppe?: MppeMasterKeys;
      /** MS-CHAPv2: the 42-character "S=<40 hex>" authenticator response. */
      authenticatorResponse?: string;
      /** AAA authorization: overrides the pool. */
      framedIp?: string;
      /** AAA authorization: the `ip local pool` to take the address from (RADIUS Framed-Pool). */
      framedPool?: string;
      /** RADIUS Acct-Interim-Interval, seconds: overrides `aaa-server G accounting interim`. */
      acctInterimInterval?: number;
      sessionTimeout?: number;
      idleTimeout?: number;
      class?: Buffer;
    }
  | {
      ok: false;
      reason: 'denied' | 'unreachable' | 'no-mppe-keys' | 'unsupported';
      /** Text for the peer (PAP/CHAP failure message, MS-CHAP "E=691 R=0 ..."). */
      message?: string;
      /** unreachable: the servers tried that never answered, in order (none: every server was already dead). */
      unanswered?: string[];
    };

export interface Authenticator {
  /** Never rejects: unreachable servers resolve to { ok: false, reason: 'unreachable' }. */
  authenticate(req: AuthRequest): Promise<AuthResult>;
}
