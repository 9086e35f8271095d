/**
 * The PIX parser: one EmbeddedActionsParser composed of the rule files in
 * rules/, built once (singleton: Chevrotain's self-analysis is the costly
 * part) and reset per line with `parser.input = tokens`.
 *
 * Start rules, one per mode (the mode table):
 *   execLine    `pix>`          enable, exit/quit/logout, help, show version|history|terminal, terminal
 *   enableLine  `pix#`          + disable, configure terminal, show, write, copy, clear, debug, undebug, no debug, terminal,
 *                               capture / no capture
 *   configLine  `pix(config)#`  every configuration line and its `no` form, + exit, end, show, write,
 *                               copy, clear (incl. `clear vpdn tunnel`), debug, undebug, terminal, capture / no capture
 * Each ends with the virtual Eol token, so content assist reports `<cr>`.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import type { Command, Mode } from './command.js';
import type { ConfigLine } from './config-line.js';
import type { RuleBuilder } from './rules/builder.js';
import { defineExecRules } from './rules/exec.js';
import { defineShowRules } from './rules/show.js';
import { defineDebugRules } from './rules/debug.js';
import { defineClearRules } from './rules/clear.js';
import { defineVpdnRules } from './rules/vpdn.js';
import { defineAaaRules } from './rules/aaa.js';
import { defineIpRules } from './rules/ip.js';
import { defineSystemRules } from './rules/system.js';
import { defineOpaqueRules } from './rules/opaque.js';
import { defineCaptureRules } from './rules/capture.js';
import * as T from './tokens.js';

export type SemanticError = { kind: 'invalid'; token: IToken } | { kind: 'incomplete'; usageKey: string };

export const START_RULE: Record<Mode, 'execLine' | 'enableLine' | 'configLine'> = {
  exec: 'execLine',
  enable: 'enableLine',
  config: 'configLine',
};

export class PixParser extends EmbeddedActionsParser {
  semantic: SemanticError | undefined;
  readonly execLine: (idx?: number) => Command;
  readonly enableLine: (idx?: number) => Command;
  readonly configLine: (idx?: number) => Command;

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: false, maxLookahead: 2 });
    // The rule files see the protected DSL through this narrow view.
    const $ = this as unknown as RuleBuilder;
    $.invalid = (token: IToken) => {
      if (!this.semantic) this.semantic = { kind: 'invalid', token };
    };
    $.incomplete = (usageKey: string) => {
      if (!this.semantic) this.semantic = { kind: 'incomplete', usageKey };
    };

    const ex = defineExecRules($);
    const sh = defineShowRules($);
    const dbg = defineDebugRules($);
    const cl = defineClearRules($);
    const vp = defineVpdnRules($);
    const aaa = defineAaaRules($);
    const ip = defineIpRules($);
    const sys = defineSystemRules($);
    const op = defineOpaqueRules($);
    const cap = defineCaptureRules($);

    const configBody = $.RULE('configBody', (): ConfigLine =>
      $.or(0, [
        { ALT: () => $.subrule(0, vp.vpdnCmd) },
        { ALT: () => $.subrule(0, aaa.aaaServerCmd) },
        { ALT: () => $.subrule(0, ip.ipCmd) },
        { ALT: () => $.subrule(0, ip.mtuCmd) },
        { ALT: () => $.subrule(0, ip.nameifCmd) },
        { ALT: () => $.subrule(0, ip.interfaceCmd) },
        { ALT: () => $.subrule(0, sys.hostnameCmd) },
        { ALT: () => $.subrule(0, sys.enablePasswordCmd) },
        { ALT: () => $.subrule(0, sys.passwdCmd) },
        { ALT: () => $.subrule(0, sys.pagerCmd) },
        { ALT: () => $.subrule(0, sys.loggingCmd) },
        { ALT: () => $.subrule(0, sys.sysoptCmd) },
        { ALT: () => $.subrule(0, sys.pixVersionCmd) },
        { ALT: () => $.subrule(0, op.opaqueCmd) },
      ]),
    );

    const end = (c: Command): Command => {
      $.consume(0, T.Eol);
      return c;
    };

    this.execLine = $.RULE('execLine', (): Command =>
      end(
        $.or(0, [
          { ALT: () => $.subrule(0, ex.enableCmd) },
          { ALT: () => $.subrule(0, ex.exitCmd) },
          { ALT: () => $.subrule(0, ex.helpCmd) },
          { ALT: () => $.subrule(0, sh.showExecCmd) },
          { ALT: () => $.subrule(0, ex.terminalCmd) },
        ]),
      ),
    );

    this.enableLine = $.RULE('enableLine', (): Command =>
      end(
        $.or(0, [
          { ALT: () => $.subrule(0, ex.enableCmd) },
          { ALT: () => $.subrule(0, ex.disableCmd) },
          { ALT: () => $.subrule(0, ex.configureCmd) },
          { ALT: () => $.subrule(0, ex.exitCmd) },
          { ALT: () => $.subrule(0, ex.helpCmd) },
          { ALT: () => $.subrule(0, sh.showCmd) },
          { ALT: () => $.subrule(0, ex.writeCmd) },
          { ALT: () => $.subrule(0, ex.copyCmd) },
          { ALT: () => $.subrule(0, cl.clearCmd) },
          { ALT: () => $.subrule(0, dbg.debugCmd) },
          { ALT: () => $.subrule(0, dbg.undebugCmd) },
          { ALT: () => $.subrule(0, ex.terminalCmd) },
          { ALT: () => $.subrule(0, cap.captureCmd) },
          {
            ALT: () => {
              $.consume(0, T.No);
              return $.or(1, [
                { ALT: () => $.subrule(0, dbg.noDebugCmd) },
                { ALT: () => $.subrule(0, dbg.noTerminalCmd) },
                { ALT: () => $.subrule(0, cap.noCaptureCmd) },
              ]);
            },
          },
        ]),
      ),
    );

    this.configLine = $.RULE('configLine', (): Command =>
      end(
        $.or(0, [
          {
            ALT: () => {
              $.consume(0, T.No);
              return $.or(1, [
                { ALT: () => $.subrule(0, dbg.noDebugCmd) },
                { ALT: () => $.subrule(0, dbg.noTerminalCmd) },
                { ALT: () => $.subrule(0, cap.noCaptureCmd) },
                {
                  ALT: () => {
                    const line = $.subrule(0, configBody);
                    return $.ACTION((): Command => ({ kind: 'config', negate: true, line }));
                  },
                },
              ]);
            },
          },
          {
            ALT: () => {
              const line = $.subrule(1, configBody);
              return $.ACTION((): Command => ({ kind: 'config', negate: false, line }));
            },
          },
          { ALT: () => $.subrule(0, ex.exitCmd) },
          { ALT: () => $.subrule(0, ex.endCmd) },
          { ALT: () => $.subrule(0, ex.helpCmd) },
          { ALT: () => $.subrule(0, sh.showCmd) },
          { ALT: () => $.subrule(0, ex.writeCmd) },
          { ALT: () => $.subrule(0, ex.copyCmd) },
          { ALT: () => $.subrule(0, cl.clearConfigCmd) },
          { ALT: () => $.subrule(0, dbg.debugCmd) },
          { ALT: () => $.subrule(0, dbg.undebugCmd) },
          { ALT: () => $.subrule(0, ex.terminalConfigCmd) },
          { ALT: () => $.subrule(0, cap.captureCmd) },
        ]),
      ),
    );

    this.performSelfAnalysis();
  }

  /** Parse a token vector (ending in Eol) from `mode`'s start rule. */
  run(mode: Mode, tokens: IToken[]): { command?: Command; failedAt?: IToken; semantic?: SemanticError } {
    this.input = tokens;
    this.semantic = undefined;
    const command = this[START_RULE[mode]]();
    if (this.errors.length > 0) return { failedAt: this.errors[0].token };
    if (this.semantic) return { semantic: this.semantic };
    return { command };
  }

  nextTokenTypes(mode: Mode, preceding: IToken[]): { types: TokenType[]; ruleStacks: string[][] } {
    const paths = this.computeContentAssist(START_RULE[mode], preceding);
    const types: TokenType[] = [];
    const ruleStacks: string[][] = [];
    for (const p of paths) {
      if (!types.includes(p.nextTokenType)) types.push(p.nextTokenType);
      ruleStacks.push(p.ruleStack);
    }
    return { types, ruleStacks };
  }
}

let instance: PixParser | undefined;
/** The one parser of the process. */
export function pixParser(): PixParser {
  instance ??= new PixParser();
  return instance;
}
