/**
 * The linux-vm lab's reading of the real client: pppd options from a
 * client spec and profile, and the outcome named from pppd's log (lines
 * taken from real VM runs against pix-pptpd).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authFromLog, classifyPppdLog, pppOptionsFor, pppdLines } from '../../../src/lab/linux-vm.js';
import { findScenario } from '../../../src/lab/scenarios.js';
import { runLab } from '../../../src/lab/index.js';

const BAD_PASSWORD = `PPTPVM: starting: pppd pty "pptp 10.99.0.1 --nolaunchpppd " user 'cisco' password '***'
Using interface ppp0
Connect: ppp0 <--> /dev/pts/0
rcvd [LCP ConfReq id=0x2 <mru 1400> <auth chap MS-v2> <magic 0x3a836a43> <pcomp> <accomp>]
sent [LCP ConfAck id=0x2 <mru 1400> <auth chap MS-v2> <magic 0x3a836a43> <pcomp> <accomp>]
rcvd [CHAP Challenge id=0x1 <ee52529732b581da56856177e6e693d8>, name = ""]
sent [CHAP Response id=0x1 <a687c93332591542638a228eb6487f67000000000000000011fa70ac18255008e960bf5d8edd7f6109cc2bf38a585f7600>, name = "cisco"]
rcvd [CHAP Failure id=0x1 "E=691 R=0 C=C09FDCF30D48BAF586B763805AFFA2AC V=3 M=Authentication failed"]
MS-CHAP authentication failed: Authentication failed
CHAP authentication failed
sent [LCP TermReq id=0x2 "Failed to authenticate ourselves to peer"]
Connection terminated.
PPTPVM: link NOT up: pppd exited with status 19
[    3.1] random: crng init done`;

const NO_COMMON_AUTH = `rcvd [LCP ConfReq id=0x1 <mru 1400> <auth chap MS> <magic 0x9154ffdf> <pcomp> <accomp>]
sent [LCP ConfNak id=0x1 <auth chap MS-v2>]
rcvd [LCP ConfAck id=0x1 <asyncmap 0x0> <magic 0x2f8db510> <pcomp> <accomp>]
rcvd [LCP TermReq id=0x2]
sent [LCP TermAck id=0x2]
Modem hangup
Connection terminated.
PPTPVM: link NOT up: pppd exited with status 16`;

const MPPE_REQUIRED_ON_SERVER = `sent [LCP ConfAck id=0x1 <mru 1400> <auth chap MS> <magic 0xf8b73a1a> <pcomp> <accomp>]
rcvd [CHAP Success id=0x1 ""]
CHAP authentication succeeded
rcvd [CCP ConfReq id=0x1 <mppe +H -M -S +L -D -C>]
sent [CCP ConfRej id=0x1 <mppe +H -M -S +L -D -C>]
rcvd [LCP TermReq id=0x2]
LCP terminated by peer
Modem hangup
PPTPVM: link NOT up: pppd exited with status 16`;

const NO_MPPE_ON_SERVER = `CHAP authentication succeeded
sent [CCP ConfReq id=0x1 <mppe +H -M +S +L -D -C>]
rcvd [LCP ProtRej id=0x3 80 fd 01 01 00 0a 12 06 01 00 00 60]
MPPE required but peer negotiation failed
sent [LCP TermReq id=0x2 "MPPE required but peer negotiation failed"]
PPTPVM: link NOT up: pppd exited with status 10`;

test('pppOptionsFor: refuse what the client does not speak; encryption as pppd options', () => {
  assert.deepEqual(pppOptionsFor({ user: 'u', password: 'p', label: '' }, 'windows10'), ['refuse-pap', 'refuse-chap', 'refuse-mschap', 'require-mppe']);
  assert.deepEqual(pppOptionsFor({ user: 'u', password: 'p', label: '' }, 'linux'), []);
  assert.deepEqual(pppOptionsFor(findScenario('domain-user')!.client, 'linux'), ['refuse-pap', 'refuse-chap', 'refuse-mschap-v2']);
  assert.deepEqual(pppOptionsFor(findScenario('mppe-required-client-refuses')!.client, 'windows10'), ['refuse-pap', 'refuse-chap', 'nomppe']);
  assert.deepEqual(pppOptionsFor(findScenario('no-common-auth')!.client, 'linux'), ['refuse-pap', 'refuse-chap', 'refuse-mschap']);
});

test('classifyPppdLog: 691 on an authentication failure, 732 for a TermReq before auth, 734 after, 742 for MPPE refused', () => {
  assert.deepEqual(classifyPppdLog(BAD_PASSWORD), {
    ok: false,
    windowsError: 691,
    reason: 'auth-failed',
    detail: 'pppd exit status 19 (authentication to the peer failed)',
  });
  assert.equal(classifyPppdLog(NO_COMMON_AUTH).windowsError, 732);
  assert.equal(classifyPppdLog(NO_COMMON_AUTH).reason, 'lcp-failed');
  assert.equal(classifyPppdLog(MPPE_REQUIRED_ON_SERVER).windowsError, 734);
  assert.equal(classifyPppdLog(NO_MPPE_ON_SERVER).windowsError, 742);
  assert.deepEqual(classifyPppdLog('PPTPVM: link NOT up within 20s'), { ok: false, reason: 'link-down', detail: 'pppd gave no exit status' });
});

test('authFromLog: the auth option pppd acked last', () => {
  assert.equal(authFromLog(BAD_PASSWORD), 'MS-CHAP-V2');
  assert.equal(authFromLog(MPPE_REQUIRED_ON_SERVER), 'MS-CHAP');
  assert.equal(authFromLog(NO_COMMON_AUTH), undefined);
  assert.equal(authFromLog('sent [LCP ConfAck id=0x1 <auth pap> <magic 0x1>]'), 'PAP');
});

test('pppdLines: pppd and packet lines only, the MS-CHAP response masked', () => {
  const lines = pppdLines(BAD_PASSWORD);
  assert.equal(lines[0], 'Using interface ppp0');
  assert.ok(lines.includes('sent [CHAP Response id=0x1 <...>, name = "cisco"]'));
  assert.ok(!lines.some((l) => l.includes('a687c933')));
  assert.ok(!lines.some((l) => l.startsWith('PPTPVM') || l.includes('crng')));
  assert.ok(lines.includes('MS-CHAP authentication failed: Authentication failed'));
});

test('--client linux-vm refuses scenarios only our client can play (exit 3, says why)', async () => {
  let out = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) } };
  assert.equal(await runLab(['pool-exhausted', '--client', 'linux-vm'], io), 3);
  assert.match(out.replace(/\n/g, ' '), /^lab pool-exhausted: --client linux-vm cannot play this scenario \(it needs two clients connected at once and the VM runs one\); run it with --client ours\. $/);
});
