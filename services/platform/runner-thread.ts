/**
 * A runner thread's entry (see runner-threads.ts): starts a `worker` platform on the api's
 * database and broker channel, says when it is ready, and stops when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startPlatform, type Platform } from './platform';
import { setThreadNiceness } from './thread-priority';
import type { RunnerThreadData, RunnerThreadMessage } from './runner-threads';

const port = parentPort!;
const { config, channel } = workerData as RunnerThreadData;
const send = (message: RunnerThreadMessage) => port.postMessage(message);

// Graphs yield the CPU to the HTTP server's thread when both want it.
setThreadNiceness(config.runnerThreadNiceness);

let platform: Platform | undefined;
port.on('message', (message: { type: string }) => {
  if (message.type !== 'stop') return;
  // The thread ends here even if a library left a handle open; the api side waits for the exit.
  void (platform?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
});

startPlatform(config, { threadChannel: channel, registerStarterModels: false }).then(
  (started) => {
    platform = started;
    send({ type: 'ready' });
  },
  (error: unknown) => {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) });
    port.close();
  },
);
