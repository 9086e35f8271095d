/**
 * Text for PPP debug output. Pure, read-only formatting: nothing here
 * changes state, and callers only build lines when `bus.on(cat)` is true.
 *
 * Two dialects:
 * - `debug ppp io` is PIX-exact (seed 003):
 *     PPP rcvd, ifc = 0, pppdev: 1, Len: 27,
 *       data: ff03c021010100170206000a00000506001137210702...
 *     PPP xmit, ifc = 0, Len: 8 data: ff03c22303010004
 *     PPP IP Pkt: 4500001cc80000008001e5ccac100101e00000020a00...
 *     PPP Encr/Comp Pkt: 9000bccf59b71755d9af7330dae3bbc94d28e431d057...
 * - `debug ppp negotiation` / `debug ppp authentication` are IOS-style
 *   (seed 000): `Vi1 LCP: O PROTREJ [Open] id 5 len 16 protocol CCP (0x80FD...)`.
 *   The `[state]` labels come from STATE_LABEL, the only such map.
 */
import { CP_CODE, PPP_PROTO, ipv4String, pppProtocolName } from '../proto/ppp/frame.js';
import type { PppDebugEvent } from '../proto/ppp/debug-events.js';
import type { FsmState } from '../proto/ppp/fsm.js';
import type { PppPhase } from '../proto/ppp/phase.js';

/**
 * Hex the way the PIX dumps PPP data. Every dump in seed 003 of 23 octets
 * or fewer is complete (`Len: 23` ConfAck, `Len: 22` Identification) and
 * every longer one stops after 22 octets followed by "...".
 */
export function pixHex(buf: Uint8Array): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.length <= 23 ? b.toString('hex') : b.subarray(0, 22).toString('hex') + '...';
}

/**
 * Octet range [start, end) of the password in a PAP Authenticate-Request
 * frame (with or without FF 03, PFC or not), or undefined. Layout after the
 * protocol field: Code(1)=1 Id(1) Length(2) Peer-ID-Length(1) Peer-ID
 * Passwd-Length(1) Password; every length is checked against the frame.
 */
export function papPasswordRange(frame: Uint8Array): [number, number] | undefined {
  let off = frame.length >= 2 && frame[0] === 0xff && frame[1] === 0x03 ? 2 : 0;
  if (off >= frame.length) return undefined;
  let protocol: number;
  if (frame[off]! & 1) protocol = frame[off++]!;
  else {
    if (off + 2 > frame.length) return undefined;
    protocol = (frame[off]! << 8) | frame[off + 1]!;
    off += 2;
  }
  if (protocol !== PPP_PROTO.PAP || off + 5 > frame.length || frame[off] !== 1) return undefined;
  const idLen = frame[off + 4]!;
  const pwLenAt = off + 5 + idLen;
  if (pwLenAt >= frame.length) return undefined;
  const start = pwLenAt + 1;
  return [start, Math.min(frame.length, start + frame[pwLenAt]!)];
}

/** pixHex with a PAP password shown as `**` per octet: secrets never reach debug output. */
function ioHex(frame: Uint8Array): string {
  const hex = pixHex(frame);
  const r = papPasswordRange(frame);
  if (!r) return hex;
  const digits = hex.endsWith('...') ? hex.length - 3 : hex.length;
  const from = Math.min(2 * r[0], digits);
  const to = Math.min(2 * r[1], digits);
  return hex.slice(0, from) + '*'.repeat(to - from) + hex.slice(to);
}

/** `debug ppp io`, a frame from the peer (as received: with or without FF 03). */
export function ioRcvdLines(pppdev: number, frame: Uint8Array): [string, string] {
  return [`PPP rcvd, ifc = 0, pppdev: ${pppdev}, Len: ${frame.length},`, `  data: ${ioHex(frame)}`];
}

/** `debug ppp io`, a frame we send, printed in its uncompressed form (FF 03 + 2-octet protocol). */
export function ioXmitLine(frame: Uint8Array): string {
  return `PPP xmit, ifc = 0, Len: ${frame.length} data: ${ioHex(frame)}`;
}

export function ioIpLine(packet: Uint8Array): string {
  return `PPP IP Pkt: ${pixHex(packet)}`;
}

export function ioEncrLine(payload: Uint8Array): string {
  return `PPP Encr/Comp Pkt: ${pixHex(payload)}`;
}

/** IOS state names, used in `[...]` and `State is ...`. */
export const STATE_LABEL: Record<FsmState, string> = {
  initial: 'Initial',
  starting: 'Starting',
  closed: 'Closed',
  stopped: 'Stopped',
  closing: 'Closing',
  stopping: 'Stopping',
  reqSent: 'REQsent',
  ackRcvd: 'ACKrcvd',
  ackSent: 'ACKsent',
  opened: 'Open',
};

const CODE_LABEL: Record<number, string> = {
  [CP_CODE.ConfReq]: 'CONFREQ',
  [CP_CODE.ConfAck]: 'CONFACK',
  [CP_CODE.ConfNak]: 'CONFNAK',
  [CP_CODE.ConfRej]: 'CONFREJ',
  [CP_CODE.TermReq]: 'TERMREQ',
  [CP_CODE.TermAck]: 'TERMACK',
  [CP_CODE.CodeRej]: 'CODEREJ',
  [CP_CODE.ProtRej]: 'PROTREJ',
  [CP_CODE.EchoReq]: 'ECHOREQ',
  [CP_CODE.EchoRep]: 'ECHOREP',
  [CP_CODE.DiscardReq]: 'DISCREQ',
  [CP_CODE.Identification]: 'IDENTIFY',
  [CP_CODE.TimeRemaining]: 'TIMEREMAIN',
  [CP_CODE.ResetReq]: 'RESETREQ',
  [CP_CODE.ResetAck]: 'RESETACK',
};

export function codeLabel(code: number): string {
  return CODE_LABEL[code] ?? `UNKNOWN(${code})`;
}

const hexU = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();

function u32hex(v: Buffer): string {
  return v.length === 4 ? `0x${hexU(v)}` : `0x${hexU(v)}?`;
}

function authName(v: Buffer): string {
  if (v.length >= 2) {
    const p = v.readUInt16BE(0);
    if (p === PPP_PROTO.PAP && v.length === 2) return 'PAP';
    if (p === PPP_PROTO.EAP) return 'EAP';
    if (p === PPP_PROTO.CHAP && v.length === 3) {
      if (v[2] === 5) return 'CHAP';
      if (v[2] === 0x80) return 'MS-CHAP';
      if (v[2] === 0x81) return 'MS-CHAP-V2';
    }
  }
  return `0x${hexU(v)}`;
}

/** One option's description, without the trailing raw hex. */
export function describeOption(protocol: number, type: number, v: Buffer): string {
  if (protocol === PPP_PROTO.LCP) {
    switch (type) {
      case 1:
        return v.length === 2 ? `MRU ${v.readUInt16BE(0)}` : 'MRU ?';
      case 2:
        return `ACCM ${u32hex(v)}`;
      case 3:
        return `AuthProto ${authName(v)}`;
      case 4:
        return 'QualityType';
      case 5:
        return `MagicNumber ${u32hex(v)}`;
      case 7:
        return 'PFC';
      case 8:
        return 'ACFC';
      case 13:
        return `Callback ${v.length ? v[0] : '?'}`;
      case 17:
        return v.length === 2 ? `MRRU ${v.readUInt16BE(0)}` : 'MRRU ?';
      case 18:
        return 'ShortSeq';
      case 19:
        return `EndpointDisc ${v.length ? v[0] : '?'}`;
    }
  } else if (protocol === PPP_PROTO.IPCP) {
    const ip = v.length === 4 ? ipv4String(v) : '?';
    switch (type) {
      case 2:
        return v.length >= 2 && v.readUInt16BE(0) === 0x002d && v.length === 4
          ? `CompressType VJ ${v[2]} slots${v[3] ? ' CompressSlotID' : ''}`
          : 'CompressType';
      case 3:
        return `Address ${ip}`;
      case 129:
        return `PrimaryDNS ${ip}`;
      case 130:
        return `PrimaryWINS ${ip}`;
      case 131:
        return `SecondaryDNS ${ip}`;
      case 132:
        return `SecondaryWINS ${ip}`;
    }
  } else if (protocol === PPP_PROTO.CCP) {
    switch (type) {
      case 18:
        return `MS-PPC supported bits ${u32hex(v)}`;
      case 17:
        return 'Stacker';
    }
  }
  return `Unknown option ${type}`;
}

function optionLines(prefix: string, protocol: number, data: Buffer): string[] {
  const out: string[] = [];
  let off = 0;
  while (off + 2 <= data.length) {
    const len = data[off + 1];
    if (len < 2 || off + len > data.length) {
      out.push(`${prefix}    Malformed options (0x${hexU(data.subarray(off))})`);
      break;
    }
    const raw = data.subarray(off, off + len);
    out.push(`${prefix}    ${describeOption(protocol, data[off], raw.subarray(2))} (0x${hexU(raw)})`);
    off += len;
  }
  return out;
}

/**
 * `debug ppp negotiation` lines for one control packet of LCP/IPCP/CCP:
 *   Vi1 LCP: O CONFREQ [Closed] id 1 len 23
 *   Vi1 LCP:    AuthProto MS-CHAP (0x0305C22380)
 */
export function cpPacketLines(
  ifLabel: string,
  protocol: number,
  dir: 'I' | 'O',
  code: number,
  id: number,
  data: Buffer,
  state: FsmState,
): string[] {
  const prefix = `${ifLabel} ${pppProtocolName(protocol)}:`;
  let head = `${prefix} ${dir} ${codeLabel(code)} [${STATE_LABEL[state]}] id ${id} len ${data.length + 4}`;
  if (protocol === PPP_PROTO.LCP && code === CP_CODE.ProtRej && data.length >= 2) {
    head += ` protocol ${pppProtocolName(data.readUInt16BE(0))} (0x${hexU(data)})`;
  } else if (protocol === PPP_PROTO.LCP && code === CP_CODE.Identification && data.length >= 4) {
    head += ` magic 0x${hexU(data.subarray(0, 4))} ${printable(data.subarray(4).toString('latin1'))}`;
  }
  const lines = [head];
  if (code >= CP_CODE.ConfReq && code <= CP_CODE.ConfRej) lines.push(...optionLines(prefix, protocol, data));
  return lines;
}

export function stateLine(ifLabel: string, protocol: number, state: FsmState): string {
  return `${ifLabel} ${pppProtocolName(protocol)}: State is ${STATE_LABEL[state]}`;
}

export function timeoutLine(ifLabel: string, protocol: number, state: FsmState): string {
  return `${ifLabel} ${pppProtocolName(protocol)}: TIMEout: State ${STATE_LABEL[state]}`;
}

const PHASE_LABEL: Record<PppPhase, string> = {
  dead: 'DOWN',
  establish: 'ESTABLISHING',
  authenticate: 'AUTHENTICATING',
  network: 'UP',
  terminate: 'TERMINATING',
};

export function phaseLine(ifLabel: string, phase: PppPhase): string {
  return `${ifLabel} PPP: Phase is ${PHASE_LABEL[phase]}`;
}

type AuthProtocol = Extract<PppDebugEvent, { kind: 'auth-packet' }>['protocol'];

const AUTH_LABEL: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MS-CHAP', 'mschap-v2': 'MS-CHAP-V2' };

/** IOS `debug ppp authentication` names: `PAP`, `CHAP`, `MS-CHAP`, `MS-CHAP-V2`. */
export function authLabel(protocol: AuthProtocol): string {
  return AUTH_LABEL[protocol];
}

const CHAP_CODE: Record<number, string> = { 1: 'CHALLENGE', 2: 'RESPONSE', 3: 'SUCCESS', 4: 'FAILURE' };
const PAP_CODE: Record<number, string> = { 1: 'AUTH-REQ', 2: 'AUTH-ACK', 3: 'AUTH-NAK' };

/** `Vi1 MS-CHAP: O CHALLENGE id 1 len 13 from ""`. Never prints values or secrets. */
export function authPacketLine(
  ifLabel: string,
  label: string,
  dir: 'I' | 'O',
  code: number,
  id: number,
  len: number,
  name?: string,
): string {
  const codes = label === 'PAP' ? PAP_CODE : CHAP_CODE;
  const from = name !== undefined ? ` from "${printable(name)}"` : '';
  return `${ifLabel} ${label}: ${dir} ${codes[code] ?? `UNKNOWN(${code})`} id ${id} len ${len}${from}`;
}

/** Names are printed, but control characters never reach a terminal. */
export function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, '.');
}

const CBCP_CODE_LABEL: Record<number, string> = { 1: 'CALLBACK-REQUEST', 2: 'CALLBACK-RESPONSE', 3: 'CALLBACK-ACK' };

/** `debug ppp negotiation`: `Vi1 CBCP: I CALLBACK-REQUEST id 1 len 6`. */
export function cbcpLine(ifLabel: string, dir: 'I' | 'O', code: number, id: number, len: number): string {
  return `${ifLabel} CBCP: ${dir} ${CBCP_CODE_LABEL[code] ?? `UNKNOWN(${code})`} id ${id} len ${len}`;
}
