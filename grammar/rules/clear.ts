/**
 * `clear logging`, `clear aaa-server [TAG]` (enable/config) and
 * `clear vpdn tunnel all | id N` (config mode only, per seed 003).
 */
import type { Command } from '../command.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export function defineClearRules($: RuleBuilder) {
  const clearCommon = $.RULE('clearCommon', (): Command => {
    return $.or(0, [
      { ALT: () => ($.consume(0, T.Logging), { kind: 'clear-logging' } as Command) },
      {
        ALT: () => {
          $.consume(0, T.AaaServer);
          const t = $.option(0, () => $.consume(0, T.AaaTag));
          return $.ACTION((): Command => (t ? { kind: 'clear-aaa-server', tag: t.image } : { kind: 'clear-aaa-server' }));
        },
      },
    ]);
  });
  const clearVpdn = $.RULE('clearVpdn', (): Command => {
    $.consume(0, T.Vpdn);
    $.consume(0, T.Tunnel);
    return $.or(0, [
      { ALT: () => ($.consume(0, T.All), { kind: 'clear-vpdn-tunnel', id: 'all' } as Command) },
      {
        ALT: () => {
          $.consume(0, T.Id);
          const n = $.consume(0, T.TunnelId);
          return $.ACTION((): Command => ({ kind: 'clear-vpdn-tunnel', id: num(n) }));
        },
      },
    ]);
  });
  const clearCmd = $.RULE('clearCmd', (): Command => {
    $.consume(0, T.Clear);
    return $.subrule(0, clearCommon);
  });
  const clearConfigCmd = $.RULE('clearConfigCmd', (): Command => {
    $.consume(0, T.Clear);
    return $.or(0, [{ ALT: () => $.subrule(0, clearCommon) }, { ALT: () => $.subrule(0, clearVpdn) }]);
  });
  return { clearCmd, clearConfigCmd };
}
