/**
 * samples/fleet/ is what test/e2e/fleet-sqlippool.test.ts runs: the
 * FreeRADIUS modules are the ones the rig writes (src/lab/rig/freeradius.ts),
 * the pix-pptpd startup config loads and checks clean, and the rig builds
 * each instance's config from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlIppoolModuleConf, sqlModuleConf, sqlSiteConf } from '../../../src/lab/rig/freeradius.js';
import { lintConfig, loadConfigText, validate } from '../../../src/config/index.js';
import { instanceConfig } from '../../harness/fleet.js';
import { samplesDir } from '../config/helpers.js';

const fleet = (...p: string[]) => readFileSync(join(samplesDir(), 'fleet', ...p), 'utf8');

test('samples/fleet/freeradius: the sql and sqlippool modules and the site the rig runs (Debian\'s socket, a freerad login, no detail file)', () => {
  assert.equal(fleet('freeradius', 'sites-enabled', 'pptp-fleet'), sqlSiteConf({ address: '*', port: 1812 }));
  assert.equal(fleet('freeradius', 'mods-enabled', 'sql'), sqlModuleConf({ server: '/var/run/postgresql', port: 5432, database: 'radius', login: 'freerad' }));
  assert.equal(fleet('freeradius', 'mods-enabled', 'sqlippool'), sqlIppoolModuleConf(3600));
});

test('samples/fleet/pix-fleet.cfg loads, validates and lints without an error; the rig numbers it per instance', () => {
  const r = loadConfigText(fleet('pix-fleet.cfg'));
  assert.deepEqual(r.errors, []);
  assert.deepEqual(validate(r.config).errors, []);
  assert.deepEqual(lintConfig(r.config).filter((f) => f.severity === 'error').map((f) => f.code), []);
  assert.equal(r.config.vpn.pools.length, 0, 'no local pool: every address from RADIUS');
  assert.equal(r.config.vpn.vpdnUsers.length, 0, 'no local user');
  const third = instanceConfig(3);
  assert.match(third, /^hostname pix-fleet-3$/m);
  assert.match(third, /^ip address inside 10\.78\.3\.1 255\.255\.255\.0$/m);
  assert.match(third, /^aaa-server RADIUS \(inside\) host 10\.78\.3\.2 /m);
  assert.deepEqual(loadConfigText(third).errors, []);
  const local = loadConfigText(instanceConfig(2, { local: true }));
  assert.deepEqual(local.errors, []);
  assert.equal(local.config.vpn.aaaServerGroups.length, 0, 'the bench baseline has no AAA');
});
