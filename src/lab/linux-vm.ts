import type { ProfileName } from '../client/profiles.js';
import type { Scenario } from './scenarios.js';

export async function runLinuxVmScenario(s: Scenario, o: { profile: ProfileName; out: (l: string) => void; timeoutSeconds: number }): Promise<number> {
  o.out(`lab ${s.name}: --client linux-vm is not available in this build`);
  return 3;
}
