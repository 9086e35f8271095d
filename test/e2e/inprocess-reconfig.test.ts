/**
 * In-process end to end: hot reconfiguration while a call runs, operator
 * teardown (`clear vpdn tunnel all`, `no vpdn enable`), and hostile input
 * from a second peer that must not disturb a running call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DialError } from '../../src/client/failure.js';
import type { PptpClient } from '../../src/client/dial.js';
import { encodeControlMessage, CdnResult } from '../../src/proto/pptp/wire.js';
import { encodeGre } from '../../src/proto/gre/wire.js';
import { WINDOWS10_PROFILE } from '../../src/proto/pptp/client-control.js';
import { activeResources, settle, startRig, until, vpnConfig, TUNNEL_IP, type Rig } from './inprocess-harness.js';

async function pingsFine(c: PptpClient, what: string): Promise<void> {
  const r = await c.ping(TUNNEL_IP, { count: 3 });
  assert.equal(r.received, 3, `${what}: ping ${r.received}/3`);
}

async function finish(rig: Rig, clients: PptpClient[], before: Record<string, number>): Promise<void> {
  await Promise.all(clients.map((c) => c.hangup()));
  await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
  await rig.close();
  await settle(30);
  assert.equal(rig.fake?.pending(), 0, 'FakeClock timers left behind');
  const after = activeResources();
  for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout']) assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} leaked`);
}

async function dialFails(p: Promise<PptpClient>): Promise<DialError> {
  const e = await p.then(
    () => assert.fail('dial should have failed'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DialError, String(e));
  return e;
}

test('adding a user applies to the next call; the running call keeps passing traffic', async () => {
  const before = activeResources();
  const cfg = vpnConfig({ auth: ['mschap'], users: { alice: 'al1ce' } });
  const rig = await startRig(cfg);
  try {
    const alice = await rig.dial({ localAddress: '127.0.0.2', username: 'alice', password: 'al1ce' });
    assert.equal((await dialFails(rig.dial({ localAddress: '127.0.0.3', username: 'bob', password: 'b0b' }))).reason, 'auth-failed');
    await rig.apply({ ...cfg, vpdnUsers: [...cfg.vpdnUsers, { name: 'bob', password: 'b0b' }] });
    await pingsFine(alice, 'alice after the commit');
    const bob = await rig.dial({ localAddress: '127.0.0.3', username: 'bob', password: 'b0b' });
    assert.equal(bob.clientAddress, '192.168.1.2');
    await pingsFine(bob, 'bob');
    await pingsFine(alice, 'alice next to bob');
    assert.deepEqual(rig.server.status().sessions.map((s) => s.username).sort(), ['alice', 'bob']);
    await finish(rig, [alice, bob], before);
  } finally {
    await rig.close();
  }
});

test('changing the auth methods or the pool affects new calls only', async () => {
  const before = activeResources();
  const cfg = vpnConfig({ auth: ['mschap'], mppe: { strength: 128, required: true, stateful: false } });
  const rig = await startRig(cfg);
  try {
    const first = await rig.dial({ localAddress: '127.0.0.2', authProtocols: ['mschap'] });
    assert.equal(first.clientAddress, '192.168.1.1');
    // ppp authentication pap only, no encryption, and a new pool.
    const group = { ...cfg.vpdnGroups[0], authentication: ['pap' as const], mppe: undefined, addressPool: 'second' };
    await rig.apply({ ...cfg, vpdnGroups: [group], pools: [...cfg.pools, { name: 'second', ranges: [{ start: '10.10.10.1', end: '10.10.10.4' }] }] });
    assert.equal((await dialFails(rig.dial({ localAddress: '127.0.0.3', authProtocols: ['mschap'], mppe: { strength: 128, required: true, stateful: false } }))).reason, 'lcp-failed');
    const second = await rig.dial({ localAddress: '127.0.0.4', authProtocols: ['pap'] });
    assert.equal(second.clientAddress, '10.10.10.1');
    assert.equal(second.mppe, null);
    await pingsFine(first, 'first call after the change');
    const sessions = Object.fromEntries(rig.server.status().sessions.map((s) => [s.clientAddress, [s.authProtocol, s.mppe?.bits ?? 0]]));
    assert.deepEqual(sessions, { '192.168.1.1': ['MSCHAP', 128], '10.10.10.1': ['PAP', 0] });
    await finish(rig, [first, second], before);
  } finally {
    await rig.close();
  }
});

test('clear vpdn tunnel all: the client sees CDN and StopCCRQ and answers', async () => {
  const before = activeResources();
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'] }));
  try {
    const a = await rig.dial({ localAddress: '127.0.0.2', profile: 'windows10', mppe: null });
    const b = await rig.dial({ localAddress: '127.0.0.3' });
    assert.equal(rig.server.clearTunnels('all'), 2);
    const reasons = await Promise.all([a.closed, b.closed]);
    for (const r of reasons) assert.match(r, /call cleared by the server \(CDN result 3\)/);
    assert.equal(a.status().callEnd?.cdnResult, CdnResult.AdminShutdown);
    await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    const t = rig.texts();
    assert.equal(t.filter((l) => l === 'Tnl 1 PPTP: CC O StopCCRQ').length, 1, 'one StopCCRQ per tunnel');
    assert.equal(t.filter((l) => l === 'Tnl/Cl 1/1 PPTP: CC O CDN').length, 1, 'one CDN per call');
    assert.ok(t.includes('Tnl 1 PPTP: CC I StopCCRP'), 'server stop answered');
    assert.ok(!t.includes('Tnl 1 PPTP: CC I StopCCRQ'), 'the client answered instead of crossing with its own StopCCRQ');
    assert.deepEqual(rig.syslogs(603105).sort(), [
      'PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2',
      'PPTP Tunnel deleted, tunnel_id = 2, remote_peer_ip = 127.0.0.3',
    ]);
    assert.equal(a.status().state, 'closed');
    assert.equal(rig.server.status().pools[0].inUse, 0);
    await finish(rig, [], before);
  } finally {
    await rig.close();
  }
});

test('no vpdn enable: the listener stops and the tunnels on it end with 603105', async () => {
  const before = activeResources();
  const cfg = vpnConfig({ auth: ['chap'] });
  const rig = await startRig(cfg);
  try {
    const port = rig.port();
    const a = await rig.dial({ localAddress: '127.0.0.2', authProtocols: ['chap'] });
    await rig.apply({ ...cfg, vpdnEnable: [] });
    assert.deepEqual(rig.server.status().listening, []);
    assert.match(await a.closed, /call cleared by the server/);
    await until(() => rig.syslogs(603105).length === 1, '603105');
    assert.deepEqual(rig.syslogs(603105), ['PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2']);
    const e = await dialFails(rig.dial({ localAddress: '127.0.0.3', authProtocols: ['chap'], port }));
    assert.equal(e.reason, 'connect-failed');
    await finish(rig, [], before);
  } finally {
    await rig.close();
  }
});

/** A raw TCP peer for hostile control input. */
function rawPeer(port: number, localAddress: string): Promise<{ sock: net.Socket; closed: Promise<void>; received: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port, localAddress });
    const received: Buffer[] = [];
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('data', (d) => received.push(d));
    sock.on('error', () => {});
    sock.once('connect', () => resolve({ sock, closed, received }));
    sock.once('error', reject);
  });
}

test('malformed control and GRE input from a second peer never disturbs a running call', async () => {
  const before = activeResources();
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false } }));
  try {
    const a = await rig.dial({ localAddress: '127.0.0.2', profile: 'windows10' });
    const serverCallId = rig.server.status().sessions[0].callId;

    // 1. Garbage on TCP: the server drops that connection.
    const junk = await rawPeer(rig.port(), '127.0.0.3');
    junk.sock.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await junk.closed;

    // 2. A proper SCCRQ and OCRQ, then nonsense in a valid frame: a CCRQ for
    //    the other tunnel's call, an SLI for it, an unknown message type.
    const evil = await rawPeer(rig.port(), '127.0.0.3');
    const p = WINDOWS10_PROFILE;
    evil.sock.write(
      encodeControlMessage({
        type: 'SCCRQ',
        protocolVersion: p.protocolVersion,
        framingCapabilities: 1,
        bearerCapabilities: 1,
        maximumChannels: 0,
        firmwareRevision: 0,
        hostName: '',
        vendorString: 'evil',
      }),
    );
    evil.sock.write(encodeControlMessage({ type: 'CCRQ', callId: a.callId }));
    evil.sock.write(encodeControlMessage({ type: 'SLI', peerCallId: serverCallId, sendAccm: 0, receiveAccm: 0 }));
    const unknownType = encodeControlMessage({ type: 'CCRQ', callId: 7 });
    unknownType.writeUInt16BE(99, 8);
    evil.sock.write(unknownType);

    // 3. GRE from the second address: the running call's key (wrong peer),
    //    broken headers, and a seeded spray of random octets.
    const gre = rig.endpoint('127.0.0.3');
    gre.send('127.0.0.1', encodeGre({ callId: serverCallId, seq: 1, ack: 1 }, Buffer.from('c0210501000a', 'hex')));
    gre.send('127.0.0.1', encodeGre({ callId: serverCallId, seq: 0xfffffff0 }, Buffer.from('ff03c021090100080000000', 'hex')));
    gre.send('127.0.0.1', Buffer.from('3001880b', 'hex'));
    let x = 12345;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 300; i++) {
      const b = Buffer.alloc(4 + (rnd() % 60));
      for (let k = 0; k < b.length; k++) b[k] = rnd();
      if (i % 3 === 0) b.writeUInt16BE(0x3081, 0), b.writeUInt16BE(0x880b, 2);
      gre.send('127.0.0.1', b);
    }
    await settle(50);

    await pingsFine(a, 'the running call');
    const st = rig.server.status();
    const s = st.sessions.find((x) => x.callId === serverCallId)!;
    assert.equal(s.outOfOrder, 0, 'no sequence damage');
    assert.equal(s.username, 'cisco');
    assert.equal(a.status().ppp?.errors['MPPE packet rejected'] ?? 0, 0);
    assert.ok((st.errors['gre-unknown-call'] ?? 0) >= 2, 'foreign GRE for the running call id counted');
    const greDropped = Object.entries(st.errors).filter(([k]) => k.startsWith('gre-')).reduce((n, [, v]) => n + v, 0);
    assert.equal(greDropped, 303, 'every foreign GRE packet dropped and counted, none delivered');
    assert.equal(st.errors['pptp-bad-call-id'], 2, 'CCRQ and SLI for another tunnel refused');
    assert.equal(st.errors['pptp-unknown-type'], 1);
    const cdn = Buffer.concat(evil.received);
    assert.ok(cdn.length > 0, 'the evil peer was answered (SCCRP, CDN bad call id)');
    evil.sock.destroy();
    await evil.closed;
    await until(() => rig.server.status().tunnels.length === 1, 'evil tunnel gone');
    await pingsFine(a, 'the running call, after the evil peer left');
    await finish(rig, [a], before);
  } finally {
    await rig.close();
  }
});
