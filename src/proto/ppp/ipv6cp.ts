/**
 * IPv6CP (RFC 5072) as far as a PPTP client needs it: Windows and pppd
 * both send an IPv6CP Configure-Request next to IPCP (capture frame 296:
 * `01 0a fc d3 33 5c f1 0e 5c 31`). Servers usually Protocol-Reject it,
 * and then the session gives it up; a server that negotiates it gets an
 * open IPv6CP, but no IPv6 travels (the session carries IPv4 only).
 *
 * Interface-Identifier option (RFC 5072 4.1):
 *
 *   | Type = 1 | Length = 10 | Interface-Identifier (8 octets) |
 *
 * Ours is random and non-zero. The peer's is Acked unless it is zero or
 * equal to ours, then Nak'ed with a fresh one; other options are Rejected.
 */
import type { Clock } from '../../util/clock.js';
import { Fsm, type FsmTrace, type NakRejOutcome } from './fsm.js';
import { ACK, NegotiatingLayer, OptionNegotiator, REJ, type ReqVerdict } from './options.js';

export const IPV6CP_OPT_INTERFACE_ID = 1;
const ID_LEN = 8;

export interface Ipv6cpEvents {
  send(code: number, id: number, data: Buffer): void;
  trace(ev: FsmTrace): void;
  up(): void;
  down(): void;
  finished(reason: string): void;
  nextId?(): number;
}

function isZero(b: Buffer): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

export class Ipv6cp extends NegotiatingLayer {
  readonly fsm: Fsm;
  readonly negotiated: { localId?: Buffer; peerId?: Buffer } = {};
  protected readonly options: OptionNegotiator;
  private ourId: Buffer = Buffer.alloc(ID_LEN);
  private want = true;

  constructor(
    private readonly random: (n: number) => Buffer,
    clock: Clock,
    private readonly ev: Ipv6cpEvents,
  ) {
    super();
    this.options = new OptionNegotiator([
      {
        type: IPV6CP_OPT_INTERFACE_ID,
        reset: () => {
          this.want = true;
          this.ourId = this.freshId();
          this.negotiated.localId = undefined;
        },
        buildReq: () => (this.want ? this.ourId : undefined),
        onAck: (v) => (this.negotiated.localId = Buffer.from(v)),
        onNak: (v): NakRejOutcome => {
          if (v.length !== ID_LEN) return 'bad';
          this.ourId = isZero(v) || (this.negotiated.peerId?.equals(v) ?? false) ? this.freshId() : Buffer.from(v);
          return 'ok';
        },
        onRej: () => {
          this.want = false;
          return 'ok';
        },
        onReq: (v): ReqVerdict => {
          if (v.length !== ID_LEN) return REJ;
          if (isZero(v) || (this.want && v.equals(this.ourId))) return { verdict: 'nak', value: this.freshId() };
          return ACK;
        },
        clearPeer: () => (this.negotiated.peerId = undefined),
        accepted: (v) => (this.negotiated.peerId = Buffer.from(v)),
      },
    ]);
    this.fsm = new Fsm(this, {
      name: 'IPV6CP',
      clock,
      send: (c, i, d) => ev.send(c, i, d),
      trace: (t) => ev.trace(t),
      nextId: ev.nextId ? () => ev.nextId!() : undefined,
    });
  }

  /** A random non-zero identifier other than our current one (a fixed test random still terminates). */
  private freshId(): Buffer {
    const id = Buffer.alloc(ID_LEN);
    this.random(ID_LEN).copy(id, 0, 0, ID_LEN);
    for (let k = 0; isZero(id) || id.equals(this.ourId); k++) id[ID_LEN - 1] = (id[ID_LEN - 1] + 1 + k) & 0xff;
    return id;
  }

  thisLayerUp(): void {
    this.ev.up();
  }
  thisLayerDown(): void {
    this.ev.down();
  }
  thisLayerStarted(): void {}
  thisLayerFinished(reason: string): void {
    this.ev.finished(reason);
  }

  dispose(): void {
    this.fsm.dispose();
  }
}
