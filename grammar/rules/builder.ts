/**
 * The slice of the Chevrotain parser API the rule files use. The parser
 * (parser.ts) hands itself to each family's `define*` function, so every
 * command family lives in its own file (Batfish split) while the parser
 * stays one singleton.
 *
 * Conventions in rules files: the numeric first argument of consume / or /
 * option / many / subrule is Chevrotain's occurrence index, unique per
 * token type (or rule) within one rule. Values are built inside ACTION so
 * the grammar-recording phase never runs semantic code.
 */
import type { IOrAlt, IToken, OrMethodOpts, ParserMethod, TokenType } from 'chevrotain';

export interface RuleBuilder {
  RULE<F extends (...args: any[]) => any>(name: string, impl: F): ParserMethod<Parameters<F>, ReturnType<F>>;
  consume(idx: number, t: TokenType): IToken;
  subrule<R>(idx: number, rule: ParserMethod<[], R>): R;
  or<T>(idx: number, alts: IOrAlt<T>[] | OrMethodOpts<T>): T;
  option<T>(idx: number, def: () => T): T | undefined;
  many(idx: number, def: () => void): void;
  ACTION<T>(fn: () => T): T;
  /** Record a semantic error found by an action (the parse then fails
   *  with a PIX message): a bad value at `tok`, or an incomplete positive
   *  form that prints the usage of `usageKey`. */
  invalid(tok: IToken): void;
  incomplete(usageKey: string): void;
}

/** `parseInt` for a Number token image (digits only by construction). */
export function num(tok: IToken): number {
  return Number(tok.image);
}
