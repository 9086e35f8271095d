/**
 * Remote syslog into a real rsyslogd (Debian's), started by this test in
 * a syslog-host namespace on the product's inside network: the product
 * (the built binary, in its own namespace, with the real server) has
 * `logging host inside 10.1.1.5` and `logging trap informational`; a PPTP
 * client (pix-pptpd-loadgen, MS-CHAPv2 + MPPE-128) dials in from a third
 * namespace on the outside network. rsyslog writes every message it
 * receives with its PRI, facility and severity as it parsed them: the
 * 603104 of the call is there as `<166>%PIX-6-603104: ...` (local4, info),
 * and then the same with `logging timestamp` and `logging device-id
 * hostname` typed at the console. Needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRootWith } from '../../src/lab/rig/capability.js';
import { runInNetns, spawnInNetns, stopChild, vethPair, withNetns } from '../../src/lab/rig/netns.js';
import { startProduct } from '../../src/lab/rig/product.js';
import { cliCommand } from './cli-command.js';

const CONFIG = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'hostname pixfw',
  'ip address outside 172.18.124.152 255.255.255.0',
  'ip address inside 10.1.1.1 255.255.255.0',
  'logging on',
  'logging console informational',
  'logging trap informational',
  'logging host inside 10.1.1.5',
  'ip local pool pptp-pool 192.168.1.1-192.168.1.50',
  'sysopt connection permit-pptp',
  'vpdn group 1 accept dialin pptp',
  'vpdn group 1 ppp authentication mschap-v2',
  'vpdn group 1 ppp encryption mppe 128 required',
  'vpdn group 1 client configuration address local pptp-pool',
  'vpdn group 1 client authentication local',
  'vpdn username cisco password cisco',
  'vpdn enable outside',
  '',
].join('\n');

/** rsyslog: UDP on the syslog host's address only, each message as PRI|facility|severity|raw datagram. */
function rsyslogConf(dir: string): string {
  return [
    `global(workDirectory="${dir}")`,
    'module(load="imudp")',
    'input(type="imudp" address="10.1.1.5" port="514")',
    'template(name="seen" type="string" string="%pri%|%syslogfacility-text%|%syslogseverity-text%|%rawmsg%\\n")',
    `*.* action(type="omfile" file="${join(dir, 'received.log')}" template="seen")`,
    '',
  ].join('\n');
}

function loadgenArgv(): string[] {
  const cli = cliCommand();
  const entry = cli.argv.at(-1)!.replace(/pix-pptpd\.(js|ts)$/, 'pix-pptpd-loadgen.$1');
  return [...cli.argv.slice(0, -1), entry];
}

async function received(path: string, re: RegExp, ms: number): Promise<string[]> {
  const end = Date.now() + ms;
  for (;;) {
    const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.some((l) => re.test(l)) || Date.now() > end) return lines;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('rsyslogd in a namespace receives 603104 from a real dial-in, framed <166>%PIX-6-..., then with timestamp and device-id', async (t) => {
  const cap = canRootWith('rsyslogd');
  if (!cap.ok) return t.skip(cap.reason);
  const dir = mkdtempSync(join(tmpdir(), 'pix-rsyslog-'));
  chmodSync(dir, 0o755);
  try {
    await withNetns('pixsl', (product) =>
      withNetns('pixslhost', (logHost) =>
        withNetns('pixslcl', async (client) => {
          await vethPair(product, logHost, '10.1.1.1/24', '10.1.1.5/24');
          // the load generator dials only hosts on a veth/tap-/br- interface
          const tag = `veth${process.pid % 100000}`;
          await vethPair(product, client, '172.18.124.152/24', '172.18.124.10/24', { nameA: `${tag}o`, nameB: `${tag}c` });
          const conf = join(dir, 'rsyslog.conf');
          writeFileSync(conf, rsyslogConf(dir));
          const check = await runInNetns(logHost, 'rsyslogd', ['-N1', '-f', conf]);
          assert.equal(check.code, 0, check.stdout + check.stderr);
          const rsyslog = spawnInNetns(logHost, 'rsyslogd', ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
          let pix: Awaited<ReturnType<typeof startProduct>> | undefined;
          try {
            // rsyslog is up once its UDP socket is bound
            const bound = Date.now() + 10_000;
            while ((await runInNetns(logHost, 'ss', ['-Hlun', 'sport = :514'])).stdout.trim() === '') {
              assert.ok(Date.now() < bound, 'rsyslogd did not bind 10.1.1.5:514');
              await new Promise((r) => setTimeout(r, 100));
            }
            pix = await startProduct({ netns: product, configText: CONFIG });
            await pix.enable();

            const dial = await runInNetns(client, loadgenArgv()[0], [...loadgenArgv().slice(1),
              '--server', '172.18.124.152', '--user', 'cisco', '--password', 'cisco', '--sessions', '1', '--hold', '2', '--max-seconds', '30', '--json'], { timeoutMs: 60_000 });
            assert.equal(dial.code, 0, dial.stdout + dial.stderr);
            await pix.waitFor(/603104: PPTP Tunnel created.*username is cisco, MPPE_key_strength is 128 bits/, 20_000);
            const log = join(dir, 'received.log');
            let lines = await received(log, /603104/, 10_000);
            const created = lines.find((l) => l.includes('603104'));
            assert.ok(created, `no 603104 in rsyslog's file:\n${lines.join('\n')}`);
            assert.match(created, /^166\|local4\|info\|<166>%PIX-6-603104: PPTP Tunnel created, tunnel_id is \d+, remote_peer_ip is 172\.18\.124\.10, ppp_virtual_interface_id is \d+, client_dynamic_ip is 192\.168\.1\.\d+, username is cisco, MPPE_key_strength is 128 bits$/);
            // the tunnel goes at the end of --hold: 603105 at level 6 too
            lines = await received(log, /603105/, 10_000);
            assert.ok(lines.some((l) => /^166\|local4\|info\|<166>%PIX-6-603105: PPTP Tunnel deleted, tunnel_id = \d+, remote_peer_ip = 172\.18\.124\.10$/.test(l)), lines.join('\n'));
            assert.ok(!lines.some((l) => /^\d+\|[^|]*\|debug\|/.test(l)), 'nothing above the trap level');

            // a new framing at once, from the console
            await pix.command('configure terminal');
            await pix.command('logging timestamp');
            await pix.command('logging device-id hostname');
            await pix.command('logging facility 23');
            await pix.command('end');
            const dial2 = await runInNetns(client, loadgenArgv()[0], [...loadgenArgv().slice(1),
              '--server', '172.18.124.152', '--user', 'cisco', '--password', 'cisco', '--sessions', '1', '--hold', '1', '--max-seconds', '30'], { timeoutMs: 60_000 });
            assert.equal(dial2.code, 0, dial2.stdout + dial2.stderr);
            lines = await received(log, /pixfw : %PIX-6-603104/, 10_000);
            assert.ok(lines.some((l) => /^190\|local7\|info\|<190>[A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d pixfw : %PIX-6-603104: PPTP Tunnel created, .*username is cisco/.test(l)), lines.join('\n'));

            const show = await pix.command('show logging');
            const host = show.find((l) => l.includes('Logging to inside 10.1.1.5'));
            assert.ok(host && /: [1-9]\d* sent, 0 queued, 0 dropped$/.test(host), show.join('\n'));
            const sent = Number(/: (\d+) sent/.exec(host!)![1]);
            const end = Date.now() + 5000;
            let got = 0;
            while ((got = (await received(log, /$^/, 0)).length) < sent && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
            assert.equal(got, sent, 'show logging counts what rsyslog received');
          } finally {
            if (pix) await pix.stop();
            await stopChild(rsyslog);
          }
        })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
