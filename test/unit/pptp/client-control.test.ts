import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { PptpControlConnection } from '../../../src/proto/pptp/server-control.js';
import {
  PptpClientControl,
  WINDOWS10_PROFILE,
  LINUX_PPTP_PROFILE,
  type PptpClientProfile,
} from '../../../src/proto/pptp/client-control.js';
import { CallIdAllocator } from '../../../src/proto/pptp/call-id.js';
import { decodeControlMessage, type ControlMessage } from '../../../src/proto/pptp/wire.js';
import { fromHex } from '../../../src/util/hex.js';
import { CiscoPptpDebug } from '../../../src/debug/cisco-pptp.js';
import { CAPTURE_CONTROL } from '../../fixtures/pptp/control.js';

/** Client and server joined by a queue (like TCP: nothing is delivered inside send()). */
function pair(profile: PptpClientProfile, serverOpts: { echo?: number } = {}) {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  const log: string[] = [];
  const wire: { to: 'server' | 'client'; bytes: Buffer }[] = [];
  const seen: { dir: string; msg: ControlMessage; bytes: Buffer }[] = [];
  const ids = new CallIdAllocator();
  const server: PptpControlConnection = new PptpControlConnection({
    tunnelId: 7,
    send: (b) => wire.push({ to: 'client', bytes: Buffer.from(b) }),
    clock,
    debug: new CiscoPptpDebug(bus),
    ifName: 'outside',
    peerAddress: '10.99.0.2',
    localHostName: 'pix',
    vendor: 'Cisco',
    echoIntervalSeconds: serverOpts.echo ?? 0,
    callbacks: {
      onOutgoingCallRequest: (r) => {
        log.push(`server ocrq rws=${r.packetRecvWindowSize} sub=${r.subaddress.subarray(0, 2).toString('hex')}`);
        return { accept: true, callId: ids.allocate(7)! };
      },
      onCallClear: (id, why) => {
        ids.release(id);
        log.push(`server clear ${id} ${why}`);
      },
      onSetLinkInfo: (id, a) => log.push(`server sli ${id} ${a.sendAccm.toString(16)}`),
      onWanError: () => log.push('server wen'),
      onClosed: (why) => log.push(`server closed ${why}`),
    },
  });
  const client = new PptpClientControl({
    tunnelId: 1,
    send: (b) => wire.push({ to: 'server', bytes: Buffer.from(b) }),
    clock,
    debug: new CiscoPptpDebug(bus),
    profile,
    callbacks: {
      onEstablished: (r) => log.push(`client up vendor=${r.vendorString}`),
      onCallConnected: (c) => log.push(`client call ${c.callId} peer=${c.peerCallId} rws=${c.peerRecvWindow}`),
      onCallFailed: (id, r) => log.push(`client call ${id} failed ${typeof r === 'string' ? r : r.resultCode}`),
      onCallCleared: (id, cdn) => log.push(`client cleared ${id} ${typeof cdn === 'string' ? cdn : 'cdn ' + cdn.resultCode}`),
      onClosed: (why) => log.push(`client closed ${why}`),
    },
  });
  const pump = () => {
    while (wire.length) {
      const { to, bytes } = wire.shift()!;
      const r = decodeControlMessage(bytes);
      assert.ok(r.ok);
      seen.push({ dir: to === 'server' ? 'C>S' : 'S>C', msg: r.msg, bytes });
      (to === 'server' ? server : client).receive(bytes);
    }
  };
  const types = () => seen.map((s) => `${s.dir} ${s.msg.type}`);
  return { clock, server, client, pump, log, seen, types, ids };
}

test('Windows 10 profile: SCCRQ and OCRQ match the captured bytes', () => {
  const p = pair(WINDOWS10_PROFILE);
  p.client.start();
  p.pump();
  p.client.openCall(0x9d49);
  p.pump();
  const sccrq = p.seen.find((s) => s.msg.type === 'SCCRQ')!.bytes;
  assert.deepEqual(sccrq, fromHex(CAPTURE_CONTROL.win10SCCRQ.hex));
  const ocrq = p.seen.find((s) => s.msg.type === 'OCRQ')!;
  const want = fromHex(CAPTURE_CONTROL.win10OCRQ.hex);
  // Serial number differs (the capture's was the 20th call of that client).
  want.writeUInt16BE(0, 14);
  assert.deepEqual(ocrq.bytes, want);
});

test('Windows 10 session: establish, call, SLI after OCRP, clear, stop', () => {
  const p = pair(WINDOWS10_PROFILE);
  p.client.start();
  p.pump();
  assert.equal(p.client.currentState, 'estabd');
  const id = p.client.openCall();
  p.pump();
  assert.deepEqual(p.client.getCall(id), {
    callId: id,
    peerCallId: 7,
    state: 'estabd',
    peerRecvWindow: 64,
    peerProcessingDelay: 0,
    connectSpeed: 0x00fa0000,
  });
  p.client.clearCall(id);
  p.pump();
  p.client.stop();
  p.pump();
  assert.deepEqual(p.types(), [
    'C>S SCCRQ',
    'S>C SCCRP',
    'C>S OCRQ',
    'S>C OCRP',
    'C>S SLI',
    'C>S CCRQ',
    'S>C CDN',
    'C>S StopCCRQ',
    'S>C StopCCRP',
  ]);
  assert.deepEqual(p.log, [
    'client up vendor=Cisco',
    'server ocrq rws=64 sub=9615',
    `client call ${id} peer=7 rws=64`,
    'server sli 7 ffffffff',
    'server clear 7 peer-clear-request',
    `client cleared ${id} cdn 4`,
    'server closed peer-stop',
    'client closed stopped',
  ]);
  assert.equal(p.ids.size, 0, 'the call id went back to the allocator');
  assert.equal(p.clock.pending(), 0, 'no timers left on either side');
});

test('linux profile: no SLI after OCRP; the server clearing the call reaches the client', () => {
  const p = pair(LINUX_PPTP_PROFILE);
  p.client.start();
  p.pump();
  const id = p.client.openCall();
  p.pump();
  assert.ok(!p.types().includes('C>S SLI'));
  const sccrq = p.seen[0].msg;
  assert.ok(sccrq.type === 'SCCRQ');
  assert.deepEqual(
    [sccrq.hostName, sccrq.vendorString, sccrq.framingCapabilities, sccrq.bearerCapabilities, sccrq.maximumChannels],
    ['local', 'cananian', 3, 3, 65535],
  );
  p.server.clearCall(7);
  p.pump();
  assert.ok(p.log.includes(`client cleared ${id} cdn 3`));
  p.server.stop();
  p.pump();
  assert.deepEqual(p.log.slice(-2), ['client closed server-stop', 'server closed stopped']);
});

test('client answers the server Echo-Request and its own reply timeouts fire', () => {
  const p = pair(WINDOWS10_PROFILE, { echo: 30 });
  p.client.start();
  p.pump();
  p.clock.advance(30_000);
  p.pump();
  assert.deepEqual(p.types().slice(-2), ['S>C ECHORQ', 'C>S ECHORP']);
  assert.equal(p.server.status().state, 'estabd');

  // A server that never answers the SCCRQ.
  const q = pair(WINDOWS10_PROFILE);
  q.client.start();
  q.clock.advance(10_000);
  // Nothing was pumped, so the server also gave up waiting for the SCCRQ.
  assert.deepEqual(q.log, ['server closed sccrq-timeout', 'client closed sccrp-timeout']);
});

test('CallIdAllocator: preferred id when free, never a live id, no immediate reuse', () => {
  const a = new CallIdAllocator();
  assert.equal(a.allocate(42), 42);
  assert.equal(a.allocate(42), 1, 'preferred is live: next free');
  assert.equal(a.allocate(), 2);
  a.release(1);
  assert.equal(a.allocate(), 3, 'a released id is not handed out at once');
  const b = new CallIdAllocator();
  for (let i = 0; i < 0xffff; i++) assert.notEqual(b.allocate(), undefined);
  assert.equal(b.allocate(), undefined, 'all 65535 live');
  b.release(500);
  assert.equal(b.allocate(), 500);
});
