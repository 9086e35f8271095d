/**
 * RadiusClient on a FakeClock and the memory UDP twin: retransmit timing,
 * failover order, max-failed-attempts and deadtime, identifiers with more
 * than 256 requests in flight, forged/duplicate/malformed/stray replies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FakeClock } from '../../../../src/util/clock.js';
import { DebugBus } from '../../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../../src/proto/radius/udp.js';
import { RadiusClient, type RadiusClientOptions, type RadiusOutcome, type RadiusServerConfig } from '../../../../src/proto/radius/client.js';
import { attribute, encodeAccessRequest, encodeAccountingRequest, newRequestAuthenticator } from '../../../../src/proto/radius/codec.js';
import { Attr, Code } from '../../../../src/proto/radius/dictionary.js';
import { FakeRadiusServer } from './fake-server.js';
import { CiscoRadiusDebug } from '../../../../src/debug/cisco-radius.js';

const S1: RadiusServerConfig = { address: '10.0.0.1', secret: 'one-secret', authPort: 1645, acctPort: 1646, timeoutMs: 5000 };
const S2: RadiusServerConfig = { address: '10.0.0.2', secret: 'two-secret', authPort: 1645, acctPort: 1646, timeoutMs: 5000 };

async function setup(servers: RadiusServerConfig[], opts: Partial<RadiusClientOptions> = {}) {
  const net = new MemoryUdpNetwork();
  const clock = new FakeClock();
  const debug = new DebugBus(() => clock.now());
  const fakes = await Promise.all(servers.map((s) => FakeRadiusServer.start(net, s.address, s.authPort, s.secret)));
  const client = new RadiusClient({ servers, clock, udp: net, debug: new CiscoRadiusDebug(debug), bindAddress: '10.0.0.100', ...opts });
  return { net, clock, debug, fakes, client };
}

function authRequest(client: RadiusClient, user = 'cisco'): Promise<RadiusOutcome> {
  return client.request({
    kind: 'auth',
    user,
    encode: (server, id) => {
      const auth = newRequestAuthenticator();
      const e = encodeAccessRequest(id, auth, server.secret, [['User-Name', user]]);
      return e.ok ? { packet: e.packet, authenticator: auth } : undefined;
    },
  });
}

/** Lets `tries` timeouts of 5 s pass with no answer (the sends flushed before each). */
async function silence(net: MemoryUdpNetwork, clock: FakeClock, tries: number): Promise<void> {
  for (let i = 0; i < tries; i++) {
    await net.flush();
    clock.advance(5000);
  }
  await net.flush();
}

/** Records whether a promise has settled, for timeline checks. */
function track<T>(p: Promise<T>): { settled: boolean; value?: T } {
  const t: { settled: boolean; value?: T } = { settled: false };
  void p.then((v) => {
    t.settled = true;
    t.value = v;
  });
  return t;
}

describe('RadiusClient: retransmits and failover', () => {
  it('sends 4 identical copies 5 s apart to a silent server, then gives up at 20 s', async () => {
    const { net, clock, fakes, client } = await setup([S1]);
    const r = track(authRequest(client));
    await net.flush();
    assert.equal(fakes[0]!.received.length, 1);
    for (const [at, expected] of [
      [4999, 1],
      [5000, 2],
      [10000, 3],
      [15000, 4],
    ] as const) {
      clock.advance(at - clock.now());
      await net.flush();
      assert.equal(fakes[0]!.received.length, expected, `at ${at} ms`);
    }
    const first = fakes[0]!.received[0]!.packet.raw;
    for (const x of fakes[0]!.received) assert.deepEqual(x.packet.raw, first, 'retransmissions are byte-identical');
    clock.advance(4999);
    await net.flush();
    assert.equal(r.settled, false);
    clock.advance(1);
    await net.flush();
    assert.deepEqual(r.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1'] });
    const st = client.stats().servers[0]!;
    assert.equal(st.retransmits, 3);
    assert.equal(st.timeouts, 1);
    assert.equal(st.pending, 0);
    assert.equal(clock.pending(), 0, 'no timer left behind');
    client.close();
  });

  it('fails over in configuration order after the first server used up its tries', async () => {
    const { net, clock, fakes, client } = await setup([S1, S2]);
    fakes[1]!.respond = () => ({ code: Code.AccessAccept });
    const r = track(authRequest(client));
    await net.flush();
    for (let i = 0; i < 3; i++) {
      clock.advance(5000);
      await net.flush();
    }
    assert.equal(fakes[0]!.received.length, 4);
    assert.equal(fakes[1]!.received.length, 0, 'second server untouched while the first has tries left');
    clock.advance(5000);
    await net.flush();
    assert.equal(fakes[1]!.received.length, 1);
    assert.equal(r.value?.ok, true);
    if (r.value?.ok) assert.equal(r.value.server.address, S2.address);
    // each server got a packet signed with its own secret
    assert.equal(fakes[1]!.received[0]!.ma, 'ok');
    assert.equal(fakes[0]!.received[0]!.ma, 'ok');
    client.close();
  });

  it('two silent servers: a timeout naming both, in the order they were tried', async () => {
    const { net, clock, fakes, client } = await setup([S1, S2]);
    const r = track(authRequest(client));
    await silence(net, clock, 8);
    assert.deepEqual(r.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1', '10.0.0.2'] });
    assert.deepEqual(fakes.map((f) => f.received.length), [4, 4]);
    client.close();
  });

  it('honours per-host timeouts and the tries setting', async () => {
    const { net, clock, fakes, client } = await setup([{ ...S1, timeoutMs: 2000 }], { tries: 2 });
    const r = track(authRequest(client));
    await net.flush();
    clock.advance(2000);
    await net.flush();
    assert.equal(fakes[0]!.received.length, 2);
    clock.advance(2000);
    await net.flush();
    assert.deepEqual(r.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1'] });
    client.close();
  });
});

describe('RadiusClient: max-failed-attempts and deadtime', () => {
  it('marks a server dead after N failed requests in a row and skips it until deadtime passes', async () => {
    const { net, clock, fakes, client } = await setup([S1, S2], { maxFailedAttempts: 2, deadtimeMs: 60_000 });
    fakes[1]!.respond = () => ({ code: Code.AccessAccept });
    const run = async () => {
      const r = track(authRequest(client));
      for (let i = 0; i < 5 && !r.settled; i++) {
        await net.flush();
        if (!r.settled) clock.advance(5000);
      }
      await net.flush();
      return r;
    };
    await run();
    assert.equal(client.stats().servers[0]!.status, 'ACTIVE', 'one failure is not enough');
    assert.equal(fakes[0]!.received.length, 4);
    const t = clock.now();
    await run();
    assert.equal(fakes[0]!.received.length, 8);
    const st = client.stats().servers[0]!;
    assert.equal(st.status, 'FAILED');
    assert.equal(st.deadUntil, t + 20_000 + 60_000, 'dead from the second failure, for deadtime');
    // while dead: straight to the second server, no wait at all
    const before = fakes[1]!.received.length;
    const r3 = track(authRequest(client));
    await net.flush();
    assert.equal(r3.value?.ok, true);
    assert.equal(fakes[0]!.received.length, 8, 'dead server skipped');
    assert.equal(fakes[1]!.received.length, before + 1);
    // deadtime over: tried first again, and one answer resets its failure count
    clock.advance(60_000);
    fakes[0]!.respond = () => ({ code: Code.AccessReject });
    const r4 = track(authRequest(client));
    await net.flush();
    assert.equal(fakes[0]!.received.length, 9);
    assert.equal(r4.value?.ok, true);
    if (r4.value?.ok) assert.equal(r4.value.response.code, Code.AccessReject);
    assert.equal(client.stats().servers[0]!.status, 'ACTIVE');
    assert.equal(client.stats().servers[0]!.consecutiveFailures, 0);
    client.close();
  });

  it('fails at once, without sending, when every server is dead', async () => {
    const { net, clock, fakes, client } = await setup([S1], { maxFailedAttempts: 1, deadtimeMs: 600_000 });
    const r = track(authRequest(client));
    await silence(net, clock, 4);
    assert.deepEqual(r.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1'] });
    const r2 = track(authRequest(client));
    await net.flush();
    assert.deepEqual(r2.value, { ok: false, reason: 'all-dead', unanswered: [] });
    assert.equal(fakes[0]!.received.length, 4);
    assert.equal(client.stats().allDead, 1);
    client.close();
  });
});

describe('RadiusClient: identifiers under load', () => {
  it('keeps 700 requests in flight to one server without an identifier collision and matches every answer', async () => {
    const { net, fakes, client } = await setup([S1]);
    const inFlight = new Set<string>();
    let collisions = 0;
    fakes[0]!.respond = (req, from) => {
      const key = `${from.port}/${req.identifier}`;
      if (inFlight.has(key)) collisions++;
      inFlight.add(key);
      // echo the user back so each caller can check it got its own answer
      return { code: Code.AccessAccept, attributes: [['Reply-Message', attribute(req, Attr.UserName)!.toString()]], hold: true };
    };
    const users = Array.from({ length: 700 }, (_, i) => `user${i}`);
    const results = users.map((u) => track(authRequest(client, u)));
    await net.flush();
    assert.equal(fakes[0]!.received.length, 700);
    assert.equal(collisions, 0);
    assert.equal(client.pending(), 700);
    assert.ok(client.stats().sockets >= 3, `700 in flight needs at least 3 source ports, got ${client.stats().sockets}`);
    assert.equal(fakes[0]!.release(), 700);
    await net.flush();
    for (let i = 0; i < users.length; i++) {
      const v = results[i]!.value;
      assert.equal(v?.ok, true, users[i]);
      if (v?.ok) assert.equal(attribute(v.response, Attr.ReplyMessage)?.toString(), users[i]);
    }
    assert.equal(client.stats().servers[0]!.accepts, 700);
    client.close();
  });

  it('reports busy past the socket limit instead of colliding', async () => {
    const { net, fakes, client } = await setup([S1], { maxSockets: 1 });
    fakes[0]!.respond = () => ({ code: Code.AccessAccept, hold: true });
    const results = Array.from({ length: 257 }, () => track(authRequest(client)));
    await net.flush();
    assert.equal(results.filter((r) => r.value && !r.value.ok && r.value.reason === 'busy').length, 1);
    fakes[0]!.release();
    await net.flush();
    assert.equal(results.filter((r) => r.value?.ok).length, 256);
    client.close();
  });
});

describe('RadiusClient: replies that must not count', () => {
  it('drops a reply signed with the wrong secret and still takes the genuine one', async () => {
    const { net, clock, fakes, client } = await setup([S1]);
    let n = 0;
    fakes[0]!.respond = () => (++n === 1 ? { code: Code.AccessAccept, secret: 'attacker' } : { code: Code.AccessReject });
    const r = track(authRequest(client));
    await net.flush();
    assert.equal(r.settled, false, 'forged Accept ignored');
    assert.equal(client.stats().servers[0]!.badAuthenticators, 1);
    clock.advance(5000);
    await net.flush();
    assert.equal(r.value?.ok, true);
    if (r.value?.ok) assert.equal(r.value.response.code, Code.AccessReject);
    client.close();
  });

  it('drops a reply whose Message-Authenticator is wrong, accepts one without it unless required', async () => {
    const { net, fakes, client } = await setup([S1]);
    fakes[0]!.respond = () => ({ code: Code.AccessAccept, messageAuthenticator: true });
    const ok = track(authRequest(client));
    await net.flush();
    assert.equal(ok.value?.ok, true, 'a correct Message-Authenticator is accepted');

    // A reply whose Response Authenticator is right but whose Message-Authenticator
    // is not: flip a bit of the MA, then re-sign the Response Authenticator.
    let n = 0;
    fakes[0]!.respond = () =>
      ++n === 1
        ? {
            code: Code.AccessAccept,
            messageAuthenticator: true,
            mutate: (pkt, reqAuth) => {
              pkt[pkt.length - 1]! ^= 1; // the MA is the last attribute
              const c = Buffer.from(pkt);
              reqAuth.copy(c, 4);
              createHash('md5').update(c).update(S1.secret).digest().copy(pkt, 4);
              return pkt;
            },
          }
        : { code: Code.AccessReject, messageAuthenticator: true };
    const tampered = track(authRequest(client));
    await net.flush();
    assert.equal(tampered.settled, false, 'tampered Accept dropped');
    assert.equal(client.stats().servers[0]!.badAuthenticators, 1);

    const b = await setup([S1], { requireMessageAuthenticator: true });
    b.fakes[0]!.respond = () => ({ code: Code.AccessAccept });
    const r = track(authRequest(b.client));
    await b.net.flush();
    assert.equal(r.settled, false);
    assert.equal(b.client.stats().servers[0]!.badAuthenticators, 1, 'missing Message-Authenticator counted when required');
    client.close();
    b.client.close();
  });

  it('counts duplicates, malformed packets, strays and foreign sources without disturbing requests', async () => {
    const { net, fakes, client } = await setup([S1]);
    fakes[0]!.respond = () => ({ code: Code.AccessAccept, copies: 3 });
    const r = track(authRequest(client));
    await net.flush();
    assert.equal(r.value?.ok, true);
    let st = client.stats().servers[0]!;
    assert.equal(st.accepts, 1);
    assert.equal(st.duplicates, 2);
    const clientPort = fakes[0]!.received[0]!.from.port;
    // truncated, bad length, attribute overrun
    fakes[0]!.sock.send(Buffer.alloc(10), clientPort, '10.0.0.100');
    const badLen = Buffer.alloc(20);
    badLen[0] = 2;
    badLen.writeUInt16BE(200, 2);
    fakes[0]!.sock.send(badLen, clientPort, '10.0.0.100');
    const overrun = Buffer.alloc(24);
    overrun[0] = 2;
    overrun.writeUInt16BE(24, 2);
    overrun[20] = 1;
    overrun[21] = 9;
    fakes[0]!.sock.send(overrun, clientPort, '10.0.0.100');
    // a well-formed answer nobody asked for
    const stray = encodeAccessRequest(77, newRequestAuthenticator(), 'x', []);
    assert.ok(stray.ok);
    if (stray.ok) {
      stray.packet[0] = Code.AccessAccept;
      fakes[0]!.sock.send(stray.packet, clientPort, '10.0.0.100');
    }
    // from an address that is not a server
    const other = await net.bind({ address: '10.9.9.9', port: 1645 }, () => {});
    other.send(Buffer.alloc(20), clientPort, '10.0.0.100');
    await net.flush();
    st = client.stats().servers[0]!;
    assert.equal(st.malformed, 3);
    assert.equal(st.unrecognized, 1);
    assert.equal(client.stats().unknownSource, 1);
    client.close();
  });

  it('ignores an Accounting-Response to an Access-Request', async () => {
    const { net, clock, fakes, client } = await setup([S1], { tries: 1 });
    fakes[0]!.respond = () => ({ code: Code.AccountingResponse });
    const r = track(authRequest(client));
    await net.flush();
    assert.equal(r.settled, false);
    assert.equal(client.stats().servers[0]!.unrecognized, 1);
    clock.advance(5000);
    await net.flush();
    assert.deepEqual(r.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1'] });
    client.close();
  });
});

function acctRequest(client: RadiusClient): Promise<RadiusOutcome> {
  return client.request({
    kind: 'acct',
    encode: (s, id) => {
      const e = encodeAccountingRequest(id, s.secret, [['Acct-Status-Type', 'Interim-Update'], ['Acct-Session-Id', 'abc']]);
      return e.ok ? { packet: e.packet, authenticator: e.packet.subarray(4, 20) } : undefined;
    },
  });
}

describe('RadiusClient: accounting and authentication fail apart', () => {
  // FreeRADIUS whose SQL database is down: Access-Reject at once (its query
  // timed out), and no Accounting-Response to a record it cannot store
  it('unanswered accounting marks accounting FAILED, never logins: the server still answers them', async () => {
    const { net, clock, fakes, client } = await setup([S1], { maxFailedAttempts: 1, deadtimeMs: 600_000 });
    fakes[0]!.respond = () => ({ code: Code.AccessReject });
    const acct = await FakeRadiusServer.start(net, S1.address, S1.acctPort, S1.secret);
    const a = track(acctRequest(client));
    await silence(net, clock, 4);
    assert.deepEqual(a.value, { ok: false, reason: 'timeout', unanswered: ['10.0.0.1'] });
    let st = client.stats().servers[0]!;
    assert.deepEqual([st.status, st.accountingStatus, st.timeouts], ['ACTIVE', 'FAILED', 1]);
    const r = track(authRequest(client));
    await net.flush();
    assert.equal(r.value?.ok, true, 'the login is asked and answered');
    assert.equal(fakes[0]!.received.length, 1);
    // every server FAILED for accounting: still asked (the queue paces it), and one answer makes it ACTIVE
    acct.respond = () => ({ code: Code.AccountingResponse });
    const b = track(acctRequest(client));
    await net.flush();
    assert.equal(b.value?.ok, true);
    assert.equal(acct.received.length, 5);
    st = client.stats().servers[0]!;
    assert.deepEqual([st.status, st.accountingStatus], ['ACTIVE', 'ACTIVE']);
    assert.equal(client.stats().allDead, 0);
    client.close();
  });

  it('a FAILED server is still skipped for accounting while another answers', async () => {
    const { net, clock, client } = await setup([S1, S2], { maxFailedAttempts: 1, deadtimeMs: 600_000 });
    await FakeRadiusServer.start(net, S1.address, S1.acctPort, S1.secret);
    const second = await FakeRadiusServer.start(net, S2.address, S2.acctPort, S2.secret);
    second.respond = () => ({ code: Code.AccountingResponse });
    const a = track(acctRequest(client));
    await silence(net, clock, 4);
    assert.equal(a.value?.ok, true, 'failed over to the second');
    assert.equal(client.stats().servers[0]!.accountingStatus, 'FAILED');
    const b = track(acctRequest(client));
    await net.flush();
    assert.equal(b.value?.ok, true);
    assert.equal(second.received.length, 2, 'straight to the second: the first is skipped');
    client.close();
  });
});

describe('RadiusClient: accounting port, close and drain', () => {
  it('sends accounting to the accounting port', async () => {
    const net = new MemoryUdpNetwork();
    const clock = new FakeClock();
    const acct = await FakeRadiusServer.start(net, S1.address, 1813, S1.secret);
    acct.respond = () => ({ code: Code.AccountingResponse });
    const client = new RadiusClient({ servers: [{ ...S1, acctPort: 1813 }], clock, udp: net, debug: new CiscoRadiusDebug(new DebugBus()) });
    const r = track(
      client.request({
        kind: 'acct',
        encode: (s, id) => {
          const e = encodeAccountingRequest(id, s.secret, [['Acct-Status-Type', 'Start'], ['Acct-Session-Id', 'abc']]);
          return e.ok ? { packet: e.packet, authenticator: e.packet.subarray(4, 20) } : undefined;
        },
      }),
    );
    await net.flush();
    assert.equal(r.value?.ok, true);
    assert.equal(client.stats().servers[0]!.acctResponses, 1);
    client.close();
  });

  it('close() resolves pending requests as closed, cancels timers and closes sockets', async () => {
    const { net, clock, fakes, client } = await setup([S1]);
    const r = track(authRequest(client));
    await net.flush();
    const before = net.endpointCount();
    client.close();
    await net.flush();
    assert.deepEqual(r.value, { ok: false, reason: 'closed' });
    assert.equal(clock.pending(), 0);
    assert.equal(net.endpointCount(), before - 1);
    assert.deepEqual(await authRequest(client), { ok: false, reason: 'closed' });
    fakes[0]!.close();
  });

  it('drain() waits for requests in flight', async () => {
    const { net, fakes, client } = await setup([S1]);
    fakes[0]!.respond = () => ({ code: Code.AccessAccept, hold: true });
    const r = track(authRequest(client));
    await net.flush();
    const d = track(client.drain());
    await net.flush();
    assert.equal(d.settled, false);
    fakes[0]!.release();
    await net.flush();
    assert.equal(r.value?.ok, true);
    assert.equal(d.settled, true);
    client.close();
  });
});

describe('RadiusClient: debug radius', () => {
  it('prints Cisco-style send/receive/retransmit lines without secrets', async () => {
    const { net, clock, debug, fakes, client } = await setup([S1]);
    const lines: string[] = [];
    debug.enable('radius');
    debug.subscribe((l) => lines.push(l.text));
    fakes[0]!.respond = (req) => (fakes[0]!.received.length === 2 ? { code: Code.AccessAccept } : null);
    const r = track(authRequest(client));
    await net.flush();
    clock.advance(5000);
    await net.flush();
    assert.equal(r.value?.ok, true);
    const text = lines.join('\n');
    assert.match(text, /^RADIUS\(00000001\): Send Access-Request to 10\.0\.0\.1:1645 id \d+\/0, len \d+$/m);
    assert.match(text, /^RADIUS\(00000001\): Retransmit to \(10\.0\.0\.1:1645,1646\) for id \d+\/0$/m);
    assert.match(text, /^RADIUS: Received from id \d+\/0 10\.0\.0\.1:1645, Access-Accept, len 20$/m);
    assert.match(text, /User-Name\s+\[1\]\s+7\s+"cisco"/);
    assert.ok(!text.includes(S1.secret));
    client.close();
  });
});
