/**
 * `metrics http IF PORT [per-user]` (extension): the Prometheus text
 * format at http://ADDRESS:PORT/metrics, on the address of interface IF
 * only (never every address), off until the line is configured. Any other
 * path or method gets 404/405; a scrape that fails gets 500 and the next
 * one tries again.
 */
import { createServer, type Server } from 'node:http';
import type { RunningConfig } from '../../config/running.js';
import type { DebugBus } from '../../debug/bus.js';
import { BoxMetrics, type MetricsSource } from './collectors.js';

/** 111008: a configuration change; 111009: a show command (the shell's audit messages). */
const CHANGE = 111008;
const SHOW = 111009;

export class MetricsEndpoint {
  readonly metrics: BoxMetrics;
  private server: Server | undefined;
  private bound = '';
  private readonly unsubscribe: () => void;

  constructor(source: MetricsSource, bus: DebugBus) {
    this.metrics = new BoxMetrics(source);
    this.unsubscribe = bus.subscribe((l) => {
      if (l.kind !== 'syslog') return;
      if (l.id === CHANGE) this.metrics.commandRun('config');
      else if (l.id === SHOW) this.metrics.commandRun('show');
    });
  }

  /** Where it listens now (tests ask for the port when they configured port 0 elsewhere). */
  address(): { address: string; port: number } | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? { address: a.address, port: a.port } : undefined;
  }

  /** Match the listener to the config; lines to print when it cannot listen. */
  async reconfigure(rc: RunningConfig): Promise<string[]> {
    const m = rc.metrics;
    this.metrics.perUser = m?.perUser ?? false;
    const address = m ? rc.vpn.interfaces.find((i) => i.name === m.interfaceName)?.address : undefined;
    const want = m && address ? `${address}:${m.port}` : '';
    if (want === this.bound) return [];
    await this.stop();
    if (!m) return [];
    if (!address) return [`Warning: metrics http: interface ${m.interfaceName} has no address; not listening`];
    const server = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      this.metrics.render().then(
        (text) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
        () => res.writeHead(500).end(),
      );
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(m.port, address, () => resolve());
      });
    } catch (e) {
      return [`Warning: metrics http: cannot listen on ${address}:${m.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`];
    }
    server.on('error', () => undefined);
    this.server = server;
    this.bound = want;
    return [];
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.stop();
  }

  private async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.bound = '';
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
