/**
 * Line lexer: cut on blanks, classify each whole word (see tokens.ts for
 * why whole words). Never throws; any byte sequence becomes some token.
 */
import { createTokenInstance, type IToken, type TokenType } from 'chevrotain';
import { CaptureRef, Eol, IpRange, IPv4, KEYWORDS, NumberTok, ParenName, Word } from './tokens.js';

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const NUM_RE = /^\d+$/;
const PAREN_RE = /^\([^()\s]+\)$/;
const CAPTURE_REF_RE = /^capture:[^\s:/]+$/i;

/** The type a whole word lexes to. */
export function classifyWord(w: string): TokenType {
  const k = KEYWORDS.get(w.toLowerCase());
  if (k) return k;
  const c = w.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (NUM_RE.test(w)) return NumberTok;
    if (IPV4_RE.test(w)) return IPv4;
    const dash = w.indexOf('-');
    if (dash > 0 && IPV4_RE.test(w.slice(0, dash)) && IPV4_RE.test(w.slice(dash + 1))) return IpRange;
  }
  if (c === 40 && PAREN_RE.test(w)) return ParenName;
  if ((c === 99 || c === 67) && CAPTURE_REF_RE.test(w)) return CaptureRef;
  return Word;
}

export function makeToken(type: TokenType, image: string, start: number): IToken {
  return createTokenInstance(type, image, start, start + image.length - 1, 1, 1, start + 1, start + image.length);
}

/** Words of `line` as tokens (offsets are string indices into `line`). */
export function lexWords(line: string): IToken[] {
  const out: IToken[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && (c = line.charCodeAt(i)) !== 32 && c !== 9) i++;
    const w = line.slice(start, i);
    out.push(makeToken(classifyWord(w), w, start));
  }
  return out;
}

/** The end-of-line token placed after the last word. */
export function eolToken(line: string): IToken {
  return createTokenInstance(Eol, '', line.length, line.length, 1, 1, line.length + 1, line.length + 1);
}
