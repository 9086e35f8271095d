import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  challengeHash,
  chapMd5Response,
  getAsymmetricStartKey,
  getMasterKey,
  getStartKeyV1,
  lmPasswordHash,
  lmStartKeyV1,
  mppeMasterKeysV1,
  mppeMasterKeysV1FromHashHash,
  mppeMasterKeysV2,
  mppeMasterKeysV2FromHash,
  mschapV1LmResponse,
  mschapV1Response,
  mschapV1ResponseFromHash,
  mschapV2AuthenticatorResponse,
  mschapV2AuthenticatorResponseFromHash,
  mschapV2NtResponse,
  mschapV2NtResponseFromHash,
  ntPasswordHash,
  ntPasswordHashHash,
  stripDomain,
} from '../../../src/proto/crypto/mschap.js';
import { initialSessionKey, MppeRekeyer } from '../../../src/proto/crypto/mppe-keys.js';

const H = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const hex = (b: Buffer) => b.toString('hex').toUpperCase();

// RFC 2759 section 9.2
const USER = 'User';
const PASS = 'clientPass';
const AUTH_CH = H('5B5D7C7D7B3F2F3E3C2C602132262628');
const PEER_CH = H('21402324255E262A28295F2B3A337C7E');
const NT_RESP = H('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF');

test('RFC 2759 9.2: hashes, ChallengeHash, NT-Response, authenticator response', () => {
  assert.equal(hex(ntPasswordHash(PASS)), '44EBBA8D5312B8D611474411F56989AE');
  assert.equal(hex(ntPasswordHashHash(PASS)), '41C00C584BD2D91C4017A2A12FA59F3F');
  assert.equal(hex(ntPasswordHashHash(ntPasswordHash(PASS))), '41C00C584BD2D91C4017A2A12FA59F3F');
  assert.equal(hex(challengeHash(PEER_CH, AUTH_CH, USER)), 'D02E4386BCE91226');
  assert.equal(hex(mschapV2NtResponse(AUTH_CH, PEER_CH, USER, PASS)), hex(NT_RESP));
  assert.equal(hex(mschapV2NtResponseFromHash(AUTH_CH, PEER_CH, USER, ntPasswordHash(PASS))), hex(NT_RESP));
  assert.equal(mschapV2AuthenticatorResponse(PASS, NT_RESP, PEER_CH, AUTH_CH, USER), 'S=407A5589115FD0D6209F510FE9C04566932CDA56');
  assert.equal(
    mschapV2AuthenticatorResponseFromHash(ntPasswordHash(PASS), NT_RESP, PEER_CH, AUTH_CH, USER),
    'S=407A5589115FD0D6209F510FE9C04566932CDA56',
  );
});

test('MS-CHAPv2: a DOMAIN\\ prefix is stripped before ChallengeHash (RFC 2759 8.2, pppd strrchr)', () => {
  assert.equal(hex(mschapV2NtResponse(AUTH_CH, PEER_CH, 'CORP\\User', PASS)), hex(NT_RESP));
  assert.equal(hex(mschapV2NtResponse(AUTH_CH, PEER_CH, 'A\\B\\User', PASS)), hex(NT_RESP));
  assert.equal(mschapV2AuthenticatorResponse(PASS, NT_RESP, PEER_CH, AUTH_CH, 'CORP\\User'), 'S=407A5589115FD0D6209F510FE9C04566932CDA56');
  assert.equal(Buffer.from(stripDomain('nodomain')).toString(), 'nodomain');
  assert.notEqual(hex(mschapV2NtResponse(AUTH_CH, PEER_CH, 'user', PASS)), hex(NT_RESP), 'names are case sensitive');
  assert.notEqual(hex(mschapV2NtResponse(AUTH_CH, PEER_CH, USER, 'clientpass')), hex(NT_RESP));
});

test('RFC 2433: MS-CHAPv1 NT hash and NT-Response ("MyPw")', () => {
  const ch = H('102DB5DF085D3041');
  assert.equal(hex(ntPasswordHash('MyPw')), 'FC156AF7EDCD6C0EDDE3337D427F4EAC');
  assert.equal(hex(mschapV1Response(ch, 'MyPw')), '4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61');
  assert.equal(hex(mschapV1ResponseFromHash(ch, ntPasswordHash('MyPw'))), '4E9D3C8F9CFD385D5BF4D3246791956CA4C351AB409A3D61');
});

test('LAN Manager hash and response', () => {
  assert.equal(hex(lmPasswordHash(PASS)), '76A152936096D7830E2390227404AFD2');
  assert.equal(hex(lmPasswordHash('password')), 'E52CAC67419A9A224A3B108F3FA6CB6D');
  assert.equal(mschapV1LmResponse(H('102DB5DF085D3041'), 'MyPw').length, 24);
});

test('RFC 3079 2.5: MS-CHAPv1 sample key derivations (40, 56, 128 bits)', () => {
  // 40/56-bit: start key = first 8 octets of LmPasswordHash.
  const lm = lmStartKeyV1(PASS);
  assert.equal(hex(lm), '76A152936096D783');
  assert.equal(hex(initialSessionKey(lm, 40)), 'D1269E538CEC4A08');
  assert.equal(hex(initialSessionKey(lm, 56)), 'D10801538CEC4A08');
  // 128-bit: GetStartKey(challenge, NtPasswordHashHash).
  const start = getStartKeyV1(H('102DB5DF085D3041'), H('41C00C584BD2D91C4017A2A12FA59F3F'));
  assert.equal(hex(start), 'A8947850CFC0ACC1D1789FB62DDCDDB0');
  assert.equal(hex(initialSessionKey(start, 128)), '59D159BC09F76F1DA2A86A28FFEC0B1E');
  const keys = mppeMasterKeysV1(PASS, 'server', H('102DB5DF085D3041'));
  assert.equal(hex(keys.send), 'A8947850CFC0ACC1D1789FB62DDCDDB0');
  assert.equal(hex(keys.recv), 'A8947850CFC0ACC1D1789FB62DDCDDB0', 'v1 keys are symmetric');
  assert.deepEqual(mppeMasterKeysV1(PASS, 'client', H('102DB5DF085D3041')), keys);
  assert.deepEqual(mppeMasterKeysV1FromHashHash(ntPasswordHashHash(PASS), H('102DB5DF085D3041')), keys);
  keys.send[0] = 0; // send and recv must not share memory
  assert.equal(keys.recv[0], 0xa8);
});

test('RFC 3079 3.5: MS-CHAPv2 sample key derivations (40, 56, 128 bits)', () => {
  const master = getMasterKey(ntPasswordHashHash(PASS), NT_RESP);
  assert.equal(hex(master), 'FDECE3717A8C838CB388E527AE3CDD31');
  const send8 = getAsymmetricStartKey(master, 8, true, true);
  assert.equal(hex(send8), '8B7CDC149B993A1B');
  assert.equal(hex(initialSessionKey(send8, 40)), 'D1269EC49FA62E3E');
  assert.equal(hex(initialSessionKey(send8, 56)), 'D15C00C49FA62E3E');
  const send16 = getAsymmetricStartKey(master, 16, true, true);
  assert.equal(hex(send16), '8B7CDC149B993A1BA118CB153F56DCCB');
  assert.equal(hex(initialSessionKey(send16, 128)), '405CB2247A7956E6E211007AE27B22D4');
});

test('MS-CHAPv2 master keys: server send = Magic3 = client recv, and the mirror', () => {
  const server = mppeMasterKeysV2(PASS, NT_RESP, 'server');
  const client = mppeMasterKeysV2(PASS, NT_RESP, 'client');
  assert.equal(hex(server.send), '8B7CDC149B993A1BA118CB153F56DCCB');
  assert.equal(hex(server.recv), 'D5F0E9521E3EA9589645E86051C82226');
  assert.deepEqual(client.send, server.recv);
  assert.deepEqual(client.recv, server.send);
  assert.deepEqual(mppeMasterKeysV2FromHash(ntPasswordHash(PASS), NT_RESP, 'server'), server);
});

test('MPPE rekey (RFC 3078 7.3) changes the key deterministically and keeps the reduction', () => {
  const start = H('8B7CDC149B993A1B');
  const k1 = initialSessionKey(start, 40);
  const k2 = Buffer.from(k1);
  new MppeRekeyer(start, 40).rekey(k2);
  assert.notDeepEqual(k2, k1);
  assert.equal(hex(k2.subarray(0, 3)), 'D1269E');
  const k3 = Buffer.from(k1);
  new MppeRekeyer(start, 40).rekey(k3);
  assert.deepEqual(k3, k2);
});

test('RFC 1994 CHAP-MD5 response', () => {
  assert.equal(hex(chapMd5Response(1, Buffer.from('MyPw'), H('102DB5DF085D3041'))), '8F028814450D66D94C72331EF455A172');
  // An independent vector (node-chap's test data): id 1, "MyPw", 16-octet challenge.
  assert.equal(
    chapMd5Response(1, Buffer.from('MyPw'), H('c49c74a7d3f8fa006ea57190f28ab34c')).toString('base64'),
    'giwrxlSx0Kjb6oc3+73eDg==',
  );
});

test('wrong lengths are programmer errors and throw', () => {
  assert.throws(() => mschapV1Response(Buffer.alloc(7), 'x'), RangeError);
  assert.throws(() => mschapV2NtResponse(Buffer.alloc(15), PEER_CH, USER, PASS), RangeError);
  assert.throws(() => getMasterKey(Buffer.alloc(16), Buffer.alloc(23)), RangeError);
});
