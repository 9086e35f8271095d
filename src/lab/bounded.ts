/**
 * A lab run within a time bound, cleaned up whatever happens: on success,
 * error, timeout, or Ctrl-C / SIGTERM (the cleanup runs, then the process
 * exits 130 / 143 as a shell expects). Resolves to the lab's exit status.
 */
import type { LabVerdict } from './run.js';

export async function boundedRun(o: {
  name: string;
  timeoutMs: number;
  run: () => Promise<LabVerdict>;
  cleanup: () => Promise<void>;
  out: (line: string) => void;
  /** What is being stopped, for the timeout message. */
  stopping?: string;
}): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= o.cleanup().catch(() => undefined));
  const onSignal = (sig: NodeJS.Signals) => {
    o.out(`lab ${o.name}: ${sig}: stopping`);
    void cleanup().then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const running = o.run();
  // after a timeout the run is abandoned; its late failure must not surface as an unhandled rejection
  running.catch(() => undefined);
  try {
    const verdict = await Promise.race([running, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), o.timeoutMs)))]);
    if (verdict === 'timeout') {
      o.out(`lab ${o.name}: timed out after ${o.timeoutMs / 1000} s; stopping${o.stopping ? ` ${o.stopping}` : ''}`);
      return 1;
    }
    return verdict.reproduced && verdict.fixed ? 0 : 1;
  } catch (e) {
    o.out(`lab ${o.name}: ${(e as Error).message}`);
    return 1;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
