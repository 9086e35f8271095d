/**
 * The messages between the primary (src/server/workers/fleet.ts) and a
 * data-plane worker (worker.ts), over the cluster IPC channel with the
 * 'advanced' (structured clone) serialization. Requests carry an `id`
 * their reply repeats.
 */
import type { ConfigDiff } from '../../config/model.js';
import type { DebugCategory, LogLine } from '../../debug/bus.js';
import type { AaaObservation, ServerStatus } from '../api.js';
import type { AaaGroupStats } from '../aaa/group.js';
import type { LeaseAnswer, LeaseRequest } from '../lease.js';
import type { AccountingSnapshot } from '../call.js';
import type { CaptureSpec } from '../capture.js';

/** The primary to a worker. */
export type ToWorker =
  | { t: 'reconfigure'; id: number; diff: ConfigDiff }
  | { t: 'status'; id: number }
  | { t: 'census'; id: number; perUser: boolean }
  | { t: 'authenticate-console'; id: number; tag: string; user: string; password: string }
  | { t: 'clear'; id: number; target: number | 'all' }
  /** RFC 5176 from the primary's listener: end a call, or give it a new Session-Timeout. */
  | { t: 'disconnect'; callId: number }
  | { t: 'session-timeout'; callId: number; seconds: number }
  | { t: 'debug'; categories: DebugCategory[] }
  | { t: 'lease-answer'; id: number; answer: LeaseAnswer }
  /** May the worker take a tunnel from this source (the NAS's per-source limits)? `refused`: why not. */
  | { t: 'admit-answer'; id: number; refused?: string }
  /** May the worker open a call (`vpdn limit sessions`, the NAS's calls)? */
  | { t: 'session-answer'; id: number; ok: boolean }
  /** Send the Stops of a dead worker's calls (the counters it last pushed). */
  | { t: 'account-orphans'; id: number; records: AccountingSnapshot[] }
  /** `capture NAME ...` and `no capture NAME` on this worker's calls; the list and records of its captures (replies: CaptureInfo[], CaptureRecord[] or null). */
  | { t: 'capture-start'; id: number; spec: CaptureSpec }
  | { t: 'capture-stop'; id: number; name: string }
  | { t: 'capture-list'; id: number }
  | { t: 'capture-records'; id: number; name: string }
  | { t: 'close'; id: number };

/** A worker to the primary. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'reply'; id: number; ok: true; value?: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  | { t: 'log'; line: LogLine }
  | { t: 'lease'; id: number; req: LeaseRequest }
  | { t: 'release'; address: string }
  | { t: 'admit'; id: number; source: string }
  /** A tunnel the primary admitted ended; a login from that source failed or succeeded. */
  | { t: 'source'; event: 'closed' | 'auth-failed' | 'auth-ok'; source: string }
  | { t: 'session-take'; id: number; max: number }
  /** A call opened (no limit to ask about) or ended. */
  | { t: 'session'; event: 'opened' | 'closed' }
  | { t: 'status-push'; status: ServerStatus; accounting: AccountingSnapshot[]; aaa: AaaGroupStats[] }
  | { t: 'aaa-result'; o: AaaObservation };

/** What the primary tells a worker at fork (environment variables). */
export interface WorkerSpec {
  index: number;
  count: number;
  /** TUN device name of this worker. */
  tunName: string;
  listen?: string;
  /** Only the first start of worker 0 sends RADIUS Accounting-On (and its clean stop Accounting-Off) for the whole NAS. */
  nasAccounting: boolean;
  /** TCP 1723 as a socket of its own in the SO_REUSEPORT group (else the cluster's shared socket). */
  reusePort: boolean;
}

export const WORKER_ENV = 'PIX_PPTPD_WORKER';

export function encodeSpec(spec: WorkerSpec): Record<string, string> {
  return { [WORKER_ENV]: JSON.stringify(spec) };
}

export function decodeSpec(env: NodeJS.ProcessEnv): WorkerSpec | undefined {
  const text = env[WORKER_ENV];
  return text ? (JSON.parse(text) as WorkerSpec) : undefined;
}
