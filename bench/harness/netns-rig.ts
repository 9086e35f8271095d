import { skip } from './report.js';
export async function runNetnsSetupRate(_b: number, _n: number, _c: number): Promise<void> {
  skip('setup rate, namespaces', 'not yet');
}
