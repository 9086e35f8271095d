import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { defaultRunningConfig, loadConfigText, MASK, writeConfig } from '../../../src/config/index.js';
import { PIX_VERSION } from '../../../src/config/write.js';
import { run } from './helpers.js';

/** samples/ from the source tree (also when run compiled from dist/). */
function samplesDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, d = dirname(d)) {
    try {
      if (readdirSync(join(d, 'samples')).length) return join(d, 'samples');
    } catch { /* keep looking */ }
  }
  throw new Error('samples/ not found');
}

test('every sample loads without errors and round-trips', () => {
  const dir = samplesDir();
  const files = readdirSync(dir).filter((f) => f.endsWith('.cfg'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const first = loadConfigText(readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(first.errors, [], f);
    const text = writeConfig(first.config, { secrets: 'clear' });
    const second = loadConfigText(text.join('\n'));
    assert.deepEqual(second.errors, [], f);
    // the same typed view (the second load also holds the defaults the writer printed)
    assert.deepEqual({ ...second.config, entries: [] }, { ...first.config, entries: [] }, f);
    assert.deepEqual(writeConfig(second.config, { secrets: 'clear' }), text, `${f}: write is stable`);
  }
});

test('the seed vpdn block is written in PIX order, inside the PIX frame', () => {
  const cfg = loadConfigText(readFileSync(join(samplesDir(), 'local-auth-no-encryption.cfg'), 'utf8')).config;
  const out = writeConfig(cfg, { secrets: 'clear' });
  // the header names the version that wrote it (show version says the same), not the one the file came from
  assert.deepEqual(out.slice(0, 3), [': Saved', ':', `PIX Version ${PIX_VERSION}`]);
  const vpdnAt = out.indexOf('vpdn group 1 accept dialin pptp');
  // 6.3 order: console timeout before the vpdn block, dhcpd after it (pix-behaviour.md A7)
  assert.deepEqual(out.slice(vpdnAt - 3), [
    'telnet timeout 5',
    'ssh timeout 5',
    'console timeout 0',
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication pap',
    'vpdn group 1 ppp authentication chap',
    'vpdn group 1 ppp authentication mschap',
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication local',
    'vpdn username cisco password cisco',
    'vpdn enable outside',
    'dhcpd lease 3600',
    'dhcpd ping_timeout 750',
    'terminal width 80',
    out.at(-2)!,
    ': end',
  ]);
  const sum = createHash('md5').update(out.slice(0, -2).join('\n') + '\n').digest('hex');
  assert.equal(out.at(-2), `Cryptochecksum:${sum}`);
  const idx = (prefix: string) => out.findIndex((l) => l.startsWith(prefix));
  const order = ['interface ', 'nameif ', 'enable password', 'passwd', 'hostname', 'fixup', 'names', 'access-list', 'pager', 'logging on',
    'mtu', 'ip address', 'ip local pool', 'no failover', 'arp', 'global', 'nat', 'conduit', 'route', 'timeout', 'aaa-server',
    'no snmp-server', 'floodguard', 'sysopt', 'isakmp', 'telnet', 'vpdn', 'terminal width'];
  const positions = order.map(idx);
  assert.ok(positions.every((p) => p >= 0), JSON.stringify(order.filter((_, i) => positions[i] < 0)));
  assert.deepEqual([...positions].sort((a, b) => a - b), positions);
});

test('ppp authentication is written in entry order (the order the server offers them)', () => {
  const { rc } = run(defaultRunningConfig(), 'vpdn group 1 ppp authentication mschap', 'vpdn group 1 ppp authentication chap', 'vpdn group 1 ppp authentication pap');
  const auth = writeConfig(rc, { secrets: 'mask' }).filter((l) => l.includes('ppp authentication'));
  assert.deepEqual(auth, ['vpdn group 1 ppp authentication mschap', 'vpdn group 1 ppp authentication chap', 'vpdn group 1 ppp authentication pap']);
});

test('masking: user passwords and aaa keys masked, enable/passwd hashed; write memory keeps them', () => {
  const { rc } = run(defaultRunningConfig(), 'enable password letmein', 'vpdn username cisco password s3cret',
    'aaa-server AuthInbound protocol radius', 'aaa-server AuthInbound (outside) host 172.18.124.99 k3y timeout 5');
  const shown = writeConfig(rc, { secrets: 'mask' });
  assert.ok(shown.includes(`vpdn username cisco password ${MASK}`));
  assert.ok(shown.includes(`aaa-server AuthInbound (outside) host 172.18.124.99 ${MASK} timeout 5`));
  assert.ok(!shown.join('\n').includes('s3cret') && !shown.join('\n').includes('k3y') && !shown.join('\n').includes('letmein'));
  assert.ok(shown.some((l) => /^enable password [./0-9A-Za-z]{16} encrypted$/.test(l)));
  const saved = writeConfig(rc, { secrets: 'clear' });
  assert.ok(saved.includes('vpdn username cisco password s3cret'));
  assert.ok(saved.includes('aaa-server AuthInbound (outside) host 172.18.124.99 k3y timeout 5'));
  assert.equal(shown.at(-2), saved.at(-2), 'same checksum');
  const back = loadConfigText(saved.join('\n')).config;
  assert.deepEqual(back.vpn, rc.vpn);
  assert.deepEqual(back.enablePassword, rc.enablePassword);
});

test('vpdn username ... store-local is kept and written back, masked or not', () => {
  const { rc } = run(defaultRunningConfig(), 'vpdn username bob password s3cret store-local');
  assert.deepEqual(rc.vpn.vpdnUsers.find((u) => u.name === 'bob'), { name: 'bob', password: 's3cret', storeLocal: true });
  assert.ok(writeConfig(rc, { secrets: 'mask' }).includes(`vpdn username bob password ${MASK} store-local`));
  const saved = writeConfig(rc, { secrets: 'clear' });
  assert.ok(saved.includes('vpdn username bob password s3cret store-local'));
  assert.deepEqual(loadConfigText(saved.join('\n')).config.vpn.vpdnUsers, rc.vpn.vpdnUsers);
});

test('loadConfigText reports bad lines with numbers and keeps the rest', () => {
  const r = loadConfigText(['hostname FW', 'vpdn group 1 ppp bogus', 'vpdn enable nowhere', 'show version', 'pager lines 10'].join('\n'));
  assert.deepEqual(r.errors.map((e) => e.lineNo), [2, 3, 4]);
  assert.equal(r.errors[0].lines[1], "% Invalid input detected at '^' marker.");
  assert.equal(r.config.vpn.hostname, 'FW');
  assert.equal(r.config.pagerLines, 10);
});

test('factory default writes a PIX 6.3 config that loads back identically', () => {
  const d = defaultRunningConfig();
  const text = writeConfig(d, { secrets: 'clear' });
  assert.equal(text[2], `PIX Version ${PIX_VERSION}`);
  assert.ok(text.includes('nameif ethernet0 outside security0') && text.includes('aaa-server LOCAL protocol local'));
  const again = loadConfigText(text.join('\n')).config;
  assert.deepEqual(writeConfig(again, { secrets: 'clear' }), text);
  assert.deepEqual({ ...again, entries: [] }, { ...d, entries: [] });
});
