/**
 * The Prometheus metrics of the box (prom-client, its own registry): one
 * census of the server per scrape (counts and totals in one pass over the
 * calls, server/totals.ts) and the AAA counters, read by every metric's
 * collect(). Counters kept by the server since start are
 * handed to prom-client as they are (reset, then the total), so every
 * counter here only grows while the process runs.
 *
 * Per-user series (bytes and sessions per logged-in user) only with
 * `metrics http IF PORT per-user`: on a busy box they are many.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AaaGroupStats, AaaObservation, ServerCensus, ServerTotals } from '../../server/api.js';
import { WINDOWS_ERROR } from '../../proto/ppp/windows-errors.js';

export interface MetricsSource {
  census(perUser: boolean): Promise<ServerCensus>;
  aaaStatus(): AaaGroupStats[] | undefined;
}

interface Snapshot {
  census: ServerCensus;
  aaa: AaaGroupStats[];
}

const P = 'pix_pptpd_';

/** Seconds: RADIUS/TACACS+ answer in milliseconds on a LAN, seconds when a server retransmits or is down. */
const AAA_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class BoxMetrics {
  readonly registry = new Registry();
  perUser = false;
  private snap: Snapshot | undefined;
  private rendering: Promise<unknown> = Promise.resolve();
  private readonly commands = new Counter({ name: `${P}shell_commands_total`, help: 'Shell commands run (config: changes, 111008; show: 111009)', labelNames: ['kind'], registers: [this.registry] });
  private readonly aaaSeconds = new Histogram({
    name: `${P}aaa_authentication_seconds`,
    help: 'Time to an answer from a RADIUS/TACACS+ group, retransmissions included',
    labelNames: ['group', 'protocol', 'outcome'],
    buckets: AAA_BUCKETS,
    registers: [this.registry],
  });

  constructor(private readonly source: MetricsSource) {
    const r = [this.registry];
    const snap = () => this.snapshot();
    new Gauge({
      name: `${P}tunnels`, help: 'PPTP control connections', registers: r,
      collect() {
        this.set(snap().census.tunnels);
      },
    });
    new Gauge({
      name: `${P}sessions`, help: 'Calls by state (estabd = up) and authentication protocol', labelNames: ['state', 'auth'], registers: r,
      collect() {
        this.reset();
        for (const e of snap().census.sessions) this.set({ state: e.state, auth: e.auth }, e.n);
      },
    });
    const total = (name: string, help: string, read: (t: ServerTotals) => number) =>
      new Counter({
        name: `${P}${name}`, help, registers: r,
        collect() {
          this.reset();
          this.inc(read(snap().census.totals));
        },
      });
    total('setups_total', 'Calls that came up (PPP open, 603104)', (t) => t.setups);
    total('mppe_rejected_total', 'MPPE packets rejected (coherency count, undecryptable)', (t) => t.mppeRejected);
    total('gre_window_dropped_total', 'GRE packets dropped by the window (duplicate, too old, window full)', (t) => t.greDropped);
    total('dhcp_informs_answered_total', 'DHCPINFORMs from clients answered with the group\'s routes (split tunnelling)', (t) => t.dhcpInformsAnswered);
    total('dhcp_dropped_total', 'DHCP packets to the server dropped (malformed, oversized, not an INFORM; by reason in input_dropped_total)', (t) => t.dhcpDropped);
    new Counter({
      name: `${P}setup_failures_total`, help: 'Calls that never came up, by reason and the Windows error the client shows', labelNames: ['reason', 'windows_error'], registers: r,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(snap().census.totals.failures)) {
          const code = (WINDOWS_ERROR as Record<string, number>)[reason];
          this.inc({ reason, windows_error: code === undefined ? '' : String(code) }, n);
        }
      },
    });
    const perDirection = (name: string, help: string, inOf: (t: ServerTotals) => number, outOf: (t: ServerTotals) => number) =>
      new Counter({
        name: `${P}${name}`, help, labelNames: ['direction'], registers: r,
        collect() {
          const t = snap().census.totals;
          this.reset();
          this.inc({ direction: 'in' }, inOf(t));
          this.inc({ direction: 'out' }, outOf(t));
        },
      });
    perDirection('packets_total', 'PPP packets (in: from the clients)', (t) => t.packetsIn, (t) => t.packetsOut);
    perDirection('bytes_total', 'PPP octets (in: from the clients)', (t) => t.bytesIn, (t) => t.bytesOut);
    new Counter({
      name: `${P}input_dropped_total`, help: 'Input the server rejected, by reason (malformed packets, limits)', labelNames: ['reason'], registers: r,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(snap().census.errors)) this.inc({ reason }, n);
      },
    });
    new Gauge({
      name: `${P}pool_addresses`, help: 'Addresses of each ip local pool, free and in use', labelNames: ['pool', 'state'], registers: r,
      collect() {
        this.reset();
        for (const p of snap().census.pools) {
          this.set({ pool: p.name, state: 'free' }, p.free);
          this.set({ pool: p.name, state: 'in_use' }, p.inUse);
        }
      },
    });
    const aaa = (name: string, help: string, read: (s: AaaGroupStats['servers'][number]) => number) =>
      new Counter({
        name: `${P}aaa_${name}`, help, labelNames: ['group', 'server', 'protocol'], registers: r,
        collect() {
          this.reset();
          for (const g of snap().aaa) for (const s of g.servers) this.inc({ group: g.tag, server: s.address, protocol: s.protocol }, read(s));
        },
      });
    aaa('authentication_requests_total', 'Authentication requests (and TACACS+ authorization requests) sent to each RADIUS/TACACS+ server', (s) => s.authRequests);
    aaa('accounting_requests_total', 'Accounting requests sent to each server', (s) => s.acctRequests);
    aaa('retransmissions_total', 'Requests sent again after no answer', (s) => s.retransmits);
    aaa('timeouts_total', 'Requests given up on without an answer', (s) => s.timeouts);
    aaa('accepts_total', 'Access-Accept / PASS answers', (s) => s.accepts);
    aaa('rejects_total', 'Access-Reject / FAIL answers', (s) => s.rejects);
    new Gauge({
      name: `${P}user_sessions`, help: 'Calls per logged-in user (per-user only)', labelNames: ['user'], registers: r,
      collect() {
        this.reset();
        for (const u of snap().census.users ?? []) this.set({ user: u.user }, u.sessions);
      },
    });
    new Gauge({
      name: `${P}user_bytes`, help: 'PPP octets of the live calls of each user (per-user only; in: from the client)', labelNames: ['user', 'direction'], registers: r,
      collect() {
        this.reset();
        for (const u of snap().census.users ?? []) {
          this.set({ user: u.user, direction: 'in' }, u.bytesIn);
          this.set({ user: u.user, direction: 'out' }, u.bytesOut);
        }
      },
    });
  }

  /** One shell command: 111008 (a change) or 111009 (a show). */
  commandRun(kind: 'config' | 'show'): void {
    this.commands.inc({ kind });
  }

  aaaAnswered(o: AaaObservation): void {
    this.aaaSeconds.observe({ group: o.tag, protocol: o.protocol, outcome: o.outcome }, o.seconds);
  }

  /** The text exposition, from one census of the server. */
  render(): Promise<string> {
    // one at a time: the collectors read the one snapshot of the render in progress
    const text = this.rendering.then(() => this.renderNow());
    this.rendering = text.catch(() => undefined);
    return text;
  }

  private async renderNow(): Promise<string> {
    this.snap = await this.take();
    try {
      return await this.registry.metrics();
    } finally {
      this.snap = undefined;
    }
  }

  private snapshot(): Snapshot {
    if (!this.snap) throw new Error('metrics are read through render()');
    return this.snap;
  }

  private async take(): Promise<Snapshot> {
    return { census: await this.source.census(this.perUser), aaa: this.source.aaaStatus() ?? [] };
  }
}
