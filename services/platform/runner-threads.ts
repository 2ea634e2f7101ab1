/**
 * The `all` role's runners: worker threads of this process, each a `worker` broker node of its own
 * (session runner, model cache, packs), joined to the api broker by the ThreadTransporter. Graphs
 * run there, so the event loop that serves HTTP and sockets stays free however heavy the items
 * are; everything between the api and the runners goes through the broker, the database and the
 * queue, exactly as in a cluster. A thread that dies is started again; its items are handed out
 * again as any dead worker's are.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'moleculer';
import type { PinkseaConfig } from '../../config/config';
import { PinkseaError } from '../../engine/errors';

/** What a runner thread starts with (structured-cloned into it). */
export interface RunnerThreadData {
  readonly config: PinkseaConfig;
  /** The BroadcastChannel of the platform's brokers; none when the config names a transporter. */
  readonly channel: string | undefined;
}

export type RunnerThreadMessage = { readonly type: 'ready' } | { readonly type: 'failed'; readonly message: string; readonly stack?: string };

export interface RunnerThreadsOptions {
  readonly config: PinkseaConfig;
  readonly count: number;
  /** The api broker's node id; runner `i` is `<nodeId>-runner-<i>`. */
  readonly nodeId: string;
  readonly databaseUrl: string;
  readonly channel: string | undefined;
  readonly logger: Logger;
}

export interface RunnerThreads {
  stop(): Promise<void>;
}

const ENTRY = path.join(__dirname, 'runner-thread.ts');
/** How long a runner may take to start (packs, sharp, ONNX Runtime) or to stop (items hand back). */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const RESTART_DELAY_MS = 1000;

/** Starts `count` runner threads and resolves once every one has joined the broker. */
export async function startRunnerThreads(options: RunnerThreadsOptions): Promise<RunnerThreads> {
  let stopping = false;
  const threads = new Map<number, Worker>();

  const start = (index: number): Promise<void> => {
    const data: RunnerThreadData = {
      config: { ...options.config, role: 'worker', nodeId: `${options.nodeId}-runner-${index}`, databaseUrl: options.databaseUrl },
      channel: options.channel,
    };
    const thread = spawnTypeScriptWorker(ENTRY, data);
    threads.set(index, thread);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new PinkseaError('runner_start_timeout', `Runner thread ${index} did not start within ${START_TIMEOUT_MS / 1000} s`, 'transient')), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      thread.on('message', (message: RunnerThreadMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
        if (message.type === 'failed') fail(Object.assign(new PinkseaError('runner_start_failed', `Runner thread ${index} failed to start: ${message.message}`, 'transient'), { stack: message.stack }));
      });
      thread.once('exit', () => fail(new PinkseaError('runner_start_failed', `Runner thread ${index} exited while starting`, 'transient')));
    });
    thread.on('error', (error) => options.logger.error(`Runner thread ${index} failed`, error));
    thread.once('exit', (code) => {
      if (threads.get(index) === thread) threads.delete(index);
      if (stopping) return;
      options.logger.error(`Runner thread ${index} exited (code ${code}); starting it again in ${RESTART_DELAY_MS} ms`);
      setTimeout(() => {
        if (!stopping) start(index).catch((error: unknown) => options.logger.error(`Runner thread ${index} could not start again`, error));
      }, RESTART_DELAY_MS).unref();
    });
    return ready;
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all([...threads.values()].map((thread) => stopThread(thread)));
    threads.clear();
  };

  try {
    await Promise.all(Array.from({ length: options.count }, (_, index) => start(index + 1)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** Asks a runner to stop its broker (its runner hands its queue back) and waits for it to exit. */
async function stopThread(thread: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.postMessage({ type: 'stop' });
  const timer = setTimeout(() => void thread.terminate(), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * A worker thread running a TypeScript entry. The process runs under tsx (`npm start`, `npm test`),
 * whose loader a worker thread does not inherit when started by the tsx command, so the thread
 * registers tsx's CommonJS hooks first.
 */
export function spawnTypeScriptWorker(entry: string, workerData: unknown): Worker {
  const source = [
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`,
    `require(require('node:worker_threads').workerData.entry);`,
  ].join('\n');
  return new Worker(source, { eval: true, workerData: { ...(workerData as object), entry } });
}
