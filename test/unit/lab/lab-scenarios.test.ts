/**
 * The lab's in-process scenarios, run as `pix-pptpd lab NAME` runs them
 * (runLab with our client over loopback, memory GRE/TUN): the report's
 * sections carry the server's debug and syslog lines of the failure, the
 * Windows error, the seed's reasoning, the fix lines, the shell applying
 * them to the running server, and the client connecting after the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLab } from '../../../src/lab/index.js';
import { findScenario } from '../../../src/lab/scenarios.js';
import { WINDOWS_ERRORS } from '../../../src/config/index.js';
import { parseSections, sectionOf, type Section } from './sections.js';

async function lab(argv: string[]): Promise<{ code: number; text: string; err: string; sections: Section[] }> {
  let text = '';
  let err = '';
  const code = await runLab(argv, { stdout: { write: (s: string) => (text += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, text, err, sections: parseSections(text) };
}

function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

interface Expect {
  /** Lines (exact) the failure's server console must hold, in this order. */
  failureLines: (string | RegExp)[];
  /** The client's line: `Disconnected - Error N: text`. */
  windowsError: number;
  fix: string[];
  /** The re-run's client section. */
  connected: { address: string; mppe: RegExp };
}

const CASES: Record<string, Expect> = {
  'bad-password': {
    failureLines: [
      'uauth_mschap_proc_reply: pppdev = 1, status = 0',
      '603103: PPP virtual interface 1 - user: cisco aaa authentication failed',
      /^603104: PPTP Tunnel created, tunnel_id is 1, .*client_dynamic_ip is 0\.0\.0\.0, username is Unknown, MPPE_key_strength is None$/,
      '603105: PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2',
    ],
    windowsError: 691,
    fix: ['vpdn username cisco password Spring-2024'],
    connected: { address: '192.168.1.1', mppe: /^MPPE: 128-bit stateless$/ },
  },
  'domain-user': {
    failureLines: [
      'Vi1 MS-CHAP: I RESPONSE id 1 len 66 from "DOMAIN\\cisco"',
      '603103: PPP virtual interface 1 - user: DOMAIN\\cisco aaa authentication failed',
    ],
    windowsError: 691,
    fix: ['vpdn username DOMAIN\\cisco password cisco'],
    connected: { address: '192.168.1.1', mppe: /^MPPE: None$/ },
  },
  'no-common-auth': {
    failureLines: [/^Vi1 LCP:    AuthProto MS-CHAP \(0x0305C22380\)$/, /^Vi1 LCP: I CONFNAK .*$/, /^Vi1 LCP:    AuthProto MS-CHAP-V2 \(0x0305C22381\)$/, 'Vi1 LCP: Failed to negotiate with peer'],
    windowsError: 732,
    fix: ['vpdn group 1 ppp authentication mschap-v2'],
    connected: { address: '192.168.1.1', mppe: /^MPPE: 128-bit stateless$/ },
  },
  'mppe-required-client-refuses': {
    failureLines: [
      '603103: PPP virtual interface 1 - user: cisco aaa authentication succeed',
      /^Vi1 LCP: I PROTREJ \[Open\] id \d+ len 16 protocol CCP/,
      'PPTP: Call id 1, no session id protocol: 21, reason: mppe required but not active, tunnel terminated',
      /^603104: PPTP Tunnel created, tunnel_id is 1, .*client_dynamic_ip is 192\.168\.1\.1, username is cisco, MPPE_key_strength is None$/,
      /^603105: PPTP Tunnel deleted, tunnel_id = 1/,
    ],
    windowsError: 734,
    fix: ['vpdn group 1 ppp encryption mppe auto'],
    connected: { address: '192.168.1.1', mppe: /^MPPE: None$/ },
  },
  'client-requires-encryption': {
    failureLines: ['603103: PPP virtual interface 1 - user: cisco aaa authentication succeed', /^Vi1 LCP: O PROTREJ \[Open\] id \d+ len 16 protocol CCP \(0x80FD/],
    windowsError: 742,
    fix: ['vpdn group 1 ppp encryption mppe auto'],
    connected: { address: '192.168.1.1', mppe: /^MPPE: 128-bit stateless$/ },
  },
  'pool-exhausted': {
    failureLines: [
      '603103: PPP virtual interface 2 - user: alice aaa authentication succeed',
      '403108: PPP virtual interface 2 missing client ip address option',
      /^603105: PPTP Tunnel deleted, tunnel_id = 2/,
    ],
    windowsError: 734,
    fix: ['ip local pool pptp-pool 192.168.1.2-192.168.1.50'],
    connected: { address: '192.168.1.2', mppe: /^MPPE: 128-bit stateless$/ },
  },
};

/** Each expected line matches a later console line than the one before. */
function assertInOrder(lines: string[], wanted: (string | RegExp)[], where: string): void {
  let at = -1;
  for (const w of wanted) {
    const i = lines.findIndex((l, k) => k > at && (typeof w === 'string' ? l === w : w.test(l)));
    assert.ok(i > at, `${where}: no ${String(w)} after line ${at}:\n${lines.join('\n')}`);
    at = i;
  }
}

for (const [name, e] of Object.entries(CASES)) {
  test(`lab ${name}: failure with its debug lines and Windows error ${e.windowsError}, the fix applied live, then connected`, async () => {
    const before = handles();
    const r = await lab([name]);
    assert.equal(r.err, '');
    assert.equal(r.code, 0, r.text);
    const s = findScenario(name)!;

    // 1. the failure: server console, client, why, fix
    const console1 = sectionOf(r.sections, 1, 'Server console (debug vpdn event, debug ppp negotiation, debug ppp uauth').body;
    assertInOrder(console1, e.failureLines, 'failure console');
    assert.ok(console1.some((l) => /^Tnl \d+ PPTP: CC I SCCRQ$/.test(l)), 'debug vpdn event lines');
    assert.ok(console1.some((l) => /^Vi\d+ LCP: O CONFREQ/.test(l)), 'debug ppp negotiation lines');
    const client1 = sectionOf(r.sections, 1, 'Client').body;
    assert.equal(client1[0], `Disconnected - Error ${e.windowsError}: ${WINDOWS_ERRORS[e.windowsError]}`);
    const why = sectionOf(r.sections, 1, `Why (Windows error ${e.windowsError})`).body.join(' ');
    assert.ok(why.includes('Seed 00'), 'the seed is quoted');
    if (s.lintCode) assert.ok(why.includes(`Linter (show vpdn diagnostics, pix-pptpd --check): ${s.lintCode}`), `linter finding ${s.lintCode}`);
    const fix = sectionOf(r.sections, 1, 'Fix (configuration mode)').body;
    assert.deepEqual(fix.slice(0, e.fix.length), e.fix);

    // 2. the shell applies it
    const applied = sectionOf(r.sections, 2, 'Console').body;
    assert.deepEqual(applied, ['pixfirewall#configure terminal', ...e.fix.map((l) => `pixfirewall(config)#${l}`), 'pixfirewall(config)#exit']);

    // 3. the re-run connects
    const console3 = sectionOf(r.sections, 3, 'Server console').body;
    assert.ok(console3.some((l) => /aaa authentication succeed$/.test(l)), 'authenticated after the fix');
    assert.ok(console3.some((l) => l.startsWith('603104: PPTP Tunnel created') && l.includes(`client_dynamic_ip is ${e.connected.address}`)));
    const client3 = sectionOf(r.sections, 3, 'Client').body;
    assert.match(client3[0], new RegExp(`^Connected: client address ${e.connected.address.replace(/\./g, '\\.')}, server 172\\.18\\.124\\.152`));
    assert.match(client3[1], e.connected.mppe);
    assert.equal(client3[2], 'ping 172.18.124.152: 3/3 replies');
    assert.deepEqual(sectionOf(r.sections, 3, 'Result').body, [`REPRODUCED: Windows error ${e.windowsError}, as the seed describes`, `FIXED: connected after ${e.fix.length} config line${e.fix.length === 1 ? '' : 's'}`]);

    // secrets stay out of the console and the config listing
    const passwords = ['Spring-2024', 'Alice-pw1'];
    for (const sec of r.sections.filter((x) => x.title.startsWith('Server console') || x.title.startsWith('PIX configuration'))) {
      for (const p of passwords) assert.ok(!sec.body.some((l) => l.includes(p)), `${p} in ${sec.title}`);
    }
    assert.ok(sectionOf(r.sections, -1, 'PIX configuration (broken)').body.includes('vpdn username cisco password ********'));

    // nothing left behind: no listener, client socket or timer
    await new Promise((res) => setTimeout(res, 50));
    const after = handles();
    for (const kind of ['TCPSocketWrap', 'TCPServerWrap', 'Timeout']) assert.ok((after[kind] ?? 0) <= (before[kind] ?? 0), `${kind} leaked: ${JSON.stringify(after)}`);
  });
}

test('lab pool-exhausted: the first client stays up through the failure and the fix, then hangs up', async () => {
  const r = await lab(['pool-exhausted']);
  assert.equal(r.code, 0, r.text);
  assert.match(sectionOf(r.sections, 0, 'Client').body[0], /^Connected: client address 192\.168\.1\.1,/);
  const console1 = sectionOf(r.sections, 1, 'Server console').body;
  assert.ok(!console1.some((l) => /^603105: PPTP Tunnel deleted, tunnel_id = 1,/.test(l)), 'tunnel 1 untouched by the failure');
  const bye = sectionOf(r.sections, 3, 'First client hangs up').body;
  assert.ok(bye.some((l) => /^603105: PPTP Tunnel deleted, tunnel_id = 1,/.test(l)));
});
