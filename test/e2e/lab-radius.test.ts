/**
 * radius-no-mppe-keys: with FreeRADIUS (root and the freeradius package)
 * the lab starts it on loopback with a user whose Access-Accept carries no
 * MPPE keys, reproduces seed 003's "PIX MPPE RADIUS Problem" (403110,
 * 603103 failed, error 691) and connects after the fix. (Without it: test/unit/lab/lab-runner.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLab } from '../../src/lab/index.js';
import { freeRadiusAvailable } from '../../src/lab/rig/freeradius.js';
import { canRoot } from '../../src/lab/rig/capability.js';
import { parseSections, sectionOf } from '../unit/lab/sections.js';

const root = canRoot();
const radius = freeRadiusAvailable();
const available = root.ok && radius.ok;

async function lab(argv: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const io = { stdout: { write: (s: string) => (text += s) }, stderr: { write: (s: string) => (text += s) } };
  return { code: await runLab(argv, io), text };
}

test('lab radius-no-mppe-keys with FreeRADIUS: 403110 + 603103 failed, error 691; fixed by mppe auto', { skip: available ? false : `${!root.ok ? root.reason : ''} ${!radius.ok ? radius.reason : ''}`.trim() }, async () => {
  const r = await lab(['radius-no-mppe-keys']);
  assert.equal(r.code, 0, r.text);
  const s = parseSections(r.text);
  const console1 = sectionOf(s, 1, 'Server console').body;
  const at = (re: RegExp) => console1.findIndex((l) => re.test(l));
  const accept = at(/^RADIUS: Received from id .* Access-Accept/);
  const failed = at(/^603103: PPP virtual interface 1 - user: cisco aaa authentication failed$/);
  const missing = at(/^403110: PPP virtual interface 1, user: cisco missing MPPE key from aaa server$/);
  assert.ok(accept >= 0 && failed > accept && missing > failed, console1.join('\n'));
  assert.ok(!console1.some((l) => /MS-MPPE-(Send|Recv)-Key/.test(l)), 'the accept carried no MPPE keys');
  assert.ok(console1.some((l) => /^603104: .*username is Unknown, MPPE_key_strength is None$/.test(l)));
  assert.equal(sectionOf(s, 1, 'Client').body[0], 'Disconnected - Error 691: Access was denied because the username and/or password was invalid on the domain.');
  assert.deepEqual(sectionOf(s, 3, 'Client').body.slice(1), ['MPPE: None', 'ping 172.18.124.152: 3/3 replies']);
});
