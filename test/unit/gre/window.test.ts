import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, type LogLine } from '../../../src/debug/bus.js';
import { CiscoGreDebug } from '../../../src/debug/cisco-gre.js';
import { GreCallWindow, type GreWindowOptions } from '../../../src/proto/gre/window.js';
import { decodeGre, encodeGre, type GrePacket } from '../../../src/proto/gre/wire.js';
import { fromHex } from '../../../src/util/hex.js';

function setup(over: Partial<GreWindowOptions> = {}) {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  bus.enable('vpdn packet');
  bus.enable('vpdn error');
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  const out: GrePacket[] = [];
  const raw: Buffer[] = [];
  const w = new GreCallWindow({
    clock,
    debug: new CiscoGreDebug(bus),
    ifName: 'outside',
    peerAddress: '99.99.99.5',
    tunnelId: 42,
    callId: 42,
    peerCallId: 0,
    peerRecvWindow: 64,
    send: (p) => {
      raw.push(Buffer.from(p));
      const r = decodeGre(Buffer.from(p));
      assert.ok(r.ok, 'we only send valid GRE');
      out.push(r.packet);
    },
    ...over,
  });
  const rx = (seq?: number, ack?: number, payload: Uint8Array = Buffer.from('ff03c021', 'hex')) => {
    const r = decodeGre(encodeGre({ callId: 42, seq, ack }, seq === undefined ? undefined : payload));
    assert.ok(r.ok);
    return w.receive(r.packet);
  };
  const debugText = () => lines.filter((l) => l.kind === 'debug').map((l) => l.text);
  const syslogs = () => lines.filter((l) => l.kind === 'syslog').map((l) => (l.kind === 'syslog' ? `${l.id} ${l.text}` : ''));
  return { clock, bus, lines, out, raw, w, rx, debugText, syslogs };
}

test('seed 003 exchange: debug lines and bytes as the PIX prints them', () => {
  const s = setup();
  // Recvd seq 1 (LCP ConfReq, PPP Len 27 -> GRE Len 39).
  const lcpReq = fromHex('ff03c021010100170206000a00000506001137210702080212345678');
  const r = decodeGre(encodeGre({ callId: 42, seq: 1 }, lcpReq.subarray(0, 27)));
  assert.ok(r.ok);
  assert.equal(s.w.receive(r.packet), true);
  // PIX answers with a 23-octet LCP frame: seq 1, ack 1.
  const confReq = fromHex('ff03c021010100130305c22380050609894ab407020802');
  assert.equal(s.w.send(confReq), true);
  assert.deepEqual(s.debugText(), [
    'outside PPTP: Recvd xGRE pak from 99.99.99.5, Len 39, seq 1',
    'Interface outside - PPTP xGRE: Out paket, PPP Len 23',
    'outside PPTP: Sending xGRE pak to 99.99.99.5, Len 39, seq 1, ack 1, data: 3081880b001700000000000100000001ff03c0210101...',
  ]);
  // ... and later the complete CHAP Success packet: seq 5, ack 4.
  const t = setup({ initialSeq: 5 });
  t.rx(4);
  t.w.send(fromHex('c22303010004'));
  assert.equal(t.raw[0].toString('hex'), '3081880b000600000000000500000004c22303010004');
  assert.equal(
    t.debugText()[2],
    'outside PPTP: Sending xGRE pak to 99.99.99.5, Len 22, seq 5, ack 4, data: 3081880b000600000000000500000004c22303010004',
  );
  const u = setup();
  u.rx(2, 1, fromHex('ff0380210201000a030663636302').subarray(2)); // PPP Len 12
  assert.equal(u.debugText()[0], 'outside PPTP: Recvd xGRE pak from 99.99.99.5, Len 28, seq 2, ack 1');
});

test('no ack field before anything was received; ack piggybacked on every data packet after', () => {
  const s = setup({ initialSeq: 0 });
  s.w.send(Buffer.from([1]));
  s.rx(0);
  s.w.send(Buffer.from([2]));
  s.w.send(Buffer.from([3]));
  assert.deepEqual(
    s.out.map((p) => [p.seq, p.ack]),
    [
      [0, undefined],
      [1, 0],
      [2, 0],
    ],
  );
  const st = s.w.status();
  assert.deepEqual([st.seq, st.ack, st.packetsSent, st.bytesSent], [3, 0, 3, 3]);
});

test('ack-only packet after the ack delay when no data goes out; none when data took the ack', () => {
  const s = setup({ ackDelayMs: 500 });
  s.rx(1);
  s.clock.advance(499);
  assert.equal(s.out.length, 0);
  s.clock.advance(1);
  assert.equal(s.out.length, 1);
  assert.deepEqual([s.out[0].seq, s.out[0].ack, s.out[0].payload.length], [undefined, 1, 0]);
  assert.equal(s.raw[0].toString('hex'), '2081880b0000000000000001');
  assert.equal(s.w.status().ackOnlySent, 1);

  s.rx(2);
  s.clock.advance(100);
  s.w.send(Buffer.from([9]));
  s.clock.advance(10_000);
  assert.equal(s.out.length, 2, 'the data packet carried the ack; no ack-only follows');
  assert.equal(s.out[1].ack, 2);
  assert.equal(s.clock.pending(), 0);
});

test('ack-only at once when half our receive window is unacknowledged', () => {
  const s = setup({ localRecvWindow: 8, ackDelayMs: 500 });
  for (let i = 1; i <= 3; i++) s.rx(i);
  assert.equal(s.out.length, 0);
  s.rx(4);
  assert.deepEqual(s.out.map((p) => p.ack), [4]);
});

test('fastReceived (a batch of the native fast path) counts, marks and acks as receive() would, a quarter of the window at a time', () => {
  const s = setup({ localRecvWindow: 64, ackDelayMs: 500 });
  assert.equal(s.rx(1), true);
  s.w.fastReceived(10, 10 * 1400, 11, undefined);
  assert.equal(s.out.length, 0, '11 unacknowledged: the ack delay');
  assert.deepEqual([s.w.ack, s.w.status().packetsReceived], [11, 11]);
  s.w.fastReceived(5, 5 * 1400, 16, undefined);
  assert.deepEqual(s.out.map((p) => p.ack), [16], '16 of a window of 64: acked at the end of the batch');
  assert.equal(s.rx(12), false, 'a packet the fast path took is a duplicate afterwards');
  assert.equal(s.w.status().duplicates, 1);
  assert.equal(s.rx(17), true, 'and the next one in sequence is not');
  s.clock.advance(500);
  assert.deepEqual(s.out.map((p) => p.ack), [16, 17], 'what stays below a quarter goes with the ack delay');
  s.w.send(Buffer.from([1]));
  s.w.fastReceived(0, 0, 0, 1);
  assert.equal(s.w.acknowledged, 1, 'an ack among the batch is taken');
  assert.equal(s.clock.pending(), 0);
});

test('reordering: slightly late packets are delivered, counted, and reported with 603101', () => {
  const s = setup();
  assert.equal(s.rx(1), true);
  assert.equal(s.rx(3), true);
  assert.equal(s.rx(2), true, 'late but new: delivered');
  assert.equal(s.rx(2), false, 'the same again: duplicate');
  assert.equal(s.rx(3), false, 'equal to the highest: duplicate');
  const st = s.w.status();
  assert.deepEqual([st.ack, st.outOfOrder, st.duplicates, st.packetsReceived], [3, 1, 2, 3]);
  assert.deepEqual(s.syslogs(), [
    '603101 PPTP received out of seq or duplicate pkt, tnl_id=42, sess_id=42, seq=2',
    '603101 PPTP received out of seq or duplicate pkt, tnl_id=42, sess_id=42, seq=2',
    '603101 PPTP received out of seq or duplicate pkt, tnl_id=42, sess_id=42, seq=3',
  ]);
  assert.ok(s.debugText().some((t) => t.includes('seq 2 duplicate or too old (highest 3), dropped')));
});

test('packets far behind are dropped as too old', () => {
  const s = setup({ lateWindow: 64 });
  s.rx(100);
  assert.equal(s.rx(37), true, '63 behind: still delivered');
  assert.equal(s.rx(36), false, '64 behind: too old');
  assert.deepEqual([s.w.status().tooOld, s.w.status().outOfOrder], [1, 1]);
  // A big jump forward clears the history: old seqs inside the new window are new again.
  s.rx(1000);
  assert.equal(s.rx(999), true);
});

test('sequence numbers wrap at 2^32 on both sides', () => {
  const s = setup({ initialSeq: 0xfffffffe });
  s.rx(0xfffffffe);
  s.rx(0xffffffff);
  assert.equal(s.rx(0), true);
  assert.equal(s.rx(1), true);
  assert.equal(s.rx(0xffffffff), false, 'a duplicate across the wrap');
  assert.equal(s.rx(0xfffffff0), true, 'late across the wrap');
  assert.equal(s.w.status().ack, 1);
  s.w.send(Buffer.from([1]));
  s.w.send(Buffer.from([2]));
  s.w.send(Buffer.from([3]));
  assert.deepEqual(s.out.filter((p) => p.seq !== undefined).map((p) => p.seq), [0xfffffffe, 0xffffffff, 0]);
  s.rx(2, 0xffffffff);
  assert.equal(s.w.status().inFlight, 1);
  s.rx(3, 0);
  assert.equal(s.w.status().inFlight, 0);
  assert.equal(s.w.status().ackReceived, 0);
});

test('peer window: no more than RWS unacknowledged; the rest waits and goes out as acks arrive', () => {
  const s = setup({ peerRecvWindow: 3 });
  for (let i = 0; i < 5; i++) assert.equal(s.w.send(Buffer.from([i])), true);
  assert.equal(s.out.length, 3, 'only RWS packets on the wire');
  assert.equal(s.w.status().queued, 2);
  s.rx(undefined, 1); // ack-only acknowledging seq 1
  assert.equal(s.w.status().ackReceived, 1);
  assert.equal(s.out.length, 4, 'one more in flight after the ack');
  s.rx(undefined, 2);
  assert.equal(s.out.length, 5, 'the backlog drained in order');
  assert.deepEqual(
    s.out.map((p) => [p.seq, p.payload[0]]),
    [[1, 0], [2, 1], [3, 2], [4, 3], [5, 4]],
  );
  s.rx(undefined, 9);
  assert.equal(s.w.status().badAcks, 1, 'an ack for something never sent is ignored');
  assert.equal(s.w.status().ackReceived, 2);
});

test('a full backlog drops and counts', () => {
  const s = setup({ peerRecvWindow: 1, maxBacklog: 2 });
  assert.equal(s.w.send(Buffer.from([1])), true);
  assert.equal(s.w.send(Buffer.from([2])), true);
  assert.equal(s.w.send(Buffer.from([3])), true);
  assert.equal(s.w.send(Buffer.from([4])), false);
  assert.equal(s.w.status().windowFull, 1);
  assert.ok(s.debugText().includes('outside PPTP: xGRE window full to 99.99.99.5, 1 unacked, peer RWS 1, pak dropped'));
});

test('a window stuck without acks reopens after the ack timeout and sends the backlog', () => {
  const s = setup({ peerRecvWindow: 2, ackTimeoutMs: 3000 });
  s.w.send(Buffer.from([1]));
  s.w.send(Buffer.from([2]));
  assert.equal(s.w.send(Buffer.from([3])), true);
  assert.equal(s.out.length, 2);
  s.clock.advance(2999);
  assert.equal(s.out.length, 2);
  s.clock.advance(1);
  assert.equal(s.out.length, 3, 'the held packet went out when the window was declared lost');
  assert.equal(s.w.status().ackTimeouts, 1);
  assert.equal(s.w.status().inFlight, 1);
  assert.equal(s.clock.pending(), 0, 'no stall timer left once the backlog is empty');
});

test('peer RWS 0 means no limit', () => {
  const s = setup({ peerRecvWindow: 0 });
  for (let i = 0; i < 200; i++) assert.equal(s.w.send(Buffer.from([i])), true);
});

test('close() stops the ack timer and sending', () => {
  const s = setup();
  s.rx(1);
  assert.equal(s.clock.pending(), 1);
  s.w.close();
  assert.equal(s.clock.pending(), 0);
  assert.equal(s.w.send(Buffer.from([1])), false);
});

test('no debug text is built when vpdn packet is off', () => {
  const s = setup();
  s.bus.disableAll();
  s.rx(1);
  s.w.send(Buffer.from([1]));
  assert.deepEqual(s.debugText(), []);
});

test('fuzz: any arrival order delivers each sequence number at most once', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 400 }), fc.integer({ min: 0, max: 0xffffffff }), (seqs, base) => {
      const s = setup();
      s.bus.disableAll();
      const delivered = new Set<number>();
      for (const off of seqs) {
        const seq = (base + off) >>> 0;
        if (s.rx(seq)) {
          assert.ok(!delivered.has(seq), `seq ${seq} delivered twice`);
          delivered.add(seq);
        }
      }
      const st = s.w.status();
      assert.equal(st.packetsReceived, delivered.size);
      assert.equal(st.packetsReceived + st.duplicates + st.tooOld, seqs.length);
    }),
    { numRuns: 300 },
  );
});

test('two windows back to back: a bulk one-way transfer never stalls on the window', () => {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  const queue: { to: 'a' | 'b'; bytes: Buffer }[] = [];
  const mk = (name: 'a' | 'b', initialSeq: number) =>
    new GreCallWindow({
      clock,
      debug: new CiscoGreDebug(bus),
      ifName: 'outside',
      peerAddress: '10.0.0.1',
      tunnelId: 1,
      callId: 1,
      peerCallId: 2,
      peerRecvWindow: 64,
      localRecvWindow: 64,
      initialSeq,
      send: (p) => queue.push({ to: name === 'a' ? 'b' : 'a', bytes: Buffer.from(p) }),
    });
  const a = mk('a', 1); // the PIX side
  const b = mk('b', 0); // a Windows-like client
  let delivered = 0;
  const pump = () => {
    while (queue.length) {
      const { to, bytes } = queue.shift()!;
      const r = decodeGre(bytes);
      assert.ok(r.ok);
      if ((to === 'a' ? a : b).receive(r.packet) && to === 'b') delivered++;
    }
  };
  let refused = 0;
  for (let i = 0; i < 5000; i++) {
    if (!a.send(Buffer.alloc(100))) refused++;
    if (i % 16 === 0) pump();
  }
  pump();
  clock.advance(1000);
  pump();
  assert.equal(refused, 0, 'acks come back in time: the window never fills');
  assert.equal(delivered, 5000);
  assert.deepEqual([a.status().inFlight, b.status().ack, b.status().outOfOrder], [0, 5000, 0]);
});
