/**
 * A GreSocket carried in UDP datagrams on loopback, so the server can run
 * in its own process (its memory and CPU measured alone) without root:
 * one GRE packet (header + payload, no outer IP header) per datagram. The
 * peer's IP address is the datagram's source address, as with a raw
 * socket; every peer of a socket listens on the same UDP port
 * (`peerPort`), the way every GRE peer listens on IP protocol 47.
 */
import dgram from 'node:dgram';
import type { GreSocket } from '../../src/proto/gre/socket.js';

export interface UdpGreSocket extends GreSocket {
  readonly port: number;
  readonly stats: { sent: number; received: number; sendErrors: number };
  /** The UDP port every peer listens on (known only once the peer is up). */
  setPeerPort(port: number): void;
}

export async function openUdpGre(o: { address: string; port?: number; peerPort: number }): Promise<UdpGreSocket> {
  const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 16 << 20, sendBufferSize: 16 << 20 });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(o.port ?? 0, o.address, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  const stats = { sent: 0, received: 0, sendErrors: 0 };
  let handler: ((p: Buffer, from: string, to: string) => void) | undefined;
  let closed = false;
  let peerPort = o.peerPort;
  sock.on('message', (msg, rinfo) => {
    stats.received++;
    handler?.(msg, rinfo.address, o.address);
  });
  sock.on('error', () => stats.sendErrors++);
  const onSent = (err: Error | null) => {
    if (err) stats.sendErrors++;
  };
  return {
    port: sock.address().port,
    stats,
    send(peer, packet) {
      if (closed) return;
      stats.sent++;
      // GreCallWindow reuses its scratch buffer after send(): dgram sends later, so copy.
      sock.send(Buffer.from(packet), peerPort, peer, onSent);
    },
    setPeerPort(p) {
      peerPort = p;
    },
    onPacket(fn) {
      handler = fn;
    },
    close() {
      if (closed) return;
      closed = true;
      sock.close();
    },
  };
}
