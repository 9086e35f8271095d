/**
 * The little IPv4 host behind a PPTP client: sends ICMP echo requests
 * (ping) from the client's tunnel address, matches the replies, and
 * answers echo requests addressed to it, so two clients can ping each
 * other through the server.
 *
 * Ping timeouts are wall-clock (they bound a real wait in a process with
 * real sockets); every timer is cleared when its ping settles or the host
 * is disposed.
 */
import { performance } from 'node:perf_hooks';
import { buildIcmpEcho, parseIcmpEcho } from '../proto/ip/icmp.js';

export interface PingOptions {
  count?: number;
  /** ICMP data octets (ping -s). Default 56. */
  size?: number;
  /** Per echo. Default 2000 ms. */
  timeoutMs?: number;
  /** Pause between echoes. Default 0. */
  intervalMs?: number;
}

export interface PingResult {
  sent: number;
  received: number;
  rttMs: number[];
}

export interface IcmpHostStats {
  requestsSent: number;
  repliesReceived: number;
  requestsAnswered: number;
}

let nextIdentifier = (process.pid * 7919) & 0xffff;

export class IcmpHost {
  readonly stats: IcmpHostStats = { requestsSent: 0, repliesReceived: 0, requestsAnswered: 0 };
  private readonly identifier = (nextIdentifier = (nextIdentifier + 1) & 0xffff);
  private readonly waiting = new Map<string, (rtt: number) => void>();
  /** Live timers and what to do if the host is disposed first. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private nextSeq = 1;
  private disposed = false;

  constructor(
    private readonly address: string,
    private readonly send: (packet: Buffer) => boolean,
  ) {}

  /** An IP packet that came through the tunnel. True when it was ICMP echo for this host. */
  receive(packet: Buffer): boolean {
    const echo = parseIcmpEcho(packet);
    if (!echo || echo.dst !== this.address) return false;
    if (echo.type === 8) {
      this.stats.requestsAnswered++;
      this.send(buildIcmpEcho({ ...echo, src: this.address, dst: echo.src, type: 0, ttl: 64 }));
      return true;
    }
    const done = echo.id === this.identifier ? this.waiting.get(`${echo.src}/${echo.seq}`) : undefined;
    if (!done) return false;
    this.stats.repliesReceived++;
    done(0);
    return true;
  }

  async ping(dst: string, opts: PingOptions = {}): Promise<PingResult> {
    const count = opts.count ?? 3;
    const result: PingResult = { sent: 0, received: 0, rttMs: [] };
    for (let i = 0; i < count && !this.disposed; i++) {
      if (i > 0 && opts.intervalMs) await this.sleep(opts.intervalMs);
      const rtt = await this.echo(dst, opts.size ?? 56, opts.timeoutMs ?? 2000);
      result.sent++;
      if (rtt !== undefined) {
        result.received++;
        result.rttMs.push(rtt);
      }
    }
    return result;
  }

  /** Outstanding pings end as lost; no timer survives. */
  dispose(): void {
    this.disposed = true;
    if (this.timers.size === 0) return;
    const pending = [...this.timers];
    this.timers.clear();
    for (const [t, cancelled] of pending) {
      clearTimeout(t);
      cancelled();
    }
  }

  private echo(dst: string, size: number, timeoutMs: number): Promise<number | undefined> {
    const seq = this.nextSeq;
    this.nextSeq = (seq + 1) & 0xffff || 1;
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i + seq) & 0xff;
    const key = `${dst}/${seq}`;
    return new Promise((resolve) => {
      const start = performance.now();
      const timer = setTimeout(() => finish(-1), timeoutMs);
      this.timers.set(timer, () => finish(-1));
      const finish = (code: number) => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.waiting.delete(key);
        resolve(code < 0 ? undefined : performance.now() - start);
      };
      this.waiting.set(key, finish);
      this.stats.requestsSent++;
      if (!this.send(buildIcmpEcho({ src: this.address, dst, type: 8, id: this.identifier, seq, payload }))) finish(-1);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.set(t, resolve);
    });
  }
}
