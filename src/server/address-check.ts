/**
 * Can the server give this address to a client? A RADIUS Framed-IP-Address
 * (or the name in a Framed-Pool) comes from a central server that may be
 * wrong; an address the server cannot route to a client must refuse that
 * call, never reach IPCP.
 */
import type { InterfaceAddress } from '../config/model.js';
import { ipToNumber } from '../proto/ip/ipv4.js';

/** Why `address` can never be a client's, or undefined when it can be. */
export function unusableClientAddress(address: string, interfaces: readonly InterfaceAddress[]): string | undefined {
  const n = ipToNumber(address);
  if (n === undefined) return 'not an IPv4 address';
  const first = n >>> 24;
  if (first === 0) return 'an unspecified address (0.0.0.0/8)';
  if (first === 127) return 'a loopback address';
  if (first >= 224) return 'a multicast, reserved or broadcast address';
  for (const i of interfaces) {
    const own = i.address === undefined ? undefined : ipToNumber(i.address);
    if (own === undefined) continue;
    if (own === n) return `the address of interface ${i.name}`;
    const mask = i.mask === undefined ? undefined : ipToNumber(i.mask);
    // /31 and /32 have no network or broadcast address (RFC 3021)
    if (mask === undefined || mask >>> 0 >= 0xfffffffe) continue;
    const network: number = (own & mask) >>> 0;
    const broadcast: number = (network | ~mask) >>> 0;
    if (n === network) return `the network address of interface ${i.name}`;
    if (n === broadcast) return `the broadcast address of interface ${i.name}`;
  }
  return undefined;
}
