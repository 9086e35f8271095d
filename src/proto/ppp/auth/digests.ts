/**
 * CHAP digest strategies (pppd's chap_digest_type): MD5 (RFC 1994),
 * MS-CHAPv1 (RFC 2433) and MS-CHAPv2 (RFC 2759) behind one CHAP engine.
 *
 * Response values:
 *   MD5        | Hash (16) |
 *   MS-CHAPv1  | LM-Response (24) | NT-Response (24) | Flags (1: 1 = use NT) |
 *   MS-CHAPv2  | Peer-Challenge (16) | Reserved (8, zero) | NT-Response (24) | Flags (1, zero) |
 */
import type { AuthProtocol } from '../../../config/model.js';
import type { AuthRequest, MppeMasterKeys } from '../../authenticator.js';
import {
  chapMd5Response,
  mppeMasterKeysV1,
  mppeMasterKeysV2FromHash,
  mschapV1Response,
  mschapV2AuthenticatorResponseFromHash,
  mschapV2NtResponseFromHash,
  ntPasswordHash,
} from '../../crypto/mschap.js';
import type { AuthSuccess } from './common.js';

export interface ClientResponse {
  value: Buffer;
  /** what a genuine server's Success must carry (MS-CHAPv2 "S=...") */
  expectSuccess?: string;
  mppe?: MppeMasterKeys;
}

export interface ChapDigest {
  protocol: AuthProtocol;
  /** as its RFC names it (1994, 2433, 2759): CHAP, MS-CHAP, MS-CHAP-V2 */
  name: string;
  /** CHAP algorithm octet in the LCP Authentication-Protocol option */
  algorithm: number;
  /** `uauth_<kind>_send_req` */
  uauthKind: string;
  challengeSize: number;
  responseSize: number;
  /** server: what to ask the backend, or undefined when the value is malformed */
  authRequest(id: number, challenge: Buffer, username: string, value: Buffer): AuthRequest | undefined;
  /** server: Success message; undefined = cannot prove success (treated as failure) */
  successMessage(result: AuthSuccess): Buffer | undefined;
  failureMessage(nextChallenge: Buffer): Buffer;
  /** client */
  makeResponse(id: number, challenge: Buffer, username: string, password: string, random: (n: number) => Buffer): ClientResponse;
  checkSuccess(message: Buffer, expect: string | undefined): boolean;
}

export const md5Digest: ChapDigest = {
  protocol: 'chap',
  name: 'CHAP',
  algorithm: 0x05,
  uauthKind: 'chap',
  challengeSize: 16,
  responseSize: 16,
  authRequest: (id, challenge, username, value) =>
    // copies: `value` may be a view into a receive buffer the next packet overwrites before the (async) check reads it
    value.length === 16 ? { method: 'chap', username, id, challenge, response: Buffer.from(value) } : undefined,
  successMessage: () => Buffer.from('Welcome', 'latin1'),
  failureMessage: () => Buffer.from('Authentication failed', 'latin1'),
  makeResponse: (id, challenge, _u, password) => ({ value: chapMd5Response(id, Buffer.from(password, 'utf8'), challenge) }),
  checkSuccess: () => true,
};

export const mschapV1Digest: ChapDigest = {
  protocol: 'mschap',
  name: 'MS-CHAP',
  algorithm: 0x80,
  uauthKind: 'mschap',
  challengeSize: 8,
  responseSize: 49,
  authRequest: (_id, challenge, username, value) => {
    if (value.length !== 49) return undefined;
    // The NT-Response is always checked; an LM-only peer (flags 0) simply fails.
    return {
      method: 'mschap',
      username,
      challenge,
      // copies, not views into the receive buffer (see md5Digest)
      lmResponse: Buffer.from(value.subarray(0, 24)),
      ntResponse: Buffer.from(value.subarray(24, 48)),
    };
  },
  // The PIX's MS-CHAPv1 Success carries no message: ff03c22303010004 (seed 003).
  successMessage: () => Buffer.alloc(0),
  failureMessage: () => Buffer.from('E=691 R=0', 'latin1'),
  makeResponse: (_id, challenge, _u, password) => ({
    value: Buffer.concat([Buffer.alloc(24), mschapV1Response(challenge, password), Buffer.from([1])]),
    mppe: mppeMasterKeysV1(password, 'client', challenge),
  }),
  checkSuccess: () => true,
};

export const mschapV2Digest: ChapDigest = {
  protocol: 'mschap-v2',
  name: 'MS-CHAP-V2',
  algorithm: 0x81,
  uauthKind: 'mschap',
  challengeSize: 16,
  responseSize: 49,
  authRequest: (_id, challenge, username, value) => {
    if (value.length !== 49) return undefined;
    return {
      method: 'mschap-v2',
      username,
      authChallenge: challenge,
      // copies, not views into the receive buffer (see md5Digest)
      peerChallenge: Buffer.from(value.subarray(0, 16)),
      ntResponse: Buffer.from(value.subarray(24, 48)),
    };
  },
  successMessage: (result) =>
    result.authenticatorResponse ? Buffer.from(`${result.authenticatorResponse} M=Access granted`, 'latin1') : undefined,
  failureMessage: (next) => Buffer.from(`E=691 R=0 C=${next.toString('hex').toUpperCase()} V=3 M=Authentication failed`, 'latin1'),
  makeResponse: (_id, challenge, username, password, random) => {
    const peer = random(16);
    const hash = ntPasswordHash(password);
    const nt = mschapV2NtResponseFromHash(challenge, peer, username, hash);
    return {
      value: Buffer.concat([peer, Buffer.alloc(8), nt, Buffer.from([0])]),
      expectSuccess: mschapV2AuthenticatorResponseFromHash(hash, nt, peer, challenge, username),
      mppe: mppeMasterKeysV2FromHash(hash, nt, 'client'),
    };
  },
  checkSuccess: (message, expect) => {
    if (!expect) return false;
    const text = message.toString('latin1');
    return text.length >= expect.length && text.slice(0, expect.length).toUpperCase() === expect.toUpperCase();
  },
};

export const CHAP_DIGESTS: Record<'chap' | 'mschap' | 'mschap-v2', ChapDigest> = {
  chap: md5Digest,
  mschap: mschapV1Digest,
  'mschap-v2': mschapV2Digest,
};
