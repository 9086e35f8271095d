/**
 * A data-plane worker: a PptpServer of its own (raw GRE socket with the
 * call-id filter of its range, its own TUN device), driven by the primary
 * over IPC. It accepts PPTP connections on its own socket of the
 * SO_REUSEPORT group of 1723 (the kernel spreads them over the workers),
 * asks the primary for every client address and whether
 * it may take each tunnel and call (the NAS's limits), and forwards each
 * debug and syslog line to the primary, whose shells print them.
 */
import { DebugBus, type DebugCategory } from '../../debug/bus.js';
import { greCallIdFilter, workerIdRange } from '../../proto/gre/bpf.js';
import { openGreSocket } from '../../proto/gre/linux.js';
import { openTun } from '../../proto/tun/linux.js';
import type { LeaseAnswer } from '../lease.js';
import { parseListen } from '../linux-server.js';
import { PptpServer } from '../server.js';
import type { FromWorker, ToWorker, WorkerSpec } from './protocol.js';

/** How often a worker pushes its status for the primary's mirror (the shell refreshes it before `show vpdn`). */
const STATUS_PUSH_MS = 1000;

export function runWorker(spec: WorkerSpec): void {
  const send = (m: FromWorker) => {
    if (process.connected) process.send!(m);
  };
  const bus = new DebugBus();
  bus.subscribe((line) => send({ t: 'log', line }));
  const ids = workerIdRange(spec.index, spec.count);
  // questions to the primary (a lease, an admission), answered by id
  const pending = new Map<number, (answer: never) => void>();
  let nextQuestion = 1;
  const ask = <T>(question: (id: number) => FromWorker) =>
    new Promise<T>((resolve) => {
      const id = nextQuestion++;
      pending.set(id, resolve as (answer: never) => void);
      send(question(id));
    });
  const answered = (id: number, answer: unknown) => {
    const done = pending.get(id);
    pending.delete(id);
    done?.(answer as never);
  };
  const server = new PptpServer({
    bus,
    listen: parseListen(spec.listen),
    worker: { ids, nasAccounting: spec.nasAccounting, reusePort: spec.reusePort },
    // worker 0 also takes the GRE that is no worker's by its call id (call id 0, not PPTP, cut short): it counts it
    openGre: () => openGreSocket({ filter: spec.index === 0 ? greCallIdFilter(0, ids.high, { others: true }) : greCallIdFilter(ids.low, ids.high) }),
    openTun: (localAddress, onError) => openTun({ name: spec.tunName, localAddress, mtu: 1400, onError }),
    leases: {
      lease: (req) => ask<LeaseAnswer>((id) => ({ t: 'lease', id, req })),
      release: (address) => send({ t: 'release', address }),
    },
    admission: {
      admit: (source) => ask<string | undefined>((id) => ({ t: 'admit', id, source })),
      closed: (source) => send({ t: 'source', event: 'closed', source }),
      authFailed: (source) => send({ t: 'source', event: 'auth-failed', source }),
      authSucceeded: (source) => send({ t: 'source', event: 'auth-ok', source }),
    },
    sessions: {
      take: (max) => ask<boolean>((id) => ({ t: 'session-take', id, max })),
      opened: () => send({ t: 'session', event: 'opened' }),
      closed: () => send({ t: 'session', event: 'closed' }),
    },
  });
  server.onAaaResult = (o) => send({ t: 'aaa-result', o });
  const statusNow = () => ({ ...server.status(), pools: [] });
  // with each call's accounting: if this worker dies, another sends the Stops from it
  const pushStatus = () => send({ t: 'status-push', status: statusNow(), accounting: server.accountingSnapshots(), aaa: server.aaaStatus() });
  const push = setInterval(pushStatus, STATUS_PUSH_MS);
  push.unref();

  const reply = async (id: number, work: () => unknown | Promise<unknown>) => {
    try {
      send({ t: 'reply', id, ok: true, value: await work() });
    } catch (e) {
      send({ t: 'reply', id, ok: false, error: (e as Error).message });
    }
  };
  process.on('message', (m: ToWorker) => {
    switch (m.t) {
      case 'reconfigure':
        // the listeners it opened are in the primary's mirror before the commit returns
        return void reply(m.id, async () => {
          await server.reconfigure(m.diff);
          pushStatus();
        });
      case 'status':
        return void reply(m.id, statusNow);
      case 'authenticate-console':
        return void reply(m.id, () => server.authenticateConsole(m.tag, m.user, m.password));
      case 'census':
        return void reply(m.id, async () => ({ ...(await server.census(m.perUser)), pools: [] }));
      case 'account-orphans':
        // a worker's crash is the NAS's error, not the user's (RFC 2866 5.10: NAS-Error)
        return void reply(m.id, () => server.accountOrphans(m.records, 'NAS-Error'));
      case 'disconnect':
        server.disconnectCall(m.callId);
        return;
      case 'session-timeout':
        server.setCallSessionTimeout(m.callId, m.seconds);
        return;
      case 'clear':
        return void reply(m.id, () => server.clearTunnels(m.target));
      case 'capture-start':
        return void reply(m.id, () => server.capture.start(m.spec));
      case 'capture-stop':
        return void reply(m.id, () => server.capture.stop(m.name));
      case 'capture-list':
        return void reply(m.id, () => server.capture.list());
      case 'capture-records':
        return void reply(m.id, () => server.capture.records(m.name) ?? null);
      case 'debug':
        setDebug(bus, m.categories);
        return;
      case 'lease-answer':
        return answered(m.id, m.answer);
      case 'admit-answer':
        return answered(m.id, m.refused);
      case 'session-answer':
        return answered(m.id, m.ok);
      case 'close':
        clearInterval(push);
        return void reply(m.id, () => server.close()).then(() => process.exit(0));
    }
  });
  // Ctrl-C, a terminal hang-up and systemd's stop signal the whole process group: the
  // primary stops this worker (its tunnels cleared, their accounting sent), not the signal.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => {});
  // The primary gone (crashed or killed): nothing drives this worker any more.
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
  send({ t: 'ready' });
}

/** The primary's `debug` switches, without their per-user filters: the primary's bus applies those to the lines it is sent. */
function setDebug(bus: DebugBus, categories: DebugCategory[]): void {
  bus.disableAll();
  for (const c of categories) bus.enable(c);
}
