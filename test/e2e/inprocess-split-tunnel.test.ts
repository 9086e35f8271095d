/**
 * In-process end to end, split tunnelling: our Windows-10-profile client
 * sends its DHCPINFORM after IPCP and gets the group's routes, DNS
 * suffix and name servers in the DHCPACK; pppd's profile sends none;
 * route changes apply to the next call; bad DHCP from one client is
 * dropped and counted while another's pings go on; `debug vpdn packet`
 * shows the exchange.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VpnConfig } from '../../src/config/model.js';
import { buildUdpIpv4 } from '../../src/proto/ip/udp.js';
import { buildInform } from '../../src/proto/dhcp/inform-request.js';
import { startRig, until, vpnConfig, TUNNEL_IP } from './inprocess-harness.js';

const MPPE = { strength: 128 as const, required: true, stateful: false };

function splitConfig(routes: { network: string; mask: string }[]): VpnConfig {
  const c = vpnConfig({ auth: ['mschap-v2'], mppe: MPPE, dns: ['10.1.1.53'], users: { cisco: 'Secr3tPw' } });
  c.vpdnGroups[0] = { ...c.vpdnGroups[0], routes, domainName: 'corp.example', wins: ['10.1.1.44'] };
  return c;
}

test('Windows profile: DHCPINFORM after IPCP, the DHCPACK carries the routes, suffix, DNS and WINS; debug vpdn packet shows both', async () => {
  const rig = await startRig(splitConfig([{ network: '10.1.1.0', mask: '255.255.255.0' }, { network: '172.16.0.0', mask: '255.240.0.0' }]));
  try {
    const win = await rig.dial({ localAddress: '127.0.0.2', password: 'Secr3tPw', profile: 'windows10', authProtocols: ['mschap-v2'] });
    const ack = await win.informAck;
    assert.deepEqual(ack, {
      server: TUNNEL_IP,
      routes: [
        { network: '10.1.1.0', prefixLength: 24, router: TUNNEL_IP },
        { network: '172.16.0.0', prefixLength: 12, router: TUNNEL_IP },
      ],
      routesFrom: 249,
      domainName: 'corp.example',
      dns: ['10.1.1.53'],
      wins: ['10.1.1.44'],
    });
    const t = rig.texts();
    assert.ok(t.some((l) => /^Tnl\/Cl 1\/1 PPTP: DHCP I INFORM xid 0x[0-9a-f]{8} from 192\.168\.1\.1, asks 6 44 43 1 249 15$/.test(l)), t.filter((l) => l.includes('DHCP')).join('\n'));
    assert.ok(t.some((l) => /^Tnl\/Cl 1\/1 PPTP: DHCP O ACK xid 0x[0-9a-f]{8} to 192\.168\.1\.1, len \d+, routes 10\.1\.1\.0\/24 172\.16\.0\.0\/12 via 172\.18\.124\.152, domain corp\.example, dns 10\.1\.1\.53, wins 10\.1\.1\.44$/.test(l)));
    const k = rig.kernel().stats;
    assert.equal(k.dropped + k.forwarded + k.malformed, 0, 'the INFORM never reached the TUN');
    const st = rig.server.status();
    assert.deepEqual(st.sessions[0].dhcp, { informsAnswered: 1, dropped: 0 });
    assert.deepEqual(st.dhcp, { informsAnswered: 1, dropped: 0 });
    assert.equal((await rig.server.census(false)).totals.dhcpInformsAnswered, 1);

    const linux = await rig.dial({ localAddress: '127.0.0.3', password: 'Secr3tPw', profile: 'linux', authProtocols: ['mschap-v2'], mppe: MPPE });
    assert.equal(await linux.informAck, undefined, 'pppd sends no DHCPINFORM');
    assert.equal((await linux.ping(TUNNEL_IP, { count: 2 })).received, 2);
    assert.deepEqual(rig.server.status().dhcp, { informsAnswered: 1, dropped: 0 });
    await Promise.all([win.hangup(), linux.hangup()]);
    await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    assert.deepEqual(rig.server.status().dhcp, { informsAnswered: 1, dropped: 0 }, 'kept once the calls end');
    assert.equal((await rig.server.census(false)).totals.dhcpInformsAnswered, 1);
  } finally {
    await rig.close();
  }
});

test('a route change applies to the next call; the running call keeps the routes it started with', async () => {
  const first = splitConfig([{ network: '10.1.1.0', mask: '255.255.255.0' }]);
  const rig = await startRig(first);
  try {
    const a = await rig.dial({ localAddress: '127.0.0.2', password: 'Secr3tPw', profile: 'windows10' });
    assert.deepEqual((await a.informAck)?.routes.map((r) => `${r.network}/${r.prefixLength}`), ['10.1.1.0/24']);
    await rig.apply(splitConfig([{ network: '10.2.0.0', mask: '255.255.0.0' }]));
    const b = await rig.dial({ localAddress: '127.0.0.3', password: 'Secr3tPw', profile: 'windows10' });
    assert.deepEqual((await b.informAck)?.routes.map((r) => `${r.network}/${r.prefixLength}`), ['10.2.0.0/16']);
    // the first call asks again (as Windows does when its INFORM goes unanswered): its group is the one it started with
    const again = new Promise<Buffer>((resolve) => a.onIp(resolve));
    a.sendIp(buildInform({ clientAddress: a.clientAddress, xid: 0x11223344, clientId: Buffer.alloc(16), hostName: 'W' }));
    const reply = await again;
    assert.ok(reply.includes(Buffer.from([24, 10, 1, 1])), 'the ACK still carries 10.1.1.0/24');
    assert.ok(!reply.includes(Buffer.from([16, 10, 2])), 'not the new route');
    await Promise.all([a.hangup(), b.hangup()]);
  } finally {
    await rig.close();
  }
});

test('bad DHCP from one client is dropped and counted by reason; another client\'s pings are not affected', async () => {
  const rig = await startRig(splitConfig([{ network: '10.1.1.0', mask: '255.255.255.0' }]));
  try {
    const bad = await rig.dial({ localAddress: '127.0.0.2', password: 'Secr3tPw', profile: 'windows10', dhcpInform: false });
    const good = await rig.dial({ localAddress: '127.0.0.3', password: 'Secr3tPw', profile: 'windows10' });
    assert.ok(await good.informAck);
    const udp = (payload: Buffer) => buildUdpIpv4({ src: bad.clientAddress, dst: '255.255.255.255', srcPort: 68, dstPort: 67, payload });
    const inform = buildInform({ clientAddress: bad.clientAddress, xid: 7, clientId: Buffer.alloc(16), hostName: 'W' });
    const discover = Buffer.from(inform);
    discover[28 + 242] = 1; // option 53 value: DHCPDISCOVER
    const sent = [
      udp(Buffer.alloc(300)), // no magic cookie
      udp(Buffer.alloc(1200)), // over 1024 octets: oversized
      udp(discover.subarray(28)), // a DISCOVER: nothing is leased here
      udp(inform.subarray(28, 28 + 250)), // cut inside the options
    ];
    const pings = good.ping(TUNNEL_IP, { count: 5, intervalMs: 5 });
    for (const p of sent) assert.ok(bad.sendIp(p));
    assert.equal((await pings).received, 5);
    await until(() => (rig.server.status().sessions.find((s) => s.clientAddress === bad.clientAddress)?.dhcp?.dropped ?? 0) === 4, 'four drops counted');
    const e = rig.server.status().errors;
    assert.deepEqual([e['dhcp-malformed'], e['dhcp-oversized'], e['dhcp-not-inform']], [2, 1, 1]);
    assert.deepEqual(rig.server.status().dhcp, { informsAnswered: 1, dropped: 4 });
    assert.ok(rig.texts().some((l) => /^Tnl\/Cl \d+\/\d+ PPTP: DHCP from 192\.168\.1\.\d dropped, not-inform: DISCOVER$/.test(l)));
    assert.equal((await bad.ping(TUNNEL_IP, { count: 2 })).received, 2, 'the sender itself is still served');
    await Promise.all([bad.hangup(), good.hangup()]);
  } finally {
    await rig.close();
  }
});
