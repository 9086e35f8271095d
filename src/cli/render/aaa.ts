/**
 * `show aaa-server [TAG]` (pure).
 *
 * PIX 6.3 prints the group's configuration lines; PIX 7 / ASA print a
 * statistics block per server. With a server that reports statistics
 * (`VpnServerApi.aaaStatus`) we print the PIX 7 layout, else the 6.3 lines.
 *
 * Provisional (no stored source confirms the PIX 7 wording; from memory of
 * PIX 7 / ASA 7-8 output): the field names and the 40-column alignment of
 * `Number of ...`, `Server port: 1645(authentication), 1646(accounting)`,
 * `Server status: ACTIVE, Last transaction at HH:MM:SS UTC Day Mon DD YYYY`,
 * the LOCAL block (`Local database`, `None`), and the accounting queue
 * line, which is ours. Counters the server does not keep are left out
 * rather than printed as 0.
 */
import type { AaaGroupStats, AaaServerStatus } from '../../server/api.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cisco clock style: `10:03:11 UTC Wed Feb 25 2009`. */
export function ciscoTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

function field(name: string, value: string | number): string {
  return `${name.padEnd(40)}${value}`;
}

function protocolName(p: AaaGroupStats['protocol']): string {
  return p === 'radius' ? 'RADIUS' : p === 'tacacs+' ? 'TACACS+' : 'Local database';
}

function lastTransaction(s: AaaServerStatus): number | undefined {
  return s.radius?.lastTransaction;
}

function serverBlock(g: AaaGroupStats, s: AaaServerStatus): string[] {
  const last = lastTransaction(s);
  const lines = [
    `Server Group:    ${g.tag}`,
    `Server Protocol: ${protocolName(g.protocol)}`,
    `Server Address:  ${s.address}`,
    g.protocol === 'radius' ? `Server port:     ${s.authPort}(authentication), ${s.acctPort}(accounting)` : `Server port:     ${s.authPort}`,
    `Server status:   ${s.status}${s.status === 'ACTIVE' ? `, Last transaction at ${last === undefined ? 'unknown' : ciscoTime(last)}` : ''}`,
    // ours: accounting is counted apart (src/proto/radius/client.ts), said only when it failed
    ...(s.radius?.accountingStatus === 'FAILED' ? ['Accounting status: FAILED, records retried until it answers'] : []),
    field('Number of pending requests', s.pending),
    field('Average round trip time', `${Math.round(s.averageRttMs)}ms`),
    field('Number of authentication requests', s.authRequests),
    field('Number of accounting requests', s.acctRequests),
    field('Number of retransmissions', s.retransmits),
    field('Number of accepts', s.accepts),
    field('Number of rejects', s.rejects),
  ];
  if (s.radius) lines.push(field('Number of challenges', s.radius.challenges));
  lines.push(field('Number of malformed responses', s.malformed));
  if (g.protocol === 'radius') lines.push(field('Number of bad authenticators', s.badAuthenticators));
  lines.push(field('Number of timeouts', s.timeouts));
  if (s.radius) lines.push(field('Number of unrecognized responses', s.radius.unrecognized), field('Number of duplicate responses', s.radius.duplicates));
  if (s.tacacs) {
    lines.push(field('Number of connection failures', s.tacacs.connectFailures), field('Number of connections opened', s.tacacs.connectionsOpened));
    lines.push(`Single connection:  ${s.tacacs.singleConnection ? 'yes' : 'no'}`);
  }
  return lines;
}

function accountingLine(g: AaaGroupStats): string | undefined {
  const a = g.accounting;
  if (!a) return undefined;
  if (a.kind === 'radius') {
    return `Accounting queue: ${a.queued} queued, ${a.inFlight} in flight, ${a.acknowledged} acknowledged, ${a.dropped} dropped${a.paused ? ', waiting to retry' : ''}`;
  }
  return `Accounting: ${a.sent} sent, ${a.acknowledged} acknowledged, ${a.failed} failed`;
}

/** The PIX 7-style statistics blocks, one per server (LOCAL: one block). */
export function renderShowAaaServer(groups: readonly AaaGroupStats[], tag?: string): string[] {
  const sel = tag === undefined ? groups : groups.filter((g) => g.tag === tag);
  if (tag !== undefined && sel.length === 0) return [`ERROR: aaa-server group ${tag} does not exist`];
  const blocks: string[][] = [];
  for (const g of sel) {
    if (g.protocol === 'local' || g.servers.length === 0) {
      blocks.push([
        `Server Group:    ${g.tag}`,
        `Server Protocol: ${protocolName(g.protocol)}`,
        'Server Address:  None',
        'Server port:     None',
        'Server status:   ACTIVE',
      ]);
    }
    g.servers.forEach((s, i) => {
      const b = serverBlock(g, s);
      if (i === g.servers.length - 1) {
        if (g.allDead > 0) b.push(field('Requests failed, every server dead', g.allDead));
        const acct = accountingLine(g);
        if (acct) b.push(acct);
      }
      blocks.push(b);
    });
  }
  const out: string[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push('');
    out.push(...b);
  });
  return out;
}

/** PIX 6.3: the group's configuration lines (no statistics available). */
export function renderAaaServerConfigLines(runningConfig: string[], tag?: string): string[] {
  const lines = runningConfig.filter((l) => /^aaa-server /.test(l));
  if (tag === undefined) return lines;
  const sel = lines.filter((l) => l.split(' ')[1] === tag);
  return sel.length ? sel : [`ERROR: aaa-server group ${tag} does not exist`];
}
