/**
 * The in-memory twins: the GRE network (async delivery, order, impairments)
 * and the memory TUN with its test kernel (echo, forwarding, ping).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMemoryGreNetwork } from '../../../src/proto/gre/memory.js';
import { attachTestKernel } from '../../../src/proto/tun/memory-kernel.js';
import { buildIcmpEcho, parseIcmpEcho } from '../../../src/proto/ip/icmp.js';
import { createMemoryTun } from '../../../src/proto/tun/memory.js';
import { internetChecksum, parseIpv4 } from '../../../src/proto/ip/ipv4.js';

const tick = () => new Promise<void>((r) => setImmediate(r));
const settle = async (n = 5) => {
  for (let i = 0; i < n; i++) await tick();
};

describe('memory GRE network', () => {
  it('delivers asynchronously, in order, with from and to', async () => {
    const net = createMemoryGreNetwork();
    const a = net.endpoint('10.0.0.1');
    const b = net.endpoint('10.0.0.2');
    const got: [number, string, string][] = [];
    b.onPacket((p, from, to) => got.push([p[0], from, to]));
    for (let i = 0; i < 100; i++) a.send('10.0.0.2', Uint8Array.of(i));
    assert.equal(got.length, 0, 'delivered inside send()');
    await settle();
    assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => [i, '10.0.0.1', '10.0.0.2']));
    assert.equal(net.stats.delivered, 100);
  });

  it('copies the packet at send time', async () => {
    const net = createMemoryGreNetwork();
    const a = net.endpoint('10.0.0.1');
    const b = net.endpoint('10.0.0.2');
    let seen = -1;
    b.onPacket((p) => (seen = p[0]));
    const buf = Uint8Array.of(1);
    a.send('10.0.0.2', buf);
    buf[0] = 9;
    await settle();
    assert.equal(seen, 1);
  });

  it('counts packets to unknown or closed endpoints and refuses a second endpoint per address', async () => {
    const net = createMemoryGreNetwork();
    const a = net.endpoint('10.0.0.1');
    const b = net.endpoint('10.0.0.2');
    let n = 0;
    b.onPacket(() => n++);
    a.send('10.0.0.9', Uint8Array.of(1));
    b.close();
    a.send('10.0.0.2', Uint8Array.of(2));
    await settle();
    assert.equal(n, 0);
    assert.equal(net.stats.noRoute, 2);
    assert.throws(() => net.endpoint('10.0.0.1'), /already has an open endpoint/);
    assert.doesNotThrow(() => net.endpoint('10.0.0.2'), 'address reusable after close');
  });

  it('loses, duplicates and reorders on request, reproducibly from a seed', async () => {
    const run = async (imp: { loss?: number; duplicate?: number; reorder?: number }, seed: number) => {
      const net = createMemoryGreNetwork({ ...imp, seed });
      const a = net.endpoint('10.0.0.1');
      const b = net.endpoint('10.0.0.2');
      const got: number[] = [];
      b.onPacket((p) => got.push(p[0]));
      for (let i = 0; i < 200; i++) a.send('10.0.0.2', Uint8Array.of(i));
      await settle(10);
      return { got, stats: { ...net.stats } };
    };
    const lost = await run({ loss: 1 }, 1);
    assert.equal(lost.got.length, 0);
    assert.equal(lost.stats.lost, 200);

    const dup = await run({ duplicate: 1 }, 1);
    assert.equal(dup.got.length, 400);
    assert.deepEqual(dup.got.filter((_, i) => i % 2 === 0), Array.from({ length: 200 }, (_, i) => i));

    const re = await run({ reorder: 0.3 }, 42);
    assert.deepEqual([...re.got].sort((x, y) => x - y), Array.from({ length: 200 }, (_, i) => i), 'each exactly once');
    assert.notDeepEqual(re.got, Array.from({ length: 200 }, (_, i) => i), 'order unchanged');
    assert.ok(re.stats.reordered > 20);
    assert.deepEqual((await run({ reorder: 0.3 }, 42)).got, re.got, 'same seed, same run');

    const some = await run({ loss: 0.25 }, 7);
    assert.ok(some.got.length > 100 && some.got.length < 190, `kept ${some.got.length}`);
    assert.equal(some.got.length + some.stats.lost, 200);
  });
});

describe('IPv4/ICMP helpers', () => {
  it('builds echo packets whose checksums verify and which parse back', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.ipV4(),
        fc.constantFrom(0 as const, 8 as const),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 200 }),
        (src, dst, type, id, seq, data) => {
          const p = buildIcmpEcho({ src, dst, type, id, seq, payload: Buffer.from(data) });
          assert.equal(internetChecksum(p, 0, 20), 0);
          const e = parseIcmpEcho(p);
          assert.ok(e);
          assert.deepEqual(
            { src: e.src, dst: e.dst, type: e.type, id: e.id, seq: e.seq, payload: [...e.payload] },
            { src, dst, type, id, seq, payload: [...data] },
          );
        },
      ),
    );
  });

  it('rejects truncated, corrupted and non-IPv4 input without throwing', () => {
    const p = buildIcmpEcho({ src: '10.0.0.1', dst: '10.0.0.2', type: 8, id: 1, seq: 1, payload: Buffer.alloc(8) });
    for (let n = 0; n < p.length; n++) assert.equal(parseIcmpEcho(p.subarray(0, n)), undefined, `cut at ${n}`);
    const bad = Buffer.from(p);
    bad[30] ^= 0xff;
    assert.equal(parseIcmpEcho(bad), undefined, 'bad ICMP checksum accepted');
    const v6 = Buffer.from(p);
    v6[0] = 0x60;
    assert.equal(parseIpv4(v6), undefined);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void parseIcmpEcho(b)));
  });
});

describe('memory TUN and test kernel', () => {
  it('passes packets both ways asynchronously and tracks routes', async () => {
    const tun = createMemoryTun({ localAddress: '10.1.1.1', mtu: 1400 });
    const toKernel: Buffer[] = [];
    const toServer: Buffer[] = [];
    tun.onKernelReceive((p) => toKernel.push(p));
    tun.onPacket((p) => toServer.push(Buffer.from(p)));
    tun.write(Uint8Array.of(1, 2, 3));
    tun.kernelSend(Uint8Array.of(4, 5));
    tun.write(new Uint8Array(1401));
    assert.equal(toKernel.length + toServer.length, 0);
    await settle();
    assert.deepEqual(toKernel, [Buffer.of(1, 2, 3)]);
    assert.deepEqual(toServer, [Buffer.of(4, 5)]);
    assert.equal(tun.stats.dropped, 1, 'over-MTU write not dropped');
    await tun.addRoute('10.1.1.5');
    assert.ok(tun.routes.has('10.1.1.5'));
    await tun.removeRoute('10.1.1.5');
    assert.equal(tun.routes.size, 0);
    tun.close();
    tun.write(Uint8Array.of(1));
    await settle();
    assert.equal(toKernel.length, 1);
    await assert.rejects(tun.addRoute('10.1.1.6'));
  });

  it('answers echo to the server address and forwards between routed clients', async () => {
    const tun = createMemoryTun({ localAddress: '10.1.1.1' });
    const kernel = attachTestKernel(tun);
    const fromKernel: Buffer[] = [];
    tun.onPacket((p) => fromKernel.push(Buffer.from(p)));
    await tun.addRoute('10.1.1.5');
    await tun.addRoute('10.1.1.6');

    // client .5 pings the server's tunnel address
    tun.write(buildIcmpEcho({ src: '10.1.1.5', dst: '10.1.1.1', type: 8, id: 7, seq: 1, payload: Buffer.from('hi') }));
    // client .5 pings client .6 (routed back into the device, TTL - 1)
    tun.write(buildIcmpEcho({ src: '10.1.1.5', dst: '10.1.1.6', type: 8, id: 7, seq: 2, payload: Buffer.alloc(4), ttl: 64 }));
    // nowhere: dropped
    tun.write(buildIcmpEcho({ src: '10.1.1.5', dst: '192.0.2.1', type: 8, id: 7, seq: 3, payload: Buffer.alloc(4) }));
    // TTL 1 cannot be forwarded
    tun.write(buildIcmpEcho({ src: '10.1.1.5', dst: '10.1.1.6', type: 8, id: 7, seq: 4, payload: Buffer.alloc(4), ttl: 1 }));
    tun.write(Uint8Array.of(0x45, 0));
    await settle();

    assert.equal(fromKernel.length, 2);
    const reply = parseIcmpEcho(fromKernel[0]);
    assert.deepEqual(
      reply && { src: reply.src, dst: reply.dst, type: reply.type, seq: reply.seq, data: reply.payload.toString() },
      { src: '10.1.1.1', dst: '10.1.1.5', type: 0, seq: 1, data: 'hi' },
    );
    const fwd = parseIcmpEcho(fromKernel[1]);
    assert.equal(fwd?.dst, '10.1.1.6');
    assert.equal(fwd?.ttl, 63);
    assert.equal(internetChecksum(fromKernel[1], 0, 20), 0, 'header checksum after TTL change');
    assert.deepEqual({ ...kernel.stats }, { echoReplies: 1, forwarded: 1, dropped: 2, malformed: 1 });
  });

  it('ping() succeeds when the server side answers and fails on timeout', async () => {
    const tun = createMemoryTun({ localAddress: '10.1.1.1' });
    const kernel = attachTestKernel(tun);
    await tun.addRoute('10.1.1.5');
    let answer = true;
    tun.onPacket((p) => {
      const e = parseIcmpEcho(p);
      if (answer && e?.type === 8 && e.dst === '10.1.1.5') tun.write(buildIcmpEcho({ ...e, src: e.dst, dst: e.src, type: 0 }));
    });
    assert.equal(await kernel.ping('10.1.1.5', { size: 100 }), true);
    answer = false;
    assert.equal(await kernel.ping('10.1.1.5', { timeoutMs: 50 }), false);
  });
});
