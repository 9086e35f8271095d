/**
 * The data plane's read loop (src/proto/os/read-loop.ts) on a FIFO, with
 * the real fdwatch addon: `drain` runs when data arrives and not before,
 * a drain that stops at its budget ('more') runs again on the next loop
 * turn, after the rest of the loop had its turn, a failed read ('retry') is retried after a
 * back-off instead of in a spin, and stop()/close() end the watching (close
 * also closes the fd, once) without keeping the process alive.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadLoop, type DrainResult } from '../../../src/proto/os/read-loop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fifo {
  reader: number;
  writer: number;
}

describe('read loop (fdwatch)', () => {
  let dir = '';
  let n = 0;
  const open: Fifo[] = [];
  let loops: ReadLoop[] = [];

  before(() => {
    dir = fs.mkdtempSync(join(tmpdir(), 'readloop-'));
  });
  // also when an assertion failed: a loop left watching keeps the process alive
  afterEach(() => {
    for (const l of loops) l.stop();
    loops = [];
  });
  after(() => {
    for (const f of open) for (const fd of [f.reader, f.writer]) try { fs.closeSync(fd); } catch { /* closed by the test */ }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fifo(): Fifo {
    const path = join(dir, `f${n++}`);
    execFileSync('mkfifo', [path]);
    const reader = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const writer = fs.openSync(path, fs.constants.O_WRONLY);
    const f = { reader, writer };
    open.push(f);
    return f;
  }

  function watch(fd: number, drain: () => DrainResult, closeFd: () => void = () => {}): ReadLoop {
    const l = new ReadLoop(fd, drain, closeFd, (e) => assert.fail(e));
    loops.push(l);
    l.start();
    return l;
  }

  /** Reads one octet; undefined when the FIFO is empty. */
  function readOne(fd: number): number | undefined {
    const b = Buffer.alloc(1);
    try {
      return fs.readSync(fd, b) === 1 ? b[0] : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return undefined;
      throw err;
    }
  }

  it('drains when data arrives, not while the fd is empty', async () => {
    const f = fifo();
    const got: number[] = [];
    let calls = 0;
    watch(f.reader, (): DrainResult => {
      calls++;
      for (let b = readOne(f.reader); b !== undefined; b = readOne(f.reader)) got.push(b);
      return 'empty';
    });
    await sleep(50);
    assert.equal(calls, 0, 'called with nothing to read');
    fs.writeSync(f.writer, Buffer.from([1, 2, 3]));
    await sleep(50);
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(calls, 1);
  });

  it("a drain that spends its budget ('more') runs again on the next loop turn, after the others had theirs", async () => {
    const f = fifo();
    const order: string[] = [];
    watch(f.reader, (): DrainResult => {
      const b = readOne(f.reader);
      if (b === undefined) return 'empty';
      order.push(`read ${b}`);
      setImmediate(() => order.push(`turn after ${b}`));
      return 'more';
    });
    fs.writeSync(f.writer, Buffer.from([1, 2, 3]));
    await sleep(100);
    assert.deepEqual(order, ['read 1', 'turn after 1', 'read 2', 'turn after 2', 'read 3', 'turn after 3']);
  });

  it("a failed read ('retry') is tried again after a back-off, not in a spin", async () => {
    const f = fifo();
    let calls = 0;
    watch(f.reader, (): DrainResult => {
      calls++;
      if (calls === 1) return 'retry'; // leaves the data there, as a read error would
      while (readOne(f.reader) !== undefined);
      return 'empty';
    });
    fs.writeSync(f.writer, Buffer.from([9]));
    await sleep(300);
    assert.equal(calls, 1, 'retried at once');
    await sleep(1000);
    assert.equal(calls, 2, 'not retried after the back-off');
  });

  it('stop() ends the reading and keeps the fd; close() closes it once', async () => {
    const f = fifo();
    let calls = 0;
    let closes = 0;
    const loop = watch(f.reader, (): DrainResult => {
      calls++;
      while (readOne(f.reader) !== undefined);
      return 'empty';
    }, () => closes++);
    loop.stop();
    fs.writeSync(f.writer, Buffer.from([1]));
    await sleep(50);
    assert.equal(calls, 0, 'read after stop()');
    assert.equal(closes, 0);
    assert.equal(readOne(f.reader), 1, 'the fd is still open');
    loop.close();
    loop.close();
    assert.equal(closes, 1);
  });
});
