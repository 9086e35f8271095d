import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES } from '../../../src/debug/bus.js';
import { PppSession } from '../../../src/proto/ppp/session.js';
import { LINUX_PPP_PROFILE, WINDOWS10_PPP_PROFILE } from '../../../src/proto/ppp/client-profiles.js';
import { FakeAuthenticator, ipPacket, makePair } from './link.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

const PROTOCOLS = [0xc021, 0xc023, 0xc223, 0x8021, 0x80fd, 0x0021, 0x00fd, 0x8057, 0xc029, 0x002d];

/** Frames that look like PPP: a known protocol, maybe FF 03, a CP header with a plausible length. */
const structuredFrame = fc
  .record({
    ac: fc.boolean(),
    proto: fc.constantFrom(...PROTOCOLS),
    code: fc.integer({ min: 0, max: 16 }),
    id: fc.integer({ min: 0, max: 255 }),
    lenDelta: fc.integer({ min: -6, max: 6 }),
    body: fc.uint8Array({ maxLength: 60 }),
  })
  .map(({ ac, proto, code, id, lenDelta, body }) => {
    const len = Math.max(0, Math.min(0xffff, 4 + body.length + lenDelta));
    const head = Buffer.from([code, id, len >> 8, len & 0xff]);
    const p = proto < 0x100 && !ac ? Buffer.from([proto]) : Buffer.from([proto >> 8, proto & 0xff]);
    return Buffer.concat([ac ? Buffer.from([0xff, 0x03]) : Buffer.alloc(0), p, head, Buffer.from(body)]);
  });

const anyFrame = fc.oneof(fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a)), structuredFrame);

function lonelyServer() {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  let lines = 0;
  bus.subscribe(() => lines++);
  const s = new PppSession({
    role: 'server',
    pppIfId: 7,
    send: () => {},
    clock,
    debug: new CiscoPppDebug(bus),
    ifName: 'outside',
    group: { authProtocols: ['mschap-v2', 'pap'], dns: ['10.0.0.53'], wins: [], localAddress: '10.0.0.1', mppe: { strength: 128, required: false, stateful: false } },
    authenticator: new FakeAuthenticator({ john: 'x' }),
    allocateAddress: () => '10.0.0.2',
    onUp: () => {},
    onDown: () => {},
    onIpPacket: () => {},
  });
  return { clock, s, lines: () => lines };
}

test('random frames never throw into a fresh session, with every debug category on', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(anyFrame, { maxLength: 40 }), fc.integer({ min: 0, max: 40_000 }), async (frames, ms) => {
      const t = lonelyServer();
      for (const f of frames) t.s.input(f);
      await new Promise((r) => setImmediate(r));
      t.clock.advance(ms);
      t.s.status();
      t.s.close('done');
      t.clock.advance(10_000);
      return true;
    }),
    { numRuns: 200 },
  );
});

test('random frames into an established session never throw, and never disturb another session', async () => {
  const other = makePair({ server: { authProtocols: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false } }, client: { authProtocols: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false } } });
  other.server.start();
  other.client.start();
  await other.run();
  assert.ok(other.events.serverUp);
  const before = other.server.status();
  await fc.assert(
    fc.asyncProperty(fc.array(anyFrame, { maxLength: 30 }), async (frames) => {
      const p = makePair({ server: { authProtocols: ['mschap-v2'] }, client: { authProtocols: ['mschap-v2'] } });
      p.server.start();
      p.client.start();
      await p.run();
      for (const f of frames) p.server.input(f);
      await p.run().catch(() => undefined);
      p.clock.advance(40_000);
      return true;
    }),
    { numRuns: 60 },
  );
  assert.deepEqual(other.server.status(), before, 'the other session saw nothing');
  const pkt = ipPacket('172.16.1.1', '10.1.1.1');
  other.client.sendIp(pkt);
  await other.run();
  assert.deepEqual(other.events.serverIp, [pkt]);
});

test('random frames never throw into Windows and Linux profile clients, up or negotiating', async () => {
  const mppe = { strength: 128, required: true, stateful: false } as const;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(WINDOWS10_PPP_PROFILE, LINUX_PPP_PROFILE),
      fc.boolean(),
      fc.array(anyFrame, { maxLength: 30 }),
      async (clientProfile, established, frames) => {
        const p = makePair({ server: { authProtocols: ['mschap-v2'], mppe }, client: { authProtocols: [], mppe }, clientExtra: { clientProfile } });
        p.client.start();
        if (established) {
          p.server.start();
          await p.run();
          p.clock.advance(3000);
          await p.run();
          assert.ok(p.events.clientUp);
        }
        for (const f of frames) p.client.input(f);
        p.client.status();
        p.client.close('done');
        p.clock.advance(40_000);
        await p.run().catch(() => undefined);
        p.clock.advance(40_000);
        return true;
      },
    ),
    { numRuns: 80 },
  );
});
