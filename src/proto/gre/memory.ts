/**
 * In-memory twin of the GRE transport: a network of endpoints, one per IPv4
 * address, that deliver packets to each other asynchronously (in send order,
 * on a later turn of the event loop, never inside send()).
 *
 * Impairments for tests: loss, duplication and reordering, each a
 * probability drawn from a seeded PRNG so a failing run can be replayed.
 */
import type { GreSocket } from './socket.js';

export interface Impairments {
  /** Probability that a packet is dropped. */
  loss?: number;
  /** Probability that a packet is delivered twice. */
  duplicate?: number;
  /** Probability that a packet is held back and delivered after the next one. */
  reorder?: number;
}

export interface MemoryGreStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Sent to an address with no open endpoint. */
  noRoute: number;
}

export interface MemoryGreSocket extends GreSocket {
  readonly address: string;
  readonly closed: boolean;
}

export interface MemoryGreNetwork {
  /** Opens the endpoint for `address` (one open endpoint per address). */
  endpoint(address: string): MemoryGreSocket;
  setImpairments(imp: Impairments): void;
  /** Sees every packet as it is sent (before impairments). */
  onTraffic(fn: (packet: Buffer, from: string, to: string) => void): void;
  readonly stats: Readonly<MemoryGreStats>;
}

interface Frame {
  packet: Buffer;
  from: string;
  to: string;
}

/** mulberry32: small, fast, seedable; good enough to pick impairments. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createMemoryGreNetwork(opts: Impairments & { seed?: number } = {}): MemoryGreNetwork {
  const random = prng(opts.seed ?? 1);
  let imp: Impairments = { loss: opts.loss, duplicate: opts.duplicate, reorder: opts.reorder };
  const stats: MemoryGreStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, noRoute: 0 };
  const endpoints = new Map<string, { handler?: (p: Buffer, from: string, to: string) => void }>();
  let observer: ((p: Buffer, from: string, to: string) => void) | undefined;
  let queue: Frame[] = [];
  /** Held-back frames (reorder), released after the next frame to the same address. */
  const held = new Map<string, Frame>();
  let scheduled = false;

  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;

  function deliver(f: Frame): void {
    const ep = endpoints.get(f.to);
    if (!ep) {
      stats.noRoute++;
      return;
    }
    stats.delivered++;
    ep.handler?.(f.packet, f.from, f.to);
  }

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    for (const f of batch) {
      if (chance(imp.reorder) && !held.has(f.to)) {
        stats.reordered++;
        held.set(f.to, f);
        continue;
      }
      deliver(f);
      const h = held.get(f.to);
      if (h) {
        held.delete(f.to);
        deliver(h);
      }
    }
    // Nothing followed a held frame in this batch: it goes out on a later turn.
    if (held.size > 0) {
      const late = [...held.values()];
      held.clear();
      setImmediate(() => late.forEach(deliver));
    }
  }

  function enqueue(f: Frame): void {
    queue.push(f);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }

  return {
    stats,
    setImpairments(next) {
      imp = { ...next };
    },
    onTraffic(fn) {
      observer = fn;
    },
    endpoint(address) {
      if (endpoints.has(address)) throw new Error(`memory GRE: ${address} already has an open endpoint`);
      const ep: { handler?: (p: Buffer, from: string, to: string) => void } = {};
      endpoints.set(address, ep);
      let closed = false;
      return {
        address,
        get closed() {
          return closed;
        },
        send(peer, packet) {
          if (closed) return;
          stats.sent++;
          const copy = Buffer.from(packet);
          observer?.(copy, address, peer);
          if (chance(imp.loss)) {
            stats.lost++;
            return;
          }
          enqueue({ packet: copy, from: address, to: peer });
          if (chance(imp.duplicate)) {
            stats.duplicated++;
            enqueue({ packet: Buffer.from(copy), from: address, to: peer });
          }
        },
        onPacket(fn) {
          ep.handler = fn;
        },
        close() {
          if (closed) return;
          closed = true;
          if (endpoints.get(address) === ep) endpoints.delete(address);
        },
      };
    },
  };
}
