/** The config layer's public API (pure: no server or cli imports). */
export { applyLine, removeLines, emptyRunningConfig, entryText, MASK, type ApplyResult } from './store.js';
export { validate, type Validation } from './validate.js';
export { lintConfig, WINDOWS_ERRORS, type Finding, type Severity } from './lint.js';
export { renderFindings } from './findings-text.js';
export { createCommitter, describeDiff, type Committer, type CommitResult, type CommitterDeps } from './commit.js';
export { writeConfig, PIX_VERSION, type WriteOptions } from './write.js';
export { loadConfigText, type LoadError, type LoadResult } from './load.js';
export { saveConfigFile } from './save.js';
export { defaultRunningConfig, FACTORY_DEFAULT_TEXT } from './defaults.js';
export { pixHash } from './pix-hash.js';
export type { RunningConfig, LoggingSettings, Entry, Origin } from './running.js';
