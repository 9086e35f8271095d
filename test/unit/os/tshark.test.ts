/**
 * The capture + tshark harness: pcaps written by hand (a well-formed and a
 * malformed PPP-in-GRE packet) and a live capture of ping across a veth
 * pair in test namespaces.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { internetChecksum } from '../../../src/proto/ip/ipv4.js';
import { runInNetns, vethPair, withNetns } from '../../../src/lab/rig/netns.js';
import { captureAvailable, captureInNetns, pcapTempDir, tsharkAvailable, tsharkCheck, writePcap } from '../../../src/lab/rig/tshark.js';

const tshark = tsharkAvailable();

/** IPv4 header (no options) + payload, checksummed. */
function ipv4(protocol: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = 64;
  h[9] = protocol;
  Buffer.of(10, 0, 0, 1).copy(h, 12);
  Buffer.of(10, 0, 0, 2).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** Enhanced GRE (K+S, version 1, proto 0x880b) around a PPP frame. */
function greWithPpp(ppp: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x3001, 0);
  h.writeUInt16BE(0x880b, 2);
  h.writeUInt16BE(ppp.length, 4);
  h.writeUInt16BE(0x4242, 6);
  h.writeUInt32BE(1, 8);
  return ipv4(47, Buffer.concat([h, ppp]));
}

// LCP Configure-Request id 1 with a Magic-Number option; the bad one claims 50 octets but has 10
const lcpGood = Buffer.from('ff03c021' + '0101000a' + '0506aabbccdd', 'hex');
const lcpBad = Buffer.from('ff03c021' + '01010032' + '0506aabbccdd', 'hex');

describe('tshark check', { skip: tshark.ok ? false : tshark.reason }, () => {
  it('decodes a well-formed PPP LCP in enhanced GRE without complaint', async () => {
    const path = join(pcapTempDir(), 'good.pcap');
    writePcap(path, [greWithPpp(lcpGood), greWithPpp(lcpGood)]);
    const r = await tsharkCheck(path);
    assert.equal(r.frames, 2);
    assert.deepEqual(r.malformed, []);
    for (const p of ['ip', 'gre', 'ppp', 'lcp']) assert.ok(r.protocols.has(p), `${p} not in ${[...r.protocols]}`);
  });

  it('reports a malformed frame with its number', async () => {
    const path = join(pcapTempDir(), 'bad.pcap');
    writePcap(path, [greWithPpp(lcpGood), greWithPpp(lcpBad)]);
    const r = await tsharkCheck(path);
    assert.equal(r.frames, 2);
    assert.equal(r.malformed.length, 1, r.malformed.join('\n'));
    assert.match(r.malformed[0], /^frame 2: .*Malformed/);
  });
});

const live = captureAvailable();
describe('capture in a namespace', { skip: !live.ok ? live.reason : tshark.ok ? false : tshark.reason }, () => {
  it('captures ping across a veth pair and tshark sees ICMP, nothing malformed', async () => {
    await withNetns('capA', async (nsA) => {
      await withNetns('capB', async (nsB) => {
        const { ifB } = await vethPair(nsA, nsB, '10.203.0.1/24', '10.203.0.2/24');
        const cap = await captureInNetns(nsB, ifB, 'icmp');
        const ping = await runInNetns(nsA, 'ping', ['-n', '-c', '3', '-i', '0.2', '-W', '2', '10.203.0.2'], { timeoutMs: 15_000 });
        assert.match(ping.stdout, /3 received/, ping.stdout + ping.stderr);
        const path = await cap.stop();
        const r = await tsharkCheck(path);
        assert.equal(r.frames, 6, 'three requests and three replies');
        assert.ok(r.protocols.has('icmp'));
        assert.ok(r.protocols.has('eth'));
        assert.deepEqual(r.malformed, []);
      });
    });
  });
});
