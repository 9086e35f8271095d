/**
 * IPCP (RFC 1332) with the Microsoft DNS/NBNS options (RFC 1877).
 *
 * Server: our Configure-Request carries our address (the `vpdn enable`
 * interface address, as the PIX does: `ff0380210101000a030663636302`).
 * The peer's IP-Address 0.0.0.0 (or any other value, or none) is Nak'ed
 * with the address assigned to it; its assigned address is Ack'ed.
 * Primary/Secondary DNS (129/131) and NBNS (130/132) are Nak'ed with the
 * `client configuration dns|wins` values, Rejected when none is
 * configured, and never Ack'ed as 0.0.0.0. IP-Compression (VJ) and the
 * old IP-Addresses option are Rejected.
 *
 * Client: asks for the options of `request` in that order (0.0.0.0 for
 * the address and name servers; VJ `00 2d 0f 01` as pppd does), takes the
 * values the server Naks, drops what it Rejects. VJ is only ever asked
 * for, never implemented: a peer that Acks it and then sends VJ frames
 * gets them Protocol-Rejected.
 */
import type { Clock } from '../../util/clock.js';
import { ipv4Bytes, ipv4String } from './frame.js';
import { Fsm, type FsmTrace, type NakRejOutcome } from './fsm.js';
import { ACK, NegotiatingLayer, OptionNegotiator, REJ, type OptionHandler, type ReqVerdict } from './options.js';

export const IPCP_OPT = {
  IpAddresses: 1,
  IpCompression: 2,
  IpAddress: 3,
  PrimaryDns: 129,
  PrimaryNbns: 130,
  SecondaryDns: 131,
  SecondaryNbns: 132,
} as const;

const ZERO = '0.0.0.0';

export interface IpcpConfig {
  role: 'server' | 'client';
  /** server: our own address for the peer's routing table */
  localAddress?: string;
  /** server: the address given to the peer (resolved when IPCP negotiates) */
  peerAddress?: () => string | undefined;
  /** server: `client configuration dns` / `wins` */
  dns?: readonly string[];
  wins?: readonly string[];
  /** client: ask for name servers (when `request` is not given) */
  requestDns?: boolean;
  requestWins?: boolean;
  /** client: the options to ask for, in order (2 VJ, 3 address, 129-132 name servers) */
  request?: readonly number[];
  /** identifier source shared with other protocols (Windows) */
  nextId?: () => number;
}

export interface IpcpNegotiated {
  /** our address: server = localAddress, client = what the server gave us */
  localAddress?: string;
  /** the other end's address: server = client's, client = server's */
  peerAddress?: string;
  /** client: what the server told us */
  dns: (string | undefined)[];
  wins: (string | undefined)[];
}

export interface IpcpEvents {
  send(code: number, id: number, data: Buffer): void;
  trace(ev: FsmTrace): void;
  up(): void;
  down(): void;
  finished(reason: string): void;
}

function ipOf(v: Buffer): string | undefined {
  return v.length === 4 ? ipv4String(v) : undefined;
}

// Server option handlers: logic on the prototype, not closures per session
// (bench/sessions.bench.ts, 10,000 sessions).

/** Our address in our request; the peer's judged against the one assigned to it. */
class ServerAddressOption implements OptionHandler {
  readonly type = IPCP_OPT.IpAddress;
  private want = true;
  constructor(private readonly ipcp: Ipcp) {}
  private assigned(): string | undefined {
    return this.ipcp.cfg.peerAddress?.();
  }
  reset(): void {
    this.want = true;
  }
  buildReq(): Buffer | undefined {
    return this.want && this.ipcp.cfg.localAddress ? ipv4Bytes(this.ipcp.cfg.localAddress) : undefined;
  }
  onAck(): void {
    this.ipcp.negotiated.localAddress = this.ipcp.cfg.localAddress;
  }
  // Our address is ours: a Nak does not change it.
  onNak(): NakRejOutcome {
    return 'ok';
  }
  onRej(): NakRejOutcome {
    this.want = false;
    return 'ok';
  }
  onReq(v: Buffer): ReqVerdict {
    const ip = ipOf(v);
    const a = this.assigned();
    if (ip === undefined || a === undefined) return REJ;
    return ip === a ? ACK : { verdict: 'nak', value: ipv4Bytes(a) };
  }
  missing(): Buffer | undefined {
    const a = this.assigned();
    return a === undefined ? undefined : ipv4Bytes(a);
  }
  clearPeer(): void {
    this.ipcp.negotiated.peerAddress = undefined;
  }
  accepted(v: Buffer): void {
    this.ipcp.negotiated.peerAddress = ipOf(v);
  }
}

/** DNS / NBNS: Nak'ed with the configured value, Rejected when there is none. */
class ServerNameServerOption implements OptionHandler {
  constructor(
    readonly type: number,
    private readonly value: string | undefined,
  ) {}
  onReq(v: Buffer): ReqVerdict {
    if (this.value === undefined || v.length !== 4) return REJ;
    return ipOf(v) === this.value ? ACK : { verdict: 'nak', value: ipv4Bytes(this.value) };
  }
}

export class Ipcp extends NegotiatingLayer {
  readonly fsm: Fsm;
  /** Every field from the start, so they live in the object (no property array added later per session). */
  readonly negotiated: IpcpNegotiated = { localAddress: undefined, peerAddress: undefined, dns: [], wins: [] };
  protected readonly options: OptionNegotiator;

  constructor(
    /** @internal read by the option handlers */
    readonly cfg: IpcpConfig,
    clock: Clock,
    private readonly ev: IpcpEvents,
  ) {
    super();
    const handlers =
      cfg.role === 'server'
        ? [
            new ServerAddressOption(this),
            new ServerNameServerOption(IPCP_OPT.PrimaryDns, cfg.dns?.[0]),
            new ServerNameServerOption(IPCP_OPT.PrimaryNbns, cfg.wins?.[0]),
            new ServerNameServerOption(IPCP_OPT.SecondaryDns, cfg.dns?.[1]),
            new ServerNameServerOption(IPCP_OPT.SecondaryNbns, cfg.wins?.[1]),
          ]
        : this.clientHandlers(
            cfg.request ?? [
              IPCP_OPT.IpAddress,
              ...(cfg.requestDns ?? true ? [IPCP_OPT.PrimaryDns, IPCP_OPT.SecondaryDns] : []),
              ...(cfg.requestWins ? [IPCP_OPT.PrimaryNbns, IPCP_OPT.SecondaryNbns] : []),
            ],
          );
    this.options = new OptionNegotiator(handlers);
    this.fsm = new Fsm(this, {
      name: 'IPCP',
      clock,
      events: ev,
      nextId: cfg.nextId,
    });
  }

  private clientHandlers(request: readonly number[]): OptionHandler[] {
    const out: OptionHandler[] = [];
    const seen = new Set<number>();
    for (const type of request) {
      if (seen.has(type)) continue;
      seen.add(type);
      switch (type) {
        case IPCP_OPT.IpCompression:
          out.push(this.clientVj());
          break;
        case IPCP_OPT.IpAddress:
          out.push(this.clientAddress());
          break;
        case IPCP_OPT.PrimaryDns:
          out.push(this.clientNameServer(type, this.negotiated.dns, 0));
          break;
        case IPCP_OPT.SecondaryDns:
          out.push(this.clientNameServer(type, this.negotiated.dns, 1));
          break;
        case IPCP_OPT.PrimaryNbns:
          out.push(this.clientNameServer(type, this.negotiated.wins, 0));
          break;
        case IPCP_OPT.SecondaryNbns:
          out.push(this.clientNameServer(type, this.negotiated.wins, 1));
          break;
        default:
          throw new RangeError(`IPCP client cannot ask for option ${type}`);
      }
    }
    // The address is always negotiated; the peer's own address is judged by this handler.
    if (!seen.has(IPCP_OPT.IpAddress)) out.push(this.clientAddress());
    return out;
  }

  // ---- server handlers --------------------------------------------------

  // ---- client handlers --------------------------------------------------

  private clientAddress(): OptionHandler {
    let want = ZERO;
    return {
      type: IPCP_OPT.IpAddress,
      reset: () => {
        want = ZERO;
        this.negotiated.localAddress = undefined;
      },
      buildReq: () => ipv4Bytes(want),
      onNak: (v) => {
        const ip = ipOf(v);
        if (ip === undefined) return 'bad';
        want = ip;
        return 'ok';
      },
      onRej: (): NakRejOutcome => ({ fail: 'peer refused to assign an IP address' }),
      onAck: (v) => (this.negotiated.localAddress = ipOf(v)),
      onReq: (v): ReqVerdict => {
        const ip = ipOf(v);
        return ip === undefined || ip === ZERO ? REJ : ACK;
      },
      clearPeer: () => (this.negotiated.peerAddress = undefined),
      accepted: (v) => (this.negotiated.peerAddress = ipOf(v)),
    };
  }

  /** Van Jacobson compression, asked as pppd does: `00 2d 0f 01` (16 slots, slot-id compression). */
  private clientVj(): OptionHandler {
    const INITIAL = Buffer.from([0x00, 0x2d, 0x0f, 0x01]);
    let want: Buffer | undefined = INITIAL;
    return {
      type: IPCP_OPT.IpCompression,
      reset: () => (want = INITIAL),
      buildReq: () => want,
      onNak: (v) => {
        // pppd takes a Nak'ed VJ with fewer slots or no slot-id compression; anything else ends the request
        if (v.length === 4 && v.readUInt16BE(0) === 0x002d && v[2] <= 0x0f) {
          want = Buffer.from([0x00, 0x2d, v[2], v[3] ? 1 : 0]);
        } else {
          want = undefined;
        }
        return 'ok';
      },
      onRej: () => {
        want = undefined;
        return 'ok';
      },
    };
  }

  private clientNameServer(type: number, into: (string | undefined)[], index: number): OptionHandler {
    let want: string | undefined = ZERO;
    return {
      type,
      reset: () => {
        want = ZERO;
        into[index] = undefined;
      },
      buildReq: () => (want === undefined ? undefined : ipv4Bytes(want)),
      onNak: (v) => {
        const ip = ipOf(v);
        if (ip === undefined) return 'bad';
        want = ip;
        return 'ok';
      },
      onRej: () => {
        want = undefined;
        return 'ok';
      },
      onAck: (v) => {
        const ip = ipOf(v);
        into[index] = ip === ZERO ? undefined : ip;
      },
    };
  }

  // ---- this-layer actions ----------------------------------------------

  thisLayerUp(): void {
    if (this.cfg.role === 'server') this.negotiated.localAddress = this.cfg.localAddress;
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
