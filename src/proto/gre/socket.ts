/**
 * IP protocol 47 transport. The Linux implementation is a raw socket
 * (needs CAP_NET_RAW); the memory twin links endpoints in-process.
 * Packets are GRE header + payload, without the outer IP header.
 */
export interface GreSocket {
  /** Send one GRE packet to an IPv4 peer. Never throws: failures are counted. */
  send(peer: string, packet: Uint8Array): void;
  /** Every GRE packet received, with its outer source (and destination)
   *  address. The buffer may be reused after the callback returns. */
  onPacket(fn: (packet: Buffer, from: string, to: string) => void): void;
  close(): void;
  /** Linux only: see each receive batch before onPacket (the native fast path, src/server/fast-path.ts). */
  setBatchHook?(hook: GreBatchHook | undefined): void;
}

/**
 * Called with each recvmmsg batch before its packets go to onPacket:
 * `headers` the struct mmsghdr array (lengths filled in), `slots` the
 * receive buffers. Returns 4 int32 per slot, the first 0 for a packet
 * onPacket is to get (non-zero: the hook took it), or undefined when
 * onPacket gets them all. The buffers are reused after the batch.
 */
export type GreBatchHook = (headers: Buffer, count: number, slots: readonly Buffer[]) => Int32Array | undefined;
