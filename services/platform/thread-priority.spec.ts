/**
 * A thread's niceness is its own: a worker thread that lowers its priority leaves the thread that
 * serves HTTP as it was. Linux only (elsewhere setThreadNiceness changes nothing and says so).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { setThreadNiceness, threadNiceness } from './thread-priority';

describe('thread priority', () => {
  it('lowers a worker thread\'s priority and leaves the main thread\'s alone', async () => {
    if (process.platform !== 'linux') pending('thread niceness is set on Linux only');
    const before = threadNiceness();
    const source = `
      const { parentPort } = require('node:worker_threads');
      const { setThreadNiceness, threadNiceness } = require(${JSON.stringify(require.resolve('./thread-priority'))});
      parentPort.postMessage({ set: setThreadNiceness(7), niceness: threadNiceness() });
    `;
    const worker = new Worker(`require('tsx/cjs'); ${source}`, { eval: true });
    const answer = await new Promise<{ set: boolean; niceness: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(answer).toEqual({ set: true, niceness: 7 });
    expect(threadNiceness()).toBe(before);
    // The process as a whole (its main thread's id is the process id) kept its niceness too.
    expect(os.getPriority(process.pid)).toBe(before!);
  });

  it('does nothing for niceness 0', () => {
    expect(setThreadNiceness(0)).toBeFalse();
  });
});
