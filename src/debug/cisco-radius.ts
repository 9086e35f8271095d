/**
 * `debug radius` lines in the IOS style Cisco engineers read:
 *
 *   RADIUS(0000000C): Send Access-Request to 127.0.0.1:1645 id 40001/7, len 131
 *   RADIUS:  authenticator 7E 02 8C 11 - 7B A9 0F 3D - ...
 *   RADIUS:  User-Name           [1]   7   "cisco"
 *   RADIUS:  User-Password       [2]   18  *
 *
 * Passwords, CHAP/MS-CHAP responses, MPPE keys and Message-Authenticators
 * print as `*`; the shared secret never reaches this module. The RADIUS
 * client and the dynamic-authorization server report RadiusDebugEvents
 * (src/proto/radius/debug-events.ts) to a CiscoRadiusDebug.
 */
import type { DebugBus, DebugCategory } from './bus.js';
import { attributeName, codeName, decodePacket, type RadiusPacket } from '../proto/radius/codec.js';
import type { RadiusDebugEvent, RadiusDebugSink, RadiusRequestName, RadiusServerName } from '../proto/radius/debug-events.js';
import { Attr, SECRET_ATTRIBUTES, SECRET_MS_ATTRIBUTES, VENDOR_MICROSOFT } from '../proto/radius/dictionary.js';

const TEXT_ATTRIBUTES: ReadonlySet<number> = new Set([
  Attr.UserName,
  Attr.ReplyMessage,
  Attr.CalledStationId,
  Attr.CallingStationId,
  Attr.NasIdentifier,
  Attr.AcctSessionId,
  Attr.NasPortId,
  Attr.FramedPool,
]);
const MS_INTEGERS: ReadonlySet<number> = new Set([7, 8, 9, 13, 14, 15, 21, 23, 24]);
const IP_ATTRIBUTES: ReadonlySet<number> = new Set([Attr.NasIpAddress, Attr.FramedIpAddress]);
const INTEGER_NAMES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  [Attr.ServiceType]: { 1: 'Login', 2: 'Framed', 8: 'Authenticate-Only' },
  [Attr.FramedProtocol]: { 1: 'PPP' },
  [Attr.NasPortType]: { 5: 'Virtual' },
  [Attr.AcctStatusType]: { 1: 'Start', 2: 'Stop', 3: 'Watchdog', 7: 'Accounting-On', 8: 'Accounting-Off' },
  [Attr.AcctAuthentic]: { 1: 'RADIUS', 2: 'Local', 3: 'Remote' },
};

export function hexGroups(b: Buffer): string {
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 4) {
    parts.push(
      Array.from(b.subarray(i, i + 4))
        .map((x) => x.toString(16).toUpperCase().padStart(2, '0'))
        .join(' '),
    );
  }
  return parts.join(' - ');
}

function printable(b: Buffer): boolean {
  for (const x of b) if (x < 0x20 || x > 0x7e) return false;
  return true;
}

function valueText(type: number, value: Buffer, vendor?: number): string {
  if (vendor === undefined && SECRET_ATTRIBUTES.has(type)) return '*';
  if (vendor === VENDOR_MICROSOFT && SECRET_MS_ATTRIBUTES.has(type)) return '*';
  if (vendor === undefined && IP_ATTRIBUTES.has(type) && value.length === 4) return `${value[0]}.${value[1]}.${value[2]}.${value[3]}`;
  if (value.length === 4 && vendor === VENDOR_MICROSOFT && MS_INTEGERS.has(type)) return String(value.readUInt32BE(0));
  if (value.length === 4 && vendor === undefined && !TEXT_ATTRIBUTES.has(type) && type !== Attr.Class && type !== Attr.State) {
    const n = value.readUInt32BE(0);
    const name = INTEGER_NAMES[type]?.[n];
    return name ? `${name.padEnd(26)}[${n}]` : String(n);
  }
  if (printable(value)) return `"${value.toString('latin1')}"`;
  // MS-CHAP-Error / MS-CHAP2-Success: Ident octet then text
  if (vendor === VENDOR_MICROSOFT && value.length > 1 && printable(value.subarray(1))) return `${value[0]}"${value.subarray(1).toString('latin1')}"`;
  return value.length <= 32 ? value.toString('hex').toUpperCase() : `${value.subarray(0, 32).toString('hex').toUpperCase()}...`;
}

function line(name: string, type: number, len: number, value: string, indent = ''): string {
  const head = `RADIUS:  ${indent}${name.padEnd(20 - indent.length)} [${type}]`;
  return `${head.padEnd(37)} ${String(len).padEnd(3)} ${value}`.trimEnd();
}

/** The attribute lines of one packet. */
export function attributeLines(p: RadiusPacket): string[] {
  const out: string[] = [];
  for (const a of p.attributes) {
    if (a.type === Attr.VendorSpecific && a.value.length >= 4) {
      const vendorId = a.value.readUInt32BE(0);
      out.push(line(vendorId === VENDOR_MICROSOFT ? 'Vendor, Microsoft' : `Vendor, ${vendorId}`, 26, a.value.length + 2, ''));
      for (const v of p.vendor) {
        // sub-attributes are listed under their own VSA: match by identity of the buffer region
        if (v.vendor !== vendorId) continue;
        if (v.value.byteOffset < a.value.byteOffset || v.value.byteOffset > a.value.byteOffset + a.value.length) continue;
        out.push(line(attributeName(v.type, v.vendor), v.type, v.value.length + 2, valueText(v.type, v.value, v.vendor), ' '));
      }
      continue;
    }
    out.push(line(attributeName(a.type), a.type, a.value.length + 2, valueText(a.type, a.value)));
  }
  return out;
}

/** `RADIUS(0000000C)`: the client's request number in hex. */
function requestTag(r: RadiusRequestName): string {
  return `RADIUS(${r.seq.toString(16).toUpperCase().padStart(8, '0')})`;
}

function serverText(s: RadiusServerName): string {
  return `(${s.address}:${s.authPort},${s.acctPort})`;
}

/** `bad-response-authenticator` as `bad response authenticator`. */
function problemText(problem: string): string {
  return problem.replace(/-/g, ' ');
}

/** Turns the RADIUS engines' events into `debug radius` lines on the bus. */
export class CiscoRadiusDebug implements RadiusDebugSink {
  constructor(private readonly bus: DebugBus) {}

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(e: RadiusDebugEvent): void {
    const ctx = 'user' in e ? { user: e.user } : undefined;
    const line = (text: string) => this.bus.debug('radius', text, ctx);
    const packetLines = (packet: RadiusPacket) => {
      line(`RADIUS:  authenticator ${hexGroups(packet.authenticator)}`);
      for (const l of attributeLines(packet)) line(l);
    };
    switch (e.kind) {
      case 'no-active-servers':
        line(`RADIUS: No active servers in group ${e.group ?? ''}`.trimEnd());
        return;
      case 'fail-over':
        line(`RADIUS: Fail-over to ${serverText(e.server)}`);
        return;
      case 'marked-dead':
        line(`RADIUS: Marking server ${serverText(e.server)} dead${e.accounting ? ' for accounting' : ''} after ${e.failures} failed attempts`);
        return;
      case 'request-sent': {
        const r = e.request;
        line(`${requestTag(r)}: Send ${codeName(e.packet[0]!)} to ${e.to.address}:${e.to.port} id ${r.sourcePort}/${r.identifier}, len ${e.packet.length}`);
        line(`RADIUS:  authenticator ${hexGroups(e.authenticator)}`);
        const dec = decodePacket(e.packet);
        if (dec.ok) for (const l of attributeLines(dec.packet)) line(l);
        return;
      }
      case 'retransmit':
        line(`${requestTag(e.request)}: Retransmit to ${serverText(e.server)} for id ${e.request.sourcePort}/${e.request.identifier}`);
        return;
      case 'no-response':
        line(`${requestTag(e.request)}: No response from ${serverText(e.server)} for id ${e.request.sourcePort}/${e.request.identifier}`);
        return;
      case 'malformed-response':
        line(`RADIUS: Malformed response from ${e.from.address}:${e.from.port} (${e.reason}), dropped`);
        return;
      case 'stray-response':
        line(
          `RADIUS: Received from id ${e.sourcePort}/${e.packet.identifier} ${e.from.address}:${e.from.port}, ${codeName(e.packet.code)}, ${e.duplicate ? 'duplicate' : 'no pending request'}, dropped`,
        );
        return;
      case 'unverified-response':
        line(`${requestTag(e.request)}: Response for id ${e.request.sourcePort}/${e.request.identifier} has a ${problemText(e.problem)}, dropped`);
        return;
      case 'response-received':
        line(`RADIUS: Received from id ${e.sourcePort}/${e.packet.identifier} ${e.from.address}:${e.from.port}, ${codeName(e.packet.code)}, len ${e.packet.raw.length}`);
        packetLines(e.packet);
        return;
      case 'dynauth-unknown-client':
        line(`RADIUS: Dynamic authorization packet from unknown client ${e.from.address}:${e.from.port}, dropped`);
        return;
      case 'dynauth-malformed':
        line(`RADIUS: Malformed dynamic authorization packet from ${e.from.address}:${e.from.port} (${e.reason}), dropped`);
        return;
      case 'dynauth-unverified':
        line(`RADIUS: ${codeName(e.packet.code)} from ${e.from.address}:${e.from.port} id ${e.packet.identifier} has a ${problemText(e.problem)}, dropped`);
        return;
      case 'dynauth-received':
        line(`RADIUS: Received ${codeName(e.packet.code)} from ${e.from.address}:${e.from.port} id ${e.packet.identifier}, len ${e.packet.raw.length}`);
        for (const l of attributeLines(e.packet)) line(l);
        return;
      case 'dynauth-sent':
        line(`RADIUS: Sent ${codeName(e.code)} to ${e.to.address}:${e.to.port} id ${e.identifier}${e.errorCause === undefined ? '' : `, Error-Cause ${e.errorCause}`}`);
        return;
    }
  }
}
