/**
 * The lab's command line and its verdict: argument parsing, `lab list`,
 * and a run whose fix does not fix (or whose failure is not the seed's)
 * is reported as such with exit status 1, not as a success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAB_USAGE, parseLabArgs, renderList, runLab } from '../../../src/lab/index.js';
import { InProcessLab } from '../../../src/lab/inprocess.js';
import { checkReproduced, runScenario } from '../../../src/lab/run.js';
import { SCENARIOS, SEED_ADDRESSES, findScenario, type Scenario } from '../../../src/lab/scenarios.js';
import { parseSections, sectionOf } from './sections.js';

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out: () => string; err: () => string } {
  let o = '';
  let e = '';
  return {
    io: { stdout: { write: (s) => ((o += s), true) }, stderr: { write: (s) => ((e += s), true) } },
    out: () => o,
    err: () => e,
  };
}

test('parseLabArgs: scenario, --client, --profile, --timeout, list, all; errors name the problem', () => {
  assert.deepEqual(parseLabArgs(['bad-password']), { command: 'run', scenarios: ['bad-password'], client: 'ours' });
  assert.deepEqual(parseLabArgs(['no-common-auth', '--client', 'linux-vm', '--profile=linux', '--timeout', '30']), {
    command: 'run',
    scenarios: ['no-common-auth'],
    client: 'linux-vm',
    profile: 'linux',
    timeoutSeconds: 30,
  });
  assert.equal((parseLabArgs(['list']) as { command: string }).command, 'list');
  assert.deepEqual((parseLabArgs(['all']) as { scenarios: string[] }).scenarios, SCENARIOS.map((s) => s.name));
  assert.equal(parseLabArgs([]), 'which scenario? (pix-pptpd lab list)');
  assert.equal(parseLabArgs(['nope']), "no scenario 'nope' (pix-pptpd lab list)");
  assert.equal(parseLabArgs(['bad-password', '--client', 'windows']), "--client wants ours or linux-vm, not 'windows'");
  assert.equal(parseLabArgs(['bad-password', '--profile']), '--profile wants windows10 or linux');
  assert.equal(parseLabArgs(['bad-password', '--timeout', '-3']), '--timeout wants a number of seconds');
  assert.equal(parseLabArgs(['bad-password', '--frob']), "unknown option '--frob'");
  assert.equal(parseLabArgs(['bad-password', 'domain-user']), 'one scenario at a time, or all (got bad-password domain-user)');
});

test('lab list names every scenario with its Windows error; usage errors exit 2 on stderr', async () => {
  const list = renderList();
  for (const s of SCENARIOS) assert.ok(list.some((l) => l.startsWith(`  ${s.name} `) && l.includes(` ${s.windowsError} `) && l.endsWith(s.title)), s.name);
  const names = ['bad-password', 'domain-user', 'no-common-auth', 'mppe-required-client-refuses', 'client-requires-encryption', 'pool-exhausted', 'radius-no-mppe-keys'];
  assert.deepEqual(SCENARIOS.map((s) => s.name), names);
  const c = capture();
  assert.equal(await runLab(['list'], c.io), 0);
  assert.equal(c.out(), list.join('\n') + '\n');
  const bad = capture();
  assert.equal(await runLab(['--client', 'x'], bad.io), 2);
  assert.equal(bad.out(), '');
  assert.ok(bad.err().startsWith("pix-pptpd lab: --client wants ours or linux-vm, not 'x'\n"));
  assert.ok(bad.err().endsWith(LAB_USAGE));
  const help = capture();
  assert.equal(await runLab(['--help'], help.io), 0);
  assert.equal(help.out(), LAB_USAGE);
});

test('checkReproduced: a connect, another error, a missing syslog or line are each a problem', () => {
  const s = findScenario('pool-exhausted')!;
  const failed = { ok: false as const, windowsError: 734, reason: 'link-terminated', detail: 'x' };
  const good = ['403108: PPP virtual interface 2 missing client ip address option'];
  assert.deepEqual(checkReproduced(s, { console: good, outcome: failed, clientLog: [] }), []);
  assert.deepEqual(checkReproduced(s, { console: [], outcome: failed, clientLog: [] }), [
    'no syslog 403108 on the console',
    'no console line with "missing client ip address option"',
  ]);
  assert.deepEqual(checkReproduced(s, { console: good, outcome: { ...failed, windowsError: 691, reason: 'auth-failed' }, clientLog: [] }), [
    'the client failed with error 691, not 734 (auth-failed)',
  ]);
  const up = { ok: true as const, clientAddress: '192.168.1.2', serverAddress: '172.18.124.152', mppe: 'None', ping: { target: 'x', sent: 3, received: 3 } };
  assert.deepEqual(checkReproduced(s, { console: good, outcome: up, clientLog: [] }), ['the client connected with the broken config']);
});

test('a fix that does not fix is reported NOT FIXED (the re-run really dials)', async () => {
  const base = findScenario('no-common-auth')!;
  // PAP is no help to an MS-CHAPv2-only client
  const wrong: Scenario = { ...base, fix: () => ['vpdn group 1 ppp authentication pap'] };
  const lines: string[] = [];
  const backend = new InProcessLab('windows10 profile');
  try {
    const v = await runScenario({ scenario: wrong, backend, profile: 'windows10', addresses: SEED_ADDRESSES, out: (l) => lines.push(l) });
    assert.equal(v.reproduced, true);
    assert.equal(v.fixed, false);
    assert.deepEqual(v.problems, ['the client still fails after the fix: lcp-failed: server terminated LCP during negotiation']);
  } finally {
    await backend.close();
  }
  const sections = parseSections(lines.join('\n'));
  assert.match(sectionOf(sections, 3, 'Client').body[0], /^Disconnected - Error 732: /);
  assert.deepEqual(sectionOf(sections, 3, 'Result').body.slice(0, 2), ['REPRODUCED: Windows error 732, as the seed describes', 'NOT FIXED']);
});

test('a client that does not meet the failure is reported NOT REPRODUCED, exit 1', async () => {
  const base = findScenario('no-common-auth')!;
  // a client that still speaks MS-CHAPv1 agrees with the PIX 6.3 config
  const tolerant: Scenario = { ...base, client: { ...base.client, auth: ['mschap', 'mschap-v2'] } };
  const lines: string[] = [];
  const backend = new InProcessLab('linux profile');
  try {
    const v = await runScenario({ scenario: tolerant, backend, profile: 'linux', addresses: SEED_ADDRESSES, out: (l) => lines.push(l) });
    assert.equal(v.reproduced, false);
    assert.ok(v.problems.includes('the client connected with the broken config'), v.problems.join('; '));
  } finally {
    await backend.close();
  }
  assert.ok(lines.includes('  NOT REPRODUCED'));
});

test('--profile linux changes the client personality, the scenario keeps its fault (no-common-auth)', async () => {
  const c = capture();
  assert.equal(await runLab(['no-common-auth', '--profile', 'linux'], c.io), 0, c.out());
  const sections = parseSections(c.out());
  const console1 = sectionOf(sections, 1, 'Server console').body;
  // pptp-linux's control personality (seed: vendor "cananian"), MS-CHAPv2 only all the same
  assert.ok(console1.includes('Tnl 1 PPTP: vendor "cananian"'));
  assert.ok(console1.includes('Vi1 LCP: Failed to negotiate with peer'));
});

test('radius-no-mppe-keys without a RADIUS server: explained and skipped (exit 3), no server started', async () => {
  const c = capture();
  let created = 0;
  const code = await runLab(['radius-no-mppe-keys'], c.io, {
    startRadius: async () => ({ skip: 'freeradius missing' }),
    createInProcess: (p) => {
      created++;
      return new InProcessLab(p);
    },
  });
  assert.equal(code, 3);
  assert.equal(created, 0);
  const text = c.out().replace(/\n/g, ' ');
  assert.match(text, /^lab radius-no-mppe-keys: skipped: this scenario needs a RADIUS server that returns no MPPE keys; freeradius missing\./);
  assert.match(text, /403110 "missing MPPE key from aaa server"/);
  assert.match(text, /Error 691/);
});

test('lab all: every scenario in turn; a skipped one makes the status 3, not 0', async () => {
  const c = capture();
  const code = await runLab(['all'], c.io, { startRadius: async () => ({ skip: 'no RADIUS in this test' }) });
  assert.equal(code, 3, c.out());
  const results = c.out().split('\n').filter((l) => /^ {2}(REPRODUCED|NOT REPRODUCED)/.test(l));
  assert.equal(results.length, SCENARIOS.length - 1);
  assert.ok(results.every((l) => l.startsWith('  REPRODUCED')));
});

test('a run that hangs is stopped at --timeout (exit 1) and its backend closed', async () => {
  const c = capture();
  let closed = 0;
  const hanging = {
    clientName: 'a client that never answers',
    start: async () => [],
    attempt: () => new Promise<never>(() => {}),
    releaseHeld: async () => [],
    configure: async () => ({ transcript: [], rejected: [] }),
    close: async () => {
      closed++;
    },
  };
  const sigint = process.listenerCount('SIGINT');
  const t0 = Date.now();
  const code = await runLab(['bad-password', '--timeout', '0.2'], c.io, { createInProcess: () => hanging });
  assert.equal(code, 1);
  assert.ok(Date.now() - t0 < 2000);
  assert.equal(closed, 1);
  assert.ok(c.out().endsWith('lab bad-password: timed out after 0.2 s; stopping\n'), c.out());
  assert.equal(process.listenerCount('SIGINT'), sigint, 'signal handler removed');
});
