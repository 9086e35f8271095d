import { test } from 'node:test';
import assert from 'node:assert/strict';
import { causeOf } from '../../../src/server/call.js';

// Each way a call can end, with the reason text it ends with (PPP session,
// or src/proto/pptp/*-control.ts through onCallClear / tunnel close in server.ts).
test('Acct-Terminate-Cause for each way a call ends', () => {
  const cases: [string, string][] = [
    ['peer requested termination', 'User-Request'], // LCP Terminate-Request from the client
    ['peer-clear-request', 'User-Request'], // Call-Clear-Request
    ['peer-disconnect', 'User-Request'], // Call-Disconnect-Notify from the client
    ['peer-stop', 'User-Request'], // StopCCRQ
    ['peer-shutdown', 'User-Request'], // StopCCRQ "local shutdown": the PC is going down
    ['tcp-closed', 'Lost-Carrier'], // TCP 1723 gone without a goodbye
    ['tunnel closed', 'Lost-Carrier'],
    ['echo-timeout', 'Lost-Carrier'], // PPTP Echo-Request unanswered
    ['LCP echo timeout: peer not responding', 'Lost-Carrier'],
    ['tunnel-stop', 'Admin-Reset'], // clear vpdn tunnel, no vpdn enable IF
    ['framing-error', 'Port-Error'], // the peer's control stream cannot be parsed
    ['shutdown', 'NAS-Reboot'],
    ['setup timeout', 'NAS-Request'],
  ];
  assert.deepEqual(
    cases.map(([reason]) => [reason, causeOf(reason)]),
    cases,
  );
});
