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
}
