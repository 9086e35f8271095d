/**
 * RadiusAccounting on a FakeClock: record contents (session time, octets with
 * Gigawords, packets, terminate cause, Class echoed, Request Authenticator),
 * the queue while the server is down (kept, in order, Acct-Delay-Time),
 * the bound, per-session order, and hand-over on reconfiguration.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/util/clock.js';
import { DebugBus } from '../../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../../src/proto/radius/udp.js';
import { RadiusClient, type RadiusServerConfig } from '../../../../src/proto/radius/client.js';
import { RadiusAccounting, type AccountingSession, type SessionCounters } from '../../../../src/proto/radius/accounting.js';
import { attribute, integerAttribute, ipAttribute, verifyZeroAuthRequest, type RadiusPacket } from '../../../../src/proto/radius/codec.js';
import { Attr, Code } from '../../../../src/proto/radius/dictionary.js';
import { FakeRadiusServer } from './fake-server.js';
import { CiscoRadiusDebug } from '../../../../src/debug/cisco-radius.js';
import { CiscoAaaDebug } from '../../../../src/debug/cisco-aaa.js';

const SERVER: RadiusServerConfig = { address: '10.0.0.1', secret: 'acct-secret', authPort: 1645, acctPort: 1646, timeoutMs: 5000 };

async function setup(opts: { maxQueue?: number; retryMs?: number; concurrency?: number } = {}) {
  const net = new MemoryUdpNetwork();
  const clock = new FakeClock();
  const debug = new DebugBus();
  const fake = await FakeRadiusServer.start(net, SERVER.address, SERVER.acctPort, SERVER.secret);
  fake.respond = () => ({ code: Code.AccountingResponse });
  const client = new RadiusClient({ servers: [SERVER], clock, udp: net, debug: new CiscoRadiusDebug(debug), tries: 1, maxFailedAttempts: 100 });
  const acct = new RadiusAccounting({ client, clock, debug: new CiscoAaaDebug(debug), nasIp: '172.18.124.152', ...opts });
  return { net, clock, fake, client, acct };
}

function session(id: string, clock: FakeClock, c: Partial<SessionCounters> = {}): AccountingSession {
  const counters: SessionCounters = { inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0, ...c };
  return {
    sessionId: id,
    username: 'cisco',
    startedAt: clock.now(),
    framedIp: '192.168.1.1',
    callingStationId: '161.44.17.104',
    nasPort: 1,
    class: Buffer.from('pptp-test'),
    counters: () => counters,
  };
}

const status = (p: RadiusPacket) => integerAttribute(p, Attr.AcctStatusType);
const sid = (p: RadiusPacket) => attribute(p, Attr.AcctSessionId)?.toString();

describe('RadiusAccounting: records', () => {
  it('Start, Interim-Update and Stop carry the session, its time, octets with Gigawords, packets, cause and Class', async () => {
    const { net, clock, fake, client, acct } = await setup();
    const counters: SessionCounters = { inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0 };
    const s = { ...session('0000000D', clock), counters: () => counters };
    acct.start(s);
    await net.flush();
    clock.advance(61_500);
    Object.assign(counters, { inputOctets: 3469, outputOctets: 394, inputPackets: 35, outputPackets: 12 });
    acct.interim(s);
    await net.flush();
    clock.advance(60_000);
    Object.assign(counters, { inputOctets: 5 * 2 ** 32 + 1234, outputOctets: 2 ** 32, inputPackets: 9_000_000, outputPackets: 7 });
    acct.stop(s, 'Admin-Reset');
    await net.flush();
    const got = fake.received.map((r) => r.packet);
    assert.deepEqual(got.map(status), [1, 3, 2]);
    for (const p of got) {
      assert.equal(p.code, Code.AccountingRequest);
      assert.equal(verifyZeroAuthRequest(p, SERVER.secret), 'ok', 'RFC 2866 Request Authenticator');
      assert.equal(sid(p), '0000000D');
      assert.equal(attribute(p, Attr.UserName)?.toString(), 'cisco');
      assert.equal(ipAttribute(p, Attr.FramedIpAddress), '192.168.1.1');
      assert.equal(ipAttribute(p, Attr.NasIpAddress), '172.18.124.152');
      assert.equal(attribute(p, Attr.CallingStationId)?.toString(), '161.44.17.104');
      assert.equal(attribute(p, Attr.Class)?.toString(), 'pptp-test');
      assert.equal(integerAttribute(p, Attr.NasPortType), 5);
      assert.equal(integerAttribute(p, Attr.AcctDelayTime), undefined, 'sent at once: no delay attribute');
    }
    assert.equal(integerAttribute(got[0]!, Attr.AcctSessionTime), undefined);
    assert.equal(integerAttribute(got[1]!, Attr.AcctSessionTime), 61);
    assert.equal(integerAttribute(got[1]!, Attr.AcctInputOctets), 3469);
    assert.equal(integerAttribute(got[1]!, Attr.AcctOutputOctets), 394);
    assert.equal(integerAttribute(got[1]!, Attr.AcctInputPackets), 35);
    assert.equal(integerAttribute(got[1]!, Attr.AcctOutputPackets), 12);
    assert.equal(integerAttribute(got[1]!, Attr.AcctInputGigawords), 0);
    assert.equal(integerAttribute(got[2]!, Attr.AcctSessionTime), 121);
    assert.equal(integerAttribute(got[2]!, Attr.AcctInputOctets), 1234);
    assert.equal(integerAttribute(got[2]!, Attr.AcctInputGigawords), 5);
    assert.equal(integerAttribute(got[2]!, Attr.AcctOutputOctets), 0);
    assert.equal(integerAttribute(got[2]!, Attr.AcctOutputGigawords), 1);
    assert.equal(integerAttribute(got[2]!, Attr.AcctInputPackets), 9_000_000);
    assert.equal(integerAttribute(got[2]!, Attr.AcctTerminateCause), 6);
    assert.equal(integerAttribute(got[1]!, Attr.AcctTerminateCause), undefined);
    assert.equal(acct.stats().acknowledged, 3);
    assert.equal(acct.stats().queued, 0);
    client.close();
  });
});

describe('RadiusAccounting: the NAS records', () => {
  it('Accounting-On and Accounting-Off carry the NAS and their own Acct-Session-Id, no user; On goes before a Start queued after it', async () => {
    const { net, clock, fake, client, acct } = await setup();
    acct.nas('Accounting-On', '65A1B2C3F00DBA0000');
    acct.start(session('0000000D', clock));
    await net.flush();
    acct.nas('Accounting-Off', '65A1B2C4F00DBA0000');
    await net.flush();
    const got = fake.received.map((r) => r.packet);
    assert.deepEqual(got.map(status), [7, 1, 8]);
    for (const p of [got[0]!, got[2]!]) {
      assert.equal(verifyZeroAuthRequest(p, SERVER.secret), 'ok');
      assert.equal(ipAttribute(p, Attr.NasIpAddress), '172.18.124.152');
      assert.equal(attribute(p, Attr.UserName), undefined);
      assert.equal(attribute(p, Attr.FramedIpAddress), undefined);
    }
    assert.deepEqual([sid(got[0]!), sid(got[2]!)], ['65A1B2C3F00DBA0000', '65A1B2C4F00DBA0000']);
    assert.equal(acct.stats().acknowledged, 3);
    client.close();
  });
});

describe('RadiusAccounting: queue', () => {
  it('keeps records while the server is down and delivers them in order with Acct-Delay-Time', async () => {
    const { net, clock, fake, client, acct } = await setup({ retryMs: 30_000 });
    let up = false;
    fake.respond = () => (up ? { code: Code.AccountingResponse } : null);
    const a = session('A', clock);
    const b = session('B', clock);
    acct.start(a);
    acct.start(b);
    await net.flush();
    clock.advance(5000); // first round times out
    await net.flush();
    acct.stop(a, 'User-Request');
    acct.interim(b);
    await net.flush();
    assert.equal(acct.stats().paused, true);
    assert.equal(acct.stats().queued, 4);
    assert.equal(acct.stats().failedRounds, 1);
    const seenWhileDown = fake.received.length;
    up = true;
    clock.advance(25_000); // retry is not due yet
    await net.flush();
    assert.equal(fake.received.length, seenWhileDown, 'no sending while paused');
    clock.advance(5_000);
    await net.flush();
    await net.flush();
    assert.equal(acct.stats().queued, 0);
    assert.equal(acct.stats().acknowledged, 4);
    assert.equal(acct.stats().dropped, 0);
    const answered = fake.received.slice(seenWhileDown).map((r) => r.packet);
    const order = answered.map((p) => `${sid(p)}:${status(p)}`);
    assert.ok(order.indexOf('A:1') < order.indexOf('A:2'), `Start before Stop for A: ${order}`);
    assert.ok(order.indexOf('B:1') < order.indexOf('B:3'), `Start before Interim for B: ${order}`);
    const startA = answered.find((p) => sid(p) === 'A' && status(p) === 1)!;
    assert.equal(integerAttribute(startA, Attr.AcctDelayTime), 35, 'Start queued 35 s before it was acknowledged');
    assert.equal(clock.pending(), 0);
    client.close();
  });

  it('is bounded: a full queue drops the oldest Interim-Update first, then new records, and counts them', async () => {
    const { net, clock, fake, client, acct } = await setup({ maxQueue: 3, concurrency: 1 });
    fake.respond = () => null;
    const a = session('A', clock);
    const b = session('B', clock);
    acct.start(a); // in flight
    acct.interim(b);
    acct.start(b);
    await net.flush();
    acct.stop(a, 'Lost-Carrier'); // full: drops B's interim
    assert.equal(acct.stats().dropped, 1);
    acct.stop(b, 'Lost-Carrier'); // full, no interim: refused
    assert.equal(acct.stats().dropped, 2);
    assert.equal(acct.stats().queued, 3);
    fake.respond = () => ({ code: Code.AccountingResponse });
    clock.advance(5000);
    await net.flush();
    clock.advance(10_000);
    for (let i = 0; i < 5; i++) await net.flush();
    const sent = fake.received.map((r) => `${sid(r.packet)}:${status(r.packet)}`);
    assert.deepEqual([...new Set(sent)], ['A:1', 'B:1', 'A:2']);
    client.close();
  });

  it('replaces a queued Interim-Update of a session with the newer one', async () => {
    const { net, clock, fake, client, acct } = await setup({ concurrency: 1 });
    fake.respond = () => null;
    const a = session('A', clock);
    acct.start(a);
    acct.interim(a);
    acct.interim(a);
    assert.equal(acct.stats().superseded, 1);
    assert.equal(acct.stats().queued, 2);
    await net.flush();
    client.close();
    acct.close();
  });

  it('hands queued records over to the accounting of a new configuration', async () => {
    const { net, clock, fake, client, acct } = await setup();
    fake.respond = () => null;
    const a = session('A', clock);
    acct.start(a);
    await net.flush();
    clock.advance(5000);
    await net.flush();
    acct.stop(a, 'User-Request');
    assert.equal(acct.stats().queued, 2);
    const fake2 = await FakeRadiusServer.start(net, '10.0.0.2', 1646, 'new-secret');
    fake2.respond = () => ({ code: Code.AccountingResponse });
    const client2 = new RadiusClient({ servers: [{ ...SERVER, address: '10.0.0.2', secret: 'new-secret' }], clock, udp: net, debug: new CiscoRadiusDebug(new DebugBus()) });
    const acct2 = new RadiusAccounting({ client: client2, clock, debug: new CiscoAaaDebug(new DebugBus()) });
    acct.handOver(acct2);
    await net.flush();
    await net.flush();
    assert.equal(acct.stats().queued, 0);
    assert.equal(acct2.stats().acknowledged, 2);
    assert.deepEqual(fake2.received.map((r) => status(r.packet)), [1, 2]);
    assert.equal(verifyZeroAuthRequest(fake2.received[0]!.packet, 'new-secret'), 'ok');
    client.close();
    client2.close();
  });

  it('a session that started before the hand-over sends its later records to the new group, also after the old one closed', async () => {
    const { net, clock, fake, client, acct } = await setup();
    const s = session('0000000F', clock, { inputOctets: 100, inputPackets: 2 });
    acct.start(s);
    await net.flush();
    assert.equal(fake.received.length, 1);
    const fake2 = await FakeRadiusServer.start(net, '10.0.0.2', 1646, 'new-secret');
    fake2.respond = () => ({ code: Code.AccountingResponse });
    const client2 = new RadiusClient({ servers: [{ ...SERVER, address: '10.0.0.2', secret: 'new-secret' }], clock, udp: net, debug: new CiscoRadiusDebug(new DebugBus()) });
    const acct2 = new RadiusAccounting({ client: client2, clock, debug: new CiscoAaaDebug(new DebugBus()) });
    acct.handOver(acct2);
    acct.close();
    client.close();
    clock.advance(30_000);
    acct.interim(s);
    acct.stop(s, 'User-Request');
    for (let i = 0; i < 4; i++) await net.flush();
    assert.equal(fake.received.length, 1, 'nothing more to the old server');
    assert.deepEqual(fake2.received.map((r) => [sid(r.packet), status(r.packet)]), [['0000000F', 3], ['0000000F', 2]]);
    assert.equal(integerAttribute(fake2.received[1]!.packet, Attr.AcctSessionTime), 30);
    assert.equal(acct2.stats().acknowledged, 2);
    client2.close();
  });
});
