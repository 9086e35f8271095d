/**
 * The TACACS+ test server (test/harness/tacacs-server.ts) proven against two
 * clients this project did not write: Debian's Authen::TacacsPlus (through
 * shared/reference/aaa/tacacs_perl_client.pl) and the independent stdlib
 * RFC 8907 client shared/reference/aaa/tacacs_client.py. The expected
 * answers are what the classic tac_plus gave those same clients (README).
 * Only after this does test/unit/aaa/tacacs test our client against it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startTacacsServer, TAC_PLUS_USERS, type TacacsTestServer } from '../harness/tacacs-server.js';
import { AcctFlags } from '../../src/proto/tacacs/codec.js';

const REF = '/work/shared/reference/aaa';
const PY = `${REF}/tacacs_client.py`;
const PL = `${REF}/tacacs_perl_client.pl`;

function capability(): { ok: boolean; reason?: string } {
  if (!existsSync(PY) || !existsSync(PL)) return { ok: false, reason: `reference clients not found in ${REF}` };
  if (spawnSync('python3', ['--version']).status !== 0) return { ok: false, reason: 'python3 missing' };
  if (spawnSync('perl', ['-MAuthen::TacacsPlus', '-e', '1']).status !== 0) {
    return { ok: false, reason: 'Authen::TacacsPlus missing (scripts/setup.sh installs libauthen-tacacsplus-perl)' };
  }
  return { ok: true };
}
const cap = capability();

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe('TACACS+ test server vs the reference clients', { skip: cap.ok ? false : cap.reason }, () => {
  let srv: TacacsTestServer;
  before(async () => {
    srv = await startTacacsServer({ key: 'cisco', users: TAC_PLUS_USERS });
  });
  after(async () => {
    await srv?.close();
  });
  const py = (...args: string[]) => run('python3', [PY, '--port', String(srv.port), '--key', 'cisco', ...args]);
  const pl = (...args: string[]) => run('perl', [PL, String(srv.port), 'cisco', ...args]);

  it('python client selftest (obfuscation, header layout)', async () => {
    const r = await run('python3', [PY, 'selftest']);
    assert.equal(r.code, 0, r.out);
  });

  it('PAP: pass for cleartext, DES and global secrets, fail for a wrong password (both clients)', async () => {
    for (const [u, p] of [['cisco', 'cisco'], ['john', 'secret'], ['fixed', 'fixed']]) {
      const a = await py('authen', '--type', 'pap', '--user', u!, '--password', p!);
      assert.equal(a.code, 0, `python pap ${u}: ${a.out}`);
      assert.match(a.out, /"status": "pass"/i);
      const b = await pl('pap', u!, p!);
      assert.equal(b.code, 0, `perl pap ${u}: ${b.out}`);
      assert.match(b.out, /^PASS/);
    }
    const bad = await py('authen', '--type', 'pap', '--user', 'cisco', '--password', 'bad', '--expect', 'fail');
    assert.equal(bad.code, 0, bad.out);
    const badPl = await pl('pap', 'john', 'wrong');
    assert.equal(badPl.code, 1, badPl.out);
    assert.match(badPl.out, /^FAIL/);
  });

  it('ASCII login (GETPASS then CONTINUE) and CHAP (both clients)', async () => {
    const a = await py('authen', '--type', 'ascii', '--user', 'john', '--password', 'secret');
    assert.equal(a.code, 0, a.out);
    assert.equal((await pl('ascii', 'cisco', 'cisco')).code, 0);
    assert.equal((await pl('ascii', 'cisco', 'nope')).code, 1);
    const c = await py('authen', '--type', 'chap', '--user', 'john', '--password', 'secret');
    assert.equal(c.code, 0, c.out);
    const cp = await pl('chap', 'cisco', 'cisco');
    assert.equal(cp.code, 0, cp.out);
    const cf = await py('authen', '--type', 'chap', '--user', 'cisco', '--password', 'wrong', '--expect', 'fail');
    assert.equal(cf.code, 0, cf.out);
  });

  it('MS-CHAPv1 fails even with the right password; MS-CHAPv2 is an ERROR (as tac_plus F4.0.4.28)', async () => {
    const v1 = await py('authen', '--type', 'mschap', '--user', 'cisco', '--password', 'cisco', '--expect', 'fail');
    assert.equal(v1.code, 0, v1.out);
    const v2 = await py('authen', '--type', 'mschapv2', '--user', 'cisco', '--password', 'cisco', '--expect', 'error');
    assert.equal(v2.code, 0, v2.out);
    assert.ok(srv.log.includes('choose_authen: unacceptable authen method'));
  });

  it('wrong key: the START does not decode, the server logs it and the reply does not decode either', async () => {
    const r = await run('python3', [PY, '--port', String(srv.port), '--key', 'wrong', 'authen', '--type', 'pap', '--user', 'cisco', '--password', 'cisco']);
    assert.notEqual(r.code, 0, r.out);
    assert.ok(srv.log.includes('Invalid AUTHEN/START packet (check keys)'));
  });

  it('authorization service=ppp protocol=ip: fixed gets addr, cisco passes without args, shell fails', async () => {
    const f = await py('author', '--user', 'fixed', '--arg', 'service=ppp', '--arg', 'protocol=ip');
    assert.equal(f.code, 0, f.out);
    assert.match(f.out, /addr=192\.168\.1\.77/);
    assert.match(f.out, /pass_add/i);
    const c = await py('author', '--user', 'cisco', '--arg', 'service=ppp', '--arg', 'protocol=ip');
    assert.equal(c.code, 0, c.out);
    assert.doesNotMatch(c.out, /addr=/);
    const s = await py('author', '--user', 'cisco', '--arg', 'service=shell', '--expect', 'fail');
    assert.equal(s.code, 0, s.out);
  });

  it('accounting start and stop: SUCCESS and recorded', async () => {
    const before = srv.accounting.length;
    const a = await py('acct', '--user', 'cisco', '--flag', 'start', '--arg', 'task_id=1', '--arg', 'service=ppp');
    assert.equal(a.code, 0, a.out);
    const b = await py('acct', '--user', 'cisco', '--flag', 'stop', '--arg', 'task_id=1', '--arg', 'elapsed_time=5');
    assert.equal(b.code, 0, b.out);
    const got = srv.accounting.slice(before);
    assert.deepEqual(got.map((r) => r.flags), [AcctFlags.Start, AcctFlags.Stop]);
    assert.ok(got[1]!.args.includes('elapsed_time=5'));
  });
});
