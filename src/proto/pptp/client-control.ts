/**
 * PPTP control connection, client role: what a Windows or Linux PPTP client
 * does towards a server. Used by our own TypeScript client (end-to-end
 * tests, load generator). Sends SCCRQ, OCRQ, SLI, CCRQ and StopCCRQ;
 * answers Echo-Request and the server's StopCCRQ.
 *
 *   idle ──start()──> wt-sccrp ──SCCRP ok──> estabd ──stop()──> wt-stop-reply ──StopCCRP──> closed
 *
 * Calls: openCall() ──OCRQ──> wt-ocrp ──OCRP ok──> estabd ──clearCall()──> wt-cdn ──CDN──> gone
 *
 * The fields a client puts in its messages come from a profile, so one
 * engine can look like Windows 10 or like Linux pptp.
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { PptpDebugSink } from './debug-events.js';
import { ControlChannel } from './channel.js';
import {
  ANY_TYPE,
  GeneralErrorCode,
  OcrpResult,
  PPTP_PROTOCOL_VERSION,
  SccrpResult,
  StopReason,
  StopccrpResult,
  type CallDisconnectNotify,
  type ControlMessage,
  type OutgoingCallReply,
  type StartControlConnectionReply,
} from './wire.js';

export interface PptpClientProfile {
  name: string;
  hostName: string;
  vendorString: string;
  protocolVersion: number;
  framingCapabilities: number;
  bearerCapabilities: number;
  maximumChannels: number;
  firmwareRevision: number;
  minimumBps: number;
  maximumBps: number;
  bearerType: number;
  framingType: number;
  /** Our receive window, sent in the OCRQ. */
  recvWindowSize: number;
  packetProcessingDelay: number;
  phoneNumber: string;
  /** Up to 64 raw octets for the OCRQ Subaddress. */
  subaddress: Uint8Array;
  /** Send Set-Link-Info as soon as the OCRP arrives (Windows does). */
  sliAfterOcrp: boolean;
  /** ACCMs of that SLI. */
  sliAccm: { sendAccm: number; receiveAccm: number };
  /** GRE: first sequence number this client sends (Windows 0). */
  initialGreSeq: number;
}

/**
 * Windows 10 (the capture in shared/reference/captures): vendor
 * "Microsoft", empty host name, framing and bearer 1, firmware 0, 300 to
 * 100000000 bps, window 64, a 16-octet binary GUID in the Subaddress, SLI
 * with ACCMs ffffffff right after the OCRP, GRE sequence from 0.
 */
export const WINDOWS10_PROFILE: PptpClientProfile = {
  name: 'Windows 10',
  hostName: '',
  vendorString: 'Microsoft',
  protocolVersion: PPTP_PROTOCOL_VERSION,
  framingCapabilities: 1,
  bearerCapabilities: 1,
  maximumChannels: 0,
  firmwareRevision: 0,
  minimumBps: 300,
  maximumBps: 100000000,
  bearerType: ANY_TYPE,
  framingType: ANY_TYPE,
  recvWindowSize: 64,
  packetProcessingDelay: 0,
  phoneNumber: '',
  subaddress: Buffer.from('96157121fdb78f47b5d0be36d2e97e50', 'hex'),
  sliAfterOcrp: true,
  sliAccm: { sendAccm: 0xffffffff, receiveAccm: 0xffffffff },
  initialGreSeq: 0,
};

/**
 * Linux pptp-linux 1.10 (linuxvm README: host "local", vendor "cananian",
 * framing 3, bearer 3, max channels 65535). The OCRQ values (2400 to
 * 10000000 bps, window 64, firmware 1) are pptp-linux's defaults as we know
 * them, not yet checked against a capture. No SLI until pppd asks.
 */
export const LINUX_PPTP_PROFILE: PptpClientProfile = {
  name: 'linux pptp',
  hostName: 'local',
  vendorString: 'cananian',
  protocolVersion: PPTP_PROTOCOL_VERSION,
  framingCapabilities: 3,
  bearerCapabilities: 3,
  maximumChannels: 65535,
  firmwareRevision: 1,
  minimumBps: 2400,
  maximumBps: 10000000,
  bearerType: ANY_TYPE,
  framingType: ANY_TYPE,
  recvWindowSize: 64,
  packetProcessingDelay: 0,
  phoneNumber: '',
  subaddress: new Uint8Array(0),
  sliAfterOcrp: false,
  sliAccm: { sendAccm: 0xffffffff, receiveAccm: 0xffffffff },
  initialGreSeq: 1,
};

export type ClientState = 'idle' | 'wt-sccrp' | 'estabd' | 'wt-stop-reply' | 'closed';

export interface ClientCall {
  callId: number;
  peerCallId: number;
  state: 'wt-ocrp' | 'estabd' | 'wt-cdn';
  /** From the OCRP. */
  peerRecvWindow: number;
  peerProcessingDelay: number;
  connectSpeed: number;
}

export interface PptpClientCallbacks {
  onEstablished(reply: StartControlConnectionReply): void;
  onCallConnected(call: ClientCall): void;
  /** OCRP with a result other than Connected, or no OCRP in time. */
  onCallFailed(callId: number, reply: OutgoingCallReply | 'timeout'): void;
  /** The call is gone: the server's CDN (unprompted or answering our CCRQ) or the tunnel ending. */
  onCallCleared(callId: number, cdn: CallDisconnectNotify | string): void;
  onClosed(reason: string): void;
}

export interface PptpClientOptions {
  /** Label for debug lines. */
  tunnelId: number;
  send(bytes: Buffer): void;
  clock: Clock;
  debug: PptpDebugSink;
  profile: PptpClientProfile;
  echoIntervalSeconds?: number;
  echoTimeoutSeconds?: number;
  /** Seconds to wait for SCCRP, OCRP, CDN and StopCCRP. Default 10. */
  replyTimeoutSeconds?: number;
  callbacks: PptpClientCallbacks;
}

export class PptpClientControl extends ControlChannel {
  private state: ClientState = 'idle';
  private readonly calls = new Map<number, ClientCall>();
  private readonly callTimers = new Map<number, Timer>();
  private replyTimer: Timer | null = null;
  private nextCallId = 1;
  private nextSerial = 0;
  private server: StartControlConnectionReply | undefined;

  constructor(private readonly opts: PptpClientOptions) {
    super({ ...opts, echoIntervalSeconds: opts.echoIntervalSeconds ?? 60 });
  }

  get currentState(): ClientState {
    return this.state;
  }

  /** The server's SCCRP, once established. */
  get serverInfo(): StartControlConnectionReply | undefined {
    return this.server;
  }

  /** Send the SCCRQ. Call once after the TCP connection is up. */
  start(): void {
    if (this.state !== 'idle') throw new Error(`start() in state ${this.state}`);
    const p = this.opts.profile;
    this.changeState('wt-sccrp', 'start');
    // Timers are armed before sending: a synchronous peer may answer inside send().
    this.armReply('SCCRP', () => this.terminate('sccrp-timeout', 'sccrp-timeout'));
    this.sendMessage({
      type: 'SCCRQ',
      protocolVersion: p.protocolVersion,
      framingCapabilities: p.framingCapabilities,
      bearerCapabilities: p.bearerCapabilities,
      maximumChannels: p.maximumChannels,
      firmwareRevision: p.firmwareRevision,
      hostName: p.hostName,
      vendorString: p.vendorString,
    });
  }

  /** Send an OCRQ; returns our call id. Throws unless established. */
  openCall(callId?: number): number {
    if (this.state !== 'estabd') throw new Error(`openCall() in state ${this.state}`);
    const id = callId ?? this.allocateCallId();
    if (this.calls.has(id)) throw new Error(`call id ${id} is live`);
    const p = this.opts.profile;
    const call: ClientCall = { callId: id, peerCallId: 0, state: 'wt-ocrp', peerRecvWindow: 0, peerProcessingDelay: 0, connectSpeed: 0 };
    this.calls.set(id, call);
    const serial = this.nextSerial;
    this.nextSerial = (this.nextSerial + 1) & 0xffff;
    this.armCallTimer(id, 'OCRP', () => {
      this.calls.delete(id);
      this.opts.callbacks.onCallFailed(id, 'timeout');
    });
    this.sendMessage({
      type: 'OCRQ',
      callId: id,
      callSerialNumber: serial,
      minimumBps: p.minimumBps,
      maximumBps: p.maximumBps,
      bearerType: p.bearerType,
      framingType: p.framingType,
      packetRecvWindowSize: p.recvWindowSize,
      packetProcessingDelay: p.packetProcessingDelay,
      phoneNumberLength: p.phoneNumber.length,
      phoneNumber: p.phoneNumber,
      subaddress: Buffer.from(p.subaddress),
    });
    return id;
  }

  /** Set-Link-Info for a connected call (ACCMs as negotiated by LCP). */
  setLinkInfo(callId: number, sendAccm: number, receiveAccm: number): void {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'estabd') throw new Error(`setLinkInfo() for call ${callId} not connected`);
    this.sendMessage({ type: 'SLI', peerCallId: call.peerCallId, sendAccm, receiveAccm }, callId);
  }

  /** Send CCRQ and wait for the server's CDN (onCallCleared). */
  clearCall(callId: number): void {
    const call = this.calls.get(callId);
    if (!call || call.state === 'wt-cdn') return;
    call.state = 'wt-cdn';
    this.armCallTimer(callId, 'CDN', () => {
      this.calls.delete(callId);
      this.opts.callbacks.onCallCleared(callId, 'cdn-timeout');
    });
    this.sendMessage({ type: 'CCRQ', callId }, callId);
  }

  /** Send StopCCRQ; closes on StopCCRP or after the reply timeout. */
  stop(reason: number = StopReason.None): void {
    if (this.state === 'idle' || this.state === 'wt-sccrp') {
      this.terminate('local-stop', 'stop');
      return;
    }
    if (this.state !== 'estabd') return;
    this.stopKeepalive();
    this.changeState('wt-stop-reply', 'stop');
    this.armReply('StopCCRP', () => this.terminate('stop-reply-timeout', 'stop-reply-timeout'));
    this.sendMessage({ type: 'StopCCRQ', reason });
  }

  close(reason = 'closed'): void {
    this.terminate(reason, 'close');
  }

  getCall(callId: number): ClientCall | undefined {
    const c = this.calls.get(callId);
    return c && { ...c };
  }

  // ---- ControlChannel hooks ----

  protected get stateName(): string {
    return this.state;
  }

  protected setState(state: string): void {
    this.state = state as ClientState;
  }

  protected onTerminate(reason: string): void {
    this.replyTimer?.cancel();
    this.replyTimer = null;
    for (const t of this.callTimers.values()) t.cancel();
    this.callTimers.clear();
    const live = [...this.calls.keys()];
    this.calls.clear();
    for (const id of live) this.opts.callbacks.onCallCleared(id, reason);
    this.opts.callbacks.onClosed(reason);
  }

  protected dispatch(msg: ControlMessage): void {
    switch (msg.type) {
      case 'SCCRP':
        return this.onSccrp(msg);
      case 'OCRP':
        return this.onOcrp(msg);
      case 'CDN':
        return this.onCdn(msg);
      case 'ECHORQ':
        this.received('ECHORQ');
        return this.answerEcho(msg, this.state === 'estabd' || this.state === 'wt-stop-reply');
      case 'ECHORP':
        this.received('ECHORP');
        return this.onEchoReply(msg);
      case 'StopCCRQ':
        this.received('StopCCRQ');
        this.sendMessage({ type: 'StopCCRP', resultCode: StopccrpResult.Ok, errorCode: GeneralErrorCode.None });
        return this.terminate('server-stop', 'StopCCRQ');
      case 'StopCCRP':
        this.received('StopCCRP');
        if (this.state === 'wt-stop-reply') return this.terminate('stopped', 'StopCCRP');
        return this.reject('unexpected-message', `StopCCRP in state ${this.state}, ignored`);
      case 'SLI': {
        // Some servers (RRAS) send SLI too; nothing to do for a client.
        this.received('SLI', this.calls.has(msg.peerCallId) ? msg.peerCallId : undefined);
        return;
      }
      default:
        if (this.debug.on('vpdn event')) this.emit({ kind: 'unexpected', message: msg.type });
        return this.reject('unsupported-message', `${msg.type} not expected by a client, ignored`);
    }
  }

  // ---- handlers ----

  private onSccrp(msg: StartControlConnectionReply): void {
    this.received('SCCRP');
    if (this.debug.on('vpdn event')) this.emit({ kind: 'start-control', message: msg });
    if (this.state !== 'wt-sccrp') return this.reject('unexpected-message', `SCCRP in state ${this.state}, ignored`);
    this.replyTimer?.cancel();
    this.replyTimer = null;
    if (msg.resultCode !== SccrpResult.Success) {
      this.reject('sccrp-refused', `SCCRP result ${msg.resultCode}, error ${msg.errorCode}`);
      return this.terminate(`sccrp-result-${msg.resultCode}`, 'SCCRP-fail');
    }
    this.server = msg;
    this.changeState('estabd', 'SCCRP-ok');
    this.startKeepalive();
    this.opts.callbacks.onEstablished(msg);
  }

  private onOcrp(msg: OutgoingCallReply): void {
    const call = this.calls.get(msg.peerCallId);
    this.received('OCRP', call?.callId);
    if (!call || call.state !== 'wt-ocrp') {
      return this.reject('bad-call-id', `OCRP for call id ${msg.peerCallId} not waiting for one, ignored`);
    }
    this.callTimers.get(call.callId)?.cancel();
    this.callTimers.delete(call.callId);
    if (msg.resultCode !== OcrpResult.Connected) {
      this.calls.delete(call.callId);
      this.reject('call-refused', `OCRP result ${msg.resultCode}, error ${msg.errorCode}`, call.callId);
      return this.opts.callbacks.onCallFailed(call.callId, msg);
    }
    call.peerCallId = msg.callId;
    call.peerRecvWindow = msg.packetRecvWindowSize;
    call.peerProcessingDelay = msg.packetProcessingDelay;
    call.connectSpeed = msg.connectSpeed;
    call.state = 'estabd';
    if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event: 'OCRP-ok', from: 'wt-ocrp', to: 'estabd', callId: call.callId });
    const p = this.opts.profile;
    if (p.sliAfterOcrp) this.setLinkInfo(call.callId, p.sliAccm.sendAccm, p.sliAccm.receiveAccm);
    this.opts.callbacks.onCallConnected({ ...call });
  }

  /** CDN carries the server's call id, our call's peerCallId. */
  private onCdn(msg: CallDisconnectNotify): void {
    let call: ClientCall | undefined;
    for (const c of this.calls.values()) if (c.state !== 'wt-ocrp' && c.peerCallId === msg.callId) call = c;
    this.received('CDN', call?.callId);
    if (!call) return this.reject('bad-call-id', `CDN for unknown call id ${msg.callId}, ignored`);
    this.callTimers.get(call.callId)?.cancel();
    this.callTimers.delete(call.callId);
    this.calls.delete(call.callId);
    this.opts.callbacks.onCallCleared(call.callId, msg);
  }

  // ---- helpers ----

  private allocateCallId(): number {
    let id = this.nextCallId;
    while (this.calls.has(id)) id = id >= 0xffff ? 1 : id + 1;
    this.nextCallId = id >= 0xffff ? 1 : id + 1;
    return id;
  }

  private replyTimeoutMs(): number {
    return (this.opts.replyTimeoutSeconds ?? 10) * 1000;
  }

  private armReply(what: string, onTimeout: () => void): void {
    const ms = this.replyTimeoutMs();
    this.replyTimer?.cancel();
    this.replyTimer = this.clock.setTimer(ms, () => {
      this.replyTimer = null;
      this.reject(`${what.toLowerCase()}-timeout`, `no ${what} in ${ms / 1000} secs`);
      onTimeout();
    });
  }

  private armCallTimer(callId: number, what: string, onTimeout: () => void): void {
    const ms = this.replyTimeoutMs();
    this.callTimers.get(callId)?.cancel();
    this.callTimers.set(
      callId,
      this.clock.setTimer(ms, () => {
        this.callTimers.delete(callId);
        this.reject(`${what.toLowerCase()}-timeout`, `no ${what} in ${ms / 1000} secs`, callId);
        onTimeout();
      }),
    );
  }
}
