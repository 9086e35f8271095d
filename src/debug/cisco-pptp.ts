/**
 * `debug vpdn` text for PPTP control messages, in the seed 003 formats:
 *
 *   Tnl 42 PPTP: CC I 009c00011a2b3c4d0001000001000000000000010000...
 *   Tnl 42 PPTP: CC I SCCRQ
 *   Tnl 42 PPTP: protocol version 0x100
 *   Tnl/Cl 42/42 PPTP: CC O OCRP
 *   PPTP: cc snddata, socket fd=1, len=156, data: 009c...
 *
 * The control connection reports PptpDebugEvents (src/proto/pptp/debug-events.ts)
 * to a CiscoPptpDebug, after asking it whether the event's category is on.
 */
import type { DebugBus, DebugCategory } from './bus.js';
import { ciscoHex } from '../util/hex.js';
import type { PptpDebugEvent, PptpDebugSink } from '../proto/pptp/debug-events.js';
import { CISCO_MESSAGE_NAMES, type OutgoingCallRequest, type StartControlConnectionReply, type StartControlConnectionRequest } from '../proto/pptp/wire.js';

/** Turns a control connection's events into `debug vpdn` lines on the bus. */
export class CiscoPptpDebug implements PptpDebugSink {
  constructor(private readonly bus: DebugBus) {}

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(tunnelId: number, e: PptpDebugEvent): void {
    const ctx = { tunnel: tunnelId };
    const packet = (text: string) => this.bus.debug('vpdn packet', text, ctx);
    const event = (text: string, callId?: number) => this.bus.debug('vpdn event', `${pptpPrefix(tunnelId, callId)} ${text}`, ctx);
    switch (e.kind) {
      case 'bytes-in':
        packet(`PPTP: cc rcvdata, socket fd=${e.fd}, new_conn: ${e.newConnection ? 1 : 0}`);
        packet(`PPTP: cc rcv ${e.length} bytes of data`);
        return;
      case 'message-in':
        packet(`${pptpPrefix(tunnelId)} CC I ${ciscoHex(e.bytes)}`);
        return;
      case 'message-out':
        packet(`PPTP: cc snddata, socket fd=${e.fd}, len=${e.bytes.length}, data: ${ciscoHex(e.bytes)}`);
        return;
      case 'control':
        event(`CC ${e.dir} ${CISCO_MESSAGE_NAMES[e.message]}`, e.callId);
        return;
      case 'unexpected':
        event(`CC I ${e.message}`);
        return;
      case 'start-control':
        for (const l of sccrqParameterLines(e.message)) event(l);
        return;
      case 'outgoing-call':
        for (const l of ocrqParameterLines(e.message)) event(l);
        return;
      case 'state':
        event(`${e.event} -> state change ${e.from} to ${e.to}`, e.callId);
        return;
      case 'tunnel-created':
        this.bus.debug('vpdn event', `PPTP: new peer fd is ${e.fd}`, ctx);
        this.bus.debug('vpdn event', `Tnl ${tunnelId} PPTP: Tunnel created; peer initiated`, ctx);
        this.bus.debug('vpdn event', `PPTP: created tunnel, id = ${tunnelId}`, ctx);
        return;
      case 'session-stored':
        event(`l2x store session: tunnel id ${tunnelId}, session id ${e.callId}, hash_ix=${e.callId}`, e.callId);
        return;
      case 'rejected':
        this.bus.debug('vpdn error', `${pptpPrefix(tunnelId, e.callId)} ${e.detail}`, ctx);
        return;
    }
  }
}

/** `Tnl 42 PPTP:` or, for a call, `Tnl/Cl 42/7 PPTP:`. */
export function pptpPrefix(tunnelId: number, callId?: number): string {
  return callId === undefined ? `Tnl ${tunnelId} PPTP:` : `Tnl/Cl ${tunnelId}/${callId} PPTP:`;
}

/**
 * Peer-supplied text made safe for a console: printable ASCII is kept,
 * everything else (escape sequences, NULs, 8-bit) is shown as \xNN.
 */
export function printable(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x5c) out += s[i];
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out;
}

/** Parameter lines printed after `CC I SCCRQ` (and SCCRP in the client role). */
export function sccrqParameterLines(m: StartControlConnectionRequest | StartControlConnectionReply): string[] {
  return [
    `protocol version 0x${m.protocolVersion.toString(16)}`,
    `framing caps 0x${m.framingCapabilities.toString(16)}`,
    `bearer caps 0x${m.bearerCapabilities.toString(16)}`,
    `max channels ${m.maximumChannels}`,
    `firmware rev 0x${m.firmwareRevision.toString(16)}`,
    `hostname "${printable(m.hostName)}"`,
    `vendor "${printable(m.vendorString)}"`,
  ];
}

/** Parameter lines printed after `CC I OCRQ`. */
export function ocrqParameterLines(m: OutgoingCallRequest): string[] {
  return [
    `call id 0x${m.callId.toString(16)}`,
    `serial num ${m.callSerialNumber}`,
    `min bps ${m.minimumBps}:0x${m.minimumBps.toString(16)}`,
    `max bps ${m.maximumBps}:0x${m.maximumBps.toString(16)}`,
    `bearer type ${m.bearerType}`,
    `framing type ${m.framingType}`,
    `rcv win size ${m.packetRecvWindowSize}`,
    `ppd ${m.packetProcessingDelay}`,
    `phone num Len ${m.phoneNumberLength}`,
    `phone num "${printable(m.phoneNumber)}"`,
  ];
}
