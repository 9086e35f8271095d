/**
 * The real Windows 10 -> RRAS capture (shared/reference/captures) as a
 * known-answer test: our MS-CHAPv2 code must reproduce the server's
 * authenticator response, and our MPPE decryptor must turn every MPPE frame
 * of the second call into a valid IPv4 packet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { readPcap, pppFramesOf, decodeIpv4, internetChecksum, type CapturedPpp } from '../../harness/pcap.js';
import { mppeMasterKeysV2, mschapV2AuthenticatorResponse, mschapV2NtResponse } from '../../../src/proto/crypto/mschap.js';
import { MppeDecryptor, MppeEncryptor } from '../../../src/proto/ppp/mppe.js';

const SERVER = '192.168.43.104';
const CLIENT = '192.168.43.39';
const PASSWORD = 'vpnuser123';

/** shared/ lives beside the repository; walk up from this file (test/ or dist/test/). */
function capturePath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = resolve(dir, '..', 'shared', 'reference', 'captures', 'windows10-rras-mschapv2-mppe128.pcap');
    if (existsSync(p)) return p;
    dir = resolve(dir, '..');
  }
  return undefined;
}

interface Call {
  frames: CapturedPpp[];
  challenge: Buffer;
  peerChallenge: Buffer;
  ntResponse: Buffer;
  name: Buffer;
  success: string;
}

function load(): Call | undefined {
  const path = capturePath();
  if (!path) return undefined;
  const pcap = readPcap(readFileSync(path));
  assert.ok(pcap, 'the capture parses as pcap');
  const frames = pppFramesOf(pcap);
  const byNumber = (n: number) => frames.find((f) => f.frame === n);
  // CHAP (RFC 1994 / RFC 2759): code(1) id(1) length(2) value-size(1) value name
  const ch = byNumber(290)!;
  const resp = byNumber(291)!;
  const ok = byNumber(292)!;
  assert.equal(ch.ppp.protocol, 0xc223);
  assert.equal(ch.ppp.info[0], 1, 'frame 290 is a CHAP Challenge');
  assert.equal(resp.ppp.info[0], 2, 'frame 291 is a CHAP Response');
  assert.equal(ok.ppp.info[0], 3, 'frame 292 is a CHAP Success');
  assert.equal(ch.ppp.info[4], 16);
  assert.equal(resp.ppp.info[4], 49);
  const value = resp.ppp.info.subarray(5, 5 + 49);
  const respLen = resp.ppp.info.readUInt16BE(2);
  return {
    frames,
    challenge: Buffer.from(ch.ppp.info.subarray(5, 21)),
    peerChallenge: Buffer.from(value.subarray(0, 16)),
    ntResponse: Buffer.from(value.subarray(24, 48)),
    name: Buffer.from(resp.ppp.info.subarray(5 + 49, respLen)),
    success: ok.ppp.info.subarray(4, ok.ppp.info.readUInt16BE(2)).toString('latin1'),
  };
}

const call = load();
const skip = call ? false : 'shared/reference/captures not beside the repository';

/** IPv4 check the README's independent decryption used: version 4, header checksum, total length. */
function validIpv4(p: Buffer): boolean {
  const ip = decodeIpv4(p);
  return !!ip && ip.totalLength === p.length && internetChecksum(ip.header) === 0;
}

function mppeFrames(c: Call, from: number, to: number) {
  return c.frames.filter((f) => f.ppp.protocol === 0xfd && f.frame >= from && f.frame <= to);
}

test('capture: MS-CHAPv2 of the second call verifies (NT-Response and S=)', { skip }, () => {
  const c = call!;
  assert.equal(c.name.toString('latin1'), 'vpnuser');
  assert.deepEqual(mschapV2NtResponse(c.challenge, c.peerChallenge, c.name, PASSWORD), c.ntResponse);
  assert.equal(c.success.slice(0, 42), mschapV2AuthenticatorResponse(PASSWORD, c.ntResponse, c.peerChallenge, c.challenge, c.name));
  assert.notDeepEqual(mschapV2NtResponse(c.challenge, c.peerChallenge, c.name, 'vpnuser124'), c.ntResponse);
});

test('capture: every MPPE frame of the second call decrypts to valid IPv4 (505 + 184)', { skip }, () => {
  const c = call!;
  const keys = mppeMasterKeysV2(PASSWORD, c.ntResponse, 'server');
  const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
  const tx = new MppeDecryptor({ masterKey: keys.send, bits: 128, stateless: true });
  let fromClient = 0;
  let fromServer = 0;
  for (const f of mppeFrames(c, 270, Infinity)) {
    const toServer = f.src === CLIENT && f.dst === SERVER;
    const d = toServer ? rx : tx;
    const r = d.decrypt(Buffer.from(f.ppp.info));
    assert.ok(r.ok, `frame ${f.frame}: ${r.ok ? '' : r.reason}`);
    assert.equal(r.payload.readUInt16BE(0), 0x0021, `frame ${f.frame}: inner protocol 00 21`);
    assert.ok(validIpv4(r.payload.subarray(2)), `frame ${f.frame}: valid IPv4`);
    if (toServer) fromClient++;
    else fromServer++;
  }
  assert.equal(fromClient, 505);
  assert.equal(fromServer, 184);
  assert.equal(rx.stats.ok, 505);
  assert.equal(tx.stats.ok, 184);
  assert.equal(rx.stats.badProtocol + tx.stats.badProtocol, 0);
});

test('capture: our encryptor reproduces the client\'s ciphertext byte for byte', { skip }, () => {
  const c = call!;
  const server = mppeMasterKeysV2(PASSWORD, c.ntResponse, 'server');
  const clientKeys = mppeMasterKeysV2(PASSWORD, c.ntResponse, 'client');
  assert.deepEqual(clientKeys.send, server.recv);
  const dec = new MppeDecryptor({ masterKey: server.recv, bits: 128, stateless: true });
  const enc = new MppeEncryptor({ masterKey: clientKeys.send, bits: 128, stateless: true });
  // Windows' counts run 0, 1, 2 ... without gaps, so re-encrypting the
  // plaintext in order must give the captured bytes.
  let n = 0;
  for (const f of mppeFrames(c, 270, Infinity).filter((x) => x.src === CLIENT)) {
    const wire = Buffer.from(f.ppp.info);
    const r = dec.decrypt(Buffer.from(wire));
    assert.ok(r.ok);
    assert.deepEqual(enc.encrypt(Buffer.from(r.payload)), wire, `frame ${f.frame}`);
    n++;
  }
  assert.equal(n, 505);
});

test('capture: the 8 MPPE frames of the earlier call are recognised as undecryptable and counted', { skip }, () => {
  const c = call!;
  const earlier = mppeFrames(c, 1, 127);
  assert.equal(earlier.length, 8);
  const keys = mppeMasterKeysV2(PASSWORD, c.ntResponse, 'server');
  // The wrong call's keys: the counts are accepted but nothing decrypts to IPv4.
  const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
  const tx = new MppeDecryptor({ masterKey: keys.send, bits: 128, stateless: true });
  let undecryptable = 0;
  for (const f of earlier) {
    const r = (f.src === CLIENT ? rx : tx).decrypt(Buffer.from(f.ppp.info));
    if (!r.ok || !validIpv4(r.payload.subarray(r.payload[0]! & 1 ? 1 : 2))) undecryptable++;
  }
  assert.equal(undecryptable, 8);
  const s = rx.stats;
  const t = tx.stats;
  assert.equal(s.ok + s.badProtocol + s.tooFar + s.replay + t.ok + t.badProtocol + t.tooFar + t.replay, 8, 'each frame counted once');
});

test('capture: MPPE frames truncated at every offset or with flipped bytes are counted, never thrown', { skip }, () => {
  const c = call!;
  const keys = mppeMasterKeysV2(PASSWORD, c.ntResponse, 'server');
  const sample = mppeFrames(c, 270, Infinity).filter((f) => f.src === CLIENT).slice(0, 6);
  for (const f of sample) {
    for (let cut = 0; cut < f.ppp.info.length; cut++) {
      const d = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
      const r = d.decrypt(Buffer.from(f.ppp.info.subarray(0, cut)));
      if (cut < 3) assert.deepEqual(r, { ok: false, reason: 'short' });
      else if (r.ok) assert.ok(!validIpv4(r.payload.subarray(2)) || cut === f.ppp.info.length);
    }
  }
  // Flipped bytes: a header flip is rejected or decrypts to garbage; a body
  // flip changes only that byte (RC4 is a stream cipher). The receiver's key
  // state survives: the next genuine frame still decrypts.
  const frames = mppeFrames(c, 270, Infinity).filter((f) => f.src === CLIENT).slice(0, 40);
  fc.assert(
    fc.property(fc.nat(frames.length - 2), fc.nat(2000), fc.integer({ min: 1, max: 255 }), (i, pos, mask) => {
      const d = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
      for (let k = 0; k < i; k++) assert.ok(d.decrypt(Buffer.from(frames[k]!.ppp.info)).ok);
      const bad = Buffer.from(frames[i]!.ppp.info);
      bad[pos % bad.length]! ^= mask;
      d.decrypt(bad);
      const next = d.decrypt(Buffer.from(frames[i + 1]!.ppp.info));
      assert.ok(next.ok, 'the next genuine frame decrypts');
      assert.ok(validIpv4(next.payload.subarray(2)));
    }),
    { numRuns: 200, seed: 3078 },
  );
});
