/**
 * `debug vpdn` text for PPTP control messages, in the seed 003 formats:
 *
 *   Tnl 42 PPTP: CC I 009c00011a2b3c4d0001000001000000000000010000...
 *   Tnl 42 PPTP: CC I SCCRQ
 *   Tnl 42 PPTP: protocol version 0x100
 *   Tnl/Cl 42/42 PPTP: CC O OCRP
 *   PPTP: cc snddata, socket fd=1, len=156, data: 009c...
 *
 * Only called after `bus.on(category)` said yes.
 */
import type { OutgoingCallRequest, StartControlConnectionReply, StartControlConnectionRequest } from '../proto/pptp/wire.js';

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
