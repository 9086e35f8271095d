/**
 * A fleet of pix-pptpd instances with one central AAA, for
 * test/e2e/fleet-sqlippool.test.ts and bench/fleet.bench.ts (root only):
 *
 *   client ns (fleet-dialer)  --veth 10.77.N.0/24--  pix N ns (pix-pptpd --service)  --veth 10.78.N.0/24--  core ns
 *     10.77.N.2                                        outside 10.77.N.1, inside 10.78.N.1                    10.78.N.2
 *                                                                                                  FreeRADIUS (sql, sqlippool)
 *                                                                                                  PostgreSQL (127.0.0.1 + socket)
 *
 * Each instance is the real service process started from its own startup
 * config (samples/fleet/pix-fleet.cfg, with its number filled in): its
 * NAS-IP-Address is its inside address, its NAS-Identifier its hostname.
 * Users, the address pool and accounting are rows in PostgreSQL, loaded
 * from the freeradius-postgresql package's schema files and
 * samples/fleet/fleet.sql. Everything (namespaces, processes, temp
 * directories) is removed by close(), and by the netns registry's exit
 * hooks if the process dies first.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canRoot, canRootWith, type Capability } from '../../src/lab/rig/capability.js';
import { createNetns, deleteNetns, LineReader, runInNetns, spawnInNetns, stopChild, uniqueNetnsName, vethPair, waitExit } from '../../src/lab/rig/netns.js';
import { postgresAvailable, startPostgres, type Postgres } from '../../src/lab/rig/postgres.js';
import { FREERADIUS_SQL_FILES, freeRadiusSqlAvailable, startFreeRadius, type FreeRadius } from '../../src/lab/rig/freeradius.js';
import { cliCommand } from '../e2e/cli-command.js';
import { spawnNodeInNetns } from './node-child.js';

export const FLEET_SECRET = 'Fleet-Rad1us-Key';
export const FLEET_POOL = 'fleet';
/** The instances' `passwd` when FleetOptions.management is on (SSH from the core namespace). */
export const FLEET_MANAGEMENT_PASSWORD = 'Fleet-Ssh-Pw';

/** The checkout (samples/ is read from it). */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pix-pptpd') return d;
    d = dirname(d);
  }
  throw new Error('package.json of pix-pptpd not found');
}

export function fleetAvailable(): Capability {
  for (const c of [canRoot(), postgresAvailable(), freeRadiusSqlAvailable(), canRootWith('radclient', 'psql')]) if (!c.ok) return c;
  return { ok: true };
}

export interface Instance {
  readonly n: number;
  readonly ns: string;
  readonly hostname: string;
  /** Outside (PPTP) address. */
  readonly address: string;
  /** The client namespace's address towards it. */
  readonly clientAddress: string;
  /** NAS-IP-Address: the inside interface's address. */
  readonly nasIp: string;
  /** The core's address towards it (its RADIUS server). */
  readonly radiusAddress: string;
  readonly configPath: string;
  child?: ChildProcess;
  err?: LineReader;
}

export interface FleetOptions {
  instances?: number;
  /** Pool addresses in radippool, 10.200.0.1 on (default 300). */
  poolSize?: number;
  /** Users fleet0001... with Cleartext-Password fleet-Pw-0001... (default 300). */
  users?: number;
  /** Simultaneous-Use per user (group pptp; default 1). */
  simultaneousUse?: number;
  /** Acct-Interim-Interval in the group's reply (default none). */
  interimSeconds?: number;
  /** FreeRADIUS -X (debug, single-threaded) instead of -f with threads. */
  radiusDebug?: boolean;
  /** `logging console LEVEL` of the instances (default informational). */
  loggingLevel?: string;
  /** A local pool and local users instead of RADIUS (the bench's baseline). */
  local?: boolean;
  dialerMaxSeconds?: number;
  /** The dialer prints no `up` line per session (list gives them). */
  quietDialer?: boolean;
  /** SSH to each instance's inside address from the core namespace (Fleet.show). */
  management?: boolean;
}

/** Polls `cond` every stepMs until it holds; fails the test after ms. */
export async function until(cond: () => Promise<boolean> | boolean, what: string, ms: number, stepMs = 250): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export function userName(i: number): string {
  return `fleet${String(i).padStart(4, '0')}`;
}
export function userPassword(i: number): string {
  return `fleet-Pw-${String(i).padStart(4, '0')}`;
}
export function poolAddress(i: number): string {
  return `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/** samples/fleet/pix-fleet.cfg for instance n: its hostname and addresses. */
export function instanceConfig(n: number, o: { loggingLevel?: string; local?: boolean; localUsers?: number; management?: boolean } = {}): string {
  let text = readFileSync(join(repoRoot(), 'samples', 'fleet', 'pix-fleet.cfg'), 'utf8')
    .replaceAll('pix-fleet-1', `pix-fleet-${n}`)
    .replaceAll('10.77.1.', `10.77.${n}.`)
    .replaceAll('10.78.1.', `10.78.${n}.`)
    .replace(/^aaa-server RADIUS \(inside\) host (\S+) \S+ /m, `aaa-server RADIUS (inside) host $1 ${FLEET_SECRET} `);
  if (o.loggingLevel) text = text.replace(/^logging console \S+$/m, `logging console ${o.loggingLevel}`);
  if (o.management) text += `\npasswd ${FLEET_MANAGEMENT_PASSWORD}\nssh 10.78.${n}.2 255.255.255.255 inside\n`;
  if (o.local) {
    // the bench's baseline: the same instance with its own pool and users, no AAA
    text = text
      .split('\n')
      .filter((l) => !/^(aaa-server|vpdn group 1 client (authentication|accounting))/.test(l))
      .join('\n')
      .replace(/^vpdn enable outside$/m, [
        `ip local pool local-pool 10.21${n}.0.1-10.21${n}.39.250`,
        'vpdn group 1 client configuration address local local-pool',
        `vpdn username bench password bench-Passw0rd`,
        'vpdn enable outside',
      ].join('\n'));
  }
  return text;
}

/** The SQL the fleet loads after the package's schemas: samples/fleet/fleet.sql, then users and pool sized for this run. */
export function fleetSql(o: { users: number; poolSize: number; simultaneousUse: number; interimSeconds?: number }): string {
  const sample = readFileSync(join(repoRoot(), 'samples', 'fleet', 'fleet.sql'), 'utf8');
  // the sample's own users and pool are examples; the rig sizes its own
  const lines = [
    sample,
    'DELETE FROM radcheck; DELETE FROM radusergroup; DELETE FROM radippool;',
    `UPDATE radgroupcheck SET value = '${o.simultaneousUse}' WHERE groupname = 'pptp' AND attribute = 'Simultaneous-Use';`,
    o.interimSeconds
      ? `UPDATE radgroupreply SET value = '${o.interimSeconds}' WHERE groupname = 'pptp' AND attribute = 'Acct-Interim-Interval';`
      : `DELETE FROM radgroupreply WHERE groupname = 'pptp' AND attribute = 'Acct-Interim-Interval';`,
    `INSERT INTO radcheck (username, attribute, op, value)
       SELECT 'fleet' || lpad(i::text, 4, '0'), 'Cleartext-Password', ':=', 'fleet-Pw-' || lpad(i::text, 4, '0') FROM generate_series(1, ${o.users}) AS i;`,
    `INSERT INTO radusergroup (username, groupname, priority)
       SELECT 'fleet' || lpad(i::text, 4, '0'), 'pptp', 1 FROM generate_series(1, ${o.users}) AS i;`,
    `INSERT INTO radippool (pool_name, framedipaddress, expiry_time)
       SELECT '${FLEET_POOL}', ('10.200.' || (i / 250) || '.' || (i % 250 + 1))::inet, now() - interval '1 hour' FROM generate_series(0, ${o.poolSize - 1}) AS i;`,
  ];
  return lines.join('\n');
}

export class Fleet {
  readonly instances: Instance[] = [];
  coreNs = '';
  clientNs = '';
  pg?: Postgres;
  radius?: FreeRadius;
  dialer?: ChildProcess;
  dialerOut?: LineReader;
  private dir = '';
  private forgetDir = () => {};
  private readonly namespaces: string[] = [];

  constructor(readonly o: FleetOptions = {}) {}

  get size(): number {
    return this.o.instances ?? 3;
  }

  /** Namespaces, veths, PostgreSQL + schema + rows, FreeRADIUS (unless local), the instances, the dialer. */
  async start(): Promise<void> {
    const dir = (this.dir = mkdtempSync(join(tmpdir(), 'pix-fleet-')));
    // the namespaces and children have their exit hooks; the configs too
    const removeDir = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', removeDir);
    this.forgetDir = () => process.off('exit', removeDir);
    this.clientNs = await this.ns('fltcli');
    if (!this.o.local) this.coreNs = await this.ns('fltcore');
    for (let n = 1; n <= this.size; n++) {
      const ns = await this.ns(`fltpix${n}`);
      const inst: Instance = {
        n,
        ns,
        hostname: `pix-fleet-${n}`,
        address: `10.77.${n}.1`,
        clientAddress: `10.77.${n}.2`,
        nasIp: `10.78.${n}.1`,
        radiusAddress: `10.78.${n}.2`,
        configPath: join(this.dir, `pix-fleet-${n}.cfg`),
      };
      await vethPair(ns, this.clientNs, `${inst.address}/24`, `${inst.clientAddress}/24`);
      if (!this.o.local) await vethPair(ns, this.coreNs, `${inst.nasIp}/24`, `${inst.radiusAddress}/24`);
      writeFileSync(inst.configPath, instanceConfig(n, { loggingLevel: this.o.loggingLevel, local: this.o.local, management: this.o.management }), { mode: 0o600 });
      this.instances.push(inst);
    }
    if (!this.o.local) {
      this.pg = await startPostgres({ netns: this.coreNs });
      await this.pg.sql(readFileSync(FREERADIUS_SQL_FILES.mainSchema, 'utf8'));
      await this.pg.sql(readFileSync(FREERADIUS_SQL_FILES.ippoolSchema, 'utf8'));
      await this.pg.sql(
        fleetSql({ users: this.o.users ?? 300, poolSize: this.o.poolSize ?? 300, simultaneousUse: this.o.simultaneousUse ?? 1, interimSeconds: this.o.interimSeconds }),
      );
      this.radius = await startFreeRadius({
        users: [],
        secret: FLEET_SECRET,
        address: '*',
        port: 1812,
        netns: this.coreNs,
        clients: this.instances.map((i) => i.nasIp),
        sql: { server: this.pg.socketDir, port: this.pg.port, database: this.pg.database, login: this.pg.user },
        threads: 8,
        debug: this.o.radiusDebug ?? true,
      });
    }
    await Promise.all(this.instances.map((i) => this.startInstance(i)));
    this.dialer = spawnNodeInNetns(this.clientNs, 'fleet-dialer', [JSON.stringify({ maxSeconds: this.o.dialerMaxSeconds ?? 300, quiet: this.o.quietDialer ?? false })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.dialerOut = new LineReader(this.dialer.stdout!);
  }

  private async ns(prefix: string): Promise<string> {
    const ns = await createNetns(uniqueNetnsName(prefix));
    this.namespaces.push(ns);
    return ns;
  }

  /** The real service process from its startup config; resolves once it listens. */
  async startInstance(i: Instance): Promise<void> {
    const cmd = cliCommand();
    i.child = spawnInNetns(i.ns, cmd.argv[0]!, [...cmd.argv.slice(1), '--service', '--config', i.configPath], { cwd: cmd.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    i.err = new LineReader(i.child.stderr!);
    await i.err.waitFor(new RegExp(`^<5>pix-pptpd \\S+ started from .*: PPTP listening on ${i.address.replace(/\./g, '\\.')}:1723 \\(outside\\)`), 30_000);
  }

  /** kill -9: no Stop, no Accounting-Off, the leases stay in radippool. */
  async kill9(i: Instance): Promise<void> {
    i.child!.kill('SIGKILL');
    await waitExit(i.child!, 10_000);
  }

  async stopInstance(i: Instance): Promise<number | null | undefined> {
    if (!i.child) return undefined;
    const c = i.child;
    c.kill('SIGTERM');
    const code = await waitExit(c, 20_000);
    await stopChild(c, 1000);
    return code;
  }

  /** radippool's active leases: address -> [NAS-IP-Address, username]. */
  async leases(): Promise<Map<string, [string, string]>> {
    const rows = await this.pg!.rows(`SELECT host(framedipaddress), nasipaddress, username FROM radippool WHERE expiry_time > now() ORDER BY 1`);
    return new Map(rows.map(([a, n, u]) => [a!, [n!, u!]]));
  }

  /** radacct rows without a Stop (of one NAS-IP-Address). */
  async openRows(nas?: string): Promise<number> {
    return Number((await this.pg!.sql(`SELECT count(*) FROM radacct WHERE acctstoptime IS NULL${nas ? ` AND nasipaddress = '${nas}'` : ''}`)).trim());
  }

  /** One command to the dialer; resolves with the line of `kind` it answers with (after `from`). */
  async ask<T>(cmd: object, kind: string, timeoutMs: number): Promise<T> {
    const from = this.dialerOut!.lines.length;
    this.dialer!.stdin!.write(JSON.stringify(cmd) + '\n');
    const line = await this.dialerOut!.waitFor(new RegExp(`^${kind} `), timeoutMs, from);
    return JSON.parse(line.slice(kind.length + 1)) as T;
  }

  /** Lines `kind {json}` the dialer printed (from index `from`). */
  dialerLines<T>(kind: string, from = 0): T[] {
    return this.dialerOut!.lines.slice(from)
      .filter((l) => l.startsWith(`${kind} `))
      .map((l) => JSON.parse(l.slice(kind.length + 1)) as T);
  }

  /**
   * What an operator sees on instance `i`: its shell over SSH from the core
   * namespace (FleetOptions.management), `enable`, then `commands`; the
   * session's output.
   */
  async show(i: Instance, ...commands: string[]): Promise<string> {
    const opts = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'ConnectTimeout=10', 'PreferredAuthentications=password', 'PubkeyAuthentication=no'];
    const r = await runInNetns(this.coreNs, 'sshpass', ['-p', FLEET_MANAGEMENT_PASSWORD, 'ssh', ...opts.flatMap((o) => ['-o', o]), '-T', `pix@${i.nasIp}`], {
      input: ['enable', '', ...commands, 'exit', 'exit', ''].join('\n'),
      timeoutMs: 30_000,
    });
    if (r.code !== 0) throw new Error(`ssh to ${i.hostname} failed (${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim().slice(-500)}`);
    return r.stdout;
  }

  /** radclient in the core namespace (the instance's RADIUS server's address is the request's source). */
  async radclient(target: string, kind: 'disconnect' | 'coa', input: string): Promise<string> {
    const r = await runInNetns(this.coreNs, 'radclient', ['-x', '-t', '3', '-r', '2', target, kind, FLEET_SECRET], { input, timeoutMs: 20_000 });
    return r.stdout + r.stderr;
  }

  async close(): Promise<void> {
    // a test that failed with the database stopped: let it answer, so everything ends quickly
    this.pg?.resume();
    if (this.dialer) {
      try {
        this.dialer.stdin!.write('{"op":"quit"}\n');
      } catch {
        /* gone */
      }
      if ((await waitExit(this.dialer, 20_000)) === undefined) await stopChild(this.dialer, 1000);
    }
    for (const i of this.instances) await this.stopInstance(i);
    await this.radius?.stop();
    await this.pg?.stop();
    for (const ns of this.namespaces.reverse()) await deleteNetns(ns);
    this.namespaces.length = 0;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.forgetDir();
  }
}
