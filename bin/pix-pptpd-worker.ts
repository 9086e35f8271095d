/**
 * A data-plane worker of `pix-pptpd --workers N`, forked by the primary
 * (src/server/workers/fleet.ts) through node:cluster; not to be run by hand.
 */
import cluster from 'node:cluster';
import { decodeSpec } from '../src/server/workers/protocol.js';
import { runWorker } from '../src/server/workers/worker.js';

const spec = decodeSpec(process.env);
if (!spec || !cluster.isWorker) {
  process.stderr.write('pix-pptpd-worker: started by pix-pptpd --workers N only\n');
  process.exitCode = 2;
} else runWorker(spec);
