/**
 * A rejected startup-config line as one journal message:
 *   ERROR: line 4: vpdn username bob pasword ... (invalid input at 'pasword')
 *
 * The journal is read by more people than the config file, so the line
 * is shown without its secrets: the word after password/passwd/key/secret
 * (and the key after `aaa-server ... host A.B.C.D`) becomes `********`;
 * the words after an invalid-input marker, and everything after the first
 * word of an unknown command, were never parsed and so cannot be told
 * apart from a secret: they become `...`. `pix-pptpd --check FILE` shows
 * the full lines to whoever may read the file.
 */
import type { LoadError } from '../../config/index.js';

const MASK = '********';
const SECRET_BEFORE = /^(password|passwd|key|secret|community|md5|authentication-key)$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

interface Word {
  text: string;
  start: number;
}

function words(text: string): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index! }));
}

function isSecret(ws: Word[], i: number): boolean {
  if (i > 0 && SECRET_BEFORE.test(ws[i - 1].text)) return true;
  // aaa-server TAG [(IF)] host A.B.C.D KEY ...
  return ws[0].text.toLowerCase() === 'aaa-server' && i >= 2 && IPV4.test(ws[i - 1].text) && ws[i - 2].text.toLowerCase() === 'host';
}

/** `text` with its secrets masked and, from word `keep` on, elided. */
export function redactConfigLine(text: string, keep = Infinity): string {
  const ws = words(text);
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    if (i >= keep) {
      out.push('...');
      break;
    }
    out.push(isSecret(ws, i) ? MASK : ws[i].text);
  }
  return out.join(' ');
}

/** The journal text of one rejected line (no priority prefix). */
export function describeLoadError(e: LoadError): string {
  const ws = words(e.text);
  const caretLine = e.lines.find((l) => /^ *\^$/.test(l));
  const reasons = e.lines.filter((l) => l !== caretLine && !/Invalid input detected at '\^' marker/.test(l));
  let shown: string;
  let why: string[];
  if (caretLine !== undefined) {
    const col = caretLine.indexOf('^');
    let at = ws.findIndex((w) => col < w.start + w.text.length);
    if (at < 0) at = ws.length;
    shown = redactConfigLine(e.text, at + 1);
    const word = at < ws.length ? (isSecret(ws, at) ? `word ${at + 1}` : `'${ws[at].text}'`) : 'the end of the line';
    why = [`invalid input at ${word}`];
  } else if (reasons.some((l) => /^Type help or '\?'/.test(l))) {
    shown = redactConfigLine(e.text, 1);
    why = ['unknown command'];
  } else {
    shown = redactConfigLine(e.text);
    why = [];
  }
  why.push(...reasons.filter((l) => !/^Type help or '\?'/.test(l)).map((l) => l.replace(/^(ERROR:|%)\s*/, '')));
  return `ERROR: line ${e.lineNo}: ${shown}${why.length ? ` (${why.join('; ')})` : ''}`;
}
