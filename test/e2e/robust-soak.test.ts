/**
 * Soak (bounded: ROBUST_SOAK_SECONDS, default 90 s): eight workers churn
 * sessions up and down against the in-process server for the whole time,
 * with both client profiles, every auth method and MPPE, traffic on each
 * session, orderly hang-ups and server-side clears (`clear vpdn tunnel`),
 * while the FakeClock moves the protocol timers along. After a warm-up
 * round the baseline is taken with no session up; at the end, with no
 * session up again, the heap (after GC), open file descriptors, active
 * handles and timers (process.getActiveResourcesInfo()), FakeClock timers
 * and pool leases must be back to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthProtocol } from '../../src/config/model.js';
import type { ProfileName } from '../../src/client/personalities.js';
import { settle, startRig, until, vpnConfig, TUNNEL_IP, type Rig } from './inprocess-harness.js';
import { backToBaseline, snapshot } from '../unit/robust/leaks.js';

const SECONDS = Number(process.env.ROBUST_SOAK_SECONDS ?? 90);
const WORKERS = 8;

interface Tally {
  up: number;
  failed: number;
  cleared: number;
  pings: number;
  pongs: number;
}

async function oneSession(rig: Rig, worker: number, round: number, t: Tally): Promise<void> {
  const profile: ProfileName = round % 3 === 0 ? 'windows10' : 'linux';
  const auth: AuthProtocol[] = profile === 'windows10' ? ['mschap-v2'] : [(['pap', 'chap', 'mschap', 'mschap-v2'] as AuthProtocol[])[round % 4]!];
  let c;
  try {
    c = await rig.dial({ localAddress: `127.0.1.${10 + worker}`, profile, authProtocols: auth, timeoutMs: 10_000 });
  } catch {
    t.failed++;
    return;
  }
  t.up++;
  const n = 2 + (round % 4);
  const p = await c.ping(TUNNEL_IP, { count: n, size: 56 + 100 * (round % 10), timeoutMs: 3000 });
  t.pings += n;
  t.pongs += p.received;
  if (round % 5 === 4) {
    // The server ends it (`clear vpdn tunnel N`): CDN + StopCCRQ.
    const tunnel = rig.server.status().sessions.find((s) => s.remoteAddress === `127.0.1.${10 + worker}`)?.tunnelId;
    if (tunnel !== undefined) rig.server.clearTunnels(tunnel);
    t.cleared++;
    await c.closed;
  } else {
    await c.hangup();
  }
}

async function churn(rig: Rig, untilMs: number, t: Tally): Promise<void> {
  let stopTicking = false;
  // The protocol timers move on (echo, restart, GRE ack timers): 200 ms of FakeClock every 20 ms.
  const ticker = (async () => {
    while (!stopTicking) {
      rig.fake!.advance(200);
      // The rig records every debug line (all categories on): drop them, they are the harness's memory, not the server's.
      rig.lines.length = 0;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      for (let round = 0; Date.now() < untilMs; round++) await oneSession(rig, w, round + w, t);
    }),
  );
  stopTicking = true;
  await ticker;
}

test(`soak: ${WORKERS} workers churn sessions for ${SECONDS} s; memory, fds, handles, timers and leases return to baseline`, { timeout: (SECONDS + 120) * 1000 }, async (tc) => {
  const rig = await startRig(vpnConfig({ auth: ['pap', 'chap', 'mschap', 'mschap-v2'], mppe: { strength: 128, required: false, stateful: false }, pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.20'] } }));
  try {
    const warm: Tally = { up: 0, failed: 0, cleared: 0, pings: 0, pongs: 0 };
    await churn(rig, Date.now() + Math.min(10, SECONDS / 5) * 1000, warm);
    await until(() => rig.server.status().tunnels.length === 0, 'warm-up sessions gone', 10_000);
    await settle(100);
    const base = await snapshot();
    const baseTimers = rig.fake!.pending();

    const t: Tally = { up: 0, failed: 0, cleared: 0, pings: 0, pongs: 0 };
    await churn(rig, Date.now() + SECONDS * 1000, t);
    await until(() => rig.server.status().tunnels.length === 0, 'all sessions gone', 10_000);
    await settle(100);
    tc.diagnostic(`sessions up ${t.up}, failed ${t.failed}, cleared by the server ${t.cleared}, echoes ${t.pongs}/${t.pings}`);
    assert.ok(t.up >= WORKERS * 10, `enough churn: ${t.up} sessions`);
    assert.equal(t.failed, 0, 'no dial failed');
    assert.ok(t.pongs >= t.pings * 0.99, `traffic flowed: ${t.pongs}/${t.pings}`);
    assert.equal(rig.server.status().pools[0]!.inUse, 0, 'every lease returned');
    assert.equal(rig.server.status().sessions.length, 0);
    assert.ok(rig.fake!.pending() <= baseTimers, `FakeClock timers back to baseline (${baseTimers} -> ${rig.fake!.pending()})`);
    const end = await backToBaseline(base, { what: 'after the soak', heapSlackBytes: 24 * 1024 * 1024 });
    tc.diagnostic(`heap ${(base.heap / 1048576).toFixed(1)} -> ${(end.heap / 1048576).toFixed(1)} MB, fds ${base.fds} -> ${end.fds}`);
    const errors = rig.server.status().errors;
    tc.diagnostic(`server error counters: ${JSON.stringify(errors)}`);
  } finally {
    await rig.close();
  }
  assert.equal(rig.fake!.pending(), 0, 'no FakeClock timer after close');
});
