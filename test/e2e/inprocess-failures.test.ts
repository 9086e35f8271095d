/**
 * In-process end to end, the failure cases of seed 003 ("What Can Go
 * Wrong") and the PIX 403108 pool case: each fails with the reason the
 * client would show, the server prints the seed's debug and syslog lines,
 * and everything ends cleanly (no tunnel, lease, timer or socket left).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialError } from '../../src/client/failure.js';
import type { DialOptions } from '../../src/client/dial.js';
import { activeResources, settle, startRig, until, vpnConfig, type GroupOptions, type Rig } from './inprocess-harness.js';

async function dialExpectingFailure(
  group: GroupOptions & { pools?: Record<string, [string, string]> },
  dial: Partial<DialOptions>,
): Promise<{ rig: Rig; err: DialError; done: () => Promise<void> }> {
  const before = activeResources();
  const rig = await startRig(vpnConfig({ users: { cisco: 'Secr3tPw' }, ...group }));
  let err: unknown;
  try {
    await rig.dial({ localAddress: '127.0.0.2', password: 'Secr3tPw', ...dial });
  } catch (e) {
    err = e;
  }
  if (!(err instanceof DialError)) {
    await rig.close();
    assert.fail(`expected a DialError, got ${String(err)}`);
  }
  return {
    rig,
    err,
    async done() {
      await until(() => rig.server.status().tunnels.length === 0, 'tunnel gone');
      await settle(30);
      assert.equal(rig.server.status().pools.reduce((n, p) => n + p.inUse, 0), 0, 'no lease left');
      assert.ok(!rig.texts().some((t) => t.includes('Secr3tPw') || t.includes('wrongpass')), 'no password in any line');
      await rig.close();
      await settle(30);
      assert.equal(rig.fake?.pending(), 0, 'FakeClock timers left behind');
      const after = activeResources();
      for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout']) {
        assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} leaked`);
      }
    },
  };
}

test('bad password: 603103 failed, the client sees an authentication failure (691)', async () => {
  const { rig, err, done } = await dialExpectingFailure({ auth: ['mschap'] }, { password: 'wrongpass', authProtocols: ['mschap'] });
  try {
    assert.equal(err.reason, 'auth-failed');
    assert.equal(err.windowsError, 691);
    assert.deepEqual(rig.syslogs(603103), ['PPP virtual interface 1 - user: cisco aaa authentication failed']);
    assert.ok(rig.texts().includes('uauth_mschap_proc_reply: pppdev = 1, status = 0'));
    await until(() => rig.syslogs(603105).length === 1, '603105');
    // Seed 003 (691 case): the tunnel is reported with no address and user Unknown.
    assert.deepEqual(rig.syslogs(603104), [
      'PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 127.0.0.2, ppp_virtual_interface_id is 1, client_dynamic_ip is 0.0.0.0, username is Unknown, MPPE_key_strength is None',
    ]);
    assert.deepEqual(rig.syslogs(603105), ['PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2']);
    await done();
  } finally {
    await rig.close();
  }
});

test('bad PAP password: PAP Nak, auth-failed', async () => {
  const { rig, err, done } = await dialExpectingFailure({ auth: ['pap'] }, { password: 'wrongpass', authProtocols: ['pap'] });
  try {
    assert.equal(err.reason, 'auth-failed');
    assert.deepEqual(rig.syslogs(603103), ['PPP virtual interface 1 - user: cisco aaa authentication failed']);
    await done();
  } finally {
    await rig.close();
  }
});

test('no common authentication protocol: LCP fails, the client sees 732', async () => {
  // Seed 003: the PC offers MS-CHAPv2 only, the PIX does MS-CHAPv1.
  const { rig, err, done } = await dialExpectingFailure({ auth: ['mschap'] }, { authProtocols: ['mschap-v2'], profile: 'windows10', mppe: null });
  try {
    assert.equal(err.reason, 'lcp-failed');
    assert.equal(err.windowsError, 732);
    assert.deepEqual(rig.syslogs(603102), [], 'authentication never started');
    assert.ok(rig.texts().includes('Vi1 LCP: Failed to negotiate with peer'));
    await done();
  } finally {
    await rig.close();
  }
});

test('pool exhausted: 403108, the second client is refused after authentication, the first keeps working', async () => {
  const before = activeResources();
  const rig = await startRig(vpnConfig({ auth: ['chap'], pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.1'] } }));
  try {
    const first = await rig.dial({ localAddress: '127.0.0.2', authProtocols: ['chap'] });
    assert.equal(first.clientAddress, '192.168.1.1');
    const err = await rig.dial({ localAddress: '127.0.0.3', authProtocols: ['chap'] }).then(
      () => assert.fail('second dial should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DialError);
    assert.equal(err.reason, 'link-terminated');
    assert.equal(err.windowsError, 734);
    assert.deepEqual(rig.syslogs(603103), [
      'PPP virtual interface 1 - user: cisco aaa authentication succeed',
      'PPP virtual interface 2 - user: cisco aaa authentication succeed',
    ]);
    assert.deepEqual(rig.syslogs(403108), ['PPP virtual interface 2 missing client ip address option']);
    await until(() => rig.server.status().tunnels.length === 1, 'second tunnel gone');
    assert.deepEqual((await first.ping('172.18.124.152', { count: 3 })).received, 3, 'first client unaffected');
    await first.hangup();
    await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    await rig.close();
    await settle(30);
    assert.equal(rig.fake?.pending(), 0);
    assert.ok((activeResources().TCPSocketWrap ?? 0) <= (before.TCPSocketWrap ?? 0));
  } finally {
    await rig.close();
  }
});

test('MPPE required on the PIX, client refuses encryption: seed 003 lines, the link ends (734)', async () => {
  const { rig, err, done } = await dialExpectingFailure(
    { auth: ['mschap'], mppe: { strength: 40, required: true, stateful: false } },
    { authProtocols: ['mschap'], mppe: null },
  );
  try {
    assert.equal(err.reason, 'link-terminated');
    await until(() => rig.syslogs(603105).length === 1, '603105');
    const t = rig.texts();
    const callLine = 'PPTP: Call id 1, no session id protocol: 21, reason: mppe required but not active, tunnel terminated';
    const created =
      '603104: PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 127.0.0.2, ppp_virtual_interface_id is 1, client_dynamic_ip is 192.168.1.1, username is cisco, MPPE_key_strength is None';
    const deleted = '603105: PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2';
    const at = [callLine, created, deleted].map((l) => t.indexOf(l));
    assert.ok(at[0] >= 0 && at[1] > at[0] && at[2] > at[1], `seed order of the three lines: ${JSON.stringify(at)}`);
    assert.ok(t.some((l) => /^Vi1 LCP: I PROTREJ \[Open\] id \d+ len \d+ protocol CCP/.test(l)), 'the client Protocol-Rejected CCP');
    await done();
  } finally {
    await rig.close();
  }
});

test('client requires MPPE, the PIX has none: CCP Protocol-Reject, the client sees 742', async () => {
  const { rig, err, done } = await dialExpectingFailure(
    { auth: ['mschap-v2'] },
    { authProtocols: ['mschap-v2'], profile: 'windows10', mppe: { strength: 128, required: true, stateful: false } },
  );
  try {
    assert.equal(err.reason, 'encryption-unsupported');
    assert.equal(err.windowsError, 742);
    assert.match(err.detail, /Protocol-Rejected CCP/);
    assert.ok(rig.texts().some((l) => /^Vi1 LCP: O PROTREJ \[Open\] id \d+ len 16 protocol CCP \(0x80FD0101000A120601000040\)$/.test(l)));
    await done();
  } finally {
    await rig.close();
  }
});

test('dial timeout and refused connection are reported as such', async () => {
  const net = await import('node:net');
  // Reads and ignores everything (a paused socket would never see the client's FIN).
  const silent = net.createServer((s) => s.on('error', () => {}).resume());
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const { createMemoryGreNetwork } = await import('../../src/proto/gre/memory.js');
  const { dialPptp } = await import('../../src/client/dial.js');
  const gre = createMemoryGreNetwork().endpoint('127.0.0.2');
  try {
    const t = await dialPptp({ server: '127.0.0.1', port, gre, username: 'u', password: 'p', profile: 'linux', timeoutMs: 150 }).catch((e: unknown) => e);
    assert.ok(t instanceof DialError);
    assert.equal(t.reason, 'timeout');
    await new Promise<void>((r) => silent.close(() => r()));
    const c = await dialPptp({ server: '127.0.0.1', port, gre, username: 'u', password: 'p', profile: 'linux', timeoutMs: 1000 }).catch((e: unknown) => e);
    assert.ok(c instanceof DialError);
    assert.equal(c.reason, 'connect-failed');
    assert.match(c.detail, /ECONNREFUSED/);
  } finally {
    silent.close();
    gre.close();
  }
});
