/**
 * CCP option 18 (MPPE, RFC 3078 2) negotiation, as pure functions the CCP
 * layer (ppp/ccp.ts) calls. No state here besides what the caller passes.
 *
 * Option layout:
 *    0               1               2
 *   +---------------+---------------+---------------+---
 *   |   Type = 18   |  Length = 6   | Supported Bits (4 octets)
 *   +---------------+---------------+---------------+---
 *   Supported Bits: H = 0x01000000 stateless, and in the last octet
 *   M = 0x80 56-bit, S = 0x40 128-bit, L = 0x20 40-bit, D = 0x10
 *   (obsolete), C = 0x01 MPPC compression (never accepted here).
 *
 * The usual exchange (RFC 3078 2, pppd, the Windows capture): each side
 * requests every strength it allows; the other Naks with the single one it
 * picked; the final Configure-Requests carry exactly one strength and agree
 * on H. `auto` allows 128, 56 and 40 and picks the strongest the peer has;
 * without `required`, a peer that cannot encrypt gets no encryption.
 */
import type { MppeSetting } from '../../config/model.js';
import type { MppeBits } from '../crypto/mppe-keys.js';

export const CCP_OPTION_MPPE = 18;
export const MPPE_OPTION_LENGTH = 6;
export const MPPE_H_STATELESS = 0x01000000;
export const MPPE_M_56 = 0x80;
export const MPPE_S_128 = 0x40;
export const MPPE_L_40 = 0x20;
export const MPPE_D_OBSOLETE = 0x10;
export const MPPE_C_MPPC = 0x01;
const STRENGTH_MASK = MPPE_M_56 | MPPE_S_128 | MPPE_L_40;

const BIT_OF: Record<MppeBits, number> = { 128: MPPE_S_128, 56: MPPE_M_56, 40: MPPE_L_40 };
/** Strongest first: the order `auto` prefers. */
const STRENGTHS: readonly MppeBits[] = [128, 56, 40];

/** What this end will do, from the group's `ppp encryption mppe` setting. */
export interface MppePolicy {
  /** Strengths we allow, strongest first. */
  allowed: MppeBits[];
  required: boolean;
  stateless: boolean;
}

/** The policy for a group; undefined when the group has no `ppp encryption mppe` line. */
export function mppePolicy(setting: MppeSetting | undefined): MppePolicy | undefined {
  if (!setting) return undefined;
  const allowed: MppeBits[] = setting.strength === 'auto' ? [...STRENGTHS] : [setting.strength];
  return { allowed, required: setting.required, stateless: !setting.stateful };
}

/** Decode the option's value from its 6 octets (type, length, 4 value octets). */
export function decodeMppeOption(opt: Uint8Array): { ok: true; value: number } | { ok: false; reason: 'short' | 'type' | 'length' } {
  if (opt.length < 2) return { ok: false, reason: 'short' };
  if (opt[0] !== CCP_OPTION_MPPE) return { ok: false, reason: 'type' };
  if (opt[1] !== MPPE_OPTION_LENGTH || opt.length < MPPE_OPTION_LENGTH) return { ok: false, reason: 'length' };
  const value = ((opt[2]! << 24) | (opt[3]! << 16) | (opt[4]! << 8) | opt[5]!) >>> 0;
  return { ok: true, value };
}

/** The 6-octet option for `value`. */
export function encodeMppeOption(value: number): Buffer {
  const b = Buffer.alloc(MPPE_OPTION_LENGTH);
  b[0] = CCP_OPTION_MPPE;
  b[1] = MPPE_OPTION_LENGTH;
  b.writeUInt32BE(value >>> 0, 2);
  return b;
}

/** Strengths present in a value, strongest first. */
export function strengthsOf(value: number): MppeBits[] {
  return STRENGTHS.filter((s) => (value & BIT_OF[s]) !== 0);
}

function single(bits: MppeBits, stateless: boolean): number {
  return (BIT_OF[bits] | (stateless ? MPPE_H_STATELESS : 0)) >>> 0;
}

function bestCommon(policy: MppePolicy, value: number): MppeBits | undefined {
  const theirs = strengthsOf(value);
  return policy.allowed.find((s) => theirs.includes(s));
}

/** Our Configure-Request value: every strength we allow, H when stateless. */
export function ourMppeRequest(policy: MppePolicy): number {
  let v = policy.stateless ? MPPE_H_STATELESS : 0;
  for (const s of policy.allowed) v |= BIT_OF[s];
  return v >>> 0;
}

export type MppeVerdict =
  | { action: 'ack'; bits: MppeBits; stateless: boolean }
  | { action: 'nak'; value: number }
  | { action: 'rej' };

/**
 * Judge the option in the peer's Configure-Request. Ack exactly one
 * strength we allow with our H bit; Nak with the best common strength
 * (dropping MPPC and D); with nothing in common, Nak with our best when
 * encryption is required (the FSM's max-failure turns that into a Reject
 * and CCP fails), else Reject (no encryption).
 */
export function judgePeerMppeRequest(policy: MppePolicy, value: number): MppeVerdict {
  const best = bestCommon(policy, value);
  if (best === undefined) {
    return policy.required ? { action: 'nak', value: single(policy.allowed[0]!, policy.stateless) } : { action: 'rej' };
  }
  const want = single(best, policy.stateless);
  if (value >>> 0 === want) return { action: 'ack', bits: best, stateless: policy.stateless };
  return { action: 'nak', value: want };
}

/**
 * The peer's Configure-Request carried no MPPE option: when encryption is
 * required, Nak to add ours (RFC 1661 5.3 allows a Nak to ask for an
 * option); otherwise nothing to do.
 */
export function peerOmittedMppe(policy: MppePolicy): { action: 'nak'; value: number } | { action: 'none' } {
  return policy.required ? { action: 'nak', value: single(policy.allowed[0]!, policy.stateless) } : { action: 'none' };
}

export type MppeNextRequest =
  | { action: 'request'; value: number }
  /** Send the next Configure-Request without option 18 (no encryption). */
  | { action: 'drop' }
  /** Encryption required and impossible: close CCP (and LCP: Windows error 734/742). */
  | { action: 'fail' };

/** The peer Nak'd our option with `nakValue`: our next request. */
export function onPeerMppeNak(policy: MppePolicy, nakValue: number): MppeNextRequest {
  const best = bestCommon(policy, nakValue);
  if (best !== undefined) return { action: 'request', value: single(best, policy.stateless) };
  return policy.required ? { action: 'fail' } : { action: 'drop' };
}

/** The peer Rejected option 18 (it will not encrypt). */
export function onPeerMppeReject(policy: MppePolicy): MppeNextRequest {
  return policy.required ? { action: 'fail' } : { action: 'drop' };
}

/** A value that names exactly one strength: its bits and mode; else undefined. */
export function negotiatedMppe(value: number): { bits: MppeBits; stateless: boolean } | undefined {
  const s = strengthsOf(value);
  if (s.length !== 1 || value & MPPE_C_MPPC) return undefined;
  return { bits: s[0]!, stateless: (value & MPPE_H_STATELESS) !== 0 };
}

/** For syslog 603104: `MPPE_key_strength is 40 bits|56 bits|128 bits|None`. */
export function mppeStrengthText(bits: MppeBits | 0 | undefined): string {
  return bits ? `${bits} bits` : 'None';
}

/** For debug lines: e.g. `0x01000040 (H S: stateless 128-bit)`. */
export function describeMppeValue(value: number): string {
  const names: string[] = [];
  if (value & MPPE_H_STATELESS) names.push('H');
  if (value & MPPE_M_56) names.push('M');
  if (value & MPPE_S_128) names.push('S');
  if (value & MPPE_L_40) names.push('L');
  if (value & MPPE_D_OBSOLETE) names.push('D');
  if (value & MPPE_C_MPPC) names.push('C');
  const strengths = strengthsOf(value).map((s) => `${s}-bit`).join('/');
  const mode = value & MPPE_H_STATELESS ? 'stateless' : 'stateful';
  return `0x${(value >>> 0).toString(16).padStart(8, '0')} (${names.join(' ') || 'none'}: ${mode} ${strengths || 'no encryption'})`;
}

export { STRENGTH_MASK as MPPE_STRENGTH_MASK };
