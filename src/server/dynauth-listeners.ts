/**
 * `aaa-server G dynamic-authorization [port N]`: one RFC 5176 listener per
 * RADIUS group that has it, reconciled with each commit (a group gone or a
 * port changed closes its listener; new keys reach a running one). The
 * sessions it acts on are the owner's: the PptpServer's calls, or, with
 * workers, the calls of the primary's mirror, which it hands to the worker
 * that holds each.
 */
import type { AaaServerGroup, VpnConfig } from '../config/model.js';
import type { DebugBus } from '../debug/bus.js';
import { CiscoRadiusDebug } from '../debug/cisco-radius.js';
import { DynAuthServer, type DynAuthCallbacks, type DynAuthQuery, type DynAuthStats } from '../proto/radius/dynauth.js';
import type { UdpStack } from '../proto/radius/udp.js';
import type { Clock } from '../util/clock.js';
import { dynAuthClients } from './aaa/group.js';

export interface DynAuthListenersOptions<H> {
  udp: UdpStack;
  bindAddress?: string;
  clock: Clock;
  bus: DebugBus;
  /** NAS-Identifier and NAS-IP-Address a request must not contradict. */
  nasIdentifier(cfg: VpnConfig): string | undefined;
  nasIp(cfg: VpnConfig, group: AaaServerGroup): string | undefined;
  callbacks: DynAuthCallbacks<H>;
}

export class DynAuthListeners<H> {
  private readonly listeners = new Map<string, { port: number; server: DynAuthServer<H> }>();

  constructor(private readonly options: DynAuthListenersOptions<H>) {}

  /** Throws (naming the group and port) when a new listener cannot bind. */
  async reconcile(cfg: VpnConfig): Promise<void> {
    const wanted = new Map(cfg.aaaServerGroups.filter((g) => g.protocol === 'radius' && g.dynamicAuthorization).map((g) => [g.tag, g]));
    for (const [tag, d] of this.listeners) {
      const g = wanted.get(tag);
      if (!g || d.port !== g.dynamicAuthorization!.port) {
        d.server.close();
        this.listeners.delete(tag);
      } else d.server.engine.setClients(dynAuthClients(g));
    }
    const o = this.options;
    for (const [tag, g] of wanted) {
      if (this.listeners.has(tag)) continue;
      const port = g.dynamicAuthorization!.port;
      try {
        const server = await DynAuthServer.listen<H>({
          udp: o.udp,
          bindAddress: o.bindAddress,
          port,
          clients: dynAuthClients(g),
          clock: o.clock,
          debug: new CiscoRadiusDebug(o.bus),
          nasIdentifier: o.nasIdentifier(cfg),
          nasIp: o.nasIp(cfg, g),
          callbacks: o.callbacks,
        });
        this.listeners.set(tag, { port, server });
      } catch (err) {
        throw new Error(`aaa-server ${tag} dynamic-authorization: cannot listen on UDP ${port}: ${(err as Error).message}`);
      }
    }
  }

  /** The listener's port and counters of group `tag`, if it has one. */
  statsOf(tag: string): (DynAuthStats & { port: number }) | undefined {
    const d = this.listeners.get(tag);
    return d && { port: d.server.port, ...d.server.stats() };
  }

  close(): void {
    for (const d of this.listeners.values()) d.server.close();
    this.listeners.clear();
  }
}

/** Does a call with these attributes match what a Disconnect- or CoA-Request names? */
export function namedBy(q: DynAuthQuery, c: { acctSessionId?: string; username: string; clientAddress?: string; peerAddress: string }): boolean {
  return (
    (q.acctSessionId === undefined || c.acctSessionId === q.acctSessionId) &&
    (q.userName === undefined || c.username === q.userName) &&
    (q.framedIp === undefined || c.clientAddress === q.framedIp) &&
    (q.callingStationId === undefined || c.peerAddress === q.callingStationId)
  );
}
