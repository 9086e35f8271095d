/** Dotted-quad helpers for validation (inputs are lexer-checked IPv4). */
export function ipToInt(a: string): number {
  const p = a.split('.');
  return ((Number(p[0]) << 24) >>> 0) + (Number(p[1]) << 16) + (Number(p[2]) << 8) + Number(p[3]);
}
