/**
 * In-process end to end: the real server (memory GRE + memory TUN with
 * the test kernel) and our client over loopback TCP. Each protocol and
 * MPPE variant: the client gets a pool address, pings the server's tunnel
 * address 3/3, the server's status (what `show vpdn` prints) agrees, the
 * PIX syslog lines are right, and the Windows/Linux goodbye leaves no
 * tunnel, lease, timer or socket behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthProtocol, MppeSetting } from '../../src/config/model.js';
import { renderShowVpdn, showVpdnPages } from '../../src/cli/render/vpdn.js';
import { activeResources, settle, startRig, until, vpnConfig, TUNNEL_IP, type Rig } from './inprocess-harness.js';

const LABEL: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAP-V2' };

interface Case {
  auth: AuthProtocol;
  mppe?: MppeSetting;
  profile: 'linux' | 'windows10';
}

const mppe = (strength: 40 | 56 | 128, stateful = false, required = true): MppeSetting => ({ strength, required, stateful });

const CASES: Case[] = [
  { auth: 'pap', profile: 'linux' },
  { auth: 'chap', profile: 'linux' },
  { auth: 'mschap', profile: 'linux' },
  { auth: 'mschap-v2', profile: 'windows10' },
  { auth: 'mschap', mppe: mppe(40), profile: 'linux' },
  { auth: 'mschap', mppe: mppe(128, true), profile: 'linux' },
  { auth: 'mschap-v2', mppe: mppe(40), profile: 'windows10' },
  { auth: 'mschap-v2', mppe: mppe(128), profile: 'windows10' },
  { auth: 'mschap-v2', mppe: mppe(128, true), profile: 'linux' },
  { auth: 'mschap-v2', mppe: mppe(56), profile: 'linux' },
];

/** Close everything and check nothing is left: FakeClock timers, sockets, servers, timeouts. */
async function closeAndCheckLeaks(rig: Rig, before: Record<string, number>): Promise<void> {
  await rig.close();
  await settle(30);
  assert.equal(rig.fake?.pending(), 0, 'FakeClock timers left behind');
  const after = activeResources();
  for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate']) {
    assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} leaked: ${before[kind] ?? 0} -> ${after[kind] ?? 0}`);
  }
}

for (const c of CASES) {
  const name = `${c.auth}${c.mppe ? ` + MPPE-${c.mppe.strength} ${c.mppe.stateful ? 'stateful' : 'stateless'}` : ', no MPPE'} (${c.profile})`;
  test(`dial ${name}: pool address, ping 3/3, show state, orderly hang-up`, async () => {
    const before = activeResources();
    const rig = await startRig(vpnConfig({ auth: [c.auth], mppe: c.mppe, dns: ['10.1.1.53'], users: { cisco: 'Secr3tPw' } }));
    try {
      const client = await rig.dial({
        localAddress: '127.0.0.2',
        password: 'Secr3tPw',
        profile: c.profile,
        authProtocols: [c.auth],
        mppe: c.mppe ?? (c.profile === 'windows10' ? null : undefined),
      });
      assert.equal(client.clientAddress, '192.168.1.1');
      assert.equal(client.serverAddress, TUNNEL_IP);
      assert.deepEqual(client.dns, ['10.1.1.53']);
      assert.equal(client.authProtocol, c.auth);
      assert.deepEqual(client.mppe, c.mppe ? { bits: c.mppe.strength, stateless: !c.mppe.stateful } : null);
      // Windows asks for its settings by DHCPINFORM right after IPCP (one packet each way); pppd never does.
      const inform = c.profile === 'windows10' ? 1 : 0;
      const ack = await client.informAck;
      assert.deepEqual(ack && { dns: ack.dns, routes: ack.routes, server: ack.server }, inform ? { dns: ['10.1.1.53'], routes: [], server: TUNNEL_IP } : undefined);

      const ping = await client.ping(TUNNEL_IP, { count: 3, size: 56 });
      assert.equal(ping.sent, 3);
      assert.equal(ping.received, 3);
      assert.equal(rig.kernel().stats.echoReplies, 3);

      const st = rig.server.status();
      assert.equal(st.tunnels.length, 1);
      assert.deepEqual(
        { id: st.tunnels[0].id, state: st.tunnels[0].state, remote: st.tunnels[0].remoteAddress, sessions: st.tunnels[0].activeSessions },
        { id: 1, state: 'estabd', remote: '127.0.0.2', sessions: 1 },
      );
      assert.equal(st.sessions.length, 1);
      const s = st.sessions[0];
      assert.deepEqual(
        {
          user: s.username,
          state: s.state,
          client: s.clientAddress,
          server: s.serverAddress,
          auth: s.authProtocol,
          mppe: s.mppe,
          remoteCallId: s.remoteCallId,
          peerRws: s.peerRecvWindow,
        },
        {
          user: 'cisco',
          state: 'estabd',
          client: '192.168.1.1',
          server: TUNNEL_IP,
          auth: LABEL[c.auth],
          mppe: c.mppe ? { bits: c.mppe.strength, stateful: c.mppe.stateful } : null,
          remoteCallId: client.callId,
          peerRws: 64,
        },
      );
      // 3 echo requests in, 3 replies out (and Windows' INFORM and its ACK), through the cipher when MPPE is on.
      assert.equal(s.decryptedPackets, c.mppe ? 3 + inform : 0);
      assert.equal(s.encryptedPackets, c.mppe ? 3 + inform : 0);
      assert.deepEqual(s.dhcp, { informsAnswered: inform, dropped: 0 });
      assert.ok(s.packetsReceived >= 3 && s.packetsSent >= 3, 'GRE counters moved');
      const cs = client.status();
      assert.equal(cs.gre?.packetsReceived, s.packetsSent, 'every GRE data packet the server sent arrived');
      assert.equal(cs.gre?.packetsSent, s.packetsReceived, 'every GRE data packet the client sent arrived');
      assert.deepEqual(st.pools[0].inUseAddresses, ['192.168.1.1']);
      // Profile details on the wire: Windows sends SLI after the OCRP and
      // numbers GRE from 0, pptp-linux sends no SLI and starts at 1.
      const win = c.profile === 'windows10';
      assert.equal(rig.texts().includes('Tnl/Cl 1/1 PPTP: CC I SLI'), win);
      assert.equal(s.ack, s.packetsReceived - (win ? 1 : 0), 'highest sequence received vs first sequence number');
      assert.ok(rig.texts().includes(`Tnl 1 PPTP: vendor "${win ? 'Microsoft' : 'cananian'}"`));

      assert.deepEqual(rig.syslogs(603102), ['PPP virtual interface 1 - user: cisco aaa authentication started']);
      assert.deepEqual(rig.syslogs(603103), ['PPP virtual interface 1 - user: cisco aaa authentication succeed']);
      assert.deepEqual(rig.syslogs(603104), [
        `PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 127.0.0.2, ppp_virtual_interface_id is 1, ` +
          `client_dynamic_ip is 192.168.1.1, username is cisco, MPPE_key_strength is ${c.mppe ? `${c.mppe.strength} bits` : 'None'}`,
      ]);
      assert.ok(!rig.texts().some((t) => t.includes('mppe required but not active')));

      // Goodbye in the clients' order: LCP TermReq, CCRQ, CDN, StopCCRQ.
      const why = await client.hangup();
      assert.equal(why, 'user request');
      await until(() => rig.server.status().tunnels.length === 0, 'tunnel gone');
      const t = rig.texts();
      const order = ['Vi1 LCP: I TERMREQ [Open]', 'Tnl/Cl 1/1 PPTP: CC I ClearRQ', 'Tnl/Cl 1/1 PPTP: CC O CDN', 'Tnl 1 PPTP: CC I StopCCRQ', 'Tnl 1 PPTP: CC O StopCCRP'];
      const at = order.map((o) => t.findIndex((line) => line.startsWith(o)));
      assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), `goodbye order: ${JSON.stringify(at)}`);
      assert.ok(!t.some((line) => line.startsWith('Tnl 1 PPTP: CC O StopCCRQ')), 'the server waits for the client StopCCRQ');
      assert.deepEqual(rig.syslogs(603105), ['PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2']);
      assert.equal(rig.server.status().pools[0].inUse, 0);
      assert.equal(client.status().callEnd?.cdnResult, 4, 'CDN result 4: Request');
      assert.ok(!t.some((line) => line.includes('Secr3tPw')), 'the password never appears in debug or syslog');
      await closeAndCheckLeaks(rig, before);
    } finally {
      await rig.close();
    }
  });
}

test('two clients ping each other through the server', async () => {
  const before = activeResources();
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'], mppe: mppe(128), users: { alice: 'wonder1and', bob: 'bu1lder' } }));
  try {
    const a = await rig.dial({ localAddress: '127.0.0.2', username: 'alice', password: 'wonder1and', profile: 'windows10' });
    const b = await rig.dial({ localAddress: '127.0.0.3', username: 'bob', password: 'bu1lder', profile: 'linux', mppe: mppe(128) });
    assert.equal(a.clientAddress, '192.168.1.1');
    assert.equal(b.clientAddress, '192.168.1.2');
    const ab = await a.ping(b.clientAddress, { count: 3 });
    const ba = await b.ping(a.clientAddress, { count: 3, size: 1000 });
    assert.deepEqual([ab.received, ba.received], [3, 3]);
    assert.equal(rig.kernel().stats.forwarded, 12, 'requests and replies both ways crossed the kernel');
    const st = rig.server.status();
    assert.deepEqual(
      st.sessions.map((s) => [s.username, s.clientAddress, s.remoteAddress]).sort(),
      [
        ['alice', '192.168.1.1', '127.0.0.2'],
        ['bob', '192.168.1.2', '127.0.0.3'],
      ],
    );
    assert.equal(st.tunnels.length, 2);
    // what remote shells stream, read block by block from the live tables, is what the console prints
    assert.deepEqual([...showVpdnPages(rig.server.vpdnBlocks(), 1)].flat(), renderShowVpdn(st));
    // A packet with another client's source address is dropped (anti-spoofing).
    const { buildIcmpEcho } = await import('../../src/proto/ip/icmp.js');
    a.sendIp(buildIcmpEcho({ src: '192.168.1.2', dst: TUNNEL_IP, type: 8, id: 1, seq: 1, payload: Buffer.alloc(8) }));
    await until(() => (rig.server.status().errors['ip-spoofed-source'] ?? 0) === 1, 'spoofed packet counted');
    await Promise.all([a.hangup(), b.hangup()]);
    await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    assert.equal(rig.syslogs(603105).length, 2);
    assert.ok(!rig.texts().some((l) => l.includes('wonder1and') || l.includes('bu1lder')), 'no password in any line');
    await closeAndCheckLeaks(rig, before);
  } finally {
    await rig.close();
  }
});

test('packets from a client wait for its route into the TUN, then flow in order (bounded hold)', async () => {
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'], mppe: mppe(128) }), { realClock: true });
  try {
    // The kernel route for the client's /32 takes a while (netlink): gate it.
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    const tun = rig.tun();
    const addRoute = tun.addRoute.bind(tun);
    tun.addRoute = async (addr) => {
      await gate;
      return addRoute(addr);
    };
    const client = await rig.dial({ localAddress: '127.0.0.2', profile: 'windows10', password: 'cisco' });
    const ping = client.ping(TUNNEL_IP, { count: 1, timeoutMs: 3000 });
    const { buildIcmpEcho } = await import('../../src/proto/ip/icmp.js');
    for (let seq = 0; seq < 70; seq++)
      client.sendIp(buildIcmpEcho({ src: client.clientAddress, dst: '10.9.9.9', type: 8, id: 7, seq, payload: Buffer.alloc(8) }));
    await until(() => (rig.server.status().errors['ip-dropped-before-route'] ?? 0) > 0, 'overflow of the hold counted');
    assert.equal(rig.kernel().stats.echoReplies, 0, 'nothing reached the kernel before the route');
    openGate();
    assert.equal((await ping).received, 1, 'the held echo request was delivered once the route existed');
    assert.equal(rig.kernel().stats.echoReplies, 1);
    assert.equal(rig.server.status().errors['ip-dropped-before-route'], 7, '1 + 70 packets, 64 held');
    await client.hangup();
  } finally {
    await rig.close();
  }
});
