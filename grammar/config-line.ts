/**
 * A parsed configuration line (owned by the grammar/config layer). The
 * shell treats it as opaque and hands it to src/config/apply.ts.
 * Placeholder until the grammar defines the full union.
 */
export type ConfigLine = { kind: string; [field: string]: unknown };
