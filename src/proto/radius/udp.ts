/**
 * The UDP seam under the RADIUS client and the Disconnect/CoA listener:
 * `nodeUdp` is the real thing (node:dgram), `MemoryUdpNetwork` a twin that
 * delivers datagrams between its own endpoints for tests with a FakeClock.
 */
import { createSocket, type Socket } from 'node:dgram';

export interface UdpPeer {
  address: string;
  port: number;
}

export interface UdpSocket {
  readonly address: string;
  readonly port: number;
  send(data: Buffer, port: number, address: string): void;
  close(): void;
}

export type UdpHandler = (data: Buffer, from: UdpPeer) => void;

export interface UdpStack {
  /** Binds a socket (port 0 or undefined: any free port). Rejects when the port is taken. */
  bind(opts: { address?: string; port?: number }, onMessage: UdpHandler): Promise<UdpSocket>;
}

/** node:dgram; send errors (ICMP unreachable, no route) are ignored: the retransmit timer handles them. */
export const nodeUdp: UdpStack = {
  bind(opts, onMessage) {
    return new Promise((resolve, reject) => {
      const s: Socket = createSocket({ type: 'udp4' });
      let bound = false;
      s.on('error', (err) => {
        if (!bound) {
          s.close();
          reject(err);
        }
      });
      s.on('message', (msg, rinfo) => onMessage(msg, { address: rinfo.address, port: rinfo.port }));
      // In a cluster worker (pix-pptpd --workers N) a non-exclusive bind is shared through the
      // primary with the other workers: a client socket's answers would reach any of them.
      const port = opts.port ?? 0;
      s.bind({ port, address: opts.address ?? '0.0.0.0', exclusive: port === 0 }, () => {
        bound = true;
        const a = s.address();
        s.unref();
        let closed = false;
        resolve({
          address: a.address,
          port: a.port,
          send(data, port, address) {
            if (closed) return;
            s.send(data, port, address, () => {
              /* errors are timeouts to the caller */
            });
          },
          close() {
            if (closed) return;
            closed = true;
            s.close();
          },
        });
      });
    });
  },
};

interface MemoryEndpoint {
  handler: UdpHandler;
}

/**
 * In-memory datagrams. Delivery is asynchronous (a microtask), like a real
 * socket; `flush()` lets a test wait until everything sent has arrived.
 * `filter` may drop or observe datagrams in flight.
 */
export class MemoryUdpNetwork implements UdpStack {
  private readonly endpoints = new Map<string, MemoryEndpoint>();
  private nextPort = 40000;
  private inFlight = 0;
  /** Return false to drop a datagram. */
  filter: (data: Buffer, from: UdpPeer, to: UdpPeer) => boolean = () => true;
  sent = 0;
  delivered = 0;

  async bind(opts: { address?: string; port?: number }, onMessage: UdpHandler): Promise<UdpSocket> {
    const address = opts.address ?? '127.0.0.1';
    let port = opts.port ?? 0;
    if (port === 0) {
      while (this.endpoints.has(`${address}:${this.nextPort}`)) this.nextPort++;
      port = this.nextPort++;
    }
    const key = `${address}:${port}`;
    if (this.endpoints.has(key)) throw new Error(`EADDRINUSE ${key}`);
    this.endpoints.set(key, { handler: onMessage });
    let closed = false;
    return {
      address,
      port,
      send: (data, toPort, toAddress) => {
        if (closed) return;
        this.deliver(Buffer.from(data), { address, port }, { address: toAddress, port: toPort });
      },
      close: () => {
        closed = true;
        this.endpoints.delete(key);
      },
    };
  }

  /** Number of bound endpoints (leak checks). */
  endpointCount(): number {
    return this.endpoints.size;
  }

  private deliver(data: Buffer, from: UdpPeer, to: UdpPeer): void {
    this.sent++;
    if (!this.filter(data, from, to)) return;
    this.inFlight++;
    queueMicrotask(() => {
      this.inFlight--;
      const ep = this.endpoints.get(`${to.address}:${to.port}`);
      if (!ep) return;
      this.delivered++;
      ep.handler(data, from);
    });
  }

  /** Resolves once no datagram is in flight (handlers may send more). */
  async flush(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise<void>((r) => setImmediate(r));
      if (this.inFlight === 0) return;
    }
  }
}
