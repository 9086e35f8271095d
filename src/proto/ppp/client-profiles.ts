/**
 * How a PPP client behaves on the wire: the personality a client-role
 * PppSession takes (`clientProfile`). The values are data, so a test or
 * the load generator can spread a profile and change one field.
 *
 * WINDOWS10_PPP_PROFILE reproduces the Windows 10 client of
 * shared/reference/captures/windows10-rras-mschapv2-mppe128.pcap
 * (frames 275-311, 101):
 * - LCP Configure-Request `01 04 05 78 | 05 06 <magic> | 07 02 | 08 02 | 0d 03 06`
 *   (MRU 1400, Magic, PFC, ACFC, Callback operation 6 = CBCP), identifier 0;
 *   Callback dropped when the server rejects it; EAP and every CHAP but
 *   MS-CHAPv2 Nak'ed with `03 05 c2 23 81`; multilink options rejected;
 *   the server's Callback operation 6 Acked, then CBCP "no callback"
 *   after authentication (frames 283, 293-295).
 * - Configure/Terminate LCP packets keep FF 03 (frames 275-283, 101);
 *   once ACFC is agreed every other frame goes without it, LCP
 *   Identification included (frames 284-286: `c0 21 0c ...`).
 * - Right after LCP opens: three Identification packets (code 12, our
 *   magic number, then `MSRASV5.20`, `MSRAS-0-<computer name>`, the
 *   16-octet GUID that the OCRQ Subaddress also carries).
 * - One identifier counter for every protocol it originates packets of
 *   (LCP 0, Identification 1-3, IPv6CP 4, CCP 5, IPCP 6, 7, 8).
 * - After authentication IPv6CP, CCP, IPCP Configure-Requests at once;
 *   IPCP asks 0.0.0.0 + DNS 129, NBNS 130, DNS 131, NBNS 132 in that order;
 *   CCP asks 0x01000040 (H + S: stateless 128-bit) whatever else it allows.
 * - Teardown: Terminate-Request with 12 data octets (frame 101:
 *   `162a1f3a 003ccd74 00000000`): we send our magic number, the link's
 *   uptime in milliseconds (the capture's second word looks like a tick
 *   count; its meaning is not documented) and four zero octets.
 *
 * LINUX_PPP_PROFILE mirrors pppd 2.4.9 as run by the linuxvm harness
 * (shared/reference/linuxvm/README.md) and pppd's sources as we know them:
 * - LCP `<asyncmap 0x0> <magic> <pcomp> <accomp>` (no MRU: 1500 is the
 *   default and pppd only asks for a different one), identifier 1, FF 03 on
 *   every LCP packet (RFC 1661 6.6); each protocol counts its own
 *   identifiers from 1.
 * - IPCP `<compress VJ 0f 01> <addr 0.0.0.0>` (VJ dropped when rejected; no
 *   DNS without `usepeerdns`), IPV6CP `<addr fe80::...>` by default.
 * - CCP `<mppe +H -M +S -L -D -C>` with require-mppe-128: every strength
 *   it allows. With MPPE required pppd opens CCP first and IPCP/IPV6CP only
 *   once CCP is up (auth.c start_networks/continue_networks); a peer's
 *   early IPCP request meets a Closed automaton and gets Terminate-Ack, so
 *   the peer retransmits after its restart timer (3 s against us).
 *
 * Which protocols the client authenticates with and which MPPE strengths
 * it allows stay in the session's group settings (`authProtocols`,
 * `mppe`); `authProtocols` here is only the default for an empty list.
 */
import type { AuthProtocol } from '../../config/model.js';

export type NcpName = 'ipcp' | 'ipv6cp' | 'ccp';

export interface PppClientProfile {
  name: string;
  lcp: {
    /** MRU to ask for; null = do not ask (1500). The session's `mru` option wins. */
    mru: number | null;
    /** Async-Control-Character-Map to ask for; null = do not ask. */
    asyncMap: number | null;
    /** Callback (option 13) operation to ask for; null = do not ask. Dropped when rejected. */
    callback: number | null;
    /**
     * The peer's Callback with this operation is Acked (Windows: 6, as it
     * Acks RRAS's in frame 283) and answered with CBCP "no callback" after
     * authentication (frames 293-295); null = Rejected.
     */
    acceptCallback: number | null;
    /**
     * After ACFC is agreed, LCP packets other than Configure/Terminate/
     * Code-Reject (codes 8 and up: Identification, Echo, Protocol-Reject)
     * go without FF 03 too, as Windows sends them.
     */
    compressExtendedCodes: boolean;
  };
  /** Protocols to accept when the group's list is empty, preferred first (the first is the Nak suggestion). */
  authProtocols: readonly AuthProtocol[];
  /** 'shared': one identifier counter for every protocol (Windows); 'per-protocol': pppd. */
  identifiers: 'shared' | 'per-protocol';
  /** The first identifier used (Windows 0, pppd 1). */
  firstIdentifier: number;
  /** LCP Identification messages (after the magic number) sent when LCP opens; empty = none. */
  identification: readonly Uint8Array[];
  /** Terminate-Request data: 'windows' = magic + uptime ms + 4 zero octets; 'none' = empty. */
  terminateData: 'windows' | 'none';
  /** Network-phase protocols in the order their Configure-Requests go out. */
  ncpOrder: readonly NcpName[];
  /** Ask for IPv6CP (an Interface-Identifier); given up when Protocol-Rejected. */
  ipv6cp: boolean;
  /** With MPPE required, open IPCP/IPv6CP only once CCP is up (pppd). */
  ncpWaitsForCcp: boolean;
  /**
   * IPCP options our Configure-Request carries, in order: 2 VJ, 3 address,
   * 129/131 DNS, 130/132 NBNS. Rejected ones are dropped, Nak'ed values taken.
   */
  ipcpRequest: readonly number[];
  /** MPPE bits to ask for: every strength allowed (pppd) or only the strongest (Windows). */
  mppeOffer: 'all-allowed' | 'strongest';
}

/** The three Identification messages of a Windows 10 RAS client. */
export function windowsIdentification(computerName: string, guid: Uint8Array): Uint8Array[] {
  return [Buffer.from('MSRASV5.20', 'latin1'), Buffer.from(`MSRAS-0-${computerName}`, 'latin1'), Buffer.from(guid)];
}

/** The computer name and connection GUID of the captured Windows 10 client (frames 285/286 and the OCRQ). */
export const WINDOWS10_CAPTURE_COMPUTER_NAME = 'WIN-2RRBUS7N9GE';
export const WINDOWS10_CAPTURE_GUID: Uint8Array = Buffer.from('96157121fdb78f47b5d0be36d2e97e50', 'hex');

export const WINDOWS10_PPP_PROFILE: PppClientProfile = {
  name: 'Windows 10',
  lcp: { mru: 1400, asyncMap: null, callback: 6, acceptCallback: 6, compressExtendedCodes: true },
  authProtocols: ['mschap-v2'],
  identifiers: 'shared',
  firstIdentifier: 0,
  identification: windowsIdentification(WINDOWS10_CAPTURE_COMPUTER_NAME, WINDOWS10_CAPTURE_GUID),
  terminateData: 'windows',
  ncpOrder: ['ipv6cp', 'ccp', 'ipcp'],
  ipv6cp: true,
  ncpWaitsForCcp: false,
  ipcpRequest: [3, 129, 130, 131, 132],
  mppeOffer: 'strongest',
};

export const LINUX_PPP_PROFILE: PppClientProfile = {
  name: 'Linux pppd 2.4.9',
  lcp: { mru: null, asyncMap: 0, callback: null, acceptCallback: null, compressExtendedCodes: false },
  authProtocols: ['mschap-v2', 'mschap', 'chap', 'pap'],
  identifiers: 'per-protocol',
  firstIdentifier: 1,
  identification: [],
  terminateData: 'none',
  // pppd's protocol table order; CCP first when MPPE is required (ncpWaitsForCcp).
  ncpOrder: ['ccp', 'ipcp', 'ipv6cp'],
  ipv6cp: true,
  ncpWaitsForCcp: true,
  ipcpRequest: [2, 3],
  mppeOffer: 'all-allowed',
};

/**
 * No profile given: what the client role did before profiles existed
 * (MRU 1400, Magic, PFC, ACFC; IPCP address + DNS; IPCP and CCP at once;
 * no IPv6CP, per-protocol identifiers from 1).
 */
export const BASIC_PPP_PROFILE: PppClientProfile = {
  name: 'basic',
  lcp: { mru: 1400, asyncMap: null, callback: null, acceptCallback: null, compressExtendedCodes: false },
  authProtocols: ['mschap-v2', 'mschap', 'chap', 'pap'],
  identifiers: 'per-protocol',
  firstIdentifier: 1,
  identification: [],
  terminateData: 'none',
  ncpOrder: ['ipcp', 'ccp'],
  ipv6cp: false,
  ncpWaitsForCcp: false,
  ipcpRequest: [3, 129, 131],
  mppeOffer: 'all-allowed',
};
