/**
 * The client side of a DHCPINFORM over a VPN link, as Windows 10 sends it
 * (shared/reference/captures/windows10-rras-mschapv2-mppe128.pcap, frames
 * 326 and 533, decrypted): from ciaddr:68 to 255.255.255.255:67, htype 8,
 * hlen 0, no chaddr; options 53 (INFORM), 61 (type 0 + a 16-octet GUID),
 * 12 (computer name), 60 ("MSFT 5.0"), 55 (6, 44, 43, 1, 249, 15).
 * readInformAck() takes the answer: routes from 249 (what Windows uses),
 * else 121.
 */
import { buildUdpIpv4, parseUdpIpv4 } from '../ip/udp.js';
import {
  BOOTREPLY,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  DhcpMessageType,
  DhcpOption,
  addressesOf,
  decodeDhcp,
  encodeDhcp,
  messageTypeOf,
} from './message.js';
import { OPTION_CLASSLESS_ROUTES, OPTION_MS_CLASSLESS_ROUTES, decodeClasslessRoutes, type ClasslessRoute } from './classless-routes.js';

export interface InformRequest {
  clientAddress: string;
  xid: number;
  /** RFC 2131 secs as read big-endian: Windows puts its seconds least significant octet first (6 s is 0x0600). */
  secs?: number;
  /** 16 octets (Windows: the connection's GUID). */
  clientId: Buffer;
  hostName: string;
}

/** Windows 10's parameter request list in its INFORM. */
const WINDOWS_PARAMETERS = [6, 44, 43, 1, 249, 15];
const WINDOWS_VENDOR_CLASS = 'MSFT 5.0';
/** RFC 2132 9.14 / RFC 4361: hardware type 0, the identifier is not a link-layer address. */
const CLIENT_ID_TYPE_OTHER = 0;
/** The htype Windows puts in its INFORM over PPP. */
const HTYPE_WINDOWS_RAS = 8;

/** The IPv4 packet of a Windows 10 DHCPINFORM. */
export function buildInform(r: InformRequest): Buffer {
  const options = new Map<number, Buffer>([
    [DhcpOption.MESSAGE_TYPE, Buffer.from([DhcpMessageType.INFORM])],
    [DhcpOption.CLIENT_IDENTIFIER, Buffer.concat([Buffer.from([CLIENT_ID_TYPE_OTHER]), r.clientId])],
    [DhcpOption.HOST_NAME, Buffer.from(r.hostName, 'ascii')],
    [DhcpOption.VENDOR_CLASS, Buffer.from(WINDOWS_VENDOR_CLASS, 'ascii')],
    [DhcpOption.PARAMETER_REQUEST_LIST, Buffer.from(WINDOWS_PARAMETERS)],
  ]);
  const payload = encodeDhcp({
    op: BOOTREQUEST,
    htype: HTYPE_WINDOWS_RAS,
    hlen: 0,
    hops: 0,
    xid: r.xid,
    secs: r.secs ?? 0,
    flags: 0,
    ciaddr: r.clientAddress,
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: Buffer.alloc(16),
    options,
  });
  return buildUdpIpv4({ src: r.clientAddress, dst: '255.255.255.255', srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload, ttl: 128 });
}

export interface InformAck {
  server: string | undefined;
  routes: ClasslessRoute[];
  /** Which option the routes came from (undefined: none given). */
  routesFrom: 249 | 121 | undefined;
  domainName: string | undefined;
  dns: string[];
  wins: string[];
}

/**
 * The DHCPACK to our INFORM `xid` in an IPv4 packet from the tunnel, or
 * undefined when the packet is anything else (a client ignores what is
 * not its answer). A route option that does not decode is ignored, as
 * RFC 3442 says. Never throws.
 */
export function readInformAck(packet: Buffer, xid: number): InformAck | undefined {
  const udp = parseUdpIpv4(packet);
  if (!udp.ok || udp.datagram.srcPort !== DHCP_SERVER_PORT || udp.datagram.dstPort !== DHCP_CLIENT_PORT) return undefined;
  const d = decodeDhcp(udp.datagram.payload);
  if (!d.ok || d.message.op !== BOOTREPLY || d.message.xid !== xid || messageTypeOf(d.message) !== DhcpMessageType.ACK) return undefined;
  const o = d.message.options;
  let routes: ClasslessRoute[] = [];
  let routesFrom: InformAck['routesFrom'];
  for (const code of [OPTION_MS_CLASSLESS_ROUTES, OPTION_CLASSLESS_ROUTES] as const) {
    const data = o.get(code);
    if (!data) continue;
    const r = decodeClasslessRoutes(data);
    if (!r.ok) continue;
    routes = r.routes;
    routesFrom = code;
    break;
  }
  return {
    server: addressesOf(o.get(DhcpOption.SERVER_IDENTIFIER))?.[0],
    routes,
    routesFrom,
    domainName: o.get(DhcpOption.DOMAIN_NAME)?.toString('latin1').replace(/\0+$/, ''),
    dns: addressesOf(o.get(DhcpOption.DNS_SERVERS)) ?? [],
    wins: addressesOf(o.get(DhcpOption.NETBIOS_NAME_SERVERS)) ?? [],
  };
}
