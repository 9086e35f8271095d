/**
 * The server against the client side of seed 003's first debug trace
 * (Windows, MS-CHAPv1, no MPPE) plus what the Windows 10 capture adds
 * (LCP without FF 03, Identification, IPv6CP, Terminate-Request with data).
 * Bytes marked "seed" are complete dumps from the seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { fromHex } from '../../../src/util/hex.js';
import { mppeMasterKeysV1, mschapV1Response } from '../../../src/proto/crypto/mschap.js';
import { MppeEncryptor } from '../../../src/proto/ppp/mppe.js';
import { PppSession, type PppUpInfo } from '../../../src/proto/ppp/session.js';
import type { AuthProtocol } from '../../../src/config/model.js';
import { FakeAuthenticator, allDebug, ipPacket } from './link.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

const CHALLENGE = 'd36602863630eca8'; // seed: ff03c2230101000d08d36602863630eca8

function server(authProtocols: AuthProtocol[] = ['mschap']) {
  const clock = new FakeClock();
  const dbg = allDebug(() => clock.now());
  const out: string[] = [];
  const ev = { up: undefined as PppUpInfo | undefined, down: undefined as string | undefined, ip: [] as Buffer[] };
  const s = new PppSession({
    role: 'server',
    pppIfId: 1,
    send: (f) => out.push(f.toString('hex')),
    clock,
    debug: new CiscoPppDebug(dbg.bus),
    ifName: 'outside',
    group: { authProtocols, dns: [], wins: [], localAddress: '99.99.99.2' },
    authenticator: new FakeAuthenticator({ john: 'cisco123' }),
    allocateAddress: () => '172.16.1.1',
    onUp: (i) => (ev.up = i),
    onDown: (r) => (ev.down = r),
    onIpPacket: (p) => ev.ip.push(Buffer.from(p)),
    mru: null,
    random32: () => 0x09894ab4,
    random: (n) => (n === 8 ? fromHex(CHALLENGE) : Buffer.alloc(n, 0x11)),
  });
  /** feed one frame, return what went out (hex) */
  const feed = (hex: string): string[] => {
    out.length = 0;
    s.input(fromHex(hex));
    return [...out];
  };
  const flush = () => new Promise((r) => setImmediate(r));
  return { clock, dbg, out, ev, s, feed, flush };
}

test('seed 003 trace 1: LCP, MS-CHAPv1, IPCP, CCP Protocol-Reject, data, termination', async () => {
  const t = server();
  // Windows LCP ConfReq (seed prefix; completed with ACFC and Callback 6)
  assert.deepEqual(t.feed('ff03c021010100170206000a00000506001137210702' + '0802' + '0d0306'), [
    'ff03c021010100130305c22380050609894ab407020802', // seed: the PIX's ConfReq
    'ff03c02104010007' + '0d0306', // Callback rejected, ACCM accepted
  ]);
  const texts = t.dbg.texts();
  assert.ok(texts.includes('PPP rcvd, ifc = 0, pppdev: 1, Len: 27,'));
  assert.ok(texts.includes('  data: ff03c021010100170206000a00000506001137210702...'));
  assert.ok(texts.includes('PPP xmit, ifc = 0, Len: 23 data: ff03c021010100130305c22380050609894ab407020802'));
  assert.ok(texts.includes('Vi1 LCP: O CONFREQ [Closed] id 1 len 19'));
  assert.ok(texts.includes('Vi1 LCP:    AuthProto MS-CHAP (0x0305C22380)'));
  assert.ok(texts.includes('Vi1 LCP:    MagicNumber 0x09894AB4 (0x050609894AB4)'));
  assert.ok(texts.includes('Vi1 LCP:    Callback 6 (0x0D0306)'));

  // seed: Windows acks our request
  assert.deepEqual(t.feed('ff03c021020100130305c22380050609894ab407020802'), []);
  // seed: Windows' second ConfReq, here without FF 03 as Windows 10 sends it
  assert.deepEqual(t.feed('c0210102000e05060011372107020802'), [
    'ff03c0210202000e05060011372107020802', // seed
    'c2230101000d08' + CHALLENGE, // seed GRE payload: ACFC in force, PPP Len 15
  ]);
  assert.ok(t.dbg.texts().includes('Vi1 LCP: State is Open'));
  assert.ok(t.dbg.texts().includes('PPP xmit, ifc = 0, Len: 17 data: ff03c2230101000d08d36602863630eca8'));

  // Identification (seed, complete) is accepted silently
  assert.deepEqual(t.feed('ff03c0210c020012447e217e4d5352415356352e3030'), []);
  assert.deepEqual(t.feed('c0210c03000c447e217e41424344'), [], 'without FF 03, magic + "ABCD"');
  assert.ok(t.dbg.texts().includes('Vi1 LCP: I IDENTIFY [Open] id 2 len 18 magic 0x447E217E MSRASV5.00'));

  // MS-CHAPv1 Response computed from the password (the seed's is truncated)
  const nt = mschapV1Response(fromHex(CHALLENGE), 'cisco123');
  const resp = 'ff03c2230201003a31' + '00'.repeat(24) + nt.toString('hex') + '01' + Buffer.from('john').toString('hex');
  assert.deepEqual(t.feed(resp), []);
  await t.flush();
  assert.deepEqual(t.out, [
    'c22303010004', // seed GRE payload: MS-CHAPv1 Success without message
    '80210101000a030663636302', // seed: our IPCP ConfReq with the outside address
  ]);
  const auth = t.dbg.texts();
  for (const line of [
    'uauth_mschap_send_req: pppdev=1, ulen=4, user=john',
    '603102: PPP virtual interface 1 - user: john aaa authentication started',
    'uauth_mschap_proc_reply: pppdev = 1, status = 1',
    '603103: PPP virtual interface 1 - user: john aaa authentication succeed',
    'CHAP peer authentication succeeded for john',
    'PPP xmit, ifc = 0, Len: 8 data: ff03c22303010004',
    'PPP xmit, ifc = 0, Len: 14 data: ff0380210101000a030663636302',
    'Vi1 PPP: Phase is UP',
  ]) {
    assert.ok(auth.includes(line), line);
  }
  // Windows repeats its Response: the same Success again (seed shows two)
  assert.deepEqual(t.feed(resp), ['c22303010004']);

  // IPCP ConfReq: VJ, 0.0.0.0, DNS/NBNS; nothing configured -> all rejected but the address
  const ipcpReq = '0206002d0f01' + '030600000000' + '810600000000' + '820600000000' + '830600000000' + '840600000000';
  assert.deepEqual(t.feed('ff03802101010028' + ipcpReq), [
    '8021040100220206002d0f01810600000000820600000000830600000000840600000000',
  ]);
  assert.ok(t.dbg.texts().includes('PPP xmit, ifc = 0, Len: 38 data: ff038021040100220206002d0f018106000000008206...'));

  // CCP without MPPE configured: Protocol-Reject (seed 000 style)
  assert.deepEqual(t.feed('ff0380fd0101000f1206010000011105000104'), ['ff03c0210802001580fd0101000f1206010000011105000104']);
  assert.ok(t.dbg.texts().includes('Vi1 LCP: O PROTREJ [Open] id 2 len 21 protocol CCP (0x80FD0101000F1206010000011105000104)'));

  assert.deepEqual(t.feed('ff0380210201000a030663636302'), []); // seed: Ack of our IPCP request
  assert.deepEqual(t.feed('ff0380210103000a030600000000'), ['80210303000a0306ac100101']); // seed Nak
  assert.equal(t.ev.up, undefined);
  assert.deepEqual(t.feed('ff0380210104000a0306ac100101'), ['80210204000a0306ac100101']); // seed Ack
  const up = t.ev.up as PppUpInfo | undefined;
  assert.deepEqual(up && { u: up.username, c: up.clientAddress, s: up.serverAddress, a: up.authProtocol, m: up.mppe }, {
    u: 'john',
    c: '172.16.1.1',
    s: '99.99.99.2',
    a: 'mschap',
    m: null,
  });

  // data (protocol compressed as Windows 10 does it, and not)
  const pkt = ipPacket('172.16.1.1', '224.0.0.2');
  t.feed('ff030021' + pkt.toString('hex'));
  t.feed('21' + pkt.toString('hex'));
  assert.deepEqual(t.ev.ip, [pkt, pkt]);
  assert.ok(t.dbg.texts().includes(`PPP IP Pkt: ${pkt.subarray(0, 22).toString('hex')}...`));

  // IPv6CP is Protocol-Rejected
  const v6 = t.feed('8057' + '0105000e010a1122334455667788');
  assert.deepEqual(v6, ['ff03c0210803001480570105000e010a1122334455667788']);

  // Terminate-Request carrying 12 octets (Windows 10), no FF 03
  assert.deepEqual(t.feed('c0210506' + '0010' + '000000000000000000000000'), ['ff03c02106060004']);
  assert.equal(t.ev.down, undefined);
  t.clock.advance(3000);
  assert.equal(t.ev.down, 'peer requested termination');
  assert.equal(t.clock.pending(), 0);
  assert.equal(t.s.status().phase, 'dead');
});

test('Windows Naks our first auth protocol with MS-CHAPv2: we switch when the group allows it', () => {
  const t = server(['pap', 'mschap-v2']);
  const out = t.feed('ff03c021010100170206000a00000506001137210702' + '0802' + '0d0306');
  assert.equal(out[0], 'ff03c021010100120304c023050609894ab407020802');
  assert.deepEqual(t.feed('c0210301000a0305c22381'.replace('000a', '0009')), ['ff03c021010200130305c22381050609894ab407020802']);
});

test('Windows Rejects authentication or Naks only what we do not allow: LCP: Failed to negotiate with peer', () => {
  const t = server(['mschap']);
  t.feed('ff03c021010100170206000a00000506001137210702' + '0802' + '0d0306');
  const out = t.feed('c02103010009' + '0305c22381');
  assert.equal(out.length, 1);
  assert.match(out[0], /^ff03c02105/, 'Terminate-Request');
  assert.ok(t.dbg.texts().includes('Vi1 LCP: Failed to negotiate with peer'));
  t.clock.advance(6000);
  assert.equal(t.ev.down, 'no common authentication protocol');
  assert.equal(t.clock.pending(), 0);
});

test('an MS-CHAPv1 challenge retransmits every 3 s with the same id and value, then gives up', () => {
  const t = server(['mschap']);
  t.feed('ff03c0210101000e05060011372107020802');
  t.feed('ff03c021020100130305c22380050609894ab407020802');
  assert.equal(t.s.status().phase, 'authenticate');
  const sent: string[] = [];
  for (let i = 0; i < 9; i++) {
    t.out.length = 0;
    t.clock.advance(3000);
    sent.push(...t.out);
  }
  assert.equal(sent.length, 9);
  assert.ok(sent.every((h) => h === 'c2230101000d08' + CHALLENGE));
  t.clock.advance(3000);
  t.clock.advance(6000);
  assert.match(t.ev.down ?? '', /timeout/);
});

test('seed 003 trace 2: MS-CHAPv1 + MPPE-40 required, IPCP answered while CCP negotiates, encrypted data', async () => {
  const clock = new FakeClock();
  const dbg = allDebug(() => clock.now());
  const out: string[] = [];
  const ev = { up: undefined as PppUpInfo | undefined, ip: [] as Buffer[] };
  const challenge = fromHex('f3686cc47e37ce67'); // seed: ff03c2230101000d08f3686cc47e37ce67
  const s = new PppSession({
    role: 'server',
    pppIfId: 1,
    send: (f) => out.push(f.toString('hex')),
    clock,
    debug: new CiscoPppDebug(dbg.bus),
    ifName: 'outside',
    group: { authProtocols: ['mschap'], dns: [], wins: [], localAddress: '172.18.124.152', mppe: { strength: 40, required: true, stateful: false } },
    authenticator: new FakeAuthenticator({ john: 'cisco123' }),
    allocateAddress: () => '192.168.1.1',
    onUp: (i) => (ev.up = i),
    onDown: () => {},
    onIpPacket: (p) => ev.ip.push(Buffer.from(p)),
    mru: null,
    random32: () => 0x5a899b23,
    random: (n) => (n === 8 ? challenge : Buffer.alloc(n, 0x22)),
  });
  const feed = (hex: string): string[] => {
    out.length = 0;
    s.input(fromHex(hex));
    return [...out];
  };
  assert.deepEqual(feed('ff03c0210100000e0506447e217e07020802'), [
    'ff03c021010100130305c2238005065a899b2307020802', // seed
    'ff03c0210200000e0506447e217e07020802',
  ]);
  assert.deepEqual(feed('ff03c021020100130305c2238005065a899b2307020802'), ['c2230101000d08f3686cc47e37ce67']); // seed
  const nt = mschapV1Response(challenge, 'cisco123');
  feed('ff03c2230201003a31' + '00'.repeat(24) + nt.toString('hex') + '01' + Buffer.from('john').toString('hex'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(out, [
    'c22303010004', // seed
    '80210101000a0306ac127c98', // seed: ff0380210101000a0306ac127c98
    '80fd0101000a120601000020', // seed: ff0380fd0101000a120601000020
  ]);
  // Windows asks for MPPC only: Nak'ed down to 40-bit stateless (seed)
  assert.deepEqual(feed('ff0380fd0104000a120601000001'), ['80fd0304000a120601000020']);
  // IPCP while CCP is still negotiating: answered at once (seed prefix ff0380210405001c8106...)
  assert.deepEqual(feed('ff03802101050022' + '030600000000' + '810600000000' + '820600000000' + '830600000000' + '840600000000'), [
    '80210405001c810600000000820600000000830600000000840600000000',
  ]);
  assert.deepEqual(feed('ff0380fd0201000a120601000020'), []); // seed: Ack of our CCP request
  assert.deepEqual(feed('ff0380fd0106000a120601000020'), ['80fd0206000a120601000020']); // seed
  assert.ok(dbg.texts().includes('Vi1 CCP: State is Open'));
  assert.deepEqual(feed('ff0380210201000a0306ac127c98'), []); // seed
  assert.deepEqual(feed('ff0380210107000a030600000000'), ['80210307000a0306c0a80101']); // seed
  assert.deepEqual(feed('ff0380210108000a030600000000'), ['80210308000a0306c0a80101']); // seed
  assert.equal(ev.up, undefined);
  assert.deepEqual(feed('ff0380210109000a0306c0a80101'), ['80210209000a0306c0a80101']); // seed
  assert.deepEqual((ev.up as PppUpInfo | undefined)?.mppe, { bits: 40, stateless: true });
  assert.equal((ev.up as PppUpInfo | undefined)?.clientAddress, '192.168.1.1');

  // Windows' first data frame: the MPPE header 9000 (A + D, count 0), as in the seed
  const keys = mppeMasterKeysV1('cisco123', 'client', challenge);
  const enc = new MppeEncryptor({ masterKey: keys.send, bits: 40, stateless: true });
  const pkt = ipPacket('192.168.1.1', '255.255.255.255');
  const wire = enc.encrypt(Buffer.concat([Buffer.from('0021', 'hex'), pkt]));
  assert.equal(wire.subarray(0, 2).toString('hex'), '9000');
  feed('ff0300fd' + wire.toString('hex'));
  assert.deepEqual(ev.ip, [pkt]);
  assert.ok(dbg.texts().some((l) => l.startsWith('PPP Encr/Comp Pkt: 9000')));
  assert.ok(dbg.texts().includes(`PPP IP Pkt: ${pkt.subarray(0, 22).toString('hex')}...`));
  // our answer travels encrypted, protocol compressed (Windows asked for PFC and ACFC)
  out.length = 0;
  s.sendIp(ipPacket('10.1.1.1', '192.168.1.1'));
  assert.equal(out.length, 1);
  assert.match(out[0], /^fd9000/);
  assert.equal(s.status().encryptedPackets, 1);
  assert.equal(s.status().decryptedPackets, 1);
  s.abort('test over');
  assert.equal(clock.pending(), 0);
});
