/**
 * Checking a typed enable password against `enable password X [encrypted]`.
 * The PIX hash itself lives in the config layer (src/config/pix-hash.ts);
 * Its empty-password value `8Ry2YjIyt7RRXU24` is the factory default:
 * `enable` still asks `Password:` and Enter alone answers it; no
 * `enable password` line at all means the same.
 */
import { pixHash } from '../config/index.js';

export const EMPTY_PASSWORD_HASH = pixHash('');

/** Does `typed` match the configured enable password? */
export function checkEnablePassword(cfg: { value: string; encrypted: boolean }, typed: string): boolean {
  return cfg.encrypted ? pixHash(typed) === cfg.value : typed === cfg.value;
}

export function hasEnablePassword(cfg: { value: string; encrypted: boolean } | undefined): boolean {
  if (!cfg) return false;
  return cfg.encrypted ? cfg.value !== EMPTY_PASSWORD_HASH : cfg.value !== '';
}
