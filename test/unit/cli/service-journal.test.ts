/** The journal line formatter and the wording of rejected startup-config lines (src/cli/service/). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { journalLine, journalSyslog, journalSyslogLevel } from '../../../src/cli/service/journal.js';
import { describeLoadError, redactConfigLine } from '../../../src/cli/service/config-errors.js';
import type { LoggingSettings } from '../../../src/config/running.js';
import type { LogLine } from '../../../src/debug/bus.js';
import { configOps } from '../../../src/cli/wiring.js';

const logging = (over: Partial<LoggingSettings>): LoggingSettings => ({ on: true, timestamp: false, hosts: [], ...over });
const syslog = (id: number, severity: number, text: string): LogLine => ({ kind: 'syslog', id, severity, text, time: 0 });

describe('journalLine', () => {
  it('puts the sd-daemon priority in front and ends the line', () => {
    assert.equal(journalLine(6, '%PIX-6-603104: PPTP Tunnel created'), '<6>%PIX-6-603104: PPTP Tunnel created\n');
    assert.equal(journalLine(3, 'x'), '<3>x\n');
  });

  it('keeps one message on one line: breaks fold, control characters are escaped', () => {
    assert.equal(journalLine(6, 'a\nb\r\n  c'), '<6>a b c\n');
    const forged = journalLine(6, 'user bob\x1b[2J\x00<0>x');
    assert.equal(forged, '<6>user bob\\x1b[2J\\x00<0>x\n');
    assert.equal(forged.split('\n').length, 2);
  });

  it('clamps the priority to 0-7', () => {
    assert.equal(journalLine(9, 'x'), '<7>x\n');
    assert.equal(journalLine(-1, 'x'), '<0>x\n');
  });
});

describe('journalSyslog', () => {
  const created = syslog(603104, 6, 'PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 10.0.0.2');

  it('writes PIX text behind the prefix of its severity', () => {
    assert.equal(
      journalSyslog(created, logging({ console: 7 })),
      '<6>%PIX-6-603104: PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 10.0.0.2\n',
    );
  });

  it('follows logging console, informational when only logging on is set', () => {
    assert.equal(journalSyslogLevel(logging({})), 6);
    assert.equal(journalSyslogLevel(logging({ console: 3 })), 3);
    assert.equal(journalSyslog(created, logging({ console: 5 })), undefined);
    assert.equal(journalSyslog(syslog(111111, 7, 'debugging'), logging({})), undefined);
    assert.match(journalSyslog(syslog(111111, 7, 'debugging'), logging({ console: 7 }))!, /^<7>%PIX-7-111111: /);
  });

  it('sends nothing without logging on, and no debug lines', () => {
    assert.equal(journalSyslogLevel(logging({ on: false, console: 7 })), undefined);
    assert.equal(journalSyslog(created, logging({ on: false, console: 7 })), undefined);
    assert.equal(journalSyslog({ kind: 'debug', category: 'ppp negotiation', text: 'x', time: 0 }, logging({ console: 7 })), undefined);
  });
});

describe('rejected startup-config lines', () => {
  const errorsOf = (text: string) => configOps.load(text, configOps.emptyRunningConfig()).errors;

  it('masks the word after a secret keyword and the aaa-server key', () => {
    assert.equal(redactConfigLine('vpdn username bob password s3cret store-local'), 'vpdn username bob password ******** store-local');
    assert.equal(redactConfigLine('enable password Xy'), 'enable password ********');
    assert.equal(redactConfigLine('aaa-server R (inside) host 10.1.1.5 k3y timeout 5'), 'aaa-server R (inside) host 10.1.1.5 ******** timeout 5');
    assert.equal(redactConfigLine('a b c d', 2), 'a b ...');
  });

  it('names the line, the bad word and what follows it elided', () => {
    const [e] = errorsOf('hostname A\nvpdn username bob pasword s3cret\n');
    const text = describeLoadError(e);
    assert.equal(text, "ERROR: line 2: vpdn username bob pasword ... (invalid input at 'pasword')");
  });

  it('an unknown command keeps its first word only', () => {
    const [e] = errorsOf('usrname bob s3cret\n');
    assert.equal(describeLoadError(e), 'ERROR: line 1: usrname ... (unknown command)');
  });

  it('a line refused after parsing keeps its words, secrets masked, and the reason', () => {
    const [e] = errorsOf('aaa-server R (outside) host 10.0.0.1 k3y timeout 5\n');
    const text = describeLoadError(e);
    assert.match(text, /^ERROR: line 1: aaa-server R \(outside\) host 10\.0\.0\.1 \*{8} timeout 5 \(aaa-server R does not exist; .*\)$/);
    assert.ok(!text.includes('k3y'), text);
  });

  it('a bad word that is itself in a secret position is named by its number', () => {
    const [e] = errorsOf('ip address outside 1.2.3\n');
    assert.equal(describeLoadError(e), "ERROR: line 1: ip address outside 1.2.3 (invalid input at '1.2.3')");
    const bad = { lineNo: 3, text: 'enable password s3cret x', lines: ['                ^', "% Invalid input detected at '^' marker."] };
    assert.equal(describeLoadError(bad), 'ERROR: line 3: enable password ******** ... (invalid input at word 3)');
  });
});
