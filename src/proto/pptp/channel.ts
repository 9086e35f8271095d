/**
 * What both ends of a PPTP control connection share: framing the TCP
 * stream, decoding, sending, counters, `debug vpdn` I/O events, error
 * counting, the Echo-Request keepalive (RFC 2637 section 4.1.4) and the
 * once-only close. The server role (server-control.ts) and the client role
 * (client-control.ts) add their state machines on top.
 *
 * Owns no socket and no real clock: bytes go out through `send`, time comes
 * from the Clock.
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { PptpDebugEvent, PptpDebugSink } from './debug-events.js';
import { PptpFramer } from './framer.js';
import {
  decodeControlMessage,
  encodeControlMessage,
  EchoResult,
  GeneralErrorCode,
  type ControlMessage,
  type ControlMessageName,
  type EchoReply,
  type EchoRequest,
} from './wire.js';

const NO_ERRORS: Record<string, number> = Object.freeze({});

export interface ControlChannelOptions {
  /** Our tunnel id: the `Tnl N` of debug lines and `show vpdn`. */
  tunnelId: number;
  /** Write bytes to the TCP connection. */
  send(bytes: Buffer): void;
  clock: Clock;
  debug: PptpDebugSink;
  /** The number printed as `socket fd=N` in debug lines (the PIX prints 1). Default 1. */
  socketFd?: number;
  /** Idle seconds before we send an Echo-Request (`pptp echo`); 0 = never. */
  echoIntervalSeconds: number;
  /** Seconds to wait for the Echo-Reply before tearing down. Default 60 (RFC 2637 4.1.4). */
  echoTimeoutSeconds?: number;
}

/** Counters for `show vpdn`, control messages only (GRE is counted per call). */
export interface ControlCounters {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
}

export abstract class ControlChannel {
  protected readonly tunnelId: number;
  protected readonly clock: Clock;
  protected readonly debug: PptpDebugSink;
  protected readonly fd: number;
  readonly counters: ControlCounters = { packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0 };
  /** Rejected or unexpected input, by reason (every `debug vpdn error` line is counted). */
  get errors(): Readonly<Record<string, number>> {
    return this.errorCounts;
  }
  /** A shared empty object until the first rejection (most connections have none). */
  private errorCounts: Record<string, number> = NO_ERRORS;
  /** The sum of `errors` (a server with 10,000 connections reads only the ones with any). */
  rejections = 0;

  /** Its send() writes to the TCP connection (called as a method: the options may be a class instance). */
  private readonly out: Pick<ControlChannelOptions, 'send'>;
  private readonly framer: PptpFramer;
  private firstChunk = true;
  private closed = false;

  private readonly echoIntervalMs: number;
  private readonly echoTimeoutMs: number;
  private lastActivity: number;
  private idleTimer: Timer | null = null;
  private echoReplyTimer: Timer | null = null;
  private echoOutstanding: number | null = null;
  private nextEchoId = 1;

  constructor(opts: ControlChannelOptions) {
    this.tunnelId = opts.tunnelId;
    this.clock = opts.clock;
    this.debug = opts.debug;
    this.fd = opts.socketFd ?? 1;
    this.out = opts;
    this.echoIntervalMs = Math.max(0, opts.echoIntervalSeconds) * 1000;
    this.echoTimeoutMs = (opts.echoTimeoutSeconds ?? 60) * 1000;
    this.lastActivity = this.clock.now();
    this.framer = new PptpFramer((m) => this.onFrame(m));
  }

  /** Bytes from the TCP connection, in any chunking. Never throws on bad input. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    if (this.debug.on('vpdn packet')) this.emit({ kind: 'bytes-in', fd: this.fd, newConnection: this.firstChunk, length: chunk.length });
    this.firstChunk = false;
    const err = this.framer.push(chunk);
    if (err && !this.closed) {
      this.reject(`framing ${err.code}`, `framing error, ${err.detail}, dropping connection`);
      this.terminate('framing-error', 'framing-error');
    }
  }

  /** Something else (e.g. GRE data) shows the peer is alive: delays the next Echo-Request. */
  noteActivity(): void {
    this.lastActivity = this.clock.now();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- for subclasses ----

  protected abstract get stateName(): string;
  protected abstract setState(state: string): void;
  /** Handle one decoded message. */
  protected abstract dispatch(msg: ControlMessage): void;
  /** Calls to report when the connection ends; called once from terminate(). */
  protected abstract onTerminate(reason: string): void;

  protected emit(e: PptpDebugEvent): void {
    this.debug.emit(this.tunnelId, e);
  }

  /** `CC I <message>` under vpdn event. */
  protected received(message: ControlMessageName, callId?: number): void {
    if (this.debug.on('vpdn event')) this.emit({ kind: 'control', dir: 'I', message, callId });
  }

  /** Count a rejection and report it under `debug vpdn error`. */
  protected reject(key: string, detail: string, callId?: number): void {
    if (this.errorCounts === NO_ERRORS) this.errorCounts = {};
    this.errorCounts[key] = (this.errorCounts[key] ?? 0) + 1;
    this.rejections++;
    if (this.debug.on('vpdn error')) this.emit({ kind: 'rejected', detail, callId });
  }

  /** `<event> -> state change <from> to <to>` under vpdn event. */
  protected changeState(to: string, event: string, callId?: number): void {
    const from = this.stateName;
    this.setState(to);
    if (this.debug.on('vpdn event')) this.emit({ kind: 'state', event, from, to, callId });
  }

  /** Encode, log (`CC O NAME`, `cc snddata`), count and send. */
  protected sendMessage(msg: ControlMessage, callId?: number): void {
    if (this.closed) return;
    const bytes = encodeControlMessage(msg);
    if (this.debug.on('vpdn event')) this.emit({ kind: 'control', dir: 'O', message: msg.type, callId });
    if (this.debug.on('vpdn packet')) this.emit({ kind: 'message-out', fd: this.fd, bytes });
    this.counters.packetsSent++;
    this.counters.bytesSent += bytes.length;
    this.out.send(bytes);
  }

  /** End the connection once: timers off, calls reported, then the subclass's onClosed. */
  protected terminate(reason: string, event: string): void {
    if (this.closed) return;
    this.stopKeepalive();
    if (this.stateName !== 'closed') this.changeState('closed', event);
    this.closed = true;
    this.onTerminate(reason);
  }

  // ---- echo keepalive ----

  /** Start sending Echo-Requests after echoIntervalSeconds without input. */
  protected startKeepalive(): void {
    this.lastActivity = this.clock.now();
    this.armIdle(this.echoIntervalMs);
  }

  protected stopKeepalive(): void {
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.echoReplyTimer?.cancel();
    this.echoReplyTimer = null;
    this.echoOutstanding = null;
  }

  private armIdle(ms: number): void {
    if (this.echoIntervalMs <= 0 || this.closed) return;
    this.idleTimer?.cancel();
    this.idleTimer = this.clock.setTimer(ms, () => this.onIdle());
  }

  private onIdle(): void {
    this.idleTimer = null;
    if (this.closed || this.echoOutstanding !== null) return;
    const idle = this.clock.now() - this.lastActivity;
    if (idle < this.echoIntervalMs) {
      this.armIdle(this.echoIntervalMs - idle);
      return;
    }
    const identifier = this.nextEchoId;
    this.nextEchoId = (this.nextEchoId + 1) >>> 0 || 1;
    this.echoOutstanding = identifier;
    // Armed before sending: a synchronous peer may answer inside send().
    this.echoReplyTimer = this.clock.setTimer(this.echoTimeoutMs, () => {
      this.echoReplyTimer = null;
      this.reject('echo-timeout', `no Echo-Reply in ${this.echoTimeoutMs / 1000} secs, dropping connection`);
      this.terminate('echo-timeout', 'echo-timeout');
    });
    this.sendMessage({ type: 'ECHORQ', identifier });
  }

  /** Answer an Echo-Request: OK when established, else general error Not-Connected. */
  protected answerEcho(msg: EchoRequest, established: boolean): void {
    const reply: EchoReply = {
      type: 'ECHORP',
      identifier: msg.identifier,
      resultCode: established ? EchoResult.Ok : EchoResult.GeneralError,
      errorCode: established ? GeneralErrorCode.None : GeneralErrorCode.NotConnected,
    };
    if (!established) this.reject('wrong-state', `ECHORQ in state ${this.stateName}, not connected`);
    this.sendMessage(reply);
  }

  protected onEchoReply(msg: EchoReply): void {
    if (this.echoOutstanding === null || msg.identifier !== this.echoOutstanding) {
      this.reject('unexpected-echo-reply', `unexpected ECHORP id ${msg.identifier}`);
      return;
    }
    this.echoReplyTimer?.cancel();
    this.echoReplyTimer = null;
    this.echoOutstanding = null;
    this.armIdle(this.echoIntervalMs);
  }

  // ---- input ----

  private onFrame(buf: Buffer): void {
    if (this.closed) return;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += buf.length;
    this.lastActivity = this.clock.now();
    if (this.debug.on('vpdn packet')) this.emit({ kind: 'message-in', bytes: buf });
    const r = decodeControlMessage(buf);
    if (!r.ok) {
      // The framer already checked magic and lengths; what is left is an
      // unknown Control Message Type, which has no reply: count and drop.
      this.reject(r.error.code, `CC I ${r.error.detail}, ignored`);
      return;
    }
    this.dispatch(r.msg);
  }
}
