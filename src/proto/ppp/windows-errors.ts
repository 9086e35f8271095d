/**
 * The PPP faults a Windows client reports with an error number of its
 * own (pix-behaviour.md, "Windows errors"; seed 003 shows 732): the
 * vocabulary our client's dial failures and the server's set-up failure
 * counters share.
 */
export type PppFailure =
  /** LCP could not agree (e.g. no common authentication protocol). */
  | 'lcp-failed'
  /** The credentials were refused. */
  | 'auth-failed'
  /** The client requires MPPE and the server has none the client accepts. */
  | 'encryption-unsupported'
  /** The server ended PPP after authentication (its MPPE requirement, no address). */
  | 'link-terminated';

export const WINDOWS_ERROR: Readonly<Record<PppFailure, number>> = {
  'lcp-failed': 732,
  'auth-failed': 691,
  'encryption-unsupported': 742,
  'link-terminated': 734,
};
