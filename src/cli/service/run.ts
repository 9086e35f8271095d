/**
 * `pix-pptpd --service --config FILE`: the product unattended, as a
 * systemd service runs it. No console: stdin is not read, every line goes
 * to stderr in journal form (journal.ts); the SSH and Telnet shells the
 * config allows are how it is managed. The startup config is checked
 * whole before anything starts; a config with one bad line starts
 * nothing. Then it runs until SIGTERM or SIGINT and stops as the console
 * does on exit (app.close(): listeners closed, calls cleared with
 * Admin-Reboot, accounting stops sent).
 *
 * Exit codes: 0 stopped by a signal; 78 (EX_CONFIG) no --config, the file
 * missing or unreadable, or a line of it rejected (restarting cannot
 * help); 1 the config is good but the server could not start with it
 * (address not on this host, no TUN, no capability: a restart may help).
 */
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { DebugBus } from '../../debug/bus.js';
import { severityName } from '../../debug/pix-syslog.js';
import type { LoggingSettings } from '../../config/running.js';
import type { VpnServerApi } from '../../server/api.js';
import { createApp, type App } from '../app.js';
import { describeLoadError } from './config-errors.js';
import { LOG_ERR, LOG_INFO, LOG_NOTICE, LOG_WARNING, journalLine, journalSyslog, journalSyslogLevel } from './journal.js';

export const EX_OK = 0;
export const EX_SOFTWARE = 1;
export const EX_CONFIG = 78;

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** Where the stop signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(sig: StopSignal, fn: (sig: StopSignal) => void): unknown;
  removeListener(sig: StopSignal, fn: (sig: StopSignal) => void): unknown;
}

export interface ServiceOptions {
  configPath: string | undefined;
  noServer?: boolean;
  listen?: string;
  /** `--workers N|auto`: data-plane worker processes (undefined: auto). */
  workers?: number | 'auto';
  version: string;
  createServer?: (opts: { bus: DebugBus; listen?: string; workers?: number | 'auto' }) => VpnServerApi;
  stderr: Writable;
  signals?: SignalSource;
  /** SSH and Telnet shells on the config's ssh/telnet hosts (ports, PIX default 22 and 23). */
  shellPorts?: { ssh?: number; telnet?: number };
}

interface Checked {
  errors: string[];
  warnings: string[];
  logging: LoggingSettings;
  lines: number;
}

/** The config loaded into a throwaway App with no server: what would be rejected, and what it would set. */
async function checkConfig(text: string, version: string): Promise<Checked> {
  const dry = createApp({ bus: new DebugBus(), version });
  try {
    const r = await dry.loadText(text, dry.emptyConfig());
    const warnings = r.messages.filter((m) => m.startsWith('Warning'));
    const errors = r.errors.map(describeLoadError);
    if (!r.committed) errors.push(...r.commit);
    return { errors, warnings, logging: dry.config().logging, lines: r.applied };
  } finally {
    await dry.close();
  }
}

function listenerText(app: App): string {
  if (!app.hasServer()) return 'no VPN server (--no-server)';
  const l = app.status().listening;
  if (l.length === 0) return "no PPTP listener (no 'vpdn enable' with an interface address)";
  return `PPTP listening on ${l.map((x) => `${x.address}:${x.port} (${x.interfaceName})`).join(', ')}`;
}

function levelText(logging: LoggingSettings): string {
  const level = journalSyslogLevel(logging);
  return level === undefined ? "syslog off (no 'logging on')" : `syslog to the journal at ${severityName(level)}`;
}

export async function runService(o: ServiceOptions): Promise<number> {
  const log = (priority: number, text: string) => o.stderr.write(journalLine(priority, text));
  const signals: SignalSource = o.signals ?? process;
  let stop: StopSignal | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (sig: StopSignal) => {
    if (stop) return;
    stop = sig;
    wake?.();
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
  try {
    const path = o.configPath;
    if (!path) {
      log(LOG_ERR, 'pix-pptpd: --service needs --config FILE (the startup config the service runs from)');
      return EX_CONFIG;
    }
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      log(LOG_ERR, err.code === 'ENOENT'
        ? `pix-pptpd: startup config ${path} not found; the service runs only from a saved config`
        : `pix-pptpd: cannot read startup config ${path}: ${err.message}`);
      return EX_CONFIG;
    }
    log(LOG_INFO, `pix-pptpd ${o.version} starting from ${path}`);
    const checked = await checkConfig(text, o.version);
    for (const w of checked.warnings) log(LOG_WARNING, w);
    if (checked.errors.length) {
      for (const e of checked.errors) log(LOG_ERR, e);
      log(LOG_ERR, `pix-pptpd: ${path}: ${checked.errors.length} error${checked.errors.length === 1 ? '' : 's'}; nothing applied, not started (pix-pptpd --check ${path} shows the full lines)`);
      return EX_CONFIG;
    }
    if (stop) return EX_OK;

    const bus = new DebugBus();
    let app: App | undefined;
    let loaded = false;
    const unsubscribe = bus.subscribe((line) => {
      const out = journalSyslog(line, loaded && app ? app.config().logging : checked.logging);
      if (out) o.stderr.write(out);
    });
    try {
      let server: VpnServerApi | undefined;
      try {
        server = o.noServer ? undefined : o.createServer?.({ bus, listen: o.listen, workers: o.workers });
      } catch (e) {
        log(LOG_ERR, `pix-pptpd: cannot start the VPN server: ${(e as Error).message}`);
        return EX_SOFTWARE;
      }
      app = createApp({ server, bus, configPath: path, version: o.version, management: { ports: o.shellPorts ?? {} }, remoteSyslog: true, metrics: true });
      const r = await app.loadText(text, app.emptyConfig());
      loaded = true;
      if (!r.committed || r.errors.length) {
        for (const m of r.committed ? r.errors.map(describeLoadError) : r.commit) log(LOG_ERR, m);
        log(LOG_ERR, 'pix-pptpd: the server refused the startup config; nothing applied, stopped');
        await app.close();
        return EX_SOFTWARE;
      }
      for (const m of await app.startManagement()) log(LOG_WARNING, m);
      log(LOG_NOTICE, `pix-pptpd ${o.version} started from ${path} (${checked.lines} lines): ${listenerText(app)}; ${levelText(app.config().logging)}`);

      // signal handlers do not keep Node's event loop alive; with no listener open nothing else would
      const keepAlive = setInterval(() => undefined, 1 << 30);
      if (!stop) await new Promise<void>((resolve) => (wake = resolve));
      clearInterval(keepAlive);

      await app.refreshStatus();
      const st = app.status();
      log(LOG_NOTICE, `pix-pptpd stopping on ${stop}: clearing ${st.tunnels.length} tunnel${st.tunnels.length === 1 ? '' : 's'}, ${st.sessions.length} session${st.sessions.length === 1 ? '' : 's'}`);
      await app.close();
      log(LOG_NOTICE, 'pix-pptpd stopped');
      return EX_OK;
    } finally {
      unsubscribe();
    }
  } finally {
    signals.removeListener('SIGTERM', onSignal);
    signals.removeListener('SIGINT', onSignal);
  }
}
