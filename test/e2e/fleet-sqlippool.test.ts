/**
 * A fleet in the tests (issue 22 item 4), root only: three real
 * `pix-pptpd --service` processes, each from its own startup config
 * (samples/fleet/pix-fleet.cfg) in its own namespace, with no local pool
 * and no local user; one FreeRADIUS 3 with the PostgreSQL `sql` module and
 * `sqlippool` (samples/fleet/freeradius/), on a private PostgreSQL 15
 * cluster loaded with the freeradius-postgresql package's schemas and
 * samples/fleet/fleet.sql; our dial client in a fourth namespace
 * (test/harness/fleet-dialer.ts). The topology is in test/harness/fleet.ts.
 *
 * Everything is asserted on what a fleet's operator sees: rows of radippool
 * and radacct (psql), FreeRADIUS's detail file, radclient's answer, the
 * clients' addresses and ends, the services' journal lines.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fleet, fleetAvailable, FLEET_SECRET, poolAddress, until, userName, userPassword, type Instance } from '../harness/fleet.js';
import { detailRecords } from '../../src/lab/rig/freeradius.js';

const cap = fleetAvailable();
if (!cap.ok) console.log(`# fleet-sqlippool: SKIP: ${cap.reason}`);

const SESSIONS = 300;
const POOL = 300;
const INTERIM = 60;

interface Up {
  id: string;
  clientAddress: string;
  server: string;
}

describe('fleet: three pix-pptpd services, FreeRADIUS sql + sqlippool on PostgreSQL', { skip: cap.ok ? false : cap.reason, timeout: 240_000 }, () => {
  const fleet = new Fleet({ users: SESSIONS, poolSize: POOL, interimSeconds: INTERIM, simultaneousUse: 1, dialerMaxSeconds: 230 });
  /** session id -> instance, user */
  const who = new Map<string, { inst: Instance; user: string }>();
  const job = (id: string, i: number, inst: Instance) => {
    who.set(id, { inst, user: userName(i) });
    return { id, server: inst.address, local: inst.clientAddress, user: userName(i), password: userPassword(i) };
  };
  const pg = () => fleet.pg!;
  const leases = () => fleet.leases();
  const openRows = (nas?: string) => fleet.openRows(nas);
  /** The live sessions as the clients see them. */
  const live = async () => fleet.ask<Up[]>({ op: 'list' }, 'list', 20_000);
  /** What FreeRADIUS and the instances said about the failed dials (for an assertion message). */
  const failures = (from: number) => {
    const f = fleet.dialerLines<{ id: string }>('fail', from);
    const users = f.map((x) => who.get(x.id)?.user).filter((u) => u !== undefined);
    const radius = fleet.radius!.log().split('\n').filter((l) => users.some((u) => l.includes(u)) && /Multiple|incorrect|FAILED|reject|Reject|ERROR/i.test(l));
    const pix = fleet.instances.flatMap((i) => i.err!.lines.filter((l) => /403108|ERROR|<[0-3]>/.test(l)).slice(-10));
    return JSON.stringify({ fail: f.slice(0, 5), radius: radius.slice(-20), pix }, null, 1);
  };

  before(async () => {
    await fleet.start();
  });
  after(async () => {
    await fleet.close();
  });

  it(`${SESSIONS} sessions across the three instances: each a distinct address from the one SQL pool, a lease and a Start row per session, each instance its own NAS`, async () => {
    const jobs = Array.from({ length: SESSIONS }, (_, k) => job(`s${k + 1}`, k + 1, fleet.instances[k % 3]!));
    const r = await fleet.ask<{ up: number; failed: number }>({ op: 'dial', jobs, concurrency: 30 }, 'dialed', 120_000);
    assert.deepEqual(r.failed, 0, failures(0));
    assert.equal(r.up, SESSIONS);
    const ups = fleet.dialerLines<Up>('up');
    const addrs = new Set(ups.map((u) => u.clientAddress));
    assert.equal(addrs.size, SESSIONS, 'every session has its own address');
    const pool = new Set(Array.from({ length: POOL }, (_, i) => poolAddress(i)));
    for (const a of addrs) assert.ok(pool.has(a), `${a} is a radippool address`);

    const l = await leases();
    assert.equal(l.size, SESSIONS, 'one active lease per session');
    for (const u of ups) {
      const w = who.get(u.id)!;
      assert.deepEqual(l.get(u.clientAddress), [w.inst.nasIp, w.user], `lease of ${u.clientAddress}: the instance's NAS-IP-Address and the user`);
    }
    // every Start is a row: open, of its instance, with the address the client got
    await until(async () => (await openRows()) === SESSIONS, `${SESSIONS} open radacct rows`, 20_000);
    const rows = await pg().rows(`SELECT username, host(nasipaddress), host(framedipaddress), acctsessionid FROM radacct WHERE acctstoptime IS NULL`);
    const byUser = new Map(rows.map(([u, n, a, s]) => [u!, { nas: n!, addr: a!, sid: s! }]));
    assert.equal(new Set(rows.map((x) => x[3])).size, SESSIONS, 'Acct-Session-Id unique across the instances');
    for (const u of ups) {
      const w = who.get(u.id)!;
      assert.deepEqual(byUser.get(w.user), { nas: w.inst.nasIp, addr: u.clientAddress, sid: byUser.get(w.user)!.sid }, w.user);
    }
    const recs = detailRecords(fleet.radius!.accounting());
    for (const inst of fleet.instances) {
      const mine = recs.filter((x) => x['NAS-IP-Address'] === inst.nasIp);
      assert.deepEqual([...new Set(mine.map((x) => x['NAS-Identifier']))], [inst.hostname], `${inst.hostname}: NAS-Identifier is its hostname`);
      assert.equal(mine.filter((x) => x['Acct-Status-Type'] === 'Accounting-On').length, 1, `${inst.hostname}: one Accounting-On`);
      assert.equal(mine.filter((x) => x['Acct-Status-Type'] === 'Start').length, SESSIONS / 3);
    }
  });

  it('a second login of a user already up on instance 1, through instance 2: refused by Simultaneous-Use (radacct), no lease taken', async () => {
    const first = [...who.entries()].find(([, w]) => w.inst.n === 1)!;
    const user = first[1].user;
    const i = Number(user.slice(5));
    const from = fleet.dialerOut!.lines.length;
    const r = await fleet.ask<{ up: number; failed: number }>({ op: 'dial', jobs: [job('dup', i, fleet.instances[1]!)], concurrency: 1 }, 'dialed', 60_000);
    assert.equal(r.up, 0);
    const [fail] = fleet.dialerLines<{ reason: string; windowsError?: number }>('fail', from);
    assert.equal(fail?.windowsError, 691, JSON.stringify(fail));
    who.delete('dup');
    assert.match(fleet.radius!.log(), new RegExp(`Multiple logins \\(max 1\\).*${user}`), 'FreeRADIUS refused it for Simultaneous-Use');
    assert.equal((await leases()).size, SESSIONS, 'no address leased for the refused login');
    assert.equal(await openRows(), SESSIONS);
    assert.equal((await live()).length, SESSIONS, 'the first login is still up');
  });

  it("a Disconnect-Request from radclient to instance 3's NAS address ends exactly that user's call: Disconnect-ACK, Stop Admin-Reset, lease freed", async () => {
    const [id, w] = [...who.entries()].find(([k, x]) => x.inst.n === 3 && k.startsWith('s'))!;
    const [[sid, addr]] = (await pg().rows(`SELECT acctsessionid, host(framedipaddress) FROM radacct WHERE username = '${w.user}' AND acctstoptime IS NULL`)) as [[string, string]];
    const from = fleet.dialerOut!.lines.length;
    const out = await fleet.radclient(`${w.inst.nasIp}:3799`, 'disconnect', `Acct-Session-Id = "${sid}"\nUser-Name = "${w.user}"\n`);
    assert.match(out, /Received Disconnect-ACK/, out);
    await fleet.dialerOut!.waitFor(new RegExp(`^closed \\{"id":"${id}"`), 15_000, from);
    await until(async () => (await openRows()) === SESSIONS - 1, 'the Stop in radacct', 15_000);
    const [[cause, stopped]] = (await pg().rows(`SELECT acctterminatecause, acctstoptime IS NOT NULL FROM radacct WHERE acctsessionid = '${sid}'`)) as [[string, string]];
    assert.deepEqual([cause, stopped], ['Admin-Reset', 't']);
    const l = await leases();
    assert.equal(l.has(addr), false, `${addr} is free again`);
    assert.equal(l.size, SESSIONS - 1);
    assert.deepEqual(fleet.dialerLines<{ id: string }>('closed', from).map((c) => c.id), [id], 'no other call ended');
    assert.equal((await live()).length, SESSIONS - 1);
    who.delete(id);
  });

  it(`Acct-Interim-Interval ${INTERIM} from radgroupreply: every live session's row is updated by an Interim-Update`, async () => {
    await until(
      async () => Number((await pg().sql(`SELECT count(*) FROM radacct WHERE acctstoptime IS NULL AND acctupdatetime > acctstarttime`)).trim()) === SESSIONS - 1,
      'an Interim-Update of every live session',
      INTERIM * 1000 + 60_000,
      1000,
    );
    const interims = detailRecords(fleet.radius!.accounting()).filter((x) => x['Acct-Status-Type'] === 'Interim-Update');
    assert.ok(interims.length >= SESSIONS - 1, `${interims.length} Interim-Updates`);
    // Acct-Session-Time counts whole seconds from the call's start, a little before the period's timer starts
    const early = interims.filter((x) => Number(x['Acct-Session-Time']) < INTERIM - 1);
    assert.deepEqual(early.map((x) => x['Acct-Session-Time']), [], `none before ${INTERIM} s`);
    // the leases were renewed too (alive_update): still exactly the live ones
    assert.equal((await leases()).size, SESSIONS - 1);
  });

  it('kill -9 of instance 2 and its restart: its Accounting-On frees exactly its leases and closes its rows; its users dial again, nothing double-assigned', async () => {
    const i2 = fleet.instances[1]!;
    const before = await leases();
    const mine = [...before].filter(([, [nas]]) => nas === i2.nasIp).map(([a]) => a);
    const others = [...before].filter(([, [nas]]) => nas !== i2.nasIp);
    assert.equal(mine.length, SESSIONS / 3);
    const from = fleet.dialerOut!.lines.length;
    await fleet.kill9(i2);
    const ids2 = [...who.entries()].filter(([, w]) => w.inst === i2).map(([k]) => k);
    await until(() => fleet.dialerLines('closed', from).length >= ids2.length, 'the clients of instance 2 see their calls end', 30_000);
    // no Stop, no Accounting-Off: the centre still holds everything of instance 2
    assert.equal((await leases()).size, SESSIONS - 1, 'its leases are still held after kill -9');
    assert.equal(await openRows(i2.nasIp), SESSIONS / 3, 'its rows are still open');

    await fleet.startInstance(i2);
    await until(async () => (await openRows(i2.nasIp)) === 0, 'Accounting-On closes its radacct rows', 20_000);
    await until(async () => (await leases()).size === others.length, 'Accounting-On frees its leases', 20_000);
    const after = await leases();
    assert.deepEqual([...after].sort(), others.sort(), "the other instances' leases are untouched");
    const causes = await pg().rows(`SELECT DISTINCT acctterminatecause FROM radacct WHERE nasipaddress = '${i2.nasIp}'`);
    assert.deepEqual(causes, [['NAS-Reboot']]);
    const ons = detailRecords(fleet.radius!.accounting()).filter((x) => x['Acct-Status-Type'] === 'Accounting-On' && x['NAS-IP-Address'] === i2.nasIp);
    assert.equal(ons.length, 2, 'an Accounting-On at each start of instance 2');

    // the pool has 300 addresses, 199 held: the 100 users come back only because 100 were freed
    const again = ids2.map((k, n) => job(`r${n + 1}`, Number(who.get(k)!.user.slice(5)), i2));
    for (const k of ids2) who.delete(k);
    const r = await fleet.ask<{ up: number; failed: number }>({ op: 'dial', jobs: again, concurrency: 20 }, 'dialed', 120_000);
    assert.equal(r.failed, 0, failures(from));
    const now = await live();
    assert.equal(now.length, SESSIONS - 1);
    assert.equal(new Set(now.map((x) => x.clientAddress)).size, SESSIONS - 1, 'no address given twice');
    const l = await leases();
    assert.equal(l.size, SESSIONS - 1);
    for (const s of now) assert.deepEqual(l.get(s.clientAddress), [who.get(s.id)!.inst.nasIp, who.get(s.id)!.user], `lease of ${s.clientAddress}`);
    assert.equal(await openRows(), SESSIONS - 1);
  });

  it('clean end: the hang-ups are Stops that free every lease; SIGTERM sends each instance\'s Accounting-Off; no secret in any journal line', async () => {
    const h = await fleet.ask<{ n: number }>({ op: 'hangup' }, 'hungup', 60_000);
    assert.equal(h.n, SESSIONS - 1);
    await until(async () => (await openRows()) === 0, 'every radacct row stopped', 30_000);
    await until(async () => (await leases()).size === 0, 'every lease freed', 30_000);
    for (const inst of fleet.instances) assert.equal(await fleet.stopInstance(inst), 0, inst.err!.lines.join('\n'));
    const recs = detailRecords(fleet.radius!.accounting());
    for (const inst of fleet.instances) {
      const last = recs.filter((x) => x['NAS-IP-Address'] === inst.nasIp).at(-1);
      assert.equal(last?.['Acct-Status-Type'], 'Accounting-Off', `${inst.hostname} ends with Accounting-Off`);
    }
    const [[total, stopped, unique]] = (await pg().rows(`SELECT count(*), count(acctstoptime), count(DISTINCT acctuniqueid) FROM radacct`)) as [[string, string, string]];
    assert.deepEqual([total, stopped, unique], [String(SESSIONS + SESSIONS / 3), String(SESSIONS + SESSIONS / 3), String(SESSIONS + SESSIONS / 3)], 'one row per session, all stopped');
    for (const inst of fleet.instances) {
      const text = inst.err!.lines.join('\n');
      assert.ok(!text.includes(FLEET_SECRET), `${inst.hostname}: the RADIUS key is not logged`);
      assert.ok(!/fleet-Pw-\d{4}/.test(text), `${inst.hostname}: no password logged`);
      assert.ok(inst.err!.lines.some((l) => /%PIX-6-603104: .*client_dynamic_ip is 10\.200\./.test(l)), `${inst.hostname}: 603104 with the SQL pool's address`);
    }
  });
});
