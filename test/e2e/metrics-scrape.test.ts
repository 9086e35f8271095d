/**
 * The metrics endpoint over the real server engine (memory GRE/TUN) with
 * our client on loopback, scraped over HTTP: a Windows-10-profile client
 * (MS-CHAPv2, MPPE-128) with a wrong password counts one set-up failure
 * `auth-failed` / Windows 691; with the right one, one set-up, a session
 * `estabd`/`MSCHAP-V2`, and N pings move the packet counters by exactly N
 * each way (octets by the IP size plus framing); the hang-up keeps the
 * totals. Through a TACACS+ group (the test TACACS+ server), an accept
 * and a reject land in the authentication-time histogram by outcome and
 * in the per-server request counter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../harness/free-port.js';
import { emptyRunningConfig } from '../../src/config/index.js';
import { loadConfigText } from '../../src/config/load.js';
import { DialError } from '../../src/client/failure.js';
import { MetricsEndpoint } from '../../src/cli/metrics/endpoint.js';
import { startTacacsServer } from '../harness/tacacs-server.js';
import { startRig, TUNNEL_IP, vpnConfig, type Rig } from './inprocess-harness.js';

async function endpointOn(rig: Rig, perUser = false): Promise<{ scrape: () => Promise<string>; close: () => Promise<void> }> {
  const ep = new MetricsEndpoint({ census: (perUser) => rig.server.census(perUser), aaaStatus: () => rig.server.aaaStatus() }, rig.bus);
  rig.server.onAaaResult = (o) => ep.metrics.aaaAnswered(o);
  const rc = emptyRunningConfig();
  const port = await freePort();
  rc.vpn.interfaces = [{ name: 'inside', address: '127.0.0.1', mask: '255.255.255.255' }];
  rc.metrics = { interfaceName: 'inside', port, perUser };
  assert.deepEqual(await ep.reconfigure(rc), []);
  return {
    scrape: async () => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(r.status, 200);
      return r.text();
    },
    close: () => ep.close(),
  };
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

test('metrics: a failed and a good Windows-profile dial, pings counted exactly (per user too), totals kept after the hang-up', async () => {
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false }, users: { cisco: 'Secr3tPw' } }));
  const ep = await endpointOn(rig, true);
  try {
    const s0 = await ep.scrape();
    assert.equal(value(s0, 'pix_pptpd_setups_total'), 0);

    const err = await rig.dial({ localAddress: '127.0.0.2', password: 'wrongpass', profile: 'windows10', authProtocols: ['mschap-v2'] }).catch((e) => e);
    assert.ok(err instanceof DialError && err.windowsError === 691, String(err));
    await new Promise((r) => setTimeout(r, 50));
    const s1 = await ep.scrape();
    assert.equal(value(s1, 'pix_pptpd_setup_failures_total{reason="auth-failed",windows_error="691"}'), 1, s1);
    assert.equal(value(s1, 'pix_pptpd_setups_total'), 0);

    const client = await rig.dial({ localAddress: '127.0.0.3', password: 'Secr3tPw', profile: 'windows10', authProtocols: ['mschap-v2'] });
    // Windows' DHCPINFORM after IPCP and the server's ACK: one packet each way, before the pings are counted
    assert.ok(await client.informAck, 'the DHCPINFORM was answered');
    const s2 = await ep.scrape();
    assert.equal(value(s2, 'pix_pptpd_dhcp_informs_answered_total'), 1, s2);
    assert.equal(value(s2, 'pix_pptpd_dhcp_dropped_total'), 0);
    assert.equal(value(s2, 'pix_pptpd_setups_total'), 1);
    assert.equal(value(s2, 'pix_pptpd_sessions{state="estabd",auth="MSCHAP-V2"}'), 1, s2);
    assert.equal(value(s2, 'pix_pptpd_user_sessions{user="cisco"}'), 1, s2);
    const N = 20;
    const SIZE = 100; // ICMP data: 128-octet IP packets
    const p = await client.ping(TUNNEL_IP, { count: N, size: SIZE });
    assert.equal(p.received, N);
    const s3 = await ep.scrape();
    const d = (series: string) => value(s3, series) - value(s2, series);
    assert.equal(d('pix_pptpd_packets_total{direction="in"}'), N);
    assert.equal(d('pix_pptpd_packets_total{direction="out"}'), N);
    const ip = 20 + 8 + SIZE;
    const octetsIn = d('pix_pptpd_bytes_total{direction="in"}');
    assert.ok(octetsIn >= N * ip && octetsIn <= N * (ip + 8), `octets in ${octetsIn} for ${N} packets of ${ip}`);
    const userIn = d('pix_pptpd_user_bytes{user="cisco",direction="in"}');
    assert.ok(userIn >= N * ip && userIn <= N * (ip + 16), `cisco's octets in ${userIn} for ${N} packets of ${ip}`);
    assert.equal(value(s3, 'pix_pptpd_mppe_rejected_total'), 0);

    await client.hangup();
    await new Promise((r) => setTimeout(r, 50));
    const s4 = await ep.scrape();
    assert.equal(value(s4, 'pix_pptpd_tunnels'), 0);
    assert.doesNotMatch(s4, /pix_pptpd_user_sessions\{/, 'no series for a user with no call');
    assert.ok(value(s4, 'pix_pptpd_packets_total{direction="in"}') >= value(s3, 'pix_pptpd_packets_total{direction="in"}'), 'totals never go down when a call ends');
    assert.equal(value(s4, 'pix_pptpd_setups_total'), 1);
  } finally {
    await ep.close();
    await rig.close();
  }
});

test('metrics: TACACS+ authentications land in the time histogram by outcome and in the request counter', async () => {
  const KEY = 'T4c-shared-Key';
  const srv = await startTacacsServer({ key: KEY, users: { cisco: { pap: { cleartext: 'Tac-Pw1' }, ppp: [] } } });
  const lines = [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    `ip address outside ${TUNNEL_IP} 255.255.255.0`,
    'ip address inside 10.1.1.1 255.255.255.0',
    'ip local pool pptp-pool 192.168.1.1-192.168.1.5',
    'aaa-server TACACS+ protocol tacacs+',
    `aaa-server TACACS+ (inside) host ${srv.host} ${KEY} timeout 5 authentication-port ${srv.port}`,
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication pap',
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication aaa TACACS+',
    'vpdn enable outside',
  ];
  const cfg = loadConfigText(lines.join('\n'));
  assert.deepEqual(cfg.errors, []);
  const rig = await startRig(cfg.config.vpn);
  const ep = await endpointOn(rig);
  try {
    const good = await rig.dial({ localAddress: '127.0.0.2', username: 'cisco', password: 'Tac-Pw1', authProtocols: ['pap'], mppe: null });
    const bad = await rig.dial({ localAddress: '127.0.0.3', username: 'cisco', password: 'nope', authProtocols: ['pap'], mppe: null }).catch((e) => e);
    assert.ok(bad instanceof DialError);
    const s = await ep.scrape();
    const h = 'pix_pptpd_aaa_authentication_seconds_count';
    assert.equal(value(s, `${h}{group="TACACS+",protocol="tacacs+",outcome="accept"}`), 1, s);
    assert.equal(value(s, `${h}{group="TACACS+",protocol="tacacs+",outcome="reject"}`), 1);
    assert.equal(value(s, `pix_pptpd_aaa_authentication_requests_total{group="TACACS+",server="${srv.host}",protocol="tacacs+"}`), 3, 'authen + author of the accept, authen of the reject');
    assert.equal(value(s, 'pix_pptpd_setup_failures_total{reason="auth-failed",windows_error="691"}'), 1);
    await good.hangup();
  } finally {
    await ep.close();
    await rig.close();
    await srv.close();
  }
});
