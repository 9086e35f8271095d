/**
 * The inner IPv4 packets Windows 10 sent in the second call of
 * shared/reference/captures/windows10-rras-mschapv2-mppe128.pcap, decrypted
 * with our own MS-CHAPv2 key derivation and MPPE (user vpnuser, password
 * vpnuser123; test/unit/capture/windows10-mppe.test.ts proves every frame
 * decrypts). Undefined when shared/ is not beside the repository.
 */
import { readFileSync } from 'node:fs';
import { capturePath, pppFramesOf, readPcap } from './pcap.js';
import { mppeMasterKeysV2 } from '../../src/proto/crypto/mschap.js';
import { MppeDecryptor } from '../../src/proto/ppp/mppe.js';

export const WINDOWS10_CAPTURE = 'windows10-rras-mschapv2-mppe128.pcap';
const CLIENT = '192.168.43.39';
const PASSWORD = 'vpnuser123';
/** The CHAP Response of the second call (the first call's handshake is not captured). */
const CHAP_RESPONSE_FRAME = 291;
const SECOND_CALL_FROM = 270;

export interface DecryptedPacket {
  /** Wireshark frame number of the MPPE frame. */
  frame: number;
  ip: Buffer;
}

export function windows10ClientPackets(): DecryptedPacket[] | undefined {
  const path = capturePath(WINDOWS10_CAPTURE);
  if (!path) return undefined;
  const pcap = readPcap(readFileSync(path));
  if (!pcap) throw new Error(`${path} is not a pcap file`);
  const frames = pppFramesOf(pcap);
  const resp = frames.find((f) => f.frame === CHAP_RESPONSE_FRAME);
  if (!resp || resp.ppp.protocol !== 0xc223 || resp.ppp.info[0] !== 2) throw new Error(`frame ${CHAP_RESPONSE_FRAME} is not the CHAP Response`);
  // CHAP Response: code id length(2) value-size(1)=49, value = peer challenge(16) reserved(8) NT-Response(24) flags(1)
  const ntResponse = Buffer.from(resp.ppp.info.subarray(5 + 24, 5 + 48));
  const keys = mppeMasterKeysV2(PASSWORD, ntResponse, 'server');
  const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
  const out: DecryptedPacket[] = [];
  for (const f of frames) {
    if (f.ppp.protocol !== 0xfd || f.frame < SECOND_CALL_FROM || f.src !== CLIENT) continue;
    const r = rx.decrypt(Buffer.from(f.ppp.info));
    if (!r.ok || r.payload.readUInt16BE(0) !== 0x0021) throw new Error(`frame ${f.frame} does not decrypt to IPv4`);
    out.push({ frame: f.frame, ip: Buffer.from(r.payload.subarray(2)) });
  }
  return out;
}
