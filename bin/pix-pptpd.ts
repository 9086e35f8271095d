/**
 * pix-pptpd entry: argv -> App -> (stdin and stdout are TTYs ? blessed : plain).
 *
 * `main(argv, deps)` is exported so the real server plugs in through
 * `deps.createServer`; run directly, this file starts main(process.argv).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, extname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { DebugBus } from '../src/debug/bus.js';
import type { VpnServerApi } from '../src/server/api.js';
import { createApp, type App } from '../src/cli/app.js';
import { lintConfig, renderFindings } from '../src/config/index.js';
import { DEFAULT_CONFIG_TEXT } from '../src/cli/default-config.js';
import { runPlainConsole } from '../src/cli/ui/plain-console.js';
import { runService } from '../src/cli/service/run.js';
import { journalLine } from '../src/cli/service/journal.js';
import { createLinuxServer } from '../src/server/linux-server.js';
import { WorkerFleet } from '../src/server/workers/fleet.js';
import { resolveWorkers, thisHost, type WorkersArg } from '../src/server/workers/count.js';

export interface ServerFactoryOptions {
  bus: DebugBus;
  /** `--listen ADDR`: bind here instead of the `vpdn enable` interface address. */
  listen?: string;
  /** `--workers N|auto`: data-plane worker processes (1: the server runs in this process; default auto). */
  workers?: WorkersArg;
}

export interface MainDeps {
  createServer?: (opts: ServerFactoryOptions) => VpnServerApi;
  stdin?: Readable & { isTTY?: boolean };
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable;
  /** Install SIGINT/SIGTERM handlers (default true). */
  signals?: boolean;
}

export interface CliArgs {
  plain: boolean;
  service: boolean;
  noServer: boolean;
  config?: string;
  listen?: string;
  check?: string;
  /** `--ssh-port N`, `--telnet-port N` (PIX: 22 and 23). */
  sshPort?: number;
  telnetPort?: number;
  /** `--workers N|auto` (undefined: auto). */
  workers?: WorkersArg;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: pix-pptpd [options]
       pix-pptpd lab list | SCENARIO [--client ours|linux-vm]   (troubleshooting lab)

A Cisco PIX 6.3-style configuration shell with an embedded PPTP VPN server.

Options:
  --plain          plain line console on stdin/stdout (default when not a TTY)
  --service        run unattended (systemd): no console, needs --config; the
                   config is checked whole first and any bad line stops it
                   (exit 78) before anything starts; logs to stderr as
                   journal lines ('<6>%PIX-6-603104: ...'), syslog at the
                   'logging console' level (informational when unset) while
                   'logging on'; SIGTERM or SIGINT stop it (exit 0)
  --config FILE    load FILE as the startup config; write memory saves there
  --no-server      run the shell only (config editing, linting)
  --listen ADDR    bind the PPTP listener to ADDR instead of the address of
                   the interface named by 'vpdn enable'
  --workers N      run the data plane in N worker processes behind the one
                   outside address; 1: in this process (default 'auto': one
                   per core, or this process when it has no CAP_NET_RAW,
                   CAP_NET_ADMIN or /dev/net/tun)
  --ssh-port N     port of the SSH shells (default 22; 'ssh A.B.C.D M IF' lines
                   allow hosts, the listener is on the interface's address)
  --telnet-port N  port of the Telnet shells (default 23; 'telnet' lines)
  --check FILE     parse FILE and explain why PPTP clients would fail against
                   it (the linter, as 'show vpdn diagnostics'); exit 1 on
                   bad lines or errors
  --help           this text
  --version        print the version

Without --config the shell starts from a ready PPTP setup on 127.0.0.1
(user cisco/cisco, pool 192.168.1.1-192.168.1.50); see 'show running-config'.
'enable' asks for the enable password as a PIX does (Enter when none is set).

Extensions in the shell: 'show vpdn live' (or F2) opens a live table of
tunnels and sessions with throughput sparklines (Up/Down select, c clears
the tunnel, d toggles debug for the user, q leaves); 'debug ... user NAME'
and 'debug ... tunnel N' filter debug output; 'show vpdn diagnostics'
explains why clients would fail against the running-config.
`;

export function parseArgs(argv: string[]): CliArgs | string {
  const a: CliArgs = { plain: false, service: false, noServer: false, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--plain':
        a.plain = true;
        break;
      case '--service':
        a.service = true;
        break;
      case '--no-server':
        a.noServer = true;
        break;
      case '--help':
      case '-h':
        a.help = true;
        break;
      case '--version':
      case '-V':
        a.version = true;
        break;
      case '--config':
      case '--listen':
      case '--check': {
        const v = value();
        if (v === undefined || v === '') return `${flag} needs a value`;
        if (flag === '--config') a.config = v;
        else if (flag === '--listen') a.listen = v;
        else a.check = v;
        break;
      }
      case '--workers': {
        const v = value();
        if (v === 'auto') {
          a.workers = 'auto';
          break;
        }
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 64) return `${flag} needs a number of worker processes (1-64) or 'auto'`;
        a.workers = n;
        break;
      }
      case '--ssh-port':
      case '--telnet-port': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 1 || v > 65535) return `${flag} needs a port number (1-65535)`;
        if (flag === '--ssh-port') a.sshPort = v;
        else a.telnetPort = v;
        break;
      }
      default:
        return `unknown option '${arg}'`;
    }
  }
  return a;
}

/** `--ssh-port` / `--telnet-port`, where given. */
function shellPorts(args: CliArgs): { ssh?: number; telnet?: number } {
  return { ...(args.sshPort ? { ssh: args.sshPort } : {}), ...(args.telnetPort ? { telnet: args.telnetPort } : {}) };
}

export function packageVersion(): string {
  // bin/pix-pptpd.ts and dist/bin/pix-pptpd.js: package.json is one or two levels up
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, '..', 'package.json'), join(here, '..', '..', 'package.json')]) {
    try {
      const v = JSON.parse(readFileSync(p, 'utf8')).version;
      if (typeof v === 'string') return v;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

function writeLines(w: Writable, lines: string[]): void {
  if (lines.length) w.write(lines.join('\n') + '\n');
}

/**
 * Build the App as the CLI does: the server from `deps.createServer`
 * (unless --no-server), then `--config FILE` (onto an empty config) or the
 * working default (onto the factory default); with `network`, the SSH and
 * Telnet listeners, the remote syslog and the metrics endpoint the config asks for. Returns the messages the
 * load produced (bad lines with their numbers, warnings). Throws when the
 * server factory throws.
 */
export async function prepareApp(
  args: CliArgs,
  deps: { createServer?: MainDeps['createServer']; version?: string; bus?: DebugBus; network?: boolean } = {},
): Promise<{ app: App; startup: string[] }> {
  const bus = deps.bus ?? new DebugBus();
  const server = !args.noServer && deps.createServer ? deps.createServer({ bus, listen: args.listen, workers: args.workers }) : undefined;
  const app = createApp({ server, bus, configPath: args.config, version: deps.version ?? packageVersion(), management: deps.network ? { ports: shellPorts(args) } : undefined, remoteSyslog: deps.network, metrics: deps.network });
  const startup = args.config ? await app.loadStartupFile() : await app.loadBuiltInDefault(DEFAULT_CONFIG_TEXT);
  startup.push(...(await app.startManagement()));
  return { app, startup };
}

/** Run the program; resolves to the exit code. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const stdin = deps.stdin ?? process.stdin;
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  if (argv[0] === 'lab') return (await import('../src/lab/index.js')).runLab(argv.slice(1), { stdout, stderr });
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    stderr.write(`pix-pptpd: ${args}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    stdout.write(USAGE);
    return 0;
  }
  const version = packageVersion();
  if (args.version) {
    stdout.write(`pix-pptpd ${version}\n`);
    return 0;
  }

  if (args.service) {
    if (args.plain || args.check) {
      stderr.write(`pix-pptpd: --service runs without a console; it does not go with ${args.plain ? '--plain' : '--check'}\n`);
      return 2;
    }
    if (deps.signals ?? true) {
      // a crash reaches the journal as one entry at priority crit, not as a stack of info lines
      process.once('uncaughtException', (e) => {
        stderr.write(journalLine(2, `pix-pptpd: crashed: ${e.stack ?? e}`));
        process.exit(1);
      });
    }
    return runService({ configPath: args.config, noServer: args.noServer, listen: args.listen, workers: args.workers, version, createServer: deps.createServer, stderr, shellPorts: shellPorts(args) });
  }

  if (args.check) {
    const app = createApp({ bus: new DebugBus(), version });
    let text: string;
    try {
      text = readFileSync(args.check, 'utf8');
    } catch (e) {
      stderr.write(`pix-pptpd: cannot read ${args.check}: ${(e as Error).message}\n`);
      return 2;
    }
    const r = await app.loadText(text, app.emptyConfig());
    writeLines(stdout, r.messages);
    stdout.write(`${args.check}: ${r.applied} lines applied, ${r.rejected} rejected\n`);
    // what the lines mean together: why clients would fail against this config
    const findings = lintConfig(app.config());
    writeLines(stdout, ['', ...renderFindings(findings)]);
    await app.close();
    const broken = r.rejected > 0 || r.messages.some((m) => m.startsWith('ERROR'));
    return broken || findings.some((f) => f.severity === 'error') ? 1 : 0;
  }

  let booted: { app: App; startup: string[] };
  try {
    booted = await prepareApp(args, { ...deps, version, network: true });
  } catch (e) {
    stderr.write(`pix-pptpd: cannot start the VPN server: ${(e as Error).message}\n`);
    return 1;
  }
  const { app, startup } = booted;
  if (!args.noServer && !deps.createServer) {
    stderr.write('pix-pptpd: no VPN server built in; running the shell only (--no-server)\n');
  }

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (closing ??= app.close().catch(() => undefined));
  const onSignal = (sig: NodeJS.Signals) => {
    void shutdown().then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  if (deps.signals ?? true) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  try {
    const tty = !args.plain && stdin.isTTY === true && stdout.isTTY === true;
    if (tty) {
      const { runBlessedConsole } = await import('../src/cli/ui/blessed-console.js');
      const session = app.createSession({ interactive: true, liveViews: true, consoleLogin: true });
      await runBlessedConsole(session, {
        version,
        initialLines: startup,
        status: () => app.consoleStatus(),
      });
    } else {
      writeLines(stdout, startup);
      const session = app.createSession({ interactive: false, consoleLogin: true });
      await runPlainConsole(session, stdin, stdout);
    }
  } finally {
    await shutdown();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return 0;
}

/** The real server: in this process, or data-plane worker processes (bin/pix-pptpd-worker), one per core unless `--workers N`. */
function createProductServer(opts: ServerFactoryOptions): VpnServerApi {
  const count = resolveWorkers(opts.workers, thisHost());
  if (count <= 1) return createLinuxServer(opts);
  const here = fileURLToPath(import.meta.url);
  return new WorkerFleet({ bus: opts.bus, count, listen: opts.listen, exec: join(dirname(here), `pix-pptpd-worker${extname(here)}`) });
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  main(process.argv.slice(2), { createServer: createProductServer }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`pix-pptpd: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
