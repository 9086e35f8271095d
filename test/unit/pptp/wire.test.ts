import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeControlMessage,
  encodeControlMessage,
  encodeControlMessageInto,
  ControlMessageType,
  CONTROL_MESSAGE_NAMES,
  MESSAGE_LENGTHS,
  MAX_CONTROL_MESSAGE_LENGTH,
  CISCO_MESSAGE_NAMES,
  CdnResult,
  type ControlMessage,
  type ControlMessageName,
} from '../../../src/proto/pptp/wire.js';
import { fromHex } from '../../../src/util/hex.js';
import { CAPTURE_CONTROL, SEED_CONTROL } from '../../fixtures/pptp/control.js';

const subaddressGuid = fromHex('96157121fdb78f47b5d0be36d2e97e50');

function pad(bytes: Buffer, n: number): Buffer {
  const b = Buffer.alloc(n);
  bytes.copy(b);
  return b;
}

/** Expected decoded values of the capture fixtures (read by hand from the bytes). */
const CAPTURE_VALUES: Record<string, ControlMessage> = {
  win10SCCRQ: {
    type: 'SCCRQ',
    protocolVersion: 0x100,
    framingCapabilities: 1,
    bearerCapabilities: 1,
    maximumChannels: 0,
    firmwareRevision: 0,
    hostName: '',
    vendorString: 'Microsoft',
  },
  rrasSCCRP: {
    type: 'SCCRP',
    protocolVersion: 0x100,
    resultCode: 1,
    errorCode: 0,
    framingCapabilities: 2,
    bearerCapabilities: 3,
    maximumChannels: 0,
    firmwareRevision: 0,
    hostName: '',
    vendorString: 'Microsoft',
  },
  win10OCRQ: {
    type: 'OCRQ',
    callId: 0x9d49,
    callSerialNumber: 0x13,
    minimumBps: 300,
    maximumBps: 100000000,
    bearerType: 3,
    framingType: 3,
    packetRecvWindowSize: 64,
    packetProcessingDelay: 0,
    phoneNumberLength: 0,
    phoneNumber: '',
    subaddress: pad(subaddressGuid, 64),
  },
  rrasOCRP: {
    type: 'OCRP',
    callId: 0x736a,
    peerCallId: 0x9d49,
    resultCode: 1,
    errorCode: 0,
    causeCode: 0,
    // RRAS writes connect speed and window in little-endian; kept as on the wire.
    connectSpeed: 0x00ca9a3b,
    packetRecvWindowSize: 0x4000,
    packetProcessingDelay: 0,
    physicalChannelId: 0,
  },
  win10SLI: { type: 'SLI', peerCallId: 0x736a, sendAccm: 0xffffffff, receiveAccm: 0xffffffff },
  rrasSLI: { type: 'SLI', peerCallId: 0x9d49, sendAccm: 0xffffffff, receiveAccm: 0xffffffff },
  win10CCRQ: { type: 'CCRQ', callId: 0xfcb0 },
  rrasCDN: { type: 'CDN', callId: 0x3b37, resultCode: 0, errorCode: 0, causeCode: 0, callStatistics: '' },
  win10StopCCRQ: { type: 'StopCCRQ', reason: 1 },
  rrasStopCCRP: { type: 'StopCCRP', resultCode: 1, errorCode: 0 },
};

/** Hand-built golden messages for types the fixtures lack (RFC 2637 layouts). */
const HAND_GOLDEN: { hex: string; msg: ControlMessage }[] = [
  { hex: '001000011a2b3c4d0005000001020304', msg: { type: 'ECHORQ', identifier: 0x01020304 } },
  {
    hex: '001400011a2b3c4d00060000010203040100' + '0000',
    msg: { type: 'ECHORP', identifier: 0x01020304, resultCode: 1, errorCode: 0 },
  },
  {
    hex: '001800011a2b3c4d000a0000000700090300001000000000',
    msg: {
      type: 'ICRP',
      callId: 7,
      peerCallId: 9,
      resultCode: 3,
      errorCode: 0,
      packetRecvWindowSize: 16,
      packetTransmitDelay: 0,
    },
  },
  {
    hex: '001c00011a2b3c4d000b0000000700000000fa000040000100000001',
    msg: {
      type: 'ICCN',
      peerCallId: 7,
      connectSpeed: 64000,
      packetRecvWindowSize: 64,
      packetTransmitDelay: 1,
      framingType: 1,
    },
  },
  {
    hex: '002800011a2b3c4d000e00000009000000000001000000020000000300000004000000050000' + '0006',
    msg: {
      type: 'WEN',
      peerCallId: 9,
      crcErrors: 1,
      framingErrors: 2,
      hardwareOverruns: 3,
      bufferOverruns: 4,
      timeoutErrors: 5,
      alignmentErrors: 6,
    },
  },
  { hex: '001000011a2b3c4d0003000003000000', msg: { type: 'StopCCRQ', reason: 3 } },
  {
    hex: '009400011a2b3c4d000d0000002a0400000000' + '00'.repeat(129),
    msg: { type: 'CDN', callId: 42, resultCode: CdnResult.Request, errorCode: 0, causeCode: 0, callStatistics: '' },
  },
];

test('capture fixtures: decode every field, parse equals value, emit equals bytes', () => {
  for (const [name, fx] of Object.entries(CAPTURE_CONTROL)) {
    const bytes = fromHex(fx.hex);
    const r = decodeControlMessage(bytes);
    assert.ok(r.ok, `${name}: ${!r.ok && r.error.detail}`);
    assert.deepEqual(r.msg, CAPTURE_VALUES[name], name);
    assert.deepEqual(encodeControlMessage(r.msg), bytes, `${name} re-encodes byte-exact`);
  }
});

test('hand-built goldens: decode and encode byte-exact', () => {
  for (const { hex, msg } of HAND_GOLDEN) {
    const bytes = fromHex(hex);
    assert.equal(bytes.length, MESSAGE_LENGTHS[msg.type], `${msg.type} golden length`);
    const r = decodeControlMessage(bytes);
    assert.ok(r.ok, msg.type);
    assert.deepEqual(r.msg, msg);
    assert.deepEqual(encodeControlMessage(msg), bytes, msg.type);
  }
});

test('encode into a 0xa5-filled buffer writes every octet (reserved fields zeroed)', () => {
  const all = [...Object.values(CAPTURE_VALUES), ...HAND_GOLDEN.map((g) => g.msg)];
  for (const msg of all) {
    const buf = Buffer.alloc(300, 0xa5);
    const n = encodeControlMessageInto(msg, buf);
    assert.equal(n, MESSAGE_LENGTHS[msg.type]);
    assert.deepEqual(buf.subarray(0, n), encodeControlMessage(msg), msg.type);
    assert.equal(buf[n], 0xa5, 'nothing written past the message');
  }
});

test('seed 003 dumps are prefixes of what we encode for the same values', () => {
  const sccrq: ControlMessage = {
    type: 'SCCRQ',
    protocolVersion: 0x100,
    framingCapabilities: 1,
    bearerCapabilities: 1,
    maximumChannels: 0,
    firmwareRevision: 0,
    hostName: 'local',
    vendorString: '9x',
  };
  const sccrp: ControlMessage = {
    type: 'SCCRP',
    protocolVersion: 0x100,
    resultCode: 1,
    errorCode: 0,
    framingCapabilities: 3,
    bearerCapabilities: 3,
    maximumChannels: 0,
    firmwareRevision: 0,
    hostName: 'pix',
    vendorString: 'Cisco Systems, Inc.',
  };
  const ocrq42: ControlMessage = {
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
    subaddress: Buffer.alloc(0),
  };
  const ocrp = (callId: number, peerCallId: number): ControlMessage => ({
    type: 'OCRP',
    callId,
    peerCallId,
    resultCode: 1,
    errorCode: 0,
    causeCode: 0,
    // The PIX (x86) writes 64000 in host order: octets 00 fa 00 00.
    connectSpeed: 0x00fa0000,
    packetRecvWindowSize: 64,
    packetProcessingDelay: 0,
    physicalChannelId: 0,
  });
  const ocrq9: ControlMessage = { ...(ocrq42 as Extract<ControlMessage, { type: 'OCRQ' }>), callId: 0x4000, callSerialNumber: 58613, minimumBps: 300, maximumBps: 100000000, packetRecvWindowSize: 64 };
  const cases: [string, ControlMessage][] = [
    ['sccrqTnl42', sccrq],
    ['sccrpTnl42', sccrp],
    ['ocrqTnl42', ocrq42],
    ['ocrpTnl42', ocrp(42, 0)],
    ['ocrqTnl9', ocrq9],
    ['ocrpTnl9', ocrp(9, 0x4000)],
    ['sliTnl9', { type: 'SLI', peerCallId: 9, sendAccm: 0xffffffff, receiveAccm: 0xffffffff }],
    ['sliTnl9b', { type: 'SLI', peerCallId: 9, sendAccm: 0, receiveAccm: 0 }],
  ];
  for (const [name, msg] of cases) {
    const fx = SEED_CONTROL[name];
    assert.equal(fx.complete, false);
    const enc = encodeControlMessage(msg).toString('hex');
    assert.ok(enc.startsWith(fx.hex), `${name}: ${enc.slice(0, fx.hex.length)} vs ${fx.hex}`);
  }
});

test('subaddress keeps 64 raw octets, strings stop at the first NUL', () => {
  const r = decodeControlMessage(fromHex(CAPTURE_CONTROL.win10OCRQ.hex));
  assert.ok(r.ok && r.msg.type === 'OCRQ');
  assert.equal(r.msg.subaddress.length, 64);
  assert.deepEqual(r.msg.subaddress.subarray(0, 16), subaddressGuid);
  const full = 'x'.repeat(70);
  const enc = encodeControlMessage({ ...(CAPTURE_VALUES.win10SCCRQ as Extract<ControlMessage, { type: 'SCCRQ' }>), hostName: full });
  const back = decodeControlMessage(enc);
  assert.ok(back.ok && back.msg.type === 'SCCRQ');
  assert.equal(back.msg.hostName, 'x'.repeat(64), 'truncated to the 64-octet field');
  assert.equal(back.msg.vendorString, 'Microsoft', 'the next field is intact');
});

test('decoder rejects with a reason, never throws', () => {
  const good = fromHex(CAPTURE_CONTROL.win10StopCCRQ.hex);
  const bad = (mut: (b: Buffer) => Buffer) => {
    const r = decodeControlMessage(mut(Buffer.from(good)));
    assert.equal(r.ok, false);
    return r.ok ? '' : r.error.code;
  };
  assert.equal(bad((b) => b.subarray(0, 11)), 'truncated');
  assert.equal(bad((b) => b.subarray(0, 15)), 'length-mismatch');
  assert.equal(bad((b) => (b.writeUInt16BE(2, 2), b)), 'not-control');
  assert.equal(bad((b) => (b.writeUInt32BE(0x1a2b3c4e, 4), b)), 'bad-magic');
  assert.equal(bad((b) => (b.writeUInt16BE(16, 8), b)), 'unknown-type');
  assert.equal(bad((b) => (b.writeUInt16BE(0, 8), b)), 'unknown-type');
  assert.equal(bad((b) => (b.writeUInt16BE(ControlMessageType.SLI, 8), b)), 'bad-length');
});

test('names: every type has a short, RFC and Cisco name and a length within the max', () => {
  for (let t = 1; t <= 15; t++) {
    const name = CONTROL_MESSAGE_NAMES[t] as ControlMessageName;
    assert.equal(ControlMessageType[name], t);
    assert.ok(MESSAGE_LENGTHS[name] <= MAX_CONTROL_MESSAGE_LENGTH);
    assert.ok(CISCO_MESSAGE_NAMES[name]);
  }
  assert.equal(CISCO_MESSAGE_NAMES.CCRQ, 'ClearRQ');
  assert.equal(ControlMessageType.OutgoingCallRequest, ControlMessageType.OCRQ);
});

test('fuzz: arbitrary bytes never throw; valid headers with random bodies round-trip', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 260 }), (bytes) => {
      decodeControlMessage(Buffer.from(bytes));
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 15 }), fc.uint8Array({ minLength: 220, maxLength: 220 }), (t, body) => {
      const name = CONTROL_MESSAGE_NAMES[t] as ControlMessageName;
      const len = MESSAGE_LENGTHS[name];
      const b = Buffer.from(body.subarray(0, len));
      b.writeUInt16BE(len, 0);
      b.writeUInt16BE(1, 2);
      b.writeUInt32BE(0x1a2b3c4d, 4);
      b.writeUInt16BE(t, 8);
      const r = decodeControlMessage(b);
      assert.ok(r.ok);
      // Re-encoding then decoding gives the same value (reserved octets and
      // string bytes after a NUL are not kept, so compare values, not bytes).
      const again = decodeControlMessage(encodeControlMessage(r.msg));
      assert.ok(again.ok);
      assert.deepEqual(again.msg, r.msg);
    }),
    { numRuns: 2000 },
  );
});
