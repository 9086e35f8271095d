/**
 * RFC 5176 Disconnect/CoA engine and listener: who may ask (address and
 * key), how sessions are named, ACK/NAK with the right Error-Cause, signed
 * answers, retransmissions answered once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../../src/util/clock.js';
import { DebugBus } from '../../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../../src/proto/radius/udp.js';
import { DynAuthEngine, DynAuthServer, type DynAuthQuery, type SessionChange } from '../../../../src/proto/radius/dynauth.js';
import {
  attribute,
  decodePacket,
  encodeZeroAuthRequest,
  integerAttribute,
  verifyResponse,
  type AttrSpec,
  type RadiusPacket,
} from '../../../../src/proto/radius/codec.js';
import { Attr, Code } from '../../../../src/proto/radius/dictionary.js';
import { CiscoRadiusDebug } from '../../../../src/debug/cisco-radius.js';

interface Sess {
  id: string;
  user: string;
  ip: string;
  ended?: string;
  change?: SessionChange;
}

function world() {
  const sessions: Sess[] = [
    { id: '0000000D', user: 'cisco', ip: '192.168.1.1' },
    { id: '0000000E', user: 'john', ip: '192.168.1.2' },
    { id: '0000000F', user: 'john', ip: '192.168.1.3' },
  ];
  const clock = new FakeClock();
  const debug = new DebugBus();
  const lines: string[] = [];
  debug.enable('radius');
  debug.subscribe((l) => lines.push(l.text));
  const engine = new DynAuthEngine<Sess>({
    clients: [{ address: '10.0.0.1', secret: 'dyn-secret' }],
    clock,
    debug: new CiscoRadiusDebug(debug),
    nasIp: '172.18.124.152',
    callbacks: {
      findSessions: (q: DynAuthQuery) =>
        sessions.filter(
          (s) =>
            !s.ended &&
            (q.acctSessionId === undefined || q.acctSessionId === s.id) &&
            (q.userName === undefined || q.userName === s.user) &&
            (q.framedIp === undefined || q.framedIp === s.ip),
        ),
      disconnect: (s, cause) => {
        s.ended = cause;
        return true;
      },
      changeSession: (s, change) => {
        s.change = change;
        return true;
      },
    },
  });
  return { sessions, engine, clock, lines };
}

const FROM = { address: '10.0.0.1', port: 50000 };

function request(code: number, attrs: AttrSpec[], id = 9, secret = 'dyn-secret'): Buffer {
  const e = encodeZeroAuthRequest(code, id, secret, attrs);
  assert.ok(e.ok);
  return e.ok ? e.packet : Buffer.alloc(0);
}

function answer(reply: Buffer | undefined, req: Buffer, secret = 'dyn-secret'): RadiusPacket {
  assert.ok(reply, 'an answer');
  const d = decodePacket(reply!);
  assert.ok(d.ok);
  if (!d.ok) throw new Error('undecodable');
  assert.equal(verifyResponse(d.packet, req.subarray(4, 20), secret), 'ok', 'answer signed with the request authenticator and key');
  assert.equal(d.packet.identifier, req[1]);
  return d.packet;
}

describe('Disconnect-Request', () => {
  it('ends the session named by Acct-Session-Id and answers Disconnect-ACK', () => {
    const { sessions, engine, lines } = world();
    const req = request(Code.DisconnectRequest, [['Acct-Session-Id', '0000000D'], ['Proxy-State', Buffer.from('ps1')]]);
    const r = answer(engine.handle(req, FROM), req);
    assert.equal(r.code, Code.DisconnectAck);
    assert.equal(attribute(r, Attr.ProxyState)?.toString(), 'ps1', 'Proxy-State echoed');
    assert.equal(sessions[0]!.ended, 'Admin-Reset');
    assert.equal(sessions[1]!.ended, undefined);
    assert.equal(engine.stats().disconnectAcks, 1);
    assert.ok(lines.some((l) => /^RADIUS: Received Disconnect-Request from 10\.0\.0\.1:50000 id 9, len \d+$/.test(l)));
    assert.ok(lines.some((l) => l === 'RADIUS: Sent Disconnect-ACK to 10.0.0.1:50000 id 9'));
    assert.ok(!lines.join('\n').includes('dyn-secret'));
  });

  it('ends every session of a User-Name; User-Name + Framed-IP-Address narrows to one', () => {
    const { sessions, engine } = world();
    const req = request(Code.DisconnectRequest, [['User-Name', 'john'], ['Framed-IP-Address', '192.168.1.3']]);
    assert.equal(answer(engine.handle(req, FROM), req).code, Code.DisconnectAck);
    assert.deepEqual(sessions.map((s) => s.ended), [undefined, undefined, 'Admin-Reset']);
    const req2 = request(Code.DisconnectRequest, [['User-Name', 'john']], 10);
    assert.equal(answer(engine.handle(req2, FROM), req2).code, Code.DisconnectAck);
    assert.deepEqual(sessions.map((s) => s.ended), [undefined, 'Admin-Reset', 'Admin-Reset']);
  });

  it('NAKs with Error-Cause: 503 unknown session, 402 nothing to identify, 403 another NAS, 401 unsupported attribute', () => {
    const { engine, sessions } = world();
    const cases: [AttrSpec[], number][] = [
      [[['Acct-Session-Id', 'nope']], 503],
      [[['NAS-IP-Address', '172.18.124.152']], 402],
      [[['User-Name', 'cisco'], ['NAS-IP-Address', '10.9.9.9']], 403],
      [[['User-Name', 'cisco'], ['Framed-Pool' as string, Buffer.from('x')]], 401],
    ];
    let id = 20;
    for (const [attrs, cause] of cases) {
      const req = request(Code.DisconnectRequest, attrs.map((a) => (a[0] === 'Framed-Pool' ? ([88, a[1]] as const) : a)), id++);
      const r = answer(engine.handle(req, FROM), req);
      assert.equal(r.code, Code.DisconnectNak, JSON.stringify(attrs));
      assert.equal(integerAttribute(r, Attr.ErrorCause), cause);
    }
    assert.equal(sessions[0]!.ended, undefined);
    assert.equal(engine.stats().disconnectNaks, 4);
  });

  it('drops, without an answer, requests from other addresses, with the wrong key, or malformed', () => {
    const { engine, sessions } = world();
    const good = request(Code.DisconnectRequest, [['User-Name', 'cisco']]);
    assert.equal(engine.handle(good, { address: '10.0.0.66', port: 3799 }), undefined);
    const forged = request(Code.DisconnectRequest, [['User-Name', 'cisco']], 9, 'guess');
    assert.equal(engine.handle(forged, FROM), undefined);
    assert.equal(engine.handle(good.subarray(0, 12), FROM), undefined);
    const accessRequest = Buffer.from(good);
    accessRequest[0] = Code.AccessRequest;
    assert.equal(engine.handle(accessRequest, FROM), undefined);
    assert.equal(sessions[0]!.ended, undefined);
    const st = engine.stats();
    assert.equal(st.unknownClient, 1);
    assert.equal(st.badAuthenticators, 1);
    assert.equal(st.malformed, 1);
    assert.equal(st.unrecognized, 1);
    assert.equal(st.disconnectRequests, 0);
  });

  it('answers a retransmission with the same bytes and acts once; the cache expires', () => {
    const { engine, clock } = world();
    let calls = 0;
    const e2 = new DynAuthEngine<number>({
      clients: [{ address: '10.0.0.1', secret: 'dyn-secret' }],
      clock,
      debug: new CiscoRadiusDebug(new DebugBus()),
      callbacks: { findSessions: () => [1], disconnect: () => (calls++, true) },
    });
    const req = request(Code.DisconnectRequest, [['User-Name', 'cisco']]);
    const a = e2.handle(req, FROM);
    const b = e2.handle(req, FROM);
    assert.deepEqual(a, b);
    assert.equal(calls, 1);
    assert.equal(e2.stats().duplicates, 1);
    clock.advance(31_000);
    e2.handle(req, FROM);
    assert.equal(calls, 2);
    void engine;
  });
});

describe('CoA-Request', () => {
  it('changes Session-Timeout and Idle-Timeout and answers CoA-ACK', () => {
    const { engine, sessions } = world();
    const req = request(Code.CoaRequest, [['Acct-Session-Id', '0000000E'], ['Session-Timeout', 120], ['Idle-Timeout', 30]]);
    const r = answer(engine.handle(req, FROM), req);
    assert.equal(r.code, Code.CoaAck);
    assert.deepEqual(sessions[1]!.change, { sessionTimeout: 120, idleTimeout: 30 });
  });

  it('NAKs what it cannot do: Authorize-Only (405), other attributes (401), nothing to change (404)', () => {
    const { engine, sessions } = world();
    const cases: [AttrSpec[], number][] = [
      [[['Acct-Session-Id', '0000000E'], ['Service-Type', 'Authorize-Only']], 405],
      [[['Acct-Session-Id', '0000000E'], ['Framed-IP-Address', '10.1.1.1'], ['Filter-Id', 'acl']], 401],
      [[['Acct-Session-Id', '0000000E']], 404],
    ];
    let id = 40;
    for (const [attrs, cause] of cases) {
      const req = request(Code.CoaRequest, attrs, id++);
      const r = answer(engine.handle(req, FROM), req);
      assert.equal(r.code, Code.CoaNak);
      assert.equal(integerAttribute(r, Attr.ErrorCause), cause, JSON.stringify(attrs));
    }
    assert.equal(sessions[1]!.change, undefined);
  });
});

describe('DynAuthServer on UDP', () => {
  it('listens, answers the configured server and ignores others', async () => {
    const net = new MemoryUdpNetwork();
    const ended: string[] = [];
    const server = await DynAuthServer.listen<string>({
      udp: net,
      bindAddress: '172.18.124.152',
      clients: [{ address: '10.0.0.1', secret: 'dyn-secret' }],
      clock: new FakeClock(),
      debug: new CiscoRadiusDebug(new DebugBus()),
      callbacks: { findSessions: (q) => (q.userName === 'cisco' ? ['s1'] : []), disconnect: (h) => (ended.push(h), true) },
    });
    assert.equal(server.port, 3799);
    const got: Buffer[] = [];
    const nas = await net.bind({ address: '10.0.0.1', port: 40001 }, (d) => got.push(d));
    const other = await net.bind({ address: '10.0.0.2', port: 40001 }, (d) => got.push(d));
    const req = request(Code.DisconnectRequest, [['User-Name', 'cisco']]);
    other.send(req, 3799, '172.18.124.152');
    await net.flush();
    assert.equal(got.length, 0);
    nas.send(req, 3799, '172.18.124.152');
    await net.flush();
    assert.equal(got.length, 1);
    assert.equal(answer(got[0], req).code, Code.DisconnectAck);
    assert.deepEqual(ended, ['s1']);
    server.close();
    nas.close();
    other.close();
    assert.equal(net.endpointCount(), 0);
  });
});
