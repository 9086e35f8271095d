/**
 * `pix-pptpd lab list` and `pix-pptpd lab SCENARIO [--client ours|linux-vm]
 * [--profile windows10|linux]`: the troubleshooting lab (issue 9 item 3).
 *
 * runLab(argv, io) takes the words after `lab` and resolves to the exit
 * code: 0 reproduced and fixed, 1 not (or an error), 2 usage, 3 cannot run
 * here (no RADIUS server, no VM, not root: the message says which).
 * Every run is bounded (--timeout, default 90 s in process, 600 s with
 * the VM) and closes its server, client, VM and namespaces.
 */
import type { ProfileName } from '../client/personalities.js';
import type { LabBackend } from './backend.js';
import { InProcessLab } from './inprocess.js';
import { startLabRadius, type LabRadius } from './radius.js';
import { runScenario } from './run.js';
import { boundedRun } from './bounded.js';
import { SCENARIOS, SEED_ADDRESSES, findScenario, type Scenario } from './scenarios.js';
import { wrap } from './report.js';

export interface LabIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export type LabClient = 'ours' | 'linux-vm';

export interface LabArgs {
  command: 'list' | 'run' | 'help';
  /** Scenario names to run (`all`: every one). */
  scenarios: string[];
  client: LabClient;
  profile?: ProfileName;
  timeoutSeconds?: number;
}

export const LAB_USAGE = `Usage: pix-pptpd lab list
       pix-pptpd lab SCENARIO|all [--client ours|linux-vm] [--profile windows10|linux]
                                  [--timeout SECONDS]

The troubleshooting lab: starts the server with a broken configuration and a
client, reproduces a failure the Cisco documents describe, prints the server's
debug lines (debug vpdn event, debug ppp negotiation, debug ppp uauth), the
error the client shows, the explanation and the fix; then applies the fix
through the shell and dials again to show the client connect.

  --client ours      our TypeScript client, in process over loopback (default;
                     needs no root)
  --client linux-vm  the real Linux pptp + pppd client in a qemu VM, inside a
                     network namespace the lab creates and removes (root and
                     the VM image from test/vm/build.sh)
  --profile P        the client's personality: windows10 (MS-CHAPv2, requires
                     encryption) or linux (everything); default per scenario

Exit status: 0 reproduced and fixed, 1 not, 2 usage, 3 cannot run here.
`;

export function parseLabArgs(argv: string[]): LabArgs | string {
  const a: LabArgs = { command: 'run', scenarios: [], client: 'ours' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return { ...a, command: 'help' };
      case '--client': {
        const v = value();
        if (v !== 'ours' && v !== 'linux-vm') return `--client wants ours or linux-vm${v ? `, not '${v}'` : ''}`;
        a.client = v;
        break;
      }
      case '--profile': {
        const v = value();
        if (v !== 'windows10' && v !== 'linux') return `--profile wants windows10 or linux${v ? `, not '${v}'` : ''}`;
        a.profile = v;
        break;
      }
      case '--timeout': {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isFinite(n) || n <= 0) return '--timeout wants a number of seconds';
        a.timeoutSeconds = n;
        break;
      }
      default:
        if (arg.startsWith('-')) return `unknown option '${arg}'`;
        a.scenarios.push(arg);
    }
  }
  if (a.scenarios[0] === 'list' && a.scenarios.length === 1) return { ...a, command: 'list', scenarios: [] };
  if (a.scenarios.length === 0) return 'which scenario? (pix-pptpd lab list)';
  if (a.scenarios.length > 1) return `one scenario at a time, or all (got ${a.scenarios.join(' ')})`;
  if (a.scenarios[0] === 'all') a.scenarios = SCENARIOS.map((s) => s.name);
  else if (!findScenario(a.scenarios[0])) return `no scenario '${a.scenarios[0]}' (pix-pptpd lab list)`;
  return a;
}

/** `lab list`: name, Windows error, title; what needs more than our client. */
export function renderList(): string[] {
  const w = Math.max(...SCENARIOS.map((s) => s.name.length));
  const out = ['Scenarios (pix-pptpd lab SCENARIO):', ''];
  for (const s of SCENARIOS) {
    out.push(`  ${s.name.padEnd(w)}  ${String(s.windowsError).padEnd(3)}  ${s.title}`);
    if (s.needsRadius) out.push(`  ${''.padEnd(w)}       (needs FreeRADIUS and root; skipped otherwise)`);
  }
  out.push('', 'The number is the Windows error the client shows.');
  return out;
}

export interface RunLabOptions {
  /** The in-process backend (default InProcessLab). */
  createInProcess?: (profileNote: string) => LabBackend;
  /** Starts the RADIUS server of radius-no-mppe-keys (default: FreeRADIUS via startLabRadius). */
  startRadius?: typeof startLabRadius;
}

/** The words after `pix-pptpd lab`; resolves to the exit code. */
export async function runLab(argv: string[], io: LabIo, o: RunLabOptions = {}): Promise<number> {
  const args = parseLabArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`pix-pptpd lab: ${args}\n${LAB_USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    io.stdout.write(LAB_USAGE);
    return 0;
  }
  if (args.command === 'list') {
    io.stdout.write(renderList().join('\n') + '\n');
    return 0;
  }
  let worst = 0;
  for (const name of args.scenarios) {
    const code = await runOne(findScenario(name)!, args, io, o);
    // 1 (failed) outranks 3 (skipped) outranks 0
    worst = worst === 1 || code === 1 ? 1 : Math.max(worst, code);
    if (args.scenarios.length > 1) io.stdout.write('\n');
  }
  return worst;
}

async function runOne(s: Scenario, args: LabArgs, io: LabIo, o: RunLabOptions): Promise<number> {
  const out = (line: string) => io.stdout.write(line + '\n');
  const profile = args.profile ?? s.defaultProfile;
  if (args.client === 'linux-vm') {
    const { runLinuxVmScenario } = await import('./linux-vm.js');
    return runLinuxVmScenario(s, { profile, out, timeoutSeconds: args.timeoutSeconds ?? 600 });
  }
  let radius: LabRadius | undefined;
  if (s.needsRadius) {
    const r = await (o.startRadius ?? startLabRadius)({ name: s.client.user, password: s.client.password });
    if ('skip' in r) {
      wrap(`lab ${s.name}: skipped: this scenario needs a RADIUS server that returns no MPPE keys; ${r.skip}.`).forEach(out);
      wrap(
        'What it shows (seed 003, "PIX MPPE RADIUS Problem"): with "ppp encryption mppe 40 required" and a RADIUS ' +
          'server that does not return MS-MPPE keys, the PIX logs 403110 "missing MPPE key from aaa server" and ' +
          '603103 "aaa authentication failed", and the PC shows Error 691 though the password is right. Fix: make the ' +
          'RADIUS server send the MPPE keys, or stop requiring MPPE.',
      ).forEach(out);
      return 3;
    }
    radius = r;
  }
  const backend = o.createInProcess ? o.createInProcess(profile) : new InProcessLab(`${profile} profile`);
  return boundedRun({
    name: s.name,
    timeoutMs: (args.timeoutSeconds ?? 90) * 1000,
    run: () => runScenario({ scenario: s, backend, profile, addresses: SEED_ADDRESSES, radius: radius?.endpoint, out }),
    cleanup: async () => {
      await backend.close().catch(() => undefined);
      await radius?.stop().catch(() => undefined);
    },
    out,
  });
}
