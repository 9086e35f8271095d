/**
 * Which address a call gets: AAA's Framed-IP-Address, else an address of
 * AAA's Framed-Pool, else of the group's pool. One function for the
 * single-process server and for the primary that owns the leases of every
 * worker (src/server/workers/), so both refuse the same way.
 */
import type { InterfaceAddress } from '../config/model.js';
import type { AaaAddressing } from '../proto/ppp/session-api.js';
import { unusableClientAddress } from './address-check.js';
import type { AddressPools } from './pool.js';

export interface LeaseRequest {
  user: string;
  aaa?: AaaAddressing;
  groupPool?: string;
}

/** An address, or none; `refused` when AAA named one the server cannot give (counter and reason for `debug vpdn error`). */
export interface LeaseAnswer {
  address?: string;
  refused?: { counter: string; why: string };
}

/** Leases held elsewhere (a worker asks the primary); an address is never handed out twice. */
export interface RemoteLeases {
  lease(req: LeaseRequest): Promise<LeaseAnswer>;
  release(address: string): void;
}

export function chooseAddress(pools: AddressPools, interfaces: readonly InterfaceAddress[], req: LeaseRequest): LeaseAnswer {
  const { aaa, groupPool } = req;
  const refuse = (counter: string, why: string): LeaseAnswer => ({ refused: { counter, why } });
  if (aaa?.framedIp) {
    const problem = unusableClientAddress(aaa.framedIp, interfaces);
    if (problem) return refuse('aaa-address-unusable', `Framed-IP-Address ${aaa.framedIp} is ${problem}`);
    if (!pools.claim(aaa.framedIp, 'aaa')) return refuse('aaa-address-in-use', `Framed-IP-Address ${aaa.framedIp} is held by another call`);
    return { address: aaa.framedIp };
  }
  if (aaa?.framedPool) {
    if (!pools.has(aaa.framedPool)) return refuse('aaa-pool-unknown', `Framed-Pool ${aaa.framedPool} is not an ip local pool`);
    const address = pools.allocate(aaa.framedPool);
    return address ? { address } : refuse('aaa-pool-exhausted', `ip local pool ${aaa.framedPool} (Framed-Pool) has no free address`);
  }
  const address = groupPool ? pools.allocate(groupPool) : undefined;
  return address ? { address } : {};
}
