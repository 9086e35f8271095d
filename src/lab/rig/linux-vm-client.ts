/**
 * The real Linux PPTP client (pptp-linux + pppd) in a qemu VM, for tests of
 * the server against a real peer. Wraps test/vm/run-client.sh.
 *
 * Always inside a network namespace the test created: the VM's TAP lives
 * there, with the host address `serverIp`; the server under test runs in the
 * same namespace (`ip netns exec`) bound to serverIp. The namespace has no
 * default route, so nothing the VM sends can leave it.
 *
 * Call vmTapUp() first when the server must bind serverIp before the VM
 * boots; run-client.sh reuses that TAP (it goes away with the namespace).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canRootWith, type Capability } from './capability.js';

export const DEFAULT_TAP = 'tap-pptp0';

export interface LinuxClientOptions {
  /** The namespace (created by the test) that holds the TAP and qemu. */
  netns: string;
  /** The server's address: the TAP's host address. */
  serverIp: string;
  /** The VM's eth0 address, in serverIp's /24. */
  vmIp: string;
  user: string;
  password: string;
  /** pppd options after the fixed ones, e.g. ['require-mppe-128', 'refuse-eap', 'noipv6']. */
  pppOptions: string[];
  /** Seconds the VM waits for IPCP (default 30). */
  linkTimeout?: number;
  /** Pings over ppp0 once the link is up (default 3; 0 = none). */
  pingCount?: number;
  /** Ping payload size (default 56). */
  pingSize?: number;
  /** Address to ping over ppp0 (default: the PPP peer). */
  pingTarget?: string;
  /** tcpdump -X of the VM's eth0 in the log, lines prefixed "TCPDUMP:". */
  tcpdump?: boolean;
  /** Extra pptp options, e.g. "--loglevel 2". */
  pptpExtra?: string;
  tap?: string;
  /** Each console line as it arrives. */
  onLine?: (line: string) => void;
}

export interface LinuxClientResult {
  /** run-client.sh: 0 link up + pings answered, 2 pings lost, 1 link down, 3 no verdict. */
  exitCode: number;
  /** The VM's last "PPTPVM-RESULT:" line as key=value pairs ({} when none). */
  verdict: Record<string, string>;
  /** Console and script output. */
  log: string;
}

function findVmDir(): string | undefined {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(d, 'test', 'vm');
    if (existsSync(join(candidate, 'run-client.sh'))) return candidate;
    d = dirname(d);
  }
  return undefined;
}

export const VM_DIR = findVmDir();

/** Root, qemu, and a built VM image (test/vm/build.sh). */
export function linuxVmAvailable(): Capability {
  const base = canRootWith('qemu-system-x86_64');
  if (!base.ok) return base;
  if (!VM_DIR) return { ok: false, reason: 'test/vm/run-client.sh not found: the VM comes with a source checkout (test/vm/, built by test/vm/build.sh)' };
  const out = join(VM_DIR, 'out');
  if (!existsSync(join(out, 'initrd.img')) || !(existsSync(join(out, 'vmlinux')) || existsSync(join(out, 'vmlinuz')))) {
    return { ok: false, reason: 'VM image not built: run test/vm/build.sh (scripts/setup.sh --test does)' };
  }
  return { ok: true };
}

/** Creates the VM's TAP in the namespace with hostIp/prefix, if not there yet. */
export function vmTapUp(netns: string, hostIp: string, opts: { prefix?: number; tap?: string } = {}): void {
  const tap = opts.tap ?? DEFAULT_TAP;
  const run = (args: string[]) => {
    const r = spawnSync('ip', ['-n', netns, ...args], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`ip -n ${netns} ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  if (spawnSync('ip', ['-n', netns, 'link', 'show', tap], { timeout: 10_000 }).status === 0) return;
  run(['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  spawnSync('ip', ['netns', 'exec', netns, 'sysctl', '-qw', `net.ipv6.conf.${tap}.disable_ipv6=1`], { timeout: 10_000 });
  run(['addr', 'add', `${hostIp}/${opts.prefix ?? 24}`, 'dev', tap]);
  run(['link', 'set', tap, 'up']);
}

/** Parses "PPTPVM-RESULT: link=up ping=3/3 ..." into { link: 'up', ping: '3/3', ... }. */
export function parseVerdict(log: string): Record<string, string> {
  const lines = log.split('\n').filter((l) => l.startsWith('PPTPVM-RESULT:'));
  const last = lines[lines.length - 1];
  const verdict: Record<string, string> = {};
  if (!last) return verdict;
  for (const word of last.slice('PPTPVM-RESULT:'.length).trim().split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq > 0) verdict[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return verdict;
}

/**
 * Boots the VM, dials serverIp with the real client and returns its verdict.
 * Bounded: the VM powers itself off (watchdog), run-client.sh wraps qemu in
 * `timeout`, and this function kills the script past its own deadline.
 */
export function runLinuxClient(opts: LinuxClientOptions): Promise<LinuxClientResult> {
  if (!VM_DIR) return Promise.reject(new Error('test/vm/run-client.sh not found'));
  const linkTimeout = opts.linkTimeout ?? 30;
  const pingCount = opts.pingCount ?? 3;
  const tmp = mkdtempSync(join(tmpdir(), 'pptpvm-'));
  const logFile = join(tmp, 'console.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PPTPVM_NETNS: opts.netns,
    PPTPVM_HOST_IP: opts.serverIp,
    PPTPVM_VM_IP: opts.vmIp,
    PPTPVM_TAP: opts.tap ?? DEFAULT_TAP,
    PPTPVM_LOG: logFile,
    PPTPVM_TCPDUMP: opts.tcpdump ? '1' : '0',
    LINK_TIMEOUT: String(linkTimeout),
    PING_COUNT: String(pingCount),
    PING_SIZE: String(opts.pingSize ?? 56),
    PPTP_EXTRA: opts.pptpExtra ?? '',
  };
  if (opts.pingTarget) env.PING_TARGET = opts.pingTarget;
  else delete env.PING_TARGET;
  const deadlineMs = (linkTimeout + pingCount * 2 + 150) * 1000;

  return new Promise((resolve, reject) => {
    // detached: own process group, so the deadline can stop the script and
    // everything it started (qemu, sed, tee) by the group id.
    const child = spawn('bash', [join(VM_DIR!, 'run-client.sh'), opts.serverIp, opts.user, opts.password, ...opts.pppOptions], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let partial = '';
    const onData = (d: Buffer) => {
      const text = d.toString('utf8');
      output += text;
      if (opts.onLine) {
        const parts = (partial + text).split('\n');
        partial = parts.pop() ?? '';
        parts.forEach((l) => opts.onLine!(l));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
    }, deadlineMs);
    const onExit = () => killGroup('SIGKILL');
    process.once('exit', onExit);
    child.on('error', (err) => {
      clearTimeout(deadline);
      process.off('exit', onExit);
      rmSync(tmp, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(deadline);
      process.off('exit', onExit);
      let log = output;
      try {
        // the console log is also on stdout; keep the file only if stdout missed it
        if (!output.includes('PPTPVM') && existsSync(logFile)) log = readFileSync(logFile, 'utf8') + output;
      } catch {
        /* no log */
      }
      rmSync(tmp, { recursive: true, force: true });
      if (timedOut) log += `\n[linuxvm] killed after ${deadlineMs / 1000}s\n`;
      resolve({ exitCode: code ?? 3, verdict: parseVerdict(log), log });
    });
  });
}
