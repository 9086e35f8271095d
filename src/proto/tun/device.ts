/**
 * A layer-3 TUN device (IFF_TUN | IFF_NO_PI): one IPv4 packet per read or
 * write. The Linux implementation opens /dev/net/tun; the memory twin
 * (memory.ts) connects the server to a test "kernel".
 */
/** An error of a TUN whose interface was deleted: it reads no more (the server counts it apart). */
export function isDeviceGone(err: Error): boolean {
  return (err as { deviceGone?: boolean }).deviceGone === true;
}

export interface TunDevice {
  readonly name: string;
  /** Hand one IP packet to the kernel. Never throws: failures are counted. */
  write(packet: Uint8Array): void;
  /** Every packet the kernel routes into the device. The buffer may be
   *  reused after the callback returns: copy what you keep. */
  onPacket(fn: (packet: Buffer) => void): void;
  /** Add the server's tunnel address and routes to the client addresses. */
  addRoute(clientAddress: string): Promise<void>;
  removeRoute(clientAddress: string): Promise<void>;
  close(): void;
  /** Linux: where the native fast path (src/server/fast-path.ts) writes; undefined once closed. */
  fastPathTarget?(): TunFastPathTarget | undefined;
}

/** The TUN's fd, and where the fast path counts the packets it wrote to it. */
export interface TunFastPathTarget {
  readonly fd: number;
  written(packets: number): void;
}
