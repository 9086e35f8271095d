/**
 * `show ip local pool [NAME]` (column headings from pix-behaviour.md A3;
 * widths are provisional: 12/16/16/6 as in the Syngress sample).
 * Without a name: the summary table of every pool. With a name: that
 * pool's row, then `Available Addresses:` and `In Use Addresses:` lists.
 */
import type { PoolStatus } from '../../server/api.js';

const HEADER = 'Pool        Begin           End             Free  In use';

function row(p: PoolStatus): string {
  return `${p.name.padEnd(11)} ${p.begin.padEnd(15)} ${p.end.padEnd(15)} ${String(p.free).padEnd(5)} ${p.inUse}`;
}

export function renderShowIpLocalPool(pools: PoolStatus[], name?: string): string[] {
  if (name === undefined) {
    if (pools.length === 0) return ['% No ip local pools configured'];
    return [HEADER, ...pools.map(row)];
  }
  const p = pools.find((x) => x.name === name);
  if (!p) return [`% Pool ${name} not found`];
  const out = [HEADER, row(p), 'Available Addresses:', ...p.freeAddresses];
  if (p.inUseAddresses.length > 0) out.push('In Use Addresses:', ...p.inUseAddresses);
  return out;
}
