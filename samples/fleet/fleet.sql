-- The rows a pix-pptpd fleet needs in FreeRADIUS's PostgreSQL database,
-- loaded after the freeradius-postgresql package's two schemas:
--
--   psql -d radius -f /etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql
--   psql -d radius -f /etc/freeradius/3.0/mods-config/sql/ippool/postgresql/schema.sql
--   psql -d radius -f fleet.sql
--
-- test/e2e/fleet-sqlippool.test.ts and bench/fleet.bench.ts load exactly
-- this file, then replace the example users and addresses with their own.

-- Every user of group pptp: one login at a time (counted in radacct from
-- the instances' accounting), an address from the SQL pool "fleet", an
-- Interim-Update every 5 minutes (pix-pptpd never goes below 60 s).
INSERT INTO radgroupcheck (groupname, attribute, op, value) VALUES
  ('pptp', 'Simultaneous-Use', ':=', '1'),
  ('pptp', 'Pool-Name', ':=', 'fleet');
INSERT INTO radgroupreply (groupname, attribute, op, value) VALUES
  ('pptp', 'Service-Type', ':=', 'Framed-User'),
  ('pptp', 'Framed-Protocol', ':=', 'PPP'),
  ('pptp', 'Acct-Interim-Interval', ':=', '300');

-- Users: a cleartext password (or NT-Password, 32 hex digits) lets
-- FreeRADIUS's mschap answer MS-CHAPv2 with the MPPE keys.
INSERT INTO radcheck (username, attribute, op, value) VALUES
  ('alice', 'Cleartext-Password', ':=', 'Alice-Pptp-Pw1'),
  ('bob', 'Cleartext-Password', ':=', 'Bob-Pptp-Pw2');
INSERT INTO radusergroup (username, groupname, priority) VALUES
  ('alice', 'pptp', 1),
  ('bob', 'pptp', 1);

-- The pool: one row per address (here 10.200.0.1-10.200.0.250). An
-- expiry_time in the past is a free address; sqlippool leases it to a
-- NAS-IP-Address and NAS-Port, and frees it on the Stop, or every lease
-- of a NAS on its Accounting-On/Off.
INSERT INTO radippool (pool_name, framedipaddress, expiry_time)
  SELECT 'fleet', ('10.200.0.' || i)::inet, now() - interval '1 hour'
  FROM generate_series(1, 250) AS i;
