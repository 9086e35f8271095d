/**
 * Secrets never leak: sessions with every authentication method (local
 * PAP, CHAP, MS-CHAP, MS-CHAPv2 with MPPE 128; PAP and CHAP through a
 * RADIUS group; PAP and CHAP through a TACACS+ group), right and wrong
 * passwords, with every debug category on. Every debug and syslog line,
 * the `show vpdn` / `show aaa-server` output, the status JSON and
 * `show running-config` are searched for each password, each key, the
 * NT hashes and the MPPE master keys, as text, hex (either case, any
 * grouping) and UTF-16LE hex.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthProtocol } from '../../src/config/model.js';
import type { PptpClient } from '../../src/client/dial.js';
import { md4 } from '../../src/proto/crypto/md4.js';
import { renderShowVpdn } from '../../src/cli/render/vpdn.js';
import { renderShowAaaServer } from '../../src/cli/render/aaa.js';
import { configOps } from '../../src/cli/wiring.js';
import { FakeRadiusServer } from '../unit/aaa/radius/fake-server.js';
import { startTacacsServer } from '../harness/tacacs-server.js';
import { RADIUS_HOST, RADIUS_KEY, radiusConfig, startAaaRig, type AaaRig } from '../unit/robust/aaa-rig.js';
import { settle, startRig, until, vpnConfig, TUNNEL_IP } from './inprocess-harness.js';

const LOCAL_PW = 'Al1ce-Secr3t!';
const WRONG_PW = 'Wr0ng-Gu3ss#';
const RADIUS_PW = 'B0b-Rad1us-Pw';
const TACACS_PW = 'C4rol-Tac-Pw';
const TACACS_KEY = 'T4cacs-K3y!';

/** The forms a secret could take in a line: text, hex (any case, any grouping), UTF-16LE hex. */
function forms(secret: Buffer | string): { text?: string; hex: string[] } {
  const b = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const hex = [b.toString('hex')];
  if (typeof secret === 'string') hex.push(Buffer.from(secret, 'utf16le').toString('hex'));
  return { text: typeof secret === 'string' ? secret : b.length >= 8 ? b.toString('latin1') : undefined, hex };
}

function ntHash(pw: string): Buffer {
  return md4(Buffer.from(pw, 'utf16le'));
}

function assertNoSecrets(texts: string[], secrets: Record<string, Buffer | string>): void {
  for (const line of texts) {
    const squashed = line.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
    for (const [name, s] of Object.entries(secrets)) {
      const f = forms(s);
      if (f.text) assert.ok(!line.includes(f.text), `${name} appears as text in: ${line}`);
      for (const h of f.hex) {
        if (h.length >= 16) assert.ok(!squashed.includes(h.toLowerCase()), `${name} appears as hex in: ${line}`);
      }
    }
  }
}

type ServerInternals = { calls: Map<number, { call: { ppp: { auth: { result?: { mppe?: { send: Buffer; recv: Buffer } } } } } }> };

/** The MPPE master keys of every call up now (white box: only to know what must not leak). */
function mppeKeys(server: unknown): Buffer[] {
  const out: Buffer[] = [];
  for (const { call } of (server as ServerInternals).calls.values()) {
    const k = call.ppp.auth.result?.mppe;
    if (k) out.push(k.send, k.recv);
  }
  return out;
}

function showOutput(rig: { server: { status(): never; aaaStatus(): never } } | AaaRig): string[] {
  const st = (rig.server as AaaRig['server']).status();
  return [...renderShowVpdn(st), ...renderShowAaaServer((rig.server as AaaRig['server']).aaaStatus()), JSON.stringify(st), JSON.stringify((rig.server as AaaRig['server']).aaaStatus())];
}

test('local users: PAP, CHAP, MS-CHAP and MS-CHAPv2 (+MPPE), right and wrong passwords: no secret in any line', async () => {
  const cfg = vpnConfig({ auth: ['pap', 'chap', 'mschap', 'mschap-v2'], users: { alice: LOCAL_PW }, mppe: { strength: 128, required: false, stateful: false } });
  const rig = await startRig(cfg);
  const secrets: Record<string, Buffer | string> = { password: LOCAL_PW, wrong: WRONG_PW, 'NT hash': ntHash(LOCAL_PW), 'NT hash of the wrong password': ntHash(WRONG_PW), 'NT hash hash': md4(ntHash(LOCAL_PW)) };
  try {
    const methods: AuthProtocol[] = ['pap', 'chap', 'mschap', 'mschap-v2'];
    for (const [i, m] of methods.entries()) {
      const mppe = m.startsWith('mschap') ? { strength: 128 as const, required: true, stateful: false } : null;
      const c = await rig.dial({ localAddress: `127.0.0.${2 + i}`, username: 'alice', password: LOCAL_PW, authProtocols: [m], mppe });
      assert.equal((await c.ping(TUNNEL_IP, { count: 1 })).received, 1, `${m} session passes traffic`);
      if (mppe) assert.ok(c.mppe, `${m} session is encrypted`);
      for (const [j, k] of mppeKeys(rig.server).entries()) secrets[`MPPE key ${m} ${j}`] = k;
      await assert.rejects(rig.dial({ localAddress: `127.0.0.${12 + i}`, username: 'alice', password: WRONG_PW, authProtocols: [m], mppe }));
      await c.hangup();
      await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    }
    await settle(20);
    assert.ok(Object.keys(secrets).filter((k) => k.startsWith('MPPE key')).length >= 4, 'MPPE keys collected for the MS-CHAP sessions');
    assert.ok(rig.lines.length > 300, `a full debug trace was produced (${rig.lines.length} lines)`);
    assert.ok(rig.texts().some((t) => /^ {2}data: (ff03)?c023[0-9a-f]+\*\*/.test(t)), 'debug ppp io shows the PAP request with its password masked');
    assertNoSecrets([...rig.texts(), ...showOutput(rig as never)], secrets);
  } finally {
    await rig.close();
  }
});

test('RADIUS and TACACS+ groups with keys: PAP and CHAP, right and wrong passwords: no password or key in any line', async () => {
  const tac = await startTacacsServer({ key: TACACS_KEY, users: { carol: { pap: { cleartext: TACACS_PW }, chap: { cleartext: TACACS_PW }, ppp: [] } } });
  const secrets = { radiusPassword: RADIUS_PW, radiusKey: RADIUS_KEY, tacacsPassword: TACACS_PW, tacacsKey: TACACS_KEY, wrong: WRONG_PW };
  const lines: string[] = [];
  try {
    // RADIUS (memory UDP): the fake server accepts bob/RADIUS_PW only for PAP, any CHAP from bob.
    {
      const rig = await startAaaRig(radiusConfig({ accounting: true }));
      const auth = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1645, RADIUS_KEY);
      auth.respond = () => ({ code: 2 });
      const acct = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1646, RADIUS_KEY);
      acct.respond = () => ({ code: 5 });
      try {
        for (const [i, m] of (['pap', 'chap'] as AuthProtocol[]).entries()) {
          const c = (await rig.dialTicking({ localAddress: `127.0.0.${2 + i}`, username: 'bob', password: RADIUS_PW, authProtocols: [m] })) as PptpClient;
          assert.ok(!(c instanceof Error), `${m} via RADIUS: ${String(c)}`);
          await c.hangup();
        }
        auth.respond = () => ({ code: 3 });
        const bad = await rig.dialTicking({ localAddress: '127.0.0.9', username: 'bob', password: WRONG_PW, authProtocols: ['pap'] });
        assert.ok(bad instanceof Error);
        await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
        await rig.udp.flush();
        lines.push(...rig.texts(), ...showOutput(rig));
        assert.ok(rig.texts().some((t) => /^RADIUS/.test(t)), 'debug radius lines were produced');
      } finally {
        auth.close();
        acct.close();
        await rig.close();
      }
    }
    // TACACS+ (loopback TCP to the test server).
    {
      const cfg = radiusConfig();
      cfg.aaaServerGroups = [{ tag: 'TACPLUS', protocol: 'tacacs+', hosts: [{ interfaceName: 'outside', address: '127.0.0.1', key: TACACS_KEY, timeout: 5, authenticationPort: tac.port }] }];
      cfg.vpdnGroups[0]!.clientAuthentication = { kind: 'aaa', group: 'TACPLUS' };
      const rig = await startAaaRig(cfg);
      try {
        for (const [i, m] of (['pap', 'chap'] as AuthProtocol[]).entries()) {
          const c = await rig.dial({ localAddress: `127.0.0.${2 + i}`, username: 'carol', password: TACACS_PW, authProtocols: [m] });
          await c.hangup();
        }
        await assert.rejects(rig.dial({ localAddress: '127.0.0.9', username: 'carol', password: WRONG_PW, authProtocols: ['pap'] }));
        await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
        lines.push(...rig.texts(), ...showOutput(rig));
        assert.ok(rig.texts().some((t) => /^TPLUS/.test(t)), 'debug tacacs lines were produced');
      } finally {
        await rig.close();
      }
    }
    assertNoSecrets(lines, secrets);
  } finally {
    await tac.close();
  }
});

test('show running-config masks every password and key, write memory keeps them (the saved file is 0600)', () => {
  const text = [
    'nameif ethernet0 outside security0',
    'hostname pixfirewall',
    `vpdn username alice password ${LOCAL_PW}`,
    'aaa-server AuthInbound protocol radius',
    `aaa-server AuthInbound (outside) host 172.18.124.99 ${RADIUS_KEY} timeout 5`,
    'aaa-server TACPLUS protocol tacacs+',
    `aaa-server TACPLUS (outside) host 172.18.124.98 ${TACACS_KEY} timeout 5`,
  ].join('\n');
  const r = configOps.load(text, configOps.emptyRunningConfig());
  assert.deepEqual(r.errors, []);
  const shown = configOps.write(r.config, false);
  assertNoSecrets(shown, { password: LOCAL_PW, radiusKey: RADIUS_KEY, tacacsKey: TACACS_KEY });
  assert.ok(shown.some((l) => /^vpdn username alice password \*+/.test(l)), shown.join('\n'));
  const saved = configOps.write(r.config, true).join('\n');
  assert.ok(saved.includes(LOCAL_PW) && saved.includes(RADIUS_KEY) && saved.includes(TACACS_KEY), 'write memory keeps the secrets (the file is 0600)');
});
