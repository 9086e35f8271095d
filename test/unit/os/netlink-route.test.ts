import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRouteAnswer, encodeRouteRequest } from '../../../src/proto/os/netlink-route.js';

test('RTM_NEWROUTE for `ip route replace 10.64.0.5/32 dev #7 src 10.1.1.1`, byte by byte', () => {
  const m = encodeRouteRequest({ op: 'replace', dst: '10.64.0.5', ifindex: 7, src: '10.1.1.1', seq: 0x01020304 });
  assert.equal(
    m.toString('hex'),
    [
      '34000000', '1800', '0505', '04030201', '00000000', // nlmsghdr: 52 octets, RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE, seq, port 0
      '02', '20', '00', '00', 'fe', '03', 'fd', '01', '00000000', // rtmsg: AF_INET, /32, main table, boot, scope link, unicast
      '0800', '0100', '0a400005', // RTA_DST
      '0800', '0400', '07000000', // RTA_OIF
      '0800', '0700', '0a010101', // RTA_PREFSRC
    ].join(''),
  );
});

test('RTM_DELROUTE leaves protocol, scope (nowhere) and type open, as ip route del does', () => {
  const m = encodeRouteRequest({ op: 'delete', dst: '10.64.0.5', ifindex: 7, seq: 9 });
  assert.equal(m.length, 44);
  assert.equal(m.readUInt16LE(4), 25);
  assert.equal(m.readUInt16LE(6), 0x5);
  assert.deepEqual([...m.subarray(16, 24)], [2, 32, 0, 0, 254, 0, 255, 0]);
});

test("the kernel's answer: 0 or the errno of the request with that sequence number", () => {
  const answer = (seq: number, error: number) => {
    const b = Buffer.alloc(36);
    b.writeUInt32LE(36, 0);
    b.writeUInt16LE(2, 4); // NLMSG_ERROR
    b.writeUInt32LE(seq, 8);
    b.writeInt32LE(error, 16);
    return b;
  };
  assert.equal(decodeRouteAnswer(answer(5, 0), 5), 0);
  assert.equal(decodeRouteAnswer(answer(5, -19), 5), 19);
  assert.equal(decodeRouteAnswer(answer(4, 0), 5), undefined, 'an earlier request');
  assert.equal(decodeRouteAnswer(Buffer.from([1, 2, 3]), 5), undefined, 'too short');
});
