/**
 * The load generator against the in-process server (memory GRE and TUN,
 * real clock): every session comes up, carries echo traffic, hangs up, and
 * the server ends with no tunnel and no lease; failures are counted by
 * reason; the time limit is honoured.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoadgen, percentile, type LoadgenProgress } from '../../src/client/loadgen.js';
import { activeResources, settle, startRig, until, vpnConfig, SERVER_IP } from './inprocess-harness.js';

test('50 sessions over one GRE socket: all up, traffic answered, all hung up', async () => {
  const before = activeResources();
  const rig = await startRig(
    vpnConfig({ auth: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false }, pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.80'] } }),
    { realClock: true },
  );
  try {
    const progress: LoadgenProgress[] = [];
    const summary = await runLoadgen({
      server: SERVER_IP,
      port: rig.port(),
      sessions: 50,
      rate: 250,
      holdSeconds: 0.4,
      trafficPps: 20,
      packetSize: 200,
      profile: 'windows10',
      username: 'cisco',
      password: 'cisco',
      gre: rig.endpoint('127.0.0.2'),
      localAddresses: ['127.0.0.2'],
      maxSeconds: 20,
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 100,
    });
    assert.equal(summary.attempted, 50);
    assert.equal(summary.up, 50);
    assert.deepEqual(summary.failed, {});
    assert.equal(summary.droppedEarly, 0);
    assert.equal(summary.hitTimeLimit, false);
    assert.ok(summary.peakLive > 1 && summary.peakLive <= 50, `peak ${summary.peakLive}`);
    assert.ok(summary.setupMsP50 > 0 && summary.setupMsP50 <= summary.setupMsP99 && summary.setupMsP99 <= summary.setupMsMax);
    assert.ok(summary.setupRate > 10, `setup rate ${summary.setupRate}`);
    // Every session sends at once and then every 50 ms for 400 ms.
    assert.ok(summary.packetsSent >= 50 * 5, `sent ${summary.packetsSent}`);
    assert.ok(summary.packetsReceived >= summary.packetsSent - 50 && summary.packetsReceived <= summary.packetsSent, `received ${summary.packetsReceived} of ${summary.packetsSent}`);
    assert.ok(summary.durationMs < 5000);
    assert.ok(progress.length >= 2 && progress[progress.length - 1].up === 50);
    await until(() => rig.server.status().tunnels.length === 0, 'all tunnels gone', 5000);
    assert.equal(rig.syslogs(603104).length, 50);
    assert.equal(rig.syslogs(603105).length, 50);
    assert.ok(rig.syslogs(603104).every((l) => l.endsWith('MPPE_key_strength is 128 bits')));
    assert.equal(rig.server.status().pools[0].inUse, 0);
    assert.ok(rig.kernel().stats.echoReplies >= summary.packetsReceived, 'every reply counted came from the kernel');
    await rig.close();
    await settle(30);
    const after = activeResources();
    for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout']) assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} leaked`);
  } finally {
    await rig.close();
  }
});

test('sessions spread over source addresses; more sessions than addresses: the rest fail with a reason', async () => {
  const rig = await startRig(vpnConfig({ auth: ['chap'], pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.12'] } }), { realClock: true });
  try {
    const sources = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    const summary = await runLoadgen({
      server: SERVER_IP,
      port: rig.port(),
      sessions: 16,
      rate: 400,
      holdSeconds: 0.3,
      profile: 'linux',
      username: 'cisco',
      password: 'cisco',
      authProtocols: ['chap'],
      gre: rig.endpoint('127.0.0.2'),
      greFor: (a) => rig.endpoint(a),
      localAddresses: sources,
      maxSeconds: 20,
    });
    assert.equal(summary.attempted, 16);
    assert.equal(summary.up, 12, 'the pool has 12 addresses');
    assert.deepEqual(summary.failed, { 'link-terminated': 4 });
    assert.equal(rig.syslogs(403108).length, 4);
    const peers = new Set(rig.lines.filter((l) => l.kind === 'syslog' && l.id === 603104).map((l) => /remote_peer_ip is ([\d.]+)/.exec(l.text)?.[1]));
    assert.deepEqual([...peers].sort(), sources);
    await until(() => rig.server.status().tunnels.length === 0, 'all tunnels gone', 5000);
  } finally {
    await rig.close();
  }
});

test('the time limit stops new sessions and hangs up the live ones', async () => {
  const rig = await startRig(vpnConfig({ auth: ['pap'], pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.200'] } }), { realClock: true });
  try {
    const t0 = Date.now();
    const summary = await runLoadgen({
      server: SERVER_IP,
      port: rig.port(),
      sessions: 1000,
      rate: 40,
      holdSeconds: 60,
      profile: 'linux',
      username: 'cisco',
      password: 'cisco',
      authProtocols: ['pap'],
      gre: rig.endpoint('127.0.0.2'),
      maxSeconds: 0.5,
    });
    // The limit, plus at most the bounded hang-up of the live sessions.
    assert.ok(Date.now() - t0 < 6000, 'returned soon after the limit');
    assert.equal(summary.hitTimeLimit, true);
    assert.ok(summary.attempted >= 5 && summary.attempted <= 25, `attempted ${summary.attempted} (40/s for 0.5 s)`);
    assert.equal(summary.droppedEarly, 0);
    await until(() => rig.server.status().tunnels.length === 0, 'all tunnels gone', 5000);
  } finally {
    await rig.close();
  }
});

test('percentile: nearest rank', () => {
  assert.equal(percentile([], 50), 0);
  assert.equal(percentile([7], 99), 7);
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile(v, 100), 100);
});
