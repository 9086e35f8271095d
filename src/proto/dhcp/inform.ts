/**
 * The server's answer to a DHCPINFORM that came through a tunnel (RFC 2131
 * section 3.4: a client with an address asks only for its settings). The
 * DHCPACK carries the group's routes (249 and 121, RFC 3442), its DNS
 * suffix (15) and its DNS and WINS servers (6, 44), from the server's PPP
 * address to the client's. Nothing else of DHCP is served: no address is
 * leased, every other message type is dropped.
 */
import { buildUdpIpv4, parseUdpIpv4, udpDestinationPort } from '../ip/udp.js';
import {
  BOOTREPLY,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_MESSAGE_TYPE_NAMES,
  DHCP_SERVER_PORT,
  DhcpMessageType,
  DhcpOption,
  addressesOption,
  decodeDhcp,
  encodeDhcp,
  messageTypeOf,
  type DhcpMessage,
} from './message.js';
import { OPTION_CLASSLESS_ROUTES, OPTION_MS_CLASSLESS_ROUTES, encodeClasslessRoutes, type ClasslessRoute } from './classless-routes.js';

/** What a group hands out: routes without their router (it is the server's PPP address). */
export interface InformSettings {
  routes: readonly { network: string; prefixLength: number }[];
  domainName?: string;
  dns: readonly string[];
  wins: readonly string[];
}

export interface InformPeers {
  /** The server's PPP address (IPCP local address): the ACK's source, the routes' router, option 54. */
  serverAddress: string;
  /** The address IPCP gave the client: the only ciaddr we answer. */
  clientAddress: string;
}

/** An INFORM is a few hundred octets; a DHCP message past this is not one a client needs answered. */
export const MAX_DHCP_INPUT_OCTETS = 1024;
/** RFC 2131 section 2: without option 57 a client need not take more than 576 octets of IP. */
const DEFAULT_MAX_REPLY_IP_OCTETS = 576;
const IP_UDP_HEADERS = 28;
const LIMITED_BROADCAST = 0xffffffff;

export type InformDropReason = 'malformed' | 'oversized' | 'not-inform' | 'reply-too-large';

export type InformOutcome =
  | { kind: 'answered'; reply: Buffer; xid: number; routes: ClasslessRoute[]; replyOctets: number }
  | { kind: 'dropped'; reason: InformDropReason; detail: string; xid?: number };

/**
 * A packet from the client meant for a DHCP server we stand for: UDP to
 * port 67 at the limited broadcast or at the server's PPP address. DHCP
 * to another host (an inside server) is ordinary traffic, not ours.
 */
export function isDhcpForServer(packet: Buffer, serverAddressNumber: number | undefined): boolean {
  if (udpDestinationPort(packet) !== DHCP_SERVER_PORT) return false;
  const dst = packet.readUInt32BE(16);
  return dst === LIMITED_BROADCAST || dst === serverAddressNumber;
}

/** The answer to one packet that isDhcpForServer() took; never throws. */
export function answerInform(packet: Buffer, peers: InformPeers, settings: InformSettings): InformOutcome {
  const udp = parseUdpIpv4(packet);
  if (!udp.ok) return { kind: 'dropped', reason: 'malformed', detail: `UDP ${udp.error}` };
  const payload = udp.datagram.payload;
  if (payload.length > MAX_DHCP_INPUT_OCTETS) return { kind: 'dropped', reason: 'oversized', detail: `${payload.length} octets (at most ${MAX_DHCP_INPUT_OCTETS})` };
  const d = decodeDhcp(payload);
  if (!d.ok) return { kind: 'dropped', reason: 'malformed', detail: `${d.error.code}: ${d.error.detail}` };
  const m = d.message;
  if (m.op !== BOOTREQUEST || m.hlen > 16) return { kind: 'dropped', reason: 'malformed', detail: `op ${m.op}, hlen ${m.hlen}`, xid: m.xid };
  const type = messageTypeOf(m);
  if (type !== DhcpMessageType.INFORM) {
    return { kind: 'dropped', reason: 'not-inform', detail: type === undefined ? 'no message type' : (DHCP_MESSAGE_TYPE_NAMES[type] ?? `type ${type}`), xid: m.xid };
  }
  if (m.ciaddr !== peers.clientAddress) {
    return { kind: 'dropped', reason: 'malformed', detail: `ciaddr ${m.ciaddr} is not the client's address ${peers.clientAddress}`, xid: m.xid };
  }
  const routes: ClasslessRoute[] = settings.routes.map((r) => ({ ...r, router: peers.serverAddress }));
  const ack = encodeDhcp(ackFor(m, peers, settings, routes));
  const maxIp = maxReplyOctets(m);
  if (ack.length + IP_UDP_HEADERS > maxIp) {
    return { kind: 'dropped', reason: 'reply-too-large', detail: `DHCPACK of ${ack.length + IP_UDP_HEADERS} octets, the client takes ${maxIp}`, xid: m.xid };
  }
  const reply = buildUdpIpv4({ src: peers.serverAddress, dst: peers.clientAddress, srcPort: DHCP_SERVER_PORT, dstPort: DHCP_CLIENT_PORT, payload: ack });
  return { kind: 'answered', reply, xid: m.xid, routes, replyOctets: reply.length };
}

/** RFC 2131 table 3, DHCPACK to a DHCPINFORM: no yiaddr and no lease time; xid, flags, giaddr, chaddr as the client sent them. */
function ackFor(m: DhcpMessage, peers: InformPeers, s: InformSettings, routes: ClasslessRoute[]): DhcpMessage {
  const options = new Map<number, Buffer>();
  options.set(DhcpOption.MESSAGE_TYPE, Buffer.from([DhcpMessageType.ACK]));
  options.set(DhcpOption.SERVER_IDENTIFIER, addressesOption([peers.serverAddress]));
  if (routes.length) {
    const data = encodeClasslessRoutes(routes);
    options.set(OPTION_MS_CLASSLESS_ROUTES, data);
    options.set(OPTION_CLASSLESS_ROUTES, data);
  }
  if (s.domainName) options.set(DhcpOption.DOMAIN_NAME, Buffer.from(s.domainName, 'ascii'));
  if (s.dns.length) options.set(DhcpOption.DNS_SERVERS, addressesOption(s.dns));
  if (s.wins.length) options.set(DhcpOption.NETBIOS_NAME_SERVERS, addressesOption(s.wins));
  return {
    op: BOOTREPLY,
    htype: m.htype,
    hlen: m.hlen,
    hops: 0,
    xid: m.xid,
    secs: 0,
    flags: m.flags,
    ciaddr: m.ciaddr,
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: m.giaddr,
    chaddr: m.chaddr,
    options,
  };
}

/** Option 57 when the client sent a usable one (at least 576), else 576. */
function maxReplyOctets(m: DhcpMessage): number {
  const o = m.options.get(DhcpOption.MAX_MESSAGE_SIZE);
  const n = o?.length === 2 ? o.readUInt16BE(0) : 0;
  return n >= DEFAULT_MAX_REPLY_IP_OCTETS ? n : DEFAULT_MAX_REPLY_IP_OCTETS;
}
