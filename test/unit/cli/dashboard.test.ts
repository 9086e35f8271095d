import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DebugBus } from '../../../src/debug/bus.js';
import { LogRouter } from '../../../src/cli/logging.js';
import { Dashboard, type DashboardSource } from '../../../src/cli/dashboard/model.js';
import { compactBytes, rateText, renderHeader, renderTable, sparkline, uptimeText } from '../../../src/cli/dashboard/render.js';
import type { ServerStatus } from '../../../src/server/api.js';
import { FakeServer } from './fake-server.js';
import { seedTunnel, twoUserStatus } from './fixtures.js';

function setup(st: ServerStatus = twoUserStatus()) {
  const bus = new DebugBus(() => 0);
  const router = new LogRouter(bus, () => ({ on: true, timestamp: false, hosts: [] }), () => 0);
  const server = new FakeServer(st, bus);
  let clock = 1_000_000;
  const cleared: number[] = [];
  const src: DashboardSource = {
    status: () => server.status(),
    clearTunnels: (id) => {
      cleared.push(id);
      return server.clearTunnels(id);
    },
    router,
    owner: 7,
    now: () => clock,
  };
  const dash = new Dashboard(src);
  return { bus, router, server, dash, cleared, tick: (ms: number) => (clock += ms), now: () => clock };
}

test('rows per call with peer, user, client address, state time, MPPE and counters', () => {
  const { dash } = setup();
  dash.refresh();
  const [a, b] = dash.rows;
  assert.equal(dash.rows.length, 2);
  assert.deepEqual(
    { key: a.key, peer: a.peer, user: a.user, client: a.clientAddress, enc: a.encryption, in: a.bytesIn, out: a.bytesOut, up: a.uptimeMs },
    { key: '13/13', peer: '161.44.17.104', user: 'cisco', client: '192.168.1.1', enc: '128 stateless', in: 3469, out: 394, up: 24_000 },
  );
  assert.equal(b.user, 'alice');
  assert.equal(a.rate, undefined, 'no rate from one sample');
  assert.deepEqual(dash.totals(), { tunnels: 2, sessions: 2, rate: 0 });
});

test('a tunnel without a call gets its own row; no MPPE yet shows -', () => {
  const st = twoUserStatus();
  st.tunnels.push({ ...seedTunnel, id: 20, state: 'wt-sccrq', activeSessions: 0, remoteAddress: '10.9.9.9' });
  st.sessions[1] = { ...st.sessions[1], mppe: null, state: 'wt-vacc', username: '', clientAddress: undefined };
  const { dash } = setup(st);
  dash.refresh();
  assert.deepEqual(
    dash.rows.map((r) => [r.key, r.user, r.encryption, r.state]),
    [
      ['13/13', 'cisco', '128 stateless', 'estabd'],
      ['14/14', '', '-', 'wt-vacc'],
      ['20/-', '', '-', 'wt-sccrq'],
    ],
  );
});

test('throughput from counter growth per second, history kept for the window only', () => {
  const { dash, server, tick } = setup();
  dash.refresh();
  for (let i = 1; i <= 70; i++) {
    tick(1000);
    server.st.sessions[0].bytesReceived += 1000;
    server.st.sessions[0].bytesSent += 500 * (i % 2);
    dash.refresh();
  }
  const r = dash.rows[0];
  assert.equal(r.rate, 1000); // i = 70: even, only the 1000 received
  assert.equal(r.history.length, 60, 'one sample a second, none older than 60 s');
  assert.ok(r.history.every((h) => h.rate === 1000 || h.rate === 1500));
  assert.equal(dash.rows[1].rate, 0);
  assert.equal(dash.totals().rate, 1000);
  // counters going back (new call on the same ids) restart the history
  tick(1000);
  server.st.sessions[0].bytesReceived = 10;
  dash.refresh();
  assert.equal(dash.rows[0].rate, undefined);
  assert.deepEqual(dash.rows[0].history, []);
  dash.reset();
  assert.deepEqual(dash.rows[1].history, []);
});

test('selection moves and stays on its row; clear key clears the selected tunnel', () => {
  const { dash, cleared } = setup();
  dash.refresh();
  assert.equal(dash.selected()?.key, '13/13');
  dash.move(1);
  assert.equal(dash.selected()?.key, '14/14');
  dash.move(5);
  assert.equal(dash.selected()?.key, '14/14');
  assert.equal(dash.clearSelected(), 'Tunnel 14 cleared');
  assert.deepEqual(cleared, [14]);
  assert.deepEqual(dash.rows.map((r) => r.key), ['13/13']);
  assert.equal(dash.selected()?.key, '13/13', 'the cursor falls back to a remaining row');
  dash.clearSelected();
  assert.deepEqual(dash.rows, []);
  assert.equal(dash.clearSelected(), '% No active PPTP tunnels');
});

test('debug key toggles vpdn event + ppp negotiation for the selected user only', () => {
  const { dash, router, bus } = setup();
  const seen: string[] = [];
  router.attach({ id: 7, isConsole: true, monitor: false, write: (l) => seen.push(...l) });
  dash.refresh();
  dash.move(1); // alice
  assert.equal(dash.toggleDebugSelected(), 'debug vpdn event, ppp negotiation user alice');
  assert.deepEqual(router.activeDebug(), [
    { category: 'vpdn event', user: 'alice' },
    { category: 'ppp negotiation', user: 'alice' },
  ]);
  assert.equal(dash.rows[1].debug, true);
  assert.equal(dash.rows[0].debug, false);
  bus.debug('ppp negotiation', 'alice line', { user: 'alice', tunnel: 14 });
  bus.debug('ppp negotiation', 'cisco line', { user: 'cisco', tunnel: 13 });
  assert.deepEqual(seen, ['alice line']);
  // another user's filter from the shell is left alone
  router.debugOn(1, 'ppp negotiation', { user: 'cisco' });
  assert.equal(dash.toggleDebugSelected(), 'undebug vpdn event, ppp negotiation user alice');
  assert.deepEqual(router.activeDebug(), [{ category: 'ppp negotiation', user: 'cisco' }]);
  dash.refresh();
  assert.equal(dash.rows[0].debug, true, 'cisco marked: a filter for that user is on');
});

test('before authentication the debug key filters by tunnel', () => {
  const st = twoUserStatus();
  st.sessions[0] = { ...st.sessions[0], username: '' };
  const { dash, router } = setup(st);
  dash.refresh();
  assert.equal(dash.toggleDebugSelected(), 'debug vpdn event, ppp negotiation tunnel 13');
  assert.deepEqual(router.activeDebug()[0], { category: 'vpdn event', tunnel: 13 });
});

test('sparkline: one slot per window share, scaled to the window maximum, blanks without traffic', () => {
  const now = 60_000;
  const h = [
    { t: 1_000, rate: 100 },
    { t: 30_000, rate: 50 },
    { t: 59_000, rate: 0 },
    { t: 60_000, rate: 100 },
  ];
  assert.equal(sparkline(h, now, 4), '█ ▄█');
  assert.equal(sparkline(h, now, 4, 60_000, false), '@ =@');
  assert.equal(sparkline([], now, 5), '     ');
  assert.equal(sparkline([{ t: -5, rate: 9 }], now, 3), '   ', 'samples outside the window are ignored');
});

test('formatters', () => {
  assert.equal(compactBytes(3469), '3469');
  assert.equal(compactBytes(123_456_789), '123.5M');
  assert.equal(rateText(undefined), '-');
  assert.equal(rateText(512), '512B/s');
  assert.equal(rateText(12_345), '12.3K/s');
  assert.equal(rateText(2_500_000), '2.5M/s');
  assert.equal(uptimeText(24_400), '00:00:24');
  assert.equal(uptimeText(3_725_000), '01:02:05');
  assert.equal(uptimeText(90_000_000), '1d01h');
});

test('table: all columns on a wide screen, least useful dropped first on narrow ones', () => {
  const { dash, server, tick, now } = setup();
  dash.refresh();
  tick(1000);
  server.st.sessions[0].bytesReceived += 2048;
  dash.refresh();
  dash.move(1);
  const wide = renderTable(dash.rows, dash.selectedIndex(), { width: 140, live: true, now: now() });
  assert.match(wide[0], /^ Tnl +Call +Peer +User +Client +Uptime +MPPE +Rx bytes +Tx bytes +Rate +Last 60 s$/);
  assert.match(wide[1], /^ 13 +13 +161\.44\.17\.104 +cisco +192\.168\.1\.1 +00:00:24 +128 stateless +5517 +394 +2\.0K\/s +█$/);
  assert.match(wide[2], /^>14 +14 +161\.44\.17\.105 +alice /);
  assert.ok(wide.every((l) => l.length <= 140));

  const hundred = renderTable(dash.rows, 0, { width: 100, live: true, now: now() });
  assert.match(hundred[0], /^ Tnl +Peer +User +Client +Uptime +MPPE +Rx bytes +Tx bytes +Last 60 s/);
  assert.ok(hundred.every((l) => l.length <= 100));

  const narrow = renderTable(dash.rows, 0, { width: 40, live: false, now: now() });
  assert.match(narrow[0], /^ Tnl +User +Client$/);
  assert.match(narrow[1], /^>13 +cisco +192\.168\.1\.1$/);
  assert.equal(renderHeader(dash.totals(), true), 'PPTP Tunnel and Session Information (Total tunnels=2 sessions=2)  2.0K/s');
});
