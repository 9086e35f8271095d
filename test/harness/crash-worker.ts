/** A worker entry that dies at once (test/e2e/workers-fleet.test.ts: the restart back-off). */
process.exit(1);
