/**
 * Binds the shell's seams (ShellLanguage, ConfigOps) to the real grammar
 * (grammar/index.ts) and config layer (src/config/).
 */
import { complete, help, parseLine, usage } from '../../grammar/index.js';
import {
  applyLine,
  defaultRunningConfig,
  emptyRunningConfig,
  loadConfigText,
  removeLines,
  saveConfigFile,
  writeConfig,
} from '../config/index.js';
import type { ConfigOps } from './app.js';
import type { ShellLanguage } from './shell-host.js';

export const grammarLanguage: ShellLanguage = {
  parse(line, mode) {
    const r = parseLine(line, mode);
    if (r.kind === 'ok') return { ok: true, command: r.command };
    if (r.kind === 'empty') return { ok: false, message: [] };
    return { ok: false, message: r.lines };
  },
  help: (line, mode, names) => help(line, mode, names),
  complete: (line, mode, names) => complete(line, mode, names),
  usage: (topic, mode) => usage(topic, mode),
};

export const configOps: ConfigOps = {
  defaultRunningConfig,
  emptyRunningConfig,
  apply(rc, line, negate, origin) {
    const r = applyLine(rc, line, negate, origin);
    return r.ok ? { config: r.config, errors: [], warnings: r.messages } : { errors: r.lines, warnings: [] };
  },
  load: (text, base, origin) => loadConfigText(text, base, origin),
  remove: removeLines,
  write: (rc, secrets) => writeConfig(rc, { secrets: secrets ? 'clear' : 'mask' }),
  save: saveConfigFile,
};
