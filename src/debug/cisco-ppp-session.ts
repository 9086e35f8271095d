/**
 * What a PPP link tells `debug ppp ...` and syslog, as the PIX and IOS
 * print it. The session, its data path and its authentication engines
 * report PppDebugEvents (src/proto/ppp/debug-events.ts) with their values;
 * every line's text is made here.
 *
 * `debug ppp uauth` (PIX) and syslog 603102 / 603103:
 *   uauth_mschap_send_req: pppdev=1, ulen=4, user=john
 *   uauth_mschap_proc_reply: pppdev = 1, status = 1
 *   CHAP peer authentication succeeded for john
 *
 * `debug ppp mppe` (IOS `debug ppp mppe events` style; never key bytes):
 *   Vi1 MPPE: Generate keys using RADIUS data | local database
 *   Vi1 MPPE: Initialize keys
 *   Vi1 MPPE: [128 bit encryption] [stateless mode]
 *   Vi1 MPPE: Discard packet ccount 0x005 (lost sync), send Reset-Request
 *   Vi1 MPPE: Discard packet ccount 0x006 (replay)
 *   Vi1 MPPE: Rcvd Reset-Request [Resetting]: key change on next packet
 *   Vi1 MPPE: Rcvd Reset-Ack
 *   Vi1 MPPE: Key change (flag packet|reset) ccount 0x0FF          (we send)
 *   Vi1 MPPE: Rcvd key change ccount 0x0FF                         (stateful)
 *   Vi1 MPPE: Resynchronized at ccount 0x007, 2 packet(s) lost     (stateful)
 *   Vi1 MPPE: Keys discarded
 * Stateless mode changes keys on every packet; those changes are not
 * printed one by one (the mode line says so).
 */
import type { DebugBus, DebugCategory, DebugContext } from './bus.js';
import { PPP_PROTO, encodeFrame, pppProtocolName } from '../proto/ppp/frame.js';
import type { FsmTrace } from '../proto/ppp/fsm.js';
import type { PppDebugEvent, PppDebugLink, PppDebugSink } from '../proto/ppp/debug-events.js';
import {
  authLabel,
  authPacketLine,
  cbcpLine,
  cpPacketLines,
  ioEncrLine,
  ioIpLine,
  ioRcvdLines,
  ioXmitLine,
  phaseLine,
  stateLine,
  timeoutLine,
} from './cisco-ppp.js';

/** A 12-bit coherency count as `0x0FF`. */
function ccountHex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(3, '0')}`;
}

/** Turns a PPP link's events into `debug ppp` lines and syslog messages on the bus. */
export class CiscoPppDebug implements PppDebugSink {
  constructor(private readonly bus: DebugBus) {}

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(link: PppDebugLink, e: PppDebugEvent): void {
    const ifLabel = `Vi${link.pppIfId}`;
    const ctx: DebugContext = { user: link.user, tunnel: link.tunnelId };
    const line = (cat: DebugCategory, text: string) => this.bus.debug(cat, text, ctx);
    const mppe = (text: string) => line('ppp mppe', `${ifLabel} MPPE: ${text}`);
    switch (e.kind) {
      case 'frame-in':
        for (const l of ioRcvdLines(link.pppIfId, e.frame)) line('ppp io', l);
        return;
      case 'frame-out':
        // printed uncompressed whatever was agreed
        line('ppp io', ioXmitLine(encodeFrame(e.protocol, e.payload)));
        return;
      case 'encrypted-out':
        line('ppp io', ioXmitLine(encodeFrame(PPP_PROTO.MPPE, e.frame.subarray(e.mppeAt))));
        return;
      case 'ip-in':
        line('ppp io', ioIpLine(e.packet));
        return;
      case 'encrypted-in':
        line('ppp io', ioEncrLine(e.payload));
        return;
      case 'automaton':
        return this.automaton(ifLabel, ctx, e.protocol, e.trace);
      case 'phase':
        line('ppp negotiation', phaseLine(ifLabel, e.phase));
        return;
      case 'lcp-negotiation-failed':
        line('ppp negotiation', `${ifLabel} LCP: Failed to negotiate with peer`);
        return;
      case 'cbcp':
        line('ppp negotiation', cbcpLine(ifLabel, e.dir, e.code, e.id, e.length));
        return;
      case 'auth-packet': {
        const cat = this.bus.on('ppp authentication') ? 'ppp authentication' : 'ppp negotiation';
        this.bus.debug(cat, authPacketLine(ifLabel, authLabel(e.protocol), e.dir, e.code, e.id, e.length, e.name), { tunnel: link.tunnelId, user: e.name });
        return;
      }
      case 'auth-started': {
        const who = { user: e.username, tunnel: link.tunnelId };
        this.bus.debug('ppp uauth', `uauth_${e.method}_send_req: pppdev=${link.pppIfId}, ulen=${Buffer.byteLength(e.username)}, user=${e.username}`, who);
        this.bus.syslog(603102, 6, `PPP virtual interface ${link.pppIfId} - user: ${e.username} aaa authentication started`, who);
        return;
      }
      case 'auth-result': {
        const who = { user: e.username, tunnel: link.tunnelId };
        this.bus.debug('ppp uauth', `uauth_${e.method}_proc_reply: pppdev = ${link.pppIfId}, status = ${e.ok ? 1 : 0}`, who);
        this.bus.syslog(603103, 6, `PPP virtual interface ${link.pppIfId} - user: ${e.username} aaa authentication ${e.ok ? 'succeed' : 'failed'}`, who);
        this.bus.debug('ppp uauth', `${e.family} peer authentication ${e.ok ? 'succeeded' : 'failed'} for ${e.username}`, who);
        return;
      }
      case 'dropped':
        line('ppp error', `${ifLabel} PPP: ${e.reason}: ${e.detail}`);
        return;
      case 'mppe-required-not-active':
        line('ppp error', `${ifLabel} PPP: mppe required but not active`);
        return;
      case 'mppe-started':
        mppe(`Generate keys using ${e.keySource === 'radius' ? 'RADIUS data' : 'local database'}`);
        mppe('Initialize keys');
        mppe(`[${e.agreed.bits} bit encryption] [${e.agreed.stateless ? 'stateless' : 'stateful'} mode]`);
        return;
      case 'mppe-key-change-sent':
        mppe(`Key change (${e.why}) ccount ${ccountHex(e.ccount)}`);
        return;
      case 'mppe-discarded': {
        const at = e.ccount < 0 ? 'short' : `ccount ${ccountHex(e.ccount)}`;
        mppe(`Discard packet ${at} (${e.reason === 'lost' ? 'lost sync' : e.reason})${e.resetRequested ? ', send Reset-Request' : ''}`);
        return;
      }
      case 'mppe-resynchronized':
        mppe(`Resynchronized at ccount ${ccountHex(e.ccount)}, ${e.lost} packet(s) lost`);
        return;
      case 'mppe-key-change-received':
        mppe(`Rcvd key change ccount ${ccountHex(e.ccount)}`);
        return;
      case 'mppe-reset-request-received':
        mppe('Rcvd Reset-Request [Resetting]: key change on next packet');
        return;
      case 'mppe-reset-ack-received':
        mppe('Rcvd Reset-Ack');
        return;
      case 'mppe-keys-discarded':
        mppe('Keys discarded');
        return;
      case 'missing-mppe-key':
        this.bus.syslog(403110, 4, `PPP virtual interface ${link.pppIfId}, user: ${e.username} missing MPPE key from aaa server`, ctx);
        return;
      case 'missing-client-address':
        this.bus.syslog(403108, 4, `PPP virtual interface ${link.pppIfId} missing client ip address option`, ctx);
        return;
    }
  }

  private automaton(ifLabel: string, ctx: DebugContext, protocol: number, t: FsmTrace): void {
    switch (t.kind) {
      case 'packet':
        if (!this.bus.on('ppp negotiation')) return;
        for (const l of cpPacketLines(ifLabel, protocol, t.dir, t.code, t.id, t.data, t.state)) this.bus.debug('ppp negotiation', l, ctx);
        return;
      case 'state':
        if (t.to === 'opened') this.bus.debug('ppp negotiation', stateLine(ifLabel, protocol, t.to), ctx);
        return;
      case 'timeout':
        this.bus.debug('ppp negotiation', timeoutLine(ifLabel, protocol, t.state), ctx);
        return;
      case 'error':
        this.bus.debug('ppp error', `${ifLabel} ${pppProtocolName(protocol)}: ${t.what}`, ctx);
        return;
    }
  }
}
