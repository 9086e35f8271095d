/**
 * Bounded floods against the real PptpServer in process (loopback TCP,
 * memory GRE/TUN, FakeClock for the protocol timers). In each test an
 * already established session (127.0.0.2) pings 3/3 during and after the
 * flood; every flood is bounded in count and stops by itself; afterwards
 * the server's tunnels, pool leases, timers, sockets, file descriptors and
 * heap are back to their baseline, and every refusal is counted in
 * status().errors (and shown under `debug vpdn error` / syslog).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DialError } from '../../src/client/failure.js';
import type { PptpClient } from '../../src/client/dial.js';
import type { VpnConfig } from '../../src/config/model.js';
import { encodeGre } from '../../src/proto/gre/wire.js';
import type { GreCallWindow } from '../../src/proto/gre/window.js';
import { settle, startRig, until, vpnConfig, TUNNEL_IP, type Rig } from './inprocess-harness.js';
import { backToBaseline, snapshot, type Snapshot } from '../unit/robust/leaks.js';

const SCCRQ_HEX =
  '009c00011a2b3c4d00010000010000000000000100000001ffff0001' + '00'.repeat(128);

function withLimits(limits: VpnConfig['limits'], o: { mppe?: boolean } = {}): VpnConfig {
  const c = vpnConfig({
    auth: ['mschap-v2', 'mschap', 'chap', 'pap'],
    pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.50'] },
    mppe: o.mppe ? { strength: 128, required: true, stateful: false } : undefined,
  });
  c.limits = limits;
  return c;
}

interface Flood {
  rig: Rig;
  a: PptpClient;
  base: Snapshot;
  timersBase: number;
}

/** The rig and the established session that must survive. */
async function withVictim(cfg: VpnConfig, fn: (f: Flood) => Promise<void>): Promise<void> {
  const pre = await snapshot();
  const rig = await startRig(cfg);
  try {
    const a = await rig.dial({ localAddress: '127.0.0.2', authProtocols: ['mschap-v2'] });
    assert.equal((await a.ping(TUNNEL_IP, { count: 3 })).received, 3, 'victim up before the flood');
    const base = await snapshot();
    const f: Flood = { rig, a, base, timersBase: rig.fake!.pending() };
    await fn(f);
    assert.equal((await a.ping(TUNNEL_IP, { count: 3 })).received, 3, 'victim passes traffic after the flood');
    assert.equal(rig.server.status().tunnels.length, 1, 'only the victim tunnel is left');
    assert.equal(rig.server.status().pools[0]!.inUse, 1, 'only the victim holds a lease');
    assert.ok(rig.fake!.pending() <= f.timersBase, `protocol timers back to baseline (${rig.fake!.pending()} > ${f.timersBase})`);
    await backToBaseline(base, { what: 'after the flood' });
    await a.hangup();
    await until(() => rig.server.status().tunnels.length === 0, 'victim gone');
  } finally {
    await rig.close();
  }
  await settle(30);
  await backToBaseline(pre, { what: 'after close' });
}

/** Pings the victim while `work` runs: 3/3 expected. */
async function pingDuring(a: PptpClient, work: Promise<unknown>): Promise<void> {
  const [p] = await Promise.all([a.ping(TUNNEL_IP, { count: 3, intervalMs: 5 }), work]);
  assert.equal(p.received, 3, 'victim passes traffic during the flood');
}

function connect(port: number, localAddress: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('close', () => reject(new Error('closed before connect')));
  });
}

function closedSoon(s: net.Socket): Promise<void> {
  return new Promise((r) => (s.destroyed ? r() : s.once('close', () => r())));
}

test('half-open flood: 150 connections that never send SCCRQ are closed at the setup timeout and counted', async () => {
  await withVictim(withLimits({ setupTimeoutSeconds: 5 }), async ({ rig, a }) => {
    const N = 150;
    const socks: net.Socket[] = [];
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < N; i++) {
          const s = await connect(rig.port(), '127.0.0.3');
          s.resume(); // read what the server sends (nothing until it closes)
          socks.push(s);
        }
      })(),
    );
    await until(() => rig.server.status().tunnels.length === N + 1, 'half-open tunnels accepted');
    assert.ok(rig.server.status().tunnels.filter((t) => t.state === 'wt-sccrq').length === N);
    rig.fake!.advance(4_999);
    assert.equal(rig.server.status().tunnels.length, N + 1, 'not before the timeout');
    rig.fake!.advance(1);
    await Promise.all(socks.map(closedSoon));
    await until(() => rig.server.status().tunnels.length === 1, 'half-open tunnels closed');
    assert.equal(rig.server.status().errors['pptp-sccrq-timeout'], N, 'each timeout counted (also after the tunnel is gone)');
    assert.equal(rig.texts().filter((t) => /no SCCRQ in 5 secs, dropping connection/.test(t)).length, N);
  });
});

test('SCCRQ storm: 120 control connections, per-source limit 40, refusals counted, the source is free again after', async () => {
  await withVictim(withLimits({ maxPerSource: 40 }), async ({ rig, a }) => {
    const N = 120;
    const socks: net.Socket[] = [];
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < N; i++) {
          const s = await connect(rig.port(), '127.0.0.4').catch(() => undefined);
          if (!s) continue;
          s.resume();
          s.write(Buffer.from(SCCRQ_HEX, 'hex'));
          socks.push(s);
        }
      })(),
    );
    await until(() => rig.server.status().tunnels.filter((t) => t.remoteAddress === '127.0.0.4').length === 40, '40 tunnels from the storm');
    await until(() => (rig.server.status().errors['tunnel-refused-per-source-limit'] ?? 0) === N - 40, 'refusals counted');
    await settle(50);
    assert.equal(rig.server.status().tunnels.filter((t) => t.state === 'estabd').length, 41, 'accepted ones are established (SCCRP sent)');
    assert.ok(rig.texts().includes('PPTP: connection from 127.0.0.4 refused: per-source limit'));
    for (const s of socks) s.destroy();
    await until(() => rig.server.status().tunnels.length === 1, 'storm tunnels gone');
    // The per-source count follows closed tunnels: the source may dial again.
    const again = await rig.dial({ localAddress: '127.0.0.4', authProtocols: ['mschap-v2'] });
    assert.equal((await again.ping(TUNNEL_IP, { count: 1 })).received, 1);
    await again.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'second dial gone');
  });
});

test('GRE flood: unknown call ids, garbage and spoofed sources are dropped and counted', async () => {
  await withVictim(withLimits(undefined), async ({ rig, a }) => {
    const attacker = rig.endpoint('127.0.0.5');
    const N = 3000;
    const before = { ...rig.server.status().errors };
    const victimCall = rig.server.status().sessions[0]!.callId;
    let sent = { unknown: 0, garbage: 0, spoofed: 0 };
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < N; i++) {
          if (i % 3 === 0) {
            attacker.send('127.0.0.1', encodeGre({ callId: 1000 + (i % 5000), seq: i }, Buffer.from('ff03c021010100040000', 'hex')));
            sent.unknown++;
          } else if (i % 3 === 1) {
            attacker.send('127.0.0.1', Buffer.from([0x30, 0x81, 0x08, 0x0b, i & 0xff])); // truncated
            sent.garbage++;
          } else {
            // the victim's own call id, from the wrong address
            attacker.send('127.0.0.1', encodeGre({ callId: victimCall, seq: i }, Buffer.from('ff03c021050100040000', 'hex')));
            sent.spoofed++;
          }
          if (i % 200 === 0) await new Promise((r) => setImmediate(r));
        }
        await settle(50);
      })(),
    );
    await until(() => (rig.server.status().errors['gre-unknown-call'] ?? 0) - (before['gre-unknown-call'] ?? 0) === sent.unknown + sent.spoofed, 'unknown and spoofed counted');
    assert.equal((rig.server.status().errors['gre-truncated'] ?? 0) - (before['gre-truncated'] ?? 0), sent.garbage);
    assert.equal(rig.server.status().sessions[0]!.state, 'estabd', 'the spoofed LCP frames never reached the victim call');
  });
});

/** Frames straight into a client's GRE window (white box: what a hostile client's PPP would send). */
function rawPpp(c: PptpClient, frame: Buffer): void {
  (c as unknown as { window: GreCallWindow }).window.send(frame);
}

test('LCP and CCP storms inside an established MPPE call: the victim is not disturbed, the attacker gets no second call and no clear text', async () => {
  await withVictim(withLimits(undefined, { mppe: true }), async ({ rig, a }) => {
    const b = await rig.dial({ localAddress: '127.0.0.6', authProtocols: ['mschap-v2'] });
    const bSession = rig.server.status().sessions.find((s) => s.remoteAddress === '127.0.0.6')!;
    // CCP Reset-Request storm (RFC 1962: each is answered by a Reset-Ack and a key flush).
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < 300; i++) {
          rawPpp(b, Buffer.from([0x80, 0xfd, 0x0e, i & 0xff, 0x00, 0x04]));
          if (i % 20 === 0) await settle(2);
        }
        await settle(30);
      })(),
    );
    assert.equal(rig.server.status().sessions.find((s) => s.callId === bSession.callId)?.state, 'estabd', 'a CCP storm does not kill the call');
    assert.ok(a.mppe && b.mppe, 'both links encrypted');
    // LCP Configure-Request storm: renegotiation on an MPPE link ends that link (no clear text), nothing else.
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < 300; i++) {
          rawPpp(b, Buffer.from([0xff, 0x03, 0xc0, 0x21, 0x01, i & 0xff, 0x00, 0x08, 0x01, 0x04, 0x05, 0xdc]));
          if (i % 20 === 0) await settle(2);
        }
        await settle(30);
      })(),
    );
    rig.fake!.advance(30_000);
    await settle(50);
    // Renegotiation either ends the attacker's link or brings it back (re-authenticated, new MPPE keys):
    // never a second call, never IP in clear, never a leak.
    const bNow = rig.server.status().sessions.filter((s) => s.remoteAddress === '127.0.0.6');
    assert.ok(bNow.length <= 1, 'still at most one call for the attacker');
    if (bNow.length === 1) assert.ok(bNow[0]!.mppe, 'a renegotiated attacker link is encrypted again');
    await b.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'attacker tunnel ended');
  });
});

test('authentication brute force: auth-failures 3 backoff 60 refuses the source, counted, then lets it in again', async () => {
  await withVictim(withLimits({ authFailures: { count: 3, backoffSeconds: 60 } }), async ({ rig, a }) => {
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < 3; i++) {
          const e = await rig.dial({ localAddress: '127.0.0.7', password: `guess${i}`, authProtocols: ['mschap-v2'] }).then(
            () => assert.fail('wrong password accepted'),
            (err: unknown) => err,
          );
          assert.ok(e instanceof DialError && e.reason === 'auth-failed', `attempt ${i}: ${String(e)}`);
          await until(() => rig.server.status().tunnels.length === 1, 'failed tunnel gone');
        }
      })(),
    );
    assert.equal(rig.syslogs(603103).filter((t) => t.endsWith('aaa authentication failed')).length, 3);
    // The fourth attempt, even with the right password, is refused at the door.
    for (let i = 0; i < 20; i++) {
      const e = await rig.dial({ localAddress: '127.0.0.7', authProtocols: ['mschap-v2'], timeoutMs: 2000 }).then(
        (c) => c,
        (err: unknown) => err,
      );
      assert.ok(e instanceof DialError, `backed-off dial ${i} refused: ${String(e)}`);
    }
    assert.equal(rig.server.status().errors['tunnel-refused-auth-failure-back-off'], 20);
    assert.ok(rig.texts().includes('PPTP: connection from 127.0.0.7 refused: auth-failure back-off'));
    // Another source is not affected.
    const other = await rig.dial({ localAddress: '127.0.0.8', authProtocols: ['mschap-v2'] });
    await other.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'other gone');
    rig.fake!.advance(61_000);
    const back = await rig.dial({ localAddress: '127.0.0.7', authProtocols: ['mschap-v2'] });
    assert.equal((await back.ping(TUNNEL_IP, { count: 1 })).received, 1, 'after the back-off the right password works');
    await back.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'back gone');
  });
});

test('vpdn limit sessions 2: the third call gets an OCRP refusal and 403103; a freed slot is reusable', async () => {
  await withVictim(withLimits({ maxSessions: 2 }), async ({ rig, a }) => {
    const b = await rig.dial({ localAddress: '127.0.0.9', authProtocols: ['mschap-v2'] });
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < 10; i++) {
          const e = await rig.dial({ localAddress: '127.0.0.10', authProtocols: ['mschap-v2'] }).then(
            () => assert.fail('a third session was accepted'),
            (err: unknown) => err,
          );
          assert.ok(e instanceof DialError && e.reason === 'call-refused', String(e));
          assert.match(e.detail, /OCRP result 2, error 4/);
          await until(() => rig.server.status().tunnels.length === 2, 'refused tunnel gone');
        }
      })(),
    );
    assert.equal(rig.syslogs(403103).length, 10);
    assert.equal(rig.syslogs(403103)[0], 'PPP virtual interface max connections reached');
    assert.equal(rig.server.status().errors['max-sessions'], 10);
    await b.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'b gone');
    const c = await rig.dial({ localAddress: '127.0.0.10', authProtocols: ['mschap-v2'] });
    assert.equal((await c.ping(TUNNEL_IP, { count: 1 })).received, 1);
    await c.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'c gone');
  });
});

test('vpdn limit per-source 1: a second tunnel from the same address is refused until the first ends', async () => {
  await withVictim(withLimits({ maxPerSource: 1 }), async ({ rig, a }) => {
    const first = await rig.dial({ localAddress: '127.0.0.11', authProtocols: ['mschap-v2'] });
    await pingDuring(
      a,
      (async () => {
        for (let i = 0; i < 10; i++) {
          const e = await rig.dial({ localAddress: '127.0.0.11', authProtocols: ['mschap-v2'], timeoutMs: 2000 }).then(
            () => assert.fail('second tunnel from one source accepted'),
            (err: unknown) => err,
          );
          assert.ok(e instanceof DialError, String(e));
        }
      })(),
    );
    assert.equal(rig.server.status().errors['tunnel-refused-per-source-limit'], 10);
    await first.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'first gone');
    const again = await rig.dial({ localAddress: '127.0.0.11', authProtocols: ['mschap-v2'] });
    await again.hangup();
    await until(() => rig.server.status().tunnels.length === 1, 'again gone');
  });
});
