/**
 * Client personalities: the PPTP control fields (proto/pptp/client-control.ts profiles)
 * plus what that client accepts in PPP by default.
 *
 *   windows10: MS-CHAPv2 only and "Require encryption" (the Windows 10
 *              defaults for a PPTP connection), MPPE of any strength; a
 *              DHCPINFORM through the tunnel once IPCP is up, as the
 *              captured client sends, for its routes.
 *   linux:     pppd without refuse-* or require-mppe options: every
 *              authentication protocol it has a secret for, MPPE when the
 *              server offers it. pppd never sends DHCPINFORM.
 */
import type { AuthProtocol, MppeSetting } from '../config/model.js';
import { LINUX_PPTP_PROFILE, WINDOWS10_PROFILE, type PptpClientProfile } from '../proto/pptp/client-control.js';
import { WINDOWS10_CAPTURE_COMPUTER_NAME, WINDOWS10_CAPTURE_GUID } from '../proto/ppp/client-profiles.js';
import type { InformIdentity } from './dhcp-inform.js';

export type ProfileName = 'linux' | 'windows10';

export interface ClientPersonality {
  control: PptpClientProfile;
  authProtocols: AuthProtocol[];
  /** undefined: no CCP at all (the client Protocol-Rejects the server's CCP) */
  mppe: MppeSetting | undefined;
  /** Sends a DHCPINFORM after IPCP (Windows), with this identity; undefined: never (pppd). */
  dhcpInform?: InformIdentity;
}

export function personality(p: ProfileName | PptpClientProfile): ClientPersonality {
  if (p === 'windows10' || p === WINDOWS10_PROFILE) {
    return {
      control: WINDOWS10_PROFILE,
      authProtocols: ['mschap-v2'],
      mppe: { strength: 'auto', required: true, stateful: false },
      dhcpInform: { clientId: WINDOWS10_CAPTURE_GUID, hostName: WINDOWS10_CAPTURE_COMPUTER_NAME },
    };
  }
  if (p === 'linux' || p === LINUX_PPTP_PROFILE) {
    return {
      control: LINUX_PPTP_PROFILE,
      authProtocols: ['mschap-v2', 'mschap', 'chap', 'pap'],
      mppe: { strength: 'auto', required: false, stateful: false },
    };
  }
  return {
    control: p,
    authProtocols: ['mschap-v2', 'mschap', 'chap', 'pap'],
    mppe: { strength: 'auto', required: false, stateful: false },
  };
}
