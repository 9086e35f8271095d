import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  renderShowVpdn,
  renderShowVpdnTunnel,
  renderShowVpdnSession,
  renderShowVpdnPppInterface,
  NO_TUNNELS,
} from '../../../src/cli/render/vpdn.js';
import { renderShowIpLocalPool } from '../../../src/cli/render/pool.js';
import { renderSyslog, pixTimestamp } from '../../../src/debug/pix-syslog.js';
import { debugSummary } from '../../../src/cli/render/misc.js';
import { seedStatus, emptyStatus, SEED_SHOW_VPDN, seedSession } from './fixtures.js';

test('show vpdn is byte-exact to the seed 003 sample', () => {
  assert.equal(renderShowVpdn(seedStatus()).join('\n'), SEED_SHOW_VPDN);
});

test('show vpdn with nothing up prints the no-tunnels line', () => {
  assert.deepEqual(renderShowVpdn(emptyStatus()), [NO_TUNNELS]);
  assert.deepEqual(renderShowVpdnTunnel(emptyStatus()), [NO_TUNNELS]);
  assert.deepEqual(renderShowVpdnSession(emptyStatus()), [NO_TUNNELS]);
});

test('show vpdn with two tunnels keeps blocks separated by one blank line', () => {
  const st = seedStatus();
  st.tunnels.push({ ...st.tunnels[0], id: 14, remoteId: 14, remoteAddress: '10.9.9.9' });
  st.sessions.push({ ...st.sessions[0], callId: 14, tunnelId: 14, username: '', state: 'wt-vacc' });
  const out = renderShowVpdn(st);
  assert.equal(out[1], 'PPTP Tunnel and Session Information (Total tunnels=2 sessions=2)');
  assert.ok(out.includes('Tunnel id 14, remote id is 14, 1 active sessions'));
  assert.ok(out.includes('Call id 14 is down on tunnel id 14'));
  assert.ok(out.includes('  Session username is Unknown, state is wt-vacc'));
  for (let i = 1; i < out.length; i++) assert.ok(!(out[i] === '' && out[i - 1] === ''), 'no double blank lines');
});

test('split forms reuse the seed blocks under their own headers', () => {
  const t = renderShowVpdnTunnel(seedStatus());
  assert.deepEqual(t.slice(0, 3), ['', 'PPTP Tunnel Information (Total tunnels=1 sessions=1)', '']);
  assert.deepEqual(t.slice(3), SEED_SHOW_VPDN.split('\n').slice(3, 8));
  const s = renderShowVpdnSession(seedStatus());
  assert.deepEqual(s.slice(0, 3), ['', 'PPTP Session Information (Total tunnels=1 sessions=1)', '']);
  assert.deepEqual(s.slice(3, -2), SEED_SHOW_VPDN.split('\n').slice(9));
  assert.deepEqual(s.slice(-2), ['  MPPE key strength is 128 bits, stateless', '  10 packets encrypted, 30 decrypted']);
  assert.deepEqual(renderShowVpdnTunnel(seedStatus(), 99), ['% No PPTP tunnel with id 99']);
  assert.equal(renderShowVpdnSession(seedStatus(), 13).length, 14);
  const clear = seedStatus();
  Object.assign(clear.sessions[0], { mppe: null });
  assert.deepEqual(renderShowVpdnSession(clear).slice(-1), ['  MPPE key strength is None']);
});

test('show vpdn pppinterface shows auth, addresses, counters and MPPE', () => {
  const out = renderShowVpdnPppInterface(seedStatus());
  assert.deepEqual(out, [
    '',
    'PPP virtual interface id = 1',
    'PPP authentication protocol is MSCHAP',
    'Server ip address is 172.18.124.152',
    'Client ip address is 192.168.1.1',
    'Transmitted Pkts: 12, Transmitted Bytes: 394',
    'Received Pkts: 35, Received Bytes: 3469',
    'MPPE key strength is 128 bits',
    'MPPE mode is stateless',
    'Encrypted Pkts: 10, Decrypted Pkts: 30',
  ]);
  const st = seedStatus();
  st.sessions[0] = { ...seedSession, mppe: null };
  const none = renderShowVpdnPppInterface(st);
  assert.equal(none[none.length - 1], 'MPPE key strength is None');
  st.sessions[0] = { ...seedSession, mppe: { bits: 40, stateful: true } };
  assert.ok(renderShowVpdnPppInterface(st).includes('MPPE key strength is 40 bits'));
  assert.ok(renderShowVpdnPppInterface(st).includes('MPPE mode is stateful'));
  assert.deepEqual(renderShowVpdnPppInterface(st, 7), ['% No PPP virtual interface with id 7']);
});

test('show ip local pool: summary and per-pool address lists', () => {
  const pools = seedStatus().pools;
  assert.deepEqual(renderShowIpLocalPool(pools), [
    'Pool        Begin           End             Free  In use',
    'pptp-pool   192.168.1.1     192.168.1.5     4     1',
  ]);
  assert.deepEqual(renderShowIpLocalPool(pools, 'pptp-pool'), [
    'Pool        Begin           End             Free  In use',
    'pptp-pool   192.168.1.1     192.168.1.5     4     1',
    'Available Addresses:',
    '192.168.1.2',
    '192.168.1.3',
    '192.168.1.4',
    '192.168.1.5',
    'In Use Addresses:',
    '192.168.1.1',
  ]);
  assert.deepEqual(renderShowIpLocalPool(pools, 'nope'), ['% Pool nope not found']);
});

test('syslog renderings: %PIX form, timestamp form, bare console form', () => {
  const m = { id: 603105, severity: 6, text: 'PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104' };
  assert.equal(renderSyslog(m), '%PIX-6-603105: PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104');
  assert.equal(renderSyslog(m, { bare: true }), '603105: PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104');
  const t = Date.UTC(2026, 10, 24, 12, 0, 0);
  assert.equal(pixTimestamp(t), 'Nov 24 2026 12:00:00');
  assert.equal(
    renderSyslog(m, { timestamp: t, bare: true }),
    'Nov 24 2026 12:00:00: %PIX-6-603105: PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104',
  );
  assert.equal(pixTimestamp(Date.UTC(2026, 0, 5, 3, 4, 5)), 'Jan 05 2026 03:04:05');
});

test('debug summary for the status line names filters', () => {
  assert.deepEqual(
    debugSummary([
      { category: 'vpdn event' },
      { category: 'ppp negotiation', user: 'alice' },
      { category: 'ppp negotiation', tunnel: 7 },
    ]),
    ['vpdn event', 'ppp negotiation(user alice)', 'ppp negotiation(tunnel 7)'],
  );
});

test('show interface: each nameif with its address and PPTP listener counters, then the kernel devices', async () => {
  const { renderShowInterfaces } = await import('../../../src/cli/render/misc.js');
  const { loadConfigText } = await import('../../../src/config/index.js');
  const rc = loadConfigText(['interface ethernet0 auto shutdown', 'nameif ethernet0 outside security0', 'nameif ethernet1 inside security100',
    'ip address outside 172.18.124.152 255.255.255.0', 'mtu outside 1400'].join('\n')).config;
  const st = { ...seedStatus(), listening: [{ interfaceName: 'outside', address: '172.18.124.152', port: 1723 }] };
  const tun = { name: 'tun0', up: true, mtu: 1400, rxPackets: 30, rxBytes: 3469, txPackets: 12, txBytes: 394, rxErrors: 0, txErrors: 0, drops: 1 };
  assert.deepEqual(renderShowInterfaces(rc, st, [tun]), [
    'interface ethernet0 "outside" is administratively down, line protocol is down',
    '        IP address 172.18.124.152, subnet mask 255.255.255.0',
    '        MTU 1400 bytes, security level 0',
    '        PPTP listening on 172.18.124.152 port 1723: 1 tunnels, 1 sessions, 35 packets input, 12 packets output',
    'interface ethernet1 "inside" is up, line protocol is up',
    '        IP address unassigned, subnet mask unassigned',
    '        MTU 1500 bytes, security level 100',
    'interface tun0 (kernel device) is up, line protocol is up',
    '        MTU 1400 bytes',
    '        30 packets input, 3469 bytes',
    '        12 packets output, 394 bytes',
    '        0 input errors, 0 output errors, 1 drops',
  ]);
});
