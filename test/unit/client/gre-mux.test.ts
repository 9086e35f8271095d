import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClientGreMux } from '../../../src/client/gre-mux.js';
import { encodeGre, type GrePacket } from '../../../src/proto/gre/wire.js';
import type { GreSocket } from '../../../src/proto/gre/socket.js';

/** A GreSocket whose input the test drives synchronously. */
function fakeGre() {
  let handler: ((p: Buffer, from: string, to: string) => void) | undefined;
  const sent: { peer: string; packet: Buffer }[] = [];
  const gre: GreSocket = {
    send: (peer, packet) => sent.push({ peer, packet: Buffer.from(packet) }),
    onPacket: (fn) => (handler = fn),
    close: () => {},
  };
  return { gre, sent, inject: (p: Buffer, from: string) => handler?.(p, from, '127.0.0.2') };
}

test('one mux per socket; call ids unique while live; routes by call id and server address', () => {
  const f = fakeGre();
  const mux = ClientGreMux.of(f.gre);
  assert.equal(ClientGreMux.of(f.gre), mux, 'cached per socket');
  const a = mux.allocateCallId()!;
  const b = mux.allocateCallId()!;
  assert.notEqual(a, b);
  const gotA: GrePacket[] = [];
  const gotB: GrePacket[] = [];
  mux.attach(a, '10.0.0.1', (p) => gotA.push({ ...p, payload: Buffer.from(p.payload) }));
  mux.attach(b, '10.0.0.9', (p) => gotB.push({ ...p, payload: Buffer.from(p.payload) }));
  f.inject(encodeGre({ callId: a, seq: 5 }, Buffer.from('aa', 'hex')), '10.0.0.1');
  f.inject(encodeGre({ callId: b, seq: 7, ack: 1 }, Buffer.from('bb', 'hex')), '10.0.0.9');
  f.inject(encodeGre({ callId: a, seq: 6 }, Buffer.from('cc', 'hex')), '10.0.0.9'); // right key, wrong server
  f.inject(encodeGre({ callId: 999, seq: 1 }), '10.0.0.1'); // nobody's
  f.inject(Buffer.from('deadbeef', 'hex'), '10.0.0.1'); // not GRE v1
  assert.deepEqual(gotA.map((p) => [p.seq, p.payload.toString('hex')]), [[5, 'aa']]);
  assert.deepEqual(gotB.map((p) => [p.seq, p.ack, p.payload.toString('hex')]), [[7, 1, 'bb']]);
  assert.deepEqual(mux.stats, { received: 5, delivered: 2, malformed: 1, unknownCall: 2, sent: 0 });
  mux.send('10.0.0.1', Buffer.from('01', 'hex'));
  assert.deepEqual(f.sent.map((s) => s.peer), ['10.0.0.1']);
  mux.release(a);
  f.inject(encodeGre({ callId: a, seq: 8 }), '10.0.0.1');
  assert.equal(gotA.length, 1, 'released call gets nothing');
  assert.equal(mux.liveCalls, 1);
  const c = mux.allocateCallId()!;
  assert.notEqual(c, a, 'a just-released id is not reused at once');
  assert.notEqual(c, b);
});

test('random input never throws and is either delivered or counted', () => {
  const f = fakeGre();
  const mux = ClientGreMux.of(f.gre);
  const id = mux.allocateCallId()!;
  let delivered = 0;
  mux.attach(id, '10.0.0.1', () => delivered++);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, keyed) => {
      const b = Buffer.from(bytes);
      if (keyed && b.length >= 8) b.writeUInt16BE(id, 6);
      f.inject(b, '10.0.0.1');
    }),
    { numRuns: 500 },
  );
  const s = mux.stats;
  assert.equal(s.received, s.delivered + s.malformed + s.unknownCall);
  assert.equal(s.delivered, delivered);
});

test('dialPptp with an unusable local address rejects at once and leaves nothing open', async () => {
  const { dialPptp } = await import('../../../src/client/dial.js');
  const { DialError } = await import('../../../src/client/failure.js');
  const f = fakeGre();
  const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const e = await dialPptp({ server: '127.0.0.1', port: 1, localAddress: 'not-an-ip', gre: f.gre, username: 'u', password: 'p', profile: 'linux' }).catch((x: unknown) => x);
  assert.ok(e instanceof DialError);
  assert.equal(e.reason, 'connect-failed');
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length, before, 'dial timer cleared');
});
