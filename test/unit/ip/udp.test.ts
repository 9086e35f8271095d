/** buildUdpIpv4 / parseUdpIpv4: the UDP checksum against one computed over a copied pseudo-header, odd lengths included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildUdpIpv4, parseUdpIpv4 } from '../../../src/proto/ip/udp.js';
import { numberToIp } from '../../../src/proto/ip/ipv4.js';

/** RFC 768 the long way: pseudo-header + datagram (checksum field zero) copied into one buffer, padded to even length. */
function reference(p: Buffer): number {
  const udpLength = p.readUInt16BE(24);
  const b = Buffer.alloc(12 + udpLength + (udpLength & 1));
  p.copy(b, 0, 12, 20);
  b[9] = 17;
  b.writeUInt16BE(udpLength, 10);
  p.copy(b, 12, 20, 20 + udpLength);
  b.writeUInt16BE(0, 12 + 6);
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  return c === 0 ? 0xffff : c;
}

test('the checksum a built datagram carries is the reference one, and it parses back; one flipped octet is refused', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.uint8Array({ maxLength: 600 }),
      (src, dst, srcPort, dstPort, data) => {
        const p = buildUdpIpv4({ src: numberToIp(src), dst: numberToIp(dst), srcPort, dstPort, payload: Buffer.from(data) });
        assert.equal(p.readUInt16BE(26), reference(p));
        const u = parseUdpIpv4(p);
        assert.ok(u.ok);
        assert.deepEqual(u.datagram.payload, Buffer.from(data));
        if (data.length > 0) {
          const bad = Buffer.from(p);
          bad[28] ^= 0x01;
          assert.deepEqual(parseUdpIpv4(bad), { ok: false, error: 'bad-checksum' });
        }
      },
    ),
  );
});
