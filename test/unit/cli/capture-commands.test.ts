import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCaptureCommand, renderShowCapture, runCaptureCommand, type CaptureControl } from '../../../src/cli/capture-commands.js';

function control() {
  const caps = new Map<string, { interfaceName?: string; user?: string; tunnel?: number }>();
  const ctl: Required<CaptureControl> = {
    startCapture: async (spec) => {
      const { name, ...rest } = spec;
      if (name === 'refused') throw new Error('worker 1: did not answer (capture-start)');
      caps.set(name, rest);
    },
    stopCapture: async (name) => caps.delete(name),
    captures: async () => [...caps].map(([name, spec]) => ({ name, spec: { name, ...spec }, packets: 3, bytes: 180 })),
    captureNames: () => [...caps.keys()],
    capturePcap: async (name) => (caps.has(name) ? Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]) : undefined),
  };
  return { ctl, caps };
}

test('capture / show capture / copy capture / no capture over the server methods', async () => {
  const { ctl, caps } = control();
  assert.deepEqual(await runCaptureCommand(ctl, { kind: 'capture', name: 'c1', interfaceName: 'outside', user: 'cisco' }), []);
  assert.deepEqual(caps.get('c1'), { interfaceName: 'outside', user: 'cisco' });
  assert.deepEqual(await renderShowCapture(ctl), ['capture c1 interface outside user cisco (3 packets, 180 bytes)']);
  assert.equal((await renderShowCapture(ctl, 'c1'))[0], '3 packets captured (180 bytes)');
  assert.deepEqual(await renderShowCapture(ctl, 'nope'), ['ERROR: capture nope does not exist']);
  assert.deepEqual(ctl.captureNames(), ['c1']);

  const written: [string, Buffer][] = [];
  const out = await runCaptureCommand(ctl, { kind: 'copy-capture', name: 'c1', path: '/tmp/x.pcap' }, async (p, d) => {
    written.push([p, d]);
  });
  assert.deepEqual(out, ['Copying capture c1 to /tmp/x.pcap', '4 bytes copied']);
  assert.deepEqual(written[0][1], Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]));
  const failed = await runCaptureCommand(ctl, { kind: 'copy-capture', name: 'c1', path: '/x' }, async () => {
    throw new Error('EACCES');
  });
  assert.deepEqual(failed, ['ERROR: cannot write /x: EACCES']);

  assert.deepEqual(await runCaptureCommand(ctl, { kind: 'no-capture', name: 'c1' }), []);
  assert.deepEqual(await runCaptureCommand(ctl, { kind: 'no-capture', name: 'c1' }), ['ERROR: capture c1 does not exist']);
  assert.deepEqual(await runCaptureCommand(ctl, { kind: 'copy-capture', name: 'c1', path: '/tmp/y' }), ['ERROR: capture c1 does not exist']);
});

test('a capture the server refuses (a worker that did not take it) is an ERROR line, and nothing is started', async () => {
  const { ctl, caps } = control();
  assert.deepEqual(await runCaptureCommand(ctl, { kind: 'capture', name: 'refused' }), ['ERROR: capture refused: worker 1: did not answer (capture-start)']);
  assert.equal(caps.size, 0);
  const broken: CaptureControl = { captures: async () => Promise.reject(new Error('worker 0 did not answer (capture-list)')) };
  assert.deepEqual(await renderShowCapture(broken), ['ERROR: show capture: worker 0 did not answer (capture-list)']);
});

test('without a server the capture commands say so', async () => {
  assert.match((await runCaptureCommand(undefined, { kind: 'capture', name: 'c' }))[0], /not available/);
  assert.deepEqual(await renderShowCapture(undefined), []);
  assert.equal(isCaptureCommand({ kind: 'copy-capture' }), true);
  assert.equal(isCaptureCommand({ kind: 'copy' }), false);
});
