/**
 * Our RADIUS client against a real FreeRADIUS 3 (Debian's package) started
 * by the test on loopback: PAP, CHAP, MS-CHAPv1 and MS-CHAPv2 with the MPPE
 * keys compared to what src/server/crypto computes locally, rejects, a user
 * without MPPE keys, Framed-IP-Address, Session-/Idle-Timeout and Class,
 * accounting records in the detail file, failover when one of two servers is
 * stopped mid-run, and Disconnect-Requests from FreeRADIUS's own radclient to
 * our listener (right key: Disconnect-ACK; wrong key: no answer).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { radclientAvailable, startFreeRadius, type FreeRadius, type RadiusUser } from '../../src/lab/rig/freeradius.js';
import { DebugBus } from '../../src/debug/bus.js';
import { systemClock } from '../../src/util/clock.js';
import { nodeUdp } from '../../src/proto/radius/udp.js';
import { RadiusClient, type RadiusServerConfig } from '../../src/proto/radius/client.js';
import { RadiusAuthenticator } from '../../src/proto/radius/auth.js';
import { RadiusAccounting, type SessionCounters } from '../../src/proto/radius/accounting.js';
import { DynAuthServer } from '../../src/proto/radius/dynauth.js';
import {
  chapMd5Response,
  mppeMasterKeysV1,
  mppeMasterKeysV2,
  mschapV1Response,
  mschapV2AuthenticatorResponse,
  mschapV2NtResponse,
} from '../../src/proto/crypto/mschap.js';
import { CiscoRadiusDebug } from '../../src/debug/cisco-radius.js';
import { CiscoAaaDebug } from '../../src/debug/cisco-aaa.js';

const cap = radclientAvailable();

const USERS: RadiusUser[] = [
  { name: 'cisco', password: 'cisco' },
  { name: 'nokeys', password: 'nokeys', noMppe: true },
  { name: 'fixed', password: 'fixed', reply: { 'Framed-IP-Address': '192.168.1.77' } },
  { name: 'limited', password: 'limited', reply: { 'Session-Timeout': 60, 'Idle-Timeout': 30, Class: 'pptp-test' } },
];

function serverOf(r: FreeRadius, timeoutMs = 2000): RadiusServerConfig {
  return { address: r.host, secret: r.secret, authPort: r.authPort, acctPort: r.acctPort, timeoutMs };
}

function v2(user: string, password: string) {
  const authChallenge = randomBytes(16);
  const peerChallenge = randomBytes(16);
  const ntResponse = mschapV2NtResponse(authChallenge, peerChallenge, user, password);
  return { method: 'mschap-v2' as const, username: user, authChallenge, peerChallenge, ntResponse };
}

function radclient(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', () => resolve(out));
    c.stdin.end(input);
  });
}

describe('RADIUS client against FreeRADIUS', { skip: cap.ok ? false : cap.reason }, () => {
  let radius: FreeRadius;
  let client: RadiusClient;
  let auth: RadiusAuthenticator;
  const debug = new DebugBus();
  const lines: string[] = [];

  before(async () => {
    radius = await startFreeRadius({ users: USERS });
    debug.enable('radius');
    debug.enable('aaa authentication');
    debug.enable('aaa accounting');
    debug.subscribe((l) => lines.push(l.text));
    client = new RadiusClient({ servers: [serverOf(radius)], clock: systemClock, udp: nodeUdp, debug: new CiscoRadiusDebug(debug), bindAddress: '127.0.0.1' });
    auth = new RadiusAuthenticator({ client, debug: new CiscoAaaDebug(debug), group: 'RADIUS', nasIp: '127.0.0.1' });
  });
  after(async () => {
    client?.close();
    await radius?.stop();
  });

  it('PAP: accept, and reject for a wrong password or unknown user', async () => {
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' }), { ok: true, username: 'cisco' });
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'cisco', password: 'wrong' }), { ok: false, reason: 'denied' });
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'ghost', password: 'cisco' }), { ok: false, reason: 'denied' });
  });

  it('CHAP: accept and reject', async () => {
    const challenge = randomBytes(16);
    const ok = await auth.authenticate({ method: 'chap', username: 'cisco', id: 3, challenge, response: chapMd5Response(3, Buffer.from('cisco'), challenge) });
    assert.deepEqual(ok, { ok: true, username: 'cisco' });
    const bad = await auth.authenticate({ method: 'chap', username: 'cisco', id: 3, challenge, response: chapMd5Response(3, Buffer.from('nope'), challenge) });
    assert.equal(bad.ok, false);
  });

  it('MS-CHAPv1: accept with MS-CHAP-MPPE-Keys giving the locally computed RFC 3079 key; reject with E=691', async () => {
    const challenge = randomBytes(8);
    const r = await auth.authenticate({ method: 'mschap', username: 'cisco', challenge, ntResponse: mschapV1Response(challenge, 'cisco') });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.mppe, mppeMasterKeysV1('cisco', 'server', challenge));
    const bad = await auth.authenticate({ method: 'mschap', username: 'cisco', challenge, ntResponse: mschapV1Response(challenge, 'other') });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.message ?? '', /^E=691 R=1 C=[0-9a-fA-F]+ V=2/);
  });

  it('MS-CHAPv2: S= and MS-MPPE-Send/Recv-Key equal to the local computation; reject with E=691', async () => {
    const req = v2('cisco', 'cisco');
    const r = await auth.authenticate(req, { callingStationId: '127.0.0.1', acctSessionId: 'e2e-1' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.authenticatorResponse, mschapV2AuthenticatorResponse('cisco', req.ntResponse, req.peerChallenge, req.authChallenge, 'cisco'));
    assert.deepEqual(r.mppe, mppeMasterKeysV2('cisco', req.ntResponse, 'server'));
    const bad = await auth.authenticate(v2('cisco', 'wrong'));
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.reason, 'denied');
      assert.match(bad.message ?? '', /^E=691 R=1 C=[0-9a-fA-F]{32} V=3 M=Authentication rejected$/);
    }
  });

  it('nokeys: Access-Accept with MS-CHAP2-Success but no MPPE keys', async () => {
    const req = v2('nokeys', 'nokeys');
    const r = await auth.authenticate(req);
    assert.ok(r.ok);
    assert.equal(r.mppe, undefined);
    assert.equal(r.authenticatorResponse, mschapV2AuthenticatorResponse('nokeys', req.ntResponse, req.peerChallenge, req.authChallenge, 'nokeys'));
  });

  it('fixed and limited: Framed-IP-Address, Session-Timeout, Idle-Timeout, Class', async () => {
    const f = await auth.authenticate({ method: 'pap', username: 'fixed', password: 'fixed' });
    assert.ok(f.ok);
    assert.equal(f.framedIp, '192.168.1.77');
    const l = await auth.authenticate(v2('limited', 'limited'));
    assert.ok(l.ok);
    assert.equal(l.sessionTimeout, 60);
    assert.equal(l.idleTimeout, 30);
    assert.equal(l.class?.toString(), 'pptp-test');
  });

  it('debug output carries no password, secret or key', () => {
    const text = lines.join('\n');
    assert.ok(text.includes('RADIUS: Received from id'), 'debug radius was on');
    assert.ok(!text.includes(radius.secret));
    assert.ok(!/"cisco"\s*$/m.test(text.split('\n').filter((l) => /User-Password/.test(l)).join('\n')));
    assert.ok(lines.filter((l) => /User-Password|MS-MPPE-(Send|Recv)-Key|MS-CHAP2-Response|MS-CHAP-MPPE-Keys/.test(l)).every((l) => l.endsWith('*')));
  });

  it('accounting Start, Interim-Update and Stop land in the detail file with Class echoed', async () => {
    const acct = new RadiusAccounting({ client, clock: systemClock, debug: new CiscoAaaDebug(debug), nasIp: '127.0.0.1' });
    const counters: SessionCounters = { inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0 };
    const s = {
      sessionId: `e2e-${process.pid}`,
      username: 'limited',
      startedAt: systemClock.now() - 5000,
      framedIp: '192.168.1.5',
      callingStationId: '127.0.0.1',
      class: Buffer.from('pptp-test'),
      counters: () => counters,
    };
    acct.start(s);
    Object.assign(counters, { inputOctets: 3469, outputOctets: 394, inputPackets: 35, outputPackets: 12 });
    acct.interim(s);
    Object.assign(counters, { inputOctets: 2 ** 32 + 10, outputOctets: 500, inputPackets: 40, outputPackets: 14 });
    acct.stop(s, 'Admin-Reset');
    await acct.idle();
    assert.equal(acct.stats().acknowledged, 3);
    const detail = radius.accounting();
    const records = detail.split(/\n\n+/).filter((r) => r.includes(s.sessionId));
    assert.equal(records.length, 3, detail);
    assert.match(records[0]!, /Acct-Status-Type = Start/);
    assert.match(records[1]!, /Acct-Status-Type = Interim-Update/);
    assert.match(records[1]!, /Acct-Input-Octets = 3469/);
    assert.match(records[2]!, /Acct-Status-Type = Stop/);
    assert.match(records[2]!, /Acct-Terminate-Cause = Admin-Reset/);
    assert.match(records[2]!, /Acct-Input-Gigawords = 1/);
    assert.match(records[2]!, /Acct-Input-Octets = 10/);
    assert.match(records[2]!, /Acct-Session-Time = [5-9]/);
    for (const r of records) {
      assert.match(r, /Class = 0x707074702d74657374/);
      assert.match(r, /Framed-IP-Address = 192\.168\.1\.5/);
      assert.match(r, /NAS-Port-Type = Virtual/);
    }
    acct.close();
  });
});

describe('RADIUS failover between two FreeRADIUS servers', { skip: cap.ok ? false : cap.reason }, () => {
  let a: FreeRadius | undefined;
  let b: FreeRadius | undefined;
  after(async () => {
    await a?.stop();
    await b?.stop();
  });

  it('moves to the second server when the first is stopped, then skips the dead one', async () => {
    a = await startFreeRadius({ users: USERS });
    b = await startFreeRadius({ users: USERS });
    const client = new RadiusClient({
      servers: [serverOf(a, 300), serverOf(b, 300)],
      clock: systemClock,
      udp: nodeUdp,
      debug: new CiscoRadiusDebug(new DebugBus()),
      tries: 2,
      maxFailedAttempts: 1,
      deadtimeMs: 60_000,
      bindAddress: '127.0.0.1',
    });
    try {
      const auth = new RadiusAuthenticator({ client, debug: new CiscoAaaDebug(new DebugBus()), group: 'G' });
      const pap = { method: 'pap' as const, username: 'cisco', password: 'cisco' };
      assert.deepEqual(await auth.authenticate(pap), { ok: true, username: 'cisco' });
      let st = client.stats().servers;
      assert.equal(st[0]!.accepts, 1);
      assert.equal(st[1]!.authRequests, 0);
      await a.stop();
      a = undefined;
      const t0 = performance.now();
      const r = await auth.authenticate(v2('cisco', 'cisco'));
      const took = performance.now() - t0;
      assert.ok(r.ok && r.mppe, 'answered by the second server, keys included');
      assert.ok(took >= 550, `waited for the dead server's two tries (${took} ms)`);
      st = client.stats().servers;
      assert.equal(st[0]!.timeouts, 1);
      assert.equal(st[0]!.retransmits, 1);
      assert.equal(st[0]!.status, 'FAILED');
      assert.equal(st[1]!.accepts, 1);
      const t1 = performance.now();
      assert.deepEqual(await auth.authenticate(pap), { ok: true, username: 'cisco' });
      assert.ok(performance.now() - t1 < 250, 'dead server skipped, no wait');
      assert.equal(client.stats().servers[0]!.authRequests, 2);
    } finally {
      client.close();
    }
  });
});

describe('Disconnect-Request from radclient to our listener', { skip: cap.ok ? false : cap.reason }, () => {
  it('answers Disconnect-ACK to the right key and ignores a wrong one', async () => {
    const ended: string[] = [];
    const server = await DynAuthServer.listen<string>({
      udp: nodeUdp,
      bindAddress: '127.0.0.1',
      port: 0,
      clients: [{ address: '127.0.0.1', secret: 'dyn-e2e' }],
      clock: systemClock,
      debug: new CiscoRadiusDebug(new DebugBus()),
      callbacks: {
        findSessions: (q) => (q.acctSessionId === '0000000D' ? ['call-13'] : []),
        disconnect: (h) => (ended.push(h), true),
      },
    });
    try {
      const target = `127.0.0.1:${server.port}`;
      const ok = await radclient(['-x', '-r', '1', '-t', '2', target, 'disconnect', 'dyn-e2e'], 'Acct-Session-Id = "0000000D"\nUser-Name = "cisco"\n');
      assert.match(ok, /Received Disconnect-ACK/, ok);
      assert.deepEqual(ended, ['call-13']);
      const nak = await radclient(['-x', '-r', '1', '-t', '2', target, 'disconnect', 'dyn-e2e'], 'Acct-Session-Id = "nope"\n');
      assert.match(nak, /Received Disconnect-NAK/, nak);
      assert.match(nak, /Error-Cause = Session-Context-Not-Found/, nak);
      const bad = await radclient(['-x', '-r', '1', '-t', '1', target, 'disconnect', 'wrong-key'], 'Acct-Session-Id = "0000000D"\n');
      assert.doesNotMatch(bad, /Received Disconnect/, bad);
      assert.deepEqual(ended, ['call-13']);
      const st = server.stats();
      assert.equal(st.disconnectAcks, 1);
      assert.equal(st.disconnectNaks, 1);
      assert.ok(st.badAuthenticators >= 1);
    } finally {
      server.close();
    }
  });
});
