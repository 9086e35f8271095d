import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthProtocol } from '../../../src/config/model.js';
import { ipPacket, makePair } from './link.js';

for (const proto of ['pap', 'chap', 'mschap', 'mschap-v2'] as AuthProtocol[]) {
  test(`server and client reach onUp with ${proto} and pass IP both ways`, async () => {
    const p = makePair({ server: { authProtocols: [proto], dns: ['10.1.1.53'] }, client: { authProtocols: [proto] } });
    p.server.start();
    p.client.start();
    await p.run();
    assert.ok(p.events.serverUp, 'server up');
    assert.ok(p.events.clientUp, 'client up');
    assert.deepEqual(
      { u: p.events.serverUp.username, c: p.events.serverUp.clientAddress, s: p.events.serverUp.serverAddress, a: p.events.serverUp.authProtocol, m: p.events.serverUp.mppe },
      { u: 'john', c: '172.16.1.1', s: '99.99.99.2', a: proto, m: null },
    );
    assert.equal(p.events.clientUp.clientAddress, '172.16.1.1');
    assert.equal(p.events.clientUp.serverAddress, '99.99.99.2');
    assert.deepEqual(p.events.clientUp.dns, ['10.1.1.53']);
    const up = ipPacket('172.16.1.1', '10.1.1.1');
    assert.ok(p.client.sendIp(up));
    await p.run();
    assert.deepEqual(p.events.serverIp, [up]);
    const down = ipPacket('10.1.1.1', '172.16.1.1');
    assert.ok(p.server.sendIp(down));
    await p.run();
    assert.deepEqual(p.events.clientIp, [down]);
    const st = p.server.status();
    assert.equal(st.phase, 'network');
    assert.equal(st.authProtocol, { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAP-V2' }[proto]);
    assert.equal(st.clientAddress, '172.16.1.1');
    assert.ok(p.sdbg.texts().includes(`PPP virtual interface 1 - user: john aaa authentication started`.replace(/^/, '603102: ')));
    assert.ok(p.sdbg.texts().includes('603103: PPP virtual interface 1 - user: john aaa authentication succeed'));
    // clean close both ways, no timers left behind
    p.client.close('user request');
    await p.run();
    p.clock.advance(40_000);
    await p.run();
    assert.equal(p.events.clientDown, 'user request');
    assert.ok(p.events.serverDown, 'server saw the link end');
    assert.deepEqual(p.events.released, ['172.16.1.1']);
    assert.equal(p.clock.pending(), 0, 'no timers left');
  });
}

for (const strength of [40, 56, 128] as const) {
  test(`MS-CHAPv2 with MPPE-${strength} required: IP only travels encrypted`, async () => {
    const mppe = { strength, required: true, stateful: false };
    const p = makePair({ server: { authProtocols: ['mschap-v2'], mppe }, client: { authProtocols: ['mschap-v2'], mppe } });
    p.server.start();
    p.client.start();
    await p.run();
    assert.deepEqual(p.events.serverUp?.mppe, { bits: strength, stateless: true });
    assert.deepEqual(p.events.clientUp?.mppe, { bits: strength, stateless: true });
    const frames: Buffer[] = [];
    const pkt = ipPacket('172.16.1.1', '10.1.1.1');
    p.client.sendIp(pkt);
    frames.push(...p.queue.map((q) => Buffer.from(q.frame)));
    await p.run();
    assert.deepEqual(p.events.serverIp, [pkt]);
    assert.equal(frames.length, 1);
    assert.equal(frames[0][0], 0xfd, 'PFC+ACFC: one-octet MPPE protocol');
    assert.ok(!frames[0].includes(pkt.subarray(12, 20)), 'addresses not in clear');
    p.server.sendIp(ipPacket('10.1.1.1', '172.16.1.1'));
    await p.run();
    assert.equal(p.events.clientIp.length, 1);
    // an unencrypted IP frame is dropped and counted
    p.server.input(Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0x21]), pkt]));
    assert.equal(p.events.serverIp.length, 1);
    assert.equal(p.server.status().errors['unencrypted IP while MPPE is on'], 1);
    assert.deepEqual(p.server.status().mppe, { bits: strength, stateful: false });
  });
}

test('MS-CHAPv1 with MPPE auto: 128-bit agreed, data flows', async () => {
  const p = makePair({
    server: { authProtocols: ['mschap'], mppe: { strength: 'auto', required: false, stateful: false } },
    client: { authProtocols: ['mschap'], mppe: { strength: 128, required: true, stateful: false } },
  });
  p.server.start();
  p.client.start();
  await p.run();
  assert.deepEqual(p.events.serverUp?.mppe, { bits: 128, stateless: true });
  const pkt = ipPacket('172.16.1.1', '10.1.1.1');
  p.client.sendIp(pkt);
  await p.run();
  assert.deepEqual(p.events.serverIp, [pkt]);
});

test('bad password: CHAP Failure, 603103 failed, both ends down, address never allocated', async () => {
  const p = makePair({ server: { authProtocols: ['mschap-v2'] }, client: { authProtocols: ['mschap-v2'] }, password: 'wrong' });
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.events.serverUp, undefined);
  assert.match(p.events.serverDown ?? '', /authentication failed \(denied\)/);
  assert.match(p.events.clientDown ?? '', /authentication/);
  assert.ok(p.sdbg.texts().includes('603103: PPP virtual interface 1 - user: john aaa authentication failed'));
  assert.ok(p.sdbg.texts().includes('uauth_mschap_proc_reply: pppdev = 1, status = 0'));
  assert.deepEqual(p.pool, ['172.16.1.1', '172.16.1.2'], 'pool untouched');
  assert.ok(!p.sdbg.texts().some((t) => t.includes('wrong') || t.includes('cisco123')), 'no password in debug');
  assert.equal(p.clock.pending(), 0);
});

test('no common authentication protocol: LCP fails to negotiate and terminates', async () => {
  const p = makePair({ server: { authProtocols: ['chap'] }, client: { authProtocols: ['mschap-v2'] } });
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.events.serverDown, 'no common authentication protocol');
  assert.ok(p.sdbg.texts().includes('Vi1 LCP: Failed to negotiate with peer'));
  assert.ok(p.events.clientDown);
  assert.equal(p.authenticator.calls.length, 0);
});

test('server switches to the protocol the peer Naks with when allowed', async () => {
  const p = makePair({ server: { authProtocols: ['pap', 'mschap-v2'] }, client: { authProtocols: ['mschap-v2'] } });
  p.server.start();
  p.client.start();
  await p.run();
  assert.equal(p.events.serverUp?.authProtocol, 'mschap-v2');
  assert.ok(p.sdbg.texts().includes('Vi1 LCP:    AuthProto PAP (0x0304C023)'));
  assert.ok(p.sdbg.texts().includes('Vi1 LCP:    AuthProto MS-CHAP-V2 (0x0305C22381)'));
});

test('pool exhausted: 403108 and a clean end', async () => {
  const p = makePair({ pool: [] });
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.events.serverUp, undefined);
  assert.equal(p.events.serverDown, 'missing client ip address');
  assert.ok(p.sdbg.texts().includes('403108: PPP virtual interface 1 missing client ip address option'));
  assert.ok(p.events.clientDown);
  assert.equal(p.clock.pending(), 0);
});

test('MPPE required but the peer refuses CCP (Protocol-Reject): terminated', async () => {
  const p = makePair({
    server: { authProtocols: ['mschap-v2'], mppe: { strength: 40, required: true, stateful: false } },
    client: { authProtocols: ['mschap-v2'] },
  });
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.events.serverUp, undefined);
  assert.equal(p.events.serverDown, 'mppe required but not active');
  assert.ok(p.cdbg.texts().some((t) => /^Vi2 LCP: O PROTREJ \[Open\] id \d+ len 16 protocol CCP \(0x80FD0101000A120601000020\)$/.test(t)));
  assert.ok(p.events.clientDown);
});

test('MPPE required, RADIUS-like backend without keys: 691 and 403110', async () => {
  const p = makePair({
    server: { authProtocols: ['mschap'], mppe: { strength: 40, required: true, stateful: false } },
    client: { authProtocols: ['mschap'], mppe: { strength: 40, required: false, stateful: false } },
  });
  p.authenticator.withoutKeys = true;
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  const t = p.sdbg.texts();
  const i = t.indexOf('603103: PPP virtual interface 1 - user: john aaa authentication failed');
  const j = t.indexOf('403110: PPP virtual interface 1, user: john missing MPPE key from aaa server');
  assert.ok(i >= 0 && j > i, 'failed, then missing key');
  assert.match(p.events.serverDown ?? '', /no-mppe-keys/);
});

test('client requires MPPE, server has none: server Protocol-Rejects CCP (Windows 742 case)', async () => {
  const p = makePair({
    server: { authProtocols: ['mschap-v2'] },
    client: { authProtocols: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false } },
  });
  p.server.start();
  p.client.start();
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.ok(p.sdbg.texts().some((t) => /^Vi1 LCP: O PROTREJ \[Open\] id \d+ len 16 protocol CCP \(0x80FD0101000A120601000040\)$/.test(t)));
  assert.equal(p.events.clientDown, 'mppe required but not active');
});

test('LCP echo keepalive: answered while the peer lives, session down when it goes silent', async () => {
  const p = makePair({ serverExtra: { echoIntervalMs: 1000, echoFailures: 3 } });
  p.server.start();
  p.client.start();
  await p.run();
  assert.ok(p.events.serverUp);
  for (let i = 0; i < 5; i++) {
    p.clock.advance(1000);
    await p.run();
  }
  assert.equal(p.events.serverDown, undefined, 'echo answered');
  // the peer vanishes: frames to the client are lost
  const silent = p.queue;
  for (let i = 0; i < 5; i++) {
    p.clock.advance(1000);
    silent.length = 0;
  }
  assert.match(p.events.serverDown ?? '', /LCP echo timeout/);
  assert.deepEqual(p.events.released, ['172.16.1.1']);
});

test('IP before the network phase is dropped and counted', async () => {
  const p = makePair();
  p.server.start();
  p.server.input(Buffer.concat([Buffer.from('ff030021', 'hex'), ipPacket('1.1.1.1', '2.2.2.2')]));
  p.server.input(Buffer.from('ff0380210101000a030600000000', 'hex'));
  assert.equal(p.server.status().errors['before network phase'], 2);
  assert.deepEqual(p.events.serverIp, []);
});
