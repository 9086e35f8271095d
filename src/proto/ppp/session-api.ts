/**
 * What a PppSession (session.ts) is given and what it reports: its
 * options, the vpdn group settings it runs with, the link-up information
 * and the status `show vpdn` prints.
 */
import type { Clock } from '../../util/clock.js';
import type { AuthProtocol, MppeSetting } from '../../config/model.js';
import type { Authenticator } from '../authenticator.js';
import type { MppeAgreed, MppeNegotiation } from './ccp.js';
import type { AuthSuccess } from './auth/common.js';
import type { PppClientProfile } from './client-profiles.js';
import type { PppDebugSink } from './debug-events.js';

import type { PppPhase } from './phase.js';

export type { PppPhase };

/** The vpdn group settings a session runs with. */
export interface PppGroupSettings {
  /** server: protocols to require, in order (empty = PIX default PAP); client: protocols we accept */
  authProtocols: readonly AuthProtocol[];
  mppe?: MppeSetting;
  /** `client configuration dns` / `wins` (server) */
  dns: readonly string[];
  wins: readonly string[];
  /** server: our address in IPCP (the `vpdn enable` interface address) */
  localAddress?: string;
}

export interface PppUpInfo {
  username: string;
  clientAddress: string;
  serverAddress: string;
  authProtocol: AuthProtocol | undefined;
  mppe: MppeAgreed | null;
  /** server: what the backend returned (Session-Timeout, Class ...) */
  auth?: AuthSuccess;
  /** client: name servers the server gave us */
  dns?: string[];
  /** client: NBNS servers the server gave us (when asked for) */
  wins?: string[];
}

export interface PppSessionOptions {
  role: 'server' | 'client';
  /** PPP virtual interface id (`pppdev: 1`, `Vi1`) */
  pppIfId: number;
  /** one PPP frame to the lower layer (GRE) */
  send(frame: Buffer): void;
  clock: Clock;
  /** debug and syslog events (src/debug/cisco-ppp-session.ts makes the lines) */
  debug: PppDebugSink;
  /** the `vpdn enable` interface (status only) */
  ifName: string;
  group: PppGroupSettings;
  /** server role */
  authenticator?: Authenticator;
  /** client role */
  credentials?: { username: string; password: string };
  /** server role: an address for the user (AAA's Framed-IP-Address or Framed-Pool wins over the group's pool), undefined = none to give; a Promise when the leases are held elsewhere (a data-plane worker asks the primary) */
  allocateAddress?(username: string, aaa?: AaaAddressing): string | undefined | Promise<string | undefined>;
  releaseAddress?(addr: string): void;
  onUp(info: PppUpInfo): void;
  onDown(reason: string): void;
  onIpPacket(packet: Buffer): void;
  /** for debug filters (`Tnl 42`) */
  tunnelId?: number;
  /** LCP tunables */
  mru?: number | null;
  echoIntervalMs?: number;
  echoFailures?: number;
  /** give up when authentication has not finished after this long (default 30 s) */
  authTimeoutMs?: number;
  /** CHAP name in our Challenges (PIX 6.3: none) */
  chapName?: string;
  /** MPPE option logic (default: policyMppeNegotiation) */
  mppeNegotiation?(setting: MppeSetting): MppeNegotiation;
  /** client role: how the client behaves on the wire (default BASIC_PPP_PROFILE) */
  clientProfile?: PppClientProfile;
  /** where the MPPE master keys came from, for `debug ppp mppe` (default 'local') */
  mppeKeySource?: 'radius' | 'local';
  random?(n: number): Buffer;
  random32?(): number;
}

/** For `show vpdn pppinterface` / `show vpdn session`. */
export interface PppStatus {
  pppIfId: number;
  phase: PppPhase;
  lcp: string;
  ipcp: string;
  ccp: string;
  /** client role with IPv6CP (profiles); 'initial' otherwise */
  ipv6cp: string;
  username?: string;
  /** 'PAP' | 'CHAP' | 'MSCHAP' | 'MSCHAP-V2' */
  authProtocol?: string;
  serverAddress?: string;
  clientAddress?: string;
  mppe: { bits: 40 | 56 | 128; stateful: boolean } | null;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  encryptedPackets: number;
  decryptedPackets: number;
  /** rejected or dropped input by reason */
  errors: Record<string, number>;
}

/** Packets and octets through the session. */
export interface PppTraffic {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  encrypted: number;
  decrypted: number;
}

/** What the authentication server said about the client's address. */
export interface AaaAddressing {
  framedIp?: string;
  framedPool?: string;
}
