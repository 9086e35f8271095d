/**
 * PAP / CHAP / MS-CHAP / MS-CHAPv2 under hostile peers (seeded, bounded):
 * a server session held in the Authenticate phase gets random PAP and CHAP
 * packets (structured: plausible code, id and lengths; and raw bytes).
 * Properties: nothing throws; every packet has a visible effect (a reply,
 * a call to the authenticator, a phase change) or is counted in the
 * session's error counters; random input never authenticates; once the
 * session ends it holds no timer. Plus the value decoders on their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AuthProtocol } from '../../../src/config/model.js';
import { decodePapRequest } from '../../../src/proto/ppp/auth/pap.js';
import { decodeChapValueName } from '../../../src/proto/ppp/auth/chap.js';
import { makePair } from '../ppp/link.js';

const SEED = 0x1e14a0;

/** A server held in the Authenticate phase: the client's own auth packets are dropped. */
async function serverInAuth(proto: AuthProtocol) {
  const pair = makePair({ server: { authProtocols: [proto] }, client: { authProtocols: [proto] } });
  pair.server.start();
  pair.client.start();
  for (let round = 0; round < 100 && pair.server.status().phase !== 'authenticate'; round++) {
    while (pair.queue.length && pair.server.status().phase !== 'authenticate') {
      const m = pair.queue.shift()!;
      (m.to === 'server' ? pair.server : pair.client).input(m.frame);
    }
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(pair.server.status().phase, 'authenticate', `${proto}: server reached the Authenticate phase`);
  pair.queue.length = 0;
  return pair;
}

const authFrame = (protocol: number) =>
  fc.oneof(
    fc
      .record({
        code: fc.integer({ min: 0, max: 6 }),
        id: fc.integer({ min: 0, max: 255 }),
        lenDelta: fc.integer({ min: -5, max: 5 }),
        body: fc.uint8Array({ maxLength: 80 }),
        valueSize: fc.constantFrom(16, 49, 8, 0, 255),
      })
      .map(({ code, id, lenDelta, body, valueSize }) => {
        const data = Buffer.from(body);
        // CHAP: Value-Size first; PAP: Peer-ID length first. Plausible sizes more often than not.
        if (data.length > 0) data[0] = valueSize;
        const len = Math.max(0, Math.min(0xffff, 4 + data.length + lenDelta));
        return Buffer.concat([Buffer.from([protocol >> 8, protocol & 0xff, code, id, len >> 8, len & 0xff]), data]);
      }),
    fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.concat([Buffer.from([protocol >> 8, protocol & 0xff]), Buffer.from(b)])),
  );

function errorSum(errors: Record<string, number>): number {
  return Object.values(errors).reduce((a, b) => a + b, 0);
}

for (const proto of ['pap', 'chap', 'mschap', 'mschap-v2'] as AuthProtocol[]) {
  const protocol = proto === 'pap' ? 0xc023 : 0xc223;
  test(`${proto}: random authentication packets never throw, never authenticate, are answered or counted`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(authFrame(protocol), { minLength: 1, maxLength: 12 }), async (frames) => {
        const pair = await serverInAuth(proto);
        for (const f of frames) {
          const st = pair.server.status();
          if (st.phase === 'dead' || st.phase === 'terminate') break;
          const before = { sent: pair.queue.length, calls: pair.authenticator.calls.length, phase: st.phase, errors: errorSum(st.errors) };
          pair.server.input(f);
          await new Promise((r) => setImmediate(r));
          const after = pair.server.status();
          const effect =
            pair.queue.length > before.sent ||
            pair.authenticator.calls.length > before.calls ||
            after.phase !== before.phase ||
            errorSum(after.errors) > before.errors;
          assert.ok(effect, `${proto} frame ${f.toString('hex')} in phase ${before.phase}: no reply, no check, not counted`);
        }
        assert.equal(pair.events.serverUp, undefined, 'random input never authenticates');
        pair.server.abort('test end');
        pair.client.abort('test end');
        assert.equal(pair.clock.pending(), 0, 'no timer left');
      }),
      { seed: SEED + protocol + proto.length, numRuns: 80 },
    );
  });
}

test('PAP and CHAP value decoders: never throw; what they return lies inside the input', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const b = Buffer.from(bytes);
      const pap = decodePapRequest(b);
      if (pap) assert.ok(pap.peerId.length + pap.password.length + 2 <= b.length);
      const chap = decodeChapValueName(b);
      if (chap) {
        assert.equal(chap.value.length, b[0]);
        assert.equal(1 + chap.value.length + chap.name.length, b.length);
      }
    }),
    { seed: SEED, numRuns: 2000 },
  );
});
