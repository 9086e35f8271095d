/**
 * Issue 22's last case, on the fleet rig (test/harness/fleet.ts; root
 * only): the centre's PostgreSQL stops answering (SIGSTOP of its
 * postmaster and every backend: connections are still accepted by the
 * kernel, nothing is ever served) while calls are up and new users dial,
 * then answers again (SIGCONT); then it refuses instead (its connections
 * ended, new ones refused, as a database shutting down), then serves again.
 *
 * FreeRADIUS is threaded as in production, with the sample's sql module
 * (samples/fleet/freeradius/mods-enabled/sql: query_timeout 2): it answers
 * a login it cannot look up with Access-Reject within seconds, and leaves
 * an Accounting-Request it cannot store unanswered (RFC 2866). The
 * instances refuse each new call in bounded time, keep the calls up
 * passing traffic, hold the accounting they could not deliver and send it
 * when the database is back; no address is leased twice, none is left
 * held. Asserted on what an operator sees: the instances' journal lines,
 * `show aaa-server` and `show vpdn` over SSH, radippool and radacct rows,
 * FreeRADIUS's log.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fleet, fleetAvailable, until, userName, userPassword, type Instance } from '../harness/fleet.js';

const cap = fleetAvailable();
if (!cap.ok) console.log(`# fleet-db-stop: SKIP: ${cap.reason}`);

/**
 * What the instances guarantee: one RADIUS server asked 4 times 5 s apart
 * (pix-fleet.cfg), then the call is refused whatever FreeRADIUS does.
 * FreeRADIUS's Access-Reject usually comes first (2 s query timeouts, its
 * pool reopening connections one at a time: 2 to 14 s seen).
 */
const REFUSED_WITHIN_MS = 21_000;

interface Fail {
  id: string;
  reason: string;
  windowsError?: number;
}

describe('fleet: PostgreSQL stops answering, then refuses, while calls are up and users dial', { skip: cap.ok ? false : cap.reason, timeout: 200_000 }, () => {
  const fleet = new Fleet({ users: 12, poolSize: 12, simultaneousUse: 1, management: true, radiusDebug: false, dialerMaxSeconds: 190 });
  /** session id -> instance and user of every session that came up and is not hung up */
  const up = new Map<string, { inst: Instance; user: string; address: string }>();
  let sessions = 0;
  let stopCaseDone = false;
  const inst = (n: number) => fleet.instances[n - 1]!;
  const job = (id: string, user: number, i: Instance) => ({ id, server: i.address, local: i.clientAddress, user: userName(user), password: userPassword(user) });
  const journal = (i: Instance, from: number) => i.err!.lines.slice(from);
  const marks = () => fleet.instances.map((i) => i.err!.lines.length);

  /** Dials; returns the dialer's answer, each failure and the time it took. */
  async function dial(jobs: ReturnType<typeof job>[]): Promise<{ up: number; failed: Fail[]; ms: number }> {
    const from = fleet.dialerOut!.lines.length;
    const t0 = Date.now();
    const r = await fleet.ask<{ up: number }>({ op: 'dial', jobs, concurrency: jobs.length }, 'dialed', 90_000);
    const ms = Date.now() - t0;
    for (const u of fleet.dialerLines<{ id: string; clientAddress: string }>('up', from)) {
      const j = jobs.find((x) => x.id === u.id)!;
      up.set(u.id, { inst: fleet.instances.find((i) => i.address === j.server)!, user: j.user, address: u.clientAddress });
      sessions++;
    }
    return { up: r.up, failed: fleet.dialerLines<Fail>('fail', from), ms };
  }
  async function hangup(...ids: string[]): Promise<void> {
    await fleet.ask({ op: 'hangup', ids }, 'hungup', 30_000);
    for (const id of ids) up.delete(id);
  }
  /** 3 echoes through each call up to its instance's inside address: [id, received], by id. */
  async function pingAll(): Promise<[string, number][]> {
    const r = await fleet.ask<{ id: string; received: number }[]>({ op: 'ping', targets: [...up].map(([id, s]) => ({ id, dst: s.inst.nasIp })) }, 'pinged', 30_000);
    return r.map((p): [string, number] => [p.id, p.received]).sort();
  }
  const allPing = () => [...up.keys()].sort().map((id): [string, number] => [id, 3]);
  /** After a refusal: the centre holds exactly the sessions up, each instance's `show vpdn` has exactly its own. */
  async function nothingStuck(what: string): Promise<void> {
    // a Stop frees its lease just after its row is closed (sql, then sqlippool)
    await until(async () => (await fleet.leases()).size === up.size, `${what}: ${up.size} leases`, 10_000);
    const l = await fleet.leases();
    assert.deepEqual(
      [...l].sort(),
      [...up.values()].map((s) => [s.address, [s.inst.nasIp, s.user]]).sort(),
      `${what}: one lease per session up, none for a refused call`,
    );
    assert.equal(new Set([...up.values()].map((s) => s.address)).size, up.size, `${what}: no address given twice`);
    for (const i of fleet.instances) {
      const mine = [...up.values()].filter((s) => s.inst === i).length;
      const vpdn = new RegExp(mine ? `Total tunnels=${mine} sessions=${mine}\\)` : 'No active PPTP tunnels');
      assert.match(await fleet.show(i, 'show vpdn'), vpdn, `${what}: ${i.hostname} holds only its calls up`);
    }
  }
  /** The user's radacct rows without a Stop. */
  const openOf = async (user: number) => Number((await fleet.pg!.sql(`SELECT count(*) FROM radacct WHERE username = '${userName(user)}' AND acctstoptime IS NULL`)).trim());
  const aaa = (i: Instance) => fleet.show(i, 'show aaa-server RADIUS');
  const counter = (text: string, name: string) => Number(new RegExp(`^${name}\\s+(\\d+)$`, 'm').exec(text)?.[1] ?? NaN);

  before(async () => {
    await fleet.start();
  });
  after(async () => {
    // close() lets a stopped database answer first, then ends and removes everything
    await fleet.close();
  });

  it('stops answering: each new call refused in bounded time (691, 603103), calls up keep passing traffic, their Stop held and retried; once it answers, the Stop lands and new calls come up', async () => {
    const first = await dial([job('a1', 1, inst(1)), job('a10', 10, inst(1)), job('a11', 11, inst(1)), job('a2', 2, inst(2)), job('a3', 3, inst(3))]);
    assert.equal(first.up, 5, JSON.stringify(first.failed));
    await until(async () => (await fleet.openRows()) === 5, 'a Start row per call', 15_000);
    const rejectsBefore = await Promise.all(fleet.instances.map(async (i) => counter(await aaa(i), 'Number of rejects')));
    const at = marks();
    const radiusFrom = fleet.radius!.log().split('\n').length;

    const stopped = fleet.pg!.pause();
    const t0 = Date.now();
    let shown = '';
    try {
      assert.ok(stopped.length >= 2, `postmaster and backends stopped: ${stopped.length}`);
      // three calls of instance 1 end while the database cannot store their Stops (nor free their leases)
      await hangup('a1', 'a10', 'a11');
      const refused = await dial([job('b4', 4, inst(1)), job('b5', 5, inst(2)), job('b6', 6, inst(3))]);
      console.log(`# fleet-db-stop: stopped database: 3 concurrent dials refused after ${refused.ms} ms`);
      assert.equal(refused.up, 0);
      assert.deepEqual(refused.failed.map((f) => [f.reason, f.windowsError]).sort(), Array(3).fill(['auth-failed', 691]));
      assert.ok(refused.ms < REFUSED_WITHIN_MS, `refused within ${REFUSED_WITHIN_MS} ms: ${refused.ms}`);
      // a user who dials a little later is refused too
      const later = await dial([job('c7', 7, inst(1))]);
      console.log(`# fleet-db-stop: stopped database: a later dial refused after ${later.ms} ms`);
      assert.deepEqual(later.failed.map((f) => f.windowsError), [691]);
      assert.ok(later.ms < REFUSED_WITHIN_MS, `refused within ${REFUSED_WITHIN_MS} ms: ${later.ms}`);
      // the calls up pass traffic through their instances
      assert.deepEqual(await pingAll(), [['a2', 3], ['a3', 3]]);

      // what the operator sees: 603103 for each, and each refusal counted, as FreeRADIUS's reject
      // (show aaa-server) or, had it not answered in time, as 109003 (the server failed)
      for (const [n, users] of [[1, [4, 7]], [2, [5]], [3, [6]]] as const) {
        const lines = journal(inst(n), at[n - 1]!);
        for (const u of users) assert.ok(lines.some((l) => l.endsWith(`user: ${userName(u)} aaa authentication failed`)), `${inst(n).hostname}: 603103 for ${userName(u)}`);
        assert.deepEqual(lines.filter((l) => /603104: .*client_dynamic_ip is 10\./.test(l)), [], `${inst(n).hostname}: no call up`);
        // the call may be refused before our RADIUS client has given up on its request: it is counted when it does
        let shown = '';
        let rejects = 0;
        let noAnswer = 0;
        const counted = async () => {
          shown = await aaa(inst(n));
          rejects = counter(shown, 'Number of rejects') - rejectsBefore[n - 1]!;
          noAnswer = journal(inst(n), at[n - 1]!).filter((l) => /%PIX-6-109003: /.test(l)).length;
          return rejects + noAnswer >= users.length;
        };
        await until(counted, `${inst(n).hostname}: each refusal counted`, 30_000, 1000).catch(() => undefined);
        console.log(`# fleet-db-stop: ${inst(n).hostname}: ${rejects} refused by Access-Reject, ${noAnswer} by no answer in time`);
        assert.equal(rejects + noAnswer, users.length, shown);
        assert.match(shown, /^Server status: {3}ACTIVE/m, shown);
      }
      assert.match(fleet.radius!.log().split('\n').slice(radiusFrom).join('\n'), /rlm_sql_postgresql: Socket read timeout after 2 seconds/, 'FreeRADIUS gave up on the database');

      // the Stops: each sent 4 times 5 s apart, unanswered (a FreeRADIUS without its database sends no
      // Accounting-Response), held; three in a row make accounting FAILED, but not the logins FreeRADIUS answers
      // (a refused login's request may have timed out too: wait for the accounting verdict itself)
      const givenUp = async () => counter((shown = await aaa(inst(1))), 'Number of timeouts') >= 3 && /^Accounting status: FAILED/m.test(shown);
      await until(givenUp, 'the Stops given up once', 45_000, 1000).catch(() => undefined);
      console.log(`# fleet-db-stop: stopped database: the Stops' first round given up ${Date.now() - t0} ms after the stop`);
      assert.match(shown, /^Server status: {3}ACTIVE/m, `logins still asked: ${shown}`);
      assert.match(shown, /^Accounting status: FAILED/m, shown);
      assert.match(shown, /^Accounting queue: 3 queued, /m, shown);
      assert.ok(counter(shown, 'Number of retransmissions') >= 9, shown);
    } finally {
      fleet.pg!.resume();
    }
    const t1 = Date.now();
    console.log(`# fleet-db-stop: database stopped for ${t1 - t0} ms`);
    await until(async () => (await openOf(1)) + (await openOf(10)) + (await openOf(11)) === 0, 'the held Stops in radacct', 45_000, 500);
    console.log(`# fleet-db-stop: the held Stops written ${Date.now() - t1} ms after the database answered again`);
    const causes = await fleet.pg!.rows(`SELECT acctterminatecause FROM radacct WHERE username IN ('${userName(1)}', '${userName(10)}', '${userName(11)}')`);
    assert.deepEqual(causes, Array(3).fill(['User-Request']));
    // a row may come from an UPDATE FreeRADIUS gave up on, run by PostgreSQL once it woke up:
    // the instance still holds the record and sends it again after its pause (10 s)
    await until(async () => /^Accounting queue: 0 queued, 0 in flight, /m.test((shown = await aaa(inst(1)))), 'the Stops acknowledged', 40_000, 1000);
    console.log(`# fleet-db-stop: the held Stops acknowledged ${Date.now() - t1} ms after the database answered again`);
    assert.doesNotMatch(shown, /Accounting status: FAILED/, shown);
    assert.match(shown, /^Server status: {3}ACTIVE/m, shown);
    await nothingStuck('after the stop');

    const back = await dial([job('d4', 4, inst(1)), job('d5', 5, inst(2)), job('d6', 6, inst(3)), job('d7', 7, inst(1))]);
    console.log(`# fleet-db-stop: answering again: 4 dials up in ${back.ms} ms`);
    assert.deepEqual(back.failed, []);
    await until(async () => (await fleet.openRows()) === up.size, 'a Start row per session up', 15_000);
    await nothingStuck('after it answered again');
    assert.deepEqual(await pingAll(), allPing());
    stopCaseDone = true;
  });

  it('refuses (connections ended and refused): new calls refused at once, the Stop held until it serves again; nothing duplicated', async (t) => {
    if (!stopCaseDone) return t.skip('the case before did not finish: its calls are not there');
    const at = marks();
    await fleet.pg!.refuse(true);
    try {
      await hangup('d5');
      const refused = await dial([job('e8', 8, inst(2)), job('e9', 9, inst(3))]);
      console.log(`# fleet-db-stop: refusing database: 2 concurrent dials refused after ${refused.ms} ms`);
      assert.deepEqual(refused.failed.map((f) => f.windowsError), [691, 691]);
      assert.ok(refused.ms < REFUSED_WITHIN_MS, `refused within ${REFUSED_WITHIN_MS} ms: ${refused.ms}`);
      for (const [n, u] of [[2, 8], [3, 9]] as const) {
        assert.ok(journal(inst(n), at[n - 1]!).some((l) => l.endsWith(`user: ${userName(u)} aaa authentication failed`)), `603103 for ${userName(u)}`);
      }
      assert.deepEqual(await pingAll(), allPing(), 'the calls up pass traffic');
    } finally {
      await fleet.pg!.refuse(false);
    }
    const t1 = Date.now();
    await until(async () => (await openOf(5)) === 0, "d5's Stop in radacct", 45_000, 500);
    console.log(`# fleet-db-stop: the held Stop written ${Date.now() - t1} ms after the database served again`);
    await nothingStuck('after the refusal');
    const back = await dial([job('f8', 8, inst(2)), job('f9', 9, inst(3))]);
    assert.deepEqual(back.failed, []);
    await nothingStuck('after it served again');

    // the end: every hang-up a Stop that frees its lease; one radacct row per session that came up, none for a refused call
    await hangup(...up.keys());
    await until(async () => (await fleet.openRows()) === 0, 'every row stopped', 30_000);
    await until(async () => (await fleet.leases()).size === 0, 'every lease freed', 30_000);
    const [[total, stopped, unique]] = (await fleet.pg!.rows(`SELECT count(*), count(acctstoptime), count(DISTINCT acctuniqueid) FROM radacct`)) as [[string, string, string]];
    assert.deepEqual([total, stopped, unique].map(Number), [sessions, sessions, sessions], 'one row per session that came up, all stopped');
    const perUser = await fleet.pg!.rows(`SELECT username, count(*) FROM radacct GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(perUser, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((u) => [userName(u), '1']), 'a refused dial left no row');
  });
});
