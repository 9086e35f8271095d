/**
 * createAaaAuthenticator / AaaRegistry: PIX defaults from an AaaServerGroup
 * (ports 1645/1646, 5 s x 4 tries, 3 failures, deadtime minutes), hot
 * reconfiguration (in-flight requests finish on the old group, queued
 * accounting moves, old sockets close), TACACS+ and local groups, and the
 * `show aaa-server` data.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/util/clock.js';
import { DebugBus } from '../../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../../src/proto/radius/udp.js';
import { renderShowAaaServer } from '../../../../src/cli/render/aaa.js';
import { AaaRegistry, createAaaAuthenticator, dynAuthClients, type AaaDeps } from '../../../../src/server/aaa/group.js';
import type { AaaServerGroup } from '../../../../src/config/model.js';
import { Code } from '../../../../src/proto/radius/dictionary.js';
import { integerAttribute } from '../../../../src/proto/radius/codec.js';
import { Attr } from '../../../../src/proto/radius/dictionary.js';
import { FakeRadiusServer } from './fake-server.js';

function deps(net: MemoryUdpNetwork, clock: FakeClock): AaaDeps {
  return { clock, debug: new DebugBus(), udp: net, nasIp: '172.18.124.152', sourceAddress: () => '172.18.124.152' };
}

const GROUP: AaaServerGroup = { tag: 'AuthInbound', protocol: 'radius', hosts: [{ interfaceName: 'outside', address: '172.18.124.99', key: 'cisco' }] };
const PAP = { method: 'pap' as const, username: 'cisco', password: 'cisco' };

describe('createAaaAuthenticator (RADIUS)', () => {
  it('uses the PIX defaults: port 1645, 5 s timeout, 4 tries, dead after 3 failed requests for 10 minutes', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const fake = await FakeRadiusServer.start(net, '172.18.124.99', 1645, 'cisco');
    const g = createAaaAuthenticator(GROUP, deps(net, clock));
    assert.equal(g.suppliesMppeKeys, true);
    for (let n = 1; n <= 3; n++) {
      let result: unknown;
      void g.authenticate(PAP).then((r) => (result = r));
      for (let i = 0; i < 4; i++) {
        await net.flush();
        clock.advance(5000);
      }
      await net.flush();
      assert.deepEqual(result, { ok: false, reason: 'unreachable', unanswered: ['172.18.124.99'] });
      assert.equal(fake.received.length, 4 * n);
    }
    const st = g.stats().servers[0]!;
    assert.equal(st.status, 'FAILED');
    assert.equal(st.radius?.deadUntil, clock.now() + 10 * 60_000);
    assert.deepEqual(await g.authenticate(PAP), { ok: false, reason: 'unreachable', unanswered: [] });
    assert.equal(fake.received.length, 12, 'dead: not asked');
    assert.equal(fake.received[0]!.from.address, '172.18.124.152', 'source address of the (IF)');
    assert.deepEqual(dynAuthClients(GROUP), [{ address: '172.18.124.99', secret: 'cisco' }]);
    g.close();
  });

  it('per-host ports, timeout and group max-failed-attempts/deadtime', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const fake = await FakeRadiusServer.start(net, '172.18.124.99', 1812, 'cisco');
    const acct = await FakeRadiusServer.start(net, '172.18.124.99', 1813, 'cisco');
    acct.respond = () => ({ code: Code.AccountingResponse });
    const g = createAaaAuthenticator(
      { ...GROUP, maxFailedAttempts: 1, deadtime: 1, hosts: [{ ...GROUP.hosts[0]!, timeout: 2, authenticationPort: 1812, accountingPort: 1813 }] },
      deps(net, clock),
    );
    let result: unknown;
    void g.authenticate(PAP).then((r) => (result = r));
    await net.flush();
    clock.advance(2000);
    await net.flush();
    assert.equal(fake.received.length, 2, 'retransmit after the host timeout of 2 s');
    clock.advance(6000); // tries 3 and 4, then the last 2 s wait
    await net.flush();
    assert.equal(fake.received.length, 4);
    assert.deepEqual(result, { ok: false, reason: 'unreachable', unanswered: ['172.18.124.99'] });
    assert.equal(g.stats().servers[0]!.status, 'FAILED');
    clock.advance(60_000);
    assert.equal(g.stats().servers[0]!.status, 'ACTIVE', 'deadtime is in minutes');
    g.accounting!.start({ sessionId: 'x', username: 'cisco', startedAt: 0, counters: () => ({ inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0 }) });
    await net.flush();
    assert.equal(integerAttribute(acct.received[0]!.packet, Attr.AcctStatusType), 1);
    g.close();
  });
});

describe('AaaRegistry: hot reconfiguration', () => {
  it('a changed group is rebuilt: the request in flight finishes on the old one, new requests use the new host', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const oldSrv = await FakeRadiusServer.start(net, '172.18.124.99', 1645, 'cisco');
    const newSrv = await FakeRadiusServer.start(net, '172.18.124.98', 1645, 'cisco2');
    oldSrv.respond = () => ({ code: Code.AccessAccept, hold: true });
    newSrv.respond = () => ({ code: Code.AccessReject });
    const reg = new AaaRegistry(deps(net, clock));
    reg.reconfigure([GROUP]);
    const first = reg.get('AuthInbound')!;
    let r1: unknown;
    void first.authenticate(PAP).then((r) => (r1 = r));
    await net.flush();
    const endpointsBefore = net.endpointCount();
    reg.reconfigure([GROUP]); // unchanged: same object
    assert.equal(reg.get('AuthInbound'), first);
    reg.reconfigure([{ ...GROUP, hosts: [{ address: '172.18.124.98', key: 'cisco2' }] }]);
    const second = reg.get('AuthInbound')!;
    assert.notEqual(second, first);
    assert.deepEqual(await second.authenticate(PAP), { ok: false, reason: 'denied' });
    assert.equal(r1, undefined, 'old request still waiting for its server');
    oldSrv.release();
    await net.flush();
    assert.deepEqual(r1, { ok: true, username: 'cisco' });
    await reg.settled();
    assert.equal(net.endpointCount(), endpointsBefore, 'old socket closed, new one opened');
    reg.reconfigure([]);
    await reg.settled();
    assert.equal(reg.get('AuthInbound'), undefined);
    reg.close();
  });

  it('queued accounting moves to the new group object', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const oldAcct = await FakeRadiusServer.start(net, '172.18.124.99', 1646, 'cisco');
    const newAcct = await FakeRadiusServer.start(net, '172.18.124.98', 1646, 'cisco2');
    newAcct.respond = () => ({ code: Code.AccountingResponse });
    const reg = new AaaRegistry(deps(net, clock));
    reg.reconfigure([GROUP]);
    const s = { sessionId: 'S1', username: 'cisco', startedAt: 0, counters: () => ({ inputOctets: 1, outputOctets: 2, inputPackets: 3, outputPackets: 4 }) };
    reg.get('AuthInbound')!.accounting!.start(s);
    for (let i = 0; i < 4; i++) {
      await net.flush();
      clock.advance(5000);
    }
    await net.flush();
    reg.get('AuthInbound')!.accounting!.stop(s, 'User-Request');
    const a = reg.stats()[0]!.accounting;
    assert.equal(a?.kind === 'radius' ? a.queued : -1, 2);
    reg.reconfigure([{ ...GROUP, hosts: [{ address: '172.18.124.98', key: 'cisco2' }] }]);
    await net.flush();
    await net.flush();
    assert.deepEqual(newAcct.received.map((r) => integerAttribute(r.packet, Attr.AcctStatusType)), [1, 2]);
    assert.equal(oldAcct.received.length, 4);
    reg.close();
  });
});

describe('TACACS+ and LOCAL groups, show aaa-server', () => {
  it('a TACACS+ group supplies no MPPE keys and refuses MS-CHAP at run time', async () => {
    const g = createAaaAuthenticator({ tag: 'TACACS+', protocol: 'tacacs+', hosts: [{ address: '127.0.0.1', key: 'cisco', authenticationPort: 1 }] }, { clock: new FakeClock(), debug: new DebugBus() });
    assert.equal(g.suppliesMppeKeys, false);
    const r = await g.authenticate({ method: 'mschap', username: 'cisco', challenge: Buffer.alloc(8), ntResponse: Buffer.alloc(24) });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'unsupported');
    assert.equal(g.stats().servers[0]!.authPort, 1);
    g.close();
  });

  it('a LOCAL group checks vpdn usernames', async () => {
    const g = createAaaAuthenticator({ tag: 'LOCAL', protocol: 'local', hosts: [] }, { clock: new FakeClock(), debug: new DebugBus(), localUsers: () => [{ name: 'cisco', password: 'cisco' }] as never });
    assert.deepEqual(await g.authenticate(PAP), { ok: true, username: 'cisco' });
    assert.equal(g.accounting, undefined);
  });

  it('formats show aaa-server from the statistics', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const fake = await FakeRadiusServer.start(net, '172.18.124.99', 1645, 'cisco');
    fake.respond = () => ({ code: Code.AccessReject });
    const g = createAaaAuthenticator(GROUP, deps(net, clock));
    await g.authenticate(PAP);
    const text = renderShowAaaServer([g.stats()]).join('\n');
    assert.match(text, /^Server Group:    AuthInbound$/m);
    assert.match(text, /^Server port:     1645\(authentication\), 1646\(accounting\)$/m);
    assert.match(text, /^Server status:   ACTIVE, Last transaction at /m);
    const year = / UTC \w{3} \w{3} +\d+ (\d{4})$/m.exec(text.split('\n').find((l) => l.includes('Last transaction'))!);
    assert.equal(Number(year?.[1]), new Date().getUTCFullYear(), 'a wall-clock date, not the monotonic clock read as one (1970)');
    assert.match(text, /^Number of authentication requests       1$/m);
    assert.match(text, /^Number of rejects                       1$/m);
    assert.match(text, /^Accounting queue: 0 queued/m);
    g.close();
  });
});
