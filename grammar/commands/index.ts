/**
 * Every command declaration, in the order the writer and the matcher rank
 * them (earlier wins a tie; within a slot, earlier is written first).
 */
import type { ConfigDecl, Decl } from '../declare.js';
import { EXEC } from './exec.js';
import { SHOW, configShows } from './show.js';
import { SYSTEM } from './system.js';
import { LOGGING } from './logging.js';
import { POOL, VPDN } from './vpdn.js';
import { AAA_SERVER } from './aaa-server.js';
import { NETWORK } from './network.js';
import { INSPECTION } from './inspection.js';
import { MANAGEMENT } from './management.js';

const CONFIG_DECLS: Decl[] = [...SYSTEM, ...LOGGING, ...POOL, ...AAA_SERVER, ...VPDN, ...NETWORK, ...INSPECTION, ...MANAGEMENT];

export const DECLARATIONS: Decl[] = [
  ...EXEC,
  ...SHOW,
  ...configShows(CONFIG_DECLS.filter((d): d is ConfigDecl => d.kind === 'config')),
  ...CONFIG_DECLS,
];
