/**
 * CHAP (RFC 1994) engine, both roles, with the digest (MD5, MS-CHAPv1,
 * MS-CHAPv2) as a strategy.
 *
 * Challenge (1) / Response (2) data:
 *   | Value-Size (1) | Value (Value-Size) | Name (rest) |
 * Success (3) / Failure (4) data:
 *   | Message (rest) |
 *
 * Server: one Challenge (retransmitted every 3 s, same id and value, up to
 * 10 times), one attempt (MS-CHAP `R=0`): a failure ends the link. A
 * Response repeated after our answer gets the same answer again (Windows
 * does this; seed 003 shows the PIX sending Success twice).
 */
import type { Timer } from '../../../util/clock.js';
import type { AuthResult, MppeMasterKeys } from '../../authenticator.js';
import { type AuthContext, type AuthEngine, logAuthResult, logAuthStart, nameString, traceAuthPacket } from './common.js';
import type { ChapDigest } from './digests.js';

export const CHAP_CODE = { Challenge: 1, Response: 2, Success: 3, Failure: 4 } as const;

export interface ChapValueName {
  value: Buffer;
  name: Buffer;
}

export function decodeChapValueName(data: Buffer): ChapValueName | undefined {
  if (data.length < 1) return undefined;
  const size = data[0];
  if (data.length < 1 + size) return undefined;
  return { value: data.subarray(1, 1 + size), name: data.subarray(1 + size) };
}

export function encodeChapValueName(value: Buffer, name: Buffer): Buffer {
  if (value.length > 255) throw new RangeError('CHAP value longer than 255 octets');
  return Buffer.concat([Buffer.from([value.length]), value, name]);
}

type ServerState = 'challenging' | 'checking' | 'succeeded' | 'failed';
const NO_CHALLENGE = Buffer.alloc(0);

export class ChapServer implements AuthEngine {
  private state: ServerState = 'challenging';
  private id = 0;
  private challenge: Buffer = NO_CHALLENGE;
  private transmits = 0;
  private timer: Timer | undefined;
  private disposed = false;
  /**
   * The Success or Failure sent, for retransmitted Responses all session
   * long: its code and its data as a latin1 string (a Buffer with its
   * ArrayBuffer costs about four times as much per session).
   */
  private replyCode = 0;
  private replyData: string | undefined;

  constructor(
    private readonly ctx: AuthContext,
    private readonly digest: ChapDigest,
  ) {}

  start(): void {
    this.id = (this.id + 1) & 0xff;
    this.challenge = this.ctx.random(this.digest.challengeSize);
    this.transmits = 0;
    this.sendChallenge();
  }

  private sendChallenge(): void {
    if (this.state !== 'challenging') return;
    if (this.transmits >= (this.ctx.maxTransmits ?? 10)) {
      this.state = 'failed';
      this.ctx.finished({ ok: false, protocol: this.digest.protocol, kind: 'timeout', reason: 'no response to CHAP challenge' });
      return;
    }
    this.transmits++;
    const name = Buffer.from(this.ctx.localName ?? '', 'utf8');
    const data = encodeChapValueName(this.challenge, name);
    traceAuthPacket(this.ctx, this.digest.protocol, 'O', CHAP_CODE.Challenge, this.id, data.length + 4, this.ctx.localName ?? '');
    this.ctx.send(CHAP_CODE.Challenge, this.id, data);
    this.timer = this.ctx.clock.setTimer(this.ctx.restartMs ?? 3000, () => this.sendChallenge());
  }

  input(code: number, id: number, data: Buffer): void {
    if (code !== CHAP_CODE.Response) {
      this.ctx.malformed(`CHAP code ${code} not expected by the authenticator`);
      return;
    }
    if (id !== this.id) {
      this.ctx.malformed(`CHAP Response id ${id} does not match challenge id ${this.id}`);
      return;
    }
    const vn = decodeChapValueName(data);
    if (!vn) {
      this.ctx.malformed('bad CHAP Response');
      return;
    }
    const username = nameString(vn.name);
    traceAuthPacket(this.ctx, this.digest.protocol, 'I', code, id, data.length + 4, username);
    if (this.state === 'checking') return;
    if (this.state === 'succeeded' || this.state === 'failed') {
      if (this.replyData !== undefined) this.sendReply(this.replyCode, Buffer.from(this.replyData, 'latin1'));
      return;
    }
    const req = this.digest.authRequest(id, this.challenge, username, vn.value);
    if (!req) {
      this.ctx.malformed(`bad ${this.digest.name} response value (${vn.value.length} octets)`);
      return;
    }
    this.state = 'checking';
    this.timer?.cancel();
    this.timer = undefined;
    const authenticator = this.ctx.authenticator;
    if (!authenticator) throw new Error('ChapServer needs an authenticator');
    logAuthStart(this.ctx, this.digest.uauthKind, username);
    void authenticator
      .authenticate(req)
      .then((r) => this.onResult(username, r))
      .catch(() => this.onResult(username, { ok: false, reason: 'unreachable' }));
  }

  private onResult(username: string, result: AuthResult): void {
    if (this.disposed) return;
    let kind = result.ok ? this.ctx.review?.(result, this.digest.protocol) : result.reason;
    const success = result.ok && kind === undefined ? this.digest.successMessage(result) : undefined;
    if (result.ok && kind === undefined && success === undefined) kind = 'unsupported';
    const ok = success !== undefined;
    logAuthResult(this.ctx, this.digest.uauthKind, 'CHAP', username, ok);
    // Answered: only the reply is needed from now on (retransmitted Responses), not the challenge.
    this.challenge = NO_CHALLENGE;
    if (ok && result.ok) {
      this.state = 'succeeded';
      const data = Buffer.alloc(success.length, success);
      this.keepReply(CHAP_CODE.Success, data);
      this.sendReply(CHAP_CODE.Success, data);
      this.ctx.finished({ ok: true, protocol: this.digest.protocol, username: result.username, result });
    } else {
      this.state = 'failed';
      const message = !result.ok && result.message ? Buffer.from(result.message, 'latin1') : this.digest.failureMessage(this.ctx.random(this.digest.challengeSize));
      this.keepReply(CHAP_CODE.Failure, message);
      this.sendReply(CHAP_CODE.Failure, message);
      this.ctx.finished({
        ok: false,
        protocol: this.digest.protocol,
        kind: kind ?? 'denied',
        reason: 'authentication failed',
        username,
      });
    }
  }

  private keepReply(code: number, data: Buffer): void {
    this.replyCode = code;
    this.replyData = data.toString('latin1');
  }

  private sendReply(code: number, data: Buffer): void {
    traceAuthPacket(this.ctx, this.digest.protocol, 'O', code, this.id, data.length + 4);
    this.ctx.send(code, this.id, data);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }
}

export class ChapClient implements AuthEngine {
  private answered: { id: number; challenge: Buffer; data: Buffer; expect?: string; mppe?: MppeMasterKeys } | undefined;
  private done = false;

  constructor(
    private readonly ctx: AuthContext,
    private readonly digest: ChapDigest,
  ) {}

  /** The client waits for the authenticator's Challenge. */
  start(): void {}

  input(code: number, id: number, data: Buffer): void {
    if (this.done) return;
    const creds = this.ctx.credentials;
    if (!creds) throw new Error('ChapClient needs credentials');
    switch (code) {
      case CHAP_CODE.Challenge: {
        const vn = decodeChapValueName(data);
        if (!vn || vn.value.length === 0) {
          this.ctx.malformed('bad CHAP Challenge');
          return;
        }
        traceAuthPacket(this.ctx, this.digest.protocol, 'I', code, id, data.length + 4, nameString(vn.name));
        const a = this.answered;
        if (!(a && a.id === id && a.challenge.equals(vn.value))) {
          const r = this.digest.makeResponse(id, vn.value, creds.username, creds.password, this.ctx.random);
          this.answered = {
            id,
            challenge: Buffer.from(vn.value),
            data: encodeChapValueName(r.value, Buffer.from(creds.username, 'utf8')),
            expect: r.expectSuccess,
            mppe: r.mppe,
          };
        }
        const ans = this.answered!;
        traceAuthPacket(this.ctx, this.digest.protocol, 'O', CHAP_CODE.Response, id, ans.data.length + 4, creds.username);
        this.ctx.send(CHAP_CODE.Response, id, ans.data);
        return;
      }
      case CHAP_CODE.Success:
      case CHAP_CODE.Failure: {
        const a = this.answered;
        if (!a || a.id !== id) {
          this.ctx.malformed(`CHAP ${code === 3 ? 'Success' : 'Failure'} id ${id} without our Response`);
          return;
        }
        traceAuthPacket(this.ctx, this.digest.protocol, 'I', code, id, data.length + 4);
        this.done = true;
        if (code === CHAP_CODE.Success && this.digest.checkSuccess(data, a.expect)) {
          this.ctx.finished({ ok: true, protocol: this.digest.protocol, username: creds.username, mppe: a.mppe });
        } else {
          this.ctx.finished({
            ok: false,
            protocol: this.digest.protocol,
            kind: 'peer-failure',
            reason: code === CHAP_CODE.Success ? 'server failed to authenticate itself' : 'authentication refused by peer',
            username: creds.username,
          });
        }
        return;
      }
      default:
        this.ctx.malformed(`CHAP code ${code} not expected by the peer`);
    }
  }

  dispose(): void {
    this.done = true;
  }
}
