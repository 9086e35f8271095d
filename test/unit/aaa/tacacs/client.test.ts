/**
 * Our TACACS+ client and authenticator against the test server (itself
 * proven against Authen::TacacsPlus and tacacs_client.py in
 * test/e2e/tacacs-reference-clients.test.ts), on loopback TCP: PAP and CHAP,
 * authorization with addr, MS-CHAP refused, wrong key, accounting,
 * per-request and single-connection modes, timeouts and failover.
 * Plus codec checks: obfuscation is an involution keyed by session/seq, and
 * decoders reject every truncation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import fc from 'fast-check';
import { DebugBus } from '../../../../src/debug/bus.js';
import { CiscoTacacsDebug } from '../../../../src/debug/cisco-tacacs.js';
import { systemClock } from '../../../../src/util/clock.js';
import { TacacsClient, type TacacsServerConfig } from '../../../../src/proto/tacacs/client.js';
import { TacacsAccounting, TacacsAuthenticator } from '../../../../src/proto/tacacs/auth.js';
import { nodeTcp } from '../../../../src/proto/tacacs/tcp.js';
import {
  AcctFlags,
  decodeAcctReply,
  decodeAuthenReply,
  decodeAuthenStart,
  decodeAuthorReply,
  decodeAuthorRequest,
  encodeAuthenStart,
  encodeAuthorReply,
  encodeAuthorRequest,
  obfuscate,
} from '../../../../src/proto/tacacs/codec.js';
import { startTacacsServer, TAC_PLUS_USERS, type TacacsTestServer } from '../../../harness/tacacs-server.js';

function chap(id: number, password: string) {
  const challenge = randomBytes(16);
  const response = createHash('md5').update(Buffer.from([id])).update(password).update(challenge).digest();
  return { method: 'chap' as const, username: '', id, challenge, response };
}

function setup(servers: TacacsServerConfig[], opts: { singleConnection?: boolean; maxFailedAttempts?: number } = {}) {
  const debug = new DebugBus();
  const lines: string[] = [];
  debug.enable('tacacs');
  debug.enable('aaa authentication');
  debug.subscribe((l) => lines.push(l.text));
  const tacacsDebug = new CiscoTacacsDebug(debug);
  const client = new TacacsClient({ servers, clock: systemClock, tcp: nodeTcp, debug: tacacsDebug, ...opts });
  const auth = new TacacsAuthenticator({ client, debug: tacacsDebug, group: 'TACACS+' });
  return { client, auth, debug, lines };
}

describe('TACACS+ client against the test server', () => {
  let srv: TacacsTestServer;
  let cfg: TacacsServerConfig;
  before(async () => {
    srv = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS });
    cfg = { address: '127.0.0.1', port: srv.port, key: 'cisco', timeoutMs: 3000 };
  });
  after(async () => {
    await srv?.close();
  });

  it('PAP: pass (cleartext, DES), fail for a wrong password; authorization runs after the pass', async () => {
    const { client, auth, lines } = setup([cfg]);
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' }), { ok: true, username: 'cisco' });
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'fixed', password: 'fixed' }), { ok: true, username: 'fixed', framedIp: '192.168.1.77' });
    assert.deepEqual(await auth.authenticate({ method: 'pap', username: 'cisco', password: 'nope' }), { ok: false, reason: 'denied' });
    // john passes PAP (DES) but has no ppp service: authorization refuses him
    const john = await auth.authenticate({ method: 'pap', username: 'john', password: 'secret' });
    assert.equal(john.ok, false);
    assert.ok(srv.log.includes('john authen type 2: PASS'));
    assert.ok(srv.log.includes('john author service=ppp protocol=ip: FAIL'));
    const text = lines.join('\n');
    assert.match(text, /TPLUS: Received authen response status PASS \(1\)/);
    assert.match(text, /TPLUS: Received author response status PASS_ADD args addr=192\.168\.1\.77/);
    assert.ok(!text.includes('cisco\u0000') && !/secret|password: cisco/i.test(text.replace(/Authentication start packet created for user '\w+' type PAP/g, '')));
    client.close();
  });

  it('CHAP: pass with the cleartext secret, fail with a wrong one', async () => {
    const { client, auth } = setup([cfg]);
    const ok = await auth.authenticate({ ...chap(9, 'cisco'), username: 'cisco' });
    assert.deepEqual(ok, { ok: true, username: 'cisco' });
    const bad = await auth.authenticate({ ...chap(9, 'wrong'), username: 'cisco' });
    assert.equal(bad.ok, false);
    client.close();
  });

  it('MS-CHAP is refused without asking (TACACS+ cannot return MPPE keys)', async () => {
    const { client, auth } = setup([cfg]);
    const before = srv.connections();
    const r = await auth.authenticate({ method: 'mschap-v2', username: 'cisco', authChallenge: randomBytes(16), peerChallenge: randomBytes(16), ntResponse: randomBytes(24) });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.reason, 'unsupported');
    assert.equal(srv.connections(), before);
    client.close();
  });

  it('a wrong key: the server cannot read us, we cannot read it: unreachable, counted as malformed', async () => {
    const { client, auth } = setup([{ ...cfg, key: 'wrong' }]);
    const r = await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' });
    assert.deepEqual(r, { ok: false, reason: 'unreachable' });
    assert.ok(srv.log.includes('Invalid AUTHEN/START packet (check keys)'));
    client.close();
  });

  it('per-request mode opens one connection per exchange', async () => {
    const { client, auth } = setup([cfg]);
    const before = srv.connections();
    await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' });
    assert.equal(srv.connections() - before, 2, 'authentication + authorization');
    assert.equal(client.stats()[0]!.singleConnection, false);
    client.close();
  });

  it('accounting START / WATCHDOG / STOP with PPP arguments', async () => {
    const { client, debug } = setup([cfg]);
    const acct = new TacacsAccounting({ client, clock: systemClock, debug: new CiscoTacacsDebug(debug) });
    const s = {
      sessionId: '0000000D',
      username: 'cisco',
      startedAt: systemClock.now() - 3000,
      framedIp: '192.168.1.1',
      callingStationId: '161.44.17.104',
      nasPort: 1,
      counters: () => ({ inputOctets: 3469, outputOctets: 394, inputPackets: 35, outputPackets: 12 }),
    };
    const before = srv.accounting.length;
    assert.equal(await acct.start(s), true);
    assert.equal(await acct.interim(s), true);
    assert.equal(await acct.stop(s, 'User-Request'), true);
    const got = srv.accounting.slice(before);
    assert.deepEqual(got.map((r) => r.flags), [AcctFlags.Start, AcctFlags.Watchdog, AcctFlags.Stop]);
    assert.equal(got[0]!.user, 'cisco');
    assert.equal(got[0]!.remAddr, '161.44.17.104');
    assert.equal(got[0]!.port, 'Virtual1');
    assert.ok(got[0]!.args.includes('service=ppp') && got[0]!.args.includes('addr=192.168.1.1'));
    const taskId = got[0]!.args.find((a) => a.startsWith('task_id='));
    assert.ok(got.every((r) => r.args.includes(taskId!)), 'one task_id for the session');
    assert.ok(got[2]!.args.includes('bytes_in=3469') && got[2]!.args.includes('paks_out=12'));
    assert.ok(got[2]!.args.some((a) => /^elapsed_time=[3-9]$/.test(a)));
    assert.deepEqual(acct.stats(), { sent: 3, acknowledged: 3, failed: 0 });
    client.close();
  });
});

describe('TACACS+ single-connection mode', () => {
  it('keeps one connection for many sessions when the server agrees', async () => {
    const srv = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS, singleConnect: true });
    const { client, auth } = setup([{ address: '127.0.0.1', port: srv.port, key: 'cisco', timeoutMs: 3000 }], { singleConnection: true });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' })).ok, true);
      const r = await Promise.all([1, 2, 3, 4].map(() => auth.authenticate({ method: 'pap', username: 'fixed', password: 'fixed' })));
      assert.ok(r.every((x) => x.ok && x.framedIp === '192.168.1.77'));
      assert.ok(srv.connections() <= 2, `connections: ${srv.connections()}`);
      assert.equal(client.stats()[0]!.singleConnection, true);
    } finally {
      client.close();
      await srv.close();
    }
  });

  it('falls back to per-request connections when the server does not echo the flag', async () => {
    const srv = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS });
    const { client, auth } = setup([{ address: '127.0.0.1', port: srv.port, key: 'cisco', timeoutMs: 3000 }], { singleConnection: true });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' })).ok, true);
      assert.equal(srv.connections(), 4);
    } finally {
      client.close();
      await srv.close();
    }
  });
});

describe('TACACS+ timeouts and failover', () => {
  it('a silent server times out after its timeout, the next one answers; refused connections fail over at once', async () => {
    const silent = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS, silent: true });
    const good = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS });
    // a port with nothing listening
    const tmp: Server = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', () => r()));
    const closedPort = (tmp.address() as { port: number }).port;
    await new Promise<void>((r) => tmp.close(() => r()));
    const { client, auth } = setup(
      [
        { address: '127.0.0.1', port: closedPort, key: 'cisco', timeoutMs: 300 },
        { address: '127.0.0.1', port: silent.port, key: 'cisco', timeoutMs: 300 },
        { address: '127.0.0.1', port: good.port, key: 'cisco', timeoutMs: 3000 },
      ],
      { maxFailedAttempts: 1 },
    );
    try {
      const t0 = performance.now();
      const r = await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' });
      const took = performance.now() - t0;
      assert.equal(r.ok, true);
      assert.ok(took >= 290 && took < 2500, `one timeout's worth of waiting: ${took} ms`);
      const st = client.stats();
      assert.equal(st[0]!.connectFailures, 1);
      assert.equal(st[1]!.timeouts, 1);
      assert.equal(st[0]!.status, 'FAILED');
      assert.equal(st[1]!.status, 'FAILED');
      const t1 = performance.now();
      assert.equal((await auth.authenticate({ method: 'pap', username: 'cisco', password: 'cisco' })).ok, true);
      assert.ok(performance.now() - t1 < 250, 'dead servers skipped');
    } finally {
      client.close();
      await silent.close();
      await good.close();
    }
  });
});

describe('TACACS+ codec', () => {
  it('obfuscation is its own inverse and depends on session id, key, version and seq', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffffffff }), fc.string({ minLength: 1 }), (body, sessionId, key) => {
        const b = Buffer.from(body);
        const h = { sessionId, version: 0xc1, seq: 1 };
        const x = obfuscate(b, h, key);
        assert.deepEqual(obfuscate(x, h, key), b);
        if (b.length >= 16) {
          assert.notDeepEqual(obfuscate(b, { ...h, seq: 3 }, key), x);
          assert.notDeepEqual(obfuscate(b, h, `${key}x`), x);
        }
      }),
    );
  });

  it('decoders accept the encoded bodies and reject every truncation and extension', () => {
    const start = encodeAuthenStart({ action: 1, privLvl: 1, authenType: 2, service: 3, user: Buffer.from('cisco'), port: Buffer.from('Virtual1'), remAddr: Buffer.from('161.44.17.104'), data: Buffer.from('pw') });
    const author = encodeAuthorRequest({ authenMethod: 6, privLvl: 1, authenType: 2, service: 3, user: Buffer.from('cisco'), port: Buffer.alloc(0), remAddr: Buffer.alloc(0), args: ['service=ppp', 'protocol=ip'] });
    const areply = encodeAuthorReply({ status: 1, args: ['addr=192.168.1.77'], serverMsg: Buffer.from('hi'), data: Buffer.alloc(0) });
    assert.equal(decodeAuthenStart(start)?.user.toString(), 'cisco');
    assert.deepEqual(decodeAuthorRequest(author)?.args, ['service=ppp', 'protocol=ip']);
    assert.deepEqual(decodeAuthorReply(areply)?.args, ['addr=192.168.1.77']);
    for (const [b, dec] of [
      [start, decodeAuthenStart],
      [author, decodeAuthorRequest],
      [areply, decodeAuthorReply],
    ] as const) {
      for (let n = 0; n < b.length; n++) assert.equal((dec as (x: Buffer) => unknown)(b.subarray(0, n)), undefined, `truncated at ${n}`);
      assert.equal((dec as (x: Buffer) => unknown)(Buffer.concat([b, Buffer.from([0])])), undefined);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (x) => {
        const b = Buffer.from(x);
        decodeAuthenReply(b);
        decodeAuthorReply(b);
        decodeAcctReply(b);
        decodeAuthenStart(b);
        decodeAuthorRequest(b);
      }),
    );
  });
});
