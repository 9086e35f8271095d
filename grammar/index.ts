/**
 * The grammar's public API (what src/cli/ calls):
 *   parseLine(line, mode)        -> a Command, nothing, or PIX error lines
 *   help(line, mode, names)      -> what `?` prints for the text before the cursor
 *   complete(line, mode, names)  -> Tab completion
 *
 * Error texts (pix-behaviour.md A1; our decision where PIX 6.3 sources are
 * silent):
 *   unknown first word   Type help or '?' for a list of available commands.
 *   bad later word       <spaces>^            (caret under the word, column
 *                        % Invalid input detected at '^' marker.   relative
 *                        to the start of the line; the shell adds its
 *                        prompt width when it echoed a prompt: `column`)
 *   ambiguous prefix     % Ambiguous command: "<line>"
 *   incomplete command   Usage: <summary lines of the command family>
 * Never throws: any string (binary, 100 kB) gives a result.
 */
import type { IToken } from 'chevrotain';
import type { Command, Mode } from './command.js';
import type { ConfigLine } from './config-line.js';
import { formatUsage, resolveWords, usageFor, help, complete, type LiveNames } from './assist.js';
import { USAGE } from './help.js';
import { eolToken, lexWords } from './lexer.js';
import { pixParser, type SemanticError } from './parser.js';
import * as T from './tokens.js';

export type { Command, Mode } from './command.js';
export type { ConfigLine } from './config-line.js';
export { help, complete, type LiveNames };

export type ParseResult =
  | { kind: 'ok'; command: Command }
  | { kind: 'empty' }
  | { kind: 'error'; lines: string[]; column?: number };

export const UNKNOWN_COMMAND = "Type help or '?' for a list of available commands.";
export const INVALID_INPUT = "% Invalid input detected at '^' marker.";
/** Longest line accepted (PIX console lines are far shorter). */
export const MAX_LINE_LENGTH = 1024;

/** Opaque families whose verbatim tail competes with typed keywords: a
 *  direct parse must go through abbreviation resolution to be trusted. */
const MIXED_FAMILIES = new Set(['sysopt', 'vpdn']);

export function parseLine(line: string, mode: Mode): ParseResult {
  try {
    return parseUnsafe(line, mode);
  } catch (e) {
    return { kind: 'error', lines: ['% Internal error: ' + (e instanceof Error ? e.message : String(e))] };
  }
}

function parseUnsafe(raw: string, mode: Mode): ParseResult {
  if (raw.length > MAX_LINE_LENGTH) return { kind: 'error', lines: [`% Line too long (more than ${MAX_LINE_LENGTH} characters)`] };
  const line = raw.replace(/[\r\n]+$/, '');
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed.startsWith('!')) {
    return mode === 'config' ? ok({ kind: 'comment', text: trimmed }, false) : { kind: 'empty' };
  }
  if (mode === 'config' && (trimmed.startsWith(':') || /^cryptochecksum:/i.test(trimmed))) {
    return ok({ kind: 'header', text: trimmed }, false);
  }
  const words = lexWords(line);
  const parser = pixParser();

  // Fast path: fully spelled lines (pasted or loaded configs) parse directly.
  const direct = parser.run(mode, [...words, eolToken(line)]);
  if (direct.command && !needsResolution(direct.command)) return finish(direct.command, words, line);
  if (direct.semantic) return semanticError(direct.semantic, line);

  // Abbreviations, ambiguity and precise error positions.
  const r = resolveWords(words, mode);
  if (!r.ok) {
    if (r.error === 'ambiguous') return { kind: 'error', lines: [`% Ambiguous command: "${trimmed}"`] };
    return invalidAt(r.token, r.index, words, line);
  }
  const res = parser.run(mode, [...r.tokens, eolToken(line)]);
  if (res.command) return finish(res.command, r.tokens, line);
  if (res.semantic) return semanticError(res.semantic, line);
  const at = res.failedAt;
  if (!at || at.tokenType === T.Eol) {
    const stacks = parser.nextTokenTypes(mode, r.tokens).ruleStacks;
    const u = usageFor(stacks);
    return { kind: 'error', lines: u ? formatUsage(u) : ['% Incomplete command.'] };
  }
  const idx = r.tokens.indexOf(at);
  return invalidAt(at, idx < 0 ? 1 : idx, words, line);
}

function needsResolution(c: Command): boolean {
  return c.kind === 'config' && c.line.kind === 'opaque' && MIXED_FAMILIES.has(c.line.family);
}

function ok(line: ConfigLine, negate: boolean): ParseResult {
  return { kind: 'ok', command: { kind: 'config', negate, line } };
}

function invalidAt(tok: IToken, index: number, words: IToken[], line: string): ParseResult {
  const first = index === 0 || (index === 1 && words[0]?.tokenType === T.No);
  if (first) return { kind: 'error', lines: [UNKNOWN_COMMAND] };
  const column = tok.startOffset;
  return { kind: 'error', lines: [' '.repeat(column) + '^', INVALID_INPUT], column };
}

function semanticError(s: SemanticError, line: string): ParseResult {
  if (s.kind === 'invalid') {
    const column = s.token.startOffset;
    return { kind: 'error', lines: [' '.repeat(column) + '^', INVALID_INPUT], column };
  }
  return { kind: 'error', lines: formatUsage(USAGE[s.usageKey] ?? [line.trim()]) };
}

/** Usage key when a positive line lacks what its kind needs. */
function missingPart(l: ConfigLine): string | undefined {
  switch (l.kind) {
    case 'vpdn-group': return 'vpdnCmd';
    case 'vpdn-ppp-mppe': return l.strength === undefined ? 'vpdnPpp' : undefined;
    case 'vpdn-client-pool': return l.pool === undefined ? 'vpdnClient' : undefined;
    case 'vpdn-client-dns':
    case 'vpdn-client-wins': return l.servers.length === 0 ? 'vpdnClient' : undefined;
    case 'vpdn-client-auth': return l.auth === undefined ? 'vpdnClient' : undefined;
    case 'vpdn-client-accounting': return l.aaaGroup === undefined ? 'vpdnClient' : undefined;
    case 'vpdn-pptp-echo': return l.seconds === undefined ? 'vpdnCmd' : undefined;
    case 'vpdn-username': return l.password === undefined ? 'vpdnCmd' : undefined;
    case 'ip-local-pool': return l.range === undefined ? 'ipCmd' : undefined;
    case 'aaa-group': return 'aaaServerCmd';
    case 'aaa-protocol': return l.protocol === undefined ? 'aaaServerCmd' : undefined;
    case 'aaa-max-failed': return l.attempts === undefined ? 'aaaServerCmd' : undefined;
    case 'aaa-deadtime': return l.minutes === undefined ? 'aaaServerCmd' : undefined;
    case 'aaa-radius-port': return l.port === undefined ? 'aaaServerCmd' : undefined;
    case 'aaa-interim': return l.seconds === undefined ? 'aaaServerCmd' : undefined;
    case 'vpdn-limit': return l.value === undefined || (l.limit === 'auth-failures' && l.backoffSeconds === undefined) ? 'vpdnLimit' : undefined;
    case 'hostname': return l.name === undefined ? 'hostnameCmd' : undefined;
    case 'enable-password': return l.value === undefined ? 'enablePasswordCmd' : undefined;
    case 'passwd': return l.value === undefined ? 'passwdCmd' : undefined;
    case 'logging-level': return l.level === undefined ? 'loggingCmd' : undefined;
    case 'logging-facility': return l.facility === undefined ? 'loggingCmd' : undefined;
    case 'logging-queue': return l.size === undefined ? 'loggingCmd' : undefined;
    case 'nameif': return l.name === undefined || l.security === undefined ? 'nameifCmd' : undefined;
    case 'ip-address': return l.address === undefined ? 'ipCmd' : undefined;
    case 'mtu': return l.bytes === undefined ? 'mtuCmd' : undefined;
    default: return undefined;
  }
}

/** Full keyword text for abbreviated keywords, the typed text otherwise. */
function canonicalWord(t: IToken): string {
  const k = T.keywordOf(t.tokenType);
  return k !== undefined && t.image.toLowerCase() !== k ? k : t.image;
}

function finish(c: Command, tokens: IToken[], line: string): ParseResult {
  if (c.kind !== 'config') return { kind: 'ok', command: c };
  let l = c.line;
  if (!c.negate) {
    const miss = missingPart(l);
    if (miss) return { kind: 'error', lines: formatUsage(USAGE[miss] ?? [line.trim()]) };
    if (l.kind === 'pager' && l.lines === undefined) l = { kind: 'pager', lines: 24 };
  }
  if (l.kind === 'opaque') {
    const body = c.negate ? tokens.slice(1) : tokens;
    const text = body.map(canonicalWord).join(' ');
    let family = l.family;
    if (!family.startsWith('ip ') && family !== 'vpdn' && family !== 'sysopt') {
      family = T.keywordOf(body[0].tokenType) ?? body[0].image.toLowerCase();
    } else if (family.startsWith('ip ')) {
      family = 'ip ' + (T.keywordOf(body[1].tokenType) ?? body[1].image.toLowerCase());
    }
    l = { kind: 'opaque', family, text };
  }
  return { kind: 'ok', command: { kind: 'config', negate: c.negate, line: l } };
}
