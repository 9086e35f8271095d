/**
 * pix-pptpd-loadgen: many PPTP clients against a server, from the command
 * line. Uses the raw GRE socket (CAP_NET_RAW). Refuses any target that is
 * not loopback or on a directly connected test network (veth/tap-/br-) of
 * this network namespace. Bounded by --sessions and --max-seconds.
 *
 * `main(argv, deps)` is exported for tests (they pass a memory GRE socket).
 */
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import type { AuthProtocol, MppeSetting } from '../src/config/model.js';
import type { GreSocket } from '../src/proto/gre/socket.js';
import { runLoadgen, type LoadgenSummary } from '../src/client/loadgen.js';
import { checkTarget, type TargetVerdict } from '../src/client/target-check.js';

export const LOADGEN_USAGE = `Usage: pix-pptpd-loadgen --server ADDR --user U --password P [options]

Dials many PPTP sessions (our TypeScript client) against a PPTP server.
Needs CAP_NET_RAW (raw GRE socket). Only hosts on a directly connected
veth/tap-/br- network of this namespace are accepted as targets (run it in
its own network namespace; a raw GRE socket cannot share one with the
server, so loopback targets are refused too).

Options:
  --server ADDR        server IPv4 address (required)
  --port P             TCP port (default 1723)
  --sessions N         sessions in total (default 10)
  --rate R             new sessions per second (default 10)
  --hold S             seconds each session stays up (default 5)
  --pps N              ICMP echo requests per second per session (default 0)
  --size B             ICMP data octets (default 56)
  --user U, --password P
  --auth LIST          pap,chap,mschap,mschap-v2 (default: the profile's)
  --mppe SPEC          none | auto | 40 | 56 | 128, optionally ,required ,stateful
                       (default: the profile's; windows10 requires encryption)
  --profile NAME       windows10 | linux (default windows10)
  --local ADDR         TCP/GRE source address (one: a raw socket cannot pick more)
  --max-seconds S      hard limit for the whole run (default 60)
  --timeout MS         per-dial timeout (default 15000)
  --json               print the summary as JSON
  --help
`;

export interface LoadgenArgs {
  server: string;
  port: number;
  sessions: number;
  rate: number;
  hold: number;
  pps: number;
  size: number;
  user: string;
  password: string;
  auth?: AuthProtocol[];
  mppe?: MppeSetting | null;
  profile: 'windows10' | 'linux';
  local?: string;
  maxSeconds: number;
  timeoutMs: number;
  json: boolean;
}

const AUTH: readonly AuthProtocol[] = ['pap', 'chap', 'mschap', 'mschap-v2'];
/** Upper bounds that keep a typo from becoming a flood. */
const LIMITS = { sessions: 100_000, rate: 10_000, pps: 10_000, size: 1400, maxSeconds: 24 * 3600 };

export function parseMppe(spec: string): MppeSetting | null | string {
  const [strength, ...flags] = spec.split(',');
  if (strength === 'none') return flags.length ? `--mppe none takes no flags` : null;
  const s = strength === 'auto' ? 'auto' : Number(strength);
  if (s !== 'auto' && s !== 40 && s !== 56 && s !== 128) return `--mppe: bad strength "${strength}"`;
  const bad = flags.filter((f) => f !== 'required' && f !== 'stateful');
  if (bad.length) return `--mppe: unknown flag "${bad[0]}"`;
  return { strength: s, required: flags.includes('required'), stateful: flags.includes('stateful') };
}

export function parseArgs(argv: string[]): { ok: true; args: LoadgenArgs } | { ok: false; error: string } | { ok: 'help' } {
  const a: Partial<LoadgenArgs> & { json: boolean } = { json: false };
  const num = (name: string, v: string | undefined, max: number, min = 0): number | string => {
    const n = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(n) || n < min || n > max) return `${name}: expected a number from ${min} to ${max}`;
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return { ok: 'help' };
    if (flag === '--json') {
      a.json = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) return { ok: false, error: `${flag}: missing value` };
    let r: number | string | undefined;
    switch (flag) {
      case '--server':
        a.server = v;
        break;
      case '--port':
        r = num(flag, v, 65535, 1);
        if (typeof r === 'number') a.port = r;
        break;
      case '--sessions':
        r = num(flag, v, LIMITS.sessions, 1);
        if (typeof r === 'number') a.sessions = Math.floor(r);
        break;
      case '--rate':
        r = num(flag, v, LIMITS.rate, 0.01);
        if (typeof r === 'number') a.rate = r;
        break;
      case '--hold':
        r = num(flag, v, LIMITS.maxSeconds);
        if (typeof r === 'number') a.hold = r;
        break;
      case '--pps':
        r = num(flag, v, LIMITS.pps);
        if (typeof r === 'number') a.pps = r;
        break;
      case '--size':
        r = num(flag, v, LIMITS.size);
        if (typeof r === 'number') a.size = Math.floor(r);
        break;
      case '--user':
        a.user = v;
        break;
      case '--password':
        a.password = v;
        break;
      case '--auth': {
        const list = v.split(',');
        const bad = list.find((x) => !AUTH.includes(x as AuthProtocol));
        if (bad) return { ok: false, error: `--auth: unknown protocol "${bad}"` };
        a.auth = list as AuthProtocol[];
        break;
      }
      case '--mppe': {
        const m = parseMppe(v);
        if (typeof m === 'string') return { ok: false, error: m };
        a.mppe = m;
        break;
      }
      case '--profile':
        if (v !== 'windows10' && v !== 'linux') return { ok: false, error: `--profile: windows10 or linux` };
        a.profile = v;
        break;
      case '--local':
        if (v.includes(',')) return { ok: false, error: '--local: one address (a raw GRE socket cannot choose among several)' };
        a.local = v;
        break;
      case '--max-seconds':
        r = num(flag, v, LIMITS.maxSeconds, 0.1);
        if (typeof r === 'number') a.maxSeconds = r;
        break;
      case '--timeout':
        r = num(flag, v, 600_000, 1);
        if (typeof r === 'number') a.timeoutMs = r;
        break;
      default:
        return { ok: false, error: `unknown option ${flag}` };
    }
    if (typeof r === 'string') return { ok: false, error: r };
  }
  if (!a.server) return { ok: false, error: '--server is required' };
  if (a.user === undefined || a.password === undefined) return { ok: false, error: '--user and --password are required' };
  return {
    ok: true,
    args: {
      server: a.server,
      port: a.port ?? 1723,
      sessions: a.sessions ?? 10,
      rate: a.rate ?? 10,
      hold: a.hold ?? 5,
      pps: a.pps ?? 0,
      size: a.size ?? 56,
      user: a.user,
      password: a.password,
      auth: a.auth,
      mppe: a.mppe,
      profile: a.profile ?? 'windows10',
      local: a.local,
      maxSeconds: a.maxSeconds ?? 60,
      timeoutMs: a.timeoutMs ?? 15000,
      json: a.json,
    },
  };
}

export function formatSummary(s: LoadgenSummary): string[] {
  const failed = Object.entries(s.failed)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `sessions: ${s.attempted} attempted, ${s.up} up, ${s.attempted - s.up} failed${failed ? ` (${failed})` : ''}`,
    `setup: ${s.setupRate.toFixed(1)}/s, p50 ${s.setupMsP50.toFixed(1)} ms, p99 ${s.setupMsP99.toFixed(1)} ms, max ${s.setupMsMax.toFixed(1)} ms, peak ${s.peakLive} up at once`,
    `traffic: ${s.packetsSent} echo requests sent, ${s.packetsReceived} replies received`,
    `duration: ${(s.durationMs / 1000).toFixed(2)} s${s.hitTimeLimit ? ' (stopped at --max-seconds)' : ''}${s.droppedEarly ? `, ${s.droppedEarly} sessions dropped early` : ''}`,
  ];
}

export interface LoadgenDeps {
  stdout?: Writable;
  stderr?: Writable;
  openGre?(): GreSocket | Promise<GreSocket>;
  checkTarget?(address: string): TargetVerdict;
}

/** Exit status: 0 all sessions up, 1 some failed, 2 usage (or a same-host target with raw GRE), 3 refused target, 4 no GRE socket. */
export async function main(argv: string[], deps: LoadgenDeps = {}): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const parsed = parseArgs(argv);
  if (parsed.ok === 'help') {
    out.write(LOADGEN_USAGE);
    return 0;
  }
  if (!parsed.ok) {
    err.write(`pix-pptpd-loadgen: ${parsed.error}\n${LOADGEN_USAGE}`);
    return 2;
  }
  const a = parsed.args;
  const verdict = (deps.checkTarget ?? checkTarget)(a.server);
  if (!verdict.ok) {
    err.write(`pix-pptpd-loadgen: refusing target: ${verdict.reason}\n`);
    return 3;
  }
  if (!deps.openGre && /^(loopback|local address)/.test(verdict.via)) {
    // A raw socket sees both directions of GRE on loopback, and the server's
    // and our call ids overlap: packets would land in the sender's own calls.
    err.write(
      `pix-pptpd-loadgen: ${a.server} is on this host: with the raw GRE socket the server and the load generator ` +
        `must be in different network namespaces (e.g. joined by a veth pair)\n`,
    );
    return 2;
  }
  let gre: GreSocket;
  try {
    if (deps.openGre) gre = await deps.openGre();
    else {
      const { openGreSocket } = await import('../src/proto/gre/linux.js');
      gre = openGreSocket({ localAddress: a.local });
    }
  } catch (e) {
    err.write(`pix-pptpd-loadgen: cannot open the GRE socket (IP protocol 47 needs CAP_NET_RAW): ${(e as Error).message}\n`);
    return 4;
  }
  out.write(`target ${a.server}:${a.port} (${verdict.via}), ${a.sessions} sessions at ${a.rate}/s, hold ${a.hold} s, profile ${a.profile}\n`);
  try {
    const summary = await runLoadgen({
      server: a.server,
      port: a.port,
      sessions: a.sessions,
      rate: a.rate,
      holdSeconds: a.hold,
      trafficPps: a.pps,
      packetSize: a.size,
      profile: a.profile,
      username: a.user,
      password: a.password,
      authProtocols: a.auth,
      mppe: a.mppe,
      gre,
      localAddresses: a.local ? [a.local] : undefined,
      maxSeconds: a.maxSeconds,
      dialTimeoutMs: a.timeoutMs,
      onProgress: (p) =>
        out.write(
          `t=${(p.elapsedMs / 1000).toFixed(1)}s attempted ${p.attempted} up ${p.up} live ${p.live} failed ${p.failed} echo ${p.packetsSent}/${p.packetsReceived}\n`,
        ),
    });
    if (a.json) out.write(`${JSON.stringify(summary)}\n`);
    else for (const l of formatSummary(summary)) out.write(`${l}\n`);
    return summary.up === summary.attempted ? 0 : 1;
  } finally {
    gre.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`pix-pptpd-loadgen: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
