import { skip } from './report.js';
export async function runNetnsForwarding(_b: number, _n: string): Promise<void> {
  skip('forwarding, namespaces', 'not yet');
}
