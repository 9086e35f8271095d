/**
 * The FreeRADIUS harness, proven with FreeRADIUS's own radclient: PAP accept
 * and reject, reply attributes given by the test, accounting records, and
 * the same inside a test namespace.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { radclientAvailable, startFreeRadius, type FreeRadius } from '../../../src/lab/rig/freeradius.js';
import { runInNetns, withNetns } from '../../../src/lab/rig/netns.js';

const cap = radclientAvailable();

function radclient(server: string, kind: 'auth' | 'acct', secret: string, attrs: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('radclient', ['-x', '-r', '1', '-t', '3', server, kind, secret], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', () => resolve(out));
    c.stdin.end(attrs);
  });
}

describe('FreeRADIUS harness', { skip: cap.ok ? false : cap.reason }, () => {
  let radius: FreeRadius;
  before(async () => {
    radius = await startFreeRadius({
      users: [
        { name: 'cisco', password: 'cisco' },
        { name: 'fixed', password: 'fi"x\\ed', reply: { 'Framed-IP-Address': '192.168.1.77', 'Session-Timeout': 60, Class: 'pptp-test' } },
      ],
    });
  });
  after(async () => {
    await radius?.stop();
  });

  const server = () => `${radius.host}:${radius.authPort}`;

  it('accepts a right PAP password and rejects a wrong one', async () => {
    const ok = await radclient(server(), 'auth', radius.secret, 'User-Name = "cisco", User-Password = "cisco"\n');
    assert.match(ok, /Received Access-Accept/, ok);
    assert.match(ok, /Framed-Protocol = PPP/);
    const bad = await radclient(server(), 'auth', radius.secret, 'User-Name = "cisco", User-Password = "nope"\n');
    assert.match(bad, /Received Access-Reject/, bad);
    const unknown = await radclient(server(), 'auth', radius.secret, 'User-Name = "ghost", User-Password = "cisco"\n');
    assert.match(unknown, /Received Access-Reject/, unknown);
  });

  it('returns the reply attributes the test gave (password with a quote and a backslash)', async () => {
    const r = await radclient(server(), 'auth', radius.secret, 'User-Name = "fixed", User-Password = "fi\\"x\\\\ed"\n');
    assert.match(r, /Received Access-Accept/, r);
    assert.match(r, /Framed-IP-Address = 192\.168\.1\.77/);
    assert.match(r, /Session-Timeout = 60/);
    assert.match(r, /Class = 0x707074702d74657374/); // "pptp-test"
  });

  it('answers accounting and writes the detail record', async () => {
    const r = await radclient(
      `${radius.host}:${radius.acctPort}`,
      'acct',
      radius.secret,
      'User-Name = "cisco", Acct-Status-Type = Start, Acct-Session-Id = "sess-42", Framed-IP-Address = 10.1.1.5\n',
    );
    assert.match(r, /Received Accounting-Response/, r);
    assert.match(radius.accounting(), /Acct-Session-Id = "sess-42"/);
  });

  it('runs inside a test namespace too', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
    await withNetns('radius', async (ns) => {
      const inNs = await startFreeRadius({ netns: ns, users: [{ name: 'john', password: 'secret' }] });
      try {
        const r = await runInNetns(ns, 'radclient', ['-x', '-r', '1', '-t', '3', `127.0.0.1:${inNs.authPort}`, 'auth', inNs.secret], {
          input: 'User-Name = "john", User-Password = "secret"\n',
        });
        assert.match(r.stdout + r.stderr, /Received Access-Accept/);
      } finally {
        await inNs.stop();
      }
    });
  });
});
