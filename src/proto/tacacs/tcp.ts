/** The TCP seam under the TACACS+ client: `nodeTcp` is node:net. */
import { connect as netConnect, type Socket } from 'node:net';

export interface TcpStream {
  write(data: Buffer): void;
  /** Closes the connection (no more events after this). */
  close(): void;
}

export interface TcpHandlers {
  onData(chunk: Buffer): void;
  /** The peer closed, or the connection failed after it was up. */
  onClose(): void;
}

export interface TcpConnector {
  /** Resolves once connected; rejects when the connection is refused or fails. */
  connect(opts: { host: string; port: number; localAddress?: string }, h: TcpHandlers): Promise<TcpStream>;
}

export const nodeTcp: TcpConnector = {
  connect(opts, h) {
    return new Promise((resolve, reject) => {
      const s: Socket = netConnect({ host: opts.host, port: opts.port, localAddress: opts.localAddress });
      s.setNoDelay(true);
      let up = false;
      let closed = false;
      s.on('data', (d) => {
        if (!closed) h.onData(d);
      });
      s.on('error', (err) => {
        if (!up) reject(err);
      });
      s.on('close', () => {
        if (!up) return;
        if (!closed) {
          closed = true;
          h.onClose();
        }
      });
      s.on('connect', () => {
        up = true;
        resolve({
          write: (d) => {
            if (!closed) s.write(d);
          },
          close: () => {
            closed = true;
            s.destroy();
          },
        });
      });
    });
  },
};
