/**
 * `--client linux-vm`: the real Linux client (pptp-linux + pppd) in the
 * test VM against the product itself.
 *
 *   VM eth0 10.99.0.2 --TAP-- [namespace the lab creates: pix-pptpd
 *   --plain on 10.99.0.1, its TUN, raw GRE]
 *
 * The VM rig of the tests (src/lab/rig/vm-rig.ts) does the plumbing: it
 * creates the namespace and the TAP, starts bin/pix-pptpd in it with the
 * scenario's config, types the debug commands, boots the VM once per dial,
 * and removes everything at the end (also if the lab dies: its exit hooks).
 * The fix is typed into the product's own shell. Without root, qemu or
 * the VM image (test/vm/ of a source checkout, built by test/vm/build.sh)
 * the lab says so and exits 3.
 *
 * The client's outcome is read from pppd's log (exit status, "LCP
 * terminated by peer", "MPPE required but peer ...") and named with the
 * Windows error the same fault gives a Windows client.
 */
import type { ProfileName } from '../client/personalities.js';
import type { AuthProtocol } from '../config/model.js';
import type { Attempt, LabBackend, Outcome } from './backend.js';
import { runScenario } from './run.js';
import { boundedRun } from './bounded.js';
import { wrap } from './report.js';
import type { ClientSpec, LabAddresses, Scenario } from './scenarios.js';

import * as vmRig from './rig/vm-rig.js';
import { linuxVmAvailable } from './rig/linux-vm-client.js';

type VmRig = typeof vmRig;

const ALL_AUTH: AuthProtocol[] = ['pap', 'chap', 'mschap', 'mschap-v2'];
const REFUSE: Record<AuthProtocol, string> = { pap: 'refuse-pap', chap: 'refuse-chap', mschap: 'refuse-mschap', 'mschap-v2': 'refuse-mschap-v2' };

/** pppd options for a client spec under a profile (refuse-eap and noipv6 are always added by the rig). */
export function pppOptionsFor(spec: ClientSpec, profile: ProfileName): string[] {
  const auth = spec.auth ?? (profile === 'windows10' ? ['mschap-v2'] : ALL_AUTH);
  const enc = spec.encryption ?? (profile === 'windows10' ? 'required' : 'optional');
  const opts = ALL_AUTH.filter((a) => !auth.includes(a)).map((a) => REFUSE[a]);
  if (enc === 'required') opts.push('require-mppe');
  if (enc === 'none') opts.push('nomppe');
  return opts;
}

/** pppd's exit statuses that name a cause (pppd(8) EXIT STATUS). */
const PPPD_EXIT: Record<number, string> = {
  10: 'negotiation failed',
  11: 'the peer failed to authenticate',
  15: 'the peer is not responding',
  16: 'the link was terminated (hangup)',
  19: 'authentication to the peer failed',
};

/** What the VM's log says about a dial that did not come up. */
export function classifyPppdLog(log: string): Outcome & { ok: false } {
  const status = /link NOT up: pppd exited with status (\d+)/.exec(log);
  const code = status ? Number(status[1]) : undefined;
  const why = code !== undefined ? `pppd exit status ${code}${PPPD_EXIT[code] ? ` (${PPPD_EXIT[code]})` : ''}` : 'pppd gave no exit status';
  const authOk = /authentication succeeded/.test(log);
  if (code === 19 || /authentication failed/i.test(log)) return { ok: false, windowsError: 691, reason: 'auth-failed', detail: why };
  if (/MPPE required but peer (refused|negotiation failed)/.test(log)) {
    return { ok: false, windowsError: 742, reason: 'encryption-unsupported', detail: `${why}; pppd: MPPE required but the peer refused` };
  }
  // the server's LCP Terminate-Request (pppd prints "LCP terminated by peer" only when it carries a message)
  if (/rcvd \[LCP TermReq|LCP terminated by peer/.test(log)) {
    return authOk
      ? { ok: false, windowsError: 734, reason: 'link-terminated', detail: `${why}; the server terminated LCP after authentication` }
      : { ok: false, windowsError: 732, reason: 'lcp-failed', detail: `${why}; the server terminated LCP during negotiation` };
  }
  if (code === 10) return { ok: false, windowsError: 732, reason: 'lcp-failed', detail: why };
  return { ok: false, reason: 'link-down', detail: why };
}

/** The product's plain console repeats its prompt after asynchronous lines. */
const PROMPT_ONLY = /^[A-Za-z0-9_.-]+(\(config\))?[>#] ?$/;

/** The protocol pppd agreed to authenticate with: its last LCP Configure-Ack of an auth option. */
export function authFromLog(log: string): string | undefined {
  const acks = [...log.matchAll(/sent \[LCP ConfAck id=0x[0-9a-f]+ [^\]]*<auth (chap MS-v2|chap MS|chap MD5|pap)>/g)];
  const last = acks[acks.length - 1]?.[1];
  return last === undefined ? undefined : { 'chap MS-v2': 'MS-CHAP-V2', 'chap MS': 'MS-CHAP', 'chap MD5': 'CHAP', pap: 'PAP' }[last];
}

/** The VM log lines worth showing: pppd's and pptp's own, no kernel or script chatter. */
export function pppdLines(log: string): string[] {
  return log
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) =>
      /^(rcvd|sent) \[/.test(l) ||
      /(authentication (succeeded|failed)|MPPE|LCP terminated|Connection terminated|local  IP address|remote IP address|Modem hangup|Using interface|Connect: |peer refused|No auth is possible|CHAP|PAP)/.test(l),
    )
    .filter((l) => !l.startsWith('PPTPVM') && !l.startsWith('=='))
    // the MS-CHAP response is not the password, but it can be attacked offline: keep it off the screen
    .map((l) => l.replace(/^(sent \[CHAP Response id=0x[0-9a-f]+ <)[0-9a-f]+>/, '$1...>'))
    .slice(0, 80);
}

class LinuxVmLab implements LabBackend {
  readonly clientName: string;
  private rig: Awaited<ReturnType<VmRig['startRig']>> | undefined;

  constructor(
    private readonly vm: VmRig,
    profile: ProfileName,
  ) {
    this.clientName = `the real Linux pptp + pppd client in a qemu VM (pppd set up as a ${profile} client), against pix-pptpd in a network namespace`;
  }

  async start(configText: string, debugs: string[]): Promise<string[]> {
    this.rig = await this.vm.startRig({ configText, debugs: debugs.map((d) => d.replace(/^debug /, '')) });
    return [];
  }

  async attempt(spec: ClientSpec, profile: ProfileName): Promise<Attempt> {
    const r = await this.vm.dial(this.rig!, { user: spec.user, password: spec.password, pppOptions: pppOptionsFor(spec, profile), pingCount: 3, linkTimeout: 20 });
    const log = r.client.log;
    const v = r.client.verdict;
    let outcome: Outcome;
    if (v.link === 'up') {
      const ping = /^(\d+)\/(\d+)$/.exec(v.ping ?? '');
      const mppe = /MPPE (\d+)-bit (stateless |stateful )?compression enabled/.exec(log);
      const auth = authFromLog(log);
      outcome = {
        ok: true,
        clientAddress: v.local ?? '?',
        serverAddress: v.remote ?? '?',
        auth,
        mppe: mppe ? `${mppe[1]}-bit ${(mppe[2] ?? 'stateful ').trim()}` : 'None',
        ping: { target: v.remote ?? '?', sent: ping ? Number(ping[2]) : 0, received: ping ? Number(ping[1]) : 0 },
      };
    } else outcome = classifyPppdLog(log);
    return { console: r.console.filter((l) => !PROMPT_ONLY.test(l)), outcome, clientLog: pppdLines(log) };
  }

  async releaseHeld(): Promise<string[]> {
    return [];
  }

  async configure(lines: string[]): Promise<{ transcript: string[]; rejected: string[] }> {
    const p = this.rig!.product;
    const transcript: string[] = [];
    const rejected: string[] = [];
    const say = async (line: string, prompt: string) => {
      const out = (await p.command(line)).filter((l) => !/^\S+(\(config\))?# ?$/.test(l));
      transcript.push(prompt + line, ...out);
      return out;
    };
    await say('configure terminal', 'pixfirewall#');
    for (const l of lines) {
      const out = await say(l, 'pixfirewall(config)#');
      if (out.some((o) => /^(ERROR|%|Type help)/.test(o))) rejected.push(l);
    }
    await say('exit', 'pixfirewall(config)#');
    return { transcript, rejected };
  }

  async close(): Promise<void> {
    const rig = this.rig;
    this.rig = undefined;
    if (rig) await this.vm.stopRig(rig);
  }
}

/** Runs one scenario with the VM; resolves to the lab's exit status. */
export async function runLinuxVmScenario(
  s: Scenario,
  o: { profile: ProfileName; out: (l: string) => void; timeoutSeconds: number },
): Promise<number> {
  const say = (t: string) => wrap(t).forEach(o.out);
  if (s.oursOnly) {
    say(`lab ${s.name}: --client linux-vm cannot play this scenario (${s.oursOnly}); run it with --client ours.`);
    return 3;
  }
  const cap = linuxVmAvailable();
  if (!cap.ok) {
    say(`lab ${s.name}: --client linux-vm cannot run here: ${cap.reason}. Run it as root with qemu and the VM image (test/vm/build.sh), or use --client ours.`);
    return 3;
  }
  const addresses: LabAddresses = {
    outside: vmRig.ADDR.server,
    outsideMask: '255.255.255.0',
    inside: vmRig.ADDR.insideGateway,
    insideMask: '255.255.255.0',
    poolFirst: vmRig.ADDR.poolFirst,
    poolLast: vmRig.ADDR.poolLast,
  };
  const backend = new LinuxVmLab(vmRig, o.profile);
  return boundedRun({
    name: s.name,
    timeoutMs: o.timeoutSeconds * 1000,
    run: () => runScenario({ scenario: s, backend, profile: o.profile, addresses, out: o.out }),
    cleanup: () => backend.close(),
    out: o.out,
    stopping: 'the VM and removing the namespace',
  });
}
