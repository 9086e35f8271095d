/**
 * The DHCP codec (src/proto/dhcp/): RFC 3442's destination descriptors,
 * RFC 3396 long options, the decoder on every truncation and on random
 * bytes, and the DHCPINFORM Windows 10 sent in the real capture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeClasslessRoutes, encodeClasslessRoutes, prefixLengthOf } from '../../../src/proto/dhcp/classless-routes.js';
import { DhcpMessageType, DhcpOption, decodeDhcp, encodeDhcp, messageTypeOf, type DhcpMessage } from '../../../src/proto/dhcp/message.js';
import { buildInform } from '../../../src/proto/dhcp/inform-request.js';
import { parseUdpIpv4 } from '../../../src/proto/ip/udp.js';
import { windows10ClientPackets } from '../../harness/windows10-decrypted.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ROUTER = '192.0.2.1';
const ROUTER_HEX = 'c0 00 02 01';

/** RFC 3442 section 3: "Subnet number / Subnet mask / Destination descriptor". */
const RFC3442_TABLE: [network: string, prefix: number, descriptor: string][] = [
  ['0.0.0.0', 0, '00'],
  ['10.0.0.0', 8, '08 0a'],
  ['10.0.0.0', 24, '18 0a 00 00'],
  ['10.17.0.0', 16, '10 0a 11'],
  ['10.27.129.0', 24, '18 0a 1b 81'],
  ['10.229.0.128', 25, '19 0a e5 00 80'],
  ['10.198.122.47', 32, '20 0a c6 7a 2f'],
];

test('RFC 3442: each example of the descriptor table encodes to its octets, router after it, and decodes back', () => {
  for (const [network, prefixLength, descriptor] of RFC3442_TABLE) {
    const wire = encodeClasslessRoutes([{ network, prefixLength, router: ROUTER }]);
    assert.deepEqual(wire, hex(descriptor + ROUTER_HEX), `${network}/${prefixLength}`);
    assert.deepEqual(decodeClasslessRoutes(wire), { ok: true, routes: [{ network, prefixLength, router: ROUTER }] });
  }
  const all = encodeClasslessRoutes(RFC3442_TABLE.map(([network, prefixLength]) => ({ network, prefixLength, router: ROUTER })));
  assert.deepEqual(all, hex(RFC3442_TABLE.map(([, , d]) => d + ROUTER_HEX).join('')), 'routes follow each other');
  const back = decodeClasslessRoutes(all);
  assert.ok(back.ok);
  assert.deepEqual(back.routes.map((r) => `${r.network}/${r.prefixLength}`), RFC3442_TABLE.map(([n, p]) => `${n}/${p}`));
});

test('RFC 3442: a width over 32, a cut route and bits past the width are errors, never throws', () => {
  assert.deepEqual(decodeClasslessRoutes(hex('21 0a 00 00 00 c0 00 02 01')), { ok: false, error: { code: 'bad-width', detail: 'mask width 33 at offset 0' } });
  const cut = decodeClasslessRoutes(hex('18 0a 1b 81 c0 00 02'));
  assert.equal(!cut.ok && cut.error.code, 'truncated');
  const hostBits = decodeClasslessRoutes(hex('08 0a c0 00 02 01 0f 0a 01 c0 00 02 01'));
  assert.equal(!hostBits.ok && hostBits.error.code, 'host-bits-set', '10.1.0.0/15 has a bit past the width');
  assert.deepEqual(decodeClasslessRoutes(Buffer.alloc(0)), { ok: true, routes: [] });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void decodeClasslessRoutes(b)), { numRuns: 2000, seed: 3442 });
});

test('mask to prefix length: contiguous masks only', () => {
  assert.equal(prefixLengthOf('0.0.0.0'), 0);
  assert.equal(prefixLengthOf('255.0.0.0'), 8);
  assert.equal(prefixLengthOf('255.255.255.128'), 25);
  assert.equal(prefixLengthOf('255.255.255.255'), 32);
  assert.equal(prefixLengthOf('255.0.255.0'), undefined);
});

function message(options: [number, Buffer][]): DhcpMessage {
  return {
    op: 2, htype: 1, hlen: 6, hops: 0, xid: 0x12345678, secs: 0, flags: 0x8000,
    ciaddr: '10.0.0.5', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: '0.0.0.0',
    chaddr: hex('0011223344550000 0000000000000000'), options: new Map(options),
  };
}

test('RFC 2131 layout: header fields at their offsets, cookie at 236, options, end, padded to 300 octets', () => {
  const b = encodeDhcp(message([[DhcpOption.MESSAGE_TYPE, Buffer.from([DhcpMessageType.ACK])]]));
  assert.equal(b.length, 300);
  assert.deepEqual(b.subarray(0, 16), hex('02 01 06 00 12345678 0000 8000 0a000005'));
  assert.deepEqual(b.subarray(28, 34), hex('001122334455'));
  assert.deepEqual(b.subarray(236, 244), hex('63825363 35 01 05 ff'));
  assert.ok(b.subarray(244).every((x) => x === 0));
  const d = decodeDhcp(b);
  assert.ok(d.ok);
  assert.equal(messageTypeOf(d.message), DhcpMessageType.ACK);
  assert.equal(d.message.ciaddr, '10.0.0.5');
  assert.equal(d.message.flags, 0x8000);
});

test('RFC 3396: an option over 255 octets is split into consecutive instances and joined again', () => {
  const long = Buffer.from(Array.from({ length: 600 }, (_, i) => i & 0xff));
  const b = encodeDhcp(message([[DhcpOption.MESSAGE_TYPE, Buffer.from([5])], [121, long], [DhcpOption.DOMAIN_NAME, Buffer.from('example.com')]]));
  // 53 (3 octets), then 121 as 255 + 255 + 90, then 15
  let o = 243;
  for (const len of [255, 255, 90]) {
    assert.equal(b[o], 121);
    assert.equal(b[o + 1], len);
    o += 2 + len;
  }
  assert.equal(b[o], DhcpOption.DOMAIN_NAME);
  const d = decodeDhcp(b);
  assert.ok(d.ok);
  assert.deepEqual(d.message.options.get(121), long);
  assert.equal(d.message.options.get(DhcpOption.DOMAIN_NAME)?.toString(), 'example.com');
  // RFC 3396 section 5: instances need not be adjacent; they join in order
  const scattered = Buffer.concat([b.subarray(0, 240), hex('79 02 0102 35 01 05 79 01 03 ff')]);
  const s = decodeDhcp(scattered);
  assert.ok(s.ok);
  assert.deepEqual(s.message.options.get(121), hex('010203'));
});

test('decode: every truncation and random bytes give a typed error or a message, never a throw', () => {
  const good = encodeDhcp(message([[DhcpOption.MESSAGE_TYPE, Buffer.from([8])], [DhcpOption.HOST_NAME, Buffer.from('pc')]]));
  const trimmed = good.subarray(0, 240 + 3 + 4 + 1);
  for (let cut = 0; cut < trimmed.length; cut++) {
    const r = decodeDhcp(trimmed.subarray(0, cut));
    assert.equal(r.ok, false, `cut at ${cut}`);
    if (!r.ok) assert.ok(['short', 'option-overrun', 'no-end'].includes(r.error.code), `${cut}: ${r.error.code}`);
  }
  assert.ok(decodeDhcp(trimmed).ok);
  const badCookie = Buffer.from(trimmed);
  badCookie[236] = 0;
  assert.equal((decodeDhcp(badCookie) as { error: { code: string } }).error.code, 'bad-cookie');
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), fc.boolean(), (tail, withHead) => {
      const b = withHead ? Buffer.concat([good.subarray(0, 240), tail]) : Buffer.from(tail);
      void decodeDhcp(b);
    }),
    { numRuns: 3000, seed: 2131 },
  );
});

const packets = windows10ClientPackets();
const skip = packets ? false : 'shared/reference/captures not beside the repository';

test('capture: Windows 10 sends a DHCPINFORM right after IPCP, decrypted by our MPPE; our codec reads every field', { skip }, () => {
  const dhcp = packets!.filter((p) => {
    const u = parseUdpIpv4(p.ip);
    return u.ok && u.datagram.dstPort === 67;
  });
  assert.deepEqual(dhcp.map((p) => p.frame), [326, 533], 'the INFORM and its retransmission');
  const firstData = packets![0]!.frame;
  assert.ok(dhcp[0]!.frame - firstData < 20, 'among the first packets of the tunnel');
  for (const p of dhcp) {
    const u = parseUdpIpv4(p.ip);
    assert.ok(u.ok, 'UDP checksum verifies');
    if (!u.ok) return;
    assert.equal(u.datagram.src, '192.168.43.111');
    assert.equal(u.datagram.dst, '255.255.255.255');
    assert.equal(u.datagram.srcPort, 68);
    assert.equal(u.datagram.payload.length, 300);
    const d = decodeDhcp(u.datagram.payload);
    assert.ok(d.ok, d.ok ? '' : d.error.detail);
    const m = d.message;
    assert.equal(messageTypeOf(m), DhcpMessageType.INFORM);
    assert.equal(m.op, 1);
    assert.equal(m.htype, 8);
    assert.equal(m.hlen, 0);
    assert.equal(m.xid, 0xca429780);
    assert.equal(m.ciaddr, '192.168.43.111', 'ciaddr is the address IPCP gave');
    assert.deepEqual([...m.options.get(DhcpOption.PARAMETER_REQUEST_LIST)!], [6, 44, 43, 1, 249, 15], 'asks for 249, not 121');
    assert.equal(m.options.get(DhcpOption.VENDOR_CLASS)?.toString(), 'MSFT 5.0');
    assert.equal(m.options.get(DhcpOption.HOST_NAME)?.toString(), 'WIN-2RRBUS7N9GE');
    assert.equal(m.options.get(DhcpOption.CLIENT_IDENTIFIER)?.length, 17);
  }
  const secs = dhcp.map((p) => {
    const u = parseUdpIpv4(p.ip);
    const d = u.ok ? decodeDhcp(u.datagram.payload) : undefined;
    return d?.ok ? d.message.secs : -1;
  });
  // Windows writes secs least significant octet first: 06 00 is its 6 seconds, 0a 00 its 10
  assert.deepEqual(secs, [0x0600, 0x0a00], 'secs counts up in the retransmission');
});

test('capture: our client\'s INFORM is the one Windows sent, byte for byte but the IP id and checksum', { skip }, () => {
  const win = packets!.find((p) => p.frame === 326)!.ip;
  const u = parseUdpIpv4(win);
  assert.ok(u.ok);
  const m = (decodeDhcp(u.datagram.payload) as { message: DhcpMessage }).message;
  const ours = buildInform({
    clientAddress: m.ciaddr,
    xid: m.xid,
    secs: m.secs,
    clientId: m.options.get(DhcpOption.CLIENT_IDENTIFIER)!.subarray(1),
    hostName: m.options.get(DhcpOption.HOST_NAME)!.toString(),
  });
  assert.equal(ours.length, win.length);
  assert.deepEqual(ours.subarray(20), win.subarray(20), 'UDP header and DHCP message identical');
  assert.deepEqual(ours.subarray(8, 10), win.subarray(8, 10), 'TTL 128, protocol UDP');
});
