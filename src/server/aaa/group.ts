/**
 * One `aaa-server` group as an Authenticator: RADIUS, TACACS+ or LOCAL per
 * the group's protocol, with its hosts in order, keys, timeouts, ports,
 * max-failed-attempts and deadtime. A group object is immutable: a config
 * change builds a new one (AaaRegistry.reconfigure), and the old one
 * finishes its requests in flight before it closes its sockets. RADIUS
 * accounting records still queued move to the new object.
 *
 * Defaults (PIX 6.3): timeout 5 s, 4 tries, RADIUS ports 1645/1646,
 * max-failed-attempts 3, deadtime 10 minutes; TACACS+ on TCP 49.
 */
import type { AaaServerGroup, VpdnUser, VpnConfig } from '../../config/model.js';
import type { DebugBus } from '../../debug/bus.js';
import { CiscoAaaDebug } from '../../debug/cisco-aaa.js';
import { CiscoRadiusDebug } from '../../debug/cisco-radius.js';
import { CiscoTacacsDebug } from '../../debug/cisco-tacacs.js';
import type { Clock } from '../../util/clock.js';
import type { AuthRequest, AuthResult, Authenticator } from '../../proto/authenticator.js';
import { LocalAuthenticator } from './local.js';
import { RadiusAccounting, type AccountingSession, type AccountingStats } from '../../proto/radius/accounting.js';
import { RadiusAuthenticator, type AuthContext } from '../../proto/radius/auth.js';
import { RadiusClient, type RadiusServerStats } from '../../proto/radius/client.js';
import type { TerminateCauseName } from '../../proto/radius/dictionary.js';
import type { DynAuthClient, DynAuthStats } from '../../proto/radius/dynauth.js';
import { nodeUdp, type UdpStack } from '../../proto/radius/udp.js';
import { TacacsAccounting, TacacsAuthenticator, type TacacsAccountingStats } from '../../proto/tacacs/auth.js';
import { TacacsClient, type TacacsServerStats } from '../../proto/tacacs/client.js';
import { nodeTcp, type TcpConnector } from '../../proto/tacacs/tcp.js';

export type { AuthContext } from '../../proto/radius/auth.js';
export type { AccountingSession, SessionCounters } from '../../proto/radius/accounting.js';
export type { TerminateCauseName } from '../../proto/radius/dictionary.js';

export const PIX_DEFAULT_TIMEOUT_S = 5;
export const PIX_TRIES = 4;
export const PIX_DEFAULT_MAX_FAILED = 3;
export const PIX_DEFAULT_DEADTIME_MIN = 10;
export const RADIUS_AUTH_PORT = 1645;
export const RADIUS_ACCT_PORT = 1646;
export const TACACS_PORT = 49;

export interface AaaDeps {
  clock: Clock;
  debug: DebugBus;
  udp?: UdpStack;
  tcp?: TcpConnector;
  /** NAS-IP-Address for RADIUS: one address, or the group's (its hosts' interface address). */
  nasIp?: string | ((group: AaaServerGroup) => string | undefined);
  /** NAS-Identifier (the hostname), optional; read when a group is built. */
  nasIdentifier?: string | (() => string | undefined);
  /** Source address for the `(IF)` of a host line; undefined = any. */
  sourceAddress?: (interfaceName: string | undefined) => string | undefined;
  /** `vpdn username` users, for protocol local. */
  localUsers?: () => readonly VpdnUser[];
  /** TACACS+ single-connection mode (default off, like tac_plus). */
  tacacsSingleConnection?: boolean;
  /** Each RADIUS/TACACS+ authentication, once answered or given up (metrics). */
  observe?: (o: AaaObservation) => void;
  /** RADIUS accounting queue bound (default 1000). */
  accountingQueue?: number;
}

/** Accounting for whichever protocol the group speaks. */
export interface AaaAccounting {
  start(s: AccountingSession): void;
  interim(s: AccountingSession): void;
  stop(s: AccountingSession, cause: TerminateCauseName): void;
}

export interface AaaServerStatus {
  address: string;
  protocol: 'radius' | 'tacacs+';
  status: 'ACTIVE' | 'FAILED';
  /** RADIUS auth/acct ports, or the TACACS+ port twice. */
  authPort: number;
  acctPort: number;
  pending: number;
  authRequests: number;
  acctRequests: number;
  retransmits: number;
  accepts: number;
  rejects: number;
  timeouts: number;
  malformed: number;
  badAuthenticators: number;
  averageRttMs: number;
  radius?: RadiusServerStats;
  tacacs?: TacacsServerStats;
}

export interface AaaGroupStats {
  tag: string;
  protocol: AaaServerGroup['protocol'];
  servers: AaaServerStatus[];
  accounting?: (AccountingStats & { kind: 'radius' }) | (TacacsAccountingStats & { kind: 'tacacs+' });
  /** Requests failed at once because every server was dead. */
  allDead: number;
  /** `aaa-server G dynamic-authorization`: the RFC 5176 listener's port and counters (filled by the server). */
  dynamicAuthorization?: DynAuthStats & { port: number };
}

export interface AaaGroupAuthenticator extends Authenticator {
  readonly tag: string;
  readonly protocol: AaaServerGroup['protocol'];
  readonly config: AaaServerGroup;
  /** RADIUS can carry MPPE keys; TACACS+ never does (seed 003). */
  readonly suppliesMppeKeys: boolean;
  authenticate(req: AuthRequest, ctx?: AuthContext): Promise<AuthResult>;
  readonly accounting: AaaAccounting | undefined;
  /** RADIUS only: Accounting-On / Accounting-Off records (RadiusAccounting.nas). */
  nasAccounting?(kind: 'Accounting-On' | 'Accounting-Off', sessionId: string): void;
  stats(): AaaGroupStats;
  /** Requests in flight. */
  pending(): number;
  /** Hot reconfiguration: hand queued accounting to `next`, finish in-flight requests, then close. */
  retire(next?: AaaGroupAuthenticator): Promise<void>;
  close(): void;
}

/** The RADIUS servers allowed to send Disconnect/CoA for this group, with their keys. */
export function dynAuthClients(group: AaaServerGroup): DynAuthClient[] {
  if (group.protocol !== 'radius') return [];
  return group.hosts.map((h) => ({ address: h.address, secret: h.key ?? '' }));
}

export interface AaaObservation {
  tag: string;
  protocol: 'radius' | 'tacacs+';
  seconds: number;
  outcome: 'accept' | 'reject' | 'unreachable';
}

/** `authenticate` timed for deps.observe (wall time of the whole exchange, retransmissions included). */
function timed(tag: string, protocol: AaaObservation['protocol'], deps: AaaDeps, run: AaaGroupAuthenticator['authenticate']): AaaGroupAuthenticator['authenticate'] {
  return async (req, ctx) => {
    const t0 = deps.clock.now();
    const r = await run(req, ctx);
    const outcome = r.ok ? 'accept' : r.reason === 'unreachable' ? 'unreachable' : 'reject';
    deps.observe?.({ tag, protocol, seconds: (deps.clock.now() - t0) / 1000, outcome });
    return r;
  };
}

export function createAaaAuthenticator(group: AaaServerGroup, deps: AaaDeps): AaaGroupAuthenticator {
  if (group.protocol === 'radius') return radiusGroup(group, deps);
  if (group.protocol === 'tacacs+') return tacacsGroup(group, deps);
  return localGroup(group, deps);
}

function common(group: AaaServerGroup) {
  return {
    maxFailedAttempts: group.maxFailedAttempts ?? PIX_DEFAULT_MAX_FAILED,
    deadtimeMs: (group.deadtime ?? PIX_DEFAULT_DEADTIME_MIN) * 60_000,
    source: group.hosts[0]?.interfaceName,
  };
}

function radiusGroup(group: AaaServerGroup, deps: AaaDeps): AaaGroupAuthenticator {
  const c = common(group);
  const client = new RadiusClient({
    servers: group.hosts.map((h) => ({
      address: h.address,
      secret: h.key ?? '',
      authPort: h.authenticationPort ?? RADIUS_AUTH_PORT,
      acctPort: h.accountingPort ?? RADIUS_ACCT_PORT,
      timeoutMs: (h.timeout ?? PIX_DEFAULT_TIMEOUT_S) * 1000,
    })),
    clock: deps.clock,
    udp: deps.udp ?? nodeUdp,
    debug: new CiscoRadiusDebug(deps.debug),
    tries: PIX_TRIES,
    maxFailedAttempts: c.maxFailedAttempts,
    deadtimeMs: c.deadtimeMs,
    bindAddress: deps.sourceAddress?.(c.source),
    group: group.tag,
  });
  const aaaDebug = new CiscoAaaDebug(deps.debug);
  const nasIp = typeof deps.nasIp === 'function' ? deps.nasIp(group) : deps.nasIp;
  const nasIdentifier = typeof deps.nasIdentifier === 'function' ? deps.nasIdentifier() : deps.nasIdentifier;
  const auth = new RadiusAuthenticator({ client, debug: aaaDebug, group: group.tag, nasIp, nasIdentifier });
  const acct = new RadiusAccounting({
    client,
    clock: deps.clock,
    debug: aaaDebug,
    nasIp,
    nasIdentifier,
    maxQueue: deps.accountingQueue,
  });
  let closed = false;
  const g: AaaGroupAuthenticator & { radiusAccounting: RadiusAccounting } = {
    tag: group.tag,
    protocol: 'radius',
    config: group,
    suppliesMppeKeys: true,
    radiusAccounting: acct,
    authenticate: timed(group.tag, 'radius', deps, (req, ctx) => (closed ? Promise.resolve({ ok: false, reason: 'unreachable' }) : auth.authenticate(req, ctx))),
    accounting: acct,
    nasAccounting: (kind, sessionId) => acct.nas(kind, sessionId),
    pending: () => client.pending(),
    stats() {
      const st = client.stats();
      return {
        tag: group.tag,
        protocol: 'radius',
        allDead: st.allDead,
        accounting: { kind: 'radius', ...acct.stats() },
        servers: st.servers.map((s) => ({
          address: s.address,
          protocol: 'radius',
          status: s.status,
          authPort: s.authPort,
          acctPort: s.acctPort,
          pending: s.pending,
          authRequests: s.authRequests,
          acctRequests: s.acctRequests,
          retransmits: s.retransmits,
          accepts: s.accepts,
          rejects: s.rejects,
          timeouts: s.timeouts,
          malformed: s.malformed,
          badAuthenticators: s.badAuthenticators,
          averageRttMs: s.averageRttMs,
          radius: s,
        })),
      };
    },
    async retire(next) {
      const nextAcct = (next as { radiusAccounting?: RadiusAccounting } | undefined)?.radiusAccounting;
      if (nextAcct) acct.handOver(nextAcct);
      await client.drain();
      g.close();
    },
    close() {
      closed = true;
      acct.close();
      client.close();
    },
  };
  return g;
}

function tacacsGroup(group: AaaServerGroup, deps: AaaDeps): AaaGroupAuthenticator {
  const c = common(group);
  const debug = new CiscoTacacsDebug(deps.debug);
  const client = new TacacsClient({
    servers: group.hosts.map((h) => ({
      address: h.address,
      key: h.key ?? '',
      port: h.authenticationPort ?? TACACS_PORT,
      timeoutMs: (h.timeout ?? PIX_DEFAULT_TIMEOUT_S) * 1000,
    })),
    clock: deps.clock,
    tcp: deps.tcp ?? nodeTcp,
    debug,
    singleConnection: deps.tacacsSingleConnection,
    maxFailedAttempts: c.maxFailedAttempts,
    deadtimeMs: c.deadtimeMs,
    localAddress: deps.sourceAddress?.(c.source),
    group: group.tag,
  });
  const auth = new TacacsAuthenticator({ client, debug, group: group.tag });
  const acct = new TacacsAccounting({ client, clock: deps.clock, debug });
  let closed = false;
  const g: AaaGroupAuthenticator = {
    tag: group.tag,
    protocol: 'tacacs+',
    config: group,
    suppliesMppeKeys: false,
    authenticate: timed(group.tag, 'tacacs+', deps, (req, ctx) => (closed ? Promise.resolve({ ok: false, reason: 'unreachable' }) : auth.authenticate(req, ctx))),
    accounting: {
      start: (s) => void acct.start(s),
      interim: (s) => void acct.interim(s),
      stop: (s, cause) => void acct.stop(s, cause),
    },
    pending: () => client.pending(),
    stats() {
      return {
        tag: group.tag,
        protocol: 'tacacs+',
        allDead: client.allDeadCount,
        accounting: { kind: 'tacacs+', ...acct.stats() },
        servers: client.stats().map((s) => ({
          address: s.address,
          protocol: 'tacacs+',
          status: s.status,
          authPort: s.port,
          acctPort: s.port,
          pending: s.pending,
          authRequests: s.requests,
          acctRequests: 0,
          retransmits: 0,
          accepts: s.replies,
          rejects: 0,
          timeouts: s.timeouts,
          malformed: s.malformed,
          badAuthenticators: 0,
          averageRttMs: 0,
          tacacs: s,
        })),
      };
    },
    async retire() {
      await client.drain();
      g.close();
    },
    close() {
      closed = true;
      client.close();
    },
  };
  return g;
}

function localGroup(group: AaaServerGroup, deps: AaaDeps): AaaGroupAuthenticator {
  const local = new LocalAuthenticator(deps.localUsers ?? (() => []));
  const g: AaaGroupAuthenticator = {
    tag: group.tag,
    protocol: 'local',
    config: group,
    suppliesMppeKeys: true,
    authenticate: (req) => local.authenticate(req),
    accounting: undefined,
    pending: () => 0,
    stats: () => ({ tag: group.tag, protocol: 'local', servers: [], allDead: 0 }),
    retire: async () => {},
    close: () => {},
  };
  return g;
}

/**
 * Every configured group, rebuilt on configuration change. Sessions keep
 * the group object they authenticated with; new calls get the current one.
 */
export class AaaRegistry {
  private readonly groups = new Map<string, AaaGroupAuthenticator>();
  private readonly retiring = new Set<Promise<void>>();
  /** Accounting groups told Accounting-On in this process's life (a replaced group's successor is not told again). */
  private readonly accountingStarted = new Set<string>();
  private nasIdentity = '';

  constructor(private readonly deps: AaaDeps) {}

  get(tag: string): AaaGroupAuthenticator | undefined {
    return this.groups.get(tag);
  }

  /**
   * Applies the new group list: unchanged groups stay, changed ones are
   * replaced, removed ones retire. A new `nasIdentity` (hostname, interface
   * addresses: what NAS-Identifier and NAS-IP-Address are made of) replaces every group.
   */
  reconfigure(groups: readonly AaaServerGroup[], nasIdentity = ''): void {
    const renamed = nasIdentity !== this.nasIdentity;
    this.nasIdentity = nasIdentity;
    const seen = new Set<string>();
    for (const cfg of groups) {
      seen.add(cfg.tag);
      const old = this.groups.get(cfg.tag);
      if (old && !renamed && sameGroup(old.config, cfg)) continue;
      const next = createAaaAuthenticator(structuredClone(cfg), this.deps);
      this.groups.set(cfg.tag, next);
      if (old) this.retire(old, old.protocol === next.protocol ? next : undefined);
    }
    for (const [tag, g] of this.groups) {
      if (seen.has(tag)) continue;
      this.groups.delete(tag);
      this.retire(g);
    }
  }

  private retire(g: AaaGroupAuthenticator, next?: AaaGroupAuthenticator): void {
    const p = g.retire(next).finally(() => this.retiring.delete(p));
    this.retiring.add(p);
  }

  stats(): AaaGroupStats[] {
    return [...this.groups.values()].map((g) => g.stats());
  }

  /**
   * `tag` is a `client accounting` group now: Accounting-On, once per
   * process. Again after a hot reconfiguration it would tell a fleet's
   * server to free the addresses of calls that are still up.
   */
  startAccounting(tag: string, sessionId: string): void {
    const g = this.groups.get(tag);
    if (!g?.nasAccounting || this.accountingStarted.has(tag)) return;
    this.accountingStarted.add(tag);
    g.nasAccounting('Accounting-On', sessionId);
  }

  /** Clean shutdown, after the last Stop was queued: Accounting-Off to every group told Accounting-On. */
  stopAccounting(sessionId: string): void {
    for (const tag of this.accountingStarted) this.groups.get(tag)?.nasAccounting?.('Accounting-Off', sessionId);
    this.accountingStarted.clear();
  }

  /** Resolves when every replaced group has finished and closed. */
  async settled(): Promise<void> {
    await Promise.all([...this.retiring]);
  }

  close(): void {
    for (const g of this.groups.values()) g.close();
    this.groups.clear();
  }
}

function sameGroup(a: AaaServerGroup, b: AaaServerGroup): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * NAS-IP-Address toward an aaa-server group: the address of the interface
 * its hosts are on (`aaa-server G (IF) host ...`, inside when not named).
 */
export function nasAddress(cfg: VpnConfig, group: AaaServerGroup): string | undefined {
  const ifName = group.hosts[0]?.interfaceName ?? 'inside';
  return cfg.interfaces.find((i) => i.name === ifName)?.address;
}
