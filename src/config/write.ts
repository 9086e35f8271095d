/**
 * RunningConfig -> PIX lines (`show running-config`, `write terminal`,
 * `write memory`), generated from the model in PIX 6.3 order (slots.ts).
 *
 * Secrets ('mask' for show/write terminal, 'clear' for write memory):
 *   enable password / passwd   always the PIX hash + `encrypted` (as a PIX)
 *   vpdn username password     `********` when masked (PIX 6.3 masks it, as
 *                              it masks vpngroup passwords); clear in
 *                              write memory: MS-CHAP needs the password
 *   aaa-server host key        `********` when masked; clear in write memory
 * The Cryptochecksum is the MD5 of the clear text above it, so show run
 * and the saved file carry the same checksum.
 */
import { createHash } from 'node:crypto';
import type { RunningConfig, VerbatimLine } from './running.js';
import type { VpdnGroup, VpdnLimits } from './model.js';
import { DEFAULT_ENABLE_HASH, DEFAULT_PASSWD_HASH } from './pix-hash.js';
import { DYNAUTH_DEFAULT_PORT, RADIUS_DEFAULT_ACCT_PORT, RADIUS_DEFAULT_AUTH_PORT } from './apply.js';
import { SLOTS, slotOrOther, type Slot } from './slots.js';

export const MASK = '********';
export const DEFAULT_PIX_VERSION = '6.3(3)';
const LEVELS = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'];

export interface WriteOptions {
  secrets: 'mask' | 'clear';
}

export function writeConfig(rc: RunningConfig, opts: WriteOptions): string[] {
  const body = writeBody(rc, opts.secrets);
  const clearBody = opts.secrets === 'clear' ? body : writeBody(rc, 'clear');
  const sum = createHash('md5').update(clearBody.join('\n') + '\n').digest('hex');
  return [...body, `Cryptochecksum:${sum}`, ': end'];
}

function writeBody(rc: RunningConfig, secrets: 'mask' | 'clear'): string[] {
  const typed = typedLines(rc, secrets);
  const verbatim = new Map<Slot, string[]>();
  const list = rc.verbatim ?? [];
  // Comments travel with the family of the line they preceded.
  list.forEach((v: VerbatimLine) => {
    const slot = v.family === 'comment' ? slotOrOther(v.before ?? 'other') : slotOrOther(v.family);
    let arr = verbatim.get(slot);
    if (!arr) verbatim.set(slot, (arr = []));
    arr.push(v.text);
  });
  const out: string[] = [': Saved', ':', `PIX Version ${rc.pixVersion ?? DEFAULT_PIX_VERSION}`];
  for (const slot of SLOTS) {
    const v = verbatim.get(slot) ?? [];
    const comments = v.filter((t) => t.startsWith('!'));
    const rest = v.filter((t) => !t.startsWith('!'));
    out.push(...comments, ...(typed.get(slot) ?? []), ...rest);
  }
  out.push(`terminal width ${rc.terminalWidth ?? 80}`);
  return out;
}

function typedLines(rc: RunningConfig, secrets: 'mask' | 'clear'): Map<Slot, string[]> {
  const m = new Map<Slot, string[]>();
  const put = (s: Slot, ...lines: string[]) => {
    let a = m.get(s);
    if (!a) m.set(s, (a = []));
    a.push(...lines);
  };
  const vpn = rc.vpn;
  for (const h of rc.hardware ?? []) put('interface', ['interface', h.hardware, ...h.settings].join(' '));
  for (const n of rc.nameifs ?? []) put('nameif', `nameif ${n.hardware} ${n.name} security${n.security}`);
  put('enable', `enable password ${rc.enablePassword?.encrypted === false ? rc.enablePassword.value : rc.enablePassword?.value ?? DEFAULT_ENABLE_HASH}${rc.enablePassword?.encrypted === false ? '' : ' encrypted'}`);
  put('passwd', `passwd ${rc.passwd?.value ?? DEFAULT_PASSWD_HASH} encrypted`);
  put('hostname', `hostname ${vpn.hostname}`);
  put('pager', rc.pagerLines > 0 ? `pager lines ${rc.pagerLines}` : 'no pager');

  const lg = rc.logging;
  const sw = (on: boolean | undefined, what: string) => (on ? `logging ${what}` : `no logging ${what}`);
  const lvl = (l: number | undefined, what: string) => (l === undefined ? `no logging ${what}` : `logging ${what} ${LEVELS[l] ?? l}`);
  put(
    'logging',
    sw(lg.on, 'on'),
    sw(lg.timestamp, 'timestamp'),
    sw(lg.standby, 'standby'),
    lvl(lg.console, 'console'),
    lvl(lg.monitor, 'monitor'),
    lvl(lg.buffered, 'buffered'),
    lvl(lg.trap, 'trap'),
    lvl(lg.history, 'history'),
    `logging facility ${lg.facility ?? 20}`,
    `logging queue ${lg.queue ?? 512}`,
    ...lg.hosts.map((h) => `logging host ${h.interfaceName} ${h.address}`),
  );

  for (const i of vpn.interfaces) if (i.mtu !== undefined) put('mtu', `mtu ${i.name} ${i.mtu}`);
  for (const i of vpn.interfaces) {
    put('ip address', i.address !== undefined ? `ip address ${i.name} ${i.address} ${i.mask}` : `no ip address ${i.name}`);
  }
  for (const p of vpn.pools) {
    for (const r of p.ranges) put('ip local pool', `ip local pool ${p.name} ${r.start}-${r.end}${p.mask ? ` mask ${p.mask}` : ''}`);
  }

  const rp = rc.radiusPorts ?? {};
  if (rp.authentication !== undefined) put('aaa-server', `aaa-server radius-authport ${rp.authentication}`);
  if (rp.accounting !== undefined) put('aaa-server', `aaa-server radius-acctport ${rp.accounting}`);
  const defAuth = rp.authentication ?? RADIUS_DEFAULT_AUTH_PORT;
  const defAcct = rp.accounting ?? RADIUS_DEFAULT_ACCT_PORT;
  for (const g of vpn.aaaServerGroups) {
    put('aaa-server', `aaa-server ${g.tag} protocol ${g.protocol}`);
    if (g.maxFailedAttempts !== undefined) put('aaa-server', `aaa-server ${g.tag} max-failed-attempts ${g.maxFailedAttempts}`);
    if (g.deadtime !== undefined) put('aaa-server', `aaa-server ${g.tag} deadtime ${g.deadtime}`);
    if (g.interimSeconds !== undefined) put('aaa-server', `aaa-server ${g.tag} accounting interim ${g.interimSeconds}`);
    if (g.dynamicAuthorization) {
      const port = g.dynamicAuthorization.port;
      put('aaa-server', `aaa-server ${g.tag} dynamic-authorization${port !== DYNAUTH_DEFAULT_PORT ? ` port ${port}` : ''}`);
    }
    for (const h of g.hosts) {
      let l = `aaa-server ${g.tag}${h.interfaceName !== undefined ? ` (${h.interfaceName})` : ''} host ${h.address}`;
      if (h.key !== undefined) l += ' ' + (secrets === 'mask' ? MASK : h.key);
      if (h.timeout !== undefined) l += ` timeout ${h.timeout}`;
      if (h.authenticationPort !== undefined && h.authenticationPort !== defAuth) l += ` authentication-port ${h.authenticationPort}`;
      if (h.accountingPort !== undefined && h.accountingPort !== defAcct) l += ` accounting-port ${h.accountingPort}`;
      put('aaa-server', l);
    }
  }
  if (vpn.sysoptPermitPptp) put('sysopt', 'sysopt connection permit-pptp');

  for (const g of vpn.vpdnGroups) put('vpdn', ...groupLines(g));
  // verbatim vpdn lines (PPPoE/L2TP) come after the typed groups
  for (const u of vpn.vpdnUsers) put('vpdn', `vpdn username ${u.name} password ${secrets === 'mask' ? MASK : u.password}${u.storeLocal ? ' store-local' : ''}`);
  put('vpdn', ...limitLines(vpn.limits));
  for (const i of vpn.vpdnEnable) put('vpdn', `vpdn enable ${i}`);
  return m;
}

/** `vpdn limit ...` (extension), global like `vpdn enable`, just before it. */
function limitLines(l: VpdnLimits | undefined): string[] {
  if (!l) return [];
  const out: string[] = [];
  if (l.maxSessions !== undefined) out.push(`vpdn limit sessions ${l.maxSessions}`);
  if (l.maxPerSource !== undefined) out.push(`vpdn limit per-source ${l.maxPerSource}`);
  if (l.authFailures) out.push(`vpdn limit auth-failures ${l.authFailures.count} backoff ${l.authFailures.backoffSeconds}`);
  if (l.setupTimeoutSeconds !== undefined) out.push(`vpdn limit setup-timeout ${l.setupTimeoutSeconds}`);
  return out;
}

function groupLines(g: VpdnGroup): string[] {
  const p = `vpdn group ${g.name}`;
  const out: string[] = [];
  if (g.acceptDialinPptp) out.push(`${p} accept dialin pptp`);
  // Entry order, not the PIX's pap/chap/mschap normalisation: the server
  // offers the protocols in this order, and a save/reload must keep it.
  for (const a of g.authentication) out.push(`${p} ppp authentication ${a}`);
  if (g.mppe) {
    out.push(`${p} ppp encryption mppe ${g.mppe.strength}${g.mppe.required ? ' required' : ''}${g.mppe.stateful ? ' stateful' : ''}`);
  }
  if (g.addressPool !== undefined) out.push(`${p} client configuration address local ${g.addressPool}`);
  if (g.dns.length) out.push(`${p} client configuration dns ${g.dns.join(' ')}`);
  if (g.wins.length) out.push(`${p} client configuration wins ${g.wins.join(' ')}`);
  if (g.clientAuthentication) {
    out.push(g.clientAuthentication.kind === 'local' ? `${p} client authentication local` : `${p} client authentication aaa ${g.clientAuthentication.group}`);
  }
  if (g.clientAccounting !== undefined) out.push(`${p} client accounting ${g.clientAccounting}`);
  if (g.pptpEcho !== undefined) out.push(`${p} pptp echo ${g.pptpEcho}`);
  return out;
}
