/**
 * RADIUS accounting (RFC 2866, RFC 2869 Gigawords) for `vpdn group N client
 * accounting GROUP`: Start, Interim-Update and Stop records built from a
 * session snapshot when the event happens, queued, and sent in order per
 * session. When no server answers, the queue pauses and retries later; a
 * record leaves the queue only when a server acknowledged it, or when the
 * queue is full (the oldest Interim-Update goes first, since a later record
 * carries newer totals). Acct-Delay-Time tells the server how late a record is.
 */
import type { AaaDebugSink } from '../aaa/debug-events.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { RadiusClient } from './client.js';
import { encodeAccountingRequest, type AttrSpec } from './codec.js';
import { TerminateCause, type TerminateCauseName } from './dictionary.js';

export interface SessionCounters {
  inputOctets: number;
  outputOctets: number;
  inputPackets: number;
  outputPackets: number;
}

/** What accounting needs to know about a PPP session. */
export interface AccountingSession {
  /** Acct-Session-Id, unique per call. */
  sessionId: string;
  username: string;
  /** Clock ms at session start. */
  startedAt: number;
  framedIp?: string;
  callingStationId?: string;
  nasPort?: number;
  /** Class from the Access-Accept, echoed unchanged (RFC 2865 5.25). */
  class?: Buffer;
  /** How the user was authenticated (Acct-Authentic): RADIUS unless local/TACACS+. */
  authentic?: 'RADIUS' | 'Local' | 'Remote';
  /** Octets/packets from the client's point of view: input = received from the client. */
  counters(): SessionCounters;
}

export type AccountingKind = 'Start' | 'Interim-Update' | 'Stop' | 'Accounting-On' | 'Accounting-Off';

export interface RadiusAccountingOptions {
  client: RadiusClient;
  clock: Clock;
  debug: AaaDebugSink;
  nasIp?: string;
  nasIdentifier?: string;
  /** Records kept at most (default 1000). */
  maxQueue?: number;
  /** Pause after a record found no server (default 10 s). */
  retryMs?: number;
  /** Records in flight at once (default 16). */
  concurrency?: number;
}

export interface AccountingStats {
  queued: number;
  inFlight: number;
  /** Records a server acknowledged. */
  acknowledged: number;
  /** Records discarded because the queue was full. */
  dropped: number;
  /** Interim-Updates replaced by a newer one for the same session before being sent. */
  superseded: number;
  /** Rounds in which no server answered. */
  failedRounds: number;
  paused: boolean;
}

interface AcctRecord {
  kind: AccountingKind;
  sessionId: string;
  user: string;
  attrs: AttrSpec[];
  createdAt: number;
  inFlight: boolean;
}

const GIGA = 2 ** 32;

export class RadiusAccounting {
  private readonly queue: AcctRecord[] = [];
  private inFlight = 0;
  private paused = false;
  private retryTimer: Timer | undefined;
  private closed = false;
  private successor: RadiusAccounting | undefined;
  private readonly s = { acknowledged: 0, dropped: 0, superseded: 0, failedRounds: 0 };
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: RadiusAccountingOptions) {}

  start(session: AccountingSession): void {
    this.enqueue('Start', session);
  }

  interim(session: AccountingSession): void {
    this.enqueue('Interim-Update', session);
  }

  stop(session: AccountingSession, cause: TerminateCauseName): void {
    this.enqueue('Stop', session, cause);
  }

  /**
   * Accounting-On / Accounting-Off (RFC 2866 5.1): this NAS starts or stops
   * accounting. A fleet's server (FreeRADIUS sqlippool, radutmp) frees on
   * either what this NAS held before, so On goes once per process, before
   * its first Start, and Off after the last Stop of a clean shutdown.
   */
  nas(kind: 'Accounting-On' | 'Accounting-Off', sessionId: string): void {
    if (this.successor) {
      this.successor.nas(kind, sessionId);
      return;
    }
    if (this.closed) return;
    const attrs: AttrSpec[] = [['Acct-Status-Type', kind], ['Acct-Session-Id', sessionId], ...this.nasIdentity()];
    this.push({ kind, sessionId, user: '', attrs, createdAt: this.options.clock.now(), inFlight: false });
  }

  stats(): AccountingStats {
    return { queued: this.queue.length, inFlight: this.inFlight, paused: this.paused, ...this.s };
  }

  private enqueue(kind: AccountingKind, session: AccountingSession, cause?: TerminateCauseName): void {
    // Sessions that started before a hot reconfiguration keep this object:
    // their later records go to the group that replaced it.
    if (this.successor) {
      this.successor.enqueue(kind, session, cause);
      return;
    }
    if (this.closed) return;
    this.push({
      kind,
      sessionId: session.sessionId,
      user: session.username,
      attrs: this.attributes(kind, session, cause),
      createdAt: this.options.clock.now(),
      inFlight: false,
    });
  }

  private push(rec: AcctRecord): void {
    const kind = rec.kind;
    if (kind === 'Interim-Update') {
      const older = this.queue.findIndex((r) => r.kind === 'Interim-Update' && r.sessionId === rec.sessionId && !r.inFlight);
      if (older >= 0) {
        this.queue.splice(older, 1);
        this.s.superseded++;
      }
    }
    if (this.queue.length >= (this.options.maxQueue ?? 1000)) {
      const interim = this.queue.findIndex((r) => r.kind === 'Interim-Update' && !r.inFlight);
      if (interim >= 0) {
        this.queue.splice(interim, 1);
        this.s.dropped++;
      } else {
        this.s.dropped++;
        if (this.options.debug.on('aaa accounting')) {
          this.options.debug.emit({ kind: 'acct-dropped', sessionId: rec.sessionId, user: rec.user, record: kind, queued: this.queue.length });
        }
        return;
      }
    }
    this.queue.push(rec);
    if (this.options.debug.on('aaa accounting')) this.options.debug.emit({ kind: 'acct-queued', sessionId: rec.sessionId, user: rec.user, record: kind });
    this.pump();
  }

  private attributes(kind: AccountingKind, s: AccountingSession, cause?: TerminateCauseName): AttrSpec[] {
    const a: AttrSpec[] = [
      ['Acct-Status-Type', kind],
      ['Acct-Session-Id', s.sessionId],
      ['User-Name', s.username],
      ...this.nasIdentity(),
    ];
    if (s.nasPort !== undefined) a.push(['NAS-Port', s.nasPort]);
    a.push(['NAS-Port-Type', 'Virtual'], ['Service-Type', 'Framed-User'], ['Framed-Protocol', 'PPP']);
    if (s.framedIp) a.push(['Framed-IP-Address', s.framedIp]);
    if (s.callingStationId) a.push(['Calling-Station-Id', s.callingStationId]);
    if (s.class) a.push(['Class', Buffer.from(s.class)]);
    a.push(['Acct-Authentic', s.authentic ?? 'RADIUS']);
    if (kind !== 'Start') {
      const c = s.counters();
      const secs = Math.max(0, Math.floor((this.options.clock.now() - s.startedAt) / 1000));
      a.push(
        ['Acct-Session-Time', secs],
        ['Acct-Input-Octets', c.inputOctets % GIGA],
        ['Acct-Output-Octets', c.outputOctets % GIGA],
        ['Acct-Input-Packets', c.inputPackets % GIGA],
        ['Acct-Output-Packets', c.outputPackets % GIGA],
        ['Acct-Input-Gigawords', Math.floor(c.inputOctets / GIGA)],
        ['Acct-Output-Gigawords', Math.floor(c.outputOctets / GIGA)],
      );
      if (kind === 'Stop') a.push(['Acct-Terminate-Cause', TerminateCause[cause ?? 'User-Request']]);
    }
    return a;
  }

  private nasIdentity(): AttrSpec[] {
    const a: AttrSpec[] = [];
    if (this.options.nasIp) a.push(['NAS-IP-Address', this.options.nasIp]);
    if (this.options.nasIdentifier) a.push(['NAS-Identifier', this.options.nasIdentifier]);
    return a;
  }

  private pump(): void {
    if (this.closed || this.paused || this.successor) return;
    const busy = new Set(this.queue.filter((r) => r.inFlight).map((r) => r.sessionId));
    for (const rec of this.queue) {
      if (this.inFlight >= (this.options.concurrency ?? 16)) break;
      if (rec.inFlight) continue;
      if (busy.has(rec.sessionId)) continue; // keeps Start before Stop for one session
      busy.add(rec.sessionId);
      rec.inFlight = true;
      this.inFlight++;
      void this.send(rec);
    }
  }

  private async send(rec: AcctRecord): Promise<void> {
    const delay = Math.floor((this.options.clock.now() - rec.createdAt) / 1000);
    const attrs: AttrSpec[] = delay > 0 ? [...rec.attrs, ['Acct-Delay-Time', delay]] : rec.attrs;
    const out = await this.options.client.request({
      kind: 'acct',
      user: rec.user,
      encode: (server, id) => {
        const e = encodeAccountingRequest(id, server.secret, attrs);
        return e.ok ? { packet: e.packet, authenticator: e.packet.subarray(4, 20) } : undefined;
      },
    });
    rec.inFlight = false;
    this.inFlight--;
    if (out.ok) {
      this.remove(rec);
      this.s.acknowledged++;
      if (this.options.debug.on('aaa accounting')) {
        this.options.debug.emit({ kind: 'acct-acknowledged', sessionId: rec.sessionId, user: rec.user, record: rec.kind, server: out.server.address });
      }
    } else if (this.successor) {
      this.remove(rec);
      this.successor.adopt([rec]);
    } else if (out.reason === 'encode') {
      this.remove(rec);
      this.s.dropped++;
    } else if (out.reason !== 'closed' && !this.paused && !this.closed) {
      this.s.failedRounds++;
      this.paused = true;
      const retry = this.options.retryMs ?? 10_000;
      if (this.options.debug.on('aaa accounting')) this.options.debug.emit({ kind: 'acct-paused', queued: this.queue.length, retryMs: retry });
      this.retryTimer = this.options.clock.setTimer(retry, () => {
        this.retryTimer = undefined;
        this.paused = false;
        this.pump();
      });
    }
    this.pump();
    if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /**
   * Hot reconfiguration: queued records move to `next` (the new group's
   * accounting); records in flight finish here, and move too if they fail.
   */
  handOver(next: RadiusAccounting): void {
    this.successor = next;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    const moving = this.queue.filter((r) => !r.inFlight);
    for (const r of moving) this.remove(r);
    next.adopt(moving);
  }

  private adopt(recs: AcctRecord[]): void {
    for (const r of recs) {
      if (this.queue.length >= (this.options.maxQueue ?? 1000)) {
        this.s.dropped++;
        continue;
      }
      this.queue.push({ ...r, inFlight: false });
    }
    this.pump();
  }

  private remove(rec: AcctRecord): void {
    const i = this.queue.indexOf(rec);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Resolves when the queue is empty. */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops retrying; queued records are abandoned (the caller closes the client). */
  close(): void {
    this.closed = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }
}
