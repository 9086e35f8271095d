/**
 * Lines that are valid PIX configuration but have no meaning for a PPTP
 * concentrator (nat, route, fixup, access-list, snmp-server ...): accepted,
 * kept in order, written back unchanged (Batfish-style parse-and-keep).
 * `aaa`, `username`, `timeout` and `console` share their first word with
 * exec keywords and are listed here explicitly.
 */
import type { ConfigLine } from '../config-line.js';
import * as T from '../tokens.js';
import type { RuleBuilder } from './builder.js';

export function defineOpaqueRules($: RuleBuilder) {
  const first = [...T.OpaqueFirst, T.Aaa, T.Username, T.Timeout, T.Console];
  const opaqueCmd = $.RULE('opaqueCmd', (): ConfigLine => {
    const f = $.or(0, first.map((t) => ({ ALT: () => $.consume(0, t) })));
    $.many(0, () => $.consume(0, T.Tail));
    return $.ACTION((): ConfigLine => ({ kind: 'opaque', family: f.image.toLowerCase(), text: '' }));
  });
  return { opaqueCmd };
}
