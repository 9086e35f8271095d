/**
 * The data plane cannot open (no CAP_NET_RAW / CAP_NET_ADMIN): loading the
 * default config through the shell prints one PIX-style error line, with
 * the kernel's reason, and the commit changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/cli/app.js';
import { DEFAULT_CONFIG_TEXT } from '../../src/cli/default-config.js';
import { DebugBus } from '../../src/debug/bus.js';
import { PptpServer } from '../../src/server/server.js';
import { createMemoryGreNetwork } from '../../src/proto/gre/memory.js';
import { createMemoryTun } from '../../src/proto/tun/memory.js';

const EPERM = 'socket(AF_INET, SOCK_RAW, IPPROTO_GRE) failed: Operation not permitted';

for (const failing of ['gre', 'tun'] as const) {
  test(`${failing} cannot open: one ERROR line with the reason, nothing applied`, async () => {
    const gre = createMemoryGreNetwork({ seed: 1 });
    const server = new PptpServer({
      bus: new DebugBus(),
      openGre: () => {
        if (failing === 'gre') throw new Error(EPERM);
        return gre.endpoint('127.0.0.1');
      },
      openTun: (localAddress) => {
        if (failing === 'tun') throw new Error('ioctl(TUNSETIFF) failed: Operation not permitted');
        return createMemoryTun({ localAddress });
      },
      listen: { address: '127.0.0.1' },
      port: 0,
    });
    const app = createApp({ server, bus: new DebugBus() });
    try {
      const r = await app.loadText(DEFAULT_CONFIG_TEXT, app.emptyConfig());
      const errors = r.messages.filter((m) => m.startsWith('ERROR'));
      assert.equal(errors.length, 1, r.messages.join('\n'));
      const want = failing === 'gre' ? /^ERROR: cannot open the GRE socket \(IP protocol 47 needs CAP_NET_RAW\): socket\(.*Operation not permitted$/ : /^ERROR: cannot open the TUN device \(needs CAP_NET_ADMIN\): ioctl.*Operation not permitted$/;
      assert.match(errors[0], want);
      assert.equal(server.status().listening.length, 0, 'listening after a failed commit');
    } finally {
      await server.close();
    }
  });
}
