import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../src/util/hex.js';
import { cpPacketLines, ioRcvdLines, ioXmitLine, pixHex, phaseLine, stateLine } from '../../../src/debug/cisco-ppp.js';

test('debug ppp io lines as in seed 003', () => {
  assert.deepEqual(ioRcvdLines(1, fromHex('ff03c021010100170206000a00000506001137210702' + '08020d0306')), [
    'PPP rcvd, ifc = 0, pppdev: 1, Len: 27,',
    '  data: ff03c021010100170206000a00000506001137210702...',
  ]);
  assert.equal(ioXmitLine(fromHex('ff03c22303010004')), 'PPP xmit, ifc = 0, Len: 8 data: ff03c22303010004');
  // the seed prints 22- and 23-octet frames whole, longer ones cut after 22
  assert.equal(pixHex(fromHex('ff03c021020100130305c22380050609894ab407020802')), 'ff03c021020100130305c22380050609894ab407020802');
  assert.equal(pixHex(fromHex('ff03c0210c020012447e217e4d5352415356352e3030')), 'ff03c0210c020012447e217e4d5352415356352e3030');
  assert.equal(pixHex(Buffer.alloc(24, 0xab)), 'ab'.repeat(22) + '...');
});

test('IOS negotiation lines as in seed 000', () => {
  assert.deepEqual(cpPacketLines('Vi1', 0xc021, 'I', 8, 3, fromHex('80fd0157000a120601000020'), 'opened'), [
    'Vi1 LCP: I PROTREJ [Open] id 3 len 16 protocol CCP (0x80FD0157000A120601000020)',
  ]);
  assert.deepEqual(cpPacketLines('Vi1', 0xc021, 'O', 8, 5, fromHex('80fd0102000a1206010000b0'), 'opened'), [
    'Vi1 LCP: O PROTREJ [Open] id 5 len 16 protocol CCP (0x80FD0102000A1206010000B0)',
  ]);
  assert.deepEqual(cpPacketLines('Vi1', 0xc021, 'O', 1, 1, fromHex('0305c22380050609894ab407020802'), 'closed'), [
    'Vi1 LCP: O CONFREQ [Closed] id 1 len 19',
    'Vi1 LCP:    AuthProto MS-CHAP (0x0305C22380)',
    'Vi1 LCP:    MagicNumber 0x09894AB4 (0x050609894AB4)',
    'Vi1 LCP:    PFC (0x0702)',
    'Vi1 LCP:    ACFC (0x0802)',
  ]);
  assert.deepEqual(cpPacketLines('Vi1', 0x8021, 'I', 1, 1, fromHex('0206002d0f01030600000000810600000000'), 'reqSent'), [
    'Vi1 IPCP: I CONFREQ [REQsent] id 1 len 22',
    'Vi1 IPCP:    CompressType VJ 15 slots CompressSlotID (0x0206002D0F01)',
    'Vi1 IPCP:    Address 0.0.0.0 (0x030600000000)',
    'Vi1 IPCP:    PrimaryDNS 0.0.0.0 (0x810600000000)',
  ]);
  assert.deepEqual(cpPacketLines('Vi1', 0x80fd, 'O', 3, 4, fromHex('120601000020'), 'ackSent'), [
    'Vi1 CCP: O CONFNAK [ACKsent] id 4 len 10',
    'Vi1 CCP:    MS-PPC supported bits 0x01000020 (0x120601000020)',
  ]);
  assert.equal(stateLine('Vi1', 0xc021, 'opened'), 'Vi1 LCP: State is Open');
  assert.equal(phaseLine('Vi1', 'authenticate'), 'Vi1 PPP: Phase is AUTHENTICATING');
});

test('malformed options print without throwing', () => {
  assert.deepEqual(cpPacketLines('Vi1', 0xc021, 'I', 1, 1, fromHex('0306c2'), 'reqSent'), [
    'Vi1 LCP: I CONFREQ [REQsent] id 1 len 7',
    'Vi1 LCP:    Malformed options (0x0306C2)',
  ]);
});
