/**
 * RadiusAuthenticator against the scripted server: the attributes each PPP
 * method becomes (checked as bytes), and how replies become AuthResults
 * (MS-CHAP2-Success, MPPE keys by both RFC 2548 routes, Framed-IP-Address,
 * timeouts, Class, MS-CHAP-Error). Debug output carries no secrets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { FakeClock } from '../../../../src/util/clock.js';
import { DebugBus } from '../../../../src/debug/bus.js';
import { MemoryUdpNetwork } from '../../../../src/proto/radius/udp.js';
import { RadiusClient, type RadiusServerConfig } from '../../../../src/proto/radius/client.js';
import { RadiusAuthenticator } from '../../../../src/proto/radius/auth.js';
import { attribute, integerAttribute, ipAttribute, unhideUserPassword, vendorAttribute, type AttrSpec } from '../../../../src/proto/radius/codec.js';
import { Attr, Code, MsAttr, VENDOR_MICROSOFT } from '../../../../src/proto/radius/dictionary.js';
import { encryptMppeKeyAttribute, encryptMsChapMppeKeys } from '../../../../src/proto/crypto/radius-keys.js';
import {
  mppeMasterKeysV1,
  mppeMasterKeysV2,
  mschapV1Response,
  mschapV2AuthenticatorResponse,
  mschapV2NtResponse,
  ntPasswordHashHash,
} from '../../../../src/proto/crypto/mschap.js';
import { FakeRadiusServer } from './fake-server.js';
import { CiscoRadiusDebug } from '../../../../src/debug/cisco-radius.js';
import { CiscoAaaDebug } from '../../../../src/debug/cisco-aaa.js';

const SERVER: RadiusServerConfig = { address: '10.0.0.1', secret: 'k3y-s3cret', authPort: 1645, acctPort: 1646, timeoutMs: 5000 };
const PASSWORD = 'pa55-w0rd-xyz';

async function setup() {
  const net = new MemoryUdpNetwork();
  const clock = new FakeClock();
  const debug = new DebugBus();
  const lines: string[] = [];
  debug.enable('radius');
  debug.enable('aaa authentication');
  debug.subscribe((l) => lines.push(l.text));
  const fake = await FakeRadiusServer.start(net, SERVER.address, SERVER.authPort, SERVER.secret);
  const client = new RadiusClient({ servers: [SERVER], clock, udp: net, debug: new CiscoRadiusDebug(debug) });
  const auth = new RadiusAuthenticator({ client, debug: new CiscoAaaDebug(debug), group: 'RADIUS', nasIp: '172.18.124.152' });
  return { net, clock, fake, client, auth, lines };
}

const ms = (name: string, v: Buffer): AttrSpec => ['Vendor-Specific', VENDOR_MICROSOFT, name, v];

describe('RadiusAuthenticator: requests', () => {
  it('PAP: User-Password hidden with the secret and Request Authenticator, NAS attributes, Message-Authenticator', async () => {
    const { fake, auth, client, lines } = await setup();
    fake.respond = () => ({ code: Code.AccessAccept });
    const r = await auth.authenticate(
      { method: 'pap', username: 'cisco', password: PASSWORD },
      { callingStationId: '161.44.17.104', acctSessionId: '0000000D', nasPort: 1 },
    );
    assert.deepEqual(r, { ok: true, username: 'cisco' });
    const req = fake.received[0]!;
    assert.equal(req.ma, 'ok');
    const hidden = attribute(req.packet, Attr.UserPassword)!;
    assert.equal(hidden.length, 16);
    assert.ok(!hidden.includes(Buffer.from(PASSWORD)));
    assert.equal(unhideUserPassword(hidden, SERVER.secret, req.packet.authenticator)!.toString(), PASSWORD);
    assert.equal(ipAttribute(req.packet, Attr.NasIpAddress), '172.18.124.152');
    assert.equal(integerAttribute(req.packet, Attr.NasPortType), 5);
    assert.equal(integerAttribute(req.packet, Attr.ServiceType), 2);
    assert.equal(integerAttribute(req.packet, Attr.FramedProtocol), 1);
    assert.equal(integerAttribute(req.packet, Attr.NasPort), 1);
    assert.equal(attribute(req.packet, Attr.CallingStationId)?.toString(), '161.44.17.104');
    assert.equal(attribute(req.packet, Attr.AcctSessionId)?.toString(), '0000000D');
    const text = lines.join('\n');
    assert.ok(!text.includes(PASSWORD) && !text.includes(SERVER.secret), 'no password or secret in debug output');
    assert.match(text, /User-Password\s+\[2\]\s+18\s+\*/);
    assert.match(text, /AAA\/AUTHEN\/PPP: user 'cisco' status = PASS/);
    client.close();
  });

  it('CHAP: CHAP-Password = Ident | Response, CHAP-Challenge = our challenge', async () => {
    const { fake, auth, client } = await setup();
    fake.respond = () => ({ code: Code.AccessReject, attributes: [['Reply-Message', 'Access denied']] });
    const challenge = randomBytes(16);
    const response = createHash('md5').update(Buffer.from([7])).update(PASSWORD).update(challenge).digest();
    const r = await auth.authenticate({ method: 'chap', username: 'cisco', id: 7, challenge, response });
    assert.deepEqual(r, { ok: false, reason: 'denied', message: 'Access denied' });
    const p = fake.received[0]!.packet;
    assert.deepEqual(attribute(p, Attr.ChapPassword), Buffer.concat([Buffer.from([7]), response]));
    assert.deepEqual(attribute(p, Attr.ChapChallenge), challenge);
    assert.equal(attribute(p, Attr.UserPassword), undefined);
    client.close();
  });

  it('MS-CHAPv1: MS-CHAP-Challenge + MS-CHAP-Response (Flags 1, NT-Response at 26); keys from MS-CHAP-MPPE-Keys', async () => {
    const { fake, auth, client } = await setup();
    const challenge = randomBytes(8);
    const nt = mschapV1Response(challenge, PASSWORD);
    fake.respond = (req) => ({
      code: Code.AccessAccept,
      attributes: [ms('MS-CHAP-MPPE-Keys', encryptMsChapMppeKeys(Buffer.alloc(8), ntPasswordHashHash(PASSWORD), SERVER.secret, req.authenticator))],
    });
    const r = await auth.authenticate({ method: 'mschap', username: 'cisco', challenge, ntResponse: nt });
    const p = fake.received[0]!.packet;
    assert.deepEqual(vendorAttribute(p, VENDOR_MICROSOFT, MsAttr.ChapChallenge), challenge);
    const resp = vendorAttribute(p, VENDOR_MICROSOFT, MsAttr.ChapResponse)!;
    assert.equal(resp.length, 50);
    assert.equal(resp[1], 1);
    assert.deepEqual(resp.subarray(26), nt);
    assert.ok(r.ok);
    assert.deepEqual(r.mppe, mppeMasterKeysV1(PASSWORD, 'server', challenge));
    client.close();
  });

  it('MS-CHAPv2: MS-CHAP2-Response layout; S= and Send/Recv keys (RFC 2548 salts) in the result', async () => {
    const { fake, auth, client } = await setup();
    const ac = randomBytes(16);
    const pc = randomBytes(16);
    const nt = mschapV2NtResponse(ac, pc, 'cisco', PASSWORD);
    const keys = mppeMasterKeysV2(PASSWORD, nt, 'server');
    const s = mschapV2AuthenticatorResponse(PASSWORD, nt, pc, ac, 'cisco');
    fake.respond = (req) => ({
      code: Code.AccessAccept,
      attributes: [
        ms('MS-CHAP2-Success', Buffer.concat([Buffer.from([0]), Buffer.from(s)])),
        ms('MS-MPPE-Send-Key', encryptMppeKeyAttribute(keys.send, SERVER.secret, req.authenticator)),
        ms('MS-MPPE-Recv-Key', encryptMppeKeyAttribute(keys.recv, SERVER.secret, req.authenticator)),
        ['Framed-IP-Address', '192.168.1.77'],
        ['Session-Timeout', 60],
        ['Idle-Timeout', 30],
        ['Class', Buffer.from('pptp-test')],
      ],
    });
    const r = await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge: ac, peerChallenge: pc, ntResponse: nt });
    const p = fake.received[0]!.packet;
    const resp = vendorAttribute(p, VENDOR_MICROSOFT, MsAttr.Chap2Response)!;
    assert.deepEqual(resp.subarray(2, 18), pc);
    assert.deepEqual(resp.subarray(18, 26), Buffer.alloc(8));
    assert.deepEqual(resp.subarray(26), nt);
    assert.deepEqual(vendorAttribute(p, VENDOR_MICROSOFT, MsAttr.ChapChallenge), ac);
    assert.deepEqual(r, {
      ok: true,
      username: 'cisco',
      authenticatorResponse: s,
      mppe: keys,
      framedIp: '192.168.1.77',
      sessionTimeout: 60,
      idleTimeout: 30,
      class: Buffer.from('pptp-test'),
    });
    client.close();
  });

  it('MS-CHAPv2 Access-Accept without MPPE attributes: ok, no keys (the PPP layer decides 403110)', async () => {
    const { fake, auth, client } = await setup();
    const ac = randomBytes(16);
    const pc = randomBytes(16);
    const nt = mschapV2NtResponse(ac, pc, 'cisco', PASSWORD);
    const s = mschapV2AuthenticatorResponse(PASSWORD, nt, pc, ac, 'cisco');
    fake.respond = () => ({ code: Code.AccessAccept, attributes: [ms('MS-CHAP2-Success', Buffer.concat([Buffer.from([1]), Buffer.from(s)]))] });
    const r = await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge: ac, peerChallenge: pc, ntResponse: nt });
    assert.deepEqual(r, { ok: true, username: 'cisco', authenticatorResponse: s });
    client.close();
  });

  it('MS-CHAPv2 key attributes that do not decode (salt MSB clear, ragged length) are dropped, not used', async () => {
    const { fake, auth, client } = await setup();
    const ac = randomBytes(16);
    const pc = randomBytes(16);
    const nt = mschapV2NtResponse(ac, pc, 'cisco', PASSWORD);
    const s = mschapV2AuthenticatorResponse(PASSWORD, nt, pc, ac, 'cisco');
    fake.respond = (req) => ({
      code: Code.AccessAccept,
      attributes: [
        ms('MS-CHAP2-Success', Buffer.concat([Buffer.from([1]), Buffer.from(s)])),
        ms('MS-MPPE-Send-Key', Buffer.concat([Buffer.from([0x00, 1]), randomBytes(32)])),
        ms('MS-MPPE-Recv-Key', Buffer.concat([Buffer.from([0x80, 2]), randomBytes(31)])),
      ],
    });
    const r = await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge: ac, peerChallenge: pc, ntResponse: nt });
    assert.deepEqual(r, { ok: true, username: 'cisco', authenticatorResponse: s });
    client.close();
  });

  it('Access-Reject with MS-CHAP-Error passes the text through; an Accept without S= for MS-CHAPv2 is refused', async () => {
    const { fake, auth, client } = await setup();
    const err = 'E=691 R=1 C=00112233445566778899aabbccddeeff V=3 M=Authentication rejected';
    fake.respond = () => ({ code: Code.AccessReject, attributes: [ms('MS-CHAP-Error', Buffer.concat([Buffer.from([1]), Buffer.from(err)]))] });
    const req = { method: 'mschap-v2' as const, username: 'cisco', authChallenge: randomBytes(16), peerChallenge: randomBytes(16), ntResponse: randomBytes(24) };
    assert.deepEqual(await auth.authenticate(req), { ok: false, reason: 'denied', message: err });
    fake.respond = () => ({ code: Code.AccessAccept });
    const r = await auth.authenticate(req);
    assert.equal(r.ok, false);
    client.close();
  });

  it('no answer at all: unreachable after 4 tries', async () => {
    const { net, clock, auth, client, lines } = await setup();
    let result: unknown;
    void auth.authenticate({ method: 'pap', username: 'cisco', password: PASSWORD }).then((r) => (result = r));
    for (let i = 0; i < 4; i++) {
      await net.flush();
      clock.advance(5000);
    }
    await net.flush();
    assert.deepEqual(result, { ok: false, reason: 'unreachable', unanswered: ['10.0.0.1'] });
    assert.match(lines.join('\n'), /status = ERROR/);
    client.close();
  });

  it('Framed-Pool, Acct-Interim-Interval and a Framed-IP-Address of 0.0.0.0 reach the server, which decides', async () => {
    const { fake, auth, client } = await setup();
    fake.respond = () => ({
      code: Code.AccessAccept,
      attributes: [['Framed-IP-Address', '0.0.0.0'], ['Framed-Pool', 'radpool'], ['Acct-Interim-Interval', 600]],
    });
    const r = await auth.authenticate({ method: 'pap', username: 'cisco', password: PASSWORD });
    assert.deepEqual(r, { ok: true, username: 'cisco', framedIp: '0.0.0.0', framedPool: 'radpool', acctInterimInterval: 600 });
    client.close();
  });

  it('Framed-IP-Address 255.255.255.254 (NAS assigns) leaves the pool in charge', async () => {
    const { fake, auth, client } = await setup();
    fake.respond = () => ({ code: Code.AccessAccept, attributes: [['Framed-IP-Address', '255.255.255.254']] });
    const r = await auth.authenticate({ method: 'pap', username: 'cisco', password: PASSWORD });
    assert.deepEqual(r, { ok: true, username: 'cisco' });
    client.close();
  });
});
