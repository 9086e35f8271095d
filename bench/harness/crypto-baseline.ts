/**
 * Baselines measured in the same run as the benchmarks that compare with them:
 * - the MS-CHAPv2 + MPPE-128 key-derivation crypto of one session, both
 *   ends (what the client and the server each compute: NT hash, NT-Response,
 *   authenticator response, master and start keys, initial session keys);
 * - raw RC4 on one packet size, TypeScript and OpenSSL (one reused cipher).
 */
import { randomBytes } from 'node:crypto';
import {
  mppeMasterKeysV2FromHash,
  mschapV2AuthenticatorResponseFromHash,
  mschapV2NtResponseFromHash,
  ntPasswordHash,
} from '../../src/proto/crypto/mschap.js';
import { initialSessionKey } from '../../src/proto/crypto/mppe-keys.js';
import { NodeRc4, Rc4, nodeRc4Available } from '../../src/proto/crypto/rc4.js';
import { bestRate, rate } from './report.js';

/** Sessions per second if a session cost only its MS-CHAPv2 + MPPE key crypto (client + server). */
export function mschapV2CryptoRate(ms = 400): number {
  const user = 'bench';
  const password = 'bench-Passw0rd';
  const auth = randomBytes(16);
  const peer = randomBytes(16);
  let sink = 0;
  const oneSide = (role: 'client' | 'server') => {
    const h = ntPasswordHash(password);
    const nt = mschapV2NtResponseFromHash(auth, peer, user, h);
    const s = mschapV2AuthenticatorResponseFromHash(h, nt, peer, auth, user);
    const keys = mppeMasterKeysV2FromHash(h, nt, role);
    sink += s.length + initialSessionKey(keys.send, 128)[0] + initialSessionKey(keys.recv, 128)[0];
  };
  const r = rate(() => {
    oneSide('client');
    oneSide('server');
  }, ms, 20);
  if (sink < 0) console.log(sink);
  return r;
}

/**
 * Raw RC4 packets per second on `size`-octet packets: TypeScript, and
 * OpenSSL through Node when the legacy provider is loaded, each the best
 * of five rounds. The baseline is Node's RC4; without it the
 * TypeScript figure stands in.
 */
export function rawRc4Rates(size: number, ms = 200): { ts: number; node: number | undefined; baseline: number; baselineName: string } {
  const key = randomBytes(16);
  const pkt = randomBytes(size);
  const out = Buffer.alloc(size);
  const ts = new Rc4(key);
  const tsRate = bestRate(() => ts.process(pkt, out), 5, ms, 200);
  let nodeRate: number | undefined;
  if (nodeRc4Available()) {
    const n = new NodeRc4(key);
    nodeRate = bestRate(() => n.process(pkt, out), 5, ms, 200);
  }
  return nodeRate !== undefined
    ? { ts: tsRate, node: nodeRate, baseline: nodeRate, baselineName: "Node's RC4" }
    : { ts: tsRate, node: undefined, baseline: tsRate, baselineName: 'TS RC4' };
}
