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
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame } from '../proto/ppp/frame.js';
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

const PAP_NAK = 3;
const CHAP_FAILURE = 4;

/** What the server said while the link came up. */
export class PeerSignals {
  authRefused = false;
  ccpRejected = false;
  /** Our phase when the server's LCP Terminate-Request arrived. */
  terminatedIn: PppPhase | undefined;

  /** Look at one incoming PPP frame; `phase` is ours before it is processed. Never throws. */
  observe(frame: Buffer, phase: () => PppPhase): void {
    const f = decodeFrame(frame);
    if (!f.ok) return;
    const { protocol, payload } = f.value;
    if (protocol !== PPP_PROTO.LCP && protocol !== PPP_PROTO.CHAP && protocol !== PPP_PROTO.PAP) return;
    const cp = decodeCp(payload);
    if (!cp.ok) return;
    const { code, data } = cp.value;
    if (protocol === PPP_PROTO.CHAP && code === CHAP_FAILURE) this.authRefused = true;
    else if (protocol === PPP_PROTO.PAP && code === PAP_NAK) this.authRefused = true;
    else if (protocol === PPP_PROTO.LCP && code === CP_CODE.TermReq) this.terminatedIn ??= phase();
    else if (protocol === PPP_PROTO.LCP && code === CP_CODE.ProtRej && data.length >= 2 && data.readUInt16BE(0) === PPP_PROTO.CCP) {
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
