/**
 * FreeRADIUS for the radius-no-mppe-keys scenario: rig/freeradius.ts (a
 * temp config, a child stopped by its pid) on loopback, with the lab user
 * accepted but every MPPE attribute stripped from the Access-Accept.
 * Without root or the freeradius package the lab says why it skips.
 */
import { freeRadiusAvailable, startFreeRadius } from './rig/freeradius.js';
import type { RadiusEndpoint } from './scenarios.js';

export interface LabRadius {
  endpoint: RadiusEndpoint;
  stop(): Promise<void>;
}

export async function startLabRadius(user: { name: string; password: string }): Promise<LabRadius | { skip: string }> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { skip: 'FreeRADIUS is started as root only (the lab runs it from a temp directory as a child process)' };
  }
  const cap = freeRadiusAvailable();
  if (!cap.ok) return { skip: cap.reason };
  const r = await startFreeRadius({ users: [{ name: user.name, password: user.password, noMppe: true }] });
  return { endpoint: { host: r.host, port: r.authPort, secret: r.secret }, stop: () => r.stop() };
}
