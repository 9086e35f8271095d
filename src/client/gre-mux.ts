/**
 * One GRE socket shared by many PPTP clients. A server puts the client's
 * call id in the key of every GRE packet it sends, so the mux hands out
 * call ids that are unique on this socket and routes each packet to the
 * client that owns its key (and only when it comes from that client's
 * server). Undecodable packets and packets for no live call are counted
 * and dropped.
 *
 * A GreSocket has a single onPacket handler, so the mux for a socket is
 * created once and cached (`ClientGreMux.of(gre)`): every client dialled
 * over the same socket shares it.
 */
import type { GreSocket } from '../proto/gre/socket.js';
import { decodeGre, type GrePacket } from '../proto/gre/wire.js';
import { CallIdAllocator } from '../proto/pptp/call-id.js';

export interface GreMuxStats {
  received: number;
  delivered: number;
  malformed: number;
  /** Well-formed, but no live call has that key (or it came from another address). */
  unknownCall: number;
  sent: number;
}

interface Route {
  server: string;
  deliver(pkt: GrePacket): void;
}

const muxes = new WeakMap<GreSocket, ClientGreMux>();

export class ClientGreMux {
  readonly stats: GreMuxStats = { received: 0, delivered: 0, malformed: 0, unknownCall: 0, sent: 0 };
  private readonly ids = new CallIdAllocator();
  private readonly routes = new Map<number, Route>();

  /** The mux of `gre`, created on first use. */
  static of(gre: GreSocket): ClientGreMux {
    let m = muxes.get(gre);
    if (!m) {
      m = new ClientGreMux(gre);
      muxes.set(gre, m);
    }
    return m;
  }

  private constructor(readonly gre: GreSocket) {
    gre.onPacket((packet, from) => this.receive(packet, from));
  }

  /** A call id free on this socket, or undefined when all 65535 are in use. */
  allocateCallId(): number | undefined {
    return this.ids.allocate();
  }

  /** Route GRE from `server` keyed `callId` to `deliver` (the id must come from allocateCallId). */
  attach(callId: number, server: string, deliver: (pkt: GrePacket) => void): void {
    this.routes.set(callId, { server, deliver });
  }

  /** Stop routing and free the call id. */
  release(callId: number): void {
    this.routes.delete(callId);
    this.ids.release(callId);
  }

  send(server: string, packet: Uint8Array): void {
    this.stats.sent++;
    this.gre.send(server, packet);
  }

  get liveCalls(): number {
    return this.ids.size;
  }

  private receive(packet: Buffer, from: string): void {
    this.stats.received++;
    const r = decodeGre(packet);
    if (!r.ok) {
      this.stats.malformed++;
      return;
    }
    const route = this.routes.get(r.packet.callId);
    if (!route || route.server !== from) {
      this.stats.unknownCall++;
      return;
    }
    this.stats.delivered++;
    route.deliver(r.packet);
  }
}
