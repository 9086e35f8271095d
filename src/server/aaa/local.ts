/**
 * `client authentication local`: the `vpdn username` database.
 *
 * Names match exactly, as on the PIX: a Windows 9x MS-CHAP client that
 * sends `DOMAIN\cisco` needs its own `vpdn username DOMAIN\cisco` line
 * (seed 003, "Troubleshoot").
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { VpdnUser } from '../../config/model.js';
import type { AuthRequest, AuthResult, Authenticator } from '../../proto/authenticator.js';
import {
  mppeMasterKeysV1,
  mppeMasterKeysV2FromHash,
  mschapV1Response,
  mschapV2AuthenticatorResponseFromHash,
  mschapV2NtResponseFromHash,
  ntPasswordHash,
} from '../../proto/crypto/mschap.js';

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class LocalAuthenticator implements Authenticator {
  /** `users` is read at each attempt, so new users apply to new calls at once. */
  constructor(private readonly users: () => readonly VpdnUser[]) {}

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const user = this.users().find((u) => u.name === req.username);
    if (!user) return { ok: false, reason: 'denied' };
    const pw = user.password;
    switch (req.method) {
      case 'pap':
        return same(Buffer.from(req.password, 'utf8'), Buffer.from(pw, 'utf8'))
          ? { ok: true, username: user.name }
          : { ok: false, reason: 'denied' };
      case 'chap': {
        const expected = createHash('md5')
          .update(Buffer.from([req.id & 0xff]))
          .update(pw, 'utf8')
          .update(req.challenge)
          .digest();
        return same(expected, req.response) ? { ok: true, username: user.name } : { ok: false, reason: 'denied' };
      }
      case 'mschap': {
        if (!same(mschapV1Response(req.challenge, pw), req.ntResponse)) return { ok: false, reason: 'denied' };
        return { ok: true, username: user.name, mppe: mppeMasterKeysV1(pw, 'server', req.challenge) };
      }
      case 'mschap-v2': {
        const hash = ntPasswordHash(pw);
        const expected = mschapV2NtResponseFromHash(req.authChallenge, req.peerChallenge, req.username, hash);
        if (!same(expected, req.ntResponse)) return { ok: false, reason: 'denied' };
        return {
          ok: true,
          username: user.name,
          authenticatorResponse: mschapV2AuthenticatorResponseFromHash(hash, req.ntResponse, req.peerChallenge, req.authChallenge, req.username),
          mppe: mppeMasterKeysV2FromHash(hash, req.ntResponse, 'server'),
        };
      }
    }
  }
}
