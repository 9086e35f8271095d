/**
 * Network-safety check for the load generator: only loopback, or a host
 * on a network directly connected through a local test interface (veth,
 * tap-, br-, lo), may be a target. Anything routed through a gateway, or
 * out of a real NIC, is refused before a packet is sent. Same idea as
 * shared/reference/linuxvm/host-sccrq-probe.py: ask the kernel how it
 * would route the address (`ip -o route get`).
 */
import { spawnSync } from 'node:child_process';
import { ipToNumber } from '../proto/ip/ipv4.js';

export type TargetVerdict = { ok: true; via: string } | { ok: false; reason: string };

const TEST_DEVICE = /^(lo|veth[\w.-]*|tap-[\w.-]*|br-[\w.-]*)$/;

/**
 * Judge `ip -o route get ADDR` output, e.g.
 *   "10.99.0.2 dev veth-a src 10.99.0.1 uid 0 \    cache"
 *   "local 127.0.0.1 dev lo table local src 127.0.0.1 uid 0 \    cache <local>"
 *   "8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0 \    cache"
 */
export function judgeRoute(address: string, routeOutput: string): TargetVerdict {
  const n = ipToNumber(address);
  if (n === undefined) return { ok: false, reason: `${address} is not an IPv4 address` };
  if (n >>> 24 === 127) return { ok: true, via: 'loopback' };
  const line = routeOutput.trim().split('\n')[0] ?? '';
  if (!line) return { ok: false, reason: `no route to ${address}` };
  const words = line.split(/\s+/);
  if (words[0] === 'unreachable' || words[0] === 'prohibit' || words[0] === 'blackhole') return { ok: false, reason: `${address} is ${words[0]}` };
  const at = (key: string) => {
    const i = words.indexOf(key);
    return i >= 0 ? words[i + 1] : undefined;
  };
  const dev = at('dev');
  if (!dev) return { ok: false, reason: `cannot tell how ${address} is routed: ${line}` };
  if (words[0] === 'local') return { ok: true, via: `local address on ${dev}` };
  const gateway = at('via');
  if (gateway) return { ok: false, reason: `${address} is routed through gateway ${gateway} on ${dev}, not a directly connected test network` };
  if (!TEST_DEVICE.test(dev)) return { ok: false, reason: `${address} is on ${dev}, not a loopback/veth/tap-/br- test interface` };
  return { ok: true, via: `connected on ${dev}` };
}

/** Ask the kernel (of this network namespace) and judge. */
export function checkTarget(address: string): TargetVerdict {
  const n = ipToNumber(address);
  if (n === undefined) return { ok: false, reason: `${address} is not an IPv4 address` };
  if (n >>> 24 === 127) return { ok: true, via: 'loopback' };
  const r = spawnSync('ip', ['-o', 'route', 'get', address], { encoding: 'utf8', timeout: 5000 });
  if (r.error) return { ok: false, reason: `cannot run \`ip route get\`: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `\`ip route get ${address}\` failed: ${(r.stderr || '').trim()}` };
  return judgeRoute(address, r.stdout);
}
