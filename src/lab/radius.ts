/**
 * FreeRADIUS for the radius-no-mppe-keys scenario: the test harness's
 * self-contained FreeRADIUS (test/harness/radius.ts: a temp config, a
 * child stopped by its pid) on loopback, with the lab user accepted but
 * every MPPE attribute stripped from the Access-Accept.
 *
 * The harness is loaded only when this scenario runs, and only from a
 * source or build tree that has it; otherwise the lab says why it skips.
 */
import type { RadiusEndpoint } from './scenarios.js';

export interface LabRadius {
  endpoint: RadiusEndpoint;
  stop(): Promise<void>;
}

export async function startLabRadius(user: { name: string; password: string }): Promise<LabRadius | { skip: string }> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { skip: 'FreeRADIUS is started as root only (the lab runs it from a temp directory as a child process)' };
  }
  let harness: typeof import('../../test/harness/radius.js');
  try {
    harness = await import('../../test/harness/radius.js');
  } catch (e) {
    return { skip: `the FreeRADIUS harness (test/harness/radius.ts) is not in this tree: ${(e as Error).message}` };
  }
  const cap = harness.freeRadiusAvailable();
  if (!cap.ok) return { skip: cap.reason };
  const r = await harness.startFreeRadius({ users: [{ name: user.name, password: user.password, noMppe: true }] });
  return { endpoint: { host: r.host, port: r.authPort, secret: r.secret }, stop: () => r.stop() };
}
