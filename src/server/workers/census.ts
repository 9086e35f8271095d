/**
 * The metrics census of several workers as one: counts and totals summed,
 * calls by (state, protocol) and per user merged; the pools are the
 * primary's (it holds the leases).
 */
import type { PoolStatus } from '../api.js';
import { emptyCensus, type ServerCensus, type SetupFailure } from '../totals.js';

export function mergeCensus(parts: ServerCensus[], pools: PoolStatus[], perUser: boolean): ServerCensus {
  const out = emptyCensus(pools);
  const users = new Map<string, { user: string; sessions: number; bytesIn: number; bytesOut: number }>();
  for (const c of parts) {
    out.tunnels += c.tunnels;
    for (const s of c.sessions) {
      const e = out.sessions.find((x) => x.state === s.state && x.auth === s.auth);
      if (e) e.n += s.n;
      else out.sessions.push({ ...s });
    }
    for (const u of c.users ?? []) {
      const e = users.get(u.user);
      if (e) {
        e.sessions += u.sessions;
        e.bytesIn += u.bytesIn;
        e.bytesOut += u.bytesOut;
      } else users.set(u.user, { ...u });
    }
    const t = out.totals;
    const o = c.totals;
    t.packetsIn += o.packetsIn;
    t.packetsOut += o.packetsOut;
    t.bytesIn += o.bytesIn;
    t.bytesOut += o.bytesOut;
    t.mppeRejected += o.mppeRejected;
    t.greDropped += o.greDropped;
    t.dhcpInformsAnswered += o.dhcpInformsAnswered;
    t.dhcpDropped += o.dhcpDropped;
    t.setups += o.setups;
    for (const k of Object.keys(o.failures) as SetupFailure[]) t.failures[k] = (t.failures[k] ?? 0) + (o.failures[k] ?? 0);
    for (const k in c.errors) out.errors[k] = (out.errors[k] ?? 0) + c.errors[k];
  }
  if (perUser) out.users = [...users.values()];
  return out;
}
