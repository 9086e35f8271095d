/**
 * What the access lists bound to an interface (`access-group ID in
 * interface IF`) and the conduits let in, read from the typed lines
 * (grammar/commands/network.ts names their arguments): the linter asks
 * whether GRE and TCP 1723 reach the tunnel endpoint.
 */
import type { Args } from '../../grammar/config-line.js';
import { ipToInt, SERVICES } from '../../grammar/types.js';
import { entryText } from './store.js';
import type { RunningConfig } from './running.js';

export interface Permit {
  /** ip, tcp, gre, ... or a protocol number, as typed */
  proto: string;
  /** Does the destination side take this address (undefined: an unknown address, taken)? */
  dst(ip: number | undefined): boolean;
  dstPort(port: number): boolean;
  text: string;
}

/** The destination of an access-list; the global (first) address of a conduit, named dst too. */
function dstMatch(a: Args): Permit['dst'] {
  if (a.dst_host !== undefined) {
    const h = ipToInt(String(a.dst_host));
    return (ip) => ip === undefined || ip === h;
  }
  if (a.dst_ip !== undefined) {
    const m = ipToInt(String(a.dst_mask));
    const net = (ipToInt(String(a.dst_ip)) & m) >>> 0;
    return (ip) => ip === undefined || ((ip & m) >>> 0) === net;
  }
  return () => true;
}

const portNumber = (v: unknown): number => (typeof v === 'number' ? v : SERVICES[String(v)] ?? Number(v));

function dstPortMatch(a: Args): Permit['dstPort'] {
  if (a.dst_lo !== undefined) {
    const lo = portNumber(a.dst_lo);
    const hi = portNumber(a.dst_hi);
    return (x) => x >= lo && x <= hi;
  }
  const p = portNumber(a.dst_port);
  switch (a.dst_op) {
    case 'eq': return (x) => x === p;
    case 'neq': return (x) => x !== p;
    case 'lt': return (x) => x < p;
    case 'gt': return (x) => x > p;
    default: return () => true;
  }
}

/** Permit lines that apply to traffic arriving on `ifName`. */
export function permitsOn(rc: RunningConfig, ifName: string): Permit[] {
  const bound = new Set(rc.entries.filter((e) => e.line.cmd === 'access-group' && e.line.args.if_name === ifName).map((e) => String(e.line.args.acl_id)));
  return rc.entries
    .filter((e) => (e.line.cmd === 'conduit' || (e.line.cmd === 'access-list' && bound.has(String(e.line.args.acl_id)))) && e.line.args.action === 'permit')
    .map((e) => ({ proto: String(e.line.args.protocol), dst: dstMatch(e.line.args), dstPort: dstPortMatch(e.line.args), text: entryText(e) }));
}
