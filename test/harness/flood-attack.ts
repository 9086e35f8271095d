/**
 * The attacker of test/e2e/robust-netns-floods.test.ts, run inside its own
 * namespace. One bounded flood per run, then one line
 *   DONE {...what was sent and what the server answered}
 * and the process exits by itself (at the latest after MAX_RUN_MS).
 *
 *   flood-attack tcp    SERVER LOCAL QUICK SILENT   QUICK connects closed at once,
 *                                                   then SILENT that never send anything
 *   flood-attack sccrq  SERVER LOCAL N HOLD_MS      N control connections, each an SCCRQ
 *   flood-attack gre    SERVER LOCAL N VICTIM_CALL  N raw GRE packets: unknown call ids,
 *                                                   truncated garbage, the victim's call id
 *   flood-attack brute  SERVER LOCAL USER PASSWORD WRONG REFUSED
 *                                                   WRONG dials with wrong passwords,
 *                                                   then REFUSED with the right one
 */
import net from 'node:net';
import { dialPptp } from '../../src/client/dial.js';
import { DialError } from '../../src/client/failure.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';
import { encodeGre } from '../../src/proto/gre/wire.js';

const MAX_RUN_MS = 30_000;
const PORT = 1723;
/** An SCCRQ (RFC 2637 2.1): length 156, magic cookie, type 1, protocol 1.0, framing/bearer, max channels, firmware, host and vendor empty. */
const SCCRQ = Buffer.from('009c00011a2b3c4d00010000010000000000000100000001ffff0001' + '00'.repeat(128), 'hex');

const [mode, server, local, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];
const hardStop = setTimeout(() => {
  process.stdout.write('TIMEOUT\n');
  process.exit(2);
}, MAX_RUN_MS);

const done = (r: object) => {
  process.stdout.write(`DONE ${JSON.stringify(r)}\n`);
  clearTimeout(hardStop);
};

interface Conn {
  sock: net.Socket;
  openedAt: number;
  closedAt?: number;
  firstData?: Buffer;
  closed: Promise<void>;
}

/** Connects from LOCAL; undefined when the connection fails. */
function connect(): Promise<Conn | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: server, port: PORT, localAddress: local });
    let closedResolve!: () => void;
    const c: Conn = { sock, openedAt: 0, closed: new Promise((r) => (closedResolve = r)) };
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => (c.firstData ??= Buffer.from(d)));
    sock.once('close', () => {
      c.closedAt = Date.now();
      closedResolve();
      resolve(undefined);
    });
    sock.once('connect', () => {
      c.openedAt = Date.now();
      resolve(c);
    });
  });
}

/** p, or 'late' after ms; the timer does not keep the process alive. */
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<'late'>((r) => setTimeout(() => r('late'), ms).unref())]);

async function tcpFlood(quick: number, silent: number): Promise<void> {
  let quickConnected = 0;
  let quickCloseMaxMs = 0;
  // in batches of 10: connect, FIN, wait (bounded) for the server to close its side
  for (let i = 0; i < quick; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, quick - i) }, () => connect()));
    for (const c of batch) {
      if (!c) continue;
      quickConnected++;
      c.sock.resume();
      c.sock.end();
    }
    await within(Promise.all(batch.map((c) => c?.closed)), 2000);
    for (const c of batch) {
      if (!c) continue;
      quickCloseMaxMs = Math.max(quickCloseMaxMs, (c.closedAt ?? Date.now()) - c.openedAt);
      c.sock.destroy();
    }
  }
  const held: Conn[] = [];
  for (let i = 0; i < silent; i++) {
    const c = await connect();
    if (c) {
      c.sock.resume();
      held.push(c);
    }
  }
  // Half-open: we never send; the server must close them at its setup timeout.
  await within(Promise.all(held.map((c) => c.closed)), 15_000);
  const lifetimes = held.map((c) => (c.closedAt === undefined ? -1 : c.closedAt - c.openedAt));
  for (const c of held) c.sock.destroy();
  done({
    quick,
    quickConnected,
    quickCloseMaxMs,
    silent: held.length,
    closedByServer: lifetimes.filter((l) => l >= 0).length,
    bytesFromServer: held.reduce((n, c) => n + (c.firstData?.length ?? 0), 0),
    minLifetimeMs: Math.min(...lifetimes),
    maxLifetimeMs: Math.max(...lifetimes),
  });
}

async function sccrqStorm(n: number, holdMs: number): Promise<void> {
  const conns: Conn[] = [];
  let connectFailed = 0;
  for (let i = 0; i < n; i++) {
    const c = await connect();
    if (!c) {
      connectFailed++;
      continue;
    }
    c.sock.write(SCCRQ);
    conns.push(c);
  }
  await new Promise((r) => setTimeout(r, holdMs));
  // message type 2 = SCCRP (RFC 2637: length, PPTP type 1, cookie, control type at octet 8)
  const sccrp = conns.filter((c) => c.firstData && c.firstData.length >= 10 && c.firstData.readUInt16BE(8) === 2).length;
  const closedUnanswered = conns.filter((c) => c.closedAt !== undefined && !c.firstData).length;
  for (const c of conns) c.sock.destroy();
  await within(Promise.all(conns.map((c) => c.closed)), 3000);
  done({ sent: conns.length, connectFailed, sccrp, closedUnanswered });
}

async function greFlood(n: number, victimCall: number): Promise<void> {
  const gre = openGreSocket({ localAddress: local });
  const sent = { unknown: 0, garbage: 0, spoofed: 0 };
  const lcpConfReq = Buffer.from('ff03c021010100040000', 'hex');
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) {
      // a call id no call has (ids above 60000 are never handed out this early)
      gre.send(server, encodeGre({ callId: 60000 + (i % 5000), seq: i }, lcpConfReq));
      sent.unknown++;
    } else if (i % 3 === 1) {
      gre.send(server, Buffer.from([0x30, 0x81, 0x08, 0x0b, i & 0xff])); // header cut short
      sent.garbage++;
    } else {
      // the victim's call id from the wrong source address
      gre.send(server, encodeGre({ callId: victimCall, seq: i }, Buffer.from('ff03c021050100040000', 'hex')));
      sent.spoofed++;
    }
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 200));
  const stats = { ...gre.stats };
  gre.close();
  done({ ...sent, txPackets: stats.txPackets, txErrors: stats.txErrors });
}

async function bruteForce(username: string, password: string, wrong: number, refused: number): Promise<void> {
  const gre = openGreSocket({ localAddress: local });
  const attempt = async (pw: string) => {
    const t0 = Date.now();
    try {
      const c = await dialPptp({ server, gre, localAddress: local, username, password: pw, profile: 'windows10', authProtocols: ['mschap-v2'], timeoutMs: 5000 });
      await c.hangup();
      return { ok: true, ms: Date.now() - t0 };
    } catch (e) {
      return { ok: false, reason: e instanceof DialError ? e.reason : String(e), ms: Date.now() - t0 };
    }
  };
  const wrongResults = [];
  for (let i = 0; i < wrong; i++) wrongResults.push(await attempt(`guess-${i}`));
  const refusedResults = [];
  for (let i = 0; i < refused; i++) refusedResults.push(await attempt(password));
  gre.close();
  done({ wrong: wrongResults, refused: refusedResults });
}

const num = (i: number) => Number(rest[i]);
const run =
  mode === 'tcp'
    ? tcpFlood(num(0), num(1))
    : mode === 'sccrq'
      ? sccrqStorm(num(0), num(1))
      : mode === 'gre'
        ? greFlood(num(0), num(1))
        : mode === 'brute'
          ? bruteForce(rest[0]!, rest[1]!, num(2), num(3))
          : Promise.reject(new Error(`unknown mode ${mode}`));
run.catch((e: unknown) => {
  process.stdout.write(`ERROR ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
