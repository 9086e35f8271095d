/**
 * The lab's in-process pair: the real PptpServer inside a real App (the
 * shell's config path: startup text through loadText, fixes through a
 * ShellSession in configuration mode, every commit reconfiguring the live
 * server), over memory GRE and a memory TUN whose test kernel answers
 * pings to the server's address; our TypeScript client dials it over
 * loopback TCP from 127.0.0.2, .3, ... No root needed, nothing leaves the
 * process but loopback TCP.
 *
 * The server console is a ShellSession with `debug vpdn event`, `debug
 * ppp negotiation` and `debug ppp uauth` on; syslog reaches it through the
 * scenario's `logging console debugging`.
 */
import { DebugBus } from '../debug/bus.js';
import { systemClock, type Clock } from '../util/clock.js';
import { PptpServer } from '../server/server.js';
import { createMemoryGreNetwork, type MemoryGreSocket } from '../proto/gre/memory.js';
import { attachTestKernel } from '../proto/tun/memory-kernel.js';
import { createMemoryTun } from '../proto/tun/memory.js';
import type { UdpStack } from '../proto/radius/udp.js';
import { createApp, type App } from '../cli/app.js';
import type { ShellSession } from '../cli/session.js';
import { dialPptp, type PptpClient } from '../client/dial.js';
import { DialError } from '../client/failure.js';
import type { ProfileName } from '../client/personalities.js';
import type { AuthProtocol, MppeSetting } from '../config/model.js';
import type { Attempt, LabBackend, Outcome } from './backend.js';
import type { ClientSpec } from './scenarios.js';

const SERVER_IP = '127.0.0.1';
/** Whole dial (wall clock). */
const DIAL_TIMEOUT_MS = 10_000;
/** How long the server may take to tear a failed or hung-up tunnel down. */
const TEARDOWN_MS = 5_000;

export interface InProcessOptions {
  clock?: Clock;
  /** UDP for RADIUS (default: Node's). */
  udp?: UdpStack;
  version?: string;
}

export class InProcessLab implements LabBackend {
  readonly clientName: string;
  private readonly bus: DebugBus;
  private readonly clock: Clock;
  private readonly gre = createMemoryGreNetwork({ seed: 1 });
  private readonly server: PptpServer;
  private readonly app: App;
  private readonly session: ShellSession;
  private readonly console: string[] = [];
  private readonly endpoints: MemoryGreSocket[] = [];
  private nextHost = 2;
  private held: PptpClient | undefined;
  private closed = false;

  constructor(profileNote: string, o: InProcessOptions = {}) {
    this.clientName = `our TypeScript client (${profileNote}), in process over loopback TCP with memory GRE and TUN`;
    this.clock = o.clock ?? systemClock;
    this.bus = new DebugBus(() => this.clock.now());
    this.server = new PptpServer({
      bus: this.bus,
      clock: this.clock,
      openGre: () => this.gre.endpoint(SERVER_IP),
      openTun: (localAddress) => {
        const tun = createMemoryTun({ localAddress });
        attachTestKernel(tun);
        return tun;
      },
      listen: { address: SERVER_IP },
      port: 0,
      udp: o.udp,
    });
    this.app = createApp({ server: this.server, bus: this.bus, version: o.version });
    this.session = this.app.createSession({ interactive: false });
    this.session.setLogHandler((lines) => this.console.push(...lines));
  }

  async start(configText: string, debugs: string[]): Promise<string[]> {
    const r = await this.app.loadText(configText, this.app.emptyConfig());
    const out = [...r.messages];
    if (r.rejected > 0 || r.messages.some((m) => m.startsWith('ERROR'))) throw new Error(`the scenario config did not load:\n${out.join('\n')}`);
    await this.type('enable');
    await this.type(''); // the enable Password: prompt (no enable password set)
    for (const d of debugs) out.push(...(await this.type(d)));
    return out;
  }

  /** One line into the shell, as typed at the console. */
  private type(line: string): Promise<string[]> {
    return this.session.execute(line);
  }

  private port(): number {
    return this.server.status().listening[0]?.port ?? 0;
  }

  private tunnelCount(): number {
    return this.server.status().tunnels.length;
  }

  private async dial(spec: ClientSpec, profile: ProfileName): Promise<PptpClient> {
    const localAddress = `127.0.0.${this.nextHost++}`;
    const gre = this.gre.endpoint(localAddress);
    this.endpoints.push(gre);
    return dialPptp({
      server: SERVER_IP,
      port: this.port(),
      gre,
      localAddress,
      username: spec.user,
      password: spec.password,
      profile,
      authProtocols: spec.auth,
      mppe: mppeFor(spec.encryption),
      clock: this.clock,
      timeoutMs: DIAL_TIMEOUT_MS,
    });
  }

  async attempt(spec: ClientSpec, profile: ProfileName, o: { hold?: boolean } = {}): Promise<Attempt> {
    const mark = this.console.length;
    const before = this.tunnelCount();
    let outcome: Outcome;
    let client: PptpClient | undefined;
    try {
      client = await this.dial(spec, profile);
    } catch (e) {
      const err = e instanceof DialError ? e : new DialError('call-cleared', (e as Error).message);
      outcome = { ok: false, windowsError: err.windowsError, reason: err.reason, detail: err.detail };
    }
    if (client) {
      const serverAddress = client.serverAddress;
      const ping = await client.ping(serverAddress, { count: 3, timeoutMs: 1000 });
      outcome = {
        ok: true,
        clientAddress: client.clientAddress,
        serverAddress,
        auth: client.authProtocol && AUTH_NAMES[client.authProtocol],
        mppe: client.mppe ? `${client.mppe.bits}-bit ${client.mppe.stateless ? 'stateless' : 'stateful'}` : 'None',
        ping: { target: serverAddress, sent: ping.sent, received: ping.received },
      };
      if (o.hold) this.held = client;
      else await client.hangup();
    }
    // the server's side of the story ends with the tunnel (603105)
    const expected = o.hold && client ? before + 1 : before;
    await waitUntil(() => this.tunnelCount() <= expected, TEARDOWN_MS);
    await pause(30);
    return { console: this.console.slice(mark), outcome: outcome!, clientLog: [] };
  }

  async releaseHeld(): Promise<string[]> {
    const c = this.held;
    this.held = undefined;
    if (!c) return [];
    const mark = this.console.length;
    await c.hangup();
    await waitUntil(() => this.tunnelCount() === 0, TEARDOWN_MS);
    await pause(30);
    return this.console.slice(mark);
  }

  async configure(lines: string[]): Promise<{ transcript: string[]; rejected: string[] }> {
    const transcript: string[] = [];
    const rejected: string[] = [];
    const say = async (line: string) => {
      const prompt = this.session.prompt();
      const out = await this.type(line);
      transcript.push(prompt + line, ...out);
      return out;
    };
    await say('configure terminal');
    for (const l of lines) {
      const out = await say(l);
      if (out.some((o) => /^(ERROR|%|Type help)/.test(o))) rejected.push(l);
    }
    await say('exit');
    return { transcript, rejected };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.held) await this.releaseHeld().catch(() => undefined);
    await this.app.close();
    for (const ep of this.endpoints) ep.close();
  }
}

const AUTH_NAMES: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MS-CHAP', 'mschap-v2': 'MS-CHAP-V2' };

function mppeFor(e: ClientSpec['encryption']): MppeSetting | null | undefined {
  if (e === undefined) return undefined;
  if (e === 'none') return null;
  return { strength: 'auto', required: e === 'required', stateful: false };
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wait (bounded, wall clock) until cond holds; false on timeout. */
async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await pause(10);
  }
  return true;
}
