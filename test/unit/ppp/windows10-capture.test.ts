/**
 * The Windows 10 client's own packets from shared/reference/captures (the
 * RRAS call from frame 270 on) fed to our server: its requests verbatim,
 * without FF 03 as Windows sends them; its answers to the server's requests
 * re-addressed to our identifiers (the content is what Windows sent RRAS).
 * The CHAP Response is the captured one: our challenge is set to RRAS's, so
 * the real NT-Response must verify for vpnuser / vpnuser123.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeClock } from '../../../src/util/clock.js';
import { PppSession, type PppUpInfo } from '../../../src/proto/ppp/session.js';
import { readPcap, pppFramesOf, type CapturedPpp } from '../../harness/pcap.js';
import { FakeAuthenticator, allDebug } from './link.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

function capturePath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = resolve(dir, '..', 'shared', 'reference', 'captures', 'windows10-rras-mschapv2-mppe128.pcap');
    if (existsSync(p)) return p;
    dir = resolve(dir, '..');
  }
  return undefined;
}

const path = capturePath();
const frames: CapturedPpp[] = path ? pppFramesOf(readPcap(readFileSync(path))!) : [];
const skip = frames.length ? false : 'shared/reference/captures not beside the repository';

function wire(n: number, newId?: number): Buffer {
  const f = frames.find((x) => x.frame === n)!;
  const info = Buffer.from(f.ppp.info);
  if (newId !== undefined) info[1] = newId;
  const p = f.ppp.protocol;
  return Buffer.concat([Buffer.from([p >> 8, p & 0xff]), info]);
}

test('Windows 10 client packets (capture) against our server: up with MS-CHAPv2 and MPPE-128', { skip }, async () => {
  const clock = new FakeClock();
  const dbg = allDebug(() => clock.now());
  const out: Buffer[] = [];
  let up: PppUpInfo | undefined;
  const challenge = Buffer.from(frames.find((f) => f.frame === 290)!.ppp.info.subarray(5, 21));
  const s = new PppSession({
    role: 'server',
    pppIfId: 1,
    send: (f) => out.push(Buffer.from(f)),
    clock,
    debug: new CiscoPppDebug(dbg.bus),
    ifName: 'outside',
    group: {
      authProtocols: ['mschap-v2'],
      dns: ['192.168.43.110'],
      wins: [],
      localAddress: '192.168.43.104',
      mppe: { strength: 128, required: true, stateful: false },
    },
    authenticator: new FakeAuthenticator({ vpnuser: 'vpnuser123' }),
    allocateAddress: () => '192.168.43.111',
    onUp: (i) => (up = i),
    onDown: () => {},
    onIpPacket: () => {},
    random32: () => 0x70ed20e6,
    random: (n) => (n === 16 ? challenge : Buffer.alloc(n, 0x33)),
  });
  const feed = (b: Buffer): string[] => {
    out.length = 0;
    s.input(b);
    return out.map((x) => x.toString('hex'));
  };
  // 275: MRU 1400, Magic, PFC, ACFC, Callback 6 -> only Callback rejected
  const r275 = feed(wire(275));
  assert.equal(r275[0], 'ff03c021010100170104057803' + '05c22381' + '050670ed20e6' + '07020802');
  assert.equal(r275[1], 'ff03c0210400' + '0007' + '0d0306');
  // Windows' answer to our request: Ack (it accepts MS-CHAPv2, cf. frame 283)
  feed(Buffer.from('c021' + '0201' + r275[0].slice(12), 'hex'));
  // its request again without Callback (what it sends after a Reject)
  const again = Buffer.from('c021' + '0101' + '0012' + '01040578' + '050675eb25d5' + '07020802', 'hex');
  const rAgain = feed(again);
  assert.equal(rAgain[0], 'ff03c0210201001201040578050675eb25d507020802');
  assert.match(rAgain[1], /^c2230101001510/, 'MS-CHAPv2 challenge, ACFC on');
  // 284-286: Identification x3: accepted silently
  for (const n of [284, 285, 286]) assert.deepEqual(feed(wire(n)), [], `frame ${n}`);
  // 291: the captured Response, re-addressed to our challenge id 1
  feed(wire(291, 1));
  await new Promise((r) => setImmediate(r));
  const success = out[0].toString('latin1');
  assert.ok(out[0].subarray(0, 4).equals(Buffer.from('c2230301', 'hex')));
  const captured = frames.find((f) => f.frame === 292)!.ppp.info.subarray(4).toString('latin1');
  assert.ok(success.includes(captured.slice(0, 42)), 'our S= equals RRAS\'s');
  assert.ok(success.endsWith(' M=Access granted'));
  // 296 IPv6CP -> Protocol-Reject; 297 CCP 0x01000040 -> Ack; 298 IPCP -> Reject of NBNS/secondary DNS
  const r296 = feed(wire(296));
  assert.equal(r296.length, 1);
  assert.match(r296[0], /^ff03c02108..0014805701/);
  assert.deepEqual(feed(wire(297)), ['80fd0205000a120601000040']);
  assert.deepEqual(feed(wire(298)), ['802104060016' + '820600000000' + '830600000000' + '840600000000']);
  // its answers to our CCP/IPCP requests
  const ourCcp = dbg.texts().find((l) => l.startsWith('Vi1 CCP: O CONFREQ'))!;
  const ccpId = Number(/id (\d+)/.exec(ourCcp)![1]);
  feed(Buffer.from(`80fd02${ccpId.toString(16).padStart(2, '0')}000a120601000040`, 'hex'));
  const ourIpcp = dbg.texts().find((l) => l.startsWith('Vi1 IPCP: O CONFREQ'))!;
  const ipcpId = Number(/id (\d+)/.exec(ourIpcp)![1]);
  feed(Buffer.from(`802102${ipcpId.toString(16).padStart(2, '0')}000a0306c0a82b68`, 'hex'));
  // 306: address + primary DNS -> Nak with both; 310-like with our values -> Ack
  assert.deepEqual(feed(wire(306)), ['80210307001003' + '06c0a82b6f' + '8106c0a82b6e']);
  assert.equal(up, undefined);
  assert.deepEqual(feed(Buffer.from('8021010800100306c0a82b6f8106c0a82b6e', 'hex')), ['8021020800100306c0a82b6f8106c0a82b6e']);
  const info = up as PppUpInfo | undefined;
  assert.equal(info?.username, 'vpnuser');
  assert.equal(info?.clientAddress, '192.168.43.111');
  assert.deepEqual(info?.mppe, { bits: 128, stateless: true });
  s.abort('done');
  assert.equal(clock.pending(), 0);
});
