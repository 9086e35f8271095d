import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureManager, capturePcapng, mergeRecords, monotonicWallUs, type CaptureRecord } from '../../../src/server/capture.js';
import { encodeControlMessage } from '../../../src/proto/pptp/wire.js';
import { encodeGre } from '../../../src/proto/gre/wire.js';
import { buildIcmpEcho } from '../../../src/proto/ip/icmp.js';
import { fromHex } from '../../../src/util/hex.js';
import { pcapTempDir, tsharkAvailable, tsharkCheck, tsharkFields } from '../../../src/lab/rig/tshark.js';

const ctx = { interfaceName: 'outside', tunnel: 42, user: 'john' };
const client = { address: '99.99.99.5', port: 1058 };
const server = { address: '172.18.124.152', port: 1723 };

function fill(m: CaptureManager) {
  const sccrq = encodeControlMessage({
    type: 'SCCRQ', protocolVersion: 0x100, framingCapabilities: 1, bearerCapabilities: 1,
    maximumChannels: 0, firmwareRevision: 0, hostName: 'local', vendorString: '9x',
  });
  m.control(ctx, client, server, sccrq);
  // Seed 003: the PIX's GRE with an LCP Configure-Ack (complete frame)
  m.gre(ctx, server.address, client.address, fromHex('3081880b001700000000000100000001ff03c021020100130305c22380050609894ab407020802'));
  m.innerIp(ctx, false, buildIcmpEcho({ src: '192.168.1.1', dst: '172.18.124.152', type: 8, id: 1, seq: 1, payload: Buffer.alloc(8) }));
}

test('captures match on interface, user and tunnel; nothing is recorded without a capture', () => {
  const m = new CaptureManager(() => 1_700_000_000_000_000);
  fill(m);
  assert.equal(m.active, false);
  m.start({ name: 'a', user: 'john' });
  m.start({ name: 'b', tunnel: 7 });
  fill(m);
  const [a, b] = m.list();
  assert.equal(a.packets, 3);
  assert.equal(b.packets, 0);
  assert.equal(m.stop('b'), true);
  assert.equal(m.stop('b'), false);
  assert.equal(m.pcapng('nope'), undefined);
});

test('the ring keeps the newest packets within maxBytes', () => {
  const m = new CaptureManager();
  m.start({ name: 'r', maxBytes: 200 });
  for (let i = 0; i < 20; i++) m.gre(ctx, '1.1.1.1', '2.2.2.2', encodeGre({ callId: 1, seq: i }, Buffer.alloc(30)));
  const [r] = m.list();
  assert.ok(r.bytes <= 200 && r.packets >= 2 && r.packets < 20, JSON.stringify(r));
});

test('the pcapng decodes in tshark: PPTP control, GRE/PPP/LCP and the inner IP, nothing malformed', async (t) => {
  const cap = tsharkAvailable();
  if (!cap.ok) return t.skip(cap.reason);
  const m = new CaptureManager();
  m.start({ name: 'pptp' });
  fill(m);
  const path = join(pcapTempDir(), 'cap.pcapng');
  writeFileSync(path, m.pcapng('pptp')!);
  const report = await tsharkCheck(path);
  assert.equal(report.frames, 3);
  assert.deepEqual(report.malformed, []);
  for (const p of ['pptp', 'gre', 'ppp', 'lcp', 'icmp']) assert.ok(report.protocols.has(p), `${p} in ${[...report.protocols]}`);
});

const rec = (timeUs: number, tag: number): CaptureRecord => ({ ifId: 0, timeUs, data: Uint8Array.of(tag) });

test('records of several workers merge into timestamp order; ties and each worker\'s own order are kept', () => {
  const w0 = [rec(10, 0), rec(20, 1), rec(20, 2), rec(50, 3)];
  const w1 = [rec(5, 10), rec(20, 11), rec(60, 12)];
  const merged = mergeRecords([w0, w1, []]);
  assert.deepEqual(merged.map((r) => r.data[0]), [10, 0, 1, 2, 11, 3, 12]);
  // a list out of order (a clock set back) is not reordered within itself
  assert.deepEqual(mergeRecords([[rec(30, 1), rec(10, 2)], [rec(20, 3)]]).map((r) => r.data[0]), [3, 1, 2]);
  assert.deepEqual(mergeRecords([]), []);
});

test('the capture clock: microseconds of the wall clock, never going back', () => {
  const a = monotonicWallUs();
  const b = monotonicWallUs();
  assert.ok(b >= a);
  assert.ok(Math.abs(a / 1000 - Date.now()) < 1000, `${a} us against Date.now() ${Date.now()} ms`);
});

test('two workers\' captures merged into one pcapng: tshark reads every frame of both, in time order', async (t) => {
  let clock0 = 1_700_000_000_000_000;
  let clock1 = clock0 + 500;
  const w0 = new CaptureManager(() => (clock0 += 1000));
  const w1 = new CaptureManager(() => (clock1 += 1000));
  for (const m of [w0, w1]) m.start({ name: 'all' });
  fill(w0);
  fill(w1);
  const file = capturePcapng(mergeRecords([w0.records('all')!, w1.records('all')!]));
  const cap = tsharkAvailable();
  if (!cap.ok) return t.skip(cap.reason);
  const path = join(pcapTempDir(), 'merged.pcapng');
  writeFileSync(path, file);
  const report = await tsharkCheck(path);
  assert.equal(report.frames, 6);
  assert.deepEqual(report.malformed, []);
  const times = (await tsharkFields(path, ['frame.time_epoch'])).map(([x]) => Number(x));
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  assert.equal(new Set(times).size, 6, 'each frame with its own microsecond timestamp');
});
