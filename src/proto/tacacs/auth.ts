/**
 * PPP authentication, authorization and accounting through TACACS+:
 *
 * - PAP: authentication START, authen_type PAP, minor version 1, data = password.
 * - CHAP: START authen_type CHAP, data = CHAP id | challenge | response (RFC 8907 5.4.2.3).
 * - MS-CHAP v1/v2: refused ('unsupported'). TACACS+ has no way to return MPPE
 *   keys (seed 003: "TACACS+ servers are not capable of returning special MPPE
 *   keys"), and the classic tac_plus fails MS-CHAPv1 and rejects MS-CHAPv2.
 * - After PASS: authorization `service=ppp protocol=ip`; an `addr=` in the
 *   reply becomes framedIp; FAIL refuses the user.
 * - Accounting START / WATCHDOG / STOP records with PPP arguments.
 */
import type { Clock } from '../../util/clock.js';
import { authenOutcome, type AaaDebugSink } from '../aaa/debug-events.js';
import type { AuthRequest, AuthResult } from '../authenticator.js';
import type { AccountingSession } from '../radius/accounting.js';
import type { AuthContext } from '../radius/auth.js';
import type { TerminateCauseName } from '../radius/dictionary.js';
import type { TacacsClient } from './client.js';
import type { TacacsDebugSink } from './debug-events.js';
import {
  AcctFlags,
  AcctStatus,
  AuthenAction,
  AuthenMethod,
  AuthenService,
  AuthenStatus,
  AuthenType,
  AuthorStatus,
  PacketType,
  decodeAcctReply,
  decodeAuthenReply,
  decodeAuthorReply,
  encodeAcctRequest,
  encodeAuthenStart,
  encodeAuthorRequest,
  parseArg,
} from './codec.js';

export interface TacacsAuthOptions {
  client: TacacsClient;
  debug: TacacsDebugSink;
  group: string;
  /** Ask for `service=ppp protocol=ip` after a PASS (default true). */
  authorize?: boolean;
  /** The port field (e.g. the PPP virtual interface name). */
  port?: string;
}

export class TacacsAuthenticator {
  constructor(private readonly options: TacacsAuthOptions) {}

  async authenticate(req: AuthRequest, ctx: AuthContext = {}): Promise<AuthResult> {
    const d = this.options.debug;
    if (d.on('aaa authentication')) d.emit({ kind: 'authen-start', protocol: 'tacacs+', user: req.username, method: req.method, group: this.options.group });
    const result = await this.run(req, ctx);
    if (d.on('aaa authentication')) d.emit({ kind: 'authen-result', user: req.username, outcome: authenOutcome(result) });
    return result;
  }

  private async run(req: AuthRequest, ctx: AuthContext): Promise<AuthResult> {
    const d = this.options.debug;
    let authenType: number;
    let data: Buffer;
    switch (req.method) {
      case 'pap':
        authenType = AuthenType.Pap;
        data = Buffer.from(req.password, 'utf8');
        break;
      case 'chap':
        authenType = AuthenType.Chap;
        data = Buffer.concat([Buffer.from([req.id & 0xff]), req.challenge, req.response]);
        break;
      default:
        return { ok: false, reason: 'unsupported', message: 'E=691 R=0 V=3' };
    }
    const user = Buffer.from(req.username, 'utf8');
    const port = Buffer.from(this.options.port ?? (ctx.nasPort !== undefined ? `Virtual${ctx.nasPort}` : ''), 'utf8');
    const remAddr = Buffer.from(ctx.callingStationId ?? '', 'utf8');
    if (user.length > 255 || data.length > 255) return { ok: false, reason: 'denied' };
    const body = encodeAuthenStart({ action: AuthenAction.Login, privLvl: 1, authenType, service: AuthenService.Ppp, user, port, remAddr, data });
    if (d.on('tacacs')) d.emit({ kind: 'authen-start-created', user: req.username, method: req.method });
    const out = await this.options.client.exchange(PacketType.Authen, 1, body, req.username);
    if (!out.ok) return { ok: false, reason: 'unreachable', ...(out.unanswered ? { unanswered: out.unanswered } : {}) };
    const reply = decodeAuthenReply(out.body);
    if (!reply) {
      this.options.client.noteMalformed(out.server, req.username);
      return { ok: false, reason: 'unreachable' };
    }
    if (d.on('tacacs')) d.emit({ kind: 'authen-reply', user: req.username, status: reply.status });
    const msg = reply.serverMsg.length ? reply.serverMsg.toString('utf8') : undefined;
    if (reply.status === AuthenStatus.Fail) return msg ? { ok: false, reason: 'denied', message: msg } : { ok: false, reason: 'denied' };
    if (reply.status !== AuthenStatus.Pass) return { ok: false, reason: reply.status === AuthenStatus.Error ? 'unreachable' : 'denied' };
    const result: AuthResult & { ok: true } = { ok: true, username: req.username };
    if (this.options.authorize === false) return result;
    const a = await this.authorizePpp(user, port, remAddr, authenType, req.username);
    if (a === 'fail') return { ok: false, reason: 'denied', message: 'Authorization failed' };
    if (a === 'unreachable') return { ok: false, reason: 'unreachable' };
    if (a.addr) result.framedIp = a.addr;
    if (a.timeout !== undefined) result.sessionTimeout = a.timeout * 60;
    if (a.idletime !== undefined) result.idleTimeout = a.idletime * 60;
    return result;
  }

  private async authorizePpp(
    user: Buffer,
    port: Buffer,
    remAddr: Buffer,
    authenType: number,
    name: string,
  ): Promise<{ addr?: string; timeout?: number; idletime?: number } | 'fail' | 'unreachable'> {
    const d = this.options.debug;
    const args = ['service=ppp', 'protocol=ip'];
    const body = encodeAuthorRequest({
      authenMethod: AuthenMethod.TacacsPlus,
      privLvl: 1,
      authenType,
      service: AuthenService.Ppp,
      user,
      port,
      remAddr,
      args,
    });
    if (d.on('tacacs')) d.emit({ kind: 'author-request-created', user: name, args });
    const out = await this.options.client.exchange(PacketType.Author, 0, body, name);
    if (!out.ok) return 'unreachable';
    const r = decodeAuthorReply(out.body);
    if (!r) {
      this.options.client.noteMalformed(out.server, name);
      return 'unreachable';
    }
    if (d.on('tacacs')) d.emit({ kind: 'author-reply', user: name, status: r.status, args: r.args });
    if (r.status === AuthorStatus.Fail) return 'fail';
    if (r.status !== AuthorStatus.PassAdd && r.status !== AuthorStatus.PassRepl) return 'unreachable';
    const res: { addr?: string; timeout?: number; idletime?: number } = {};
    for (const raw of r.args) {
      const a = parseArg(raw);
      if (!a) continue;
      if (a.name === 'addr' && /^\d{1,3}(\.\d{1,3}){3}$/.test(a.value)) res.addr = a.value;
      if (a.name === 'timeout' && /^\d+$/.test(a.value)) res.timeout = Number(a.value);
      if (a.name === 'idletime' && /^\d+$/.test(a.value)) res.idletime = Number(a.value);
    }
    return res;
  }
}

export interface TacacsAccountingStats {
  sent: number;
  acknowledged: number;
  failed: number;
}

/** TACACS+ accounting: START, WATCHDOG (interim) and STOP, sent once per event over the failover list. */
export class TacacsAccounting {
  private readonly s: TacacsAccountingStats = { sent: 0, acknowledged: 0, failed: 0 };
  private taskId = 0;
  private readonly tasks = new Map<string, number>();

  constructor(
    private readonly options: { client: TacacsClient; clock: Clock; debug: AaaDebugSink; port?: string },
  ) {}

  start(s: AccountingSession): Promise<boolean> {
    this.tasks.set(s.sessionId, ++this.taskId);
    return this.send(AcctFlags.Start, s);
  }

  interim(s: AccountingSession): Promise<boolean> {
    return this.send(AcctFlags.Watchdog, s);
  }

  stop(s: AccountingSession, cause: TerminateCauseName): Promise<boolean> {
    const p = this.send(AcctFlags.Stop, s, cause);
    this.tasks.delete(s.sessionId);
    return p;
  }

  stats(): TacacsAccountingStats {
    return { ...this.s };
  }

  private async send(flags: number, s: AccountingSession, cause?: TerminateCauseName): Promise<boolean> {
    const args = [`task_id=${this.tasks.get(s.sessionId) ?? ++this.taskId}`, 'service=ppp', 'protocol=ip'];
    if (s.framedIp) args.push(`addr=${s.framedIp}`);
    if (flags !== AcctFlags.Start) {
      const c = s.counters();
      args.push(
        `elapsed_time=${Math.max(0, Math.floor((this.options.clock.now() - s.startedAt) / 1000))}`,
        `bytes_in=${c.inputOctets}`,
        `bytes_out=${c.outputOctets}`,
        `paks_in=${c.inputPackets}`,
        `paks_out=${c.outputPackets}`,
      );
      if (cause) args.push(`disc-cause-ext=${cause}`);
    }
    const body = encodeAcctRequest({
      flags,
      authenMethod: s.authentic === 'Local' ? AuthenMethod.Local : AuthenMethod.TacacsPlus,
      privLvl: 1,
      authenType: 0,
      service: AuthenService.Ppp,
      user: Buffer.from(s.username, 'utf8'),
      port: Buffer.from(this.options.port ?? (s.nasPort !== undefined ? `Virtual${s.nasPort}` : ''), 'utf8'),
      remAddr: Buffer.from(s.callingStationId ?? '', 'utf8'),
      args,
    });
    this.s.sent++;
    const out = await this.options.client.exchange(PacketType.Acct, 0, body, s.username);
    const r = out.ok ? decodeAcctReply(out.body) : undefined;
    if (out.ok && !r) this.options.client.noteMalformed(out.server, s.username);
    const ok = !!r && r.status === AcctStatus.Success;
    if (ok) this.s.acknowledged++;
    else this.s.failed++;
    if (this.options.debug.on('aaa accounting')) {
      const record = flags === AcctFlags.Start ? 'Start' : flags === AcctFlags.Stop ? 'Stop' : 'Interim-Update';
      this.options.debug.emit({ kind: 'acct-tacacs-answer', sessionId: s.sessionId, user: s.username, record, acknowledged: ok });
    }
    return ok;
  }
}
