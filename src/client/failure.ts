/**
 * Why a dial failed, in words a user (and the load generator's summary)
 * can act on, with the Windows error a real client shows for the same
 * fault where the seeds name one (pix-behaviour.md, "Windows errors").
 *
 * The PPP session reports only its own end of the story (its onDown
 * reason), and the server's CDN often overtakes it. So the client also
 * watches what the server sends while the link is coming up
 * (PeerSignals): a CHAP Failure or PAP Nak, a Protocol-Reject of CCP, an
 * LCP Terminate-Request and the phase it arrived in.
 */
import type { PppPhase } from '../proto/ppp/session.js';
import { CP_CODE, PPP_PROTO } from '../proto/ppp/frame.js';
import { WINDOWS_ERROR as PPP_WINDOWS_ERROR } from '../proto/ppp/windows-errors.js';

export type DialFailureReason =
  /** TCP connection to the server failed. */
  | 'connect-failed'
  /** SCCRP refused, or the control connection ended before it was up. */
  | 'control-refused'
  /** OCRP with a result other than Connected. */
  | 'call-refused'
  /** LCP could not agree (e.g. no common authentication protocol): Windows 732. */
  | 'lcp-failed'
  /** The server refused our credentials: Windows 691. */
  | 'auth-failed'
  /** We require MPPE and the server has none or none we accept: Windows 742. */
  | 'encryption-unsupported'
  /** The server ended PPP after authentication (its MPPE requirement, no address): Windows 734. */
  | 'link-terminated'
  /** The call or tunnel went away without a PPP-level reason. */
  | 'call-cleared'
  /** No free call id on the shared GRE socket. */
  | 'no-call-id'
  | 'timeout';

export const WINDOWS_ERROR: Partial<Record<DialFailureReason, number>> = PPP_WINDOWS_ERROR;

export class DialError extends Error {
  readonly windowsError: number | undefined;
  constructor(
    readonly reason: DialFailureReason,
    readonly detail: string,
  ) {
    super(`PPTP dial failed: ${reason}: ${detail}`);
    this.name = 'DialError';
    this.windowsError = WINDOWS_ERROR[reason];
  }
}

/**
 * Where the control packet of an LCP, CHAP or PAP frame starts, with its
 * protocol: protocol << 8 | offset; -1 for other protocols and for frames
 * decodeFrame / decodeCp would refuse.
 *   [FF 03] protocol (1 octet if odd, else 2) | code | id | length (>= 4, within the frame) | data
 */
function cpOffset(f: Buffer): number {
  let off = f.length >= 2 && f[0] === 0xff && f[1] === 0x03 ? 2 : 0;
  if (f.length < off + 1) return -1;
  let protocol: number;
  if (f[off]! & 1) protocol = f[off++]!;
  else {
    if (f.length < off + 2) return -1;
    protocol = f.readUInt16BE(off);
    if ((protocol & 1) === 0) return -1;
    off += 2;
  }
  if (protocol !== PPP_PROTO.LCP && protocol !== PPP_PROTO.CHAP && protocol !== PPP_PROTO.PAP) return -1;
  if (f.length - off < 4) return -1;
  const len = f.readUInt16BE(off + 2);
  if (len < 4 || len > f.length - off) return -1;
  return (protocol << 8) | off;
}

const PAP_NAK = 3;
const CHAP_FAILURE = 4;

/** What the server said while the link came up. */
export class PeerSignals {
  authRefused = false;
  ccpRejected = false;
  /** Our phase when the server's LCP Terminate-Request arrived. */
  terminatedIn: PppPhase | undefined;

  /**
   * Look at one incoming PPP frame; `phase` is ours before it is
   * processed. Never throws. Every frame before the link is up comes
   * through here as well as through the session: the header octets are
   * read in place (frame.ts's layouts), no decoded copies.
   */
  observe(frame: Buffer, phase: () => PppPhase): void {
    const at = cpOffset(frame);
    if (at < 0) return;
    const protocol = at >>> 8;
    const off = at & 0xff;
    const code = frame[off]!;
    if (protocol === PPP_PROTO.CHAP && code === CHAP_FAILURE) this.authRefused = true;
    else if (protocol === PPP_PROTO.PAP && code === PAP_NAK) this.authRefused = true;
    else if (protocol === PPP_PROTO.LCP && code === CP_CODE.TermReq) this.terminatedIn ??= phase();
    else if (protocol === PPP_PROTO.LCP && code === CP_CODE.ProtRej && frame.readUInt16BE(off + 2) >= 6 && frame.readUInt16BE(off + 4) === PPP_PROTO.CCP) {
      this.ccpRejected = true;
    }
  }
}

export interface FailureEvidence {
  peer: PeerSignals;
  /** The PPP session's own onDown reason, if it ended. */
  pppDown?: string;
  /** How the call or tunnel ended, if it did (CDN text, tunnel close reason). */
  lowerLayer?: string;
}

/** The most specific reason the evidence supports. */
export function classifyFailure(e: FailureEvidence): DialError {
  const p = e.pppDown ?? '';
  if (e.peer.authRefused || p.startsWith('authentication failed')) {
    return new DialError('auth-failed', p || 'server refused the credentials');
  }
  if (p === 'mppe required but not active') {
    return new DialError('encryption-unsupported', e.peer.ccpRejected ? 'server Protocol-Rejected CCP' : 'no MPPE strength agreed');
  }
  if (p === 'no common authentication protocol' || e.peer.terminatedIn === 'establish') {
    return new DialError('lcp-failed', p || 'server terminated LCP during negotiation');
  }
  if (e.peer.terminatedIn === 'authenticate' || e.peer.terminatedIn === 'network') {
    return new DialError('link-terminated', `server terminated the link in the ${e.peer.terminatedIn} phase${p ? ` (${p})` : ''}`);
  }
  if (p) return new DialError('link-terminated', p);
  return new DialError('call-cleared', e.lowerLayer ?? 'call ended');
}
