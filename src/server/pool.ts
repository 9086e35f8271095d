/**
 * `ip local pool` address allocation.
 *
 * One AddressPools object lives as long as the server. Reconfiguring
 * replaces the ranges but keeps every lease: a session keeps its address
 * even when its pool shrinks or disappears (no config change drops a
 * session); such an address is simply not handed out again until freed.
 */
import type { IpLocalPool } from '../config/model.js';
import type { PoolStatus } from './api.js';
import { ipToNumber, numberToIp } from '../proto/ip/ipv4.js';

interface Range {
  start: number;
  end: number;
}

export class AddressPools {
  private ranges = new Map<string, Range[]>();
  /** address (number) -> pool name it was leased from */
  private leases = new Map<number, string>();
  /**
   * Per pool: every address before this position (range index, address)
   * is leased. Lowered on release, cleared on configure.
   */
  private marks = new Map<string, { range: number; address: number }>();

  /** Replace the configured pools (leases survive). */
  configure(pools: IpLocalPool[]): void {
    const next = new Map<string, Range[]>();
    for (const p of pools) {
      const list: Range[] = [];
      for (const r of p.ranges) {
        const start = ipToNumber(r.start);
        const end = ipToNumber(r.end);
        if (start !== undefined && end !== undefined && start <= end) list.push({ start, end });
      }
      next.set(p.name, list);
    }
    this.ranges = next;
    this.marks.clear();
  }

  /**
   * Lowest free address of the pool (first free in range order), or
   * undefined when exhausted/unknown. The scan starts at the pool's
   * low-water mark, so 10,000 allocations are not 50 million look-ups
   * (bench/sessions.bench.ts).
   */
  allocate(pool: string): string | undefined {
    const ranges = this.ranges.get(pool) ?? [];
    const mark = this.marks.get(pool) ?? { range: 0, address: ranges[0]?.start ?? 0 };
    for (let i = mark.range; i < ranges.length; i++) {
      const r = ranges[i];
      for (let a = i === mark.range ? Math.max(r.start, mark.address) : r.start; a <= r.end; a++) {
        if (!this.leases.has(a)) {
          this.leases.set(a, pool);
          this.marks.set(pool, { range: i, address: a + 1 });
          return numberToIp(a);
        }
      }
    }
    this.marks.set(pool, { range: ranges.length, address: 0 });
    return undefined;
  }

  /** An address became free: every pool that holds it scans from there again. */
  private lowerMarks(n: number): void {
    for (const [pool, mark] of this.marks) {
      const ranges = this.ranges.get(pool) ?? [];
      const i = ranges.findIndex((r) => n >= r.start && n <= r.end);
      if (i >= 0 && (i < mark.range || (i === mark.range && n < mark.address))) this.marks.set(pool, { range: i, address: n });
    }
  }

  /** Is `pool` a configured `ip local pool`? */
  has(pool: string): boolean {
    return this.ranges.has(pool);
  }

  /** Lease a specific address (RADIUS Framed-IP-Address); false if taken. */
  claim(address: string, owner = ''): boolean {
    const n = ipToNumber(address);
    if (n === undefined || this.leases.has(n)) return false;
    this.leases.set(n, owner);
    return true;
  }

  release(address: string): void {
    const n = ipToNumber(address);
    if (n !== undefined && this.leases.delete(n)) this.lowerMarks(n);
  }

  inUse(address: string): boolean {
    const n = ipToNumber(address);
    return n !== undefined && this.leases.has(n);
  }

  /**
   * Per pool: its bounds and counts. The address lists (`show ip local
   * pool`) are built only when read: `show vpdn` asks for the status too,
   * and a /16 pool would be 65,000 strings each time.
   */
  status(): PoolStatus[] {
    const out: PoolStatus[] = [];
    for (const [name, ranges] of this.ranges) {
      let size = 0;
      let inUse = 0;
      for (const r of ranges) {
        size += r.end - r.start + 1;
        for (let a = r.start; a <= r.end; a++) if (this.leases.has(a)) inUse++;
      }
      const list = (leased: boolean) => () => {
        const addresses: string[] = [];
        for (const r of ranges) for (let a = r.start; a <= r.end; a++) if (this.leases.has(a) === leased) addresses.push(numberToIp(a));
        return addresses;
      };
      out.push(
        Object.defineProperties(
          {
            name,
            begin: ranges.length ? numberToIp(ranges[0].start) : '0.0.0.0',
            end: ranges.length ? numberToIp(ranges[ranges.length - 1].end) : '0.0.0.0',
            free: size - inUse,
            inUse,
          } as PoolStatus,
          { freeAddresses: { get: list(false), enumerable: true }, inUseAddresses: { get: list(true), enumerable: true } },
        ),
      );
    }
    return out;
  }
}
