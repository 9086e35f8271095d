/**
 * What Windows does right after IPCP on a VPN link: a DHCPINFORM through
 * the tunnel to 255.255.255.255:67 asking for its settings (the real
 * capture: the INFORM in the client's first packets, sent again 4 s
 * later when unanswered). The DHCPACK's classless routes are what
 * Windows installs for the connection (split tunnelling).
 */
import type { Clock, Timer } from '../util/clock.js';
import { buildInform, readInformAck, type InformAck } from '../proto/dhcp/inform-request.js';

export type { InformAck };

export interface InformIdentity {
  /** 16 octets: Windows sends the connection's GUID. */
  clientId: Uint8Array;
  hostName: string;
}

/** Windows sent its second INFORM 4 s after the first; it gives up after a few. */
const RETRY_MS = 4000;
const ATTEMPTS = 3;

export class DhcpInformClient {
  readonly answer: Promise<InformAck | undefined>;
  private settle!: (a: InformAck | undefined) => void;
  private timer: Timer | undefined;
  private attempts = 0;
  private done = false;
  private readonly startedAt: number;

  constructor(
    private readonly clientAddress: string,
    private readonly identity: InformIdentity,
    private readonly xid: number,
    private readonly clock: Clock,
    private readonly send: (packet: Buffer) => boolean,
  ) {
    this.answer = new Promise((r) => (this.settle = r));
    this.startedAt = clock.now();
  }

  start(): void {
    this.transmit();
  }

  /** A packet from the tunnel; true when it was our DHCPACK (consumed). */
  receive(packet: Buffer): boolean {
    if (this.done) return false;
    const ack = readInformAck(packet, this.xid);
    if (!ack) return false;
    this.finish(ack);
    return true;
  }

  /** The link went down: no answer is coming. */
  dispose(): void {
    this.finish(undefined);
  }

  private transmit(): void {
    if (this.done) return;
    if (this.attempts++ >= ATTEMPTS) return this.finish(undefined);
    const seconds = Math.min(0xff, Math.floor((this.clock.now() - this.startedAt) / 1000));
    // Windows writes secs least significant octet first (the capture's 06 00 for 6 s)
    this.send(buildInform({ clientAddress: this.clientAddress, xid: this.xid, secs: seconds << 8, clientId: Buffer.from(this.identity.clientId), hostName: this.identity.hostName }));
    this.timer = this.clock.setTimer(RETRY_MS, () => this.transmit());
  }

  private finish(ack: InformAck | undefined): void {
    if (this.done) return;
    this.done = true;
    this.timer?.cancel();
    this.settle(ack);
  }
}
