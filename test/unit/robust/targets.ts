/**
 * The decoders and engines a fuzz-corpus file can name, each behind one
 * function: feed the chunks, return the counters where the rejections
 * must show up. Used by corpus.test.ts (replay of
 * test/fixtures/fuzz-corpus/*.hex).
 *
 * Corpus file layout:
 *   # target: <one of TARGETS>
 *   # expect: <counter key that must be > 0 after the replay>
 *   # why: <what makes this input nasty>
 *   <hex, whitespace ignored; '|' separates chunks / frames / datagrams>
 */
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES } from '../../../src/debug/bus.js';
import { PptpControlConnection } from '../../../src/proto/pptp/server-control.js';
import { CiscoPptpDebug } from '../../../src/debug/cisco-pptp.js';
import { decodeGre } from '../../../src/proto/gre/wire.js';
import { PppSession } from '../../../src/proto/ppp/session.js';
import { MppeDecryptor } from '../../../src/proto/ppp/mppe.js';
import { decodePacket } from '../../../src/proto/radius/codec.js';
import { PacketReader } from '../../../src/proto/tacacs/codec.js';
import { parseLine } from '../../../grammar/index.js';
import type { AuthProtocol } from '../../../src/config/model.js';
import { makePair } from '../ppp/link.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

export interface CorpusEntry {
  name: string;
  target: string;
  expect: string;
  why: string;
  chunks: Buffer[];
}

export function parseCorpusFile(name: string, text: string): CorpusEntry {
  const meta: Record<string, string> = {};
  const body: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s*(\w+):\s*(.*)$/.exec(line);
    if (m) meta[m[1]!] = m[2]!.trim();
    else if (!line.startsWith('#')) body.push(line);
  }
  const hex = body.join('').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F|]*$/.test(hex)) throw new Error(`${name}: not hex`);
  const chunks = hex.split('|').map((h) => {
    if (h.length % 2) throw new Error(`${name}: odd number of hex digits`);
    return Buffer.from(h, 'hex');
  });
  if (!meta.target || !meta.expect) throw new Error(`${name}: needs '# target:' and '# expect:'`);
  return { name, target: meta.target, expect: meta.expect, why: meta.why ?? '', chunks };
}

function bus(clock: FakeClock): { bus: DebugBus; lines: () => number } {
  const b = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) b.enable(c);
  let n = 0;
  b.subscribe(() => n++);
  return { bus: b, lines: () => n };
}

export interface ReplayResult {
  counters: Record<string, number>;
  /** Timers still pending after the engine was closed (must be 0). */
  pendingTimers: number;
}

function pptpStream(chunks: Buffer[]): ReplayResult {
  const clock = new FakeClock();
  const { bus: b } = bus(clock);
  const conn = new PptpControlConnection({
    tunnelId: 1,
    send: () => {},
    clock,
    debug: new CiscoPptpDebug(b),
    ifName: 'outside',
    peerAddress: '127.0.0.9',
    localHostName: 'pixfirewall',
    vendor: 'Cisco Systems',
    echoIntervalSeconds: 60,
    callbacks: {
      onOutgoingCallRequest: () => ({ accept: true, callId: 1 }),
      onCallClear: () => {},
      onSetLinkInfo: () => {},
      onWanError: () => {},
      onClosed: () => {},
    },
  });
  for (const c of chunks) conn.receive(c);
  const counters = { ...conn.status().errors, ...(conn.isClosed ? { closed: 1 } : {}) };
  conn.close('replay end');
  return { counters, pendingTimers: clock.pending() };
}

function gre(chunks: Buffer[]): ReplayResult {
  const counters: Record<string, number> = {};
  for (const c of chunks) {
    const r = decodeGre(c);
    const key = r.ok ? 'ok' : `gre-${r.error.code}`;
    counters[key] = (counters[key] ?? 0) + 1;
  }
  return { counters, pendingTimers: 0 };
}

function pppServer(chunks: Buffer[]): ReplayResult {
  const clock = new FakeClock();
  const { bus: b } = bus(clock);
  const s = new PppSession({
    role: 'server',
    pppIfId: 1,
    send: () => {},
    clock,
    debug: new CiscoPppDebug(b),
    ifName: 'outside',
    group: { authProtocols: ['mschap-v2'], dns: [], wins: [], localAddress: '10.0.0.1', mppe: { strength: 128, required: true, stateful: false } },
    authenticator: { authenticate: async () => ({ ok: false, reason: 'denied' }) },
    allocateAddress: () => '10.0.0.2',
    onUp: () => {},
    onDown: () => {},
    onIpPacket: () => {},
  });
  s.start();
  for (const c of chunks) s.input(c);
  const counters = { ...s.status().errors };
  s.abort('replay end');
  return { counters, pendingTimers: clock.pending() };
}

async function pppAuth(proto: AuthProtocol, chunks: Buffer[]): Promise<ReplayResult> {
  const pair = makePair({ server: { authProtocols: [proto] }, client: { authProtocols: [proto] } });
  pair.server.start();
  pair.client.start();
  for (let round = 0; round < 100 && pair.server.status().phase !== 'authenticate'; round++) {
    while (pair.queue.length && pair.server.status().phase !== 'authenticate') {
      const m = pair.queue.shift()!;
      (m.to === 'server' ? pair.server : pair.client).input(m.frame);
    }
    await new Promise((r) => setImmediate(r));
  }
  if (pair.server.status().phase !== 'authenticate') throw new Error(`${proto}: server never reached Authenticate`);
  for (const c of chunks) {
    pair.server.input(c);
    await new Promise((r) => setImmediate(r));
  }
  const st = pair.server.status();
  const counters: Record<string, number> = { ...st.errors, authenticatorCalls: pair.authenticator.calls.length };
  if (pair.events.serverUp) counters.up = 1;
  pair.server.abort('replay end');
  pair.client.abort('replay end');
  return { counters, pendingTimers: pair.clock.pending() };
}

function mppe(chunks: Buffer[]): ReplayResult {
  const d = new MppeDecryptor({ masterKey: Buffer.alloc(16, 0x42), bits: 128, stateless: true });
  const counters: Record<string, number> = {};
  for (const c of chunks) {
    const r = d.decrypt(c);
    // A replay entry needs one good packet first: 'accepted', not 'ok' (which the corpus test forbids).
    const key = r.ok ? 'accepted' : r.reason;
    counters[key] = (counters[key] ?? 0) + 1;
  }
  for (const [k, v] of Object.entries(d.stats)) counters[`stats.${k}`] = v;
  return { counters, pendingTimers: 0 };
}

function radiusReply(chunks: Buffer[]): ReplayResult {
  const counters: Record<string, number> = {};
  for (const c of chunks) {
    const r = decodePacket(c);
    const key = r.ok ? 'ok' : r.reason;
    counters[key] = (counters[key] ?? 0) + 1;
  }
  return { counters, pendingTimers: 0 };
}

function tacacsStream(chunks: Buffer[]): ReplayResult {
  const reader = new PacketReader();
  const counters: Record<string, number> = {};
  for (const c of chunks) {
    const r = reader.push(c);
    counters.packets = (counters.packets ?? 0) + r.packets.length;
    if (r.error) counters[r.error] = (counters[r.error] ?? 0) + 1;
  }
  return { counters, pendingTimers: 0 };
}

function command(chunks: Buffer[]): ReplayResult {
  const counters: Record<string, number> = {};
  for (const c of chunks) {
    for (const mode of ['exec', 'enable', 'config'] as const) {
      const r = parseLine(c.toString('latin1'), mode);
      // parseLine turns a throw inside the parser into '% Internal error': a bug, counted apart.
      const key = r.kind !== 'error' ? r.kind : r.lines.some((l) => l.startsWith('% Internal error')) ? 'internal-error' : 'rejected';
      counters[key] = (counters[key] ?? 0) + 1;
    }
  }
  return { counters, pendingTimers: 0 };
}

export const TARGETS: Record<string, (chunks: Buffer[]) => ReplayResult | Promise<ReplayResult>> = {
  'pptp-stream': pptpStream,
  gre,
  'ppp-server': pppServer,
  'ppp-auth-pap': (c) => pppAuth('pap', c),
  'ppp-auth-chap': (c) => pppAuth('chap', c),
  'ppp-auth-mschap': (c) => pppAuth('mschap', c),
  'ppp-auth-mschap-v2': (c) => pppAuth('mschap-v2', c),
  mppe,
  'radius-reply': radiusReply,
  'tacacs-stream': tacacsStream,
  command,
};
