/**
 * A real FreeRADIUS 3 (Debian's freeradius package) for the lab and the tests, following
 * shared/reference/aaa/radius-up.sh: a self-contained configuration in a temp
 * directory (the system /etc/freeradius is neither read nor changed), users
 * given by the test, auth on PORT and accounting on PORT+1 of one address
 * (127.0.0.1, or an address inside a test namespace), started as a child we
 * stop by its pid.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader, spawnInNetns, stopChild, killAtExit } from './netns.js';
import { canRootWith, hasTool, type Capability } from './capability.js';

export interface RadiusUser {
  name: string;
  /** Cleartext-Password: PAP, CHAP, MS-CHAPv1 and MS-CHAPv2 all work. */
  password?: string;
  /** NT-Password (32 hex digits) instead of a cleartext: PAP and MS-CHAP work, CHAP cannot. */
  ntHash?: string;
  /** Extra reply attributes, e.g. { 'Framed-IP-Address': '192.168.1.77', 'Session-Timeout': 60 }. */
  reply?: Record<string, string | number>;
  /** Accept, but strip every MPPE attribute from the Access-Accept. */
  noMppe?: boolean;
  /** Simultaneous-Use: logins at once, counted in radutmp from our accounting Start/Stop. */
  simultaneousUse?: number;
}

export interface FreeRadiusOptions {
  users: RadiusUser[];
  /** Shared secret (default testing123). */
  secret?: string;
  /** Listen address (default 127.0.0.1). */
  address?: string;
  /** Auth port (accounting is port + 1); default: a free pair on 127.0.0.1. */
  port?: number;
  /** Run inside this namespace (the NAS under test must be there too). */
  netns?: string;
  /** NAS addresses allowed to ask (default: the listen address). */
  clients?: string[];
  requireMessageAuthenticator?: boolean;
  /** MS-MPPE-Encryption-Types 4 (128-bit only) when true (default), 6 when false. */
  mppeStrong?: boolean;
  /** MS-MPPE-Encryption-Policy 2 (required) when true (default), 1 when false. */
  mppeRequired?: boolean;
  /**
   * Users, accounting, Simultaneous-Use and address pools in PostgreSQL
   * (src/lab/rig/postgres.ts): the `sql` module (radcheck, radreply,
   * radgroupcheck, radusergroup; radacct) and `sqlippool` (radippool), with
   * the queries of Debian's freeradius-postgresql package. The schema is the
   * caller's to load (FREERADIUS_SQL_FILES). The site is then sqlSiteConf()
   * with a detail file: `users` (the users file) is not read.
   */
  sql?: SqlBackend;
  /** Worker threads (thread pool max_servers; default 4; used only without debug). */
  threads?: number;
  /** -X (default): debug output, one thread. false: -f -l stdout, threads, only log lines. */
  debug?: boolean;
}

export interface SqlBackend {
  /** libpq host: the unix socket directory, or an address. */
  server: string;
  port: number;
  database: string;
  login: string;
  /** sqlippool lease_duration, seconds (default 3600). */
  leaseSeconds?: number;
}

/** Debian's freeradius-postgresql files the SQL rig uses: the schemas to load and the queries FreeRADIUS runs. */
export const FREERADIUS_SQL_FILES = {
  mainSchema: '/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql',
  mainQueries: '/etc/freeradius/3.0/mods-config/sql/main/postgresql/queries.conf',
  ippoolSchema: '/etc/freeradius/3.0/mods-config/sql/ippool/postgresql/schema.sql',
  ippoolQueries: '/etc/freeradius/3.0/mods-config/sql/ippool/postgresql/queries.conf',
  driver: '/usr/lib/freeradius/rlm_sql_postgresql.so',
} as const;

/** freeRadiusAvailable() plus the freeradius-postgresql package (rlm_sql_postgresql, rlm_sqlippool, its queries). */
export function freeRadiusSqlAvailable(): Capability {
  const f = freeRadiusAvailable();
  if (!f.ok) return f;
  const missing = Object.values(FREERADIUS_SQL_FILES).filter((p) => !existsSync(p));
  if (missing.length) return { ok: false, reason: `freeradius-postgresql missing (${missing[0]}; scripts/setup.sh --test installs it)` };
  return { ok: true };
}

/**
 * The `sql` module for PostgreSQL (mods-enabled/sql). `radius_db` is a libpq
 * connection string, so a unix socket directory works as `host=`.
 */
export function sqlModuleConf(b: Omit<SqlBackend, 'leaseSeconds'>): string {
  for (const v of [b.server, b.database, b.login]) if (/[\s"'\\]/.test(v)) throw new Error(`sql backend: no spaces or quotes in ${v}`);
  return `sql {
	dialect = "postgresql"
	driver = "rlm_sql_postgresql"
	# a libpq connection string: host may be a unix socket directory
	radius_db = "dbname=${b.database} host=${b.server} port=${b.port} user=${b.login}"
	# Fail fast when PostgreSQL stops answering: each query, and each new
	# connection (libpq connect_timeout), gives up after 2 s, and the
	# request fails: Access-Reject for a login, no Accounting-Response for
	# a record (the NAS keeps it and sends it again). Without it a hung
	# database holds every thread until it answers again, and the answers
	# then come after the NAS gave up (pix-fleet.cfg: timeout 5, 4 tries),
	# leaving radippool leases of calls that never came up. The pool
	# reopens its connections one at a time, so a login can wait for
	# several of these: keep it small.
	query_timeout = 2
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	read_groups = yes
	delete_stale_sessions = yes
	read_clients = no
	client_table = "nas"
	group_attribute = "SQL-Group"
	pool {
		start = 2
		min = 2
		max = \${thread[pool].max_servers}
		spare = 2
		uses = 0
		retry_delay = 5
		lifetime = 0
		idle_timeout = 60
	}
	\$INCLUDE \${modconfdir}/\${.:name}/main/\${dialect}/queries.conf
}
`;
}

/**
 * The `sqlippool` module (mods-enabled/sqlippool): leases from radippool
 * keyed by NAS-IP-Address and NAS-Port, freed by the Stop, and all of one
 * NAS's by its Accounting-On/Off.
 */
export function sqlIppoolModuleConf(leaseSeconds = 3600): string {
  return `sqlippool {
	sql_module_instance = "sql"
	dialect = "postgresql"
	ippool_table = "radippool"
	# the pool is named by the control attribute Pool-Name (radgroupcheck)
	pool_name = "Pool-Name"
	lease_duration = ${Math.floor(leaseSeconds)}
	allocate_clear_timeout = 1
	attribute_name = Framed-IP-Address
	req_attribute_name = Framed-IP-Address
	# one lease per NAS port: NAS-Port is the NAS's PPP virtual interface number
	pool_key = "%{NAS-Port}"
	messages {
		exists = "Existing IP: %{reply:\${..attribute_name}} (cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
		success = "Allocated IP: %{reply:\${..attribute_name}} from %{control:\${..pool_name}} (cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
		clear = "Released IP %{request:\${..attribute_name}} (cli %{Calling-Station-Id} user %{User-Name})"
		failed = "IP Allocation FAILED from %{control:\${..pool_name}} (cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
		nopool = "No \${..pool_name} defined (cli %{Calling-Station-Id} port %{NAS-Port} user %{User-Name})"
	}
	\$INCLUDE \${modconfdir}/sql/ippool/\${dialect}/queries.conf
}
`;
}

export interface FreeRadius {
  readonly host: string;
  readonly authPort: number;
  readonly acctPort: number;
  readonly secret: string;
  readonly dir: string;
  readonly pid: number;
  /** The server's debug output so far (-X). */
  log(): string;
  /** The accounting detail file ('' before the first record). */
  accounting(): string;
  /** The detail file's records, each attribute -> value (quotes removed). */
  accountingRecords(): DetailRecord[];
  /** SIGTERM (SIGKILL after 5 s), then removes the directory. */
  stop(): Promise<void>;
}

/** One record of FreeRADIUS's detail file: attribute -> value. */
export type DetailRecord = Record<string, string>;

/** The records of a detail file (blocks of `\tName = value` lines under a date). */
export function detailRecords(text: string): DetailRecord[] {
  const out: DetailRecord[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const rec: DetailRecord = {};
    for (const line of block.split('\n')) {
      const m = /^\s+([A-Za-z0-9-]+) = (.*)$/.exec(line);
      if (m) rec[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
    if (rec['Acct-Status-Type']) out.push(rec);
  }
  return out;
}

function detailText(dir: string): string {
  const f = join(dir, 'radacct', 'detail');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
}

export function freeRadiusAvailable(): Capability {
  if (!hasTool('freeradius')) return { ok: false, reason: 'freeradius missing (scripts/setup.sh --test installs it)' };
  return { ok: true };
}

/** freeRadiusAvailable() plus root and radclient, for tests that prove it with radclient. */
export function radclientAvailable(): Capability {
  const f = freeRadiusAvailable();
  return f.ok ? canRootWith('radclient') : f;
}

/** A quoted string for FreeRADIUS config/users files. */
function q(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function usersFile(users: RadiusUser[]): string {
  const out: string[] = ['# generated by src/lab/rig/freeradius.ts'];
  for (const u of users) {
    const check: string[] = [];
    if (u.password !== undefined) check.push(`Cleartext-Password := ${q(u.password)}`);
    if (u.ntHash !== undefined) {
      if (!/^[0-9a-fA-F]{32}$/.test(u.ntHash)) throw new Error(`ntHash of ${u.name}: 32 hex digits expected`);
      check.push(`NT-Password := 0x${u.ntHash}`);
    }
    if (u.noMppe) check.push('Tmp-String-0 := "no-mppe"');
    if (u.simultaneousUse !== undefined) check.push(`Simultaneous-Use := ${Math.floor(u.simultaneousUse)}`);
    const reply: Record<string, string | number> = { 'Service-Type': 'Framed-User', 'Framed-Protocol': 'PPP', ...u.reply };
    const items = Object.entries(reply).map(([k, v]) => {
      if (!/^[A-Za-z0-9-]+$/.test(k)) throw new Error(`bad attribute name ${k}`);
      return `\t${k} = ${typeof v === 'number' ? String(v) : q(v)}`;
    });
    out.push(`${q(u.name)}\t${check.join(', ')}`, items.join(',\n'), '');
  }
  return out.join('\n');
}

function config(dir: string, o: Required<Pick<FreeRadiusOptions, 'secret' | 'address'>> & FreeRadiusOptions, port: number): void {
  const r = join(dir, 'raddb');
  for (const d of ['mods-enabled', 'sites-enabled', 'mods-config/attr_filter']) mkdirSync(join(r, d), { recursive: true });
  for (const d of ['log', 'run', 'radacct', 'db']) mkdirSync(join(dir, d), { recursive: true });
  const w = (name: string, text: string) => writeFileSync(join(r, name), text, { mode: 0o644 });
  w(
    'radiusd.conf',
    `prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = /var
sbindir = /usr/sbin
logdir = ${dir}/log
raddbdir = ${r}
radacctdir = ${dir}/radacct
name = freeradius
confdir = \${raddbdir}
modconfdir = \${confdir}/mods-config
certdir = \${confdir}/certs
cadir = \${confdir}/certs
run_dir = ${dir}/run
db_dir = ${dir}/db
libdir = /usr/lib/freeradius
pidfile = ${dir}/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
proxy_requests = no
log {
	destination = files
	colourise = no
	file = \${logdir}/radius.log
	auth = yes
}
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = yes
}
thread pool {
	start_servers = 1
	max_servers = ${o.threads ?? 4}
	min_spare_servers = 1
	max_spare_servers = 2
	max_requests_per_server = 0
	auto_limit_acct = no
}
modules {
	\$INCLUDE mods-enabled/
}
instantiate {
}
policy {
}
\$INCLUDE clients.conf
\$INCLUDE sites-enabled/
`,
  );
  const clients = o.clients ?? [o.address];
  w(
    'clients.conf',
    clients
      .map(
        (c, i) => `client nas${i} {
	ipaddr = ${c}
	proto = *
	secret = ${q(o.secret)}
	require_message_authenticator = ${o.requireMessageAuthenticator ? 'yes' : 'no'}
	nas_type = other
	shortname = nas${i}
}
`,
      )
      .join(''),
  );
  w('mods-enabled/pap', 'pap {\n\tnormalise = yes\n}\n');
  w('mods-enabled/chap', 'chap {\n}\n');
  w(
    'mods-enabled/mschap',
    `mschap {
	use_mppe = yes
	require_encryption = ${o.mppeRequired === false ? 'no' : 'yes'}
	require_strong = ${o.mppeStrong === false ? 'no' : 'yes'}
	with_ntdomain_hack = yes
	allow_retry = yes
	retry_msg = "Re-enter (or reset) the password"
}
`,
  );
  w(
    'mods-enabled/files',
    'files {\n\tmoddir = ${modconfdir}/${.:instance}\n\tfilename = ${confdir}/users\n\tkey = "%{%{Stripped-User-Name}:-%{User-Name}}"\n}\n',
  );
  w('mods-enabled/always', 'always ok {\n\trcode = ok\n}\nalways noop {\n\trcode = noop\n}\nalways reject {\n\trcode = reject\n}\n');
  w(
    'mods-enabled/attr_filter',
    'attr_filter attr_filter.access_reject {\n\tkey = "%{User-Name}"\n\tfilename = ${modconfdir}/attr_filter/access_reject\n}\n',
  );
  w(
    'mods-config/attr_filter/access_reject',
    'DEFAULT\n\tEAP-Message =* ANY,\n\tState =* ANY,\n\tMessage-Authenticator =* ANY,\n\tError-Cause =* ANY,\n\tReply-Message =* ANY,\n\tMS-CHAP-Error =* ANY,\n\tProxy-State =* ANY\n',
  );
  w('mods-enabled/detail', 'detail {\n\tfilename = ${radacctdir}/detail\n\tescape_filenames = no\n\tpermissions = 0600\n\theader = "%t"\n}\n');
  // radutmp (users logged in, from accounting) only when a user has Simultaneous-Use
  const sessions = o.users.some((u) => u.simultaneousUse !== undefined);
  if (sessions) {
    // radutmp fails an Accounting-On (no answer) until its file exists
    writeFileSync(join(dir, 'log', 'radutmp'), '', { mode: 0o600 });
    w(
      'mods-enabled/radutmp',
      'radutmp {\n\tfilename = ${logdir}/radutmp\n\tusername = %{User-Name}\n\tcase_sensitive = yes\n\tcheck_with_nas = no\n\tpermissions = 0600\n\tcaller_id = yes\n}\n',
    );
  }
  if (o.sql) {
    // %{tolower:...} in the sql queries, %{md5:...} in Acct-Unique-Session-Id
    w('mods-enabled/expr', 'expr {\n\tsafe_characters = "@abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_: /"\n}\n');
    w('mods-enabled/sql', sqlModuleConf(o.sql));
    w('mods-enabled/sqlippool', sqlIppoolModuleConf(o.sql.leaseSeconds));
    mkdirSync(join(r, 'mods-config/sql/main/postgresql'), { recursive: true });
    mkdirSync(join(r, 'mods-config/sql/ippool/postgresql'), { recursive: true });
    copyFileSync(FREERADIUS_SQL_FILES.mainQueries, join(r, 'mods-config/sql/main/postgresql/queries.conf'));
    copyFileSync(FREERADIUS_SQL_FILES.ippoolQueries, join(r, 'mods-config/sql/ippool/postgresql/queries.conf'));
  }
  w('users', usersFile(o.users));
  if (o.sql) {
    w('sites-enabled/pptp', sqlSiteConf({ address: o.address, port, detail: true }));
    return;
  }
  w(
    'sites-enabled/pptp',
    `server pptp {
	listen {
		type = auth
		ipaddr = ${o.address}
		port = ${port}
	}
	listen {
		type = acct
		ipaddr = ${o.address}
		port = ${port + 1}
	}
	authorize {
		if (&User-Name =~ /^([^\\\\]+)\\\\(.+)$/) {
			update request {
				&Stripped-User-Name := "%{2}"
				&Realm := "%{1}"
			}
		}
		files
		chap
		mschap
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		Auth-Type MS-CHAP {
			mschap
		}
	}
	preacct {
	}
	accounting {
		detail
${sessions ? '\t\tradutmp\n' : ''}		ok
	}
	session {
${sessions ? '\t\tradutmp\n' : ''}	}
	post-auth {
		if (&control:Tmp-String-0 && (&control:Tmp-String-0 == "no-mppe")) {
			update reply {
				&MS-MPPE-Send-Key !* ANY
				&MS-MPPE-Recv-Key !* ANY
				&MS-MPPE-Encryption-Policy !* ANY
				&MS-MPPE-Encryption-Types !* ANY
				&MS-CHAP-MPPE-Keys !* ANY
			}
		}
		Post-Auth-Type REJECT {
			attr_filter.access_reject
		}
	}
}
`,
  );
}

/**
 * The virtual server of a fleet's FreeRADIUS (sites-enabled/): MS-CHAPv2
 * with MPPE keys, users, groups, Simultaneous-Use and accounting in SQL,
 * addresses from sqlippool. samples/fleet/freeradius/sites-enabled/pptp-fleet
 * is this with `ipaddr = *`, port 1812 and no detail file
 * (test/unit/lab/fleet-samples.test.ts keeps them equal).
 */
export function sqlSiteConf(o: { address: string; port: number; detail?: boolean }): string {
  return `# A FreeRADIUS 3 virtual server for a fleet of pix-pptpd instances:
# MS-CHAPv2 with MPPE keys; users, groups, Simultaneous-Use and accounting
# in PostgreSQL (mods-enabled/sql); addresses from radippool
# (mods-enabled/sqlippool). Made by src/lab/rig/freeradius.ts sqlSiteConf(),
# which test/e2e/fleet-sqlippool.test.ts runs (with a detail file added).
server pptp-fleet {
	listen {
		type = auth
		ipaddr = ${o.address}
		port = ${o.port}
	}
	listen {
		type = acct
		ipaddr = ${o.address}
		port = ${o.port + 1}
	}
	authorize {
		# radcheck (Cleartext-Password), radgroupcheck via radusergroup
		# (Simultaneous-Use, Pool-Name), radreply and radgroupreply
		sql
		chap
		mschap
		pap
	}
	authenticate {
		Auth-Type MS-CHAP {
			mschap
		}
		Auth-Type CHAP {
			chap
		}
		Auth-Type PAP {
			pap
		}
	}
	preacct {
		# radacct's unique key, as policy.d/accounting's acct_unique makes it
		update request {
			&Acct-Unique-Session-Id := "%{md5:%{User-Name},%{Acct-Session-ID},%{%{NAS-IPv6-Address}:-%{NAS-IP-Address}},%{NAS-Identifier},%{NAS-Port-ID},%{NAS-Port}}"
		}
	}
	accounting {
${o.detail ? '\t\tdetail\n' : ''}		# Start inserts a radacct row, Interim-Update and Stop update it,
		# Accounting-On/Off close every open row of that NAS-IP-Address
		sql
		# Start and Interim-Update renew the lease, Stop frees it,
		# Accounting-On/Off free every lease of that NAS-IP-Address
		sqlippool
		ok
	}
	session {
		# Simultaneous-Use: the user's open radacct rows
		sql
	}
	post-auth {
		# Framed-IP-Address from the pool named by control:Pool-Name
		sqlippool
		Post-Auth-Type REJECT {
			attr_filter.access_reject
		}
	}
}
`;
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

/** Two consecutive free UDP ports on 127.0.0.1 (auth, acct). */
async function freePortPair(host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + Math.floor(Math.random() * 40000);
    if ((await portFree(p, host)) && (await portFree(p + 1, host))) return p;
  }
  throw new Error('no free UDP port pair found');
}

/** Starts FreeRADIUS and resolves once it is "Ready to process requests". */
export async function startFreeRadius(opts: FreeRadiusOptions): Promise<FreeRadius> {
  const o = { secret: 'testing123', address: '127.0.0.1', ...opts };
  const port = o.port ?? (o.netns ? 1812 : await freePortPair(o.address));
  const dir = mkdtempSync(join(tmpdir(), 'freeradius-'));
  // FreeRADIUS refuses a world-writable configuration
  chmodSync(dir, 0o755);
  let child: ChildProcess | undefined;
  try {
    config(dir, o, port);
    const args = [...(o.debug === false ? ['-f', '-l', 'stdout'] : ['-X']), '-d', join(dir, 'raddb')];
    child = o.netns
      ? spawnInNetns(o.netns, 'freeradius', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('freeradius', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new LineReader(child.stdout!);
    const err = new LineReader(child.stderr!);
    const c = child;
    const exited = new Promise<never>((_, reject) =>
      c.once('exit', (code) =>
        reject(new Error(`freeradius exited (${code}) during start-up:\n${[...out.lines, ...err.lines].slice(-30).join('\n')}`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([out.waitFor(/Ready to process requests/, 30_000), exited]);
    const forgetAtExit = killAtExit(c, dir);
    return {
      host: o.address,
      authPort: port,
      acctPort: port + 1,
      secret: o.secret,
      dir,
      pid: c.pid!,
      log: () => [...out.lines, ...err.lines].join('\n'),
      accounting: () => detailText(dir),
      accountingRecords: () => detailRecords(detailText(dir)),
      async stop() {
        forgetAtExit();
        await stopChild(c, 5000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopChild(child, 2000);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
