/**
 * Stateful MPPE through CCP (RFC 3078 3.1/8): a lost packet makes the
 * receiver discard and send a CCP Reset-Request; the sender Acks, changes
 * its key and flags its next packet (A bit); the receiver resynchronises
 * on it and traffic resumes. Also `debug ppp mppe` lines, which never
 * carry key material.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthRequest, AuthResult } from '../../../src/proto/authenticator.js';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame } from '../../../src/proto/ppp/frame.js';
import { WINDOWS10_PPP_PROFILE } from '../../../src/proto/ppp/client-profiles.js';
import { ipPacket, makePair } from './link.js';

const STATEFUL = { strength: 128, required: true, stateful: true } as const;

function ccpPackets(frames: { to: string; frame: Buffer }[], to: 'server' | 'client') {
  const out: { code: number; id: number }[] = [];
  for (const f of frames) {
    if (f.to !== to) continue;
    const d = decodeFrame(f.frame);
    if (!d.ok || d.value.protocol !== PPP_PROTO.CCP) continue;
    const cp = decodeCp(d.value.payload);
    if (cp.ok) out.push({ code: cp.value.code, id: cp.value.id });
  }
  return out;
}

function mppeLines(texts: string[]): string[] {
  return texts.filter((t) => / MPPE: /.test(t));
}

async function statefulPair(clientProfile?: typeof WINDOWS10_PPP_PROFILE) {
  const p = makePair({
    server: { authProtocols: ['mschap-v2'], mppe: STATEFUL },
    client: { authProtocols: ['mschap-v2'], mppe: STATEFUL },
    clientExtra: clientProfile ? { clientProfile } : {},
  });
  const keys: Buffer[] = [];
  const auth = p.authenticator.authenticate.bind(p.authenticator);
  p.authenticator.authenticate = async (req: AuthRequest): Promise<AuthResult> => {
    const r = await auth(req);
    if (r.ok && r.mppe) keys.push(r.mppe.send, r.mppe.recv);
    return r;
  };
  p.client.start();
  p.server.start();
  await p.run();
  assert.deepEqual(p.events.serverUp?.mppe, { bits: 128, stateless: false });
  assert.deepEqual(p.events.clientUp?.mppe, { bits: 128, stateless: false });
  return { p, keys };
}

for (const profile of [undefined, WINDOWS10_PPP_PROFILE]) {
  test(`stateful MPPE-128: a lost packet -> Reset-Request, sender flushes, traffic resumes (client ${profile?.name ?? 'basic'})`, async () => {
    const { p, keys } = await statefulPair(profile);
    const pkt = (n: number) => ipPacket('10.1.1.1', '172.16.1.1', Buffer.from(`packet ${n}`));
    p.log.length = 0;

    // 0 arrives; 1 is lost on the way; 2 arrives out of sync and is discarded.
    p.server.sendIp(pkt(0));
    await p.run();
    p.server.sendIp(pkt(1));
    assert.equal(p.queue.length, 1);
    p.queue.length = 0;
    p.server.sendIp(pkt(2));
    // hold the Reset exchange back to show that packets sent meanwhile are discarded
    p.client.input(p.queue.shift()!.frame);
    assert.equal(p.client.status().errors['MPPE packet rejected'], 1);
    p.server.sendIp(pkt(3));
    p.client.input(p.queue.pop()!.frame);
    assert.deepEqual(p.events.clientIp, [pkt(0)], '2 and 3 discarded');
    assert.equal(p.client.status().errors['MPPE packet rejected'], 2);

    // The Reset-Request goes out (once), the server Acks it and flushes.
    await p.run();
    const fromClient = ccpPackets(p.log, 'server');
    const fromServer = ccpPackets(p.log, 'client');
    assert.deepEqual(fromClient.map((c) => c.code), [CP_CODE.ResetReq]);
    assert.deepEqual(fromServer, [{ code: CP_CODE.ResetAck, id: fromClient[0].id }]);

    p.log.length = 0;
    p.server.sendIp(pkt(4));
    const flushed = decodeFrame(p.queue[0].frame);
    assert.ok(flushed.ok);
    assert.equal(flushed.value.payload[0] & 0x80, 0x80, 'A bit after the reset');
    await p.run();
    for (let n = 5; n < 8; n++) p.server.sendIp(pkt(n));
    await p.run();
    assert.deepEqual(p.events.clientIp, [pkt(0), pkt(4), pkt(5), pkt(6), pkt(7)]);
    // The other direction was never disturbed.
    const up = ipPacket('172.16.1.1', '10.1.1.1');
    p.client.sendIp(up);
    await p.run();
    assert.deepEqual(p.events.serverIp, [up]);

    const server = mppeLines(p.sdbg.texts());
    const client = mppeLines(p.cdbg.texts());
    assert.deepEqual(server.slice(0, 3), ['Vi1 MPPE: Generate keys using local database', 'Vi1 MPPE: Initialize keys', 'Vi1 MPPE: [128 bit encryption] [stateful mode]']);
    assert.ok(server.includes('Vi1 MPPE: Rcvd Reset-Request [Resetting]: key change on next packet'));
    assert.ok(server.includes('Vi1 MPPE: Key change (reset) ccount 0x004'));
    assert.deepEqual(client.slice(3), [
      'Vi2 MPPE: Discard packet ccount 0x002 (lost sync), send Reset-Request',
      'Vi2 MPPE: Discard packet ccount 0x003 (discarding)',
      'Vi2 MPPE: Rcvd Reset-Ack',
      'Vi2 MPPE: Resynchronized at ccount 0x004, 3 packet(s) lost',
    ]);
    // No key material in any debug line of either end.
    const all = [...p.sdbg.texts(), ...p.cdbg.texts()].join('\n').toLowerCase();
    assert.equal(keys.length, 2);
    for (const k of keys) {
      assert.ok(!all.includes(k.toString('hex')), 'master key printed');
      assert.ok(!all.includes(k.subarray(0, 8).toString('hex')), 'part of a key printed');
    }
    p.server.abort('done');
    p.client.abort('done');
    assert.equal(p.clock.pending(), 0);
  });
}

test('stateful MPPE: the flag packet (ccount 0x0FF) changes keys on both ends', async () => {
  const { p } = await statefulPair();
  for (let n = 0; n < 260; n++) p.client.sendIp(ipPacket('172.16.1.1', '10.1.1.1', Buffer.from([n & 0xff])));
  await p.run();
  assert.equal(p.events.serverIp.length, 260);
  assert.ok(mppeLines(p.cdbg.texts()).includes('Vi2 MPPE: Key change (flag packet) ccount 0x0FF'));
  assert.ok(mppeLines(p.sdbg.texts()).includes('Vi1 MPPE: Rcvd key change ccount 0x0FF'));
  assert.equal(mppeLines(p.sdbg.texts()).filter((l) => l.includes('key change')).length, 1);
});

test('stateless MPPE: mode line only, no line per packet; a replayed packet is discarded and printed', async () => {
  const mppe = { strength: 40, required: true, stateful: false } as const;
  const p = makePair({ server: { authProtocols: ['mschap-v2'], mppe }, client: { authProtocols: ['mschap-v2'], mppe } });
  p.client.start();
  p.server.start();
  await p.run();
  p.log.length = 0;
  for (let n = 0; n < 5; n++) p.client.sendIp(ipPacket('172.16.1.1', '10.1.1.1', Buffer.from([n])));
  await p.run();
  assert.equal(p.events.serverIp.length, 5);
  p.server.input(Buffer.from(p.log[2].frame));
  assert.deepEqual(mppeLines(p.sdbg.texts()), [
    'Vi1 MPPE: Generate keys using local database',
    'Vi1 MPPE: Initialize keys',
    'Vi1 MPPE: [40 bit encryption] [stateless mode]',
    'Vi1 MPPE: Discard packet ccount 0x002 (replay)',
  ]);
  // A Reset-Request in stateless mode is Acked and changes nothing.
  p.log.length = 0;
  p.server.input(Buffer.from('80fd0e420004', 'hex'));
  assert.deepEqual(ccpPackets(p.log, 'client'), [{ code: CP_CODE.ResetAck, id: 0x42 }]);
  p.server.sendIp(ipPacket('10.1.1.1', '172.16.1.1'));
  await p.run();
  assert.equal(p.events.clientIp.length, 1);
  // Nothing is printed with the category off.
  p.sdbg.bus.disable('ppp mppe');
  const before = p.sdbg.lines.length;
  p.server.input(Buffer.from(p.log.at(-1)!.frame));
  p.server.close('done');
  assert.equal(mppeLines(p.sdbg.lines.slice(before).map((l) => l.text)).length, 0);
});

test('RADIUS keys are named as such', async () => {
  const mppe = { strength: 128, required: true, stateful: false } as const;
  const p = makePair({
    server: { authProtocols: ['mschap-v2'], mppe },
    client: { authProtocols: ['mschap-v2'], mppe },
    serverExtra: { mppeKeySource: 'radius' },
  });
  p.client.start();
  p.server.start();
  await p.run();
  assert.equal(mppeLines(p.sdbg.texts())[0], 'Vi1 MPPE: Generate keys using RADIUS data');
  p.client.close('bye');
  await p.run();
  assert.ok(mppeLines(p.sdbg.texts()).includes('Vi1 MPPE: Keys discarded'));
});

test('stateful MPPE: a lost Reset-Request is sent again after 1 s with the same identifier, once', async () => {
  const { p } = await statefulPair();
  const pkt = (n: number) => ipPacket('10.1.1.1', '172.16.1.1', Buffer.from(`packet ${n}`));
  p.server.sendIp(pkt(0));
  await p.run();
  p.server.sendIp(pkt(1));
  p.queue.length = 0; // lost
  p.server.sendIp(pkt(2));
  p.log.length = 0;
  p.client.input(p.queue.shift()!.frame);
  // the Reset-Request is lost too
  assert.equal(p.queue.length, 1);
  p.queue.length = 0;
  p.clock.advance(999);
  assert.equal(p.queue.length, 0);
  p.clock.advance(1);
  assert.equal(p.queue.length, 1, 'sent again');
  await p.run();
  const req = ccpPackets(p.log, 'server');
  assert.equal(req.length, 2);
  assert.equal(req[0].id, req[1].id);
  assert.deepEqual(ccpPackets(p.log, 'client'), [{ code: CP_CODE.ResetAck, id: req[0].id }]);
  p.clock.advance(5000);
  assert.equal(ccpPackets(p.log, 'server').length, 2, 'no third one');
  p.server.sendIp(pkt(3));
  await p.run();
  assert.deepEqual(p.events.clientIp, [pkt(0), pkt(3)]);
  p.server.abort('x');
  p.client.abort('x');
  assert.equal(p.clock.pending(), 0);
});
