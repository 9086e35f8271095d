/**
 * `debug vpdn packet` / `error` text for the GRE data channel, and syslog
 * 603101, in the seed 003 formats:
 *
 *   outside PPTP: Recvd xGRE pak from 10.0.0.2, Len 120, seq 5, ack 4
 *   Interface outside - PPTP xGRE: Out paket, PPP Len 104
 *   outside PPTP: Sending xGRE pak to 10.0.0.2, Len 120, seq 5, ack 5, data: 3081880b...
 *   %PIX-6-603101: PPTP received out of seq or duplicate pkt, tnl_id=1, sess_id=1, seq=3
 *
 * A call's GRE window reports GreDebugEvents (src/proto/gre/debug-events.ts).
 */
import type { DebugBus, DebugCategory } from './bus.js';
import { ciscoHex } from '../util/hex.js';
import type { GreDebugEvent, GreDebugLink, GreDebugSink } from '../proto/gre/debug-events.js';

/** Turns a GRE window's events into `debug vpdn` lines and 603101 on the bus. */
export class CiscoGreDebug implements GreDebugSink {
  constructor(private readonly bus: DebugBus) {}

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(link: GreDebugLink, e: GreDebugEvent): void {
    const ctx = { tunnel: link.tunnelId };
    switch (e.kind) {
      case 'received': {
        let line = `${link.ifName} PPTP: Recvd xGRE pak from ${link.peerAddress}, Len ${e.length}`;
        if (e.seq !== undefined) line += `, seq ${e.seq}`;
        if (e.ack !== undefined) line += `, ack ${e.ack}`;
        this.bus.debug('vpdn packet', line, ctx);
        return;
      }
      case 'data-out':
        this.bus.debug('vpdn packet', `Interface ${link.ifName} - PPTP xGRE: Out paket, PPP Len ${e.payloadLength}`, ctx);
        this.bus.debug('vpdn packet', sendingLine(link, e.packet, e.seq, e.ack), ctx);
        return;
      case 'ack-out':
        this.bus.debug('vpdn packet', sendingLine(link, e.packet, undefined, e.ack), ctx);
        return;
      case 'window-full':
        this.bus.debug(
          'vpdn error',
          `${link.ifName} PPTP: xGRE window full to ${link.peerAddress}, ${e.unacked} unacked, peer RWS ${e.peerRecvWindow}, pak dropped`,
          ctx,
        );
        return;
      case 'out-of-sequence':
        this.bus.syslog(603101, 6, `PPTP received out of seq or duplicate pkt, tnl_id=${link.tunnelId}, sess_id=${link.callId}, seq=${e.seq}`, ctx);
        if (e.dropped) {
          this.bus.debug('vpdn error', `${link.ifName} PPTP: xGRE pak from ${link.peerAddress} seq ${e.seq} duplicate or too old (highest ${e.highest}), dropped`, ctx);
        }
        return;
    }
  }
}

function sendingLine(link: GreDebugLink, packet: Uint8Array, seq: number | undefined, ack: number | undefined): string {
  let line = `${link.ifName} PPTP: Sending xGRE pak to ${link.peerAddress}, Len ${packet.length}`;
  if (seq !== undefined) line += `, seq ${seq}`;
  if (ack !== undefined) line += `, ack ${ack}`;
  return `${line}, data: ${ciscoHex(packet)}`;
}
