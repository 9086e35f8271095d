/**
 * The troubleshooting lab's scenarios: each failure the seeds describe
 * ("What Can Go Wrong" in seed 003, errors 734/742 in seed 000, the PIX
 * 403108 pool case), as a broken PIX config, the client that meets it,
 * what the client then shows, the seed's reasoning, and the config lines
 * that fix it.
 *
 * Pure data: the runners (inprocess.ts, linux-vm.ts) turn a scenario into
 * a server and a client. Addresses come from a LabAddresses so the same
 * config serves loopback (seed 003's documentation addresses, used as data
 * inside the memory TUN only) and the VM's namespace.
 */
import type { AuthProtocol } from '../config/model.js';
import type { ProfileName } from '../client/personalities.js';
import { ipToInt } from '../../grammar/types.js';
import { numberToIp } from '../proto/ip/ipv4.js';

export interface LabAddresses {
  /** `ip address outside`: the server's PPP address (the ping target). */
  outside: string;
  outsideMask: string;
  inside: string;
  insideMask: string;
  poolFirst: string;
  poolLast: string;
}

/** Seed 003's addresses: outside 172.18.124.152, inside 10.1.1.1, pool 192.168.1.1-50. */
export const SEED_ADDRESSES: LabAddresses = {
  outside: '172.18.124.152',
  outsideMask: '255.255.255.0',
  inside: '10.1.1.1',
  insideMask: '255.255.255.0',
  poolFirst: '192.168.1.1',
  poolLast: '192.168.1.50',
};

export interface RadiusEndpoint {
  host: string;
  port: number;
  secret: string;
}

/** What the client is set to (the profile gives the rest). */
export interface ClientSpec {
  user: string;
  password: string;
  /** Protocols the client accepts; undefined = the profile's. */
  auth?: AuthProtocol[];
  /** "Require encryption" / "optional" / "no encryption allowed"; undefined = the profile's. */
  encryption?: 'required' | 'optional' | 'none';
  /** What this client stands for, in the report. */
  label: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** The Windows error the client shows, or undefined where the seed says none is shown. */
  windowsError: number;
  /** Syslog ids the broken run must print (beyond 603104/603105). */
  syslogs: number[];
  /** Lines the broken run's server console must contain (substring match). */
  expectLines: string[];
  /** The PIX config, broken (`radius`: where the lab's FreeRADIUS listens, for needsRadius). */
  config(a: LabAddresses, radius?: RadiusEndpoint): string[];
  defaultProfile: ProfileName;
  client: ClientSpec;
  /** A client that dials first and stays up through both runs (pool-exhausted). */
  holder?: ClientSpec;
  /** The linter finding whose reasoning explains this failure, when it has one. */
  lintCode?: string;
  /** The seed's words. */
  seedQuote: string;
  /** The lab's own explanation (used beside / instead of the linter's). */
  explanation: string;
  /** Config lines that fix it, typed in configuration mode. */
  fix(a: LabAddresses): string[];
  /** One line about the fix (what changes on the PC or PIX). */
  fixNote: string;
  /** Debug commands beyond the lab's three (LAB_DEBUGS). */
  extraDebugs?: string[];
  /** Needs an external RADIUS server (FreeRADIUS). */
  needsRadius?: boolean;
  /** Only our client can play it (why, for --client linux-vm). */
  oursOnly?: string;
}

/** The debug switches every run types at the console. */
export const LAB_DEBUGS = ['debug vpdn event', 'debug ppp negotiation', 'debug ppp uauth'];

export const LAB_USER = 'cisco';
export const LAB_PASSWORD = 'cisco';

/** Seed 003 "PIX Configuration - Local Authentication", trimmed to what PPTP needs. */
export function baseConfig(
  a: LabAddresses,
  o: { auth: string[]; mppe?: string; users?: [string, string][]; pool?: [string, string]; clientAuth?: string; extra?: string[] },
): string[] {
  const pool = o.pool ?? [a.poolFirst, a.poolLast];
  return [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    'hostname pixfirewall',
    'logging on',
    'logging console debugging',
    `ip address outside ${a.outside} ${a.outsideMask}`,
    `ip address inside ${a.inside} ${a.insideMask}`,
    `ip local pool pptp-pool ${pool[0]}-${pool[1]}`,
    ...(o.extra ?? []),
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    ...o.auth.map((p) => `vpdn group 1 ppp authentication ${p}`),
    ...(o.mppe ? [`vpdn group 1 ppp encryption mppe ${o.mppe}`] : []),
    'vpdn group 1 client configuration address local pptp-pool',
    `vpdn group 1 client authentication ${o.clientAuth ?? 'local'}`,
    ...(o.users ?? [[LAB_USER, LAB_PASSWORD]]).map(([u, p]) => `vpdn username ${u} password ${p}`),
    'vpdn enable outside',
  ];
}

/** The password the bad-password client types (the PIX still has the old one). */
const NEW_PASSWORD = 'Spring-2024';

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'bad-password',
    title: 'The client sends a password the PIX does not have',
    windowsError: 691,
    syslogs: [603103],
    expectLines: ['aaa authentication failed'],
    config: (a) => baseConfig(a, { auth: ['pap', 'chap', 'mschap', 'mschap-v2'], mppe: 'auto' }),
    defaultProfile: 'windows10',
    client: { user: LAB_USER, password: NEW_PASSWORD, label: 'user cisco with the new password' },
    seedQuote:
      'Seed 003: "If you intend to use RADIUS and/or TACACS+, try to set up local (username and password on the PIX) ' +
      'authentication first." Seed 003, PIX MPPE RADIUS Problem: the PC shows "Error 691: Access was denied because ' +
      'the username and/or password was invalid on the domain."',
    explanation:
      'The user changed the password on the PC, the PIX still has the old one in "vpdn username cisco password ...". ' +
      'The PIX checks the response, logs 603103 "aaa authentication failed" and sends an authentication Failure; ' +
      'the client hangs up with error 691. The tunnel is reported with username Unknown and address 0.0.0.0.',
    fix: () => [`vpdn username ${LAB_USER} password ${NEW_PASSWORD}`],
    fixNote: 'Give the PIX the password the user has (or have the user type the one the PIX has).',
  },
  {
    name: 'domain-user',
    title: 'A Windows 98 client in a domain sends DOMAIN\\cisco with MS-CHAP',
    windowsError: 691,
    syslogs: [603103],
    expectLines: ['aaa authentication failed'],
    config: (a) => baseConfig(a, { auth: ['pap', 'chap', 'mschap'] }),
    defaultProfile: 'linux',
    client: { user: 'DOMAIN\\cisco', password: LAB_PASSWORD, auth: ['mschap'], encryption: 'optional', label: 'Windows 98 in domain DOMAIN (MS-CHAP)' },
    lintCode: 'mschap-domain-username',
    seedQuote:
      'Seed 003: "when you use MS-CHAP, the domain name can be appended to the front of the username ... Username ' +
      'entered in DUN - "cisco"; Domain set on Windows 98 box - "DOMAIN"; MS-CHAP username sent to PIX - ' +
      '"DOMAIN\\cisco"; Username on PIX - "cisco"; Result - Invalid username/password."',
    explanation:
      'With PAP or CHAP the name sent is what the user typed; with MS-CHAP Windows 98 sends DOMAIN\\cisco, which does ' +
      'not match "vpdn username cisco": the PIX refuses it (603103 failed) and the PC shows error 691. Names match ' +
      'exactly, as on the PIX.',
    fix: () => [`vpdn username DOMAIN\\${LAB_USER} password ${LAB_PASSWORD}`],
    fixNote: 'Seed 003: "in addition to having the non-domain username, you can add "DOMAIN\\username" to the PIX".',
  },
  {
    name: 'no-common-auth',
    title: 'The client speaks MS-CHAPv2 only, the PIX 6.3 config MS-CHAPv1 only',
    windowsError: 732,
    syslogs: [],
    expectLines: ['LCP: Failed to negotiate with peer'],
    config: (a) => baseConfig(a, { auth: ['mschap'], mppe: 'auto' }),
    defaultProfile: 'windows10',
    client: { user: LAB_USER, password: LAB_PASSWORD, auth: ['mschap-v2'], label: 'MS-CHAPv2 only (every Windows since Vista)' },
    lintCode: 'mschap-v1-only',
    seedQuote:
      'Seed 003, PIX and PC Cannot Negotiate Authentication: "The PC authentication protocols are set for ones the PIX ' +
      'is unable to do (... Microsoft CHAP Version 2 (MS-CHAP v.2) instead of version 1). The PC and PIX are unable to ' +
      'agree on authentication. The PC displays this message: Disconnected - Error 732: Your computer and the remote ' +
      'computer could not agree on PPP control protocols". Seed 000 shows the router\'s side of it: "Vi1 LCP: Failed ' +
      'to negotiate with peer".',
    explanation:
      'The PIX asks for MS-CHAP (CHAP algorithm 0x80) in its LCP Configure-Request; the client Naks it and suggests ' +
      'MS-CHAPv2 (0x81), which the group does not offer. The PIX has nothing else to propose, so LCP fails ("Failed ' +
      'to negotiate with peer") and the link ends before any authentication (no 603102/603103): the client shows ' +
      'error 732.',
    fix: () => ['vpdn group 1 ppp authentication mschap-v2'],
    fixNote: 'Offer MS-CHAPv2 (a pix-pptpd extension; a real PIX 6.3 cannot) beside MS-CHAPv1 for old clients.',
  },
  {
    name: 'mppe-required-client-refuses',
    title: 'The PIX requires MPPE, the PC allows no encryption',
    windowsError: 734,
    syslogs: [],
    expectLines: ['reason: mppe required but not active, tunnel terminated', 'MPPE_key_strength is None'],
    config: (a) => baseConfig(a, { auth: ['mschap', 'mschap-v2'], mppe: '40 required' }),
    defaultProfile: 'linux',
    client: { user: LAB_USER, password: LAB_PASSWORD, auth: ['mschap', 'mschap-v2'], encryption: 'none', label: 'encryption: no encryption allowed' },
    seedQuote:
      'Seed 003, PIX and PC Cannot Negotiate Encryption: "The PIX is set for vpdn group 1 ppp encrypt mppe 40 required ' +
      'and the PC for no encryption allowed. This does not produce any messages on the PC, but the session disconnects ' +
      'and the PIX debug shows this output: PPTP: Call id 8, no session id protocol: 21, reason: mppe required but not ' +
      'active, tunnel terminated". Seed 000: "if the router is set for vpdn group 1 ppp encrypt mppe 40 required and the ' +
      'PC is set for "no encryption allowed." The PC does not connect and produces an "Error 734"".',
    explanation:
      'Authentication succeeds, then the client Protocol-Rejects CCP (it will not encrypt). The PIX may not carry IP ' +
      'unencrypted, drops the first IP packet (protocol 0x21) with "mppe required but not active" and ends the tunnel; ' +
      '603104 shows MPPE_key_strength None. The PC sees the link terminated: error 734.',
    fix: () => ['vpdn group 1 ppp encryption mppe auto'],
    fixNote:
      'Make encryption optional on the PIX (the PC then runs unencrypted), or better: allow encryption on the PC and ' +
      'keep "required".',
  },
  {
    name: 'client-requires-encryption',
    title: 'The PC requires encryption, the PIX has no MPPE',
    windowsError: 742,
    syslogs: [],
    expectLines: ['O PROTREJ', 'protocol CCP'],
    config: (a) => baseConfig(a, { auth: ['mschap', 'mschap-v2'] }),
    defaultProfile: 'windows10',
    client: { user: LAB_USER, password: LAB_PASSWORD, encryption: 'required', label: 'encryption: require encryption (the Windows default)' },
    seedQuote:
      'Seed 003: "The PC is set for Encrypted only and the vpdn group 1 ppp encrypt mppe 40 required command is deleted ' +
      'from the PIX. The PC and PIX are unable to agree on encryption and the PC displays this message: Error 742 : The ' +
      'remote computer does not support the required data encryption type." Seed 000: "The debug ppp negotiation ' +
      'command shows this output. Vi1 LCP: O PROTREJ [Open] id 5 len 16 protocol CCP".',
    explanation:
      'Without "ppp encryption mppe" the PIX has no CCP: it Protocol-Rejects the client\'s CCP Configure-Request ' +
      '(O PROTREJ ... protocol CCP). A client that requires encryption then hangs up: error 742.',
    fix: () => ['vpdn group 1 ppp encryption mppe auto'],
    fixNote: 'Seed 003: "vpdn group 1 ppp encryption mppe auto": "the PC and PIX autonegotiate" the encryption.',
  },
  {
    name: 'pool-exhausted',
    title: 'The address pool is used up: the next client authenticates and is dropped',
    windowsError: 734,
    syslogs: [403108],
    expectLines: ['missing client ip address option'],
    config: (a) =>
      baseConfig(a, {
        auth: ['mschap', 'mschap-v2'],
        mppe: 'auto',
        pool: [a.poolFirst, a.poolFirst],
        users: [[LAB_USER, LAB_PASSWORD], ['alice', 'Alice-pw1']],
      }),
    defaultProfile: 'windows10',
    holder: { user: LAB_USER, password: LAB_PASSWORD, label: 'user cisco, already connected' },
    client: { user: 'alice', password: 'Alice-pw1', label: 'user alice' },
    lintCode: 'pool-too-small',
    oursOnly: 'it needs two clients connected at once and the VM runs one',
    seedQuote:
      'Seed 003 sample: "ip local pool pptp-pool 192.168.1.1-192.168.1.50" - one address per connected client. PIX ' +
      'syslog 403108: "PPP virtual interface N missing client ip address option".',
    explanation:
      'The pool has one address and cisco holds it. alice authenticates (603103 succeed), IPCP finds no free address: ' +
      'the PIX logs 403108 and terminates the link; the client sees error 734. cisco is not disturbed.',
    fix: (a) => [`ip local pool pptp-pool ${nextAddress(a.poolFirst)}-${a.poolLast}`],
    fixNote: 'A second "ip local pool" line with the same name adds a range to the pool.',
  },
  {
    name: 'radius-no-mppe-keys',
    title: 'MPPE required, the RADIUS server returns no MPPE keys',
    windowsError: 691,
    syslogs: [403110, 603103],
    expectLines: ['missing MPPE key from aaa server', 'aaa authentication failed'],
    config: (a, r) =>
      baseConfig(a, {
        auth: ['mschap', 'mschap-v2'],
        mppe: '40 required',
        clientAuth: 'aaa RADIUS',
        extra: [
          // the lab's FreeRADIUS (a placeholder address when none runs: the scenario is skipped then)
          ...(r ? [`aaa-server radius-authport ${r.port}`, `aaa-server radius-acctport ${r.port + 1}`] : []),
          'aaa-server RADIUS protocol radius',
          `aaa-server RADIUS (inside) host ${r?.host ?? a.inside} ${r?.secret ?? 'testing123'} timeout 5`,
        ],
      }),
    defaultProfile: 'windows10',
    client: { user: LAB_USER, password: LAB_PASSWORD, encryption: 'optional', label: 'user cisco, encryption allowed (RADIUS)' },
    lintCode: 'radius-mppe-keys',
    extraDebugs: ['debug radius'],
    needsRadius: true,
    oursOnly: 'FreeRADIUS runs on loopback beside the in-process server',
    seedQuote:
      'Seed 003, PIX MPPE RADIUS Problem: "The PIX is set for vpdn group 1 ppp encrypt mppe 40 required and the PC for ' +
      'encryption allowed with authentication to a RADIUS server does not return the MPPE key. The PC shows this ' +
      'message: Error 691 ... 403110: PPP virtual interface 1, user: cisco missing MPPE key from aaa server". Seed 003: ' +
      '"Some RADIUS servers do not support MPPE. If a RADIUS server does not support MPPE keying, RADIUS authentication ' +
      'does work, but MPPE encryption does not work."',
    explanation:
      'FreeRADIUS accepts the MS-CHAP response but strips MS-MPPE-Send-Key/Recv-Key from the Access-Accept. With MPPE ' +
      'required the PIX cannot key the link: 403110, 603103 failed, and the client sees error 691 though the password ' +
      'was right.',
    fix: () => ['vpdn group 1 ppp encryption mppe auto'],
    fixNote:
      'Make the RADIUS server send the MPPE keys (FreeRADIUS mschap does by default), or, as here, stop requiring ' +
      'MPPE: the client then connects unencrypted.',
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

function nextAddress(ip: string): string {
  return numberToIp(ipToInt(ip) + 1);
}
