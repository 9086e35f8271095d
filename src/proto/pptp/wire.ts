/**
 * PPTP control messages, RFC 2637 section 2: constants, field tables,
 * decode (never throws) and encode.
 *
 * Every control message starts with the same 12-octet header:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |       PPTP Message Type       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Magic Cookie (0x1A2B3C4D)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Control Message Type      |           Reserved0           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The body of each message type has a fixed length; the per-message field
 * tables below give each field's octet offset from the start of the message.
 * Reserved fields are written as zero and ignored on input.
 *
 * Why ~930 lines: one field table, decoder and encoder per message type
 * (fifteen of them), each short; they share the header and the checks.
 */

export const PPTP_TCP_PORT = 1723;
export const PPTP_MAGIC_COOKIE = 0x1a2b3c4d;
export const PPTP_HEADER_LENGTH = 12;
/** Protocol version 1, revision 0. */
export const PPTP_PROTOCOL_VERSION = 0x0100;

/** PPTP Message Type (header octets 2-3). Only control messages are used. */
export const PptpMessageType = { Control: 1, Management: 2 } as const;

/** Header field offsets, shared by every control message. */
export const HEADER_FIELDS = {
  length: 0,
  pptpMessageType: 2,
  magicCookie: 4,
  controlMessageType: 8,
  reserved0: 10,
} as const;

/** Control Message Type values, under the RFC long name and the short name. */
export const ControlMessageType = {
  StartControlConnectionRequest: 1,
  SCCRQ: 1,
  StartControlConnectionReply: 2,
  SCCRP: 2,
  StopControlConnectionRequest: 3,
  StopCCRQ: 3,
  StopControlConnectionReply: 4,
  StopCCRP: 4,
  EchoRequest: 5,
  ECHORQ: 5,
  EchoReply: 6,
  ECHORP: 6,
  OutgoingCallRequest: 7,
  OCRQ: 7,
  OutgoingCallReply: 8,
  OCRP: 8,
  IncomingCallRequest: 9,
  ICRQ: 9,
  IncomingCallReply: 10,
  ICRP: 10,
  IncomingCallConnected: 11,
  ICCN: 11,
  CallClearRequest: 12,
  CCRQ: 12,
  CallDisconnectNotify: 13,
  CDN: 13,
  WanErrorNotify: 14,
  WEN: 14,
  SetLinkInfo: 15,
  SLI: 15,
} as const;

/** Short names, the discriminant of ControlMessage. */
export type ControlMessageName =
  | 'SCCRQ'
  | 'SCCRP'
  | 'StopCCRQ'
  | 'StopCCRP'
  | 'ECHORQ'
  | 'ECHORP'
  | 'OCRQ'
  | 'OCRP'
  | 'ICRQ'
  | 'ICRP'
  | 'ICCN'
  | 'CCRQ'
  | 'CDN'
  | 'WEN'
  | 'SLI';

/** Short name by control message type number (index 0 unused). */
export const CONTROL_MESSAGE_NAMES: readonly (ControlMessageName | undefined)[] = [
  undefined,
  'SCCRQ',
  'SCCRP',
  'StopCCRQ',
  'StopCCRP',
  'ECHORQ',
  'ECHORP',
  'OCRQ',
  'OCRP',
  'ICRQ',
  'ICRP',
  'ICCN',
  'CCRQ',
  'CDN',
  'WEN',
  'SLI',
];

/** RFC 2637 long names, for logs and docs. */
export const RFC_MESSAGE_NAMES: Record<ControlMessageName, string> = {
  SCCRQ: 'Start-Control-Connection-Request',
  SCCRP: 'Start-Control-Connection-Reply',
  StopCCRQ: 'Stop-Control-Connection-Request',
  StopCCRP: 'Stop-Control-Connection-Reply',
  ECHORQ: 'Echo-Request',
  ECHORP: 'Echo-Reply',
  OCRQ: 'Outgoing-Call-Request',
  OCRP: 'Outgoing-Call-Reply',
  ICRQ: 'Incoming-Call-Request',
  ICRP: 'Incoming-Call-Reply',
  ICCN: 'Incoming-Call-Connected',
  CCRQ: 'Call-Clear-Request',
  CDN: 'Call-Disconnect-Notify',
  WEN: 'WAN-Error-Notify',
  SLI: 'Set-Link-Info',
};

/** The names `debug vpdn` prints after `CC I` / `CC O` (seed 003; CCRQ is "ClearRQ"). */
export const CISCO_MESSAGE_NAMES: Record<ControlMessageName, string> = {
  SCCRQ: 'SCCRQ',
  SCCRP: 'SCCRP',
  StopCCRQ: 'StopCCRQ',
  StopCCRP: 'StopCCRP',
  ECHORQ: 'ECHORQ',
  ECHORP: 'ECHORP',
  OCRQ: 'OCRQ',
  OCRP: 'OCRP',
  ICRQ: 'ICRQ',
  ICRP: 'ICRP',
  ICCN: 'ICCN',
  CCRQ: 'ClearRQ',
  CDN: 'CDN',
  WEN: 'WEN',
  SLI: 'SLI',
};

/** Exact total length (header included) of each message type. */
export const MESSAGE_LENGTHS: Record<ControlMessageName, number> = {
  SCCRQ: 156,
  SCCRP: 156,
  StopCCRQ: 16,
  StopCCRP: 16,
  ECHORQ: 16,
  ECHORP: 20,
  OCRQ: 168,
  OCRP: 32,
  ICRQ: 220,
  ICRP: 24,
  ICCN: 28,
  CCRQ: 16,
  CDN: 148,
  WEN: 40,
  SLI: 24,
};

/** The largest control message (ICRQ); the framer rejects longer lengths. */
export const MAX_CONTROL_MESSAGE_LENGTH = 220;

/** Exact length for a control message type number, undefined if unknown. */
export function expectedLength(controlMessageType: number): number | undefined {
  const name = CONTROL_MESSAGE_NAMES[controlMessageType];
  return name === undefined ? undefined : MESSAGE_LENGTHS[name];
}

// ---- field tables (octet offsets from the start of the message) ----

export const HOST_NAME_LENGTH = 64;
export const VENDOR_STRING_LENGTH = 64;
export const PHONE_NUMBER_LENGTH = 64;
export const SUBADDRESS_LENGTH = 64;
export const CALL_STATISTICS_LENGTH = 128;

/** SCCRQ (1): version(16) reserved1(16) framing(32) bearer(32) maxCh(16) fw(16) host[64] vendor[64] */
export const SCCRQ_FIELDS = {
  protocolVersion: 12,
  reserved1: 14,
  framingCapabilities: 16,
  bearerCapabilities: 20,
  maximumChannels: 24,
  firmwareRevision: 26,
  hostName: 28,
  vendorString: 92,
} as const;

/** SCCRP (2): version(16) result(8) error(8) framing(32) bearer(32) maxCh(16) fw(16) host[64] vendor[64] */
export const SCCRP_FIELDS = {
  protocolVersion: 12,
  resultCode: 14,
  errorCode: 15,
  framingCapabilities: 16,
  bearerCapabilities: 20,
  maximumChannels: 24,
  firmwareRevision: 26,
  hostName: 28,
  vendorString: 92,
} as const;

/** StopCCRQ (3): reason(8) reserved1(8) reserved2(16) */
export const STOPCCRQ_FIELDS = { reason: 12, reserved1: 13, reserved2: 14 } as const;

/** StopCCRP (4): result(8) error(8) reserved1(16) */
export const STOPCCRP_FIELDS = { resultCode: 12, errorCode: 13, reserved1: 14 } as const;

/** Echo-Request (5): identifier(32) */
export const ECHORQ_FIELDS = { identifier: 12 } as const;

/** Echo-Reply (6): identifier(32) result(8) error(8) reserved1(16) */
export const ECHORP_FIELDS = { identifier: 12, resultCode: 16, errorCode: 17, reserved1: 18 } as const;

/** OCRQ (7): callId(16) serial(16) minBps(32) maxBps(32) bearerType(32) framingType(32)
 *  rws(16) ppd(16) phoneLen(16) reserved1(16) phone[64] subaddress[64] */
export const OCRQ_FIELDS = {
  callId: 12,
  callSerialNumber: 14,
  minimumBps: 16,
  maximumBps: 20,
  bearerType: 24,
  framingType: 28,
  packetRecvWindowSize: 32,
  packetProcessingDelay: 34,
  phoneNumberLength: 36,
  reserved1: 38,
  phoneNumber: 40,
  subaddress: 104,
} as const;

/** OCRP (8): callId(16) peerCallId(16) result(8) error(8) cause(16) connectSpeed(32)
 *  rws(16) ppd(16) physicalChannelId(32) */
export const OCRP_FIELDS = {
  callId: 12,
  peerCallId: 14,
  resultCode: 16,
  errorCode: 17,
  causeCode: 18,
  connectSpeed: 20,
  packetRecvWindowSize: 24,
  packetProcessingDelay: 26,
  physicalChannelId: 28,
} as const;

/** ICRQ (9): callId(16) serial(16) bearerType(32) physicalChannelId(32) dialedLen(16)
 *  dialingLen(16) dialed[64] dialing[64] subaddress[64] */
export const ICRQ_FIELDS = {
  callId: 12,
  callSerialNumber: 14,
  callBearerType: 16,
  physicalChannelId: 20,
  dialedNumberLength: 24,
  dialingNumberLength: 26,
  dialedNumber: 28,
  dialingNumber: 92,
  subaddress: 156,
} as const;

/** ICRP (10): callId(16) peerCallId(16) result(8) error(8) rws(16) transmitDelay(16) reserved1(16) */
export const ICRP_FIELDS = {
  callId: 12,
  peerCallId: 14,
  resultCode: 16,
  errorCode: 17,
  packetRecvWindowSize: 18,
  packetTransmitDelay: 20,
  reserved1: 22,
} as const;

/** ICCN (11): peerCallId(16) reserved1(16) connectSpeed(32) rws(16) transmitDelay(16) framingType(32) */
export const ICCN_FIELDS = {
  peerCallId: 12,
  reserved1: 14,
  connectSpeed: 16,
  packetRecvWindowSize: 20,
  packetTransmitDelay: 22,
  framingType: 24,
} as const;

/** CCRQ (12): callId(16) reserved1(16) */
export const CCRQ_FIELDS = { callId: 12, reserved1: 14 } as const;

/** CDN (13): callId(16) result(8) error(8) cause(16) reserved1(16) callStatistics[128] */
export const CDN_FIELDS = {
  callId: 12,
  resultCode: 14,
  errorCode: 15,
  causeCode: 16,
  reserved1: 18,
  callStatistics: 20,
} as const;

/** WEN (14): peerCallId(16) reserved1(16) then six 32-bit error counters */
export const WEN_FIELDS = {
  peerCallId: 12,
  reserved1: 14,
  crcErrors: 16,
  framingErrors: 20,
  hardwareOverruns: 24,
  bufferOverruns: 28,
  timeoutErrors: 32,
  alignmentErrors: 36,
} as const;

/** SLI (15): peerCallId(16) reserved1(16) sendAccm(32) receiveAccm(32) */
export const SLI_FIELDS = { peerCallId: 12, reserved1: 14, sendAccm: 16, receiveAccm: 20 } as const;

// ---- result, error, reason codes ----

/** General error codes (the Error Code field of replies), RFC 2637 section 2.16. */
export const GeneralErrorCode = {
  None: 0,
  NotConnected: 1,
  BadFormat: 2,
  BadValue: 3,
  NoResource: 4,
  BadCallId: 5,
  PacError: 6,
} as const;

/** SCCRP Result Code. */
export const SccrpResult = {
  Success: 1,
  GeneralError: 2,
  ChannelExists: 3,
  NotAuthorized: 4,
  UnsupportedVersion: 5,
} as const;

/** StopCCRQ Reason. */
export const StopReason = {
  None: 1,
  StopProtocol: 2,
  LocalShutdown: 3,
} as const;

/** StopCCRP Result Code. */
export const StopccrpResult = { Ok: 1, GeneralError: 2 } as const;

/** Echo-Reply Result Code. */
export const EchoResult = { Ok: 1, GeneralError: 2 } as const;

/** OCRP Result Code. */
export const OcrpResult = {
  Connected: 1,
  GeneralError: 2,
  NoCarrier: 3,
  Busy: 4,
  NoDialTone: 5,
  TimeOut: 6,
  DoNotAccept: 7,
} as const;

/** ICRP Result Code. */
export const IcrpResult = { Connect: 1, GeneralError: 2, DoNotAccept: 3 } as const;

/** CDN Result Code. */
export const CdnResult = {
  LostCarrier: 1,
  GeneralError: 2,
  AdminShutdown: 3,
  /** Call disconnected because a Call-Clear-Request was received. */
  Request: 4,
} as const;

/** Framing Capabilities / Framing Type bits, Bearer Capabilities / Bearer Type bits. */
export const FramingCapability = { Async: 1, Sync: 2 } as const;
export const BearerCapability = { Analog: 1, Digital: 2 } as const;
/** OCRQ Bearer/Framing Type 3 = either. */
export const ANY_TYPE = 3;

// ---- messages ----

export interface StartControlConnectionRequest {
  type: 'SCCRQ';
  protocolVersion: number;
  framingCapabilities: number;
  bearerCapabilities: number;
  maximumChannels: number;
  firmwareRevision: number;
  hostName: string;
  vendorString: string;
}

export interface StartControlConnectionReply {
  type: 'SCCRP';
  protocolVersion: number;
  resultCode: number;
  errorCode: number;
  framingCapabilities: number;
  bearerCapabilities: number;
  maximumChannels: number;
  firmwareRevision: number;
  hostName: string;
  vendorString: string;
}

export interface StopControlConnectionRequest {
  type: 'StopCCRQ';
  reason: number;
}

export interface StopControlConnectionReply {
  type: 'StopCCRP';
  resultCode: number;
  errorCode: number;
}

export interface EchoRequest {
  type: 'ECHORQ';
  identifier: number;
}

export interface EchoReply {
  type: 'ECHORP';
  identifier: number;
  resultCode: number;
  errorCode: number;
}

export interface OutgoingCallRequest {
  type: 'OCRQ';
  callId: number;
  callSerialNumber: number;
  minimumBps: number;
  maximumBps: number;
  bearerType: number;
  framingType: number;
  packetRecvWindowSize: number;
  packetProcessingDelay: number;
  phoneNumberLength: number;
  phoneNumber: string;
  /** All 64 raw octets (Windows puts a 16-octet binary GUID here). */
  subaddress: Buffer;
}

export interface OutgoingCallReply {
  type: 'OCRP';
  callId: number;
  peerCallId: number;
  resultCode: number;
  errorCode: number;
  causeCode: number;
  connectSpeed: number;
  packetRecvWindowSize: number;
  packetProcessingDelay: number;
  physicalChannelId: number;
}

export interface IncomingCallRequest {
  type: 'ICRQ';
  callId: number;
  callSerialNumber: number;
  callBearerType: number;
  physicalChannelId: number;
  dialedNumberLength: number;
  dialingNumberLength: number;
  dialedNumber: string;
  dialingNumber: string;
  /** All 64 raw octets. */
  subaddress: Buffer;
}

export interface IncomingCallReply {
  type: 'ICRP';
  callId: number;
  peerCallId: number;
  resultCode: number;
  errorCode: number;
  packetRecvWindowSize: number;
  packetTransmitDelay: number;
}

export interface IncomingCallConnected {
  type: 'ICCN';
  peerCallId: number;
  connectSpeed: number;
  packetRecvWindowSize: number;
  packetTransmitDelay: number;
  framingType: number;
}

export interface CallClearRequest {
  type: 'CCRQ';
  callId: number;
}

export interface CallDisconnectNotify {
  type: 'CDN';
  callId: number;
  resultCode: number;
  errorCode: number;
  causeCode: number;
  callStatistics: string;
}

export interface WanErrorNotify {
  type: 'WEN';
  peerCallId: number;
  crcErrors: number;
  framingErrors: number;
  hardwareOverruns: number;
  bufferOverruns: number;
  timeoutErrors: number;
  alignmentErrors: number;
}

export interface SetLinkInfo {
  type: 'SLI';
  peerCallId: number;
  sendAccm: number;
  receiveAccm: number;
}

export type ControlMessage =
  | StartControlConnectionRequest
  | StartControlConnectionReply
  | StopControlConnectionRequest
  | StopControlConnectionReply
  | EchoRequest
  | EchoReply
  | OutgoingCallRequest
  | OutgoingCallReply
  | IncomingCallRequest
  | IncomingCallReply
  | IncomingCallConnected
  | CallClearRequest
  | CallDisconnectNotify
  | WanErrorNotify
  | SetLinkInfo;

/** Why a buffer is not a valid control message. `code` is the counter key. */
export type ControlWireErrorCode =
  | 'truncated' // shorter than the header
  | 'length-mismatch' // Length field differs from the buffer length
  | 'not-control' // PPTP Message Type is not 1 (2 = management is rejected too)
  | 'bad-magic'
  | 'unknown-type' // Control Message Type not in 1..15
  | 'bad-length'; // wrong length for the message type

export interface ControlWireError {
  code: ControlWireErrorCode;
  detail: string;
  /** Control Message Type when the header was readable. */
  controlMessageType?: number;
}

export type DecodeResult = { ok: true; msg: ControlMessage } | { ok: false; error: ControlWireError };

// ---- string helpers ----

/** A NUL-padded fixed field as text: octets up to the first NUL, latin1 so every octet maps. */
function readFixedString(buf: Buffer, offset: number, length: number): string {
  const end = offset + length;
  let stop = offset;
  while (stop < end && buf[stop] !== 0) stop++;
  return buf.toString('latin1', offset, stop);
}

function writeFixedString(buf: Buffer, offset: number, length: number, text: string): void {
  buf.fill(0, offset, offset + length);
  buf.write(text, offset, length, 'latin1');
}

function writeFixedBytes(buf: Buffer, offset: number, length: number, bytes: Uint8Array): void {
  buf.fill(0, offset, offset + length);
  buf.set(bytes.subarray(0, length), offset);
}

// ---- decode ----

/**
 * Decode one complete control message (exactly `Length` octets). Never
 * throws: every length is checked before any field is read.
 */
export function decodeControlMessage(buf: Buffer): DecodeResult {
  if (buf.length < PPTP_HEADER_LENGTH) {
    return fail('truncated', `${buf.length} octets, header needs ${PPTP_HEADER_LENGTH}`);
  }
  const length = buf.readUInt16BE(HEADER_FIELDS.length);
  if (length !== buf.length) {
    return fail('length-mismatch', `length field ${length}, buffer ${buf.length}`);
  }
  const pptpType = buf.readUInt16BE(HEADER_FIELDS.pptpMessageType);
  if (pptpType !== PptpMessageType.Control) {
    return fail('not-control', `PPTP message type ${pptpType}`);
  }
  const magic = buf.readUInt32BE(HEADER_FIELDS.magicCookie);
  if (magic !== PPTP_MAGIC_COOKIE) {
    return fail('bad-magic', `magic cookie 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const ctype = buf.readUInt16BE(HEADER_FIELDS.controlMessageType);
  const name = CONTROL_MESSAGE_NAMES[ctype];
  if (name === undefined) {
    return fail('unknown-type', `control message type ${ctype}`, ctype);
  }
  if (length !== MESSAGE_LENGTHS[name]) {
    return fail('bad-length', `${name} length ${length}, expected ${MESSAGE_LENGTHS[name]}`, ctype);
  }
  return { ok: true, msg: decodeBody(name, buf) };
}

function fail(code: ControlWireErrorCode, detail: string, controlMessageType?: number): DecodeResult {
  return { ok: false, error: { code, detail, controlMessageType } };
}

/** Body decoders; the caller has checked the exact length. */
function decodeBody(name: ControlMessageName, b: Buffer): ControlMessage {
  switch (name) {
    case 'SCCRQ': {
      const f = SCCRQ_FIELDS;
      return {
        type: 'SCCRQ',
        protocolVersion: b.readUInt16BE(f.protocolVersion),
        framingCapabilities: b.readUInt32BE(f.framingCapabilities),
        bearerCapabilities: b.readUInt32BE(f.bearerCapabilities),
        maximumChannels: b.readUInt16BE(f.maximumChannels),
        firmwareRevision: b.readUInt16BE(f.firmwareRevision),
        hostName: readFixedString(b, f.hostName, HOST_NAME_LENGTH),
        vendorString: readFixedString(b, f.vendorString, VENDOR_STRING_LENGTH),
      };
    }
    case 'SCCRP': {
      const f = SCCRP_FIELDS;
      return {
        type: 'SCCRP',
        protocolVersion: b.readUInt16BE(f.protocolVersion),
        resultCode: b[f.resultCode],
        errorCode: b[f.errorCode],
        framingCapabilities: b.readUInt32BE(f.framingCapabilities),
        bearerCapabilities: b.readUInt32BE(f.bearerCapabilities),
        maximumChannels: b.readUInt16BE(f.maximumChannels),
        firmwareRevision: b.readUInt16BE(f.firmwareRevision),
        hostName: readFixedString(b, f.hostName, HOST_NAME_LENGTH),
        vendorString: readFixedString(b, f.vendorString, VENDOR_STRING_LENGTH),
      };
    }
    case 'StopCCRQ':
      return { type: 'StopCCRQ', reason: b[STOPCCRQ_FIELDS.reason] };
    case 'StopCCRP':
      return {
        type: 'StopCCRP',
        resultCode: b[STOPCCRP_FIELDS.resultCode],
        errorCode: b[STOPCCRP_FIELDS.errorCode],
      };
    case 'ECHORQ':
      return { type: 'ECHORQ', identifier: b.readUInt32BE(ECHORQ_FIELDS.identifier) };
    case 'ECHORP':
      return {
        type: 'ECHORP',
        identifier: b.readUInt32BE(ECHORP_FIELDS.identifier),
        resultCode: b[ECHORP_FIELDS.resultCode],
        errorCode: b[ECHORP_FIELDS.errorCode],
      };
    case 'OCRQ': {
      const f = OCRQ_FIELDS;
      return {
        type: 'OCRQ',
        callId: b.readUInt16BE(f.callId),
        callSerialNumber: b.readUInt16BE(f.callSerialNumber),
        minimumBps: b.readUInt32BE(f.minimumBps),
        maximumBps: b.readUInt32BE(f.maximumBps),
        bearerType: b.readUInt32BE(f.bearerType),
        framingType: b.readUInt32BE(f.framingType),
        packetRecvWindowSize: b.readUInt16BE(f.packetRecvWindowSize),
        packetProcessingDelay: b.readUInt16BE(f.packetProcessingDelay),
        phoneNumberLength: b.readUInt16BE(f.phoneNumberLength),
        phoneNumber: readFixedString(b, f.phoneNumber, PHONE_NUMBER_LENGTH),
        subaddress: Buffer.from(b.subarray(f.subaddress, f.subaddress + SUBADDRESS_LENGTH)),
      };
    }
    case 'OCRP': {
      const f = OCRP_FIELDS;
      return {
        type: 'OCRP',
        callId: b.readUInt16BE(f.callId),
        peerCallId: b.readUInt16BE(f.peerCallId),
        resultCode: b[f.resultCode],
        errorCode: b[f.errorCode],
        causeCode: b.readUInt16BE(f.causeCode),
        connectSpeed: b.readUInt32BE(f.connectSpeed),
        packetRecvWindowSize: b.readUInt16BE(f.packetRecvWindowSize),
        packetProcessingDelay: b.readUInt16BE(f.packetProcessingDelay),
        physicalChannelId: b.readUInt32BE(f.physicalChannelId),
      };
    }
    case 'ICRQ': {
      const f = ICRQ_FIELDS;
      return {
        type: 'ICRQ',
        callId: b.readUInt16BE(f.callId),
        callSerialNumber: b.readUInt16BE(f.callSerialNumber),
        callBearerType: b.readUInt32BE(f.callBearerType),
        physicalChannelId: b.readUInt32BE(f.physicalChannelId),
        dialedNumberLength: b.readUInt16BE(f.dialedNumberLength),
        dialingNumberLength: b.readUInt16BE(f.dialingNumberLength),
        dialedNumber: readFixedString(b, f.dialedNumber, PHONE_NUMBER_LENGTH),
        dialingNumber: readFixedString(b, f.dialingNumber, PHONE_NUMBER_LENGTH),
        subaddress: Buffer.from(b.subarray(f.subaddress, f.subaddress + SUBADDRESS_LENGTH)),
      };
    }
    case 'ICRP': {
      const f = ICRP_FIELDS;
      return {
        type: 'ICRP',
        callId: b.readUInt16BE(f.callId),
        peerCallId: b.readUInt16BE(f.peerCallId),
        resultCode: b[f.resultCode],
        errorCode: b[f.errorCode],
        packetRecvWindowSize: b.readUInt16BE(f.packetRecvWindowSize),
        packetTransmitDelay: b.readUInt16BE(f.packetTransmitDelay),
      };
    }
    case 'ICCN': {
      const f = ICCN_FIELDS;
      return {
        type: 'ICCN',
        peerCallId: b.readUInt16BE(f.peerCallId),
        connectSpeed: b.readUInt32BE(f.connectSpeed),
        packetRecvWindowSize: b.readUInt16BE(f.packetRecvWindowSize),
        packetTransmitDelay: b.readUInt16BE(f.packetTransmitDelay),
        framingType: b.readUInt32BE(f.framingType),
      };
    }
    case 'CCRQ':
      return { type: 'CCRQ', callId: b.readUInt16BE(CCRQ_FIELDS.callId) };
    case 'CDN': {
      const f = CDN_FIELDS;
      return {
        type: 'CDN',
        callId: b.readUInt16BE(f.callId),
        resultCode: b[f.resultCode],
        errorCode: b[f.errorCode],
        causeCode: b.readUInt16BE(f.causeCode),
        callStatistics: readFixedString(b, f.callStatistics, CALL_STATISTICS_LENGTH),
      };
    }
    case 'WEN': {
      const f = WEN_FIELDS;
      return {
        type: 'WEN',
        peerCallId: b.readUInt16BE(f.peerCallId),
        crcErrors: b.readUInt32BE(f.crcErrors),
        framingErrors: b.readUInt32BE(f.framingErrors),
        hardwareOverruns: b.readUInt32BE(f.hardwareOverruns),
        bufferOverruns: b.readUInt32BE(f.bufferOverruns),
        timeoutErrors: b.readUInt32BE(f.timeoutErrors),
        alignmentErrors: b.readUInt32BE(f.alignmentErrors),
      };
    }
    case 'SLI':
      return {
        type: 'SLI',
        peerCallId: b.readUInt16BE(SLI_FIELDS.peerCallId),
        sendAccm: b.readUInt32BE(SLI_FIELDS.sendAccm),
        receiveAccm: b.readUInt32BE(SLI_FIELDS.receiveAccm),
      };
  }
}

// ---- encode ----

/** Encoded length of a message (fixed per type). */
export function encodedLength(msg: ControlMessage): number {
  return MESSAGE_LENGTHS[msg.type];
}

/** Encode a control message into a new buffer of exactly its length. */
export function encodeControlMessage(msg: ControlMessage): Buffer {
  // A slice of Node's pool (encodeControlMessageInto writes every octet): a
  // Buffer.alloc of 64 octets or fewer lives in V8's heap, and a socket write
  // of it first moves it out (a malloc and a backing store per message).
  const buf = Buffer.allocUnsafe(MESSAGE_LENGTHS[msg.type]);
  encodeControlMessageInto(msg, buf);
  return buf;
}

/**
 * Encode into `buf` (at least encodedLength(msg) octets). Every octet of the
 * message is written, reserved fields as zero, so a dirty buffer is fine.
 * Numbers are truncated to their field width. Returns the length written.
 */
export function encodeControlMessageInto(msg: ControlMessage, buf: Buffer): number {
  const length = MESSAGE_LENGTHS[msg.type];
  if (buf.length < length) throw new RangeError(`buffer of ${buf.length} octets, ${msg.type} needs ${length}`);
  buf.fill(0, 0, length);
  buf.writeUInt16BE(length, HEADER_FIELDS.length);
  buf.writeUInt16BE(PptpMessageType.Control, HEADER_FIELDS.pptpMessageType);
  buf.writeUInt32BE(PPTP_MAGIC_COOKIE, HEADER_FIELDS.magicCookie);
  buf.writeUInt16BE(ControlMessageType[msg.type], HEADER_FIELDS.controlMessageType);
  const u8 = (off: number, v: number) => (buf[off] = v & 0xff);
  const u16 = (off: number, v: number) => buf.writeUInt16BE(v & 0xffff, off);
  const u32 = (off: number, v: number) => buf.writeUInt32BE(v >>> 0, off);
  switch (msg.type) {
    case 'SCCRQ': {
      const f = SCCRQ_FIELDS;
      u16(f.protocolVersion, msg.protocolVersion);
      u32(f.framingCapabilities, msg.framingCapabilities);
      u32(f.bearerCapabilities, msg.bearerCapabilities);
      u16(f.maximumChannels, msg.maximumChannels);
      u16(f.firmwareRevision, msg.firmwareRevision);
      writeFixedString(buf, f.hostName, HOST_NAME_LENGTH, msg.hostName);
      writeFixedString(buf, f.vendorString, VENDOR_STRING_LENGTH, msg.vendorString);
      break;
    }
    case 'SCCRP': {
      const f = SCCRP_FIELDS;
      u16(f.protocolVersion, msg.protocolVersion);
      u8(f.resultCode, msg.resultCode);
      u8(f.errorCode, msg.errorCode);
      u32(f.framingCapabilities, msg.framingCapabilities);
      u32(f.bearerCapabilities, msg.bearerCapabilities);
      u16(f.maximumChannels, msg.maximumChannels);
      u16(f.firmwareRevision, msg.firmwareRevision);
      writeFixedString(buf, f.hostName, HOST_NAME_LENGTH, msg.hostName);
      writeFixedString(buf, f.vendorString, VENDOR_STRING_LENGTH, msg.vendorString);
      break;
    }
    case 'StopCCRQ':
      u8(STOPCCRQ_FIELDS.reason, msg.reason);
      break;
    case 'StopCCRP':
      u8(STOPCCRP_FIELDS.resultCode, msg.resultCode);
      u8(STOPCCRP_FIELDS.errorCode, msg.errorCode);
      break;
    case 'ECHORQ':
      u32(ECHORQ_FIELDS.identifier, msg.identifier);
      break;
    case 'ECHORP':
      u32(ECHORP_FIELDS.identifier, msg.identifier);
      u8(ECHORP_FIELDS.resultCode, msg.resultCode);
      u8(ECHORP_FIELDS.errorCode, msg.errorCode);
      break;
    case 'OCRQ': {
      const f = OCRQ_FIELDS;
      u16(f.callId, msg.callId);
      u16(f.callSerialNumber, msg.callSerialNumber);
      u32(f.minimumBps, msg.minimumBps);
      u32(f.maximumBps, msg.maximumBps);
      u32(f.bearerType, msg.bearerType);
      u32(f.framingType, msg.framingType);
      u16(f.packetRecvWindowSize, msg.packetRecvWindowSize);
      u16(f.packetProcessingDelay, msg.packetProcessingDelay);
      u16(f.phoneNumberLength, msg.phoneNumberLength);
      writeFixedString(buf, f.phoneNumber, PHONE_NUMBER_LENGTH, msg.phoneNumber);
      writeFixedBytes(buf, f.subaddress, SUBADDRESS_LENGTH, msg.subaddress);
      break;
    }
    case 'OCRP': {
      const f = OCRP_FIELDS;
      u16(f.callId, msg.callId);
      u16(f.peerCallId, msg.peerCallId);
      u8(f.resultCode, msg.resultCode);
      u8(f.errorCode, msg.errorCode);
      u16(f.causeCode, msg.causeCode);
      u32(f.connectSpeed, msg.connectSpeed);
      u16(f.packetRecvWindowSize, msg.packetRecvWindowSize);
      u16(f.packetProcessingDelay, msg.packetProcessingDelay);
      u32(f.physicalChannelId, msg.physicalChannelId);
      break;
    }
    case 'ICRQ': {
      const f = ICRQ_FIELDS;
      u16(f.callId, msg.callId);
      u16(f.callSerialNumber, msg.callSerialNumber);
      u32(f.callBearerType, msg.callBearerType);
      u32(f.physicalChannelId, msg.physicalChannelId);
      u16(f.dialedNumberLength, msg.dialedNumberLength);
      u16(f.dialingNumberLength, msg.dialingNumberLength);
      writeFixedString(buf, f.dialedNumber, PHONE_NUMBER_LENGTH, msg.dialedNumber);
      writeFixedString(buf, f.dialingNumber, PHONE_NUMBER_LENGTH, msg.dialingNumber);
      writeFixedBytes(buf, f.subaddress, SUBADDRESS_LENGTH, msg.subaddress);
      break;
    }
    case 'ICRP': {
      const f = ICRP_FIELDS;
      u16(f.callId, msg.callId);
      u16(f.peerCallId, msg.peerCallId);
      u8(f.resultCode, msg.resultCode);
      u8(f.errorCode, msg.errorCode);
      u16(f.packetRecvWindowSize, msg.packetRecvWindowSize);
      u16(f.packetTransmitDelay, msg.packetTransmitDelay);
      break;
    }
    case 'ICCN': {
      const f = ICCN_FIELDS;
      u16(f.peerCallId, msg.peerCallId);
      u32(f.connectSpeed, msg.connectSpeed);
      u16(f.packetRecvWindowSize, msg.packetRecvWindowSize);
      u16(f.packetTransmitDelay, msg.packetTransmitDelay);
      u32(f.framingType, msg.framingType);
      break;
    }
    case 'CCRQ':
      u16(CCRQ_FIELDS.callId, msg.callId);
      break;
    case 'CDN': {
      const f = CDN_FIELDS;
      u16(f.callId, msg.callId);
      u8(f.resultCode, msg.resultCode);
      u8(f.errorCode, msg.errorCode);
      u16(f.causeCode, msg.causeCode);
      writeFixedString(buf, f.callStatistics, CALL_STATISTICS_LENGTH, msg.callStatistics);
      break;
    }
    case 'WEN': {
      const f = WEN_FIELDS;
      u16(f.peerCallId, msg.peerCallId);
      u32(f.crcErrors, msg.crcErrors);
      u32(f.framingErrors, msg.framingErrors);
      u32(f.hardwareOverruns, msg.hardwareOverruns);
      u32(f.bufferOverruns, msg.bufferOverruns);
      u32(f.timeoutErrors, msg.timeoutErrors);
      u32(f.alignmentErrors, msg.alignmentErrors);
      break;
    }
    case 'SLI':
      u16(SLI_FIELDS.peerCallId, msg.peerCallId);
      u32(SLI_FIELDS.sendAccm, msg.sendAccm);
      u32(SLI_FIELDS.receiveAccm, msg.receiveAccm);
      break;
  }
  return length;
}
