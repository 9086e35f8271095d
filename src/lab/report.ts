/**
 * The lab's plain-text report: numbered parts with `--- name ---`
 * sections, lines indented two spaces, wrapped at 78 columns. No colour
 * and no cursor movement, so it reads the same in a pipe, a --plain
 * terminal and a test.
 */
import { WINDOWS_ERRORS } from '../config/index.js';
import type { Outcome } from './backend.js';

export const WIDTH = 78;
const RULE = '='.repeat(WIDTH);

export function banner(title: string): string[] {
  return [RULE, ` ${title}`, RULE];
}

export function part(n: number, title: string): string[] {
  return ['', `### ${n}. ${title}`];
}

export function section(title: string, body: string[]): string[] {
  return [`--- ${title} ---`, ...(body.length ? body.map((l) => `  ${l}`) : ['  (nothing)'])];
}

/** Words wrapped to fit WIDTH with `indent` (the first line's prefix may differ). */
export function wrap(text: string, first = '', indent = ''): string[] {
  const out: string[] = [];
  let cur = first;
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (cur.length > first.length && cur.length + 1 + w.length > WIDTH - 2) {
      out.push(cur);
      cur = indent + w;
    } else cur += (cur.length > first.length ? ' ' : '') + w;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** What the Windows client prints for an error number. */
export function windowsErrorLine(n: number): string {
  const text = WINDOWS_ERRORS[n];
  return text ? `Error ${n}: ${text}` : `Error ${n}`;
}

/** The client section: what the PC shows, then our client's own words. */
export function renderOutcome(o: Outcome): string[] {
  if (o.ok) {
    const lines = [
      `Connected: client address ${o.clientAddress}, server ${o.serverAddress}` + (o.auth ? `, authentication ${o.auth}` : ''),
      `MPPE: ${o.mppe}`,
      `ping ${o.ping.target}: ${o.ping.received}/${o.ping.sent} replies`,
    ];
    return lines;
  }
  const head = o.windowsError !== undefined ? [`Disconnected - ${windowsErrorLine(o.windowsError)}`] : ['Disconnected (no Windows error number for this)'];
  return [...head, `(client: ${o.reason}: ${o.detail})`];
}

/** Config lines with passwords and keys masked, as `show running-config` prints them. */
export function maskConfig(lines: string[]): string[] {
  return lines.map((l) =>
    l
      .replace(/^(vpdn username \S+ password )\S+/, '$1********')
      .replace(/^(aaa-server \S+ (?:\(\S+\) )?host \S+ )(?!timeout\b|authentication-port\b|accounting-port\b)\S+/, '$1********'),
  );
}
