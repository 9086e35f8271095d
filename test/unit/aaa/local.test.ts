import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { LocalAuthenticator } from '../../../src/server/aaa/local.js';
import { mschapV1Response, mschapV2NtResponse, mschapV2AuthenticatorResponse } from '../../../src/proto/crypto/mschap.js';

const users = [
  { name: 'cisco', password: 'cisco' },
  { name: 'DOMAIN\\cisco', password: 'cisco' },
];
const auth = new LocalAuthenticator(() => users);

test('PAP: right and wrong password, unknown user', async () => {
  assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' }), { ok: true, username: 'cisco' });
  assert.equal((await auth.authenticate({ method: 'pap', username: 'cisco', password: 'nope' })).ok, false);
  assert.equal((await auth.authenticate({ method: 'pap', username: 'john', password: 'cisco' })).ok, false);
});

test('CHAP-MD5 (RFC 1994): MD5(id | secret | challenge)', async () => {
  const challenge = randomBytes(16);
  const response = createHash('md5').update(Buffer.from([7])).update('cisco').update(challenge).digest();
  assert.equal((await auth.authenticate({ method: 'chap', username: 'cisco', id: 7, challenge, response })).ok, true);
  assert.equal((await auth.authenticate({ method: 'chap', username: 'cisco', id: 8, challenge, response })).ok, false);
});

test('MS-CHAPv1: names match exactly, as the PIX does with DOMAIN\\user', async () => {
  const challenge = randomBytes(8);
  const ntResponse = mschapV1Response(challenge, 'cisco');
  const r = await auth.authenticate({ method: 'mschap', username: 'DOMAIN\\cisco', challenge, ntResponse });
  assert.ok(r.ok && r.mppe && r.mppe.send.length === 16);
  const stranger = await auth.authenticate({ method: 'mschap', username: 'OTHER\\cisco', challenge, ntResponse });
  assert.equal(stranger.ok, false);
});

test('MS-CHAPv2: verifies the NT-Response, returns S= and MPPE keys', async () => {
  const authChallenge = randomBytes(16);
  const peerChallenge = randomBytes(16);
  const ntResponse = mschapV2NtResponse(authChallenge, peerChallenge, 'cisco', 'cisco');
  const r = await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge, peerChallenge, ntResponse });
  assert.ok(r.ok);
  assert.equal(r.authenticatorResponse, mschapV2AuthenticatorResponse('cisco', ntResponse, peerChallenge, authChallenge, 'cisco'));
  assert.match(r.authenticatorResponse!, /^S=[0-9A-F]{40}$/);
  assert.ok(r.mppe && !r.mppe.send.equals(r.mppe.recv), 'MS-CHAPv2 keys differ per direction');
  const bad = Buffer.from(ntResponse);
  bad[0] ^= 1;
  assert.equal((await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge, peerChallenge, ntResponse: bad })).ok, false);
});
