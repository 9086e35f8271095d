/**
 * Management and security lines: aaa, http, snmp-server, telnet, ssh,
 * console, username, privilege, banner, crypto, isakmp, vpngroup, dhcpd ...
 */
import type { Decl } from '../declare.js';

export const MANAGEMENT: Decl[] = [];
