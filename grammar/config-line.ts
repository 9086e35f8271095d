/** A parsed configuration line (declare.ts): what the config layer stores. */
export type { ConfigLine, Args } from './declare.js';
