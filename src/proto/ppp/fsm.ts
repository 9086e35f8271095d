/**
 * The RFC 1661 option-negotiation automaton (section 4), one instance per
 * control protocol (LCP, IPCP, CCP). Layers supply the option logic and
 * the this-layer-up/down/started/finished actions; this class owns the
 * states, the restart timer, the counters and identifier matching.
 *
 *   Initial --up--> Closed --open--> REQ-Sent <--> ACK-Rcvd / ACK-Sent --> Opened
 *      ^  open                ^  close                                       |
 *      +--> Starting          +---- Closing <-- Stopping <---- RTR/close ----+
 *
 * Each event method is one row of the RFC 1661 section 4.1 state table;
 * the case labels name the columns. Defaults follow pppd: restart timer
 * 3 s, Max-Configure 10, Max-Terminate 2, Max-Failure 5.
 *
 * Network input never throws here: malformed packets are dropped and
 * reported through `trace` ('error' events) for the caller's counters.
 *
 * Why ~640 lines: the RFC's state table is one piece; every event method
 * is a row of it, and the rows only read right side by side.
 */
import type { Clock, Timer } from '../../util/clock.js';
import { CP_CODE } from './frame.js';

export type FsmState =
  | 'initial'
  | 'starting'
  | 'closed'
  | 'stopped'
  | 'closing'
  | 'stopping'
  | 'reqSent'
  | 'ackRcvd'
  | 'ackSent'
  | 'opened';

/** What to answer a Configure-Request with; undefined = malformed, drop. */
export interface ConfReqAnswer {
  code: typeof CP_CODE.ConfAck | typeof CP_CODE.ConfNak | typeof CP_CODE.ConfRej;
  data: Buffer;
}

/** Outcome of processing a Nak/Reject: bad = malformed (drop);
 *  fail = negotiation cannot succeed, close the layer with this reason. */
export type NakRejOutcome = 'ok' | 'bad' | { fail: string };

/** The option logic and actions a layer plugs into the automaton. */
export interface FsmLayer {
  /** Start a fresh negotiation (RFC "irc" from a non-negotiating state). */
  resetOptions(): void;
  /** Option data for a new Configure-Request (not called for retransmits). */
  buildConfReq(): Buffer;
  receiveConfReq(data: Buffer, rejectIfDisagree: boolean): ConfReqAnswer | undefined;
  /** false = the Ack does not match what we sent (dropped). */
  receiveConfAck(data: Buffer): boolean;
  receiveConfNak(data: Buffer, treatAsReject: boolean): NakRejOutcome;
  receiveConfRej(data: Buffer): NakRejOutcome;
  thisLayerUp(): void;
  thisLayerDown(): void;
  thisLayerStarted(): void;
  thisLayerFinished(reason: string): void;
  /** Codes beyond 1..7 (LCP Echo, CCP Reset...). true = handled. */
  extendedCode?(code: number, id: number, data: Buffer): boolean;
  /** Data for our Terminate-Requests (Windows sends 12 octets); default none. */
  termReqData?(): Buffer;
}

export type FsmTrace =
  | { kind: 'packet'; dir: 'I' | 'O'; code: number; id: number; data: Buffer; state: FsmState }
  | { kind: 'state'; from: FsmState; to: FsmState }
  | { kind: 'timeout'; state: FsmState }
  | { kind: 'error'; what: string };

/** Where an automaton's packets and traces go. */
export interface FsmOutput {
  /** send a control packet of this protocol (the session frames it) */
  send(code: number, id: number, data: Buffer): void;
  trace?(ev: FsmTrace): void;
}

export interface FsmOptions {
  /** 'LCP' | 'IPCP' | 'CCP' (for traces) */
  name: string;
  clock: Clock;
  /** send a control packet of this protocol (the session frames it); required unless `events` is given */
  send?(code: number, id: number, data: Buffer): void;
  trace?(ev: FsmTrace): void;
  /**
   * Instead of send/trace: an object whose own send/trace are called (a
   * layer passes its events object: no wrapper closures per automaton).
   */
  events?: FsmOutput;
  /** Identifier source shared with other protocols (Windows); default: this automaton's own counter from 1. */
  nextId?(): number;
  restartMs?: number;
  maxConfigure?: number;
  maxTerminate?: number;
  maxFailure?: number;
}

const EMPTY = Buffer.alloc(0);

interface FsmLimits {
  readonly restartMs: number;
  readonly maxConfigure: number;
  readonly maxTerminate: number;
  readonly maxFailure: number;
}
const DEFAULT_LIMITS: FsmLimits = Object.freeze({ restartMs: 3000, maxConfigure: 10, maxTerminate: 2, maxFailure: 5 });

export class Fsm {
  state: FsmState = 'initial';
  readonly name: string;
  /** last identifier we used for a request */
  private id = 0;
  private reqId = -1;
  private seenAck = false;
  private restartCount = 0;
  private timer: Timer | undefined;
  private nakLoops = 0;
  private rnakLoops = 0;
  private termReason = '';
  /** The restart timer and counters: one shared object for the defaults (three automata per session). */
  private readonly limits: FsmLimits;
  private readonly clock: Clock;
  private readonly out: FsmOutput;
  private readonly sharedNextId: (() => number) | undefined;

  constructor(
    private readonly layer: FsmLayer,
    opts: FsmOptions,
  ) {
    this.name = opts.name;
    this.clock = opts.clock;
    if (!opts.events && !opts.send) throw new TypeError('Fsm needs send or events');
    this.out = opts.events ?? (opts as FsmOutput);
    this.sharedNextId = opts.nextId;
    this.limits =
      opts.restartMs === undefined && opts.maxConfigure === undefined && opts.maxTerminate === undefined && opts.maxFailure === undefined
        ? DEFAULT_LIMITS
        : {
            restartMs: opts.restartMs ?? DEFAULT_LIMITS.restartMs,
            maxConfigure: opts.maxConfigure ?? DEFAULT_LIMITS.maxConfigure,
            maxTerminate: opts.maxTerminate ?? DEFAULT_LIMITS.maxTerminate,
            maxFailure: opts.maxFailure ?? DEFAULT_LIMITS.maxFailure,
          };
  }

  /** Next identifier for a request this layer originates (LCP echo shares it). */
  nextId(): number {
    if (this.sharedNextId) return this.sharedNextId() & 0xff;
    this.id = (this.id + 1) & 0xff;
    return this.id;
  }

  // ---- RFC events -------------------------------------------------------

  /** Up: the lower layer is ready. */
  up(): void {
    switch (this.state) {
      case 'initial':
        this.setState('closed');
        break;
      case 'starting':
        this.initRestart(this.limits.maxConfigure);
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      default:
        this.error(`up event in state ${this.state}`);
    }
  }

  /** Down: the lower layer went away. */
  down(): void {
    switch (this.state) {
      case 'closed':
        this.setState('initial');
        break;
      case 'stopped':
        this.setState('starting');
        this.layer.thisLayerStarted();
        break;
      case 'closing':
        this.stopTimer();
        this.setState('initial');
        break;
      case 'stopping':
      case 'reqSent':
      case 'ackRcvd':
      case 'ackSent':
        this.stopTimer();
        this.setState('starting');
        break;
      case 'opened':
        this.setState('starting');
        this.layer.thisLayerDown();
        break;
      default:
        break;
    }
  }

  /** Open: administrative open. */
  open(): void {
    switch (this.state) {
      case 'initial':
        this.setState('starting');
        this.layer.thisLayerStarted();
        break;
      case 'closed':
        this.initRestart(this.limits.maxConfigure);
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      case 'closing':
        this.setState('stopping');
        break;
      default:
        // starting, stopped, stopping, reqSent..opened: no change (restart option off)
        break;
    }
  }

  /** Close: administrative close. */
  close(reason: string): void {
    this.termReason = reason;
    switch (this.state) {
      case 'starting':
        this.setState('initial');
        this.layer.thisLayerFinished(reason);
        break;
      case 'stopped':
        this.setState('closed');
        break;
      case 'stopping':
        this.setState('closing');
        break;
      case 'reqSent':
      case 'ackRcvd':
      case 'ackSent':
        this.initRestart(this.limits.maxTerminate);
        this.sendTermReq();
        this.setState('closing');
        break;
      case 'opened':
        this.setState('closing');
        this.layer.thisLayerDown();
        this.initRestart(this.limits.maxTerminate);
        this.sendTermReq();
        break;
      default:
        // initial, closed, closing: nothing to do
        break;
    }
  }

  /** Protocol-Reject of this protocol by the peer (RXJ-). */
  protocolRejected(): void {
    this.rxjMinus('protocol rejected by peer');
  }

  /** A control packet of this protocol arrived (payload after the PPP protocol field). */
  input(code: number, id: number, data: Buffer): void {
    this.out.trace?.({ kind: 'packet', dir: 'I', code, id, data, state: this.state });
    if (this.state === 'initial' || this.state === 'starting') {
      this.error(`packet in state ${this.state}`);
      return;
    }
    switch (code) {
      case CP_CODE.ConfReq:
        return this.rcvConfReq(id, data);
      case CP_CODE.ConfAck:
        return this.rcvConfAck(id, data);
      case CP_CODE.ConfNak:
      case CP_CODE.ConfRej:
        return this.rcvConfNakRej(code, id, data);
      case CP_CODE.TermReq:
        return this.rcvTermReq(id);
      case CP_CODE.TermAck:
        return this.rcvTermAck();
      case CP_CODE.CodeRej:
        return this.rcvCodeRej(data);
      default:
        if (this.layer.extendedCode?.(code, id, data)) return;
        // RUC: unknown code -> Code-Reject (RFC 1661 5.6), carrying the packet.
        this.sendCodeRej(code, id, data);
    }
  }

  // ---- receive actions --------------------------------------------------

  private rcvConfReq(id: number, data: Buffer): void {
    switch (this.state) {
      case 'closed':
        this.send(CP_CODE.TermAck, id, EMPTY);
        return;
      case 'closing':
      case 'stopping':
        return;
      case 'opened':
        this.layer.thisLayerDown();
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      case 'stopped':
        this.initRestart(this.limits.maxConfigure);
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      default:
        break;
    }
    const answer = this.layer.receiveConfReq(data, this.nakLoops >= this.limits.maxFailure);
    if (!answer) {
      this.error('bad Configure-Request dropped');
      return;
    }
    this.send(answer.code, id, answer.data);
    if (answer.code === CP_CODE.ConfAck) {
      // RCR+
      if (this.state === 'ackRcvd') {
        this.stopTimer();
        this.setState('opened');
        this.layer.thisLayerUp();
      } else {
        this.setState('ackSent');
      }
      this.nakLoops = 0;
    } else {
      // RCR-
      if (answer.code === CP_CODE.ConfNak) this.nakLoops++;
      if (this.state !== 'ackRcvd') this.setState('reqSent');
    }
  }

  private rcvConfAck(id: number, data: Buffer): void {
    if (id !== this.reqId || this.seenAck) {
      this.error(`Configure-Ack id ${id} does not match ${this.reqId}`);
      return;
    }
    if (!this.layer.receiveConfAck(data)) {
      this.error('Configure-Ack does not match our request');
      return;
    }
    this.seenAck = true;
    this.rnakLoops = 0;
    switch (this.state) {
      case 'closed':
      case 'stopped':
        this.send(CP_CODE.TermAck, id, EMPTY);
        break;
      case 'reqSent':
        this.initRestart(this.limits.maxConfigure);
        this.setState('ackRcvd');
        this.startTimer();
        break;
      case 'ackRcvd':
        // Crossed connection: renegotiate.
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      case 'ackSent':
        this.stopTimer();
        this.initRestart(this.limits.maxConfigure);
        this.setState('opened');
        this.layer.thisLayerUp();
        break;
      case 'opened':
        this.layer.thisLayerDown();
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      default:
        break;
    }
  }

  private rcvConfNakRej(code: number, id: number, data: Buffer): void {
    if (id !== this.reqId || this.seenAck) {
      this.error(`Configure-${code === CP_CODE.ConfNak ? 'Nak' : 'Reject'} id ${id} does not match ${this.reqId}`);
      return;
    }
    let outcome: NakRejOutcome;
    if (code === CP_CODE.ConfNak) {
      this.rnakLoops++;
      outcome = this.layer.receiveConfNak(data, this.rnakLoops >= this.limits.maxFailure);
    } else {
      outcome = this.layer.receiveConfRej(data);
    }
    if (outcome === 'bad') {
      this.error(`bad Configure-${code === CP_CODE.ConfNak ? 'Nak' : 'Reject'} dropped`);
      return;
    }
    this.seenAck = true;
    if (typeof outcome === 'object') {
      this.close(outcome.fail);
      return;
    }
    switch (this.state) {
      case 'closed':
      case 'stopped':
        this.send(CP_CODE.TermAck, id, EMPTY);
        break;
      case 'reqSent':
      case 'ackSent':
        this.initRestart(this.limits.maxConfigure);
        this.sendConfReq(false);
        break;
      case 'ackRcvd':
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      case 'opened':
        this.layer.thisLayerDown();
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      default:
        break;
    }
  }

  private rcvTermReq(id: number): void {
    switch (this.state) {
      case 'ackRcvd':
      case 'ackSent':
        this.setState('reqSent');
        break;
      case 'opened':
        // tld, zrc, sta -> Stopping; the timer then finishes the layer.
        this.termReason = 'peer requested termination';
        this.setState('stopping');
        this.layer.thisLayerDown();
        this.restartCount = 0;
        this.startTimer();
        break;
      default:
        break;
    }
    this.send(CP_CODE.TermAck, id, EMPTY);
  }

  private rcvTermAck(): void {
    switch (this.state) {
      case 'closing':
        this.stopTimer();
        this.setState('closed');
        this.layer.thisLayerFinished(this.termReason);
        break;
      case 'stopping':
        this.stopTimer();
        this.setState('stopped');
        this.layer.thisLayerFinished(this.termReason);
        break;
      case 'ackRcvd':
        this.setState('reqSent');
        break;
      case 'opened':
        this.layer.thisLayerDown();
        this.sendConfReq(false);
        this.setState('reqSent');
        break;
      case 'reqSent':
      case 'ackSent':
        // The peer is not ready for this protocol yet (RFC 1661: no action).
        this.requestIgnored = true;
        break;
      default:
        break;
    }
  }

  private rcvCodeRej(data: Buffer): void {
    const rejected = data.length >= 1 ? data[0] : 0;
    // Rejecting one of the codes every implementation needs is fatal (RXJ-).
    if (rejected >= CP_CODE.ConfReq && rejected <= CP_CODE.CodeRej) {
      this.rxjMinus(`peer rejected code ${rejected}`);
    } else if (this.state === 'ackRcvd') {
      this.setState('reqSent'); // RXJ+
    }
  }

  private rxjMinus(reason: string): void {
    this.termReason = reason;
    switch (this.state) {
      case 'closed':
      case 'closing':
        this.stopTimer();
        this.setState('closed');
        this.layer.thisLayerFinished(reason);
        break;
      case 'stopped':
      case 'stopping':
      case 'reqSent':
      case 'ackRcvd':
      case 'ackSent':
        this.stopTimer();
        this.setState('stopped');
        this.layer.thisLayerFinished(reason);
        break;
      case 'opened':
        this.setState('stopping');
        this.layer.thisLayerDown();
        this.initRestart(this.limits.maxTerminate);
        this.sendTermReq();
        break;
      default:
        break;
    }
  }

  private onTimeout(): void {
    this.timer = undefined;
    this.out.trace?.({ kind: 'timeout', state: this.state });
    if (this.restartCount > 0) {
      // TO+
      switch (this.state) {
        case 'closing':
        case 'stopping':
          this.sendTermReq();
          break;
        case 'reqSent':
        case 'ackRcvd':
          this.sendConfReq(true);
          this.setState('reqSent');
          break;
        case 'ackSent':
          this.sendConfReq(true);
          break;
        default:
          break;
      }
    } else {
      // TO-
      switch (this.state) {
        case 'closing':
          this.setState('closed');
          this.layer.thisLayerFinished(this.termReason);
          break;
        case 'stopping':
          this.setState('stopped');
          this.layer.thisLayerFinished(this.termReason);
          break;
        case 'reqSent':
        case 'ackRcvd':
        case 'ackSent':
          this.termReason = 'timeout sending Config-Requests';
          this.setState('stopped');
          this.layer.thisLayerFinished(this.termReason);
          break;
        default:
          break;
      }
    }
  }

  // ---- send actions -----------------------------------------------------

  private sendConfReq(retransmit: boolean): void {
    if (this.state !== 'reqSent' && this.state !== 'ackRcvd' && this.state !== 'ackSent') {
      // A new negotiation: fresh options and counters.
      this.layer.resetOptions();
      this.nakLoops = 0;
      this.rnakLoops = 0;
    }
    if (!retransmit) {
      this.restartCount = this.limits.maxConfigure;
      this.reqId = this.nextId();
    }
    const req = this.layer.buildConfReq();
    this.seenAck = false;
    this.requestIgnored = false;
    this.send(CP_CODE.ConfReq, this.reqId, req);
    this.restartCount--;
    this.startTimer();
  }

  private sendTermReq(): void {
    this.send(CP_CODE.TermReq, this.nextId(), this.layer.termReqData?.() ?? EMPTY);
    this.restartCount--;
    this.startTimer();
  }

  private sendCodeRej(code: number, id: number, data: Buffer): void {
    const rejected = Buffer.allocUnsafe(4 + data.length);
    rejected[0] = code;
    rejected[1] = id;
    rejected.writeUInt16BE(4 + data.length, 2);
    data.copy(rejected, 4);
    this.send(CP_CODE.CodeRej, this.nextId(), rejected);
  }

  /** Every packet of this layer leaves through here. */
  send(code: number, id: number, data: Buffer): void {
    this.out.trace?.({ kind: 'packet', dir: 'O', code, id, data, state: this.state });
    this.out.send(code, id, data);
  }

  // ---- helpers ----------------------------------------------------------

  private initRestart(n: number): void {
    this.restartCount = n;
  }

  private startTimer(): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimer(this.limits.restartMs, () => this.onTimeout());
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private setState(to: FsmState): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    if (to !== 'closing' && to !== 'stopping' && to !== 'reqSent' && to !== 'ackRcvd' && to !== 'ackSent') {
      this.stopTimer();
    }
    this.out.trace?.({ kind: 'state', from, to });
  }

  private error(what: string): void {
    this.out.trace?.({ kind: 'error', what });
  }

  /** Cancel timers (session teardown). The state is left as is. */
  /**
   * Send our Configure-Request again now instead of at the restart timer,
   * if the peer answered it with Terminate-Ack (IPCP once CCP opens: pppd
   * with require-mppe does that to an early request).
   */
  retransmitIfIgnored(): void {
    if (!this.requestIgnored || (this.state !== 'reqSent' && this.state !== 'ackSent')) return;
    this.sendConfReq(true);
  }

  /** The peer answered our Configure-Request with Terminate-Ack. */
  private requestIgnored = false;

  dispose(): void {
    this.stopTimer();
  }

  get isOpened(): boolean {
    return this.state === 'opened';
  }
}
