/**
 * `logging host` to real sockets on 127.0.0.1: the UDP datagrams and TCP
 * lines as a PIX frames them (PRI from facility and severity, timestamp,
 * device-id), only severities 1..`logging trap`, `logging message`
 * honoured, hosts added and removed while running, TCP messages queued
 * while the host is down (bounded by `logging queue`, drops counted) and
 * delivered when it comes up, and `show logging` counting per host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type AddressInfo } from 'node:net';
import { DebugBus } from '../../../src/debug/bus.js';
import { createApp, type App } from '../../../src/cli/app.js';
import type { ShellSession } from '../../../src/cli/session.js';

const BASE = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'ip address inside 127.0.0.1 255.255.255.255',
  'hostname pixfw',
  'logging on',
];
const NOW = Date.UTC(2026, 11, 6, 14, 3, 22);

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function udpCollector(): Promise<{ socket: UdpSocket; port: number; got: string[] }> {
  const socket = createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, got };
}

async function tcpCollector(port = 0): Promise<{ server: Server; port: number; got: string[] }> {
  const got: string[] = [];
  const server = createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('utf8');
      const lines = buf.split('\n');
      buf = lines.pop()!;
      got.push(...lines);
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, got };
}

async function box(lines: string[]): Promise<{ app: App; bus: DebugBus; shell: ShellSession; run: (l: string) => Promise<string[]> }> {
  const bus = new DebugBus();
  const app = createApp({ bus, remoteSyslog: true, now: () => NOW });
  const r = await app.loadText([...BASE, ...lines].join('\n'), app.emptyConfig());
  assert.deepEqual(r.messages.filter((m) => m.startsWith('ERROR')), []);
  const shell = app.createSession({ interactive: false, privilege: 15 });
  await shell.execute('configure terminal');
  return { app, bus, shell, run: (l) => shell.execute(l) };
}

test('UDP: <PRI>%PIX-... per message, only severity 1..trap, logging message honoured, show logging counts', async () => {
  const u = await udpCollector();
  const b = await box([`logging host inside 127.0.0.1 udp/${u.port}`, 'logging trap informational', 'logging message 605005 level 3', 'no logging message 111009']);
  try {
    b.bus.syslog(603104, 6, 'PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 10.1.1.9');
    b.bus.syslog(711001, 7, 'a debugging message, above the trap level');
    b.bus.syslog(199999, 0, 'an emergency: a PIX never sends level 0 to a host');
    b.bus.syslog(605005, 6, 'Login permitted from 10.1.1.9/40000 to inside:127.0.0.1/ssh for user "pix"');
    b.bus.syslog(111009, 7, 'User enable_15 executed cmd: show logging');
    b.bus.syslog(402101, 4, 'a warning');
    await until('three datagrams', () => u.got.length >= 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(u.got, [
      '<166>%PIX-6-603104: PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 10.1.1.9',
      '<163>%PIX-3-605005: Login permitted from 10.1.1.9/40000 to inside:127.0.0.1/ssh for user "pix"',
      '<164>%PIX-4-402101: a warning',
    ]);
    const show = await b.run('show logging');
    assert.ok(show.includes('    Trap logging: level informational, 3 messages logged'), show.join('\n'));
    assert.ok(show.includes(`        Logging to inside 127.0.0.1 udp/${u.port}: 3 sent, 0 queued, 0 dropped`), show.join('\n'));
    assert.ok(show.includes('    Facility: 20'), show.join('\n'));
  } finally {
    await b.app.close();
    u.socket.close();
  }
});

test('UDP: facility, timestamp and device-id change the framing at once; a removed host gets nothing more', async () => {
  const u = await udpCollector();
  const b = await box([`logging host inside 127.0.0.1 udp/${u.port}`, 'logging trap notifications', 'no logging message 111008']);
  try {
    const send = () => b.bus.syslog(603105, 5, 'PPTP Tunnel deleted, tunnel_id = 1');
    send();
    assert.deepEqual(await b.run('logging facility 16'), []);
    send();
    await b.run('logging timestamp');
    send();
    await b.run('logging device-id hostname');
    send();
    await b.run('no logging timestamp');
    send();
    await b.run('logging device-id string edge-7');
    send();
    await b.run('logging device-id ipaddress inside');
    send();
    await until('seven datagrams', () => u.got.length >= 7);
    assert.deepEqual(u.got, [
      '<165>%PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>%PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>Dec 06 2026 14:03:22: %PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>Dec 06 2026 14:03:22 pixfw : %PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>pixfw : %PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>edge-7 : %PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
      '<133>127.0.0.1 : %PIX-5-603105: PPTP Tunnel deleted, tunnel_id = 1',
    ]);
    await b.run(`no logging host inside 127.0.0.1`);
    send();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(u.got.length, 7, 'nothing after no logging host');
    const show = await b.run('show logging');
    assert.ok(!show.some((l) => l.includes('Logging to')), show.join('\n'));
    assert.ok(show.includes('    Device ID: ipaddress inside'), show.join('\n'));
  } finally {
    await b.app.close();
    u.socket.close();
  }
});

test('TCP: one line per message; while the host is down messages wait (bounded by logging queue, drops counted) and arrive in order when it comes up', async () => {
  // a port nobody listens on yet: find one, then close it
  const probe = await tcpCollector();
  const port = probe.port;
  await new Promise<void>((r) => probe.server.close(() => r()));
  const b = await box([`logging host inside 127.0.0.1 tcp/${port}`, 'logging trap debugging', 'logging queue 3', 'no logging message 111008', 'no logging message 111009']);
  let t: Awaited<ReturnType<typeof tcpCollector>> | undefined;
  try {
    for (let i = 1; i <= 5; i++) b.bus.syslog(603104, 6, `message ${i}`);
    let show = await b.run('show logging');
    assert.ok(show.includes(`        Logging to inside 127.0.0.1 tcp/${port} not connected: 0 sent, 3 queued, 2 dropped`), show.join('\n'));
    t = await tcpCollector(port);
    // the first retry is 1 s after the refused connect
    await until('the three queued lines', () => t!.got.length >= 3, 5000);
    b.bus.syslog(603105, 5, 'message 6');
    await until('the live line', () => t!.got.length >= 4);
    assert.deepEqual(t.got, ['<166>%PIX-6-603104: message 3', '<166>%PIX-6-603104: message 4', '<166>%PIX-6-603104: message 5', '<165>%PIX-5-603105: message 6']);
    show = await b.run('show logging');
    assert.ok(show.includes(`        Logging to inside 127.0.0.1 tcp/${port} connected: 4 sent, 0 queued, 2 dropped`), show.join('\n'));
    assert.ok((await b.run('show running-config')).includes(`logging host inside 127.0.0.1 tcp/${port}`));
  } finally {
    await b.app.close();
    if (t) await new Promise<void>((r) => t!.server.close(() => r()));
  }
});

test('without remoteSyslog (as in tests that must not send) nothing is sent and show logging prints the host without counters', async () => {
  const u = await udpCollector();
  const bus = new DebugBus();
  const app = createApp({ bus });
  try {
    await app.loadText([...BASE, `logging host inside 127.0.0.1 udp/${u.port}`, 'logging trap debugging'].join('\n'), app.emptyConfig());
    bus.syslog(603104, 6, 'PPTP Tunnel created'); // and 111009 for the show below: 2 logged
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(u.got, []);
    const s = app.createSession({ interactive: false, privilege: 15 });
    const show = await s.execute('show logging');
    assert.ok(show.includes(`        Logging to inside 127.0.0.1 udp/${u.port}`), show.join('\n'));
    assert.ok(show.includes('    Trap logging: level debugging, 2 messages logged'), show.join('\n'));
  } finally {
    await app.close();
    u.socket.close();
  }
});
