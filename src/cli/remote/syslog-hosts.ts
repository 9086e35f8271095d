/**
 * `logging host [IF] IP [udp|tcp/PORT]`: syslog to the configured hosts,
 * in the framing a PIX sends (renderSyslogDatagram).
 *
 *  - UDP: one datagram per message. Messages handed to the kernel but not
 *    yet sent are bounded by `logging queue N`; past it a message is
 *    dropped and counted.
 *  - TCP: one message per line (LF), as rsyslog's imtcp and syslog-ng take
 *    it. While the host is down or slow, messages wait in a queue of
 *    `logging queue N` (0 = the largest queue, 8192), the oldest dropped
 *    first and counted; the connection is retried with a back-off of 1 s
 *    doubling to 30 s. A PIX 6.3 stops passing traffic when a TCP syslog
 *    host is unreachable; this product never does: it drops and counts.
 *
 * Hosts are keyed by protocol, address and port: reconfigure() keeps
 * the sockets and counters of the hosts still configured, opens the new
 * ones and closes the removed ones.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import type { RunningConfig } from '../../config/running.js';
import { renderSyslogDatagram, type SyslogMessage } from '../../debug/pix-syslog.js';

export interface SyslogHostStatus {
  interfaceName: string;
  address: string;
  protocol: 'udp' | 'tcp';
  port: number;
  sent: number;
  dropped: number;
  /** Waiting for the host (TCP) or for the kernel (UDP). */
  queued: number;
  /** TCP only. */
  connected?: boolean;
}

/** What goes in front of every message, from the logging settings. */
export interface SyslogHeader {
  facility: number;
  timestamp: boolean;
  deviceId?: string;
}

const DEFAULT_FACILITY = 20;
const DEFAULT_QUEUE = 512;
const LARGEST_QUEUE = 8192;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;

interface Transport {
  status: SyslogHostStatus;
  send(text: string): void;
  setQueueLimit(n: number): void;
  /** Stop; what is already handed to the socket still goes out (bounded wait). */
  close(): Promise<void>;
}

/** How long close() waits for messages already handed to a socket. */
const CLOSE_WAIT_MS = 1000;

function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const poll = () => (done() || Date.now() >= end ? resolve() : setTimeout(poll, 10));
    poll();
  });
}

class UdpHost implements Transport {
  private readonly socket: UdpSocket;
  private limit = DEFAULT_QUEUE;

  constructor(readonly status: SyslogHostStatus) {
    this.socket = createSocket('udp4');
    // a send error (no route, ICMP unreachable) is counted per message below
    this.socket.on('error', () => undefined);
    this.socket.unref();
  }

  setQueueLimit(n: number): void {
    this.limit = n;
  }

  send(text: string): void {
    if (this.status.queued >= this.limit) {
      this.status.dropped++;
      return;
    }
    this.status.queued++;
    this.socket.send(Buffer.from(text, 'utf8'), this.status.port, this.status.address, (err) => {
      this.status.queued--;
      if (err) this.status.dropped++;
      else this.status.sent++;
    });
  }

  async close(): Promise<void> {
    await until(() => this.status.queued === 0, CLOSE_WAIT_MS);
    this.socket.close();
  }
}

class TcpHost implements Transport {
  private socket: TcpSocket | undefined;
  private queue: string[] = [];
  private limit = DEFAULT_QUEUE;
  private retryMs = RETRY_FIRST_MS;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly status: SyslogHostStatus) {
    status.connected = false;
    this.open();
  }

  setQueueLimit(n: number): void {
    this.limit = n;
    this.trim();
  }

  send(text: string): void {
    this.queue.push(text);
    this.trim();
    this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const s = this.socket;
    if (!s) return;
    s.end();
    await until(() => s.closed, CLOSE_WAIT_MS);
    s.destroy();
  }

  private open(): void {
    const socket = connect({ host: this.status.address, port: this.status.port });
    socket.unref();
    socket.setNoDelay(true);
    this.socket = socket;
    socket.on('connect', () => {
      this.status.connected = true;
      this.retryMs = RETRY_FIRST_MS;
      this.flush();
    });
    socket.on('drain', () => this.flush());
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.status.connected = false;
      if (this.closed) return;
      this.retry = setTimeout(() => this.open(), this.retryMs);
      this.retry.unref();
      this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    });
  }

  private flush(): void {
    const s = this.socket;
    if (!s || !this.status.connected) return;
    while (this.queue.length > 0 && !s.writableNeedDrain) {
      s.write(`${this.queue.shift()}\n`);
      this.status.sent++;
    }
    this.status.queued = this.queue.length;
  }

  private trim(): void {
    const over = this.queue.length - this.limit;
    if (over > 0) {
      this.queue.splice(0, over);
      this.status.dropped += over;
    }
    this.status.queued = this.queue.length;
  }
}

const keyOf = (h: { protocol: string; address: string; port: number }) => `${h.protocol}:${h.address}:${h.port}`;

/** The id `logging device-id` puts in front of `%PIX`, undefined when off. */
export function deviceIdOf(rc: RunningConfig): string | undefined {
  const d = rc.logging.deviceId;
  if (!d) return undefined;
  if (d.kind === 'hostname') return rc.vpn.hostname;
  if (d.kind === 'string') return d.text;
  return rc.vpn.interfaces.find((i) => i.name === d.interfaceName)?.address;
}

export class SyslogHosts {
  private readonly hosts = new Map<string, Transport>();
  private header: SyslogHeader = { facility: DEFAULT_FACILITY, timestamp: false };

  /** Match the hosts, queue size and message header to the running-config. */
  reconfigure(rc: RunningConfig): void {
    const cfg = rc.logging;
    this.header = { facility: cfg.facility ?? DEFAULT_FACILITY, timestamp: cfg.timestamp, deviceId: deviceIdOf(rc) };
    const limit = cfg.queue === undefined ? DEFAULT_QUEUE : cfg.queue === 0 ? LARGEST_QUEUE : cfg.queue;
    const wanted = new Map(cfg.hosts.map((h) => [keyOf(h), h]));
    for (const [k, t] of this.hosts) {
      if (!wanted.has(k)) {
        void t.close();
        this.hosts.delete(k);
      }
    }
    for (const [k, h] of wanted) {
      let t = this.hosts.get(k);
      if (!t) {
        const status: SyslogHostStatus = { ...h, sent: 0, dropped: 0, queued: 0 };
        t = h.protocol === 'tcp' ? new TcpHost(status) : new UdpHost(status);
        this.hosts.set(k, t);
      }
      t.status.interfaceName = h.interfaceName;
      t.setQueueLimit(limit);
    }
  }

  /** One message at or below `logging trap`, to every host. */
  send(m: SyslogMessage, epochMs: number): void {
    if (this.hosts.size === 0) return;
    const h = this.header;
    const text = renderSyslogDatagram(m, { facility: h.facility, timestamp: h.timestamp ? epochMs : undefined, deviceId: h.deviceId });
    for (const t of this.hosts.values()) t.send(text);
  }

  status(): SyslogHostStatus[] {
    return [...this.hosts.values()].map((t) => ({ ...t.status }));
  }

  async close(): Promise<void> {
    const all = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.all(all.map((t) => t.close()));
  }
}
