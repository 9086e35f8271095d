import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DialError, PeerSignals, classifyFailure } from '../../../src/client/failure.js';
import type { PppPhase } from '../../../src/proto/ppp/session.js';

const frame = (hex: string) => Buffer.from(hex, 'hex');
const phase = (p: PppPhase) => () => p;

test('PeerSignals: CHAP Failure, PAP Nak, Protocol-Reject of CCP, Terminate-Request with our phase', () => {
  const s = new PeerSignals();
  s.observe(frame('ff03c22304010009453d363931'), phase('authenticate')); // CHAP Failure "E=691"
  assert.equal(s.authRefused, true);
  const p = new PeerSignals();
  p.observe(frame('c0230301000500'), phase('authenticate')); // PAP Nak, no FF 03 (Windows style)
  assert.equal(p.authRefused, true);
  const c = new PeerSignals();
  c.observe(frame('ff03c0210803000a80fd0101000a'), phase('network')); // LCP ProtRej CCP
  assert.equal(c.ccpRejected, true);
  c.observe(frame('ff03c0210804000a802101010004'), phase('network')); // ProtRej IPCP: not CCP
  const t = new PeerSignals();
  t.observe(frame('ff03c02105020004'), phase('establish'));
  t.observe(frame('ff03c02105030004'), phase('terminate'));
  assert.equal(t.terminatedIn, 'establish', 'the first Terminate-Request counts');
  const none = new PeerSignals();
  none.observe(frame('ff03c2230301000400'), phase('authenticate')); // CHAP Success
  none.observe(frame('ff03c0210101000a'), phase('establish')); // ConfReq
  assert.deepEqual([none.authRefused, none.ccpRejected, none.terminatedIn], [false, false, undefined]);
});

test('PeerSignals never throws on garbage', () => {
  const s = new PeerSignals();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => s.observe(Buffer.from(b), phase('network'))), { numRuns: 1000 });
});

test('classifyFailure: the most specific reason wins, with the Windows error', () => {
  const sig = (f: Partial<PeerSignals>) => Object.assign(new PeerSignals(), f);
  const cases: [Parameters<typeof classifyFailure>[0], string, number | undefined][] = [
    [{ peer: sig({ authRefused: true }), lowerLayer: 'CDN result 3' }, 'auth-failed', 691],
    [{ peer: sig({}), pppDown: 'authentication failed (peer-failure)' }, 'auth-failed', 691],
    [{ peer: sig({ ccpRejected: true }), pppDown: 'mppe required but not active' }, 'encryption-unsupported', 742],
    [{ peer: sig({}), pppDown: 'no common authentication protocol' }, 'lcp-failed', 732],
    [{ peer: sig({ terminatedIn: 'establish' }) }, 'lcp-failed', 732],
    [{ peer: sig({ terminatedIn: 'network' }), lowerLayer: 'CDN result 3' }, 'link-terminated', 734],
    [{ peer: sig({}), lowerLayer: 'CDN result 1' }, 'call-cleared', undefined],
  ];
  for (const [ev, reason, win] of cases) {
    const e = classifyFailure(ev);
    assert.ok(e instanceof DialError);
    assert.equal(e.reason, reason, JSON.stringify(ev));
    assert.equal(e.windowsError, win);
    assert.match(e.message, new RegExp(`^PPTP dial failed: ${reason}: `));
  }
});
