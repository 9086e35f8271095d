/**
 * The typed part of the running-config that the VPN server consumes.
 *
 * This file is the contract between the shell (grammar -> commands ->
 * commit) and the server (`reconfigure`). The shell's full RunningConfig
 * embeds a VpnConfig and adds what only the shell needs (opaque lines,
 * enable password, terminal settings ...).
 *
 * Addresses are dotted-quad strings; ports and seconds are numbers.
 */

/** `vpdn group N ppp authentication ...`; mschap = MS-CHAPv1 (RFC 2433),
 *  mschap-v2 = MS-CHAPv2 (RFC 2759, our documented extension). */
export type AuthProtocol = 'pap' | 'chap' | 'mschap' | 'mschap-v2';

/** `vpdn group N ppp encryption mppe 40|56|128|auto [required] [stateful]` */
export interface MppeSetting {
  strength: 40 | 56 | 128 | 'auto';
  required: boolean;
  /** Extension: stateless (RFC 3078 H bit) is the default. */
  stateful: boolean;
}

export type ClientAuthentication =
  | { kind: 'local' }
  | { kind: 'aaa'; group: string };

export interface VpdnGroup {
  name: string;
  /** `vpdn group N accept dialin pptp` */
  acceptDialinPptp: boolean;
  /** In the order the `ppp authentication` lines were entered; the server
   *  offers them in this order. Empty = PIX default (pap). */
  authentication: AuthProtocol[];
  mppe?: MppeSetting;
  /** `client configuration address local POOL` */
  addressPool?: string;
  /** `client configuration dns A [B]` */
  dns: string[];
  /** `client configuration wins A [B]` */
  wins: string[];
  /** Extension `client configuration route NETWORK MASK` (one line each): the routes the
   *  server hands a Windows client in its DHCPACK to the client's DHCPINFORM. */
  routes?: { network: string; mask: string }[];
  /** Extension `client configuration domain-name NAME`: DHCP option 15 in that DHCPACK. */
  domainName?: string;
  /** `client authentication local | aaa GROUP`; undefined = local. */
  clientAuthentication?: ClientAuthentication;
  /** `client accounting GROUP` */
  clientAccounting?: string;
  /** `pptp echo SECONDS` (PPTP control Echo-Request interval). */
  pptpEcho?: number;
}

/** `vpdn username U password P` (U may be DOMAIN\user). */
export interface VpdnUser {
  name: string;
  password: string;
  /** `store-local` (PIX 6.3: kept in flash for PPPoE/L2TP client use); written back, no effect here. */
  storeLocal?: true;
}

export interface AddressRange {
  start: string;
  end: string;
}

/** `ip local pool NAME A-B [mask M]` (several lines with one NAME add ranges). */
export interface IpLocalPool {
  name: string;
  ranges: AddressRange[];
  mask?: string;
}

/** `aaa-server G (IF) host IP [KEY] [timeout N]` + later 6.3 per-host forms. */
export interface AaaHost {
  interfaceName?: string;
  address: string;
  key?: string;
  /** seconds, PIX default 5, max 30 */
  timeout?: number;
  /** PIX defaults 1645 / 1646 */
  authenticationPort?: number;
  accountingPort?: number;
}

/** `aaa-server G protocol radius|tacacs+|local` + group-wide options. */
export interface AaaServerGroup {
  tag: string;
  protocol: 'radius' | 'tacacs+' | 'local';
  hosts: AaaHost[];
  maxFailedAttempts?: number;
  /** minutes */
  deadtime?: number;
  /** Extension `aaa-server G dynamic-authorization [port N]`: accept RFC 5176
   *  Disconnect/CoA from this group's hosts (checked with their keys). */
  dynamicAuthorization?: { port: number };
  /** Extension `aaa-server G accounting interim SECONDS`: Interim-Update period. */
  interimSeconds?: number;
}

/** `nameif` + `ip address IF A M`: how `vpdn enable IF` finds an address. */
export interface InterfaceAddress {
  name: string;
  address?: string;
  mask?: string;
  mtu?: number;
}

/** Extension `vpdn limit ...`: overload and brute-force protection. */
export interface VpdnLimits {
  /** `vpdn limit sessions N`: concurrent PPTP sessions (403103 when hit). */
  maxSessions?: number;
  /** `vpdn limit per-source N`: tunnels from one source address. */
  maxPerSource?: number;
  /** `vpdn limit auth-failures N backoff SECONDS`: after N failed
   *  authentications from one source, refuse its new tunnels for SECONDS. */
  authFailures?: { count: number; backoffSeconds: number };
  /** `vpdn limit setup-timeout SECONDS`: SCCRQ and PPP set-up must finish in time. */
  setupTimeoutSeconds?: number;
}

export interface VpnConfig {
  hostname: string;
  interfaces: InterfaceAddress[];
  vpdnGroups: VpdnGroup[];
  vpdnUsers: VpdnUser[];
  /** `vpdn enable IF` interface names */
  vpdnEnable: string[];
  pools: IpLocalPool[];
  aaaServerGroups: AaaServerGroup[];
  /** `sysopt connection permit-pptp` */
  sysoptPermitPptp: boolean;
  /** `vpdn limit ...` (extension); absent = no limits. */
  limits?: VpdnLimits;
}

/** What a commit hands the server: the whole before/after snapshots. The
 *  server works out what changed; snapshots are never mutated. */
export interface ConfigDiff {
  before: VpnConfig;
  after: VpnConfig;
}

export function emptyVpnConfig(): VpnConfig {
  return {
    hostname: 'pixfirewall',
    interfaces: [],
    vpdnGroups: [],
    vpdnUsers: [],
    vpdnEnable: [],
    pools: [],
    aaaServerGroups: [],
    sysoptPermitPptp: false,
  };
}
