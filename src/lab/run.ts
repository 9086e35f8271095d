/**
 * One lab run: the broken config on a live server, the client fails the
 * way the seed describes, the report shows the server console, the
 * client's error, the reasoning and the fix; the fix goes in through the
 * shell (the running server is reconfigured by the commit) and the client
 * dials again and connects.
 *
 * The verdict is checked, not assumed: "reproduced" means the client
 * failed with the scenario's Windows error and the console shows the
 * scenario's syslog ids and lines; "fixed" means the re-run connected and
 * 3 of 3 pings came back.
 */
import { emptyRunningConfig, lintConfig, loadConfigText, type Finding } from '../config/index.js';
import type { ProfileName } from '../client/personalities.js';
import type { Attempt, LabBackend } from './backend.js';
import { LAB_DEBUGS, type LabAddresses, type RadiusEndpoint, type Scenario } from './scenarios.js';
import { banner, maskConfig, part, renderOutcome, section, wrap } from './report.js';

export interface LabVerdict {
  reproduced: boolean;
  fixed: boolean;
  /** Why a check failed (empty when both hold). */
  problems: string[];
}

export interface RunOptions {
  scenario: Scenario;
  backend: LabBackend;
  profile: ProfileName;
  addresses: LabAddresses;
  radius?: RadiusEndpoint;
  /** Each report line as it is produced. */
  out: (line: string) => void;
}

/** The linter's finding for this scenario on the broken config, if it has one. */
export function lintFinding(s: Scenario, configText: string): Finding | undefined {
  if (!s.lintCode) return undefined;
  const rc = loadConfigText(configText, emptyRunningConfig()).config;
  return lintConfig(rc).find((f) => f.code === s.lintCode);
}

/** Problems with a broken run (empty: it failed exactly as the scenario says). */
export function checkReproduced(s: Scenario, a: Attempt): string[] {
  const problems: string[] = [];
  if (a.outcome.ok) problems.push('the client connected with the broken config');
  else if (a.outcome.windowsError !== s.windowsError) {
    problems.push(`the client failed with ${a.outcome.windowsError === undefined ? 'no Windows error' : `error ${a.outcome.windowsError}`}, not ${s.windowsError} (${a.outcome.reason})`);
  }
  for (const id of s.syslogs) if (!a.console.some((l) => l.startsWith(`${id}:`))) problems.push(`no syslog ${id} on the console`);
  for (const t of s.expectLines) if (!a.console.some((l) => l.includes(t))) problems.push(`no console line with "${t}"`);
  return problems;
}

export function checkFixed(a: Attempt): string[] {
  if (!a.outcome.ok) return [`the client still fails after the fix: ${a.outcome.reason}: ${a.outcome.detail}`];
  const p = a.outcome.ping;
  return p.received === p.sent && p.sent === 3 ? [] : [`ping ${p.target}: ${p.received}/${p.sent}`];
}

export async function runScenario(o: RunOptions): Promise<LabVerdict> {
  const { scenario: s, backend, profile, addresses, out } = o;
  const emit = (lines: string[]) => lines.forEach((l) => out(l));
  const config = s.config(addresses, o.radius);
  const configText = config.join('\n') + '\n';

  emit(banner(`Lab: ${s.name} - ${s.title}`));
  emit(wrap(`Client: ${backend.clientName}, profile ${profile}; ${s.client.label}.`));
  if (s.holder) emit(wrap(`First client (stays connected): ${s.holder.label}.`));
  emit(['']);
  emit(section('PIX configuration (broken)', maskConfig(config)));
  const debugs = [...LAB_DEBUGS, ...(s.extraDebugs ?? [])];
  const startup = await backend.start(configText, debugs);
  emit(section('Debug switches at the console', [...debugs, ...startup]));

  // ---- 1. the failure
  if (s.holder) {
    const h = await backend.attempt(s.holder, profile, { hold: true });
    emit(part(0, `The first client connects and stays (${s.holder.label})`));
    emit(section('Server console', h.console));
    emit(section('Client', renderOutcome(h.outcome)));
    if (!h.outcome.ok) {
      return { reproduced: false, fixed: false, problems: [`the first client could not connect: ${h.outcome.reason}: ${h.outcome.detail}`] };
    }
  }
  const broken = await backend.attempt(s.client, profile);
  emit(part(1, `The failure: ${s.client.label} dials`));
  emit(section(`Server console (${debugs.join(', ')})`, broken.console));
  if (broken.clientLog.length) emit(section('Client log', broken.clientLog));
  emit(section('Client', renderOutcome(broken.outcome)));
  const reproduceProblems = checkReproduced(s, broken);

  const finding = lintFinding(s, configText);
  const why = [
    ...wrap(s.explanation),
    '',
    ...wrap(s.seedQuote),
    ...(finding ? ['', `Linter (show vpdn diagnostics, pix-pptpd --check): ${finding.code}`, ...wrap(finding.explanation)] : []),
  ];
  emit(section(`Why (Windows error ${s.windowsError})`, why));
  const fix = s.fix(addresses);
  emit(section('Fix (configuration mode)', [...fix, '', ...wrap(s.fixNote)]));

  // ---- 2. the fix, through the shell
  emit(part(2, 'Applying the fix through the shell (the running server is reconfigured)'));
  const applied = await backend.configure(fix);
  emit(section('Console', applied.transcript));
  if (applied.rejected.length) {
    return { reproduced: reproduceProblems.length === 0, fixed: false, problems: [...reproduceProblems, `the shell rejected: ${applied.rejected.join('; ')}`] };
  }

  // ---- 3. the client again
  const again = await backend.attempt(s.client, profile);
  emit(part(3, `The client dials again (${s.client.label})`));
  emit(section('Server console', again.console));
  if (again.clientLog.length) emit(section('Client log', again.clientLog));
  emit(section('Client', renderOutcome(again.outcome)));
  const fixProblems = checkFixed(again);
  if (s.holder) emit(section('First client hangs up', await backend.releaseHeld()));

  const verdict: LabVerdict = {
    reproduced: reproduceProblems.length === 0,
    fixed: fixProblems.length === 0,
    problems: [...reproduceProblems, ...fixProblems],
  };
  emit(['']);
  emit(
    section('Result', [
      verdict.reproduced ? `REPRODUCED: Windows error ${s.windowsError}, as the seed describes` : 'NOT REPRODUCED',
      verdict.fixed ? `FIXED: connected after ${fix.length} config line${fix.length === 1 ? '' : 's'}` : 'NOT FIXED',
      ...verdict.problems.map((p) => `problem: ${p}`),
    ]),
  );
  return verdict;
}
