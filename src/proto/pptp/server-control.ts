/**
 * PPTP control connection, server role (the PIX answers SCCRQ and OCRQ).
 *
 *   connect ──> wt-sccrq ──SCCRQ ok──> estabd ──StopCCRQ in (StopCCRP out)──> closed
 *                  │                     │
 *                  │ timeout, bad        └──stop()──> wt-stop-reply ──StopCCRP / timeout──> closed
 *                  │ version, framing
 *                  └────────────────────────────────────────────────────────> closed
 *
 * Calls (one per accepted OCRQ): wt-vacc ──accepted──> estabd ──CCRQ/CDN/clear──> gone.
 *
 * Policy (codebases.md practice 6): wrong-state messages are answered with
 * the RFC's result/error codes, garbage is counted and dropped, framing
 * errors end the connection; network input never throws.
 *   - SCCRQ with a version other than 1.0: SCCRP result 5, then close.
 *   - A second SCCRQ: SCCRP result 3 "command channel already exists" (the
 *     connection stays up), as accel-ppp does.
 *   - OCRQ / ICRQ before estabd: OCRP / ICRP general error, Not-Connected.
 *   - ICRQ when established: ICRP "Do Not Accept" (PIX takes outgoing calls only).
 *   - CCRQ for a live call: CDN result 4 "Request"; the control connection
 *     stays until the peer's StopCCRQ (Windows sends it right after).
 *   - CCRQ for an unknown call: CDN general error, Bad-Call-ID.
 *   - SLI / WEN / CDN for an unknown call, replies we never asked for and
 *     unknown message types: counted, `debug vpdn error`, dropped.
 *   - No SCCRQ within sccrqTimeoutSeconds (pptpd stimeout, 10 s): close.
 *   - No input for `pptp echo` seconds: Echo-Request; no reply within
 *     echoTimeoutSeconds (60): close.
 */
import { SmallMap } from '../../util/small-map.js';
import type { Clock, Timer } from '../../util/clock.js';
import type { PptpDebugSink } from './debug-events.js';
import { ControlChannel, type ControlCounters } from './channel.js';
import {
  CdnResult,
  GeneralErrorCode,
  IcrpResult,
  OcrpResult,
  PPTP_PROTOCOL_VERSION,
  SccrpResult,
  StopReason,
  StopccrpResult,
  type ControlMessage,
  type OutgoingCallRequest,
  type StartControlConnectionRequest,
  type StopControlConnectionRequest,
  type WanErrorNotify,
} from './wire.js';

export { PptpClientControl } from './client-control.js';

export type ControlState = 'wt-sccrq' | 'estabd' | 'wt-stop-reply' | 'closed';
export type CallState = 'wt-vacc' | 'estabd';

export type OutgoingCallDecision =
  | { accept: true; callId: number }
  | { accept: false; resultCode: number; errorCode: number; causeCode?: number };

export type WanErrorCounts = Omit<WanErrorNotify, 'type' | 'peerCallId'>;

export interface PptpControlCallbacks {
  /**
   * The peer's OCRQ, in estabd. Accept with our call id (free, 1..65535:
   * see CallIdAllocator) to send OCRP Connected, or refuse with OCRP codes.
   * The request carries the peer's call id and receive window for GRE.
   * The decision may come later (a promise): the OCRP goes out then, unless
   * the control connection has ended meanwhile (then nothing is sent: the
   * callback must not have made the call, or undo it).
   */
  onOutgoingCallRequest(req: OutgoingCallRequest): OutgoingCallDecision | Promise<OutgoingCallDecision>;
  /** A call ended other than by our clearCall(): the peer's CCRQ or CDN, or the tunnel ending. */
  onCallClear(callId: number, reason: string): void;
  /** Set-Link-Info for one of our calls. */
  onSetLinkInfo(callId: number, accm: { sendAccm: number; receiveAccm: number }): void;
  onWanError(callId: number, counts: WanErrorCounts): void;
  /**
   * The control connection is over (after onCallClear for every live call).
   * Called once. Any final message (StopCCRP) has already been passed to
   * send(): end the socket gracefully (socket.end()) so it goes out.
   */
  onClosed(reason: string): void;
}

export interface PptpControlOptions {
  tunnelId: number;
  send(bytes: Buffer): void;
  clock: Clock;
  debug: PptpDebugSink;
  /** `vpdn enable` interface name, e.g. 'outside' (kept for status). */
  ifName: string;
  peerAddress: string;
  /** SCCRP Host Name and Vendor String. */
  localHostName: string;
  vendor: string;
  /** `vpdn group N pptp echo S`; 0 disables. */
  echoIntervalSeconds: number;
  echoTimeoutSeconds?: number;
  /** Seconds a new connection may take to send its SCCRQ. Default 10. */
  sccrqTimeoutSeconds?: number;
  /** Seconds to wait for StopCCRP after our StopCCRQ. Default 10. */
  stopReplyTimeoutSeconds?: number;
  /** `socket fd=N` in debug lines. Default 1. */
  socketFd?: number;
  /** SCCRP capabilities. Defaults: framing 3 (async+sync), bearer 3, max channels 0, firmware 0. */
  framingCapabilities?: number;
  bearerCapabilities?: number;
  maximumChannels?: number;
  firmwareRevision?: number;
  /** Our receive window in the OCRP. Default 64. */
  recvWindowSize?: number;
  /** OCRP Packet Processing Delay (1/10 s). Default 0. */
  packetProcessingDelay?: number;
  /**
   * OCRP Connect Speed as written on the wire. Default 0x00fa0000: seed 003
   * shows the PIX sending 64000 in x86 host order (octets 00 fa 00 00), as
   * RRAS does in the capture.
   */
  connectSpeed?: number;
  callbacks: PptpControlCallbacks;
}

export interface PptpCallInfo {
  /** Our call id (the key of GRE packets the peer sends us). */
  callId: number;
  /** The peer's call id (the key we put in GRE packets we send). */
  peerCallId: number;
  state: CallState;
  callSerialNumber: number;
  /** From the OCRQ: at most this many unacknowledged GRE packets to the peer. */
  peerRecvWindow: number;
  peerProcessingDelay: number;
  minimumBps: number;
  maximumBps: number;
  /** Clock time of the last state change. */
  changedAt: number;
}

export interface PptpControlStatus extends ControlCounters {
  tunnelId: number;
  state: ControlState;
  /** ms since the last state change */
  sinceChange: number;
  ifName: string;
  peerAddress: string;
  calls: PptpCallInfo[];
  /** The peer's SCCRQ, once received (host name, vendor: for peer quirks). */
  peer?: StartControlConnectionRequest;
  errors: Record<string, number>;
}

export class PptpControlConnection extends ControlChannel {
  private state: ControlState = 'wt-sccrq';
  private changedAt: number;
  /** Usually one (a PIX tunnel carries one call): a SmallMap, not a Map per tunnel. */
  private readonly calls = new SmallMap<number, PptpCallInfo>();
  private peer: StartControlConnectionRequest | undefined;
  private sccrqTimer: Timer | null;
  private stopTimer: Timer | null = null;

  constructor(private readonly opts: PptpControlOptions) {
    super(opts);
    this.changedAt = opts.clock.now();
    if (this.debug.on('vpdn event')) this.emit({ kind: 'tunnel-created', fd: this.fd });
    const wait = (opts.sccrqTimeoutSeconds ?? 10) * 1000;
    this.sccrqTimer = opts.clock.setTimer(wait, () => {
      this.sccrqTimer = null;
      if (this.state !== 'wt-sccrq') return;
      this.reject('sccrq-timeout', `no SCCRQ in ${wait / 1000} secs, dropping connection`);
      this.terminate('sccrq-timeout', 'sccrq-timeout');
    });
  }

  /** Send CDN for one of our calls (e.g. PPP ended, `clear vpdn`). No onCallClear. False if unknown. */
  clearCall(callId: number, resultCode: number = CdnResult.AdminShutdown, causeCode = 0): boolean {
    const call = this.calls.get(callId);
    if (!call || this.isClosed) return false;
    this.calls.delete(callId);
    if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event: 'clear', from: call.state, to: 'closed', callId });
    this.sendMessage({ type: 'CDN', callId, resultCode, errorCode: 0, causeCode, callStatistics: '' }, callId);
    return true;
  }

  /**
   * Orderly end (`clear vpdn tunnel`): CDN for every call (onCallClear is
   * called for each), StopCCRQ, then close on StopCCRP or after the timeout.
   */
  stop(reason: number = StopReason.None): void {
    if (this.isClosed || this.state === 'wt-stop-reply') return;
    if (this.state === 'wt-sccrq') {
      this.terminate('local-stop', 'stop');
      return;
    }
    const live = [...this.calls.keys()];
    for (const callId of live) this.clearCall(callId, CdnResult.AdminShutdown);
    this.stopKeepalive();
    this.changeState('wt-stop-reply', 'stop');
    const wait = (this.opts.stopReplyTimeoutSeconds ?? 10) * 1000;
    // Armed before sending: a synchronous peer may answer inside send().
    this.stopTimer = this.clock.setTimer(wait, () => {
      this.stopTimer = null;
      this.reject('stop-reply-timeout', `no StopCCRP in ${wait / 1000} secs`);
      this.terminate('stop-reply-timeout', 'stop-reply-timeout');
    });
    this.sendMessage({ type: 'StopCCRQ', reason });
    // Callbacks last: the owner may call stop() again from onCallClear (its
    // last call is gone); by now that is a no-op, not a second StopCCRQ.
    for (const callId of live) this.opts.callbacks.onCallClear(callId, 'tunnel-stop');
  }

  /** Close now, sending nothing (the TCP connection went away, shutdown). */
  close(reason = 'closed'): void {
    this.terminate(reason, 'close');
  }

  /** The tunnel's state and when it took it on the clock, read in place (show vpdn reads every tunnel). */
  get currentState(): ControlState {
    return this.state;
  }

  get stateChangedAt(): number {
    return this.changedAt;
  }

  status(): PptpControlStatus {
    return {
      tunnelId: this.tunnelId,
      state: this.state,
      sinceChange: this.clock.now() - this.changedAt,
      ifName: this.opts.ifName,
      peerAddress: this.opts.peerAddress,
      ...this.counters,
      calls: [...this.calls.values()].map((c) => ({ ...c })),
      peer: this.peer,
      errors: { ...this.errors },
    };
  }

  getCall(callId: number): PptpCallInfo | undefined {
    return this.calls.get(callId);
  }

  // ---- ControlChannel hooks ----

  protected get stateName(): string {
    return this.state;
  }

  protected setState(state: string): void {
    this.state = state as ControlState;
    this.changedAt = this.clock.now();
  }

  protected onTerminate(reason: string): void {
    this.sccrqTimer?.cancel();
    this.sccrqTimer = null;
    this.stopTimer?.cancel();
    this.stopTimer = null;
    const live = [...this.calls.keys()];
    this.calls.clear();
    for (const callId of live) this.opts.callbacks.onCallClear(callId, reason);
    this.opts.callbacks.onClosed(reason);
  }

  protected dispatch(msg: ControlMessage): void {
    switch (msg.type) {
      case 'SCCRQ':
        return this.onSccrq(msg);
      case 'StopCCRQ':
        return this.onStopRequest(msg);
      case 'StopCCRP':
        this.received('StopCCRP');
        if (this.state === 'wt-stop-reply') this.terminate('stopped', 'StopCCRP');
        else this.reject('unexpected-message', `StopCCRP in state ${this.state}, ignored`);
        return;
      case 'ECHORQ':
        this.received('ECHORQ');
        return this.answerEcho(msg, this.state === 'estabd' || this.state === 'wt-stop-reply');
      case 'ECHORP':
        this.received('ECHORP');
        return this.onEchoReply(msg);
      case 'OCRQ':
        return this.onOcrq(msg);
      case 'ICRQ':
        this.received('ICRQ');
        if (this.state !== 'estabd') {
          this.reject('wrong-state', `ICRQ in state ${this.state}, not connected`);
          this.sendIcrp(msg.callId, IcrpResult.GeneralError, GeneralErrorCode.NotConnected);
        } else {
          this.reject('unsupported-message', 'ICRQ: incoming calls not accepted');
          this.sendIcrp(msg.callId, IcrpResult.DoNotAccept, GeneralErrorCode.None);
        }
        return;
      case 'CCRQ':
        return this.onCallClearRequest(msg.callId);
      case 'CDN': {
        const call = this.findByPeerCallId(msg.callId);
        this.received('CDN', call?.callId);
        if (!call) return this.reject('bad-call-id', `CDN for unknown peer call id ${msg.callId}, ignored`);
        this.calls.delete(call.callId);
        if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event: 'CDN', from: call.state, to: 'closed', callId: call.callId });
        this.opts.callbacks.onCallClear(call.callId, 'peer-disconnect');
        return;
      }
      case 'SLI': {
        const call = this.calls.get(msg.peerCallId);
        this.received('SLI', call ? msg.peerCallId : undefined);
        if (!call) return this.reject('bad-call-id', `SLI for unknown call id ${msg.peerCallId}, ignored`);
        this.opts.callbacks.onSetLinkInfo(msg.peerCallId, { sendAccm: msg.sendAccm, receiveAccm: msg.receiveAccm });
        return;
      }
      case 'WEN':
        return this.onWen(msg);
      case 'SCCRP':
      case 'OCRP':
      case 'ICRP':
      case 'ICCN':
        this.received(msg.type);
        this.reject('unsupported-message', `${msg.type} not expected by a server, ignored`);
        return;
    }
  }

  // ---- message handlers ----

  private onSccrq(msg: StartControlConnectionRequest): void {
    this.received('SCCRQ');
    if (this.debug.on('vpdn event')) this.emit({ kind: 'start-control', message: msg });
    if (this.state !== 'wt-sccrq') {
      this.reject('second-sccrq', `SCCRQ in state ${this.state}, channel exists`);
      if (this.state === 'estabd') this.sendSccrp(SccrpResult.ChannelExists);
      return;
    }
    this.sccrqTimer?.cancel();
    this.sccrqTimer = null;
    this.peer = msg;
    if (msg.protocolVersion !== PPTP_PROTOCOL_VERSION) {
      this.reject('bad-version', `unsupported protocol version 0x${msg.protocolVersion.toString(16)}`);
      this.sendSccrp(SccrpResult.UnsupportedVersion);
      this.terminate('bad-version', 'SCCRQ-bad-version');
      return;
    }
    this.changeState('estabd', 'SCCRQ-ok');
    this.sendSccrp(SccrpResult.Success);
    this.startKeepalive();
  }

  private sendSccrp(resultCode: number): void {
    const o = this.opts;
    this.sendMessage({
      type: 'SCCRP',
      protocolVersion: PPTP_PROTOCOL_VERSION,
      resultCode,
      errorCode: GeneralErrorCode.None,
      framingCapabilities: o.framingCapabilities ?? 3,
      bearerCapabilities: o.bearerCapabilities ?? 3,
      maximumChannels: o.maximumChannels ?? 0,
      firmwareRevision: o.firmwareRevision ?? 0,
      hostName: o.localHostName,
      vendorString: o.vendor,
    });
  }

  private onStopRequest(msg: StopControlConnectionRequest): void {
    this.received('StopCCRQ');
    this.sendMessage({ type: 'StopCCRP', resultCode: StopccrpResult.Ok, errorCode: GeneralErrorCode.None });
    this.terminate(msg.reason === StopReason.LocalShutdown ? 'peer-shutdown' : 'peer-stop', 'StopCCRQ');
  }

  private onOcrq(msg: OutgoingCallRequest): void {
    this.received('OCRQ');
    if (this.debug.on('vpdn event')) this.emit({ kind: 'outgoing-call', message: msg });
    if (this.state !== 'estabd') {
      this.reject('wrong-state', `OCRQ in state ${this.state}, not connected`);
      this.sendOcrpRefusal(msg.callId, OcrpResult.GeneralError, GeneralErrorCode.NotConnected, 0);
      return;
    }
    const decision = this.opts.callbacks.onOutgoingCallRequest(msg);
    if ('then' in decision) {
      decision.then(
        (d) => this.state === 'estabd' && this.decided(msg, d),
        () => this.state === 'estabd' && this.decided(msg, { accept: false, resultCode: OcrpResult.GeneralError, errorCode: GeneralErrorCode.NoResource }),
      );
      return;
    }
    this.decided(msg, decision);
  }

  private decided(msg: OutgoingCallRequest, decision: OutgoingCallDecision): void {
    if (!decision.accept) {
      this.reject('call-refused', `OCRQ refused, result ${decision.resultCode}, error ${decision.errorCode}`);
      this.sendOcrpRefusal(msg.callId, decision.resultCode, decision.errorCode, decision.causeCode ?? 0);
      return;
    }
    const callId = decision.callId;
    if (!(callId >= 1 && callId <= 0xffff) || this.calls.has(callId)) {
      throw new RangeError(`onOutgoingCallRequest returned call id ${callId}: not 1..65535 or already live`);
    }
    const now = this.clock.now();
    const call: PptpCallInfo = {
      callId,
      peerCallId: msg.callId,
      state: 'wt-vacc',
      callSerialNumber: msg.callSerialNumber,
      peerRecvWindow: msg.packetRecvWindowSize,
      peerProcessingDelay: msg.packetProcessingDelay,
      minimumBps: msg.minimumBps,
      maximumBps: msg.maximumBps,
      changedAt: now,
    };
    this.calls.set(callId, call);
    if (this.debug.on('vpdn event')) this.emit({ kind: 'session-stored', callId });
    call.state = 'estabd';
    if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event: 'vacc-ok', from: 'wt-vacc', to: 'estabd', callId });
    this.sendMessage(
      {
        type: 'OCRP',
        callId,
        peerCallId: msg.callId,
        resultCode: OcrpResult.Connected,
        errorCode: GeneralErrorCode.None,
        causeCode: 0,
        connectSpeed: this.opts.connectSpeed ?? 0x00fa0000,
        packetRecvWindowSize: this.opts.recvWindowSize ?? 64,
        packetProcessingDelay: this.opts.packetProcessingDelay ?? 0,
        physicalChannelId: 0,
      },
      callId,
    );
  }

  private sendOcrpRefusal(peerCallId: number, resultCode: number, errorCode: number, causeCode: number): void {
    this.sendMessage({
      type: 'OCRP',
      callId: 0,
      peerCallId,
      resultCode,
      errorCode,
      causeCode,
      connectSpeed: 0,
      packetRecvWindowSize: 0,
      packetProcessingDelay: 0,
      physicalChannelId: 0,
    });
  }

  private sendIcrp(peerCallId: number, resultCode: number, errorCode: number): void {
    this.sendMessage({
      type: 'ICRP',
      callId: 0,
      peerCallId,
      resultCode,
      errorCode,
      packetRecvWindowSize: 0,
      packetTransmitDelay: 0,
    });
  }

  /** CCRQ carries the sender's (the peer's) call id. */
  private onCallClearRequest(peerCallId: number): void {
    const call = this.findByPeerCallId(peerCallId);
    this.received('CCRQ', call?.callId);
    if (this.state !== 'estabd') {
      this.reject('wrong-state', `ClearRQ in state ${this.state}, ignored`);
      return;
    }
    if (!call) {
      this.reject('bad-call-id', `ClearRQ for unknown peer call id ${peerCallId}`);
      this.sendMessage({
        type: 'CDN',
        callId: 0,
        resultCode: CdnResult.GeneralError,
        errorCode: GeneralErrorCode.BadCallId,
        causeCode: 0,
        callStatistics: '',
      });
      return;
    }
    this.calls.delete(call.callId);
    if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event: 'ClearRQ', from: call.state, to: 'closed', callId: call.callId });
    this.sendMessage(
      {
        type: 'CDN',
        callId: call.callId,
        resultCode: CdnResult.Request,
        errorCode: GeneralErrorCode.None,
        causeCode: 0,
        callStatistics: '',
      },
      call.callId,
    );
    this.opts.callbacks.onCallClear(call.callId, 'peer-clear-request');
  }

  private onWen(msg: WanErrorNotify): void {
    const call = this.calls.get(msg.peerCallId);
    this.received('WEN', call ? msg.peerCallId : undefined);
    if (!call) return this.reject('bad-call-id', `WEN for unknown call id ${msg.peerCallId}, ignored`);
    const { crcErrors, framingErrors, hardwareOverruns, bufferOverruns, timeoutErrors, alignmentErrors } = msg;
    this.opts.callbacks.onWanError(msg.peerCallId, {
      crcErrors,
      framingErrors,
      hardwareOverruns,
      bufferOverruns,
      timeoutErrors,
      alignmentErrors,
    });
  }

  private findByPeerCallId(peerCallId: number): PptpCallInfo | undefined {
    for (const c of this.calls.values()) if (c.peerCallId === peerCallId) return c;
    return undefined;
  }
}
