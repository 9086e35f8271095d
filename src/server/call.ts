/**
 * One PPTP call on the server: the GRE window and the PPP session that
 * rides on it, with the group settings captured when the call arrived
 * (later config changes apply to new calls only).
 */
import type { Clock } from '../util/clock.js';
import type { DebugBus } from '../debug/bus.js';
import type { VpdnGroup } from '../config/model.js';
import type { Authenticator } from './aaa/authenticator.js';
import type { SessionStatus } from './api.js';
import type { GrePacket } from './gre/wire.js';
import { GreCallWindow } from './gre/window.js';
import { PppSession, type PppUpInfo } from './ppp/session.js';

export interface ServerCallOptions {
  tunnelId: number;
  callId: number;
  peerCallId: number;
  peerRecvWindow: number;
  peerAddress: string;
  ifName: string;
  pppIfId: number;
  serverAddress: string;
  group: VpdnGroup;
  authenticator: Authenticator;
  clock: Clock;
  debug: DebugBus;
  sendGre(packet: Buffer): void;
  allocateAddress(username: string, framedIp?: string): string | undefined;
  releaseAddress(address: string): void;
  onUp(call: ServerCall, info: PppUpInfo): void;
  onDown(call: ServerCall, reason: string): void;
  onIpPacket(call: ServerCall, packet: Buffer): void;
}

export class ServerCall {
  readonly window: GreCallWindow;
  readonly ppp: PppSession;
  readonly createdAt: number;
  changedAt: number;
  state: 'wt-vacc' | 'estabd' = 'wt-vacc';
  clientAddress: string | undefined;
  username = '';
  private ended = false;

  constructor(readonly o: ServerCallOptions) {
    this.createdAt = this.changedAt = o.clock.now();
    this.window = new GreCallWindow({
      clock: o.clock,
      debug: o.debug,
      ifName: o.ifName,
      peerAddress: o.peerAddress,
      tunnelId: o.tunnelId,
      callId: o.callId,
      peerCallId: o.peerCallId,
      peerRecvWindow: o.peerRecvWindow,
      send: o.sendGre,
    });
    const g = o.group;
    this.ppp = new PppSession({
      role: 'server',
      pppIfId: o.pppIfId,
      send: (frame) => this.window.send(frame),
      clock: o.clock,
      debug: o.debug,
      ifName: o.ifName,
      tunnelId: o.tunnelId,
      group: {
        authProtocols: g.authentication,
        mppe: g.mppe,
        dns: g.dns,
        wins: g.wins,
        localAddress: o.serverAddress,
      },
      authenticator: o.authenticator,
      allocateAddress: o.allocateAddress,
      releaseAddress: o.releaseAddress,
      onUp: (info) => {
        this.state = 'estabd';
        this.changedAt = o.clock.now();
        this.clientAddress = info.clientAddress;
        this.username = info.username;
        o.onUp(this, info);
      },
      onDown: (reason) => this.end(reason),
      onIpPacket: (pkt) => o.onIpPacket(this, pkt),
    });
  }

  start(): void {
    this.ppp.start();
  }

  /** A GRE packet whose key is our call id, from the right peer. */
  receiveGre(pkt: GrePacket): void {
    if (this.window.receive(pkt) && pkt.payload.length > 0) this.ppp.input(pkt.payload);
  }

  /** The call is going away from below (CCRQ, CDN, tunnel gone): no LCP goodbye. */
  abort(reason: string): void {
    if (!this.ended) this.ppp.abort(reason);
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.window.close();
    this.o.onDown(this, reason);
  }

  status(tunnelRemote: string): SessionStatus {
    const w = this.window.status();
    const p = this.ppp.status();
    return {
      callId: this.o.callId,
      tunnelId: this.o.tunnelId,
      remoteAddress: tunnelRemote,
      username: p.username ?? this.username,
      state: this.state,
      sinceChange: this.o.clock.now() - this.changedAt,
      interfaceName: this.o.ifName,
      remoteCallId: this.o.peerCallId,
      pppInterfaceId: this.o.pppIfId,
      packetsSent: w.packetsSent,
      packetsReceived: w.packetsReceived,
      bytesSent: w.bytesSent,
      bytesReceived: w.bytesReceived,
      seq: w.seq,
      ack: w.ack,
      ackReceived: w.ackReceived,
      peerRecvWindow: w.peerRecvWindow,
      outOfOrder: w.outOfOrder,
      authProtocol: p.authProtocol,
      serverAddress: p.serverAddress,
      clientAddress: p.clientAddress,
      mppe: p.mppe,
      encryptedPackets: p.encryptedPackets,
      decryptedPackets: p.decryptedPackets,
      group: this.o.group.name,
    };
  }
}
