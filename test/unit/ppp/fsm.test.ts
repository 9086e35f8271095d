import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { CP_CODE } from '../../../src/proto/ppp/frame.js';
import { Fsm, type FsmLayer } from '../../../src/proto/ppp/fsm.js';

/** A layer with one fixed option set that acks whatever the peer asks. */
function harness() {
  const clock = new FakeClock();
  const sent: { t: number; code: number; id: number; data: string }[] = [];
  const events: string[] = [];
  const req = Buffer.from('0104 05dc'.replace(' ', ''), 'hex');
  const layer: FsmLayer = {
    resetOptions: () => events.push('reset'),
    buildConfReq: () => req,
    receiveConfReq: (d) => ({ code: CP_CODE.ConfAck, data: Buffer.from(d) }),
    receiveConfAck: (d) => d.equals(req),
    receiveConfNak: () => 'ok',
    receiveConfRej: () => 'ok',
    thisLayerUp: () => events.push('up'),
    thisLayerDown: () => events.push('down'),
    thisLayerStarted: () => events.push('started'),
    thisLayerFinished: (r) => events.push(`finished:${r}`),
  };
  const fsm = new Fsm(layer, {
    name: 'LCP',
    clock,
    send: (code, id, data) => sent.push({ t: clock.now(), code, id, data: data.toString('hex') }),
  });
  return { clock, sent, events, fsm };
}

test('Configure-Request retransmits every 3 s, same id, 10 in all, then the layer finishes', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  assert.equal(h.fsm.state, 'reqSent');
  h.clock.advance(40_000);
  assert.deepEqual(
    h.sent.map((s) => [s.t, s.code, s.id]),
    Array.from({ length: 10 }, (_, i) => [i * 3000, CP_CODE.ConfReq, 1]),
  );
  assert.equal(h.fsm.state, 'stopped');
  assert.deepEqual(h.events, ['reset', 'finished:timeout sending Config-Requests']);
  assert.equal(h.clock.pending(), 0);
});

test('RFC path Closed -> REQ-Sent -> ACK-Rcvd -> Opened; Ack with a stale id is dropped', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  h.fsm.input(CP_CODE.ConfAck, 9, Buffer.from('010405dc', 'hex'));
  assert.equal(h.fsm.state, 'reqSent', 'wrong id ignored');
  h.fsm.input(CP_CODE.ConfAck, 1, Buffer.from('010405dd', 'hex'));
  assert.equal(h.fsm.state, 'reqSent', 'wrong contents ignored');
  h.fsm.input(CP_CODE.ConfAck, 1, Buffer.from('010405dc', 'hex'));
  assert.equal(h.fsm.state, 'ackRcvd');
  h.fsm.input(CP_CODE.ConfReq, 7, Buffer.from('0506aabbccdd', 'hex'));
  assert.equal(h.fsm.state, 'opened');
  assert.deepEqual(h.sent.at(-1), { t: 0, code: CP_CODE.ConfAck, id: 7, data: '0506aabbccdd' });
  assert.deepEqual(h.events, ['reset', 'up']);
  assert.equal(h.clock.pending(), 0, 'no restart timer in Opened');
});

test('close from Opened: this-layer-down, two Terminate-Requests 3 s apart, finished', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  h.fsm.input(CP_CODE.ConfReq, 1, Buffer.alloc(0));
  h.fsm.input(CP_CODE.ConfAck, 1, Buffer.from('010405dc', 'hex'));
  assert.equal(h.fsm.state, 'opened');
  h.sent.length = 0;
  h.fsm.close('admin');
  h.clock.advance(10_000);
  assert.deepEqual(h.sent.map((s) => [s.t, s.code]), [
    [0, CP_CODE.TermReq],
    [3000, CP_CODE.TermReq],
  ]);
  assert.equal(h.fsm.state, 'closed');
  assert.deepEqual(h.events.slice(-2), ['down', 'finished:admin']);
});

test('Terminate-Ack ends Closing at once', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  h.fsm.close('bye');
  const termId = h.sent.at(-1)!.id;
  h.fsm.input(CP_CODE.TermAck, termId, Buffer.alloc(0));
  assert.equal(h.fsm.state, 'closed');
  assert.equal(h.events.at(-1), 'finished:bye');
  assert.equal(h.clock.pending(), 0);
});

test('unknown code: Code-Reject carrying the packet; Code-Reject of Configure-Request is fatal', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  h.fsm.input(99, 4, Buffer.from('abcd', 'hex'));
  assert.deepEqual(h.sent.at(-1), { t: 0, code: CP_CODE.CodeRej, id: 2, data: '63040006abcd' });
  h.fsm.input(CP_CODE.CodeRej, 5, Buffer.from('01010004', 'hex'));
  assert.equal(h.fsm.state, 'stopped');
  assert.match(h.events.at(-1)!, /^finished:peer rejected code 1/);
});

test('Nak loops: after Max-Failure Naks the peer gets a Reject instead', () => {
  const clock = new FakeClock();
  const sent: number[] = [];
  const seenRid: boolean[] = [];
  const fsm = new Fsm(
    {
      resetOptions: () => {},
      buildConfReq: () => Buffer.alloc(0),
      receiveConfReq: (_d, rid) => {
        seenRid.push(rid);
        return rid ? { code: CP_CODE.ConfRej, data: Buffer.from('0102', 'hex') } : { code: CP_CODE.ConfNak, data: Buffer.from('0102', 'hex') };
      },
      receiveConfAck: () => true,
      receiveConfNak: () => 'ok',
      receiveConfRej: () => 'ok',
      thisLayerUp: () => {},
      thisLayerDown: () => {},
      thisLayerStarted: () => {},
      thisLayerFinished: () => {},
    },
    { name: 'IPCP', clock, send: (c) => sent.push(c) },
  );
  fsm.up();
  fsm.open();
  for (let i = 0; i < 6; i++) fsm.input(CP_CODE.ConfReq, i, Buffer.from('0102', 'hex'));
  assert.deepEqual(seenRid, [false, false, false, false, false, true]);
  assert.equal(sent.at(-1), CP_CODE.ConfRej);
  fsm.dispose();
});

test('Terminate-Request in Opened: Terminate-Ack, down, finished after the restart timer', () => {
  const h = harness();
  h.fsm.up();
  h.fsm.open();
  h.fsm.input(CP_CODE.ConfReq, 1, Buffer.alloc(0));
  h.fsm.input(CP_CODE.ConfAck, 1, Buffer.from('010405dc', 'hex'));
  h.fsm.input(CP_CODE.TermReq, 6, Buffer.alloc(12));
  assert.deepEqual(h.sent.at(-1), { t: 0, code: CP_CODE.TermAck, id: 6, data: '' });
  assert.equal(h.fsm.state, 'stopping');
  h.clock.advance(3000);
  assert.equal(h.fsm.state, 'stopped');
  assert.deepEqual(h.events.slice(-2), ['down', 'finished:peer requested termination']);
});
