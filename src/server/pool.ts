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
import { ipToNumber, numberToIp } from './ipv4.js';

interface Range {
  start: number;
  end: number;
}

export class AddressPools {
  private ranges = new Map<string, Range[]>();
  /** address (number) -> pool name it was leased from */
  private leases = new Map<number, string>();

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
  }

  /** Lowest free address of the pool, or undefined when exhausted/unknown. */
  allocate(pool: string): string | undefined {
    for (const r of this.ranges.get(pool) ?? []) {
      for (let a = r.start; a <= r.end; a++) {
        if (!this.leases.has(a)) {
          this.leases.set(a, pool);
          return numberToIp(a);
        }
      }
    }
    return undefined;
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
    if (n !== undefined) this.leases.delete(n);
  }

  inUse(address: string): boolean {
    const n = ipToNumber(address);
    return n !== undefined && this.leases.has(n);
  }

  status(): PoolStatus[] {
    const out: PoolStatus[] = [];
    for (const [name, ranges] of this.ranges) {
      const free: string[] = [];
      const used: string[] = [];
      for (const r of ranges) {
        for (let a = r.start; a <= r.end; a++) (this.leases.has(a) ? used : free).push(numberToIp(a));
      }
      out.push({
        name,
        begin: ranges.length ? numberToIp(ranges[0].start) : '0.0.0.0',
        end: ranges.length ? numberToIp(ranges[ranges.length - 1].end) : '0.0.0.0',
        free: free.length,
        inUse: used.length,
        freeAddresses: free,
        inUseAddresses: used,
      });
    }
    return out;
  }
}
