/**
 * The management plane: SSH and Telnet shells on the hosts the `ssh` and
 * `telnet` lines allow, as a PIX 6.3 runs them.
 *
 * One TCP listener per service and interface that has host lines (on the
 * interface's `ip address`). A connection from a host outside the list is
 * closed at once, before any banner (710003). Inside it, the login
 * (login.ts) is timed and each failure slows the next try from that
 * address; three failures close the connection. A shell is an ordinary
 * ShellSession of the App (one running-config, commits serialized there)
 * with its own mode, history, pager and `terminal monitor`; it ends at
 * `exit`, at `kill N` / `ssh disconnect N`, at its idle timeout
 * (`telnet timeout`, `ssh timeout`) or when the client goes.
 *
 * Syslog: 710001/710002 (connection allowed), 710003 (refused), 710005
 * (over the session limit), 605005/605004 (login permitted/denied),
 * 611101/611102 (with AAA), 611103 (logout), 315011 (SSH ended by the
 * server). Passwords never reach a line.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { RunningConfig } from '../../config/running.js';
import type { DebugBus } from '../../debug/bus.js';
import type { ShellSession } from '../session.js';
import type { ManagementControl } from '../shell-host.js';
import { DEFAULT_SHELL_LIMIT, allowedHosts, idleMinutes, listenAddresses, matchingHost, type ShellService } from './access.js';
import { HostKeyStore } from './host-key.js';
import { checkLogin, type GroupCheck, type LoginResult } from './login.js';
import { serveSsh } from './ssh.js';
import { serveTelnet } from './telnet.js';

/** A remote terminal that asked for one (an SSH pty, a Telnet terminal type): where the full-screen console runs. */
export interface RemoteScreen {
  input: NodeJS.ReadableStream;
  /** With `columns`, `rows` and `isTTY` as a TTY has them; emits 'resize' when the window changes. */
  output: NodeJS.WritableStream & { columns: number; rows: number; isTTY: boolean };
  /** The client's terminal type (TERM). */
  term: string;
  unicode: boolean;
  /** Aborted when the connection goes or the shell is ended from outside. */
  signal: AbortSignal;
}

export interface PlaneHost {
  config(): RunningConfig;
  readonly bus: DebugBus;
  now(): number;
  openShell(opts: { from: string; service: 'ssh' | 'telnet'; user: string; privilege: number; liveViews?: boolean }): ShellSession;
  /** Run the full-screen console of `session` on a remote terminal; absent: line mode only. */
  fullScreen?(session: ShellSession, screen: RemoteScreen): Promise<void>;
  /** PAP against an aaa-server group (the VPN server's); absent without a server. */
  checkGroup?: GroupCheck;
}

export interface PlaneOptions {
  /** TCP ports (PIX: 22 and 23). */
  ports?: Partial<Record<ShellService, number>>;
  /** Shells of each service at once (PIX: 5). */
  limit?: number;
  /** `--config FILE`: the SSH host key is kept beside it. */
  configPath?: string;
  /** Length of a timeout minute (tests shorten it). */
  minuteMs?: number;
  /** A login must be done within this (ms). */
  loginMs?: number;
  /** First delay after a failed password (ms); it doubles per failure from that address, up to 8 times. */
  failDelayMs?: number;
}

/** What the plane knows of a connection, from accept to close. */
export interface Peer {
  service: ShellService;
  address: string;
  port: number;
  interfaceName: string;
  localAddress: string;
  localPort: number;
}

/** What ssh.ts and telnet.ts get from the plane for one connection. */
export interface ConnectionContext {
  peer: Peer;
  loginMs: number;
  /** Check one login try; failures are logged and delayed here. */
  login(user: string, password: string): Promise<LoginResult>;
  /** The shell of a successful login (`liveViews`: it runs the full-screen console). */
  open(login: Extract<LoginResult, { ok: true }>, detail: { cipher?: string; liveViews?: boolean }): OpenShell;
  /** The host's full-screen console, when it has one. */
  fullScreen?: PlaneHost['fullScreen'];
  /** The connection ended (for the session limit). */
  closed(): void;
}

export interface OpenShell {
  session: ShellSession;
  /** Every input: the idle timer starts again. */
  touch(): void;
  /** How to end the connection (kill, idle timeout). */
  setCloser(fn: (reason: string) => void): void;
}

const PORTS: Record<ShellService, number> = { ssh: 22, telnet: 23 };
const MAX_TRIES = 3;
const MAX_DELAY_STEPS = 8;
/** Failure counts kept per source address (oldest forgotten first). */
const MAX_FAIL_SOURCES = 1024;

interface LiveShell {
  service: 'ssh' | 'telnet';
  peer: Peer;
  session: ShellSession;
  user: string;
  since: number;
  cipher?: string;
  close(reason: string): void;
}

export class ManagementPlane implements ManagementControl {
  private readonly listeners = new Map<string, Server>();
  private readonly live = new Set<LiveShell>();
  private readonly connecting = new Map<'ssh' | 'telnet', number>([['ssh', 0], ['telnet', 0]]);
  private readonly sockets = new Set<Socket>();
  private readonly failures = new Map<string, number>();
  /** Listeners that could not open, with why: said once, tried again at each change. */
  private readonly unopened = new Map<string, string>();
  readonly keys: HostKeyStore;
  private closedFlag = false;

  constructor(private readonly host: PlaneHost, private readonly opts: PlaneOptions = {}) {
    this.keys = new HostKeyStore(opts.configPath, () => host.now());
  }

  private minute(): number {
    return this.opts.minuteMs ?? 60_000;
  }

  /** Open and close listeners to match the config; lines to print for those that cannot open. */
  async reconfigure(): Promise<string[]> {
    if (this.closedFlag) return [];
    const rc = this.host.config();
    const want = new Map<string, { service: 'ssh' | 'telnet'; interfaceName: string; address: string }>();
    for (const service of ['ssh', 'telnet'] as const) {
      for (const l of listenAddresses(rc, service)) want.set(`${service} ${l.interfaceName} ${l.address}`, { service, ...l });
    }
    for (const k of this.unopened.keys()) if (!want.has(k)) this.unopened.delete(k);
    for (const [k, srv] of this.listeners) {
      if (!want.has(k)) {
        srv.close();
        this.listeners.delete(k);
      }
    }
    const out: string[] = [];
    for (const [k, w] of want) {
      if (this.listeners.has(k)) continue;
      if (w.service === 'ssh') {
        const key = await this.keys.ensure();
        if (!key.ok) {
          out.push(...key.lines);
          this.host.bus.syslog(315004, 3, 'Fail to establish SSH session because PIX RSA host key retrieval failed.');
          continue;
        }
      }
      const port = this.opts.ports?.[w.service] ?? PORTS[w.service];
      const srv = createServer({ pauseOnConnect: true }, (s) => this.accept(s, w.service, w.interfaceName));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(port, w.address, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        // the line stays (a PIX keeps it too); the next change tries again
        const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        if (this.unopened.get(k) !== why) out.push(`Warning: ${w.service} shells: cannot listen on ${w.interfaceName} ${w.address} port ${port} (${why})`);
        this.unopened.set(k, why);
        continue;
      }
      this.unopened.delete(k);
      srv.on('error', () => undefined);
      this.listeners.set(k, srv);
    }
    return out;
  }

  /** `show ssh` / tests: where the plane listens. */
  listening(): { service: string; address: string; port: number }[] {
    return [...this.listeners.entries()].map(([k, s]) => {
      const a = s.address();
      return { service: k.split(' ')[0], address: typeof a === 'object' && a ? a.address : '', port: typeof a === 'object' && a ? a.port : 0 };
    });
  }

  private accept(socket: Socket, service: 'ssh' | 'telnet', interfaceName: string): void {
    const peer: Peer = {
      service,
      address: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      port: socket.remotePort ?? 0,
      interfaceName,
      localAddress: (socket.localAddress ?? '').replace(/^::ffff:/, ''),
      localPort: socket.localPort ?? 0,
    };
    socket.on('error', () => undefined);
    const where = `from ${peer.address}/${peer.port} to ${interfaceName}:${peer.localAddress}/${service}`;
    if (this.closedFlag || !matchingHost(allowedHosts(this.host.config(), service), peer.address, interfaceName)) {
      this.host.bus.syslog(710003, 3, `TCP access denied by ACL ${where}`);
      socket.destroy();
      return;
    }
    this.host.bus.syslog(710001, 7, `TCP access requested ${where}`);
    const limit = this.opts.limit ?? DEFAULT_SHELL_LIMIT;
    const busy = this.connecting.get(service)!;
    if (busy >= limit) {
      this.host.bus.syslog(710005, 7, `TCP request discarded ${where}`);
      if (service === 'telnet') socket.end(`% All ${limit} telnet sessions are in use\r\n`);
      else socket.destroy();
      return;
    }
    this.host.bus.syslog(710002, 7, `TCP access permitted ${where}`);
    this.connecting.set(service, busy + 1);
    this.sockets.add(socket);
    let counted = true;
    const ctx: ConnectionContext = {
      peer,
      loginMs: this.opts.loginMs ?? 30_000,
      login: (user, password) => this.login(peer, user, password),
      open: (login, detail) => this.open(peer, login, detail),
      fullScreen: this.host.fullScreen?.bind(this.host),
      closed: () => {
        if (!counted) return;
        counted = false;
        this.sockets.delete(socket);
        this.connecting.set(service, this.connecting.get(service)! - 1);
      },
    };
    socket.once('close', ctx.closed);
    if (service === 'ssh') serveSsh(socket, ctx, this.keys.current()!, MAX_TRIES);
    else serveTelnet(socket, ctx, this.host.config(), MAX_TRIES);
    socket.resume();
  }

  private async login(peer: Peer, user: string, password: string): Promise<LoginResult> {
    const r = await checkLogin(this.host.config(), peer.service, user, password, this.host.checkGroup);
    const where = `from ${peer.address}/${peer.port} to ${peer.interfaceName}:${peer.localAddress}/${peer.service} for user "${r.user}"`;
    if (r.ok) {
      this.failures.delete(peer.address);
      if (r.viaAaa) this.host.bus.syslog(611101, 6, `User authentication succeeded: Uname: ${r.user}`);
      this.host.bus.syslog(605005, 6, `Login permitted ${where}`);
      return r;
    }
    if (r.viaAaa) this.host.bus.syslog(611102, 6, `User authentication failed: Uname: ${r.user}`);
    this.host.bus.syslog(605004, 6, `Login denied ${where}`);
    const n = (this.failures.get(peer.address) ?? 0) + 1;
    this.failures.delete(peer.address);
    this.failures.set(peer.address, n);
    if (this.failures.size > MAX_FAIL_SOURCES) this.failures.delete(this.failures.keys().next().value!);
    const delay = (this.opts.failDelayMs ?? 1000) * 2 ** Math.min(n - 1, MAX_DELAY_STEPS);
    await new Promise((r2) => setTimeout(r2, Math.min(delay, 30_000)).unref());
    return r;
  }

  private open(peer: Peer, login: Extract<LoginResult, { ok: true }>, detail: { cipher?: string; liveViews?: boolean }): OpenShell {
    const service = peer.service as 'ssh' | 'telnet';
    const session = this.host.openShell({ from: peer.address, service, user: login.user, privilege: login.privilege, liveViews: detail.liveViews });
    let closer: (reason: string) => void = () => session.close();
    const shell: LiveShell = { service, peer, session, user: login.user, since: this.host.now(), close: (reason) => closer(reason) };
    if (detail.cipher) shell.cipher = detail.cipher;
    this.live.add(shell);
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (service === 'ssh') {
          this.host.bus.syslog(315011, 6, `SSH session from ${peer.address} on interface ${peer.interfaceName} for user "${login.user}" disconnected by SSH server, reason: "Time out activated"`);
        }
        shell.close('Idle timeout');
      }, idleMinutes(this.host.config(), service) * this.minute());
      timer.unref();
    };
    touch();
    session.setCloseHandler(() => {
      if (timer) clearTimeout(timer);
      this.live.delete(shell);
      this.host.bus.syslog(611103, 5, `User logged out: Uname: ${login.user}`);
    });
    return { session, touch, setCloser: (fn) => (closer = fn) };
  }

  disconnect(service: 'telnet' | 'ssh', id: number): boolean {
    const s = [...this.live].find((x) => x.service === service && x.session.id - 1 === id);
    if (!s) return false;
    if (service === 'ssh') {
      this.host.bus.syslog(315011, 6, `SSH session from ${s.peer.address} on interface ${s.peer.interfaceName} for user "${s.user}" disconnected by SSH server, reason: "Rejected by server"`);
    }
    s.close('Disconnected by an administrator');
    return true;
  }

  sshSessions(): string[] {
    const live = [...this.live].filter((s) => s.service === 'ssh');
    if (live.length === 0) return ['% No SSH sessions'];
    // State 6 = session open (PIX numbering)
    const rows = [['Session ID', 'Client IP', 'Version', 'Encryption', 'State', 'Username'],
      ...live.map((s) => [`    ${s.session.id - 1}`, s.peer.address, '2.0', s.cipher ?? '-', '6', s.user])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)) + 2);
    return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join(''));
  }

  hostKey(action: 'generate' | 'save' | 'zeroize', modulus?: number): Promise<string[]> {
    if (action === 'generate') return this.keys.generate(modulus ?? 1024);
    if (action === 'save') return this.keys.save();
    return this.keys.zeroize();
  }

  publicKey(): string[] {
    const rc = this.host.config();
    return this.keys.render(rc.vpn.hostname || 'pixfirewall', domainName(rc));
  }

  /** Close every listener and shell. */
  close(): void {
    this.closedFlag = true;
    for (const s of this.listeners.values()) s.close();
    this.listeners.clear();
    for (const s of [...this.live]) s.close('The PIX is going down');
    for (const s of this.sockets) s.destroy();
  }
}

function domainName(rc: RunningConfig): string | undefined {
  const e = rc.entries.find((x) => x.line.cmd === 'domain-name');
  return e ? String(e.line.args.name) : undefined;
}
