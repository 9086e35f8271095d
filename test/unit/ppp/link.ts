/**
 * Test helpers: a fake Authenticator that computes with the crypto
 * functions, and a server + client PppSession pair over an in-memory link.
 * Frames are queued, never delivered re-entrantly, as GRE would.
 */
import { createHash } from 'node:crypto';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES, type LogLine } from '../../../src/debug/bus.js';
import type { AuthRequest, AuthResult, Authenticator } from '../../../src/proto/authenticator.js';
import {
  mppeMasterKeysV1,
  mppeMasterKeysV2,
  mschapV1Response,
  mschapV2AuthenticatorResponse,
  mschapV2NtResponse,
} from '../../../src/proto/crypto/mschap.js';
import { PppSession, type PppGroupSettings, type PppSessionOptions, type PppUpInfo } from '../../../src/proto/ppp/session.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

export class FakeAuthenticator implements Authenticator {
  calls: AuthRequest[] = [];
  /** set to drop MPPE keys from answers (a RADIUS server without MS-MPPE keys) */
  withoutKeys = false;
  constructor(private readonly users: Record<string, string>) {}

  async authenticate(req: AuthRequest): Promise<AuthResult> {
    this.calls.push(req);
    const pw = this.users[req.username];
    if (pw === undefined) return { ok: false, reason: 'denied' };
    switch (req.method) {
      case 'pap':
        return req.password === pw ? { ok: true, username: req.username } : { ok: false, reason: 'denied' };
      case 'chap': {
        const h = createHash('md5').update(Buffer.from([req.id])).update(pw).update(req.challenge).digest();
        return h.equals(req.response) ? { ok: true, username: req.username } : { ok: false, reason: 'denied' };
      }
      case 'mschap':
        if (!mschapV1Response(req.challenge, pw).equals(req.ntResponse)) return { ok: false, reason: 'denied' };
        return { ok: true, username: req.username, mppe: this.withoutKeys ? undefined : mppeMasterKeysV1(pw, 'server', req.challenge) };
      case 'mschap-v2': {
        const nt = mschapV2NtResponse(req.authChallenge, req.peerChallenge, req.username, pw);
        if (!nt.equals(req.ntResponse)) return { ok: false, reason: 'denied' };
        return {
          ok: true,
          username: req.username,
          authenticatorResponse: mschapV2AuthenticatorResponse(pw, nt, req.peerChallenge, req.authChallenge, req.username),
          mppe: this.withoutKeys ? undefined : mppeMasterKeysV2(pw, nt, 'server'),
        };
      }
    }
  }
}

export function allDebug(now: () => number): { bus: DebugBus; lines: LogLine[]; texts: () => string[] } {
  const bus = new DebugBus(now);
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  return { bus, lines, texts: () => lines.map((l) => (l.kind === 'syslog' ? `${l.id}: ${l.text}` : l.text)) };
}

export interface PairOptions {
  server?: Partial<PppGroupSettings>;
  client?: Partial<PppGroupSettings>;
  username?: string;
  password?: string;
  users?: Record<string, string>;
  pool?: string[];
  serverExtra?: Partial<PppSessionOptions>;
  clientExtra?: Partial<PppSessionOptions>;
}

export function makePair(o: PairOptions = {}) {
  const clock = new FakeClock();
  const sdbg = allDebug(() => clock.now());
  const cdbg = allDebug(() => clock.now());
  const queue: { to: 'server' | 'client'; frame: Buffer }[] = [];
  /** every frame either side sent, in order (copies) */
  const log: { to: 'server' | 'client'; frame: Buffer }[] = [];
  const events = {
    serverUp: undefined as PppUpInfo | undefined,
    clientUp: undefined as PppUpInfo | undefined,
    serverDown: undefined as string | undefined,
    clientDown: undefined as string | undefined,
    serverIp: [] as Buffer[],
    clientIp: [] as Buffer[],
    released: [] as string[],
  };
  const pool = [...(o.pool ?? ['172.16.1.1', '172.16.1.2'])];
  const authenticator = new FakeAuthenticator(o.users ?? { john: 'cisco123' });
  const server = new PppSession({
    role: 'server',
    pppIfId: 1,
    send: (f) => {
      queue.push({ to: 'client', frame: f });
      log.push({ to: 'client', frame: Buffer.from(f) });
    },
    clock,
    debug: new CiscoPppDebug(sdbg.bus),
    ifName: 'outside',
    group: { authProtocols: ['mschap'], dns: [], wins: [], localAddress: '99.99.99.2', ...o.server },
    authenticator,
    allocateAddress: () => pool.shift(),
    releaseAddress: (a) => events.released.push(a),
    onUp: (i) => (events.serverUp = i),
    onDown: (r) => (events.serverDown = r),
    onIpPacket: (p) => events.serverIp.push(Buffer.from(p)),
    ...o.serverExtra,
  });
  const client = new PppSession({
    role: 'client',
    pppIfId: 2,
    send: (f) => {
      queue.push({ to: 'server', frame: f });
      log.push({ to: 'server', frame: Buffer.from(f) });
    },
    clock,
    debug: new CiscoPppDebug(cdbg.bus),
    ifName: 'client',
    group: { authProtocols: ['mschap-v2', 'mschap', 'chap', 'pap'], dns: [], wins: [], ...o.client },
    credentials: { username: o.username ?? 'john', password: o.password ?? 'cisco123' },
    onUp: (i) => (events.clientUp = i),
    onDown: (r) => (events.clientDown = r),
    onIpPacket: (p) => events.clientIp.push(Buffer.from(p)),
    ...o.clientExtra,
  });
  /** Deliver queued frames (and let the async authenticator answer) until quiet. */
  async function run(maxRounds = 200): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      while (queue.length) {
        const m = queue.shift()!;
        (m.to === 'server' ? server : client).input(m.frame);
      }
      await new Promise((r) => setImmediate(r));
      if (!queue.length) return;
    }
    throw new Error('link never went quiet');
  }
  return { clock, server, client, queue, log, events, run, sdbg, cdbg, authenticator, pool };
}

/** A minimal valid IPv4/UDP packet (checksum right, so MPPE's sanity checks pass). */
export function ipPacket(src: string, dst: string, payload = Buffer.from('hello')): Buffer {
  const total = 20 + 8 + payload.length;
  const b = Buffer.alloc(total);
  b[0] = 0x45;
  b.writeUInt16BE(total, 2);
  b[8] = 64;
  b[9] = 17;
  Buffer.from(src.split('.').map(Number)).copy(b, 12);
  Buffer.from(dst.split('.').map(Number)).copy(b, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b.writeUInt16BE(~sum & 0xffff, 10);
  b.writeUInt16BE(1024, 20);
  b.writeUInt16BE(53, 22);
  b.writeUInt16BE(8 + payload.length, 24);
  payload.copy(b, 28);
  return b;
}
