/**
 * RADIUS and TACACS+ replies under hostile servers (seeded, bounded). A
 * server that answers garbage must never make authentication throw or
 * succeed: the request ends as 'unreachable' (after the PIX timeouts), and
 * every garbage reply is counted in the client's statistics (what
 * `show aaa-server` prints).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES } from '../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../src/proto/radius/udp.js';
import { createAaaAuthenticator } from '../../../src/server/aaa/group.js';
import { decodePacket, signResponse } from '../../../src/proto/radius/codec.js';
import type { AaaServerGroup } from '../../../src/config/model.js';
import { TacacsClient } from '../../../src/proto/tacacs/client.js';
import { TacacsAuthenticator } from '../../../src/proto/tacacs/auth.js';
import { CiscoTacacsDebug } from '../../../src/debug/cisco-tacacs.js';
import type { TcpConnector, TcpHandlers } from '../../../src/proto/tacacs/tcp.js';
import { decodeHeader, encodeAuthenReply, encodeHeader, obfuscate } from '../../../src/proto/tacacs/codec.js';

const SEED = 0x1e14aa;
const RADIUS_GROUP: AaaServerGroup = {
  tag: 'AuthInbound',
  protocol: 'radius',
  hosts: [{ interfaceName: 'outside', address: '172.18.124.99', key: 'Rk3y-s3cret', timeout: 1 }],
  maxFailedAttempts: 1000,
};
const PAP = { method: 'pap' as const, username: 'cisco', password: 'cisco' };

function allDebug(clock: FakeClock): { bus: DebugBus; count: () => number } {
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  let n = 0;
  bus.subscribe(() => n++);
  return { bus, count: () => n };
}

/** How a hostile RADIUS server answers one request. */
type RadiusGarbage =
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'forged'; secret: string } // right id and code, signed with another secret
  | { kind: 'wrong-id' } // a correctly signed reply for another identifier
  | { kind: 'wrong-code'; code: number } // an accounting response to an Access-Request
  | { kind: 'flip'; at: number }; // one octet of a good reply flipped (after the header)

const radiusGarbage: fc.Arbitrary<RadiusGarbage> = fc.oneof(
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 120 }) }),
  fc.record({ kind: fc.constant('forged' as const), secret: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== 'Rk3y-s3cret') }),
  fc.record({ kind: fc.constant('wrong-id' as const) }),
  fc.record({ kind: fc.constant('wrong-code' as const), code: fc.constantFrom(4, 5, 40, 41, 44) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.integer({ min: 4, max: 40 }) }),
);

test('RADIUS: garbage replies are counted, never throw, and end as unreachable', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(radiusGarbage, { minLength: 1, maxLength: 4 }), async (plans) => {
      const net = new MemoryUdpNetwork();
      const clock = new FakeClock();
      const dbg = allDebug(clock);
      let sentGarbage = 0;
      const sock = await net.bind({ address: '172.18.124.99', port: 1645 }, (data, from) => {
        const d = decodePacket(data);
        assert.ok(d.ok, 'our own request decodes');
        const sign = (code: number, id: number, secret: string): Buffer => {
          const r = signResponse(code, id, d.packet.authenticator, secret, [], true);
          assert.ok(r.ok, 'test reply encodes');
          return r.packet;
        };
        for (const p of plans) {
          let out: Buffer;
          const good = () => sign(2, d.packet.identifier, 'Rk3y-s3cret');
          switch (p.kind) {
            case 'random':
              out = Buffer.from(p.bytes);
              break;
            case 'forged':
              out = sign(2, d.packet.identifier, p.secret);
              break;
            case 'wrong-id':
              out = sign(2, (d.packet.identifier + 1) & 0xff, 'Rk3y-s3cret');
              break;
            case 'wrong-code':
              out = sign(p.code, d.packet.identifier, 'Rk3y-s3cret');
              break;
            case 'flip': {
              out = Buffer.from(good());
              const at = p.at % out.length;
              out[at] ^= 0x5a;
              break;
            }
          }
          sentGarbage++;
          sock.send(out, from.port, from.address);
        }
      });
      const g = createAaaAuthenticator(RADIUS_GROUP, { clock, debug: dbg.bus, udp: net, nasIp: '172.18.124.152' });
      let result: unknown;
      void g.authenticate(PAP, {}).then((r) => (result = r));
      for (let i = 0; i < 8 && result === undefined; i++) {
        await net.flush();
        await new Promise((r) => setImmediate(r));
        clock.advance(1000);
      }
      await net.flush();
      assert.deepEqual(result, { ok: false, reason: 'unreachable', unanswered: ['172.18.124.99'] });
      const s = g.stats().servers[0]!.radius!;
      const counted = s.malformed + s.badAuthenticators + s.unrecognized + s.duplicates;
      assert.equal(counted, sentGarbage, `every garbage reply counted (${JSON.stringify(s)})`);
      assert.equal(s.accepts + s.rejects + s.challenges, 0, 'no garbage was taken as an answer');
      g.close();
      sock.close();
      assert.equal(clock.pending(), 0, 'no timer left');
    }),
    { seed: SEED, numRuns: 60 },
  );
});

/** A TACACS+ server in memory: each request gets the reply `plan` builds. */
function memoryTacacs(key: string, plan: (req: { sessionId: number; version: number; type: number }) => Buffer[]): { tcp: TcpConnector; sent: () => number } {
  let sent = 0;
  const tcp: TcpConnector = {
    async connect(_opts, h: TcpHandlers) {
      let closed = false;
      return {
        write(data: Buffer) {
          const hd = decodeHeader(data);
          assert.ok(hd.ok, 'our request header decodes');
          for (const out of plan({ sessionId: hd.header.sessionId, version: hd.header.version, type: hd.header.type })) {
            sent++;
            queueMicrotask(() => {
              if (!closed) h.onData(out);
            });
          }
        },
        close() {
          closed = true;
        },
      };
    },
  };
  void key;
  return { tcp, sent: () => sent };
}

function tacacsPacket(key: string, h: { version: number; type: number; seq: number; flags: number; sessionId: number }, body: Buffer): Buffer {
  return Buffer.concat([encodeHeader(h, body.length), obfuscate(body, h, key)]);
}

type TacacsGarbage =
  | { kind: 'bad-version'; rest: Uint8Array }
  | { kind: 'bad-body' } // a correctly keyed reply whose lengths do not add up
  | { kind: 'wrong-key'; key: string } // a PASS reply obfuscated with another key
  | { kind: 'wrong-seq'; seq: number }
  | { kind: 'stray-session' }; // a valid PASS for a session we never opened

const tacacsGarbage: fc.Arbitrary<TacacsGarbage> = fc.oneof(
  fc.record({ kind: fc.constant('bad-version' as const), rest: fc.uint8Array({ minLength: 11, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('bad-body' as const) }),
  fc.record({ kind: fc.constant('wrong-key' as const), key: fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== 'Tk3y') }),
  fc.record({ kind: fc.constant('wrong-seq' as const), seq: fc.constantFrom(1, 3, 4, 255) }),
  fc.record({ kind: fc.constant('stray-session' as const) }),
);

test('TACACS+: garbage replies are counted as malformed, never throw, and end as unreachable', async () => {
  await fc.assert(
    fc.asyncProperty(tacacsGarbage, async (g) => {
      const key = 'Tk3y';
      const clock = new FakeClock();
      const dbg = allDebug(clock);
      const pass = encodeAuthenReply({ status: 1, flags: 0, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) });
      const server = memoryTacacs(key, (req) => {
        const h = { version: req.version, type: req.type, seq: 2, flags: 0, sessionId: req.sessionId };
        switch (g.kind) {
          case 'bad-version':
            return [Buffer.concat([Buffer.from([0x7f]), Buffer.from(g.rest)])];
          case 'bad-body': {
            const body = Buffer.from([1, 0, 0x01, 0xf4, 0, 0]); // server_msg_len 500 in a 6-octet body
            return [tacacsPacket(key, h, body)];
          }
          case 'wrong-key': {
            // Lengths that only decode under the right key: 6 + 40 + 0 = 46 octets.
            const body = encodeAuthenReply({ status: 1, flags: 0, serverMsg: Buffer.alloc(40, 0x41), data: Buffer.alloc(0) });
            const wrong = tacacsPacket(g.key, h, body);
            // A wrong key could still produce a decodable body by chance: keep only the ones that do not.
            const plain = obfuscate(wrong.subarray(12), h, key);
            return plain.readUInt16BE(2) + plain.readUInt16BE(4) + 6 === plain.length ? [] : [wrong];
          }
          case 'wrong-seq':
            return [tacacsPacket(key, { ...h, seq: g.seq }, pass)];
          case 'stray-session':
            return [tacacsPacket(key, { ...h, sessionId: (req.sessionId + 1) >>> 0 }, pass)];
        }
      });
      const debug = new CiscoTacacsDebug(dbg.bus);
      const client = new TacacsClient({ servers: [{ address: '172.18.124.99', port: 49, key, timeoutMs: 1000 }], clock, tcp: server.tcp, debug, maxFailedAttempts: 1000 });
      const auth = new TacacsAuthenticator({ client, debug, group: 'TACACS+', authorize: false });
      let result: unknown;
      void auth.authenticate(PAP, {}).then((r) => (result = r));
      for (let i = 0; i < 6 && result === undefined; i++) {
        for (let j = 0; j < 5; j++) await new Promise((r) => setImmediate(r));
        clock.advance(1000);
      }
      for (let j = 0; j < 5; j++) await new Promise((r) => setImmediate(r));
      // a reply that breaks the connection leaves the server unanswered; one read whole but undecodable does not
      const { unanswered, ...rest } = result as { unanswered?: string[] };
      assert.deepEqual(rest, { ok: false, reason: 'unreachable' });
      assert.ok(unanswered === undefined || (unanswered.length === 1 && unanswered[0] === '172.18.124.99'), JSON.stringify(unanswered));
      const st = client.stats()[0]!;
      assert.equal(st.malformed, server.sent(), `every garbage reply counted as malformed (${g.kind}: ${JSON.stringify(st)})`);
      client.close();
      assert.equal(clock.pending(), 0, 'no timer left');
    }),
    { seed: SEED + 1, numRuns: 60 },
  );
});
