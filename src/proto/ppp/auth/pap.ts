/**
 * PAP (RFC 1334 section 2), both roles.
 *
 * Authenticate-Request (code 1) data:
 *   | Peer-ID Length (1) | Peer-ID ... | Passwd-Length (1) | Password ... |
 * Authenticate-Ack (2) / Authenticate-Nak (3) data:
 *   | Msg-Length (1) | Message ... |
 *
 * The password only lives in the AuthRequest handed to the Authenticator;
 * it is never printed.
 */
import type { Timer } from '../../../util/clock.js';
import { type AuthContext, type AuthEngine, logAuthResult, logAuthStart, nameString, traceAuthPacket } from './common.js';

export const PAP_CODE = { AuthReq: 1, AuthAck: 2, AuthNak: 3 } as const;

export interface PapRequest {
  peerId: Buffer;
  password: Buffer;
}

export function decodePapRequest(data: Buffer): PapRequest | undefined {
  if (data.length < 1) return undefined;
  const idLen = data[0];
  if (data.length < 1 + idLen + 1) return undefined;
  const pwLen = data[1 + idLen];
  if (data.length < 2 + idLen + pwLen) return undefined;
  return { peerId: data.subarray(1, 1 + idLen), password: data.subarray(2 + idLen, 2 + idLen + pwLen) };
}

export function encodePapRequest(peerId: Buffer, password: Buffer): Buffer {
  if (peerId.length > 255 || password.length > 255) throw new RangeError('PAP peer-id/password longer than 255 octets');
  return Buffer.concat([Buffer.from([peerId.length]), peerId, Buffer.from([password.length]), password]);
}

export function encodePapMessage(msg: string): Buffer {
  const m = Buffer.from(msg, 'utf8').subarray(0, 255);
  return Buffer.concat([Buffer.from([m.length]), m]);
}

type ServerState = 'waiting' | 'checking' | 'succeeded' | 'failed';

export class PapServer implements AuthEngine {
  private state: ServerState = 'waiting';
  private timer: Timer | undefined;
  private disposed = false;
  private reply: { code: number; data: Buffer } | undefined;

  constructor(
    private readonly ctx: AuthContext,
    /** how long to wait for the peer's request */
    private readonly waitMs = 30_000,
  ) {}

  start(): void {
    this.timer = this.ctx.clock.setTimer(this.waitMs, () => {
      if (this.state !== 'waiting') return;
      this.state = 'failed';
      this.ctx.finished({ ok: false, protocol: 'pap', kind: 'timeout', reason: 'no PAP request from peer' });
    });
  }

  input(code: number, id: number, data: Buffer): void {
    if (code !== PAP_CODE.AuthReq) {
      this.ctx.malformed(`PAP code ${code} not expected by the authenticator`);
      return;
    }
    const req = decodePapRequest(data);
    if (!req) {
      this.ctx.malformed('bad PAP Authenticate-Request');
      return;
    }
    const username = nameString(req.peerId);
    traceAuthPacket(this.ctx, 'pap', 'I', code, id, data.length + 4, username);
    if (this.state === 'checking') return; // a retransmission while we ask the backend
    if (this.state === 'succeeded' || this.state === 'failed') {
      // The peer lost our answer: repeat it with its new identifier.
      if (this.reply) this.sendReply(this.reply.code, id, this.reply.data);
      return;
    }
    this.state = 'checking';
    this.timer?.cancel();
    const authenticator = this.ctx.authenticator;
    if (!authenticator) throw new Error('PapServer needs an authenticator');
    logAuthStart(this.ctx, 'pap', username);
    void authenticator
      .authenticate({ method: 'pap', username, password: req.password.toString('utf8') })
      .then((result) => this.onResult(id, username, result))
      .catch(() => this.onResult(id, username, { ok: false, reason: 'unreachable' }));
  }

  private onResult(id: number, username: string, result: Awaited<ReturnType<NonNullable<AuthContext['authenticator']>['authenticate']>>): void {
    if (this.disposed) return;
    const kind = result.ok ? this.ctx.review?.(result, 'pap') : result.reason;
    const ok = result.ok && kind === undefined;
    logAuthResult(this.ctx, 'pap', 'PAP', username, ok);
    if (ok) {
      this.state = 'succeeded';
      this.reply = { code: PAP_CODE.AuthAck, data: encodePapMessage('') };
      this.sendReply(this.reply.code, id, this.reply.data);
      this.ctx.finished({ ok: true, protocol: 'pap', username: result.ok ? result.username : username, result: result.ok ? result : undefined });
    } else {
      this.state = 'failed';
      this.reply = { code: PAP_CODE.AuthNak, data: encodePapMessage((!result.ok && result.message) || 'Authentication failed') };
      this.sendReply(this.reply.code, id, this.reply.data);
      this.ctx.finished({ ok: false, protocol: 'pap', kind: kind ?? 'denied', reason: 'authentication failed', username });
    }
  }

  private sendReply(code: number, id: number, data: Buffer): void {
    traceAuthPacket(this.ctx, 'pap', 'O', code, id, data.length + 4);
    this.ctx.send(code, id, data);
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }
}

export class PapClient implements AuthEngine {
  private id = 0;
  private transmits = 0;
  private timer: Timer | undefined;
  private done = false;

  constructor(private readonly ctx: AuthContext) {}

  start(): void {
    this.id = (this.id + 1) & 0xff;
    this.transmits = 0;
    this.sendRequest();
  }

  private sendRequest(): void {
    const creds = this.ctx.credentials;
    if (!creds) throw new Error('PapClient needs credentials');
    if (this.transmits >= (this.ctx.maxTransmits ?? 10)) {
      this.finish({ ok: false, protocol: 'pap', kind: 'timeout', reason: 'no answer to PAP request' });
      return;
    }
    this.transmits++;
    const data = encodePapRequest(Buffer.from(creds.username, 'utf8'), Buffer.from(creds.password, 'utf8'));
    traceAuthPacket(this.ctx, 'pap', 'O', PAP_CODE.AuthReq, this.id, data.length + 4, creds.username);
    this.ctx.send(PAP_CODE.AuthReq, this.id, data);
    this.timer = this.ctx.clock.setTimer(this.ctx.restartMs ?? 3000, () => this.sendRequest());
  }

  input(code: number, id: number, data: Buffer): void {
    if (this.done) return;
    if (id !== this.id || (code !== PAP_CODE.AuthAck && code !== PAP_CODE.AuthNak)) {
      this.ctx.malformed(`unexpected PAP code ${code} id ${id}`);
      return;
    }
    traceAuthPacket(this.ctx, 'pap', 'I', code, id, data.length + 4);
    const username = this.ctx.credentials?.username ?? '';
    if (code === PAP_CODE.AuthAck) this.finish({ ok: true, protocol: 'pap', username });
    else this.finish({ ok: false, protocol: 'pap', kind: 'peer-failure', reason: 'PAP authentication refused by peer', username });
  }

  private finish(o: Parameters<AuthContext['finished']>[0]): void {
    this.done = true;
    this.timer?.cancel();
    this.ctx.finished(o);
  }

  dispose(): void {
    this.done = true;
    this.timer?.cancel();
  }
}
