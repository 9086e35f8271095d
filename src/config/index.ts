/** The config layer's public API (pure: no server or cli imports). */
export { applyConfigLine, type ApplyResult } from './apply.js';
export { validate, type Validation } from './validate.js';
export { lintConfig, renderFindings, WINDOWS_ERRORS, type Finding, type Severity } from './lint.js';
export { createCommitter, describeDiff, type Committer, type CommitResult, type CommitterDeps } from './commit.js';
export { writeConfig, MASK, type WriteOptions } from './write.js';
export { loadConfigText, type LoadError } from './load.js';
export { saveConfigFile } from './save.js';
export { defaultRunningConfig, emptyRunningConfig, FACTORY_DEFAULT_TEXT } from './defaults.js';
export { pixHash } from './pix-hash.js';
export type { RunningConfig, LoggingSettings } from './running.js';
