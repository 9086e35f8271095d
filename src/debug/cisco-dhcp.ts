/**
 * `debug vpdn packet` / `debug vpdn error` text for the DHCPINFORM a
 * client sends through its tunnel and the server's DHCPACK, in the
 * prefix form of the PPTP lines (src/debug/cisco-pptp.ts):
 *
 *   Tnl/Cl 1/1 PPTP: DHCP I INFORM xid 0xca429780 from 10.97.0.10, asks 6 44 43 1 249 15
 *   Tnl/Cl 1/1 PPTP: DHCP O ACK xid 0xca429780 to 10.97.0.10, routes 10.1.1.0/24 via 10.99.0.1, domain corp.example, dns 10.1.1.53
 *   Tnl/Cl 1/1 PPTP: DHCP from 10.97.0.10 dropped, not-inform: DISCOVER
 */
import { pptpPrefix } from './cisco-pptp.js';

export interface DhcpInformText {
  tunnelId: number;
  callId: number;
  xid: number;
  client: string;
  /** Option 55 of the INFORM, when it had one. */
  asks?: readonly number[];
}

const xidText = (xid: number) => `0x${(xid >>> 0).toString(16).padStart(8, '0')}`;

export function dhcpInformLine(t: DhcpInformText): string {
  return `${pptpPrefix(t.tunnelId, t.callId)} DHCP I INFORM xid ${xidText(t.xid)} from ${t.client}${t.asks?.length ? `, asks ${t.asks.join(' ')}` : ''}`;
}

export interface DhcpAckText extends DhcpInformText {
  routes: readonly { network: string; prefixLength: number; router: string }[];
  domainName?: string;
  dns: readonly string[];
  wins: readonly string[];
  octets: number;
}

export function dhcpAckLine(t: DhcpAckText): string {
  const parts = [`${pptpPrefix(t.tunnelId, t.callId)} DHCP O ACK xid ${xidText(t.xid)} to ${t.client}, len ${t.octets}`];
  if (t.routes.length) parts.push(`routes ${t.routes.map((r) => `${r.network}/${r.prefixLength}`).join(' ')} via ${t.routes[0].router}`);
  if (t.domainName) parts.push(`domain ${t.domainName}`);
  if (t.dns.length) parts.push(`dns ${t.dns.join(' ')}`);
  if (t.wins.length) parts.push(`wins ${t.wins.join(' ')}`);
  return parts.join(', ');
}

export function dhcpDroppedLine(tunnelId: number, callId: number, client: string, reason: string, detail: string): string {
  return `${pptpPrefix(tunnelId, callId)} DHCP from ${client} dropped, ${reason}: ${detail}`;
}
