import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DebugBus } from '../../../src/debug/bus.js';
import type { LoggingSettings } from '../../../src/config/running.js';
import { LogRouter, type LogSink, type LineKind } from '../../../src/cli/logging.js';

class Sink implements LogSink {
  lines: { text: string; kind: LineKind }[] = [];
  constructor(readonly id: number, readonly isConsole: boolean, public monitor = false) {}
  write(lines: string[], kind: LineKind): void {
    for (const text of lines) this.lines.push({ text, kind });
  }
  texts(): string[] {
    return this.lines.map((l) => l.text);
  }
}

function setup(settings: Partial<LoggingSettings>) {
  const bus = new DebugBus(() => 0);
  const cfg: LoggingSettings = { on: true, timestamp: false, hosts: [], ...settings };
  const router = new LogRouter(bus, () => cfg, () => Date.UTC(2026, 10, 24, 12, 0, 0), 3);
  const con = new Sink(1, true);
  const mon = new Sink(2, false);
  router.attach(con);
  router.attach(mon);
  return { bus, cfg, router, con, mon };
}

const TEXT = 'PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104';

test('console gets the bare seed form without timestamps, gated by level', () => {
  const { bus, con, mon, router } = setup({ console: 6 });
  bus.syslog(603105, 6, TEXT);
  bus.syslog(611101, 7, 'debug-level message');
  assert.deepEqual(con.texts(), [`603105: ${TEXT}`]);
  assert.deepEqual(mon.texts(), []);
  assert.equal(router.counters.console, 1);
});

test('logging timestamp: console gets `Mon dd yyyy hh:mm:ss: %PIX-...`', () => {
  const { bus, con } = setup({ console: 7, timestamp: true });
  bus.syslog(603105, 6, TEXT);
  assert.deepEqual(con.texts(), [`Nov 24 2026 12:00:00: %PIX-6-603105: ${TEXT}`]);
});

test('no logging on: syslog goes nowhere; debug still flows', () => {
  const { bus, con, router } = setup({ on: false, console: 7, buffered: 7 });
  bus.syslog(603105, 6, TEXT);
  router.debugOn(1, 'vpdn event');
  bus.debug('vpdn event', 'Tnl 42 PPTP: CC I SCCRQ');
  assert.deepEqual(con.lines, [{ text: 'Tnl 42 PPTP: CC I SCCRQ', kind: 'debug' }]);
  assert.deepEqual(router.buffered(), []);
});

test('buffered ring keeps the newest lines, %PIX form; clear empties it', () => {
  const { bus, router } = setup({ buffered: 4 });
  for (let i = 1; i <= 5; i++) bus.syslog(403100 + i, 4, `m${i}`);
  bus.syslog(603105, 6, 'too verbose');
  assert.deepEqual(router.buffered(), ['%PIX-4-403103: m3', '%PIX-4-403104: m4', '%PIX-4-403105: m5']);
  assert.equal(router.counters.buffer, 5);
  router.clearBuffer();
  assert.deepEqual(router.buffered(), []);
});

test('terminal monitor sessions get %PIX lines per logging monitor, and all debug', () => {
  const { bus, con, mon, router } = setup({ monitor: 6 });
  mon.monitor = true;
  bus.syslog(603105, 6, TEXT);
  assert.deepEqual(mon.texts(), [`%PIX-6-603105: ${TEXT}`]);
  assert.deepEqual(con.texts(), []);
  router.debugOn(1, 'ppp io');
  bus.debug('ppp io', 'PPP xmit, ifc = 0, Len: 8 data: ff03c22303010004');
  assert.equal(con.lines.length, 1);
  assert.equal(mon.lines.length, 2);
});

test('debug lines go only to the session that enabled them; undebug stops them', () => {
  const { bus, con, mon, router } = setup({});
  router.debugOn(2, 'vpdn packet');
  bus.debug('vpdn packet', 'a\nb');
  assert.deepEqual(mon.texts(), ['a', 'b']);
  assert.deepEqual(con.texts(), []);
  assert.deepEqual(router.activeDebug(), [{ category: 'vpdn packet' }]);
  router.debugOff('vpdn packet');
  assert.equal(bus.on('vpdn packet'), false);
  bus.debug('vpdn packet', 'c');
  assert.deepEqual(mon.texts(), ['a', 'b']);
});

test('per-user and per-tunnel debug filters', () => {
  const { bus, con, router } = setup({});
  router.debugOn(1, 'ppp uauth', { user: 'john' });
  router.debugOn(1, 'vpdn event', { tunnel: 42 });
  bus.debug('ppp uauth', 'for john', { user: 'John' });
  bus.debug('ppp uauth', 'for cisco', { user: 'cisco' });
  bus.debug('ppp uauth', 'no ctx');
  bus.debug('vpdn event', 'tnl 42', { tunnel: 42 });
  bus.debug('vpdn event', 'tnl 7', { tunnel: 7 });
  assert.deepEqual(con.texts(), ['for john', 'tnl 42']);
  assert.deepEqual(router.activeDebug(), [
    { category: 'vpdn event', tunnel: 42 },
    { category: 'ppp uauth', user: 'john' },
  ]);
  router.debugAllOff();
  assert.deepEqual(bus.active(), []);
});

test('detaching the last owner turns its debug categories off', () => {
  const { bus, router } = setup({});
  router.debugOn(2, 'radius');
  router.detach(2);
  assert.equal(bus.on('radius'), false);
});

test('filters on one category add up; plain debug drops them; undebug with a filter removes only that one', () => {
  const { bus, con, router } = setup({});
  router.debugOn(1, 'ppp negotiation', { user: 'alice' });
  router.debugOn(1, 'ppp negotiation', { user: 'bob' });
  router.debugOn(1, 'ppp negotiation', { user: 'BOB' }); // same filter, not twice
  bus.debug('ppp negotiation', 'alice LCP', { user: 'alice', tunnel: 1 });
  bus.debug('ppp negotiation', 'bob LCP', { user: 'bob', tunnel: 2 });
  bus.debug('ppp negotiation', 'carol LCP', { user: 'carol', tunnel: 3 });
  assert.deepEqual(con.texts(), ['alice LCP', 'bob LCP']);
  assert.deepEqual(router.activeDebug(), [
    { category: 'ppp negotiation', user: 'alice' },
    { category: 'ppp negotiation', user: 'bob' },
  ]);

  router.debugOff('ppp negotiation', { user: 'alice' });
  bus.debug('ppp negotiation', 'alice again', { user: 'alice' });
  bus.debug('ppp negotiation', 'bob again', { user: 'bob' });
  assert.deepEqual(con.texts().slice(2), ['bob again']);
  router.debugOff('ppp negotiation', { user: 'nobody' }); // not there: nothing changes
  assert.equal(bus.on('ppp negotiation'), true);
  router.debugOff('ppp negotiation', { user: 'bob' }); // the last filter: category off
  assert.equal(bus.on('ppp negotiation'), false);

  router.debugOn(1, 'vpdn event', { tunnel: 5 });
  router.debugOn(1, 'vpdn event'); // plain: every line again
  assert.deepEqual(router.activeDebug(), [{ category: 'vpdn event' }]);
  bus.debug('vpdn event', 'any tunnel', { tunnel: 9 });
  assert.equal(con.texts().at(-1), 'any tunnel');
  router.debugOn(1, 'vpdn event', { tunnel: 5 }); // narrows an unfiltered category
  bus.debug('vpdn event', 'tunnel 9 hidden', { tunnel: 9 });
  bus.debug('vpdn event', 'tunnel 5 shown', { tunnel: 5 });
  assert.equal(con.texts().at(-1), 'tunnel 5 shown');
  assert.ok(!con.texts().includes('tunnel 9 hidden'));
  router.debugOff('vpdn event');
  assert.deepEqual(router.activeDebug(), []);
});

test('a user filter follows the tunnel the user is on (learned from 603104), and forgets it at 603105', () => {
  const { bus, con, router } = setup({});
  router.debugOn(1, 'vpdn event', { user: 'cisco' });
  bus.debug('vpdn event', 'Tnl 13 PPTP: CC I SCCRQ (user unknown yet)', { tunnel: 13 });
  bus.syslog(603104, 6, 'PPTP Tunnel created, tunnel_id is 13, ... username is cisco', { tunnel: 13, user: 'cisco' });
  bus.syslog(603104, 6, 'PPTP Tunnel created, tunnel_id is 14, ... username is other', { tunnel: 14, user: 'other' });
  assert.equal(router.userOfTunnel(13), 'cisco');
  bus.debug('vpdn event', 'Tnl 13 PPTP: CC I CCRQ', { tunnel: 13 });
  bus.debug('vpdn event', 'Tnl 14 PPTP: CC I CCRQ', { tunnel: 14 });
  bus.syslog(603105, 6, 'PPTP Tunnel deleted, tunnel_id = 13, remote_peer_ip = 161.44.17.104', { tunnel: 13 });
  assert.equal(router.userOfTunnel(13), undefined);
  bus.debug('vpdn event', 'Tnl 13 reused by someone else', { tunnel: 13 });
  assert.deepEqual(con.texts(), ['Tnl 13 PPTP: CC I CCRQ']);
});
