/**
 * Binds the shell's seams (ShellLanguage, ConfigOps) to the real grammar
 * (grammar/index.ts) and config layer (src/config/).
 */
import { complete, help, parseLine } from '../../grammar/index.js';
import {
  applyConfigLine,
  defaultRunningConfig,
  emptyRunningConfig,
  loadConfigText,
  saveConfigFile,
  writeConfig,
} from '../config/index.js';
import type { ConfigOps } from './app.js';
import type { ShellLanguage } from './host.js';

export const grammarLanguage: ShellLanguage = {
  parse(line, mode) {
    const r = parseLine(line, mode);
    if (r.kind === 'ok') return { ok: true, command: r.command };
    if (r.kind === 'empty') return { ok: false, message: [] };
    return { ok: false, message: r.lines };
  },
  help: (line, mode, names) => help(line, mode, names),
  complete: (line, mode, names) => complete(line, mode, names),
};

export const configOps: ConfigOps = {
  defaultRunningConfig,
  emptyRunningConfig,
  apply(rc, line, negate) {
    const r = applyConfigLine(rc, line, negate);
    return r.ok ? { config: r.config, errors: [], warnings: r.messages } : { errors: r.lines, warnings: [] };
  },
  load: (text, base) => loadConfigText(text, base),
  write: (rc, secrets) => writeConfig(rc, { secrets: secrets ? 'clear' : 'mask' }),
  save: saveConfigFile,
};
