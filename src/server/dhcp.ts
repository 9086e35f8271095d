/**
 * Split tunnelling on the server: a DHCPINFORM a client sends through
 * its tunnel is answered with the routes, DNS suffix and name servers of
 * the group the call started with (src/proto/dhcp/inform.ts builds the
 * DHCPACK); any other DHCP for the server is dropped and counted.
 */
import type { VpdnGroup } from '../config/model.js';
import type { DebugBus } from '../debug/bus.js';
import { dhcpAckLine, dhcpDroppedLine, dhcpInformLine } from '../debug/cisco-dhcp.js';
import { answerInform, type InformOutcome, type InformSettings } from '../proto/dhcp/inform.js';
import { prefixLengthOf } from '../proto/dhcp/classless-routes.js';
import { DhcpOption, decodeDhcp } from '../proto/dhcp/message.js';
import { parseUdpIpv4 } from '../proto/ip/udp.js';

export { isDhcpForServer } from '../proto/dhcp/inform.js';

export interface DhcpCounters {
  informsAnswered: number;
  dropped: number;
}

/** What a group hands out in its DHCPACK (masks as prefix lengths). */
export function informSettingsOf(g: VpdnGroup): InformSettings {
  return {
    routes: (g.routes ?? []).map((r) => ({ network: r.network, prefixLength: prefixLengthOf(r.mask) ?? 32 })),
    domainName: g.domainName,
    dns: g.dns,
    wins: g.wins,
  };
}

export interface DhcpCall {
  tunnelId: number;
  callId: number;
  serverAddress: string;
  clientAddress: string;
  settings: InformSettings;
  counters: DhcpCounters;
  /** The DHCPACK into the tunnel. */
  send(reply: Buffer): void;
}

/** Answers or drops one packet isDhcpForServer() took, counts it on the call, prints it under debug vpdn. */
export function serveDhcp(call: DhcpCall, packet: Buffer, bus: DebugBus): InformOutcome {
  const r = answerInform(packet, { serverAddress: call.serverAddress, clientAddress: call.clientAddress }, call.settings);
  const ctx = { tunnel: call.tunnelId };
  const text = { tunnelId: call.tunnelId, callId: call.callId, client: call.clientAddress };
  if (r.kind === 'dropped') {
    call.counters.dropped++;
    if (bus.on('vpdn error')) bus.debug('vpdn error', dhcpDroppedLine(call.tunnelId, call.callId, call.clientAddress, r.reason, r.detail), ctx);
    return r;
  }
  call.counters.informsAnswered++;
  if (bus.on('vpdn packet')) {
    bus.debug('vpdn packet', dhcpInformLine({ ...text, xid: r.xid, asks: requestedOptions(packet) }), ctx);
    bus.debug('vpdn packet', dhcpAckLine({ ...text, xid: r.xid, routes: r.routes, domainName: call.settings.domainName, dns: call.settings.dns, wins: call.settings.wins, octets: r.replyOctets }), ctx);
  }
  call.send(r.reply);
  return r;
}

/** Option 55 of an INFORM already answered (so it decodes), for the debug line. */
function requestedOptions(packet: Buffer): number[] | undefined {
  const u = parseUdpIpv4(packet);
  const d = u.ok ? decodeDhcp(u.datagram.payload) : undefined;
  const list = d?.ok ? d.message.options.get(DhcpOption.PARAMETER_REQUEST_LIST) : undefined;
  return list ? [...list] : undefined;
}
