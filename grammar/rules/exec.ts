/**
 * Session and file commands: enable, disable, configure terminal,
 * exit/quit/logout, end, help, write, copy, terminal.
 */
import type { Command } from '../command.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export function defineExecRules($: RuleBuilder) {
  const enableCmd = $.RULE('enableCmd', (): Command => {
    $.consume(0, T.Enable);
    return { kind: 'enable' };
  });
  const disableCmd = $.RULE('disableCmd', (): Command => {
    $.consume(0, T.Disable);
    return { kind: 'disable' };
  });
  const configureCmd = $.RULE('configureCmd', (): Command => {
    $.consume(0, T.Configure);
    $.consume(0, T.Terminal);
    return { kind: 'configure-terminal' };
  });
  const exitCmd = $.RULE('exitCmd', (): Command => {
    $.or(0, [
      { ALT: () => $.consume(0, T.Exit) },
      { ALT: () => $.consume(0, T.Quit) },
      { ALT: () => $.consume(0, T.Logout) },
    ]);
    return { kind: 'exit' };
  });
  const endCmd = $.RULE('endCmd', (): Command => {
    $.consume(0, T.End);
    return { kind: 'end' };
  });
  const helpCmd = $.RULE('helpCmd', (): Command => {
    $.consume(0, T.Help);
    $.many(0, () => $.consume(0, T.Tail));
    return { kind: 'help' };
  });
  const writeCmd = $.RULE('writeCmd', (): Command => {
    $.consume(0, T.Write);
    const target = $.or(0, [
      { ALT: () => ($.consume(0, T.Terminal), 'terminal' as const) },
      { ALT: () => ($.consume(0, T.Memory), 'memory' as const) },
      { ALT: () => ($.consume(0, T.Erase), 'erase' as const) },
    ]);
    return $.ACTION(() => ({ kind: 'write', target }));
  });
  const copyCmd = $.RULE('copyCmd', (): Command => {
    $.consume(0, T.Copy);
    const c = $.or(0, [
      {
        ALT: () => {
          $.consume(0, T.RunningConfig);
          $.consume(0, T.StartupConfig);
          return { kind: 'copy', from: 'running-config', to: 'startup-config' } as Command;
        },
      },
      {
        ALT: () => {
          $.consume(1, T.StartupConfig);
          $.consume(1, T.RunningConfig);
          return { kind: 'copy', from: 'startup-config', to: 'running-config' } as Command;
        },
      },
      {
        ALT: () => {
          const src = $.consume(0, T.CaptureRef);
          const dst = $.consume(0, T.FilePath);
          return $.ACTION((): Command => {
            // a plain path: no URL schemes (tftp://, flash:) - the file is written locally
            if (/^[a-z][a-z0-9+.-]*:/i.test(dst.image)) $.invalid(dst);
            return { kind: 'copy-capture', name: src.image.slice('capture:'.length), path: dst.image };
          });
        },
      },
    ]);
    return c;
  });
  /** `terminal monitor | pager N` (exec/enable). */
  const terminalCmd = $.RULE('terminalCmd', (): Command => {
    $.consume(0, T.Terminal);
    return $.or(0, [
      { ALT: () => ($.consume(0, T.Monitor), { kind: 'terminal-monitor', on: true } as Command) },
      {
        ALT: () => {
          $.consume(0, T.Pager);
          const n = $.consume(0, T.PagerLines);
          return $.ACTION((): Command => ({ kind: 'terminal-pager', lines: num(n) }));
        },
      },
    ]);
  });
  /** config mode adds `terminal width N` (a config line). */
  const terminalConfigCmd = $.RULE('terminalConfigCmd', (): Command => {
    $.consume(0, T.Terminal);
    return $.or(0, [
      { ALT: () => ($.consume(0, T.Monitor), { kind: 'terminal-monitor', on: true } as Command) },
      {
        ALT: () => {
          $.consume(0, T.Pager);
          const n = $.consume(0, T.PagerLines);
          return $.ACTION((): Command => ({ kind: 'terminal-pager', lines: num(n) }));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.WidthKw);
          const n = $.consume(0, T.Width);
          return $.ACTION((): Command => {
            const columns = num(n);
            if (columns < 40 || columns > 511) $.invalid(n);
            return { kind: 'config', negate: false, line: { kind: 'terminal-width', columns } };
          });
        },
      },
    ]);
  });
  return { enableCmd, disableCmd, configureCmd, exitCmd, endCmd, helpCmd, writeCmd, copyCmd, terminalCmd, terminalConfigCmd };
}
