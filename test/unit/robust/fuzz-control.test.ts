/**
 * PPTP control engine (server role) under hostile input, seeded and
 * bounded: well-framed messages of every type with random fields, in any
 * state, and raw garbage. Properties:
 *   - receive() never throws, with every debug category on;
 *   - every message has a visible effect: a reply, a callback, a state
 *     change or a counted rejection (nothing is dropped silently);
 *   - every rejection is counted: the `debug vpdn error` lines equal the
 *     sum of status().errors, and a framing error closes the connection;
 *   - timers: once closed, the engine holds no timer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES } from '../../../src/debug/bus.js';
import { PptpControlConnection } from '../../../src/proto/pptp/server-control.js';
import { CiscoPptpDebug } from '../../../src/debug/cisco-pptp.js';
import { MESSAGE_LENGTHS, PPTP_MAGIC_COOKIE, CONTROL_MESSAGE_NAMES } from '../../../src/proto/pptp/wire.js';

export const FUZZ_SEED = 0x1e14;

/** One well-framed control message: right length for its type, random body. */
export function framedMessage(type: number, body: Uint8Array, validVersion: boolean): Buffer {
  const name = CONTROL_MESSAGE_NAMES[type]!;
  const len = MESSAGE_LENGTHS[name];
  const b = Buffer.alloc(len);
  // Header (RFC 2637 2.1): Length(2) Type=1(2) Magic(4) ControlType(2) Reserved0(2)
  b.writeUInt16BE(len, 0);
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(PPTP_MAGIC_COOKIE, 4);
  b.writeUInt16BE(type, 8);
  Buffer.from(body).copy(b, 12, 0, Math.min(body.length, len - 12));
  if (type === 1 && validVersion) b.writeUInt16BE(0x0100, 12);
  return b;
}

const messageArb = fc
  .record({
    type: fc.integer({ min: 1, max: 15 }),
    body: fc.uint8Array({ minLength: 0, maxLength: 208 }),
    validVersion: fc.boolean(),
    smallIds: fc.boolean(),
  })
  .map(({ type, body, validVersion, smallIds }) => {
    const m = framedMessage(type, body, validVersion);
    // Small call ids so CCRQ/CDN/SLI/WEN sometimes name a live call.
    if (smallIds && m.length >= 16) m.writeUInt16BE(1 + (m[13] % 3), 12);
    return m;
  });

export interface ControlRig {
  conn: PptpControlConnection;
  clock: FakeClock;
  sent: Buffer[];
  callbacks: string[];
  errorLines: () => number;
  closed: () => boolean;
}

export function controlRig(): ControlRig {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  let errorLines = 0;
  bus.subscribe((l) => {
    if (l.kind === 'debug' && l.category === 'vpdn error') errorLines++;
  });
  const sent: Buffer[] = [];
  const callbacks: string[] = [];
  let closed = false;
  let nextCall = 1;
  const conn = new PptpControlConnection({
    tunnelId: 9,
    send: (b) => sent.push(b),
    clock,
    debug: new CiscoPptpDebug(bus),
    ifName: 'outside',
    peerAddress: '127.0.0.9',
    localHostName: 'pixfirewall',
    vendor: 'Cisco Systems',
    echoIntervalSeconds: 60,
    callbacks: {
      onOutgoingCallRequest: () => {
        callbacks.push('ocrq');
        // Accept the first few, then refuse (resource limit).
        if (nextCall <= 3) return { accept: true, callId: nextCall++ };
        return { accept: false, resultCode: 2, errorCode: 4 };
      },
      onCallClear: (id) => callbacks.push(`clear ${id}`),
      onSetLinkInfo: (id) => callbacks.push(`sli ${id}`),
      onWanError: (id) => callbacks.push(`wen ${id}`),
      onClosed: () => {
        closed = true;
        callbacks.push('closed');
      },
    },
  });
  return { conn, clock, sent, callbacks, errorLines: () => errorLines, closed: () => closed };
}

function errorSum(r: ControlRig): number {
  return Object.values(r.conn.status().errors).reduce((a, b) => a + b, 0);
}

test('control engine: every well-framed message has an effect or is counted; never throws', () => {
  fc.assert(
    fc.property(fc.array(messageArb, { minLength: 1, maxLength: 30 }), fc.boolean(), (msgs, sccrqFirst) => {
      const r = controlRig();
      if (sccrqFirst) r.conn.receive(framedMessage(1, new Uint8Array(0), true));
      for (const m of msgs) {
        if (r.closed()) break;
        const before = {
          sent: r.sent.length,
          cb: r.callbacks.length,
          state: r.conn.status().state,
          errors: errorSum(r),
        };
        r.conn.receive(m);
        const st = r.conn.status();
        const effect = r.sent.length > before.sent || r.callbacks.length > before.cb || st.state !== before.state || errorSum(r) > before.errors;
        assert.ok(effect, `message type ${m.readUInt16BE(8)} in state ${before.state} had no effect and was not counted`);
        assert.equal(st.packetsReceived >= 1, true);
      }
      assert.equal(r.errorLines(), errorSum(r), 'every vpdn error line is a counted rejection, and vice versa');
      r.conn.close('test end');
      assert.equal(r.clock.pending(), 0, 'no timer left once closed');
    }),
    { seed: FUZZ_SEED, numRuns: 300 },
  );
});

test('control engine: raw garbage is a counted framing error that closes the connection', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 12, maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (bytes, split) => {
      const r = controlRig();
      const buf = Buffer.from(bytes);
      for (let off = 0; off < buf.length; off += split) r.conn.receive(buf.subarray(off, off + split));
      const errs = r.conn.status().errors;
      const framing = Object.entries(errs).filter(([k]) => k.startsWith('framing ')).reduce((a, [, v]) => a + v, 0);
      if (framing > 0) {
        assert.equal(framing, 1, 'one framing error, then the connection is gone');
        assert.ok(r.closed(), 'framing error closes the connection');
      }
      assert.equal(r.errorLines(), errorSum(r));
      r.conn.close('test end');
      assert.equal(r.clock.pending(), 0);
    }),
    { seed: FUZZ_SEED + 1, numRuns: 400 },
  );
});

test('control engine: a half-open connection (no SCCRQ) is closed at the setup timeout, counted', () => {
  const r = controlRig();
  r.conn.receive(Buffer.from([0x00])); // one octet of something, never a message
  r.clock.advance(9_999);
  assert.equal(r.closed(), false);
  r.clock.advance(1);
  assert.ok(r.closed());
  assert.equal(r.conn.status().errors['sccrq-timeout'], 1);
  assert.equal(r.clock.pending(), 0);
});
