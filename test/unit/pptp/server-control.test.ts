import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, type LogLine } from '../../../src/debug/bus.js';
import {
  PptpControlConnection,
  type OutgoingCallDecision,
  type PptpControlOptions,
} from '../../../src/proto/pptp/server-control.js';
import {
  decodeControlMessage,
  encodeControlMessage,
  type ControlMessage,
  type OutgoingCallRequest,
} from '../../../src/proto/pptp/wire.js';
import { fromHex } from '../../../src/util/hex.js';
import { CiscoPptpDebug } from '../../../src/debug/cisco-pptp.js';
import { CAPTURE_CONTROL } from '../../fixtures/pptp/control.js';

/** The SCCRQ of seed 003's first trace (host "local", vendor "9x"). */
const SEED_SCCRQ: ControlMessage = {
  type: 'SCCRQ',
  protocolVersion: 0x100,
  framingCapabilities: 1,
  bearerCapabilities: 1,
  maximumChannels: 0,
  firmwareRevision: 0,
  hostName: 'local',
  vendorString: '9x',
};

/** Its OCRQ (call id 0, 56000..64000 bps, window 16). */
const SEED_OCRQ: OutgoingCallRequest = {
  type: 'OCRQ',
  callId: 0,
  callSerialNumber: 0,
  minimumBps: 56000,
  maximumBps: 64000,
  bearerType: 3,
  framingType: 3,
  packetRecvWindowSize: 16,
  packetProcessingDelay: 0,
  phoneNumberLength: 0,
  phoneNumber: '',
  subaddress: Buffer.alloc(64),
};

function setup(over: Partial<PptpControlOptions> = {}, decide?: (r: OutgoingCallRequest) => OutgoingCallDecision | Promise<OutgoingCallDecision>) {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  bus.enable('vpdn event');
  bus.enable('vpdn packet');
  bus.enable('vpdn error');
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  const sent: ControlMessage[] = [];
  const calls: string[] = [];
  const conn = new PptpControlConnection({
    tunnelId: 42,
    send: (b) => {
      const r = decodeControlMessage(b);
      assert.ok(r.ok, 'we only send valid messages');
      sent.push(r.msg);
    },
    clock,
    debug: new CiscoPptpDebug(bus),
    ifName: 'outside',
    peerAddress: '99.99.99.5',
    localHostName: 'pix',
    vendor: 'Cisco Systems, Inc.',
    echoIntervalSeconds: 60,
    callbacks: {
      onOutgoingCallRequest: (r) => {
        calls.push(`ocrq ${r.callId}`);
        return decide ? decide(r) : { accept: true, callId: 42 };
      },
      onCallClear: (id, reason) => calls.push(`clear ${id} ${reason}`),
      onSetLinkInfo: (id, a) => calls.push(`sli ${id} ${a.sendAccm.toString(16)} ${a.receiveAccm.toString(16)}`),
      onWanError: (id, c) => calls.push(`wen ${id} ${c.crcErrors}`),
      onClosed: (reason) => calls.push(`closed ${reason}`),
    },
    ...over,
  });
  const text = () => lines.map((l) => l.text);
  const take = () => sent.splice(0);
  const feed = (m: ControlMessage) => conn.receive(encodeControlMessage(m));
  return { clock, bus, lines, text, sent, take, calls, conn, feed };
}

function established(over: Partial<PptpControlOptions> = {}, decide?: (r: OutgoingCallRequest) => OutgoingCallDecision | Promise<OutgoingCallDecision>) {
  const s = setup(over, decide);
  s.feed(SEED_SCCRQ);
  s.take();
  s.lines.length = 0;
  return s;
}

test('seed 003 trace: SCCRQ and OCRQ give the PIX debug lines and replies, line for line', () => {
  const s = setup();
  s.feed(SEED_SCCRQ);
  s.feed(SEED_OCRQ);
  assert.deepEqual(s.text(), [
    'PPTP: new peer fd is 1',
    'Tnl 42 PPTP: Tunnel created; peer initiated',
    'PPTP: created tunnel, id = 42',
    'PPTP: cc rcvdata, socket fd=1, new_conn: 1',
    'PPTP: cc rcv 156 bytes of data',
    'Tnl 42 PPTP: CC I 009c00011a2b3c4d0001000001000000000000010000...',
    'Tnl 42 PPTP: CC I SCCRQ',
    'Tnl 42 PPTP: protocol version 0x100',
    'Tnl 42 PPTP: framing caps 0x1',
    'Tnl 42 PPTP: bearer caps 0x1',
    'Tnl 42 PPTP: max channels 0',
    'Tnl 42 PPTP: firmware rev 0x0',
    'Tnl 42 PPTP: hostname "local"',
    'Tnl 42 PPTP: vendor "9x"',
    'Tnl 42 PPTP: SCCRQ-ok -> state change wt-sccrq to estabd',
    'Tnl 42 PPTP: CC O SCCRP',
    'PPTP: cc snddata, socket fd=1, len=156, data: 009c00011a2b3c4d0002000001000100000000030000...',
    'PPTP: cc rcvdata, socket fd=1, new_conn: 0',
    'PPTP: cc rcv 168 bytes of data',
    'Tnl 42 PPTP: CC I 00a800011a2b3c4d00070000000000000000dac00000...',
    'Tnl 42 PPTP: CC I OCRQ',
    'Tnl 42 PPTP: call id 0x0',
    'Tnl 42 PPTP: serial num 0',
    'Tnl 42 PPTP: min bps 56000:0xdac0',
    'Tnl 42 PPTP: max bps 64000:0xfa00',
    'Tnl 42 PPTP: bearer type 3',
    'Tnl 42 PPTP: framing type 3',
    'Tnl 42 PPTP: rcv win size 16',
    'Tnl 42 PPTP: ppd 0',
    'Tnl 42 PPTP: phone num Len 0',
    'Tnl 42 PPTP: phone num ""',
    'Tnl/Cl 42/42 PPTP: l2x store session: tunnel id 42, session id 42, hash_ix=42',
    'Tnl/Cl 42/42 PPTP: vacc-ok -> state change wt-vacc to estabd',
    'Tnl/Cl 42/42 PPTP: CC O OCRP',
    'PPTP: cc snddata, socket fd=1, len=32, data: 002000011a2b3c4d00080000002a00000100000000fa...',
  ]);
  const cats = new Map(s.lines.map((l) => [l.text, l.kind === 'debug' ? l.category : '']));
  assert.equal(cats.get('Tnl 42 PPTP: CC I SCCRQ'), 'vpdn event');
  assert.equal(cats.get('PPTP: cc rcv 156 bytes of data'), 'vpdn packet');
  assert.ok(s.lines.every((l) => l.kind === 'debug' && l.ctx?.tunnel === 42));
  const [sccrp, ocrp] = s.sent;
  assert.equal(sccrp.type === 'SCCRP' && sccrp.resultCode, 1);
  assert.ok(ocrp.type === 'OCRP');
  assert.deepEqual(
    { callId: ocrp.callId, peer: ocrp.peerCallId, result: ocrp.resultCode, rws: ocrp.packetRecvWindowSize },
    { callId: 42, peer: 0, result: 1, rws: 64 },
  );
  const st = s.conn.status();
  assert.equal(st.state, 'estabd');
  assert.deepEqual(
    st.calls.map((c) => [c.callId, c.peerCallId, c.state, c.peerRecvWindow]),
    [[42, 0, 'estabd', 16]],
  );
  assert.deepEqual(
    [st.packetsReceived, st.bytesReceived, st.packetsSent, st.bytesSent],
    [2, 156 + 168, 2, 156 + 32],
  );
  assert.equal(st.peer?.vendorString, '9x');
});

test('nothing is formatted when debug is off', () => {
  const s = setup();
  s.bus.disableAll();
  s.lines.length = 0;
  s.feed(SEED_SCCRQ);
  s.feed({ type: 'SLI', peerCallId: 77, sendAccm: 0, receiveAccm: 0 });
  assert.deepEqual(s.lines, []);
  assert.equal(s.conn.status().errors['bad-call-id'], 1, 'still counted');
});

test('SCCRQ timeout: no SCCRQ within 10 s closes the connection', () => {
  const s = setup();
  s.clock.advance(9999);
  assert.deepEqual(s.calls, []);
  s.clock.advance(1);
  assert.deepEqual(s.calls, ['closed sccrq-timeout']);
  assert.deepEqual(s.sent, []);
  assert.equal(s.conn.status().state, 'closed');
  assert.equal(s.conn.status().errors['sccrq-timeout'], 1);
  assert.ok(s.text().includes('Tnl 42 PPTP: no SCCRQ in 10 secs, dropping connection'));
  assert.equal(s.clock.pending(), 0, 'no timers left');
  s.feed(SEED_SCCRQ);
  assert.deepEqual(s.sent, [], 'input after close is ignored');
});

test('SCCRQ with an unsupported version: SCCRP result 5, then close', () => {
  const s = setup();
  s.feed({ ...(SEED_SCCRQ as Extract<ControlMessage, { type: 'SCCRQ' }>), protocolVersion: 0x200 });
  assert.equal(s.sent.length, 1);
  const r = s.sent[0];
  assert.ok(r.type === 'SCCRP');
  assert.equal(r.resultCode, 5);
  assert.equal(r.protocolVersion, 0x100);
  assert.deepEqual(s.calls, ['closed bad-version']);
  assert.equal(s.clock.pending(), 0);
});

test('second SCCRQ: SCCRP result 3 (channel exists), connection stays', () => {
  const s = established();
  s.feed(SEED_SCCRQ);
  assert.equal(s.sent.length, 1);
  assert.ok(s.sent[0].type === 'SCCRP' && s.sent[0].resultCode === 3);
  assert.equal(s.conn.status().state, 'estabd');
  assert.equal(s.conn.status().errors['second-sccrq'], 1);
  assert.ok(s.lines.some((l) => l.kind === 'debug' && l.category === 'vpdn error'));
});

test('OCRQ before SCCRQ: OCRP general error / not-connected, no call', () => {
  const s = setup();
  s.feed(SEED_OCRQ);
  assert.equal(s.sent.length, 1);
  const r = s.sent[0];
  assert.ok(r.type === 'OCRP');
  assert.deepEqual([r.resultCode, r.errorCode, r.peerCallId], [2, 1, 0]);
  assert.deepEqual(s.calls, [], 'the callback is not asked');
  assert.equal(s.conn.status().state, 'wt-sccrq');
  assert.equal(s.conn.status().errors['wrong-state'], 1);
});

test('refused OCRQ: the callback decides result and error codes', () => {
  const s = established({}, () => ({ accept: false, resultCode: 4, errorCode: 4 }));
  s.feed(SEED_OCRQ);
  const r = s.sent[0];
  assert.ok(r.type === 'OCRP');
  assert.deepEqual([r.callId, r.resultCode, r.errorCode], [0, 4, 4]);
  assert.deepEqual(s.conn.status().calls, []);
  assert.equal(s.conn.status().errors['call-refused'], 1);
});

test('a decision that comes later: the OCRP goes out then; a refusal or a rejection refuses', async () => {
  let decide!: (d: OutgoingCallDecision) => void;
  const s = established({}, () => new Promise<OutgoingCallDecision>((r) => (decide = r)));
  s.feed(SEED_OCRQ);
  assert.deepEqual(s.sent, [], 'nothing before the decision');
  decide({ accept: true, callId: 7 });
  await Promise.resolve();
  const r = s.take()[0];
  assert.ok(r?.type === 'OCRP' && r.callId === 7 && r.resultCode === 1, JSON.stringify(r));
  assert.deepEqual(s.conn.status().calls.map((c) => c.callId), [7]);

  const failing = established({}, () => Promise.reject(new Error('primary gone')));
  failing.feed(SEED_OCRQ);
  await new Promise((res) => setImmediate(res));
  const f = failing.sent[0];
  assert.ok(f?.type === 'OCRP' && f.resultCode !== 1, JSON.stringify(f));
  assert.deepEqual(failing.conn.status().calls, []);
});

test('a decision that comes after the connection ended sends nothing', async () => {
  let decide!: (d: OutgoingCallDecision) => void;
  const s = established({}, () => new Promise<OutgoingCallDecision>((r) => (decide = r)));
  s.feed(SEED_OCRQ);
  s.feed({ type: 'StopCCRQ', reason: 1 });
  s.take();
  decide({ accept: true, callId: 7 });
  await Promise.resolve();
  assert.deepEqual(s.sent, []);
  assert.deepEqual(s.conn.status().calls, []);
});

test('echo: Echo-Request after the idle interval, reply keeps it up, silence tears down', () => {
  const s = established();
  s.clock.advance(59_999);
  assert.deepEqual(s.sent, []);
  s.clock.advance(1);
  assert.deepEqual(s.take(), [{ type: 'ECHORQ', identifier: 1 }]);
  s.clock.advance(1000);
  s.feed({ type: 'ECHORP', identifier: 1, resultCode: 1, errorCode: 0 });
  s.clock.advance(59_999);
  assert.deepEqual(s.sent, []);
  s.clock.advance(1);
  assert.deepEqual(s.take(), [{ type: 'ECHORQ', identifier: 2 }]);
  s.clock.advance(59_999);
  assert.deepEqual(s.calls, []);
  s.clock.advance(1);
  assert.deepEqual(s.calls, ['closed echo-timeout']);
  assert.equal(s.conn.status().errors['echo-timeout'], 1);
  assert.equal(s.clock.pending(), 0);
});

test('echo: any control message from the peer delays the next Echo-Request', () => {
  const s = established();
  s.clock.advance(30_000);
  s.feed({ type: 'ECHORQ', identifier: 99 });
  assert.deepEqual(s.take(), [{ type: 'ECHORP', identifier: 99, resultCode: 1, errorCode: 0 }]);
  s.clock.advance(59_999);
  assert.deepEqual(s.sent, []);
  s.clock.advance(1);
  assert.deepEqual(s.take(), [{ type: 'ECHORQ', identifier: 1 }]);
  s.feed({ type: 'ECHORP', identifier: 7, resultCode: 1, errorCode: 0 });
  assert.equal(s.conn.status().errors['unexpected-echo-reply'], 1);
});

test('echo interval 0 sends no Echo-Request', () => {
  const s = established({ echoIntervalSeconds: 0 });
  s.clock.advance(3_600_000);
  assert.deepEqual(s.sent, []);
});

test('peer Echo-Request before SCCRQ: general error, not connected', () => {
  const s = setup();
  s.feed({ type: 'ECHORQ', identifier: 5 });
  assert.deepEqual(s.sent, [{ type: 'ECHORP', identifier: 5, resultCode: 2, errorCode: 1 }]);
});

test('CCRQ -> CDN result 4 (Request); the tunnel waits for StopCCRQ, then StopCCRP and close', () => {
  const s = established();
  s.feed({ ...SEED_OCRQ, callId: 0x4000 });
  s.take();
  s.lines.length = 0;
  s.feed({ type: 'SLI', peerCallId: 42, sendAccm: 0xffffffff, receiveAccm: 0xffffffff });
  s.feed({ type: 'CCRQ', callId: 0x4000 });
  assert.deepEqual(s.take(), [
    { type: 'CDN', callId: 42, resultCode: 4, errorCode: 0, causeCode: 0, callStatistics: '' },
  ]);
  assert.ok(s.text().includes('Tnl/Cl 42/42 PPTP: CC I SLI'));
  assert.ok(s.text().includes('Tnl/Cl 42/42 PPTP: CC I ClearRQ'));
  assert.ok(s.text().includes('Tnl/Cl 42/42 PPTP: CC O CDN'));
  assert.equal(s.conn.status().state, 'estabd');
  assert.deepEqual(s.conn.status().calls, []);
  s.clock.advance(5000);
  s.feed({ type: 'StopCCRQ', reason: 1 });
  assert.deepEqual(s.take(), [{ type: 'StopCCRP', resultCode: 1, errorCode: 0 }]);
  assert.deepEqual(s.calls, ['ocrq 16384', 'sli 42 ffffffff ffffffff', 'clear 42 peer-clear-request', 'closed peer-stop']);
  assert.ok(s.text().includes('Tnl 42 PPTP: StopCCRQ -> state change estabd to closed'));
  assert.equal(s.clock.pending(), 0);
});

test('StopCCRQ with a live call: the call is reported cleared before the close', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  s.take();
  s.feed({ type: 'StopCCRQ', reason: 3 });
  assert.deepEqual(s.calls.slice(1), ['clear 42 peer-shutdown', 'closed peer-shutdown']);
});

test('unknown type, unknown call ids, ICRQ and unrequested replies are counted, not fatal', () => {
  const s = established();
  const unknown = Buffer.alloc(16);
  unknown.writeUInt16BE(16, 0);
  unknown.writeUInt16BE(1, 2);
  unknown.writeUInt32BE(0x1a2b3c4d, 4);
  unknown.writeUInt16BE(42, 8);
  s.conn.receive(unknown);
  s.feed({ type: 'SLI', peerCallId: 9, sendAccm: 0, receiveAccm: 0 });
  s.feed({ type: 'WEN', peerCallId: 9, crcErrors: 1, framingErrors: 0, hardwareOverruns: 0, bufferOverruns: 0, timeoutErrors: 0, alignmentErrors: 0 });
  s.feed({ type: 'CDN', callId: 9, resultCode: 1, errorCode: 0, causeCode: 0, callStatistics: '' });
  s.feed({ type: 'OCRP', callId: 1, peerCallId: 2, resultCode: 1, errorCode: 0, causeCode: 0, connectSpeed: 0, packetRecvWindowSize: 0, packetProcessingDelay: 0, physicalChannelId: 0 });
  assert.deepEqual(s.sent, [], 'none of these has a reply');
  s.feed({ type: 'CCRQ', callId: 9 });
  s.feed({
    type: 'ICRQ',
    callId: 5,
    callSerialNumber: 1,
    callBearerType: 1,
    physicalChannelId: 0,
    dialedNumberLength: 0,
    dialingNumberLength: 0,
    dialedNumber: '',
    dialingNumber: '',
    subaddress: Buffer.alloc(64),
  });
  const [cdn, icrp] = s.take();
  assert.ok(cdn.type === 'CDN');
  assert.deepEqual([cdn.callId, cdn.resultCode, cdn.errorCode], [0, 2, 5]);
  assert.ok(icrp.type === 'ICRP');
  assert.deepEqual([icrp.peerCallId, icrp.resultCode], [5, 3]);
  const e = s.conn.status().errors;
  assert.deepEqual([e['unknown-type'], e['bad-call-id'], e['unsupported-message']], [1, 4, 2]);
  assert.equal(s.conn.status().state, 'estabd');
  assert.ok(s.text().includes('Tnl 42 PPTP: CC I control message type 42, ignored'));
});

test('WEN and SLI for a live call reach the callbacks', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  s.feed({ type: 'WEN', peerCallId: 42, crcErrors: 3, framingErrors: 0, hardwareOverruns: 0, bufferOverruns: 0, timeoutErrors: 0, alignmentErrors: 0 });
  s.feed({ type: 'SLI', peerCallId: 42, sendAccm: 0, receiveAccm: 0 });
  assert.deepEqual(s.calls, ['ocrq 0', 'wen 42 3', 'sli 42 0 0']);
});

test('framing error drops the connection and clears the calls', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  const bad = encodeControlMessage({ type: 'ECHORQ', identifier: 1 });
  bad.writeUInt32BE(0x11111111, 4);
  s.conn.receive(bad);
  assert.deepEqual(s.calls, ['ocrq 0', 'clear 42 framing-error', 'closed framing-error']);
  assert.equal(s.conn.status().errors['framing bad-magic'], 1);
  assert.ok(s.text().some((t) => t.startsWith('Tnl 42 PPTP: framing error, magic cookie 0x11111111')));
});

test('stop(): CDN for each call, StopCCRQ, close on StopCCRP; or on the timeout', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  s.take();
  s.conn.stop();
  assert.deepEqual(s.take(), [
    { type: 'CDN', callId: 42, resultCode: 3, errorCode: 0, causeCode: 0, callStatistics: '' },
    { type: 'StopCCRQ', reason: 1 },
  ]);
  assert.equal(s.conn.status().state, 'wt-stop-reply');
  s.conn.stop();
  assert.deepEqual(s.sent, [], 'stop is idempotent');
  s.feed({ type: 'StopCCRP', resultCode: 1, errorCode: 0 });
  assert.deepEqual(s.calls, ['ocrq 0', 'clear 42 tunnel-stop', 'closed stopped']);
  assert.equal(s.clock.pending(), 0);

  const t = established();
  t.conn.stop(3);
  t.clock.advance(10_000);
  assert.deepEqual(t.calls, ['closed stop-reply-timeout']);
});

test('clearCall() sends CDN with the given codes and forgets the call; close() is once-only', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  s.take();
  assert.equal(s.conn.clearCall(42, 1, 7), true);
  assert.deepEqual(s.take(), [{ type: 'CDN', callId: 42, resultCode: 1, errorCode: 0, causeCode: 7, callStatistics: '' }]);
  assert.equal(s.conn.clearCall(42), false);
  s.conn.close();
  s.conn.close();
  assert.deepEqual(s.calls, ['ocrq 0', 'closed closed']);
  assert.equal(s.clock.pending(), 0);
});

test('a call id the callback returns twice is a programmer error', () => {
  const s = established();
  s.feed(SEED_OCRQ);
  assert.throws(() => s.feed({ ...SEED_OCRQ, callId: 1 }), RangeError);
});

test('the Windows 10 capture, in odd chunks: SCCRQ, OCRQ, SLI are answered and reported', () => {
  const s = setup({}, (r) => {
    assert.equal(r.packetRecvWindowSize, 64);
    assert.equal(r.subaddress.subarray(0, 4).toString('hex'), '96157121');
    return { accept: true, callId: 0x736a };
  });
  const stream = Buffer.concat(
    [CAPTURE_CONTROL.win10SCCRQ, CAPTURE_CONTROL.win10OCRQ, CAPTURE_CONTROL.win10SLI].map((f) => fromHex(f.hex)),
  );
  for (let off = 0; off < stream.length; off += 37) s.conn.receive(stream.subarray(off, off + 37));
  assert.deepEqual(s.sent.map((m) => m.type), ['SCCRP', 'OCRP']);
  const ocrp = s.sent[1];
  assert.ok(ocrp.type === 'OCRP' && ocrp.peerCallId === 0x9d49 && ocrp.callId === 0x736a);
  assert.deepEqual(s.calls, ['ocrq 40265', 'sli 29546 ffffffff ffffffff']);
  assert.ok(s.text().includes('Tnl 42 PPTP: hostname ""'));
  assert.ok(s.text().includes('Tnl 42 PPTP: vendor "Microsoft"'));
});

test('peer strings are escaped in debug output', () => {
  const s = setup();
  s.feed({ ...(SEED_SCCRQ as Extract<ControlMessage, { type: 'SCCRQ' }>), hostName: 'a\x1b[2Jb\\' });
  assert.ok(s.text().includes('Tnl 42 PPTP: hostname "a\\x1b[2Jb\\x5c"'));
});
