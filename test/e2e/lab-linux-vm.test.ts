/**
 * `pix-pptpd lab no-common-auth --client linux-vm`: the real Linux client
 * (pptp + pppd in the test VM, MS-CHAPv2 only) against pix-pptpd in a
 * namespace the lab creates: LCP fails on the PIX 6.3 MS-CHAPv1-only
 * config (732), the fix typed into the product's shell, then the VM dials
 * again, gets an address, MPPE and 3/3 pings. The namespace is gone after.
 * Needs root, qemu and the VM image (test/vm/build.sh); skipped otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runLab } from '../../src/lab/index.js';
import { linuxVmAvailable } from '../../src/lab/rig/linux-vm-client.js';
import { parseSections, sectionOf } from '../unit/lab/sections.js';

const cap = linuxVmAvailable();

function ourNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out.split('\n').map((l) => l.split(' ')[0]).filter((n) => n.includes(`-${process.pid}-`));
}

test('lab no-common-auth with the real Linux client in the VM: 732, fix, connected', { skip: cap.ok ? false : cap.reason, timeout: 300_000 }, async () => {
  let text = '';
  const io = { stdout: { write: (s: string) => (text += s) }, stderr: { write: (s: string) => (text += s) } };
  const code = await runLab(['no-common-auth', '--client', 'linux-vm', '--timeout', '240'], io);
  assert.equal(code, 0, text);
  const s = parseSections(text);
  const console1 = sectionOf(s, 1, 'Server console (debug vpdn event, debug ppp negotiation, debug ppp uauth)').body;
  // the ids are the call's worker's (1 in one process, 32768 on the second of two workers)
  assert.ok(console1.some((l) => /^Tnl \d+ PPTP: vendor "cananian"$/.test(l)), 'pptp-linux dialled');
  assert.ok(console1.some((l) => /^Vi\d+ LCP: Failed to negotiate with peer$/.test(l)));
  assert.ok(!console1.some((l) => /^[A-Za-z0-9_.-]+(\(config\))?[>#] ?$/.test(l)), 'no bare prompts');
  const log1 = sectionOf(s, 1, 'Client log').body;
  assert.ok(log1.includes('sent [LCP ConfNak id=0x1 <auth chap MS-v2>]'), log1.join('\n'));
  assert.equal(sectionOf(s, 1, 'Client').body[0], 'Disconnected - Error 732: Your computer and the remote computer could not agree on PPP control protocols.');
  assert.deepEqual(sectionOf(s, 2, 'Console').body.filter((l) => l.includes('#')), [
    'pixfirewall#configure terminal',
    'pixfirewall(config)#vpdn group 1 ppp authentication mschap-v2',
    'pixfirewall(config)#exit',
  ]);
  const client3 = sectionOf(s, 3, 'Client').body;
  assert.equal(client3[0], 'Connected: client address 10.97.0.10, server 10.99.0.1, authentication MS-CHAP-V2');
  assert.equal(client3[1], 'MPPE: 128-bit stateless');
  assert.equal(client3[2], 'ping 10.99.0.1: 3/3 replies');
  assert.ok(sectionOf(s, 3, 'Server console').body.some((l) => /^603104: .*client_dynamic_ip is 10\.97\.0\.10, username is cisco, MPPE_key_strength is 128 bits$/.test(l)));
  assert.deepEqual(ourNamespaces(), [], 'the lab removed its namespace');
});
