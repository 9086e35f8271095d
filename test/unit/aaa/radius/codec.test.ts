/**
 * RADIUS codec: a real FreeRADIUS 3.2.1 MS-CHAPv2 exchange (from
 * shared/reference/aaa/vectors-radius-mschapv2.json) decoded and verified
 * byte for byte, keys recovered; our Access-Request's Message-Authenticator
 * checks; decoders never throw and reject every truncation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodePacket,
  encodeAccessRequest,
  encodeAccountingRequest,
  hideUserPassword,
  newRequestAuthenticator,
  unhideUserPassword,
  vendorAttribute,
  verifyAccessRequest,
  verifyResponse,
  verifyZeroAuthRequest,
} from '../../../../src/proto/radius/codec.js';
import { MsAttr, VENDOR_MICROSOFT } from '../../../../src/proto/radius/dictionary.js';
import { mppeKeysFromAccept } from '../../../../src/proto/radius/auth.js';

const SECRET = 'testing123';
const REQUEST = Buffer.from(
  '0135009de48c63ff53d538fc9d001b90290a146d0107636973636f04067f0000010506000000003d060000000506060000000207060000000150126984f180fa526859aac686293d421d0f1a18000001370b125f3c1a9e0b7d42c6a8e1f0d3b2c49a771a3a000001371934070021b7e4c09a5d3f6e8c1b2a4d6f8e0c3a0000000000000000110a4ae1ea5015cb15f49bedcc3125d6e972f93def91d826',
  'hex',
);
const REPLY = Buffer.from(
  '023500bfbdad49a091f2dafb26c821f605cfaf880606000000020706000000011a33000001371a2d07533d353334423146423745384142444330434144414643453442343436443037363230333438303532441a2a000001371124853e09e20bf7197f3618b27c16fd21b496bf0c6d675ee94ed5b89c46c3fa4a5193f31a2a0000013710248fb2f3e12cc0f4e8d39820cc1c93eef212454e5bb2b6163bc8ad5f6f9a855c271dce1a0c000001370706000000021a0c00000137080600000004',
  'hex',
);

describe('RADIUS codec against a real FreeRADIUS exchange', () => {
  it('decodes radclient\'s Access-Request and verifies its Message-Authenticator', () => {
    const d = decodePacket(REQUEST);
    assert.ok(d.ok);
    if (!d.ok) return;
    assert.equal(d.packet.code, 1);
    assert.equal(d.packet.identifier, 0x35);
    assert.equal(verifyAccessRequest(d.packet, SECRET), 'ok');
    assert.equal(verifyAccessRequest(d.packet, 'other'), 'bad-message-authenticator');
    assert.equal(vendorAttribute(d.packet, VENDOR_MICROSOFT, MsAttr.ChapChallenge)?.toString('hex'), '5f3c1a9e0b7d42c6a8e1f0d3b2c49a77');
  });

  it('verifies the Access-Accept\'s Response Authenticator and recovers the MPPE keys and S=', () => {
    const d = decodePacket(REPLY);
    assert.ok(d.ok);
    if (!d.ok) return;
    const reqAuth = REQUEST.subarray(4, 20);
    assert.equal(verifyResponse(d.packet, reqAuth, SECRET), 'ok');
    assert.equal(verifyResponse(d.packet, reqAuth, 'testing124'), 'bad-authenticator');
    assert.equal(verifyResponse(d.packet, reqAuth, SECRET, true), 'missing-message-authenticator');
    const tampered = Buffer.from(REPLY);
    tampered[tampered.length - 1]! ^= 1;
    const t = decodePacket(tampered);
    assert.ok(t.ok && verifyResponse(t.packet, reqAuth, SECRET) === 'bad-authenticator');
    const req = {
      method: 'mschap-v2' as const,
      username: 'cisco',
      authChallenge: Buffer.from('5f3c1a9e0b7d42c6a8e1f0d3b2c49a77', 'hex'),
      peerChallenge: Buffer.from('21b7e4c09a5d3f6e8c1b2a4d6f8e0c3a', 'hex'),
      ntResponse: Buffer.from('110a4ae1ea5015cb15f49bedcc3125d6e972f93def91d826', 'hex'),
    };
    const keys = mppeKeysFromAccept(req, d.packet, SECRET, reqAuth);
    assert.equal(keys.keys?.send.toString('hex'), 'aad1bf370c36bfc7eb6b3e25480b8e41');
    assert.equal(keys.keys?.recv.toString('hex'), '03027e46c3932873350e306327759cdf');
    assert.equal(vendorAttribute(d.packet, VENDOR_MICROSOFT, MsAttr.Chap2Success)!.subarray(1).toString(), 'S=534B1FB7E8ABDC0CADAFCE4B446D07620348052D');
  });
});

describe('RADIUS codec: encoding and robustness', () => {
  it('our Access-Request carries a valid Message-Authenticator; Accounting-Request a valid Request Authenticator', () => {
    const auth = newRequestAuthenticator();
    const e = encodeAccessRequest(5, auth, 'k', [['User-Name', 'cisco'], [2, hideUserPassword(Buffer.from('pw'), 'k', auth)]]);
    assert.ok(e.ok);
    if (!e.ok) return;
    const d = decodePacket(e.packet);
    assert.ok(d.ok && verifyAccessRequest(d.packet, 'k') === 'ok');
    assert.deepEqual(d.ok && d.packet.authenticator, auth);
    const a = encodeAccountingRequest(6, 'k', [['Acct-Status-Type', 'Start'], ['Acct-Session-Id', 'x']]);
    assert.ok(a.ok);
    if (!a.ok) return;
    const ad = decodePacket(a.packet);
    assert.ok(ad.ok && verifyZeroAuthRequest(ad.packet, 'k') === 'ok');
    assert.ok(ad.ok && verifyZeroAuthRequest(ad.packet, 'j') === 'bad-authenticator');
  });

  it('refuses attribute values longer than 253 octets instead of throwing', () => {
    const e = encodeAccessRequest(1, newRequestAuthenticator(), 'k', [['User-Name', 'x'.repeat(254)]]);
    assert.equal(e.ok, false);
  });

  it('User-Password hiding round-trips for 0..128 octets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }).map((a) => Buffer.from(a.map((x) => x || 1))), fc.string(), (pw, secret) => {
        const auth = newRequestAuthenticator();
        const h = hideUserPassword(pw, secret, auth);
        assert.equal(h.length % 16, 0);
        assert.ok(h.length >= 16);
        assert.deepEqual(unhideUserPassword(h, secret, auth), pw);
      }),
    );
  });

  it('rejects every truncation of a real reply and never throws on random bytes', () => {
    for (let n = 0; n < REPLY.length; n++) assert.equal(decodePacket(REPLY.subarray(0, n)).ok, false, `truncated at ${n}`);
    const lying = Buffer.from(REPLY);
    lying[lying.length - 11] = 200; // the last attribute (a 12-octet VSA) claims 200 octets
    assert.deepEqual(decodePacket(lying), { ok: false, reason: 'bad-attribute' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (x) => {
        const b = Buffer.from(x);
        if (b.length >= 4) b.writeUInt16BE(Math.min(b.length, Math.max(0, b.readUInt16BE(2) % 320)), 2);
        const d = decodePacket(b);
        if (d.ok) {
          assert.ok(d.packet.raw.length >= 20);
          verifyResponse(d.packet, Buffer.alloc(16), 's');
          verifyZeroAuthRequest(d.packet, 's');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
