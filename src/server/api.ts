/**
 * What the shell may ask of the server. The CLI depends on this interface
 * only (tests use a fake); src/server/server.ts implements it.
 */
import type { ConfigDiff } from '../config/model.js';
import type { AaaGroupStats, AaaObservation } from './aaa/group.js';
import type { ServerCensus } from './totals.js';
import type { CaptureInfo } from './capture.js';

export type { AaaGroupStats, AaaObservation, AaaServerStatus } from './aaa/group.js';
export type { ServerCensus, ServerTotals, SetupFailure } from './totals.js';
export type { CaptureInfo } from './capture.js';

/** What `capture NAME [interface IF] [user U] [tunnel N]` selects. */
export interface CaptureSelect {
  name: string;
  interfaceName?: string;
  user?: string;
  tunnel?: number;
}

export interface TunnelStatus {
  id: number;
  /** PPTP has no remote tunnel id; the PIX prints the local id again. */
  remoteId: number;
  state: string; // 'estabd', 'wt-sccrq', ...
  /** ms since the last state change */
  sinceChange: number;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  activeSessions: number;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface SessionStatus {
  callId: number;
  tunnelId: number;
  /** RADIUS Acct-Session-Id (what a Disconnect-Request names). */
  acctSessionId?: string;
  remoteAddress: string;
  username: string; // '' before authentication
  state: string; // 'estabd', 'wt-vacc', ...
  sinceChange: number;
  interfaceName: string; // the `vpdn enable` interface, e.g. 'outside'
  remoteCallId: number;
  pppInterfaceId: number;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** GRE window state */
  seq: number;
  ack: number;
  ackReceived: number;
  peerRecvWindow: number;
  outOfOrder: number;
  /** PPP */
  authProtocol?: string; // 'PAP' | 'CHAP' | 'MSCHAP' | 'MSCHAP-V2'
  serverAddress?: string;
  clientAddress?: string;
  mppe?: { bits: 40 | 56 | 128; stateful: boolean } | null;
  encryptedPackets: number;
  decryptedPackets: number;
  /** group the call was accepted under */
  group: string;
  /** Split tunnelling: DHCPINFORMs answered, DHCP packets dropped. */
  dhcp?: { informsAnswered: number; dropped: number };
}

export interface PoolStatus {
  name: string;
  begin: string;
  end: string;
  free: number;
  inUse: number;
  freeAddresses: string[];
  inUseAddresses: string[];
}

/** Counters of rejected input, per layer (debug vpdn error + show). */
export type ErrorCounters = Record<string, number>;

export interface ServerStatus {
  tunnels: TunnelStatus[];
  sessions: SessionStatus[];
  pools: PoolStatus[];
  listening: { interfaceName: string; address: string; port: number }[];
  errors: ErrorCounters;
  /** Since start, every call ended and live: DHCPINFORMs answered, DHCP packets dropped (by reason in `errors`). */
  dhcp?: { informsAnswered: number; dropped: number };
  /** The native receive fast path (src/server/fast-path.ts), when it runs: calls in it now, packets it forwarded, calls taken and given back since start. */
  fastPath?: FastPathStatus;
}

export interface FastPathStatus {
  calls: number;
  forwarded: number;
  engaged: number;
  released: number;
}

/**
 * `show vpdn` as it is printed: the counts for its head, then the blocks,
 * read as they are iterated. A block may be one object filled in again for
 * the next (the server's own does not allocate per call): read each before
 * asking for the next, keep none.
 */
export interface VpdnBlocks {
  tunnels: number;
  sessions: number;
  tunnelBlocks: Iterable<TunnelStatus>;
  sessionBlocks: Iterable<CallBlock>;
}

/** What a `show vpdn` call block prints of a call (the server reads no more of it). */
export type CallBlock = Pick<
  SessionStatus,
  | 'callId'
  | 'tunnelId'
  | 'remoteAddress'
  | 'username'
  | 'state'
  | 'sinceChange'
  | 'interfaceName'
  | 'remoteCallId'
  | 'pppInterfaceId'
  | 'packetsSent'
  | 'packetsReceived'
  | 'bytesSent'
  | 'bytesReceived'
  | 'seq'
  | 'ack'
  | 'ackReceived'
  | 'peerRecvWindow'
  | 'outOfOrder'
>;

/** A status with every field present (one shape), to be filled in. */
export function blankSessionStatus(): SessionStatus {
  return {
    callId: 0,
    tunnelId: 0,
    acctSessionId: undefined,
    remoteAddress: '',
    username: '',
    state: '',
    sinceChange: 0,
    interfaceName: '',
    remoteCallId: 0,
    pppInterfaceId: 0,
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    seq: 0,
    ack: 0,
    ackReceived: 0,
    peerRecvWindow: 0,
    outOfOrder: 0,
    authProtocol: undefined,
    serverAddress: undefined,
    clientAddress: undefined,
    mppe: undefined,
    encryptedPackets: 0,
    decryptedPackets: 0,
    group: '',
    dhcp: undefined,
  };
}

export function blankTunnelStatus(): TunnelStatus {
  return {
    id: 0,
    remoteId: 0,
    state: '',
    sinceChange: 0,
    remoteAddress: '',
    remotePort: 0,
    localAddress: '',
    localPort: 0,
    activeSessions: 0,
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
}

export function vpdnBlocksOf(st: ServerStatus): VpdnBlocks {
  return { tunnels: st.tunnels.length, sessions: st.sessions.length, tunnelBlocks: st.tunnels, sessionBlocks: st.sessions };
}

export interface VpnServerApi {
  /** Apply a committed config change. Rejects (and changes nothing) if a
   *  side effect fails (e.g. cannot bind 1723). */
  reconfigure(diff: ConfigDiff): Promise<void>;
  status(): ServerStatus;
  /** The same tunnels and calls, each status made as it is read (a remote shell streams `show vpdn` from it without holding a snapshot). */
  vpdnBlocks?(): VpdnBlocks;
  /** `clear vpdn tunnel all | id N`: CDN + StopCCRQ. Returns how many. */
  clearTunnels(id: number | 'all'): number;
  /**
   * `capture NAME ...` (extension for PPTP sessions): start or replace a
   * capture. With data-plane workers it starts on every worker or on none
   * (rejects with the reason).
   */
  startCapture?(spec: CaptureSelect): Promise<void>;
  /** `no capture NAME`; false if there was none. With workers: every worker or none (rejects). */
  stopCapture?(name: string): Promise<boolean>;
  /** `show capture`: name, filter, packets and bytes held (with workers: every worker's, added up). */
  captures?(): Promise<CaptureInfo[]>;
  /** The captures' names, at once (the shell's completion). */
  captureNames?(): string[];
  /** `copy capture:NAME FILE`: the capture as one pcapng file (with workers: theirs merged by timestamp), undefined if unknown. */
  capturePcap?(name: string): Promise<Buffer | undefined>;
  /** For the metrics endpoint: calls by state, counters since start (set-ups, failures, traffic, drops), pools. */
  census?(perUser: boolean): Promise<ServerCensus>;
  /** Called for each RADIUS/TACACS+ authentication answered or given up (metrics). */
  onAaaResult?: ((o: AaaObservation) => void) | undefined;
  /** `show aaa-server [G]`: per group and server (RADIUS/TACACS+ counters, accounting queue). */
  aaaStatus?(): AaaGroupStats[];
  /** A shell login checked against aaa-server group `tag` (PAP): never rejects. */
  authenticateConsole?(tag: string, user: string, password: string): Promise<'accept' | 'reject' | 'unreachable'>;
  /** Can a pool be removed or changed now? Returns a PIX-style error if not. */
  checkPoolChange?(diff: ConfigDiff): string | undefined;
  /** How many data-plane worker processes run (absent: the data plane is this process). */
  dataPlaneWorkers?(): number;
  /** Data-plane workers: bring the status mirror up to date (the shell awaits it before `show vpdn` and `clear vpdn`). */
  refresh?(): Promise<void>;
  /** Data-plane workers: a line every shell prints (a worker died, was restarted); the shell sets it. */
  onNotice?: ((line: string) => void) | undefined;
  close(): Promise<void>;
}
